//! A saved session whose preset file is missing at start (renamed, on an
//! unmounted disk, mid-edit with a syntax error) is held, not reset: the
//! window shows the default preset, the settings file keeps the held
//! session, and the file is tried again every second. When it loads, the
//! session comes back; if the user opens another preset first, the held
//! session is set aside in `settings.json.held` rather than lost.

use super::BilevelApp;
use super::settings::Settings;
use std::time::{Duration, Instant};

/// How often the missing preset file is tried again.
const RETRY: Duration = Duration::from_secs(1);

impl BilevelApp {
    /// The settings the settings file should hold: the held session while
    /// its preset is missing, else the current ones.
    pub(super) fn persisted(&self) -> &Settings {
        self.doc.held.as_ref().map_or(&self.settings, |(s, _)| s)
    }

    /// Whether a session is held, waiting for its preset file.
    pub fn holds_session(&self) -> bool {
        self.doc.held.is_some()
    }

    /// Tries the held session's preset again; restores the session when it
    /// loads.
    pub(super) fn retry_held(&mut self) {
        let Some((held, last)) = &mut self.doc.held else {
            return;
        };
        if last.elapsed() < RETRY {
            return;
        }
        *last = Instant::now();
        let Ok(preset) = held.source.load() else {
            self.ctx.request_repaint_after(RETRY);
            return;
        };
        let Some((mut held, _)) = self.doc.held.take() else {
            return;
        };
        // Edits made to the default preset meanwhile are kept too.
        self.notices.told = false;
        self.keep_edits_of_the_preset_left();
        for edit in std::mem::take(&mut self.settings.kept_edits)
            .into_iter()
            .rev()
        {
            super::kept_edits::remember(&mut held.kept_edits, edit);
        }
        let name = preset.name.clone();
        self.settings = held;
        self.doc.preset = preset;
        self.adopt_preset(true);
        self.tell(
            format!("the last preset ({name}) can be read again: your session is restored"),
            false,
        );
    }

    /// Another preset is being opened while a session is held: the held
    /// session goes to `settings.json.held` (beside the settings file) so
    /// that nothing of it is lost, and the new preset is saved as usual.
    pub(super) fn set_held_aside(&mut self) {
        let Some((held, _)) = self.doc.held.as_ref() else {
            return;
        };
        // `settings.json.held`, or `.held.2`, … — never over an earlier one.
        let Some(path) = self.io.settings_file.path().map(|p| {
            let mut aside = p.as_os_str().to_owned();
            aside.push(".held");
            super::settings_file::unused_name(std::path::Path::new(&aside))
        }) else {
            // No settings file (tests, scripted screenshots): nothing to keep.
            self.doc.held = None;
            return;
        };
        let written = serde_json::to_vec_pretty(held)
            .map_err(|e| e.to_string())
            .and_then(|text| {
                crate::atomic_file::write_atomic(&path, &text).map_err(|e| e.to_string())
            });
        match written {
            Ok(()) => {
                self.doc.held = None;
                self.tell(
                    format!(
                        "the session of the preset that could not be read is kept in {}",
                        path.display()
                    ),
                    false,
                );
            }
            // Still held (and still what the settings file keeps).
            Err(e) => self.tell(
                format!(
                    "could not keep the held session in {}: {e} — it stays held and is what the settings file keeps",
                    path.display()
                ),
                true,
            ),
        }
    }
}
