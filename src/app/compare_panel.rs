//! The comparison: every run side by side by one measure no method computes
//! for itself — |f − F*|, the distance to the reference, the true
//! lower-level gap, and when all three first met a tolerance — beside each
//! method's own residual, labelled as its own; and the residual plots'
//! horizontal axis.

use super::settings::XAxis;
use super::{AppCommand, BilevelApp, theme};
use crate::session::RunState;
use crate::teaching::num;
use eframe::egui::{self, RichText};

/// Draws the comparison section.
pub fn compare_ui(ui: &mut egui::Ui, app: &BilevelApp) -> Vec<AppCommand> {
    let mut out = Vec::new();
    ui.label(RichText::new("Comparison").strong());
    ui.horizontal_wrapped(|ui| {
        ui.label("residuals against:");
        for axis in [XAxis::Iterations, XAxis::OracleCalls, XAxis::Seconds] {
            if ui
                .radio(app.settings.x_axis == axis, axis.label())
                .on_hover_text(
                    "Oracle calls count every gradient, value and Hessian-vector product once: \
                     methods with inner loops pay for them there; compute time is the runs' own steps",
                )
                .clicked()
            {
                out.push(AppCommand::SetXAxis(axis));
            }
        }
    });
    ui.horizontal(|ui| {
        let mut reach = app.settings.reach;
        let speed = (reach * 0.05).max(1e-300);
        let changed = ui.add(
            egui::DragValue::new(&mut reach)
                // A stored value is never changed by being drawn.
                .clamp_existing_to_range(false)
                .range(1e-300..=1e6)
                .speed(speed)
                .custom_formatter(|v, _| num(v))
                .custom_parser(|t| t.trim().parse::<f64>().ok())
                .prefix("tolerance "),
        )
        .on_hover_text(
            "'reached' is the first iteration where the distance to the reference (or |f − F*|), \
             h and the true lower-level gap are all at most this: the same measure for every \
             method. 'own' is the first iteration where the method's own KKT residual \
             ‖Δ‖² + h is at most it — each method's own yardstick, not comparable across methods",
        )
        .changed();
        if changed {
            out.push(AppCommand::SetReach(reach));
        }
    });
    out.extend(split_ui(ui, app));
    let answer = app.doc.answer.get().cloned();
    match &answer {
        Some(a) => ui.label(
            RichText::new(format!("reference F* = {} ({})", num(a.f), a.provenance())).small(),
        ),
        None if app.doc.answer.computing() => {
            ui.label(RichText::new("computing the reference …").small())
        }
        None => ui.label(
            RichText::new("no reference for this problem: distances and 'reached' need one")
                .small(),
        ),
    };
    let judge = Judge {
        answer,
        reach: app.settings.reach,
    };
    // Nine columns are wider than the panel: the table scrolls sideways
    // rather than widening the panel over the plots.
    egui::ScrollArea::horizontal()
        .id_salt("comparison-scroll")
        .show(ui, |ui| {
            egui::Grid::new("comparison")
            .striped(true)
            .num_columns(9)
            .show(ui, |ui| {
                let titles = [
                    ("run", ""),
                    ("method", ""),
                    ("state", "How the run stands, and its class once judged"),
                    ("f", ""),
                    ("|f − F*|", "Distance in value to the reference optimum"),
                    ("dist.", "Distance of z to the reference point z*"),
                    (
                        "gap",
                        "The true lower-level gap g − min g (not the method's own residual)",
                    ),
                    (
                        "reached",
                        "First iteration within the tolerance by the common measure",
                    ),
                    (
                        "own",
                        "First iteration the method's own KKT residual ‖Δ‖² + h met the tolerance",
                    ),
                ];
                for (title, hover) in titles {
                    let label = ui.label(RichText::new(title).small().strong());
                    if !hover.is_empty() {
                        label.on_hover_text(hover);
                    }
                }
                ui.end_row();
                for run in &app.runs.session.runs {
                    run_row(ui, run, &judge);
                    ui.end_row();
                }
            });
        });
    out
}

/// What every row is judged by.
struct Judge {
    answer: Option<crate::explore::Answer>,
    reach: f64,
}

