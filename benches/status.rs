//! How `beast status` and `beast report` scale with stored data.
//!
//! Fills a database with 1,000,000 metric readings, 10,000 completions and
//! 100,000 dog-food events (fixed seed), then times both commands as whole
//! processes — start-up, roadmap parsing, database open and rendering
//! included — against the same commands on an empty database.
//!
//! Run with `cargo bench --bench status`. Options after `--`:
//! `--runs N` (default 41), `--readings N`, `--completions N`, `--dogfood N`,
//! `--keep DIR` (leave the filled database there for inspection).
//! Targets: median under 20 ms each, and under 2× the empty-database median.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use beast::domain::matching::normalize;
use beast::domain::{DogfoodKind, TaskRef};
use beast::roadmap_files;
use beast::store::{NewCompletion, NewReading, Store};
use chrono::{DateTime, TimeZone, Utc};

const TODAY: &str = "2026-11-22";

/// xorshift64*: small, fast, and the same sequence on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

struct Sizes {
    readings: usize,
    completions: usize,
    dogfood: usize,
    runs: usize,
    keep: Option<PathBuf>,
}

fn parse_args() -> Sizes {
    let mut s = Sizes {
        readings: 1_000_000,
        completions: 10_000,
        dogfood: 100_000,
        runs: 41,
        keep: None,
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        let value = || args.get(i + 1).and_then(|v| v.parse().ok());
        match args[i].as_str() {
            "--runs" => s.runs = value().expect("--runs N"),
            "--readings" => s.readings = value().expect("--readings N"),
            "--completions" => s.completions = value().expect("--completions N"),
            "--dogfood" => s.dogfood = value().expect("--dogfood N"),
            "--keep" => s.keep = Some(PathBuf::from(args.get(i + 1).expect("--keep DIR"))),
            _ => {
                i += 1;
                continue;
            }
        }
        i += 2;
    }
    s
}

/// A time between 2026-01-01 and TODAY.
fn random_time(rng: &mut Rng) -> DateTime<Utc> {
    let start = Utc
        .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
        .unwrap()
        .timestamp();
    let end = Utc
        .with_ymd_and_hms(2026, 11, 22, 0, 0, 0)
        .unwrap()
        .timestamp();
    Utc.timestamp_opt(start + rng.below((end - start) as u64) as i64, 0)
        .unwrap()
}

fn fill(path: &Path, sizes: &Sizes) {
    let (catalog, roadmap) = roadmap_files::load(&roadmap_files::embedded()).unwrap();
    let tasks: Vec<(TaskRef, String)> = roadmap
        .tasks()
        .map(|t| (t.task_ref(), t.task.title.clone()))
        .collect();
    let mut rng = Rng(0x5EED_BEA5);
    let mut store = Store::open(path).unwrap();
    let now = Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap();
    store
        .write(|w| {
            for i in 0..sizes.readings {
                let m = &catalog.metrics[i % catalog.metrics.len()];
                let value = m.min + (m.max.min(1000.0) - m.min) * rng.unit();
                w.add_reading(&NewReading {
                    metric: &m.id,
                    value,
                    at: random_time(&mut rng),
                    source: if i % 5 == 0 { "ci" } else { "manual" },
                    note: None,
                    recorded_at: now,
                    run_id: None,
                })?;
            }
            for _ in 0..sizes.dogfood {
                let kind = DogfoodKind::ALL[rng.below(4) as usize];
                w.add_dogfood(kind, rng.below(10) < 8, random_time(&mut rng), None)?;
            }
            // Completions: every planned task at most once live; repeats become
            // undone history, and a fifth of all rows are ad-hoc work.
            for i in 0..sizes.completions {
                let at = random_time(&mut rng);
                if i % 5 == 0 {
                    let title = format!("ad-hoc work item {i}");
                    w.add_completion(&NewCompletion {
                        month: 1 + rng.below(11) as u32,
                        week: 1 + rng.below(4) as u8,
                        task: None,
                        title: &title,
                        note: None,
                        at,
                    })?;
                    continue;
                }
                let (task, title) = &tasks[rng.below(tasks.len() as u64) as usize];
                if let Some(live) = w.reader().completion_of(task)? {
                    w.undo_completion(live.id, at)?;
                }
                w.add_completion(&NewCompletion {
                    month: task.month,
                    week: 1 + rng.below(4) as u8,
                    task: Some(task),
                    title,
                    note: None,
                    at,
                })?;
                debug_assert_eq!(task.key, normalize(title));
            }
            Ok(())
        })
        .unwrap();
}

fn time_command(bin: &Path, db: &Path, args: &[&str], runs: usize) -> Vec<Duration> {
    let run = || {
        let start = Instant::now();
        let status = Command::new(bin)
            .args(args)
            .env("BEAST_DB", db)
            .env("BEAST_TODAY", TODAY)
            .env("NO_COLOR", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .status()
            .expect("run beast");
        assert!(status.success(), "beast {args:?} failed");
        start.elapsed()
    };
    for _ in 0..3 {
        run(); // warm the page cache and the binary
    }
    let mut times: Vec<Duration> = (0..runs).map(|_| run()).collect();
    times.sort();
    times
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    let sizes = parse_args();
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_beast"));
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.db");
    let full = dir.path().join("full.db");
    Store::open(&empty).unwrap();
    let started = Instant::now();
    fill(&full, &sizes);
    println!(
        "filled {} readings, {} completions, {} dog-food events in {:.1} s (seed 0x5EEDBEA5)",
        sizes.readings,
        sizes.completions,
        sizes.dogfood,
        started.elapsed().as_secs_f64()
    );
    println!(
        "{} timed runs per case after 3 warm-up runs, today = {TODAY}\n",
        sizes.runs
    );
    println!(
        "{:<8} {:>12} {:>12} {:>12} {:>12} {:>8}  verdict",
        "command", "empty p50", "full p50", "full min", "full p90", "ratio"
    );
    let mut all_ok = true;
    for cmd in ["status", "report"] {
        let e = time_command(&bin, &empty, &[cmd], sizes.runs);
        let f = time_command(&bin, &full, &[cmd], sizes.runs);
        let (e50, f50) = (ms(e[e.len() / 2]), ms(f[f.len() / 2]));
        let ratio = f50 / e50;
        let ok = f50 < 20.0 && ratio < 2.0;
        all_ok &= ok;
        println!(
            "{cmd:<8} {:>9.2} ms {:>9.2} ms {:>9.2} ms {:>9.2} ms {:>7.2}×  {}",
            e50,
            f50,
            ms(f[0]),
            ms(f[f.len() * 9 / 10]),
            ratio,
            if ok {
                "ok (<20 ms, <2×)"
            } else {
                "MISSED (target <20 ms and <2× empty)"
            }
        );
    }
    if let Some(keep) = &sizes.keep {
        std::fs::create_dir_all(keep).unwrap();
        std::fs::copy(&full, keep.join("full.db")).unwrap();
        println!(
            "\nfilled database kept at {}",
            keep.join("full.db").display()
        );
    }
    if !all_ok {
        std::process::exit(1);
    }
}
