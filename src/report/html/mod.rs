//! The report as one self-contained HTML page, for a person or a wall screen:
//! progress per month, one chart per metric (its readings over time marked by
//! source, the baseline, the target checkpoints and the paced line to them),
//! and the dog-food shares.
//!
//! No script, font, stylesheet or image is fetched: the charts are inline
//! SVG drawn here, the styles are inline, so the file opens anywhere,
//! offline. Every piece of text that comes from users or files is escaped.

use std::fmt::Write as _;
use std::io::Write;

use anyhow::Result;
use chrono::NaiveDate;

use super::terminal::forecast_line;
use super::{Count, Format, Report, Series};
use crate::domain::calendar::month_start;
use crate::domain::catalog::{fmt_number, format_with_unit, significant};
use crate::domain::{Direction, Verdict};

mod chart;

use chart::{mark, metric_chart, SOURCES};

pub struct Html;

/// Escapes text for HTML element content and attribute values.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' => {
                let _ = write!(out, "&#x{:x};", 0x2400 + (c as u32).min(0x1f));
            }
            c => out.push(c),
        }
    }
    out
}

/// The page's styles (see the file for what they do).
const STYLE: &str = include_str!("style.css");

/// Bars of done over planned tasks per roadmap month; a missing year (year
/// 2 has no source document) is a marked gap, not silently skipped.
fn month_bars(months: &[super::MonthCount], current: i32) -> String {
    const GAP: f64 = 2.5;
    let gaps = months
        .windows(2)
        .filter(|w| w[1].month != w[0].month + 1)
        .count() as f64;
    let (w, ht) = (1100.0, 150.0);
    let bw = (w - 40.0) / (months.len() as f64 + gaps * GAP);
    let mut h = format!(
        "<svg viewBox=\"0 0 {w} {ht}\" width=\"100%\" role=\"img\" aria-label=\"tasks done per month\">"
    );
    let mut x0 = 20.0;
    let mut previous: Option<u32> = None;
    for (i, m) in months.iter().enumerate() {
        if let Some(prev) = previous.filter(|p| m.month != p + 1) {
            let years: Vec<String> = (crate::domain::roadmap::year_of(prev + 1)
                ..=crate::domain::roadmap::year_of(m.month - 1))
                .map(|y| y.to_string())
                .collect();
            let _ = write!(
                h,
                "<rect class=\"gap\" x=\"{:.1}\" y=\"15\" width=\"{:.1}\" height=\"100\" rx=\"3\"><title>year {} has no roadmap (no source document)</title></rect><text class=\"ax\" x=\"{:.1}\" y=\"60\" font-size=\"12\" text-anchor=\"middle\">year {}</text><text class=\"ax\" x=\"{:.1}\" y=\"76\" font-size=\"11\" text-anchor=\"middle\">no roadmap</text>",
                x0 + 2.0,
                bw * GAP - 4.0,
                years.join(", "),
                x0 + bw * GAP / 2.0,
                years.join(", "),
                x0 + bw * GAP / 2.0
            );
            x0 += bw * GAP;
        }
        previous = Some(m.month);
        let share = if m.total > 0 {
            m.completed as f64 / m.total as f64
        } else {
            0.0
        };
        let is_current = m.month as i32 == current;
        let _ = write!(
            h,
            "<rect class=\"{}\" x=\"{:.1}\" y=\"15\" width=\"{:.1}\" height=\"100\" rx=\"3\"><title>month {}: {}</title></rect><rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" rx=\"3\" fill=\"#3fb68b\"><title>month {}: {}/{} done</title></rect>",
            if is_current { "mbc" } else { "mb" },
            x0 + 2.0,
            bw - 4.0,
            m.month,
            esc(&m.title),
            x0 + 2.0,
            15.0 + 100.0 * (1.0 - share),
            bw - 4.0,
            100.0 * share,
            m.month,
            m.completed,
            m.total
        );
        if is_current {
            let _ = write!(
                h,
                "<rect class=\"now\" x=\"{:.1}\" y=\"13\" width=\"{:.1}\" height=\"104\" rx=\"4\" stroke-width=\"1.5\"/>",
                x0 + 1.0,
                bw - 2.0
            );
        }
        if i % 3 == 0 || is_current {
            let _ = write!(
                h,
                "<text class=\"{}\" x=\"{:.1}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\">M{}</text>",
                if is_current { "axc" } else { "ax" },
                x0 + bw / 2.0,
                ht - 18.0,
                m.month
            );
        }
        x0 += bw;
    }
    h.push_str("</svg>");
    h
}

