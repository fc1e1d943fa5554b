use super::*;
use crate::method::{Method, Run, RunConfig, Status};
use crate::problem::{Problem, synthetic_data::SplitMix64};
use std::sync::Arc;

fn objective(d: &[f64], grad_f: &[f64]) -> f64 {
    d.iter()
        .zip(grad_f)
        .map(|(a, b)| (a + b) * (a + b))
        .sum::<f64>()
        * 0.5
}

fn closed_form(grad_f: &[f64], grad_h: &[f64], alpha_rho: f64) -> (QpSolution, Vec<f64>) {
    let qp = solve_qp(grad_f, grad_h, alpha_rho);
    let delta = grad_f
        .iter()
        .zip(grad_h)
        .map(|(f, h)| -f - qp.lambda * h)
        .collect();
    (qp, delta)
}

#[test]
fn closed_form_equals_brute_force_projection_in_the_plane() {
    let mut rng = SplitMix64::new(11);
    let (mut active, mut inactive) = (0, 0);
    for _ in 0..60 {
        let gf = [rng.normal(), rng.normal()];
        let gh = [rng.normal(), rng.normal()];
        let alpha_rho = rng.uniform() * 2.0 - 0.5;
        let (qp, delta) = closed_form(&gf, &gh, alpha_rho);
        if qp.active {
            active += 1
        } else {
            inactive += 1
        }
        // Brute force: the best feasible point of a fine grid around −∇f.
        let radius = 4.0;
        let steps = 800;
        let mut best = (f64::INFINITY, [0.0, 0.0]);
        for i in 0..=steps {
            for j in 0..=steps {
                let d = [
                    -gf[0] - radius + 2.0 * radius * i as f64 / steps as f64,
                    -gf[1] - radius + 2.0 * radius * j as f64 / steps as f64,
                ];
                if gh[0] * d[0] + gh[1] * d[1] + alpha_rho <= 0.0 {
                    let v = objective(&d, &gf);
                    if v < best.0 {
                        best = (v, d);
                    }
                }
            }
        }
        let cell = 2.0 * radius / steps as f64;
        let best_value = objective(&delta, &gf);
        let gap = best.0 - best_value;
        assert!(gap >= -1e-12, "closed form is not optimal");
        // The grid is fine enough: some feasible node lies within √2·cell.
        let pert = ((delta[0] + gf[0]).powi(2) + (delta[1] + gf[1]).powi(2)).sqrt();
        assert!(gap <= 1.5 * cell * pert + cell * cell, "gap {gap}");
        // Projection optimality: ½‖p − Δ‖² ≤ obj(p) − obj(Δ) for feasible p.
        let dist2 = (delta[0] - best.1[0]).powi(2) + (delta[1] - best.1[1]).powi(2);
        assert!(0.5 * dist2 <= gap + 1e-12, "dist² {dist2} gap {gap}");
        let slack = gh[0] * delta[0] + gh[1] * delta[1] + alpha_rho;
        assert!(slack <= 1e-12);
        if qp.active {
            assert!(slack.abs() < 1e-12, "active constraint must be tight");
        } else {
            assert_eq!(delta, vec![-gf[0], -gf[1]]);
        }
    }
    assert!(
        active > 10 && inactive > 10,
        "both cases covered: {active} {inactive}"
    );
}

#[test]
fn closed_form_beats_every_feasible_sample_in_higher_dimension() {
    let mut rng = SplitMix64::new(5);
    for dim in [3, 7, 20] {
        for _ in 0..20 {
            let gf: Vec<f64> = (0..dim).map(|_| rng.normal()).collect();
            let gh: Vec<f64> = (0..dim).map(|_| rng.normal()).collect();
            let alpha_rho = rng.uniform() * 3.0;
            let (_, delta) = closed_form(&gf, &gh, alpha_rho);
            let best = objective(&delta, &gf);
            for _ in 0..2000 {
                let cand: Vec<f64> = delta.iter().map(|d| d + 0.5 * rng.normal()).collect();
                let c: f64 = gh.iter().zip(&cand).map(|(a, b)| a * b).sum::<f64>() + alpha_rho;
                if c <= 0.0 {
                    assert!(objective(&cand, &gf) >= best - 1e-12);
                }
            }
        }
    }
}

#[test]
fn guard_gives_plain_gradient_descent() {
    let (qp, delta) = closed_form(&[1.0, -2.0], &[0.0, 0.0], 0.0);
    assert!(qp.guarded && !qp.active);
    assert_eq!(qp.lambda, 0.0);
    assert_eq!(delta, vec![-1.0, 2.0]);
    // ‖∇h‖² underflows below the smallest normal f64: guarded.
    let (qp, _) = closed_form(&[1.0, -2.0], &[1e-160, 0.0], 0.5);
    assert!(qp.guarded);
    // A tiny but representable normal is used: λ∇h is still of the size of
    // ∇f (the projection removes ∇f's component along ∇h).
    let (qp, delta) = closed_form(&[-1.0, -2.0], &[1e-150, 0.0], 0.0);
    assert!(!qp.guarded && qp.active && qp.lambda.is_finite());
    assert!(delta[0].abs() < 1e-15 && delta[1] == 2.0, "{delta:?}");
}

#[test]
fn budget_schedule_gives_the_papers_numbers() {
    let (a1, g1) = StepRule::Budget { a: 1.5, b: 1.5 }.resolve(Rho::Qp1, 80_000);
    assert!(
        (a1 - 0.0348).abs() < 5e-5 && (g1 - 0.0348).abs() < 5e-5,
        "{a1} {g1}"
    );
    let (a2, g2) = StepRule::Budget { a: 10.0, b: 10.0 }.resolve(Rho::Qp2, 80_000);
    assert!(
        (a2 - 0.2321).abs() < 5e-5 && (g2 - 0.005386).abs() < 5e-7,
        "{a2} {g2}"
    );
}

