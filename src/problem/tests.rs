use super::*;
use nalgebra::{DMatrix, DVector};

fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// Central differences of a scalar function's gradient.
fn fd_gradient(func: impl Fn(&[f64]) -> f64, z: &[f64]) -> Vec<f64> {
    let h = 1e-6;
    (0..z.len())
        .map(|i| {
            let mut zp = z.to_vec();
            let mut zm = z.to_vec();
            zp[i] += h;
            zm[i] -= h;
            (func(&zp) - func(&zm)) / (2.0 * h)
        })
        .collect()
}

/// Checks ∇f, ∇g against central differences and the HVP against central
/// differences of ∇g along (0, v), and the full Hessian against the HVP.
pub(crate) fn check_derivatives(p: &dyn Problem, z: &[f64], tol: f64) {
    let dims = p.dims();
    let len = dims.total();
    let mut gf = vec![0.0; len];
    let mut gg = vec![0.0; len];
    assert_eq!(p.grad_f(z, &mut gf), p.f(z));
    assert!((p.grad_g(z, &mut gg) - p.g(z)).abs() <= 1e-14 * (1.0 + p.g(z).abs()));
    let scale = |a: f64| tol * (1.0 + a.abs());
    for (a, b) in gf.iter().zip(fd_gradient(|w| p.f(w), z)) {
        assert!(
            (a - b).abs() < scale(b),
            "grad f at {z:?}: {gf:?} vs fd {b}"
        );
    }
    for (a, b) in gg.iter().zip(fd_gradient(|w| p.g(w), z)) {
        assert!(
            (a - b).abs() < scale(b),
            "grad g at {z:?}: {gg:?} vs fd {b}"
        );
    }
    let v: Vec<f64> = (0..dims.m).map(|k| 0.3 + 0.7 * k as f64).collect();
    let mut hv = vec![0.0; len];
    p.hvp_g(z, &v, &mut hv);
    let eps = 1e-6;
    let mut zp = z.to_vec();
    let mut zm = z.to_vec();
    for k in 0..dims.m {
        zp[dims.n + k] += eps * v[k];
        zm[dims.n + k] -= eps * v[k];
    }
    let (mut gp, mut gm) = (vec![0.0; len], vec![0.0; len]);
    p.grad_g(&zp, &mut gp);
    p.grad_g(&zm, &mut gm);
    for i in 0..len {
        let fd = (gp[i] - gm[i]) / (2.0 * eps);
        assert!(
            (hv[i] - fd).abs() < scale(fd),
            "hvp at {z:?}: {hv:?} vs fd {fd}"
        );
    }
    let hess = p.hess_g(z);
    let w = DVector::from_iterator(
        len,
        (0..len).map(|i| if i < dims.n { 0.0 } else { v[i - dims.n] }),
    );
    let hw = &hess * w;
    for i in 0..len {
        assert!(
            (hw[i] - hv[i]).abs() < 1e-10 * (1.0 + hv[i].abs()),
            "hess·w vs hvp"
        );
    }
    assert!((&hess - hess.transpose()).amax() < 1e-12);
    // Along each lower-level coordinate: the same numbers as ∇g and ∇²g.
    for j in 0..dims.m {
        let [g, gy, gyy] = p.g_along_y(z, j);
        let i = dims.n + j;
        assert!((g - p.g(z)).abs() <= 1e-14 * (1.0 + g.abs()));
        assert!(
            (gy - gg[i]).abs() <= 1e-12 * (1.0 + gy.abs()),
            "g_along_y ∂g"
        );
        let exact = hess[(i, i)];
        assert!(
            (gyy - exact).abs() <= 1e-10 * (1.0 + exact.abs()),
            "g_along_y ∂²g: {gyy} vs {exact}"
        );
    }
    assert!(p.g_along_y(z, dims.m)[1].is_nan());
    // ∇g and ∇²g·(0, ∇_y g) together: the same numbers as separately.
    let (mut g2, mut hv2) = (vec![0.0; len], vec![0.0; len]);
    let value = p.grad_g_and_hvp_along_grad_y(z, &mut g2, &mut hv2);
    assert!((value - p.g(z)).abs() <= 1e-14 * (1.0 + value.abs()));
    let grad_y = gg[dims.n..].to_vec();
    let mut hv_separate = vec![0.0; len];
    p.hvp_g(z, &grad_y, &mut hv_separate);
    for i in 0..len {
        assert!(
            (g2[i] - gg[i]).abs() <= 1e-13 * (1.0 + gg[i].abs()),
            "fused ∇g at {z:?}: {g2:?} vs {gg:?}"
        );
        assert!(
            (hv2[i] - hv_separate[i]).abs() <= 1e-12 * (1.0 + hv_separate[i].abs()),
            "fused ∇²g·(0, ∇_y g) at {z:?}: {hv2:?} vs {hv_separate:?}"
        );
    }
}

