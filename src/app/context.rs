//! The context every command works in: which history (a project's or a
//! personal database), the roadmap in use, who records and when. Made once
//! per process from the command line's settings; the command line itself only
//! parses and prints.

use std::path::PathBuf;

use anyhow::Result;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

use crate::app::{History, Mode, Readable, Stamp};
use crate::domain::validate::Rules;
use crate::domain::{Catalog, Roadmap};
use crate::error::{self, Failure};
use crate::project::Project;
use crate::roadmap_files;

pub struct Context {
    mode: Mode,
    roadmap_dir: Option<PathBuf>,
    author: Option<String>,
    /// The project's embedding model, if its config names one.
    pub embedding_model: Option<PathBuf>,
    /// The date the roadmap position is computed from.
    pub today: NaiveDate,
    /// The time stamped on new records.
    pub now: DateTime<Utc>,
    /// Where warnings go: the command line prints them as they come.
    warn: fn(&str),
    /// What every recorded event must keep, from the roadmap in use; made
    /// once a command needs it.
    rules: std::cell::OnceCell<Rules>,
    roadmap: std::cell::OnceCell<(Catalog, Roadmap)>,
}

/// What a command line asks of every command: which history, which
/// roadmap, who records, and what day it is.
#[derive(Debug, Default)]
pub struct Settings {
    /// `--db`: a personal database, which wins.
    pub db: Option<PathBuf>,
    /// `--project`: the repository holding `.beast/`.
    pub project: Option<PathBuf>,
    pub author: Option<String>,
    /// `--roadmap`: a roadmap directory instead of the built-in one.
    pub roadmap: Option<PathBuf>,
    /// `--today`: a fixed date or time.
    pub today: Option<String>,
}

impl Context {
    /// The context `settings` ask for: the history found from the working
    /// directory (or named), the project's roadmap and time zone, today.
    /// Warnings go to `warn`.
    pub fn new(settings: Settings, warn: fn(&str)) -> Result<Context> {
        let mode = resolve_mode(settings.db, settings.project)?;
        let (tz, project_roadmap, embedding_model) = match &mode {
            Mode::Project(p) => (
                p.config.timezone.clone(),
                p.roadmap_dir(),
                p.embedding_model(),
            ),
            Mode::Personal { .. } => (None, None, None),
        };
        let (today, now) = parse_today(settings.today.as_deref(), tz.as_deref())?;
        Ok(Context {
            mode,
            roadmap_dir: settings.roadmap.or(project_roadmap),
            author: settings.author,
            embedding_model,
            today,
            now,
            warn,
            rules: Default::default(),
            roadmap: Default::default(),
        })
    }

    /// The roadmap and catalog in use, read and checked once per command.
    pub fn load_roadmap(&self) -> Result<&(Catalog, Roadmap)> {
        if self.roadmap.get().is_none() {
            let sources = match &self.roadmap_dir {
                Some(dir) => roadmap_files::from_dir(dir)?,
                None => roadmap_files::embedded(),
            };
            let loaded = roadmap_files::load(&sources)?;
            // Every date-based rule counts months from the roadmap's start.
            crate::domain::calendar::set_start(loaded.1.start.0, loaded.1.start.1);
            let _ = self.roadmap.set(loaded);
        }
        Ok(self.roadmap.get().expect("set above"))
    }

    /// The rules every event keeps, from the roadmap and catalog in use.
    pub fn rules(&self) -> Result<Rules> {
        if let Some(r) = self.rules.get() {
            return Ok(r.clone());
        }
        let (catalog, roadmap) = self.load_roadmap()?;
        let rules = Rules::new(catalog, roadmap);
        let _ = self.rules.set(rules.clone());
        Ok(rules)
    }

    /// Opens the history (catching a project's index up with its log); what
    /// the log has to say about lines it skips is printed as it comes.
    pub fn open_history(&self) -> Result<History> {
        let warn = self.warn;
        History::open(
            self.mode.clone(),
            self.rules()?,
            Box::new(move |w| warn(&w)),
        )
        .map_err(|e| self.which_db(e))
    }

