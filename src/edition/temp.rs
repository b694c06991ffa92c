//! Writing editions safely: each edition goes to a temporary file created exclusively in the
//! output folder (`O_CREAT|O_EXCL` through the tempfile crate: a link planted at the name makes
//! the creation fail rather than redirect the write), then is renamed over its final name, so
//! a reader never sees a partial edition.
//!
//! Temporary files are named `.baogao-<pid>-<random>.tmp`. The run's own are registered while
//! they exist, so that an interrupt (SIGINT, SIGTERM: see the binary) removes them before the
//! process exits ([`remove_own`]); a run starts by removing those a killed run left behind
//! ([`remove_stale`]).
use crate::error::{Error, Result};
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

const PREFIX: &str = ".baogao-";
const SUFFIX: &str = ".tmp";

/// The temporary files this process has created and not yet renamed or removed.
static OWN: Mutex<BTreeSet<PathBuf>> = Mutex::new(BTreeSet::new());

/// Write `bytes` to `path` through an exclusively created temporary file beside it.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let io = |e| Error::Io {
        path: path.to_path_buf(),
        source: e,
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(io)?;
    let mut tmp = {
        // Created and registered under the lock: an interrupt sees every file created.
        let mut own = OWN.lock().unwrap_or_else(|e| e.into_inner());
        let tmp = create_in(dir, RANDOM).map_err(io)?;
        own.insert(tmp.path().to_path_buf());
        tmp
    };
    let tmp_path = tmp.path().to_path_buf();
    let result = (|| {
        tmp.write_all(bytes)?;
        tmp.as_file().sync_all()?;
        hold_for_tests();
        tmp.persist(path).map(|_| ()).map_err(|e| e.error)
    })();
    // On failure the NamedTempFile (dropped here) removes itself.
    OWN.lock()
        .unwrap_or_else(|e| e.into_inner())
        .remove(&tmp_path);
    result.map_err(io)
}

/// Random characters in a temporary file's name.
const RANDOM: usize = 8;

/// A new temporary file in `dir`, created with `O_CREAT|O_EXCL` (never through an existing
/// name or link), with the mode any new file gets (0666 less the umask, as `std::fs::write`
/// gives): the renamed edition is readable by whoever could read one written directly, not
/// tempfile's private 0600.
fn create_in(dir: &Path, random: usize) -> std::io::Result<tempfile::NamedTempFile> {
    use std::os::unix::fs::PermissionsExt;
    tempfile::Builder::new()
        .permissions(std::fs::Permissions::from_mode(0o666))
        .prefix(&format!("{PREFIX}{}-", std::process::id()))
        .suffix(SUFFIX)
        .rand_bytes(random)
        .tempfile_in(dir)
}

/// Tests of the interrupt handling hold each temporary file for this many milliseconds before
/// its rename (`BAOGAO_TEST_HOLD_TEMP_MS`), so a signal can be sent while it exists.
fn hold_for_tests() {
    if let Some(ms) = std::env::var("BAOGAO_TEST_HOLD_TEMP_MS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        std::thread::sleep(std::time::Duration::from_millis(ms));
    }
}

/// Remove every temporary file of this process (called on SIGINT/SIGTERM before exiting). The
/// lock is kept: no further temporary file can be created before the process ends.
pub fn remove_own() -> usize {
    let own = OWN.lock().unwrap_or_else(|e| e.into_inner());
    let removed = own
        .iter()
        .filter(|p| std::fs::remove_file(p).is_ok())
        .count();
    std::mem::forget(own);
    removed
}

/// Remove this program's temporary files in `dir` left by runs killed before `started`: only
/// names of the form `.baogao-<pid>-<random>.tmp`, modified before `started`, whose process is
/// not running (checked through `/proc` where there is one). Returns how many were removed.
pub fn remove_stale(dir: &Path, started: SystemTime) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(temp_pid) else {
            continue;
        };
        let Ok(meta) = entry.metadata() else { continue };
        let old = meta.modified().is_ok_and(|m| m < started);
        if meta.is_file() && old && !running(pid) && std::fs::remove_file(entry.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}

/// The process id in one of this program's temporary file names.
fn temp_pid(name: &str) -> Option<u32> {
    let rest = name.strip_prefix(PREFIX)?.strip_suffix(SUFFIX)?;
    let (pid, random) = rest.split_once('-')?;
    let ok = !random.is_empty() && random.chars().all(|c| c.is_ascii_alphanumeric());
    ok.then(|| pid.parse().ok()).flatten()
}

fn running(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    let proc = Path::new("/proc");
    proc.join("self").exists() && proc.join(pid.to_string()).exists()
}

