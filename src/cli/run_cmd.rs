//! `bilevel-lab run`: solve a preset headlessly.

use super::args::{Common, MethodArgs};
use super::summary::{csv_header, csv_header_without_record, csv_row, json_summary};
use super::{CliError, RunArgs, load_preset};
use crate::atomic_file::AtomicFile;
use crate::explore::{Answer, Judging, Reach, RunEvent, Verdict, Watch, lower_gap};
use crate::method::{Input, MethodKind, Record, Run, RunConfig, SolverSettings};
use crate::preset::Preset;
use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

fn bad(option: &str, value: impl std::fmt::Display, need: &str) -> CliError {
    CliError::Message(format!("--{option} {value}: {need}"))
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

/// Applies the method, parameter, budget, tolerance and start options to
/// the preset's defaults (`run` and the app alike).
pub(crate) fn configure(
    preset: &mut Preset,
    args: &MethodArgs,
    common: &Common,
) -> Result<(), CliError> {
    let kind = method_kind(args.method.as_deref(), preset)?;
    let solver = &mut preset.solver;
    solver.method = kind;
    apply_common(solver, common)?;
    let num = |v: Option<f64>| v.map(Input::Number);
    let int = |v: Option<i64>| v.map(Input::Integer);
    fn text(v: &Option<String>) -> Option<Input<'_>> {
        v.as_deref().map(Input::Text)
    }
    // By preset key; in this order: ρ and K before α and γ, which a
    // budget schedule resolves with them.
    let options = [
        ("rho", text(&args.rho)),
        ("alpha", num(args.alpha)),
        ("step", num(args.step)),
        ("a", num(args.budget_a)),
        ("b", num(args.budget_b)),
        ("epsilon", num(args.epsilon)),
        ("dt", num(args.dt)),
        ("integrator", text(&args.integrator)),
        ("w", num(args.w)),
        ("band", num(args.band)),
        ("line_search", text(&args.line_search)),
        ("eta", num(args.eta)),
        ("phi", text(&args.phi)),
        ("inner_steps", int(args.inner_steps)),
        ("inner_step", num(args.inner_step)),
        ("gamma", num(args.gamma)),
        ("ramp", args.ramp.map(Input::Flag)),
        ("cg_iterations", int(args.cg_iterations)),
    ];
    for (key, input) in options {
        if let Some(input) = input {
            solver
                .set_input(kind, key, input)
                .map_err(|m| CliError::Message(format!("{}: {m}", flag_of(key))))?;
        }
    }
    set_start(preset, common)
}

