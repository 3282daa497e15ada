//! Installing a release without compiling: `scripts/dist` makes the archive
//! and its checksum, a local web server plays the release page, and
//! `scripts/install.sh` installs into a prefix with no cargo on PATH — or,
//! when the archive is damaged, installs nothing.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Serves the files under `root` over HTTP on 127.0.0.1 (GET only), until
/// the test ends.
fn serve(root: PathBuf) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut line = String::new();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            if reader.read_line(&mut line).is_err() {
                continue;
            }
            // Drain the headers.
            loop {
                let mut h = String::new();
                if reader.read_line(&mut h).unwrap_or(0) <= 2 {
                    break;
                }
            }
            let path = line.split(' ').nth(1).unwrap_or("/").trim_start_matches('/');
            let file = root.join(path);
            let (status, body) = match (path.contains(".."), std::fs::read(&file)) {
                (false, Ok(bytes)) => ("200 OK", bytes),
                _ => ("404 Not Found", b"not found".to_vec()),
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(&body);
        }
    });
    port
}

fn dist(into: &Path) -> PathBuf {
    let out = Command::new("bash")
        .arg(common::repo_path("scripts/dist"))
        .arg(into)
        .args(["--binary", env!("CARGO_BIN_EXE_beast")])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    PathBuf::from(String::from_utf8(out.stdout).unwrap().trim())
}

fn install(port: u16, prefix: &Path) -> std::process::Output {
    Command::new("sh")
        .arg(common::repo_path("scripts/install.sh"))
        .args(["--prefix", prefix.to_str().unwrap(), "--version", env!("CARGO_PKG_VERSION")])
        .env_clear()
        // No cargo, no rustc: only the system's tools.
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", prefix)
        .env("BEAST_DOWNLOAD_URL", format!("http://127.0.0.1:{port}"))
        .output()
        .unwrap()
}

#[test]
fn a_release_installs_without_cargo_and_a_damaged_one_installs_nothing() {
    if Command::new("curl").arg("--version").output().is_err()
        && Command::new("wget").arg("--version").output().is_err()
    {
        eprintln!("neither curl nor wget: install.sh cannot be tried here");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let www = tmp.path().join("www");
    let release = www.join(format!("v{}", env!("CARGO_PKG_VERSION")));
    let archive = dist(&release);
    let sum = std::fs::read_to_string(format!("{}.sha256", archive.display())).unwrap();
    assert!(sum.ends_with(".tar.gz\n") && sum.len() > 64, "{sum}");
    let port = serve(www);

    let prefix = tmp.path().join("prefix");
    let out = install(port, &prefix);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let installed = prefix.join("bin/beast");
    let version = Command::new(&installed).arg("--version").output().unwrap();
    assert!(version.status.success());
    assert_eq!(
        String::from_utf8_lossy(&version.stdout).trim(),
        format!("beast {}", env!("CARGO_PKG_VERSION"))
    );
    assert!(prefix.join("share/man/man1/beast.1").exists());

    // One byte changed: refused, and nothing installed.
    let mut bytes = std::fs::read(&archive).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    std::fs::write(&archive, bytes).unwrap();
    let other = tmp.path().join("other");
    let out = install(port, &other);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("does not match its SHA-256") && err.contains("nothing installed"), "{err}");
    assert!(!other.join("bin/beast").exists());
}
