//! One classifier of where a run ended, shared by the basin map, the sweep,
//! the comparison, `run` and the app: the same end gets the same name
//! everywhere.

use super::gap::{LowerGap, lower_gap};
use super::lower_domain::LowerDomain;
use super::reference::{Answer, reduced};
use super::traps::{LowerShape, Trap, diagnose, lower_shape, settled};
use crate::method::Status;
use crate::problem::Problem;

/// |f − F*| at most this (relative to 1 + |F*|) counts as the optimum.
pub const OPTIMUM_TOL: f64 = 1e-3;
/// The default tolerance of "reached the reference" (distance or
/// |f − F*|, h and the true gap), for sweeps, basin maps and comparisons.
pub const REACH_TOL: f64 = 1e-6;
/// ‖∇_y g‖ above this at a settled point: not on the lower-level set yet.
const LOWER_RESIDUAL: f64 = 1e-3;

/// Where a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndClass {
    /// Lower-level optimal (h ≈ 0, true gap ≈ 0) with f ≈ F* of the known
    /// or computed reference.
    Optimum,
    /// Lower-level optimal but f above F* (or no reference): another branch
    /// or a local solution.
    LocalSolution,
    /// A trap (see [`Trap`]); a cycle is [`Trap::ShortCycle`].
    Trap(Trap),
    /// Settled on the lower-level set, but (one x and one y) the reduced
    /// objective φ still decreases next to it: not a solution, local or
    /// global — the fixed point of a biased method, or a run stopped early.
    OffSolution,
    /// Kicked off the lower-level set again and again: a kick in the last
    /// quarter of the run, or not settled after kicks.
    Kicked,
    /// ‖z‖ or h still growing steadily at the end.
    Runaway,
    /// The run diverged.
    Diverged,
    /// Still moving after K iterations.
    Unsettled,
}

impl EndClass {
    /// Every class, in legend order (a cycle stands for every period).
    pub const ALL: [EndClass; 15] = [
        EndClass::Optimum,
        EndClass::LocalSolution,
        EndClass::OffSolution,
        EndClass::Trap(Trap::LowerMaximum),
        EndClass::Trap(Trap::LocalLowerMinimum),
        EndClass::Trap(Trap::FlatStationary),
        EndClass::Trap(Trap::LowerUnbounded),
        EndClass::Trap(Trap::OutsideLowerDomain),
        EndClass::Trap(Trap::SpuriousCritical),
        EndClass::Trap(Trap::BelowOptimum),
        EndClass::Trap(Trap::ShortCycle(2)),
        EndClass::Kicked,
        EndClass::Runaway,
        EndClass::Diverged,
        EndClass::Unsettled,
    ];

    /// The CSV and legend name.
    pub fn as_str(&self) -> &'static str {
        match self {
            EndClass::Optimum => "optimum",
            EndClass::LocalSolution => "local-solution",
            EndClass::OffSolution => "off-solution",
            EndClass::Trap(Trap::LowerMaximum) => "trap-ll-maximum",
            EndClass::Trap(Trap::LocalLowerMinimum) => "trap-non-global-ll-minimum",
            EndClass::Trap(Trap::FlatStationary) => "trap-flat-ll-stationary",
            EndClass::Trap(Trap::LowerUnbounded) => "trap-ll-unbounded",
            EndClass::Trap(Trap::OutsideLowerDomain) => "trap-outside-lower-domain",
            EndClass::Trap(Trap::SpuriousCritical) => "trap-spurious-critical-point",
            EndClass::Trap(Trap::BelowOptimum) => "trap-below-optimum",
            EndClass::Trap(Trap::ShortCycle(_)) => "cycle",
            EndClass::Kicked => "kicked",
            EndClass::Runaway => "runaway",
            EndClass::Diverged => "diverged",
            EndClass::Unsettled => "unsettled",
        }
    }

    /// Whether two classes are the same legend entry (cycles of any period
    /// are one).
    pub fn same_entry(&self, other: &EndClass) -> bool {
        self.as_str() == other.as_str()
    }
}

/// What the classifier is told of a run.
#[derive(Debug, Clone, Copy)]
pub struct RunEnd<'a> {
    /// How the run ended (or `Running`).
    pub status: &'a Status,
    /// The last iterates, oldest first (nine are enough for a 4-cycle).
    pub recent: &'a [Vec<f64>],
    /// Kicks seen along the run.
    pub kicks: usize,
    /// The iteration of the newest kick.
    pub last_kick: Option<u64>,
    /// The iteration of the newest iterate.
    pub iteration: u64,
    /// Whether a runaway was seen and has not stopped.
    pub running_away: bool,
}

/// The judgement of a run's end.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    /// The class.
    pub class: EndClass,
    /// f at the end.
    pub f: f64,
    /// h = ‖∇_y g‖² at the end.
    pub h: f64,
    /// The true lower-level gap at the end, over the lower domain.
    pub gap: LowerGap,
    /// λ_min(∇²_yy g) at the end, and what it makes the point.
    pub curvature: f64,
    /// Minimum, maximum/saddle or flat.
    pub shape: LowerShape,
    /// Every trap at the end (the first decides a trap class).
    pub traps: Vec<Trap>,
}

