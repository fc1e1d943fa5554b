//! Hyper-cleaning's numbers against the iteration for every run of the
//! comparison: test and validation accuracy, and the F1 score of "weight
//! < ½ = corrupted". Each run's kept iterates are scored on the UI thread
//! within a time budget per frame and remembered, so a long run costs its
//! new samples only.

use super::residual_plot::{abscissa, iteration_plot};
use super::settings::XAxis;
use super::{BilevelApp, theme};
use crate::dataset::{CleaningReport, CleaningTask};
use crate::runner::RunId;
use crate::session::{History, RunTrace};
use eframe::egui;
use egui_plot::{Corner, HLine, Legend, Line, LineStyle, Plot, VLine};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// At most this many evenly spaced samples per run make a curve (plus the
/// newest kept and the point the run stands at).
pub const POINTS: u64 = 256;

/// Scoring time allowed per frame; the rest waits for the next frame.
const BUDGET: Duration = Duration::from_millis(6);

/// The reports of the kept iterates the curves need, per run.
#[derive(Default)]
pub struct CleaningCurves {
    /// The task the reports belong to (another task forgets them all).
    task: Option<Arc<CleaningTask>>,
    /// Per run, the report at each scored iteration.
    runs: HashMap<RunId, BTreeMap<u64, CleaningReport>>,
    /// The last update ran out of time.
    pending: bool,
}

/// An iteration and its point.
type Iterate<'a> = (u64, &'a [f64]);

/// The iterates of `run` its curves are drawn through, by iteration: the
/// spaced kept ones and the point the run stands at (the history holds
/// the points steps were taken from).
fn to_score(run: &RunTrace) -> Vec<Iterate<'_>> {
    let h = &run.history;
    let mut points: Vec<Iterate> = wanted(h)
        .into_iter()
        .filter_map(|s| Some((*h.k.get(s)?, h.point(s))))
        .collect();
    if let Some(last) = run.last.as_ref().filter(|r| h.k.last() < Some(&r.k)) {
        points.push((last.k, &last.z));
    }
    points
}

/// The spacing of the scored iterations for a run whose newest kept
/// iteration is `last`: the smallest power of two (not below the history's
/// own stride) that keeps at most [`POINTS`] of them. A power of two keeps
/// the choice stable as the run grows: when it doubles, every iteration
/// still wanted was scored already.
pub fn spacing(stride: u64, last: u64) -> u64 {
    let mut q = stride.max(1);
    while last / q >= POINTS {
        q = q.saturating_mul(2);
    }
    q
}

/// The samples of `h` to score: those at multiples of [`spacing`], and the
/// newest kept.
pub fn wanted(h: &History) -> Vec<usize> {
    let Some(&last) = h.k.last() else {
        return Vec::new();
    };
    let q = spacing(h.stride, last);
    let mut out: Vec<usize> = (0..h.len())
        .filter(|&s| h.k.get(s).is_some_and(|k| k.is_multiple_of(q)))
        .collect();
    if out.last() != Some(&(h.len() - 1)) {
        out.push(h.len() - 1);
    }
    out
}

impl CleaningCurves {
    /// Scores what the runs' curves lack, for at most `budget`; true if
    /// some remain for a later frame. Runs gone and iterations no longer
    /// wanted are forgotten.
    pub fn update(
        &mut self,
        task: &Arc<CleaningTask>,
        runs: &[RunTrace],
        budget: Duration,
    ) -> bool {
        if !self.task.as_ref().is_some_and(|t| Arc::ptr_eq(t, task)) {
            self.task = Some(Arc::clone(task));
            self.runs.clear();
        }
        self.runs.retain(|id, _| runs.iter().any(|r| r.id == *id));
        let began = Instant::now();
        let wanted: Vec<(RunId, Vec<Iterate>)> =
            runs.iter().map(|run| (run.id, to_score(run))).collect();
        for (id, points) in &wanted {
            let scored = self.runs.entry(*id).or_default();
            scored.retain(|k, _| points.binary_search_by_key(k, |p| p.0).is_ok());
        }
        // Every run's newest point first, so that no run waits for the
        // history of another; then the histories, newest first.
        let newest = wanted.iter().filter_map(|(id, p)| Some((*id, *p.last()?)));
        let rest = wanted
            .iter()
            .flat_map(|(id, p)| p.iter().rev().skip(1).map(move |point| (*id, *point)));
        self.pending = false;
        for (id, (k, z)) in newest.chain(rest) {
            let scored = self.runs.entry(id).or_default();
            if scored.contains_key(&k) {
                continue;
            }
            if began.elapsed() >= budget {
                self.pending = true;
                break;
            }
            scored.insert(k, task.report(z));
        }
        self.pending
    }

