//! The desktop app (feature `gui`): panels around a live landscape plot and
//! residual curves, fed by the solver thread.

mod accessors;
mod answer;
pub mod cleaning_curves;
mod commands;
mod compare_panel;
mod constants_panel;
mod edit_history;
mod editing;
mod experiments_window;
mod explore_jobs;
mod explore_panel;
mod export;
mod figure_export;
mod file_dialogs;
mod frame;
mod held_session;
mod judging;
mod kept_edits;
mod landscape_plot;
mod landscape_requests;
mod launch;
mod method_panel;
mod parts;
mod path_arrows;
mod phi_plot;
mod preset_loading;
mod problem_panel;
mod residual_plot;
mod run_control;
mod session_file;
mod settings;
pub mod settings_file;
mod settings_repair;
mod side_panel;
mod status_bar;
mod sweep_map;
mod switch_question;
mod teaching_panel;
pub mod theme;
mod ticks;
mod toolbar;
mod tour_panel;
pub mod weights_plot;

pub use commands::AppCommand;
pub use experiments_window::{ExperimentForm, ExperimentsState};
pub use launch::{Launch, MIN_WINDOW, ScreenshotJob, TeachLaunch, check_size, launch};
use parts::{Document, Io, Notices, Runs, View};
pub use settings::{PresetSource, RunSpec, Settings, XAxis};
pub use switch_question::SwitchAnswer;

use crate::landscape::{Landscape, LandscapeRequest, LandscapeWorker, Slice};
use crate::preset::{self, Preset};
use crate::problem::{ExprProblem, Problem};
use crate::runner::{Command, RunId, Runner, Speed};
use crate::session::{RunState, RunTrace, Session};
use eframe::egui;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long one frame may spend applying solver events.
const DRAIN_BUDGET: Duration = Duration::from_millis(6);
/// The shortest time between two diagnoses of the runs.
const DIAGNOSIS_INTERVAL: Duration = Duration::from_millis(100);
/// How much larger everything is in the lecture view.
const LECTURE_ZOOM: f32 = 1.25;
/// How often the open preset file is checked for changes on disk.
const WATCH_INTERVAL: Duration = Duration::from_secs(1);
/// Grid nodes per side of the interactive landscape.
const RESOLUTION: usize = 160;

/// A screenshot that arrived, waiting to be written: (target, image).
type PendingPng = Arc<Mutex<Option<(PathBuf, Arc<egui::ColorImage>)>>>;

/// The text in the f and g editors and whether it compiles.
#[derive(Debug, Clone, Default)]
pub struct Editor {
    /// Text of f.
    pub f: String,
    /// Text of g.
    pub g: String,
    /// The parse error, if the text does not compile: ("f" or "g", error).
    pub error: Option<(&'static str, crate::expr::ExprError)>,
    /// Another problem with the edit (e.g. an unusable name).
    pub other_error: Option<String>,
    /// Whether the text differs from the problem the runs use.
    pub dirty: bool,
    /// The text of f and g of the problem the runs use.
    pub applied: (String, String),
    /// The constants in the sliders (the preset's, moved, or declared by
    /// the user).
    pub constants: Vec<preset::Constant>,
    /// The constants of the problem the runs use.
    pub applied_constants: Vec<preset::Constant>,
    /// When the text last changed (an edit applies by itself after a pause).
    pub typed_at: Option<Instant>,
}

/// A message shown in the status bar until replaced.
#[derive(Debug, Clone)]
pub struct Notice {
    /// The text.
    pub text: String,
    /// Whether it reports a failure.
    pub error: bool,
    /// A button offered beside it: (label, what it does).
    pub action: Option<(String, AppCommand)>,
}

/// The app: the settings (what is saved) and a few owned parts, each
/// with one concern. Panels read it through `&BilevelApp` and return
/// commands; only `run_command` and the frame's own steps change it.
pub struct BilevelApp {
    /// What is saved across restarts.
    settings: Settings,
    /// The problem being studied.
    doc: Document,
    /// The runs, the solver thread and their judging.
    runs: Runs,
    /// The landscape and its thread.
    view: View,
    /// Files, dialogs, questions, shortcuts and the scripted screenshot.
    io: Io,
    /// The status line's message.
    notices: Notices,
    explore: explore_panel::ExploreState,
    experiments: experiments_window::ExperimentsState,
    teach: teaching_panel::TeachState,
    ctx: egui::Context,
}

impl BilevelApp {
    /// Builds the app from eframe's creation context.
    pub fn new(cc: &eframe::CreationContext<'_>, launch: Launch) -> Self {
        // The settings file first; eframe's storage for settings saved by
        // an older version.
        let from_file = launch
            .settings_file
            .as_deref()
            .map_or(Ok(None), settings_file::load_repaired);
        let mut read = None;
        let (stored, told) = match from_file {
            Ok(Some(loaded)) => {
                read = Some(loaded.bytes);
                (Some(loaded.settings), loaded.note)
            }
            Ok(None) => {
                let mut old: Option<Settings> = cc
                    .storage
                    .and_then(|s| eframe::get_value(s, eframe::APP_KEY));
                let said = old.as_mut().map(settings_repair::repair);
                let note = said.filter(|s| !s.is_empty()).map(|s| {
                    format!(
                        "the saved session held values the app cannot use: {}",
                        s.join("; ")
                    )
                });
                (old, note)
            }
            Err(e) => (None, Some(e)),
        };
        let mut app = Self::with_settings(&cc.egui_ctx, stored, launch);
        if let Some(bytes) = read {
            // What this window loaded, not what is there by now.
            app.io.settings_file.expect(bytes);
        }
        if let Some(text) = told {
            // Starting is one command: a notice of the start (a held
            // session) is joined, not hidden.
            app.notices.told = app.notices.notice.is_some();
            app.tell(text, true);
        }
        app
    }

