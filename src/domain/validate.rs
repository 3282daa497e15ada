//! The rules every event keeps, whoever made it: the one check that both the
//! command line (through `History::record`) and the project's log reader
//! (every line of every teammate's file) apply.
//!
//! Why one place: a line of a project's log is input from other people,
//! exactly as an argument on the command line is input from this one. A
//! value `beast metric` refuses must not enter the history because it came
//! through `beast sync` instead. So the checks a command makes on what it is
//! about to record are made here, and a log line that breaks one is skipped
//! with its `file:line` while everything else is applied.
//!
//! The checks depend only on the event, the file it sits in and the roadmap
//! and catalog in use — never on the reader's clock — so every clone that
//! reads the same log with the same roadmap skips the same lines, whether it
//! catches up incrementally or rebuilds (the index remembers the rules'
//! [`Rules::fingerprint`] and rebuilds when they change).

use std::collections::HashSet;

use chrono::{DateTime, Datelike, Utc};

use super::event::{Body, Event, Proof};
use super::roadmap::LAST_MONTH;
use super::{Catalog, Roadmap, TaskRef};

/// The longest author name (an e-mail address fits; the log file name must
/// stay well inside a file system's 255 bytes).
pub const MAX_AUTHOR: usize = 100;
/// The longest task title, source, workload or configuration name.
pub const MAX_NAME: usize = 300;
/// The longest note or retraction reason.
pub const MAX_NOTE: usize = 4_000;
/// Times before this year are refused (nothing of the roadmap is older).
pub const FIRST_YEAR: i32 = 2000;
/// Times from this year on are refused: the roadmap ends in 2029, and a
/// reading dated far ahead would stay "latest" for as long.
pub const END_YEAR: i32 = 2100;

/// What the roadmap and catalog in use allow: the metrics with their ranges
/// and the planned tasks. Owned, so that a history can keep it, and shared:
/// a clone is a reference count.
#[derive(Debug, Clone)]
pub struct Rules(std::sync::Arc<RulesInner>);

#[derive(Debug)]
struct RulesInner {
    metrics: Vec<(String, f64, f64)>,
    tasks: HashSet<TaskRef>,
    fingerprint: u64,
}

impl Rules {
    pub fn new(catalog: &Catalog, roadmap: &Roadmap) -> Rules {
        let metrics: Vec<(String, f64, f64)> = catalog
            .metrics
            .iter()
            .map(|m| (m.id.clone(), m.min, m.max))
            .collect();
        let mut tasks: Vec<TaskRef> = roadmap.tasks().map(|l| l.task_ref()).collect();
        tasks.sort();
        // FNV-1a over a canonical form of both: stable across runs and
        // platforms, unlike the standard hasher.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        let mut feed = |bytes: &[u8]| {
            for b in bytes.iter().chain([&0xff]) {
                h = (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
            }
        };
        for (id, min, max) in &metrics {
            feed(id.as_bytes());
            feed(&min.to_bits().to_le_bytes());
            feed(&max.to_bits().to_le_bytes());
        }
        for t in &tasks {
            feed(&t.month.to_le_bytes());
            feed(&[t.block_first_week]);
            feed(t.key.as_bytes());
        }
        Rules(std::sync::Arc::new(RulesInner {
            metrics,
            tasks: tasks.into_iter().collect(),
            fingerprint: h,
        }))
    }

    /// Changes whenever a metric, a range or a planned task changes: what
    /// the index stores to know its skipped lines are still the right ones.
    pub fn fingerprint(&self) -> u64 {
        self.0.fingerprint
    }

    fn metric(&self, id: &str) -> Option<(f64, f64)> {
        self.0
            .metrics
            .iter()
            .find(|(m, _, _)| m == id)
            .map(|(_, lo, hi)| (*lo, *hi))
    }
}

