//! Absurd numbers: a NaN or infinite start, a step size of 10⁶, ε = 0 and
//! points where every gradient vanishes. Every method ends with a status
//! that names what went wrong, and nothing that is not a finite number ever
//! reaches a record (which is all the app draws).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use bilevel_lab::method::{MethodKind, ParamValue, Record, Run, SolverSettings, Status};
use bilevel_lab::preset::load_builtin;
use bilevel_lab::problem::{ExprProblem, Problem};
use std::sync::Arc;

/// Every record's numbers are finite.
fn finite(r: &Record) -> bool {
    r.first_non_finite().is_none() && r.kkt_residual.is_finite() && r.delta_norm.is_finite()
}

/// Runs `kind` (its default parameters, changed by `edit`) from `z0` for
/// at most `iterations`; returns the status and how many records arrived,
/// checking each is finite.
fn run(
    problem: Arc<dyn Problem>,
    kind: MethodKind,
    edit: impl FnOnce(&mut SolverSettings),
    z0: Vec<f64>,
    iterations: u64,
) -> (Status, u64) {
    let mut settings = SolverSettings {
        iterations,
        tolerance: None,
        ..SolverSettings::default()
    }
    .with_method(kind);
    edit(&mut settings);
    let mut run = Run::new(problem, settings.run_config().unwrap(), z0);
    let mut count = 0;
    let status = run
        .run_to_end(|r| {
            assert!(
                finite(r),
                "{kind:?}: a non-finite record reached the sink: {r:?}"
            );
            count += 1;
        })
        .clone();
    (status, count)
}

fn b1() -> Arc<dyn Problem> {
    load_builtin("b01-quadratic").unwrap().problem
}

#[test]
fn a_start_that_is_not_a_number_stops_at_once_and_says_what() {
    for kind in MethodKind::ALL {
        for z0 in [
            vec![f64::NAN, 0.5],
            vec![1.0, f64::INFINITY],
            vec![-f64::INFINITY, 0.0],
        ] {
            let (status, count) = run(b1(), kind, |_| {}, z0.clone(), 50);
            assert_eq!(count, 0, "{kind:?} from {z0:?}: nothing is drawn");
            match &status {
                Status::Diverged { iteration: 0, .. } => {}
                other => panic!("{kind:?} from {z0:?}: {other:?}"),
            }
            let text = status.to_string();
            assert!(text.contains("the start point"), "{text}");
            assert!(
                !text.contains("smaller step"),
                "not the step's fault: {text}"
            );
            println!("{kind:?} from {z0:?}: {text}");
        }
    }
}

#[test]
fn a_step_size_of_a_million_diverges_with_a_named_quantity() {
    for kind in MethodKind::ALL {
        let key = if kind == MethodKind::Rxgf {
            "dt"
        } else {
            "step"
        };
        let (status, count) = run(
            b1(),
            kind,
            |s| s.set(kind, key, ParamValue::Number(1e6)).unwrap(),
            vec![-1.0, 1.5],
            100_000,
        );
        println!("{kind:?} with step 1e6: {status} after {count} records");
        match &status {
            Status::Diverged {
                iteration,
                quantity,
                ..
            } => {
                assert_eq!(*iteration, count, "{kind:?}: stops at the first bad record");
                assert!(!quantity.is_empty());
            }
            // SQCQP's line search may refuse every trial and stay put:
            // also an honest ending, with every record finite.
            Status::Budget if kind == MethodKind::Sqcqp => {}
            other => panic!("{kind:?} with step 1e6: {other:?} after {count} records"),
        }
    }
}

#[test]
fn epsilon_zero_is_allowed_and_ends_honestly() {
    for kind in [MethodKind::Rxgf, MethodKind::Sqcqp] {
        for preset in ["b01-quadratic", "b08-mitsos-barton-3-17"] {
            let p = load_builtin(preset).unwrap();
            let (status, count) = run(
                p.problem.clone(),
                kind,
                |s| s.set(kind, "epsilon", ParamValue::Number(0.0)).unwrap(),
                p.start(),
                3000,
            );
            assert!(status.is_finished(), "{kind:?} on {preset}: {status:?}");
            assert!(count > 0, "{kind:?} on {preset}: {status:?}");
        }
    }
}

#[test]
fn points_where_every_gradient_vanishes_give_finite_steps() {
    // B1 at its solution; and a problem flat in every direction.
    let flat: Arc<dyn Problem> = Arc::new(
        ExprProblem::new(&["x".into()], &["y".into()], "0*x + 0*y", "0*x*y", &[]).unwrap(),
    );
    let cases: [(Arc<dyn Problem>, Vec<f64>); 3] = [
        (b1(), vec![1.2, 0.6]),
        (flat.clone(), vec![0.0, 0.0]),
        (flat, vec![3.0, -2.0]),
    ];
    for (problem, z0) in cases {
        for kind in MethodKind::ALL {
            let (status, count) = run(problem.clone(), kind, |_| {}, z0.clone(), 200);
            assert!(
                matches!(status, Status::Budget | Status::Converged),
                "{kind:?} at {z0:?}: {status:?}"
            );
            assert!(count > 0);
        }
    }
}
