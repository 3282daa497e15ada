//! Reading the lines of a log file: splitting them for every core, walking
//! them, turning each into an event the history may take, and keeping what
//! is said about the lines that are skipped within bounds.
//!
//! Every line is input from other people. A line is taken only when it
//! parses, keeps every rule a command keeps (`domain::validate::check`) and
//! sits in its own author's file; anything else — a hand edit, a newer
//! format, git's conflict markers, a line longer than [`MAX_LINE`], bytes
//! that are not UTF-8 — is skipped with its `file:line`, and the rest of the
//! log is applied. What is said about skipped lines is bounded too: the
//! first [`SHOWN_PER_FILE`] of a file are named, the rest counted.

use std::collections::BTreeMap;

use crate::domain::event::Event;
use crate::domain::validate::{self, Rules};

/// The longest line read (beast's longest, a benchmark run, is under 3 KB).
pub const MAX_LINE: usize = 64 * 1024;

/// How many skipped lines of one file are named; the rest are counted.
pub const SHOWN_PER_FILE: u64 = 10;

/// A line git leaves where a merge conflicted.
pub(super) fn is_conflict_marker(line: &str) -> bool {
    ["<<<<<<<", "=======", ">>>>>>>", "|||||||"]
        .iter()
        .any(|m| line.starts_with(m) && line[m.len()..].chars().next().is_none_or(|c| c == ' '))
}

/// The event a line holds, if the history may take it: it parses, keeps
/// every rule, and `file` is its author's.
pub fn accept(line: &str, file: &str, rules: &Rules) -> Result<Event, String> {
    let e = Event::from_line(line).map_err(|e| e.to_string())?;
    validate::check(&e, rules)?;
    validate::check_file(&e, file)?;
    Ok(e)
}

/// The skipped lines of a read: the first [`SHOWN_PER_FILE`] of each file
/// with their messages, and how many there were in all.
#[derive(Debug, Default)]
pub struct Skips {
    /// (file, line, message)
    kept: Vec<(u32, u64, String)>,
    counts: BTreeMap<u32, u64>,
}

impl Skips {
    /// Notes that line `line` of file `file` is skipped; the message is made
    /// only if it may be shown.
    pub fn add(&mut self, file: u32, line: u64, message: impl FnOnce() -> String) {
        let n = self.counts.entry(file).or_default();
        *n += 1;
        if *n <= SHOWN_PER_FILE {
            self.kept.push((file, line, message()));
        }
    }

    pub fn merge(&mut self, other: Skips) {
        self.kept.extend(other.kept);
        for (f, n) in other.counts {
            *self.counts.entry(f).or_default() += n;
        }
    }

    /// How many lines were skipped in all.
    pub fn total(&self) -> u64 {
        self.counts.values().sum()
    }

    /// The messages, in file and line order: each file's first skipped
    /// lines, then a line counting the rest.
    pub fn messages(mut self, shown: impl Fn(u32) -> String) -> Vec<String> {
        self.kept.sort_by_key(|(f, l, _)| (*f, *l));
        let mut out = Vec::new();
        let mut per_file: BTreeMap<u32, u64> = BTreeMap::new();
        for (f, _, m) in self.kept {
            let n = per_file.entry(f).or_default();
            *n += 1;
            if *n <= SHOWN_PER_FILE {
                out.push(m);
            }
        }
        for (f, n) in self.counts {
            if n > SHOWN_PER_FILE {
                out.push(format!(
                    "{}: {} more lines skipped ({n} in all; the first {SHOWN_PER_FILE} are named above)",
                    shown(f),
                    n - SHOWN_PER_FILE
                ));
            }
        }
        out
    }
}

/// What is said of a line that is not taken.
pub fn skipped_message(shown: &str, line_no: u64, why: &str) -> String {
    format!("{shown}:{line_no}: {why}; the line is kept in the file and skipped")
}

/// Splits `bytes[from..]`, up to its last newline, into parts to read on
/// every core (one part when it is small), at line ends: (start, end, number
/// of the line before start) each, and the offset just past the last newline.
pub(super) fn chunks(
    bytes: &[u8],
    from: usize,
    first_line: u64,
) -> (Vec<(usize, usize, u64)>, usize) {
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
pub(super) fn on_every_core<T: Send>(
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

/// A line of a log file that has text: its number, where it starts, and
/// its text without the newline (or a carriage return before it).
pub(super) struct LogLine<'a> {
    pub no: u64,
    pub start: u64,
    pub text: &'a str,
}

/// One file as a walk over its lines sees it: its number among the files
/// read (for [`Skips`]) and its name as messages show it.
#[derive(Clone, Copy)]
pub(super) struct Walked<'a> {
    pub index: u32,
    pub shown: &'a str,
}

