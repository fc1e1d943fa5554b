//! RXGF: the relaxed safe gradient flow (Sharifi, Abolfazli, Yazdandoost
//! Hamedani, Fazlyab, arXiv 2501.16520), PGD-QP's continuous-time parent.

use super::oracle::{FirstOrder, LowerLevel, Oracle};
use super::pgd_qp::{QpSolution, solve_qp};
use super::record::{Detail, Record, RecordParts, State, moved};

/// How the flow is integrated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Integrator {
    /// Classical fourth-order Runge–Kutta with a fixed step dt.
    Rk4,
    /// Kutta's 3/8 rule, also fourth order: the scheme torchdiffeq's `rk4`
    /// is, and so the one the RXGF authors' code integrates with.
    Rk38,
    /// Forward Euler `z ← z + dt·ż` (PGD-QP with αρ replaced by α(h − ε²)).
    Euler,
}

impl Integrator {
    /// `rk4`, `rk4-38` or `euler`.
    pub fn as_str(self) -> &'static str {
        match self {
            Integrator::Rk4 => "rk4",
            Integrator::Rk38 => "rk4-38",
            Integrator::Euler => "euler",
        }
    }

    /// Parses `rk4`, `rk4-38` or `euler`.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "rk4" => Some(Integrator::Rk4),
            "rk4-38" => Some(Integrator::Rk38),
            "euler" => Some(Integrator::Euler),
            _ => None,
        }
    }
}

/// RXGF with its parameters.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Rxgf {
    /// α: the barrier asks `h − ε²` to decay at rate α.
    pub alpha: f64,
    /// ε: the relaxed constraint is `h ≤ ε²`.
    pub eps: f64,
    /// The integration step dt.
    pub dt: f64,
    /// RK4 (classical or 3/8) or forward Euler.
    pub integrator: Integrator,
}

/// The flow's velocity at a point and what it was made of.
struct Flow {
    f: f64,
    grad_f: Vec<f64>,
    lower: LowerLevel,
    grad_h: Vec<f64>,
    rate: f64,
    qp: QpSolution,
    /// ż = −∇f − λ∇h.
    velocity: Vec<f64>,
}

/// z + dt·Σ bᵢkᵢ: a Runge–Kutta step from its stages and weights.
fn combine(z: &[f64], dt: f64, stages: [(&[f64], f64); 4]) -> Vec<f64> {
    z.iter()
        .enumerate()
        .map(|(i, zi)| {
            let sum: f64 = stages
                .iter()
                .map(|(k, b)| b * k.get(i).copied().unwrap_or(0.0))
                .sum();
            zi + dt * sum
        })
        .collect()
}

/// a·u + b·v, entry by entry.
fn mix(a: f64, u: &[f64], b: f64, v: &[f64]) -> Vec<f64> {
    u.iter().zip(v).map(|(x, y)| a * x + b * y).collect()
}

impl Rxgf {
    /// The classical RK4 step: stages at 0, dt/2, dt/2, dt; weights
    /// 1/6, 1/3, 1/3, 1/6.
    fn classical(&self, oracle: &Oracle, z: &[f64], k1: &[f64]) -> Vec<f64> {
        let half = 0.5 * self.dt;
        let k2 = self.flow(oracle, &moved(z, half, k1)).velocity;
        let k3 = self.flow(oracle, &moved(z, half, &k2)).velocity;
        let k4 = self.flow(oracle, &moved(z, self.dt, &k3)).velocity;
        let sixth = 1.0 / 6.0;
        combine(
            z,
            self.dt,
            [
                (k1, sixth),
                (&k2, 2.0 * sixth),
                (&k3, 2.0 * sixth),
                (&k4, sixth),
            ],
        )
    }

    /// Kutta's 3/8 rule: stages at 0, dt/3, 2dt/3, dt with
    /// k₃ at z + dt(−k₁/3 + k₂), k₄ at z + dt(k₁ − k₂ + k₃); weights
    /// 1/8, 3/8, 3/8, 1/8.
    fn three_eighths(&self, oracle: &Oracle, z: &[f64], k1: &[f64]) -> Vec<f64> {
        let dt = self.dt;
        let k2 = self.flow(oracle, &moved(z, dt / 3.0, k1)).velocity;
        let k3 = self
            .flow(oracle, &moved(z, dt, &mix(-1.0 / 3.0, k1, 1.0, &k2)))
            .velocity;
        let k1_k2_k3: Vec<f64> = mix(1.0, k1, -1.0, &k2)
            .iter()
            .zip(&k3)
            .map(|(a, b)| a + b)
            .collect();
        let k4 = self.flow(oracle, &moved(z, dt, &k1_k2_k3)).velocity;
        combine(
            z,
            dt,
            [(k1, 0.125), (&k2, 0.375), (&k3, 0.375), (&k4, 0.125)],
        )
    }

    /// ż at z: the projection of −∇f onto `∇hᵀu ≤ −α(h − ε²)`.
    fn flow(&self, oracle: &Oracle, z: &[f64]) -> Flow {
        let FirstOrder {
            f,
            grad_f,
            lower,
            grad_h,
        } = FirstOrder::at(oracle, z);
        let rate = self.alpha * (lower.h - self.eps * self.eps);
        let qp = solve_qp(&grad_f, &grad_h, rate);
        let velocity = grad_f
            .iter()
            .zip(&grad_h)
            .map(|(gf, gh)| -gf - qp.lambda * gh)
            .collect();
        Flow {
            f,
            grad_f,
            lower,
            grad_h,
            rate,
            qp,
            velocity,
        }
    }

    /// One integration step from z_k; the record describes the flow at z_k
    /// (Δ = ż(z_k), step = dt). Both RK4 schemes cost four flow
    /// evaluations, Euler one.
    pub fn step(&self, oracle: &Oracle, state: &State) -> (State, Record) {
        let z = &state.z;
        let k1 = self.flow(oracle, z);
        let next = match self.integrator {
            Integrator::Euler => moved(z, self.dt, &k1.velocity),
            Integrator::Rk4 => self.classical(oracle, z, &k1.velocity),
            Integrator::Rk38 => self.three_eighths(oracle, z, &k1.velocity),
        };
        let record = RecordParts {
            k: state.k,
            n: oracle.dims().n,
            z: z.clone(),
            f: k1.f,
            correction: k1.grad_h.iter().map(|a| k1.qp.lambda * a).collect(),
            grad_f: k1.grad_f,
            lower: k1.lower,
            grad_h: k1.grad_h,
            lambda: k1.qp.lambda,
            active: k1.qp.active,
            step: self.dt,
            detail: Detail::Rxgf {
                rate: k1.rate,
                guarded: k1.qp.guarded,
                time: state.k as f64 * self.dt,
            },
        }
        .build();
        let next = State {
            k: state.k + 1,
            z: next,
            warm: Vec::new(),
        };
        (next, record)
    }
}

#[cfg(test)]
#[path = "rxgf/tests.rs"]
mod tests;
