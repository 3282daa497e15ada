//! How beast scales with a project's history, measured on whole processes.
//!
//! Builds a project (a git repository after `beast init`) whose event log
//! (`.git/beast/events/`, four authors) holds one of two history shapes
//! (fixed seed), then times, as whole processes:
//! - `status` and `report` with nothing new in the log, against an empty
//!   project (target: ≤ 1.5× the empty time);
//! - the first `status` after 10,000 events arrive, as after a pull: once as
//!   a new author's file, once appended to an existing author's file
//!   (target: ≤ 150 ms);
//! - rebuilding the index from the whole log (target: ≤ 5 s);
//! - CI's first `report` and `check` in a fresh clone (no index: they read
//!   the log into memory) of the mixed shape at 100k and 1M events, with the
//!   process's peak memory (targets: ≤ 0.3 s and ≤ 3 s, ≤ 256 MB);
//! - before them, the clone's `beast sync`: fetching the history ref from a
//!   local bare remote and taking it in (reported, no target of its own);
//! - `beast metric latency VALUE`, a durable write (target: median ≤ 10 ms).
//!
//! Shapes: `mixed` — 1,000,000 readings, 10,000 completions, 100,000 dog-food
//! events; `completions` — 1,000,000 completions, a fifth of them ad hoc, each
//! repeat of a planned task undoing the previous one.
//!
//! Run with `cargo bench --bench status`. Options after `--`: `--runs N`
//! (default 41), `--shape mixed|completions` (default both), `--scale F`
//! (multiply the sizes, e.g. 0.01 for a quick look), `--keep DIR`;
//! `--shape none` runs only the start-up and fresh-clone cases.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use beast::domain::event::{self, Body, Event, EventId};
use beast::domain::{DogfoodKind, TaskRef};
use beast::roadmap_files;
use chrono::{DateTime, TimeZone, Utc};

const TODAY: &str = "2026-11-22";
const AUTHORS: [&str; 4] = [
    "alice@example.com",
    "bob@example.com",
    "carol@example.com",
    "ci@example.com",
];

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

struct Options {
    runs: usize,
    shapes: Vec<String>,
    scale: f64,
    keep: Option<PathBuf>,
}

