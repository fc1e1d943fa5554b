//! The update of one iteration written out with its numbers substituted,
//! line by line, each line tagged with the stage it belongs to. The symbols
//! are the ones the plot's legend uses (−∇f, −λ∇h, Δ, the half-space edge).

use super::Stage;
use crate::method::{Detail, LineSearch, Method, Record, Rho, dot, norm};

/// A number as the panel prints it: five decimals, or scientific notation
/// when very small or large. The tests read numbers back through this.
pub fn num(v: f64) -> String {
    if v == 0.0 {
        "0".into()
    } else if !v.is_finite() {
        format!("{v}")
    } else if v.abs() >= 1e4 || v.abs() < 1e-3 {
        format!("{v:.3e}")
    } else {
        format!("{v:.5}")
    }
}

/// Vectors longer than this are written by their ends and their length.
pub const VECTOR_SHOWN: usize = 64;

/// A vector as `(a, b, …)`; past [`VECTOR_SHOWN`] entries (hyper-cleaning's
/// 1 210) its first three and last two and how many there are, which is
/// as much as a reader takes in and keeps the panel cheap to draw.
pub fn vector(v: &[f64]) -> String {
    let join = |part: &[f64]| part.iter().map(|a| num(*a)).collect::<Vec<_>>().join(", ");
    match (
        v.get(..3),
        v.len().checked_sub(2).and_then(|end| v.get(end..)),
    ) {
        (Some(head), Some(tail)) if v.len() > VECTOR_SHOWN => {
            format!("({}, …, {}; {} values)", join(head), join(tail), v.len())
        }
        _ => format!("({})", join(v)),
    }
}

/// One line of the written-out update.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// The stage it belongs to (the panel highlights the current one).
    pub stage: Stage,
    /// The text, with numbers.
    pub text: String,
}

