//! Appending to the author's own log file, and indexing what was appended.
//!
//! An append is one `write` of whole lines under an exclusive file lock,
//! followed by `fsync`: concurrent processes never interleave, and a write is
//! acknowledged only once it is on disk. A crash can leave at most a partial
//! last line; the next append starts on a fresh line, and earlier lines are
//! never rewritten. The file is opened without following a symbolic link.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;

use anyhow::Result;

use super::{crc, stat, sync, Stat};
use crate::domain::event::Event;
use crate::domain::validate::Rules;
use crate::store::{LineAt, LogFileState, Store};
use crate::{error, files};

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
/// The file and its directory must be themselves, not symbolic links.
pub fn append(dir: &Path, name: &str, lines: &[String]) -> Result<Appended> {
    let path = dir.join(name);
    let fail = |e: std::io::Error| {
        error::Failure::Store(format!(
            "cannot write the event log file {}: {e}; check the disk and the file's permissions",
            path.display()
        ))
    };
    let dir_fail = |e: std::io::Error| {
        error::Failure::Store(format!(
            "cannot write to the event log {}: {e}",
            dir.display()
        ))
    };
    if !files::real_dir(dir).map_err(dir_fail)? {
        std::fs::create_dir_all(dir).map_err(dir_fail)?;
        files::real_dir(dir).map_err(dir_fail)?;
    }
    let existed = std::fs::symlink_metadata(&path).is_ok();
    let mut file = files::open_inside(
        &path,
        OpenOptions::new().read(true).append(true).create(true),
    )
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
        events: &[&Event],
        dir: &Path,
        rules: &Rules,
        shown: &dyn Fn(&str) -> String,
        warn: &mut dyn FnMut(String),
    ) -> Result<()> {
        let fast = store.write(|w| {
            let r = w.reader();
            if r.rules_fingerprint()? != Some(rules.fingerprint()) {
                return Ok(false);
            }
            let known = r.log_files()?;
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
                    ctime_ns: self.after.ctime_ns,
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
                && k.ctime_ns == self.before.ctime_ns
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
                ctime_ns: self.after.ctime_ns,
            })?;
            Ok(true)
        })?;
        if !fast {
            sync(store, dir, rules, shown, warn)?;
        }
        let _ = self.file.unlock();
        Ok(())
    }
}
