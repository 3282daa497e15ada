//! Robust statistics of a series for the gate: its centre and spread by
//! median and winsorized deviation, which a heavy tail, a slow runner or
//! one broken run barely move (a mean and standard deviation follow
//! them), and where its current regime begins: the readings since its last
//! change of level, so that a ramp or an earlier step is not mixed into the
//! baseline a new reading is compared with.

/// The median of `values` (not empty).
pub fn median(values: &[f64]) -> f64 {
    let mut v: Vec<f64> = values.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// The median absolute deviation from `center`, scaled by 1.4826 so that
/// it estimates the standard deviation of normal noise.
pub fn mad(values: &[f64], center: f64) -> f64 {
    let dev: Vec<f64> = values.iter().map(|v| (v - center).abs()).collect();
    1.4826 * median(&dev)
}

/// The standard deviation of a standard normal winsorized at ±2.5.
const WINSOR_NORMAL: f64 = 0.9887;

/// The spread the gate measures in: the standard deviation of `values`
/// winsorized at 2.5 scaled MADs from `center`, or — when
/// half the readings or more are equal (a quantised or constant series) —
/// the mean absolute deviation, and never less than a ten-thousandth of
/// the level (a constant series is then judged by the minimum change).
pub fn spread(values: &[f64], center: f64) -> f64 {
    let m = mad(values, center);
    let m = if m > 0.0 {
        // Winsorized: readings past 2.5 MADs count as 2.5 MADs, so one
        // wild reading moves it little, while normal noise is measured
        // nearly as well as by a standard deviation (the MAD alone wastes
        // most of a short series).
        let clip = 2.5 * m;
        let n = values.len() as f64;
        let ss: f64 = values
            .iter()
            .map(|v| (v - center).clamp(-clip, clip).powi(2))
            .sum();
        (ss / (n - 1.0).max(1.0)).sqrt() / WINSOR_NORMAL
    } else {
        1.2533 * values.iter().map(|v| (v - center).abs()).sum::<f64>() / values.len() as f64
    };
    m.max(center.abs() * 1e-4).max(f64::MIN_POSITIVE)
}

/// The two kinds of readings of a series measured on runners of two
/// speeds: `Some((low, high))` split at the widest gap of the sorted
/// readings when each side has at least a fifth of them and the gap is at
/// least two and a half times the spread within the sides. Normal or heavy-tailed
/// noise has no such gap.
pub fn two_kinds(values: &[f64]) -> Option<(Vec<f64>, Vec<f64>)> {
    let n = values.len();
    if n < 10 {
        return None;
    }
    let mut v: Vec<f64> = values.to_vec();
    v.sort_by(f64::total_cmp);
    let least = n.div_ceil(5);
    let cut = (least..=n - least).max_by(|a, b| {
        (v[*a] - v[*a - 1])
            .total_cmp(&(v[*b] - v[*b - 1]))
            .then(b.cmp(a))
    })?;
    let (low, high) = v.split_at(cut);
    let within = (spread(low, median(low)) * low.len() as f64
        + spread(high, median(high)) * high.len() as f64)
        / n as f64;
    (v[cut] - v[cut - 1] >= 2.5 * within).then(|| (low.to_vec(), high.to_vec()))
}

/// The Mann–Whitney statistic of `b` against `a` as a z-score: positive
/// when `b`'s readings tend to be larger. Ties count a half.
fn rank_z(a: &[f64], b: &[f64]) -> f64 {
    let mut u = 0.0;
    for x in a {
        for y in b {
            if y > x {
                u += 1.0;
            } else if y == x {
                u += 0.5;
            }
        }
    }
    let (n1, n2) = (a.len() as f64, b.len() as f64);
    (u - n1 * n2 / 2.0) / (n1 * n2 * (n1 + n2 + 1.0) / 12.0).sqrt()
}

/// The smallest rank z-score of a change of level; in a series without
/// one, a split this strong is rare (measured by `cargo bench --bench
/// gate`: it makes no false alarm).
pub const CHANGE_Z: f64 = 3.0;

/// The smallest shift of a change of level, in robust spreads of the
/// readings after it.
pub const CHANGE_SPREADS: f64 = 3.0;

/// Where the current regime of `series` begins: the index after its last
/// change of level, found by binary segmentation — the split whose two
/// sides differ most by rank is a change when its z-score reaches
/// [`CHANGE_Z`] and the two sides' medians differ by at least `min_change`
/// percent; then the part after it is searched again. Each side has at
/// least `min_len` readings. 0 when the series has no change.
pub fn regime_start(series: &[f64], min_len: usize, min_change: f64) -> usize {
    let min_len = min_len.max(2);
    let mut start = 0;
    loop {
        let part = &series[start..];
        let n = part.len();
        if n < 2 * min_len {
            return start;
        }
        let mut best: Option<(f64, usize)> = None;
        for k in min_len..=n - min_len {
            let (a, b) = part.split_at(k);
            let z = rank_z(a, b).abs();
            if z + 1e-9 < CHANGE_Z {
                continue;
            }
            let (ma, mb) = (median(a), median(b));
            let level = ma.abs().max(mb.abs());
            if level > 0.0 && (ma - mb).abs() / level * 100.0 < min_change {
                continue;
            }
            if (ma - mb).abs() < CHANGE_SPREADS * spread(b, mb) {
                continue;
            }
            // The strongest split; among equals the latest, which leaves
            // the purest regime.
            if best.is_none_or(|(bz, _)| z + 1e-9 >= bz) {
                best = Some((z, k));
            }
        }
        match best {
            Some((_, k)) => start += k,
            None => return start,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_and_mad_ignore_one_wild_reading() {
        let mut v = vec![10.0, 11.0, 9.0, 10.5, 9.5];
        assert_eq!(median(&v), 10.0);
        let calm = mad(&v, 10.0);
        v.push(1000.0);
        assert!((median(&v) - 10.25).abs() < 1e-9);
        assert!(mad(&v, median(&v)) < 2.0 * calm);
    }

    #[test]
    fn two_runner_kinds_are_told_apart_from_noise() {
        let e = [0.3, -0.5, 0.1, 0.6, -0.2, -0.4, 0.2, 0.5, -0.1, -0.6, 0.0];
        let noise: Vec<f64> = (0..40).map(|i| 100.0 + 3.0 * e[i % e.len()]).collect();
        assert_eq!(two_kinds(&noise), None);
        let runners: Vec<f64> = (0..40)
            .map(|i| if i % 3 == 0 { 92.0 } else { 100.0 } + e[i % e.len()])
            .collect();
        let (low, high) = two_kinds(&runners).unwrap();
        assert!(low.iter().all(|v| *v < 94.0) && high.len() > low.len());
    }

    #[test]
    fn a_constant_series_has_a_small_positive_spread() {
        let s = spread(&[40.0; 8], 40.0);
        assert!(s > 0.0 && s <= 0.004 + 1e-12, "{s}");
    }

    #[test]
    fn the_regime_after_a_ramp_is_the_plateau() {
        let mut series: Vec<f64> = vec![16.0, 19.0, 23.0, 27.0, 30.0, 33.0, 35.5];
        series.extend([36.9, 37.2, 36.8, 37.3, 37.0, 37.1]);
        let start = regime_start(&series, 5, 2.0);
        assert!(
            (6..=7).contains(&start),
            "the regime starts at {start}: {:?}",
            &series[start..]
        );
        assert!(median(&series[start..]) > 36.5);
    }

    #[test]
    fn a_step_starts_a_regime_and_noise_does_not() {
        let noise = [0.3, -0.5, 0.1, 0.6, -0.2, -0.4, 0.2, 0.5, -0.1, -0.6];
        let mut series: Vec<f64> = noise.iter().cycle().take(30).map(|e| 100.0 + e).collect();
        assert_eq!(regime_start(&series, 5, 2.0), 0);
        series.extend(noise.iter().take(8).map(|e| 110.0 + e));
        assert_eq!(regime_start(&series, 5, 2.0), 30);
    }
}
