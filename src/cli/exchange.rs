//! `beast export` and `beast import FILE` — move history between databases
//! and projects in the log's own line format.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;

use super::{parse_time, Context};
use crate::app::exchange;
use crate::error;
use crate::import::legacy;

/// Write the history's events as JSON lines (the event log's format)
#[derive(clap::Args)]
#[command(after_help = "Examples:
  beast --db ~/.local/share/beast/beast.db export -o mine.jsonl
  beast export --since 2026-03-01 > march.jsonl")]
pub struct ExportArgs {
    /// Write to FILE instead of stdout
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Only events recorded on or after this date (YYYY-MM-DD or RFC 3339)
    #[arg(long, value_name = "DATE")]
    since: Option<String>,
    /// With -o: print nothing on success
    #[arg(short, long, requires = "output")]
    quiet: bool,
    /// With -o: print what was written as JSON ({"path", "events"}); without -o the
    /// output is JSON already (the events, one object per line)
    #[arg(long, conflicts_with = "quiet")]
    json: bool,
}

/// Merge events from a `beast export` file (or, with `legacy`, the old tracker's file) into this history
#[derive(clap::Args)]
#[command(
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true,
    after_help = "Examples:
  beast import mine.jsonl                                   bring a personal history into the project
  beast import legacy docs/ROADMAP_PROGRESS.json --dry-run  see how the old tracker's tasks map
  beast import legacy docs/ROADMAP_PROGRESS.json --map map.toml"
)]
pub struct ImportArgs {
    #[command(subcommand)]
    from: Option<ImportFrom>,
    /// A file written by `beast export` (or any event log file)
    #[arg(required = true)]
    file: Option<PathBuf>,
    /// Print what was imported as JSON ({"read", "added"})
    #[arg(long)]
    json: bool,
    /// Print nothing on success
    #[arg(short, long)]
    quiet: bool,
}

#[derive(clap::Subcommand)]
enum ImportFrom {
    /// The old tracker's progress file (docs/ROADMAP_PROGRESS.json): tasks mapped to the roadmap by meaning
    Legacy(LegacyArgs),
}

#[derive(clap::Args)]
struct LegacyArgs {
    /// The old tracker's ROADMAP_PROGRESS.json
    file: PathBuf,
    /// TOML overrides: "legacy name" = "Roadmap title" (or = "adhoc")
    #[arg(long, value_name = "FILE")]
    map: Option<PathBuf>,
    /// Show what would be imported; write nothing
    #[arg(long)]
    dry_run: bool,
    /// Print the mapping as JSON ({"mapped", "adhoc", "skipped", "readings", "dogfood"})
    #[arg(long)]
    json: bool,
}

pub fn export(ctx: &Context, args: ExportArgs, out: &mut dyn Write) -> Result<()> {
    let since = match args.since.as_deref() {
        Some(t) => {
            let t = t.trim();
            // A bare date means from the start of that day.
            match chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d") {
                Ok(d) => Some(d.and_hms_opt(0, 0, 0).expect("midnight").and_utc()),
                Err(_) => Some(parse_time("--since", t)?),
            }
        }
        None => None,
    };
    let mut history = ctx.open_history()?;
    match &args.output {
        None => {
            exchange::export(&mut history, since, out)?;
        }
        Some(path) => {
            let mut bytes = Vec::new();
            let n = exchange::export(&mut history, since, &mut bytes)?;
            super::report::write_atomically(path, &bytes)?;
            if args.json {
                let v = serde_json::json!({ "path": path.display().to_string(), "events": n });
                serde_json::to_writer_pretty(&mut *out, &v)?;
                writeln!(out)?;
            } else if !args.quiet {
                writeln!(out, "wrote {n} events to {}", path.display())?;
            }
        }
    }
    Ok(())
}

/// Reads a file to import: a regular file of bounded size, UTF-8.
fn read_input(path: &std::path::Path, what: &str) -> Result<String> {
    crate::files::read_text(path, what).or_else(error::input)
}

