use super::*;
use crate::method::Detail;
use crate::method::fixtures::{b1, close};
use crate::problem::{ExprProblem, Problem, hessian_blocks};
use nalgebra::DVector;

fn problem(x: &[&str], y: &[&str], f: &str, g: &str) -> ExprProblem {
    let names = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    ExprProblem::new(&names(x), &names(y), f, g, &[]).expect("valid")
}

const DEFAULTS: Aid = Aid {
    inner_steps: 10,
    inner_step: 0.05,
    cg_iterations: 10,
    step: 0.05,
};

fn detail(rec: &Record) -> (&[f64], &[f64], u32, f64, Curvature, &[f64]) {
    let Detail::Aid {
        y_inner,
        v,
        cg_iterations,
        cg_residual,
        curvature,
        hypergradient,
    } = &rec.detail
    else {
        panic!("an AID record")
    };
    (
        y_inner,
        v,
        *cg_iterations,
        *cg_residual,
        *curvature,
        hypergradient,
    )
}

#[test]
fn one_step_on_the_quadratic_matches_hand_computation() {
    // At (−1, 1.5): y_D = −0.5 + 2c with c = 0.9^10. There ∇_y f = y_D − 1,
    // ∇²_yy g = 2, ∇²_xy g = −1: v = (y_D − 1)/2 and the hypergradient is
    // ∇_x f − (−1)·v = −2 + v.
    let y_d = -0.5 + 2.0 * 0.9f64.powi(10);
    let v = (y_d - 1.0) / 2.0;
    let x_next = -1.0 - 0.05 * (-2.0 + v);
    let p = b1();
    let oracle = Oracle::new(&p);
    let (next, rec) = DEFAULTS.step(&oracle, &State::start(vec![-1.0, 1.5]));
    // ∇f at z_k and at (x, y_D); ∇g at y_0 … y_{D−1}; one CG iteration (m = 1).
    let counts = oracle.counts();
    assert_eq!((counts.grad_f, counts.grad_g, counts.hvp), (2, 10, 1));
    let (y_inner, got_v, iterations, residual, curvature, hyper) = detail(&rec);
    assert!(close(y_inner[0], y_d) && close(got_v[0], v) && close(hyper[0], -2.0 + v));
    assert_eq!((iterations, curvature), (1, Curvature::Positive));
    assert!(residual < 1e-14);
    assert!(close(next.z[0], x_next) && close(next.z[1], y_d));
    assert_eq!((next.k, next.warm.len()), (1, 1));
    assert!(close(next.warm[0], v));
    // The record stays at z_k; Δ is the displacement over β.
    assert_eq!(
        (rec.z.clone(), rec.f, rec.grad_f.clone()),
        (vec![-1.0, 1.5], 2.125, vec![-2.0, 0.5])
    );
    assert!(close(rec.delta[0], (x_next + 1.0) / 0.05));
    assert!(close(rec.delta[1], (y_d - 1.5) / 0.05));
    assert_eq!((rec.lambda, rec.active, rec.step), (0.0, false, 0.05));

    // The next step starts CG from v: one product for the warm residual.
    let oracle = Oracle::new(&p);
    let (_, rec) = DEFAULTS.step(&oracle, &next);
    let (_, _, iterations, ..) = detail(&rec);
    assert_eq!(oracle.counts().hvp, 1 + u64::from(iterations));
}

/// CG at z on the problem's ∇²_yy g with right-hand side ∇_y f(z), against
/// a direct solve; returns the solution for warm starts.
fn check_cg_solves(p: &ExprProblem, z: &[f64]) -> Vec<f64> {
    let dims = p.dims();
    let oracle = Oracle::new(p);
    let mut grad_f = vec![0.0; z.len()];
    p.grad_f(z, &mut grad_f);
    let b = &grad_f[dims.n..];
    let cg = conjugate_gradient(&oracle, z, b, &[], 50);
    assert_eq!(cg.curvature, Curvature::Positive);
    assert!(
        cg.iterations as usize <= dims.m,
        "{} iterations",
        cg.iterations
    );
    assert_eq!(oracle.counts().hvp, u64::from(cg.iterations));
    let (xy, yy) = hessian_blocks(&p.hess_g(z), dims);
    let exact = yy
        .lu()
        .solve(&DVector::from_column_slice(b))
        .expect("regular");
    let cross = &xy * &exact;
    for (got, want) in cg.v.iter().zip(exact.iter()) {
        assert!((got - want).abs() < 1e-10, "{:?} vs {exact}", cg.v);
    }
    for (got, want) in cg.cross.iter().zip(cross.iter()) {
        assert!((got - want).abs() < 1e-10);
    }
    assert!(cg.residual < 1e-10 * (1.0 + DVector::from_column_slice(b).norm()));

    // From the solution: one product for the residual, no iteration.
    let oracle = Oracle::new(p);
    let again = conjugate_gradient(&oracle, z, b, &cg.v, 50);
    assert_eq!((again.iterations, oracle.counts().hvp), (0, 1));
    assert_eq!(again.v, cg.v);
    cg.v
}

