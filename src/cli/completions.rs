//! `beast completions <SHELL>` — shell completion scripts, generated from the
//! same clap definitions that parse the command line, so they cannot drift.

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
  beast completions --out-dir completions/     write all five")]
pub struct Args {
    /// The shell to generate for
    #[arg(required_unless_present = "out_dir")]
    shell: Option<Shell>,
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
        return Ok(());
    }
    if let Some(shell) = args.shell {
        clap_complete::generate(shell, &mut cmd, "beast", out);
    }
    Ok(())
}
