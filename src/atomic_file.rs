//! Files written whole or not at all, the way careful Unix tools write
//! them: a regular file is written to a temporary file beside it and
//! renamed into place only once complete (keeping the old file's mode); a
//! symlink is followed, so the link stays and its target gets the new
//! content; a FIFO or a device (`/dev/null`, `/dev/stdout`) is written
//! directly, never replaced by a regular file; a directory is refused. The
//! temporary file is removed on every failure path.

use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Symlinks followed at most (as the kernel's ELOOP limit).
const MAX_LINKS: usize = 40;

/// A file being written; [`AtomicFile::commit`] puts it in place.
/// Dropped without commit, the temporary file is removed.
#[derive(Debug)]
pub struct AtomicFile {
    /// Where the data ends up (a symlink's final target).
    target: PathBuf,
    /// The temporary file, when the target is replaced by a rename.
    temp: Option<PathBuf>,
    writer: Option<BufWriter<File>>,
}

/// Follows `path` through symlinks to the file they finally name (which
/// need not exist yet).
pub fn resolve_links(path: &Path) -> io::Result<PathBuf> {
    let mut current = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match std::fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let next = std::fs::read_link(&current)?;
                current = if next.is_absolute() {
                    next
                } else {
                    current
                        .parent()
                        .map_or_else(|| next.clone(), |dir| dir.join(&next))
                };
            }
            _ => return Ok(current),
        }
    }
    Err(io::Error::other("too many levels of symbolic links"))
}

/// Whether `a` and `b` name the same existing file (through links).
pub fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(x), Ok(y)) => same_inode(&x, &y, a, b),
        _ => false,
    }
}

#[cfg(unix)]
fn same_inode(x: &std::fs::Metadata, y: &std::fs::Metadata, _: &Path, _: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    x.dev() == y.dev() && x.ino() == y.ino()
}

#[cfg(not(unix))]
fn same_inode(_: &std::fs::Metadata, _: &std::fs::Metadata, a: &Path, b: &Path) -> bool {
    matches!((a.canonicalize(), b.canonicalize()), (Ok(p), Ok(q)) if p == q)
}

impl AtomicFile {
    /// Starts writing `target` (`-` is standard output).
    pub fn create(target: &Path) -> io::Result<Self> {
        let target = if target.as_os_str() == "-" {
            PathBuf::from("/dev/stdout")
        } else {
            resolve_links(target)?
        };
        match std::fs::metadata(&target) {
            Ok(meta) if meta.is_dir() => Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "it is a directory",
            )),
            // A FIFO, a device or a socket: write into it as it is.
            Ok(meta) if !meta.is_file() => {
                let file = OpenOptions::new().write(true).open(&target)?;
                Ok(Self {
                    target,
                    temp: None,
                    writer: Some(BufWriter::new(file)),
                })
            }
            Ok(meta) => Self::replacing(target, Some(meta.permissions())),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Self::replacing(target, None),
            Err(e) => Err(e),
        }
    }

    /// A temporary file beside `target`, with the old file's permissions.
    fn replacing(target: PathBuf, mode: Option<std::fs::Permissions>) -> io::Result<Self> {
        let dir = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let name = target
            .file_name()
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "the path names no file"))?;
        let mut temp_name = std::ffi::OsString::from(".");
        temp_name.push(name);
        temp_name.push(format!(".{}.tmp", std::process::id()));
        let temp = dir.join(temp_name);
        // A leftover of a crashed process with the same id (or a link
        // planted there) is removed, not followed or truncated.
        std::fs::remove_file(&temp).ok();
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)?;
        if let Some(mode) = mode
            && let Err(e) = file.set_permissions(mode)
        {
            drop(file);
            std::fs::remove_file(&temp).ok();
            return Err(e);
        }
        Ok(Self {
            target,
            temp: Some(temp),
            writer: Some(BufWriter::new(file)),
        })
    }

    /// The file the data goes to (a symlink's target).
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Flushes, syncs and renames the file into place (a special file is
    /// only flushed). On failure the temporary file is removed.
    pub fn commit(mut self) -> io::Result<()> {
        let writer = self
            .writer
            .take()
            .ok_or_else(|| io::Error::other("already committed"))?;
        let Some(temp) = self.temp.take() else {
            let mut file = writer.into_inner().map_err(|e| e.into_error())?;
            return file.flush();
        };
        let result = writer
            .into_inner()
            .map_err(|e| e.into_error())
            .and_then(|file| file.sync_all())
            .and_then(|()| std::fs::rename(&temp, &self.target));
        if result.is_err() {
            std::fs::remove_file(&temp).ok();
        }
        result
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.writer {
            Some(w) => w.write(buf),
            None => Err(io::Error::other("already committed")),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.writer {
            Some(w) => w.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        self.writer.take();
        if let Some(temp) = self.temp.take() {
            std::fs::remove_file(&temp).ok();
        }
    }
}

/// Writes `bytes` to `path` atomically.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = AtomicFile::create(path)?;
    file.write_all(bytes)?;
    file.commit()
}

#[cfg(test)]
mod tests;
