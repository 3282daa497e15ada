//! Routers scored on recorded outcomes: each seeded split trains on 70 % of
//! the prompts and scores on the rest, never on a prompt it trained on.
//! Within the training prompts, a fifth is held back to choose the learned
//! router's blend and to calibrate every router's threshold (the one that
//! recovers 80 % of the gap there); the routers are then fitted on all the
//! training prompts and that threshold is applied to the test prompts: an
//! operating point chosen before the test prompts are seen.
//!
//! Routers between two models, weak and strong: random, each model alone, the
//! oracle (the strong model exactly where only it is right), and the learned
//! ones of [`super::routers`].

use anyhow::Result;
use serde::Serialize;

use super::curve::{self, Corner, Point};
use super::outcomes::{ModelFigures, Outcomes};
use super::routers::{Blend, Estimates, Fitted, Known};
use crate::bench::rng::Rng;
use crate::bench::stats::percentile;
use crate::bench::text::normalize_prompt;
use crate::error;

/// The share of gap recovered at each router's operating point.
pub const OPERATING_GAP: f64 = 0.8;
/// Share of a split's prompts trained on.
pub const TRAIN_SHARE: f64 = 0.7;
/// Share of the training prompts held back for validation in a large set.
const VALIDATION_SHARE: f64 = 0.2;
/// Below this many training prompts, validation is by folds.
const SMALL_SET: usize = 4000;
const FOLDS: usize = 5;
pub const DEFAULT_SPLITS: usize = 5;
/// Strong-call shares at which the frontier is read.
const FRONTIER_STEPS: usize = 10;

/// What to run.
#[derive(Debug, Clone)]
pub struct Config {
    pub seed: u64,
    pub splits: usize,
    pub weak: Option<String>,
    pub strong: Option<String>,
}

/// A router's figures, averaged over the splits.
#[derive(Debug, Clone, Serialize)]
pub struct RouterFigures {
    pub name: String,
    /// A router learned from the training prompts.
    pub learned: bool,
    /// Mean over the splits; `None` for a router that does not sweep.
    pub apgr: Option<f64>,
    pub apgr_min: Option<f64>,
    pub apgr_max: Option<f64>,
    pub cpt_50: Option<f64>,
    pub cpt_80: Option<f64>,
    /// At the operating point, on the test prompts: accuracy (0–1).
    pub accuracy: f64,
    /// At the operating point: the strong-call share (0–1), or US dollars
    /// per prompt where the file has costs.
    pub cost: f64,
    /// Strong-call share at the operating point; `None` for a third model.
    pub strong_share: Option<f64>,
    /// US dollars per prompt at the operating point, where the file has costs.
    pub cost_per_prompt: Option<f64>,
    /// Prompts sent to the model that was right (the strong one exactly
    /// where only it answered correctly), 0–1.
    pub right_model: f64,
    /// Accuracy (0–1) at 0 %, 10 %, … 100 % strong calls; empty for a
    /// router that does not sweep.
    pub frontier: Vec<f64>,
}

/// The dataset as the report names it.
#[derive(Debug, Clone, Serialize)]
pub struct Dataset {
    pub name: String,
    pub prompts: usize,
    pub models: Vec<String>,
    pub weak: String,
    pub strong: String,
    /// Prompts routed: those with both the weak and the strong model's outcome.
    pub routed: usize,
    pub excluded_contaminated: usize,
    pub groups: Option<String>,
    pub costs: bool,
}

/// A whole run's figures.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub dataset: Dataset,
    pub models: Vec<ModelFigures>,
    pub routers: Vec<RouterFigures>,
    pub splits: usize,
    pub seed: u64,
    pub train_prompts: usize,
    pub test_prompts: usize,
    /// The learned router's blend in each split.
    pub blends: Vec<Blend>,
    /// The learned router's time to decide one prompt, microseconds.
    pub decision_p50_us: f64,
    pub decision_p95_us: f64,
}

impl Report {
    /// The router whose figures become readings.
    pub fn recorded(&self) -> &RouterFigures {
        self.routers
            .iter()
            .find(|r| r.name == "learned")
            .expect("the learned router always runs")
    }

    /// The figures recorded as readings: (metric id, value in its unit).
    pub fn readings(&self) -> Vec<(&'static str, f64)> {
        let r = self.recorded();
        let strong = self.strong_only();
        let savings = match (r.cost_per_prompt, strong.cost_per_prompt) {
            (Some(c), Some(s)) if s > 0.0 => (1.0 - c / s) * 100.0,
            _ => (1.0 - r.strong_share.unwrap_or(1.0)) * 100.0,
        };
        let mut out = vec![
            ("selectionAccuracy", r.right_model * 100.0),
            ("costSavings", savings),
            ("selectionLatency", self.decision_p95_us / 1000.0),
        ];
        if let Some(c) = r.cost_per_prompt {
            out.push(("costPerRequest", c));
        }
        out
    }

