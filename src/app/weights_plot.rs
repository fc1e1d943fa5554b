//! The hyper-cleaning family's central view, in place of the landscape: the
//! selected run's sample weights σ(xᵢ) at the iteration shown, sorted, the
//! corrupted samples in their own colour, and the task's numbers there;
//! beside them, every run's accuracy and F1 against the iteration.

use super::BilevelApp;
use crate::dataset::CleaningTask;
use crate::palette::{self, Rgb};
use crate::problem::sigmoid;
use eframe::egui::{self, Color32, RichText};
use egui_plot::{Corner, HLine, Legend, LineStyle, MarkerShape, Plot, Points};

fn color(rgb: Rgb, light: bool) -> Color32 {
    let Rgb(r, g, b) = rgb.ink(light);
    Color32::from_rgb(r, g, b)
}

/// The weights sorted from smallest to largest as (rank, weight) points,
/// split into clean and corrupted samples.
pub fn sorted_weights(task: &CleaningTask, x: &[f64]) -> (Vec<[f64; 2]>, Vec<[f64; 2]>) {
    let mut order: Vec<(f64, bool)> = x
        .iter()
        .zip(&task.corrupted)
        .map(|(&t, &c)| (sigmoid(t), c))
        .collect();
    order.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (mut clean, mut corrupted) = (Vec::new(), Vec::new());
    for (rank, (w, c)) in order.into_iter().enumerate() {
        let point = [(rank + 1) as f64, w];
        if c {
            corrupted.push(point);
        } else {
            clean.push(point);
        }
    }
    (clean, corrupted)
}

/// The line of numbers above the plot, at z.
pub fn report_line(task: &CleaningTask, z: &[f64], iteration: u64) -> String {
    let r = task.report(z);
    let before = task.no_cleaning;
    let corrupted = task.corrupted.iter().filter(|&&c| c).count();
    format!(
        "Iteration {iteration}: test accuracy {:.4} (no cleaning {:.4}), validation {:.4}; \
         weight < ½ flags {} samples, {} of the {corrupted} corrupted — F1 {:.3}",
        r.test_accuracy,
        before.test_accuracy,
        r.validation_accuracy,
        r.flagged,
        r.flagged_corrupted,
        r.f1
    )
}

/// Draws the view, `height` points tall: the line of numbers, the sorted
/// weights, and beside them every run's accuracy and F1 curves.
pub fn weights_ui(ui: &mut egui::Ui, app: &BilevelApp, task: &CleaningTask, height: f32) {
    // The history slider's past iteration, when one is shown; else the newest.
    let past = app.shown_step().filter(|s| s.past).map(|s| &s.record);
    let Some(record) = past.or_else(|| app.selected_record()) else {
        ui.allocate_ui(egui::vec2(ui.available_width(), height), |ui| {
            ui.label("No run yet.");
        });
        return;
    };
    ui.label(RichText::new(report_line(task, &record.z, record.k)).strong());
    let plot_height = (height - 2.0 * ui.spacing().interact_size.y).max(120.0);
    let gap = ui.spacing().item_spacing.x;
    let width = ui.available_width();
    // The curves take two fifths, never so little that their legends cover them.
    let curves_width = (width * 0.4).clamp(240.0, 560.0).min(width / 2.0);
    ui.horizontal_top(|ui| {
        let size = egui::vec2(width - curves_width - gap, plot_height);
        ui.allocate_ui(size, |ui| weights_plot(ui, app, task, &record.z, size));
        ui.allocate_ui(egui::vec2(curves_width, plot_height), |ui| {
            ui.vertical(|ui| {
                super::cleaning_curves::curves_ui(ui, app, task, plot_height);
            });
        });
    });
}

/// The sorted weights at z in a plot of `size`.
fn weights_plot(
    ui: &mut egui::Ui,
    app: &BilevelApp,
    task: &CleaningTask,
    z: &[f64],
    size: egui::Vec2,
) {
    let n = task.start_x.len();
    let light = app.settings.light;
    let (clean, corrupted) = sorted_weights(task, z.get(..n).unwrap_or_default());
    Plot::new("sample-weights")
        .width(size.x)
        .height(size.y)
        .include_y(0.0)
        .include_y(1.0)
        .include_x(0.0)
        .include_x(n as f64 + 1.0)
        .x_axis_label("training samples, by weight")
        .y_axis_label("weight σ(xᵢ)")
        .legend(Legend::default().position(Corner::LeftTop))
        .show(ui, |plot| {
            plot.hline(
                HLine::new("½: below it a sample counts as corrupted", 0.5)
                    .color(color(palette::GRAD_F, light))
                    .style(LineStyle::dashed_dense()),
            );
            for (name, points, rgb) in [
                ("clean label", clean, palette::CLEAN_SAMPLE),
                ("corrupted label", corrupted, palette::CORRUPTED_SAMPLE),
            ] {
                plot.points(
                    Points::new(name, points)
                        .shape(MarkerShape::Circle)
                        .radius(app.line_width(2.0))
                        .filled(true)
                        .color(color(rgb, light)),
                );
            }
        });
}