/// The command-line option of a method parameter's key, from the
/// methods' tables (the first method that has the key).
fn flag_of(key: &str) -> String {
    MethodKind::ALL
        .iter()
        .find_map(|kind| kind.param(key)?.cli_flag())
        .unwrap_or_else(|| format!("--{key}"))
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

/// Sets the constants given by `--constant NAME=VALUE`, then replaces the
/// preset's start by `--x0` and `--y0` where given.
pub(super) fn set_start(preset: &mut Preset, common: &Common) -> Result<(), CliError> {
    for ((name, value), given) in constants(common)?.into_iter().zip(&common.constants) {
        preset
            .set_constant(&name, value)
            .map_err(|why| CliError::Message(format!("--constant {given}: {why}")))?;
    }
    let (x0, y0) = (&common.x0, &common.y0);
    let dims = preset.dims();
    for (option, given, len, target) in [
        ("x0", x0, dims.n, &mut preset.start_x),
        ("y0", y0, dims.m, &mut preset.start_y),
    ] {
        if let Some(values) = given {
            if values.len() != len {
                return Err(CliError::Message(format!(
                    "--{option}: {} values given, the preset has {len}",
                    values.len()
                )));
            }
            if values.iter().any(|v| !v.is_finite()) {
                return Err(CliError::Message(format!(
                    "--{option}: every value must be a finite number"
                )));
            }
            *target = values.clone();
        }
    }
    Ok(())
}

/// The `--constant NAME=VALUE` options as (name, value), in their order.
pub(super) fn constants(common: &Common) -> Result<Vec<(String, f64)>, CliError> {
    common
        .constants
        .iter()
        .map(|given| {
            let bad = |why: String| CliError::Message(format!("--constant {given}: {why}"));
            let (name, value) = given
                .split_once('=')
                .ok_or_else(|| bad("write NAME=VALUE, e.g. a=3".into()))?;
            let value: f64 = value
                .trim()
                .parse()
                .map_err(|_| bad(format!("`{}` is not a number", value.trim())))?;
            Ok((name.trim().to_string(), value))
        })
        .collect()
}

/// Runs the command.
pub fn run(args: &RunArgs) -> Result<(), CliError> {
    if let Some(csv) = &args.csv {
        super::refuse_overwriting_input("--csv", csv, &args.preset)?;
    }
    let mut preset = load_preset(&args.preset)?;
    configure(&mut preset, &args.params, &args.common)?;
    let every = every(args.every)?;
    let (_, answer) = prepare(&preset);
    let outcome = execute(
        &preset,
        (preset.solver.run_config()?, answer),
        args.csv.as_deref(),
        every,
        None,
    )?;
    let summary = json_summary(&preset, &outcome, preset.solver.method.as_str());
    // With the CSV on standard output, the summary goes to standard error
    // so that the CSV stays a CSV.
    let to_stdout = args.csv.as_deref().is_some_and(|p| {
        p.as_os_str() == "-" || crate::atomic_file::same_file(p, Path::new("/dev/stdout"))
    });
    if to_stdout {
        let words = if args.json {
            String::new()
        } else {
            format!("{}\n", human_line(&outcome.run))
        };
        super::output::error_text(&format!("{words}{summary}\n"));
        return Ok(());
    }
    if !args.json {
        super::output::line(&human_line(&outcome.run))?;
        if let Some(line) = super::summary::cleaning_line(&preset, &outcome) {
            super::output::line(&line)?;
        }
    }
    super::output::line(&format!("{summary}"))?;
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
    /// Wall time of the iteration loop alone (CSV writing and the
    /// diagnosis excluded).
    pub seconds: f64,
    /// The first iteration whose own KKT residual was at most the `reach`
    /// tolerance, if one was asked for and reached.
    pub reached_own: Option<u64>,
    /// The first iteration within the `reach` tolerance of the reference by
    /// the common measure (distance or |f − F*|, h and the true gap).
    pub reached: Option<u64>,
    /// The reference the run was judged against (known or computed).
    pub answer: Option<Answer>,
    /// The judgement of the end.
    pub verdict: Option<Verdict>,
    /// The events along the run (the first [`crate::explore::KEPT_EVENTS`]).
    pub events: Vec<RunEvent>,
    /// How many events there were in all.
    pub events_total: usize,
}

/// The interrupt flag, watched from now on, and the answer runs are judged
/// against — computed before any output file is opened, so that Ctrl-C
/// during the computation leaves nothing behind.
pub(super) fn prepare(
    preset: &Preset,
) -> (
    std::sync::Arc<std::sync::atomic::AtomicBool>,
    Option<Answer>,
) {
    let interrupt = super::interrupt::watch();
    (interrupt, preset.answer())
}

/// The CSV of a run, written as it goes: the header from the first
/// record (it names the method's own columns), then every `every`-th
/// record, every record with an event and the final one, each with its
/// true lower-level gap. Dropped unfinished, it leaves no file.
struct CsvOut<'a> {
    path: &'a Path,
    file: AtomicFile,
    names: Vec<String>,
    problem: std::sync::Arc<dyn crate::problem::Problem>,
    domain: crate::explore::LowerDomain,
    every: u64,
    last: u64,
    header: bool,
    /// The iteration of the last row written.
    written: Option<u64>,
    error: Option<std::io::Error>,
}

