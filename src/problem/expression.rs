//! Problems whose f and g are typed as text; derivatives by forward-mode
//! automatic differentiation (num-dual) through the compiled tape.

use super::{Dims, Problem};
use crate::expr::{self, ExprError, Scope, Tape};
use nalgebra::DMatrix;
use num_dual::{Dual64, HyperDual64};
use std::fmt;

/// Why a problem could not be built from its text.
#[derive(Debug, Clone, PartialEq)]
pub enum ProblemError {
    /// f or g does not parse.
    Expr {
        /// `"f"` or `"g"`.
        which: &'static str,
        /// The parse error, located in that expression's text.
        error: ExprError,
    },
    /// A variable or constant name is not usable.
    Name {
        /// The offending name.
        name: String,
        /// Why it cannot be used.
        reason: String,
    },
    /// A level has no variables.
    NoVariables {
        /// `"upper"` or `"lower"`.
        level: &'static str,
    },
}

impl fmt::Display for ProblemError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProblemError::Expr { which, error } => write!(f, "in {which}: {error}"),
            ProblemError::Name { name, reason } => write!(f, "the name '{name}' {reason}"),
            ProblemError::NoVariables { level } => {
                write!(f, "the {level} level needs at least one variable")
            }
        }
    }
}

impl std::error::Error for ProblemError {}

/// A bilevel problem given by two expressions over named variables.
#[derive(Debug, Clone)]
pub struct ExprProblem {
    dims: Dims,
    names: Vec<String>,
    f: Tape,
    g: Tape,
}

impl ExprProblem {
    /// Compiles f and g over the upper variables, then the lower ones.
    pub fn new(
        upper: &[String],
        lower: &[String],
        f: &str,
        g: &str,
        constants: &[(String, f64)],
    ) -> Result<Self, ProblemError> {
        if upper.is_empty() {
            return Err(ProblemError::NoVariables { level: "upper" });
        }
        if lower.is_empty() {
            return Err(ProblemError::NoVariables { level: "lower" });
        }
        let names: Vec<String> = upper.iter().chain(lower).cloned().collect();
        let all_names = names.iter().chain(constants.iter().map(|(c, _)| c));
        for (i, name) in all_names.clone().enumerate() {
            let reason = if !expr::is_identifier(name) {
                Some("is not a valid name (use letters, digits and _, not starting with a digit)")
            } else if expr::is_reserved(name) {
                Some("is reserved for a built-in function or constant")
            } else if all_names.clone().take(i).any(|other| other == name) {
                Some("is declared twice")
            } else {
                None
            };
            if let Some(reason) = reason {
                return Err(ProblemError::Name {
                    name: name.clone(),
                    reason: reason.into(),
                });
            }
        }
        let scope = Scope {
            variables: &names,
            constants,
        };
        let f = expr::parse(f, &scope).map_err(|error| ProblemError::Expr { which: "f", error })?;
        let g = expr::parse(g, &scope).map_err(|error| ProblemError::Expr { which: "g", error })?;
        Ok(Self {
            dims: Dims {
                n: upper.len(),
                m: lower.len(),
            },
            names,
            f,
            g,
        })
    }

    /// The compiled upper-level objective.
    pub fn f_tape(&self) -> &Tape {
        &self.f
    }

    /// The compiled lower-level objective.
    pub fn g_tape(&self) -> &Tape {
        &self.g
    }
}

/// Scratch space for the dual-number arguments: on the stack for small
/// problems, on the heap beyond.
fn with_args<D: Copy, R>(len: usize, fill: D, body: impl FnOnce(&mut [D]) -> R) -> R {
    const INLINE: usize = 16;
    if len <= INLINE {
        let mut buf = [fill; INLINE];
        body(buf.get_mut(..len).unwrap_or_default())
    } else {
        body(&mut vec![fill; len])
    }
}

/// Gradient of a tape by one forward pass per coordinate; returns the value.
fn gradient(tape: &Tape, z: &[f64], out: &mut [f64]) -> f64 {
    let mut value = 0.0;
    with_args(z.len(), Dual64::from(0.0), |args| {
        for (a, &zi) in args.iter_mut().zip(z) {
            *a = Dual64::from(zi);
        }
        for (i, slot) in out.iter_mut().enumerate().take(z.len()) {
            if let Some(a) = args.get_mut(i) {
                a.eps = 1.0;
            }
            let d = tape.eval(args);
            *slot = d.eps;
            value = d.re;
            if let Some(a) = args.get_mut(i) {
                a.eps = 0.0;
            }
        }
    });
    value
}

impl Problem for ExprProblem {
    fn dims(&self) -> Dims {
        self.dims
    }

    fn variable_names(&self) -> Vec<String> {
        self.names.clone()
    }

