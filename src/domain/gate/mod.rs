//! The CI gate's rules and its settings: which rules exist, what fails a
//! job by default, and how strict the regression test is.
//!
//! Why statistics: a metric measured in CI is noisy — and real CI noise is
//! not normal: heavy tails, runners of two speeds, a broken run now and
//! then, and series that ramp up before they settle. A fixed percentage
//! against the reading before fires on noise, a mean and standard deviation
//! over a long window are dragged by outliers and ramps, and a gate that is
//! always red gets switched off. So a series' new readings are compared
//! with its current regime (the readings since its last change of level,
//! `robust`) by median and robust spread, and a regression warns on one
//! reading and fails when confirmed (`judge`). A series is one metric from
//! one source (`manual`, `ci`, `bench:cache`…): readings of different
//! sources are never compared.
//!
//! Only what a change can cause fails by default (`regression`); being
//! behind the roadmap (`behind`, `overdue`, `pace`) is true of most teams on
//! most days and nothing a pull request did, and completions that are only
//! claims (`unverified`, `target_unmet`) are the history's state rather than
//! the change's, so those warn unless a job asks for them with `fail_on`.

mod judge;
pub mod robust;
mod stats;

pub use judge::{judge, Call, Judged, QUIET_READINGS};
pub use stats::{normal_cdf, t_quantile};

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The rules, by the names flags and `config.toml` use.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// A metric with data is behind its paced target.
    Behind,
    /// A series' newest reading is beyond the bound of its recent readings,
    /// in the metric's bad direction.
    Regression,
    /// The current month's share of done tasks is below the share of the
    /// month that has passed.
    Pace,
    /// A planned task whose week block ended (plus a grace) is not done.
    Overdue,
    /// A completion counts toward progress with nothing to show for it: no
    /// evidence and no measured reading meeting its acceptance.
    Unverified,
    /// A done task's newest measured reading misses its acceptance bound.
    TargetUnmet,
}

impl Rule {
    pub const ALL: [Rule; 6] = [
        Rule::Behind,
        Rule::Regression,
        Rule::Pace,
        Rule::Overdue,
        Rule::Unverified,
        Rule::TargetUnmet,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Rule::Behind => "behind",
            Rule::Regression => "regression",
            Rule::Pace => "pace",
            Rule::Overdue => "overdue",
            Rule::Unverified => "unverified",
            Rule::TargetUnmet => "target_unmet",
        }
    }

    pub fn parse(text: &str) -> Option<Rule> {
        Rule::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(text.trim()))
    }
}

/// The rules that fail a check unless told otherwise.
pub const DEFAULT_FAIL_ON: [Rule; 1] = [Rule::Regression];
/// How many of a series' readings before the new ones are searched for
/// its current regime.
pub const DEFAULT_WINDOW: usize = 64;
/// Fewer readings than this in the regime give no verdict.
pub const DEFAULT_MIN_SAMPLES: usize = 5;
/// The warn bound, in robust spreads from the regime's median.
pub const DEFAULT_WARN_SIGMA: f64 = 2.5;
/// The fail bound for one reading alone (on a series without one-off
/// excursions), in robust spreads.
pub const DEFAULT_FAIL_SIGMA: f64 = 6.0;
/// Readings in a row beyond the warn bound that fail.
pub const DEFAULT_CONFIRM: usize = 2;
/// The smallest change from the regime's median that counts, in percent.
pub const DEFAULT_MIN_CHANGE: f64 = 2.0;
/// Days after a block's last week before its open tasks are overdue.
pub const DEFAULT_GRACE_DAYS: u32 = 3;

/// A one-sided confidence as a number of standard deviations.
fn sigmas(boundary: f64) -> f64 {
    t_quantile(boundary.clamp(0.5, 1.0 - 1e-12), 1e9)
}

/// Per-metric settings of the regression test (`[check.metrics.NAME]`).
#[derive(Debug, Clone, Copy, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestSettings {
    pub window: Option<usize>,
    pub min_samples: Option<usize>,
    pub warn_sigma: Option<f64>,
    pub fail_sigma: Option<f64>,
    pub confirm: Option<usize>,
    /// Older form of `warn_sigma`: a one-sided confidence (0.999 ≈ 3.09).
    pub boundary: Option<f64>,
    /// Percent.
    pub min_change: Option<f64>,
}

/// What to check and how strictly: `[check]` in `config.toml`, overridden
/// by flags.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// The rules to run; all when absent.
    pub rules: Option<Vec<Rule>>,
    /// The rules that fail the check; the others warn. Default: regression.
    pub fail_on: Option<Vec<Rule>>,
    /// The smallest change that counts as a regression, in percent of the
    /// window's mean, for every metric (`min_change` in `[check]`;
    /// `threshold` is its older name).
    #[serde(alias = "threshold")]
    pub min_change: Option<f64>,
    /// Per-metric minimum changes in percent, by metric id (older form of
    /// `[check.metrics.NAME] min_change`).
    #[serde(default)]
    pub thresholds: BTreeMap<String, f64>,
    pub window: Option<usize>,
    pub min_samples: Option<usize>,
    pub warn_sigma: Option<f64>,
    pub fail_sigma: Option<f64>,
    pub confirm: Option<usize>,
    /// Older form of `warn_sigma`: a one-sided confidence (0.999 ≈ 3.09).
    pub boundary: Option<f64>,
    /// Whether readings of beast's built-in reference workloads are gated
    /// (as series of their own); off by default.
    pub reference: Option<bool>,
    pub grace_days: Option<u32>,
    /// Per-metric test settings.
    #[serde(default)]
    pub metrics: BTreeMap<String, TestSettings>,
}