fn parse_args() -> Options {
    let mut o = Options {
        runs: 41,
        shapes: vec!["mixed".into(), "completions".into()],
        scale: 1.0,
        keep: None,
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        let value = args.get(i + 1).cloned().unwrap_or_default();
        match args[i].as_str() {
            "--runs" => o.runs = value.parse().expect("--runs N"),
            "--shape" if value == "none" => o.shapes.clear(),
            "--shape" => o.shapes = vec![value],
            "--scale" => o.scale = value.parse().expect("--scale F"),
            "--keep" => o.keep = Some(PathBuf::from(value)),
            _ => {
                i += 1;
                continue;
            }
        }
        i += 2;
    }
    o
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

struct Writer {
    files: Vec<std::io::BufWriter<std::fs::File>>,
    rng: Rng,
    n: u64,
}

impl Writer {
    fn new(dir: &Path, seed: u64) -> Writer {
        std::fs::create_dir_all(dir).unwrap();
        let files = AUTHORS
            .iter()
            .map(|a| {
                let f = std::fs::File::create(dir.join(format!("{a}.jsonl"))).unwrap();
                std::io::BufWriter::with_capacity(1 << 20, f)
            })
            .collect();
        Writer {
            files,
            rng: Rng(seed),
            n: 0,
        }
    }

    /// Writes an event by a random author, recorded at `at`; returns its id.
    fn write(&mut self, at: DateTime<Utc>, body: Body) -> EventId {
        self.n += 1;
        let who = self.rng.below(AUTHORS.len() as u64) as usize;
        let e = Event {
            id: EventId::from_parts(
                at.timestamp_millis() as u64,
                u128::from(self.n) << 16 | who as u128,
            ),
            author: AUTHORS[who].to_string(),
            recorded_at: at,
            body,
        };
        writeln!(self.files[who], "{}", e.to_line()).unwrap();
        e.id
    }
}

fn tasks() -> Vec<(TaskRef, String)> {
    let (_, roadmap) = roadmap_files::load(&roadmap_files::embedded()).unwrap();
    roadmap
        .tasks()
        .map(|t| (t.task_ref(), t.task.title.clone()))
        .collect()
}

fn completion(
    task: Option<&(TaskRef, String)>,
    month: u32,
    week: u8,
    title: String,
    at: DateTime<Utc>,
) -> Body {
    Body::Completion(event::Completion {
        month,
        week,
        task: task.map(|t| t.0.clone()),
        title,
        note: None,
        completed_at: at,
        legacy_name: None,
    })
}

/// Writes one history shape into `dir` (an events directory).
fn fill(dir: &Path, shape: &str, scale: f64) -> u64 {
    let (catalog, _) = roadmap_files::load(&roadmap_files::embedded()).unwrap();
    let tasks = tasks();
    let mut w = Writer::new(dir, 0x5EED_BEA5);
    let n = |x: f64| (x * scale).round() as usize;
    let (readings, completions, dogfood) = match shape {
        "mixed" => (n(1e6), n(1e4), n(1e5)),
        "completions" => (0, n(1e6), 0),
        other => panic!("unknown shape {other}"),
    };
    for i in 0..readings {
        let m = &catalog.metrics[i % catalog.metrics.len()];
        let value = m.min + (m.max.min(1000.0) - m.min) * w.rng.unit();
        let at = random_time(&mut w.rng);
        w.write(
            at,
            Body::Reading(event::Reading {
                metric: m.id.clone(),
                value,
                measured_at: at,
                source: if i % 5 == 0 {
                    "ci".into()
                } else {
                    "manual".into()
                },
                note: None,
                run: None,
            }),
        );
    }
    for _ in 0..dogfood {
        let at = random_time(&mut w.rng);
        let kind = DogfoodKind::ALL[w.rng.below(4) as usize];
        let generated = w.rng.below(10) < 8;
        w.write(
            at,
            Body::Dogfood(event::Dogfood {
                kind,
                generated,
                at,
                note: None,
            }),
        );
    }
    // Completions in time order, so that each repeat of a planned task can
    // undo the live one before it.
    let mut times: Vec<DateTime<Utc>> = (0..completions).map(|_| random_time(&mut w.rng)).collect();
    times.sort();
    let mut live: std::collections::HashMap<usize, EventId> = std::collections::HashMap::new();
    for (i, at) in times.into_iter().enumerate() {
        let week = 1 + w.rng.below(4) as u8;
        if i % 5 == 0 {
            let month = 1 + w.rng.below(11) as u32;
            w.write(
                at,
                completion(None, month, week, format!("ad-hoc work item {i}"), at),
            );
            continue;
        }
        let t = w.rng.below(tasks.len() as u64) as usize;
        if let Some(prev) = live.remove(&t) {
            w.write(at, Body::Undo { target: prev });
        }
        let task = &tasks[t];
        let id = w.write(
            at,
            completion(Some(task), task.0.month, week, task.1.clone(), at),
        );
        live.insert(t, id);
    }
    for f in &mut w.files {
        f.flush().unwrap();
    }
    w.n
}

/// 10,000 new readings, as another machine would have recorded them.
fn new_events(count: usize, seed: u64, author: &str) -> String {
    let mut rng = Rng(seed);
    let mut text = String::new();
    for i in 0..count {
        let at = Utc.with_ymd_and_hms(2026, 11, 21, 0, 0, 0).unwrap()
            + chrono::Duration::seconds(i as i64);
        let e = Event {
            id: EventId::from_parts(at.timestamp_millis() as u64, u128::from(rng.next())),
            author: author.to_string(),
            recorded_at: at,
            body: Body::Reading(event::Reading {
                metric: "latency".into(),
                value: 100.0 + (rng.below(1000) as f64) / 10.0,
                measured_at: at,
                source: "ci".into(),
                note: None,
                run: None,
            }),
        };
        text.push_str(&e.to_line());
        text.push('\n');
    }
    text
}

fn beast(bin: &Path, project: &Path, args: &[&str]) -> Duration {
    let start = Instant::now();
    let status = Command::new(bin)
        .args(args)
        .env_clear()
        .env("BEAST_PROJECT", project)
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", project)
        .env("BEAST_TODAY", TODAY)
        .env("BEAST_AUTHOR", "bench@example.com")
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .status()
        .expect("run beast");
    assert!(status.success(), "beast {args:?} failed");
    start.elapsed()
}

/// Times `args` and counts its minor page faults (getrusage of the child),
/// `runs` times after 3 warm-up runs; the medians.
fn startup(bin: &Path, project: &Path, args: &[&str], runs: usize) -> (Vec<Duration>, i64) {
    fn children_minflt() -> i64 {
        // SAFETY: getrusage fills the struct it is given.
        let mut u: libc::rusage = unsafe { std::mem::zeroed() };
        unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut u) };
        u.ru_minflt
    }
    for _ in 0..3 {
        beast(bin, project, args);
    }
    let mut times = Vec::new();
    let mut faults = Vec::new();
    for _ in 0..runs {
        let before = children_minflt();
        times.push(beast(bin, project, args));
        faults.push(children_minflt() - before);
    }
    times.sort();
    faults.sort();
    (times, faults[faults.len() / 2])
}

