//! Command-line parsing and dispatch. Each subcommand lives in its own file and
//! gets a [`Context`] with the options every command shares.

mod bench;
mod check;
mod complete;
mod completions;
mod corrections;
mod dogfood;
mod evidence;
mod exchange;
mod init;
mod log;
mod metric;
mod report;
mod roadmap;
mod status;
mod sync;
mod values;
mod visible;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use anyhow::Result;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{CommandFactory, Parser, Subcommand, ValueEnum};

pub use crate::app::Context;
use crate::error::{self, exit, Failure};

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
    #[command(flatten)]
    global: Global,

    #[command(subcommand)]
    command: Command,
}

/// The options every command takes.
#[derive(clap::Args)]
struct Global {
    /// A personal database file instead of the project's history [default: the project's
    /// .beast/ if there is one, else the user's data directory, e.g. ~/.local/share/beast/beast.db]
    #[arg(
        long,
        env = "BEAST_DB",
        global = true,
        help_heading = "Global options",
        value_name = "PATH"
    )]
    db: Option<PathBuf>,

    /// The project whose history to use (a repository holding .beast/) [default: found by
    /// walking up from the working directory]
    #[arg(
        long,
        env = "BEAST_PROJECT",
        global = true,
        help_heading = "Global options",
        value_name = "DIR"
    )]
    project: Option<PathBuf>,

    /// Who records [default: the project's config, else `git config user.email`, else the user name]
    #[arg(
        long,
        env = "BEAST_AUTHOR",
        global = true,
        help_heading = "Global options",
        value_name = "NAME"
    )]
    author: Option<String>,

    /// Load the roadmap from this directory instead of the built-in one
    #[arg(
        long,
        env = "BEAST_ROADMAP",
        global = true,
        help_heading = "Global options",
        value_name = "DIR"
    )]
    roadmap: Option<PathBuf>,

    /// Pretend today is this date (YYYY-MM-DD, or an RFC 3339 time); new records get its time
    #[arg(
        long,
        env = "BEAST_TODAY",
        global = true,
        help_heading = "Global options",
        value_name = "DATE"
    )]
    today: Option<String>,

    /// When to use colour
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true, help_heading = "Global options", value_name = "WHEN")]
    color: ColorChoice,
}

/// The command line parsed with only the subcommand it names built: clap
/// builds every subcommand's arguments before it parses, and that — more
/// than half of what `beast --version` does — is paid by every command.
/// None when the quick parse does not succeed (help, a typo, an error): the
/// full parse then gives clap's messages and suggestions.
fn quick_parse() -> Option<Cli> {
    use clap::{Args, FromArgMatches};
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let top =
        || Global::augment_args(clap::Command::new("beast").version(env!("CARGO_PKG_VERSION")));
    let named = args
        .iter()
        .skip(1)
        .find_map(|a| a.to_str().and_then(subcommand));
    let Some((name, augment)) = named else {
        // No subcommand: only `--version` is answered here.
        if let Err(e) = top().try_get_matches_from(&args) {
            if e.kind() == ErrorKind::DisplayVersion {
                let _ = e.print();
                std::process::exit(exit::OK);
            }
        }
        return None;
    };
    let matches = top()
        .subcommand(augment(clap::Command::new(name)))
        .subcommand_required(true)
        .try_get_matches_from(&args)
        .ok()?;
    Some(Cli {
        global: Global::from_arg_matches(&matches).ok()?,
        command: Command::from_arg_matches(&matches).ok()?,
    })
}

/// Adds a subcommand's arguments to its command.
type Augment = fn(clap::Command) -> clap::Command;

