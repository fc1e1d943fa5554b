//! `bilevel-lab experiment`: seed-banded runs of the synthetic benchmark,
//! as a user calls them from a shell.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{run, stderr, temp_dir};

fn column(header: &str, name: &str) -> usize {
    header
        .split(',')
        .position(|c| c == name)
        .unwrap_or_else(|| panic!("no column {name} in {header}"))
}

#[test]
fn a_k_ablation_writes_bands_per_method_a_summary_and_figures() {
    let dir = temp_dir("experiment");
    let out_dir = dir.join("out");
    let out = run(&[
        "experiment",
        "synthetic",
        "--dim",
        "5",
        "--seeds",
        "4",
        "--methods",
        "pgd-qp:qp1,sqcqp:authors,aid",
        "--iterations",
        "400,200",
        "--checkpoints",
        "20",
        "--figures",
        "svg,pdf",
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("sqcqp:authors") && stdout.contains("Wrote 19 files"),
        "{stdout}"
    );
    let summary = std::fs::read_to_string(out_dir.join("summary.csv")).unwrap();
    let rows: Vec<&str> = summary.lines().collect();
    assert_eq!(rows.len(), 1 + 2 * 3, "{summary}");
    assert!(rows[1].starts_with("400,pgd-qp:qp1,4,0,0,"), "{summary}");
    assert!(rows[6].starts_with("200,aid,4,0,0,"), "{summary}");
    // AID on a strongly convex lower level: its final KKT residual is tiny
    // and its hypergradient norm with it.
    let kkt = column(rows[0], "kkt_median");
    let aid: Vec<&str> = rows[3].split(',').collect();
    assert!(aid[kkt].parse::<f64>().unwrap() < 1e-6, "{}", rows[3]);
    for k in ["K400", "K200"] {
        let sub = out_dir.join(k);
        let text = std::fs::read_to_string(sub.join("sqcqp-authors.csv")).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 1 + 21, "{k}: checkpoints 0, K/20, …, K");
        let seeds = column(lines[0], "seeds");
        let (lo, mid, hi) = (
            column(lines[0], "kkt_q20"),
            column(lines[0], "kkt_median"),
            column(lines[0], "kkt_q80"),
        );
        for l in &lines[1..] {
            let c: Vec<&str> = l.split(',').collect();
            assert_eq!(c[seeds], "4");
            let v = |i: usize| c[i].parse::<f64>().unwrap();
            assert!(v(lo) <= v(mid) && v(mid) <= v(hi), "{l}");
        }
        for stem in ["by-iteration", "by-oracle-calls", "by-time"] {
            let svg = std::fs::read_to_string(sub.join(format!("{stem}.svg"))).unwrap();
            assert!(
                svg.starts_with("<svg") && svg.contains("sqcqp:authors"),
                "{stem}"
            );
            let pdf = std::fs::read(sub.join(format!("{stem}.pdf"))).unwrap();
            assert!(pdf.starts_with(b"%PDF"), "{stem}.pdf");
        }
    }
    // The output directory now holds files: a second call refuses it.
    let again = run(&[
        "experiment",
        "synthetic",
        "--seeds",
        "1",
        "--iterations",
        "10",
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert_eq!(again.status.code(), Some(2));
    assert!(
        stderr(&again).contains("already holds files"),
        "{}",
        stderr(&again)
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn bad_experiment_options_exit_with_code_2_and_say_what() {
    let dir = temp_dir("experiment-bad");
    let out = dir.join("never");
    let out = out.to_str().unwrap();
    for (args, says) in [
        (vec!["--methods", "pgd-qp,newton"], "no method `newton`"),
        (vec!["--methods", "sqcqp:fast"], "use authors"),
        (vec!["--seeds", "0"], "--seeds 0"),
        (vec!["--iterations", "10,10"], "listed twice"),
        (vec!["--time-budget", "-1"], "--time-budget -1"),
        (vec!["--figures", "gif"], "`gif` is not a format"),
        (vec!["--dim", "100000"], "--dim 100000"),
    ] {
        let mut all = vec!["experiment", "synthetic", "--out", out];
        all.extend(args);
        let r = run(&all);
        let err = stderr(&r);
        assert_eq!(r.status.code(), Some(2), "{all:?}: {err}");
        assert!(err.contains(says), "{all:?}: {err}");
        assert!(!err.contains("panicked"), "{err}");
        assert!(!dir.join("never").exists(), "{all:?} created the directory");
    }
    std::fs::remove_dir_all(&dir).ok();
}
