//! The window's layout at the sizes a lecturer uses: a laptop (1280 × 800,
//! 1366 × 768, 1440 × 900) and a projector (1920 × 1080), in the normal and
//! the lecture view, dark and light; and the landscape's view controls.

#![cfg(feature = "gui")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use bilevel_lab::app::{BilevelApp, Launch, TeachLaunch};
use bilevel_lab::preset::{self, PresetSource};
use eframe::egui;
use egui_kittest::Harness;

mod common;
use common::scroll_up;
use egui_kittest::kittest::Queryable;

const SIZES: [[f32; 2]; 4] = [
    [1280.0, 800.0],
    [1366.0, 768.0],
    [1440.0, 900.0],
    [1920.0, 1080.0],
];

/// The share of the window the landscape plot takes, and its rectangle.
fn landscape_share(size: [f32; 2], lecture: bool, light: bool) -> (f32, egui::Rect) {
    let id = "b08-mitsos-barton-3-17";
    let launch = Launch {
        preset: Some((
            PresetSource::Builtin(id.into()),
            preset::load_builtin(id).unwrap(),
        )),
        teaching: TeachLaunch {
            lecture,
            light,
            ..TeachLaunch::default()
        },
        ..Launch::default()
    };
    let mut h = Harness::builder()
        .with_size(egui::vec2(size[0], size[1]))
        .build_eframe(move |cc| BilevelApp::with_settings(&cc.egui_ctx, None, launch));
    h.run_steps(4);
    let rect = h.state().landscape_rect().expect("the landscape was drawn");
    let window = h.ctx.content_rect();
    (rect.area() / window.area(), rect)
}

#[test]
fn the_lecture_view_gives_the_landscape_half_the_window_in_either_theme() {
    for size in SIZES {
        let (share, dark) = landscape_share(size, true, false);
        assert!(
            share >= 0.5,
            "lecture view at {size:?}: the landscape has {:.0} % of the window ({dark:?})",
            100.0 * share
        );
        let (_, light) = landscape_share(size, true, true);
        assert_eq!(dark, light, "light and dark lay out alike at {size:?}");
    }
}

#[test]
fn the_normal_view_keeps_a_usable_landscape_in_either_theme() {
    for size in SIZES {
        let (share, dark) = landscape_share(size, false, false);
        assert!(
            share >= 0.33 && dark.width() >= 0.6 * size[0],
            "normal view at {size:?}: the landscape has {:.0} % of the window ({dark:?})",
            100.0 * share
        );
        let (_, light) = landscape_share(size, false, true);
        assert_eq!(dark, light, "light and dark lay out alike at {size:?}");
    }
}

fn b01() -> Harness<'static, BilevelApp> {
    let id = "b01-quadratic";
    let launch = Launch {
        preset: Some((
            PresetSource::Builtin(id.into()),
            preset::load_builtin(id).unwrap(),
        )),
        ..Launch::default()
    };
    let mut h = Harness::builder()
        .with_size(egui::vec2(1440.0, 900.0))
        .build_eframe(move |cc| BilevelApp::with_settings(&cc.egui_ctx, None, launch));
    h.run_steps(3);
    h
}

fn click(h: &mut Harness<'static, BilevelApp>, at: egui::Pos2) {
    for pressed in [true, false] {
        h.input_mut().events.push(egui::Event::PointerButton {
            pos: at,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: egui::Modifiers::NONE,
        });
    }
    h.step();
}

#[test]
fn scroll_zooms_about_the_pointer_and_reset_or_a_double_click_returns_to_the_presets_view() {
    let mut h = b01();
    let preset_view = h.state().view().unwrap();
    let rect = h.state().landscape_rect().unwrap();
    let at = rect.center();
    scroll_up(&mut h, at);
    let zoomed = h.state().view().unwrap();
    let width = |v: [[f64; 2]; 2]| v[0][1] - v[0][0];
    assert!(
        width(zoomed) < 0.9 * width(preset_view),
        "scrolling up zooms in: {preset_view:?} → {zoomed:?}"
    );
    h.get_by_label("⟲ reset view").click();
    h.run_steps(2);
    assert_eq!(h.state().view().unwrap(), preset_view);
    // Zoom again, then double-click: back to the preset's view, and the
    // start stays where it was (a double-click is not two clicks).
    scroll_up(&mut h, at);
    let start = h.state().settings().runs[0].start.clone();
    let off_centre = at + egui::vec2(40.0, 30.0);
    click(&mut h, off_centre);
    click(&mut h, off_centre);
    h.run_steps(4);
    assert_eq!(h.state().view().unwrap(), preset_view);
    assert_eq!(h.state().settings().runs[0].start, start, "not moved");
    // A single click moves the start, once the double-click time is past.
    click(&mut h, off_centre);
    h.run_steps(4);
    assert_ne!(h.state().settings().runs[0].start, start, "moved");
}
