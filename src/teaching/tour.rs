//! The guided tour: a few presets, each set up to show one idea, with the
//! paragraph a learner reads beside it. Every claim a stop makes is checked
//! by a test that runs the stop headless (`src/teaching/tests.rs`).

use crate::method::{MethodKind, ParamValue, SolverSettings};

/// One run a tour stop sets up.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TourRun {
    /// The method.
    pub method: MethodKind,
    /// Parameters changed from the preset's (key, value), as in presets.
    pub edits: &'static [(&'static str, ParamValue)],
    /// The start (x, y), or the preset's.
    pub start: Option<[f64; 2]>,
}

impl TourRun {
    /// This run's settings: the preset's, switched to its method, with its
    /// edits and the budget K (no tolerance, so it runs to K).
    pub fn settings(
        &self,
        preset: &SolverSettings,
        iterations: u64,
    ) -> Result<SolverSettings, String> {
        let mut settings = SolverSettings {
            iterations,
            tolerance: None,
            ..*preset
        }
        .with_method(self.method);
        for (key, value) in self.edits {
            settings.set(self.method, key, *value)?;
        }
        Ok(settings)
    }
}

/// One stop of the tour.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TourStop {
    /// A short title.
    pub title: &'static str,
    /// The built-in preset it opens.
    pub preset: &'static str,
    /// The runs it sets up (the first is selected).
    pub runs: &'static [TourRun],
    /// The budget K of every run.
    pub iterations: u64,
    /// What to look at and why, one paragraph.
    pub text: &'static str,
}

const PRESET_START: Option<[f64; 2]> = None;

/// One PGD-QP run with the preset's parameters from the preset's start.
const PRESET_PGD_QP: &[TourRun] = &[TourRun {
    method: MethodKind::PgdQp,
    edits: &[],
    start: PRESET_START,
}];

