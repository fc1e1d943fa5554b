//! Where the lower level's global search looks for y: a property of the
//! problem, never of the plot window, so that the true gap, S(x), φ(x) and
//! every end class are the same at any zoom.

use crate::problem::Problem;

/// Grid points over the seed interval of a one-dimensional scan.
pub const SEED_POINTS: usize = 400;
/// Grid points added on each side per expansion round.
const RING_POINTS: usize = 100;
/// An expanding scan covers at least this many units and this many seed
/// widths before it may stop.
const MIN_SPAN: f64 = 8.0;
/// No expanding bracket reaches beyond |y| = this.
pub const LIMIT: f64 = 1e6;

/// The lower level's search domain for one lower variable (for several,
/// every coordinate uses the same interval as a box of starts).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LowerDomain {
    /// The preset's `[lower_domain]`: the lower level is min over this
    /// interval (a box constraint of the problem as posed).
    Declared([f64; 2]),
    /// Nothing declared: scan `seed` (the preset's view of y at load,
    /// fixed) and widen the bracket on both sides until two widenings in a
    /// row find nothing lower, up to |y| ≤ [`LIMIT`].
    Expanding {
        /// The first interval scanned.
        seed: [f64; 2],
    },
}

impl LowerDomain {
    /// The domain a preset implies: its declared `[lower_domain]`, else an
    /// expanding bracket seeded by its view of y (else [−3, 3]).
    pub fn of(declared: Option<[f64; 2]>, view_y: Option<[f64; 2]>) -> Self {
        match declared {
            Some(d) => LowerDomain::Declared(d),
            None => LowerDomain::Expanding {
                seed: view_y.unwrap_or([-3.0, 3.0]),
            },
        }
    }

    /// The interval every search starts from (the declared one, or the seed).
    pub fn base(&self) -> [f64; 2] {
        match *self {
            LowerDomain::Declared(d) | LowerDomain::Expanding { seed: d } => ordered(d),
        }
    }

    /// Whether y lies in a declared domain (always true when expanding).
    pub fn contains(&self, y: f64) -> bool {
        match *self {
            LowerDomain::Declared([a, b]) => (a.min(b)..=a.max(b)).contains(&y),
            LowerDomain::Expanding { .. } => y.is_finite(),
        }
    }

    /// How the domain reads in a sentence: "y ∈ [a, b] (declared)".
    pub fn describe(&self) -> String {
        match *self {
            LowerDomain::Declared([a, b]) => format!("y ∈ [{a}, {b}] (declared by the preset)"),
            LowerDomain::Expanding { seed: [a, b] } => {
                format!(
                    "y from [{a}, {b}], widened until two widenings find nothing lower (|y| ≤ 1e6)"
                )
            }
        }
    }
}

fn ordered([a, b]: [f64; 2]) -> [f64; 2] {
    [a.min(b), a.max(b)]
}

/// g(x, ·) sampled along the shown lower variable at one x.
#[derive(Debug, Clone, PartialEq)]
pub struct Scan {
    /// Sample points, increasing.
    pub ys: Vec<f64>,
    /// g at each (NaN where g is not finite).
    pub gs: Vec<f64>,
    /// The interval finally scanned.
    pub interval: [f64; 2],
    /// Whether the widening stopped with the smallest sample inside the
    /// interval (always true for a declared domain). False means g kept
    /// falling beyond every interval tried: the lower level may be
    /// unbounded below (or its infimum is not attained), and min g is only
    /// "the least found within".
    pub bounded: bool,
}

impl Scan {
    /// Index of the smallest finite sample.
    pub fn argmin(&self) -> Option<usize> {
        let mut best: Option<usize> = None;
        for (i, g) in self.gs.iter().enumerate() {
            if g.is_finite() && best.is_none_or(|b| *g < self.gs[b]) {
                best = Some(i);
            }
        }
        best
    }

    /// Every sample that is a local minimum of the samples (ends compared
    /// with their one neighbour).
    pub fn local_minima(&self) -> Vec<usize> {
        let n = self.gs.len();
        (0..n)
            .filter(|&i| {
                let v = self.gs[i];
                let left = i.checked_sub(1).map_or(f64::INFINITY, |j| self.gs[j]);
                let right = self.gs.get(i + 1).copied().unwrap_or(f64::INFINITY);
                v.is_finite() && v <= nan_high(left) && v <= nan_high(right)
            })
            .collect()
    }
}

fn nan_high(v: f64) -> f64 {
    if v.is_nan() { f64::INFINITY } else { v }
}

