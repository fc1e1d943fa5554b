//! PGD-QP's step rule, the one place its keys are put together: the fixed
//! rule takes α and γ, the budget schedule takes a and b (and resolves α, γ
//! from K). A preset's `[solver]` table, the command line and the app's
//! editors all come through [`PgdQpSettings::from_keys`].

use super::dispatch::{MethodKind, ParamValue};
use super::param_error::ParamError;
use super::pgd_qp::{Rho, StepRule};
use super::settings::{Input, ParamSpec, check, describe};

/// PGD-QP's settings: ρ and the step rule.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PgdQpSettings {
    /// ρ.
    pub rho: Rho,
    /// α and γ, fixed or by the budget schedule.
    pub rule: StepRule,
}

/// PGD-QP's keys as given, each optional (the command line holds its
/// options to the same rules through clap: `--step` conflicts with
/// `--budget-a`, which needs `--budget-b`).
#[derive(Debug, Clone, Copy, Default)]
pub struct PgdQpKeys<'a> {
    /// `rho`.
    pub rho: Option<&'a str>,
    /// `schedule`: "fixed" (the default) or "budget".
    pub schedule: Option<&'a str>,
    /// `alpha` (fixed rule).
    pub alpha: Option<f64>,
    /// `step` (fixed rule).
    pub step: Option<f64>,
    /// `a` (budget schedule).
    pub a: Option<f64>,
    /// `b` (budget schedule).
    pub b: Option<f64>,
}

fn spec_of(key: &str) -> Result<&'static ParamSpec, ParamError> {
    MethodKind::PgdQp
        .param(key)
        .ok_or_else(|| ParamError::UnknownKey {
            method: MethodKind::PgdQp,
            key: key.into(),
        })
}

impl<'a> PgdQpKeys<'a> {
    /// Takes one key as typed, refusing a key PGD-QP does not have and a
    /// value of the wrong type (its range is checked by `from_keys`).
    pub fn take(&mut self, key: &str, input: Input<'a>) -> Result<(), ParamError> {
        let spec = spec_of(key)?;
        let wrong_type = || ParamError::Invalid {
            spec,
            value: None,
            requirement: format!("expected {}", describe(spec.kind)),
        };
        let number = match input {
            Input::Number(v) => Some(v),
            Input::Integer(i) => Some(i as f64),
            _ => None,
        };
        let text = match input {
            Input::Text(t) => Some(t),
            _ => None,
        };
        let slot_text = match key {
            "rho" => Some(&mut self.rho),
            "schedule" => Some(&mut self.schedule),
            _ => None,
        };
        if let Some(slot) = slot_text {
            *slot = Some(text.ok_or_else(wrong_type)?);
            return Ok(());
        }
        let slot = match key {
            "alpha" => &mut self.alpha,
            "step" => &mut self.step,
            "a" => &mut self.a,
            "b" => &mut self.b,
            _ => {
                return Err(ParamError::UnknownKey {
                    method: MethodKind::PgdQp,
                    key: key.into(),
                });
            }
        };
        *slot = Some(number.ok_or_else(wrong_type)?);
        Ok(())
    }
}

