//! Solver settings as people edit them: every method's parameters at once
//! (switching methods keeps each one's values), the chosen method, the
//! budget and the tolerance. One table per method describes its parameters
//! — key, symbol, meaning and range — so the preset loader, the command line
//! and the app's editors all check and explain them the same way.

use super::aid::Aid;
use super::bome::{Bome, Phi};
use super::dispatch::{Method, MethodKind, ParamValue};
use super::param_error::ParamError;
use super::pgd_qp::{PgdQp, Rho, StepRule};
use super::pgd_qp_rules::PgdQpSettings;
use super::run::RunConfig;
use super::rxgf::{Integrator, Rxgf};
use super::sqcqp::{LineSearch, Sqcqp};
use super::vpbgd::Vpbgd;

/// The range a parameter may take.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ParamKind {
    /// A finite number > 0.
    Positive,
    /// A finite number ≥ 0.
    NonNegative,
    /// A whole number in `min..=max`.
    Count {
        /// Smallest allowed.
        min: u64,
        /// Largest allowed (larger would stall the solver thread).
        max: u64,
    },
    /// One of these names.
    Choice(&'static [&'static str]),
    /// On or off.
    Flag,
}

/// One parameter of a method.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ParamSpec {
    /// The key in a preset's `[solver]` table (and `--key` on the command
    /// line, with `_` written `-`).
    pub key: &'static str,
    /// The symbol in the method's formulas.
    pub symbol: &'static str,
    /// What it does, in the method's terms (the app's tooltip).
    pub help: &'static str,
    /// Its range.
    pub kind: ParamKind,
    /// Its option of `bilevel-lab run` (`_` written `-`): the key itself
    /// unless named otherwise; `None` if the command line sets it another
    /// way (PGD-QP's schedule follows from `--budget-a`/`--budget-b`).
    pub cli: Option<&'static str>,
}

impl ParamSpec {
    /// The option on the command line, e.g. `--inner-steps`.
    pub fn cli_flag(&self) -> Option<String> {
        self.cli.map(|c| format!("--{}", c.replace('_', "-")))
    }

    /// The same, with the command line's own name.
    const fn on_cli(self, cli: Option<&'static str>) -> Self {
        ParamSpec { cli, ..self }
    }
}

const fn spec(
    key: &'static str,
    symbol: &'static str,
    help: &'static str,
    kind: ParamKind,
) -> ParamSpec {
    ParamSpec {
        key,
        symbol,
        help,
        kind,
        cli: Some(key),
    }
}

const INNER_STEPS: ParamKind = ParamKind::Count {
    min: 0,
    max: 10_000,
};

/// RXGF's and SQCQP's ε.
const EPSILON: ParamSpec = spec(
    "epsilon",
    "ε",
    "The relaxed constraint is h ≤ ε²",
    ParamKind::NonNegative,
);

/// BOME's and V-PBGD's T.
const INNER_T: ParamSpec = spec(
    "inner_steps",
    "T",
    "Lower-level gradient steps giving ŷ ≈ argmin g(x, ·)",
    INNER_STEPS,
);

/// The inner loops' step length (BOME, V-PBGD, AID).
const INNER_STEP: ParamSpec = spec(
    "inner_step",
    "η_in",
    "The step length of the lower-level steps",
    ParamKind::Positive,
);

const PGD_QP: &[ParamSpec] = &[
    spec(
        "rho",
        "ρ",
        "qp1: ρ = ‖∇h‖² (rate O(ε^-1.5) under a PL-type condition); qp2: ρ = ‖∇h‖·√h (O(ε^-3) without it)",
        ParamKind::Choice(&["qp1", "qp2"]),
    ),
    spec(
        "schedule",
        "rule",
        "fixed: α and γ as given; budget: α = a·K^(−1/3), γ = b·K^(−1/3) (qp1) or b·K^(−2/3) (qp2)",
        ParamKind::Choice(&["fixed", "budget"]),
    )
    .on_cli(None),
    spec(
        "alpha",
        "α",
        "The QP asks h to decrease at rate αρ: larger α pulls harder toward the lower-level set",
        ParamKind::NonNegative,
    ),
    spec(
        "step",
        "γ",
        "The step length: z ← z + γΔ",
        ParamKind::Positive,
    ),
    spec(
        "a",
        "a",
        "Budget schedule: α = a·K^(−1/3)",
        ParamKind::NonNegative,
    )
    .on_cli(Some("budget_a")),
    spec(
        "b",
        "b",
        "Budget schedule: γ = b·K^(−1/3) (qp1) or b·K^(−2/3) (qp2)",
        ParamKind::Positive,
    )
    .on_cli(Some("budget_b")),
];

