//! Calibration on real mail: findings per thousand messages on the shared development corpus.
//!
//! `../shared/corpora/` (or `$LEAKPROV_CORPORA`) holds real mailing-list mail,
//! assumed genuine: a high or medium finding there is almost always a false
//! positive. This test skips when the corpus is absent (a fresh clone), prints
//! the rate per check (`cargo test --test corpus -- --nocapture`), and fails
//! when any check raises high or medium findings on more than 0.5% of messages.

mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;

use common::scan_json;

fn corpus_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("LEAKPROV_CORPORA")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpora"))
        });
    dir.join("linux-hwmon.mbox").is_file().then_some(dir)
}

#[test]
fn real_mail_is_rarely_accused() {
    let Some(dir) = corpus_dir() else {
        eprintln!("skipped: no development corpus at ../shared/corpora (set LEAKPROV_CORPORA)");
        return;
    };
    let (code, report) = scan_json(&dir, &[]);
    assert_eq!(code, 0);
    // Top-level messages only: attachments and nested messages are not separate mail.
    let messages = report["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["kind"] == "email" && i["locator"].as_str().is_some_and(|l| !l.contains('/')))
        .count();
    assert!(messages >= 3000, "corpus has {messages} messages");
    let mut per_check: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    for f in report["findings"].as_array().unwrap() {
        *per_check
            .entry(f["check"].as_str().unwrap().into())
            .or_default()
            .entry(f["severity"].as_str().unwrap().into())
            .or_default() += 1;
    }
    println!("findings per 1000 messages on {messages} real messages:");
    println!(
        "{:<30} {:>8} {:>8} {:>8} {:>8}",
        "check", "high", "medium", "low", "info"
    );
    let per_mille = |n: u64| n as f64 * 1000.0 / messages as f64;
    let mut offenders = Vec::new();
    for (check, sev) in &per_check {
        let get = |s: &str| sev.get(s).copied().unwrap_or(0);
        println!(
            "{:<30} {:>8.2} {:>8.2} {:>8.2} {:>8.2}",
            check,
            per_mille(get("high")),
            per_mille(get("medium")),
            per_mille(get("low")),
            per_mille(get("info"))
        );
        if per_mille(get("high") + get("medium")) > 5.0 {
            offenders.push(check.clone());
        }
    }
    assert!(
        offenders.is_empty(),
        "checks above 0.5% high/medium on real mail: {offenders:?}"
    );
}
