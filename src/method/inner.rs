//! The lower-level inner loop shared by BOME, V-PBGD and AID: a few
//! gradient steps `ŷ ← ŷ − η_in ∇_y g(x, ŷ)` at fixed x, through the oracle
//! so that every gradient is counted.

use super::oracle::{LowerLevel, Oracle};
use super::record::{Detail, Record, RecordParts, State, moved};

/// The point (x, ŷ) after `steps` lower-level gradient steps from
/// `z` = (x, y), given `grad_g` = ∇g(z): the first step reuses it, so the
/// loop costs `steps − 1` gradients of g (none for 0 or 1 step).
pub(super) fn descend(
    oracle: &Oracle,
    z: &[f64],
    grad_g: &[f64],
    steps: u32,
    step: f64,
) -> Vec<f64> {
    let n = oracle.dims().n;
    let mut point = z.to_vec();
    let mut grad = grad_g.to_vec();
    for i in 0..steps {
        if i > 0 {
            oracle.grad_g(&point, &mut grad);
        }
        let y = point.iter_mut().skip(n);
        y.zip(grad.iter().skip(n)).for_each(|(a, d)| *a -= step * d);
    }
    point
}

/// The value gap of BOME and V-PBGD at z = (x, y), with ŷ from the inner
/// loop: `q = g(x, y) − g(x, ŷ)` and its gradient with ŷ held fixed.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct ValueGap {
    /// ŷ.
    pub y_hat: Vec<f64>,
    /// q = g(x, y) − g(x, ŷ).
    pub q: f64,
    /// ∇q = (∇_x g(x,y) − ∇_x g(x,ŷ), ∇_y g(x,y)).
    pub grad_q: Vec<f64>,
}

impl ValueGap {
    /// The gap at z, whose g and ∇g are `lower`, with ŷ after `steps` steps
    /// of length `step` from y. Costs `steps` gradients of g (ŷ = y and q = 0
    /// for 0 steps, at no cost).
    pub fn at(oracle: &Oracle, z: &[f64], lower: &LowerLevel, steps: u32, step: f64) -> Self {
        let n = oracle.dims().n;
        let z_hat = descend(oracle, z, &lower.grad_g, steps, step);
        let mut grad_hat = lower.grad_g.clone();
        let g_hat = if steps == 0 {
            lower.g
        } else {
            oracle.grad_g(&z_hat, &mut grad_hat)
        };
        let grad_q = lower
            .grad_g
            .iter()
            .zip(&grad_hat)
            .enumerate()
            .map(|(i, (a, b))| if i < n { a - b } else { *a })
            .collect();
        Self {
            y_hat: z_hat.get(n..).unwrap_or_default().to_vec(),
            q: lower.g - g_hat,
            grad_q,
        }
    }
}

/// What BOME and V-PBGD step with: f and ∇f, the lower level, the value gap
/// and the weight on ∇q (BOME's λ, V-PBGD's γ_k).
pub(super) struct GapStep {
    /// f(z).
    pub f: f64,
    /// ∇f(z).
    pub grad_f: Vec<f64>,
    /// g, ∇g and h at z.
    pub lower: LowerLevel,
    /// The value gap at z.
    pub gap: ValueGap,
    /// The weight on ∇q.
    pub weight: f64,
    /// Whether the correction is in force (for the record).
    pub active: bool,
}

impl GapStep {
    /// The record of Δ = −∇f − weight·∇q and the next state z + step·Δ;
    /// `detail` turns the gap into the method's own detail.
    pub fn take(
        self,
        oracle: &Oracle,
        state: &State,
        step: f64,
        detail: impl FnOnce(ValueGap) -> Detail,
    ) -> (State, Record) {
        let z = &state.z;
        let record = RecordParts {
            k: state.k,
            n: oracle.dims().n,
            z: z.clone(),
            f: self.f,
            correction: self.gap.grad_q.iter().map(|a| self.weight * a).collect(),
            grad_f: self.grad_f,
            lower: self.lower,
            grad_h: Vec::new(),
            lambda: self.weight,
            active: self.active,
            step,
            detail: detail(self.gap),
        }
        .build();
        let next = State {
            k: state.k + 1,
            z: moved(z, step, &record.delta),
            warm: Vec::new(),
        };
        (next, record)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::method::fixtures::b1;

    #[test]
    fn inner_steps_contract_towards_the_lower_level_minimiser() {
        // y ← y − η(2y − x) = (1 − 2η)y + ηx: the error to y* = x/2 shrinks
        // by (1 − 2η) = 0.9 per step; T − 1 new gradients.
        let p = b1();
        let oracle = Oracle::new(&p);
        let z = [-1.0, 1.5];
        let lower = LowerLevel::at(&oracle, &z);
        let hat = descend(&oracle, &z, &lower.grad_g, 10, 0.05);
        assert_eq!(hat[0], -1.0);
        assert!((hat[1] - (-0.5 + 2.0 * 0.9f64.powi(10))).abs() < 1e-14);
        assert_eq!(oracle.counts().grad_g, 1 + 9);
        assert_eq!(descend(&oracle, &z, &lower.grad_g, 0, 0.05), z.to_vec());
        assert_eq!(oracle.counts().grad_g, 10, "no steps, no calls");
    }

    #[test]
    fn the_gap_vanishes_without_inner_steps() {
        let p = b1();
        let oracle = Oracle::new(&p);
        let z = [-1.0, 1.5];
        let lower = LowerLevel::at(&oracle, &z);
        let gap = ValueGap::at(&oracle, &z, &lower, 0, 0.05);
        assert_eq!((gap.q, gap.y_hat.clone()), (0.0, vec![1.5]));
        assert_eq!(gap.grad_q, vec![0.0, 4.0]);
        assert_eq!(oracle.counts().grad_g, 1);
    }
}
