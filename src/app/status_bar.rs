//! The status line: iteration, f, h, λ, active or not, run state, the true
//! lengths of the drawn arrows, and any divergence message.

use super::theme;
use super::{AppCommand, BilevelApp};
use crate::method::{Curvature, Detail, Record, norm};
use crate::session::{RunState, RunTrace};
use eframe::egui::{self, RichText};

/// A number in a short readable form (the same everywhere: the
/// explanation panel's numbers are read back by tests).
pub use crate::teaching::num;

/// Draws the status line.
pub fn status_ui(ui: &mut egui::Ui, app: &BilevelApp) -> Vec<AppCommand> {
    let mut commands = Vec::new();
    animation_row(ui, app, &mut commands);
    ui.horizontal_wrapped(|ui| {
        let Some(run) = app.runs.session.runs.get(app.runs.selected) else {
            ui.label("no run");
            return;
        };
        ui.label(
            RichText::new(format!("run {}", run.slot + 1))
                .color(theme::run_color(run.slot))
                .strong(),
        );
        let state = match &run.state {
            RunState::Live if app.runs.playing => "running".to_string(),
            RunState::Live => "paused".to_string(),
            RunState::Finished(status) => status.to_string(),
            RunState::Failed(message) => message.clone(),
        };
        match run.last.as_ref() {
            Some(r) => {
                ui.label(format!("iteration {}", r.k));
                ui.label(format!("f = {}", num(r.f)));
                ui.label(format!("h = {}", num(r.h)));
                let (symbol, text, color) = activity(r);
                ui.label(format!("{symbol} = {}", num(r.lambda)));
                ui.label(RichText::new(text).color(color));
                let correction = norm(&r.correction);
                ui.label(format!(
                    "‖∇f‖ = {}, ‖correction‖ = {}, ‖Δ‖ = {}",
                    num(norm(&r.grad_f)),
                    num(correction),
                    num(r.delta_norm)
                ))
                .on_hover_text(
                    "True lengths of the arrows, which are drawn scaled to stay readable",
                );
                if norm(&r.grad_f).max(correction).max(r.delta_norm)
                    <= super::landscape_plot::NEGLIGIBLE
                {
                    ui.label("(arrows hidden: all ≈ 0, the iterate is stationary)");
                }
            }
            None => {
                ui.label("iteration 0");
            }
        }
        diagnosis_ui(ui, run);
        let failed = matches!(
            &run.state,
            RunState::Failed(_) | RunState::Finished(crate::method::Status::Diverged { .. })
        );
        ui.label(RichText::new(state).color(if failed {
            theme::LL_MAX
        } else {
            ui.visuals().text_color()
        }));
        if let Some(d) = app
            .runs
            .session
            .runs
            .get(app.runs.selected)
            .and_then(|r| r.diagnosis.as_ref())
        {
            for trap in &d.traps {
                ui.separator();
                ui.label(RichText::new(format!("⚠ {}", trap.sentence())).color(theme::LL_MAX));
                if let Some(preset) = trap.preset()
                    && ui
                        .small_button(format!("see {preset}"))
                        .on_hover_text("Open the preset whose description shows this trap")
                        .clicked()
                {
                    commands.push(AppCommand::OpenBuiltin(preset.to_string()));
                }
            }
        }
        if let Some(notice) = &app.notices.notice {
            ui.separator();
            let color = if notice.error {
                theme::LL_MAX
            } else {
                ui.visuals().weak_text_color()
            };
            ui.label(RichText::new(&notice.text).color(color));
            if let Some((label, command)) = &notice.action
                && ui.small_button(label).clicked()
            {
                commands.push(command.clone());
            }
        }
    });
    commands
}