/// One run's row: the common measure, then the method's own.
fn run_row(ui: &mut egui::Ui, run: &crate::session::RunTrace, judge: &Judge) {
    let cell = |ui: &mut egui::Ui, text: String| ui.label(RichText::new(text).small());
    ui.label(
        RichText::new(format!("{}", run.slot + 1))
            .color(theme::run_color(run.slot))
            .strong(),
    );
    let method = run.config().method();
    let label = cell(ui, method.legend_label());
    if let Some(relaxed) = relaxed_problem(&method) {
        label.on_hover_text(relaxed);
    }
    let mut state = match &run.state {
        RunState::Live => "live".to_string(),
        RunState::Finished(status) => status.as_str().to_string(),
        RunState::Failed(_) => "failed".to_string(),
    };
    if let Some(d) = &run.diagnosis {
        state.push_str(&format!(" · {}", d.class.as_str()));
    }
    cell(ui, state);
    let answer = judge.answer.as_ref();
    let last = run.last.as_ref();
    cell(ui, last.map_or("–".into(), |r| num(r.f)));
    cell(
        ui,
        last.zip(answer)
            .map_or("–".into(), |(r, a)| num((r.f - a.f).abs())),
    );
    cell(
        ui,
        last.zip(answer)
            .and_then(|(r, a)| a.distance(&r.z))
            .map_or("–".into(), num),
    );
    cell(
        ui,
        run.diagnosis
            .as_ref()
            .map_or("–".into(), |d| num(d.gap.gap)),
    );
    // Found before the panels are drawn (`BilevelApp::find_reached`).
    let reached = match answer.and_then(|a| run.reached(a, judge.reach)) {
        Some(Some(k)) => format!("k = {k}"),
        Some(None) => "not yet".into(),
        None => "–".into(),
    };
    cell(ui, reached);
    let own = match run.found_below(judge.reach) {
        Some(Some(k)) => format!("k = {k}"),
        Some(None) => "not yet".into(),
        None => "–".into(),
    };
    cell(ui, own);
}

/// For RXGF and SQCQP: the relaxed problem they solve (h ≤ ε², not h = 0),
/// so their own residual never reaching 0 is not a failure.
pub fn relaxed_problem(method: &crate::method::Method) -> Option<String> {
    let eps = method.relaxed_epsilon()?;
    Some(format!(
        "solves the ε-relaxed problem: min f subject to h ≤ ε² = {} (ε = {}), so it stops short \
         of h = 0 by design; its own residual is measured against that relaxed set",
        num(eps * eps),
        num(eps)
    ))
}

/// The split view's switch and the two runs it shows.
fn split_ui(ui: &mut egui::Ui, app: &BilevelApp) -> Option<AppCommand> {
    let runs = app.settings.runs.len();
    let mut split = app.settings.split;
    ui.horizontal_wrapped(|ui| {
        let mut on = split.is_some();
        let toggle = ui
            .add_enabled(runs >= 2, egui::Checkbox::new(&mut on, "side by side"))
            .on_hover_text(
                "Two runs on two landscapes that share one view (pan and zoom together), each \
                 with its own arrows at its iterate; the residuals below overlay them",
            )
            .on_disabled_hover_text("Needs two runs: + Run adds one");
        if toggle.changed() {
            split = on.then_some([0, 1]);
        }
        if let Some([left, right]) = &mut split {
            let (l, r) = (*left, *right);
            side_combo(ui, "left", left, r, runs);
            side_combo(ui, "right", right, l, runs);
        }
    });
    (split != app.settings.split).then_some(AppCommand::SetSplit(split))
}

/// One side's run: every run but the one the other side shows.
fn side_combo(ui: &mut egui::Ui, side: &str, slot: &mut usize, other: usize, runs: usize) {
    egui::ComboBox::new(("split", side), side)
        .selected_text(format!("run {}", *slot + 1))
        .show_ui(ui, |ui| {
            for i in (0..runs).filter(|i| *i != other) {
                ui.selectable_value(slot, i, format!("run {}", i + 1));
            }
        });
}
