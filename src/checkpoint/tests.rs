//! The journal keeps every fact of a file's output, report-hidden ones included, and reads back what it wrote.

use std::sync::Arc;

use super::*;
use crate::checks::{CHECKS, run_item_checks};
use crate::dkim::KeyStore;
use crate::dkim::test_support::{Spec, rsa_2048, sign};
use crate::parse::ooxml::tests::{APP, CORE, docx};

/// A signed message whose Date names the wrong weekday (an item finding),
/// with a Received hop, enough words for a MinHash, and a docx attached.
fn message() -> String {
    use base64::Engine;
    let attachment = base64::engine::general_purpose::STANDARD.encode(docx(CORE, APP));
    let words = "The quarterly figures were reviewed by the board on Monday and the \
                 committee agreed to postpone the decision on the Lyon office until the \
                 auditors have delivered their final report on the acquisition costs and \
                 the staffing plan for the second half of the year, as discussed.";
    let raw = format!(
        "Received: from mx.example.org by mail.example.com; Tue, 2 May 2017 09:15:00 +0200\r\n\
         From: Alice <alice@example.org>\r\nTo: bob@example.com\r\nSubject: Budget\r\n\
         Date: Mon, 2 May 2017 09:14:01 +0200\r\nMessage-ID: <a1@example.org>\r\n\
         MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n\
         --b1\r\nContent-Type: text/plain\r\n\r\n{words}\r\n\
         --b1\r\nContent-Type: application/octet-stream; name=\"budget.docx\"\r\n\
         Content-Disposition: attachment; filename=\"budget.docx\"\r\n\
         Content-Transfer-Encoding: base64\r\n\r\n{attachment}\r\n--b1--\r\n"
    );
    sign(&raw, &Spec::default(), &rsa_2048())
}

fn config(root: &Path) -> Config {
    let mut cfg = Config::new(root.to_path_buf());
    let record = rsa_2048().record().unwrap();
    let store =
        KeyStore::from_text(&format!("sel._domainkey.example.org {record}"), "test").unwrap();
    cfg.dkim_keys = Some(Arc::new(store));
    cfg
}

/// What a worker yields for `message()` stored as `dir/mail/a.eml`.
fn worker_output(dir: &Path, cfg: &Config) -> (FileEntry, FileOutput) {
    std::fs::create_dir_all(dir.join("mail")).unwrap();
    std::fs::write(dir.join("mail/a.eml"), message()).unwrap();
    let walk = crate::walk::walk(dir);
    let file = walk.files[0].clone();
    let out = crate::read::read_file(&file, cfg, &|_| {});
    let mut findings = Vec::new();
    for item in &out.items {
        run_item_checks(item, cfg, &mut findings);
    }
    (file, (out, findings))
}

/// `message()` as `dump/mail/a.eml`, journaled in a new checkpoint in `out`;
/// the journal is still open.
fn journaled(dump: &Path, out: &Path, cfg: &Config) -> (FileEntry, Checkpoint, Journal) {
    let (file, output) = worker_output(dump, cfg);
    let cp = Checkpoint {
        dir: out.join(DIR),
        resume: false,
    };
    let (journal, _, _) = Journal::open(&cp, cfg).unwrap();
    journal.record(&file, &output).expect("journaled");
    (file, cp, journal)
}

fn report_json(output: &FileOutput) -> String {
    serde_json::to_string(&(&output.0.items, &output.0.errors, &output.1)).unwrap()
}

fn journal_json(output: &FileOutput) -> String {
    fields::in_journal(|| report_json(output))
}

