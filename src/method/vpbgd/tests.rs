use super::*;
use crate::method::Detail;
use crate::method::fixtures::{b1, close};

const DEFAULTS: Vpbgd = Vpbgd {
    gamma: 10.0,
    ramp: false,
    step: 0.01,
    inner_steps: 10,
    inner_step: 0.05,
};

#[test]
fn one_step_on_the_quadratic_matches_hand_computation() {
    // As for BOME at (−1, 1.5): ∇f = (−2, 0.5), ŷ = −0.5 + 2c with
    // c = 0.9^10, ∇q = (2c − 2, 4); the step is −η(∇f + γ∇q).
    let c = 0.9f64.powi(10);
    let grad_q = [2.0 * c - 2.0, 4.0];
    let grad_f = [-2.0, 0.5];
    let p = b1();
    let oracle = Oracle::new(&p);
    let (next, rec) = DEFAULTS.step(&oracle, &State::start(vec![-1.0, 1.5]), 100);
    let counts = oracle.counts();
    assert_eq!((counts.grad_f, counts.grad_g, counts.total()), (1, 11, 12));
    let Detail::Vpbgd {
        y_hat, q, gamma, ..
    } = &rec.detail
    else {
        panic!("a V-PBGD record")
    };
    assert!(close(y_hat[0], -0.5 + 2.0 * c) && close(*q, 4.0 - 4.0 * c * c));
    assert_eq!(
        (*gamma, rec.lambda, rec.active, rec.step),
        (10.0, 10.0, true, 0.01)
    );
    for i in 0..2 {
        assert!(close(rec.correction[i], 10.0 * grad_q[i]));
        let d = -grad_f[i] - 10.0 * grad_q[i];
        assert!(close(next.z[i], [-1.0, 1.5][i] + 0.01 * d));
    }
}

#[test]
fn the_ramp_climbs_linearly_over_three_quarters_of_the_budget() {
    let ramped = Vpbgd {
        ramp: true,
        ..DEFAULTS
    };
    // K = 100: ⌊3K/4⌋ = 75, so γ_k = 10k/75 until k = 75, then 10.
    for (k, gamma) in [
        (0, 0.0),
        (1, 10.0 / 75.0),
        (30, 4.0),
        (75, 10.0),
        (100, 10.0),
    ] {
        assert!(close(ramped.gamma_at(k, 100), gamma), "k = {k}");
    }
    // The closed form is the recursion γ_k = min(γ_max, γ_{k−1} + γ_max/⌊3K/4⌋).
    for budget in [7, 100, 1001] {
        let increment = 10.0 / (budget * 3 / 4) as f64;
        let mut gamma: f64 = 0.0;
        for k in 0..=budget {
            assert!(
                close(ramped.gamma_at(k, budget), gamma),
                "K = {budget}, k = {k}"
            );
            gamma = (gamma + increment).min(10.0);
        }
    }
    // ⌊3K/4⌋ = 0: no ramp to climb. A fixed γ ignores k and K.
    assert_eq!((ramped.gamma_at(0, 1), ramped.gamma_at(0, 0)), (10.0, 10.0));
    assert_eq!(DEFAULTS.gamma_at(0, 100), 10.0);
}

#[test]
fn the_step_uses_the_ramped_weight_of_its_iteration() {
    let ramped = Vpbgd {
        ramp: true,
        ..DEFAULTS
    };
    let p = b1();
    let at = |k| State {
        k,
        z: vec![-1.0, 1.5],
        warm: Vec::new(),
    };
    let (_, first) = ramped.step(&Oracle::new(&p), &at(0), 100);
    assert_eq!((first.lambda, first.active), (0.0, false));
    assert_eq!(first.delta, vec![2.0, -0.5], "plain gradient descent on f");
    let (_, later) = ramped.step(&Oracle::new(&p), &at(30), 100);
    assert!(close(later.lambda, 4.0) && later.active);
}
