//! Every example in the README and `docs/` that shows what beast prints is
//! run here, so a sample can never drift from the program.
//!
//! An example is a ```` ```console ```` block: `$ ` starts a command, the
//! lines up to the next command are what it prints (stdout and stderr, in
//! order). In the expected lines `...` alone stands for any number of lines
//! and `[..]` for any text within a line (an event id, a duration). The
//! blocks of one file run in order in one sandbox: a fresh directory that is
//! both `$HOME` and the working directory, printed as `~`, no environment
//! from the machine, `beast` on `PATH`. `export NAME=VALUE …` sets variables
//! for the commands after it; a command may exit non-zero only when the next
//! one reads `$?`. A hidden set-up step is an HTML comment line
//! `<!-- $ command -->` outside the blocks (`$REPO` is this repository), run
//! in its place in the file; it must succeed and its output is not shown.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

mod common;

/// One step of a document, in file order.
#[derive(Debug)]
enum Step {
    /// A command of a console block and what it prints.
    Shown {
        line: usize,
        command: String,
        expected: Vec<String>,
    },
    /// `<!-- $ command -->`: set-up the reader does not need to see.
    Hidden { line: usize, command: String },
}

fn steps(text: &str) -> Vec<Step> {
    let mut steps = Vec::new();
    let mut in_console = false;
    let mut in_other = false;
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let trimmed = raw.trim_end();
        if in_console || in_other {
            if trimmed.starts_with("```") {
                in_console = false;
                in_other = false;
            } else if in_console {
                if let Some(command) = trimmed.strip_prefix("$ ") {
                    steps.push(Step::Shown {
                        line,
                        command: command.to_string(),
                        expected: Vec::new(),
                    });
                } else if let Some(Step::Shown { expected, .. }) = steps.last_mut() {
                    expected.push(trimmed.to_string());
                } else {
                    panic!("line {line}: a console block must start with a `$ ` command");
                }
            }
        } else if let Some(lang) = trimmed.strip_prefix("```") {
            in_console = lang == "console";
            in_other = !in_console;
        } else if let Some(command) = trimmed
            .strip_prefix("<!-- $ ")
            .and_then(|c| c.strip_suffix(" -->"))
        {
            steps.push(Step::Hidden {
                line,
                command: command.to_string(),
            });
        }
    }
    assert!(!in_console && !in_other, "an unclosed code block");
    for step in &mut steps {
        if let Step::Shown { expected, .. } = step {
            while expected.last().is_some_and(|l| l.is_empty()) {
                expected.pop();
            }
        }
    }
    steps
}

/// Whether `actual` is what `expected` shows, with `...` lines and `[..]`.
fn lines_match(expected: &[String], actual: &[&str]) -> bool {
    match expected.split_first() {
        None => actual.is_empty(),
        Some((first, rest)) if first == "..." => {
            (0..=actual.len()).any(|skip| lines_match(rest, &actual[skip..]))
        }
        Some((first, rest)) => {
            !actual.is_empty() && line_matches(first, actual[0]) && lines_match(rest, &actual[1..])
        }
    }
}

