//! The report as GitHub-flavoured Markdown: for a pull-request comment, a wiki
//! page, or a job summary (`beast report --summary` appends it to
//! `$GITHUB_STEP_SUMMARY`). Text that users typed (titles, sources, notes) is
//! escaped so that it can neither break a table nor inject HTML.

use std::io::Write;

use anyhow::Result;

use super::terminal::{forecast_line, sparkline};
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
        None => format!("{}/{} (nothing planned)", c.completed, c.total),
    }
}

/// Escapes text for a Markdown table cell: HTML, the cell separator, line
/// breaks and control characters.
pub fn cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '|' => out.push_str("\\|"),
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => out.push_str(&c.escape_unicode().to_string()),
            c => out.push(c),
        }
    }
    out
}

impl Format for Markdown {
    fn render(&self, r: &Report, out: &mut dyn Write) -> Result<()> {
        let c = &r.current;
        writeln!(out, "# {} — {}\n", cell(&r.roadmap.name), r.today)?;
        writeln!(out, "{}\n", cell(&r.identity.line()))?;
        writeln!(
            out,
            "Year {}, Q{}, month {}{}, week {} ({}). History: {}.\n",
            c.year,
            c.quarter,
            c.month,
            c.month_title
                .as_deref()
                .map(|t| format!(" ({})", cell(t)))
                .unwrap_or_default(),
            c.week,
            c.state.label(),
            match r.history.mode {
                "project" => "the project's event log",
                _ => "a personal database",
            }
        )?;

        writeln!(
            out,
            "## Progress\n\n| Scope | Done | Verified | Forecast |\n|---|---:|---:|---|"
        )?;
        let f = r.forecast.as_ref();
        for (label, cnt, fc) in r.scopes() {
            writeln!(
                out,
                "| {label} | {} | {} | {} |",
                count(cnt),
                cnt.verified,
                fc.map_or("—".to_string(), forecast_line)
            )?;
        }
        if let Some(line) = super::terminal::claims_line(&r.claims) {
            writeln!(out, "\nCompletions: {}.", cell(&line))?;
        }
        if let Some(f) = f {
            writeln!(
                out,
                "\nForecasts assume the pace of the last {} days continues.",
                f.window_days
            )?;
        }

        if !r.month_tasks.is_empty() {
            writeln!(
                out,
                "\n## Month {} tasks\n\n| | Task | Weeks | Done | Standing |\n|---|---|---|---|---|",
                c.month
            )?;
            for t in &r.month_tasks {
                let done = match (t.week_done, t.timing) {
                    (Some(w), Some(timing)) => format!("week {w} ({})", timing.label()),
                    (Some(w), None) => format!("week {w}"),
                    _ => String::new(),
                };
                let standing = t.standing_text();
                writeln!(
                    out,
                    "| {} | {} | {} | {done} | {standing} |",
                    if t.done { "✅" } else { "⬜" },
                    cell(&t.title),
                    t.weeks
                )?;
            }
        }

        writeln!(
            out,
            "\n## Metrics\n\n| Metric | Baseline | Latest (source) | Target | Paced | Verdict | Trend |\n|---|---:|---:|---:|---:|---|---|"
        )?;
        for m in &r.metrics {
            let f = |v: f64| format_with_unit(v, &m.unit);
            let latest = m.latest.as_ref().map_or("—".into(), |l| {
                let source = match &l.run {
                    Some(run) => format!("{} {}", l.source, run.short),
                    None => l.source.clone(),
                };
                format!("{} ({})", f(significant(l.value, 4)), cell(&source))
            });
            writeln!(
                out,
                "| {} | {} | {latest} | {} | {} | {} | {} |",
                m.id,
                m.baseline.map_or("—".into(), f),
                m.target
                    .map_or("—".into(), |t| format!("{} by M{}", f(t.value), t.month)),
                m.paced_target.map_or("—".into(), |v| f(significant(v, 4))),
                m.verdict.label(),
                sparkline(&m.trend)
            )?;
        }

        for m in r.metrics.iter().filter(|m| m.series.len() > 1) {
            writeln!(
                out,
                "\n{} series: {}",
                m.id,
                cell(&super::terminal::series_line(m))
            )?;
        }

        writeln!(
            out,
            "\n## Dog food\n\n| Kind | Generated | Manual | Share | Target | Verdict |\n|---|---:|---:|---:|---:|---|"
        )?;
        for d in &r.dogfood {
            writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} |",
                d.kind,
                d.generated,
                d.manual,
                d.share.map_or("—".into(), |s| format!(
                    "{}%",
                    fmt_number(super::round(s, 1))
                )),
                d.target
                    .map_or("—".into(), |t| format!("{}%", fmt_number(t))),
                d.verdict.label()
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_cannot_break_tables_or_inject_html() {
        assert_eq!(cell("a|b"), "a\\|b");
        assert_eq!(cell("<script>x</script>"), "&lt;script&gt;x&lt;/script&gt;");
        assert_eq!(cell("two\nlines"), "two lines");
        assert_eq!(cell("bell\u{7}"), "bell\\u{7}");
    }
}
