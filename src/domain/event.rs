//! Events: everything beast records is one of these, and nothing else.
//!
//! A completion, an undo, a metric reading, a dog-food event, a benchmark run
//! or a retraction of an earlier event. Each has a globally unique,
//! time-ordered id (a ULID), an author and the time it was recorded, so that
//! histories written on different machines can be merged by taking the union
//! of their events: no counters, no row numbers, nothing that two machines
//! could both assign. The SQLite store and the project's log are two homes of
//! the same events; one function applies an event to the store whichever it
//! came from.
//!
//! This file also defines the log's line format (one JSON object per line,
//! format version [`LOG_FORMAT_VERSION`]), documented in docs/reference.md as a stable
//! interface. Parsing never panics and names what is wrong with a line.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ulid::Ulid;

use super::{DogfoodKind, TaskRef};

/// Version of the log's line format. A line with a higher `v` was written by a
/// newer beast: it is kept in the file and skipped, never rewritten.
pub const LOG_FORMAT_VERSION: u32 = 1;

/// How many characters of an id are shown and accepted as its short form.
pub const SHORT_ID_LEN: usize = 8;

/// A ULID: 48 bits of milliseconds since the epoch, then 80 random bits.
/// Ordered by time, unique without coordination.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EventId(Ulid);

impl EventId {
    /// An id from its parts; the caller supplies the time and the randomness
    /// (fresh entropy for new records, a content hash for imported ones).
    pub fn from_parts(millis: u64, random: u128) -> EventId {
        EventId(Ulid::from_parts(millis, random))
    }

    /// The short form shown in histories: the last [`SHORT_ID_LEN`]
    /// characters, lower case. They come from the random part, so two events
    /// of the same millisecond still differ there.
    pub fn short(&self) -> String {
        let s = self.0.to_string();
        s[s.len() - SHORT_ID_LEN..].to_ascii_lowercase()
    }

    /// An id derived from content: the same content and time always give the
    /// same id, so importing the same record twice adds it once. The 80
    /// "random" bits are an FNV-1a hash of `content`.
    pub fn derived(millis: u64, content: &[u8]) -> EventId {
        EventId::from_parts(millis, fnv1a_128(content))
    }

    /// The id's text (as `to_string`, without the formatting machinery:
    /// the index is rebuilt at a million ids a go).
    pub fn text(&self) -> String {
        self.text_bytes().iter().map(|&c| c as char).collect()
    }

    /// The id's text as ASCII bytes, without allocating.
    fn text_bytes(&self) -> [u8; 26] {
        const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
        let v = self.0 .0;
        let mut text = [0u8; 26];
        for (i, c) in text.iter_mut().rev().enumerate() {
            *c = CROCKFORD[((v >> (5 * i)) & 31) as usize];
        }
        text
    }

    /// The id whose number is `v` (see [`EventId::as_u128`]).
    pub fn from_u128(v: u128) -> EventId {
        EventId(Ulid(v))
    }

    /// The id as one number, ordered as ids are.
    pub fn as_u128(&self) -> u128 {
        self.0 .0
    }

    pub fn millis(&self) -> u64 {
        self.0.timestamp_ms()
    }
}

impl fmt::Display for EventId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl FromStr for EventId {
    type Err = String;
    fn from_str(s: &str) -> Result<EventId, String> {
        Ulid::from_string(s.trim()).map(EventId).map_err(|_| {
            format!("\"{s}\" is not an event id (26 characters, like 01JD0Q5V4ZK8Q1X9R3T7M2N6PB)")
        })
    }
}

/// FNV-1a, 128-bit: small, stable across platforms and Rust versions (unlike
/// the standard library's hasher), and enough to tell records apart.
fn fnv1a_128(bytes: &[u8]) -> u128 {
    const OFFSET: u128 = 0x6c62272e07bb014262b821756295c58d;
    const PRIME: u128 = 0x0000000001000000000000000000013B;
    bytes
        .iter()
        .fold(OFFSET, |h, b| (h ^ u128::from(*b)).wrapping_mul(PRIME))
}

