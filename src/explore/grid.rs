//! Many independent runs on every core, with progress and cancel: what the
//! step-size sweep and the basin map are made of.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// Shared between the computation and whoever watches it (the app's
/// progress bar, its cancel button).
#[derive(Debug, Default)]
pub struct Progress {
    /// Tasks finished.
    pub done: AtomicUsize,
    /// Set to stop: tasks not yet started are skipped.
    pub cancel: AtomicBool,
}

impl Progress {
    /// Tasks finished so far.
    pub fn finished(&self) -> usize {
        self.done.load(Ordering::Relaxed)
    }

    /// Asks the computation to stop.
    pub fn stop(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    /// Whether the computation was asked to stop.
    pub fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }
}

/// `task(i)` for every i in `0..n`, spread over every core; the results in
/// order, or `None` if cancelled before all were done.
pub fn par_map<T: Send>(
    n: usize,
    progress: &Progress,
    task: impl Fn(usize) -> T + Sync,
) -> Option<Vec<T>> {
    complete(par_map_partial(n, progress, |i| Some(task(i))), progress)
}

/// Every slot's result, or `None` if any is missing or the map was
/// cancelled (a task cut short by the cancel may have returned a partial
/// result).
pub fn complete<T>(slots: Vec<Option<T>>, progress: &Progress) -> Option<Vec<T>> {
    if progress.cancelled() {
        return None;
    }
    slots.into_iter().collect()
}

/// `task(i)` for every i in `0..n`, spread over every core, keeping what
/// finished: slot i is `None` if task i was never started (a cancel came
/// first) or returned `None` (it was cut short). An interrupted sweep can
/// so write the cells it did finish.
pub fn par_map_partial<T: Send>(
    n: usize,
    progress: &Progress,
    task: impl Fn(usize) -> Option<T> + Sync,
) -> Vec<Option<T>> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |c| c.get())
        .min(n.max(1));
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<(usize, T)>> = Mutex::new(Vec::with_capacity(n));
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                let mut mine = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= n || progress.cancelled() {
                        break;
                    }
                    if let Some(t) = task(i) {
                        mine.push((i, t));
                        progress.done.fetch_add(1, Ordering::Relaxed);
                    }
                }
                // A poisoned lock means another worker panicked; its
                // results are lost and their slots stay empty.
                if let Ok(mut all) = results.lock() {
                    all.extend(mine);
                }
            });
        }
    });
    let mut slots: Vec<Option<T>> = (0..n).map(|_| None).collect();
    if let Ok(all) = results.into_inner() {
        for (i, t) in all {
            if let Some(slot) = slots.get_mut(i) {
                *slot = Some(t);
            }
        }
    }
    slots
}

/// Runs `run` to its end in chunks, stopping early if `progress` is
/// cancelled (so cancel and shutdown never wait for a long run), handing
/// every record to `sink`.
pub fn run_cancellable(
    run: &mut crate::method::Run,
    progress: &Progress,
    mut sink: impl FnMut(&crate::method::Record),
) -> crate::method::Status {
    while !run.status().is_finished() && !progress.cancelled() {
        run.advance(4096, &mut sink);
    }
    run.status().clone()
}

/// `count` points from `lo` to `hi`, evenly spaced on a log scale (both
/// positive) or a linear one.
pub fn spaced(lo: f64, hi: f64, count: usize, log: bool) -> Vec<f64> {
    let count = count.max(1);
    if count == 1 {
        return vec![lo];
    }
    (0..count)
        .map(|i| {
            let t = i as f64 / (count - 1) as f64;
            if log {
                (lo.ln() + t * (hi.ln() - lo.ln())).exp()
            } else {
                lo + t * (hi - lo)
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_back_in_order_and_cancel_stops_early() {
        let p = Progress::default();
        let out = par_map(1000, &p, |i| i * i).unwrap();
        assert_eq!(out, (0..1000).map(|i| i * i).collect::<Vec<_>>());
        assert_eq!(p.finished(), 1000);
        let p = Progress::default();
        p.stop();
        assert!(par_map(10, &p, |i| i).is_none());
        // A long run stops at the next chunk once cancelled.
        let b1 = crate::preset::load_builtin("b01-quadratic").unwrap();
        let config = b1
            .solver
            .run_config()
            .unwrap()
            .with_iterations(1_000_000_000)
            .unwrap();
        let mut run = crate::method::Run::new(b1.problem.clone(), config, b1.start());
        let status = run_cancellable(&mut run, &p, |_| {});
        assert_eq!(status, crate::method::Status::Running);
        assert_eq!(run.state().k, 0, "cancelled before the first chunk");
        let s = spaced(1e-3, 1.0, 4, true);
        assert!((s[1] - 1e-2).abs() < 1e-15 && (s[3] - 1.0).abs() < 1e-15);
    }

    #[test]
    fn a_partial_map_keeps_what_finished_and_only_that() {
        let p = Progress::default();
        // Every third task is "cut short".
        let out = par_map_partial(30, &p, |i| (i % 3 != 0).then_some(i));
        for (i, slot) in out.iter().enumerate() {
            assert_eq!(*slot, (i % 3 != 0).then_some(i));
        }
        assert_eq!(p.finished(), 20);
        // A cancel after ten tasks keeps exactly those ten.
        let p = Progress::default();
        let out = par_map_partial(1000, &p, |i| {
            if p.finished() >= 9 {
                p.stop();
            }
            Some(i)
        });
        let kept = out.iter().flatten().count();
        assert_eq!(kept, p.finished());
        assert!(kept < 1000, "the cancel stopped the map");
    }
}
