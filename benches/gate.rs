//! The CI gate on simulated daily CI series: how often does the default
//! `beast check` cry wolf on noise, and how fast does it catch a real
//! regression?
//!
//! Each simulated project has two series measured once a day in CI,
//! `cacheHitRate` (higher is better, around 40 %) and `latency` (lower is
//! better, around 200 ms), with Gaussian noise of 1–5 % of the level. After
//! 20 days of history the check runs after every reading, judging both
//! series with the same function `beast check` uses (`domain::gate::judge`,
//! default settings). A check is a false alarm when either series is called
//! a regression although nothing changed. For detection, a step of 5, 10, 15
//! or 30 % in the bad direction starts on day 40; the lag is the number of
//! readings from the step until the first alarm (1 = caught on the first
//! reading after it).
//!
//! Run with `cargo bench --bench gate`. Options after `--`: `--projects N`
//! (default 500), `--seed S`.

use beast::bench::rng::Rng;
use beast::domain::gate::{judge, Settings};
use beast::domain::Direction;

const HISTORY: usize = 20;
const DAYS: usize = 80;
const STEP_DAY: usize = 40;

/// A series of `DAYS` readings around `level` with `noise` (a fraction),
/// stepping by `step` (a fraction, in the bad direction) from `STEP_DAY`.
fn series(rng: &mut Rng, level: f64, noise: f64, step: f64, direction: Direction) -> Vec<f64> {
    (0..DAYS)
        .map(|day| {
            let shift = if day >= STEP_DAY { step } else { 0.0 };
            let base = match direction {
                Direction::Higher => level * (1.0 - shift),
                Direction::Lower => level * (1.0 + shift),
            };
            base + level * noise * rng.normal()
        })
        .collect()
}

fn alarms(values: &[f64], direction: Direction, settings: &Settings) -> Vec<bool> {
    let test = settings.test("x");
    (0..values.len())
        .map(|i| {
            i >= HISTORY
                && judge(&values[..i], values[i], direction, &test).is_some_and(|j| j.regression)
        })
        .collect()
}

fn main() {
    let mut projects = 500usize;
    let mut seed = 0x6A7E_5EEDu64;
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        let value = args.get(i + 1).cloned().unwrap_or_default();
        match args[i].as_str() {
            "--projects" => projects = value.parse().expect("--projects N"),
            "--seed" => seed = value.parse().expect("--seed S"),
            _ => {}
        }
        i += 1;
    }
    let settings = Settings::default();
    let t = settings.test("x");
    println!(
        "default gate: window {}, min_samples {}, boundary {}, min change {}%; {projects} projects, seed {seed:#x}",
        t.window, t.min_samples, t.boundary, t.min_change
    );
    println!();
    println!("| noise | false alarms (no change) | per 300 checks |");
    println!("|---|---|---|");
    let mut rng = Rng::new(seed);
    for noise in [0.01, 0.02, 0.03, 0.04, 0.05] {
        let (mut checks, mut false_alarms) = (0u64, 0u64);
        for _ in 0..projects {
            let hit = series(&mut rng, 40.0, noise, 0.0, Direction::Higher);
            let lat = series(&mut rng, 200.0, noise, 0.0, Direction::Lower);
            let a = alarms(&hit, Direction::Higher, &settings);
            let b = alarms(&lat, Direction::Lower, &settings);
            for day in HISTORY..DAYS {
                checks += 1;
                false_alarms += u64::from(a[day] || b[day]);
            }
        }
        println!(
            "| {:.0} % | {false_alarms} of {checks} | {:.2} |",
            noise * 100.0,
            false_alarms as f64 * 300.0 / checks as f64
        );
    }
    println!();
    println!("| noise | step | caught on the first reading | within 3 readings | median lag |");
    println!("|---|---|---|---|---|");
    for noise in [0.01, 0.02, 0.03, 0.04, 0.05] {
        for step in [0.05, 0.10, 0.15, 0.30] {
            let mut lags = Vec::new();
            for p in 0..projects {
                // Alternate the metric that regresses.
                let direction = if p % 2 == 0 {
                    Direction::Higher
                } else {
                    Direction::Lower
                };
                let level = if p % 2 == 0 { 40.0 } else { 200.0 };
                let values = series(&mut rng, level, noise, step, direction);
                let a = alarms(&values, direction, &settings);
                let lag = (STEP_DAY..DAYS).find(|d| a[*d]).map(|d| d - STEP_DAY + 1);
                lags.push(lag.unwrap_or(usize::MAX));
            }
            lags.sort_unstable();
            let share = |within: usize| {
                lags.iter().filter(|l| **l <= within).count() as f64 * 100.0 / lags.len() as f64
            };
            let median = lags[lags.len() / 2];
            println!(
                "| {:.0} % | {:.0} % | {:.1} % | {:.1} % | {} |",
                noise * 100.0,
                step * 100.0,
                share(1),
                share(3),
                if median == usize::MAX {
                    "not caught".to_string()
                } else {
                    median.to_string()
                }
            );
        }
    }
}
