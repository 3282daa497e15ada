//! Project mode: a repository that carries the team's history in `.beast/`.
//!
//! Found by walking up from the working directory, as git finds `.git`, so
//! every command run anywhere inside the repository uses the same history.
//! `.beast/` holds the optional `config.toml`, reviewed with the code; the
//! history itself lives beside the code on its own ref (`crate::home::team`),
//! never in the working tree.

use std::path::{Path, PathBuf};

use anyhow::Result;
use serde::Deserialize;

use crate::error;

/// The name of the project directory at the repository's top.
pub const DIR_NAME: &str = ".beast";

const CONFIG_TEMPLATE: &str = r#"# beast project settings. Every setting is optional; remove the leading '#'
# to use one. Paths are relative to the repository (the directory holding .beast).

# The project's name in reports, in every OpenMetrics series (`project`
# label) and in `beast_info`. Default: the repository directory's name.
# project = "search-api"

# The roadmap directory (metrics.toml and one TOML file per year) to use
# instead of the roadmap built into beast:
# roadmap = "roadmap"

# The author stamped on the events you record, and the name of your file in
# events/. Default: `git config user.email`, else your user name. Best set in
# your own environment (BEAST_AUTHOR) rather than here, since this file is shared.
# author = "alice@example.com"

# The time zone that decides what "today" is (an IANA name). Default: the
# machine's local time.
# timezone = "Europe/Berlin"

# The sentence-embedding model `beast bench cache --matcher embedding` uses
# (a directory with config.json, tokenizer.json and model.safetensors),
# relative to the repository; --model overrides it.
# embedding_model = "models/all-MiniLM-L6-v2"

# What `beast check` (the CI gate) checks; flags override these.
# [check]
# rules = ["regression", "behind", "overdue", "pace", "unverified", "target_unmet"]  # default: all
# fail_on = ["regression"]    # the rules that fail the job; the rest warn
# min_change = 2.0            # a regression differs from the window's mean by this many % at least
# window = 64                 # a series' earlier readings its newest is judged against
# min_samples = 5             # fewer readings than this: no verdict
# boundary = 0.999            # one-sided confidence of the Student's t bound
# grace_days = 3              # a block's tasks are overdue this many days after its last week
# [check.metrics.latency]     # per metric: window, min_samples, boundary, min_change
# min_change = 10.0
"#;

/// `.beast/config.toml`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Roadmap directory, relative to the repository.
    pub roadmap: Option<String>,
    pub author: Option<String>,
    pub timezone: Option<String>,
    /// The embedding model directory, relative to the repository.
    pub embedding_model: Option<String>,
    /// The project's name in reports and metrics (default: the
    /// repository directory's name).
    pub project: Option<String>,
    /// `[check]`: what `beast check` checks.
    #[serde(default)]
    pub check: crate::domain::gate::Settings,
}

#[derive(Debug, Clone)]
pub struct Project {
    /// The repository: the directory that holds `.beast`.
    pub root: PathBuf,
    pub config: Config,
    /// The team's history: its ref and the clone's copy of its log.
    pub team: crate::home::Team,
}

impl Project {
    /// The nearest directory at or above `start` that holds `.beast/`.
    pub fn discover(start: &Path) -> Option<PathBuf> {
        start
            .ancestors()
            .find(|d| d.join(DIR_NAME).is_dir())
            .map(Path::to_path_buf)
    }

    /// Opens the project at `dir`: the repository holding `.beast`, or the
    /// `.beast` directory itself.
    pub fn open(dir: &Path) -> Result<Project> {
        let root = if dir.file_name().is_some_and(|n| n == DIR_NAME) && dir.is_dir() {
            dir.parent().unwrap_or(Path::new(".")).to_path_buf()
        } else {
            dir.to_path_buf()
        };
        let dir = root.join(DIR_NAME);
        match crate::files::real_dir(&dir) {
            Ok(true) => {}
            Ok(false) => {
                return error::input(format!(
                    "{} has no {DIR_NAME} directory; run `beast init` inside the repository first",
                    root.display()
                ))
            }
            Err(e) => {
                return error::store(format!(
                    "{} cannot be used: {e}; make it a directory of the repository (git rm it and run `beast init`)",
                    dir.display()
                ))
            }
        }
        check_owner(&root, &dir)?;
        let config = read_config(&dir.join("config.toml"))?;
        let team = crate::home::Team::find(&root)?;
        Ok(Project { root, config, team })
    }

