//! The hyper-cleaning view through egui_kittest without a GPU: the sorted
//! weights in place of the landscape, with the numbers `run` reports.

#![cfg(feature = "gui")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use bilevel_lab::app::weights_plot::{report_line, sorted_weights};
use common::{app_on, run, step_until};
use egui_kittest::kittest::Queryable;
use serde_json::Value;

#[test]
fn the_weights_view_shows_the_runs_weights_and_the_numbers_run_reports() {
    let mut h = app_on("dhc-digits", [1440.0, 900.0]);
    h.run_steps(3);
    h.get_by_label("Step N").click();
    assert!(
        step_until(&mut h, 120, |a| a.iteration() == 100),
        "the run reached iteration 100"
    );
    h.run_steps(2);
    let task = bilevel_lab::preset::load_builtin("dhc-digits")
        .unwrap()
        .cleaning
        .unwrap();
    let z = h.state().selected_record().unwrap().z.clone();
    // The line above the plot is the task's report at the iterate shown.
    let line = report_line(&task, &z, 100);
    assert!(h.query_by_label(&line).is_some(), "{line}");
    for entry in [
        "clean label",
        "corrupted label",
        "½: below it a sample counts as corrupted",
    ] {
        assert!(h.query_by_label(entry).is_some(), "legend: {entry}");
    }
    // No landscape is computed for a problem of 1 210 coordinates.
    assert!(!h.state().has_landscape());
    // Every training sample once, sorted, in the colour of its label.
    let (clean, corrupted) = sorted_weights(&task, &z[..1000]);
    assert_eq!((clean.len(), corrupted.len()), (700, 300));
    let mut all: Vec<[f64; 2]> = clean.iter().chain(&corrupted).copied().collect();
    all.sort_by(|a, b| a[0].total_cmp(&b[0]));
    assert!(
        all.windows(2)
            .all(|w| w[0][1] <= w[1][1] && w[1][0] == w[0][0] + 1.0)
    );
    // The command line, run to the same iteration, reports the same numbers.
    let out = run(&["run", "dhc-digits", "--iterations", "100", "--json"]);
    let json: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let report = task.report(&z);
    // (serde_json reads floats without its `float_roundtrip` feature, one
    // unit in the last place off at times: counts compare exactly, ratios
    // to 1e-15.)
    let c = &json["cleaning"];
    assert_eq!(c["flagged"].as_u64(), Some(report.flagged as u64));
    assert_eq!(
        c["flagged_corrupted"].as_u64(),
        Some(report.flagged_corrupted as u64)
    );
    assert!((c["test_accuracy"].as_f64().unwrap() - report.test_accuracy).abs() < 1e-15);
    assert!(
        (c["validation_accuracy"].as_f64().unwrap() - report.validation_accuracy).abs() < 1e-15
    );
    // The weights have moved: the corrupted samples sit lower in median.
    let median = |v: &[[f64; 2]]| {
        let mut w: Vec<f64> = v.iter().map(|p| p[1]).collect();
        w.sort_by(f64::total_cmp);
        w[w.len() / 2]
    };
    assert!(median(&corrupted) < 0.5 && median(&clean) > 0.5);
}
