//! Installing a release without compiling: `scripts/dist` makes the archive
//! and its checksum, a local web server plays the release page, and
//! `scripts/install.sh` installs into a prefix with no cargo on PATH — or,
//! when the archive is damaged, installs nothing.

mod common;

use std::path::Path;
use std::process::Command;

use common::release::{dist, serve};

fn install(port: u16, prefix: &Path) -> std::process::Output {
    Command::new("sh")
        .arg(common::repo_path("scripts/install.sh"))
        .args([
            "--prefix",
            prefix.to_str().unwrap(),
            "--version",
            env!("CARGO_PKG_VERSION"),
        ])
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
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
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
    assert!(
        err.contains("does not match its SHA-256") && err.contains("nothing installed"),
        "{err}"
    );
    assert!(!other.join("bin/beast").exists());
}
