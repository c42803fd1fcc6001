//! Unit tests of `document-metadata-anomaly`, kept apart so the check's file stays readable.

use super::*;
use crate::checks::test_support::email_item_at;
use crate::item::{Item, ItemKind, Locator};

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
    "Olivier Garnier",
];

fn docx(path: &str, creator: &str, editor: &str, created: &str, modified: &str) -> Item {
    let mut item = Item::new(path.into(), Locator::root(), ItemKind::Ooxml);
    item.sha256 = Some(crate::digest::Digest::of(path.as_bytes()));
    let mut f = DocumentFacts::new("ooxml");
    f.creator = Some(creator.into());
    f.last_modified_by = Some(editor.into());
    f.application = Some("Microsoft Office Word".into());
    f.app_version = Some("16.0000".into());
    f.created = Some(DocTime::parse_iso(created));
    f.modified = Some(DocTime::parse_iso(modified));
    item.document = Some(Box::new(f));
    item
}

/// Twelve ordinary Word documents by twelve people, and a message from each of them.
fn corpus_items() -> Vec<Item> {
    let mut items = Vec::new();
    for (i, name) in PEOPLE.iter().enumerate() {
        let day = 1 + i;
        items.push(docx(
            &format!("docs/{i:02}.docx"),
            name,
            name,
            &format!("2016-0{}-{day:02}T09:00:00Z", 1 + i % 9),
            &format!("2017-04-{day:02}T1{}:00:00Z", i % 10),
        ));
        let address = name.split_whitespace().last().unwrap_or("x").to_lowercase();
        items.push(email_item_at(
            &format!("mail/{i:02}.eml"),
            &format!(
                "From: {name} <{address}@corvel.fr>\nDate: Tue, 2 May 2017 09:14:01 +0200\n\nbody\n"
            ),
        ));
    }
    items
}

fn run_on(mut items: Vec<Item>) -> Vec<Finding> {
    items.sort_by(|a, b| a.key().cmp(&b.key()));
    let corpus = Corpus::build(&mut items, &crate::corpus::NoContent);
    let mut cfg = Config::new(".".into());
    cfg.now = DateTime::parse_from_rfc3339("2017-06-01T00:00:00Z")
        .unwrap()
        .with_timezone(&Utc);
    let mut out = Vec::new();
    run(&corpus, &cfg, &mut out);
    out
}

