//! Values the shell completes, asked of the binary itself (`COMPLETE=bash
//! beast`, clap_complete's dynamic completion): the metric ids, dog-food
//! kinds, rule names and months of the roadmap in use, and for `beast
//! complete M W <TAB>` the titles of month M's tasks. The roadmap in use is
//! `BEAST_ROADMAP`, else the project's (its config names a directory), else
//! the built-in one; a roadmap that does not load offers nothing.

use std::ffi::OsStr;

use clap_complete::engine::{ArgValueCompleter, CompletionCandidate};

use crate::domain::{Catalog, DogfoodKind, Roadmap};

fn roadmap() -> Option<(Catalog, Roadmap)> {
    let dir = match std::env::var_os("BEAST_ROADMAP").filter(|d| !d.is_empty()) {
        Some(d) => Some(std::path::PathBuf::from(d)),
        None => std::env::current_dir()
            .ok()
            .and_then(|cwd| crate::project::Project::discover(&cwd))
            .and_then(|root| crate::project::Project::open(&root).ok())
            .and_then(|p| p.roadmap_dir()),
    };
    let sources = match dir {
        Some(d) => crate::roadmap_files::from_dir(&d).ok()?,
        None => crate::roadmap_files::embedded(),
    };
    crate::roadmap_files::load(&sources).ok()
}

/// Candidates among `values` that start with what was typed.
fn starting(
    current: &OsStr,
    values: impl IntoIterator<Item = (String, Option<String>)>,
) -> Vec<CompletionCandidate> {
    let typed = current.to_string_lossy();
    values
        .into_iter()
        .filter(|(v, _)| v.starts_with(typed.as_ref()))
        .map(|(v, help)| {
            let c = CompletionCandidate::new(v);
            match help {
                Some(h) => c.help(Some(h.into())),
                None => c,
            }
        })
        .collect()
}

pub fn metrics() -> ArgValueCompleter {
    ArgValueCompleter::new(|current: &OsStr| {
        let Some((catalog, _)) = roadmap() else {
            return Vec::new();
        };
        starting(
            current,
            catalog
                .metrics
                .iter()
                .map(|m| (m.id.clone(), Some(m.name.clone()))),
        )
    })
}

pub fn dogfood_kinds() -> ArgValueCompleter {
    ArgValueCompleter::new(|current: &OsStr| {
        starting(
            current,
            DogfoodKind::ALL
                .iter()
                .map(|k| (k.as_str().to_string(), None)),
        )
    })
}

/// Rule names, for a comma-separated list: the last name is completed
/// after what was typed before it.
pub fn rules() -> ArgValueCompleter {
    ArgValueCompleter::new(|current: &OsStr| {
        let typed = current.to_string_lossy();
        let (done, last) = match typed.rfind(',') {
            Some(i) => (&typed[..=i], &typed[i + 1..]),
            None => ("", typed.as_ref()),
        };
        crate::domain::gate::Rule::ALL
            .iter()
            .map(|r| r.as_str())
            .filter(|r| r.starts_with(last))
            .map(|r| CompletionCandidate::new(format!("{done}{r}")))
            .collect()
    })
}

pub fn months() -> ArgValueCompleter {
    ArgValueCompleter::new(|current: &OsStr| {
        let Some((_, roadmap)) = roadmap() else {
            return Vec::new();
        };
        starting(
            current,
            roadmap
                .months()
                .map(|m| (m.number.to_string(), Some(m.title.clone()))),
        )
    })
}

/// The titles of the month given before the week on the command line
/// being completed (`beast complete M W <TAB>`).
pub fn task_titles() -> ArgValueCompleter {
    ArgValueCompleter::new(|current: &OsStr| {
        let words: Vec<String> = std::env::args().collect();
        let month = words.iter().position(|w| w == "complete").and_then(|i| {
            words[i + 1..]
                .iter()
                .filter(|w| !w.starts_with('-'))
                .find_map(|w| w.parse::<u32>().ok())
        });
        let (Some(month), Some((_, roadmap))) = (month, roadmap()) else {
            return Vec::new();
        };
        let Some(m) = roadmap.month(month) else {
            return Vec::new();
        };
        let typed = current.to_string_lossy().to_lowercase();
        m.tasks()
            .filter(|(_, t)| t.title.to_lowercase().starts_with(&typed))
            .map(|(b, t)| {
                CompletionCandidate::new(t.title.clone())
                    .help(Some(format!("weeks {}", b.weeks).into()))
            })
            .collect()
    })
}