/// One recorded fact.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub id: EventId,
    pub author: String,
    pub recorded_at: DateTime<Utc>,
    pub body: Body,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    Completion(Completion),
    /// A completion was undone: the task is open again. The completion stays
    /// in the history as undone.
    Undo {
        target: EventId,
    },
    Reading(Reading),
    Dogfood(Dogfood),
    BenchRun(BenchRun),
    /// Something that shows a completion's work exists: a commit, a URL or a
    /// file of the repository. A record like any other (retract it to take
    /// it back).
    Evidence(Evidence),
    /// An earlier event was a mistake: it stays in the history, marked, and
    /// leaves every total, verdict and trend.
    Retraction {
        target: EventId,
        reason: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Completion {
    pub month: u32,
    pub week: u8,
    /// The planned task, or `None` for ad-hoc work.
    pub task: Option<TaskRef>,
    pub title: String,
    pub note: Option<String>,
    pub completed_at: DateTime<Utc>,
    /// The name the task had in the tracker it was imported from.
    pub legacy_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    pub metric: String,
    pub value: f64,
    pub measured_at: DateTime<Utc>,
    pub source: String,
    pub note: Option<String>,
    /// The benchmark run that measured it.
    pub run: Option<EventId>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Dogfood {
    pub kind: DogfoodKind,
    pub generated: bool,
    pub at: DateTime<Utc>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    /// The completion it supports (its event id).
    pub completion: EventId,
    pub proof: Proof,
}

/// What a piece of evidence points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Proof {
    /// A commit of the repository, by its full id (40 or 64 hex digits).
    Commit(String),
    /// A web address, stored as given (beast does not fetch it).
    Url(String),
    /// A file or directory of the repository as it was at `commit`.
    Path { path: String, commit: String },
}

impl Proof {
    /// `commit`, `url` or `path`: the line format's and the report's name.
    pub fn kind(&self) -> &'static str {
        match self {
            Proof::Commit(_) => "commit",
            Proof::Url(_) => "url",
            Proof::Path { .. } => "path",
        }
    }

    /// What it points at: the commit id, the URL or the path.
    pub fn reference(&self) -> &str {
        match self {
            Proof::Commit(r) | Proof::Url(r) | Proof::Path { path: r, .. } => r,
        }
    }

    /// The commit a path was found at.
    pub fn commit(&self) -> Option<&str> {
        match self {
            Proof::Path { commit, .. } => Some(commit),
            _ => None,
        }
    }

    /// From the stored kind, reference and commit; None for anything else.
    pub fn from_parts(kind: &str, reference: String, commit: Option<String>) -> Option<Proof> {
        match (kind, commit) {
            ("commit", None) => Some(Proof::Commit(reference)),
            ("url", None) => Some(Proof::Url(reference)),
            ("path", Some(commit)) => Some(Proof::Path {
                path: reference,
                commit,
            }),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct BenchRun {
    /// `cache` or `routing`.
    pub bench: String,
    pub seed: Option<u64>,
    pub workload: String,
    /// The configurations compared.
    pub params: Value,
    /// Each configuration's figures.
    pub results: Value,
    /// The configuration whose figures became readings.
    pub recorded: String,
    pub started_at: DateTime<Utc>,
    pub duration_ms: f64,
}

impl Body {
    /// The `kind` of the line format.
    pub fn kind(&self) -> &'static str {
        match self {
            Body::Completion(_) => "completion",
            Body::Undo { .. } => "undo",
            Body::Reading(_) => "reading",
            Body::Dogfood(_) => "dogfood",
            Body::BenchRun(_) => "bench_run",
            Body::Evidence(_) => "evidence",
            Body::Retraction { .. } => "retraction",
        }
    }

    /// The event an undo or a retraction points at.
    pub fn target(&self) -> Option<EventId> {
        match self {
            Body::Undo { target } | Body::Retraction { target, .. } => Some(*target),
            _ => None,
        }
    }
}

/// Times in the log: UTC, RFC 3339, milliseconds.
pub fn log_time(t: DateTime<Utc>) -> String {
    use chrono::{Datelike, Timelike};
    // Years beyond four digits and leap seconds are left to chrono.
    let year = u32::try_from(t.year()).ok().filter(|y| *y <= 9999);
    let (Some(year), true) = (year, t.nanosecond() < 1_000_000_000) else {
        return t.to_rfc3339_opts(SecondsFormat::Millis, true);
    };
    let mut b = *b"0000-00-00T00:00:00.000Z";
    put_date_time(&mut b, year, t);
    put_digits(&mut b[20..23], t.nanosecond() / 1_000_000);
    String::from_utf8(b.to_vec()).expect("ASCII digits")
}

/// Writes `year` and `t`'s month, day and time of day into `b` as
/// `YYYY-MM-DDTHH:MM:SS` (its first 19 bytes), by hand: chrono's formatting
/// machinery costs more than the rest of indexing an event. `year` has at
/// most four digits.
pub fn put_date_time(b: &mut [u8], year: u32, t: DateTime<Utc>) {
    use chrono::{Datelike, Timelike};
    put_digits(&mut b[0..4], year);
    put_digits(&mut b[5..7], t.month());
    put_digits(&mut b[8..10], t.day());
    put_digits(&mut b[11..13], t.hour());
    put_digits(&mut b[14..16], t.minute());
    put_digits(&mut b[17..19], t.second());
}

/// `v` in decimal, zero-padded to the width of `into`.
fn put_digits(into: &mut [u8], mut v: u32) {
    for d in into.iter_mut().rev() {
        *d = b'0' + (v % 10) as u8;
        v /= 10;
    }
}

/// One line of the log as it is written: a flat object whose fields beyond
/// the first five depend on `kind`. Flat and fully optional so that reading a
/// line never buffers, and so that a line of an unknown kind still parses far
/// enough to be reported by id.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Wire {
    v: Option<u32>,
    id: Option<String>,
    kind: Option<String>,
    author: Option<String>,
    recorded_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    target: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    month: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    week: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    block: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    task: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    adhoc: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    completed_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    legacy_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    metric: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    measured_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    run: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dogfood: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    generated: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    bench: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    seed: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    workload: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    params: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    results: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    recorded: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    started_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    duration_ms: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    evidence: Option<String>,
    #[serde(rename = "ref", skip_serializing_if = "Option::is_none")]
    reference: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    commit: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<String>,
}

/// Why a line of the log could not be read.
#[derive(Debug, Clone, PartialEq)]
pub enum LineError {
    /// Written by a newer beast (a higher format version or an unknown kind):
    /// kept, skipped, reported once.
    Newer(String),
    /// Not an event of this format: a hand edit, a truncated line.
    Invalid(String),
}

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LineError::Newer(m) | LineError::Invalid(m) => f.write_str(m),
        }
    }
}

