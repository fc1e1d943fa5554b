//! What the app remembers across restarts (eframe persistence): the preset,
//! edited expressions, every run's parameters and the view toggles.

use crate::method::{MethodKind, ParamError, RunConfig, SolverSettings};
use crate::preset::Preset;
use serde::{Deserialize, Serialize};

pub use crate::preset::PresetSource;

/// The parameters of one run, as the user edits them: every method's
/// parameters (switching methods keeps each one's values), K, the tolerance
/// in force (`solver.tolerance`) and the start point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(from = "StoredRunSpec")]
pub struct RunSpec {
    /// The chosen method, all methods' parameters, K and the tolerance.
    pub solver: SolverSettings,
    /// The tolerance the "stop at" box brings back when it is ticked again
    /// (the last one in force).
    pub tolerance_when_off: f64,
    /// The start point z₀.
    pub start: Vec<f64>,
}

/// The tolerance the "stop at" box offers first.
pub const DEFAULT_TOLERANCE: f64 = 1e-10;

/// A run spec as settings files hold it: this version's fields, or the
/// earlier `use_tolerance` and `tolerance` beside a solver whose own
/// tolerance was not read. Absent numbers read as NaN (neither JSON nor
/// the app writes one), not as `Option`, which eframe's RON store would
/// want spelled `Some(…)`.
#[derive(Deserialize)]
struct StoredRunSpec {
    solver: SolverSettings,
    start: Vec<f64>,
    #[serde(default = "absent")]
    tolerance_when_off: f64,
    #[serde(default)]
    use_tolerance: bool,
    #[serde(default = "absent")]
    tolerance: f64,
}

fn absent() -> f64 {
    f64::NAN
}

impl From<StoredRunSpec> for RunSpec {
    fn from(stored: StoredRunSpec) -> Self {
        let mut solver = stored.solver;
        let earlier_format = !stored.tolerance.is_nan();
        if earlier_format {
            solver.tolerance = stored.use_tolerance.then_some(stored.tolerance);
        }
        let when_off = [stored.tolerance_when_off, stored.tolerance]
            .into_iter()
            .chain(solver.tolerance)
            .find(|t| !t.is_nan())
            .unwrap_or(DEFAULT_TOLERANCE);
        Self {
            solver,
            tolerance_when_off: when_off,
            start: stored.start,
        }
    }
}

impl RunSpec {
    /// A spec of these settings from `start`.
    pub fn new(solver: SolverSettings, start: Vec<f64>) -> Self {
        Self {
            solver,
            tolerance_when_off: solver.tolerance.unwrap_or(DEFAULT_TOLERANCE),
            start,
        }
    }

    /// The spec a preset's defaults describe.
    pub fn from_preset(p: &Preset) -> Self {
        Self::new(p.solver, p.start())
    }

    /// The run configuration, or why these parameters cannot run.
    pub fn config(&self) -> Result<RunConfig, ParamError> {
        self.solver.run_config()
    }

    /// The chosen method.
    pub fn kind(&self) -> MethodKind {
        self.solver.method
    }

    /// What is wrong with the parameters, in the method's terms.
    pub fn problems(&self) -> Vec<String> {
        let mut out = self.solver.problems();
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
    /// The reduced objective φ(x) in a strip under the landscape.
    pub phi: bool,
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
            phi: false,
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
    /// The true lower-level gap.
    pub gap: bool,
    /// Reference slopes K^(−2/3) and K^(−1/3).
    pub guides: bool,
    /// How far the guides are moved up (+) or down (−), in decades.
    pub guide_shift: f64,
}

impl Default for Series {
    fn default() -> Self {
        Self {
            h: true,
            delta: true,
            lambda: true,
            kkt: true,
            hypergradient: true,
            gap: true,
            guides: false,
            guide_shift: 0.0,
        }
    }
}

/// What the residual plots have on their horizontal axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum XAxis {
    /// The iteration k.
    #[default]
    Iterations,
    /// Oracle calls so far (gradients, values and Hessian-vector products,
    /// each counted once): methods with inner loops pay for them here.
    OracleCalls,
    /// Compute time of the run's steps so far.
    Seconds,
}

