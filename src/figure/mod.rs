//! Figures for slides and papers: the landscape (contours, the lower-level
//! stationary curves, the region {h ≤ ε}, the reference, the trajectories
//! and the QP vectors at the last iterate) and the residual plots, drawn by
//! plotters as SVG and turned into PDF (svg2pdf, the bundled font embedded)
//! or PNG (resvg). `bilevel-lab figure` and the app's Export → Figure both
//! describe what to draw as a [`FigureInput`], so they draw the same.

mod animate;
mod bands_chart;
mod draw;
mod export;
mod landscape_arrows;
mod landscape_chart;
mod residual_chart;

pub use crate::experiment::panels::Along;
pub use animate::{Animation, animation};
pub use bands_chart::bands_svg;
pub use draw::{RESOLUTION, svg};
pub use export::{Format, bytes, write};

use crate::explore::Answer;
use crate::method::{ParamError, Record, Run, RunConfig};
use crate::preset::Preset;
use crate::problem::Problem;
use std::sync::Arc;

/// What the figure shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum What {
    /// The landscape alone.
    Landscape,
    /// The residual plots alone.
    Residuals,
    /// Both, side by side.
    Both,
}

impl What {
    /// Parses `landscape`, `residuals` or `both`.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "landscape" => Some(What::Landscape),
            "residuals" => Some(What::Residuals),
            "both" => Some(What::Both),
            _ => None,
        }
    }
}

/// How the figure looks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Style {
    /// Width and height in points (1/72 inch; SVG user units).
    pub size: [u32; 2],
    /// Black on white (else white on near-black).
    pub light: bool,
    /// The landscape, the residuals or both.
    pub what: What,
}

/// One run to draw: its configuration and start.
#[derive(Debug, Clone)]
pub struct FigureRun {
    /// Method, parameters, budget and tolerance.
    pub config: RunConfig,
    /// Where it starts.
    pub start: Vec<f64>,
    /// Its colour slot (as in the app).
    pub slot: usize,
}

/// Everything a figure is drawn from.
#[derive(Clone)]
pub struct FigureInput {
    /// The problem.
    pub problem: Arc<dyn Problem>,
    /// The title (the preset's name).
    pub title: String,
    /// The plotted coordinates' indices in z and their names.
    pub axes: (usize, usize),
    /// Their names.
    pub names: (String, String),
    /// The landscape's view: the x range and the y range.
    pub view: ([f64; 2], [f64; 2]),
    /// The region's ε: {h ≤ ε} is shaded (RXGF and SQCQP: their ε²).
    pub eps: f64,
    /// The runs.
    pub runs: Vec<FigureRun>,
    /// Iterations drawn (each run stops earlier if it ends).
    pub iterations: u64,
    /// The reference optimum, if known or computed.
    pub reference: Option<Answer>,
}

impl FigureInput {
    /// What to draw for the configured preset: its one run, its view (or 4 × 4
    /// around the start, as the app), its reference and the region's ε.
    pub fn of_preset(preset: &Preset, eps: f64) -> Result<Self, ParamError> {
        let config = preset.solver.run_config()?;
        let start = preset.start();
        let n = preset.dims().n;
        let axes = (0, n);
        let view = preset.view.map_or_else(
            || {
                let (x, y) = (start[0], start.get(n).copied().unwrap_or(0.0));
                ([x - 2.0, x + 2.0], [y - 2.0, y + 2.0])
            },
            |v| (v.x, v.y),
        );
        let names = preset.problem.variable_names();
        let name = |i: usize, or: &str| names.get(i).cloned().unwrap_or_else(|| or.into());
        // RXGF and SQCQP work with {h ≤ ε²} for their own ε.
        let eps = config.method().relaxed_epsilon().map_or(eps, |e| e * e);
        Ok(FigureInput {
            problem: preset.problem.clone(),
            title: preset.name.clone(),
            axes,
            names: (name(0, "x"), name(n, "y")),
            view,
            eps,
            iterations: config.iterations(),
            runs: vec![FigureRun {
                config,
                start,
                slot: 0,
            }],
            reference: preset.answer(),
        })
    }
}

/// One sample of a run, as the residual plots draw it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    /// The iteration.
    pub k: u64,
    /// f.
    pub f: f64,
    /// h = ‖∇_y g‖².
    pub h: f64,
    /// ‖Δ‖.
    pub delta: f64,
    /// λ.
    pub lambda: f64,
    /// The KKT residual ‖Δ‖² + h.
    pub kkt: f64,
}

/// A run as drawn: its path in the plotted plane, its samples and its
/// last record (whose QP vectors the landscape shows).
#[derive(Debug, Clone)]
pub struct Trace {
    /// Its colour slot.
    pub slot: usize,
    /// "run 1: PGD-QP ρ=qp1 α=… γ=…".
    pub label: String,
    /// z projected on the plotted plane, iteration by iteration.
    pub path: Vec<[f64; 2]>,
    /// Every iteration's numbers.
    pub samples: Vec<Sample>,
    /// The record at the last iterate.
    pub last: Option<Record>,
    /// The start, projected.
    pub start: [f64; 2],
    /// The records at the iterations asked to be kept (an animation's
    /// frames), in order.
    pub kept: Vec<Record>,
}

/// Runs every run for `input.iterations` iterations (or to its end) and
/// keeps what the figure draws.
pub fn traces(input: &FigureInput) -> Vec<Trace> {
    traces_keeping(input, &[])
}

/// The same, also keeping the records at the iterations `keep` (sorted).
pub fn traces_keeping(input: &FigureInput, keep: &[u64]) -> Vec<Trace> {
    let (ix, iy) = input.axes;
    let project = |z: &[f64]| {
        [
            z.get(ix).copied().unwrap_or(f64::NAN),
            z.get(iy).copied().unwrap_or(f64::NAN),
        ]
    };
    input
        .runs
        .iter()
        .map(|run| {
            let mut trace = Trace {
                slot: run.slot,
                label: format!(
                    "run {}: {}",
                    run.slot + 1,
                    run.config.method().legend_label()
                ),
                path: Vec::new(),
                samples: Vec::new(),
                last: None,
                start: project(&run.start),
                kept: Vec::new(),
            };
            let mut solver = Run::new(input.problem.clone(), run.config, run.start.clone());
            solver.advance(input.iterations.saturating_add(1), |r| {
                trace.path.push(project(&r.z));
                trace.samples.push(Sample {
                    k: r.k,
                    f: r.f,
                    h: r.h,
                    delta: r.delta_norm,
                    lambda: r.lambda,
                    kkt: r.kkt_residual,
                });
                if keep.binary_search(&r.k).is_ok() {
                    trace.kept.push(r.clone());
                }
            });
            trace.last = solver.last_record().cloned();
            trace
        })
        .collect()
}
