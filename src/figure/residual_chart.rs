//! The residual plots: f against the iteration above, and on a log axis
//! below the KKT residual ‖Δ‖² + h, h, ‖Δ‖ and λ (one run), or each run's
//! KKT residual and h (several).

use super::draw::Ink;
use super::landscape_chart::swatch;
use super::{Sample, Trace};
use crate::legend_place::Corner;
use crate::palette;
use plotters::coord::Shift;
use plotters::prelude::*;

fn fail(e: &dyn std::fmt::Display) -> String {
    format!("could not draw the residual plots: {e}")
}

/// Draws both plots on `area`, one above the other.
pub(super) fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    traces: &[Trace],
    ink: Ink,
) -> Result<(), String> {
    let (top, bottom) = area.split_vertically(area.dim_in_pixel().1 * 2 / 5);
    let last_k = traces
        .iter()
        .filter_map(|t| t.samples.last().map(|s| s.k))
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    f_plot(&top, traces, last_k, ink)?;
    log_plot(&bottom, traces, last_k, ink)
}

/// f of every run.
fn f_plot<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    traces: &[Trace],
    last_k: f64,
    ink: Ink,
) -> Result<(), String> {
    let values = traces.iter().flat_map(|t| t.samples.iter().map(|s| s.f));
    let (lo, hi) = range(values).unwrap_or((0.0, 1.0));
    // Relative to the values, so a constant f still gets a band around it.
    let pad = 0.05 * (hi - lo).max(1e-9 * lo.abs().max(hi.abs()).max(1.0));
    if !(lo - pad).is_finite() || !(hi + pad).is_finite() {
        return Err("f is too large to plot".into());
    }
    let mut chart = ChartBuilder::on(area)
        .margin(10)
        .x_label_area_size(34)
        .y_label_area_size(60)
        .build_cartesian_2d(0.0..last_k, (lo - pad)..(hi + pad))
        .map_err(|e| fail(&e))?;
    mesh(&mut chart, "f", ink)?;
    let mut avoid = Vec::new();
    for t in traces {
        avoid.extend(points(&t.samples, |s| s.f));
        let color = ink.color(palette::run(t.slot));
        let style = color.stroke_width(2);
        chart
            .draw_series(LineSeries::new(points(&t.samples, |s| s.f), style))
            .map_err(|e| fail(&e))?
            .label(format!("f, run {}", t.slot + 1))
            .legend(swatch(style));
    }
    let view = [[0.0, last_k], [lo - pad, hi + pad]];
    super::draw::legend(&mut chart, ink, corner(&avoid, view, traces.len()))
}

/// The residuals on a log axis.
fn log_plot<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    traces: &[Trace],
    last_k: f64,
    ink: Ink,
) -> Result<(), String> {
    let series = series(traces, ink);
    let positive = series
        .iter()
        .flat_map(|(_, _, pts)| pts.iter().map(|p| p.1))
        .filter(|v| *v > 0.0);
    let (lo, hi) = range(positive).unwrap_or((1e-12, 1.0));
    // Within what a log axis can step through.
    let (lo, hi) = (lo.max(1e-300), hi.min(1e300).max(lo.max(1e-300)));
    let mut chart = ChartBuilder::on(area)
        .margin(10)
        .x_label_area_size(34)
        .y_label_area_size(60)
        .build_cartesian_2d(0.0..last_k, (lo / 2.0..hi * 2.0).log_scale())
        .map_err(|e| fail(&e))?;
    super::draw::style_mesh(
        chart
            .configure_mesh()
            .x_desc("iteration")
            .x_label_formatter(&|k| format!("{k:.0}"))
            .y_desc("log scale")
            .y_label_formatter(&|v| format!("{v:.0e}")),
        ink,
    )
    .draw()
    .map_err(|e| fail(&e))?;
    let mut avoid = Vec::new();
    let count = series.len();
    for (label, style, pts) in series {
        avoid.extend(pts.iter().map(|(k, v)| (*k, v.log10())));
        chart
            .draw_series(LineSeries::new(pts, style))
            .map_err(|e| fail(&e))?
            .label(label)
            .legend(swatch(style));
    }
    let view = [[0.0, last_k], [(lo / 2.0).log10(), (hi * 2.0).log10()]];
    super::draw::legend(&mut chart, ink, corner(&avoid, view, count))
}

/// Where a legend of `entries` rows covers the fewest of `points` (in the
/// plot's linear coordinates: the log axis as log₁₀).
fn corner(points: &[(f64, f64)], view: [[f64; 2]; 2], entries: usize) -> Corner {
    use crate::legend_place::{Avoid, emptiest_corner};
    let avoid: Vec<Avoid> = points
        .iter()
        .map(|&(x, y)| Avoid {
            at: [x, y],
            weight: 1.0,
        })
        .collect();
    let share = [0.45, (0.09 * entries as f64 + 0.06).min(0.8)];
    emptiest_corner(&avoid, view, share)
}

/// A series of the log plot: its label, style and positive points.
type Series = (String, ShapeStyle, Vec<(f64, f64)>);

/// A column of the samples: its label, its palette slot and its value.
type Column = (&'static str, usize, fn(&Sample) -> f64);

/// The log plot's series.
fn series(traces: &[Trace], ink: Ink) -> Vec<Series> {
    let positive = |pts: Vec<(f64, f64)>| -> Vec<(f64, f64)> {
        pts.into_iter()
            .filter(|p| p.1 > 0.0 && p.1.is_finite())
            .collect()
    };
    let mut out = Vec::new();
    if let [t] = traces {
        let columns: [Column; 4] = [
            ("KKT ‖Δ‖² + h", 3, |s| s.kkt),
            ("h = ‖∇_y g‖²", 0, |s| s.h),
            ("‖Δ‖", 1, |s| s.delta),
            ("λ", 2, |s| s.lambda),
        ];
        for (label, colour, value) in columns {
            let style = ink.color(palette::SERIES[colour]).stroke_width(2);
            out.push((
                label.to_string(),
                style,
                positive(points(&t.samples, value)),
            ));
        }
        return out;
    }
    for t in traces {
        let color = ink.color(palette::run(t.slot));
        let run = t.slot + 1;
        out.push((
            format!("KKT ‖Δ‖² + h, run {run}"),
            color.stroke_width(2),
            positive(points(&t.samples, |s| s.kkt)),
        ));
        out.push((
            format!("h, run {run}"),
            color.mix(0.55).stroke_width(1),
            positive(points(&t.samples, |s| s.h)),
        ));
    }
    out
}

/// (k, value) of every finite sample.
fn points(samples: &[Sample], value: impl Fn(&Sample) -> f64) -> Vec<(f64, f64)> {
    samples
        .iter()
        .map(|s| (s.k as f64, value(s)))
        .filter(|p| p.1.is_finite())
        .collect()
}

/// The smallest and largest of the finite values, if any.
pub(super) fn range(values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    values
        .filter(|v| v.is_finite())
        .fold(None, |acc, v| match acc {
            None => Some((v, v)),
            Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
        })
}

type Linear<'a, DB> = ChartContext<
    'a,
    DB,
    Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
>;

/// Axes and grid of the f plot.
fn mesh<DB: DrawingBackend>(chart: &mut Linear<DB>, y: &str, ink: Ink) -> Result<(), String> {
    super::draw::style_mesh(
        chart
            .configure_mesh()
            .x_desc("iteration")
            .x_label_formatter(&|k| format!("{k:.0}"))
            .y_desc(y),
        ink,
    )
    .draw()
    .map_err(|e| fail(&e))
}
