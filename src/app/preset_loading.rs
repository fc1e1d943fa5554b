//! Opening a hyper-cleaning preset reads and prepares its data — about
//! 0.4 s for the bundled digits, 2 s for MNIST — so it is loaded on a
//! thread while the window goes on drawing, with a line in the status bar;
//! the preset is adopted when it is ready. Other presets load in
//! milliseconds and are opened at once.

use super::{BilevelApp, PresetSource};
use crate::background::Task;
use crate::preset::{self, Preset};
use std::path::Path;

/// A preset being prepared off the UI thread.
pub(super) struct Loading {
    /// Where it comes from (the settings remember it once adopted).
    source: PresetSource,
    task: Task<Result<Preset, String>>,
}

/// Whether opening `source` prepares data: a built-in data preset, or a
/// file whose `family` is hyper-cleaning (read from its text, which is
/// small; a file that cannot be read is left to the loader's message).
pub fn prepares_data(source: &PresetSource) -> bool {
    match source {
        PresetSource::Builtin(id) => preset::DATA_BUILTIN.iter().any(|(d, _)| d == id),
        PresetSource::File(path) => {
            let Ok(bytes) =
                crate::capped_read::read_capped(Path::new(path), preset::MAX_FILE_BYTES)
            else {
                return false;
            };
            let text = String::from_utf8_lossy(&bytes);
            toml::from_str::<toml::Table>(&text).is_ok_and(|t| {
                t.get("family").and_then(|f| f.as_str()) == Some(preset::CLEANING_FAMILY)
            })
        }
    }
}

impl BilevelApp {
    /// Starts loading `source` on a thread (a load already under way is
    /// dropped: the newest choice wins; its thread runs to its end, since
    /// preparing data has no point to stop at, and its answer is ignored).
    pub(super) fn load_in_background(&mut self, source: PresetSource) {
        let label = source.label().to_string();
        let loaded = source.clone();
        let task = Task::spawn("preset", 1, self.wake(), move |_| {
            Some(loaded.load().map_err(|e| e.to_string()))
        });
        self.io.loading = Some(Loading { source, task });
        self.tell(format!("preparing {label}: reading its data…"), false);
    }

    /// Adopts a preset whose preparation has ended, or says why it failed
    /// (the open preset and its runs stay as they were).
    pub(super) fn poll_loading(&mut self) {
        let Some(loading) = self.io.loading.as_mut() else {
            return;
        };
        let Some(outcome) = loading.task.poll() else {
            return;
        };
        let source = loading.source.clone();
        self.io.loading = None;
        // The outcome replaces the "preparing" line rather than joining it.
        self.notices.told = false;
        match outcome {
            Some(Ok(p)) => {
                let label = source.label().to_string();
                self.settings.source = source;
                self.doc.preset = p;
                self.adopt_preset(false);
                self.tell(format!("opened {label}"), false);
            }
            Some(Err(e)) => self.notify(e, true),
            None => self.notify(
                format!("could not open {}: preparing it failed", source.label()),
                true,
            ),
        }
    }

    /// The preset being prepared, if any (its built-in id or path).
    pub fn preparing(&self) -> Option<&str> {
        self.io.loading.as_ref().map(|l| l.source.label())
    }
}
