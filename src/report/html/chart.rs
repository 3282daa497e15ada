//! The charts of the report page, as inline SVG: one metric's readings over
//! time (each series — a metric from one source — its own line and marks),
//! its baseline, target checkpoints and the paced line to them; and the
//! value axis on tidy numbers. Colours of axes and grid are classes the
//! page's style sets for the light and dark schemes.

use std::fmt::Write as _;

use chrono::{DateTime, NaiveDate, Utc};

use super::esc;
use crate::domain::calendar::{month_end, month_start};
use crate::domain::catalog::{format_with_unit, significant};
use crate::report::{MetricReport, Series};

/// The sources' marks in the charts: (prefix, colour, shape).
pub(super) const SOURCES: [(&str, &str, &str); 5] = [
    ("manual", "#7aa2f7", "circle"),
    ("ci", "#e0699a", "ring"),
    ("bench:", "#f7b955", "square"),
    ("import:", "#bb9af7", "triangle"),
    ("", "#7dcfff", "diamond"),
];

fn source_style(source: &str) -> (&'static str, &'static str) {
    SOURCES
        .iter()
        .find(|(p, _, _)| {
            // "ci" is a source name, not a prefix of "circleci".
            if *p == "ci" {
                source == "ci"
            } else {
                source.starts_with(p)
            }
        })
        .map(|(_, c, s)| (*c, *s))
        .unwrap_or(("#7dcfff", "diamond"))
}

pub(super) fn mark(x: f64, y: f64, color: &str, shape: &str, title: &str) -> String {
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
        "ring" => format!("<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"3.6\" fill=\"none\" stroke=\"{color}\" stroke-width=\"2\">{t}</circle>"),
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
pub(super) fn metric_chart(m: &MetricReport, s: &Series, today: NaiveDate) -> String {
    // A small view box: its text stays legible when a phone shows the
    // chart 330 px wide.
    let (w, h) = (340.0, 150.0);
    let (left, right, top, bottom) = (52.0, 8.0, 8.0, 22.0);
    let points: Vec<(f64, f64, &str)> = s
        .points
        .iter()
        .filter_map(|(at, v, src)| at_days(at).map(|d| (d, *v, src.as_str())))
        .collect();
    // The time axis: from the start to today (or the last reading), and on
    // to the next checkpoint when it is within three months — not to a
    // checkpoint years away.
    let mut x_max = days(today).max(30.0);
    for (d, _, _) in &points {
        x_max = x_max.max(*d);
    }
    if let Some((month, _)) = s
        .targets
        .iter()
        .find(|(month, _)| days(month_end(*month)) >= x_max)
    {
        let d = days(month_end(*month));
        if d <= x_max + 92.0 {
            x_max = d;
        }
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
    let (lo, hi) = values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(*v), b.max(*v))
        });
    // A percentage stays within 0-100; nothing that cannot be negative
    // gets a negative axis.
    let cap = if m.unit == "%" { 100.0 } else { f64::INFINITY };
    let floor = if lo >= 0.0 { 0.0 } else { f64::NEG_INFINITY };
    let ticks = tidy_ticks(lo, hi, floor, cap);
    let (lo, hi) = (ticks[0], ticks[ticks.len() - 1]);
    let x = |d: f64| left + (d / x_max).clamp(0.0, 1.0) * (w - left - right);
    let y = |v: f64| top + (1.0 - (v - lo) / (hi - lo)) * (h - top - bottom);
    let fmt = |v: f64| esc(&format_with_unit(significant(v, 3), &m.unit));

    let mut svg = format!(
        "<svg viewBox=\"0 0 {w} {h}\" width=\"100%\" role=\"img\" aria-label=\"{} over time\">",
        esc(&m.id)
    );
    // Axes and grid: a line at each tidy value, month ticks that fit.
    for v in &ticks {
        let yy = y(*v);
        let _ = write!(
            svg,
            "<line class=\"gl\" x1=\"{left}\" x2=\"{}\" y1=\"{yy:.1}\" y2=\"{yy:.1}\"/><text class=\"ax\" x=\"{}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\">{}</text>",
            w - right,
            left - 6.0,
            yy + 3.5,
            tick_label(*v, &m.unit)
        );
    }
    // Dates on the time axis: the first of a month, "1 Mar" (with the
    // year's last digits when the axis spans more than a year), at most
    // four labels.
    let months = (x_max / 30.4).ceil() as u32;
    let step = months.div_ceil(4).max(1);
    for mo in (1..=months.max(1)).step_by(step as usize) {
        let start = month_start(mo);
        let xx = x(days(start));
        // A label is centred on its month's start and left out where it
        // would run past the chart's edge.
        if xx + 16.0 > w - right {
            continue;
        }
        let label = if months > 12 {
            start.format("%b %y").to_string()
        } else {
            start.format("1 %b").to_string()
        };
        let _ = write!(
            svg,
            "<text class=\"ax\" x=\"{xx:.1}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\">{label}</text>",
            h - 6.0
        );
    }
    // Today.
    let tx = x(days(today));
    let _ = write!(
        svg,
        "<line class=\"today\" x1=\"{tx:.1}\" x2=\"{tx:.1}\" y1=\"{top}\" y2=\"{}\" stroke-dasharray=\"2 3\"><title>today, {today}</title></line>",
        h - bottom
    );
    // Baseline.
    if let Some(b) = m.baseline {
        let yy = y(b);
        let _ = write!(
            svg,
            "<line class=\"today\" x1=\"{left}\" x2=\"{}\" y1=\"{yy:.1}\" y2=\"{yy:.1}\" stroke-dasharray=\"6 4\"><title>baseline {}</title></line>",
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
    svg.push_str("</svg>");
    svg
}

/// Axis values on tidy numbers (1, 2, 2.5 or 5 times a power of ten) that
/// take in `lo`..`hi`, kept within `floor`..`cap` where the values allow:
/// three to six of them, first and last the axis' ends.
pub(super) fn tidy_ticks(lo: f64, hi: f64, floor: f64, cap: f64) -> Vec<f64> {
    let (mut lo, mut hi) = (lo, hi);
    if (hi - lo).abs() < 1e-9 {
        let pad = if lo.abs() > 1e-9 { lo.abs() * 0.1 } else { 1.0 };
        // A series of zeros of a quantity that cannot be negative: 0 to 1,
        // not -1 to 1.
        lo = (lo - pad).max(floor);
        hi += pad;
    }
    let raw = (hi - lo) / 4.0;
    let power = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|f| f * power)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * power);
    let start = ((lo / step).floor() * step).max(if floor <= lo { floor } else { lo });
    let end = ((hi / step).ceil() * step).min(if cap >= hi { cap } else { hi });
    let mut out = Vec::new();
    let mut v = start;
    while v <= end + step * 1e-9 {
        // Rounded to the step's precision: 0.30000000000000004 is 0.3.
        out.push((v / step).round() * step);
        v += step;
    }
    if out.len() < 2 {
        out.push(start + step);
    }
    out
}