    fn strong_only(&self) -> &RouterFigures {
        let name = format!("{} only", self.dataset.strong);
        self.routers
            .iter()
            .find(|r| r.name == name)
            .expect("each model runs alone")
    }
}

/// The two models routed between: as asked, else (with costs) the cheapest
/// and the most accurate other, else the least and the most accurate.
fn pair(set: &Outcomes, figures: &[ModelFigures], config: &Config) -> Result<(usize, usize)> {
    let find = |name: &str, flag: &str| {
        set.models.iter().position(|m| m == name).map_or_else(
            || {
                error::input(format!(
                    "{flag} {name} is not a model of {} ({}); name one of them",
                    set.name,
                    set.models.join(", ")
                ))
            },
            Ok,
        )
    };
    let by = |key: &dyn Fn(&ModelFigures) -> f64, skip: Option<usize>| {
        (0..figures.len())
            .filter(|&m| Some(m) != skip)
            .min_by(|&a, &b| key(&figures[a]).total_cmp(&key(&figures[b])))
            .expect("two models at least")
    };
    let weak = match &config.weak {
        Some(w) => find(w, "--weak")?,
        None if set.has_costs => by(&|f| f.cost.unwrap_or(0.0), None),
        None => by(&|f| f.accuracy, None),
    };
    let strong = match &config.strong {
        Some(s) => find(s, "--strong")?,
        None => by(&|f| -f.accuracy, Some(weak)),
    };
    if weak == strong {
        return error::input(format!(
            "--weak and --strong both name {}; route between two models",
            set.models[weak]
        ));
    }
    Ok((weak, strong))
}

/// A routable prompt, ready for the routers.
struct Row {
    text: String,
    group: Option<u32>,
    chars: usize,
    weak: f64,
    strong: f64,
    weak_cost: f64,
    strong_cost: f64,
    /// Every model's outcome and cost, for the single-model routers.
    scores: Vec<f32>,
    costs: Vec<f64>,
}

impl Row {
    fn known(&self) -> Known<'_> {
        Known {
            text: &self.text,
            group: self.group,
            chars: self.chars,
        }
    }

    fn gain(&self) -> f64 {
        self.strong - self.weak
    }

    fn point(&self, score: f64) -> Point {
        Point {
            score,
            weak: self.weak,
            strong: self.strong,
            weak_cost: self.weak_cost,
            strong_cost: self.strong_cost,
        }
    }
}

/// One router's figures on one split.
struct Scored {
    apgr: Option<f64>,
    cpt_50: Option<f64>,
    cpt_80: Option<f64>,
    accuracy: f64,
    strong_share: Option<f64>,
    cost: f64,
    right_model: f64,
    frontier: Vec<f64>,
}

/// A sweeping router's scores on the test prompts and its threshold.
fn sweep(test: &[&Row], scores: &[f64], threshold: f64) -> Scored {
    let points = scored_points(test, scores);
    let (weak, strong) = curve::ends(&points);
    let c: Vec<Corner> = curve::curve(&points);
    let n = test.len().max(1) as f64;
    let (mut correct, mut cost, mut strong_calls, mut right) = (0.0, 0.0, 0.0, 0.0);
    for (r, &s) in test.iter().zip(scores) {
        let to_strong = s >= threshold;
        let only_strong = r.strong >= 0.5 && r.weak < 0.5;
        if to_strong {
            correct += r.strong;
            cost += r.strong_cost;
            strong_calls += 1.0;
        } else {
            correct += r.weak;
            cost += r.weak_cost;
        }
        if to_strong == only_strong {
            right += 1.0;
        }
    }
    Scored {
        apgr: curve::apgr(&c, weak, strong),
        cpt_50: curve::cpt(&c, weak, strong, 0.5),
        cpt_80: curve::cpt(&c, weak, strong, 0.8),
        accuracy: correct / n,
        strong_share: Some(strong_calls / n),
        cost: cost / n,
        right_model: right / n,
        frontier: (0..=FRONTIER_STEPS)
            .map(|i| curve::accuracy_at(&c, i as f64 / FRONTIER_STEPS as f64))
            .collect(),
    }
}

/// The prompts with a router's scores, for its curve.
fn scored_points(rows: &[&Row], scores: &[f64]) -> Vec<Point> {
    rows.iter().zip(scores).map(|(r, &s)| r.point(s)).collect()
}

