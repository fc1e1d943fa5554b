//! Medians and 20–80 % bands over seeds, as benchopt plots them.

use super::trace::{Sample, Trace};

/// The lower and upper quantile of a band.
pub const BAND: (f64, f64) = (0.2, 0.8);

/// A quantity over the seeds at one checkpoint.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Band {
    /// The 20 % quantile.
    pub low: f64,
    /// The median.
    pub median: f64,
    /// The 80 % quantile.
    pub high: f64,
    /// How many seeds had a finite value.
    pub count: usize,
}

/// The q-quantile of sorted values, interpolating linearly between order
/// statistics (numpy's default); `None` for no values.
pub fn quantile(sorted: &[f64], q: f64) -> Option<f64> {
    let last = sorted.len().checked_sub(1)?;
    let position = q.clamp(0.0, 1.0) * last as f64;
    let below = position.floor() as usize;
    let above = (below + 1).min(last);
    let t = position - below as f64;
    // below ≤ above ≤ last: both in range.
    let (lo, hi) = (*sorted.get(below)?, *sorted.get(above)?);
    Some(lo + t * (hi - lo))
}

impl Band {
    /// The band of the finite values; `None` if there are none.
    pub fn of(values: impl IntoIterator<Item = f64>) -> Option<Self> {
        let mut v: Vec<f64> = values.into_iter().filter(|x| x.is_finite()).collect();
        v.sort_by(f64::total_cmp);
        Some(Band {
            low: quantile(&v, BAND.0)?,
            median: quantile(&v, 0.5)?,
            high: quantile(&v, BAND.1)?,
            count: v.len(),
        })
    }
}

/// Every quantity's band at one checkpoint.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BandRow {
    /// The iteration.
    pub k: u64,
    /// Seeds that reached this checkpoint.
    pub seeds: usize,
    /// f.
    pub f: Band,
    /// ‖∇_y g‖.
    pub grad_y_g: Band,
    /// The KKT residual.
    pub kkt: Band,
    /// The hypergradient norm, over the seeds where it is defined.
    pub hypergradient: Option<Band>,
    /// Oracle calls.
    pub oracle_calls: Band,
    /// Seconds.
    pub seconds: Band,
}

/// The bands of one method's traces at each checkpoint some seed reached.
pub fn band_rows(traces: &[Trace]) -> Vec<BandRow> {
    let longest = traces.iter().map(|t| t.samples.len()).max().unwrap_or(0);
    (0..longest)
        .filter_map(|i| {
            let at: Vec<&Sample> = traces.iter().filter_map(|t| t.samples.get(i)).collect();
            let first = at.first()?;
            let of = |get: fn(&Sample) -> f64| Band::of(at.iter().map(|s| get(s)));
            Some(BandRow {
                k: first.k,
                seeds: at.len(),
                f: of(|s| s.f)?,
                grad_y_g: of(|s| s.grad_y_g)?,
                kkt: of(|s| s.kkt)?,
                hypergradient: Band::of(at.iter().filter_map(|s| s.hypergradient)),
                oracle_calls: of(|s| s.oracle_calls as f64)?,
                seconds: of(|s| s.seconds)?,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiment::trace::End;

    #[test]
    fn quantiles_interpolate_between_order_statistics() {
        let v = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(quantile(&v, 0.5), Some(3.0));
        assert_eq!(quantile(&v, 0.2), Some(1.8));
        assert_eq!(quantile(&v, 0.8), Some(4.2));
        assert_eq!(quantile(&[7.0], 0.2), Some(7.0));
        assert_eq!(quantile(&[], 0.5), None);
        // Against brute force: 20 % of the way from the least to the
        // greatest of 11 values is the third.
        let v: Vec<f64> = (0..11).map(f64::from).collect();
        assert_eq!(quantile(&v, 0.2), Some(2.0));
        let b = Band::of([5.0, f64::NAN, 1.0, 3.0]).unwrap();
        assert_eq!((b.low, b.median, b.high, b.count), (1.8, 3.0, 4.2, 3));
    }

    fn sample(k: u64, f: f64) -> Sample {
        Sample {
            k,
            f,
            grad_y_g: f / 10.0,
            kkt: f * f,
            hypergradient: (f > 1.0).then_some(f),
            oracle_calls: k * 3,
            seconds: k as f64,
        }
    }

    #[test]
    fn rows_count_the_seeds_that_reached_each_checkpoint() {
        let traces = vec![
            Trace {
                samples: vec![sample(0, 1.0), sample(5, 2.0)],
                end: End::Budget,
            },
            Trace {
                samples: vec![sample(0, 3.0)],
                end: End::Diverged("diverged".into()),
            },
        ];
        let rows = band_rows(&traces);
        assert_eq!(rows.len(), 2);
        assert_eq!((rows[0].k, rows[0].seeds, rows[0].f.median), (0, 2, 2.0));
        assert_eq!(rows[0].hypergradient.map(|b| b.count), Some(1));
        assert_eq!((rows[1].k, rows[1].seeds, rows[1].f.median), (5, 1, 2.0));
    }
}
