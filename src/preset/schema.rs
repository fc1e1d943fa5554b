//! The preset file as written: serde structures that keep the span of every
//! value, so that each validation message can point at line and column.

use crate::method::Input;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::ops::Range;
use toml::Spanned;

/// A whole preset file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPreset {
    pub name: Spanned<String>,
    pub description: Option<String>,
    pub upper: Option<Spanned<Vec<String>>>,
    pub lower: Option<Spanned<Vec<String>>>,
    pub f: Option<Spanned<String>>,
    pub g: Option<Spanned<String>>,
    pub constants: Option<Spanned<BTreeMap<String, Spanned<f64>>>>,
    pub family: Option<Spanned<String>>,
    pub lower_kind: Option<Spanned<String>>,
    pub data: Option<Spanned<RawData>>,
    pub start: Spanned<RawPoint>,
    pub view: Option<Spanned<RawView>>,
    pub upper_domain: Option<Spanned<RawUpperDomain>>,
    pub lower_domain: Option<Spanned<RawLowerDomain>>,
    pub solver: Option<Spanned<RawSolver>>,
    pub reference: Option<Spanned<RawReference>>,
    pub expect: Option<Spanned<RawExpect>>,
}

/// `[expect]`: where the preset's own run (its start and `[solver]`) ends,
/// as the classifier names it; a test runs every preset and checks it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawExpect {
    pub class: Spanned<String>,
    pub x: Option<Spanned<Vec<f64>>>,
    pub y: Option<Spanned<Vec<f64>>>,
    pub within: Option<Spanned<f64>>,
}

/// `[data]` of the synthetic family.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawData {
    pub c: Spanned<Vec<f64>>,
    pub d: Spanned<Vec<f64>>,
    #[serde(rename = "H")]
    pub h: Spanned<Vec<Vec<f64>>>,
}

/// `[start]`: arrays in the order of `upper` and `lower`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPoint {
    pub x: Spanned<Vec<f64>>,
    pub y: Spanned<Vec<f64>>,
}

/// `[view]`: the plot window of the first upper and first lower variable.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawView {
    pub x: Spanned<Vec<f64>>,
    pub y: Spanned<Vec<f64>>,
}

/// `[upper_domain]`: the interval of the (single) upper variable over
/// which the reduced objective is minimised.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawUpperDomain {
    pub x: Spanned<Vec<f64>>,
}

/// `[lower_domain]`: the interval the lower level minimises over (one
/// lower variable; with several, each coordinate's).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLowerDomain {
    pub y: Spanned<Vec<f64>>,
}

/// `[solver]`: defaults for the app and the command line.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSolver {
    pub method: Option<Spanned<String>>,
    pub rho: Option<Spanned<String>>,
    pub schedule: Option<Spanned<String>>,
    pub alpha: Option<Spanned<f64>>,
    pub step: Option<Spanned<f64>>,
    pub a: Option<Spanned<f64>>,
    pub b: Option<Spanned<f64>>,
    pub iterations: Option<Spanned<i64>>,
    pub tolerance: Option<Spanned<f64>>,
    pub epsilon: Option<Spanned<f64>>,
    pub dt: Option<Spanned<f64>>,
    pub integrator: Option<Spanned<String>>,
    pub w: Option<Spanned<f64>>,
    pub eta: Option<Spanned<f64>>,
    pub phi: Option<Spanned<String>>,
    pub inner_steps: Option<Spanned<i64>>,
    pub inner_step: Option<Spanned<f64>>,
    pub gamma: Option<Spanned<f64>>,
    pub ramp: Option<Spanned<bool>>,
    pub cg_iterations: Option<Spanned<i64>>,
}

impl RawSolver {
    /// The method parameters given, with their spans; PGD-QP's own keys
    /// (rho, schedule, alpha, step, a, b) only if `skip_pgd_qp` is false.
    pub fn generic_keys(&self, skip_pgd_qp: bool) -> Vec<(&'static str, Input<'_>, Range<usize>)> {
        fn num(v: &Option<Spanned<f64>>) -> Option<(Input<'_>, Range<usize>)> {
            v.as_ref().map(|v| (Input::Number(*v.get_ref()), v.span()))
        }
        fn int(v: &Option<Spanned<i64>>) -> Option<(Input<'_>, Range<usize>)> {
            v.as_ref().map(|v| (Input::Integer(*v.get_ref()), v.span()))
        }
        fn text(v: &Option<Spanned<String>>) -> Option<(Input<'_>, Range<usize>)> {
            v.as_ref()
                .map(|v| (Input::Text(v.get_ref().as_str()), v.span()))
        }
        let mut keys = vec![
            ("epsilon", num(&self.epsilon)),
            ("dt", num(&self.dt)),
            ("integrator", text(&self.integrator)),
            ("w", num(&self.w)),
            ("eta", num(&self.eta)),
            ("phi", text(&self.phi)),
            ("inner_steps", int(&self.inner_steps)),
            ("inner_step", num(&self.inner_step)),
            ("gamma", num(&self.gamma)),
            (
                "ramp",
                self.ramp
                    .as_ref()
                    .map(|v| (Input::Flag(*v.get_ref()), v.span())),
            ),
            ("cg_iterations", int(&self.cg_iterations)),
        ];
        if !skip_pgd_qp {
            keys.extend([
                ("rho", text(&self.rho)),
                ("schedule", text(&self.schedule)),
                ("alpha", num(&self.alpha)),
                ("step", num(&self.step)),
                ("a", num(&self.a)),
                ("b", num(&self.b)),
            ]);
        }
        keys.into_iter()
            .filter_map(|(k, v)| v.map(|(input, span)| (k, input, span)))
            .collect()
    }
}

/// `[reference]`: a known optimum.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawReference {
    pub x: Option<Spanned<Vec<f64>>>,
    pub y: Option<Spanned<Vec<f64>>>,
    pub f: Option<Spanned<f64>>,
}
