//! Problems and comparisons the method tests share.

use crate::problem::ExprProblem;

/// A problem with one x and one y.
pub(crate) fn problem(f: &str, g: &str) -> ExprProblem {
    ExprProblem::new(&["x".into()], &["y".into()], f, g, &[]).expect("a valid problem")
}

/// B1: f = ½(x−1)² + ½(y−1)², g = y² − xy + ½x²; solution (1.2, 0.6).
pub(crate) fn b1() -> ExprProblem {
    problem("0.5*(x-1)^2 + 0.5*(y-1)^2", "y^2 - x*y + 0.5*x^2")
}

/// Equal to within 1e-12, relative to b.
pub(crate) fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * (1.0 + b.abs())
}
