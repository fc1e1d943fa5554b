//! The basin map: a grid of start points over the view, each run with the
//! current method and parameters, classified by where it ends.

use super::classify::EndClass;
use super::grid::{Progress, complete, par_map_partial, spaced};
use super::judge::{Judging, run_judged};
use super::lower_domain::LowerDomain;
use super::reference::Answer;
use crate::method::{RunConfig, Status};
use crate::problem::Problem;
use std::sync::Arc;

/// What to map.
#[derive(Debug, Clone)]
pub struct BasinSpec {
    /// Method, parameters, K.
    pub config: RunConfig,
    /// Index in z of the horizontal and vertical coordinates.
    pub axes: (usize, usize),
    /// Horizontal range of the starts.
    pub x: [f64; 2],
    /// Vertical range of the starts.
    pub y: [f64; 2],
    /// Starts per side.
    pub grid: usize,
    /// The other coordinates of every start.
    pub base: Vec<f64>,
    /// The reference answer (known or computed), if any.
    pub answer: Option<Answer>,
    /// The lower level's search domain (the problem's, not the map's).
    pub lower: LowerDomain,
    /// The tolerance of "iterations to tolerance".
    pub tolerance: f64,
}

/// One start's outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct Basin {
    /// The start (shown coordinates).
    pub start: [f64; 2],
    /// The end point.
    pub end: Vec<f64>,
    /// Final f.
    pub f: f64,
    /// Final h.
    pub h: f64,
    /// The true lower-level gap at the end.
    pub gap: f64,
    /// The class.
    pub class: EndClass,
    /// The first iteration within the tolerance of the reference.
    pub reached: Option<u64>,
    /// Kicks along the run.
    pub kicks: usize,
}

/// Runs every start on every core (rows of y, then x); `None` if cancelled.
pub fn basins(
    problem: &Arc<dyn Problem>,
    spec: &BasinSpec,
    progress: &Progress,
) -> Option<Vec<Basin>> {
    complete(basins_partial(problem, spec, progress), progress)
}

/// Like [`basins`], keeping what finished when cancelled: slot
/// `row * grid + column` is `None` for a start not run or cut short.
pub fn basins_partial(
    problem: &Arc<dyn Problem>,
    spec: &BasinSpec,
    progress: &Progress,
) -> Vec<Option<Basin>> {
    let xs = spaced(spec.x[0], spec.x[1], spec.grid, false);
    let ys = spaced(spec.y[0], spec.y[1], spec.grid, false);
    let n = spec.grid;
    let judging = Judging {
        domain: &spec.lower,
        answer: spec.answer.as_ref(),
        tolerance: spec.tolerance,
    };
    par_map_partial(n * n, progress, |index| {
        let start = [xs[index % n], ys[index / n]];
        let mut z0 = spec.base.clone();
        for (axis, value) in [(spec.axes.0, start[0]), (spec.axes.1, start[1])] {
            if let Some(slot) = z0.get_mut(axis) {
                *slot = value;
            }
        }
        let judged = run_judged(problem, spec.config, z0, &judging, progress);
        if !judged.status.is_finished() {
            return None; // cut short by a cancel
        }
        let kicks = judged.kicks;
        let (f, h, gap, class) = match &judged.verdict {
            Some(v) => (v.f, v.h, v.gap.gap, v.class),
            None => (f64::NAN, f64::NAN, f64::NAN, fallback(&judged.status)),
        };
        Some(Basin {
            start,
            end: judged.end,
            f,
            h,
            gap,
            class,
            reached: judged.reached,
            kicks,
        })
    })
}

/// The class of a run that has no end point to judge.
pub(super) fn fallback(status: &Status) -> EndClass {
    match status {
        Status::Diverged { .. } => EndClass::Diverged,
        _ => EndClass::Unsettled,
    }
}
