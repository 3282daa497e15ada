//! The CI gate on simulated daily CI series: how often does the default
//! `beast check` cry wolf on noise, and how fast does it catch a real
//! regression — on normal noise and on the noise real CI has.
//!
//! Each simulated series is measured once a day in CI, as `cacheHitRate`
//! (higher is better, around 40 %) or `latency` (lower is better, around
//! 200 ms), alternately. After 20 days of history the check runs after
//! every reading, judging the series with the function `beast check` uses
//! (`domain::gate::judge`, default settings): the newest reading and the
//! one before it against the readings before those. A check is a false
//! alarm when it fails (exit 5) although nothing changed; a warning is a
//! check that warns. For detection, a step of 15 % (and 10 %, 30 %) in the
//! bad direction starts on day 40; the lag is the number of readings from
//! the step until the first failure (1 = the run that brought it; "within
//! one run" = a lag of 1 or 2).
//!
//! Noise families (each reading is level × (1 + e), in the bad or good
//! direction):
//! - normal: e ~ N(0, σ), σ = 1–5 %
//! - t3: Student's t with 3 degrees of freedom, scaled to 2 % (sd 3.5 %)
//! - t2: the same with 2 degrees of freedom (no finite variance), 1.5 %
//! - bimodal: two runner kinds 8 % apart (and 12 %), each with 1 % noise
//! - outliers: 3 % of runs 1.4× worse (and 5 % 1.25× worse), 2 % noise
//! - lognormal: level × exp(N(0, 4 %))
//! - ar1: autocorrelated noise e_t = 0.6 e_{t-1} + N(0, 1.6 %)
//! - ramp: 16 → 37 over a week, then a plateau with 0.3 % noise, and
//!   (for detection) an 11 % drop 6 days into the plateau.
//!
//! Run with `cargo bench --bench gate`. Options after `--`: `--series N`
//! per family (default 400), `--seed S`.

use beast::bench::rng::Rng;
use beast::domain::gate::{judge, Call, Settings};
use beast::domain::Direction;

const HISTORY: usize = 20;
const DAYS: usize = 80;
const STEP_DAY: usize = 40;

#[derive(Clone, Copy)]
enum Noise {
    Normal(f64),
    StudentT(f64, f64),
    Bimodal(f64),
    Outliers(f64, f64),
    LogNormal(f64),
    Ar1(f64, f64),
}

impl Noise {
    fn name(self) -> String {
        match self {
            Noise::Normal(s) => format!("normal {:.0} %", s * 100.0),
            Noise::StudentT(df, s) => format!("t{df:.0}, scale {:.1} %", s * 100.0),
            Noise::Bimodal(gap) => format!("bimodal, runners {:.0} % apart", gap * 100.0),
            Noise::Outliers(p, f) => {
                format!("outliers: {:.0} % of runs {f}× worse", p * 100.0)
            }
            Noise::LogNormal(s) => format!("log-normal, σ {:.0} %", s * 100.0),
            Noise::Ar1(phi, s) => format!("AR(1) φ {phi}, {:.1} %", s * 100.0),
        }
    }
}

fn student_t(rng: &mut Rng, df: f64) -> f64 {
    // Z / sqrt(chi²_df / df), with chi² as a sum of squared normals for
    // whole df.
    let z = rng.normal();
    let chi: f64 = (0..df as usize).map(|_| rng.normal().powi(2)).sum();
    z / (chi / df).sqrt()
}

/// A series of `DAYS` readings; `step` (a fraction, in the bad direction)
/// from `STEP_DAY`.
fn series(rng: &mut Rng, noise: Noise, step: f64, direction: Direction) -> Vec<f64> {
    let level = match direction {
        Direction::Higher => 40.0,
        Direction::Lower => 200.0,
    };
    let bad = match direction {
        Direction::Higher => -1.0,
        Direction::Lower => 1.0,
    };
    let mut ar = 0.0;
    (0..DAYS)
        .map(|day| {
            let shift = if day >= STEP_DAY { step } else { 0.0 };
            let base = level * (1.0 + bad * shift);
            match noise {
                Noise::Normal(s) => base * (1.0 + s * rng.normal()),
                Noise::StudentT(df, s) => base * (1.0 + s * student_t(rng, df)),
                Noise::Bimodal(gap) => {
                    let runner = if rng.chance(0.5) {
                        gap / 2.0
                    } else {
                        -gap / 2.0
                    };
                    base * (1.0 + runner + 0.01 * rng.normal())
                }
                Noise::Outliers(p, f) => {
                    let v = base * (1.0 + 0.02 * rng.normal());
                    if rng.chance(p) {
                        match direction {
                            Direction::Higher => v / f,
                            Direction::Lower => v * f,
                        }
                    } else {
                        v
                    }
                }
                Noise::LogNormal(s) => base * (s * rng.normal()).exp(),
                Noise::Ar1(phi, s) => {
                    ar = phi * ar + s * rng.normal();
                    base * (1.0 + ar)
                }
            }
        })
        .collect()
}

