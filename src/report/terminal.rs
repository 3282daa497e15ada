//! The `beast status` screen: one screen, readable at a glance, colour only
//! where the caller allowed it (a terminal, and no `NO_COLOR`).

use std::io::Write;

use anyhow::Result;
use comfy_table::{presets, Cell, CellAlignment, Color, ContentArrangement, Table};

use super::{visible, Count, Format, MetricReport, MonthState, Report};
use crate::domain::catalog::{fmt_number, format_with_unit, significant};
use crate::domain::claims::Standing;
use crate::domain::forecast::{Outlook, ScopeForecast};
use crate::domain::{Timing, Verdict};

pub struct Terminal {
    pub color: bool,
    /// The width to fit tables to; None: the terminal's, if stdout is one.
    pub width: Option<u16>,
}

const GREEN: &str = "32";
const YELLOW: &str = "33";
const DIM: &str = "2";
const BOLD: &str = "1";

impl Terminal {
    fn paint(&self, text: &str, code: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    /// A table fitted to the terminal's width whether or not colour is
    /// on: without colour its cells simply carry none (`NO_COLOR` is about
    /// colour, not layout).
    fn table(&self) -> Table {
        let mut t = Table::new();
        t.load_preset(presets::UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Dynamic);
        if self.color {
            t.enforce_styling();
        }
        if let Some(w) = self.width {
            t.set_width(w);
        }
        t
    }

    fn verdict_cell(&self, verdict: Verdict) -> Cell {
        let color = match verdict {
            Verdict::Met => Color::Green,
            Verdict::OnTrack => Color::Yellow,
            Verdict::Behind => Color::Red,
            Verdict::NoData => Color::DarkGrey,
        };
        let cell = Cell::new(verdict.label());
        if self.color {
            cell.fg(color)
        } else {
            cell
        }
    }
}

/// "124 completed: 0 verified · 118 recorded ahead of plan · …", naming
/// only the claims there are; None with nothing completed.
pub fn claims_line(c: &super::claims::Claims) -> Option<String> {
    if c.completed == 0 {
        return None;
    }
    let mut parts = vec![format!("{} verified", c.verified)];
    for (n, what) in [
        (c.unverified, "not verified"),
        (c.target_unmet, "with a target unmet"),
        (c.ahead_of_plan, "recorded ahead of plan"),
        (c.bulk, "recorded in bulk"),
        (c.imported, "imported"),
    ] {
        if n > 0 {
            parts.push(format!("{n} {what}"));
        }
    }
    let mut line = format!("{} completed: {}", c.completed, parts.join(" · "));
    if c.shallow_clone {
        line.push_str(" (shallow clone: older commits' trailers not read)");
    }
    Some(line)
}

/// A metric's series, newest first: "grafana 26% (2026-01-12, 1 reading)
/// · manual 18% (2026-01-05, 2 readings)". Latest and trend come from the
/// first.
pub fn series_line(m: &MetricReport) -> String {
    let parts: Vec<String> = m
        .series
        .iter()
        .map(|s| {
            format!(
                "{} {} ({}, {} reading{})",
                visible(&s.source),
                format_with_unit(significant(s.value, 4), &m.unit),
                s.at.get(..10).unwrap_or(&s.at),
                s.readings,
                if s.readings == 1 { "" } else { "s" }
            )
        })
        .collect();
    parts.join(" · ")
}

/// For each cache benchmark run that a metric's latest reading comes from:
/// what its hit rates count. "cacheHitRate, semanticHitRate (bench:cache
/// 1a2b3c4d): correct hits only, 2566 of 3275 hits served; 709 answered
/// another request".
pub fn hit_notes(r: &Report) -> Vec<String> {
    let mut runs: Vec<(&str, Vec<&str>, u64, Option<u64>)> = Vec::new();
    for m in &r.metrics {
        let Some(run) = m.latest.as_ref().and_then(|l| l.run.as_ref()) else {
            continue;
        };
        let Some(served) = run.hits_served else {
            continue;
        };
        if !matches!(m.id.as_str(), "cacheHitRate" | "semanticHitRate") {
            continue;
        }
        match runs.iter_mut().find(|x| x.0 == run.short) {
            Some(x) => x.1.push(&m.id),
            None => runs.push((&run.short, vec![&m.id], served, run.false_hits)),
        }
    }
    runs.into_iter()
        .map(|(short, ids, served, wrong)| match wrong {
            Some(w) => format!(
                "  {} (bench:cache {short}): correct hits only, {} of {served} hits served; {w} answered another request (falseHitRate)",
                ids.join(", "),
                served - w
            ),
            None => format!(
                "  {} (bench:cache {short}): {served} hits, not checked for wrong answers (the workload has no intents)",
                ids.join(", ")
            ),
        })
        .collect()
}

/// A 20-character progress bar.
/// Twenty cells: verified work solid (█), work only claimed or missing its
/// target shaded (▒), the rest open (░) — what is proven reads first.
fn bar(count: Count) -> String {
    const WIDTH: usize = 20;
    let cells = |n: usize| match count.total {
        0 => 0,
        t => (n * WIDTH + t / 2) / t,
    };
    let filled = cells(count.completed);
    let proven = cells(count.verified).min(filled);
    format!(
        "{}{}{}",
        "█".repeat(proven),
        "▒".repeat(filled - proven),
        "░".repeat(WIDTH - filled)
    )
}

fn percent(count: Count) -> String {
    match count.percent {
        Some(p) => format!("{}%", fmt_number(super::round(p, 0))),
        None => "—".to_string(),
    }
}

/// A sparkline of the last readings, scaled between their own min and max.
pub fn sparkline(values: &[f64]) -> String {
    const TICKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let (min, max) = values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(*v), hi.max(*v))
        });
    values
        .iter()
        .map(|v| {
            if (max - min).abs() < f64::EPSILON {
                TICKS[3]
            } else {
                TICKS[(((v - min) / (max - min)) * 7.0).round() as usize]
            }
        })
        .collect()
}

