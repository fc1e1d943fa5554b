//! SQCQP: sequential QCQP with a barrier line search (Sharifi, Yazdandoost
//! Hamedani, Fazlyab, arXiv 2505.14647), PGD-QP's sibling.

use super::oracle::{FirstOrder, LowerLevel, Oracle, dot, norm};
use super::record::{Detail, Record, RecordParts, State, Trial, moved};

/// SQCQP with its parameters.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Sqcqp {
    /// α: the QCQP asks `h − ε²` to decay at rate α.
    pub alpha: f64,
    /// ε: the relaxed constraint is `h ≤ ε²`.
    pub eps: f64,
    /// w > 0: the weight of ‖d‖² in the constraint.
    pub w: f64,
    /// η: the fixed step used when the iterate is not strictly inside.
    pub step: f64,
    /// δ ≥ 0: the fixed step η is taken while `h − ε² ≥ −δ`, the line
    /// search only deeper inside. 0 is the paper's rule; the authors' code
    /// uses 1e-5. (Settings saved before δ existed read as 0.)
    #[serde(default)]
    pub band: f64,
    /// How the line search tests its two conditions.
    #[serde(default)]
    pub search: LineSearch,
}

/// How SQCQP's line search tests "safely inside" and Armijo.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum LineSearch {
    /// Every trial must be safely inside and pass Armijo, so safety is
    /// re-checked after each Armijo halving (the paper's statement).
    #[default]
    Joint,
    /// Halve until safely inside, then go on halving until Armijo holds
    /// without testing safety again (the authors' code).
    TwoPhase,
}

impl LineSearch {
    /// `joint` or `two-phase`.
    pub fn as_str(self) -> &'static str {
        match self {
            LineSearch::Joint => "joint",
            LineSearch::TwoPhase => "two-phase",
        }
    }

    /// Parses `joint` or `two-phase`.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "joint" => Some(LineSearch::Joint),
            "two-phase" => Some(LineSearch::TwoPhase),
            _ => None,
        }
    }
}

/// Most halvings of the line search before the iterate stays put.
pub const MAX_HALVINGS: usize = 50;

/// The QCQP's solution: the projection of −∇f onto the ball
/// `∇hᵀd + w‖d‖² ≤ c`, centre −∇h/(2w), radius √(‖∇h‖²/(4w²) + c/w).
#[derive(Debug, Clone, PartialEq)]
pub struct BallStep {
    /// The ball's centre.
    pub centre: Vec<f64>,
    /// Its radius; `None` when r² < 0 (no d satisfies the constraint).
    pub radius: Option<f64>,
    /// The direction d.
    pub d: Vec<f64>,
    /// The multiplier λ (0 when −∇f is inside the ball; reported as 0 where
    /// it is undefined: an infeasible QCQP or a ball of radius 0, the limit
    /// λ → ∞).
    pub lambda: f64,
    /// Whether d is not −∇f (the constraint bent the step).
    pub active: bool,
}

/// Solves the QCQP in closed form. An infeasible one (r² < 0) goes to the
/// centre, the minimiser of `∇hᵀd + w‖d‖²`: the direction that decreases
/// the linearised h the most. Never produces NaN for finite input with
/// w > 0.
pub fn solve_ball(grad_f: &[f64], grad_h: &[f64], c: f64, w: f64) -> BallStep {
    let centre: Vec<f64> = grad_h.iter().map(|g| -g / (2.0 * w)).collect();
    let r2 = dot(grad_h, grad_h) / (4.0 * w * w) + c / w;
    if r2 < 0.0 {
        return BallStep {
            d: centre.clone(),
            centre,
            radius: None,
            lambda: 0.0,
            active: true,
        };
    }
    let radius = r2.sqrt();
    let offset: Vec<f64> = grad_f.iter().zip(&centre).map(|(gf, c)| -gf - c).collect();
    let dist = norm(&offset);
    if dist <= radius {
        return BallStep {
            d: grad_f.iter().map(|g| -g).collect(),
            centre,
            radius: Some(radius),
            lambda: 0.0,
            active: false,
        };
    }
    // dist > radius ≥ 0, so dist > 0.
    let d = centre
        .iter()
        .zip(&offset)
        .map(|(c, o)| c + radius * o / dist)
        .collect();
    let lambda = if radius > 0.0 {
        (dist / radius - 1.0) / (2.0 * w)
    } else {
        0.0
    };
    BallStep {
        centre,
        radius: Some(radius),
        d,
        lambda,
        active: true,
    }
}

impl Sqcqp {
    /// One iteration: the QCQP direction, then the barrier-plus-Armijo line
    /// search (inside {h − ε² < −δ}) or the fixed step η (not that deep).
    pub fn step(&self, oracle: &Oracle, state: &State) -> (State, Record) {
        let z = &state.z;
        let FirstOrder {
            f,
            grad_f,
            lower,
            grad_h,
        } = FirstOrder::at(oracle, z);
        let gap = lower.h - self.eps * self.eps;
        let c = -self.alpha * gap;
        let ball = solve_ball(&grad_f, &grad_h, c, self.w);
        let inside = gap < -self.band;
        let (t, trials, accepted) = if inside {
            self.line_search(oracle, z, f, &grad_f, gap, &ball.d)
        } else {
            (self.step, Vec::new(), true)
        };
        let record = RecordParts {
            k: state.k,
            n: oracle.dims().n,
            z: z.clone(),
            f,
            // d = −∇f − correction.
            correction: grad_f.iter().zip(&ball.d).map(|(g, d)| -g - d).collect(),
            grad_f,
            lower,
            grad_h,
            lambda: ball.lambda,
            active: ball.active,
            step: t,
            detail: Detail::Sqcqp {
                c,
                centre: ball.centre,
                radius: ball.radius,
                inside,
                trials,
                accepted,
            },
        }
        .build();
        let next = State {
            k: state.k + 1,
            z: moved(z, t, &ball.d),
            warm: Vec::new(),
        };
        (next, record)
    }

    /// From t = 1, halves t until the trial point stays safely inside,
    /// `h(z + td) − ε² ≤ 0.9 (h − ε²)`, and passes Armijo,
    /// `f(z + td) ≤ f + 0.1 t ∇fᵀd`. Joint: both are tested at every
    /// trial, so safety is re-checked after each Armijo halving, and f is
    /// evaluated only at safe trials. Two-phase: once a trial is safe, the
    /// later ones test Armijo alone (h is no longer evaluated; a trial's
    /// `safe` then records the phase, not a test). Returns (t, trials,
    /// accepted); t = 0 if no trial passed within [`MAX_HALVINGS`].
    fn line_search(
        &self,
        oracle: &Oracle,
        z: &[f64],
        f: f64,
        grad_f: &[f64],
        gap: f64,
        d: &[f64],
    ) -> (f64, Vec<Trial>, bool) {
        let slope = dot(grad_f, d);
        let mut trials = Vec::new();
        let mut t = 1.0;
        let mut safe_found = false;
        for _ in 0..=MAX_HALVINGS {
            let trial = moved(z, t, d);
            let safe = if safe_found && self.search == LineSearch::TwoPhase {
                true
            } else {
                LowerLevel::at(oracle, &trial).h - self.eps * self.eps <= 0.9 * gap
            };
            safe_found |= safe;
            let armijo = safe && oracle.f(&trial) <= f + 0.1 * t * slope;
            trials.push(Trial { t, safe, armijo });
            if safe && armijo {
                return (t, trials, true);
            }
            t *= 0.5;
        }
        (0.0, trials, false)
    }
}

#[cfg(test)]
#[path = "sqcqp/tests.rs"]
mod tests;
