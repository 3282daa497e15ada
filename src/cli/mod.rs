//! Command-line parsing and dispatch. Each subcommand lives in its own file and
//! gets a [`Context`] with the options every command shares.

mod bench;
mod complete;
mod completions;
mod dogfood;
mod metric;
mod report;
mod roadmap;
mod status;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use anyhow::Result;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{CommandFactory, Parser, Subcommand, ValueEnum};

use crate::domain::{Catalog, Roadmap};
use crate::error::{self, exit, Failure};
use crate::roadmap_files;
use crate::store::Store;

const EXAMPLES: &str = "\
Examples:
  beast status                                   where the team stands today
  beast complete 1 1 \"Fix failed request tracking\"
  beast metric cacheHitRate 40                   record a reading
  beast dogfood improvement                      work generated with BEAST MODE
  beast report > report.json                     JSON for CI";

#[derive(Parser)]
#[command(
    name = "beast",
    version,
    about = "Track the BEAST MODE ML/LLM roadmap: tasks, metrics and dog-fooding, with real denominators",
    after_help = EXAMPLES,
    arg_required_else_help = true
)]
pub struct Cli {
    /// Database file [default: the user's data directory, e.g. ~/.local/share/beast/beast.db]
    #[arg(long, env = "BEAST_DB", global = true, value_name = "PATH")]
    db: Option<PathBuf>,

    /// Load the roadmap from this directory instead of the built-in one
    #[arg(long, env = "BEAST_ROADMAP", global = true, value_name = "DIR")]
    roadmap: Option<PathBuf>,

    /// Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time
    #[arg(long, env = "BEAST_TODAY", global = true, value_name = "DATE")]
    today: Option<String>,

    /// When to use colour
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true, value_name = "WHEN")]
    color: ColorChoice,

    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Subcommand)]
enum Command {
    Status(status::Args),
    Complete(complete::Args),
    Metric(metric::Args),
    Dogfood(dogfood::Args),
    Report(report::Args),
    Roadmap(roadmap::Args),
    Bench(bench::Args),
    Completions(completions::Args),
}

/// What every command may need: the date, the roadmap, the database.
pub struct Context {
    db: Option<PathBuf>,
    roadmap_dir: Option<PathBuf>,
    /// The date the roadmap position is computed from.
    pub today: NaiveDate,
    /// The time stamped on new records.
    pub now: DateTime<Utc>,
    /// Colour is allowed on stdout.
    pub color: bool,
}

impl Context {
    pub fn load_roadmap(&self) -> Result<(Catalog, Roadmap)> {
        let sources = match &self.roadmap_dir {
            Some(dir) => roadmap_files::from_dir(dir)?,
            None => roadmap_files::embedded(),
        };
        roadmap_files::load(&sources)
    }

    pub fn db_path(&self) -> Result<PathBuf> {
        if let Some(p) = &self.db {
            return Ok(p.clone());
        }
        match dirs::data_dir() {
            Some(d) => Ok(d.join("beast").join("beast.db")),
            None => error::store(
                "cannot find the user's data directory; pass --db PATH or set BEAST_DB",
            ),
        }
    }

    pub fn open_store(&self) -> Result<Store> {
        Store::open(&self.db_path()?)
    }

    /// Loads the roadmap, opens the store and builds the report in one read
    /// transaction: what `status`, `report` and `dogfood` show.
    pub fn build_report(&self) -> Result<crate::report::Report> {
        let (catalog, roadmap) = self.load_roadmap()?;
        let mut store = self.open_store()?;
        let inputs = crate::report::Inputs {
            roadmap: &roadmap,
            catalog: &catalog,
            today: self.today,
            now: self.now,
        };
        store.read(|db| crate::report::build(&inputs, db))
    }
}

fn parse_today(text: Option<&str>) -> Result<(NaiveDate, DateTime<Utc>)> {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        let now = Utc::now();
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

/// Parses a date or time given on the command line (`--at`).
pub fn parse_time(flag: &str, text: &str) -> Result<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        let noon = NaiveTime::from_hms_opt(12, 0, 0).expect("valid time");
        return Ok(date.and_time(noon).and_utc());
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.with_timezone(&Utc));
    }
    error::input(format!(
        "{flag} \"{text}\" is not a date; use YYYY-MM-DD or an RFC 3339 time like 2026-03-15T09:30:00Z"
    ))
}