/// A subcommand's name and how to build its arguments (every subcommand of
/// [`Command`]; a test holds the two together).
fn subcommand(name: &str) -> Option<(&'static str, Augment)> {
    use clap::Args;
    Some(match name {
        "status" => ("status", status::Args::augment_args),
        "complete" => ("complete", complete::Args::augment_args),
        "evidence" => ("evidence", evidence::Args::augment_args),
        "metric" => ("metric", metric::Args::augment_args),
        "dogfood" => ("dogfood", dogfood::Args::augment_args),
        "report" => ("report", report::Args::augment_args),
        "check" => ("check", check::Args::augment_args),
        "roadmap" => ("roadmap", roadmap::Args::augment_args),
        "bench" => ("bench", bench::Args::augment_args),
        "init" => ("init", init::Args::augment_args),
        "undo" => ("undo", corrections::UndoArgs::augment_args),
        "retract" => ("retract", corrections::RetractArgs::augment_args),
        "log" => ("log", log::Args::augment_args),
        "sync" => ("sync", sync::Args::augment_args),
        "export" => ("export", exchange::ExportArgs::augment_args),
        "import" => ("import", exchange::ImportArgs::augment_args),
        "completions" => ("completions", completions::Args::augment_args),
        _ => return None,
    })
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
    Evidence(evidence::Args),
    Metric(metric::Args),
    Dogfood(dogfood::Args),
    Report(report::Args),
    Check(check::Args),
    Roadmap(roadmap::Args),
    Bench(bench::Args),
    Init(init::Args),
    Undo(corrections::UndoArgs),
    Retract(corrections::RetractArgs),
    Log(log::Args),
    Sync(sync::Args),
    Export(exchange::ExportArgs),
    Import(exchange::ImportArgs),
    Completions(completions::Args),
}

/// What every command may need: the date, the roadmap, the history.
/// The table style of every human-readable listing.
pub(crate) fn table() -> comfy_table::Table {
    let mut t = comfy_table::Table::new();
    t.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(comfy_table::ContentArrangement::Dynamic);
    t
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
    // "the following required arguments were not provided:" — name them.
    if e.kind() == ErrorKind::MissingRequiredArgument {
        if let Some(ContextValue::Strings(missing)) = e.get(ContextKind::InvalidArg) {
            if !missing.is_empty() && msg.ends_with(':') {
                msg.push(' ');
                msg.push_str(&missing.join(", "));
            }
        }
    }
    let suggestion = [
        ContextKind::SuggestedSubcommand,
        ContextKind::SuggestedArg,
        ContextKind::SuggestedValue,
    ]
    .into_iter()
    .find_map(|k| e.get(k));
    match suggestion {
        Some(ContextValue::String(s)) => msg.push_str(&format!(" (did you mean '{s}'?)")),
        // clap lists its suggestions most similar last.
        Some(ContextValue::Strings(v)) if !v.is_empty() => {
            msg.push_str(&format!(" (did you mean '{}'?)", v[v.len() - 1]))
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
    // A last resort: a bug shows as one line that says what to do, not a
    // backtrace. Nothing is written after a panic (writes are transactions).
    std::panic::set_hook(Box::new(|info| {
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic".into());
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        crate::say!(
            "error: internal error in beast ({}{at}); nothing half-written was kept; please report this with the command you ran",
            crate::report::visible(&what)
        );
    }));
    // `COMPLETE=<shell> beast …`: the shell asking for completions (see
    // `values`); nothing else runs. Without the variable this returns at once.
    clap_complete::CompleteEnv::with_factory(command).complete();
    let cli = match quick_parse().map_or_else(Cli::try_parse, Ok) {
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
                    crate::say!(
                        "error: {}",
                        crate::report::visible(&one_line_usage_error(&e))
                    );
                    exit::USAGE
                }
            };
        }
    };
    match run(cli) {
        Ok(()) => exit::OK,
        Err(e) => {
            // `beast report | head` closing the pipe early is not an error.
            if let Some(io) = output_error(&e) {
                if io.kind() == std::io::ErrorKind::BrokenPipe {
                    return exit::OK;
                }
                // Printing failed. If something was stored, say so: a script
                // that retries would record it twice.
                let stored = crate::app::history::recorded_by_this_process();
                if let Some(last) = stored.last() {
                    crate::say!(
                        "error: recorded {} event{} (last {}), but could not print the result: {io}; do not record it again",
                        stored.len(),
                        if stored.len() == 1 { "" } else { "s" },
                        last
                    );
                    return exit::STORED_NOT_SHOWN;
                }
                crate::say!("error: cannot write the output: {io}; check where stdout goes");
                return exit::INPUT;
            }
            let code = e
                .downcast_ref::<Failure>()
                .map_or(exit::INPUT, Failure::exit_code);
            let message = format!("{e:#}").replace('\n', " ");
            crate::say!("error: {}", crate::report::visible(&message));
            code
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    // Commands that need no history, and `init`, which makes one.
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match &cli.command {
        Command::Completions(_) => {
            let Command::Completions(args) = cli.command else {
                unreachable!()
            };
            completions::run(args, &mut out)?;
            out.flush()?;
            return Ok(());
        }
        Command::Init(args) => {
            init::run(args, &mut out)?;
            out.flush()?;
            return Ok(());
        }
        _ => {}
    }
    let Global {
        db,
        project,
        author,
        roadmap,
        today,
        color,
    } = cli.global;
    let settings = crate::app::context::Settings {
        db,
        project,
        author,
        roadmap,
        today,
    };
    let ctx = Context::new(settings, |w| {
        crate::say!("warning: {}", crate::report::visible(w))
    })?;
    let color = match color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
        }
    };
    // Buffered (see above): a pretty JSON report is hundreds of lines, and a
    // line-buffered stdout would make one system call for each. Everything
    // but the coloured status screen goes through a writer that shows
    // control characters instead of obeying them.
    if matches!(
        cli.command,
        Command::Status(_) | Command::Report(_) | Command::Check(_)
    ) {
        ctx.require_history()?;
    }
    if let Command::Status(args) = cli.command {
        status::run(&ctx, args, color, &mut out)?;
        out.flush()?;
        return Ok(());
    }
    let mut out = visible::Visible::new(out);
    match cli.command {
        Command::Complete(args) => complete::run(&ctx, args, &mut out),
        Command::Evidence(args) => evidence::run(&ctx, args, &mut out),
        Command::Metric(args) => metric::run(&ctx, args, &mut out),
        Command::Dogfood(args) => dogfood::run(&ctx, args, &mut out),
        Command::Report(args) => report::run(&ctx, args, &mut out),
        Command::Check(args) => check::run(&ctx, args, &mut out),
        Command::Roadmap(args) => roadmap::run(&ctx, args, &mut out),
        Command::Bench(args) => bench::run(&ctx, args, &mut out),
        Command::Undo(args) => corrections::undo(&ctx, args, &mut out),
        Command::Retract(args) => corrections::retract(&ctx, args, &mut out),
        Command::Log(args) => log::run(&ctx, args, &mut out),
        Command::Sync(args) => sync::run(&ctx, args, &mut out),
        Command::Export(args) => exchange::export(&ctx, args, &mut out),
        Command::Import(args) => exchange::import(&ctx, args, &mut out),
        Command::Status(_) | Command::Completions(_) | Command::Init(_) => {
            unreachable!("handled above")
        }
    }?;
    out.flush()?;
    Ok(())
}

