use super::*;
use crate::method::{Run, Status};
use crate::preset::{Preset, load_builtin};

fn preset(id: &str) -> Preset {
    load_builtin(id).unwrap()
}

/// The last iterates of a run with the preset's defaults from `z0`.
fn tail(p: &Preset, z0: Vec<f64>, config: crate::method::RunConfig) -> Vec<Vec<f64>> {
    let mut run = Run::new(p.problem.clone(), config, z0);
    let mut recent = std::collections::VecDeque::new();
    run.run_to_end(|r| {
        recent.push_back(r.z.clone());
        if recent.len() > 9 {
            recent.pop_front();
        }
    });
    recent.into()
}

fn traps_of(id: &str, z0: Option<Vec<f64>>) -> Vec<Trap> {
    let p = preset(id);
    let recent = tail(&p, z0.unwrap_or_else(|| p.start()), p.solver.run_config());
    let window = p.view.map_or([-3.0, 3.0], |v| v.y);
    diagnose(
        p.problem.as_ref(),
        &recent,
        window,
        p.reference.as_ref().and_then(|r| r.f),
    )
}

#[test]
fn warnings_fire_on_the_traps_and_not_on_good_runs() {
    // B8 from a start on y = 0: it slides to the LL maximum (−½, 0), F = 0.
    let b8 = traps_of("b08-mitsos-barton-3-17", Some(vec![0.5, 0.0]));
    assert!(b8.contains(&Trap::LowerMaximum), "{b8:?}");
    assert!(b8.contains(&Trap::BelowOptimum), "{b8:?}");
    // B12: fooled into the right well, a non-global LL minimum, F < F*.
    let b12 = traps_of("b12-mirrlees", None);
    assert!(b12.contains(&Trap::LocalLowerMinimum), "{b12:?}");
    assert!(b12.contains(&Trap::BelowOptimum), "{b12:?}");
    // B13: stalls where g_yy = 0 along ∇_y g with h ≈ 2.38 > 0 (f ≈ 0.017
    // is below F* = 2, but so far from the lower level that this says
    // nothing more).
    let b13 = traps_of("b13-pl-nonconvex", None);
    assert_eq!(b13, vec![Trap::SpuriousCritical]);
    // Good runs: none.
    assert_eq!(traps_of("b01-quadratic", None), vec![]);
    assert_eq!(traps_of("b02-synthetic-1d", None), vec![]);
    assert_eq!(traps_of("b08-mitsos-barton-3-17", None), vec![]);
    // A run still creeping onto the right branch is not warned about: B8
    // at k = 300 has h ≈ 4e-6, f just below F* and a gap of ≈ h/(2g_yy).
    let p = preset("b08-mitsos-barton-3-17");
    let mut config = p.solver.run_config();
    config.iterations = 300;
    let recent = tail(&p, p.start(), config);
    assert_eq!(
        diagnose(p.problem.as_ref(), &recent, [-1.0, 1.0], Some(0.1875)),
        vec![]
    );
    // A run that has not settled yet is not judged.
    let p = preset("b12-mirrlees");
    let mut config = p.solver.run_config();
    config.iterations = 5;
    let recent = tail(&p, p.start(), config);
    assert_eq!(
        diagnose(p.problem.as_ref(), &recent, [-2.0, 2.0], Some(1.0018)),
        vec![]
    );
}

#[test]
fn the_papers_constants_give_a_two_point_cycle_on_the_20d_toy() {
    use crate::method::{Method, PgdQp, Rho, RunConfig, StepRule};
    let p = preset("synthetic20-convex");
    let (alpha, step) = StepRule::Budget { a: 1.5, b: 1.5 }.resolve(Rho::Qp1, 80_000);
    let config = RunConfig {
        method: Method::PgdQp(PgdQp {
            rho: Rho::Qp1,
            alpha,
            step,
        }),
        iterations: 80_000,
        tolerance: None,
    };
    let recent = tail(&p, p.start(), config);
    assert_eq!(short_cycle(&recent), Some(2));
    let traps = diagnose(p.problem.as_ref(), &recent, [-3.0, 3.0], None);
    assert_eq!(traps, vec![Trap::ShortCycle(2)]);
    assert!(Trap::ShortCycle(2).sentence().contains("2 points"));
}

#[test]
fn the_sweep_of_b1_marks_large_steps_diverged_and_small_ones_converged() {
    let p = preset("b01-quadratic");
    let mut settings = p.solver;
    settings.iterations = 3000;
    settings.tolerance = Some(1e-10);
    let spec = SweepSpec {
        settings,
        axes: default_axes(settings.method),
        first: [0.01, 1.0],
        second: [0.01, 10.0],
        grid: 6,
        start: p.start(),
    };
    spec.check().unwrap();
    let reference = [1.2, 0.6];
    let progress = Progress::default();
    let cells = sweep(&p.problem, &spec, Some(&reference), &progress).unwrap();
    assert_eq!((cells.len(), progress.finished()), (36, 36));
    for c in &cells {
        if c.second >= 2.0 {
            assert!(matches!(c.status, Status::Diverged { .. }), "{c:?}");
        }
        if c.second <= 0.05 && c.first >= 0.1 {
            assert_eq!(c.status, Status::Converged, "{c:?}");
            assert!(c.distance.unwrap() < 1e-4, "{c:?}");
        }
    }
    // A range the method cannot take is refused with the reason.
    let bad = SweepSpec {
        second: [0.0, 1.0],
        ..spec
    };
    assert!(bad.check().unwrap_err().contains("step"));
}

#[test]
fn the_basin_map_of_b3_finds_more_than_one_optimum() {
    let p = preset("b03-synthetic-1d-nonconvex");
    let mut config = p.solver.run_config();
    config.iterations = 3000;
    let view = p.view.unwrap();
    let spec = BasinSpec {
        config,
        axes: (0, 1),
        x: view.x,
        y: view.y,
        grid: 7,
        base: p.start(),
        f_star: p.reference.as_ref().and_then(|r| r.f),
    };
    let map = basins(&p.problem, &spec, &Progress::default()).unwrap();
    assert_eq!(map.len(), 49);
    let mut optima: Vec<&Vec<f64>> = map
        .iter()
        .filter(|b| b.class == EndClass::Optimum)
        .map(|b| &b.end)
        .collect();
    optima.dedup_by(|a, b| (a[0] - b[0]).abs() + (a[1] - b[1]).abs() < 1e-3);
    let mut distinct: Vec<&Vec<f64>> = Vec::new();
    for o in optima {
        if distinct
            .iter()
            .all(|d| (d[0] - o[0]).abs() + (d[1] - o[1]).abs() > 1e-3)
        {
            distinct.push(o);
        }
    }
    assert!(distinct.len() >= 2, "optima found: {distinct:?}");
    for b in &map {
        if b.class == EndClass::Optimum {
            assert!(b.gap <= 1e-6 && (b.f + 0.258426).abs() < 1e-3, "{b:?}");
        }
    }
}
