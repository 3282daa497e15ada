//! `beast report` — the full report for CI, JSON by default.

use std::io::Write;

use anyhow::Result;
use clap::ValueEnum;

use super::Context;
use crate::report::{json::Json, markdown::Markdown, Format};

#[derive(Clone, Copy, ValueEnum)]
enum ReportFormat {
    Json,
    Markdown,
}

/// The full report on stdout, for CI: `beast report > report.json`
#[derive(clap::Args)]
pub struct Args {
    /// Output format
    #[arg(long, value_enum, default_value_t = ReportFormat::Json)]
    format: ReportFormat,
    /// JSON on one line instead of indented
    #[arg(long)]
    compact: bool,
}

pub fn run(ctx: &Context, args: Args, out: &mut dyn Write) -> Result<()> {
    let r = ctx.build_report()?;
    let format: Box<dyn Format> = match args.format {
        ReportFormat::Json => Box::new(Json {
            pretty: !args.compact,
        }),
        ReportFormat::Markdown => Box::new(Markdown),
    };
    format.render(&r, out)
}
