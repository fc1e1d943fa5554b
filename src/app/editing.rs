//! The editors of f and g and the constants' sliders: checked as typed,
//! applied by Apply or by themselves after a pause, a slider at once;
//! every applied problem can be undone and redone.

use super::edit_history::Draft;
use super::*;
use crate::preset::Constant;

/// How long the text must rest before a valid edit applies by itself.
pub(super) const TYPING_PAUSE: Duration = Duration::from_millis(600);

impl BilevelApp {
    /// f, g and constants compiled on the preset's variables; `None` for a
    /// synthetic preset, which has no editors.
    fn compile(
        &self,
        f: &str,
        g: &str,
        constants: &[Constant],
    ) -> Option<Result<ExprProblem, crate::problem::ProblemError>> {
        let preset::ProblemSpec::Expression { upper, lower, .. } = &self.doc.preset.spec else {
            return None;
        };
        let values = preset::constant_values(constants);
        Some(ExprProblem::new(upper, lower, f, g, &values))
    }

    /// The editors' text and constants.
    pub(super) fn draft(&self) -> Draft {
        let e = &self.doc.editor;
        Draft {
            f: e.f.clone(),
            g: e.g.clone(),
            constants: e.constants.clone(),
        }
    }

    /// The text and constants of the problem the runs use.
    fn applied_draft(&self) -> Draft {
        let e = &self.doc.editor;
        Draft {
            f: e.applied.0.clone(),
            g: e.applied.1.clone(),
            constants: e.applied_constants.clone(),
        }
    }

    /// The preset's own f, g and constants (`None`: synthetic).
    fn preset_draft(&self) -> Option<Draft> {
        match &self.doc.preset.spec {
            preset::ProblemSpec::Expression {
                f, g, constants, ..
            } => Some(Draft {
                f: f.clone(),
                g: g.clone(),
                constants: constants.clone(),
            }),
            preset::ProblemSpec::Synthetic { .. } | preset::ProblemSpec::HyperCleaning { .. } => {
                None
            }
        }
    }

    /// Re-parses the editors and remembers what differs from the preset.
    pub(super) fn check_edit(&mut self) {
        let draft = self.draft();
        let Some(compiled) = self.compile(&draft.f, &draft.g, &draft.constants) else {
            return;
        };
        let dirty = draft != self.applied_draft();
        let editor = &mut self.doc.editor;
        editor.dirty = dirty;
        editor.error = None;
        editor.other_error = None;
        match compiled {
            Ok(_) => {}
            Err(crate::problem::ProblemError::Expr { which, error }) => {
                editor.error = Some((which, error));
            }
            Err(other) => editor.other_error = Some(other.to_string()),
        }
        let Some(preset) = self.preset_draft() else {
            return;
        };
        // Remember the text whenever it is not the preset's, applied or not.
        let edited = draft.f != preset.f || draft.g != preset.g;
        self.settings.f_text = edited.then(|| draft.f.clone());
        self.settings.g_text = edited.then(|| draft.g.clone());
        self.settings.constants = (draft.constants != preset.constants).then_some(draft.constants);
    }

    /// Whether the editors' text and constants compile.
    pub(super) fn edit_is_valid(&self) -> bool {
        self.doc.editor.error.is_none() && self.doc.editor.other_error.is_none()
    }

    /// Compiles the editors into the problem the runs use (recorded for
    /// undo under `gesture`); false if they do not compile.
    pub(super) fn apply_edit_problem(&mut self, gesture: &str) -> bool {
        let draft = self.draft();
        let Some(Ok(p)) = self.compile(&draft.f, &draft.g, &draft.constants) else {
            return false;
        };
        let before = self.applied_draft();
        if before != draft {
            self.doc.history.record(before, gesture);
        }
        self.use_problem(p, draft, false);
        true
    }

    /// Makes `p`, compiled from `draft`, the problem the runs use; with
    /// `keep_drawn` the old landscape stays until the new one arrives (a
    /// slider being dragged), else it goes at once.
    fn use_problem(&mut self, p: ExprProblem, draft: Draft, keep_drawn: bool) {
        let is_preset = self.preset_draft().as_ref() == Some(&draft);
        // The preset's own problem is the preset's (what is keyed on it —
        // the figure's title, the maps — sees it as not edited).
        self.doc.problem = if is_preset {
            self.doc.preset.problem.clone()
        } else {
            Arc::new(p)
        };
        let editor = &mut self.doc.editor;
        if (&editor.f, &editor.g) == (&draft.f, &draft.g) {
            // The text typed is in use; text still being typed (a slider
            // moved meanwhile) keeps waiting for its pause.
            editor.typed_at = None;
        }
        editor.applied = (draft.f, draft.g);
        editor.applied_constants = draft.constants;
        // The preset's answer holds only for the preset's own problem.
        self.doc
            .answer
            .problem_changed(&self.doc.problem, is_preset);
        self.forget_diagnoses();
        if keep_drawn {
            self.replace_landscape();
        } else {
            self.drop_landscape();
        }
        self.check_edit();
    }

    /// The runs after the problem changed: restarted from their starts, or
    /// going on from where they are (the setting).
    pub(super) fn runs_follow_problem(&mut self) {
        if self.settings.restart_on_change {
            self.restart_all();
            return;
        }
        for trace in &mut self.runs.session.runs {
            trace.problem_changed();
            self.runs.runner.send(Command::SetProblem {
                id: trace.id,
                problem: self.doc.problem.clone(),
            });
        }
        if self.runs.playing {
            self.runs.runner.send(Command::Play);
        }
    }