/// One model alone on the test prompts.
fn alone(test: &[&Row], m: usize, weak: usize, strong: usize) -> Scored {
    let n = test.len().max(1) as f64;
    let right = test
        .iter()
        .filter(|r| (m == strong) == (r.strong >= 0.5 && r.weak < 0.5))
        .count() as f64;
    Scored {
        apgr: None,
        cpt_50: None,
        cpt_80: None,
        accuracy: test.iter().map(|r| f64::from(r.scores[m])).sum::<f64>() / n,
        strong_share: if m == strong {
            Some(1.0)
        } else if m == weak {
            Some(0.0)
        } else {
            None
        },
        cost: test
            .iter()
            .map(|r| r.costs.get(m).copied().unwrap_or(0.0))
            .sum::<f64>()
            / n,
        right_model: if m == strong || m == weak {
            right / n
        } else {
            f64::NAN
        },
        frontier: Vec::new(),
    }
}

fn validation_apgr(val: &[&Row], scores: &[f64]) -> f64 {
    let points = scored_points(val, scores);
    let (weak, strong) = curve::ends(&points);
    curve::apgr(&curve::curve(&points), weak, strong).unwrap_or(0.0)
}

fn threshold(val: &[&Row], scores: &[f64]) -> f64 {
    let points = scored_points(val, scores);
    curve::threshold_for(&points, OPERATING_GAP)
}

fn shuffled(n: usize, rng: &mut Rng) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        order.swap(i, rng.below(i + 1));
    }
    order
}

/// Runs every router on every split.
pub fn run(set: &Outcomes, config: &Config) -> Result<Report> {
    let figures = set.model_figures();
    let (weak, strong) = pair(set, &figures, config)?;
    let rows: Vec<Row> = set
        .prompts
        .iter()
        .filter(|p| !p.score[weak].is_nan() && !p.score[strong].is_nan())
        .map(|p| Row {
            text: normalize_prompt(&p.text),
            group: p.group,
            chars: p.text.chars().count(),
            weak: f64::from(p.score[weak]),
            strong: f64::from(p.score[strong]),
            weak_cost: p
                .cost
                .get(weak)
                .copied()
                .filter(|c| !c.is_nan())
                .unwrap_or(0.0),
            strong_cost: p
                .cost
                .get(strong)
                .copied()
                .filter(|c| !c.is_nan())
                .unwrap_or(0.0),
            scores: p
                .score
                .iter()
                .map(|s| if s.is_nan() { 0.0 } else { *s })
                .collect(),
            costs: p
                .cost
                .iter()
                .map(|c| if c.is_nan() { 0.0 } else { *c })
                .collect(),
        })
        .collect();
    if rows.len() < 20 {
        return error::input(format!(
            "{} has {} prompts with both {} and {}'s outcome; routing needs at least 20 to train on some and score on others",
            set.name,
            rows.len(),
            set.models[weak],
            set.models[strong]
        ));
    }
    let splits = config.splits.max(1);
    let groups = set.group_column.is_some();
    let mut names: Vec<(String, bool)> = vec![("random".into(), false)];
    names.extend(set.models.iter().map(|m| (format!("{m} only"), false)));
    names.push(("oracle".into(), false));
    if groups {
        names.push(("group".into(), true));
    }
    names.extend([
        ("neighbours".into(), true),
        ("length".into(), true),
        ("learned".into(), true),
    ]);
    let mut per_router: Vec<Vec<Scored>> = names.iter().map(|_| Vec::new()).collect();
    let mut blends = Vec::new();
    let mut decisions: Vec<f64> = Vec::new();
    let (mut train_n, mut test_n) = (0, 0);
    for split in 0..splits {
        let mut rng = Rng::derive(config.seed, 0x5017 + split as u64);
        let order = shuffled(rows.len(), &mut rng);
        let cut = ((rows.len() as f64) * TRAIN_SHARE).round() as usize;
        let (train, test): (Vec<&Row>, Vec<&Row>) = (
            order[..cut].iter().map(|&i| &rows[i]).collect(),
            order[cut..].iter().map(|&i| &rows[i]).collect(),
        );
        (train_n, test_n) = (train.len(), test.len());
        // Validation: every training prompt's estimates from a fit that did
        // not see it — five folds for a small set, where one held-back part
        // would be too few prompts to choose a blend on; a fifth held back
        // for a large one.
        let folds = if train.len() < SMALL_SET { FOLDS } else { 1 };
        let held = ((train.len() as f64) * VALIDATION_SHARE).round() as usize;
        let mut val: Vec<&Row> = Vec::new();
        let mut val_est: Vec<Estimates> = Vec::new();
        for fold in 0..folds {
            let part = |i: usize| {
                if folds == 1 {
                    i < held
                } else {
                    i % folds == fold
                }
            };
            let mut inside: Vec<&Row> = Vec::new();
            let mut outside: Vec<&Row> = Vec::new();
            for (i, r) in train.iter().enumerate() {
                if part(i) {
                    inside.push(r);
                } else {
                    outside.push(r);
                }
            }
            let fitted = Fitted::fit(
                &outside.iter().map(|r| r.known()).collect::<Vec<_>>(),
                &outside.iter().map(|r| r.gain()).collect::<Vec<_>>(),
            );
            val_est.extend(fitted.estimate(&inside.iter().map(|r| r.known()).collect::<Vec<_>>()));
            val.extend(inside);
        }
        let val = val.as_slice();
        let blend = Blend::candidates(groups)
            .into_iter()
            .map(|b| {
                let s: Vec<f64> = val_est.iter().map(|e| b.score(e)).collect();
                (validation_apgr(val, &s), b)
            })
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, b)| b)
            .expect("candidates");
        blends.push(blend);
        let full = Fitted::fit(
            &train.iter().map(|r| r.known()).collect::<Vec<_>>(),
            &train.iter().map(|r| r.gain()).collect::<Vec<_>>(),
        );
        let test_est = full.estimate(&test.iter().map(|r| r.known()).collect::<Vec<_>>());
        decisions.extend(test_est.iter().map(|e| e.ns as f64 / 1000.0));
        let mut random = |n: usize| -> Vec<f64> { (0..n).map(|_| rng.unit()).collect() };
        let learned = |est: &[Estimates], name: &str| -> Vec<f64> {
            est.iter()
                .map(|e| match name {
                    "group" => e.group,
                    "neighbours" => e.neighbours[blend.k],
                    "length" => e.signed_length,
                    _ => blend.score(e),
                })
                .collect()
        };
        for (slot, (name, is_learned)) in names.iter().enumerate() {
            let scored = if name == "random" {
                let (v, t) = (random(val.len()), random(test.len()));
                sweep(&test, &t, threshold(val, &v))
            } else if name == "oracle" {
                let t: Vec<f64> = test.iter().map(|r| r.gain()).collect();
                sweep(&test, &t, f64::MIN_POSITIVE)
            } else if *is_learned {
                let v = learned(&val_est, name);
                let t = learned(&test_est, name);
                sweep(&test, &t, threshold(val, &v))
            } else {
                let m = set
                    .models
                    .iter()
                    .position(|model| name.strip_suffix(" only") == Some(model.as_str()))
                    .expect("a router of one model names it");
                alone(&test, m, weak, strong)
            };
            per_router[slot].push(scored);
        }
    }
    let routers = names
        .iter()
        .zip(per_router)
        .map(|((name, learned), runs)| summarise(name, *learned, &runs, set.has_costs))
        .collect();
    Ok(Report {
        dataset: Dataset {
            name: set.name.clone(),
            prompts: set.prompts.len(),
            models: set.models.clone(),
            weak: set.models[weak].clone(),
            strong: set.models[strong].clone(),
            routed: rows.len(),
            excluded_contaminated: set.excluded,
            groups: set.group_column.clone(),
            costs: set.has_costs,
        },
        models: figures,
        routers,
        splits,
        seed: config.seed,
        train_prompts: train_n,
        test_prompts: test_n,
        blends,
        decision_p50_us: percentile(&mut decisions.clone(), 50.0),
        decision_p95_us: percentile(&mut decisions, 95.0),
    })
}

