//! Property tests in the manner of a fuzzer, bounded and with a fixed seed so
//! that CI runs the same cases every time: every parser (event log lines,
//! export files, the legacy progress file, roadmap TOML, Markdown roadmaps,
//! traces, datasets) and the command line take mutated and random input
//! without panicking, and every error is one line.

mod common;

use beast::bench::models::Fleet;
use beast::bench::routing;
use beast::bench::workload::{self, Spec};
use beast::domain::event::Event;
use beast::import::{legacy, markdown};
use beast::roadmap_files::{self, Source};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};

fn config(cases: u32) -> Config {
    Config {
        cases,
        rng_seed: RngSeed::Fixed(0x5EED_BEA5),
        failure_persistence: None,
        ..Config::default()
    }
}

/// `base` with some bytes replaced, inserted or cut: what hand edits, bad
/// merges and truncated writes do to a file.
fn mutated(base: &'static str) -> impl Strategy<Value = String> {
    let len = base.len().max(1);
    prop::collection::vec((0..len, any::<u8>(), 0u8..3), 1..12).prop_map(move |edits| {
        let mut bytes = base.as_bytes().to_vec();
        for (at, byte, how) in edits {
            let at = at.min(bytes.len());
            match how {
                0 if at < bytes.len() => bytes[at] = byte,
                1 => bytes.insert(at, byte),
                _ => bytes.truncate(at.max(1)),
            }
        }
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

fn one_line(e: &str) {
    assert!(!e.contains('\n'), "an error of several lines: {e}");
}

const EVENT: &str = r#"{"v":1,"id":"01M8491GSAGSD8A7AA52ZE0WS7","kind":"reading","author":"alice@example.com","recorded_at":"2026-01-10T12:00:00.000Z","metric":"latency","value":200.0,"measured_at":"2026-01-10T12:00:00.000Z","source":"manual","run":"01M8491GSAGSD8A7AA52ZE0WS8"}"#;
const LEGACY: &str = include_str!("fixtures/legacy_progress.json");
const YEAR1: &str = include_str!("../roadmap/year1.toml");
const METRICS: &str = include_str!("../roadmap/metrics.toml");
const MARKDOWN: &str = include_str!("fixtures/year3.md");
const TRACE: &str = "{\"t\": 0, \"prompt\": \"sort a list in python\", \"intent\": \"a\"}\n{\"t\": 1.5, \"prompt\": \"Sort a list in Python?\", \"intent\": \"a\", \"tokens\": 300}\n";

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn event_lines(text in prop_oneof![mutated(EVENT), ".{0,200}"]) {
        match Event::from_line(&text) {
            Ok(e) => prop_assert_eq!(Event::from_line(&e.to_line()).unwrap(), e),
            Err(e) => one_line(&e.to_string()),
        }
    }

    #[test]
    fn export_files(text in prop_oneof![mutated(EVENT), ".{0,200}"]) {
        let (catalog, roadmap) = roadmap_files::load(&roadmap_files::embedded()).unwrap();
        let rules = beast::domain::validate::Rules::new(&catalog, &roadmap);
        if let Err(e) = beast::app::exchange::parse("f.jsonl", &text, &rules) {
            one_line(&format!("{e:#}"));
        }
    }
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn legacy_files(text in prop_oneof![mutated(LEGACY), ".{0,100}"]) {
        let (catalog, roadmap) = roadmap_files::load(&roadmap_files::embedded()).unwrap();
        match legacy::parse("p.json", &text) {
            Ok(file) => {
                if let Err(e) = legacy::plan(&file, &roadmap, &catalog, &Default::default()) {
                    one_line(&e);
                }
            }
            Err(e) => one_line(&e),
        }
    }

    #[test]
    fn legacy_maps(text in ".{0,120}") {
        if let Err(e) = legacy::parse_map("m.toml", &text) {
            one_line(&e);
        }
    }

    #[test]
    fn roadmap_files_(text in mutated(YEAR1), catalog in prop_oneof![Just(METRICS.to_string()), mutated(METRICS)]) {
        let sources = vec![
            Source { name: "metrics.toml".into(), text: catalog },
            Source { name: "year1.toml".into(), text },
        ];
        if let Err(e) = roadmap_files::load(&sources) {
            one_line(&format!("{e:#}"));
        }
    }

    #[test]
    fn markdown_roadmaps(text in mutated(MARKDOWN)) {
        if let Err(e) = markdown::parse("plan.md", &text) {
            one_line(&format!("{e:#}"));
        }
    }

    #[test]
    fn traces(text in prop_oneof![mutated(TRACE), ".{0,200}"]) {
        if let Err(e) = workload::parse_trace("t.jsonl", &text, &Spec::built_in()) {
            one_line(&format!("{e:#}"));
        }
    }

    #[test]
    fn datasets(text in prop_oneof![mutated(routing::BUILT_IN.lines().next().unwrap()), ".{0,200}"]) {
        if let Err(e) = routing::parse_dataset("d.jsonl", &text, &Fleet::built_in()) {
            one_line(&format!("{e:#}"));
        }
    }
}

/// Words command lines are made of: real commands and flags, numbers at and
/// past every bound, and hostile text.
fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "status",
            "complete",
            "metric",
            "dogfood",
            "report",
            "check",
            "roadmap",
            "bench",
            "cache",
            "routing",
            "runs",
            "undo",
            "retract",
            "log",
            "export",
            "import",
            "legacy",
            "--json",
            "--adhoc",
            "--undo",
            "--note",
            "--at",
            "--source",
            "--format",
            "--limit",
            "--since",
            "--rules",
            "--threshold",
            "--requests",
            "--thresholds",
            "--month",
            "-q",
            "markdown",
            "openmetrics",
            "html",
            "latency",
            "cacheHitRate",
            "improvement",
            "0",
            "1",
            "-1",
            "48",
            "49",
            "1e308",
            "nan",
            "-inf",
            "18446744073709551615",
            "2026-01-01",
            "0000-01-01",
            "Fix failed request tracking",
            "\u{1b}[2J",
            "",
            "--",
            "-",
        ])
        .prop_map(String::from),
        "[ -~]{0,12}",
    ]
}

proptest! {
    #![proptest_config(config(96))]

    /// Random command lines through the binary: never a panic, an exit code
    /// from the documented table, and at most one error line.
    #[test]
    fn command_lines(args in prop::collection::vec(word(), 0..6)) {
        // `bench` without --no-record would take seconds per case.
        prop_assume!(!args.iter().any(|a| a == "bench"));
        let env = common::Env::on("2026-01-20");
        let out = env.cmd().args(&args).output().unwrap();
        let code = out.status.code().unwrap_or(-1);
        let err = String::from_utf8_lossy(&out.stderr);
        prop_assert!((0..=6).contains(&code), "{args:?}: exit {code}: {err}");
        prop_assert!(!err.contains("panicked") && !err.contains("internal error"), "{args:?}: {err}");
        if code != 0 {
            let errors = err.lines().filter(|l| l.starts_with("error:")).count();
            prop_assert!(errors <= 1, "{args:?}: {err}");
        }
    }
}