/// The test as it applies to one metric.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Test {
    pub window: usize,
    pub min_samples: usize,
    pub warn_sigma: f64,
    pub fail_sigma: f64,
    pub confirm: usize,
    pub min_change: f64,
}

impl Settings {
    pub fn rules(&self) -> Vec<Rule> {
        let mut r = self.rules.clone().unwrap_or_else(|| Rule::ALL.to_vec());
        r.sort();
        r.dedup();
        r
    }

    pub fn fails_on(&self, rule: Rule) -> bool {
        self.fail_on
            .as_deref()
            .unwrap_or(&DEFAULT_FAIL_ON)
            .contains(&rule)
    }

    /// Whether readings of the built-in reference workloads are gated.
    pub fn gates_reference(&self) -> bool {
        self.reference.unwrap_or(false)
    }

    pub fn grace_days(&self) -> u32 {
        self.grace_days.unwrap_or(DEFAULT_GRACE_DAYS)
    }

    /// The test for metric `id`: its own settings, else the general ones,
    /// else the defaults.
    pub fn test(&self, id: &str) -> Test {
        let own = self.metrics.get(id).copied().unwrap_or_default();
        Test {
            window: own.window.or(self.window).unwrap_or(DEFAULT_WINDOW),
            min_samples: own
                .min_samples
                .or(self.min_samples)
                .unwrap_or(DEFAULT_MIN_SAMPLES),
            warn_sigma: own
                .warn_sigma
                .or(own.boundary.map(sigmas))
                .or(self.warn_sigma)
                .or(self.boundary.map(sigmas))
                .unwrap_or(DEFAULT_WARN_SIGMA),
            fail_sigma: own
                .fail_sigma
                .or(self.fail_sigma)
                .unwrap_or(DEFAULT_FAIL_SIGMA),
            confirm: own.confirm.or(self.confirm).unwrap_or(DEFAULT_CONFIRM),
            min_change: own
                .min_change
                .or_else(|| self.thresholds.get(id).copied())
                .or(self.min_change)
                .unwrap_or(DEFAULT_MIN_CHANGE),
        }
    }

    /// Says what is wrong with a setting, if anything.
    pub fn problem(&self) -> Option<String> {
        let tests = std::iter::once(("", self.test("")))
            .chain(self.metrics.keys().map(|k| (k.as_str(), self.test(k))));
        for (name, t) in tests {
            let at = if name.is_empty() {
                String::new()
            } else {
                format!(" (metric {name})")
            };
            if !(2..=10_000).contains(&t.window) {
                return Some(format!("window {} must be from 2 to 10000{at}", t.window));
            }
            if t.min_samples < 2 || t.min_samples > t.window {
                return Some(format!(
                    "min_samples {} must be from 2 to the window ({}){at}",
                    t.min_samples, t.window
                ));
            }
            for b in [
                self.boundary,
                self.metrics.get(name).and_then(|m| m.boundary),
            ]
            .into_iter()
            .flatten()
            {
                if !(0.5..1.0).contains(&b) {
                    return Some(format!(
                        "boundary {b} must be at least 0.5 and below 1, like 0.999{at}"
                    ));
                }
            }
            if !(t.warn_sigma.is_finite() && t.warn_sigma > 0.0) {
                return Some(format!(
                    "warn_sigma {} must be a positive number of spreads, like 3{at}",
                    t.warn_sigma
                ));
            }
            if !(t.fail_sigma.is_finite() && t.fail_sigma >= t.warn_sigma) {
                return Some(format!(
                    "fail_sigma {} must be a number of spreads at least warn_sigma ({}){at}",
                    t.fail_sigma, t.warn_sigma
                ));
            }
            if !(1..=100).contains(&t.confirm) {
                return Some(format!(
                    "confirm {} must be from 1 to 100 readings in a row{at}",
                    t.confirm
                ));
            }
            if !t.min_change.is_finite() || t.min_change < 0.0 {
                return Some(format!(
                    "a minimum change of {}% makes no sense; use 0 or more{at}",
                    t.min_change
                ));
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_fall_back_from_metric_to_general_to_default() {
        let s: Settings = toml::from_str(
            "threshold = 4.0\nwindow = 30\n[thresholds]\nlatency = 9.0\n[metrics.cacheHitRate]\nboundary = 0.999\n[metrics.cost]\nconfirm = 3\n",
        )
        .unwrap();
        assert_eq!(s.test("latency").min_change, 9.0);
        assert_eq!(s.test("cost").min_change, 4.0);
        assert!((s.test("cacheHitRate").warn_sigma - 3.09).abs() < 0.01);
        assert_eq!(s.test("cacheHitRate").window, 30);
        assert_eq!(s.test("cost").warn_sigma, DEFAULT_WARN_SIGMA);
        assert_eq!((s.test("cost").confirm, s.test("latency").confirm), (3, 2));
        assert!(s.fails_on(Rule::Regression) && !s.fails_on(Rule::Behind));
        assert_eq!(s.problem(), None);
        let bad: Settings = toml::from_str("boundary = 1.5").unwrap();
        assert!(bad.problem().unwrap().contains("boundary 1.5"));
        let bad: Settings = toml::from_str("warn_sigma = 4\nfail_sigma = 3").unwrap();
        assert!(bad.problem().unwrap().contains("fail_sigma 3"));
    }
}
