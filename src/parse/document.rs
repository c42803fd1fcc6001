//! Document metadata: the facts forgers forget (authors, software, timestamps), one shape for every format.
//!
//! `analyse` is the single entry point used for standalone files (from
//! `read`), for attachments (from `email`) and for archive members (from
//! `archive`). Each format has its own extractor module; a failure, or a
//! panic in a third-party parser, becomes an error record for that item.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::config::{Config, DocLimits};
use crate::error::ItemError;
use crate::item::{ItemKind, Locator, LocatorPart};
use crate::parse::Output;
use crate::parse::archive::{self, Budget};
use crate::parse::doctime::DocTime;
use crate::parse::{exif, odf, ole, ooxml, pdf};

/// What leakprov extracts from one document (`item.document` in the report).
///
/// Every field but `format` is absent when the document does not record it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DocumentFacts {
    /// Which extractor read it: ooxml, odf, pdf, ole2, jpeg, zip, tar, gzip.
    #[serde(deserialize_with = "crate::checkpoint::fields::static_str")]
    pub format: crate::checkpoint::fields::Label,
    /// docx, xlsx, pptx, odt, ods, odp, doc, xls, ppt, msg... when recognisable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subtype: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The author: OOXML dc:creator, ODF meta:initial-creator, PDF /Author, OLE Author.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub creator: Option<String>,
    /// OOXML cp:lastModifiedBy, ODF dc:creator, OLE LastAuthor.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_modified_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    /// The authoring application: OOXML Application, ODF meta:generator,
    /// PDF /Creator, OLE AppName.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub application: Option<String>,
    /// OOXML AppVersion ("16.0000").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app_version: Option<String>,
    /// PDF /Producer (the library that wrote the PDF).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub producer: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created: Option<DocTime>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub modified: Option<DocTime>,
    /// Boxed, like `pdf` and `exif`: rarely there, and documents stay whole
    /// in memory until the report is written (960 bytes inline, 616 now).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_printed: Option<Box<DocTime>>,
    /// OOXML cp:revision, OLE RevNumber.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revision: Option<String>,
    /// ODF meta:editing-cycles.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub editing_cycles: Option<String>,
    /// Editing time as written: OOXML TotalTime (minutes), ODF editing-duration, OLE EditTime (seconds).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pdf: Option<Box<PdfFacts>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exif: Option<Box<ExifFacts>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub archive: Option<ArchiveFacts>,
    /// Words of text extracted (docx, xlsx, pptx, ODF, PDF), for near-duplicate detection.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text_words: Option<u64>,
    /// Why the text could not be extracted (nothing is guessed in its place).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text_error: Option<String>,
    #[serde(
        rename = "~minhash",
        skip_serializing_if = "crate::checkpoint::fields::journal_only",
        with = "crate::checkpoint::fields::minhash"
    )]
    pub minhash: Option<crate::parse::minhash::MinHash>,
}

/// PDF structure that tells how a file was written and edited.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PdfFacts {
    /// From the `%PDF-x.y` header.
    pub version: Option<String>,
    /// The file starts with a linearization dictionary ("fast web view").
    pub linearized: bool,
    /// Revisions appended after the first one (`%%EOF` markers beyond the first,
    /// not counting the extra one of a linearized file).
    pub incremental_updates: u32,
    /// The document information in force at the end of each revision, oldest first.
    pub revisions: Vec<PdfRevision>,
    /// Trailer /ID (permanent, changing) as hex, then XMP DocumentID and InstanceID.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub document_ids: Vec<String>,
    /// An XMP metadata packet was found (and read when uncompressed or Flate-encoded).
    pub xmp: bool,
}

/// The Info dictionary as it stood at the end of one revision.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PdfRevision {
    /// Byte offset just past this revision's `%%EOF`.
    pub end_offset: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub producer: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub creator: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mod_date: Option<String>,
}

