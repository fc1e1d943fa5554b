//! `bilevel-lab compare`: several methods from the same start, one CSV per
//! method and a summary table.

use super::run_cmd::{apply_common, execute, human_line, method_kind, set_start};
use super::summary::json_summary;
use super::{CliError, CompareArgs, load_preset};
use crate::atomic_file::AtomicFile;
use crate::method::{MethodKind, Record};
use serde_json::{Value, json};
use std::io::Write;

/// One row of the summary table.
struct Row {
    method: MethodKind,
    status: String,
    iterations: u64,
    last: Option<Record>,
    distance: Option<f64>,
    class: String,
    /// What a relaxed method solves (RXGF, SQCQP).
    solves: Option<String>,
    reached: Option<u64>,
    reached_own: Option<u64>,
    oracle_calls: u64,
    seconds: f64,
}

/// Runs the command.
pub fn run(args: &CompareArgs) -> Result<(), CliError> {
    let mut preset = load_preset(&args.preset)?;
    set_start(&mut preset, &args.common)?;
    let every = super::run_cmd::every(args.every)?;
    if !(args.reach.is_finite() && args.reach > 0.0) {
        return Err(CliError::Message(format!(
            "--reach {}: must be a finite number > 0",
            args.reach
        )));
    }
    let mut kinds = Vec::new();
    for name in &args.methods {
        let kind = method_kind(Some(name.trim()), &preset)?;
        if kinds.contains(&kind) {
            return Err(CliError::Message(format!(
                "--methods: {name} is listed twice"
            )));
        }
        kinds.push(kind);
    }
    let mut settings = preset.solver;
    apply_common(&mut settings, &args.common)?;
    if let Some(dir) = &args.csv {
        std::fs::create_dir_all(dir).map_err(|e| {
            CliError::Message(format!(
                "{}: cannot create the directory: {e}",
                dir.display()
            ))
        })?;
    }
    let (_, answer) = super::run_cmd::prepare(&preset);
    let mut rows = Vec::new();
    let mut summaries = Vec::new();
    for kind in kinds {
        let config = settings.with_method(kind).run_config()?;
        let path = args
            .csv
            .as_ref()
            .map(|dir| dir.join(format!("{}.csv", kind.as_str())));
        if let Some(path) = &path {
            super::refuse_overwriting_input("--csv", path, &args.preset)?;
        }
        let outcome = execute(
            &preset,
            (config, answer.clone()),
            path.as_deref(),
            every,
            Some(args.reach),
        )?;
        super::output::line(&human_line(&outcome.run))?;
        let row = row(kind, &outcome);
        let mut summary = json_summary(&preset, &outcome, kind.as_str());
        if let Value::Object(map) = &mut summary {
            map.insert("reached".into(), json!(outcome.reached));
            map.insert("reached_own".into(), json!(outcome.reached_own));
            if let Some(solves) = &row.solves {
                map.insert("solves".into(), json!(solves));
            }
        }
        summaries.push(summary);
        rows.push(row);
    }
    print_rows(&rows, args.reach)?;
    if let Some(dir) = &args.csv {
        let path = dir.join("summary.csv");
        super::refuse_overwriting_input("--csv", &path, &args.preset)?;
        let fail = |e: std::io::Error| {
            CliError::Message(format!(
                "{}: writing the summary failed: {e}",
                path.display()
            ))
        };
        let mut file = AtomicFile::create(&path).map_err(fail)?;
        file.write_all(summary_csv(&rows).as_bytes())
            .map_err(fail)?;
        file.commit().map_err(fail)?;
    }
    super::output::line(&format!(
        "{}",
        json!({ "preset": preset.name, "reach": args.reach, "runs": summaries })
    ))?;
    Ok(())
}