const RXGF: &[ParamSpec] = &[
    spec(
        "alpha",
        "α",
        "The barrier asks h − ε² to decay like e^(−αt)",
        ParamKind::NonNegative,
    ),
    EPSILON,
    spec(
        "dt",
        "dt",
        "The integration step of the flow",
        ParamKind::Positive,
    ),
    spec(
        "integrator",
        "scheme",
        "rk4: classical fourth-order Runge–Kutta; rk4-38: Kutta's 3/8 rule, also fourth order (torchdiffeq's rk4, which the authors' code uses); euler: z ← z + dt·ż (PGD-QP with αρ replaced by α(h − ε²))",
        ParamKind::Choice(&["rk4", "rk4-38", "euler"]),
    ),
];

const SQCQP: &[ParamSpec] = &[
    spec(
        "alpha",
        "α",
        "The QCQP asks h − ε² to decrease at rate α",
        ParamKind::NonNegative,
    ),
    EPSILON,
    spec(
        "w",
        "w",
        "Weight of ‖d‖² in the constraint ∇hᵀd + w‖d‖² ≤ c: the ball has centre −∇h/(2w)",
        ParamKind::Positive,
    ),
    spec(
        "step",
        "η",
        "The fixed step used while the iterate is not inside {h − ε² < −δ}",
        ParamKind::Positive,
    ),
    spec(
        "band",
        "δ",
        "The line search runs only where h − ε² < −δ, the fixed step η elsewhere: 0 is the paper's rule; the authors' code uses 1e-5",
        ParamKind::NonNegative,
    ),
    spec(
        "line_search",
        "search",
        "joint: every trial must stay safely inside and pass Armijo (the paper); two-phase: halve to safety first, then to Armijo without re-testing safety (the authors' code)",
        ParamKind::Choice(&["joint", "two-phase"]),
    ),
];

const BOME: &[ParamSpec] = &[
    spec(
        "step",
        "ξ",
        "The outer step: z ← z − ξ(∇f + λ∇q)",
        ParamKind::Positive,
    ),
    spec(
        "eta",
        "η",
        "φ = η‖∇q‖² or η·q: how fast BOME asks q to decrease",
        ParamKind::NonNegative,
    ),
    spec(
        "phi",
        "φ",
        "gradient: φ = η‖∇q‖²; value: φ = η·q",
        ParamKind::Choice(&["gradient", "value"]),
    ),
    INNER_T,
    INNER_STEP,
];

const VPBGD: &[ParamSpec] = &[
    spec(
        "step",
        "η",
        "The step length on the penalty f + γ(g − g*)",
        ParamKind::Positive,
    ),
    spec(
        "gamma",
        "γ",
        "The penalty weight (γ_max when ramped): larger γ, smaller bias, stiffer steps",
        ParamKind::NonNegative,
    ),
    spec(
        "ramp",
        "ramp",
        "Ramp γ from 0 to γ_max over the first ¾ of K instead of fixing it",
        ParamKind::Flag,
    ),
    INNER_T,
    INNER_STEP,
];

const AID: &[ParamSpec] = &[
    spec(
        "step",
        "β",
        "The upper-level step along the approximate hypergradient",
        ParamKind::Positive,
    ),
    spec(
        "inner_steps",
        "D",
        "Lower-level gradient steps on y per iteration",
        INNER_STEPS,
    ),
    INNER_STEP,
    spec(
        "cg_iterations",
        "CG",
        "Most conjugate-gradient iterations on ∇²_yy g·v = ∇_y f (warm-started)",
        ParamKind::Count { min: 1, max: 1000 },
    ),
];

