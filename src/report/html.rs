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
use chrono::{DateTime, NaiveDate, Utc};

use super::terminal::forecast_line;
use super::{Count, Format, MetricReport, Report, Series};
use crate::domain::calendar::{month_end, month_start};
use crate::domain::catalog::{fmt_number, format_with_unit, significant};
use crate::domain::{Direction, Verdict};

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

const STYLE: &str = "
:root { color-scheme: dark; }
* { box-sizing: border-box; }
body { margin: 0; padding: 28px 36px; background: #0f1420; color: #e6e9ef;
  font: 15px/1.45 system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif; }
h1 { font-size: 26px; margin: 0 0 4px; letter-spacing: .3px; }
h2 { font-size: 17px; margin: 28px 0 12px; color: #aab3c5; text-transform: uppercase; letter-spacing: 1.2px; }
.sub { color: #8b95a8; margin-bottom: 20px; }
.cards { display: grid; grid-template-columns: repeat(4, minmax(180px, 1fr)); gap: 14px; }
.card { background: #171e2e; border: 1px solid #243049; border-radius: 12px; padding: 14px 16px; }
.card .label { color: #8b95a8; font-size: 13px; }
.card .big { font-size: 34px; font-weight: 650; margin: 2px 0; }
.card .frac { color: #aab3c5; font-size: 13px; }
.card .fc { color: #8b95a8; font-size: 12px; margin-top: 6px; }
.bar { height: 8px; background: #243049; border-radius: 4px; overflow: hidden; margin-top: 8px; }
.bar > div { height: 100%; background: linear-gradient(90deg, #3fb68b, #5fd3a5); }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(420px, 1fr)); gap: 14px; }
.panel { background: #171e2e; border: 1px solid #243049; border-radius: 12px; padding: 12px 14px; }
.panel h3 { margin: 0 0 2px; font-size: 15px; }
.panel .meta { color: #8b95a8; font-size: 12px; margin-bottom: 6px; }
.verdict { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; margin-left: 6px; }
.v-met { background: #1f4d3a; color: #7ee2b8; } .v-on_track { background: #4d451f; color: #f1d36b; }
.v-behind { background: #5a2430; color: #ff8c9d; } .v-no_data { background: #2a3347; color: #8b95a8; }
.legend { color: #8b95a8; font-size: 12px; margin-top: 4px; }
.legend span { margin-right: 12px; white-space: nowrap; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
td, th { text-align: left; padding: 6px 8px; border-bottom: 1px solid #243049; }
th { color: #8b95a8; font-weight: 500; }
.done { color: #5fd3a5; } .open { color: #5a6478; }
footer { color: #5a6478; font-size: 12px; margin-top: 30px; }
svg text { font-family: inherit; }
";

/// The sources' marks in the charts: (prefix, colour, shape).
const SOURCES: [(&str, &str, &str); 4] = [
    ("manual", "#7aa2f7", "circle"),
    ("bench:", "#f7b955", "square"),
    ("import:", "#bb9af7", "triangle"),
    ("", "#7dcfff", "diamond"),
];

fn source_style(source: &str) -> (&'static str, &'static str) {
    SOURCES
        .iter()
        .find(|(p, _, _)| source.starts_with(p))
        .map(|(_, c, s)| (*c, *s))
        .unwrap_or(("#7dcfff", "diamond"))
}

fn mark(x: f64, y: f64, color: &str, shape: &str, title: &str) -> String {
    let t = format!("<title>{}</title>", esc(title));
    match shape {
        "square" => format!("<rect x=\"{:.1}\" y=\"{:.1}\" width=\"7\" height=\"7\" fill=\"{color}\">{t}</rect>", x - 3.5, y - 3.5),
        "triangle" => format!(
            "<polygon points=\"{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}\" fill=\"{color}\">{t}</polygon>",
            x, y - 4.5, x - 4.5, y + 3.5, x + 4.5, y + 3.5
        ),
        "diamond" => format!(
            "<polygon points=\"{:.1},{:.1} {:.1},{:.1} {:.1},{:.1} {:.1},{:.1}\" fill=\"{color}\">{t}</polygon>",
            x, y - 5.0, x + 5.0, y, x, y + 5.0, x - 5.0, y
        ),
        _ => format!("<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"3.8\" fill=\"{color}\">{t}</circle>"),
    }
}

fn days(d: NaiveDate) -> f64 {
    (d - month_start(1)).num_days() as f64
}

fn at_days(at: &str) -> Option<f64> {
    DateTime::parse_from_rfc3339(at).ok().map(|t| {
        (t.with_timezone(&Utc)
            - month_start(1)
                .and_hms_opt(0, 0, 0)
                .expect("midnight")
                .and_utc())
        .num_seconds() as f64
            / 86_400.0
    })
}

/// One metric's chart: readings by source, baseline, checkpoints, paced line.
fn metric_chart(m: &MetricReport, s: &Series, today: NaiveDate) -> String {
    let (w, h) = (440.0, 170.0);
    let (left, right, top, bottom) = (64.0, 10.0, 10.0, 24.0);
    let points: Vec<(f64, f64, &str)> = s
        .points
        .iter()
        .filter_map(|(at, v, src)| at_days(at).map(|d| (d, *v, src.as_str())))
        .collect();
    // The time axis: from the start to the later of today and the next
    // checkpoint after today (or the last one).
    let next_target = s
        .targets
        .iter()
        .find(|(month, _)| month_end(*month) >= today)
        .or(s.targets.last());
    let mut x_max = days(today).max(30.0);
    if let Some((month, _)) = next_target {
        x_max = x_max.max(days(month_end(*month)));
    }
    for (d, _, _) in &points {
        x_max = x_max.max(*d);
    }
    let mut values: Vec<f64> = points.iter().map(|p| p.1).collect();
    values.extend(m.baseline);
    values.extend(
        s.targets
            .iter()
            .filter(|(mo, _)| days(month_end(*mo)) <= x_max)
            .map(|t| t.1),
    );
    if values.is_empty() {
        values.push(0.0);
    }
    let (mut lo, mut hi) = values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(*v), b.max(*v))
        });
    if (hi - lo).abs() < 1e-9 {
        lo -= 1.0;
        hi += 1.0;
    }
    let pad = (hi - lo) * 0.08;
    // No negative axis for quantities that cannot be negative.
    let floor = if lo >= 0.0 { 0.0 } else { f64::NEG_INFINITY };
    let (lo, hi) = ((lo - pad).max(floor), hi + pad);
    let x = |d: f64| left + (d / x_max).clamp(0.0, 1.0) * (w - left - right);
    let y = |v: f64| top + (1.0 - (v - lo) / (hi - lo)) * (h - top - bottom);
    let fmt = |v: f64| esc(&format_with_unit(significant(v, 3), &m.unit));

    let mut svg = format!(
        "<svg viewBox=\"0 0 {w} {h}\" width=\"100%\" role=\"img\" aria-label=\"{} over time\">",
        esc(&m.id)
    );
    // Axes and grid: three value lines, month ticks.
    for k in 0..=2 {
        let v = lo + (hi - lo) * (k as f64) / 2.0;
        let yy = y(v);
        let _ = write!(
            svg,
            "<line x1=\"{left}\" x2=\"{}\" y1=\"{yy:.1}\" y2=\"{yy:.1}\" stroke=\"#243049\"/><text x=\"{}\" y=\"{:.1}\" fill=\"#8b95a8\" font-size=\"10\" text-anchor=\"end\">{}</text>",
            w - right,
            left - 6.0,
            yy + 3.5,
            fmt(v)
        );
    }
    let months = (x_max / 30.4).ceil() as u32;
    let step = (months / 6).max(1);
    for mo in (1..=months.max(1)).step_by(step as usize) {
        let xx = x(days(month_start(mo)));
        let _ = write!(
            svg,
            "<text x=\"{xx:.1}\" y=\"{}\" fill=\"#8b95a8\" font-size=\"10\">M{mo}</text>",
            h - 8.0
        );
    }
    // Today.
    let tx = x(days(today));
    let _ = write!(
        svg,
        "<line x1=\"{tx:.1}\" x2=\"{tx:.1}\" y1=\"{top}\" y2=\"{}\" stroke=\"#3b4a6b\" stroke-dasharray=\"2 3\"/>",
        h - bottom
    );
    // Baseline.
    if let Some(b) = m.baseline {
        let yy = y(b);
        let _ = write!(
            svg,
            "<line x1=\"{left}\" x2=\"{}\" y1=\"{yy:.1}\" y2=\"{yy:.1}\" stroke=\"#5a6478\" stroke-dasharray=\"6 4\"><title>baseline {}</title></line>",
            w - right,
            fmt(b)
        );
    }
    // The paced line: from the baseline at the start through every checkpoint.
    let mut path = Vec::new();
    if let Some(b) = m.baseline {
        path.push((0.0, b));
    }
    for (mo, v) in &s.targets {
        let d = days(month_end(*mo));
        if d > x_max * 1.0001 {
            break;
        }
        path.push((d, *v));
    }
    if path.len() >= 2 {
        let pts: Vec<String> = path
            .iter()
            .map(|(d, v)| format!("{:.1},{:.1}", x(*d), y(*v)))
            .collect();
        let _ = write!(
            svg,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"#3fb68b\" stroke-width=\"1.5\" stroke-dasharray=\"4 3\" opacity=\"0.8\"/>",
            pts.join(" ")
        );
    }
    for (mo, v) in &s.targets {
        let d = days(month_end(*mo));
        if d > x_max * 1.0001 {
            continue;
        }
        let _ = write!(
            svg,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"8\" height=\"8\" fill=\"none\" stroke=\"#5fd3a5\" stroke-width=\"1.6\" transform=\"rotate(45 {:.1} {:.1})\"><title>target {} by month {mo}</title></rect>",
            x(d) - 4.0,
            y(*v) - 4.0,
            x(d),
            y(*v),
            fmt(*v)
        );
    }
    // Readings: a thin line through each series (one source's readings:
    // two sources are two series, never joined), then the marks by source.
    let mut sources: Vec<&str> = points.iter().map(|p| p.2).collect();
    sources.sort_unstable();
    sources.dedup();
    for source in sources {
        let pts: Vec<String> = points
            .iter()
            .filter(|p| p.2 == source)
            .map(|(d, v, _)| format!("{:.1},{:.1}", x(*d), y(*v)))
            .collect();
        if pts.len() >= 2 {
            let _ = write!(
                svg,
                "<polyline class=\"series\" points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"1.2\" opacity=\"0.55\"><title>{}</title></polyline>",
                pts.join(" "),
                source_style(source).0,
                esc(source)
            );
        }
    }
    for (d, v, src) in &points {
        let (color, shape) = source_style(src);
        svg.push_str(&mark(
            x(*d),
            y(*v),
            color,
            shape,
            &format!("{} ({src})", fmt(*v)),
        ));
    }
    if points.is_empty() {
        let _ = write!(
            svg,
            "<text x=\"{:.1}\" y=\"{:.1}\" fill=\"#5a6478\" font-size=\"13\" text-anchor=\"middle\">no readings yet</text>",
            (left + w - right) / 2.0,
            h / 2.0
        );
    }
    svg.push_str("</svg>");
    svg
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
            "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>BEAST MODE roadmap — {}</title><style>{STYLE}</style></head><body>",
            esc(&r.today)
        );
        let _ = write!(
            h,
            "<h1>BEAST MODE roadmap</h1><div class=\"sub\">{} · Year {}, Q{}{} · Month {}{} · Week {} · history: {}</div>",
            esc(&r.today),
            c.year,
            c.quarter,
            c.quarter_theme.as_deref().map(|t| format!(" {}", esc(t))).unwrap_or_default(),
            c.month,
            c.month_title.as_deref().map(|t| format!(": {}", esc(t))).unwrap_or_default(),
            c.week,
            esc(r.history.mode)
        );

        // Progress cards.
        let p = &r.progress;
        h.push_str("<div class=\"cards\">");
        for (label, cnt, fc) in r.scopes() {
            let width = cnt.percent.unwrap_or(0.0).clamp(0.0, 100.0);
            let _ = write!(
                h,
                "<div class=\"card\"><div class=\"label\">{}</div><div class=\"big\">{}</div><div class=\"frac\">{} of {} planned tasks · {} verified</div><div class=\"bar\"><div style=\"width:{width:.1}%\"></div></div>{}</div>",
                esc(&label),
                percent(cnt),
                cnt.completed,
                cnt.total,
                cnt.verified,
                fc.map(|fc| format!("<div class=\"fc\">{}</div>", esc(&forecast_line(fc)))).unwrap_or_default()
            );
        }
        h.push_str("</div>");
        if let Some(line) = super::terminal::claims_line(&r.claims) {
            let _ = write!(h, "<p class=\"claims\">Completions: {}</p>", esc(&line));
        }

        // Progress per month.
        if !p.months.is_empty() {
            h.push_str("<h2>Progress per month</h2><div class=\"panel\">");
            let n = p.months.len() as f64;
            let (w, ht) = (1100.0, 150.0);
            let bw = (w - 40.0) / n;
            let _ = write!(h, "<svg viewBox=\"0 0 {w} {ht}\" width=\"100%\" role=\"img\" aria-label=\"tasks done per month\">");
            for (i, m) in p.months.iter().enumerate() {
                let x0 = 20.0 + i as f64 * bw;
                let full = 100.0;
                let share = if m.total > 0 {
                    m.completed as f64 / m.total as f64
                } else {
                    0.0
                };
                let current = m.month as i32 == c.month;
                let _ = write!(
                    h,
                    "<rect x=\"{:.1}\" y=\"15\" width=\"{:.1}\" height=\"{full}\" rx=\"3\" fill=\"{}\"><title>month {}: {}</title></rect><rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" rx=\"3\" fill=\"#3fb68b\"><title>month {}: {}/{} done</title></rect>",
                    x0 + 2.0,
                    bw - 4.0,
                    if current { "#34405e" } else { "#222b3f" },
                    m.month,
                    esc(&m.title),
                    x0 + 2.0,
                    15.0 + full * (1.0 - share),
                    bw - 4.0,
                    full * share,
                    m.month,
                    m.completed,
                    m.total
                );
                if current {
                    let _ = write!(h, "<rect x=\"{:.1}\" y=\"13\" width=\"{:.1}\" height=\"104\" rx=\"4\" fill=\"none\" stroke=\"#7aa2f7\" stroke-width=\"1.5\"/>", x0 + 1.0, bw - 2.0);
                }
                if i % 3 == 0 || current {
                    let _ = write!(h, "<text x=\"{:.1}\" y=\"{}\" fill=\"{}\" font-size=\"11\" text-anchor=\"middle\">M{}</text>", x0 + bw / 2.0, ht - 18.0, if current { "#e6e9ef" } else { "#8b95a8" }, m.month);
                }
            }
            h.push_str("</svg><div class=\"legend\"><span>■ done (green) of planned tasks per roadmap month</span><span>outlined: the current month</span></div></div>");
        }

        // Current month's tasks.
        if !r.month_tasks.is_empty() {
            let _ = write!(h, "<h2>Month {} tasks</h2><div class=\"panel\"><table><tr><th></th><th>Task</th><th>Block</th><th>Weeks</th><th>Done</th><th>Standing</th></tr>", c.month);
            for t in &r.month_tasks {
                let standing = t.standing_text();
                let _ = write!(
                    h,
                    "<tr><td class=\"{}\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    if t.done { "done" } else { "open" },
                    if t.done { "●" } else { "○" },
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
        h.push_str("<span>- - baseline</span><span style=\"color:#5fd3a5\">◇ target checkpoints, - - paced line</span></div><div class=\"grid\">");
        for m in &r.metrics {
            let empty = Series {
                metric: m.id.clone(),
                points: Vec::new(),
                targets: Vec::new(),
            };
            let s = r.series.iter().find(|s| s.metric == m.id).unwrap_or(&empty);
            let f = |v: f64| esc(&format_with_unit(significant(v, 4), &m.unit));
            let latest = m
                .latest
                .as_ref()
                .map(|l| format!("latest {} ({})", f(l.value), esc(&l.source)))
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

        // Dog food.
        h.push_str("<h2>Dog food</h2><div class=\"panel\"><table><tr><th>Kind</th><th>Generated with BEAST MODE</th><th>Share</th><th>Target</th><th></th></tr>");
        for d in &r.dogfood {
            let share = d.share.unwrap_or(0.0).clamp(0.0, 100.0);
            let target = d.target.unwrap_or(0.0).clamp(0.0, 100.0);
            let _ = write!(
                h,
                "<tr><td>{}</td><td>{} of {}</td><td style=\"width:40%\"><svg viewBox=\"0 0 200 14\" width=\"100%\" height=\"14\"><rect width=\"200\" height=\"14\" rx=\"4\" fill=\"#243049\"/><rect width=\"{:.1}\" height=\"14\" rx=\"4\" fill=\"#3fb68b\"/><line x1=\"{:.1}\" x2=\"{:.1}\" y1=\"0\" y2=\"14\" stroke=\"#f1d36b\" stroke-width=\"2\"/></svg> {}</td><td>{}</td><td><span class=\"verdict {}\">{}</span></td></tr>",
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
            h.push_str("<h2>Recent completions</h2><div class=\"panel\"><table>");
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
