//! Edits are never dropped: the edited f and g of a preset left are kept
//! (in the settings, so across restarts too) and come back when that
//! preset is opened again; an edit reverted, dropped at a switch, or saved
//! as a preset stays in the preset's history of earlier edits, which the
//! problem panel offers to restore.

use super::settings::{KEPT_EDITS, KEPT_PER_PRESET, KeptEdit, PresetSource, Settings};
use super::{BilevelApp, Notice};

/// Puts `edit` first in `kept` (an identical older entry is removed), and
/// keeps at most [`KEPT_PER_PRESET`] of its preset and [`KEPT_EDITS`] in
/// all, dropping the oldest.
pub fn remember(kept: &mut Vec<KeptEdit>, edit: KeptEdit) {
    kept.retain(|k| !(k.source == edit.source && k.f == edit.f && k.g == edit.g));
    if edit.bring_back {
        // One edit per preset comes back by itself: the newest.
        for k in kept.iter_mut().filter(|k| k.source == edit.source) {
            k.bring_back = false;
        }
    }
    kept.insert(0, edit);
    cap_oldest(kept);
}

/// Folds the session another window saved into ours: its edits — the
/// current one and those it kept — join our kept edits (appended, never
/// reordering ours, so two windows merging each other settle at once);
/// our own window's state (preset, runs, toggles) stays. The sentence to
/// tell, if anything was added.
pub fn merge_other_window(ours: &mut Settings, theirs: &Settings) -> Option<String> {
    let mut offered = Vec::new();
    if let (Some(f), Some(g)) = (&theirs.f_text, &theirs.g_text) {
        offered.push(KeptEdit {
            source: theirs.source.clone(),
            f: f.clone(),
            g: g.clone(),
            constants: theirs.constants.clone(),
            bring_back: true,
            when: now(),
        });
    }
    offered.extend(theirs.kept_edits.iter().cloned());
    let same = |a: &KeptEdit, b: &KeptEdit| a.source == b.source && a.f == b.f && a.g == b.g;
    let mut added: Vec<KeptEdit> = Vec::new();
    for edit in offered {
        let current = ours.source == edit.source
            && ours.f_text.as_ref() == Some(&edit.f)
            && ours.g_text.as_ref() == Some(&edit.g);
        if current || ours.kept_edits.iter().any(|k| same(k, &edit)) {
            continue;
        }
        // One edit per preset comes back by itself, and never the open
        // preset's (its editors hold this window's text).
        let bring_back = edit.bring_back
            && edit.source != ours.source
            && !ours
                .kept_edits
                .iter()
                .any(|k| k.source == edit.source && k.bring_back);
        let edit = KeptEdit { bring_back, ..edit };
        // Newest first by when it was kept, so the caps below drop the
        // oldest edit, whichever window it came from.
        let at = ours
            .kept_edits
            .iter()
            .position(|k| k.when < edit.when)
            .unwrap_or(ours.kept_edits.len());
        ours.kept_edits.insert(at, edit.clone());
        added.push(edit);
    }
    cap_oldest(&mut ours.kept_edits);
    // Only what is still there after the caps is said to be kept.
    let mut kept: Vec<String> = Vec::new();
    for edit in added
        .iter()
        .filter(|e| ours.kept_edits.iter().any(|k| same(k, e)))
    {
        let label = edit.source.label().to_string();
        if !kept.contains(&label) {
            kept.push(label);
        }
    }
    (!kept.is_empty()).then(|| {
        format!(
            "another bilevel-lab window saved its session too: its edits to {} are kept here as well (Earlier edits in the problem panel), so neither window's work is lost",
            kept.join(", ")
        )
    })
}

/// Keeps at most [`KEPT_PER_PRESET`] edits of each preset and
/// [`KEPT_EDITS`] in all, dropping the oldest (the list is newest first).
fn cap_oldest(kept: &mut Vec<KeptEdit>) {
    let mut counts: Vec<(PresetSource, usize)> = Vec::new();
    kept.retain(|k| {
        let slot = match counts.iter_mut().find(|(s, _)| *s == k.source) {
            Some((_, n)) => n,
            None => {
                counts.push((k.source.clone(), 0));
                match counts.last_mut() {
                    Some((_, n)) => n,
                    None => return true,
                }
            }
        };
        *slot += 1;
        *slot <= KEPT_PER_PRESET
    });
    kept.truncate(KEPT_EDITS);
}

/// The preset the remembered session was on, opened again from the
/// command line: with options (`fresh`) or as a session file it opens as
/// asked (see [`open_as_asked`]); else the remembered edits and runs stay.
pub(super) fn reopened(
    settings: &mut Settings,
    (source, preset): (&PresetSource, &crate::preset::Preset),
    fresh: bool,
) -> Option<Notice> {
    // A session file opens as it was saved.
    let session = !preset.runs.is_empty() || preset.session.is_some();
    if !fresh && !session {
        return None;
    }
    let how = if fresh {
        "as the command line asked"
    } else {
        "as the session file has it"
    };
    let text = match &preset.spec {
        crate::preset::ProblemSpec::Expression { f, g, .. } => (f.as_str(), g.as_str()),
        crate::preset::ProblemSpec::Synthetic { .. }
        | crate::preset::ProblemSpec::HyperCleaning { .. } => ("", ""),
    };
    open_as_asked(settings, (source, text), how)
}

