//! What one iteration did, and the state a step moves between.
//!
//! Every method moves z along a direction `Δ = −∇f − c`: `c` is its
//! correction (PGD-QP's `λ∇h`, BOME's `λ∇q`, V-PBGD's `γ∇q`, …), what the
//! app draws as the perturbation next to `−∇f`. What is particular to a
//! method (its multiplier's ingredients, the ball of SQCQP, the inner
//! point ŷ of BOME, the CG solve of AID) is in [`Detail`].

/// The iterate and what a method carries from one step to the next.
#[derive(Debug, Clone, PartialEq)]
pub struct State {
    /// Iteration index k.
    pub k: u64,
    /// The point z_k = (x, y).
    pub z: Vec<f64>,
    /// A warm start kept between steps (AID's CG solution v; empty for
    /// the others).
    pub warm: Vec<f64>,
}

impl State {
    /// Iteration 0 at `z`.
    pub fn start(z: Vec<f64>) -> Self {
        Self {
            k: 0,
            z,
            warm: Vec::new(),
        }
    }
}

/// One trial step of SQCQP's line search.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Trial {
    /// The step length tried.
    pub t: f64,
    /// Whether `h(z + t d) − ε² ≤ 0.9 (h − ε²)` held (stays safely inside).
    /// The two-phase search stops testing it after the first safe trial:
    /// the later ones read `true`.
    pub safe: bool,
    /// Whether the Armijo test `f(z + t d) ≤ f(z) + 0.1 t ∇fᵀd` held (tested
    /// only at safe trials; `false` where not tested).
    pub armijo: bool,
}

/// What AID's conjugate-gradient solve found out about `∇²_yy g`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Curvature {
    /// Every direction CG met had positive curvature.
    Positive,
    /// A direction with (numerically) zero curvature: `∇²_yy g` is singular
    /// there; CG stopped and kept what it had.
    Singular,
    /// A direction with negative curvature: `∇²_yy g` is indefinite; CG
    /// stopped and kept what it had.
    Indefinite,
}

impl Curvature {
    /// `positive`, `singular` or `indefinite`.
    pub fn as_str(self) -> &'static str {
        match self {
            Curvature::Positive => "positive",
            Curvature::Singular => "singular",
            Curvature::Indefinite => "indefinite",
        }
    }
}

/// What is particular to each method at z_k.
#[derive(Debug, Clone, PartialEq)]
pub enum Detail {
    /// PGD-QP: the half-space `∇hᵀΔ ≤ −αρ`.
    PgdQp {
        /// ρ(z_k).
        rho: f64,
        /// αρ, the rate at which the QP asks h to decrease.
        rate: f64,
        /// Whether ‖∇h‖² was too small to form the QP (then λ = 0).
        guarded: bool,
    },
    /// RXGF: the flow `ż = −∇f − λ∇h` at z_k with the half-space
    /// `∇hᵀu ≤ −α(h − ε²)`.
    Rxgf {
        /// α(h − ε²), the barrier's right-hand side (negative inside).
        rate: f64,
        /// Whether ‖∇h‖² was too small to form the QP (then λ = 0).
        guarded: bool,
        /// The flow time t_k = k·dt.
        time: f64,
    },
    /// SQCQP: the ball `∇hᵀd + w‖d‖² ≤ c` and the line search.
    Sqcqp {
        /// c_k = −α(h_k − ε²).
        c: f64,
        /// The ball's centre −∇h/(2w).
        centre: Vec<f64>,
        /// The ball's radius, or `None` where r² < 0 (the QCQP is
        /// infeasible; the step then goes to the centre, which decreases
        /// the linearised h the most).
        radius: Option<f64>,
        /// Whether z_k was inside `{h − ε² < −δ}` (line search; δ = 0 by default) or not
        /// (fixed step η).
        inside: bool,
        /// The line search's trials, in order (empty outside).
        trials: Vec<Trial>,
        /// Whether the accepted step passed both tests (or was the fixed
        /// step); `false` when the line search ran out of halvings and
        /// the iterate stayed put.
        accepted: bool,
    },
    /// BOME: ŷ from T lower-level steps and the value-gap function q.
    Bome {
        /// ŷ after the inner steps.
        y_hat: Vec<f64>,
        /// q = g(x, y) − g(x, ŷ) ≥ 0 (up to the inner solve).
        q: f64,
        /// ∇q = (∇_x g(x,y) − ∇_x g(x,ŷ), ∇_y g(x,y)).
        grad_q: Vec<f64>,
        /// φ, the decrease BOME asks of q.
        phi: f64,
    },
    /// V-PBGD: the penalty `f + γ(g − g*)` with g* from ŷ.
    Vpbgd {
        /// ŷ after the inner steps.
        y_hat: Vec<f64>,
        /// q = g(x, y) − g(x, ŷ).
        q: f64,
        /// ∇q as in BOME.
        grad_q: Vec<f64>,
        /// The penalty weight γ_k in force.
        gamma: f64,
    },
    /// AID: inner steps on y, then CG on `∇²_yy g·v = ∇_y f`.
    Aid {
        /// y after the D inner steps (where the hypergradient is taken).
        y_inner: Vec<f64>,
        /// The CG solution v.
        v: Vec<f64>,
        /// CG iterations done.
        cg_iterations: u32,
        /// ‖∇²_yy g·v − ∇_y f‖ at the end.
        cg_residual: f64,
        /// What CG found about `∇²_yy g`.
        curvature: Curvature,
        /// The approximate hypergradient `∇_x f − ∇²_xy g·v`.
        hypergradient: Vec<f64>,
    },
}

