//! Choosing a file for Open…, Export ▸ CSV / preset / PNG: the desktop's
//! dialog (rfd, through the xdg file-chooser portal) on a thread of its own,
//! and — where that cannot work — a typed-path field that says why it is
//! there, starts in the last directory used, and completes names.
//!
//! rfd reports no error: without a portal it tries zenity, and without
//! that it returns "nothing chosen" at once. A dialog that answers nothing
//! within [`QUICK`] was therefore never shown (nobody cancels that fast),
//! and the typed-path field takes its place; without a D-Bus session there
//! is no portal at all, and the field comes first.

use super::BilevelApp;
use crate::background::Task;
use eframe::egui;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A dialog that returns nothing sooner than this was not shown.
const QUICK: Duration = Duration::from_millis(400);

/// Most names offered under the field.
const CANDIDATES: usize = 8;

/// What a chosen file is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileUse {
    /// Open a preset.
    Open,
    /// Write the selected run's trajectory as CSV.
    Csv,
    /// Write the problem and runs as a preset.
    Preset,
    /// Write a PNG of the window.
    Png,
    /// Write a figure of the current state (SVG, PDF or PNG by the name).
    Figure,
    /// Write an animated GIF of the runs growing.
    Animation,
    /// Write the session (problem, every run, what is shown).
    Session,
}

impl FileUse {
    /// The dialog's title and the field's heading.
    pub fn title(self) -> &'static str {
        match self {
            FileUse::Open => "Open a preset",
            FileUse::Csv => "Export the trajectory as CSV",
            FileUse::Preset => "Export as a preset",
            FileUse::Png => "Save a PNG of the window",
            FileUse::Figure => "Save a figure (.svg, .pdf or .png)",
            FileUse::Animation => "Save an animation (.gif)",
            FileUse::Session => "Save the session",
        }
    }

    /// The name proposed for a new file (none when opening).
    fn default_name(self) -> Option<&'static str> {
        match self {
            FileUse::Open => None,
            FileUse::Csv => Some("trajectory.csv"),
            FileUse::Preset => Some("my-preset.toml"),
            FileUse::Png => Some("bilevel-lab.png"),
            FileUse::Figure => Some("figure.svg"),
            FileUse::Animation => Some("animation.gif"),
            FileUse::Session => Some("session.toml"),
        }
    }

    /// Whether the file is written (else read).
    pub fn writes(self) -> bool {
        self != FileUse::Open
    }

    /// Asks the desktop's dialog (blocks: call off the UI thread).
    fn ask(self, dir: Option<PathBuf>) -> Option<PathBuf> {
        let (what, ext) = match self {
            FileUse::Open | FileUse::Preset => ("bilevel-lab preset", "toml"),
            FileUse::Session => ("bilevel-lab session", "toml"),
            FileUse::Csv => ("CSV", "csv"),
            FileUse::Png => ("PNG image", "png"),
            FileUse::Figure => ("Figure", "svg"),
            FileUse::Animation => ("GIF animation", "gif"),
        };
        let mut dialog = rfd::FileDialog::new()
            .set_title(self.title())
            .add_filter(what, &[ext]);
        if self == FileUse::Figure {
            dialog = dialog
                .add_filter("PDF", &["pdf"])
                .add_filter("PNG image", &["png"]);
        }
        if let Some(dir) = dir {
            dialog = dialog.set_directory(dir);
        }
        match self.default_name() {
            None => dialog.pick_file(),
            Some(name) => dialog.set_file_name(name).save_file(),
        }
    }
}

/// A dialog thread's answer.
#[derive(Debug)]
pub enum DialogAnswer {
    /// The user chose this file.
    Chosen(FileUse, PathBuf),
    /// Nothing came back; `quick` when too soon for a person to cancel.
    Nothing(FileUse, bool),
    /// No dialog thread could be started, or the dialog failed.
    Failed(FileUse),
}

/// The typed-path field.
#[derive(Debug, Clone, PartialEq)]
pub struct PathPrompt {
    /// What the file is for.
    pub purpose: FileUse,
    /// The path as typed.
    pub text: String,
    /// Why the field is shown (the dialog could not be).
    pub reason: String,
    /// A path that exists and was asked once to be replaced: the next
    /// Save of the same path replaces it.
    confirmed: Option<String>,
    /// A message under the field (a missing file, a replace question).
    message: Option<String>,
    /// The names matching `text`, and the text they were listed for: the
    /// directory is read when the text changes, not every frame.
    listing: Option<(String, Vec<String>)>,
}

