//! Playing with the problem itself, through egui_kittest without a GPU:
//! constants as sliders, edits applied as typed, undo and redo.

#![cfg(feature = "gui")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use bilevel_lab::app::{BilevelApp, Launch, PresetSource};
use bilevel_lab::preset;
use eframe::egui;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use std::sync::Arc;
use std::time::Duration;

/// The app on built-in preset `id`, tall enough that the problem panel's
/// sliders are on screen without scrolling.
fn harness(id: &str) -> Harness<'static, BilevelApp> {
    common::app_on(id, [1400.0, 1400.0])
}

/// Steps frames until `done` holds or ten seconds pass.
fn step_until(h: &mut Harness<'static, BilevelApp>, done: impl FnMut(&BilevelApp) -> bool) -> bool {
    common::step_until(h, 10, done)
}

/// Every f contour level of the landscape drawn, and its first point.
fn f_contours(app: &BilevelApp) -> Vec<(f64, Option<[f64; 2]>)> {
    app.landscape()
        .map(|l| {
            l.f_contours
                .iter()
                .map(|(level, lines)| (*level, lines.first().and_then(|l| l.first().copied())))
                .collect()
        })
        .unwrap_or_default()
}

/// The value of constant `name` in the sliders.
fn constant(app: &BilevelApp, name: &str) -> f64 {
    app.constants()
        .iter()
        .find(|c| c.name == name)
        .unwrap()
        .value
}

/// Every run's start.
fn run_starts(app: &BilevelApp) -> Vec<Vec<f64>> {
    app.settings()
        .runs
        .iter()
        .map(|r| r.start.clone())
        .collect()
}

/// Drags the slider labelled `name` by `dx` points, as a hand would.
fn drag_slider(h: &mut Harness<'static, BilevelApp>, name: &str, dx: f32) {
    let rect = h
        .get_by_role_and_label(egui::accesskit::Role::Slider, name)
        .rect();
    let from = rect.center();
    h.hover_at(from);
    h.run_steps(1);
    h.drag_at(from);
    h.run_steps(1);
    for i in 1..=4 {
        h.hover_at(from + egui::vec2(dx * i as f32 / 4.0, 0.0));
        h.run_steps(1);
    }
    h.drop_at(from + egui::vec2(dx, 0.0));
    h.run_steps(1);
}

/// Types `text` at the end of the editor labelled `label`.
fn type_into(h: &mut Harness<'static, BilevelApp>, label: &str, text: &str) {
    let role = egui::accesskit::Role::MultilineTextInput;
    h.get_by_role_and_label(role, label).click();
    h.run_steps(2);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::End);
    h.run_steps(1);
    h.get_by_role_and_label(role, label).type_text(text);
    h.run_steps(1);
}

#[test]
fn dragging_a_constants_slider_redraws_the_landscape_and_keeps_the_starts() {
    let mut h = harness("b05-sin");
    assert!(step_until(&mut h, BilevelApp::has_landscape));
    // A start of the user's own, and a run under way.
    h.state_mut()
        .run_command(bilevel_lab::app::AppCommand::SetStart([1.0, 1.0]));
    h.state_mut()
        .run_command(bilevel_lab::app::AppCommand::Step(50));
    assert!(step_until(&mut h, |a| a.iteration() == 50));
    let before = f_contours(h.state());
    let problem = h.state().problem().clone();
    let starts = run_starts(h.state());
    assert_eq!(starts, [vec![1.0, 1.0]]);
    let a = |app: &BilevelApp| {
        app.constants()
            .iter()
            .find(|c| c.name == "a")
            .unwrap()
            .value
    };
    assert_eq!(a(h.state()), 2.0);
    drag_slider(&mut h, "a", 60.0);
    let moved = a(h.state());
    assert!(moved > 2.0, "the slider moved a: {moved}");
    assert!(
        !Arc::ptr_eq(h.state().problem(), &problem),
        "the runs use the problem with the new a"
    );
    let f_now = h.state().problem().f(&[moved, moved + 2.0]);
    assert!(
        f_now.abs() < 1e-12,
        "f = (x − a)² + (y − a − c)² with the new a: {f_now}"
    );
    assert!(
        step_until(&mut h, |app| {
            let now = f_contours(app);
            !now.is_empty() && now != before
        }),
        "the landscape's contours of f are redrawn"
    );
    let kept = run_starts(h.state());
    assert_eq!(kept, starts, "the runs' starts are kept");
    assert_eq!(
        h.state().iteration(),
        0,
        "the runs restarted from their starts"
    );
    let text = h.state().preset_text();
    let exported = preset::load_str(&text, "exported").unwrap();
    let preset::ProblemSpec::Expression { constants, .. } = &exported.spec else {
        panic!("an expression preset");
    };
    assert_eq!(
        (constants[0].value, constants[0].range),
        (moved, Some([-2.0, 6.0])),
        "the exported preset keeps the value and the slider's range: {text}"
    );
    assert!(
        exported.reference.is_none(),
        "the stated answer was a = 2's"
    );
}

