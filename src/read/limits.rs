//! Input files are read only when they are regular files, and never beyond a size limit.
//!
//! A FIFO would block `read` for ever and `/dev/zero` would fill memory: the path's metadata is
//! looked at before opening (a link given by the user is followed, as given), the file is opened
//! without blocking, its kind is checked again on the open handle (the path may have changed in
//! between), and at most `limit + 1` bytes are read, so a file that grows meanwhile is refused too.
use crate::error::{Error, Result};
use std::fs::{File, OpenOptions};
use std::io::Read;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

/// Largest report read (bytes on disk). The largest real report is about 0.1 MB. Issue 15 asked
/// for 16 MB with building under 1.5 GB peak; building takes ≈ 113 MB per MB of report (the PDF
/// path dominates), 1.77 GB at 15.9 MB but 1.34 GB at 12 MB (docs/benchmarks.md), so the cap is
/// 12 MB: every report over 16 MB is refused, and every report read builds within 1.5 GB.
pub const MAX_REPORT: u64 = 12 << 20;

/// The bytes of the regular file at `path`, refused when it is anything else or larger than
/// `limit`. `what` names the file in messages (`report`, `notes file`).
pub fn read_regular(path: &Path, limit: u64, what: &str) -> Result<Vec<u8>> {
    let cannot = |e: std::io::Error| Error::input(path, format!("cannot read the {what}: {e}"));
    let meta = std::fs::metadata(path).map_err(cannot)?;
    regular(path, &meta, what)?;
    too_large(path, meta.len(), limit, what)?;
    let file: File = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
        .map_err(cannot)?;
    let meta = file.metadata().map_err(cannot)?;
    regular(path, &meta, what)?;
    too_large(path, meta.len(), limit, what)?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    too_large(path, bytes.len() as u64, limit, what)?;
    Ok(bytes)
}

fn regular(path: &Path, meta: &std::fs::Metadata, what: &str) -> Result<()> {
    if meta.is_file() {
        return Ok(());
    }
    let kind = kind_of(meta);
    Err(Error::input(
        path,
        format!("is {kind}, not a regular file: refused as the {what}"),
    ))
}

/// What a non-regular file is, in a user's words.
pub fn kind_of(meta: &std::fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    if t.is_dir() {
        "a folder"
    } else if t.is_fifo() {
        "a named pipe (FIFO)"
    } else if t.is_char_device() || t.is_block_device() {
        "a device"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_symlink() {
        "a symbolic link"
    } else {
        "a special file"
    }
}

fn too_large(path: &Path, size: u64, limit: u64, what: &str) -> Result<()> {
    if size <= limit {
        return Ok(());
    }
    Err(Error::input(
        path,
        format!(
            "too large for a {what} ({} MB or more; the limit is {} MB)",
            size >> 20,
            limit >> 20
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_files_within_the_limit_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("r.txt");
        std::fs::write(&p, b"12345").unwrap();
        assert_eq!(read_regular(&p, 5, "report").unwrap(), b"12345");
        let e = read_regular(&p, 4, "report").unwrap_err().to_string();
        assert!(e.contains("too large for a report"), "{e}");
    }

    #[test]
    fn devices_fifos_and_folders_are_refused_without_blocking() {
        let e = read_regular(Path::new("/dev/zero"), 1 << 20, "report")
            .unwrap_err()
            .to_string();
        assert!(e.contains("a device, not a regular file"), "{e}");
        let dir = tempfile::tempdir().unwrap();
        let e = read_regular(dir.path(), 1 << 20, "notes file")
            .unwrap_err()
            .to_string();
        assert!(e.contains("a folder"), "{e}");
        let fifo = dir.path().join("pipe");
        let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let e = read_regular(&fifo, 1 << 20, "notes file")
            .unwrap_err()
            .to_string();
        assert!(e.contains("named pipe"), "{e}");
    }
}
