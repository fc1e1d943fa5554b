//! Data hyper-cleaning from the command line: the report a user reads.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{run, stderr};
use serde_json::Value;

/// `run dhc-digits` with `extra` options: the task's line and the JSON.
fn cleaning_run(extra: &[&str]) -> (String, Value) {
    let mut args = vec!["run", "dhc-digits"];
    args.extend_from_slice(extra);
    let out = run(&args);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    assert!(
        lines[0].contains("x=(1000 values) y=(210 values)"),
        "{}",
        lines[0]
    );
    let json: Value = serde_json::from_str(lines[2]).expect("JSON");
    (lines[1].to_string(), json)
}

#[test]
fn pgd_qp_beats_training_without_cleaning_and_flags_the_wrong_labels() {
    let (line, json) = cleaning_run(&[]);
    // The preset's own `[expect]`, which tests/presets.rs checks for the
    // presets the app opens: the weights' logits are still growing.
    let expected = bilevel_lab::preset::load_builtin("dhc-digits")
        .unwrap()
        .expect;
    assert_eq!(expected.map(|e| e.class), Some("unsettled".to_string()));
    assert_eq!(
        json["diagnosis"]["class"], "unsettled",
        "{}",
        json["diagnosis"]
    );
    let c = &json["cleaning"];
    let test = c["test_accuracy"].as_f64().unwrap();
    let before = c["no_cleaning"]["test_accuracy"].as_f64().unwrap();
    assert!(test > before + 0.02, "{c}");
    assert_eq!(c["corrupted"], 300);
    // Most flagged samples are corrupted and most corrupted are flagged.
    assert!(c["precision"].as_f64().unwrap() > 0.7, "{c}");
    assert!(c["recall"].as_f64().unwrap() > 0.8, "{c}");
    assert!(c["f1"].as_f64().unwrap() > 0.8, "{c}");
    assert!(
        line.starts_with(&format!(
            "hyper-cleaning: test accuracy {test:.4} (no cleaning {before:.4})"
        )),
        "{line}"
    );
}

#[test]
fn a_negligible_step_keeps_the_accuracies_of_no_cleaning() {
    // One tiny step: the weights barely leave ½ and the model barely
    // moves, so the accuracies are those of no cleaning; the F1 is
    // 2·TP / (flagged + corrupted) of whatever signs the step gave.
    let (_, json) = cleaning_run(&["--iterations", "1", "--step", "1e-9"]);
    let c = &json["cleaning"];
    assert_eq!(c["test_accuracy"], c["no_cleaning"]["test_accuracy"]);
    assert_eq!(
        c["validation_accuracy"],
        c["no_cleaning"]["validation_accuracy"]
    );
    let flagged = c["flagged"].as_u64().unwrap();
    let hit = c["flagged_corrupted"].as_u64().unwrap();
    let f1 = 2.0 * hit as f64 / (flagged as f64 + 300.0);
    assert!((c["f1"].as_f64().unwrap() - f1).abs() < 1e-12, "{c}");
}

#[test]
fn with_json_the_summary_is_the_only_line() {
    let out = run(&["run", "dhc-digits", "--iterations", "20", "--json"]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    let json: Value = serde_json::from_str(stdout.trim()).expect("JSON");
    assert_eq!(json["iterations"], 20);
    assert!(json["cleaning"]["test_accuracy"].as_f64().unwrap() > 0.8);
}
