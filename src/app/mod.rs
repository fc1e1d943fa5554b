//! The desktop app (feature `gui`): panels around a live landscape plot and
//! residual curves, fed by the solver thread.

mod answer;
mod commands;
mod compare_panel;
mod explore_jobs;
mod explore_panel;
mod export;
mod file_dialogs;
mod held_session;
mod job;
mod judging;
mod kept_edits;
mod landscape_plot;
mod method_panel;
mod phi_plot;
mod problem_panel;
mod residual_plot;
mod settings;
pub mod settings_file;
mod settings_repair;
mod status_bar;
mod sweep_map;
mod switch_question;
mod teaching_panel;
pub mod theme;
mod ticks;
mod toolbar;
mod tour_panel;

pub use commands::AppCommand;
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

/// What `--screenshot` asked for.
#[derive(Debug, Clone)]
pub struct ScreenshotJob {
    /// Where to write the PNG.
    pub path: PathBuf,
    /// Iterations to run first.
    pub iterations: u64,
    /// Also compute the basin map and the sweep first (and show both).
    pub explore: bool,
    /// Set once the PNG is written (or failed): the outcome for the CLI.
    pub outcome: Arc<Mutex<Option<Result<(), String>>>>,
    /// The maps' progress on stderr while `explore` computes them.
    pub progress: export::ShotProgress,
}

/// Options from the command line.
#[derive(Debug, Clone, Default)]
pub struct Launch {
    /// A preset to open instead of the remembered one.
    pub preset: Option<(PresetSource, Preset)>,
    /// Run, save a PNG of the window and exit.
    pub screenshot: Option<ScreenshotJob>,
    /// Where the settings are kept (see [`settings_file`]); `None` keeps
    /// them in eframe's storage only (tests, scripted screenshots).
    pub settings_file: Option<PathBuf>,
    /// How teaching mode starts.
    pub teaching: TeachLaunch,
    /// The window's size in points, instead of the default or the size it
    /// had last.
    pub size: Option<[f32; 2]>,
    /// Ask for files with the typed-path field, never the desktop's dialog
    /// (`--typed-paths`: a desktop whose file-chooser portal hangs).
    pub typed_paths: bool,
}

/// Teaching options from the command line.
#[derive(Debug, Clone, Copy, Default)]
pub struct TeachLaunch {
    /// Start in the lecture view.
    pub lecture: bool,
    /// Use the light theme.
    pub light: bool,
    /// Open this tour stop (0-based) and play it.
    pub tour: Option<usize>,
    /// Open "Explain this step".
    pub explain: bool,
    /// Show this stage of the step.
    pub stage: Option<crate::teaching::Stage>,
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
    teach: teaching_panel::TeachState,
    ctx: egui::Context,
}

/// The problem being studied: the preset, the problem the runs use (the
/// preset's, or an applied edit), the editors, the reference answer.
struct Document {
    preset: Preset,
    problem: Arc<dyn Problem>,
    editor: Editor,
    /// The reference runs are judged against (known or computed).
    answer: answer::AnswerState,
    /// The open preset file, when it came from one, and when it was last
    /// looked at.
    watch: Option<(preset::FileWatch, Instant)>,
    /// The saved session whose preset could not be read at start, and when
    /// it was last tried (see `held_session.rs`).
    held: Option<(Settings, Instant)>,
    /// The source of the preset now adopted (its edits are kept when the
    /// user switches away).
    adopted: Option<PresetSource>,
}

/// The runs: what the solver sent, the solver thread, which run is
/// selected, and the judging of their iterates.
struct Runs {
    session: Session,
    runner: Runner,
    playing: bool,
    selected: usize,
    last_diagnosis: Instant,
    /// Judges the runs' newest iterates off this thread (see judging.rs).
    judge: crate::background::Worker<judging::JudgeBatch, judging::Judged>,
    /// A batch is being judged.
    judging: bool,
    /// The run and iteration at which evaluating on the UI thread panicked.
    ui_fault: Option<(RunId, u64)>,
}

