//! `beast report` — the full report for CI: JSON by default, or Markdown,
//! OpenMetrics or a self-contained HTML page.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::ValueEnum;

use super::Context;
use crate::error;
use crate::report::{html::Html, json::Json, markdown::Markdown, openmetrics::OpenMetrics, Format};

#[derive(Clone, Copy, ValueEnum)]
enum ReportFormat {
    Json,
    Markdown,
    Openmetrics,
    Html,
}

/// The full report, for CI: `beast report > report.json`
#[derive(clap::Args)]
#[command(after_help = "Examples:
  beast report > report.json                                   JSON (its schema: beast report --schema)
  beast report --format markdown                               for a pull-request comment
  beast report --summary                                       append the Markdown to $GITHUB_STEP_SUMMARY
  beast report --format openmetrics -o /var/lib/prometheus/node-exporter/beast.prom
  beast report --format openmetrics | curl --data-binary @- http://pushgateway:9091/metrics/job/beast/project/NAME
  beast report --format html -o roadmap.html                   a page with charts, no network needed")]
pub struct Args {
    /// Output format
    #[arg(long, value_enum, default_value_t = ReportFormat::Json)]
    format: ReportFormat,
    /// JSON on one line instead of indented
    #[arg(long)]
    compact: bool,
    /// The JSON report (the default; for symmetry with `status --json`)
    #[arg(long, conflicts_with = "format")]
    json: bool,
    /// OpenMetrics: stamp each series' value with when it was measured (node_exporter's
    /// textfile collector and Pushgateway refuse timestamps; Prometheus scraping a file
    /// server does not)
    #[arg(long)]
    timestamps: bool,
    /// OpenMetrics: a label every sample carries, after `project` (repeatable), e.g.
    /// --label team=search
    #[arg(long, value_name = "KEY=VALUE")]
    label: Vec<String>,
    /// Write to FILE (atomically: readers never see half a file) instead of stdout
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Append the Markdown report to the file $GITHUB_STEP_SUMMARY names (a GitHub Actions job summary)
    #[arg(long, conflicts_with_all = ["format", "output", "schema", "json"])]
    summary: bool,
    /// Print the JSON Schema of the JSON report and exit
    #[arg(long, conflicts_with_all = ["format", "output"])]
    schema: bool,
}

/// `--label KEY=VALUE`s: a key is a Prometheus label name other than
/// `project` (which every sample has) and a value any text.
fn parse_labels(given: &[String]) -> Result<Vec<(String, String)>> {
    let mut out: Vec<(String, String)> = Vec::new();
    for l in given {
        let Some((k, v)) = l.split_once('=') else {
            return error::input(format!(
                "--label \"{}\" must be KEY=VALUE, like team=search",
                l.escape_default()
            ));
        };
        let k = k.trim();
        let valid = k
            .chars()
            .enumerate()
            .all(|(i, c)| c == '_' || c.is_ascii_alphabetic() || (i > 0 && c.is_ascii_digit()));
        let reserved = [
            "project", "metric", "source", "kind", "scope", "state", "version", "commit", "branch",
            "le", "quantile",
        ];
        if k.is_empty() || !valid || k.starts_with("__") || reserved.contains(&k) {
            return error::input(format!(
                "--label {}: \"{}\" is not a label name beast may add (letters, digits and _, not starting with a digit or __, and not one beast's series use: {})",
                l.escape_default(),
                k.escape_default(),
                reserved.join(", ")
            ));
        }
        if let Err(why) = crate::domain::validate::check_text("the label's value", v, 200, false) {
            return error::input(format!("--label {k}: {why}"));
        }
        if out.iter().any(|(o, _)| o == k) {
            return error::input(format!("--label {k} is given twice"));
        }
        out.push((k.to_string(), v.to_string()));
    }
    Ok(out)
}

/// Writes `bytes` to `path` through a temporary file in the same directory
/// and a rename, so that a reader (node_exporter's textfile collector, a
/// browser) sees the old file or the new one, never half of one.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    // Renaming over a link, device or FIFO would replace it (as root,
    // `-o /dev/null` would replace /dev/null): only a file or a new path.
    crate::files::check_output(path).or_else(error::input)?;
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let fail = |e: std::io::Error| {
        error::Failure::Input(format!(
            "cannot write {}: {e}; choose a writable path",
            path.display()
        ))
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(fail)?;
    // Readable like any file the user writes (a temporary file starts 0600).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = tmp
            .as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644));
    }
    tmp.write_all(bytes).map_err(fail)?;
    tmp.as_file().sync_all().map_err(fail)?;
    tmp.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
}

pub fn run(ctx: &Context, args: Args, out: &mut dyn Write) -> Result<()> {
    if args.schema {
        writeln!(out, "{}", crate::report::schema::json_schema())?;
        return Ok(());
    }
    // Charts show up to this many readings of each metric.
    let series = if matches!(args.format, ReportFormat::Html) {
        500
    } else {
        0
    };
    let r = ctx.build_report_from(&mut ctx.open_readable()?, series)?;
    if args.summary {
        let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) else {
            return error::input(
                "--summary appends to the file $GITHUB_STEP_SUMMARY names, and it is not set (outside GitHub Actions, use --format markdown)",
            );
        };
        let mut text = Vec::new();
        Markdown.render(&r, &mut text)?;
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .or_else(|e| {
                error::input(format!(
                    "cannot append to $GITHUB_STEP_SUMMARY ({}): {e}",
                    Path::new(&path).display()
                ))
            })?;
        f.write_all(b"\n")?;
        f.write_all(&text)?;
        writeln!(out, "appended the report to the job summary")?;
        return Ok(());
    }
    let format: Box<dyn Format> = match args.format {
        ReportFormat::Json => Box::new(Json {
            pretty: !args.compact,
        }),
        ReportFormat::Markdown => Box::new(Markdown),
        ReportFormat::Openmetrics => Box::new(OpenMetrics {
            timestamps: args.timestamps,
            labels: parse_labels(&args.label)?,
        }),
        ReportFormat::Html => Box::new(Html),
    };
    match &args.output {
        None => format.render(&r, out),
        Some(path) => {
            let mut bytes = Vec::new();
            format.render(&r, &mut bytes)?;
            write_atomically(path, &bytes)
        }
    }
}
