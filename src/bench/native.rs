//! Mitsos–Barton 3.17 (B8) written out by hand: the baseline the expression
//! engine is measured against.

use crate::problem::{Dims, Problem};
use nalgebra::DMatrix;

/// f = (x + ½)² + ½y², g = ½xy² + ¼y⁴, derivatives by hand. Points have
/// length n + m = 2 by the [`Problem`] contract, which every caller keeps
/// (the run driver makes them from the start point's length).
#[derive(Debug, Clone, Copy, Default)]
pub struct B8Native;

impl Problem for B8Native {
    fn dims(&self) -> Dims {
        Dims { n: 1, m: 1 }
    }

    fn variable_names(&self) -> Vec<String> {
        vec!["x".into(), "y".into()]
    }

    fn f(&self, z: &[f64]) -> f64 {
        let (x, y) = (z[0], z[1]);
        (x + 0.5) * (x + 0.5) + 0.5 * y * y
    }

    fn g(&self, z: &[f64]) -> f64 {
        let (x, y) = (z[0], z[1]);
        0.5 * x * y * y + 0.25 * y * y * y * y
    }

    fn grad_f(&self, z: &[f64], out: &mut [f64]) -> f64 {
        let (x, y) = (z[0], z[1]);
        out[0] = 2.0 * (x + 0.5);
        out[1] = y;
        self.f(z)
    }

    fn grad_g(&self, z: &[f64], out: &mut [f64]) -> f64 {
        let (x, y) = (z[0], z[1]);
        out[0] = 0.5 * y * y;
        out[1] = x * y + y * y * y;
        self.g(z)
    }

    fn hvp_g(&self, z: &[f64], v: &[f64], out: &mut [f64]) {
        let (x, y) = (z[0], z[1]);
        // ∇²_xy g = y, ∇²_yy g = x + 3y².
        out[0] = y * v[0];
        out[1] = (x + 3.0 * y * y) * v[0];
    }

    fn hess_g(&self, z: &[f64]) -> DMatrix<f64> {
        let (x, y) = (z[0], z[1]);
        DMatrix::from_row_slice(2, 2, &[0.0, y, y, x + 3.0 * y * y])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::preset::load_builtin;

    #[test]
    fn the_hand_coded_b8_agrees_with_the_preset() {
        let p = load_builtin("b08-mitsos-barton-3-17").unwrap();
        for z in [[0.5, 0.3], [-0.25, 0.5], [-0.7, -0.2]] {
            let (mut a, mut b) = ([0.0; 2], [0.0; 2]);
            assert!((B8Native.grad_f(&z, &mut a) - p.problem.grad_f(&z, &mut b)).abs() < 1e-14);
            assert!(a.iter().zip(&b).all(|(u, v)| (u - v).abs() < 1e-14));
            assert!((B8Native.grad_g(&z, &mut a) - p.problem.grad_g(&z, &mut b)).abs() < 1e-14);
            assert!(a.iter().zip(&b).all(|(u, v)| (u - v).abs() < 1e-14));
            B8Native.hvp_g(&z, &[0.7], &mut a);
            p.problem.hvp_g(&z, &[0.7], &mut b);
            assert!(a.iter().zip(&b).all(|(u, v)| (u - v).abs() < 1e-13));
            assert!((B8Native.hess_g(&z) - p.problem.hess_g(&z)).abs().max() < 1e-13);
        }
    }
}
