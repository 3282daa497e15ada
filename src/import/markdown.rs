//! The Markdown roadmap format of the year-3 and year-4 documents:
//!
//! ```text
//! ## QUARTER 1: PRODUCTION DEPLOYMENT (Months 25-27)
//! ### **MONTH 25: Production Infrastructure** (January 2028)
//! #### **Week 1-2: Security & Compliance**
//! **Dog Food:** Use BEAST MODE to secure production
//! **Tasks:**
//! 1. **Security Hardening**
//!    - **Deliverable:** Hardened security system
//!    - **Metric:** Zero vulnerabilities
//! ```
//!
//! Only numbered items under `**Tasks:**` inside a week block are tasks; the
//! documents' numbered goal and priority lists look the same but sit outside
//! any week block, and must not inflate the denominators.

use anyhow::Result;

use super::mojibake;
use crate::domain::roadmap::{quarter_of, year_of, Block, Month, Quarter, Task, WeekRange, Year};
use crate::error;

/// Strips `**` emphasis markers.
fn unbold(text: &str) -> String {
    text.replace("**", "").trim().to_string()
}

/// `PRODUCTION DEPLOYMENT` → `Production Deployment`; mixed-case words stay.
fn title_case(text: &str) -> String {
    text.split_whitespace()
        .map(|w| {
            if w.chars().any(|c| c.is_lowercase()) {
                return w.to_string();
            }
            let mut cs = w.chars();
            match cs.next() {
                Some(first) => first.to_string() + &cs.as_str().to_lowercase(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// `"MONTH 25: Production Infrastructure (January 2028)"` → (25, title).
fn numbered_heading(text: &str, keyword: &str) -> Option<(String, String)> {
    let rest = text.trim().strip_prefix(keyword)?.trim_start();
    let (num, title) = rest.split_once(':')?;
    let mut title = title.trim().to_string();
    // Drop a trailing "(January 2028)" / "(Months 25-27)".
    if title.ends_with(')') {
        if let Some(open) = title.rfind('(') {
            title = title[..open].trim().to_string();
        }
    }
    Some((num.trim().to_string(), title))
}

/// A numbered list item `1. **Title** …` → the title.
fn numbered_item(line: &str) -> Option<String> {
    let (num, rest) = line.trim_start().split_once(". ")?;
    if num.is_empty() || !num.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let rest = rest.trim();
    let title = match rest.strip_prefix("**").and_then(|r| r.split_once("**")) {
        Some((bold, _)) => bold.to_string(),
        None => rest.to_string(),
    };
    Some(title.trim().to_string())
}

/// A labelled line `**Label:** value` or `- **Label:** value` → value.
fn labelled<'a>(line: &'a str, label: &str) -> Option<&'a str> {
    let line = line.trim_start().trim_start_matches(['-', '*', ' ']);
    let line = line.strip_prefix(label)?;
    let line = line
        .strip_prefix(":**")
        .or_else(|| line.strip_prefix("**:"))?;
    Some(line.trim())
}

struct Builder {
    file: String,
    year: Option<u32>,
    title: Option<String>,
    focus: Option<String>,
    quarters: Vec<Quarter>,
    /// Inside a quarter / month / week block; headings of other sections close them.
    in_month: bool,
    in_block: bool,
    in_tasks: bool,
}

impl Builder {
    fn fail<T>(&self, line_no: usize, what: impl std::fmt::Display) -> Result<T> {
        error::input(format!("{}:{line_no}: {what}", self.file))
    }

    fn month(&mut self) -> Option<&mut Month> {
        if !self.in_month {
            return None;
        }
        self.quarters.last_mut()?.months.last_mut()
    }

    fn block(&mut self) -> Option<&mut Block> {
        if !self.in_block {
            return None;
        }
        self.month()?.blocks.last_mut()
    }

    fn task(&mut self) -> Option<&mut Task> {
        if !self.in_tasks {
            return None;
        }
        self.block()?.tasks.last_mut()
    }
}

/// Parses a Markdown roadmap into one roadmap year.
pub fn parse(file: &str, text: &str) -> Result<Year> {
    let mut b = Builder {
        file: file.to_string(),
        year: None,
        title: None,
        focus: None,
        quarters: Vec::new(),
        in_month: false,
        in_block: false,
        in_tasks: false,
    };
    for (idx, raw_line) in text.lines().enumerate() {
        let line_no = idx + 1;
        let line = mojibake::clean(raw_line);
        if let Some(h) = line.strip_prefix("#### ") {
            b.in_block = false;
            b.in_tasks = false;
            let h = unbold(h);
            let Some((weeks, title)) = numbered_heading(&h, "Week") else {
                continue;
            };
            let weeks = match WeekRange::parse(&weeks) {
                Some(Ok(w)) => w,
                Some(Err(why)) => return b.fail(line_no, why),
                None => {
                    return b.fail(
                        line_no,
                        format!("\"Week {weeks}\" is not a week range like \"Week 1-2\""),
                    )
                }
            };
            let Some(month) = b.month() else {
                return b.fail(
                    line_no,
                    "a week block appears outside any \"### **MONTH N: …**\" section",
                );
            };
            month.blocks.push(Block {
                weeks,
                title,
                dogfood: None,
                tasks: Vec::new(),
            });
            b.in_block = true;
        } else if let Some(h) = line.strip_prefix("### ") {
            b.in_month = false;
            b.in_block = false;
            b.in_tasks = false;
            let Some((num, title)) = numbered_heading(&unbold(h), "MONTH") else {
                continue;
            };
            let Ok(month) = num.parse::<u32>() else {
                return b.fail(
                    line_no,
                    format!("\"MONTH {num}\" does not name a month number"),
                );
            };
            if !(1..=crate::domain::roadmap::LAST_MONTH).contains(&month) {
                return b.fail(line_no, format!("month {month} is outside months 1–48"));
            }
            let q = quarter_of(month);
            if b.quarters.last().map(|x| x.number) != Some(q) {
                b.quarters.push(Quarter {
                    number: q,
                    theme: format!("Quarter {q}"),
                    goals: Vec::new(),
                    months: Vec::new(),
                });
            }
            let quarter = b.quarters.last_mut().expect("pushed above");
            quarter.months.push(Month {
                number: month,
                title,
                dogfood: None,
                blocks: Vec::new(),
            });
            b.in_month = true;
        } else if let Some(h) = line.strip_prefix("## ") {
            b.in_month = false;
            b.in_block = false;
            b.in_tasks = false;
            if let Some((num, theme)) = numbered_heading(&unbold(h), "QUARTER") {
                let Ok(q) = num.parse::<u32>() else {
                    return b.fail(
                        line_no,
                        format!("\"QUARTER {num}\" does not name a quarter number"),
                    );
                };
                if !(1..=4).contains(&q) {
                    return b.fail(line_no, format!("quarter {q} is outside quarters 1–4"));
                }
                b.quarters.push(Quarter {
                    number: q,
                    theme: title_case(&theme),
                    goals: Vec::new(),
                    months: Vec::new(),
                });
            }
        } else if let Some(h) = line.strip_prefix("# ") {
            let h = unbold(h);
            if let Some(pos) = h.find("YEAR ") {
                let digits: String = h[pos + 5..]
                    .chars()
                    .take_while(|c| c.is_ascii_digit())
                    .collect();
                b.year = digits.parse().ok();
            }
            b.title = Some(h.trim_start_matches(['-', ' ']).to_string());
        } else if let Some(focus) = labelled(&line, "Focus") {
            b.focus = Some(focus.to_string());
        } else if let Some(dogfood) = labelled(&line, "Dog Food") {
            let dogfood = Some(dogfood.to_string());
            if let Some(block) = b.block() {
                block.dogfood = dogfood;
            } else if let Some(month) = b.month() {
                month.dogfood = dogfood;
            }
        } else if line.trim() == "**Tasks:**" {
            b.in_tasks = b.in_block;
        } else if let Some(value) = labelled(&line, "Deliverable") {
            let value = value.to_string();
            if let Some(task) = b.task() {
                task.deliverable = Some(value);
            }
        } else if let Some(value) = labelled(&line, "Metric") {
            let value = value.to_string();
            if let Some(task) = b.task() {
                task.metric = Some(value);
            }
        } else if let Some(title) = numbered_item(&line) {
            if b.in_tasks {
                if let Some(block) = b.block() {
                    block.tasks.push(Task {
                        title,
                        deliverable: None,
                        metric: None,
                        accept: None,
                    });
                }
            }
        }
    }
    let first_month = b
        .quarters
        .iter()
        .flat_map(|q| &q.months)
        .map(|m| m.number)
        .min();
    let Some(first_month) = first_month else {
        return error::input(format!(
            "{file}: no \"### **MONTH N: …**\" headings found; is this a roadmap in the year-3 Markdown format?"
        ));
    };
    let number = b.year.unwrap_or_else(|| year_of(first_month));
    b.quarters.retain(|q| !q.months.is_empty());
    // The documents' headings repeat the year ("… - YEAR 3 ROADMAP"); their
    // focus line says what the year is about, which makes the better title.
    let (title, focus) = match (b.focus, b.title) {
        (Some(focus), _) => (focus, None),
        (None, Some(heading)) => (heading, None),
        (None, None) => (format!("Year {number}"), None),
    };
    Ok(Year {
        number,
        title,
        focus,
        quarters: b.quarters,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roadmap_files::{parse_year, year_to_toml};

    fn fixture(name: &str) -> String {
        let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read_to_string(path).unwrap()
    }

    fn shape(year: &Year) -> (usize, usize, usize) {
        let months: Vec<&Month> = year.quarters.iter().flat_map(|q| &q.months).collect();
        let blocks = months.iter().map(|m| m.blocks.len()).sum();
        let tasks = months
            .iter()
            .flat_map(|m| &m.blocks)
            .map(|b| b.tasks.len())
            .sum();
        (months.len(), blocks, tasks)
    }

    #[test]
    fn year_three_has_12_months_24_blocks_72_tasks() {
        let y = parse("year3.md", &fixture("year3.md")).unwrap();
        assert_eq!(y.number, 3);
        assert_eq!(shape(&y), (12, 24, 72));
        assert_eq!(y.quarters.len(), 4);
        assert_eq!(y.quarters[0].theme, "Production Deployment");
        let m = &y.quarters[0].months[0];
        assert_eq!(
            (m.number, m.title.as_str()),
            (25, "Production Infrastructure")
        );
        let b = &m.blocks[0];
        assert_eq!(b.weeks, WeekRange { first: 1, last: 2 });
        assert_eq!(b.title, "Security & Compliance");
        assert_eq!(
            b.dogfood.as_deref(),
            Some("Use BEAST MODE to secure production")
        );
        let t = &b.tasks[0];
        assert_eq!(t.title, "Security Hardening");
        assert_eq!(t.deliverable.as_deref(), Some("Hardened security system"));
        assert_eq!(t.metric.as_deref(), Some("Zero vulnerabilities"));
        // The "YEAR 3 PRIORITIES" numbered list is not a task.
        assert!(!y
            .quarters
            .iter()
            .flat_map(|q| &q.months)
            .flat_map(|m| &m.blocks)
            .flat_map(|b| &b.tasks)
            .any(|t| t.title == "Production Excellence"));
    }

    #[test]
    fn year_four_has_12_months_24_blocks_72_tasks() {
        let y = parse("year4.md", &fixture("year4.md")).unwrap();
        assert_eq!(y.number, 4);
        assert_eq!(shape(&y), (12, 24, 72));
        let months: Vec<u32> = y
            .quarters
            .iter()
            .flat_map(|q| &q.months)
            .map(|m| m.number)
            .collect();
        assert_eq!(months, (37..=48).collect::<Vec<_>>());
        assert!(y
            .quarters
            .iter()
            .flat_map(|q| &q.months)
            .flat_map(|m| &m.blocks)
            .flat_map(|b| &b.tasks)
            .all(|t| t.deliverable.is_some() && t.metric.is_some()));
    }

    #[test]
    fn imported_years_round_trip_through_toml() {
        for name in ["year3.md", "year4.md"] {
            let y = parse(name, &fixture(name)).unwrap();
            let toml = year_to_toml(&y, "");
            let catalog = crate::roadmap_files::load(&crate::roadmap_files::embedded())
                .unwrap()
                .0;
            assert_eq!(
                parse_year("out.toml", &toml, &catalog).unwrap(),
                y,
                "{name}"
            );
        }
    }

    #[test]
    fn the_checked_in_year_files_are_the_import_of_the_seeds_plus_acceptance() {
        let catalog = crate::roadmap_files::load(&crate::roadmap_files::embedded())
            .unwrap()
            .0;
        for (md, toml) in [("year3.md", "year3.toml"), ("year4.md", "year4.toml")] {
            let imported = parse(md, &fixture(md)).unwrap();
            let path = format!("{}/roadmap/{toml}", env!("CARGO_MANIFEST_DIR"));
            let mut checked_in =
                parse_year(toml, &std::fs::read_to_string(path).unwrap(), &catalog).unwrap();
            // Acceptance bounds are added by hand, each with its seed line.
            let mut accepted = 0;
            for t in checked_in
                .quarters
                .iter_mut()
                .flat_map(|q| &mut q.months)
                .flat_map(|m| &mut m.blocks)
                .flat_map(|b| &mut b.tasks)
            {
                accepted += usize::from(t.accept.take().is_some());
            }
            assert!(accepted >= 10, "{toml}: {accepted} tasks with acceptance");
            assert_eq!(
                checked_in, imported,
                "roadmap/{toml} differs from importing {md}"
            );
        }
    }

    #[test]
    fn input_without_months_is_an_error() {
        let e = parse("notes.md", "# Notes\n\n1. **Thing**\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("no \"### **MONTH N: …**\" headings"), "{e}");
    }

    #[test]
    fn bad_week_range_names_the_line() {
        let md = "### **MONTH 2: X**\n#### **Week 3-6: Y**\n";
        let e = parse("x.md", md).unwrap_err().to_string();
        assert!(e.starts_with("x.md:2: "), "{e}");
    }
}
