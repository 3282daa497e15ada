//! `beast metric [NAME [VALUE]]` — record a reading, show one metric's history,
//! or list the catalog with the latest values.

use std::io::Write;

use anyhow::Result;
use comfy_table::{presets, CellAlignment, ContentArrangement, Table};

use super::{parse_time, Context};
use crate::domain::catalog::{fmt_number, significant, Lookup, MetricDef};
use crate::domain::matching::quote_list;
use crate::domain::{Catalog, Position};
use crate::error;
use crate::store::NewReading;

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
}

/// Resolves a typed metric name or explains which ones exist.
pub fn resolve<'c>(catalog: &'c Catalog, typed: &str) -> Result<&'c MetricDef> {
    match catalog.lookup(typed) {
        Lookup::Found(m) => Ok(m),
        Lookup::Unknown(near) if !near.is_empty() => error::input(format!(
            "unknown metric \"{typed}\"; did you mean {}? (list them with: beast metric)",
            quote_list(&near)
        )),
        Lookup::Unknown(_) => error::input(format!(
            "unknown metric \"{typed}\"; list the catalog with: beast metric"
        )),
    }
}

/// Parses a value as the user typed it, allowing the metric's own unit
/// around the number ("40%", "200ms", "$0.001").
fn parse_value(def: &MetricDef, text: &str) -> Result<f64> {
    let mut t = text.trim();
    match def.unit.as_str() {
        "$" => t = t.strip_prefix('$').unwrap_or(t),
        unit => t = t.strip_suffix(unit).unwrap_or(t),
    }
    let t = t.trim().replace('_', "");
    let value: f64 = match t.parse() {
        Ok(v) => v,
        Err(_) => {
            return error::input(format!(
                "value \"{text}\" for {} is not a number; give a number like {}",
                def.id,
                fmt_number(def.baseline.unwrap_or(def.min))
            ))
        }
    };
    if let Err(why) = def.check_value(value) {
        return error::input(format!("value {why}; nothing was recorded"));
    }
    Ok(value)
}

pub fn run(ctx: &Context, args: Args, out: &mut dyn Write) -> Result<()> {
    let (catalog, _) = ctx.load_roadmap()?;
    let Some(name) = args.name.as_deref() else {
        return list(ctx, &catalog, out);
    };
    let def = resolve(&catalog, name)?;
    let Some(value_text) = args.value.as_deref() else {
        return history(ctx, def, args.limit, out);
    };
    let value = parse_value(def, value_text)?;
    let at = match args.at.as_deref() {
        Some(t) => parse_time("--at", t)?,
        None => ctx.now,
    };
    if at > ctx.now {
        return error::input(format!(
            "--at {} is in the future; a reading records something already measured",
            crate::store::timestamp(at)
        ));
    }
    let source = args.source.trim();
    if source.is_empty() || source.chars().any(char::is_whitespace) {
        return error::input(format!(
            "--source \"{source}\" must be one word without spaces, like manual or grafana"
        ));
    }
    let note = args
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    let mut store = ctx.open_store()?;
    // The count and the latest value come from the same transaction as the
    // write, so the message describes exactly the state this command left.
    let (count, latest) = store.write(|w| {
        w.add_reading(&NewReading {
            metric: &def.id,
            value,
            at,
            source,
            note,
            recorded_at: ctx.now,
            run_id: None,
        })?;
        let r = w.reader();
        Ok((
            r.reading_count(&def.id)?,
            r.latest_reading(&def.id)?.map(|l| l.value),
        ))
    })?;
    let pos = Position::from_date(ctx.today);
    let verdict = def.verdict(latest, pos);
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
        "Recorded {} = {} ({source}, reading {count}){target}",
        def.id,
        def.format_value(value)
    )?;
    Ok(())
}

fn table() -> Table {
    let mut t = Table::new();
    t.load_preset(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic);
    t
}

fn list(ctx: &Context, catalog: &Catalog, out: &mut dyn Write) -> Result<()> {
    let pos = Position::from_date(ctx.today);
    let mut store = ctx.open_store()?;
    let mut t = table();
    t.set_header(vec![
        "Metric", "Name", "Better", "Baseline", "Latest", "Readings", "Target",
    ]);
    store.read(|r| {
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

fn history(ctx: &Context, def: &MetricDef, limit: usize, out: &mut dyn Write) -> Result<()> {
    let mut store = ctx.open_store()?;
    let (readings, count) = store.read(|r| {
        Ok((
            r.latest_readings(&def.id, limit)?,
            r.reading_count(&def.id)?,
        ))
    })?;
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
    let mut t = table();
    t.set_header(vec!["Measured at", "Value", "Source", "Note"]);
    for r in &readings {
        t.add_row(vec![
            r.at.clone(),
            def.format_value(r.value),
            r.source.clone(),
            r.note.clone().unwrap_or_default(),
        ]);
    }
    if let Some(c) = t.column_mut(1) {
        c.set_cell_alignment(CellAlignment::Right);
    }
    writeln!(out, "{t}")?;
    if count as usize > readings.len() {
        writeln!(
            out,
            "showing the newest {} of {count} readings (--limit N for more)",
            readings.len()
        )?;
    }
    Ok(())
}
