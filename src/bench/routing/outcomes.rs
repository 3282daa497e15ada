//! Recorded outcomes: which model answered each prompt correctly (and what it
//! cost), read as the public routing sets publish them, so that routers are
//! scored on real answers instead of a modelled fleet.
//!
//! Two formats, told apart by their header:
//! - RouteLLM's per-benchmark files (`routellm/evals/*/`): `prompt`, then one
//!   `True`/`False` column per model, optionally `<model>_response` columns
//!   (ignored: a router decides before any answer exists) and a `subject`,
//!   `eval_name`, `category` or `domain` column, taken as the prompt's group.
//! - RouterBench's (`sample_id, prompt, eval_name`, a 0–1 score column per
//!   model, `<model>|model_response`, `<model>|total_cost` in US dollars,
//!   `oracle_model_to_route_to`). A score or cost cell that is empty or `nan`
//!   is missing: left out of that model's accuracy or cost, as a data frame's
//!   mean and sum leave it out.
//!
//! The built-in set is RouteLLM's MMLU (`data/routellm-mmlu.csv.gz`, packed by
//! `scripts/pack-routellm-mmlu` with a `subject` column), whose contaminated
//! prompts are left out as RouteLLM leaves them out.

use std::io::Read;

use anyhow::Result;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::error;

/// RouteLLM's MMLU answers, packed (see the module comment).
const MMLU: &[u8] = include_bytes!("../../../data/routellm-mmlu.csv.gz");
/// RouteLLM's list of MMLU prompts that appear in routers' training data.
pub const MMLU_CONTAMINATED: &str = include_str!("../../../data/routellm-mmlu-contaminated.jsonl");
pub const MMLU_NAME: &str = "RouteLLM MMLU (built in)";
/// The same, as a reference workload's name says it: `built-in (RouteLLM MMLU)`.
pub const MMLU_SHORT: &str = "RouteLLM MMLU";

/// Columns that name a prompt's group rather than a model.
const GROUPS: &[&str] = &["subject", "eval_name", "category", "domain"];
/// RouterBench's columns that are neither a model nor its response or cost.
const ROUTERBENCH_OTHER: &[&str] = &[
    "sample_id",
    "prompt",
    "eval_name",
    "oracle_model_to_route_to",
];
/// The longest prompt read (characters); a longer cell is refused, not held.
pub const MAX_PROMPT: usize = 1 << 20;

/// One prompt and each model's outcome on it.
#[derive(Debug, Clone)]
pub struct Prompt {
    pub text: String,
    /// Index into [`Outcomes::groups`].
    pub group: Option<u32>,
    /// Per model: 1 correct, 0 wrong, between for a graded answer; NaN missing.
    pub score: Vec<f32>,
    /// Per model, US dollars; NaN missing. Empty when the file has no costs.
    pub cost: Vec<f64>,
}

/// A set of recorded outcomes.
#[derive(Debug, Clone)]
pub struct Outcomes {
    /// The file's path, or [`MMLU_NAME`].
    pub name: String,
    pub models: Vec<String>,
    pub groups: Vec<String>,
    /// The column the groups came from, if any.
    pub group_column: Option<String>,
    pub prompts: Vec<Prompt>,
    pub has_costs: bool,
    /// Prompts left out as contaminated.
    pub excluded: usize,
}

/// One model's figures over the whole file, as its columns give them.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ModelFigures {
    pub name: String,
    /// Mean score, 0–1 (the share answered correctly).
    pub accuracy: f64,
    /// Total cost in US dollars, where the file has costs.
    pub cost: Option<f64>,
    /// Prompts with a score for this model.
    pub prompts: usize,
}

impl Outcomes {
    /// RouteLLM's MMLU answers, contaminated prompts left out.
    pub fn built_in() -> Result<Outcomes> {
        let mut text = String::new();
        flate2::read::GzDecoder::new(MMLU)
            .read_to_string(&mut text)
            .map_err(|e| anyhow::anyhow!("the built-in MMLU outcomes are damaged: {e}"))?;
        let mut set = parse(MMLU_NAME, &text)?;
        set.exclude(&contaminated(MMLU_CONTAMINATED, "built-in list")?);
        Ok(set)
    }

