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
    /// Forward Euler `z ← z + dt·ż` (PGD-QP with αρ replaced by α(h − ε²)).
    Euler,
}

impl Integrator {
    /// `rk4` or `euler`.
    pub fn as_str(self) -> &'static str {
        match self {
            Integrator::Rk4 => "rk4",
            Integrator::Euler => "euler",
        }
    }

    /// Parses `rk4` or `euler`.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "rk4" => Some(Integrator::Rk4),
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
    /// RK4 or forward Euler.
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

impl Rxgf {
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
    /// (Δ = ż(z_k), step = dt). RK4 costs four flow evaluations, Euler one.
    pub fn step(&self, oracle: &Oracle, state: &State) -> (State, Record) {
        let z = &state.z;
        let k1 = self.flow(oracle, z);
        let next = match self.integrator {
            Integrator::Euler => moved(z, self.dt, &k1.velocity),
            Integrator::Rk4 => {
                let half = 0.5 * self.dt;
                let k2 = self.flow(oracle, &moved(z, half, &k1.velocity)).velocity;
                let k3 = self.flow(oracle, &moved(z, half, &k2)).velocity;
                let k4 = self.flow(oracle, &moved(z, self.dt, &k3)).velocity;
                z.iter()
                    .enumerate()
                    .map(|(i, zi)| {
                        let v = |w: &[f64]| w.get(i).copied().unwrap_or(0.0);
                        zi + self.dt / 6.0
                            * (v(&k1.velocity) + 2.0 * v(&k2) + 2.0 * v(&k3) + v(&k4))
                    })
                    .collect()
            }
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
