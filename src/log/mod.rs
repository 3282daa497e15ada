//! The event log: `<author>.jsonl` files in the clone's log directory
//! (`.git/beast/events/`, see `crate::home`), one event per line, and the
//! catch-up that keeps the SQLite index in step with it.
//!
//! Why it is built this way:
//! - Each author appends only to their own file (see `append`), so clones of
//!   different people never write the same file, and the union a sync makes
//!   of one file (the same author on two machines) is still a valid file.
//! - What arrives through `beast sync` is other people's input. A line is
//!   taken only if it keeps every rule a command keeps and sits in its
//!   author's own file; anything else is skipped with its `file:line` and the
//!   rest applied (see `lines`). No symbolic link in the log's directory is
//!   followed and only regular files are read. An id whose copies differ is
//!   withheld — none of its copies counts — and reported with every place it
//!   stands, so no line can silently replace another's record.
//! - The index remembers, per file, how many bytes it has read, a CRC-32 of
//!   them and the file's size, mtime, ctime and inode, and the fingerprint of
//!   the rules the lines were checked against. An unchanged file costs one
//!   `stat`; a file that grew with its read part intact is read from where
//!   the index stopped (a sync only appends); anything else (a hand edit,
//!   another roadmap) and the index is rebuilt from all files, so events that
//!   left the log leave the index.
//! - Applying is order-independent, and which lines are taken depends only on
//!   the lines, their files and the rules: an incremental catch-up and a
//!   rebuild give the same state. A rebuild from the whole log parses and
//!   inserts at once (see `rebuild`).

use std::fs::{File, OpenOptions};
use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::domain::event::{Event, EventId};
use crate::domain::validate::Rules;
use crate::store::{LineAt, LogFileState, MemoryIndex, Reader, Store, Writer};
use crate::{error, files};

mod append;
mod lines;
#[cfg(test)]
mod proptests;
mod rebuild;
mod stream;

pub use append::{append, Appended};
pub use lines::{accept, Skips, MAX_LINE, SHOWN_PER_FILE};
#[cfg(test)]
pub(crate) use rebuild::{KEEP_LIMIT, KEEP_TEXT};

use lines::{read_lines, Walked};

/// What a catch-up did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Synced {
    /// Events added to the index.
    pub added: u64,
    /// Whether the index was rebuilt from scratch.
    pub rebuilt: bool,
}

/// A file's identity and size, as far as telling "changed" goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stat {
    size: u64,
    mtime_ns: i64,
    inode: u64,
    /// Set by every write and by no one at will: a rewrite of the same size
    /// that puts the mtime back still changes it.
    ctime_ns: i64,
}

fn stat(meta: &std::fs::Metadata) -> Stat {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Stat {
            size: meta.len(),
            mtime_ns: meta.mtime() * 1_000_000_000 + meta.mtime_nsec(),
            inode: meta.ino(),
            ctime_ns: meta.ctime() * 1_000_000_000 + meta.ctime_nsec(),
        }
    }
    #[cfg(not(unix))]
    {
        let mtime_ns = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos() as i64);
        Stat {
            size: meta.len(),
            mtime_ns,
            inode: 0,
            ctime_ns: 0,
        }
    }
}

impl Stat {
    fn is(&self, k: &LogFileState) -> bool {
        self.size == k.size
            && self.mtime_ns == k.mtime_ns
            && self.inode == k.inode
            && self.ctime_ns == k.ctime_ns
    }
}

/// The events directory must be a directory itself, not a link to one.
fn check_dir(dir: &Path) -> Result<bool> {
    files::real_dir(dir).or_else(|e| {
        error::store(format!(
            "the event log {} cannot be used: {e}; make it a directory of the repository again (git rm it and run `beast init`)",
            dir.display()
        ))
    })
}