/// The failure to write output behind an error, if that is what it is: an
/// I/O error itself, or one inside the JSON writer's error.
fn output_error(e: &anyhow::Error) -> Option<std::io::Error> {
    if let Some(io) = e.downcast_ref::<std::io::Error>() {
        return Some(std::io::Error::new(io.kind(), io.to_string()));
    }
    e.downcast_ref::<serde_json::Error>()
        .and_then(serde_json::Error::io_error_kind)
        .map(|k| std::io::Error::new(k, e.to_string()))
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

#[cfg(test)]
mod quick_parse_tests {
    use clap::CommandFactory;

    #[test]
    fn every_subcommand_can_be_built_alone() {
        let full = super::Cli::command();
        let names: Vec<&str> = full.get_subcommands().map(|c| c.get_name()).collect();
        assert!(names.len() >= 16, "{names:?}");
        for name in names {
            let (n, augment) = super::subcommand(name).unwrap_or_else(|| panic!("{name}"));
            assert_eq!(n, name);
            let alone = augment(clap::Command::new(n));
            let whole = full.find_subcommand(name).unwrap();
            let args = |c: &clap::Command| -> Vec<String> {
                let mut v: Vec<String> =
                    c.get_arguments().map(|a| a.get_id().to_string()).collect();
                v.sort();
                v
            };
            assert_eq!(args(&alone), args(whole), "{name}");
        }
    }
}