/// Runs `args` in two projects alternately, so that the VM's speed drifting
/// during the measurement moves both the same way and their ratio holds.
fn timed_pair(
    bin: &Path,
    a: &Path,
    b: &Path,
    args: &[&str],
    runs: usize,
) -> (Vec<Duration>, Vec<Duration>) {
    for _ in 0..3 {
        beast(bin, a, args);
        beast(bin, b, args);
    }
    let (mut ta, mut tb) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        ta.push(beast(bin, a, args));
        tb.push(beast(bin, b, args));
    }
    ta.sort();
    tb.sort();
    (ta, tb)
}

/// Runs `beast report` once in `project`: its wall time and its own peak
/// resident memory in KB (wait4's rusage of that child).
#[allow(
    clippy::zombie_processes,
    reason = "reaped by wait4, which gives its rusage"
)]
/// Runs `beast CMD` (`report`, or `check`, whose exit 5 says a rule does
/// not hold) and returns its time and peak resident memory (KB).
fn report_peak(bin: &Path, project: &Path, cmd: &str) -> (Duration, i64) {
    let start = Instant::now();
    let child = Command::new(bin)
        .arg(cmd)
        .current_dir(project)
        .env("BEAST_TODAY", TODAY)
        .env("BEAST_AUTHOR", "bench@example.com")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("run beast");
    let mut status = 0;
    // SAFETY: wait4 on our own child's pid, with a zeroed rusage to fill.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    let took = start.elapsed();
    let code = (status >> 8) & 0xff;
    let exited = status & 0x7f == 0;
    assert!(
        pid > 0 && exited && (code == 0 || (cmd == "check" && code == 5)),
        "beast {cmd} failed"
    );
    (took, usage.ru_maxrss)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn median(v: &[Duration]) -> f64 {
    ms(v[v.len() / 2])
}

/// Runs git in `dir`, isolated from the machine's settings.
fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .stdout(Stdio::null())
        .status()
        .expect("run git");
    assert!(status.success(), "git {args:?} failed");
}

/// A git repository after `beast init`: its log is written straight into
/// the clone's log directory by `fill`.
fn project(dir: &Path) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    git(dir, &["init", "-q", "-b", "main"]);
    let status = Command::new(env!("CARGO_BIN_EXE_beast"))
        .args(["init", "-q"])
        .current_dir(dir)
        .env("HOME", dir)
        .status()
        .expect("run beast init");
    assert!(status.success(), "beast init failed");
    std::fs::create_dir_all(events_dir(dir)).unwrap();
    dir.to_path_buf()
}

fn events_dir(project: &Path) -> PathBuf {
    project.join(".git/beast/events")
}

fn index_path(project: &Path) -> PathBuf {
    project.join(".git/beast/index.db")
}

fn remove_index(project: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut p = index_path(project).into_os_string();
        p.push(suffix);
        let _ = std::fs::remove_file(p);
    }
}

