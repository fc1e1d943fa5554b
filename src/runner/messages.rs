//! What goes between the UI and the solver thread.

use crate::method::{OracleCounts, Record, RunConfig, Status};
use crate::problem::Problem;
use std::sync::Arc;

/// Identifies one run from its start to its reset or removal; a reset run
/// gets a new id, so nothing it sent before is ever drawn.
pub type RunId = u64;

/// True-gap samples over a run's budget with one lower variable (each
/// costs one global search of g(x, ·), a few hundred evaluations).
pub const GAP_SAMPLES_PER_RUN: u64 = 256;
/// The same with several lower variables (a multi-start search each).
pub const GAP_SAMPLES_PER_RUN_MULTI: u64 = 32;

/// How fast the solver thread iterates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Speed {
    /// This many iterations per second (per run).
    PerSecond(f64),
    /// As fast as possible.
    Max,
}

/// Commands from the UI.
#[derive(Debug, Clone)]
pub enum Command {
    /// Start a run (paused or playing, as the thread is).
    Add {
        /// Its id.
        id: RunId,
        /// The problem.
        problem: Arc<dyn Problem>,
        /// Method, budget and tolerance.
        config: RunConfig,
        /// The start point.
        z0: Vec<f64>,
    },
    /// Forget a run.
    Remove {
        /// Its id.
        id: RunId,
    },
    /// Replace run `old` by a fresh run `new` from `z0`.
    Reset {
        /// The run to drop.
        old: RunId,
        /// The id of the fresh run.
        new: RunId,
        /// The problem (possibly edited).
        problem: Arc<dyn Problem>,
        /// Method, budget and tolerance.
        config: RunConfig,
        /// The start point.
        z0: Vec<f64>,
    },
    /// New parameters from the next iteration on; the trajectory is kept.
    Reconfigure {
        /// The run.
        id: RunId,
        /// The new configuration.
        config: RunConfig,
    },
    /// Go on with another problem (an edited f, g or constant) from the
    /// next iteration; the trajectory is kept.
    SetProblem {
        /// The run.
        id: RunId,
        /// The problem from now on.
        problem: Arc<dyn Problem>,
    },
    /// Iterate continuously.
    Play,
    /// Stop iterating (a pending step still completes).
    Pause,
    /// Do this many iterations of every run, then pause.
    Step(u64),
    /// Change the pace.
    SetSpeed(Speed),
    /// Sample the true lower-level gap along every run, searched over this
    /// domain (`None`: do not): about [`GAP_SAMPLES_PER_RUN`] samples over
    /// a run's budget, whatever the speed.
    SampleGap(Option<crate::explore::LowerDomain>),
    /// End the thread.
    Shutdown,
}

/// A batch of iterations of one run, in columns.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Frames {
    /// Iteration indices.
    pub k: Vec<u64>,
    /// The points, `dim` numbers each, one after the other.
    pub z: Vec<f64>,
    /// f at each point.
    pub f: Vec<f64>,
    /// h at each point.
    pub h: Vec<f64>,
    /// λ at each point.
    pub lambda: Vec<f64>,
    /// ‖Δ‖ at each point.
    pub delta_norm: Vec<f64>,
    /// The KKT residual at each point.
    pub kkt: Vec<f64>,
    /// The implicit hypergradient norm (NaN where undefined).
    pub hypergradient: Vec<f64>,
    /// Whether the QP constraint was active.
    pub active: Vec<bool>,
    /// The run's oracle calls up to each iteration.
    pub calls: Vec<u64>,
    /// The run's compute time up to each iteration, in seconds (the steps
    /// alone: diagnostics and waiting for the UI excluded).
    pub seconds: Vec<f64>,
}

impl Frames {
    /// Number of iterations in the batch.
    pub fn len(&self) -> usize {
        self.k.len()
    }

    /// Whether the batch is empty.
    pub fn is_empty(&self) -> bool {
        self.k.is_empty()
    }

    /// Appends iteration `i` of `other`, whose points have `dim` numbers.
    pub fn push_from(&mut self, other: &Frames, i: usize, dim: usize) {
        let at = |v: &Vec<f64>| v.get(i).copied().unwrap_or(f64::NAN);
        self.k.push(other.k.get(i).copied().unwrap_or(0));
        self.z
            .extend_from_slice(other.z.get(i * dim..(i + 1) * dim).unwrap_or_default());
        self.f.push(at(&other.f));
        self.h.push(at(&other.h));
        self.lambda.push(at(&other.lambda));
        self.delta_norm.push(at(&other.delta_norm));
        self.kkt.push(at(&other.kkt));
        self.hypergradient.push(at(&other.hypergradient));
        self.active
            .push(other.active.get(i).copied().unwrap_or(false));
        self.calls.push(other.calls.get(i).copied().unwrap_or(0));
        self.seconds.push(at(&other.seconds));
    }