/// The session's preset opened with options on the command line: exactly
/// as they say — the runs come from them, and a remembered edit of its f
/// or g (or of its constants) is kept as an earlier edit rather than
/// applied (the notice says so). `how` says why: "as the command line asked", "as the session file has it".
/// `preset` is the preset's own f and g (the kept edit's text when only
/// constants were moved).
pub(super) fn open_as_asked(
    settings: &mut Settings,
    (source, preset): (&PresetSource, (&str, &str)),
    how: &str,
) -> Option<Notice> {
    settings.runs.clear();
    let constants = settings.constants.take();
    let text = settings.f_text.take().zip(settings.g_text.take());
    if text.is_none() && constants.is_none() {
        return None;
    }
    let (f, g) = text.unwrap_or_else(|| (preset.0.to_string(), preset.1.to_string()));
    let edit = KeptEdit {
        source: source.clone(),
        f,
        g,
        constants,
        bring_back: false,
        when: now(),
    };
    remember(&mut settings.kept_edits, edit);
    Some(Notice {
        text: format!(
            "{} opens {how}, without your edits to it: they are under Earlier edits",
            source.label()
        ),
        error: false,
        action: None,
    })
}

/// Seconds since 1970 (0 if the clock is before it).
fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// "5 min ago", "3 h ago", "2 days ago" — how old an edit is.
pub fn age(when: u64) -> String {
    if when == 0 {
        return "earlier".into();
    }
    let s = now().saturating_sub(when);
    match s {
        0..60 => "just now".into(),
        60..3600 => format!("{} min ago", s / 60),
        3600..86_400 => format!("{} h ago", s / 3600),
        _ => format!("{} days ago", s / 86_400),
    }
}

impl BilevelApp {
    /// Keeps the edits of the preset being left, if it has any, to come
    /// back when it is opened again. (Also used when a held session
    /// returns: the default preset's edits made meanwhile are kept.)
    pub(super) fn keep_edits_of_the_preset_left(&mut self) {
        let Some(left) = self.doc.adopted.clone() else {
            return;
        };
        if self.remember_current_edit(&left, true) {
            self.tell(
                format!(
                    "your edits to {} are kept: opening it again brings them back",
                    left.label()
                ),
                false,
            );
        }
    }

    /// Keeps the current edit of `source` in its history; true if there
    /// was one.
    pub(super) fn remember_current_edit(
        &mut self,
        source: &PresetSource,
        bring_back: bool,
    ) -> bool {
        let constants = self.settings.constants.clone();
        let text = self
            .settings
            .f_text
            .clone()
            .zip(self.settings.g_text.clone());
        if text.is_none() && constants.is_none() {
            return false;
        }
        // Only constants moved: the text is the preset's, in the editors.
        let (f, g) = text.unwrap_or_else(|| (self.doc.editor.f.clone(), self.doc.editor.g.clone()));
        remember(
            &mut self.settings.kept_edits,
            KeptEdit {
                source: source.clone(),
                f,
                g,
                constants,
                bring_back,
                when: now(),
            },
        );
        true
    }

    /// Puts the kept edits of the preset just opened back in the editors
    /// (not applied: Apply uses them, Revert drops them).
    pub(super) fn bring_back_kept_edits(&mut self) {
        let source = self.settings.source.clone();
        let Some(edit) = self
            .settings
            .kept_edits
            .iter_mut()
            .find(|k| k.source == source && k.bring_back)
        else {
            return;
        };
        // Back in the editors; in the history still, as an earlier edit.
        edit.bring_back = false;
        let edit = edit.clone();
        self.put_in_editors(&edit);
        self.tell(
            format!(
                "your edits to {} are back in the editors, not applied: Apply uses them, Revert drops them",
                source.label()
            ),
            false,
        );
    }

    /// Puts a kept edit's text and constants (the preset's, if it kept
    /// none) in the editors, not applied.
    fn put_in_editors(&mut self, edit: &KeptEdit) {
        let preset_constants = match &self.doc.preset.spec {
            crate::preset::ProblemSpec::Expression { constants, .. } => constants.clone(),
            crate::preset::ProblemSpec::Synthetic { .. }
            | crate::preset::ProblemSpec::HyperCleaning { .. } => Vec::new(),
        };
        let editor = &mut self.doc.editor;
        editor.f.clone_from(&edit.f);
        editor.g.clone_from(&edit.g);
        editor.constants = edit.constants.clone().unwrap_or(preset_constants);
        editor.typed_at = None;
        self.check_edit();
    }

