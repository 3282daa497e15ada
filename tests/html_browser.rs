//! The HTML report in a real browser (Debian's `chromium`, headless): no
//! horizontal overflow from phone to wide screen, light and dark schemes,
//! screenshots at 390 and 1280 px and a printed PDF. Skipped where chromium
//! is not installed, unless `BEAST_REQUIRE_CHROMIUM` is set (CI installs it
//! and sets it, so these checks cannot be skipped there).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::Env;

fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let dirs: Vec<PathBuf> = std::env::split_paths(&path).collect();
    let found = ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .flat_map(|name| dirs.iter().map(move |d| d.join(name)))
        .find(|p| p.is_file());
    if found.is_none() {
        assert!(
            std::env::var_os("BEAST_REQUIRE_CHROMIUM").is_none(),
            "chromium is required (BEAST_REQUIRE_CHROMIUM) but not on PATH"
        );
        eprintln!("chromium is not installed; skipped");
    }
    found
}

/// Runs headless chromium on `page` with `extra` flags; its stdout.
fn run(chromium: &Path, page: &Path, extra: &[String]) -> String {
    let out = Command::new(chromium)
        .args([
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--hide-scrollbars",
            "--allow-file-access-from-files",
            "--no-first-run",
        ])
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .env("HOME", page.parent().unwrap())
        .output()
        .expect("chromium runs");
    assert!(
        out.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The report shown in a frame `width` px wide (a browser window cannot be
/// narrower than 500 px): (scroll width, viewport width, body background).
fn measure(chromium: &Path, report: &Path, width: u32, dark: bool) -> (u32, u32, String) {
    let dir = report.parent().unwrap();
    let harness = dir.join(format!("harness-{width}.html"));
    std::fs::write(
        &harness,
        format!(
            "<!doctype html><html><head><title>pending</title></head><body style=\"margin:0\">\
             <iframe src=\"{}\" style=\"width:{width}px;height:900px;border:0\" onload=\"\
             var d=this.contentDocument, w=this.contentWindow;\
             document.title='W='+d.documentElement.scrollWidth+' I='+w.innerWidth+' BG='+w.getComputedStyle(d.body).backgroundColor;\
             \"></iframe></body></html>",
            report.file_name().unwrap().to_str().unwrap()
        ),
    )
    .unwrap();
    let mut flags = vec!["--window-size=1500,1000".to_string(), "--dump-dom".into()];
    if dark {
        flags.push("--blink-settings=preferredColorScheme=0".into());
    }
    let dom = run(chromium, &harness, &flags);
    let title = dom
        .split("<title>")
        .nth(1)
        .and_then(|t| t.split("</title>").next())
        .unwrap_or_else(|| panic!("no title in {dom}"));
    let field = |k: &str| {
        title
            .split(' ')
            .find_map(|p| p.strip_prefix(k))
            .unwrap_or_else(|| panic!("{k} in {title}"))
            .to_string()
    };
    let bg = title.split("BG=").nth(1).unwrap_or("").to_string();
    (
        field("W=").parse().unwrap(),
        field("I=").parse().unwrap(),
        bg,
    )
}

/// A report with what stretches a layout: several metrics and sources,
/// long titles, an unbreakable word, completions and claims.
fn report(env: &Env) -> PathBuf {
    env.ok(&["complete", "1", "1", "Fix failed request tracking"]);
    env.ok(&["complete", "1", "2", "Enhanced error context"]);
    let long = format!("Investigate {}", "x".repeat(120));
    env.ok(&[
        "complete",
        "1",
        "2",
        &long,
        "--adhoc",
        "--note",
        &"a very long note ".repeat(30),
    ]);
    for (v, source) in [
        ("28", "manual"),
        ("31", "ci"),
        ("36.5", "ci"),
        ("34", "grafana-production-eu-west"),
    ] {
        env.ok(&["metric", "cacheHitRate", v, "--source", source]);
    }
    env.ok(&["metric", "latency", "240"]);
    env.ok(&["metric", "costPerRequest", "0.0004"]);
    env.ok(&["dogfood", "improvement"]);
    let path = env.dir.path().join("report.html");
    env.ok(&["report", "--format", "html", "-o", path.to_str().unwrap()]);
    path
}

#[test]
fn the_report_fits_every_width_in_both_schemes() {
    let Some(chromium) = chromium() else {
        return;
    };
    let env = Env::on("2026-02-20");
    let page = report(&env);
    let mut backgrounds = Vec::new();
    for dark in [false, true] {
        for width in [360, 390, 768, 1024, 1280, 1440] {
            let (scroll, inner, bg) = measure(&chromium, &page, width, dark);
            assert_eq!(inner, width);
            assert!(
                scroll <= inner,
                "{width} px ({}): the page is {scroll} px wide",
                if dark { "dark" } else { "light" }
            );
            backgrounds.push(bg);
        }
    }
    // The schemes differ, and each is one background at every width.
    assert_eq!(backgrounds[0], backgrounds[5]);
    assert_eq!(backgrounds[6], backgrounds[11]);
    assert_ne!(backgrounds[0], backgrounds[6], "light and dark");
    assert_eq!(backgrounds[6], "rgb(15, 20, 32)", "the dark scheme");

    // The check can fail: a page wider than its frame is caught.
    let wide = env.dir.path().join("wide.html");
    std::fs::write(
        &wide,
        "<!doctype html><body><div style=\"width:600px\">x</div></body>",
    )
    .unwrap();
    let (scroll, inner, _) = measure(&chromium, &wide, 390, false);
    assert!(scroll > inner, "{scroll} > {inner}");
}

#[test]
fn screenshots_and_print() {
    let Some(chromium) = chromium() else {
        return;
    };
    let env = Env::on("2026-02-20");
    let page = report(&env);
    // Kept for people to look at: target/tmp/html-report/.
    let keep = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("html-report");
    std::fs::create_dir_all(&keep).unwrap();
    // 390 px through a frame of that width (a window is at least 500).
    measure(&chromium, &page, 390, false);
    let framed = page.parent().unwrap().join("harness-390.html");
    for (name, target, size) in [
        ("report-1280", &page, "1280,2400"),
        ("report-390", &framed, "500,900"),
    ] {
        for scheme in ["light", "dark"] {
            let name = format!("{name}-{scheme}.png");
            let shot = keep.join(&name);
            let _ = std::fs::remove_file(&shot);
            let mut flags = vec![
                format!("--window-size={size}"),
                format!("--screenshot={}", shot.display()),
            ];
            if scheme == "dark" {
                flags.push("--blink-settings=preferredColorScheme=0".into());
            }
            run(&chromium, target, &flags);
            let png = std::fs::read(&shot).unwrap();
            assert!(png.starts_with(b"\x89PNG"), "{name}");
        }
    }
    let pdf = keep.join("report.pdf");
    let _ = std::fs::remove_file(&pdf);
    run(
        &chromium,
        &page,
        &[
            "--no-pdf-header-footer".into(),
            format!("--print-to-pdf={}", pdf.display()),
        ],
    );
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF"));
    // The print style puts a light page under every scheme.
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("@media print"));
    assert!(html.contains("prefers-color-scheme: light"));
}
