//! The routing selectors: provider-only (the cost baseline), the rule-based
//! context-aware selector of the seeds, and a naive Bayes selector learned
//! from the training rows.

use rustc_hash::{FxHashMap, FxHashSet};

use super::{Features, RoutingRequest, LANGUAGES};
use crate::bench::models::{category_index, Fleet};
use crate::bench::text::fnv1a;

/// Picks a model for a request.
pub trait Selector {
    fn name(&self) -> &'static str;
    fn select(&self, f: Features) -> usize;
}

/// Sends everything to the default provider model: the cost baseline.
pub struct ProviderOnly {
    model: usize,
}

impl ProviderOnly {
    pub fn new(fleet: &Fleet) -> ProviderOnly {
        ProviderOnly {
            model: fleet.default_model,
        }
    }
}

impl Selector for ProviderOnly {
    fn name(&self) -> &'static str {
        "provider-only"
    }
    fn select(&self, _: Features) -> usize {
        self.model
    }
}

/// The language a path's extension or a code snippet gives away.
pub fn detect_language(path: Option<&str>, code: Option<&str>) -> Option<&'static str> {
    if let Some(ext) = path.and_then(|p| p.rsplit_once('.')).map(|(_, e)| e) {
        let by_ext = match ext {
            "ts" | "tsx" => Some("typescript"),
            "js" | "jsx" | "mjs" | "cjs" => Some("javascript"),
            "py" => Some("python"),
            "java" => Some("java"),
            "go" => Some("go"),
            "rs" => Some("rust"),
            _ => None,
        };
        if by_ext.is_some() {
            return by_ext;
        }
    }
    let code = code?;
    if code.contains("fn ")
        && (code.contains("->") || code.contains("let ") || code.contains("&str"))
    {
        Some("rust")
    } else if code.contains("func ") {
        Some("go")
    } else if code.contains("def ") {
        Some("python")
    } else if code.contains("public class") || code.contains("private final") {
        Some("java")
    } else if code.contains(": string") || code.contains(": number") || code.contains("interface ")
    {
        Some("typescript")
    } else if code.contains("const ") || code.contains("=>") || code.contains("function") {
        Some("javascript")
    } else {
        None
    }
}

/// The seeds' context-aware selector: the declared task's model, else the
/// language model the path or code points to, else the default model.
pub struct RuleBased {
    task_models: [usize; 6],
    language_models: Vec<(&'static str, usize)>,
    default: usize,
}

impl RuleBased {
    pub fn new(fleet: &Fleet) -> RuleBased {
        let mut task_models = [fleet.default_model; 6];
        for (c, slot) in task_models.iter_mut().enumerate() {
            if let Some(m) = fleet.task_model(c) {
                *slot = m;
            }
        }
        RuleBased {
            task_models,
            language_models: LANGUAGES
                .iter()
                .filter_map(|l| fleet.language_model(l).map(|m| (*l, m)))
                .collect(),
            default: fleet.default_model,
        }
    }
}

impl Selector for RuleBased {
    fn name(&self) -> &'static str {
        "rule-based"
    }
    fn select(&self, f: Features) -> usize {
        if let Some(c) = f.declared_task.and_then(category_index) {
            return self.task_models[c];
        }
        if let Some(lang) = detect_language(f.path, f.code) {
            if let Some((_, m)) = self.language_models.iter().find(|(l, _)| *l == lang) {
                return *m;
            }
        }
        self.default
    }
}

/// Multinomial naive Bayes over what a router can see: prompt words, the
/// path's extension, the declared task, code tokens and a token-count bucket.
pub struct Learned {
    classes: Vec<usize>,
    log_prior: Vec<f32>,
    /// Per feature, the log-likelihood under each class.
    log_likelihood: FxHashMap<u64, Vec<f32>>,
    /// The ids it was trained on, so evaluation can prove it never scores them.
    pub trained_on: FxHashSet<u32>,
}

fn for_each_feature(f: Features, mut emit: impl FnMut(u64)) {
    let tag = |t: u8, s: &str| fnv1a(s.as_bytes()) ^ (u64::from(t) << 56);
    for w in f
        .prompt
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        emit(tag(1, w));
    }
    let ext = f
        .path
        .and_then(|p| p.rsplit_once('.'))
        .map_or("none", |(_, e)| e);
    emit(tag(2, ext));
    emit(tag(3, f.declared_task.unwrap_or("none")));
    if let Some(code) = f.code {
        for w in code
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .take(12)
        {
            emit(tag(4, w));
        }
    }
    emit(u64::from((f.tokens / 400).min(8)) ^ (5u64 << 56));
}

impl Learned {
    pub fn train(rows: &[&RoutingRequest]) -> Learned {
        let mut classes: Vec<usize> = rows.iter().map(|r| r.label).collect();
        classes.sort_unstable();
        classes.dedup();
        let class_of = |label: usize| classes.binary_search(&label).expect("label among classes");
        let mut counts: FxHashMap<u64, Vec<u32>> = FxHashMap::default();
        let mut totals = vec![0u32; classes.len()];
        let mut docs = vec![0u32; classes.len()];
        for r in rows {
            let c = class_of(r.label);
            docs[c] += 1;
            for_each_feature(r.features(), |f| {
                counts.entry(f).or_insert_with(|| vec![0; classes.len()])[c] += 1;
                totals[c] += 1;
            });
        }
        let vocabulary = counts.len() as f32;
        let alpha = 0.5f32;
        let log_likelihood = counts
            .into_iter()
            .map(|(f, per_class)| {
                let lp = per_class
                    .iter()
                    .zip(&totals)
                    .map(|(n, t)| ((*n as f32 + alpha) / (*t as f32 + alpha * vocabulary)).ln())
                    .collect();
                (f, lp)
            })
            .collect();
        let n = rows.len() as f32;
        Learned {
            log_prior: docs.iter().map(|d| (*d as f32 / n).ln()).collect(),
            classes,
            log_likelihood,
            trained_on: rows.iter().map(|r| r.row.id).collect(),
        }
    }
}

impl Selector for Learned {
    fn name(&self) -> &'static str {
        "learned"
    }
    fn select(&self, f: Features) -> usize {
        let mut score = self.log_prior.clone();
        for_each_feature(f, |feat| {
            if let Some(lp) = self.log_likelihood.get(&feat) {
                for (s, l) in score.iter_mut().zip(lp) {
                    *s += l;
                }
            }
        });
        let best = (0..score.len())
            .max_by(|a, b| score[*a].total_cmp(&score[*b]))
            .expect("at least one class");
        self.classes[best]
    }
}
