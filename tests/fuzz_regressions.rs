//! Inputs the fuzzers (fuzz/) found crashing, minimised, replayed through the same code paths on stable.
//!
//! Each test names the fuzz target that found the input and the fix. The
//! ignored test `write_fuzz_seeds` regenerates the seed corpora under
//! `fuzz/seeds/` (`cargo test --test fuzz_regressions -- --ignored`).

#[path = "support/documents.rs"]
mod fixtures;

use std::fs;
use std::path::{Path, PathBuf};

use leakprov::config::{Config, DocLimits};
use leakprov::dkim::sign::SplitMessage;
use leakprov::dkim::{KeyStore, PublicKey, check_body_hash, parse_signature, parse_tag_list};
use leakprov::item::{ItemKind, Locator};
use leakprov::parse::Output;
use leakprov::parse::date::{parse_date, rfc3339};
use leakprov::parse::doctext::document_text;
use leakprov::parse::document::analyse;
use leakprov::parse::email::{At, Source, parse_email};
use leakprov::parse::mbox::{MboxMessage, MboxSplitter};
use leakprov::parse::quote::quoted_text;
use leakprov::sniff::sniff;

/// Runs the `email` fuzz target's code path.
fn email(raw: &[u8]) {
    let cfg = Config::new(".".into());
    let locator = Locator::root();
    let mut out = Output::default();
    let at = At {
        path: "fuzz.eml",
        locator: &locator,
        source: Source::File,
        truncated: false,
    };
    if let Some(facts) = parse_email(raw, at, &cfg, &mut out) {
        assert!(serde_json::to_string(&facts).is_ok());
    }
}

/// Runs the `doc_*` fuzz targets' code path. `analyse` turns a panic of an
/// extractor into an error record; a regression must not even do that.
fn document(bytes: &[u8], kind: ItemKind) {
    const PANICKED: &str = "the parser failed on these bytes";
    let cfg = Config::new(".".into());
    let mut out = Output::default();
    let facts = analyse(bytes, kind, "fuzz.bin", &Locator::root(), &cfg, &mut out);
    for e in &out.errors {
        assert!(!e.error.contains(PANICKED), "{}", e.error);
    }
    if let Some(text_error) = facts.and_then(|f| f.text_error) {
        assert!(!text_error.contains(PANICKED), "{text_error}");
    }
}

/// The committed inputs of one fuzz target, from tests/fuzz_regressions/TARGET/.
fn inputs(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz_regressions")
        .join(target);
    let Ok(entries) = fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries.filter_map(|e| Some(e.ok()?.path())).collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let bytes = fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            (path, bytes)
        })
        .collect()
}

/// Every committed crasher, through the code path of the target that found it.
#[test]
fn replays_committed_crashers() {
    let doc_kinds = [
        ("doc_ooxml", ItemKind::Ooxml),
        ("doc_odf", ItemKind::Odf),
        ("doc_pdf", ItemKind::Pdf),
        ("doc_ole2", ItemKind::Ole2),
        ("doc_jpeg", ItemKind::Jpeg),
        ("doc_zip", ItemKind::Zip),
        ("doc_tar", ItemKind::Tar),
        ("doc_gzip", ItemKind::Gzip),
    ];
    for (target, kind) in doc_kinds {
        for (_, bytes) in inputs(target) {
            document(&bytes, kind);
        }
    }
    for (_, bytes) in inputs("email") {
        email(&bytes);
    }
    for (_, bytes) in inputs("mbox") {
        same_split(&bytes, &[1, 7, 64]);
    }
    for (_, bytes) in inputs("date_received") {
        let text = String::from_utf8_lossy(&bytes);
        if let Ok(date) = parse_date(&text) {
            let _ = (date.instant(), date.offset_text(), date.stated_weekday());
        }
        email(format!("Received: {text}\r\nDate: {text}\r\n\r\nHi\r\n").as_bytes());
    }
    for (_, bytes) in inputs("dkim_tags") {
        let text = String::from_utf8_lossy(&bytes);
        let _ = parse_tag_list(&text);
        let _ = parse_signature(&text);
        let _ = PublicKey::parse(&text);
        let _ = KeyStore::from_text(&text, "fuzz.txt");
    }
    for (_, bytes) in inputs("dkim_canon") {
        let message = SplitMessage::parse(&String::from_utf8_lossy(&bytes));
        for (_, value) in message.headers() {
            if let Ok(sig) = parse_signature(value) {
                let _ = check_body_hash(&sig, &message.body);
            }
        }
    }
    for (_, bytes) in inputs("doctext") {
        for kind in [ItemKind::Ooxml, ItemKind::Odf, ItemKind::Pdf, ItemKind::Zip] {
            let _ = document_text(&bytes, kind, &DocLimits::default());
        }
    }
    for (_, bytes) in inputs("sniff_quote") {
        let _ = sniff(&bytes);
        let lines: Vec<String> = String::from_utf8_lossy(&bytes)
            .lines()
            .map(str::to_string)
            .collect();
        let _ = quoted_text(&lines);
    }
}