/// The log file an author's events go to: the author with anything but
/// letters, digits and `.@+-_` replaced, so that any author is a safe name.
pub fn author_file_name(author: &str) -> String {
    let mut name: String = author.trim().chars().map(file_char).collect();
    if name.is_empty() || name.starts_with('.') {
        name.insert(0, '_');
    }
    format!("{name}.jsonl")
}

fn file_char(c: char) -> char {
    if c.is_ascii_alphanumeric() || "@.+-_".contains(c) {
        c
    } else {
        '_'
    }
}

/// Whether `file` is [`author_file_name`]`(author)`, without building it:
/// every line of a log is checked, and nearly all of them pass.
fn is_author_file(author: &str, file: &str) -> bool {
    let Some(mut rest) = file.strip_suffix(".jsonl") else {
        return false;
    };
    let author = author.trim();
    if author.is_empty() || author.starts_with('.') {
        match rest.strip_prefix('_') {
            Some(r) => rest = r,
            None => return false,
        }
    }
    let mut expected = rest.chars();
    author
        .chars()
        .all(|c| expected.next() == Some(file_char(c)))
        && expected.next().is_none()
}

/// A character that must not be in recorded text: control characters (a
/// newline or tab only where `lines` allows), and the invisible ones that
/// make text read other than it is — bidirectional overrides and isolates,
/// zero-width characters, line and paragraph separators.
fn forbidden(c: char, lines: bool) -> bool {
    if lines && (c == '\n' || c == '\t') {
        return false;
    }
    c.is_control()
        || matches!(c,
            '\u{061C}' | '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}'
            | '\u{2060}'..='\u{2069}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}')
}

/// Checks one text field: not longer than `max` characters, no forbidden
/// character. `what` names the field in the message.
pub fn check_text(what: &str, text: &str, max: usize, lines: bool) -> Result<(), String> {
    if let Some(c) = text.chars().find(|c| forbidden(*c, lines)) {
        return Err(format!(
            "{what} contains the invisible or control character U+{:04X}; remove it",
            c as u32
        ));
    }
    let n = text.chars().count();
    if n > max {
        return Err(format!(
            "{what} is {n} characters long, more than the {max} allowed"
        ));
    }
    Ok(())
}

/// Checks a source name: one word, like `manual`, `ci` or `bench:cache`.
pub fn check_source(source: &str) -> Result<(), String> {
    if source.is_empty() || source.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!(
            "source \"{}\" must be one word without spaces, like manual or grafana",
            source.escape_default()
        ));
    }
    check_text("the source", source, 64, false)
}

fn check_time(what: &str, t: DateTime<Utc>) -> Result<(), String> {
    if !(FIRST_YEAR..END_YEAR).contains(&t.year()) {
        return Err(format!(
            "{what} {} is outside the years {FIRST_YEAR}–{}",
            t.format("%Y-%m-%d"),
            END_YEAR - 1
        ));
    }
    Ok(())
}

/// Checks that a time the event claims lies no later than when it was made
/// (the later of its `recorded_at` and its id's time, to the millisecond):
/// a reading records something already measured.
fn check_not_after_made(e: &Event, what: &str, t: DateTime<Utc>) -> Result<(), String> {
    check_time(what, t)?;
    let made = e.recorded_at.timestamp_millis().max(e.id.millis() as i64);
    if t.timestamp_millis() > made {
        return Err(format!(
            "{what} {} is later than the event was recorded ({}); a record is made after what it records",
            t.format("%Y-%m-%dT%H:%M:%SZ"),
            e.recorded_at.format("%Y-%m-%dT%H:%M:%SZ")
        ));
    }
    Ok(())
}

fn check_note(what: &str, note: &Option<String>) -> Result<(), String> {
    match note {
        Some(n) => check_text(what, n, MAX_NOTE, true),
        None => Ok(()),
    }
}

/// Checks an author name.
pub fn check_author(author: &str) -> Result<(), String> {
    if author.trim().is_empty() {
        return Err("the author is empty".into());
    }
    check_text("the author", author, MAX_AUTHOR, false)
}

/// The longest evidence URL or path.
pub const MAX_REF: usize = 2_000;

