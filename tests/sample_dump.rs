//! The bundled sample dump: every planted fabrication is found, no clean item is accused.
//!
//! `sample_dumps/expected.json` (written by `cargo run --example make_sample_dump`)
//! lists the planted cases. Cases of checks not yet registered are skipped, so
//! the generator can plant ahead of the catalogue. The dump is scanned with
//! `sample_dumps/dkim-keys.txt`, as the README tells a newcomer to; a second scan
//! without keys shows what a plain scan can and cannot see.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::scan_json;
use leakprov::checks::CHECKS;
use serde_json::Value;

/// `--dkim-keys sample_dumps/dkim-keys.txt`, the public keys of every signer in the dump.
fn with_keys(root: &Path) -> [String; 2] {
    [
        "--dkim-keys".to_string(),
        root.join("dkim-keys.txt").display().to_string(),
    ]
}

fn sample() -> (&'static Path, Value) {
    let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/sample_dumps"));
    let expected: Value =
        serde_json::from_slice(&std::fs::read(root.join("expected.json")).expect("expected.json"))
            .expect("expected.json is JSON");
    (root, expected)
}

type Key = (String, String, Option<String>);

fn key(v: &Value) -> Key {
    (
        v["check"].as_str().unwrap_or_default().to_string(),
        v["path"].as_str().unwrap_or_default().to_string(),
        v["locator"].as_str().map(str::to_string),
    )
}

#[test]
fn every_planted_case_is_found_and_clean_items_are_not_accused() {
    let (root, expected) = sample();
    let keys = with_keys(root);
    let args: Vec<&str> = keys.iter().map(String::as_str).collect();
    let (code, report) = scan_json(&root.join("corvel-leak"), &args);
    assert_eq!(code, 0);
    assert_eq!(report["summary"]["errors"], 0, "{}", report["errors"]);
    let registered: BTreeSet<&str> = CHECKS.iter().map(|c| c.meta.id).collect();
    let found: BTreeSet<Key> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(key)
        .collect();
    let planted: Vec<&Value> = expected["planted"].as_array().unwrap().iter().collect();
    let mut checked = BTreeSet::new();
    for case in &planted {
        let k = key(case);
        if !registered.contains(k.0.as_str()) {
            continue;
        }
        assert!(
            found.contains(&k),
            "planted case not found: {k:?} ({})",
            case["why"]
        );
        checked.insert(k.0.clone());
    }
    // Every registered check has a planted case.
    for check in CHECKS {
        let id = check.meta.id;
        assert!(checked.contains(id), "no planted case exercises {id}");
    }
    let planted_items: BTreeSet<(String, Option<String>)> =
        planted.iter().map(|c| (key(c).1, key(c).2)).collect();
    for f in report["findings"].as_array().unwrap() {
        let severity = f["severity"].as_str().unwrap();
        if severity == "high" || severity == "medium" {
            let (_, path, locator) = key(f);
            assert!(
                planted_items.contains(&(path.clone(), locator.clone())),
                "clean item accused ({severity}): {path} {locator:?}: {}",
                f["message"]
            );
        }
    }
}

#[test]
fn without_keys_signatures_are_not_judged_and_the_other_plants_are_still_found() {
    let (root, expected) = sample();
    let (code, report) = scan_json(&root.join("corvel-leak"), &[]);
    assert_eq!(code, 0);
    let registered: BTreeSet<&str> = CHECKS.iter().map(|c| c.meta.id).collect();
    let found: BTreeSet<Key> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(key)
        .collect();
    let planted = expected["planted"].as_array().unwrap();
    for case in planted {
        let k = key(case);
        if !registered.contains(k.0.as_str()) {
            continue;
        }
        if case["needs"].as_str() == Some("--dkim-keys") {
            assert!(
                !found.iter().any(|f| f.1 == k.1 && f.2 == k.2),
                "found without the keys it is said to need: {k:?}"
            );
        } else {
            assert!(found.contains(&k), "planted case not found: {k:?}");
        }
    }
    assert!(
        planted
            .iter()
            .any(|c| c["check"] == "dkim-signature-invalid" && c["needs"] == "--dkim-keys"),
        "the Subject edit is planted and marked as needing --dkim-keys"
    );
    assert!(
        !found.iter().any(|f| f.0 == "dkim-signature-invalid"),
        "no key, no signature verdict"
    );
    let signatures: Vec<&Value> = report["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["email"]["dkim"].as_array())
        .flatten()
        .collect();
    assert!(signatures.len() > 50, "the dump is DKIM-signed");
    for sig in signatures {
        assert_eq!(sig["signature"], "no-key", "{sig}");
    }
}

#[test]
fn the_sample_inventory_is_complete() {
    let (root, _) = sample();
    let (_, report) = scan_json(&root.join("corvel-leak"), &[]);
    let files = walkdir::WalkDir::new(root.join("corvel-leak"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .count();
    assert_eq!(report["summary"]["files"], files as u64);
    assert!(report["summary"]["emails"].as_u64().unwrap() >= 300);
    // Mbox messages carry their offset; attachments their file name.
    let items = report["items"].as_array().unwrap();
    assert!(items.iter().any(|i| {
        i["locator"]
            .as_str()
            .is_some_and(|l| l.starts_with("mbox:"))
            && i["offset"].is_u64()
    }));
    assert!(
        items
            .iter()
            .any(|i| i["filename"].as_str().is_some_and(|f| f.ends_with(".xlsx")))
    );
}

/// report.json copies slimmed items from the journal as text
/// (`report::json`): the bytes must be exactly what serde's pretty printer
/// writes for the whole report, and no journal-only fact (keys with `~`) leaks.
#[test]
fn report_json_is_what_serde_writes_for_the_whole_report() {
    let (root, _) = sample();
    let cfg = leakprov::config::Config::new(root.join("corvel-leak"));
    let report = leakprov::scan(&cfg, &leakprov::progress::Progress::new(false)).unwrap();
    assert!(
        report.items.iter().filter(|i| i.spill.is_some()).count() > 100,
        "most items wait in the journal"
    );
    let mut written = Vec::new();
    report.write_json(&mut written).unwrap();
    let mut serde = serde_json::to_vec_pretty(&report).unwrap();
    serde.push(b'\n');
    assert!(written == serde, "report.json differs from serde's output");
    assert!(!written.windows(2).any(|w| w == b"\"~"));
}
