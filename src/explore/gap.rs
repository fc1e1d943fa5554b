//! The true lower-level gap `g(x, y) − min_y' g(x, y')` and the curvature
//! of the lower level at a point: what tells a lower-level minimum that is
//! global from a local one, and a minimum from a maximum, where
//! `‖∇_y g‖ = 0` cannot.

use super::lower_domain::{LowerDomain, scan};
use crate::problem::synthetic_data::SplitMix64;
use crate::problem::{Problem, hessian_blocks};

/// Grid cells a non-convex Newton step may move at most (of the interval).
const GRID: usize = 400;
/// Newton steps per candidate.
const NEWTON: usize = 40;
/// Starts of the multi-start search (m > 1), the current y included.
const STARTS: usize = 12;
/// Gradient steps per start (m > 1).
const DESCENT: usize = 300;

/// The lower level's best value at x, where it is attained, and the gap.
#[derive(Debug, Clone, PartialEq)]
pub struct LowerGap {
    /// min_y' g(x, y') over the lower domain (and never above g(x, y)).
    pub g_star: f64,
    /// A minimiser y'.
    pub y_star: Vec<f64>,
    /// g(x, y) − g*(x) ≥ 0.
    pub gap: f64,
    /// g at the local minimum the lower level reaches from y (Newton or
    /// descent from y): `local − g_star > 0` means y sits in the basin of a
    /// lower-level minimum that is not global, however small `gap` is.
    pub local: f64,
    /// Whether the search found g rising on both sides of its minimum
    /// (always, for a declared domain). False: g kept falling out to
    /// |y| = 1e6, the lower level may be unbounded below, and `g_star` is
    /// only the least value found within `interval`.
    pub bounded: bool,
    /// The interval searched (one lower variable; the box of starts for more).
    pub interval: [f64; 2],
}

/// The smallest eigenvalue of `∇²_yy g` at z: positive at a strict
/// lower-level minimum, negative at a maximum or saddle.
pub fn lower_curvature(problem: &dyn Problem, z: &[f64]) -> f64 {
    let dims = problem.dims();
    let (_, yy) = hessian_blocks(&problem.hess_g(z), dims);
    if dims.m == 1 {
        return yy[(0, 0)];
    }
    let sym = (&yy + yy.transpose()) * 0.5;
    sym.symmetric_eigen().eigenvalues.min()
}

/// The true gap at z, searched over `domain` (never the plot window). For
/// one lower variable: a scan of g(x, ·) (see [`scan`]), each local minimum
/// of the samples and the current y refined by safeguarded Newton. For more:
/// [`STARTS`] local descents from y and from points drawn in the domain's
/// interval for every coordinate (kept inside it when it is declared).
/// A problem that solves its own strongly convex lower level
/// ([`Problem::lower_minimiser`]) is asked instead.
pub fn lower_gap(problem: &dyn Problem, z: &[f64], domain: &LowerDomain) -> LowerGap {
    let dims = problem.dims();
    let n = dims.n;
    let g_here = problem.g(z);
    let mut best = (g_here, z.get(n..).unwrap_or_default().to_vec());
    // The first candidate is y itself: its refinement is the local minimum.
    let mut local = g_here;
    let mut consider = |point: &[f64], first: bool| {
        let value = problem.g(point);
        if first && value.is_finite() {
            local = local.min(value);
        }
        if value.is_finite() && value < best.0 {
            best = (value, point.get(n..).unwrap_or_default().to_vec());
        }
    };
    if let Some(point) = solved_lower(problem, z, domain) {
        consider(&point, true);
        return LowerGap {
            g_star: best.0,
            y_star: best.1,
            gap: (g_here - best.0).max(0.0),
            local: local.max(best.0),
            bounded: true,
            interval: domain.base(),
        };
    }
    let (bounded, interval) = if dims.m == 1 {
        let s = scan(problem, z, 0, domain);
        let mut candidates: Vec<f64> = z.get(n).copied().into_iter().collect();
        candidates.extend(s.local_minima().into_iter().map(|i| s.ys[i]));
        for (i, y) in candidates.into_iter().enumerate() {
            let mut p = z.to_vec();
            if let Some(slot) = p.get_mut(n) {
                *slot = newton(problem, z, y, s.interval);
            }
            consider(&p, i == 0);
        }
        (s.bounded, s.interval)
    } else {
        let window = domain.base();
        let clamp = matches!(domain, LowerDomain::Declared(_)).then_some(window);
        let mut rng = SplitMix64::new(0x9a9);
        for s in 0..STARTS {
            let mut p = z.to_vec();
            if s > 0 {
                for v in p.iter_mut().skip(n) {
                    *v = window[0] + (window[1] - window[0]) * rng.uniform();
                }
            }
            consider(&descend(problem, p, clamp), s == 0);
        }
        (true, window)
    };
    LowerGap {
        g_star: best.0,
        y_star: best.1,
        gap: (g_here - best.0).max(0.0),
        local: local.max(best.0),
        bounded,
        interval,
    }
}

