//! Work off the caller's thread, one way for every kind, in two shapes.
//! Both name their thread, survive a panic in the work (it counts as no
//! answer) and call the caller's waker when an answer is ready, so a UI
//! repaints then instead of polling.
//!
//! - A [`Worker`] serves a stream of requests where only the latest
//!   matters, collapsing those that piled up while it worked to the newest:
//!   the landscape for the view now, the judgement of the iterates now, the
//!   QP arrows along the path now.
//! - A [`Task`] computes one answer with progress and cancel
//!   ([`crate::explore::Progress`]): the step-size sweep, the basin map, the
//!   true answer and φ, a file dialog, a settings write.

use crate::explore::Progress;
use crossbeam_channel::{Receiver, Sender, unbounded};
use std::sync::Arc;
use std::thread::JoinHandle;

/// Called from the background thread when an answer is ready (the app
/// passes one that requests a repaint).
pub type Wake = Box<dyn Fn() + Send>;

/// One computation on a thread of its own, with progress and cancel.
/// Dropping it cancels it without waiting: work that watches
/// [`Progress::cancelled`] ends soon after, and a thread blocked in a file
/// dialog does not hold up the app's exit.
pub struct Task<T> {
    progress: Arc<Progress>,
    total: usize,
    handle: Option<JoinHandle<Option<T>>>,
}

impl<T> std::fmt::Debug for Task<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Task")
            .field("done", &self.progress.finished())
            .field("total", &self.total)
            .finish()
    }
}

impl<T: Send + 'static> Task<T> {
    /// Starts `work` on a thread called `name`; `total` is how many steps
    /// the work counts in its progress; `wake` is called once it has ended.
    /// If no thread can be started the task ends at once with no answer.
    pub fn spawn(
        name: &str,
        total: usize,
        wake: Wake,
        work: impl FnOnce(&Progress) -> Option<T> + Send + 'static,
    ) -> Self {
        let progress = Arc::new(Progress::default());
        let shared = progress.clone();
        // Shared, so that the waker outlives a thread that never started.
        let wake = Arc::new(std::sync::Mutex::new(Some(wake)));
        let wake_here = wake.clone();
        let call = |wake: &std::sync::Mutex<Option<Wake>>| {
            if let Some(wake) = wake.lock().ok().and_then(|mut w| w.take()) {
                wake();
            }
        };
        let handle = std::thread::Builder::new()
            .name(name.into())
            .spawn(move || {
                let answer = crate::guard::catch(|| work(&shared)).ok().flatten();
                call(&wake);
                answer
            })
            .ok();
        if handle.is_none() {
            // Ended at once, with no answer: the caller sees it next frame.
            call(&wake_here);
        }
        Self {
            progress,
            total,
            handle,
        }
    }

    /// The fraction of the steps done.
    pub fn fraction(&self) -> f32 {
        self.progress.finished() as f32 / self.total.max(1) as f32
    }

    /// Steps done and steps in all.
    pub fn steps(&self) -> (usize, usize) {
        (self.progress.finished(), self.total)
    }

    /// Asks the work to stop; it ends with what it returns on a cancel.
    pub fn cancel(&self) {
        self.progress.stop();
    }

    /// Whether it was asked to stop.
    pub fn cancelled(&self) -> bool {
        self.progress.cancelled()
    }

    /// The answer once the thread has ended: `Some(None)` if it was
    /// cancelled, failed or panicked, `None` while it runs.
    pub fn poll(&mut self) -> Option<Option<T>> {
        if !self.handle.as_ref().is_some_and(JoinHandle::is_finished) {
            return self.handle.is_none().then_some(None);
        }
        let handle = self.handle.take()?;
        Some(handle.join().ok().flatten())
    }

    /// Waits for the answer (`None`: cancelled, failed or panicked).
    pub fn wait(mut self) -> Option<T> {
        let handle = self.handle.take()?;
        handle.join().ok().flatten()
    }
}

impl<T> Drop for Task<T> {
    fn drop(&mut self) {
        self.progress.stop();
    }
}

/// The handle of a worker thread; dropping it stops and joins the thread.
pub struct Worker<Req, Resp> {
    requests: Option<Sender<Req>>,
    answers: Receiver<Resp>,
    thread: Option<JoinHandle<()>>,
}

impl<Req, Resp> std::fmt::Debug for Worker<Req, Resp> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Worker")
            .field("running", &self.thread.is_some())
            .finish()
    }
}