/// Calls `each` for every line of `bytes[from..end]` that has text, in
/// order; `first_line` is the number of the line before `from`. A line that
/// is too long, not UTF-8 or one of git's conflict markers is skipped (into
/// `skips`), and so is a blank line, silently. Returns the number of the
/// last line.
pub(super) fn each_line<'a>(
    file: Walked,
    bytes: &'a [u8],
    (from, end, first_line): (usize, usize, u64),
    skips: &mut Skips,
    mut each: impl FnMut(LogLine<'a>, &mut Skips),
) -> u64 {
    let mut no = first_line;
    let mut offset = from as u64;
    for raw in bytes[from..end].split_inclusive(|b| *b == b'\n') {
        let start = offset;
        offset += raw.len() as u64;
        no += 1;
        let raw = &raw[..raw.len() - 1];
        if raw.len() > MAX_LINE {
            skips.add(file.index, no, || {
                skipped_message(
                    file.shown,
                    no,
                    &format!(
                        "a line of {} bytes, longer than any event ({MAX_LINE} at most)",
                        raw.len()
                    ),
                )
            });
            continue;
        }
        let Ok(text) = std::str::from_utf8(raw) else {
            skips.add(file.index, no, || {
                skipped_message(file.shown, no, "not UTF-8 text")
            });
            continue;
        };
        let text = text.trim_end_matches('\r');
        if text.trim().is_empty() {
            continue;
        }
        if is_conflict_marker(text) {
            skips.add(file.index, no, || {
                format!(
                    "{}:{no}: git merge conflict marker in the event log, skipped; delete the lines starting with <<<<<<<, ======= and >>>>>>> and keep every event line (`beast init` sets git's union merge for these files so it does not happen again)",
                    file.shown
                )
            });
            continue;
        }
        each(LogLine { no, start, text }, skips);
    }
    no
}

/// The events of `bytes[from..]` up to its last newline that the history
/// may take, each with the offset of its line; the offset just past the
/// last newline; the number of the last line. A large part is read on every
/// core, in chunks that split at line ends.
pub(super) fn read_lines(
    file: Walked,
    name: &str,
    rules: &Rules,
    bytes: &[u8],
    from: usize,
    first_line: u64,
    skips: &mut Skips,
) -> (Vec<(Event, u64)>, usize, u64) {
    let (ranges, end) = chunks(bytes, from, first_line);
    let parts = on_every_core(&ranges, |r| {
        let mut events = Vec::new();
        let mut skips = Skips::default();
        let last = each_line(file, bytes, r, &mut skips, |l, skips| {
            match accept(l.text, name, rules) {
                Ok(e) => events.push((e, l.start)),
                Err(why) => skips.add(file.index, l.no, || skipped_message(file.shown, l.no, &why)),
            }
        });
        (events, skips, last)
    });
    let mut events = Vec::new();
    let mut last_line = first_line;
    for (evs, s, line) in parts {
        events.extend(evs);
        skips.merge(s);
        last_line = line;
    }
    (events, end, last_line)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> Rules {
        let (catalog, roadmap) =
            crate::roadmap_files::load(&crate::roadmap_files::embedded()).unwrap();
        Rules::new(&catalog, &roadmap)
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
        let mut skips = Skips::default();
        let text = b"\nnot json\n{\"v\":1,\"id\":\"01K";
        let file = Walked {
            index: 0,
            shown: "f",
        };
        let (events, end, lines) = read_lines(file, "f", &rules(), text, 0, 0, &mut skips);
        assert!(events.is_empty());
        assert_eq!(end, 10, "stops before the partial line");
        assert_eq!(lines, 2);
        let warnings = skips.messages(|_| "f".into());
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].starts_with("f:2: "), "{warnings:?}");
    }

    #[test]
    fn skipped_lines_are_named_up_to_a_bound_and_counted_beyond() {
        let mut text = Vec::new();
        for _ in 0..25 {
            text.extend_from_slice(b"x\n");
        }
        text.extend_from_slice(&vec![b'{'; MAX_LINE + 1]);
        text.extend_from_slice(b"\n<<<<<<< HEAD\n");
        let file = Walked {
            index: 3,
            shown: "a.jsonl",
        };
        let mut skips = Skips::default();
        read_lines(file, "a.jsonl", &rules(), &text, 0, 0, &mut skips);
        assert_eq!(skips.total(), 27);
        let m = skips.messages(|f| format!("file{f}"));
        assert_eq!(m.len(), SHOWN_PER_FILE as usize + 1, "{m:#?}");
        assert!(m[0].starts_with("a.jsonl:1: "), "{m:?}");
        assert!(m[9].starts_with("a.jsonl:10: "), "{m:?}");
        assert_eq!(
            m[10],
            "file3: 17 more lines skipped (27 in all; the first 10 are named above)"
        );
    }
}