#[test]
fn expression_derivatives_match_hand_derived_ones() {
    // B8: g = ½xy² + ¼y⁴: g_y = y(x + y²), g_yy = x + 3y², g_xy = y.
    let p = ExprProblem::new(
        &names(&["x"]),
        &names(&["y"]),
        "(x + 0.5)^2 + 0.5*y^2",
        "0.5*x*y^2 + 0.25*y^4",
        &[],
    )
    .expect("valid");
    for &(x, y) in &[(0.3, -0.7), (-0.25, 0.5), (1.0, 2.0)] {
        let z = [x, y];
        let mut gg = [0.0; 2];
        p.grad_g(&z, &mut gg);
        assert!((gg[1] - y * (x + y * y)).abs() < 1e-14);
        assert!((gg[0] - 0.5 * y * y).abs() < 1e-14);
        let mut hv = [0.0; 2];
        p.hvp_g(&z, &[2.0], &mut hv);
        assert!((hv[0] - 2.0 * y).abs() < 1e-14);
        assert!((hv[1] - 2.0 * (x + 3.0 * y * y)).abs() < 1e-13);
        check_derivatives(&p, &z, 1e-6);
    }
}

#[test]
fn synthetic_family_matches_its_expression_form() {
    // n = 2 written out as text: analytic and automatic derivatives agree.
    let c = DVector::from_vec(vec![0.7, -1.2]);
    let d = DVector::from_vec(vec![0.4, 0.9]);
    let h = DMatrix::from_row_slice(2, 2, &[0.8, 0.3, -0.2, 0.5]);
    let f = "sin(c1*x1 + c2*x2 + d1*y1 + d2*y2) + ln((x1+y1)^2 + (x2+y2)^2 + 1)";
    let q = "0.5*((h11*y1 + h12*y2 - x1)^2 + (h21*y1 + h22*y2 - x2)^2)";
    let consts: Vec<(String, f64)> = [
        ("c1", 0.7),
        ("c2", -1.2),
        ("d1", 0.4),
        ("d2", 0.9),
        ("h11", 0.8),
        ("h12", 0.3),
        ("h21", -0.2),
        ("h22", 0.5),
    ]
    .iter()
    .map(|(n, v)| (n.to_string(), *v))
    .collect();
    for (kind, g) in [
        (LowerKind::Convex, q.to_string()),
        (LowerKind::Nonconvex, format!("cos({q})")),
    ] {
        let analytic =
            SyntheticProblem::new(kind, c.clone(), d.clone(), h.clone()).expect("square");
        let auto = ExprProblem::new(&names(&["x1", "x2"]), &names(&["y1", "y2"]), f, &g, &consts)
            .expect("valid");
        for z in [
            [0.1, -0.4, 0.8, 1.1],
            [-1.3, 0.2, 0.5, -0.6],
            [2.0, 1.0, -1.0, 0.3],
        ] {
            assert!((analytic.f(&z) - auto.f(&z)).abs() < 1e-13);
            assert!((analytic.g(&z) - auto.g(&z)).abs() < 1e-13);
            let (mut a, mut b) = ([0.0; 4], [0.0; 4]);
            analytic.grad_f(&z, &mut a);
            auto.grad_f(&z, &mut b);
            assert!(
                a.iter().zip(&b).all(|(p, q)| (p - q).abs() < 1e-12),
                "{a:?} {b:?}"
            );
            analytic.grad_g(&z, &mut a);
            auto.grad_g(&z, &mut b);
            assert!(
                a.iter().zip(&b).all(|(p, q)| (p - q).abs() < 1e-12),
                "{a:?} {b:?}"
            );
            analytic.hvp_g(&z, &[0.3, -0.8], &mut a);
            auto.hvp_g(&z, &[0.3, -0.8], &mut b);
            assert!(
                a.iter().zip(&b).all(|(p, q)| (p - q).abs() < 1e-12),
                "{a:?} {b:?}"
            );
            assert!((analytic.hess_g(&z) - auto.hess_g(&z)).amax() < 1e-12);
            check_derivatives(&analytic, &z, 1e-6);
        }
    }
}

