//! The roadmap tree: years → quarters → months → week blocks → tasks.
//!
//! Months are numbered globally (1–48): month 25 is the first month of year 3.
//! That is how the seeds and the users speak (`beast complete 25 1 …`), and it
//! makes the calendar arithmetic a single subtraction.

use crate::domain::matching::normalize;

/// Highest month any roadmap may describe (year 4 ends at month 48).
pub const LAST_MONTH: u32 = 48;
/// Months per roadmap year.
pub const MONTHS_PER_YEAR: u32 = 12;

/// The year (1-based) a global month number belongs to.
pub fn year_of(month: u32) -> u32 {
    (month - 1) / MONTHS_PER_YEAR + 1
}

/// The quarter within its year (1–4) a global month number belongs to.
pub fn quarter_of(month: u32) -> u32 {
    ((month - 1) % MONTHS_PER_YEAR) / 3 + 1
}

/// The global month numbers a year covers.
pub fn months_of_year(year: u32) -> std::ops::RangeInclusive<u32> {
    let first = (year - 1) * MONTHS_PER_YEAR + 1;
    first..=first + MONTHS_PER_YEAR - 1
}

/// The whole loaded roadmap. Years are sorted; a year may be missing (year 2
/// has no source document), and every consumer has to cope with that gap.
#[derive(Debug, Clone, PartialEq)]
pub struct Roadmap {
    /// What the team calls it ("BEAST MODE roadmap" for the built-in one).
    pub name: String,
    /// The calendar (year, month) of its month 1.
    pub start: (i32, u32),
    pub years: Vec<Year>,
}

/// The built-in roadmap's name.
pub const BUILT_IN_NAME: &str = "BEAST MODE roadmap";

impl Default for Roadmap {
    fn default() -> Roadmap {
        Roadmap {
            name: BUILT_IN_NAME.to_string(),
            start: (super::calendar::START_YEAR, super::calendar::START_MONTH),
            years: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Year {
    pub number: u32,
    pub title: String,
    pub focus: Option<String>,
    pub quarters: Vec<Quarter>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Quarter {
    /// Quarter within the year, 1–4.
    pub number: u32,
    pub theme: String,
    pub goals: Vec<String>,
    pub months: Vec<Month>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Month {
    /// Global month number, 1–48.
    pub number: u32,
    pub title: String,
    pub dogfood: Option<String>,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub weeks: WeekRange,
    pub title: String,
    pub dogfood: Option<String>,
    pub tasks: Vec<Task>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Task {
    pub title: String,
    pub deliverable: Option<String>,
    /// What the seed says "done" looks like, as written.
    pub metric: Option<String>,
    /// The same as a measurable bound on a catalog metric, where the seed
    /// gives one: a completion is verified when a measured reading meets it.
    pub accept: Option<Acceptance>,
}

/// A task's measurable definition of done: a catalog metric and the bound its
/// reading must reach, in the catalog's unit.
#[derive(Debug, Clone, PartialEq, serde::Serialize, schemars::JsonSchema)]
pub struct Acceptance {
    pub metric: String,
    /// Met by readings at or above this (higher-is-better metrics).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// Met by readings at or below this (lower-is-better metrics).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
}

impl Acceptance {
    /// Whether a reading of the metric meets the bound.
    ///
    /// ```
    /// use beast::domain::roadmap::Acceptance;
    /// let a = Acceptance { metric: "latency".into(), min: None, max: Some(200.0) };
    /// assert!(a.met(200.0) && !a.met(200.5));
    /// ```
    pub fn met(&self, value: f64) -> bool {
        self.min.is_none_or(|m| value >= m) && self.max.is_none_or(|m| value <= m)
    }

    /// The bound as people read it: "cacheHitRate ≥ 40".
    pub fn describe(&self) -> String {
        use crate::domain::catalog::fmt_number;
        match (self.min, self.max) {
            (Some(lo), Some(hi)) => {
                format!("{} {}–{}", self.metric, fmt_number(lo), fmt_number(hi))
            }
            (Some(lo), None) => format!("{} ≥ {}", self.metric, fmt_number(lo)),
            (None, Some(hi)) => format!("{} ≤ {}", self.metric, fmt_number(hi)),
            (None, None) => self.metric.clone(),
        }
    }
}

/// An inclusive range of weeks within a month, 1–4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct WeekRange {
    pub first: u8,
    pub last: u8,
}

impl WeekRange {
    pub fn contains(self, week: u8) -> bool {
        (self.first..=self.last).contains(&week)
    }

    /// How far `week` lies outside the block: 0 inside, otherwise the distance
    /// in weeks to the nearest edge. Used to pick among same-named tasks.
    pub fn distance(self, week: u8) -> u8 {
        if week < self.first {
            self.first - week
        } else {
            week.saturating_sub(self.last)
        }
    }

    /// Parses `"1-2"` or `"3"`. Returns `None` for anything else; the caller
    /// knows the file position to report.
    pub fn parse(text: &str) -> Option<Result<WeekRange, String>> {
        let text = text.trim();
        let (a, b) = match text.split_once(['-', '–']) {
            Some((a, b)) => (a.trim(), b.trim()),
            None => (text, text),
        };
        let first: u8 = a.parse().ok()?;
        let last: u8 = b.parse().ok()?;
        if !(1..=4).contains(&first) || !(1..=4).contains(&last) {
            return Some(Err(format!("week range \"{text}\" is outside weeks 1–4")));
        }
        if first > last {
            return Some(Err(format!("week range \"{text}\" ends before it starts")));
        }
        Some(Ok(WeekRange { first, last }))
    }
}

impl std::fmt::Display for WeekRange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.first == self.last {
            write!(f, "{}", self.first)
        } else {
            write!(f, "{}-{}", self.first, self.last)
        }
    }
}

/// The stable identity of a planned task, as stored with a completion.
///
/// The title is kept normalised so that re-wording punctuation or case in the
/// TOML does not orphan recorded work; the block's first week tells apart
/// same-named tasks in different blocks of one month.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TaskRef {
    pub month: u32,
    pub block_first_week: u8,
    pub key: String,
}

impl TaskRef {
    /// The identity of `task` in `block` of month `month`.
    pub fn of(month: u32, block: &Block, task: &Task) -> TaskRef {
        TaskRef {
            month,
            block_first_week: block.weeks.first,
            key: normalize(&task.title),
        }
    }
}

/// A task together with where it sits in the tree.
#[derive(Debug, Clone, Copy)]
pub struct Located<'a> {
    pub year: &'a Year,
    pub quarter: &'a Quarter,
    pub month: &'a Month,
    pub block: &'a Block,
    pub task: &'a Task,
}

impl Located<'_> {
    pub fn task_ref(&self) -> TaskRef {
        TaskRef::of(self.month.number, self.block, self.task)
    }
}