/// Judges the end of a run against the lower domain and the reference
/// answer (known or computed), if any.
pub fn classify(
    problem: &dyn Problem,
    end: RunEnd<'_>,
    domain: &LowerDomain,
    answer: Option<&Answer>,
) -> Option<Verdict> {
    let z = end.recent.last()?;
    let n = problem.dims().n;
    let f = problem.f(z);
    let mut grad_g = vec![0.0; z.len()];
    problem.grad_g(z, &mut grad_g);
    let h: f64 = grad_g.iter().skip(n).map(|a| a * a).sum();
    let gap = lower_gap(problem, z, domain);
    let (curvature, shape) = lower_shape(problem, z);
    let f_star = answer.map(|a| a.f);
    let traps = diagnose(problem, end.recent, domain, f_star);
    // Kicks still coming in the last quarter of the run: it oscillates on
    // and off the set, whatever its last iterate looks like.
    let kicking = end
        .last_kick
        .is_some_and(|k| k.saturating_mul(4) >= end.iteration.saturating_mul(3));
    let class = if matches!(end.status, Status::Diverged { .. }) || !f.is_finite() {
        EndClass::Diverged
    } else if end.running_away {
        // Before the traps: a run sliding along a line of LL maxima at
        // constant speed takes short steps relative to its size, but it is
        // not settled there.
        EndClass::Runaway
    } else if let Some(trap) = traps.first() {
        EndClass::Trap(*trap)
    } else if kicking {
        EndClass::Kicked
    } else if !settled(end.recent) {
        if end.kicks > 0 {
            EndClass::Kicked
        } else {
            EndClass::Unsettled
        }
    } else if h.sqrt() > LOWER_RESIDUAL || gap.gap > 1e-6 * (1.0 + f.abs()) || !gap.bounded {
        EndClass::Unsettled
    } else {
        match f_star {
            Some(star) if (f - star).abs() <= OPTIMUM_TOL * (1.0 + star.abs()) => EndClass::Optimum,
            _ if phi_decreases_nearby(problem, z, domain) => EndClass::OffSolution,
            _ => EndClass::LocalSolution,
        }
    };
    Some(Verdict {
        class,
        f,
        h,
        gap,
        curvature,
        shape,
        traps,
    })
}

/// With one x and one y: whether φ(x ± δ) is below φ(x) by more than
/// rounding, δ = 1e-3·(1 + |x|) — then x is no local minimiser of φ.
fn phi_decreases_nearby(problem: &dyn Problem, z: &[f64], domain: &LowerDomain) -> bool {
    let dims = problem.dims();
    if dims.n != 1 || dims.m != 1 {
        return false;
    }
    let Some(&x) = z.first() else {
        return false;
    };
    let Some(here) = reduced(problem, x, domain) else {
        return false;
    };
    let delta = 1e-3 * (1.0 + x.abs());
    let tol = 1e-7 * (1.0 + here.phi.abs());
    [x - delta, x + delta]
        .into_iter()
        .filter_map(|x| reduced(problem, x, domain))
        .any(|r| r.phi < here.phi - tol)
}

/// Tracks the first iteration at which a run is within `tol` of the
/// reference by a measure no method computes for itself: distance to z*
/// (or |f − F*|, so that every optimum of a symmetric problem counts) and
/// the true lower-level gap both at most `tol`.
#[derive(Debug, Clone)]
pub struct Reach {
    tol: f64,
    /// The first iteration found.
    pub reached: Option<u64>,
    next_gap_check: u64,
}

/// After a failed gap check, the next one waits this many iterations (the
/// gap's global search costs hundreds of evaluations of g).
const GAP_CHECK_GAP: u64 = 25;

impl Reach {
    /// Watches for `tol`.
    pub fn new(tol: f64) -> Self {
        Reach {
            tol,
            reached: None,
            next_gap_check: 0,
        }
    }

    /// Looks at the iterate z (iteration k, values f and h).
    pub fn observe(
        &mut self,
        problem: &dyn Problem,
        domain: &LowerDomain,
        answer: &Answer,
        (k, z, f, h): (u64, &[f64], f64, f64),
    ) -> Option<u64> {
        if self.reached.is_some() {
            return self.reached;
        }
        let close_value = (f - answer.f).abs() <= self.tol;
        let close_point = answer.distance(z).is_some_and(|d| d <= self.tol);
        if !(close_value || close_point) || h > self.tol || k < self.next_gap_check {
            return None;
        }
        if lower_gap(problem, z, domain).gap <= self.tol {
            self.reached = Some(k);
        } else {
            self.next_gap_check = k + GAP_CHECK_GAP;
        }
        self.reached
    }
}
