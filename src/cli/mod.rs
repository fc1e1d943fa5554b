//! The command line: `run`, `compare`, `sweep`, `basins`, `bench`, `presets`,
//! `synthetic`, and (with the `gui`
//! feature) the app. Bad input exits with code 2 and a message on standard
//! error that names the file, the key, and the line and column.

mod app_cmd;
mod args;
mod bench_cmd;
mod compare_cmd;
mod experiment_cmd;
mod explore_cmd;
mod figure_cmd;
mod interrupt;
mod output;
mod progress;
mod run_cmd;
mod summary;

pub use args::{BasinsArgs, BenchArgs, Cli, Command, CompareArgs, FigureArgs, RunArgs, SweepArgs};

use crate::preset::{self, BUILTIN, Preset, PresetError};
use clap::Parser;
use std::path::Path;
use std::process::ExitCode;

/// How a command failed.
#[derive(Debug)]
pub enum CliError {
    /// A failure to report in one line on standard error; exit code 2.
    Message(String),
    /// Whoever reads standard output stopped reading (`… | head -1`): the
    /// output is not wanted any more, so the program ends quietly, code 0.
    StdoutClosed,
    /// SIGINT or SIGTERM stopped the command: one line, code 130.
    Interrupted(String),
}

impl From<crate::method::ParamError> for CliError {
    fn from(e: crate::method::ParamError) -> Self {
        CliError::Message(e.to_string())
    }
}

impl From<PresetError> for CliError {
    fn from(e: PresetError) -> Self {
        CliError::Message(e.to_string())
    }
}

/// Parses the arguments, runs the command and returns the exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return output::argument_error(&e),
    };
    let result = run_command(&cli).and_then(|()| output::flush());
    match result {
        Ok(()) | Err(CliError::StdoutClosed) => ExitCode::SUCCESS,
        Err(CliError::Message(message)) => {
            output::error_line(&message);
            ExitCode::from(2)
        }
        Err(CliError::Interrupted(message)) => {
            output::error_line(&message);
            ExitCode::from(130)
        }
    }
}

fn run_command(cli: &Cli) -> Result<(), CliError> {
    match &cli.command {
        Some(Command::Run(args)) => run_cmd::run(args),
        Some(Command::Compare(args)) => compare_cmd::run(args),
        Some(Command::Sweep(args)) => explore_cmd::sweep(args),
        Some(Command::Basins(args)) => explore_cmd::basins(args),
        Some(Command::Bench(args)) => bench_cmd::run(args),
        Some(Command::Figure(args)) => figure_cmd::run(args),
        Some(Command::Experiment(args)) => experiment_cmd::run(args),
        Some(Command::Presets) => list_presets(),
        Some(Command::Synthetic(args)) => {
            let text = preset::synthetic_preset(args.n.into(), args.seed, args.lower_kind.into());
            if text.len() as u64 > preset::MAX_FILE_BYTES {
                return Err(CliError::Message(format!(
                    "--n {}: the preset would be {} bytes, more than the {} bytes a preset file may hold, so it could not be loaded; use a smaller --n",
                    args.n,
                    text.len(),
                    preset::MAX_FILE_BYTES
                )));
            }
            output::text(&text)
        }
        None => app_cmd::open_app(cli),
    }
}

/// Refuses to write `output` when it is the preset file `input` names (a
/// built-in name has no file): `run mine.toml --csv mine.toml` would
/// replace the preset with CSV.
pub fn refuse_overwriting_input(option: &str, output: &Path, input: &str) -> Result<(), CliError> {
    if crate::atomic_file::same_file(output, Path::new(input)) {
        return Err(CliError::Message(format!(
            "{option} {}: that is the preset being read ({input}); choose another file",
            output.display()
        )));
    }
    Ok(())
}

/// Loads a preset from a path, or by built-in name when no such file exists.
pub fn load_preset(name: &str) -> Result<Preset, CliError> {
    Ok(preset::PresetSource::open(name)?.1)
}

fn list_presets() -> Result<(), CliError> {
    use crate::dataset::MNIST_VARIABLE;
    for (id, text) in BUILTIN.iter().chain(&preset::DATA_BUILTIN) {
        // A preset of the user's own MNIST says what it waits for.
        let mnist = text.contains("dataset = \"mnist\"");
        if mnist && std::env::var_os(MNIST_VARIABLE).is_none_or(|v| v.is_empty()) {
            let title = preset::builtin_title(id).unwrap_or_default();
            output::line(&format!(
                "{id:<28} (set {MNIST_VARIABLE} to your MNIST directory)  {title}"
            ))?;
            continue;
        }
        match preset::load_builtin(id) {
            Ok(p) => {
                let dims = p.dims();
                output::line(&format!("{id:<28} n={} m={}  {}", dims.n, dims.m, p.name))?;
            }
            Err(e) => output::line(&format!("{id:<28} (does not load: {e})"))?,
        }
    }
    Ok(())
}