impl Event {
    /// The event as one line of the log, without the newline.
    pub fn to_line(&self) -> String {
        let mut w = Wire {
            v: Some(LOG_FORMAT_VERSION),
            id: Some(self.id.to_string()),
            kind: Some(self.body.kind().to_string()),
            author: Some(self.author.clone()),
            recorded_at: Some(log_time(self.recorded_at)),
            ..Wire::default()
        };
        match &self.body {
            Body::Completion(c) => {
                w.month = Some(c.month);
                w.week = Some(c.week);
                match &c.task {
                    Some(t) => {
                        w.block = Some(t.block_first_week);
                        w.task = Some(t.key.clone());
                    }
                    None => w.adhoc = Some(true),
                }
                w.title = Some(c.title.clone());
                w.completed_at = Some(log_time(c.completed_at));
                w.legacy_name = c.legacy_name.clone();
                w.note = c.note.clone();
            }
            Body::Undo { target } => w.target = Some(target.to_string()),
            Body::Retraction { target, reason } => {
                w.target = Some(target.to_string());
                w.reason = reason.clone();
            }
            Body::Reading(r) => {
                w.metric = Some(r.metric.clone());
                w.value = Some(r.value);
                w.measured_at = Some(log_time(r.measured_at));
                w.source = Some(r.source.clone());
                w.run = r.run.map(|id| id.to_string());
                w.note = r.note.clone();
            }
            Body::Dogfood(d) => {
                w.dogfood = Some(d.kind.as_str().to_string());
                w.generated = Some(d.generated);
                w.at = Some(log_time(d.at));
                w.note = d.note.clone();
            }
            Body::Evidence(ev) => {
                w.target = Some(ev.completion.to_string());
                w.evidence = Some(ev.proof.kind().to_string());
                w.reference = Some(ev.proof.reference().to_string());
                w.commit = ev.proof.commit().map(String::from);
            }
            Body::BenchRun(b) => {
                w.bench = Some(b.bench.clone());
                w.seed = b.seed;
                w.workload = Some(b.workload.clone());
                w.params = Some(b.params.clone());
                w.results = Some(b.results.clone());
                w.recorded = Some(b.recorded.clone());
                w.started_at = Some(log_time(b.started_at));
                w.duration_ms = Some(b.duration_ms);
            }
        }
        serde_json::to_string(&w).expect("an event always serialises")
    }

