//! The second pass of a rebuild: the planned lines' events, in id order,
//! handed to what takes them — the SQLite index ([`Plan::load`]) or memory
//! for one command ([`Plan::hold`]) — parsed on other threads meanwhile.
//!
//! Why its own file: the first pass (`rebuild`) decides which lines count;
//! this one only reads them back and parses them, and how it reads (a kept
//! text, or windows of the file) is its own concern. A log too large to keep
//! is read back a megabyte at a time: each file is appended in time order and
//! ids are times, so one read serves thousands of lines in id order, and a
//! file in another order is read a line at a time.

use std::os::unix::fs::FileExt;
use std::sync::mpsc;

use anyhow::Result;

use super::lines::{accept, skipped_message, Skips};
use super::rebuild::{File, Key, Plan, NOT_PARSED};
use crate::domain::event::{Event, EventId};
use crate::domain::validate::Rules;
use crate::store::{Fresh, LineAt, MemoryIndex, Unindexed, Writer};

/// How much of a file the second pass reads at once when the text is not
/// kept: lines come mostly in file order (each file is appended in time
/// order, ids are times), so one read serves thousands of them.
const READ_AHEAD: usize = 1 << 20;

/// A window of each file's bytes, read for the second pass by one thread.
#[derive(Default)]
pub(super) struct Windows {
    per_file: Vec<Window>,
    /// For a line outside every window.
    line: Vec<u8>,
}

#[derive(Default)]
struct Window {
    start: u64,
    bytes: Vec<u8>,
    /// Lines taken from it; a window that served few before the next was
    /// needed means the file is not in id order, and it is read a line at a
    /// time from then on.
    served: u32,
    by_line: bool,
}

impl Windows {
    /// The bytes `start..end` of `f` (file `file`), or None if they cannot be
    /// read.
    fn get(&mut self, f: &File, file: u32, start: u64, end: u64) -> Option<&[u8]> {
        if self.per_file.len() <= file as usize {
            self.per_file
                .resize_with(file as usize + 1, Window::default);
        }
        let w = &mut self.per_file[file as usize];
        let len = (end - start) as usize;
        let inside = |w: &Window| start >= w.start && end <= w.start + w.bytes.len() as u64;
        if !inside(w) && !w.by_line && start > w.start {
            if !w.bytes.is_empty() && w.served < 16 {
                w.by_line = true;
            } else {
                w.bytes.resize(READ_AHEAD.max(len), 0);
                let n = read_up_to(&f.handle, &mut w.bytes, start).ok()?;
                w.bytes.truncate(n);
                w.start = start;
                w.served = 0;
            }
        }
        if inside(w) {
            w.served += 1;
            let at = (start - w.start) as usize;
            return Some(&w.bytes[at..at + len]);
        }
        self.line.resize(len, 0);
        f.handle.read_exact_at(&mut self.line, start).ok()?;
        Some(&self.line)
    }
}

/// Reads into `buf` from offset `at` until it is full or the file ends.
fn read_up_to(f: &std::fs::File, buf: &mut [u8], at: u64) -> std::io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match f.read_at(&mut buf[got..], at + got as u64) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

/// A line's event, read back from its file, parsed and checked now; a line
/// the history may not take is noted in `skips`, and so is one that is no
/// longer what the first pass saw (the file changed meanwhile: the next
/// command sees the change and rebuilds).
pub(super) fn parse_key(
    files: &[File],
    k: &Key,
    rules: &Rules,
    skips: &mut Skips,
    windows: &mut Windows,
) -> Option<Event> {
    let f = &files[k.file as usize];
    if let Some(text) = &f.text {
        let line = std::str::from_utf8(&text[k.start as usize..k.end as usize])
            .expect("checked by the first pass");
        return accept(line, &f.name, rules)
            .map_err(|why| skips.add(k.file, k.line, || skipped_message(&f.shown, k.line, &why)))
            .ok();
    }
    let changed = |skips: &mut Skips| {
        skips.add(k.file, k.line, || {
            skipped_message(
                &f.shown,
                k.line,
                "the file changed while it was read; run the command again",
            )
        })
    };
    let Some(line) = windows
        .get(f, k.file, k.start, k.end)
        .and_then(|b| std::str::from_utf8(b).ok())
    else {
        changed(skips);
        return None;
    };
    match accept(line, &f.name, rules) {
        Ok(e) if e.id.as_u128() == k.id => Some(e),
        Ok(_) => {
            changed(skips);
            None
        }
        Err(why) => {
            skips.add(k.file, k.line, || skipped_message(&f.shown, k.line, &why));
            None
        }
    }
}

