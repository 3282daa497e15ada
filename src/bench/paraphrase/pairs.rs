//! Labelled pairs for the paraphrase evaluation: the GPTCache pairs built
//! in, or a file of the team's own — labelled duplicates and non-duplicates
//! as the public sets ship them (the Quora question pairs, PAWS, MRPC,
//! GPTCache's `mock_data.json` as published) — read into one shape.
//!
//! A pairs file is input like any other: each way it can be wrong is a
//! one-line error naming the file, the line and what to change, never a
//! guess. Rows with an empty text are skipped and counted (the Quora file
//! has a few), since the rest of the set is still good.

use std::path::Path;

use anyhow::Result;
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::error;

/// The pairs, as shipped.
pub const PAIRS: &str = include_str!("../../../data/paraphrase-pairs.jsonl");

/// Column names of the first text, the second and the label, by set:
/// GPTCache, Quora (GLUE QQP), PAWS / GLUE, MRPC, generic. Matched ignoring
/// case.
const FIRST: &[&str] = &["origin", "question1", "sentence1", "#1 string", "text1"];
const SECOND: &[&str] = &["similar", "question2", "sentence2", "#2 string", "text2"];
const LABEL: &[&str] = &["is_duplicate", "label", "quality", "noisy_label"];

/// Two texts and whether they ask the same thing.
#[derive(Debug, Clone, PartialEq)]
pub struct Labelled {
    pub a: String,
    pub b: String,
    pub same: bool,
}

/// A set of labelled pairs and where it came from.
#[derive(Debug, Clone)]
pub struct PairSet {
    /// For the run's note and JSON: "GPTCache mock_data (built in)" or the
    /// file's path.
    pub source: String,
    pub pairs: Vec<Labelled>,
    /// Rows left out because one of their texts was empty.
    pub skipped: usize,
}

impl PairSet {
    pub fn duplicates(&self) -> usize {
        self.pairs.iter().filter(|p| p.same).count()
    }

    pub fn non_duplicates(&self) -> usize {
        self.pairs.len() - self.duplicates()
    }