/// An axis value with the metric's unit, at the precision the axis needs.
fn tick_label(v: f64, unit: &str) -> String {
    let v = if v.abs() < 1e-12 { 0.0 } else { v };
    esc(&format_with_unit(significant(v, 4), unit))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axis_ticks_are_tidy_numbers_within_the_range() {
        assert_eq!(
            tidy_ticks(8.28, 41.0, 0.0, 100.0),
            [0.0, 10.0, 20.0, 30.0, 40.0, 50.0]
        );
        assert_eq!(
            tidy_ticks(15.0, 99.0, 0.0, 100.0),
            [0.0, 25.0, 50.0, 75.0, 100.0]
        );
        assert_eq!(
            tidy_ticks(96.0, 99.9, 0.0, 100.0),
            [96.0, 97.0, 98.0, 99.0, 100.0]
        );
        assert_eq!(
            tidy_ticks(150.0, 500.0, 0.0, f64::INFINITY),
            [100.0, 200.0, 300.0, 400.0, 500.0]
        );
        assert_eq!(
            tidy_ticks(0.0001, 0.001, 0.0, f64::INFINITY),
            [0.0, 0.00025, 0.0005, 0.00075, 0.001]
        );
        let flat = tidy_ticks(40.0, 40.0, 0.0, 100.0);
        assert!(
            flat.len() >= 2 && flat[0] <= 40.0 && *flat.last().unwrap() >= 40.0,
            "{flat:?}"
        );
        // Never past 100 % nor below 0 for what cannot be.
        for (lo, hi) in [(0.0, 100.0), (3.0, 98.5), (0.5, 7.0)] {
            let t = tidy_ticks(lo, hi, 0.0, 100.0);
            assert!(t[0] >= 0.0 && *t.last().unwrap() <= 100.0, "{t:?}");
            assert!(t[0] <= lo && *t.last().unwrap() >= hi, "{t:?}");
        }
    }
}
