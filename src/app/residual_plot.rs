//! Residual curves against the iteration, the oracle calls or the compute
//! time: f with F* (linear), and h, ‖Δ‖, λ, the KKT residual and the
//! hypergradient norm (log scale).

use super::settings::XAxis;
use super::{BilevelApp, theme};
use crate::session::{Column, History, RunTrace};
use eframe::egui;
use egui_plot::{Corner, HLine, Legend, Line, LineStyle, Plot};
use std::ops::Range;

/// The horizontal position of sample `s` on `axis`.
pub(super) fn abscissa(h: &History, s: usize, axis: XAxis) -> Option<f64> {
    match axis {
        XAxis::Iterations => h.k.get(s).map(|k| *k as f64),
        XAxis::OracleCalls => h.calls.get(s).map(|c| *c as f64),
        XAxis::Seconds => h.seconds.get(s).copied(),
    }
}

/// The samples whose abscissa lies in `view` (every axis grows with the
/// sample index, so this is a binary search).
pub fn samples_in(h: &History, view: [f64; 2], axis: XAxis) -> Range<usize> {
    let before = |x: f64| {
        let (mut lo, mut hi) = (0, h.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if abscissa(h, mid, axis).is_some_and(|a| a < x) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    };
    let start = before(view[0]);
    start..before(view[1]).max(start)
}

/// (x, value) pairs of a column against `axis`, log10 of the value if
/// `log`; points that cannot be drawn (non-finite, or ≤ 0 on a log axis)
/// are left out. Long series are drawn as the extremes of their envelope
/// buckets, except in `detail` (the samples a zoomed-in view shows), which
/// is drawn sample by sample when short enough; either way the cost does
/// not grow with the length of the run.
pub fn series_points(
    h: &History,
    column: Column,
    log: bool,
    axis: XAxis,
    detail: Range<usize>,
) -> Vec<[f64; 2]> {
    h.drawable(column, detail, log)
        .into_iter()
        .filter_map(|s| {
            let v = h.value(column, s);
            let y = if log { v.log10() } else { v };
            Some([abscissa(h, s, axis)?, y]).filter(|p| p[1].is_finite())
        })
        .collect()
}

/// Where the plots' shared horizontal view was last frame (None until one
/// was drawn), kept in egui's memory.
fn last_view(ui: &egui::Ui) -> Option<[f64; 2]> {
    ui.ctx().data(|d| d.get_temp(egui::Id::unique(VIEW_KEY)))
}

const VIEW_KEY: &str = "residual-view";

/// Where the rate guides pass: the KKT residual (log10) at the sample a
/// tenth of the way through the kept history (at least iteration 1).
fn guide_anchor(h: &History) -> Option<[f64; 2]> {
    let s = (h.len() / 10).max(h.k.iter().position(|&k| k >= 1)?);
    let k = *h.k.get(s)? as f64;
    let r = *h.kkt.get(s)?;
    (k >= 1.0 && r > 0.0 && r.is_finite()).then(|| [k, r.log10()])
}

/// The power law `r ∝ k^(−power)` through `anchor` = (k₀, log10 r₀), as
/// (k, log10 r) from k₀/10 (at least 1) to `end`, log-spaced.
pub fn rate_guide(anchor: [f64; 2], power: f64, end: f64) -> Vec<[f64; 2]> {
    let start = (anchor[0] / 10.0).max(1.0);
    let end = end.max(start * 10.0);
    (0..64)
        .map(|i| {
            let k = start * (end / start).powf(i as f64 / 63.0);
            [k, anchor[1] - power * (k.log10() - anchor[0].log10())]
        })
        .collect()
}

/// The run's true-gap samples on `axis` (log10; zero gaps, which a log axis
/// cannot show, left out). Samples are placed on oracle calls or time
/// through the nearest kept iteration.
fn gap_points(run: &RunTrace, axis: XAxis) -> Vec<[f64; 2]> {
    let h = &run.history;
    run.gap_series
        .iter()
        .filter(|[_, gap]| *gap > 0.0)
        .filter_map(|[k, gap]| {
            let x = match axis {
                XAxis::Iterations => Some(*k),
                _ => {
                    let s = h.k.partition_point(|&kk| (kk as f64) < *k);
                    abscissa(h, s.min(h.len().saturating_sub(1)), axis)
                }
            }?;
            Some([x, gap.log10()])
        })
        .collect()
}

/// A plot against the iteration (or oracle calls, or seconds), x axis
/// linked with the others.
pub(super) fn iteration_plot(
    id: &str,
    height: f32,
    link: egui::Id,
    y_label: &str,
    axis: XAxis,
) -> Plot<'static> {
    Plot::new(id)
        .height(height)
        .legend(
            Legend::default()
                .position(Corner::RightTop)
                .text_style(egui::TextStyle::Small),
        )
        .x_axis_label(axis.label())
        .y_axis_label(y_label.to_string())
        .x_axis_formatter(super::ticks::linear)
        .y_axis_formatter(super::ticks::linear)
        .link_axis(link, [true, false])
}

