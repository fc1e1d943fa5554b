//! `bilevel-lab figure`: what the SVG holds, that PDF and PNG come out of
//! it, and the command's one-line refusals.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use bilevel_lab::figure::{self, FigureInput, FigureRun, Format, Style, What};
use bilevel_lab::landscape::{self, Slice};
use bilevel_lab::palette::{self, Rgb};
use bilevel_lab::preset;
use common::{run, stderr, temp_dir};

/// B8 after 300 iterations, as `figure b08 --iterations 300` draws it.
fn b08() -> FigureInput {
    let mut p = preset::load_builtin("b08-mitsos-barton-3-17").unwrap();
    p.solver.iterations = 300;
    FigureInput::of_preset(&p, 1e-3).unwrap()
}

fn hex(rgb: Rgb) -> String {
    let Rgb(r, g, b) = rgb.ink(true);
    format!("stroke=\"#{r:02X}{g:02X}{b:02X}\"")
}

/// Polylines drawn in `rgb` (on the light theme).
fn polylines(svg: &str, rgb: Rgb) -> usize {
    let stroke = hex(rgb);
    svg.split("<polyline")
        .skip(1)
        .filter(|p| {
            p.split('>')
                .next()
                .is_some_and(|head| head.contains(&stroke))
        })
        .count()
}

fn light(what: What) -> Style {
    Style {
        size: [960, 480],
        light: true,
        what,
    }
}

#[test]
fn the_svg_draws_one_line_per_run_and_per_contour_piece() {
    let mut input = b08();
    // A second run from another start, in the second colour.
    input.runs.push(FigureRun {
        start: vec![-0.8, -0.6],
        slot: 1,
        ..input.runs[0].clone()
    });
    let svg = figure::svg(&input, &light(What::Landscape)).unwrap();
    resvg::usvg::Tree::from_str(&svg, &resvg::usvg::Options::default()).expect("valid SVG");
    // Each run: its path and its legend swatch.
    for slot in [0, 1] {
        assert_eq!(polylines(&svg, palette::run(slot)), 2, "run {slot}");
    }
    // Every piece of every contour of f the landscape has in this view,
    // and the legend's swatch.
    let (x, y) = input.view;
    let slice = Slice {
        ix: 0,
        iy: 1,
        base: vec![0.0, 0.0],
        x,
        y,
        resolution: figure::RESOLUTION,
    };
    let l = landscape::compute(&input.problem, slice, input.eps, 1);
    let pieces: usize = l.f_contours.iter().map(|(_, lines)| lines.len()).sum();
    assert!(pieces > 10, "{pieces}");
    assert_eq!(polylines(&svg, palette::F_CONTOUR), pieces + 1);
    // The legend names what is drawn, the reference with F*.
    for label in [
        "contours of f",
        "LL maxima",
        "known optimum, F* = 0.18750",
        "run 2: PGD-QP",
    ] {
        assert!(svg.contains(label), "{label}");
    }
}

#[test]
fn pdf_and_png_are_made_from_the_same_drawing() {
    let svg = figure::svg(&b08(), &light(What::Both)).unwrap();
    let pdf = figure::bytes(&svg, Format::Pdf).unwrap();
    assert!(pdf.starts_with(b"%PDF-"), "a PDF header");
    let tail = String::from_utf8_lossy(&pdf[pdf.len().saturating_sub(32)..]).to_string();
    assert!(tail.contains("%%EOF"), "{tail}");
    let text = String::from_utf8_lossy(&pdf);
    assert!(text.contains("/FontFile2"), "the font is embedded");
    // A PDF reader opens it: one page of 960 × 480 points, set in the
    // embedded DejaVu Sans, the title among its text.
    let doc = lopdf::Document::load_mem(&pdf).expect("a PDF reader opens it");
    let pages = doc.get_pages();
    assert_eq!(pages.len(), 1);
    let page = *pages.values().next().unwrap();
    let media = doc
        .get_dictionary(page)
        .unwrap()
        .get(b"MediaBox")
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_float().unwrap())
        .collect::<Vec<f32>>();
    assert_eq!(media, vec![0.0, 0.0, 960.0, 480.0]);
    let fonts = doc.get_page_fonts(page).unwrap();
    let names: Vec<String> = fonts
        .values()
        .filter_map(|f| f.get(b"BaseFont").ok()?.as_name().ok())
        .map(|n| String::from_utf8_lossy(n).to_string())
        .collect();
    assert!(names.iter().any(|n| n.ends_with("DejaVuSans")), "{names:?}");
    let png = figure::bytes(&svg, Format::Png { dpi: 144.0 }).unwrap();
    let decoder = png::Decoder::new(std::io::Cursor::new(png));
    let reader = decoder.read_info().unwrap();
    let info = reader.info();
    assert_eq!(
        (info.width, info.height),
        (1920, 960),
        "twice 960 × 480 points"
    );
}

