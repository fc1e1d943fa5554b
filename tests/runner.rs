//! The solver thread's protocol, headless: start, frames, finished, stale
//! ids, reconfiguration, panics, and shutdown in bounded time.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use bilevel_lab::method::{Method, PgdQp, Rho, RunConfig, Status};
use bilevel_lab::preset::load_builtin;
use bilevel_lab::problem::{Dims, Problem};
use bilevel_lab::runner::{Command, Event, Runner, Speed};
use nalgebra::DMatrix;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

fn config(iterations: u64) -> RunConfig {
    RunConfig::new(
        Method::PgdQp(PgdQp {
            rho: Rho::Qp1,
            alpha: 0.1,
            step: 0.05,
        }),
        iterations,
        None,
    )
    .unwrap()
}

/// Collects events until `done` says stop or the deadline passes.
fn collect(runner: &Runner, secs: u64, mut done: impl FnMut(&Event) -> bool) -> Vec<Event> {
    let deadline = Instant::now() + Duration::from_secs(secs);
    let mut events = Vec::new();
    while Instant::now() < deadline {
        if let Ok(ev) = runner.events().recv_timeout(Duration::from_millis(50)) {
            let stop = done(&ev);
            events.push(ev);
            if stop {
                break;
            }
        }
    }
    events
}

#[test]
fn a_run_streams_frames_then_finishes() {
    let p = load_builtin("b08-mitsos-barton-3-17").unwrap();
    let runner = Runner::spawn(Box::new(|| {}));
    runner.send(Command::Add {
        id: 1,
        problem: p.problem.clone(),
        config: config(5000),
        z0: p.start(),
    });
    runner.send(Command::Play);
    let events = collect(&runner, 20, |e| matches!(e, Event::Finished { .. }));
    let mut ks = Vec::new();
    let (mut calls, mut seconds) = (Vec::new(), Vec::new());
    for e in &events {
        if let Event::Frames {
            id, frames, last, ..
        } = e
        {
            assert_eq!(*id, 1);
            calls.extend(frames.calls.iter().copied());
            seconds.extend(frames.seconds.iter().copied());
            // `last` is the QP at the current iterate: one past the batch,
            // or the final point itself once the budget is done.
            let end = *frames.k.last().unwrap();
            assert!(
                last.k == end + 1 || (last.k == end && end == 5000),
                "{} {end}",
                last.k
            );
            ks.extend(frames.k.iter().copied());
        }
    }
    assert_eq!(
        ks,
        (0..=5000).collect::<Vec<_>>(),
        "every iteration exactly once, in order"
    );
    // PGD-QP: one ∇f, one ∇g, one Hessian-vector product per iteration.
    assert_eq!(calls, (1..=5001).map(|k| 3 * k).collect::<Vec<u64>>());
    assert_eq!(seconds.len(), 5001);
    assert!(seconds.windows(2).all(|w| w[0] <= w[1]) && seconds[0] >= 0.0);
    assert!(matches!(
        events.last(),
        Some(Event::Finished {
            id: 1,
            status: Status::Budget
        })
    ));
}

#[test]
fn steps_pause_and_stale_ids() {
    let p = load_builtin("b01-quadratic").unwrap();
    let runner = Runner::spawn(Box::new(|| {}));
    runner.send(Command::Add {
        id: 1,
        problem: p.problem.clone(),
        config: config(1_000_000),
        z0: p.start(),
    });
    runner.send(Command::Step(7));
    let events = collect(
        &runner,
        10,
        |e| matches!(e, Event::Frames { last, .. } if last.k == 7),
    );
    let count: usize = events
        .iter()
        .map(|e| {
            if let Event::Frames { frames, .. } = e {
                frames.len()
            } else {
                0
            }
        })
        .sum();
    assert_eq!(count, 7);
    // Paused: nothing more arrives.
    assert!(
        runner
            .events()
            .recv_timeout(Duration::from_millis(200))
            .is_err()
    );
    // Reset replaces run 1 by run 2: after the reset, only run 2 speaks.
    runner.send(Command::Reset {
        old: 1,
        new: 2,
        problem: p.problem.clone(),
        config: config(1_000_000),
        z0: vec![0.0, 0.0],
    });
    runner.send(Command::Step(3));
    let events = collect(
        &runner,
        10,
        |e| matches!(e, Event::Frames { last, .. } if last.k == 3),
    );
    assert!(events.iter().all(|e| e.id() == 2));
    if let Some(Event::Frames { frames, .. }) = events.first() {
        assert_eq!(frames.z[..2], [0.0, 0.0], "starts from the new point");
    }
}