#[test]
fn a_valid_typed_edit_applies_by_itself_and_an_invalid_one_does_not() {
    let mut h = harness("b01-quadratic");
    assert!(step_until(&mut h, BilevelApp::has_landscape));
    let first = h.state().problem().clone();
    type_into(&mut h, "g(x, y): lower level", " +* ");
    assert!(h.state().edit_error().is_some());
    std::thread::sleep(Duration::from_millis(800));
    h.run_steps(3);
    assert!(
        Arc::ptr_eq(h.state().problem(), &first),
        "an invalid edit leaves the last valid problem in use"
    );
    // Put it right: the text now compiles and, after the pause, is used
    // without Apply.
    for _ in 0..4 {
        h.key_press(egui::Key::Backspace);
    }
    h.run_steps(1);
    type_into(&mut h, "g(x, y): lower level", " + 0.1*y^4");
    assert!(
        h.state().edit_error().is_none(),
        "{:?}",
        h.state().edit_error()
    );
    assert!(
        step_until(&mut h, |app| !Arc::ptr_eq(app.problem(), &first)),
        "a valid edit applies by itself"
    );
    let added = h.state().problem().g(&[0.5, 2.0]) - first.g(&[0.5, 2.0]);
    assert!(
        (added - 0.1 * 16.0).abs() < 1e-12,
        "g has the new term: {added}"
    );
}

#[test]
fn undo_restores_the_previous_text_and_problem_and_redo_brings_the_edit_back() {
    let mut h = harness("b01-quadratic");
    assert!(step_until(&mut h, BilevelApp::has_landscape));
    let original_text = h.state().g_text().to_string();
    let original_g = h.state().problem().g(&[0.3, 0.7]);
    type_into(&mut h, "g(x, y): lower level", " + 0.1*y^4");
    h.get_by_label("Apply").click();
    h.run_steps(2);
    let edited_g = h.state().problem().g(&[0.3, 0.7]);
    assert!((edited_g - original_g - 0.1 * 0.7f64.powi(4)).abs() < 1e-12);
    // Ctrl+Z: the problem's undo, not only the text's.
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    h.run_steps(2);
    assert_eq!(
        h.state().problem().g(&[0.3, 0.7]),
        original_g,
        "the problem is back"
    );
    assert_eq!(h.state().g_text(), original_text, "and its text");
    h.key_press_modifiers(
        egui::Modifiers::COMMAND | egui::Modifiers::SHIFT,
        egui::Key::Z,
    );
    h.run_steps(2);
    assert_eq!(
        h.state().problem().g(&[0.3, 0.7]),
        edited_g,
        "redo brings the edit back"
    );
    assert!(
        h.state().g_text().ends_with("0.1*y^4"),
        "{}",
        h.state().g_text()
    );
}

#[test]
fn an_undeclared_name_is_offered_as_a_constant_with_a_slider() {
    let mut h = harness("b01-quadratic");
    assert!(step_until(&mut h, BilevelApp::has_landscape));
    type_into(&mut h, "f(x, y): upper level", " + k*x");
    let error = h.state().edit_error().expect("k is unknown");
    assert!(error.contains("unknown name 'k'"), "{error}");
    assert_eq!(h.state().undeclared_names(), ["k"]);
    h.run_steps(1);
    h.get_by_label("make `k` a constant").click();
    h.run_steps(2);
    assert!(h.state().edit_error().is_none());
    assert_eq!(h.state().constants().len(), 1);
    assert!(
        h.query_by_role_and_label(egui::accesskit::Role::Slider, "k")
            .is_some(),
        "k has a slider"
    );
    let f = |app: &BilevelApp| app.problem().f(&[1.0, 0.0]);
    let with_k1 = f(h.state());
    drag_slider(&mut h, "k", 80.0);
    assert!(f(h.state()) > with_k1, "a larger k raises f at x = 1");
}

