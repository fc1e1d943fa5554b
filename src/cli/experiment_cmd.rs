//! `experiment synthetic`: every method on a generated instance per seed,
//! on every core with a progress bar; one CSV of bands per method, a
//! summary, and the figures.

use super::CliError;
use super::args::{ExperimentArgs, ExperimentKind, SyntheticExperimentArgs};
use super::progress::with_bar;
use crate::atomic_file::AtomicFile;
use crate::experiment::report::{csv, summary, summary_csv, summary_table};
use crate::experiment::{self, BudgetOutcome, Outcome, Spec, contender};
use crate::figure::{self, Along, Format};
use crate::problem::LowerKind;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The figures' size in points.
const FIGURE_SIZE: [u32; 2] = [1100, 760];

/// Runs `experiment …`.
pub fn run(args: &ExperimentArgs) -> Result<(), CliError> {
    match &args.which {
        ExperimentKind::Synthetic(a) => synthetic(a),
    }
}

fn message(m: impl Into<String>) -> CliError {
    CliError::Message(m.into())
}

fn synthetic(args: &SyntheticExperimentArgs) -> Result<(), CliError> {
    let spec = spec(args)?;
    let formats = formats(&args.figures)?;
    check_out(&args.out)?;
    // Everything is written into a directory of its own inside --out and
    // moved into place at the end: a failure or an interrupt leaves no
    // half set of files (and a bad --out is found before the runs).
    let staging = Staging::create(&args.out)?;
    let total = spec.runs();
    let (result, interrupted) =
        with_bar(total, "runs", |progress| experiment::run(&spec, progress));
    let Some(outcome) = result.map_err(message)? else {
        let why = if interrupted {
            "interrupted"
        } else {
            "stopped"
        };
        let text = format!(
            "{why} before all {total} runs finished; nothing was written to {}",
            args.out.display()
        );
        return Err(if interrupted {
            CliError::Interrupted(text)
        } else {
            message(text)
        });
    };
    let written = write_all(&spec, &outcome, staging.path(), &formats, args.light)?;
    staging.commit()?;
    let rows = summary(&outcome);
    super::output::text(&summary_table(&rows))?;
    super::output::text(&format!(
        "Wrote {written} files to {} (summary.csv, one CSV per method, figures {}).\n",
        args.out.display(),
        Along::ALL.map(Along::file_stem).join(", ")
    ))
}

/// The directory an experiment's files are written into before they are
/// moved into `--out`; removed (with `--out` itself if this call made it
/// and it is empty) unless committed.
struct Staging {
    out: PathBuf,
    dir: PathBuf,
    made_out: bool,
    committed: bool,
}

impl Staging {
    fn create(out: &Path) -> Result<Self, CliError> {
        let made_out = !out.exists();
        std::fs::create_dir_all(out)
            .map_err(|e| message(format!("could not create {}: {e}", out.display())))?;
        let dir = out.join(format!(".experiment-{}", std::process::id()));
        let staging = Staging {
            out: out.to_path_buf(),
            dir: dir.clone(),
            made_out,
            committed: false,
        };
        std::fs::create_dir(&dir)
            .map_err(|e| message(format!("could not write in {}: {e}", out.display())))?;
        Ok(staging)
    }

    fn path(&self) -> &Path {
        &self.dir
    }

    /// Moves every file and directory written into `--out`.
    fn commit(mut self) -> Result<(), CliError> {
        let fail = |e: std::io::Error| {
            message(format!(
                "could not move the files into {}: {e}",
                self.out.display()
            ))
        };
        for entry in std::fs::read_dir(&self.dir).map_err(fail)? {
            let entry = entry.map_err(fail)?;
            std::fs::rename(entry.path(), self.out.join(entry.file_name())).map_err(fail)?;
        }
        std::fs::remove_dir(&self.dir).map_err(fail)?;
        self.committed = true;
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if self.committed {
            return;
        }
        let _ = std::fs::remove_dir_all(&self.dir);
        if self.made_out {
            // Only if empty: never anything the user put there.
            let _ = std::fs::remove_dir(&self.out);
        }
    }
}

/// The spec the options describe, checked.
fn spec(args: &SyntheticExperimentArgs) -> Result<Spec, CliError> {
    let time_budget = match args.time_budget {
        None => None,
        Some(t) if t.is_finite() && t > 0.0 && t < 1e9 => Some(Duration::from_secs_f64(t)),
        Some(t) => {
            return Err(message(format!(
                "--time-budget {t}: use a number of seconds > 0"
            )));
        }
    };
    let spec = Spec {
        kind: args.kind.into(),
        dim: args.dim,
        seeds: args.seeds,
        first_seed: args.first_seed,
        contenders: contender::parse_list(&args.methods)
            .map_err(|e| message(format!("--methods: {e}")))?,
        budgets: args.iterations.clone(),
        time_budget,
        checkpoints: args.checkpoints,
    };
    spec.check().map_err(message)?;
    Ok(spec)
}

