//! "Explain this step": the selected run's update written out with the
//! numbers of the iteration shown, stage by stage, and a slider through the
//! kept history. The plot draws the same iteration and stage.

use super::{AppCommand, BilevelApp, theme};
use crate::explore::{EventKind, LowerShape};
use crate::method::{Method, Record};
use crate::teaching::{Explanation, Stage, explain, replay};
use eframe::egui::{self, RichText};

/// What teaching mode shows (not persisted: a lecture starts live).
#[derive(Debug, Clone, Default)]
pub struct TeachState {
    /// The stage shown, or `None` for the whole step.
    pub stage: Option<Stage>,
    /// The history sample shown, or `None` for the current iterate.
    pub scrub: Option<usize>,
    /// The step shown this frame.
    pub shown: Option<ShownStep>,
    /// What `shown` was worked out from: the same again is not replayed.
    shown_from: Option<ShownKey>,
    /// Whether the guided tour's window is open.
    pub tour_open: bool,
    /// The tour stop shown in that window.
    pub tour_stop: usize,
    /// Whether the "Explain this step" panel is open.
    pub explain_open: bool,
    /// The lecture view's side panel: the explanation or the residuals.
    pub side_tab: SideTab,
}

/// What the lecture view's side panel shows (the landscape takes the rest
/// of the window).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SideTab {
    /// The guided tour's stop (while the tour is open).
    Tour,
    /// "Explain this step".
    #[default]
    Explain,
    /// The residual plots.
    Residuals,
}

/// What decides the step shown: the run, the iteration and its point,
/// whether it is a past one, the parameters in force then and the problem.
/// The replay is one step of the method on the UI thread (so the text and
/// the plot show the same iteration in the same frame); it is done again
/// only when one of these changes.
#[derive(Clone)]
struct ShownKey {
    id: crate::runner::RunId,
    k: u64,
    /// The point's bits (a NaN equals itself here).
    z: Vec<u64>,
    past: bool,
    config: crate::method::RunConfig,
    /// Held, so that another problem cannot take its address.
    problem: std::sync::Arc<dyn crate::problem::Problem>,
}

impl PartialEq for ShownKey {
    fn eq(&self, other: &Self) -> bool {
        (self.id, self.k, &self.z, self.past, self.config)
            == (other.id, other.k, &other.z, other.past, other.config)
            && std::sync::Arc::ptr_eq(&self.problem, &other.problem)
    }
}

impl std::fmt::Debug for ShownKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ShownKey")
            .field("id", &self.id)
            .field("k", &self.k)
            .field("past", &self.past)
            .finish()
    }
}

/// The iteration the panel and the plot explain.
#[derive(Debug, Clone)]
pub struct ShownStep {
    /// Its record.
    pub record: Record,
    /// Where the step lands.
    pub next: Vec<f64>,
    /// The method in force at that iteration.
    pub method: Method,
    /// Whether it is a past iteration (from the history slider).
    pub past: bool,
}

impl BilevelApp {
    /// Works out the step to explain: the scrubbed history sample,
    /// recomputed from its kept point with the parameters in force then, or
    /// the current iterate's record.
    pub(super) fn update_shown_step(&mut self) {
        let Some(run) = self.runs.session.runs.get(self.runs.selected) else {
            self.teach.shown = None;
            return;
        };
        if !self.may_evaluate(run) {
            self.teach.shown = None;
            return;
        }
        let (id, live_k) = (run.id, run.iteration());
        let h = &run.history;
        let past = match self.teach.scrub {
            Some(s) if s < h.len() => h.k.get(s).map(|k| (*k, h.point(s))),
            _ => None,
        };
        let live = run.last.as_ref().map(|r| (r.k, r.z.as_slice()));
        let Some((k, z)) = past.or(live) else {
            self.teach.shown = None;
            return;
        };
        let key = ShownKey {
            id,
            k,
            z: z.iter().map(|v| v.to_bits()).collect(),
            past: past.is_some(),
            config: run.config_at(k),
            problem: self.doc.problem.clone(),
        };
        if self.teach.shown.is_some() && self.teach.shown_from.as_ref() == Some(&key) {
            return;
        }
        self.teach.shown_from = Some(key);
        // The replay runs the method on this thread: a bug in it must not
        // close the app.
        let shown = crate::guard::catch(|| match self.teach.scrub {
            Some(s) if s < h.len() => {
                let k = *h.k.get(s)?;
                let config = run.config_at(k);
                let (record, next) = replay(
                    &config.method(),
                    self.doc.problem.as_ref(),
                    k,
                    h.point(s),
                    config.iterations(),
                );
                Some(ShownStep {
                    record,
                    next,
                    method: config.method(),
                    past: true,
                })
            }
            _ => {
                let record = run.last.clone()?;
                let config = run.config_at(record.k);
                let (_, next) = replay(
                    &config.method(),
                    self.doc.problem.as_ref(),
                    record.k,
                    &record.z,
                    config.iterations(),
                );
                Some(ShownStep {
                    record,
                    next,
                    method: config.method(),
                    past: false,
                })
            }
        });
        self.teach.shown = match shown {
            Ok(shown) => shown,
            Err(message) => {
                self.evaluation_panicked(id, live_k, "explaining the step", &message);
                None
            }
        };
    }

