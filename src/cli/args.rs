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
    /// The preset to open: a TOML file, a built-in name or its number
    /// (`b01`; see `presets`). With method, parameter or start options and
    /// no preset, the default preset.
    pub preset: Option<String>,
    /// The method and its parameters, as `run` takes them.
    #[command(flatten)]
    pub params: MethodArgs,
    /// Budget, tolerance and start, as `run` takes them.
    #[command(flatten)]
    pub common: Common,
    /// The landscape's window.
    #[command(flatten)]
    pub view: ViewArg,
    /// Open the app, run --iterations N, save a PNG of the window here, exit.
    #[arg(long, value_name = "FILE.png")]
    pub screenshot: Option<std::path::PathBuf>,
    /// With --screenshot: also compute the basin map (drawn under the
    /// landscape) and the step-size sweep (its window) before the picture.
    #[arg(long, requires = "screenshot")]
    pub explore: bool,
    /// Open the Experiments window and run its default experiment (the
    /// convex synthetic benchmark, 10 seeds, K = 5000); with --screenshot
    /// the picture waits for it.
    #[arg(long)]
    pub experiments: bool,
    /// Open in the lecture view (larger type, thicker lines, fewer controls).
    #[arg(long)]
    pub lecture: bool,
    /// Show two runs side by side on landscapes sharing one view: with a
    /// METHOD, the preset's run (as the other options set it) beside a run
    /// of METHOD from the same start (`--split bome`); without, the first
    /// two runs of a session file.
    #[arg(long, value_name = "METHOD", num_args = 0..=1, default_missing_value = "")]
    pub split: Option<String>,
    /// Use the light theme.
    #[arg(long)]
    pub light: bool,
    /// Open stop N (1–7) of the guided tour and play it.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(1..=7))]
    pub tour: Option<u8>,
    /// Open "Explain this step" (the update with this iteration's numbers).
    #[arg(long)]
    pub explain: bool,
    /// With the explanation: show stage N (1–5) of the step on the plot.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(1..=5))]
    pub stage: Option<u8>,
    /// Open the window at this size in points, e.g. `1920x1080` for a
    /// projector or a slide (default 1440x900, or the size it had last).
    #[arg(long, value_name = "WxH", value_parser = parse_size)]
    pub size: Option<[f32; 2]>,
    /// Ask for files (Open…, Export) with a typed-path field instead of the
    /// desktop's file dialog (which needs the xdg file-chooser portal).
    #[arg(long)]
    pub typed_paths: bool,
}

/// Parses `WxH` (e.g. `1920x1080`) into a window size; the app checks
/// that it is one it can lay out (`app::check_size`).
fn parse_size(text: &str) -> Result<[f32; 2], String> {
    let (w, h) = text
        .split_once(['x', 'X', '×'])
        .ok_or_else(|| format!("'{text}' is not WIDTHxHEIGHT (e.g. 1920x1080)"))?;
    let side = |s: &str, what: &str| -> Result<f32, String> {
        let v: u32 = s
            .trim()
            .parse()
            .map_err(|_| format!("the {what} '{s}' is not a whole number (e.g. 1920x1080)"))?;
        Ok(v as f32)
    };
    Ok([side(w, "width")?, side(h, "height")?])
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Solve a preset headlessly; the last line of output is a JSON summary.
    Run(Box<RunArgs>),
    /// Run several methods from the same start; one CSV per method and a
    /// summary table.
    Compare(Box<CompareArgs>),
    /// Sweep two parameters of a method over a grid (log-spaced reals,
    /// whole-number counts); one CSV row per cell.
    Sweep(Box<SweepArgs>),
    /// Run from a grid of start points over the view; one CSV row per start,
    /// classified by where it ends.
    Basins(Box<BasinsArgs>),
    /// Measure the speed of the solver, the expression engine and the
    /// landscape (medians of repetitions); see docs/performance.md.
    Bench(BenchArgs),
    /// Draw a preset's run as a figure for slides and papers: SVG, PDF or
    /// PNG (by the name given to --out).
    Figure(Box<FigureArgs>),
    /// List the built-in presets.
    Presets,
    /// Print a synthetic-family preset generated from a seed.
    Synthetic(SyntheticArgs),
    /// The seed paper's experiments over many seeds: medians and 20–80 %
    /// bands, CSV and figures (see docs/experiments.md).
    Experiment(Box<ExperimentArgs>),
}

