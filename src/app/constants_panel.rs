//! The problem's constants as sliders, the names an edit uses offered as
//! new constants, and how edits take effect (as typed or by Apply; runs
//! restarted or going on), with undo and redo.

use super::{AppCommand, BilevelApp};
use crate::teaching::num;
use eframe::egui::{self, RichText};

/// The constants' sliders and the offers to declare undeclared names.
pub fn constants_ui(ui: &mut egui::Ui, app: &BilevelApp) -> Vec<AppCommand> {
    let mut out = Vec::new();
    for name in app.undeclared_names() {
        let offer = ui
            .button(format!("make `{name}` a constant"))
            .on_hover_text(format!(
                "f or g uses `{name}`, which is not a variable: declare it as a constant \
                 (value 1) with a slider"
            ));
        if offer.clicked() {
            out.push(AppCommand::MakeConstant(name));
        }
    }
    let constants = &app.doc.editor.constants;
    if constants.is_empty() {
        return out;
    }
    ui.label(RichText::new("Constants").strong())
        .on_hover_text("Drag a slider: the landscape is redrawn and the runs follow at once");
    if let Some(moved) = moved_from_preset(app) {
        ui.label(
            RichText::new(format!(
                "Moved from the preset's {moved}: the text above describes the preset's values"
            ))
            .small()
            .weak(),
        );
    }
    // The sliders take the panel's width, less the name and the value
    // (in a scope: the method's sliders below keep theirs).
    ui.scope(|ui| {
        ui.spacing_mut().slider_width = (ui.available_width() - 110.0).max(100.0);
        egui::Grid::new("constants")
            .num_columns(2)
            .striped(false)
            .show(ui, |ui| {
                for c in constants {
                    let origin = preset_value(app, &c.name).unwrap_or(1.0);
                    let [lo, hi] = c.slider_range(origin);
                    let mut value = c.value;
                    let name = ui.label(RichText::new(&c.name).monospace());
                    let where_from = match c.range {
                        Some(_) => "the range the preset declares".to_string(),
                        None => format!(
                            "no range declared: {} to {} (−1 to 3 times the starting value; \
                             a preset sets its own with {} = {{ value, min, max }})",
                            num(lo),
                            num(hi),
                            c.name
                        ),
                    };
                    let slider = ui
                        .add(
                            egui::Slider::new(&mut value, lo..=hi)
                                .clamping(egui::SliderClamping::Edits)
                                .max_decimals(4),
                        )
                        .on_hover_text(format!(
                            "{} from {} to {}: {where_from}",
                            c.name,
                            num(lo),
                            num(hi)
                        ));
                    // Screen readers (and the UI tests) find it by its name.
                    let slider = slider.labelled_by(name.id);
                    if slider.changed() && value != c.value {
                        out.push(AppCommand::SetConstant(c.name.clone(), value));
                    }
                    ui.end_row();
                }
            });
    });
    out
}

/// The preset's value of constant `name` (`None`: declared in the app,
/// with value 1 to begin with).
fn preset_value(app: &BilevelApp, name: &str) -> Option<f64> {
    let crate::preset::ProblemSpec::Expression { constants, .. } = &app.doc.preset.spec else {
        return None;
    };
    constants.iter().find(|c| c.name == name).map(|c| c.value)
}

/// The preset's values of the constants whose sliders moved, as
/// "a = 2, c = 2"; `None` if none moved.
fn moved_from_preset(app: &BilevelApp) -> Option<String> {
    let crate::preset::ProblemSpec::Expression { constants, .. } = &app.doc.preset.spec else {
        return None;
    };
    let moved: Vec<String> = constants
        .iter()
        .filter(|p| {
            app.doc
                .editor
                .constants
                .iter()
                .any(|c| c.name == p.name && c.value != p.value)
        })
        .map(|p| format!("{} = {}", p.name, num(p.value)))
        .collect();
    (!moved.is_empty()).then(|| moved.join(", "))
}

/// How an edit takes effect, and undo/redo of the problem.
pub fn behaviour_ui(ui: &mut egui::Ui, app: &BilevelApp) -> Vec<AppCommand> {
    let mut out = Vec::new();
    let mut as_typed = app.settings.apply_as_typed;
    if ui
        .checkbox(&mut as_typed, "Apply as I type")
        .on_hover_text(
            "A valid edit of f or g is used by itself after a short pause; an invalid one \
             leaves the runs on the last valid problem. Off: only Apply uses it",
        )
        .changed()
    {
        out.push(AppCommand::SetApplyAsTyped(as_typed));
    }
    ui.horizontal(|ui| {
        ui.label("On a change:");
        let restart = app.settings.restart_on_change;
        if ui
            .radio(restart, "restart runs")
            .on_hover_text("Every run starts again from its start on the changed problem")
            .clicked()
            && !restart
        {
            out.push(AppCommand::SetRestartOnChange(true));
        }
        if ui
            .radio(!restart, "keep iterating")
            .on_hover_text("Every run goes on from where it is, on the changed problem")
            .clicked()
            && restart
        {
            out.push(AppCommand::SetRestartOnChange(false));
        }
    });
    ui.horizontal(|ui| {
        let history = &app.doc.history;
        let unapplied = app.doc.editor.dirty;
        if ui
            .add_enabled(history.can_undo() || unapplied, egui::Button::new("↶ Undo"))
            .on_hover_text("Back to the problem before the last change (Ctrl+Z)")
            .clicked()
        {
            out.push(AppCommand::Undo);
        }
        if ui
            .add_enabled(history.can_redo(), egui::Button::new("↷ Redo"))
            .on_hover_text("Forward to the change undone (Ctrl+Shift+Z)")
            .clicked()
        {
            out.push(AppCommand::Redo);
        }
        let waiting = app.doc.editor.typed_at.is_some();
        if app.settings.apply_as_typed && unapplied && waiting && app.edit_is_valid() {
            ui.label(RichText::new("applies when you pause").small().weak());
        }
    });
    out
}
