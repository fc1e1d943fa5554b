//! Data hyper-cleaning: learn one weight per training sample so that a
//! classifier trained on the weighted samples does well on clean
//! validation data. The seed paper's third experiment.
//!
//! Upper variables x ∈ Rᴺ, one per training sample, weight σ(xᵢ); lower
//! variables the p × C weights Y of a softmax regression (features by
//! classes, stored column by column in y). With logits L = A Y and softmax
//! rows P:
//!
//! - `g(x, Y) = (1/N) Σᵢ σ(xᵢ) CEᵢ(Y) + λ‖Y‖²` on the (partly corrupted)
//!   training set, strongly convex in Y for λ > 0;
//! - `f(Y) = (1/N_v) Σ CE(Y)` on the clean validation set (x enters f only
//!   through the lower level).
//!
//! Every derivative is hand-derived and costs one or two products with the
//! data matrix; no Hessian is ever formed except by [`Problem::hess_g`],
//! which builds it column by column from Hessian-vector products for
//! diagnostics.

use super::{Dims, Problem};
use nalgebra::{DMatrix, DMatrixView};

/// Samples as rows of a feature matrix with their class labels.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelledSet {
    /// One row per sample (N × p).
    pub features: DMatrix<f64>,
    /// The class of each row, `0..classes`.
    pub labels: Vec<usize>,
}

impl LabelledSet {
    /// Number of samples.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Whether the set has no samples.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }
}

/// The hyper-cleaning problem on one training and one validation set.
#[derive(Debug, Clone)]
pub struct HyperCleaning {
    train: LabelledSet,
    validation: LabelledSet,
    classes: usize,
    ridge: f64,
}

/// Logits, softmax rows and per-sample cross-entropies of one set at Y.
struct Forward {
    /// Softmax of the logits, N × C.
    p: DMatrix<f64>,
    /// Cross-entropy of each sample.
    ce: Vec<f64>,
}

/// The sample weights σ(xᵢ) and their slopes σ′(xᵢ).
struct Weights {
    value: Vec<f64>,
    slope: Vec<f64>,
}

/// Softmax rows of `logits` and each row's cross-entropy against `labels`,
/// computed with the largest logit subtracted so that nothing overflows.
fn forward(logits: DMatrix<f64>, labels: &[usize]) -> Forward {
    let mut p = logits;
    let mut ce = Vec::with_capacity(labels.len());
    for (i, &label) in labels.iter().enumerate() {
        let mut row = p.row_mut(i);
        let top = row.max();
        row.add_scalar_mut(-top);
        let correct = row.get(label).copied().unwrap_or(f64::NAN);
        row.apply(|v| *v = v.exp());
        let sum = row.sum();
        row /= sum;
        ce.push(sum.ln() - correct);
    }
    Forward { p, ce }
}

/// σ(t) = 1/(1 + e^(−t)), written so that neither branch overflows.
pub fn sigmoid(t: f64) -> f64 {
    if t >= 0.0 {
        1.0 / (1.0 + (-t).exp())
    } else {
        let e = t.exp();
        e / (1.0 + e)
    }
}

/// σ′(t) = σ(t)·σ(−t), accurate for large |t| of either sign (w(1 − w)
/// would round to 0 once σ(t) rounds to 1).
fn sigmoid_slope(t: f64) -> f64 {
    sigmoid(t) * sigmoid(-t)
}

impl HyperCleaning {
    /// A problem from its two sets; `None` unless both are non-empty, have
    /// the same number of features, labels below `classes` (≥ 2), and the
    /// ridge λ is finite and positive.
    pub fn new(
        train: LabelledSet,
        validation: LabelledSet,
        classes: usize,
        ridge: f64,
    ) -> Option<Self> {
        let sized = |s: &LabelledSet| {
            !s.is_empty()
                && s.features.nrows() == s.len()
                && s.labels.iter().all(|&l| l < classes)
                && s.features.iter().all(|v| v.is_finite())
        };
        (classes >= 2
            && sized(&train)
            && sized(&validation)
            && train.features.ncols() == validation.features.ncols()
            && train.features.ncols() > 0
            && ridge.is_finite()
            && ridge > 0.0)
            .then_some(Self {
                train,
                validation,
                classes,
                ridge,
            })
    }

    /// Number of features p (the rows of Y).
    pub fn features(&self) -> usize {
        self.train.features.ncols()
    }

    /// Number of classes C (the columns of Y).
    pub fn classes(&self) -> usize {
        self.classes
    }

