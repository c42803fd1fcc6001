//! `scan --resume`: an interrupted scan continued from its checkpoint gives the report of an uninterrupted one.
//!
//! Scans are interrupted deterministically by the debug-build hook
//! `LEAKPROV_TEST_STOP_AFTER=N`, which raises the same stop flag as a first
//! Ctrl-C once N files are read; the tests return early in release builds.

mod common;
#[path = "support/documents.rs"]
mod fixtures;

use std::fs;
use std::path::{Path, PathBuf};

use common::{leakprov, sha256_hex};
use serde_json::Value;

const JOURNAL: &str = "checkpoint/journal.jsonl";
/// Files in `generated_dump`.
const FILES: u64 = 221;

/// A dump of 221 files: single messages (some with a docx attached, some with
/// a weekday that contradicts their date, some exact duplicates), docx files
/// and an mbox of 20 messages.
fn generated_dump() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir_all(root.join("mail")).unwrap();
    fs::create_dir_all(root.join("docs")).unwrap();
    for i in 0..200u32 {
        let day = 1 + i % 28;
        // 2 May 2017 was a Tuesday; every 7th message claims a wrong weekday.
        let weekday = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][((day + 6) % 7) as usize];
        let weekday = if i % 7 == 3 { "Sun" } else { weekday };
        let date = format!("{weekday}, {day} May 2017 09:{:02}:00 +0200", i % 60);
        let body = if i % 10 == 0 {
            let docx = fixtures::docx(&fixtures::Office::default());
            fixtures::email_with(
                "Alice <alice@corvel.fr>",
                &date,
                &format!("note{i}.docx"),
                &docx,
            )
        } else {
            format!(
                "Received: from mx.corvel.fr by mail.example.com; {date}\nFrom: Bob <bob{}@example.fr>\nTo: team@corvel.fr\nDate: {date}\nSubject: report {}\nMessage-ID: <m{i}@example.fr>\nX-Mailer: Microsoft Outlook 16.0\n\nHello, the numbers for week {} are attached below.\n",
                i % 9,
                i % 50,
                i % 50
            )
            .into_bytes()
        };
        fs::write(root.join(format!("mail/{i:03}.eml")), body).unwrap();
    }
    for i in 0..20u32 {
        let office = fixtures::Office {
            creator: if i % 5 == 0 {
                "Mallory"
            } else {
                "Alice Martin"
            },
            ..fixtures::Office::default()
        };
        fs::write(
            root.join(format!("docs/{i:02}.docx")),
            fixtures::docx(&office),
        )
        .unwrap();
    }
    let mut mbox = String::new();
    for i in 0..20u32 {
        mbox.push_str(&format!(
            "From carol@example.org Tue May  2 09:14:01 2017\nFrom: Carol <carol@example.org>\nTo: team@corvel.fr\nDate: Tue, 2 May 2017 10:{i:02}:00 +0200\nSubject: thread {i}\nMessage-ID: <c{i}@example.org>\n\nline {i}\n\n"
        ));
    }
    fs::write(root.join("mail/archive.mbox"), mbox).unwrap();
    dir
}

/// `leakprov scan DUMP --out OUT -j 2 [extra]` with `env`; (exit code, stderr).
fn scan(dump: &Path, out: &Path, extra: &[&str], env: &[(&str, &str)]) -> (i32, String) {
    let mut cmd = leakprov();
    cmd.arg("scan")
        .arg(dump)
        .arg("--out")
        .arg(out)
        .args(["-j", "2"])
        .args(extra);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let output = cmd.output().expect("run leakprov");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// report.json as written, without what differs between two runs of the same
/// scan (started_at, finished_at, args); everything else compared byte for byte.
fn report_text(out: &Path) -> String {
    let text = fs::read_to_string(out.join("report.json")).unwrap();
    let mut kept = Vec::new();
    let mut in_args = false;
    for line in text.lines() {
        if line.starts_with("    \"args\": [") {
            in_args = true;
        }
        let skip = in_args
            || line.starts_with("    \"started_at\"")
            || line.starts_with("    \"finished_at\"");
        if in_args && line.starts_with("    ]") {
            in_args = false;
        }
        if !skip {
            kept.push(line);
        }
    }
    kept.join("\n")
}

fn report(out: &Path) -> Value {
    serde_json::from_slice(&fs::read(out.join("report.json")).unwrap()).unwrap()
}

/// The paths the journal holds, in the order written.
fn journaled(out: &Path) -> Vec<String> {
    fs::read_to_string(out.join(JOURNAL))
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| {
            let entry: Value = serde_json::from_str(l).unwrap();
            entry["path"].as_str().unwrap().to_string()
        })
        .collect()
}

