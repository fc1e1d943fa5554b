//! What the app remembers across restarts (eframe persistence): the preset,
//! edited expressions, every run's parameters and the view toggles.

use crate::method::{Rho, RunConfig, StepRule};
use crate::preset::{Preset, SolverDefaults};
use serde::{Deserialize, Serialize};

/// Where the current preset came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum PresetSource {
    /// A built-in preset by id.
    Builtin(String),
    /// A file on disk.
    File(String),
}

/// The parameters of one run, as the user edits them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunSpec {
    /// `true` for ρ = ‖∇h‖·√h (qp2), `false` for ρ = ‖∇h‖² (qp1).
    pub qp2: bool,
    /// Use the budget schedule instead of fixed α, γ.
    pub budget: bool,
    /// α (fixed rule).
    pub alpha: f64,
    /// γ (fixed rule).
    pub step: f64,
    /// a (budget rule).
    pub a: f64,
    /// b (budget rule).
    pub b: f64,
    /// K.
    pub iterations: u64,
    /// Whether the tolerance applies.
    pub use_tolerance: bool,
    /// Tolerance on the KKT residual.
    pub tolerance: f64,
    /// The start point z₀.
    pub start: Vec<f64>,
}

impl RunSpec {
    /// The spec a preset's defaults describe.
    pub fn from_preset(p: &Preset) -> Self {
        let s = &p.solver;
        let (alpha, step) = s.rule.resolve(s.rho, s.iterations);
        let (a, b) = match s.rule {
            StepRule::Budget { a, b } => (a, b),
            StepRule::Fixed { .. } => (1.5, 1.5),
        };
        Self {
            qp2: s.rho == Rho::Qp2,
            budget: matches!(s.rule, StepRule::Budget { .. }),
            alpha,
            step,
            a,
            b,
            iterations: s.iterations,
            use_tolerance: s.tolerance.is_some(),
            tolerance: s.tolerance.unwrap_or(1e-10),
            start: p.start(),
        }
    }

    /// The solver settings.
    pub fn defaults(&self) -> SolverDefaults {
        SolverDefaults {
            rho: if self.qp2 { Rho::Qp2 } else { Rho::Qp1 },
            rule: if self.budget {
                StepRule::Budget {
                    a: self.a,
                    b: self.b,
                }
            } else {
                StepRule::Fixed {
                    alpha: self.alpha,
                    step: self.step,
                }
            },
            iterations: self.iterations.max(1),
            tolerance: self.use_tolerance.then_some(self.tolerance),
        }
    }

    /// The run configuration.
    pub fn config(&self) -> RunConfig {
        self.defaults().run_config()
    }

    /// What is wrong with the parameters, in the method's terms.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        let (alpha, step) = self
            .defaults()
            .rule
            .resolve(self.defaults().rho, self.iterations);
        if !(alpha.is_finite() && alpha >= 0.0) {
            out.push("α must be a finite number ≥ 0".into());
        }
        if !(step.is_finite() && step > 0.0) {
            out.push("γ must be a finite number > 0".into());
        }
        if self.iterations == 0 {
            out.push("K must be at least 1".into());
        }
        if self.use_tolerance && !(self.tolerance.is_finite() && self.tolerance > 0.0) {
            out.push("the tolerance must be > 0".into());
        }
        if self.start.iter().any(|v| !v.is_finite()) {
            out.push("the start point must be finite".into());
        }
        out
    }
}

/// Which layers the landscape shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Layers {
    /// Contours of f.
    pub f_contours: bool,
    /// Contours of g.
    pub g_contours: bool,
    /// The lower-level stationary set.
    pub stationary: bool,
    /// The region {h ≤ ε}.
    pub region: bool,
    /// The reference optimum.
    pub reference: bool,
    /// The QP geometry at the current iterate.
    pub geometry: bool,
    /// The QP arrows along the path.
    pub path_arrows: bool,
    /// Every how many iterations along the path.
    pub path_arrow_every: u64,
}

impl Default for Layers {
    fn default() -> Self {
        Self {
            f_contours: true,
            g_contours: true,
            stationary: true,
            region: true,
            reference: true,
            geometry: true,
            path_arrows: false,
            path_arrow_every: 100,
        }
    }
}

/// Residual series shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Series {
    /// h = ‖∇_y g‖².
    pub h: bool,
    /// ‖Δ‖.
    pub delta: bool,
    /// λ.
    pub lambda: bool,
    /// KKT residual.
    pub kkt: bool,
    /// Implicit hypergradient norm.
    pub hypergradient: bool,
}

impl Default for Series {
    fn default() -> Self {
        Self {
            h: true,
            delta: true,
            lambda: true,
            kkt: true,
            hypergradient: true,
        }
    }
}

/// Everything persisted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// The preset.
    pub source: PresetSource,
    /// Edited f and g (the text in the editors, valid or not).
    pub f_text: Option<String>,
    /// See `f_text`.
    pub g_text: Option<String>,
    /// One spec per run.
    pub runs: Vec<RunSpec>,
    /// ε of the region {h ≤ ε}.
    pub eps: f64,
    /// Iterations per second; `None` for as fast as possible.
    pub speed: Option<f64>,
    /// Iterations per "step N".
    pub step_n: u64,
    /// Landscape layers.
    pub layers: Layers,
    /// Residual series.
    pub series: Series,
    /// Index in z of the horizontal coordinate.
    pub axis_x: usize,
    /// Index in z of the vertical coordinate.
    pub axis_y: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            source: PresetSource::Builtin(crate::preset::DEFAULT_PRESET.into()),
            f_text: None,
            g_text: None,
            runs: Vec::new(),
            eps: 1e-3,
            speed: Some(200.0),
            step_n: 100,
            layers: Layers::default(),
            series: Series::default(),
            axis_x: 0,
            axis_y: 1,
        }
    }
}