/// Splits `data` fed in chunks of `chunk` bytes.
fn mbox(data: &[u8], chunk: usize) -> Vec<MboxMessage> {
    let mut messages = Vec::new();
    let mut splitter = MboxSplitter::new(1 << 20);
    for piece in data.chunks(chunk.max(1)) {
        splitter.feed(piece, &mut |m| messages.push(m));
    }
    splitter.finish(&mut |m| messages.push(m));
    messages
}

fn same_split(data: &[u8], chunks: &[usize]) {
    let whole = mbox(data, data.len());
    for &chunk in chunks {
        let split = mbox(data, chunk);
        assert_eq!(split.len(), whole.len(), "chunks of {chunk}");
        for (a, b) in whole.iter().zip(&split) {
            assert_eq!(
                (a.offset, a.size, a.sha256()),
                (b.offset, b.size, b.sha256())
            );
            assert_eq!(a.bytes, b.bytes, "chunks of {chunk}");
        }
    }
}

/// Found by review of the `mbox` target's property (its inputs stop at
/// 8 KiB): a separator-shaped line longer than the splitter's 64 KiB line
/// limit after a blank line started a new message when it arrived in one
/// read, and was body text when a read boundary fell inside it. Fixed in
/// `mbox::MboxSplitter::end_line`: such a line is never a separator.
#[test]
fn mbox_long_separator_line_does_not_depend_on_reads() {
    let mut data = b"From a@b Tue May  2 09:14:01 2017\nSubject: one\n\nHello\n\nFrom b@c Tue May  2 10:00:00 2017 ".to_vec();
    data.extend(std::iter::repeat_n(b'x', 70_000));
    data.extend_from_slice(b"\nSubject: two\n\nbody\n");
    same_split(&data, &[1000, 4096, 65_536, 1 << 20]);
    assert_eq!(mbox(&data, 4096).len(), 1);
}

/// The same for mboxrd quoting: a `>` run longer than the line limit is
/// unquoted whatever the reads (`mbox::unquote`).
#[test]
fn mbox_long_quote_run_does_not_depend_on_reads() {
    let mut data = b"From a@b Tue May  2 09:14:01 2017\nSubject: one\n\n".to_vec();
    data.extend(std::iter::repeat_n(b'>', 70_000));
    data.extend_from_slice(b"From here\n");
    same_split(&data, &[1000, 4096, 65_536, 1 << 20]);
}

/// Found by `tests/properties.rs` (`parsed_dates_are_consistent`), shrunk by
/// proptest: a leap second written in a zone whose UTC time is not 23:59
/// gave the impossible instant 2017-01-01T12:00:60Z. Fixed in
/// `date::ParsedDate::instant`: it is the next second there; the real leap
/// second of 2016-12-31 stays one.
#[test]
fn date_leap_second_outside_utc_midnight() {
    let instant = |raw: &str| {
        let date = parse_date(raw).unwrap_or_else(|e| panic!("{raw}: {e}"));
        date.instant().map(|i| rfc3339(&i))
    };
    assert_eq!(
        instant(" 1 Jan 2017 00:00:60 -1200").as_deref(),
        Some("2017-01-01T12:01:00Z")
    );
    assert_eq!(
        instant("Sun, 1 Jan 2017 01:59:60 +0200").as_deref(),
        Some("2016-12-31T23:59:60Z")
    );
    assert_eq!(
        instant("Sat, 31 Dec 2016 23:59:60 +0000").as_deref(),
        Some("2016-12-31T23:59:60Z")
    );
}

#[test]
fn seeds_still_parse() {
    email(&fixtures::email_with(
        "a@example.org",
        "Tue, 2 May 2017 09:14:01 +0200",
        "a.doc",
        &fixtures::legacy_doc("Alice"),
    ));
    document(
        &fixtures::jpeg("Canon", "GIMP", "2017:05:02 09:14:01"),
        ItemKind::Jpeg,
    );
}

