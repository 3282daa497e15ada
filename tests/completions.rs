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
    assert!(top.contains(".git/beast/index.db") && top.contains("refs/beast/history"));
    // Examples keep their lines and columns (no reflow mid-word).
    let examples = top.split(".SH EXAMPLES").nth(1).unwrap();
    assert!(examples.starts_with("\n.nf\n"), "{examples}");
    let dir = tempfile::tempdir().unwrap();
    env.ok(&["completions", "--out-dir", dir.path().to_str().unwrap()]);
    let check = std::fs::read_to_string(dir.path().join("beast-check.1")).unwrap();
    assert!(check.contains(".SH EXAMPLES") && check.contains(".SH \"EXIT STATUS\""));
    assert!(
        check.contains("beast check \\-\\-since refs/beast/history"),
        "{check}"
    );
}

/// The candidates the binary gives a shell for the word at `index` of
/// `words` (clap_complete's dynamic protocol, as `COMPLETE=bash beast`
/// registers it).
fn candidates(env: &Env, index: usize, words: &[&str]) -> Vec<String> {
    let out = env
        .cmd()
        .env("COMPLETE", "bash")
        .env("_CLAP_IFS", "\n")
        .env("_CLAP_COMPLETE_INDEX", index.to_string())
        .env("_CLAP_COMPLETE_COMP_TYPE", "9")
        .env("_CLAP_COMPLETE_SPACE", "true")
        .arg("--")
        .args(words)
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(String::from)
        .collect()
}

#[test]
fn the_shell_is_offered_the_roadmaps_values() {
    let env = Env::new();
    assert_eq!(
        candidates(&env, 2, &["beast", "metric", "cache"]),
        ["cacheHitRate", "cacheAccessLatency"]
    );
    assert_eq!(candidates(&env, 2, &["beast", "dogfood", "t"]), ["test"]);
    assert_eq!(
        candidates(&env, 3, &["beast", "check", "--fail-on", "regression,be"]),
        ["regression,behind"]
    );
    // Months of the roadmap only: year 2 has none.
    let months = candidates(&env, 2, &["beast", "complete", "1"]);
    assert_eq!(months, ["1", "10", "11", "12"]);
    assert!(candidates(&env, 2, &["beast", "complete", "14"]).is_empty());
    // The tasks of the month typed before.
    assert_eq!(
        candidates(&env, 4, &["beast", "complete", "1", "3", "sem"]),
        ["Semantic cache matching"]
    );
    let titles: Vec<String> = candidates(&env, 4, &["beast", "complete", "2", "1", ""])
        .into_iter()
        .filter(|c| !c.starts_with('-'))
        .collect();
    assert_eq!(
        titles,
        [
            "Real-time cost tracking",
            "Cost prediction models",
            "Budget management"
        ]
    );
    // A roadmap directory of the user's is the one offered.
    let dir = env.dir.path().join("roadmap");
    std::fs::create_dir_all(&dir).unwrap();
    for f in ["metrics.toml", "year1.toml"] {
        std::fs::copy(repo_path(&format!("roadmap/{f}")), dir.join(f)).unwrap();
    }
    let out = env
        .cmd()
        .env("BEAST_ROADMAP", &dir)
        .env("COMPLETE", "bash")
        .env("_CLAP_IFS", "\n")
        .env("_CLAP_COMPLETE_INDEX", "2")
        .env("_CLAP_COMPLETE_COMP_TYPE", "9")
        .env("_CLAP_COMPLETE_SPACE", "true")
        .args(["--", "beast", "complete", "2"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "2",
        "only year 1 loaded"
    );
}