/// The log files of an events directory, by name, sorted: regular files
/// named `*.jsonl`. Anything else of that name (a symbolic link, a pipe) is
/// skipped and said so through `warn`, when given.
fn log_files(
    dir: &Path,
    mut warn: Option<&mut dyn FnMut(String)>,
    shown: &dyn Fn(&str) -> String,
) -> Result<Vec<(String, PathBuf, Stat)>> {
    if !check_dir(dir)? {
        return Ok(Vec::new());
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            return error::store(format!(
                "cannot read the event log {}: {e}; check its permissions",
                dir.display()
            ))
        }
    };
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.ends_with(".jsonl") {
            continue;
        }
        // Not followed: the entry itself.
        let meta = std::fs::symlink_metadata(entry.path())?;
        if meta.is_file() {
            files.push((name, entry.path(), stat(&meta)));
        } else if let Some(w) = warn.as_deref_mut() {
            let what = if meta.file_type().is_symlink() {
                "a symbolic link, which beast does not follow"
            } else {
                "not a regular file"
            };
            w(format!(
                "{} is {what}; it is skipped (git rm it, and restore its author's file if it replaced one)",
                shown(&name)
            ));
        }
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(files)
}

fn crc(bytes: &[u8]) -> u32 {
    crc32fast::hash(bytes)
}

fn read_fail(path: &Path, e: std::io::Error) -> error::Failure {
    error::Failure::Store(format!(
        "cannot read the event log file {}: {e}; check its permissions",
        path.display()
    ))
}

fn open_log_file(path: &Path) -> Result<File> {
    Ok(files::open_inside(path, OpenOptions::new().read(true)).map_err(|e| read_fail(path, e))?)
}

fn read_all(path: &Path) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    open_log_file(path)?
        .read_to_end(&mut buf)
        .map_err(|e| read_fail(path, e))?;
    Ok(buf)
}

/// What follows the first `length` bytes of a file, if those bytes still
/// have CRC `crc` (else `None`: the file changed other than by appends). The
/// prefix streams through the checksum a block at a time, so a pull into a
/// large file holds only what is new.
fn read_after(path: &Path, length: u64, crc: u32) -> Result<Option<Vec<u8>>> {
    let mut file = open_log_file(path)?;
    let mut hasher = crc32fast::Hasher::new();
    let mut block = vec![0u8; 1 << 20];
    let mut left = length;
    while left > 0 {
        let want = block.len().min(left as usize);
        let got = file
            .read(&mut block[..want])
            .map_err(|e| read_fail(path, e))?;
        if got == 0 {
            return Ok(None); // shorter than what was read before
        }
        hasher.update(&block[..got]);
        left -= got as u64;
    }
    if hasher.finalize() != crc {
        return Ok(None);
    }
    let mut tail = Vec::new();
    file.read_to_end(&mut tail)
        .map_err(|e| read_fail(path, e))?;
    Ok(Some(tail))
}

/// Whether a file's unread tail is a write in progress (another process holds
/// the lock) rather than what a crash left behind.
fn being_written(path: &Path) -> bool {
    match open_log_file(path) {
        Ok(f) => match f.try_lock_shared() {
            Ok(()) => {
                let _ = f.unlock();
                false
            }
            Err(_) => true,
        },
        Err(_) => false,
    }
}

/// Says that a file ends in a partial line (what a crash in the middle of an
/// append leaves), unless a writer is at work on it right now.
fn warn_partial(
    shown: &str,
    path: &Path,
    read: u64,
    size: u64,
    lines: u64,
    warn: &mut dyn FnMut(String),
) {
    if read < size && !being_written(path) {
        warn(format!(
            "{shown}:{}: incomplete last line (an interrupted write?) skipped; the next event its author records starts a new line",
            lines + 1
        ));
    }
}

/// A log file and what the index knew of it before this catch-up.
type Plan = (String, PathBuf, Stat, Option<LogFileState>);

