//! Preset files: a problem, a start point, a view, solver defaults and the
//! known answer, in TOML. The app, the command line and the tests all read
//! exactly this format; a key it does not know is an error.

mod builtin;
mod cleaning;
mod constants;
mod error;
mod generate;
mod schema;
mod session;
mod solver_table;
mod source;
mod watch;
mod write;

pub use builtin::{BUILTIN, DATA_BUILTIN, DEFAULT_PRESET, builtin_text, builtin_title};
pub use cleaning::FAMILY as CLEANING_FAMILY;
pub use constants::{Constant, constant_values, default_range};
pub use error::PresetError;
pub use generate::synthetic_preset;
pub use session::{MAX_RUNS, PresetRun};
pub use source::PresetSource;
pub use watch::{FileChange, FileWatch};
pub use write::to_toml;

use crate::expr::line_column;
use crate::method::SolverSettings;
use crate::problem::{Dims, ExprProblem, LowerKind, Problem, ProblemError, SyntheticProblem};
use nalgebra::{DMatrix, DVector};
use schema::{RawPoint, RawPreset};
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;
use toml::Spanned;

/// Preset files larger than this are refused before parsing.
pub const MAX_FILE_BYTES: u64 = 1 << 20;

/// A number as a message shows it: 1e308 rather than 309 digits.
fn compact(v: f64) -> String {
    if v.abs() >= MAX_COORDINATE {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

/// Views, domains and starts lie within ±this: far enough for any problem
/// a picture can show, near enough that every grid cell and step is finite.
pub const MAX_COORDINATE: f64 = 1e6;

/// How the problem is given.
#[derive(Debug, Clone, PartialEq)]
pub enum ProblemSpec {
    /// f and g as text.
    Expression {
        /// Upper-level variable names.
        upper: Vec<String>,
        /// Lower-level variable names.
        lower: Vec<String>,
        /// Upper-level objective.
        f: String,
        /// Lower-level objective.
        g: String,
        /// Named constants, sorted by name, with their slider ranges.
        constants: Vec<Constant>,
    },
    /// The hyper-cleaning family: its data set and how it is prepared.
    HyperCleaning {
        /// `"digits"` (the bundled set) or the data file's path, absolute
        /// once loaded from a file so that an export loads anywhere.
        dataset: String,
        /// Split, components, corruption, seed and ridge.
        spec: crate::dataset::CleaningSpec,
    },
    /// The synthetic family with its data.
    Synthetic {
        /// Convex or nonconvex lower level.
        lower_kind: LowerKind,
        /// c
        c: Vec<f64>,
        /// d
        d: Vec<f64>,
        /// H, by rows.
        h: Vec<Vec<f64>>,
    },
}

/// A plot window.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct View {
    /// Range of the first upper-level variable.
    pub x: [f64; 2],
    /// Range of the first lower-level variable.
    pub y: [f64; 2],
}

impl View {
    /// The view `[x1, x2] × [y1, y2]` as given on the command line: each
    /// range finite, low < high, within ±[`MAX_COORDINATE`].
    pub fn from_bounds(x: [f64; 2], y: [f64; 2]) -> Result<View, String> {
        for (what, [lo, hi]) in [("x", x), ("y", y)] {
            if !(lo.is_finite() && hi.is_finite()) {
                return Err(format!("the {what} range {lo}..{hi} is not finite"));
            }
            if lo >= hi {
                return Err(format!("the {what} range {lo}..{hi} needs low < high"));
            }
            if lo.abs().max(hi.abs()) > MAX_COORDINATE {
                return Err(format!(
                    "the {what} range {lo}..{hi} must lie within ±{MAX_COORDINATE:e}"
                ));
            }
        }
        Ok(View { x, y })
    }
}

/// The known answer.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Reference {
    /// An optimal point (x*, y*), where a single one is right.
    pub point: Option<(Vec<f64>, Vec<f64>)>,
    /// The optimal upper value F*.
    pub f: Option<f64>,
}

