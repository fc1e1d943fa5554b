//! `bilevel-lab run`: solve a preset headlessly.

use super::args::Common;
use super::summary::{csv_header, csv_row, json_summary};
use super::{CliError, RunArgs, load_preset};
use crate::atomic_file::AtomicFile;
use crate::method::{Input, MethodKind, Record, Run, RunConfig, SolverSettings};
use crate::preset::Preset;
use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

fn bad(option: &str, value: impl std::fmt::Display, need: &str) -> CliError {
    CliError(format!("--{option} {value}: {need}"))
}

fn positive(option: &str, v: f64, allow_zero: bool) -> Result<f64, CliError> {
    if v.is_finite() && (v > 0.0 || (allow_zero && v == 0.0)) {
        Ok(v)
    } else if allow_zero {
        Err(bad(option, v, "must be a finite number ≥ 0"))
    } else {
        Err(bad(option, v, "must be a finite number > 0"))
    }
}

/// The method named by `--method`, or the preset's.
pub(super) fn method_kind(name: Option<&str>, preset: &Preset) -> Result<MethodKind, CliError> {
    match name {
        None => Ok(preset.solver.method),
        Some(name) => MethodKind::parse(name).ok_or_else(|| {
            bad(
                "method",
                name,
                &format!("unknown method; known: {}", MethodKind::names()),
            )
        }),
    }
}

/// Applies the options to the preset's defaults.
fn configure(preset: &mut Preset, args: &RunArgs) -> Result<(), CliError> {
    let kind = method_kind(args.method.as_deref(), preset)?;
    let solver = &mut preset.solver;
    solver.method = kind;
    apply_common(solver, &args.common)?;
    let num = |v: Option<f64>| v.map(Input::Number);
    let int = |v: Option<i64>| v.map(Input::Integer);
    fn text(v: &Option<String>) -> Option<Input<'_>> {
        v.as_deref().map(Input::Text)
    }
    // In this order: ρ and K before α and γ, which a budget schedule
    // resolves with them.
    let options = [
        ("rho", "rho", text(&args.rho)),
        ("alpha", "alpha", num(args.alpha)),
        ("step", "step", num(args.step)),
        ("budget-a", "a", num(args.budget_a)),
        ("budget-b", "b", num(args.budget_b)),
        ("epsilon", "epsilon", num(args.epsilon)),
        ("dt", "dt", num(args.dt)),
        ("integrator", "integrator", text(&args.integrator)),
        ("w", "w", num(args.w)),
        ("eta", "eta", num(args.eta)),
        ("phi", "phi", text(&args.phi)),
        ("inner-steps", "inner_steps", int(args.inner_steps)),
        ("inner-step", "inner_step", num(args.inner_step)),
        ("gamma", "gamma", num(args.gamma)),
        ("ramp", "ramp", args.ramp.map(Input::Flag)),
        ("cg-iterations", "cg_iterations", int(args.cg_iterations)),
    ];
    for (option, key, input) in options {
        if let Some(input) = input {
            solver
                .set_input(kind, key, input)
                .map_err(|m| CliError(format!("--{option}: {m}")))?;
        }
    }
    set_start(preset, &args.common.x0, &args.common.y0)
}

/// Applies `--iterations` and `--tolerance`.
pub(super) fn apply_common(solver: &mut SolverSettings, common: &Common) -> Result<(), CliError> {
    if let Some(k) = common.iterations {
        if k < 1 {
            return Err(bad("iterations", k, "the budget must be at least 1"));
        }
        solver.iterations = k as u64;
    }
    if let Some(t) = common.tolerance {
        solver.tolerance = Some(positive("tolerance", t, false)?);
    }
    Ok(())
}

/// Replaces the preset's start by `--x0` and `--y0` where given.
pub(super) fn set_start(
    preset: &mut Preset,
    x0: &Option<Vec<f64>>,
    y0: &Option<Vec<f64>>,
) -> Result<(), CliError> {
    let dims = preset.dims();
    for (option, given, len, target) in [
        ("x0", x0, dims.n, &mut preset.start_x),
        ("y0", y0, dims.m, &mut preset.start_y),
    ] {
        if let Some(values) = given {
            if values.len() != len {
                return Err(CliError(format!(
                    "--{option}: {} values given, the preset has {len}",
                    values.len()
                )));
            }
            if values.iter().any(|v| !v.is_finite()) {
                return Err(CliError(format!(
                    "--{option}: every value must be a finite number"
                )));
            }
            *target = values.clone();
        }
    }
    Ok(())
}

