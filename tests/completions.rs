//! The checked-in completion scripts must match what the binary generates, so
//! they cannot silently fall behind the command line.

mod common;

use common::{repo_path, Env};

#[test]
fn checked_in_completions_are_up_to_date() {
    let files = [
        ("bash", "beast.bash"),
        ("zsh", "_beast"),
        ("fish", "beast.fish"),
        ("powershell", "_beast.ps1"),
        ("elvish", "beast.elv"),
    ];
    let env = Env::new();
    for (shell, file) in files {
        let generated = env.ok(&["completions", shell]);
        let checked_in = std::fs::read_to_string(repo_path(&format!("completions/{file}")))
            .unwrap_or_else(|e| panic!("completions/{file}: {e}"));
        assert!(
            generated == checked_in,
            "completions/{file} is out of date; regenerate with: cargo run -- completions --out-dir completions"
        );
    }
}

#[test]
fn completions_know_the_subcommands() {
    let env = Env::new();
    let bash = env.ok(&["completions", "bash"]);
    for sub in [
        "status",
        "complete",
        "metric",
        "dogfood",
        "report",
        "roadmap",
        "completions",
    ] {
        assert!(bash.contains(sub), "bash completion lacks {sub}");
    }
    let e = env.fails(&["completions", "tcsh"], 2);
    assert!(
        e.contains("possible values: bash, elvish, fish, powershell, zsh"),
        "{e}"
    );
}