impl XAxis {
    /// The axis label.
    pub fn label(self) -> &'static str {
        match self {
            XAxis::Iterations => "iteration",
            XAxis::OracleCalls => "oracle calls",
            XAxis::Seconds => "compute time (s)",
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
    /// The constants (values, ranges, and any the user declared) when they
    /// differ from the preset's.
    pub constants: Option<Vec<crate::preset::Constant>>,
    /// A valid edit of f or g applies by itself after a short pause (else
    /// only by Apply).
    pub apply_as_typed: bool,
    /// A changed problem (an edit applied, a constant moved) restarts the
    /// runs from their starts; else they keep iterating on the new one.
    pub restart_on_change: bool,
    /// The split view: two runs (slots) side by side on landscapes that
    /// share one view; `None`: one landscape with every run.
    pub split: Option<[usize; 2]>,
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
    /// The residual plots' horizontal axis.
    pub x_axis: XAxis,
    /// The KKT tolerance of the comparison table's "reached at" column.
    pub reach: f64,
    /// Lecture view: larger type, thicker lines, fewer controls.
    pub lecture: bool,
    /// The light theme (else dark).
    pub light: bool,
    /// Edits of presets, newest first: those kept when the user switched
    /// away (opening that preset again brings the newest back), and the
    /// earlier ones — reverted, dropped, or saved as a preset — that the
    /// problem panel offers to restore.
    pub kept_edits: Vec<KeptEdit>,
    /// The directory of the last file opened or saved.
    pub recent_dir: Option<String>,
}

/// A preset's edited f and g, kept while another preset is open or as an
/// earlier edit to go back to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeptEdit {
    /// The preset they belong to.
    pub source: PresetSource,
    /// The edited f.
    pub f: String,
    /// The edited g.
    pub g: String,
    /// The constants, when they differed from the preset's (moved or
    /// declared); `None`: the preset's.
    #[serde(default)]
    pub constants: Option<Vec<crate::preset::Constant>>,
    /// Whether opening the preset puts this edit back in the editors by
    /// itself (the user switched away from it); else it is only listed.
    #[serde(default = "yes")]
    pub bring_back: bool,
    /// When it was kept (seconds since 1970; 0 if not known).
    #[serde(default)]
    pub when: u64,
}

fn yes() -> bool {
    true
}

/// Most edits kept in all.
pub const KEPT_EDITS: usize = 64;

/// Most edits kept of one preset.
pub const KEPT_PER_PRESET: usize = 8;

impl Default for Settings {
    fn default() -> Self {
        Self {
            source: PresetSource::Builtin(crate::preset::DEFAULT_PRESET.into()),
            f_text: None,
            g_text: None,
            constants: None,
            apply_as_typed: true,
            restart_on_change: true,
            split: None,
            runs: Vec::new(),
            eps: 1e-3,
            speed: Some(200.0),
            step_n: 100,
            layers: Layers::default(),
            series: Series::default(),
            axis_x: 0,
            axis_y: 1,
            x_axis: XAxis::Iterations,
            reach: 1e-6,
            lecture: false,
            light: false,
            kept_edits: Vec::new(),
            recent_dir: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec_json(solver_tolerance: &str, rest: &str) -> RunSpec {
        let mut solver = serde_json::to_value(SolverSettings::default()).unwrap();
        solver["tolerance"] = serde_json::from_str(solver_tolerance).unwrap();
        let text = format!(r#"{{"solver": {solver}, "start": [0.5, 0.3]{rest}}}"#);
        serde_json::from_str(&text).unwrap()
    }

    #[test]
    fn the_tolerance_in_force_is_the_solvers_in_either_file_format() {
        // Earlier files: the box and its value beside the solver, whose own
        // tolerance the app did not read.
        let on = spec_json("1e-3", r#", "use_tolerance": true, "tolerance": 1e-7"#);
        assert_eq!(on.solver.tolerance, Some(1e-7));
        let off = spec_json("1e-3", r#", "use_tolerance": false, "tolerance": 1e-7"#);
        assert_eq!(off.solver.tolerance, None);
        assert_eq!(
            off.tolerance_when_off, 1e-7,
            "ticking the box brings it back"
        );
        // This version's: the solver's tolerance is the one in force.
        let now = spec_json("null", r#", "tolerance_when_off": 1e-6"#);
        assert_eq!((now.solver.tolerance, now.tolerance_when_off), (None, 1e-6));
        let written = serde_json::to_string(&off).unwrap();
        assert_eq!(serde_json::from_str::<RunSpec>(&written).unwrap(), off);
        // eframe's own store (RON) keeps it too.
        let mut store = MemoryStore::default();
        eframe::set_value(&mut store, "spec", &off);
        assert_eq!(eframe::get_value::<RunSpec>(&store, "spec"), Some(off));
    }

    #[derive(Default)]
    struct MemoryStore(std::collections::HashMap<String, String>);

    impl eframe::Storage for MemoryStore {
        fn get_string(&self, key: &str) -> Option<String> {
            self.0.get(key).cloned()
        }
        fn set_string(&mut self, key: &str, value: String) {
            self.0.insert(key.into(), value);
        }
        fn remove_string(&mut self, key: &str) {
            self.0.remove(key);
        }
        fn flush(&mut self) {}
    }
}
