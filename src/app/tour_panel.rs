//! The guided tour, at the top of the left panel while it is open: one stop
//! at a time, a paragraph to read beside the plot, and buttons that set the
//! app up to show it.

use super::{AppCommand, BilevelApp};
use crate::teaching::TOUR;
use eframe::egui::{self, RichText};

/// Draws the tour when it is open; returns what the user asked for.
pub fn tour_ui(ui: &mut egui::Ui, app: &BilevelApp) -> Vec<AppCommand> {
    let mut out = Vec::new();
    if !app.teach.tour_open {
        return out;
    }
    let i = app.teach.tour_stop.min(TOUR.len().saturating_sub(1));
    let Some(stop) = TOUR.get(i) else {
        return out;
    };
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.horizontal(|ui| {
            ui.label(RichText::new(format!("Guided tour — {} of {}", i + 1, TOUR.len())).small());
            if ui
                .small_button("✖")
                .on_hover_text("Close the tour")
                .clicked()
            {
                out.push(AppCommand::ToggleTour);
            }
        });
        ui.label(RichText::new(stop.title).heading());
        ui.label(stop.text);
        ui.horizontal(|ui| {
            if ui.add_enabled(i > 0, egui::Button::new("◀ back")).clicked() {
                out.push(AppCommand::TourStop(i - 1));
            }
            if ui
                .button("show me")
                .on_hover_text("Open this stop's preset and runs and play them")
                .clicked()
            {
                out.push(AppCommand::TourStop(i));
            }
            if ui
                .add_enabled(i + 1 < TOUR.len(), egui::Button::new("next ▶"))
                .clicked()
            {
                out.push(AppCommand::TourStop(i + 1));
            }
        });
    });
    ui.separator();
    out
}