impl PathPrompt {
    /// A field for `purpose`, starting in `dir`.
    pub fn new(purpose: FileUse, dir: Option<&Path>, reason: String) -> Self {
        let mut text = dir.map_or_else(String::new, |d| {
            let mut t = d.display().to_string();
            if !t.ends_with(std::path::MAIN_SEPARATOR) {
                t.push(std::path::MAIN_SEPARATOR);
            }
            t
        });
        if let Some(name) = purpose.default_name() {
            text.push_str(name);
        }
        Self {
            purpose,
            text,
            reason,
            confirmed: None,
            message: None,
            listing: None,
        }
    }

    /// The names in the typed directory that match the typed name.
    fn names(&mut self) -> Vec<String> {
        match &self.listing {
            Some((text, names)) if *text == self.text => names.clone(),
            _ => {
                let (_, names) = complete(&self.text);
                self.listing = Some((self.text.clone(), names.clone()));
                names
            }
        }
    }

    /// The path to use, or `None` with a message to show first: an Open
    /// of a file that is not there, a Save over a file not yet confirmed.
    pub fn accept(&mut self) -> Option<PathBuf> {
        let path = expand_home(self.text.trim());
        if path.as_os_str().is_empty() {
            self.message = Some("type a path".into());
            return None;
        }
        if path.is_dir() {
            self.message = Some(format!(
                "{} is a directory: add a file name",
                path.display()
            ));
            return None;
        }
        if !self.purpose.writes() && !path.exists() {
            self.message = Some(format!("{} does not exist", path.display()));
            return None;
        }
        let typed = self.text.trim().to_string();
        if self.purpose.writes() && path.exists() && self.confirmed.as_ref() != Some(&typed) {
            self.message = Some(format!(
                "{} exists: press Save again to replace it",
                path.display()
            ));
            self.confirmed = Some(typed);
            return None;
        }
        Some(path)
    }
}

/// `~/…` is the home directory, as in a shell.
fn expand_home(text: &str) -> PathBuf {
    match (text.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => Path::new(&home).join(rest),
        _ => PathBuf::from(text),
    }
}

/// The names in the typed path's directory that start with its last part
/// (directories end with a separator; hidden names only when the part
/// starts with a dot), sorted, and the text completed as far as they agree.
pub fn complete(text: &str) -> (String, Vec<String>) {
    let sep = std::path::MAIN_SEPARATOR;
    let (dir_text, part) = match text.rfind(sep) {
        Some(i) => (&text[..=i], &text[i + 1..]),
        None => ("", text),
    };
    let dir = if dir_text.is_empty() {
        PathBuf::from(".")
    } else {
        expand_home(dir_text)
    };
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().to_str()?.to_string();
            let shown = name.starts_with(part) && (part.starts_with('.') || !name.starts_with('.'));
            let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
            shown.then(|| if is_dir { format!("{name}{sep}") } else { name })
        })
        .collect();
    names.sort();
    let common = names.first().map_or_else(String::new, |first| {
        let mut prefix = first.clone();
        for name in &names[1..] {
            while !name.starts_with(&prefix) {
                prefix.pop();
            }
        }
        prefix
    });
    let completed = if common.len() > part.len() {
        format!("{dir_text}{common}")
    } else {
        text.to_string()
    };
    (completed, names)
}

/// Whether this system can have no desktop file dialog at all: Linux
/// without a D-Bus session has no portal to ask.
fn no_portal() -> bool {
    cfg!(target_os = "linux")
        && std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none_or(|v| v.is_empty())
}

/// The dialogs in flight and the typed-path field, if shown.
#[derive(Debug, Default)]
pub struct FileDialogs {
    pending: Vec<(FileUse, Task<DialogAnswer>)>,
    /// The typed-path field.
    pub prompt: Option<PathPrompt>,
    /// Always the field, never the desktop's dialog.
    typed_only: bool,
}

impl FileDialogs {
    /// No dialog in flight; `typed_only` never asks the desktop.
    pub fn new(typed_only: bool) -> Self {
        Self {
            typed_only,
            ..Self::default()
        }
    }
}

