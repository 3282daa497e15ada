//! The CI gate's rules and its statistics: which rules exist, what fails a
//! job by default, and when a new reading is a regression of its series.
//!
//! Why statistics: a metric measured in CI is noisy. Comparing a reading
//! with the one before against a fixed percentage fires on noise (with 3 %
//! noise a 5 % threshold fails about one run in twelve), and a gate that is
//! always red gets switched off. So, as Bencher does, a new reading is
//! compared with the distribution of its series' recent readings: it is a
//! regression when it lies beyond a one-sided Student's t prediction bound
//! of the window (mean ± t · s · √(1 + 1/n)) in the metric's bad direction,
//! *and* differs from the window's mean by at least a minimum change, so a
//! near-constant series does not alarm on a 0.1 % wiggle. A series is one
//! metric from one source (`manual`, `ci`, `bench:cache`…): readings of
//! different sources are never compared.
//!
//! Only what a change can cause fails by default (`regression`); being
//! behind the roadmap (`behind`, `overdue`, `pace`) is true of most teams on
//! most days and nothing a pull request did, and completions that are only
//! claims (`unverified`, `target_unmet`) are the history's state rather than
//! the change's, so those warn unless a job asks for them with `fail_on`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::catalog::Direction;

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
/// How many of a series' readings before the new one form its window.
pub const DEFAULT_WINDOW: usize = 64;
/// Fewer readings than this in the window give no verdict.
pub const DEFAULT_MIN_SAMPLES: usize = 5;
/// The one-sided confidence of the bound.
pub const DEFAULT_BOUNDARY: f64 = 0.999;
/// The smallest change from the window's mean that counts, in percent.
pub const DEFAULT_MIN_CHANGE: f64 = 2.0;
/// Days after a block's last week before its open tasks are overdue.
pub const DEFAULT_GRACE_DAYS: u32 = 3;

