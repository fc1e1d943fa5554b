//! Quantities shown beside a run that the methods themselves do not need.

use crate::problem::{Problem, hessian_blocks};

/// Largest n + m for which the implicit hypergradient is computed every
/// iteration (it needs the full Hessian of g).
pub const HYPERGRADIENT_MAX_DIM: usize = 8;

/// The implicit hypergradient norm `‖∇_x f − ∇²_xy g (∇²_yy g)⁻¹ ∇_y f‖` at
/// `z`, given `∇f(z)`; `None` where `∇²_yy g` is singular or badly
/// conditioned (reciprocal condition below 1e-12), or the problem is larger
/// than [`HYPERGRADIENT_MAX_DIM`].
pub fn implicit_hypergradient_norm(
    problem: &dyn Problem,
    z: &[f64],
    grad_f: &[f64],
) -> Option<f64> {
    let dims = problem.dims();
    if dims.total() > HYPERGRADIENT_MAX_DIM {
        return None;
    }
    if dims.m == 1 {
        return scalar_lower_level(problem, z, grad_f);
    }
    let (xy, yy) = hessian_blocks(&problem.hess_g(z), dims);
    let svd = yy.clone().svd(false, false);
    let max = svd.singular_values.max();
    let min = svd.singular_values.min();
    if !(max.is_finite() && min > 1e-12 * max) {
        return None;
    }
    let gx = nalgebra::DVector::from_column_slice(grad_f.get(..dims.n)?);
    let gy = nalgebra::DVector::from_column_slice(grad_f.get(dims.n..)?);
    let w = yy.lu().solve(&gy)?;
    let norm = (gx - xy * w).norm();
    norm.is_finite().then_some(norm)
}

/// The same, reusing `grad_h` = ∇h = 2∇²g·(0, ∂g/∂y) when the method
/// computed it (PGD-QP, RXGF, SQCQP; empty otherwise). With one lower-level
/// variable ∇h is a multiple of the Hessian column (∇²_xy g, ∂²g/∂y²), and
/// only the ratio of its parts enters the hypergradient, so no further
/// derivative is needed: ∇_x f − ∇h_x · (∂f/∂y) / ∇h_y. Where ∇h_y is 0
/// (on the lower-level set, or a flat ∂²g/∂y²) it falls back to
/// [`implicit_hypergradient_norm`]. The solver thread calls this for every
/// streamed iteration.
pub fn implicit_hypergradient_norm_reusing(
    problem: &dyn Problem,
    z: &[f64],
    grad_f: &[f64],
    grad_h: &[f64],
) -> Option<f64> {
    let dims = problem.dims();
    let n = dims.n;
    if dims.m == 1
        && dims.total() <= HYPERGRADIENT_MAX_DIM
        && grad_h.len() == n + 1
        && let Some(&hy) = grad_h.get(n)
        && hy != 0.0
        && hy.is_finite()
    {
        let w = grad_f.get(n)? / hy;
        let norm = grad_f
            .get(..n)?
            .iter()
            .zip(grad_h)
            .map(|(g, c)| (g - c * w).powi(2))
            .sum::<f64>()
            .sqrt();
        return norm.is_finite().then_some(norm);
    }
    implicit_hypergradient_norm(problem, z, grad_f)
}

/// The same with one lower-level variable, from one Hessian-vector product:
/// `∇²g·(0, 1)` is (∇²_xy g, ∂²g/∂y²), and a 1 × 1 block is singular
/// (or badly conditioned) only where it is zero. This runs for every
/// streamed iteration, so it avoids the general path's matrices.
fn scalar_lower_level(problem: &dyn Problem, z: &[f64], grad_f: &[f64]) -> Option<f64> {
    const MAX_N: usize = HYPERGRADIENT_MAX_DIM;
    let n = problem.dims().n;
    let mut column = [0.0; MAX_N];
    let column = column.get_mut(..n + 1)?;
    problem.hvp_g(z, &[1.0], column);
    let (xy, yy) = column.split_at(n);
    let yy = *yy.first()?;
    if !(yy.is_finite() && yy != 0.0) {
        return None;
    }
    let w = grad_f.get(n)? / yy;
    let gx = grad_f.get(..n)?;
    let norm = gx
        .iter()
        .zip(xy)
        .map(|(g, c)| (g - c * w).powi(2))
        .sum::<f64>()
        .sqrt();
    norm.is_finite().then_some(norm)
}

