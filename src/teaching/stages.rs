//! A step in stages: compute ∇f; compute ∇_y g and ∇h; form the half-space;
//! project; move. PGD-QP's stages are computed here one by one from the
//! oracle, so a test can check that walking through them lands exactly
//! where the method's own step does.

use crate::method::{GUARD, Method, Oracle, PgdQp, Record, Rho, State, dot};
use crate::problem::Problem;

/// One stage of a step, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Stage {
    /// Evaluate ∇f: what plain gradient descent would follow.
    GradF,
    /// Evaluate the lower level: ∇_y g, h = ‖∇_y g‖² and ∇h.
    Lower,
    /// Form the constraint the method imposes (half-space, ball, …).
    HalfSpace,
    /// Solve for the direction: the projection (λ, Δ).
    Project,
    /// Move to the next iterate.
    Move,
}

impl Stage {
    /// Every stage, in order.
    pub const ALL: [Stage; 5] = [
        Stage::GradF,
        Stage::Lower,
        Stage::HalfSpace,
        Stage::Project,
        Stage::Move,
    ];

    /// Its place in [`Stage::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// The stage after this one, if any.
    pub fn next(self) -> Option<Stage> {
        Stage::ALL.get(self.index() + 1).copied()
    }

    /// The stage before this one, if any.
    pub fn previous(self) -> Option<Stage> {
        self.index()
            .checked_sub(1)
            .and_then(|i| Stage::ALL.get(i).copied())
    }

    /// What happens in this stage, in PGD-QP's words.
    pub fn label(self) -> &'static str {
        match self {
            Stage::GradF => "1 compute ∇f",
            Stage::Lower => "2 compute ∇_y g and ∇h",
            Stage::HalfSpace => "3 form the half-space",
            Stage::Project => "4 project",
            Stage::Move => "5 move",
        }
    }
}

/// PGD-QP's step at z, one quantity per stage.
#[derive(Debug, Clone, PartialEq)]
pub struct PgdQpStages {
    /// Stage 1: ∇f(z).
    pub grad_f: Vec<f64>,
    /// Stage 2: ∇_y g(z).
    pub grad_y_g: Vec<f64>,
    /// Stage 2: h = ‖∇_y g‖².
    pub h: f64,
    /// Stage 2: ∇h = 2∇²g·(0, ∇_y g).
    pub grad_h: Vec<f64>,
    /// Stage 3: ρ (qp1: ‖∇h‖², qp2: ‖∇h‖·√h).
    pub rho: f64,
    /// Stage 3: αρ, the right-hand side of ∇hᵀΔ ≤ −αρ.
    pub rate: f64,
    /// Stage 4: ⟨∇f, ∇h⟩.
    pub inner: f64,
    /// Stage 4: ‖∇h‖².
    pub norm2: f64,
    /// Stage 4: λ = max(0, αρ − ⟨∇f, ∇h⟩)/‖∇h‖² (0 under the guard).
    pub lambda: f64,
    /// Stage 4: whether ‖∇h‖² ≤ the guard (then λ = 0).
    pub guarded: bool,
    /// Stage 4: Δ = −∇f − λ∇h.
    pub delta: Vec<f64>,
    /// Stage 5: z + γΔ.
    pub next: Vec<f64>,
}

/// PGD-QP's step at z computed stage by stage, straight from the problem
/// (method.md §1), independently of [`PgdQp::step`].
pub fn pgd_qp_stages(problem: &dyn Problem, m: &PgdQp, z: &[f64]) -> PgdQpStages {
    let n = problem.dims().n;
    let len = z.len();
    let mut grad_f = vec![0.0; len];
    problem.grad_f(z, &mut grad_f);
    // ∇g and ∇²g·(0, ∇_y g) in one call, as the method asks for them.
    let mut grad_g = vec![0.0; len];
    let mut grad_h = vec![0.0; len];
    problem.grad_g_and_hvp_along_grad_y(z, &mut grad_g, &mut grad_h);
    let grad_y_g = grad_g.get(n..).unwrap_or_default().to_vec();
    let h = dot(&grad_y_g, &grad_y_g);
    grad_h.iter_mut().for_each(|v| *v *= 2.0);
    let norm2 = dot(&grad_h, &grad_h);
    let rho = match m.rho {
        Rho::Qp1 => norm2,
        Rho::Qp2 => norm2.sqrt() * h.sqrt(),
    };
    let rate = m.alpha * rho;
    let inner = dot(&grad_f, &grad_h);
    let guarded = norm2 <= GUARD;
    let lambda = if guarded {
        0.0
    } else {
        (rate - inner).max(0.0) / norm2
    };
    let delta: Vec<f64> = grad_f
        .iter()
        .zip(&grad_h)
        .map(|(gf, gh)| -gf - lambda * gh)
        .collect();
    let next = z.iter().zip(&delta).map(|(a, d)| a + m.step * d).collect();
    PgdQpStages {
        grad_f,
        grad_y_g,
        h,
        grad_h,
        rho,
        rate,
        inner,
        norm2,
        lambda,
        guarded,
        delta,
        next,
    }
}

/// The record of iteration `k` at `z` and the point the step lands on, as
/// `method` computes it (a past iteration is recomputed from its kept
/// point; AID starts its CG solve cold there).
pub fn replay(
    method: &Method,
    problem: &dyn Problem,
    k: u64,
    z: &[f64],
    budget: u64,
) -> (Record, Vec<f64>) {
    let state = State {
        k,
        z: z.to_vec(),
        warm: Vec::new(),
    };
    let (next, record) = method.step(&Oracle::new(problem), &state, budget);
    (record, next.z)
}
