//! Saving the trajectory, the preset and a picture of the window — every
//! file written whole or not at all.

use super::BilevelApp;
use crate::atomic_file::{AtomicFile, write_atomic};
use crate::preset::{Preset, ProblemSpec, View};
use eframe::egui;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

/// Where the `--screenshot` job stands.
#[derive(Debug, Default)]
pub enum ShotState {
    /// Waiting for the runs and the landscape.
    #[default]
    Waiting,
    /// Settled since this instant: a few frames for the plot to lay out.
    Settling(Instant),
    /// The screenshot was requested.
    Requested,
    /// Written; closing.
    Done,
}

/// Writes the selected run's kept history as CSV.
pub fn write_csv(app: &BilevelApp, path: &Path) -> std::io::Result<()> {
    let Some(run) = app.runs.session.runs.get(app.runs.selected) else {
        return Err(std::io::Error::other("there is no run to export"));
    };
    let names = app.doc.problem.variable_names();
    let mut file = AtomicFile::create(path)?;
    let vars: Vec<String> = names.iter().map(|n| format!("z_{n}")).collect();
    writeln!(
        file,
        "iteration,{},f,h,lambda,delta_norm,kkt_residual,hypergradient_norm,active",
        vars.join(",")
    )?;
    let h = &run.history;
    for s in 0..h.len() {
        let z: Vec<String> = h.point(s).iter().map(|v| format!("{v:?}")).collect();
        let at = |v: &Vec<f64>| v.get(s).copied().unwrap_or(f64::NAN);
        writeln!(
            file,
            "{},{},{:?},{:?},{:?},{:?},{:?},{:?},{}",
            h.k.get(s).copied().unwrap_or(0),
            z.join(","),
            at(&h.f),
            at(&h.h),
            at(&h.lambda),
            at(&h.delta_norm),
            at(&h.kkt),
            at(&h.hypergradient),
            u8::from(h.active.get(s).copied().unwrap_or(false)),
        )?;
    }
    file.commit()
}

/// The current problem, the selected run's start and parameters, and the
/// current view, as a preset.
pub fn current_preset(app: &BilevelApp) -> Preset {
    preset_of(app, false)
}

/// The same with the editors' text and constants instead of the problem
/// the runs use: the edits, saved on leaving the preset ("Save as a new
/// preset…", which is offered only while they compile).
pub fn edited_preset(app: &BilevelApp) -> Preset {
    preset_of(app, true)
}

fn preset_of(app: &BilevelApp, editors: bool) -> Preset {
    let mut p = app.doc.preset.clone();
    // One run, as a preset has (a session adds every run and its view).
    p.runs.clear();
    p.session = None;
    // The problem the runs use (text typed but not applied is not in it),
    // or the editors'.
    let editor = &app.doc.editor;
    let (text, in_use) = if editors {
        ((&editor.f, &editor.g), &editor.constants)
    } else {
        (
            (&editor.applied.0, &editor.applied.1),
            &editor.applied_constants,
        )
    };
    if let ProblemSpec::Expression {
        f, g, constants, ..
    } = &mut p.spec
    {
        let preset_constants = constants.clone();
        f.clone_from(text.0);
        g.clone_from(text.1);
        // The sliders' values, and any constant declared here; a moved or
        // declared one keeps the range its slider spans.
        *constants = in_use
            .iter()
            .map(|c| {
                let origin = preset_constants.iter().find(|o| o.name == c.name);
                if origin.is_some_and(|o| o == c) || c.range.is_some() {
                    return c.clone();
                }
                let around = origin.map_or(1.0, |o| o.value);
                crate::preset::Constant {
                    range: Some(c.slider_range(around)),
                    ..c.clone()
                }
            })
            .collect();
    }
    p.problem = app.doc.problem.clone();
    // The stated answer belongs to the preset's own problem, and [expect]
    // to its own run: an edit, a moved constant, another start or other
    // parameters make them untrue, so they are left out.
    if p.spec != app.doc.preset.spec {
        p.reference = None;
        p.expect = None;
        // The preset's text describes its own problem: say what changed.
        if !p.name.ends_with(" (edited)") {
            p.name.push_str(" (edited)");
        }
        p.description = format!(
            "Edited from the preset: {}. The text below describes the preset's own problem.\n\n{}",
            changes(&app.doc.preset.spec, &p.spec).join("; "),
            p.description
        );
    }
    if let Some(spec) = app.settings.runs.get(app.runs.selected) {
        let n = p.dims().n;
        p.start_x = spec.start.get(..n).unwrap_or_default().to_vec();
        p.start_y = spec.start.get(n..).unwrap_or_default().to_vec();
        p.solver = spec.solver;
        if p.start() != app.doc.preset.start() || p.solver != app.doc.preset.solver {
            p.expect = None;
        }
    }
    if let Some(b) = app.view.view_bounds
        && app.settings.axis_x == 0
        && app.settings.axis_y == p.dims().n
    {
        p.view = Some(View { x: b[0], y: b[1] });
    }
    p
}

