//! A run to its end with everything the classifier needs collected along
//! the way: the events, the last iterates, and when it first reached the
//! reference by the common measure. The basin map and the sweep are grids
//! of these.

use super::classify::{Reach, RunEnd, Verdict, classify};
use super::events::{EventDetector, RunEvent};
use super::grid::{Progress, run_cancellable};
use super::lower_domain::LowerDomain;
use super::reference::Answer;
use crate::method::{Record, Run, RunConfig, Status};
use crate::problem::Problem;
use std::collections::VecDeque;
use std::sync::Arc;

/// Iterates kept for the end's diagnosis (a cycle of up to 4).
pub const RECENT: usize = 9;

/// How runs are judged: against which lower domain and answer.
#[derive(Debug, Clone, Copy)]
pub struct Judging<'a> {
    /// The lower level's search domain.
    pub domain: &'a LowerDomain,
    /// The reference answer (known or computed), if any.
    pub answer: Option<&'a Answer>,
    /// The tolerance of "reached": distance (or |f − F*|), h and the true
    /// gap all at most this.
    pub tolerance: f64,
}

/// One judged run.
#[derive(Debug, Clone)]
pub struct Judged {
    /// How it ended.
    pub status: Status,
    /// Its last record, if any.
    pub last: Option<Record>,
    /// The end point (the start if no iteration was made).
    pub end: Vec<f64>,
    /// The classification of the end.
    pub verdict: Option<Verdict>,
    /// The events along the run (the first [`super::events::KEPT`]).
    pub events: Vec<RunEvent>,
    /// Kicks along the run, all of them counted.
    pub kicks: usize,
    /// The first iteration within the tolerance of the reference.
    pub reached: Option<u64>,
}

/// Events and the last iterates of a run, fed record by record (also by
/// the command line's `run`, which writes its CSV from the same loop).
#[derive(Debug, Clone, Default)]
pub struct Watch {
    /// The event detector.
    pub events: EventDetector,
    /// The last [`RECENT`] iterates.
    pub recent: VecDeque<Vec<f64>>,
}

impl Watch {
    /// A watch for runs of `problem` (see [`EventDetector::for_problem`]).
    pub fn for_problem(problem: &dyn Problem) -> Self {
        Self {
            events: EventDetector::for_problem(problem),
            recent: VecDeque::new(),
        }
    }

    /// Looks at the next record; returns the events it shows.
    pub fn observe(&mut self, r: &Record) -> Vec<RunEvent> {
        super::events::push_recent(&mut self.recent, &r.z, RECENT);
        self.events.observe(r)
    }

    /// Classifies the end.
    pub fn verdict(
        &mut self,
        problem: &dyn Problem,
        status: &Status,
        iteration: u64,
        judging: &Judging<'_>,
    ) -> Option<Verdict> {
        let end = RunEnd {
            status,
            recent: self.recent.make_contiguous(),
            kicks: self.events.kicks(),
            last_kick: self.events.last_kick(),
            iteration,
            running_away: self.events.running_away(),
        };
        classify(problem, end, judging.domain, judging.answer)
    }
}

/// Runs `config` from `z0` to its end (or until cancelled) and judges it.
pub fn run_judged(
    problem: &Arc<dyn Problem>,
    config: RunConfig,
    z0: Vec<f64>,
    judging: &Judging<'_>,
    progress: &Progress,
) -> Judged {
    let mut run = Run::new(problem.clone(), config, z0.clone());
    let mut watch = Watch::for_problem(problem.as_ref());
    let mut reach = Reach::new(judging.tolerance);
    let status = run_cancellable(&mut run, progress, |r| {
        watch.observe(r);
        if let Some(answer) = judging.answer {
            reach.observe(
                problem.as_ref(),
                judging.domain,
                answer,
                (r.k, &r.z, r.f, r.h),
            );
        }
    });
    if watch.recent.is_empty() {
        watch.recent.push_back(z0.clone());
    }
    let end = watch.recent.back().cloned().unwrap_or(z0);
    let verdict = watch.verdict(problem.as_ref(), &status, run.state().k, judging);
    Judged {
        status,
        last: run.last_record().cloned(),
        end,
        verdict,
        kicks: watch.events.kicks(),
        events: watch.events.events.clone(),
        reached: reach.reached,
    }
}
