//! Starting, restarting and following the runs: what the solver sends
//! is applied within a time budget; a panic while the app evaluates is
//! reported and not repeated.

use super::*;

impl BilevelApp {
    /// Replaces every run by a fresh one from its start.
    pub(super) fn restart_all(&mut self) {
        for old in std::mem::take(&mut self.runs.session.runs) {
            self.runs.runner.send(Command::Remove { id: old.id });
        }
        for slot in 0..self.settings.runs.len() {
            self.start_run(slot);
        }
        if self.runs.playing {
            self.runs.runner.send(Command::Play);
        }
    }

    pub(super) fn start_run(&mut self, slot: usize) {
        let Some(spec) = self.settings.runs.get(slot) else {
            return;
        };
        let config = match spec.config() {
            Ok(config) => config,
            Err(e) => return self.notify(format!("run {} cannot start: {e}", slot + 1), true),
        };
        let id = self.runs.session.fresh_id();
        let start = spec.start.clone();
        self.runs.runner.send(Command::Add {
            id,
            problem: self.doc.problem.clone(),
            config,
            z0: start.clone(),
        });
        // In slot order, so that the n-th trace is the n-th spec's run.
        let runs = &mut self.runs.session.runs;
        let at = runs.iter().filter(|r| r.slot < slot).count();
        runs.insert(at, RunTrace::new(id, slot, config, start));
    }

    /// Resets one run (new id: nothing it sent before is drawn).
    pub(super) fn reset_run(&mut self, slot: usize) {
        let Some(spec) = self.settings.runs.get(slot) else {
            return;
        };
        let config = match spec.config() {
            Ok(config) => config,
            Err(e) => return self.notify(format!("run {} cannot start: {e}", slot + 1), true),
        };
        let start = spec.start.clone();
        let new = self.runs.session.fresh_id();
        if let Some(trace) = self.runs.session.runs.iter_mut().find(|r| r.slot == slot) {
            let old = trace.id;
            *trace = RunTrace::new(new, slot, config, start.clone());
            self.runs.runner.send(Command::Reset {
                old,
                new,
                problem: self.doc.problem.clone(),
                config,
                z0: start,
            });
        }
    }

    /// Drops every run's judgement, so that the next frame judges again
    /// (the reference or the problem changed).
    pub(super) fn forget_diagnoses(&mut self) {
        for run in &mut self.runs.session.runs {
            run.diagnosis = None;
        }
        // Judgements in flight were made against the old reference.
        self.runs.judge_epoch += 1;
        self.runs.judging = false;
    }

    /// Applies solver events within the frame's time budget.
    pub(super) fn drain_events(&mut self) -> bool {
        let session = &mut self.runs.session;
        let count = self.runs.runner.drain(DRAIN_BUDGET, |event| {
            session.apply(event);
        });
        if !self.runs.runner.events().is_empty() {
            // More is waiting: come back next frame.
            self.ctx.request_repaint();
        }
        count > 0
    }

    /// Judges every run's newest iterate (true gap, curvature, traps), at
    /// most every [`DIAGNOSIS_INTERVAL`] (longer when m > 1: the gap's
    /// multi-start search costs more), so playing stays smooth.
    /// The first iteration each run's own KKT residual came within the
    /// comparison's tolerance (cached in the run; only new samples are
    /// looked at, and no problem is evaluated). "Reached" by the common
    /// measure needs the true gap: it is found on the judging thread.
    pub(super) fn find_reached(&mut self) {
        if self.settings.lecture {
            return;
        }
        let tol = self.settings.reach;
        for run in &mut self.runs.session.runs {
            run.first_below(tol);
        }
    }

    /// Whether the app may evaluate the problem at this run's newest iterate
    /// on the UI thread: not once the run failed, nor again at an iterate
    /// where doing so panicked.
    pub(super) fn may_evaluate(&self, run: &RunTrace) -> bool {
        Self::evaluable(self.runs.ui_fault, run)
    }

    pub(super) fn evaluable(fault: Option<(RunId, u64)>, run: &RunTrace) -> bool {
        !matches!(run.state, RunState::Failed(_)) && fault != Some((run.id, run.iteration()))
    }

    /// Reports a panic in the problem or method met while the app itself
    /// evaluated it, and stops evaluating at that iterate.
    pub(super) fn evaluation_panicked(&mut self, id: RunId, k: u64, doing: &str, message: &str) {
        self.runs.ui_fault = Some((id, k));
        self.notify(
            format!(
                "the problem or method panicked while {doing} at iteration {k}: {message} — \
                 the app goes on; this iterate is not explained or judged"
            ),
            true,
        );
    }

    /// Whether every run has reached `iterations` or finished.
    /// Whether every run has ended or reached iteration `iterations`.
    pub fn runs_reached(&self, iterations: u64) -> bool {
        self.runs
            .session
            .runs
            .iter()
            .all(|r| r.state != crate::session::RunState::Live || r.iteration() >= iterations)
    }
}
