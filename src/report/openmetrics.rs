//! The report as OpenMetrics text, for Prometheus and Grafana: scraped from a
//! file by node_exporter's textfile collector (`beast report --format
//! openmetrics -o /var/lib/prometheus/node-exporter/beast.prom`) or pushed to a
//! Pushgateway.
//!
//! Every value is a gauge. Names follow the OpenMetrics and Prometheus
//! conventions: base units and a unit suffix, one family per unit
//! (`beast_metric_ratio` for percentages as 0–1, `beast_metric_seconds` for
//! milliseconds, `beast_metric_dollars`, `beast_metric_requests_per_second`),
//! with a `# UNIT` line, never a unit label. Samples carry no timestamps by
//! default — node_exporter's textfile collector rejects a file with any, and
//! Pushgateway refuses them — and when each series was measured is a gauge
//! of its own (`beast_metric_measured_timestamp_seconds`); `--timestamps`
//! adds them for a scraper that wants them. Label values are escaped and the
//! text ends with `# EOF`. Tests feed it to Prometheus' Python parser,
//! node_exporter and Pushgateway.

use std::fmt::Write as _;
use std::io::Write;

use anyhow::Result;
use chrono::DateTime;

use super::{Count, Format, Report};

pub struct OpenMetrics {
    /// Sample timestamps on the metric values (when they were measured).
    pub timestamps: bool,
    /// Labels every sample carries after `project` (`--label k=v`).
    pub labels: Vec<(String, String)>,
}

/// Escapes a label value: backslash, double quote and newline.
fn label(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// A catalog unit as a base unit: the name suffix (empty for none) and what
/// to divide the catalog's values by (a division, so 350 ms is 0.35 s, not
/// 0.35000000000000003).
fn base_unit(unit: &str) -> (&'static str, f64) {
    match unit {
        "%" => ("ratio", 100.0),
        "ms" => ("seconds", 1000.0),
        "s" => ("seconds", 1.0),
        "$" => ("dollars", 1.0),
        "req/s" => ("requests_per_second", 1.0),
        _ => ("", 1.0),
    }
}

/// A number as OpenMetrics writes it.
fn number(v: f64) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v.is_infinite() {
        if v > 0.0 { "+Inf" } else { "-Inf" }.into()
    } else {
        format!("{v}")
    }
}

/// Seconds since the epoch of a stored time.
fn seconds(at: &str) -> Option<i64> {
    DateTime::parse_from_rfc3339(at).ok().map(|t| t.timestamp())
}

struct Family {
    name: String,
    text: String,
}

impl Family {
    fn new(name: &str, help: &str) -> Family {
        Family::with_unit(name, "", help)
    }

    /// A family whose name ends in `_{unit}` (when there is one).
    fn with_unit(name: &str, unit: &str, help: &str) -> Family {
        let mut text = String::new();
        let _ = writeln!(text, "# TYPE {name} gauge");
        if !unit.is_empty() {
            let _ = writeln!(text, "# UNIT {name} {unit}");
        }
        let _ = writeln!(text, "# HELP {name} {help}");
        Family {
            name: name.to_string(),
            text,
        }
    }

    fn sample(&mut self, name: &str, labels: &[(&str, &str)], value: f64, at: Option<i64>) {
        let labels: Vec<String> = labels
            .iter()
            .map(|(k, v)| format!("{k}=\"{}\"", label(v)))
            .collect();
        let _ = write!(
            self.text,
            "{name}{{{}}} {}",
            labels.join(","),
            number(value)
        );
        if let Some(at) = at {
            let _ = write!(self.text, " {at}");
        }
        self.text.push('\n');
    }
}

/// Families by name, made when their first sample comes, in that order.
#[derive(Default)]
struct Families(Vec<Family>);

impl Families {
    /// The family `{prefix}_{unit}` (or `prefix` without a unit).
    fn get(&mut self, prefix: &str, unit: &str, help: &str) -> &mut Family {
        let name = match unit {
            "" => prefix.to_string(),
            u => format!("{prefix}_{u}"),
        };
        match self.0.iter().position(|f| f.name == name) {
            Some(i) => &mut self.0[i],
            None => {
                self.0.push(Family::with_unit(&name, unit, help));
                self.0.last_mut().expect("just pushed")
            }
        }
    }