impl<'a> CsvOut<'a> {
    fn create(path: &'a Path, preset: &Preset, every: u64, last: u64) -> Result<Self, CliError> {
        let file = AtomicFile::create(path).map_err(|e| {
            CliError::Message(format!(
                "{}: cannot write the CSV file: {e}",
                path.display()
            ))
        })?;
        Ok(Self {
            path,
            file,
            names: preset.problem.variable_names(),
            problem: preset.problem.clone(),
            domain: preset.lower_search(),
            every,
            last,
            header: false,
            written: None,
            error: None,
        })
    }

    /// Writes `record`'s row if it is due (`events`: its events' names).
    fn observe(&mut self, record: &Record, events: &[RunEvent]) {
        let due =
            record.k.is_multiple_of(self.every) || record.k >= self.last || !events.is_empty();
        if due && self.error.is_none() {
            let names: Vec<&str> = events.iter().map(|e| e.name()).collect();
            if let Err(e) = self.row(record, &names.join("+")) {
                self.error = Some(e);
            }
            self.written = Some(record.k);
        }
    }

    fn row(&mut self, record: &Record, event: &str) -> std::io::Result<()> {
        if !self.header {
            writeln!(
                self.file,
                "{},event,true_gap",
                csv_header(&self.names, record)
            )?;
            self.header = true;
        }
        let gap = lower_gap(self.problem.as_ref(), &record.z, &self.domain).gap;
        writeln!(self.file, "{},{event},{gap:?}", csv_row(record))
    }

    /// Ends the file with the run's final point (a converged or diverged
    /// run's last record, if not written yet; a run without a record still
    /// gets its header) and puts it in place.
    fn finish(mut self, run: &Run) -> Result<(), CliError> {
        let result = match run.last_record() {
            Some(last) if self.written != Some(last.k) && self.error.is_none() => {
                self.row(last, "")
            }
            None if self.error.is_none() => {
                writeln!(self.file, "{}", csv_header_without_record(&self.names))
            }
            _ => Ok(()),
        };
        let path = self.path;
        let failed = |e: std::io::Error| {
            CliError::Message(format!("{}: writing the CSV failed: {e}", path.display()))
        };
        if let Some(e) = self.error.take().or(result.err()) {
            return Err(failed(e));
        }
        self.file.commit().map_err(failed)
    }
}

/// Runs `config` on the preset from its start to the end, writing every
/// `every`-th record (and the final one, and every record with an event) to
/// `csv` if given, and judges where it ended against `answer`.
pub(super) fn execute(
    preset: &Preset,
    (config, answer): (RunConfig, Option<Answer>),
    csv: Option<&Path>,
    every: u64,
    reach: Option<f64>,
) -> Result<Outcome, CliError> {
    let interrupt = super::interrupt::watch();
    if super::interrupt::requested(&interrupt) {
        return Err(CliError::Interrupted(
            "interrupted before the run started".into(),
        ));
    }
    let mut csv = csv
        .map(|path| CsvOut::create(path, preset, every, config.iterations()))
        .transpose()?;
    let domain = preset.lower_search();
    let problem = preset.problem.clone();
    let mut run = Run::new(problem.clone(), config, preset.start());
    let mut aside = Duration::ZERO;
    let mut reached_own = None;
    let mut common = reach.map(Reach::new);
    let mut watch = Watch::for_problem(problem.as_ref());
    // Rows of a CSV each cost a global search for the true gap: smaller
    // chunks keep an interrupt's answer quick.
    let chunk = if csv.is_some() { 256 } else { 4096 };
    let started = Instant::now();
    let mut observe = |record: &Record| {
        let t = Instant::now();
        if reached_own.is_none() && reach.is_some_and(|t| record.kkt_residual <= t) {
            reached_own = Some(record.k);
        }
        let events = watch.observe(record);
        if let (Some(tracker), Some(answer)) = (common.as_mut(), answer.as_ref()) {
            tracker.observe(
                problem.as_ref(),
                &domain,
                answer,
                (record.k, &record.z, record.f, record.h),
            );
        }
        if let Some(out) = csv.as_mut() {
            out.observe(record, &events);
        }
        aside += t.elapsed();
    };
    // In chunks, so that an interrupt is seen within a few milliseconds.
    while !run.status().is_finished() {
        if super::interrupt::requested(&interrupt) {
            // Dropping the CSV's AtomicFile removes its temporary file.
            let what = csv.as_ref().map_or(String::new(), |out| {
                format!("; {} was not written", out.path.display())
            });
            return Err(CliError::Interrupted(format!(
                "interrupted at iteration {}{what}",
                run.state().k
            )));
        }
        run.advance(chunk, &mut observe);
    }
    let seconds = started.elapsed().saturating_sub(aside).as_secs_f64();
    if let Some(out) = csv {
        out.finish(&run)?;
    }
    if watch.recent.is_empty() {
        watch.recent.push_back(preset.start());
    }
    let judging = Judging {
        domain: &domain,
        answer: answer.as_ref(),
        tolerance: reach.unwrap_or(crate::explore::REACH_TOL),
    };
    let verdict = watch.verdict(problem.as_ref(), run.status(), run.state().k, &judging);
    Ok(Outcome {
        run,
        seconds,
        reached_own,
        reached: common.and_then(|c| c.reached),
        answer,
        verdict,
        events_total: watch.events.total(),
        events: watch.events.events,
    })
}

