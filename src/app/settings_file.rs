//! The user's work on disk: the settings (preset, edited f and g, every
//! run's parameters, view toggles) as JSON, written atomically about half a
//! second after a change (at most about twice a second while typing), so a
//! typed edit survives a crash or a killed process without ever being saved
//! by hand, and a crash mid-write never leaves half a file. eframe's own
//! file then holds only the window's geometry.

use super::Settings;
use crate::atomic_file::write_atomic;
use crate::background::Task;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How long after a change the settings are written.
const QUIET: Duration = Duration::from_millis(500);

/// The longest wait between retries of a write that keeps failing.
const MAX_RETRY: Duration = Duration::from_secs(30);

/// The name of the settings file in the app's data directory.
pub const FILE_NAME: &str = "settings.json";

/// Where the app keeps its settings (None if the system has no data
/// directory for it).
pub fn default_path() -> Option<PathBuf> {
    eframe::storage_dir("bilevel-lab").map(|dir| dir.join(FILE_NAME))
}

/// The settings file is read only up to this size (edits, runs and toggles
/// take a few kilobytes; a larger file is not ours to load).
pub const MAX_SETTINGS_BYTES: u64 = 4 << 20;

/// Reads settings saved at `path`: `Ok(None)` if there are none yet (see
/// [`load_repaired`], which this is without the notes).
pub fn load(path: &Path) -> Result<Option<Settings>, String> {
    load_repaired(path).map(|loaded| loaded.map(|l| l.settings))
}

/// Settings read from the file, with what the repair said and the bytes
/// as read (what this window takes the file to hold; see
/// [`SettingsFile::expect`]).
#[derive(Debug)]
pub struct Loaded {
    /// The settings, repaired.
    pub settings: Settings,
    /// What the repair replaced, and where the file as it was is kept.
    pub note: Option<String>,
    /// The file's bytes as read.
    pub bytes: Vec<u8>,
}

/// Reads settings saved at `path`: `Ok(None)` if there are none yet. A
/// damaged file is moved aside (to `….damaged`) so the next save does not
/// destroy what might be recovered from it, and the error says so. Only a
/// regular file of at most [`MAX_SETTINGS_BYTES`] is read (a FIFO would
/// block before any window appears). Values the app cannot use are
/// replaced (see [`super::settings_repair`]); the note then names each and
/// where the file as it was is kept (`….before-repair`).
pub fn load_repaired(path: &Path) -> Result<Option<Loaded>, String> {
    use crate::capped_read::{ReadRefusal, read_capped};
    let bytes = match read_capped(path, MAX_SETTINGS_BYTES) {
        Ok(bytes) => bytes,
        Err(ReadRefusal::Missing) => return Ok(None),
        Err(e) => return Err(format!("could not read {}: {e}", path.display())),
    };
    // A byte-order mark (an editor on another system may add one) is not
    // damage; invalid UTF-8 is (it is not replaced and saved back).
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let parsed: Result<Settings, String> = std::str::from_utf8(text)
        .map_err(|e| format!("it is not UTF-8 text (byte {})", e.valid_up_to()))
        .and_then(|text| {
            serde_json::from_str(text)
                .map_err(|e| format!("line {}, column {}: {e}", e.line(), e.column()))
        });
    let mut settings = parsed.map_err(|why| {
        let aside = unused_aside(path, ".damaged");
        let kept = match std::fs::rename(path, &aside) {
            Ok(()) => format!("; it is kept as {}", aside.display()),
            Err(_) => String::new(),
        };
        format!(
            "{} is damaged ({why}){kept}; starting from the defaults",
            path.display()
        )
    })?;
    let said = super::settings_repair::repair(&mut settings);
    if said.is_empty() {
        return Ok(Some(Loaded {
            settings,
            note: None,
            bytes,
        }));
    }
    // The next save writes the repaired settings: the file as it was is
    // copied aside first, so even a value the app could not use is kept.
    let aside = unused_aside(path, ".before-repair");
    let kept = match std::fs::write(&aside, &bytes) {
        Ok(()) => format!("; the file as it was is kept as {}", aside.display()),
        Err(e) => format!("; the file as it was could not be kept ({e})"),
    };
    let note = format!(
        "{} held values the app cannot use: {}{kept}",
        path.display(),
        said.join("; ")
    );
    Ok(Some(Loaded {
        settings,
        note: Some(note),
        bytes,
    }))
}

