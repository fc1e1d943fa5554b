//! Progress of the long grid commands (`sweep`, `basins`) on stderr, and
//! what an interrupt leaves: the tasks that finished, in order.

use super::CliError;
use crate::explore::Progress;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// The finished tasks of a grid, in task order, and why it is incomplete
/// if it is: the error to end with once they are written.
pub struct Finished<T> {
    /// Every task that ran to its end.
    pub done: Vec<T>,
    /// The tasks asked for.
    pub total: usize,
    /// `None` when every task finished.
    pub cut: Option<CliError>,
}

/// Runs a grid of `total` tasks with a progress bar on stderr (drawn only
/// when stderr is a terminal, so pipes and logs stay clean); SIGINT or
/// SIGTERM stops it, and what finished is kept.
pub fn run_grid<T: Send>(
    total: usize,
    what: &str,
    work: impl FnOnce(&Progress) -> Vec<Option<T>> + Send,
) -> Finished<T> {
    let (slots, interrupted) = with_bar(total, what, work);
    let done: Vec<T> = slots.into_iter().flatten().collect();
    let count = done.len();
    let cut = (count < total).then(|| {
        if interrupted {
            CliError::Interrupted(format!("interrupted after {count} of {total} {what}"))
        } else {
            CliError::Message(format!(
                "the computation stopped after {count} of {total} {what}"
            ))
        }
    });
    Finished { done, total, cut }
}

/// Runs `work` with a progress bar of `total` steps on stderr (drawn only
/// when stderr is a terminal), the steps read from the progress it counts;
/// SIGINT or SIGTERM cancel it. Returns its result and whether it was
/// interrupted.
pub fn with_bar<T: Send>(
    total: usize,
    what: &str,
    work: impl FnOnce(&Progress) -> T + Send,
) -> (T, bool) {
    let progress = Progress::default();
    let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
    // The template is a constant: it parses; the default style otherwise.
    if let Ok(style) = ProgressStyle::with_template(
        "{prefix} [{bar:30}] {pos}/{len} · {elapsed} (about {eta} left)",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_prefix(what.to_string());
    let outcome = super::interrupt::cancel_on_interrupt(&progress, || {
        let done = AtomicBool::new(false);
        std::thread::scope(|scope| {
            scope.spawn(|| {
                while !done.load(Ordering::Relaxed) {
                    bar.set_position(progress.finished() as u64);
                    std::thread::sleep(Duration::from_millis(100));
                }
            });
            let result = work(&progress);
            done.store(true, Ordering::Relaxed);
            result
        })
    });
    bar.finish_and_clear();
    outcome
}

/// What a grid command ends with once the finished tasks are written:
/// success, or the reason it was cut short and where the finished ones
/// went (`kept`, e.g. "out.csv holds them").
pub fn end(cut: Option<CliError>, kept: &str) -> Result<(), CliError> {
    match cut {
        None => Ok(()),
        Some(CliError::Interrupted(m)) => Err(CliError::Interrupted(format!("{m}; {kept}"))),
        Some(CliError::Message(m)) => Err(CliError::Message(format!("{m}; {kept}"))),
        Some(other) => Err(other),
    }
}