/// What differs between the preset's problem and the edited one, as
/// "f was …", "a was 2 (now 2.5)", "k is new (1)".
fn changes(preset: &ProblemSpec, edited: &ProblemSpec) -> Vec<String> {
    let (
        ProblemSpec::Expression {
            f: f0,
            g: g0,
            constants: c0,
            ..
        },
        ProblemSpec::Expression {
            f, g, constants, ..
        },
    ) = (preset, edited)
    else {
        return Vec::new();
    };
    let mut said = Vec::new();
    if f != f0 {
        said.push(format!("f was {f0}"));
    }
    if g != g0 {
        said.push(format!("g was {g0}"));
    }
    for c in constants {
        match c0.iter().find(|o| o.name == c.name) {
            Some(o) if o.value != c.value => {
                said.push(format!("{} was {} (now {})", c.name, o.value, c.value));
            }
            Some(_) => {}
            None => said.push(format!("{} is new ({})", c.name, c.value)),
        }
    }
    said
}

/// Writes the current preset.
pub fn write_preset(app: &BilevelApp, path: &Path) -> std::io::Result<()> {
    write_atomic(
        path,
        crate::preset::to_toml(&current_preset(app)).as_bytes(),
    )
}

/// Writes the editors' edits as a preset (see [`edited_preset`]).
pub fn write_edited_preset(app: &BilevelApp, path: &Path) -> std::io::Result<()> {
    write_atomic(path, crate::preset::to_toml(&edited_preset(app)).as_bytes())
}

/// Encodes a screenshot as PNG and writes it atomically.
pub fn write_png(path: &Path, image: &egui::ColorImage) -> std::io::Result<()> {
    let [w, h] = image.size;
    let mut bytes = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut bytes, w as u32, h as u32);
        encoder.set_color(png::ColorType::Rgba);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().map_err(std::io::Error::other)?;
        // Opaque: the window is covered by panels.
        let rgba: Vec<u8> = image
            .pixels
            .iter()
            .flat_map(|c| [c.r(), c.g(), c.b(), 255])
            .collect();
        writer
            .write_image_data(&rgba)
            .map_err(std::io::Error::other)?;
    }
    write_atomic(path, &bytes)
}

/// The progress of the maps `--screenshot --explore` waits for, on stderr
/// (drawn only when stderr is a terminal): they can take minutes on a
/// large problem, and the window of a scripted screenshot may be hidden.
#[derive(Clone, Default)]
pub struct ShotProgress(Option<indicatif::ProgressBar>);

impl std::fmt::Debug for ShotProgress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "ShotProgress(shown)"
        } else {
            "ShotProgress"
        })
    }
}

impl ShotProgress {
    fn show(&mut self, done: usize, total: usize) {
        let bar = self.0.get_or_insert_with(|| {
            let bar = indicatif::ProgressBar::with_draw_target(
                Some(total as u64),
                indicatif::ProgressDrawTarget::stderr(),
            );
            if let Ok(style) = indicatif::ProgressStyle::with_template(
                "sweep and basin map [{bar:30}] {pos}/{len} runs · {elapsed}",
            ) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar
        });
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    }

    fn finish(&mut self) {
        if let Some(bar) = self.0.take() {
            bar.finish_and_clear();
        }
    }
}

