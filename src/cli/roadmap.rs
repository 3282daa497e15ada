//! `beast roadmap` — browse the roadmap with done/open marks, check roadmap
//! files, and import the Markdown roadmap format into TOML.

use std::collections::HashSet;
use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;
use clap::Subcommand;

use super::Context;
use crate::domain::progress::{tally, Scope};
use crate::domain::roadmap::{year_of, Block, Month, Roadmap, Task, TaskRef, Year};
use crate::error;
use crate::import::markdown;
use crate::roadmap_files::{parse_year, year_to_toml};

/// Browse the roadmap (whole, a year, a quarter or a month), check it, or import one
#[derive(clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
#[command(after_help = "Examples:
  beast roadmap                      every year, quarter and month with progress
  beast roadmap --month 1            one month's tasks with deliverables and metrics
  beast roadmap --year 3 --quarter 2
  beast roadmap check                validate the roadmap files in use
  beast roadmap import year5.md -o roadmap/year5.toml")]
pub struct Args {
    #[command(subcommand)]
    command: Option<RoadmapCommand>,
    /// Show one year (1, 3, 4 …)
    #[arg(long, value_name = "N")]
    year: Option<u32>,
    /// Show one quarter (1–4) of --year, or of the current year
    #[arg(long, value_name = "Q")]
    quarter: Option<u32>,
    /// Show one month (1–48) in detail
    #[arg(long, value_name = "M", conflicts_with_all = ["year", "quarter"])]
    month: Option<String>,
    /// Print JSON: {"years": [...]} with done marks (browse), or the summary (check)
    #[arg(long, global = true)]
    json: bool,
}

#[derive(Subcommand)]
enum RoadmapCommand {
    /// Convert a Markdown roadmap (the year-3/year-4 format) into roadmap TOML
    Import {
        /// The Markdown file
        file: PathBuf,
        /// Write the TOML here instead of stdout
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// With -o: also write roadmap.toml beside it, naming the roadmap
        #[arg(long, value_name = "NAME", requires = "output")]
        name: Option<String>,
        /// With -o: also write roadmap.toml beside it, with the roadmap's first
        /// month (YYYY-MM)
        #[arg(long, value_name = "YYYY-MM", requires = "output")]
        start: Option<String>,
    },
    /// Validate the roadmap files in use and summarise them
    Check,
}

pub fn run(ctx: &Context, args: Args, out: &mut dyn Write) -> Result<()> {
    match args.command {
        Some(RoadmapCommand::Import {
            file,
            output,
            name,
            start,
        }) => {
            // roadmap.toml beside the year file, checked before anything
            // is written.
            let settings = match (&name, &start) {
                (None, None) => None,
                _ => {
                    let dir = output
                        .as_deref()
                        .and_then(|p| p.parent())
                        .filter(|p| !p.as_os_str().is_empty())
                        .unwrap_or(std::path::Path::new("."));
                    let path = dir.join(crate::roadmap_files::SETTINGS_FILE);
                    Some((settings_text(&path, name, start)?, path))
                }
            };
            import(ctx, &file, output.as_deref(), out)?;
            if let Some((text, path)) = settings {
                super::report::write_atomically(&path, text.as_bytes())?;
                writeln!(out, "wrote {}", path.display())?;
            }
            Ok(())
        }
        Some(RoadmapCommand::Check) => check(ctx, args.json, out),
        None if args.json => browse_json(ctx, args.year, args.quarter, args.month, out),
        None => browse(ctx, args.year, args.quarter, args.month, out),
    }
}

