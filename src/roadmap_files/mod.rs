//! Roadmap files: where they come from (built in, or a directory), how they are
//! parsed and validated, and how a roadmap is written back as TOML.
//!
//! The built-in files are the ones in the repository's `roadmap/`, compiled in
//! so that `beast status` works on a fresh machine with nothing else present.

mod parse;
mod write;

use std::path::Path;

use anyhow::Result;

use crate::domain::{Catalog, Roadmap};
use crate::error;

pub use parse::{parse_catalog, parse_settings, parse_year};
pub use write::year_to_toml;

/// One roadmap file's name (as shown in errors) and contents.
pub struct Source {
    pub name: String,
    pub text: String,
}

/// The files compiled into the binary.
pub fn embedded() -> Vec<Source> {
    [
        ("metrics.toml", include_str!("../../roadmap/metrics.toml")),
        ("year1.toml", include_str!("../../roadmap/year1.toml")),
        ("year3.toml", include_str!("../../roadmap/year3.toml")),
        ("year4.toml", include_str!("../../roadmap/year4.toml")),
    ]
    .into_iter()
    .map(|(name, text)| Source {
        name: format!("<built-in>/{name}"),
        text: text.to_string(),
    })
    .collect()
}

/// The optional file of a roadmap directory that names the roadmap and its
/// first month: `name = "Acme platform"`, `start = "2027-04"`.
pub const SETTINGS_FILE: &str = "roadmap.toml";

/// Reads every `*.toml` file of a directory: `metrics.toml` is the catalog,
/// `roadmap.toml` the roadmap's name and start, every other file is one
/// roadmap year.
pub fn from_dir(dir: &Path) -> Result<Vec<Source>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            return error::roadmap(format!(
                "cannot read roadmap directory {}: {e}; pass --roadmap with a directory of roadmap TOML files, or leave it out to use the built-in roadmap",
                dir.display()
            ))
        }
    };
    let mut paths: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    let mut sources = Vec::new();
    for path in paths {
        match crate::files::read_text(&path, "roadmap file") {
            Ok(text) => sources.push(Source {
                name: path.display().to_string(),
                text,
            }),
            Err(e) => return error::roadmap(e),
        }
    }
    Ok(sources)
}

/// Parses and validates a set of roadmap files into the catalog and the tree.
pub fn load(sources: &[Source]) -> Result<(Catalog, Roadmap)> {
    let is_catalog = |s: &&Source| s.name.ends_with("metrics.toml");
    let Some(catalog_src) = sources.iter().find(is_catalog) else {
        return error::roadmap(
            "the roadmap directory has no metrics.toml; copy roadmap/metrics.toml from the beast repository into it",
        );
    };
    let catalog = parse_catalog(&catalog_src.name, &catalog_src.text)?;
    let mut roadmap = Roadmap::default();
    let is_settings = |s: &&Source| s.name.ends_with(SETTINGS_FILE);
    if let Some(settings) = sources.iter().find(is_settings) {
        let (name, start) = parse::parse_settings(&settings.name, &settings.text)?;
        if let Some(name) = name {
            roadmap.name = name;
        }
        if let Some(start) = start {
            roadmap.start = start;
        }
    }
    let mut origin: Vec<(u32, &str)> = Vec::new();
    for src in sources.iter().filter(|s| !is_catalog(s) && !is_settings(s)) {
        let year = parse_year(&src.name, &src.text, &catalog)?;
        if let Some((_, first)) = origin.iter().find(|(n, _)| *n == year.number) {
            return error::roadmap(format!(
                "{}: year {} is also defined in {first}; keep each year in one file",
                src.name, year.number
            ));
        }
        origin.push((year.number, &src.name));
        roadmap.years.push(year);
    }
    if roadmap.years.is_empty() {
        return error::roadmap(
            "the roadmap directory has no year files; add at least one (e.g. year1.toml) beside metrics.toml",
        );
    }
    roadmap.years.sort_by_key(|y| y.number);
    Ok((catalog, roadmap))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_roadmap_loads_with_the_documented_shape() {
        let (catalog, roadmap) = load(&embedded()).unwrap();
        let years: Vec<u32> = roadmap.years.iter().map(|y| y.number).collect();
        assert_eq!(years, vec![1, 3, 4]);
        assert_eq!(roadmap.missing_years(), vec![2]);
        let count = |y: u32| roadmap.tasks().filter(|t| t.year.number == y).count();
        assert_eq!(count(1), 40);
        assert_eq!(count(3), 72);
        assert_eq!(count(4), 72);
        assert_eq!(roadmap.months().count(), 36);
        let m1 = roadmap.month(1).unwrap();
        assert_eq!(m1.blocks.len(), 2);
        assert_eq!(m1.blocks[0].tasks[0].title, "Fix failed request tracking");
        let chr = catalog.get("cacheHitRate").unwrap();
        assert_eq!(chr.baseline, Some(15.0));
        assert_eq!(
            chr.targets.first().map(|t| (t.month, t.value)),
            Some((1, 40.0))
        );
        assert_eq!(
            chr.targets.last().map(|t| (t.month, t.value)),
            Some((48, 80.0))
        );
        assert_eq!(catalog.dogfood_targets.len(), 4);
    }
}
