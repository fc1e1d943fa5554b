//! Colours, strokes and fonts in one place.

use eframe::egui::{self, Color32};
use std::sync::Arc;

/// Run colours, distinct on light and dark backgrounds.
pub const RUNS: [Color32; 6] = [
    Color32::from_rgb(230, 85, 13),
    Color32::from_rgb(49, 130, 189),
    Color32::from_rgb(117, 68, 177),
    Color32::from_rgb(44, 160, 44),
    Color32::from_rgb(214, 39, 140),
    Color32::from_rgb(140, 86, 75),
];

/// The colour of run slot `slot`.
pub fn run_color(slot: usize) -> Color32 {
    RUNS.get(slot % RUNS.len())
        .copied()
        .unwrap_or(Color32::GRAY)
}

/// f contours.
pub const F_CONTOUR: Color32 = Color32::from_rgb(110, 130, 170);
/// g contours.
pub const G_CONTOUR: Color32 = Color32::from_rgb(175, 140, 80);
/// Lower-level minima.
pub const LL_MIN: Color32 = Color32::from_rgb(20, 150, 70);
/// Lower-level maxima.
pub const LL_MAX: Color32 = Color32::from_rgb(200, 40, 40);
/// The region {h ≤ ε}, translucent.
/// Flat (degenerate) lower-level stationary points: neither minima nor maxima.
pub const LL_FLAT: Color32 = Color32::from_rgb(150, 110, 210);
/// Events on a trajectory: kicks, runaways, cycles.
pub const EVENT: Color32 = Color32::from_rgb(255, 120, 40);
/// The region h ≤ ε (RGBA).
pub const REGION: [u8; 4] = [90, 150, 230, 55];
/// Its boundary.
pub const REGION_EDGE: Color32 = Color32::from_rgb(90, 150, 230);
/// The reference optimum.
pub const REFERENCE: Color32 = Color32::from_rgb(240, 190, 0);
/// −∇f.
pub const GRAD_F: Color32 = Color32::from_rgb(165, 165, 165);
/// −λ∇h.
pub const PERTURBATION: Color32 = Color32::from_rgb(220, 0, 160);
/// Δ.
pub const STEP: Color32 = Color32::from_rgb(0, 110, 230);
/// The QP half-space boundary.
pub const HALF_SPACE: Color32 = Color32::from_rgb(160, 0, 120);

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
    Color32::from_rgb(40, 150, 80),
    Color32::from_rgb(0, 110, 230),
    Color32::from_rgb(220, 0, 160),
    Color32::from_rgb(230, 85, 13),
    Color32::from_rgb(117, 68, 177),
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
    if !light {
        return color;
    }
    let [r, g, b, a] = color.to_array();
    let luminance = 0.299 * f32::from(r) + 0.587 * f32::from(g) + 0.114 * f32::from(b);
    if luminance < 120.0 {
        return color;
    }
    let k = 120.0 / luminance;
    let scale = |c: u8| (f32::from(c) * k).round().clamp(0.0, 255.0) as u8;
    Color32::from_rgba_unmultiplied(scale(r), scale(g), scale(b), a)
}
