//! The Experiments window through egui_kittest without a GPU: it runs what
//! `bilevel-lab experiment synthetic` runs, with progress and Cancel.

#![cfg(feature = "gui")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use bilevel_lab::app::BilevelApp;
use bilevel_lab::experiment::report::summary;
use bilevel_lab::experiment::{self, Outcome};
use bilevel_lab::explore::Progress;
use common::{app_on, step_until};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

fn harness() -> Harness<'static, BilevelApp> {
    app_on("b01-quadratic", [1400.0, 1400.0])
}

/// A method's label, median final f, KKT residual and oracle calls.
type Final = (String, Option<f64>, Option<f64>, Option<f64>);

/// Every method's [`Final`]: what does not depend on the clock.
fn finals(outcome: &Outcome) -> Vec<Final> {
    summary(outcome)
        .into_iter()
        .map(|r| (r.label, r.f, r.kkt, r.oracle_calls))
        .collect()
}

#[test]
fn the_window_runs_the_commands_experiment_and_draws_its_bands() {
    let mut h = harness();
    h.run_steps(3);
    assert!(!h.state().experiments().open);
    // At the bottom of the controls, maybe scrolled out of view: clicked
    // as a screen reader clicks it.
    h.get_by_label("Experiments…").click_accesskit();
    h.run_steps(2);
    assert!(h.state().experiments().open);
    {
        let form = &mut h.state_mut().experiments_mut().form;
        form.dim = 4;
        form.seeds = 3;
        form.iterations = 300;
        // pgd-qp:qp1, sqcqp and sqcqp:authors only.
        form.ticked = [
            true, false, true, false, false, false, false, true, false, false,
        ];
    }
    h.run_steps(2);
    h.get_by_label("▶ Run").click();
    assert!(
        step_until(&mut h, 60, |app| app.experiments().outcome().is_some()),
        "the experiment did not finish: {:?}",
        h.state().experiments().message
    );
    h.run_steps(3);
    let spec = h.state().experiments().form.spec().unwrap();
    let ours = finals(h.state().experiments().outcome().unwrap());
    let labels: Vec<&str> = ours.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(labels, ["pgd-qp:qp1", "sqcqp", "sqcqp:authors"]);
    // The same numbers as the command's computation of the same spec.
    let alone = experiment::run(&spec, &Progress::default())
        .unwrap()
        .unwrap();
    assert_eq!(ours, finals(&alone));
    // Each method is named by its checkbox, its summary row and its entry
    // in the f panel's legend.
    assert_eq!(h.get_all_by_label("sqcqp:authors").count(), 3);
    assert!(h.query_by_label("log₁₀ KKT residual ‖Δ‖² + h").is_some());
}

#[test]
fn cancel_stops_an_experiment_and_keeps_the_last_result() {
    let mut h = harness();
    h.run_steps(2);
    {
        let e = h.state_mut().experiments_mut();
        e.open = true;
        e.form.dim = 3;
        e.form.seeds = 2;
        e.form.iterations = 50;
    }
    h.run_steps(2);
    h.get_by_label("▶ Run").click();
    assert!(step_until(&mut h, 60, |app| app
        .experiments()
        .outcome()
        .is_some()));
    let small = finals(h.state().experiments().outcome().unwrap());
    {
        let e = h.state_mut().experiments_mut();
        e.form.dim = 20;
        e.form.seeds = 50;
        e.form.iterations = 10_000_000;
    }
    h.run_steps(2);
    h.get_by_label("▶ Run").click();
    assert!(step_until(&mut h, 10, |app| app.experiments().busy()));
    h.run_steps(2);
    h.get_by_label("Cancel").click();
    assert!(
        step_until(&mut h, 30, |app| !app.experiments().busy()),
        "Cancel did not stop it"
    );
    let e = h.state().experiments();
    assert_eq!(finals(e.outcome().unwrap()), small, "the last result stays");
    assert!(
        e.message.as_deref().unwrap_or("").contains("cancelled"),
        "{:?}",
        e.message
    );
}