    /// For the commands that report the team's state (status, report,
    /// check): a clone that has not fetched the team's history says so and
    /// fails (exit 4) instead of reporting an empty history. An in-tree log
    /// from before the history had its own ref is moved onto it first.
    pub fn require_history(&self) -> Result<()> {
        self.prepare_history()?;
        self.mode.require_history()
    }

    /// Readies the history (see [`Mode::prepare`]), saying what it moved.
    pub fn prepare_history(&self) -> Result<()> {
        let warn = self.warn;
        self.mode.prepare(&mut |w| warn(&w))
    }

    /// The store says what is wrong; the command line says which flag picks
    /// another database.
    fn which_db(&self, e: anyhow::Error) -> anyhow::Error {
        match (e.downcast_ref::<Failure>(), &self.mode) {
            (Some(Failure::Store(m)), Mode::Personal { .. }) if m.contains("database file") => {
                Failure::Store(format!("{m} (pick one with --db PATH or BEAST_DB)")).into()
            }
            _ => e,
        }
    }

    pub fn mode(&self) -> &Mode {
        &self.mode
    }

    /// The project's git repository; None outside a project or a repository.
    pub fn repo(&self) -> Option<crate::git::Repo> {
        match &self.mode {
            Mode::Project(p) => crate::git::Repo::find(&p.root),
            Mode::Personal { .. } => None,
        }
    }

    /// Who records and when.
    pub fn stamp(&self) -> Stamp {
        Stamp {
            author: self.author(),
            now: self.now,
        }
    }

