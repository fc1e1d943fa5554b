//! Export → Figure: what `bilevel-lab figure` draws, for the window's
//! current state — its problem (edited or not), runs, view, ε and theme —
//! drawn and written on a background task.

use super::BilevelApp;
use crate::background::Task;
use crate::figure::{self, FigureInput, FigureRun, Format, Style, What};
use std::path::PathBuf;

/// The size of an exported figure, in points (as `figure`'s default).
const SIZE: [u32; 2] = [960, 480];

/// Dots per inch of an exported PNG.
const DPI: f32 = 150.0;

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
        let runs = &self.runs.session.runs;
        Some(FigureInput {
            problem: self.doc.problem.clone(),
            title: if edited {
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
}
