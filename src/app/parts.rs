//! The owned parts of the app, each with one concern (see `BilevelApp`).

use super::*;

/// The problem being studied: the preset, the problem the runs use (the
/// preset's, or an applied edit), the editors, the reference answer.
pub(super) struct Document {
    pub(super) preset: Preset,
    pub(super) problem: Arc<dyn Problem>,
    pub(super) editor: Editor,
    /// Undo and redo of the applied edits.
    pub(super) history: super::edit_history::EditHistory,
    /// The reference runs are judged against (known or computed).
    pub(super) answer: answer::AnswerState,
    /// The open preset file, when it came from one, and when it was last
    /// looked at.
    pub(super) watch: Option<(preset::FileWatch, Instant)>,
    /// The saved session whose preset could not be read at start, and when
    /// it was last tried (see `held_session.rs`).
    pub(super) held: Option<(Settings, Instant)>,
    /// The iteration an opened session's runs are to be run to: asked of
    /// the solver when the frame (or the start) is done with the commands
    /// that could restart them (e.g. `--constant`).
    pub(super) steps_due: Option<u64>,
    /// The source of the preset now adopted (its edits are kept when the
    /// user switches away).
    pub(super) adopted: Option<PresetSource>,
}

/// The runs: what the solver sent, the solver thread, which run is
/// selected, and the judging of their iterates.
pub(super) struct Runs {
    pub(super) session: Session,
    pub(super) runner: Runner,
    pub(super) playing: bool,
    pub(super) selected: usize,
    pub(super) last_diagnosis: Instant,
    /// Judges the runs' newest iterates off this thread (see judging.rs).
    pub(super) judge: crate::background::Worker<judging::JudgeBatch, judging::Judged>,
    /// A batch is being judged.
    pub(super) judging: bool,
    /// Bumped when every judgement is forgotten (a new reference): a batch
    /// sent before is not taken.
    pub(super) judge_epoch: u64,
    /// The run and iteration at which evaluating on the UI thread panicked.
    pub(super) ui_fault: Option<(RunId, u64)>,
}

/// The landscape: its thread, what was asked and received, the view.
pub(super) struct View {
    pub(super) worker: LandscapeWorker,
    pub(super) landscape: Option<Landscape>,
    pub(super) landscape_generation: u64,
    /// Landscapes of older generations belong to a replaced problem.
    pub(super) landscape_floor: u64,
    pub(super) requested: Option<(Slice, f64)>,
    pub(super) last_request: Instant,
    pub(super) region_texture: Option<egui::TextureHandle>,
    pub(super) view_bounds: Option<[[f64; 2]; 2]>,
    /// Where the landscape plot was drawn last frame, in points.
    pub(super) landscape_rect: Option<egui::Rect>,
    pub(super) reset_view: bool,
    /// The lecture view shows the controls panel (it hides it by default).
    pub(super) lecture_controls: bool,
    /// A click on the landscape waiting to move the start: where, and when
    /// (it is a double-click's first half until the double-click time passes).
    pub(super) pending_click: Option<([f64; 2], f64)>,
    /// The (lecture, light) look last applied to the context.
    pub(super) look: Option<(bool, bool)>,
    /// Recomputes the QP arrows along the selected run's path.
    pub(super) arrows:
        crate::background::Worker<super::path_arrows::ArrowRequest, super::path_arrows::ArrowSet>,
    /// The newest set of path arrows, and what was last asked for.
    pub(super) arrow_set: Option<super::path_arrows::ArrowSet>,
    pub(super) arrows_asked: Option<super::path_arrows::ArrowKey>,
    /// Hyper-cleaning's accuracy and F1 along each run.
    pub(super) cleaning_curves: super::cleaning_curves::CleaningCurves,
}

/// The app's edge: file dialogs, the question before leaving edits,
/// shortcut keys, the scripted screenshot, the settings file.
pub(super) struct Io {
    /// File dialogs in flight, and the typed-path field.
    pub(super) files: file_dialogs::FileDialogs,
    /// A preset switch waiting for the question about the edits.
    pub(super) switch: Option<switch_question::PendingSwitch>,
    /// Set while an answered switch runs (it is not asked again).
    pub(super) switch_answered: bool,
    pub(super) pending_shortcuts: Vec<AppCommand>,
    pub(super) screenshot: Option<ScreenshotJob>,
    pub(super) screenshot_state: export::ShotState,
    pub(super) pending_png: PendingPng,
    /// A figure being drawn and written off this thread, and where.
    pub(super) figure: Option<(PathBuf, crate::background::Task<Result<(), String>>)>,
    /// An animation being rendered and written off this thread, and where.
    pub(super) animation: Option<(PathBuf, crate::background::Task<Result<(), String>>)>,
    /// A hyper-cleaning preset whose data is being prepared off this thread.
    pub(super) loading: Option<super::preset_loading::Loading>,
    pub(super) settings_file: settings_file::SettingsFile,
}

/// What a background thread calls when it has an answer: a repaint of
/// the app, so the next frame takes it.
pub(super) fn repaint(ctx: &egui::Context) -> crate::background::Wake {
    let ctx = ctx.clone();
    Box::new(move || ctx.request_repaint())
}

impl BilevelApp {
    /// A waker for background work started now (see [`repaint`]).
    pub(super) fn wake(&self) -> crate::background::Wake {
        repaint(&self.ctx)
    }
}

impl Runs {
    /// No runs yet; the solver and judging threads started, waking `ctx`.
    pub(super) fn start(ctx: &egui::Context) -> Self {
        let runner = Runner::spawn(repaint(ctx));
        let judge = judging::judge_worker(repaint(ctx));
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
            judge_epoch: 0,
            ui_fault: None,
        }
    }
}

impl View {
    /// No landscape yet; its thread started, waking `ctx`.
    pub(super) fn start(ctx: &egui::Context) -> Self {
        View {
            arrows: super::path_arrows::arrow_worker(repaint(ctx)),
            arrow_set: None,
            arrows_asked: None,
            cleaning_curves: Default::default(),
            worker: LandscapeWorker::spawn(repaint(ctx)),
            landscape: None,
            landscape_generation: 0,
            landscape_floor: 0,
            requested: None,
            last_request: Instant::now(),
            region_texture: None,
            view_bounds: None,
            landscape_rect: None,
            reset_view: true,
            lecture_controls: false,
            pending_click: None,
            look: None,
        }
    }
}

/// The status line's message.
pub(super) struct Notices {
    pub(super) notice: Option<Notice>,
    /// Whether the command being run has set a notice (see `tell`).
    pub(super) told: bool,
}
