//! Helpers shared by the integration tests: run the real binary, read its JSON.
#![allow(dead_code)] // each test binary uses a different subset of these helpers

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

pub fn leakprov() -> Command {
    Command::new(env!("CARGO_BIN_EXE_leakprov"))
}

/// Runs `leakprov scan DUMP --json - --quiet [extra]` and returns (exit code, report).
pub fn scan_json(dump: &Path, extra: &[&str]) -> (i32, Value) {
    let out = leakprov()
        .arg("scan")
        .arg(dump)
        .args(["--json", "-", "--quiet"])
        .args(extra)
        .output()
        .expect("run leakprov");
    let code = out.status.code().unwrap_or(-1);
    let report = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}); stderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (code, report)
}

pub fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("run command")
}

/// The report without what legitimately differs between two scans (timestamps, args, root).
pub fn stable(mut report: Value) -> Value {
    if let Some(scan) = report.get_mut("scan").and_then(Value::as_object_mut) {
        scan.remove("started_at");
        scan.remove("finished_at");
        scan.remove("args");
        scan.remove("threads");
        scan.remove("root");
    }
    report
}

/// (check, path, locator) of every finding.
pub fn finding_keys(report: &Value) -> Vec<(String, String, Option<String>)> {
    report["findings"]
        .as_array()
        .expect("findings array")
        .iter()
        .map(|f| {
            (
                f["check"].as_str().unwrap_or_default().to_string(),
                f["path"].as_str().unwrap_or_default().to_string(),
                f["locator"].as_str().map(str::to_string),
            )
        })
        .collect()
}

/// Lower-case hex SHA-256 of `bytes`, as the report writes it.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The manifests `leakprov scan` and `leakprov hash` write for `dump`, in
/// that order (`hash` must exit 0).
pub fn scan_and_hash_manifests(dump: &Path) -> (Vec<u8>, Vec<u8>) {
    let [a, b] = [(); 2].map(|_| tempfile::tempdir().unwrap());
    run(leakprov()
        .arg("scan")
        .arg(dump)
        .arg("--out")
        .arg(a.path())
        .arg("-q"));
    let hashed = run(leakprov()
        .arg("hash")
        .arg(dump)
        .arg("--out")
        .arg(b.path())
        .arg("-q"));
    assert_eq!(hashed.status.code(), Some(0));
    let read = |dir: &Path| std::fs::read(dir.join("manifest.sha256")).unwrap();
    (read(a.path()), read(b.path()))
}

/// `sha256sum -c MANIFEST` run from `root` accepts every line, when
/// coreutils is there.
pub fn assert_sha256sum_accepts(manifest: &Path, root: &Path) {
    if let Ok(check) = Command::new("sha256sum")
        .arg("-c")
        .arg("--quiet")
        .arg(manifest)
        .current_dir(root)
        .output()
    {
        assert!(
            check.status.success(),
            "{}",
            String::from_utf8_lossy(&check.stdout)
        );
    }
}
