//! Errors of preset files: what, in which file, at which key and where.

use std::fmt;

/// A preset that cannot be used, located as precisely as possible.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PresetError {
    /// The file path, or the name of a built-in preset.
    pub source: String,
    /// The key the problem is in (`f`, `solver.step`, …), when known.
    pub key: Option<String>,
    /// 1-based line and column in the file, when known.
    pub position: Option<(usize, usize)>,
    /// What is wrong.
    pub message: String,
}

impl PresetError {
    /// An error about the file as a whole.
    pub fn file(source: &str, message: impl Into<String>) -> Self {
        Self {
            source: source.to_string(),
            key: None,
            position: None,
            message: message.into(),
        }
    }
}

impl fmt::Display for PresetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.source)?;
        if let Some((line, column)) = self.position {
            write!(f, ":{line}:{column}")?;
        }
        if let Some(key) = &self.key {
            write!(f, ": key `{key}`")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for PresetError {}
