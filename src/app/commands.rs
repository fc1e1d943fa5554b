//! What panels ask for: they return commands, and `run_command` carries
//! them out after the frame's panels are drawn.

use super::file_dialogs::FileUse;
use super::settings::{Layers, PresetSource, RunSpec, Series, XAxis};
use super::{BilevelApp, Notice};
use crate::method::SolverSettings;
use crate::runner::{Command, Speed};
use eframe::egui;
use std::path::PathBuf;
use std::time::Instant;

/// A user action.
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub enum AppCommand {
    /// Iterate continuously.
    Play,
    /// Stop iterating.
    Pause,
    /// Play if paused, pause if playing (Space).
    TogglePlay,
    /// Do n iterations of every run.
    Step(u64),
    /// Restart every run from its start.
    Reset,
    /// Open a built-in preset.
    OpenBuiltin(String),
    /// Ask for a preset file to open.
    OpenDialog,
    /// Open a preset file.
    OpenFile(PathBuf),
    /// Use the edited f and g (restarts the runs).
    ApplyEdit,
    /// Throw the edits away.
    RevertEdit,
    /// The parameters of run `slot` changed.
    Reconfigure(usize),
    /// Set the start of the selected run (it restarts there).
    SetStart([f64; 2]),
    /// Change the pace; `None` for as fast as possible.
    SetSpeed(Option<f64>),
    /// Add a run with the selected run's parameters.
    AddRun,
    /// Remove run `slot`.
    RemoveRun(usize),
    /// Export the selected run's trajectory as CSV.
    ExportCsv,
    /// Export the problem and parameters as a preset.
    ExportPreset,
    /// Save a PNG of the window.
    ExportPng,
    /// Save the session: the problem, every run and what is shown.
    ExportSession,
    /// Save a figure of the current state (SVG, PDF or PNG).
    ExportFigure,
    /// Save an animated GIF of the runs growing.
    ExportAnimation,
    /// Stop the animation being made (nothing is written).
    CancelAnimation,
    /// Set up and play stop `i` of the guided tour.
    TourStop(usize),
    /// Toggle the lecture view.
    ToggleLecture,
    /// Toggle between the light and the dark theme.
    ToggleTheme,
    /// Iterations per "Step N".
    SetStepN(u64),
    /// The editors' text changed (checked at once, applied by Apply).
    EditText {
        /// The text of the f editor.
        f: String,
        /// The text of the g editor.
        g: String,
    },
    /// A constant's slider moved (applied at once).
    SetConstant(String, f64),
    /// Declare a name f or g uses as a constant (value 1).
    MakeConstant(String),
    /// Whether a valid edit applies by itself after a pause.
    SetApplyAsTyped(bool),
    /// Whether a changed problem restarts the runs (else they go on).
    SetRestartOnChange(bool),
    /// Show two runs side by side (`None`: one landscape).
    SetSplit(Option<[usize; 2]>),
    /// Back to the problem applied before (Ctrl+Z).
    Undo,
    /// Forward to the problem undone (Ctrl+Shift+Z).
    Redo,
    /// Select run `slot`: its parameters are edited, its geometry drawn.
    SelectRun(usize),
    /// Replace run `slot`'s parameters (an editor changed them); the run
    /// takes them from its next iteration.
    SetRun(usize, Box<RunSpec>),
    /// Show or hide the explanation.
    ToggleExplain,
    /// Explain this stage of the step (`None`: the whole step).
    ShowStage(Option<crate::teaching::Stage>),
    /// Explain this sample of the selected run's history (`None`: the
    /// current iterate).
    Scrub(Option<usize>),
    /// Open or close the guided tour.
    ToggleTour,
    /// The region's ε.
    SetEps(f64),
    /// The landscape layers shown.
    SetLayers(Box<Layers>),
    /// The residual series shown.
    SetSeries(Box<Series>),
    /// The residual plots' horizontal axis.
    SetXAxis(XAxis),
    /// The comparison's tolerance.
    SetReach(f64),
    /// The coordinates the landscape shows (indices in z).
    SetAxes(usize, usize),
    /// Start the step-size sweep of the selected run.
    StartSweep,
    /// Start the basin map of the selected run over the current view.
    StartBasins,
    /// The landscape showed these bounds ([x1, x2], [y1, y2]) this frame
    /// (the preset's view, once asked for, has been applied), in this
    /// rectangle of the window.
    SawView([[f64; 2]; 2], egui::Rect),
    /// Go back to the preset's view (the button, or a double-click, which
    /// also drops a click waiting to move the start).
    ResetView,
    /// The landscape was clicked here at this time (egui's clock): the
    /// selected run's start moves there unless a second click makes it a
    /// double-click.
    PlotClicked([f64; 2], f64),
    /// Show or hide the controls in the lecture view.
    ToggleControls,
    /// Which tab the lecture view's side panel shows.
    ShowSideTab(super::teaching_panel::SideTab),
    /// Answer the question asked before leaving a preset with edits.
    AnswerSwitch(super::SwitchAnswer),
    /// Put earlier edit `i` (an index in the settings' kept edits) back in
    /// the editors.
    RestoreEdit(usize),
    /// Use a sweep cell's two parameter values in the selected run and
    /// restart it with them.
    UseSweepCell {
        /// (key, value) of the first swept parameter.
        first: (&'static str, f64),
        /// (key, value) of the second.
        second: (&'static str, f64),
    },
}

impl AppCommand {
    /// Whether the command only changes a setting, the selection or what
    /// is explained — what a widget would change in place.
    pub fn is_setting(&self) -> bool {
        use AppCommand as C;
        matches!(
            self,
            C::SetStepN(_)
                | C::EditText { .. }
                | C::SetApplyAsTyped(_)
                | C::SetRestartOnChange(_)
                | C::SetSplit(_)
                | C::SelectRun(_)
                | C::SetRun(..)
                | C::ToggleExplain
                | C::ToggleTour
                | C::ShowStage(_)
                | C::Scrub(_)
                | C::SetEps(_)
                | C::SetLayers(_)
                | C::SetSeries(_)
                | C::SetXAxis(_)
                | C::SetReach(_)
                | C::SetAxes(..)
                | C::SawView(..)
                | C::ResetView
                | C::PlotClicked(..)
                | C::ToggleControls
                | C::ShowSideTab(_)
        )
    }
}

/// Whether the keyboard is in the f or the g editor.
fn editor_focused(ctx: &egui::Context) -> bool {
    let focused = ctx.memory(|m| m.focused());
    super::problem_panel::EDITOR_IDS
        .iter()
        .any(|id| focused == Some(egui::Id::unique(id)))
}

/// Takes out of `events` the key presses and releases `command_of` maps
/// to a command, queueing the command of each press in `pending`.
fn take_keys(
    events: &mut Vec<egui::Event>,
    pending: &mut Vec<AppCommand>,
    command_of: impl Fn(egui::Key, egui::Modifiers) -> Option<AppCommand>,
) {
    events.retain(|event| {
        let egui::Event::Key {
            key,
            pressed,
            modifiers,
            ..
        } = event
        else {
            return true;
        };
        let Some(command) = command_of(*key, *modifiers) else {
            return true;
        };
        if *pressed {
            pending.push(command);
        }
        false
    });
}

/// Undo (Ctrl+Z, ⌘Z) or redo (Ctrl+Shift+Z, Ctrl+Y) for a key press.
fn undo_shortcut(key: egui::Key, modifiers: egui::Modifiers) -> Option<AppCommand> {
    if !modifiers.command || modifiers.alt {
        return None;
    }
    match key {
        egui::Key::Z if modifiers.shift => Some(AppCommand::Redo),
        egui::Key::Z => Some(AppCommand::Undo),
        egui::Key::Y if !modifiers.shift => Some(AppCommand::Redo),
        _ => None,
    }
}

impl BilevelApp {
    /// The command a shortcut key stands for.
    fn shortcut(key: egui::Key) -> Option<AppCommand> {
        match key {
            egui::Key::Space => Some(AppCommand::TogglePlay),
            egui::Key::ArrowRight => Some(AppCommand::Step(1)),
            egui::Key::R => Some(AppCommand::Reset),
            egui::Key::L => Some(AppCommand::ToggleLecture),
            _ => None,
        }
    }

    /// Takes the shortcut keys out of the raw input before egui sees them
    /// (so a focused button or checkbox does not also act on Space, and the
    /// arrow does not move the focus), unless a text field has the keyboard.
    pub fn intercept_shortcuts(&mut self, ctx: &egui::Context, raw: &mut egui::RawInput) {
        // Undo and redo are the problem's, in the f and g editors too (their
        // own undo would leave the problem behind the text); another text
        // field (a path, a number) keeps its own.
        let pending = &mut self.io.pending_shortcuts;
        if !ctx.text_edit_focused() || editor_focused(ctx) {
            take_keys(&mut raw.events, pending, undo_shortcut);
        }
        if ctx.text_edit_focused() {
            return;
        }
        take_keys(&mut raw.events, pending, |key, modifiers| {
            modifiers.is_none().then(|| Self::shortcut(key)).flatten()
        });
    }

    /// Shortcuts taken from the raw input, then any shortcut key still in
    /// the input (a host that skips the raw-input hook), unless a text field
    /// has the keyboard.
    pub(super) fn keyboard(&mut self, ctx: &egui::Context) -> Vec<AppCommand> {
        let mut out = std::mem::take(&mut self.io.pending_shortcuts);
        let undo_here = !ctx.text_edit_focused() || editor_focused(ctx);
        ctx.input_mut(|i| {
            if !undo_here {
                return;
            }
            // Redo first: Ctrl+Z would match Ctrl+Shift+Z as well.
            let redo = egui::Modifiers::COMMAND | egui::Modifiers::SHIFT;
            if i.consume_key(redo, egui::Key::Z)
                || i.consume_key(egui::Modifiers::COMMAND, egui::Key::Y)
            {
                out.push(AppCommand::Redo);
            } else if i.consume_key(egui::Modifiers::COMMAND, egui::Key::Z) {
                out.push(AppCommand::Undo);
            }
        });
        if ctx.text_edit_focused() {
            return out;
        }
        ctx.input_mut(|i| {
            for key in [
                egui::Key::Space,
                egui::Key::ArrowRight,
                egui::Key::R,
                egui::Key::L,
            ] {
                if i.consume_key(egui::Modifiers::NONE, key) {
                    out.extend(Self::shortcut(key));
                }
            }
        });
        out
    }

    /// Carries out a command.
    pub fn run_command(&mut self, command: AppCommand) {
        // Notices of this command are joined, not overwritten (see `tell`).
        self.notices.told = false;
        if self.ask_before_leaving(&command) {
            return;
        }
        use AppCommand as C;
        match command {
            C::Play
            | C::Pause
            | C::TogglePlay
            | C::Step(_)
            | C::Reset
            | C::SetSpeed(_)
            | C::SetStepN(_) => self.playback_command(command),
            C::OpenBuiltin(_)
            | C::OpenFile(_)
            | C::OpenDialog
            | C::TourStop(_)
            | C::AnswerSwitch(_) => self.preset_command(command),
            C::ApplyEdit
            | C::RevertEdit
            | C::RestoreEdit(_)
            | C::EditText { .. }
            | C::SetConstant(..)
            | C::MakeConstant(_)
            | C::SetApplyAsTyped(_)
            | C::SetRestartOnChange(_)
            | C::Undo
            | C::Redo => self.edit_command(command),
            C::Reconfigure(_)
            | C::UseSweepCell { .. }
            | C::SetStart(_)
            | C::AddRun
            | C::RemoveRun(_)
            | C::SelectRun(_)
            | C::SetRun(..) => self.runs_command(command),
            C::ToggleLecture
            | C::ToggleTheme
            | C::ToggleExplain
            | C::ShowStage(_)
            | C::Scrub(_)
            | C::ToggleTour
            | C::SetEps(_)
            | C::SetLayers(_)
            | C::SetSeries(_)
            | C::SetXAxis(_)
            | C::SetReach(_)
            | C::SetAxes(..)
            | C::SawView(..)
            | C::ResetView
            | C::PlotClicked(..)
            | C::ToggleControls
            | C::ShowSideTab(_)
            | C::SetSplit(_)
            | C::ExportCsv
            | C::ExportPreset
            | C::ExportPng
            | C::ExportSession
            | C::ExportFigure
            | C::ExportAnimation
            | C::CancelAnimation
            | C::StartSweep
            | C::StartBasins => self.view_command(command),
        }
    }

    /// Playback: play, pause, step, reset and the pace.
    fn playback_command(&mut self, command: AppCommand) {
        match command {
            AppCommand::Play => {
                self.runs.playing = true;
                self.runs.runner.send(Command::Play);
            }
            AppCommand::Pause => {
                self.runs.playing = false;
                self.runs.runner.send(Command::Pause);
            }
            AppCommand::TogglePlay => {
                let next = if self.runs.playing {
                    AppCommand::Pause
                } else {
                    AppCommand::Play
                };
                self.run_command(next);
            }
            AppCommand::Step(n) => {
                self.runs.playing = false;
                self.runs.runner.send(Command::Step(n.max(1)));
            }
            AppCommand::Reset => self.restart_all(),
            AppCommand::SetSpeed(speed) => {
                self.settings.speed = speed;
                self.runs.runner.send(Command::SetSpeed(
                    speed.map_or(Speed::Max, Speed::PerSecond),
                ));
            }
            AppCommand::SetStepN(n) => self.settings.step_n = n.max(1),
            _ => {}
        }
    }

    /// Opening a preset (asked about first if the open one has edits).
    fn preset_command(&mut self, command: AppCommand) {
        let source = match &command {
            AppCommand::OpenBuiltin(id) => Some(PresetSource::Builtin(id.clone())),
            AppCommand::OpenFile(path) => Some(PresetSource::File(path.display().to_string())),
            _ => None,
        };
        // The newest choice wins over a preset still being prepared.
        if source.is_some() {
            self.io.loading = None;
        }
        // Data to prepare: on a thread, so that the window keeps drawing.
        if let Some(source) = source.filter(super::preset_loading::prepares_data) {
            return self.load_in_background(source);
        }
        match command {
            AppCommand::OpenBuiltin(id) => match crate::preset::load_builtin(&id) {
                Ok(p) => {
                    self.settings.source = PresetSource::Builtin(id);
                    self.doc.preset = p;
                    self.adopt_preset(false);
                }
                Err(e) => self.notify(e.to_string(), true),
            },
            AppCommand::OpenFile(path) => match crate::preset::load_path(&path) {
                Ok(p) => {
                    self.settings.source = PresetSource::File(path.display().to_string());
                    self.doc.preset = p;
                    self.adopt_preset(false);
                    self.tell(format!("opened {}", path.display()), false);
                }
                // The current preset and runs stay as they are.
                Err(e) => self.notify(e.to_string(), true),
            },
            AppCommand::OpenDialog => self.ask_file(FileUse::Open),
            AppCommand::TourStop(i) => self.tour_stop(i),
            AppCommand::AnswerSwitch(answer) => self.answer_switch(answer),
            _ => {}
        }
    }

    /// The editors of f and g.
    fn edit_command(&mut self, command: AppCommand) {
        match command {
            AppCommand::ApplyEdit => self.apply_edit(""),
            AppCommand::RevertEdit => {
                // The edit reverted stays among the earlier edits.
                let source = self.settings.source.clone();
                self.remember_current_edit(&source, false);
                if let crate::preset::ProblemSpec::Expression {
                    f, g, constants, ..
                } = &self.doc.preset.spec
                {
                    self.doc.editor.f = f.clone();
                    self.doc.editor.g = g.clone();
                    self.doc.editor.constants = constants.clone();
                }
                self.check_edit();
                if self.apply_edit_problem("") {
                    self.runs_follow_problem();
                }
            }
            AppCommand::RestoreEdit(i) => self.restore_edit(i),
            AppCommand::EditText { f, g } => {
                self.doc.editor.f = f;
                self.doc.editor.g = g;
                self.doc.editor.typed_at = Some(Instant::now());
                self.check_edit();
            }
            AppCommand::SetConstant(name, value) => self.set_constant(&name, value),
            AppCommand::MakeConstant(name) => self.make_constant(&name),
            AppCommand::SetApplyAsTyped(on) => self.settings.apply_as_typed = on,
            AppCommand::SetRestartOnChange(on) => self.settings.restart_on_change = on,
            AppCommand::Undo => self.undo_edit(),
            AppCommand::Redo => self.redo_edit(),
            _ => {}
        }
    }

    /// The runs: their parameters, starts, and how many.
    fn runs_command(&mut self, command: AppCommand) {
        match command {
            AppCommand::Reconfigure(slot) => {
                let Some(spec) = self.settings.runs.get(slot) else {
                    return;
                };
                // The editors show what is wrong until it is put right.
                let Ok(config) = spec.config() else {
                    return;
                };
                if !spec.problems().is_empty() {
                    return;
                }
                match self.runs.session.runs.iter_mut().find(|r| r.slot == slot) {
                    Some(trace) => {
                        trace.reconfigure(config);
                        self.runs.runner.send(Command::Reconfigure {
                            id: trace.id,
                            config,
                        });
                    }
                    // It could not start before; now it can.
                    None => self.start_run(slot),
                }
            }
            AppCommand::UseSweepCell { first, second } => {
                let slot = self.runs.selected;
                if let Some(spec) = self.settings.runs.get_mut(slot) {
                    match super::explore_panel::apply_cell(&mut spec.solver, first, second) {
                        Ok(()) => {
                            self.reset_run(slot);
                            if self.runs.playing {
                                self.runs.runner.send(Command::Play);
                            }
                        }
                        Err(e) => self.notify(e, true),
                    }
                }
            }
            AppCommand::SetStart(point) => {
                let (ix, iy) = (self.settings.axis_x, self.settings.axis_y);
                let slot = self.runs.selected;
                if let Some(spec) = self.settings.runs.get_mut(slot) {
                    if let Some(v) = spec.start.get_mut(ix) {
                        *v = point[0];
                    }
                    if let Some(v) = spec.start.get_mut(iy) {
                        *v = point[1];
                    }
                }
                self.reset_run(slot);
                if self.runs.playing {
                    self.runs.runner.send(Command::Play);
                }
            }
            AppCommand::AddRun => {
                if self.settings.runs.len() >= super::theme::RUNS.len() {
                    self.notify(
                        format!("at most {} runs at once", super::theme::RUNS.len()),
                        true,
                    );
                    return;
                }
                let spec = self.settings.runs.get(self.runs.selected).cloned();
                if let Some(spec) = spec {
                    self.settings.runs.push(spec);
                    let slot = self.settings.runs.len() - 1;
                    self.start_run(slot);
                    self.runs.selected = slot;
                }
            }
            AppCommand::RemoveRun(slot) => {
                if self.settings.runs.len() <= 1 {
                    return;
                }
                self.settings.runs.remove(slot);
                self.runs.selected = 0;
                // The split view keeps showing the runs it showed: the
                // later ones move down a place; without one of them it ends.
                self.settings.split = self.settings.split.and_then(|pair| {
                    if pair.contains(&slot) {
                        return None;
                    }
                    Some(pair.map(|s| if s > slot { s - 1 } else { s }))
                });
                self.restart_all();
            }
            AppCommand::SelectRun(i) => self.runs.selected = i,
            AppCommand::SetRun(slot, spec) => {
                let Some(old) = self.settings.runs.get_mut(slot) else {
                    return;
                };
                let solver_changed = old.solver != spec.solver;
                *old = *spec;
                if solver_changed {
                    self.run_command(AppCommand::Reconfigure(slot));
                }
            }
            _ => {}
        }
    }

    /// The look of the window, and exports.
    fn view_command(&mut self, command: AppCommand) {
        match command {
            AppCommand::ToggleLecture => {
                self.settings.lecture = !self.settings.lecture;
                // A lecture is about the step: show its explanation.
                self.teach.explain_open |= self.settings.lecture;
            }
            AppCommand::ToggleTheme => self.settings.light = !self.settings.light,
            AppCommand::SetSplit(split) => {
                let runs = self.settings.runs.len();
                self.settings.split = split.filter(|[a, b]| a != b && *a < runs && *b < runs);
            }
            AppCommand::StartSweep => self.start_sweep(),
            AppCommand::StartBasins => self.start_basins(),
            AppCommand::ExportCsv => self.ask_file(FileUse::Csv),
            AppCommand::ExportPreset => self.ask_file(FileUse::Preset),
            AppCommand::ExportPng => self.ask_file(FileUse::Png),
            AppCommand::ExportSession => self.ask_file(FileUse::Session),
            AppCommand::ExportFigure => self.ask_file(FileUse::Figure),
            AppCommand::ExportAnimation => self.ask_file(FileUse::Animation),
            AppCommand::CancelAnimation => {
                if let Some((_, task)) = &self.io.animation {
                    task.cancel();
                }
            }
            AppCommand::ToggleExplain => self.teach.explain_open = !self.teach.explain_open,
            AppCommand::ShowStage(stage) => self.teach.stage = stage,
            AppCommand::Scrub(sample) => self.teach.scrub = sample,
            AppCommand::ToggleTour => {
                self.teach.tour_open = !self.teach.tour_open;
                if self.teach.tour_open {
                    self.teach.side_tab = super::teaching_panel::SideTab::Tour;
                }
            }
            AppCommand::SetEps(eps) => self.settings.eps = eps,
            AppCommand::SetLayers(layers) => self.settings.layers = *layers,
            AppCommand::SetSeries(series) => self.settings.series = *series,
            AppCommand::SetXAxis(axis) => self.settings.x_axis = axis,
            AppCommand::SetReach(reach) => self.settings.reach = reach,
            AppCommand::SawView(bounds, rect) => {
                self.view.view_bounds = Some(bounds);
                self.view.landscape_rect = Some(rect);
                self.view.reset_view = false;
            }
            AppCommand::ResetView => {
                self.view.reset_view = true;
                self.view.pending_click = None;
            }
            AppCommand::PlotClicked(at, time) => self.view.pending_click = Some((at, time)),
            AppCommand::ToggleControls => self.view.lecture_controls = !self.view.lecture_controls,
            AppCommand::ShowSideTab(tab) => self.teach.side_tab = tab,
            AppCommand::SetAxes(x, y) => {
                self.settings.axis_x = x;
                self.settings.axis_y = y;
            }
            _ => {}
        }
    }

    /// Opens a tour stop: its preset, its runs (method, parameters, start,
    /// budget), then plays. A stop that cannot be set up says why and
    /// leaves the app as it was.
    fn tour_stop(&mut self, i: usize) {
        let Some(stop) = crate::teaching::TOUR.get(i) else {
            return;
        };
        let preset = match crate::preset::load_builtin(stop.preset) {
            Ok(p) => p,
            Err(e) => return self.notify(e.to_string(), true),
        };
        let specs: Result<Vec<RunSpec>, String> = stop
            .runs
            .iter()
            .map(|run| {
                let solver = SolverSettings {
                    tolerance: None,
                    ..run.settings(&preset.solver, stop.iterations)?
                };
                Ok(RunSpec::new(
                    solver,
                    run.start.map_or_else(|| preset.start(), |s| s.to_vec()),
                ))
            })
            .collect();
        let specs = match specs {
            Ok(s) => s,
            Err(e) => return self.notify(format!("tour stop {}: {e}", i + 1), true),
        };
        self.settings.source = PresetSource::Builtin(stop.preset.into());
        self.doc.preset = preset;
        self.adopt_preset(false);
        self.settings.runs = specs;
        self.teach.tour_stop = i;
        self.teach.tour_open = true;
        self.teach.scrub = None;
        self.teach.stage = None;
        self.restart_all();
        self.run_command(AppCommand::Play);
    }

    pub(super) fn report_write(&mut self, path: &std::path::Path, result: std::io::Result<()>) {
        match result {
            Ok(()) => self.notify(format!("saved {}", path.display()), false),
            // The data stays in memory; the user can try another place.
            Err(e) => self.notify(format!("could not save {}: {e}", path.display()), true),
        }
    }

    pub(super) fn notify(&mut self, text: String, error: bool) {
        self.notices.notice = Some(Notice {
            text,
            error,
            action: None,
        });
    }

    /// Like [`Self::notify`], but a second notice of the same command is
    /// added to the first ("… · …") instead of hiding it: opening a preset
    /// may keep the edits of the one left and set a held session aside, and
    /// the user must read both.
    pub(super) fn tell(&mut self, text: String, error: bool) {
        match self.notices.notice.as_mut() {
            Some(notice) if self.notices.told => {
                notice.text.push_str(" · ");
                notice.text.push_str(&text);
                notice.error |= error;
                notice.action = None;
            }
            _ => self.notify(text, error),
        }
        self.notices.told = true;
    }
}
