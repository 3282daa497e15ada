//! Rebuilding the index from the whole log, parsing on other threads while
//! this one inserts.
//!
//! Why: parsing a million lines takes about as long on two cores as
//! inserting them takes on one, and the rows must go in in id order — the
//! tables' key order, and where copies of one id meet to be compared —
//! which, done plainly, means parsing everything before inserting anything.
//! So a first pass, on every core, finds each line's id without parsing it:
//! a line beast wrote begins `{"v":1,"id":"<id>","kind":"<kind>"`. It parses
//! in full only lines that do not begin so (hand edits, newer versions) and
//! undos and retractions, which must be known before their targets go in.
//! Every line is checked (`lines::accept`) when it is parsed, in either pass.
//! Then the ids are sorted, and the second pass (`stream`) parses the lines
//! in that order on a thread per core while this one inserts them, through
//! [`Writer::load_fresh`](crate::store::Writer::load_fresh) — or, for a
//! command that reads without an index, on every core into memory. The
//! result is the one applying each event gives (tested below).
//!
//! Memory: a log of up to [`KEEP_TEXT`] bytes is read whole and kept for the
//! second pass. A larger one is read a block at a time and only each line's
//! place is kept; the second pass reads the lines back from the file (the
//! page cache, not this process's memory), so a million events' rebuild
//! holds the keys, not the text (measured at 1.1 M events: 197 MB peak
//! instead of 421 MB).

use std::io::Read;

use anyhow::Result;

use super::lines::{accept, chunks, each_line, on_every_core, skipped_message, Skips, Walked};
use super::stream::{parse_key, Windows};
use crate::domain::event::{Body, Event, EventId};
use crate::domain::validate::Rules;

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
#[derive(Clone, Copy)]
pub(super) struct Key {
    pub(super) id: u128,
    pub(super) file: u32,
    pub(super) line: u64,
    pub(super) start: u64,
    pub(super) end: u64,
    /// Index into the parsed events, or `NOT_PARSED`.
    pub(super) parsed: u32,
}

pub(super) const NOT_PARSED: u32 = u32::MAX;

/// What the first pass found in one part of one file.
struct Scanned {
    keys: Vec<Key>,
    parsed: Vec<Event>,
    skips: Skips,
    last_line: u64,
}

/// Scans `bytes[range]`, a part of file `file` that starts at offset `base`.
fn scan_chunk(
    f: &File,
    file: u32,
    rules: &Rules,
    bytes: &[u8],
    base: u64,
    range: (usize, usize, u64),
) -> Scanned {
    let mut keys = Vec::new();
    let mut parsed = Vec::new();
    let mut skips = Skips::default();
    let walked = Walked {
        index: file,
        shown: &f.shown,
    };
    let last_line = each_line(walked, bytes, range, &mut skips, |l, skips| {
        let key = |id: EventId, parsed| Key {
            id: id.as_u128(),
            file,
            line: l.no,
            start: base + l.start,
            end: base + l.start + l.text.len() as u64,
            parsed,
        };
        if let Some(id) = quick_id(l.text.as_bytes()) {
            keys.push(key(id, NOT_PARSED));
            return;
        }
        match accept(l.text, &f.name, rules) {
            Ok(e) => {
                keys.push(key(e.id, parsed.len() as u32));
                parsed.push(e);
            }
            Err(why) => skips.add(file, l.no, || skipped_message(&f.shown, l.no, &why)),
        }
    });
    Scanned {
        keys,
        parsed,
        skips,
        last_line,
    }
}

/// One log file as the rebuild reads it.
pub(super) struct File {
    /// Its name in the events directory: whose file it is.
    pub name: String,
    pub shown: String,
    /// The file, open: read in blocks by the first pass, by line offset by
    /// the second — unless its text is kept.
    pub handle: std::fs::File,
    pub text: Option<Vec<u8>>,
    /// Its `log_file.no`.
    pub no: i64,
}