    /// Keeps a row's pair, or counts a row left out.
    fn take(&mut self, row: Option<Labelled>) {
        match row {
            Some(p) => self.pairs.push(p),
            None => self.skipped += 1,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Pair {
    origin: String,
    similar: String,
}

/// The built-in pairs (`data/paraphrase-pairs.jsonl`): every one a
/// statement and its paraphrase.
pub fn built_in() -> PairSet {
    let pairs = PAIRS
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let p: Pair = serde_json::from_str(l).expect("the shipped pairs parse (a test checks)");
            Labelled {
                a: p.origin,
                b: p.similar,
                same: true,
            }
        })
        .collect();
    PairSet {
        source: "GPTCache mock_data pairs (built in)".into(),
        pairs,
        skipped: 0,
    }
}

/// Reads a pairs file: a JSON array of objects, JSON lines, or a table with
/// a header row (tab-separated when the header has a tab, else CSV). The
/// texts are the columns `question1`/`question2`, `sentence1`/`sentence2`,
/// `origin`/`similar`, `#1 String`/`#2 String` or `text1`/`text2`; the label
/// is `is_duplicate`, `label`, `Quality` or `noisy_label` (1 the same, 0
/// different); only `origin`/`similar` pairs may go without, each a
/// statement and its paraphrase. At most `limit` pairs, the file's first.
pub fn read(path: &Path, limit: Option<usize>) -> Result<PairSet> {
    let shown = path.display().to_string();
    // A FIFO, a device or a file without end is refused before it is
    // opened; a file too large to hold is refused by its size.
    let text = crate::files::read_text(path, "--pairs").or_else(error::input)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let limit = limit.unwrap_or(usize::MAX);
    let mut set = PairSet {
        source: shown.clone(),
        pairs: Vec::new(),
        skipped: 0,
    };
    match text.trim_start().chars().next() {
        None => return error::input(format!("{shown} is empty; give it labelled pairs")),
        Some('[') => {
            let items: Vec<Value> = match serde_json::from_str(text) {
                Ok(v) => v,
                Err(e) => {
                    return error::input(format!(
                        "{shown}: not a JSON array of pairs ({e}); give one object per pair"
                    ))
                }
            };
            let mut columns = None;
            for (i, item) in items.iter().enumerate() {
                if set.pairs.len() >= limit {
                    break;
                }
                let at = format!("{shown}: item {}", i + 1);
                set.take(json_row(item, &mut columns, &at)?);
            }
        }
        Some('{') => {
            let mut columns = None;
            for (i, line) in text.lines().enumerate() {
                if set.pairs.len() >= limit {
                    break;
                }
                if line.trim().is_empty() {
                    continue;
                }
                let at = format!("{shown}: line {}", i + 1);
                let item: Value = match serde_json::from_str(line) {
                    Ok(v) => v,
                    Err(e) => {
                        return error::input(format!(
                            "{at} is not a JSON object ({e}); give one pair per line"
                        ))
                    }
                };
                set.take(json_row(&item, &mut columns, &at)?);
            }
        }
        Some(_) => read_table(text, &shown, limit, &mut set)?,
    }
    if set.pairs.is_empty() {
        return error::input(format!(
            "{shown} has no pair with two texts{}; give it rows of two texts and a label",
            match set.skipped {
                0 => String::new(),
                1 => " (1 row with an empty text)".to_string(),
                n => format!(" ({n} rows with an empty text)"),
            }
        ));
    }
    Ok(set)
}

/// Which of the given column names hold the two texts and the label.
#[derive(Debug, Clone)]
struct Columns {
    a: String,
    b: String,
    label: Option<String>,
}

impl Columns {
    fn find(names: &[&str], at: &str) -> Result<Columns> {
        let pick = |wanted: &[&str]| {
            wanted.iter().find_map(|w| {
                names
                    .iter()
                    .find(|n| n.trim().eq_ignore_ascii_case(w))
                    .map(|n| n.to_string())
            })
        };
        match (pick(FIRST), pick(SECOND)) {
            // Only GPTCache's origin/similar pairs are paraphrases by
            // construction; any other set without labels (GLUE's test
            // splits) cannot tell a right hit from a wrong one.
            (Some(a), Some(b)) => match pick(LABEL) {
                None if !a.trim().eq_ignore_ascii_case("origin") => error::input(format!(
                    "{at}: no label column (is_duplicate, label, Quality or noisy_label); \
                     an unlabelled split cannot tell a right hit from a wrong one, give a labelled one"
                )),
                label => Ok(Columns { a, b, label }),
            },
            _ => error::input(format!(
                "{at}: no columns for the two texts (found {}); name them question1/question2, \
                 sentence1/sentence2, origin/similar, #1 String/#2 String or text1/text2",
                if names.is_empty() {
                    "none".to_string()
                } else {
                    names.join(", ")
                }
            )),
        }
    }
}

/// A label cell: 1 (the same) or 0 (different), as a number, a Boolean or
/// text.
fn label(value: &str, column: &str, at: &str) -> Result<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "1" | "1.0" | "true" | "yes" => Ok(true),
        "0" | "0.0" | "false" | "no" => Ok(false),
        other => error::input(format!(
            "{at}: {column} is \"{other}\", neither 1 (the same) nor 0 (different); fix the label"
        )),
    }
}

fn pair(a: &str, b: &str, same: bool) -> Option<Labelled> {
    let (a, b) = (a.trim(), b.trim());
    (!a.is_empty() && !b.is_empty()).then(|| Labelled {
        a: a.to_string(),
        b: b.to_string(),
        same,
    })
}

/// One JSON object as a pair; the columns are those of the first object.
fn json_row(item: &Value, columns: &mut Option<Columns>, at: &str) -> Result<Option<Labelled>> {
    let Some(object) = item.as_object() else {
        return error::input(format!(
            "{at} is not a JSON object; give one object per pair"
        ));
    };
    if columns.is_none() {
        let names: Vec<&str> = object.keys().map(String::as_str).collect();
        *columns = Some(Columns::find(&names, at)?);
    }
    let c = columns.as_ref().expect("set above");
    let text = |name: &str, object: &Map<String, Value>| match object.get(name) {
        Some(Value::String(s)) => Ok(s.clone()),
        Some(Value::Null) => Ok(String::new()),
        Some(other) => error::input(format!(
            "{at}: {name} is {other}, not text; give it as a JSON string"
        )),
        None => error::input(format!(
            "{at} has no \"{name}\" (the first pair has); give every pair the same fields"
        )),
    };
    let (a, b) = (text(&c.a, object)?, text(&c.b, object)?);
    check_length(&a, &b, at)?;
    let same = match &c.label {
        None => true,
        Some(name) => match object.get(name) {
            Some(Value::Bool(v)) => *v,
            Some(Value::Number(n)) => label(&n.to_string(), name, at)?,
            Some(Value::String(s)) => label(s, name, at)?,
            _ => {
                return error::input(format!(
                    "{at} has no {name} of 1 or 0 (the first pair has); label every pair"
                ))
            }
        },
    };
    Ok(pair(&a, &b, same))
}