#[test]
fn reconfigure_applies_from_the_next_iteration() {
    let p = load_builtin("b01-quadratic").unwrap();
    let runner = Runner::spawn(Box::new(|| {}));
    runner.send(Command::Add {
        id: 1,
        problem: p.problem.clone(),
        config: config(10),
        z0: p.start(),
    });
    runner.send(Command::Step(100));
    collect(&runner, 10, |e| matches!(e, Event::Finished { .. }));
    // A larger budget resumes the finished run where it stopped.
    runner.send(Command::Reconfigure {
        id: 1,
        config: config(20),
    });
    runner.send(Command::Step(100));
    let events = collect(&runner, 10, |e| matches!(e, Event::Finished { .. }));
    let ks: Vec<u64> = events
        .iter()
        .flat_map(|e| {
            if let Event::Frames { frames, .. } = e {
                frames.k.clone()
            } else {
                vec![]
            }
        })
        .collect();
    // The final point is re-issued with the new parameters, then it goes on.
    assert_eq!(ks, (10..=20).collect::<Vec<_>>());
    assert_eq!(ks.last(), Some(&20));
}

#[test]
fn speed_paces_the_solver() {
    let p = load_builtin("b01-quadratic").unwrap();
    let runner = Runner::spawn(Box::new(|| {}));
    runner.send(Command::SetSpeed(Speed::PerSecond(20.0)));
    runner.send(Command::Add {
        id: 1,
        problem: p.problem.clone(),
        config: config(1_000_000),
        z0: p.start(),
    });
    runner.send(Command::Play);
    std::thread::sleep(Duration::from_millis(500));
    runner.send(Command::Pause);
    let events = collect(&runner, 1, |_| false);
    let count: usize = events
        .iter()
        .map(|e| {
            if let Event::Frames { frames, .. } = e {
                frames.len()
            } else {
                0
            }
        })
        .sum();
    // About 10 at 20 per second over half a second; generous for a busy machine.
    assert!(
        (3..=25).contains(&count),
        "{count} iterations in 0.5 s at 20/s"
    );
}

/// A problem whose gradient panics after a number of calls.
#[derive(Debug)]
struct Fragile {
    calls: AtomicU64,
    after: u64,
}

impl Problem for Fragile {
    fn dims(&self) -> Dims {
        Dims { n: 1, m: 1 }
    }
    fn variable_names(&self) -> Vec<String> {
        vec!["x".into(), "y".into()]
    }
    fn f(&self, z: &[f64]) -> f64 {
        z[0] * z[0] + z[1] * z[1]
    }
    fn g(&self, z: &[f64]) -> f64 {
        (z[1] - z[0]).powi(2)
    }
    fn grad_f(&self, z: &[f64], out: &mut [f64]) -> f64 {
        if self.calls.fetch_add(1, Ordering::SeqCst) >= self.after {
            panic!("injected failure");
        }
        out[0] = 2.0 * z[0];
        out[1] = 2.0 * z[1];
        self.f(z)
    }
    fn grad_g(&self, z: &[f64], out: &mut [f64]) -> f64 {
        out[0] = -2.0 * (z[1] - z[0]);
        out[1] = 2.0 * (z[1] - z[0]);
        self.g(z)
    }
    fn hvp_g(&self, _z: &[f64], v: &[f64], out: &mut [f64]) {
        out[0] = -2.0 * v[0];
        out[1] = 2.0 * v[0];
    }
    fn hess_g(&self, _z: &[f64]) -> DMatrix<f64> {
        DMatrix::from_row_slice(2, 2, &[2.0, -2.0, -2.0, 2.0])
    }
}

