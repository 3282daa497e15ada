//! When new readings of a series are a regression: compared with the
//! series' current regime (its readings since its last change of level) by
//! median and robust spread, with a warn level and a fail level.
//!
//! Why two levels: one reading far off is as often a broken run or a slow
//! runner as a change, and a gate that fails on those gets switched off;
//! two readings in a row beyond the bound are rarely noise. So a reading
//! beyond the bound warns, and the gate fails when the readings confirm it
//! (by default two in a row beyond it, or two each nearly there and on
//! average well past) — or at once, on a reading beyond the fail bound,
//! when the series' record shows no one-off excursions (a quiet plateau
//! that drops 11 % fails on its first bad run). The model is chosen per
//! series from what its readings show, not assumed: runners of two speeds
//! are judged against the slower kind, a short regime's bounds widen.
//! Measured by `cargo bench --bench gate` (docs/guide.md has the table).

use super::robust::{median, regime_start, spread, two_kinds};
use super::Test;
use crate::domain::catalog::Direction;
use serde::Serialize;

/// What the test says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Call {
    Ok,
    Warn,
    Fail,
}

/// What the test says of a series' new readings.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Judged {
    /// The regime's median.
    pub center: f64,
    /// The warn bound: a reading past it in the bad direction (and by at
    /// least the minimum change) is beyond.
    pub bound: f64,
    /// The fail bound for one reading alone; `None` when the series has
    /// shown one-off excursions, so only a confirmed regression fails.
    pub fail_bound: Option<f64>,
    /// Readings in the regime.
    pub n: usize,
    /// Readings of the baseline before the regime began (0: no change of
    /// level in the window).
    pub before_regime: usize,
    /// How much worse than the centre the newest reading is, in percent of
    /// it (negative: better).
    pub change_percent: f64,
    /// How many of the newest readings in a row are beyond the warn bound.
    pub beyond: usize,
    /// One-off excursions past the fail distance in the baseline.
    pub excursions: usize,
    pub call: Call,
}

/// Confirmation also holds when the last `confirm` readings are each at
/// least this share of the way to the warn bound …
const LOWER: f64 = 0.9;
/// … and on average this many times past it: two readings of a real step
/// straddle the bound as often as not, and noise rarely does.
const MEAN: f64 = 1.15;

/// A series with no one-off excursion in this many readings is quiet: one
/// reading beyond the fail bound fails it.
pub const QUIET_READINGS: usize = 100;

/// Judges `new` (the readings to judge, oldest first, at least one)
/// against `base` (the readings before them, oldest first: the last
/// `test.window` are searched for the regime, up to [`QUIET_READINGS`]
/// for one-off excursions). With `confirm_in_base`, the newest readings of
/// `base` beyond the bound count toward confirming (a push to the default
/// branch, judged after each reading); without, only `new` does (a pull
/// request is told only of what it measured). `None` when the regime has
/// fewer than `test.min_samples` readings: no verdict.
pub fn judge(
    base: &[f64],
    new: &[f64],
    direction: Direction,
    test: &Test,
    confirm_in_base: bool,
) -> Option<Judged> {
    let newest = *new.last()?;
    let lookback = &base[base.len().saturating_sub(test.window.max(QUIET_READINGS))..];
    let base = &base[base.len().saturating_sub(test.window)..];
    let start = regime_start(base, test.min_samples, test.min_change);
    let regime = &base[start..];
    if regime.len() < test.min_samples.max(2) {
        return None;
    }
    let sign = match direction {
        Direction::Higher => -1.0,
        Direction::Lower => 1.0,
    };
    // Runners of two speeds: judged against the slower kind's readings.
    let reference: Vec<f64> = match two_kinds(regime) {
        Some((low, high)) => {
            if sign < 0.0 {
                low
            } else {
                high
            }
        }
        None => regime.to_vec(),
    };
    let center = median(&reference);
    let scale = spread(&reference, center);
    let worse_by = |x: f64| (x - center) * sign;
    let percent = |x: f64| {
        if center.abs() < f64::EPSILON {
            if worse_by(x) > 0.0 {
                f64::INFINITY
            } else {
                0.0
            }
        } else {
            worse_by(x) / center.abs() * 100.0
        }
    };
    // Spreads estimated from n readings are uncertain: both bounds widen by
    // the ratio of the t quantile with n − 1 degrees of freedom to the
    // normal one, at the warn bound's confidence (6 readings: ×2.1; 64:
    // ×1.06).
    let widen = super::t_quantile(
        super::normal_cdf(test.warn_sigma),
        (reference.len() - 1) as f64,
    ) / test.warn_sigma;
    let (warn_at, fail_at) = (widen * test.warn_sigma, widen * test.fail_sigma);
    let past =
        |x: f64, spreads: f64| worse_by(x) >= spreads * scale && percent(x) >= test.min_change;
    let earlier: &[f64] = if confirm_in_base { base } else { &[] };
    let beyond = earlier
        .iter()
        .chain(new)
        .rev()
        .take_while(|x| past(**x, warn_at))
        .count();
    // Readings that together say the same: each most of the way to the
    // bound, and on average well past it.
    let last: Vec<f64> = earlier
        .iter()
        .chain(new)
        .rev()
        .take(test.confirm.max(1))
        .copied()
        .collect();
    let together = last.len() == test.confirm.max(1)
        && last.iter().all(|x| past(*x, LOWER * warn_at))
        && last.iter().map(|x| worse_by(*x)).sum::<f64>() / last.len() as f64
            >= MEAN * warn_at * scale;
    // After a change of level only the regime tells how the series behaves
    // now; without one, the long record does.
    let record = if start > 0 { regime } else { lookback };
    let excursions = excursions(record, scale, test.fail_sigma);
    // Quiet: no one-off excursion in a long record, or on the level the
    // series settled on after its last change.
    let quiet = excursions == 0 && (start > 0 || record.len() >= QUIET_READINGS);
    let alone = quiet && past(newest, fail_at);
    let call = if beyond >= test.confirm.max(1) || together || alone {
        Call::Fail
    } else if beyond > 0 {
        Call::Warn
    } else {
        Call::Ok
    };
    Some(Judged {
        center,
        bound: center + sign * warn_at * scale,
        fail_bound: quiet.then_some(center + sign * fail_at * scale),
        n: regime.len(),
        before_regime: start,
        change_percent: percent(newest),
        beyond,
        excursions,
        call,
    })
}

