//! The metric catalog and the target arithmetic: which checkpoint is in force,
//! where a metric should be today if progress were linear, and the verdict.

use std::collections::BTreeMap;

use super::calendar::Position;
use super::dogfood::DogfoodKind;
use super::matching::normalize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Higher,
    Lower,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Higher => "higher",
            Direction::Lower => "lower",
        }
    }

    /// Whether `value` is at least as good as `goal`.
    pub fn meets(self, value: f64, goal: f64) -> bool {
        // A tiny tolerance so that 99.99 entered by hand meets a 99.99 target
        // even after the float has been through SQLite and back.
        let eps = 1e-9 * goal.abs().max(1.0);
        match self {
            Direction::Higher => value >= goal - eps,
            Direction::Lower => value <= goal + eps,
        }
    }
}

/// A checkpoint: the value the roadmap wants by the end of `month`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Target {
    pub month: u32,
    pub value: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MetricDef {
    /// camelCase id users type, e.g. `cacheHitRate`.
    pub id: String,
    pub name: String,
    pub unit: String,
    pub direction: Direction,
    pub min: f64,
    pub max: f64,
    pub baseline: Option<f64>,
    pub description: Option<String>,
    /// Sorted by month, one per month at most.
    pub targets: Vec<Target>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Met,
    OnTrack,
    Behind,
    NoData,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Met => "met",
            Verdict::OnTrack => "on_track",
            Verdict::Behind => "behind",
            Verdict::NoData => "no_data",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Verdict::Met => "met",
            Verdict::OnTrack => "on track",
            Verdict::Behind => "behind",
            Verdict::NoData => "no data",
        }
    }
}

impl MetricDef {
    /// A hint when a percentage under 1 looks like a fraction: its ×100
    /// lies within the metric's usual range (its baseline and targets)
    /// while the value itself lies below it. The value is recorded as
    /// given; the hint only says so.
    pub fn scale_hint(&self, value: f64) -> Option<String> {
        if self.unit != "%" || !(value > 0.0 && value < 1.0) {
            return None;
        }
        let usual: Vec<f64> = self
            .baseline
            .into_iter()
            .chain(self.targets.iter().map(|t| t.value))
            .filter(|v| *v > 0.0)
            .collect();
        let low = usual.iter().copied().fold(f64::INFINITY, f64::min);
        let high = usual.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let scaled = value * 100.0;
        (low.is_finite() && value < low / 2.0 && scaled >= low / 2.0 && scaled <= (high * 2.0).min(self.max))
            .then(|| {
                format!(
                    "{} is recorded as {}, below {}'s usual {}–{}; if {} was a fraction, {} was meant: record that and take this one back with `beast undo`",
                    fmt_number(value),
                    self.format_value(value),
                    self.id,
                    self.format_value(low),
                    self.format_value(high),
                    fmt_number(value),
                    self.format_value(scaled)
                )
            })
    }

    /// The next checkpoint at or after the current month. Past the last one,
    /// the last checkpoint stays in force: a target does not lapse by passing.
    pub fn target_in_force(&self, now: Position) -> Option<Target> {
        self.targets
            .iter()
            .find(|t| t.month as i32 >= now.month)
            .or_else(|| self.targets.last())
            .copied()
    }

    /// Where the metric should be today if it moved linearly from the previous
    /// checkpoint (or from the baseline at the roadmap's start) to the next one.
    ///
    /// `None` when there is nothing to pace from: no target, or a first target
    /// with no baseline before it.
    pub fn paced_target(&self, now: Position) -> Option<f64> {
        let next = self.target_in_force(now)?;
        if now.month > next.month as i32 {
            return Some(next.value);
        }
        let previous = self
            .targets
            .iter()
            .rev()
            .find(|t| (t.month as i32) < now.month && t.month < next.month);
        let (from_at, from_value) = match (previous, self.baseline) {
            (Some(p), _) => (f64::from(p.month), p.value),
            (None, Some(b)) => (0.0, b),
            (None, None) => return None,
        };
        let to_at = f64::from(next.month);
        let fraction = ((now.elapsed_months() - from_at) / (to_at - from_at)).clamp(0.0, 1.0);
        Some(from_value + (next.value - from_value) * fraction)
    }

    /// met: the latest reading meets the target in force; on track: it meets
    /// the paced target; behind: neither; no data: no reading or no target.
    pub fn verdict(&self, latest: Option<f64>, now: Position) -> Verdict {
        let (Some(value), Some(target)) = (latest, self.target_in_force(now)) else {
            return Verdict::NoData;
        };
        if self.direction.meets(value, target.value) {
            return Verdict::Met;
        }
        match self.paced_target(now) {
            Some(paced) if self.direction.meets(value, paced) => Verdict::OnTrack,
            _ => Verdict::Behind,
        }
    }

