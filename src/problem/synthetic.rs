//! The synthetic family of the SGF / SQCQP / PGD-QP papers, with
//! hand-derived derivatives:
//!
//! `f = sin(cᵀx + dᵀy) + ln(‖x + y‖² + 1)` and, with `r = Hy − x`,
//! `g = ½‖r‖²` (convex lower level) or `g = cos(½‖r‖²)` (nonconvex).

use super::{Dims, Problem};
use nalgebra::{DMatrix, DVector, DVectorView, DVectorViewMut};

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
///
/// The oracle allocates nothing: the experiments run millions of
/// iterations, each a few 20 × 20 products. Every product runs nalgebra's
/// kernel on views of the caller's output, which doubles as scratch space.
#[derive(Debug, Clone)]
pub struct SyntheticProblem {
    kind: LowerKind,
    c: DVector<f64>,
    d: DVector<f64>,
    h: DMatrix<f64>,
}

/// Σ aᵢbᵢ over the shorter of the two.
fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
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

    /// x and y of z, or None if z is not 2n long (only a caller's bug).
    fn split<'a>(&self, z: &'a [f64]) -> Option<(&'a [f64], &'a [f64])> {
        let n = self.n();
        (z.len() == 2 * n).then(|| z.split_at(n))
    }

    /// out = Hv (nalgebra's matrix–vector kernel, on views of the slices).
    fn product(&self, v: &[f64], out: &mut [f64]) {
        let n = self.n();
        if v.len() == n && out.len() == n {
            DVectorViewMut::from_slice(out, n).gemv(
                1.0,
                &self.h,
                &DVectorView::from_slice(v, n),
                0.0,
            );
        } else {
            out.fill(f64::NAN);
        }
    }

    /// out = Hy − x = r.
    fn residual(&self, x: &[f64], y: &[f64], out: &mut [f64]) {
        self.product(y, out);
        for (o, xi) in out.iter_mut().zip(x) {
            *o -= xi;
        }
    }

    /// (cᵀx + dᵀy, ‖x + y‖²).
    fn upper_parts(&self, x: &[f64], y: &[f64]) -> (f64, f64) {
        let s = dot(self.c.as_slice(), x) + dot(self.d.as_slice(), y);
        let norm2 = x.iter().zip(y).map(|(a, b)| (a + b) * (a + b)).sum();
        (s, norm2)
    }

    /// out[n..] = scale · Hᵀ out[..n].
    fn transpose_product_of_first_half(&self, out: &mut [f64], scale: f64) {
        let (w, rest) = out.split_at_mut(self.n().min(out.len()));
        self.transpose_product(w, rest, scale);
    }

    /// out = scale · Hᵀw.
    fn transpose_product(&self, w: &[f64], out: &mut [f64], scale: f64) {
        let n = self.n();
        if w.len() == n && out.len() == n {
            DVectorViewMut::from_slice(out, n).gemv_tr(
                scale,
                &self.h,
                &DVectorView::from_slice(w, n),
                0.0,
            );
        } else {
            out.fill(f64::NAN);
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
        let Some((x, y)) = self.split(z) else {
            return f64::NAN;
        };
        let (s, norm2) = self.upper_parts(x, y);
        s.sin() + (norm2 + 1.0).ln()
    }

    fn g(&self, z: &[f64]) -> f64 {
        let Some((x, y)) = self.split(z) else {
            return f64::NAN;
        };
        // rᵢ = (row i of H)·y − xᵢ, row by row: no buffer needed.
        let n = self.n();
        let h = self.h.as_slice();
        let q = 0.5
            * (0..n)
                .map(|i| {
                    let hy: f64 = y.iter().enumerate().map(|(j, yj)| h[i + j * n] * yj).sum();
                    (hy - x[i]).powi(2)
                })
                .sum::<f64>();
        match self.kind {
            LowerKind::Convex => q,
            LowerKind::Nonconvex => q.cos(),
        }
    }

    fn grad_f(&self, z: &[f64], out: &mut [f64]) -> f64 {
        let Some((x, y)) = self.split(z).filter(|_| out.len() == z.len()) else {
            out.fill(f64::NAN);
            return f64::NAN;
        };
        let (s, norm2) = self.upper_parts(x, y);
        let (cos_s, log_scale) = (s.cos(), 2.0 / (norm2 + 1.0));
        let (ox, oy) = out.split_at_mut(self.n());
        for i in 0..ox.len() {
            let u = (x[i] + y[i]) * log_scale;
            ox[i] = self.c[i] * cos_s + u;
            oy[i] = self.d[i] * cos_s + u;
        }
        s.sin() + (norm2 + 1.0).ln()
    }

    fn grad_g(&self, z: &[f64], out: &mut [f64]) -> f64 {
        let Some((x, y)) = self.split(z).filter(|_| out.len() == z.len()) else {
            out.fill(f64::NAN);
            return f64::NAN;
        };
        let n = self.n();
        // r into the x half first; ∇q = (−r, Hᵀr); g = q or cos q.
        self.residual(x, y, &mut out[..n]);
        let q = 0.5 * out.iter().take(n).map(|r| r * r).sum::<f64>();
        let (scale, value) = match self.kind {
            LowerKind::Convex => (1.0, q),
            LowerKind::Nonconvex => (-q.sin(), q.cos()),
        };
        self.transpose_product_of_first_half(out, scale);
        for o in out.iter_mut().take(n) {
            *o *= -scale;
        }
        value
    }

    fn hvp_g(&self, z: &[f64], v: &[f64], out: &mut [f64]) {
        let n = self.n();
        let Some((x, y)) = self.split(z).filter(|_| v.len() == n && out.len() == 2 * n) else {
            out.fill(f64::NAN);
            return;
        };
        // Hv into the x half: ∇²q (0, v) = (−Hv, HᵀHv).
        self.product(v, &mut out[..n]);
        match self.kind {
            LowerKind::Convex => {
                self.transpose_product_of_first_half(out, 1.0);
                for o in out.iter_mut().take(n) {
                    *o = -*o;
                }
            }
            LowerKind::Nonconvex => {
                // ∇²g = −cos q ∇q∇qᵀ − sin q ∇²q, with ∇qᵀ(0, v) = rᵀHv.
                // r goes into the y half until Hᵀ of the x half needs it.
                let (hv, r) = out.split_at_mut(n);
                self.residual(x, y, r);
                let q = 0.5 * r.iter().map(|a| a * a).sum::<f64>();
                let along = dot(r, hv);
                let (sin_q, cos_q) = q.sin_cos();
                // The x block is w = cos q · (rᵀHv) · r + sin q · Hv, and the
                // y block −Hᵀw.
                for (w, ri) in hv.iter_mut().zip(r.iter()) {
                    *w = cos_q * along * ri + sin_q * *w;
                }
                self.transpose_product_of_first_half(out, -1.0);
            }
        }
    }

    /// Four products in all: r = Hy − x once for both, Hᵀr for ∇_y g, then
    /// H∇_y g and one Hᵀ for the curvature along it.
    fn grad_g_and_hvp_along_grad_y(&self, z: &[f64], grad: &mut [f64], hv: &mut [f64]) -> f64 {
        let n = self.n();
        let Some((x, y)) = self
            .split(z)
            .filter(|_| grad.len() == 2 * n && hv.len() == 2 * n)
        else {
            grad.fill(f64::NAN);
            hv.fill(f64::NAN);
            return f64::NAN;
        };
        let (hx, r) = hv.split_at_mut(n);
        // r waits in hv's y half until the last product overwrites it.
        self.residual(x, y, r);
        let q = 0.5 * r.iter().map(|a| a * a).sum::<f64>();
        let (scale, value) = match self.kind {
            LowerKind::Convex => (1.0, q),
            LowerKind::Nonconvex => (-q.sin(), q.cos()),
        };
        let (gx, gy) = grad.split_at_mut(n);
        self.transpose_product(r, gy, scale);
        for (o, ri) in gx.iter_mut().zip(r.iter()) {
            *o = -scale * ri;
        }
        // H v with v = ∇_y g.
        self.product(gy, hx);
        match self.kind {
            LowerKind::Convex => {
                self.transpose_product_of_first_half(hv, 1.0);
                for o in hv.iter_mut().take(n) {
                    *o = -*o;
                }
            }
            LowerKind::Nonconvex => {
                let along = dot(r, hx);
                let (sin_q, cos_q) = q.sin_cos();
                for (w, ri) in hx.iter_mut().zip(r.iter()) {
                    *w = cos_q * along * ri + sin_q * *w;
                }
                self.transpose_product_of_first_half(hv, -1.0);
            }
        }
        value
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
                let Some((x, y)) = self.split(z) else {
                    return DMatrix::from_element(2 * n, 2 * n, f64::NAN);
                };
                let mut r = DVector::zeros(n);
                self.residual(x, y, r.as_mut_slice());
                let q = 0.5 * r.norm_squared();
                let mut grad_q = DVector::zeros(2 * n);
                grad_q.rows_mut(0, n).copy_from(&(-&r));
                grad_q.rows_mut(n, n).copy_from(&self.h.tr_mul(&r));
                &grad_q * grad_q.transpose() * (-q.cos()) - hq * q.sin()
            }
        }
    }
}
