//! PGD-QP: perturbed gradient descent via a convex QP with a closed form
//! (Abolfazli, Sharifi, Fazlyab, Yazdandoost Hamedani, arXiv 2504.17215).
//!
//! At z_k: `Δ_k = argmin ½‖Δ + ∇f‖²  s.t.  ∇hᵀΔ + αρ ≤ 0`, i.e.
//! `λ_k = max(0, αρ − ∇hᵀ∇f) / ‖∇h‖²`, `Δ_k = −∇f − λ_k∇h`,
//! `z_{k+1} = z_k + γΔ_k`, with `h = ‖∇_y g‖²`.

use super::oracle::{FirstOrder, Oracle, dot};
use super::record::{Detail, Record, RecordParts, State, moved};

/// Below this value of ‖∇h‖² (the smallest normal f64, ‖∇h‖ < 1.5e-154)
/// the half-space's normal cannot be formed: λ = 0 and the step is plain
/// gradient descent on f — which is also the QP's exact solution when
/// ∇h = 0, since then ρ = 0 and the constraint holds for every Δ.
///
/// Why not a larger, "about zero" threshold: near the lower-level set ∇h is
/// small because h is, yet its direction is accurate (with one lower
/// variable ∇h = ∂_y g · ∇(∂_y g)), and λ∇h stays of the size of ∇f. A
/// threshold of 1e-24 fired on converged runs and kicked them off the
/// solution by γ‖∇f‖: B8 jumped from h = 5e-25 back to 5e-4 every ~5 000
/// iterations, B6 ended 0.15 away from where it had converged.
pub const GUARD: f64 = f64::MIN_POSITIVE;

/// The choice of ρ in the QP constraint; both vanish on {h = 0}.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Rho {
    /// ρ = ‖∇h‖² (rate O(ε^-1.5) under a PL-type condition).
    Qp1,
    /// ρ = ‖∇h‖·√h (rate O(ε^-3) without it).
    Qp2,
}

impl Rho {
    /// The name used in presets and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Rho::Qp1 => "qp1",
            Rho::Qp2 => "qp2",
        }
    }

    /// Parses `qp1` or `qp2`.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "qp1" => Some(Rho::Qp1),
            "qp2" => Some(Rho::Qp2),
            _ => None,
        }
    }
}

/// How α and γ are chosen.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum StepRule {
    /// α and γ given directly.
    Fixed {
        /// α, the rate at which the QP asks h to decrease.
        alpha: f64,
        /// γ, the step length.
        step: f64,
    },
    /// The budget schedule of the paper's experiments for K iterations:
    /// α = a·K^(−1/3); γ = b·K^(−1/3) (qp1) or b·K^(−2/3) (qp2).
    Budget {
        /// The constant a.
        a: f64,
        /// The constant b.
        b: f64,
    },
}

impl StepRule {
    /// α and γ for a run of `iterations` iterations with this ρ.
    pub fn resolve(self, rho: Rho, iterations: u64) -> (f64, f64) {
        match self {
            StepRule::Fixed { alpha, step } => (alpha, step),
            StepRule::Budget { a, b } => {
                let k = iterations.max(1) as f64;
                let gamma_power = match rho {
                    Rho::Qp1 => -1.0 / 3.0,
                    Rho::Qp2 => -2.0 / 3.0,
                };
                (a * k.powf(-1.0 / 3.0), b * k.powf(gamma_power))
            }
        }
    }
}

/// The solution of the QP in closed form.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QpSolution {
    /// The multiplier λ ≥ 0.
    pub lambda: f64,
    /// Whether the constraint is active (λ > 0).
    pub active: bool,
    /// Whether ‖∇h‖² fell below [`GUARD`], i.e. ∇h is 0 in floating point
    /// (then λ = 0).
    pub guarded: bool,
}

/// The projection of −∇f onto the half-space `∇hᵀΔ ≤ −rate`:
/// λ = max(0, rate − ⟨∇h, ∇f⟩) / ‖∇h‖², guarded when ‖∇h‖² is 0 (below
/// [`GUARD`]).
/// PGD-QP uses rate = αρ, RXGF rate = α(h − ε²).
pub fn solve_qp(grad_f: &[f64], grad_h: &[f64], rate: f64) -> QpSolution {
    let norm2: f64 = grad_h.iter().map(|v| v * v).sum();
    if norm2 <= GUARD {
        return QpSolution {
            lambda: 0.0,
            active: false,
            guarded: true,
        };
    }
    let inner: f64 = grad_h.iter().zip(grad_f).map(|(a, b)| a * b).sum();
    let lambda = (rate - inner).max(0.0) / norm2;
    QpSolution {
        lambda,
        active: lambda > 0.0,
        guarded: false,
    }
}

/// PGD-QP with its parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PgdQp {
    /// The choice of ρ.
    pub rho: Rho,
    /// α: the QP asks h to decrease at rate αρ.
    pub alpha: f64,
    /// γ: the step length.
    pub step: f64,
}

impl PgdQp {
    /// One iteration: the record of the QP at z_k and the state
    /// z_{k+1} = z_k + γΔ_k (x and y move together from z_k). Costs one ∇f,
    /// one ∇g and one Hessian-vector product.
    pub fn step(&self, oracle: &Oracle, state: &State) -> (State, Record) {
        let z = &state.z;
        let FirstOrder {
            f,
            grad_f,
            lower,
            grad_h,
        } = FirstOrder::at(oracle, z);
        let grad_h_norm2 = dot(&grad_h, &grad_h);
        let rho = match self.rho {
            Rho::Qp1 => grad_h_norm2,
            Rho::Qp2 => grad_h_norm2.sqrt() * lower.h.sqrt(),
        };
        let rate = self.alpha * rho;
        let qp = solve_qp(&grad_f, &grad_h, rate);
        let record = RecordParts {
            k: state.k,
            n: oracle.dims().n,
            z: z.clone(),
            f,
            correction: grad_h.iter().map(|a| qp.lambda * a).collect(),
            grad_f,
            lower,
            grad_h,
            lambda: qp.lambda,
            active: qp.active,
            step: self.step,
            detail: Detail::PgdQp {
                rho,
                rate,
                guarded: qp.guarded,
            },
        }
        .build();
        let next = State {
            k: state.k + 1,
            z: moved(z, self.step, &record.delta),
            warm: Vec::new(),
        };
        (next, record)
    }
}

#[cfg(test)]
#[path = "pgd_qp/tests.rs"]
mod tests;
