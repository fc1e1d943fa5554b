//! Reads a preset's `[solver]` table by the methods' parameter tables: a
//! key is a parameter of some method or one of `method`, `iterations`,
//! `tolerance`; its value is checked against the chosen method's table
//! entry, and an error points at the value it is about.

use super::Checker;
use super::error::PresetError;
use super::schema::RawSolver;
use crate::method::{
    Input, MethodKind, ParamError, ParamKind, PgdQpKeys, PgdQpSettings, SolverSettings, describe,
};
use toml::{Spanned, Value};

/// The keys of `[solver]` that are not a method's parameter.
const RUN_KEYS: [&str; 3] = ["method", "iterations", "tolerance"];

/// Every key `[solver]` takes, for the message about one it does not.
fn known_keys() -> String {
    let mut keys: Vec<&str> = RUN_KEYS.to_vec();
    for kind in MethodKind::ALL {
        for p in kind.params() {
            if !keys.contains(&p.key) {
                keys.push(p.key);
            }
        }
    }
    keys.join(", ")
}

/// Whether a value of this type can be one of the parameter's (its range
/// is checked after).
fn fits(kind: ParamKind, input: Input) -> bool {
    match kind {
        ParamKind::Positive | ParamKind::NonNegative | ParamKind::Count { .. } => {
            matches!(input, Input::Number(_) | Input::Integer(_))
        }
        ParamKind::Choice(_) => matches!(input, Input::Text(_)),
        ParamKind::Flag => matches!(input, Input::Flag(_)),
    }
}

/// A value as a message names it: `the text "0.1"`, `an array`.
fn found(value: &Value) -> String {
    match value {
        Value::String(s) => format!("the text \"{s}\""),
        Value::Integer(_) | Value::Float(_) => format!("the number {value}"),
        Value::Boolean(b) => b.to_string(),
        Value::Datetime(_) => "a date".into(),
        Value::Array(_) => "an array".into(),
        Value::Table(_) => "a table".into(),
    }
}

/// A value as a parameter takes it (`None`: a date, an array or a table).
fn input(value: &Value) -> Option<Input<'_>> {
    match value {
        Value::Float(v) => Some(Input::Number(*v)),
        Value::Integer(i) => Some(Input::Integer(*i)),
        Value::String(s) => Some(Input::Text(s)),
        Value::Boolean(b) => Some(Input::Flag(*b)),
        Value::Datetime(_) | Value::Array(_) | Value::Table(_) => None,
    }
}

impl Checker<'_> {
    /// The solver settings `[solver]` describes, on the defaults.
    pub(super) fn solver(&self, raw: &RawSolver) -> Result<SolverSettings, PresetError> {
        self.solver_in("solver", raw)
    }

    /// The solver settings a table named `table` (`solver`, `runs[2]`)
    /// describes, on the defaults; errors name their key in that table.
    pub(super) fn solver_in(
        &self,
        table: &str,
        raw: &RawSolver,
    ) -> Result<SolverSettings, PresetError> {
        let mut settings = SolverSettings::default();
        if let Some(method) = raw.get("method") {
            settings.method = self.method(table, method)?;
        }
        let kind = settings.method;
        let mut pgd_qp = PgdQpKeys::default();
        for (key, value) in raw {
            if RUN_KEYS.contains(&key.as_str()) {
                continue;
            }
            let at = |m: String| self.err(&format!("{table}.{key}"), value.span(), m);
            if !MethodKind::ALL.iter().any(|m| m.param(key).is_some()) {
                return Err(at(format!(
                    "unknown key `{key}`; [{table}] takes {}",
                    known_keys()
                )));
            }
            let Some(spec) = kind.param(key) else {
                let e = ParamError::UnknownKey {
                    method: kind,
                    key: key.clone(),
                };
                return Err(at(e.to_string()));
            };
            let input = input(value.get_ref()).filter(|i| fits(spec.kind, *i));
            let Some(input) = input else {
                return Err(at(format!(
                    "{} ({}) takes {}, not {}",
                    spec.key,
                    spec.symbol,
                    describe(spec.kind),
                    found(value.get_ref())
                )));
            };
            // PGD-QP's keys go together: they are checked as one below.
            let taken = if kind == MethodKind::PgdQp {
                pgd_qp.take(key, input)
            } else {
                settings.set_input(kind, key, input)
            };
            taken.map_err(|e| at(e.to_string()))?;
        }
        if kind == MethodKind::PgdQp {
            settings.pgd_qp = self.pgd_qp(table, raw, pgd_qp)?;
        }
        if let Some(k) = raw.get("iterations") {
            settings.iterations = self.iterations(table, k)?;
        }
        if let Some(t) = raw.get("tolerance") {
            settings.tolerance = Some(self.tolerance(table, t)?);
        }
        Ok(settings)
    }

    fn method(&self, table: &str, value: &Spanned<Value>) -> Result<MethodKind, PresetError> {
        let name = value.get_ref().as_str().unwrap_or_default();
        MethodKind::parse(name).ok_or_else(|| {
            let given = match value.get_ref() {
                Value::String(s) => format!("'{s}'"),
                other => other.to_string(),
            };
            self.err(
                &format!("{table}.method"),
                value.span(),
                format!("unknown method {given}; known: {}", MethodKind::names()),
            )
        })
    }

    fn iterations(&self, table: &str, value: &Spanned<Value>) -> Result<u64, PresetError> {
        let at = |m: String| self.err(&format!("{table}.iterations"), value.span(), m);
        match value.get_ref() {
            Value::Integer(k) if *k >= 1 => Ok(*k as u64),
            Value::Integer(k) => Err(at(format!("{k} iterations: the budget must be at least 1"))),
            other => Err(at(format!(
                "{other}: the budget must be a whole number of iterations"
            ))),
        }
    }

    fn tolerance(&self, table: &str, value: &Spanned<Value>) -> Result<f64, PresetError> {
        let at = |m: String| self.err(&format!("{table}.tolerance"), value.span(), m);
        let v = match value.get_ref() {
            Value::Float(v) => *v,
            Value::Integer(i) => *i as f64,
            other => return Err(at(format!("{other}: the tolerance must be a number"))),
        };
        if !v.is_finite() {
            return Err(at(format!("{v} is not a finite number")));
        }
        if v > 0.0 {
            Ok(v)
        } else {
            Err(at(format!("{v} is not allowed: it must be positive")))
        }
    }

    /// PGD-QP's ρ and step rule (fixed α, γ or the budget schedule a, b),
    /// by the rules of [`PgdQpSettings::from_keys`]; an error points at
    /// the key it is about.
    fn pgd_qp(
        &self,
        table: &str,
        raw: &RawSolver,
        keys: PgdQpKeys,
    ) -> Result<PgdQpSettings, PresetError> {
        PgdQpSettings::from_keys(keys, SolverSettings::default().pgd_qp).map_err(|e| {
            let key = match &e {
                ParamError::Combination { key, .. } => *key,
                ParamError::Invalid { spec, .. } => spec.key,
                _ => "schedule",
            };
            let span = raw
                .get(key)
                .or_else(|| raw.get("schedule"))
                .map(Spanned::span);
            match span {
                Some(span) => self.err(&format!("{table}.{key}"), span, e.to_string()),
                None => PresetError::file(self.source, e.to_string()),
            }
        })
    }
}