    /// Builds the app from settings (restored or default); used by tests too.
    pub fn with_settings(ctx: &egui::Context, stored: Option<Settings>, launch: Launch) -> Self {
        theme::install_fonts(ctx);
        let settings_path = launch.settings_file.clone();
        let mut notice = None;
        let mut held = None;
        let mut settings = stored.unwrap_or_default();
        let preset = match launch.preset {
            // The preset the saved session was on: keep its edits and runs
            // (they are reapplied to the freshly loaded preset below).
            Some((source, p)) if source == settings.source => {
                notice = kept_edits::reopened(&mut settings, (&source, &p), launch.fresh_runs);
                p
            }
            Some((source, p)) => {
                settings = Settings {
                    source,
                    f_text: None,
                    g_text: None,
                    constants: None,
                    runs: Vec::new(),
                    ..settings
                };
                p
            }
            None => match settings.source.load() {
                Ok(p) => p,
                Err(e) => {
                    notice = Some(Notice {
                        text: format!(
                            "could not reopen the last preset: {e} — your session (its edits and runs) is kept and comes back when the file can be read; until then this window shows the default preset and saves nothing over it"
                        ),
                        error: true,
                        action: None,
                    });
                    held = Some((std::mem::take(&mut settings), Instant::now()));
                    preset::load_builtin(preset::DEFAULT_PRESET)
                        .unwrap_or_else(|_| fallback_preset())
                }
            },
        };
        let problem = preset.problem.clone();
        let mut app = Self {
            settings,
            doc: Document {
                preset,
                problem,
                editor: Editor::default(),
                history: edit_history::EditHistory::default(),
                answer: answer::AnswerState::none(ctx),
                watch: None,
                held,
                steps_due: None,
                adopted: None,
            },
            runs: Runs::start(ctx),
            view: View::start(ctx),
            io: Io {
                files: file_dialogs::FileDialogs::new(launch.typed_paths),
                switch: None,
                switch_answered: false,
                pending_shortcuts: Vec::new(),
                screenshot: launch.screenshot,
                screenshot_state: export::ShotState::default(),
                pending_png: Arc::new(Mutex::new(None)),
                figure: None,
                animation: None,
                loading: None,
                settings_file: settings_file::SettingsFile::new(settings_path),
            },
            notices: Notices {
                notice,
                told: false,
            },
            explore: explore_panel::ExploreState::default(),
            experiments: experiments_window::ExperimentsState::default(),
            teach: teaching_panel::TeachState::default(),
            ctx: ctx.clone(),
        };
        app.adopt_preset(true);
        let teaching = launch.teaching;
        app.settings.lecture |= teaching.lecture;
        app.settings.light |= teaching.light;
        if let Some(i) = teaching.tour {
            app.run_command(AppCommand::TourStop(i));
        }
        for (name, value) in launch.constants {
            app.run_command(AppCommand::SetConstant(name, value));
        }
        if launch.split && app.settings.runs.len() >= 2 {
            app.settings.split = Some([0, 1]);
        }
        if launch.experiments {
            app.experiments.open = true;
            app.experiments.start(ctx);
        }
        // A session may have opened its explanation and stage already.
        app.teach.explain_open |= teaching.explain || app.settings.lecture;
        if teaching.stage.is_some() {
            app.teach.stage = teaching.stage;
        }
        app.first_steps();
        app
    }