impl BilevelApp {
    /// Asks for a file for `purpose`: the desktop's dialog, or the typed
    /// path field where there is none.
    pub(super) fn ask_file(&mut self, purpose: FileUse) {
        let dir = self.settings.recent_dir.clone().map(PathBuf::from);
        let reason = if self.io.files.typed_only {
            Some("Type the path (--typed-paths: the desktop's file dialog is not used).")
        } else if no_portal() {
            Some(
                "No file dialog can open here (no D-Bus session for the desktop's file-chooser portal): type the path.",
            )
        } else {
            None
        };
        if let Some(reason) = reason {
            self.io.files.prompt = Some(PathPrompt::new(purpose, dir.as_deref(), reason.into()));
            return;
        }
        // The dialog blocks its thread until the user answers: no steps
        // to count, and nothing to cancel.
        let task = Task::spawn("file-dialog", 1, self.wake(), move |_| {
            let asked = Instant::now();
            Some(match purpose.ask(dir) {
                Some(path) => DialogAnswer::Chosen(purpose, path),
                None => DialogAnswer::Nothing(purpose, asked.elapsed() < QUICK),
            })
        });
        self.io.files.pending.push((purpose, task));
    }

    /// Acts on dialogs that have answered.
    pub(super) fn poll_dialogs(&mut self) {
        let mut answers = Vec::new();
        self.io
            .files
            .pending
            .retain_mut(|(purpose, task)| match task.poll() {
                None => true,
                Some(Some(answer)) => {
                    answers.push(answer);
                    false
                }
                // No thread could be started, or the dialog panicked.
                Some(None) => {
                    answers.push(DialogAnswer::Failed(*purpose));
                    false
                }
            });
        for answer in answers {
            match answer {
                DialogAnswer::Chosen(purpose, path) => self.use_file(purpose, path),
                DialogAnswer::Nothing(purpose, true) => {
                    self.io.files.prompt = Some(PathPrompt::new(
                        purpose,
                        self.settings.recent_dir.as_deref().map(Path::new),
                        "No file dialog appeared (the desktop's file-chooser portal did not answer): type the path.".into(),
                    ));
                }
                DialogAnswer::Failed(purpose) => {
                    self.io.files.prompt = Some(PathPrompt::new(
                        purpose,
                        self.settings.recent_dir.as_deref().map(Path::new),
                        "No file dialog could be started: type the path.".into(),
                    ));
                }
                // The user closed the dialog.
                DialogAnswer::Nothing(purpose, false) => self.file_not_chosen(purpose),
            }
        }
    }

    /// Does what the file was chosen for, and remembers its directory.
    pub(super) fn use_file(&mut self, purpose: FileUse, path: PathBuf) {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            self.settings.recent_dir = Some(dir.display().to_string());
        }
        match purpose {
            FileUse::Open => self.run_command(super::AppCommand::OpenFile(path)),
            FileUse::Csv => {
                let result = super::export::write_csv(self, &path);
                self.report_write(&path, result);
            }
            FileUse::Preset => {
                // Saved on leaving the preset: the edits in the editors.
                let leaving = self.io.switch.as_ref().is_some_and(|s| s.saving);
                let result = if leaving {
                    super::export::write_edited_preset(self, &path)
                } else {
                    super::export::write_preset(self, &path)
                };
                let saved = result.is_ok();
                self.report_write(&path, result);
                self.preset_saved(saved);
            }
            FileUse::Session => {
                let result = super::session_file::write_session(self, &path);
                let saved = result.is_ok();
                self.report_write(&path, result);
                if saved && self.doc.editor.dirty {
                    let text = "it holds the problem the runs use: the text in the editors not yet applied is not in it";
                    self.tell(text.into(), false);
                }
            }
            FileUse::Png => self.start_png(path),
            FileUse::Figure => self.start_figure(path),
            FileUse::Animation => self.start_animation(path),
        }
    }

    /// No file was chosen (a dialog closed, the field cancelled).
    fn file_not_chosen(&mut self, purpose: FileUse) {
        if purpose == FileUse::Preset {
            self.preset_saved(false);
        }
    }

    /// Draws the typed-path field when shown.
    pub(super) fn path_prompt_ui(&mut self, ctx: &egui::Context) {
        let Some(prompt) = self.io.files.prompt.as_mut() else {
            return;
        };
        let mut outcome = None;
        let modal = egui::Modal::new(egui::Id::unique("path-prompt")).show(ctx, |ui| {
            ui.set_width(520.0);
            outcome = prompt_body(ui, prompt);
        });
        if modal.should_close() && outcome.is_none() {
            outcome = Some(None);
        }
        let Some(chosen) = outcome else { return };
        let purpose = prompt.purpose;
        self.io.files.prompt = None;
        match chosen {
            Some(path) => self.use_file(purpose, path),
            None => self.file_not_chosen(purpose),
        }
    }
}