impl MethodKind {
    /// The method's parameters, in the order editors show them.
    pub fn params(self) -> &'static [ParamSpec] {
        match self {
            MethodKind::PgdQp => PGD_QP,
            MethodKind::Rxgf => RXGF,
            MethodKind::Sqcqp => SQCQP,
            MethodKind::Bome => BOME,
            MethodKind::Vpbgd => VPBGD,
            MethodKind::Aid => AID,
        }
    }

    /// The parameter with this key, if the method has one.
    pub fn param(self, key: &str) -> Option<&'static ParamSpec> {
        self.params().iter().find(|p| p.key == key)
    }
}

/// Every method's parameters, the chosen method, K and the tolerance.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SolverSettings {
    /// The method that runs.
    pub method: MethodKind,
    /// PGD-QP.
    pub pgd_qp: PgdQpSettings,
    /// RXGF.
    pub rxgf: Rxgf,
    /// SQCQP.
    pub sqcqp: Sqcqp,
    /// BOME.
    pub bome: Bome,
    /// V-PBGD.
    pub vpbgd: Vpbgd,
    /// AID.
    pub aid: Aid,
    /// The budget K.
    pub iterations: u64,
    /// Stop once the KKT residual ‖Δ‖² + h is at most this.
    pub tolerance: Option<f64>,
}

impl Default for SolverSettings {
    /// The defaults of method.md (the papers' toy settings).
    fn default() -> Self {
        Self {
            method: MethodKind::PgdQp,
            pgd_qp: PgdQpSettings {
                rho: Rho::Qp1,
                rule: StepRule::Fixed {
                    alpha: 0.5,
                    step: 0.01,
                },
            },
            rxgf: Rxgf {
                alpha: 0.1,
                eps: 0.1,
                dt: 0.01,
                integrator: Integrator::Rk4,
            },
            sqcqp: Sqcqp {
                alpha: 0.1,
                eps: 0.1,
                w: 0.01,
                step: 0.05,
                band: 0.0,
                search: LineSearch::Joint,
            },
            bome: Bome {
                inner_steps: 10,
                inner_step: 0.05,
                step: 0.05,
                eta: 0.5,
                phi: Phi::Gradient,
            },
            vpbgd: Vpbgd {
                gamma: 10.0,
                ramp: false,
                step: 0.01,
                inner_steps: 10,
                inner_step: 0.05,
            },
            aid: Aid {
                inner_steps: 10,
                inner_step: 0.05,
                cg_iterations: 10,
                step: 0.05,
            },
            iterations: 2000,
            tolerance: None,
        }
    }
}

impl SolverSettings {
    /// The chosen method with its parameters (PGD-QP's schedule resolved
    /// for K).
    pub fn method(&self) -> Method {
        self.method_of(self.method)
    }

    /// Method `kind` with its parameters from these settings.
    pub fn method_of(&self, kind: MethodKind) -> Method {
        match kind {
            MethodKind::PgdQp => {
                let s = self.pgd_qp;
                let (alpha, step) = s.rule.resolve(s.rho, self.iterations);
                Method::PgdQp(PgdQp {
                    rho: s.rho,
                    alpha,
                    step,
                })
            }
            MethodKind::Rxgf => Method::Rxgf(self.rxgf),
            MethodKind::Sqcqp => Method::Sqcqp(self.sqcqp),
            MethodKind::Bome => Method::Bome(self.bome),
            MethodKind::Vpbgd => Method::Vpbgd(self.vpbgd),
            MethodKind::Aid => Method::Aid(self.aid),
        }
    }

    /// The run configuration of the chosen method, checked (see
    /// [`RunConfig::new`]).
    pub fn run_config(&self) -> Result<RunConfig, ParamError> {
        RunConfig::new(self.method(), self.iterations, self.tolerance)
    }

    /// These settings with another method chosen.
    pub fn with_method(mut self, kind: MethodKind) -> Self {
        self.method = kind;
        self
    }

    /// Whether `key` matters for the chosen method as set now (PGD-QP's
    /// α, γ under the fixed rule, a, b under the budget schedule).
    pub fn relevant(&self, key: &str) -> bool {
        if self.method != MethodKind::PgdQp {
            return self.method.param(key).is_some();
        }
        let budget = matches!(self.pgd_qp.rule, StepRule::Budget { .. });
        match key {
            "alpha" | "step" => !budget,
            "a" | "b" => budget,
            other => self.method.param(other).is_some(),
        }
    }

