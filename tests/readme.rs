//! The README's sample `status` is what its commands print: the commands
//! above the sample run in a fresh personal database, and every line the
//! sample shows (its `...` marks what is left out) comes out, in order.

mod common;

use common::{repo_path, Env};

#[test]
fn the_readme_status_sample_is_what_its_commands_print() {
    let readme = std::fs::read_to_string(repo_path("README.md")).unwrap();
    let after = readme
        .split("Shortened output of these commands")
        .nth(1)
        .expect("the sample's introduction");
    let mut blocks = after.split("```").skip(1).step_by(2);
    let commands = blocks.next().unwrap().trim_start_matches("sh\n");
    let shown = blocks.next().unwrap().trim_start_matches('\n');

    let env_line = commands.lines().next().unwrap();
    let today = env_line
        .split_whitespace()
        .find_map(|w| w.strip_prefix("BEAST_TODAY="))
        .expect("the sample fixes the date");
    let sample_db = env_line
        .split_whitespace()
        .find_map(|w| w.strip_prefix("BEAST_DB="))
        .expect("the sample names its database");
    let env = Env::on(today);
    let mut printed = String::new();
    for line in commands.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let args = shell_words(line.trim_start_matches("beast "));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        printed = env.ok(&args);
    }
    let printed = printed.replace(env.db.to_str().unwrap(), sample_db);
    let mut from = 0;
    for want in shown.lines().filter(|l| l.trim() != "...") {
        match printed[from..].find(want) {
            Some(at) => from += at + want.len(),
            None => panic!("the README shows\n{want}\nbut the commands print\n{printed}"),
        }
    }
}

/// Splits a command line the way the sample writes it: words, and
/// double-quoted phrases.
fn shell_words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if !word.is_empty() {
                    out.push(std::mem::take(&mut word));
                }
            }
            c => word.push(c),
        }
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}