/// `settings.json` + `suffix` (`.damaged`), or `.damaged.2`, `.damaged.3`,
/// … — the first name not taken, so a second damaged file never
/// overwrites the first.
fn unused_aside(path: &Path, suffix: &str) -> PathBuf {
    let mut aside = path.as_os_str().to_owned();
    aside.push(suffix);
    unused_name(Path::new(&aside))
}

/// `path`, or `path.2`, `path.3`, … — the first name not taken.
pub(super) fn unused_name(path: &Path) -> PathBuf {
    let name = |n: u32| {
        let mut aside = path.as_os_str().to_owned();
        if n > 1 {
            aside.push(format!(".{n}"));
        }
        PathBuf::from(aside)
    };
    (1..10_000)
        .map(name)
        .find(|p| std::fs::symlink_metadata(p).is_err())
        .unwrap_or_else(|| name(10_000))
}

/// Writes settings in the background [`QUIET`] after they change, and
/// reports a failed write. A failing write is retried after a wait that
/// doubles with each failure (up to [`MAX_RETRY`]) and is reported each
/// time; one success brings the wait back to [`QUIET`].
///
/// Two windows share the file: a write first reads what is on disk and, if
/// it is no longer what this window last read or wrote (another window
/// saved meanwhile), writes nothing and hands that session over
/// ([`SettingsFile::take_theirs`]) to be merged (see
/// [`super::kept_edits::merge_other_window`]); the merged settings are
/// written next. So neither window's edits are lost.
#[derive(Debug, Default)]
pub struct SettingsFile {
    path: Option<PathBuf>,
    /// The settings last handed to a write.
    written: Option<Settings>,
    /// When the settings were first seen to differ from `written`.
    changed: Option<Instant>,
    writing: Option<Task<Result<Saved, String>>>,
    /// Writes that failed in a row.
    failures: u32,
    /// The file's bytes as this window last read or wrote them (`None`:
    /// no file).
    expected: Option<Vec<u8>>,
    /// A session another window saved, not yet merged.
    theirs: Option<Settings>,
}

/// What a write did.
#[derive(Debug)]
enum Saved {
    /// Wrote these bytes.
    Written(Vec<u8>),
    /// Wrote nothing: another window had saved this (its bytes, parsed).
    Theirs(Vec<u8>, Box<Settings>),
}

impl SettingsFile {
    /// Saves to `path` (nowhere when `None`: tests and scripted
    /// screenshots), taking the file as it is now as this window's.
    pub fn new(path: Option<PathBuf>) -> Self {
        let expected = path.as_deref().and_then(on_disk);
        Self {
            path,
            expected,
            ..Self::default()
        }
    }

    /// Takes the file to hold `bytes` (as this window loaded it), so that
    /// a session another window saves after the load is merged, not
    /// written over.
    pub fn expect(&mut self, bytes: Vec<u8>) {
        self.expected = Some(bytes);
    }

    /// A session another window saved since this one last read or wrote
    /// the file, to merge before the next write.
    pub fn take_theirs(&mut self) -> Option<Settings> {
        self.theirs.take()
    }

    /// The file written to, if any.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Whether a write is pending or running (the caller asks for another
    /// frame so it completes).
    pub fn busy(&self) -> bool {
        self.changed.is_some() || self.writing.is_some()
    }

    /// Called every frame with the current settings: starts a write once
    /// [`QUIET`] has passed since they first differed from what was last
    /// written; returns the error of a write that failed since the last call.
    pub fn tick(&mut self, settings: &Settings) -> Option<String> {
        let failed = self.finished_write();
        let Some(path) = self.path.clone() else {
            return failed;
        };
        if self.written.as_ref() == Some(settings) {
            self.changed = None;
            return failed;
        }
        let since = *self.changed.get_or_insert_with(Instant::now);
        if since.elapsed() >= self.wait_before_writing()
            && self.writing.is_none()
            && self.theirs.is_none()
        {
            self.changed = None;
            self.written = Some(settings.clone());
            let settings = settings.clone();
            let expected = self.expected.clone();
            // Nothing to wake: the app ticks the file every frame.
            self.writing = Some(Task::spawn(
                "settings-writer",
                1,
                Box::new(|| {}),
                move |_| Some(save_checked(&path, &settings, expected.as_deref())),
            ));
        }
        failed
    }