/// Options of `run`; each overrides the preset's `[solver]` and `[start]`.
#[derive(Debug, Args)]
#[command(allow_negative_numbers = true)]
pub struct RunArgs {
    /// A preset file, or the name of a built-in preset.
    pub preset: String,
    /// The method and its parameters.
    #[command(flatten)]
    pub params: MethodArgs,
    /// Budget, tolerance and start.
    #[command(flatten)]
    pub common: Common,
    /// Write every recorded iteration to this CSV file (with a header row).
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// Record every N-th iteration in the CSV (the final one always).
    #[arg(
        long,
        value_name = "N",
        default_value_t = 1,
        allow_hyphen_values = true
    )]
    pub every: i64,
    /// Print only the JSON summary (one line), not the lines in words
    /// before it.
    #[arg(long)]
    pub json: bool,
}

/// Options of `figure`: the run as `run` takes it, the view, and the file.
#[derive(Debug, Args)]
#[command(allow_negative_numbers = true)]
pub struct FigureArgs {
    /// A preset file, or the name of a built-in preset.
    pub preset: String,
    /// The method and its parameters.
    #[command(flatten)]
    pub params: MethodArgs,
    /// Budget (the iterations drawn), tolerance and start.
    #[command(flatten)]
    pub common: Common,
    /// The landscape's window.
    #[command(flatten)]
    pub view: ViewArg,
    /// The file to write: FILE.svg, FILE.pdf or FILE.png.
    #[arg(long, value_name = "FILE", required_unless_present = "animate")]
    pub out: Option<PathBuf>,
    /// Also (or instead) write the landscape with the run growing over its
    /// iterations as an animated GIF.
    #[arg(long, value_name = "FILE.gif")]
    pub animate: Option<PathBuf>,
    /// With --animate: frames in all.
    #[arg(long, default_value_t = 60, allow_hyphen_values = true)]
    pub frames: usize,
    /// With --animate: frames per second.
    #[arg(long, default_value_t = 15.0, allow_hyphen_values = true)]
    pub fps: f32,
    /// The figure's size in points (1/72 inch), e.g. `960x480`.
    #[arg(long, value_name = "WxH", value_parser = parse_size)]
    pub size: Option<[f32; 2]>,
    /// PNG and GIF: dots per inch (72 gives one pixel per point; default
    /// 150 for a PNG, 72 for a GIF).
    #[arg(long, allow_hyphen_values = true)]
    pub dpi: Option<f32>,
    /// Black on white (the default is the app's dark theme).
    #[arg(long, conflicts_with = "dark")]
    pub light: bool,
    /// White on near-black, as the app's dark theme (the default).
    #[arg(long)]
    pub dark: bool,
    /// What to draw: landscape, residuals or both.
    #[arg(long, default_value = "both")]
    pub what: String,
    /// The shaded region {h ≤ ε} (RXGF and SQCQP shade their own ε²).
    #[arg(long, default_value_t = 1e-3, allow_hyphen_values = true)]
    pub eps: f64,
}

/// `--view`, as the app and `figure` take it.
#[derive(Debug, Default, Args)]
pub struct ViewArg {
    /// The landscape's window: the first upper and the first lower
    /// variable's ranges, e.g. `--view -1,2,-1.5,1.5` (the app's "reset
    /// view" comes back to it).
    #[arg(
        long,
        value_name = "X1,X2,Y1,Y2",
        value_delimiter = ',',
        allow_hyphen_values = true
    )]
    pub view: Option<Vec<f64>>,
}

