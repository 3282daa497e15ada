//! Progress with real denominators: the number of planned tasks in scope comes
//! from the roadmap, never from what has been recorded.

use std::collections::HashSet;

use super::roadmap::{quarter_of, year_of, Roadmap, TaskRef};

/// Completed and planned tasks in one scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Tally {
    pub completed: usize,
    pub total: usize,
    /// Completed and verified (see `crate::domain::claims`).
    pub verified: usize,
    /// Completed, with a measured reading that misses the task's
    /// acceptance.
    pub target_unmet: usize,
}

impl Tally {
    /// Percentage 0–100, or `None` when the scope has no planned tasks (a month
    /// of year 2, which has no roadmap) — 0 of 0 is not "0 %" nor "100 %".
    pub fn percent(self) -> Option<f64> {
        (self.total > 0).then(|| self.completed as f64 * 100.0 / self.total as f64)
    }
}

/// Which tasks a tally counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Overall,
    Year(u32),
    /// Year and quarter within it.
    Quarter(u32, u32),
    Month(u32),
}

impl Scope {
    fn includes(self, month: u32) -> bool {
        match self {
            Scope::Overall => true,
            Scope::Year(y) => year_of(month) == y,
            Scope::Quarter(y, q) => year_of(month) == y && quarter_of(month) == q,
            Scope::Month(m) => month == m,
        }
    }
}

/// Counts planned tasks in `scope` and how many of them are in `done`.
/// Completions that no longer match a planned task (the roadmap was edited)
/// are not counted: the numerator can never exceed the denominator.
pub fn tally(roadmap: &Roadmap, done: &HashSet<TaskRef>, scope: Scope) -> Tally {
    tally_verified(roadmap, done, &HashSet::new(), &HashSet::new(), scope)
}

/// [`tally`], also counting the done tasks that are in `verified`.
pub fn tally_verified(
    roadmap: &Roadmap,
    done: &HashSet<TaskRef>,
    verified: &HashSet<TaskRef>,
    unmet: &HashSet<TaskRef>,
    scope: Scope,
) -> Tally {
    let mut t = Tally::default();
    for task in roadmap.tasks().filter(|l| scope.includes(l.month.number)) {
        t.total += 1;
        let r = task.task_ref();
        if done.contains(&r) {
            t.completed += 1;
            if verified.contains(&r) {
                t.verified += 1;
            } else if unmet.contains(&r) {
                t.target_unmet += 1;
            }
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::roadmap::*;

    fn roadmap() -> Roadmap {
        let task = |t: &str| Task {
            title: t.into(),
            deliverable: None,
            metric: None,
            accept: None,
        };
        let month = |n: u32, tasks: &[&str]| Month {
            number: n,
            title: format!("M{n}"),
            dogfood: None,
            blocks: vec![Block {
                weeks: WeekRange { first: 1, last: 4 },
                title: "all".into(),
                dogfood: None,
                tasks: tasks.iter().map(|t| task(t)).collect(),
            }],
        };
        Roadmap {
            name: "t".into(),
            start: (2026, 1),
            years: vec![
                Year {
                    number: 1,
                    title: "Y1".into(),
                    focus: None,
                    quarters: vec![
                        Quarter {
                            number: 1,
                            theme: "Q1".into(),
                            goals: vec![],
                            months: vec![month(1, &["a", "b"]), month(2, &["c"])],
                        },
                        Quarter {
                            number: 2,
                            theme: "Q2".into(),
                            goals: vec![],
                            months: vec![month(4, &["d"])],
                        },
                    ],
                },
                Year {
                    number: 3,
                    title: "Y3".into(),
                    focus: None,
                    quarters: vec![Quarter {
                        number: 1,
                        theme: "Q1".into(),
                        goals: vec![],
                        months: vec![month(25, &["e", "f"])],
                    }],
                },
            ],
        }
    }

    fn done(refs: &[(u32, &str)]) -> HashSet<TaskRef> {
        refs.iter()
            .map(|(m, k)| TaskRef {
                month: *m,
                block_first_week: 1,
                key: k.to_string(),
            })
            .collect()
    }

    #[test]
    fn denominators_come_from_the_roadmap() {
        let r = roadmap();
        let d = done(&[(1, "a"), (25, "e")]);
        assert_eq!(
            tally(&r, &d, Scope::Overall),
            Tally {
                completed: 2,
                total: 6,
                verified: 0,
                target_unmet: 0,
            }
        );
        assert_eq!(
            tally(&r, &d, Scope::Year(1)),
            Tally {
                completed: 1,
                total: 4,
                verified: 0,
                target_unmet: 0,
            }
        );
        assert_eq!(
            tally(&r, &d, Scope::Quarter(1, 1)),
            Tally {
                completed: 1,
                total: 3,
                verified: 0,
                target_unmet: 0,
            }
        );
        assert_eq!(
            tally(&r, &d, Scope::Month(25)),
            Tally {
                completed: 1,
                total: 2,
                verified: 0,
                target_unmet: 0,
            }
        );
    }

    #[test]
    fn orphaned_completions_do_not_inflate_progress() {
        let r = roadmap();
        let d = done(&[(1, "a"), (1, "renamed"), (3, "x")]);
        assert_eq!(
            tally(&r, &d, Scope::Year(1)),
            Tally {
                completed: 1,
                total: 4,
                verified: 0,
                target_unmet: 0,
            }
        );
    }

    #[test]
    fn a_year_without_roadmap_has_no_percentage() {
        let r = roadmap();
        let t = tally(&r, &HashSet::new(), Scope::Year(2));
        assert_eq!(
            t,
            Tally {
                completed: 0,
                total: 0,
                verified: 0,
                target_unmet: 0,
            }
        );
        assert_eq!(t.percent(), None);
        assert_eq!(
            Tally {
                completed: 1,
                total: 4,
                verified: 0,
                target_unmet: 0,
            }
            .percent(),
            Some(25.0)
        );
    }
}
