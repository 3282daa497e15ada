//! The OpenMetrics report against the programs teams feed it to:
//! node_exporter's textfile collector, Pushgateway and Prometheus itself
//! (Debian's `prometheus-node-exporter`, `prometheus-pushgateway` and
//! `prometheus`), each started on 127.0.0.1 by the test, exactly as the
//! guide's recipes use them — two projects side by side, and every query
//! of the Grafana dashboard (docs/grafana/beast.json). Skipped where a
//! program is not installed, unless `BEAST_REQUIRE_EXPORTERS` is set (CI
//! installs them and sets it, so the check cannot be skipped there).

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::Env;

/// The program's path, or None (the test is skipped) when it is missing.
fn program(name: &str) -> Option<PathBuf> {
    let found = std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .map(|d| d.join(name))
        .find(|p| p.is_file());
    if found.is_none() {
        assert!(
            std::env::var_os("BEAST_REQUIRE_EXPORTERS").is_none(),
            "{name} is required (BEAST_REQUIRE_EXPORTERS) but not on PATH"
        );
        eprintln!("{name} is not installed; skipped");
    }
    found
}

/// Held by each test while its server runs: the tests of this file run in
/// parallel, and a port `free_port` gives one test (bind to 0, then let
/// go) can be given to the other before either server binds it — each
/// then talks to the other's server.
static ONE_SERVER_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A server process, stopped when dropped.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `program` with `args` and waits (up to 20 s, polling the port)
/// until it accepts connections on `port`.
fn start(program: &PathBuf, args: &[String], port: u16) -> Server {
    let mut server = Server(
        Command::new(program)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the server starts"),
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return server;
        }
        if let Ok(Some(status)) = server.0.try_wait() {
            panic!("{} exited: {status}", program.display());
        }
        assert!(
            Instant::now() < deadline,
            "{} did not listen",
            program.display()
        );
        std::thread::yield_now();
    }
}

/// One HTTP/1.0 request; the status code and the body.
fn http(port: u16, method: &str, path: &str, body: &[u8], content_type: &str) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .unwrap();
    s.write_all(body).unwrap();
    let mut reply = String::new();
    s.read_to_string(&mut reply).unwrap();
    let (head, body) = reply.split_once("\r\n\r\n").unwrap_or((&reply, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, body.to_string())
}

/// A second repository, project "beta", with `readings` (metric, value)
/// from ci, writing its OpenMetrics report to `file`.
fn second_project(lab: &common::lab::Lab, file: &std::path::Path, readings: &[(&str, &str)]) {
    let beta = lab.repo("beta");
    std::fs::write(beta.join(".beast/config.toml"), "project = \"beta\"\n").unwrap();
    for (metric, value) in readings {
        common::lab::beast_ok(
            &beta,
            "b@example.com",
            &["metric", metric, value, "--source", "ci"],
        );
    }
    common::lab::beast_ok(
        &beta,
        "b@example.com",
        &[
            "report",
            "--format",
            "openmetrics",
            "-o",
            file.to_str().unwrap(),
        ],
    );
}

/// A history with readings in three units and two sources.
fn env() -> Env {
    let env = Env::on("2026-01-20");
    env.ok(&["complete", "1", "1", "Fix failed request tracking"]);
    env.ok(&["metric", "cacheHitRate", "40"]);
    env.ok(&["metric", "cacheHitRate", "38.5", "--source", "ci"]);
    env.ok(&["metric", "latency", "180"]);
    env.ok(&["metric", "costPerRequest", "0.0004"]);
    env
}

