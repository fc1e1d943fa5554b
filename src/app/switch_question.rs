//! Leaving a preset whose f or g is edited (the picker, Open…, a tour stop)
//! first asks what to do with the edits: keep them for later, save them as
//! a new preset, drop them, or stay. Nothing is lost by any answer: a
//! dropped or saved edit stays in the preset's earlier edits.

use super::{AppCommand, BilevelApp};
use eframe::egui;

/// An answer to the question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SwitchAnswer {
    /// Switch, and bring the edits back when the preset is opened again.
    Keep,
    /// Write the edited problem and runs to a preset file, then switch.
    SaveAsPreset,
    /// Switch without them (they stay among the earlier edits).
    Drop,
    /// Stay on this preset.
    Cancel,
}

/// A switch waiting for the answer (or, after "save as a new preset", for
/// the file to be written).
#[derive(Debug, Clone, PartialEq)]
pub struct PendingSwitch {
    /// The command that leaves the preset.
    pub to: AppCommand,
    /// Waiting for the preset file.
    pub saving: bool,
}

impl BilevelApp {
    /// Whether `command` must wait for the question: it leaves the open
    /// preset, which has edits, and was not already answered.
    pub(super) fn ask_before_leaving(&mut self, command: &AppCommand) -> bool {
        let leaves = matches!(
            command,
            AppCommand::OpenBuiltin(_) | AppCommand::OpenFile(_) | AppCommand::TourStop(_)
        );
        let edited = self.settings.f_text.is_some() || self.settings.constants.is_some();
        if !leaves || !edited || self.io.switch_answered {
            return false;
        }
        self.io.switch = Some(PendingSwitch {
            to: command.clone(),
            saving: false,
        });
        true
    }

    /// Carries out an answer.
    pub(super) fn answer_switch(&mut self, answer: SwitchAnswer) {
        let Some(pending) = self.io.switch.clone() else {
            return;
        };
        match answer {
            SwitchAnswer::Cancel => self.io.switch = None,
            SwitchAnswer::Keep => self.switch_now(pending.to),
            SwitchAnswer::Drop => {
                self.drop_current_edit();
                self.switch_now(pending.to);
            }
            SwitchAnswer::SaveAsPreset if self.edit_has_error() => {
                // A preset holds a problem that compiles: the edited text
                // would not be in it. The question stays open.
                self.notify(
                    "the edit has an error, so it cannot be saved as a preset: fix it, or keep or drop the edits".into(),
                    true,
                );
            }
            SwitchAnswer::SaveAsPreset => {
                self.io.switch = Some(PendingSwitch {
                    saving: true,
                    ..pending
                });
                self.ask_file(super::file_dialogs::FileUse::Preset);
            }
        }
    }

    /// Whether the edited f or g does not compile.
    fn edit_has_error(&self) -> bool {
        self.doc.editor.error.is_some() || self.doc.editor.other_error.is_some()
    }

    /// A preset file was written (`saved`) or not: a switch waiting for it
    /// goes on, or is called off.
    pub(super) fn preset_saved(&mut self, saved: bool) {
        let Some(pending) = self.io.switch.clone().filter(|p| p.saving) else {
            return;
        };
        if saved {
            // The edits live on in the file (and among the earlier edits).
            self.drop_current_edit();
            self.switch_now(pending.to);
        } else {
            self.io.switch = None;
            self.tell(
                "the preset was not saved, so this preset stays open with its edits".into(),
                true,
            );
        }
    }

    /// The open preset's edit goes to its earlier edits and out of the
    /// editors' memory, so leaving does not bring it back by itself.
    fn drop_current_edit(&mut self) {
        let source = self.settings.source.clone();
        self.remember_current_edit(&source, false);
        self.settings.f_text = None;
        self.settings.g_text = None;
        self.settings.constants = None;
    }

    fn switch_now(&mut self, to: AppCommand) {
        self.io.switch = None;
        self.io.switch_answered = true;
        self.run_command(to);
        self.io.switch_answered = false;
    }

    /// Draws the question while a switch waits for it.
    pub(super) fn switch_question_ui(&mut self, ctx: &egui::Context) -> Option<AppCommand> {
        let pending = self.io.switch.as_ref()?;
        if pending.saving {
            return None; // the file dialog or field is up
        }
        let name = self.settings.source.label().to_string();
        let saveable = !self.edit_has_error();
        let mut answer = None;
        let modal = egui::Modal::new(egui::Id::unique("switch-question")).show(ctx, |ui| {
            ui.set_width(460.0);
            ui.heading(format!("{name} has edits"));
            ui.label("Its f, g or constants are edited. What should happen to the edits?");
            ui.add_space(6.0);
            let choices = [
                (
                    SwitchAnswer::Keep,
                    "Keep them for later",
                    format!("Switch; opening {name} again brings them back"),
                ),
                (
                    SwitchAnswer::SaveAsPreset,
                    "Save as a new preset…",
                    if saveable {
                        "Write the edited problem and runs to a preset file, then switch".into()
                    } else {
                        "Not while the edit has an error: a preset holds a problem that compiles"
                            .to_string()
                    },
                ),
                (
                    SwitchAnswer::Drop,
                    "Drop them",
                    format!("Switch; {name} opens as it is (the edits stay under Earlier edits)"),
                ),
                (SwitchAnswer::Cancel, "Cancel", format!("Stay on {name}")),
            ];
            for (choice, label, hint) in choices {
                ui.horizontal(|ui| {
                    let enabled = saveable || choice != SwitchAnswer::SaveAsPreset;
                    if ui.add_enabled(enabled, egui::Button::new(label)).clicked() {
                        answer = Some(choice);
                    }
                    ui.label(egui::RichText::new(hint).weak());
                });
            }
        });
        if modal.should_close() && answer.is_none() {
            answer = Some(SwitchAnswer::Cancel);
        }
        answer.map(AppCommand::AnswerSwitch)
    }
}