    /// Whether the last update left some wanted iterate unscored.
    pub fn pending(&self) -> bool {
        self.pending
    }

    /// The scored reports of `run`, in order of iteration.
    pub fn reports(&self, run: RunId) -> impl Iterator<Item = (u64, &CleaningReport)> {
        self.runs
            .get(&run)
            .into_iter()
            .flat_map(|m| m.iter().map(|(k, r)| (*k, r)))
    }

    /// (abscissa, value) points of `value` for `run` on `axis`; reports
    /// of iterations neither kept in the history nor current are left out.
    fn points(
        &self,
        run: &RunTrace,
        axis: XAxis,
        value: impl Fn(&CleaningReport) -> f64,
    ) -> Vec<[f64; 2]> {
        let h = &run.history;
        let current = |k: u64| {
            let last = run.last.as_ref().filter(|r| r.k == k)?;
            match axis {
                XAxis::Iterations => Some(k as f64),
                XAxis::OracleCalls => Some(last.oracle_calls as f64),
                // The time the run had computed when it got there.
                XAxis::Seconds => h.seconds.last().copied(),
            }
        };
        self.reports(run.id)
            .filter_map(|(k, r)| {
                let x = match h.k.binary_search(&k) {
                    Ok(s) => abscissa(h, s, axis),
                    Err(_) => current(k),
                }?;
                Some([x, value(r)]).filter(|p| p[1].is_finite())
            })
            .collect()
    }
}

impl BilevelApp {
    /// Scores the iterates the accuracy and F1 curves still lack (a
    /// hyper-cleaning preset only), and comes back for the rest.
    pub(super) fn update_cleaning_curves(&mut self) {
        let Some(task) = self.doc.preset.cleaning.clone() else {
            self.view.cleaning_curves = CleaningCurves::default();
            return;
        };
        if self
            .view
            .cleaning_curves
            .update(&task, &self.runs.session.runs, BUDGET)
        {
            self.ctx.request_repaint();
        }
    }

    /// The scored iterations of the comparison's run `index` and their
    /// reports, as its accuracy and F1 curves draw them.
    pub fn cleaning_curve(&self, index: usize) -> Vec<(u64, CleaningReport)> {
        self.runs
            .session
            .runs
            .get(index)
            .map_or_else(Vec::new, |run| {
                self.view
                    .cleaning_curves
                    .reports(run.id)
                    .map(|(k, r)| (k, *r))
                    .collect()
            })
    }
}

/// The two plots, one above the other in `height`, their horizontal axis
/// linked with the residual plots'.
pub fn curves_ui(ui: &mut egui::Ui, app: &BilevelApp, task: &CleaningTask, height: f32) {
    let axis = app.settings.x_axis;
    let link = egui::Id::unique(axis.label());
    let each = ((height - ui.spacing().item_spacing.y) / 2.0).max(60.0);
    let curves = &app.view.cleaning_curves;
    let runs = &app.runs.session.runs;
    let shown = app
        .shown_step()
        .filter(|s| s.past && axis == XAxis::Iterations)
        .map(|s| s.record.k as f64);
    let width = app.line_width(1.5);
    let before = task.no_cleaning.test_accuracy;
    // (name, points, colour, dotted) of every accuracy curve.
    let mut lines = Vec::new();
    for run in runs {
        let (color, n) = (theme::run_color(run.slot), run.slot + 1);
        let test = curves.points(run, axis, |r| r.test_accuracy);
        let validation = curves.points(run, axis, |r| r.validation_accuracy);
        lines.push((format!("test, run {n}"), test, color, false));
        lines.push((format!("validation, run {n}"), validation, color, true));
    }
    let values = lines.iter().flat_map(|l| l.1.iter().map(|p| p[1]));
    let top = legend_headroom(values.chain([before]), lines.len() + 1, each);
    let mut plot = curve_plot(
        "accuracy-curves",
        "accuracy",
        each,
        link,
        axis,
        Corner::RightTop,
    );
    if let Some(top) = top {
        plot = plot.include_y(top);
    }
    plot.show(ui, |plot| {
        plot.hline(
            HLine::new("test, no cleaning", before)
                .color(theme::REFERENCE)
                .style(LineStyle::dashed_loose()),
        );
        for (name, points, color, dotted) in lines {
            let mut line = Line::new(name, points).color(color).width(width);
            if dotted {
                line = line.style(LineStyle::dotted_dense());
            }
            plot.line(line);
        }
        if let Some(k) = shown {
            plot.vline(VLine::new("iteration shown", k).color(theme::STEP));
        }
    });
    // F1 starts at 0 (no weight below ½) and rises at once: the legend
    // sits low on the right, where no curve goes.
    curve_plot(
        "f1-curves",
        "F1 of weight < ½",
        each,
        link,
        axis,
        Corner::RightBottom,
    )
    .include_y(0.0)
    .include_y(1.0)
    .show(ui, |plot| {
        for run in runs {
            plot.line(
                Line::new(
                    format!("F1, run {}", run.slot + 1),
                    curves.points(run, axis, |r| r.f1),
                )
                .color(theme::run_color(run.slot))
                .width(width),
            );
        }
        if let Some(k) = shown {
            plot.vline(VLine::new("iteration shown", k).color(theme::STEP));
        }
    });
}

