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
}
