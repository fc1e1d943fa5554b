//! The status line: iteration, f, h, λ, active or not, run state, the true
//! lengths of the drawn arrows, and any divergence message.

use super::BilevelApp;
use super::theme;
use crate::session::RunState;
use eframe::egui::{self, RichText};

/// A number in a short readable form.
pub fn num(v: f64) -> String {
    if v == 0.0 {
        "0".into()
    } else if !v.is_finite() {
        format!("{v}")
    } else if v.abs() >= 1e4 || v.abs() < 1e-3 {
        format!("{v:.3e}")
    } else {
        format!("{v:.5}")
    }
}

/// Draws the status line.
pub fn status_ui(ui: &mut egui::Ui, app: &BilevelApp) {
    ui.horizontal_wrapped(|ui| {
        let Some(run) = app.session.runs.get(app.selected) else {
            ui.label("no run");
            return;
        };
        ui.label(
            RichText::new(format!("run {}", run.slot + 1))
                .color(theme::run_color(run.slot))
                .strong(),
        );
        let state = match &run.state {
            RunState::Live if app.playing => "running".to_string(),
            RunState::Live => "paused".to_string(),
            RunState::Finished(status) => status.to_string(),
            RunState::Failed(message) => message.clone(),
        };
        match run.last.as_ref() {
            Some(r) => {
                ui.label(format!("iteration {}", r.k));
                ui.label(format!("f = {}", num(r.f)));
                ui.label(format!("h = {}", num(r.h)));
                ui.label(format!("λ = {}", num(r.lambda)));
                let (text, color) = if r.guarded {
                    ("guard: ‖∇h‖² ≈ 0, plain gradient step", theme::GRAD_F)
                } else if r.active {
                    ("active: the QP bends the step", theme::PERTURBATION)
                } else {
                    ("inactive: plain gradient step", theme::GRAD_F)
                };
                ui.label(RichText::new(text).color(color));
                let norm = |v: &[f64]| v.iter().map(|a| a * a).sum::<f64>().sqrt();
                let grad_h = norm(&r.grad_h) * r.lambda;
                ui.label(format!(
                    "‖∇f‖ = {}, ‖λ∇h‖ = {}, ‖Δ‖ = {}",
                    num(norm(&r.grad_f)),
                    num(grad_h),
                    num(r.delta_norm)
                ))
                .on_hover_text(
                    "True lengths of the arrows, which are drawn scaled to stay readable",
                );
                if norm(&r.grad_f).max(grad_h).max(r.delta_norm)
                    <= super::landscape_plot::NEGLIGIBLE
                {
                    ui.label("(arrows hidden: all ≈ 0, the iterate is stationary)");
                }
            }
            None => {
                ui.label("iteration 0");
            }
        }
        let failed = matches!(
            &run.state,
            RunState::Failed(_) | RunState::Finished(crate::method::Status::Diverged { .. })
        );
        ui.label(RichText::new(state).color(if failed {
            theme::LL_MAX
        } else {
            ui.visuals().text_color()
        }));
        if let Some(notice) = &app.notice {
            ui.separator();
            let color = if notice.error {
                theme::LL_MAX
            } else {
                ui.visuals().weak_text_color()
            };
            ui.label(RichText::new(&notice.text).color(color));
        }
    });
}