#[test]
fn the_command_writes_each_format_and_refuses_bad_requests_in_one_line() {
    let dir = temp_dir("figure");
    for ext in ["svg", "pdf", "png"] {
        let out = dir.join(format!("b08.{ext}"));
        let done = run(&[
            "figure",
            "b08",
            "--iterations",
            "50",
            "--out",
            out.to_str().unwrap(),
            "--dpi",
            "72",
        ]);
        assert_eq!(done.status.code(), Some(0), "{}", stderr(&done));
        assert!(std::fs::metadata(&out).unwrap().len() > 1000, "{ext}");
    }
    let out = dir.join("b.svg");
    let out = out.to_str().unwrap();
    for (args, says) in [
        (
            vec!["--out", "figure.txt"],
            "must end in .svg, .pdf or .png",
        ),
        (
            vec!["--out", "/no/such/dir/f.svg"],
            "could not write /no/such/dir/f.svg",
        ),
        (vec!["--out", out, "--size", "10x10"], "--size 10x10"),
        (vec!["--out", out, "--what", "map"], "--what map"),
        (
            vec!["--out", out, "--view", "1,2"],
            "--view: 2 numbers given",
        ),
        (vec!["--out", "f.png", "--dpi", "0"], "--dpi 0"),
        (vec!["--out", out, "--eps", "-1"], "--eps -1"),
    ] {
        let done = run(&[&["figure", "b01", "--iterations", "5"][..], &args].concat());
        let err = stderr(&done);
        assert_eq!(done.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(says), "{args:?}: {err}");
    }
    assert!(!std::path::Path::new("f.png").exists());
}