fn mean(values: impl Iterator<Item = f64>) -> f64 {
    let (sum, n) = values.fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    sum / n.max(1) as f64
}

fn mean_of(runs: &[Scored], f: impl Fn(&Scored) -> Option<f64>) -> Option<f64> {
    let values: Vec<f64> = runs.iter().filter_map(&f).collect();
    (values.len() == runs.len() && !values.is_empty()).then(|| mean(values.into_iter()))
}

fn summarise(name: &str, learned: bool, runs: &[Scored], costs: bool) -> RouterFigures {
    let apgrs: Vec<f64> = runs.iter().filter_map(|r| r.apgr).collect();
    let cost = mean(runs.iter().map(|r| r.cost));
    let strong_share = mean_of(runs, |r| r.strong_share);
    let width = runs.first().map_or(0, |r| r.frontier.len());
    RouterFigures {
        name: name.to_string(),
        learned,
        apgr: mean_of(runs, |r| r.apgr),
        apgr_min: apgrs.iter().copied().reduce(f64::min),
        apgr_max: apgrs.iter().copied().reduce(f64::max),
        cpt_50: mean_of(runs, |r| r.cpt_50),
        cpt_80: mean_of(runs, |r| r.cpt_80),
        accuracy: mean(runs.iter().map(|r| r.accuracy)),
        cost: if costs {
            cost
        } else {
            strong_share.unwrap_or(f64::NAN)
        },
        strong_share,
        cost_per_prompt: costs.then_some(cost),
        right_model: mean(runs.iter().map(|r| r.right_model)),
        frontier: (0..width)
            .map(|i| mean(runs.iter().map(|r| r.frontier[i])))
            .collect(),
    }
}