/// What a preset says its own run ends as (`[expect]`).
#[derive(Debug, Clone, PartialEq)]
pub struct Expectation {
    /// The end class's name (`optimum`, `trap-ll-maximum`, …).
    pub class: String,
    /// Where it ends, if that is stable.
    pub point: Option<(Vec<f64>, Vec<f64>)>,
    /// How close to `point` the end must be (Euclidean).
    pub within: f64,
}

/// A loaded and checked preset.
#[derive(Debug, Clone)]
pub struct Preset {
    /// Short title.
    pub name: String,
    /// Text for the learner.
    pub description: String,
    /// The problem as written.
    pub spec: ProblemSpec,
    /// The problem, compiled.
    pub problem: Arc<dyn Problem>,
    /// Start x.
    pub start_x: Vec<f64>,
    /// Start y.
    pub start_y: Vec<f64>,
    /// Plot window, if given.
    pub view: Option<View>,
    /// `[upper_domain]`: where the reduced objective φ(x) is minimised
    /// (one upper variable), if declared.
    pub upper_domain: Option<[f64; 2]>,
    /// `[lower_domain]`: the interval the lower level minimises over, if
    /// declared (the problem's box; see [`crate::explore::LowerDomain`]).
    pub lower_domain: Option<[f64; 2]>,
    /// Solver defaults.
    pub solver: SolverSettings,
    /// The known answer, if any.
    pub reference: Option<Reference>,
    /// Where the preset's own run ends, if it says.
    pub expect: Option<Expectation>,
    /// A session's runs (`[[runs]]`); empty for a plain preset, whose one
    /// run is `[start]` with `[solver]`.
    pub runs: Vec<PresetRun>,
    /// A session's `[session]` table: what the app shows (read by the app).
    pub session: Option<toml::Table>,
    /// The hyper-cleaning family's data and test set, for its report.
    pub cleaning: Option<Arc<crate::dataset::CleaningTask>>,
}

impl Reference {
    /// The optimal point as one z = (x*, y*), if the preset gives one.
    pub fn z(&self) -> Option<Vec<f64>> {
        let (x, y) = self.point.as_ref()?;
        Some(x.iter().chain(y).copied().collect())
    }
}

impl Preset {
    /// The preset's optimal point z* = (x*, y*), if it has one.
    pub fn reference_z(&self) -> Option<Vec<f64>> {
        self.reference.as_ref()?.z()
    }

    /// The start point z₀ = (x₀, y₀).
    pub fn start(&self) -> Vec<f64> {
        self.start_x.iter().chain(&self.start_y).copied().collect()
    }

    /// The sizes of x and y.
    pub fn dims(&self) -> Dims {
        self.problem.dims()
    }

    /// Where the lower level's global search looks: the declared
    /// `[lower_domain]`, else a bracket seeded by the view's y range as
    /// loaded (never the zoomed view).
    pub fn lower_search(&self) -> crate::explore::LowerDomain {
        crate::explore::LowerDomain::of(self.lower_domain, self.view.map(|v| v.y))
    }

    /// The preset's stated answer, if it gives F* (or a point, whose f is
    /// then F*).
    pub fn known_answer(&self) -> Option<crate::explore::Answer> {
        let r = self.reference.as_ref()?;
        let z = r.z();
        let f = r.f.or_else(|| z.as_ref().map(|z| self.problem.f(z)))?;
        Some(crate::explore::Answer {
            z,
            f,
            source: crate::explore::AnswerSource::Known,
        })
    }

    /// The answer runs are judged against: the stated one, else (one upper
    /// and one lower variable) the computed one over [`Self::upper_search`].
    pub fn answer(&self) -> Option<crate::explore::Answer> {
        self.known_answer().or_else(|| {
            crate::explore::compute_answer(
                self.problem.as_ref(),
                self.upper_search(),
                &self.lower_search(),
            )
        })
    }