/// EXIF of a JPEG.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ExifFacts {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub make: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub software: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_time_original: Option<DocTime>,
    pub has_gps: bool,
}

/// An archive's own facts; its members are child items.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ArchiveFacts {
    /// Entries listed (directories included).
    pub entries: u64,
    /// Members recorded as child items.
    pub members: u64,
}

impl DocumentFacts {
    pub fn new(format: &'static str) -> Self {
        DocumentFacts {
            format,
            ..DocumentFacts::default()
        }
    }

    /// Author, last editor and company, with their field names.
    pub fn people(&self) -> impl Iterator<Item = (&'static str, &str)> {
        [
            ("creator", self.creator.as_deref()),
            ("last_modified_by", self.last_modified_by.as_deref()),
            ("company", self.company.as_deref()),
        ]
        .into_iter()
        .filter_map(|(k, v)| Some((k, v?)))
    }
}

/// Kinds whose metadata or members are read.
pub fn is_analysed(kind: ItemKind) -> bool {
    matches!(
        kind,
        ItemKind::Ooxml
            | ItemKind::Odf
            | ItemKind::Zip
            | ItemKind::Pdf
            | ItemKind::Ole2
            | ItemKind::Jpeg
            | ItemKind::Tar
            | ItemKind::Gzip
    )
}

/// Extracts the metadata of one document, image or archive held in memory.
///
/// Archive members become child items in `out`; failures become errors in
/// `out` for this item. Returns `None` for kinds that carry no metadata and
/// for documents whose extraction failed.
pub fn analyse(
    bytes: &[u8],
    kind: ItemKind,
    path: &str,
    locator: &Locator,
    cfg: &Config,
    out: &mut Output,
) -> Option<DocumentFacts> {
    let mut budget = Budget::new(&cfg.limits.documents);
    analyse_in(bytes, kind, path, locator, cfg, &mut budget, out)
}

/// `analyse` of a document whose SHA-256 is `digest`.
///
/// The same attachment recurs throughout a mailbox: forwarded, replied to,
/// filed in Sent and in the recipient's Inbox. Its metadata depends on its
/// bytes alone, so each thread remembers the facts of the last `REMEMBERED`
/// documents it analysed. Only clean results are remembered: no error and
/// no child item (those name the path they were found at), no text error
/// (it may come from the time limit), and no archive (its depth limit
/// depends on where it sits). Those are analysed again every time.
pub fn analyse_known(
    bytes: &[u8],
    digest: &crate::digest::Digest,
    kind: ItemKind,
    path: &str,
    locator: &Locator,
    cfg: &Config,
    out: &mut Output,
) -> Option<DocumentFacts> {
    const REMEMBERED: usize = 64;
    type Remembered = (crate::digest::Digest, ItemKind, Option<DocumentFacts>);
    thread_local! {
        static MEMORY: std::cell::RefCell<(Option<DocLimits>, std::collections::VecDeque<Remembered>)> =
            const { std::cell::RefCell::new((None, std::collections::VecDeque::new())) };
    }
    if matches!(kind, ItemKind::Zip | ItemKind::Tar | ItemKind::Gzip) {
        return analyse(bytes, kind, path, locator, cfg, out);
    }
    let limits = &cfg.limits.documents;
    let known = MEMORY.with(|m| {
        let (held_limits, memory) = &mut *m.borrow_mut();
        if held_limits.as_ref() != Some(limits) {
            *held_limits = Some(limits.clone());
            memory.clear();
        }
        memory
            .iter()
            .find(|(d, k, _)| d == digest && *k == kind)
            .map(|(_, _, facts)| facts.clone())
    });
    if let Some(facts) = known {
        return facts;
    }
    let (items, errors) = (out.items.len(), out.errors.len());
    let facts = analyse(bytes, kind, path, locator, cfg, out);
    let clean = out.items.len() == items
        && out.errors.len() == errors
        && facts.as_ref().is_none_or(|f| f.text_error.is_none());
    if clean {
        MEMORY.with(|m| {
            let memory = &mut m.borrow_mut().1;
            if memory.len() == REMEMBERED {
                memory.pop_front();
            }
            memory.push_back((*digest, kind, facts.clone()));
        });
    }
    facts
}

