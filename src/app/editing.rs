//! The editors of f and g: checked as typed, compiled on Apply.

use super::*;

impl BilevelApp {
    /// The editors' f and g compiled on the preset's variables and
    /// constants; `None` for a synthetic preset, which has no editors.
    fn compile_edit(&self) -> Option<Result<ExprProblem, crate::problem::ProblemError>> {
        let preset::ProblemSpec::Expression {
            upper,
            lower,
            constants,
            ..
        } = &self.doc.preset.spec
        else {
            return None;
        };
        let editor = &self.doc.editor;
        Some(ExprProblem::new(
            upper, lower, &editor.f, &editor.g, constants,
        ))
    }

    /// Re-parses the editors.
    pub(super) fn check_edit(&mut self) {
        let Some(compiled) = self.compile_edit() else {
            return;
        };
        self.doc.editor.error = None;
        self.doc.editor.other_error = None;
        match compiled {
            Ok(_) => {}
            Err(crate::problem::ProblemError::Expr { which, error }) => {
                self.doc.editor.error = Some((which, error))
            }
            Err(other) => self.doc.editor.other_error = Some(other.to_string()),
        }
        let (f0, g0) = match &self.doc.preset.spec {
            preset::ProblemSpec::Expression { f, g, .. } => (f, g),
            preset::ProblemSpec::Synthetic { .. } => return,
        };
        self.doc.editor.dirty = (&self.doc.editor.f, &self.doc.editor.g)
            != (&self.doc.editor.applied.0, &self.doc.editor.applied.1);
        // Remember the text whenever it is not the preset's, applied or not.
        let edited = self.doc.editor.f != *f0 || self.doc.editor.g != *g0;
        self.settings.f_text = edited.then(|| self.doc.editor.f.clone());
        self.settings.g_text = edited.then(|| self.doc.editor.g.clone());
    }

    /// Compiles the edited text into the problem the runs use.
    pub(super) fn apply_edit_problem(&mut self) -> bool {
        let Some(Ok(p)) = self.compile_edit() else {
            return false;
        };
        self.doc.problem = Arc::new(p);
        self.doc.editor.applied = (self.doc.editor.f.clone(), self.doc.editor.g.clone());
        self.doc.editor.dirty = false;
        // The preset's answer holds only for the preset's own f and g.
        let is_preset = matches!(&self.doc.preset.spec,
            preset::ProblemSpec::Expression { f, g, .. }
                if (f, g) == (&self.doc.editor.f, &self.doc.editor.g));
        self.doc
            .answer
            .problem_changed(&self.doc.problem, is_preset);
        self.forget_diagnoses();
        self.drop_landscape();
        true
    }
}
