//! Which history a command works on, and the one way to add to it.
//!
//! A history is either a personal SQLite database (the record itself) or a
//! project's event log with a SQLite index beside it. Either way, commands read
//! from the store, and [`History::record`] is the only way anything is written:
//! in a project the events are appended to the author's log file (durably)
//! and then applied to the index; in a personal database they are applied in
//! one transaction.

use std::path::PathBuf;

use anyhow::Result;
use chrono::{DateTime, Utc};

use crate::domain::event::{Body, Event, EventId};
use crate::log;
use crate::project::{author_file_name, Project};
use crate::store::{Applied, LineAt, Store};

/// Where the history lives.
#[derive(Debug, Clone)]
pub enum Mode {
    Personal { db: PathBuf },
    Project(Project),
}

/// Which history a report shows, for people and for scripts.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct HistoryInfo {
    /// `project` or `personal`.
    pub mode: &'static str,
    /// The events directory or the database file (not in the JSON: it differs
    /// between machines that show the same history).
    #[serde(skip)]
    pub location: String,
}

pub struct History {
    store: Store,
    mode: Mode,
    warnings: Vec<String>,
}

/// A fresh event id: the wall clock's milliseconds and random bits, from one
/// generator per process so that the ids of one command are in the order
/// they were made.
pub fn new_id() -> EventId {
    use std::sync::Mutex;
    static GENERATOR: Mutex<Option<ulid::Generator>> = Mutex::new(None);
    let mut g = GENERATOR.lock().unwrap_or_else(|e| e.into_inner());
    let g = g.get_or_insert_with(ulid::Generator::new);
    // `generate` fails only when the random part would overflow within one
    // millisecond; a fresh generator then starts over.
    let ulid = match g.generate() {
        Ok(u) => u,
        Err(_) => {
            *g = ulid::Generator::new();
            g.generate().expect("a fresh generator has room")
        }
    };
    EventId::from_parts(ulid.timestamp_ms(), ulid.random())
}

/// Ids recorded by this process, so that a failure after the commit (stdout
/// closed or full) can say what was stored rather than leave a script to
/// record it twice.
static RECORDED: std::sync::Mutex<Vec<EventId>> = std::sync::Mutex::new(Vec::new());

/// What this process has recorded so far.
pub fn recorded_by_this_process() -> Vec<EventId> {
    RECORDED.lock().map(|v| v.clone()).unwrap_or_default()
}

fn remember(events: &[Event]) {
    if let Ok(mut v) = RECORDED.lock() {
        v.extend(events.iter().map(|e| e.id));
    }
}

/// An event by `author`, recorded `now`.
pub fn event(author: &str, now: DateTime<Utc>, body: Body) -> Event {
    Event {
        id: new_id(),
        author: author.to_string(),
        recorded_at: now,
        body,
    }
}

impl History {
    /// Opens the history; in a project, first catches the index up with the
    /// log. Warnings about the log (unreadable lines) are collected for the
    /// caller to print.
    pub fn open(mode: Mode) -> Result<History> {
        let store = match &mode {
            Mode::Personal { db } => {
                let s = Store::open(db)?;
                s.set_durable(true)?;
                s
            }
            Mode::Project(p) => {
                let mut s = Store::open_index(&p.index_path())?;
                s.set_log_dir(p.events_dir());
                s
            }
        };
        let mut h = History {
            store,
            mode,
            warnings: Vec::new(),
        };
        h.catch_up()?;
        Ok(h)
    }

    fn catch_up(&mut self) -> Result<()> {
        if let Mode::Project(p) = &self.mode {
            let dir = p.events_dir();
            let shown = shown_for(p);
            let warnings = &mut self.warnings;
            let t0 = std::time::Instant::now();
            log::sync(&mut self.store, &dir, &shown, &mut |w| warnings.push(w))?;
            if std::env::var_os("BEAST_PROFILE").is_some() {
                eprintln!("sync total: {:?}", t0.elapsed());
            }
        }
        Ok(())
    }

    pub fn store(&mut self) -> &mut Store {
        &mut self.store
    }

    pub fn mode(&self) -> &Mode {
        &self.mode
    }

    /// What the log said while being read, once each.
    pub fn take_warnings(&mut self) -> Vec<String> {
        std::mem::take(&mut self.warnings)
    }

    pub fn info(&self) -> HistoryInfo {
        match &self.mode {
            Mode::Personal { db } => HistoryInfo {
                mode: "personal",
                location: db.display().to_string(),
            },
            Mode::Project(p) => HistoryInfo {
                mode: "project",
                location: p.events_dir().display().to_string(),
            },
        }
    }

    /// Records events: the one write path. Returns how many were new (an
    /// event whose id the history already has is skipped). In a project the
    /// lines go to `writer`'s file (the caller's: imported events keep their
    /// own authors inside) and are on disk before this returns.
    pub fn record(&mut self, events: &[Event], writer: &str) -> Result<usize> {
        if events.is_empty() {
            return Ok(0);
        }
        match &self.mode {
            Mode::Personal { .. } => {
                let new = self.store.write(|w| {
                    let mut new = 0;
                    for e in events {
                        let line = e.to_line();
                        if w.apply(e, LineAt::Text(&line))? == Applied::New {
                            new += 1;
                        }
                    }
                    Ok(new)
                })?;
                remember(events);
                Ok(new)
            }
            Mode::Project(p) => {
                // Only what the history does not have yet goes into the log.
                let fresh: Vec<&Event> = self.store.read(|r| {
                    let mut fresh = Vec::new();
                    for e in events {
                        if !r.has_event(&e.id)? {
                            fresh.push(e);
                        }
                    }
                    Ok(fresh)
                })?;
                if fresh.is_empty() {
                    return Ok(0);
                }
                let fresh: Vec<Event> = fresh.into_iter().cloned().collect();
                let text: Vec<String> = fresh.iter().map(Event::to_line).collect();
                let name = author_file_name(writer);
                let dir = p.events_dir();
                let shown = shown_for(p);
                let appended = log::append(&dir, &name, &text)?;
                remember(&fresh);
                let warnings = &mut self.warnings;
                appended.index(&mut self.store, &fresh, &dir, &shown, &mut |w| {
                    warnings.push(w)
                })?;
                Ok(fresh.len())
            }
        }
    }
}

/// Turns a log file name into the path messages show: relative to the
/// repository, as people see it in `git status`.
fn shown_for(p: &Project) -> impl Fn(&str) -> String {
    let dir = p.events_dir();
    let rel = dir
        .strip_prefix(&p.root)
        .map(|r| r.to_path_buf())
        .unwrap_or(dir);
    move |name: &str| rel.join(name).display().to_string()
}
