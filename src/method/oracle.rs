//! A problem behind a counter: every method reaches f, g and their
//! derivatives through an [`Oracle`], so each run knows exactly how many
//! calls of each kind it made (the comparison mode plots against them).

use crate::problem::{Dims, Problem};
use nalgebra::DMatrix;
use std::cell::Cell;

/// How many oracle calls a run made.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OracleCounts {
    /// Evaluations of f alone.
    pub f: u64,
    /// Gradients of f (each also gives f).
    pub grad_f: u64,
    /// Evaluations of g alone.
    pub g: u64,
    /// Gradients of g (each also gives g).
    pub grad_g: u64,
    /// Hessian-vector products of g with (0, v) (each gives both blocks).
    pub hvp: u64,
    /// Full Hessians of g (diagnostics only; no method here needs one).
    pub hessian: u64,
}

impl OracleCounts {
    /// All calls together, each counted once whatever its kind.
    pub fn total(&self) -> u64 {
        self.f + self.grad_f + self.g + self.grad_g + self.hvp + self.hessian
    }

    /// The sum of two counts.
    pub fn plus(&self, other: &OracleCounts) -> OracleCounts {
        OracleCounts {
            f: self.f + other.f,
            grad_f: self.grad_f + other.grad_f,
            g: self.g + other.g,
            grad_g: self.grad_g + other.grad_g,
            hvp: self.hvp + other.hvp,
            hessian: self.hessian + other.hessian,
        }
    }
}

/// A problem whose calls are counted. Cheap to make: one per step.
#[derive(Debug)]
pub struct Oracle<'a> {
    problem: &'a dyn Problem,
    counts: Cell<OracleCounts>,
}

impl<'a> Oracle<'a> {
    /// Counts calls to `problem` from zero.
    pub fn new(problem: &'a dyn Problem) -> Self {
        Self {
            problem,
            counts: Cell::new(OracleCounts::default()),
        }
    }

    /// The calls so far.
    pub fn counts(&self) -> OracleCounts {
        self.counts.get()
    }

    fn bump(&self, which: impl FnOnce(&mut OracleCounts)) {
        let mut c = self.counts.get();
        which(&mut c);
        self.counts.set(c);
    }

    /// The sizes of x and y (not a call).
    pub fn dims(&self) -> Dims {
        self.problem.dims()
    }

    /// f(z).
    pub fn f(&self, z: &[f64]) -> f64 {
        self.bump(|c| c.f += 1);
        self.problem.f(z)
    }

    /// g(z).
    pub fn g(&self, z: &[f64]) -> f64 {
        self.bump(|c| c.g += 1);
        self.problem.g(z)
    }

    /// Writes ∇f(z) into `out`, returns f(z).
    pub fn grad_f(&self, z: &[f64], out: &mut [f64]) -> f64 {
        self.bump(|c| c.grad_f += 1);
        self.problem.grad_f(z, out)
    }

    /// Writes ∇g(z) into `out`, returns g(z).
    pub fn grad_g(&self, z: &[f64], out: &mut [f64]) -> f64 {
        self.bump(|c| c.grad_g += 1);
        self.problem.grad_g(z, out)
    }

    /// Writes ∇²g(z)·(0, v) into `out` (x block `∇²_xy g·v`, y block
    /// `∇²_yy g·v`).
    pub fn hvp_g(&self, z: &[f64], v: &[f64], out: &mut [f64]) {
        self.bump(|c| c.hvp += 1);
        self.problem.hvp_g(z, v, out)
    }

    /// Writes ∇g(z) into `grad` and ∇²g(z)·(0, ∇_y g) into `hv`, returns
    /// g(z); counted as one gradient and one Hessian-vector product, which
    /// is what it is (problems may share work between the two).
    pub fn grad_g_and_hvp_along_grad_y(&self, z: &[f64], grad: &mut [f64], hv: &mut [f64]) -> f64 {
        self.bump(|c| {
            c.grad_g += 1;
            c.hvp += 1;
        });
        self.problem.grad_g_and_hvp_along_grad_y(z, grad, hv)
    }

    /// The full Hessian of g.
    pub fn hess_g(&self, z: &[f64]) -> DMatrix<f64> {
        self.bump(|c| c.hessian += 1);
        self.problem.hess_g(z)
    }
}

/// What every method computes about the lower level at a point.
#[derive(Debug, Clone, PartialEq)]
pub struct LowerLevel {
    /// g(z).
    pub g: f64,
    /// ∇g(z), x block then y block.
    pub grad_g: Vec<f64>,
    /// h = ‖∇_y g‖².
    pub h: f64,
}

impl LowerLevel {
    /// g, ∇g and h at z (one gradient of g).
    pub fn at(oracle: &Oracle, z: &[f64]) -> Self {
        let mut grad_g = vec![0.0; z.len()];
        let g = oracle.grad_g(z, &mut grad_g);
        Self::from_gradient(oracle, g, grad_g)
    }

    /// g, ∇g, h and ∇h at z (one gradient of g and one Hessian-vector
    /// product, which the problem may compute together).
    pub fn with_grad_h(oracle: &Oracle, z: &[f64]) -> (Self, Vec<f64>) {
        let mut grad_g = vec![0.0; z.len()];
        let mut grad_h = vec![0.0; z.len()];
        let g = oracle.grad_g_and_hvp_along_grad_y(z, &mut grad_g, &mut grad_h);
        grad_h.iter_mut().for_each(|a| *a *= 2.0);
        (Self::from_gradient(oracle, g, grad_g), grad_h)
    }

    fn from_gradient(oracle: &Oracle, g: f64, grad_g: Vec<f64>) -> Self {
        let n = oracle.dims().n;
        let h = grad_g
            .get(n..)
            .unwrap_or_default()
            .iter()
            .map(|a| a * a)
            .sum();
        Self { g, grad_g, h }
    }

    /// ∇_y g.
    pub fn grad_y(&self, n: usize) -> &[f64] {
        self.grad_g.get(n..).unwrap_or_default()
    }
}

/// f, ∇f, the lower level and ∇h at a point: what PGD-QP, RXGF and SQCQP
/// evaluate first (one ∇f, one ∇g, one Hessian-vector product).
#[derive(Debug, Clone, PartialEq)]
pub struct FirstOrder {
    /// f(z).
    pub f: f64,
    /// ∇f(z).
    pub grad_f: Vec<f64>,
    /// g, ∇g and h.
    pub lower: LowerLevel,
    /// ∇h(z).
    pub grad_h: Vec<f64>,
}

impl FirstOrder {
    /// Evaluates them at z.
    pub fn at(oracle: &Oracle, z: &[f64]) -> Self {
        let mut grad_f = vec![0.0; z.len()];
        let f = oracle.grad_f(z, &mut grad_f);
        let (lower, grad_h) = LowerLevel::with_grad_h(oracle, z);
        Self {
            f,
            grad_f,
            lower,
            grad_h,
        }
    }
}

/// Euclidean inner product.
pub fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Euclidean norm.
pub fn norm(a: &[f64]) -> f64 {
    dot(a, a).sqrt()
}