    /// The value of parameter `key` of method `kind`.
    pub fn get(&self, kind: MethodKind, key: &str) -> Option<ParamValue> {
        use ParamValue::{Count, Flag, Number, Text};
        let value = match (kind, key) {
            (MethodKind::PgdQp, "rho") => Text(self.pgd_qp.rho.as_str()),
            (MethodKind::PgdQp, "schedule") => Text(match self.pgd_qp.rule {
                StepRule::Fixed { .. } => "fixed",
                StepRule::Budget { .. } => "budget",
            }),
            (MethodKind::PgdQp, "alpha" | "step" | "a" | "b") => {
                let s = self.pgd_qp;
                let (alpha, step) = s.rule.resolve(s.rho, self.iterations);
                let (a, b) = s.budget_constants();
                Number(match key {
                    "alpha" => alpha,
                    "step" => step,
                    "a" => a,
                    _ => b,
                })
            }
            (MethodKind::Rxgf, "alpha") => Number(self.rxgf.alpha),
            (MethodKind::Rxgf, "epsilon") => Number(self.rxgf.eps),
            (MethodKind::Rxgf, "dt") => Number(self.rxgf.dt),
            (MethodKind::Rxgf, "integrator") => Text(self.rxgf.integrator.as_str()),
            (MethodKind::Sqcqp, "alpha") => Number(self.sqcqp.alpha),
            (MethodKind::Sqcqp, "epsilon") => Number(self.sqcqp.eps),
            (MethodKind::Sqcqp, "w") => Number(self.sqcqp.w),
            (MethodKind::Sqcqp, "step") => Number(self.sqcqp.step),
            (MethodKind::Sqcqp, "band") => Number(self.sqcqp.band),
            (MethodKind::Sqcqp, "line_search") => Text(self.sqcqp.search.as_str()),
            (MethodKind::Bome, "step") => Number(self.bome.step),
            (MethodKind::Bome, "eta") => Number(self.bome.eta),
            (MethodKind::Bome, "phi") => Text(self.bome.phi.as_str()),
            (MethodKind::Bome, "inner_steps") => Count(u64::from(self.bome.inner_steps)),
            (MethodKind::Bome, "inner_step") => Number(self.bome.inner_step),
            (MethodKind::Vpbgd, "step") => Number(self.vpbgd.step),
            (MethodKind::Vpbgd, "gamma") => Number(self.vpbgd.gamma),
            (MethodKind::Vpbgd, "ramp") => Flag(self.vpbgd.ramp),
            (MethodKind::Vpbgd, "inner_steps") => Count(u64::from(self.vpbgd.inner_steps)),
            (MethodKind::Vpbgd, "inner_step") => Number(self.vpbgd.inner_step),
            (MethodKind::Aid, "step") => Number(self.aid.step),
            (MethodKind::Aid, "inner_steps") => Count(u64::from(self.aid.inner_steps)),
            (MethodKind::Aid, "inner_step") => Number(self.aid.inner_step),
            (MethodKind::Aid, "cg_iterations") => Count(u64::from(self.aid.cg_iterations)),
            _ => return None,
        };
        Some(value)
    }

    /// Sets parameter `key` of method `kind`, checking its range; the
    /// message says what is wrong in the method's terms.
    pub fn set(
        &mut self,
        kind: MethodKind,
        key: &str,
        value: ParamValue,
    ) -> Result<(), ParamError> {
        let spec = kind.param(key).ok_or_else(|| ParamError::UnknownKey {
            method: kind,
            key: key.to_string(),
        })?;
        let checked = check(spec, value)?;
        self.store(kind, key, checked);
        Ok(())
    }