/// Draws f and the residuals (and, with more than two variables, the
/// coordinates' traces): side by side, or `stacked` one above the other.
pub fn residual_ui(ui: &mut egui::Ui, app: &BilevelApp, stacked: bool) {
    let height = ui.available_height();
    let axis = app.settings.x_axis;
    // One link per axis kind: plots against different quantities do not share bounds.
    let link = egui::Id::unique(axis.label());
    // Hyper-cleaning's 1 210 coordinates make noise, not traces; its
    // weights and accuracies have their own view.
    let traces = app.doc.problem.dims().total() > 2 && app.doc.preset.cleaning.is_none();
    let view = last_view(ui);
    let plots = Plots {
        app,
        link,
        axis,
        view,
    };
    let shown = if stacked {
        // One above the other, each its share of the height.
        let count = if traces { 3.0 } else { 2.0 };
        let each = ((height - 8.0 * (count - 1.0)) / count).max(80.0);
        let bounds = plots.f_plot(ui, each);
        plots.residual_plot(ui, each);
        if traces {
            coordinate_traces(ui, app, each, link, axis, view);
        }
        Some(bounds)
    } else {
        ui.columns(if traces { 3 } else { 2 }, |cols| match cols {
            [left, right] => {
                plots.residual_plot(right, height);
                Some(plots.f_plot(left, height))
            }
            [left, right, third] => {
                coordinate_traces(third, app, height, link, axis, view);
                plots.residual_plot(right, height);
                Some(plots.f_plot(left, height))
            }
            _ => None,
        })
    };
    if let Some(view) = shown.filter(|v| v[0].is_finite() && v[1].is_finite()) {
        ui.ctx()
            .data_mut(|d| d.insert_temp(egui::Id::unique(VIEW_KEY), view));
    }
}

/// What the f plot and the residual plot share.
struct Plots<'a> {
    app: &'a BilevelApp,
    link: egui::Id,
    axis: XAxis,
    view: Option<[f64; 2]>,
}

impl Plots<'_> {
    /// The samples of `h` drawn in full (those in the last view).
    fn detail(&self, h: &History) -> std::ops::Range<usize> {
        self.view.map_or(0..0, |v| samples_in(h, v, self.axis))
    }

    /// f of every run, and F* dashed; returns the iterations it showed.
    fn f_plot(&self, ui: &mut egui::Ui, height: f32) -> [f64; 2] {
        let app = self.app;
        let f_star = app.doc.answer.get().map(|a| a.f);
        let shown = iteration_plot("f-plot", height, self.link, "f", self.axis).show(ui, |plot| {
            if let Some(f) = f_star {
                plot.hline(
                    HLine::new("F* (reference)", f)
                        .color(theme::REFERENCE)
                        .style(LineStyle::dashed_loose()),
                );
            }
            for run in &app.runs.session.runs {
                let h = &run.history;
                plot.line(
                    Line::new(
                        format!("f, run {}", run.slot + 1),
                        series_points(h, Column::F, false, self.axis, self.detail(h)),
                    )
                    .color(theme::run_color(run.slot))
                    .width(app.line_width(1.5)),
                );
            }
        });
        let bounds = shown.transform.bounds();
        [bounds.min()[0], bounds.max()[0]]
    }

    /// The residuals on a log scale.
    fn residual_plot(&self, ui: &mut egui::Ui, height: f32) {
        iteration_plot("residual-plot", height, self.link, "log₁₀", self.axis)
            .y_axis_formatter(super::ticks::log10)
            .show(ui, |plot| {
                residual_lines(plot, self.app, &|h| self.detail(h));
            });
    }
}