/// `analyse` within the budget of an enclosing container.
pub(crate) fn analyse_in(
    bytes: &[u8],
    kind: ItemKind,
    path: &str,
    locator: &Locator,
    cfg: &Config,
    budget: &mut Budget,
    out: &mut Output,
) -> Option<DocumentFacts> {
    let limits = &cfg.limits.documents;
    // A zip sniffed from its head may still be an office file whose
    // `[Content_Types].xml` or `mimetype` member is not at the start.
    let kind = match kind {
        ItemKind::Zip => archive::office_kind(bytes).unwrap_or(kind),
        other => other,
    };
    let result = match kind {
        ItemKind::Ooxml => guarded(|| ooxml::extract(bytes, limits)),
        ItemKind::Odf => guarded(|| odf::extract(bytes, limits)),
        ItemKind::Pdf => guarded(|| pdf::extract(bytes, limits)),
        ItemKind::Ole2 => guarded(|| ole::extract(bytes, limits)),
        ItemKind::Jpeg => match guarded(|| exif::extract(bytes, limits)) {
            // Most images carry no EXIF at all: that is not an error.
            Ok(None) => return None,
            Ok(Some(facts)) => Ok(facts),
            Err(e) => Err(e),
        },
        ItemKind::Zip | ItemKind::Tar | ItemKind::Gzip => {
            let depth = locator
                .0
                .iter()
                .filter(|p| matches!(p, LocatorPart::Archive(_)))
                .count();
            if depth >= limits.max_archive_depth {
                Err(format!(
                    "archive nested more than {} archives deep: members not read",
                    limits.max_archive_depth
                ))
            } else {
                let mut local = Output::default();
                let facts = guarded(|| {
                    archive::expand(bytes, kind, path, locator, cfg, budget, &mut local)
                });
                out.items.append(&mut local.items);
                out.errors.append(&mut local.errors);
                facts
            }
        }
        _ => return None,
    };
    match result {
        Ok(mut facts) => {
            if matches!(kind, ItemKind::Ooxml | ItemKind::Odf | ItemKind::Pdf) {
                match guarded(|| crate::parse::doctext::document_text(bytes, kind, limits)) {
                    Ok(Some(text)) => {
                        let (words, signature) = crate::parse::minhash::text_signature(&text);
                        facts.text_words = Some(words as u64);
                        facts.minhash = signature.map(crate::parse::minhash::MinHash::Held);
                    }
                    Ok(None) => {}
                    Err(e) => facts.text_error = Some(e),
                }
            }
            Some(facts)
        }
        Err(e) => {
            out.errors.push(ItemError::new(
                path,
                locator,
                format!("{} metadata not read: {e}", kind.as_str()),
            ));
            None
        }
    }
}

/// Runs an extractor; a panic in a third-party parser on hostile bytes becomes an error.
fn guarded<T>(f: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(result) => result,
        Err(panic) => {
            let why = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown cause".into());
            Err(format!("the parser failed on these bytes ({why})"))
        }
    }
}

/// The time limit of one document's extraction.
pub struct Deadline {
    start: Instant,
    limit: std::time::Duration,
}

impl Deadline {
    pub fn new(limits: &DocLimits) -> Self {
        Deadline {
            start: Instant::now(),
            limit: limits.max_document_time,
        }
    }

    /// An error once the time limit has passed.
    pub fn check(&self) -> Result<(), String> {
        if self.start.elapsed() > self.limit {
            Err(format!(
                "time limit of {} ms per document reached",
                self.limit.as_millis()
            ))
        } else {
            Ok(())
        }
    }
}

