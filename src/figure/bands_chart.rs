//! An experiment's figure: for each method the median over seeds as a line
//! and the 20–80 % band around it, in four panels — f, ‖∇_y g‖, the KKT
//! residual and the hypergradient norm (the last three on log axes) —
//! against iterations, oracle calls or seconds.

use super::draw::{Ink, legend};
use super::landscape_chart::swatch;
use super::residual_chart::range;
use crate::experiment::BudgetOutcome;
use crate::experiment::bands::{Band, BandRow};
use crate::experiment::panels::{Along, PANELS, Panel, drawn_points, power_of_ten};
use crate::legend_place::Corner;
use crate::palette;
use plotters::coord::Shift;
use plotters::prelude::*;

fn fail(e: &dyn std::fmt::Display) -> String {
    format!("could not draw the experiment's figure: {e}")
}

/// The figure of one budget's outcome as SVG, `size` in points.
pub fn bands_svg(
    outcome: &BudgetOutcome,
    title: &str,
    along: Along,
    size: [u32; 2],
    light: bool,
) -> Result<String, String> {
    let ink = Ink::of(light);
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (size[0], size[1])).into_drawing_area();
        root.fill(&ink.background).map_err(|e| fail(&e))?;
        let body = root.titled(title, ink.font(15)).map_err(|e| fail(&e))?;
        let areas = body.split_evenly((2, 2));
        // One legend, in the f panel: every panel colours the methods alike.
        for (i, (area, panel)) in areas.iter().zip(&PANELS).enumerate() {
            draw_panel(area, outcome, panel, along, ink, i == 0)?;
        }
        root.present().map_err(|e| fail(&e))?;
    }
    Ok(out)
}

/// Axes and grid of a panel (a macro: plotters' mesh needs the concrete
/// coordinate types of each branch).
macro_rules! mesh {
    ($chart:expr, $along:expr, $ink:expr, $y_label:expr) => {
        super::draw::style_mesh(
            $chart
                .configure_mesh()
                .x_desc($along.label())
                .x_label_formatter(&|x| {
                    if $along.is_log() {
                        power_of_ten(*x)
                    } else {
                        format!("{x:.0}")
                    }
                })
                .x_labels(5)
                .y_labels(10)
                .y_label_formatter(&$y_label),
            $ink,
        )
        .draw()
        .map_err(|e| fail(&e))
    };
}

fn draw_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    outcome: &BudgetOutcome,
    panel: &Panel,
    along: Along,
    ink: Ink,
    with_legend: bool,
) -> Result<(), String> {
    // A log panel draws log₁₀ of the values on a linear axis labelled in
    // powers of ten (plotters' log axis drops labels over wide ranges).
    let rows: Vec<&[BandRow]> = outcome.methods.iter().map(|m| m.rows.as_slice()).collect();
    let series = drawn_points(&rows, panel, along);
    let all = series.iter().flatten();
    let xs = range(all.clone().map(|(x, _)| *x)).unwrap_or((0.0, 1.0));
    let ys = range(all.flat_map(|(_, b)| [b.low, b.median, b.high])).unwrap_or((0.0, 1.0));
    let pad = 0.05 * (ys.1 - ys.0).max(1e-9);
    let mut chart = ChartBuilder::on(area);
    chart.margin(8).x_label_area_size(32).y_label_area_size(58);
    chart.caption(panel.title, ink.font(12));
    let mut c = chart
        .build_cartesian_2d(xs.0..xs.1.max(xs.0 + 1e-12), (ys.0 - pad)..(ys.1 + pad))
        .map_err(|e| fail(&e))?;
    if panel.log {
        mesh!(c, along, ink, |v: &f64| power_of_ten(*v))?;
    } else {
        mesh!(c, along, ink, |v: &f64| format!("{v:.3}"))?;
    }
    draw_series(&mut c, outcome, &series, ink)?;
    if with_legend {
        let view = [[xs.0, xs.1], [ys.0 - pad, ys.1 + pad]];
        legend(&mut c, ink, emptiest(&series, view))?;
    }
    Ok(())
}

/// Each method's band (filled, translucent) and median (a line).
fn draw_series<DB: DrawingBackend>(
    chart: &mut ChartContext<
        '_,
        DB,
        Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
    >,
    outcome: &BudgetOutcome,
    series: &[Vec<(f64, Band)>],
    ink: Ink,
) -> Result<(), String> {
    for (slot, (m, pts)) in outcome.methods.iter().zip(series).enumerate() {
        let color = ink.color(palette::method(slot));
        let mut outline: Vec<(f64, f64)> = pts.iter().map(|(x, b)| (*x, b.high)).collect();
        outline.extend(pts.iter().rev().map(|(x, b)| (*x, b.low)));
        if outline.len() >= 3 {
            chart
                .draw_series(std::iter::once(Polygon::new(
                    outline,
                    color.mix(0.18).filled(),
                )))
                .map_err(|e| fail(&e))?;
        }
        let style = color.stroke_width(2);
        chart
            .draw_series(LineSeries::new(
                pts.iter().map(|(x, b)| (*x, b.median)),
                style,
            ))
            .map_err(|e| fail(&e))?
            .label(m.contender.label.clone())
            .legend(swatch(style));
    }
    Ok(())
}

/// The corner where the legend covers the fewest medians and bands.
fn emptiest(series: &[Vec<(f64, Band)>], view: [[f64; 2]; 2]) -> Corner {
    use crate::legend_place::{Avoid, emptiest_corner};
    let avoid: Vec<Avoid> = series
        .iter()
        .flatten()
        .flat_map(|(x, b)| {
            [(b.median, 1.0), (b.low, 0.3), (b.high, 0.3)].map(|(y, weight)| Avoid {
                at: [*x, y],
                weight,
            })
        })
        .collect();
    let share = [0.3, (0.055 * series.len() as f64 + 0.05).min(0.8)];
    emptiest_corner(&avoid, view, share)
}