    /// Reads one line of the log.
    pub fn from_line(line: &str) -> Result<Event, LineError> {
        let w: Wire = serde_json::from_str(line)
            .map_err(|e| LineError::Invalid(format!("not an event of the log format ({e})")))?;
        let invalid = |m: String| LineError::Invalid(m);
        let v =
            w.v.ok_or_else(|| invalid("no format version \"v\"".into()))?;
        if v > LOG_FORMAT_VERSION {
            return Err(LineError::Newer(format!(
                "written in log format {v} by a newer beast (this one reads format {LOG_FORMAT_VERSION}); upgrade beast"
            )));
        }
        let id = canonical_id(req(&w.id, "id")?)?;
        let kind = req(&w.kind, "kind")?.to_string();
        let author = req(&w.author, "author")?.to_string();
        if author.trim().is_empty() {
            return Err(invalid("\"author\" is empty".into()));
        }
        let recorded_at = time(&w.recorded_at, "recorded_at")?;
        let body = match kind.as_str() {
            "completion" => {
                let month = *req(&w.month, "month")?;
                if !(1..=super::roadmap::LAST_MONTH).contains(&month) {
                    return Err(invalid(format!("month {month} is outside 1–48")));
                }
                let week = *req(&w.week, "week")?;
                if !(1..=4).contains(&week) {
                    return Err(invalid(format!("week {week} is outside 1–4")));
                }
                let task =
                    match (w.block, w.task.as_deref(), w.adhoc) {
                        (Some(b), Some(key), None | Some(false)) if (1..=4).contains(&b) => {
                            Some(TaskRef {
                                month,
                                block_first_week: b,
                                key: key.to_string(),
                            })
                        }
                        (None, _, Some(true)) => None,
                        _ => return Err(invalid(
                            "a completion needs \"block\" (1–4) and \"task\", or \"adhoc\": true"
                                .into(),
                        )),
                    };
                Body::Completion(Completion {
                    month,
                    week,
                    task,
                    title: req(&w.title, "title")?.to_string(),
                    note: w.note,
                    completed_at: time(&w.completed_at, "completed_at")?,
                    legacy_name: w.legacy_name,
                })
            }
            "evidence" => {
                let kind = req(&w.evidence, "evidence")?;
                let reference = req(&w.reference, "ref")?.clone();
                let proof =
                    Proof::from_parts(kind, reference, w.commit.clone()).ok_or_else(|| {
                        invalid(format!(
                        "evidence \"{}\" is not commit, url or path (a path with its \"commit\")",
                        kind.escape_default()
                    ))
                    })?;
                Body::Evidence(Evidence {
                    completion: canonical_id(req(&w.target, "target")?)?,
                    proof,
                })
            }
            "undo" => Body::Undo {
                target: canonical_id(req(&w.target, "target")?)?,
            },
            "retraction" => Body::Retraction {
                target: canonical_id(req(&w.target, "target")?)?,
                reason: w.reason,
            },
            "reading" => {
                let value = *req(&w.value, "value")?;
                Body::Reading(Reading {
                    metric: req(&w.metric, "metric")?.to_string(),
                    value,
                    measured_at: time(&w.measured_at, "measured_at")?,
                    source: req(&w.source, "source")?.to_string(),
                    note: w.note,
                    run: match &w.run {
                        Some(r) => Some(canonical_id(r)?),
                        None => None,
                    },
                })
            }
            "dogfood" => {
                let k = req(&w.dogfood, "dogfood")?;
                let kind = DogfoodKind::parse(k)
                    .ok_or_else(|| invalid(format!("unknown dog-food kind \"{k}\"")))?;
                Body::Dogfood(Dogfood {
                    kind,
                    generated: *req(&w.generated, "generated")?,
                    at: time(&w.at, "at")?,
                    note: w.note,
                })
            }
            "bench_run" => Body::BenchRun(BenchRun {
                bench: req(&w.bench, "bench")?.to_string(),
                seed: w.seed,
                workload: req(&w.workload, "workload")?.to_string(),
                params: w.params.unwrap_or(Value::Null),
                results: w.results.unwrap_or(Value::Null),
                recorded: req(&w.recorded, "recorded")?.to_string(),
                started_at: time(&w.started_at, "started_at")?,
                duration_ms: *req(&w.duration_ms, "duration_ms")?,
            }),
            other => {
                return Err(LineError::Newer(format!(
                    "event kind \"{other}\" is unknown to this beast (a newer one wrote it?)"
                )))
            }
        };
        Ok(Event {
            id,
            author,
            recorded_at,
            body,
        })
    }
}

