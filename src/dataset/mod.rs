//! Labelled data for the hyper-cleaning problem: reading a table of
//! samples (CSV, optionally gzip-compressed, or the bundled digits set),
//! and turning it into training, validation and test sets with PCA
//! features and a seeded share of corrupted training labels.

pub mod idx;
mod prepare;

pub use prepare::{CleaningReport, CleaningSpec, CleaningTask, MAX_MODEL, prepare};

use crate::capped_read::read_capped;
use nalgebra::DMatrix;
use std::io::Read;
use std::path::Path;

/// Files larger than this are refused (MNIST's 60 000 training images as
/// CSV take about 110 MB).
pub const MAX_DATA_BYTES: u64 = 256 << 20;

/// The most classes a table may have: labels are small integers.
pub const MAX_CLASSES: usize = 1000;

/// The bundled set: the UCI optical-recognition digits (1 797 samples of
/// 8 × 8 pixel counts 0–16, then the digit), as scikit-learn ships it;
/// licence and provenance in assets/data/DIGITS-LICENCE.md.
const DIGITS_GZ: &[u8] = include_bytes!("../../assets/data/digits.csv.gz");

/// The name that selects the bundled set in presets and on the command line.
pub const DIGITS: &str = "digits";

/// Samples as rows, each with an integer class label.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// One row per sample.
    pub features: Features,
    /// The label of each row.
    pub labels: Vec<usize>,
    /// One more than the largest label.
    pub classes: usize,
}

/// A table's features, one row per sample: numbers as read from CSV, or
/// the bytes of IDX images kept as bytes (MNIST's 60 000 × 784 pixels are
/// 47 MB so, 376 MB as `f64`); only the rows a task uses become numbers.
#[derive(Debug, Clone, PartialEq)]
pub enum Features {
    /// Numbers, row by row.
    Numbers(DMatrix<f64>),
    /// Bytes: `rows` rows of `cols` each, row after row.
    Bytes {
        /// Rows (samples).
        rows: usize,
        /// Columns (pixels).
        cols: usize,
        /// `rows × cols` bytes.
        data: Vec<u8>,
    },
}

impl Features {
    /// (rows, columns).
    pub fn shape(&self) -> (usize, usize) {
        match self {
            Features::Numbers(m) => m.shape(),
            Features::Bytes { rows, cols, .. } => (*rows, *cols),
        }
    }

    /// Columns: features per sample.
    pub fn ncols(&self) -> usize {
        self.shape().1
    }

    /// Row `r`, column `c` as a number (NaN outside the table).
    pub fn get(&self, r: usize, c: usize) -> f64 {
        match self {
            Features::Numbers(m) => m.get((r, c)).copied().unwrap_or(f64::NAN),
            Features::Bytes { cols, data, .. } if c < *cols => r
                .checked_mul(*cols)
                .and_then(|at| data.get(at + c))
                .map_or(f64::NAN, |&b| f64::from(b)),
            Features::Bytes { .. } => f64::NAN,
        }
    }
}

/// The bundled digits set.
pub fn digits() -> Result<Table, String> {
    parse_csv(&gunzip(DIGITS_GZ)?).map_err(|e| format!("the bundled digits set: {e}"))
}

/// The name that selects MNIST (or Fashion-MNIST) from the directory that
/// [`MNIST_VARIABLE`] names: the data does not ship with bilevel-lab.
pub const MNIST: &str = "mnist";

/// The environment variable naming the directory of MNIST's IDX files.
pub const MNIST_VARIABLE: &str = "BILEVEL_LAB_MNIST";

/// MNIST from the directory [`MNIST_VARIABLE`] names.
pub fn mnist() -> Result<Table, String> {
    match std::env::var_os(MNIST_VARIABLE) {
        Some(dir) if !dir.is_empty() => read_path(Path::new(&dir)),
        _ => Err(format!(
            "MNIST does not ship with bilevel-lab: set {MNIST_VARIABLE} to the directory holding \
             its IDX files (train-images-idx3-ubyte and train-labels-idx1-ubyte, gzipped or not), \
             or name that directory in `dataset`"
        )),
    }
}

