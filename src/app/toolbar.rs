//! The top bar: preset, playback, speed, runs and export.

use super::settings::PresetSource;
use super::{AppCommand, BilevelApp};
use crate::preset::BUILTIN;
use eframe::egui;

/// Draws the toolbar and returns what the user asked for.
pub fn toolbar_ui(ui: &mut egui::Ui, app: &mut BilevelApp) -> Vec<AppCommand> {
    let mut out = Vec::new();
    ui.horizontal_wrapped(|ui| {
        let current = match &app.settings.source {
            PresetSource::Builtin(id) => id.clone(),
            PresetSource::File(path) => path.clone(),
        };
        let lecture = app.settings.lecture;
        // The lecture view's zoom makes everything 25 % wider; a narrower
        // picker that truncates the name keeps the toolbar on one line at
        // 1440 px (the name is the left panel's heading anyway). A combo
        // box's width is only its minimum, so the room is capped around it.
        let width = if lecture { 180.0 } else { 260.0 };
        let room = egui::vec2(width, ui.spacing().interact_size.y);
        ui.allocate_ui(room, |ui| {
            egui::ComboBox::new("preset", "")
                .selected_text(&app.preset.name)
                .width(width)
                .truncate()
                .show_ui(ui, |ui| {
                    for (id, _) in BUILTIN {
                        let title = crate::preset::load_builtin(id).map_or_else(|_| id.to_string(), |p| p.name);
                        if ui.selectable_label(current == id, format!("{id}: {title}")).clicked() {
                            out.push(AppCommand::OpenBuiltin(id.to_string()));
                        }
                    }
                })
                .response
                .on_hover_text(format!(
                    "{}\nThe preset library: each problem has a known answer and a story (left panel).",
                    app.preset.name
                ));
        });
        if !lecture && ui.button("Open…").on_hover_text("Open a preset TOML file").clicked() {
            out.push(AppCommand::OpenDialog);
        }
        ui.separator();
        let play_label = if app.playing { "❚❚ Pause" } else { "▶ Play" };
        if ui
            .button(play_label)
            .on_hover_text("Run every method continuously (Space)")
            .clicked()
        {
            out.push(if app.playing { AppCommand::Pause } else { AppCommand::Play });
        }
        if ui.button("Step").on_hover_text("One PGD-QP iteration: solve the QP, move by γΔ (→)").clicked() {
            out.push(AppCommand::Step(1));
        }
        ui.add(
            egui::DragValue::new(&mut app.settings.step_n)
                    // A stored value is never changed by being drawn.
                    .clamp_existing_to_range(false)
                .range(1..=1_000_000)
                .speed(10)
                .prefix("N = "),
        )
        .on_hover_text("How many iterations 'Step N' does");
        if ui.button("Step N").on_hover_text("N iterations, then pause").clicked() {
            out.push(AppCommand::Step(app.settings.step_n));
        }
        if ui.button("Reset").on_hover_text("Restart every run from its start point (R)").clicked() {
            out.push(AppCommand::Reset);
        }
        ui.separator();
        let mut max = app.settings.speed.is_none();
        let mut rate = app.settings.speed.unwrap_or(1000.0);
        let speed_changed = ui
            .add_enabled(
                !max,
                egui::Slider::new(&mut rate, 1.0..=100_000.0)
                    .logarithmic(true)
                    .text("it/s")
                    .fixed_decimals(0),
            )
            .on_hover_text("Iterations per second, per run")
            .changed();
        let max_changed = ui
            .checkbox(&mut max, "max")
            .on_hover_text("As fast as the solver thread can go")
            .changed();
        if speed_changed || max_changed {
            out.push(AppCommand::SetSpeed((!max).then_some(rate)));
        }
        ui.separator();
        if ui
            .selectable_label(app.teach.explain_open, "Explain")
            .on_hover_text("The update with this iteration's numbers, stage by stage, and a slider through the history")
            .clicked()
        {
            app.teach.explain_open = !app.teach.explain_open;
        }
        if ui
            .selectable_label(app.teach.tour_open, "Tour")
            .on_hover_text("The guided tour: seven stops, each a preset set up to show one idea")
            .clicked()
        {
            app.teach.tour_open = !app.teach.tour_open;
        }
        if ui
            .selectable_label(lecture, "Lecture")
            .on_hover_text("Lecture view: larger type, thicker lines, more contrast, fewer controls (L)")
            .clicked()
        {
            out.push(AppCommand::ToggleLecture);
        }
        let theme = if app.settings.light { "☀ Light" } else { "☾ Dark" };
        if ui.button(theme).on_hover_text("Switch between the light and the dark theme").clicked() {
            out.push(AppCommand::ToggleTheme);
        }
        if lecture {
            return;
        }
        ui.separator();
        if ui
            .button("+ Run")
            .on_hover_text("Add a run with the selected run's parameters, in a new colour, to compare")
            .clicked()
        {
            out.push(AppCommand::AddRun);
        }
        ui.menu_button("Export", |ui| {
            if ui.button("Trajectory (CSV)…").on_hover_text("The selected run's iterations").clicked() {
                out.push(AppCommand::ExportCsv);
                ui.close();
            }
            if ui
                .button("Preset (TOML)…")
                .on_hover_text("The problem, the selected run's start and parameters, and this view; `bilevel-lab run` reads it back")
                .clicked()
            {
                out.push(AppCommand::ExportPreset);
                ui.close();
            }
            if ui.button("Window (PNG)…").clicked() {
                out.push(AppCommand::ExportPng);
                ui.close();
            }
        });
    });
    out
}