/// A forecast's outlook as a badge: the most important fact of a card.
fn outlook_badge(f: &crate::domain::forecast::ScopeForecast) -> String {
    use crate::domain::forecast::Outlook;
    let class = match f.outlook {
        Outlook::Done | Outlook::OnTime => "v-met",
        Outlook::Late | Outlook::Stalled => "v-behind",
    };
    format!(
        "<span class=\"verdict {class}\">{}</span>",
        esc(f.outlook.label())
    )
}

fn percent(c: Count) -> String {
    c.percent.map_or("—".into(), |p| {
        format!("{}%", fmt_number(super::round(p, 0)))
    })
}

fn verdict_class(v: Verdict) -> &'static str {
    match v {
        Verdict::Met => "v-met",
        Verdict::OnTrack => "v-on_track",
        Verdict::Behind => "v-behind",
        Verdict::NoData => "v-no_data",
    }
}

impl Format for Html {
    fn render(&self, r: &Report, out: &mut dyn Write) -> Result<()> {
        let today =
            NaiveDate::parse_from_str(&r.today, "%Y-%m-%d").unwrap_or_else(|_| month_start(1));
        let c = &r.current;
        let mut h = String::new();
        let _ = write!(
            h,
            "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{} — {}</title><style>{STYLE}</style></head><body>",
            esc(&r.roadmap.name),
            esc(&r.today)
        );
        let _ = write!(
            h,
            "<h1>{}</h1><div class=\"sub\">{} · Year {}, Q{}{} · Month {}{} · Week {} · history: {}<br>{}</div>",
            esc(&r.roadmap.name),
            esc(&r.today),
            c.year,
            c.quarter,
            c.quarter_theme.as_deref().map(|t| format!(" {}", esc(t))).unwrap_or_default(),
            c.month,
            c.month_title.as_deref().map(|t| format!(": {}", esc(t))).unwrap_or_default(),
            c.week,
            esc(r.history.mode),
            esc(&r.identity.line())
        );

        // Progress cards.
        let p = &r.progress;
        h.push_str("<div class=\"cards\">");
        for (label, cnt, fc) in r.scopes() {
            // Done and proven side by side, and one bar split into what is
            // verified, what misses its target and what is only claimed.
            let share = |n: usize| {
                if cnt.total == 0 {
                    0.0
                } else {
                    n as f64 * 100.0 / cnt.total as f64
                }
            };
            let claimed = cnt
                .completed
                .saturating_sub(cnt.verified + cnt.target_unmet);
            let verified_pct = if cnt.total == 0 {
                "—".to_string()
            } else {
                format!("{}%", fmt_number(super::round(share(cnt.verified), 0)))
            };
            let _ = write!(
                h,
                "<div class=\"card\"><div class=\"label\">{}</div><div class=\"figures\"><div><div class=\"big\">{}</div><div class=\"frac\">done</div></div><div><div class=\"big proven\">{verified_pct}</div><div class=\"frac\">verified</div></div></div><div class=\"bar\" title=\"{} verified, {} target unmet, {} claimed of {} planned\"><div class=\"s-verified\" style=\"width:{:.1}%\"></div><div class=\"s-unmet\" style=\"width:{:.1}%\"></div><div class=\"s-claimed\" style=\"width:{:.1}%\"></div></div><div class=\"frac\">{} of {} planned tasks: <span class=\"k-verified\">{} verified</span>{}{}</div>{}</div>",
                esc(&label),
                percent(cnt),
                cnt.verified,
                cnt.target_unmet,
                claimed,
                cnt.total,
                share(cnt.verified),
                share(cnt.target_unmet),
                share(claimed),
                cnt.completed,
                cnt.total,
                cnt.verified,
                if cnt.target_unmet > 0 {
                    format!(" · <span class=\"k-unmet\">{} target unmet</span>", cnt.target_unmet)
                } else {
                    String::new()
                },
                if claimed > 0 {
                    format!(" · <span class=\"k-claimed\">{claimed} claimed</span>")
                } else {
                    String::new()
                },
                fc.map(|fc| format!("<div class=\"fc\">{}{}</div>", outlook_badge(fc), esc(&forecast_line(fc)))).unwrap_or_default()
            );
        }
        h.push_str("</div>");
        if let Some(line) = super::terminal::claims_line(&r.claims) {
            let _ = write!(h, "<p class=\"claims\">Completions: {}</p>", esc(&line));
        }

        // Progress per month, with the gap where a year has no roadmap.
        if !p.months.is_empty() {
            h.push_str("<h2>Progress per month</h2><div class=\"panel\">");
            h.push_str(&month_bars(&p.months, c.month));
            h.push_str("<div class=\"legend\"><span>■ done (green) of planned tasks per roadmap month</span><span>outlined: the current month</span></div></div>");
        }

        // Current month's tasks.
        if !r.month_tasks.is_empty() {
            let _ = write!(h, "<h2>Month {} tasks</h2><div class=\"panel scroll\"><table><tr><th></th><th>Task</th><th>Block</th><th>Weeks</th><th>Done</th><th>Standing</th></tr>", c.month);
            for t in &r.month_tasks {
                let standing = t.standing_text();
                let _ = write!(
                    h,
                    "<tr><td class=\"{}\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    match (t.done, t.standing) {
                        (false, _) => "open",
                        (true, Some(crate::domain::claims::Standing::Verified)) => "k-verified",
                        (true, Some(crate::domain::claims::Standing::TargetUnmet)) => "k-unmet",
                        (true, _) => "k-claimed",
                    },
                    match (t.done, t.standing) {
                        (false, _) => "○",
                        (true, Some(crate::domain::claims::Standing::Verified)) => "●",
                        (true, Some(crate::domain::claims::Standing::TargetUnmet)) => "✕",
                        (true, _) => "◐",
                    },
                    esc(&t.title),
                    esc(&t.block),
                    esc(&t.weeks),
                    t.week_done
                        .map(|w| format!(
                            "week {w}{}",
                            t.timing
                                .map(|x| format!(" ({})", x.label()))
                                .unwrap_or_default()
                        ))
                        .unwrap_or_default(),
                    esc(&standing)
                );
            }
            h.push_str("</table></div>");
        }