/// A run's row of the table.
fn row(kind: MethodKind, outcome: &super::run_cmd::Outcome) -> Row {
    let last = outcome.run.last_record().cloned();
    Row {
        method: kind,
        status: outcome.run.status().as_str().to_string(),
        iterations: outcome.run.state().k,
        distance: last
            .as_ref()
            .and_then(|r| outcome.answer.as_ref()?.distance(&r.z)),
        class: outcome
            .verdict
            .as_ref()
            .map_or("-".into(), |v| v.class.as_str().to_string()),
        solves: relaxed(&outcome.run.config().method()),
        last,
        reached: outcome.reached,
        reached_own: outcome.reached_own,
        oracle_calls: outcome.run.counts().total(),
        seconds: outcome.seconds,
    }
}

/// The table, what "reached" and "own" mean, and what each relaxed method
/// solves.
fn print_rows(rows: &[Row], reach: f64) -> Result<(), CliError> {
    super::output::text(&table(rows, reach))?;
    super::output::line(&format!(
        "reached: first iteration with distance (or |f − F*|), h and the true gap ≤ {reach:e}, the same for every method; own: the method's own KKT residual ≤ it."
    ))?;
    for r in rows {
        if let Some(text) = &r.solves {
            super::output::line(&format!("{}: {text}", r.method.as_str()))?;
        }
    }
    Ok(())
}

/// What RXGF and SQCQP solve: the ε-relaxed problem, not h = 0.
fn relaxed(method: &crate::method::Method) -> Option<String> {
    let eps = method.relaxed_epsilon()?;
    Some(format!(
        "solves the ε-relaxed problem min f s.t. h ≤ ε² = {:e} (ε = {eps:e}), so its own residual stops short of h = 0 by design",
        eps * eps
    ))
}

fn fmt_opt(v: Option<f64>) -> String {
    v.map_or_else(|| "-".into(), |v| format!("{v:.6e}"))
}

/// The summary as an aligned text table.
fn table(rows: &[Row], reach: f64) -> String {
    let mut out = format!(
        "{:<8} {:<10} {:<28} {:>10} {:>14} {:>12} {:>12} {:>10} {:>10} {:>12} {:>10}\n",
        "method",
        "status",
        "class",
        "iterations",
        "f",
        "h",
        "distance",
        format!("reached≤{reach:.0e}"),
        "own kkt at",
        "oracle",
        "seconds"
    );
    for r in rows {
        out.push_str(&format!(
            "{:<8} {:<10} {:<28} {:>10} {:>14} {:>12} {:>12} {:>10} {:>10} {:>12} {:>10.4}\n",
            r.method.as_str(),
            r.status,
            r.class,
            r.iterations,
            r.last
                .as_ref()
                .map_or_else(|| "-".into(), |l| format!("{:.8}", l.f)),
            fmt_opt(r.last.as_ref().map(|l| l.h)),
            fmt_opt(r.distance),
            r.reached.map_or_else(|| "never".into(), |k| k.to_string()),
            r.reached_own
                .map_or_else(|| "never".into(), |k| k.to_string()),
            r.oracle_calls,
            r.seconds
        ));
    }
    out
}

/// The summary as CSV (numbers exact; empty where not defined).
fn summary_csv(rows: &[Row]) -> String {
    let opt = |v: Option<f64>| v.map_or_else(String::new, |v| format!("{v:?}"));
    let mut out = String::from(
        "method,status,iterations,f,h,kkt_residual,distance,reached,reached_own,class,oracle_calls,seconds\n",
    );
    for r in rows {
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{},{},{:?}\n",
            r.method.as_str(),
            r.status,
            r.iterations,
            opt(r.last.as_ref().map(|l| l.f)),
            opt(r.last.as_ref().map(|l| l.h)),
            opt(r.last.as_ref().map(|l| l.kkt_residual)),
            opt(r.distance),
            r.reached.map_or_else(String::new, |k| k.to_string()),
            r.reached_own.map_or_else(String::new, |k| k.to_string()),
            r.class,
            r.oracle_calls,
            r.seconds
        ));
    }
    out
}
