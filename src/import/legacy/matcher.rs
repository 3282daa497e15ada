//! Matching the team's task names to roadmap titles on the words that carry
//! meaning. Kept apart from the file format: this is the part that decides,
//! and the part to tune.

use std::collections::{BTreeMap, HashMap};

use crate::domain::{Block, Month, Task};

/// Verbs the team put in front of task names; they say little.
const VERBS: &[&str] = &[
    "build",
    "implement",
    "add",
    "create",
    "develop",
    "set",
    "setup",
    "design",
    "make",
    "introduce",
    "write",
    "deploy",
    "enable",
    "establish",
    "complete",
    "finish",
];
/// Generic nouns the team put after task names; they say little.
const GENERIC: &[&str] = &[
    "system",
    "systems",
    "framework",
    "frameworks",
    "tool",
    "tools",
    "tooling",
    "dashboard",
    "dashboards",
    "module",
    "service",
    "engine",
    "pipeline",
    "support",
    "feature",
    "layer",
    "solution",
    "mechanism",
    "capability",
    "capabilities",
];
const STOP: &[&str] = &[
    "a", "an", "the", "and", "or", "for", "of", "to", "with", "in", "on", "via", "by", "at",
    "from", "into", "up", "new",
];

/// A light stemmer: enough that "balancer", "balancing" and "balance" meet.
fn stem(word: &str) -> String {
    let mut w = word.to_string();
    for suffix in [
        "ations", "ation", "ments", "ment", "ings", "ing", "ers", "er", "ies", "ed", "es", "s", "e",
    ] {
        if w.len() >= suffix.len() + 4 && w.ends_with(suffix) {
            w.truncate(w.len() - suffix.len());
            if suffix == "ies" {
                w.push('y');
            }
            break;
        }
    }
    w
}

/// The words of a title that can carry meaning, each with a base weight:
/// parenthesised details removed, stop words dropped, a leading verb and
/// generic nouns weighted low.
pub(super) fn words(title: &str) -> Vec<(String, f64)> {
    let mut text = String::new();
    let mut depth = 0u32;
    for c in title.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            _ if depth == 0 => text.push(c),
            _ => {}
        }
    }
    let raw: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .filter(|w| !STOP.contains(&w.as_str()))
        .collect();
    raw.iter()
        .enumerate()
        .map(|(i, w)| {
            let weight = if (i == 0 && VERBS.contains(&w.as_str())) || GENERIC.contains(&w.as_str())
            {
                0.2
            } else {
                1.0
            };
            (stem(w), weight)
        })
        .collect()
}

/// Scores titles against the tasks of one month. Words shared by many of the
/// month's tasks weigh less (an inverse document frequency over the month).
pub(super) struct MonthMatcher<'m> {
    pub(super) tasks: Vec<(&'m Block, &'m Task, Words)>,
    df: HashMap<String, usize>,
}

/// A title's meaning-bearing words with their base weights.
type Words = Vec<(String, f64)>;

impl<'m> MonthMatcher<'m> {
    pub(super) fn new(month: &'m Month) -> MonthMatcher<'m> {
        let tasks: Vec<_> = month
            .tasks()
            .map(|(b, t)| (b, t, words(&t.title)))
            .collect();
        let mut df: HashMap<String, usize> = HashMap::new();
        for (_, _, ws) in &tasks {
            let mut seen: Vec<&String> = ws.iter().map(|(w, _)| w).collect();
            seen.sort();
            seen.dedup();
            for w in seen {
                *df.entry(w.clone()).or_default() += 1;
            }
        }
        MonthMatcher { tasks, df }
    }

    fn idf(&self, word: &str) -> f64 {
        let n = self.tasks.len().max(1) as f64;
        let df = self.df.get(word).copied().unwrap_or(1).max(1) as f64;
        (1.0 + n / df).ln()
    }

    /// A weighted Dice coefficient of the two titles' meaning-bearing words.
    pub(super) fn score(&self, a: &[(String, f64)], b: &[(String, f64)]) -> f64 {
        let weigh = |ws: &[(String, f64)]| -> BTreeMap<String, f64> {
            let mut m = BTreeMap::new();
            for (w, base) in ws {
                let v = base * self.idf(w);
                let e = m.entry(w.clone()).or_insert(0.0f64);
                *e = e.max(v);
            }
            m
        };
        let (wa, wb) = (weigh(a), weigh(b));
        let total: f64 = wa.values().sum::<f64>() + wb.values().sum::<f64>();
        if total == 0.0 {
            return 0.0;
        }
        // A fold from +0.0: an empty f64 sum is -0.0, which prints as "-0.00".
        let common: f64 = wa
            .iter()
            .filter_map(|(w, va)| wb.get(w).map(|vb| va.min(*vb)))
            .fold(0.0, |a, b| a + b);
        2.0 * common / total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_drop_details_and_weigh_verbs_and_generic_nouns_low() {
        let w = words("Build multi-tier cache system (L1/L2/L3)");
        let names: Vec<&str> = w.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(names, ["build", "multi", "tier", "cach", "system"]);
        assert_eq!(w[0].1, 0.2);
        assert_eq!(w[4].1, 0.2);
        assert_eq!(w[1].1, 1.0);
        assert_eq!(stem("balancer"), stem("balancing"));
        assert_eq!(stem("deployments"), stem("deployment"));
        assert_eq!(stem("caching"), stem("cache"));
    }
}
