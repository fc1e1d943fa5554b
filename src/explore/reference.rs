//! A computed reference answer for any problem with one upper and one lower
//! variable: the reduced (optimistic) objective
//! φ(x) = min { f(x, y) : y ∈ S(x) }, S(x) the global minimisers of
//! g(x, ·) over the lower domain, minimised over an upper interval.

use super::gap::newton;
use super::grid::{Progress, par_map};
use super::lower_domain::{LowerDomain, scan};
use crate::problem::Problem;

/// Points of the upper grid on which φ is evaluated before refining.
pub const UPPER_POINTS: usize = 401;
/// Golden-section steps refining the best grid point.
const GOLDEN_STEPS: usize = 80;

/// Where a reference answer comes from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum AnswerSource {
    /// The preset states it (and a test checks it against the computed one).
    Known,
    /// Minimising φ over this x interval, the lower level over `lower`.
    Computed {
        /// The upper interval searched.
        x: [f64; 2],
        /// The lower domain of every lower-level search.
        lower: LowerDomain,
    },
}

/// The answer runs are judged against.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    /// An optimal point z* = (x*, y*), where a single one is right.
    pub z: Option<Vec<f64>>,
    /// The optimal value F*.
    pub f: f64,
    /// Known or computed.
    pub source: AnswerSource,
}

impl Answer {
    /// "known" or "computed over x ∈ [a, b]".
    pub fn provenance(&self) -> String {
        match self.source {
            AnswerSource::Known => "known".into(),
            AnswerSource::Computed { x: [a, b], .. } => {
                format!("computed over x ∈ [{}, {}]", short(a), short(b))
            }
        }
    }

    /// Whether the preset states this answer.
    pub fn is_known(&self) -> bool {
        self.source == AnswerSource::Known
    }

    /// The Euclidean distance of `z` to z*, if the answer has a point.
    pub fn distance(&self, z: &[f64]) -> Option<f64> {
        let star = self.z.as_ref()?;
        Some(
            star.iter()
                .zip(z)
                .map(|(a, b)| (a - b).powi(2))
                .sum::<f64>()
                .sqrt(),
        )
    }
}

fn short(v: f64) -> String {
    let s = format!("{v:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.into() }
}

/// φ at one x: the reduced objective and where it is attained.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reduced {
    /// φ(x) = min f over S(x).
    pub phi: f64,
    /// A y ∈ S(x) attaining it.
    pub y: f64,
    /// min_y g(x, y) over the domain.
    pub g_star: f64,
}

/// φ(x) for a problem with one upper and one lower variable; `None` where
/// the lower level has no minimum in the domain (g keeps falling out to
/// the search's limit, or is nowhere finite) or the problem is larger.
///
/// S(x) holds every refined local minimum within a relative 1e-9 of the
/// best, and every sample of the scan that close to it: a flat stretch of
/// minimisers (g constant in y) is then searched for the best f too.
pub fn reduced(problem: &dyn Problem, x: f64, domain: &LowerDomain) -> Option<Reduced> {
    let dims = problem.dims();
    if dims.n != 1 || dims.m != 1 {
        return None;
    }
    let [lo, hi] = domain.base();
    let z = [x, 0.5 * (lo + hi)];
    let s = scan(problem, &z, 0, domain);
    if !s.bounded {
        return None;
    }
    let mut points: Vec<(f64, f64)> = s
        .local_minima()
        .into_iter()
        .map(|i| {
            let y = newton(problem, &z, s.ys[i], s.interval);
            (y, problem.g(&[x, y]))
        })
        .filter(|(_, g)| g.is_finite())
        .collect();
    let g_star = points.iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
    if !g_star.is_finite() {
        return None;
    }
    let tol = 1e-9 * (1.0 + g_star.abs());
    points.extend(
        s.ys.iter()
            .zip(&s.gs)
            .filter(|(_, g)| **g <= g_star + tol)
            .map(|(y, g)| (*y, *g)),
    );
    points
        .into_iter()
        .filter(|(_, g)| *g <= g_star + tol)
        .map(|(y, _)| (problem.f(&[x, y]), y))
        .filter(|(f, _)| f.is_finite())
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(phi, y)| Reduced { phi, y, g_star })
}

/// φ on `count` evenly spaced points of `x` (for a plot), in parallel;
/// empty if `progress` is cancelled.
pub fn reduced_curve(
    problem: &dyn Problem,
    x: [f64; 2],
    count: usize,
    domain: &LowerDomain,
    progress: &Progress,
) -> Vec<(f64, Option<Reduced>)> {
    let xs = super::grid::spaced(x[0], x[1], count.max(2), false);
    par_map(xs.len(), progress, |i| {
        (xs[i], reduced(problem, xs[i], domain))
    })
    .unwrap_or_default()
}

/// The computed reference: φ's global minimum over `x` (on a grid of
/// [`UPPER_POINTS`], the best refined by golden section between its
/// neighbours); `None` when φ is nowhere defined or the problem is not
/// one upper and one lower variable.
pub fn compute_answer(problem: &dyn Problem, x: [f64; 2], domain: &LowerDomain) -> Option<Answer> {
    compute_answer_with(problem, x, domain, &Progress::default())
}

/// [`compute_answer`], stopping early (with `None`) once `progress` is
/// cancelled; it counts the [`UPPER_POINTS`] grid points as its tasks.
pub fn compute_answer_with(
    problem: &dyn Problem,
    x: [f64; 2],
    domain: &LowerDomain,
    progress: &Progress,
) -> Option<Answer> {
    let curve = reduced_curve(problem, x, UPPER_POINTS, domain, progress);
    let (best, _) = curve
        .iter()
        .enumerate()
        .filter_map(|(i, (_, r))| r.map(|r| (i, r.phi)))
        .min_by(|a, b| a.1.total_cmp(&b.1))?;
    // φ must be defined on both sides of its least grid value (or the
    // interval ends there): next to where φ stops being defined (f = ln x
    // near 0) its infimum need not be attained, and a golden section would
    // only chase it.
    let defined = |i: usize| curve.get(i).is_none_or(|c| c.1.is_some());
    if !(best == 0 || defined(best - 1)) || !defined(best + 1) {
        return None;
    }
    let at = |i: usize| curve.get(i).map(|c| c.0);
    let lo = at(best.saturating_sub(1))?;
    let hi = at(best + 1).unwrap_or(curve[best].0);
    let (mut xb, mut rb) = (curve[best].0, curve[best].1?);
    let mut consider = |x: f64| -> f64 {
        match reduced(problem, x, domain) {
            Some(r) => {
                if r.phi < rb.phi {
                    (xb, rb) = (x, r);
                }
                r.phi
            }
            None => f64::INFINITY,
        }
    };
    // Golden section: φ need not be unimodal between the neighbours (S(x)
    // may jump), so the best value seen is kept, not the last bracket.
    let ratio = 0.5 * (5f64.sqrt() - 1.0);
    let (mut a, mut b) = (lo, hi);
    let mut c = b - ratio * (b - a);
    let mut d = a + ratio * (b - a);
    let (mut fc, mut fd) = (consider(c), consider(d));
    for _ in 0..GOLDEN_STEPS {
        if fc <= fd {
            (b, d, fd) = (d, c, fc);
            c = b - ratio * (b - a);
            fc = consider(c);
        } else {
            (a, c, fc) = (c, d, fd);
            d = a + ratio * (b - a);
            fd = consider(d);
        }
    }
    Some(Answer {
        z: Some(vec![xb, rb.y]),
        f: rb.phi,
        source: AnswerSource::Computed { x, lower: *domain },
    })
}

#[cfg(test)]
mod tests;