impl Detail {
    /// The method's correction to −∇f, as the legends name it.
    pub fn correction_name(&self) -> &'static str {
        match self {
            Detail::PgdQp { .. } => "−λ∇h: the perturbation the QP adds",
            Detail::Rxgf { .. } => "−λ∇h: the perturbation the flow's QP adds",
            Detail::Sqcqp { .. } => "d + ∇f: the QCQP's correction",
            Detail::Bome { .. } => "−λ∇q: BOME's correction",
            Detail::Vpbgd { .. } => "−γ∇q: the penalty's pull",
            Detail::Aid { .. } => "AID's correction: ∇²_xy g·v and the inner steps",
        }
    }
}

impl Detail {
    /// The method's own scalars, by name (for the JSON summary and CSV).
    pub fn scalars(&self) -> Vec<(&'static str, f64)> {
        let flag = |b: bool| if b { 1.0 } else { 0.0 };
        match self {
            Detail::PgdQp { rho, rate, guarded } => vec![
                ("rho", *rho),
                ("alpha_rho", *rate),
                ("guarded", flag(*guarded)),
            ],
            Detail::Rxgf {
                rate,
                guarded,
                time,
            } => vec![
                ("barrier", *rate),
                ("guarded", flag(*guarded)),
                ("time", *time),
            ],
            Detail::Sqcqp {
                c,
                radius,
                inside,
                trials,
                accepted,
                ..
            } => vec![
                ("c", *c),
                ("radius", radius.unwrap_or(f64::NAN)),
                ("feasible", flag(radius.is_some())),
                ("inside", flag(*inside)),
                ("trials", trials.len() as f64),
                ("accepted", flag(*accepted)),
            ],
            Detail::Bome { q, phi, grad_q, .. } => vec![
                ("q", *q),
                ("grad_q_norm", super::oracle::norm(grad_q)),
                ("phi", *phi),
            ],
            Detail::Vpbgd {
                q, grad_q, gamma, ..
            } => vec![
                ("q", *q),
                ("grad_q_norm", super::oracle::norm(grad_q)),
                ("gamma", *gamma),
            ],
            Detail::Aid {
                cg_iterations,
                cg_residual,
                curvature,
                hypergradient,
                ..
            } => vec![
                ("cg_iterations", f64::from(*cg_iterations)),
                ("cg_residual", *cg_residual),
                ("curvature_ok", flag(*curvature == Curvature::Positive)),
                ("hypergradient_norm", super::oracle::norm(hypergradient)),
            ],
        }
    }
}