    /// Runs `config` from `z0` to its end and judges it as `run`, the sweep
    /// and the app do: against [`Self::answer`] over [`Self::lower_search`].
    pub fn run_judged(
        &self,
        config: crate::method::RunConfig,
        z0: Vec<f64>,
    ) -> crate::explore::Judged {
        let answer = self.answer();
        let domain = self.lower_search();
        let judging = crate::explore::Judging {
            domain: &domain,
            answer: answer.as_ref(),
            tolerance: crate::explore::REACH_TOL,
        };
        let progress = crate::explore::Progress::default();
        crate::explore::run_judged(&self.problem, config, z0, &judging, &progress)
    }

    /// Where φ(x) is minimised for the computed reference: the declared
    /// `[upper_domain]`, else the view's x range as loaded, else [−3, 3].
    pub fn upper_search(&self) -> [f64; 2] {
        self.upper_domain
            .or(self.view.map(|v| v.x))
            .unwrap_or([-3.0, 3.0])
    }
}

/// Loads a built-in preset by id.
pub fn load_builtin(id: &str) -> Result<Preset, PresetError> {
    let text = builtin_text(id).ok_or_else(|| {
        let ids: Vec<&str> = BUILTIN
            .iter()
            .chain(&DATA_BUILTIN)
            .map(|(n, _)| *n)
            .collect();
        PresetError::file(
            id,
            format!(
                "no built-in preset has this name; they are {}",
                ids.join(", ")
            ),
        )
    })?;
    load_str(text, id)
}

/// Loads a preset file from disk.
pub fn load_path(path: &Path) -> Result<Preset, PresetError> {
    let source = path.display().to_string();
    use crate::capped_read::{ReadRefusal, read_capped};
    let bytes = read_capped(path, MAX_FILE_BYTES).map_err(|e| {
        let message = match e {
            ReadRefusal::Missing => "cannot read the file: no such file".to_string(),
            ReadRefusal::NotRegular("a directory") => "is a directory, not a preset file".into(),
            ReadRefusal::TooLarge { bytes, cap } => {
                format!("the file is {bytes} bytes; a preset is at most {cap} bytes")
            }
            other => other.to_string(),
        };
        PresetError::file(&source, message)
    })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let text = String::from_utf8_lossy(e.as_bytes());
        PresetError {
            source: source.clone(),
            key: None,
            position: Some(line_column(&text, at)),
            message: format!("the file is not UTF-8 text (invalid byte at offset {at})"),
        }
    })?;
    precheck(&text, &source)?;
    Checker {
        text: &text,
        source: &source,
        base: path.parent(),
    }
    .load()
}

/// The checks before parsing: size and NUL bytes.
fn precheck(text: &str, source: &str) -> Result<(), PresetError> {
    if text.len() as u64 > MAX_FILE_BYTES {
        return Err(PresetError::file(
            source,
            format!(
                "the text is {} bytes; a preset is at most {MAX_FILE_BYTES} bytes",
                text.len()
            ),
        ));
    }
    if let Some(at) = text.find('\0') {
        return Err(PresetError {
            source: source.to_string(),
            key: None,
            position: Some(line_column(text, at)),
            message: "the file contains a NUL byte; presets are plain text".into(),
        });
    }
    Ok(())
}

/// Parses and checks a preset from its text; `source` names it in errors.
pub fn load_str(text: &str, source: &str) -> Result<Preset, PresetError> {
    precheck(text, source)?;
    Checker {
        text,
        source,
        base: None,
    }
    .load()
}

/// Validation with access to the text, to turn spans into positions.
struct Checker<'a> {
    text: &'a str,
    source: &'a str,
    /// The preset file's folder: relative data paths start there (the
    /// current directory for text not read from a file).
    base: Option<&'a Path>,
}

