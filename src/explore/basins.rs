//! The basin map: a grid of start points over the view, each run with the
//! current method and parameters, classified by where it ends.

use super::gap::lower_gap;
use super::grid::{Progress, par_map, run_cancellable, spaced};
use super::traps::{Trap, diagnose};
use crate::method::{Run, RunConfig, Status};
use crate::problem::Problem;
use std::collections::VecDeque;
use std::sync::Arc;

/// Iterates kept per run for the trap diagnosis (a cycle of up to 4).
const RECENT: usize = 9;

/// Where a run from one start ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndClass {
    /// Lower-level optimal (h ≈ 0, true gap ≈ 0) with f ≈ F*.
    Optimum,
    /// Lower-level optimal but f above F* (or F* unknown): another branch
    /// or a local solution.
    LocalSolution,
    /// A trap (see [`Trap`]).
    Trap(Trap),
    /// The run diverged.
    Diverged,
    /// Still moving after K iterations.
    Unsettled,
}

impl EndClass {
    /// The CSV and legend name.
    pub fn as_str(&self) -> &'static str {
        match self {
            EndClass::Optimum => "optimum",
            EndClass::LocalSolution => "local-solution",
            EndClass::Trap(Trap::LowerMaximum) => "trap-ll-maximum",
            EndClass::Trap(Trap::LocalLowerMinimum) => "trap-non-global-ll-minimum",
            EndClass::Trap(Trap::SpuriousCritical) => "trap-spurious-critical-point",
            EndClass::Trap(Trap::BelowOptimum) => "trap-below-optimum",
            EndClass::Trap(Trap::ShortCycle(_)) => "trap-cycle",
            EndClass::Diverged => "diverged",
            EndClass::Unsettled => "unsettled",
        }
    }
}

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
    /// The known optimum F*, if any.
    pub f_star: Option<f64>,
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
}

/// Runs every start on every core (rows of y, then x); `None` if cancelled.
pub fn basins(
    problem: &Arc<dyn Problem>,
    spec: &BasinSpec,
    progress: &Progress,
) -> Option<Vec<Basin>> {
    let xs = spaced(spec.x[0], spec.x[1], spec.grid, false);
    let ys = spaced(spec.y[0], spec.y[1], spec.grid, false);
    let n = spec.grid;
    // The gap's global search covers the whole vertical range of the map
    // and a margin (m = 1).
    let margin = 0.5 * (spec.y[1] - spec.y[0]).abs();
    let window = [
        spec.y[0].min(spec.y[1]) - margin,
        spec.y[0].max(spec.y[1]) + margin,
    ];
    par_map(n * n, progress, |index| {
        let start = [xs[index % n], ys[index / n]];
        let mut z0 = spec.base.clone();
        for (axis, value) in [(spec.axes.0, start[0]), (spec.axes.1, start[1])] {
            if let Some(slot) = z0.get_mut(axis) {
                *slot = value;
            }
        }
        let mut run = Run::new(problem.clone(), spec.config, z0.clone());
        let mut recent: VecDeque<Vec<f64>> = VecDeque::with_capacity(RECENT + 1);
        let status = run_cancellable(&mut run, progress, |r| {
            recent.push_back(r.z.clone());
            if recent.len() > RECENT {
                recent.pop_front();
            }
        });
        let end = recent.back().cloned().unwrap_or(z0);
        let f = problem.f(&end);
        let mut grad_g = vec![0.0; end.len()];
        problem.grad_g(&end, &mut grad_g);
        let h: f64 = grad_g.iter().skip(problem.dims().n).map(|a| a * a).sum();
        let gap = lower_gap(problem.as_ref(), &end, window).gap;
        let recent: Vec<Vec<f64>> = recent.into();
        let class = classify(
            problem.as_ref(),
            &status,
            &recent,
            window,
            spec.f_star,
            h,
            gap,
            f,
        );
        Basin {
            start,
            end,
            f,
            h,
            gap,
            class,
        }
    })
}

#[allow(clippy::too_many_arguments)]
fn classify(
    problem: &dyn Problem,
    status: &Status,
    recent: &[Vec<f64>],
    window: [f64; 2],
    f_star: Option<f64>,
    h: f64,
    gap: f64,
    f: f64,
) -> EndClass {
    if matches!(status, Status::Diverged { .. }) || !f.is_finite() {
        return EndClass::Diverged;
    }
    if let Some(trap) = diagnose(problem, recent, window, f_star).first() {
        return EndClass::Trap(*trap);
    }
    if h.sqrt() > 1e-3 || gap > 1e-6 * (1.0 + f.abs()) {
        return EndClass::Unsettled;
    }
    match f_star {
        Some(star) if (f - star).abs() <= 1e-3 * (1.0 + star.abs()) => EndClass::Optimum,
        _ => EndClass::LocalSolution,
    }
}
