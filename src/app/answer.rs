//! The reference answer the app judges runs against: the preset's known
//! one while the problem is the preset's, else one computed on a thread of
//! its own (one upper and one lower variable) — an edit never keeps the
//! preset's answer.

use crate::background::Task;
use crate::explore::{
    Answer, LowerDomain, Reduced, UPPER_POINTS, compute_answer_with, reduced_curve,
};
use crate::preset::Preset;
use crate::problem::Problem;
use eframe::egui;
use std::sync::Arc;

/// φ(x) on a grid of the upper interval (`None` where the lower level has
/// no minimum).
pub type PhiCurve = Vec<(f64, Option<Reduced>)>;

/// Points of the φ(x) strip.
const CURVE_POINTS: usize = 240;

/// The answer in force and the computation of the next one.
pub struct AnswerState {
    current: Option<Answer>,
    job: Option<Task<Answer>>,
    curve: Option<PhiCurve>,
    curve_job: Option<Task<PhiCurve>>,
    known: Option<Answer>,
    /// The lower level's search domain (the preset's, fixed at load).
    pub lower: LowerDomain,
    upper: [f64; 2],
    /// Whether the last computation ended without an answer.
    pub failed: bool,
    /// Repaints the app when a computation ends.
    ctx: egui::Context,
}

impl AnswerState {
    /// No answer and nothing computing (until a preset is adopted).
    pub fn none(ctx: &egui::Context) -> Self {
        AnswerState {
            current: None,
            job: None,
            curve: None,
            curve_job: None,
            known: None,
            lower: LowerDomain::Expanding { seed: [-3.0, 3.0] },
            upper: [-3.0, 3.0],
            failed: false,
            ctx: ctx.clone(),
        }
    }

    /// The preset's known answer, or a computation of one.
    pub fn for_preset(preset: &Preset, ctx: &egui::Context) -> Self {
        let mut state = AnswerState {
            current: None,
            job: None,
            curve: None,
            curve_job: None,
            known: preset.known_answer(),
            lower: preset.lower_search(),
            upper: preset.upper_search(),
            failed: false,
            ctx: ctx.clone(),
        };
        state.problem_changed(&preset.problem, true);
        state
    }

    /// The problem the runs use is now `problem`; `is_preset` says whether
    /// it is the preset's own (then its known answer holds again).
    pub fn problem_changed(&mut self, problem: &Arc<dyn Problem>, is_preset: bool) {
        // Dropping a job cancels it.
        self.job = None;
        self.curve_job = None;
        self.curve = None;
        self.failed = false;
        self.current = if is_preset { self.known.clone() } else { None };
        let dims = problem.dims();
        if dims.n != 1 || dims.m != 1 {
            return;
        }
        if self.current.is_none() {
            let (problem, upper, lower) = (problem.clone(), self.upper, self.lower);
            self.job = Some(Task::spawn(
                "answer",
                UPPER_POINTS,
                self.wake(),
                move |progress| compute_answer_with(problem.as_ref(), upper, &lower, progress),
            ));
        }
        let (problem, upper, lower) = (problem.clone(), self.upper, self.lower);
        self.curve_job = Some(Task::spawn(
            "phi-curve",
            CURVE_POINTS,
            self.wake(),
            move |progress| {
                let curve = reduced_curve(problem.as_ref(), upper, CURVE_POINTS, &lower, progress);
                (!curve.is_empty()).then_some(curve)
            },
        ));
    }

    fn wake(&self) -> crate::background::Wake {
        super::parts::repaint(&self.ctx)
    }

    /// φ(x) over the upper interval, once computed (one x and one y).
    pub fn curve(&self) -> Option<&PhiCurve> {
        self.curve.as_ref()
    }

    /// The upper interval φ is computed over.
    pub fn upper(&self) -> [f64; 2] {
        self.upper
    }

    /// Takes a finished computation's answer; true when the answer changed.
    pub fn poll(&mut self) -> bool {
        if let Some(job) = self.curve_job.as_mut()
            && let Some(result) = job.poll()
        {
            self.curve_job = None;
            self.curve = result;
        }
        let Some(job) = self.job.as_mut() else {
            return false;
        };
        match job.poll() {
            None => false,
            Some(result) => {
                self.job = None;
                self.failed = result.is_none();
                self.current = result;
                true
            }
        }
    }

    /// The answer in force, if any.
    pub fn get(&self) -> Option<&Answer> {
        self.current.as_ref()
    }

    /// Whether an answer (or φ's curve) is being computed.
    pub fn computing(&self) -> bool {
        self.job.is_some() || self.curve_job.is_some()
    }
}
