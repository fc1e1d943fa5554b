//! `bench`: prints every figure as a table (and with `--json` one JSON
//! object last).

use super::{BenchArgs, CliError};
use crate::bench::{Figure, solver_figures};

/// Iterations of the run whose peak memory is `rss_mb_1e7`.
#[cfg(feature = "gui")]
const RSS_ITERATIONS: u64 = 10_000_000;

/// Runs the bench.
pub fn run(args: &BenchArgs) -> Result<(), CliError> {
    if let Some(iterations) = args.rss_child {
        return rss_child(iterations);
    }
    let solver = solver_figures(args.quick).map_err(CliError::Message)?;
    #[cfg(feature = "gui")]
    let figures = {
        let mut all = solver;
        all.extend(crate::bench::ui_figures(args.quick).map_err(CliError::Message)?);
        all.push(rss_figure()?);
        all
    };
    #[cfg(not(feature = "gui"))]
    let figures = solver;
    print_table(&figures)?;
    #[cfg(not(feature = "gui"))]
    super::output::line("built without the gui feature: no frame, stream or memory figures")?;
    if args.json {
        let map: serde_json::Map<String, serde_json::Value> = figures
            .iter()
            .map(|f| (f.key.to_string(), serde_json::Value::from(f.median)))
            .collect();
        super::output::line(&format!("{}", serde_json::Value::Object(map)))?;
    }
    Ok(())
}

fn print_table(figures: &[Figure]) -> Result<(), CliError> {
    super::output::line(&format!(
        "{:<22} {:>12}  {:<8} what",
        "figure", "median", "target"
    ))?;
    for f in figures {
        let verdict = match f.met {
            Some(true) => "met",
            Some(false) => "MISSED",
            None => "-",
        };
        super::output::line(&format!(
            "{:<22} {:>12.2}  {:<8} {} (target {}; samples {:?})",
            f.key,
            f.median,
            verdict,
            f.what,
            f.target,
            f.samples
                .iter()
                .map(|s| (s * 100.0).round() / 100.0)
                .collect::<Vec<_>>()
        ))?;
    }
    Ok(())
}

/// The child side of `rss_mb_1e7`: prints the peak memory in MB.
#[cfg(feature = "gui")]
fn rss_child(iterations: u64) -> Result<(), CliError> {
    let mb = crate::bench::rss_after_run(iterations).map_err(CliError::Message)?;
    super::output::line(&format!("{mb}"))?;
    Ok(())
}

#[cfg(not(feature = "gui"))]
fn rss_child(_iterations: u64) -> Result<(), CliError> {
    Err(CliError::Message(
        "the memory figure needs the app's data model (the gui feature)".into(),
    ))
}

/// Measures `rss_mb_1e7` in a fresh process of this same binary.
#[cfg(feature = "gui")]
fn rss_figure() -> Result<Figure, CliError> {
    let exe = std::env::current_exe()
        .map_err(|e| CliError::Message(format!("cannot find this program to rerun it: {e}")))?;
    let output = std::process::Command::new(&exe)
        .args(["bench", "--rss-child", &RSS_ITERATIONS.to_string()])
        .output()
        .map_err(|e| CliError::Message(format!("cannot run {}: {e}", exe.display())))?;
    let text = String::from_utf8_lossy(&output.stdout);
    let mb: f64 = text
        .lines()
        .last()
        .and_then(|l| l.trim().parse().ok())
        .ok_or_else(|| {
            CliError::Message(format!(
                "the memory run failed: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            ))
        })?;
    Ok(Figure {
        key: "rss_mb_1e7",
        what: "peak resident MB of a fresh process after a 10⁷-iteration run kept in the app's data model",
        median: mb,
        samples: vec![mb],
        target: "≤ 300".into(),
        met: Some(mb <= 300.0),
    })
}
