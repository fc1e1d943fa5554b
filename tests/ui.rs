//! The app through egui_kittest, without a GPU: it starts on every preset,
//! plays, survives bad edits, resets, and remembers its settings.

#![cfg(feature = "gui")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use bilevel_lab::app::{BilevelApp, Launch, PresetSource, Settings};
use bilevel_lab::method::{Method, MethodKind, ParamValue};
use bilevel_lab::preset::{self, BUILTIN};
use eframe::egui;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use std::collections::HashMap;

mod common;
use std::time::{Duration, Instant};

fn harness(id: &str) -> Harness<'static, BilevelApp> {
    let p = preset::load_builtin(id).unwrap();
    let launch = Launch {
        preset: Some((PresetSource::Builtin(id.into()), p)),
        ..Launch::default()
    };
    Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .build_eframe(move |cc| BilevelApp::with_settings(&cc.egui_ctx, None, launch))
}

/// The app at 1400 × 900 from `stored` settings and `launch` options.
fn launched(stored: Option<Settings>, launch: Launch) -> Harness<'static, BilevelApp> {
    Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .build_eframe(move |cc| BilevelApp::with_settings(&cc.egui_ctx, stored, launch))
}

/// A built-in preset as the command line hands it to the app.
fn builtin(id: &str) -> (PresetSource, preset::Preset) {
    (
        PresetSource::Builtin(id.into()),
        preset::load_builtin(id).unwrap(),
    )
}

/// Steps frames until `done` holds or a few seconds pass.
fn step_until(
    h: &mut Harness<'static, BilevelApp>,
    mut done: impl FnMut(&BilevelApp) -> bool,
) -> bool {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        h.step();
        if done(h.state()) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    false
}

#[test]
fn the_app_starts_on_every_preset() {
    for (id, _) in BUILTIN {
        let mut h = harness(id);
        h.run_steps(3);
        assert!(
            step_until(&mut h, BilevelApp::has_landscape),
            "{id}: no landscape arrived"
        );
        h.run_steps(2);
        assert_eq!(h.state().iteration(), 0, "{id}: paused at the start");
    }
}

#[test]
fn play_advances_and_space_pauses() {
    let mut h = harness("b08-mitsos-barton-3-17");
    h.run_steps(2);
    h.get_by_label("▶ Play").click();
    h.run_steps(1);
    assert!(h.state().is_playing());
    assert!(
        step_until(&mut h, |a| a.iteration() > 5),
        "iterations advance"
    );
    h.key_press(egui::Key::Space);
    h.run_steps(1);
    assert!(!h.state().is_playing());
    // Batches already sent may still arrive; then the count stands still.
    let mut last = h.state().iteration();
    assert!(step_until(&mut h, |a| {
        std::thread::sleep(Duration::from_millis(30));
        let same = a.iteration() == last;
        last = a.iteration();
        same
    }));
    // The step button does exactly one iteration.
    let before = h.state().iteration();
    h.get_by_label("Step").click();
    assert!(step_until(&mut h, |a| a.iteration() == before + 1));
    h.run_steps(5);
    assert_eq!(h.state().iteration(), before + 1);
    // → steps once more, R resets, Space plays again, while a checkbox has
    // the focus: the keys go to the app (through the raw-input hook, as
    // eframe calls it), not to the checkbox or focus navigation.
    let checkbox = egui::accesskit::Role::CheckBox;
    h.get_by_role_and_label(checkbox, "reference optimum")
        .scroll_to_me();
    h.run_steps(2);
    h.get_by_role_and_label(checkbox, "reference optimum")
        .click_accesskit();
    h.run_steps(1);
    assert!(
        !h.state().settings().layers.reference,
        "the click toggled it"
    );
    h.get_by_role_and_label(checkbox, "reference optimum")
        .focus();
    h.run_steps(1);
    let press = |h: &mut Harness<'static, BilevelApp>, key| {
        let event = |pressed| egui::Event::Key {
            key,
            physical_key: None,
            pressed,
            repeat: false,
            modifiers: egui::Modifiers::NONE,
        };
        let ctx = h.ctx.clone();
        let mut raw = egui::RawInput {
            events: vec![event(true), event(false)],
            ..Default::default()
        };
        h.state_mut().intercept_shortcuts(&ctx, &mut raw);
        h.input_mut().events = raw.events;
        h.run_steps(1);
        assert!(
            h.get_by_role_and_label(checkbox, "reference optimum")
                .is_focused(),
            "focus stays"
        );
    };
    press(&mut h, egui::Key::ArrowRight);
    assert!(step_until(&mut h, |a| a.iteration() == before + 2));
    press(&mut h, egui::Key::R);
    h.run_steps(1);
    assert_eq!(h.state().iteration(), 0);
    press(&mut h, egui::Key::Space);
    assert!(h.state().is_playing());
    assert!(
        !h.state().settings().layers.reference,
        "Space went to the app, not the checkbox"
    );
}

/// Clicks into the editor named `label` and types `text` at its end.
fn type_into(h: &mut Harness<'static, BilevelApp>, label: &str, text: &str) {
    let role = egui::accesskit::Role::MultilineTextInput;
    h.get_by_role_and_label(role, label).click();
    h.run_steps(2);
    assert!(
        h.get_by_role_and_label(role, label).is_focused(),
        "{label} has the keyboard"
    );
    h.key_press(egui::Key::End);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::End);
    h.run_steps(1);
    h.get_by_role_and_label(role, label).type_text(text);
    h.run_steps(2);
}

#[test]
fn an_invalid_edit_shows_the_error_and_the_run_goes_on() {
    let mut h = harness("b08-mitsos-barton-3-17");
    h.run_steps(2);
    let problem = h.state().problem().clone();
    h.get_by_label("▶ Play").click();
    assert!(step_until(&mut h, |a| a.iteration() > 0));
    type_into(&mut h, "f(x, y): upper level", " +* ");
    let error = h.state().edit_error().expect("an error is shown");
    assert!(error.contains("expected a number"), "{error}");
    assert!(
        h.query_by_label_contains("expected a number").is_some(),
        "the error is on screen"
    );
    assert!(
        h.state().f_text().ends_with(" +* "),
        "the text is kept: {}",
        h.state().f_text()
    );
    let at = h.state().iteration();
    assert!(at < 3000, "still running at the default pace");
    assert!(
        step_until(&mut h, |a| a.iteration() > at + 5),
        "the run goes on"
    );
    assert!(
        std::sync::Arc::ptr_eq(h.state().problem(), &problem),
        "with the last valid problem"
    );
}

