//! `roadmap`, its importer, and roadmap files that are missing or invalid.

mod common;

use common::{repo_path, Env};

#[test]
fn browse_shows_every_year_and_the_gap() {
    let env = Env::new();
    env.ok(&["complete", "1", "1", "Fix failed request tracking"]);
    let out = env.ok(&["roadmap"]);
    assert!(
        out.contains("Year 1 — 12-Month Strategic Plan (1/40 tasks)"),
        "{out}"
    );
    assert!(out.contains("[x] Fix failed request tracking"), "{out}");
    assert!(out.contains("[ ] Enhanced error context"), "{out}");
    assert!(
        out.contains("Year 2 — no roadmap yet (no source document)"),
        "{out}"
    );
    assert!(
        out.contains("Month 25: Production Infrastructure (0/6)"),
        "{out}"
    );
    assert!(
        out.contains("Month 48: Year 4 Review & Year 5 Planning"),
        "{out}"
    );
}

#[test]
fn browse_one_year_quarter_or_month() {
    let env = Env::new();
    let out = env.ok(&["roadmap", "--year", "3"]);
    assert!(out.starts_with("Year 3"), "{out}");
    assert!(
        out.contains("Month 36") && !out.contains("Month 37"),
        "{out}"
    );
    let out = env.ok(&["roadmap", "--year", "4", "--quarter", "2"]);
    assert!(out.contains("Q2 Global Scale"), "{out}");
    assert!(
        out.contains("Month 40") && !out.contains("Month 37"),
        "{out}"
    );
    // Without --year, the quarter is in the current year.
    let out = env.ok(&["roadmap", "--quarter", "1"]);
    assert!(out.contains("Month 3: Performance Baseline"), "{out}");
    let out = env.ok(&["roadmap", "--month", "29"]);
    assert!(
        out.contains("Month 29: Advanced Optimization (0/6 done)"),
        "{out}"
    );
    assert!(out.contains("metric: <10ms cache access"), "{out}");
}

#[test]
fn browse_rejects_scopes_without_a_roadmap() {
    let env = Env::new();
    let e = env.fails(&["roadmap", "--year", "2"], 1);
    assert!(
        e.contains("year 2 has no roadmap yet (no source document); loaded years: 1, 3, 4"),
        "{e}"
    );
    env.fails(&["roadmap", "--month", "20"], 1);
    env.fails(&["roadmap", "--month", "60"], 1);
    env.fails(&["roadmap", "--quarter", "5"], 1);
}

#[test]
fn import_writes_toml_that_loads_back() {
    let env = Env::new();
    let out_file = env.dir.path().join("year3.toml");
    let out = env.ok(&[
        "roadmap",
        "import",
        repo_path("tests/fixtures/year3.md").to_str().unwrap(),
        "-o",
        out_file.to_str().unwrap(),
    ]);
    assert!(
        out.contains("year 3, 12 months, 24 week blocks, 72 tasks"),
        "{out}"
    );
    // A roadmap directory built from the imported file loads and counts the same tasks.
    let dir = env.dir.path().join("rm");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(repo_path("roadmap/metrics.toml"), dir.join("metrics.toml")).unwrap();
    std::fs::copy(&out_file, dir.join("year3.toml")).unwrap();
    let check = env.ok(&["--roadmap", dir.to_str().unwrap(), "roadmap", "check"]);
    assert!(
        check.contains("ok: years 3 · 12 months · 24 week blocks · 72 tasks"),
        "{check}"
    );
    // Without -o the TOML goes to stdout.
    let stdout = env.ok(&[
        "roadmap",
        "import",
        repo_path("tests/fixtures/year4.md").to_str().unwrap(),
    ]);
    assert!(stdout.contains("year = 4"), "{stdout}");
    assert!(stdout.contains("title = \"Latency Optimization System\""));
}

#[test]
fn import_rejects_what_is_not_a_roadmap() {
    let env = Env::new();
    let e = env.fails(&["roadmap", "import", "/no/such/file.md"], 1);
    assert!(
        e.contains("cannot read the roadmap /no/such/file.md"),
        "{e}"
    );
    // A device would never end: refused, not read.
    let e = env.fails(&["roadmap", "import", "/dev/zero"], 1);
    assert!(e.contains("not a regular file"), "{e}");
    let notes = env.dir.path().join("notes.md");
    std::fs::write(&notes, "# Notes\n\n1. **Thing**\n").unwrap();
    let e = env.fails(&["roadmap", "import", notes.to_str().unwrap()], 1);
    assert!(e.contains("no \"### **MONTH N: …**\" headings"), "{e}");
}

#[test]
fn check_summarises_the_built_in_roadmap() {
    let env = Env::new();
    let out = env.ok(&["roadmap", "check"]);
    assert!(
        out.contains("ok: years 1, 3, 4 · 36 months · 61 week blocks · 184 tasks · 17 metrics"),
        "{out}"
    );
    assert!(out.contains("year 2 has no roadmap file"), "{out}");
}

fn roadmap_dir(env: &Env, year1: &str) -> String {
    let dir = env.dir.path().join("custom");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(repo_path("roadmap/metrics.toml"), dir.join("metrics.toml")).unwrap();
    std::fs::write(dir.join("year1.toml"), year1).unwrap();
    dir.to_str().unwrap().to_string()
}

