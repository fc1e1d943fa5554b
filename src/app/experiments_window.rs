//! The Experiments window: the seed paper's synthetic benchmark over many
//! seeds — what `bilevel-lab experiment synthetic` computes — run on a
//! background task with progress and Cancel, and drawn as each method's
//! median with its 20–80 % band.

use super::theme;
use crate::background::Task;
use crate::experiment::bands::BandRow;
use crate::experiment::contender::{self, Contender};
use crate::experiment::panels::{PANELS, Panel, drawn_points};
use crate::experiment::report::{SummaryRow, summary};
use crate::experiment::{self, Outcome, Spec};
use crate::figure::Along;
use crate::problem::LowerKind;
use crate::teaching::num;
use eframe::egui::{self, Color32, RichText};
use egui_plot::{FilledArea, Legend, Line, Plot};

/// The methods offered, the first seven ticked (the paper's comparison).
const OFFERED: [&str; 10] = [
    "pgd-qp:qp1",
    "pgd-qp:qp2",
    "sqcqp",
    "rxgf",
    "bome",
    "v-pbgd",
    "aid",
    "sqcqp:authors",
    "rxgf:rk4-38",
    "pgd-qp:qp1:budget",
];

/// What to run, as the window's fields hold it.
#[derive(Debug, Clone, PartialEq)]
pub struct ExperimentForm {
    /// Convex or nonconvex lower level.
    pub kind: LowerKind,
    /// n = m.
    pub dim: usize,
    /// How many seeds, from seed 1.
    pub seeds: usize,
    /// The budget K.
    pub iterations: u64,
    /// Which of [`OFFERED`] are ticked.
    pub ticked: [bool; OFFERED.len()],
}

impl Default for ExperimentForm {
    /// The command's defaults, at a budget the window finishes in seconds.
    fn default() -> Self {
        let mut ticked = [false; OFFERED.len()];
        ticked[..7].fill(true);
        Self {
            kind: LowerKind::Convex,
            dim: 20,
            seeds: 10,
            iterations: 5000,
            ticked,
        }
    }
}

impl ExperimentForm {
    /// The spec these fields describe, checked.
    pub fn spec(&self) -> Result<Spec, String> {
        let contenders: Vec<Contender> = OFFERED
            .iter()
            .zip(self.ticked)
            .filter(|(_, on)| *on)
            .map(|(name, _)| Contender::parse(name))
            .collect::<Result<_, _>>()?;
        if contenders.is_empty() {
            return Err("tick at least one method".into());
        }
        let spec = Spec {
            kind: self.kind,
            dim: self.dim,
            seeds: self.seeds,
            first_seed: 1,
            contenders,
            budgets: vec![self.iterations],
            time_budget: None,
            checkpoints: 200,
        };
        spec.check()?;
        Ok(spec)
    }
}

/// What the experiment's task answers: its outcome, `None` if cancelled,
/// or why it could not run.
type Answer = Result<Option<Outcome>, String>;

/// The window's state: its fields, the run in progress, the last result.
#[derive(Debug, Default)]
pub struct ExperimentsState {
    /// Whether the window is shown.
    pub open: bool,
    /// The fields.
    pub form: ExperimentForm,
    /// The panels' horizontal axis.
    pub along: AlongChoice,
    job: Option<(Spec, Task<Answer>)>,
    result: Option<(Spec, Outcome)>,
    /// Why the last experiment gave no result (an error or a cancel).
    pub message: Option<String>,
}

/// [`Along`] with a default, for the window's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AlongChoice {
    /// Against iterations.
    #[default]
    Iterations,
    /// Against oracle calls.
    OracleCalls,
    /// Against seconds.
    Seconds,
}

impl AlongChoice {
    fn along(self) -> Along {
        match self {
            AlongChoice::Iterations => Along::Iterations,
            AlongChoice::OracleCalls => Along::OracleCalls,
            AlongChoice::Seconds => Along::Seconds,
        }
    }
}

impl ExperimentsState {
    /// Whether an experiment is running.
    pub fn busy(&self) -> bool {
        self.job.is_some()
    }

    /// The last finished experiment.
    pub fn outcome(&self) -> Option<&Outcome> {
        self.result.as_ref().map(|(_, o)| o)
    }

    /// Starts the experiment the fields describe (a running one is
    /// cancelled); `ctx` is repainted when it ends.
    pub fn start(&mut self, ctx: &egui::Context) {
        let spec = match self.form.spec() {
            Ok(spec) => spec,
            Err(e) => {
                self.message = Some(e);
                return;
            }
        };
        self.message = None;
        let run = spec.clone();
        let task = Task::spawn(
            "experiment",
            spec.runs(),
            super::parts::repaint(ctx),
            move |progress| Some(experiment::run(&run, progress)),
        );
        self.job = Some((spec, task));
    }

