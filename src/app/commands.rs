//! What panels ask for: they return commands, and `run_command` carries
//! them out after the frame's panels are drawn.

use super::file_dialogs::FileUse;
use super::settings::{PresetSource, RunSpec};
use super::{BilevelApp, Notice};
use crate::runner::{Command, Speed};
use eframe::egui;
use std::path::PathBuf;

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
    /// Set up and play stop `i` of the guided tour.
    TourStop(usize),
    /// Toggle the lecture view.
    ToggleLecture,
    /// Toggle between the light and the dark theme.
    ToggleTheme,
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
        if ctx.text_edit_focused() {
            return;
        }
        let pending = &mut self.pending_shortcuts;
        raw.events.retain(|event| match event {
            egui::Event::Key {
                key,
                pressed,
                modifiers,
                ..
            } if modifiers.is_none() => match Self::shortcut(*key) {
                Some(command) => {
                    if *pressed {
                        pending.push(command);
                    }
                    false
                }
                None => true,
            },
            _ => true,
        });
    }

    /// Shortcuts taken from the raw input, then any shortcut key still in
    /// the input (a host that skips the raw-input hook), unless a text field
    /// has the keyboard.
    pub(super) fn keyboard(&mut self, ctx: &egui::Context) -> Vec<AppCommand> {
        let mut out = std::mem::take(&mut self.pending_shortcuts);
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
        self.told = false;
        if self.ask_before_leaving(&command) {
            return;
        }
        match command {
            AppCommand::Play => {
                self.playing = true;
                self.runner.send(Command::Play);
            }
            AppCommand::Pause => {
                self.playing = false;
                self.runner.send(Command::Pause);
            }
            AppCommand::TogglePlay => {
                let next = if self.playing {
                    AppCommand::Pause
                } else {
                    AppCommand::Play
                };
                self.run_command(next);
            }
            AppCommand::Step(n) => {
                self.playing = false;
                self.runner.send(Command::Step(n.max(1)));
            }
            AppCommand::Reset => self.restart_all(),
            AppCommand::OpenBuiltin(id) => match crate::preset::load_builtin(&id) {
                Ok(p) => {
                    self.settings.source = PresetSource::Builtin(id);
                    self.preset = p;
                    self.adopt_preset(false);
                }
                Err(e) => self.notify(e.to_string(), true),
            },
            AppCommand::TourStop(i) => self.tour_stop(i),
            AppCommand::ToggleLecture => {
                self.settings.lecture = !self.settings.lecture;
                // A lecture is about the step: show its explanation.
                self.teach.explain_open |= self.settings.lecture;
            }
            AppCommand::ToggleTheme => self.settings.light = !self.settings.light,
            AppCommand::OpenFile(path) => match crate::preset::load_path(&path) {
                Ok(p) => {
                    self.settings.source = PresetSource::File(path.display().to_string());
                    self.preset = p;
                    self.adopt_preset(false);
                    self.tell(format!("opened {}", path.display()), false);
                }
                // The current preset and runs stay as they are.
                Err(e) => self.notify(e.to_string(), true),
            },
            AppCommand::OpenDialog => self.ask_file(FileUse::Open),
            AppCommand::AnswerSwitch(answer) => self.answer_switch(answer),
            AppCommand::RestoreEdit(i) => self.restore_edit(i),
            AppCommand::ApplyEdit => {
                if self.apply_edit_problem() {
                    self.restart_all();
                    self.notify(
                        "applied the edited f and g; the runs restarted".into(),
                        false,
                    );
                }
            }
            AppCommand::RevertEdit => {
                // The edit reverted stays among the earlier edits.
                let source = self.settings.source.clone();
                self.remember_current_edit(&source, false);
                if let crate::preset::ProblemSpec::Expression { f, g, .. } = &self.preset.spec {
                    self.editor.f = f.clone();
                    self.editor.g = g.clone();
                    self.editor.applied = (f.clone(), g.clone());
                }
                self.check_edit();
                self.problem = self.preset.problem.clone();
                self.drop_landscape();
                self.restart_all();
            }
            AppCommand::Reconfigure(slot) => {
                let Some(spec) = self.settings.runs.get(slot) else {
                    return;
                };
                if !spec.problems().is_empty() {
                    return;
                }
                let config = spec.config();
                if let Some(trace) = self.session.runs.iter_mut().find(|r| r.slot == slot) {
                    trace.reconfigure(config);
                    self.runner.send(Command::Reconfigure {
                        id: trace.id,
                        config,
                    });
                }
            }
            AppCommand::UseSweepCell { first, second } => {
                let slot = self.selected;
                if let Some(spec) = self.settings.runs.get_mut(slot) {
                    match super::explore_panel::apply_cell(&mut spec.solver, first, second) {
                        Ok(()) => {
                            self.reset_run(slot);
                            if self.playing {
                                self.runner.send(Command::Play);
                            }
                        }
                        Err(e) => self.notify(e, true),
                    }
                }
            }
            AppCommand::SetStart(point) => {
                let (ix, iy) = (self.settings.axis_x, self.settings.axis_y);
                let slot = self.selected;
                if let Some(spec) = self.settings.runs.get_mut(slot) {
                    if let Some(v) = spec.start.get_mut(ix) {
                        *v = point[0];
                    }
                    if let Some(v) = spec.start.get_mut(iy) {
                        *v = point[1];
                    }
                }
                self.reset_run(slot);
                if self.playing {
                    self.runner.send(Command::Play);
                }
            }
            AppCommand::SetSpeed(speed) => {
                self.settings.speed = speed;
                self.runner.send(Command::SetSpeed(
                    speed.map_or(Speed::Max, Speed::PerSecond),
                ));
            }
            AppCommand::AddRun => {
                if self.settings.runs.len() >= super::theme::RUNS.len() {
                    self.notify(
                        format!("at most {} runs at once", super::theme::RUNS.len()),
                        true,
                    );
                    return;
                }
                let spec = self.settings.runs.get(self.selected).cloned();
                if let Some(spec) = spec {
                    self.settings.runs.push(spec);
                    let slot = self.settings.runs.len() - 1;
                    self.start_run(slot);
                    self.selected = slot;
                }
            }
            AppCommand::RemoveRun(slot) => {
                if self.settings.runs.len() <= 1 {
                    return;
                }
                self.settings.runs.remove(slot);
                self.selected = 0;
                self.restart_all();
            }
            AppCommand::ExportCsv => self.ask_file(FileUse::Csv),
            AppCommand::ExportPreset => self.ask_file(FileUse::Preset),
            AppCommand::ExportPng => self.ask_file(FileUse::Png),
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
                Ok(RunSpec {
                    solver: run.settings(&preset.solver, stop.iterations)?,
                    use_tolerance: false,
                    tolerance: 1e-10,
                    start: run.start.map_or_else(|| preset.start(), |s| s.to_vec()),
                })
            })
            .collect();
        let specs = match specs {
            Ok(s) => s,
            Err(e) => return self.notify(format!("tour stop {}: {e}", i + 1), true),
        };
        self.settings.source = PresetSource::Builtin(stop.preset.into());
        self.preset = preset;
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
        self.notice = Some(Notice {
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
        match self.notice.as_mut() {
            Some(notice) if self.told => {
                notice.text.push_str(" · ");
                notice.text.push_str(&text);
                notice.error |= error;
                notice.action = None;
            }
            _ => self.notify(text, error),
        }
        self.told = true;
    }
}