/// Most Lanczos steps [`lower_hessian_is_definite`] takes.
const LANCZOS_STEPS: usize = 60;

/// Whether ∇²_yy g at z is positive definite with a condition number below
/// 1e10, judged by the extreme Ritz values of up to [`LANCZOS_STEPS`]
/// Lanczos steps from a fixed pseudo-random start (exact up to rounding
/// when m ≤ 60, an estimate beyond): CG alone cannot tell, since a right
/// side in a small invariant subspace converges there even when the
/// matrix is singular.
pub fn lower_hessian_is_definite(problem: &dyn Problem, z: &[f64]) -> bool {
    let dims = problem.dims();
    let (n, m) = (dims.n, dims.m);
    let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>();
    let mut rng = crate::problem::synthetic_data::SplitMix64::new(0x1a2c_205e);
    let mut q: Vec<f64> = (0..m).map(|_| rng.normal()).collect();
    let q_norm = dot(&q, &q).sqrt();
    q.iter_mut().for_each(|v| *v /= q_norm);
    // Every Lanczos vector, to orthogonalise against all of them: without
    // it rounding noise left after an invariant subspace (a rank-one
    // matrix's after two steps) would pass for new directions.
    let mut basis: Vec<Vec<f64>> = Vec::new();
    let (mut alphas, mut betas) = (Vec::new(), Vec::new());
    let mut out = vec![0.0; n + m];
    for step in 0..m.min(LANCZOS_STEPS) {
        problem.hvp_g(z, &q, &mut out);
        let mut w: Vec<f64> = out[n..].to_vec();
        let alpha = dot(&w, &q);
        basis.push(q.clone());
        for b in &basis {
            let c = dot(&w, b);
            w.iter_mut().zip(b).for_each(|(w, b)| *w -= c * b);
        }
        alphas.push(alpha);
        let next = dot(&w, &w).sqrt();
        let scale = alpha.abs() + betas.last().copied().unwrap_or(0.0);
        // An invariant subspace (or the last step): T is complete.
        if step + 1 == m.min(LANCZOS_STEPS) || next <= 1e-8 * scale {
            break;
        }
        betas.push(next);
        q = w.iter().map(|v| v / next).collect();
    }
    // k alphas and k − 1 betas: every index below is in range.
    let k = alphas.len();
    let t = nalgebra::DMatrix::from_fn(k, k, |i, j| match i.abs_diff(j) {
        0 => alphas[i],
        1 => betas[i.min(j)],
        _ => 0.0,
    });
    let ritz = t.symmetric_eigenvalues();
    let (low, high) = (ritz.min(), ritz.max());
    high.is_finite() && low > 1e-10 * high
}