/// The output folder is usable: a folder (or one that can be created) where a file can be
/// created. Checked before any work; the refusal is one line (exit 2).
pub fn check_output_dir(dir: &Path) -> Result<()> {
    let refuse = |why: String| Err(Error::input(dir, format!("output folder {why}")));
    // The nearest part of the path that exists must be a folder.
    let mut existing = dir;
    while !existing.as_os_str().is_empty() && std::fs::symlink_metadata(existing).is_err() {
        match existing.parent() {
            Some(p) => existing = p,
            None => break,
        }
    }
    let existing = if existing.as_os_str().is_empty() {
        Path::new(".")
    } else {
        existing
    };
    match std::fs::metadata(existing) {
        Ok(m) if m.is_dir() => {}
        Ok(_) if existing == dir => return refuse("is a file, not a folder".into()),
        Ok(_) => return refuse(format!("cannot be made: {} is a file", existing.display())),
        Err(e) => return refuse(format!("cannot be used: {e}")),
    }
    // A probe file, created exclusively and removed at once, says whether writing works.
    match create_in(existing, RANDOM) {
        Ok(probe) => {
            drop(probe);
            Ok(())
        }
        Err(e) => refuse(format!("is not writable: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn an_edition_gets_the_mode_of_any_new_file() {
        use std::os::unix::fs::PermissionsExt;
        let d = tempfile::tempdir().unwrap();
        let direct = d.path().join("direct");
        std::fs::write(&direct, b"x").unwrap();
        let edition = d.path().join("edition.pdf");
        write_atomic(&edition, b"x").unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&edition), mode(&direct));
    }

    #[test]
    fn atomic_write_leaves_no_temp() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("x.pdf");
        write_atomic(&p, b"abc").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"abc");
        assert_eq!(names(d.path()), ["x.pdf"]);
    }

    #[test]
    fn temp_names_are_recognised() {
        assert_eq!(temp_pid(".baogao-123-AbC9x1.tmp"), Some(123));
        assert_eq!(temp_pid(".baogao-123-.tmp"), None);
        assert_eq!(temp_pid(".baogao-x-abc.tmp"), None);
        assert_eq!(temp_pid(".report.pdf.123.tmp"), None);
        assert_eq!(temp_pid("baogao-123-abc.tmp"), None);
    }

    #[test]
    fn stale_temps_of_dead_runs_go_others_stay() {
        let d = tempfile::tempdir().unwrap();
        // pid 0 is never a running user process; u32::MAX is beyond any pid.
        let dead = format!(".baogao-{}-a1b2c3.tmp", u32::MAX);
        let mine = format!(".baogao-{}-a1b2c3.tmp", std::process::id());
        for n in [
            &dead,
            &mine,
            &".other.tmp".to_string(),
            &"keep.pdf".to_string(),
        ] {
            std::fs::write(d.path().join(n), b"x").unwrap();
        }
        let later = SystemTime::now() + std::time::Duration::from_secs(5);
        // A run that started before the files were written removes nothing.
        assert_eq!(remove_stale(d.path(), SystemTime::UNIX_EPOCH), 0);
        assert_eq!(remove_stale(d.path(), later), 1);
        let left = names(d.path());
        assert!(!left.contains(&dead), "{left:?}");
        assert!(left.contains(&mine) && left.contains(&".other.tmp".to_string()));
    }

    #[cfg(unix)]
    #[test]
    fn a_link_at_a_temp_name_does_not_redirect_the_write() {
        let d = tempfile::tempdir().unwrap();
        let target = d.path().join("target.txt");
        std::fs::write(&target, b"precious").unwrap();
        // Without random characters the temporary name is known: plant a link there.
        let link = d
            .path()
            .join(format!(".baogao-{}-.tmp", std::process::id()));
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let err = create_in(d.path(), 0).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::AlreadyExists, "{err}");
        assert_eq!(std::fs::read(&target).unwrap(), b"precious");
        // And a dangling link (to a file that would be created through it) is not followed.
        let absent = d.path().join("absent.txt");
        std::fs::remove_file(&link).unwrap();
        std::os::unix::fs::symlink(&absent, &link).unwrap();
        assert!(create_in(d.path(), 0).is_err());
        assert!(!absent.exists());
        write_atomic(&d.path().join("e.pdf"), b"edition").unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"precious");
    }

    #[test]
    fn output_folder_must_be_a_writable_folder() {
        let d = tempfile::tempdir().unwrap();
        let file = d.path().join("file");
        std::fs::write(&file, b"x").unwrap();
        let err = check_output_dir(&file).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(err.to_string().contains("is a file"), "{err}");
        let err = check_output_dir(&file.join("sub")).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        check_output_dir(&d.path().join("new/deeper")).unwrap();
        assert!(!d.path().join("new").exists(), "checking creates nothing");
        assert_eq!(names(d.path()), ["file"]);
    }
}