impl Checker<'_> {
    fn load(&self) -> Result<Preset, PresetError> {
        let text = self.text;
        let raw: RawPreset = toml::from_str(text).map_err(|e| PresetError {
            source: self.source.to_string(),
            key: None,
            position: e.span().map(|s| line_column(text, s.start)),
            message: e.message().trim().to_string(),
        })?;
        self.preset(raw)
    }

    fn err(&self, key: &str, span: Range<usize>, message: impl Into<String>) -> PresetError {
        PresetError {
            source: self.source.to_string(),
            key: Some(key.to_string()),
            position: Some(line_column(self.text, span.start)),
            message: message.into(),
        }
    }

    fn preset(&self, raw: RawPreset) -> Result<Preset, PresetError> {
        if raw.name.get_ref().trim().is_empty() {
            return Err(self.err("name", raw.name.span(), "the name is empty"));
        }
        let mut cleaning = None;
        let (spec, problem) = match &raw.family {
            Some(family) if family.get_ref() == cleaning::FAMILY => {
                let (spec, task) = self.hyper_cleaning(&raw, family)?;
                let problem: Arc<dyn Problem> = task.problem.clone();
                cleaning = Some(task);
                (spec, problem)
            }
            Some(family) => self.synthetic(&raw, family)?,
            None => self.expression(&raw)?,
        };
        let dims = problem.dims();
        let (start_x, start_y) = match (&raw.start, &cleaning) {
            (Some(start), _) => self.point("start", start.get_ref(), dims)?,
            (None, Some(task)) => (task.start_x.clone(), task.start_y.clone()),
            (None, None) => return Err(PresetError::file(self.source, "missing field `start`")),
        };
        let view = raw
            .view
            .as_ref()
            .map(|v| self.view(v.get_ref()))
            .transpose()?;
        let upper_domain = raw
            .upper_domain
            .as_ref()
            .map(|d| self.range("upper_domain.x", &d.get_ref().x))
            .transpose()?;
        let lower_domain = raw
            .lower_domain
            .as_ref()
            .map(|d| self.range("lower_domain.y", &d.get_ref().y))
            .transpose()?;
        let solver = match &raw.solver {
            Some(s) => self.solver(s.get_ref())?,
            None => SolverSettings::default(),
        };
        let reference = raw
            .reference
            .as_ref()
            .map(|r| self.reference(r, dims))
            .transpose()?;
        let expect = raw
            .expect
            .as_ref()
            .map(|e| self.expectation(e.get_ref(), dims))
            .transpose()?;
        let runs = match &raw.runs {
            Some(runs) => self.runs(runs, (&start_x, &start_y), dims)?,
            None => Vec::new(),
        };
        Ok(Preset {
            expect,
            runs,
            session: raw.session.map(Spanned::into_inner),
            name: raw.name.into_inner(),
            description: raw.description.unwrap_or_default(),
            spec,
            problem,
            start_x,
            start_y,
            view,
            upper_domain,
            lower_domain,
            solver,
            reference,
            cleaning,
        })
    }

    fn expression(&self, raw: &RawPreset) -> Result<(ProblemSpec, Arc<dyn Problem>), PresetError> {
        for (key, present) in [
            ("lower_kind", raw.lower_kind.is_some()),
            ("data", raw.data.is_some()),
            ("cleaning", raw.cleaning.is_some()),
        ] {
            if present {
                let family = if key == "cleaning" {
                    cleaning::FAMILY
                } else {
                    "synthetic"
                };
                return Err(PresetError::file(
                    self.source,
                    format!(
                        "`{key}` belongs to `family = \"{family}\"` presets; this one has no `family`"
                    ),
                ));
            }
        }
        let missing = |key: &str| {
            PresetError::file(
                self.source,
                format!(
                    "missing key `{key}` (a preset needs `upper`, `lower`, `f` and `g`, or `family`)"
                ),
            )
        };
        let upper = raw.upper.as_ref().ok_or_else(|| missing("upper"))?;
        let lower = raw.lower.as_ref().ok_or_else(|| missing("lower"))?;
        let f = raw.f.as_ref().ok_or_else(|| missing("f"))?;
        let g = raw.g.as_ref().ok_or_else(|| missing("g"))?;
        let constants = match &raw.constants {
            Some(table) => self.constants(table.get_ref())?,
            None => Vec::new(),
        };
        let problem = ExprProblem::new(
            upper.get_ref(),
            lower.get_ref(),
            f.get_ref(),
            g.get_ref(),
            &constants::constant_values(&constants),
        )
        .map_err(|e| match e {
            ProblemError::Expr { which, error } => {
                let spanned = if which == "f" { f } else { g };
                let at = self.expression_offset(spanned, error.offset);
                PresetError {
                    source: self.source.to_string(),
                    key: Some(which.to_string()),
                    position: Some(line_column(self.text, at)),
                    message: format!(
                        "{} (line {}, column {} of the expression)",
                        error.message, error.line, error.column
                    ),
                }
            }
            ProblemError::Name { ref name, .. } => {
                let key_span = if upper.get_ref().contains(name) {
                    ("upper", upper.span())
                } else if lower.get_ref().contains(name) {
                    ("lower", lower.span())
                } else {
                    (
                        "constants",
                        raw.constants.as_ref().map_or(0..0, Spanned::span),
                    )
                };
                self.err(key_span.0, key_span.1, e.to_string())
            }
            ProblemError::NoVariables { level } => {
                let span = if level == "upper" {
                    upper.span()
                } else {
                    lower.span()
                };
                self.err(level, span, e.to_string())
            }
        })?;
        let spec = ProblemSpec::Expression {
            upper: upper.get_ref().clone(),
            lower: lower.get_ref().clone(),
            f: f.get_ref().clone(),
            g: g.get_ref().clone(),
            constants,
        };
        Ok((spec, Arc::new(problem)))
    }

    /// The offset in the file of byte `offset` of a string value, exact when
    /// the string has no escapes, else the start of the string.
    fn expression_offset(&self, value: &Spanned<String>, offset: usize) -> usize {
        let span = value.span();
        let raw = self.text.get(span.clone()).unwrap_or_default();
        let (open, close) = if raw.starts_with("\"\"\"") || raw.starts_with("'''") {
            (3, 3)
        } else {
            (1, 1)
        };
        let inner_start = span.start + open;
        let inner = self
            .text
            .get(inner_start..span.end.saturating_sub(close))
            .unwrap_or_default();
        // A newline right after an opening triple quote is not part of the value.
        let (inner_start, inner) = match inner
            .strip_prefix("\r\n")
            .or_else(|| inner.strip_prefix('\n'))
        {
            Some(rest) if open == 3 => (inner_start + (inner.len() - rest.len()), rest),
            _ => (inner_start, inner),
        };
        if inner == value.get_ref() {
            inner_start + offset
        } else {
            span.start
        }
    }

    fn synthetic(
        &self,
        raw: &RawPreset,
        family: &Spanned<String>,
    ) -> Result<(ProblemSpec, Arc<dyn Problem>), PresetError> {
        if family.get_ref() != "synthetic" {
            return Err(self.err(
                "family",
                family.span(),
                format!(
                    "unknown family '{}'; the families are \"synthetic\" and \"{}\"",
                    family.get_ref(),
                    cleaning::FAMILY
                ),
            ));
        }
        if raw.cleaning.is_some() {
            return Err(self.err(
                "cleaning",
                family.span(),
                "`[cleaning]` belongs to `family = \"hyper-cleaning\"` presets",
            ));
        }
        self.family_keys_only(raw, family, &[])?;
        let kind_value = raw.lower_kind.as_ref().ok_or_else(|| {
            PresetError::file(
                self.source,
                "missing key `lower_kind` (\"convex\" or \"nonconvex\")",
            )
        })?;
        let lower_kind = match kind_value.get_ref().as_str() {
            "convex" => LowerKind::Convex,
            "nonconvex" => LowerKind::Nonconvex,
            other => {
                return Err(self.err(
                    "lower_kind",
                    kind_value.span(),
                    format!("unknown lower_kind '{other}'; use \"convex\" or \"nonconvex\""),
                ));
            }
        };
        let data = raw
            .data
            .as_ref()
            .ok_or_else(|| {
                PresetError::file(self.source, "missing table `[data]` with `c`, `d` and `H`")
            })?
            .get_ref();
        let n = data.c.get_ref().len();
        if n == 0 {
            return Err(self.err("data.c", data.c.span(), "c is empty"));
        }
        self.finite_vec("data.c", &data.c, n)?;
        self.finite_vec("data.d", &data.d, n)?;
        let rows = data.h.get_ref();
        self.square_matrix(&data.h, n)?;
        let h = DMatrix::from_fn(n, n, |i, j| {
            rows.get(i).and_then(|r| r.get(j)).copied().unwrap_or(0.0)
        });
        let c = data.c.get_ref().clone();
        let d = data.d.get_ref().clone();
        let problem = SyntheticProblem::new(
            lower_kind,
            DVector::from_vec(c.clone()),
            DVector::from_vec(d.clone()),
            h,
        )
        .ok_or_else(|| {
            self.err(
                "data",
                raw.data.as_ref().map_or(0..0, Spanned::span),
                "inconsistent sizes",
            )
        })?;
        let spec = ProblemSpec::Synthetic {
            lower_kind,
            c,
            d,
            h: rows.clone(),
        };
        Ok((spec, Arc::new(problem)))
    }

    /// A `family` preset defines f and g itself: the expression keys, and
    /// `others` (another family's keys), are errors.
    fn family_keys_only(
        &self,
        raw: &RawPreset,
        family: &Spanned<String>,
        others: &[(&str, bool)],
    ) -> Result<(), PresetError> {
        let expression = [
            ("upper", raw.upper.is_some()),
            ("lower", raw.lower.is_some()),
            ("f", raw.f.is_some()),
            ("g", raw.g.is_some()),
            ("constants", raw.constants.is_some()),
        ];
        match expression
            .iter()
            .chain(others)
            .find(|(_, present)| *present)
        {
            Some((key, _)) => Err(self.err(
                key,
                family.span(),
                format!("a `family` preset defines f and g itself; remove `{key}`"),
            )),
            None => Ok(()),
        }
    }

    /// `data.H` must be `n` × `n` and finite.
    fn square_matrix(&self, h: &Spanned<Vec<Vec<f64>>>, n: usize) -> Result<(), PresetError> {
        let rows = h.get_ref();
        if rows.len() != n {
            return Err(self.err(
                "data.H",
                h.span(),
                format!("H has {} rows; it must be {n} × {n} like c", rows.len()),
            ));
        }
        for (i, row) in rows.iter().enumerate() {
            if row.len() != n {
                return Err(self.err(
                    "data.H",
                    h.span(),
                    format!(
                        "row {} of H has {} entries; it must have {n}",
                        i + 1,
                        row.len()
                    ),
                ));
            }
            if let Some(j) = row.iter().position(|v| !v.is_finite()) {
                return Err(self.err(
                    "data.H",
                    h.span(),
                    format!("H[{}][{}] is not a finite number", i + 1, j + 1),
                ));
            }
        }
        Ok(())
    }

    fn finite(&self, key: &str, value: &Spanned<f64>) -> Result<f64, PresetError> {
        let v = *value.get_ref();
        if v.is_finite() {
            Ok(v)
        } else {
            Err(self.err(key, value.span(), format!("{v} is not a finite number")))
        }
    }

    fn finite_vec(
        &self,
        key: &str,
        value: &Spanned<Vec<f64>>,
        len: usize,
    ) -> Result<Vec<f64>, PresetError> {
        let v = value.get_ref();
        if v.len() != len {
            return Err(self.err(
                key,
                value.span(),
                format!("has {} entries; it needs {len}", v.len()),
            ));
        }
        if let Some(i) = v.iter().position(|a| !a.is_finite()) {
            return Err(self.err(
                key,
                value.span(),
                format!("entry {} is not a finite number", i + 1),
            ));
        }
        Ok(v.clone())
    }

    fn point(
        &self,
        table: &str,
        raw: &RawPoint,
        dims: Dims,
    ) -> Result<(Vec<f64>, Vec<f64>), PresetError> {
        let x = self.finite_vec(&format!("{table}.x"), &raw.x, dims.n)?;
        let y = self.finite_vec(&format!("{table}.y"), &raw.y, dims.m)?;
        for (key, value, v) in [("x", &raw.x, &x), ("y", &raw.y, &y)] {
            if let Some(i) = v.iter().position(|a| a.abs() > MAX_COORDINATE) {
                return Err(self.err(
                    &format!("{table}.{key}"),
                    value.span(),
                    format!(
                        "entry {} is {}: it must lie within ±{MAX_COORDINATE:e}",
                        i + 1,
                        compact(v[i])
                    ),
                ));
            }
        }
        Ok((x, y))
    }

    fn view(&self, raw: &schema::RawView) -> Result<View, PresetError> {
        Ok(View {
            x: self.range("view.x", &raw.x)?,
            y: self.range("view.y", &raw.y)?,
        })
    }

    fn expectation(&self, raw: &schema::RawExpect, dims: Dims) -> Result<Expectation, PresetError> {
        let class = raw.class.get_ref();
        if !crate::explore::EndClass::ALL
            .iter()
            .any(|c| c.as_str() == class.as_str())
        {
            let names: Vec<&str> = crate::explore::EndClass::ALL
                .iter()
                .map(|c| c.as_str())
                .collect();
            return Err(self.err(
                "expect.class",
                raw.class.span(),
                format!("unknown class '{class}'; known: {}", names.join(", ")),
            ));
        }
        let point = match (&raw.x, &raw.y) {
            (Some(x), Some(y)) => Some((
                self.finite_vec("expect.x", x, dims.n)?,
                self.finite_vec("expect.y", y, dims.m)?,
            )),
            (None, None) => None,
            (Some(v), None) | (None, Some(v)) => {
                return Err(self.err("expect", v.span(), "give both x and y, or neither"));
            }
        };
        let within = match &raw.within {
            Some(w) if w.get_ref().is_finite() && *w.get_ref() > 0.0 => *w.get_ref(),
            Some(w) => {
                return Err(self.err("expect.within", w.span(), "must be a finite number > 0"));
            }
            None => 1e-3,
        };
        Ok(Expectation {
            class: class.clone(),
            point,
            within,
        })
    }

    /// `[low, high]`, finite, low < high, both within ±[`MAX_COORDINATE`]
    /// (a grid over ±1e308 has no finite cell width).
    fn range(&self, key: &str, value: &Spanned<Vec<f64>>) -> Result<[f64; 2], PresetError> {
        let v = self.finite_vec(key, value, 2)?;
        match v.as_slice() {
            [lo, hi] if lo.abs().max(hi.abs()) > MAX_COORDINATE => Err(self.err(
                key,
                value.span(),
                format!(
                    "[{}, {}]: the bounds must lie within ±{MAX_COORDINATE:e}",
                    compact(*lo),
                    compact(*hi)
                ),
            )),
            [lo, hi] if lo < hi => Ok([*lo, *hi]),
            _ => Err(self.err(key, value.span(), "needs [low, high] with low < high")),
        }
    }

    fn reference(
        &self,
        raw: &Spanned<schema::RawReference>,
        dims: Dims,
    ) -> Result<Reference, PresetError> {
        let r = raw.get_ref();
        let point = match (&r.x, &r.y) {
            (Some(x), Some(y)) => Some((
                self.finite_vec("reference.x", x, dims.n)?,
                self.finite_vec("reference.y", y, dims.m)?,
            )),
            (None, None) => None,
            _ => {
                return Err(self.err(
                    "reference",
                    raw.span(),
                    "give both `x` and `y` of the reference point, or neither",
                ));
            }
        };
        let f =
            r.f.as_ref()
                .map(|f| self.finite("reference.f", f))
                .transpose()?;
        Ok(Reference { point, f })
    }
}

#[cfg(test)]
mod tests;
