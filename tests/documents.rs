//! Documents, attachments and archives through the real binary: facts, findings, and hostile files ending as errors.

mod common;
#[path = "support/documents.rs"]
mod fixtures;

use std::fs;
use std::path::Path;

use common::scan_json;
use fixtures::*;
use serde_json::Value;

const PEOPLE: &[&str] = &[
    "Alice Martin",
    "Bruno Lefèvre",
    "Claire Dubois",
    "David Moreau",
    "Émilie Laurent",
    "François Girard",
    "Hélène Bonnet",
    "Julien Mercier",
    "Léa Fontaine",
    "Marc Rousseau",
    "Nadia Blanc",
];

fn write(root: &Path, rel: &str, bytes: &[u8]) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, bytes).unwrap();
}

/// A small dump: a Latin-script corpus with one Cyrillic editor, an anachronistic attachment,
/// every format, archives, and hostile files.
fn dump() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for (i, name) in PEOPLE.iter().enumerate() {
        let o = Office {
            creator: name,
            editor: name,
            created: &format!("2016-0{}-10T08:00:00Z", 1 + i % 9),
            modified: &format!("2017-04-{:02}T09:00:00Z", 1 + i),
            ..Office::default()
        };
        write(root, &format!("docs/note-{i:02}.docx"), &docx(&o));
        let local = name.split_whitespace().last().unwrap().to_lowercase();
        write(
            root,
            &format!("mail/{i:02}.eml"),
            format!("From: {name} <{local}@corvel.fr>\r\nTo: team@corvel.fr\r\nSubject: n{i}\r\nDate: Tue, 2 May 2017 09:14:01 +0200\r\nMessage-ID: <{i}@corvel.fr>\r\n\r\nHello\r\n").as_bytes(),
        );
    }
    // The MacronLeaks tell: a Cyrillic last editor.
    let forged = Office {
        editor: "Борис Петров",
        ..Office::default()
    };
    write(root, "docs/budget.xlsx", &ooxml(&forged, "xl/workbook.xml"));
    // An attachment saved three days after the message carrying it.
    let late = Office {
        modified: "2017-05-05T10:00:00Z",
        ..Office::default()
    };
    write(
        root,
        "mail/late.eml",
        &email_with(
            "Alice Martin <martin@corvel.fr>",
            "Tue, 2 May 2017 09:14:01 +0200",
            "late.docx",
            &docx(&late),
        ),
    );
    write(
        root,
        "docs/minutes.odt",
        &odt(
            "Claire Dubois",
            "2017-03-01T10:00:00.5",
            "2017-03-02T18:30:00",
        ),
    );
    write(
        root,
        "docs/signed.pdf",
        &pdf(
            "Alice Martin",
            "Microsoft\\256 Word 2016",
            "20170420100000",
            Some(("GPL Ghostscript 9.20", "20170421100000")),
        ),
    );
    write(
        root,
        "docs/photo.jpg",
        &jpeg("Canon", "Adobe Photoshop CC 2017", "2017:04:28 09:12:00"),
    );
    write(root, "docs/legacy.doc", &legacy_doc("Alice Martin"));
    let eml = email_with(
        "Bruno Lefèvre <lefevre@corvel.fr>",
        "Wed, 3 May 2017 10:00:00 +0200",
        "inner.pdf",
        &pdf(
            "Bruno Lefèvre",
            "Microsoft\\256 Word 2016",
            "20170503090000",
            None,
        ),
    );
    let inner_zip = zip_of(&[("deep/c.docx", docx(&Office::default()))]);
    write(
        root,
        "archives/leak.zip",
        &zip_of(&[
            ("inner/a.docx", docx(&Office::default())),
            ("inner/mail.eml", eml),
            ("inner/nested.zip", inner_zip),
        ]),
    );
    write(
        root,
        "archives/leak.tar.gz",
        &tar_gz(&[(
            "sheets/b.xlsx",
            ooxml(&Office::default(), "xl/workbook.xml"),
        )]),
    );
    // Hostile files.
    write(root, "hostile/bomb.docx", &bomb_docx(32 << 20));
    write(root, "hostile/bomb.zip", &bomb_zip(32 << 20));
    write(root, "hostile/many.zip", &many_entries(10_001));
    write(root, "hostile/deep.zip", &nested_zip(7));
    let whole = pdf("x", "y", "20170420100000", None);
    write(root, "hostile/truncated.pdf", &whole[..whole.len() / 2]);
    dir
}

fn item<'a>(report: &'a Value, path: &str, locator: Option<&str>) -> &'a Value {
    report["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["path"] == path && i["locator"].as_str() == locator)
        .unwrap_or_else(|| panic!("no item {path} {locator:?}"))
}