/// The value to include above the curves so that a legend of `entries`
/// lines in the plot's top corner, `height` points tall, covers none of
/// them; None without finite values.
pub fn legend_headroom(
    values: impl Iterator<Item = f64>,
    entries: usize,
    height: f32,
) -> Option<f64> {
    let (lo, hi) = values
        .filter(|v| v.is_finite())
        .fold(None, |acc: Option<(f64, f64)>, v| {
            Some(acc.map_or((v, v), |(lo, hi)| (lo.min(v), hi.max(v))))
        })?;
    // Small text: about 15 points a line, and a margin; the axes' labels
    // take about 40 points of the height.
    let legend = 15.0 * entries as f64 + 12.0;
    let inner = (f64::from(height) - 40.0).max(legend + 20.0);
    let share = (legend / inner).min(0.8);
    let span = (hi - lo).max(1e-3);
    Some(hi + span * share / (1.0 - share))
}

/// A curve plot against `axis` like the residual plots, its legend in
/// `corner`.
fn curve_plot(
    id: &str,
    y_label: &str,
    height: f32,
    link: egui::Id,
    axis: XAxis,
    corner: Corner,
) -> Plot<'static> {
    iteration_plot(id, height, link, y_label, axis).legend(
        Legend::default()
            .position(corner)
            .text_style(egui::TextStyle::Small),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_headroom_leaves_the_legends_share_of_the_height_above_the_curves() {
        // 5 entries: 87 of the 200 − 40 points inside, so the curves keep
        // the rest: (top − hi) / (top − lo) = 87 / 160.
        let top = legend_headroom([0.9, 0.95, f64::NAN].into_iter(), 5, 200.0).unwrap();
        let share = (top - 0.95) / (top - 0.9);
        assert!((share - 87.0 / 160.0).abs() < 1e-12, "{share}");
        assert_eq!(legend_headroom([f64::NAN].into_iter(), 3, 200.0), None);
        // A flat curve still gets room.
        assert!(legend_headroom([0.5].into_iter(), 1, 200.0).unwrap() > 0.5);
    }

    #[test]
    fn the_spacing_keeps_at_most_the_allowed_points_and_only_doubles() {
        assert_eq!(spacing(1, 100), 1);
        assert_eq!(spacing(1, POINTS - 1), 1);
        assert_eq!(spacing(1, POINTS), 2);
        assert_eq!(spacing(4, 10), 4, "never below the history's stride");
        let mut before = 1;
        for last in 0..100_000 {
            let q = spacing(1, last);
            // Multiples of q from 0 to last: at most POINTS of them.
            assert!(last / q < POINTS && q.is_power_of_two());
            assert!(q == before || q == 2 * before, "at {last}: {before} → {q}");
            before = q;
        }
    }

    #[test]
    fn the_wanted_samples_are_the_spaced_ones_and_the_newest() {
        let h = crate::app::residual_plot::tests::history(vec![1.0; 1001]);
        let s = wanted(&h);
        // 1000 / 4 = 250 ≤ 256 < 1000 / 2: every fourth iteration, then 1000.
        assert_eq!(s.len(), 251);
        assert!(s.iter().all(|&i| h.k[i].is_multiple_of(4)));
        assert_eq!(s.last(), Some(&1000));
    }
}