/// The update of one iteration, written out.
#[derive(Debug, Clone, PartialEq)]
pub struct Explanation {
    /// The method and the iteration.
    pub title: String,
    /// Formula lines with numbers, in stage order.
    pub lines: Vec<Line>,
    /// Which case holds and why, in one sentence.
    pub case: String,
    /// What each stage is called for this method.
    pub stage_names: [&'static str; 5],
}

/// Collects lines for one stage at a time.
struct Writer(Vec<Line>);

impl Writer {
    fn add(&mut self, stage: Stage, text: String) {
        self.0.push(Line { stage, text });
    }
}

/// The update of `record` (iteration k of `method`), landing on `next`.
pub fn explain(method: &Method, r: &Record, next: &[f64]) -> Explanation {
    let mut w = Writer(Vec::new());
    let z = vector(&r.z);
    w.add(
        Stage::GradF,
        format!(
            "∇f(z) = {}   at z = {z}: plain gradient descent follows −∇f",
            vector(&r.grad_f)
        ),
    );
    let (case, names) = match method {
        Method::PgdQp(m) => pgd_qp_lines(&mut w, m, r, next),
        Method::Rxgf(m) => rxgf_lines(&mut w, m, r, next),
        Method::Sqcqp(m) => sqcqp_lines(&mut w, m, r, next),
        Method::Bome(m) => bome_lines(&mut w, m, r, next),
        Method::Vpbgd(m) => vpbgd_lines(&mut w, m, r, next),
        Method::Aid(m) => aid_lines(&mut w, m, r, next),
    };
    Explanation {
        title: format!("{} at iteration {}", method.kind().title(), r.k),
        lines: w.0,
        case,
        stage_names: names,
    }
}

const PGD_QP_NAMES: [&str; 5] = [
    "1 compute ∇f",
    "2 compute ∇_y g and ∇h",
    "3 form the half-space",
    "4 project",
    "5 move",
];
const FLOW_NAMES: [&str; 5] = [
    "1 compute ∇f",
    "2 compute ∇_y g and ∇h",
    "3 form the barrier",
    "4 the flow",
    "5 integrate",
];
const SQCQP_NAMES: [&str; 5] = [
    "1 compute ∇f",
    "2 compute ∇_y g and ∇h",
    "3 form the ball",
    "4 project on the ball",
    "5 line search and move",
];
const GAP_NAMES: [&str; 5] = [
    "1 compute ∇f",
    "2 inner steps: ŷ and q",
    "3 the weight",
    "4 the direction",
    "5 move",
];
const AID_NAMES: [&str; 5] = [
    "1 compute ∇f",
    "2 inner steps on y",
    "3 CG solve",
    "4 the hypergradient",
    "5 move",
];

/// ∇_y g, h and ∇h.
fn lower_lines(w: &mut Writer, r: &Record) {
    w.add(
        Stage::Lower,
        format!(
            "h = ‖∇_y g‖² = {}² = {},  ∇h = 2∇²g·(0, ∇_y g) = {}",
            num(r.grad_y_g_norm),
            num(r.h),
            vector(&r.grad_h)
        ),
    );
}

/// BOME's and V-PBGD's inner loop and value gap.
fn gap_lines(w: &mut Writer, steps: u32, y_hat: &[f64], q: f64, grad_q: &[f64]) {
    w.add(
        Stage::Lower,
        format!(
            "ŷ after T = {steps} steps on g(x, ·) = {};  q = g(x, y) − g(x, ŷ) = {}",
            vector(y_hat),
            num(q)
        ),
    );
    w.add(Stage::Lower, format!("∇q = {}", vector(grad_q)));
}

/// z ← z + step·Δ.
fn move_line(w: &mut Writer, symbol: &str, r: &Record, next: &[f64]) {
    w.add(
        Stage::Move,
        format!(
            "z ← z + {symbol}Δ = {} + {} × {} = {}",
            vector(&r.z),
            num(r.step),
            vector(&r.delta),
            vector(next)
        ),
    );
}

/// PgdQp's lines and case.
fn pgd_qp_lines(
    w: &mut Writer,
    m: &crate::method::PgdQp,
    r: &Record,
    next: &[f64],
) -> (String, [&'static str; 5]) {
    let Detail::PgdQp { rho, rate, guarded } = &r.detail else {
        return other_method(w, r, next);
    };
    lower_lines(w, r);
    let inner = dot(&r.grad_f, &r.grad_h);
    let norm2 = dot(&r.grad_h, &r.grad_h);
    let rho_text = match m.rho {
        Rho::Qp1 => format!("ρ = ‖∇h‖² = {}  (qp1)", num(*rho)),
        Rho::Qp2 => format!("ρ = ‖∇h‖·√h = {}  (qp2)", num(*rho)),
    };
    w.add(Stage::HalfSpace, rho_text);
    w.add(
        Stage::HalfSpace,
        format!(
            "QP: Δ = argmin ½‖Δ + ∇f‖²  subject to  ∇hᵀΔ ≤ −αρ = −{} × {} = {}",
            num(m.alpha),
            num(*rho),
            num(-rate)
        ),
    );
    // Under the guard there is nothing to divide by: say so rather
    // than print "/ 0 = 0".
    let lambda_line = if *guarded {
        "λ = 0: ‖∇h‖² = 0, so the half-space is every Δ and −∇f is already in it".to_string()
    } else {
        format!(
            "λ = max(0, αρ − ⟨∇f, ∇h⟩) / ‖∇h‖² = max(0, {} − {}) / {} = {}",
            num(*rate),
            num(inner),
            num(norm2),
            num(r.lambda)
        )
    };
    w.add(Stage::Project, lambda_line);
    w.add(
        Stage::Project,
        format!(
            "Δ = −∇f − λ∇h = {},  ‖Δ‖ = {}",
            vector(&r.delta),
            num(r.delta_norm)
        ),
    );
    move_line(w, "γ", r, next);
    let case = if *guarded {
        format!(
            "guard: ∇h = 0 in floating point (‖∇h‖² = {}), so ρ = 0 and the constraint 0ᵀΔ ≤ 0 holds for every Δ; λ = 0 and Δ = −∇f, a plain gradient step (at an exactly feasible point it leaves the lower-level set).",
            num(norm2)
        )
    } else if r.active {
        format!(
            "active: ⟨∇f, ∇h⟩ = {} is less than αρ = {}, so −∇f alone would not make h fall fast enough; the QP adds −λ∇h and bends the step toward the lower-level set.",
            num(inner),
            num(*rate)
        )
    } else {
        format!(
            "inactive: ⟨∇f, ∇h⟩ = {} is at least αρ = {}, so −∇f already makes h fall fast enough; λ = 0 and Δ = −∇f (a plain gradient step).",
            num(inner),
            num(*rate)
        )
    };
    (case, PGD_QP_NAMES)
}

/// Rxgf's lines and case.
fn rxgf_lines(
    w: &mut Writer,
    m: &crate::method::Rxgf,
    r: &Record,
    next: &[f64],
) -> (String, [&'static str; 5]) {
    let Detail::Rxgf {
        rate,
        guarded,
        time,
    } = &r.detail
    else {
        return other_method(w, r, next);
    };
    lower_lines(w, r);
    let inner = dot(&r.grad_f, &r.grad_h);
    w.add(
        Stage::HalfSpace,
        format!(
            "barrier: ∇hᵀu ≤ −α(h − ε²) = −{} × ({} − {}) = {}",
            num(m.alpha),
            num(r.h),
            num(m.eps * m.eps),
            num(-rate)
        ),
    );
    w.add(
        Stage::Project,
        format!(
            "λ = max(0, α(h − ε²) − ⟨∇f, ∇h⟩) / ‖∇h‖² = {};  the flow ż = −∇f − λ∇h = {}",
            num(r.lambda),
            vector(&r.delta)
        ),
    );
    w.add(
        Stage::Move,
        format!(
            "{} step of dt = {} from t = {}: z(t + dt) = {}",
            m.integrator.as_str(),
            num(m.dt),
            num(*time),
            vector(next)
        ),
    );
    let case = if *guarded {
        "guard: ‖∇h‖² is zero in floating point, so there is no direction to bend the flow along; it follows −∇f.".to_string()
    } else if r.active {
        format!(
            "active: ⟨∇f, ∇h⟩ = {} is less than α(h − ε²) = {}: the barrier bends the flow so h − ε² decays at least like e^(−αt).",
            num(inner),
            num(*rate)
        )
    } else {
        format!(
            "inactive: ⟨∇f, ∇h⟩ = {} is at least α(h − ε²) = {}: −∇f alone keeps the barrier, so the flow is −∇f.",
            num(inner),
            num(*rate)
        )
    };
    (case, FLOW_NAMES)
}

/// Sqcqp's lines and case.
fn sqcqp_lines(
    w: &mut Writer,
    m: &crate::method::Sqcqp,
    r: &Record,
    next: &[f64],
) -> (String, [&'static str; 5]) {
    let Detail::Sqcqp {
        c,
        centre,
        radius,
        inside,
        trials,
        accepted,
    } = &r.detail
    else {
        return other_method(w, r, next);
    };
    lower_lines(w, r);
    w.add(
        Stage::HalfSpace,
        format!(
            "c = −α(h − ε²) = −{} × ({} − {}) = {}",
            num(m.alpha),
            num(r.h),
            num(m.eps * m.eps),
            num(*c)
        ),
    );
    w.add(
        Stage::HalfSpace,
        match radius {
            Some(radius) => format!(
                "ball ∇hᵀd + w‖d‖² ≤ c: centre −∇h/(2w) = {}, radius {} (w = {})",
                vector(centre),
                num(*radius),
                num(m.w)
            ),
            None => format!(
                "ball ∇hᵀd + w‖d‖² ≤ c is empty (r² < 0): d goes to its centre −∇h/(2w) = {}",
                vector(centre)
            ),
        },
    );
    w.add(
        Stage::Project,
        format!(
            "d = the point of the ball nearest −∇f = {},  ‖d‖ = {}",
            vector(&r.delta),
            num(r.delta_norm)
        ),
    );
    if *inside {
        let tried: Vec<String> = trials
            .iter()
            .map(|t| {
                let mark = |b: bool| if b { "✓" } else { "✗" };
                format!(
                    "t = {} (safe {}, Armijo {})",
                    num(t.t),
                    mark(t.safe),
                    mark(t.armijo)
                )
            })
            .collect();
        w.add(Stage::Move, format!("line search: {}", tried.join("; ")));
    }
    w.add(
        Stage::Move,
        format!("z ← z + t·d with t = {}: {}", num(r.step), vector(next)),
    );
    // With a band δ > 0 the line search starts only deeper than δ inside.
    let region = if m.band > 0.0 {
        format!("{{h − ε² < −δ}} (δ = {})", num(m.band))
    } else {
        "{h < ε²}".to_string()
    };
    let search = match m.search {
        LineSearch::Joint => "barrier-and-Armijo line search",
        LineSearch::TwoPhase => "two-phase line search (safely inside first, then Armijo)",
    };
    let case = match (inside, accepted, radius.is_some(), r.active) {
        (_, _, false, _) => {
            "infeasible QCQP: no d lowers the linearised h by c, so d goes to the ball's centre, which lowers it most.".to_string()
        }
        (true, false, _, _) => {
            "the line search ran out of halvings: no trial stayed safely inside and lowered f; the iterate stays put.".to_string()
        }
        (true, true, _, _) => format!("inside {region}: the step length comes from the {search}."),
        (false, _, _, true) => format!(
            "not inside {region}: −∇f lies outside the ball, so d is its projection; fixed step η = {}.",
            num(m.step)
        ),
        (false, _, _, false) => format!(
            "not inside {region}: −∇f is inside the ball, so d = −∇f; fixed step η = {}.",
            num(m.step)
        ),
    };
    (case, SQCQP_NAMES)
}

/// Bome's lines and case.
fn bome_lines(
    w: &mut Writer,
    m: &crate::method::Bome,
    r: &Record,
    next: &[f64],
) -> (String, [&'static str; 5]) {
    let Detail::Bome {
        y_hat,
        q,
        grad_q,
        phi,
    } = &r.detail
    else {
        return other_method(w, r, next);
    };
    gap_lines(w, m.inner_steps, y_hat, *q, grad_q);
    let inner = dot(grad_q, &r.grad_f);
    let norm2 = dot(grad_q, grad_q);
    w.add(
        Stage::HalfSpace,
        format!(
            "φ = {} = {}:  BOME asks q to fall at rate φ",
            match m.phi {
                crate::method::Phi::Gradient => format!("η‖∇q‖² = {} × {}", num(m.eta), num(norm2)),
                crate::method::Phi::Value => format!("η·q = {} × {}", num(m.eta), num(*q)),
            },
            num(*phi)
        ),
    );
    w.add(
        Stage::Project,
        format!(
            "λ = max(0, φ − ⟨∇q, ∇f⟩) / ‖∇q‖² = max(0, {} − {}) / {} = {}",
            num(*phi),
            num(inner),
            num(norm2),
            num(r.lambda)
        ),
    );
    w.add(
        Stage::Project,
        format!("Δ = −∇f − λ∇q = {}", vector(&r.delta)),
    );
    move_line(w, "ξ", r, next);
    let case = if r.active {
        format!(
            "active: ⟨∇q, ∇f⟩ = {} is less than φ = {}, so BOME adds −λ∇q to make the value gap q fall.",
            num(inner),
            num(*phi)
        )
    } else {
        "inactive: −∇f already makes q fall fast enough; Δ = −∇f.".to_string()
    };
    (case, GAP_NAMES)
}

/// Vpbgd's lines and case.
fn vpbgd_lines(
    w: &mut Writer,
    m: &crate::method::Vpbgd,
    r: &Record,
    next: &[f64],
) -> (String, [&'static str; 5]) {
    let Detail::Vpbgd {
        y_hat,
        q,
        grad_q,
        gamma,
    } = &r.detail
    else {
        return other_method(w, r, next);
    };
    gap_lines(w, m.inner_steps, y_hat, *q, grad_q);
    w.add(
        Stage::HalfSpace,
        format!(
            "penalty f + γ(g − g*) with γ = {}{}",
            num(*gamma),
            if m.ramp { " (ramped)" } else { "" }
        ),
    );
    w.add(
        Stage::Project,
        format!("Δ = −∇f − γ∇q = {}", vector(&r.delta)),
    );
    move_line(w, "η", r, next);
    let case = if *gamma > 0.0 {
        format!(
            "the penalty pulls toward the lower-level solutions with weight γ = {}; it never vanishes, so the limit is biased by about 1/γ.",
            num(*gamma)
        )
    } else {
        "γ = 0: no penalty — this is plain gradient descent on f, blind to the lower level."
            .to_string()
    };
    (case, GAP_NAMES)
}

/// Aid's lines and case.
fn aid_lines(
    w: &mut Writer,
    m: &crate::method::Aid,
    r: &Record,
    next: &[f64],
) -> (String, [&'static str; 5]) {
    let Detail::Aid {
        y_inner,
        v,
        cg_iterations,
        cg_residual,
        curvature,
        hypergradient,
    } = &r.detail
    else {
        return other_method(w, r, next);
    };
    w.add(
        Stage::Lower,
        format!(
            "y after D = {} lower-level steps: {}",
            m.inner_steps,
            vector(y_inner)
        ),
    );
    w.add(
        Stage::HalfSpace,
        format!(
            "CG on ∇²_yy g·v = ∇_y f: v = {} after {} iterations, residual {}, curvature {}",
            vector(v),
            cg_iterations,
            num(*cg_residual),
            curvature.as_str()
        ),
    );
    w.add(
        Stage::Project,
        format!(
            "hypergradient ∇_x f − ∇²_xy g·v = {},  norm {}",
            vector(hypergradient),
            num(norm(hypergradient))
        ),
    );
    w.add(
        Stage::Move,
        format!(
            "x ← x − β·hypergradient with β = {}, y ← y after the inner steps: z = {}",
            num(m.step),
            vector(next)
        ),
    );
    let case = format!(
        "AID follows an estimate of the implicit hypergradient; it is only as good as y after D steps and the CG solve ({} curvature).",
        curvature.as_str()
    );
    (case, AID_NAMES)
}

/// A record of another method than the one asked about: what is known,
/// rather than a mislabelled explanation.
fn other_method(w: &mut Writer, r: &Record, next: &[f64]) -> (String, [&'static str; 5]) {
    w.add(Stage::Project, format!("Δ = {}", vector(&r.delta)));
    move_line(w, "step", r, next);
    (
        "(the record belongs to another method)".to_string(),
        PGD_QP_NAMES,
    )
}
