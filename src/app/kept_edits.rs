//! Edits are never dropped by switching presets: the edited f and g of the
//! preset left are kept (in the settings, so across restarts too), and
//! opening that preset again puts them back in the editors.

use super::BilevelApp;
use super::settings::{KEPT_EDITS, KeptEdit};

impl BilevelApp {
    /// Keeps the edits of the preset being left, if it has any.
    /// (Also used when a held session returns: the default preset's edits
    /// made meanwhile are kept.)
    pub(super) fn keep_edits_of_the_preset_left(&mut self) {
        let Some(left) = self.adopted.clone() else {
            return;
        };
        let (Some(f), Some(g)) = (self.settings.f_text.clone(), self.settings.g_text.clone())
        else {
            return;
        };
        let kept = &mut self.settings.kept_edits;
        kept.retain(|k| k.source != left);
        kept.insert(
            0,
            KeptEdit {
                source: left.clone(),
                f,
                g,
            },
        );
        kept.truncate(KEPT_EDITS);
        self.tell(
            format!(
                "your edits to {} are kept: opening it again brings them back",
                left.label()
            ),
            false,
        );
    }

    /// Puts the kept edits of the preset just opened back in the editors
    /// (not applied: Apply uses them, Revert drops them).
    pub(super) fn bring_back_kept_edits(&mut self) {
        let source = self.settings.source.clone();
        let kept = &mut self.settings.kept_edits;
        let Some(at) = kept.iter().position(|k| k.source == source) else {
            return;
        };
        let edit = kept.remove(at);
        self.editor.f = edit.f;
        self.editor.g = edit.g;
        self.check_edit();
        self.tell(
            format!(
                "your edits to {} are back in the editors, not applied: Apply uses them, Revert drops them",
                source.label()
            ),
            false,
        );
    }
}
