//! The preset file as written: serde structures that keep the span of every
//! value, so that each validation message can point at line and column.

use serde::Deserialize;
use std::collections::BTreeMap;
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
    pub solver: Option<Spanned<RawSolver>>,
    pub reference: Option<Spanned<RawReference>>,
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
}

/// `[reference]`: a known optimum.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawReference {
    pub x: Option<Spanned<Vec<f64>>>,
    pub y: Option<Spanned<Vec<f64>>>,
    pub f: Option<Spanned<f64>>,
}
