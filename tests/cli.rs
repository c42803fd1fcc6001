//! Runs the real binary: exit codes, outputs, refusal to write into the dump, hostile trees.

mod common;

use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use common::{
    assert_sha256sum_accepts, finding_keys, leakprov, run, scan_json, sha256_hex, stable,
};
use serde_json::Value;

const FORGED: &str = "From: Alice Martin <alice@example.fr>\r\nTo: bob@example.com\r\nSubject: Budget\r\nDate: Mon, 2 May 2017 09:14:01 +0200\r\nMessage-ID: <1@example.fr>\r\n\r\nThe budget is 4,8 M€.\r\n";
const GENUINE: &str = "From: Bob <bob@example.com>\nTo: alice@example.fr\nSubject: Re: Budget\nDate: Tue, 2 May 2017 10:00:00 +0200\nMessage-ID: <2@example.com>\nIn-Reply-To: <1@example.fr>\n\nThanks.\n";

fn small_dump() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("alice/Inbox")).unwrap();
    fs::write(dir.path().join("alice/Inbox/1.eml"), FORGED).unwrap();
    fs::write(dir.path().join("alice/Inbox/2.eml"), GENUINE).unwrap();
    let mbox = format!(
        "From bob@example.com Tue May  2 10:00:00 2017\n{GENUINE}\nFrom x@example.com Tue May  2 11:00:00 2017\nFrom: x@example.com\nDate: Tue, 2 May 2017 11:00:00 +0200\n\n>From the minutes\n\n"
    );
    fs::write(dir.path().join("archive.mbox"), mbox).unwrap();
    dir
}

#[test]
fn finds_planted_weekday_and_duplicate_across_mbox_and_eml() {
    let dump = small_dump();
    let (code, report) = scan_json(dump.path(), &[]);
    assert_eq!(code, 0);
    let keys = finding_keys(&report);
    assert!(keys.contains(&(
        "date-weekday-mismatch".into(),
        "alice/Inbox/1.eml".into(),
        None
    )));
    // The mbox message equals the standalone file once mbox framing is removed.
    let dup = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check"] == "exact-duplicate")
        .expect("duplicate finding");
    assert_eq!(dup["evidence"]["copies"][1]["path"], "archive.mbox");
    assert_eq!(dup["evidence"]["copies"][1]["locator"], "mbox:1");
    assert_eq!(report["summary"]["emails"], 4);
    assert_eq!(report["schema_version"], 1);
    assert_eq!(report["tool"]["name"], "leakprov");
}

#[test]
fn default_outputs_and_manifest_verifies() {
    let dump = small_dump();
    let out_dir = tempfile::tempdir().unwrap();
    let out = out_dir.path().join("rep");
    let status = run(leakprov()
        .arg("scan")
        .arg(dump.path())
        .arg("--out")
        .arg(&out)
        .arg("-q"));
    assert_eq!(
        status.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    assert!(status.stdout.is_empty(), "nothing on stdout by default");
    for name in [
        "report.html",
        "report.json",
        "findings.jsonl",
        "manifest.sha256",
    ] {
        assert!(out.join(name).is_file(), "{name} written");
    }
    let report: Value =
        serde_json::from_slice(&fs::read(out.join("report.json")).unwrap()).unwrap();
    let jsonl = fs::read_to_string(out.join("findings.jsonl")).unwrap();
    assert_eq!(
        jsonl.lines().count(),
        report["findings"].as_array().unwrap().len()
    );
    for line in jsonl.lines() {
        let f: Value = serde_json::from_str(line).unwrap();
        assert!(f["check"].is_string() && f["evidence"].is_object());
    }
    let manifest = fs::read(out.join("manifest.sha256")).unwrap();
    assert_eq!(
        report["scan"]["manifest_sha256"],
        sha256_hex(&manifest),
        "the report fixes the manifest"
    );
    // sha256sum -c from the dump root, when coreutils is there.
    assert_sha256sum_accepts(&out.join("manifest.sha256"), dump.path());
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("date-weekday-mismatch"));
    assert!(html.contains("Content-Security-Policy"));
}

#[test]
fn fail_on_sets_the_exit_code() {
    let dump = small_dump();
    assert_eq!(scan_json(dump.path(), &["--fail-on", "medium"]).0, 1);
    assert_eq!(scan_json(dump.path(), &["--fail-on", "high"]).0, 0);
    assert_eq!(scan_json(dump.path(), &[]).0, 0);
}