#[test]
fn a_panicking_step_is_reported_and_the_thread_goes_on() {
    let runner = Runner::spawn(Box::new(|| {}));
    let fragile = Arc::new(Fragile {
        calls: AtomicU64::new(0),
        after: 30,
    });
    runner.send(Command::Add {
        id: 1,
        problem: fragile,
        config: config(1000),
        z0: vec![1.0, 0.0],
    });
    runner.send(Command::Play);
    let events = collect(&runner, 10, |e| matches!(e, Event::Failed { .. }));
    match events.last() {
        Some(Event::Failed { id: 1, message }) => {
            assert!(message.contains("injected failure"), "{message}")
        }
        other => panic!("expected a failure, got {other:?}"),
    }
    // The thread still serves other runs.
    let p = load_builtin("b01-quadratic").unwrap();
    runner.send(Command::Add {
        id: 2,
        problem: p.problem.clone(),
        config: config(50),
        z0: p.start(),
    });
    let events = collect(&runner, 10, |e| matches!(e, Event::Finished { .. }));
    assert!(matches!(events.last(), Some(Event::Finished { id: 2, .. })));
}

#[test]
fn shutdown_joins_in_bounded_time_even_when_the_ui_does_not_drain() {
    let p = load_builtin("synthetic20-convex").unwrap();
    let wakes = Arc::new(AtomicU64::new(0));
    let counter = wakes.clone();
    let mut runner = Runner::spawn(Box::new(move || {
        counter.fetch_add(1, Ordering::Relaxed);
    }));
    runner.send(Command::Add {
        id: 1,
        problem: p.problem.clone(),
        config: config(u64::MAX / 2),
        z0: p.start(),
    });
    runner.send(Command::Play);
    // Nobody drains: the bounded channel fills and the solver waits.
    std::thread::sleep(Duration::from_millis(600));
    assert!(runner.is_alive());
    assert!(runner.events().len() <= bilevel_lab::runner::EVENT_CAPACITY);
    assert!(wakes.load(Ordering::Relaxed) > 0);
    let start = Instant::now();
    runner.shutdown();
    assert!(!runner.is_alive());
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "joined in {:?}",
        start.elapsed()
    );
}

#[test]
fn a_billion_iteration_run_pauses_and_resets_promptly() {
    let p = load_builtin("b08-mitsos-barton-3-17").unwrap();
    let mut runner = Runner::spawn(Box::new(|| {}));
    runner.send(Command::Add {
        id: 1,
        problem: p.problem.clone(),
        config: config(1_000_000_000),
        z0: p.start(),
    });
    runner.send(Command::SetSpeed(Speed::Max));
    runner.send(Command::Play);
    // It streams...
    let events = collect(
        &runner,
        10,
        |e| matches!(e, Event::Frames { last, .. } if last.k > 10_000),
    );
    assert!(events.iter().any(|e| matches!(e, Event::Frames { .. })));
    // ...and stops when paused: whatever was in flight arrives, then nothing.
    runner.send(Command::Pause);
    let paused_at = Instant::now();
    while runner
        .events()
        .recv_timeout(Duration::from_millis(300))
        .is_ok()
    {
        assert!(
            paused_at.elapsed() < Duration::from_secs(5),
            "still streaming after Pause"
        );
    }
    // A reset replaces it at once; only the new run speaks.
    runner.send(Command::Reset {
        old: 1,
        new: 2,
        problem: p.problem.clone(),
        config: config(1_000_000_000),
        z0: p.start(),
    });
    runner.send(Command::Step(5));
    let events = collect(
        &runner,
        10,
        |e| matches!(e, Event::Frames { last, .. } if last.k >= 5),
    );
    assert!(!events.is_empty());
    assert!(events.iter().all(|e| e.id() == 2));
    runner.shutdown();
}

