//! One type for every method, so a run, the solver thread, the command line
//! and the app handle them alike.

use super::aid::Aid;
use super::bome::Bome;
use super::oracle::Oracle;
use super::pgd_qp::PgdQp;
use super::record::{Record, State};
use super::rxgf::Rxgf;
use super::sqcqp::Sqcqp;
use super::vpbgd::Vpbgd;

/// The methods by name, without parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum MethodKind {
    /// Perturbed gradient descent via a convex QP (the main method).
    PgdQp,
    /// The relaxed safe gradient flow (its continuous-time parent).
    Rxgf,
    /// Sequential QCQP with a barrier line search (its sibling).
    Sqcqp,
    /// BOME (baseline).
    Bome,
    /// V-PBGD (baseline).
    Vpbgd,
    /// Approximate implicit differentiation (baseline).
    Aid,
}

impl MethodKind {
    /// Every method, in the order the app lists them.
    pub const ALL: [MethodKind; 6] = [
        MethodKind::PgdQp,
        MethodKind::Rxgf,
        MethodKind::Sqcqp,
        MethodKind::Bome,
        MethodKind::Vpbgd,
        MethodKind::Aid,
    ];

    /// The name used in presets and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            MethodKind::PgdQp => "pgd-qp",
            MethodKind::Rxgf => "rxgf",
            MethodKind::Sqcqp => "sqcqp",
            MethodKind::Bome => "bome",
            MethodKind::Vpbgd => "v-pbgd",
            MethodKind::Aid => "aid",
        }
    }

    /// The name as people write it.
    pub fn title(self) -> &'static str {
        match self {
            MethodKind::PgdQp => "PGD-QP",
            MethodKind::Rxgf => "RXGF",
            MethodKind::Sqcqp => "SQCQP",
            MethodKind::Bome => "BOME",
            MethodKind::Vpbgd => "V-PBGD",
            MethodKind::Aid => "AID",
        }
    }

    /// Parses a name of [`MethodKind::as_str`] or [`MethodKind::title`],
    /// in any case (`pgd-qp`, `PGD-QP`, `Pgd-Qp`).
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|m| m.as_str().eq_ignore_ascii_case(text))
    }

    /// The names, comma-separated (for messages).
    pub fn names() -> String {
        Self::ALL.map(MethodKind::as_str).join(", ")
    }

    /// The update rule of each method, one line, in the symbols the plot uses.
    pub fn update_rule(self) -> &'static str {
        match self {
            MethodKind::PgdQp => {
                "Δ = argmin ½‖Δ + ∇f‖²  s.t.  ∇hᵀΔ ≤ −αρ,   z ← z + γΔ,   h = ‖∇_y g‖²"
            }
            MethodKind::Rxgf => {
                "ż = argmin ½‖u + ∇f‖²  s.t.  ∇hᵀu ≤ −α(h − ε²),   integrated with step dt"
            }
            MethodKind::Sqcqp => {
                "d = argmin ½‖d + ∇f‖²  s.t.  ∇hᵀd + w‖d‖² ≤ −α(h − ε²),   z ← z + t·d (line search)"
            }
            MethodKind::Bome => {
                "ŷ = T steps on g(x,·);  q = g(x,y) − g(x,ŷ);  z ← z − ξ(∇f + λ∇q),  λ = max(0, φ − ∇qᵀ∇f)/‖∇q‖²"
            }
            MethodKind::Vpbgd => {
                "ŷ = T steps on g(x,·);  z ← z − η(∇f + γ∇q),  q = g(x,y) − g(x,ŷ)"
            }
            MethodKind::Aid => {
                "y ← D steps on g;  ∇²_yy g·v = ∇_y f (CG);  x ← x − β(∇_x f − ∇²_xy g·v)"
            }
        }
    }

    /// The two parameters a method's sweep varies by default: PGD-QP (α, γ),
    /// RXGF and SQCQP (α, ε), BOME (η, ξ), V-PBGD (γ, η), AID (η_in, β).
    pub fn sweep_axes(self) -> (&'static str, &'static str) {
        match self {
            MethodKind::PgdQp => ("alpha", "step"),
            MethodKind::Rxgf | MethodKind::Sqcqp => ("alpha", "epsilon"),
            MethodKind::Bome => ("eta", "step"),
            MethodKind::Vpbgd => ("gamma", "step"),
            MethodKind::Aid => ("inner_step", "step"),
        }
    }

    /// Whether the method works with the relaxed set `{h ≤ ε²}` (RXGF,
    /// SQCQP) rather than `{h ≤ ε}`.
    pub fn squares_epsilon(self) -> bool {
        matches!(self, MethodKind::Rxgf | MethodKind::Sqcqp)
    }
}

/// A method with its parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Method {
    /// PGD-QP.
    PgdQp(PgdQp),
    /// RXGF.
    Rxgf(Rxgf),
    /// SQCQP.
    Sqcqp(Sqcqp),
    /// BOME.
    Bome(Bome),
    /// V-PBGD.
    Vpbgd(Vpbgd),
    /// AID.
    Aid(Aid),
}