/// What `--screenshot` reports: the failure names the file, as every
/// other write of the command line does.
fn shot_outcome(path: &Path, result: &std::io::Result<()>) -> Result<(), String> {
    result
        .as_ref()
        .map_err(|e| format!("could not write {}: {e}", path.display()))
        .copied()
}

impl BilevelApp {
    /// Asks egui for a screenshot to be written to `path`.
    pub(super) fn start_png(&mut self, path: PathBuf) {
        let slot = self.io.pending_png.clone();
        let ctx = self.ctx.clone();
        self.ctx
            .request_screenshot(move |image: Arc<egui::ColorImage>| {
                if let Ok(mut guard) = slot.lock() {
                    *guard = Some((path, image));
                }
                ctx.request_repaint();
            });
        self.ctx.request_repaint();
    }

    /// Writes a finished screenshot, and drives the `--screenshot` job.
    pub(super) fn screenshot_step(&mut self, ctx: &egui::Context) {
        let ready = self.io.pending_png.lock().ok().and_then(|mut g| g.take());
        if let Some((path, image)) = ready {
            let result = write_png(&path, &image);
            if let Some(job) = &self.io.screenshot
                && job.path == path
            {
                if let Ok(mut outcome) = job.outcome.lock() {
                    *outcome = Some(shot_outcome(&path, &result));
                }
                self.io.screenshot_state = ShotState::Done;
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
            self.report_write(&path, result);
        }
        let maps = self.explore.progress();
        let Some(job) = self.io.screenshot.as_mut() else {
            return;
        };
        match maps {
            Some((done, total)) => job.progress.show(done, total),
            None => job.progress.finish(),
        }
        let (iterations, path, explore) = (job.iterations, job.path.clone(), job.explore);
        match self.io.screenshot_state {
            ShotState::Waiting => {
                // An experiment asked for at launch is in the picture.
                let experiment_done = !self.experiments.busy();
                // Hyper-cleaning draws its curves once every iterate is scored.
                let drawn = match self.doc.preset.cleaning {
                    Some(_) => !self.view.cleaning_curves.pending(),
                    None => self.view.landscape.is_some(),
                };
                if self.runs_reached(iterations) && drawn && experiment_done {
                    // A map that failed or was cancelled says so on screen;
                    // the picture is taken all the same.
                    if explore && !self.explore.both_done() && !self.explore.failed() {
                        if !self.explore.busy() {
                            self.start_sweep();
                            self.start_basins();
                        }
                    } else {
                        self.io.screenshot_state = ShotState::Settling(Instant::now());
                    }
                }
                ctx.request_repaint();
            }
            ShotState::Settling(since) => {
                if since.elapsed().as_millis() > 400 {
                    self.io.screenshot_state = ShotState::Requested;
                    self.start_png(path);
                }
                ctx.request_repaint();
            }
            ShotState::Requested | ShotState::Done => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn png_round_trips_and_a_failed_write_leaves_nothing() {
        let pixels = vec![
            egui::Color32::RED,
            egui::Color32::GREEN,
            egui::Color32::BLUE,
            egui::Color32::WHITE,
            egui::Color32::BLACK,
            egui::Color32::from_rgb(1, 2, 3),
        ];
        let image = egui::ColorImage::new([3, 2], pixels.clone());
        let dir = std::env::temp_dir().join(format!("bilevel-png-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("shot.png");
        write_png(&path, &image).unwrap();
        let decoder =
            png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&path).unwrap()));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        assert_eq!((info.width, info.height), (3, 2));
        let decoded: Vec<egui::Color32> = buf
            .chunks(4)
            .map(|p| egui::Color32::from_rgba_unmultiplied(p[0], p[1], p[2], p[3]))
            .collect();
        assert_eq!(decoded, pixels);
        let missing = dir.join("missing-dir").join("x.png");
        let err = write_png(&missing, &image);
        assert!(err.is_err());
        let told = shot_outcome(&missing, &err).unwrap_err();
        assert!(told.contains(&missing.display().to_string()), "{told}");
        std::fs::remove_dir_all(&dir).ok();
    }
}