/// The multiplier's symbol and what the method's constraint did, in words.
fn activity(r: &Record) -> (&'static str, &'static str, egui::Color32) {
    let bent = (theme::PERTURBATION, theme::GRAD_F);
    match &r.detail {
        Detail::PgdQp { guarded: true, .. } | Detail::Rxgf { guarded: true, .. } => {
            ("λ", "guard: ∇h = 0, plain gradient step", bent.1)
        }
        Detail::PgdQp { .. } | Detail::Rxgf { .. } if r.active => {
            ("λ", "active: the QP bends the step", bent.0)
        }
        Detail::PgdQp { .. } | Detail::Rxgf { .. } => {
            ("λ", "inactive: plain gradient step", bent.1)
        }
        Detail::Sqcqp { radius: None, .. } => (
            "λ",
            "infeasible QCQP: stepping to the ball's centre",
            theme::LL_MAX,
        ),
        Detail::Sqcqp {
            accepted: false, ..
        } => (
            "λ",
            "line search failed: the iterate stays put",
            theme::LL_MAX,
        ),
        Detail::Sqcqp { inside, .. } => match (r.active, *inside) {
            (true, true) => ("λ", "active: projected onto the ball, line search", bent.0),
            (true, false) => ("λ", "active: projected onto the ball, fixed step η", bent.0),
            (false, true) => ("λ", "inactive: −∇f inside the ball, line search", bent.1),
            (false, false) => ("λ", "inactive: −∇f inside the ball, fixed step η", bent.1),
        },
        Detail::Bome { .. } if r.active => {
            ("λ", "active: BOME bends the step to decrease q", bent.0)
        }
        Detail::Bome { .. } => ("λ", "inactive: plain gradient step", bent.1),
        Detail::Vpbgd { .. } => ("γ", "penalty gradient step on f + γ(g − g*)", bent.0),
        Detail::Aid {
            curvature: Curvature::Positive,
            ..
        } => ("λ", "implicit hypergradient step", bent.0),
        Detail::Aid { curvature, .. } => (
            "λ",
            if *curvature == Curvature::Singular {
                "∇²_yy g singular: CG stopped early"
            } else {
                "∇²_yy g indefinite: CG stopped early"
            },
            theme::LL_MAX,
        ),
    }
}

/// The selected run's judgement (gap, lower-level shape, class) and its
/// newest event.
fn diagnosis_ui(ui: &mut egui::Ui, run: &RunTrace) {
    if let Some(d) = &run.diagnosis {
        ui.separator();
        ui.label(format!("gap g − min g = {}", num(d.gap.gap)))
            .on_hover_text("The true lower-level gap g(x, y) − min_y' g(x, y'): zero only where y is a global lower-level minimiser");
        let shape = d.shape.name();
        ui.label(format!("λ_min(∇²_yy g) = {} ({shape})", num(d.curvature)))
            .on_hover_text("The smallest eigenvalue of ∇²_yy g at the iterate: negative means y is not a lower-level minimum; within 1e-8 of 0 (relative to ∇²g) it is flat or degenerate, and says nothing either way");
        if !d.gap.bounded {
            ui.label(RichText::new("g unbounded below?").color(theme::LL_MAX))
                .on_hover_text(format!(
                    "g(x, ·) kept falling out to |y| = 1e6 (searched y ∈ [{}, {}]): the lower level may have no minimum here, and the gap is only against the least value found",
                    num(d.gap.interval[0]),
                    num(d.gap.interval[1])
                ));
        }
        ui.label(format!("class: {}", d.class.as_str()))
            .on_hover_text(
                "Where the run stands by the classifier the basin map, the sweep and `run` share",
            );
    }
    if let Some((event, _)) = run.events.back() {
        ui.separator();
        ui.label(RichText::new(event.message()).color(theme::LL_MAX).small())
            .on_hover_text(format!(
                "the newest of {} events of this run (kicks so far: {}); each is marked on the trajectory (the newest 300 of each kind)",
                run.events_total,
                run.kicks
            ));
    }
}

/// The animation being made: its frames done, and Cancel.
fn animation_row(ui: &mut egui::Ui, app: &BilevelApp, commands: &mut Vec<AppCommand>) {
    let Some((done, total)) = app.animation_progress() else {
        return;
    };
    ui.horizontal(|ui| {
        ui.label("making the animation:");
        ui.add(
            egui::ProgressBar::new(done as f32 / total.max(1) as f32)
                .desired_width(200.0)
                .text(format!("{done} of {total} frames")),
        );
        if ui.button("Cancel").clicked() {
            commands.push(AppCommand::CancelAnimation);
        }
    });
}
