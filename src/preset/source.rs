//! Where a preset comes from — a built-in id or a file — and the one place
//! that decides which a name given on the command line is.

use super::{BUILTIN, Preset, PresetError, builtin_text, load_builtin, load_path};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Where a preset came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum PresetSource {
    /// A built-in preset by id.
    Builtin(String),
    /// A file on disk.
    File(String),
}

impl PresetSource {
    /// What `name` names: an existing file (by its full path), else the
    /// built-in preset of that id (a trailing `.toml` allowed) or of that
    /// short name (`b01` for `b01-quadratic`: the id up to its first `-`,
    /// in any case, when one id has it); an error listing the built-in ids
    /// when it is neither.
    pub fn resolve(name: &str) -> Result<Self, PresetError> {
        let path = Path::new(name);
        if path.exists() {
            let full = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
            return Ok(PresetSource::File(full.display().to_string()));
        }
        let id = name.strip_suffix(".toml").unwrap_or(name);
        if builtin_text(id).is_some() {
            return Ok(PresetSource::Builtin(id.to_string()));
        }
        let ids: Vec<&str> = BUILTIN.iter().map(|(n, _)| *n).collect();
        let short = format!("{}-", id.to_ascii_lowercase());
        let matching: Vec<&str> = ids
            .iter()
            .copied()
            .filter(|i| i.starts_with(&short))
            .collect();
        match matching.as_slice() {
            [one] => return Ok(PresetSource::Builtin((*one).to_string())),
            [] => {}
            several => {
                return Err(PresetError::file(
                    name,
                    format!(
                        "no such file, and several built-in presets begin so: {}",
                        several.join(", ")
                    ),
                ));
            }
        }
        Err(PresetError::file(
            name,
            format!(
                "no such file, and no built-in preset has this name (built-in: {})",
                ids.join(", ")
            ),
        ))
    }

    /// Resolves `name` and loads it; a file is read by the path as given,
    /// so that its messages name it as the user typed it.
    pub fn open(name: &str) -> Result<(Self, Preset), PresetError> {
        let source = Self::resolve(name)?;
        let preset = match &source {
            PresetSource::File(_) => load_path(Path::new(name))?,
            PresetSource::Builtin(_) => source.load()?,
        };
        Ok((source, preset))
    }

    /// Loads the preset.
    pub fn load(&self) -> Result<Preset, PresetError> {
        match self {
            PresetSource::Builtin(id) => load_builtin(id),
            PresetSource::File(path) => load_path(Path::new(path)),
        }
    }

    /// The built-in id or the file's path, as a notice names it.
    pub fn label(&self) -> &str {
        match self {
            PresetSource::Builtin(id) => id,
            PresetSource::File(path) => path,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_is_a_file_if_one_exists_else_a_builtin_id() {
        assert_eq!(
            PresetSource::resolve("b01-quadratic.toml").unwrap(),
            PresetSource::Builtin("b01-quadratic".into())
        );
        let here = std::env::current_dir().unwrap().join("Cargo.toml");
        let file = PresetSource::resolve(here.to_str().unwrap()).unwrap();
        assert_eq!(file, PresetSource::File(here.display().to_string()));
        let e = PresetSource::resolve("no-such").unwrap_err().to_string();
        assert!(
            e.starts_with("no-such: no such file") && e.contains("b01-quadratic"),
            "{e}"
        );
        assert!(PresetSource::Builtin("b01-quadratic".into()).load().is_ok());
        // Short names, in any case; an ambiguous one names the candidates.
        for (short, id) in [("b01", "b01-quadratic"), ("B12", "b12-mirrlees")] {
            assert_eq!(
                PresetSource::resolve(short).unwrap(),
                PresetSource::Builtin(id.into())
            );
        }
        let e = PresetSource::resolve("synthetic20")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("synthetic20-convex, synthetic20-nonconvex"),
            "{e}"
        );
        assert!(PresetSource::resolve("b0").is_err(), "not a prefix match");
    }
}