    /// Writes now (on exit), waiting for any write in flight first; what
    /// another window saved meanwhile is merged in first.
    pub fn flush(&mut self, settings: &Settings) -> Option<String> {
        let failed = self.wait();
        let path = self.path.clone()?;
        if self.written.as_ref() == Some(settings) && self.theirs.is_none() {
            return failed;
        }
        let mut merged = settings.clone();
        let mut expected = self.expected.clone();
        for _ in 0..3 {
            if let Some(theirs) = self.theirs.take() {
                super::kept_edits::merge_other_window(&mut merged, &theirs);
            }
            match save_checked(&path, &merged, expected.as_deref()) {
                Ok(Saved::Written(bytes)) => {
                    self.expected = Some(bytes);
                    self.changed = None;
                    self.written = Some(settings.clone());
                    return failed;
                }
                Ok(Saved::Theirs(bytes, theirs)) => {
                    expected = Some(bytes);
                    self.theirs = Some(*theirs);
                }
                Err(e) => return Some(e),
            }
        }
        Some(format!(
            "{} kept changing while this window saved: its last changes were not written",
            path.display()
        ))
    }

    /// [`QUIET`], doubled for each write that failed in a row.
    fn wait_before_writing(&self) -> Duration {
        QUIET
            .saturating_mul(1 << self.failures.min(16))
            .min(MAX_RETRY)
    }

    /// The outcome of a write that has finished (None while it runs).
    fn finished_write(&mut self) -> Option<String> {
        let outcome = self.writing.as_mut()?.poll()?;
        self.writing = None;
        self.take_outcome(outcome)
    }

    fn wait(&mut self) -> Option<String> {
        let outcome = self.writing.take()?.wait();
        self.take_outcome(outcome)
    }

    /// Takes in how a write ended (`None`: its thread failed).
    fn take_outcome(&mut self, outcome: Option<Result<Saved, String>>) -> Option<String> {
        match outcome.unwrap_or_else(|| Err("the saving thread failed".into())) {
            Ok(Saved::Written(bytes)) => {
                self.failures = 0;
                self.expected = Some(bytes);
                None
            }
            Ok(Saved::Theirs(bytes, theirs)) => {
                // Merged by the app, then written at the next tick.
                self.expected = Some(bytes);
                self.theirs = Some(*theirs);
                self.written = None;
                None
            }
            Err(e) => {
                // Try again, after a longer wait each time.
                self.written = None;
                self.failures = self.failures.saturating_add(1);
                Some(e)
            }
        }
    }
}

/// The file's bytes now, if it can be read.
fn on_disk(path: &Path) -> Option<Vec<u8>> {
    crate::capped_read::read_capped(path, MAX_SETTINGS_BYTES).ok()
}

/// Writes `settings` unless the file is no longer `expected`: then another
/// window saved its session, which is returned (parsed) instead. A file
/// gone, unreadable or not parseable is written over as before.
fn save_checked(
    path: &Path,
    settings: &Settings,
    expected: Option<&[u8]>,
) -> Result<Saved, String> {
    let now = on_disk(path);
    if let Some(bytes) = now.filter(|b| Some(b.as_slice()) != expected) {
        let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
        let theirs = std::str::from_utf8(text)
            .ok()
            .and_then(|t| serde_json::from_str::<Settings>(t).ok());
        if let Some(theirs) = theirs.filter(|t| t != settings) {
            return Ok(Saved::Theirs(bytes, Box::new(theirs)));
        }
    }
    save(path, settings)
}

