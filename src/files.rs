//! Reading the files users name, safely: only regular files (a FIFO would
//! block forever, `/dev/zero` would never end), with a size cap, as UTF-8,
//! and with errors that name the file and say what to do.
//!
//! Files inside `.beast/` come from other people's commits, so they are
//! opened more carefully still ([`open_inside`]): a symbolic link is never
//! followed (a committed link could point a write at `~/.bashrc`), and only
//! a regular file is used. Files beast writes for the user (`-o`) go only to
//! a regular file or a new path ([`check_output`]).

use std::fs::{File, OpenOptions};
use std::io::Read;
use std::path::Path;

/// The largest file beast reads whole (roadmaps, traces, datasets, imports).
pub const MAX_BYTES: u64 = 1 << 30;

/// Reads `path` (described to the user as `what`) as UTF-8 text. The error is
/// one line, without command-line words.
pub fn read_text(path: &Path, what: &str) -> Result<String, String> {
    let shown = path.display();
    // stat, not open: opening a FIFO blocks until someone writes to it.
    let meta = std::fs::metadata(path)
        .map_err(|e| format!("cannot read {what} {shown}: {e}; check the path"))?;
    if !meta.is_file() {
        return Err(format!(
            "{what} {shown} is not a regular file (a directory, pipe or device); give a file"
        ));
    }
    if meta.len() > MAX_BYTES {
        return Err(format!(
            "{what} {shown} is larger than {} MiB; split it",
            MAX_BYTES >> 20
        ));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| format!("cannot read {what} {shown}: {e}; check its permissions"))?;
    if bytes.len() as u64 > MAX_BYTES {
        return Err(format!(
            "{what} {shown} kept growing past {} MiB",
            MAX_BYTES >> 20
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "{what} {shown} is not UTF-8 text (invalid byte at offset {}); save it as UTF-8",
            e.utf8_error().valid_up_to()
        )
    })
}

/// Opens `path` with `options` unless it is a symbolic link (the last
/// component is not followed: `O_NOFOLLOW`) or not a regular file (checked
/// on the open file, so a swap after a check cannot fool it; a FIFO is
/// opened without blocking to be refused). For files inside `.beast/`.
pub fn open_inside(path: &Path, options: &mut OpenOptions) -> std::io::Result<File> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    #[cfg(not(unix))]
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(link_error());
    }
    let file = options.open(path).map_err(|e| {
        #[cfg(unix)]
        if e.raw_os_error() == Some(libc::ELOOP) {
            return link_error();
        }
        e
    })?;
    if !file.metadata()?.is_file() {
        return Err(std::io::Error::other(
            "it is not a regular file (a directory, pipe or device)",
        ));
    }
    Ok(file)
}

fn link_error() -> std::io::Error {
    std::io::Error::other(
        "it is a symbolic link, and beast follows no link inside .beast/ (replace it with the file itself)",
    )
}

/// Reads a file inside `.beast/` (see [`open_inside`]) of at most `max`
/// bytes; `None` when it does not exist.
pub fn read_inside(path: &Path, max: u64) -> std::io::Result<Option<Vec<u8>>> {
    let file = match open_inside(path, OpenOptions::new().read(true)) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let mut bytes = Vec::new();
    file.take(max + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(std::io::Error::other(format!(
            "it is larger than {max} bytes"
        )));
    }
    Ok(Some(bytes))
}

/// Whether `dir` is a directory itself — not a symbolic link to one — or
/// missing (`Ok(false)`). Anything else is an error saying what it is.
pub fn real_dir(dir: &Path) -> std::io::Result<bool> {
    match std::fs::symlink_metadata(dir) {
        Ok(m) if m.file_type().is_symlink() => Err(link_error()),
        Ok(m) if m.is_dir() => Ok(true),
        Ok(_) => Err(std::io::Error::other("it is not a directory")),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e),
    }
}

/// Checks that a file beast is asked to write (`-o PATH`) is a regular file
/// or a new path: never a symbolic link, device, FIFO or directory, which
/// renaming a new file over would replace.
pub fn check_output(path: &Path) -> Result<(), String> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_file() => Ok(()),
        Ok(m) => {
            let what = if m.file_type().is_symlink() {
                "a symbolic link"
            } else if m.is_dir() {
                "a directory"
            } else {
                "not a regular file (a device or pipe)"
            };
            Err(format!(
                "{} is {what}; beast writes only to a regular file or a new path, so give one (or print to standard output and redirect it)",
                path.display()
            ))
        }
        Err(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_directories_and_missing_files_are_refused() {
        let e = read_text(Path::new("/dev/zero"), "trace").unwrap_err();
        assert!(e.contains("not a regular file"), "{e}");
        let e = read_text(Path::new("/"), "trace").unwrap_err();
        assert!(e.contains("not a regular file"), "{e}");
        let e = read_text(Path::new("/no/such/file"), "trace").unwrap_err();
        assert!(e.contains("cannot read trace"), "{e}");
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("latin1.txt");
        std::fs::write(&p, b"caf\xe9").unwrap();
        let e = read_text(&p, "trace").unwrap_err();
        assert!(
            e.contains("not UTF-8 text (invalid byte at offset 3)"),
            "{e}"
        );
    }

    #[test]
    fn links_and_special_files_are_not_opened_inside() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("target");
        std::fs::write(&target, "secret").unwrap();
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let e = read_inside(&link, 100).unwrap_err().to_string();
        assert!(e.contains("symbolic link"), "{e}");
        let dangling = dir.path().join("dangling");
        std::os::unix::fs::symlink(dir.path().join("nowhere"), &dangling).unwrap();
        let e = open_inside(&dangling, OpenOptions::new().append(true).create(true))
            .unwrap_err()
            .to_string();
        assert!(e.contains("symbolic link"), "{e}");
        assert!(!dir.path().join("nowhere").exists(), "nothing created");
        let e = read_inside(Path::new("/dev/zero"), 100)
            .unwrap_err()
            .to_string();
        assert!(e.contains("not a regular file"), "{e}");
        assert_eq!(read_inside(&target, 100).unwrap().unwrap(), b"secret");
        assert!(read_inside(&target, 3).is_err(), "over the cap");
        assert_eq!(read_inside(&dir.path().join("missing"), 1).unwrap(), None);
        assert!(real_dir(&link).is_err() && real_dir(dir.path()).unwrap());
        assert!(check_output(&link).unwrap_err().contains("symbolic link"));
        assert!(check_output(Path::new("/dev/null")).is_err());
        assert!(check_output(&target).is_ok() && check_output(&dir.path().join("new")).is_ok());
    }
}
