//! `beast bench`: results, determinism, recorded readings and bad input.

mod common;

use common::{metric, repo_path, Env};

const INPUT: i32 = 1;
use serde_json::Value;

fn json(env: &Env, args: &[&str]) -> Value {
    serde_json::from_str(&env.ok(args)).expect("bench --json prints JSON")
}

/// The seed-determined part of a run: counts and rates, not timings.
fn counts(run: &Value) -> Vec<Value> {
    [
        "requests",
        "hits",
        "exact_hits",
        "semantic_hits",
        "false_hits",
        "hits_l1",
        "hits_l2",
        "hits_l3",
        "hit_rate",
        "warm_calls",
        "correct",
        "accuracy",
        "cost_savings",
        "error_rate",
    ]
    .iter()
    .map(|k| run[*k].clone())
    .collect()
}

#[test]
fn cache_json_has_the_documented_fields_and_is_reproducible() {
    let env = Env::new();
    let args = [
        "bench",
        "cache",
        "--requests",
        "3000",
        "--json",
        "--no-record",
    ];
    let a = json(&env, &args);
    let runs = a["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 4);
    let names: Vec<&str> = runs
        .iter()
        .map(|r| r["config"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "exact, 1 tier",
            "semantic, 1 tier",
            "semantic, 3 tiers",
            "semantic, 3 tiers, warmed"
        ]
    );
    for r in runs {
        for k in [
            "requests",
            "hits",
            "exact_hits",
            "semantic_hits",
            "false_hits",
            "hit_rate",
            "lookup_p95_us",
            "lookups_per_sec",
            "e2e_p95_ms_modelled",
            "cost_saved_usd",
        ] {
            assert!(r.get(k).is_some(), "cache run lacks {k}");
        }
        assert_eq!(r["benchmark"], "cache");
        let hits = r["hits"].as_u64().unwrap();
        assert_eq!(
            hits,
            r["exact_hits"].as_u64().unwrap() + r["semantic_hits"].as_u64().unwrap()
        );
        let rate = r["hit_rate"].as_f64().unwrap();
        assert!((rate - hits as f64 * 100.0 / r["requests"].as_f64().unwrap()).abs() < 1e-9);
    }
    assert_eq!(runs[0]["semantic_hits"], 0);
    assert!(runs[0]["config"]["threshold"].is_null());
    assert_eq!(
        runs[1]["config"]["threshold"]
            .as_f64()
            .map(|t| (t * 100.0).round()),
        Some(95.0)
    );
    let b = json(&env, &args);
    let c = json(
        &env,
        &[
            "bench",
            "cache",
            "--requests",
            "3000",
            "--json",
            "--no-record",
            "--seed",
            "8",
        ],
    );
    let all = |v: &Value| {
        v["runs"]
            .as_array()
            .unwrap()
            .iter()
            .map(counts)
            .collect::<Vec<_>>()
    };
    assert_eq!(all(&a), all(&b), "same seed, same counts and rates");
    assert_ne!(all(&a), all(&c), "another seed, another workload");
    assert_eq!(a["recorded"], serde_json::json!([]));
}

#[test]
fn modelled_routing_json_has_the_documented_fields() {
    let env = Env::new();
    let v = json(
        &env,
        &["bench", "routing", "--modelled", "--json", "--no-record"],
    );
    let runs = v["runs"].as_array().unwrap();
    let selectors: Vec<&str> = runs
        .iter()
        .map(|r| r["selector"].as_str().unwrap())
        .collect();
    assert_eq!(selectors, ["provider-only", "rule-based", "learned"]);
    for r in runs {
        for k in [
            "selector",
            "requests",
            "correct",
            "accuracy",
            "cost_savings",
            "cost_per_request",
            "error_rate",
            "latency_p95_us",
            "decisions_per_sec",
        ] {
            assert!(r.get(k).is_some(), "routing run lacks {k}");
        }
        assert_eq!(r["benchmark"], "routing");
        assert_eq!(
            r["requests"], runs[0]["requests"],
            "all selectors on the same rows"
        );
    }
    assert!(runs[0]["config"]["dataset"].as_str().is_some());
    let again = json(
        &env,
        &["bench", "routing", "--modelled", "--json", "--no-record"],
    );
    let c = |v: &Value| {
        v["runs"]
            .as_array()
            .unwrap()
            .iter()
            .map(counts)
            .collect::<Vec<_>>()
    };
    assert_eq!(c(&v), c(&again));
}

#[test]
fn recorded_readings_point_to_their_run() {
    let env = Env::new();
    let v = json(&env, &["bench", "cache", "--requests", "3000", "--json"]);
    let warmed = &v["runs"][3];
    let run1 = v["recorded"][0]["run_id"].as_str().unwrap().to_string();
    let short1 = v["recorded"][0]["run"].as_str().unwrap().to_string();
    assert_eq!(run1.len(), 26, "a ULID: {run1}");
    assert!(run1.to_lowercase().ends_with(&short1), "{run1} / {short1}");
    assert_eq!(v["recorded"][0]["config"], "semantic, 3 tiers, warmed");
    let r = env.report();
    let chr = metric(&r, "cacheHitRate");
    assert_eq!(chr["latest"]["source"], "bench:cache");
    assert_eq!(chr["latest"]["value"], warmed["hit_rate"]);
    assert_eq!(chr["latest"]["run"]["id"], run1.as_str());
    assert_eq!(chr["latest"]["run"]["short"], short1.as_str());
    assert_eq!(chr["latest"]["run"]["kind"], "cache");
    assert_eq!(chr["latest"]["run"]["seed"], 7);
    assert_eq!(chr["latest"]["run"]["workload"], "built-in (seed 7)");
    assert_eq!(
        chr["latest"]["run"]["recorded"],
        "semantic, 3 tiers, warmed"
    );
    // The hit rate counts correct hits only, and says so.
    let (served, wrong) = (
        warmed["hits"].as_u64().unwrap(),
        warmed["false_hits"].as_u64().unwrap(),
    );
    assert_eq!(
        chr["latest"]["note"],
        format!(
            "run {short1}: semantic, 3 tiers, warmed; correct hits only: {} of {served} hits served, {wrong} answered another request",
            served - wrong
        )
        .as_str()
    );
    assert_eq!(chr["latest"]["run"]["hits_served"], served);
    assert_eq!(chr["latest"]["run"]["false_hits"], wrong);
    let requests = warmed["requests"].as_f64().unwrap();
    assert!(
        (warmed["hit_rate"].as_f64().unwrap() - (served - wrong) as f64 * 100.0 / requests).abs()
            < 1e-9
    );
    assert_eq!(
        metric(&r, "semanticHitRate")["latest"]["value"],
        warmed["semantic_hit_rate"]
    );
    let access = metric(&r, "cacheAccessLatency")["latest"]["value"]
        .as_f64()
        .unwrap();
    assert!((access - warmed["lookup_p95_us"].as_f64().unwrap() / 1000.0).abs() < 1e-12);
    assert!(env
        .ok(&["status"])
        .contains(&format!("(bench:cache {short1})")));

    let v = json(
        &env,
        &[
            "bench",
            "routing",
            "--modelled",
            "--json",
            "--record-selector",
            "learned",
        ],
    );
    let learned = v["runs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["selector"] == "learned")
        .unwrap()
        .clone();
    let r = env.report();
    let acc = metric(&r, "selectionAccuracy");
    assert_eq!(acc["latest"]["source"], "bench:routing");
    assert_eq!(acc["latest"]["value"], learned["accuracy"]);
    let run2 = acc["latest"]["run"]["short"].as_str().unwrap().to_string();
    assert_ne!(run2, short1);
    for id in [
        "costSavings",
        "costPerRequest",
        "errorRate",
        "selectionLatency",
    ] {
        assert_eq!(metric(&r, id)["latest"]["source"], "bench:routing", "{id}");
    }
    let runs = env.ok(&["bench", "runs"]);
    assert!(
        runs.contains(&short1) && runs.contains(&run2) && runs.contains("learned"),
        "{runs}"
    );
}

#[test]
fn no_record_writes_nothing() {
    let env = Env::new();
    let before = env.report();
    let out = env.ok(&["bench", "routing", "--modelled", "--no-record"]);
    assert!(out.contains("Nothing recorded (--no-record)."), "{out}");
    assert!(
        out.contains("rule-based") && out.contains("accuracy"),
        "{out}"
    );
    assert_eq!(env.report(), before);
    assert!(env.ok(&["bench", "runs"]).contains("no benchmark runs yet"));
}

#[test]
fn bench_all_runs_both() {
    let env = Env::new();
    let v = json(&env, &["bench", "all", "--json"]);
    let kinds: Vec<&str> = v["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["benchmark"].as_str().unwrap())
        .collect();
    // Routing runs on the recorded MMLU answers: one run of every router.
    assert_eq!(kinds, ["cache", "cache", "cache", "cache", "routing"]);
    assert_eq!(v["recorded"].as_array().unwrap().len(), 2);
    assert_eq!(v["runs"][4]["dataset"]["name"], "RouteLLM MMLU (built in)");
    // Both are reference readings of beast's own workloads.
    let r = env.report();
    for (id, source) in [
        ("selectionAccuracy", "bench:routing"),
        ("cacheHitRate", "bench:cache"),
    ] {
        assert_eq!(metric(&r, id)["latest"]["source"], source);
        assert_eq!(metric(&r, id)["latest"]["reference"], true, "{id}");
    }
}

#[test]
fn a_custom_configuration_runs_alone() {
    let env = Env::new();
    let v = json(
        &env,
        &[
            "bench",
            "cache",
            "--requests",
            "2000",
            "--tiers",
            "1",
            "--exact-only",
            "--no-ttl",
            "--no-warm",
            "--l1-capacity",
            "64",
            "--json",
            "--no-record",
        ],
    );
    let runs = v["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let c = &runs[0]["config"];
    assert_eq!(
        (
            c["tiers"].clone(),
            c["semantic"].clone(),
            c["ttl"].clone(),
            c["warm"].clone()
        ),
        (1.into(), false.into(), false.into(), false.into())
    );
    assert_eq!(c["l1_capacity"], 64);
    assert_eq!(runs[0]["semantic_hits"], 0);
    let v = json(
        &env,
        &[
            "bench",
            "cache",
            "--requests",
            "2000",
            "--thresholds",
            "0.8,0.95",
            "--json",
        ],
    );
    assert_eq!(v["runs"].as_array().unwrap().len(), 2);
    assert_eq!(
        v["recorded"],
        serde_json::json!([]),
        "a threshold sweep records nothing"
    );
}

#[test]
fn a_trace_replaces_the_workload() {
    let env = Env::new();
    let trace = env.dir.path().join("trace.jsonl");
    let mut lines = Vec::new();
    for i in 0..60 {
        let (p, intent) = if i % 3 == 0 {
            ("how do I sort a list in python", "sort-py")
        } else if i % 3 == 1 {
            ("How do I sort a list in Python?", "sort-py")
        } else {
            ("summarize src/main.rs", "sum")
        };
        lines.push(format!(
            "{{\"t\": {}, \"prompt\": \"{p}\", \"intent\": \"{intent}\"}}",
            i * 60
        ));
    }
    std::fs::write(&trace, lines.join("\n")).unwrap();
    let v = json(
        &env,
        &[
            "bench",
            "cache",
            "--trace",
            trace.to_str().unwrap(),
            "--json",
            "--no-record",
        ],
    );
    let r = &v["runs"][3];
    assert_eq!(r["requests"], 54);
    assert!(r["hits"].as_u64().unwrap() >= 50, "{r}");
    assert_eq!(r["false_hits"], 0);
    assert!(r["workload"].as_str().unwrap().starts_with("trace "));
    let no_intent = env.dir.path().join("plain.jsonl");
    std::fs::write(&no_intent, "{\"t\": 0, \"prompt\": \"a\"}\n{\"t\": 1, \"prompt\": \"a\"}\n{\"t\": 2, \"prompt\": \"b\"}\n").unwrap();
    let v = json(
        &env,
        &[
            "bench",
            "cache",
            "--trace",
            no_intent.to_str().unwrap(),
            "--json",
            "--no-record",
        ],
    );
    assert!(
        v["runs"][0]["false_hits"].is_null(),
        "unknown without intents"
    );
}

#[test]
fn a_user_dataset_replaces_the_built_in_one() {
    let env = Env::new();
    let data = std::fs::read_to_string(repo_path("data/routing.jsonl")).unwrap();
    let path = env.dir.path().join("mine.jsonl");
    std::fs::write(&path, data.lines().take(60).collect::<Vec<_>>().join("\n")).unwrap();
    let v = json(
        &env,
        &[
            "bench",
            "routing",
            "--dataset",
            path.to_str().unwrap(),
            "--json",
            "--no-record",
        ],
    );
    let test_rows = v["runs"][0]["requests"].as_u64().unwrap();
    assert!(test_rows > 5 && test_rows < 40, "{test_rows}");
}

#[test]
fn bad_bench_input_is_rejected_without_changes() {
    let env = Env::new();
    env.ok(&["metric", "cacheHitRate", "20"]);
    let e = env.fails(&["bench", "cache", "--tiers", "4"], 2);
    assert!(e.contains("--tiers"), "{e}");
    let e = env.fails(&["bench", "cache", "--threshold", "1.5"], 1);
    assert!(
        e.contains("threshold 1.5 must be a number above 0 and at most 1"),
        "{e}"
    );
    env.fails(&["bench", "cache", "--threshold", "0"], 1);
    env.fails(&["bench", "cache", "--thresholds", "0.9,abc"], 2);
    env.fails(&["bench", "cache", "--l1-capacity", "0"], 1);
    env.fails(&["bench", "cache", "--requests", "10"], 1);
    env.fails(&["bench", "cache", "--exact-only", "--threshold", "0.9"], 2);
    env.fails(&["bench", "cahce"], 2);
    let e = env.fails(&["bench", "cache", "--trace", "/no/such/trace.jsonl"], 1);
    assert!(e.contains("cannot read trace /no/such/trace.jsonl"), "{e}");
    let trace = env.dir.path().join("bad.jsonl");
    std::fs::write(
        &trace,
        "{\"t\": 0, \"prompt\": \"a\"}\n{\"t\": 1, \"promt\": \"b\"}\n",
    )
    .unwrap();
    let e = env.fails(&["bench", "cache", "--trace", trace.to_str().unwrap()], 1);
    assert!(e.contains("bad.jsonl:2: unknown field `promt`"), "{e}");
    let data = env.dir.path().join("bad-data.jsonl");
    let good = std::fs::read_to_string(repo_path("data/routing.jsonl")).unwrap();
    let mut lines: Vec<String> = good.lines().take(30).map(String::from).collect();
    lines[6] = lines[6].replace("\"tokens\":", "\"tokenz\":");
    std::fs::write(&data, lines.join("\n")).unwrap();
    let e = env.fails(
        &["bench", "routing", "--dataset", data.to_str().unwrap()],
        1,
    );
    assert!(
        e.contains("bad-data.jsonl:7: unknown field `tokenz`"),
        "{e}"
    );
    env.fails(&["bench", "routing", "--record-selector", "oracle"], 2);
}

#[test]
fn write_dataset_reproduces_the_checked_in_file() {
    let env = Env::new();
    let out = env.dir.path().join("routing.jsonl");
    let msg = env.ok(&["bench", "routing", "--write-dataset", out.to_str().unwrap()]);
    assert!(msg.contains("wrote 2000 labelled requests"), "{msg}");
    assert_eq!(
        std::fs::read_to_string(out).unwrap(),
        std::fs::read_to_string(repo_path("data/routing.jsonl")).unwrap()
    );
}

#[test]
fn the_paraphrase_evaluation_is_reproducible_and_bounded() {
    let env = Env::new();
    let args = [
        "bench",
        "paraphrase",
        "--json",
        "--thresholds",
        "0.95,0.8,0.6",
    ];
    let v = json(&env, &args);
    let rows = v["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 3);
    for r in rows {
        assert_eq!(r["matcher"], "tfidf");
        let (hits, correct, wrong) = (
            r["hits"].as_u64().unwrap(),
            r["correct_hits"].as_u64().unwrap(),
            r["false_hits"].as_u64().unwrap(),
        );
        assert_eq!(correct + wrong, hits);
        assert!(correct <= r["reachable"].as_u64().unwrap());
        assert!(r["upper_bound"].as_f64().unwrap() > 20.0);
    }
    // A lower threshold hits more.
    assert!(rows[2]["hits"].as_u64() > rows[0]["hits"].as_u64());
    assert_eq!(json(&env, &args)["rows"], v["rows"], "same seed, same rows");
    let other = json(&env, &[&args[..], &["--seed", "8"][..]].concat());
    assert_ne!(other["rows"], v["rows"]);
    // Nothing was recorded.
    assert!(env.ok(&["bench", "runs"]).contains("no benchmark runs yet"));
}

#[test]
fn the_paraphrase_trace_replays_through_bench_cache() {
    let env = Env::new();
    let trace = env.dir.path().join("paraphrase.jsonl");
    let out = env.ok(&[
        "bench",
        "paraphrase",
        "--write-trace",
        trace.to_str().unwrap(),
    ]);
    assert!(out.contains("history"), "{out}");
    let text = std::fs::read_to_string(&trace).unwrap();
    assert!(text.lines().count() > 440);
    let v = json(
        &env,
        &[
            "bench",
            "cache",
            "--no-record",
            "--json",
            "--trace",
            trace.to_str().unwrap(),
            "--tiers",
            "1",
            "--no-warm",
        ],
    );
    assert!(
        v["runs"][0]["false_hits"].as_u64().is_some(),
        "intents known"
    );
}

#[test]
fn a_false_rate_bound_needs_labelled_requests_and_sane_values() {
    let env = Env::new();
    let trace = env.dir.path().join("unlabelled.jsonl");
    let lines: String = (0..200)
        .map(|i| {
            format!(
                "{{\"t\": {i}, \"prompt\": \"how do i sort list {}\"}}\n",
                i % 7
            )
        })
        .collect();
    std::fs::write(&trace, lines).unwrap();
    let err = env.fails(
        &[
            "bench",
            "cache",
            "--no-record",
            "--trace",
            trace.to_str().unwrap(),
            "--max-false-rate",
            "0.05",
        ],
        INPUT,
    );
    assert!(err.contains("intent"), "{err}");
    for bad in ["0", "1", "-0.1", "nan"] {
        let err = env.fails(
            &["bench", "cache", "--no-record", "--max-false-rate", bad],
            INPUT,
        );
        assert!(err.contains("--max-false-rate"), "{bad}: {err}");
    }
}

#[cfg(not(feature = "embedding"))]
#[test]
fn the_embedding_matcher_names_the_feature_it_needs() {
    let env = Env::new();
    for args in [
        &["bench", "cache", "--no-record", "--matcher", "embedding"][..],
        &["bench", "paraphrase", "--matcher", "embedding"][..],
    ] {
        let err = env.fails(args, INPUT);
        assert!(err.contains("--features embedding"), "{err}");
    }
}

/// A small Quora-style file: each question asked two ways (duplicates), and
/// the same question about another language (non-duplicates).
fn labelled_pairs() -> String {
    let mut text = String::from("id\tqid1\tqid2\tquestion1\tquestion2\tis_duplicate\n");
    let tasks = [
        "sort a list",
        "read a file",
        "parse json",
        "reverse a string",
        "open a socket",
        "sum an array",
        "split a string",
        "copy a directory",
    ];
    let langs = ["python", "ruby", "rust", "java", "go"];
    let mut id = 0;
    for task in tasks {
        for (i, lang) in langs.iter().enumerate() {
            let q = format!("How do I {task} in {lang}?");
            let dup = format!("What is the way to {task} in {lang}?");
            let other = format!("How do I {task} in {}?", langs[(i + 1) % langs.len()]);
            for (b, label) in [(dup, 1), (other, 0)] {
                text.push_str(&format!(
                    "{id}\t{}\t{}\t{q}\t{b}\t{label}\n",
                    2 * id,
                    2 * id + 1
                ));
                id += 1;
            }
        }
    }
    text
}

#[test]
fn a_teams_labelled_pairs_are_evaluated_with_their_non_duplicates_as_near_misses() {
    let env = Env::new();
    let file = env.dir.path().join("quora.tsv");
    std::fs::write(&file, labelled_pairs()).unwrap();
    let args = [
        "bench",
        "paraphrase",
        "--json",
        "--pairs",
        file.to_str().unwrap(),
        "--thresholds",
        "0.95,0.5",
    ];
    let v = json(&env, &args);
    assert_eq!(v["pairs"]["duplicates"], 40);
    assert_eq!(v["pairs"]["non_duplicates"], 40);
    // 40 questions, each with its duplicate: 40 intents; their non-duplicates
    // are each other's questions, so no near miss is added.
    assert_eq!(v["intents"], 40);
    assert_eq!(v["near_misses"], 0);
    assert!(v["workload"].as_str().unwrap().contains("quora.tsv"));
    let rows = v["rows"].as_array().unwrap();
    let low = &rows[1];
    let (false_hits, known) = (
        low["false_hits"].as_u64().unwrap(),
        low["known_false_hits"].as_u64().unwrap(),
    );
    // At 0.5 words alone serve one language's answer for another's question:
    // the labelled non-duplicates say so.
    assert!(known > 0 && known <= false_hits, "{low}");
    assert_eq!(
        json(&env, &args)["rows"],
        v["rows"],
        "same file and seed, same rows"
    );
    // The first 10 pairs only, with near misses asked for.
    let v = json(
        &env,
        &[&args[..], &["--limit", "10", "--near-misses", "0"][..]].concat(),
    );
    assert_eq!(v["pairs"]["duplicates"], 5);
    // The table names the file and says what it holds.
    let table = env.ok(&args[..2]
        .iter()
        .chain(&args[3..])
        .copied()
        .collect::<Vec<_>>());
    assert!(
        table.contains("40 duplicate and 40 non-duplicate pairs, 40 intents"),
        "{table}"
    );
    assert!(env.ok(&["bench", "runs"]).contains("no benchmark runs yet"));
}

#[test]
fn a_bad_pairs_file_is_refused_in_one_line() {
    let env = Env::new();
    let file = env.dir.path().join("pairs.tsv");
    std::fs::write(
        &file,
        "question1\tquestion2\tis_duplicate\nA?\tB?\tperhaps\n",
    )
    .unwrap();
    let path = file.to_str().unwrap();
    let err = env.fails(&["bench", "paraphrase", "--pairs", path], INPUT);
    assert!(
        err.contains("line 2") && err.contains("perhaps") && err.trim().lines().count() == 1,
        "{err}"
    );
    let err = env.fails(
        &["bench", "paraphrase", "--pairs", "/nonexistent/pairs.tsv"],
        INPUT,
    );
    assert!(err.contains("cannot read"), "{err}");
    // A FIFO (which would block) and a device without end are refused
    // before they are opened.
    let fifo = env.dir.path().join("pairs.fifo");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    for special in [fifo.to_str().unwrap(), "/dev/zero"] {
        let err = env.fails(&["bench", "paraphrase", "--pairs", special], INPUT);
        assert!(err.contains("is not a regular file"), "{err}");
    }
    for bad in ["0.7", "-0.1", "nan"] {
        let err = env.fails(&["bench", "paraphrase", "--near-misses", bad], INPUT);
        assert!(err.contains("--near-misses"), "{bad}: {err}");
    }
    // --limit needs a file.
    env.fails(&["bench", "paraphrase", "--limit", "5"], 2);
}

#[test]
fn quiet_benches_record_and_print_nothing() {
    let env = Env::new();
    assert_eq!(env.ok(&["bench", "routing", "--modelled", "-q"]), "");
    assert_eq!(
        env.ok(&["bench", "cache", "--requests", "400", "--quiet"]),
        ""
    );
    let runs = env.ok(&["bench", "runs", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&runs).unwrap();
    assert_eq!(v["runs"].as_array().unwrap().len(), 2, "{runs}");
    env.fails(&["bench", "routing", "--modelled", "-q", "--json"], 2);
    // Undo takes the cache run back; `log` says its readings no longer
    // count, as `metric` and `status` do.
    env.ok(&["undo", "-q"]);
    let log: serde_json::Value =
        serde_json::from_str(&env.ok(&["log", "--json", "--limit", "40"])).unwrap();
    let states: Vec<(&str, &str)> = log["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["event"]["source"] == "bench:cache")
        .map(|e| {
            (
                e["event"]["metric"].as_str().unwrap(),
                e["state"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(!states.is_empty());
    assert!(states.iter().all(|(_, s)| *s == "retracted"), "{states:?}");
}

#[test]
fn a_reference_reading_never_stands_for_the_teams_metric() {
    let env = Env::new();
    env.ok(&["metric", "cacheHitRate", "16.2", "--source", "ci"]);
    env.ok(&["complete", "1", "3", "Multi-tier cache"]);
    env.ok(&["bench", "cache", "--requests", "400", "-q"]);
    let r = env.report();
    let m = common::metric(&r, "cacheHitRate");
    // The team's ci reading stays the headline; the built-in workload's
    // reading is a series of its own, marked.
    assert_eq!(m["latest"]["source"], "ci", "{m}");
    assert_eq!(m["latest"]["reference"], false);
    let bench = m["series"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["source"] == "bench:cache")
        .expect("the bench series is shown");
    assert_eq!(bench["reference"], true);
    // No task's acceptance is decided by beast's reference workload.
    let c = r["completions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["title"] == "Multi-tier cache")
        .unwrap();
    assert_ne!(c["acceptance"]["source"], "bench:cache", "{c}");
    // A metric only beast's bench has measured: its reading is shown,
    // marked as the reference workload's.
    let s = common::metric(&r, "semanticHitRate");
    assert_eq!(s["latest"]["source"], "bench:cache");
    assert_eq!(s["latest"]["reference"], true);
    let status = env.ok(&["status"]);
    assert!(
        status.contains("(bench:cache ") && status.contains(", reference)"),
        "{status}"
    );
}

/// A RouterBench-format file: three models with scores and costs, and a
/// group per prompt; the cheap model is right on "easy" prompts only.
fn routerbench(rows: usize) -> (String, Vec<[f64; 3]>, Vec<[f64; 3]>) {
    let mut text = String::from(
        "sample_id,prompt,eval_name,cheap,mid,big,cheap|model_response,mid|model_response,big|model_response,\
         cheap|total_cost,mid|total_cost,big|total_cost,oracle_model_to_route_to\n",
    );
    let (mut scores, mut costs) = (Vec::new(), Vec::new());
    for i in 0..rows {
        let hard = i % 3 == 0;
        let topic = if hard { "integrals" } else { "capitals" };
        let score = [
            if hard { 0.0 } else { 1.0 },
            if hard || i % 5 == 0 { 0.0 } else { 1.0 },
            if i % 7 == 0 { 0.0 } else { 1.0 },
        ];
        let cost = [
            0.0001 * (1 + i % 3) as f64,
            0.001,
            0.01 + 0.0001 * (i % 4) as f64,
        ];
        text.push_str(&format!(
            "id{i},\"['question {i} about {topic}, please']\",{},{},{},{},a,b,c,{},{},{},cheap\n",
            if hard { "math" } else { "geo" },
            score[0],
            score[1],
            score[2],
            cost[0],
            cost[1],
            cost[2]
        ));
        scores.push(score);
        costs.push(cost);
    }
    (text, scores, costs)
}

#[test]
fn routerbench_models_are_the_files_columns_and_routers_pay_in_dollars() {
    let env = Env::new();
    let (text, scores, costs) = routerbench(300);
    let file = env.dir.path().join("routerbench.csv");
    std::fs::write(&file, text).unwrap();
    let v = json(
        &env,
        &[
            "bench",
            "routing",
            "--outcomes",
            file.to_str().unwrap(),
            "--json",
            "--no-record",
        ],
    );
    assert_eq!(v["dataset"]["prompts"], 300);
    assert_eq!(
        v["dataset"]["models"],
        serde_json::json!(["cheap", "mid", "big"])
    );
    // The cheapest model is routed from, the most accurate other to.
    assert_eq!(v["dataset"]["weak"], "cheap");
    assert_eq!(v["dataset"]["strong"], "big");
    for (m, model) in v["models"].as_array().unwrap().iter().enumerate() {
        let accuracy = scores.iter().map(|s| s[m]).sum::<f64>() / 300.0;
        let cost: f64 = costs.iter().map(|c| c[m]).sum();
        assert!(
            (model["accuracy"].as_f64().unwrap() - accuracy).abs() < 1e-9,
            "{model}"
        );
        assert!(
            (model["cost"].as_f64().unwrap() - cost).abs() < 1e-9,
            "{model}"
        );
    }
    let routers = v["routers"].as_array().unwrap();
    let by = |name: &str| routers.iter().find(|r| r["name"] == name).unwrap().clone();
    for r in routers {
        for k in ["name", "apgr", "cpt_50", "cpt_80", "accuracy", "cost"] {
            assert!(r.get(k).is_some(), "{r} lacks {k}");
        }
    }
    // The group (eval_name) tells the hard prompts apart: the learned
    // router recovers most of the gap, a random one about half.
    assert!(
        by("learned")["apgr"].as_f64().unwrap() > 0.8,
        "{}",
        by("learned")
    );
    let random = by("random")["apgr"].as_f64().unwrap();
    assert!((0.3..0.7).contains(&random), "{random}");
    // Costs are dollars per prompt: between the cheap and the big model's.
    let per = |name: &str| by(name)["cost"].as_f64().unwrap();
    assert!(per("cheap only") < per("learned") && per("learned") < per("big only"));
    assert!(by("mid only")["apgr"].is_null());
}

#[test]
fn recorded_routing_scores_routers_on_unseen_mmlu_prompts_and_records_the_learned_one() {
    let env = Env::new();
    let v = json(&env, &["bench", "routing", "--splits", "1", "--json"]);
    assert_eq!(v["dataset"]["name"], "RouteLLM MMLU (built in)");
    assert_eq!(v["dataset"]["prompts"], 14_037);
    assert_eq!(v["dataset"]["excluded_contaminated"], 5);
    let names: Vec<&str> = v["routers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "random",
            "mistralai/Mixtral-8x7B-Instruct-v0.1 only",
            "gpt-4-1106-preview only",
            "oracle",
            "group",
            "neighbours",
            "length",
            "learned"
        ]
    );
    let r = |i: usize, k: &str| v["routers"][i][k].as_f64().unwrap();
    assert!(
        (0.4..0.6).contains(&r(0, "apgr")),
        "random {}",
        r(0, "apgr")
    );
    assert!(r(7, "apgr") > 0.6, "learned {}", r(7, "apgr"));
    assert!(r(3, "cpt_80") < 0.2, "oracle {}", r(3, "cpt_80"));
    assert_eq!(
        v["train_prompts"].as_u64().unwrap() + v["test_prompts"].as_u64().unwrap(),
        14_037
    );
    // The learned router's figures are the readings, naming the data.
    let report = env.report();
    let acc = metric(&report, "selectionAccuracy");
    assert!((acc["latest"]["value"].as_f64().unwrap() - r(7, "right_model") * 100.0).abs() < 1e-9);
    assert!(
        acc["latest"]["note"]
            .as_str()
            .unwrap()
            .contains("RouteLLM MMLU"),
        "{}",
        acc["latest"]["note"]
    );
    // beast's own benchmark on public data is a reference reading, never
    // the team's measurement.
    assert_eq!(acc["latest"]["reference"], true, "{}", acc["latest"]);
    assert_eq!(acc["latest"]["run"]["workload"], "built-in (RouteLLM MMLU)");
    let savings = metric(&report, "costSavings")["latest"]["value"]
        .as_f64()
        .unwrap();
    assert!((savings - (1.0 - r(7, "strong_share")) * 100.0).abs() < 1e-9);
}

#[test]
fn bad_outcome_files_are_one_line_errors() {
    let env = Env::new();
    let write = |name: &str, text: &str| {
        let p = env.dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p.to_str().unwrap().to_string()
    };
    let cases = [
        ("a.csv", "prompt,weak,strong\nq,True,maybe\n", "line 2"),
        (
            "b.csv",
            "question,weak,strong\nq,True,False\n",
            "no prompt column",
        ),
        ("c.csv", "", "is empty"),
    ];
    for (name, text, words) in cases {
        let p = write(name, text);
        let e = env.fails(
            &["bench", "routing", "--no-record", "--outcomes", &p],
            INPUT,
        );
        assert!(
            e.contains(words) && e.contains(name) && e.trim().lines().count() == 1,
            "{e}"
        );
    }
    let mut ok = String::from("prompt,weak,strong\n");
    for i in 0..40 {
        ok.push_str(&format!(
            "q{i},{},True\n",
            if i % 2 == 0 { "True" } else { "False" }
        ));
    }
    let p = write("ok.csv", &ok);
    let e = env.fails(
        &[
            "bench",
            "routing",
            "--no-record",
            "--outcomes",
            &p,
            "--weak",
            "gpt-5",
        ],
        INPUT,
    );
    assert!(
        e.contains("--weak gpt-5 is not a model") && e.contains("weak, strong"),
        "{e}"
    );
    let few = write("few.csv", "prompt,weak,strong\nq,True,True\n");
    let e = env.fails(
        &["bench", "routing", "--no-record", "--outcomes", &few],
        INPUT,
    );
    assert!(e.contains("at least 20"), "{e}");
    let ex = write("ex.jsonl", "{\"train_prompt\": \"x\"}\n");
    let e = env.fails(
        &[
            "bench",
            "routing",
            "--no-record",
            "--outcomes",
            &p,
            "--exclude",
            &ex,
        ],
        INPUT,
    );
    assert!(
        e.contains("ex.jsonl: line 1") && e.contains("eval_prompt"),
        "{e}"
    );
    // --outcomes and --modelled are different runs.
    env.fails(&["bench", "routing", "--outcomes", &p, "--modelled"], 2);
}
