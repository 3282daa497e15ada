//! Forgiving name matching for what users type: task titles, metric ids, kinds.
//!
//! Users type `beast complete 1 1 "fix failed-request tracking"` or
//! `beast metric cache_hit_rate 40`; both must find their target. Where nothing
//! matches, the error names the closest valid spellings instead of a bare "not found".

/// Lower-cases and keeps only letters and digits, so that case, spaces,
/// underscores and punctuation never decide whether two names are the same.
///
/// ```
/// use beast::domain::matching::normalize;
/// assert_eq!(normalize("Fix failed-request Tracking!"), normalize("fix failed request tracking"));
/// assert_eq!(normalize("cache_hit_rate"), "cachehitrate");
/// ```
pub fn normalize(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Up to `limit` candidates closest to `input`, best first, leaving out those
/// too far away to be a plausible typo. Similarity is Jaro–Winkler on the
/// normalised forms, which rewards a shared prefix — how typos usually look.
pub fn closest<'a, I>(input: &str, candidates: I, limit: usize) -> Vec<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let wanted = normalize(input);
    let mut scored: Vec<(f64, &str)> = candidates
        .into_iter()
        .map(|c| {
            let norm = normalize(c);
            let mut score = strsim::jaro_winkler(&wanted, &norm);
            // A candidate that contains what was typed is a strong hint even
            // when it is much longer ("cache" → "Cache warming").
            if !wanted.is_empty() && norm.contains(&wanted) {
                score = score.max(0.9);
            }
            (score, c)
        })
        .filter(|(score, _)| *score >= 0.7)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut out: Vec<&str> = Vec::new();
    for (_, c) in scored {
        if !out.contains(&c) {
            out.push(c);
        }
        if out.len() == limit {
            break;
        }
    }
    out
}

/// Renders suggestions for an error message: `"a", "b" or "c"`.
pub fn quote_list(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| format!("\"{s}\"")).collect();
    match quoted.len() {
        0 => String::new(),
        1 => quoted[0].clone(),
        n => format!("{} or {}", quoted[..n - 1].join(", "), quoted[n - 1]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_ignores_case_space_and_punctuation() {
        assert_eq!(
            normalize("Fix failed request tracking"),
            "fixfailedrequesttracking"
        );
        assert_eq!(
            normalize("  fix   FAILED-request_tracking!! "),
            "fixfailedrequesttracking"
        );
        assert_eq!(normalize("cache_hit_rate"), normalize("cacheHitRate"));
        assert_eq!(normalize("A/B testing framework"), "abtestingframework");
    }

    #[test]
    fn closest_ranks_typos_first_and_drops_unrelated() {
        let titles = [
            "Semantic cache matching",
            "Multi-tier cache",
            "Cache warming",
            "Budget management",
        ];
        let got = closest("cache warmin", titles, 3);
        assert_eq!(got.first(), Some(&"Cache warming"));
        assert!(!got.contains(&"Budget management"));
        assert!(closest("zzzzqqq", titles, 3).is_empty());
    }

    #[test]
    fn closest_finds_metric_ids_from_snake_case_typos() {
        let ids = ["cacheHitRate", "semanticHitRate", "latency", "errorRate"];
        assert_eq!(closest("cache_hit_rat", ids, 1), vec!["cacheHitRate"]);
        assert_eq!(closest("latncy", ids, 1), vec!["latency"]);
    }

    #[test]
    fn quote_list_joins_with_or() {
        assert_eq!(quote_list(&["a"]), "\"a\"");
        assert_eq!(quote_list(&["a", "b", "c"]), "\"a\", \"b\" or \"c\"");
    }
}
