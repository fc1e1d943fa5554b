use super::*;
use crate::method::Detail;
use crate::method::fixtures::{b1, close};

const DEFAULTS: Bome = Bome {
    inner_steps: 10,
    inner_step: 0.05,
    step: 0.05,
    eta: 0.5,
    phi: Phi::Gradient,
};

#[test]
fn one_step_on_the_quadratic_matches_hand_computation() {
    // At (−1, 1.5): ∇f = (−2, 0.5), ∇_y g = 2y − x = 4, ∇_x g = x − y.
    // Inner steps y ← 0.9y + 0.05x: ŷ = −0.5 + 2c with c = 0.9^10.
    // g = (y − x/2)² + x²/4, so q = 4 − 4c²; ∇q = (ŷ − y, 4) = (2c − 2, 4).
    let c = 0.9f64.powi(10);
    let grad_q = [2.0 * c - 2.0, 4.0];
    let grad_f = [-2.0, 0.5];
    let norm2 = grad_q[0] * grad_q[0] + 16.0;
    let inner = grad_q[0] * grad_f[0] + grad_q[1] * grad_f[1];
    let lambda = (0.5 * norm2 - inner) / norm2;
    assert!(lambda > 0.2, "the constraint binds here: {lambda}");

    let p = b1();
    let oracle = Oracle::new(&p);
    let (next, rec) = DEFAULTS.step(&oracle, &State::start(vec![-1.0, 1.5]));
    // One ∇f; ∇g at z, then T − 1 inner gradients and one at ŷ.
    let counts = oracle.counts();
    assert_eq!((counts.grad_f, counts.grad_g, counts.total()), (1, 11, 12));
    let Detail::Bome {
        y_hat,
        q,
        grad_q: got,
        phi,
    } = &rec.detail
    else {
        panic!("a BOME record")
    };
    assert!(close(y_hat[0], -0.5 + 2.0 * c));
    assert!(close(*q, 4.0 - 4.0 * c * c));
    assert!(close(got[0], grad_q[0]) && close(got[1], grad_q[1]));
    assert!(close(*phi, 0.5 * norm2));
    assert!(close(rec.lambda, lambda) && rec.active);
    assert_eq!((rec.step, rec.h, rec.f), (0.05, 16.0, 2.125));
    for i in 0..2 {
        let d = -grad_f[i] - lambda * grad_q[i];
        assert!(close(rec.delta[i], d));
        assert!(close(next.z[i], [-1.0, 1.5][i] + 0.05 * d));
    }
    assert_eq!((next.k, next.warm.len()), (1, 0));
}

#[test]
fn the_value_choice_of_phi_leaves_this_step_unbent() {
    // φ = η q = 0.5(4 − 4c²) ≈ 1.76 < ⟨∇q, ∇f⟩ = 6 − 4c ≈ 4.61: λ = 0.
    let c = 0.9f64.powi(10);
    let bome = Bome {
        phi: Phi::Value,
        ..DEFAULTS
    };
    let p = b1();
    let (next, rec) = bome.step(&Oracle::new(&p), &State::start(vec![-1.0, 1.5]));
    let Detail::Bome { phi, .. } = rec.detail else {
        panic!("a BOME record")
    };
    assert!(close(phi, 2.0 - 2.0 * c * c));
    assert_eq!((rec.lambda, rec.active), (0.0, false));
    assert_eq!(rec.delta, vec![2.0, -0.5]);
    assert!(close(next.z[0], -1.0 + 0.1) && close(next.z[1], 1.5 - 0.025));
}

#[test]
fn on_the_lower_level_solution_the_guard_gives_gradient_descent_on_f() {
    // At (1, 0.5), y = y*(x): ŷ = y, q = 0 and ∇q = 0, so λ would be 0/0.
    let p = b1();
    for phi in [Phi::Gradient, Phi::Value] {
        let bome = Bome { phi, ..DEFAULTS };
        let (next, rec) = bome.step(&Oracle::new(&p), &State::start(vec![1.0, 0.5]));
        assert!(rec.first_non_finite().is_none());
        assert_eq!((rec.lambda, rec.active), (0.0, false));
        assert_eq!(rec.delta, vec![0.0, 0.5]);
        assert_eq!(next.z, vec![1.0, 0.5 + 0.025]);
    }
}

#[test]
fn without_inner_steps_the_gap_is_zero_and_costs_nothing() {
    let bome = Bome {
        inner_steps: 0,
        ..DEFAULTS
    };
    let p = b1();
    let oracle = Oracle::new(&p);
    let (_, rec) = bome.step(&oracle, &State::start(vec![-1.0, 1.5]));
    assert_eq!(oracle.counts().grad_g, 1);
    let Detail::Bome { q, grad_q, .. } = &rec.detail else {
        panic!("a BOME record")
    };
    assert_eq!((*q, grad_q.clone()), (0.0, vec![0.0, 4.0]));
    assert!(rec.first_non_finite().is_none());
}
