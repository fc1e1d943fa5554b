use super::*;
use crate::explore::{Judged, KickCause, LowerDomain, RunEvent};
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
    let recent = tail(
        &p,
        z0.unwrap_or_else(|| p.start()),
        p.solver.run_config().unwrap(),
    );
    diagnose(
        p.problem.as_ref(),
        &recent,
        &p.lower_search(),
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
    let config = p.solver.run_config().unwrap().with_iterations(300).unwrap();
    let recent = tail(&p, p.start(), config);
    assert_eq!(
        diagnose(p.problem.as_ref(), &recent, &p.lower_search(), Some(0.1875)),
        vec![]
    );
    // A run that has not settled yet is not judged.
    let p = preset("b12-mirrlees");
    let config = p.solver.run_config().unwrap().with_iterations(5).unwrap();
    let recent = tail(&p, p.start(), config);
    assert_eq!(
        diagnose(p.problem.as_ref(), &recent, &p.lower_search(), Some(1.0018)),
        vec![]
    );
}

#[test]
fn the_papers_constants_give_a_two_point_cycle_on_the_20d_toy() {
    use crate::method::{Method, PgdQp, Rho, RunConfig, StepRule};
    let p = preset("synthetic20-convex");
    let (alpha, step) = StepRule::Budget { a: 1.5, b: 1.5 }.resolve(Rho::Qp1, 80_000);
    let config = RunConfig::new(
        Method::PgdQp(PgdQp {
            rho: Rho::Qp1,
            alpha,
            step,
        }),
        80_000,
        None,
    )
    .unwrap();
    let recent = tail(&p, p.start(), config);
    assert_eq!(short_cycle(&recent), Some(2));
    let traps = diagnose(p.problem.as_ref(), &recent, &p.lower_search(), None);
    assert_eq!(traps, vec![Trap::ShortCycle(2)]);
    assert!(Trap::ShortCycle(2).sentence().contains("2 points"));
}

/// A sweep of the method's default axes from the preset's start, judged
/// against its answer.
fn sweep_spec(
    p: &Preset,
    settings: crate::method::SolverSettings,
    (first, second): ([f64; 2], [f64; 2]),
    grid: usize,
) -> SweepSpec {
    SweepSpec {
        settings,
        axes: settings.method.sweep_axes(),
        first,
        second,
        grid,
        start: p.start(),
        answer: p.answer(),
        lower: p.lower_search(),
        tolerance: REACH_TOL,
    }
}