/// Trims a metadata value; empty values count as absent; very long ones are cut.
pub fn clean(value: &str) -> Option<String> {
    const MAX_CHARS: usize = 512;
    let trimmed = value.trim_matches(|c: char| c.is_whitespace() || c == '\0');
    if trimmed.is_empty() {
        return None;
    }
    Some(trimmed.chars().take(MAX_CHARS).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_of_every_kind_is_an_error_not_a_panic() {
        let cfg = Config::new(".".into());
        for kind in [
            ItemKind::Ooxml,
            ItemKind::Odf,
            ItemKind::Zip,
            ItemKind::Pdf,
            ItemKind::Ole2,
            ItemKind::Tar,
            ItemKind::Gzip,
        ] {
            let mut out = Output::default();
            let facts = analyse(
                b"PK\x03\x04garbage",
                kind,
                "x",
                &Locator::root(),
                &cfg,
                &mut out,
            );
            assert!(facts.is_none(), "{kind:?}");
            assert_eq!(out.errors.len(), 1, "{kind:?}: {:?}", out.errors);
        }
        let mut out = Output::default();
        assert!(
            analyse(
                b"\xFF\xD8\xFF\xD9",
                ItemKind::Jpeg,
                "x",
                &Locator::root(),
                &cfg,
                &mut out
            )
            .is_none()
        );
        assert!(out.errors.is_empty());
    }

    #[test]
    fn a_remembered_document_gives_the_facts_of_a_fresh_analysis() {
        use crate::digest::Digest;
        use crate::parse::ooxml::tests::{APP, CORE, docx};
        let cfg = Config::new(".".into());
        let bytes = docx(CORE, APP);
        let digest = Digest::of(&bytes);
        let root = Locator::root();
        let mut out = Output::default();
        let fresh = analyse(&bytes, ItemKind::Ooxml, "a", &root, &cfg, &mut out);
        assert!(fresh.as_ref().is_some_and(|f| f.creator.is_some()));
        let first = analyse_known(&bytes, &digest, ItemKind::Ooxml, "a", &root, &cfg, &mut out);
        // The memory is keyed by the digest: a second document with that
        // digest is not read again (here its bytes are garbage on purpose).
        let other = root.child(LocatorPart::Attachment(1, "b.docx".into()));
        let again = analyse_known(
            b"garbage",
            &digest,
            ItemKind::Ooxml,
            "b",
            &other,
            &cfg,
            &mut out,
        );
        assert_eq!(first, fresh);
        assert_eq!(again, fresh);
        assert!(out.errors.is_empty() && out.items.is_empty());

        // Other limits: analysed afresh.
        let mut tight = Config::new(".".into());
        tight.limits.documents.max_entries = 1;
        let afresh = analyse_known(
            b"garbage",
            &digest,
            ItemKind::Ooxml,
            "b",
            &other,
            &tight,
            &mut out,
        );
        assert!(afresh.is_none());
        assert_eq!(out.errors.len(), 1);
    }

    #[test]
    fn a_document_in_error_is_analysed_every_time_and_names_its_own_path() {
        use crate::digest::Digest;
        let cfg = Config::new(".".into());
        let bytes = b"PK\x03\x04garbage";
        let digest = Digest::of(bytes);
        let mut out = Output::default();
        for path in ["a.docx", "b.docx"] {
            let facts = analyse_known(
                bytes,
                &digest,
                ItemKind::Ooxml,
                path,
                &Locator::root(),
                &cfg,
                &mut out,
            );
            assert!(facts.is_none());
        }
        let paths: Vec<&str> = out.errors.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(paths, ["a.docx", "b.docx"]);
    }

    #[test]
    fn clean_trims_and_caps() {
        assert_eq!(clean("  a b \0"), Some("a b".into()));
        assert_eq!(clean(" \t"), None);
        assert_eq!(clean(&"x".repeat(1000)).map(|s| s.len()), Some(512));
    }
}