/// The figure formats asked for (by their names).
fn formats(names: &[String]) -> Result<Vec<(&'static str, Format)>, CliError> {
    let mut out = Vec::new();
    for name in names {
        let entry = match name.trim().to_ascii_lowercase().as_str() {
            "svg" => ("svg", Format::Svg),
            "pdf" => ("pdf", Format::Pdf),
            "png" => ("png", Format::Png { dpi: 144.0 }),
            other => {
                return Err(message(format!(
                    "--figures: `{other}` is not a format; use svg, pdf, png"
                )));
            }
        };
        if !out.contains(&entry) {
            out.push(entry);
        }
    }
    Ok(out)
}

/// Refuses an output directory that exists and holds anything, or a path
/// that is not a directory: an experiment never overwrites files.
fn check_out(dir: &Path) -> Result<(), CliError> {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(message(format!(
                    "{} already holds files; give --out a new or empty directory",
                    dir.display()
                )));
            }
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(_) if dir.exists() => Err(message(format!(
            "{} is not a directory that can be read",
            dir.display()
        ))),
        Err(e) => Err(message(format!("{}: {e}", dir.display()))),
    }
}

/// Writes one file, unless an interrupt has arrived (the files written
/// so far are then thrown away with the staging directory).
fn write_file(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    if super::interrupt::requested(&super::interrupt::watch()) {
        return Err(CliError::Interrupted(
            "interrupted while writing the files; nothing was written".into(),
        ));
    }
    let fail = |e: std::io::Error| message(format!("could not write {}: {e}", path.display()));
    let mut file = AtomicFile::create(path).map_err(fail)?;
    file.write_all(bytes).map_err(fail)?;
    file.commit().map_err(fail)
}

/// Writes every file; returns how many.
fn write_all(
    spec: &Spec,
    outcome: &Outcome,
    out: &Path,
    formats: &[(&str, Format)],
    light: bool,
) -> Result<usize, CliError> {
    // `out` is the staging directory, which `Staging::create` made.
    let mut written = 0;
    write_file(
        &out.join("summary.csv"),
        summary_csv(&summary(outcome)).as_bytes(),
    )?;
    written += 1;
    for budget in &outcome.budgets {
        let dir = budget_dir(out, budget.k, outcome.budgets.len());
        std::fs::create_dir_all(&dir)
            .map_err(|e| message(format!("could not create {}: {e}", dir.display())))?;
        written += write_budget(spec, budget, &dir, formats, light)?;
    }
    Ok(written)
}

/// `DIR` for one budget, `DIR/K80000` for each of several.
fn budget_dir(out: &Path, k: u64, budgets: usize) -> PathBuf {
    if budgets == 1 {
        out.to_path_buf()
    } else {
        out.join(format!("K{k}"))
    }
}

fn write_budget(
    spec: &Spec,
    budget: &BudgetOutcome,
    dir: &Path,
    formats: &[(&str, Format)],
    light: bool,
) -> Result<usize, CliError> {
    let mut written = 0;
    for m in &budget.methods {
        let path = dir.join(format!("{}.csv", m.contender.file_stem()));
        write_file(&path, csv(&m.rows).as_bytes())?;
        written += 1;
    }
    let title = title(spec, budget.k);
    for along in Along::ALL {
        let svg = figure::bands_svg(budget, &title, along, FIGURE_SIZE, light).map_err(message)?;
        for (ext, format) in formats {
            let path = dir.join(format!("{}.{ext}", along.file_stem()));
            let bytes = figure::bytes(&svg, *format).map_err(message)?;
            write_file(&path, &bytes)?;
            written += 1;
        }
    }
    Ok(written)
}

/// The figures' title.
fn title(spec: &Spec, k: u64) -> String {
    let kind = match spec.kind {
        LowerKind::Convex => "convex",
        LowerKind::Nonconvex => "nonconvex",
    };
    let seeds = spec.seeds;
    let first = spec.first_seed;
    let last = first.wrapping_add(seeds as u64 - 1);
    format!(
        "Synthetic benchmark, {kind} lower level, n = m = {}, K = {k}: median and 20–80 % band over {seeds} seeds ({first}–{last})",
        spec.dim
    )
}
