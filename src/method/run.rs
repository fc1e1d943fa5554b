//! The driver of one run: iterate, watch for divergence and convergence,
//! and say how it ended.

use super::dispatch::Method;
use super::oracle::{Oracle, OracleCounts};
use super::param_error::ParamError;
use super::record::{Record, State};
use super::settings::check;
use crate::problem::Problem;
use std::fmt;
use std::sync::Arc;

/// A run whose iterate grows beyond this norm has diverged.
pub const DIVERGENCE_NORM: f64 = 1e12;

/// How a quantity went bad.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadValue {
    /// It became NaN.
    NotANumber,
    /// It became ±∞.
    Infinite,
    /// ‖z‖ exceeded [`DIVERGENCE_NORM`].
    TooLarge,
}

/// Where a run stands.
#[derive(Debug, Clone, PartialEq)]
pub enum Status {
    /// Iterations remain.
    Running,
    /// The budget of K iterations is done.
    Budget,
    /// The KKT residual fell to the tolerance.
    Converged,
    /// A value stopped being a finite number, or the iterate ran away.
    Diverged {
        /// The iteration at which it happened.
        iteration: u64,
        /// What went bad: `f`, `h`, `∇h`, `the iterate z`, …
        quantity: &'static str,
        /// How it went bad.
        how: BadValue,
    },
}

impl Status {
    /// `running`, `budget`, `converged` or `diverged`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Status::Running => "running",
            Status::Budget => "budget",
            Status::Converged => "converged",
            Status::Diverged { .. } => "diverged",
        }
    }

    /// Whether the run has ended.
    pub fn is_finished(&self) -> bool {
        !matches!(self, Status::Running)
    }
}

/// The `quantity` of a run whose start point is not finite.
pub const START: &str = "the start point";

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Status::Diverged {
                iteration,
                quantity,
                how,
            } => {
                let what = match how {
                    BadValue::NotANumber => format!("{quantity} became NaN"),
                    BadValue::Infinite => format!("{quantity} became infinite"),
                    BadValue::TooLarge => {
                        format!("{quantity} grew beyond ‖z‖ = {DIVERGENCE_NORM:e}")
                    }
                };
                if *quantity == START {
                    let how = match how {
                        BadValue::NotANumber => "NaN",
                        _ => "infinite",
                    };
                    return write!(
                        f,
                        "diverged at iteration {iteration}: the start point has a coordinate that is {how} — choose a finite start"
                    );
                }
                if *iteration == 0 {
                    // No step was taken yet: the problem itself is not
                    // defined there, whatever the step size.
                    return write!(
                        f,
                        "diverged at iteration 0: {what} at the start point — the problem is not defined there (a domain error such as ln or sqrt of a negative number, or 0·∞); choose another start"
                    );
                }
                write!(
                    f,
                    "diverged at iteration {iteration}: {what} — try a smaller step size"
                )
            }
            other => f.write_str(other.as_str()),
        }
    }
}

/// What a run is asked to do: a method whose every parameter is in its
/// table's range, a budget K ≥ 1 and, if any, a positive finite tolerance. Built only through [`RunConfig::new`], so every path that
/// starts, resets, reconfigures or restores a run holds a checked one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RunConfig {
    method: Method,
    iterations: u64,
    tolerance: Option<f64>,
}

impl RunConfig {
    /// A configuration, or why it cannot run: the first parameter out of
    /// its range, K = 0, or a tolerance that is not a finite number > 0.
    pub fn new(
        method: Method,
        iterations: u64,
        tolerance: Option<f64>,
    ) -> Result<Self, ParamError> {
        let kind = method.kind();
        for (key, value) in method.params() {
            let spec = kind.param(key).ok_or_else(|| ParamError::UnknownKey {
                method: kind,
                key: key.into(),
            })?;
            check(spec, value)?;
        }
        if iterations == 0 {
            return Err(ParamError::ZeroBudget);
        }
        if let Some(t) = tolerance
            && !(t.is_finite() && t > 0.0)
        {
            return Err(ParamError::Tolerance(t));
        }
        Ok(Self {
            method,
            iterations,
            tolerance,
        })
    }

    /// The method and its parameters.
    pub fn method(&self) -> Method {
        self.method
    }

    /// The budget K.
    pub fn iterations(&self) -> u64 {
        self.iterations
    }

    /// Stop once the KKT residual ‖Δ‖² + h is at most this.
    pub fn tolerance(&self) -> Option<f64> {
        self.tolerance
    }

    /// The same with budget K (checked: K ≥ 1).
    pub fn with_iterations(self, iterations: u64) -> Result<Self, ParamError> {
        Self::new(self.method, iterations, self.tolerance)
    }

    /// The same with another tolerance (checked).
    pub fn with_tolerance(self, tolerance: Option<f64>) -> Result<Self, ParamError> {
        Self::new(self.method, self.iterations, tolerance)
    }
}

