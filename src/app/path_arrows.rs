//! The QP arrows along the selected run's path: every `N` iterations the
//! method's step is recomputed from the kept point with the parameters in
//! force then — up to [`MAX_PATH_ARROWS`] steps, each a QP or an inner
//! loop — on a worker thread, so that drawing a long or large run never
//! waits for them. The landscape draws the newest set that arrived.

use super::BilevelApp;
use crate::background::Worker;
use crate::method::{Oracle, Record, RunConfig, State};
use crate::problem::Problem;
use crate::runner::RunId;
use crate::session::{RunState, RunTrace};
use std::sync::Arc;

/// Most QP arrow sets drawn along a path.
pub const MAX_PATH_ARROWS: usize = 60;

/// Which arrows a set is for: the run, its newest kept iteration, the
/// spacing asked for, and the problem (by address).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArrowKey {
    run: RunId,
    last_k: u64,
    every: u64,
    problem: usize,
}

/// The points to recompute the step at.
pub struct ArrowRequest {
    key: ArrowKey,
    problem: Arc<dyn Problem>,
    points: Vec<(u64, Vec<f64>, RunConfig)>,
}

/// The recomputed steps' records, for the key they were asked with.
pub struct ArrowSet {
    /// What they are for.
    pub key: ArrowKey,
    /// One record per arrow set, in path order.
    pub records: Vec<Record>,
}

/// The worker; `wake` asks for a frame when a set is ready.
pub fn arrow_worker(wake: crate::background::Wake) -> Worker<ArrowRequest, ArrowSet> {
    Worker::spawn("path-arrows", wake, |request: ArrowRequest| {
        let oracle = Oracle::new(request.problem.as_ref());
        let mut records = Vec::with_capacity(request.points.len());
        for (k, z, config) in request.points {
            let state = State {
                k,
                z,
                warm: Vec::new(),
            };
            // A bug in the method or problem must not end the thread: the
            // arrows stop where it panics (the solver reports the panic).
            let Ok((_, r)) =
                crate::guard::catch(|| config.method().step(&oracle, &state, config.iterations()))
            else {
                break;
            };
            records.push(r);
        }
        Some(ArrowSet {
            key: request.key,
            records,
        })
    })
}

/// The kept points every `every` iterations (widened so there are at most
/// [`MAX_PATH_ARROWS`]), each with the parameters in force then. The
/// first sample of each bucket is found by binary search: the cost follows
/// the arrows, not the run's length.
fn arrow_points(run: &RunTrace, every: u64) -> Vec<(u64, Vec<f64>, RunConfig)> {
    let h = &run.history;
    let last_k = h.k.last().copied().unwrap_or(0);
    let every = every.max(1).max(last_k / MAX_PATH_ARROWS as u64 + 1);
    let mut points = Vec::new();
    let mut s = 0;
    while let Some(&k) = h.k.get(s) {
        points.push((k, h.point(s).to_vec(), run.config_at(k)));
        // Iterations increase along the history, so this moves past s.
        let next = (k / every + 1).saturating_mul(every);
        s = h.k.partition_point(|&kk| kk < next);
    }
    points
}

impl BilevelApp {
    /// Asks for the selected run's path arrows when they are shown and
    /// the path, the spacing or the problem changed; takes a set that
    /// arrived.
    pub(super) fn update_path_arrows(&mut self) {
        if let Some(set) = self.view.arrows.latest() {
            self.view.arrow_set = Some(set);
        }
        // Arrows are drawn on the landscape; hyper-cleaning has none.
        if self.doc.preset.cleaning.is_some() {
            return;
        }
        let layers = &self.settings.layers;
        let Some(run) = self.runs.session.runs.get(self.runs.selected) else {
            return;
        };
        // A run whose step panicked is not stepped again here.
        if !layers.path_arrows || matches!(run.state, RunState::Failed(_)) {
            return;
        }
        let key = ArrowKey {
            run: run.id,
            last_k: run.history.k.last().copied().unwrap_or(0),
            every: layers.path_arrow_every,
            problem: Arc::as_ptr(&self.doc.problem).cast::<()>() as usize,
        };
        if self.view.arrows_asked == Some(key) {
            return;
        }
        self.view.arrows_asked = Some(key);
        self.view.arrows.request(ArrowRequest {
            key,
            problem: self.doc.problem.clone(),
            points: arrow_points(run, layers.path_arrow_every),
        });
    }

    /// The arrows to draw for `run`: the newest set for it (possibly a
    /// few iterations behind while it runs), none for another run or
    /// problem.
    pub(super) fn path_arrow_records(&self, run: &RunTrace) -> &[Record] {
        let problem = Arc::as_ptr(&self.doc.problem).cast::<()>() as usize;
        match &self.view.arrow_set {
            Some(set) if set.key.run == run.id && set.key.problem == problem => &set.records,
            _ => &[],
        }
    }
}