/// The tour, in order.
pub const TOUR: &[TourStop] = &[
    TourStop {
        title: "Plain gradient descent ignores the lower level",
        preset: "b01-quadratic",
        runs: &[TourRun {
            method: MethodKind::Vpbgd,
            edits: &[
                ("gamma", ParamValue::Number(0.0)),
                ("inner_steps", ParamValue::Count(0)),
                ("step", ParamValue::Number(0.05)),
            ],
            start: PRESET_START,
        }],
        iterations: 2000,
        text: "Here the upper level wants (x, y) = (1, 1), but y must minimise g(x, ·) = (y − x/2)² + x²/4, \
               so only points on the green line y = x/2 are feasible. This run is plain gradient descent on f \
               (V-PBGD with no penalty, γ = 0): the arrow −∇f points straight at (1, 1) and the run goes there, \
               reaching f = 0 — but h = ‖∇_y g‖² stays at 1: y is not a lower-level solution. Gradient descent on \
               f alone never looks at the lower level.",
    },
    TourStop {
        title: "The perturbation pulls back to the lower-level set",
        preset: "b01-quadratic",
        runs: PRESET_PGD_QP,
        iterations: 2000,
        text: "PGD-QP on the same problem. Each step solves a small QP: stay as close as possible to −∇f, but make \
               h fall at rate αρ (∇hᵀΔ ≤ −αρ). When −∇f alone would not do that, the constraint is active and the \
               QP adds the perturbation −λ∇h (magenta), bending the step Δ (blue) toward the lower-level set. The \
               run ends at the bilevel solution (1.2, 0.6) on the green line. From this start the constraint is \
               active from the very first step, so the path runs almost straight to the solution and meets the \
               line only there. Open \"Explain this step\" and step through the five stages to see λ computed \
               with this iteration's numbers.",
    },
    TourStop {
        title: "qp1 against qp2",
        preset: "b01-quadratic",
        runs: &[
            TourRun {
                method: MethodKind::PgdQp,
                edits: &[("rho", ParamValue::Text("qp1"))],
                start: PRESET_START,
            },
            TourRun {
                method: MethodKind::PgdQp,
                edits: &[("rho", ParamValue::Text("qp2"))],
                start: PRESET_START,
            },
        ],
        iterations: 3000,
        text: "Two runs from the same start: run 1 uses qp1 (ρ = ‖∇h‖²), run 2 qp2 (ρ = ‖∇h‖·√h). Near the \
               lower-level set √h is small, so qp2 asks less of h and its pull back is weaker: both reach \
               (1.2, 0.6), but run 1's KKT residual falls to 1e-6 by about iteration 165 and run 2's only by about \
               684 (the comparison table says when). Turn on the rate guides: they show the K^(−2/3) and K^(−1/3) \
               rates the paper proves for qp1 and qp2.",
    },
    TourStop {
        title: "A step too large for the curvature: a 2-cycle",
        preset: "b01-quadratic",
        runs: &[TourRun {
            method: MethodKind::PgdQp,
            edits: &[("step", ParamValue::Number(1.2))],
            start: PRESET_START,
        }],
        iterations: 400,
        text: "The same method with step γ = 1.2. On f alone this step would still converge (f's curvature \
               is 1), but near the line y = x/2 the active constraint adds curvature through λ∇h: each step \
               overshoots the line, the QP pulls back too hard, and the run settles into a cycle between two \
               points, (1.25, 0.5) and (0.95, 1.1), jumping across the solution forever. The status line flags \
               the short cycle. Set γ = 0.5 in the method panel and the same run converges; the sweep map in \
               Explore shows at once which γ converge.",
    },
    TourStop {
        title: "Mirrlees' problem fools local methods",
        preset: "b12-mirrlees",
        runs: PRESET_PGD_QP,
        iterations: 3000,
        text: "The lower level has two wells; which one is the global minimum switches at x = 1. From (0.5, 0.5) \
               PGD-QP follows the right-hand well past x = 1 and stops near (1.99, 0.90) with f ≈ 0.01 — far below \
               the true optimum F* ≈ 1.0018 (gold diamond). It is not better than optimal: for x > 1 that well is \
               only a local minimum of g, so y is not a lower-level solution and the point is infeasible. Every \
               method that only looks at ∇_y g = 0 is fooled the same way: locally, nothing is wrong.",
    },
    TourStop {
        title: "Mitsos–Barton 3.17: a lower-level maximum traps the run",
        preset: "b08-mitsos-barton-3-17",
        runs: &[
            TourRun {
                method: MethodKind::PgdQp,
                edits: &[],
                start: PRESET_START,
            },
            TourRun {
                method: MethodKind::PgdQp,
                edits: &[],
                start: Some([-0.8, 0.2]),
            },
        ],
        iterations: 3000,
        text: "Same method, two starts. Run 1 from (0.5, 0.3) reaches the optimum (−0.25, 0.5). Run 2 from \
               (−0.8, 0.2) slides onto the red dashed line y = 0, where ∇_y g = 0 too — but for x < 0 that line is \
               a lower-level maximum. It stops at (−0.5, 0) with f = 0, below F* = 0.1875, and h = 0: stationary for \
               the lower level, yet no lower-level solution. The basin map (Explore) colours every start by where \
               it ends.",
    },
    TourStop {
        title: "The true lower-level gap exposes it",
        preset: "b12-mirrlees",
        runs: PRESET_PGD_QP,
        iterations: 3000,
        text: "Back to Mirrlees. h = ‖∇_y g‖² is tiny at the end, so the method thinks it is done. The true gap \
               g(x, y) − min_y' g(x, y'), found by a global search over y, says otherwise: about 0.97 (status line, \
               and the dotted red series in the residual plot). The broad green band is the global lower-level \
               minimum S(x), which jumps at x = 1; the run sits on the other well. A vanishing h only certifies a \
               stationary point of g — checking the gap is how you know a bilevel answer is feasible.",
    },
];