impl Method {
    /// ε of the relaxed problem h ≤ ε² that RXGF and SQCQP solve (they stop
    /// short of h = 0 by design); `None` for the others.
    pub fn relaxed_epsilon(&self) -> Option<f64> {
        match self {
            Method::Rxgf(m) => Some(m.eps),
            Method::Sqcqp(m) => Some(m.eps),
            _ => None,
        }
    }

    /// Which method.
    pub fn kind(&self) -> MethodKind {
        match self {
            Method::PgdQp(_) => MethodKind::PgdQp,
            Method::Rxgf(_) => MethodKind::Rxgf,
            Method::Sqcqp(_) => MethodKind::Sqcqp,
            Method::Bome(_) => MethodKind::Bome,
            Method::Vpbgd(_) => MethodKind::Vpbgd,
            Method::Aid(_) => MethodKind::Aid,
        }
    }

    /// One iteration of a run with budget K: the record at z_k and the
    /// next state.
    pub fn step(&self, oracle: &Oracle, state: &State, budget: u64) -> (State, Record) {
        match self {
            Method::PgdQp(m) => m.step(oracle, state),
            Method::Rxgf(m) => m.step(oracle, state),
            Method::Sqcqp(m) => m.step(oracle, state),
            Method::Bome(m) => m.step(oracle, state),
            Method::Vpbgd(m) => m.step(oracle, state, budget),
            Method::Aid(m) => m.step(oracle, state),
        }
    }

    /// The main step length (γ, dt, η, ξ, β).
    pub fn step_length(&self) -> f64 {
        match self {
            Method::PgdQp(m) => m.step,
            Method::Rxgf(m) => m.dt,
            Method::Sqcqp(m) => m.step,
            Method::Bome(m) => m.step,
            Method::Vpbgd(m) => m.step,
            Method::Aid(m) => m.step,
        }
    }
}

/// A parameter's value, as presets and the JSON summary write it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ParamValue {
    /// A real number.
    Number(f64),
    /// A count.
    Count(u64),
    /// A choice by name.
    Text(&'static str),
    /// On or off.
    Flag(bool),
}

impl std::fmt::Display for ParamValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ParamValue::Number(v) => write!(f, "{v}"),
            ParamValue::Count(v) => write!(f, "{v}"),
            ParamValue::Text(v) => f.write_str(v),
            ParamValue::Flag(v) => write!(f, "{v}"),
        }
    }
}

impl Method {
    /// The parameters by their preset key (`[solver]`), in a fixed order.
    pub fn params(&self) -> Vec<(&'static str, ParamValue)> {
        use ParamValue::{Count, Flag, Number, Text};
        match self {
            Method::PgdQp(m) => vec![
                ("rho", Text(m.rho.as_str())),
                ("alpha", Number(m.alpha)),
                ("step", Number(m.step)),
            ],
            Method::Rxgf(m) => vec![
                ("alpha", Number(m.alpha)),
                ("epsilon", Number(m.eps)),
                ("dt", Number(m.dt)),
                ("integrator", Text(m.integrator.as_str())),
            ],
            Method::Sqcqp(m) => vec![
                ("alpha", Number(m.alpha)),
                ("epsilon", Number(m.eps)),
                ("w", Number(m.w)),
                ("step", Number(m.step)),
                ("band", Number(m.band)),
                ("line_search", Text(m.search.as_str())),
            ],
            Method::Bome(m) => vec![
                ("step", Number(m.step)),
                ("eta", Number(m.eta)),
                ("phi", Text(m.phi.as_str())),
                ("inner_steps", Count(u64::from(m.inner_steps))),
                ("inner_step", Number(m.inner_step)),
            ],
            Method::Vpbgd(m) => vec![
                ("step", Number(m.step)),
                ("gamma", Number(m.gamma)),
                ("ramp", Flag(m.ramp)),
                ("inner_steps", Count(u64::from(m.inner_steps))),
                ("inner_step", Number(m.inner_step)),
            ],
            Method::Aid(m) => vec![
                ("step", Number(m.step)),
                ("inner_steps", Count(u64::from(m.inner_steps))),
                ("inner_step", Number(m.inner_step)),
                ("cg_iterations", Count(u64::from(m.cg_iterations))),
            ],
        }
    }

    /// The title and the first three parameters by symbol, as legends show
    /// a run: `PGD-QP ρ=qp1 α=0.10000 γ=0.05000`.
    pub fn legend_label(&self) -> String {
        let kind = self.kind();
        let mut out = kind.title().to_string();
        for (key, value) in self.params().into_iter().take(3) {
            let symbol = kind.param(key).map_or(key, |p| p.symbol);
            let text = match value {
                ParamValue::Number(v) => crate::teaching::num(v),
                other => other.to_string(),
            };
            out.push_str(&format!(" {symbol}={text}"));
        }
        out
    }

    /// `name key=value …`, for one-line reports.
    pub fn describe(&self) -> String {
        let mut out = self.kind().as_str().to_string();
        for (key, value) in self.params() {
            out.push_str(&format!(" {key}={value}"));
        }
        out
    }
}
