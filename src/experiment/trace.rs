//! One method on one instance: the run, sampled at fixed checkpoints.

use crate::diagnostics::implicit_hypergradient_norm_cg;
use crate::method::{Record, Run, RunConfig, Status};
use crate::problem::Problem;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// What a run looked like at one checkpoint.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    /// The iteration.
    pub k: u64,
    /// The upper objective f(z_k).
    pub f: f64,
    /// ‖∇_y g(z_k)‖.
    pub grad_y_g: f64,
    /// The method's KKT residual ‖Δ‖² + h at z_k (its own Δ: docs/methods.md).
    pub kkt: f64,
    /// The implicit hypergradient norm by conjugate gradients; `None` where
    /// ∇²_yy g is not positive definite along CG's path.
    pub hypergradient: Option<f64>,
    /// Oracle calls the method made to reach z_k (0 at the start).
    pub oracle_calls: u64,
    /// Seconds the method's iterations took to reach z_k (the samples' own
    /// diagnostics not counted).
    pub seconds: f64,
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq)]
pub enum End {
    /// It reached its budget K.
    Budget,
    /// It diverged (the run's own message).
    Diverged(String),
    /// The time budget ran out first.
    OutOfTime,
    /// The experiment was cancelled.
    Cancelled,
}

/// One run's samples and its end.
#[derive(Debug, Clone, PartialEq)]
pub struct Trace {
    /// At the checkpoints it reached, in order.
    pub samples: Vec<Sample>,
    /// Why it stopped.
    pub end: End,
}

/// About `count` + 1 checkpoints from 0 to K, evenly spaced, each once.
pub fn checkpoints(k: u64, count: usize) -> Vec<u64> {
    let count = count.max(1) as u64;
    let mut out: Vec<u64> = (0..=count)
        .map(|j| ((j as u128 * k as u128) / count as u128) as u64)
        .collect();
    out.dedup();
    out
}

/// Iterations between checks of the clock and the cancel flag.
const CHUNK: u64 = 64;

/// Runs `config` from `start`, sampling at `marks` (from [`checkpoints`]);
/// stops at the deadline (time spent iterating) or when `cancel` is set.
pub fn trace(
    problem: Arc<dyn Problem>,
    config: RunConfig,
    start: Vec<f64>,
    marks: &[u64],
    time_budget: Option<Duration>,
    cancel: &AtomicBool,
) -> Trace {
    let mut run = Run::new(problem.clone(), config, start);
    // Each kept record with the oracle calls and seconds it took to reach
    // its iterate (a record's own count includes the step it computes).
    let mut kept: Vec<(Record, u64, f64)> = Vec::with_capacity(marks.len());
    let mut next_mark = 0;
    let mut spent = Duration::ZERO;
    let (mut calls_before, mut seconds_before) = (0, 0.0);
    let end = loop {
        if cancel.load(Ordering::Relaxed) {
            break End::Cancelled;
        }
        if time_budget.is_some_and(|budget| spent >= budget) {
            break End::OutOfTime;
        }
        let began = Instant::now();
        let status = run.advance(CHUNK, |record| {
            if marks.get(next_mark) == Some(&record.k) {
                next_mark += 1;
                kept.push((record.clone(), calls_before, seconds_before));
            }
            calls_before = record.oracle_calls;
            seconds_before = (spent + began.elapsed()).as_secs_f64();
        });
        spent += began.elapsed();
        match status {
            Status::Running => {}
            Status::Diverged { .. } => break End::Diverged(status.to_string()),
            _ => break End::Budget,
        }
    };
    if end == End::Cancelled {
        // Thrown away by the caller: no diagnostics for it.
        return Trace {
            samples: Vec::new(),
            end,
        };
    }
    let samples = kept
        .iter()
        .map(|(r, calls, seconds)| Sample {
            k: r.k,
            f: r.f,
            grad_y_g: r.grad_y_g_norm,
            kkt: r.kkt_residual,
            hypergradient: implicit_hypergradient_norm_cg(problem.as_ref(), &r.z, &r.grad_f),
            oracle_calls: *calls,
            seconds: *seconds,
        })
        .collect();
    Trace { samples, end }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiment::contender::Contender;
    use crate::experiment::instance::instance;
    use crate::problem::LowerKind;

    #[test]
    fn checkpoints_span_zero_to_k_once_each() {
        assert_eq!(checkpoints(10, 5), vec![0, 2, 4, 6, 8, 10]);
        assert_eq!(checkpoints(3, 10), vec![0, 1, 2, 3]);
        assert_eq!(checkpoints(7, 0), vec![0, 7]);
    }

    #[test]
    fn a_trace_samples_the_run_it_records() {
        let inst = instance(LowerKind::Convex, 4, 3).unwrap();
        let config = Contender::parse("pgd-qp").unwrap().config(200).unwrap();
        let marks = checkpoints(200, 4);
        let never = AtomicBool::new(false);
        let t = trace(
            inst.problem.clone(),
            config,
            inst.start.clone(),
            &marks,
            None,
            &never,
        );
        assert_eq!(t.end, End::Budget);
        let ks: Vec<u64> = t.samples.iter().map(|s| s.k).collect();
        assert_eq!(ks, marks);
        // The same run, iterated by hand, passes through the same values.
        let mut run = Run::new(inst.problem.clone(), config, inst.start.clone());
        let (mut at_100, mut calls_to_100) = (None, 0);
        run.run_to_end(|r| {
            if r.k == 99 {
                calls_to_100 = r.oracle_calls;
            }
            if r.k == 100 {
                at_100 = Some((r.f, r.kkt_residual));
            }
        });
        let s = t.samples[2];
        assert_eq!(Some((s.f, s.kkt)), at_100);
        // The calls it took to get there: none at the start.
        assert_eq!(
            (t.samples[0].oracle_calls, s.oracle_calls),
            (0, calls_to_100)
        );
        assert!(t.samples.windows(2).all(|w| w[0].seconds <= w[1].seconds));
        // On the lower-level set at the start: ‖∇_y g‖ = 0 there.
        assert!(t.samples[0].grad_y_g < 1e-10);
        assert!(t.samples.iter().all(|s| s.hypergradient.is_some()));
    }

    #[test]
    fn a_cancelled_or_timed_out_trace_says_so() {
        let inst = instance(LowerKind::Convex, 4, 3).unwrap();
        let config = Contender::parse("bome").unwrap().config(1_000_000).unwrap();
        let marks = checkpoints(1_000_000, 10);
        let yes = AtomicBool::new(true);
        let t = trace(
            inst.problem.clone(),
            config,
            inst.start.clone(),
            &marks,
            None,
            &yes,
        );
        assert_eq!((t.end, t.samples.len()), (End::Cancelled, 0));
        let no = AtomicBool::new(false);
        let budget = Some(Duration::from_millis(30));
        let t = trace(inst.problem, config, inst.start, &marks, budget, &no);
        assert_eq!(t.end, End::OutOfTime);
        assert!(t.samples.len() < marks.len());
    }
}
