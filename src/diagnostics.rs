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
}
