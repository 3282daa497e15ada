//! `beast completions <SHELL>` — shell completion scripts and man pages,
//! generated from the same clap definitions that parse the command line, so
//! they cannot drift (a test keeps the checked-in copies in `completions/`
//! equal to what the binary generates).

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context as _, Result};
use clap_complete::Shell;

use crate::error;

/// Print a shell completion script (bash, zsh, fish, powershell, elvish)
#[derive(clap::Args)]
#[command(after_help = "Examples:
  beast completions bash > ~/.local/share/bash-completion/completions/beast
  beast completions zsh > ~/.zfunc/_beast
  beast completions --man > beast.1             the man page
  beast completions --out-dir completions/     write all five and the man pages")]
pub struct Args {
    /// The shell to generate for
    #[arg(required_unless_present_any = ["out_dir", "man"])]
    shell: Option<Shell>,
    /// Print the man page (roff) instead
    #[arg(long, conflicts_with_all = ["shell", "out_dir"])]
    man: bool,
    /// Write the scripts for every shell into this directory instead
    #[arg(long, value_name = "DIR", conflicts_with = "shell")]
    out_dir: Option<PathBuf>,
}

pub const SHELLS: [Shell; 5] = [
    Shell::Bash,
    Shell::Zsh,
    Shell::Fish,
    Shell::PowerShell,
    Shell::Elvish,
];

