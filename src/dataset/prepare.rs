//! From a table to a hyper-cleaning task: seeded split, PCA fitted on the
//! training rows, a bias feature, corrupted training labels, and the start
//! the authors use (every weight ½, the model trained on that).

use super::Table;
use crate::problem::synthetic_data::SplitMix64;
use crate::problem::{HyperCleaning, LabelledSet, Problem};
use nalgebra::{DMatrix, DVector};
use std::sync::Arc;

/// How to make a hyper-cleaning task from a table.
#[derive(Debug, Clone, PartialEq)]
pub struct CleaningSpec {
    /// Training samples N (one upper variable each).
    pub train: usize,
    /// Clean validation samples (f's data).
    pub validation: usize,
    /// Clean test samples (reported, never optimised on).
    pub test: usize,
    /// Principal components kept (p − 1; a constant feature is added).
    pub components: usize,
    /// Share of training labels replaced by another class, in [0, 1).
    pub corrupt: f64,
    /// Seed of the split and the corruption.
    pub seed: u64,
    /// The ridge λ of the lower level.
    pub ridge: f64,
}

/// A ready task: the problem, the held-out test set, which training labels
/// were corrupted, and the start point.
#[derive(Debug, Clone)]
pub struct CleaningTask {
    /// The bilevel problem.
    pub problem: Arc<HyperCleaning>,
    /// Test samples, for reporting.
    pub test: LabelledSet,
    /// `corrupted[i]`: training sample i's label was replaced.
    pub corrupted: Vec<bool>,
    /// The share of the training features' variance the components keep.
    pub variance_kept: f64,
    /// Start x: zeros, every weight σ(0) = ½.
    pub start_x: Vec<f64>,
    /// Start y: the lower-level solution at `start_x` — what training on
    /// every sample with equal weights gives ("no cleaning").
    pub start_y: Vec<f64>,
    /// The report at that start, which every later report is set against.
    pub no_cleaning: CleaningReport,
}

/// What a point means for the task: accuracies and how well "weight < ½"
/// finds the corrupted labels.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct CleaningReport {
    /// Accuracy on the validation set.
    pub validation_accuracy: f64,
    /// Accuracy on the test set.
    pub test_accuracy: f64,
    /// Training samples with weight below ½.
    pub flagged: usize,
    /// Of those, how many were corrupted.
    pub flagged_corrupted: usize,
    /// Precision of "flagged = corrupted" (NaN when nothing is flagged).
    pub precision: f64,
    /// Recall (NaN without corrupted samples).
    pub recall: f64,
    /// F1 score: 0 when nothing corrupted is flagged, NaN without
    /// corrupted samples.
    pub f1: f64,
}

/// Splits `table` as `spec` says and builds the task. Every check names
/// what is wrong in one line.
pub fn prepare(spec: &CleaningSpec, table: &Table) -> Result<CleaningTask, String> {
    check(spec, table)?;
    let mut rng = SplitMix64::new(spec.seed);
    let rows = table.labels.len();
    let mut order: Vec<usize> = (0..rows).collect();
    for i in (1..rows).rev() {
        // Fisher–Yates; the modulo bias over ≤ 2³² rows is negligible.
        let j = (rng.next_u64() % (i as u64 + 1)) as usize;
        order.swap(i, j);
    }
    let take = |from: usize, count: usize| order.get(from..from + count).unwrap_or_default();
    let train_rows = take(0, spec.train);
    let validation_rows = take(spec.train, spec.validation);
    let test_rows = take(spec.train + spec.validation, spec.test);
    let raw = |rows: &[usize]| {
        DMatrix::from_fn(rows.len(), table.features.ncols(), |i, j| {
            table.features.get(rows[i], j)
        })
    };
    let labels = |rows: &[usize]| rows.iter().map(|&r| table.labels[r]).collect::<Vec<_>>();
    let (projection, variance_kept) = Projection::fit(&raw(train_rows), spec.components)?;
    let set = |rows: &[usize]| LabelledSet {
        features: projection.apply(&raw(rows)),
        labels: labels(rows),
    };
    let mut train = set(train_rows);
    let corrupted = corrupt(&mut train.labels, spec.corrupt, table.classes, &mut rng);
    let problem = HyperCleaning::new(train, set(validation_rows), table.classes, spec.ridge)
        .ok_or("the prepared sets are inconsistent (a bug: please report it)")?;
    let start_x = vec![0.0; spec.train];
    let start_y = problem.solve_lower(&start_x, &vec![0.0; problem.dims().m], 1e-10);
    let mut task = CleaningTask {
        problem: Arc::new(problem),
        test: set(test_rows),
        corrupted,
        variance_kept,
        start_x,
        start_y,
        no_cleaning: CleaningReport::default(),
    };
    let start: Vec<f64> = task.start_x.iter().chain(&task.start_y).copied().collect();
    task.no_cleaning = task.report(&start);
    Ok(task)
}

/// The most lower-level variables, (components + 1) × classes: the
/// diagnostics at a run's end form ∇²g densely.
pub const MAX_MODEL: usize = 2000;