/// One scope's forecast in words: "1.5 tasks/week → done by 2026-11-28 (due 2026-11-30), on time".
pub fn forecast_line(f: &ScopeForecast) -> String {
    let pace = format!(
        "{} {}/week",
        fmt_number(f.pace_per_week),
        if f.pace_per_week == 1.0 {
            "task"
        } else {
            "tasks"
        }
    );
    match (f.outlook, f.finish) {
        (Outlook::Done, _) => "all planned tasks done".to_string(),
        (Outlook::Stalled, _) => format!(
            "{} open, none completed lately: not finished at this pace (due {})",
            f.remaining, f.due
        ),
        (o, Some(finish)) => format!(
            "{} open at {pace} → finished by {finish} (due {}), {}",
            f.remaining,
            f.due,
            o.label()
        ),
        (o, None) => format!("{} open at {pace}, {}", f.remaining, o.label()),
    }
}

fn metric_row(m: &MetricReport) -> Vec<String> {
    let fmt = |v: f64| format_with_unit(v, &m.unit);
    let latest = m.latest.as_ref().map_or("—".to_string(), |r| {
        let value = fmt(significant(r.value, 4));
        let reference = if r.reference { ", reference" } else { "" };
        match &r.run {
            Some(run) => format!("{value} ({} {}{reference})", visible(&r.source), run.short),
            None => format!("{value} ({}{reference})", visible(&r.source)),
        }
    });
    let target = m.target.map_or("—".to_string(), |t| {
        format!("{} by M{}", fmt(t.value), t.month)
    });
    vec![
        visible(&m.id).into_owned(),
        m.baseline.map_or("—".to_string(), fmt),
        latest,
        target,
        m.paced_target
            .map_or("—".to_string(), |p| fmt(significant(p, 4))),
    ]
}