    /// A slider moved constant `name` to `value`: applied at once onto the
    /// text the runs use (text being typed waits for its own pause).
    pub(super) fn set_constant(&mut self, name: &str, value: f64) {
        let Some(c) = self
            .doc
            .editor
            .constants
            .iter_mut()
            .find(|c| c.name == name)
        else {
            return;
        };
        if c.value == value || !value.is_finite() {
            return;
        }
        c.value = value;
        let mut target = self.applied_draft();
        target.constants.clone_from(&self.doc.editor.constants);
        match self.compile(&target.f, &target.g, &target.constants) {
            Some(Ok(p)) => {
                let before = self.applied_draft();
                self.doc.history.record(before, &format!("constant {name}"));
                self.use_problem(p, target, true);
                self.runs_follow_problem();
            }
            // E.g. ln(a) with a < 0: said where the text is; the runs go
            // on with the last problem that compiled.
            Some(Err(_)) | None => self.check_edit(),
        }
    }

    /// Declares `name`, used in f or g, as a constant with value 1.
    pub(super) fn make_constant(&mut self, name: &str) {
        if self.doc.editor.constants.iter().any(|c| c.name == name)
            || !crate::expr::is_identifier(name)
        {
            return;
        }
        let constants = &mut self.doc.editor.constants;
        constants.push(Constant::new(name, 1.0));
        constants.sort_by(|a, b| a.name.cmp(&b.name));
        self.check_edit();
        if self.settings.apply_as_typed && self.edit_is_valid() {
            self.apply_edit(&format!("declare {name}"));
        }
    }

    /// The names f or g use that are not declared (offered as constants).
    pub fn undeclared_names(&self) -> Vec<String> {
        let preset::ProblemSpec::Expression { upper, lower, .. } = &self.doc.preset.spec else {
            return Vec::new();
        };
        let e = &self.doc.editor;
        let known: Vec<&str> = upper
            .iter()
            .chain(lower)
            .map(String::as_str)
            .chain(e.constants.iter().map(|c| c.name.as_str()))
            .collect();
        let mut names = crate::expr::free_names(&e.f, &known);
        for name in crate::expr::free_names(&e.g, &known) {
            if !names.contains(&name) {
                names.push(name);
            }
        }
        names
    }

    /// Applies the editors (Apply, or the pause after typing) and restarts
    /// or moves the runs on; says so.
    pub(super) fn apply_edit(&mut self, gesture: &str) {
        if self.apply_edit_problem(gesture) {
            self.runs_follow_problem();
            let runs = if self.settings.restart_on_change {
                "the runs restarted"
            } else {
                "the runs go on from where they are"
            };
            self.notify(format!("applied the edited problem; {runs}"), false);
        }
    }

    /// Applies a valid edit by itself once the text has rested for
    /// [`TYPING_PAUSE`] (when the setting is on); called every frame.
    pub(super) fn apply_when_typing_pauses(&mut self) {
        let Some(at) = self.doc.editor.typed_at else {
            return;
        };
        if !self.settings.apply_as_typed || !self.doc.editor.dirty {
            return;
        }
        let rested = at.elapsed();
        if rested < TYPING_PAUSE {
            self.ctx.request_repaint_after(TYPING_PAUSE - rested);
            return;
        }
        self.doc.editor.typed_at = None;
        if self.edit_is_valid() {
            self.apply_edit("");
        }
    }

    /// Puts `draft` in the editors and, if it compiles, makes it the
    /// problem the runs use (no new undo step).
    fn restore_draft(&mut self, draft: Draft) {
        let editor = &mut self.doc.editor;
        editor.f.clone_from(&draft.f);
        editor.g.clone_from(&draft.g);
        editor.constants.clone_from(&draft.constants);
        editor.typed_at = None;
        match self.compile(&draft.f, &draft.g, &draft.constants) {
            Some(Ok(p)) => {
                self.use_problem(p, draft, false);
                self.runs_follow_problem();
            }
            _ => self.check_edit(),
        }
    }

    /// Goes back to the problem applied before (Ctrl+Z); text typed but
    /// not applied is first put back to the text the runs use.
    pub(super) fn undo_edit(&mut self) {
        let current = self.draft();
        let applied = self.applied_draft();
        if current != applied {
            // The runs already use it: only the editors change.
            self.doc.history.set_aside(current);
            let editor = &mut self.doc.editor;
            (editor.f, editor.g, editor.constants) = (applied.f, applied.g, applied.constants);
            editor.typed_at = None;
            self.check_edit();
            self.notify("put back the text the runs use".into(), false);
            return;
        }
        match self.doc.history.undo(current) {
            Some(previous) => {
                self.restore_draft(previous);
                self.notify("undid the last change of the problem".into(), false);
            }
            None => self.notify("nothing to undo".into(), false),
        }
    }

    /// Forward again to the problem undone (Ctrl+Shift+Z).
    pub(super) fn redo_edit(&mut self) {
        let current = self.draft();
        match self.doc.history.redo(current) {
            Some(next) => {
                self.restore_draft(next);
                self.notify("redid the change of the problem".into(), false);
            }
            None => self.notify("nothing to redo".into(), false),
        }
    }
}
