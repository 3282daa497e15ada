//! `beast init` — make the repository carry the team's history.

use std::io::Write;

use anyhow::Result;

use crate::project;

/// Start a project history in this git repository (.beast/config.toml and refs/beast/history)
#[derive(clap::Args)]
#[command(after_help = "Creates:
  .beast/config.toml      optional settings (roadmap directory, author, time zone), documented
                          inside; commit it, it is reviewed with the code
  refs/beast/history      the team's history, on a ref of its own, never in the working tree;
                          `beast sync --push` shares it, `beast sync` in a clone fetches it

Every beast command run inside the repository then uses this history.
Move a personal history in with: beast --db OLD.db export -o old.jsonl && beast import old.jsonl")]
pub struct Args {
    /// Print nothing on success
    #[arg(short, long)]
    quiet: bool,
    /// Print what was set up as JSON ({"dir", "created"})
    #[arg(long)]
    json: bool,
}

pub fn run(args: &Args, out: &mut dyn Write) -> Result<()> {
    let cwd = std::env::current_dir()?;
    let init = project::init(&cwd)?;
    if args.quiet {
        return Ok(());
    }
    let dir = init.project.dir();
    if args.json {
        let created: Vec<String> = init
            .created
            .iter()
            .map(|p| {
                p.strip_prefix(&init.project.root)
                    .unwrap_or(p)
                    .display()
                    .to_string()
            })
            .collect();
        let v = serde_json::json!({ "dir": dir.display().to_string(), "created": created });
        serde_json::to_writer_pretty(&mut *out, &v)?;
        writeln!(out)?;
        return Ok(());
    }
    if init.created.is_empty() {
        writeln!(out, "{} is already set up; nothing changed", dir.display())?;
        return Ok(());
    }
    writeln!(out, "Set up the project history in {}:", dir.display())?;
    for p in &init.created {
        let shown = p.strip_prefix(&init.project.root).unwrap_or(p);
        writeln!(out, "  created {}", shown.display())?;
    }
    writeln!(
        out,
        "Commit .beast/ so that the team and CI use it (git add .beast && git commit -m \"beast: project settings\"); share the history, which lives on {}, with `beast sync --push`",
        crate::home::HISTORY_REF
    )?;
    Ok(())
}