#[test]
fn cg_solves_spd_systems_in_at_most_m_iterations() {
    let two = problem(
        &["x"],
        &["y1", "y2"],
        "0.5*(x-1)^2 + (y1-2)^2 + 0.5*(y2+1)^2",
        "y1^2 + y1*y2 + 2*y2^2 - x*y1 + 3*x*y2 + x^2",
    );
    check_cg_solves(&two, &[0.3, -0.7, 1.1]);
    let three = problem(
        &["x1", "x2"],
        &["y1", "y2", "y3"],
        "0.5*(x1-y1)^2 + 0.5*(x2+y2)^2 + (y3-1)^2 + y1*y3",
        "2*y1^2 + y2^2 + 3*y3^2 + y1*y2 - y2*y3 + x1*y1*y2 - x2*y3 + x1^2*y3",
    );
    check_cg_solves(&three, &[0.5, -1.0, 0.2, 0.4, -0.3]);
}

#[test]
fn a_warm_start_of_the_wrong_length_starts_from_zero() {
    let p = b1();
    let z = [-1.0, 0.0];
    let v = check_cg_solves(&p, &z);
    let oracle = Oracle::new(&p);
    let cg = conjugate_gradient(&oracle, &z, &[-1.0], &[0.0, 0.0], 10);
    assert_eq!((cg.iterations, oracle.counts().hvp), (1, 1));
    assert!(close(cg.v[0], v[0]));
}

#[test]
fn indefinite_curvature_is_reported_and_stops_cg() {
    // ∇²_yy g = diag(1, −1). With ∇_y f = (y1 − 1, y2 − 2):
    let p = problem(
        &["x"],
        &["y1", "y2"],
        "0.5*x^2 + 0.5*(y1-1)^2 + 0.5*(y2-2)^2",
        "x*y1 + 0.5*y1^2 - 0.5*y2^2",
    );
    let oracle = Oracle::new(&p);
    // at y = 0, b = (−1, −2) and bᵀAb = 1 − 4 < 0 at once: v stays 0;
    let cg = conjugate_gradient(&oracle, &[0.5, 0.0, 0.0], &[-1.0, -2.0], &[], 10);
    assert_eq!((cg.curvature, cg.iterations), (Curvature::Indefinite, 0));
    assert_eq!(cg.v, vec![0.0, 0.0]);
    // for b = (−2, −0.5) the first direction is fine (α = 4.25/3.75) and
    // the second, A-conjugate to it, has negative curvature.
    let cg = conjugate_gradient(&oracle, &[0.5, 0.0, 0.0], &[-2.0, -0.5], &[], 10);
    assert_eq!((cg.curvature, cg.iterations), (Curvature::Indefinite, 1));
    let alpha = 4.25 / 3.75;
    assert!(close(cg.v[0], -2.0 * alpha) && close(cg.v[1], -0.5 * alpha));
    // A whole step stays finite and says so.
    let (next, rec) = DEFAULTS.step(&Oracle::new(&p), &State::start(vec![0.5, 0.0, 0.0]));
    assert!(rec.first_non_finite().is_none());
    assert!(next.z.iter().chain(&next.warm).all(|a| a.is_finite()));
    assert_eq!(detail(&rec).4, Curvature::Indefinite);
}

#[test]
fn singular_curvature_is_reported_and_stops_cg() {
    // B14: ∇²_yy g = diag(1, 0); at (0.5, 0, 0), b = ∇_y f = (−1, −0.5).
    // p0 = b: α = 1.25, v = (−1.25, −0.625), r = (0.25, −0.5), β = 0.25,
    // p1 = (0, −0.625) has zero curvature.
    let p = problem(
        &["x"],
        &["y1", "y2"],
        "0.5*(x - y2)^2 + 0.5*(y1 - 1)^2",
        "0.5*y1^2 - x*y1",
    );
    let oracle = Oracle::new(&p);
    let cg = conjugate_gradient(&oracle, &[0.5, 0.0, 0.0], &[-1.0, -0.5], &[], 10);
    assert_eq!((cg.curvature, cg.iterations), (Curvature::Singular, 1));
    assert_eq!(cg.v, vec![-1.25, -0.625]);
    assert!(close(cg.residual, 0.3125f64.sqrt()));
    let (next, rec) = DEFAULTS.step(&Oracle::new(&p), &State::start(vec![0.5, 0.0, 0.0]));
    assert!(rec.first_non_finite().is_none());
    assert!(next.z.iter().chain(&next.warm).all(|a| a.is_finite()));
    assert_eq!(detail(&rec).4, Curvature::Singular);
    // A direction with no curvature at all stops CG before any update.
    let cg = conjugate_gradient(&oracle, &[0.5, 0.0, 0.0], &[0.0, 1.0], &[], 10);
    assert_eq!(
        (cg.curvature, cg.iterations, cg.v.clone()),
        (Curvature::Singular, 0, vec![0.0, 0.0])
    );
}

#[test]
fn a_zero_right_hand_side_needs_no_iteration() {
    // At (2, 1): y = y*(x) and ∇_y f = 0, so v = 0 and x follows ∇_x f.
    let p = b1();
    let oracle = Oracle::new(&p);
    let (next, rec) = DEFAULTS.step(&oracle, &State::start(vec![2.0, 1.0]));
    let (_, v, iterations, residual, curvature, _) = detail(&rec);
    assert_eq!(
        (v.to_vec(), iterations, residual, curvature),
        (vec![0.0], 0, 0.0, Curvature::Positive)
    );
    assert_eq!(oracle.counts().hvp, 0);
    assert!(close(next.z[0], 2.0 - 0.05) && next.z[1] == 1.0);
}