#[test]
fn an_animation_has_the_asked_frames_at_one_size() {
    let dir = temp_dir("animate");
    let gif_path = dir.join("b08.gif");
    let done = run(&[
        "figure",
        "b08",
        "--iterations",
        "120",
        "--animate",
        gif_path.to_str().unwrap(),
        "--frames",
        "12",
        "--fps",
        "8",
        "--size",
        "400x300",
    ]);
    assert_eq!(done.status.code(), Some(0), "{}", stderr(&done));
    let mut options = gif::DecodeOptions::new();
    options.set_color_output(gif::ColorOutput::RGBA);
    let file = std::fs::File::open(&gif_path).unwrap();
    let mut decoder = options.read_info(file).unwrap();
    assert_eq!((decoder.width(), decoder.height()), (400, 300));
    let mut frames = Vec::new();
    while let Some(frame) = decoder.read_next_frame().unwrap() {
        assert_eq!((frame.width, frame.height, frame.delay), (400, 300, 13));
        frames.push(frame.buffer.to_vec());
    }
    assert_eq!(frames.len(), 12);
    assert_ne!(frames[0], frames[11], "the run grows");
    for (args, says) in [
        (vec!["--animate", "b.mp4"], "must end in .gif"),
        (vec!["--animate", "b.gif", "--frames", "1"], "--frames 1"),
        (vec!["--animate", "b.gif", "--fps", "0"], "--fps 0"),
    ] {
        let done = run(&[&["figure", "b01", "--iterations", "5"][..], &args].concat());
        let err = stderr(&done);
        assert_eq!(done.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// The numbers of each kind of SVG element.
fn element_counts(svg: &str) -> Vec<(&'static str, usize)> {
    [
        "<polyline",
        "<circle",
        "<rect",
        "<polygon",
        "<text",
        "<path",
    ]
    .into_iter()
    .map(|tag| (tag, svg.matches(tag).count()))
    .collect()
}

#[cfg(feature = "gui")]
mod app {
    use super::*;
    use bilevel_lab::app::{AppCommand, BilevelApp, Launch, PresetSource};
    use eframe::egui;
    use egui_kittest::Harness;
    use egui_kittest::kittest::Queryable;
    use std::time::{Duration, Instant};

    /// B1 in the app (typed paths) after `k` iterations.
    fn b01_after(k: u64) -> Harness<'static, BilevelApp> {
        let id = "b01-quadratic";
        let launch = Launch {
            preset: Some((
                PresetSource::Builtin(id.into()),
                preset::load_builtin(id).unwrap(),
            )),
            typed_paths: true,
            ..Launch::default()
        };
        let mut h = Harness::builder()
            .with_size(egui::vec2(1440.0, 900.0))
            .build_eframe(move |cc| BilevelApp::with_settings(&cc.egui_ctx, None, launch));
        h.run_steps(3);
        h.state_mut().run_command(AppCommand::Step(k));
        until(&mut h, &|a| a.iteration() == k);
        h
    }

    fn until(h: &mut Harness<'static, BilevelApp>, done: &dyn Fn(&BilevelApp) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while !done(h.state()) {
            assert!(Instant::now() < deadline, "timed out");
            h.step();
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Asks for `command`'s file and types `path` into the field.
    fn export(h: &mut Harness<'static, BilevelApp>, command: AppCommand, path: &std::path::Path) {
        h.state_mut().run_command(command);
        h.run_steps(2);
        common::type_path(h, path);
        h.get_by_label("Save").click();
    }

    /// Waits for the animation to end; the notice it left.
    fn finished(h: &mut Harness<'static, BilevelApp>) -> String {
        until(h, &|a| a.animation_progress().is_none());
        h.state()
            .notice()
            .map(|n| n.text.clone())
            .unwrap_or_default()
    }

    #[test]
    fn the_apps_export_draws_what_the_command_draws_for_the_same_state() {
        let mut h = b01_after(200);
        let dir = temp_dir("figure-export");
        let path = dir.join("app.svg");
        export(&mut h, AppCommand::ExportFigure, &path);
        let written = path.clone();
        until(&mut h, &move |_| written.exists());
        let from_app = std::fs::read_to_string(&path).unwrap();
        let cli = dir.join("cli.svg");
        let done = run(&[
            "figure",
            "b01",
            "--iterations",
            "200",
            "--out",
            cli.to_str().unwrap(),
        ]);
        assert_eq!(done.status.code(), Some(0), "{}", stderr(&done));
        let from_cli = std::fs::read_to_string(&cli).unwrap();
        assert!(element_counts(&from_app)[0].1 > 20);
        assert_eq!(element_counts(&from_app), element_counts(&from_cli));
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn the_apps_animation_is_written_with_progress_or_cancelled_without_a_file() {
        let mut h = b01_after(120);
        let dir = temp_dir("animation-export");
        // Cancelled as soon as it starts (before its landscape is even
        // computed): nothing is written, and the notice says so.
        let cancelled = dir.join("cancelled.gif");
        export(&mut h, AppCommand::ExportAnimation, &cancelled);
        h.step();
        assert!(h.state().animation_progress().is_some(), "under way");
        h.state_mut().run_command(AppCommand::CancelAnimation);
        let notice = finished(&mut h);
        assert!(notice.contains("cancelled"), "{notice}");
        assert!(!cancelled.exists());
        // Then one to its end, with its progress and Cancel on screen:
        // 60 frames of 560 × 480.
        let path = dir.join("b01.gif");
        export(&mut h, AppCommand::ExportAnimation, &path);
        h.step();
        assert!(h.query_by_label("Cancel").is_some(), "Cancel is offered");
        let notice = finished(&mut h);
        assert!(notice.starts_with("saved"), "{notice}");
        let decoder = gif::DecodeOptions::new()
            .read_info(std::fs::File::open(&path).unwrap())
            .unwrap();
        assert_eq!((decoder.width(), decoder.height()), (560, 480));
        let mut decoder = decoder;
        let mut frames = 0;
        while decoder.read_next_frame().unwrap().is_some() {
            frames += 1;
        }
        assert_eq!(frames, 60);
        std::fs::remove_dir_all(&dir).ok();
    }
}