#[test]
fn reset_clears_the_trajectory() {
    let mut h = harness("b01-quadratic");
    h.run_steps(2);
    h.get_by_label("Step N").click();
    assert!(step_until(&mut h, |a| a.iteration() >= 100));
    assert!(h.state().history_len() >= 100);
    h.get_by_label("Reset").click();
    h.run_steps(3);
    assert_eq!(h.state().iteration(), 0);
    assert_eq!(h.state().history_len(), 0);
}

/// An in-memory eframe storage, as eframe's file storage behaves.
#[derive(Default)]
struct Memory(HashMap<String, String>);

impl eframe::Storage for Memory {
    fn get_string(&self, key: &str) -> Option<String> {
        self.0.get(key).cloned()
    }
    fn set_string(&mut self, key: &str, value: String) {
        self.0.insert(key.into(), value);
    }
    fn remove_string(&mut self, key: &str) {
        self.0.remove(key);
    }
    fn flush(&mut self) {}
}

#[test]
fn edits_parameters_and_toggles_survive_a_restart() {
    let mut h = harness("b08-mitsos-barton-3-17");
    h.run_steps(2);
    // An edit that is never applied, and one that does not even parse.
    type_into(&mut h, "g(x, y): lower level", " + (");
    {
        let s = h.state_mut().settings_mut();
        s.runs[0].solver.method = MethodKind::Bome;
        s.runs[0].solver.bome.step = 0.02;
        s.layers.g_contours = false;
        s.eps = 0.05;
    }
    let mut storage = Memory::default();
    eframe::App::save(h.state_mut(), &mut storage);
    let restored: Settings = eframe::get_value(&storage, eframe::APP_KEY).expect("saved");
    assert_eq!(&restored, h.state().settings());
    // A new app from the stored settings comes back the same.
    let mut again = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .build_eframe(move |cc| {
            BilevelApp::with_settings(&cc.egui_ctx, Some(restored), Launch::default())
        });
    again.run_steps(2);
    let s = again.state().settings();
    assert_eq!(s.runs[0].solver.method, MethodKind::Bome);
    assert_eq!(s.runs[0].solver.bome.step, 0.02);
    assert!(!s.layers.g_contours);
    assert_eq!(s.eps, 0.05);
    assert!(
        s.g_text.as_deref().is_some_and(|g| g.ends_with(" + (")),
        "{:?}",
        s.g_text
    );
    assert!(
        again.state().edit_error().is_some(),
        "the unparsable edit is back, with its error"
    );
    // Opening the same preset by name (`bilevel-lab b08-mitsos-barton-3-17`)
    // keeps the session: the edit, the runs and their method.
    let saved = again.state().settings().clone();
    let launch = Launch {
        preset: Some(builtin("b08-mitsos-barton-3-17")),
        ..Launch::default()
    };
    let mut third = launched(Some(saved), launch);
    third.run_steps(2);
    let s = third.state().settings();
    assert!(
        s.g_text.as_deref().is_some_and(|g| g.ends_with(" + (")),
        "{:?}",
        s.g_text
    );
    assert_eq!(s.runs[0].solver.method, MethodKind::Bome);
    // The same preset with options (`… b08 --method aid`) opens exactly as
    // asked: the preset as it is, its run from the options; the edit is
    // kept under Earlier edits and the notice says where.
    let mut configured = builtin("b08-mitsos-barton-3-17");
    configured.1.solver.method = MethodKind::Aid;
    let launch = Launch {
        preset: Some(configured),
        fresh_runs: true,
        ..Launch::default()
    };
    let mut asked = launched(Some(s.clone()), launch);
    asked.run_steps(2);
    assert_eq!(asked.state().settings().g_text, None);
    assert_eq!(
        asked.state().settings().runs[0].solver.method,
        MethodKind::Aid
    );
    let earlier = asked.state().earlier_edits();
    assert!(
        earlier.iter().any(|(_, k)| k.g.ends_with(" + (")),
        "kept: {earlier:?}"
    );
    let notice = asked
        .state()
        .notice()
        .map(|n| n.text.clone())
        .unwrap_or_default();
    assert!(notice.contains("under Earlier edits"), "{notice}");
    // Another preset by name starts that preset fresh.
    let saved = s.clone();
    let launch = Launch {
        preset: Some(builtin("b01-quadratic")),
        ..Launch::default()
    };
    let fourth = launched(Some(saved), launch);
    assert_eq!(fourth.state().settings().g_text, None);
}

#[test]
fn the_exported_preset_runs_to_the_same_result() {
    let mut h = harness("b01-quadratic");
    h.run_steps(2);
    let changes = [
        (MethodKind::PgdQp, "step", ParamValue::Number(0.03)),
        (MethodKind::Sqcqp, "w", ParamValue::Number(0.1)),
        (MethodKind::Vpbgd, "ramp", ParamValue::Flag(true)),
        (MethodKind::Rxgf, "integrator", ParamValue::Text("euler")),
    ];
    for (kind, key, value) in changes {
        let spec = &mut h.state_mut().settings_mut().runs[0];
        spec.solver.method = kind;
        spec.solver.set(kind, key, value).unwrap();
        let text = h.state().preset_text();
        let p = preset::load_str(&text, "exported").unwrap();
        let spec = &h.state().settings().runs[0];
        assert_eq!(
            p.solver.run_config().unwrap(),
            spec.config().unwrap(),
            "{kind:?}"
        );
        assert_eq!(p.start(), spec.start);
        let mut a = bilevel_lab::method::Run::new(
            p.problem.clone(),
            p.solver.run_config().unwrap(),
            p.start(),
        );
        let mut b = bilevel_lab::method::Run::new(
            h.state().problem().clone(),
            spec.config().unwrap(),
            spec.start.clone(),
        );
        a.run_to_end(|_| {});
        b.run_to_end(|_| {});
        assert_eq!(a.last_record(), b.last_record(), "{kind:?}");
    }
}

