//! The step-size sweep: a grid of two parameters of the current method,
//! each cell one run of K iterations from the same start.

use super::basins::fallback;
use super::classify::EndClass;
use super::grid::{Progress, complete, par_map_partial, spaced};
use super::judge::{Judging, run_judged};
use super::lower_domain::LowerDomain;
use super::reference::Answer;
use crate::method::{ParamKind, ParamValue, SolverSettings, Status};
use crate::problem::Problem;
use std::sync::Arc;

/// What to sweep.
#[derive(Debug, Clone)]
pub struct SweepSpec {
    /// The method (chosen in it), its other parameters, K and tolerance.
    pub settings: SolverSettings,
    /// The two parameter keys.
    pub axes: (&'static str, &'static str),
    /// Range of the first: log-spaced, or a whole-number grid for a
    /// count (see [`SweepSpec::values`]).
    pub first: [f64; 2],
    /// Range of the second, spaced as the first.
    pub second: [f64; 2],
    /// Cells per side (fewer along a count whose range holds fewer whole
    /// numbers).
    pub grid: usize,
    /// The start point of every run.
    pub start: Vec<f64>,
    /// The reference answer (known or computed), if any.
    pub answer: Option<Answer>,
    /// The lower level's search domain.
    pub lower: LowerDomain,
    /// The tolerance of "iterations to tolerance".
    pub tolerance: f64,
}

/// One cell's run.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// The first parameter's value.
    pub first: f64,
    /// The second parameter's value.
    pub second: f64,
    /// How the run ended.
    pub status: Status,
    /// The final KKT residual (NaN if the run diverged before a record).
    pub kkt_residual: f64,
    /// Distance of the end point to the reference point, if one is known.
    pub distance: Option<f64>,
    /// Final f.
    pub f: f64,
    /// Final h.
    pub h: f64,
    /// Where the run ended, by the shared classifier.
    pub class: EndClass,
    /// The first iteration within the tolerance of the reference (distance
    /// or |f − F*|, h and the true gap), if reached.
    pub reached: Option<u64>,
}

/// The best cell: only among cells that end at the optimum, the one that
/// reached the reference soonest, then the closest end. `None` when no
/// cell ends at the optimum (a trap is never "best").
pub fn best_cell(cells: &[Cell]) -> Option<&Cell> {
    cells
        .iter()
        .filter(|c| c.class == EndClass::Optimum)
        .min_by(|a, b| {
            let key = |c: &Cell| {
                (
                    c.reached.unwrap_or(u64::MAX),
                    c.distance.unwrap_or(f64::INFINITY),
                )
            };
            let (ka, kb) = (key(a), key(b));
            ka.0.cmp(&kb.0).then(ka.1.total_cmp(&kb.1))
        })
}

impl SweepSpec {
    /// Checks the axes and ranges; the message names what is wrong.
    pub fn check(&self) -> Result<(), String> {
        let kind = self.settings.method;
        if self.axes.0 == self.axes.1 {
            return Err(format!(
                "both axes are {}: choose two different parameters",
                self.axes.0
            ));
        }
        for (axis, (key, range)) in [(self.axes.0, self.first), (self.axes.1, self.second)]
            .into_iter()
            .enumerate()
        {
            let mut probe = self.settings;
            for v in range {
                probe
                    .set(kind, key, axis_value(self.is_whole(axis), v))
                    .map_err(|e| format!("the range of {key}: {e}"))?;
            }
            let positive = range[0] > 0.0 && range[1] > 0.0;
            if !(self.is_whole(axis) || positive) {
                return Err(format!(
                    "the range of {key} must be positive (it is log-spaced)"
                ));
            }
        }
        if !(2..=200).contains(&self.grid) {
            return Err(format!("grid {}: use 2 to 200 cells per side", self.grid));
        }
        // Every cell's configuration is checked here, so the sweep runs
        // only configurations that can.
        for first in self.values(0) {
            for second in self.values(1) {
                self.cell_settings(first, second)
                    .run_config()
                    .map_err(|e| e.to_string())?;
            }
        }
        Ok(())
    }

