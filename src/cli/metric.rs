//! `beast metric [NAME [VALUE]]` — record a reading, show one metric's history,
//! or list the catalog with the latest values.

use std::io::Write;

use anyhow::Result;
use comfy_table::CellAlignment;

use super::{parse_time, Context};
use crate::app;
use crate::app::readings::{self, resolve, ReadingRequest};
use crate::domain::catalog::{significant, MetricDef};
use crate::domain::{Catalog, Position};

/// Record a metric reading, show a metric's history, or list the catalog
#[derive(clap::Args)]
#[command(after_help = "Examples:
  beast metric                                   the catalog with latest values
  beast metric cacheHitRate 40                   record a reading
  beast metric latency 200 --note \"after L2 cache\"
  beast metric selection_accuracy 95 --at 2026-03-01
  beast metric cacheHitRate                      the history of one metric")]
pub struct Args {
    /// Metric id from the catalog (cacheHitRate, cache_hit_rate and CacheHitRate all work)
    #[arg(add = super::values::metrics())]
    name: Option<String>,
    /// Value to record, in the metric's unit (40 or 40% for a percentage)
    #[arg(allow_hyphen_values = true)]
    value: Option<String>,
    /// A note kept with the reading
    #[arg(long, value_name = "TEXT")]
    note: Option<String>,
    /// When the value was measured (YYYY-MM-DD or RFC 3339) [default: now]
    #[arg(long, value_name = "TIME")]
    at: Option<String>,
    /// Where the value comes from, e.g. manual, grafana, ci
    #[arg(long, default_value = "manual", value_name = "SOURCE")]
    source: String,
    /// How many readings the history shows
    #[arg(long, default_value_t = 20, value_name = "N")]
    limit: usize,
    /// Print JSON: the reading recorded, the history, or the catalog
    #[arg(long)]
    json: bool,
    /// Accept a --at before the roadmap's start (2026-01-01)
    #[arg(long)]
    force: bool,
    /// Print nothing on success
    #[arg(short, long)]
    quiet: bool,
}

pub fn run(ctx: &Context, args: Args, out: &mut dyn Write) -> Result<()> {
    let (catalog, _) = ctx.load_roadmap()?;
    let Some(name) = args.name.as_deref() else {
        return list(ctx, catalog, args.json, out);
    };
    let def = resolve(catalog, name)?;
    if let Some(v) = args.value.as_deref().filter(|v| looks_like_a_flag(v)) {
        return Err(crate::error::Failure::Usage(format!(
            "unexpected argument '{}' found; run 'beast metric --help' for usage",
            v.escape_default()
        ))
        .into());
    }
    let Some(value_text) = args.value.as_deref() else {
        return history(ctx, def, args.limit, args.json, out);
    };
    let at = match args.at.as_deref() {
        Some(t) => Some(parse_time("--at", t)?),
        None => None,
    };
    let mut history = ctx.open_history()?;
    let req = ReadingRequest {
        value: value_text,
        at,
        force: args.force,
        source: &args.source,
        note: app::note(args.note.as_deref()),
    };
    let rec = readings::record(&mut history, def, &req, &ctx.stamp())?;
    if let Some(hint) = &rec.hint {
        crate::say!("note: {hint}");
    }
    let (count, latest, value, source) = (rec.count, rec.latest, rec.value, rec.source);
    if args.quiet {
        return Ok(());
    }
    let pos = Position::from_date(ctx.today);
    let verdict = def.verdict(latest, pos);
    if args.json {
        let t = def.target_in_force(pos);
        let v = serde_json::json!({
            "id": rec.id.to_string(), "metric": def.id, "value": value, "source": source,
            "count": count, "latest": latest,
            "target": t.map(|t| serde_json::json!({"month": t.month, "value": t.value})),
            "verdict": verdict,
        });
        serde_json::to_writer_pretty(&mut *out, &v)?;
        writeln!(out)?;
        return Ok(());
    }
    let target = def
        .target_in_force(pos)
        .map(|t| {
            format!(
                "; target {} by month {} — {}",
                def.format_value(t.value),
                t.month,
                verdict.label()
            )
        })
        .unwrap_or_default();
    writeln!(
        out,
        "Recorded {} = {} ({source}, reading {count}){target} [{}]",
        def.id,
        def.format_value(value),
        rec.id.short()
    )?;
    Ok(())
}

/// A value position holding a flag rather than a (possibly negative or
/// non-finite) number: `--bogus`, `-x`, but not `-5`, `-.5` or `-inf`.
fn looks_like_a_flag(v: &str) -> bool {
    let Some(rest) = v.strip_prefix('-') else {
        return false;
    };
    if rest.starts_with('-') {
        return true;
    }
    let numeric = rest.starts_with(|c: char| c.is_ascii_digit() || c == '.')
        || ["inf", "infinity", "nan"].contains(&rest.to_ascii_lowercase().as_str());
    !numeric
}

