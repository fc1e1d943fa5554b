use super::*;
use crate::method::fixtures::{b1, problem};
use crate::method::oracle::norm;
use crate::problem::Problem;

fn flow(alpha: f64, eps: f64, dt: f64, integrator: Integrator) -> Rxgf {
    Rxgf {
        alpha,
        eps,
        dt,
        integrator,
    }
}

/// Integrates `steps` steps, returning every state's h.
fn trajectory(p: &dyn Problem, m: &Rxgf, z0: &[f64], steps: usize) -> Vec<(Vec<f64>, f64)> {
    let oracle = Oracle::new(p);
    let mut state = State::start(z0.to_vec());
    let mut out = Vec::new();
    for _ in 0..steps {
        let (next, record) = m.step(&oracle, &state);
        out.push((record.z.clone(), record.h));
        state = next;
    }
    out
}

#[test]
fn one_step_on_the_quadratic_matches_hand_computation() {
    // At (−1, 1.5): ∇f = (−2, 0.5), h = 16, ∇h = (−8, 16), ⟨∇f, ∇h⟩ = 24,
    // ‖∇h‖² = 320. α = 0.5, ε = 0.1: rate = 0.5·(16 − 0.01) = 7.995;
    // λ = max(0, 7.995 − 24)/320 = 0: the flow is −∇f (inactive).
    let p = b1();
    let oracle = Oracle::new(&p);
    let m = flow(0.5, 0.1, 0.01, Integrator::Euler);
    let (next, r) = m.step(&oracle, &State::start(vec![-1.0, 1.5]));
    assert_eq!(r.lambda, 0.0);
    assert!(!r.active);
    assert_eq!(r.delta, vec![2.0, -0.5]);
    assert!((next.z[0] - (-1.0 + 0.02)).abs() < 1e-15 && (next.z[1] - (1.5 - 0.005)).abs() < 1e-15);
    let Detail::Rxgf {
        rate,
        guarded,
        time,
    } = r.detail
    else {
        panic!("an RXGF record")
    };
    assert!((rate - 7.995).abs() < 1e-12 && !guarded && time == 0.0);
    // α = 2: rate = 31.98, λ = (31.98 − 24)/320 = 0.0249375: active.
    let m = flow(2.0, 0.1, 0.01, Integrator::Euler);
    let (_, r) = m.step(&oracle, &State::start(vec![-1.0, 1.5]));
    assert!((r.lambda - 0.0249375).abs() < 1e-14 && r.active);
    let expect = [2.0 + 0.0249375 * 8.0, -0.5 - 0.0249375 * 16.0];
    assert!((r.delta[0] - expect[0]).abs() < 1e-14 && (r.delta[1] - expect[1]).abs() < 1e-14);
    // The constraint is tight: ∇hᵀΔ = −rate.
    let tight: f64 = r.grad_h.iter().zip(&r.delta).map(|(a, b)| a * b).sum();
    assert!((tight + 31.98).abs() < 1e-10);
}

#[test]
fn oracle_counts_per_step() {
    let p = b1();
    let z = State::start(vec![-1.0, 1.5]);
    for (integrator, evaluations) in [
        (Integrator::Euler, 1),
        (Integrator::Rk4, 4),
        (Integrator::Rk38, 4),
    ] {
        let oracle = Oracle::new(&p);
        flow(0.5, 0.1, 0.01, integrator).step(&oracle, &z);
        let c = oracle.counts();
        assert_eq!(
            (c.grad_f, c.grad_g, c.hvp),
            (evaluations, evaluations, evaluations)
        );
    }
}

#[test]
fn h_minus_eps_squared_decays_at_least_exponentially() {
    // Along the flow d(h − ε²)/dt ≤ −α(h − ε²) wherever ∇h ≠ 0 (the QP is
    // feasible), so h(t) − ε² ≤ (h₀ − ε²)e^(−αt); RK4 with dt = 1e-3 keeps
    // the integration error far below the allowance. (Where ∇h vanishes
    // with h > ε², as at B13's spurious critical points of h, no velocity
    // can decrease h and the bound does not hold: the app shows that.)
    let cases = [
        (b1(), vec![-1.0, 1.5]),
        // B8: nonconvex lower level; from a point outside the ε-set.
        (
            problem("(x + 0.5)^2 + 0.5*y^2", "0.5*x*y^2 + 0.25*y^4"),
            vec![0.5, 0.8],
        ),
        // B2: nonconvex upper level.
        (
            problem("sin(x + y) + ln((x + y)^2 + 1)", "0.5*(y - x)^2"),
            vec![3.0, -2.0],
        ),
    ];
    for (p, z0) in cases {
        let (alpha, eps, dt) = (1.0, 0.1, 1e-3);
        let m = flow(alpha, eps, dt, Integrator::Rk4);
        let path = trajectory(&p, &m, &z0, 2000);
        let gap0 = path[0].1 - eps * eps;
        assert!(gap0 > 0.0, "starts outside");
        let mut tightest = f64::INFINITY;
        for (k, (_, h)) in path.iter().enumerate() {
            let bound = gap0 * (-alpha * k as f64 * dt).exp();
            let gap = h - eps * eps;
            assert!(
                gap <= bound + 1e-9 * (1.0 + gap0),
                "k = {k}: h − ε² = {gap} > {bound}"
            );
            tightest = tightest.min(bound - gap);
        }
        println!("decay margin (bound − gap) at its tightest: {tightest:e}");
    }
}

