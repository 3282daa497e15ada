//! Reading the files users name, safely: only regular files (a FIFO would
//! block forever, `/dev/zero` would never end), with a size cap, as UTF-8,
//! and with errors that name the file and say what to do.

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
}
