//! `beast dogfood <KIND>` — record a piece of work and whether BEAST MODE generated it.

use std::io::Write;

use anyhow::Result;

use super::Context;
use crate::app;
use crate::domain::catalog::fmt_number;
use crate::domain::dogfood::{self, generated_share};
use crate::report;

/// Record dog-fooding: a piece of work generated with BEAST MODE (or, with --manual, without it)
#[derive(clap::Args)]
#[command(after_help = "Examples:
  beast dogfood improvement          an improvement generated with BEAST MODE
  beast dogfood test --manual        a test written without BEAST MODE
  beast dogfood doc --note \"API guide\"
  beast dogfood                      shares against their targets")]
pub struct Args {
    /// improvement, test, optimization or doc; omit to show the shares
    #[arg(add = super::values::dogfood_kinds())]
    kind: Option<String>,
    /// The work was done without BEAST MODE (counts against the generated share)
    #[arg(long)]
    manual: bool,
    /// A note kept with the event
    #[arg(long, value_name = "TEXT")]
    note: Option<String>,
    /// Print JSON: what was recorded, or the shares
    #[arg(long)]
    json: bool,
    /// Print nothing on success
    #[arg(short, long)]
    quiet: bool,
}

pub fn run(ctx: &Context, args: Args, out: &mut dyn Write) -> Result<()> {
    let Some(typed) = args.kind.as_deref() else {
        let r = ctx.build_report()?;
        if args.json {
            serde_json::to_writer_pretty(&mut *out, &serde_json::json!({ "dogfood": r.dogfood }))?;
            writeln!(out)?;
            return Ok(());
        }
        for d in &r.dogfood {
            let share = d.share.map_or("no events".into(), |s| {
                format!("{}%", fmt_number(report::round(s, 1)))
            });
            let target = d
                .target
                .map_or(String::new(), |t| format!(", target {}%", fmt_number(t)));
            writeln!(
                out,
                "{:<13} {} generated, {} manual: {share}{target} — {}",
                d.kind.as_str(),
                d.generated,
                d.manual,
                d.verdict.label()
            )?;
        }
        return Ok(());
    };
    let kind = app::dogfood::parse_kind(typed)?;
    let (catalog, _) = ctx.load_roadmap()?;
    let mut history = ctx.open_history()?;
    let rec = app::dogfood::record(
        &mut history,
        kind,
        !args.manual,
        app::note(args.note.as_deref()),
        &ctx.stamp(),
    )?;
    let c = rec.counts;
    if args.quiet {
        return Ok(());
    }
    let how = if args.manual {
        "without BEAST MODE"
    } else {
        "with BEAST MODE"
    };
    let share = generated_share(c.generated, c.manual);
    let target = catalog
        .dogfood_targets
        .get(&kind)
        .map(|t| {
            let verdict = dogfood::verdict(share, Some(*t)).label();
            format!(", target {}% — {verdict}", fmt_number(*t))
        })
        .unwrap_or_default();
    if args.json {
        let target = catalog.dogfood_targets.get(&kind).copied();
        let v = serde_json::json!({
            "id": rec.id.to_string(), "kind": kind, "generated": !args.manual,
            "counts": { "generated": c.generated, "manual": c.manual },
            "share": share.map(|s| report::round(s, 2)), "target": target,
            "verdict": dogfood::verdict(share, target),
        });
        serde_json::to_writer_pretty(&mut *out, &v)?;
        writeln!(out)?;
        return Ok(());
    }
    let share = share.unwrap_or(0.0);
    let article = if kind.as_str().starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    writeln!(
        out,
        "Recorded {article} {kind} done {how}. {kind}: {}/{} generated ({}%){target} [{}]",
        c.generated,
        c.generated + c.manual,
        fmt_number(report::round(share, 1)),
        rec.id.short()
    )?;
    Ok(())
}