/// The method and its parameters, as `run` and the app take them; each
/// overrides the preset's `[solver]`.
#[derive(Debug, Default, Args)]
pub struct MethodArgs {
    /// The method: pgd-qp, rxgf, sqcqp, bome, v-pbgd or aid (default: the
    /// preset's). The preset's `[solver]` values belong to its own method;
    /// another method starts from its defaults (see docs/methods.md).
    #[arg(long)]
    pub method: Option<String>,
    /// PGD-QP: ρ in the QP constraint: qp1 (ρ = ‖∇h‖²) or qp2 (ρ = ‖∇h‖·√h).
    #[arg(long)]
    pub rho: Option<String>,
    /// PGD-QP: the QP asks h to decrease at rate αρ; RXGF, SQCQP: the
    /// barrier asks h − ε² to decay at rate α.
    #[arg(long, value_name = "A", allow_hyphen_values = true)]
    pub alpha: Option<f64>,
    /// The step length: γ (PGD-QP), η (SQCQP outside the set, V-PBGD),
    /// ξ (BOME), β (AID).
    #[arg(long, value_name = "G", allow_hyphen_values = true)]
    pub step: Option<f64>,
    /// RXGF, SQCQP: the relaxed constraint is h ≤ ε².
    #[arg(long, value_name = "E", allow_hyphen_values = true)]
    pub epsilon: Option<f64>,
    /// RXGF: the integration step.
    #[arg(long, value_name = "DT", allow_hyphen_values = true)]
    pub dt: Option<f64>,
    /// RXGF: rk4, rk4-38 (Kutta's 3/8 rule, torchdiffeq's rk4) or euler.
    #[arg(long)]
    pub integrator: Option<String>,
    /// SQCQP: the weight w of ‖d‖² in the QCQP constraint.
    #[arg(long, value_name = "W", allow_hyphen_values = true)]
    pub w: Option<f64>,
    /// SQCQP: δ — the line search runs only where h − ε² < −δ (0, the
    /// paper's rule, by default; the authors' code uses 1e-5).
    #[arg(long, value_name = "DELTA", allow_hyphen_values = true)]
    pub band: Option<f64>,
    /// SQCQP: joint (each trial safely inside and Armijo, the paper) or
    /// two-phase (safety first, then Armijo alone, the authors' code).
    #[arg(long, value_name = "SEARCH")]
    pub line_search: Option<String>,
    /// BOME: η in φ = η‖∇q‖² (or η·q).
    #[arg(long, value_name = "ETA", allow_hyphen_values = true)]
    pub eta: Option<f64>,
    /// BOME: gradient (φ = η‖∇q‖²) or value (φ = η·q).
    #[arg(long)]
    pub phi: Option<String>,
    /// BOME, V-PBGD: T; AID: D — lower-level steps per iteration.
    #[arg(long, value_name = "T", allow_hyphen_values = true)]
    pub inner_steps: Option<i64>,
    /// BOME, V-PBGD, AID: the lower-level step length η_in.
    #[arg(long, value_name = "S", allow_hyphen_values = true)]
    pub inner_step: Option<f64>,
    /// V-PBGD: the penalty weight γ (γ_max with --ramp).
    #[arg(long, value_name = "G", allow_hyphen_values = true)]
    pub gamma: Option<f64>,
    /// V-PBGD: ramp γ from 0 to γ_max over ¾ of K (true or false).
    #[arg(long, value_name = "BOOL")]
    pub ramp: Option<bool>,
    /// AID: most conjugate-gradient iterations per solve.
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    pub cg_iterations: Option<i64>,
    /// Use the budget schedule α = a·K^(−1/3) with this a (needs --budget-b).
    #[arg(long, value_name = "A", requires = "budget_b", conflicts_with_all = ["alpha", "step"], allow_hyphen_values = true)]
    pub budget_a: Option<f64>,
    /// Use the budget schedule γ = b·K^(−1/3) (qp1) or b·K^(−2/3) (qp2) with this b.
    #[arg(
        long,
        value_name = "B",
        requires = "budget_a",
        allow_hyphen_values = true
    )]
    pub budget_b: Option<f64>,
}