/// Reads a table from a file: CSV with the label last, gzip-compressed if
/// it starts with gzip's magic bytes; at most [`MAX_DATA_BYTES`] either
/// way. A directory is read as MNIST's IDX files ([`idx::read_dir`]).
pub fn read_path(path: &Path) -> Result<Table, String> {
    if path.is_dir() {
        return idx::read_dir(path);
    }
    let shown = path.display();
    let bytes = read_capped(path, MAX_DATA_BYTES).map_err(|e| format!("{shown}: {e}"))?;
    let text = if bytes.starts_with(&[0x1f, 0x8b]) {
        gunzip(&bytes).map_err(|e| format!("{shown}: {e}"))?
    } else {
        bytes
    };
    parse_csv(&text).map_err(|e| format!("{shown}: {e}"))
}

/// Decompresses gzip data, refusing more than [`MAX_DATA_BYTES`] of output.
fn gunzip(bytes: &[u8]) -> Result<Vec<u8>, String> {
    gunzip_capped(bytes, MAX_DATA_BYTES)
}

/// Decompresses gzip data, refusing more than `cap` bytes of output.
fn gunzip_capped(bytes: &[u8], cap: u64) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    // Every member of a multi-member file, as gzip itself reads them.
    flate2::read::MultiGzDecoder::new(bytes)
        .take(cap + 1)
        .read_to_end(&mut out)
        .map_err(|e| format!("not valid gzip data ({e})"))?;
    if out.len() as u64 > cap {
        return Err(format!(
            "decompresses to more than {cap} bytes; that is the limit"
        ));
    }
    Ok(out)
}

/// Parses CSV whose rows are `feature, …, feature, label`: every feature a
/// finite number, the label a whole number in `0..1000`, every row as long
/// as the first. A first row that is not all numbers is taken as a header.
/// The labels present are numbered 0, 1, … in increasing order (digits
/// written 1–10 become classes 0–9), so no class is empty.
pub fn parse_csv(bytes: &[u8]) -> Result<Table, String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .trim(csv::Trim::All)
        // Rows of another length get this module's own message below.
        .flexible(true)
        .from_reader(bytes);
    let mut values: Vec<f64> = Vec::new();
    let mut labels: Vec<usize> = Vec::new();
    let mut width: Option<usize> = None;
    for (index, record) in reader.records().enumerate() {
        let line = index + 1;
        let record = record.map_err(|e| format!("line {line}: {e}"))?;
        if record.iter().all(str::is_empty) {
            continue;
        }
        let numbers: Result<Vec<f64>, _> = record.iter().map(str::parse::<f64>).collect();
        let Ok(numbers) = numbers else {
            if index == 0 {
                continue; // a header
            }
            return Err(format!("line {line}: a field is not a number"));
        };
        let Some((&label, features)) = numbers.split_last() else {
            continue;
        };
        if features.is_empty() {
            return Err(format!("line {line}: a row needs features and a label"));
        }
        match width {
            None => width = Some(features.len()),
            Some(w) if w != features.len() => {
                return Err(format!(
                    "line {line}: {} features where the first row has {w}",
                    features.len()
                ));
            }
            Some(_) => {}
        }
        if let Some(at) = features.iter().position(|v| !v.is_finite()) {
            return Err(format!("line {line}: feature {} is not finite", at + 1));
        }
        if !(label >= 0.0 && label.fract() == 0.0 && label < MAX_CLASSES as f64) {
            return Err(format!(
                "line {line}: the label {label} is not a whole number in 0..{MAX_CLASSES}"
            ));
        }
        values.extend_from_slice(features);
        // A whole number below 1000 (checked above) converts exactly.
        labels.push(label as usize);
    }
    let width = width.ok_or("no rows of data")?;
    let (labels, classes) = number_densely(&labels)?;
    Ok(Table {
        features: Features::Numbers(DMatrix::from_row_slice(labels.len(), width, &values)),
        labels,
        classes,
    })
}

/// The labels present numbered 0, 1, … in increasing order, and how many
/// there are; fewer than two classes is refused.
fn number_densely(labels: &[usize]) -> Result<(Vec<usize>, usize), String> {
    let present: std::collections::BTreeSet<usize> = labels.iter().copied().collect();
    if present.len() < 2 {
        return Err("every row has the same label; classification needs two classes".into());
    }
    let class_of: std::collections::BTreeMap<usize, usize> =
        present.iter().enumerate().map(|(i, &l)| (l, i)).collect();
    let dense = labels
        .iter()
        .map(|l| class_of.get(l).copied().unwrap_or(0))
        .collect();
    Ok((dense, present.len()))
}

#[cfg(test)]
mod tests;
