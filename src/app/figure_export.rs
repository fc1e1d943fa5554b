//! Export → Figure: what `bilevel-lab figure` draws, for the window's
//! current state — its problem (edited or not), runs, view, ε and theme —
//! drawn and written on a background task.

use super::BilevelApp;
use crate::background::Task;
use crate::figure::{self, Animation, FigureInput, FigureRun, Format, Style, What};
use std::path::PathBuf;

/// The size of an exported figure, in points (as `figure`'s default).
const SIZE: [u32; 2] = [960, 480];

/// Dots per inch of an exported PNG.
const DPI: f32 = 150.0;

/// An exported animation: frames, pace, size in points (one pixel each).
const ANIMATION: Animation = Animation {
    frames: 60,
    fps: 15.0,
    dpi: 72.0,
};
const ANIMATION_SIZE: [u32; 2] = [560, 480];

impl BilevelApp {
    /// What a figure of the current state shows: every run from its start
    /// with the parameters in force now, as far as the furthest run has
    /// gone; the view as shown; the region's ε; the reference in force.
    pub fn figure_input(&self) -> Option<FigureInput> {
        let (x, y) = self.view.view_bounds.map(|[x, y]| (x, y))?;
        let names = self.doc.problem.variable_names();
        let (ix, iy) = (self.settings.axis_x, self.settings.axis_y);
        let name = |i: usize, or: &str| names.get(i).cloned().unwrap_or_else(|| or.into());
        let edited = !std::sync::Arc::ptr_eq(&self.doc.problem, &self.doc.preset.problem);
        // The selected run first: the figure holds the landscape's other
        // coordinates at its iterate and draws its arrows, as the window.
        let mut runs: Vec<&crate::session::RunTrace> = self.runs.session.runs.iter().collect();
        if self.runs.selected < runs.len() {
            let selected = runs.remove(self.runs.selected);
            runs.insert(0, selected);
        }
        Some(FigureInput {
            problem: self.doc.problem.clone(),
            title: if edited && !self.doc.preset.name.ends_with(" (edited)") {
                format!("{} (edited)", self.doc.preset.name)
            } else {
                self.doc.preset.name.clone()
            },
            axes: (ix, iy),
            names: (name(ix, "x"), name(iy, "y")),
            view: (x, y),
            eps: self.region_eps(),
            runs: runs
                .iter()
                .map(|r| FigureRun {
                    config: r.config(),
                    start: r.start.clone(),
                    slot: r.slot,
                })
                .collect(),
            iterations: runs.iter().map(|r| r.iteration()).max().unwrap_or(0),
            reference: self.doc.answer.get().cloned(),
        })
    }

    /// The style of an exported figure: both halves, the window's theme.
    pub fn figure_style(&self) -> Style {
        Style {
            size: SIZE,
            light: self.settings.light,
            what: What::Both,
        }
    }

    /// Draws and writes the figure for `path` off the UI thread.
    pub(super) fn start_figure(&mut self, path: PathBuf) {
        let format = match Format::of(&path, DPI) {
            Ok(format) => format,
            Err(e) => return self.notify(format!("could not save a figure: {e}"), true),
        };
        let Some(input) = self.figure_input() else {
            return self.notify(
                "the landscape has not been drawn yet; try again".into(),
                true,
            );
        };
        let style = self.figure_style();
        let target = path.clone();
        let task = Task::spawn("figure", 1, self.wake(), move |_| {
            Some(figure::svg(&input, &style).and_then(|svg| figure::write(&target, &svg, format)))
        });
        self.io.figure = Some((path, task));
    }

    /// Reports a figure that has been written (or could not be).
    pub(super) fn poll_figure(&mut self) {
        let Some((path, task)) = self.io.figure.as_mut() else {
            return;
        };
        let Some(outcome) = task.poll() else {
            return;
        };
        let path = path.clone();
        self.io.figure = None;
        match outcome {
            Some(Ok(())) => self.notify(format!("saved {}", path.display()), false),
            Some(Err(e)) => self.notify(e, true),
            None => self.notify(
                format!("could not save {}: the drawing failed", path.display()),
                true,
            ),
        }
    }

    /// Renders and writes the animation for `path` off the UI thread; the
    /// status bar shows its progress with Cancel.
    pub(super) fn start_animation(&mut self, path: PathBuf) {
        let gif = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("gif"));
        if !gif {
            return self.notify(
                format!(
                    "could not save {}: the name must end in .gif",
                    path.display()
                ),
                true,
            );
        }
        let Some(input) = self.figure_input() else {
            return self.notify(
                "the landscape has not been drawn yet; try again".into(),
                true,
            );
        };
        let style = Style {
            size: ANIMATION_SIZE,
            what: What::Landscape,
            ..self.figure_style()
        };
        let target = path.clone();
        let task = Task::spawn(
            "animation",
            ANIMATION.frames,
            self.wake(),
            move |progress| {
                let gif = figure::animation(&input, &style, &ANIMATION, progress);
                Some(gif.and_then(|bytes| {
                    crate::atomic_file::write_atomic(&target, &bytes)
                        .map_err(|e| format!("could not write {}: {e}", target.display()))
                }))
            },
        );
        self.io.animation = Some((path, task));
    }

    /// The animation's progress (frames done, frames in all), if one is made.
    pub fn animation_progress(&self) -> Option<(usize, usize)> {
        self.io.animation.as_ref().map(|(_, task)| task.steps())
    }

    /// Reports an animation that has been written, failed or was cancelled.
    pub(super) fn poll_animation(&mut self, ctx: &eframe::egui::Context) {
        let Some((path, task)) = self.io.animation.as_mut() else {
            return;
        };
        let Some(outcome) = task.poll() else {
            // The progress bar moves as frames are rendered.
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
            return;
        };
        let (path, cancelled) = (path.clone(), task.cancelled());
        self.io.animation = None;
        match outcome {
            // Finished before the cancel arrived: it is written.
            Some(Ok(())) => self.notify(format!("saved {}", path.display()), false),
            _ if cancelled => self.notify(
                format!(
                    "the animation was cancelled; {} was not written",
                    path.display()
                ),
                false,
            ),
            Some(Err(e)) => self.notify(e, true),
            None => self.notify(
                format!("could not save {}: the drawing failed", path.display()),
                true,
            ),
        }
    }
}