/// The log plot: the rate guides and the true gap of the selected run,
/// its residual series, and the other runs' KKT residuals dashed.
/// `detail(h)` is the range of samples drawn in full.
fn residual_lines(
    plot: &mut egui_plot::PlotUi<'_>,
    app: &BilevelApp,
    detail: &dyn Fn(&History) -> std::ops::Range<usize>,
) {
    let (series, axis) = (&app.settings.series, app.settings.x_axis);
    let selected_run = app.runs.session.runs.get(app.runs.selected);
    if series.guides
        && axis == XAxis::Iterations
        && let Some(run) = selected_run
        && let Some(anchor) = guide_anchor(&run.history)
    {
        let end = run.history.k.last().map_or(1.0, |k| *k as f64);
        let anchor = [anchor[0], anchor[1] + series.guide_shift];
        for (power, name, color) in [
            (2.0 / 3.0, "guide K^(−2/3): qp1's rate", theme::GUIDE_FAST),
            (1.0 / 3.0, "guide K^(−1/3): qp2's rate", theme::GUIDE_SLOW),
        ] {
            plot.line(
                Line::new(name, rate_guide(anchor, power, end))
                    .color(color)
                    .style(LineStyle::dashed_loose())
                    .width(1.5),
            );
        }
    }
    if series.gap
        && let Some(run) = selected_run
    {
        plot.line(
            Line::new("true LL gap g − min g", gap_points(run, axis))
                .color(theme::LL_MAX)
                .style(LineStyle::dotted_dense())
                .width(2.0),
        );
    }
    for (i, run) in app.runs.session.runs.iter().enumerate() {
        let h = &run.history;
        let selected = i == app.runs.selected;
        let all: [(bool, &str, Column); 5] = [
            (series.h, "h = ‖∇_y g‖²", Column::H),
            (series.delta, "‖Δ‖", Column::Delta),
            (series.lambda, "λ", Column::Lambda),
            (series.kkt, "KKT ‖Δ‖² + h", Column::Kkt),
            (
                series.hypergradient,
                "hypergradient norm",
                Column::Hypergradient,
            ),
        ];
        for (j, (on, name, column)) in all.into_iter().enumerate() {
            // Other runs: only their KKT residual, dashed, in their colour.
            if !on || (!selected && j != 3) {
                continue;
            }
            let color = if selected {
                theme::SERIES.get(j).copied().unwrap_or(egui::Color32::GRAY)
            } else {
                theme::run_color(run.slot)
            };
            let label = if selected {
                name.to_string()
            } else {
                format!("{name}, run {}", run.slot + 1)
            };
            let points = series_points(h, column, true, axis, detail(h));
            let mut line = Line::new(label, points)
                .color(color)
                .width(app.line_width(1.5));
            if !selected {
                line = line.style(LineStyle::dashed_loose());
            }
            plot.line(line);
        }
    }
}