fn b1() -> Arc<dyn Problem> {
    Arc::new(crate::method::fixtures::b1())
}

#[test]
fn one_step_on_the_quadratic_matches_hand_computation() {
    // At (−1, 1.5): ∇f = (−2, 0.5); ∇_y g = 2y − x = 4, h = 16;
    // ∇h = 2·(g_xy, g_yy)·4 = (−8, 16); ‖∇h‖² = 320; ⟨∇f, ∇h⟩ = 24.
    // qp1, α = 0.5: λ = max(0, 0.5·320 − 24)/320 = 0.425.
    let method = PgdQp {
        rho: Rho::Qp1,
        alpha: 0.5,
        step: 0.1,
    };
    let p = b1();
    let oracle = Oracle::new(p.as_ref());
    let (next, rec) = method.step(&oracle, &State::start(vec![-1.0, 1.5]));
    // One ∇f, one ∇g, one Hessian-vector product.
    let c = oracle.counts();
    assert_eq!((c.grad_f, c.grad_g, c.hvp, c.total()), (1, 1, 1, 3));
    assert_eq!(rec.h, 16.0);
    assert_eq!(rec.grad_h, vec![-8.0, 16.0]);
    assert!((rec.lambda - 0.425).abs() < 1e-15 && rec.active);
    let delta = [2.0 + 0.425 * 8.0, -0.5 - 0.425 * 16.0];
    assert!((rec.delta[0] - delta[0]).abs() < 1e-14 && (rec.delta[1] - delta[1]).abs() < 1e-14);
    assert!((rec.kkt_residual - (delta[0].powi(2) + delta[1].powi(2) + 16.0)).abs() < 1e-12);
    assert!((next.z[0] - (-1.0 + 0.1 * delta[0])).abs() < 1e-15);
    assert_eq!(next.k, 1);
    // qp2: ρ = ‖∇h‖·√h = √320·4.
    let qp2 = PgdQp {
        rho: Rho::Qp2,
        ..method
    };
    let (_, rec2) = qp2.step(&oracle, &State::start(vec![-1.0, 1.5]));
    let Detail::PgdQp { rho, rate, .. } = rec2.detail else {
        panic!("a PGD-QP record")
    };
    assert!((rho - 320f64.sqrt() * 4.0).abs() < 1e-12);
    assert!((rate - 0.5 * rho).abs() < 1e-12);
}

#[test]
fn runs_end_with_budget_converged_or_diverged() {
    let p = b1();
    let method = PgdQp {
        rho: Rho::Qp1,
        alpha: 0.5,
        step: 0.1,
    };
    let config = RunConfig::new(Method::PgdQp(method), 50, None).unwrap();
    let mut run = Run::new(p.clone(), config, vec![-1.0, 1.5]);
    let mut seen = 0;
    assert_eq!(run.run_to_end(|_| seen += 1), &Status::Budget);
    assert_eq!((seen, run.state().k), (51, 50));

    let config = RunConfig::new(config.method(), 100_000, Some(1e-12)).unwrap();
    let mut run = Run::new(p.clone(), config, vec![-1.0, 1.5]);
    assert_eq!(run.run_to_end(|_| {}), &Status::Converged);
    let last = run.last_record().expect("ran");
    assert!(last.kkt_residual <= 1e-12 && run.state().k < 100_000);
    assert!(
        (last.z[0] - 1.2).abs() < 1e-5 && (last.z[1] - 0.6).abs() < 1e-5,
        "{:?}",
        last.z
    );

    let wild = RunConfig::new(
        Method::PgdQp(PgdQp {
            step: 50.0,
            ..method
        }),
        1000,
        None,
    )
    .unwrap();
    let mut run = Run::new(p.clone(), wild, vec![-1.0, 1.5]);
    match run.run_to_end(|r| assert!(r.first_non_finite().is_none())) {
        Status::Diverged { iteration, .. } => assert!(*iteration < 1000),
        other => panic!("expected divergence, got {other}"),
    }
    assert!(
        run.status()
            .to_string()
            .starts_with("diverged at iteration")
    );

    let mut run = Run::new(p, config, vec![f64::NAN, 0.0]);
    assert!(matches!(
        run.run_to_end(|_| {}),
        Status::Diverged {
            iteration: 0,
            quantity: crate::method::run::START,
            ..
        }
    ));
}

#[test]
fn a_run_configuration_exists_only_once_checked() {
    let method = |step: f64| {
        Method::PgdQp(PgdQp {
            rho: Rho::Qp1,
            alpha: 0.5,
            step,
        })
    };
    let ok = RunConfig::new(method(0.1), 10, Some(1e-8)).unwrap();
    assert_eq!((ok.iterations(), ok.tolerance()), (10, Some(1e-8)));
    let e = RunConfig::new(method(-0.1), 10, None).unwrap_err();
    assert!(
        matches!(&e, crate::method::ParamError::Invalid { spec, .. } if spec.key == "step"),
        "{e}"
    );
    let e = RunConfig::new(method(f64::NAN), 10, None).unwrap_err();
    assert!(e.to_string().contains("step (γ) = NaN"), "{e}");
    assert_eq!(
        ok.with_iterations(0).unwrap_err(),
        crate::method::ParamError::ZeroBudget
    );
    for bad in [0.0, -1.0, f64::INFINITY] {
        assert!(ok.with_tolerance(Some(bad)).is_err(), "{bad}");
    }
}
