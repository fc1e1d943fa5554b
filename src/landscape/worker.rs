//! A thread that computes landscapes off the UI thread (a
//! [`Worker`]: requests that pile up while it works are collapsed to the
//! newest, a panicking problem leaves the thread serving); when only ε
//! changes, the grids are reused and only the boundary is traced again.

use super::{Grids, Landscape, Slice, assemble, compute_grids, default_threads};
use crate::background::Worker;
use crate::problem::Problem;
use std::sync::Arc;

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
pub struct LandscapeWorker(Worker<LandscapeRequest, (u64, Landscape)>);

impl LandscapeWorker {
    /// Starts the thread; `wake` is called after each result.
    pub fn spawn(wake: crate::background::Wake) -> Self {
        let mut cache: Option<(Arc<dyn Problem>, Slice, Grids)> = None;
        Self(Worker::spawn("landscape", wake, move |request| {
            // Forgotten first: a request that panics leaves no cache.
            let cached = cache.take();
            let (landscape, grids) = serve(&request, cached);
            cache = Some((request.problem.clone(), request.slice.clone(), grids));
            Some((request.generation, landscape))
        }))
    }

    /// Asks for a landscape; an older request not yet started is dropped.
    pub fn request(&self, request: LandscapeRequest) {
        self.0.request(request);
    }

    /// The newest finished landscape, if one arrived since the last call.
    pub fn latest(&self) -> Option<(u64, Landscape)> {
        self.0.latest()
    }
}

/// The landscape asked for, reusing the cached grids when only ε changed.
fn serve(
    request: &LandscapeRequest,
    cache: Option<(Arc<dyn Problem>, Slice, Grids)>,
) -> (Landscape, Grids) {
    let grids = match cache {
        Some((p, s, grids)) if Arc::ptr_eq(&p, &request.problem) && s == request.slice => grids,
        _ => compute_grids(&request.problem, &request.slice, default_threads()),
    };
    let landscape = assemble(request.slice.clone(), grids.clone(), request.eps);
    (landscape, grids)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problem::Dims;
    use nalgebra::DMatrix;

    /// A problem whose f panics: a bug in a problem, as the thread meets it.
    #[derive(Debug)]
    struct Broken;

    impl Problem for Broken {
        fn dims(&self) -> Dims {
            Dims { n: 1, m: 1 }
        }
        fn variable_names(&self) -> Vec<String> {
            vec!["x".into(), "y".into()]
        }
        fn f(&self, _: &[f64]) -> f64 {
            panic!("injected failure in f")
        }
        fn g(&self, _: &[f64]) -> f64 {
            0.0
        }
        fn grad_f(&self, _: &[f64], _: &mut [f64]) -> f64 {
            0.0
        }
        fn grad_g(&self, _: &[f64], _: &mut [f64]) -> f64 {
            0.0
        }
        fn hvp_g(&self, _: &[f64], _: &[f64], _: &mut [f64]) {}
        fn hess_g(&self, _: &[f64]) -> DMatrix<f64> {
            DMatrix::zeros(2, 2)
        }
    }

    #[test]
    fn a_panicking_problem_does_not_end_the_thread() {
        let worker = LandscapeWorker::spawn(Box::new(|| {}));
        let slice = Slice {
            ix: 0,
            iy: 1,
            base: vec![0.0, 0.0],
            x: [-1.0, 1.0],
            y: [-1.0, 1.0],
            resolution: 12,
        };
        let request = |generation, problem: Arc<dyn Problem>| LandscapeRequest {
            generation,
            problem,
            slice: slice.clone(),
            eps: 1e-3,
        };
        worker.request(request(1, Arc::new(Broken)));
        let good = crate::preset::load_builtin("b01-quadratic")
            .unwrap()
            .problem;
        // Sent after the first was taken, so it is not collapsed into it.
        std::thread::sleep(std::time::Duration::from_millis(200));
        worker.request(request(2, good));
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        let answer = loop {
            if let Some(answer) = worker.latest() {
                break answer;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "no landscape after the panic"
            );
            std::thread::sleep(std::time::Duration::from_millis(10));
        };
        assert_eq!(answer.0, 2, "only the good request is answered");
        assert!(!answer.1.f_contours.is_empty());
    }
}