#[test]
fn node_exporters_textfile_collector_takes_the_file() {
    let Some(node_exporter) = program("prometheus-node-exporter") else {
        return;
    };
    let _turn = ONE_SERVER_AT_A_TIME
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    let env = env();
    let dir = env.dir.path().join("textfile");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("beast.prom");
    // The README's recipe: an atomic write into the collector's directory.
    env.ok(&[
        "report",
        "--format",
        "openmetrics",
        "-o",
        file.to_str().unwrap(),
    ]);
    // Another repository writes its own file into the same directory.
    let lab = common::lab::Lab::new();
    second_project(&lab, &dir.join("beta.prom"), &[("cacheHitRate", "55")]);
    let port = free_port();
    let _server = start(
        &node_exporter,
        &[
            "--collector.disable-defaults".into(),
            "--collector.textfile".into(),
            format!("--collector.textfile.directory={}", dir.display()),
            format!("--web.listen-address=127.0.0.1:{port}"),
        ],
        port,
    );
    let (status, metrics) = http(port, "GET", "/metrics", b"", "text/plain");
    assert_eq!(status, 200);
    assert!(
        metrics.contains("node_textfile_scrape_error 0"),
        "{metrics}"
    );
    for line in [
        "beast_metric_ratio{metric=\"cacheHitRate\",project=\"personal\",source=\"ci\"} 0.385",
        "beast_metric_ratio{metric=\"cacheHitRate\",project=\"personal\",source=\"manual\"} 0.4",
        "beast_metric_seconds{metric=\"latency\",project=\"personal\",source=\"manual\"} 0.18",
        "beast_metric_dollars{metric=\"costPerRequest\",project=\"personal\",source=\"manual\"} 0.0004",
        "beast_progress_completed_tasks{project=\"personal\",scope=\"month\"} 1",
        // A second repository's file beside it: its own series, no clash.
        "beast_metric_ratio{metric=\"cacheHitRate\",project=\"beta\",source=\"ci\"} 0.55",
    ] {
        assert!(metrics.contains(line), "{line} in {metrics}");
    }
    assert!(metrics.contains("beast_info{"), "{metrics}");

    // Why there are no timestamps by default: the collector refuses the
    // whole file when a sample has one.
    env.ok(&[
        "report",
        "--format",
        "openmetrics",
        "--timestamps",
        "-o",
        file.to_str().unwrap(),
    ]);
    let (_, metrics) = http(port, "GET", "/metrics", b"", "text/plain");
    assert!(
        metrics.contains("node_textfile_scrape_error 1"),
        "{metrics}"
    );
    assert!(!metrics.contains("beast_metric_ratio{metric=\"cacheHitRate\",project=\"personal\""));
}

#[test]
fn pushgateway_takes_the_report_as_curl_sends_it() {
    let Some(pushgateway) = program("prometheus-pushgateway") else {
        return;
    };
    let _turn = ONE_SERVER_AT_A_TIME
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    let env = env();
    let text = env.ok(&["report", "--format", "openmetrics"]);
    let port = free_port();
    let _server = start(
        &pushgateway,
        &[format!("--web.listen-address=127.0.0.1:{port}")],
        port,
    );
    // `curl --data-binary @- URL` sends this content type.
    let (status, body) = http(
        port,
        "POST",
        "/metrics/job/beast",
        text.as_bytes(),
        "application/x-www-form-urlencoded",
    );
    assert!((200..300).contains(&status), "{status}: {body}");
    let (_, metrics) = http(port, "GET", "/metrics", b"", "text/plain");
    let line = metrics
        .lines()
        .find(|l| l.starts_with("beast_metric_seconds{") && l.contains("metric=\"latency\""))
        .unwrap_or_else(|| panic!("no latency in {metrics}"));
    assert!(line.contains("job=\"beast\""), "{line}");
    assert!(line.ends_with(" 0.18"), "{line}");
    // The README's grouping key per project: a second project's push
    // keeps the first's. (The group without a project goes first: its
    // series would be the same as the grouped ones.)
    let (status, _) = http(port, "DELETE", "/metrics/job/beast", b"", "text/plain");
    assert!((200..300).contains(&status), "{status}");
    let other = text.replace("project=\"personal\"", "project=\"beta\"");
    for (key, body) in [("personal", &text), ("beta", &other)] {
        let (status, said) = http(
            port,
            "POST",
            &format!("/metrics/job/beast/project/{key}"),
            body.as_bytes(),
            "application/x-www-form-urlencoded",
        );
        assert!((200..300).contains(&status), "{status}: {said}");
    }
    let (_, metrics) = http(port, "GET", "/metrics", b"", "text/plain");
    for key in ["personal", "beta"] {
        assert!(
            metrics
                .lines()
                .any(|l| l.starts_with("beast_metric_seconds{")
                    && l.contains(&format!("project=\"{key}\""))),
            "{key} in {metrics}"
        );
    }

    // A timestamped push is refused, as Pushgateway documents.
    let stamped = env.ok(&["report", "--format", "openmetrics", "--timestamps"]);
    let (status, _) = http(
        port,
        "POST",
        "/metrics/job/beast",
        stamped.as_bytes(),
        "application/x-www-form-urlencoded",
    );
    assert_eq!(status, 400);
}

