//! The event log: `.beast/events/<author>.jsonl`, one event per line, and the
//! catch-up that keeps the SQLite index in step with it.
//!
//! Why it is built this way:
//! - Each author appends only to their own file, so branches of different
//!   people never touch the same file, and git's `union` merge of one file
//!   (the same author on two machines) is still a valid file.
//! - An append is one `write` of whole lines under an exclusive file lock,
//!   followed by `fsync`: concurrent processes never interleave, and a write is
//!   acknowledged only once it is on disk. A crash can leave at most a partial
//!   last line; the next append starts on a fresh line, and earlier lines are
//!   never rewritten.
//! - The index remembers, per file, how many bytes it has read, a CRC-32 of
//!   them and the file's size, mtime and inode. An unchanged file costs one
//!   `stat`; a file that grew with its read part intact is read from where
//!   the index stopped; anything else (merge, rebase, checkout, hand edit) and
//!   the index is rebuilt from all files, so events that left the log leave
//!   the index.
//! - Readers dedupe by id (of copies of one id, the earliest recorded is
//!   kept) and apply in id order, and applying is order-independent anyway:
//!   the result never depends on file or line order. A rebuild from the
//!   whole log parses and inserts at once (see `rebuild`).

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::domain::event::{Event, LineError};
use crate::error;
use crate::store::{LineAt, LogFileState, Store};

mod rebuild;

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
}

fn stat(meta: &std::fs::Metadata) -> Stat {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Stat {
            size: meta.len(),
            mtime_ns: meta.mtime() * 1_000_000_000 + meta.mtime_nsec(),
            inode: meta.ino(),
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
        }
    }
}

/// The log files of an events directory, by name, sorted.
fn log_files(dir: &Path) -> Result<Vec<(String, PathBuf, Stat)>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
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
        let meta = entry.metadata()?;
        if meta.is_file() {
            files.push((name, entry.path(), stat(&meta)));
        }
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(files)
}

/// A line git leaves where a merge conflicted.
fn is_conflict_marker(line: &str) -> bool {
    ["<<<<<<<", "=======", ">>>>>>>", "|||||||"]
        .iter()
        .any(|m| line.starts_with(m) && line[m.len()..].chars().next().is_none_or(|c| c == ' '))
}

/// Events read from part of a file (each with the byte offset of its line),
/// the offset just past the last complete line, and the number of that line.
type ReadPart = (Vec<(Event, u64)>, usize, u64);

/// The events in `bytes[from..]`, up to its last newline, each with the
/// offset of its line. Unreadable lines are reported through `warn`;
/// conflict markers are an error. Returns the events, the offset just past
/// the last newline and the number of the last line read. A large part is
/// parsed on every core, in chunks that split at line ends.
fn read_lines(
    shown: &str,
    bytes: &[u8],
    from: usize,
    first_line: u64,
    warn: &mut dyn FnMut(String),
) -> Result<ReadPart> {
    let (ranges, end) = chunks(bytes, from, first_line);
    let parts = on_every_core(&ranges, |r| parse_chunk(shown, bytes, r));
    let mut events = Vec::new();
    let mut last_line = first_line;
    for part in parts {
        let (evs, warnings, line) = part?;
        events.extend(evs);
        for (_, w) in warnings {
            warn(w);
        }
        last_line = line;
    }
    Ok((events, end, last_line))
}

/// Splits `bytes[from..]`, up to its last newline, into parts to read on
/// every core (one part when it is small), at line ends: (start, end, number
/// of the line before start) each, and the offset just past the last newline.
fn chunks(bytes: &[u8], from: usize, first_line: u64) -> (Vec<(usize, usize, u64)>, usize) {
    let end = from
        + bytes[from..]
            .iter()
            .rposition(|b| *b == b'\n')
            .map_or(0, |i| i + 1);
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunks = if end - from < (1 << 20) {
        1
    } else {
        workers.min(8)
    };
    // Chunk boundaries just past a newline, and the line number each starts after.
    let mut bounds = vec![(from, first_line)];
    for k in 1..chunks {
        let guess = from + (end - from) * k / chunks;
        let (prev, prev_line) = *bounds.last().expect("one at least");
        if guess <= prev {
            continue;
        }
        let Some(nl) = bytes[guess..end].iter().position(|b| *b == b'\n') else {
            break;
        };
        let at = guess + nl + 1;
        let lines = prev_line + bytes[prev..at].iter().filter(|b| **b == b'\n').count() as u64;
        bounds.push((at, lines));
    }
    let ranges = bounds
        .iter()
        .enumerate()
        .map(|(i, (start, line))| (*start, bounds.get(i + 1).map_or(end, |b| b.0), *line))
        .collect();
    (ranges, end)
}