fn check(spec: &CleaningSpec, table: &Table) -> Result<(), String> {
    let rows = table.labels.len();
    if spec.train == 0 || spec.validation == 0 || spec.test == 0 {
        return Err("train, validation and test each need at least one sample".into());
    }
    let wanted = spec
        .train
        .checked_add(spec.validation)
        .and_then(|s| s.checked_add(spec.test));
    match wanted {
        Some(w) if w <= rows => {}
        Some(w) => {
            return Err(format!(
                "train + validation + test = {w} samples, but the data has {rows}"
            ));
        }
        None => {
            return Err(format!(
                "train + validation + test is more than the data's {rows} samples"
            ));
        }
    }
    let model = spec
        .components
        .saturating_add(1)
        .saturating_mul(table.classes);
    if model > MAX_MODEL {
        return Err(format!(
            "(components + 1) × classes = {model} model weights; at most {MAX_MODEL}"
        ));
    }
    let width = table.features.ncols();
    if spec.components == 0 || spec.components > width.min(spec.train) {
        return Err(format!(
            "components = {} must be between 1 and {} (the features, or the training samples if fewer)",
            spec.components,
            width.min(spec.train)
        ));
    }
    if !(spec.corrupt >= 0.0 && spec.corrupt < 1.0) {
        return Err(format!("corrupt = {} must be in [0, 1)", spec.corrupt));
    }
    if !(spec.ridge.is_finite() && spec.ridge > 0.0) {
        return Err(format!("ridge = {} must be a positive number", spec.ridge));
    }
    Ok(())
}

/// Replaces the labels of `round(share · N)` random samples with a random
/// other class; returns which were replaced.
fn corrupt(labels: &mut [usize], share: f64, classes: usize, rng: &mut SplitMix64) -> Vec<bool> {
    let n = labels.len();
    // share < 1 and n is a sample count, so the product is a small whole number.
    let count = ((share * n as f64).round() as usize).min(n);
    let mut order: Vec<usize> = (0..n).collect();
    for i in 0..count {
        let j = i + (rng.next_u64() % (n - i) as u64) as usize;
        order.swap(i, j);
    }
    let mut corrupted = vec![false; n];
    for &i in order.get(..count).unwrap_or_default() {
        let shift = 1 + (rng.next_u64() % (classes as u64 - 1)) as usize;
        labels[i] = (labels[i] + shift) % classes;
        corrupted[i] = true;
    }
    corrupted
}

/// Centring, the leading principal directions and their scales, all from
/// the training rows; then a constant feature for the bias.
struct Projection {
    mean: DVector<f64>,
    /// Columns: unit principal directions divided by their training
    /// standard deviation, so every component has variance 1.
    directions: DMatrix<f64>,
}

impl Projection {
    /// Fits on `train` and keeps `k` components; also returns the share of
    /// variance kept.
    fn fit(train: &DMatrix<f64>, k: usize) -> Result<(Projection, f64), String> {
        let rows = train.nrows();
        let mean = train.row_mean().transpose();
        let mut centred = train.clone();
        for mut row in centred.row_iter_mut() {
            row -= mean.transpose();
        }
        let svd = centred.svd(false, true);
        let vt = svd.v_t.ok_or("the PCA's SVD failed")?;
        let values = &svd.singular_values;
        // nalgebra sorts singular values in decreasing order.
        let total: f64 = values.iter().map(|s| s * s).sum();
        let kept: f64 = values.iter().take(k).map(|s| s * s).sum();
        let scale = ((rows.max(2) - 1) as f64).sqrt();
        let mut directions = DMatrix::zeros(train.ncols(), k);
        for j in 0..k {
            let s = values[j];
            if s.is_nan() || s <= 1e-12 * values[0] {
                return Err(format!(
                    "only {j} components carry variance; ask for at most {j}"
                ));
            }
            directions.set_column(j, &(vt.row(j).transpose() * (scale / s)));
        }
        let share = if total > 0.0 { kept / total } else { f64::NAN };
        Ok((Projection { mean, directions }, share))
    }

    /// The components of `rows` and a last column of ones.
    fn apply(&self, rows: &DMatrix<f64>) -> DMatrix<f64> {
        let mut centred = rows.clone();
        for mut row in centred.row_iter_mut() {
            row -= self.mean.transpose();
        }
        let projected = centred * &self.directions;
        projected.insert_column(self.directions.ncols(), 1.0)
    }
}

impl CleaningTask {
    /// The task's numbers at z = (x, y).
    pub fn report(&self, z: &[f64]) -> CleaningReport {
        let n = self.problem.dims().n;
        let y = z.get(n..).unwrap_or_default();
        let flagged_at: Vec<bool> = z.iter().take(n).map(|&t| t < 0.0).collect();
        let flagged = flagged_at.iter().filter(|&&f| f).count();
        let flagged_corrupted = flagged_at
            .iter()
            .zip(&self.corrupted)
            .filter(|&(&f, &c)| f && c)
            .count();
        let corrupted = self.corrupted.iter().filter(|&&c| c).count();
        let precision = flagged_corrupted as f64 / flagged as f64;
        let recall = flagged_corrupted as f64 / corrupted as f64;
        let f1 = if corrupted == 0 {
            f64::NAN
        } else if flagged_corrupted == 0 {
            0.0
        } else {
            2.0 * precision * recall / (precision + recall)
        };
        CleaningReport {
            validation_accuracy: self.problem.accuracy(self.problem.validation(), y),
            test_accuracy: self.problem.accuracy(&self.test, y),
            flagged,
            flagged_corrupted,
            precision,
            recall,
            f1,
        }
    }
}
