use super::*;
use crate::explore::{Trap, diagnose, lower_gap};
use crate::method::{Method, MethodKind, PgdQp, Rho, Run, RunConfig, SolverSettings};
use crate::preset::load_builtin;

fn pgd(rho: Rho, alpha: f64, step: f64) -> PgdQp {
    PgdQp { rho, alpha, step }
}

#[test]
fn walking_through_the_stages_lands_where_the_step_does() {
    let cases: [(&str, [f64; 2]); 6] = [
        ("b01-quadratic", [-1.0, 1.5]),
        // At the solution ∇h = 0: the guard.
        ("b01-quadratic", [1.2, 0.6]),
        ("b08-mitsos-barton-3-17", [0.5, 0.3]),
        ("b08-mitsos-barton-3-17", [-0.8, 0.2]),
        ("b12-mirrlees", [0.5, 0.5]),
        ("b12-mirrlees", [1.99, 0.9]),
    ];
    let mut guarded = 0;
    for (id, z) in cases {
        let p = load_builtin(id).unwrap();
        for m in [pgd(Rho::Qp1, 0.1, 0.05), pgd(Rho::Qp2, 1.5, 0.3)] {
            let stages = pgd_qp_stages(p.problem.as_ref(), &m, &z);
            let (record, next) = replay(&Method::PgdQp(m), p.problem.as_ref(), 0, &z, 100);
            assert_eq!(stages.next, next, "{id} at {z:?}");
            assert_eq!(stages.lambda, record.lambda);
            assert_eq!(stages.delta, record.delta);
            assert_eq!(stages.grad_h, record.grad_h);
            assert_eq!(stages.h, record.h);
            guarded += usize::from(stages.guarded);
        }
    }
    assert!(guarded >= 1, "the guard case is covered");
}

#[test]
fn the_guard_case_is_explained_without_dividing_by_zero() {
    // B1 at its solution: ∂_y g = 2·0.6 − 1.2 is exactly 0, so ∇h = 0.
    let p = load_builtin("b01-quadratic").unwrap();
    let method = Method::PgdQp(pgd(Rho::Qp1, 0.1, 0.05));
    let (r, next) = replay(&method, p.problem.as_ref(), 0, &[1.2, 0.6], 100);
    let e = explain(&method, &r, &next);
    let all: String = e.lines.iter().map(|l| l.text.clone() + "\n").collect();
    assert!(e.case.starts_with("guard: ∇h = 0"), "{}", e.case);
    assert!(all.contains("λ = 0: ‖∇h‖² = 0"), "{all}");
    assert!(!all.contains("/ 0"), "{all}");
    let minus_grad_f: Vec<f64> = r.grad_f.iter().map(|v| -v).collect();
    assert_eq!(r.delta, minus_grad_f);
    assert!(all.contains(&vector(&r.delta)), "{all}");
}

#[test]
fn the_stages_run_forward_and_back_in_order() {
    assert_eq!(Stage::GradF.previous(), None);
    assert_eq!(Stage::Move.next(), None);
    let mut s = Stage::GradF;
    let mut seen = vec![s];
    while let Some(n) = s.next() {
        assert_eq!(n.previous(), Some(s));
        seen.push(n);
        s = n;
    }
    assert_eq!(seen, Stage::ALL);
}

