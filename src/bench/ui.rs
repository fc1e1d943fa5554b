//! The UI figures: the real app's frame (`BilevelApp::show` and egui's
//! tessellation) on a headless egui context, the rate at which solver
//! iterations reach the app's data model while frames are drawn, and the
//! peak memory of a long run kept in that model.

use super::{Figure, median};
use crate::app::{AppCommand, BilevelApp, Launch, PresetSource, RunSpec, Settings};
use eframe::egui;
use std::time::{Duration, Instant};

/// The preset every UI figure draws.
const PRESET: &str = "b08-mitsos-barton-3-17";
/// The window the frames are laid out in (the app's default size).
const WINDOW: egui::Vec2 = egui::vec2(1440.0, 900.0);
/// A display's frame interval: the stream is measured at this frame rate.
const FRAME_INTERVAL: Duration = Duration::from_micros(16_667);
/// Longest wait for a run or a landscape before the figure is given up.
const PATIENCE: Duration = Duration::from_secs(600);

/// The app on a headless context, with every layer and series on.
pub struct HeadlessApp {
    ctx: egui::Context,
    app: BilevelApp,
}

impl HeadlessApp {
    /// The app on B8 with one PGD-QP run of `iterations` iterations (no
    /// tolerance), paused, solver at full speed.
    pub fn new(iterations: u64) -> Result<Self, String> {
        let preset = crate::preset::load_builtin(PRESET).map_err(|e| e.to_string())?;
        let mut spec = RunSpec::from_preset(&preset);
        spec.solver.iterations = iterations;
        spec.solver.tolerance = None;
        let mut settings = Settings {
            source: PresetSource::Builtin(PRESET.into()),
            runs: vec![spec],
            speed: None,
            ..Settings::default()
        };
        settings.layers.path_arrows = true;
        settings.series.guides = true;
        let ctx = egui::Context::default();
        let app = BilevelApp::with_settings(&ctx, Some(settings), Launch::default());
        Ok(Self { ctx, app })
    }

    /// The app.
    pub fn app(&mut self) -> &mut BilevelApp {
        &mut self.app
    }

    /// Draws one frame and tessellates it; returns its duration.
    pub fn frame(&mut self) -> Duration {
        let input = egui::RawInput {
            screen_rect: Some(egui::Rect::from_min_size(egui::Pos2::ZERO, WINDOW)),
            ..Default::default()
        };
        let start = Instant::now();
        let mut output = self.ctx.run_ui(input, |ui| self.app.show(ui));
        let shapes = std::mem::take(&mut output.shapes);
        let meshes = self.ctx.tessellate(shapes, output.pixels_per_point);
        std::hint::black_box(meshes.len());
        // There is no renderer to upload textures to.
        output.textures_delta.clear();
        start.elapsed()
    }

    /// Draws frames at a display's rate until `done` holds; returns the
    /// time it took.
    pub fn frames_until(
        &mut self,
        mut done: impl FnMut(&BilevelApp) -> bool,
    ) -> Result<Duration, String> {
        let start = Instant::now();
        while !done(&self.app) {
            if start.elapsed() > PATIENCE {
                return Err(format!("gave up after {PATIENCE:?}"));
            }
            let spent = self.frame();
            std::thread::sleep(FRAME_INTERVAL.saturating_sub(spent));
        }
        Ok(start.elapsed())
    }

    /// Plays the run to its budget while drawing frames; returns the
    /// iterations per second that reached the data model.
    pub fn stream(&mut self, iterations: u64) -> Result<f64, String> {
        self.frame();
        self.app.run_command(AppCommand::Play);
        let took = self.frames_until(|app| app.runs_reached(iterations))?;
        Ok(self.app.iteration() as f64 / took.as_secs_f64())
    }

    /// Milliseconds of `reps` frames drawn after the landscape is in.
    pub fn frame_ms(&mut self, reps: usize) -> Result<Vec<f64>, String> {
        self.frames_until(BilevelApp::has_landscape)?;
        for _ in 0..5 {
            self.frame();
        }
        Ok((0..reps)
            .map(|_| self.frame().as_secs_f64() * 1e3)
            .collect())
    }
}

/// Frame and stream figures (`quick` for fewer repetitions).
pub fn ui_figures(quick: bool) -> Result<Vec<Figure>, String> {
    let (reps, stream_reps) = if quick { (15, 1) } else { (61, 3) };
    let mut small = HeadlessApp::new(1_000)?;
    small.stream(1_000)?;
    let frame_1k = small.frame_ms(reps)?;
    drop(small);
    let mut streams = Vec::new();
    let mut frame_1m = Vec::new();
    for _ in 0..stream_reps {
        let mut big = HeadlessApp::new(1_000_000)?;
        streams.push(big.stream(1_000_000)?);
        frame_1m = big.frame_ms(reps)?;
    }
    let (k, m) = (median(&frame_1k), median(&frame_1m));
    let stream = median(&streams);
    Ok(vec![
        Figure {
            key: "frame_ms_1k",
            what: "ms per UI frame (app + tessellation, headless, all layers) with 10³ points",
            median: k,
            samples: frame_1k,
            target: "reference for frame_ms_1m".into(),
            met: None,
        },
        Figure {
            key: "frame_ms_1m",
            what: "ms per UI frame with 10⁶ trajectory points",
            median: m,
            samples: frame_1m,
            target: format!("≤ 8 and ≤ 2 × frame_ms_1k = {:.2}", 2.0 * k),
            met: Some(m <= 8.0 && m <= 2.0 * k),
        },
        Figure {
            key: "stream_iters_per_s",
            what: "iterations per second reaching the app's data model while frames are drawn at 60 Hz",
            median: stream,
            samples: streams,
            target: "≥ 1000000".into(),
            met: Some(stream >= 1e6),
        },
    ])
}

/// Peak resident memory in MB of this process (Linux: `VmHWM`).
pub fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// Runs `iterations` iterations into the app's data model while drawing
/// frames and returns the peak resident memory in MB. Meant for a process
/// of its own, so nothing else counts towards the peak.
pub fn rss_after_run(iterations: u64) -> Result<f64, String> {
    let mut app = HeadlessApp::new(iterations)?;
    app.stream(iterations)?;
    app.frame();
    peak_rss_mb().ok_or_else(|| "this system does not report peak memory".into())
}
