//! TOML → domain, with validation errors that point at file, line and column.

use std::collections::{BTreeMap, HashSet};
use std::ops::Range;

use anyhow::Result;
use serde::Deserialize;
use toml::Spanned;

use crate::domain::catalog::{Catalog, Direction, MetricDef, Target};
use crate::domain::dogfood::DogfoodKind;
use crate::domain::matching::{closest, normalize, quote_list};
use crate::domain::roadmap::{
    months_of_year, quarter_of, Acceptance, Block, Month, Quarter, Task, WeekRange, Year,
    LAST_MONTH,
};
use crate::error;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSettings {
    name: Option<Spanned<String>>,
    start: Option<Spanned<String>>,
}

/// What `roadmap.toml` says: the roadmap's name, and the calendar (year,
/// month) of its month 1.
pub type Settings = (Option<String>, Option<(i32, u32)>);

/// `roadmap.toml`: the roadmap's name and the calendar month of its month 1.
pub fn parse_settings(file: &str, text: &str) -> Result<Settings> {
    let loc = Locator { file, text };
    let raw: RawSettings = loc.parse()?;
    let name = match raw.name {
        Some(n) => {
            let t = loc.text("the roadmap's name", n)?;
            if t.trim().is_empty() {
                return error::roadmap(format!(
                    "{file}: the roadmap's name is empty; give it one, like \"Acme platform\""
                ));
            }
            Some(t.trim().to_string())
        }
        None => None,
    };
    let start = match raw.start {
        Some(s) => {
            let span = s.span();
            let text = s.into_inner();
            let parsed = text
                .split_once('-')
                .and_then(|(y, m)| Some((y.parse::<i32>().ok()?, m.parse::<u32>().ok()?)))
                .filter(|(y, m)| {
                    (1970..=9999).contains(y) && (1..=12).contains(m) && text.len() == 7
                });
            match parsed {
                Some(p) => Some(p),
                None => {
                    return loc.fail(
                        span,
                        format!("start \"{}\" must be the roadmap's first month as YYYY-MM, like \"2027-04\"", text.escape_default()),
                    )
                }
            }
        }
        None => None,
    };
    Ok((name, start))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawYear {
    year: Spanned<i64>,
    title: Spanned<String>,
    focus: Option<String>,
    #[serde(default)]
    quarter: Vec<RawQuarter>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuarter {
    number: Spanned<i64>,
    theme: Spanned<String>,
    #[serde(default)]
    goals: Vec<String>,
    #[serde(default)]
    month: Vec<RawMonth>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMonth {
    month: Spanned<i64>,
    title: Spanned<String>,
    dogfood: Option<String>,
    #[serde(default)]
    block: Vec<RawBlock>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBlock {
    weeks: Spanned<String>,
    title: Spanned<String>,
    dogfood: Option<String>,
    #[serde(default)]
    task: Vec<RawTask>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTask {
    title: Spanned<String>,
    deliverable: Option<String>,
    metric: Option<String>,
    accept: Option<Spanned<RawAccept>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAccept {
    metric: String,
    min: Option<f64>,
    max: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCatalog {
    #[serde(default)]
    metric: Vec<RawMetric>,
    #[serde(default)]
    target: Vec<RawTarget>,
    #[serde(default)]
    dogfood: BTreeMap<String, Spanned<f64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMetric {
    id: Spanned<String>,
    name: String,
    unit: String,
    direction: Spanned<String>,
    min: Spanned<f64>,
    max: Spanned<f64>,
    baseline: Option<Spanned<f64>>,
    description: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTarget {
    metric: Spanned<String>,
    month: Spanned<i64>,
    value: Spanned<f64>,
}

/// Turns byte offsets into `file:line:col` for error messages.
struct Locator<'a> {
    file: &'a str,
    text: &'a str,
}

impl Locator<'_> {
    fn at(&self, span: Range<usize>) -> String {
        let start = span.start.min(self.text.len());
        let before = &self.text[..start];
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        format!("{}:{line}:{col}", self.file)
    }

    /// A title as the log's text rules allow it (no control or invisible
    /// character, not too long), or the error at its place.
    fn text(&self, what: &str, v: Spanned<String>) -> Result<String> {
        let span = v.span();
        let text = v.into_inner();
        match crate::domain::validate::check_text(
            what,
            &text,
            crate::domain::validate::MAX_NAME,
            false,
        ) {
            Ok(()) => Ok(text),
            Err(why) => self.fail(span, why),
        }
    }

    fn fail<T>(&self, span: Range<usize>, what: impl std::fmt::Display) -> Result<T> {
        error::roadmap(format!("{}: {what}", self.at(span)))
    }

    fn parse<T: serde::de::DeserializeOwned>(&self) -> Result<T> {
        toml::from_str(self.text).or_else(|e| {
            let what = e.message().trim().replace('\n', " ");
            match e.span() {
                Some(span) => self.fail(span, format!("{what}; fix the TOML at this position")),
                None => error::roadmap(format!("{}: {what}", self.file)),
            }
        })
    }
}

/// Parses one roadmap year file and checks that its numbers make sense and
/// that its tasks' acceptance bounds name metrics of `catalog`.
pub fn parse_year(file: &str, text: &str, catalog: &Catalog) -> Result<Year> {
    let loc = Locator { file, text };
    let raw: RawYear = loc.parse()?;
    let number = *raw.year.get_ref();
    if !(1..=i64::from(LAST_MONTH / 12)).contains(&number) {
        return loc.fail(
            raw.year.span(),
            format!("year {number} is outside years 1–4"),
        );
    }
    let number = number as u32;
    let months_range = months_of_year(number);
    let mut seen_months = HashSet::new();
    let mut seen_quarters = HashSet::new();
    let mut quarters = Vec::new();
    for rq in raw.quarter {
        let q = *rq.number.get_ref();
        if !(1..=4).contains(&q) {
            return loc.fail(
                rq.number.span(),
                format!("quarter {q} is outside quarters 1–4"),
            );
        }
        if !seen_quarters.insert(q) {
            return loc.fail(
                rq.number.span(),
                format!("quarter {q} is defined twice in year {number}"),
            );
        }
        let mut months = Vec::new();
        for rm in rq.month {
            let m = *rm.month.get_ref();
            let span = rm.month.span();
            if !(1..=i64::from(LAST_MONTH)).contains(&m) {
                return loc.fail(span, format!("month {m} is outside months 1–{LAST_MONTH}"));
            }
            let m = m as u32;
            if !months_range.contains(&m) {
                return loc.fail(
                    span,
                    format!(
                        "month {m} does not belong to year {number} (months {}–{})",
                        months_range.start(),
                        months_range.end()
                    ),
                );
            }
            if quarter_of(m) != q as u32 {
                return loc.fail(
                    span,
                    format!(
                        "month {m} belongs to quarter {}, not quarter {q}",
                        quarter_of(m)
                    ),
                );
            }
            if !seen_months.insert(m) {
                return loc.fail(span, format!("month {m} is defined twice"));
            }
            months.push(parse_month(&loc, m, rm, catalog)?);
        }
        months.sort_by_key(|m| m.number);
        quarters.push(Quarter {
            number: q as u32,
            theme: loc.text("the quarter's theme", rq.theme)?,
            goals: rq.goals,
            months,
        });
    }
    quarters.sort_by_key(|q| q.number);
    Ok(Year {
        number,
        title: loc.text("the year's title", raw.title)?,
        focus: raw.focus,
        quarters,
    })
}

/// A task's `accept = { metric, min | max }`, checked against the catalog:
/// a known metric, a bound on the side its direction calls good, inside its
/// range.
fn parse_accept(loc: &Locator, raw: Spanned<RawAccept>, catalog: &Catalog) -> Result<Acceptance> {
    let span = raw.span();
    let a = raw.into_inner();
    let Some(def) = catalog.get(&a.metric) else {
        let near = closest(&a.metric, catalog.metrics.iter().map(|m| m.id.as_str()), 3);
        let hint = if near.is_empty() {
            "define it in metrics.toml first".to_string()
        } else {
            format!("did you mean {}?", quote_list(&near))
        };
        return loc.fail(
            span,
            format!("accept names unknown metric \"{}\"; {hint}", a.metric),
        );
    };
    let (good, bad) = match def.direction {
        Direction::Higher => ("min", a.max.map(|_| "max")),
        Direction::Lower => ("max", a.min.map(|_| "min")),
    };
    if a.min.is_none() && a.max.is_none() {
        return loc.fail(
            span,
            format!(
                "accept needs a bound: write {good} = N ({} is {}-is-better)",
                def.id,
                def.direction.as_str()
            ),
        );
    }
    if let Some(bad) = bad {
        return loc.fail(
            span,
            format!(
                "accept gives {bad} for {}, which is {}-is-better; write {good} = N",
                def.id,
                def.direction.as_str()
            ),
        );
    }
    for v in [a.min, a.max].into_iter().flatten() {
        if !(def.min..=def.max).contains(&v) {
            return loc.fail(
                span,
                format!(
                    "accept bound {v} for {} is outside its range {}–{} ({})",
                    def.id, def.min, def.max, def.unit
                ),
            );
        }
    }
    Ok(Acceptance {
        metric: def.id.clone(),
        min: a.min,
        max: a.max,
    })
}

fn parse_month(loc: &Locator, number: u32, rm: RawMonth, catalog: &Catalog) -> Result<Month> {
    let mut blocks = Vec::new();
    for rb in rm.block {
        let weeks = match WeekRange::parse(rb.weeks.get_ref()) {
            Some(Ok(w)) => w,
            Some(Err(why)) => return loc.fail(rb.weeks.span(), why),
            None => {
                return loc.fail(
                    rb.weeks.span(),
                    format!(
                        "weeks \"{}\" is not a week range; write \"1-2\" or \"3\" (weeks 1–4)",
                        rb.weeks.get_ref()
                    ),
                )
            }
        };
        let mut seen = HashSet::new();
        let mut tasks = Vec::new();
        for rt in rb.task {
            let title = rt.title.get_ref().trim().to_string();
            if let Err(why) = crate::domain::validate::check_text(
                "the task title",
                &title,
                crate::domain::validate::MAX_NAME,
                false,
            ) {
                return loc.fail(rt.title.span(), why);
            }
            let key = normalize(&title);
            if key.is_empty() {
                return loc.fail(rt.title.span(), "task title is empty");
            }
            if !seen.insert(key) {
                return loc.fail(
                    rt.title.span(),
                    format!("task \"{title}\" appears twice in month {number} weeks {weeks}; give each task of a block its own title"),
                );
            }
            let accept = match rt.accept {
                Some(a) => Some(parse_accept(loc, a, catalog)?),
                None => None,
            };
            tasks.push(Task {
                title,
                deliverable: rt.deliverable,
                metric: rt.metric,
                accept,
            });
        }
        blocks.push(Block {
            weeks,
            title: loc.text("the block's title", rb.title)?,
            dogfood: rb.dogfood,
            tasks,
        });
    }
    Ok(Month {
        number,
        title: loc.text("the month's title", rm.title)?,
        dogfood: rm.dogfood,
        blocks,
    })
}

/// Parses the metric catalog and its targets.
pub fn parse_catalog(file: &str, text: &str) -> Result<Catalog> {
    let loc = Locator { file, text };
    let raw: RawCatalog = loc.parse()?;
    let mut metrics: Vec<MetricDef> = Vec::new();
    for rm in raw.metric {
        let id = rm.id.get_ref().trim().to_string();
        if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric()) {
            return loc.fail(
                rm.id.span(),
                format!(
                    "metric id \"{id}\" must be letters and digits in camelCase, like cacheHitRate"
                ),
            );
        }
        if metrics.iter().any(|m| normalize(&m.id) == normalize(&id)) {
            return loc.fail(rm.id.span(), format!("metric \"{id}\" is defined twice"));
        }
        let direction = match rm.direction.get_ref().as_str() {
            "higher" => Direction::Higher,
            "lower" => Direction::Lower,
            other => {
                return loc.fail(
                    rm.direction.span(),
                    format!("direction \"{other}\" must be \"higher\" or \"lower\""),
                )
            }
        };
        let (min, max) = (*rm.min.get_ref(), *rm.max.get_ref());
        // A bound of inf or nan makes every comparison and every figure
        // drawn from it meaningless.
        for (name, v, span) in [("min", min, rm.min.span()), ("max", max, rm.max.span())] {
            if !v.is_finite() {
                return loc.fail(
                    span,
                    format!("{name} {v} must be a finite number, like 0 or 100"),
                );
            }
        }
        if min >= max {
            return loc.fail(
                rm.max.span(),
                format!("max {max} must be greater than min {min}"),
            );
        }
        let baseline = match rm.baseline {
            Some(b) if !(min..=max).contains(b.get_ref()) => {
                return loc.fail(
                    b.span(),
                    format!("baseline {} is outside {min}–{max}", b.get_ref()),
                )
            }
            b => b.map(|b| b.into_inner()),
        };
        metrics.push(MetricDef {
            id,
            name: rm.name,
            unit: rm.unit,
            direction,
            min,
            max,
            baseline,
            description: rm.description,
            targets: Vec::new(),
        });
    }
    for rt in raw.target {
        let id = rt.metric.get_ref();
        let Some(idx) = metrics.iter().position(|m| &m.id == id) else {
            let near = closest(id, metrics.iter().map(|m| m.id.as_str()), 3);
            let hint = if near.is_empty() {
                "define it in a [[metric]] table first".to_string()
            } else {
                format!("did you mean {}?", quote_list(&near))
            };
            return loc.fail(
                rt.metric.span(),
                format!("target for unknown metric \"{id}\"; {hint}"),
            );
        };
        let month = *rt.month.get_ref();
        if !(1..=i64::from(LAST_MONTH)).contains(&month) {
            return loc.fail(
                rt.month.span(),
                format!("target month {month} is outside months 1–{LAST_MONTH}"),
            );
        }
        let metric = &mut metrics[idx];
        let value = *rt.value.get_ref();
        if !(metric.min..=metric.max).contains(&value) {
            return loc.fail(
                rt.value.span(),
                format!(
                    "target {value} for {} is outside its range {}–{}",
                    metric.id, metric.min, metric.max
                ),
            );
        }
        if metric.targets.iter().any(|t| i64::from(t.month) == month) {
            return loc.fail(
                rt.month.span(),
                format!("{} has two targets for month {month}", metric.id),
            );
        }
        metric.targets.push(Target {
            month: month as u32,
            value,
        });
    }
    for m in &mut metrics {
        m.targets.sort_by_key(|t| t.month);
    }
    let mut dogfood_targets = BTreeMap::new();
    for (name, value) in raw.dogfood {
        let Some(kind) = DogfoodKind::parse(&name) else {
            return loc.fail(
                value.span(),
                format!(
                    "unknown dog-food kind \"{name}\"; use improvement, test, optimization or doc"
                ),
            );
        };
        let v = *value.get_ref();
        if !(0.0..=100.0).contains(&v) {
            return loc.fail(
                value.span(),
                format!("dog-food target {v} must be a share from 0 to 100"),
            );
        }
        dogfood_targets.insert(kind, v);
    }
    Ok(Catalog {
        metrics,
        dogfood_targets,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const YEAR: &str = r#"year = 1
title = "t"

[[quarter]]
number = 1
theme = "q"

[[quarter.month]]
month = 2
title = "m"

[[quarter.month.block]]
weeks = "1-2"
title = "b"

[[quarter.month.block.task]]
title = "Do it"
"#;

    fn test_catalog() -> Catalog {
        parse_catalog("m.toml", CATALOG).unwrap()
    }

    fn year_err(text: &str) -> String {
        parse_year("y.toml", text, &test_catalog())
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn titles_with_control_or_invisible_characters_are_refused_at_their_line() {
        for (from, to) in [
            ("title = \"Do it\"", "title = \"Do\\u001bit\""),
            ("title = \"Do it\"", "title = \"Do\\u000bit\""),
            ("title = \"b\"", "title = \"b\\u202e\""),
            ("title = \"m\"", "title = \"m\\u0007\""),
        ] {
            let text = YEAR.replacen(from, to, 1);
            assert_ne!(text, YEAR);
            let e = year_err(&text);
            assert!(
                e.starts_with("y.toml:") && e.contains("invisible or control character"),
                "{to}: {e}"
            );
        }
        let e = year_err(&YEAR.replacen("title = \"Do it\"", "title = \"Do\\u001bit\"", 1));
        assert!(e.starts_with("y.toml:17:"), "{e}");
    }

    #[test]
    fn a_valid_year_parses() {
        let y = parse_year("y.toml", YEAR, &test_catalog()).unwrap();
        assert_eq!(y.quarters[0].months[0].blocks[0].tasks[0].title, "Do it");
    }

    #[test]
    fn acceptance_names_a_catalog_metric_on_its_good_side_within_range() {
        let with = |accept: &str| {
            YEAR.replace(
                "title = \"Do it\"",
                &format!("title = \"Do it\"\naccept = {accept}"),
            )
        };
        let y = parse_year(
            "y.toml",
            &with("{ metric = \"cacheHitRate\", min = 40 }"),
            &test_catalog(),
        )
        .unwrap();
        let a = y.quarters[0].months[0].blocks[0].tasks[0]
            .accept
            .clone()
            .unwrap();
        assert_eq!(
            (a.metric.as_str(), a.min, a.max),
            ("cacheHitRate", Some(40.0), None)
        );
        let e = year_err(&with("{ metric = \"cacheHitRat\", min = 40 }"));
        assert!(
            e.contains("unknown metric \"cacheHitRat\"; did you mean \"cacheHitRate\"?"),
            "{e}"
        );
        let e = year_err(&with("{ metric = \"cacheHitRate\", max = 40 }"));
        assert!(
            e.contains("gives max for cacheHitRate, which is higher-is-better; write min = N"),
            "{e}"
        );
        let e = year_err(&with("{ metric = \"cacheHitRate\" }"));
        assert!(e.contains("accept needs a bound: write min = N"), "{e}");
        let e = year_err(&with("{ metric = \"cacheHitRate\", min = 140 }"));
        assert!(e.contains("outside its range 0–100"), "{e}");
        let e = year_err(&with("{ metric = \"cacheHitRate\", min = 4, at = 3 }"));
        assert!(e.contains("unknown field `at`"), "{e}");
    }

    #[test]
    fn month_out_of_year_is_located() {
        let e = year_err(&YEAR.replace("month = 2", "month = 13"));
        assert!(
            e.starts_with("y.toml:9:9: month 13 does not belong to year 1"),
            "{e}"
        );
        let e = year_err(&YEAR.replace("month = 2", "month = 60"));
        assert!(e.contains("month 60 is outside months 1–48"), "{e}");
    }

    #[test]
    fn month_in_wrong_quarter_or_twice_is_rejected() {
        let e = year_err(&YEAR.replace("month = 2", "month = 5"));
        assert!(
            e.contains("month 5 belongs to quarter 2, not quarter 1"),
            "{e}"
        );
        let twice = format!("{YEAR}\n[[quarter.month]]\nmonth = 2\ntitle = \"again\"\n");
        let e = year_err(&twice);
        assert!(e.contains("month 2 is defined twice"), "{e}");
        assert!(e.starts_with("y.toml:20:"), "{e}");
    }

    #[test]
    fn bad_weeks_are_rejected() {
        let e = year_err(&YEAR.replace("\"1-2\"", "\"3-5\""));
        assert!(
            e.starts_with("y.toml:13:9:") && e.contains("outside weeks 1–4"),
            "{e}"
        );
        let e = year_err(&YEAR.replace("\"1-2\"", "\"soon\""));
        assert!(e.contains("not a week range"), "{e}");
    }

    #[test]
    fn duplicate_task_titles_in_a_block_are_rejected() {
        let dup = format!("{YEAR}\n[[quarter.month.block.task]]\ntitle = \"do IT\"\n");
        let e = year_err(&dup);
        assert!(
            e.contains("task \"do IT\" appears twice in month 2 weeks 1-2"),
            "{e}"
        );
    }

    #[test]
    fn toml_syntax_and_unknown_keys_are_located() {
        let e = year_err(&YEAR.replace("title = \"t\"", "title = "));
        assert!(e.starts_with("y.toml:2:"), "{e}");
        let e = year_err(&YEAR.replace("theme = \"q\"", "theme = \"q\"\ncolour = 1"));
        assert!(e.starts_with("y.toml:7:1:") && e.contains("colour"), "{e}");
        assert!(!e.contains('\n'));
    }

    const CATALOG: &str = r#"[[metric]]
id = "cacheHitRate"
name = "Cache hit rate"
unit = "%"
direction = "higher"
min = 0
max = 100
baseline = 15

[[target]]
metric = "cacheHitRate"
month = 1
value = 40

[dogfood]
test = 90
"#;

    #[test]
    fn catalog_parses_and_rejects_unknown_metric_targets() {
        let c = parse_catalog("m.toml", CATALOG).unwrap();
        assert_eq!(
            c.metrics[0].targets,
            vec![Target {
                month: 1,
                value: 40.0
            }]
        );
        let e = parse_catalog(
            "m.toml",
            &CATALOG.replace("metric = \"cacheHitRate\"", "metric = \"cacheHitRat\""),
        )
        .unwrap_err()
        .to_string();
        assert!(e.starts_with("m.toml:11:10: target for unknown metric \"cacheHitRat\"; did you mean \"cacheHitRate\"?"), "{e}");
    }

    #[test]
    fn catalog_rejects_out_of_range_targets_and_directions() {
        let e = parse_catalog("m.toml", &CATALOG.replace("value = 40", "value = 140"))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("target 140 for cacheHitRate is outside its range"),
            "{e}"
        );
        let e = parse_catalog("m.toml", &CATALOG.replace("\"higher\"", "\"up\""))
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("m.toml:5:13:"), "{e}");
        let e = parse_catalog("m.toml", &CATALOG.replace("test = 90", "tset = 90"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("unknown dog-food kind \"tset\""), "{e}");
        for (from, to, want) in [
            ("max = 100", "max = inf", "max inf must be a finite number"),
            ("max = 100", "max = nan", "max NaN must be a finite number"),
            ("min = 0", "min = -inf", "min -inf must be a finite number"),
        ] {
            let text = CATALOG.replacen(from, to, 1);
            assert_ne!(text, CATALOG, "{from}");
            let e = parse_catalog("m.toml", &text).unwrap_err().to_string();
            assert!(e.starts_with("m.toml:") && e.contains(want), "{e}");
        }
    }
}