/// The implicit hypergradient norm `‖∇_x f − ∇²_xy g w‖` with
/// `∇²_yy g w = ∇_y f` solved by conjugate gradients from Hessian-vector
/// products, for any dimension (no Hessian is formed). `None` where
/// [`lower_hessian_is_definite`] says no, where CG
/// meets a curvature pᵀAp/pᵀp that is not positive or below 1e-10 of the
/// largest it has seen (∇²_yy g singular or not positive definite along
/// its path: the implicit hypergradient is then undefined or not the one
/// CG solves for), or does not reach a relative residual of 1e-8 within
/// 10·m steps.
pub fn implicit_hypergradient_norm_cg(
    problem: &dyn Problem,
    z: &[f64],
    grad_f: &[f64],
) -> Option<f64> {
    let dims = problem.dims();
    let (n, m) = (dims.n, dims.m);
    let rhs = grad_f.get(n..n + m)?;
    // The Hessian-vector product with (0, p): its x part is ∇²_xy g p, its
    // y part ∇²_yy g p.
    let mut out = vec![0.0; n + m];
    let apply = |p: &[f64], out: &mut Vec<f64>| problem.hvp_g(z, p, out);
    let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>();
    if !lower_hessian_is_definite(problem, z) {
        return None;
    }
    let rhs_norm = dot(rhs, rhs).sqrt();
    let mut w = vec![0.0; m];
    if rhs_norm > 0.0 {
        let mut r = rhs.to_vec();
        let mut p = r.clone();
        let mut rr = dot(&r, &r);
        let mut converged = false;
        let mut most_curvature: f64 = 0.0;
        for _ in 0..10 * m {
            apply(&p, &mut out);
            let ap = &out[n..];
            let pap = dot(&p, ap);
            let curvature = pap / dot(&p, &p);
            most_curvature = most_curvature.max(curvature);
            if !(curvature > 1e-10 * most_curvature && curvature > 0.0) {
                return None;
            }
            let step = rr / pap;
            w.iter_mut().zip(&p).for_each(|(w, p)| *w += step * p);
            r.iter_mut().zip(ap).for_each(|(r, a)| *r -= step * a);
            let next = dot(&r, &r);
            if next.sqrt() <= 1e-8 * rhs_norm {
                converged = true;
                break;
            }
            let beta = next / rr;
            rr = next;
            p.iter_mut().zip(&r).for_each(|(p, r)| *p = r + beta * *p);
        }
        if !converged {
            return None;
        }
    }
    apply(&w, &mut out);
    let norm = grad_f
        .get(..n)?
        .iter()
        .zip(&out[..n])
        .map(|(g, c)| (g - c).powi(2))
        .sum::<f64>()
        .sqrt();
    norm.is_finite().then_some(norm)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problem::ExprProblem;

    #[test]
    fn hypergradient_of_the_quadratic_matches_phi_prime() {
        // B1: φ'(x) = 1.25x − 1.5 on the LL solution y = x/2.
        let v = |s: &str| vec![s.to_string()];
        let p = ExprProblem::new(
            &v("x"),
            &v("y"),
            "0.5*(x-1)^2 + 0.5*(y-1)^2",
            "y^2 - x*y + 0.5*x^2",
            &[],
        )
        .unwrap();
        for x in [-1.0, 0.3, 1.2, 2.0] {
            let z = [x, x / 2.0];
            let mut gf = [0.0; 2];
            p.grad_f(&z, &mut gf);
            let norm = implicit_hypergradient_norm(&p, &z, &gf).unwrap();
            assert!((norm - (1.25 * x - 1.5).abs()).abs() < 1e-12, "{norm}");
        }
        // B14-like singular ∇²_yy g: undefined, not a division by zero.
        let p = ExprProblem::new(
            &v("x"),
            &["y1".into(), "y2".into()],
            "x",
            "0.5*y1^2 - x*y1",
            &[],
        )
        .unwrap();
        let mut gf = [0.0; 3];
        p.grad_f(&[1.0, 1.0, 0.0], &mut gf);
        assert_eq!(implicit_hypergradient_norm(&p, &[1.0, 1.0, 0.0], &gf), None);
    }

    #[test]
    fn one_lower_variable_agrees_with_the_general_formula() {
        // Two upper variables, one lower; the general path through the full
        // Hessian, written out here, must give the same number.
        let p = ExprProblem::new(
            &["a".into(), "b".into()],
            &["y".into()],
            "sin(a)*y + b^2*y^2 + a*b",
            "y^4/4 + (a - b)*y^2 + a*b*y + exp(0.3*y)",
            &[],
        )
        .unwrap();
        for z in [[0.3, -0.7, 1.1], [1.5, 0.2, -0.4], [-0.9, 0.8, 0.05]] {
            let mut gf = [0.0; 3];
            p.grad_f(&z, &mut gf);
            let hess = p.hess_g(&z);
            let w = gf[2] / hess[(2, 2)];
            let general =
                ((gf[0] - hess[(0, 2)] * w).powi(2) + (gf[1] - hess[(1, 2)] * w).powi(2)).sqrt();
            let fast = implicit_hypergradient_norm(&p, &z, &gf).unwrap();
            assert!(
                (fast - general).abs() <= 1e-12 * (1.0 + general),
                "{fast} vs {general}"
            );
        }
        // Reusing PGD-QP's ∇h gives the same number.
        for z in [[0.3, -0.7, 1.1], [1.5, 0.2, -0.4], [-0.9, 0.8, 0.05]] {
            let mut gf = [0.0; 3];
            p.grad_f(&z, &mut gf);
            let mut gg = [0.0; 3];
            p.grad_g(&z, &mut gg);
            let mut grad_h = [0.0; 3];
            p.hvp_g(&z, &gg[2..], &mut grad_h);
            grad_h.iter_mut().for_each(|v| *v *= 2.0);
            let direct = implicit_hypergradient_norm(&p, &z, &gf).unwrap();
            let reused = implicit_hypergradient_norm_reusing(&p, &z, &gf, &grad_h).unwrap();
            assert!(
                (reused - direct).abs() <= 1e-12 * (1.0 + direct),
                "{reused} vs {direct}"
            );
            // No ∇h (BOME, V-PBGD, AID), or ∇h = 0: the direct path.
            assert_eq!(
                implicit_hypergradient_norm_reusing(&p, &z, &gf, &[]),
                Some(direct)
            );
            assert_eq!(
                implicit_hypergradient_norm_reusing(&p, &z, &gf, &[0.0; 3]),
                Some(direct)
            );
        }
        // ∂²g/∂y² = 0: undefined.
        let flat = ExprProblem::new(&["x".into()], &["y".into()], "x + y", "x*y", &[]).unwrap();
        assert_eq!(
            implicit_hypergradient_norm(&flat, &[1.0, 2.0], &[1.0, 1.0]),
            None
        );
    }

    #[test]
    fn conjugate_gradients_agree_with_the_dense_solve() {
        // A 3-D problem through the dense path, and the 20-D synthetic toy
        // against nalgebra's LU.
        let v = |s: &str| vec![s.to_string()];
        let p = ExprProblem::new(
            &v("x"),
            &["y1".into(), "y2".into()],
            "x*y1 + sin(y2) + x^2",
            "y1^2 + 0.5*y2^2 + x*y1*y2 + 0.1*x^2*y2",
            &[],
        )
        .unwrap();
        for z in [[0.2, 0.5, -0.3], [-0.4, 1.0, 0.7]] {
            let mut gf = [0.0; 3];
            p.grad_f(&z, &mut gf);
            let dense = implicit_hypergradient_norm(&p, &z, &gf).unwrap();
            let cg = implicit_hypergradient_norm_cg(&p, &z, &gf).unwrap();
            assert!(
                (dense - cg).abs() < 1e-9 * dense.max(1.0),
                "{dense} vs {cg}"
            );
        }
        let preset = crate::preset::load_builtin("synthetic20-convex").unwrap();
        let problem = preset.problem.as_ref();
        let z = preset.start();
        let mut gf = vec![0.0; 40];
        problem.grad_f(&z, &mut gf);
        let (xy, yy) = hessian_blocks(&problem.hess_g(&z), problem.dims());
        let gy = nalgebra::DVector::from_column_slice(&gf[20..]);
        let gx = nalgebra::DVector::from_column_slice(&gf[..20]);
        let dense = (gx - xy * yy.lu().solve(&gy).unwrap()).norm();
        let cg = implicit_hypergradient_norm_cg(problem, &z, &gf).unwrap();
        assert!((dense - cg).abs() < 1e-7 * dense, "{dense} vs {cg}");
    }

    #[test]
    fn a_singular_lower_hessian_leaves_the_cg_hypergradient_undefined() {
        // The nonconvex synthetic lower level at its minima, ½‖Hy − x‖² = π:
        // there ∇²_yy g = HᵀrrᵀH has rank one, and no w solves it.
        let inst =
            crate::experiment::instance::instance(crate::problem::LowerKind::Nonconvex, 3, 4)
                .unwrap();
        let p = inst.problem.as_ref();
        let mut gf = vec![0.0; 6];
        p.grad_f(&inst.start, &mut gf);
        assert_eq!(implicit_hypergradient_norm_cg(p, &inst.start, &gf), None);
        // The dense path (n + m = 6) says the same.
        assert_eq!(implicit_hypergradient_norm(p, &inst.start, &gf), None);
    }

    #[test]
    fn negative_curvature_leaves_the_cg_hypergradient_undefined() {
        let p = ExprProblem::new(&["x".into()], &["y".into()], "x + y", "-y^2 + x*y", &[]).unwrap();
        let mut gf = [0.0; 2];
        p.grad_f(&[0.0, 0.0], &mut gf);
        assert_eq!(implicit_hypergradient_norm_cg(&p, &[0.0, 0.0], &gf), None);
    }
}
