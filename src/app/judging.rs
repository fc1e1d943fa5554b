//! Judging the runs' newest iterates — the true lower-level gap, the
//! curvature, the traps and the class — on a worker thread: the search for
//! min g can take long on a larger problem, and a frame must never wait
//! for it.

use super::BilevelApp;
use crate::background::Worker;
use crate::explore::{Answer, LowerDomain};
use crate::problem::Problem;
use crate::runner::RunId;
use crate::session::{Diagnosis, EndToJudge};
use std::sync::Arc;
use std::time::Instant;

/// The runs to judge, and what they are judged by.
pub struct JudgeBatch {
    problem: Arc<dyn Problem>,
    domain: LowerDomain,
    answer: Option<Answer>,
    ends: Vec<EndToJudge>,
}

/// The judgements of one batch.
pub struct Judged {
    /// The problem they were judged on (a replaced one's are dropped).
    problem: Arc<dyn Problem>,
    judgements: Vec<Judgement>,
}

/// One run's judgement: `Err` with the message if the problem panicked.
struct Judgement {
    id: RunId,
    k: u64,
    outcome: Result<Option<Diagnosis>, String>,
}

/// The worker that judges; `wake` asks for a frame when it answers.
pub fn judge_worker(wake: Box<dyn Fn() + Send>) -> Worker<JudgeBatch, Judged> {
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
        Some(Judged {
            problem: batch.problem,
            judgements,
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
        let interval = if self.problem.dims().m == 1 {
            super::DIAGNOSIS_INTERVAL
        } else {
            super::DIAGNOSIS_INTERVAL * 5
        };
        let waiting = self
            .session
            .runs
            .iter()
            .any(|r| r.last.as_ref().map(|l| l.k) != r.diagnosis.as_ref().map(|d| d.k));
        if self.judging || !waiting {
            return;
        }
        if self.last_diagnosis.elapsed() < interval {
            self.ctx.request_repaint_after(interval);
            return;
        }
        let ends: Vec<EndToJudge> = self
            .session
            .runs
            .iter()
            .filter(|run| self.may_evaluate(run))
            .filter_map(|run| run.end_to_judge())
            .collect();
        if ends.is_empty() {
            return;
        }
        // The lower level is searched over the problem's domain, fixed at
        // load: nothing judged here changes when the view is zoomed.
        self.judge.request(JudgeBatch {
            problem: self.problem.clone(),
            domain: self.answer.lower,
            answer: self.answer.get().cloned(),
            ends,
        });
        self.judging = true;
        self.last_diagnosis = Instant::now();
    }

    fn take_judgements(&mut self) {
        let Some(judged) = self.judge.latest() else {
            return;
        };
        self.judging = false;
        if !Arc::ptr_eq(&judged.problem, &self.problem) {
            return; // judged on a problem since replaced
        }
        for j in judged.judgements {
            match j.outcome {
                Ok(Some(diagnosis)) => {
                    if let Some(run) = self.session.runs.iter_mut().find(|r| r.id == j.id) {
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
