//! Reading a file the user named, bounded: only a regular file is read (a
//! FIFO would block before any window appears, `/dev/zero` would never
//! end), and never more than a cap, however large the file claims or turns
//! out to be.

use std::io::Read;
use std::path::Path;

/// Why a file was not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadRefusal {
    /// It does not exist.
    Missing,
    /// It exists but is no regular file: what it is instead.
    NotRegular(&'static str),
    /// It holds more than the cap.
    TooLarge {
        /// Bytes it holds (at least, when it grew while being read).
        bytes: u64,
        /// The cap.
        cap: u64,
    },
    /// The operating system said no.
    Io(String),
}

impl std::fmt::Display for ReadRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadRefusal::Missing => f.write_str("no such file"),
            ReadRefusal::NotRegular(kind) => {
                write!(
                    f,
                    "is {kind}, not a regular file; only regular files are read"
                )
            }
            ReadRefusal::TooLarge { bytes, cap } => {
                write!(f, "the file is {bytes} bytes; at most {cap} bytes are read")
            }
            ReadRefusal::Io(e) => write!(f, "cannot read the file: {e}"),
        }
    }
}

/// What a non-regular file is, in words.
fn kind(meta: &std::fs::Metadata) -> &'static str {
    let t = meta.file_type();
    if t.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    "a special file"
}

/// The bytes of the regular file at `path` (through symlinks), at most
/// `cap` of them.
pub fn read_capped(path: &Path, cap: u64) -> Result<Vec<u8>, ReadRefusal> {
    let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => ReadRefusal::Missing,
        _ => ReadRefusal::Io(e.to_string()),
    })?;
    if !meta.is_file() {
        return Err(ReadRefusal::NotRegular(kind(&meta)));
    }
    if meta.len() > cap {
        return Err(ReadRefusal::TooLarge {
            bytes: meta.len(),
            cap,
        });
    }
    read_opened(path, cap)
}

/// Opens `path` without blocking and reads it only if what was opened is a
/// regular file: the path may have been replaced by a FIFO since it was
/// looked at, and opening a FIFO with no writer for reading would block.
fn read_opened(path: &Path, cap: u64) -> Result<Vec<u8>, ReadRefusal> {
    let file = open_nonblocking(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => ReadRefusal::Missing,
        _ => ReadRefusal::Io(e.to_string()),
    })?;
    let meta = file
        .metadata()
        .map_err(|e| ReadRefusal::Io(e.to_string()))?;
    if !meta.is_file() {
        return Err(ReadRefusal::NotRegular(kind(&meta)));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len().min(cap)).unwrap_or(0));
    file.take(cap.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| ReadRefusal::Io(e.to_string()))?;
    let read = bytes.len() as u64;
    if read > cap {
        return Err(ReadRefusal::TooLarge { bytes: read, cap });
    }
    Ok(bytes)
}

/// Opens for reading with `O_NONBLOCK` (it changes nothing for a regular
/// file's reads, and makes opening a FIFO return at once).
#[cfg(unix)]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_regular_files_are_read_and_never_past_the_cap() {
        let dir = std::env::temp_dir().join(format!("bilevel-capped-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let small = dir.join("small.toml");
        std::fs::write(&small, b"name = 'x'").unwrap();
        assert_eq!(read_capped(&small, 100).unwrap(), b"name = 'x'");
        assert_eq!(
            read_capped(&small, 4),
            Err(ReadRefusal::TooLarge { bytes: 10, cap: 4 })
        );
        assert_eq!(read_capped(&dir.join("none"), 4), Err(ReadRefusal::Missing));
        let e = read_capped(&dir, 4).unwrap_err();
        assert_eq!(e, ReadRefusal::NotRegular("a directory"));
        #[cfg(unix)]
        {
            // /dev/zero never ends; it is refused at once, unread.
            let e = read_capped(Path::new("/dev/zero"), 1 << 20).unwrap_err();
            assert_eq!(e, ReadRefusal::NotRegular("a character device"));
            assert!(e.to_string().contains("not a regular file"), "{e}");
            let fifo = dir.join("pipe");
            assert!(
                std::process::Command::new("mkfifo")
                    .arg(&fifo)
                    .status()
                    .unwrap()
                    .success()
            );
            // No writer: opening it would block forever; it is not opened.
            assert_eq!(
                read_capped(&fifo, 100),
                Err(ReadRefusal::NotRegular("a FIFO (named pipe)"))
            );
            // Had it been a regular file when looked at and a FIFO when
            // opened, the open returns at once and the read is refused.
            assert_eq!(
                read_opened(&fifo, 100),
                Err(ReadRefusal::NotRegular("a FIFO (named pipe)"))
            );
            assert_eq!(read_opened(&small, 100).unwrap(), b"name = 'x'");
        }
        std::fs::remove_dir_all(&dir).ok();
    }
}