    /// The ridge coefficient λ.
    pub fn ridge(&self) -> f64 {
        self.ridge
    }

    /// The training set, labels as given (corrupted ones included).
    pub fn train(&self) -> &LabelledSet {
        &self.train
    }

    /// The validation set.
    pub fn validation(&self) -> &LabelledSet {
        &self.validation
    }

    fn n(&self) -> usize {
        self.train.len()
    }

    fn m(&self) -> usize {
        self.features() * self.classes
    }

    /// The lower-level block of z as the p × C matrix Y (NaN-filled if z
    /// is too short: only a caller bug reaches that, and the NaN shows).
    fn model<'a>(&self, z: &'a [f64]) -> Option<DMatrixView<'a, f64>> {
        let y = z.get(self.n()..self.n() + self.m())?;
        Some(DMatrixView::from_slice(y, self.features(), self.classes))
    }

    /// The share of `set` that the model y (length p·C) classifies right.
    pub fn accuracy(&self, set: &LabelledSet, y: &[f64]) -> f64 {
        if y.len() != self.m() || set.is_empty() || set.features.ncols() != self.features() {
            return f64::NAN;
        }
        let model = DMatrixView::from_slice(y, self.features(), self.classes);
        let logits = &set.features * model;
        let right = set
            .labels
            .iter()
            .enumerate()
            .filter(|&(i, &label)| logits.row(i).transpose().argmax().0 == label)
            .count();
        right as f64 / set.len() as f64
    }

    /// Training loss, its softmax rows and the sample weights at z.
    fn train_forward(&self, z: &[f64]) -> Option<(Forward, Weights)> {
        let model = self.model(z)?;
        let x = z.get(..self.n())?;
        let weights = Weights {
            value: x.iter().map(|&t| sigmoid(t)).collect(),
            slope: x.iter().map(|&t| sigmoid_slope(t)).collect(),
        };
        Some((
            forward(&self.train.features * model, &self.train.labels),
            weights,
        ))
    }

    /// `(1/N) Aᵀ diag(w) (P − B)`: the data part of ∇_Y g, as a p × C matrix.
    fn weighted_residual_product(&self, fw: &Forward, weights: &[f64]) -> DMatrix<f64> {
        let mut r = fw.p.clone();
        for (i, (&label, &w)) in self.train.labels.iter().zip(weights).enumerate() {
            if let Some(v) = r.get_mut((i, label)) {
                *v -= 1.0;
            }
            r.row_mut(i).scale_mut(w);
        }
        self.train.features.tr_mul(&r) / self.n() as f64
    }

    /// g and ∇g at z, with the forward pass kept for a following HVP.
    fn g_parts(&self, z: &[f64], out: &mut [f64]) -> Option<(f64, Forward, Weights)> {
        let (fw, weights) = self.train_forward(z)?;
        let model = self.model(z)?;
        let inv_n = 1.0 / self.n() as f64;
        let data: f64 = fw.ce.iter().zip(&weights.value).map(|(c, w)| c * w).sum();
        let g = data * inv_n + self.ridge * model.norm_squared();
        let grad_y =
            self.weighted_residual_product(&fw, &weights.value) + model * (2.0 * self.ridge);
        let (gx, gy) = out.split_at_mut(self.n());
        for ((o, &c), &slope) in gx.iter_mut().zip(&fw.ce).zip(&weights.slope) {
            *o = inv_n * slope * c;
        }
        gy.copy_from_slice(grad_y.as_slice());
        Some((g, fw, weights))
    }

    /// `∇²g(z)·(0, v)` from a forward pass already made at z.
    fn hvp_from(&self, fw: &Forward, weights: &Weights, v: &[f64], out: &mut [f64]) {
        let (p, c) = (self.features(), self.classes);
        if v.len() != p * c {
            out.fill(f64::NAN);
            return;
        }
        let dir = DMatrixView::from_slice(v, p, c);
        let s = &self.train.features * dir;
        let inv_n = 1.0 / self.n() as f64;
        let (hx, hy) = out.split_at_mut(self.n());
        // q = P ⊙ S − P (P·S) per row is the softmax Jacobian applied to S;
        // the x block pairs S with the residual P − B instead.
        let mut q = fw.p.component_mul(&s);
        let pairs = weights.value.iter().zip(&weights.slope);
        for (i, (&label, (&w, &slope))) in self.train.labels.iter().zip(pairs).enumerate() {
            let dot = q.row(i).sum();
            let along = dot - s.get((i, label)).copied().unwrap_or(f64::NAN);
            if let Some(o) = hx.get_mut(i) {
                *o = inv_n * slope * along;
            }
            let mut row = q.row_mut(i);
            for (qc, pc) in row.iter_mut().zip(fw.p.row(i).iter()) {
                *qc -= pc * dot;
            }
            row.scale_mut(w);
        }
        let yy = self.train.features.tr_mul(&q) * inv_n + dir * (2.0 * self.ridge);
        hy.copy_from_slice(yy.as_slice());
    }

    /// The lower-level solution Y*(x) by Newton's method with conjugate
    /// gradients on ∇²_YY g (Hessian-vector products only), from `y0`:
    /// stops once ‖∇_Y g‖ ≤ `tolerance` or after 50 Newton steps. g is
    /// strongly convex in Y (modulus 2λ), so the full Newton step is
    /// damped only by a backtracking search on g.
    pub fn solve_lower(&self, x: &[f64], y0: &[f64], tolerance: f64) -> Vec<f64> {
        let (n, m) = (self.n(), self.m());
        let mut z: Vec<f64> = x.iter().chain(y0).copied().collect();
        let mut grad = vec![0.0; n + m];
        let mut hv = vec![0.0; n + m];
        for _ in 0..50 {
            let Some((g, fw, w)) = self.g_parts(&z, &mut grad) else {
                break;
            };
            let b: Vec<f64> = grad.get(n..).unwrap_or_default().to_vec();
            let norm = b.iter().map(|v| v * v).sum::<f64>().sqrt();
            // A NaN norm stops too.
            if norm.is_nan() || norm <= tolerance {
                break;
            }
            let step = conjugate_gradient(&b, 200, 1e-3 * norm.min(1.0), |v, out| {
                self.hvp_from(&fw, &w, v, &mut hv);
                out.copy_from_slice(hv.get(n..).unwrap_or_default());
            });
            let slope: f64 = step.iter().zip(&b).map(|(s, b)| s * b).sum();
            let mut t = 1.0;
            let mut moved = false;
            for _ in 0..30 {
                let trial: Vec<f64> = z
                    .iter()
                    .enumerate()
                    .map(|(i, &v)| if i < n { v } else { v - t * step[i - n] })
                    .collect();
                if self.g(&trial) <= g - 1e-4 * t * slope {
                    z = trial;
                    moved = true;
                    break;
                }
                t *= 0.5;
            }
            // No decrease along Newton's direction: rounding has won.
            if !moved {
                break;
            }
        }
        z.split_off(n)
    }
}