fn list(ctx: &Context, catalog: &Catalog, json: bool, out: &mut dyn Write) -> Result<()> {
    let pos = Position::from_date(ctx.today);
    if json {
        let mut history = ctx.open_history()?;
        let rows = history.store().read(|r| {
            let mut rows = Vec::new();
            for def in &catalog.metrics {
                let latest = r.latest_reading(&def.id)?;
                rows.push(serde_json::json!({
                    "id": def.id, "name": def.name, "unit": def.unit, "direction": def.direction,
                    "baseline": def.baseline, "count": r.reading_count(&def.id)?,
                    "latest": latest.map(|l| serde_json::json!({"value": l.value, "at": l.at, "source": l.source})),
                    "target": def.target_in_force(pos).map(|t| serde_json::json!({"month": t.month, "value": t.value})),
                }));
            }
            Ok(rows)
        })?;
        serde_json::to_writer_pretty(&mut *out, &serde_json::json!({ "metrics": rows }))?;
        writeln!(out)?;
        return Ok(());
    }
    let mut history = ctx.open_history()?;
    let mut t = crate::cli::table();
    t.set_header(vec![
        "Metric", "Name", "Better", "Baseline", "Latest", "Readings", "Target",
    ]);
    history.store().read(|r| {
        for def in &catalog.metrics {
            let latest = r.latest_reading(&def.id)?;
            t.add_row(vec![
                def.id.clone(),
                def.name.clone(),
                def.direction.as_str().to_string(),
                def.baseline.map_or("—".into(), |b| def.format_value(b)),
                latest.as_ref().map_or("—".into(), |l| {
                    format!(
                        "{} ({})",
                        def.format_value(significant(l.value, 4)),
                        l.source
                    )
                }),
                r.reading_count(&def.id)?.to_string(),
                def.target_in_force(pos).map_or("—".into(), |t| {
                    format!("{} by M{}", def.format_value(t.value), t.month)
                }),
            ]);
        }
        Ok(())
    })?;
    for i in [3, 4, 5, 6] {
        if let Some(c) = t.column_mut(i) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
    writeln!(out, "{t}")?;
    writeln!(out, "Record a reading with: beast metric <METRIC> <VALUE>")?;
    Ok(())
}

fn history(
    ctx: &Context,
    def: &MetricDef,
    limit: usize,
    json: bool,
    out: &mut dyn Write,
) -> Result<()> {
    let mut history = ctx.open_history()?;
    let (readings, count) = history.store().read(|r| {
        Ok((
            r.reading_history(&def.id, limit)?,
            r.reading_count(&def.id)?,
        ))
    })?;
    if json {
        let rows: Vec<serde_json::Value> = readings
            .iter()
            .map(|r| {
                serde_json::json!({
                    "id": r.event_id, "at": r.at, "value": r.value, "source": r.source,
                    "note": r.note, "run": r.run, "retracted": r.retracted_at.is_some(),
                })
            })
            .collect();
        let v = serde_json::json!({ "metric": def.id, "count": count, "readings": rows });
        serde_json::to_writer_pretty(&mut *out, &v)?;
        writeln!(out)?;
        return Ok(());
    }
    let unit = if def.unit.is_empty() {
        String::new()
    } else {
        format!(", {}", def.unit)
    };
    writeln!(
        out,
        "{} — {} ({} is better{unit}); baseline {}",
        def.id,
        def.name,
        def.direction.as_str(),
        def.baseline.map_or("none".into(), |b| def.format_value(b))
    )?;
    let targets: Vec<String> = def
        .targets
        .iter()
        .map(|t| format!("M{} {}", t.month, def.format_value(t.value)))
        .collect();
    if !targets.is_empty() {
        writeln!(out, "targets: {}", targets.join(" · "))?;
    }
    if readings.is_empty() {
        writeln!(
            out,
            "no readings yet; record one with: beast metric {} <VALUE>",
            def.id
        )?;
        return Ok(());
    }
    let mut t = crate::cli::table();
    t.set_header(vec!["Id", "Measured at", "Value", "Source", "Note"]);
    let mut retracted = 0;
    for r in &readings {
        let short = r
            .event_id
            .parse::<crate::domain::event::EventId>()
            .map_or_else(|_| r.event_id.clone(), |id| id.short());
        let mut note = r.note.clone().unwrap_or_default();
        if r.retracted_at.is_some() {
            retracted += 1;
            note = if note.is_empty() {
                "RETRACTED".into()
            } else {
                format!("RETRACTED · {note}")
            };
        }
        t.add_row(vec![
            short,
            r.at.clone(),
            def.format_value(r.value),
            r.source.clone(),
            crate::report::clip(&note, crate::report::CELL_CHARS).into_owned(),
        ]);
    }
    if let Some(c) = t.column_mut(2) {
        c.set_cell_alignment(CellAlignment::Right);
    }
    writeln!(out, "{t}")?;
    if retracted > 0 {
        writeln!(out, "retracted readings are shown but count for nothing")?;
    }
    if count as usize > readings.len() - retracted {
        writeln!(
            out,
            "showing the newest {} of {count} readings (--limit N for more)",
            readings.len()
        )?;
    }
    Ok(())
}