    /// The author: `--author`/`BEAST_AUTHOR`, the project's config, `git
    /// config user.email`, the user name — the first that is set.
    pub fn author(&self) -> String {
        if let Some(a) = self
            .author
            .as_deref()
            .map(str::trim)
            .filter(|a| !a.is_empty())
        {
            return a.to_string();
        }
        let root = match &self.mode {
            Mode::Project(p) => {
                if let Some(a) = p
                    .config
                    .author
                    .as_deref()
                    .map(str::trim)
                    .filter(|a| !a.is_empty())
                {
                    return a.to_string();
                }
                Some(p.root.clone())
            }
            Mode::Personal { .. } => None,
        };
        let mut git = std::process::Command::new("git");
        git.args(["config", "user.email"])
            .stdin(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        if let Some(root) = root {
            git.current_dir(root);
        }
        if let Ok(out) = git.output() {
            let email = String::from_utf8_lossy(&out.stdout).trim().to_string();
            if out.status.success() && !email.is_empty() {
                return email;
            }
        }
        ["USER", "USERNAME", "LOGNAME"]
            .iter()
            .find_map(|v| std::env::var(v).ok().filter(|u| !u.trim().is_empty()))
            .unwrap_or_else(|| "unknown".to_string())
    }

    /// Loads the roadmap, opens the history and builds the report in one
    /// read transaction: what `status`, `report` and `dogfood` show.
    pub fn build_report(&self) -> Result<crate::report::Report> {
        self.build_report_with(0)
    }

    /// The report with up to `series` readings per metric for charts.
    pub fn build_report_with(&self, series: usize) -> Result<crate::report::Report> {
        self.build_report_from(&mut Readable::Indexed(self.open_history()?), series)
    }

    /// Opens the history to read only: see [`Readable`] (a project without
    /// an index is read from its log, building none).
    pub fn open_readable(&self) -> Result<Readable> {
        let warn = self.warn;
        Readable::open(
            self.mode.clone(),
            self.rules()?,
            Box::new(move |w| warn(&w)),
        )
        .map_err(|e| self.which_db(e))
    }

    /// What a report describes: the project, its repository and commit, and
    /// this beast. Read from files; no git process.
    pub fn identity(&self, repo: Option<&crate::git::Repo>) -> crate::report::Identity {
        let (commit, branch, repository) = repo.map(|r| r.whereabouts()).unwrap_or_default();
        let project = match &self.mode {
            Mode::Project(p) => p.config.project.clone().unwrap_or_else(|| {
                p.root
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_else(|| "project".into())
            }),
            Mode::Personal { .. } => "personal".into(),
        };
        crate::report::Identity {
            project,
            repository,
            commit,
            branch,
            beast_version: env!("CARGO_PKG_VERSION").to_string(),
            schema: 0,
        }
    }

    /// The report of `src`, with up to `series` readings per metric.
    pub fn build_report_from(
        &self,
        src: &mut Readable,
        series: usize,
    ) -> Result<crate::report::Report> {
        let (catalog, roadmap) = self.load_roadmap()?;
        let info = src.info();
        let repo = self.repo();
        let mut trailers = match &repo {
            Some(repo) => {
                crate::app::evidence::trailers_for(src, repo, roadmap).unwrap_or_else(|e| {
                    (self.warn)(&format!("commit trailers not read: {e:#}"));
                    Default::default()
                })
            }
            None => crate::domain::claims::Trailers::default(),
        };
        trailers.backdated = self.mode.backdated();
        // Evidence counts only as far as the repository backs it now.
        trailers.unresolved =
            crate::app::evidence::unresolved(src, repo.as_ref()).unwrap_or_else(|e| {
                (self.warn)(&format!(
                    "evidence not checked against the repository: {e:#}"
                ));
                Default::default()
            });
        let inputs = crate::report::Inputs {
            roadmap,
            catalog,
            today: self.today,
            now: self.now,
            history: info,
            identity: self.identity(repo.as_ref()),
            series,
            trailers: &trailers,
        };
        let t0 = std::time::Instant::now();
        let r = src.read(|db| crate::report::build(&inputs, db));
        if std::env::var_os("BEAST_PROFILE").is_some() {
            crate::say!("build: {:?}", t0.elapsed());
        }
        r
    }
}

/// The history a command uses: `--db` wins, then `--project`, then a
/// `.beast/` found above the working directory, then the personal database
/// in the user's data directory.
fn resolve_mode(db: Option<PathBuf>, project: Option<PathBuf>) -> Result<Mode> {
    if let Some(db) = db.filter(|d| !d.as_os_str().is_empty()) {
        return Ok(Mode::Personal { db });
    }
    if let Some(dir) = project.filter(|d| !d.as_os_str().is_empty()) {
        return Ok(Mode::Project(Box::new(Project::open(&dir)?)));
    }
    if let Some(root) = std::env::current_dir()
        .ok()
        .and_then(|cwd| Project::discover(&cwd))
    {
        return Ok(Mode::Project(Box::new(Project::open(&root)?)));
    }
    match dirs::data_dir() {
        Some(d) => Ok(Mode::Personal {
            db: d.join("beast").join("beast.db"),
        }),
        None => {
            error::store("cannot find the user's data directory; pass --db PATH or set BEAST_DB")
        }
    }
}

fn parse_today(text: Option<&str>, tz: Option<&str>) -> Result<(NaiveDate, DateTime<Utc>)> {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        let now = Utc::now();
        // The project's time zone decides what today is; else the machine's.
        if let Some(Ok(date)) = tz.map(|t| crate::clock::date_in(t, now)) {
            return Ok((date, now));
        }
        return Ok((chrono::Local::now().date_naive(), now));
    };
    if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        // A fixed date gives fixed record times: noon UTC of that day.
        let noon = NaiveTime::from_hms_opt(12, 0, 0).expect("valid time");
        return Ok((date, date.and_time(noon).and_utc()));
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok((t.date_naive(), t.with_timezone(&Utc)));
    }
    error::input(format!(
        "--today/BEAST_TODAY \"{text}\" is not a date; use YYYY-MM-DD (e.g. 2026-03-15) or an RFC 3339 time"
    ))
}