/// What the first pass says of a file: the offset just past its last
/// newline, the number of its last line, and the CRC-32 of its bytes up to
/// that offset.
pub(super) struct Extent {
    pub end: usize,
    pub lines: u64,
    pub crc: u32,
}

/// How much of a file the first pass reads at a time.
const BLOCK: usize = 8 << 20;

/// The most log text a rebuild keeps in memory for its second pass (about
/// 290,000 events).
pub(crate) const KEEP_TEXT: u64 = 64 << 20;

#[cfg(test)]
thread_local! {
    /// [`KEEP_TEXT`] for the tests on this thread, so that they run both
    /// ways of reading.
    pub(crate) static KEEP_LIMIT: std::cell::Cell<u64> = const { std::cell::Cell::new(KEEP_TEXT) };
}

/// Whether a log of `total` bytes is kept in memory for the second pass.
pub(super) fn keeps_text(total: u64) -> bool {
    #[cfg(test)]
    let limit = KEEP_LIMIT.with(std::cell::Cell::get);
    #[cfg(not(test))]
    let limit = KEEP_TEXT;
    total <= limit
}

/// What the first pass has found so far, over every file.
#[derive(Default)]
struct Found {
    keys: Vec<Key>,
    parsed: Vec<Option<Event>>,
    skips: Skips,
}

impl Found {
    /// Scans the whole lines of `bytes`, a part of file `file` that starts
    /// at offset `base` after line `first_line`, on every core. Returns where
    /// the last whole line ends in `bytes`, and its number.
    fn scan_block(
        &mut self,
        f: &File,
        file: u32,
        rules: &Rules,
        bytes: &[u8],
        base: u64,
        first_line: u64,
    ) -> (usize, u64) {
        let (ranges, end) = chunks(bytes, 0, first_line);
        let mut lines = first_line;
        for part in on_every_core(&ranges, |r| scan_chunk(f, file, rules, bytes, base, r)) {
            let first = self.parsed.len() as u32;
            self.keys.extend(part.keys.into_iter().map(|mut k| {
                if k.parsed != NOT_PARSED {
                    k.parsed += first;
                }
                k
            }));
            self.parsed.extend(part.parsed.into_iter().map(Some));
            self.skips.merge(part.skips);
            lines = part.last_line;
        }
        (end, lines)
    }
}

/// The first pass over every file: the plan of what to load, and how far
/// each file was read; or the file that could not be read, and why.
pub(super) fn scan(
    files: &[File],
    rules: &Rules,
) -> Result<(Plan, Vec<Extent>), (usize, std::io::Error)> {
    let mut found = Found::default();
    let mut extents = Vec::new();
    for (i, f) in files.iter().enumerate() {
        let mut crc = crc32fast::Hasher::new();
        let (mut base, mut lines) = (0u64, 0);
        if let Some(text) = &f.text {
            let end;
            (end, lines) = found.scan_block(f, i as u32, rules, text, 0, 0);
            crc.update(&text[..end]);
            base = end as u64;
        }
        // `buf` holds the file from offset `base`: an unfinished line, then
        // the next block.
        let mut buf: Vec<u8> = Vec::new();
        while f.text.is_none() {
            let old = buf.len();
            buf.resize(old + BLOCK, 0);
            let mut got = 0;
            while old + got < buf.len() {
                match (&f.handle).read(&mut buf[old + got..]) {
                    Ok(0) => break,
                    Ok(n) => got += n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(e) => return Err((i, e)),
                }
            }
            buf.truncate(old + got);
            let end;
            (end, lines) = found.scan_block(f, i as u32, rules, &buf, base, lines);
            crc.update(&buf[..end]);
            buf.drain(..end);
            base += end as u64;
            if got == 0 {
                break;
            }
        }
        extents.push(Extent {
            end: base as usize,
            lines,
            crc: crc.finalize(),
        });
    }
    let Found {
        mut keys,
        parsed,
        skips,
    } = found;
    keys.sort_unstable_by_key(|k| (k.id, k.file, k.line));
    let mut plan = Plan {
        keys,
        parsed,
        skips,
        withheld: Vec::new(),
    };
    plan.keep_one_of_each_id(files, rules);
    Ok((plan, extents))
}