    /// Takes a finished experiment's result.
    fn poll(&mut self, ctx: &egui::Context) {
        let Some((_, task)) = self.job.as_mut() else {
            return;
        };
        let Some(answer) = task.poll() else {
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
            return;
        };
        let cancelled = task.cancelled();
        let Some((spec, _)) = self.job.take() else {
            return;
        };
        match answer {
            Some(Ok(Some(outcome))) => self.result = Some((spec, outcome)),
            Some(Err(e)) => self.message = Some(e),
            _ if cancelled => self.message = Some("cancelled; the last result stays".into()),
            _ => self.message = Some("the experiment failed; no result".into()),
        }
    }
}

/// The line in the controls that opens the window.
pub fn opener_ui(ui: &mut egui::Ui, state: &mut ExperimentsState) {
    ui.label(RichText::new("Experiments").strong());
    ui.horizontal_wrapped(|ui| {
        ui.label("The papers' synthetic benchmark over many seeds, every method side by side.");
        if ui.button("Experiments…").clicked() {
            state.open = !state.open;
        }
    });
}

/// The window, when open and `shown` (the lecture view hides it; a running
/// experiment goes on and its result is kept).
pub fn experiments_window(ctx: &egui::Context, state: &mut ExperimentsState, shown: bool) {
    state.poll(ctx);
    if !shown {
        return;
    }
    let mut open = state.open;
    egui::Window::new("Experiments")
        .open(&mut open)
        .default_size([900.0, 860.0])
        .vscroll(true)
        .show(ctx, |ui| {
            form_ui(ui, state);
            ui.separator();
            if let Some((spec, outcome)) = &state.result {
                result_ui(ui, spec, outcome, &mut state.along);
            } else if !state.busy() {
                ui.label("No result yet: press Run.");
            }
        });
    state.open = open;
}

fn form_ui(ui: &mut egui::Ui, state: &mut ExperimentsState) {
    let form = &mut state.form;
    ui.horizontal_wrapped(|ui| {
        ui.label("lower level:");
        ui.radio_value(&mut form.kind, LowerKind::Convex, "convex ½‖Hy − x‖²");
        ui.radio_value(
            &mut form.kind,
            LowerKind::Nonconvex,
            "nonconvex cos(½‖Hy − x‖²)",
        );
    });
    ui.horizontal_wrapped(|ui| {
        for (v, max, prefix) in [
            (&mut form.dim, experiment::instance::MAX_DIM, "n = m = "),
            (&mut form.seeds, 200, "seeds: "),
        ] {
            ui.add(
                egui::DragValue::new(v)
                    .clamp_existing_to_range(false)
                    .range(1..=max)
                    .prefix(prefix),
            );
        }
        ui.add(
            egui::DragValue::new(&mut form.iterations)
                .clamp_existing_to_range(false)
                .range(1..=10_000_000)
                .speed(50.0)
                .prefix("K = "),
        );
    });
    ui.horizontal_wrapped(|ui| {
        for (name, on) in OFFERED.iter().zip(form.ticked.iter_mut()) {
            ui.checkbox(on, *name);
        }
    });
    ui.horizontal(|ui| {
        if let Some((_, task)) = &state.job {
            let (done, total) = task.steps();
            ui.add(
                egui::ProgressBar::new(task.fraction())
                    .desired_width(240.0)
                    .text(format!("{done} of {total} runs")),
            );
            if ui.button("Cancel").clicked() {
                task.cancel();
            }
        } else if ui.button("▶ Run").clicked() {
            state.start(ui.ctx());
        }
    });
    if let Some(m) = &state.message {
        ui.colored_label(theme::LL_MAX, m);
    }
    ui.label(
        RichText::new(format!(
            "Methods: the papers' constants ({}); sqcqp:authors is the authors' band and two-phase search, rxgf:rk4-38 their integrator. Starts: x random, y solving the lower level.",
            contender::DEFAULT_METHODS.replace(',', ", ")
        ))
        .small(),
    );
}

