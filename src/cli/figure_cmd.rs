//! `bilevel-lab figure`: a preset's run drawn as SVG, PDF or PNG, with the
//! same options as `run` and the app's `--view`.

use super::args::FigureArgs;
use super::{CliError, load_preset, refuse_overwriting_input};
use crate::figure::{self, FigureInput, Format, Style, What};

/// The size when none is asked for, in points: the two halves side by side,
/// or one alone.
fn default_size(what: What) -> [u32; 2] {
    match what {
        What::Both => [960, 480],
        What::Landscape => [560, 480],
        What::Residuals => [480, 480],
    }
}

/// Runs the command.
pub fn run(args: &FigureArgs) -> Result<(), CliError> {
    let format = Format::of(&args.out, args.dpi).map_err(CliError::Message)?;
    refuse_overwriting_input("--out", &args.out, &args.preset)?;
    let what = What::parse(&args.what).ok_or_else(|| {
        CliError::Message(format!(
            "--what {}: use landscape, residuals or both",
            args.what
        ))
    })?;
    let size = match args.size {
        Some([w, h]) if (100.0..=10_000.0).contains(&w) && (100.0..=10_000.0).contains(&h) => {
            [w as u32, h as u32]
        }
        Some([w, h]) => {
            return Err(CliError::Message(format!(
                "--size {w}x{h}: each side must be 100 to 10000 points"
            )));
        }
        None => default_size(what),
    };
    if !(args.eps.is_finite() && args.eps > 0.0) {
        return Err(CliError::Message(format!(
            "--eps {}: it must be a finite number > 0",
            args.eps
        )));
    }
    let mut preset = load_preset(&args.preset)?;
    super::run_cmd::configure(&mut preset, &args.params, &args.common)?;
    if let Some(values) = &args.view.view {
        preset.view = Some(super::app_cmd::view(values)?);
    }
    let input = FigureInput::of_preset(&preset, args.eps)?;
    let style = Style {
        size,
        light: args.light,
        what,
    };
    let svg = figure::svg(&input, &style).map_err(CliError::Message)?;
    figure::write(&args.out, &svg, format).map_err(CliError::Message)
}