    pub fn dir(&self) -> PathBuf {
        self.root.join(DIR_NAME)
    }

    pub fn events_dir(&self) -> PathBuf {
        self.team.events_dir()
    }

    pub fn index_path(&self) -> PathBuf {
        self.team.index_path()
    }

    /// The roadmap directory the config names, resolved against the
    /// repository (the config's check keeps it inside).
    pub fn roadmap_dir(&self) -> Option<PathBuf> {
        self.config.roadmap.as_ref().map(|r| self.root.join(r))
    }

    pub fn embedding_model(&self) -> Option<PathBuf> {
        self.config
            .embedding_model
            .as_ref()
            .map(|m| self.root.join(m))
    }
}

/// Whether the repositories listed in `BEAST_SAFE_PROJECTS` (separated as
/// `PATH` is; `*` for any) include `root`.
fn listed_safe(root: &Path, list: Option<&std::ffi::OsStr>) -> bool {
    let Some(list) = list else {
        return false;
    };
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    std::env::split_paths(list)
        .any(|p| p.as_os_str() == "*" || p == root || p.canonicalize().is_ok_and(|p| p == root))
}

/// Refuses a `.beast/` that belongs to another user — one in a shared
/// parent directory (`/tmp/.beast`) would capture what you record, as a
/// foreign `.git` would (git's `safe.directory`) — unless the repository is
/// listed in `BEAST_SAFE_PROJECTS`.
fn check_owner(root: &Path, dir: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let owner = std::fs::symlink_metadata(dir).map(|m| m.uid()).unwrap_or(0);
        // SAFETY: geteuid has no preconditions and cannot fail.
        let me = unsafe { libc::geteuid() };
        if owner != me && !listed_safe(root, std::env::var_os("BEAST_SAFE_PROJECTS").as_deref()) {
            return error::store(format!(
                "{} belongs to another user (uid {owner}; you are uid {me}), and what you record would go there; if you trust it, set BEAST_SAFE_PROJECTS={} (a list like PATH, or '*')",
                dir.display(),
                root.display()
            ));
        }
    }
    let _ = (root, dir);
    Ok(())
}

/// The largest config file read.
const MAX_CONFIG: u64 = 1 << 20;

fn read_config(path: &Path) -> Result<Config> {
    let bytes = match crate::files::read_inside(path, MAX_CONFIG) {
        Ok(Some(b)) => b,
        Ok(None) => return Ok(Config::default()),
        Err(e) => {
            return error::input(format!(
                "cannot read {}: {e}; fix it, or remove it to use the defaults",
                path.display()
            ))
        }
    };
    let Ok(text) = String::from_utf8(bytes) else {
        return error::input(format!(
            "{} is not UTF-8 text; save it as UTF-8",
            path.display()
        ));
    };
    match toml::from_str::<Config>(&text) {
        Ok(c) => {
            if let Some(tz) = &c.timezone {
                if let Err(why) = crate::clock::check_zone(tz) {
                    return error::input(format!("{}: {why}", path.display()));
                }
            }
            // The config is shared with the repository: what it names is
            // read from the repository, never from elsewhere on the machine.
            if let Some(name) = &c.project {
                if name.trim().is_empty() {
                    return error::input(format!(
                        "{}: project = \"\" is empty; give the project a name, like \"search-api\", or leave the setting out",
                        path.display()
                    ));
                }
                if let Err(why) = crate::domain::validate::check_text("project", name, 100, false) {
                    return error::input(format!("{}: {why}", path.display()));
                }
            }
            if let Some(v) = &c.roadmap {
                if !inside(Path::new(v)) {
                    return error::input(format!(
                        "{}: roadmap = \"{}\" must be a path inside the repository, relative to its top (like \"roadmap\"), without \"..\"",
                        path.display(),
                        v.escape_default()
                    ));
                }
            }
            Ok(c)
        }
        Err(e) => {
            let (line, col) = e.span().map(|s| line_col(&text, s.start)).unwrap_or((1, 1));
            error::input(format!(
                "{}:{line}:{col}: {}; the settings are project, roadmap, author, timezone, embedding_model and [check] (see the comments `beast init` writes)",
                path.display(),
                e.message().trim()
            ))
        }
    }
}

