//! The history's files as git stores them: each author's log split into
//! chunks of about [`CHUNK`] bytes, cut after a line.
//!
//! Why: git packs a file it has seen change by searching for deltas against
//! similar blobs, and a whole log of 50 MB per author made every fetch and
//! push spend most of a minute on that search (a 1M-event history: 15.7 s to
//! fetch, 18.7 s to push). A log only grows, so its chunks up to the last
//! stay the same blobs from one sync to the next: a sync writes and sends
//! the last chunk or two, and two clones compare their files chunk by chunk.
//! A chunk ends at the first newline at or after `CHUNK` bytes from its
//! start, so the same bytes give the same chunks on every machine.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use anyhow::Result;

/// The size a chunk reaches before it ends at the next line's end.
pub const CHUNK: usize = 1 << 20;

/// One chunk of a local log file: where it lies and its git blob id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    pub start: u64,
    pub len: u64,
    pub id: String,
}

/// Each local file's chunks, with their CRC-32, by file name.
pub type FileChunks = Vec<(String, Vec<(Chunk, u32)>)>;

/// The git blob id of `bytes` (SHA-1 of `blob <len>\0` and the bytes), as
/// `git hash-object` computes it in a SHA-1 repository.
pub fn blob_id(bytes: &[u8]) -> String {
    let mut h = sha1_smol::Sha1::new();
    h.update(format!("blob {}\0", bytes.len()).as_bytes());
    h.update(bytes);
    h.digest().to_string()
}

/// Reads the next chunk of `r` into `buf` (cleared first): `CHUNK` bytes,
/// then up to and including the next newline. Empty at the end.
fn next_chunk(r: &mut impl std::io::BufRead, buf: &mut Vec<u8>) -> std::io::Result<()> {
    buf.clear();
    r.by_ref().take(CHUNK as u64).read_to_end(buf)?;
    if buf.len() == CHUNK && buf.last() != Some(&b'\n') {
        r.read_until(b'\n', buf)?;
    }
    Ok(())
}

/// Splits `bytes` as [`chunks_of`] splits a file: (start, len) of each.
#[cfg(test)]
fn bounds(bytes: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut reader = std::io::BufReader::new(bytes);
    let mut buf = Vec::new();
    let mut at = 0;
    loop {
        next_chunk(&mut reader, &mut buf).expect("reading memory");
        if buf.is_empty() {
            return out;
        }
        out.push((at, buf.len()));
        at += buf.len();
    }
}

/// What was known of a file's chunks at the last sync: (start, length,
/// CRC-32) → blob id, by file name. A chunk whose place, length and
/// checksum are unchanged keeps its id without being hashed again.
#[derive(Debug, Default)]
pub struct Cache {
    known: HashMap<(String, u64), (u64, u32, String)>,
}

impl Cache {
    /// Reads the cache file; a missing or unreadable one is an empty cache.
    pub fn load(path: &Path) -> Cache {
        let mut known = HashMap::new();
        let text = std::fs::read_to_string(path).unwrap_or_default();
        for line in text.lines() {
            let f: Vec<&str> = line.split('\t').collect();
            if let [name, start, len, crc, id] = f[..] {
                if let (Ok(start), Ok(len), Ok(crc)) = (start.parse(), len.parse(), crc.parse()) {
                    known.insert((name.to_string(), start), (len, crc, id.to_string()));
                }
            }
        }
        Cache { known }
    }

    /// Writes the chunks of `files` (name, chunks with their CRC-32) as the
    /// new cache, atomically.
    pub fn save(path: &Path, files: &FileChunks) -> std::io::Result<()> {
        let mut text = String::new();
        for (name, chunks) in files {
            for (c, crc) in chunks {
                text.push_str(&format!(
                    "{name}\t{}\t{}\t{crc}\t{}\n",
                    c.start, c.len, c.id
                ));
            }
        }
        let tmp = path.with_extension("tmp");
        std::fs::write(&tmp, text)?;
        std::fs::rename(&tmp, path)
    }

    fn get(&self, name: &str, start: u64, len: u64, crc: u32) -> Option<&str> {
        self.known
            .get(&(name.to_string(), start))
            .filter(|(l, c, _)| *l == len && *c == crc)
            .map(|(_, _, id)| id.as_str())
    }
}

/// The chunks of local file `name` at `path` (with their CRC-32), ids from
/// `cache` where a chunk is unchanged, else computed; `fresh` receives the
/// bytes of each chunk whose id was computed, so that the caller can make
/// sure git has it.
pub fn chunks_of(
    name: &str,
    path: &Path,
    cache: &Cache,
    fresh: &mut dyn FnMut(&str, &[u8]) -> Result<()>,
) -> Result<Vec<(Chunk, u32)>> {
    let file =
        crate::files::open_inside(path, std::fs::OpenOptions::new().read(true)).map_err(|e| {
            crate::error::Failure::Store(format!("cannot read {}: {e}", path.display()))
        })?;
    let mut reader = std::io::BufReader::with_capacity(1 << 20, file);
    let mut buf = Vec::with_capacity(CHUNK + 4096);
    let mut out = Vec::new();
    let mut at = 0u64;
    loop {
        next_chunk(&mut reader, &mut buf).map_err(|e| {
            crate::error::Failure::Store(format!("cannot read {}: {e}", path.display()))
        })?;
        if buf.is_empty() {
            return Ok(out);
        }
        let len = buf.len() as u64;
        let crc = crc32fast::hash(&buf);
        let id = match cache.get(name, at, len, crc) {
            Some(id) => id.to_string(),
            None => {
                let id = blob_id(&buf);
                fresh(&id, &buf)?;
                id
            }
        };
        out.push((Chunk { start: at, len, id }, crc));
        at += len;
    }
}

/// The name of chunk `i` in its file's tree: sorts as it counts.
pub fn chunk_name(i: usize) -> String {
    format!("{i:06}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blob_ids_are_gits() {
        // `printf 'hello\n' | git hash-object --stdin`
        assert_eq!(
            blob_id(b"hello\n"),
            "ce013625030ba8dba906f756967f9e9ca394464a"
        );
        assert_eq!(blob_id(b""), "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");
    }

    #[test]
    fn chunks_end_after_a_line_and_an_append_keeps_the_earlier_ones() {
        let line = |i: usize| format!("{{\"line\":{i},\"pad\":\"{}\"}}\n", "x".repeat(i % 300));
        let mut text = String::new();
        let mut i = 0;
        while text.len() < 3 * CHUNK + 100 {
            text.push_str(&line(i));
            i += 1;
        }
        let b = bounds(text.as_bytes());
        assert!(b.len() >= 3, "{b:?}");
        let mut at = 0;
        for (start, len) in &b {
            assert_eq!(*start, at);
            at += len;
            assert_eq!(text.as_bytes()[start + len - 1], b'\n', "ends a line");
            assert!(*len >= CHUNK || start + len == text.len());
        }
        assert_eq!(at, text.len());
        // Appending changes only the last chunk (or adds chunks after it).
        let mut more = text.clone();
        for j in 0..50_000 {
            more.push_str(&line(i + j));
        }
        let b2 = bounds(more.as_bytes());
        let whole = b.len() - 1;
        assert_eq!(&b2[..whole], &b[..whole]);
        assert!(b2.len() > b.len());
        // A last line without its newline is a chunk's end too.
        assert_eq!(bounds(b"a\nb"), vec![(0, 3)]);
        assert!(bounds(b"").is_empty());
    }
}