#[test]
fn usage_errors_exit_2_with_a_clear_message() {
    let dump = small_dump();
    let inside = run(leakprov()
        .arg("scan")
        .arg(dump.path())
        .arg("--out")
        .arg(dump.path().join("report")));
    assert_eq!(inside.status.code(), Some(2));
    let msg = String::from_utf8_lossy(&inside.stderr);
    assert!(msg.starts_with("leakprov: refusing to write"), "{msg}");
    assert!(
        !dump.path().join("report").exists(),
        "nothing created in the dump"
    );

    let json_inside = run(leakprov()
        .arg("scan")
        .arg(dump.path())
        .arg("--json")
        .arg(dump.path().join("alice/../r.json")));
    assert_eq!(json_inside.status.code(), Some(2));

    let missing = run(leakprov().args(["scan", "/nonexistent/dump"]));
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("/nonexistent/dump"));

    let file = run(leakprov()
        .arg("scan")
        .arg(dump.path().join("alice/Inbox/1.eml")));
    assert_eq!(file.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&file.stderr).contains("not a folder"));

    let both = run(leakprov()
        .arg("scan")
        .arg(dump.path())
        .args(["--json", "-", "--jsonl", "-"]));
    assert_eq!(both.status.code(), Some(2));
    let bad_flag = run(leakprov()
        .arg("scan")
        .arg(dump.path())
        .args(["--fail-on", "sometimes"]));
    assert_eq!(bad_flag.status.code(), Some(2));
}

#[test]
fn version_and_help() {
    let v = run(leakprov().arg("--version"));
    assert!(String::from_utf8_lossy(&v.stdout).contains(env!("CARGO_PKG_VERSION")));
    let help = run(leakprov().args(["scan", "--help"]));
    let text = String::from_utf8_lossy(&help.stdout);
    assert!(text.contains("Examples:") && text.contains("--fail-on"));
}

#[test]
fn deterministic_across_runs_and_thread_counts() {
    let dump = small_dump();
    let (_, one) = scan_json(dump.path(), &["-j", "1"]);
    let (_, two) = scan_json(dump.path(), &["-j", "2"]);
    let (_, again) = scan_json(dump.path(), &["-j", "2"]);
    assert_eq!(stable(one.clone()), stable(two.clone()));
    assert_eq!(stable(two), stable(again));
    // A renamed root gives the same report.
    let renamed = tempfile::tempdir().unwrap();
    let target = renamed.path().join("other-name");
    fs::rename(dump.path(), &target).unwrap();
    let (_, moved) = scan_json(&target, &["-j", "1"]);
    fs::rename(&target, dump.path()).unwrap();
    assert_eq!(stable(one), stable(moved));
}

#[test]
fn crlf_and_lf_copies_give_the_same_findings() {
    let lf = tempfile::tempdir().unwrap();
    let crlf = tempfile::tempdir().unwrap();
    fs::write(lf.path().join("m.eml"), FORGED.replace("\r\n", "\n")).unwrap();
    fs::write(crlf.path().join("m.eml"), FORGED).unwrap();
    let checks = |r: &Value| -> Vec<(String, String)> {
        r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["check"].as_str().unwrap().into(),
                    f["message"].as_str().unwrap().into(),
                )
            })
            .collect()
    };
    assert_eq!(
        checks(&scan_json(lf.path(), &[]).1),
        checks(&scan_json(crlf.path(), &[]).1)
    );
}

/// Snapshot of every file's bytes and modification time.
fn fingerprint(root: &Path) -> Vec<(Vec<u8>, Vec<u8>, std::time::SystemTime)> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
        let entry = entry.unwrap();
        let meta = fs::symlink_metadata(entry.path()).unwrap();
        let bytes = if meta.is_file() {
            fs::read(entry.path()).unwrap()
        } else {
            Vec::new()
        };
        out.push((
            entry.path().as_os_str().as_bytes().to_vec(),
            bytes,
            meta.modified().unwrap(),
        ));
    }
    out
}

#[test]
fn the_dump_is_untouched() {
    let dump = small_dump();
    let before = fingerprint(dump.path());
    let out = tempfile::tempdir().unwrap();
    let status = run(leakprov()
        .arg("scan")
        .arg(dump.path())
        .arg("--out")
        .arg(out.path())
        .arg("-q"));
    assert_eq!(status.status.code(), Some(0));
    assert_eq!(before, fingerprint(dump.path()));
}

