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
use std::sync::atomic::Ordering;

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

/// The iteration each frame shows: evenly spread over 0..=last, ending on it.
fn frame_iterations(frames: usize, last: u64) -> Vec<u64> {
    let mut ks: Vec<u64> = (1..=frames)
        .map(|i| (last as f64 * i as f64 / frames as f64).round() as u64)
        .collect();
    ks.dedup();
    ks
}

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
                last: t.kept.iter().rev().find(|r| r.k <= k).cloned(),
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
    let ks = frame_iterations(anim.frames, input.iterations);
    let traces = traces_keeping(input, &ks);
    let landscape = landscape_of(input, &traces);
    let corner = legend_corner(input, &traces);
    let scale = anim.dpi / 72.0;
    let (w, h) = (
        (style.size[0] as f32 * scale).round() as u16,
        (style.size[1] as f32 * scale).round() as u16,
    );
    let frames = par_map_partial(ks.len(), progress, |i| {
        let frame = at_iteration(&traces, ks[i]);
        let svg = render(input, &style, &frame, Some(&landscape), Some(corner)).ok()?;
        let pixels = rasterise(&svg, scale, (w, h)).ok()?;
        progress.done.fetch_add(1, Ordering::Relaxed);
        Some(pixels)
    });
    let rendered = frames.iter().filter(|f| f.is_some()).count();
    if rendered < ks.len() {
        return Err(format!(
            "the animation stopped after {rendered} of {} frames",
            ks.len()
        ));
    }
    encode(frames.into_iter().flatten(), (w, h), anim.fps)
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
    Ok(pixmap.take())
}

/// The frames as a looping GIF.
fn encode(
    frames: impl Iterator<Item = Vec<u8>>,
    (w, h): (u16, u16),
    fps: f32,
) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    {
        let fail = |e: gif::EncodingError| format!("could not encode the GIF: {e}");
        let mut encoder = gif::Encoder::new(&mut out, w, h, &[]).map_err(fail)?;
        encoder.set_repeat(gif::Repeat::Infinite).map_err(fail)?;
        let delay = (100.0 / fps).round().clamp(1.0, 65_535.0) as u16;
        for mut rgba in frames {
            if rgba.len() != usize::from(w) * usize::from(h) * 4 {
                return Err("a frame came out of the wrong size".into());
            }
            let mut frame = gif::Frame::from_rgba_speed(w, h, &mut rgba, 10);
            frame.delay = delay;
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
        assert_eq!(frame_iterations(5, 3), vec![1, 2, 3], "no repeated frame");
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