    fn sample(
        &mut self,
        prefix: &str,
        unit: &str,
        help: &str,
        labels: &[(&str, &str)],
        value: f64,
        at: Option<i64>,
    ) {
        let f = self.get(prefix, unit, help);
        let name = f.name.clone();
        f.sample(&name, labels, value, at);
    }
}

impl Format for OpenMetrics {
    fn render(&self, r: &Report, out: &mut dyn Write) -> Result<()> {
        let mut families = Vec::new();

        // Each metric's values in its base unit, one family per unit; the
        // newest reading of every series (metric and source).
        let mut by_unit = Families::default();
        let mut measured = Family::with_unit(
            "beast_metric_measured_timestamp_seconds",
            "seconds",
            "When the newest reading of a series (a metric from one source) was measured, seconds since the epoch.",
        );
        let mut readings = Family::new(
            "beast_metric_readings",
            "How many readings of the metric count (retracted ones do not).",
        );
        // The checkpoint's month is a value, not a label: a label that
        // changes at every checkpoint would start a new series each time.
        let mut target_month = Family::new(
            "beast_metric_target_month",
            "The roadmap month of the metric's target checkpoint in force (see beast_metric_target).",
        );
        let mut behind = Family::new(
            "beast_metric_behind",
            "1 when the metric has data and is behind its paced target, else 0.",
        );
        for m in &r.metrics {
            let (unit, factor) = base_unit(&m.unit);
            let id = m.id.as_str();
            for s in &m.series {
                let at = seconds(&s.at);
                by_unit.sample(
                    "beast_metric",
                    unit,
                    "Newest reading of each series of a roadmap metric (a metric from one source), in base units.",
                    &[("metric", id), ("source", &s.source)],
                    s.value / factor,
                    at.filter(|_| self.timestamps),
                );
                if let Some(at) = at {
                    measured.sample(
                        "beast_metric_measured_timestamp_seconds",
                        &[("metric", id), ("source", &s.source)],
                        at as f64,
                        None,
                    );
                }
            }
            if let Some(t) = m.target {
                by_unit.sample(
                    "beast_metric_target",
                    unit,
                    "The metric's target checkpoint in force (the next one at or after the current month; the last one once all have passed), in base units.",
                    &[("metric", id)],
                    t.value / factor,
                    None,
                );
                target_month.sample(
                    "beast_metric_target_month",
                    &[("metric", id)],
                    f64::from(t.month),
                    None,
                );
            }
            if let Some(p) = m.paced_target {
                by_unit.sample(
                    "beast_metric_paced_target",
                    unit,
                    "Where the metric should be today on the linear path to its next target, in base units.",
                    &[("metric", id)],
                    p / factor,
                    None,
                );
            }
            if let Some(b) = m.baseline {
                by_unit.sample(
                    "beast_metric_baseline",
                    unit,
                    "The metric's baseline, in base units.",
                    &[("metric", id)],
                    b / factor,
                    None,
                );
            }
            readings.sample(
                "beast_metric_readings",
                &[("metric", id)],
                m.count as f64,
                None,
            );
            if m.latest.is_some() {
                let is_behind = matches!(m.verdict, crate::domain::Verdict::Behind);
                behind.sample(
                    "beast_metric_behind",
                    &[("metric", id)],
                    f64::from(u8::from(is_behind)),
                    None,
                );
            }
        }
        families.extend(by_unit.0);
        families.extend([measured, readings, behind]);

        let mut done = Family::new(
            "beast_progress_completed_tasks",
            "Planned tasks completed in a scope of the roadmap.",
        );
        let mut total = Family::new(
            "beast_progress_planned_tasks",
            "Planned tasks in a scope of the roadmap (its denominator).",
        );
        let mut ratio = Family::new(
            "beast_progress_ratio",
            "Completed over planned tasks in a scope, 0 to 1 (absent when nothing is planned).",
        );
        let mut verified = Family::new(
            "beast_progress_verified_tasks",
            "Completed tasks of a scope whose completion is verified (evidence, or a measured reading meeting the task's acceptance).",
        );
        let mut verified_ratio = Family::new(
            "beast_progress_verified_ratio",
            "Verified over planned tasks in a scope, 0 to 1 (absent when nothing is planned).",
        );
        let p = &r.progress;
        let scopes: [(&str, Count); 4] = [
            ("overall", p.overall),
            ("year", p.year),
            ("quarter", p.quarter),
            ("month", p.month),
        ];
        for (scope, c) in scopes {
            done.sample(
                "beast_progress_completed_tasks",
                &[("scope", scope)],
                c.completed as f64,
                None,
            );
            total.sample(
                "beast_progress_planned_tasks",
                &[("scope", scope)],
                c.total as f64,
                None,
            );
            verified.sample(
                "beast_progress_verified_tasks",
                &[("scope", scope)],
                c.verified as f64,
                None,
            );
            if c.total > 0 {
                ratio.sample(
                    "beast_progress_ratio",
                    &[("scope", scope)],
                    c.completed as f64 / c.total as f64,
                    None,
                );
                verified_ratio.sample(
                    "beast_progress_verified_ratio",
                    &[("scope", scope)],
                    c.verified as f64 / c.total as f64,
                    None,
                );
            }
        }
        let mut claims = Family::new(
            "beast_completions",
            "Completions counting toward progress, by what backs them or how they were recorded (a completion may carry several flags).",
        );
        let k = &r.claims;
        for (kind, n) in [
            ("completed", k.completed),
            ("verified", k.verified),
            ("unverified", k.unverified),
            ("ahead_of_plan", k.ahead_of_plan),
            ("bulk", k.bulk),
            ("imported", k.imported),
            ("target_unmet", k.target_unmet),
        ] {
            claims.sample("beast_completions", &[("kind", kind)], n as f64, None);
        }
        families.extend([done, total, ratio, verified, verified_ratio, claims]);

        let mut share = Family::new(
            "beast_dogfood_generated_ratio",
            "Share of a kind of work generated with BEAST MODE, 0 to 1 (absent without events).",
        );
        let mut share_target = Family::new(
            "beast_dogfood_target_ratio",
            "The target share of a kind of work generated with BEAST MODE, 0 to 1.",
        );
        for d in &r.dogfood {
            let kind = d.kind.as_str();
            if let Some(s) = d.share {
                share.sample(
                    "beast_dogfood_generated_ratio",
                    &[("kind", kind)],
                    s / 100.0,
                    None,
                );
            }
            if let Some(t) = d.target {
                share_target.sample(
                    "beast_dogfood_target_ratio",
                    &[("kind", kind)],
                    t / 100.0,
                    None,
                );
            }
        }
        families.extend([share, share_target]);

        let mut position = Family::new(
            "beast_roadmap_month",
            "The roadmap month today falls in (1-48), from the calendar.",
        );
        position.sample(
            "beast_roadmap_month",
            &[("state", r.current.state.label())],
            f64::from(r.current.month),
            None,
        );
        families.push(position);
        families.push(target_month);

        let mut info = Family::new(
            "beast_info",
            "Which beast wrote these metrics and of which commit: always 1.",
        );
        info.sample(
            "beast_info",
            &[
                ("version", &r.identity.beast_version),
                ("commit", r.identity.commit.as_deref().unwrap_or("")),
                ("branch", r.identity.branch.as_deref().unwrap_or("")),
            ],
            1.0,
            None,
        );
        families.push(info);

        // Every sample carries the project (and the labels asked for), so
        // that two repositories' files can sit in one textfile directory
        // and one Pushgateway.
        let mut global = format!("project=\"{}\"", label(&r.identity.project));
        for (k, v) in &self.labels {
            let _ = write!(global, ",{k}=\"{}\"", label(v));
        }
        for f in families {
            for line in f.text.lines() {
                match line.split_once('{') {
                    Some((name, rest)) if !line.starts_with('#') => {
                        let sep = if rest.starts_with('}') { "" } else { "," };
                        writeln!(out, "{name}{{{global}{sep}{rest}")?;
                    }
                    _ => writeln!(out, "{line}")?,
                }
            }
        }
        out.write_all(b"# EOF\n")?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(label(r#"a"b\c"#), r#"a\"b\\c"#);
        assert_eq!(label("two\nlines"), "two\\nlines");
    }

    #[test]
    fn numbers_follow_the_format() {
        assert_eq!(number(40.0), "40");
        assert_eq!(number(0.0009), "0.0009");
        assert_eq!(number(f64::NAN), "NaN");
        assert_eq!(number(f64::INFINITY), "+Inf");
    }
}