fn main() {
    let o = parse_args();
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_beast"));
    let tmp = tempfile::tempdir().unwrap();
    let empty = project(&tmp.path().join("empty"));
    beast(&bin, &empty, &["status"]);
    let mut all_ok = true;
    let mut verdict = |ok: bool| {
        all_ok &= ok;
        if ok {
            "ok"
        } else {
            "MISSED"
        }
    };
    println!(
        "{} timed runs per case after 3 warm-up runs, today = {TODAY}",
        o.runs
    );
    // The process floor: what every command pays before it does anything.
    println!("\n== start-up");
    for (label, args) in [
        ("--version", &["--version"][..]),
        ("empty status", &["status"][..]),
    ] {
        let (times, faults) = startup(&bin, &empty, args, o.runs.max(21));
        println!(
            "{label:<13} median {:.2} ms, {faults} minor page faults (median) — {}",
            median(&times),
            verdict(faults <= 400)
        );
    }
    // CI's first command: a fresh clone has the log and no index.
    println!("\n== fresh clone, first report and check (no index yet)");
    // About 100k and 1M events of the mixed shape, and 100k of the
    // completions shape (each completion of a planned task undoes the one
    // before, so 55,600 completions make about 100k events).
    for (shape, label, scale, target_s) in [
        ("mixed", "100k", 0.09, 0.3),
        ("mixed", "1M", 0.9, 3.0),
        ("completions", "100k", 0.0556, 0.218),
    ] {
        let label = format!("{shape} {label}");
        let label = label.as_str();
        let dir = project(
            &tmp.path()
                .join(format!("fresh-{shape}-{label}").replace(' ', "-")),
        );
        let n = fill(&events_dir(&dir), shape, scale * o.scale);
        // A fresh clone's first step: `beast sync` fetches the history.
        let origin = tmp
            .path()
            .join(format!("origin-{label}.git").replace(' ', "-"));
        git(
            tmp.path(),
            &[
                "init",
                "-q",
                "--bare",
                "-b",
                "main",
                origin.to_str().unwrap(),
            ],
        );
        // As hosted servers do, the remote keeps what is pushed as a pack;
        // plain git explodes a push of under 100 objects into loose ones,
        // which a later fetch must pack again with a delta search (4 s
        // instead of 0.2 s for the whole 100k history).
        git(&origin, &["config", "receive.unpackLimit", "1"]);
        git(&dir, &["remote", "add", "origin", origin.to_str().unwrap()]);
        beast(&bin, &dir, &["sync", "--push", "-q"]);
        let mut syncs: Vec<Duration> = (0..3)
            .map(|i| {
                let clone = tmp
                    .path()
                    .join(format!("clone-{label}-{i}").replace(' ', "-"));
                git(
                    tmp.path(),
                    &["init", "-q", "-b", "main", clone.to_str().unwrap()],
                );
                git(
                    &clone,
                    &["remote", "add", "origin", origin.to_str().unwrap()],
                );
                std::fs::create_dir_all(clone.join(".beast")).unwrap();
                let took = beast(&bin, &clone, &["sync", "-q"]);
                let _ = std::fs::remove_dir_all(&clone);
                took
            })
            .collect();
        syncs.sort();
        println!(
            "{label:<16} {n} events: a fresh clone's `beast sync` (fetch and take in) median {:.2} s",
            syncs[1].as_secs_f64()
        );
        for cmd in ["report", "check"] {
            let mut runs: Vec<(Duration, i64)> = (0..3)
                .map(|_| {
                    remove_index(&dir);
                    report_peak(&bin, &dir, cmd)
                })
                .collect();
            runs.sort();
            let (took, _) = runs[1];
            let peak_mb = runs.iter().map(|r| r.1).max().unwrap_or(0) as f64 / 1024.0;
            let ok = took.as_secs_f64() <= target_s && peak_mb <= 256.0;
            println!(
                "{label:<16} {n} events: first {cmd:<6} median {:.2} s, peak {peak_mb:.0} MB — {} (≤ {target_s} s, ≤ 256 MB)",
                took.as_secs_f64(),
                verdict(ok)
            );
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    for shape in &o.shapes {
        let full = project(&tmp.path().join(shape));
        let events_dir = events_dir(&full);
        let started = Instant::now();
        let n = fill(&events_dir, shape, o.scale);
        let bytes: u64 = std::fs::read_dir(&events_dir)
            .unwrap()
            .map(|e| e.unwrap().metadata().unwrap().len())
            .sum();
        println!(
            "\n== shape {shape}: {n} events, {:.0} MB of log in {} files, written in {:.1} s (seed 0x5EEDBEA5)",
            bytes as f64 / 1e6,
            AUTHORS.len(),
            started.elapsed().as_secs_f64()
        );

        // Rebuilding the index from the whole log, three times.
        let mut rebuilds = Vec::new();
        for _ in 0..3 {
            remove_index(&full);
            rebuilds.push(beast(&bin, &full, &["status"]));
        }
        rebuilds.sort();
        let r = median(&rebuilds) / 1000.0;
        println!(
            "rebuild index from the log: median {r:.2} s (min {:.2} s) — {} (≤ 5 s)",
            ms(rebuilds[0]) / 1000.0,
            verdict(r <= 5.0)
        );

        for cmd in ["status", "report"] {
            let (e, f) = timed_pair(&bin, &empty, &full, &[cmd], o.runs);
            let ratio = median(&f) / median(&e);
            println!(
                "{cmd:<7} nothing new: empty {:.2} ms, full {:.2} ms (p90 {:.2} ms), {ratio:.2}× — {} (≤ 1.5×)",
                median(&e),
                median(&f),
                ms(f[f.len() * 9 / 10]),
                verdict(ratio <= 1.5)
            );
        }

        // A pull: 10,000 events arrive, as a new file and appended to a big one.
        let index = index_path(&full);
        let saved = tmp.path().join("saved-index.db");
        beast(&bin, &full, &["status"]);
        std::fs::copy(&index, &saved).unwrap();
        let appended_to = events_dir.join(format!("{}.jsonl", AUTHORS[0]));
        let original = std::fs::read(&appended_to).unwrap();
        for (label, target) in [
            (
                "a new author's file",
                events_dir.join("dave@example.com.jsonl"),
            ),
            ("appended to a big file", appended_to.clone()),
        ] {
            let mut times = Vec::new();
            let runs = o.runs.min(11);
            for i in 0..runs {
                remove_index(&full);
                std::fs::copy(&saved, &index).unwrap();
                std::fs::write(&appended_to, &original).unwrap();
                let _ = std::fs::remove_file(events_dir.join("dave@example.com.jsonl"));
                // Re-index the restored file before the timed run.
                beast(&bin, &full, &["status"]);
                // Each file holds its own author's events (the log's rule).
                let author = if target == appended_to {
                    AUTHORS[0]
                } else {
                    "dave@example.com"
                };
                let text = new_events(10_000, 77 + i as u64, author);
                let mut f = std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(&target)
                    .unwrap();
                f.write_all(text.as_bytes()).unwrap();
                drop(f);
                times.push(beast(&bin, &full, &["status"]));
            }
            times.sort();
            println!(
                "first status after 10,000 new events ({label}): median {:.1} ms (max {:.1} ms) — {} (≤ 150 ms)",
                median(&times),
                ms(times[times.len() - 1]),
                verdict(median(&times) <= 150.0)
            );
        }
        std::fs::write(&appended_to, &original).unwrap();
        let _ = std::fs::remove_file(events_dir.join("dave@example.com.jsonl"));
        beast(&bin, &full, &["status"]);

        // Durable writes.
        let writes: Vec<Duration> = {
            let mut v: Vec<Duration> = (0..o.runs)
                .map(|i| {
                    beast(
                        &bin,
                        &full,
                        &["metric", "latency", &format!("{}", 150 + i % 50)],
                    )
                })
                .collect();
            v.sort();
            v
        };
        println!(
            "beast metric latency N (fsync'd append + index): median {:.2} ms (p90 {:.2} ms) — {} (≤ 10 ms)",
            median(&writes),
            ms(writes[writes.len() * 9 / 10]),
            verdict(median(&writes) <= 10.0)
        );
        if let Some(keep) = &o.keep {
            let dest = keep.join(shape);
            std::fs::create_dir_all(&dest).unwrap();
            let status = Command::new("cp")
                .args(["-r"])
                .arg(full.join(".git/beast"))
                .arg(&dest)
                .status()
                .unwrap();
            assert!(status.success());
            println!("project kept at {}", dest.display());
        }
    }
    if !all_ok {
        std::process::exit(1);
    }
}