pub fn import(ctx: &Context, args: ImportArgs, out: &mut dyn Write) -> Result<()> {
    if let Some(ImportFrom::Legacy(a)) = args.from {
        return import_legacy(ctx, a, out);
    }
    let path = args.file.expect("clap requires FILE without a subcommand");
    let shown = path.display().to_string();
    let events = {
        // The text goes once it is parsed: an export can be hundreds of MB.
        let text = read_input(&path, "a file written by beast export")?;
        exchange::parse(&shown, &text, &ctx.rules()?)?
    };
    let mut history = ctx.open_history()?;
    let done = exchange::import(&mut history, events)?;
    if args.quiet {
        return Ok(());
    }
    if args.json {
        let v = serde_json::json!({ "file": shown, "read": done.read, "added": done.added });
        serde_json::to_writer_pretty(&mut *out, &v)?;
        writeln!(out)?;
        return Ok(());
    }
    writeln!(
        out,
        "Imported {} of {} events from {shown} ({} already in this history)",
        done.added,
        done.read,
        done.read - done.added
    )?;
    Ok(())
}

fn import_legacy(ctx: &Context, a: LegacyArgs, out: &mut dyn Write) -> Result<()> {
    let shown = a.file.display().to_string();
    let text = read_input(&a.file, "the old tracker's ROADMAP_PROGRESS.json")?;
    let file = legacy::parse(&shown, &text).or_else(error::input)?;
    let overrides = match &a.map {
        Some(p) => {
            let t = read_input(p, "a TOML map of legacy names to roadmap titles")?;
            legacy::parse_map(&p.display().to_string(), &t).or_else(error::input)?
        }
        None => Default::default(),
    };
    let (catalog, roadmap) = ctx.load_roadmap()?;
    let plan = legacy::plan(&file, roadmap, catalog, &overrides).or_else(error::input)?;
    for w in &plan.warnings {
        crate::say!(
            "warning: {}",
            crate::report::visible(&format!("{shown}: {w}"))
        );
    }
    let added = if a.dry_run {
        None
    } else {
        let mut history = ctx.open_history()?;
        Some(exchange::import(&mut history, plan.events.clone())?)
    };
    if a.json {
        serde_json::to_writer_pretty(&mut *out, &plan)?;
        writeln!(out)?;
        return Ok(());
    }
    let mut t = crate::cli::table();
    t.set_header(vec![
        "Month",
        "Week",
        "Legacy task",
        "Becomes",
        "Score / why",
    ]);
    let mut rows: Vec<(u32, u8, String, String, String)> = plan
        .mapped
        .iter()
        .map(|m| {
            (
                m.month,
                m.week,
                m.legacy.clone(),
                m.task.clone(),
                format!("{:.2}", m.score),
            )
        })
        .chain(plan.adhoc.iter().map(|x| {
            (
                x.month,
                x.week,
                x.legacy.clone(),
                "ad hoc".to_string(),
                x.reason.clone(),
            )
        }))
        .collect();
    rows.sort_by(|a, b| (a.0, a.1, &a.2).cmp(&(b.0, b.1, &b.2)));
    for (m, w, legacy, to, why) in rows {
        t.add_row(vec![m.to_string(), w.to_string(), legacy, to, why]);
    }
    writeln!(out, "{t}")?;
    let d = &plan.dogfood;
    writeln!(
        out,
        "{} mapped to roadmap tasks, {} ad hoc, {} skipped (not completed); {} metric readings; dog food: {} improvement, {} test, {} optimization, {} doc (dated lastUpdated: real dates unknown)",
        plan.mapped.len(),
        plan.adhoc.len(),
        plan.skipped.len(),
        plan.readings,
        d.improvement,
        d.test,
        d.optimization,
        d.doc
    )?;
    if !plan.mapped.is_empty() {
        writeln!(
            out,
            "Every imported completion is a claim (its date is the old tracker's); {} of the {} mapped are dated before their week block began (ahead of plan).",
            plan.ahead_of_plan,
            plan.mapped.len()
        )?;
    }
    match added {
        None => writeln!(out, "Dry run: nothing was written.")?,
        Some(done) => writeln!(
            out,
            "Imported {} new events of {} ({} already in this history). Override a mapping with --map FILE.",
            done.added,
            done.read,
            done.read - done.added
        )?,
    }
    Ok(())
}