fn rules(f: &Finding) -> Vec<String> {
    f.evidence
        .get("rules")
        .and_then(Value::as_array)
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_clean_corpus_is_quiet() {
    assert!(run_on(corpus_items()).is_empty());
}

#[test]
fn flags_a_cyrillic_last_editor_among_latin_authors() {
    let mut items = corpus_items();
    items.push(docx(
        "docs/forged.docx",
        "Alice Martin",
        "Борис Петров",
        "2017-04-20T08:00:00Z",
        "2017-04-28T09:12:00Z",
    ));
    let out = run_on(items);
    let f = out
        .iter()
        .find(|f| f.path == "docs/forged.docx")
        .expect("finding");
    assert!(rules(f).contains(&"rare-script".to_string()));
    assert!(f.severity >= Severity::Medium);
    assert_eq!(f.evidence.get("rare-script").unwrap()["script"], "Cyrillic");
    // Nobody else is accused of a strong rule.
    assert!(
        out.iter()
            .filter(|f| f.path != "docs/forged.docx")
            .all(|f| f.severity <= Severity::Low)
    );
}

#[test]
fn a_small_corpus_judges_no_rarity() {
    let mut items: Vec<Item> = corpus_items().into_iter().take(8).collect();
    items.push(docx(
        "docs/forged.docx",
        "Борис Петров",
        "Борис Петров",
        "2017-04-20T08:00:00Z",
        "2017-04-28T09:12:00Z",
    ));
    assert!(run_on(items).is_empty());
}

#[test]
fn libreoffice_in_a_word_corpus_is_only_low() {
    let mut items = corpus_items();
    let mut odt = docx(
        "docs/minutes.odt",
        "Claire Dubois",
        "Claire Dubois",
        "2017-03-01T10:00:00",
        "2017-03-02T10:00:00",
    );
    if let Some(f) = odt.document.as_deref_mut() {
        f.format = "odf";
        f.application =
            Some("LibreOffice/5.3.2.2$Linux_X86_64 LibreOffice_project/20m0$Build-2".into());
        f.app_version = None;
    }
    items.push(odt);
    let out = run_on(items);
    assert_eq!(out.len(), 1);
    assert_eq!(rules(&out[0]), ["unique-software"]);
    assert_eq!(out[0].severity, Severity::Low);
}

#[test]
fn software_released_after_the_document_time() {
    // Office 2016's AppVersion on a document last saved in 2012.
    let mut items = corpus_items();
    items.push(docx(
        "docs/old.docx",
        "Alice Martin",
        "Alice Martin",
        "2011-01-01T08:00:00Z",
        "2012-03-01T09:00:00Z",
    ));
    let out = run_on(items);
    let f = out
        .iter()
        .find(|f| f.path == "docs/old.docx")
        .expect("finding");
    assert_eq!(rules(f), ["released-later"]);
    assert_eq!(f.severity, Severity::Medium);
    assert_eq!(
        f.evidence.get("released-later").unwrap()["field"],
        "app_version"
    );
}

#[test]
fn a_template_created_years_before_is_normal() {
    let mut items = corpus_items();
    items.push(docx(
        "docs/letter.docx",
        "Alice Martin",
        "Alice Martin",
        "2009-01-01T08:00:00Z",
        "2017-04-12T09:00:00Z",
    ));
    assert!(run_on(items).is_empty());
}

#[test]
fn modified_before_created_and_future_dates() {
    let mut items = corpus_items();
    items.push(docx(
        "docs/a.docx",
        "Alice Martin",
        "Alice Martin",
        "2017-04-20T08:00:00Z",
        "2017-04-10T09:00:00Z",
    ));
    items.push(docx(
        "docs/b.docx",
        "Alice Martin",
        "Alice Martin",
        "2017-04-20T08:00:00Z",
        "2019-01-10T09:00:00Z",
    ));
    let out = run_on(items);
    let a = out.iter().find(|f| f.path == "docs/a.docx").unwrap();
    assert_eq!(rules(a), ["modified-before-created"]);
    let b = out.iter().find(|f| f.path == "docs/b.docx").unwrap();
    assert_eq!(rules(b), ["after-scan-time"]);
}

#[test]
fn a_burst_of_old_documents_modified_together() {
    let mut items = corpus_items();
    for (i, year) in [2012, 2013, 2014, 2015].iter().enumerate() {
        items.push(docx(
            &format!("sheets/{i}.docx"),
            "Alice Martin",
            "Alice Martin",
            &format!("{year}-02-01T08:00:00Z"),
            &format!("2017-04-27T10:0{}:00Z", i),
        ));
    }
    let out = run_on(items);
    let burst: Vec<&Finding> = out
        .iter()
        .filter(|f| f.path.starts_with("sheets/"))
        .collect();
    assert_eq!(burst.len(), 4);
    assert!(
        burst
            .iter()
            .all(|f| rules(f) == ["modification-burst"] && f.severity == Severity::Low)
    );
}

#[test]
fn an_author_who_never_writes_mail() {
    let mut items = corpus_items();
    items.push(docx(
        "docs/x.docx",
        "Jean Inconnu",
        "Jean Inconnu",
        "2017-04-20T08:00:00Z",
        "2017-04-21T08:00:00Z",
    ));
    let out = run_on(items);
    assert_eq!(out.len(), 1);
    assert_eq!(rules(&out[0]), ["author-not-a-sender"]);
    assert_eq!(out[0].severity, Severity::Low);
}

#[test]
fn a_pdf_updated_by_another_producer_is_weak() {
    let mut items = corpus_items();
    let mut item = Item::new("docs/signed.pdf".into(), Locator::root(), ItemKind::Pdf);
    item.sha256 = Some(crate::digest::Digest::of(b"pdf"));
    let mut f = DocumentFacts::new("pdf");
    f.creator = Some("Alice Martin".into());
    f.pdf = Some(Box::new(crate::parse::document::PdfFacts {
        incremental_updates: 1,
        revisions: vec![
            crate::parse::document::PdfRevision {
                producer: Some("Microsoft® Word 2016".into()),
                ..Default::default()
            },
            crate::parse::document::PdfRevision {
                producer: Some("Adobe Acrobat Pro DC 15.0".into()),
                ..Default::default()
            },
        ],
        ..Default::default()
    }));
    item.document = Some(Box::new(f));
    items.push(item);
    let out = run_on(items);
    assert_eq!(out.len(), 1);
    assert_eq!(rules(&out[0]), ["pdf-edited-by-other-producer"]);
    assert_eq!(out[0].severity, Severity::Low);
}