/// Text for a roff page: backslashes escaped, and a line that would start
/// with a control character (`.` or `'`) guarded.
fn roff_text(text: &str) -> String {
    text.lines()
        .map(|l| {
            let l = l.replace('\\', "\\e").replace('-', "\\-");
            if l.starts_with('.') || l.starts_with('\'') {
                format!("\\&{l}")
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

const ENVIRONMENT: &[(&str, &str)] = &[
    (
        "BEAST_DB",
        "A personal database file to use instead of the project's history (as --db).",
    ),
    (
        "BEAST_PROJECT",
        "The project whose history to use (as --project).",
    ),
    (
        "BEAST_AUTHOR",
        "Who records (as --author); the name of your file in the project's log.",
    ),
    (
        "BEAST_ROADMAP",
        "A roadmap directory to use instead of the built-in roadmap (as --roadmap).",
    ),
    (
        "BEAST_TODAY",
        "Pretend today is this date (YYYY-MM-DD or RFC 3339), for scripts and tests (as --today).",
    ),
    (
        "BEAST_SAFE_PROJECTS",
        "Repositories (a list like PATH, or *) whose .beast/ may belong to another user.",
    ),
    (
        "BEAST_BUSY_TIMEOUT_MS",
        "How long to wait for another process's lock on the database (default 30000).",
    ),
    (
        "NO_COLOR",
        "When set and not empty, no colour (tables are still fitted to the terminal).",
    ),
    (
        "GITHUB_ACTIONS",
        "When true, beast check also writes ::error and ::warning annotations.",
    ),
    (
        "GITHUB_STEP_SUMMARY",
        "The job summary file beast check and beast report --summary append Markdown to.",
    ),
];

const FILES: &[(&str, &str)] = &[
    ("refs/beast/history", "A project's shared history: a git ref beside the code (events/<author>.jsonl in its tree), fetched and pushed by beast sync."),
    (".git/beast/events/*.jsonl", "The clone's copy of the project's log, one append-only file per author, in the git directory (never in the working tree)."),
    (".git/beast/index.db", "The project's local index (SQLite), rebuilt from the log whenever it is missing."),
    (".beast/config.toml", "The project's settings: roadmap, author, time zone, [check]."),
    ("~/.local/share/beast/beast.db", "The personal database outside a project (the user's data directory), made by the first record."),
    ("~/.cache/beast/embeddings/", "Sentence embeddings of earlier benchmark runs, one file per model (the user's cache directory); deleting it costs only time."),
];

const EXIT_STATUS: &[(&str, &str)] = &[
    ("0", "Success, including no-ops and a reader closing the pipe early."),
    ("1", "Input rejected (an unknown task or metric, a value out of range, a bad date, an unreadable file); nothing changed."),
    ("2", "Command-line usage: unknown command or flag, missing argument."),
    ("3", "The roadmap files are unreadable or invalid."),
    ("4", "The history is unusable (not beast's, newer, locked, unwritable, a link inside .beast/) or not fetched yet (run beast sync)."),
    ("5", "beast check ran and a rule it fails on does not hold (even when a reader closed its output early)."),
    ("6", "The record was stored but printing the result failed: do not record it again."),
];

/// A section of tagged paragraphs: `.TP` with the term in bold.
fn tagged(out: &mut Vec<u8>, title: &str, items: &[(&str, &str)]) -> std::io::Result<()> {
    match title.contains(' ') {
        true => writeln!(out, ".SH \"{title}\"")?,
        false => writeln!(out, ".SH {title}")?,
    }
    for (term, text) in items {
        writeln!(out, ".TP\n\\fB{}\\fR\n{}", roff_text(term), roff_text(text))?;
    }
    Ok(())
}

/// One man page: clap's sections, then the command's examples as written
/// (not reflowed), and on the top page what the environment, files and exit
/// status mean.
fn man_page(cmd: &clap::Command, top: bool) -> Result<Vec<u8>> {
    let man = clap_mangen::Man::new(cmd.clone());
    let mut out = Vec::new();
    man.render_title(&mut out)?;
    man.render_name_section(&mut out)?;
    man.render_synopsis_section(&mut out)?;
    man.render_description_section(&mut out)?;
    if cmd.get_arguments().any(|a| !a.is_hide_set()) {
        man.render_options_section(&mut out)?;
    }
    if cmd.get_subcommands().any(|s| !s.is_hide_set()) {
        man.render_subcommands_section(&mut out)?;
    }
    if let Some(after) = cmd.get_after_help() {
        let text = after.to_string();
        let (notes, examples) = match text.split_once("Examples:") {
            Some((n, e)) => (n.trim(), e.trim_matches('\n')),
            None => (text.trim(), ""),
        };
        if !notes.is_empty() {
            writeln!(out, ".SH NOTES\n.nf\n{}\n.fi", roff_text(notes))?;
        }
        if !examples.is_empty() {
            writeln!(out, ".SH EXAMPLES\n.nf\n{}\n.fi", roff_text(examples))?;
        }
    }
    if top {
        tagged(&mut out, "ENVIRONMENT", ENVIRONMENT)?;
        tagged(&mut out, "FILES", FILES)?;
    }
    tagged(&mut out, "EXIT STATUS", EXIT_STATUS)?;
    if !top {
        writeln!(out, ".SH \"SEE ALSO\"\n\\fBbeast\\fR(1)")?;
    }
    if cmd.get_version().is_some() {
        man.render_version_section(&mut out)?;
    }
    Ok(out)
}

/// Writes `name.1` for `cmd` and a page for each subcommand below it
/// (`beast-bench-cache.1`), leaving out clap's generated `help` commands.
fn write_man_pages(cmd: &clap::Command, name: &str, dir: &std::path::Path) -> Result<usize> {
    let named = cmd.clone().name(name.to_string());
    let page = man_page(&named, name == "beast")?;
    std::fs::write(dir.join(format!("{name}.1")), page)?;
    let mut n = 1;
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        n += write_man_pages(sub, &format!("{name}-{}", sub.get_name()), dir)?;
    }
    Ok(n)
}

pub fn run(args: Args, out: &mut dyn Write) -> Result<()> {
    let mut cmd = super::command();
    if let Some(dir) = args.out_dir {
        if let Err(e) = std::fs::create_dir_all(&dir) {
            return error::input(format!(
                "cannot create {}: {e}; choose a writable --out-dir",
                dir.display()
            ));
        }
        for shell in SHELLS {
            let path =
                clap_complete::generate_to(shell, &mut cmd, "beast", &dir).with_context(|| {
                    format!("writing the {shell} completions into {}", dir.display())
                })?;
            writeln!(out, "wrote {}", path.display())?;
        }
        let n = write_man_pages(&cmd, "beast", &dir)
            .with_context(|| format!("writing the man pages into {}", dir.display()))?;
        writeln!(out, "wrote {n} man pages (beast.1, beast-*.1)")?;
        return Ok(());
    }
    // Generated into memory first: clap_complete panics when its writer
    // fails, and a full disk or a closed pipe must be an ordinary error.
    let mut text = Vec::new();
    if args.man {
        text = man_page(&cmd, true)?;
    } else if let Some(shell) = args.shell {
        clap_complete::generate(shell, &mut cmd, "beast", &mut text);
    }
    out.write_all(&text)?;
    Ok(())
}