impl Format for Terminal {
    fn render(&self, r: &Report, out: &mut dyn Write) -> Result<()> {
        let c = &r.current;
        let title = self.paint(&super::visible(&r.roadmap.name), BOLD);
        writeln!(out, "{title} — {}", r.today)?;
        match c.state {
            MonthState::Planned => writeln!(
                out,
                "Year {}, Q{} {} · Month {}: {} · Week {}",
                c.year,
                c.quarter,
                visible(c.quarter_theme.as_deref().unwrap_or("")),
                c.month,
                visible(c.month_title.as_deref().unwrap_or("")),
                c.week
            )?,
            MonthState::Unplanned => writeln!(
                out,
                "Year {}, Q{} · Month {} · Week {} — {}",
                c.year,
                c.quarter,
                c.month,
                c.week,
                self.paint(
                    &format!("year {} has no roadmap yet (no source document); progress counts the years that have one", c.year),
                    YELLOW
                )
            )?,
            MonthState::NotStarted => writeln!(
                out,
                "The roadmap starts in January 2026 (month 1); today is month {}.",
                c.month
            )?,
            MonthState::Finished => writeln!(
                out,
                "The roadmap ended with month 48 (December 2029); today is month {}.",
                c.month
            )?,
        }

        let history = match r.history.mode {
            "project" => format!("History: project, {}", r.history.location),
            _ => format!("History: personal database {}", r.history.location),
        };
        writeln!(out, "{}", self.paint(&history, DIM))?;

        let p = &r.progress;
        writeln!(out, "\n{}", self.paint("Progress", BOLD))?;
        let mut rows: Vec<(String, Count)> = Vec::new();
        if matches!(c.state, MonthState::Planned | MonthState::Unplanned) {
            rows.push((format!("Month {}", c.month), p.month));
            rows.push((format!("Q{} of year {}", c.quarter, c.year), p.quarter));
            rows.push((format!("Year {}", c.year), p.year));
        }
        rows.push(("Overall".to_string(), p.overall));
        for (label, count) in rows {
            let fraction = format!("{}/{}", count.completed, count.total);
            let graph = if count.total == 0 {
                self.paint("no planned tasks", DIM)
            } else {
                bar(count)
            };
            let verified = if count.completed == 0 {
                String::new()
            } else {
                let claimed = count.completed - count.verified.min(count.completed);
                let mut v = format!("  · {} verified", count.verified);
                if count.target_unmet > 0 {
                    v.push_str(&format!(", {} target unmet", count.target_unmet));
                }
                if claimed > count.target_unmet {
                    v.push_str(&format!(", {} claimed", claimed - count.target_unmet));
                }
                v
            };
            writeln!(
                out,
                "  {label:<15} {fraction:>7} {:>5}  {graph}{verified}",
                percent(count)
            )?;
        }
        if let Some(line) = claims_line(&r.claims) {
            let color = if r.claims.unverified > 0 {
                YELLOW
            } else {
                GREEN
            };
            writeln!(out, "  {}", self.paint(&line, color))?;
        }
        let years: Vec<String> = r.roadmap.years.iter().map(u32::to_string).collect();
        let mut note = format!(
            "  roadmap years {} ({} tasks)",
            years.join(", "),
            r.roadmap.tasks
        );
        if !r.roadmap.missing_years.is_empty() {
            let missing: Vec<String> = r.roadmap.missing_years.iter().map(u32::to_string).collect();
            note.push_str(&format!("; year {} has no roadmap yet", missing.join(", ")));
        }
        writeln!(out, "{}", self.paint(&note, DIM))?;

        if let Some(f) = &r.forecast {
            let scopes = [
                (format!("Month {}", c.month), &f.month),
                (format!("Q{} of year {}", c.quarter, c.year), &f.quarter),
                (format!("Year {}", c.year), &f.year),
            ];
            let mut lines = Vec::new();
            for (label, sf) in scopes {
                if let Some(sf) = sf {
                    lines.push(format!("  {label:<15} {}", forecast_line(sf)));
                }
            }
            if !lines.is_empty() {
                writeln!(
                    out,
                    "\n{}  {}",
                    self.paint("Forecast", BOLD),
                    self.paint(
                        &format!("at the pace of the last {} days", f.window_days),
                        DIM
                    )
                )?;
                for l in lines {
                    writeln!(out, "{l}")?;
                }
            }
        }

        if !r.month_tasks.is_empty() {
            writeln!(
                out,
                "\n{}",
                self.paint(&format!("Month {} tasks", c.month), BOLD)
            )?;
            let width = r
                .month_tasks
                .iter()
                .map(|t| visible(&t.title).chars().count())
                .max()
                .unwrap_or(0);
            for t in &r.month_tasks {
                let mark = if t.done {
                    self.paint("[x]", GREEN)
                } else {
                    "[ ]".to_string()
                };
                let mut line = format!(
                    "  {mark} {:<width$}  {}",
                    visible(&t.title),
                    self.paint(&format!("weeks {}", t.weeks), DIM)
                );
                if let (Some(week), Some(timing)) = (t.week_done, t.timing) {
                    let when = match timing {
                        Timing::Early => " (early)",
                        Timing::Late => " (late)",
                        _ => "",
                    };
                    line.push_str(&format!(" · done week {week}{when}"));
                }
                if let Some(s) = t.standing {
                    let color = match s {
                        Standing::Verified => GREEN,
                        _ => YELLOW,
                    };
                    line.push_str(&format!(" · {}", self.paint(&t.standing_text(), color)));
                }
                writeln!(out, "{line}")?;
            }
        }

        writeln!(
            out,
            "\n{}  {}",
            self.paint("Metrics", BOLD),
            self.paint(
                "target = next checkpoint · paced = the linear path to it, today",
                DIM
            )
        )?;
        let mut table = self.table();
        table.set_header(vec![
            "Metric",
            "Baseline",
            "Latest (source)",
            "Target",
            "Paced",
            "Verdict",
            "Trend",
        ]);
        for m in &r.metrics {
            let mut row: Vec<Cell> = metric_row(m).into_iter().map(Cell::new).collect();
            row.push(self.verdict_cell(m.verdict));
            row.push(Cell::new(sparkline(&m.trend)));
            table.add_row(row);
        }
        for i in 1..5 {
            if let Some(col) = table.column_mut(i) {
                col.set_cell_alignment(CellAlignment::Right);
            }
        }
        // Short words that must not break ("behin/d") keep their width; in
        // a narrow terminal the baseline and paced columns give way first.
        use comfy_table::ColumnConstraint::{ContentWidth, Hidden};
        let narrow = table.width().is_some_and(|w| w < 100);
        let mut constraints = vec![(0, ContentWidth), (5, ContentWidth), (6, ContentWidth)];
        if narrow {
            constraints.extend([(1, Hidden), (4, Hidden)]);
        }
        for (i, c) in constraints {
            if let Some(col) = table.column_mut(i) {
                col.set_constraint(c);
            }
        }
        writeln!(out, "{table}")?;
        for m in r.metrics.iter().filter(|m| m.series.len() > 1) {
            let line = format!("  {}: {}", visible(&m.id), series_line(m));
            writeln!(out, "{}", self.paint(&line, DIM))?;
        }
        for line in hit_notes(r) {
            writeln!(out, "{}", self.paint(&line, DIM))?;
        }

        writeln!(
            out,
            "\n{}  {}",
            self.paint("Dog food", BOLD),
            self.paint("share of work generated with BEAST MODE", DIM)
        )?;
        let mut table = self.table();
        table.set_header(vec![
            "Kind",
            "Generated",
            "Manual",
            "Share",
            "Target",
            "Verdict",
        ]);
        for d in &r.dogfood {
            table.add_row(vec![
                Cell::new(d.kind),
                Cell::new(d.generated).set_alignment(CellAlignment::Right),
                Cell::new(d.manual).set_alignment(CellAlignment::Right),
                Cell::new(d.share.map_or("—".to_string(), |s| {
                    format!("{}%", fmt_number(super::round(s, 1)))
                }))
                .set_alignment(CellAlignment::Right),
                Cell::new(
                    d.target
                        .map_or("—".to_string(), |t| format!("{}%", fmt_number(t))),
                )
                .set_alignment(CellAlignment::Right),
                self.verdict_cell(d.verdict),
            ]);
        }
        writeln!(out, "{table}")?;

        writeln!(out, "\n{}", self.paint("Recent completions", BOLD))?;
        if r.recent.is_empty() {
            writeln!(
                out,
                "  none yet — record one with: beast complete <MONTH> <WEEK> \"<task>\""
            )?;
        }
        for c in &r.recent {
            let adhoc = if c.adhoc { " (ad hoc)" } else { "" };
            writeln!(
                out,
                "  {}  M{} W{}  {}{adhoc}",
                &c.completed_at[..10.min(c.completed_at.len())],
                c.month,
                c.week,
                visible(&c.title)
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparkline_scales_between_min_and_max() {
        assert_eq!(sparkline(&[]), "");
        assert_eq!(sparkline(&[5.0]), "▄");
        assert_eq!(sparkline(&[0.0, 50.0, 100.0]), "▁▅█");
    }

    #[test]
    fn bar_rounds_to_twenty_cells_proven_ones_solid() {
        let c = |completed, verified, total| Count {
            completed,
            total,
            verified,
            target_unmet: 0,
            percent: None,
        };
        let cells = |b: String, ch: char| b.chars().filter(|x| *x == ch).count();
        assert_eq!(cells(bar(c(0, 0, 0)), '░'), 20);
        assert_eq!(cells(bar(c(1, 1, 2)), '█'), 10);
        assert_eq!(cells(bar(c(3, 0, 3)), '▒'), 20);
        let b = bar(c(4, 1, 4));
        assert_eq!((cells(b.clone(), '█'), cells(b, '▒')), (5, 15));
    }
}
