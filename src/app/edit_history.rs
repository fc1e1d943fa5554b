//! Undo and redo of the problem's edits (Ctrl+Z, Ctrl+Shift+Z): each step
//! is a problem the runs used — f, g and the constants as applied.

use crate::preset::Constant;
use std::time::{Duration, Instant};

/// The editable part of an expression problem.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Draft {
    /// The text of f.
    pub f: String,
    /// The text of g.
    pub g: String,
    /// The constants, with their ranges.
    pub constants: Vec<Constant>,
}

/// Most steps kept to undo.
const DEPTH: usize = 200;

/// Changes by one gesture (the frames of one slider drag) closer together
/// than this make one step.
const GESTURE_GAP: Duration = Duration::from_millis(800);

/// The problems applied before (to undo) and undone (to redo).
#[derive(Debug, Default)]
pub struct EditHistory {
    undo: Vec<Draft>,
    redo: Vec<Draft>,
    /// The gesture of the newest step and when it last changed the problem.
    last: Option<(String, Instant)>,
}

impl EditHistory {
    /// Records that `before` was replaced by a new problem through
    /// `gesture` (e.g. "constant a"; empty: never joined to another step).
    /// A new change forgets what was undone.
    pub fn record(&mut self, before: Draft, gesture: &str) {
        let now = Instant::now();
        let joined = !gesture.is_empty()
            && self
                .last
                .as_ref()
                .is_some_and(|(g, t)| g == gesture && now.duration_since(*t) < GESTURE_GAP);
        self.last = Some((gesture.to_string(), now));
        self.redo.clear();
        if joined || self.undo.last() == Some(&before) {
            return;
        }
        self.undo.push(before);
        if self.undo.len() > DEPTH {
            self.undo.remove(0);
        }
    }

    /// The problem before `current`, if any; `current` can be redone.
    pub fn undo(&mut self, current: Draft) -> Option<Draft> {
        let previous = self.undo.pop()?;
        self.redo.push(current);
        self.last = None;
        Some(previous)
    }

    /// The problem undone last, if any; `current` can be undone again.
    pub fn redo(&mut self, current: Draft) -> Option<Draft> {
        let next = self.redo.pop()?;
        self.undo.push(current);
        self.last = None;
        Some(next)
    }

    /// Keeps `draft` (text typed but never applied) to redo.
    pub fn set_aside(&mut self, draft: Draft) {
        self.redo.push(draft);
        self.last = None;
    }

    /// Whether there is a step to undo.
    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    /// Whether there is a step to redo.
    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(f: &str) -> Draft {
        Draft {
            f: f.into(),
            ..Draft::default()
        }
    }

    #[test]
    fn undo_and_redo_walk_the_applied_problems() {
        let mut h = EditHistory::default();
        h.record(draft("a"), "");
        h.record(draft("b"), "");
        assert_eq!(h.undo(draft("c")), Some(draft("b")));
        assert_eq!(h.undo(draft("b")), Some(draft("a")));
        assert_eq!(h.undo(draft("a")), None);
        assert_eq!(h.redo(draft("a")), Some(draft("b")));
        // A new change forgets what was undone.
        h.record(draft("b"), "");
        assert!(!h.can_redo());
    }

    #[test]
    fn one_drag_of_a_slider_is_one_step() {
        let mut h = EditHistory::default();
        h.record(draft("k=1"), "constant k");
        h.record(draft("k=1.1"), "constant k");
        h.record(draft("k=1.2"), "constant k");
        assert_eq!(h.undo(draft("k=1.3")), Some(draft("k=1")));
        assert!(!h.can_undo());
    }
}