/// The options `run` and `compare` share (and the app: with --screenshot,
/// the picture is taken once the runs have done K iterations or stopped).
#[derive(Debug, Clone, Default, Args)]
pub struct Common {
    /// The budget K. With PGD-QP's budget schedule, α and γ follow K.
    #[arg(long, value_name = "K", allow_hyphen_values = true)]
    pub iterations: Option<i64>,
    /// Stop when the KKT residual ‖Δ‖² + h is at most T.
    #[arg(long, value_name = "T", allow_hyphen_values = true)]
    pub tolerance: Option<f64>,
    /// Start x, comma separated (e.g. `--x0 0.5` or `--x0 1,-2`).
    #[arg(
        long,
        value_name = "A,B,..",
        value_delimiter = ',',
        allow_hyphen_values = true
    )]
    pub x0: Option<Vec<f64>>,
    /// Start y, comma separated.
    #[arg(
        long,
        value_name = "C,..",
        value_delimiter = ',',
        allow_hyphen_values = true
    )]
    pub y0: Option<Vec<f64>>,
    /// Set a constant of the preset (repeatable), e.g. `--constant a=3`;
    /// the preset's stated answer then no longer applies.
    #[arg(
        long = "constant",
        value_name = "NAME=VALUE",
        allow_hyphen_values = true
    )]
    pub constants: Vec<String>,
}

/// Options of `compare`.
#[derive(Debug, Args)]
#[command(allow_negative_numbers = true)]
pub struct CompareArgs {
    /// A preset file, or the name of a built-in preset.
    pub preset: String,
    /// The methods, comma separated (e.g. `pgd-qp,sqcqp,bome`).
    #[arg(long, value_delimiter = ',', required = true)]
    pub methods: Vec<String>,
    /// Budget, tolerance and start, shared by every method.
    #[command(flatten)]
    pub common: Common,
    /// Write METHOD.csv per method and summary.csv into this directory.
    #[arg(long, value_name = "DIR")]
    pub csv: Option<PathBuf>,
    /// Record every N-th iteration in the CSVs (the final one always).
    #[arg(
        long,
        value_name = "N",
        default_value_t = 1,
        allow_hyphen_values = true
    )]
    pub every: i64,
    /// The tolerance on the KKT residual for the "iterations to reach" column.
    #[arg(
        long,
        value_name = "T",
        default_value_t = 1e-6,
        allow_hyphen_values = true
    )]
    pub reach: f64,
}

/// Options of `sweep`.
#[derive(Debug, Args)]
#[command(allow_negative_numbers = true)]
pub struct SweepArgs {
    /// A preset file, or the name of a built-in preset.
    pub preset: String,
    /// The method (default: the preset's).
    #[arg(long)]
    pub method: Option<String>,
    /// The two parameters swept, e.g. `alpha,step` (default per method:
    /// PGD-QP alpha,step; RXGF, SQCQP alpha,epsilon; BOME eta,step; V-PBGD
    /// gamma,step; AID inner_step,step).
    #[arg(long, value_delimiter = ',', value_name = "KEY1,KEY2")]
    pub axes: Option<Vec<String>>,
    /// Range of the first parameter, e.g. `0.01,1` (log-spaced; a count
    /// such as inner_steps, e.g. `1,20`, on whole numbers in equal steps).
    #[arg(
        allow_hyphen_values = true,
        long,
        alias = "first-range",
        value_delimiter = ',',
        value_name = "A1,A2",
        required = true
    )]
    pub alpha_range: Vec<f64>,
    /// Range of the second parameter, e.g. `0.001,1` (spaced as the first).
    #[arg(
        allow_hyphen_values = true,
        long,
        alias = "second-range",
        value_delimiter = ',',
        value_name = "G1,G2",
        required = true
    )]
    pub step_range: Vec<f64>,
    /// Cells per side (2 to 200).
    #[arg(long, default_value_t = 24)]
    pub grid: usize,
    /// Budget, tolerance and start.
    #[command(flatten)]
    pub common: Common,
    /// Write one row per cell here.
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
}