/// The lines to load, in id order.
pub(super) struct Plan {
    pub(super) keys: Vec<Key>,
    pub(super) parsed: Vec<Option<Event>>,
    pub(super) skips: Skips,
    /// Ids whose copies differ.
    pub(super) withheld: Vec<EventId>,
}

impl Plan {
    /// Of lines sharing an id, keeps one if all that the history may take
    /// are the same event (the first in file and line order); if they
    /// differ, keeps none and withholds the id, naming every copy: no copy
    /// silently replaces another, whatever its time says. Rare: each such
    /// line is parsed here.
    fn keep_one_of_each_id(&mut self, files: &[File], rules: &Rules) {
        let keys = std::mem::take(&mut self.keys);
        let mut out = Vec::with_capacity(keys.len());
        let mut keys = keys.into_iter().peekable();
        while let Some(first) = keys.next() {
            if keys.peek().is_none_or(|k| k.id != first.id) {
                out.push(first);
                continue;
            }
            let id = first.id;
            let mut copies: Vec<(Key, Event)> = Vec::new();
            for k in
                std::iter::once(first).chain(std::iter::from_fn(|| keys.next_if(|k| k.id == id)))
            {
                let e = match k.parsed {
                    NOT_PARSED => {
                        match parse_key(files, &k, rules, &mut self.skips, &mut Windows::default())
                        {
                            Some(e) => e,
                            None => continue,
                        }
                    }
                    p => self.parsed[p as usize].clone().expect("not taken yet"),
                };
                copies.push((k, e));
            }
            let Some((k, e)) = copies.first() else {
                continue;
            };
            if copies.iter().all(|(_, c)| c == e) {
                self.parsed.push(Some(e.clone()));
                out.push(Key {
                    parsed: self.parsed.len() as u32 - 1,
                    ..*k
                });
                continue;
            }
            // Withholding must never make a retracted record count again:
            // when a copy is an undo or a retraction, the first such copy
            // stands (and the conflict is still said).
            if let Some(at) = copies
                .iter()
                .position(|(_, c)| matches!(c.body, Body::Undo { .. } | Body::Retraction { .. }))
            {
                let (ck, ce) = &copies[at];
                let places: Vec<String> = copies
                    .iter()
                    .map(|(k, _)| format!("{}:{}", files[k.file as usize].shown, k.line))
                    .collect();
                let id = EventId::from_u128(id);
                self.skips.add(ck.file, ck.line, || {
                    format!(
                        "{}: event {id} stands with different content at {}; the correction ({}) counts, and the other copies do not",
                        places[0],
                        places.join(", "),
                        places[at]
                    )
                });
                self.parsed.push(Some(ce.clone()));
                out.push(Key {
                    parsed: self.parsed.len() as u32 - 1,
                    ..*ck
                });
                continue;
            }
            let places: Vec<String> = copies
                .iter()
                .map(|(k, _)| format!("{}:{}", files[k.file as usize].shown, k.line))
                .collect();
            let id = EventId::from_u128(id);
            self.skips.add(k.file, k.line, || {
                format!(
                    "{}: event {id} stands with different content at {}; none of its copies counts until all but one are removed from the log",
                    places[0],
                    places.join(", ")
                )
            });
            self.withheld.push(id);
        }
        self.keys = out;
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::domain::event::Body;
    use crate::store::apply_tests::{export, history, state};
    use crate::store::{LineAt, Store};

    pub(crate) fn rules() -> Rules {
        let (catalog, roadmap) =
            crate::roadmap_files::load(&crate::roadmap_files::embedded()).unwrap();
        Rules::new(&catalog, &roadmap)
    }

    #[test]
    fn a_rebuild_gives_what_applying_each_event_gives() {
        // With the log's text kept, and read back line by line.
        for limit in [KEEP_TEXT, 0] {
            KEEP_LIMIT.with(|k| k.set(limit));
            rebuild_gives_what_applying_each_event_gives();
        }
    }

    fn rebuild_gives_what_applying_each_event_gives() {
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
        // Two authors, each event in its author's file.
        for e in events.iter_mut() {
            e.author = if e.id.as_u128() % 2 == 1 {
                "a@example.com"
            } else {
                "b@example.com"
            }
            .into();
        }
        let lines: Vec<String> = events.iter().map(Event::to_line).collect();
        // A copy of the first reading's id recorded earlier, with another
        // value: a conflict, so neither copy counts, whatever its time.
        assert_eq!(events[0].author, "a@example.com");
        let mut forged = events[0].clone();
        forged.recorded_at -= chrono::Duration::days(1);
        if let Body::Reading(r) = &mut forged.body {
            r.value = 1.0;
            r.measured_at -= chrono::Duration::days(1);
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
        // Files out of id order.
        let mine = |who: &'static str| {
            events
                .iter()
                .zip(&lines)
                .filter(move |(e, _)| e.author == who)
                .map(|(_, l)| l.clone())
                .collect::<Vec<_>>()
                .into_iter()
        };
        let mut a: Vec<String> = mine("a@example.com").rev().collect();
        a.push(forged.to_line());
        let mut b = vec![reordered, String::new(), bad];
        b.extend(mine("b@example.com").filter(|l| *l != lines[1]));
        std::fs::write(events_dir.join("a@example.com.jsonl"), a.join("\n") + "\n").unwrap();
        let mut b_bytes = (b.join("\n") + "\n").into_bytes();
        b_bytes.extend_from_slice(b"\xff\xfe\n");
        std::fs::write(events_dir.join("b@example.com.jsonl"), b_bytes).unwrap();

        let mut rebuilt = Store::open(&dir.path().join("index.db")).unwrap();
        rebuilt.set_log_dir(events_dir.clone());
        let mut warnings = Vec::new();
        let synced = super::super::sync(
            &mut rebuilt,
            &events_dir,
            &rules(),
            &|n: &str| n.to_string(),
            &mut |w: String| warnings.push(w),
        )
        .unwrap();

        let mut each = Store::open_in_memory().unwrap();
        each.write(|w| {
            for (e, l) in events.iter().zip(&lines) {
                if e.id != events[0].id {
                    w.apply(e, LineAt::Text(l))?;
                }
            }
            Ok(())
        })
        .unwrap();
        assert_eq!(state(&mut rebuilt), state(&mut each));
        let exported = export(&mut rebuilt);
        assert!(!exported.contains(&lines[0]) && !exported.contains(&forged.to_line()));
        assert_eq!(exported.len(), export(&mut each).len());
        assert_eq!(synced.added as usize, exported.len());
        // Warnings in file and line order, whichever pass found them; the
        // conflict names both copies.
        assert_eq!(warnings.len(), 3, "{warnings:?}");
        assert!(
            warnings[0].contains(&format!(
                ": event {} stands with different content",
                events[0].id
            )),
            "{warnings:?}"
        );
        assert!(
            warnings[0].contains(&format!(", a@example.com.jsonl:{};", a.len())),
            "the forged copy is named: {warnings:?}"
        );
        assert!(
            warnings[1].starts_with("b@example.com.jsonl:3: "),
            "{warnings:?}"
        );
        assert!(
            warnings[2].starts_with(&format!("b@example.com.jsonl:{}: not UTF-8", b.len() + 1)),
            "{warnings:?}"
        );
        assert!(rebuilt
            .read(|r| r.is_withheld(&events[0].id.text()))
            .unwrap());
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
