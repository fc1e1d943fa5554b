//! The hyper-cleaning figures of issue 19: one PGD-QP iteration on 1 000
//! samples × 64 features × 10 classes against its own oracle calls.

use super::{Figure, iteration_ns, median};
use crate::method::SolverSettings;
use crate::problem::synthetic_data::SplitMix64;
use crate::problem::{HyperCleaning, LabelledSet, Problem};
use nalgebra::DMatrix;
use std::sync::Arc;
use std::time::Instant;

/// Random samples with a label each: `rows` × `features`, ten classes.
fn random_set(rng: &mut SplitMix64, rows: usize, features: usize) -> LabelledSet {
    LabelledSet {
        features: DMatrix::from_fn(rows, features, |_, _| rng.normal()),
        labels: (0..rows).map(|_| (rng.next_u64() % 10) as usize).collect(),
    }
}

/// The bench's problem (1 000 training and 300 validation samples, 64
/// features, 10 classes) and its start: every weight ½, y = 0.
fn problem() -> Result<(Arc<HyperCleaning>, Vec<f64>), String> {
    let mut rng = SplitMix64::new(19);
    let train = random_set(&mut rng, 1000, 64);
    let validation = random_set(&mut rng, 300, 64);
    let p = HyperCleaning::new(train, validation, 10, 1e-3).ok_or("inconsistent bench data")?;
    let z0 = vec![0.0; p.dims().total()];
    Ok((Arc::new(p), z0))
}

/// Microseconds for what one PGD-QP iteration must compute: ∇f, and ∇g
/// with ∇²g·(0, ∇_y g) (h's gradient) — six products of a data matrix by
/// nalgebra's matrix–matrix kernel — `loops` times, `reps`.
fn oracle_us(p: &HyperCleaning, z: &[f64], loops: usize, reps: usize) -> Vec<f64> {
    let len = p.dims().total();
    let (mut gf, mut gg, mut hv) = (vec![0.0; len], vec![0.0; len], vec![0.0; len]);
    (0..reps)
        .map(|_| {
            let start = Instant::now();
            let mut sink = 0.0;
            for _ in 0..loops {
                sink += p.grad_f(z, &mut gf);
                sink += p.grad_g_and_hvp_along_grad_y(z, &mut gg, &mut hv);
            }
            std::hint::black_box(sink);
            start.elapsed().as_secs_f64() * 1e6 / loops as f64
        })
        .collect()
}

/// `oracle_us_dhc` and `iter_us_dhc`, interleaved so that both see the
/// same load; the target is judged on the ratio of medians.
pub(super) fn figures(quick: bool) -> Result<Vec<Figure>, String> {
    let (iterations, reps) = if quick { (100, 3) } else { (500, 7) };
    let (p, z0) = problem()?;
    let settings = SolverSettings {
        iterations,
        ..crate::preset::load_builtin("dhc-digits")
            .map_err(|e| e.to_string())?
            .solver
    };
    let config = settings.run_config().map_err(|e| e.to_string())?;
    let (mut oracle, mut iteration) = (Vec::new(), Vec::new());
    for _ in 0..reps {
        oracle.extend(oracle_us(&p, &z0, iterations as usize, 1));
        let dynamic: Arc<dyn Problem> = p.clone();
        let ns = iteration_ns(dynamic, config, &z0, iterations, 1)?;
        iteration.extend(ns.iter().map(|v| v / 1e3));
    }
    let (o, i) = (median(&oracle), median(&iteration));
    Ok(vec![
        Figure {
            key: "oracle_us_dhc",
            what: "µs for ∇f and ∇g with ∇²g·(0, ∇_y g), hyper-cleaning 1000 × 64 × 10 (matrix products)",
            median: o,
            samples: oracle,
            target: "as low as the arithmetic allows".into(),
            met: None,
        },
        Figure {
            key: "iter_us_dhc",
            what: "µs per PGD-QP iteration, hyper-cleaning 1000 samples × 64 features × 10 classes",
            median: i,
            samples: iteration,
            target: format!(
                "≤ 3 × oracle_us_dhc = {:.0} (issue 19); now {:.2} ×",
                3.0 * o,
                i / o
            ),
            met: Some(i <= 3.0 * o),
        },
    ])
}