    /// Several files as one set: each file's prompts grouped under its name
    /// (`mmlu_anatomy.csv` → `anatomy`) when the files carry no group of
    /// their own. Every file must name the same models.
    pub fn merge(mut sets: Vec<Outcomes>) -> Result<Outcomes> {
        if sets.len() == 1 {
            return Ok(sets.pop().expect("one"));
        }
        let first_models = sets[0].models.clone();
        let own_groups = sets.iter().any(|s| s.group_column.is_some());
        let mut out = Outcomes {
            name: sets
                .iter()
                .map(|s| s.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            models: first_models.clone(),
            groups: Vec::new(),
            group_column: Some(if own_groups { "group" } else { "file" }.to_string()),
            prompts: Vec::new(),
            has_costs: sets.iter().all(|s| s.has_costs),
            excluded: 0,
        };
        let mut index: FxHashMap<String, u32> = FxHashMap::default();
        for set in sets {
            if set.models != first_models {
                return error::input(format!(
                    "{} names the models {}, where {} names {}; give files of the same models",
                    set.name,
                    set.models.join(", "),
                    out.name.split(", ").next().unwrap_or_default(),
                    first_models.join(", ")
                ));
            }
            let stem = file_group(&set.name);
            out.excluded += set.excluded;
            for mut p in set.prompts {
                let group = match p.group {
                    Some(g) if own_groups => set.groups[g as usize].clone(),
                    _ => stem.clone(),
                };
                p.group = Some(intern(&mut out.groups, &mut index, group));
                if !out.has_costs {
                    p.cost.clear();
                }
                out.prompts.push(p);
            }
        }
        Ok(out)
    }

    /// Leaves out the prompts listed (RouteLLM's contaminated prompts).
    pub fn exclude(&mut self, listed: &FxHashSet<String>) {
        let before = self.prompts.len();
        self.prompts.retain(|p| !listed.contains(&p.text));
        self.excluded += before - self.prompts.len();
    }

    /// Each model's accuracy and total cost over the whole set.
    pub fn model_figures(&self) -> Vec<ModelFigures> {
        (0..self.models.len())
            .map(|m| {
                let scores: Vec<f64> = self
                    .prompts
                    .iter()
                    .map(|p| f64::from(p.score[m]))
                    .filter(|s| !s.is_nan())
                    .collect();
                ModelFigures {
                    name: self.models[m].clone(),
                    accuracy: if scores.is_empty() {
                        0.0
                    } else {
                        scores.iter().sum::<f64>() / scores.len() as f64
                    },
                    cost: self.has_costs.then(|| {
                        self.prompts
                            .iter()
                            .map(|p| p.cost[m])
                            .filter(|c| !c.is_nan())
                            .sum()
                    }),
                    prompts: scores.len(),
                }
            })
            .collect()
    }
}

/// A group's number: its place in `groups`, added there when new.
fn intern(groups: &mut Vec<String>, ids: &mut FxHashMap<String, u32>, name: String) -> u32 {
    *ids.entry(name).or_insert_with_key(|name| {
        groups.push(name.clone());
        groups.len() as u32 - 1
    })
}

/// `mmlu_anatomy.csv` → `anatomy`; `gsm8k_responses.csv` → `gsm8k_responses`.
fn file_group(name: &str) -> String {
    let file = std::path::Path::new(name)
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_else(|| name.to_string());
    file.strip_prefix("mmlu_").unwrap_or(&file).to_string()
}

/// The `eval_prompt`s of a contaminated-prompts file (RouteLLM's JSON lines).
pub fn contaminated(text: &str, shown: &str) -> Result<FxHashSet<String>> {
    let mut out = FxHashSet::default();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let value: serde_json::Value = serde_json::from_str(line).or_else(|e| {
            error::input(format!(
                "{shown}: line {} is not a JSON object ({e}); give one object per line",
                i + 1
            ))
        })?;
        match value.get("eval_prompt").and_then(|v| v.as_str()) {
            Some(p) => out.insert(p.to_string()),
            None => {
                return error::input(format!(
                    "{shown}: line {} has no \"eval_prompt\" text; list each prompt to leave out as {{\"eval_prompt\": \"...\"}}",
                    i + 1
                ))
            }
        };
    }
    Ok(out)
}