    /// Appends iterations `range` of `other` column by column (a batch
    /// copied whole); falls back to one at a time if a column of `other` is
    /// shorter than its iterations.
    pub fn extend_from(&mut self, other: &Frames, range: std::ops::Range<usize>, dim: usize) {
        fn part<'a, T>(v: &'a [T], r: &std::ops::Range<usize>) -> Option<&'a [T]> {
            v.get(r.clone())
        }
        let z = other.z.get(range.start * dim..range.end * dim);
        let columns = (
            part(&other.k, &range),
            z,
            part(&other.f, &range),
            part(&other.h, &range),
            part(&other.lambda, &range),
            part(&other.delta_norm, &range),
            part(&other.kkt, &range),
            part(&other.hypergradient, &range),
            part(&other.active, &range),
            part(&other.calls, &range),
            part(&other.seconds, &range),
        );
        let (
            Some(k),
            Some(z),
            Some(f),
            Some(h),
            Some(lambda),
            Some(delta_norm),
            Some(kkt),
            Some(hypergradient),
            Some(active),
            Some(calls),
            Some(seconds),
        ) = columns
        else {
            for i in range {
                self.push_from(other, i, dim);
            }
            return;
        };
        self.k.extend_from_slice(k);
        self.z.extend_from_slice(z);
        self.f.extend_from_slice(f);
        self.h.extend_from_slice(h);
        self.lambda.extend_from_slice(lambda);
        self.delta_norm.extend_from_slice(delta_norm);
        self.kkt.extend_from_slice(kkt);
        self.hypergradient.extend_from_slice(hypergradient);
        self.active.extend_from_slice(active);
        self.calls.extend_from_slice(calls);
        self.seconds.extend_from_slice(seconds);
    }

    /// Removes the newest iteration (points of `dim` numbers).
    pub fn pop(&mut self, dim: usize) {
        self.k.pop();
        self.z.truncate(self.k.len() * dim);
        self.scalars_mut().into_iter().for_each(|v| {
            v.pop();
        });
        self.active.pop();
        self.calls.pop();
    }

    /// Keeps the iterations where `keep` is true (points of `dim` numbers).
    pub fn retain(&mut self, keep: &[bool], dim: usize) {
        let filter = |v: &mut Vec<f64>| {
            let mut it = keep.iter();
            v.retain(|_| it.next().copied().unwrap_or(false));
        };
        self.scalars_mut().into_iter().for_each(filter);
        let mut it = keep.iter();
        self.active.retain(|_| it.next().copied().unwrap_or(false));
        let mut it = keep.iter();
        self.k.retain(|_| it.next().copied().unwrap_or(false));
        let mut it = keep.iter();
        self.calls.retain(|_| it.next().copied().unwrap_or(false));
        let old = std::mem::take(&mut self.z);
        self.z = old
            .chunks(dim.max(1))
            .zip(keep)
            .filter(|(_, k)| **k)
            .flat_map(|(c, _)| c.iter().copied())
            .collect();
    }

    fn scalars_mut(&mut self) -> [&mut Vec<f64>; 7] {
        [
            &mut self.seconds,
            &mut self.f,
            &mut self.h,
            &mut self.lambda,
            &mut self.delta_norm,
            &mut self.kkt,
            &mut self.hypergradient,
        ]
    }

    /// Appends one record, reached after `seconds` of the run's compute.
    pub fn push(&mut self, r: &Record, hypergradient: Option<f64>, seconds: f64) {
        self.calls.push(r.oracle_calls);
        self.seconds.push(seconds);
        self.k.push(r.k);
        self.z.extend_from_slice(&r.z);
        self.f.push(r.f);
        self.h.push(r.h);
        self.lambda.push(r.lambda);
        self.delta_norm.push(r.delta_norm);
        self.kkt.push(r.kkt_residual);
        self.hypergradient.push(hypergradient.unwrap_or(f64::NAN));
        self.active.push(r.active);
    }
}

/// Events from the solver thread, each tagged with its run.
#[derive(Debug, Clone)]
pub enum Event {
    /// New iterations, and the full record of the latest one.
    Frames {
        /// The run.
        id: RunId,
        /// The iterations.
        frames: Box<Frames>,
        /// The QP at the current iterate, which is one past the last of
        /// `frames` while the run goes on (for the QP geometry).
        last: Box<Record>,
        /// Oracle calls so far.
        counts: OracleCounts,
        /// Kicks, runaways and cycles seen in these iterations.
        happened: Vec<crate::explore::RunEvent>,
        /// Whether a runaway is going on at the end of the batch.
        running_away: bool,
        /// (iteration, true lower-level gap) at the sampled iterations.
        gaps: Vec<[f64; 2]>,
    },
    /// The run ended (budget, converged or diverged).
    Finished {
        /// The run.
        id: RunId,
        /// How it ended.
        status: Status,
    },
    /// The run failed inside a step (a panic); the thread goes on.
    Failed {
        /// The run.
        id: RunId,
        /// What happened.
        message: String,
    },
}

impl Event {
    /// The run the event is about.
    pub fn id(&self) -> RunId {
        match self {
            Event::Frames { id, .. } | Event::Finished { id, .. } | Event::Failed { id, .. } => *id,
        }
    }
}
