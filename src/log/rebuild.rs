//! Rebuilding the index from the whole log, parsing on one core while the
//! other inserts.
//!
//! Why: parsing a million lines takes about as long on two cores as
//! inserting them takes on one, and the rows must go in in id order — the
//! tables' key order, and what decides which copy of a repeated id is kept —
//! which, done plainly, means parsing everything before inserting anything.
//! So a first pass, on every core, finds each line's id without parsing it:
//! a line beast wrote begins `{"v":1,"id":"<id>","kind":"<kind>"`. It parses
//! in full only lines that do not begin so (hand edits, newer versions) and
//! undos and retractions, which must be known before their targets go in.
//! Then the ids are sorted, and a second thread parses the lines in that
//! order while this one inserts them, through
//! [`Writer::load_fresh`](crate::store::Writer::load_fresh). The result is
//! the one applying each event gives (tested below).

use std::sync::mpsc;

use anyhow::Result;

use super::{chunks, each_line, on_every_core};
use crate::domain::event::{Event, EventId, LineError};
use crate::store::{Fresh, LineAt, Writer};

/// What a line begins with when beast wrote it, up to its id.
const PREFIX: &[u8] = br#"{"v":1,"id":""#;

/// The kinds of record a line may name right after its id to be read later.
const RECORD_KINDS: [&[u8]; 4] = [
    br#"","kind":"completion""#,
    br#"","kind":"reading""#,
    br#"","kind":"dogfood""#,
    br#"","kind":"bench_run""#,
];

/// The id of a record written by beast, read from the start of its line; None
/// for anything else, which is parsed in full at once.
fn quick_id(line: &[u8]) -> Option<EventId> {
    let rest = line.strip_prefix(PREFIX)?;
    let (id, rest) = (rest.get(..26)?, rest.get(26..)?);
    if !RECORD_KINDS.iter().any(|k| rest.starts_with(k)) {
        return None;
    }
    std::str::from_utf8(id).ok()?.parse().ok()
}

/// One line to load: where it is, and its event if it was parsed already.
struct Key {
    id: u128,
    file: u32,
    line: u64,
    start: u64,
    end: u64,
    /// Index into the parsed events, or `NOT_PARSED`.
    parsed: u32,
}

const NOT_PARSED: u32 = u32::MAX;

/// What the first pass found in one part of one file.
struct Scanned {
    keys: Vec<Key>,
    parsed: Vec<Event>,
    /// (line number, message)
    warnings: Vec<(u64, String)>,
    last_line: u64,
}

fn scan_chunk(shown: &str, file: u32, bytes: &[u8], range: (usize, usize, u64)) -> Result<Scanned> {
    let mut keys = Vec::new();
    let mut parsed = Vec::new();
    let mut warnings = Vec::new();
    let last_line = each_line(shown, bytes, range, &mut warnings, |l, warnings| {
        let key = |id: EventId, parsed| Key {
            id: id.as_u128(),
            file,
            line: l.no,
            start: l.start,
            end: l.start + l.text.len() as u64,
            parsed,
        };
        if let Some(id) = quick_id(l.text.as_bytes()) {
            keys.push(key(id, NOT_PARSED));
            return;
        }
        match Event::from_line(l.text) {
            Ok(e) => {
                keys.push(key(e.id, parsed.len() as u32));
                parsed.push(e);
            }
            Err(LineError::Newer(why)) | Err(LineError::Invalid(why)) => {
                warnings.push((l.no, super::unreadable_message(shown, l.no, &why)))
            }
        }
    })?;
    Ok(Scanned {
        keys,
        parsed,
        warnings,
        last_line,
    })
}

/// One log file as the rebuild reads it.
pub(super) struct File<'a> {
    pub shown: String,
    pub bytes: &'a [u8],
    /// Its `log_file.no`.
    pub no: i64,
}

/// What the first pass says of a file: the offset just past its last
/// newline, and the number of its last line.
pub(super) struct Extent {
    pub end: usize,
    pub lines: u64,
}

/// The first pass over every file: the plan of what to load, and how far
/// each file was read. Conflict markers are an error.
pub(super) fn scan(files: &[File]) -> Result<(Plan, Vec<Extent>)> {
    let mut keys = Vec::new();
    let mut parsed: Vec<Option<Event>> = Vec::new();
    let mut warnings: Vec<(u32, u64, String)> = Vec::new();
    let mut extents = Vec::new();
    for (i, f) in files.iter().enumerate() {
        let (ranges, end) = chunks(f.bytes, 0, 0);
        let mut lines = 0;
        for part in on_every_core(&ranges, |r| scan_chunk(&f.shown, i as u32, f.bytes, r)) {
            let part = part?;
            let base = parsed.len() as u32;
            keys.extend(part.keys.into_iter().map(|mut k| {
                if k.parsed != NOT_PARSED {
                    k.parsed += base;
                }
                k
            }));
            parsed.extend(part.parsed.into_iter().map(Some));
            warnings.extend(part.warnings.into_iter().map(|(l, w)| (i as u32, l, w)));
            lines = part.last_line;
        }
        extents.push(Extent { end, lines });
    }
    keys.sort_unstable_by_key(|k| (k.id, k.file, k.line));
    let mut plan = Plan {
        keys,
        parsed,
        warnings,
    };
    plan.keep_one_of_each_id(files);
    Ok((plan, extents))
}