/// Writes `settings` to `path` atomically, creating its directory; the
/// bytes written.
fn save(path: &Path, settings: &Settings) -> Result<Saved, String> {
    let failed = |e: &dyn std::fmt::Display| {
        format!(
            "could not save your settings to {}: {e} — your edits stay in this window (Export ▸ preset keeps them)",
            path.display()
        )
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| failed(&e))?;
    }
    // The settings are a regular file: a FIFO or a device in its place is
    // not written into (a FIFO nobody reads would block the save for good).
    if let Ok(meta) = crate::atomic_file::resolve_links(path).and_then(std::fs::metadata)
        && !meta.is_file()
    {
        return Err(failed(&"it is not a regular file"));
    }
    let json = serde_json::to_vec_pretty(settings).map_err(|e| failed(&e))?;
    write_atomic(path, &json).map_err(|e| failed(&e))?;
    Ok(Saved::Written(json))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("bilevel-settings-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn tick_until_written(file: &mut SettingsFile, s: &Settings) -> Option<String> {
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut error = None;
        while file.busy() || file.written.as_ref() != Some(s) {
            error = error.or(file.tick(s));
            assert!(Instant::now() < deadline, "never written");
            std::thread::sleep(Duration::from_millis(20));
        }
        error
    }

    /// What the app does each frame: tick, and merge what another window
    /// saved; until this window's settings are on disk.
    fn tick_as_a_window(file: &mut SettingsFile, s: &mut Settings) -> Vec<String> {
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut told = Vec::new();
        while file.busy() || file.written.as_ref() != Some(s) || file.theirs.is_some() {
            assert_eq!(file.tick(s), None);
            if let Some(theirs) = file.take_theirs() {
                told.extend(crate::app::kept_edits::merge_other_window(s, &theirs));
            }
            assert!(Instant::now() < deadline, "never written");
            std::thread::sleep(Duration::from_millis(20));
        }
        told
    }

    #[test]
    fn two_windows_saving_one_file_lose_neither_windows_edits() {
        let dir = dir("two-windows");
        let path = dir.join(FILE_NAME);
        save(&path, &Settings::default()).unwrap();
        // Both windows start from the same file.
        let (mut file_a, mut file_b) = (
            SettingsFile::new(Some(path.clone())),
            SettingsFile::new(Some(path.clone())),
        );
        let mut a = Settings {
            f_text: Some("x^2 + 1".into()),
            g_text: Some("y^2".into()),
            ..Settings::default()
        };
        let mut b = Settings {
            source: super::super::PresetSource::Builtin("b12-mirrlees".into()),
            f_text: Some("x*y".into()),
            g_text: Some("y^4".into()),
            ..Settings::default()
        };
        assert!(tick_as_a_window(&mut file_a, &mut a).is_empty());
        // B's write finds A's session on disk: merged, then written.
        let told = tick_as_a_window(&mut file_b, &mut b);
        assert!(
            told.iter()
                .any(|t| t.contains("another bilevel-lab window")),
            "{told:?}"
        );
        let on_disk = load(&path).unwrap().unwrap();
        assert_eq!(on_disk.f_text.as_deref(), Some("x*y"), "B's window state");
        assert!(
            on_disk.kept_edits.iter().any(|k| k.f == "x^2 + 1"),
            "and A's edit: {:?}",
            on_disk.kept_edits
        );
        // A changes something: it merges B's edit before writing.
        a.eps = 0.5;
        tick_as_a_window(&mut file_a, &mut a);
        let on_disk = load(&path).unwrap().unwrap();
        assert_eq!(on_disk.eps, 0.5);
        assert!(on_disk.kept_edits.iter().any(|k| k.f == "x*y"));
        // A flush on exit merges too.
        b.f_text = Some("x*y + 1".into());
        assert_eq!(file_b.flush(&b), None);
        let on_disk = load(&path).unwrap().unwrap();
        assert_eq!(on_disk.f_text.as_deref(), Some("x*y + 1"));
        assert!(on_disk.kept_edits.iter().any(|k| k.f == "x^2 + 1"));
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn changes_are_written_after_a_quiet_spell_and_read_back() {
        let dir = dir("roundtrip");
        let path = dir.join("sub").join(FILE_NAME);
        let mut file = SettingsFile::new(Some(path.clone()));
        let mut s = Settings {
            g_text: Some("x*y + (".into()),
            ..Settings::default()
        };
        assert_eq!(file.tick(&s), None);
        assert!(!path.exists(), "not before the quiet spell");
        assert_eq!(tick_until_written(&mut file, &s), None);
        assert_eq!(load(&path).unwrap(), Some(s.clone()));
        s.eps = 0.25;
        assert_eq!(file.flush(&s), None);
        assert_eq!(load(&path).unwrap().unwrap().eps, 0.25);
        let names: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(
            names,
            vec![std::ffi::OsString::from(FILE_NAME)],
            "no temporary files left"
        );
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn unusable_values_are_named_and_the_file_as_it_was_kept() {
        let dir = dir("repair");
        let path = dir.join(FILE_NAME);
        let b1 = crate::preset::load_builtin("b01-quadratic").unwrap();
        let s = Settings {
            runs: vec![super::super::RunSpec::from_preset(&b1)],
            ..Settings::default()
        };
        let text = serde_json::to_string(&s)
            .unwrap()
            .replace("\"step\":0.", "\"step\":-1.");
        assert!(text.contains("\"step\":-1."), "{text}");
        std::fs::write(&path, &text).unwrap();
        let loaded = load_repaired(&path).unwrap().unwrap();
        let (repaired, note) = (loaded.settings, loaded.note);
        assert_eq!(loaded.bytes, text.as_bytes(), "the bytes as read");
        let note = note.expect("a note");
        assert!(note.contains("run 1: PGD-QP step (γ) = -1."), "{note}");
        assert!(note.contains("settings.json.before-repair"), "{note}");
        assert!(repaired.runs[0].solver.problems().is_empty());
        let kept = std::fs::read_to_string(dir.join("settings.json.before-repair")).unwrap();
        assert_eq!(kept, text, "the file as it was");
        // Loading it again keeps a second copy beside the first.
        load_repaired(&path).unwrap();
        assert!(dir.join("settings.json.before-repair.2").exists());
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn a_failed_write_is_reported_and_retried() {
        let dir = dir("fail");
        // The parent "directory" is a file: creating it fails.
        let blocker = dir.join("blocker");
        std::fs::write(&blocker, "").unwrap();
        let mut file = SettingsFile::new(Some(blocker.join(FILE_NAME)));
        let s = Settings::default();
        let deadline = Instant::now() + Duration::from_secs(10);
        let error = loop {
            if let Some(e) = file.tick(&s) {
                break e;
            }
            assert!(Instant::now() < deadline, "the failure was never reported");
            std::thread::sleep(Duration::from_millis(20));
        };
        assert!(error.contains("could not save your settings"), "{error}");
        assert!(error.contains("stay in this window"), "{error}");
        assert_eq!(file.written, None, "retried at the next change");
        // Each failure doubles the wait before the next try, up to a cap.
        assert_eq!(file.wait_before_writing(), 2 * QUIET);
        file.failures = 40;
        assert_eq!(file.wait_before_writing(), MAX_RETRY);
        file.failures = 1;
        // Once the obstacle is gone the retry succeeds and the wait is back
        // to normal.
        std::fs::remove_file(&blocker).unwrap();
        assert_eq!(tick_until_written(&mut file, &s), None);
        assert_eq!(file.failures, 0);
        assert_eq!(file.wait_before_writing(), QUIET);
        assert_eq!(load(&blocker.join(FILE_NAME)).unwrap(), Some(s));
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn a_damaged_file_is_moved_aside_with_a_position() {
        let dir = dir("damaged");
        let path = dir.join(FILE_NAME);
        std::fs::write(&path, "{\n  \"eps\": 0.1,\n  oops\n}").unwrap();
        let e = load(&path).unwrap_err();
        assert!(e.contains("line 3"), "{e}");
        assert!(e.contains("damaged"), "{e}");
        assert!(!path.exists());
        assert!(dir.join(format!("{FILE_NAME}.damaged")).exists());
        assert_eq!(load(&path).unwrap(), None, "then there is nothing to load");
        // A second damaged file does not overwrite the first.
        std::fs::write(&path, "not json").unwrap();
        let e = load(&path).unwrap_err();
        assert!(e.contains(".damaged.2"), "{e}");
        assert_eq!(
            std::fs::read_to_string(dir.join(format!("{FILE_NAME}.damaged"))).unwrap(),
            "{\n  \"eps\": 0.1,\n  oops\n}"
        );
        assert_eq!(
            std::fs::read_to_string(dir.join(format!("{FILE_NAME}.damaged.2"))).unwrap(),
            "not json"
        );
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn a_byte_order_mark_is_no_damage() {
        let dir = dir("bom");
        let path = dir.join(FILE_NAME);
        let s = Settings::default();
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend(serde_json::to_vec(&s).unwrap());
        std::fs::write(&path, bytes).unwrap();
        assert_eq!(load(&path).unwrap(), Some(s));
        assert!(path.exists(), "not moved aside");
        std::fs::remove_dir_all(&dir).ok();
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_in_place_of_the_settings_is_refused_without_blocking() {
        let dir = dir("fifo");
        let path = dir.join(FILE_NAME);
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&path)
                .status()
                .unwrap()
                .success()
        );
        let e = load(&path).unwrap_err();
        assert!(e.contains("FIFO"), "{e}");
        // Nor is it written into: a save fails at once instead of blocking.
        let e = save(&path, &Settings::default()).unwrap_err();
        assert!(e.contains("not a regular file"), "{e}");
        std::fs::remove_dir_all(&dir).ok();
    }
}