    fn store(&mut self, kind: MethodKind, key: &str, value: ParamValue) {
        use ParamValue::{Count, Flag, Number, Text};
        let count = |c: u64| u32::try_from(c).unwrap_or(u32::MAX);
        match (kind, key, value) {
            (MethodKind::PgdQp, _, _) => {
                self.pgd_qp = self.pgd_qp.edited(key, value, self.iterations);
            }
            (MethodKind::Rxgf, "alpha", Number(v)) => self.rxgf.alpha = v,
            (MethodKind::Rxgf, "epsilon", Number(v)) => self.rxgf.eps = v,
            (MethodKind::Rxgf, "dt", Number(v)) => self.rxgf.dt = v,
            (MethodKind::Rxgf, "integrator", Text(t)) => {
                self.rxgf.integrator = Integrator::parse(t).unwrap_or(self.rxgf.integrator);
            }
            (MethodKind::Sqcqp, "alpha", Number(v)) => self.sqcqp.alpha = v,
            (MethodKind::Sqcqp, "epsilon", Number(v)) => self.sqcqp.eps = v,
            (MethodKind::Sqcqp, "w", Number(v)) => self.sqcqp.w = v,
            (MethodKind::Sqcqp, "step", Number(v)) => self.sqcqp.step = v,
            (MethodKind::Sqcqp, "band", Number(v)) => self.sqcqp.band = v,
            (MethodKind::Sqcqp, "line_search", Text(t)) => {
                self.sqcqp.search = LineSearch::parse(t).unwrap_or(self.sqcqp.search);
            }
            (MethodKind::Bome, "step", Number(v)) => self.bome.step = v,
            (MethodKind::Bome, "eta", Number(v)) => self.bome.eta = v,
            (MethodKind::Bome, "phi", Text(t)) => {
                self.bome.phi = Phi::parse(t).unwrap_or(self.bome.phi);
            }
            (MethodKind::Bome, "inner_steps", Count(c)) => self.bome.inner_steps = count(c),
            (MethodKind::Bome, "inner_step", Number(v)) => self.bome.inner_step = v,
            (MethodKind::Vpbgd, "step", Number(v)) => self.vpbgd.step = v,
            (MethodKind::Vpbgd, "gamma", Number(v)) => self.vpbgd.gamma = v,
            (MethodKind::Vpbgd, "ramp", Flag(b)) => self.vpbgd.ramp = b,
            (MethodKind::Vpbgd, "inner_steps", Count(c)) => self.vpbgd.inner_steps = count(c),
            (MethodKind::Vpbgd, "inner_step", Number(v)) => self.vpbgd.inner_step = v,
            (MethodKind::Aid, "step", Number(v)) => self.aid.step = v,
            (MethodKind::Aid, "inner_steps", Count(c)) => self.aid.inner_steps = count(c),
            (MethodKind::Aid, "inner_step", Number(v)) => self.aid.inner_step = v,
            (MethodKind::Aid, "cg_iterations", Count(c)) => self.aid.cg_iterations = count(c),
            // `check` has matched the value to the spec, and every spec
            // key of every method has an arm above.
            _ => {}
        }
    }

    /// What is wrong with the chosen method's parameters, K or the
    /// tolerance (empty if nothing).
    pub fn problems(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .method
            .params()
            .iter()
            .filter(|p| self.relevant(p.key))
            .filter_map(|p| {
                let v = self.get(self.method, p.key)?;
                check(p, v).err().map(|e| e.to_string())
            })
            .collect();
        if self.iterations == 0 {
            out.push(ParamError::ZeroBudget.to_string());
        }
        if let Some(t) = self.tolerance
            && !(t.is_finite() && t > 0.0)
        {
            out.push(ParamError::Tolerance(t).to_string());
        }
        out
    }
}

/// A parameter's value as typed (in a preset, on the command line).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Input<'a> {
    /// A real number.
    Number(f64),
    /// A whole number (possibly negative, which a count refuses).
    Integer(i64),
    /// A name.
    Text(&'a str),
    /// true or false.
    Flag(bool),
}

impl SolverSettings {
    /// Sets parameter `key` of `kind` from typed input (see [`SolverSettings::set`]).
    pub fn set_input(
        &mut self,
        kind: MethodKind,
        key: &str,
        input: Input,
    ) -> Result<(), ParamError> {
        let value = match input {
            Input::Number(v) => ParamValue::Number(v),
            Input::Integer(i) => match u64::try_from(i) {
                Ok(c) => ParamValue::Count(c),
                Err(_) => ParamValue::Number(i as f64),
            },
            Input::Flag(b) => ParamValue::Flag(b),
            Input::Text(t) => {
                let choices = match kind.param(key).map(|p| p.kind) {
                    Some(ParamKind::Choice(names)) => names,
                    _ => &[],
                };
                match choices.iter().find(|c| **c == t) {
                    Some(name) => ParamValue::Text(name),
                    // Let `set` explain (unknown key, or not one of the names).
                    None => ParamValue::Text(""),
                }
            }
        };
        match (value, input, kind.param(key)) {
            (ParamValue::Text(""), Input::Text(t), Some(spec)) => Err(ParamError::invalid(
                spec,
                format!("\"{t}\""),
                format!("use {}", describe(spec.kind)),
            )),
            _ => self.set(kind, key, value),
        }
    }
}

