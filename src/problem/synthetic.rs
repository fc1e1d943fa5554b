//! The synthetic family of the SGF / SQCQP / PGD-QP papers, with
//! hand-derived derivatives:
//!
//! `f = sin(cᵀx + dᵀy) + ln(‖x + y‖² + 1)` and, with `r = Hy − x`,
//! `g = ½‖r‖²` (convex lower level) or `g = cos(½‖r‖²)` (nonconvex).

use super::{Dims, Problem};
use nalgebra::{DMatrix, DVector, DVectorView};

/// Which lower-level objective the family uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LowerKind {
    /// `g = ½‖Hy − x‖²`
    Convex,
    /// `g = cos(½‖Hy − x‖²)`
    Nonconvex,
}

impl LowerKind {
    /// The name used in preset files.
    pub fn as_str(self) -> &'static str {
        match self {
            LowerKind::Convex => "convex",
            LowerKind::Nonconvex => "nonconvex",
        }
    }
}

/// A member of the synthetic family with n = m.
#[derive(Debug, Clone)]
pub struct SyntheticProblem {
    kind: LowerKind,
    c: DVector<f64>,
    d: DVector<f64>,
    h: DMatrix<f64>,
}

/// The pieces every derivative needs at one point.
struct Parts {
    /// x + y
    u: DVector<f64>,
    /// cᵀx + dᵀy
    s: f64,
    /// Hy − x
    r: DVector<f64>,
}

impl SyntheticProblem {
    /// A problem from its data; `None` unless c, d have length n and H is n × n.
    pub fn new(kind: LowerKind, c: DVector<f64>, d: DVector<f64>, h: DMatrix<f64>) -> Option<Self> {
        let n = c.len();
        (n > 0 && d.len() == n && h.nrows() == n && h.ncols() == n).then_some(Self {
            kind,
            c,
            d,
            h,
        })
    }

    /// The lower-level kind.
    pub fn kind(&self) -> LowerKind {
        self.kind
    }

    /// The data (c, d, H).
    pub fn data(&self) -> (&DVector<f64>, &DVector<f64>, &DMatrix<f64>) {
        (&self.c, &self.d, &self.h)
    }

    fn n(&self) -> usize {
        self.c.len()
    }

    fn parts(&self, z: &[f64]) -> Parts {
        let n = self.n();
        let x = DVectorView::from_slice(z.get(..n).unwrap_or_default(), n.min(z.len()));
        let y_slice = z.get(n..).unwrap_or_default();
        let y = DVectorView::from_slice(y_slice, y_slice.len());
        if x.len() != n || y.len() != n {
            // Only a caller bug reaches here; NaN makes the method report it.
            return Parts {
                u: DVector::from_element(n, f64::NAN),
                s: f64::NAN,
                r: DVector::from_element(n, f64::NAN),
            };
        }
        Parts {
            u: x + y,
            s: self.c.dot(&x) + self.d.dot(&y),
            r: &self.h * y - x,
        }
    }

    /// The optimal upper value F* and an optimal point (x*, y*) of the
    /// convex-lower-level member, from the one-dimensional reduction
    /// `F* = min_s sin s + ln(1 + s²/β²)`; `None` for the nonconvex member or
    /// a singular H.
    ///
    /// On the lower-level solution `y = H⁻¹x`, so with `M = I + H⁻¹` and
    /// `u = Mx`: `f = sin(bᵀu) + ln(‖u‖² + 1)` where `b = M⁻ᵀ(c + H⁻ᵀd)`. For
    /// a fixed `s = bᵀu` the smallest ‖u‖ is |s|/β with `β = ‖b‖`.
    pub fn convex_optimum(&self) -> Option<(f64, DVector<f64>, DVector<f64>)> {
        if self.kind != LowerKind::Convex {
            return None;
        }
        let n = self.n();
        let h_inv = self.h.clone().try_inverse()?;
        let m = DMatrix::identity(n, n) + &h_inv;
        let a = &self.c + h_inv.transpose() * &self.d;
        let b = m.transpose().lu().solve(&a)?;
        let beta = b.norm();
        if beta == 0.0 {
            return None;
        }
        let (s, value) = minimize_reduced(beta);
        let u = &b * (s / (beta * beta));
        let x = m.lu().solve(&u)?;
        let y = &h_inv * &x;
        Some((value, x, y))
    }
}