impl<Req: Send + 'static, Resp: Send + 'static> Worker<Req, Resp> {
    /// Starts a thread called `name` that answers each request with
    /// `serve` (`None`: no answer, e.g. the request failed) and calls
    /// `wake` after each answer. A panic in `serve` is caught: that
    /// request gets no answer and the next is served as usual.
    pub fn spawn(
        name: &str,
        wake: Wake,
        mut serve: impl FnMut(Req) -> Option<Resp> + Send + 'static,
    ) -> Self {
        let (req_tx, req_rx) = unbounded::<Req>();
        let (ans_tx, ans_rx) = unbounded::<Resp>();
        let thread = std::thread::Builder::new()
            .name(name.into())
            .spawn(move || {
                while let Ok(first) = req_rx.recv() {
                    let request = req_rx.try_iter().last().unwrap_or(first);
                    let Ok(Some(answer)) = crate::guard::catch(|| serve(request)) else {
                        continue;
                    };
                    if ans_tx.send(answer).is_err() {
                        break;
                    }
                    wake();
                }
            })
            .ok();
        Self {
            // No thread, no one to ask: requests are dropped, not queued.
            requests: thread.is_some().then_some(req_tx),
            answers: ans_rx,
            thread,
        }
    }

    /// Asks; a request not yet started is replaced by this one.
    pub fn request(&self, request: Req) {
        if let Some(tx) = &self.requests {
            tx.send(request).ok();
        }
    }

    /// The newest answer, if one arrived since the last call (older ones
    /// are dropped).
    pub fn latest(&self) -> Option<Resp> {
        self.answers.try_iter().last()
    }
}

impl<Req, Resp> Drop for Worker<Req, Resp> {
    fn drop(&mut self) {
        // Closing the request channel ends the thread's loop.
        self.requests = None;
        if let Some(thread) = self.thread.take() {
            thread.join().ok();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    fn wait_for<T>(mut poll: impl FnMut() -> Option<T>) -> T {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(t) = poll() {
                return t;
            }
            assert!(Instant::now() < deadline, "no answer");
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    #[test]
    fn a_task_answers_wakes_reports_progress_and_survives_a_panic() {
        let (woken_tx, woken) = unbounded();
        let wake = move || -> Wake {
            let tx = woken_tx.clone();
            Box::new(move || {
                tx.send(()).ok();
            })
        };
        let mut task = Task::spawn("test", 4, wake(), |p: &Progress| {
            p.done.store(4, std::sync::atomic::Ordering::Relaxed);
            Some(42)
        });
        assert_eq!(wait_for(|| task.poll()), Some(42));
        assert_eq!(task.fraction(), 1.0);
        assert!(woken.try_recv().is_ok(), "woken once done");
        let mut failed: Task<u8> = Task::spawn("test", 1, wake(), |_| panic!("injected failure"));
        assert_eq!(wait_for(|| failed.poll()), None, "a panic is no answer");
        assert!(woken.try_recv().is_ok(), "woken after a panic too");
        // Cancelled: the work sees the flag and gives up.
        let spinning = Task::spawn("test", 1, wake(), |p: &Progress| {
            while !p.cancelled() {
                std::thread::sleep(Duration::from_millis(1));
            }
            None::<u8>
        });
        spinning.cancel();
        assert_eq!(spinning.wait(), None);
    }

    #[test]
    fn answers_come_back_a_panic_is_survived_and_piled_requests_collapse() {
        let (woken_tx, woken) = unbounded();
        let worker: Worker<u64, u64> = Worker::spawn(
            "test",
            Box::new(move || {
                woken_tx.send(()).ok();
            }),
            |n| {
                assert!(n != 13, "injected failure");
                std::thread::sleep(Duration::from_millis(if n == 1 { 200 } else { 0 }));
                (n != 7).then_some(n * 2)
            },
        );
        worker.request(13);
        worker.request(1);
        assert_eq!(wait_for(|| worker.latest()), 2, "after the panic");
        assert!(woken.try_recv().is_ok(), "woken");
        // While 1 is served, 2, 3 and 4 pile up: only 4 is answered.
        worker.request(1);
        std::thread::sleep(Duration::from_millis(50));
        for n in [2, 3, 4] {
            worker.request(n);
        }
        std::thread::sleep(Duration::from_millis(400));
        let mut answers = Vec::new();
        while let Ok(a) = worker.answers.try_recv() {
            answers.push(a);
        }
        assert_eq!(answers, [2, 8]);
        // No answer for 7, none invented.
        worker.request(7);
        std::thread::sleep(Duration::from_millis(100));
        assert_eq!(worker.latest(), None);
    }
}