#[test]
fn a_journal_line_reads_back_every_fact() {
    let dump = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let mut cfg = config(dump.path());
    let (file, output) = worker_output(dump.path(), &cfg);
    let (items, findings) = (&output.0.items, &output.1);
    let email = items
        .iter()
        .find_map(|i| i.email.as_ref())
        .unwrap_or_else(|| panic!("{:?}", output.0));
    assert_eq!(email.dkim[0].signature, "pass");
    assert!(email.minhash.is_some() && email.date.as_ref().unwrap().parsed.is_some());
    let doc = items
        .iter()
        .find_map(|i| i.document.as_ref())
        .expect("the attached docx");
    assert!(doc.created.as_ref().unwrap().instant.is_some());
    assert!(findings.iter().any(|f| f.check == "date-weekday-mismatch"));

    let cp = Checkpoint {
        dir: out.path().join(DIR),
        resume: false,
    };
    let (journal, _, _) = Journal::open(&cp, &cfg).unwrap();
    let line = journal.record(&file, &output).expect("journaled");
    drop(journal);
    cfg.checkpoint = Some(Checkpoint { resume: true, ..cp });
    let cp = cfg.checkpoint.clone().unwrap();
    let (resumed, mut prior, stats) = Journal::open(&cp, &cfg).unwrap();
    assert!(stats.resumed);
    assert_eq!(prior.len(), 1);
    let mut segments = prior.take(&file).expect("the unchanged file");
    assert_eq!(segments.len(), 1, "a small file is one line");
    let at = segments.remove(0);
    assert_eq!(
        at, line,
        "the line and its items are found where they were written"
    );
    let back = resumed.read_back(&at).expect("the line reads back");

    // The report's JSON is unchanged, and so is every hidden fact.
    assert_eq!(report_json(&back), report_json(&output));
    assert_eq!(journal_json(&back), journal_json(&output));
    let email_back = back.0.items.iter().find_map(|i| i.email.as_ref()).unwrap();
    assert_eq!(email_back.minhash, email.minhash);
    assert_eq!(
        email_back.date.as_ref().unwrap().parsed,
        email.date.as_ref().unwrap().parsed
    );
    assert_eq!(email_back.received[0].parsed, email.received[0].parsed);
    assert_eq!(email_back.dkim[0].line, email.dkim[0].line);
    assert_eq!(email_back.fingerprint, email.fingerprint);
    let doc_back = back
        .0
        .items
        .iter()
        .find_map(|i| i.document.as_ref())
        .unwrap();
    assert_eq!(doc_back, doc);
    // Labels come back as the registry's own strings.
    let check = back.1[0].check;
    let registered = CHECKS.iter().find(|c| c.meta.id == check).unwrap().meta.id;
    assert!(std::ptr::eq(check, registered));
}

#[test]
fn the_report_never_shows_journal_only_facts() {
    let dump = tempfile::tempdir().unwrap();
    let cfg = config(dump.path());
    let (_, output) = worker_output(dump.path(), &cfg);
    let report = report_json(&output);
    let journal = journal_json(&output);
    for hidden in ["minhash", "parsed", "instant", "line"] {
        assert!(
            !report.contains(&format!("\"{hidden}\"")),
            "{hidden} in the report"
        );
        assert!(
            journal.contains(&format!("\"~{hidden}\"")),
            "{hidden} not in the journal"
        );
    }
    assert!(!report.contains("\"~"));
    // The flag is per serialisation: the next report is plain again.
    assert_eq!(report_json(&output), report);
}

#[test]
fn a_changed_or_unread_file_is_not_taken() {
    let dump = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let cfg = config(dump.path());
    let (file, cp, journal) = journaled(dump.path(), out.path(), &cfg);
    let mut unreadable = file.clone();
    unreadable.path = "mail/b.eml".into();
    let mut failed = Output::default();
    failed.errors.push(ItemError::new(
        &unreadable.path,
        &crate::item::Locator::root(),
        "cannot open: Permission denied",
    ));
    journal.record(&unreadable, &(failed, Vec::new()));
    drop(journal);
    let resume = Checkpoint { resume: true, ..cp };
    let load = || Journal::open(&resume, &cfg).unwrap().1;

    let mut touched = file.clone();
    touched.mtime_ns += 1;
    assert!(load().take(&touched).is_none());
    let mut grown = file.clone();
    grown.size += 1;
    assert!(load().take(&grown).is_none());
    let mut restamped = file.clone();
    restamped.ctime_ns += 1;
    assert!(load().take(&restamped).is_none());
    assert!(load().take(&unreadable).is_none(), "tried again");
    assert!(load().take(&file).is_some());
}

#[test]
fn other_settings_are_named_in_the_refusal() {
    let dump = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let cfg = config(dump.path());
    let cp = Checkpoint {
        dir: out.path().join(DIR),
        resume: false,
    };
    Journal::open(&cp, &cfg).unwrap();
    let mut other = cfg.clone();
    other.tolerances.hop_backstep = 90;
    other.dkim_keys = None;
    let resume = Checkpoint { resume: true, ..cp };
    let err = Journal::open(&resume, &other).err().unwrap().to_string();
    assert!(
        err.contains("--hop-skew-minutes was 10, is now 90 s"),
        "{err}"
    );
    assert!(err.contains("--dkim-keys was 1 keys, sha256 "), "{err}");
    assert!(err.contains("is now none"), "{err}");
    std::fs::write(out.path().join(DIR).join(FILE), "not json\n").unwrap();
    let err = Journal::open(&resume, &cfg).err().unwrap().to_string();
    assert!(err.contains("is not a checkpoint"), "{err}");
}