    /// Checks a reading against the metric's valid range.
    pub fn check_value(&self, value: f64) -> Result<(), String> {
        if !value.is_finite() {
            return Err(format!("{value} for {} is not a finite number", self.id));
        }
        if value < self.min || value > self.max {
            return Err(format!(
                "{} is outside the valid range of {} ({} to {})",
                fmt_number(value),
                self.id,
                self.format_value(self.min),
                self.format_value(self.max)
            ));
        }
        Ok(())
    }

    /// Parses a value as a user typed it, allowing the metric's own unit
    /// around the number ("40%", "200ms", "$0.001") and `_` between digits,
    /// and checks it against the metric's range.
    pub fn parse_value(&self, text: &str) -> Result<f64, String> {
        let mut t = text.trim();
        match self.unit.as_str() {
            "$" => t = t.strip_prefix('$').unwrap_or(t),
            unit => t = t.strip_suffix(unit).unwrap_or(t),
        }
        let t = t.trim().replace('_', "");
        let value: f64 = t.parse().map_err(|_| {
            format!(
                "value \"{text}\" for {} is not a number; give a number like {}",
                self.id,
                fmt_number(self.baseline.unwrap_or(self.min))
            )
        })?;
        self.check_value(value)
            .map_err(|why| format!("value {why}; nothing was recorded"))?;
        Ok(value)
    }

    /// A value with the metric's unit, as people write it: `40%`, `200 ms`, `$0.001`.
    pub fn format_value(&self, value: f64) -> String {
        format_with_unit(value, &self.unit)
    }
}

/// Formats a number without float noise.
///
/// ```
/// use beast::domain::catalog::fmt_number;
/// assert_eq!(fmt_number(40.0), "40");
/// assert_eq!(fmt_number(0.1 + 0.2), "0.3");
/// assert_eq!(fmt_number(0.0001), "0.0001");
/// ```
pub fn fmt_number(value: f64) -> String {
    if value == value.trunc() && value.abs() < 1e15 {
        return format!("{}", value as i64);
    }
    let s = format!("{value:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "0" || s == "-0" {
        // Very small values: fall back to the shortest round-trip form.
        return format!("{value}");
    }
    s.to_string()
}

/// Rounds to `digits` significant digits, for display: 106.666… → 106.7,
/// 0.00023333 → 0.0002333.
pub fn significant(value: f64, digits: i32) -> f64 {
    if value == 0.0 || !value.is_finite() {
        return value;
    }
    let magnitude = value.abs().log10().floor() as i32;
    let factor = 10f64.powi(digits - 1 - magnitude);
    (value * factor).round() / factor
}

