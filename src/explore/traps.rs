//! Trap warnings: where a run has settled, or is cycling, at a point that
//! a gradient-norm method accepts but that is not a bilevel solution.

use super::gap::{lower_curvature, lower_gap};
use super::lower_domain::LowerDomain;
use crate::problem::Problem;

/// ‖∇_y g‖ at most this (relative to 1 + |g|) counts as lower-level
/// stationary: loose enough to warn while a run is still creeping in.
const STATIONARY: f64 = 1e-2;
/// A step shorter than this (relative to 1 + ‖z‖) counts as settled or
/// creeping toward its end point (the trap is then judged there).
const SETTLED: f64 = 1e-3;

/// |λ_min(∇²_yy g)| at most this, relative to 1 + the largest entry of
/// ∇²g, counts as flat (degenerate): neither a minimum nor a maximum can
/// be read from it.
pub const FLAT: f64 = 1e-8;

/// What the lower level's curvature makes a stationary point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LowerShape {
    /// λ_min(∇²_yy g) > 0 (beyond the flat tolerance): a strict minimum.
    Minimum,
    /// λ_min(∇²_yy g) < 0: a maximum or saddle.
    Maximum,
    /// |λ_min| within [`FLAT`]: flat or degenerate.
    Flat,
}

impl LowerShape {
    /// The name the status line and the explanation use.
    pub fn name(&self) -> &'static str {
        match self {
            LowerShape::Minimum => "LL minimum",
            LowerShape::Maximum => "LL maximum/saddle",
            LowerShape::Flat => "LL flat/degenerate",
        }
    }

    /// Classifies a curvature with the scale of ∇²g it is relative to.
    pub fn of(curvature: f64, scale: f64) -> Self {
        if curvature.abs() <= FLAT * (1.0 + scale.abs()) {
            LowerShape::Flat
        } else if curvature > 0.0 {
            LowerShape::Minimum
        } else {
            LowerShape::Maximum
        }
    }
}

/// λ_min(∇²_yy g) at z and the shape it gives, flat relative to the
/// largest entry of ∇²g there.
pub fn lower_shape(problem: &dyn Problem, z: &[f64]) -> (f64, LowerShape) {
    let curvature = lower_curvature(problem, z);
    let scale = problem.hess_g(z).amax();
    (curvature, LowerShape::of(curvature, scale))
}

/// Whether the newest step is short (relative to 1 + ‖z‖): the run has
/// settled, or is creeping toward its end point.
pub fn settled(recent: &[Vec<f64>]) -> bool {
    let Some(z) = recent.last() else {
        return false;
    };
    let scale = 1.0 + z.iter().map(|v| v * v).sum::<f64>().sqrt();
    recent.len() >= 2
        && recent[recent.len() - 2]
            .iter()
            .zip(z)
            .map(|(a, b)| (a - b).powi(2))
            .sum::<f64>()
            .sqrt()
            <= SETTLED * scale
}

/// Why a point is a trap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trap {
    /// ‖∇_y g‖ ≈ 0 where ∇²_yy g has a negative eigenvalue.
    LowerMaximum,
    /// ‖∇_y g‖ ≈ 0 at a lower-level minimum that is not global.
    LocalLowerMinimum,
    /// ‖∇_y g‖ ≈ 0 where ∇²_yy g ≈ 0 (flat or degenerate), and g is above
    /// its global minimum there.
    FlatStationary,
    /// ‖∇_y g‖ ≈ 0 but g(x, ·) keeps falling out to |y| = 1e6: the lower
    /// level has no minimum at this x.
    LowerUnbounded,
    /// Settled with y outside the preset's declared `[lower_domain]`: the
    /// methods do not project onto it, so the point is not feasible.
    OutsideLowerDomain,
    /// ‖∇h‖ ≈ 0 while h > 0: no step can decrease h from here.
    SpuriousCritical,
    /// f below the known optimum F*.
    BelowOptimum,
    /// The iterates repeat with this period while the steps stay long.
    ShortCycle(usize),
}

impl Trap {
    /// One sentence: what is happening.
    pub fn sentence(&self) -> String {
        match self {
            Trap::LowerMaximum => "The run settled where ∇_y g = 0 but ∇²_yy g < 0: a lower-level maximum or saddle, which h = ‖∇_y g‖² cannot tell from a minimum.".into(),
            Trap::LocalLowerMinimum => "The run settled on a lower-level minimum that is not global (the true gap g − min g > 0): y is not a solution of the lower level.".into(),
            Trap::FlatStationary => "The run settled where ∇_y g = 0 and ∇²_yy g ≈ 0 (flat or degenerate) with g above its global minimum: y is not a solution of the lower level.".into(),
            Trap::LowerUnbounded => "The run settled where ∇_y g = 0, but g(x, ·) keeps falling out to |y| = 1e6: the lower level has no minimum here (declare a [lower_domain] if the problem has a box).".into(),
            Trap::OutsideLowerDomain => "The run settled with y outside the lower level's declared domain ([lower_domain]): the methods do not project onto it, so this point is not feasible for the problem as posed.".into(),
            Trap::SpuriousCritical => "The run stalled where ∇h = 0 although h > 0: a spurious critical point of h (∇²_yy g is singular along ∇_y g), so no step can decrease h.".into(),
            Trap::BelowOptimum => "The upper value is below the known optimum F*: the point cannot be bilevel feasible.".into(),
            Trap::ShortCycle(p) => format!("The iterates cycle through {p} points with ‖Δ‖ not shrinking: the step is too large for the curvature the active constraint creates."),
        }
    }