mod common;

/// The app on `launch`, typing paths instead of opening dialogs.
fn launched(launch: Launch) -> Harness<'static, BilevelApp> {
    let launch = Launch {
        typed_paths: true,
        ..launch
    };
    Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .build_eframe(move |cc| BilevelApp::with_settings(&cc.egui_ctx, None, launch))
}

/// The figure the app's Export ▸ Figure would draw now, as SVG text.
fn figure_svg(app: &BilevelApp) -> String {
    let input = app.figure_input().expect("a view");
    bilevel_lab::figure::svg(&input, &app.figure_style()).unwrap()
}

/// B5 with a moved constant (a = 2.5), three runs of three methods from
/// three starts, a light theme and a stage explained, run 150 iterations
/// and saved as a session through Export ▸ Session: the app and the file.
fn saved_session(name: &str) -> (Harness<'static, BilevelApp>, std::path::PathBuf) {
    use bilevel_lab::app::AppCommand;
    use bilevel_lab::method::MethodKind;
    let id = "b05-sin";
    let mut h = launched(Launch {
        preset: Some((
            PresetSource::Builtin(id.into()),
            preset::load_builtin(id).unwrap(),
        )),
        ..Launch::default()
    });
    assert!(step_until(&mut h, BilevelApp::has_landscape));
    // A moved constant, three runs of three methods from three starts, a
    // light theme, a stage explained, 150 iterations.
    let app = h.state_mut();
    app.run_command(AppCommand::SetConstant("a".into(), 2.5));
    app.run_command(AppCommand::AddRun);
    app.run_command(AppCommand::AddRun);
    for (slot, method, start) in [
        (1, MethodKind::Bome, [2.0, 4.0]),
        (2, MethodKind::Vpbgd, [1.0, 1.0]),
    ] {
        let mut spec = app.settings().runs[slot].clone();
        spec.solver.method = method;
        spec.start = start.to_vec();
        app.run_command(AppCommand::SetRun(slot, Box::new(spec)));
    }
    // Every run from its own start.
    app.run_command(AppCommand::Reset);
    app.run_command(AppCommand::ToggleTheme);
    app.run_command(AppCommand::ShowStage(Some(
        bilevel_lab::teaching::Stage::Project,
    )));
    app.run_command(AppCommand::Step(150));
    assert!(step_until(&mut h, |a| a.runs_reached(150)
        && a.reference_answer().is_some()));
    let dir = common::temp_dir(name);
    let path = dir.join("three-runs.toml");
    h.state_mut().run_command(AppCommand::ExportSession);
    h.run_steps(2);
    common::type_path(&mut h, &path);
    h.get_by_label("Save").click();
    assert!(
        step_until(&mut h, |_| path.exists()),
        "the session is written"
    );
    let saved = std::fs::read_to_string(&path).unwrap();
    assert_eq!(saved.matches("[[runs]]").count(), 3, "{saved}");
    assert!(
        saved.contains("Edited from the preset: a was 2 (now 2.5)."),
        "the preset's text is not passed off as the session's: {saved}"
    );
    (h, path)
}

