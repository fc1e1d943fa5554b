//! The command line: `run`, `compare`, `sweep`, `basins`, `bench`, `presets`,
//! `synthetic`, and (with the `gui`
//! feature) the app. Bad input exits with code 2 and a message on standard
//! error that names the file, the key, and the line and column.

mod args;
mod bench_cmd;
mod compare_cmd;
mod explore_cmd;
mod run_cmd;
mod summary;

pub use args::{BasinsArgs, BenchArgs, Cli, Command, CompareArgs, MIN_WINDOW, RunArgs, SweepArgs};

use crate::preset::{self, BUILTIN, Preset, PresetError};
use clap::Parser;
use std::path::Path;
use std::process::ExitCode;

/// A failure to report to the user; the process exits with code 2.
#[derive(Debug)]
pub struct CliError(pub String);

impl From<PresetError> for CliError {
    fn from(e: PresetError) -> Self {
        CliError(e.to_string())
    }
}

/// Parses the arguments, runs the command and returns the exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Run(args)) => run_cmd::run(&args),
        Some(Command::Compare(args)) => compare_cmd::run(&args),
        Some(Command::Sweep(args)) => explore_cmd::sweep(&args),
        Some(Command::Basins(args)) => explore_cmd::basins(&args),
        Some(Command::Bench(args)) => bench_cmd::run(&args),
        Some(Command::Presets) => {
            list_presets();
            Ok(())
        }
        Some(Command::Synthetic(args)) => {
            print!(
                "{}",
                preset::synthetic_preset(args.n.into(), args.seed, args.lower_kind.into())
            );
            Ok(())
        }
        None => open_app(&cli),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(CliError(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

/// Loads a preset from a path, or by built-in name when no such file exists.
pub fn load_preset(name: &str) -> Result<Preset, CliError> {
    let path = Path::new(name);
    if path.exists() {
        return Ok(preset::load_path(path)?);
    }
    let id = name.strip_suffix(".toml").unwrap_or(name);
    if preset::builtin_text(id).is_some() {
        return Ok(preset::load_builtin(id)?);
    }
    let ids: Vec<&str> = BUILTIN.iter().map(|(n, _)| *n).collect();
    Err(CliError(format!(
        "{name}: no such file, and no built-in preset has this name (built-in: {})",
        ids.join(", ")
    )))
}

fn list_presets() {
    for (id, _) in BUILTIN {
        match preset::load_builtin(id) {
            Ok(p) => {
                let dims = p.dims();
                println!("{id:<28} n={} m={}  {}", dims.n, dims.m, p.name);
            }
            Err(e) => println!("{id:<28} (does not load: {e})"),
        }
    }
}

/// Opens the app (feature `gui`).
#[cfg(feature = "gui")]
fn open_app(cli: &Cli) -> Result<(), CliError> {
    use crate::app::{Launch, PresetSource, ScreenshotJob};
    let preset = match cli.preset.as_deref() {
        Some(name) => {
            let p = load_preset(name)?;
            let path = Path::new(name);
            let source = if path.exists() {
                let full = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
                PresetSource::File(full.display().to_string())
            } else {
                PresetSource::Builtin(name.strip_suffix(".toml").unwrap_or(name).to_string())
            };
            Some((source, p))
        }
        None if cli.screenshot.is_some() => {
            let id = preset::DEFAULT_PRESET;
            Some((PresetSource::Builtin(id.into()), preset::load_builtin(id)?))
        }
        None => None,
    };
    let screenshot = match &cli.screenshot {
        Some(path) => {
            let iterations = cli.iterations.unwrap_or(0);
            if iterations < 0 {
                return Err(CliError(format!(
                    "--iterations {iterations}: must be at least 0"
                )));
            }
            Some(ScreenshotJob {
                path: path.clone(),
                iterations: iterations as u64,
                explore: cli.explore,
                outcome: Default::default(),
            })
        }
        None => None,
    };
    // A scripted screenshot neither reads nor overwrites the user's settings.
    let settings_file = if screenshot.is_some() {
        None
    } else {
        crate::app::settings_file::default_path()
    };
    let teaching = crate::app::TeachLaunch {
        lecture: cli.lecture,
        light: cli.light,
        tour: cli.tour.map(|n| usize::from(n) - 1),
        explain: cli.explain || cli.stage.is_some(),
        stage: cli
            .stage
            .and_then(|n| crate::teaching::Stage::ALL.get(usize::from(n) - 1).copied()),
    };
    crate::app::launch(Launch {
        preset,
        screenshot,
        settings_file,
        teaching,
        size: cli.size,
    })
    .map_err(CliError)
}

/// Without the `gui` feature there is no window to open.
#[cfg(not(feature = "gui"))]
fn open_app(cli: &Cli) -> Result<(), CliError> {
    if let Some(name) = cli.preset.as_deref() {
        load_preset(name)?;
    }
    Err(CliError(
        "this build has no app (built without the `gui` feature); use `bilevel-lab run PRESET`"
            .into(),
    ))
}
