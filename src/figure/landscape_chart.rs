//! The landscape as a chart: the region {h ≤ ε}, the contours of f and g,
//! the lower-level stationary curves, the reference, every run's path and
//! the first run's QP vectors at its last iterate, with a legend in the
//! corner that covers the least of the runs.

use super::draw::Ink;
use super::{FigureInput, Trace};
use crate::explore::LowerShape;
use crate::landscape::Landscape;
use crate::legend_place::{Avoid, Corner, emptiest_corner};
use crate::palette;
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

type Chart<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

fn fail(e: &dyn std::fmt::Display) -> String {
    format!("could not draw the landscape: {e}")
}

/// Draws the landscape chart on `area`.
pub(super) fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    input: &FigureInput,
    traces: &[Trace],
    l: &Landscape,
    ink: Ink,
    corner: Option<Corner>,
) -> Result<(), String> {
    let (x, y) = input.view;
    let mut chart = ChartBuilder::on(area)
        .margin(10)
        .x_label_area_size(38)
        .y_label_area_size(52)
        .build_cartesian_2d(x[0]..x[1], y[0]..y[1])
        .map_err(|e| fail(&e))?;
    super::draw::style_mesh(
        chart
            .configure_mesh()
            .x_desc(input.names.0.as_str())
            .y_desc(input.names.1.as_str()),
        ink,
    )
    .draw()
    .map_err(|e| fail(&e))?;
    region(&mut chart, l, ink)?;
    contours(&mut chart, l, ink)?;
    stationary(&mut chart, l, ink)?;
    reference(&mut chart, input, ink)?;
    runs(&mut chart, traces, ink)?;
    if let Some(r) = traces.first().and_then(|t| t.last.as_ref()) {
        super::landscape_arrows::draw(&mut chart, r, input.axes, input.view, ink)?;
    }
    let corner = corner.unwrap_or_else(|| legend_corner(input, traces));
    super::draw::legend(&mut chart, ink, corner)
}

/// A legend swatch: a short line drawn in `style`.
pub(super) fn swatch(style: ShapeStyle) -> impl Fn((i32, i32)) -> PathElement<(i32, i32)> {
    move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], style)
}

/// The region {h ≤ ε}: grid cells under ε, merged into strips row by row,
/// and its edge.
fn region<DB: DrawingBackend>(
    chart: &mut Chart<DB>,
    l: &Landscape,
    ink: Ink,
) -> Result<(), String> {
    let g = &l.grids.h;
    let (dx, dy) = (
        (g.x[1] - g.x[0]) / (g.nx.max(2) - 1) as f64,
        (g.y[1] - g.y[0]) / (g.ny.max(2) - 1) as f64,
    );
    let mut strips = Vec::new();
    for j in 0..g.ny {
        let mut i = 0;
        while i < g.nx {
            // NaN (undefined) is outside the region.
            let inside = |i: usize| g.at(i, j) <= l.eps;
            if !inside(i) {
                i += 1;
                continue;
            }
            let first = i;
            while i < g.nx && inside(i) {
                i += 1;
            }
            let [x0, yc] = g.node(first, j);
            let [x1, _] = g.node(i - 1, j);
            let clip_x = |v: f64| v.clamp(g.x[0], g.x[1]);
            let clip_y = |v: f64| v.clamp(g.y[0], g.y[1]);
            strips.push([
                (clip_x(x0 - dx / 2.0), clip_y(yc - dy / 2.0)),
                (clip_x(x1 + dx / 2.0), clip_y(yc + dy / 2.0)),
            ]);
        }
    }
    let edge = ink.color(palette::REGION_EDGE);
    let fill = edge.mix(0.22).filled();
    let label = format!("region h ≤ ε = {}", crate::teaching::num(l.eps));
    chart
        .draw_series(strips.into_iter().map(|r| Rectangle::new(r, fill)))
        .map_err(|e| fail(&e))?
        .label(label)
        .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 16, y + 5)], fill));
    for line in &l.boundary {
        chart
            .draw_series(LineSeries::new(
                line.iter().map(|p| (p[0], p[1])),
                edge.stroke_width(1),
            ))
            .map_err(|e| fail(&e))?;
    }
    Ok(())
}

/// Contours of f (blue-grey) and of g (ochre, thinner).
fn contours<DB: DrawingBackend>(
    chart: &mut Chart<DB>,
    l: &Landscape,
    ink: Ink,
) -> Result<(), String> {
    for (levels, color, width, label) in [
        (&l.f_contours, palette::F_CONTOUR, 1, "contours of f"),
        (&l.g_contours, palette::G_CONTOUR, 1, "contours of g"),
    ] {
        let color = ink.color(color);
        let style = if label.ends_with('g') {
            color.mix(0.75).stroke_width(width)
        } else {
            color.stroke_width(width)
        };
        let mut labelled = false;
        for line in levels.iter().flat_map(|(_, lines)| lines) {
            let drawn = chart
                .draw_series(LineSeries::new(line.iter().map(|p| (p[0], p[1])), style))
                .map_err(|e| fail(&e))?;
            if !labelled {
                drawn.label(label).legend(swatch(style));
                labelled = true;
            }
        }
    }
    Ok(())
}