/// `f` of each range, on a thread each when there are several, in order.
fn on_every_core<T: Send>(
    ranges: &[(usize, usize, u64)],
    f: impl Fn((usize, usize, u64)) -> T + Sync,
) -> Vec<T> {
    if ranges.len() == 1 {
        return vec![f(ranges[0])];
    }
    std::thread::scope(|s| {
        let handles: Vec<_> = ranges
            .iter()
            .map(|r| {
                let f = &f;
                s.spawn(move || f(*r))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("parsing does not panic"))
            .collect()
    })
}

/// What a line of git's conflict markers in a log file is answered with.
fn conflict_message(shown: &str, line_no: u64) -> String {
    format!(
        "{shown}:{line_no}: git merge conflict markers in the event log; keep both sides: delete the lines starting with <<<<<<<, ======= and >>>>>>> and keep every event line, then run beast again (`beast init` sets git's union merge for these files so it does not happen again)"
    )
}

/// The warning about a line that cannot be read as an event.
fn unreadable_message(shown: &str, line_no: u64, why: &str) -> String {
    format!("{shown}:{line_no}: {why}; the line is kept in the file and skipped")
}

/// A chunk's events, warnings (with their line numbers) and last line number.
type Chunk = (Vec<(Event, u64)>, Vec<(u64, String)>, u64);

fn parse_chunk(shown: &str, bytes: &[u8], range: (usize, usize, u64)) -> Result<Chunk> {
    let mut events = Vec::new();
    let mut warnings = Vec::new();
    let last = each_line(
        shown,
        bytes,
        range,
        &mut warnings,
        |l, warnings| match Event::from_line(l.text) {
            Ok(e) => events.push((e, l.start)),
            Err(LineError::Newer(why)) | Err(LineError::Invalid(why)) => {
                warnings.push((l.no, unreadable_message(shown, l.no, &why)))
            }
        },
    )?;
    Ok((events, warnings, last))
}

/// A line of a log file that has text: its number, where it starts, and
/// its text without the newline (or a carriage return before it).
struct LogLine<'a> {
    no: u64,
    start: u64,
    text: &'a str,
}

/// Calls `each` for every line of `bytes[from..end]` that has text, in
/// order, with `warnings` to add to; `first_line` is the number of the line
/// before `from`. A line that is not UTF-8 is warned about (with its
/// number) and skipped, a blank line
/// skipped, and git's conflict markers are an error. Returns the number of
/// the last line.
fn each_line<'a>(
    shown: &str,
    bytes: &'a [u8],
    (from, end, first_line): (usize, usize, u64),
    warnings: &mut Vec<(u64, String)>,
    mut each: impl FnMut(LogLine<'a>, &mut Vec<(u64, String)>),
) -> Result<u64> {
    let mut no = first_line;
    let mut offset = from as u64;
    for raw in bytes[from..end].split_inclusive(|b| *b == b'\n') {
        let start = offset;
        offset += raw.len() as u64;
        no += 1;
        let Ok(text) = std::str::from_utf8(&raw[..raw.len() - 1]) else {
            warnings.push((
                no,
                format!("{shown}:{no}: not UTF-8 text; the line is kept in the file and skipped"),
            ));
            continue;
        };
        let text = text.trim_end_matches('\r');
        if text.trim().is_empty() {
            continue;
        }
        if is_conflict_marker(text) {
            return error::store(conflict_message(shown, no));
        }
        each(LogLine { no, start, text }, warnings);
    }
    Ok(no)
}

/// Reads a file's events from `from` (after line `lines`, the bytes before
/// having CRC `prefix_crc`) and says how far the index has then read it.
fn read_part(
    shown: &str,
    name: &str,
    bytes: &[u8],
    st: Stat,
    (from, lines, prefix_crc): (usize, u64, u32),
    warn: &mut dyn FnMut(String),
) -> Result<(Vec<(Event, u64)>, LogFileState)> {
    let (events, end, lines) = read_lines(shown, bytes, from, lines, warn)?;
    let mut h = crc32fast::Hasher::new_with_initial(prefix_crc);
    h.update(&bytes[from..end]);
    let state = LogFileState {
        no: 0,
        path: name.to_string(),
        length: end as u64,
        lines,
        crc: h.finalize(),
        size: st.size,
        mtime_ns: st.mtime_ns,
        inode: st.inode,
    };
    Ok((events, state))
}

