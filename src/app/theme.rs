//! Colours, strokes and fonts in one place.

use crate::palette::{self, Rgb};
use eframe::egui::{self, Color32};
use std::sync::Arc;

/// A palette colour as egui takes it.
const fn c(rgb: Rgb) -> Color32 {
    Color32::from_rgb(rgb.0, rgb.1, rgb.2)
}

/// Run colours, distinct on light and dark backgrounds.
pub const RUNS: [Color32; 6] = [
    c(palette::RUNS[0]),
    c(palette::RUNS[1]),
    c(palette::RUNS[2]),
    c(palette::RUNS[3]),
    c(palette::RUNS[4]),
    c(palette::RUNS[5]),
];

/// The colour of run slot `slot`.
pub fn run_color(slot: usize) -> Color32 {
    c(palette::run(slot))
}

/// f contours.
pub const F_CONTOUR: Color32 = c(palette::F_CONTOUR);
/// g contours.
pub const G_CONTOUR: Color32 = c(palette::G_CONTOUR);
/// Lower-level minima.
pub const LL_MIN: Color32 = c(palette::LL_MIN);
/// Lower-level maxima.
pub const LL_MAX: Color32 = c(palette::LL_MAX);
/// Flat (degenerate) lower-level stationary points: neither minima nor maxima.
pub const LL_FLAT: Color32 = c(palette::LL_FLAT);
/// Events on a trajectory: kicks, runaways, cycles.
pub const EVENT: Color32 = c(palette::EVENT);
/// The region h ≤ ε (RGBA).
pub const REGION: [u8; 4] = [
    palette::REGION_EDGE.0,
    palette::REGION_EDGE.1,
    palette::REGION_EDGE.2,
    55,
];
/// Its boundary.
pub const REGION_EDGE: Color32 = c(palette::REGION_EDGE);
/// The reference optimum.
pub const REFERENCE: Color32 = c(palette::REFERENCE);
/// −∇f.
pub const GRAD_F: Color32 = c(palette::GRAD_F);
/// −λ∇h.
pub const PERTURBATION: Color32 = c(palette::PERTURBATION);
/// Δ.
pub const STEP: Color32 = c(palette::STEP);
/// The QP half-space boundary.
pub const HALF_SPACE: Color32 = c(palette::HALF_SPACE);

/// Paragraphs of a description: single line breaks join into spaces, so
/// the text flows with the panel's width; blank lines separate paragraphs.
pub fn reflow(text: &str) -> String {
    text.trim()
        .split("\n\n")
        .map(|p| p.lines().map(str::trim).collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// Residual series colours: h, ‖Δ‖, λ, KKT, hypergradient.
pub const SERIES: [Color32; 5] = [
    c(palette::SERIES[0]),
    c(palette::SERIES[1]),
    c(palette::SERIES[2]),
    c(palette::SERIES[3]),
    c(palette::SERIES[4]),
];

/// Installs DejaVu Sans (shipped in `assets/fonts`) ahead of egui's fonts:
/// it has ∇, ‖, ≤ and the other symbols the method is written in.
pub fn install_fonts(ctx: &egui::Context) {
    let mut fonts = egui::FontDefinitions::default();
    fonts.font_data.insert(
        "dejavu".into(),
        Arc::new(egui::FontData::from_static(include_bytes!(
            "../../assets/fonts/DejaVuSans.ttf"
        ))),
    );
    if let Some(list) = fonts.families.get_mut(&egui::FontFamily::Proportional) {
        list.insert(0, "dejavu".into());
    }
    if let Some(list) = fonts.families.get_mut(&egui::FontFamily::Monospace) {
        list.push("dejavu".into());
    }
    ctx.set_fonts(fonts);
}

/// The rate guide K^(−2/3) (qp1's rate).
pub const GUIDE_FAST: Color32 = Color32::from_rgb(120, 200, 200);
/// The rate guide K^(−1/3) (qp2's rate).
pub const GUIDE_SLOW: Color32 = Color32::from_rgb(200, 200, 120);

/// `color` made readable on the theme's background: on the light theme,
/// light colours (pale greys, yellow) are darkened.
pub fn ink(color: Color32, light: bool) -> Color32 {
    let [r, g, b, a] = color.to_array();
    let Rgb(r, g, b) = Rgb(r, g, b).ink(light);
    Color32::from_rgba_unmultiplied(r, g, b, a)
}