/// One-off excursions in `series`: readings at least `sigmas` spreads from
/// the median of their neighbours (three on each side), in either
/// direction, whose neighbours are not — a level that moves (a step, a
/// ramp) moves its neighbours with it and is not one.
fn excursions(series: &[f64], scale: f64, sigmas: f64) -> usize {
    let n = series.len();
    let local = |i: usize| {
        let around: Vec<f64> = (i.saturating_sub(3)..(i + 4).min(n))
            .filter(|j| *j != i)
            .map(|j| series[j])
            .collect();
        if around.is_empty() {
            series[i]
        } else {
            median(&around)
        }
    };
    (0..n)
        .filter(|i| (series[*i] - local(*i)).abs() >= sigmas * scale)
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::gate::Settings;

    fn test() -> Test {
        Settings::default().test("x")
    }

    fn noisy(level: f64, n: usize) -> Vec<f64> {
        let e = [0.3, -0.5, 0.1, 0.6, -0.2, -0.4, 0.2, 0.5, -0.1, -0.6, 0.0];
        (0..n).map(|i| level + e[i % e.len()]).collect()
    }

    #[test]
    fn one_reading_far_beyond_a_quiet_series_fails_at_once() {
        let base = noisy(100.0, QUIET_READINGS);
        let short = judge(&base[..30], &[85.0], Direction::Higher, &test(), false).unwrap();
        assert_eq!(
            (short.call, short.fail_bound),
            (Call::Warn, None),
            "30 readings do not show a series is quiet"
        );
        let j = judge(&base, &[85.0], Direction::Higher, &test(), false).unwrap();
        assert_eq!(j.call, Call::Fail, "{j:?}");
        let j = judge(&base, &[99.5], Direction::Higher, &test(), false).unwrap();
        assert_eq!(j.call, Call::Ok);
        let j = judge(&base, &[130.0], Direction::Higher, &test(), false).unwrap();
        assert_eq!(j.call, Call::Ok, "better is never a regression");
        let j = judge(&base, &[115.0], Direction::Lower, &test(), false).unwrap();
        assert_eq!(j.call, Call::Fail);
        assert!(j.bound > 100.0 && j.fail_bound.unwrap() > j.bound);
    }

    #[test]
    fn a_series_with_one_off_excursions_fails_only_when_confirmed() {
        let mut base = noisy(100.0, 30);
        base[10] = 140.0;
        let j = judge(&base, &[140.0], Direction::Lower, &test(), false).unwrap();
        assert_eq!((j.call, j.excursions, j.fail_bound), (Call::Warn, 1, None));
        let j = judge(&base, &[139.0, 140.0], Direction::Lower, &test(), false).unwrap();
        assert_eq!((j.call, j.beyond), (Call::Fail, 2));
        let j = judge(&base, &[139.0, 100.2], Direction::Lower, &test(), false).unwrap();
        assert_eq!(j.call, Call::Ok, "the newest is what counts");
    }

    #[test]
    fn a_drop_after_a_ramp_is_judged_against_the_plateau() {
        let mut base: Vec<f64> = vec![16.0, 19.0, 23.0, 27.0, 30.0, 33.0, 35.5];
        base.extend([36.9, 37.2, 36.8, 37.3, 37.0, 37.1]);
        let j = judge(&base, &[33.0], Direction::Higher, &test(), false).unwrap();
        assert_eq!(j.call, Call::Fail, "{j:?}");
        assert!(j.center > 36.5 && j.bound > 33.0 && j.bound < j.center);
        let j = judge(&base, &[37.0], Direction::Higher, &test(), false).unwrap();
        assert_eq!(j.call, Call::Ok, "{j:?}");
    }

    #[test]
    fn bounds_stay_on_the_right_side_and_a_flat_series_wants_the_minimum_change() {
        let flat = vec![50.0; QUIET_READINGS];
        let j = judge(&flat, &[49.9], Direction::Higher, &test(), false).unwrap();
        assert_eq!(j.call, Call::Ok, "a 0.2 % wiggle: {j:?}");
        assert_eq!(
            judge(&flat, &[45.0], Direction::Higher, &test(), false)
                .unwrap()
                .call,
            Call::Fail
        );
        assert!(j.bound < 50.0 && j.bound > 0.0);
    }

    #[test]
    fn too_few_readings_give_no_verdict_and_the_window_is_the_last_readings() {
        assert_eq!(
            judge(
                &[1.0, 2.0, 3.0, 4.0],
                &[9.0],
                Direction::Lower,
                &test(),
                false
            ),
            None
        );
        let mut series = vec![1000.0; 50];
        series.extend(std::iter::repeat_n(10.0, 64));
        let j = judge(&series, &[10.0], Direction::Lower, &test(), false).unwrap();
        assert_eq!((j.n, j.center), (64, 10.0));
    }
}