/// Checks a value against a parameter's range; integers given for a real
/// parameter are accepted as reals, and whole reals (`3.0`, as a sweep
/// grid or a JSON reader gives them) for a count.
pub fn check(spec: &'static ParamSpec, value: ParamValue) -> Result<ParamValue, ParamError> {
    use ParamValue::{Count, Flag, Number, Text};
    let bad = |v: &dyn std::fmt::Display, must: String| Err(ParamError::invalid(spec, v, must));
    let whole = |min: u64, max: u64| format!("it must be a whole number from {min} to {max}");
    match (spec.kind, value) {
        (ParamKind::Positive | ParamKind::NonNegative, Count(c)) => check(spec, Number(c as f64)),
        (ParamKind::Positive, Number(v)) if v.is_finite() && v > 0.0 => Ok(Number(v)),
        (ParamKind::Positive, Number(v)) => bad(&v, "it must be a finite number > 0".into()),
        (ParamKind::NonNegative, Number(v)) if v.is_finite() && v >= 0.0 => Ok(Number(v)),
        (ParamKind::NonNegative, Number(v)) => bad(&v, "it must be a finite number ≥ 0".into()),
        (ParamKind::Count { min, max }, Count(c)) if (min..=max).contains(&c) => Ok(Count(c)),
        (ParamKind::Count { min, max }, Count(c)) => bad(&c, whole(min, max)),
        (ParamKind::Count { .. }, Number(v)) if v >= 0.0 && v.fract() == 0.0 && v < 1e19 => {
            check(spec, Count(v as u64))
        }
        (ParamKind::Count { min, max }, Number(v)) => bad(&v, whole(min, max)),
        (ParamKind::Choice(names), Text(t)) => match names.iter().find(|n| **n == t) {
            Some(n) => Ok(Text(n)),
            None => bad(
                &format!("\"{t}\""),
                format!("use one of {}", names.join(", ")),
            ),
        },
        (ParamKind::Flag, Flag(b)) => Ok(Flag(b)),
        (kind, _) => Err(ParamError::Invalid {
            spec,
            value: None,
            requirement: format!("expected {}", describe(kind)),
        }),
    }
}