/// The lines to load, in id order.
pub(super) struct Plan {
    keys: Vec<Key>,
    parsed: Vec<Option<Event>>,
    /// (file, line, message)
    warnings: Vec<(u32, u64, String)>,
}

/// A line's event, parsed now; a line that does not parse is warned about.
fn parse_key(files: &[File], k: &Key) -> Result<Event, (u32, u64, String)> {
    let f = &files[k.file as usize];
    let raw = &f.bytes[k.start as usize..k.end as usize];
    let line = std::str::from_utf8(raw).expect("checked by the first pass");
    Event::from_line(line).map_err(|e| {
        let why = match e {
            LineError::Newer(w) | LineError::Invalid(w) => w,
        };
        (
            k.file,
            k.line,
            super::unreadable_message(&f.shown, k.line, &why),
        )
    })
}

impl Plan {
    /// Of lines sharing an id, keeps the one recorded first (then the first
    /// in file and line order), as a plain rebuild does. Rare: each such
    /// line is parsed here.
    fn keep_one_of_each_id(&mut self, files: &[File]) {
        let keys = std::mem::take(&mut self.keys);
        let mut out = Vec::with_capacity(keys.len());
        let mut keys = keys.into_iter().peekable();
        while let Some(first) = keys.next() {
            if keys.peek().is_none_or(|k| k.id != first.id) {
                out.push(first);
                continue;
            }
            let id = first.id;
            let mut best: Option<(Key, Event)> = None;
            for k in
                std::iter::once(first).chain(std::iter::from_fn(|| keys.next_if(|k| k.id == id)))
            {
                let e = match k.parsed {
                    NOT_PARSED => match parse_key(files, &k) {
                        Ok(e) => e,
                        Err(w) => {
                            self.warnings.push(w);
                            continue;
                        }
                    },
                    p => self.parsed[p as usize].clone().expect("not taken yet"),
                };
                if best
                    .as_ref()
                    .is_none_or(|(_, b)| e.recorded_at < b.recorded_at)
                {
                    best = Some((k, e));
                }
            }
            if let Some((k, e)) = best {
                self.parsed.push(Some(e));
                out.push(Key {
                    parsed: self.parsed.len() as u32 - 1,
                    ..k
                });
            }
        }
        self.keys = out;
    }

