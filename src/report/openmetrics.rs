//! The report as OpenMetrics text, for Prometheus and Grafana: scraped from a
//! file by node_exporter's textfile collector (`beast report --format
//! openmetrics -o /var/lib/node_exporter/beast.prom`) or pushed to a
//! Pushgateway.
//!
//! Every value is a gauge with labels; names follow the OpenMetrics rules
//! (`[a-zA-Z_:][a-zA-Z0-9_:]*`), label values are escaped, readings carry
//! their measurement time as a timestamp in seconds, and the text ends with
//! `# EOF`. A test feeds the output to Prometheus' own Python parser.

use std::fmt::Write as _;
use std::io::Write;

use anyhow::Result;
use chrono::DateTime;

use super::{Count, Format, Report};

pub struct OpenMetrics;

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

/// A metric's unit as a label value people can read in Grafana.
fn unit_label(unit: &str) -> &str {
    match unit {
        "%" => "percent",
        "ms" => "milliseconds",
        "$" => "dollars",
        "" => "none",
        other => other,
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

/// Seconds since the epoch of a stored time, for a sample's timestamp.
fn seconds(at: &str) -> Option<i64> {
    DateTime::parse_from_rfc3339(at).ok().map(|t| t.timestamp())
}

struct Family {
    text: String,
}

impl Family {
    fn new(name: &str, help: &str) -> Family {
        let mut text = String::new();
        let _ = writeln!(text, "# TYPE {name} gauge");
        let _ = writeln!(text, "# HELP {name} {help}");
        Family { text }
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

impl Format for OpenMetrics {
    fn render(&self, r: &Report, out: &mut dyn Write) -> Result<()> {
        let mut families = Vec::new();

        let mut value = Family::new(
            "beast_metric_value",
            "Latest reading of a roadmap metric, timestamped when it was measured.",
        );
        let mut target = Family::new(
            "beast_metric_target",
            "The metric's target checkpoint in force (the next one at or after the current month).",
        );
        let mut paced = Family::new(
            "beast_metric_paced_target",
            "Where the metric should be today on the linear path to its next target.",
        );
        let mut baseline = Family::new("beast_metric_baseline", "The metric's baseline.");
        let mut readings = Family::new(
            "beast_metric_readings",
            "How many readings of the metric count (retracted ones do not).",
        );
        let mut behind = Family::new(
            "beast_metric_behind",
            "1 when the metric has data and is behind its paced target, else 0.",
        );
        for m in &r.metrics {
            let unit = unit_label(&m.unit);
            let base = [("metric", m.id.as_str()), ("unit", unit)];
            if let Some(l) = &m.latest {
                value.sample(
                    "beast_metric_value",
                    &[("metric", &m.id), ("unit", unit), ("source", &l.source)],
                    l.value,
                    seconds(&l.at),
                );
            }
            if let Some(t) = m.target {
                let month = t.month.to_string();
                target.sample(
                    "beast_metric_target",
                    &[("metric", &m.id), ("unit", unit), ("month", &month)],
                    t.value,
                    None,
                );
            }
            if let Some(p) = m.paced_target {
                paced.sample("beast_metric_paced_target", &base, p, None);
            }
            if let Some(b) = m.baseline {
                baseline.sample("beast_metric_baseline", &base, b, None);
            }
            readings.sample("beast_metric_readings", &base, m.count as f64, None);
            if m.latest.is_some() {
                let is_behind = matches!(m.verdict, crate::domain::Verdict::Behind);
                behind.sample(
                    "beast_metric_behind",
                    &base,
                    f64::from(u8::from(is_behind)),
                    None,
                );
            }
        }
        families.extend([value, target, paced, baseline, readings, behind]);

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

        for f in families {
            out.write_all(f.text.as_bytes())?;
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
