//! The cache benchmark's request stream: generated from `data/workload.toml`
//! and a seed, or read from a user's JSON-lines trace.

use std::collections::{BTreeMap, HashSet};

use anyhow::Result;
use serde::Deserialize;

use super::rng::{Rng, Weighted};
use crate::error;

/// The workload description shipped in `data/workload.toml`.
pub const BUILT_IN: &str = include_str!("../../data/workload.toml");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    pub requests: usize,
    pub intents: usize,
    pub zipf_exponent: f64,
    pub hours: f64,
    pub near_miss_share: f64,
    pub unique_share: f64,
    pub noise_share: f64,
    pub history_share: f64,
    pub warm_top: usize,
    pub warm_every_hours: f64,
    pub tokens_min: f64,
    pub tokens_mean_extra: f64,
    pub l1_capacity: usize,
    pub slots: BTreeMap<String, Vec<String>>,
    pub files: Files,
    pub family: Vec<Family>,
    pub unique: Vec<Unique>,
}

/// File paths are generated as every directory × name combination.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Files {
    pub dirs: Vec<String>,
    pub names: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Unique {
    pub template: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Family {
    pub name: String,
    pub decisive: Vec<String>,
    pub paraphrases: Vec<String>,
}

impl Spec {
    pub fn built_in() -> Spec {
        let mut spec: Spec =
            toml::from_str(BUILT_IN).expect("data/workload.toml is valid (checked by a test)");
        let files = spec
            .files
            .dirs
            .iter()
            .flat_map(|d| spec.files.names.iter().map(move |n| format!("{d}/{n}")));
        let list = spec.slots.entry("file".into()).or_default();
        list.extend(files);
        spec
    }

    /// Mean tokens per request, used for traces that do not give them.
    pub fn mean_tokens(&self) -> u32 {
        (self.tokens_min + self.tokens_mean_extra).round() as u32
    }
}

/// One request of the stream.
#[derive(Debug, Clone, PartialEq)]
pub struct TraceRequest {
    /// Seconds since the start of the stream.
    pub t: f64,
    pub prompt: String,
    /// Interned intent, when known; false hits are counted only with intents.
    pub intent: Option<u32>,
    pub tokens: u32,
}

/// A stream split into the history (fits the vectoriser, picks warming
/// targets) and the measured window.
#[derive(Debug, Clone)]
pub struct Workload {
    /// What it is, for the stored run: "built-in (seed 7)" or "trace FILE".
    pub description: String,
    pub history: Vec<TraceRequest>,
    pub window: Vec<TraceRequest>,
    pub intents_known: bool,
}

impl Workload {
    pub fn split(
        description: String,
        mut requests: Vec<TraceRequest>,
        history_share: f64,
        intents_known: bool,
    ) -> Workload {
        let cut = ((requests.len() as f64) * history_share).round() as usize;
        let window = requests.split_off(cut.min(requests.len()));
        Workload {
            description,
            history: requests,
            window,
            intents_known,
        }
    }
}

/// The `{slot}` names used by a paraphrase template.
fn placeholders(template: &str) -> Vec<&str> {
    template
        .split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .collect()
}

fn fill(template: &str, values: &BTreeMap<&str, &str>) -> String {
    let mut out = template.to_string();
    for (name, value) in values {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

/// Surface noise that exact matching must not care about (case, spaces) or
/// that only semantic matching can see through (a polite prefix).
fn add_noise(prompt: &str, rng: &mut Rng) -> String {
    match rng.below(5) {
        0 => {
            let mut c = prompt.chars();
            c.next().map_or(String::new(), |f| {
                f.to_uppercase().collect::<String>() + c.as_str()
            })
        }
        1 => prompt.replacen(' ', "  ", 2),
        2 => format!("please {prompt}"),
        3 => format!("can you {prompt}"),
        _ => format!("{prompt}?"),
    }
}

/// A time in the stream; fewer requests at night (a night-time draw is
/// accepted a third of the time).
fn draw_time(rng: &mut Rng, span: f64) -> f64 {
    loop {
        let t = rng.unit() * span;
        let hour = (t / 3600.0) % 24.0;
        if (8.0..20.0).contains(&hour) || rng.chance(0.35) {
            return t;
        }
    }
}

fn draw_tokens(rng: &mut Rng, spec: &Spec) -> u32 {
    (spec.tokens_min + rng.exponential(spec.tokens_mean_extra)).min(8000.0) as u32
}

/// Generates the built-in stream. Same spec and seed, same stream.
pub fn generate(spec: &Spec, seed: u64) -> Workload {
    let mut rng = Rng::derive(seed, 0xCAC4E);
    let mut interned: BTreeMap<String, u32> = BTreeMap::new();
    let mut intern = |key: String| -> u32 {
        let next = interned.len() as u32;
        *interned.entry(key).or_insert(next)
    };
    // Draw distinct intents: a family and a value for each of its slots.
    struct Intent {
        family: usize,
        values: BTreeMap<String, String>,
        id: u32,
    }
    let key_of = |family: usize, values: &BTreeMap<String, String>| {
        let parts: Vec<String> = values.iter().map(|(k, v)| format!("{k}={v}")).collect();
        format!("{}|{}", spec.family[family].name, parts.join("|"))
    };
    let mut seen = HashSet::new();
    let mut intents: Vec<Intent> = Vec::new();
    let mut attempts = 0;
    while intents.len() < spec.intents && attempts < spec.intents * 50 {
        attempts += 1;
        let family = rng.below(spec.family.len());
        let mut values = BTreeMap::new();
        for name in placeholders(&spec.family[family].paraphrases[0]) {
            let options = &spec.slots[name];
            values.insert(name.to_string(), rng.pick(options).clone());
        }
        let key = key_of(family, &values);
        if seen.insert(key.clone()) {
            intents.push(Intent {
                family,
                values,
                id: intern(key),
            });
        }
    }
    let popularity = Weighted::zipf(intents.len(), spec.zipf_exponent);
    let popular = Weighted::zipf(intents.len().min(50), spec.zipf_exponent);
    let span = spec.hours * 3600.0;
    let mut requests = Vec::with_capacity(spec.requests);
    let mut unique_count = 0u32;
    for _ in 0..spec.requests {
        if !spec.unique.is_empty() && rng.chance(spec.unique_share) {
            // A one-off: its own intent, never asked again.
            let template = &rng.pick(&spec.unique).template;
            let n = 1000 + rng.below(90_000);
            let hex = format!("{:07x}", rng.next_u64() & 0xFFF_FFFF);
            let file = rng.pick(&spec.slots["file"]).clone();
            let prompt = template
                .replace("{n}", &n.to_string())
                .replace("{hex}", &hex)
                .replace("{file}", &file);
            unique_count += 1;
            let id = intern(format!("unique|{unique_count}"));
            requests.push(TraceRequest {
                t: draw_time(&mut rng, span),
                prompt,
                intent: Some(id),
                tokens: draw_tokens(&mut rng, spec),
            });
            continue;
        }
        let near_miss = rng.chance(spec.near_miss_share);
        let base = &intents[if near_miss {
            popular.draw(&mut rng)
        } else {
            popularity.draw(&mut rng)
        }];
        let family = &spec.family[base.family];
        let mut values = base.values.clone();
        let mut id = base.id;
        let paraphrase = if near_miss {
            // The popular prompt with one decisive word swapped: another intent.
            let slot = rng.pick(&family.decisive).clone();
            let options = &spec.slots[&slot];
            let current = values[&slot].clone();
            let other = options
                .iter()
                .filter(|v| **v != current)
                .nth(rng.below(options.len() - 1));
            if let Some(other) = other {
                values.insert(slot, other.clone());
                id = intern(key_of(base.family, &values));
            }
            0
        } else if rng.chance(0.5) {
            0
        } else {
            rng.below(family.paraphrases.len())
        };
        let slots: BTreeMap<&str, &str> = values
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let mut prompt = fill(&family.paraphrases[paraphrase], &slots);
        if rng.chance(spec.noise_share) {
            prompt = add_noise(&prompt, &mut rng);
        }
        requests.push(TraceRequest {
            t: draw_time(&mut rng, span),
            prompt,
            intent: Some(id),
            tokens: draw_tokens(&mut rng, spec),
        });
    }
    requests.sort_by(|a, b| a.t.total_cmp(&b.t));
    Workload::split(
        format!("built-in (seed {seed})"),
        requests,
        spec.history_share,
        true,
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TraceLine {
    t: f64,
    prompt: String,
    intent: Option<String>,
    tokens: Option<u32>,
}

/// Reads a JSON-lines trace: `{"t": <seconds>, "prompt": "…", "intent": "…"}`
/// (`intent` and `tokens` optional). Errors name the line.
pub fn parse_trace(name: &str, text: &str, spec: &Spec) -> Result<Workload> {
    let mut interned: BTreeMap<String, u32> = BTreeMap::new();
    let mut requests = Vec::new();
    let mut with_intent = 0usize;
    // The first line with an intent and the first without, to name them.
    let (mut first_with, mut first_without): (Option<usize>, Option<usize>) = (None, None);
    let mut last_t = f64::NEG_INFINITY;
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        let parsed: TraceLine = match serde_json::from_str(line) {
            Ok(p) => p,
            Err(e) => {
                return error::input(format!(
                    "{name}:{n}: {e}; each line must be {{\"t\": <seconds>, \"prompt\": \"…\", \"intent\": \"…\"}}"
                ))
            }
        };
        if !parsed.t.is_finite() || parsed.t < 0.0 {
            return error::input(format!(
                "{name}:{n}: t must be a non-negative number of seconds"
            ));
        }
        if parsed.t < last_t {
            return error::input(format!(
                "{name}:{n}: t {} is earlier than the line before ({last_t}); sort the trace by time",
                parsed.t
            ));
        }
        last_t = parsed.t;
        if parsed.prompt.trim().is_empty() {
            return error::input(format!("{name}:{n}: prompt is empty"));
        }
        if parsed.intent.is_some() {
            first_with.get_or_insert(n);
        } else {
            first_without.get_or_insert(n);
        }
        let intent = parsed.intent.map(|key| {
            with_intent += 1;
            let next = interned.len() as u32;
            *interned.entry(key).or_insert(next)
        });
        requests.push(TraceRequest {
            t: parsed.t,
            prompt: parsed.prompt,
            intent,
            tokens: parsed.tokens.unwrap_or_else(|| spec.mean_tokens()),
        });
    }
    if requests.len() < 2 {
        return error::input(format!("{name}: the trace needs at least two requests"));
    }
    if let (Some(with), Some(without)) = (first_with, first_without) {
        return error::input(format!(
            "{name}:{without}: no \"intent\", but line {with} has one ({with_intent} of {} lines do); give it on every line or on none",
            requests.len()
        ));
    }
    let known = with_intent == requests.len();
    Ok(Workload::split(
        format!("trace {name}"),
        requests,
        spec.history_share,
        known,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_spec_parses() {
        let spec = Spec::built_in();
        assert_eq!(spec.requests, 40_000);
        for f in &spec.family {
            for p in &f.paraphrases {
                for name in placeholders(p) {
                    assert!(
                        spec.slots.contains_key(name),
                        "{}: unknown slot {name}",
                        f.name
                    );
                }
            }
            for d in &f.decisive {
                assert!(
                    placeholders(&f.paraphrases[0]).contains(&d.as_str()),
                    "{}: {d}",
                    f.name
                );
            }
        }
    }

    #[test]
    fn generation_is_deterministic_per_seed() {
        let mut spec = Spec::built_in();
        spec.requests = 3000;
        let a = generate(&spec, 7);
        let b = generate(&spec, 7);
        let c = generate(&spec, 8);
        assert_eq!(a.window, b.window);
        assert_ne!(a.window, c.window);
        assert_eq!(a.history.len() + a.window.len(), 3000);
        assert!(a.window.windows(2).all(|w| w[0].t <= w[1].t));
        assert!(a.window.last().unwrap().t <= spec.hours * 3600.0);
    }

    #[test]
    fn the_stream_has_popular_intents_and_paraphrases() {
        let mut spec = Spec::built_in();
        spec.requests = 10_000;
        let w = generate(&spec, 7);
        let mut per_intent: BTreeMap<u32, HashSet<String>> = BTreeMap::new();
        for r in w.history.iter().chain(&w.window) {
            per_intent
                .entry(r.intent.unwrap())
                .or_default()
                .insert(r.prompt.clone());
        }
        let max_forms = per_intent.values().map(HashSet::len).max().unwrap();
        assert!(max_forms >= 4, "popular intents come in several phrasings");
        let counts: Vec<usize> = {
            let mut c: BTreeMap<u32, usize> = BTreeMap::new();
            for r in w.history.iter().chain(&w.window) {
                *c.entry(r.intent.unwrap()).or_default() += 1;
            }
            let mut v: Vec<usize> = c.into_values().collect();
            v.sort_unstable_by(|a, b| b.cmp(a));
            v
        };
        assert!(
            counts[0] > 20 * counts[counts.len() / 2],
            "Zipf-like: {:?}",
            &counts[..5]
        );
    }

    #[test]
    fn traces_parse_and_errors_name_the_line() {
        let spec = Spec::built_in();
        let ok = "{\"t\": 0, \"prompt\": \"a\", \"intent\": \"x\"}\n\n{\"t\": 5, \"prompt\": \"b\", \"intent\": \"y\"}\n";
        let w = parse_trace("t.jsonl", ok, &spec).unwrap();
        assert!(w.intents_known);
        assert_eq!(w.history.len() + w.window.len(), 2);
        let no_intent = "{\"t\": 0, \"prompt\": \"a\"}\n{\"t\": 1, \"prompt\": \"b\"}\n";
        assert!(
            !parse_trace("t.jsonl", no_intent, &spec)
                .unwrap()
                .intents_known
        );
        let e = parse_trace(
            "t.jsonl",
            "{\"t\": 0, \"prompt\": \"a\"}\n{\"t\": 1}\n",
            &spec,
        )
        .unwrap_err()
        .to_string();
        assert!(e.starts_with("t.jsonl:2: missing field `prompt`"), "{e}");
        let e = parse_trace(
            "t.jsonl",
            "{\"t\": 5, \"prompt\": \"a\"}\n{\"t\": 1, \"prompt\": \"b\"}\n",
            &spec,
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("t.jsonl:2: t 1 is earlier"), "{e}");
        let e = parse_trace("t.jsonl", "not json\n", &spec)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("t.jsonl:1: "), "{e}");
        let e = parse_trace(
            "t.jsonl",
            "{\"t\": 0, \"prompt\": \"a\", \"intent\": \"x\"}\n{\"t\": 1, \"prompt\": \"b\"}\n",
            &spec,
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.starts_with("t.jsonl:2: no \"intent\", but line 1 has one (1 of 2 lines do)"),
            "{e}"
        );
    }
}
