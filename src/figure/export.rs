//! Writing a figure: the SVG as drawn, a PDF of it (svg2pdf: true vectors,
//! the bundled DejaVu Sans embedded as a subset), or a PNG rendered by
//! resvg at the asked resolution. Every file goes through a temporary file
//! and a rename, so a failed write leaves nothing half-written.

use crate::atomic_file::AtomicFile;
use resvg::{tiny_skia, usvg};
use std::io::Write;
use std::path::Path;

/// The bundled font, which the figures are set in.
const FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// The file format, from the output's extension.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Format {
    /// SVG, as plotters drew it.
    Svg,
    /// PDF (vector).
    Pdf,
    /// PNG at this many dots per inch (72: one pixel per point).
    Png {
        /// Dots per inch.
        dpi: f32,
    },
}

impl Format {
    /// The format an output path names by its extension (`.svg`, `.pdf`,
    /// `.png`, in any case); `dpi` is used for PNG.
    pub fn of(path: &Path, dpi: f32) -> Result<Self, String> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("svg") => Ok(Format::Svg),
            Some("pdf") => Ok(Format::Pdf),
            Some("png") if dpi.is_finite() && (10.0..=1200.0).contains(&dpi) => {
                Ok(Format::Png { dpi })
            }
            Some("png") => Err(format!("--dpi {dpi}: use 10 to 1200")),
            _ => Err(format!(
                "{}: the name must end in .svg, .pdf or .png",
                path.display()
            )),
        }
    }
}

/// The SVG parsed with the bundled font, as PDF and PNG are made from it.
pub(super) fn tree(svg: &str) -> Result<usvg::Tree, String> {
    let mut options = usvg::Options {
        font_family: super::draw::FONT.into(),
        ..usvg::Options::default()
    };
    options.fontdb_mut().load_font_data(FONT.to_vec());
    usvg::Tree::from_str(svg, &options).map_err(|e| format!("the figure's SVG did not parse: {e}"))
}

/// The bytes of the figure in `format`.
pub fn bytes(svg: &str, format: Format) -> Result<Vec<u8>, String> {
    match format {
        Format::Svg => Ok(svg.as_bytes().to_vec()),
        Format::Pdf => svg2pdf::to_pdf(
            &tree(svg)?,
            svg2pdf::ConversionOptions::default(),
            svg2pdf::PageOptions::default(),
        )
        .map_err(|e| format!("could not make the PDF: {e}")),
        Format::Png { dpi } => {
            if !(dpi.is_finite() && (10.0..=1200.0).contains(&dpi)) {
                return Err(format!("--dpi {dpi}: use 10 to 1200"));
            }
            let tree = tree(svg)?;
            let scale = dpi / 72.0;
            let size = tree.size();
            let (w, h) = (
                (size.width() * scale).ceil(),
                (size.height() * scale).ceil(),
            );
            // tiny-skia aborts rather than fail on an allocation too large.
            if w.max(h) > 20_000.0 || w * h > 2e8 {
                return Err(format!(
                    "a {w}×{h}-pixel PNG is too large: lower --size or --dpi"
                ));
            }
            let (w, h) = (w as u32, h as u32);
            let mut pixmap = tiny_skia::Pixmap::new(w, h)
                .ok_or_else(|| format!("a {w}×{h} pixel image is too large"))?;
            resvg::render(
                &tree,
                tiny_skia::Transform::from_scale(scale, scale),
                &mut pixmap.as_mut(),
            );
            pixmap
                .encode_png()
                .map_err(|e| format!("could not encode the PNG: {e}"))
        }
    }
}

/// Writes the figure to `path` in `format`.
pub fn write(path: &Path, svg: &str, format: Format) -> Result<(), String> {
    let data = bytes(svg, format)?;
    let mut file =
        AtomicFile::create(path).map_err(|e| format!("could not write {}: {e}", path.display()))?;
    file.write_all(&data)
        .and_then(|()| file.commit())
        .map_err(|e| format!("could not write {}: {e}", path.display()))
}