/// Runs the command.
pub fn run(args: &RunArgs) -> Result<(), CliError> {
    let mut preset = load_preset(&args.preset)?;
    configure(&mut preset, args)?;
    let every = every(args.every)?;
    let outcome = execute(
        &preset,
        preset.solver.run_config(),
        args.csv.as_deref(),
        every,
        None,
    )?;
    let summary = json_summary(
        &preset,
        &outcome.run,
        preset.solver.method.as_str(),
        outcome.seconds,
    );
    println!("{}", human_line(&outcome.run));
    println!("{summary}");
    Ok(())
}

/// Checks `--every`.
pub(super) fn every(n: i64) -> Result<u64, CliError> {
    u64::try_from(n)
        .ok()
        .filter(|n| *n >= 1)
        .ok_or_else(|| bad("every", n, "must be at least 1"))
}

/// A finished run and what was measured along it.
pub(super) struct Outcome {
    /// The run, finished.
    pub run: Run,
    /// Wall time of the iteration loop alone (CSV writing excluded).
    pub seconds: f64,
    /// The first iteration whose KKT residual was at most the `reach`
    /// tolerance, if one was asked for and reached.
    pub reached: Option<u64>,
}

/// Runs `config` on the preset from its start to the end, writing every
/// `every`-th record (and the final one) to `csv` if given.
pub(super) fn execute(
    preset: &Preset,
    config: RunConfig,
    csv: Option<&Path>,
    every: u64,
    reach: Option<f64>,
) -> Result<Outcome, CliError> {
    let names = preset.problem.variable_names();
    let mut csv = match csv {
        Some(path) => {
            let file = AtomicFile::create(path).map_err(|e| {
                CliError(format!(
                    "{}: cannot write the CSV file: {e}",
                    path.display()
                ))
            })?;
            Some((path, file))
        }
        None => None,
    };
    let mut run = Run::new(preset.problem.clone(), config, preset.start());
    let mut write_error = None;
    let mut header = false;
    // The header names the method's own columns, known from the first record.
    let mut write = |file: &mut AtomicFile, record: &Record| -> std::io::Result<()> {
        if !header {
            writeln!(file, "{}", csv_header(&names, record))?;
            header = true;
        }
        writeln!(file, "{}", csv_row(record))
    };
    let mut csv_time = Duration::ZERO;
    let mut reached = None;
    let started = Instant::now();
    run.run_to_end(|record| {
        if reached.is_none() && reach.is_some_and(|t| record.kkt_residual <= t) {
            reached = Some(record.k);
        }
        if let Some((_, file)) = csv.as_mut() {
            let is_final = record.k >= config.iterations;
            if (record.k % every == 0 || is_final) && write_error.is_none() {
                let t = Instant::now();
                if let Err(e) = write(file, record) {
                    write_error = Some(e);
                }
                csv_time += t.elapsed();
            }
        }
    });
    let seconds = started.elapsed().saturating_sub(csv_time).as_secs_f64();
    // A converged or diverged run's last record is its final point too.
    if let (Some((path, file)), Some(last)) = (csv.as_mut(), run.last_record()) {
        let already = last.k % every == 0 || last.k >= config.iterations;
        if !already && write_error.is_none() {
            write_error = write(file, last).err();
        }
        if let Some(e) = write_error {
            return Err(CliError(format!(
                "{}: writing the CSV failed: {e}",
                path.display()
            )));
        }
    }
    if let Some((path, file)) = csv {
        file.commit()
            .map_err(|e| CliError(format!("{}: writing the CSV failed: {e}", path.display())))?;
    }
    Ok(Outcome {
        run,
        seconds,
        reached,
    })
}

pub(super) fn human_line(run: &Run) -> String {
    let config = run.config();
    let head = format!(
        "{}: {} after {} iterations",
        config.method.describe(),
        run.status(),
        run.state().k
    );
    match run.last_record() {
        Some(r) => format!(
            "{head}; x={:?} y={:?} f={:.6} h={:.3e} kkt={:.3e}",
            r.x(),
            r.y(),
            r.f,
            r.h,
            r.kkt_residual
        ),
        None => head,
    }
}
