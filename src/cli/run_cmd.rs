//! `bilevel-lab run`: solve a preset headlessly.

use super::summary::{csv_header, csv_row, json_summary};
use super::{CliError, RunArgs, load_preset};
use crate::atomic_file::AtomicFile;
use crate::method::{Rho, Run, StepRule};
use crate::preset::{METHODS, Preset};
use std::io::Write;
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

/// Applies the options to the preset's defaults.
fn configure(preset: &mut Preset, args: &RunArgs) -> Result<(), CliError> {
    if !METHODS.contains(&args.method.as_str()) {
        return Err(bad(
            "method",
            &args.method,
            &format!("unknown method; known: {}", METHODS.join(", ")),
        ));
    }
    let solver = &mut preset.solver;
    if let Some(rho) = &args.rho {
        solver.rho = Rho::parse(rho).ok_or_else(|| bad("rho", rho, "use qp1 or qp2"))?;
    }
    if let Some(k) = args.iterations {
        if k < 1 {
            return Err(bad("iterations", k, "the budget must be at least 1"));
        }
        solver.iterations = k as u64;
    }
    if args.alpha.is_some() || args.step.is_some() {
        // Explicit values replace a budget schedule.
        let (alpha, step) = solver.rule.resolve(solver.rho, solver.iterations);
        solver.rule = StepRule::Fixed {
            alpha: args
                .alpha
                .map_or(Ok(alpha), |a| positive("alpha", a, true))?,
            step: args.step.map_or(Ok(step), |g| positive("step", g, false))?,
        };
    }
    if let (Some(a), Some(b)) = (args.budget_a, args.budget_b) {
        solver.rule = StepRule::Budget {
            a: positive("budget-a", a, true)?,
            b: positive("budget-b", b, false)?,
        };
    }
    if let Some(t) = args.tolerance {
        solver.tolerance = Some(positive("tolerance", t, false)?);
    }
    let dims = preset.dims();
    for (option, given, len, target) in [
        ("x0", &args.x0, dims.n, &mut preset.start_x),
        ("y0", &args.y0, dims.m, &mut preset.start_y),
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
    if args.every < 1 {
        return Err(bad("every", args.every, "must be at least 1"));
    }
    let every = args.every as u64;
    let names = preset.problem.variable_names();
    let mut csv = match &args.csv {
        Some(path) => {
            let mut file = AtomicFile::create(path).map_err(|e| {
                CliError(format!(
                    "{}: cannot write the CSV file: {e}",
                    path.display()
                ))
            })?;
            writeln!(file, "{}", csv_header(&names))
                .map_err(|e| CliError(format!("{}: {e}", path.display())))?;
            Some((path, file))
        }
        None => None,
    };
    let config = preset.solver.run_config();
    let mut run = Run::new(preset.problem.clone(), config, preset.start());
    let mut write_error = None;
    let mut csv_time = Duration::ZERO;
    let started = Instant::now();
    run.run_to_end(|record| {
        if let Some((_, file)) = csv.as_mut() {
            let is_final = record.k >= config.iterations;
            if (record.k % every == 0 || is_final) && write_error.is_none() {
                let t = Instant::now();
                if let Err(e) = writeln!(file, "{}", csv_row(record)) {
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
            write_error = writeln!(file, "{}", csv_row(last)).err();
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
    let summary = json_summary(&preset, &run, &args.method, seconds);
    println!("{}", human_line(&run));
    println!("{summary}");
    Ok(())
}

fn human_line(run: &Run) -> String {
    let config = run.config();
    let m = config.method;
    let head = format!(
        "pgd-qp {} α={} γ={}: {} after {} iterations",
        m.rho.as_str(),
        m.alpha,
        m.step,
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
