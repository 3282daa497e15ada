//! The sentence-embedding matcher against the real model: the forward pass
//! matches an independent NumPy computation (tests/fixtures/minilm-reference.json,
//! made by scripts/reference-embeddings.py), a paraphrase scores above a
//! one-word near miss, batches change nothing, and broken model directories
//! give one-line errors.
//!
//! These tests need the `embedding` feature and the downloaded weights
//! (`scripts/fetch-model`, or BEAST_TEST_MODEL=DIR). Without the weights they
//! say so and pass, unless BEAST_REQUIRE_MODEL is set — as CI sets it, after
//! fetching the model, so there they always run.
#![cfg(feature = "embedding")]

mod common;

use std::path::{Path, PathBuf};

use beast::bench::bert::Encoder;
use beast::bench::matcher::Embedder;
use serde_json::Value;

fn model_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("BEAST_TEST_MODEL")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("models/all-MiniLM-L6-v2"));
    if dir.join("model.safetensors").is_file() {
        return Some(dir);
    }
    assert!(
        std::env::var_os("BEAST_REQUIRE_MODEL").is_none(),
        "{}: the model is missing and BEAST_REQUIRE_MODEL is set; run scripts/fetch-model",
        dir.display()
    );
    eprintln!(
        "skipped: needs the model weights in {} (scripts/fetch-model)",
        dir.display()
    );
    None
}

fn encoder() -> Option<Encoder> {
    model_dir().map(|d| Encoder::load(&d).expect("the model loads"))
}

fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// One sentence of the NumPy reference: its text, token ids and embedding.
struct Reference {
    text: String,
    ids: Vec<u32>,
    embedding: Vec<f32>,
}

/// The reference fixture's cases and its tolerance.
fn reference() -> (Vec<Reference>, f32) {
    let fixture: Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/minilm-reference.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let numbers = |v: &Value| -> Vec<f64> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect()
    };
    let cases = fixture["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| Reference {
            text: c["text"].as_str().unwrap().to_string(),
            ids: numbers(&c["ids"]).into_iter().map(|i| i as u32).collect(),
            embedding: numbers(&c["embedding"])
                .into_iter()
                .map(|x| x as f32)
                .collect(),
        })
        .collect();
    (cases, fixture["tolerance"].as_f64().unwrap() as f32)
}

fn largest_difference(a: &[f32], b: &[f32]) -> f32 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0f32, f32::max)
}

#[test]
fn the_forward_pass_matches_the_numpy_reference() {
    let Some(enc) = encoder() else { return };
    let (cases, tolerance) = reference();
    assert!(cases.len() >= 5);
    let texts: Vec<&str> = cases.iter().map(|c| c.text.as_str()).collect();
    let got = enc.embed(&texts).unwrap();
    for (case, v) in cases.iter().zip(&got) {
        let text = &case.text;
        assert_eq!(enc.tokens(text).unwrap(), case.ids, "tokens of {text:?}");
        assert_eq!(v.len(), 384);
        let worst = largest_difference(v, &case.embedding);
        assert!(
            worst <= tolerance,
            "{text:?}: largest difference {worst} > {tolerance}"
        );
        assert!((dot(v, v) - 1.0).abs() < 1e-4, "unit length");
    }
}

#[test]
fn a_paraphrase_scores_above_a_one_word_near_miss() {
    let Some(enc) = encoder() else { return };
    let pairs = [
        (
            "How do I reset my password?",
            "What is the way to change my password?",
            "How do I reset my router?",
        ),
        (
            "How can I learn Python quickly?",
            "What is the fastest way to learn Python?",
            "How can I learn Java quickly?",
        ),
        (
            "What is the capital of France?",
            "Which city is the capital of France?",
            "What is the capital of Germany?",
        ),
    ];
    for (q, paraphrase, near_miss) in pairs {
        let v = enc.embed(&[q, paraphrase, near_miss]).unwrap();
        let (p, n) = (dot(&v[0], &v[1]), dot(&v[0], &v[2]));
        assert!(p > n, "{q:?}: paraphrase {p} vs near miss {n}");
    }
}