#[test]
fn labels_are_shared_and_bounded() {
    // Labels read back from a journal live in buffers of their own.
    let owned = |s: &str| s.chars().collect::<String>();
    let a = fields::label(&owned("pass")).unwrap();
    let b = fields::label(&owned("pass")).unwrap();
    assert!(std::ptr::eq(a, b));
    let id = CHECKS[0].meta.id;
    assert!(std::ptr::eq(fields::label(&owned(id)).unwrap(), id));
}

/// A fact hidden from the report with `#[serde(skip)]` would be lost in the
/// journal (and a resumed scan would differ): such fields use `journal_only`.
#[test]
fn no_fact_is_skipped_outright() {
    let src = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
    let mut files: Vec<PathBuf> = ["item.rs", "finding.rs", "error.rs"]
        .iter()
        .map(|f| Path::new(src).join(f))
        .collect();
    for entry in std::fs::read_dir(Path::new(src).join("parse")).unwrap() {
        files.push(entry.unwrap().path());
    }
    // Only runtime state may be skipped, and says so on the line above:
    // where a slim item's full form is, and what is recomputed from facts.
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        for (n, line) in lines.iter().enumerate() {
            let runtime = n > 0 && lines[n - 1].contains("(runtime only:");
            assert!(
                !line.contains("#[serde(skip)]") || runtime,
                "{}:{}: use #[serde(rename = \"~name\", default, skip_serializing_if = \"crate::checkpoint::fields::journal_only\")] so the checkpoint keeps the field",
                file.display(),
                n + 1
            );
        }
    }
}

#[test]
fn slimmed_items_read_back_in_full_from_the_journal() {
    let dump = tempfile::tempdir().unwrap();
    let cfg = config(dump.path());
    let (file, output) = worker_output(dump.path(), &cfg);
    let mut journal = Journal::temporary(&cfg).expect("a temporary journal");
    // Another file's line first, so that the offset is not zero.
    journal.record(&file, &output).unwrap();
    let at = journal.record(&file, &output).unwrap();
    assert!(at.line.offset > 0 && at.line.len > 0);
    assert_eq!(at.items.len(), output.0.items.len());
    let spill = journal.spill().unwrap();
    let signatures = journal.take_signatures().expect("a signature store");
    drop(journal);

    let full = output.0.items.clone();
    let mut slim = full.clone();
    for (item, span) in slim.iter_mut().zip(&at.items) {
        item.slim(
            spill::SpillRef::new(at.line, *span).unwrap(),
            Some(&signatures),
        );
    }
    assert!(
        slim.iter().all(|i| i.email.is_none()),
        "the full facts are dropped"
    );
    let email = slim.iter().find_map(|i| i.mail()).unwrap();
    assert!(email.from[0].address.is_some() && email.date.is_some());
    let derived = &email.derived;
    let email_full = full.iter().find_map(|i| i.email.as_deref()).unwrap();
    assert_eq!(
        email.message_id.as_deref(),
        email_full.message_id.as_deref()
    );
    assert_eq!(derived.hops as usize, email_full.received.len());
    // The signature waits in the store, and comes back the same.
    use crate::parse::minhash::MinHash;
    let (Some(MinHash::Stored(number)), Some(MinHash::Held(held))) =
        (&email.minhash, &email_full.minhash)
    else {
        panic!("{:?} {:?}", email.minhash, email_full.minhash)
    };
    let mut back = None;
    signatures
        .visit([*number], |_, sig| back = Some(*sig))
        .unwrap();
    assert_eq!(back.as_ref(), Some(&**held));

    // Read back in report order, and out of order with an item twice.
    let json = |items: &[&Item]| serde_json::to_string(items).unwrap();
    let read_back = |spill: Option<&spill::Spill>, items: &[Item]| {
        let mut back = Vec::new();
        let result: Result<(), spill::StreamError<()>> =
            spill::for_each_full(spill, items, |item| {
                back.push(item.clone());
                Ok(())
            });
        assert!(result.is_ok());
        back
    };
    let back = read_back(Some(&spill), &slim);
    assert_eq!(
        json(&back.iter().collect::<Vec<_>>()),
        json(&full.iter().collect::<Vec<_>>())
    );
    let last = slim.len() - 1;
    let shuffled: Vec<Item> = [last, 0, 0].map(|i| slim[i].clone()).to_vec();
    let back = read_back(Some(&spill), &shuffled);
    assert_eq!(
        json(&back.iter().collect::<Vec<_>>()),
        json(&[&full[last], &full[0], &full[0]])
    );
    // Without a spill the slim item is all there is.
    let e = slim.iter().position(|i| i.mail().is_some()).unwrap();
    let same = read_back(None, &slim[e..=e]);
    assert!(same[0].email.is_none() && same[0].mail().is_some());
}