#[test]
fn rk4_is_fourth_order_and_euler_first_order() {
    // Integrate t ∈ [0, 0.4] on B1 from outside the set with dt and dt/2
    // against a fine RK4 reference: halving dt divides RK4's error by ~16
    // and Euler's by ~2.
    let p = b1();
    let z0 = [-1.0, 1.5];
    let end = |integrator, dt: f64| {
        let steps = (0.4 / dt).round() as usize;
        let m = flow(2.0, 0.1, dt, integrator);
        let oracle = Oracle::new(&p);
        let mut s = State::start(z0.to_vec());
        for _ in 0..steps {
            s = m.step(&oracle, &s).0;
        }
        s.z
    };
    let reference = end(Integrator::Rk4, 1e-4);
    let error = |integrator, dt| {
        let z = end(integrator, dt);
        norm(&[z[0] - reference[0], z[1] - reference[1]])
    };
    let rk4 = error(Integrator::Rk4, 0.02) / error(Integrator::Rk4, 0.01);
    let rk38 = error(Integrator::Rk38, 0.02) / error(Integrator::Rk38, 0.01);
    let euler = error(Integrator::Euler, 0.02) / error(Integrator::Euler, 0.01);
    assert!((10.0..24.0).contains(&rk4), "RK4 error ratio {rk4}");
    assert!((10.0..24.0).contains(&rk38), "RK4 3/8 error ratio {rk38}");
    assert!((1.6..2.6).contains(&euler), "Euler error ratio {euler}");
    assert!(error(Integrator::Rk4, 0.02) < error(Integrator::Euler, 0.02) / 100.0);
}

#[test]
fn a_vanishing_grad_h_gives_plain_gradient_flow() {
    // g = y²·0 + x: ∇_y g = 0, so h = 0 and ∇h = 0 everywhere.
    let p = problem("(x-1)^2 + y^2", "x");
    let oracle = Oracle::new(&p);
    let (_, r) = flow(1.0, 0.1, 0.01, Integrator::Rk4).step(&oracle, &State::start(vec![0.0, 1.0]));
    assert_eq!(r.lambda, 0.0);
    assert!(matches!(r.detail, Detail::Rxgf { guarded: true, .. }));
    assert_eq!(r.delta, vec![2.0, -2.0]);
}

#[test]
fn rk4_38_takes_kuttas_three_eighths_step() {
    // g = x: h = 0 and ∇h = 0, so the flow is −∇f = (−x³, −2y) for
    // f = x⁴/4 + y². The x step by the 3/8 tableau, written out:
    let (x, dt) = (1.3_f64, 0.1);
    let v = |x: f64| -x.powi(3);
    let k1 = v(x);
    let k2 = v(x + dt * k1 / 3.0);
    let k3 = v(x + dt * (-k1 / 3.0 + k2));
    let k4 = v(x + dt * (k1 - k2 + k3));
    let by_hand = x + dt * (k1 + 3.0 * k2 + 3.0 * k3 + k4) / 8.0;
    let p = problem("0.25*x^4 + y^2", "x");
    let oracle = Oracle::new(&p);
    let start = State::start(vec![x, 0.5]);
    let (next, _) = flow(1.0, 0.1, dt, Integrator::Rk38).step(&oracle, &start);
    assert!(
        (next.z[0] - by_hand).abs() < 1e-14,
        "{} vs {by_hand}",
        next.z[0]
    );
    // On the nonlinear x the classical tableau lands elsewhere; on the
    // linear y both give the same degree-4 Taylor step.
    let (classical, _) = flow(1.0, 0.1, dt, Integrator::Rk4).step(&oracle, &start);
    assert!((classical.z[0] - by_hand).abs() > 1e-9);
    assert!((classical.z[1] - next.z[1]).abs() < 1e-15);
}

#[test]
fn both_rk4_schemes_agree_on_the_20d_toy_to_their_order() {
    // The authors' code integrates with the 3/8 rule (torchdiffeq's rk4);
    // on their 20-D nonconvex toy it and the classical scheme end 100 steps
    // of dt = 0.01 within O(dt⁴) of each other, and not at the same point.
    let preset = crate::preset::load_builtin("synthetic20-nonconvex").unwrap();
    let end = |integrator| {
        let m = flow(0.5, 0.1, 0.01, integrator);
        let path = trajectory(preset.problem.as_ref(), &m, &preset.start(), 101);
        path.last().unwrap().0.clone()
    };
    let (rk4, rk38) = (end(Integrator::Rk4), end(Integrator::Rk38));
    let apart = norm(
        &rk4.iter()
            .zip(&rk38)
            .map(|(a, b)| a - b)
            .collect::<Vec<_>>(),
    );
    println!("‖rk4 − rk4-38‖ after 100 steps: {apart:e}");
    assert!(apart > 0.0 && apart < 1e-7, "‖rk4 − rk4-38‖ = {apart:e}");
}