/// z with y replaced by the problem's own lower-level solution, if it has
/// one (an expanding domain only: a declared box is searched as declared)
/// and it holds up: g finite and ‖∇_y g‖ ≤ 1e-8 (1 + |g|) there. Otherwise
/// the multi-start search decides.
fn solved_lower(problem: &dyn Problem, z: &[f64], domain: &LowerDomain) -> Option<Vec<f64>> {
    if matches!(domain, LowerDomain::Declared(_)) {
        return None;
    }
    let n = problem.dims().n;
    let y_star = problem.lower_minimiser(z)?;
    let point: Vec<f64> = z.iter().take(n).chain(&y_star).copied().collect();
    let mut grad = vec![0.0; point.len()];
    let g = problem.grad_g(&point, &mut grad);
    let norm = grad.iter().skip(n).map(|v| v * v).sum::<f64>().sqrt();
    (g.is_finite() && norm <= 1e-8 * (1.0 + g.abs())).then_some(point)
}

/// Newton on ∂g/∂y from y, falling back to a gradient step where the
/// curvature is not positive, kept inside the window.
pub(super) fn newton(problem: &dyn Problem, z: &[f64], mut y: f64, window: [f64; 2]) -> f64 {
    let n = problem.dims().n;
    let (lo, hi) = (window[0].min(window[1]), window[0].max(window[1]));
    let mut p = z.to_vec();
    let mut grad = vec![0.0; z.len()];
    let mut hvp = vec![0.0; z.len()];
    for _ in 0..NEWTON {
        if let Some(slot) = p.get_mut(n) {
            *slot = y;
        }
        problem.grad_g(&p, &mut grad);
        problem.hvp_g(&p, &[1.0], &mut hvp);
        let (gy, gyy) = (grad[n], hvp[n]);
        let step = if gyy > 1e-12 {
            gy / gyy
        } else {
            // Not convex here: a small descent step, at most a grid cell.
            gy.signum() * (hi - lo) / GRID as f64
        };
        let next = (y - step).clamp(lo.min(y), hi.max(y));
        // Newton may overshoot into a worse point: halve until g does not rise.
        let mut t = 1.0;
        let g0 = problem.g(&p);
        let mut candidate = next;
        for _ in 0..30 {
            if let Some(slot) = p.get_mut(n) {
                *slot = candidate;
            }
            if problem.g(&p) <= g0 {
                break;
            }
            t *= 0.5;
            candidate = y - t * (y - next);
        }
        if (candidate - y).abs() <= 1e-14 * (1.0 + y.abs()) {
            return candidate;
        }
        y = candidate;
    }
    y
}