/// One run of a method on a problem from a start point.
#[derive(Debug, Clone)]
pub struct Run {
    problem: Arc<dyn Problem>,
    config: RunConfig,
    state: State,
    status: Status,
    last: Option<Record>,
    counts: OracleCounts,
}

impl Run {
    /// A run at iteration 0 from `z0`.
    pub fn new(problem: Arc<dyn Problem>, config: RunConfig, z0: Vec<f64>) -> Self {
        Self {
            problem,
            config,
            state: State::start(z0),
            status: Status::Running,
            last: None,
            counts: OracleCounts::default(),
        }
    }

    /// The problem.
    pub fn problem(&self) -> &Arc<dyn Problem> {
        &self.problem
    }

    /// The configuration in force.
    pub fn config(&self) -> &RunConfig {
        &self.config
    }

    /// Changes the method's parameters; they apply from the next iteration
    /// and the trajectory so far is kept. A finished run resumes if the new
    /// budget allows; its final record is then issued again, computed with
    /// the new parameters.
    pub fn reconfigure(&mut self, config: RunConfig) {
        self.config = config;
        if matches!(self.status, Status::Budget | Status::Converged) {
            self.status = Status::Running;
        }
    }

    /// Goes on with another problem of the same dimensions from the next
    /// iteration (an edited f, g or constant); the trajectory so far is
    /// kept. A converged run resumes (its point need not be stationary for
    /// the new problem); one at its budget stays there.
    pub fn set_problem(&mut self, problem: Arc<dyn Problem>) {
        self.problem = problem;
        if matches!(self.status, Status::Converged) {
            self.status = Status::Running;
        }
    }

    /// The current state.
    pub fn state(&self) -> &State {
        &self.state
    }

    /// Where the run stands.
    pub fn status(&self) -> &Status {
        &self.status
    }

    /// The record at the latest iterate (the final point once finished).
    pub fn last_record(&self) -> Option<&Record> {
        self.last.as_ref()
    }

    /// The record of the QP at the current iterate, without moving: the
    /// step the next iteration will take. For a finished run, its final
    /// record. Not counted as oracle calls (it is for display).
    pub fn peek(&self) -> Option<Record> {
        if self.status.is_finished() {
            return self.last.clone();
        }
        let oracle = Oracle::new(self.problem.as_ref());
        let (_, record) = self
            .config
            .method
            .step(&oracle, &self.state, self.config.iterations);
        record.first_non_finite().is_none().then_some(record)
    }

    /// Oracle calls so far.
    pub fn counts(&self) -> OracleCounts {
        self.counts
    }

    /// Performs up to `max_records` more iterations, handing each record to
    /// `sink` (the record at the final point included), and returns the
    /// status. Records with a non-finite value are never handed out.
    pub fn advance(&mut self, max_records: u64, mut sink: impl FnMut(&Record)) -> &Status {
        for _ in 0..max_records {
            if self.status.is_finished() {
                break;
            }
            self.iterate(&mut sink);
        }
        &self.status
    }

    /// Runs to the end, handing every record to `sink`.
    pub fn run_to_end(&mut self, mut sink: impl FnMut(&Record)) -> &Status {
        while !self.status.is_finished() {
            self.iterate(&mut sink);
        }
        &self.status
    }

    fn iterate(&mut self, sink: &mut impl FnMut(&Record)) {
        let k = self.state.k;
        // A bad start is the user's input, not the method's divergence.
        if k == 0
            && let Some(bad) = self.state.z.iter().find(|v| !v.is_finite())
        {
            self.status = Status::Diverged {
                iteration: 0,
                quantity: START,
                how: if bad.is_nan() {
                    BadValue::NotANumber
                } else {
                    BadValue::Infinite
                },
            };
            return;
        }
        let oracle = Oracle::new(self.problem.as_ref());
        let (next, mut record) =
            self.config
                .method
                .step(&oracle, &self.state, self.config.iterations);
        self.counts = self.counts.plus(&oracle.counts());
        record.oracle_calls = self.counts.total();
        if let Some((quantity, value)) = record.first_non_finite() {
            self.status = Status::Diverged {
                iteration: k,
                quantity,
                how: if value.is_nan() {
                    BadValue::NotANumber
                } else {
                    BadValue::Infinite
                },
            };
            return;
        }
        sink(&record);
        let converged = self
            .config
            .tolerance
            .is_some_and(|tol| record.kkt_residual <= tol);
        if converged {
            self.status = Status::Converged;
        } else if k >= self.config.iterations {
            self.status = Status::Budget;
        } else {
            let norm = next.z.iter().map(|a| a * a).sum::<f64>().sqrt();
            if !norm.is_finite() || norm > DIVERGENCE_NORM {
                self.status = Status::Diverged {
                    iteration: k + 1,
                    quantity: "the iterate z",
                    how: if norm.is_nan() {
                        BadValue::NotANumber
                    } else if norm.is_infinite() {
                        BadValue::Infinite
                    } else {
                        BadValue::TooLarge
                    },
                };
            } else {
                self.state = next;
            }
        }
        self.last = Some(record);
    }
}
