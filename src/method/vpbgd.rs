//! V-PBGD (Shen & Chen, ICML 2023): gradient descent on the penalty
//! `f + γ(g − g*)` with g* from a few lower-level steps.

use super::inner::{GapStep, ValueGap};
use super::oracle::{LowerLevel, Oracle};
use super::record::{Detail, Record, State};

/// V-PBGD with its parameters.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Vpbgd {
    /// γ (fixed), or γ_max when ramped.
    pub gamma: f64,
    /// Ramp γ_k = min(γ_max, γ_{k−1} + γ_max/⌊3K/4⌋) instead of a fixed γ.
    pub ramp: bool,
    /// η, the step length.
    pub step: f64,
    /// T, the lower-level steps giving ŷ.
    pub inner_steps: u32,
    /// η_in, their step length.
    pub inner_step: f64,
}

impl Vpbgd {
    /// The penalty weight γ_k at iteration k of a run with budget K: γ, or
    /// with the ramp `min(γ_max, k·γ_max/⌊3K/4⌋)` — the closed form of
    /// `γ_k = min(γ_max, γ_{k−1} + γ_max/⌊3K/4⌋)` from γ_0 = 0, so the step
    /// needs no state (γ_max at once when ⌊3K/4⌋ = 0).
    pub fn gamma_at(&self, k: u64, budget: u64) -> f64 {
        let ramp_length = budget.saturating_mul(3) / 4;
        if !self.ramp || ramp_length == 0 || k >= ramp_length {
            return self.gamma;
        }
        (k as f64 * self.gamma / ramp_length as f64).min(self.gamma)
    }

    /// One iteration from z_k of a run with budget K (for the ramp): a
    /// gradient step of length η on `f + γ_k(g − g*)`, with g* = g(x, ŷ)
    /// and ŷ held fixed, i.e. `z_{k+1} = z_k − η(∇f + γ_k∇q)` (x and y move
    /// together). Costs one ∇f and T + 1 gradients of g.
    pub fn step(&self, oracle: &Oracle, state: &State, budget: u64) -> (State, Record) {
        let z = &state.z;
        let gamma = self.gamma_at(state.k, budget);
        let mut grad_f = vec![0.0; z.len()];
        let f = oracle.grad_f(z, &mut grad_f);
        let lower = LowerLevel::at(oracle, z);
        let gap = ValueGap::at(oracle, z, &lower, self.inner_steps, self.inner_step);
        GapStep {
            f,
            grad_f,
            lower,
            gap,
            weight: gamma,
            active: gamma > 0.0,
        }
        .take(oracle, state, self.step, |gap| Detail::Vpbgd {
            y_hat: gap.y_hat,
            q: gap.q,
            grad_q: gap.grad_q,
            gamma,
        })
    }
}

#[cfg(test)]
#[path = "vpbgd/tests.rs"]
mod tests;
