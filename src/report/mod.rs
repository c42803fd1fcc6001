//! The report: one struct serialised as JSON (schema_version 1), JSON Lines, HTML and a manifest.
//!
//! Field names here are a public contract (docs/report-schema.md): scripts
//! key on them. Add fields; never rename or remove one.

pub mod documents;
pub mod html;
pub mod json;
pub mod manifest;

use std::collections::BTreeMap;
use std::io::Write;

use serde::Serialize;

use crate::checkpoint::spill::{Form, Spill, StreamError, for_each_full, for_each_text};
use crate::corpus::profiles::Profile;
use crate::error::ItemError;
use crate::finding::{Finding, Severity};
use crate::item::Item;

pub const SCHEMA_VERSION: u32 = 1;

/// A domain's profile: a sender profile whose key is the domain.
#[derive(Debug, Serialize)]
pub struct DomainProfile {
    pub domain: String,
    #[serde(flatten)]
    pub profile: Profile,
}

#[derive(Debug, Serialize)]
pub struct Report {
    pub schema_version: u32,
    /// False when the scan was interrupted (SIGINT/SIGTERM): only the files
    /// listed in `items`/`errors` were read; the manifest lists only them.
    pub complete: bool,
    pub tool: Tool,
    pub scan: ScanInfo,
    pub summary: Summary,
    pub items: Items,
    pub findings: Vec<Finding>,
    pub errors: Vec<ItemError>,
    /// Fingerprints of senders with at least `--min-profile` messages.
    pub profiles: Vec<Profile>,
    /// The same per sending domain.
    pub domains: Vec<DomainProfile>,
    /// Tallies of document authors, editors, companies, software (docs/report-schema.md).
    pub documents: documents::DocumentsView,
    /// How the scan used its checkpoint journal (for stderr; not in the report).
    #[serde(skip)]
    pub checkpoint: Option<crate::checkpoint::Stats>,
}

/// The report's items: slim in memory, written in full (`checkpoint::spill`).
#[derive(Debug)]
pub struct Items {
    list: Vec<Item>,
    spill: Option<Spill>,
}

impl Items {
    pub fn new(list: Vec<Item>, spill: Option<Spill>) -> Self {
        Items { list, spill }
    }

    /// Calls `f` with every item in full, in order (slimmed ones read back).
    pub fn for_each_full<E>(
        &self,
        f: impl FnMut(&Item) -> Result<(), E>,
    ) -> Result<(), StreamError<E>> {
        for_each_full(self.spill.as_ref(), &self.list, f)
    }

    /// As `for_each_full`, with slimmed items as their journal text (`report::json`).
    pub fn for_each_text<E>(
        &self,
        f: impl FnMut(Form<'_>) -> Result<(), E>,
    ) -> Result<(), StreamError<E>> {
        for_each_text(self.spill.as_ref(), &self.list, f)
    }
}

impl std::ops::Deref for Items {
    type Target = [Item];

    fn deref(&self) -> &[Item] {
        &self.list
    }
}

impl Serialize for Items {
    /// Each item in full, read back from the journal when it was slimmed.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = s.serialize_seq(Some(self.list.len()))?;
        self.for_each_full(|item| seq.serialize_element(item))
            .map_err(StreamError::into_ser)?;
        seq.end()
    }
}

#[derive(Debug, Serialize)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

impl Tool {
    pub fn this() -> Self {
        Tool {
            name: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct ScanInfo {
    /// Absolute, canonical path of the dump.
    pub root: String,
    /// RFC 3339, UTC.
    pub started_at: String,
    pub finished_at: String,
    /// The command line, program name first.
    pub args: Vec<String>,
    pub threads: usize,
    /// SHA-256 of the manifest (manifest.sha256), fixing the inventory.
    pub manifest_sha256: String,
}

#[derive(Debug, Serialize)]
pub struct Summary {
    /// Regular files found (symlinks and special files are items but not files).
    pub files: u64,
    /// Bytes read from those files.
    pub bytes: u64,
    /// Items of kind `email`: standalone, inside mbox files, attached.
    pub emails: u64,
    /// Items of kind ooxml, odf, pdf or ole2.
    pub documents: u64,
    pub errors: u64,
    /// Every severity, zero included.
    pub findings_by_severity: BTreeMap<&'static str, u64>,
    /// Every registered check id, zero included.
    pub findings_by_check: BTreeMap<&'static str, u64>,
}

impl Report {
    /// `manifest.sha256`: `sha256sum -c` lines for every regular file read,
    /// from the items (the bytes `scan.manifest_sha256` hashes).
    pub fn write_manifest(&self, out: &mut (impl std::io::Write + ?Sized)) -> std::io::Result<()> {
        manifest::write_items(&self.items, out)
    }

    /// The highest severity among the findings.
    pub fn max_severity(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }

    /// report.json: the bytes `serde_json::to_writer_pretty(self)` and a
    /// newline give, with slimmed items copied from the journal (`json`).
    pub fn write_json(&self, w: &mut dyn Write) -> std::io::Result<()> {
        json::write(self, w)
    }

    /// One finding per line, in report order.
    pub fn write_jsonl(&self, w: &mut dyn Write) -> std::io::Result<()> {
        for finding in &self.findings {
            serde_json::to_writer(&mut *w, finding)?;
            w.write_all(b"\n")?;
        }
        Ok(())
    }
}