#[test]
fn a_prompt_embeds_the_same_alone_and_in_a_batch() {
    let Some(enc) = encoder() else { return };
    let prompts = [
        "how do i sort a list in python",
        "how do i sort a list in ruby",
        "write tests for src/main.rs",
        "how do i sort a list in python",
        "a",
    ];
    let together = enc.embed(&prompts).unwrap();
    for (p, v) in prompts.iter().zip(&together) {
        let alone = enc.embed(&[p]).unwrap().remove(0);
        let worst = largest_difference(&alone, v);
        assert!(worst < 1e-5, "{p:?}: {worst}");
    }
    assert_eq!(together[0], together[3], "deterministic");
}

/// The model with int8 arithmetic, when the model is here and the CPU has
/// AVX-512 VNNI (else the test says why it is skipped).
fn int8_encoder() -> Option<Encoder> {
    let dir = model_dir()?;
    if !beast::bench::int8::available() {
        eprintln!("skipped: this CPU has no AVX-512 VNNI");
        return None;
    }
    Some(Encoder::load_with(&dir, beast::bench::matcher::Precision::Int8).unwrap())
}

/// The int8 pass shares a run's batches out among the cores: each prompt's
/// vector is exactly the one it gets alone, whichever thread computed it.
#[test]
fn int8_batches_on_every_core_give_each_prompt_its_own_vector() {
    let Some(enc) = int8_encoder() else { return };
    // Many lengths, so that there are many batches to share.
    let prompts: Vec<String> = (0..24)
        .map(|i| {
            format!(
                "how do i {} a list{}",
                ["sort", "reverse", "filter"][i % 3],
                " of numbers".repeat(i % 7)
            )
        })
        .collect();
    let refs: Vec<&str> = prompts.iter().map(String::as_str).collect();
    let together = enc.embed(&refs).unwrap();
    for (p, v) in refs.iter().zip(&together) {
        assert_eq!(&enc.embed(&[p]).unwrap()[0], v, "{p:?}");
    }
}

/// A model directory whose files link to the real ones, with `config.json`
/// replaced.
fn broken_model(config: impl FnOnce(&mut Value)) -> Option<(tempfile::TempDir, PathBuf)> {
    let real = model_dir()?;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("model");
    std::fs::create_dir(&dir).unwrap();
    for f in ["tokenizer.json", "model.safetensors"] {
        std::os::unix::fs::symlink(real.join(f), dir.join(f)).unwrap();
    }
    let mut c: Value =
        serde_json::from_str(&std::fs::read_to_string(real.join("config.json")).unwrap()).unwrap();
    config(&mut c);
    std::fs::write(dir.join("config.json"), c.to_string()).unwrap();
    Some((tmp, dir))
}

fn load_error(dir: &Path) -> String {
    let err = Encoder::load(dir).err().expect("loading fails").to_string();
    assert!(!err.contains('\n'), "one line: {err}");
    err
}

#[test]
fn broken_model_directories_give_one_line_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("nothing-here");
    assert!(load_error(&missing).contains("no such model directory"));
    // A directory without the files.
    assert!(load_error(tmp.path()).contains("config.json: no such file"));
    let Some((_t, dir)) = broken_model(|c| c["model_type"] = "gpt2".into()) else {
        return;
    };
    let err = load_error(&dir);
    assert!(err.contains("model_type is `gpt2`"), "{err}");
    let (_t, dir) = broken_model(|c| c["intermediate_size"] = 1000.into()).unwrap();
    let err = load_error(&dir);
    assert!(
        err.contains("intermediate.dense.weight") && err.contains("[1536, 384]"),
        "{err}"
    );
    let (_t, dir) = broken_model(|c| {
        c.as_object_mut().unwrap().remove("hidden_size");
    })
    .unwrap();
    assert!(load_error(&dir).contains("not a BERT config"));
    let (_t, dir) = broken_model(|_| {}).unwrap();
    std::fs::remove_file(dir.join("tokenizer.json")).unwrap();
    assert!(load_error(&dir).contains("tokenizer.json: no such file"));
    std::fs::write(dir.join("tokenizer.json"), "{").unwrap();
    assert!(load_error(&dir).contains("tokenizer.json"));
}