#[test]
fn the_written_out_update_carries_the_records_numbers() {
    let p = load_builtin("b08-mitsos-barton-3-17").unwrap();
    for kind in MethodKind::ALL {
        let method = SolverSettings::default().with_method(kind).method();
        for z in [[0.5, 0.3], [-0.3, 0.6]] {
            let (r, next) = replay(&method, p.problem.as_ref(), 7, &z, 1000);
            let e = explain(&method, &r, &next);
            let all: String = e.lines.iter().map(|l| l.text.clone() + "\n").collect();
            assert!(e.title.contains(kind.title()) && e.title.contains("iteration 7"));
            assert!(all.contains(&vector(&r.grad_f)), "{kind:?}: ∇f\n{all}");
            assert!(
                all.contains(&vector(&next)),
                "{kind:?}: where it lands\n{all}"
            );
            assert!(!e.case.is_empty());
            // Stages appear in order, and every method moves in the last.
            assert!(e.lines.windows(2).all(|w| w[0].stage <= w[1].stage));
            assert_eq!(e.lines.last().map(|l| l.stage), Some(Stage::Move));
            if kind == MethodKind::PgdQp {
                assert!(all.contains(&format!("= {}\n", num(r.lambda))), "λ\n{all}");
                assert!(all.contains(&vector(&r.delta)), "Δ\n{all}");
                assert!(all.contains(&vector(&r.grad_h)), "∇h\n{all}");
                let word = if r.active { "active:" } else { "inactive:" };
                assert!(e.case.starts_with(word), "{}", e.case);
            }
        }
    }
}

/// Runs every run of a tour stop to its budget; returns the trajectories.
fn run_stop(stop: &TourStop) -> Vec<Vec<Vec<f64>>> {
    let p = load_builtin(stop.preset).unwrap();
    stop.runs
        .iter()
        .map(|tr| {
            let settings = tr.settings(&p.solver, stop.iterations).unwrap();
            let z0 = tr.start.map_or_else(|| p.start(), |s| s.to_vec());
            let config: RunConfig = settings.run_config().unwrap();
            let mut run = Run::new(p.problem.clone(), config, z0);
            let mut path = Vec::new();
            run.run_to_end(|r| path.push(r.z.clone()));
            path
        })
        .collect()
}

fn near(z: &[f64], to: [f64; 2], tol: f64) -> bool {
    (z[0] - to[0]).abs() <= tol && (z[1] - to[1]).abs() <= tol
}

fn first_kkt_below(stop: &TourStop, run: usize, tol: f64) -> Option<u64> {
    let p = load_builtin(stop.preset).unwrap();
    let tr = stop.runs[run];
    let settings = tr.settings(&p.solver, stop.iterations).unwrap();
    let mut found = None;
    Run::new(p.problem.clone(), settings.run_config().unwrap(), p.start()).run_to_end(|r| {
        if found.is_none() && r.kkt_residual <= tol {
            found = Some(r.k);
        }
    });
    found
}

