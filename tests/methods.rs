//! Every method on every preset with one x and one y: no panic, an honest
//! ending (converged, budget, or a reported divergence), finite records,
//! counted oracle calls, and the method's own record.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use bilevel_lab::method::{Detail, MethodKind, Run, Status};
use bilevel_lab::preset::{BUILTIN, load_builtin};

#[test]
fn every_method_on_every_one_dimensional_preset_ends_honestly() {
    let mut seen = 0;
    for (id, _) in BUILTIN {
        let p = load_builtin(id).unwrap();
        let dims = p.dims();
        if (dims.n, dims.m) != (1, 1) {
            continue;
        }
        for kind in MethodKind::ALL {
            let mut settings = p.solver.with_method(kind);
            settings.iterations = 400;
            let config = settings.run_config().unwrap();
            let mut run = Run::new(p.problem.clone(), config, p.start());
            let mut records = 0u64;
            let mut calls = 0;
            let status = run
                .run_to_end(|r| {
                    assert!(r.first_non_finite().is_none(), "{id} {kind:?}: {r:?}");
                    assert!(r.oracle_calls > calls, "{id} {kind:?}: calls grow");
                    calls = r.oracle_calls;
                    records += 1;
                    let own = matches!(
                        (&r.detail, kind),
                        (Detail::PgdQp { .. }, MethodKind::PgdQp)
                            | (Detail::Rxgf { .. }, MethodKind::Rxgf)
                            | (Detail::Sqcqp { .. }, MethodKind::Sqcqp)
                            | (Detail::Bome { .. }, MethodKind::Bome)
                            | (Detail::Vpbgd { .. }, MethodKind::Vpbgd)
                            | (Detail::Aid { .. }, MethodKind::Aid)
                    );
                    assert!(own, "{id} {kind:?}: the method's own detail");
                    // Δ = −∇f − correction, always.
                    for ((d, gf), c) in r.delta.iter().zip(&r.grad_f).zip(&r.correction) {
                        assert!((d + gf + c).abs() <= 1e-12 * (1.0 + gf.abs() + c.abs()));
                    }
                })
                .clone();
            match status {
                Status::Budget => assert_eq!(run.state().k, 400, "{id} {kind:?}"),
                Status::Converged => assert!(run.state().k <= 400),
                Status::Diverged { iteration, .. } => {
                    assert!(iteration <= 400);
                    assert!(status.to_string().starts_with("diverged at iteration"));
                }
                Status::Running => panic!("{id} {kind:?}: run_to_end returned while running"),
            }
            assert!(records >= 1 || matches!(status, Status::Diverged { .. }));
            assert_eq!(run.counts().total(), calls, "{id} {kind:?}");
            seen += 1;
        }
    }
    assert!(seen >= 6 * 12, "{seen} runs");
}

#[test]
fn switching_method_mid_run_keeps_the_trajectory() {
    let p = load_builtin("b01-quadratic").unwrap();
    let mut settings = p.solver;
    settings.iterations = 3000;
    let mut run = Run::new(p.problem.clone(), settings.run_config().unwrap(), p.start());
    let mut ks = Vec::new();
    run.advance(100, |r| ks.push(r.k));
    let before = run.state().z.clone();
    run.reconfigure(settings.with_method(MethodKind::Aid).run_config().unwrap());
    let mut first = None;
    run.advance(1, |r| first = Some(r.clone()));
    let first = first.unwrap();
    assert_eq!(
        first.z, before,
        "the new method starts where the old stopped"
    );
    assert!(matches!(first.detail, Detail::Aid { .. }));
    run.run_to_end(|_| {});
    let last = run.last_record().unwrap();
    assert!(
        (last.z[0] - 1.2).abs() < 1e-6 && (last.z[1] - 0.6).abs() < 1e-6,
        "AID finishes at B1's solution: {:?}",
        last.z
    );
}