fn read_table(text: &str, shown: &str, limit: usize, set: &mut PairSet) -> Result<()> {
    let header = text.lines().next().unwrap_or_default();
    let tabs = header.contains('\t');
    // Tab-separated sets (GLUE, PAWS, MRPC) do not quote: a text may hold a
    // lone '"'. CSV exports quote fields that hold commas.
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(if tabs { b'\t' } else { b',' })
        .quoting(!tabs)
        .from_reader(text.as_bytes());
    let names: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(str::to_string).collect(),
        Err(e) => return error::input(format!("{shown}: cannot read the header row: {e}")),
    };
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let c = Columns::find(&refs, &format!("{shown}: line 1"))?;
    let index = |name: &str| names.iter().position(|n| n == name).expect("found above");
    let (ia, ib, il) = (index(&c.a), index(&c.b), c.label.as_deref().map(index));
    for record in reader.records() {
        if set.pairs.len() >= limit {
            break;
        }
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let (line, what) = crate::bench::csv_row_error(&e);
                return error::input(format!(
                    "{shown}: line {line}: {what}; fix the row or remove it"
                ));
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        let same = match il {
            None => true,
            Some(i) => label(
                record.get(i).unwrap_or_default(),
                &names[i],
                &format!("{shown}: line {line}"),
            )?,
        };
        let (a, b) = (
            record.get(ia).unwrap_or_default(),
            record.get(ib).unwrap_or_default(),
        );
        check_length(a, b, &format!("{shown}: line {line}"))?;
        set.take(pair(a, b, same));
    }
    Ok(())
}

/// The longest text of a pair read, in characters: a prompt, not a document.
pub const MAX_TEXT: usize = 100_000;

