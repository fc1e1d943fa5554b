//! One instance of the synthetic family per seed, started as the papers
//! start it: x random, y a solution of the lower level at that x.

use crate::problem::synthetic_data::generate;
use crate::problem::{LowerKind, SyntheticProblem};
use nalgebra::DVector;
use std::sync::Arc;

/// Largest n (= m) an experiment generates.
pub const MAX_DIM: usize = 500;

/// A generated problem and its start.
#[derive(Debug, Clone)]
pub struct Instance {
    /// The problem, n = m.
    pub problem: Arc<SyntheticProblem>,
    /// (x₀, y₀) with y₀ a lower-level solution at x₀.
    pub start: Vec<f64>,
    /// The optimal upper value F*, known for the convex lower level.
    pub optimum: Option<f64>,
}

/// The instance of dimension `n` from `seed`: c, d, H and x₀ from the
/// family's generator (docs/presets.md), and y₀ solving the lower level:
/// `y₀ = H⁻¹x₀` (convex, the unique solution) or `y₀ = H⁻¹(x₀ + √(2π)·u)`
/// with u a random unit vector (nonconvex: there `½‖Hy − x‖² = π`, so
/// `g = cos π = −1`, its least value). `None` for n outside 1..=[`MAX_DIM`]
/// (H is positive definite by construction, so it is always solvable).
pub fn instance(kind: LowerKind, n: usize, seed: u64) -> Option<Instance> {
    if !(1..=MAX_DIM).contains(&n) {
        return None;
    }
    let data = generate(n, seed);
    let direction = data.y0.normalize();
    let target = match kind {
        LowerKind::Convex => data.x0.clone(),
        LowerKind::Nonconvex => &data.x0 + direction * (2.0 * std::f64::consts::PI).sqrt(),
    };
    let y0: DVector<f64> = data.h.clone().cholesky()?.solve(&target);
    let problem = SyntheticProblem::new(kind, data.c, data.d, data.h)?;
    let optimum = problem.convex_optimum().map(|(value, _, _)| value);
    let start = data.x0.iter().chain(y0.iter()).copied().collect();
    Some(Instance {
        problem: Arc::new(problem),
        start,
        optimum,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problem::Problem;

    #[test]
    fn the_start_solves_the_lower_level() {
        for kind in [LowerKind::Convex, LowerKind::Nonconvex] {
            for seed in 0..5 {
                let inst = instance(kind, 7, seed).unwrap();
                let mut grad = vec![0.0; 14];
                let g = inst.problem.grad_g(&inst.start, &mut grad);
                let grad_y = grad[7..].iter().map(|v| v * v).sum::<f64>().sqrt();
                assert!(grad_y < 1e-10, "{kind:?} seed {seed}: ‖∇_y g‖ = {grad_y:e}");
                // Its least value: ½‖r‖² = 0 (convex) or cos π = −1.
                let least = if kind == LowerKind::Convex { 0.0 } else { -1.0 };
                assert!((g - least).abs() < 1e-10, "{kind:?}: g = {g}");
            }
        }
    }

    #[test]
    fn seeds_give_different_instances_and_the_same_seed_the_same() {
        let a = instance(LowerKind::Convex, 5, 1).unwrap();
        let b = instance(LowerKind::Convex, 5, 2).unwrap();
        assert_ne!(a.start, b.start);
        assert_eq!(a.start, instance(LowerKind::Convex, 5, 1).unwrap().start);
        assert!(a.optimum.is_some());
        assert!(
            instance(LowerKind::Nonconvex, 5, 1)
                .unwrap()
                .optimum
                .is_none()
        );
        assert!(instance(LowerKind::Convex, 0, 1).is_none());
        assert!(instance(LowerKind::Convex, MAX_DIM + 1, 1).is_none());
    }
}