pub(super) fn human_line(run: &Run) -> String {
    let config = run.config();
    // A divergence message already says at which iteration.
    let head = match run.status() {
        status @ crate::method::Status::Diverged { .. } => {
            format!("{}: {status}", config.method().describe())
        }
        status => format!(
            "{}: {status} after {} iterations",
            config.method().describe(),
            run.state().k
        ),
    };
    // Hundreds of coordinates (hyper-cleaning) would bury the line: the
    // JSON summary below holds them all.
    let shown = |v: &[f64]| {
        if v.len() > 64 {
            format!("({} values)", v.len())
        } else {
            format!("{v:?}")
        }
    };
    match run.last_record() {
        Some(r) => format!(
            "{head}; x={} y={} f={:.6} h={:.3e} kkt={:.3e}",
            shown(r.x()),
            shown(r.y()),
            r.f,
            r.h,
            r.kkt_residual
        ),
        None => head,
    }
}

#[cfg(test)]
mod flag_tests {
    use super::*;
    use clap::CommandFactory;

    /// `run`'s options that are no method parameter.
    const OTHERS: &[&str] = &[
        "--method",
        "--iterations",
        "--tolerance",
        "--x0",
        "--y0",
        "--constant",
        "--csv",
        "--every",
        "--json",
        "--help",
    ];

    #[test]
    fn every_parameter_has_its_option_and_every_option_its_parameter() {
        let cli = super::super::Cli::command();
        let run = cli.find_subcommand("run").expect("the run subcommand");
        let options: Vec<String> = run
            .get_arguments()
            .filter_map(|a| a.get_long().map(|l| format!("--{l}")))
            .collect();
        let table: Vec<String> = MethodKind::ALL
            .iter()
            .flat_map(|k| k.params())
            .filter_map(|p| p.cli_flag())
            .collect();
        for flag in &table {
            assert!(
                options.contains(flag),
                "{flag} is in a method's table but not an option of run"
            );
        }
        for option in &options {
            assert!(
                table.contains(option) || OTHERS.contains(&option.as_str()),
                "{option} is an option of run but no method's parameter"
            );
        }
        // A message about a key names the option it came from, the same
        // for every method that shares the key.
        for p in MethodKind::ALL.iter().flat_map(|k| k.params()) {
            if let Some(flag) = p.cli_flag() {
                assert_eq!(flag_of(p.key), flag, "{}", p.key);
            }
        }
    }
}