pub fn format_with_unit(value: f64, unit: &str) -> String {
    let n = fmt_number(value);
    match unit {
        "%" => format!("{n}%"),
        "$" => format!("${n}"),
        "" => n,
        other => format!("{n} {other}"),
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Catalog {
    pub metrics: Vec<MetricDef>,
    /// Target share (0–100) of each kind generated with BEAST MODE.
    pub dogfood_targets: BTreeMap<DogfoodKind, f64>,
}

/// What a metric name resolved to.
pub enum Lookup<'a> {
    Found(&'a MetricDef),
    /// Not found; the closest ids, best first (possibly none).
    Unknown(Vec<&'a str>),
}

impl Catalog {
    pub fn get(&self, id: &str) -> Option<&MetricDef> {
        self.metrics.iter().find(|m| m.id == id)
    }

    /// Resolves what a user typed: the exact id, or any spelling equal to it
    /// once case, underscores and dashes are ignored (`cache_hit_rate`).
    pub fn lookup(&self, typed: &str) -> Lookup<'_> {
        let wanted = normalize(typed);
        if let Some(m) = self.metrics.iter().find(|m| normalize(&m.id) == wanted) {
            return Lookup::Found(m);
        }
        let ids = self.metrics.iter().map(|m| m.id.as_str());
        Lookup::Unknown(super::matching::closest(typed, ids, 3))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(y: i32, m: u32, d: u32) -> Position {
        Position::from_date(NaiveDate::from_ymd_opt(y, m, d).unwrap())
    }

    fn cache_hit_rate() -> MetricDef {
        MetricDef {
            id: "cacheHitRate".into(),
            name: "Cache hit rate".into(),
            unit: "%".into(),
            direction: Direction::Higher,
            min: 0.0,
            max: 100.0,
            baseline: Some(15.0),
            description: None,
            targets: vec![
                Target {
                    month: 1,
                    value: 40.0,
                },
                Target {
                    month: 3,
                    value: 60.0,
                },
                Target {
                    month: 6,
                    value: 80.0,
                },
            ],
        }
    }

    fn latency() -> MetricDef {
        MetricDef {
            id: "latency".into(),
            name: "Latency".into(),
            unit: "ms".into(),
            direction: Direction::Lower,
            min: 0.0,
            max: 1e6,
            baseline: Some(500.0),
            description: None,
            targets: vec![
                Target {
                    month: 1,
                    value: 200.0,
                },
                Target {
                    month: 3,
                    value: 200.0,
                },
            ],
        }
    }

    #[test]
    fn target_in_force_is_the_next_checkpoint() {
        let m = cache_hit_rate();
        assert_eq!(m.target_in_force(at(2026, 1, 5)).unwrap().month, 1);
        assert_eq!(m.target_in_force(at(2026, 2, 5)).unwrap().month, 3);
        assert_eq!(m.target_in_force(at(2026, 3, 30)).unwrap().month, 3);
        assert_eq!(m.target_in_force(at(2026, 4, 1)).unwrap().month, 6);
        // Past the last checkpoint the last one stays in force.
        assert_eq!(m.target_in_force(at(2026, 11, 22)).unwrap().month, 6);
    }

    #[test]
    fn paced_target_moves_linearly_from_the_baseline() {
        let m = cache_hit_rate();
        // Month 1 week 2: half-way from the baseline (15 at 0.0) to 40 at 1.0.
        assert_eq!(m.paced_target(at(2026, 1, 10)), Some(27.5));
        // End of month 1: the full target.
        assert_eq!(m.paced_target(at(2026, 1, 25)), Some(40.0));
    }

    #[test]
    fn paced_target_moves_from_the_previous_checkpoint() {
        let m = cache_hit_rate();
        // Month 2 week 4 = 2.0 elapsed; from (1.0, 40) to (3.0, 60): half-way.
        assert_eq!(m.paced_target(at(2026, 2, 25)), Some(50.0));
        // Month 4 week 2 = 3.5 elapsed; from (3, 60) to (6, 80): 1/6 of 20.
        let p = m.paced_target(at(2026, 4, 10)).unwrap();
        assert!((p - (60.0 + 20.0 / 6.0)).abs() < 1e-9, "{p}");
        // After the last checkpoint the pace is the last target.
        assert_eq!(m.paced_target(at(2026, 9, 1)), Some(80.0));
    }

    #[test]
    fn paced_target_needs_a_baseline_before_the_first_checkpoint() {
        let mut m = cache_hit_rate();
        m.baseline = None;
        assert_eq!(m.paced_target(at(2026, 1, 10)), None);
        assert_eq!(
            m.paced_target(at(2026, 2, 10)).map(|v| v > 40.0),
            Some(true)
        );
    }

    #[test]
    fn verdicts_compare_with_target_then_pace() {
        let m = cache_hit_rate();
        let now = at(2026, 2, 25); // target 60 (month 3), paced 50
        assert_eq!(m.verdict(None, now), Verdict::NoData);
        assert_eq!(m.verdict(Some(61.0), now), Verdict::Met);
        assert_eq!(m.verdict(Some(60.0), now), Verdict::Met);
        assert_eq!(m.verdict(Some(55.0), now), Verdict::OnTrack);
        assert_eq!(m.verdict(Some(49.0), now), Verdict::Behind);
        assert_eq!(m.verdict(Some(15.0), now), Verdict::Behind);
    }

    #[test]
    fn lower_is_better_metrics_compare_the_other_way() {
        let m = latency();
        let now = at(2026, 1, 10); // target 200, paced 350
        assert_eq!(m.verdict(Some(180.0), now), Verdict::Met);
        assert_eq!(m.verdict(Some(300.0), now), Verdict::OnTrack);
        assert_eq!(m.verdict(Some(400.0), now), Verdict::Behind);
    }

    #[test]
    fn a_percentage_that_looks_like_a_fraction_gets_a_hint() {
        let hit = cache_hit_rate();
        let hint = hit.scale_hint(0.4).expect("a hint");
        assert!(
            hint.contains("if 0.4 was a fraction, 40% was meant"),
            "{hint}"
        );
        assert_eq!(hit.scale_hint(40.0), None);
        assert_eq!(hit.scale_hint(0.0), None);
        assert_eq!(latency().scale_hint(0.4), None);
    }

    #[test]
    fn values_are_checked_against_the_range() {
        let m = cache_hit_rate();
        assert!(m.check_value(40.0).is_ok());
        assert!(m.check_value(100.0).is_ok());
        assert!(m.check_value(101.0).unwrap_err().contains("(0% to 100%)"));
        assert!(m.check_value(-1.0).is_err());
        assert!(m.check_value(f64::NAN).is_err());
        assert!(m.check_value(f64::INFINITY).is_err());
    }

    #[test]
    fn numbers_format_without_float_noise() {
        assert_eq!(fmt_number(40.0), "40");
        assert_eq!(fmt_number(99.5), "99.5");
        assert_eq!(fmt_number(0.0001), "0.0001");
        assert_eq!(fmt_number(27.500000001), "27.5");
        assert_eq!(format_with_unit(0.001, "$"), "$0.001");
        assert_eq!(format_with_unit(200.0, "ms"), "200 ms");
        assert_eq!(format_with_unit(40.0, "%"), "40%");
        assert_eq!(significant(106.666_666, 4), 106.7);
        assert_eq!(significant(0.000_233_33, 4), 0.0002333);
        assert_eq!(significant(9175.0, 4), 9175.0);
    }
}