/// Samples g(x, ·) along coordinate `lower` (an index into y) of z, the
/// other coordinates as in z: the declared interval, or the seed widened
/// (the current y included) round by round, each round doubling the
/// reach on both sides, until two rounds in a row find nothing lower (and
/// the scan is wide enough). Starting from the fixed seed, the result
/// never depends on the plot window.
pub fn scan(problem: &dyn Problem, z: &[f64], lower: usize, domain: &LowerDomain) -> Scan {
    let slot = problem.dims().n + lower;
    let mut p = z.to_vec();
    let mut g_at = |y: f64| -> f64 {
        if let Some(s) = p.get_mut(slot) {
            *s = y;
        }
        let v = problem.g(&p);
        if v.is_finite() { v } else { f64::NAN }
    };
    let [mut lo, mut hi] = domain.base();
    if let LowerDomain::Expanding { .. } = domain
        && let Some(&y) = z.get(slot)
        && y.is_finite()
        && y.abs() <= LIMIT
    {
        lo = lo.min(y);
        hi = hi.max(y);
    }
    let ys = spaced(lo, hi, SEED_POINTS);
    let gs: Vec<f64> = ys.iter().map(|&y| g_at(y)).collect();
    let mut out = Scan {
        ys,
        gs,
        interval: [lo, hi],
        bounded: true,
    };
    if let LowerDomain::Declared(_) = domain {
        return out;
    }
    let mut reach = (hi - lo).max(1e-6);
    // Stop once two widening rounds in a row find nothing lower and the
    // scan is at least MIN_SPAN units and MIN_SPAN seeds wide: a well
    // inside the seed rises on both sides too, while a deeper one may lie
    // just beyond it. A g that keeps falling widens to the limit.
    let wide_enough = MIN_SPAN * (hi - lo).max(1.0);
    let mut quiet = 0;
    loop {
        if quiet >= 2 && hi - lo >= wide_enough {
            out.bounded = interior_minimum(&out);
            return out;
        }
        let best_before = out.argmin().map(|i| out.gs[i]);
        let (new_lo, new_hi) = ((lo - reach).max(-LIMIT), (hi + reach).min(LIMIT));
        if new_lo == lo && new_hi == hi {
            out.bounded = quiet >= 2 && interior_minimum(&out);
            return out;
        }
        // Left ring (excluding lo itself), then the scan, then the right ring.
        let left: Vec<f64> = spaced(new_lo, lo, RING_POINTS + 1)
            .into_iter()
            .take(RING_POINTS)
            .collect();
        let right: Vec<f64> = spaced(hi, new_hi, RING_POINTS + 1)
            .into_iter()
            .skip(1)
            .collect();
        let mut ys = Vec::with_capacity(out.ys.len() + 2 * RING_POINTS);
        let mut gs = Vec::with_capacity(ys.capacity());
        for &y in &left {
            ys.push(y);
            gs.push(g_at(y));
        }
        ys.extend_from_slice(&out.ys);
        gs.extend_from_slice(&out.gs);
        for &y in &right {
            ys.push(y);
            gs.push(g_at(y));
        }
        (lo, hi) = (new_lo, new_hi);
        out = Scan {
            ys,
            gs,
            interval: [lo, hi],
            bounded: true,
        };
        let best_after = out.argmin().map(|i| out.gs[i]);
        // Equal wells (a periodic g) differ by rounding only.
        let lower = match (best_before, best_after) {
            (Some(b), Some(a)) => a < b - 1e-9 * (1.0 + b.abs()),
            (None, Some(_)) => true,
            _ => false,
        };
        quiet = if lower { 0 } else { quiet + 1 };
        reach *= 2.0;
    }
}

/// The smallest sample is not at either end of the scan.
fn interior_minimum(s: &Scan) -> bool {
    s.argmin().is_some_and(|i| i != 0 && i + 1 != s.gs.len())
}

/// `count` points from a to b inclusive, evenly spaced.
fn spaced(a: f64, b: f64, count: usize) -> Vec<f64> {
    let last = (count.max(2) - 1) as f64;
    (0..count.max(2))
        .map(|i| a + (b - a) * i as f64 / last)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problem::ExprProblem;

    fn problem(g: &str) -> ExprProblem {
        ExprProblem::new(&["x".into()], &["y".into()], "x^2 + y^2", g, &[]).unwrap()
    }

    #[test]
    fn an_expanding_bracket_finds_a_minimum_far_outside_the_seed() {
        // g = (y − 40)² + ¼·(y/10)⁴ · 0: minimum at y = 40, seed [−1, 1].
        let p = problem("(y - 40)^2");
        let s = scan(
            &p,
            &[0.0, 0.0],
            0,
            &LowerDomain::Expanding { seed: [-1.0, 1.0] },
        );
        assert!(s.bounded, "{:?}", s.interval);
        let best = s.ys[s.argmin().unwrap()];
        assert!((best - 40.0).abs() < 0.5, "{best}");
        // Two quiet doublings past the well, then it stops (far short of 1e6).
        assert!(
            s.interval[1] > 40.0 && s.interval[1] < 1000.0,
            "{:?}",
            s.interval
        );
    }

    #[test]
    fn an_unbounded_lower_level_is_reported_not_hidden() {
        // g = −y has no minimum: the bracket stops at the limit, unbounded.
        let p = problem("-y");
        let s = scan(
            &p,
            &[0.0, 0.0],
            0,
            &LowerDomain::Expanding { seed: [-1.0, 1.0] },
        );
        assert!(!s.bounded);
        assert_eq!(s.interval, [-LIMIT, LIMIT]);
        // A declared box bounds it: the minimum is on the box's edge.
        let s = scan(&p, &[0.0, 0.0], 0, &LowerDomain::Declared([-10.0, 10.0]));
        assert!(s.bounded);
        assert_eq!(s.ys[s.argmin().unwrap()], 10.0);
    }

    #[test]
    fn the_scan_does_not_depend_on_where_y_is_when_the_bracket_is_found() {
        // A double well with the global minimum outside the seed on the left.
        let p = problem("(y^2 - 25)^2 + 3*y");
        let seed = LowerDomain::Expanding { seed: [0.0, 2.0] };
        for y in [1.0, 4.9, -3.0] {
            let s = scan(&p, &[0.0, y], 0, &seed);
            assert!(s.bounded);
            let best = s.ys[s.argmin().unwrap()];
            assert!(best < -4.5 && best > -5.5, "from y = {y}: {best}");
        }
    }
}