/// An id as beast writes it: exactly its canonical text (upper case, no
/// Crockford aliases such as `o` for `0`), so that one id has one spelling
/// and a copy cannot pass for another event.
fn canonical_id(text: &str) -> Result<EventId, LineError> {
    let id: EventId = text.parse().map_err(LineError::Invalid)?;
    if id.text_bytes() != text.as_bytes() {
        return Err(LineError::Invalid(format!(
            "id \"{}\" is not written as beast writes ids ({}); ids have one spelling",
            text.escape_default(),
            id.text()
        )));
    }
    Ok(id)
}

fn req<'a, T>(field: &'a Option<T>, name: &str) -> Result<&'a T, LineError> {
    field
        .as_ref()
        .ok_or_else(|| LineError::Invalid(format!("missing \"{name}\"")))
}

fn time(field: &Option<String>, name: &str) -> Result<DateTime<Utc>, LineError> {
    let text = req(field, name)?;
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| LineError::Invalid(format!("\"{name}\" \"{text}\" is not an RFC 3339 time")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 10, h, 0, 0).unwrap()
    }

    fn event(body: Body) -> Event {
        Event {
            id: EventId::from_parts(1_768_000_000_000, 42),
            author: "alice@example.com".into(),
            recorded_at: at(12),
            body,
        }
    }

    #[test]
    fn log_times_are_chronos_rfc_3339_with_milliseconds() {
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..10_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            // Any millisecond from year 0 to 10133: the four-digit years and some beyond.
            let ms = (x % 320_000_000_000_000) as i64 - 62_167_219_200_000;
            let t = DateTime::from_timestamp_millis(ms).unwrap();
            assert_eq!(log_time(t), t.to_rfc3339_opts(SecondsFormat::Millis, true));
        }
        let leap = chrono::NaiveDate::from_ymd_opt(2016, 12, 31)
            .unwrap()
            .and_hms_milli_opt(23, 59, 59, 1_500)
            .unwrap()
            .and_utc();
        assert_eq!(
            log_time(leap),
            leap.to_rfc3339_opts(SecondsFormat::Millis, true)
        );
    }

    #[test]
    fn an_ids_text_is_its_ulid_text() {
        let mut x: u128 = 0x9E37_79B9_7F4A_7C15_F39C_C060_5CED_C834;
        for _ in 0..1000 {
            // xorshift over 128 bits: ids of every shape, the extremes too.
            x ^= x << 23;
            x ^= x >> 17;
            x ^= x << 41;
            for v in [x, 0, u128::MAX, x >> 80] {
                let id = EventId(Ulid(v));
                assert_eq!(id.text(), Ulid(v).to_string());
                assert_eq!(id.text().parse::<EventId>().unwrap(), id);
            }
        }
    }

    #[test]
    fn every_kind_survives_a_round_trip_through_a_line() {
        let run = EventId::from_parts(1_768_000_000_001, 7);
        let bodies = vec![
            Body::Completion(Completion {
                month: 1,
                week: 2,
                task: Some(TaskRef {
                    month: 1,
                    block_first_week: 1,
                    key: "fixfailedrequesttracking".into(),
                }),
                title: "Fix failed request tracking".into(),
                note: Some("done \"properly\"\nat last".into()),
                completed_at: at(9),
                legacy_name: Some("Fix request tracking system".into()),
            }),
            Body::Completion(Completion {
                month: 14,
                week: 4,
                task: None,
                title: "Hotfix".into(),
                note: None,
                completed_at: at(9),
                legacy_name: None,
            }),
            Body::Undo { target: run },
            Body::Retraction {
                target: run,
                reason: Some("typo".into()),
            },
            Body::Evidence(Evidence {
                completion: run,
                proof: Proof::Commit("0123456789abcdef0123456789abcdef01234567".into()),
            }),
            Body::Evidence(Evidence {
                completion: run,
                proof: Proof::Url("https://ci.example.com/runs/7?x=\"1\"".into()),
            }),
            Body::Evidence(Evidence {
                completion: run,
                proof: Proof::Path {
                    path: "src/cache/tiers.rs".into(),
                    commit: "0123456789abcdef0123456789abcdef01234567".into(),
                },
            }),
            Body::Reading(Reading {
                metric: "latency".into(),
                value: 187.25,
                measured_at: at(8),
                source: "bench:cache".into(),
                note: None,
                run: Some(run),
            }),
            Body::Dogfood(Dogfood {
                kind: DogfoodKind::Optimization,
                generated: false,
                at: at(7),
                note: Some("by hand".into()),
            }),
            Body::BenchRun(BenchRun {
                bench: "cache".into(),
                seed: Some(7),
                workload: "built-in (seed 7)".into(),
                params: serde_json::json!(["a", "b"]),
                results: serde_json::json!([{"hit_rate": 37.5}]),
                recorded: "b".into(),
                started_at: at(6),
                duration_ms: 1234.5,
            }),
        ];
        for body in bodies {
            let e = event(body);
            let line = e.to_line();
            assert!(!line.contains('\n'), "one line: {line}");
            assert!(line.starts_with("{\"v\":1,\"id\":"), "{line}");
            assert_eq!(Event::from_line(&line).unwrap(), e);
        }
    }

    #[test]
    fn lines_of_a_newer_beast_are_told_apart_from_broken_ones() {
        let newer = r#"{"v":2,"id":"01KEE8Z0G0000000000000001A","kind":"reading"}"#;
        assert!(matches!(Event::from_line(newer), Err(LineError::Newer(_))));
        let kind = r#"{"v":1,"id":"01KEE8Z0G0000000000000001A","kind":"vote","author":"a","recorded_at":"2026-01-10T12:00:00.000Z"}"#;
        assert!(matches!(Event::from_line(kind), Err(LineError::Newer(_))));
        for broken in [
            "",
            "not json",
            "{\"v\":1,\"id\":\"01KEE8Z0G0000000000000001A\",\"kind\":\"reading\"",
            r#"{"id":"01KEE8Z0G0000000000000001A"}"#,
            r#"{"v":1,"id":"nope","kind":"undo","author":"a","recorded_at":"2026-01-10T12:00:00Z","target":"01KEE8Z0G0000000000000001A"}"#,
            // Ids in another spelling of the same number: lower case, Crockford's aliases.
            r#"{"v":1,"id":"01kee8z0g0000000000000001a","kind":"undo","author":"a","recorded_at":"2026-01-10T12:00:00Z","target":"01KEE8Z0G0000000000000001A"}"#,
            r#"{"v":1,"id":"01KEE8Z0G0000000000000001A","kind":"undo","author":"a","recorded_at":"2026-01-10T12:00:00Z","target":"O1KEE8Z0G0000000000000001A"}"#,
            r#"{"v":1,"id":"01KEE8Z0G0000000000000001A","kind":"completion","author":"a","recorded_at":"2026-01-10T12:00:00Z","month":99,"week":1,"adhoc":true,"title":"x","completed_at":"2026-01-10T12:00:00Z"}"#,
            r#"{"v":1,"id":"01KEE8Z0G0000000000000001A","kind":"reading","author":"a","recorded_at":"yesterday","metric":"latency","value":1,"measured_at":"2026-01-10T12:00:00Z","source":"manual"}"#,
        ] {
            assert!(
                matches!(Event::from_line(broken), Err(LineError::Invalid(_))),
                "{broken}"
            );
        }
    }

    #[test]
    fn short_ids_come_from_the_random_part() {
        let a = EventId::from_parts(1_768_000_000_000, 1);
        let b = EventId::from_parts(1_768_000_000_000, 2);
        assert_eq!(a.short().len(), SHORT_ID_LEN);
        assert_ne!(a.short(), b.short());
        assert_eq!(a.to_string().parse::<EventId>().unwrap(), a);
        assert!(
            a < EventId::from_parts(1_768_000_000_001, 0),
            "time-ordered"
        );
    }
}