/// "resumed from ...: N files taken from it, M read" -> (N, M).
fn resumed_counts(stderr: &str) -> (u64, u64) {
    let line = stderr
        .lines()
        .find(|l| l.starts_with("leakprov: resumed from "))
        .unwrap_or_else(|| panic!("no resume line in: {stderr}"));
    let numbers: Vec<u64> = line
        .rsplit(": ")
        .next()
        .unwrap()
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|w| w.parse().ok())
        .collect();
    (numbers[0], numbers[1])
}

fn sample_dump() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/sample_dumps"))
}

#[test]
fn an_interrupted_scan_resumed_gives_the_uninterrupted_report() {
    if !cfg!(debug_assertions) {
        return; // the stop hook exists in debug builds only
    }
    // The bundled sample dump, with its DKIM keys: signatures verified and
    // failing, documents, an mbox, attachments, item and corpus findings.
    let dump = sample_dump();
    let keys = dump.join("dkim-keys.txt");
    let keys = keys.to_str().unwrap();
    let full = tempfile::tempdir().unwrap();
    let (code, _) = scan(&dump, full.path(), &["-q", "--dkim-keys", keys], &[]);
    assert!(code == 0 || code == 1, "full scan exit code {code}");

    let out = tempfile::tempdir().unwrap();
    let (code, stderr) = scan(
        &dump,
        out.path(),
        &["-q", "--dkim-keys", keys],
        &[("LEAKPROV_TEST_STOP_AFTER", "60")],
    );
    assert_eq!(code, 130, "{stderr}");
    let partial = report(out.path());
    assert_eq!(partial["complete"], false);
    let done = journaled(out.path());
    let files = report(full.path())["summary"]["files"].as_u64().unwrap();
    assert!(
        done.len() >= 60 && (done.len() as u64) < files,
        "{} files journaled of {files}",
        done.len()
    );

    // Were a journaled file read again, this hook would turn it into an error record.
    let (code, stderr) = scan(
        &dump,
        out.path(),
        &["--resume", "--dkim-keys", keys],
        &[("LEAKPROV_TEST_PANIC_ON", &done[0])],
    );
    assert!(code == 0 || code == 1, "{stderr}");
    let (reused, read) = resumed_counts(&stderr);
    assert_eq!(reused, done.len() as u64, "{stderr}");
    assert_eq!(reused + read, files);
    assert_eq!(report(out.path())["complete"], true);
    assert_eq!(report_text(out.path()), report_text(full.path()));
    for name in ["findings.jsonl", "manifest.sha256"] {
        assert_eq!(
            fs::read(out.path().join(name)).unwrap(),
            fs::read(full.path().join(name)).unwrap(),
            "{name}"
        );
    }
    assert_eq!(
        report(out.path())["scan"]["args"]
            .as_array()
            .unwrap()
            .last(),
        Some(&Value::from(keys)),
        "scan.args are those of the resuming run"
    );
    // The journal now holds every file: resuming again reads nothing.
    let (_, stderr) = scan(&dump, out.path(), &["--resume", "--dkim-keys", keys], &[]);
    assert_eq!(resumed_counts(&stderr), (files, 0));
    assert_eq!(report_text(out.path()), report_text(full.path()));
}

