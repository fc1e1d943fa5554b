//! The figure as SVG: a title over the landscape, the residual plots, or
//! both side by side.

use super::{FigureInput, Style, What, landscape_chart, residual_chart, traces};
use crate::landscape::{self, Landscape, Slice};
use crate::palette::Rgb;
use plotters::prelude::*;

/// The font every text of a figure is set in: the bundled DejaVu Sans
/// (it has ∇, ‖, ≤, the Greek letters), embedded in PDFs and PNGs.
pub(super) const FONT: &str = "DejaVu Sans";

/// Grid nodes per side of the landscape's grids.
pub const RESOLUTION: usize = 161;

/// The figure's colours for its theme.
#[derive(Debug, Clone, Copy)]
pub(super) struct Ink {
    /// Behind everything.
    pub background: RGBColor,
    /// Text and axes.
    pub text: RGBColor,
    /// The light theme (pale palette colours are darkened on it).
    pub light: bool,
}

impl Ink {
    pub(super) fn of(light: bool) -> Self {
        if light {
            Ink {
                background: WHITE,
                text: BLACK,
                light,
            }
        } else {
            Ink {
                background: RGBColor(16, 16, 16),
                text: RGBColor(225, 225, 225),
                light,
            }
        }
    }

    /// A palette colour on this theme.
    pub fn color(self, rgb: Rgb) -> RGBColor {
        let Rgb(r, g, b) = rgb.ink(self.light);
        RGBColor(r, g, b)
    }

    /// Text of `size` points.
    pub fn font(self, size: u32) -> TextStyle<'static> {
        (FONT, size).into_font().color(&self.text)
    }
}

/// The axes' and grid's look on this theme.
pub(super) fn style_mesh<'m, 'a, 'b, X: Ranged, Y: Ranged, DB: DrawingBackend>(
    mesh: &'m mut plotters::chart::MeshStyle<'a, 'b, X, Y, DB>,
    ink: Ink,
) -> &'m mut plotters::chart::MeshStyle<'a, 'b, X, Y, DB> {
    mesh.axis_desc_style(ink.font(12))
        .label_style(ink.font(10))
        .axis_style(ink.text)
        .bold_line_style(ink.text.mix(0.12))
        .light_line_style(ink.text.mix(0.0))
}

/// Draws a chart's legend inside it, in `corner`.
pub(super) fn legend<'a, DB: DrawingBackend + 'a, CT: CoordTranslate>(
    chart: &mut ChartContext<'a, DB, CT>,
    ink: Ink,
    corner: crate::legend_place::Corner,
) -> Result<(), String> {
    use crate::legend_place::Corner;
    let position = match corner {
        Corner::LeftTop => SeriesLabelPosition::UpperLeft,
        Corner::RightTop => SeriesLabelPosition::UpperRight,
        Corner::LeftBottom => SeriesLabelPosition::LowerLeft,
        Corner::RightBottom => SeriesLabelPosition::LowerRight,
    };
    chart
        .configure_series_labels()
        .position(position)
        .label_font(ink.font(10))
        .background_style(ink.background.mix(0.85))
        .border_style(ink.text.mix(0.4))
        .draw()
        .map_err(|e| format!("could not draw a legend: {e}"))
}

/// Draws the figure: runs every run, computes the landscape of the view,
/// and returns the SVG text.
pub fn svg(input: &FigureInput, style: &Style) -> Result<String, String> {
    let traces = traces(input);
    let landscape = (style.what != What::Residuals).then(|| landscape_of(input, &traces));
    render(input, style, &traces, landscape.as_ref(), None)
}

/// The landscape of the view, the other coordinates held at the first
/// run's last iterate (as the app holds them at the selected run's).
pub(super) fn landscape_of(input: &FigureInput, traces: &[super::Trace]) -> Landscape {
    let base = traces
        .first()
        .and_then(|t| t.last.as_ref().map(|r| r.z.clone()))
        .or_else(|| input.runs.first().map(|r| r.start.clone()))
        .unwrap_or_default();
    let slice = Slice {
        ix: input.axes.0,
        iy: input.axes.1,
        base,
        x: input.view.0,
        y: input.view.1,
        resolution: RESOLUTION,
    };
    landscape::compute(
        &input.problem,
        slice,
        input.eps,
        landscape::default_threads(),
    )
}

/// Draws the traces over `landscape` (needed unless only the residuals are
/// drawn); `corner` fixes the landscape legend's corner (an animation's
/// frames keep one), else it is chosen from the traces.
pub(super) fn render(
    input: &FigureInput,
    style: &Style,
    traces: &[super::Trace],
    landscape: Option<&Landscape>,
    corner: Option<crate::legend_place::Corner>,
) -> Result<String, String> {
    let ink = Ink::of(style.light);
    let [w, h] = style.size;
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (w, h)).into_drawing_area();
        let fail = |e: &dyn std::fmt::Display| format!("could not draw the figure: {e}");
        root.fill(&ink.background).map_err(|e| fail(&e))?;
        let body = root
            .titled(&input.title, ink.font(16))
            .map_err(|e| fail(&e))?;
        match (style.what, landscape) {
            (What::Both, Some(l)) => {
                let (left, right) = body.split_horizontally(w * 11 / 20);
                landscape_chart::draw(&left, input, traces, l, ink, corner)?;
                residual_chart::draw(&right, traces, ink)?;
            }
            (What::Landscape, Some(l)) => {
                landscape_chart::draw(&body, input, traces, l, ink, corner)?;
            }
            _ => residual_chart::draw(&body, traces, ink)?,
        }
        root.present().map_err(|e| fail(&e))?;
    }
    Ok(out)
}