/// Per-metric settings of the regression test (`[check.metrics.NAME]`).
#[derive(Debug, Clone, Copy, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestSettings {
    pub window: Option<usize>,
    pub min_samples: Option<usize>,
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
    pub boundary: Option<f64>,
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
    pub boundary: f64,
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
            boundary: own.boundary.or(self.boundary).unwrap_or(DEFAULT_BOUNDARY),
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
            if !(0.5..1.0).contains(&t.boundary) {
                return Some(format!(
                    "boundary {} must be at least 0.5 and below 1, like 0.999{at}",
                    t.boundary
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

/// What the test says of a series' newest reading.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Judged {
    /// The window's mean.
    pub mean: f64,
    /// The bound a reading must not pass in the bad direction.
    pub bound: f64,
    /// Readings in the window.
    pub n: usize,
    /// How much worse than the mean the reading is, in percent of it
    /// (negative: better).
    pub change_percent: f64,
    pub regression: bool,
}

/// Judges `candidate` against `window` (the series' readings before it,
/// oldest first; only the last `test.window` count). `None` when the window
/// has fewer than `test.min_samples` readings: no verdict.
pub fn judge(window: &[f64], candidate: f64, direction: Direction, test: &Test) -> Option<Judged> {
    let window = &window[window.len().saturating_sub(test.window)..];
    let n = window.len();
    if n < test.min_samples.max(2) {
        return None;
    }
    let mean = window.iter().sum::<f64>() / n as f64;
    let var = window.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    let spread =
        t_quantile(test.boundary, (n - 1) as f64) * var.sqrt() * (1.0 + 1.0 / n as f64).sqrt();
    let (bound, worse_by) = match direction {
        Direction::Higher => (mean - spread, mean - candidate),
        Direction::Lower => (mean + spread, candidate - mean),
    };
    let change_percent = if mean.abs() < f64::EPSILON {
        if worse_by > 0.0 {
            f64::INFINITY
        } else {
            0.0
        }
    } else {
        worse_by / mean.abs() * 100.0
    };
    let beyond = match direction {
        Direction::Higher => candidate < bound,
        Direction::Lower => candidate > bound,
    };
    Some(Judged {
        mean,
        bound,
        n,
        change_percent,
        regression: beyond && change_percent >= test.min_change,
    })
}

/// The `p` quantile of Student's t distribution with `df` degrees of
/// freedom (p ≥ 0.5), by bisection on its CDF.
pub fn t_quantile(p: f64, df: f64) -> f64 {
    let (mut lo, mut hi) = (0.0, 1.0);
    while t_cdf(hi, df) < p && hi < 1e7 {
        hi *= 2.0;
    }
    for _ in 0..200 {
        let mid = (lo + hi) / 2.0;
        if t_cdf(mid, df) < p {
            lo = mid;
        } else {
            hi = mid;
        }
        if hi - lo < 1e-12 * hi.max(1.0) {
            break;
        }
    }
    (lo + hi) / 2.0
}

/// Student's t CDF for t ≥ 0: 1 − I_x(df/2, 1/2) / 2 with x = df/(df + t²).
fn t_cdf(t: f64, df: f64) -> f64 {
    let x = df / (df + t * t);
    1.0 - 0.5 * incomplete_beta(df / 2.0, 0.5, x)
}

/// The regularised incomplete beta function I_x(a, b), by its continued
/// fraction (Lentz's method), as in Numerical Recipes' `betai`.
fn incomplete_beta(a: f64, b: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let ln_front = ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln();
    if x < (a + 1.0) / (a + b + 2.0) {
        ln_front.exp() * beta_fraction(a, b, x) / a
    } else {
        1.0 - ln_front.exp() * beta_fraction(b, a, 1.0 - x) / b
    }
}

fn beta_fraction(a: f64, b: f64, x: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let away_from_zero = |v: f64| if v.abs() < TINY { TINY } else { v };
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 / away_from_zero(1.0 - qab * x / qap);
    let mut h = d;
    // One step of Lentz's method for the coefficient `aa`: the factor by
    // which it changes the fraction.
    let mut step = |aa: f64| {
        d = 1.0 / away_from_zero(1.0 + aa * d);
        c = away_from_zero(1.0 + aa / c);
        d * c
    };
    for m in 1..300 {
        let m = m as f64;
        let m2 = 2.0 * m;
        h *= step(m * (b - m) * x / ((qam + m2) * (a + m2)));
        let del = step(-(a + m) * (qab + m) * x / ((a + m2) * (qap + m2)));
        h *= del;
        if (del - 1.0).abs() < 1e-15 {
            break;
        }
    }
    h
}

/// ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9).
fn ln_gamma(x: f64) -> f64 {
    const G: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut a = G[0];
    let t = x + 7.5;
    for (i, g) in G.iter().enumerate().skip(1) {
        a += g / (x + i as f64);
    }
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_quantiles_match_the_tables() {
        // Student's t, one-sided, from standard tables.
        for (p, df, want) in [
            (0.99, 1.0, 31.821),
            (0.95, 10.0, 1.812),
            (0.99, 10.0, 2.764),
            (0.999, 10.0, 4.144),
            (0.999, 30.0, 3.385),
            (0.975, 60.0, 2.000),
            (0.999, 1e6, 3.090),
        ] {
            let got = t_quantile(p, df);
            assert!(
                (got - want).abs() < 2e-3,
                "t({p}, {df}) = {got}, want {want}"
            );
        }
    }

    fn test() -> Test {
        Settings::default().test("x")
    }

    #[test]
    fn a_reading_beyond_the_bound_in_the_bad_direction_is_a_regression() {
        let window: Vec<f64> = (0..20).map(|i| 100.0 + (i % 5) as f64 - 2.0).collect();
        let higher = |v| judge(&window, v, Direction::Higher, &test()).unwrap();
        assert!(!higher(99.0).regression);
        assert!(!higher(130.0).regression, "better is never a regression");
        assert!(higher(85.0).regression);
        let lower = |v| judge(&window, v, Direction::Lower, &test()).unwrap();
        assert!(lower(115.0).regression && !lower(85.0).regression);
        assert!(higher(85.0).bound < 100.0 && lower(85.0).bound > 100.0);
    }

    #[test]
    fn a_flat_series_does_not_alarm_below_the_minimum_change() {
        let window = vec![50.0; 10];
        let j = judge(&window, 49.9, Direction::Higher, &test()).unwrap();
        assert!(!j.regression, "a 0.2 % wiggle of a constant series: {j:?}");
        assert!(
            judge(&window, 45.0, Direction::Higher, &test())
                .unwrap()
                .regression
        );
    }

    #[test]
    fn too_few_readings_give_no_verdict_and_the_window_is_the_last_readings() {
        assert_eq!(
            judge(&[1.0, 2.0, 3.0, 4.0], 9.0, Direction::Lower, &test()),
            None
        );
        // An old, wild part of the series is outside the window.
        let mut series = vec![1000.0; 50];
        series.extend(std::iter::repeat_n(10.0, 64));
        let j = judge(&series, 10.0, Direction::Lower, &test()).unwrap();
        assert_eq!(j.n, 64);
        assert_eq!(j.mean, 10.0);
    }

    #[test]
    fn settings_fall_back_from_metric_to_general_to_default() {
        let s: Settings = toml::from_str(
            "threshold = 4.0\nwindow = 30\n[thresholds]\nlatency = 9.0\n[metrics.cacheHitRate]\nboundary = 0.99\n",
        )
        .unwrap();
        assert_eq!(s.test("latency").min_change, 9.0);
        assert_eq!(s.test("cost").min_change, 4.0);
        assert_eq!(s.test("cacheHitRate").boundary, 0.99);
        assert_eq!(s.test("cacheHitRate").window, 30);
        assert_eq!(s.test("cost").boundary, DEFAULT_BOUNDARY);
        assert!(s.fails_on(Rule::Regression) && !s.fails_on(Rule::Behind));
        assert_eq!(s.problem(), None);
        let bad: Settings = toml::from_str("boundary = 1.5").unwrap();
        assert!(bad.problem().unwrap().contains("boundary 1.5"));
    }
}
