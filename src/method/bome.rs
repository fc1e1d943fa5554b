//! BOME (Ye, Liu, Wright, Stone, Liu, NeurIPS 2022): a value-function
//! method with ŷ from a few lower-level gradient steps.

use super::inner::{GapStep, ValueGap};
use super::oracle::{LowerLevel, Oracle, dot};
use super::pgd_qp::solve_qp;
use super::record::{Detail, Record, State};

/// BOME's choice of φ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Phi {
    /// φ = η‖∇q‖².
    Gradient,
    /// φ = η q.
    Value,
}

impl Phi {
    /// `gradient` or `value`.
    pub fn as_str(self) -> &'static str {
        match self {
            Phi::Gradient => "gradient",
            Phi::Value => "value",
        }
    }

    /// Parses `gradient` or `value`.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "gradient" => Some(Phi::Gradient),
            "value" => Some(Phi::Value),
            _ => None,
        }
    }
}

/// BOME with its parameters.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Bome {
    /// T, the lower-level steps giving ŷ.
    pub inner_steps: u32,
    /// η_in, their step length.
    pub inner_step: f64,
    /// ξ, the outer step length.
    pub step: f64,
    /// η, the coefficient of φ.
    pub eta: f64,
    /// Which φ.
    pub phi: Phi,
}

impl Bome {
    /// One iteration from z_k (x and y move together):
    /// `λ = max(0, φ − ⟨∇q, ∇f⟩)/‖∇q‖²` (0 when ‖∇q‖² is ~0) and
    /// `z_{k+1} = z_k − ξ(∇f + λ∇q)`. Costs one ∇f and T + 1 gradients of g.
    pub fn step(&self, oracle: &Oracle, state: &State) -> (State, Record) {
        let z = &state.z;
        let mut grad_f = vec![0.0; z.len()];
        let f = oracle.grad_f(z, &mut grad_f);
        let lower = LowerLevel::at(oracle, z);
        let gap = ValueGap::at(oracle, z, &lower, self.inner_steps, self.inner_step);
        let phi = match self.phi {
            Phi::Gradient => self.eta * dot(&gap.grad_q, &gap.grad_q),
            Phi::Value => self.eta * gap.q,
        };
        // The same half-space projection as PGD-QP's, with ∇q for ∇h and φ
        // for αρ: the guard keeps λ finite where ∇q vanishes.
        let qp = solve_qp(&grad_f, &gap.grad_q, phi);
        GapStep {
            f,
            grad_f,
            lower,
            gap,
            weight: qp.lambda,
            active: qp.active,
        }
        .take(oracle, state, self.step, |gap| Detail::Bome {
            y_hat: gap.y_hat,
            q: gap.q,
            grad_q: gap.grad_q,
            phi,
        })
    }
}

#[cfg(test)]
#[path = "bome/tests.rs"]
mod tests;