fn import(
    ctx: &Context,
    file: &std::path::Path,
    output: Option<&std::path::Path>,
    out: &mut dyn Write,
) -> Result<()> {
    let text = crate::files::read_text(file, "the roadmap").or_else(error::input)?;
    let name = file.display().to_string();
    let year = markdown::parse(&name, &text)?;
    let source = file
        .file_name()
        .map_or(name.clone(), |n| n.to_string_lossy().into_owned());
    let header = format!(
        "Year {} of the BEAST MODE ML/LLM roadmap, imported from {source} by `beast roadmap import`.\nEdit freely: beast reads this file, not the Markdown.",
        year.number
    );
    let toml = year_to_toml(&year, &header);
    // The output must load back to the same tree; check before writing anything.
    let (catalog, _) = ctx.load_roadmap()?;
    match parse_year("<imported>", &toml, catalog) {
        Ok(back) if back == year => {}
        Ok(_) => {
            return error::input(format!(
            "{name}: the converted TOML does not read back to the same roadmap; please report this"
        ))
        }
        Err(e) => return error::input(format!("{name}: the imported roadmap is not valid: {e:#}")),
    }
    let tasks: usize = year
        .quarters
        .iter()
        .flat_map(|q| &q.months)
        .flat_map(|m| &m.blocks)
        .map(|b| b.tasks.len())
        .sum();
    let months = year.quarters.iter().map(|q| q.months.len()).sum::<usize>();
    let blocks: usize = year
        .quarters
        .iter()
        .flat_map(|q| &q.months)
        .map(|m| m.blocks.len())
        .sum();
    match output {
        Some(path) => {
            super::report::write_atomically(path, toml.as_bytes())?;
            writeln!(
                out,
                "wrote {}: year {}, {months} months, {blocks} week blocks, {tasks} tasks",
                path.display(),
                year.number
            )?;
        }
        None => out.write_all(toml.as_bytes())?,
    }
    Ok(())
}

/// The text of `roadmap.toml` (the roadmap's name and first month),
/// checked by the same parser that reads it.
fn settings_text(
    path: &std::path::Path,
    name: Option<String>,
    start: Option<String>,
) -> Result<String> {
    let mut text = String::from("# The roadmap's name and the calendar month of its month 1.\n");
    if let Some(n) = &name {
        text.push_str(&format!("name = {}\n", toml::Value::String(n.clone())));
    }
    if let Some(s) = &start {
        text.push_str(&format!("start = {}\n", toml::Value::String(s.clone())));
    }
    crate::roadmap_files::parse_settings(&path.display().to_string(), &text)
        .map_err(|e| error::Failure::Input(format!("{e:#}")))?;
    Ok(text)
}

fn check(ctx: &Context, json: bool, out: &mut dyn Write) -> Result<()> {
    let (catalog, roadmap) = ctx.load_roadmap()?;
    let targets: usize = catalog.metrics.iter().map(|m| m.targets.len()).sum();
    let blocks: usize = roadmap.months().map(|m| m.blocks.len()).sum();
    if json {
        let v = serde_json::json!({
            "ok": true,
            "years": roadmap.years.iter().map(|y| y.number).collect::<Vec<_>>(),
            "missing_years": roadmap.missing_years(),
            "months": roadmap.months().count(),
            "blocks": blocks,
            "tasks": roadmap.task_count(),
            "metrics": catalog.metrics.len(),
            "targets": targets,
        });
        serde_json::to_writer_pretty(&mut *out, &v)?;
        writeln!(out)?;
        return Ok(());
    }
    writeln!(
        out,
        "ok: years {} · {} months · {blocks} week blocks · {} tasks · {} metrics · {targets} targets",
        roadmap.loaded_years(),
        roadmap.months().count(),
        roadmap.task_count(),
        catalog.metrics.len()
    )?;
    for y in roadmap.missing_years() {
        writeln!(
            out,
            "note: year {y} has no roadmap file; its months count as unplanned"
        )?;
    }
    Ok(())
}

fn done_set(ctx: &Context) -> Result<HashSet<TaskRef>> {
    let mut history = ctx.open_history()?;
    history.store().read(|r| {
        Ok(r.planned_completions()?
            .iter()
            .filter_map(|c| c.task_ref())
            .collect())
    })
}

/// What `beast roadmap` was asked to show, checked against the roadmap.
struct Selection {
    year: Option<u32>,
    quarter: Option<u32>,
    month: Option<u32>,
}