/// The lower-level stationary set: minima solid green over the band of the
/// global minimiser, maxima dashed red, flat violet.
fn stationary<DB: DrawingBackend>(
    chart: &mut Chart<DB>,
    l: &Landscape,
    ink: Ink,
) -> Result<(), String> {
    let green = ink.color(palette::LL_MIN);
    for (i, piece) in l.global_branch.iter().enumerate() {
        let band = chart
            .draw_series(LineSeries::new(
                piece.iter().map(|p| (p[0], p[1])),
                green.mix(0.3).stroke_width(9),
            ))
            .map_err(|e| fail(&e))?;
        if i == 0 {
            band.label("global LL minimum S(x): min over y of g")
                .legend(swatch(green.mix(0.3).stroke_width(6)));
        }
    }
    let mut labelled = [false; 3];
    for piece in &l.stationary {
        let points = piece.points.iter().map(|p| (p[0], p[1]));
        let (slot, color, label) = match piece.kind {
            LowerShape::Minimum => (0, palette::LL_MIN, "∇_y g = 0: LL minima (∇²_yy g > 0)"),
            LowerShape::Maximum => (1, palette::LL_MAX, "∇_y g = 0: LL maxima (∇²_yy g < 0)"),
            LowerShape::Flat => (2, palette::LL_FLAT, "∇_y g = 0: flat (∇²_yy g ≈ 0)"),
        };
        let color = ink.color(color);
        let drawn = if piece.kind == LowerShape::Maximum {
            chart.draw_series(DashedLineSeries::new(points, 7, 5, color.stroke_width(2)))
        } else {
            chart.draw_series(LineSeries::new(points, color.stroke_width(2)))
        }
        .map_err(|e| fail(&e))?;
        if !labelled[slot] {
            drawn.label(label).legend(swatch(color.stroke_width(2)));
            labelled[slot] = true;
        }
    }
    Ok(())
}

/// The reference optimum: a gold diamond, F* in the legend.
fn reference<DB: DrawingBackend>(
    chart: &mut Chart<DB>,
    input: &FigureInput,
    ink: Ink,
) -> Result<(), String> {
    let Some((answer, z)) = input
        .reference
        .as_ref()
        .and_then(|a| Some((a, a.z.as_ref()?)))
    else {
        return Ok(());
    };
    let (ix, iy) = input.axes;
    let (Some(&x), Some(&y)) = (z.get(ix), z.get(iy)) else {
        return Ok(());
    };
    let gold = ink.color(palette::REFERENCE);
    let source = if answer.is_known() {
        "known"
    } else {
        "computed"
    };
    let diamond = move |c: (f64, f64)| {
        EmptyElement::at(c) + Polygon::new(vec![(0, -7), (7, 0), (0, 7), (-7, 0)], gold.filled())
    };
    chart
        .draw_series(std::iter::once(diamond((x, y))))
        .map_err(|e| fail(&e))?
        .label(format!(
            "{source} optimum, F* = {}",
            crate::teaching::num(answer.f)
        ))
        .legend(move |(lx, ly)| {
            Polygon::new(
                vec![
                    (lx + 8, ly - 6),
                    (lx + 14, ly),
                    (lx + 8, ly + 6),
                    (lx + 2, ly),
                ],
                gold.filled(),
            )
        });
    Ok(())
}

/// Every run's path, its start (hollow) and last iterate (filled).
fn runs<DB: DrawingBackend>(
    chart: &mut Chart<DB>,
    traces: &[Trace],
    ink: Ink,
) -> Result<(), String> {
    for t in traces {
        let color = ink.color(palette::run(t.slot));
        chart
            .draw_series(LineSeries::new(
                t.path
                    .iter()
                    .filter(|p| p[0].is_finite() && p[1].is_finite())
                    .map(|p| (p[0], p[1])),
                color.stroke_width(2),
            ))
            .map_err(|e| fail(&e))?
            .label(t.label.as_str())
            .legend(swatch(color.stroke_width(2)));
        let finite = |p: &&[f64; 2]| p[0].is_finite() && p[1].is_finite();
        let start = Some(&t.start).filter(finite);
        chart
            .draw_series(start.map(|p| Circle::new((p[0], p[1]), 5, color.stroke_width(2))))
            .map_err(|e| fail(&e))?;
        let last = t.path.last().filter(finite);
        chart
            .draw_series(last.map(|p| Circle::new((p[0], p[1]), 4, color.filled())))
            .map_err(|e| fail(&e))?;
    }
    Ok(())
}

/// The corner where the legend covers the least of the runs.
pub(super) fn legend_corner(input: &FigureInput, traces: &[Trace]) -> Corner {
    let mut points: Vec<Avoid> = Vec::new();
    for t in traces {
        points.extend(t.path.iter().map(|p| Avoid {
            at: *p,
            weight: 1.0,
        }));
        points.push(Avoid {
            at: t.start,
            weight: 20.0,
        });
        if let Some(last) = t.path.last() {
            points.push(Avoid {
                at: *last,
                weight: 40.0,
            });
        }
    }
    if let Some(z) = input.reference.as_ref().and_then(|a| a.z.as_ref()) {
        let (ix, iy) = input.axes;
        if let (Some(&x), Some(&y)) = (z.get(ix), z.get(iy)) {
            points.push(Avoid {
                at: [x, y],
                weight: 40.0,
            });
        }
    }
    let (x, y) = input.view;
    emptiest_corner(&points, [x, y], [0.55, 0.5])
}
