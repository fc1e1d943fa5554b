//! `bilevel-lab figure`: a preset's run drawn as SVG, PDF or PNG, with the
//! same options as `run` and the app's `--view`.

use super::args::FigureArgs;
use super::{CliError, load_preset, refuse_overwriting_input};
use crate::figure::{self, Animation, FigureInput, Format, Style, What};

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
    let format = match &args.out {
        Some(out) => {
            refuse_overwriting_input("--out", out, &args.preset)?;
            Some(Format::of(out, args.dpi.unwrap_or(150.0)).map_err(CliError::Message)?)
        }
        None => None,
    };
    let animation = animation(args)?;
    let what = What::parse(&args.what).ok_or_else(|| {
        CliError::Message(format!(
            "--what {}: use landscape, residuals or both",
            args.what
        ))
    })?;
    let size = size_asked(args.size, what)?;
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
    if let (Some(out), Some(format)) = (&args.out, format) {
        let svg = figure::svg(&input, &style).map_err(CliError::Message)?;
        figure::write(out, &svg, format).map_err(CliError::Message)?;
    }
    if let Some((path, anim)) = animation {
        // The landscape alone, at its own default size unless one is asked.
        let style = Style {
            size: size_asked(args.size, What::Landscape)?,
            ..style
        };
        animate(&path, &input, &style, &anim)?;
    }
    Ok(())
}

/// The size asked for, or the default for what is drawn.
fn size_asked(asked: Option<[f32; 2]>, what: What) -> Result<[u32; 2], CliError> {
    match asked {
        Some([w, h]) if (100.0..=10_000.0).contains(&w) && (100.0..=10_000.0).contains(&h) => {
            Ok([w as u32, h as u32])
        }
        Some([w, h]) => Err(CliError::Message(format!(
            "--size {w}x{h}: each side must be 100 to 10000 points"
        ))),
        None => Ok(default_size(what)),
    }
}

/// `--animate FILE.gif` with its frames, pace and resolution, checked.
fn animation(args: &FigureArgs) -> Result<Option<(std::path::PathBuf, Animation)>, CliError> {
    let Some(path) = &args.animate else {
        return Ok(None);
    };
    let gif = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("gif"));
    if !gif {
        return Err(CliError::Message(format!(
            "--animate {}: the name must end in .gif",
            path.display()
        )));
    }
    refuse_overwriting_input("--animate", path, &args.preset)?;
    let anim = Animation {
        frames: args.frames,
        fps: args.fps,
        dpi: args.dpi.unwrap_or(72.0),
    };
    anim.check().map_err(CliError::Message)?;
    Ok(Some((path.clone(), anim)))
}

/// Renders the frames with a progress bar and writes the GIF.
fn animate(
    path: &std::path::Path,
    input: &FigureInput,
    style: &Style,
    anim: &Animation,
) -> Result<(), CliError> {
    let (bytes, interrupted) = super::progress::with_bar(anim.frames, "frames", |progress| {
        figure::animation(input, style, anim, progress)
    });
    if interrupted {
        return Err(CliError::Interrupted(format!(
            "interrupted: {} was not written",
            path.display()
        )));
    }
    let bytes = bytes.map_err(CliError::Message)?;
    crate::atomic_file::write_atomic(path, &bytes)
        .map_err(|e| CliError::Message(format!("could not write {}: {e}", path.display())))
}
