//! The modelled model fleet of `data/models.toml`.

use std::collections::BTreeMap;

use serde::Deserialize;

/// The fleet description shipped in `data/models.toml`.
pub const BUILT_IN: &str = include_str!("../../data/models.toml");

/// Task categories, the columns of every model's quality table.
pub const CATEGORIES: [&str; 6] = ["code", "docs", "test", "refactor", "security", "perf"];

pub fn category_index(name: &str) -> Option<usize> {
    CATEGORIES.iter().position(|c| *c == name)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Task,
    Language,
    Provider,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawModel {
    id: String,
    kind: Kind,
    task: Option<String>,
    language: Option<String>,
    cost_per_1k: f64,
    latency_ms: f64,
    failure_rate: f64,
    off_language: Option<f64>,
    quality: BTreeMap<String, f64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFleet {
    quality_bar: f64,
    default_model: String,
    fallback: Vec<String>,
    cache: CacheModel,
    model: Vec<RawModel>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CacheModel {
    pub fronted_model: String,
    pub l2_latency_ms: f64,
}

#[derive(Debug, Clone)]
pub struct Model {
    pub id: String,
    pub kind: Kind,
    /// For task models: the category they specialise in.
    pub task: Option<usize>,
    /// For language models: the language they specialise in.
    pub language: Option<String>,
    pub cost_per_1k: f64,
    pub latency_ms: f64,
    pub failure_rate: f64,
    /// Quality on requests in another language (language models only).
    pub off_language: f64,
    /// Expected quality per category, indexed like [`CATEGORIES`].
    pub quality: [f64; 6],
}

impl Model {
    /// Expected quality on a request of `category` in `language`.
    pub fn base_quality(&self, category: usize, language: Option<&str>) -> f64 {
        match (&self.language, language) {
            (Some(own), Some(lang)) if own != lang => self.off_language,
            (Some(_), None) => self.off_language.max(self.quality[category] - 0.15),
            _ => self.quality[category],
        }
    }

    pub fn cost(&self, tokens: u32) -> f64 {
        self.cost_per_1k * f64::from(tokens) / 1000.0
    }
}

#[derive(Debug, Clone)]
pub struct Fleet {
    pub models: Vec<Model>,
    pub quality_bar: f64,
    pub default_model: usize,
    pub fallback: Vec<usize>,
    pub cache: CacheModel,
}

impl Fleet {
    pub fn built_in() -> Fleet {
        Fleet::parse(BUILT_IN).expect("data/models.toml is valid (checked by a test)")
    }

    pub fn parse(text: &str) -> Result<Fleet, String> {
        let raw: RawFleet = toml::from_str(text).map_err(|e| e.message().to_string())?;
        let mut models = Vec::new();
        for m in raw.model {
            let mut quality = [0.0; 6];
            for (i, c) in CATEGORIES.iter().enumerate() {
                quality[i] = *m
                    .quality
                    .get(*c)
                    .ok_or_else(|| format!("model {} has no quality for {c}", m.id))?;
            }
            let task = match &m.task {
                Some(t) => Some(
                    category_index(t).ok_or_else(|| format!("model {}: unknown task {t}", m.id))?,
                ),
                None => None,
            };
            models.push(Model {
                id: m.id,
                kind: m.kind,
                task,
                language: m.language,
                cost_per_1k: m.cost_per_1k,
                latency_ms: m.latency_ms,
                failure_rate: m.failure_rate,
                off_language: m.off_language.unwrap_or(0.0),
                quality,
            });
        }
        let find = |id: &str| {
            models
                .iter()
                .position(|m| m.id == id)
                .ok_or_else(|| format!("unknown model {id}"))
        };
        let default_model = find(&raw.default_model)?;
        let fallback = raw
            .fallback
            .iter()
            .map(|f| find(f))
            .collect::<Result<_, _>>()?;
        find(&raw.cache.fronted_model)?;
        Ok(Fleet {
            models,
            quality_bar: raw.quality_bar,
            default_model,
            fallback,
            cache: raw.cache,
        })
    }

    pub fn index(&self, id: &str) -> Option<usize> {
        self.models.iter().position(|m| m.id == id)
    }

    pub fn fronted(&self) -> &Model {
        &self.models[self
            .index(&self.cache.fronted_model)
            .expect("checked in parse")]
    }

    /// The task model for a category.
    pub fn task_model(&self, category: usize) -> Option<usize> {
        self.models
            .iter()
            .position(|m| m.kind == Kind::Task && m.task == Some(category))
    }

    /// The language model for a language.
    pub fn language_model(&self, language: &str) -> Option<usize> {
        self.models
            .iter()
            .position(|m| m.kind == Kind::Language && m.language.as_deref() == Some(language))
    }

    /// The label of a request: the cheapest model whose quality clears the
    /// bar (ties: the faster), or the best model when none does.
    pub fn label(&self, quality: &[f64]) -> usize {
        let clears = (0..self.models.len()).filter(|i| quality[*i] >= self.quality_bar);
        clears
            .min_by(|a, b| {
                let (ma, mb) = (&self.models[*a], &self.models[*b]);
                ma.cost_per_1k
                    .total_cmp(&mb.cost_per_1k)
                    .then(ma.latency_ms.total_cmp(&mb.latency_ms))
            })
            .unwrap_or_else(|| {
                (0..self.models.len())
                    .max_by(|a, b| quality[*a].total_cmp(&quality[*b]))
                    .expect("at least one model")
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_fleet_has_the_roadmaps_models() {
        let f = Fleet::built_in();
        for (c, name) in CATEGORIES.iter().enumerate() {
            assert!(f.task_model(c).is_some(), "task model for {name}");
        }
        for l in ["typescript", "javascript", "python", "java", "go", "rust"] {
            assert!(f.language_model(l).is_some(), "language model for {l}");
        }
        assert_eq!(f.models[f.default_model].kind, Kind::Provider);
        assert_eq!(f.fronted().id, "provider-standard");
    }

    #[test]
    fn label_is_the_cheapest_model_clearing_the_bar() {
        let f = Fleet::built_in();
        let mut q = vec![0.5; f.models.len()];
        let std = f.index("provider-standard").unwrap();
        let code = f.index("code-model").unwrap();
        let py = f.index("python-model").unwrap();
        q[std] = 0.9;
        assert_eq!(f.label(&q), std);
        q[code] = 0.85;
        assert_eq!(f.label(&q), code);
        q[py] = 0.81;
        assert_eq!(f.label(&q), py, "language models are the cheapest");
        let none = vec![0.1; f.models.len()];
        let mut best = none.clone();
        best[code] = 0.3;
        assert_eq!(f.label(&best), code, "no model clears: the best one");
    }
}