    /// The step explained, if any (for tests and the plot).
    pub fn shown_step(&self) -> Option<&ShownStep> {
        self.teach.shown.as_ref()
    }

    /// The explanation on screen, if any.
    pub fn explanation(&self) -> Option<Explanation> {
        self.teach
            .shown
            .as_ref()
            .map(|s| explain(&s.method, &s.record, &s.next))
    }

    /// The stage shown (`None`: the whole step).
    pub fn teaching_stage(&self) -> Option<Stage> {
        self.teach.stage
    }
}

/// Draws the panel on the right of the plots when it is open; returns
/// what the user asked for.
pub fn teaching_ui(ui: &mut egui::Ui, app: &BilevelApp) -> Vec<AppCommand> {
    let mut out = Vec::new();
    if !app.teach.explain_open {
        return out;
    }
    egui::Panel::right("explain")
        .resizable(true)
        .default_size(400.0)
        .min_size(260.0)
        .max_size(640.0)
        .show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.heading("Explain this step");
                close_button(ui, &mut out);
            });
            explain_contents(ui, app, &mut out);
        });
    out
}

/// Closes the explanation.
pub(super) fn close_button(ui: &mut egui::Ui, out: &mut Vec<AppCommand>) {
    if ui
        .small_button("✖")
        .on_hover_text("Close (toolbar: Explain)")
        .clicked()
    {
        out.push(AppCommand::ToggleExplain);
    }
}

/// The stage buttons, the history slider and the step written out.
pub(super) fn explain_contents(ui: &mut egui::Ui, app: &BilevelApp, out: &mut Vec<AppCommand>) {
    egui::ScrollArea::vertical()
        .id_salt("explanation")
        .show(ui, |ui| {
            stage_buttons(ui, app.teach.stage, out);
            history_slider(ui, app, out);
            explanation_ui(ui, app);
        });
}

/// ◀ stage, stage ▶ and the whole step.
fn stage_buttons(ui: &mut egui::Ui, stage: Option<Stage>, out: &mut Vec<AppCommand>) {
    ui.horizontal_wrapped(|ui| {
        if ui
            .add_enabled(stage != Some(Stage::GradF), egui::Button::new("◀ stage"))
            .on_hover_text("The previous stage of this step")
            .clicked()
        {
            let previous = stage.and_then(Stage::previous).unwrap_or(Stage::Move);
            out.push(AppCommand::ShowStage(Some(previous)));
        }
        if ui
            .add_enabled(stage != Some(Stage::Move), egui::Button::new("stage ▶"))
            .on_hover_text("The next stage: each is drawn on the plot as it happens")
            .clicked()
        {
            let next = stage.map_or(Stage::GradF, |s| s.next().unwrap_or(s));
            out.push(AppCommand::ShowStage(Some(next)));
        }
        if ui
            .add_enabled(stage.is_some(), egui::Button::new("whole step"))
            .on_hover_text("Show every stage at once")
            .clicked()
        {
            out.push(AppCommand::ShowStage(None));
        }
    });
}