/// Checks `--year`, `--quarter` and `--month`: the quarter is 1–4, the month
/// has a roadmap, and a quarter without a year means the current year's.
fn select(
    ctx: &Context,
    roadmap: &Roadmap,
    year: Option<u32>,
    quarter: Option<u32>,
    month: Option<String>,
) -> Result<Selection> {
    if let Some(q) = quarter {
        if !(1..=4).contains(&q) {
            return error::input(format!("quarter {q} is outside quarters 1–4"));
        }
    }
    if let Some(m) = month {
        let m = super::parse_month(&m)?;
        if roadmap.month(m).is_none() {
            return error::input(crate::app::tasks::no_roadmap_for(roadmap, m));
        }
        return Ok(Selection {
            year: None,
            quarter: None,
            month: Some(m),
        });
    }
    let year = match (year, quarter) {
        (Some(y), _) => Some(y),
        (None, Some(_)) => {
            let pos = crate::domain::Position::from_date(ctx.today);
            Some(pos.roadmap_month().map(year_of).unwrap_or(1))
        }
        (None, None) => None,
    };
    if let Some(y) = year {
        if roadmap.year(y).is_none() {
            return error::input(format!(
                "year {y} has no roadmap{}; loaded years: {}",
                if y == 2 {
                    " yet (no source document)"
                } else {
                    ""
                },
                roadmap.loaded_years()
            ));
        }
    }
    Ok(Selection {
        year,
        quarter,
        month: None,
    })
}

fn browse(
    ctx: &Context,
    year: Option<u32>,
    quarter: Option<u32>,
    month: Option<String>,
    out: &mut dyn Write,
) -> Result<()> {
    let (_, roadmap) = ctx.load_roadmap()?;
    let Selection {
        year,
        quarter,
        month,
    } = select(ctx, roadmap, year, quarter, month)?;
    let done = done_set(ctx)?;
    if let Some(m) = month {
        return print_month(out, roadmap.month(m).expect("selected"), &done);
    }
    for y in roadmap
        .years
        .iter()
        .filter(|y| year.is_none_or(|n| n == y.number))
    {
        print_year(out, roadmap, y, quarter, &done)?;
    }
    if year.is_none() {
        for y in roadmap.missing_years() {
            writeln!(out, "\nYear {y} — no roadmap yet (no source document)")?;
        }
    }
    Ok(())
}