#[test]
fn the_trajectory_exports_as_csv_and_a_failed_save_keeps_the_run() {
    let mut h = harness("b01-quadratic");
    h.run_steps(2);
    h.get_by_label("Step N").click();
    assert!(step_until(&mut h, |a| a.iteration() >= 100));
    let dir = std::env::temp_dir().join(format!("bilevel-ui-csv-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("trajectory.csv");
    h.state().save_trajectory_csv(&path).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "iteration,z_x,z_y,f,h,lambda,delta_norm,kkt_residual,hypergradient_norm,active"
    );
    assert_eq!(lines.len(), 1 + h.state().history_len());
    assert!(lines[1].starts_with("0,-1.0,1.5,"), "{}", lines[1]);
    // Writing into a missing directory fails cleanly; the run is untouched.
    let before = (h.state().iteration(), h.state().history_len());
    assert!(
        h.state()
            .save_trajectory_csv(&dir.join("no/such/dir.csv"))
            .is_err()
    );
    assert_eq!((h.state().iteration(), h.state().history_len()), before);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn apply_uses_the_edit_once_and_old_landscapes_are_not_shown() {
    let mut h = harness("b01-quadratic");
    assert!(step_until(&mut h, BilevelApp::has_landscape));
    type_into(&mut h, "g(x, y): lower level", " + 0.1*y^4");
    assert!(h.state().edit_error().is_none());
    let before = h.state().problem().clone();
    h.get_by_label("Apply").click();
    h.run_steps(1);
    let applied = h.state().problem().clone();
    assert!(
        !std::sync::Arc::ptr_eq(&before, &applied),
        "the edit is in use"
    );
    assert!(
        !h.state().has_landscape(),
        "the old problem's landscape is gone"
    );
    // Nothing more to apply: the button is disabled and clicking does nothing.
    h.get_by_label("Apply").click();
    h.run_steps(1);
    assert!(std::sync::Arc::ptr_eq(h.state().problem(), &applied));
    assert!(
        step_until(&mut h, BilevelApp::has_landscape),
        "a landscape of the new problem arrives"
    );
}

#[test]
fn the_method_picker_switches_a_run_and_the_comparison_lists_every_run() {
    let mut h = harness("b01-quadratic");
    h.run_steps(2);
    h.get_by_label("+ Run").click();
    h.run_steps(2);
    assert_eq!(h.state().settings().runs.len(), 2);
    let selected = h.state().selected();
    // Run 2 (selected) switches to AID through the picker.
    h.get_by_role_and_label(egui::accesskit::Role::ComboBox, "method:")
        .click();
    h.run_steps(3);
    h.get_by_label("AID").click();
    h.run_steps(2);
    assert_eq!(
        h.state().settings().runs[selected].solver.method,
        MethodKind::Aid
    );
    // AID's own parameters are on the panel, labelled with their symbols.
    for symbol in ["β =", "D =", "η_in =", "CG ="] {
        h.get_by_label(symbol);
    }
    h.get_by_label("Step N").click();
    assert!(step_until(&mut h, |a| a.iteration() >= 100));
    let record = h.state().selected_record().expect("a record");
    assert!(
        matches!(record.detail, bilevel_lab::method::Detail::Aid { .. }),
        "{:?}",
        record.detail
    );
    // The comparison: the axis switch, and one row per run.
    // The comparison sits low in the scrolled left panel: activate it the
    // way a screen reader does.
    h.get_by_label("oracle calls").click_accesskit();
    h.run_steps(2);
    assert_eq!(
        h.state().settings().x_axis,
        bilevel_lab::app::XAxis::OracleCalls
    );
    h.get_by_label("reached");
    h.get_by_label("own");
    assert!(
        h.query_all_by_label("not yet").count() + h.query_all_by_label_contains("k = ").count()
            >= 2
    );
}

#[test]
fn a_run_fooled_by_mirrlees_gets_a_trap_warning_and_its_gap() {
    let mut h = harness("b12-mirrlees");
    h.run_steps(2);
    h.get_by_label("▶ Play").click();
    h.run_steps(1);
    // Full speed: the run reaches its budget quickly.
    h.get_by_label("max").click();
    h.run_steps(1);
    assert!(
        step_until(&mut h, |a| a.iteration() >= 3000),
        "the run ends"
    );
    assert!(step_until(&mut h, |a| a
        .diagnosis()
        .is_some_and(|d| d.k >= 3000)));
    let d = h.state().diagnosis().unwrap().clone();
    assert!(
        d.gap.gap > 0.5,
        "the right well is not global at x ≈ 2: {d:?}"
    );
    assert!(
        d.traps
            .contains(&bilevel_lab::explore::Trap::LocalLowerMinimum)
    );
    h.run_steps(2);
    assert!(
        h.query_all_by_label_contains("not global").count() >= 1,
        "the warning is on screen"
    );
    h.get_by_label("see b12-mirrlees");
}

#[test]
fn rate_guides_appear_on_the_residual_plot_when_asked() {
    let mut h = harness("b01-quadratic");
    h.run_steps(2);
    h.get_by_label("Step N").click();
    assert!(step_until(&mut h, |a| a.iteration() >= 100));
    assert_eq!(
        h.query_all_by_label("guide K^(−2/3): qp1's rate").count(),
        0
    );
    h.get_by_label("rate guides").click_accesskit();
    h.run_steps(3);
    assert!(h.state().settings().series.guides);
    h.get_by_label("guide K^(−2/3): qp1's rate");
    h.get_by_label("guide K^(−1/3): qp2's rate");
}

#[test]
fn the_basin_map_and_the_sweep_run_off_the_ui_thread_and_show() {
    use bilevel_lab::explore::EndClass;
    let mut h = harness("b08-mitsos-barton-3-17");
    assert!(step_until(&mut h, BilevelApp::has_landscape));
    h.get_by_label("Map basins").click_accesskit();
    h.run_steps(1);
    assert!(
        step_until(&mut h, |a| a.basin_classes().is_some()),
        "the map arrives"
    );
    let classes = h.state().basin_classes().unwrap();
    assert_eq!(classes.len(), 24 * 24);
    assert!(classes.contains(&EndClass::Optimum));
    assert!(classes.iter().any(|c| matches!(c, EndClass::Trap(_))));
    h.get_by_label("Sweep").click_accesskit();
    h.run_steps(1);
    assert!(
        step_until(&mut h, |a| a.sweep_cells().is_some()),
        "the sweep arrives"
    );
    assert_eq!(h.state().sweep_cells().unwrap().len(), 24 * 24);
    h.run_steps(2);
    h.get_by_label("where it ends");
    h.get_by_label("distance to z*");
    // Clicking a cell restarts the selected run with its two values.
    let cell = h.state().sweep_cells().unwrap()[5 * 24 + 7].clone();
    h.state_mut()
        .run_command(bilevel_lab::app::AppCommand::UseSweepCell {
            first: ("alpha", cell.first),
            second: ("step", cell.second),
        });
    h.run_steps(1);
    let Method::PgdQp(m) = h.state().settings().runs[0].solver.method() else {
        panic!("pgd-qp")
    };
    assert_eq!((m.alpha, m.step), (cell.first, cell.second));
    assert_eq!(h.state().iteration(), 0, "restarted");
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("bilevel-ui-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn a_typed_edit_survives_a_crash_through_the_settings_file() {
    use bilevel_lab::app::settings_file;
    let dir = temp_dir("crash");
    let path = dir.join(settings_file::FILE_NAME);
    let id = "b08-mitsos-barton-3-17";
    let launch = Launch {
        preset: Some((
            PresetSource::Builtin(id.into()),
            preset::load_builtin(id).unwrap(),
        )),
        settings_file: Some(path.clone()),
        ..Launch::default()
    };
    let mut h = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .build_eframe(move |cc| BilevelApp::with_settings(&cc.egui_ctx, None, launch));
    h.run_steps(2);
    type_into(&mut h, "g(x, y): lower level", " + (");
    // Never saved by hand: the quiet spell passes and the file is written.
    let saved = |p: &std::path::Path| {
        settings_file::load(p)
            .ok()
            .flatten()
            .is_some_and(|s| s.g_text.is_some_and(|g| g.ends_with(" + (")))
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    while !saved(&path) {
        assert!(Instant::now() < deadline, "the edit never reached {path:?}");
        h.step();
        std::thread::sleep(Duration::from_millis(50));
    }
    // A crash: no save, no exit handler.
    drop(h);
    let restored = settings_file::load(&path).unwrap();
    let launch = Launch {
        settings_file: Some(path.clone()),
        ..Launch::default()
    };
    let mut again = launched(restored, launch);
    again.run_steps(2);
    assert!(
        again
            .state()
            .settings()
            .g_text
            .as_deref()
            .is_some_and(|g| g.ends_with(" + (")),
        "the edit is back"
    );
    assert!(again.state().edit_error().is_some(), "with its error");
    let leftovers: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "no temporary files: {leftovers:?}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_preset_file_changed_or_removed_on_disk_is_reported_and_can_be_reloaded() {
    let dir = temp_dir("watch");
    let path = dir.join("mine.toml");
    let text = preset::builtin_text("b01-quadratic").unwrap();
    std::fs::write(&path, text).unwrap();
    let launch = Launch {
        preset: Some((
            PresetSource::File(path.display().to_string()),
            preset::load_path(&path).unwrap(),
        )),
        ..Launch::default()
    };
    let mut h = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .build_eframe(move |cc| BilevelApp::with_settings(&cc.egui_ctx, None, launch));
    h.run_steps(2);
    let original = h.state().f_text().to_string();
    let notice = |a: &BilevelApp, what: &str| a.notice().is_some_and(|n| n.text.contains(what));
    // Changed on disk: reported, and the runs keep the loaded version.
    let changed = text.replace("(x - 1)^2", "(x - 2)^2");
    assert_ne!(changed, text, "the edit applies to the preset's text");
    std::fs::write(&path, &changed).unwrap();
    assert!(step_until(&mut h, |a| notice(a, "changed on disk")));
    assert_eq!(h.state().f_text(), original);
    h.get_by_label("reload").click();
    assert!(step_until(&mut h, |a| a.f_text().contains("(x - 2)^2")));
    // Removed: reported; the app keeps its problem and goes on.
    std::fs::remove_file(&path).unwrap();
    assert!(step_until(&mut h, |a| notice(a, "removed")));
    assert!(h.state().notice().is_some_and(|n| n.error));
    assert!(h.state().f_text().contains("(x - 2)^2"));
    h.get_by_label("Step").click();
    assert!(step_until(&mut h, |a| a.iteration() >= 1), "still running");
    std::fs::remove_dir_all(&dir).ok();
}

/// B8 with "Explain this step" open.
fn explaining(id: &str) -> Harness<'static, BilevelApp> {
    let p = preset::load_builtin(id).unwrap();
    let launch = Launch {
        preset: Some((PresetSource::Builtin(id.into()), p)),
        teaching: bilevel_lab::app::TeachLaunch {
            explain: true,
            ..Default::default()
        },
        ..Launch::default()
    };
    Harness::builder()
        .with_size(egui::vec2(1500.0, 1000.0))
        .build_eframe(move |cc| BilevelApp::with_settings(&cc.egui_ctx, None, launch))
}

#[test]
fn the_explained_numbers_are_the_records() {
    use bilevel_lab::teaching::{num, vector};
    for (id, steps) in [("b08-mitsos-barton-3-17", 4), ("b01-quadratic", 12)] {
        let mut h = explaining(id);
        h.run_steps(2);
        h.get_by_label("Step N").click();
        h.run_steps(1);
        for _ in 0..steps {
            h.get_by_label("Step").click();
            h.run_steps(1);
        }
        assert!(step_until(&mut h, |a| a.iteration() == 100 + steps));
        h.run_steps(2);
        let r = h.state().selected_record().unwrap().clone();
        // The panel's text, read back from the accessibility tree.
        let lambda = format!("= {}", num(r.lambda));
        let lines = h
            .get_all_by_label_contains("λ = max(0, αρ − ⟨∇f, ∇h⟩)")
            .collect::<Vec<_>>();
        assert_eq!(lines.len(), 1, "{id}");
        let text = format!("{lines:?}");
        assert!(
            text.contains(&lambda),
            "{id}: {text} should end with {lambda}"
        );
        let shows = |h: &Harness<'static, BilevelApp>, text: &str| {
            h.query_all_by_label_contains(text).next().is_some()
        };
        assert!(
            shows(&h, &format!("Δ = −∇f − λ∇h = {}", vector(&r.delta))),
            "{id}: Δ"
        );
        assert!(
            shows(&h, &format!("∇f(z) = {}", vector(&r.grad_f))),
            "{id}: ∇f"
        );
        assert!(shows(&h, &vector(&r.grad_h)), "{id}: ∇h");
        let case = if r.active {
            "active: ⟨∇f, ∇h⟩"
        } else {
            "inactive: ⟨∇f, ∇h⟩"
        };
        assert!(h.query_by_label_contains(case).is_some(), "{id}: the case");
        assert!(
            h.query_by_label_contains(&format!("PGD-QP at iteration {}", r.k))
                .is_some()
        );
    }
}

#[test]
fn playing_the_stages_ends_where_the_next_step_starts() {
    let mut h = explaining("b08-mitsos-barton-3-17");
    h.run_steps(2);
    h.get_by_label("Step").click();
    assert!(step_until(&mut h, |a| a.iteration() == 1));
    h.run_steps(2);
    for expect in bilevel_lab::teaching::Stage::ALL {
        h.get_by_label("stage ▶").click();
        h.run_steps(1);
        assert_eq!(h.state().teaching_stage(), Some(expect));
    }
    let landing = h.state().shown_step().unwrap().next.clone();
    assert!(
        h.query_by_label("the move: z ← the next iterate").is_some(),
        "drawn"
    );
    h.get_by_label("◀ stage").click();
    h.run_steps(1);
    assert_eq!(
        h.state().teaching_stage(),
        Some(bilevel_lab::teaching::Stage::Project)
    );
    // A plain step lands exactly where the stages said.
    h.get_by_label("Step").click();
    assert!(step_until(&mut h, |a| a.iteration() == 2));
    assert_eq!(h.state().selected_record().unwrap().z, landing);
}

#[test]
fn the_history_slider_shows_a_past_iterations_geometry() {
    let mut h = explaining("b01-quadratic");
    h.run_steps(2);
    h.get_by_label("Step N").click();
    assert!(step_until(&mut h, |a| a.iteration() >= 100));
    h.run_steps(2);
    let slider = h.get_by_role_and_label(egui::accesskit::Role::Slider, "iteration");
    slider.set_value_accesskit(37.0);
    h.run_steps(2);
    let shown = h.state().shown_step().unwrap().clone();
    assert!(shown.past);
    assert_eq!(shown.record.k, 37);
    // Its geometry is what the method computes at the kept point of k = 37.
    let mut run = bilevel_lab::method::Run::new(
        h.state().problem().clone(),
        h.state().settings().runs[0].config().unwrap(),
        h.state().settings().runs[0].start.clone(),
    );
    let mut at_37 = None;
    run.advance(38, |r| {
        if r.k == 37 {
            at_37 = Some(r.clone());
        }
    });
    let at_37 = at_37.unwrap();
    assert_eq!(shown.record.z, at_37.z);
    assert_eq!(shown.record.delta, at_37.delta);
    assert_eq!(shown.record.lambda, at_37.lambda);
    assert!(
        h.query_by_label("iteration 37 (history)").is_some(),
        "marked on the plot"
    );
    assert!(
        h.query_by_label_contains("PGD-QP at iteration 37 (from the history)")
            .is_some()
    );
    h.get_by_role_and_label(egui::accesskit::Role::Button, "live")
        .click();
    h.run_steps(2);
    assert!(!h.state().shown_step().unwrap().past);
}

#[test]
fn the_tour_sets_up_each_stop_and_the_lecture_view_hides_controls() {
    let mut h = harness("b08-mitsos-barton-3-17");
    h.run_steps(2);
    h.get_by_label("Tour").click();
    h.run_steps(2);
    assert!(h.query_by_label_contains("Guided tour — 1 of 7").is_some());
    h.get_by_label("show me").click();
    h.run_steps(2);
    let s = h.state().settings();
    assert_eq!(s.source, PresetSource::Builtin("b01-quadratic".into()));
    assert_eq!(s.runs[0].solver.method, MethodKind::Vpbgd);
    assert!(h.state().is_playing());
    h.get_by_label("next ▶").click();
    h.run_steps(2);
    assert!(h.query_by_label_contains("Guided tour — 2 of 7").is_some());
    assert_eq!(
        h.state().settings().runs[0].solver.method,
        MethodKind::PgdQp
    );
    assert!(step_until(&mut h, |a| a.iteration() > 10), "the stop plays");
    // qp1 against qp2: two runs.
    h.get_by_label("next ▶").click();
    h.run_steps(2);
    assert_eq!(h.state().settings().runs.len(), 2);
    // The lecture view (L) hides the editors and the maps, and comes back.
    assert!(h.query_by_label("g(x, y): lower level").is_some());
    h.key_press(egui::Key::L);
    h.run_steps(2);
    assert!(h.state().settings().lecture);
    assert!(h.query_by_label("g(x, y): lower level").is_none());
    assert!(h.query_by_label_contains("Explain this step").is_some());
    // The tour's stop is a tab of the side panel there, not lost with the controls.
    assert!(h.query_by_label_contains("Guided tour — 3 of 7").is_some());
    assert!(
        h.query_by_label("method:").is_none(),
        "the controls are hidden"
    );
    h.get_by_label("Controls").click();
    h.run_steps(2);
    assert!(h.query_by_label("method:").is_some(), "Controls shows them");
    h.get_by_label("Controls").click();
    h.run_steps(2);
    h.get_by_label("☾").click();
    h.run_steps(2);
    assert!(h.state().settings().light);
    h.key_press(egui::Key::L);
    h.run_steps(2);
    assert!(!h.state().settings().lecture);
    assert!(h.query_by_label("g(x, y): lower level").is_some());
}

#[test]
fn the_lecture_toolbar_stays_on_one_line_from_1280_px() {
    // The longest preset name, in the lecture view's 25 % zoom.
    let id = "b11-mitsos-barton-3-24";
    for width in [1280.0, 1440.0] {
        let p = preset::load_builtin(id).unwrap();
        let launch = Launch {
            preset: Some((PresetSource::Builtin(id.into()), p)),
            ..Launch::default()
        };
        let mut h = Harness::builder()
            .with_size(egui::vec2(width, 800.0))
            .build_eframe(move |cc| BilevelApp::with_settings(&cc.egui_ctx, None, launch));
        h.run_steps(2);
        h.key_press(egui::Key::L);
        h.run_steps(3);
        assert!(h.state().settings().lecture);
        let first = h.get_by_label("▶ Play").rect();
        let last = h.get_by_label("☾").rect();
        assert!(
            (first.center().y - last.center().y).abs() < 1.0,
            "the toolbar wrapped at {width}: Play at {first:?}, the theme at {last:?}"
        );
    }
}

/// B1 whose ∇f panics exactly once: on its `panic_at`-th call from the
/// thread named `on_thread` (the solver's, or the UI's).
#[derive(Debug)]
struct PanicsOnce {
    inner: std::sync::Arc<dyn bilevel_lab::problem::Problem>,
    on_thread: String,
    calls: std::sync::atomic::AtomicU64,
    panic_at: u64,
}

impl PanicsOnce {
    fn b01(on_thread: &str, panic_at: u64) -> preset::Preset {
        let mut p = preset::load_builtin("b01-quadratic").unwrap();
        p.problem = std::sync::Arc::new(PanicsOnce {
            inner: p.problem.clone(),
            on_thread: on_thread.into(),
            calls: Default::default(),
            panic_at,
        });
        p
    }
}

impl bilevel_lab::problem::Problem for PanicsOnce {
    fn dims(&self) -> bilevel_lab::problem::Dims {
        self.inner.dims()
    }
    fn variable_names(&self) -> Vec<String> {
        self.inner.variable_names()
    }
    fn f(&self, z: &[f64]) -> f64 {
        self.inner.f(z)
    }
    fn g(&self, z: &[f64]) -> f64 {
        self.inner.g(z)
    }
    fn grad_f(&self, z: &[f64], out: &mut [f64]) -> f64 {
        if std::thread::current().name() == Some(self.on_thread.as_str())
            && self.calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == self.panic_at
        {
            panic!("injected failure in the method");
        }
        self.inner.grad_f(z, out)
    }
    fn grad_g(&self, z: &[f64], out: &mut [f64]) -> f64 {
        self.inner.grad_g(z, out)
    }
    fn hvp_g(&self, z: &[f64], v: &[f64], out: &mut [f64]) {
        self.inner.hvp_g(z, v, out)
    }
    fn hess_g(&self, z: &[f64]) -> nalgebra::DMatrix<f64> {
        self.inner.hess_g(z)
    }
}

fn harness_with(p: preset::Preset) -> Harness<'static, BilevelApp> {
    let launch = Launch {
        preset: Some((PresetSource::Builtin("b01-quadratic".into()), p)),
        ..Launch::default()
    };
    Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .build_eframe(move |cc| BilevelApp::with_settings(&cc.egui_ctx, None, launch))
}

/// Steps frames until a label containing every one of `parts` is shown.
fn shows(h: &mut Harness<'static, BilevelApp>, parts: &[&str]) -> bool {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if parts.iter().all(|p| h.query_by_label_contains(p).is_some()) {
            return true;
        }
        if Instant::now() > deadline {
            return false;
        }
        h.step();
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn a_panic_in_the_solver_is_reported_and_the_app_goes_on() {
    let mut h = harness_with(PanicsOnce::b01("solver", 20));
    h.run_steps(2);
    h.get_by_label("▶ Play").click();
    // Caught on the solver thread; its message is the run's state in the
    // status line, and the iterations before it are kept.
    let failure = [
        "the step panicked at iteration",
        "injected failure in the method",
    ];
    assert!(shows(&mut h, &failure), "the failure is in the status line");
    let at_failure = h.state().iteration();
    assert!(
        (1..20).contains(&at_failure),
        "the run kept the iterations before the panic ({at_failure})"
    );
    // Reset starts the run again (the problem panics only once); it runs on
    // past the iteration that failed.
    h.get_by_label("Reset").click();
    h.run_steps(1);
    if !h.state().is_playing() {
        h.get_by_label("▶ Play").click();
    }
    assert!(
        step_until(&mut h, |a| a.iteration() > 50),
        "the app goes on after the panic"
    );
    assert!(
        h.query_by_label_contains(failure[0]).is_none(),
        "the old failure is gone"
    );
}

#[test]
fn a_panic_while_the_app_evaluates_is_reported_and_the_run_goes_on() {
    // The app calls the problem on its own thread too (explaining and
    // judging the iterate); the harness runs on the test's thread.
    let ui_thread = std::thread::current().name().unwrap().to_string();
    let mut h = harness_with(PanicsOnce::b01(&ui_thread, 3));
    h.run_steps(2);
    h.get_by_label("▶ Play").click();
    assert!(
        shows(
            &mut h,
            &["panicked while", "injected failure in the method"]
        ),
        "the failure is a notice"
    );
    assert!(h.state().notice().is_some_and(|n| n.error));
    let seen = h.state().iteration();
    assert!(
        step_until(&mut h, |a| a.iteration() > seen + 50),
        "the run goes on"
    );
    assert!(h.query_by_label_contains("the step panicked").is_none());
}

#[test]
fn an_edited_problem_drops_the_known_answer_and_gets_a_computed_one() {
    use bilevel_lab::explore::{EndClass, Trap};
    let mut h = harness("b01-quadratic");
    assert!(shows(&mut h, &["Known answer"]));
    // g = (y − x²)²: S(x) = {x²}, so the optimum moves to (1, 1) with F* = 0.
    let role = egui::accesskit::Role::MultilineTextInput;
    let label = "g(x, y): lower level";
    h.get_by_role_and_label(role, label).click();
    h.run_steps(2);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.run_steps(1);
    h.get_by_role_and_label(role, label)
        .type_text("(y - x^2)^2");
    h.run_steps(2);
    assert!(h.state().edit_error().is_none(), "{:?}", h.state().f_text());
    let before = h.state().problem().clone();
    h.get_by_label("Apply").click();
    h.run_steps(2);
    assert!(!std::sync::Arc::ptr_eq(&before, h.state().problem()));
    // At once: the preset's answer no longer holds.
    assert!(h.query_by_label_contains("Known answer").is_none());
    assert!(step_until(&mut h, |a| a.reference_answer().is_some()));
    let answer = h.state().reference_answer().unwrap().clone();
    assert!(!answer.is_known());
    assert!(answer.f.abs() < 1e-9, "{answer:?}");
    let z = answer.z.clone().unwrap();
    assert!(
        (z[0] - 1.0).abs() < 1e-4 && (z[1] - 1.0).abs() < 1e-4,
        "{z:?}"
    );
    assert!(shows(&mut h, &["Computed answer"]));
    // The run reaches (1, 1): judged the optimum, with no "below F*" cross.
    h.get_by_label("▶ Play").click();
    h.get_by_label("max").click();
    h.run_steps(1);
    assert!(step_until(&mut h, |a| a.iteration() >= 3000));
    assert!(step_until(&mut h, |a| a
        .diagnosis()
        .is_some_and(|d| d.k >= 3000)));
    let d = h.state().diagnosis().unwrap().clone();
    assert!(!d.traps.contains(&Trap::BelowOptimum), "{d:?}");
    assert_eq!(d.class, EndClass::Optimum, "{d:?}");
}

#[test]
fn zooming_in_does_not_change_the_true_gap_or_the_class() {
    use bilevel_lab::explore::{EndClass, Trap};
    // Mirrlees' run ends in the right well at x ≈ 1.99, which is not the
    // global lower-level minimum (gap ≈ 0.97). The old search looked over
    // the view's y range and half again: zoomed onto the right well, the
    // left well fell outside it, and the gap read 0.
    let judged_after = |zoom: bool| {
        let mut h = harness("b12-mirrlees");
        assert!(step_until(&mut h, BilevelApp::has_landscape));
        let before = h.state().view().unwrap();
        if zoom {
            // Pinch-zoom about a point of the landscape, right of centre.
            h.event(egui::Event::PointerMoved(egui::pos2(1100.0, 250.0)));
            h.run_steps(1);
            for _ in 0..6 {
                h.event(egui::Event::Zoom(1.8));
                h.run_steps(1);
            }
            let after = h.state().view().unwrap();
            let height = |v: [[f64; 2]; 2]| v[1][1] - v[1][0];
            assert!(
                height(after) < 0.1 * height(before),
                "{before:?} → {after:?}"
            );
        }
        h.get_by_label("▶ Play").click();
        h.get_by_label("max").click();
        h.run_steps(1);
        assert!(step_until(&mut h, |a| a.iteration() >= 3000));
        assert!(step_until(&mut h, |a| a
            .diagnosis()
            .is_some_and(|d| d.k >= 3000)));
        h.state().diagnosis().unwrap().clone()
    };
    let wide = judged_after(false);
    let zoomed = judged_after(true);
    assert!(wide.gap.gap > 0.9, "{wide:?}");
    assert!((zoomed.gap.gap - wide.gap.gap).abs() < 1e-9, "{zoomed:?}");
    assert_eq!(zoomed.class, wide.class);
    assert_eq!(wide.class, EndClass::Trap(Trap::LocalLowerMinimum));
}

#[test]
fn a_flat_lower_level_and_a_kick_are_named_where_the_step_is_explained() {
    // B15: g = −xy has ∂²g/∂y² ≡ 0 — the explanation calls the point flat,
    // not a minimum or a maximum.
    let mut h = explaining("b15-bome-adversarial");
    h.get_by_label("Step N").click();
    h.run_steps(1);
    assert!(step_until(&mut h, |a| a.iteration() >= 100));
    assert!(shows(&mut h, &["Lower level here: LL flat/degenerate"]));
    // B1 from (0, −0.5): the step at 643 kicks the run off the line; the
    // explanation of that iteration says so, with the cause.
    let mut p = preset::load_builtin("b01-quadratic").unwrap();
    p.start_x = vec![0.0];
    p.start_y = vec![-0.5];
    let launch = Launch {
        preset: Some((PresetSource::Builtin("b01-quadratic".into()), p)),
        teaching: bilevel_lab::app::TeachLaunch {
            explain: true,
            ..Default::default()
        },
        ..Launch::default()
    };
    let mut h = Harness::builder()
        .with_size(egui::vec2(1500.0, 1000.0))
        .build_eframe(move |cc| BilevelApp::with_settings(&cc.egui_ctx, None, launch));
    h.state_mut()
        .run_command(bilevel_lab::app::AppCommand::Step(700));
    assert!(step_until(&mut h, |a| a.iteration() >= 700));
    h.run_steps(2);
    // Every iteration is kept: slider position 643 is iteration 643.
    let slider = h.get_by_role_and_label(egui::accesskit::Role::Slider, "iteration");
    slider.set_value_accesskit(643.0);
    h.run_steps(2);
    assert_eq!(h.state().shown_step().unwrap().record.k, 643);
    assert!(shows(
        &mut h,
        &[
            "This step kicks the run off the set — kick at iteration 644: h jumped from 0.00e0 to 2.50e-3: ∂_y g was exactly 0"
        ]
    ));
}

#[test]
fn a_missing_last_preset_keeps_the_session_until_it_returns() {
    use bilevel_lab::app::settings_file;
    let dir = temp_dir("held");
    let path = dir.join(settings_file::FILE_NAME);
    let mine = dir.join("mine.toml");
    // The saved session: on mine.toml, with an edited g and a BOME run.
    let mut saved = bilevel_lab::app::Settings {
        source: PresetSource::File(mine.display().to_string()),
        g_text: Some("y^2 - x*y + 0.5*x^2 + 0.1*y^4".into()),
        f_text: Some("0.5*(x - 1)^2 + 0.5*(y - 1)^2".into()),
        ..Default::default()
    };
    let mut run =
        bilevel_lab::app::RunSpec::from_preset(&preset::load_builtin("b01-quadratic").unwrap());
    run.solver.method = MethodKind::Bome;
    saved.runs = vec![run];
    std::fs::write(&path, serde_json::to_vec(&saved).unwrap()).unwrap();
    // mine.toml is missing (renamed, an unmounted disk …) when the app starts.
    let restored = settings_file::load(&path).unwrap();
    let launch = Launch {
        settings_file: Some(path.clone()),
        ..Launch::default()
    };
    let mut h = launched(restored, launch);
    h.run_steps(2);
    assert!(h.state().holds_session());
    assert!(h.state().notice().unwrap().text.contains("your session"));
    // Time passes and the settings file is written: the session is still there.
    for _ in 0..30 {
        h.step();
        std::thread::sleep(Duration::from_millis(40));
    }
    let on_disk = settings_file::load(&path).unwrap().unwrap();
    assert_eq!(on_disk, saved, "nothing was written over the held session");
    // The file comes back: within a second or so, the session is restored.
    std::fs::copy(
        concat!(env!("CARGO_MANIFEST_DIR"), "/presets/b01-quadratic.toml"),
        &mine,
    )
    .unwrap();
    assert!(step_until(&mut h, |a| !a.holds_session()));
    let s = h.state().settings();
    assert_eq!(s.g_text, saved.g_text);
    assert_eq!(s.runs[0].solver.method, MethodKind::Bome);
    assert!(h.state().notice().unwrap().text.contains("restored"));
    // Missing again at the next start, and the user opens another preset:
    // the held session is set aside, not lost.
    std::fs::remove_file(&mine).unwrap();
    std::fs::write(&path, serde_json::to_vec(&saved).unwrap()).unwrap();
    let restored = settings_file::load(&path).unwrap();
    let launch = Launch {
        settings_file: Some(path.clone()),
        ..Launch::default()
    };
    let mut h = launched(restored, launch);
    h.run_steps(2);
    h.state_mut()
        .run_command(bilevel_lab::app::AppCommand::OpenBuiltin(
            "b12-mirrlees".into(),
        ));
    h.run_steps(1);
    assert!(!h.state().holds_session());
    let aside = dir.join(format!("{}.held", settings_file::FILE_NAME));
    let kept: bilevel_lab::app::Settings =
        serde_json::from_slice(&std::fs::read(&aside).unwrap()).unwrap();
    assert_eq!(kept, saved);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn switching_presets_keeps_the_edits_and_going_back_brings_them_back() {
    let mut h = harness("b01-quadratic");
    h.run_steps(2);
    type_into(&mut h, "g(x, y): lower level", " + 0.1*y^4");
    assert!(h.state().settings().g_text.is_some());
    h.state_mut()
        .run_command(bilevel_lab::app::AppCommand::OpenBuiltin(
            "b12-mirrlees".into(),
        ));
    h.run_steps(2);
    // The edits are asked about first.
    h.get_by_label("Keep them for later").click();
    h.run_steps(2);
    let s = h.state().settings();
    assert_eq!(s.g_text, None, "Mirrlees opens as it is");
    assert_eq!(s.kept_edits.len(), 1);
    assert!(h.state().notice().unwrap().text.contains("kept"));
    h.state_mut()
        .run_command(bilevel_lab::app::AppCommand::OpenBuiltin(
            "b01-quadratic".into(),
        ));
    h.run_steps(1);
    let s = h.state().settings();
    assert!(
        s.g_text
            .as_deref()
            .is_some_and(|g| g.ends_with(" + 0.1*y^4")),
        "{:?}",
        s.g_text
    );
    assert!(
        s.kept_edits.iter().all(|k| !k.bring_back),
        "brought back once"
    );
    assert_eq!(h.state().earlier_edits().len(), 1, "and listed");
    assert!(h.state().notice().unwrap().text.contains("are back"));
    // Back, but not applied: the runs still use the preset's g.
    assert!(h.state().edit_error().is_none());
}

#[test]
fn drawing_the_editors_never_changes_a_stored_value() {
    // K above the editor's drag range (1e12): a valid value that a
    // clamping editor would silently lower to 1e12.
    let (source, p) = builtin("b01-quadratic");
    let mut spec = bilevel_lab::app::RunSpec::from_preset(&p);
    spec.solver.iterations = 5_000_000_000_000;
    let stored = Settings {
        source: source.clone(),
        runs: vec![spec],
        ..Settings::default()
    };
    let mut h = launched(
        Some(stored),
        Launch {
            preset: Some((source, p)),
            ..Launch::default()
        },
    );
    h.run_steps(5);
    assert_eq!(
        h.state().settings().runs[0].solver.iterations,
        5_000_000_000_000
    );
}

/// b01 with `edit` typed at the end of g, and a switch to Mirrlees asked
/// for.
fn edited_and_leaving(typed_paths: bool, edit: &str) -> Harness<'static, BilevelApp> {
    let mut h = launched(
        None,
        Launch {
            preset: Some(builtin("b01-quadratic")),
            typed_paths,
            ..Launch::default()
        },
    );
    h.run_steps(2);
    type_into(&mut h, "g(x, y): lower level", edit);
    h.state_mut()
        .run_command(bilevel_lab::app::AppCommand::OpenBuiltin(
            "b12-mirrlees".into(),
        ));
    h.run_steps(2);
    h
}

fn source_of(h: &Harness<'static, BilevelApp>) -> String {
    h.state().settings().source.label().to_string()
}

#[test]
fn leaving_an_edited_preset_asks_and_a_dropped_edit_can_be_restored() {
    let mut h = edited_and_leaving(false, " + 0.1*y^4");
    h.get_by_label("Cancel").click();
    h.run_steps(2);
    assert_eq!(source_of(&h), "b01-quadratic", "Cancel stays");
    assert!(h.state().settings().g_text.is_some(), "with the edits");

    h.state_mut()
        .run_command(bilevel_lab::app::AppCommand::OpenBuiltin(
            "b12-mirrlees".into(),
        ));
    h.run_steps(2);
    h.get_by_label("Drop them").click();
    h.run_steps(2);
    assert_eq!(source_of(&h), "b12-mirrlees");
    // Mirrlees has no edits: going back is not asked, and b01 opens as it is.
    h.state_mut()
        .run_command(bilevel_lab::app::AppCommand::OpenBuiltin(
            "b01-quadratic".into(),
        ));
    h.run_steps(2);
    assert_eq!(source_of(&h), "b01-quadratic");
    assert_eq!(
        h.state().settings().g_text,
        None,
        "dropped: not brought back"
    );
    let earlier: Vec<usize> = h.state().earlier_edits().iter().map(|(i, _)| *i).collect();
    assert_eq!(earlier.len(), 1, "but kept among the earlier edits");
    h.state_mut()
        .run_command(bilevel_lab::app::AppCommand::RestoreEdit(earlier[0]));
    h.run_steps(2);
    let g = h.state().settings().g_text.clone().unwrap_or_default();
    assert!(g.ends_with(" + 0.1*y^4"), "{g}");
}

#[test]
fn an_edit_saved_as_a_new_preset_through_the_typed_path_field() {
    let dir = temp_dir("save-as-new");
    let path = dir.join("quartic.toml");
    let mut h = edited_and_leaving(true, " + 0.1*y^4");
    h.get_by_label("Save as a new preset…").click();
    h.run_steps(2);
    // --typed-paths: the field says why it is there and takes the path.
    assert!(shows(&mut h, &["--typed-paths"]));
    common::type_path(&mut h, &path);
    h.get_by_label("Save").click();
    h.run_steps(2);
    assert_eq!(source_of(&h), "b12-mirrlees", "switched once saved");
    let saved = preset::load_path(&path).unwrap();
    match saved.spec {
        preset::ProblemSpec::Expression { g, .. } => assert!(g.ends_with(" + 0.1*y^4"), "{g}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        h.state().settings().recent_dir.as_deref(),
        Some(dir.to_str().unwrap()),
        "the next field starts here"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn the_comparison_finds_when_the_run_reached_the_answer_off_the_ui_thread() {
    // B1 with its defaults: within 1e-6 of z* (with h and the true gap) at
    // k = 265, by its own KKT residual at k = 165 (`compare` says the same).
    let mut h = harness("b01-quadratic");
    h.run_steps(2);
    h.state_mut()
        .run_command(bilevel_lab::app::AppCommand::Step(300));
    assert!(step_until(&mut h, |a| a.iteration() == 300));
    assert!(shows(&mut h, &["k = 265", "k = 165"]), "reached and own");
}

#[test]
fn an_edit_that_does_not_compile_cannot_be_saved_as_a_preset_on_leaving() {
    let mut h = edited_and_leaving(true, " + (");
    assert!(
        shows(&mut h, &["Not while the edit has an error"]),
        "the choice says why it is off"
    );
    h.state_mut()
        .run_command(bilevel_lab::app::AppCommand::AnswerSwitch(
            bilevel_lab::app::SwitchAnswer::SaveAsPreset,
        ));
    h.run_steps(2);
    assert_eq!(source_of(&h), "b01-quadratic", "still here");
    assert!(
        h.state()
            .notice()
            .unwrap()
            .text
            .contains("cannot be saved as a preset")
    );
    h.get_by_label("Drop them").click();
    h.run_steps(2);
    assert_eq!(source_of(&h), "b12-mirrlees");
}

#[test]
fn the_arrows_along_the_path_arrive_from_their_thread() {
    let mut h = harness("b01-quadratic");
    h.run_steps(2);
    h.state_mut()
        .run_command(bilevel_lab::app::AppCommand::Step(300));
    assert!(step_until(&mut h, |a| a.iteration() == 300));
    assert_eq!(h.state().path_arrow_count(), 0, "off by default");
    let layers = &mut h.state_mut().settings_mut().layers;
    layers.path_arrows = true;
    layers.path_arrow_every = 100;
    // The 300 steps taken are those of iterations 0 to 299: one set at
    // the first of each hundred.
    assert!(step_until(&mut h, |a| a.path_arrow_count() == 3));
    // Another spacing asks again.
    h.state_mut().settings_mut().layers.path_arrow_every = 50;
    assert!(step_until(&mut h, |a| a.path_arrow_count() == 6));
}
