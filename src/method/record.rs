//! What one iteration did, and the state a step moves between.

/// The iterate and its index: all a PGD-QP step needs.
#[derive(Debug, Clone, PartialEq)]
pub struct State {
    /// Iteration index k.
    pub k: u64,
    /// The point z_k = (x, y).
    pub z: Vec<f64>,
}

/// Everything PGD-QP computed at z_k: the QP, its solution and the step.
///
/// The record at the last iterate of a run describes the step that would be
/// taken there; the run does not take it.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// Iteration index k.
    pub k: u64,
    /// Number of upper-level variables: `z[..n]` is x, `z[n..]` is y.
    pub n: usize,
    /// The point z_k.
    pub z: Vec<f64>,
    /// Upper-level value f(z_k).
    pub f: f64,
    /// Lower-level value g(z_k).
    pub g: f64,
    /// Lower-level stationarity residual h = ‖∇_y g‖².
    pub h: f64,
    /// ‖∇_y g(z_k)‖.
    pub grad_y_g_norm: f64,
    /// ∇f(z_k) (x block, then y block).
    pub grad_f: Vec<f64>,
    /// ∇h(z_k) = 2 Jᵀ ∇_y g.
    pub grad_h: Vec<f64>,
    /// The ρ(z_k) of the QP constraint.
    pub rho: f64,
    /// The QP multiplier λ_k.
    pub lambda: f64,
    /// Whether the half-space constraint is active (λ_k > 0).
    pub active: bool,
    /// Whether ‖∇h‖² was too small to define the half-space (then λ = 0).
    pub guarded: bool,
    /// The QP solution Δ_k = −∇f − λ∇h.
    pub delta: Vec<f64>,
    /// ‖Δ_k‖.
    pub delta_norm: f64,
    /// The KKT residual ‖Δ_k‖² + h(z_k).
    pub kkt_residual: f64,
}

impl Record {
    /// The upper-level block of z.
    pub fn x(&self) -> &[f64] {
        self.z.get(..self.n).unwrap_or_default()
    }

    /// The lower-level block of z.
    pub fn y(&self) -> &[f64] {
        self.z.get(self.n..).unwrap_or_default()
    }

    /// The first quantity that is not a finite number, by name, checked in
    /// the order they are computed.
    pub fn first_non_finite(&self) -> Option<(&'static str, f64)> {
        let vectors: [(&'static str, &[f64]); 4] = [
            ("the iterate z", &self.z),
            ("∇f", &self.grad_f),
            ("∇h", &self.grad_h),
            ("the step Δ", &self.delta),
        ];
        let scalars = [
            ("f", self.f),
            ("g", self.g),
            ("h", self.h),
            ("λ", self.lambda),
        ];
        scalars
            .into_iter()
            .chain(
                vectors
                    .into_iter()
                    .flat_map(|(name, v)| v.iter().map(move |x| (name, *x))),
            )
            .find(|(_, v)| !v.is_finite())
    }
}