#[test]
fn every_tour_stop_shows_what_its_text_says() {
    assert_eq!(TOUR.len(), 7);
    let last = |paths: &Vec<Vec<Vec<f64>>>, i: usize| paths[i].last().unwrap().clone();
    // 1: plain gradient descent goes to f's minimum (1, 1), where h = 1.
    let paths = run_stop(&TOUR[0]);
    let b1 = load_builtin("b01-quadratic").unwrap();
    let z = last(&paths, 0);
    assert!(near(&z, [1.0, 1.0], 1e-6), "{z:?}");
    let mut grad = [0.0; 2];
    b1.problem.grad_g(&z, &mut grad);
    assert!(
        (grad[1].powi(2) - 1.0).abs() < 1e-6,
        "h = {}",
        grad[1].powi(2)
    );
    // 2: PGD-QP reaches (1.2, 0.6); the constraint is active from the
    // first step (λ > 0 at iteration 0, and at every iteration), and the
    // path runs almost straight: no iterate is more than 1 % of the chord's
    // length off the chord from the start to the solution, and h only
    // reaches 1e-6 near the end of the path.
    let paths = run_stop(&TOUR[1]);
    assert!(near(&last(&paths, 0), [1.2, 0.6], 1e-6));
    let mut actives = Vec::new();
    let mut run = Run::new(
        b1.problem.clone(),
        b1.solver.run_config().unwrap(),
        b1.start(),
    );
    run.run_to_end(|r| actives.push((r.active, r.lambda, r.h, r.z.clone())));
    assert!(actives[0].0 && actives[0].1 > 0.0, "{:?}", actives[0]);
    assert!(actives.iter().all(|(active, ..)| *active));
    let (start, end): ([f64; 2], [f64; 2]) = ([-1.0, 1.5], [1.2, 0.6]);
    let chord = [end[0] - start[0], end[1] - start[1]];
    let length = (chord[0] * chord[0] + chord[1] * chord[1]).sqrt();
    for (.., z) in &actives {
        let off = ((z[0] - start[0]) * chord[1] - (z[1] - start[1]) * chord[0]).abs() / length;
        assert!(off <= 0.01 * length, "{z:?} is {off} off the chord");
    }
    let onto_line = actives.iter().position(|(_, _, h, _)| *h <= 1e-6).unwrap();
    let z = &actives[onto_line].3;
    assert!(near(z, [1.2, 0.6], 0.01), "h ≤ 1e-6 first at {z:?}");
    // 3: both reach it; qp1 gets the KKT residual to 1e-6 about four times sooner.
    let paths = run_stop(&TOUR[2]);
    assert!(near(&last(&paths, 0), [1.2, 0.6], 1e-6));
    assert!(near(&last(&paths, 1), [1.2, 0.6], 1e-3));
    let (k1, k2) = (
        first_kkt_below(&TOUR[2], 0, 1e-6).unwrap(),
        first_kkt_below(&TOUR[2], 1, 1e-6).unwrap(),
    );
    assert!(
        (150..=180).contains(&k1) && (650..=720).contains(&k2),
        "{k1} {k2}"
    );
    // 4: γ = 1.2 ends in a 2-cycle between (1.25, 0.5) and (0.95, 1.1), and the
    // diagnosis calls it one.
    let paths = run_stop(&TOUR[3]);
    let tail: Vec<Vec<f64>> = paths[0][paths[0].len() - 9..].to_vec();
    let (a, b) = (&tail[7], &tail[8]);
    assert!(
        (near(a, [1.25, 0.5], 1e-6) && near(b, [0.95, 1.1], 1e-6))
            || (near(b, [1.25, 0.5], 1e-6) && near(a, [0.95, 1.1], 1e-6)),
        "{a:?} {b:?}"
    );
    let traps = diagnose(b1.problem.as_ref(), &tail, &b1.lower_search(), Some(0.1));
    assert_eq!(traps, vec![Trap::ShortCycle(2)]);
    // 5 and 7: Mirrlees ends near (1.99, 0.90), below F*, with a true gap of about 0.97.
    let b12 = load_builtin("b12-mirrlees").unwrap();
    for stop in [&TOUR[4], &TOUR[6]] {
        let z = last(&run_stop(stop), 0);
        assert!(near(&z, [1.99, 0.90], 0.02), "{z:?}");
        assert!(b12.problem.f(&z) < 1.0018 - 0.9);
        let gap = lower_gap(b12.problem.as_ref(), &z, &b12.lower_search()).gap;
        assert!((gap - 0.97).abs() < 0.02, "gap {gap}");
    }
    // 6: from the preset's start the optimum; from (−0.8, 0.2) the LL maximum (−0.5, 0).
    let paths = run_stop(&TOUR[5]);
    assert!(near(&last(&paths, 0), [-0.25, 0.5], 1e-6));
    let z = last(&paths, 1);
    assert!(near(&z, [-0.5, 0.0], 1e-6), "{z:?}");
    let b8 = load_builtin("b08-mitsos-barton-3-17").unwrap();
    assert!(b8.problem.f(&z) < 0.1875);
    assert!(crate::explore::lower_curvature(b8.problem.as_ref(), &z) < 0.0);
}

#[test]
fn a_long_vector_is_written_by_its_ends_and_its_length() {
    use super::{VECTOR_SHOWN, vector};
    let short: Vec<f64> = (0..VECTOR_SHOWN).map(|i| i as f64).collect();
    let text = vector(&short);
    assert_eq!(
        text.matches(", ").count(),
        VECTOR_SHOWN - 1,
        "every entry: {text}"
    );
    let long: Vec<f64> = (0..1210).map(|i| i as f64).collect();
    assert_eq!(
        vector(&long),
        "(0, 1.00000, 2.00000, …, 1208.00000, 1209.00000; 1210 values)"
    );
}