/// Brings the index up to date with the log in `dir`, taking only lines
/// that keep `rules`. `shown` turns a file name into what messages show (a
/// path relative to the repository); skipped lines are told to `warn`.
pub fn sync(
    store: &mut Store,
    dir: &Path,
    rules: &Rules,
    shown: &dyn Fn(&str) -> String,
    warn: &mut dyn FnMut(String),
) -> Result<Synced> {
    let files = log_files(dir, Some(&mut *warn), shown)?;
    let (known, fingerprint) = store.read(|r| Ok((r.log_files()?, r.rules_fingerprint()?)))?;
    let unchanged = fingerprint == Some(rules.fingerprint())
        && files.len() == known.len()
        && files
            .iter()
            .zip(&known)
            .all(|((name, _, st), k)| *name == k.path && st.is(k));
    if unchanged {
        // A partial last line left by a crash stays until its author writes
        // again; say so every time rather than hide it.
        for ((name, path, st), k) in files.iter().zip(&known) {
            warn_partial(&shown(name), path, k.length, st.size, k.lines, warn);
        }
        return Ok(Synced::default());
    }
    store.write(|w| {
        // Look again inside the write lock: another process may have caught up.
        let r = w.reader();
        let known = r.log_files()?;
        let same_rules = r.rules_fingerprint()? == Some(rules.fingerprint());
        let files = log_files(dir, None, shown)?;
        let plans: Vec<Plan> = files
            .into_iter()
            .map(|(name, path, st)| {
                let k = known.iter().find(|k| k.path == name).cloned();
                (name, path, st, k)
            })
            .collect();
        let gone = known
            .iter()
            .any(|k| !plans.iter().any(|(name, _, _, _)| *name == k.path));
        let fresh = known.is_empty();
        drop(r);
        if !gone && same_rules && !fresh {
            if let Some(added) = catch_up(w, &plans, rules, shown, warn)? {
                return Ok(Synced {
                    added,
                    rebuilt: false,
                });
            }
        }
        w.clear()?;
        let added = load_all(w, &plans, rules, shown, warn)?;
        w.set_rules_fingerprint(rules.fingerprint())?;
        Ok(Synced {
            added,
            rebuilt: !fresh,
        })
    })
}