    /// The pace, and for a scripted screenshot its iterations: as many as
    /// asked, or as a session file had reached (whose steps are already
    /// asked for), at full speed.
    fn first_steps(&mut self) {
        let Some(job) = &mut self.io.screenshot else {
            // The solver starts at full speed; the pace shown is the pace
            // run. A session's steps follow (see `take_steps_due`).
            let speed = self.settings.speed.map_or(Speed::Max, Speed::PerSecond);
            self.runs.runner.send(Command::SetSpeed(speed));
            self.take_steps_due();
            return;
        };
        let due = self.doc.steps_due.take().unwrap_or(0);
        if job.iterations == 0 {
            // A session's screenshot shows it where it was saved.
            job.iterations = due;
        }
        self.runs.runner.send(Command::SetSpeed(Speed::Max));
        self.runs.runner.send(Command::Step(job.iterations));
    }

    /// Asks the solver for the steps an opened session is due (its runs
    /// are fresh: after this frame's commands, nothing restarts them).
    pub(super) fn take_steps_due(&mut self) {
        if let Some(k) = self.doc.steps_due.take() {
            // Steps are taken at full speed, whatever the pace.
            self.runs.playing = false;
            self.runs.runner.send(Command::Step(k));
        }
    }

    /// Sets up editors, runs and the view for `self.doc.preset`; with
    /// `keep_settings` the remembered edits and run specs are reapplied.
    fn adopt_preset(&mut self, keep_settings: bool) {
        // Whatever is adopted now is newer than a preset still being prepared.
        self.io.loading = None;
        if !keep_settings {
            // The user chose another preset: a held session is set aside,
            // and the edits of the one left are kept for its return.
            self.set_held_aside();
            self.keep_edits_of_the_preset_left();
        }
        let dim = self.doc.preset.dims().total();
        let n = self.doc.preset.dims().n;
        let (f, g, constants) = match &self.doc.preset.spec {
            preset::ProblemSpec::Expression {
                f, g, constants, ..
            } => (f.clone(), g.clone(), constants.clone()),
            preset::ProblemSpec::Synthetic { .. } | preset::ProblemSpec::HyperCleaning { .. } => {
                (String::new(), String::new(), Vec::new())
            }
        };
        self.doc.editor = Editor {
            f: f.clone(),
            g: g.clone(),
            applied: (f, g),
            constants: constants.clone(),
            applied_constants: constants,
            ..Editor::default()
        };
        self.doc.history = edit_history::EditHistory::default();
        self.doc.problem = self.doc.preset.problem.clone();
        self.doc.answer = answer::AnswerState::for_preset(&self.doc.preset, &self.ctx);
        // The solver samples the true gap over the preset's lower domain.
        self.runs
            .runner
            .send(Command::SampleGap(Some(self.doc.answer.lower)));
        if keep_settings {
            let text = self
                .settings
                .f_text
                .clone()
                .zip(self.settings.g_text.clone());
            let constants = self.settings.constants.clone();
            if text.is_some() || constants.is_some() {
                if let Some((ft, gt)) = text {
                    self.doc.editor.f = ft;
                    self.doc.editor.g = gt;
                }
                if let Some(c) = constants {
                    self.doc.editor.constants = c;
                }
                self.check_edit();
                if self.doc.editor.dirty
                    && self.doc.editor.error.is_none()
                    && self.doc.editor.other_error.is_none()
                {
                    self.apply_edit_problem("");
                }
            }
        } else {
            self.settings.f_text = None;
            self.settings.g_text = None;
            self.settings.constants = None;
            self.bring_back_kept_edits();
        }
        self.doc.adopted = Some(self.settings.source.clone());
        let specs_fit = keep_settings
            && !self.settings.runs.is_empty()
            && self.settings.runs.iter().all(|r| r.start.len() == dim);
        if !specs_fit {
            self.settings.runs = self
                .session_runs()
                .unwrap_or_else(|| vec![RunSpec::from_preset(&self.doc.preset)]);
        }
        let runs = self.settings.runs.len();
        self.settings.split = self
            .settings
            .split
            .filter(|pair| pair.iter().all(|s| *s < runs));
        if self.settings.axis_x >= n
            || self.settings.axis_y < n
            || self.settings.axis_y >= dim
            || !specs_fit
        {
            self.settings.axis_x = 0;
            self.settings.axis_y = n;
        }
        self.runs.selected = 0;
        self.view.reset_view = true;
        if self.doc.preset.cleaning.is_some() {
            // No landscape sets a window: none is left from the last preset.
            self.view.view_bounds = None;
        }
        self.doc.watch = match &self.settings.source {
            PresetSource::File(path) => Some((preset::FileWatch::new(path), Instant::now())),
            PresetSource::Builtin(_) => None,
        };
        self.drop_landscape();
        self.restart_all();
        self.doc.steps_due = None;
        if !specs_fit {
            self.restore_session_state();
        }
    }