/// The slider through the selected run's kept history, and "live".
fn history_slider(ui: &mut egui::Ui, app: &BilevelApp, out: &mut Vec<AppCommand>) {
    let run = app.runs.session.runs.get(app.runs.selected);
    let len = run.map_or(0, |r| r.history.len());
    ui.horizontal(|ui| {
        // Positions 0..len are the kept history; position `len` is the
        // current iterate (whose step is not taken yet).
        let mut s = app.teach.scrub.unwrap_or(len).min(len);
        let history = run.map(|r| &r.history);
        let live_k = run.map_or(0, |r| r.iteration());
        let k_of = |s: usize| history.and_then(|h| h.k.get(s).copied()).unwrap_or(live_k);
        let slider = egui::Slider::new(&mut s, 0..=len)
            .text("iteration")
            .custom_formatter(|v, _| k_of(v as usize).to_string())
            .custom_parser(|t| {
                let k: u64 = t.trim().parse().ok()?;
                let h = history?;
                Some(h.k.partition_point(|&kk| kk < k).min(len) as f64)
            });
        if ui
            .add_enabled(len > 0, slider)
            .on_hover_text(
                "Scrub through the kept history: the plot shows that iteration and its geometry",
            )
            .changed()
        {
            out.push(AppCommand::Scrub((s < len).then_some(s)));
        }
        if ui
            .add_enabled(app.teach.scrub.is_some(), egui::Button::new("live"))
            .on_hover_text("Back to the current iterate")
            .clicked()
        {
            out.push(AppCommand::Scrub(None));
        }
    });
}

/// The explanation of the shown step, stage by stage, the current stage
/// highlighted and later ones greyed, then the case and the events.
fn explanation_ui(ui: &mut egui::Ui, app: &BilevelApp) {
    let Some(e) = app.explanation() else {
        ui.label("No iteration yet: press Step.");
        return;
    };
    let past = app.teach.shown.as_ref().is_some_and(|s| s.past);
    ui.label(
        RichText::new(if past {
            format!("{} (from the history)", e.title)
        } else {
            e.title.clone()
        })
        .strong(),
    );
    let current = app.teach.stage;
    let mut last_stage = None;
    for line in &e.lines {
        if last_stage != Some(line.stage) {
            last_stage = Some(line.stage);
            let name = e.stage_names.get(line.stage.index()).copied().unwrap_or("");
            let mut text = RichText::new(name).small();
            if current == Some(line.stage) {
                text = text.strong().color(theme::STEP);
            }
            ui.label(text);
        }
        let mut text = RichText::new(&line.text).monospace();
        match current {
            Some(c) if line.stage == c => {
                text = text
                    .strong()
                    .background_color(theme::STEP.gamma_multiply(0.25));
            }
            Some(c) if line.stage > c => text = text.weak(),
            _ => {}
        }
        ui.label(text);
    }
    if current.is_none_or(|c| c >= Stage::Project) {
        let record_active = app.teach.shown.as_ref().is_some_and(|s| s.record.active);
        let color = if record_active {
            theme::PERTURBATION
        } else {
            ui.visuals().text_color()
        };
        ui.label(RichText::new(&e.case).color(color));
    }
    step_events(ui, app);
}

/// The events this step caused or that were seen at this iterate: a kick
/// is seen at the iterate after the step that made it.
fn step_events(ui: &mut egui::Ui, app: &BilevelApp) {
    let (Some(run), Some(shown)) = (
        app.runs.session.runs.get(app.runs.selected),
        app.teach.shown.as_ref(),
    ) else {
        return;
    };
    let k = shown.record.k;
    if let Some(d) = run.diagnosis.as_ref().filter(|d| d.k == k) {
        let why = match d.shape {
            LowerShape::Minimum => "y is at (or heading to) a lower-level minimum",
            LowerShape::Maximum => {
                "y is at a lower-level maximum or saddle: h = 0 there too, and it is no solution"
            }
            LowerShape::Flat => {
                "the curvature is zero as far as it can be told: neither a minimum nor a maximum can be read from it — the true gap decides"
            }
        };
        ui.label(
            RichText::new(format!(
                "Lower level here: {} (λ_min(∇²_yy g) = {}), true gap {}: {why}.",
                d.shape.name(),
                crate::teaching::num(d.curvature),
                crate::teaching::num(d.gap.gap)
            ))
            .small(),
        );
    }
    for (event, _) in run.events.iter().filter(|(e, _)| {
        let caused_here = matches!(e.kind, EventKind::Kick { .. }) && e.iteration == k + 1;
        caused_here || e.iteration == k
    }) {
        let lead = match event.kind {
            EventKind::Kick { .. } if event.iteration == k + 1 => {
                "This step kicks the run off the set — "
            }
            _ => "At this iterate — ",
        };
        ui.label(
            RichText::new(format!("{lead}{}", event.message()))
                .color(theme::ink(theme::EVENT, app.settings.light)),
        );
    }
}