fn errors_of(report: &Value, path: &str) -> Vec<String> {
    report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["path"] == path)
        .map(|e| format!("{} {}", e["locator"], e["error"]))
        .collect()
}

fn findings_of<'a>(report: &'a Value, check: &str) -> Vec<&'a Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check"] == check)
        .collect()
}

#[test]
fn extracts_facts_finds_forgeries_and_survives_hostile_files() {
    let dump = dump();
    let (code, report) = scan_json(dump.path(), &[]);
    assert_eq!(code, 0);

    // Facts of each format.
    let doc = &item(&report, "docs/budget.xlsx", None)["document"];
    assert_eq!(doc["format"], "ooxml");
    assert_eq!(doc["subtype"], "xlsx");
    assert_eq!(doc["last_modified_by"], "Борис Петров");
    assert_eq!(doc["app_version"], "16.0000");
    assert_eq!(doc["modified"]["utc"], "2017-04-20T09:00:00Z");
    let odt = &item(&report, "docs/minutes.odt", None)["document"];
    assert_eq!(odt["subtype"], "odt");
    assert_eq!(odt["created"]["zoneless"], true);
    assert_eq!(odt["created"]["local"], "2017-03-01T10:00:00");
    let pdf = &item(&report, "docs/signed.pdf", None)["document"];
    assert_eq!(pdf["pdf"]["incremental_updates"], 1);
    assert_eq!(
        pdf["pdf"]["revisions"][0]["producer"],
        "Microsoft® Word 2016"
    );
    assert_eq!(pdf["producer"], "GPL Ghostscript 9.20");
    let jpg = &item(&report, "docs/photo.jpg", None)["document"];
    assert_eq!(jpg["exif"]["make"], "Canon");
    assert_eq!(jpg["exif"]["has_gps"], false);
    let ole = &item(&report, "docs/legacy.doc", None)["document"];
    assert_eq!(ole["subtype"], "doc");
    assert_eq!(ole["creator"], "Alice Martin");
    assert_eq!(ole["created"]["utc"], "2016-06-01T10:00:00Z");
    let attached = &item(&report, "mail/late.eml", Some("attachment:1:late.docx"))["document"];
    assert_eq!(attached["modified"]["utc"], "2017-05-05T10:00:00Z");

    // Archive members are items with their own locator, hash and facts.
    let zip = &item(&report, "archives/leak.zip", None)["document"];
    assert_eq!(zip["archive"]["members"], 3);
    let a = item(&report, "archives/leak.zip", Some("zip:inner%2Fa.docx"));
    assert_eq!(a["kind"], "ooxml");
    assert_eq!(a["sha256"].as_str().unwrap().len(), 64);
    assert_eq!(a["document"]["creator"], "Alice Martin");
    let mail = item(&report, "archives/leak.zip", Some("zip:inner%2Fmail.eml"));
    assert_eq!(mail["email"]["source"], "archive");
    let inner_pdf = item(
        &report,
        "archives/leak.zip",
        Some("zip:inner%2Fmail.eml/attachment:1:inner.pdf"),
    );
    assert_eq!(inner_pdf["document"]["creator"], "Bruno Lefèvre");
    let deep = item(
        &report,
        "archives/leak.zip",
        Some("zip:inner%2Fnested.zip/zip:deep%2Fc.docx"),
    );
    assert_eq!(deep["document"]["format"], "ooxml");
    let tarred = item(&report, "archives/leak.tar.gz", Some("zip:sheets%2Fb.xlsx"));
    assert_eq!(tarred["document"]["subtype"], "xlsx");

    // Findings.
    let rare = findings_of(&report, "document-metadata-anomaly");
    let budget = rare
        .iter()
        .find(|f| f["path"] == "docs/budget.xlsx")
        .expect("Cyrillic editor flagged");
    assert_eq!(budget["severity"], "medium");
    assert!(
        budget["evidence"]["rules"]
            .as_array()
            .unwrap()
            .contains(&Value::from("rare-script"))
    );
    let late = findings_of(&report, "attachment-anachronism");
    assert_eq!(late.len(), 1, "{late:?}");
    assert_eq!(late[0]["locator"], "attachment:1:late.docx");
    assert_eq!(late[0]["severity"], "high");
    // No clean document is accused at medium or above.
    for f in report["findings"].as_array().unwrap() {
        let sev = f["severity"].as_str().unwrap();
        if f["check"].as_str().unwrap().starts_with("document")
            && (sev == "medium" || sev == "high")
        {
            assert_eq!(f["path"], "docs/budget.xlsx", "clean document accused: {f}");
        }
    }

    // Hostile files end as error records.
    let bomb = errors_of(&report, "hostile/bomb.docx");
    // Stopped by the metadata part cap (1 MiB) before the ratio rule (past 1 MiB) can fire.
    assert!(
        bomb.iter()
            .any(|e| e.contains("not a plausible metadata part")),
        "{bomb:?}"
    );
    let bomb = errors_of(&report, "hostile/bomb.zip");
    assert!(
        bomb.iter()
            .any(|e| e.contains("zip:zeros.bin") && e.contains("compression ratio")),
        "{bomb:?}"
    );
    let many = errors_of(&report, "hostile/many.zip");
    assert!(many.iter().any(|e| e.contains("10001 entries")), "{many:?}");
    let deep = errors_of(&report, "hostile/deep.zip");
    assert!(
        deep.iter()
            .any(|e| e.contains("nested more than 4 archives")),
        "{deep:?}"
    );
    let truncated = errors_of(&report, "hostile/truncated.pdf");
    assert!(
        truncated.iter().any(|e| e.contains("truncated")),
        "{truncated:?}"
    );

    // The documents section tallies the rare editor with the item carrying it.
    let editors = report["documents"]["last_editors"].as_array().unwrap();
    let boris = editors
        .iter()
        .find(|t| t["value"] == "Борис Петров")
        .unwrap();
    assert_eq!(boris["items"][0]["path"], "docs/budget.xlsx");
}

