//! Named constants of an expression problem (`[constants]`): each a value
//! and, optionally, the range a slider spans, written `a = 2.0` or
//! `a = { value = 2.0, min = 0.0, max = 5.0 }`.

use super::{Checker, PresetError, compact};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use toml::{Spanned, Value};

/// One named constant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Constant {
    /// Its name in f and g.
    pub name: String,
    /// Its value.
    pub value: f64,
    /// The range the preset declares for it (`min`, `max`), if any.
    pub range: Option<[f64; 2]>,
}

impl Constant {
    /// A constant with no declared range.
    pub fn new(name: impl Into<String>, value: f64) -> Self {
        Self {
            name: name.into(),
            value,
            range: None,
        }
    }

    /// The range a slider for it spans: the declared one, else
    /// [`default_range`] around `origin` (its value as the preset gives
    /// it: a range that followed the slider would run away from the hand),
    /// widened to hold the value.
    pub fn slider_range(&self, origin: f64) -> [f64; 2] {
        let [lo, hi] = self.range.unwrap_or_else(|| default_range(origin));
        [lo.min(self.value), hi.max(self.value)]
    }
}

/// The range offered for a constant with none declared: from −1 to 3
/// times its value (its sign flips within reach, which is often where a
/// problem changes character), or [−1, 1] around 0.
pub fn default_range(value: f64) -> [f64; 2] {
    if value == 0.0 || !value.is_finite() {
        return [-1.0, 1.0];
    }
    let a = value.abs();
    [value - 2.0 * a, value + 2.0 * a]
}

/// (name, value) pairs as the expression compiler takes them.
pub fn constant_values(constants: &[Constant]) -> Vec<(String, f64)> {
    constants
        .iter()
        .map(|c| (c.name.clone(), c.value))
        .collect()
}

/// The `[constants]` table as written to a preset: a bare number, or a
/// table with `value`, `min`, `max` when a range is declared.
pub fn to_table(constants: &[Constant]) -> toml::Table {
    constants
        .iter()
        .map(|c| {
            let value = match c.range {
                None => Value::Float(c.value),
                Some([min, max]) => {
                    let mut t = toml::Table::new();
                    t.insert("value".into(), Value::Float(c.value));
                    t.insert("min".into(), Value::Float(min));
                    t.insert("max".into(), Value::Float(max));
                    Value::Table(t)
                }
            };
            (c.name.clone(), value)
        })
        .collect()
}

impl super::Preset {
    /// Sets constant `name` to `value` and recompiles the problem. The
    /// preset's stated answer and `[expect]` describe its own values, so
    /// they are dropped (a reference is then computed where one can be).
    pub fn set_constant(&mut self, name: &str, value: f64) -> Result<(), String> {
        let super::ProblemSpec::Expression {
            upper,
            lower,
            f,
            g,
            constants,
        } = &mut self.spec
        else {
            return Err("the synthetic family has no named constants".into());
        };
        let names: Vec<String> = constants.iter().map(|c| c.name.clone()).collect();
        let Some(c) = constants.iter_mut().find(|c| c.name == name) else {
            return Err(if names.is_empty() {
                format!("`{name}`: this preset has no constants")
            } else {
                format!("`{name}`: the preset's constants are {}", names.join(", "))
            });
        };
        if !value.is_finite() {
            return Err(format!(
                "{name} = {value}: the value must be a finite number"
            ));
        }
        if let Some([lo, hi]) = c.range
            && !(lo..=hi).contains(&value)
        {
            return Err(format!(
                "{name} = {}: the preset declares its range {}..{}",
                compact(value),
                compact(lo),
                compact(hi)
            ));
        }
        c.value = value;
        let problem =
            crate::problem::ExprProblem::new(upper, lower, f, g, &constant_values(constants))
                .map_err(|e| format!("{name} = {}: {e}", compact(value)))?;
        self.problem = std::sync::Arc::new(problem);
        self.reference = None;
        self.expect = None;
        Ok(())
    }
}

