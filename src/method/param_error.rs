//! Why a parameter value was refused, typed: callers can tell an unknown
//! key from a value out of range, and every message says what is wrong in
//! the method's terms.

use super::{MethodKind, ParamSpec};
use std::fmt;

/// A parameter value that was refused.
#[derive(Debug, Clone, PartialEq)]
pub enum ParamError {
    /// The method has no parameter of this key.
    UnknownKey {
        /// The method.
        method: MethodKind,
        /// The key asked for.
        key: String,
    },
    /// The value is not one the parameter takes.
    Invalid {
        /// The parameter.
        spec: &'static ParamSpec,
        /// The value as given (`None`: of the wrong type altogether).
        value: Option<String>,
        /// What it must be ("it must be a finite number > 0", "use one of
        /// qp1, qp2").
        requirement: String,
    },
    /// A budget of K = 0 iterations.
    ZeroBudget,
    /// A tolerance that is not a finite number > 0.
    Tolerance(f64),
    /// Keys that do not go together (PGD-QP's α, γ with a budget
    /// schedule); `key` is the one at fault.
    Combination {
        /// The key the message is about.
        key: &'static str,
        /// Why, in one sentence.
        why: String,
    },
}

impl ParamError {
    /// A refused `value` of `spec`.
    pub fn invalid(
        spec: &'static ParamSpec,
        value: impl fmt::Display,
        requirement: String,
    ) -> Self {
        ParamError::Invalid {
            spec,
            value: Some(value.to_string()),
            requirement,
        }
    }
}

impl fmt::Display for ParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParamError::UnknownKey { method, key } => {
                let keys: Vec<&str> = method.params().iter().map(|p| p.key).collect();
                write!(
                    f,
                    "{} has no parameter `{key}`; its parameters are {}",
                    method.as_str(),
                    keys.join(", ")
                )
            }
            ParamError::Invalid {
                spec,
                value,
                requirement,
            } => match value {
                Some(v) => write!(f, "{} ({}) = {v}: {requirement}", spec.key, spec.symbol),
                None => write!(f, "{} ({}): {requirement}", spec.key, spec.symbol),
            },
            ParamError::Combination { why, .. } => f.write_str(why),
            ParamError::ZeroBudget => f.write_str("K must be at least 1"),
            ParamError::Tolerance(t) => write!(
                f,
                "the tolerance {t} is not allowed: it must be a finite number > 0"
            ),
        }
    }
}

impl std::error::Error for ParamError {}

/// Where a message is all a caller keeps (a preset error, a notice).
impl From<ParamError> for String {
    fn from(e: ParamError) -> Self {
        e.to_string()
    }
}
