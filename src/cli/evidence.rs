//! `beast evidence ID REF…` — attach proof to a completion.

use std::io::Write;

use anyhow::Result;

use super::Context;
use crate::app::corrections::describe;
use crate::app::evidence;
use crate::domain::event::Proof;

/// Attach evidence to a completion: a commit, a URL, or a file of the repository
#[derive(clap::Args)]
#[command(
    after_help = "A commit is checked to exist and stored by its full id (HEAD, branches and
short ids resolve); a path must exist in HEAD's tree and is stored with HEAD's
id; a URL (https:// or http://) is stored as given. A reference that does not
resolve is refused and nothing is recorded. A completion with evidence is
verified; retract the evidence event to take it back.

Commits can also carry it without a command, in a trailer of their message:
  Roadmap-Task: 1/1 Fix failed request tracking

Examples:
  beast evidence 3f9k2m1a HEAD
  beast evidence 3f9k2m1a https://ci.example.com/runs/812 src/cache/tiers.rs"
)]
pub struct Args {
    /// The completion's id or 8-character short id (shown by `beast complete` and `beast log`)
    id: String,
    /// Commits, paths in the repository, or URLs
    #[arg(required = true, num_args = 1.., value_name = "REF")]
    refs: Vec<String>,
    /// Print what was recorded as JSON
    #[arg(long)]
    json: bool,
    /// Print nothing on success
    #[arg(short, long)]
    quiet: bool,
}

/// Resolves every reference typed on the command line, before anything is
/// recorded.
pub fn resolve_all(ctx: &Context, typed: &[String]) -> Result<Vec<Proof>> {
    let repo = ctx.repo();
    let cwd = std::env::current_dir().unwrap_or_else(|_| ".".into());
    typed
        .iter()
        .map(|t| evidence::resolve(repo.as_ref(), &cwd, t))
        .collect()
}

/// "commit 1a2b3c4d5e6f", "url https://…", "path src/x.rs @ 1a2b3c4d5e6f".
pub fn show_proof(p: &Proof) -> String {
    let short = |c: &str| c.chars().take(12).collect::<String>();
    match p {
        Proof::Commit(c) => format!("commit {}", short(c)),
        Proof::Url(u) => format!("url {u}"),
        Proof::Path { path, commit } => format!("path {path} @ {}", short(commit)),
    }
}

pub fn run(ctx: &Context, args: Args, out: &mut dyn Write) -> Result<()> {
    let proofs = resolve_all(ctx, &args.refs)?;
    let mut history = ctx.open_history()?;
    let done = evidence::attach(&mut history, &args.id, &proofs, &ctx.stamp())?;
    if args.quiet {
        return Ok(());
    }
    if args.json {
        let proof = |p: &Proof| serde_json::json!({"kind": p.kind(), "ref": p.reference(), "commit": p.commit()});
        let v = serde_json::json!({
            "completion": done.completion.id.to_string(),
            "added": done.added.iter().map(|(id, p)| {
                let mut o = proof(p);
                o["id"] = id.to_string().into();
                o
            }).collect::<Vec<_>>(),
            "already": done.already.iter().map(proof).collect::<Vec<_>>(),
        });
        serde_json::to_writer_pretty(&mut *out, &v)?;
        writeln!(out)?;
        return Ok(());
    }
    let what = describe(&done.completion);
    for (id, p) in &done.added {
        writeln!(out, "Attached {} to {what} [{}]", show_proof(p), id.short())?;
    }
    for p in &done.already {
        writeln!(out, "{what} already has {}; nothing changed", show_proof(p))?;
    }
    Ok(())
}