#[test]
fn a_file_changed_after_the_interruption_is_read_again() {
    if !cfg!(debug_assertions) {
        return;
    }
    let dump = generated_dump();
    let out = tempfile::tempdir().unwrap();
    let (code, _) = scan(
        dump.path(),
        out.path(),
        &["-q"],
        &[("LEAKPROV_TEST_STOP_AFTER", "50")],
    );
    assert_eq!(code, 130);
    let done = journaled(out.path());
    let mut journaled_mail = done.iter().filter(|p| p.ends_with(".eml"));
    let (target, removed) = (
        journaled_mail.next().unwrap().clone(),
        journaled_mail.next().unwrap().clone(),
    );
    let hash_of = |report: &Value| {
        report["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["path"] == target.as_str() && i["locator"].is_null())
            .unwrap()
            .clone()
    };
    let old = hash_of(&report(out.path()))["sha256"].clone();

    // One journaled file altered, one removed, one added.
    let altered = "From: Bob <bob1@example.fr>\nTo: team@corvel.fr\nDate: Tue, 2 May 2017 09:01:00 +0200\nSubject: report 1 (altered)\nMessage-ID: <m1@example.fr>\n\nAltered.\n";
    fs::write(dump.path().join(&target), altered).unwrap();
    fs::remove_file(dump.path().join(&removed)).unwrap();
    fs::write(dump.path().join("mail/planted.eml"), altered).unwrap();

    let (code, stderr) = scan(dump.path(), out.path(), &["--resume"], &[]);
    assert!(code == 0 || code == 1, "{stderr}");
    let (reused, read) = resumed_counts(&stderr);
    assert_eq!(reused, done.len() as u64 - 2, "{stderr}");
    assert_eq!(reused + read, FILES);
    let item = hash_of(&report(out.path()));
    assert_eq!(item["sha256"], sha256_hex(altered.as_bytes()).as_str());
    assert_ne!(item["sha256"], old);
    assert_eq!(item["email"]["subject"], "report 1 (altered)");

    let fresh = tempfile::tempdir().unwrap();
    scan(dump.path(), fresh.path(), &["-q"], &[]);
    assert_eq!(report_text(out.path()), report_text(fresh.path()));
    let by_check = &report(fresh.path())["summary"]["findings_by_check"];
    for check in ["date-weekday-mismatch", "exact-duplicate"] {
        assert!(by_check[check].as_u64() > Some(0), "{check}: {by_check}");
    }
}

#[test]
fn torn_and_damaged_journal_lines_are_ignored() {
    if !cfg!(debug_assertions) {
        return;
    }
    let dump = generated_dump();
    let out = tempfile::tempdir().unwrap();
    let (code, _) = scan(
        dump.path(),
        out.path(),
        &["-q"],
        &[("LEAKPROV_TEST_STOP_AFTER", "80")],
    );
    assert_eq!(code, 130);
    let journal = out.path().join(JOURNAL);
    let text = fs::read_to_string(&journal).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let whole = lines.len() - 1;
    // A line damaged in the middle, and the last one torn as by kill -9 mid-write.
    let mut damaged = lines.clone();
    damaged[5] = "{\"path\": \"mail/garbage\", ";
    let last = lines[lines.len() - 1];
    let mut bytes = damaged[..damaged.len() - 1].join("\n").into_bytes();
    bytes.push(b'\n');
    bytes.extend_from_slice(&last.as_bytes()[..last.len() / 2]);
    fs::write(&journal, bytes).unwrap();

    let (code, stderr) = scan(dump.path(), out.path(), &["--resume"], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("(2 torn or damaged lines ignored)"),
        "{stderr}"
    );
    let (reused, read) = resumed_counts(&stderr);
    assert_eq!(reused, whole as u64 - 2);
    assert_eq!(reused + read, FILES);
    // The torn tail was cut off before appending: every line but the damaged one reads.
    let after = fs::read_to_string(&journal).unwrap();
    assert!(after.ends_with('\n'));
    let unreadable = after
        .lines()
        .filter(|l| serde_json::from_str::<Value>(l).is_err())
        .count();
    assert_eq!(unreadable, 1);

    let fresh = tempfile::tempdir().unwrap();
    scan(dump.path(), fresh.path(), &["-q"], &[]);
    assert_eq!(report_text(out.path()), report_text(fresh.path()));
}

#[test]
fn resuming_with_other_settings_or_another_dump_is_refused() {
    if !cfg!(debug_assertions) {
        return;
    }
    let dump = generated_dump();
    let out = tempfile::tempdir().unwrap();
    let (code, _) = scan(
        dump.path(),
        out.path(),
        &["-q"],
        &[("LEAKPROV_TEST_STOP_AFTER", "30")],
    );
    assert_eq!(code, 130);
    let journal = out.path().join(JOURNAL);
    let before = fs::read(&journal).unwrap();

    let (code, stderr) = scan(
        dump.path(),
        out.path(),
        &["--resume", "--date-ahead-minutes", "30"],
        &[],
    );
    assert_eq!(code, 2);
    assert!(
        stderr.contains("cannot resume from")
            && stderr.contains("--date-ahead-minutes was 15, is now 30")
            && stderr.contains("without --resume to start over"),
        "{stderr}"
    );
    let other = generated_dump();
    let (code, stderr) = scan(other.path(), out.path(), &["--resume"], &[]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("it is the checkpoint of the dump"),
        "{stderr}"
    );
    assert_eq!(
        fs::read(&journal).unwrap(),
        before,
        "a refused resume leaves the journal alone"
    );

    // --resume needs the output folder that holds the checkpoint.
    let no_dir = leakprov()
        .arg("scan")
        .arg(dump.path())
        .args(["--json", "-", "--resume"])
        .output()
        .unwrap();
    assert_eq!(no_dir.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&no_dir.stderr).contains("--out DIR"));

    // Without --resume the journal is started afresh, and kept once the scan is complete.
    let (code, _) = scan(dump.path(), out.path(), &["-q"], &[]);
    assert_eq!(code, 0);
    assert_eq!(journaled(out.path()).len() as u64, FILES);

    // --resume where no checkpoint exists scans from the start.
    let empty = tempfile::tempdir().unwrap();
    let (code, stderr) = scan(dump.path(), empty.path(), &["--resume"], &[]);
    assert_eq!(code, 0);
    assert!(stderr.contains("no checkpoint at"), "{stderr}");
    assert_eq!(report_text(empty.path()), report_text(out.path()));
}

