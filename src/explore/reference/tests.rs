use super::*;
use crate::preset::{BUILTIN, load_builtin};

#[test]
fn phi_matches_the_closed_form_and_a_brute_force_search() {
    // B1: S(x) = {x/2}, φ(x) = ½(x−1)² + ½(x/2−1)².
    let p = load_builtin("b01-quadratic").unwrap();
    let domain = p.lower_search();
    for x in [-1.0, 0.0, 0.7, 1.2, 2.9] {
        let r = reduced(p.problem.as_ref(), x, &domain).unwrap();
        let exact = 0.5 * (x - 1.0f64).powi(2) + 0.5 * (x / 2.0 - 1.0f64).powi(2);
        assert!(
            (r.phi - exact).abs() < 1e-12,
            "x = {x}: {} vs {exact}",
            r.phi
        );
        assert!((r.y - x / 2.0).abs() < 1e-9);
    }
    // B8 by brute force over a fine y grid: g's global minimisers, then f.
    let p = load_builtin("b08-mitsos-barton-3-17").unwrap();
    let domain = p.lower_search();
    for x in [-0.9, -0.25, 0.0, 0.4] {
        let ys: Vec<f64> = (0..=200_000)
            .map(|i| -2.0 + 4.0 * i as f64 / 200_000.0)
            .collect();
        let gs: Vec<f64> = ys.iter().map(|&y| p.problem.g(&[x, y])).collect();
        let g_min = gs.iter().copied().fold(f64::INFINITY, f64::min);
        let brute = ys
            .iter()
            .zip(&gs)
            .filter(|(_, g)| **g <= g_min + 1e-9)
            .map(|(&y, _)| p.problem.f(&[x, y]))
            .fold(f64::INFINITY, f64::min);
        let r = reduced(p.problem.as_ref(), x, &domain).unwrap();
        assert!(
            (r.phi - brute).abs() < 1e-4,
            "x = {x}: {} vs {brute}",
            r.phi
        );
    }
}

#[test]
fn every_known_answer_of_a_one_plus_one_preset_agrees_with_the_computed_one() {
    let mut checked = 0;
    for (id, _) in BUILTIN {
        let p = load_builtin(id).unwrap();
        let dims = p.dims();
        let Some(f_known) = p.reference.as_ref().and_then(|r| r.f) else {
            continue;
        };
        if dims.n != 1 || dims.m != 1 {
            continue;
        }
        let domain = p.lower_search();
        let answer = compute_answer(p.problem.as_ref(), p.upper_search(), &domain)
            .unwrap_or_else(|| panic!("{id}: no computed answer"));
        let tol = 1e-6 * (1.0 + f_known.abs());
        assert!(
            (answer.f - f_known).abs() <= tol,
            "{id}: computed F* = {} at {:?}, known {f_known}",
            answer.f,
            answer.z
        );
        // The known point is optimal for the computed φ as well.
        if let Some(z) = p.reference_z() {
            let r = reduced(p.problem.as_ref(), z[0], &domain).unwrap();
            assert!((r.phi - f_known).abs() <= tol, "{id}: φ(x*) = {}", r.phi);
        }
        checked += 1;
    }
    assert!(checked >= 14, "only {checked} presets checked");
}

#[test]
fn no_answer_is_made_up_where_phi_has_no_minimum() {
    // f = ln(x): φ falls without bound toward x = 0, where it stops being
    // defined; a grid and a golden section would report F ≈ −43 at 1e-19.
    let p =
        crate::problem::ExprProblem::new(&["x".into()], &["y".into()], "ln(x)", "(y - x)^2", &[])
            .unwrap();
    let domain = LowerDomain::Expanding { seed: [-3.0, 3.0] };
    assert!(reduced(&p, 1.0, &domain).is_some());
    assert_eq!(compute_answer(&p, [-3.0, 3.0], &domain), None);
}

#[test]
fn an_unbounded_lower_level_has_no_reduced_value_and_a_box_gives_one() {
    // B15: g = −xy is unbounded below in y for x ≠ 0 without its box.
    let p = load_builtin("b15-bome-adversarial").unwrap();
    let open = LowerDomain::Expanding { seed: [-5.0, 5.0] };
    assert!(reduced(p.problem.as_ref(), 0.5, &open).is_none());
    let boxed = LowerDomain::Declared([-10.0, 10.0]);
    let r = reduced(p.problem.as_ref(), 0.5, &boxed).unwrap();
    assert!((r.phi - 5.0).abs() < 1e-12 && r.y == 10.0, "{r:?}");
    let r = reduced(p.problem.as_ref(), -0.5, &boxed).unwrap();
    assert!((r.phi - 5.0).abs() < 1e-12 && r.y == -10.0, "{r:?}");
}