/// Writes the seed corpora of the fuzz targets (small, valid inputs).
#[test]
#[ignore = "writes fuzz/seeds/; run by hand when the seeds change"]
fn write_fuzz_seeds() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let seeds = root.join("fuzz/seeds");
    let put = |target: &str, name: &str, bytes: &[u8]| {
        let dir: PathBuf = seeds.join(target);
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join(name), bytes).unwrap();
    };
    let sample = root.join("sample_dumps/corvel-leak");
    let read = |rel: &str| fs::read(sample.join(rel)).unwrap();
    let office = fixtures::Office::default();
    let docx = fixtures::docx(&office);
    let xlsx = fixtures::ooxml(&office, "xl/workbook.xml");
    let odt = fixtures::odt("Alice", "2017-03-01T08:00:00", "2017-04-20T09:00:00");
    let pdf = fixtures::pdf(
        "Alice",
        "Microsoft Word",
        "20170301080000",
        Some(("GPL Ghostscript", "20170420090000")),
    );
    let jpeg = fixtures::jpeg("Canon", "GIMP 2.8", "2017:05:02 09:14:01");
    let doc = fixtures::legacy_doc("Alice Martin");
    let tgz = fixtures::tar_gz(&[("a/report.docx", docx.clone()), ("b.txt", b"hi".to_vec())]);
    let zip = fixtures::zip_of(&[("report.docx", docx.clone()), ("notes.txt", b"hi".to_vec())]);
    let mut tar = tar::Builder::new(Vec::new());
    for (name, body) in [("report.pdf", &pdf), ("img.jpg", &jpeg)] {
        let mut header = tar::Header::new_gnu();
        header.set_size(body.len() as u64);
        header.set_mode(0o644);
        header.set_mtime(1_493_709_241);
        header.set_cksum();
        tar.append_data(&mut header, name, &body[..]).unwrap();
    }
    let tar = tar.into_inner().unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut gz, &doc).unwrap();
    let gz = gz.finish().unwrap();

    put("doc_ooxml", "docx", &docx);
    put("doc_ooxml", "xlsx", &xlsx);
    put(
        "doc_ooxml",
        "sample.docx",
        &read("documents/CR_CODIR_2017-01-09.docx"),
    );
    put("doc_odf", "odt", &odt);
    put("doc_pdf", "pdf", &pdf);
    put(
        "doc_pdf",
        "sample.pdf",
        &read("documents/Organigramme_2017.pdf"),
    );
    put("doc_ole2", "doc", &doc);
    put("doc_jpeg", "jpeg", &jpeg);
    put("doc_zip", "zip", &zip);
    put("doc_zip", "odt", &odt);
    put("doc_tar", "tar", &tar);
    put("doc_gzip", "tgz", &tgz);
    put("doc_gzip", "gz", &gz);
    for (i, d) in [&docx, &odt, &pdf].iter().enumerate() {
        let mut seed = vec![i as u8];
        seed.extend_from_slice(d);
        put("doctext", &format!("kind{i}"), &seed);
    }

    let emails = [
        "mailboxes/claire.dumont/Inbox/0013.eml",
        "mailboxes/claire.dumont/Inbox/0006.eml",
        "mailboxes/claire.dumont/Sent/0001.eml",
    ];
    for (i, rel) in emails.iter().enumerate() {
        put("email", &format!("sample{i}.eml"), &read(rel));
        put("dkim_canon", &format!("sample{i}.eml"), &read(rel));
        put("sniff_quote", &format!("sample{i}.eml"), &read(rel));
    }
    put(
        "email",
        "attachment.eml",
        &fixtures::email_with(
            "a@example.org",
            "Tue, 2 May 2017 09:14:01 +0200",
            "a.doc",
            &doc,
        ),
    );
    let mbox = read("mailboxes/julien.marchand/Inbox.mbox");
    let mut seed = vec![0, 3, 1, 17, 200];
    seed.extend_from_slice(&mbox[..mbox.len().min(6000)]);
    put("mbox", "sample", &seed);
    put(
        "mbox",
        "quoted",
        b"\x01\x02\x05\x03From a@b Tue May  2 09:14:01 2017\nSubject: x\n\n>From here\n>>From there\n\nFrom b@c Tue May  2 09:15:01 2017\r\n\r\nbody\r\n",
    );
    for (i, date) in [
        "Tue, 2 May 2017 09:14:01 +0200",
        "2 May 17 09:14 EDT",
        "Tue May  2 09:14:01 2017",
        "Mon, 1 May 2017 09:14:01 -0000 (GMT)",
        "from mx.example.org (mx.example.org [192.0.2.1]) by mail.example.net with ESMTPS id abc; Tue, 2 May 2017 09:14:03 +0200\nfrom [10.0.0.2] by mx.example.org; Tue, 2 May 2017 07:14:02 +0000",
    ]
    .iter()
    .enumerate()
    {
        put("date_received", &format!("d{i}"), date.as_bytes());
    }
    put(
        "dkim_tags",
        "sig",
        b"v=1; a=rsa-sha256; c=relaxed/simple; d=example.org; s=sel; t=1493709241; l=10; i=@example.org; h=From:To:Subject:Date; bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=; b=dGVzdA==",
    );
    put(
        "dkim_tags",
        "key",
        b"v=DKIM1; k=ed25519; h=sha256; t=y:s; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=",
    );
    put(
        "dkim_tags",
        "keys.txt",
        &fs::read(root.join("sample_dumps/dkim-keys.txt")).unwrap(),
    );
    put(
        "sniff_quote",
        "outlook",
        b"Thanks\n\n-----Original Message-----\nFrom: A\nSent: Tuesday\nTo: B\nSubject: x\n\n> old\nbody\n",
    );
}