/// 16 → 37 over a week, a plateau with 0.3 % noise, and from the
/// plateau's seventh day a drop of `drop` (a fraction).
fn ramp(rng: &mut Rng, drop: f64) -> Vec<f64> {
    let mut v: Vec<f64> = (0..7).map(|d| 16.0 + 21.0 * d as f64 / 6.0).collect();
    let top = v[6];
    for day in 0..30 {
        let level = if day >= 6 { top * (1.0 - drop) } else { top };
        v.push(level * (1.0 + 0.003 * rng.normal()));
    }
    v
}

/// The call of the check run after reading `i`.
fn call(values: &[f64], i: usize, direction: Direction, settings: &Settings) -> Option<Call> {
    let test = settings.test("x");
    let (base, new) = values[..=i].split_at(i);
    judge(base, new, direction, &test, true).map(|j| j.call)
}

fn main() {
    let mut count = 400usize;
    let mut seed = 0x6A7E_5EEDu64;
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        let value = args.get(i + 1).cloned().unwrap_or_default();
        match args[i].as_str() {
            "--series" => count = value.parse().expect("--series N"),
            "--seed" => seed = value.parse().expect("--seed S"),
            _ => {}
        }
        i += 1;
    }
    let settings = Settings::default();
    let t = settings.test("x");
    println!(
        "default gate: window {}, min_samples {}, warn {}σ, fail {}σ alone or {} in a row, min change {}%; {count} series per family, seed {seed:#x}",
        t.window, t.min_samples, t.warn_sigma, t.fail_sigma, t.confirm, t.min_change
    );
    println!();
    let families = [
        Noise::Normal(0.01),
        Noise::Normal(0.03),
        Noise::Normal(0.05),
        Noise::StudentT(3.0, 0.02),
        Noise::StudentT(2.0, 0.015),
        Noise::Bimodal(0.08),
        Noise::Bimodal(0.12),
        Noise::Outliers(0.03, 1.4),
        Noise::Outliers(0.05, 1.25),
        Noise::LogNormal(0.04),
        Noise::Ar1(0.6, 0.016),
    ];
    println!("| noise | false alarms per 300 checks | warnings per 300 | 10 % step within one run | 15 % step: at once | within one run | 30 % step within one run |");
    println!("|---|---|---|---|---|---|---|");
    let mut rng = Rng::new(seed);
    for noise in families {
        let (mut checks, mut fails, mut warns) = (0u64, 0u64, 0u64);
        for s in 0..count {
            let direction = if s % 2 == 0 {
                Direction::Higher
            } else {
                Direction::Lower
            };
            let values = series(&mut rng, noise, 0.0, direction);
            for day in HISTORY..DAYS {
                checks += 1;
                match call(&values, day, direction, &settings) {
                    Some(Call::Fail) => fails += 1,
                    Some(Call::Warn) => warns += 1,
                    _ => {}
                }
            }
        }
        let mut caught = |step: f64| {
            let mut lags = Vec::new();
            for s in 0..count {
                let direction = if s % 2 == 0 {
                    Direction::Higher
                } else {
                    Direction::Lower
                };
                let values = series(&mut rng, noise, step, direction);
                let lag = (STEP_DAY..DAYS)
                    .find(|d| call(&values, *d, direction, &settings) == Some(Call::Fail))
                    .map_or(usize::MAX, |d| d - STEP_DAY + 1);
                lags.push(lag);
            }
            let share = |within: usize| {
                lags.iter().filter(|l| **l <= within).count() as f64 * 100.0 / lags.len() as f64
            };
            (share(1), share(2))
        };
        let ten = caught(0.10);
        let fifteen = caught(0.15);
        let thirty = caught(0.30);
        println!(
            "| {} | {:.2} | {:.1} | {:.1} % | {:.1} % | {:.1} % | {:.1} % |",
            noise.name(),
            fails as f64 * 300.0 / checks as f64,
            warns as f64 * 300.0 / checks as f64,
            ten.1,
            fifteen.0,
            fifteen.1,
            thirty.1
        );
    }
    // The ramp: the plateau's checks, and the drop.
    let (mut checks, mut fails, mut at_once, mut within) = (0u64, 0u64, 0usize, 0usize);
    for _ in 0..count {
        let values = ramp(&mut rng, 0.0);
        for day in 8..values.len() {
            checks += 1;
            fails +=
                u64::from(call(&values, day, Direction::Higher, &settings) == Some(Call::Fail));
        }
        let values = ramp(&mut rng, 0.11);
        let first = 7 + 6;
        let lag = (first..values.len())
            .find(|d| call(&values, *d, Direction::Higher, &settings) == Some(Call::Fail))
            .map_or(usize::MAX, |d| d - first + 1);
        at_once += usize::from(lag == 1);
        within += usize::from(lag <= 2);
    }
    println!();
    println!("| ramp 16 → 37, plateau, then −11 % | false alarms per 300 plateau checks | drop caught at once | within one run |");
    println!("|---|---|---|---|");
    println!(
        "| 0.3 % noise on the plateau | {:.2} | {:.1} % | {:.1} % |",
        fails as f64 * 300.0 / checks as f64,
        at_once as f64 * 100.0 / count as f64,
        within as f64 * 100.0 / count as f64
    );
}
