//! Judging the runs' newest iterates — the true lower-level gap, the
//! curvature, the traps and the class — on a worker thread: the search for
//! min g can take long on a larger problem, and a frame must never wait
//! for it.

use super::BilevelApp;
use crate::background::Worker;
use crate::explore::{Answer, LowerDomain};
use crate::problem::Problem;
use crate::runner::RunId;
use crate::session::{Diagnosis, EndToJudge, ReachScan};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long a batch in flight holds the next one back.
const PATIENCE: Duration = Duration::from_secs(5);

/// The runs to judge, and what they are judged by.
pub struct JudgeBatch {
    /// The app's judge epoch when sent (see `Runs::judge_epoch`).
    epoch: u64,
    problem: Arc<dyn Problem>,
    domain: LowerDomain,
    answer: Option<Answer>,
    ends: Vec<EndToJudge>,
    /// The comparison's scans for "reached" (only with a reference).
    scans: Vec<(RunId, ReachScan)>,
}

/// The judgements of one batch.
pub struct Judged {
    epoch: u64,
    /// The problem they were judged on (a replaced one's are dropped).
    problem: Arc<dyn Problem>,
    judgements: Vec<Judgement>,
    scans: Vec<(RunId, ReachScan)>,
}

/// One run's judgement: `Err` with the message if the problem panicked.
struct Judgement {
    id: RunId,
    k: u64,
    outcome: Result<Option<Diagnosis>, String>,
}

/// The worker that judges; `wake` asks for a frame when it answers.
pub fn judge_worker(wake: crate::background::Wake) -> Worker<JudgeBatch, Judged> {
    Worker::spawn("judge", wake, |batch: JudgeBatch| {
        let judgements = batch
            .ends
            .iter()
            .map(|end| Judgement {
                id: end.id,
                k: end.k,
                // A bug in the problem must not end the thread, nor hide
                // the other runs' judgements.
                outcome: crate::guard::catch(|| {
                    end.judge(batch.problem.as_ref(), &batch.domain, batch.answer.as_ref())
                }),
            })
            .collect();
        let scans = match &batch.answer {
            // A scan that panics is dropped: that run's "reached" waits.
            Some(answer) => batch
                .scans
                .into_iter()
                .filter_map(|(id, scan)| {
                    let done = crate::guard::catch(|| {
                        scan.run(batch.problem.as_ref(), &batch.domain, answer)
                    });
                    Some((id, done.ok()?))
                })
                .collect(),
            None => Vec::new(),
        };
        Some(Judged {
            epoch: batch.epoch,
            problem: batch.problem,
            judgements,
            scans,
        })
    })
}

impl BilevelApp {
    /// Takes the judgements that arrived, and asks for the runs whose
    /// newest iterate is not judged yet — at most every
    /// [`super::DIAGNOSIS_INTERVAL`] (five times that beyond one y), one
    /// batch at a time.
    pub(super) fn diagnose_runs(&mut self) {
        self.poll_answer();
        self.take_judgements();
        let interval = if self.doc.problem.dims().m == 1 {
            super::DIAGNOSIS_INTERVAL
        } else {
            super::DIAGNOSIS_INTERVAL * 5
        };
        // A batch in flight is waited for, but not for ever: a thread that
        // could not start (or a search that hangs) must not stop judging.
        let in_flight = self.runs.judging && self.runs.last_diagnosis.elapsed() < PATIENCE;
        if in_flight || !self.anything_to_judge() {
            return;
        }
        if self.runs.last_diagnosis.elapsed() < interval {
            self.ctx.request_repaint_after(interval);
            return;
        }
        let ends: Vec<EndToJudge> = self
            .runs
            .session
            .runs
            .iter()
            .filter(|run| self.may_evaluate(run))
            .filter_map(|run| run.end_to_judge())
            .collect();
        let scans = self.reach_scans();
        if ends.is_empty() && scans.is_empty() {
            return;
        }
        // The lower level is searched over the problem's domain, fixed at
        // load: nothing judged here changes when the view is zoomed.
        self.runs.judge.request(JudgeBatch {
            epoch: self.runs.judge_epoch,
            problem: self.doc.problem.clone(),
            domain: self.doc.answer.lower,
            answer: self.doc.answer.get().cloned(),
            ends,
            scans,
        });
        self.runs.judging = true;
        self.runs.last_diagnosis = Instant::now();
    }

    /// Whether a run's newest iterate is not judged yet, or the comparison
    /// has samples to look at.
    fn anything_to_judge(&self) -> bool {
        let (answer, tol) = (self.doc.answer.get(), self.settings.reach);
        self.runs.session.runs.iter().any(|r| {
            r.last.as_ref().map(|l| l.k) != r.diagnosis.as_ref().map(|d| d.k)
                || (self.compares() && answer.is_some_and(|a| r.reach_pending(a, tol)))
        })
    }

    /// Whether the comparison is on screen (not in the lecture view).
    fn compares(&self) -> bool {
        !self.settings.lecture
    }

    /// The comparison's scans for "reached by the common measure": each
    /// run's samples not looked at yet (none without a reference).
    fn reach_scans(&mut self) -> Vec<(RunId, ReachScan)> {
        let Some(answer) = self.doc.answer.get().cloned().filter(|_| self.compares()) else {
            return Vec::new();
        };
        let tol = self.settings.reach;
        self.runs
            .session
            .runs
            .iter_mut()
            .filter_map(|run| Some((run.id, run.reach_scan(&answer, tol)?)))
            .collect()
    }

    fn take_judgements(&mut self) {
        let Some(judged) = self.runs.judge.latest() else {
            return;
        };
        if judged.epoch != self.runs.judge_epoch {
            return; // judged against a reference since replaced
        }
        self.runs.judging = false;
        if !Arc::ptr_eq(&judged.problem, &self.doc.problem) {
            return; // judged on a problem since replaced
        }
        for (id, scan) in judged.scans {
            if let Some(run) = self.runs.session.runs.iter_mut().find(|r| r.id == id) {
                run.reach_scanned(scan);
            }
        }
        for j in judged.judgements {
            match j.outcome {
                Ok(Some(diagnosis)) => {
                    if let Some(run) = self.runs.session.runs.iter_mut().find(|r| r.id == j.id) {
                        run.judged(diagnosis);
                    }
                }
                Ok(None) => {}
                Err(message) => {
                    self.evaluation_panicked(j.id, j.k, "judging the iterate", &message)
                }
            }
        }
    }
}