/// Global minimum of `φ(s) = sin s + ln(1 + s²/β²)` by a grid over the only
/// interval that can hold it, then Newton refinement.
fn minimize_reduced(beta: f64) -> (f64, f64) {
    let phi = |s: f64| s.sin() + (1.0 + s * s / (beta * beta)).ln();
    // φ(0) = 0 and φ(s) ≥ −1 + ln(1 + s²/β²), which is positive once
    // |s| > β·√(e − 1) ≈ 1.311 β: the minimiser lies inside that interval.
    let bound = 1.32 * beta;
    let samples = 20_000;
    let mut best = (0.0, phi(0.0));
    for i in 0..=samples {
        let s = -bound + 2.0 * bound * f64::from(i) / f64::from(samples);
        let v = phi(s);
        if v < best.1 {
            best = (s, v);
        }
    }
    let b2 = beta * beta;
    let mut s = best.0;
    for _ in 0..50 {
        let d1 = s.cos() + 2.0 * s / (b2 + s * s);
        let d2 = -s.sin() + 2.0 * (b2 - s * s) / ((b2 + s * s) * (b2 + s * s));
        if d2 <= 0.0 {
            break;
        }
        let next = s - d1 / d2;
        if (next - s).abs() < 1e-15 {
            s = next;
            break;
        }
        s = next;
    }
    if phi(s) <= best.1 { (s, phi(s)) } else { best }
}

fn write_blocks(out: &mut [f64], xb: &DVector<f64>, yb: &DVector<f64>) {
    for (o, v) in out.iter_mut().zip(xb.iter().chain(yb.iter())) {
        *o = *v;
    }
}

impl Problem for SyntheticProblem {
    fn dims(&self) -> Dims {
        Dims {
            n: self.n(),
            m: self.n(),
        }
    }

    fn variable_names(&self) -> Vec<String> {
        let n = self.n();
        (1..=n)
            .map(|i| format!("x{i}"))
            .chain((1..=n).map(|i| format!("y{i}")))
            .collect()
    }

    fn f(&self, z: &[f64]) -> f64 {
        let p = self.parts(z);
        p.s.sin() + (p.u.norm_squared() + 1.0).ln()
    }

    fn g(&self, z: &[f64]) -> f64 {
        let q = 0.5 * self.parts(z).r.norm_squared();
        match self.kind {
            LowerKind::Convex => q,
            LowerKind::Nonconvex => q.cos(),
        }
    }

    fn grad_f(&self, z: &[f64], out: &mut [f64]) -> f64 {
        let p = self.parts(z);
        let norm2 = p.u.norm_squared();
        let log_part = &p.u * (2.0 / (norm2 + 1.0));
        let cos_s = p.s.cos();
        let gx = &self.c * cos_s + &log_part;
        let gy = &self.d * cos_s + &log_part;
        write_blocks(out, &gx, &gy);
        p.s.sin() + (norm2 + 1.0).ln()
    }

    fn grad_g(&self, z: &[f64], out: &mut [f64]) -> f64 {
        let r = self.parts(z).r;
        let q = 0.5 * r.norm_squared();
        // ∇q = (−r, Hᵀr); g = q or cos q.
        let (scale, value) = match self.kind {
            LowerKind::Convex => (1.0, q),
            LowerKind::Nonconvex => (-q.sin(), q.cos()),
        };
        let gx = &r * (-scale);
        let gy = self.h.tr_mul(&r) * scale;
        write_blocks(out, &gx, &gy);
        value
    }

    fn hvp_g(&self, z: &[f64], v: &[f64], out: &mut [f64]) {
        let v = DVector::from_column_slice(v);
        if v.len() != self.n() {
            out.fill(f64::NAN);
            return;
        }
        let hv = &self.h * &v;
        // ∇²q (0, v) = (−Hv, HᵀHv).
        let qx = -&hv;
        let qy = self.h.tr_mul(&hv);
        match self.kind {
            LowerKind::Convex => write_blocks(out, &qx, &qy),
            LowerKind::Nonconvex => {
                // ∇²g = −cos q ∇q∇qᵀ − sin q ∇²q.
                let r = self.parts(z).r;
                let q = 0.5 * r.norm_squared();
                let (sin_q, cos_q) = q.sin_cos();
                let along = r.dot(&hv); // ∇qᵀ(0, v) = (Hᵀr)ᵀv
                let gx = &r * (cos_q * along) - &qx * sin_q;
                let gy = self.h.tr_mul(&r) * (-cos_q * along) - &qy * sin_q;
                write_blocks(out, &gx, &gy);
            }
        }
    }

    fn hess_g(&self, z: &[f64]) -> DMatrix<f64> {
        let n = self.n();
        let mut hq = DMatrix::zeros(2 * n, 2 * n);
        hq.view_mut((0, 0), (n, n)).fill_with_identity();
        hq.view_mut((0, n), (n, n)).copy_from(&(-&self.h));
        hq.view_mut((n, 0), (n, n))
            .copy_from(&(-self.h.transpose()));
        hq.view_mut((n, n), (n, n))
            .copy_from(&self.h.tr_mul(&self.h));
        match self.kind {
            LowerKind::Convex => hq,
            LowerKind::Nonconvex => {
                let r = self.parts(z).r;
                let q = 0.5 * r.norm_squared();
                let mut grad_q = DVector::zeros(2 * n);
                grad_q.rows_mut(0, n).copy_from(&(-&r));
                grad_q.rows_mut(n, n).copy_from(&self.h.tr_mul(&r));
                &grad_q * grad_q.transpose() * (-q.cos()) - hq * q.sin()
            }
        }
    }
}