/// Condenses a clap error into one line: what is wrong, the suggestion clap
/// found, and where to read more.
fn one_line_usage_error(e: &clap::Error) -> String {
    let rendered = e.render().to_string();
    let first = rendered
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("invalid command line")
        .trim()
        .trim_start_matches("error: ")
        .to_string();
    let mut msg = first;
    let suggestion = [
        ContextKind::SuggestedSubcommand,
        ContextKind::SuggestedArg,
        ContextKind::SuggestedValue,
    ]
    .into_iter()
    .find_map(|k| e.get(k));
    match suggestion {
        Some(ContextValue::String(s)) => msg.push_str(&format!(" (did you mean '{s}'?)")),
        Some(ContextValue::Strings(v)) if !v.is_empty() => {
            msg.push_str(&format!(" (did you mean '{}'?)", v[0]))
        }
        _ => {}
    }
    if let Some(ContextValue::Strings(values)) = e.get(ContextKind::ValidValue) {
        if !values.is_empty() {
            msg.push_str(&format!("; possible values: {}", values.join(", ")));
        }
    }
    msg.push_str("; run 'beast --help' for usage");
    msg
}

/// Runs the command line and returns the process exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            return match e.kind() {
                ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
                    let _ = e.print();
                    exit::OK
                }
                ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
                    let _ = e.print();
                    exit::USAGE
                }
                _ => {
                    eprintln!("error: {}", one_line_usage_error(&e));
                    exit::USAGE
                }
            };
        }
    };
    match run(cli) {
        Ok(()) => exit::OK,
        Err(e) => {
            // `beast report | head` closing the pipe early is not an error.
            if let Some(io) = e.downcast_ref::<std::io::Error>() {
                if io.kind() == std::io::ErrorKind::BrokenPipe {
                    return exit::OK;
                }
            }
            let code = e
                .downcast_ref::<Failure>()
                .map_or(exit::INPUT, Failure::exit_code);
            let message = format!("{e:#}").replace('\n', " ");
            eprintln!("error: {message}");
            code
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    let (today, now) = parse_today(cli.today.as_deref())?;
    let color = match cli.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    let ctx = Context {
        db: cli.db,
        roadmap_dir: cli.roadmap,
        today,
        now,
        color,
    };
    // Buffered: a pretty JSON report is hundreds of lines, and a line-buffered
    // stdout would make one system call for each.
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match cli.command {
        Command::Status(args) => status::run(&ctx, args, &mut out),
        Command::Complete(args) => complete::run(&ctx, args, &mut out),
        Command::Metric(args) => metric::run(&ctx, args, &mut out),
        Command::Dogfood(args) => dogfood::run(&ctx, args, &mut out),
        Command::Report(args) => report::run(&ctx, args, &mut out),
        Command::Roadmap(args) => roadmap::run(&ctx, args, &mut out),
        Command::Bench(args) => bench::run(&ctx, args, &mut out),
        Command::Completions(args) => completions::run(args, &mut out),
    }?;
    out.flush()?;
    Ok(())
}

/// The clap command tree, for completions and documentation.
pub fn command() -> clap::Command {
    Cli::command()
}

/// Parses a month number typed by a user.
pub fn parse_month(text: &str) -> Result<u32> {
    match text.trim().parse::<i64>() {
        Ok(m) if (1..=crate::domain::roadmap::LAST_MONTH as i64).contains(&m) => Ok(m as u32),
        Ok(m) => error::input(format!(
            "month {m} is outside the roadmap; use a month from 1 to 48 (month 25 is the first month of year 3)"
        )),
        Err(_) => error::input(format!("month \"{text}\" is not a number; use a month from 1 to 48")),
    }
}

/// Parses a week number typed by a user.
pub fn parse_week(text: &str) -> Result<u8> {
    match text.trim().parse::<i64>() {
        Ok(w) if (1..=4).contains(&w) => Ok(w as u8),
        Ok(w) => error::input(format!(
            "week {w} is outside the month; use a week from 1 to 4 (days 1–7, 8–14, 15–21, 22 on)"
        )),
        Err(_) => error::input(format!(
            "week \"{text}\" is not a number; use a week from 1 to 4"
        )),
    }
}

/// The years the loaded roadmap covers, for messages: "1, 3, 4".
pub fn loaded_years(roadmap: &Roadmap) -> String {
    let years: Vec<String> = roadmap.years.iter().map(|y| y.number.to_string()).collect();
    years.join(", ")
}

/// Says plainly that a month's year has no roadmap, naming the years that do.
pub fn no_roadmap_for(roadmap: &Roadmap, month: u32) -> String {
    let year = crate::domain::roadmap::year_of(month);
    format!(
        "month {month} is in year {year}, which has no roadmap yet (no source document; loaded years: {}); record unplanned work with --adhoc",
        loaded_years(roadmap)
    )
}
