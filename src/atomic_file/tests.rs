use super::*;

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("bilevel-atomic-{name}-{}", std::process::id()));
    std::fs::remove_dir_all(&dir).ok();
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("list")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn commit_replaces_and_drop_leaves_nothing() {
    let dir = temp_dir("commit");
    let path = dir.join("out.csv");
    write_atomic(&path, b"old").expect("write");
    {
        let mut f = AtomicFile::create(&path).expect("create");
        f.write_all(b"half").expect("write");
        // Dropped without commit: the old content stays.
    }
    assert_eq!(std::fs::read(&path).expect("read"), b"old");
    write_atomic(&path, b"new").expect("write");
    assert_eq!(std::fs::read(&path).expect("read"), b"new");
    assert_eq!(entries(&dir), vec!["out.csv"]);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_directory_is_refused_and_leaves_no_temporary_file() {
    let dir = temp_dir("dir");
    let sub = dir.join("shots");
    std::fs::create_dir(&sub).expect("mkdir");
    let e = AtomicFile::create(&sub).expect_err("a directory");
    assert!(e.to_string().contains("directory"), "{e}");
    assert_eq!(entries(&dir), vec!["shots"]);
    assert!(entries(&sub).is_empty());
    std::fs::remove_dir_all(&dir).ok();
}

#[cfg(unix)]
#[test]
fn the_old_files_mode_is_kept() {
    use std::os::unix::fs::PermissionsExt;
    let dir = temp_dir("mode");
    let path = dir.join("mine.toml");
    std::fs::write(&path, b"old").expect("write");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    write_atomic(&path, b"new").expect("write");
    let mode = std::fs::metadata(&path).expect("stat").permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    std::fs::remove_dir_all(&dir).ok();
}

#[cfg(unix)]
#[test]
fn a_symlink_stays_a_link_and_its_target_gets_the_content() {
    let dir = temp_dir("link");
    let real = dir.join("real.csv");
    std::fs::write(&real, b"old").expect("write");
    let link = dir.join("link.csv");
    std::os::unix::fs::symlink("real.csv", &link).expect("symlink");
    write_atomic(&link, b"new").expect("write");
    assert!(
        std::fs::symlink_metadata(&link)
            .expect("lstat")
            .file_type()
            .is_symlink()
    );
    assert_eq!(std::fs::read(&real).expect("read"), b"new");
    // A dangling link creates its target.
    let dangling = dir.join("later.csv");
    std::os::unix::fs::symlink("made.csv", &dangling).expect("symlink");
    write_atomic(&dangling, b"made").expect("write");
    assert_eq!(std::fs::read(dir.join("made.csv")).expect("read"), b"made");
    assert!(same_file(&dangling, &dir.join("made.csv")));
    assert!(!same_file(&link, &dangling));
    std::fs::remove_dir_all(&dir).ok();
}

#[cfg(unix)]
#[test]
fn special_files_are_written_into_not_replaced() {
    use std::os::unix::fs::FileTypeExt;
    // /dev/null stays a device (as root a rename would have replaced it).
    write_atomic(Path::new("/dev/null"), b"gone").expect("write /dev/null");
    let meta = std::fs::metadata("/dev/null").expect("stat");
    assert!(meta.file_type().is_char_device());
    // A FIFO: a reader on the other end gets the bytes, the FIFO stays.
    let dir = temp_dir("fifo");
    let fifo = dir.join("pipe");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read(&fifo).expect("read the FIFO"))
    };
    write_atomic(&fifo, b"through the pipe").expect("write the FIFO");
    assert_eq!(reader.join().expect("reader"), b"through the pipe");
    let meta = std::fs::symlink_metadata(&fifo).expect("stat");
    assert!(meta.file_type().is_fifo());
    assert_eq!(entries(&dir), vec!["pipe"]);
    std::fs::remove_dir_all(&dir).ok();
}