    /// The earlier edits of the open preset, newest first, with their
    /// index in the settings' list.
    pub fn earlier_edits(&self) -> Vec<(usize, &KeptEdit)> {
        let source = &self.settings.source;
        self.settings
            .kept_edits
            .iter()
            .enumerate()
            .filter(|(_, k)| k.source == *source)
            .collect()
    }

    /// Puts earlier edit `index` in the editors (not applied); the text it
    /// replaces goes into the history first, so this can be undone.
    pub(super) fn restore_edit(&mut self, index: usize) {
        let Some(edit) = self.settings.kept_edits.get(index).cloned() else {
            return;
        };
        if edit.source != self.settings.source {
            return;
        }
        let source = self.settings.source.clone();
        self.remember_current_edit(&source, false);
        self.put_in_editors(&edit);
        self.notify(
            format!(
                "the edit from {} is in the editors, not applied: Apply uses it",
                age(edit.when)
            ),
            false,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn another_windows_edit_outlives_this_windows_older_ones() {
        let p = PresetSource::Builtin("b01".into());
        let mut ours = Settings {
            source: PresetSource::Builtin("b12".into()),
            ..Settings::default()
        };
        for i in 1..=KEPT_PER_PRESET as u64 {
            ours.kept_edits.push(KeptEdit {
                when: 100 - i,
                ..edit("b01", &format!("x + {i}"), false)
            });
        }
        let theirs = Settings {
            source: p.clone(),
            f_text: Some("x*y".into()),
            g_text: Some("y^2".into()),
            ..Settings::default()
        };
        let told = merge_other_window(&mut ours, &theirs).unwrap();
        assert!(told.contains("b01"), "{told}");
        assert!(
            ours.kept_edits.iter().any(|k| k.f == "x*y"),
            "kept, the oldest dropped"
        );
        assert!(
            !ours
                .kept_edits
                .iter()
                .any(|k| k.f == format!("x + {}", KEPT_PER_PRESET))
        );
        // A revert here later drops this window's oldest, not the other's.
        remember(
            &mut ours.kept_edits,
            KeptEdit {
                when: now(),
                ..edit("b01", "x", false)
            },
        );
        assert!(ours.kept_edits.iter().any(|k| k.f == "x*y"));
        assert_eq!(
            ours.kept_edits.iter().filter(|k| k.source == p).count(),
            KEPT_PER_PRESET
        );
    }

    #[test]
    fn two_windows_merging_each_other_keep_both_edits_and_settle() {
        let b01 = PresetSource::Builtin("b01".into());
        let b12 = PresetSource::Builtin("b12".into());
        let mut a = Settings {
            source: b01.clone(),
            f_text: Some("x^2 + 1".into()),
            g_text: Some("y^2".into()),
            ..Settings::default()
        };
        let mut b = Settings {
            source: b12.clone(),
            f_text: Some("x*y".into()),
            g_text: Some("y^4".into()),
            ..Settings::default()
        };
        let told = merge_other_window(&mut a, &b).unwrap();
        assert!(told.contains("edits to b12"), "{told}");
        assert_eq!(a.kept_edits.len(), 1);
        assert!(a.kept_edits[0].bring_back && a.kept_edits[0].source == b12);
        assert!(merge_other_window(&mut b, &a).is_some());
        assert_eq!(b.kept_edits.len(), 1, "its own edit is not kept twice");
        assert_eq!(b.kept_edits[0].f, "x^2 + 1");
        // Nothing new either way: the two settle.
        let (a0, b0) = (a.clone(), b.clone());
        assert_eq!(merge_other_window(&mut a, &b), None);
        assert_eq!(merge_other_window(&mut b, &a), None);
        assert_eq!((a, b), (a0, b0));
    }

    fn edit(source: &str, f: &str, bring_back: bool) -> KeptEdit {
        KeptEdit {
            constants: None,
            source: PresetSource::Builtin(source.into()),
            f: f.into(),
            g: "y^2".into(),
            bring_back,
            when: 1,
        }
    }

    #[test]
    fn the_history_keeps_the_newest_and_one_edit_comes_back() {
        let mut kept = Vec::new();
        for i in 0..12 {
            remember(&mut kept, edit("b01", &format!("x + {i}"), i % 2 == 0));
        }
        remember(&mut kept, edit("b12", "x", true));
        let b01: Vec<&KeptEdit> = kept
            .iter()
            .filter(|k| k.source == PresetSource::Builtin("b01".into()))
            .collect();
        assert_eq!(b01.len(), KEPT_PER_PRESET);
        assert_eq!(b01[0].f, "x + 11", "newest first");
        assert_eq!(b01.iter().filter(|k| k.bring_back).count(), 1);
        assert_eq!(kept[0].f, "x", "another preset's edit is not touched");
        // The same edit again moves to the front, not twice in the list.
        remember(&mut kept, edit("b01", "x + 5", true));
        assert_eq!(kept.iter().filter(|k| k.f == "x + 5").count(), 1);
        assert!(kept[0].bring_back && kept[0].f == "x + 5");
        assert_eq!(
            kept.iter().filter(|k| k.bring_back).count(),
            2,
            "one per preset"
        );
    }
}