#[test]
fn invalid_roadmap_files_are_located_and_refused() {
    let env = Env::new();
    let good = std::fs::read_to_string(repo_path("roadmap/year1.toml")).unwrap();
    let dir = roadmap_dir(&env, &good.replace("month = 2\n", "month = 14\n"));
    let e = env.fails(&["--roadmap", &dir, "status"], 3);
    assert!(
        e.contains("year1.toml:") && e.contains("month 14 does not belong to year 1 (months 1–12)"),
        "{e}"
    );
    let dir = roadmap_dir(&env, &good.replace("weeks = \"3-4\"", "weeks = \"3-5\""));
    let e = env.fails(
        &["--roadmap", &dir, "complete", "1", "1", "Cache warming"],
        3,
    );
    assert!(e.contains("outside weeks 1–4"), "{e}");
    let dir = roadmap_dir(
        &env,
        &good.replace(
            "title = \"Enhanced error context\"",
            "title = \"Fix failed request tracking\"",
        ),
    );
    let e = env.fails(&["--roadmap", &dir, "roadmap", "check"], 3);
    assert!(e.contains("appears twice in month 1 weeks 1-2"), "{e}");
    let dir = roadmap_dir(&env, "year = 1\ntitle = [broken\n");
    let e = env.fails(&["--roadmap", &dir, "status"], 3);
    assert!(e.contains("year1.toml:2:"), "{e}");
    let e = env.fails(&["--roadmap", "/no/such/dir", "status"], 3);
    assert!(
        e.contains("cannot read roadmap directory /no/such/dir"),
        "{e}"
    );
}

#[test]
fn unknown_metric_in_a_target_is_refused() {
    let env = Env::new();
    let dir = env.dir.path().join("custom");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(repo_path("roadmap/year1.toml"), dir.join("year1.toml")).unwrap();
    let metrics = std::fs::read_to_string(repo_path("roadmap/metrics.toml")).unwrap();
    std::fs::write(
        dir.join("metrics.toml"),
        metrics.replacen("metric = \"latency\"", "metric = \"latencyP95\"", 1),
    )
    .unwrap();
    let e = env.fails(&["--roadmap", dir.to_str().unwrap(), "status"], 3);
    assert!(
        e.contains("target for unknown metric \"latencyP95\"; did you mean \"latency\"?"),
        "{e}"
    );
    std::fs::remove_file(dir.join("metrics.toml")).unwrap();
    let e = env.fails(&["--roadmap", dir.to_str().unwrap(), "status"], 3);
    assert!(e.contains("no metrics.toml"), "{e}");
}

#[test]
fn a_roadmap_directory_names_its_roadmap_and_its_first_month() {
    let env = Env::on("2027-04-10");
    let dir = env.dir.path().join("acme");
    std::fs::create_dir_all(&dir).unwrap();
    for f in std::fs::read_dir(common::repo_path("roadmap")).unwrap() {
        let p = f.unwrap().path();
        std::fs::copy(&p, dir.join(p.file_name().unwrap())).unwrap();
    }
    std::fs::write(
        dir.join("roadmap.toml"),
        "name = \"Acme platform\"\nstart = \"2027-04\"\n",
    )
    .unwrap();
    let rm = dir.to_str().unwrap();
    let r: serde_json::Value = serde_json::from_str(&env.ok(&["--roadmap", rm, "report"])).unwrap();
    assert_eq!(r["roadmap"]["name"], "Acme platform");
    assert_eq!(r["roadmap"]["start"], "2027-04");
    assert_eq!(r["current"]["month"], 1);
    assert_eq!(r["current"]["week"], 2);
    let md = env.ok(&["--roadmap", rm, "report", "--format", "markdown"]);
    assert!(md.starts_with("# Acme platform — 2027-04-10"), "{md}");
    let status = env.ok(&["--roadmap", rm, "status"]);
    assert!(status.starts_with("Acme platform — 2027-04-10"), "{status}");
    // Every date follows the start: weeks 1-2 of month 1 are due on the
    // 17th of April 2027.
    let out = env
        .cmd()
        .args(["--roadmap", rm, "check", "--rules", "overdue"])
        .env("BEAST_TODAY", "2027-04-20")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("(due 2027-04-17)"), "{text}");
    // A start that is not YYYY-MM is refused where it stands.
    std::fs::write(dir.join("roadmap.toml"), "start = \"April 2027\"\n").unwrap();
    let e = env.fails(&["--roadmap", rm, "status"], 3);
    assert!(
        e.contains(
            "roadmap.toml:1:9: start \"April 2027\" must be the roadmap's first month as YYYY-MM"
        ),
        "{e}"
    );
    // `roadmap import` writes it beside the year it imports.
    let to = env.dir.path().join("imported");
    std::fs::create_dir_all(&to).unwrap();
    let year = to.join("year3.toml");
    let fixture = repo_path("tests/fixtures/year3.md");
    env.ok(&[
        "roadmap",
        "import",
        fixture.to_str().unwrap(),
        "-o",
        year.to_str().unwrap(),
        "--name",
        "Acme platform",
        "--start",
        "2027-04",
    ]);
    let written = std::fs::read_to_string(to.join("roadmap.toml")).unwrap();
    assert!(
        written.contains("name = \"Acme platform\"\nstart = \"2027-04\"\n"),
        "{written}"
    );
}