#[test]
fn a_saved_session_of_three_methods_reopens_with_the_same_runs_view_and_figure() {
    use bilevel_lab::method::MethodKind;
    let (h, path) = saved_session("session");
    // Opened as `bilevel-lab three-runs.toml` would open it.
    let loaded = preset::load_path(&path).unwrap();
    let mut again = launched(Launch {
        preset: Some((PresetSource::File(path.display().to_string()), loaded)),
        ..Launch::default()
    });
    assert!(step_until(&mut again, |a| a.has_landscape()
        && a.runs_reached(150)
        && a.reference_answer().is_some()));
    let (before, after) = (h.state(), again.state());
    let methods = |a: &BilevelApp| -> Vec<(MethodKind, Vec<f64>)> {
        a.settings()
            .runs
            .iter()
            .map(|r| (r.solver.method, r.start.clone()))
            .collect()
    };
    assert_eq!(methods(after), methods(before));
    assert_eq!(
        methods(after).iter().map(|m| m.0).collect::<Vec<_>>(),
        [MethodKind::PgdQp, MethodKind::Bome, MethodKind::Vpbgd]
    );
    let values = |a: &BilevelApp| -> Vec<(String, f64)> {
        a.constants()
            .iter()
            .map(|c| (c.name.clone(), c.value))
            .collect()
    };
    assert_eq!(values(after), values(before), "a = 2.5 is back");
    assert_eq!(
        after.constants()[0].range,
        Some([-2.0, 6.0]),
        "with the range its slider spanned (−1 to 3 times the preset's 2)"
    );
    assert_eq!(after.view(), before.view(), "the view");
    assert_eq!(after.settings().light, before.settings().light);
    assert_eq!(after.settings().layers, before.settings().layers);
    assert_eq!(after.selected(), before.selected());
    assert_eq!(
        after.selected_record().map(|r| r.z.clone()),
        before.selected_record().map(|r| r.z.clone()),
        "the selected run is at the same iterate"
    );
    assert_eq!(figure_svg(after), figure_svg(before), "the same figure");
}

#[test]
fn a_session_opened_with_a_moved_constant_runs_the_restarted_runs_to_its_iteration() {
    let (_, path) = saved_session("session-moved");
    // The constant moved as the session opens (`--constant`) restarts the
    // runs before they are run to the saved iteration, not after.
    let loaded = preset::load_path(&path).unwrap();
    let mut moved = launched(Launch {
        preset: Some((PresetSource::File(path.display().to_string()), loaded)),
        constants: vec![("a".into(), 3.0)],
        ..Launch::default()
    });
    assert!(step_until(&mut moved, |a| a.runs_reached(150)));
    moved.run_steps(3);
    for i in 0..3 {
        // At the saved iteration, or where it stopped on the way.
        let k = moved.state().run_iteration(i);
        assert!((1..=150).contains(&k), "run {} at {k}", i + 1);
    }
    assert_eq!(
        moved.state().run_iteration(0),
        150,
        "PGD-QP from (0, 0) runs on"
    );
    assert_eq!(moved.state().problem().f(&[3.0, 5.0]), 0.0, "with a = 3");
}

#[test]
fn the_split_view_shows_each_runs_own_correction_at_the_same_iteration() {
    use bilevel_lab::method::MethodKind;
    let mut p = preset::load_builtin("b01-quadratic").unwrap();
    let start = p.start();
    p.runs = [MethodKind::PgdQp, MethodKind::Bome]
        .map(|kind| preset::PresetRun {
            solver: p.solver.with_method(kind),
            start: start.clone(),
        })
        .to_vec();
    let mut h = launched(Launch {
        preset: Some((PresetSource::Builtin("b01-quadratic".into()), p)),
        split: true,
        ..Launch::default()
    });
    assert!(step_until(&mut h, BilevelApp::has_landscape));
    assert_eq!(h.state().settings().split, Some([0, 1]));
    h.state_mut()
        .run_command(bilevel_lab::app::AppCommand::Step(40));
    assert!(step_until(&mut h, |a| a.runs_reached(40)));
    h.run_steps(3);
    let iterations: Vec<u64> = (0..2).map(|i| h.state().run_iteration(i)).collect();
    assert_eq!(iterations, [40, 40], "both runs at the same iteration");
    // Each pane draws its own run's arrows: PGD-QP's perturbation on the
    // left, BOME's on the right (one landscape shows only the selected
    // run's).
    for label in [
        "−λ∇h: the perturbation the QP adds",
        "−λ∇q: BOME's correction",
    ] {
        assert!(h.query_by_label(label).is_some(), "{label} is in a legend");
    }
    // One view: zooming over the right pane zooms the left one as well
    // (the view the app records is the left pane's).
    let left = h.state().landscape_rect().unwrap();
    let before = h.state().view().unwrap();
    let over_right = left.center() + egui::vec2(left.width() + 20.0, 0.0);
    common::scroll_up(&mut h, over_right);
    let after = h.state().view().unwrap();
    let width = |v: [[f64; 2]; 2]| v[0][1] - v[0][0];
    assert!(
        width(after) < 0.9 * width(before),
        "the left pane zoomed with the right: {before:?} → {after:?}"
    );
    h.state_mut()
        .run_command(bilevel_lab::app::AppCommand::SetSplit(None));
    h.run_steps(3);
    let shown = [
        "−λ∇h: the perturbation the QP adds",
        "−λ∇q: BOME's correction",
    ]
    .iter()
    .filter(|l| h.query_by_label(l).is_some())
    .count();
    assert_eq!(shown, 1, "one landscape: the selected run's arrows only");
}