impl Roadmap {
    pub fn year(&self, number: u32) -> Option<&Year> {
        self.years.iter().find(|y| y.number == number)
    }

    pub fn month(&self, number: u32) -> Option<&Month> {
        self.months().find(|m| m.number == number)
    }

    pub fn months(&self) -> impl Iterator<Item = &Month> {
        self.years
            .iter()
            .flat_map(|y| y.quarters.iter())
            .flat_map(|q| q.months.iter())
    }

    /// Every task with its position in the tree, in roadmap order.
    pub fn tasks(&self) -> impl Iterator<Item = Located<'_>> {
        self.years.iter().flat_map(|year| {
            year.quarters.iter().flat_map(move |quarter| {
                quarter.months.iter().flat_map(move |month| {
                    month.blocks.iter().flat_map(move |block| {
                        block.tasks.iter().map(move |task| Located {
                            year,
                            quarter,
                            month,
                            block,
                            task,
                        })
                    })
                })
            })
        })
    }

    /// Years 1..=last loaded year that have no roadmap file (year 2 today).
    pub fn missing_years(&self) -> Vec<u32> {
        let last = self.years.iter().map(|y| y.number).max().unwrap_or(0);
        (1..=last).filter(|n| self.year(*n).is_none()).collect()
    }

    /// The years loaded, for messages: "1, 3, 4".
    pub fn loaded_years(&self) -> String {
        let years: Vec<String> = self.years.iter().map(|y| y.number.to_string()).collect();
        years.join(", ")
    }

    pub fn task_count(&self) -> usize {
        self.tasks().count()
    }
}

impl Month {
    pub fn tasks(&self) -> impl Iterator<Item = (&Block, &Task)> {
        self.blocks
            .iter()
            .flat_map(|b| b.tasks.iter().map(move |t| (b, t)))
    }