/// The roadmap (or the part asked for) as JSON, with done marks.
fn browse_json(
    ctx: &Context,
    year: Option<u32>,
    quarter: Option<u32>,
    month: Option<String>,
    out: &mut dyn Write,
) -> Result<()> {
    use serde_json::{json, Value};
    let (_, roadmap) = ctx.load_roadmap()?;
    let Selection {
        year,
        quarter,
        month,
    } = select(ctx, roadmap, year, quarter, month)?;
    let done = done_set(ctx)?;
    let month_json = |m: &crate::domain::Month| -> Value {
        let t = tally(roadmap, &done, Scope::Month(m.number));
        json!({
            "month": m.number, "title": m.title, "dogfood": m.dogfood,
            "completed": t.completed, "total": t.total,
            "blocks": m.blocks.iter().map(|b| json!({
                "weeks": b.weeks.to_string(), "title": b.title,
                "tasks": b.tasks.iter().map(|task| json!({
                    "title": task.title, "deliverable": task.deliverable, "metric": task.metric,
                    "accept": task.accept,
                    "done": done.contains(&TaskRef::of(m.number, b, task)),
                })).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        })
    };
    let years: Vec<Value> = roadmap
        .years
        .iter()
        .filter(|y| year.is_none_or(|n| n == y.number))
        .map(|y| {
            let t = tally(roadmap, &done, Scope::Year(y.number));
            json!({
                "year": y.number, "title": y.title, "completed": t.completed, "total": t.total,
                "quarters": y.quarters.iter()
                    .filter(|q| quarter.is_none_or(|n| n == q.number))
                    .map(|q| {
                        let t = tally(roadmap, &done, Scope::Quarter(y.number, q.number));
                        json!({
                            "quarter": q.number, "theme": q.theme,
                            "completed": t.completed, "total": t.total,
                            "months": q.months.iter()
                                .filter(|m| month.is_none_or(|n| n == m.number))
                                .map(&month_json).collect::<Vec<_>>(),
                        })
                    })
                    .filter(|q| month.is_none() || q["months"].as_array().is_some_and(|a| !a.is_empty()))
                    .collect::<Vec<_>>(),
            })
        })
        .filter(|y| month.is_none() || y["quarters"].as_array().is_some_and(|a| !a.is_empty()))
        .collect();
    let v = json!({ "years": years, "missing_years": roadmap.missing_years() });
    serde_json::to_writer_pretty(&mut *out, &v)?;
    writeln!(out)?;
    Ok(())
}

fn print_year(
    out: &mut dyn Write,
    roadmap: &Roadmap,
    y: &Year,
    quarter: Option<u32>,
    done: &HashSet<TaskRef>,
) -> Result<()> {
    let t = tally(roadmap, done, Scope::Year(y.number));
    writeln!(
        out,
        "Year {} — {} ({}/{} tasks)",
        y.number, y.title, t.completed, t.total
    )?;
    for q in y
        .quarters
        .iter()
        .filter(|q| quarter.is_none_or(|n| n == q.number))
    {
        let t = tally(roadmap, done, Scope::Quarter(y.number, q.number));
        writeln!(
            out,
            "  Q{} {} ({}/{})",
            q.number, q.theme, t.completed, t.total
        )?;
        for m in &q.months {
            print_month_brief(out, m, done)?;
        }
    }
    Ok(())
}

fn mark(done: bool) -> &'static str {
    if done {
        "[x]"
    } else {
        "[ ]"
    }
}

fn is_done(done: &HashSet<TaskRef>, m: &Month, block: &Block, task: &Task) -> bool {
    done.contains(&TaskRef::of(m.number, block, task))
}

fn print_month_brief(out: &mut dyn Write, m: &Month, done: &HashSet<TaskRef>) -> Result<()> {
    let total = m.tasks().count();
    let completed = m.tasks().filter(|(b, t)| is_done(done, m, b, t)).count();
    writeln!(
        out,
        "    Month {}: {} ({completed}/{total})",
        m.number, m.title
    )?;
    for b in &m.blocks {
        writeln!(out, "      Weeks {}: {}", b.weeks, b.title)?;
        for t in &b.tasks {
            writeln!(out, "        {} {}", mark(is_done(done, m, b, t)), t.title)?;
        }
    }
    Ok(())
}

fn print_month(out: &mut dyn Write, m: &Month, done: &HashSet<TaskRef>) -> Result<()> {
    let total = m.tasks().count();
    let completed = m.tasks().filter(|(b, t)| is_done(done, m, b, t)).count();
    writeln!(
        out,
        "Month {}: {} ({completed}/{total} done)",
        m.number, m.title
    )?;
    if let Some(d) = &m.dogfood {
        writeln!(out, "Dog food: {d}")?;
    }
    for b in &m.blocks {
        writeln!(out, "\nWeeks {}: {}", b.weeks, b.title)?;
        if let Some(d) = &b.dogfood {
            writeln!(out, "  Dog food: {d}")?;
        }
        for t in &b.tasks {
            writeln!(out, "  {} {}", mark(is_done(done, m, b, t)), t.title)?;
            if let Some(d) = &t.deliverable {
                writeln!(out, "      deliverable: {d}")?;
            }
            if let Some(mt) = &t.metric {
                writeln!(out, "      metric: {mt}")?;
            }
            if let Some(a) = &t.accept {
                writeln!(
                    out,
                    "      accepted when: {} (a measured reading)",
                    a.describe()
                )?;
            }
        }
    }
    Ok(())
}