/// Reads what was appended to each changed file and applies it. `None` when
/// only a rebuild will do: a file changed other than by appends, or a line
/// brought an id the index has (or withholds) with other content.
fn catch_up(
    w: &Writer,
    plans: &[Plan],
    rules: &Rules,
    shown: &dyn Fn(&str) -> String,
    warn: &mut dyn FnMut(String),
) -> Result<Option<u64>> {
    let began = std::time::Instant::now();
    // (event, index into `states`, offset of its line)
    let mut pending: Vec<(Event, usize, u64)> = Vec::new();
    let mut states: Vec<LogFileState> = Vec::new();
    let mut skips = Skips::default();
    for (i, (name, path, st, k)) in plans.iter().enumerate() {
        if k.as_ref().is_some_and(|k| st.is(k)) {
            continue;
        }
        // Only what follows the part already read is kept: `base` is
        // where `bytes` starts in the file.
        let (bytes, base, lines, prefix_crc) = match k {
            None => (read_all(path)?, 0, 0, 0),
            Some(k) => match read_after(path, k.length, k.crc)? {
                Some(tail) => (tail, k.length, k.lines, k.crc),
                None => return Ok(None),
            },
        };
        let file = Walked {
            index: i as u32,
            shown: &shown(name),
        };
        let (events, end, lines) = read_lines(file, name, rules, &bytes, 0, lines, &mut skips);
        let mut h = crc32fast::Hasher::new_with_initial(prefix_crc);
        h.update(&bytes[..end]);
        let s = states.len();
        pending.extend(events.into_iter().map(|(e, o)| (e, s, base + o)));
        states.push(LogFileState {
            no: k.as_ref().map_or(0, |k| k.no),
            path: name.clone(),
            length: base + end as u64,
            lines,
            crc: h.finalize(),
            size: st.size,
            mtime_ns: st.mtime_ns,
            inode: st.inode,
            ctime_ns: st.ctime_ns,
        });
    }
    let r = w.reader();
    if r.has_withheld()? {
        for (e, _, _) in &pending {
            if r.is_withheld(&e.id.text())? {
                return Ok(None);
            }
        }
    }
    drop(r);
    let profile = std::env::var_os("BEAST_PROFILE").is_some();
    if profile {
        crate::say!(
            "read and parsed {} events in {:?}",
            pending.len(),
            began.elapsed()
        );
    }
    for m in skips.messages(|i| shown(&plans[i as usize].0)) {
        warn(m);
    }
    for s in &states {
        if let Some((name, path, _, _)) = plans.iter().find(|p| p.0 == s.path) {
            warn_partial(&shown(name), path, s.length, s.size, s.lines, warn);
        }
    }
    let mut numbers = Vec::with_capacity(states.len());
    for s in &states {
        numbers.push(w.set_log_file(s)?);
    }
    // By id, the index's key order, then (for copies of one id) by time
    // and place. Sorted through small keys: the events are large and would
    // be moved around many times otherwise, and keys side by side compare
    // fast.
    let mut keys: Vec<(u128, i64, u32, usize)> = pending
        .iter()
        .enumerate()
        .map(|(i, (e, _, _))| {
            let t = e.recorded_at;
            (e.id.as_u128(), t.timestamp(), t.timestamp_subsec_nanos(), i)
        })
        .collect();
    keys.sort_unstable();
    // Copies of one id within what was read must be the same event.
    if keys
        .windows(2)
        .any(|k| k[0].0 == k[1].0 && pending[k[0].3].0 != pending[k[1].3].0)
    {
        return Ok(None);
    }
    let with_lines = keys.iter().map(|k| {
        let (e, i, offset) = &pending[k.3];
        let at = LineAt::File {
            file: numbers[*i],
            offset: *offset,
        };
        (e, at)
    });
    let batch = w.apply_batch(with_lines)?;
    // A copy of an id the index had: the same event, or a conflict that
    // only a rebuild (which withholds every copy) settles. (Copies within
    // `pending` are the same event, checked above.)
    if !batch.duplicates.is_empty() {
        let by_id: std::collections::HashMap<EventId, &Event> =
            pending.iter().map(|(e, _, _)| (e.id, e)).collect();
        let r = w.reader();
        for id in &batch.duplicates {
            if differs(&r, by_id[id])? {
                return Ok(None);
            }
        }
    }
    if profile {
        crate::say!("applied {} events in {:?}", pending.len(), began.elapsed());
    }
    Ok(Some(batch.added))
}

/// Whether the history holds `e`'s id with other content.
fn differs(r: &Reader, e: &Event) -> Result<bool> {
    Ok(r.find_events(&e.id.text())?
        .first()
        .is_some_and(|s| s.event != *e))
}

/// Opens every log file for a rebuild's two passes: its text read whole
/// when the whole log is small enough to keep (see `rebuild::KEEP_TEXT`).
fn open_all(
    listed: &[(&str, &Path, u64)],
    shown: &dyn Fn(&str) -> String,
) -> Result<Vec<rebuild::File>> {
    let total: u64 = listed.iter().map(|(_, _, size)| size).sum();
    listed
        .iter()
        .map(|(name, path, _)| {
            let mut handle = open_log_file(path)?;
            let text = if rebuild::keeps_text(total) {
                let mut text = Vec::new();
                handle
                    .read_to_end(&mut text)
                    .map_err(|e| read_fail(path, e))?;
                Some(text)
            } else {
                None
            };
            Ok(rebuild::File {
                name: name.to_string(),
                shown: shown(name),
                handle,
                text,
                no: 0,
            })
        })
        .collect()
}

