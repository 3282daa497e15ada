//! The report as GitHub-flavoured Markdown, for posting from CI to a pull
//! request or a wiki page.

use std::io::Write;

use anyhow::Result;

use super::{Count, Format, Report};
use crate::domain::catalog::{fmt_number, format_with_unit, significant};

pub struct Markdown;

fn count(c: Count) -> String {
    match c.percent {
        Some(p) => format!(
            "{}/{} ({}%)",
            c.completed,
            c.total,
            fmt_number(super::round(p, 1))
        ),
        None => format!("{}/{}", c.completed, c.total),
    }
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

impl Format for Markdown {
    fn render(&self, r: &Report, out: &mut dyn Write) -> Result<()> {
        let c = &r.current;
        writeln!(out, "# BEAST MODE roadmap — {}\n", r.today)?;
        writeln!(
            out,
            "Year {}, Q{}, month {}{}, week {} ({}).\n",
            c.year,
            c.quarter,
            c.month,
            c.month_title
                .as_deref()
                .map(|t| format!(" ({t})"))
                .unwrap_or_default(),
            c.week,
            c.state.label()
        )?;
        writeln!(out, "## Progress\n\n| Scope | Done |\n|---|---|")?;
        writeln!(
            out,
            "History: {}.\n",
            match r.history.mode {
                "project" => "the project's event log",
                _ => "a personal database",
            }
        )?;
        let p = &r.progress;
        for (label, cnt) in [
            ("Month", p.month),
            ("Quarter", p.quarter),
            ("Year", p.year),
            ("Overall", p.overall),
        ] {
            writeln!(out, "| {label} | {} |", count(cnt))?;
        }
        writeln!(
            out,
            "\n## Metrics\n\n| Metric | Baseline | Latest | Source | Target | Paced | Verdict |\n|---|---:|---:|---|---:|---:|---|"
        )?;
        for m in &r.metrics {
            let f = |v: f64| format_with_unit(v, &m.unit);
            writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} |",
                m.id,
                m.baseline.map_or("—".into(), f),
                m.latest
                    .as_ref()
                    .map_or("—".into(), |l| f(significant(l.value, 4))),
                m.latest.as_ref().map_or("—".into(), |l| cell(&l.source)),
                m.target
                    .map_or("—".into(), |t| format!("{} by M{}", f(t.value), t.month)),
                m.paced_target.map_or("—".into(), |v| f(significant(v, 4))),
                m.verdict.label()
            )?;
        }
        writeln!(out, "\n## Dog food\n\n| Kind | Generated | Manual | Share | Target |\n|---|---:|---:|---:|---:|")?;
        for d in &r.dogfood {
            writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                d.kind,
                d.generated,
                d.manual,
                d.share.map_or("—".into(), |s| format!(
                    "{}%",
                    fmt_number(super::round(s, 1))
                )),
                d.target
                    .map_or("—".into(), |t| format!("{}%", fmt_number(t)))
            )?;
        }
        Ok(())
    }
}
