//! SIGINT (Ctrl-C) and SIGTERM for the long commands: the first one sets a
//! flag that the iteration loops check between chunks, so the command stops
//! cleanly — its temporary files removed, nothing half-written — and says
//! so; a second Ctrl-C ends the process at once.

use std::sync::Arc;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

static FLAG: OnceLock<Arc<AtomicBool>> = OnceLock::new();

/// Starts watching for SIGINT and SIGTERM (once per process) and returns
/// the flag they set. Where signals cannot be watched the flag never sets,
/// and the signals keep their default effect.
pub fn watch() -> Arc<AtomicBool> {
    FLAG.get_or_init(|| {
        let flag = Arc::new(AtomicBool::new(false));
        register(&flag);
        flag
    })
    .clone()
}

#[cfg(unix)]
fn register(flag: &Arc<AtomicBool>) {
    use signal_hook::consts::{SIGINT, SIGTERM};
    use signal_hook::flag;
    for signal in [SIGINT, SIGTERM] {
        // Conditional shutdown first: a second signal, once the flag is
        // set, exits at once with the conventional 128 + signal.
        let _ = flag::register_conditional_shutdown(signal, 128 + signal, flag.clone());
        let _ = flag::register(signal, flag.clone());
    }
}

#[cfg(not(unix))]
fn register(_: &Arc<AtomicBool>) {}

/// Whether an interrupt has arrived.
pub fn requested(flag: &AtomicBool) -> bool {
    flag.load(Ordering::Relaxed)
}

/// Runs `work` while a watcher stops `progress` if an interrupt arrives;
/// returns what `work` returned and whether it was interrupted.
pub fn cancel_on_interrupt<T>(
    progress: &crate::explore::Progress,
    work: impl FnOnce() -> T,
) -> (T, bool) {
    let flag = watch();
    let done = AtomicBool::new(false);
    let result = std::thread::scope(|scope| {
        scope.spawn(|| {
            while !done.load(Ordering::Relaxed) {
                if requested(&flag) {
                    progress.stop();
                    return;
                }
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
        });
        let result = work();
        done.store(true, Ordering::Relaxed);
        result
    });
    (result, requested(&flag))
}