/// Solves `H s = b` for a symmetric positive definite H given as a
/// product, until the residual is below `tolerance` or `limit` steps.
fn conjugate_gradient(
    b: &[f64],
    limit: usize,
    tolerance: f64,
    mut apply: impl FnMut(&[f64], &mut [f64]),
) -> Vec<f64> {
    let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>();
    let mut s = vec![0.0; b.len()];
    let mut r = b.to_vec();
    let mut d = r.clone();
    let mut hd = vec![0.0; b.len()];
    let mut rr = dot(&r, &r);
    for _ in 0..limit {
        if rr.sqrt() <= tolerance {
            break;
        }
        apply(&d, &mut hd);
        let curvature = dot(&d, &hd);
        if curvature.is_nan() || curvature <= 0.0 {
            break;
        }
        let a = rr / curvature;
        for ((si, ri), (di, hi)) in s.iter_mut().zip(r.iter_mut()).zip(d.iter().zip(&hd)) {
            *si += a * di;
            *ri -= a * hi;
        }
        let next = dot(&r, &r);
        let beta = next / rr;
        rr = next;
        for (di, ri) in d.iter_mut().zip(&r) {
            *di = ri + beta * *di;
        }
    }
    s
}

impl Problem for HyperCleaning {
    fn dims(&self) -> Dims {
        Dims {
            n: self.n(),
            m: self.m(),
        }
    }

    /// `w1…wN` for the samples' weight logits, `y_<feature>_<class>` for
    /// the model (both counted from 1).
    /// A weight σ(xᵢ) reaches 0 or 1 only as xᵢ → ∓∞.
    fn upper_grows_by_design(&self) -> bool {
        true
    }

    /// g is strongly convex in Y (modulus 2λ): Newton–CG from z's y.
    fn lower_minimiser(&self, z: &[f64]) -> Option<Vec<f64>> {
        let (x, y) = (z.get(..self.n())?, z.get(self.n()..)?);
        Some(self.solve_lower(x, y, 1e-10))
    }