/// Everything a method computed at z_k: the direction, the step, and the
/// method's own quantities.
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
    /// ∇h(z_k) = 2 Jᵀ ∇_y g, for the methods that use it (PGD-QP, RXGF,
    /// SQCQP); empty for the others.
    pub grad_h: Vec<f64>,
    /// The correction c the method adds to ∇f: `Δ = −∇f − c`.
    pub correction: Vec<f64>,
    /// The method's multiplier: λ of PGD-QP, RXGF, SQCQP and BOME, the
    /// penalty weight γ of V-PBGD, 0 for AID.
    pub lambda: f64,
    /// Whether the method's constraint bent the step (λ > 0).
    pub active: bool,
    /// The direction Δ = −∇f − c.
    pub delta: Vec<f64>,
    /// ‖Δ‖.
    pub delta_norm: f64,
    /// The step length along Δ: z_{k+1} = z_k + step·Δ (for RXGF with RK4
    /// the trajectory is the integrator's; Δ is the flow at z_k).
    pub step: f64,
    /// The KKT residual ‖Δ‖² + h.
    pub kkt_residual: f64,
    /// The run's oracle calls up to and including this step (set by the
    /// run; 0 from a bare step).
    pub oracle_calls: u64,
    /// What is particular to the method.
    pub detail: Detail,
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
        let vectors: [(&'static str, &[f64]); 5] = [
            ("the iterate z", &self.z),
            ("∇f", &self.grad_f),
            ("∇h", &self.grad_h),
            ("the correction", &self.correction),
            ("the step Δ", &self.delta),
        ];
        let scalars = [
            ("f", self.f),
            ("g", self.g),
            ("h", self.h),
            ("λ", self.lambda),
            ("the step length", self.step),
        ];
        // Every iteration asks this, and the answer is nearly always "none":
        // a branch-free pass (which the compiler vectorises) says so first.
        let all_finite = |v: &[f64]| v.iter().fold(true, |ok, x| ok & x.is_finite());
        if scalars.iter().all(|(_, v)| v.is_finite()) && vectors.iter().all(|(_, v)| all_finite(v))
        {
            return None;
        }
        for (name, value) in scalars {
            if !value.is_finite() {
                return Some((name, value));
            }
        }
        for (name, v) in vectors {
            for &x in v {
                if !x.is_finite() {
                    return Some((name, x));
                }
            }
        }
        None
    }
}

/// Assembles a record from the common quantities: `Δ = −∇f − c`, ‖Δ‖ and
/// the KKT residual are derived here so every method reports them alike.
#[derive(Debug)]
pub struct RecordParts {
    /// Iteration index.
    pub k: u64,
    /// Number of upper-level variables.
    pub n: usize,
    /// The point.
    pub z: Vec<f64>,
    /// f(z).
    pub f: f64,
    /// ∇f(z).
    pub grad_f: Vec<f64>,
    /// g, ∇g and h at z.
    pub lower: super::oracle::LowerLevel,
    /// ∇h (empty if not computed).
    pub grad_h: Vec<f64>,
    /// The correction c.
    pub correction: Vec<f64>,
    /// The multiplier.
    pub lambda: f64,
    /// Whether the constraint bent the step.
    pub active: bool,
    /// Step length along Δ.
    pub step: f64,
    /// The method's own quantities.
    pub detail: Detail,
}

impl RecordParts {
    /// The record, with Δ = −∇f − c.
    pub fn build(self) -> Record {
        let delta: Vec<f64> = self
            .grad_f
            .iter()
            .zip(&self.correction)
            .map(|(gf, c)| -gf - c)
            .collect();
        let delta_norm2: f64 = delta.iter().map(|a| a * a).sum();
        let h = self.lower.h;
        Record {
            k: self.k,
            n: self.n,
            z: self.z,
            f: self.f,
            g: self.lower.g,
            h,
            grad_y_g_norm: h.sqrt(),
            grad_f: self.grad_f,
            grad_h: self.grad_h,
            correction: self.correction,
            lambda: self.lambda,
            active: self.active,
            delta,
            delta_norm: delta_norm2.sqrt(),
            step: self.step,
            kkt_residual: delta_norm2 + h,
            oracle_calls: 0,
            detail: self.detail,
        }
    }
}

/// `z + t·d`.
pub fn moved(z: &[f64], t: f64, d: &[f64]) -> Vec<f64> {
    z.iter().zip(d).map(|(a, b)| a + t * b).collect()
}
