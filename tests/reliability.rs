//! Reliability: a panic in one worker is contained, and a dump can be verified against its manifest later.

mod common;

use std::fs;

use common::{assert_sha256sum_accepts, leakprov, run, scan_and_hash_manifests, scan_json};
use serde_json::Value;

const MSG: &str = "From: a@example.fr\nTo: b@example.com\nDate: Tue, 2 May 2017 09:14:01 +0200\nSubject: x\n\nbody\n";

fn dump() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("in")).unwrap();
    for i in 0..5 {
        fs::write(
            dir.path().join(format!("in/{i}.eml")),
            MSG.replace("body", &format!("body {i}")),
        )
        .unwrap();
    }
    dir
}

#[test]
fn a_panic_in_one_file_becomes_an_error_record() {
    if !cfg!(debug_assertions) {
        return; // the injection hook exists in debug builds only
    }
    let dir = dump();
    let out = leakprov()
        .arg("scan")
        .arg(dir.path())
        .args(["--json", "-", "-q"])
        .env("LEAKPROV_TEST_PANIC_ON", "in/3.eml")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let errors = report["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0]["path"], "in/3.eml");
    assert!(
        errors[0]["error"]
            .as_str()
            .unwrap()
            .contains("injected test panic")
    );
    // The other files were analysed.
    let emails = report["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["kind"] == "email")
        .count();
    assert_eq!(emails, 4);
}

#[test]
fn verify_reports_changed_missing_and_new_files() {
    let dir = dump();
    let out_dir = tempfile::tempdir().unwrap();
    let status = run(leakprov()
        .arg("scan")
        .arg(dir.path())
        .arg("--out")
        .arg(out_dir.path())
        .arg("-q"));
    assert_eq!(status.status.code(), Some(0));
    let manifest = out_dir.path().join("manifest.sha256");

    let clean = run(leakprov()
        .arg("verify")
        .arg(dir.path())
        .arg("--manifest")
        .arg(&manifest)
        .arg("-q"));
    assert_eq!(
        clean.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&clean.stdout)
    );
    assert!(clean.stdout.is_empty());

    fs::write(dir.path().join("in/1.eml"), MSG.replace("body", "altered")).unwrap();
    fs::remove_file(dir.path().join("in/2.eml")).unwrap();
    fs::write(dir.path().join("in/planted.eml"), MSG).unwrap();
    let dirty = run(leakprov()
        .arg("verify")
        .arg(dir.path())
        .arg("--manifest")
        .arg(&manifest)
        .args(["--json", "-q"]));
    assert_eq!(dirty.status.code(), Some(1));
    let result: Value = serde_json::from_slice(&dirty.stdout).unwrap();
    assert_eq!(result["changed"], serde_json::json!(["in/1.eml"]));
    assert_eq!(result["missing"], serde_json::json!(["in/2.eml"]));
    assert_eq!(result["new"], serde_json::json!(["in/planted.eml"]));
    assert_eq!(result["verified"], 3);
}

#[test]
fn hash_writes_the_same_manifest_as_scan() {
    let dir = dump();
    let (scanned, hashed) = scan_and_hash_manifests(dir.path());
    assert_eq!(scanned, hashed);
    let (_, report) = scan_json(dir.path(), &[]);
    assert_eq!(report["tool"]["version"], env!("CARGO_PKG_VERSION"));
    let inside = run(leakprov()
        .arg("hash")
        .arg(dir.path())
        .arg("--out")
        .arg(dir.path().join("m")));
    assert_eq!(inside.status.code(), Some(2));
}

/// `scan` writes its manifest from the sorted items, merging in the names
/// that escaping changed; `hash` sorts every line. Both must give the
/// order `sha256sum` reads, names escaped or not interleaved.
#[test]
fn escaped_names_take_their_place_in_the_manifest() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let names: [&[u8]; 7] = [
        b"plain.eml",
        b"caf\xff.eml",
        b"cafe.eml",
        b"cag",
        b"back\\slash",
        b"backz",
        b"new\nline",
    ];
    for (i, name) in names.iter().enumerate() {
        let path = dir.path().join(std::ffi::OsStr::from_bytes(name));
        fs::write(path, format!("file {i}\n")).unwrap();
    }
    let (scanned, hashed) = scan_and_hash_manifests(dir.path());
    assert_eq!(scanned, hashed);
    assert_eq!(scanned.iter().filter(|&&c| c == b'\n').count(), names.len());
    let out = tempfile::tempdir().unwrap();
    let manifest = out.path().join("manifest.sha256");
    fs::write(&manifest, &scanned).unwrap();
    assert_sha256sum_accepts(&manifest, dir.path());
}

#[test]
fn sigint_writes_a_partial_report_marked_incomplete() {
    let dir = tempfile::tempdir().unwrap();
    // Enough bytes that a debug build is still reading when the signal comes.
    let block: Vec<u8> = (0..(8u32 << 20))
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    for i in 0..24 {
        fs::write(dir.path().join(format!("blob{i:02}.bin")), &block).unwrap();
    }
    let out = tempfile::tempdir().unwrap();
    let mut child = leakprov()
        .arg("scan")
        .arg(dir.path())
        .arg("--out")
        .arg(out.path())
        .args(["-q", "-j", "1"])
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let pid = child.id().to_string();
    let _ = std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status();
    let status = child.wait().unwrap();
    let report: Value =
        serde_json::from_slice(&fs::read(out.path().join("report.json")).unwrap()).unwrap();
    if status.code() == Some(0) {
        // The machine was fast enough to finish before the signal: nothing to check.
        assert_eq!(report["complete"], true);
        return;
    }
    assert_eq!(status.code(), Some(130));
    assert_eq!(report["complete"], false);
    let files = report["summary"]["files"].as_u64().unwrap();
    assert!(files < 24, "{files} files read");
    let manifest = fs::read_to_string(out.path().join("manifest.sha256")).unwrap();
    assert_eq!(
        manifest.lines().count() as u64,
        files,
        "the manifest lists what was read"
    );
}