/// How many threads parse: one per core.
fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

impl Plan {
    /// Hands the planned lines' events to `consume` in id order, with what
    /// it must know up front ([`Fresh`]), parsed on `parsers` threads while
    /// `consume` runs on this one. Returns what `consume` returned, the ids
    /// withheld, and the warnings about unreadable lines, in file and line
    /// order.
    pub(super) fn stream<T>(
        mut self,
        files: &[File],
        rules: &Rules,
        parsers: usize,
        consume: impl FnOnce(&Fresh, &mut dyn Iterator<Item = (Event, u32, u64)>) -> Result<T>,
    ) -> Result<(T, Vec<EventId>, Vec<String>)> {
        let fresh = Fresh::new(
            self.keys
                .iter()
                .filter(|k| k.parsed != NOT_PARSED)
                .filter_map(|k| self.parsed[k.parsed as usize].as_ref())
                .filter(|e| e.body.target().is_some()),
            self.keys
                .iter()
                .filter(|k| {
                    k.parsed == NOT_PARSED
                        || self.parsed[k.parsed as usize]
                            .as_ref()
                            .is_some_and(|e| e.body.target().is_none())
                })
                .map(|k| EventId::from_u128(k.id))
                .collect(),
        );
        // Small in tests, so that their logs of a few dozen lines make
        // several batches and every parser thread takes some.
        const BATCH: usize = if cfg!(test) { 7 } else { 4096 };
        let keys = std::mem::take(&mut self.keys);
        let mut parsed = std::mem::take(&mut self.parsed);
        // Each batch with the events of its lines parsed already, so that
        // each parser owns what it hands on.
        let batches: Vec<(&[Key], Vec<Event>)> = keys
            .chunks(BATCH)
            .map(|b| {
                let pre = b
                    .iter()
                    .filter(|k| k.parsed != NOT_PARSED)
                    .map(|k| parsed[k.parsed as usize].take().expect("each taken once"))
                    .collect();
                (b, pre)
            })
            .collect();
        drop(parsed);
        let parsers = parsers.clamp(1, batches.len().max(1));
        let mut mine: Vec<Vec<(&[Key], Vec<Event>)>> = (0..parsers).map(|_| Vec::new()).collect();
        for (i, b) in batches.into_iter().enumerate() {
            mine[i % parsers].push(b);
        }
        let (out, late) = std::thread::scope(|s| {
            let mut receivers = Vec::new();
            let mut workers = Vec::new();
            for batches in mine {
                let (tx, rx) = mpsc::sync_channel::<Vec<(Event, u32, u64)>>(8);
                receivers.push(rx);
                workers.push(s.spawn(move || {
                    let mut skips = Skips::default();
                    let mut windows = Windows::default();
                    for (batch, pre) in batches {
                        let mut pre = pre.into_iter();
                        let mut out = Vec::with_capacity(batch.len());
                        for k in batch {
                            let e = match k.parsed {
                                NOT_PARSED => {
                                    match parse_key(files, k, rules, &mut skips, &mut windows) {
                                        Some(e) => e,
                                        None => continue,
                                    }
                                }
                                _ => pre.next().expect("one per parsed key"),
                            };
                            out.push((e, k.file, k.start));
                        }
                        if tx.send(out).is_err() {
                            break; // the consumer stopped
                        }
                    }
                    skips
                }));
            }
            let waited = std::cell::Cell::new(std::time::Duration::ZERO);
            let mut turn = 0;
            let mut events = std::iter::from_fn(|| {
                let t = std::time::Instant::now();
                let b = receivers[turn % receivers.len()].recv().ok();
                turn += 1;
                waited.set(waited.get() + t.elapsed());
                b
            })
            .flatten();
            let out = consume(&fresh, &mut events);
            drop(events);
            drop(receivers);
            if std::env::var_os("BEAST_PROFILE").is_some() {
                crate::say!("waited for parsing {:?}", waited.get());
            }
            let mut late = Skips::default();
            for w in workers {
                late.merge(w.join().expect("parsing does not panic"));
            }
            (out, late)
        });
        self.skips.merge(late);
        Ok((
            out?,
            self.withheld,
            self.skips.messages(|f| files[f as usize].shown.clone()),
        ))
    }