        // Metrics.
        h.push_str("<h2>Metrics</h2><div class=\"legend\">");
        for (prefix, color, shape) in SOURCES {
            let name = match prefix {
                "" => "other sources",
                "bench:" => "bench:* (measured by beast bench)",
                "import:" => "import:* (imported)",
                p => p,
            };
            let _ = write!(
                h,
                "<span><svg width=\"12\" height=\"12\" viewBox=\"0 0 12 12\">{}</svg> {name}</span>",
                mark(6.0, 6.0, color, shape, name)
            );
        }
        h.push_str("<span>- - baseline</span><span style=\"color:#5fd3a5\">◇ target checkpoints, - - paced line</span><span>┊ today</span></div><div class=\"grid\">");
        // Metrics without a reading are one line, not a chart of nothing.
        let mut without = Vec::new();
        for m in &r.metrics {
            let empty = Series {
                metric: m.id.clone(),
                points: Vec::new(),
                targets: Vec::new(),
            };
            let s = r.series.iter().find(|s| s.metric == m.id).unwrap_or(&empty);
            if m.latest.is_none() || s.points.is_empty() {
                let target = m
                    .target
                    .map(|t| {
                        format!(
                            " (target {} by M{})",
                            esc(&format_with_unit(t.value, &m.unit)),
                            t.month
                        )
                    })
                    .unwrap_or_default();
                without.push(format!("{}{target}", esc(&m.id)));
                continue;
            }
            let f = |v: f64| esc(&format_with_unit(significant(v, 4), &m.unit));
            let latest = m
                .latest
                .as_ref()
                .map(|l| {
                    format!(
                        "latest {} ({}{}, {})",
                        f(l.value),
                        esc(&l.source),
                        if l.reference {
                            ", beast's reference workload: the team has no series of its own"
                        } else {
                            ""
                        },
                        super::age(&l.at, &r.generated_at)
                    )
                })
                .unwrap_or_else(|| "no readings".into());
            let target = m
                .target
                .map(|t| format!(" · target {} by M{}", f(t.value), t.month))
                .unwrap_or_default();
            let paced = m
                .paced_target
                .map(|v| format!(" · paced {}", f(v)))
                .unwrap_or_default();
            let better = match m.direction {
                Direction::Higher => "higher is better",
                Direction::Lower => "lower is better",
            };
            let _ = write!(
                h,
                "<div class=\"panel\"><h3>{}<span class=\"verdict {}\">{}</span></h3><div class=\"meta\">{} · {latest}{target}{paced} · {better}</div>{}</div>",
                esc(&m.name),
                verdict_class(m.verdict),
                m.verdict.label(),
                esc(&m.id),
                metric_chart(m, s, today)
            );
        }
        h.push_str("</div>");
        if !without.is_empty() {
            let _ = write!(
                h,
                "<p class=\"empty\">No readings yet: {}.</p>",
                without.join(" · ")
            );
        }

