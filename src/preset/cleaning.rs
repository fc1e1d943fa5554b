//! `family = "hyper-cleaning"`: the `[cleaning]` table, checked, and the
//! task it describes, prepared (data read, split, projected, corrupted,
//! and the start trained).

use super::schema::{RawCleaning, RawPreset};
use super::{Checker, PresetError, ProblemSpec};
use crate::dataset::{self, CleaningSpec, CleaningTask};
use std::path::PathBuf;
use std::sync::Arc;
use toml::Spanned;

/// The family's name in preset files.
pub const FAMILY: &str = "hyper-cleaning";

/// The ridge λ when `[cleaning]` gives none: the authors' 1e-3.
pub const DEFAULT_RIDGE: f64 = 1e-3;

/// At most this many training samples (upper variables): each one is a
/// coordinate every method steps and the app lists.
pub const MAX_TRAIN: usize = 5_000;

impl Checker<'_> {
    pub(super) fn hyper_cleaning(
        &self,
        raw: &RawPreset,
        family: &Spanned<String>,
    ) -> Result<(ProblemSpec, Arc<CleaningTask>), PresetError> {
        let synthetic = [
            ("lower_kind", raw.lower_kind.is_some()),
            ("data", raw.data.is_some()),
        ];
        self.family_keys_only(raw, family, &synthetic)?;
        let table = raw.cleaning.as_ref().ok_or_else(|| {
            PresetError::file(
                self.source,
                "missing table `[cleaning]` (dataset, train, validation, test, components, corrupt, seed)",
            )
        })?;
        let span = table.span();
        let c = table.get_ref();
        let spec = self.cleaning_spec(c)?;
        let (dataset, data) = self.dataset(&c.dataset)?;
        let task = dataset::prepare(&spec, &data).map_err(|e| self.err("cleaning", span, e))?;
        Ok((ProblemSpec::HyperCleaning { dataset, spec }, Arc::new(task)))
    }

    fn cleaning_spec(&self, c: &RawCleaning) -> Result<CleaningSpec, PresetError> {
        if *c.train.get_ref() > MAX_TRAIN {
            return Err(self.err(
                "cleaning.train",
                c.train.span(),
                format!("at most {MAX_TRAIN} training samples"),
            ));
        }
        let corrupt = self.finite("cleaning.corrupt", &c.corrupt)?;
        let ridge = match &c.ridge {
            Some(r) => self.finite("cleaning.ridge", r)?,
            None => DEFAULT_RIDGE,
        };
        Ok(CleaningSpec {
            train: *c.train.get_ref(),
            validation: *c.validation.get_ref(),
            test: *c.test.get_ref(),
            components: *c.components.get_ref(),
            corrupt,
            seed: *c.seed.get_ref(),
            ridge,
        })
    }

    /// The named data set: the bundled digits, MNIST from the directory
    /// the environment names, or a CSV file or a directory of IDX files
    /// relative to the preset's folder. Returns the name to write back (a file's
    /// absolute path) and the table.
    fn dataset(&self, name: &Spanned<String>) -> Result<(String, dataset::Table), PresetError> {
        let written = name.get_ref();
        let fail = |e: String| self.err("cleaning.dataset", name.span(), e);
        if written == dataset::DIGITS {
            return Ok((written.clone(), dataset::digits().map_err(fail)?));
        }
        // Kept as the name, so that the written preset asks the variable again.
        if written == dataset::MNIST {
            return Ok((written.clone(), dataset::mnist().map_err(fail)?));
        }
        let path = PathBuf::from(written);
        let path = match self.base {
            Some(base) if path.is_relative() => base.join(path),
            _ => path,
        };
        let path = std::path::absolute(&path).unwrap_or(path);
        let table = dataset::read_path(&path).map_err(fail)?;
        Ok((path.display().to_string(), table))
    }
}