#[test]
fn convex_optimum_matches_brute_force_in_one_dimension() {
    // c = d = H = 1 is B2: F* = −0.258426 at x = y = −0.277984.
    let one = DVector::from_element(1, 1.0);
    let p = SyntheticProblem::new(
        LowerKind::Convex,
        one.clone(),
        one.clone(),
        DMatrix::identity(1, 1),
    )
    .expect("square");
    let (value, x, y) = p.convex_optimum().expect("convex");
    assert!((value - (-0.258426)).abs() < 1e-6, "{value}");
    assert!((x[0] - (-0.277984)).abs() < 1e-6 && (y[0] - x[0]).abs() < 1e-12);
    // Brute force over x on the lower-level solution y = x.
    let brute = (0..=200_000)
        .map(|i| -4.0 + 8.0 * f64::from(i) / 200_000.0)
        .map(|x| p.f(&[x, x]))
        .fold(f64::INFINITY, f64::min);
    assert!(value <= brute + 1e-12 && brute - value < 1e-8);
}

#[test]
fn generator_is_deterministic_and_h_is_well_conditioned() {
    let a = synthetic_data::generate(20, 7);
    let b = synthetic_data::generate(20, 7);
    assert_eq!(a, b);
    assert_ne!(a, synthetic_data::generate(20, 8));
    assert!((&a.h - a.h.transpose()).amax() == 0.0);
    let eig = a.h.clone().symmetric_eigenvalues();
    assert!(
        eig.iter()
            .all(|&l| (0.1 - 1e-12..=1.0 + 1e-12).contains(&l)),
        "{eig}"
    );
}

#[test]
fn bad_names_are_refused() {
    let err =
        ExprProblem::new(&names(&["x"]), &names(&["x"]), "x", "x", &[]).expect_err("duplicate");
    assert!(err.to_string().contains("declared twice"), "{err}");
    let err =
        ExprProblem::new(&names(&["sin"]), &names(&["y"]), "y", "y", &[]).expect_err("reserved");
    assert!(err.to_string().contains("reserved"), "{err}");
    let err =
        ExprProblem::new(&names(&["x"]), &names(&["2y"]), "x", "x", &[]).expect_err("invalid");
    assert!(err.to_string().contains("not a valid name"), "{err}");
    let err = ExprProblem::new(&names(&["x"]), &[], "x", "x", &[]).expect_err("empty");
    assert!(err.to_string().contains("lower level"), "{err}");
    let err = ExprProblem::new(&names(&["x"]), &names(&["y"]), "x", "x +", &[]).expect_err("parse");
    assert!(
        err.to_string().starts_with("in g: line 1, column 4"),
        "{err}"
    );
}

#[test]
fn every_builtin_preset_has_exact_derivatives_at_its_start_and_nearby() {
    // Every preset problem, one and several lower variables, expression and
    // synthetic: each derivative path (fused ones included) against
    // central differences and against each other.
    for (id, _) in crate::preset::BUILTIN {
        let p = crate::preset::load_builtin(id).expect("built-in presets load");
        let start = p.start();
        let nearby: Vec<f64> = start
            .iter()
            .enumerate()
            .map(|(i, a)| a + 0.13 + 0.05 * i as f64)
            .collect();
        for z in [&start, &nearby] {
            check_derivatives(p.problem.as_ref(), z, 1e-5);
        }
    }
}
