//! `beast export` and `beast import FILE` — move history between databases
//! and projects in the log's own line format.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;

use super::{parse_time, Context};
use crate::app::exchange;
use crate::error;

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
}

/// Merge events from a `beast export` file into this history (ids it has are skipped)
#[derive(clap::Args)]
#[command(after_help = "Examples:
  beast import mine.jsonl          bring a personal history into the project")]
pub struct ImportArgs {
    /// A file written by `beast export` (or any event log file)
    file: PathBuf,
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
            // Written beside the target and renamed, so a reader never sees half a file.
            let dir = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(std::path::Path::new("."));
            let fail = |e: std::io::Error| {
                error::Failure::Input(format!(
                    "cannot write {}: {e}; choose a writable path",
                    path.display()
                ))
            };
            let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(fail)?;
            let n = {
                let mut w = std::io::BufWriter::new(tmp.as_file_mut());
                let n = exchange::export(&mut history, since, &mut w)?;
                w.flush().map_err(fail)?;
                n
            };
            tmp.as_file().sync_all().map_err(fail)?;
            tmp.persist(path).map_err(|e| fail(e.error))?;
            writeln!(out, "wrote {n} events to {}", path.display())?;
        }
    }
    Ok(())
}

/// Files larger than this are refused rather than read into memory whole.
const MAX_IMPORT_BYTES: u64 = 1 << 30;

pub fn import(ctx: &Context, args: ImportArgs, out: &mut dyn Write) -> Result<()> {
    let path = &args.file;
    let shown = path.display().to_string();
    let meta = std::fs::metadata(path)
        .or_else(|e| error::input(format!("cannot read {shown}: {e}; check the path")))?;
    if !meta.is_file() {
        return error::input(format!(
            "{shown} is not a regular file; give a file written by beast export"
        ));
    }
    if meta.len() > MAX_IMPORT_BYTES {
        return error::input(format!(
            "{shown} is larger than 1 GiB; split it with `split -l` and import the parts"
        ));
    }
    let text = std::fs::read_to_string(path).or_else(|e| {
        error::input(format!(
            "cannot read {shown}: {e}; it must be UTF-8 JSON lines written by beast export"
        ))
    })?;
    let events = exchange::parse(&shown, &text)?;
    let mut history = ctx.open_history()?;
    let stamp = ctx.stamp();
    let done = exchange::import(&mut history, &events, &stamp.author)?;
    writeln!(
        out,
        "Imported {} of {} events from {shown} ({} already in this history)",
        done.added,
        done.read,
        done.read - done.added
    )?;
    Ok(())
}
