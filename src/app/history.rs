//! Which history a command works on, and the one way to add to it.
//!
//! A history is either a personal SQLite database (the record itself) or a
//! project's event log with a SQLite index beside it. Either way, commands read
//! from the store, and [`History::record`] is the only way anything is written:
//! in a project the events are appended to the author's log file (durably)
//! and then applied to the index; in a personal database they are applied in
//! one transaction.

use anyhow::Result;
use chrono::{DateTime, Utc};

use crate::domain::event::{Body, Event, EventId};
use crate::domain::validate::{self, author_file_name, Rules};
use crate::error;
use crate::log;
use crate::project::Project;
pub use crate::report::HistoryInfo;
use crate::store::{Facts, LineAt, MemoryIndex, Store};

pub use crate::home::Mode;

pub struct History {
    store: Store,
    /// A personal database that does not exist yet: reads see an empty
    /// history in memory, and the file is made by the first record — a
    /// `status` on a new machine creates nothing.
    unborn: bool,
    mode: Mode,
    rules: Rules,
    /// Where warnings go (the log's skipped lines, an index left behind):
    /// the command line prints them as they come.
    warn: Box<dyn FnMut(String)>,
}

/// Whether `db` does not exist yet and nothing stands in the way of making
/// it: the nearest existing ancestor is a directory. (A path under a plain
/// file is opened at once, so that its error is the one it always was.)
fn could_be_made(db: &std::path::Path) -> bool {
    if db.symlink_metadata().is_ok() {
        return false;
    }
    db.ancestors()
        .skip(1)
        .find_map(|a| a.symlink_metadata().ok())
        .is_some_and(|m| m.is_dir())
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

fn remember(events: &[&Event]) {
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
    /// log, checking every line against `rules`. What the log has to say
    /// (skipped lines) goes to `warn`.
    pub fn open(mode: Mode, rules: Rules, mut warn: Box<dyn FnMut(String)>) -> Result<History> {
        mode.prepare(&mut *warn)?;
        let mut unborn = false;
        let store = match &mode {
            Mode::Personal { db } if could_be_made(db) => {
                unborn = true;
                Store::open_in_memory()?
            }
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
            unborn,
            mode,
            rules,
            warn,
        };
        h.catch_up()?;
        Ok(h)
    }

    fn catch_up(&mut self) -> Result<()> {
        if let Mode::Project(p) = &self.mode {
            let dir = p.events_dir();
            let shown = shown_for(p);
            let t0 = std::time::Instant::now();
            log::sync(&mut self.store, &dir, &self.rules, &shown, &mut *self.warn)?;
            if std::env::var_os("BEAST_PROFILE").is_some() {
                crate::say!("sync total: {:?}", t0.elapsed());
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

    pub fn info(&self) -> HistoryInfo {
        info_of(&self.mode)
    }

    /// Checks events as every event is checked (the rules of
    /// [`validate::check`]); the first that fails is the error, and nothing
    /// is recorded. Returns those the history does not have yet.
    fn check_all<'e>(&mut self, events: &'e [Event]) -> Result<Vec<&'e Event>> {
        for e in events {
            if let Err(why) = validate::check(e, &self.rules) {
                return error::input(format!("{why}; nothing was recorded"));
            }
        }
        // Only what the history does not have yet is recorded. An id it
        // has with other content (a re-import of a file that changed) keeps
        // what the history has: nothing is ever replaced; it is said.
        let mut seen = std::collections::HashMap::new();
        for e in events {
            match seen.get(&e.id) {
                Some(other) if *other != e => {
                    return error::input(format!(
                        "two different events share the id {}; nothing was recorded",
                        e.id
                    ))
                }
                Some(_) => {}
                None => {
                    seen.insert(e.id, e);
                }
            }
        }
        // One read for all: an import may bring a million events. Only the
        // events to record and what is said of conflicts are kept.
        let (fresh, kept) = self.store.read(|r| {
            let mut fresh = Vec::new();
            let mut kept: Vec<String> = Vec::new();
            let mut taken = std::collections::HashSet::new();
            for e in events {
                if !r.has_event(&e.id)? {
                    if taken.insert(e.id) {
                        fresh.push(e);
                    }
                    continue;
                }
                if let Some(s) = r.find_events(&e.id.text())?.into_iter().next() {
                    if s.event != *e {
                        kept.push(format!(
                            "{} ({}; this history has {})",
                            e.id,
                            super::corrections::describe(e),
                            super::corrections::describe(&s.event)
                        ));
                    }
                }
            }
            Ok((fresh, kept))
        })?;
        if let Some(first) = kept.first() {
            (self.warn)(format!(
                "{} events have ids this history holds with other content; the history's are kept and these are not recorded (the first: {first})",
                kept.len()
            ));
        }
        Ok(fresh)
    }

    /// Records events: the one write path. Returns how many were new (an
    /// event the history already has is skipped). Every event is checked
    /// first, as every event is (`validate::check`); one that fails records
    /// nothing.
    /// In a project each event goes to its own author's log file (imported
    /// events too), and is on disk before this returns: once it is, the
    /// record stands, and an index that cannot take it is a warning, caught
    /// up by the next command — never "nothing was recorded".
    pub fn record(&mut self, events: &[Event]) -> Result<usize> {
        if events.is_empty() {
            return Ok(0);
        }
        if let (true, Mode::Personal { db }) = (self.unborn, &self.mode) {
            let s = Store::open(db)?;
            s.set_durable(true)?;
            self.store = s;
            self.unborn = false;
        }
        let fresh = self.check_all(events)?;
        if fresh.is_empty() {
            return Ok(0);
        }
        match &self.mode {
            Mode::Personal { .. } => {
                self.store
                    .write(|w| {
                        // Lines made a chunk at a time, not all at once.
                        for chunk in fresh.chunks(8192) {
                            let lines: Vec<String> = chunk.iter().map(|e| e.to_line()).collect();
                            w.apply_batch(
                                chunk
                                    .iter()
                                    .copied()
                                    .zip(lines.iter().map(|l| LineAt::Text(l))),
                            )?;
                        }
                        Ok(())
                    })
                    .map_err(|e| match e.downcast::<error::Failure>() {
                        // One transaction: it failed whole.
                        Ok(error::Failure::Store(m)) => {
                            error::Failure::Store(format!("{m} (nothing was recorded)")).into()
                        }
                        Ok(f) => f.into(),
                        Err(e) => e,
                    })?;
                remember(&fresh);
                Ok(fresh.len())
            }
            Mode::Project(p) => {
                // One append per author's file, in the order events came.
                let mut files: Vec<(String, Vec<&Event>)> = Vec::new();
                for e in fresh {
                    let name = author_file_name(&e.author);
                    match files.iter_mut().find(|(n, _)| *n == name) {
                        Some((_, v)) => v.push(e),
                        None => files.push((name, vec![e])),
                    }
                }
                let dir = p.events_dir();
                let shown = shown_for(p);
                let mut recorded = 0;
                for (name, group) in &files {
                    let text: Vec<String> = group.iter().map(|e| e.to_line()).collect();
                    let appended = match log::append(&dir, name, &text) {
                        Ok(a) => a,
                        Err(e) if recorded == 0 => {
                            return error::store(format!("{e:#} (nothing was recorded)"))
                        }
                        Err(e) => {
                            return error::store(format!(
                                "{e:#} (the {recorded} events before it were recorded; run the command again to record the rest)"
                            ))
                        }
                    };
                    remember(group);
                    recorded += group.len();
                    let warn = &mut *self.warn;
                    if let Err(e) = appended.index(
                        &mut self.store,
                        group,
                        &dir,
                        &self.rules,
                        &shown,
                        &mut *warn,
                    ) {
                        warn(format!(
                            "recorded in {}, but the index could not take it: {e:#}; the next command catches the index up (do not record it again)",
                            shown(name)
                        ));
                    }
                }
                Ok(recorded)
            }
        }
    }
}

fn info_of(mode: &Mode) -> HistoryInfo {
    match mode {
        Mode::Personal { db } => HistoryInfo {
            mode: "personal",
            location: db.display().to_string(),
        },
        Mode::Project(_) => HistoryInfo {
            mode: "project",
            location: crate::home::HISTORY_REF.to_string(),
        },
    }
}

/// What a command that only reads works on: the history's index or — in a
/// project whose index does not exist yet, such as a fresh clone in CI — its
/// log read once into memory ([`MemoryIndex`]), which writes nothing and
/// leaves the index to the next command that needs one. Both answer the same
/// [`Facts`].
pub enum Readable {
    Indexed(History),
    Held { held: MemoryIndex, mode: Mode },
}

impl Readable {
    /// Opens `mode` to read: held in memory only when it is a project with
    /// no index file at all. Warnings as [`History::open`] gives them.
    pub fn open(mode: Mode, rules: Rules, mut warn: Box<dyn FnMut(String)>) -> Result<Readable> {
        mode.prepare(&mut *warn)?;
        if let Mode::Project(p) = &mode {
            if std::fs::symlink_metadata(p.index_path()).is_err() {
                let held = log::hold(&p.events_dir(), &rules, &shown_for(p), &mut *warn)?;
                return Ok(Readable::Held { held, mode });
            }
        }
        Ok(Readable::Indexed(History::open(mode, rules, warn)?))
    }

    pub fn info(&self) -> HistoryInfo {
        match self {
            Readable::Indexed(h) => h.info(),
            Readable::Held { mode, .. } => info_of(mode),
        }
    }

    /// Runs `f` on the history's facts (in one read transaction of the index).
    pub fn read<T>(&mut self, f: impl FnOnce(&dyn Facts) -> Result<T>) -> Result<T> {
        match self {
            Readable::Indexed(h) => h.store().read(|r| f(r)),
            Readable::Held { held, .. } => f(held),
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