    /// Merges a session another window saved into this one's settings (or
    /// the held session's), and says what was kept.
    fn merge_other_window(&mut self) {
        let Some(theirs) = self.io.settings_file.take_theirs() else {
            return;
        };
        let ours = match self.doc.held.as_mut() {
            Some((held, _)) => held,
            None => &mut self.settings,
        };
        if let Some(text) = kept_edits::merge_other_window(ours, &theirs) {
            self.notify(text, false);
        }
    }

    /// Applies the theme and the lecture view's size when they change.
    fn apply_look(&mut self, ctx: &egui::Context) {
        let look = (self.settings.lecture, self.settings.light);
        if self.view.look == Some(look) {
            return;
        }
        self.view.look = Some(look);
        let mut visuals = if look.1 {
            egui::Visuals::light()
        } else {
            egui::Visuals::dark()
        };
        if look.0 {
            // A projector washes colours out: plain black or white behind
            // the plots, and stronger text.
            visuals.extreme_bg_color = if look.1 {
                egui::Color32::WHITE
            } else {
                egui::Color32::BLACK
            };
            visuals.widgets.noninteractive.fg_stroke.color = if look.1 {
                egui::Color32::BLACK
            } else {
                egui::Color32::WHITE
            };
        }
        ctx.set_visuals(visuals);
        ctx.set_zoom_factor(if look.0 { LECTURE_ZOOM } else { 1.0 });
    }

    /// Line widths scaled for the lecture view.
    pub(super) fn line_width(&self, width: f32) -> f32 {
        if self.settings.lecture {
            width * 1.8
        } else {
            width
        }
    }

    /// Says so when the open preset file was removed or changed on disk
    /// (looked at every [`WATCH_INTERVAL`]); the loaded problem and the
    /// runs stay as they are until the user reloads.
    fn watch_preset_file(&mut self) {
        let Some((watch, last)) = &mut self.doc.watch else {
            return;
        };
        if last.elapsed() < WATCH_INTERVAL {
            return;
        }
        *last = Instant::now();
        let path = watch.path().to_path_buf();
        let shown = path.display();
        match watch.poll() {
            Some(preset::FileChange::Removed) => {
                self.notices.notice = Some(Notice {
                    text: format!(
                        "{shown} was removed or renamed on disk; the problem stays as loaded (Export ▸ preset saves it)"
                    ),
                    error: true,
                    action: None,
                })
            }
            Some(preset::FileChange::Modified) => {
                self.notices.notice = Some(Notice {
                    text: format!("{shown} changed on disk; the runs still use the version loaded"),
                    error: false,
                    action: Some(("reload".into(), AppCommand::OpenFile(path))),
                })
            }
            None => {}
        }
    }

    /// Takes a newly computed reference answer.
    fn poll_answer(&mut self) {
        if self.doc.answer.poll() {
            self.forget_diagnoses();
            self.ctx.request_repaint();
        } else if self.doc.answer.computing() {
            self.ctx
                .request_repaint_after(std::time::Duration::from_millis(50));
        }
    }
}

fn fallback_preset() -> Preset {
    // The built-in default is tested to load; this text is the last resort.
    let text = "name = \"x² + y²\"\nupper = [\"x\"]\nlower = [\"y\"]\nf = \"x^2 + y^2\"\ng = \"(y - x)^2\"\n[start]\nx = [1.0]\ny = [0.0]\n";
    match preset::load_str(text, "fallback") {
        Ok(p) => p,
        Err(e) => unreachable_preset(&e),
    }
}

#[allow(clippy::panic)]
fn unreachable_preset(e: &preset::PresetError) -> Preset {
    // Invariant: the fallback text above is a valid preset (tested).
    panic!("the built-in fallback preset does not load: {e}")
}

impl eframe::App for BilevelApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        // Before any widget exists, so a focused button or checkbox does not
        // also take the shortcut's key.
        for command in self.keyboard(ctx) {
            self.run_command(command);
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }

    fn raw_input_hook(&mut self, ctx: &egui::Context, raw_input: &mut egui::RawInput) {
        if self.io.screenshot.is_some() {
            launch::without_pointer(&mut raw_input.events);
        }
        self.intercept_shortcuts(ctx, raw_input);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        // With a settings file, every frame writes it (half a second after
        // a change, merging what another window saved into this window's
        // settings) and the exit flushes it: eframe's periodic save adds
        // nothing, and a flush here would merge another window's session
        // only into the file, not into this window.
        if self.io.settings_file.path().is_none() {
            eframe::set_value(storage, eframe::APP_KEY, self.persisted());
        }
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        // Nothing more can be shown; a failure was reported when it first
        // happened.
        let persisted = self.doc.held.as_ref().map_or(&self.settings, |(s, _)| s);
        self.io.settings_file.flush(persisted);
        self.runs.runner.shutdown();
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_fallback_preset_loads() {
        // The invariant `unreachable_preset` relies on.
        assert_eq!(super::fallback_preset().dims().total(), 2);
    }
}