/// The landscape: its thread, what was asked and received, the view.
struct View {
    worker: LandscapeWorker,
    landscape: Option<Landscape>,
    landscape_generation: u64,
    /// Landscapes of older generations belong to a replaced problem.
    landscape_floor: u64,
    requested: Option<(Slice, f64)>,
    last_request: Instant,
    region_texture: Option<egui::TextureHandle>,
    view_bounds: Option<[[f64; 2]; 2]>,
    reset_view: bool,
    /// The (lecture, light) look last applied to the context.
    look: Option<(bool, bool)>,
}

/// The app's edge: file dialogs, the question before leaving edits,
/// shortcut keys, the scripted screenshot, the settings file.
struct Io {
    /// File dialogs in flight, and the typed-path field.
    files: file_dialogs::FileDialogs,
    /// A preset switch waiting for the question about the edits.
    switch: Option<switch_question::PendingSwitch>,
    /// Set while an answered switch runs (it is not asked again).
    switch_answered: bool,
    pending_shortcuts: Vec<AppCommand>,
    screenshot: Option<ScreenshotJob>,
    screenshot_state: export::ShotState,
    pending_png: PendingPng,
    settings_file: settings_file::SettingsFile,
}

impl Runs {
    /// No runs yet; the solver and judging threads started, waking `ctx`.
    fn start(ctx: &egui::Context) -> Self {
        let waker = ctx.clone();
        let runner = Runner::spawn(Box::new(move || waker.request_repaint()));
        let waker = ctx.clone();
        let judge = judging::judge_worker(Box::new(move || waker.request_repaint()));
        Runs {
            session: Session::default(),
            runner,
            playing: false,
            selected: 0,
            // Due at once (the first frame diagnoses).
            last_diagnosis: Instant::now()
                .checked_sub(DIAGNOSIS_INTERVAL)
                .unwrap_or_else(Instant::now),
            judge,
            judging: false,
            ui_fault: None,
        }
    }
}

impl View {
    /// No landscape yet; its thread started, waking `ctx`.
    fn start(ctx: &egui::Context) -> Self {
        let waker = ctx.clone();
        View {
            worker: LandscapeWorker::spawn(Box::new(move || waker.request_repaint())),
            landscape: None,
            landscape_generation: 0,
            landscape_floor: 0,
            requested: None,
            last_request: Instant::now(),
            region_texture: None,
            view_bounds: None,
            reset_view: true,
            look: None,
        }
    }
}