    /// Finds the task a user meant. Exact matches on the normalised title
    /// come first; a unique title that starts with what was typed is accepted
    /// too ("semantic cache" → "Semantic cache matching"). Among same-named
    /// tasks the block containing `week`, else the nearest, wins. The error
    /// names the closest titles.
    pub fn find_task(&self, typed: &str, week: u8) -> Result<(&Block, &Task), String> {
        use crate::domain::matching::{closest, quote_list};
        let wanted = normalize(typed);
        let mut matches: Vec<(&Block, &Task)> = self
            .tasks()
            .filter(|(_, t)| normalize(&t.title) == wanted)
            .collect();
        // Part of a title is taken only when exactly one task of the month
        // holds it — anywhere in its title: a guess completes nothing.
        if matches.is_empty() && wanted.len() >= 4 {
            let holding: Vec<(&Block, &Task)> = self
                .tasks()
                .filter(|(_, t)| normalize(&t.title).contains(&wanted))
                .collect();
            let mut distinct: Vec<&str> = Vec::new();
            for (_, t) in &holding {
                if !distinct.iter().any(|d| normalize(d) == normalize(&t.title)) {
                    distinct.push(&t.title);
                }
            }
            if distinct.len() > 1 {
                return Err(format!(
                    "\"{typed}\" is part of {} tasks of month {}: {}; type more of the title",
                    distinct.len(),
                    self.number,
                    quote_list(&distinct)
                ));
            }
            matches = holding;
        }
        if matches.is_empty() {
            let titles: Vec<&str> = self.tasks().map(|(_, t)| t.title.as_str()).collect();
            let near = closest(typed, titles.iter().copied(), 3);
            let hint = if near.is_empty() {
                format!(
                    "its tasks are {}",
                    quote_list(&titles[..titles.len().min(6)])
                )
            } else {
                format!("did you mean {}?", quote_list(&near))
            };
            return Err(format!(
                "no task \"{typed}\" in month {} ({}); {hint} (all tasks: beast roadmap --month {})",
                self.number, self.title, self.number
            ));
        }
        matches.sort_by_key(|(b, _)| (b.weeks.distance(week), b.weeks.first));
        Ok(matches[0])
    }
}

/// When work was done relative to its task's week block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Timing {
    Early,
    OnTime,
    Late,
}

impl Timing {
    pub fn label(self) -> &'static str {
        match self {
            Timing::Early => "early",
            Timing::OnTime => "on time",
            Timing::Late => "late",
        }
    }

    /// The timing of work on a task of `month` planned for `weeks`, said
    /// to be done in `week` and recorded on `on`: a date after the month
    /// is late and one before it early, whatever week is given; within the
    /// month the weeks are compared.
    pub fn when(month: u32, weeks: WeekRange, week: u8, on: chrono::NaiveDate) -> Timing {
        use crate::domain::calendar::{month_end, month_start};
        if on > month_end(month) {
            Timing::Late
        } else if on < month_start(month) {
            Timing::Early
        } else {
            Timing::of(weeks, week)
        }
    }

    /// The timing of work done in `week` on a task planned for `weeks`.
    pub fn of(weeks: WeekRange, week: u8) -> Timing {
        if week < weeks.first {
            Timing::Early
        } else if week > weeks.last {
            Timing::Late
        } else {
            Timing::OnTime
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_map_to_years_and_quarters() {
        assert_eq!((year_of(1), quarter_of(1)), (1, 1));
        assert_eq!((year_of(3), quarter_of(3)), (1, 1));
        assert_eq!((year_of(4), quarter_of(4)), (1, 2));
        assert_eq!((year_of(12), quarter_of(12)), (1, 4));
        assert_eq!((year_of(13), quarter_of(13)), (2, 1));
        assert_eq!((year_of(25), quarter_of(25)), (3, 1));
        assert_eq!((year_of(36), quarter_of(36)), (3, 4));
        assert_eq!((year_of(48), quarter_of(48)), (4, 4));
        assert_eq!(months_of_year(3), 25..=36);
    }

    #[test]
    fn week_ranges_parse_and_reject() {
        assert_eq!(
            WeekRange::parse("1-2"),
            Some(Ok(WeekRange { first: 1, last: 2 }))
        );
        assert_eq!(
            WeekRange::parse("3"),
            Some(Ok(WeekRange { first: 3, last: 3 }))
        );
        assert!(matches!(WeekRange::parse("0-2"), Some(Err(_))));
        assert!(matches!(WeekRange::parse("3-5"), Some(Err(_))));
        assert!(matches!(WeekRange::parse("4-3"), Some(Err(_))));
        assert_eq!(WeekRange::parse("soon"), None);
    }

    #[test]
    fn week_distance_is_zero_inside_and_counts_outside() {
        let b = WeekRange { first: 3, last: 4 };
        assert_eq!(b.distance(3), 0);
        assert_eq!(b.distance(4), 0);
        assert_eq!(b.distance(1), 2);
        let a = WeekRange { first: 1, last: 2 };
        assert_eq!(a.distance(4), 2);
    }
}
