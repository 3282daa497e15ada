//! Latency percentiles from measured samples.

use serde::Serialize;

/// Collected durations in nanoseconds.
#[derive(Debug, Default, Clone)]
pub struct Samples {
    ns: Vec<u64>,
}

/// Percentiles of a sample set, in microseconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Default)]
pub struct Percentiles {
    pub p50: f64,
    pub p95: f64,
    pub p99: f64,
    pub mean: f64,
}

impl Samples {
    pub fn with_capacity(n: usize) -> Samples {
        Samples {
            ns: Vec::with_capacity(n),
        }
    }

    pub fn push(&mut self, ns: u64) {
        self.ns.push(ns);
    }

    pub fn len(&self) -> usize {
        self.ns.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ns.is_empty()
    }

    pub fn total_ns(&self) -> u64 {
        self.ns.iter().sum()
    }

    /// Nearest-rank percentiles in microseconds.
    pub fn percentiles(&self) -> Percentiles {
        if self.ns.is_empty() {
            return Percentiles::default();
        }
        let mut sorted = self.ns.clone();
        sorted.sort_unstable();
        let at = |p: f64| {
            let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
            sorted[rank.clamp(1, sorted.len()) - 1] as f64 / 1000.0
        };
        Percentiles {
            p50: at(50.0),
            p95: at(95.0),
            p99: at(99.0),
            mean: self.total_ns() as f64 / sorted.len() as f64 / 1000.0,
        }
    }
}

/// The nearest-rank percentile of already-collected values (any unit).
pub fn percentile(values: &mut [f64], p: f64) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    values.sort_unstable_by(f64::total_cmp);
    let rank = ((p / 100.0) * values.len() as f64).ceil() as usize;
    values[rank.clamp(1, values.len()) - 1]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let mut s = Samples::default();
        for i in 1..=100 {
            s.push(i * 1000);
        }
        let p = s.percentiles();
        assert_eq!((p.p50, p.p95, p.p99), (50.0, 95.0, 99.0));
        assert_eq!(p.mean, 50.5);
        let mut v = vec![3.0, 1.0, 2.0];
        assert_eq!(percentile(&mut v, 50.0), 2.0);
    }
}