#[test]
fn a_resumed_scan_interrupted_again_resumes_again() {
    if !cfg!(debug_assertions) {
        return;
    }
    let dump = generated_dump();
    let out = tempfile::tempdir().unwrap();
    let stop = [("LEAKPROV_TEST_STOP_AFTER", "50")];
    assert_eq!(scan(dump.path(), out.path(), &["-q"], &stop).0, 130);
    let first = journaled(out.path()).len() as u64;
    let (code, stderr) = scan(dump.path(), out.path(), &["--resume"], &stop);
    assert_eq!(code, 130, "{stderr}");
    assert_eq!(resumed_counts(&stderr).0, first);
    let partial = report(out.path());
    assert_eq!(partial["complete"], false);
    let second = journaled(out.path()).len() as u64;
    assert!(
        second >= first + 50 && second < FILES,
        "{first} then {second}"
    );
    assert_eq!(partial["summary"]["files"].as_u64(), Some(second));

    let (code, stderr) = scan(dump.path(), out.path(), &["--resume"], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(resumed_counts(&stderr), (second, FILES - second));
    let fresh = tempfile::tempdir().unwrap();
    scan(dump.path(), fresh.path(), &["-q"], &[]);
    assert_eq!(report_text(out.path()), report_text(fresh.path()));
}

/// A large mbox is journaled in parts as its batches are parsed, so that its
/// messages' facts are never all in memory (here the batches are made small
/// by the debug hook `LEAKPROV_TEST_MBOX_BATCH`). The report is the one of a
/// scan journaling the mbox in one line; a resume takes the parts; parts whose
/// last line was lost are not taken, and the mbox is read again.
#[test]
fn an_mbox_journaled_in_parts_reports_and_resumes_the_same() {
    if !cfg!(debug_assertions) {
        return;
    }
    let dump = generated_dump();
    // Larger than one read (a batch is parsed after each read that fills it).
    let mut mbox = String::new();
    for i in 0..1500u32 {
        mbox.push_str(&format!(
            "From dan@example.org Tue May  2 09:14:01 2017\nFrom: Dan <dan@example.org>\nTo: team@corvel.fr\nDate: Tue, 2 May 2017 10:{:02}:00 +0200\nSubject: note {i}\nMessage-ID: <d{i}@example.org>\n\n{}\n\n",
            i % 60,
            "word ".repeat(200)
        ));
    }
    fs::write(dump.path().join("mail/big.mbox"), mbox).unwrap();
    let files = FILES + 1;
    let whole = tempfile::tempdir().unwrap();
    assert_eq!(scan(dump.path(), whole.path(), &[], &[]).0, 0);
    let parted = tempfile::tempdir().unwrap();
    let small = ("LEAKPROV_TEST_MBOX_BATCH", "300");
    assert_eq!(scan(dump.path(), parted.path(), &[], &[small]).0, 0);
    assert_eq!(report_text(parted.path()), report_text(whole.path()));
    let journal = fs::read_to_string(parted.path().join(JOURNAL)).unwrap();
    let parts = journal
        .lines()
        .filter(|l| l.contains("big.mbox") && l.contains("\"part\":true"))
        .count();
    assert!(parts >= 2, "{parts} parts");
    // One thread: each batch is parsed, then the next read, in turn (the
    // pipelined read falls back to that order); the same report and the same
    // part lines.
    let single = tempfile::tempdir().unwrap();
    let output = leakprov()
        .arg("scan")
        .arg(dump.path())
        .arg("--out")
        .arg(single.path())
        .args(["-j", "1"])
        .env(small.0, small.1)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        report_text(single.path()).replace("\"threads\": 1,", "\"threads\": 2,"),
        report_text(whole.path())
    );
    let part_lines = |journal: &str| -> Vec<String> {
        journal
            .lines()
            .filter(|l| l.contains("big.mbox") && l.contains("\"part\":true"))
            .map(|l| l.replace(|c: char| c.is_ascii_digit(), ""))
            .collect()
    };
    let single_journal = fs::read_to_string(single.path().join(JOURNAL)).unwrap();
    assert_eq!(part_lines(&single_journal), part_lines(&journal));

    // Everything unchanged: the mbox comes from its parts, not read again.
    let no_reading = ("LEAKPROV_TEST_PANIC_ON", "big.mbox");
    let (code, stderr) = scan(
        dump.path(),
        parted.path(),
        &["--resume"],
        &[small, no_reading],
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(resumed_counts(&stderr), (files, 0));
    assert_eq!(report_text(parted.path()), report_text(whole.path()));

    // The mbox's last line lost: its parts alone are not taken.
    let kept: Vec<&str> = journal
        .lines()
        .filter(|l| !(l.contains("big.mbox") && l.contains("\"parts\":")))
        .collect();
    fs::write(parted.path().join(JOURNAL), kept.join("\n") + "\n").unwrap();
    let (code, stderr) = scan(dump.path(), parted.path(), &["--resume"], &[small]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(resumed_counts(&stderr), (files - 1, 1));
    assert_eq!(report_text(parted.path()), report_text(whole.path()));
}