#[test]
fn the_true_gap_is_sampled_along_a_run_at_full_speed() {
    // At full speed a run of 30 000 iterations arrives in a few batches; the
    // gap series must still have its ~256 samples (the app used to sample
    // it ten times a second: one point for such a run).
    let p = load_builtin("b12-mirrlees").unwrap();
    let runner = Runner::spawn(Box::new(|| {}));
    runner.send(Command::SampleGap(Some(p.lower_search())));
    runner.send(Command::SetSpeed(Speed::Max));
    runner.send(Command::Add {
        id: 1,
        problem: p.problem.clone(),
        config: config(30_000),
        z0: p.start(),
    });
    runner.send(Command::Play);
    let events = collect(&runner, 30, |e| matches!(e, Event::Finished { .. }));
    let gaps: Vec<[f64; 2]> = events
        .iter()
        .filter_map(|e| match e {
            Event::Frames { gaps, .. } => Some(gaps.clone()),
            _ => None,
        })
        .flatten()
        .collect();
    assert!(gaps.len() >= 250, "{} samples", gaps.len());
    assert!(gaps.windows(2).all(|w| w[0][0] < w[1][0]), "in order");
    assert!(gaps.iter().all(|g| g[1] >= 0.0 && g[1].is_finite()));
    // Mirrlees ends in the right well, not global at x ≈ 2: the gap says so.
    assert!(gaps.last().unwrap()[1] > 0.5, "{:?}", gaps.last());
    // Without a domain nothing is sampled.
    let runner = Runner::spawn(Box::new(|| {}));
    runner.send(Command::Add {
        id: 2,
        problem: p.problem.clone(),
        config: config(1000),
        z0: p.start(),
    });
    runner.send(Command::Play);
    let events = collect(&runner, 20, |e| matches!(e, Event::Finished { .. }));
    assert!(events.iter().all(|e| match e {
        Event::Frames { gaps, .. } => gaps.is_empty(),
        _ => true,
    }));
}

#[test]
fn a_converged_run_given_another_problem_goes_on_to_its_answer() {
    // f = (x − k)² + y², g = (y − x)²: the answer is (k/2, k/2).
    let text = |k: f64| {
        format!(
            "name = \"k\"\nupper = [\"x\"]\nlower = [\"y\"]\nf = \"(x - k)^2 + y^2\"\n\
             g = \"(y - x)^2\"\nconstants = {{ k = {k:?} }}\n[start]\nx = [0.0]\ny = [0.0]\n"
        )
    };
    let one = bilevel_lab::preset::load_str(&text(1.0), "k1").unwrap();
    let three = bilevel_lab::preset::load_str(&text(3.0), "k3").unwrap();
    let converging = RunConfig::new(
        Method::PgdQp(PgdQp {
            rho: Rho::Qp1,
            alpha: 0.5,
            step: 0.05,
        }),
        20_000,
        Some(1e-14),
    )
    .unwrap();
    let runner = Runner::spawn(Box::new(|| {}));
    runner.send(Command::Add {
        id: 1,
        problem: one.problem.clone(),
        config: converging,
        z0: one.start(),
    });
    runner.send(Command::Play);
    let last_z = |events: &[Event]| {
        events.iter().rev().find_map(|e| match e {
            Event::Frames { frames, .. } => {
                let z = &frames.z;
                Some([z[z.len() - 2], z[z.len() - 1]])
            }
            _ => None,
        })
    };
    let first = collect(&runner, 20, |e| matches!(e, Event::Finished { .. }));
    assert!(first.iter().any(|e| matches!(
        e,
        Event::Finished {
            status: Status::Converged,
            ..
        }
    )));
    let z = last_z(&first).unwrap();
    assert!(
        (z[0] - 0.5).abs() < 1e-5 && (z[1] - 0.5).abs() < 1e-5,
        "{z:?}"
    );
    runner.send(Command::SetProblem {
        id: 1,
        problem: three.problem.clone(),
    });
    let second = collect(&runner, 20, |e| matches!(e, Event::Finished { .. }));
    let z = last_z(&second).expect("it iterates again");
    assert!(
        (z[0] - 1.5).abs() < 1e-5 && (z[1] - 1.5).abs() < 1e-5,
        "{z:?}"
    );
    assert!(second.iter().any(|e| matches!(
        e,
        Event::Finished {
            status: Status::Converged,
            ..
        }
    )));
}
