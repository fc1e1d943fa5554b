//! Command-line arguments.

use crate::problem::LowerKind;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Watch first-order bilevel optimization methods run on small nonconvex
/// bilevel problems.
#[derive(Debug, Parser)]
#[command(name = "bilevel-lab", version, args_conflicts_with_subcommands = true)]
pub struct Cli {
    /// What to do; without one, open the app.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// The preset to open: a TOML file or a built-in name (see `presets`).
    pub preset: Option<String>,
    /// With --screenshot: iterations to run before the picture is taken.
    #[arg(long, value_name = "N", requires = "screenshot")]
    pub iterations: Option<i64>,
    /// Open the app, run --iterations N, save a PNG of the window here, exit.
    #[arg(long, value_name = "FILE.png")]
    pub screenshot: Option<std::path::PathBuf>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Solve a preset headlessly; the last line of output is a JSON summary.
    Run(Box<RunArgs>),
    /// List the built-in presets.
    Presets,
    /// Print a synthetic-family preset generated from a seed.
    Synthetic(SyntheticArgs),
}

/// Options of `run`; each overrides the preset's `[solver]` and `[start]`.
#[derive(Debug, Args)]
#[command(allow_negative_numbers = true)]
pub struct RunArgs {
    /// A preset file, or the name of a built-in preset.
    pub preset: String,
    /// The method.
    #[arg(long, default_value = "pgd-qp")]
    pub method: String,
    /// ρ in the QP constraint: qp1 (ρ = ‖∇h‖²) or qp2 (ρ = ‖∇h‖·√h).
    #[arg(long)]
    pub rho: Option<String>,
    /// α: the QP asks h to decrease at rate αρ.
    #[arg(long, value_name = "A")]
    pub alpha: Option<f64>,
    /// γ: the step length.
    #[arg(long, value_name = "G")]
    pub step: Option<f64>,
    /// Use the budget schedule α = a·K^(−1/3) with this a (needs --budget-b).
    #[arg(long, value_name = "A", requires = "budget_b", conflicts_with_all = ["alpha", "step"])]
    pub budget_a: Option<f64>,
    /// Use the budget schedule γ = b·K^(−1/3) (qp1) or b·K^(−2/3) (qp2) with this b.
    #[arg(long, value_name = "B", requires = "budget_a")]
    pub budget_b: Option<f64>,
    /// The budget K. With the preset's budget schedule, α and γ follow K.
    #[arg(long, value_name = "K")]
    pub iterations: Option<i64>,
    /// Stop when the KKT residual ‖Δ‖² + h is at most T.
    #[arg(long, value_name = "T")]
    pub tolerance: Option<f64>,
    /// Start x, comma separated (e.g. `--x0 0.5` or `--x0 1,-2`).
    #[arg(long, value_name = "A,B,..", value_delimiter = ',')]
    pub x0: Option<Vec<f64>>,
    /// Start y, comma separated.
    #[arg(long, value_name = "C,..", value_delimiter = ',')]
    pub y0: Option<Vec<f64>>,
    /// Write every recorded iteration to this CSV file (with a header row).
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// Record every N-th iteration in the CSV (the final one always).
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub every: i64,
}

/// Options of `synthetic`.
#[derive(Debug, Args)]
pub struct SyntheticArgs {
    /// Dimension n = m.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u16).range(1..=500))]
    pub n: u16,
    /// Seed of the generator.
    #[arg(long, default_value_t = 2025)]
    pub seed: u64,
    /// The lower-level objective.
    #[arg(long, value_enum, default_value_t = KindArg::Convex)]
    pub lower_kind: KindArg,
}

/// `--lower-kind` values.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum KindArg {
    /// g = ½‖Hy − x‖²
    Convex,
    /// g = cos(½‖Hy − x‖²)
    Nonconvex,
}

impl From<KindArg> for LowerKind {
    fn from(k: KindArg) -> Self {
        match k {
            KindArg::Convex => LowerKind::Convex,
            KindArg::Nonconvex => LowerKind::Nonconvex,
        }
    }
}