/// What a range expects, in words.
pub fn describe(kind: ParamKind) -> String {
    match kind {
        ParamKind::Positive => "a number > 0".into(),
        ParamKind::NonNegative => "a number ≥ 0".into(),
        ParamKind::Count { min, max } => format!("a whole number from {min} to {max}"),
        ParamKind::Choice(names) => format!("one of {}", names.join(", ")),
        ParamKind::Flag => "true or false".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_parameter_reads_back_what_was_set() {
        let mut s = SolverSettings::default();
        for kind in MethodKind::ALL {
            for p in kind.params() {
                let value = match p.kind {
                    ParamKind::Positive | ParamKind::NonNegative => ParamValue::Number(0.375),
                    ParamKind::Count { min, .. } => ParamValue::Count(min + 3),
                    ParamKind::Choice(names) => ParamValue::Text(names[names.len() - 1]),
                    ParamKind::Flag => ParamValue::Flag(true),
                };
                // α and γ of PGD-QP apply under the fixed rule: set it last.
                if kind == MethodKind::PgdQp && p.key == "schedule" {
                    continue;
                }
                s.set(kind, p.key, value).unwrap();
                assert_eq!(
                    s.get(kind, p.key),
                    Some(value),
                    "{} {}",
                    kind.as_str(),
                    p.key
                );
            }
        }
        assert!(s.with_method(MethodKind::Aid).problems().is_empty());
    }

    #[test]
    fn every_methods_sweep_axes_are_two_numbers_of_its_table() {
        for kind in MethodKind::ALL {
            let (a, b) = kind.sweep_axes();
            assert_ne!(a, b, "{}", kind.as_str());
            for key in [a, b] {
                let spec = kind.param(key).unwrap_or_else(|| panic!("{key}"));
                assert!(
                    !matches!(spec.kind, ParamKind::Choice(_) | ParamKind::Flag),
                    "{}: {key} cannot be swept",
                    kind.as_str()
                );
            }
        }
    }

    #[test]
    fn a_methods_own_parameter_list_is_its_table() {
        // Method::params (reports, exported presets) lists the table's keys
        // in its order, each with the value the settings hold — PGD-QP's
        // schedule resolved to α and γ.
        let s = SolverSettings::default();
        for kind in MethodKind::ALL {
            let listed: Vec<(&str, ParamValue)> = s.method_of(kind).params();
            let table: Vec<(&str, ParamValue)> = kind
                .params()
                .iter()
                .filter(|p| !matches!(p.key, "schedule" | "a" | "b"))
                .filter_map(|p| Some((p.key, s.get(kind, p.key)?)))
                .collect();
            assert_eq!(listed, table, "{}", kind.as_str());
        }
    }

    #[test]
    fn bad_values_and_keys_are_refused_with_the_reason() {
        let mut s = SolverSettings::default();
        let e = s
            .set(MethodKind::Rxgf, "dt", ParamValue::Number(-1.0))
            .unwrap_err()
            .to_string();
        assert!(e.contains("dt") && e.contains("> 0"), "{e}");
        let e = s
            .set(MethodKind::PgdQp, "epsilon", ParamValue::Number(0.1))
            .unwrap_err()
            .to_string();
        assert!(e.contains("pgd-qp has no parameter `epsilon`"), "{e}");
        // Typed, so a caller can tell an unknown key from a bad value.
        assert!(matches!(
            s.set(MethodKind::PgdQp, "epsilon", ParamValue::Number(0.1)),
            Err(ParamError::UnknownKey {
                method: MethodKind::PgdQp,
                ..
            })
        ));
        assert!(matches!(
            s.set(MethodKind::Rxgf, "dt", ParamValue::Number(-1.0)),
            Err(ParamError::Invalid { spec, .. }) if spec.key == "dt"
        ));
        let e = s
            .set(MethodKind::Aid, "cg_iterations", ParamValue::Count(0))
            .unwrap_err()
            .to_string();
        assert!(e.contains("from 1 to 1000"), "{e}");
        let e = s
            .set(MethodKind::Bome, "phi", ParamValue::Text("gradients"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("gradient, value"), "{e}");
        // A fractional count is refused naming the fraction; a whole real
        // is the count it spells, never "= 1: must be a whole number".
        let e = s
            .set(MethodKind::Aid, "cg_iterations", ParamValue::Number(2.5))
            .unwrap_err()
            .to_string();
        assert!(e.contains("= 2.5: it must be a whole number"), "{e}");
        assert_eq!(s, SolverSettings::default(), "nothing changed");
        s.set(MethodKind::Aid, "cg_iterations", ParamValue::Number(1.0))
            .unwrap();
        assert_eq!(
            s.get(MethodKind::Aid, "cg_iterations"),
            Some(ParamValue::Count(1))
        );
    }

    #[test]
    fn pgd_qp_schedule_switches_keep_the_numbers() {
        let mut s = SolverSettings {
            iterations: 80_000,
            ..SolverSettings::default()
        };
        s.set(MethodKind::PgdQp, "a", ParamValue::Number(1.5))
            .unwrap();
        s.set(MethodKind::PgdQp, "b", ParamValue::Number(1.5))
            .unwrap();
        assert!(matches!(s.pgd_qp.rule, StepRule::Budget { .. }));
        let Method::PgdQp(m) = s.method() else {
            panic!("pgd-qp")
        };
        assert!((m.alpha - 0.0348).abs() < 1e-4 && (m.step - 0.0348).abs() < 1e-4);
        assert!(!s.relevant("alpha") && s.relevant("a"));
        s.set(MethodKind::PgdQp, "schedule", ParamValue::Text("fixed"))
            .unwrap();
        let Method::PgdQp(fixed) = s.method() else {
            panic!("pgd-qp")
        };
        assert_eq!((fixed.alpha, fixed.step), (m.alpha, m.step));
    }
}
