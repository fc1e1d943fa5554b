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
    pub constants: Option<Spanned<super::constants::RawConstants>>,
    pub family: Option<Spanned<String>>,
    pub lower_kind: Option<Spanned<String>>,
    pub data: Option<Spanned<RawData>>,
    pub cleaning: Option<Spanned<RawCleaning>>,
    pub start: Option<Spanned<RawPoint>>,
    pub view: Option<Spanned<RawView>>,
    pub upper_domain: Option<Spanned<RawUpperDomain>>,
    pub lower_domain: Option<Spanned<RawLowerDomain>>,
    pub solver: Option<Spanned<RawSolver>>,
    pub reference: Option<Spanned<RawReference>>,
    pub expect: Option<Spanned<RawExpect>>,
    pub runs: Option<Spanned<Vec<Spanned<super::session::RawRun>>>>,
    pub session: Option<Spanned<toml::Table>>,
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

/// `[cleaning]` of the hyper-cleaning family: where the samples come from
/// and how they are split, projected and corrupted.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCleaning {
    pub dataset: Spanned<String>,
    pub train: Spanned<usize>,
    pub validation: Spanned<usize>,
    pub test: Spanned<usize>,
    pub components: Spanned<usize>,
    pub corrupt: Spanned<f64>,
    pub seed: Spanned<u64>,
    pub ridge: Option<Spanned<f64>>,
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

/// `[solver]`: defaults for the app and the command line — `method`,
/// `iterations`, `tolerance` and the chosen method's parameters by the keys
/// of its table ([`crate::method::MethodKind::params`]), which the reader
/// checks them against; every value keeps its span.
pub type RawSolver = BTreeMap<String, Spanned<toml::Value>>;

/// `[reference]`: a known optimum.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawReference {
    pub x: Option<Spanned<Vec<f64>>>,
    pub y: Option<Spanned<Vec<f64>>>,
    pub f: Option<Spanned<f64>>,
}