/// Gradient descent on g(x, ·) with backtracking, from the point p.
fn descend(problem: &dyn Problem, mut p: Vec<f64>, clamp: Option<[f64; 2]>) -> Vec<f64> {
    let n = problem.dims().n;
    let mut grad = vec![0.0; p.len()];
    let mut t = 1.0;
    for _ in 0..DESCENT {
        let g0 = problem.grad_g(&p, &mut grad);
        let norm2: f64 = grad.iter().skip(n).map(|a| a * a).sum();
        if norm2 <= 1e-28 {
            break;
        }
        t *= 2.0;
        loop {
            let trial: Vec<f64> = p
                .iter()
                .enumerate()
                .map(|(i, v)| match (i < n, clamp) {
                    (true, _) => *v,
                    (false, None) => v - t * grad[i],
                    (false, Some([lo, hi])) => (v - t * grad[i]).clamp(lo, hi),
                })
                .collect();
            // Armijo (on the projected step when the domain is declared).
            let moved: f64 = trial.iter().zip(&p).map(|(a, b)| (a - b).powi(2)).sum();
            if moved == 0.0 {
                // Pinned at the declared box's edge.
                return p;
            }
            if problem.g(&trial) <= g0 - 0.5 * moved / t {
                p = trial;
                break;
            }
            t *= 0.5;
            if t < 1e-20 {
                return p;
            }
        }
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::preset::load_builtin;

    fn gap_at(id: &str, x: f64, y: f64) -> LowerGap {
        let p = load_builtin(id).unwrap();
        lower_gap(p.problem.as_ref(), &[x, y], &p.lower_search())
    }

    #[test]
    fn the_gap_is_zero_on_the_global_branch_and_positive_on_a_local_one() {
        // B6: y = 0.5 is the global LL minimum (q = −1), y = −0.5 a local one
        // (q = 0): gap = x·(0 − (−1)) = x.
        let global = gap_at("b06-mitsos-barton-3-10", 0.5, 0.5);
        assert!(global.gap <= 1e-12, "{global:?}");
        let local = gap_at("b06-mitsos-barton-3-10", 0.5, -0.5);
        assert!((local.gap - 0.5).abs() < 1e-9, "{local:?}");
        assert!((local.y_star[0] - 0.5).abs() < 1e-6);
        // B10: for x > −0.5 the − branch y = −0.5 + 0.1x is global, the +
        // branch y = 0.4 − 0.1x local; reversed for x < −0.5.
        let x = 0.3;
        assert!(gap_at("b10-mitsos-barton-3-21", x, -0.5 + 0.1 * x).gap <= 1e-10);
        assert!(gap_at("b10-mitsos-barton-3-21", x, 0.4 - 0.1 * x).gap > 1e-3);
        let x = -0.8;
        assert!(gap_at("b10-mitsos-barton-3-21", x, 0.4 - 0.1 * x).gap <= 1e-10);
        assert!(gap_at("b10-mitsos-barton-3-21", x, -0.5 + 0.1 * x).gap > 1e-3);
        // B12 at x = 1.99: the right well (y ≈ 0.9) is only local; the
        // left well near −1 is global. At x = 0.5 the right well is global.
        let fooled = gap_at("b12-mirrlees", 1.99, 0.90);
        assert!(fooled.gap > 0.5, "{fooled:?}");
        assert!(fooled.y_star[0] < -0.5, "{fooled:?}");
        let p = load_builtin("b12-mirrlees").unwrap();
        let mut gy = [0.0; 2];
        // The right well's minimiser at x = 0.5, found by the search itself.
        let right = lower_gap(
            p.problem.as_ref(),
            &[0.5, 1.0],
            &LowerDomain::Declared([0.0, 2.0]),
        );
        p.problem.grad_g(&[0.5, right.y_star[0]], &mut gy);
        assert!(gy[1].abs() < 1e-9);
        assert!(gap_at("b12-mirrlees", 0.5, right.y_star[0]).gap <= 1e-10);
    }

    #[test]
    fn curvature_tells_minima_from_maxima_and_multi_start_finds_the_gap() {
        let p = load_builtin("b08-mitsos-barton-3-17").unwrap();
        // g_yy = x + 3y²: at (−0.5, 0) an LL maximum, at (−0.25, 0.5) a minimum.
        assert!((lower_curvature(p.problem.as_ref(), &[-0.5, 0.0]) + 0.5).abs() < 1e-12);
        assert!(lower_curvature(p.problem.as_ref(), &[-0.25, 0.5]) > 0.0);
        // Two lower variables: g = (y1² − 1)² + y2² has minima y1 = ±1;
        // tilting by 0.3·y1 makes y1 ≈ −1 global.
        let two = crate::problem::ExprProblem::new(
            &["x".into()],
            &["y1".into(), "y2".into()],
            "x^2",
            "(y1^2 - 1)^2 + y2^2 + 0.3*y1",
            &[],
        )
        .unwrap();
        let box2 = LowerDomain::Expanding { seed: [-2.0, 2.0] };
        let near_plus = descend(&two, vec![0.0, 1.0, 0.5], None);
        let local = lower_gap(&two, &near_plus, &box2);
        assert!(local.gap > 0.5, "{local:?}");
        assert!(local.y_star[0] < -0.9, "{local:?}");
        let global = lower_gap(&two, &[0.0, local.y_star[0], local.y_star[1]], &box2);
        assert!(global.gap <= 1e-12);
        assert!(
            lower_curvature(&two, &[0.0, 0.0, 0.0]) < 0.0,
            "a saddle at y = 0"
        );
    }
}
