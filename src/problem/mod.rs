//! Bilevel problems with exact derivatives.
//!
//! A problem is `min f(x, y)` subject to `y ∈ argmin g(x, ·)`, with
//! `x ∈ Rⁿ` (upper level) and `y ∈ Rᵐ` (lower level). Points are passed as
//! one slice `z = (x, y)` of length `n + m`, x first.

mod cleaning;
mod expression;
mod synthetic;
pub mod synthetic_data;

pub use cleaning::{HyperCleaning, LabelledSet, sigmoid};
pub use expression::{ExprProblem, ProblemError};
pub use synthetic::{LowerKind, SyntheticProblem};

use nalgebra::DMatrix;

/// The sizes of the two levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dims {
    /// Number of upper-level variables (x).
    pub n: usize,
    /// Number of lower-level variables (y).
    pub m: usize,
}

impl Dims {
    /// `n + m`, the length of a point z.
    pub fn total(&self) -> usize {
        self.n + self.m
    }
}

/// The oracle every method uses: values, gradients and Hessian products of
/// f and g, all exact (hand-derived or automatic differentiation).
///
/// Gradients are written into `out` slices of length `n + m` (x block first);
/// `v` in [`Problem::hvp_g`] has length `m`.
pub trait Problem: Send + Sync + std::fmt::Debug {
    /// The sizes of x and y.
    fn dims(&self) -> Dims;
    /// Names of the variables, x block then y block.
    fn variable_names(&self) -> Vec<String>;
    /// Upper-level objective f(z).
    fn f(&self, z: &[f64]) -> f64;
    /// Lower-level objective g(z).
    fn g(&self, z: &[f64]) -> f64;
    /// Writes ∇f(z) = (∇_x f, ∇_y f) into `out` and returns f(z).
    fn grad_f(&self, z: &[f64], out: &mut [f64]) -> f64;
    /// Writes ∇g(z) = (∇_x g, ∇_y g) into `out` and returns g(z).
    fn grad_g(&self, z: &[f64], out: &mut [f64]) -> f64;
    /// Writes `∇²g(z)·(0, v)` into `out`: the x block is `∇²_xy g · v`, the
    /// y block is `∇²_yy g · v`.
    fn hvp_g(&self, z: &[f64], v: &[f64], out: &mut [f64]);
    /// The full Hessian of g, `(n+m) × (n+m)`, for diagnostics in low
    /// dimension.
    fn hess_g(&self, z: &[f64]) -> DMatrix<f64>;

    /// Writes ∇g(z) into `grad` and `∇²g(z)·(0, ∇_y g(z))` into `hv`, and
    /// returns g(z): what h = ‖∇_y g‖² and ∇h = 2∇²g·(0, ∇_y g) need. The
    /// default is [`Problem::grad_g`] then [`Problem::hvp_g`]; problems that
    /// can share the work between the two override it.
    fn grad_g_and_hvp_along_grad_y(&self, z: &[f64], grad: &mut [f64], hv: &mut [f64]) -> f64 {
        grad_g_then_hvp(self, z, grad, hv)
    }

    /// Whether the upper variables go to infinity on the way to a solution
    /// by design (hyper-cleaning's weight logits: a weight tends to 0 or 1
    /// only as its xᵢ → ∓∞). The runaway detector then watches y alone.
    fn upper_grows_by_design(&self) -> bool {
        false
    }

    /// The global minimiser of g(x, ·) at z's x, approximately, where the
    /// problem knows its lower level is strongly convex and can solve it
    /// (warm-started from z's y); `None` (the default) leaves the true gap
    /// to the multi-start search, which also decides where the answer
    /// given here is not stationary.
    fn lower_minimiser(&self, z: &[f64]) -> Option<Vec<f64>> {
        let _ = z;
        None
    }

    /// g, ∂g/∂y_j and ∂²g/∂y_j² at z, along lower-level coordinate `j`
    /// (NaN for a `j` past the y block). Landscapes call this once per grid
    /// node, so problems that can get all three in one pass override it.
    fn g_along_y(&self, z: &[f64], j: usize) -> [f64; 3] {
        let dims = self.dims();
        let mut grad = vec![0.0; dims.total()];
        let g = self.grad_g(z, &mut grad);
        let mut e = vec![0.0; dims.m];
        let Some(slot) = e.get_mut(j) else {
            return [g, f64::NAN, f64::NAN];
        };
        *slot = 1.0;
        let mut hv = vec![0.0; dims.total()];
        self.hvp_g(z, &e, &mut hv);
        let at = |v: &[f64]| v.get(dims.n + j).copied().unwrap_or(f64::NAN);
        [g, at(&grad), at(&hv)]
    }
}

/// [`Problem::grad_g_and_hvp_along_grad_y`] as two separate calls: ∇g,
/// then ∇²g·(0, ∇_y g). The default, and the fallback of problems whose
/// shared pass only covers some cases.
pub fn grad_g_then_hvp<P: Problem + ?Sized>(
    problem: &P,
    z: &[f64],
    grad: &mut [f64],
    hv: &mut [f64],
) -> f64 {
    let g = problem.grad_g(z, grad);
    let v = grad.get(problem.dims().n..).unwrap_or_default().to_vec();
    problem.hvp_g(z, &v, hv);
    g
}

/// The lower-level blocks of a full Hessian of g: (`∇²_xy g` as n × m,
/// `∇²_yy g` as m × m).
pub fn hessian_blocks(hess: &DMatrix<f64>, dims: Dims) -> (DMatrix<f64>, DMatrix<f64>) {
    let xy = hess.view((0, dims.n), (dims.n, dims.m)).into_owned();
    let yy = hess.view((dims.n, dims.n), (dims.m, dims.m)).into_owned();
    (xy, yy)
}

#[cfg(test)]
mod tests;
