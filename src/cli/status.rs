//! `beast status` — where the team stands today, on one screen.

use std::io::Write;

use anyhow::Result;

use super::Context;
use crate::report::{json::Json, terminal::Terminal, Format};

/// Where the team stands: position, progress, month tasks, metrics, dog food
#[derive(clap::Args)]
pub struct Args {
    /// Print the same document as `beast report` instead of the screen
    #[arg(long)]
    json: bool,
}

pub fn run(ctx: &Context, args: Args, color: bool, out: &mut dyn Write) -> Result<()> {
    let r = ctx.build_report()?;
    if args.json {
        Json { pretty: true }.render(&r, out)
    } else {
        Terminal { color, width: None }.render(&r, out)
    }
}