/// Refuses a pair whose text is longer than [`MAX_TEXT`].
fn check_length(a: &str, b: &str, at: &str) -> Result<()> {
    match [a, b].iter().map(|t| t.chars().count()).max() {
        Some(n) if n > MAX_TEXT => error::input(format!(
            "{at}: a text of {n} characters, more than the {MAX_TEXT} a prompt may have; shorten it or leave the pair out"
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pairs");
        std::fs::write(&path, text).unwrap();
        (dir, path)
    }

    fn read_text(text: &str) -> Result<PairSet> {
        let (_dir, path) = file(text);
        read(&path, None)
    }

    fn error_of(text: &str) -> String {
        read_text(text).unwrap_err().to_string()
    }

    #[test]
    fn the_shipped_pairs_parse() {
        let set = built_in();
        assert_eq!(set.pairs.len(), 233);
        assert!(set
            .pairs
            .iter()
            .all(|p| p.same && !p.a.is_empty() && p.a != p.b));
    }

    #[test]
    fn the_public_sets_read_as_they_ship() {
        // Quora / GLUE QQP: tab-separated, a lone quote inside a text.
        let qqp = "id\tqid1\tqid2\tquestion1\tquestion2\tis_duplicate\n\
                   0\t1\t2\tHow do I learn \"Rust?\tHow can I learn Rust?\t1\n\
                   1\t3\t4\tWhere is Paris?\tWhere is Rome?\t0\n";
        let set = read_text(qqp).unwrap();
        assert_eq!(set.pairs.len(), 2);
        assert_eq!(set.pairs[0].a, "How do I learn \"Rust?");
        assert!(set.pairs[0].same && !set.pairs[1].same);
        assert_eq!((set.duplicates(), set.non_duplicates()), (1, 1));
        // PAWS: sentence1/sentence2/label.
        let paws = "id\tsentence1\tsentence2\tlabel\n1\tA b c .\tC b a .\t0\n";
        assert!(!read_text(paws).unwrap().pairs[0].same);
        // MRPC: the label first, under another name.
        let mrpc = "Quality\t#1 ID\t#2 ID\t#1 String\t#2 String\n1\t1\t2\tOne.\tOne too.\n";
        assert!(read_text(mrpc).unwrap().pairs[0].same);
        // A Kaggle-style CSV with quoted commas.
        let csv = "question1,question2,is_duplicate\n\"Hi, there?\",Hello?,1\n";
        assert_eq!(read_text(csv).unwrap().pairs[0].a, "Hi, there?");
        // GPTCache's mock_data.json as published, and JSON lines.
        let json = "[{\"origin\": \"A.\", \"similar\": \"An A.\"}, {\"origin\": \"B.\", \"similar\": \"A B.\"}]";
        let set = read_text(json).unwrap();
        assert_eq!(set.pairs.len(), 2);
        assert!(set.pairs.iter().all(|p| p.same));
        let lines = "{\"sentence1\": \"x y\", \"sentence2\": \"y x\", \"label\": 0}\n\n{\"sentence1\": \"a\", \"sentence2\": \"b\", \"label\": true}\n";
        let set = read_text(lines).unwrap();
        assert_eq!(
            set.pairs.iter().map(|p| p.same).collect::<Vec<_>>(),
            [false, true]
        );
    }

    #[test]
    fn empty_texts_are_skipped_and_counted_and_the_limit_takes_the_first() {
        let text = "question1\tquestion2\tis_duplicate\nA?\t\t1\nB?\tBe?\t1\nC?\tSee?\t0\n";
        let set = read_text(text).unwrap();
        assert_eq!((set.pairs.len(), set.skipped), (2, 1));
        let (_dir, path) = file(text);
        let set = read(&path, Some(1)).unwrap();
        assert_eq!(set.pairs.len(), 1);
        assert_eq!(set.pairs[0].a, "B?");
    }

    #[test]
    fn a_bad_file_says_where_and_what_to_change() {
        let cases: &[(&str, &[&str])] = &[
            ("id\tfoo\tbar\n1\ta\tb\n", &["line 1", "found id, foo, bar"]),
            (
                "question1\tquestion2\tis_duplicate\nA?\tB?\tmaybe\n",
                &["line 2", "\"maybe\""],
            ),
            (
                "question1\tquestion2\tis_duplicate\nA?\tB?\n",
                &["line 2", "2 fields where the header has 3"],
            ),
            (
                "{\"origin\": \"a\", \"similar\": \"b\"}\n{\"origin\": 3, \"similar\": \"b\"}\n",
                &["line 2", "origin is 3"],
            ),
            (
                "{\"origin\": \"a\", \"similar\": \"b\"}\nnot json\n",
                &["line 2", "not a JSON object"],
            ),
            ("[{\"origin\": \"a\"}]", &["item 1", "no columns"]),
            (
                "question1\tquestion2\tlabel\n\t\t1\n",
                &["no pair with two texts", "1 row with"],
            ),
            // GLUE's test split: no labels.
            (
                "id\tquestion1\tquestion2\n0\tA?\tB?\n",
                &["line 1", "no label column"],
            ),
        ];
        for (text, wanted) in cases {
            let e = error_of(text);
            assert!(wanted.iter().all(|w| e.contains(w)), "{text:?}: {e}");
            assert!(!e.contains('\n'), "one line: {e}");
        }
        assert!(error_of("  \n").contains("is empty"));
        // A text past a prompt's length, in a table and in JSON lines.
        let long = "a".repeat(MAX_TEXT + 1);
        let e = error_of(&format!("sentence1\tsentence2\tlabel\nshort\t{long}\t1\n"));
        assert!(
            e.contains("line 2") && e.contains("more than the 100000"),
            "{e}"
        );
        let e = error_of(&format!(
            "{{\"text1\": \"{long}\", \"text2\": \"b\", \"label\": 1}}\n"
        ));
        assert!(e.contains("line 1") && e.contains("characters"), "{e}");
        let (_dir, path) = file("x");
        let e = read(&path.with_extension("missing"), None)
            .unwrap_err()
            .to_string();
        assert!(e.contains("cannot read") && e.contains("--pairs"), "{e}");
        std::fs::write(&path, [0xff, 0xfe, b'a']).unwrap();
        let e = read(&path, None).unwrap_err().to_string();
        assert!(e.contains("not UTF-8"), "{e}");
    }
}