    /// Whether axis 0 (first) or 1 (second) is a count, swept on whole
    /// numbers rather than log-spaced reals.
    pub fn is_whole(&self, axis: usize) -> bool {
        let key = if axis == 0 { self.axes.0 } else { self.axes.1 };
        matches!(
            self.settings.method.param(key).map(|p| p.kind),
            Some(ParamKind::Count { .. })
        )
    }

    /// The values along axis 0 (first) or 1 (second). A real parameter
    /// gets `grid` log-spaced values; a count gets whole numbers from the
    /// lower end in equal steps (the smallest step that needs at most
    /// `grid` cells; the upper end is kept when the step divides the range).
    pub fn values(&self, axis: usize) -> Vec<f64> {
        let range = if axis == 0 { self.first } else { self.second };
        if !self.is_whole(axis) {
            return spaced(range[0], range[1], self.grid, true);
        }
        let (lo, hi) = (range[0].min(range[1]), range[0].max(range[1]));
        let cells = self.grid.max(2) as f64 - 1.0;
        let step = ((hi - lo) / cells).ceil().max(1.0);
        let count = ((hi - lo) / step).floor() as usize + 1;
        (0..count).map(|i| lo + i as f64 * step).collect()
    }

    /// Cells along the first and the second axis.
    pub fn shape(&self) -> (usize, usize) {
        (self.values(0).len(), self.values(1).len())
    }

    /// The settings of cell (i, j): first parameter i, second j.
    fn cell_settings(&self, first: f64, second: f64) -> SolverSettings {
        let mut s = self.settings;
        let kind = s.method;
        // `check` has validated both ranges, so these cannot fail; a
        // failure would leave the base value, which the cell then reports.
        s.set(kind, self.axes.0, axis_value(self.is_whole(0), first))
            .ok();
        s.set(kind, self.axes.1, axis_value(self.is_whole(1), second))
            .ok();
        s
    }
}

/// A value of a sweep axis as the parameter takes it. A count's values
/// are whole (see [`SweepSpec::values`]); a fractional or negative one is
/// passed as a number so that the range check names it.
fn axis_value(whole: bool, v: f64) -> ParamValue {
    if whole && v >= 0.0 && v.fract() == 0.0 && v <= u64::MAX as f64 {
        ParamValue::Count(v as u64)
    } else {
        ParamValue::Number(v)
    }
}

/// Runs every cell on every core, row by row (first parameter outer);
/// `None` if cancelled.
pub fn sweep(
    problem: &Arc<dyn Problem>,
    spec: &SweepSpec,
    progress: &Progress,
) -> Option<Vec<Cell>> {
    complete(sweep_partial(problem, spec, progress), progress)
}

/// Like [`sweep`], keeping what finished when cancelled: slot
/// `i * shape().1 + j` is `None` for a cell not run or cut short.
pub fn sweep_partial(
    problem: &Arc<dyn Problem>,
    spec: &SweepSpec,
    progress: &Progress,
) -> Vec<Option<Cell>> {
    let (firsts, seconds) = (spec.values(0), spec.values(1));
    let n = seconds.len();
    let judging = Judging {
        domain: &spec.lower,
        answer: spec.answer.as_ref(),
        tolerance: spec.tolerance,
    };
    par_map_partial(firsts.len() * n, progress, |index| {
        let (first, second) = (firsts[index / n], seconds[index % n]);
        // `check` has run every cell's configuration through validation.
        let config = spec.cell_settings(first, second).run_config().ok()?;
        let judged = run_judged(problem, config, spec.start.clone(), &judging, progress);
        if !judged.status.is_finished() {
            return None; // cut short by a cancel
        }
        let last = judged.last.as_ref();
        Some(Cell {
            first,
            second,
            class: judged
                .verdict
                .as_ref()
                .map_or_else(|| fallback(&judged.status), |v| v.class),
            status: judged.status,
            kkt_residual: last.map_or(f64::NAN, |r| r.kkt_residual),
            distance: spec
                .answer
                .as_ref()
                .zip(last)
                .and_then(|(a, r)| a.distance(&r.z)),
            f: last.map_or(f64::NAN, |r| r.f),
            h: last.map_or(f64::NAN, |r| r.h),
            reached: judged.reached,
        })
    })
}
