//! Work off the caller's thread, one way for every kind: a [`Worker`]
//! thread serves requests, collapsing those that piled up while it worked
//! to the newest (only the latest question matters: a landscape for the
//! view now, a judgement of the iterates now), survives a panic in one
//! request, and wakes the caller after each answer. The landscape and the
//! app's judging of runs use it; long grids with progress and cancel
//! (sweep, basins) use [`crate::explore::Progress`] on a thread of their
//! own.

use crossbeam_channel::{Receiver, Sender, unbounded};
use std::thread::JoinHandle;

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
        wake: Box<dyn Fn() + Send>,
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
