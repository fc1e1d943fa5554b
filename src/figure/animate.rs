//! `figure --animate FILE.gif`: the landscape with the runs growing over
//! their iterations, −∇f, the correction and Δ redrawn at each frame's
//! iterate. The landscape is computed once; the frames are rendered on
//! every core and quantised to 256 colours each, at one size, so every
//! frame costs about the same in the file.

use super::draw::{landscape_of, render};
use super::landscape_chart::legend_corner;
use super::{FigureInput, Style, Trace, What, traces_keeping};
use crate::explore::{Progress, par_map_partial};
use resvg::tiny_skia;

/// How the animation is made.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Animation {
    /// Frames in all (the last shows the last iteration).
    pub frames: usize,
    /// Frames per second.
    pub fps: f32,
    /// Pixels per inch (72: one pixel per point of the figure's size).
    pub dpi: f32,
}

impl Animation {
    /// Refuses what a GIF cannot hold or a person would not want.
    pub fn check(&self) -> Result<(), String> {
        if !(2..=2000).contains(&self.frames) {
            return Err(format!("--frames {}: use 2 to 2000", self.frames));
        }
        if !(self.fps.is_finite() && (0.5..=100.0).contains(&self.fps)) {
            return Err(format!("--fps {}: use 0.5 to 100", self.fps));
        }
        if !(self.dpi.is_finite() && (10.0..=600.0).contains(&self.dpi)) {
            return Err(format!("--dpi {}: use 10 to 600", self.dpi));
        }
        Ok(())
    }
}

/// The iteration each frame shows: evenly spread up to `last`, ending on
/// it (a run shorter than the frames repeats some).
fn frame_iterations(frames: usize, last: u64) -> Vec<u64> {
    (1..=frames)
        .map(|i| (last as f64 * i as f64 / frames as f64).round() as u64)
        .collect()
}

/// The largest frame the GIF may have, per side, in pixels.
const MAX_SIDE: u32 = 4096;

/// The most indexed pixels all frames together may hold (1 byte each).
const MAX_PIXELS: u64 = 1 << 30;

/// The traces as they stood at iteration `k`.
fn at_iteration(traces: &[Trace], k: u64) -> Vec<Trace> {
    traces
        .iter()
        .map(|t| {
            let n = t.samples.partition_point(|s| s.k <= k);
            Trace {
                slot: t.slot,
                label: t.label.clone(),
                path: t.path[..n.min(t.path.len())].to_vec(),
                samples: t.samples[..n].to_vec(),
                // At or past the run's end: its final record, as the
                // static figure draws it.
                last: match t.samples.last() {
                    Some(s) if s.k <= k => t.last.clone(),
                    _ => t.kept.iter().rev().find(|r| r.k <= k).cloned(),
                },
                start: t.start,
                kept: Vec::new(),
            }
        })
        .collect()
}

/// The GIF's bytes; `progress` counts the frames rendered and stops the
/// work when cancelled (then `Err` says how far it got).
pub fn animation(
    input: &FigureInput,
    style: &Style,
    anim: &Animation,
    progress: &Progress,
) -> Result<Vec<u8>, String> {
    anim.check()?;
    let style = Style {
        what: What::Landscape,
        ..*style
    };
    let scale = anim.dpi / 72.0;
    let side = |points: u32| (points as f32 * scale).round() as u32;
    let (w, h) = (side(style.size[0]), side(style.size[1]));
    if w.max(h) > MAX_SIDE || w.min(h) < 1 {
        return Err(format!(
            "a {w}×{h}-pixel frame: each side must be 1 to {MAX_SIDE} pixels (lower --size or --dpi)"
        ));
    }
    if anim.frames as u64 * u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(format!(
            "{} frames of {w}×{h} pixels are more than an animation may hold; use fewer frames or a smaller size",
            anim.frames
        ));
    }
    // Where the runs end (converged, diverged or at the budget), so that
    // the frames span what happens; then again, keeping those records.
    let last = traces_keeping(input, &[])
        .iter()
        .filter_map(|t| t.samples.last().map(|s| s.k))
        .max()
        .unwrap_or(0);
    let ks = frame_iterations(anim.frames, last);
    let mut keep = ks.clone();
    keep.dedup();
    let traces = traces_keeping(input, &keep);
    let landscape = landscape_of(input, &traces);
    let corner = legend_corner(input, &traces);
    let (w, h) = (w as u16, h as u16);
    let delay = (100.0 / anim.fps).round().clamp(1.0, 65_535.0) as u16;
    // Rendered and quantised on every core: a frame is then one byte a pixel.
    let frames = par_map_partial(ks.len(), progress, |i| {
        let frame = at_iteration(&traces, ks[i]);
        let svg = render(input, &style, &frame, Some(&landscape), Some(corner)).ok()?;
        let mut pixels = rasterise(&svg, scale, (w, h)).ok()?;
        let mut frame = gif::Frame::from_rgba_speed(w, h, &mut pixels, 10);
        frame.delay = delay;
        Some(frame)
    });
    let rendered = frames.iter().filter(|f| f.is_some()).count();
    if rendered < ks.len() || progress.cancelled() {
        return Err(format!(
            "the animation stopped after {rendered} of {} frames",
            ks.len()
        ));
    }
    encode(frames.into_iter().flatten(), (w, h))
}

/// The SVG rendered at `scale` into exactly `w × h` RGBA pixels.
fn rasterise(svg: &str, scale: f32, (w, h): (u16, u16)) -> Result<Vec<u8>, String> {
    let tree = super::export::tree(svg)?;
    let mut pixmap = tiny_skia::Pixmap::new(u32::from(w), u32::from(h))
        .ok_or_else(|| format!("a {w}×{h} frame is too large"))?;
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    // The frame is opaque (the figure fills its background), so the
    // premultiplied pixels are the straight ones.
    let pixels = pixmap.take();
    if pixels.len() == usize::from(w) * usize::from(h) * 4 {
        Ok(pixels)
    } else {
        Err("a frame came out of the wrong size".into())
    }
}

/// The frames as a looping GIF.
fn encode<'a>(
    frames: impl Iterator<Item = gif::Frame<'a>>,
    (w, h): (u16, u16),
) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    {
        let fail = |e: gif::EncodingError| format!("could not encode the GIF: {e}");
        let mut encoder = gif::Encoder::new(&mut out, w, h, &[]).map_err(fail)?;
        encoder.set_repeat(gif::Repeat::Infinite).map_err(fail)?;
        for frame in frames {
            encoder.write_frame(&frame).map_err(fail)?;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_frames_spread_evenly_and_end_on_the_last_iteration() {
        assert_eq!(frame_iterations(4, 100), vec![25, 50, 75, 100]);
        assert_eq!(
            frame_iterations(5, 3),
            vec![1, 1, 2, 2, 3],
            "as many as asked"
        );
        assert!(
            Animation {
                frames: 1,
                fps: 10.0,
                dpi: 72.0
            }
            .check()
            .is_err()
        );
    }
}