    fn variable_names(&self) -> Vec<String> {
        let p = self.features();
        (1..=self.n())
            .map(|i| format!("w{i}"))
            .chain((0..self.m()).map(|k| format!("y{}_{}", k % p + 1, k / p + 1)))
            .collect()
    }

    fn f(&self, z: &[f64]) -> f64 {
        let Some(model) = self.model(z) else {
            return f64::NAN;
        };
        let fw = forward(&self.validation.features * model, &self.validation.labels);
        // The same operations as `grad_f`, so the two agree to the bit.
        fw.ce.iter().sum::<f64>() * (1.0 / self.validation.len() as f64)
    }

    fn g(&self, z: &[f64]) -> f64 {
        let (Some((fw, weights)), Some(model)) = (self.train_forward(z), self.model(z)) else {
            return f64::NAN;
        };
        let data: f64 = fw.ce.iter().zip(&weights.value).map(|(c, w)| c * w).sum();
        data / self.n() as f64 + self.ridge * model.norm_squared()
    }

    fn grad_f(&self, z: &[f64], out: &mut [f64]) -> f64 {
        let Some(model) = self.model(z) else {
            out.fill(f64::NAN);
            return f64::NAN;
        };
        let mut fw = forward(&self.validation.features * model, &self.validation.labels);
        let inv = 1.0 / self.validation.len() as f64;
        let value = fw.ce.iter().sum::<f64>() * inv;
        for (i, &label) in self.validation.labels.iter().enumerate() {
            if let Some(v) = fw.p.get_mut((i, label)) {
                *v -= 1.0;
            }
        }
        let gy = self.validation.features.tr_mul(&fw.p) * inv;
        let (ox, oy) = out.split_at_mut(self.n());
        ox.fill(0.0);
        oy.copy_from_slice(gy.as_slice());
        value
    }

    fn grad_g(&self, z: &[f64], out: &mut [f64]) -> f64 {
        match self.g_parts(z, out) {
            Some((g, _, _)) => g,
            None => {
                out.fill(f64::NAN);
                f64::NAN
            }
        }
    }

    fn hvp_g(&self, z: &[f64], v: &[f64], out: &mut [f64]) {
        match self.train_forward(z) {
            Some((fw, weights)) => self.hvp_from(&fw, &weights, v, out),
            None => out.fill(f64::NAN),
        }
    }

    /// One forward pass for both: the HVP reuses the softmax rows.
    fn grad_g_and_hvp_along_grad_y(&self, z: &[f64], grad: &mut [f64], hv: &mut [f64]) -> f64 {
        let Some((g, fw, weights)) = self.g_parts(z, grad) else {
            grad.fill(f64::NAN);
            hv.fill(f64::NAN);
            return f64::NAN;
        };
        let v = grad.get(self.n()..).unwrap_or_default().to_vec();
        self.hvp_from(&fw, &weights, &v, hv);
        g
    }

    /// Built from m Hessian-vector products (the y columns, which also
    /// give the mixed block) and the diagonal x block
    /// `(1/N) σ''(xᵢ) CEᵢ`: O(m·N·p·C), for diagnostics only.
    fn hess_g(&self, z: &[f64]) -> DMatrix<f64> {
        let (n, m) = (self.n(), self.m());
        let mut hess = DMatrix::from_element(n + m, n + m, f64::NAN);
        let Some((fw, weights)) = self.train_forward(z) else {
            return hess;
        };
        let inv_n = 1.0 / n as f64;
        hess.view_mut((0, 0), (n, n)).fill(0.0);
        let pairs = weights.value.iter().zip(&weights.slope);
        for (i, (&c, (&w, &slope))) in fw.ce.iter().zip(pairs).enumerate() {
            // σ″ = σ′(1 − 2σ).
            hess[(i, i)] = inv_n * slope * (1.0 - 2.0 * w) * c;
        }
        let mut e = vec![0.0; m];
        let mut column = vec![0.0; n + m];
        for j in 0..m {
            e[j] = 1.0;
            self.hvp_from(&fw, &weights, &e, &mut column);
            e[j] = 0.0;
            for (i, &v) in column.iter().enumerate() {
                hess[(i, n + j)] = v;
                if i < n {
                    hess[(n + j, i)] = v;
                }
            }
        }
        hess
    }
}

#[cfg(test)]
mod tests;