#[test]
fn a_spill_reference_is_compact_and_refuses_empty_items() {
    let line = spill::Line {
        offset: 5 << 32,
        len: 1234,
    };
    let at = spill::SpillRef::new(line, (7, 100)).unwrap();
    assert_eq!(
        (at.line_offset(), at.offset(), at.bytes()),
        (5 << 32, (5 << 32) + 7, 100)
    );
    assert_eq!(std::mem::size_of::<Option<spill::SpillRef>>(), 16);
    assert_eq!(spill::SpillRef::new(line, (9, 0)), None);
}

/// report.json copies slimmed items from their journal text (`for_each_text`,
/// `report::json::reindent`): what it writes must be what serialising the
/// full item writes, for a small line and for one over the read window (> 1 MB).
#[test]
fn journal_text_reindented_is_the_report_form_of_each_item() {
    let dump = tempfile::tempdir().unwrap();
    let cfg = config(dump.path());
    std::fs::create_dir_all(dump.path().join("mail")).unwrap();
    // An mbox of the signed message with its docx, often enough for a line
    // over the streaming threshold.
    let mut mbox = String::new();
    for n in 0..400 {
        mbox.push_str("From alice@example.org Tue May  2 09:15:00 2017\n");
        mbox.push_str(&message().replace("<a1@example.org>", &format!("<a{n}@example.org>")));
        mbox.push('\n');
    }
    std::fs::write(dump.path().join("mail/big.mbox"), mbox).unwrap();
    let (small_file, small) = worker_output(dump.path(), &cfg);
    let walk = crate::walk::walk(dump.path());
    let big_file = walk
        .files
        .iter()
        .find(|f| f.path.ends_with(".mbox"))
        .unwrap();
    let big = (crate::read::read_file(big_file, &cfg, &|_| {}), Vec::new());
    let journal = Journal::temporary(&cfg).expect("a temporary journal");
    let small_at = journal.record(&small_file, &small).unwrap();
    let big_at = journal.record(big_file, &big).unwrap();
    assert!(big_at.line.len > 1 << 20, "{}", big_at.line.len);
    let spill = journal.spill().unwrap();
    for (at, output) in [(small_at, &small), (big_at, &big)] {
        let full = &output.0.items;
        assert!(full.len() > 1);
        assert_eq!(at.items.len(), full.len());
        let mut slim = full.clone();
        for (item, span) in slim.iter_mut().zip(&at.items) {
            item.slim(spill::SpillRef::new(at.line, *span).unwrap(), None);
        }
        // The first item stays whole, as documents and unslimmed items do.
        slim[0] = full[0].clone();
        let mut texts = 0;
        let mut hidden = 0;
        let mut n = 0;
        let result: Result<(), spill::StreamError<std::io::Error>> =
            spill::for_each_text(Some(&spill), &slim, |form| {
                let want = serde_json::to_string_pretty(&full[n]).unwrap();
                let got = match form {
                    spill::Form::Whole(item) => serde_json::to_string_pretty(item).unwrap(),
                    spill::Form::Text(text) => {
                        texts += 1;
                        hidden += usize::from(text.windows(2).any(|w| w == b"\"~"));
                        let mut out = Vec::new();
                        crate::json_text::reindent(text, 0, &mut out)?;
                        String::from_utf8(out).unwrap()
                    }
                };
                assert_eq!(got, want, "item {n}");
                n += 1;
                Ok(())
            });
        assert!(result.is_ok());
        assert_eq!((n, texts), (full.len(), full.len() - 1));
        assert!(hidden > 0, "texts with journal-only facts");
    }
}