    /// Loads the planned lines into the (empty) index of `w`, parsing on
    /// other threads while this one inserts (one per core: at 1.1 M events,
    /// 5.76–5.97 s against 6.46–6.97 s with one parser, alternated by hand;
    /// peak 227 MB against 202 MB).
    /// Returns how many events went in, the indexes still to build (once
    /// the files' text is freed), and the warnings about unreadable lines,
    /// in file and line order.
    pub(super) fn load(
        self,
        w: &Writer,
        files: &[File],
        rules: &Rules,
    ) -> Result<(u64, Unindexed, Vec<String>)> {
        let ((added, unindexed), withheld, warnings) =
            self.stream(files, rules, cores(), |fresh, events| {
                let events = events.map(|(e, file, start)| {
                    let at = LineAt::File {
                        file: files[file as usize].no,
                        offset: start,
                    };
                    (e, at)
                });
                w.load_fresh(fresh, events)
            })?;
        for id in &withheld {
            w.withhold(&id.text())?;
        }
        Ok((added, unindexed, warnings))
    }

    /// Reads the planned lines into memory, parsing on every core: the
    /// history for one command without an index.
    pub(super) fn hold(self, files: &[File], rules: &Rules) -> Result<(MemoryIndex, Vec<String>)> {
        let (held, _, warnings) = self.stream(files, rules, cores(), |fresh, events| {
            let mut held = MemoryIndex::default();
            for (e, _, _) in events {
                held.absorb(fresh, e);
            }
            held.finish();
            Ok(held)
        })?;
        Ok((held, warnings))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_give_every_line_whatever_the_order_it_is_asked_in() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.jsonl");
        // 2.3 MB: more than two windows.
        let lines: Vec<String> = (0..20_000)
            .map(|i| format!("{i:>8} {}", "x".repeat(i % 200)))
            .collect();
        let mut places = Vec::new();
        let mut at = 0u64;
        for l in &lines {
            places.push((at, at + l.len() as u64));
            at += l.len() as u64 + 1;
        }
        std::fs::write(&path, lines.join("\n") + "\n").unwrap();
        let f = File {
            name: "a.jsonl".into(),
            shown: "a.jsonl".into(),
            handle: std::fs::File::open(&path).unwrap(),
            text: None,
            no: 0,
        };
        let n = lines.len();
        let orders: [(&str, Vec<usize>); 3] = [
            ("in file order", (0..n).collect()),
            ("backwards", (0..n).rev().collect()),
            ("scattered", (0..n).map(|i| i * 7919 % n).collect()),
        ];
        for (what, order) in orders {
            let mut w = Windows::default();
            for i in order {
                let (start, end) = places[i];
                let got = w.get(&f, 0, start, end).unwrap();
                assert_eq!(got, lines[i].as_bytes(), "{what}: line {i}");
            }
            // A file read out of order is read a line at a time.
            assert_eq!(w.per_file[0].by_line, what == "scattered", "{what}");
        }
    }
}