/// The log in `dir` read once into memory, for a command that runs where no
/// index exists yet (see [`MemoryIndex`]): the lines a rebuild would take,
/// and the same warnings through `warn`. Writes nothing.
pub fn hold(
    dir: &Path,
    rules: &Rules,
    shown: &dyn Fn(&str) -> String,
    warn: &mut dyn FnMut(String),
) -> Result<MemoryIndex> {
    let profile = std::env::var_os("BEAST_PROFILE").is_some();
    let began = std::time::Instant::now();
    let found = log_files(dir, Some(&mut *warn), shown)?;
    let listed: Vec<(&str, &Path, u64)> = found
        .iter()
        .map(|(name, path, st)| (name.as_str(), path.as_path(), st.size))
        .collect();
    let files = open_all(&listed, shown)?;
    let (plan, extents) =
        rebuild::scan(&files, rules).map_err(|(i, e)| read_fail(listed[i].1, e))?;
    if profile {
        crate::say!("read and scanned the log in {:?}", began.elapsed());
    }
    let (held, warnings) = plan.hold(&files, rules)?;
    for m in warnings {
        warn(m);
    }
    for ((name, path, st), x) in found.iter().zip(&extents) {
        warn_partial(&shown(name), path, x.end as u64, st.size, x.lines, warn);
    }
    if profile {
        crate::say!("held {} events in {:?}", held.events(), began.elapsed());
    }
    Ok(held)
}

/// Loads every log file into an empty index (see `rebuild`).
fn load_all(
    w: &Writer,
    plans: &[Plan],
    rules: &Rules,
    shown: &dyn Fn(&str) -> String,
    warn: &mut dyn FnMut(String),
) -> Result<u64> {
    let profile = std::env::var_os("BEAST_PROFILE").is_some();
    let began = std::time::Instant::now();
    let listed: Vec<(&str, &Path, u64)> = plans
        .iter()
        .map(|(name, path, st, _)| (name.as_str(), path.as_path(), st.size))
        .collect();
    let mut files = open_all(&listed, shown)?;
    let (plan, extents) =
        rebuild::scan(&files, rules).map_err(|(i, e)| read_fail(&plans[i].1, e))?;
    for (f, ((name, _, st, _), x)) in files.iter_mut().zip(plans.iter().zip(&extents)) {
        let state = LogFileState {
            no: 0,
            path: name.clone(),
            length: x.end as u64,
            lines: x.lines,
            crc: x.crc,
            size: st.size,
            mtime_ns: st.mtime_ns,
            inode: st.inode,
            ctime_ns: st.ctime_ns,
        };
        f.no = w.set_log_file(&state)?;
    }
    if profile {
        crate::say!("read and scanned the log in {:?}", began.elapsed());
    }
    let (added, unindexed, warnings) = plan.load(w, &files, rules)?;
    for m in warnings {
        warn(m);
    }
    for ((name, path, st, _), x) in plans.iter().zip(&extents) {
        warn_partial(&shown(name), path, x.end as u64, st.size, x.lines, warn);
    }
    drop(files);
    w.build_indexes(unindexed)?;
    if profile {
        crate::say!("loaded {added} events in {:?}", began.elapsed());
    }
    Ok(added)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_follows_an_unchanged_prefix_is_read_and_a_changed_prefix_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.jsonl");
        // Longer than one block of the streamed checksum.
        let old: Vec<u8> = (0..3_000_000u32).map(|i| b'a' + (i % 26) as u8).collect();
        let new = b"{\"appended\":1}\n";
        std::fs::write(&path, [&old[..], new].concat()).unwrap();
        let len = old.len() as u64;
        let tail = read_after(&path, len, crc(&old)).unwrap();
        assert_eq!(tail.as_deref(), Some(&new[..]));
        assert_eq!(
            read_after(&path, 0, crc(b"")).unwrap().unwrap().len(),
            old.len() + new.len()
        );
        // One byte of the prefix changed (a rewrite, not an append).
        let mut edited = old.clone();
        edited[1_500_000] = b'#';
        std::fs::write(&path, [&edited[..], new].concat()).unwrap();
        assert_eq!(read_after(&path, len, crc(&old)).unwrap(), None);
        // Shorter than what was read before.
        std::fs::write(&path, &old[..1000]).unwrap();
        assert_eq!(read_after(&path, len, crc(&old)).unwrap(), None);
    }
}
