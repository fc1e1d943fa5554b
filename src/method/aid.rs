//! AID: approximate implicit differentiation — a few lower-level steps,
//! conjugate gradient on `∇²_yy g·v = ∇_y f` (warm-started), then a step
//! along the approximate hypergradient.

use super::inner::descend;
use super::oracle::{LowerLevel, Oracle, dot};
use super::record::{Curvature, Detail, Record, RecordParts, State};

/// CG stops once ‖∇²_yy g·v − ∇_y f‖ ≤ this times ‖∇_y f‖.
const CG_TOLERANCE: f64 = 1e-10;

/// A CG direction p with `|pᵀAp| ≤ this·‖p‖²` meets (numerically) zero
/// curvature: dividing by pᵀAp would blow v up, so CG stops there.
const SINGULAR: f64 = 1e-12;

/// AID with its parameters.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Aid {
    /// D, the lower-level steps per iteration.
    pub inner_steps: u32,
    /// η_in, their step length.
    pub inner_step: f64,
    /// The most CG iterations per solve.
    pub cg_iterations: u32,
    /// β, the upper-level step length.
    pub step: f64,
}

impl Aid {
    /// One iteration from z_k: D lower-level steps give y_D; at (x, y_D) CG
    /// solves `∇²_yy g·v = ∇_y f` (warm-started from the last v) and x moves
    /// along `−(∇_x f − ∇²_xy g·v)`. The next state is (x_{k+1}, y_D) with v
    /// kept. Costs two ∇f (one for D = 0), D gradients of g (one for D = 0)
    /// and one Hessian-vector product per CG iteration, plus one for a
    /// nonzero warm start.
    ///
    /// The record is at z_k with f and ∇f there; its Δ is the actual
    /// displacement divided by β, so the correction is
    /// `−∇f(z_k) − (z_{k+1} − z_k)/β`.
    pub fn step(&self, oracle: &Oracle, state: &State) -> (State, Record) {
        let z = &state.z;
        let n = oracle.dims().n;
        let mut grad_f = vec![0.0; z.len()];
        let f = oracle.grad_f(z, &mut grad_f);
        let lower = LowerLevel::at(oracle, z);
        let inner = descend(oracle, z, &lower.grad_g, self.inner_steps, self.inner_step);
        let mut grad_f_inner = grad_f.clone();
        if self.inner_steps > 0 {
            oracle.grad_f(&inner, &mut grad_f_inner);
        }
        let rhs = grad_f_inner.get(n..).unwrap_or_default();
        let cg = conjugate_gradient(oracle, &inner, rhs, &state.warm, self.cg_iterations);
        let hypergradient: Vec<f64> = grad_f_inner
            .iter()
            .zip(&cg.cross)
            .map(|(a, b)| a - b)
            .collect();
        let mut next_z = inner.clone();
        next_z
            .iter_mut()
            .zip(&hypergradient)
            .for_each(|(a, d)| *a -= self.step * d);
        // Δ = (z_{k+1} − z_k)/β, written as a correction to −∇f(z_k).
        let correction = grad_f
            .iter()
            .zip(next_z.iter().zip(z))
            .map(|(gf, (new, old))| -gf - (new - old) / self.step)
            .collect();
        let record = RecordParts {
            k: state.k,
            n,
            z: z.clone(),
            f,
            grad_f,
            lower,
            grad_h: Vec::new(),
            correction,
            lambda: 0.0,
            active: false,
            step: self.step,
            detail: Detail::Aid {
                y_inner: inner.get(n..).unwrap_or_default().to_vec(),
                v: cg.v.clone(),
                cg_iterations: cg.iterations,
                cg_residual: cg.residual,
                curvature: cg.curvature,
                hypergradient,
            },
        }
        .build();
        let next = State {
            k: state.k + 1,
            z: next_z,
            warm: cg.v,
        };
        (next, record)
    }
}

/// What a CG solve of `∇²_yy g·v = b` found.
#[derive(Debug, Clone, PartialEq)]
struct CgSolution {
    /// The last iterate v.
    v: Vec<f64>,
    /// `∇²_xy g·v`, accumulated from the same products (they are linear in
    /// v), so the hypergradient costs no extra product.
    cross: Vec<f64>,
    /// Iterations done (updates of v).
    iterations: u32,
    /// ‖∇²_yy g·v − b‖ (the recurrence's residual).
    residual: f64,
    /// Whether every direction met had positive curvature.
    curvature: Curvature,
}

/// Conjugate gradient on `∇²_yy g(z)·v = b` from `warm` (from zero unless
/// its length is m), with Hessian-vector products only. Stops when the
/// residual is tiny, after `max_iterations`, or at a direction of zero or
/// negative curvature, keeping the v it has.
fn conjugate_gradient(
    oracle: &Oracle,
    z: &[f64],
    b: &[f64],
    warm: &[f64],
    max_iterations: u32,
) -> CgSolution {
    let n = oracle.dims().n;
    let mut product = vec![0.0; z.len()];
    let mut v = vec![0.0; b.len()];
    let mut cross = vec![0.0; n];
    let mut r = b.to_vec();
    if warm.len() == b.len() && warm.iter().any(|a| *a != 0.0) {
        v.copy_from_slice(warm);
        oracle.hvp_g(z, &v, &mut product);
        let (px, py) = product.split_at(n);
        cross.copy_from_slice(px);
        r.iter_mut().zip(py).for_each(|(a, p)| *a -= p);
    }
    let tolerance2 = (CG_TOLERANCE * dot(b, b).sqrt()).powi(2);
    let mut rr = dot(&r, &r);
    let mut p = r.clone();
    let mut iterations = 0;
    let mut curvature = Curvature::Positive;
    while iterations < max_iterations && rr > tolerance2 {
        oracle.hvp_g(z, &p, &mut product);
        let (px, py) = product.split_at(n);
        let pap = dot(&p, py);
        curvature = classify(pap, dot(&p, &p));
        if curvature != Curvature::Positive {
            break;
        }
        let alpha = rr / pap;
        axpy(&mut v, alpha, &p);
        axpy(&mut cross, alpha, px);
        axpy(&mut r, -alpha, py);
        let rr_new = dot(&r, &r);
        // rr > tolerance² ≥ 0 here, so the ratio is finite.
        let beta = rr_new / rr;
        p.iter_mut()
            .zip(&r)
            .for_each(|(pi, ri)| *pi = ri + beta * *pi);
        rr = rr_new;
        iterations += 1;
    }
    CgSolution {
        v,
        cross,
        iterations,
        residual: rr.sqrt(),
        curvature,
    }
}

/// The curvature pᵀAp of a direction with ‖p‖² = `pp`, judged relative to
/// ‖p‖² (NaN counts as singular: no division follows).
fn classify(pap: f64, pp: f64) -> Curvature {
    if pap > SINGULAR * pp {
        Curvature::Positive
    } else if pap < -SINGULAR * pp {
        Curvature::Indefinite
    } else {
        Curvature::Singular
    }
}

/// `a ← a + t·b`.
fn axpy(a: &mut [f64], t: f64, b: &[f64]) {
    a.iter_mut().zip(b).for_each(|(ai, bi)| *ai += t * bi);
}

#[cfg(test)]
#[path = "aid/tests.rs"]
mod tests;
