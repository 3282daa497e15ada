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

/// Writes `name.1` for `cmd` and a page for each subcommand below it
/// (`beast-bench-cache.1`), leaving out clap's generated `help` commands.
fn write_man_pages(cmd: &clap::Command, name: &str, dir: &std::path::Path) -> Result<usize> {
    let mut page = Vec::new();
    let named = cmd.clone().name(name.to_string());
    clap_mangen::Man::new(named).render(&mut page)?;
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
        clap_mangen::Man::new(cmd).render(&mut text)?;
    } else if let Some(shell) = args.shell {
        clap_complete::generate(shell, &mut cmd, "beast", &mut text);
    }
    out.write_all(&text)?;
    Ok(())
}