#[test]
fn the_same_documents_give_the_same_report_with_one_thread() {
    let dump = dump();
    let (_, many) = scan_json(dump.path(), &["--threads", "2"]);
    let (_, one) = scan_json(dump.path(), &["--threads", "1"]);
    assert_eq!(common::stable(many), common::stable(one));
}

/// Writes the throughput set (LEAKPROV_DOC_BENCH=DIR): a few thousand small documents.
#[test]
#[ignore]
fn write_benchmark_set() {
    let Some(dir) = std::env::var_os("LEAKPROV_DOC_BENCH") else {
        return;
    };
    let root = Path::new(&dir);
    for i in 0..4000 {
        let name = PEOPLE[i % PEOPLE.len()];
        let o = Office {
            creator: name,
            editor: name,
            ..Office::default()
        };
        match i % 4 {
            0 => write(root, &format!("d/{i}.docx"), &docx(&o)),
            1 => write(root, &format!("d/{i}.xlsx"), &ooxml(&o, "xl/workbook.xml")),
            2 => write(
                root,
                &format!("d/{i}.pdf"),
                &fixtures::pdf(
                    name,
                    "Microsoft\\256 Word 2016",
                    "20170420100000",
                    Some(("GPL Ghostscript 9.20", "20170421100000")),
                ),
            ),
            _ => write(
                root,
                &format!("d/{i}.odt"),
                &odt(name, "2017-03-01T10:00:00", "2017-03-02T18:30:00"),
            ),
        }
    }
}

/// Writes the hostile files one per folder (LEAKPROV_HOSTILE=DIR), for time and memory measurements.
#[test]
#[ignore]
fn write_hostile_set() {
    let Some(dir) = std::env::var_os("LEAKPROV_HOSTILE") else {
        return;
    };
    let root = Path::new(&dir);
    write(root, "bomb-docx/bomb.docx", &bomb_docx(4 << 30));
    write(root, "bomb-zip/bomb.zip", &bomb_zip(4 << 30));
    write(root, "many/many.zip", &many_entries(60_000));
    write(root, "deep/deep.zip", &nested_zip(50));
    let whole = fixtures::pdf("x", "y", "20170420100000", None);
    write(root, "truncated/truncated.pdf", &whole[..whole.len() / 2]);
    let mut deep_pdf = b"%PDF-1.7\n1 0 obj\n".to_vec();
    deep_pdf.extend(std::iter::repeat_n(b'[', 32 << 20));
    deep_pdf.extend_from_slice(b"\nendobj\ntrailer << /Info 1 0 R >>\n%%EOF\n");
    write(root, "deep-pdf/deep.pdf", &deep_pdf);
    let mut objs = b"%PDF-1.7\n".to_vec();
    for i in 0..2_000_000u32 {
        objs.extend_from_slice(format!("{i} 0 obj\n<<>>\nendobj\n").as_bytes());
    }
    objs.extend_from_slice(b"trailer << /Info 1 0 R >>\n%%EOF\n");
    write(root, "objects-pdf/objects.pdf", &objs);
}
