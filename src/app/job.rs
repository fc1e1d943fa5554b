//! A computation on its own thread with progress and cancel (the sweep and
//! the basin map), polled by the UI; dropping it cancels and joins it.

use crate::explore::Progress;
use std::sync::Arc;
use std::thread::JoinHandle;

/// A running computation whose result is a `T`.
pub struct Job<T> {
    /// Shared with the computation.
    pub progress: Arc<Progress>,
    /// How many tasks in all.
    pub total: usize,
    handle: Option<JoinHandle<Option<T>>>,
}

impl<T: Send + 'static> Job<T> {
    /// Starts `work` (which should watch the progress' cancel flag) on a
    /// thread of its own.
    pub fn spawn(total: usize, work: impl FnOnce(&Progress) -> Option<T> + Send + 'static) -> Self {
        let progress = Arc::new(Progress::default());
        let shared = progress.clone();
        let handle = std::thread::Builder::new()
            .name("explore".into())
            .spawn(move || work(&shared))
            .ok();
        Self {
            progress,
            total,
            handle,
        }
    }

    /// The fraction done.
    pub fn fraction(&self) -> f32 {
        self.progress.finished() as f32 / self.total.max(1) as f32
    }

    /// The result once the thread has ended: `Some(None)` if it was
    /// cancelled or failed, `None` while it runs.
    pub fn poll(&mut self) -> Option<Option<T>> {
        if !self.handle.as_ref().is_some_and(JoinHandle::is_finished) {
            return self.handle.is_none().then_some(None);
        }
        let handle = self.handle.take()?;
        Some(handle.join().ok().flatten())
    }
}

impl<T> Drop for Job<T> {
    fn drop(&mut self) {
        self.progress.stop();
        if let Some(handle) = self.handle.take() {
            handle.join().ok();
        }
    }
}