/// Every coordinate of the selected run against the iteration (problems
/// with more than one x or y), the shown pair emphasised.
fn coordinate_traces(
    ui: &mut egui::Ui,
    app: &BilevelApp,
    height: f32,
    link: egui::Id,
    axis: XAxis,
    view: Option<[f64; 2]>,
) {
    let names = app.doc.problem.variable_names();
    let Some(run) = app.runs.session.runs.get(app.runs.selected) else {
        return;
    };
    let h = &run.history;
    let detail = view.map_or(0..0, |v| samples_in(h, v, axis));
    let many = names.len() > 8;
    iteration_plot("coordinate-plot", height, link, "coordinates", axis).show(ui, |plot| {
        for (i, name) in names.iter().enumerate() {
            let shown = i == app.settings.axis_x || i == app.settings.axis_y;
            let upper = i < app.doc.problem.dims().n;
            let color = if upper {
                theme::run_color(0)
            } else {
                theme::run_color(1)
            };
            // With many coordinates only the shown pair is named.
            let label = if many && !shown {
                if upper {
                    "x coordinates"
                } else {
                    "y coordinates"
                }
                .to_string()
            } else {
                name.clone()
            };
            plot.line(
                Line::new(
                    label,
                    series_points(h, Column::Coordinate(i), false, axis, detail.clone()),
                )
                .color(if shown {
                    color
                } else {
                    color.gamma_multiply(0.45)
                })
                .width(if shown { 2.0 } else { 1.0 }),
            );
        }
    });
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    #[test]
    fn a_rate_guide_falls_by_its_power_per_decade_through_its_anchor() {
        let guide = rate_guide([100.0, -2.0], 2.0 / 3.0, 1e5);
        assert_eq!(guide.len(), 64);
        assert!((guide[0][0] - 10.0).abs() < 1e-9 && (guide[63][0] - 1e5).abs() < 1e-6);
        for [k, y] in &guide {
            let expect = -2.0 - (2.0 / 3.0) * (k.log10() - 2.0);
            assert!((y - expect).abs() < 1e-12);
        }
        // One decade of k: two thirds of a decade down.
        let [a, b] = [guide[0], guide[63]];
        assert!(((a[1] - b[1]) / (b[0].log10() - a[0].log10()) - 2.0 / 3.0).abs() < 1e-12);
    }

    /// A history of `n` samples of dim 1 whose f column is `f`, summarised
    /// as the app's is.
    pub(in crate::app) fn history(f: Vec<f64>) -> History {
        let mut frames = crate::runner::Frames::default();
        for (k, v) in f.iter().enumerate() {
            frames.k.push(k as u64);
            frames.z.push(0.0);
            frames.f.push(*v);
            for c in [
                &mut frames.h,
                &mut frames.lambda,
                &mut frames.delta_norm,
                &mut frames.kkt,
                &mut frames.hypergradient,
            ] {
                c.push(1.0);
            }
            frames.active.push(false);
            frames.calls.push(3 * k as u64);
            frames.seconds.push(k as f64 * 1e-6);
        }
        History::from_frames(1, &frames)
    }

    #[test]
    fn long_series_keep_their_extremes_and_skip_what_a_log_axis_cannot_show() {
        let n = 100_000;
        let mut values: Vec<f64> = (0..n).map(|i| 1.0 + (i % 7) as f64).collect();
        values[54_321] = 1e9; // a spike
        values[10] = -1.0; // not drawable on a log axis
        values[11] = f64::NAN;
        let h = history(values);
        let pts = series_points(&h, Column::F, true, XAxis::Iterations, 0..0);
        assert!(pts.len() <= 2 * crate::envelope::DEFAULT_BUCKETS);
        assert!(pts.iter().any(|p| p[1] == 9.0), "the spike survives");
        assert!(pts.iter().all(|p| p[1].is_finite()));
        assert!(pts.windows(2).all(|w| w[0][0] <= w[1][0]), "in order");
        let short = series_points(
            &history(vec![1.0, -2.0, 3.0]),
            Column::F,
            false,
            XAxis::Iterations,
            0..0,
        );
        assert_eq!(short, vec![[0.0, 1.0], [1.0, -2.0], [2.0, 3.0]]);
    }

    #[test]
    fn a_zoomed_view_draws_every_sample_it_shows_on_any_axis() {
        let h = history((0..200_000).map(|i| (i as f64 * 0.01).sin()).collect());
        for (axis, view) in [
            (XAxis::Iterations, [1000.0, 1999.5]),
            (XAxis::OracleCalls, [3000.0, 5998.0]),
            (XAxis::Seconds, [1000e-6, 1999.5e-6]),
        ] {
            let range = samples_in(&h, view, axis);
            assert_eq!(range, 1000..2000, "{axis:?}");
            let pts = series_points(&h, Column::F, false, axis, range);
            let inside = pts
                .iter()
                .filter(|p| p[0] >= view[0] && p[0] <= view[1])
                .count();
            assert_eq!(inside, 1000, "{axis:?}");
        }
        assert_eq!(samples_in(&h, [-5.0, -1.0], XAxis::Iterations), 0..0);
        assert_eq!(
            samples_in(&h, [1e9, 2e9], XAxis::Iterations),
            200_000..200_000
        );
    }
}