/// The status line's message.
struct Notices {
    notice: Option<Notice>,
    /// Whether the command being run has set a notice (see `tell`).
    told: bool,
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
        let (stored, told) = match from_file {
            Ok(Some((s, note))) => (Some(s), note),
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
            Some((source, p)) if source == settings.source => p,
            Some((source, p)) => {
                settings = Settings {
                    source,
                    f_text: None,
                    g_text: None,
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
                answer: answer::AnswerState::none(),
                watch: None,
                held,
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
                settings_file: settings_file::SettingsFile::new(settings_path),
            },
            notices: Notices {
                notice,
                told: false,
            },
            explore: explore_panel::ExploreState::default(),
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
        app.teach.explain_open = teaching.explain || app.settings.lecture;
        app.teach.stage = teaching.stage;
        if let Some(job) = &app.io.screenshot {
            app.runs.runner.send(Command::SetSpeed(Speed::Max));
            app.runs.runner.send(Command::Step(job.iterations));
        } else {
            // The solver starts at full speed; the pace shown is the pace run.
            let speed = app.settings.speed.map_or(Speed::Max, Speed::PerSecond);
            app.runs.runner.send(Command::SetSpeed(speed));
        }
        app
    }

    /// Sets up editors, runs and the view for `self.doc.preset`; with
    /// `keep_settings` the remembered edits and run specs are reapplied.
    fn adopt_preset(&mut self, keep_settings: bool) {
        if !keep_settings {
            // The user chose another preset: a held session is set aside,
            // and the edits of the one left are kept for its return.
            self.set_held_aside();
            self.keep_edits_of_the_preset_left();
        }
        let dim = self.doc.preset.dims().total();
        let n = self.doc.preset.dims().n;
        let (f, g) = match &self.doc.preset.spec {
            preset::ProblemSpec::Expression { f, g, .. } => (f.clone(), g.clone()),
            preset::ProblemSpec::Synthetic { .. } => (String::new(), String::new()),
        };
        self.doc.editor = Editor {
            f: f.clone(),
            g: g.clone(),
            applied: (f, g),
            ..Editor::default()
        };
        self.doc.problem = self.doc.preset.problem.clone();
        self.doc.answer = answer::AnswerState::for_preset(&self.doc.preset);
        // The solver samples the true gap over the preset's lower domain.
        self.runs
            .runner
            .send(Command::SampleGap(Some(self.doc.answer.lower)));
        if keep_settings {
            if let (Some(ft), Some(gt)) =
                (self.settings.f_text.clone(), self.settings.g_text.clone())
            {
                self.doc.editor.f = ft;
                self.doc.editor.g = gt;
                self.check_edit();
                if self.doc.editor.dirty
                    && self.doc.editor.error.is_none()
                    && self.doc.editor.other_error.is_none()
                {
                    self.apply_edit_problem();
                }
            }
        } else {
            self.settings.f_text = None;
            self.settings.g_text = None;
            self.bring_back_kept_edits();
        }
        self.doc.adopted = Some(self.settings.source.clone());
        let specs_fit = keep_settings
            && !self.settings.runs.is_empty()
            && self.settings.runs.iter().all(|r| r.start.len() == dim);
        if !specs_fit {
            self.settings.runs = vec![RunSpec::from_preset(&self.doc.preset)];
        }
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
        self.doc.watch = match &self.settings.source {
            PresetSource::File(path) => Some((preset::FileWatch::new(path), Instant::now())),
            PresetSource::Builtin(_) => None,
        };
        self.drop_landscape();
        self.restart_all();
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

    /// Forgets the landscape: the problem changed, so grids computed or in
    /// flight for the old one must not be drawn.
    fn drop_landscape(&mut self) {
        self.view.landscape = None;
        self.view.region_texture = None;
        self.view.requested = None;
        self.view.landscape_floor = self.view.landscape_generation + 1;
    }

    /// Replaces every run by a fresh one from its start.
    fn restart_all(&mut self) {
        for old in std::mem::take(&mut self.runs.session.runs) {
            self.runs.runner.send(Command::Remove { id: old.id });
        }
        for slot in 0..self.settings.runs.len() {
            self.start_run(slot);
        }
        if self.runs.playing {
            self.runs.runner.send(Command::Play);
        }
    }

    fn start_run(&mut self, slot: usize) {
        let Some(spec) = self.settings.runs.get(slot) else {
            return;
        };
        let id = self.runs.session.fresh_id();
        let config = spec.config();
        let start = spec.start.clone();
        self.runs.runner.send(Command::Add {
            id,
            problem: self.doc.problem.clone(),
            config,
            z0: start.clone(),
        });
        self.runs
            .session
            .runs
            .push(RunTrace::new(id, slot, config, start));
    }

    /// Resets one run (new id: nothing it sent before is drawn).
    fn reset_run(&mut self, slot: usize) {
        let Some(spec) = self.settings.runs.get(slot) else {
            return;
        };
        let config = spec.config();
        let start = spec.start.clone();
        let new = self.runs.session.fresh_id();
        if let Some(trace) = self.runs.session.runs.iter_mut().find(|r| r.slot == slot) {
            let old = trace.id;
            *trace = RunTrace::new(new, slot, config, start.clone());
            self.runs.runner.send(Command::Reset {
                old,
                new,
                problem: self.doc.problem.clone(),
                config,
                z0: start,
            });
        }
    }

    /// Re-parses the editors.
    fn check_edit(&mut self) {
        let (upper, lower, constants) = match &self.doc.preset.spec {
            preset::ProblemSpec::Expression {
                upper,
                lower,
                constants,
                ..
            } => (upper, lower, constants),
            preset::ProblemSpec::Synthetic { .. } => return,
        };
        self.doc.editor.error = None;
        self.doc.editor.other_error = None;
        match ExprProblem::new(
            upper,
            lower,
            &self.doc.editor.f,
            &self.doc.editor.g,
            constants,
        ) {
            Ok(_) => {}
            Err(crate::problem::ProblemError::Expr { which, error }) => {
                self.doc.editor.error = Some((which, error))
            }
            Err(other) => self.doc.editor.other_error = Some(other.to_string()),
        }
        let (f0, g0) = match &self.doc.preset.spec {
            preset::ProblemSpec::Expression { f, g, .. } => (f, g),
            preset::ProblemSpec::Synthetic { .. } => return,
        };
        self.doc.editor.dirty = (&self.doc.editor.f, &self.doc.editor.g)
            != (&self.doc.editor.applied.0, &self.doc.editor.applied.1);
        // Remember the text whenever it is not the preset's, applied or not.
        let edited = self.doc.editor.f != *f0 || self.doc.editor.g != *g0;
        self.settings.f_text = edited.then(|| self.doc.editor.f.clone());
        self.settings.g_text = edited.then(|| self.doc.editor.g.clone());
    }

    /// Compiles the edited text into the problem the runs use.
    fn apply_edit_problem(&mut self) -> bool {
        let preset::ProblemSpec::Expression {
            upper,
            lower,
            constants,
            ..
        } = &self.doc.preset.spec
        else {
            return false;
        };
        match ExprProblem::new(
            upper,
            lower,
            &self.doc.editor.f,
            &self.doc.editor.g,
            constants,
        ) {
            Ok(p) => {
                self.doc.problem = Arc::new(p);
                self.doc.editor.applied = (self.doc.editor.f.clone(), self.doc.editor.g.clone());
                self.doc.editor.dirty = false;
                // The preset's answer holds only for the preset's own f and g.
                let is_preset = matches!(&self.doc.preset.spec,
                    preset::ProblemSpec::Expression { f, g, .. }
                        if (f, g) == (&self.doc.editor.f, &self.doc.editor.g));
                self.doc
                    .answer
                    .problem_changed(&self.doc.problem, is_preset);
                self.forget_diagnoses();
                self.drop_landscape();
                true
            }
            Err(_) => false,
        }
    }

    /// Drops every run's judgement, so that the next frame judges again
    /// (the reference or the problem changed).
    fn forget_diagnoses(&mut self) {
        for run in &mut self.runs.session.runs {
            run.diagnosis = None;
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

    /// Applies solver events within the frame's time budget.
    fn drain_events(&mut self) -> bool {
        let session = &mut self.runs.session;
        let count = self.runs.runner.drain(DRAIN_BUDGET, |event| {
            session.apply(event);
        });
        if !self.runs.runner.events().is_empty() {
            // More is waiting: come back next frame.
            self.ctx.request_repaint();
        }
        count > 0
    }

    /// Judges every run's newest iterate (true gap, curvature, traps), at
    /// most every [`DIAGNOSIS_INTERVAL`] (longer when m > 1: the gap's
    /// multi-start search costs more), so playing stays smooth.
    /// The first iteration each run's own KKT residual came within the
    /// comparison's tolerance (cached in the run; only new samples are
    /// looked at, and no problem is evaluated). "Reached" by the common
    /// measure needs the true gap: it is found on the judging thread.
    fn find_reached(&mut self) {
        if self.settings.lecture {
            return;
        }
        let tol = self.settings.reach;
        for run in &mut self.runs.session.runs {
            run.first_below(tol);
        }
    }

    /// Whether the app may evaluate the problem at this run's newest iterate
    /// on the UI thread: not once the run failed, nor again at an iterate
    /// where doing so panicked.
    pub(super) fn may_evaluate(&self, run: &RunTrace) -> bool {
        Self::evaluable(self.runs.ui_fault, run)
    }

    fn evaluable(fault: Option<(RunId, u64)>, run: &RunTrace) -> bool {
        !matches!(run.state, RunState::Failed(_)) && fault != Some((run.id, run.iteration()))
    }

    /// Reports a panic in the problem or method met while the app itself
    /// evaluated it, and stops evaluating at that iterate.
    fn evaluation_panicked(&mut self, id: RunId, k: u64, doing: &str, message: &str) {
        self.runs.ui_fault = Some((id, k));
        self.notify(
            format!(
                "the problem or method panicked while {doing} at iteration {k}: {message} — \
                 the app goes on; this iterate is not explained or judged"
            ),
            true,
        );
    }

    /// The slice the landscape should show now.
    fn wanted_slice(&self) -> Option<Slice> {
        let bounds = self.view.view_bounds?;
        let base = self
            .runs
            .session
            .runs
            .get(self.runs.selected)
            .and_then(|r| r.last.as_ref().map(|l| l.z.clone()))
            .or_else(|| {
                self.settings
                    .runs
                    .get(self.runs.selected)
                    .map(|s| s.start.clone())
            })?;
        // A margin around the view, so small pans need no new grid.
        let (wx, wy) = (bounds[0][1] - bounds[0][0], bounds[1][1] - bounds[1][0]);
        Some(Slice {
            ix: self.settings.axis_x,
            iy: self.settings.axis_y,
            base,
            x: [bounds[0][0] - 0.1 * wx, bounds[0][1] + 0.1 * wx],
            y: [bounds[1][0] - 0.1 * wy, bounds[1][1] + 0.1 * wy],
            resolution: RESOLUTION,
        })
    }

    /// Asks the landscape thread for a new grid when the view, the problem,
    /// ε or (beyond 2-D) the held coordinates changed.
    fn request_landscape(&mut self) {
        let Some(wanted) = self.wanted_slice() else {
            return;
        };
        let eps = self.region_eps();
        let needed = match &self.view.requested {
            None => true,
            Some((slice, e)) => {
                let covered = slice.x[0] <= wanted.x[0] + 0.09 * (wanted.x[1] - wanted.x[0])
                    && slice.x[1] >= wanted.x[1] - 0.09 * (wanted.x[1] - wanted.x[0])
                    && slice.y[0] <= wanted.y[0] + 0.09 * (wanted.y[1] - wanted.y[0])
                    && slice.y[1] >= wanted.y[1] - 0.09 * (wanted.y[1] - wanted.y[0]);
                let zoomed_in = (slice.x[1] - slice.x[0]) > 2.0 * (wanted.x[1] - wanted.x[0])
                    || (slice.y[1] - slice.y[0]) > 2.0 * (wanted.y[1] - wanted.y[0]);
                let axes = slice.ix != wanted.ix || slice.iy != wanted.iy;
                let moved = self.doc.preset.dims().total() > 2
                    && slice.base != wanted.base
                    && self.view.last_request.elapsed() > Duration::from_millis(400);
                !covered || zoomed_in || axes || moved || *e != eps
            }
        };
        if needed {
            self.view.landscape_generation += 1;
            self.view.worker.request(LandscapeRequest {
                generation: self.view.landscape_generation,
                problem: self.doc.problem.clone(),
                slice: wanted.clone(),
                eps,
            });
            self.view.requested = Some((wanted, eps));
            self.view.last_request = Instant::now();
        }
    }

    fn receive_landscape(&mut self) {
        if let Some((generation, landscape)) = self.view.worker.latest() {
            // Only grids of the current problem are shown.
            if generation >= self.view.landscape_floor {
                self.view.region_texture =
                    Some(landscape_plot::region_texture(&self.ctx, &landscape));
                self.view.landscape = Some(landscape);
            }
        }
    }

    /// Whether every run has reached `iterations` or finished.
    /// Whether every run has ended or reached iteration `iterations`.
    pub fn runs_reached(&self, iterations: u64) -> bool {
        self.runs
            .session
            .runs
            .iter()
            .all(|r| r.state != crate::session::RunState::Live || r.iteration() >= iterations)
    }
}

/// A scripted picture has no pointer: wherever the (virtual) display put
/// it, no hover crosshair or tooltip is baked into the PNG.
fn without_pointer(events: &mut Vec<egui::Event>) {
    events.retain(|e| {
        !matches!(
            e,
            egui::Event::PointerMoved(_)
                | egui::Event::MouseMoved(_)
                | egui::Event::PointerButton { .. }
        )
    });
    events.push(egui::Event::PointerGone);
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
            without_pointer(&mut raw_input.events);
        }
        self.intercept_shortcuts(ctx, raw_input);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        if self.io.settings_file.path().is_some() {
            // The held session while its preset is missing (see
            // held_session.rs); fields borrowed apart from the writer.
            let persisted = self.doc.held.as_ref().map_or(&self.settings, |(s, _)| s);
            if let Some(e) = self.io.settings_file.flush(persisted) {
                self.notify(e, true);
            }
        } else {
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

/// Decodes the window icon shipped in `assets/icon.png`.
fn icon() -> Option<egui::IconData> {
    let decoder = png::Decoder::new(std::io::Cursor::new(
        include_bytes!("../../assets/icon.png").as_slice(),
    ));
    let mut reader = decoder.read_info().ok()?;
    let mut rgba = vec![0; reader.output_buffer_size()?];
    let info = reader.next_frame(&mut rgba).ok()?;
    (info.color_type == png::ColorType::Rgba).then_some(egui::IconData {
        rgba,
        width: info.width,
        height: info.height,
    })
}

/// The smallest window the app lays out sensibly, in points.
pub const MIN_WINDOW: [f32; 2] = [800.0, 560.0];

/// The largest window side asked for, in points.
const MAX_WINDOW: f32 = 16384.0;

/// Whether the app can open a window of `size` points; if not, why.
pub fn check_size(size: [f32; 2]) -> Result<(), String> {
    for ((v, min), what) in size.into_iter().zip(MIN_WINDOW).zip(["width", "height"]) {
        if !(min..=MAX_WINDOW).contains(&v) {
            return Err(format!("the {what} {v} is outside {min}–{MAX_WINDOW}"));
        }
    }
    Ok(())
}

/// Opens the window and runs until it is closed.
pub fn launch(launch: Launch) -> Result<(), String> {
    let scripted = launch.screenshot.is_some();
    let mut viewport = egui::ViewportBuilder::default()
        .with_title("bilevel-lab")
        .with_inner_size(launch.size.unwrap_or([1440.0, 900.0]))
        .with_min_inner_size(MIN_WINDOW);
    if let Some(icon) = icon() {
        viewport = viewport.with_icon(icon);
    }
    let options = eframe::NativeOptions {
        viewport,
        // A scripted screenshot neither reads nor overwrites the user's session.
        persistence_path: scripted
            .then(|| std::env::temp_dir().join(format!("bilevel-lab-shot-{}", std::process::id()))),
        // A size asked for wins over the one remembered.
        persist_window: !scripted && launch.size.is_none(),
        ..Default::default()
    };
    let outcome = launch.screenshot.as_ref().map(|job| job.outcome.clone());
    eframe::run_native(
        "bilevel-lab",
        options,
        Box::new(move |cc| {
            let app = if scripted {
                BilevelApp::with_settings(&cc.egui_ctx, None, launch)
            } else {
                BilevelApp::new(cc, launch)
            };
            Ok(Box::new(app))
        }),
    )
    .map_err(|e| format!("could not open the window: {e}"))?;
    match outcome {
        Some(outcome) => match outcome.lock().ok().and_then(|mut o| o.take()) {
            Some(result) => result,
            None => Err("the window closed before the screenshot was taken".into()),
        },
        None => Ok(()),
    }
}

impl BilevelApp {
    /// The left panel: tour, problem, method, comparison and explore.
    fn controls(&mut self, ui: &mut egui::Ui, commands: &mut Vec<AppCommand>) {
        let asked = tour_panel::tour_ui(ui, self);
        self.settle(asked, commands);
        let asked = problem_panel::problem_ui(ui, self);
        self.settle(asked, commands);
        ui.separator();
        let asked = method_panel::method_ui(ui, self);
        self.settle(asked, commands);
        ui.separator();
        // A class does not need the comparison table or the maps.
        if !self.settings.lecture {
            ui.separator();
            let asked = compare_panel::compare_ui(ui, self);
            self.settle(asked, commands);
            ui.separator();
            let spec = self.settings.runs.get(self.runs.selected);
            commands.extend(explore_panel::explore_ui(ui, spec, &mut self.explore));
        }
    }

    /// Carries out at once what a panel's widgets change in place — a
    /// setting, the selection, the explained stage — so that panels drawn
    /// later in the frame show it; the rest (opening, applying, starting
    /// jobs) waits for the end of the frame, in order.
    fn settle(&mut self, asked: Vec<AppCommand>, later: &mut Vec<AppCommand>) {
        for command in asked {
            if command.is_setting() {
                self.run_command(command);
            } else {
                later.push(command);
            }
        }
    }

    /// One frame of the whole window: applies what the solver sent, then
    /// draws every panel and runs the commands they return. `eframe`'s
    /// `App::ui` calls this; the bench calls it on a headless context.
    pub fn show(&mut self, ui: &mut egui::Ui) {
        self.drain_events();
        self.diagnose_runs();
        self.find_reached();
        self.explore.poll(&self.ctx, &self.doc.problem);
        self.receive_landscape();
        self.poll_dialogs();
        self.watch_preset_file();
        self.retry_held();
        self.apply_look(ui.ctx());
        self.update_shown_step();
        let mut commands = Vec::new();
        egui::Panel::top("toolbar").show(ui, |ui| {
            let asked = toolbar::toolbar_ui(ui, self);
            self.settle(asked, &mut commands);
        });
        egui::Panel::bottom("status")
            .show(ui, |ui| commands.extend(status_bar::status_ui(ui, self)));
        egui::Panel::left("controls")
            .resizable(true)
            .default_size(330.0)
            .min_size(250.0)
            // Wide content must wrap, not push the plots off the window.
            .max_size(560.0)
            .show(ui, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| self.controls(ui, &mut commands));
            });
        let asked = teaching_panel::teaching_ui(ui, self);
        self.settle(asked, &mut commands);
        egui::CentralPanel::default().show(ui, |ui| {
            let total = ui.available_height();
            let residual_height = (total * 0.34).clamp(140.0, 360.0);
            let phi_height = if phi_plot::shown(self) {
                (total * 0.16).clamp(90.0, 200.0)
            } else {
                0.0
            };
            let landscape_height = (total - residual_height - phi_height - 8.0).max(120.0);
            let asked = landscape_plot::landscape_ui(ui, self, landscape_height);
            self.settle(asked, &mut commands);
            if phi_height > 0.0 {
                phi_plot::phi_ui(ui, self, phi_height);
            }
            residual_plot::residual_ui(ui, self);
        });
        self.path_prompt_ui(ui.ctx());
        commands.extend(self.switch_question_ui(ui.ctx()));
        for command in commands {
            self.run_command(command);
        }
        let persisted = self.doc.held.as_ref().map_or(&self.settings, |(s, _)| s);
        if let Some(e) = self.io.settings_file.tick(persisted) {
            self.notify(e, true);
        }
        self.merge_other_window();
        if self.io.settings_file.busy() {
            // Come back to write once the edits have been quiet.
            ui.ctx().request_repaint_after(Duration::from_millis(200));
        }
        self.request_landscape();
        self.screenshot_step(ui.ctx());
        if self.runs.playing && self.runs.session.any_live() {
            // The solver wakes us when frames arrive; this is only a floor.
            ui.ctx().request_repaint_after(Duration::from_millis(100));
        }
    }
}

/// Read-only views of the app's state, for tests and the bench.
impl BilevelApp {
    /// The message shown in the status bar, if any.
    pub fn notice(&self) -> Option<&Notice> {
        self.notices.notice.as_ref()
    }

    /// The selected run's current iteration.
    pub fn iteration(&self) -> u64 {
        self.runs
            .session
            .runs
            .get(self.runs.selected)
            .map_or(0, RunTrace::iteration)
    }

    /// The reference the runs are judged against (known or computed).
    pub fn reference_answer(&self) -> Option<&crate::explore::Answer> {
        self.doc.answer.get()
    }

    /// The diagnosis of the selected run's newest judged iterate.
    pub fn diagnosis(&self) -> Option<&crate::session::Diagnosis> {
        self.runs
            .session
            .runs
            .get(self.runs.selected)?
            .diagnosis
            .as_ref()
    }

    /// The classes of the last basin map's starts, if one is done.
    pub fn basin_classes(&self) -> Option<Vec<crate::explore::EndClass>> {
        let map = self.explore.basins.as_ref()?;
        Some(map.cells.iter().map(|b| b.class).collect())
    }

    /// The cells of the last sweep, if one is done.
    pub fn sweep_cells(&self) -> Option<&[crate::explore::Cell]> {
        Some(&self.explore.sweep.as_ref()?.cells)
    }

    /// The index of the selected run.
    pub fn selected(&self) -> usize {
        self.runs.selected
    }

    /// The record at the selected run's newest iterate.
    pub fn selected_record(&self) -> Option<&crate::method::Record> {
        self.runs
            .session
            .runs
            .get(self.runs.selected)?
            .last
            .as_ref()
    }

    /// How many iterations the selected run's history keeps.
    pub fn history_len(&self) -> usize {
        self.runs
            .session
            .runs
            .get(self.runs.selected)
            .map_or(0, |r| r.history.len())
    }

    /// Whether the runs are playing.
    pub fn is_playing(&self) -> bool {
        self.runs.playing
    }

    /// The current parse error of the editors, as shown.
    pub fn edit_error(&self) -> Option<String> {
        self.doc
            .editor
            .error
            .as_ref()
            .map(|(which, e)| format!("{which}: {e}"))
    }

    /// The text in the f editor.
    pub fn f_text(&self) -> &str {
        &self.doc.editor.f
    }

    /// The problem the runs use.
    pub fn problem(&self) -> &Arc<dyn Problem> {
        &self.doc.problem
    }

    /// The settings as they would be saved.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Mutable settings (tests change parameters the way the panels do).
    pub fn settings_mut(&mut self) -> &mut Settings {
        &mut self.settings
    }

    /// The landscape's current view: [[x0, x1], [y0, y1]].
    pub fn view(&self) -> Option<[[f64; 2]; 2]> {
        self.view.view_bounds
    }

    /// Whether a landscape has arrived from the worker.
    pub fn has_landscape(&self) -> bool {
        self.view.landscape.is_some()
    }

    /// The ε of a method with the relaxed set {h ≤ ε²} (RXGF, SQCQP), if
    /// the selected run uses one.
    pub fn squared_eps(&self) -> Option<f64> {
        match self.settings.runs.get(self.runs.selected)?.solver.method() {
            crate::method::Method::Rxgf(m) => Some(m.eps),
            crate::method::Method::Sqcqp(m) => Some(m.eps),
            _ => None,
        }
    }

    /// The threshold of the shaded region: ε, or ε² for RXGF and SQCQP.
    pub fn region_eps(&self) -> f64 {
        self.squared_eps().map_or(self.settings.eps, |e| e * e)
    }

    /// Writes the selected run's trajectory as CSV (what Export does).
    pub fn save_trajectory_csv(&self, path: &std::path::Path) -> std::io::Result<()> {
        export::write_csv(self, path)
    }

    /// The current problem, start and parameters as preset text.
    pub fn preset_text(&self) -> String {
        crate::preset::to_toml(&export::current_preset(self))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_fallback_preset_loads() {
        // The invariant `unreachable_preset` relies on.
        assert_eq!(super::fallback_preset().dims().total(), 2);
    }

    #[test]
    fn a_scripted_screenshot_sees_no_pointer() {
        use eframe::egui::{Event, PointerButton, pos2};
        let mut events = vec![
            Event::PointerMoved(pos2(700.0, 400.0)),
            Event::PointerButton {
                pos: pos2(700.0, 400.0),
                button: PointerButton::Primary,
                pressed: true,
                modifiers: Default::default(),
            },
            Event::Zoom(2.0),
        ];
        super::without_pointer(&mut events);
        assert_eq!(events, vec![Event::Zoom(2.0), Event::PointerGone]);
    }
}
