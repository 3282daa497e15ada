//! The series the regression rule judges, as `beast check` reads them from
//! the history: each metric's readings per source (the built-in reference
//! workload's apart), those dated after today left out, split into the
//! readings to judge and the baseline — the readings before the newest, the
//! series as of a date, or the history at a git revision read by the same
//! rules as every read.

use super::SeriesInput;
use crate::domain::gate;
use crate::store::Facts;

/// What each series' new readings are compared with.
pub enum Base {
    /// The readings before the newest (judged after each reading).
    Previous,
    /// The series as it stood at the end of this stored timestamp; the
    /// readings measured after it are new.
    AsOf(String),
    /// The history as it was at a git revision, read by the same rules as
    /// every read (one copy per id, withheld conflicts); the readings it
    /// does not have are new.
    Held(Box<crate::store::MemoryIndex>),
}

/// The series of `metrics` in the history, each with the readings to
/// judge and the readings they are judged against. `today_end` (a stored
/// timestamp) is the end of today: a reading dated after it is left out.
pub fn collect_series(
    r: &dyn crate::store::Facts,
    metrics: &[String],
    ranges: &dyn Fn(&str) -> (f64, f64),
    test: &dyn Fn(&str) -> gate::Test,
    base: &Base,
    today_end: &str,
) -> anyhow::Result<Vec<SeriesInput>> {
    use crate::store::Reading;
    let mut out = Vec::new();
    let mut workloads: std::collections::HashMap<String, bool> = Default::default();
    let mut reference =
        |facts: &dyn crate::store::Facts, reading: &Reading| -> anyhow::Result<bool> {
            let Some(run) = &reading.run else {
                return Ok(false);
            };
            if let Some(known) = workloads.get(run) {
                return Ok(*known);
            }
            let is = facts.is_reference_reading(reading)?;
            workloads.insert(run.clone(), is);
            Ok(is)
        };
    for metric in metrics {
        let t = test(metric);
        let need = t.window.max(gate::QUIET_READINGS) + 64;
        for source in r.reading_sources(metric)? {
            let future = r
                .series(metric, &source, None, 1)?
                .pop()
                .filter(|l| l.at.as_str() > today_end);
            let now = r.series(metric, &source, Some(today_end), need)?;
            // The built-in workload's readings are a series of their own.
            let mut parts: [(bool, Vec<Reading>); 2] = [(false, Vec::new()), (true, Vec::new())];
            for reading in now {
                let is = source.starts_with("bench:") && reference(r, &reading)?;
                parts[usize::from(is)].1.push(reading);
            }
            for (is_reference, readings) in parts {
                if readings.is_empty() {
                    continue;
                }
                let (base_values, new, confirm_in_base): (Vec<f64>, Vec<&Reading>, bool) =
                    match base {
                        Base::Previous => {
                            let (before, last) = readings.split_at(readings.len() - 1);
                            (
                                before.iter().map(|x| x.value).collect(),
                                last.iter().collect(),
                                true,
                            )
                        }
                        Base::AsOf(until) => {
                            let (before, after): (Vec<&Reading>, Vec<&Reading>) = readings
                                .iter()
                                .partition(|x| x.at.as_str() <= until.as_str());
                            (before.iter().map(|x| x.value).collect(), after, false)
                        }
                        Base::Held(then) => {
                            let mut before = Vec::new();
                            for x in then.series(metric, &source, Some(today_end), need)? {
                                if (source.starts_with("bench:") && reference(&**then, &x)?)
                                    == is_reference
                                {
                                    before.push(x.value);
                                }
                            }
                            let mut after = Vec::new();
                            for x in &readings {
                                if then.reading(&x.event_id)?.is_none() {
                                    after.push(x);
                                }
                            }
                            (before, after, false)
                        }
                    };
                let is_new = |id: &str| -> anyhow::Result<bool> {
                    Ok(match base {
                        Base::Previous => true,
                        // Dated after today, so after any date given.
                        Base::AsOf(_) => true,
                        Base::Held(then) => then.reading(id)?.is_none(),
                    })
                };
                let future = match &future {
                    Some(f) if !is_reference => Some((f.at.clone(), is_new(&f.event_id)?)),
                    _ => None,
                };
                out.push(SeriesInput {
                    metric: metric.clone(),
                    source: if is_reference {
                        format!("{source} (reference)")
                    } else {
                        source.clone()
                    },
                    base: base_values,
                    new: new.iter().map(|x| (x.value, x.at.clone())).collect(),
                    confirm_in_base,
                    reference: is_reference,
                    future,
                    range: ranges(metric),
                });
            }
        }
    }
    Ok(out)
}

/// The history as it was at git revision `rev`: a commit of the history
/// ref (`refs/beast/history~3`, `refs/beast/remotes/origin/history`), or a
/// code revision from before the history had its own ref (its
/// `.beast/events/`), read into memory by the same rules as every read.
pub fn history_at_revision(
    root: &std::path::Path,
    rev: &str,
    rules: &crate::domain::validate::Rules,
) -> anyhow::Result<crate::store::MemoryIndex> {
    // Never an option to git, whatever it is given.
    if rev.starts_with('-') || rev.chars().any(char::is_control) {
        return crate::error::input(format!(
            "--since \"{}\" is neither a date (YYYY-MM-DD) nor a git revision; give one like 2026-03-01 or refs/beast/history~5",
            rev.escape_default()
        ));
    }
    let Some(repo) = crate::git::Repo::find(root) else {
        return crate::error::input(format!(
            "--since {rev}: not a date (YYYY-MM-DD), and there is no git repository to read a revision from"
        ));
    };
    // A revision the clone does not have (a shallow CI checkout, a branch
    // not fetched) is the clone's problem, not the input's: exit 4, and how
    // to fetch it.
    let Some(commit) = repo.commit(rev)? else {
        return crate::error::store(format!(
            "--since {rev}: not a date (YYYY-MM-DD), and this clone has no revision {rev} (a shallow clone, or a ref not fetched); fetch it first (`beast sync` fetches the history) or give a date"
        ));
    };
    let mut files = repo.files_in(&commit, "events")?;
    if files.is_empty() {
        files = repo.files_in(&commit, crate::home::team::IN_TREE_DIR)?;
    }
    let dir = tempfile::tempdir()?;
    for (name, bytes) in files.iter().filter(|(n, _)| n.ends_with(".jsonl")) {
        if crate::home::team::safe_name(name) {
            std::fs::write(dir.path().join(name), bytes)?;
        }
    }
    let shown = |name: &str| format!("{rev}:{name}");
    // What the base's own lines have to say was said when it was current.
    crate::log::hold(dir.path(), rules, &shown, &mut |_| {})
}