/// `[constants]` as the file holds it: every entry keeps its span.
pub type RawConstants = BTreeMap<String, Spanned<Value>>;

impl Checker<'_> {
    /// Reads `[constants]`, sorted by name: each a finite number, or a
    /// table of `value` and both `min` and `max` with min < max and the
    /// value between them.
    pub(super) fn constants(&self, raw: &RawConstants) -> Result<Vec<Constant>, PresetError> {
        raw.iter()
            .map(|(name, entry)| self.constant(name, entry))
            .collect()
    }

    fn constant(&self, name: &str, entry: &Spanned<Value>) -> Result<Constant, PresetError> {
        let key = format!("constants.{name}");
        let here = |message: String| self.err(&key, entry.span(), message);
        let number = |what: &str, v: &Value| -> Result<f64, PresetError> {
            let x = match v {
                Value::Float(x) => *x,
                // Whole numbers are written without a point, and mean
                // the number they spell (exact up to 2^53).
                Value::Integer(i) => *i as f64,
                other => {
                    return Err(here(format!(
                        "{what} must be a number, not {}",
                        other.type_str()
                    )));
                }
            };
            if x.is_finite() {
                Ok(x)
            } else {
                Err(here(format!("{what} = {x} is not a finite number")))
            }
        };
        let table = match entry.get_ref() {
            Value::Table(t) => t,
            v => return Ok(Constant::new(name, number("the value", v)?)),
        };
        if let Some(unknown) = table
            .keys()
            .find(|k| !["value", "min", "max"].contains(&k.as_str()))
        {
            return Err(here(format!(
                "unknown key `{unknown}`; a constant's table holds value, min and max"
            )));
        }
        let get = |k: &str| {
            table.get(k).ok_or_else(|| {
                here(format!(
                    "the table needs `{k}` (write {name} = {{ value = 1.0, min = 0.0, max = 5.0 }})"
                ))
            })
        };
        let value = number("value", get("value")?)?;
        let (min, max) = (number("min", get("min")?)?, number("max", get("max")?)?);
        if min >= max {
            return Err(here(format!(
                "min = {} must be less than max = {}",
                compact(min),
                compact(max)
            )));
        }
        if !(min..=max).contains(&value) {
            return Err(here(format!(
                "value = {} lies outside min..max = {}..{}",
                compact(value),
                compact(min),
                compact(max)
            )));
        }
        Ok(Constant {
            name: name.to_string(),
            value,
            range: Some([min, max]),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_constant_set_from_outside_recompiles_and_drops_the_stated_answer() {
        let mut p = crate::preset::load_builtin("b05-sin").unwrap();
        assert!(p.reference.is_some());
        p.set_constant("a", 3.0).unwrap();
        // f = (x − a)² + (y − a − c)² vanishes at (a, a + c).
        assert_eq!(p.problem.f(&[3.0, 5.0]), 0.0);
        assert!(p.reference.is_none() && p.expect.is_none());
        let err = p.set_constant("k", 1.0).unwrap_err();
        assert_eq!(err, "`k`: the preset's constants are a, c");
        assert!(p.set_constant("a", f64::NAN).is_err());
    }

    #[test]
    fn the_default_range_holds_the_value_and_reaches_its_other_sign() {
        assert_eq!(default_range(2.0), [-2.0, 6.0]);
        assert_eq!(default_range(-0.5), [-1.5, 0.5]);
        assert_eq!(default_range(0.0), [-1.0, 1.0]);
        let declared = Constant {
            name: "a".into(),
            value: 1.0,
            range: Some([0.0, 5.0]),
        };
        assert_eq!(declared.slider_range(3.0), [0.0, 5.0]);
        // Without one, the range is built around the preset's value and
        // only widens to hold a value dragged or typed beyond it.
        let moved = Constant::new("b", 5.0);
        assert_eq!(moved.slider_range(2.0), [-2.0, 6.0]);
        assert_eq!(Constant::new("b", 7.0).slider_range(2.0), [-2.0, 7.0]);
    }
}
