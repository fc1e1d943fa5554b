//! What an experiment's figure and window draw: four panels (f, ‖∇_y g‖,
//! the KKT residual, the hypergradient norm) of each method's median and
//! band, against iterations, oracle calls or seconds.

use super::bands::{Band, BandRow};

/// What the panels' horizontal axis measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Along {
    /// The iteration k.
    Iterations,
    /// The median oracle calls at each checkpoint.
    OracleCalls,
    /// The median seconds spent iterating at each checkpoint.
    Seconds,
}

impl Along {
    /// Every axis, in the order the files are written.
    pub const ALL: [Along; 3] = [Along::Iterations, Along::OracleCalls, Along::Seconds];

    /// The axis's description.
    pub fn label(self) -> &'static str {
        match self {
            Along::Iterations => "iteration",
            Along::OracleCalls => "oracle calls (median over seeds, log scale)",
            Along::Seconds => "seconds iterating (median over seeds, log scale)",
        }
    }

    /// The figure's file stem: `by-iteration`, `by-oracle-calls`, `by-time`.
    pub fn file_stem(self) -> &'static str {
        match self {
            Along::Iterations => "by-iteration",
            Along::OracleCalls => "by-oracle-calls",
            Along::Seconds => "by-time",
        }
    }

    /// Where a checkpoint's row goes on this axis: k, or log₁₀ of the
    /// median oracle calls or seconds (the methods' costs differ by orders
    /// of magnitude; the start, at 0, is not on a log axis: NaN).
    pub fn x(self, row: &BandRow) -> f64 {
        let log = |v: f64| if v > 0.0 { v.log10() } else { f64::NAN };
        match self {
            Along::Iterations => row.k as f64,
            Along::OracleCalls => log(row.oracle_calls.median),
            Along::Seconds => log(row.seconds.median),
        }
    }

    /// Whether [`Along::x`] is a log₁₀.
    pub fn is_log(self) -> bool {
        self != Along::Iterations
    }
}

/// One panel: its title, whether it shows log₁₀ of the quantity, and the
/// quantity's band at a checkpoint.
pub struct Panel {
    /// What it shows.
    pub title: &'static str,
    /// Whether its vertical axis is log₁₀ of the value.
    pub log: bool,
    /// The band at a checkpoint, if the quantity is defined there.
    pub band: fn(&BandRow) -> Option<Band>,
}

/// The four panels of an experiment's figure and window.
pub const PANELS: [Panel; 4] = [
    Panel {
        title: "f",
        log: false,
        band: |r| Some(r.f),
    },
    Panel {
        title: "‖∇_y g‖",
        log: true,
        band: |r| Some(r.grad_y_g),
    },
    Panel {
        title: "KKT residual ‖Δ‖² + h",
        log: true,
        band: |r| Some(r.kkt),
    },
    Panel {
        title: "hypergradient norm (CG)",
        log: true,
        band: |r| r.hypergradient,
    },
];

/// A method's (x, band) points of one panel, finite and, on a log axis,
/// with a positive median. Against oracle calls or seconds only the
/// checkpoints every seed reached: a median over the seeds still running
/// could go back.
pub fn points(rows: &[BandRow], panel: &Panel, along: Along) -> Vec<(f64, Band)> {
    let all = rows.first().map_or(0, |r| r.seeds);
    rows.iter()
        .filter(|r| along == Along::Iterations || r.seeds == all)
        .filter_map(|r| Some((along.x(r), (panel.band)(r)?)))
        .filter(|(x, b)| x.is_finite() && b.median.is_finite() && (!panel.log || b.median > 0.0))
        .collect()
}

/// Every method's points of `panel` ready to draw: log₁₀ taken on a log
/// panel, a band's edge at zero (or below) drawn at the least positive
/// value any method shows there.
pub fn drawn_points(methods: &[&[BandRow]], panel: &Panel, along: Along) -> Vec<Vec<(f64, Band)>> {
    let raw: Vec<Vec<(f64, Band)>> = methods
        .iter()
        .map(|rows| points(rows, panel, along))
        .collect();
    if !panel.log {
        return raw;
    }
    let floor = raw
        .iter()
        .flatten()
        .flat_map(|(_, b)| [b.low, b.median, b.high])
        .filter(|v| *v > 0.0)
        .fold(f64::INFINITY, f64::min);
    let y = |v: f64| v.max(floor).log10();
    raw.into_iter()
        .map(|pts| {
            pts.into_iter()
                .map(|(x, b)| {
                    let band = Band {
                        low: y(b.low),
                        median: y(b.median),
                        high: y(b.high),
                        count: b.count,
                    };
                    (x, band)
                })
                .collect()
        })
        .collect()
}

/// The label of a tick at log₁₀ value `v`: `1e-8` on whole powers, else
/// the value with two significant digits.
pub fn power_of_ten(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("1e{}", v.round() as i64)
    } else {
        format!("{:.1e}", 10f64.powf(v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn band(median: f64) -> Band {
        Band {
            low: 0.0,
            median,
            high: 2.0 * median,
            count: 3,
        }
    }

    fn row(k: u64, seeds: usize, value: f64) -> BandRow {
        BandRow {
            k,
            seeds,
            f: band(value),
            grad_y_g: band(value),
            kkt: band(value),
            hypergradient: None,
            oracle_calls: band(10.0 * k as f64),
            seconds: band(k as f64),
        }
    }

    #[test]
    fn log_panels_take_log10_and_floor_a_zero_edge_at_the_least_value_shown() {
        let rows = [row(0, 3, 1e-2), row(10, 3, 1e-4), row(20, 2, 1e-6)];
        let kkt = &PANELS[2];
        let pts = drawn_points(&[&rows], kkt, Along::Iterations);
        assert_eq!(pts[0].len(), 3);
        let (x, b) = pts[0][1];
        assert_eq!((x, b.median, b.high), (10.0, -4.0, (2e-4f64).log10()));
        // The zero low edges sit at the least positive value, 1e-6.
        assert!(pts[0].iter().all(|(_, b)| b.low == -6.0));
        // Against oracle calls: log₁₀ of the median calls, without the
        // start (0 calls) and the checkpoint only two seeds reached.
        let pts = drawn_points(&[&rows], kkt, Along::OracleCalls);
        assert_eq!(pts[0].iter().map(|p| p.0).collect::<Vec<_>>(), vec![2.0]);
        // The hypergradient is undefined everywhere here: no points.
        assert!(drawn_points(&[&rows], &PANELS[3], Along::Iterations)[0].is_empty());
        assert_eq!(power_of_ten(-8.0), "1e-8");
        assert_eq!(power_of_ten(0.5), "3.2e0");
    }
}
