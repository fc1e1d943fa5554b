//! Noticing that an open preset file was removed or changed on disk, by
//! polling its size and modification time (no platform file-watch API, so
//! nothing to fail on network or unusual file systems).

use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// What happened to a watched file since the last poll.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileChange {
    /// It can no longer be read (removed, renamed or made unreadable).
    Removed,
    /// Its size or modification time differs from what was loaded.
    Modified,
}

/// Size and modification time of a file, or `None` if it cannot be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
}

fn stamp(path: &Path) -> Option<Stamp> {
    let meta = std::fs::metadata(path).ok()?;
    Some(Stamp {
        len: meta.len(),
        modified: meta.modified().ok(),
    })
}

/// A preset file as it was when loaded.
#[derive(Debug, Clone)]
pub struct FileWatch {
    path: PathBuf,
    seen: Option<Stamp>,
}

impl FileWatch {
    /// Starts watching `path` as it is now.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        let seen = stamp(&path);
        Self { path, seen }
    }

    /// The watched path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// What changed since the last poll (each change reported once): a
    /// file that comes back after being removed counts as modified.
    pub fn poll(&mut self) -> Option<FileChange> {
        let now = stamp(&self.path);
        if now == self.seen {
            return None;
        }
        self.seen = now;
        Some(match now {
            None => FileChange::Removed,
            Some(_) => FileChange::Modified,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removal_and_changes_are_reported_once_each() {
        let dir = std::env::temp_dir().join(format!("bilevel-watch-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("p.toml");
        std::fs::write(&path, "a = 1\n").unwrap();
        let mut watch = FileWatch::new(&path);
        assert_eq!(watch.poll(), None);
        // A different size is a change even within the clock's resolution.
        std::fs::write(&path, "a = 12\n").unwrap();
        assert_eq!(watch.poll(), Some(FileChange::Modified));
        assert_eq!(watch.poll(), None, "reported once");
        std::fs::remove_file(&path).unwrap();
        assert_eq!(watch.poll(), Some(FileChange::Removed));
        assert_eq!(watch.poll(), None);
        std::fs::write(&path, "a = 1\n").unwrap();
        assert_eq!(watch.poll(), Some(FileChange::Modified), "back again");
        assert_eq!(watch.path(), path.as_path());
        std::fs::remove_dir_all(&dir).ok();
    }
}