    /// Loads the planned lines into the (empty) index of `w`, parsing on a
    /// second thread while this one inserts.
    /// Returns how many events went in, and the warnings about unreadable
    /// lines, in file and line order.
    pub(super) fn load(mut self, w: &Writer, files: &[File]) -> Result<(u64, Vec<String>)> {
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
        const BATCH: usize = 4096;
        let keys = std::mem::take(&mut self.keys);
        let mut parsed = std::mem::take(&mut self.parsed);
        let (added, late) = std::thread::scope(|s| {
            let (tx, rx) = mpsc::sync_channel::<Vec<(Event, u32, u64)>>(16);
            let producer = s.spawn(move || {
                let mut warnings = Vec::new();
                for batch in keys.chunks(BATCH) {
                    let mut out = Vec::with_capacity(batch.len());
                    for k in batch {
                        let e = match k.parsed {
                            NOT_PARSED => match parse_key(files, k) {
                                Ok(e) => e,
                                Err(w) => {
                                    warnings.push(w);
                                    continue;
                                }
                            },
                            p => parsed[p as usize].take().expect("each taken once"),
                        };
                        out.push((e, k.file, k.start));
                    }
                    if tx.send(out).is_err() {
                        break; // the loader stopped
                    }
                }
                warnings
            });
            let waited = std::cell::Cell::new(std::time::Duration::ZERO);
            let rx_iter = std::iter::from_fn(|| {
                let t = std::time::Instant::now();
                let b = rx.recv().ok();
                waited.set(waited.get() + t.elapsed());
                b
            });
            let events = rx_iter.flatten().map(|(e, file, start)| {
                let at = LineAt::File {
                    file: files[file as usize].no,
                    offset: start,
                };
                (e, at)
            });
            let added = w.load_fresh(&fresh, events);
            if std::env::var_os("BEAST_PROFILE").is_some() {
                eprintln!("waited for parsing {:?}", waited.get());
            }
            let late = producer.join().expect("parsing does not panic");
            (added, late)
        });
        self.warnings.extend(late);
        self.warnings.sort_by_key(|(f, l, _)| (*f, *l));
        Ok((
            added?,
            self.warnings.into_iter().map(|(_, _, w)| w).collect(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::event::Body;
    use crate::store::apply_tests::{history, state};
    use crate::store::Store;

    #[test]
    fn a_rebuild_gives_what_applying_each_event_gives() {
        let mut events = history();
        // A retraction whose id comes before its target's: its target is
        // inserted after it.
        let dog = events
            .iter()
            .find(|e| matches!(e.body, Body::Dogfood(_)))
            .unwrap()
            .clone();
        events.push(Event {
            id: EventId::from_parts(dog.id.millis() - 1, 99),
            recorded_at: dog.recorded_at - chrono::Duration::seconds(1),
            author: "b@example.com".into(),
            body: Body::Retraction {
                target: dog.id,
                reason: None,
            },
        });
        let lines: Vec<String> = events.iter().map(Event::to_line).collect();
        // A copy of the first reading's id recorded later, with another
        // value: the earlier one is kept.
        let mut later = events[0].clone();
        later.recorded_at += chrono::Duration::days(1);
        if let Body::Reading(r) = &mut later.body {
            r.value = 1.0;
        }
        // The same line with its fields in another order (a hand edit): it
        // is parsed in the first pass.
        let reordered =
            serde_json::to_string(&serde_json::from_str::<serde_json::Value>(&lines[1]).unwrap())
                .unwrap();
        assert!(!reordered.starts_with(r#"{"v":1,"id""#), "{reordered}");
        let bad = format!(
            r#"{{"v":1,"id":"{}","kind":"reading","value":"oops"}}"#,
            EventId::from_parts(1, 1)
        );

        let dir = tempfile::tempdir().unwrap();
        let events_dir = dir.path().join("events");
        std::fs::create_dir_all(&events_dir).unwrap();
        // Files out of id order, lines of each event split between them.
        let mut a: Vec<String> = lines.iter().skip(1).step_by(2).rev().cloned().collect();
        a.push(later.to_line());
        let mut b = vec![reordered, String::new(), bad];
        b.extend(lines.iter().skip(2).step_by(2).cloned());
        std::fs::write(events_dir.join("a.jsonl"), a.join("\n") + "\n").unwrap();
        let mut b_bytes = (b.join("\n") + "\n").into_bytes();
        b_bytes.extend_from_slice(b"\xff\xfe\n");
        std::fs::write(events_dir.join("b.jsonl"), b_bytes).unwrap();

        let mut rebuilt = Store::open(&dir.path().join("index.db")).unwrap();
        rebuilt.set_log_dir(events_dir.clone());
        let mut warnings = Vec::new();
        let synced = super::super::sync(&mut rebuilt, &events_dir, &|n| n.to_string(), &mut |w| {
            warnings.push(w)
        })
        .unwrap();

        let mut each = Store::open_in_memory().unwrap();
        each.write(|w| {
            for (e, l) in events.iter().zip(&lines) {
                w.apply(e, LineAt::Text(l))?;
            }
            Ok(())
        })
        .unwrap();
        assert_eq!(state(&mut rebuilt), state(&mut each));
        let export = |s: &mut Store| {
            s.read(|r| {
                let mut out = Vec::new();
                r.event_lines(None, |l| {
                    out.push(l.to_string());
                    Ok(())
                })?;
                Ok(out)
            })
            .unwrap()
        };
        let exported = export(&mut rebuilt);
        assert!(exported.contains(&lines[0]) && !exported.contains(&later.to_line()));
        assert_eq!(exported.len(), export(&mut each).len());
        assert_eq!(synced.added as usize, exported.len());
        // Warnings in file and line order, whichever pass found them.
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(warnings[0].starts_with("b.jsonl:3: "), "{warnings:?}");
        assert!(
            warnings[1].starts_with(&format!("b.jsonl:{}: not UTF-8", b.len() + 1)),
            "{warnings:?}"
        );
    }

    #[test]
    fn the_id_is_read_from_the_start_of_a_record_beast_wrote() {
        let id = "01KJ1314BR0000000000012000";
        let line = format!(r#"{{"v":1,"id":"{id}","kind":"reading","author":"a"}}"#);
        assert_eq!(quick_id(line.as_bytes()), Some(id.parse().unwrap()));
        for other in [
            // an undo, a newer version, fields in another order, a bad id
            format!(r#"{{"v":1,"id":"{id}","kind":"undo","target":"x"}}"#),
            format!(r#"{{"v":2,"id":"{id}","kind":"reading"}}"#),
            format!(r#"{{"id":"{id}","v":1,"kind":"reading"}}"#),
            r#"{"v":1,"id":"01KJ1314BR00000000000120!!","kind":"reading"}"#.to_string(),
            format!(r#"{{"v":1,"id":"{id}","kind":"readings"}}"#),
        ] {
            assert_eq!(quick_id(other.as_bytes()), None, "{other}");
        }
    }
}
