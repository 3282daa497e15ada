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
fn checked_in_man_pages_are_up_to_date() {
    let env = Env::new();
    let dir = env.dir.path().join("generated");
    env.ok(&["completions", "--out-dir", dir.to_str().unwrap()]);
    let mut pages = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let generated = std::fs::read_to_string(&path).unwrap();
        let checked_in = std::fs::read_to_string(repo_path(&format!("completions/{name}")))
            .unwrap_or_else(|_| panic!("completions/{name} is missing; regenerate with: cargo run -- completions --out-dir completions"));
        assert!(
            generated == checked_in,
            "completions/{name} is out of date; regenerate with: cargo run -- completions --out-dir completions"
        );
        pages += usize::from(name.ends_with(".1"));
    }
    assert!(
        pages >= 10,
        "a page for beast and each subcommand, got {pages}"
    );
    let man = env.ok(&["completions", "--man"]);
    assert!(man.starts_with(".ie"), "roff");
    assert!(man.contains("beast") && man.contains("check"), "{man}");
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

#[test]
fn man_pages_say_what_the_environment_files_and_exit_codes_mean() {
    let env = Env::new();
    let top = env.ok(&["completions", "--man"]);
    for section in [
        ".SH EXAMPLES",
        ".SH ENVIRONMENT",
        ".SH FILES",
        ".SH \"EXIT STATUS\"",
    ] {
        assert!(top.contains(section), "{section}");
    }
    assert!(top.contains("\\fBBEAST_DB\\fR"));
    assert!(top.contains(".beast/index.db"));
    // Examples keep their lines and columns (no reflow mid-word).
    let examples = top.split(".SH EXAMPLES").nth(1).unwrap();
    assert!(examples.starts_with("\n.nf\n"), "{examples}");
    let dir = tempfile::tempdir().unwrap();
    env.ok(&["completions", "--out-dir", dir.path().to_str().unwrap()]);
    let check = std::fs::read_to_string(dir.path().join("beast-check.1")).unwrap();
    assert!(check.contains(".SH EXAMPLES") && check.contains(".SH \"EXIT STATUS\""));
    assert!(
        check.contains("beast check \\-\\-since origin/main"),
        "{check}"
    );
}
