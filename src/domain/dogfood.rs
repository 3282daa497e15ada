//! Dog-fooding: how much of the team's work was generated with BEAST MODE.

use std::fmt;

/// The kinds of work the roadmap tracks dog-fooding for (seed 000).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum DogfoodKind {
    Improvement,
    Test,
    Optimization,
    Doc,
}

impl DogfoodKind {
    pub const ALL: [DogfoodKind; 4] = [
        DogfoodKind::Improvement,
        DogfoodKind::Test,
        DogfoodKind::Optimization,
        DogfoodKind::Doc,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DogfoodKind::Improvement => "improvement",
            DogfoodKind::Test => "test",
            DogfoodKind::Optimization => "optimization",
            DogfoodKind::Doc => "doc",
        }
    }

    /// Accepts the kind in any case, and the plural or long forms people type
    /// ("tests", "docs", "documentation").
    pub fn parse(text: &str) -> Option<DogfoodKind> {
        let norm = super::matching::normalize(text);
        let kind = match norm.as_str() {
            "improvement" | "improvements" => DogfoodKind::Improvement,
            "test" | "tests" => DogfoodKind::Test,
            "optimization" | "optimizations" | "optimisation" | "optimisations" => {
                DogfoodKind::Optimization
            }
            "doc" | "docs" | "documentation" => DogfoodKind::Doc,
            _ => return None,
        };
        Some(kind)
    }
}

impl fmt::Display for DogfoodKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Share (0–100) of events generated with BEAST MODE; `None` with no events.
pub fn generated_share(generated: u64, manual: u64) -> Option<f64> {
    let total = generated + manual;
    (total > 0).then(|| generated as f64 * 100.0 / total as f64)
}

/// met when the generated share reaches its target (with the same tolerance
/// as metric targets), behind when it does not, no data without events or target.
pub fn verdict(share: Option<f64>, target: Option<f64>) -> super::Verdict {
    use super::{Direction, Verdict};
    match (share, target) {
        (Some(s), Some(t)) if Direction::Higher.meets(s, t) => Verdict::Met,
        (Some(_), Some(_)) => Verdict::Behind,
        _ => Verdict::NoData,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_parse_leniently() {
        assert_eq!(
            DogfoodKind::parse("Improvement"),
            Some(DogfoodKind::Improvement)
        );
        assert_eq!(DogfoodKind::parse("tests"), Some(DogfoodKind::Test));
        assert_eq!(DogfoodKind::parse("docs"), Some(DogfoodKind::Doc));
        assert_eq!(DogfoodKind::parse("refactor"), None);
    }

    #[test]
    fn verdict_compares_share_with_target() {
        use crate::domain::Verdict;
        assert_eq!(verdict(Some(90.0), Some(90.0)), Verdict::Met);
        assert_eq!(verdict(Some(89.9), Some(90.0)), Verdict::Behind);
        assert_eq!(verdict(None, Some(90.0)), Verdict::NoData);
        assert_eq!(verdict(Some(50.0), None), Verdict::NoData);
    }

    #[test]
    fn share_is_generated_over_all() {
        assert_eq!(generated_share(0, 0), None);
        assert_eq!(generated_share(3, 1), Some(75.0));
        assert_eq!(generated_share(0, 5), Some(0.0));
    }
}