/// Whether a relative path stays inside the directory it is relative to.
fn inside(p: &Path) -> bool {
    use std::path::Component;
    !p.as_os_str().is_empty()
        && p.components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// What `beast init` did.
#[derive(Debug)]
pub struct Init {
    pub project: Project,
    /// Files it created; empty when the project was complete already.
    pub created: Vec<PathBuf>,
}

/// Creates `.beast/` at the top of the git repository that holds `start`
/// (or completes one that lacks some of its files). Never overwrites.
pub fn init(start: &Path) -> Result<Init> {
    let Some(root) = start
        .ancestors()
        .find(|d| d.join(".git").exists())
        .map(Path::to_path_buf)
    else {
        return error::input(format!(
            "{} is not inside a git repository; run `git init` (or cd into the repository) first, since the history travels with the repository",
            start.display()
        ));
    };
    let dir = root.join(DIR_NAME);
    let mut created = Vec::new();
    let io = |e: std::io::Error, p: &Path| {
        error::Failure::Input(format!(
            "cannot create {}: {e}; check the repository's permissions",
            p.display()
        ))
    };
    let new = !crate::files::real_dir(&dir).map_err(|e| io(e, &dir))?;
    if new {
        std::fs::create_dir(&dir).map_err(|e| io(e, &dir))?;
        created.push(dir.clone());
    }
    for (name, text) in [("config.toml", CONFIG_TEMPLATE)] {
        let p = dir.join(name);
        // Never through a link, dangling or not: a new file, or the one there.
        match std::fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                return error::input(format!(
                    "cannot create {}: it is a symbolic link, and beast follows no link inside .beast/; remove it",
                    p.display()
                ))
            }
            Ok(_) => continue,
            Err(_) => {}
        }
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&p)
            .map_err(|e| io(e, &p))?;
        std::io::Write::write_all(&mut f, text.as_bytes()).map_err(|e| io(e, &p))?;
        created.push(p);
    }
    let project = Project::open(&root)?;
    // A new project's history exists from the start; a clone's comes with
    // its first `beast sync`.
    if new {
        project.team.start()?;
    }
    Ok(Init { project, created })
}

pub use crate::domain::validate::author_file_name;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_listed_repositories_of_other_users_are_safe() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        assert!(!listed_safe(root, None));
        assert!(listed_safe(root, Some(std::ffi::OsStr::new("*"))));
        let list = std::env::join_paths([Path::new("/elsewhere"), root]).unwrap();
        assert!(listed_safe(root, Some(&list)));
        assert!(!listed_safe(root, Some(std::ffi::OsStr::new("/elsewhere"))));
    }

    #[test]
    fn config_errors_name_the_line() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("config.toml");
        std::fs::write(&p, "author = \"a\"\nroadmapp = \"x\"\n").unwrap();
        let e = read_config(&p).unwrap_err().to_string();
        assert!(e.contains("config.toml:2:1"), "{e}");
        std::fs::write(&p, "timezone = \"Mars/Olympus\"\n").unwrap();
        let e = read_config(&p).unwrap_err().to_string();
        assert!(e.contains("not an IANA time zone"), "{e}");
        for outside in ["/etc", "../elsewhere", "rm/../../x", ""] {
            std::fs::write(&p, format!("roadmap = \"{outside}\"\n")).unwrap();
            let e = read_config(&p).unwrap_err().to_string();
            assert!(
                e.contains("must be a path inside the repository"),
                "{outside}: {e}"
            );
        }
        std::fs::write(&p, "timezone = \"Europe/Berlin\"\nroadmap = \"rm\"\n").unwrap();
        let c = read_config(&p).unwrap();
        assert_eq!(c.roadmap.as_deref(), Some("rm"));
    }

    #[test]
    fn the_embedding_model_is_relative_to_the_repository() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("config.toml");
        std::fs::write(&p, "embedding_model = \"models/all-MiniLM-L6-v2\"\n").unwrap();
        let c = read_config(&p).unwrap();
        assert_eq!(
            c.embedding_model.as_deref(),
            Some("models/all-MiniLM-L6-v2")
        );
    }
}
