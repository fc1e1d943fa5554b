//! The comparison: every run side by side — method, status, final f and h,
//! distance to the reference, when the KKT residual first reached a chosen
//! tolerance, oracle calls — and the residual plots' horizontal axis.

use super::landscape_plot::method_label;
use super::settings::XAxis;
use super::status_bar::num;
use super::{BilevelApp, theme};
use crate::session::RunState;
use eframe::egui::{self, RichText};

/// Draws the comparison section.
pub fn compare_ui(ui: &mut egui::Ui, app: &mut BilevelApp) {
    ui.label(RichText::new("Comparison").strong());
    ui.horizontal_wrapped(|ui| {
        ui.label("residuals against:");
        for axis in [XAxis::Iterations, XAxis::OracleCalls, XAxis::Seconds] {
            ui.radio_value(&mut app.settings.x_axis, axis, axis.label())
                .on_hover_text(
                    "Oracle calls count every gradient, value and Hessian-vector product once: \
                     methods with inner loops pay for them there; compute time is the runs' own steps",
                );
        }
    });
    ui.horizontal(|ui| {
        let speed = (app.settings.reach * 0.05).max(1e-300);
        ui.add(
            egui::DragValue::new(&mut app.settings.reach)
                .range(1e-300..=1e6)
                .speed(speed)
                .custom_formatter(|v, _| num(v))
                .custom_parser(|t| t.trim().parse::<f64>().ok())
                .prefix("reached KKT ≤ "),
        )
        .on_hover_text("The tolerance of the 'reached at' column: the first iteration whose ‖Δ‖² + h is at most this");
    });
    let reference = app.preset.reference_z();
    let reach = app.settings.reach;
    egui::Grid::new("comparison")
        .striped(true)
        .num_columns(7)
        .show(ui, |ui| {
            for title in ["run", "method", "state", "f", "h", "dist.", "reached at"] {
                ui.label(RichText::new(title).small().strong());
            }
            ui.end_row();
            for run in app.session.runs.iter_mut() {
                let color = theme::run_color(run.slot);
                ui.label(
                    RichText::new(format!("{}", run.slot + 1))
                        .color(color)
                        .strong(),
                );
                ui.label(RichText::new(method_label(&run.config().method)).small());
                let state = match &run.state {
                    RunState::Live => "live".to_string(),
                    RunState::Finished(status) => status.as_str().to_string(),
                    RunState::Failed(_) => "failed".to_string(),
                };
                ui.label(RichText::new(state).small());
                let last = run.last.as_ref();
                ui.label(RichText::new(last.map_or("–".into(), |r| num(r.f))).small());
                ui.label(RichText::new(last.map_or("–".into(), |r| num(r.h))).small());
                let dist = match (last, &reference) {
                    (Some(r), Some(z)) => num(r
                        .z
                        .iter()
                        .zip(z)
                        .map(|(a, b)| (a - b).powi(2))
                        .sum::<f64>()
                        .sqrt()),
                    _ => "–".into(),
                };
                ui.label(RichText::new(dist).small());
                let reached = run
                    .first_below(reach)
                    .map_or("not yet".into(), |k| format!("k = {k}"));
                ui.label(RichText::new(reached).small());
                ui.end_row();
            }
        });
}