#[cfg(unix)]
#[test]
fn hostile_tree_finishes_and_lists_everything() {
    use std::os::unix::ffi::OsStrExt as _;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::write(root.join("zero.eml"), b"").unwrap();
    fs::write(
        root.join("binary.eml"),
        (0..=255u8).cycle().take(5000).collect::<Vec<_>>(),
    )
    .unwrap();
    fs::write(root.join("truncated.eml"), &GENUINE.as_bytes()[..60]).unwrap();
    let fifo = root.join("mail.eml");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    assert!(
        made.map(|s| s.success()).unwrap_or(false),
        "mkfifo available"
    );
    std::os::unix::fs::symlink(root.join("gone.eml"), root.join("dangling.eml")).unwrap();
    std::os::unix::fs::symlink(root.join("loop-b"), root.join("loop-a")).unwrap();
    std::os::unix::fs::symlink(root.join("loop-a"), root.join("loop-b")).unwrap();
    std::os::unix::fs::symlink("/etc", root.join("outside")).unwrap();
    let odd = std::ffi::OsStr::from_bytes(b"caf\xe9-\xff.eml");
    fs::write(root.join(odd), GENUINE).unwrap();
    fs::create_dir(root.join("locked")).unwrap();

    let (code, report) = scan_json(root, &[]);
    assert_eq!(code, 0, "a bad file never aborts the scan");
    let listed: Vec<String> = report["items"]
        .as_array()
        .unwrap()
        .iter()
        .chain(report["errors"].as_array().unwrap())
        .map(|v| v["path"].as_str().unwrap().to_string())
        .collect();
    for name in [
        "zero.eml",
        "binary.eml",
        "truncated.eml",
        "mail.eml",
        "dangling.eml",
        "loop-a",
        "loop-b",
        "outside",
        "caf\\xE9-\\xFF.eml",
    ] {
        assert!(
            listed.iter().any(|p| p == name),
            "{name} missing from {listed:?}"
        );
    }
    let item = |path: &str| {
        report["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["path"] == path && i["locator"].is_null())
            .cloned()
            .unwrap()
    };
    assert_eq!(item("zero.eml")["kind"], "empty");
    assert_eq!(item("binary.eml")["kind"], "other");
    assert_eq!(item("mail.eml")["kind"], "special");
    assert_eq!(item("mail.eml")["special"], "fifo");
    assert_eq!(item("outside")["kind"], "symlink");
    assert_eq!(item("outside")["link_target"], "/etc");
    assert!(
        item("outside")["sha256"].is_null(),
        "a symlink is never followed"
    );
    assert_eq!(item("truncated.eml")["kind"], "email");
    assert_eq!(item("caf\\xE9-\\xFF.eml")["kind"], "email");
    // Nothing from /etc was read.
    assert!(!listed.iter().any(|p| p.starts_with("outside/")));
}

/// Full items wait in the journal while the corpus passes run on slim ones
/// (`checkpoint::spill`): the report is the same whether they wait in the
/// checkpoint folder, in an unnamed temporary file, or (the temporary folder
/// lying inside the dump, where nothing may be written) in memory.
#[test]
fn items_are_reported_in_full_wherever_they_wait() {
    let dump = small_dump();
    let with_received = format!(
        "Received: from mx.example.com by mail.example.fr; Mon, 2 May 2017 09:15:00 +0200\r\nX-Mailer: Microsoft Outlook 16.0\r\n{FORGED}"
    );
    fs::write(dump.path().join("alice/Inbox/3.eml"), with_received).unwrap();
    let (_, in_temp_file) = scan_json(dump.path(), &[]);
    let message = in_temp_file["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["path"] == "alice/Inbox/3.eml")
        .unwrap();
    assert_eq!(message["email"]["received"][0]["by"], "mail.example.fr");
    assert!(
        message["email"]["header_names"]
            .as_array()
            .unwrap()
            .contains(&"X-Mailer".into())
    );
    assert_eq!(message["email"]["fingerprint"]["client"], "Outlook");

    let out_dir = tempfile::tempdir().unwrap();
    let out = out_dir.path().join("rep");
    run(leakprov()
        .arg("scan")
        .arg(dump.path())
        .arg("--out")
        .arg(&out)
        .arg("--quiet"));
    let in_checkpoint: Value =
        serde_json::from_slice(&fs::read(out.join("report.json")).unwrap()).unwrap();
    assert_eq!(stable(in_checkpoint), stable(in_temp_file.clone()));

    let inside = dump.path().join("alice");
    let out = leakprov()
        .arg("scan")
        .arg(dump.path())
        .args(["--json", "-", "--quiet"])
        .env("TMPDIR", &inside)
        .output()
        .unwrap();
    let in_memory: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(stable(in_memory), stable(in_temp_file));
    assert_eq!(
        fs::read_dir(&inside).unwrap().count(),
        1,
        "nothing written in the dump"
    );
}
