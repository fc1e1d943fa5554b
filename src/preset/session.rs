//! A session file is a preset plus `[[runs]]` — every run's method,
//! parameters and start — and `[session]`, what the app shows (its view
//! state, read by the app; passed through here untouched). A preset is a
//! session with one run; the command line runs `[start]` and `[solver]`.

use super::{Checker, PresetError, RawPoint};
use crate::method::SolverSettings;
use crate::problem::Dims;
use std::collections::BTreeMap;
use toml::{Spanned, Value};

/// Most runs a session holds.
pub const MAX_RUNS: usize = 16;

/// One run of a session: its method and parameters, and its start.
#[derive(Debug, Clone, PartialEq)]
pub struct PresetRun {
    /// Method, parameters, budget and tolerance.
    pub solver: SolverSettings,
    /// The start z₀ = (x₀, y₀).
    pub start: Vec<f64>,
}

/// One `[[runs]]` entry as the file holds it: `x`, `y` (the start) and
/// the keys of `[solver]`, every value with its span.
pub type RawRun = BTreeMap<String, Spanned<Value>>;

/// An array of numbers, if `value` is one.
fn numbers(value: &Value) -> Option<Vec<f64>> {
    value
        .as_array()?
        .iter()
        .map(|v| match v {
            Value::Float(x) => Some(*x),
            // Whole numbers mean the number they spell.
            Value::Integer(i) => Some(*i as f64),
            _ => None,
        })
        .collect()
}

impl Checker<'_> {
    /// Reads `[[runs]]`: each entry's start (`x`, `y`; the preset's
    /// `[start]` where left out) and solver keys, checked as `[start]` and
    /// `[solver]` are.
    pub(super) fn runs(
        &self,
        raw: &Spanned<Vec<Spanned<RawRun>>>,
        start: (&[f64], &[f64]),
        dims: Dims,
    ) -> Result<Vec<PresetRun>, PresetError> {
        let entries = raw.get_ref();
        if entries.is_empty() || entries.len() > MAX_RUNS {
            return Err(self.err(
                "runs",
                raw.span(),
                format!("{} runs: a session holds 1 to {MAX_RUNS}", entries.len()),
            ));
        }
        entries
            .iter()
            .enumerate()
            .map(|(i, entry)| self.run(&format!("runs[{}]", i + 1), entry, start, dims))
            .collect()
    }

    fn run(
        &self,
        table: &str,
        entry: &Spanned<RawRun>,
        start: (&[f64], &[f64]),
        dims: Dims,
    ) -> Result<PresetRun, PresetError> {
        let mut solver_keys = entry.get_ref().clone();
        let mut coordinate =
            |key: &str, default: &[f64]| -> Result<Spanned<Vec<f64>>, PresetError> {
                match solver_keys.remove(key) {
                    None => Ok(Spanned::new(entry.span(), default.to_vec())),
                    Some(value) => match numbers(value.get_ref()) {
                        Some(v) => Ok(Spanned::new(value.span(), v)),
                        None => Err(self.err(
                            &format!("{table}.{key}"),
                            value.span(),
                            "the start's coordinates: an array of numbers",
                        )),
                    },
                }
            };
        let point = RawPoint {
            x: coordinate("x", start.0)?,
            y: coordinate("y", start.1)?,
        };
        let (x, y) = self.point(table, &point, dims)?;
        let solver = self.solver_in(table, &solver_keys)?;
        Ok(PresetRun {
            solver,
            start: x.into_iter().chain(y).collect(),
        })
    }
}

/// `[[runs]]` as written: each run's start and its method's keys, as
/// `[solver]` is written.
pub(super) fn runs_to_toml(runs: &[PresetRun], n: usize) -> Value {
    let floats = |v: &[f64]| Value::Array(v.iter().map(|a| Value::Float(*a)).collect());
    Value::Array(
        runs.iter()
            .map(|run| {
                let mut t = super::write::solver_table(&run.solver);
                let (x, y) = run.start.split_at(n.min(run.start.len()));
                t.insert("x".into(), floats(x));
                t.insert("y".into(), floats(y));
                Value::Table(t)
            })
            .collect(),
    )
}