/// Journal-only facts are named with a leading `~` in the journal, which is
/// how report.json's copy leaves them out (`report::json::reindent`); no
/// report key starts with one.
#[test]
fn journal_only_facts_have_keys_starting_with_a_tilde() {
    let src = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
    let mut seen = 0;
    for entry in walkdir::WalkDir::new(src) {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).unwrap();
        for (n, attribute) in text.split("#[serde(").enumerate().skip(1) {
            let attribute = attribute.split(")]").next().unwrap_or_default();
            if attribute
                .contains("skip_serializing_if = \"crate::checkpoint::fields::journal_only\"")
            {
                seen += 1;
                assert!(
                    attribute.contains("rename = \"~"),
                    "{}: attribute {n}: a journal-only field needs `rename = \"~name\"`",
                    entry.path().display()
                );
            }
        }
    }
    assert!(seen >= 11, "{seen}");
}

/// A resumed scan reads each journaled file's line when the file's turn
/// comes; a line changed since it was loaded is not read back (the file is
/// then read again from the dump).
#[test]
fn a_line_changed_after_loading_is_not_read_back() {
    use std::os::unix::fs::FileExt;
    let dump = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let cfg = config(dump.path());
    let (file, cp, journal) = journaled(dump.path(), out.path(), &cfg);
    drop(journal);
    let resume = Checkpoint { resume: true, ..cp };
    let (resumed, mut prior, _) = Journal::open(&resume, &cfg).unwrap();
    let at = prior.take(&file).unwrap().remove(0);
    assert!(resumed.read_back(&at).is_some());
    let path = resume.dir.join(FILE);
    let writer = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    writer.write_all_at(b"#", at.line.offset + 1).unwrap();
    assert!(resumed.read_back(&at).is_none());
}

/// A journal of an earlier layout is refused, not read with facts missing
/// (format 2 named journal-only facts without the `~` of format 3).
#[test]
fn a_journal_of_an_earlier_format_is_refused() {
    let dump = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let cfg = config(dump.path());
    let (_, cp, journal) = journaled(dump.path(), out.path(), &cfg);
    drop(journal);
    let path = cp.dir.join(FILE);
    let text = std::fs::read_to_string(&path).unwrap();
    let now = format!("\"leakprov_checkpoint\":{FORMAT}");
    assert!(text.contains(&now), "{}", &text[..200.min(text.len())]);
    std::fs::write(&path, text.replacen(&now, "\"leakprov_checkpoint\":2", 1)).unwrap();
    let resume = Checkpoint { resume: true, ..cp };
    let err = Journal::open(&resume, &cfg).err().unwrap().to_string();
    assert!(err.contains("journal format 2"), "{err}");
}

/// A batch of many items is serialised on the pool before its line is
/// written: the line and the recorded item spans are those of serialising
/// each item in place.
#[test]
fn items_serialised_on_the_pool_are_the_text_serialised_in_place() {
    let dump = tempfile::tempdir().unwrap();
    let cfg = config(dump.path());
    let (_, (out, _)) = worker_output(dump.path(), &cfg);
    let items: Vec<Item> = (0..crate::PARALLEL_ITEMS)
        .flat_map(|_| out.items.iter().cloned())
        .collect();
    let line = |texts: Option<&[Box<serde_json::value::RawValue>]>| {
        let written = std::cell::Cell::new(0);
        let spans = std::cell::RefCell::new(Vec::new());
        let at = ItemsAt {
            items: &items,
            texts,
            written: &written,
            spans: &spans,
        };
        let mut line = Vec::new();
        fields::in_journal(|| {
            let tally = Tally {
                line: &mut line,
                written: &written,
            };
            serde_json::to_writer(tally, &at)
        })
        .unwrap();
        (line, spans.into_inner())
    };
    let texts: Vec<_> = items
        .iter()
        .map(|item| fields::in_journal(|| serde_json::value::to_raw_value(item)).unwrap())
        .collect();
    let (in_place, in_place_spans) = line(None);
    let (pooled, pooled_spans) = line(Some(&texts));
    assert_eq!(
        String::from_utf8(pooled).unwrap(),
        String::from_utf8(in_place).unwrap()
    );
    assert_eq!(pooled_spans, in_place_spans);
    assert_eq!(in_place_spans.len(), items.len());
    // The journal-only facts are in the pooled text too.
    assert!(texts[0].get().contains("\"~"));
}