fn line_matches(expected: &str, actual: &str) -> bool {
    let mut parts = expected.split("[..]");
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = actual.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    for (i, part) in parts.iter().enumerate() {
        if i + 1 == parts.len() {
            return rest.ends_with(part);
        }
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.is_empty()
}

struct Sandbox {
    _dir: tempfile::TempDir,
    home: PathBuf,
    vars: BTreeMap<String, String>,
    status: i32,
}

impl Sandbox {
    fn new() -> Sandbox {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().canonicalize().unwrap();
        std::fs::write(
            home.join(".gitconfig"),
            "[user]\n\tname = Alice\n\temail = alice@example.com\n\
             [init]\n\tdefaultBranch = main\n[advice]\n\tdetachedHead = false\n",
        )
        .unwrap();
        let bin = Path::new(env!("CARGO_BIN_EXE_beast")).parent().unwrap();
        let mut vars = BTreeMap::new();
        vars.insert(
            "PATH".to_string(),
            format!("{}:/usr/local/bin:/usr/bin:/bin", bin.display()),
        );
        vars.insert("HOME".to_string(), home.display().to_string());
        vars.insert(
            "XDG_DATA_HOME".to_string(),
            home.join(".local/share").display().to_string(),
        );
        vars.insert(
            "REPO".to_string(),
            common::repo_path("").display().to_string(),
        );
        vars.insert("GIT_CONFIG_NOSYSTEM".to_string(), "1".to_string());
        vars.insert("LC_ALL".to_string(), "C.UTF-8".to_string());
        Sandbox {
            _dir: dir,
            home,
            vars,
            status: 0,
        }
    }

    /// Runs one command line in `sh`, stdout and stderr together; returns
    /// what it printed with the sandbox's path shown as `~`.
    fn run(&mut self, command: &str) -> String {
        if let Some(assignments) = command.strip_prefix("export ") {
            for word in assignments.split_whitespace() {
                let (name, value) = word.split_once('=').expect("export NAME=VALUE");
                self.vars.insert(name.to_string(), value.to_string());
            }
            self.status = 0;
            return String::new();
        }
        let script = format!("(exit {}); {{ {command}\n}} 2>&1", self.status);
        let out = Command::new("sh")
            .arg("-c")
            .arg(script)
            .env_clear()
            .envs(&self.vars)
            .current_dir(&self.home)
            .output()
            .expect("run sh");
        self.status = out.status.code().unwrap_or(-1);
        String::from_utf8_lossy(&out.stdout).replace(&self.home.display().to_string(), "~")
    }
}

fn check_document(name: &str) -> usize {
    let text = std::fs::read_to_string(common::repo_path(name)).unwrap();
    let steps = steps(&text);
    let mut sandbox = Sandbox::new();
    let mut shown = 0;
    for (i, step) in steps.iter().enumerate() {
        let next_reads_status = match steps.get(i + 1) {
            Some(Step::Shown { command, .. }) => command.contains("$?"),
            _ => false,
        };
        match step {
            Step::Hidden { line, command } => {
                let printed = sandbox.run(command);
                assert_eq!(
                    sandbox.status, 0,
                    "{name}:{line}: set-up `{command}` failed:\n{printed}"
                );
            }
            Step::Shown {
                line,
                command,
                expected,
            } => {
                shown += 1;
                let printed = sandbox.run(command);
                let actual: Vec<&str> = printed.lines().map(str::trim_end).collect();
                let mut actual = actual.as_slice();
                while actual.last().is_some_and(|l| l.is_empty()) {
                    actual = &actual[..actual.len() - 1];
                }
                assert!(
                    lines_match(expected, actual),
                    "{name}:{line}: `{command}` is shown printing\n{}\nbut it prints\n{}",
                    expected.join("\n"),
                    actual.join("\n")
                );
                assert!(
                    sandbox.status == 0 || next_reads_status,
                    "{name}:{line}: `{command}` exited {} (show it with `$ echo $?`):\n{printed}",
                    sandbox.status
                );
            }
        }
    }
    shown
}

fn documents() -> Vec<String> {
    let mut names = vec!["README.md".to_string()];
    let mut docs: Vec<String> = std::fs::read_dir(common::repo_path("docs"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".md"))
        .map(|n| format!("docs/{n}"))
        .collect();
    docs.sort();
    names.extend(docs);
    names
}

#[test]
fn every_console_example_in_the_docs_is_what_beast_prints() {
    let mut total = 0;
    for name in documents() {
        total += check_document(&name);
    }
    assert!(total >= 10, "only {total} examples found");
}

#[test]
fn the_matcher_itself() {
    let exp = |s: &str| s.lines().map(String::from).collect::<Vec<_>>();
    assert!(lines_match(&exp("a\n...\nd"), &["a", "b", "c", "d"]));
    assert!(lines_match(&exp("a\n...\nd"), &["a", "d"]));
    assert!(!lines_match(&exp("a\n...\nd"), &["a", "b"]));
    assert!(!lines_match(&exp("a\nb"), &["a", "b", "c"]));
    assert!(lines_match(&exp("id [..] done"), &["id 5za3dv1g done"]));
    assert!(!lines_match(&exp("id [..] done"), &["id 5za3dv1g"]));
    assert!(lines_match(&exp("[..]x[..]"), &["axb"]));
    assert!(!lines_match(&exp("a[..]"), &["b"]));
    let parsed = steps("<!-- $ true -->\n```console\n$ beast x\nout\n\n```\n```sh\n$ no\n```\n");
    assert!(matches!(&parsed[0], Step::Hidden { command, .. } if command == "true"));
    assert!(
        matches!(&parsed[1], Step::Shown { command, expected, .. } if command == "beast x" && expected == &["out"])
    );
    assert_eq!(parsed.len(), 2);
}
