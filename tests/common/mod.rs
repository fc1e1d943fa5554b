//! Helpers shared by the tests that drive the binary (`cli.rs`,
//! `os_edge.rs`); each test crate uses only some of them.

#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Output};

/// The built binary.
pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_bilevel-lab"))
}

/// Runs the binary with `args` and collects its output.
pub fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("the binary runs")
}

/// Standard error as text.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A fresh directory under the system's temporary directory.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("bilevel-{name}-{}", std::process::id()));
    std::fs::remove_dir_all(&dir).ok();
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// The path of a built-in preset's file.
pub fn preset_path(id: &str) -> String {
    format!("{}/presets/{id}.toml", env!("CARGO_MANIFEST_DIR"))
}

/// Types `path` into the app's typed-path field (it replaces what is there).
#[cfg(feature = "gui")]
pub fn type_path(
    h: &mut egui_kittest::Harness<'static, bilevel_lab::app::BilevelApp>,
    path: &std::path::Path,
) {
    use eframe::egui;
    use egui_kittest::kittest::Queryable;
    let field = egui::accesskit::Role::TextInput;
    h.get_by_role_and_label(field, "Path:").click();
    h.run_steps(1);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.get_by_role_and_label(field, "Path:")
        .type_text(path.to_str().unwrap_or_default());
    h.run_steps(1);
}

/// A mouse wheel's scroll up over `at`, and the frames it takes.
#[cfg(feature = "gui")]
pub fn scroll_up(
    h: &mut egui_kittest::Harness<'static, bilevel_lab::app::BilevelApp>,
    at: eframe::egui::Pos2,
) {
    use eframe::egui;
    h.input_mut().events.push(egui::Event::PointerMoved(at));
    h.input_mut().events.push(egui::Event::MouseWheel {
        unit: egui::MouseWheelUnit::Point,
        delta: egui::vec2(0.0, 120.0),
        modifiers: egui::Modifiers::NONE,
        phase: egui::TouchPhase::Move,
        source: egui::MouseWheelSource::Wheel,
    });
    h.run_steps(6);
}

/// The app on built-in preset `id` in a window of `size` points, with no
/// stored settings.
#[cfg(feature = "gui")]
pub fn app_on(
    id: &str,
    size: [f32; 2],
) -> egui_kittest::Harness<'static, bilevel_lab::app::BilevelApp> {
    use bilevel_lab::app::{BilevelApp, Launch, PresetSource};
    let preset = bilevel_lab::preset::load_builtin(id).expect("a built-in preset");
    let launch = Launch {
        preset: Some((PresetSource::Builtin(id.into()), preset)),
        ..Launch::default()
    };
    egui_kittest::Harness::builder()
        .with_size(eframe::egui::vec2(size[0], size[1]))
        .build_eframe(move |cc| BilevelApp::with_settings(&cc.egui_ctx, None, launch))
}

/// Steps frames until `done` holds or `seconds` pass; whether it held.
#[cfg(feature = "gui")]
pub fn step_until(
    h: &mut egui_kittest::Harness<'static, bilevel_lab::app::BilevelApp>,
    seconds: u64,
    mut done: impl FnMut(&bilevel_lab::app::BilevelApp) -> bool,
) -> bool {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
    while std::time::Instant::now() < deadline {
        h.step();
        if done(h.state()) {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    false
}