fn crc(bytes: &[u8]) -> u32 {
    crc32fast::hash(bytes)
}

fn read_all(path: &Path) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    File::open(path)
        .and_then(|mut f| f.read_to_end(&mut buf))
        .map_err(|e| {
            error::Failure::Store(format!(
                "cannot read the event log file {}: {e}; check its permissions",
                path.display()
            ))
        })?;
    Ok(buf)
}

/// What follows the first `length` bytes of a file, if those bytes still
/// have CRC `crc` (else `None`: the file changed other than by appends). The
/// prefix streams through the checksum a block at a time, so a pull into a
/// large file holds only what is new.
fn read_after(path: &Path, length: u64, crc: u32) -> Result<Option<Vec<u8>>> {
    let fail = |e: std::io::Error| {
        error::Failure::Store(format!(
            "cannot read the event log file {}: {e}; check its permissions",
            path.display()
        ))
    };
    let mut file = File::open(path).map_err(fail)?;
    let mut hasher = crc32fast::Hasher::new();
    let mut block = vec![0u8; 1 << 20];
    let mut left = length;
    while left > 0 {
        let want = block.len().min(left as usize);
        let got = file.read(&mut block[..want]).map_err(fail)?;
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
    file.read_to_end(&mut tail).map_err(fail)?;
    Ok(Some(tail))
}

/// Whether a file's unread tail is a write in progress (another process holds
/// the lock) rather than what a crash left behind.
fn being_written(path: &Path) -> bool {
    match File::open(path) {
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

/// Brings the index up to date with the log in `dir`. `shown` turns a file
/// name into what messages show (a path relative to the repository).
pub fn sync(
    store: &mut Store,
    dir: &Path,
    shown: &dyn Fn(&str) -> String,
    warn: &mut dyn FnMut(String),
) -> Result<Synced> {
    let files = log_files(dir)?;
    let known = store.read(|r| r.log_files())?;
    let unchanged = files.len() == known.len()
        && files.iter().zip(&known).all(|((name, _, st), k)| {
            *name == k.path && st.size == k.size && st.mtime_ns == k.mtime_ns && st.inode == k.inode
        });
    if unchanged {
        // A partial last line left by a crash stays until its author writes
        // again; say so every time rather than hide it.
        for ((name, path, st), k) in files.iter().zip(&known) {
            warn_partial(&shown(name), path, k.length, st.size, k.lines, warn);
        }
        return Ok(Synced::default());
    }
    store.write(|w| {
        let began = std::time::Instant::now();
        // Look again inside the write lock: another process may have caught up.
        let known = w.reader().log_files()?;
        let files = log_files(dir)?;
        let mut rebuild = known
            .iter()
            .any(|k| !files.iter().any(|(name, _, _)| *name == k.path));
        let mut plans: Vec<(String, PathBuf, Stat, Option<LogFileState>)> = Vec::new();
        for (name, path, st) in files {
            let k = known.iter().find(|k| k.path == name).cloned();
            plans.push((name, path, st, k));
        }
        // (event, index into `states`, offset of its line)
        let mut pending: Vec<(Event, usize, u64)> = Vec::new();
        let mut states: Vec<LogFileState> = Vec::new();
        if !rebuild && !known.is_empty() {
            for (name, path, st, k) in &plans {
                if let Some(k) = k {
                    if k.size == st.size && k.mtime_ns == st.mtime_ns && k.inode == st.inode {
                        continue;
                    }
                }
                // Only what follows the part already read is kept: `base` is
                // where `bytes` starts in the file.
                let (bytes, base, lines, prefix_crc) = match k {
                    None => (read_all(path)?, 0, 0, 0),
                    Some(k) => match read_after(path, k.length, k.crc)? {
                        Some(tail) => (tail, k.length, k.lines, k.crc),
                        None => {
                            rebuild = true;
                            break;
                        }
                    },
                };
                let (events, mut state) = read_part(
                    &shown(name),
                    name,
                    &bytes,
                    *st,
                    (0, lines, prefix_crc),
                    warn,
                )?;
                state.length += base;
                let i = states.len();
                pending.extend(events.into_iter().map(|(e, o)| (e, i, base + o)));
                states.push(state);
            }
        }
        if rebuild || known.is_empty() {
            if rebuild {
                w.clear()?;
            }
            let added = load_all(w, &plans, shown, warn)?;
            return Ok(Synced {
                added,
                rebuilt: rebuild,
            });
        }
        let profile = std::env::var_os("BEAST_PROFILE").is_some();
        if profile {
            eprintln!(
                "read and parsed {} events in {:?}",
                pending.len(),
                began.elapsed()
            );
        }
        let t0 = std::time::Instant::now();
        for (name, path, _, _) in &plans {
            if let Some(st) = states.iter().find(|s| s.path == *name) {
                warn_partial(&shown(name), path, st.length, st.size, st.lines, warn);
            }
        }
        let mut numbers = Vec::with_capacity(states.len());
        for s in &states {
            numbers.push(w.set_log_file(s)?);
        }
        // By id, the index's key order, then (for copies of one id) by time
        // and place. Sorted through small keys: the events are large and would be moved
        // around many times otherwise, and keys side by side compare fast.
        let mut keys: Vec<(u128, i64, u32, usize)> = pending
            .iter()
            .enumerate()
            .map(|(i, (e, _, _))| {
                let t = e.recorded_at;
                (e.id.as_u128(), t.timestamp(), t.timestamp_subsec_nanos(), i)
            })
            .collect();
        keys.sort_unstable();
        let order: Vec<usize> = keys.into_iter().map(|k| k.3).collect();
        if profile {
            eprintln!("sorted them in {:?}", t0.elapsed());
        }
        let with_lines = order.iter().map(|&k| {
            let (e, i, offset) = &pending[k];
            let at = LineAt::File {
                file: numbers[*i],
                offset: *offset,
            };
            (e, at)
        });
        let added = w.apply_batch(with_lines)?;
        if profile {
            eprintln!("applied {} events in {:?}", pending.len(), t0.elapsed());
        }
        Ok(Synced {
            added,
            rebuilt: rebuild,
        })
    })
}

/// Loads every log file into an empty index (see `rebuild`).
fn load_all(
    w: &crate::store::Writer,
    plans: &[(String, PathBuf, Stat, Option<LogFileState>)],
    shown: &dyn Fn(&str) -> String,
    warn: &mut dyn FnMut(String),
) -> Result<u64> {
    let profile = std::env::var_os("BEAST_PROFILE").is_some();
    let began = std::time::Instant::now();
    let bytes: Vec<Vec<u8>> = plans
        .iter()
        .map(|(_, path, _, _)| read_all(path))
        .collect::<Result<_>>()?;
    let mut files: Vec<rebuild::File> = plans
        .iter()
        .zip(&bytes)
        .map(|((name, _, _, _), b)| rebuild::File {
            shown: shown(name),
            bytes: b,
            no: 0,
        })
        .collect();
    let (plan, extents) = rebuild::scan(&files)?;
    for (f, ((name, _, st, _), x)) in files.iter_mut().zip(plans.iter().zip(&extents)) {
        let state = LogFileState {
            no: 0,
            path: name.clone(),
            length: x.end as u64,
            lines: x.lines,
            crc: crc(&f.bytes[..x.end]),
            size: st.size,
            mtime_ns: st.mtime_ns,
            inode: st.inode,
        };
        f.no = w.set_log_file(&state)?;
    }
    if profile {
        eprintln!("read and scanned the log in {:?}", began.elapsed());
    }
    let (added, warnings) = plan.load(w, &files)?;
    for m in warnings {
        warn(m);
    }
    for ((name, path, st, _), x) in plans.iter().zip(&extents) {
        warn_partial(&shown(name), path, x.end as u64, st.size, x.lines, warn);
    }
    if profile {
        eprintln!("loaded {added} events in {:?}", began.elapsed());
    }
    Ok(added)
}

/// An append in progress: the author's file, locked, with the lines written
/// and on disk. Dropping it releases the lock.
pub struct Appended {
    file: File,
    name: String,
    before: Stat,
    after: Stat,
    /// The bytes written, including a newline that ended a partial line.
    bytes: Vec<u8>,
    /// Where each written line starts in the file.
    offsets: Vec<u64>,
    /// The written bytes started by ending a partial line left by a crash.
    mended: bool,
}

/// Appends `lines` (each one event, no newline) to `dir/name` under an
/// exclusive lock, as one write, and waits until they are on disk.
pub fn append(dir: &Path, name: &str, lines: &[String]) -> Result<Appended> {
    let path = dir.join(name);
    let fail = |e: std::io::Error| {
        error::Failure::Store(format!(
            "cannot write the event log file {}: {e}; nothing was recorded; check the disk and the file's permissions",
            path.display()
        ))
    };
    let new_dir = !dir.is_dir();
    if new_dir {
        std::fs::create_dir_all(dir).map_err(fail)?;
    }
    let existed = path.exists();
    let mut file = OpenOptions::new()
        .read(true)
        .append(true)
        .create(true)
        .open(&path)
        .map_err(fail)?;
    file.lock().map_err(fail)?;
    let before = stat(&file.metadata().map_err(fail)?);
    let mut mended = false;
    let mut bytes = Vec::with_capacity(lines.iter().map(|l| l.len() + 1).sum::<usize>() + 1);
    if before.size > 0 {
        let mut last = [0u8; 1];
        file.seek(SeekFrom::Start(before.size - 1)).map_err(fail)?;
        file.read_exact(&mut last).map_err(fail)?;
        if last[0] != b'\n' {
            bytes.push(b'\n');
            mended = true;
        }
    }
    let mut offsets = Vec::with_capacity(lines.len());
    for l in lines {
        debug_assert!(!l.contains('\n'));
        offsets.push(before.size + bytes.len() as u64);
        bytes.extend_from_slice(l.as_bytes());
        bytes.push(b'\n');
    }
    file.write_all(&bytes).map_err(fail)?;
    file.sync_data().map_err(fail)?;
    if !existed {
        // The new file's directory entry must be durable too.
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
    }
    let after = stat(&file.metadata().map_err(fail)?);
    Ok(Appended {
        file,
        name: name.to_string(),
        before,
        after,
        bytes,
        offsets,
        mended,
    })
}

impl Appended {
    /// Applies the appended events to the index without re-reading the file,
    /// when the index had read exactly the file as it was before the append;
    /// otherwise falls back to a full catch-up. Releases the lock after.
    pub fn index(
        self,
        store: &mut Store,
        events: &[Event],
        dir: &Path,
        shown: &dyn Fn(&str) -> String,
        warn: &mut dyn FnMut(String),
    ) -> Result<()> {
        let fast = store.write(|w| {
            let known = w.reader().log_files()?;
            let Some(k) = known.into_iter().find(|k| k.path == self.name) else {
                if self.before.size != 0 {
                    return Ok(false);
                }
                // A new file: everything in it is what we wrote.
                let no = w.set_log_file(&LogFileState {
                    no: 0,
                    path: self.name.clone(),
                    length: self.after.size,
                    lines: events.len() as u64,
                    crc: crc(&self.bytes),
                    size: self.after.size,
                    mtime_ns: self.after.mtime_ns,
                    inode: self.after.inode,
                })?;
                for (e, offset) in events.iter().zip(&self.offsets) {
                    w.apply(
                        e,
                        LineAt::File {
                            file: no,
                            offset: *offset,
                        },
                    )?;
                }
                return Ok(true);
            };
            let caught_up = k.size == self.before.size
                && k.mtime_ns == self.before.mtime_ns
                && k.inode == self.before.inode
                && k.length == self.before.size
                && !self.mended;
            if !caught_up {
                return Ok(false);
            }
            for (e, offset) in events.iter().zip(&self.offsets) {
                w.apply(
                    e,
                    LineAt::File {
                        file: k.no,
                        offset: *offset,
                    },
                )?;
            }
            let mut h = crc32fast::Hasher::new_with_initial(k.crc);
            h.update(&self.bytes);
            w.set_log_file(&LogFileState {
                no: k.no,
                path: self.name.clone(),
                length: self.after.size,
                lines: k.lines + events.len() as u64,
                crc: h.finalize(),
                size: self.after.size,
                mtime_ns: self.after.mtime_ns,
                inode: self.after.inode,
            })?;
            Ok(true)
        })?;
        if !fast {
            sync(store, dir, shown, warn)?;
        }
        let _ = self.file.unlock();
        Ok(())
    }
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

    #[test]
    fn conflict_markers_are_recognised_and_json_is_not() {
        assert!(is_conflict_marker("<<<<<<< HEAD"));
        assert!(is_conflict_marker("======="));
        assert!(is_conflict_marker(">>>>>>> origin/main"));
        assert!(!is_conflict_marker("{\"v\":1}"));
        assert!(!is_conflict_marker("========x"));
    }

    #[test]
    fn lines_are_read_up_to_the_last_newline_only() {
        let mut warnings = Vec::new();
        let text = b"\nnot json\n{\"v\":1,\"id\":\"01K";
        let (events, end, lines) = read_lines("f", text, 0, 0, &mut |w| warnings.push(w)).unwrap();
        assert!(events.is_empty());
        assert_eq!(end, 10, "stops before the partial line");
        assert_eq!(lines, 2);
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].starts_with("f:2: "), "{warnings:?}");
    }
}