/// Options of `basins`.
#[derive(Debug, Args)]
#[command(allow_negative_numbers = true)]
pub struct BasinsArgs {
    /// A preset file, or the name of a built-in preset.
    pub preset: String,
    /// The method (default: the preset's).
    #[arg(long)]
    pub method: Option<String>,
    /// Starts per side (2 to 200).
    #[arg(long, default_value_t = 24)]
    pub grid: usize,
    /// Budget and tolerance (`--x0`/`--y0` set the coordinates not mapped).
    #[command(flatten)]
    pub common: Common,
    /// Write one row per start here.
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
}

/// Options of `bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Fewer iterations and repetitions (a rough figure in seconds).
    #[arg(long)]
    pub quick: bool,
    /// End with one JSON object on the last line of standard output.
    #[arg(long)]
    pub json: bool,
    /// Internal: run this many iterations into the app's data model and
    /// print the peak resident memory in MB (the bench runs itself with it,
    /// so the figure is of a fresh process).
    #[arg(long, hide = true, value_name = "ITERATIONS")]
    pub rss_child: Option<u64>,
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

/// Options of `experiment`.
#[derive(Debug, Args)]
pub struct ExperimentArgs {
    /// Which experiment.
    #[command(subcommand)]
    pub which: ExperimentKind,
}

/// The experiments.
#[derive(Debug, Subcommand)]
pub enum ExperimentKind {
    /// The synthetic benchmark: a new instance per seed (c, d, H, x₀ from
    /// the family's generator, y₀ solving the lower level), every method
    /// from the same starts.
    Synthetic(SyntheticExperimentArgs),
}

/// Options of `experiment synthetic`.
#[derive(Debug, Args)]
pub struct SyntheticExperimentArgs {
    /// The lower-level objective.
    #[arg(long, value_enum, default_value_t = KindArg::Convex)]
    pub kind: KindArg,
    /// Dimension n = m.
    #[arg(long, default_value_t = 20)]
    pub dim: usize,
    /// How many seeds (instances).
    #[arg(long, default_value_t = 10)]
    pub seeds: usize,
    /// The first seed; the others follow it.
    #[arg(long, default_value_t = 1)]
    pub first_seed: u64,
    /// The methods, comma-separated, each `METHOD[:VARIANT…]` with the
    /// papers' constants: variants qp1, qp2, budget (pgd-qp), authors
    /// (sqcqp), rk4, rk4-38, euler (rxgf), value (bome).
    #[arg(long, default_value = crate::experiment::contender::DEFAULT_METHODS)]
    pub methods: String,
    /// The budget K; several, comma-separated, make a K-ablation.
    #[arg(long, value_delimiter = ',', default_value = "10000")]
    pub iterations: Vec<u64>,
    /// Stop each run after this many seconds of iterating.
    #[arg(long, value_name = "SECONDS", allow_hyphen_values = true)]
    pub time_budget: Option<f64>,
    /// Checkpoints per run at which the quantities are sampled.
    #[arg(long, default_value_t = 200)]
    pub checkpoints: usize,
    /// The directory to write to (created; refused if it holds files).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// The figures' formats, comma-separated: svg, pdf, png.
    #[arg(long, value_delimiter = ',', default_value = "svg")]
    pub figures: Vec<String>,
    /// Black on white figures (else white on near-black).
    #[arg(long)]
    pub light: bool,
}