        // Dog food.
        h.push_str("<h2>Dog food</h2><div class=\"panel scroll\"><table><tr><th>Kind</th><th>Generated with BEAST MODE</th><th>Share</th><th>Target</th><th></th></tr>");
        for d in &r.dogfood {
            let share = d.share.unwrap_or(0.0).clamp(0.0, 100.0);
            let target = d.target.unwrap_or(0.0).clamp(0.0, 100.0);
            let _ = write!(
                h,
                "<tr><td>{}</td><td>{} of {}</td><td style=\"width:40%\"><svg viewBox=\"0 0 200 14\" width=\"100%\" height=\"14\"><rect class=\"mb\" width=\"200\" height=\"14\" rx=\"4\"/><rect width=\"{:.1}\" height=\"14\" rx=\"4\" fill=\"#3fb68b\"/><line x1=\"{:.1}\" x2=\"{:.1}\" y1=\"0\" y2=\"14\" stroke=\"#f1d36b\" stroke-width=\"2\"/></svg> {}</td><td>{}</td><td><span class=\"verdict {}\">{}</span></td></tr>",
                d.kind,
                d.generated,
                d.generated + d.manual,
                share * 2.0,
                target * 2.0,
                target * 2.0,
                d.share.map_or("—".into(), |s| format!("{}%", fmt_number(super::round(s, 1)))),
                d.target.map_or("—".into(), |t| format!("{}%", fmt_number(t))),
                verdict_class(d.verdict),
                d.verdict.label()
            );
        }
        h.push_str("</table></div>");

        // Recent completions.
        if !r.recent.is_empty() {
            h.push_str("<h2>Recent completions</h2><div class=\"panel scroll\"><table>");
            for rc in &r.recent {
                let _ = write!(
                    h,
                    "<tr><td>{}</td><td>month {}, week {}</td><td>{}{}</td></tr>",
                    esc(rc.completed_at.get(..10).unwrap_or(&rc.completed_at)),
                    rc.month,
                    rc.week,
                    esc(&rc.title),
                    if rc.adhoc {
                        " <span class=\"legend\">(ad hoc)</span>"
                    } else {
                        ""
                    }
                );
            }
            h.push_str("</table></div>");
        }
        let _ = writeln!(
            h,
            "<footer>Generated by beast at {} · roadmap years {} ({} planned tasks){}</footer></body></html>",
            esc(&r.generated_at),
            r.roadmap.years.iter().map(u32::to_string).collect::<Vec<_>>().join(", "),
            r.roadmap.tasks,
            if r.roadmap.missing_years.is_empty() {
                String::new()
            } else {
                format!(
                    " · year {} has no roadmap yet",
                    r.roadmap.missing_years.iter().map(u32::to_string).collect::<Vec<_>>().join(", ")
                )
            }
        );
        out.write_all(h.as_bytes())?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_for_html() {
        assert_eq!(
            esc("<script>alert('x')</script>"),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"
        );
        assert_eq!(esc("a & \"b\""), "a &amp; &quot;b&quot;");
        assert_eq!(esc("\u{1b}[2J"), "&#x241b;[2J");
    }
}