#[test]
fn the_sweep_of_b1_marks_large_steps_diverged_and_small_ones_converged() {
    let p = preset("b01-quadratic");
    let mut settings = p.solver;
    settings.iterations = 3000;
    settings.tolerance = Some(1e-10);
    let spec = sweep_spec(&p, settings, ([0.01, 1.0], [0.01, 10.0]), 6);
    spec.check().unwrap();
    let progress = Progress::default();
    let cells = sweep(&p.problem, &spec, &progress).unwrap();
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
    let config = p
        .solver
        .run_config()
        .unwrap()
        .with_iterations(3000)
        .unwrap();
    let view = p.view.unwrap();
    let spec = BasinSpec {
        config,
        axes: (0, 1),
        x: view.x,
        y: view.y,
        grid: 7,
        base: p.start(),
        answer: p.answer(),
        lower: p.lower_search(),
        tolerance: REACH_TOL,
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

/// Runs the preset's method (or `method`) from `z0` with K iterations and
/// judges it, as `run`, the sweep and the basin map do.
fn judged(
    id: &str,
    z0: Option<Vec<f64>>,
    edit: impl Fn(&mut crate::method::SolverSettings),
) -> Judged {
    let p = preset(id);
    let mut settings = p.solver;
    edit(&mut settings);
    p.run_judged(
        settings.run_config().unwrap(),
        z0.unwrap_or_else(|| p.start()),
    )
}

fn class_of(j: &Judged) -> EndClass {
    j.verdict.as_ref().unwrap().class
}

#[test]
fn kicks_are_detected_with_their_cause() {
    // PGD-QP on B1 from (0, −0.5): converged, then ∂_y g is exactly 0 at
    // iteration 643, the degenerate QP gives −∇f and h jumps to 2.5e-3.
    let j = judged("b01-quadratic", Some(vec![0.0, -0.5]), |_| {});
    let kick = j
        .events
        .iter()
        .find(|e| e.name() == "kick")
        .expect("a kick");
    assert_eq!(kick.iteration, 644);
    assert!(matches!(
        kick.kind,
        EventKind::Kick { cause: KickCause::DegenerateQp, to, .. } if (to - 2.5e-3).abs() < 1e-4
    ));
    assert!(kick.message().contains("degenerate"), "{}", kick.message());
    // It settles again: one kick long ago does not make the end "kicked".
    assert_eq!(class_of(&j), EndClass::Optimum);
    // B11: the constraint turns inactive just off the curved set and the
    // plain step overshoots it, again and again up to the end.
    let j = judged("b11-mitsos-barton-3-24", None, |_| {});
    let kicks: Vec<&RunEvent> = j.events.iter().filter(|e| e.name() == "kick").collect();
    assert!(kicks.len() >= 5, "{kicks:?}");
    let overshoots = kicks
        .iter()
        .filter(|e| {
            matches!(
                e.kind,
                EventKind::Kick {
                    cause: KickCause::InactiveOvershoot,
                    ..
                }
            )
        })
        .count();
    assert!(overshoots * 2 > kicks.len(), "{kicks:?}");
    assert_eq!(class_of(&j), EndClass::Kicked);
    // BOME on B1 kicks 9 or more times in 3000 iterations.
    let j = judged("b01-quadratic", None, |s| {
        s.method = crate::method::MethodKind::Bome
    });
    assert!(j.events.iter().filter(|e| e.name() == "kick").count() >= 9);
    assert_eq!(class_of(&j), EndClass::Kicked);
}

#[test]
fn runaways_are_named_and_converging_paths_are_not() {
    // γ = 2 on B1 drifts off at constant speed (x ≈ −600 after 3000).
    let j = judged("b01-quadratic", None, |s| {
        s.set(s.method, "step", crate::method::ParamValue::Number(2.0))
            .unwrap()
    });
    assert!(
        j.events.iter().any(|e| e.name() == "runaway"),
        "{:?}",
        j.events
    );
    assert_eq!(class_of(&j), EndClass::Runaway);
    // B7 slides along the LL-maximum line y = 0 at constant speed: a
    // runaway, not "settled" at a trap (the trap is still a warning).
    let j = judged("b07-mitsos-barton-3-12", None, |_| {});
    assert_eq!(class_of(&j), EndClass::Runaway);
    assert!(
        j.verdict
            .as_ref()
            .unwrap()
            .traps
            .contains(&Trap::LowerMaximum)
    );
    // A long converging path is no runaway (‖z‖ grows 0.5 → 1.34 by
    // geometrically shrinking increments), nor is the 20-D toy's approach
    // to its cycle.
    let j = judged("b01-quadratic", Some(vec![0.0, -0.5]), |_| {});
    assert!(
        j.events.iter().all(|e| e.name() != "runaway"),
        "{:?}",
        j.events
    );
    let j = judged("synthetic20-convex", None, |_| {});
    assert!(
        j.events.iter().all(|e| e.name() != "runaway"),
        "{:?}",
        j.events
    );
    assert!(matches!(class_of(&j), EndClass::Trap(Trap::ShortCycle(2))));
}

#[test]
fn a_biased_end_is_not_called_a_solution() {
    // BOME after 300 iterations on B1: on the lower-level set, 0.067 from
    // the unique solution; φ still decreases there.
    let j = judged("b01-quadratic", None, |s| {
        s.method = crate::method::MethodKind::Bome;
        s.iterations = 300;
    });
    assert_eq!(class_of(&j), EndClass::OffSolution);
    assert_eq!(j.reached, None, "never within 1e-6 by the common measure");
    // B5's k = 0 branch is a genuine local solution.
    assert_eq!(
        class_of(&judged("b05-sin", None, |_| {})),
        EndClass::LocalSolution
    );
}

#[test]
fn the_sweep_never_calls_a_trap_best() {
    // B8 over the ranges: before, `best` (smallest KKT) was a cell
    // at the LL maximum (−0.5, 0), 0.559 from the optimum.
    let p = preset("b08-mitsos-barton-3-17");
    let mut settings = p.solver;
    settings.iterations = 3000;
    let spec = sweep_spec(&p, settings, ([0.01, 10.0], [0.001, 1.0]), 12);
    let cells = sweep(&p.problem, &spec, &Progress::default()).unwrap();
    assert!(
        cells
            .iter()
            .any(|c| c.class == EndClass::Trap(Trap::LowerMaximum) && c.kkt_residual < 1e-20)
    );
    let best = best_cell(&cells).expect("some cell ends at the optimum");
    assert_eq!(best.class, EndClass::Optimum);
    assert!(best.distance.unwrap() < 1e-6, "{best:?}");
    assert!(best.reached.is_some());
    // Where no cell ends at the optimum there is no best.
    let traps: Vec<Cell> = cells
        .iter()
        .filter(|c| c.class != EndClass::Optimum)
        .cloned()
        .collect();
    assert!(best_cell(&traps).is_none());
}

#[test]
fn the_true_gap_does_not_depend_on_the_seed_of_the_search() {
    // B12 at (1.99, 0.90): a non-global LL minimum, true gap ≈ 0.97. The
    // old search looked only over the view's y range (and half again): a
    // narrow view around the right well gave gap 0 and "local solution".
    let p = preset("b12-mirrlees");
    let z = [1.99, 0.90];
    let wide = lower_gap(
        p.problem.as_ref(),
        &z,
        &LowerDomain::Expanding { seed: [-3.0, 3.0] },
    );
    for seed in [[0.7, 1.1], [0.85, 0.95], [0.0, 2.0]] {
        let narrow = lower_gap(p.problem.as_ref(), &z, &LowerDomain::Expanding { seed });
        assert!((narrow.gap - wide.gap).abs() < 1e-9, "{seed:?}: {narrow:?}");
        assert!(narrow.bounded);
    }
    assert!(wide.gap > 0.9, "{wide:?}");
    // A degenerate seed (zero width) still finds the gap.
    let tiny = lower_gap(
        p.problem.as_ref(),
        &z,
        &LowerDomain::Expanding { seed: [0.9, 0.9] },
    );
    assert!((tiny.gap - wide.gap).abs() < 1e-9, "{tiny:?}");
}

#[test]
fn a_run_that_leaves_the_declared_box_is_not_called_optimal() {
    // B15 from (4, 2): x → 0 with f = 0, but y drifts to −16.8, outside the
    // box y ∈ [−10, 10] the problem is posed on.
    let j = judged("b15-bome-adversarial", Some(vec![4.0, 2.0]), |_| {});
    assert!(j.end[1] < -10.0, "{:?}", j.end);
    assert_eq!(class_of(&j), EndClass::Trap(Trap::OutsideLowerDomain));
    // From (4, 4) it ends at (0, 0), inside: the optimum, on a flat set.
    let j = judged("b15-bome-adversarial", None, |_| {});
    assert_eq!(class_of(&j), EndClass::Optimum);
    assert_eq!(j.verdict.unwrap().shape, LowerShape::Flat);
}