/// What each column of a header is.
enum Column {
    Prompt,
    Group,
    Model(usize),
    Cost(usize),
    Ignored,
}

/// Reads a RouteLLM or RouterBench file's text; `shown` names it in errors.
pub fn parse(shown: &str, text: &str) -> Result<Outcomes> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return error::input(format!(
            "{shown} is empty; give it a header and one row per prompt"
        ));
    }
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let names: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|n| n.trim().to_string()).collect(),
        Err(e) => return error::input(format!("{shown}: cannot read the header row: {e}")),
    };
    let routerbench = names.iter().any(|n| n.ends_with("|total_cost"));
    let (columns, models, group_column) = header(&names, routerbench, shown)?;
    let mut set = Outcomes {
        name: shown.to_string(),
        models,
        groups: Vec::new(),
        group_column,
        prompts: Vec::new(),
        has_costs: routerbench,
        excluded: 0,
    };
    let mut group_ids: FxHashMap<String, u32> = FxHashMap::default();
    let n = set.models.len();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let (line, what) = crate::bench::csv_row_error(&e);
                return error::input(format!(
                    "{shown}: line {line}: {what}; give every row the header's columns, quoting a field that holds a comma"
                ));
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        let at = || format!("{shown}: line {line}");
        let mut prompt = Prompt {
            text: String::new(),
            group: None,
            score: vec![f32::NAN; n],
            cost: if routerbench {
                vec![f64::NAN; n]
            } else {
                Vec::new()
            },
        };
        for (cell, column) in record.iter().zip(&columns) {
            match column {
                Column::Prompt => {
                    if cell.chars().count() > MAX_PROMPT {
                        return error::input(format!(
                            "{}: a prompt of more than {MAX_PROMPT} characters; shorten it or leave the row out",
                            at()
                        ));
                    }
                    prompt.text = cell.to_string();
                }
                Column::Group => {
                    prompt.group = Some(intern(
                        &mut set.groups,
                        &mut group_ids,
                        cell.trim().to_string(),
                    ));
                }
                Column::Model(m) => {
                    prompt.score[*m] = score(cell, &set.models[*m], routerbench, &at)?
                }
                Column::Cost(m) => prompt.cost[*m] = cost(cell, &set.models[*m], &at)?,
                Column::Ignored => {}
            }
        }
        set.prompts.push(prompt);
    }
    if set.prompts.is_empty() {
        return error::input(format!(
            "{shown} has a header but no prompt; give it one row per prompt"
        ));
    }
    Ok(set)
}

type Header = (Vec<Column>, Vec<String>, Option<String>);

