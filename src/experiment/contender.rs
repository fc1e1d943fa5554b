//! The methods an experiment compares, each with its papers' constants and
//! an optional variant: `pgd-qp:qp2`, `pgd-qp:qp1:budget`, `sqcqp:authors`,
//! `rxgf:rk4-38`.

use crate::method::{MethodKind, ParamValue, RunConfig, SolverSettings};

/// The methods `experiment` runs when none are named.
pub const DEFAULT_METHODS: &str = "pgd-qp:qp1,pgd-qp:qp2,sqcqp,rxgf,bome,v-pbgd,aid";

/// Most methods in one experiment: as many as the figures colour apart.
pub const MAX_CONTENDERS: usize = crate::palette::METHOD_COLOURS;

/// A variant: the method it belongs to, its name after the colon, what it
/// sets, and what it means (for messages and the manual).
struct Variant {
    kind: MethodKind,
    name: &'static str,
    sets: &'static [(&'static str, ParamValue)],
}

const VARIANTS: &[Variant] = &[
    Variant {
        kind: MethodKind::PgdQp,
        name: "qp1",
        sets: &[("rho", ParamValue::Text("qp1"))],
    },
    Variant {
        kind: MethodKind::PgdQp,
        name: "qp2",
        sets: &[("rho", ParamValue::Text("qp2"))],
    },
    Variant {
        kind: MethodKind::PgdQp,
        name: "budget",
        sets: &[("schedule", ParamValue::Text("budget"))],
    },
    Variant {
        kind: MethodKind::Sqcqp,
        name: "authors",
        sets: &[
            ("band", ParamValue::Number(1e-5)),
            ("line_search", ParamValue::Text("two-phase")),
        ],
    },
    Variant {
        kind: MethodKind::Rxgf,
        name: "rk4",
        sets: &[("integrator", ParamValue::Text("rk4"))],
    },
    Variant {
        kind: MethodKind::Rxgf,
        name: "rk4-38",
        sets: &[("integrator", ParamValue::Text("rk4-38"))],
    },
    Variant {
        kind: MethodKind::Rxgf,
        name: "euler",
        sets: &[("integrator", ParamValue::Text("euler"))],
    },
    Variant {
        kind: MethodKind::Bome,
        name: "value",
        sets: &[("phi", ParamValue::Text("value"))],
    },
];

/// One method of an experiment with its parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct Contender {
    /// As typed, in lower case: `pgd-qp:qp1`.
    pub label: String,
    settings: SolverSettings,
}

impl Contender {
    /// Parses `METHOD[:VARIANT…]`; the parameters are the method's
    /// defaults (the papers' toy constants, docs/methods.md) changed by the
    /// variants.
    pub fn parse(text: &str) -> Result<Self, String> {
        let label = text.trim().to_ascii_lowercase();
        let mut parts = label.split(':');
        let name = parts.next().unwrap_or_default();
        let kind = MethodKind::parse(name).ok_or_else(|| {
            format!(
                "`{label}`: no method `{name}`; use one of {}",
                MethodKind::names()
            )
        })?;
        let mut settings = SolverSettings {
            method: kind,
            ..SolverSettings::default()
        };
        for part in parts {
            let variant = VARIANTS
                .iter()
                .find(|v| v.kind == kind && v.name == part)
                .ok_or_else(|| unknown_variant(&label, kind, part))?;
            for (key, value) in variant.sets {
                settings
                    .set(kind, key, *value)
                    .map_err(|e| format!("`{label}`: {e}"))?;
            }
        }
        Ok(Self { label, settings })
    }

    /// The method.
    pub fn kind(&self) -> MethodKind {
        self.settings.method
    }

    /// The run configuration for budget K (a budget schedule resolves its
    /// α and γ from K).
    pub fn config(&self, iterations: u64) -> Result<RunConfig, String> {
        let mut settings = self.settings;
        settings.iterations = iterations;
        RunConfig::new(settings.method(), iterations, None)
            .map_err(|e| format!("{}: {e}", self.label))
    }

    /// A name safe in a file name: `pgd-qp-qp1`.
    pub fn file_stem(&self) -> String {
        self.label.replace(':', "-")
    }
}

fn unknown_variant(label: &str, kind: MethodKind, part: &str) -> String {
    let names: Vec<&str> = VARIANTS
        .iter()
        .filter(|v| v.kind == kind)
        .map(|v| v.name)
        .collect();
    if names.is_empty() {
        format!("`{label}`: {} has no variants", kind.as_str())
    } else {
        format!(
            "`{label}`: {} has no variant `{part}`; use {}",
            kind.as_str(),
            names.join(", ")
        )
    }
}

/// Parses a comma-separated list of methods; each at most once, at most
/// [`MAX_CONTENDERS`].
pub fn parse_list(text: &str) -> Result<Vec<Contender>, String> {
    let mut out: Vec<Contender> = Vec::new();
    for part in text.split(',').filter(|p| !p.trim().is_empty()) {
        let contender = Contender::parse(part)?;
        if out.iter().any(|c| c.settings == contender.settings) {
            return Err(format!(
                "`{}` is listed twice (or is another name for a listed method)",
                contender.label
            ));
        }
        out.push(contender);
    }
    if out.is_empty() {
        return Err("no method given".into());
    }
    if out.len() > MAX_CONTENDERS {
        return Err(format!(
            "{} methods: at most {MAX_CONTENDERS} in one experiment",
            out.len()
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::method::{LineSearch, Method, Rho};

    #[test]
    fn variants_set_what_they_name() {
        let qp2 = Contender::parse("PGD-QP:qp2").unwrap();
        assert_eq!(qp2.label, "pgd-qp:qp2");
        let Method::PgdQp(m) = qp2.config(1000).unwrap().method() else {
            panic!("PGD-QP")
        };
        assert_eq!(m.rho, Rho::Qp2);
        let authors = Contender::parse("sqcqp:authors").unwrap();
        let Method::Sqcqp(s) = authors.config(10).unwrap().method() else {
            panic!("SQCQP")
        };
        assert_eq!((s.band, s.search), (1e-5, LineSearch::TwoPhase));
        assert_eq!(authors.file_stem(), "sqcqp-authors");
    }

    #[test]
    fn a_budget_schedule_follows_k() {
        let c = Contender::parse("pgd-qp:qp1:budget").unwrap();
        let step = |k| match c.config(k).unwrap().method() {
            Method::PgdQp(m) => m.step,
            _ => f64::NAN,
        };
        // γ = b·K^(−1/3): eight times the budget, half the step.
        assert!((step(1000) / step(8000) - 2.0).abs() < 1e-12);
    }

    #[test]
    fn bad_lists_are_refused_with_the_reason() {
        let err = |t| parse_list(t).unwrap_err();
        assert!(err("pgd-qp,newton").contains("no method `newton`"));
        assert!(err("sqcqp:fast").contains("use authors"));
        assert!(err("aid:x").contains("aid has no variants"));
        assert!(err("pgd-qp,pgd-qp:qp1").contains("listed twice"));
        assert!(err(" , ").contains("no method"));
        assert_eq!(parse_list(DEFAULT_METHODS).unwrap().len(), 7);
    }
}
