//! A saved session whose preset file is missing at start (renamed, on an
//! unmounted disk, mid-edit with a syntax error) is held, not reset: the
//! window shows the default preset, the settings file keeps the held
//! session, and the file is tried again every second. When it loads, the
//! session comes back; if the user opens another preset first, the held
//! session is set aside in `settings.json.held` rather than lost.

use super::settings::Settings;
use super::{BilevelApp, Notice, load_source};
use std::time::{Duration, Instant};

/// How often the missing preset file is tried again.
const RETRY: Duration = Duration::from_secs(1);

impl BilevelApp {
    /// The settings the settings file should hold: the held session while
    /// its preset is missing, else the current ones.
    pub(super) fn persisted(&self) -> &Settings {
        self.held.as_ref().map_or(&self.settings, |(s, _)| s)
    }

    /// Whether a session is held, waiting for its preset file.
    pub fn holds_session(&self) -> bool {
        self.held.is_some()
    }

    /// Tries the held session's preset again; restores the session when it
    /// loads.
    pub(super) fn retry_held(&mut self) {
        let Some((held, last)) = &mut self.held else {
            return;
        };
        if last.elapsed() < RETRY {
            return;
        }
        *last = Instant::now();
        let Ok(preset) = load_source(&held.source) else {
            self.ctx.request_repaint_after(RETRY);
            return;
        };
        let Some((held, _)) = self.held.take() else {
            return;
        };
        let name = preset.name.clone();
        self.settings = held;
        self.preset = preset;
        self.adopt_preset(true);
        self.notice = Some(Notice {
            text: format!("the last preset ({name}) can be read again: your session is restored"),
            error: false,
            action: None,
        });
    }

    /// Another preset is being opened while a session is held: the held
    /// session goes to `settings.json.held` (beside the settings file) so
    /// that nothing of it is lost, and the new preset is saved as usual.
    pub(super) fn set_held_aside(&mut self) {
        let Some((held, _)) = self.held.take() else {
            return;
        };
        let Some(path) = self.settings_file.path().map(|p| {
            let mut aside = p.as_os_str().to_owned();
            aside.push(".held");
            std::path::PathBuf::from(aside)
        }) else {
            return;
        };
        let text = match serde_json::to_vec_pretty(&held) {
            Ok(text) => text,
            Err(e) => {
                self.notify(format!("could not keep the held session: {e}"), true);
                return;
            }
        };
        match crate::atomic_file::write_atomic(&path, &text) {
            Ok(()) => self.notify(
                format!(
                    "the session of the preset that could not be read is kept in {}",
                    path.display()
                ),
                false,
            ),
            Err(e) => self.notify(
                format!("could not keep the held session in {}: {e}", path.display()),
                true,
            ),
        }
    }
}
