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

/// An IDX file of unsigned bytes.
fn idx(dims: &[u32], data: &[u8]) -> Vec<u8> {
    let mut out = vec![0, 0, 0x08, dims.len() as u8];
    for d in dims {
        out.extend_from_slice(&d.to_be_bytes());
    }
    out.extend_from_slice(data);
    out
}

/// A stand-in for MNIST in `dir`: `count` 28 × 28 images of ten classes,
/// each class a bright block in its own place over noise; the images
/// gzipped, the labels not, as a user's download may hold them.
fn fake_mnist(dir: &std::path::Path, count: usize) {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1);
        (state >> 33) as u32
    };
    let (mut pixels, mut labels) = (Vec::new(), Vec::new());
    for _ in 0..count {
        let class = (next() % 10) as usize;
        let (row, col) = (2 + (class / 5) * 12, 1 + (class % 5) * 5);
        for r in 0..28 {
            for c in 0..28 {
                let inside = (row..row + 8).contains(&r) && (col..col + 5).contains(&c);
                let base = if inside { 150 } else { 0 };
                pixels.push((base + next() % 100) as u8);
            }
        }
        labels.push(class as u8);
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut gz, &idx(&[count as u32, 28, 28], &pixels)).unwrap();
    std::fs::write(dir.join("train-images-idx3-ubyte.gz"), gz.finish().unwrap()).unwrap();
    std::fs::write(
        dir.join("train-labels-idx1-ubyte"),
        idx(&[count as u32], &labels),
    )
    .unwrap();
}

#[test]
fn dhc_mnist_reads_the_idx_files_in_the_directory_the_variable_names() {
    let dir = common::temp_dir("mnist");
    fake_mnist(&dir, 5000);
    let out = common::bin()
        .args(["run", "dhc-mnist", "--iterations", "20"])
        .env("BILEVEL_LAB_MNIST", &dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    // 2 000 weights; 30 components and a bias for ten classes.
    assert!(
        stdout.contains("x=(2000 values) y=(310 values)"),
        "{stdout}"
    );
    let json: Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    let c = &json["cleaning"];
    assert_eq!(c["corrupted"], 600, "{c}");
    let accuracy = c["test_accuracy"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&accuracy), "{c}");
    // Without the variable: one line saying what to set.
    let out = common::bin()
        .args(["run", "dhc-mnist"])
        .env_remove("BILEVEL_LAB_MNIST")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "bad input");
    let e = stderr(&out);
    assert_eq!(e.trim_end().lines().count(), 1, "{e}");
    assert!(e.contains("set BILEVEL_LAB_MNIST to the directory"), "{e}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_preset_may_name_a_directory_of_idx_files_beside_it() {
    let dir = common::temp_dir("idx-preset");
    std::fs::create_dir_all(dir.join("fashion")).unwrap();
    fake_mnist(&dir.join("fashion"), 400);
    let text = std::fs::read_to_string(common::preset_path("dhc-mnist"))
        .unwrap()
        .replace("dataset = \"mnist\"", "dataset = \"fashion\"")
        .replace("train = 2000", "train = 200")
        .replace("validation = 1000", "validation = 100")
        .replace("test = 2000", "test = 100")
        .replace("components = 30", "components = 10");
    let preset = dir.join("fashion.toml");
    std::fs::write(&preset, text).unwrap();
    let out = run(&[
        "run",
        preset.to_str().unwrap(),
        "--iterations",
        "5",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["cleaning"]["corrupted"], 60);
    // A directory without the files: the message names them.
    std::fs::remove_dir_all(dir.join("fashion")).unwrap();
    std::fs::create_dir_all(dir.join("fashion")).unwrap();
    let out = run(&["run", preset.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "bad input");
    assert!(
        stderr(&out).contains("without MNIST's IDX files"),
        "{}",
        stderr(&out)
    );
    std::fs::remove_dir_all(&dir).ok();
}