/// A full commit id: 40 (SHA-1) or 64 (SHA-256) lower-case hex digits.
pub fn is_commit_id(text: &str) -> bool {
    matches!(text.len(), 40 | 64) && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Checks a piece of evidence: a full commit id; an `http(s)://` address
/// without spaces; a relative path inside the repository (no `..`, no
/// leading `/`) with the full id of the commit it was found at.
pub fn check_proof(proof: &Proof) -> Result<(), String> {
    let commit = |c: &str| {
        if is_commit_id(c) {
            Ok(())
        } else {
            Err(format!(
                "\"{}\" is not a full commit id (40 or 64 lower-case hex digits)",
                c.escape_default()
            ))
        }
    };
    match proof {
        Proof::Commit(c) => commit(c),
        Proof::Url(u) => {
            check_text("the evidence URL", u, MAX_REF, false)?;
            let rest = u
                .strip_prefix("https://")
                .or_else(|| u.strip_prefix("http://"));
            if rest.is_none_or(|r| r.is_empty()) || u.chars().any(char::is_whitespace) {
                return Err(format!(
                    "evidence URL \"{}\" must start with https:// or http:// and have no spaces",
                    u.escape_default()
                ));
            }
            Ok(())
        }
        Proof::Path { path, commit: c } => {
            check_text("the evidence path", path, MAX_REF, false)?;
            if path.is_empty()
                || path.starts_with('/')
                || path.contains('\\')
                || path
                    .split('/')
                    .any(|p| p == ".." || p == "." || p.is_empty())
            {
                return Err(format!(
                    "evidence path \"{}\" must be relative to the repository, without ., .. or empty parts",
                    path.escape_default()
                ));
            }
            commit(c)
        }
    }
}

/// Everything an event must keep to enter a history, wherever it came from.
pub fn check(e: &Event, rules: &Rules) -> Result<(), String> {
    check_author(&e.author)?;
    check_time("recorded_at", e.recorded_at)?;
    match &e.body {
        Body::Completion(c) => {
            if !(1..=LAST_MONTH).contains(&c.month) || !(1..=4).contains(&c.week) {
                return Err(format!(
                    "month {} week {} is outside months 1–{LAST_MONTH}, weeks 1–4",
                    c.month, c.week
                ));
            }
            check_text("the title", &c.title, MAX_NAME, false)?;
            // What `normalize` keeps: no alphanumeric character, no title.
            if !c.title.chars().any(char::is_alphanumeric) {
                return Err("the task title is empty".into());
            }
            if let Some(t) = &c.task {
                if t.month != c.month || !rules.0.tasks.contains(t) {
                    return Err(format!(
                        "month {} has no planned task \"{}\" in the block of week {} of the roadmap in use",
                        t.month, c.title, t.block_first_week
                    ));
                }
            }
            if let Some(l) = &c.legacy_name {
                check_text("the legacy name", l, MAX_NAME, false)?;
            }
            check_note("the note", &c.note)?;
            check_not_after_made(e, "completed_at", c.completed_at)
        }
        Body::Undo { .. } => Ok(()),
        Body::Evidence(ev) => check_proof(&ev.proof),
        Body::Retraction { reason, .. } => check_note("the reason", reason),
        Body::Reading(r) => {
            let Some((min, max)) = rules.metric(&r.metric) else {
                return Err(format!(
                    "metric \"{}\" is not in the catalog in use",
                    r.metric.escape_default()
                ));
            };
            if !r.value.is_finite() || r.value < min || r.value > max {
                return Err(format!(
                    "value {} of {} is outside its valid range ({} to {})",
                    r.value, r.metric, min, max
                ));
            }
            check_source(&r.source)?;
            check_note("the note", &r.note)?;
            check_not_after_made(e, "measured_at", r.measured_at)
        }
        Body::Dogfood(d) => {
            check_note("the note", &d.note)?;
            check_not_after_made(e, "at", d.at)
        }
        Body::BenchRun(b) => {
            if !matches!(b.bench.as_str(), "cache" | "routing") {
                return Err(format!(
                    "bench \"{}\" is not a benchmark beast runs (cache or routing)",
                    b.bench.escape_default()
                ));
            }
            check_text("the workload", &b.workload, MAX_NAME, false)?;
            check_text("the recorded configuration", &b.recorded, MAX_NAME, false)?;
            if !b.duration_ms.is_finite() || b.duration_ms < 0.0 {
                return Err(format!("duration_ms {} is not a duration", b.duration_ms));
            }
            check_not_after_made(e, "started_at", b.started_at)
        }
    }
}

/// The rule of a project's log: a line in `X.jsonl` is X's own.
pub fn check_file(e: &Event, file: &str) -> Result<(), String> {
    if !is_author_file(&e.author, file) {
        let own = author_file_name(&e.author);
        return Err(format!(
            "its author \"{}\" writes to {own}, not to {file}; a log file holds only its own author's events",
            e.author.escape_default()
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn author_names_become_safe_file_names() {
        assert_eq!(
            author_file_name("alice@example.com"),
            "alice@example.com.jsonl"
        );
        assert_eq!(author_file_name("Bob Smith"), "Bob_Smith.jsonl");
        assert_eq!(author_file_name("../etc/passwd"), "_.._etc_passwd.jsonl");
        assert_eq!(author_file_name(""), "_.jsonl");
        for author in [
            "alice@example.com",
            "Bob Smith",
            "../etc/passwd",
            "",
            " .x ",
            "ünï",
            "a",
        ] {
            let own = author_file_name(author);
            assert!(is_author_file(author, &own), "{author:?}");
            for other in [
                "alice@example.com.jsonl",
                "_.jsonl",
                "a.jsonl",
                "a",
                "Bob_Smith.json",
                "_ünï.jsonl",
            ] {
                assert_eq!(
                    is_author_file(author, other),
                    other == own,
                    "{author:?} {other}"
                );
            }
        }
    }

    #[test]
    fn evidence_is_a_full_commit_a_web_address_or_a_path_inside_the_repository() {
        let sha = "0123456789abcdef0123456789abcdef01234567";
        let path = |p: &str| Proof::Path {
            path: p.into(),
            commit: sha.into(),
        };
        assert!(check_proof(&Proof::Commit(sha.into())).is_ok());
        assert!(check_proof(&Proof::Commit(sha.to_uppercase())).is_err());
        assert!(check_proof(&Proof::Commit(sha[..12].into())).is_err());
        assert!(check_proof(&Proof::Url("https://ci.example.com/run/7".into())).is_ok());
        for bad in [
            "ftp://x",
            "https://",
            "https://a b",
            "javascript:alert(1)",
            "https://a\u{202E}b",
        ] {
            assert!(check_proof(&Proof::Url(bad.into())).is_err(), "{bad}");
        }
        assert!(check_proof(&path("src/cache/mod.rs")).is_ok());
        for bad in ["/etc/passwd", "../x", "a/../b", "a//b", "./a", "", "a\\b"] {
            assert!(check_proof(&path(bad)).is_err(), "{bad:?}");
        }
        let no_commit = Proof::Path {
            path: "a".into(),
            commit: "HEAD".into(),
        };
        assert!(check_proof(&no_commit).is_err());
    }

    #[test]
    fn invisible_and_control_characters_are_refused() {
        for bad in [
            "a\u{202E}b",
            "a\u{200B}",
            "\u{9b}x",
            "x\u{FEFF}",
            "a\u{2066}b",
        ] {
            assert!(check_text("t", bad, 100, true).is_err(), "{bad:?}");
        }
        assert!(check_text("t", "a\nb\tc", 100, false).is_err());
        assert!(check_text("t", "a\nb\tc ünïcödé 🚀", 100, true).is_ok());
        assert!(check_text("t", &"x".repeat(101), 100, true).is_err());
    }
}