    /// The built-in preset whose description shows this trap (and from
    /// which start), if one does.
    pub fn preset(&self) -> Option<&'static str> {
        match self {
            Trap::LowerMaximum => Some("b08-mitsos-barton-3-17"),
            Trap::LocalLowerMinimum => Some("b12-mirrlees"),
            Trap::FlatStationary | Trap::LowerUnbounded => None,
            Trap::OutsideLowerDomain => Some("b15-bome-adversarial"),
            Trap::SpuriousCritical => Some("b13-pl-nonconvex"),
            Trap::BelowOptimum => Some("b06-mitsos-barton-3-10"),
            Trap::ShortCycle(_) => Some("synthetic20-convex"),
        }
    }

    /// A short name.
    pub fn name(&self) -> &'static str {
        match self {
            Trap::LowerMaximum => "lower-level maximum",
            Trap::LocalLowerMinimum => "non-global lower-level minimum",
            Trap::FlatStationary => "flat lower-level stationary point",
            Trap::LowerUnbounded => "lower level unbounded below",
            Trap::OutsideLowerDomain => "outside the lower domain",
            Trap::SpuriousCritical => "spurious critical point of h",
            Trap::BelowOptimum => "below F*",
            Trap::ShortCycle(_) => "short cycle",
        }
    }
}

/// The smallest period p ≤ 4 with which the last points repeat (to 1e-9
/// relative) while consecutive points stay apart (more than 1e-6).
pub fn short_cycle(recent: &[Vec<f64>]) -> Option<usize> {
    let dist = |a: &[f64], b: &[f64]| -> f64 {
        a.iter()
            .zip(b)
            .map(|(u, v)| (u - v).powi(2))
            .sum::<f64>()
            .sqrt()
    };
    let len = recent.len();
    let last = recent.last()?;
    let scale = 1.0 + last.iter().map(|v| v * v).sum::<f64>().sqrt();
    (2..=4).find(|&p| {
        len > 2 * p
            && (len - p..len).all(|i| dist(&recent[i], &recent[i - p]) <= 1e-9 * scale)
            && (len - p..len).all(|i| dist(&recent[i], &recent[i - 1]) > 1e-6 * scale)
    })
}

/// The traps at the newest of `recent` (the last few iterates, oldest
/// first), judged when the run has settled there (its last step is short)
/// or is cycling. The gap is searched over `domain` (never the view);
/// `f_star` is the reference optimum (known or computed), if any.
pub fn diagnose(
    problem: &dyn Problem,
    recent: &[Vec<f64>],
    domain: &LowerDomain,
    f_star: Option<f64>,
) -> Vec<Trap> {
    let Some(z) = recent.last() else {
        return Vec::new();
    };
    if let Some(p) = short_cycle(recent) {
        return vec![Trap::ShortCycle(p)];
    }
    if !settled(recent) {
        return Vec::new();
    }
    let dims = problem.dims();
    let mut grad_g = vec![0.0; z.len()];
    let g = problem.grad_g(z, &mut grad_g);
    let grad_y = grad_g.get(dims.n..).unwrap_or_default().to_vec();
    let h: f64 = grad_y.iter().map(|a| a * a).sum();
    let mut out = Vec::new();
    if z.iter().skip(dims.n).any(|y| !domain.contains(*y)) {
        out.push(Trap::OutsideLowerDomain);
    }
    if h.sqrt() <= STATIONARY * (1.0 + g.abs()) {
        let (_, shape) = lower_shape(problem, z);
        if shape == LowerShape::Maximum {
            out.push(Trap::LowerMaximum);
        } else {
            // Not global: the minimum y is heading to is worse than the
            // global one (the gap of a point still creeping onto the global
            // branch, about h/(2∇²_yy g), does not count).
            let gap = lower_gap(problem, z, domain);
            if !gap.bounded {
                out.push(Trap::LowerUnbounded);
            } else if gap.local - gap.g_star > 1e-6 * (1.0 + g.abs()) {
                out.push(if shape == LowerShape::Flat {
                    Trap::FlatStationary
                } else {
                    Trap::LocalLowerMinimum
                });
            }
        }
    } else {
        let mut grad_h = vec![0.0; z.len()];
        problem.hvp_g(z, &grad_y, &mut grad_h);
        let norm = 2.0 * grad_h.iter().map(|a| a * a).sum::<f64>().sqrt();
        if norm <= 1e-4 * (1.0 + h) {
            out.push(Trap::SpuriousCritical);
        }
    }
    // Below F* by more than the remaining lower-level residual explains:
    // a run converging onto the optimum approaches F* from below while
    // ‖∇_y g‖ → 0, and is not warned about.
    let f = problem.f(z);
    if let Some(f_star) = f_star
        && f < f_star - (1e-6 * (1.0 + f_star.abs())).max(10.0 * h.sqrt())
    {
        out.push(Trap::BelowOptimum);
    }
    out
}