#[test]
fn with_keep_iterating_a_moved_constant_leaves_the_runs_where_they_are() {
    let mut h = harness("b05-sin");
    assert!(step_until(&mut h, BilevelApp::has_landscape));
    h.get_by_label("keep iterating").click();
    h.run_steps(1);
    assert!(!h.state().settings().restart_on_change);
    h.state_mut()
        .run_command(bilevel_lab::app::AppCommand::Step(50));
    assert!(step_until(&mut h, |a| a.iteration() == 50));
    let problem = h.state().problem().clone();
    drag_slider(&mut h, "c", -40.0);
    assert!(!Arc::ptr_eq(h.state().problem(), &problem), "c moved");
    h.run_steps(2);
    assert_eq!(h.state().iteration(), 50, "the run was not restarted");
    h.state_mut()
        .run_command(bilevel_lab::app::AppCommand::Step(10));
    assert!(
        step_until(&mut h, |a| a.iteration() == 60),
        "and it goes on from there on the new problem"
    );
}

#[test]
fn moved_constants_are_asked_about_on_leaving_and_come_back_with_the_preset() {
    use bilevel_lab::app::{AppCommand, SwitchAnswer};
    let mut h = harness("b05-sin");
    assert!(step_until(&mut h, BilevelApp::has_landscape));
    h.state_mut()
        .run_command(AppCommand::SetConstant("a".into(), 3.25));
    h.state_mut()
        .run_command(AppCommand::OpenBuiltin("b01-quadratic".into()));
    h.run_steps(2);
    assert!(
        h.query_by_label_contains("Its f, g or constants are edited")
            .is_some(),
        "leaving asks, although only a constant moved"
    );
    h.state_mut()
        .run_command(AppCommand::AnswerSwitch(SwitchAnswer::Keep));
    h.run_steps(2);
    assert!(h.state().constants().is_empty(), "B1 has none");
    h.state_mut()
        .run_command(AppCommand::OpenBuiltin("b05-sin".into()));
    h.run_steps(2);
    assert_eq!(
        constant(h.state(), "a"),
        3.25,
        "the moved value is back in the slider"
    );
    // Revert puts the preset's values back, and the preset's own problem.
    h.get_by_label("Revert").click();
    h.run_steps(2);
    assert_eq!(constant(h.state(), "a"), 2.0);
    assert_eq!(h.state().problem().f(&[2.0, 4.0]), 0.0);
}

#[test]
fn removing_a_run_keeps_the_split_view_on_the_runs_it_showed() {
    use bilevel_lab::app::AppCommand;
    let mut h = harness("b01-quadratic");
    h.run_steps(2);
    let app = h.state_mut();
    app.run_command(AppCommand::AddRun);
    app.run_command(AppCommand::AddRun);
    app.run_command(AppCommand::SetSplit(Some([0, 2])));
    app.run_command(AppCommand::RemoveRun(1));
    assert_eq!(app.settings().split, Some([0, 1]), "run 3 is now run 2");
    app.run_command(AppCommand::RemoveRun(1));
    assert_eq!(app.settings().split, None, "a run it showed is gone");
}

#[test]
fn undo_of_text_not_yet_applied_puts_it_back_without_restarting_the_runs() {
    let mut h = harness("b01-quadratic");
    assert!(step_until(&mut h, BilevelApp::has_landscape));
    h.state_mut()
        .run_command(bilevel_lab::app::AppCommand::Step(30));
    assert!(step_until(&mut h, |a| a.iteration() == 30));
    let (text, problem) = (h.state().f_text().to_string(), h.state().problem().clone());
    type_into(&mut h, "f(x, y): upper level", " +* ");
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    h.run_steps(2);
    assert_eq!(h.state().f_text(), text, "the text the runs use is back");
    assert!(Arc::ptr_eq(h.state().problem(), &problem));
    assert_eq!(h.state().iteration(), 30, "nothing restarted");
}