impl PgdQpSettings {
    /// ρ and the step rule from the keys given: the fixed rule (the
    /// default) takes α and γ and refuses a and b; the budget schedule needs
    /// a and b and refuses α and γ; every value is checked against its
    /// table entry. What is not given keeps `defaults`.
    pub fn from_keys(keys: PgdQpKeys, defaults: PgdQpSettings) -> Result<Self, ParamError> {
        let value = |key: &'static str, v: Option<f64>| -> Result<Option<f64>, ParamError> {
            let Some(v) = v else { return Ok(None) };
            check(spec_of(key)?, ParamValue::Number(v))?;
            Ok(Some(v))
        };
        let rho = match keys.rho {
            None => defaults.rho,
            Some(text) => {
                let spec = spec_of("rho")?;
                Rho::parse(text).ok_or_else(|| {
                    ParamError::invalid(
                        spec,
                        format!("\"{text}\""),
                        format!("use {}", describe(spec.kind)),
                    )
                })?
            }
        };
        let clash = |key: &'static str, why: &str| ParamError::Combination {
            key,
            why: why.into(),
        };
        let (alpha, step, a, b) = (
            value("alpha", keys.alpha)?,
            value("step", keys.step)?,
            value("a", keys.a)?,
            value("b", keys.b)?,
        );
        let rule = match keys.schedule {
            None | Some("fixed") => {
                if let Some(key) = [("a", a), ("b", b)].iter().find_map(|(k, v)| v.map(|_| *k)) {
                    return Err(clash(key, "`a` and `b` belong to schedule = \"budget\""));
                }
                let (da, ds) = match defaults.rule {
                    StepRule::Fixed { alpha, step } => (alpha, step),
                    StepRule::Budget { .. } => (0.5, 0.01),
                };
                StepRule::Fixed {
                    alpha: alpha.unwrap_or(da),
                    step: step.unwrap_or(ds),
                }
            }
            Some("budget") => {
                let mixed = [("alpha", alpha), ("step", step)];
                if let Some(key) = mixed.iter().find_map(|(k, v)| v.map(|_| *k)) {
                    return Err(clash(
                        key,
                        "with schedule = \"budget\", α and γ come from `a` and `b`; remove this key",
                    ));
                }
                match (a, b) {
                    (Some(a), Some(b)) => StepRule::Budget { a, b },
                    (None, _) => return Err(clash("schedule", "schedule = \"budget\" needs `a`")),
                    (_, None) => return Err(clash("schedule", "schedule = \"budget\" needs `b`")),
                }
            }
            Some(other) => {
                return Err(ParamError::invalid(
                    spec_of("schedule")?,
                    format!("\"{other}\""),
                    "use one of fixed, budget".into(),
                ));
            }
        };
        Ok(PgdQpSettings { rho, rule })
    }

    /// a and b (the paper's convex-toy 1.5 under the fixed rule).
    pub(super) fn budget_constants(&self) -> (f64, f64) {
        match self.rule {
            StepRule::Budget { a, b } => (a, b),
            StepRule::Fixed { .. } => (1.5, 1.5),
        }
    }

    /// These settings with one key changed from an editor: giving α or γ
    /// chooses the fixed rule (the other keeps the value in force for
    /// budget K), a or b the budget schedule; switching the schedule keeps
    /// the numbers in force. `value` has been checked against the key's
    /// table entry; the values not edited are kept as they are, so that
    /// each of two bad values can be put right in turn.
    pub(super) fn edited(self, key: &str, value: ParamValue, iterations: u64) -> Self {
        let (alpha, step) = self.rule.resolve(self.rho, iterations);
        let (a, b) = self.budget_constants();
        let rule = match (key, value) {
            ("schedule", ParamValue::Text("budget")) => StepRule::Budget { a, b },
            ("schedule", _) => StepRule::Fixed { alpha, step },
            ("alpha", ParamValue::Number(alpha)) => StepRule::Fixed { alpha, step },
            ("step", ParamValue::Number(step)) => StepRule::Fixed { alpha, step },
            ("a", ParamValue::Number(a)) => StepRule::Budget { a, b },
            ("b", ParamValue::Number(b)) => StepRule::Budget { a, b },
            _ => self.rule,
        };
        let rho = match (key, value) {
            ("rho", ParamValue::Text(t)) => Rho::parse(t).unwrap_or(self.rho),
            _ => self.rho,
        };
        PgdQpSettings { rho, rule }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::method::SolverSettings;

    #[test]
    fn pgd_qps_keys_go_together_by_one_set_of_rules() {
        let d = SolverSettings::default().pgd_qp;
        let keys = |f: fn(&mut PgdQpKeys)| {
            let mut k = PgdQpKeys::default();
            f(&mut k);
            PgdQpSettings::from_keys(k, d)
        };
        let budget = keys(|k| {
            k.schedule = Some("budget");
            k.a = Some(1.5);
            k.b = Some(1.5);
            k.rho = Some("qp2");
        })
        .unwrap();
        assert_eq!(budget.rule, StepRule::Budget { a: 1.5, b: 1.5 });
        assert_eq!(budget.rho, Rho::Qp2);
        let fixed = keys(|k| k.step = Some(0.2)).unwrap();
        assert_eq!(
            fixed.rule,
            StepRule::Fixed {
                alpha: 0.5,
                step: 0.2
            }
        );
        let key_of = |e: ParamError| match e {
            ParamError::Combination { key, .. } => key,
            ParamError::Invalid { spec, .. } => spec.key,
            _ => "?",
        };
        let e = keys(|k| k.a = Some(1.0)).unwrap_err();
        assert_eq!(key_of(e), "a", "a belongs to the budget schedule");
        let e = keys(|k| {
            k.schedule = Some("budget");
            k.a = Some(1.0);
            k.b = Some(1.0);
            k.alpha = Some(0.1);
        })
        .unwrap_err();
        assert_eq!(key_of(e), "alpha");
        let e = keys(|k| {
            k.schedule = Some("budget");
            k.a = Some(1.0);
        })
        .unwrap_err();
        assert_eq!(e.to_string(), "schedule = \"budget\" needs `b`");
        let e = keys(|k| k.step = Some(-1.0)).unwrap_err();
        assert_eq!(key_of(e), "step");
    }

    #[test]
    fn keys_are_taken_by_type_and_refused_by_name() {
        let mut k = PgdQpKeys::default();
        k.take("alpha", Input::Integer(1)).unwrap();
        assert_eq!(k.alpha, Some(1.0), "a whole number is a real α");
        let e = k.take("step", Input::Text("0.1")).unwrap_err().to_string();
        assert_eq!(e, "step (γ): expected a number > 0");
        let e = k.take("epsilon", Input::Number(0.1)).unwrap_err();
        assert!(matches!(e, ParamError::UnknownKey { .. }), "{e}");
        let e = k.take("rho", Input::Number(1.0)).unwrap_err().to_string();
        assert_eq!(e, "rho (ρ): expected one of qp1, qp2");
    }
}