/// The paraphrase evaluation through the binary: the embedding matcher finds
/// several times the correct hits TF-IDF finds at the same threshold, and the
/// rows are a function of the seed.
#[test]
fn embeddings_find_the_paraphrases_tf_idf_misses() {
    let Some(dir) = model_dir() else { return };
    let model = dir.to_str().expect("a UTF-8 model path");
    let run = || -> Value {
        let out = common::Env::new().ok(&[
            "bench",
            "paraphrase",
            "--json",
            "--matcher",
            "tfidf,embedding",
            "--thresholds",
            "0.9",
            "--precision",
            "f32",
            "--model",
            model,
        ]);
        serde_json::from_str(&out).unwrap()
    };
    let v = run();
    let rows = v["rows"].as_array().unwrap();
    let correct = |m: &str| {
        rows.iter().find(|r| r["matcher"] == m).unwrap()["correct_hits"]
            .as_u64()
            .unwrap()
    };
    assert!(
        correct("embedding") > 5 * correct("tfidf").max(1),
        "embedding {} vs tfidf {}",
        correct("embedding"),
        correct("tfidf")
    );
    assert_eq!(run()["rows"], v["rows"], "deterministic per seed");
}

/// `--precision int8`: the vectors stay within cosine 0.99 of the NumPy
/// reference, and a paraphrase still beats a near miss.
#[test]
fn int8_embeddings_stay_close_to_the_reference() {
    let Some(enc) = int8_encoder() else { return };
    for case in reference().0 {
        let got = enc.embed(&[&case.text]).unwrap().remove(0);
        let cosine = dot(&got, &case.embedding);
        assert!(cosine > 0.99, "{:?}: cosine {cosine}", case.text);
        assert!((dot(&got, &got) - 1.0).abs() < 1e-4, "unit length");
    }
    let v = enc
        .embed(&[
            "How do I reset my password?",
            "What is the way to change my password?",
            "How do I reset my router?",
        ])
        .unwrap();
    assert!(dot(&v[0], &v[1]) > dot(&v[0], &v[2]));
}

/// `bench cache --matcher embedding` holds false hits to its default bound
/// (10 %) with no flag: every semantic configuration learns its threshold,
/// and a fixed `--threshold` turns the bound off. (`--precision f32` in
/// these binary runs: a test build runs the int8 pass unoptimised.)
#[test]
fn the_embedding_cache_is_accuracy_controlled_by_default() {
    let Some(dir) = model_dir() else { return };
    let model = dir.to_str().expect("a UTF-8 model path");
    let env = common::Env::new();
    let run = |requests: &str, more: &[&str]| -> Value {
        let mut args = vec![
            "bench",
            "cache",
            "--matcher",
            "embedding",
            "--model",
            model,
            "--precision",
            "f32",
            "--requests",
            requests,
            "--json",
            "--no-record",
        ];
        args.extend(more);
        serde_json::from_str(&env.ok(&args)).unwrap()
    };
    let v = run("1500", &[]);
    let runs = v["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 4);
    for r in runs.iter().filter(|r| r["config"]["semantic"] == true) {
        assert_eq!(r["config"]["max_false_rate"], 0.1, "{}", r["config"]);
        assert!(r["calibration"]["pairs"].as_u64().unwrap() > 0, "{r}");
        assert!(r["false_hit_pct"].as_f64().unwrap() <= 10.0, "{r}");
    }
    let v = run("500", &["--threshold", "0.9"]);
    let run = &v["runs"][0];
    assert!(
        run["config"].get("max_false_rate").is_none(),
        "{}",
        run["config"]
    );
    assert!(run["calibration"].is_null(), "{run}");
}

/// A trace without intents cannot teach a bound: the embedding matcher runs
/// at its fixed threshold and the note says so.
#[test]
fn without_intents_the_embedding_cache_says_its_accuracy_is_not_known() {
    let Some(dir) = model_dir() else { return };
    let env = common::Env::new();
    let trace = env.dir.path().join("trace.jsonl");
    let lines: String = (0..200)
        .map(|i| {
            let p = [
                "how do i sort a list in python",
                "how can i sort a python list",
            ][i % 2];
            format!("{{\"t\": {}, \"prompt\": \"{p}\"}}\n", i * 10)
        })
        .collect();
    std::fs::write(&trace, lines).unwrap();
    let out = env.ok(&[
        "bench",
        "cache",
        "--matcher",
        "embedding",
        "--model",
        dir.to_str().unwrap(),
        "--precision",
        "f32",
        "--trace",
        trace.to_str().unwrap(),
        "--no-record",
    ]);
    assert!(
        out.contains("the trace has no intents, so the embedding matcher's accuracy bound cannot be learned: it ran at the fixed threshold 0.9"),
        "{out}"
    );
}