    fn f(&self, z: &[f64]) -> f64 {
        self.f.eval(z)
    }

    fn g(&self, z: &[f64]) -> f64 {
        self.g.eval(z)
    }

    fn grad_f(&self, z: &[f64], out: &mut [f64]) -> f64 {
        gradient(&self.f, z, out)
    }

    fn grad_g(&self, z: &[f64], out: &mut [f64]) -> f64 {
        gradient(&self.g, z, out)
    }

    fn hvp_g(&self, z: &[f64], v: &[f64], out: &mut [f64]) {
        // Hyper-dual number with ε₁ = e_i and ε₂ = w = (0, v): its ε₁ε₂ part
        // is e_iᵀ ∇²g w, one coordinate of the product, exactly.
        let n = self.dims.n;
        with_args(z.len(), HyperDual64::from(0.0), |args| {
            for (j, (a, &zj)) in args.iter_mut().zip(z).enumerate() {
                let wj = j
                    .checked_sub(n)
                    .and_then(|k| v.get(k))
                    .copied()
                    .unwrap_or(0.0);
                *a = HyperDual64::new(zj, 0.0, wj, 0.0);
            }
            for (i, slot) in out.iter_mut().enumerate().take(z.len()) {
                if let Some(a) = args.get_mut(i) {
                    a.eps1 = 1.0;
                }
                *slot = self.g.eval(args).eps1eps2;
                if let Some(a) = args.get_mut(i) {
                    a.eps1 = 0.0;
                }
            }
        });
    }

    fn grad_g_and_hvp_along_grad_y(&self, z: &[f64], grad: &mut [f64], hv: &mut [f64]) -> f64 {
        if self.dims.m != 1 {
            return super::grad_g_then_hvp(self, z, grad, hv);
        }
        // One lower variable y: ∇²g·(0, ∂g/∂y) = (∂g/∂y)·∇²g·(0, 1). One
        // hyper-dual pass per coordinate with ε₁ = e_i and ε₂ = e_y gives
        // g, ∂g/∂z_i, ∂g/∂y and ∂²g/∂z_i∂y together: n + 1 passes instead
        // of n + 1 for ∇g and n + 1 more for the product.
        let y = self.dims.n;
        with_args(z.len(), 0.0, |second| {
            let (value, along_y) = with_args(z.len(), HyperDual64::from(0.0), |args| {
                for (j, (a, &zj)) in args.iter_mut().zip(z).enumerate() {
                    let seed = if j == y { 1.0 } else { 0.0 };
                    *a = HyperDual64::new(zj, 0.0, seed, 0.0);
                }
                let mut last = HyperDual64::from(0.0);
                for (i, (slot, d2)) in grad.iter_mut().zip(second.iter_mut()).enumerate() {
                    if let Some(a) = args.get_mut(i) {
                        a.eps1 = 1.0;
                    }
                    last = self.g.eval(args);
                    *slot = last.eps1;
                    *d2 = last.eps1eps2;
                    if let Some(a) = args.get_mut(i) {
                        a.eps1 = 0.0;
                    }
                }
                (last.re, last.eps2)
            });
            for (out, d2) in hv.iter_mut().zip(second.iter()) {
                *out = d2 * along_y;
            }
            value
        })
    }

    fn g_along_y(&self, z: &[f64], j: usize) -> [f64; 3] {
        // One hyper-dual pass with ε₁ = ε₂ = e_(n+j): value, first and
        // second derivative along that coordinate at once.
        let i = self.dims.n + j;
        if j >= self.dims.m {
            return [self.g.eval(z), f64::NAN, f64::NAN];
        }
        with_args(z.len(), HyperDual64::from(0.0), |args| {
            for (k, (a, &zk)) in args.iter_mut().zip(z).enumerate() {
                let seed = if k == i { 1.0 } else { 0.0 };
                *a = HyperDual64::new(zk, seed, seed, 0.0);
            }
            let d = self.g.eval(args);
            [d.re, d.eps1, d.eps1eps2]
        })
    }

    fn hess_g(&self, z: &[f64]) -> DMatrix<f64> {
        let len = z.len();
        let mut hess = DMatrix::zeros(len, len);
        let mut args: Vec<HyperDual64> = z.iter().map(|&zi| HyperDual64::from(zi)).collect();
        for i in 0..len {
            for j in i..len {
                if let Some(a) = args.get_mut(i) {
                    a.eps1 = 1.0;
                }
                if let Some(a) = args.get_mut(j) {
                    a.eps2 = 1.0;
                }
                let d = self.g.eval(&args).eps1eps2;
                hess[(i, j)] = d;
                hess[(j, i)] = d;
                for a in &mut args {
                    a.eps1 = 0.0;
                    a.eps2 = 0.0;
                }
            }
        }
        hess
    }
}
