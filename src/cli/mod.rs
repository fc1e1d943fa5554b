//! The command line: `run`, `presets`, `synthetic`, and (with the `gui`
//! feature) the app. Bad input exits with code 2 and a message on standard
//! error that names the file, the key, and the line and column.

mod args;
mod run_cmd;
mod summary;

pub use args::{Cli, Command, RunArgs};

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
        None => open_app(cli.preset.as_deref()),
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

fn open_app(preset_name: Option<&str>) -> Result<(), CliError> {
    // Check the preset even before the app exists, so a typo is reported.
    let name = preset_name.unwrap_or(preset::DEFAULT_PRESET);
    let preset = load_preset(name)?;
    println!(
        "bilevel-lab {}: the desktop app is not part of this build yet.\n\
         Preset '{}' loads. Solve it headlessly with:\n  bilevel-lab run {name}\n\
         List the built-in presets with `bilevel-lab presets`; see `bilevel-lab --help`.",
        env!("CARGO_PKG_VERSION"),
        preset.name
    );
    Ok(())
}