fn header(names: &[String], routerbench: bool, shown: &str) -> Result<Header> {
    let found = || names.join(", ");
    if !names.iter().any(|n| n == "prompt") {
        return error::input(format!(
            "{shown}: line 1 has no prompt column (found {}); give RouteLLM's columns (prompt, then True/False per model) or RouterBench's (sample_id, prompt, eval_name, a score and a |total_cost per model)",
            found()
        ));
    }
    let mut models: Vec<String> = Vec::new();
    // A data frame's index written out with it: an unnamed first column.
    let is_index = |n: &str| n.is_empty() || n.starts_with("Unnamed:");
    let is_model = |n: &str| {
        if is_index(n) {
            false
        } else if routerbench {
            !n.contains('|') && !ROUTERBENCH_OTHER.contains(&n)
        } else {
            n != "prompt" && !GROUPS.contains(&n) && !n.ends_with("_response")
        }
    };
    for n in names {
        if is_model(n) {
            if models.contains(n) {
                return error::input(format!(
                    "{shown}: line 1 names the model {n} twice; give each model one column"
                ));
            }
            models.push(n.clone());
        }
    }
    if models.len() < 2 {
        return error::input(format!(
            "{shown}: line 1 has {} model column(s) (found {}); routing needs at least two models' outcomes",
            models.len(),
            found()
        ));
    }
    let mut group_column = None;
    let mut columns = Vec::with_capacity(names.len());
    for n in names {
        let model = |m: &str| models.iter().position(|x| x == m);
        let column = if n == "prompt" {
            Column::Prompt
        } else if is_index(n) {
            Column::Ignored
        } else if let Some(m) = model(n) {
            Column::Model(m)
        } else if GROUPS.contains(&n.as_str()) && group_column.is_none() {
            group_column = Some(n.clone());
            Column::Group
        } else if let Some(m) = n.strip_suffix("|total_cost").and_then(model) {
            Column::Cost(m)
        } else if let Some((m, _)) = n.split_once('|').filter(|_| routerbench) {
            if model(m).is_none() {
                return error::input(format!(
                    "{shown}: line 1 has {n}, but no score column {m}; give each model a score column"
                ));
            }
            Column::Ignored
        } else if routerbench || n.ends_with("_response") {
            Column::Ignored
        } else {
            return error::input(format!(
                "{shown}: line 1 has the column {n}, neither prompt, a model nor its _response; remove it"
            ));
        };
        columns.push(column);
    }
    if routerbench {
        if let Some(m) = models
            .iter()
            .find(|m| !names.contains(&format!("{m}|total_cost")))
        {
            return error::input(format!(
                "{shown}: line 1 has no {m}|total_cost; give every model its cost column"
            ));
        }
    }
    Ok((columns, models, group_column))
}

fn score(cell: &str, model: &str, graded: bool, at: &dyn Fn() -> String) -> Result<f32> {
    let cell = cell.trim();
    let value = match cell.to_ascii_lowercase().as_str() {
        "true" => Some(1.0),
        "false" => Some(0.0),
        "" | "nan" if graded => return Ok(f32::NAN),
        other => other.parse::<f32>().ok(),
    };
    match value {
        Some(v) if (0.0..=1.0).contains(&v) => Ok(v),
        _ => error::input(format!(
            "{}: {model} is \"{cell}\"; a model's outcome is True or False{}",
            at(),
            if graded {
                ", or a score from 0 to 1"
            } else {
                ""
            }
        )),
    }
}

