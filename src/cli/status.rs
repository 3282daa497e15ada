//! `beast status` — where the team stands today, on one screen.

use std::io::Write;

use anyhow::Result;

use super::Context;
use crate::report::{self, json::Json, terminal::Terminal, Format};

/// Where the team stands: position, progress, month tasks, metrics, dog food
#[derive(clap::Args)]
pub struct Args {
    /// Print the same document as `beast report` instead of the screen
    #[arg(long)]
    json: bool,
}

pub fn run(ctx: &Context, args: Args, out: &mut dyn Write) -> Result<()> {
    let (catalog, roadmap) = ctx.load_roadmap()?;
    let mut store = ctx.open_store()?;
    let inputs = report::Inputs {
        roadmap: &roadmap,
        catalog: &catalog,
        today: ctx.today,
        now: ctx.now,
    };
    let r = store.read(|db| report::build(&inputs, db))?;
    if args.json {
        Json { pretty: true }.render(&r, out)
    } else {
        Terminal { color: ctx.color }.render(&r, out)
    }
}