/// The field's contents; `Some(Some(path))` to use a path, `Some(None)` to
/// cancel.
fn prompt_body(ui: &mut egui::Ui, prompt: &mut PathPrompt) -> Option<Option<PathBuf>> {
    ui.heading(prompt.purpose.title());
    ui.label(&prompt.reason);
    // Tab completes (taken before the field sees it, which would move the
    // focus away).
    let field_id = egui::Id::unique("path-prompt-field");
    let focused = ui.memory(|m| m.has_focus(field_id));
    if focused && ui.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::Tab)) {
        let (completed, _) = complete(&prompt.text);
        prompt.text = completed;
    }
    let field = ui
        .horizontal(|ui| {
            let label = ui.label("Path:");
            ui.add(
                egui::TextEdit::singleline(&mut prompt.text)
                    .id(field_id)
                    .desired_width(f32::INFINITY)
                    .hint_text("a path; Tab completes"),
            )
            .labelled_by(label.id)
        })
        .inner;
    if prompt.message.is_none() && !field.has_focus() {
        field.request_focus();
    }
    let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
    let names = prompt.names();
    ui.horizontal_wrapped(|ui| {
        for name in names.iter().take(CANDIDATES) {
            if ui.small_button(name).clicked() {
                let dir_end = prompt
                    .text
                    .rfind(std::path::MAIN_SEPARATOR)
                    .map_or(0, |i| i + 1);
                prompt.text.truncate(dir_end);
                prompt.text.push_str(name);
            }
        }
        if names.len() > CANDIDATES {
            ui.label(format!("… {} more", names.len() - CANDIDATES));
        }
    });
    if let Some(message) = &prompt.message {
        ui.colored_label(ui.visuals().warn_fg_color, message);
    }
    let mut outcome = None;
    ui.horizontal(|ui| {
        let action = if prompt.purpose.writes() {
            "Save"
        } else {
            "Open"
        };
        if ui.button(action).clicked() || entered {
            outcome = prompt.accept().map(Some);
        }
        if ui.button("Cancel").clicked() {
            outcome = Some(None);
        }
    });
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("bilevel-paths-{name}-{}", std::process::id()));
        std::fs::create_dir_all(d.join("runs")).unwrap();
        for f in ["run-a.csv", "run-b.csv", "other.toml", ".hidden"] {
            std::fs::write(d.join(f), "").unwrap();
        }
        d
    }

    #[test]
    fn names_complete_as_far_as_they_agree() {
        let d = dir("complete");
        let base = format!("{}/", d.display());
        let (text, names) = complete(&format!("{base}ru"));
        assert_eq!(names, ["run-a.csv", "run-b.csv", "runs/"]);
        assert_eq!(text, format!("{base}run"));
        let (text, names) = complete(&format!("{base}o"));
        assert_eq!(
            (text, names),
            (format!("{base}other.toml"), vec!["other.toml".into()])
        );
        let (_, names) = complete(&base);
        assert!(!names.contains(&".hidden".to_string()), "{names:?}");
        let (_, names) = complete(&format!("{base}.h"));
        assert_eq!(names, [".hidden"]);
        std::fs::remove_dir_all(&d).ok();
    }

    #[test]
    fn the_field_refuses_what_cannot_be_used_and_asks_before_replacing() {
        let d = dir("accept");
        let mut open = PathPrompt::new(FileUse::Open, Some(&d), String::new());
        assert_eq!(open.text, format!("{}/", d.display()));
        assert_eq!(open.accept(), None, "a directory");
        open.text.push_str("missing.toml");
        assert_eq!(open.accept(), None);
        assert!(open.message.as_ref().unwrap().contains("does not exist"));
        let mut save = PathPrompt::new(FileUse::Csv, Some(&d), String::new());
        assert_eq!(save.text, format!("{}/trajectory.csv", d.display()));
        assert_eq!(save.accept(), Some(d.join("trajectory.csv")), "a new file");
        save.text = format!("{}/run-a.csv", d.display());
        assert_eq!(save.accept(), None, "asks first");
        assert!(save.message.as_ref().unwrap().contains("press Save again"));
        assert_eq!(save.accept(), Some(d.join("run-a.csv")), "then replaces");
        std::fs::remove_dir_all(&d).ok();
    }
}
