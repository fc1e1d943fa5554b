//! The command line at the operating system's edge: closed and full
//! standard output, negative numbers and one-line argument errors, outputs
//! that must not clobber inputs, symlinks and special files, signals,
//! inputs that are no regular files. Each test drives the real binary.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{bin, preset_path, run, stderr, temp_dir};
use std::io::Read;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Exit code 2 and exactly one line on standard error containing `what`.
fn one_line_error(out: &Output, what: &str) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(err.starts_with("error: ") && err.contains(what), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn a_reader_that_stops_reading_ends_the_program_quietly() {
    // ~900 KB of preset: far more than a pipe holds, so the writer is
    // still writing when the reader goes away.
    let mut child = bin()
        .args(["synthetic", "--n", "150", "--seed", "1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 10];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(out.stderr.is_empty(), "quiet: {}", stderr(&out));
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_device_is_one_line_and_code_2() {
    let full = std::fs::File::create("/dev/full").unwrap();
    let out = bin().args(["presets"]).stdout(full).output().unwrap();
    one_line_error(&out, "writing to standard output failed");
}

#[test]
fn negative_numbers_are_values_and_argument_errors_are_one_line() {
    let out = run(&[
        "run",
        "b01-quadratic",
        "--x0",
        "-0.5",
        "--y0",
        "-1",
        "--iterations",
        "5",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let last = String::from_utf8_lossy(&out.stdout)
        .lines()
        .last()
        .unwrap()
        .to_string();
    assert!(last.contains("\"budget\":5"), "{last}");
    let out = run(&["run", "b01-quadratic", "--step", "-inf"]);
    one_line_error(
        &out,
        "--step: step (γ) = -inf: it must be a finite number > 0",
    );
    let out = run(&[
        "sweep",
        "b01-quadratic",
        "--alpha-range",
        "-1,1",
        "--step-range",
        "0.1,1",
    ]);
    one_line_error(&out, "the range of alpha: alpha (α) = -1");
    // A clap error (a missing option, an unknown one): one line, pointing at --help.
    let out = run(&["sweep", "b01-quadratic"]);
    one_line_error(&out, "--alpha-range");
    assert!(stderr(&out).contains("(see --help)"));
    let out = run(&["run", "b01-quadratic", "--colour", "red"]);
    one_line_error(&out, "--colour");
    // Help is still whole, on standard output.
    let out = run(&["run", "--help"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).lines().count() > 10);
}

#[cfg(unix)]
#[test]
fn an_output_that_is_the_input_is_refused_and_the_input_is_kept() {
    use std::os::unix::fs::PermissionsExt;
    let dir = temp_dir("same");
    let mine = dir.join("mine.toml");
    std::fs::copy(preset_path("b01-quadratic"), &mine).unwrap();
    std::fs::set_permissions(&mine, std::fs::Permissions::from_mode(0o600)).unwrap();
    let before = std::fs::read(&mine).unwrap();
    let m = mine.to_str().unwrap();
    one_line_error(
        &run(&["run", m, "--csv", m]),
        "that is the preset being read",
    );
    // Through a symlink too.
    let link = dir.join("link.csv");
    std::os::unix::fs::symlink("mine.toml", &link).unwrap();
    one_line_error(
        &run(&["run", m, "--csv", link.to_str().unwrap()]),
        "that is the preset being read",
    );
    one_line_error(
        &run(&[
            "sweep",
            m,
            "--alpha-range",
            "0.1,1",
            "--step-range",
            "0.01,0.1",
            "--grid",
            "2",
            "--csv",
            m,
        ]),
        "that is the preset being read",
    );
    one_line_error(
        &run(&[m, "--screenshot", m]),
        "that is the preset being read",
    );
    assert_eq!(std::fs::read(&mine).unwrap(), before);
    let mode = std::fs::metadata(&mine).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    std::fs::remove_dir_all(&dir).ok();
}

#[cfg(unix)]
#[test]
fn csv_outputs_follow_symlinks_write_devices_and_refuse_directories() {
    use std::os::unix::fs::FileTypeExt;
    let dir = temp_dir("outputs");
    let real = dir.join("real.csv");
    std::fs::write(&real, "old").unwrap();
    let link = dir.join("link.csv");
    std::os::unix::fs::symlink("real.csv", &link).unwrap();
    let out = run(&[
        "run",
        "b01-quadratic",
        "--iterations",
        "10",
        "--csv",
        link.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(
        std::fs::read_to_string(&real)
            .unwrap()
            .starts_with("iteration,")
    );
    // /dev/null is written into, never replaced (as root it could be).
    let out = run(&[
        "run",
        "b01-quadratic",
        "--iterations",
        "10",
        "--csv",
        "/dev/null",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        std::fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device()
    );
    // A directory: refused, and no temporary file left anywhere.
    let sub = dir.join("somedir");
    std::fs::create_dir(&sub).unwrap();
    one_line_error(
        &run(&["run", "b01-quadratic", "--csv", sub.to_str().unwrap()]),
        "is a directory",
    );
    assert_eq!(entries(&dir), vec!["link.csv", "real.csv", "somedir"]);
    assert!(entries(&sub).is_empty());
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_run_without_iterations_still_writes_its_header() {
    let dir = temp_dir("header");
    let preset = dir.join("log.toml");
    std::fs::write(
        &preset,
        "name = \"ln at −1\"\nupper = [\"x\"]\nlower = [\"y\"]\nf = \"ln(x)\"\ng = \"(y - x)^2\"\n[start]\nx = [-1.0]\ny = [0.0]\n",
    )
    .unwrap();
    let csv = dir.join("out.csv");
    let out = run(&[
        "run",
        preset.to_str().unwrap(),
        "--csv",
        csv.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // The cause is the problem's domain, not the step size.
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("the problem is not defined there"),
        "{stdout}"
    );
    assert!(!stdout.contains("smaller step"), "{stdout}");
    let text = std::fs::read_to_string(&csv).unwrap();
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(text.starts_with("iteration,x,y,f,g,h") && text.trim_end().ends_with("event,true_gap"));
    std::fs::remove_dir_all(&dir).ok();
}

#[cfg(unix)]
#[test]
fn a_signal_stops_a_run_and_leaves_no_temporary_file() {
    let dir = temp_dir("signal");
    let csv = dir.join("out.csv");
    let child = bin()
        .args(["run", "b01-quadratic", "--iterations", "100000000", "--csv"])
        .arg(&csv)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until it is writing (its temporary file exists).
    let deadline = Instant::now() + Duration::from_secs(20);
    while entries(&dir).is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(entries(&dir).len(), 1, "the temporary file");
    let sent = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let out = child.wait_with_output().unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(130), "{err}");
    assert!(
        err.starts_with("error: interrupted at iteration") && err.contains("was not written"),
        "{err}"
    );
    assert!(entries(&dir).is_empty(), "left: {:?}", entries(&dir));
    std::fs::remove_dir_all(&dir).ok();
}

#[cfg(unix)]
#[test]
fn an_interrupted_sweep_writes_the_cells_that_finished() {
    let dir = temp_dir("sweep-signal");
    let csv = dir.join("cells.csv");
    // 40 000 cells of 100 000 iterations: hours, far more than the seconds
    // below, while one cell takes well under a second.
    let child = bin()
        .args([
            "sweep",
            "b08-mitsos-barton-3-17",
            "--alpha-range",
            "0.01,10",
        ])
        .args([
            "--step-range",
            "0.001,1",
            "--grid",
            "200",
            "--iterations",
            "100000",
        ])
        .arg("--csv")
        .arg(&csv)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let out = interrupt_after(child, Duration::from_secs(3));
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(130), "{err}");
    let text = std::fs::read_to_string(&csv).expect("the finished cells are written");
    let rows = text.lines().count() - 1;
    assert!(rows > 0 && rows < 40_000, "{rows} rows");
    assert!(
        err.starts_with(&format!("error: interrupted after {rows} of 40000 cells;"))
            && err.contains("holds the"),
        "{err}"
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let json: serde_json::Value =
        serde_json::from_str(stdout.lines().last().unwrap_or("")).unwrap();
    assert_eq!(json["finished"], rows as u64, "{stdout}");
    assert_eq!(json["cells"], 40_000);
    // Every row is a whole cell: nine fields, a class, no temporary file.
    assert!(text.lines().skip(1).all(|l| l.split(',').count() == 9));
    assert_eq!(entries(&dir).len(), 1, "left: {:?}", entries(&dir));
    std::fs::remove_dir_all(&dir).ok();
}

#[cfg(unix)]
#[test]
fn inputs_that_are_no_regular_files_are_refused_at_once() {
    let started = Instant::now();
    one_line_error(
        &run(&["run", "/dev/zero"]),
        "is a character device, not a regular file",
    );
    let dir = temp_dir("fifo");
    let fifo = dir.join("preset.toml");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    // Nobody writes into it: reading it would block forever.
    one_line_error(
        &run(&["run", fifo.to_str().unwrap()]),
        "is a FIFO (named pipe)",
    );
    assert!(started.elapsed() < Duration::from_secs(20), "no hang");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn synthetic_refuses_a_size_the_loader_would_refuse() {
    let out = run(&["synthetic", "--n", "215"]);
    one_line_error(&out, "more than the 1048576 bytes a preset file may hold");
    assert!(out.stdout.is_empty());
}

#[test]
fn a_csv_on_standard_output_stays_a_csv() {
    let out = run(&["run", "b01-quadratic", "--iterations", "3", "--csv", "-"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let csv = String::from_utf8_lossy(&out.stdout);
    assert!(csv.starts_with("iteration,x,y,"), "{csv}");
    assert_eq!(csv.lines().count(), 1 + 4, "{csv}");
    let err = stderr(&out);
    let json: serde_json::Value = serde_json::from_str(err.lines().last().unwrap()).unwrap();
    assert_eq!(json["iterations"], 3);
}

/// Sends SIGINT to `child` after `wait` and collects what it wrote.
#[cfg(unix)]
fn interrupt_after(child: std::process::Child, wait: Duration) -> Output {
    std::thread::sleep(wait);
    let sent = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    child.wait_with_output().unwrap()
}

#[cfg(unix)]
#[test]
fn an_interrupted_experiment_leaves_no_files_and_no_directory() {
    let dir = temp_dir("experiment-signal");
    let out_dir = dir.join("runs");
    // 50 seeds × 7 methods of 10⁷ iterations: far more than the seconds
    // below.
    let child = bin()
        .args(["experiment", "synthetic", "--seeds", "50"])
        .args(["--iterations", "10000000", "--out"])
        .arg(&out_dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let out = interrupt_after(child, Duration::from_secs(2));
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(130), "{err}");
    assert!(
        err.starts_with("error: interrupted before all 350 runs finished; nothing was written to"),
        "{err}"
    );
    // The directory it made for its files is gone again, staging and all.
    assert!(!out_dir.exists(), "{} is left behind", out_dir.display());
    std::fs::remove_dir_all(&dir).ok();
}