/// Percent-encodes a query for a URL.
fn encode(q: &str) -> String {
    q.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[test]
fn every_dashboard_query_returns_data_from_prometheus_for_two_projects() {
    let (Some(node_exporter), Some(prometheus)) =
        (program("prometheus-node-exporter"), program("prometheus"))
    else {
        return;
    };
    let _turn = ONE_SERVER_AT_A_TIME
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    // Two projects' files in one textfile directory.
    let env = env();
    let dir = env.dir.path().join("textfile");
    std::fs::create_dir_all(&dir).unwrap();
    env.ok(&[
        "report",
        "--format",
        "openmetrics",
        "-o",
        dir.join("personal.prom").to_str().unwrap(),
    ]);
    let lab = common::lab::Lab::new();
    second_project(
        &lab,
        &dir.join("beta.prom"),
        &[("cacheHitRate", "55"), ("latency", "150")],
    );
    let node_port = free_port();
    let _node = start(
        &node_exporter,
        &[
            "--collector.disable-defaults".into(),
            "--collector.textfile".into(),
            format!("--collector.textfile.directory={}", dir.display()),
            format!("--web.listen-address=127.0.0.1:{node_port}"),
        ],
        node_port,
    );
    // Prometheus scraping it every second.
    let config = env.dir.path().join("prometheus.yml");
    std::fs::write(
        &config,
        format!(
            "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: node\n    static_configs:\n      - targets: ['127.0.0.1:{node_port}']\n"
        ),
    )
    .unwrap();
    let port = free_port();
    let _prom = start(
        &prometheus,
        &[
            format!("--config.file={}", config.display()),
            format!(
                "--storage.tsdb.path={}",
                env.dir.path().join("tsdb").display()
            ),
            format!("--web.listen-address=127.0.0.1:{port}"),
        ],
        port,
    );
    let query = |q: &str| -> serde_json::Value {
        let (status, body) = http(
            port,
            "GET",
            &format!("/api/v1/query?query={}", encode(q)),
            b"",
            "text/plain",
        );
        assert_eq!(status, 200, "{q}: {body}");
        serde_json::from_str(&body).unwrap()
    };
    // Until two scrapes of both projects are in (a server's start-up, not
    // a timing assertion).
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        // 503 while Prometheus opens its database.
        let (status, _) = http(port, "GET", "/-/ready", b"", "text/plain");
        if status != 200 {
            assert!(Instant::now() < deadline, "Prometheus never became ready");
            std::thread::sleep(Duration::from_millis(200));
            continue;
        }
        let r = query("min(count_over_time(beast_info[1m]))");
        let ready = r["data"]["result"][0]["value"][1]
            .as_str()
            .and_then(|v| v.parse::<f64>().ok())
            .is_some_and(|n| n >= 2.0)
            && query("count(beast_info)")["data"]["result"][0]["value"][1] == "2";
        if ready {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "Prometheus never scraped both projects"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    // The dashboard's project variable lists both.
    let dashboard: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(common::repo_path("docs/grafana/beast.json")).unwrap(),
    )
    .unwrap();
    let variable = dashboard["templating"]["list"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "project")
        .unwrap();
    assert_eq!(
        variable["query"]["query"],
        "label_values(beast_info, project)"
    );
    let (_, values) = http(
        port,
        "GET",
        "/api/v1/label/project/values?match[]=beast_info",
        b"",
        "text/plain",
    );
    assert!(
        values.contains("\"personal\"") && values.contains("\"beta\""),
        "{values}"
    );
    // Every panel's every query, for each project: data.
    let mut queries = 0;
    for panel in dashboard["panels"].as_array().unwrap() {
        for target in panel["targets"].as_array().unwrap() {
            let expr = target["expr"].as_str().unwrap();
            for project in ["personal", "beta"] {
                let q = expr.replace("$project", project);
                let r = query(&q);
                assert_eq!(r["status"], "success", "{q}: {r}");
                assert!(
                    !r["data"]["result"].as_array().unwrap().is_empty(),
                    "panel \"{}\": {q} returned nothing",
                    panel["title"]
                );
                queries += 1;
            }
        }
    }
    assert!(queries >= 20, "{queries}");
}
