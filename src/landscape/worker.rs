//! A thread that computes landscapes off the UI thread. Requests that pile
//! up while it works are collapsed to the newest; when only ε changes, the
//! grids are reused and only the boundary is traced again.

use super::{Grids, Landscape, Slice, assemble, compute_grids, default_threads};
use crate::problem::Problem;
use crossbeam_channel::{Receiver, Sender, unbounded};
use std::sync::Arc;
use std::thread::JoinHandle;

/// What to compute.
#[derive(Debug, Clone)]
pub struct LandscapeRequest {
    /// Increases with every request; the answer carries it back.
    pub generation: u64,
    /// The problem.
    pub problem: Arc<dyn Problem>,
    /// The slice and grid.
    pub slice: Slice,
    /// The ε of the region `{h ≤ ε}`.
    pub eps: f64,
}

/// The handle of the landscape thread; dropping it stops and joins it.
#[derive(Debug)]
pub struct LandscapeWorker {
    requests: Option<Sender<LandscapeRequest>>,
    results: Receiver<(u64, Landscape)>,
    thread: Option<JoinHandle<()>>,
}

impl LandscapeWorker {
    /// Starts the thread; `wake` is called after each result.
    pub fn spawn(wake: Box<dyn Fn() + Send>) -> Self {
        let (req_tx, req_rx) = unbounded::<LandscapeRequest>();
        let (res_tx, res_rx) = unbounded();
        let thread = std::thread::Builder::new()
            .name("landscape".into())
            .spawn(move || serve(&req_rx, &res_tx, wake.as_ref()))
            .ok();
        Self {
            requests: Some(req_tx),
            results: res_rx,
            thread,
        }
    }

    /// Asks for a landscape; an older request not yet started is dropped.
    pub fn request(&self, request: LandscapeRequest) {
        if let Some(tx) = &self.requests {
            tx.send(request).ok();
        }
    }

    /// The newest finished landscape, if one arrived since the last call.
    pub fn latest(&self) -> Option<(u64, Landscape)> {
        self.results.try_iter().last()
    }
}

impl Drop for LandscapeWorker {
    fn drop(&mut self) {
        // Closing the request channel ends the loop.
        self.requests = None;
        if let Some(thread) = self.thread.take() {
            thread.join().ok();
        }
    }
}

fn serve(
    requests: &Receiver<LandscapeRequest>,
    results: &Sender<(u64, Landscape)>,
    wake: &dyn Fn(),
) {
    let mut cache: Option<(Arc<dyn Problem>, Slice, Grids)> = None;
    while let Ok(first) = requests.recv() {
        let request = requests.try_iter().last().unwrap_or(first);
        let reuse = cache
            .as_ref()
            .is_some_and(|(p, s, _)| Arc::ptr_eq(p, &request.problem) && *s == request.slice);
        let grids = match (&cache, reuse) {
            (Some((_, _, grids)), true) => grids.clone(),
            _ => compute_grids(&request.problem, &request.slice, default_threads()),
        };
        cache = Some((
            request.problem.clone(),
            request.slice.clone(),
            grids.clone(),
        ));
        let landscape = assemble(request.slice, grids, request.eps);
        if results.send((request.generation, landscape)).is_err() {
            break;
        }
        wake();
    }
}