fn result_ui(ui: &mut egui::Ui, spec: &Spec, outcome: &Outcome, along: &mut AlongChoice) {
    let Some(budget) = outcome.budgets.first() else {
        return;
    };
    ui.label(
        RichText::new(format!(
            "{} lower level, n = m = {}, K = {}: median (line) and 20–80 % band (shaded) over {} seeds",
            if spec.kind == LowerKind::Convex { "Convex" } else { "Nonconvex" },
            spec.dim,
            budget.k,
            spec.seeds
        ))
        .strong(),
    );
    summary_grid(ui, &summary(outcome));
    ui.horizontal(|ui| {
        ui.label("against:");
        ui.radio_value(along, AlongChoice::Iterations, "iterations");
        ui.radio_value(along, AlongChoice::OracleCalls, "oracle calls");
        ui.radio_value(along, AlongChoice::Seconds, "seconds");
    });
    let width = (ui.available_width() / 2.0 - 8.0).max(200.0);
    // Short enough that both rows fit a 900-point-high window.
    let height = (width * 0.5).clamp(130.0, 260.0);
    egui::Grid::new("experiment-panels").show(ui, |ui| {
        for (i, panel) in PANELS.iter().enumerate() {
            panel_plot(ui, budget, panel, along.along(), [width, height], i == 0);
            if i % 2 == 1 {
                ui.end_row();
            }
        }
    });
}

fn summary_grid(ui: &mut egui::Ui, rows: &[SummaryRow]) {
    let cell = |v: Option<f64>| v.map_or_else(|| "—".to_string(), num);
    egui::Grid::new("experiment-summary")
        .striped(true)
        .show(ui, |ui| {
            for h in [
                "method",
                "f",
                "‖∇_y g‖",
                "KKT",
                "hypergrad",
                "oracle",
                "seconds",
                "diverged",
            ] {
                ui.label(RichText::new(h).strong());
            }
            ui.end_row();
            for (slot, r) in rows.iter().enumerate() {
                ui.colored_label(method_color(slot), &r.label);
                for v in [r.f, r.grad_y_g, r.kkt] {
                    ui.label(cell(v));
                }
                if r.hypergradient.is_some() && r.hypergradient_seeds < r.seeds {
                    ui.label(format!(
                        "{} ({} of {})",
                        cell(r.hypergradient),
                        r.hypergradient_seeds,
                        r.seeds
                    ));
                } else {
                    ui.label(cell(r.hypergradient));
                }
                for v in [r.oracle_calls, r.seconds] {
                    ui.label(cell(v));
                }
                ui.label(format!("{} of {}", r.diverged, r.seeds));
                ui.end_row();
            }
        });
    ui.label(RichText::new("Medians over the seeds of where each run ended; KKT is each method's own ‖Δ‖² + h; the hypergradient is by conjugate gradients, over the runs at whose end ∇²_yy g is positive definite (— at none; \"n of S\" when at only some).").small());
}

fn method_color(slot: usize) -> Color32 {
    let crate::palette::Rgb(r, g, b) = crate::palette::method(slot);
    Color32::from_rgb(r, g, b)
}

fn panel_plot(
    ui: &mut egui::Ui,
    budget: &experiment::BudgetOutcome,
    panel: &Panel,
    along: Along,
    size: [f32; 2],
    legend: bool,
) {
    ui.vertical(|ui| {
        let title = if panel.log {
            format!("log₁₀ {}", panel.title)
        } else {
            panel.title.to_string()
        };
        ui.label(RichText::new(title).strong());
        let mut plot = Plot::new(("experiment-panel", panel.title))
            .width(size[0])
            .height(size[1])
            .x_axis_label(along.label());
        if along.is_log() {
            plot = plot.x_axis_formatter(super::ticks::log10);
        }
        if panel.log {
            plot = plot.y_axis_formatter(super::ticks::log10);
        }
        if legend {
            plot = plot.legend(Legend::default().position(egui_plot::Corner::RightTop));
        }
        let rows: Vec<&[BandRow]> = budget.methods.iter().map(|m| m.rows.as_slice()).collect();
        let series = drawn_points(&rows, panel, along);
        plot.show(ui, |plot| {
            for (slot, (m, pts)) in budget.methods.iter().zip(&series).enumerate() {
                let color = method_color(slot);
                let xs: Vec<f64> = pts.iter().map(|p| p.0).collect();
                let lows: Vec<f64> = pts.iter().map(|p| p.1.low).collect();
                let highs: Vec<f64> = pts.iter().map(|p| p.1.high).collect();
                // The three slices have one entry per point, as FilledArea
                // requires. Unnamed, so the legend shows the line's colour
                // (a shared name would blend the two swatches away).
                plot.add(
                    FilledArea::new("", &xs, &lows, &highs).fill_color(color.gamma_multiply(0.18)),
                );
                let median: Vec<[f64; 2]> = pts.iter().map(|p| [p.0, p.1.median]).collect();
                plot.line(
                    Line::new(m.contender.label.clone(), median)
                        .color(color)
                        .width(1.8),
                );
            }
        });
    });
}