fn cost(cell: &str, model: &str, at: &dyn Fn() -> String) -> Result<f64> {
    let cell = cell.trim();
    if cell.is_empty() || cell.eq_ignore_ascii_case("nan") {
        return Ok(f64::NAN);
    }
    match cell.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
        _ => error::input(format!(
            "{}: {model}|total_cost is \"{cell}\"; a cost is a number of US dollars, 0 or more",
            at()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_set_is_routellms_mmlu_without_its_contaminated_prompts() {
        let set = Outcomes::built_in().unwrap();
        assert_eq!(set.prompts.len() + set.excluded, 14_042);
        assert_eq!(set.excluded, 5);
        assert_eq!(set.groups.len(), 57);
        let figures = set.model_figures();
        // RouteLLM's figures: Mixtral 68.1 %, GPT-4 80.6 %.
        assert_eq!(figures[0].name, "mistralai/Mixtral-8x7B-Instruct-v0.1");
        assert!((figures[0].accuracy - 0.681).abs() < 0.001, "{figures:?}");
        assert!((figures[1].accuracy - 0.806).abs() < 0.001, "{figures:?}");
        assert!(figures.iter().all(|f| f.cost.is_none()));
    }

    #[test]
    fn routerbench_scores_and_costs_are_the_files_columns() {
        let text = "sample_id,prompt,eval_name,a,b,a|model_response,b|model_response,a|total_cost,b|total_cost,oracle_model_to_route_to\n\
                    s1,\"q, one\",mmlu,1,0,x,y,0.001,0.01,a\n\
                    s2,q two,gsm8k,0.0,1.0,x,y,0.002,nan,b\n\
                    s3,q three,gsm8k,0.5,,x,y,,0.03,a\n";
        let set = parse("rb.csv", text).unwrap();
        assert_eq!(set.models, ["a", "b"]);
        assert_eq!(set.group_column.as_deref(), Some("eval_name"));
        assert_eq!(set.groups, ["mmlu", "gsm8k"]);
        assert_eq!(set.prompts[0].text, "q, one");
        let f = set.model_figures();
        assert!((f[0].accuracy - 0.5).abs() < 1e-9 && f[0].prompts == 3);
        assert!((f[1].accuracy - 0.5).abs() < 1e-9 && f[1].prompts == 2);
        assert!((f[0].cost.unwrap() - 0.003).abs() < 1e-12);
        assert!((f[1].cost.unwrap() - 0.04).abs() < 1e-12);
    }

    #[test]
    fn a_data_frames_index_column_is_ignored() {
        let text = ",prompt,weak,strong\n0,q,True,False\n1,r,False,True\n";
        let set = parse("f.csv", text).unwrap();
        assert_eq!(set.models, ["weak", "strong"]);
        let text = "Unnamed: 0,sample_id,prompt,eval_name,a,b,a|total_cost,b|total_cost\n7,s,q,e,1,0,0.1,0.2\n";
        assert_eq!(parse("g.csv", text).unwrap().models, ["a", "b"]);
    }

    #[test]
    fn routellm_responses_are_ignored_and_files_merge_by_name() {
        let a = "prompt,weak,strong,weak_response,strong_response\n\"2+2\",True,True,4,4\nhard,False,True,x,y\n";
        let b = "prompt,weak,strong\n\"multi\nline\",False,False\n";
        let set = Outcomes::merge(vec![
            parse("dir/mmlu_math.csv", a).unwrap(),
            parse("dir/gsm8k.csv", b).unwrap(),
        ])
        .unwrap();
        assert_eq!(set.groups, ["math", "gsm8k"]);
        assert_eq!(set.prompts.len(), 3);
        assert_eq!(set.prompts[2].text, "multi\nline");
        assert_eq!(set.prompts[1].score, [0.0, 1.0]);
    }

    #[test]
    fn each_malformed_file_is_one_line_naming_what_to_fix() {
        let cases: &[(&str, &[&str])] = &[
            ("", &["empty"]),
            (
                "question,a,b\nq,True,False\n",
                &["no prompt column", "found question, a, b"],
            ),
            ("prompt,a\nq,True\n", &["1 model column", "at least two"]),
            ("prompt,a,b\n", &["no prompt;"]),
            (
                "prompt,a,b\nq,True,maybe\n",
                &["line 2", "b is \"maybe\"", "True or False"],
            ),
            (
                "prompt,a,b\nq,True\n",
                &["line 2", "2 fields where the header has 3"],
            ),
            ("prompt,a,a\nq,True,True\n", &["model a twice"]),
            (
                "sample_id,prompt,eval_name,a,b,a|total_cost\ns,q,e,1,0,0.1\n",
                &["no b|total_cost"],
            ),
            (
                "sample_id,prompt,eval_name,a,b,a|total_cost,b|total_cost\ns,q,e,1,2,0.1,0.2\n",
                &["line 2", "score from 0 to 1"],
            ),
            (
                "sample_id,prompt,eval_name,a,b,a|total_cost,b|total_cost\ns,q,e,1,0,-1,0.2\n",
                &["line 2", "a|total_cost is \"-1\""],
            ),
        ];
        for (text, words) in cases {
            let e = parse("f.csv", text).unwrap_err().to_string();
            assert!(!e.contains('\n'), "{e}");
            assert!(e.starts_with("f.csv"), "{e}");
            for w in *words {
                assert!(e.contains(w), "{text:?}: {e}");
            }
        }
        let two = Outcomes::merge(vec![
            parse("x.csv", "prompt,a,b\nq,True,True\n").unwrap(),
            parse("y.csv", "prompt,a,c\nq,True,True\n").unwrap(),
        ])
        .unwrap_err()
        .to_string();
        assert!(two.contains("y.csv names the models a, c"), "{two}");
    }
}
