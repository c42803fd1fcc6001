//! Archives (zip, tar, tar.gz, gzip): every member becomes an item, hashed and analysed like a file.
//!
//! Leaks are often published as archives, and forgers hide a planted file
//! among genuine ones. Members get the locator part `zip:NAME` (for tar and
//! gzip members too), their own SHA-256, sniffed kind, document facts;
//! messages and mbox files inside are parsed; nested archives recurse up to
//! `max_archive_depth`. All decompression goes through `bounded`.

use std::collections::BTreeSet;
use std::io::{Cursor, Read};

use std::cell::Cell;
use std::rc::Rc;

use flate2::CrcReader;
use flate2::read::{DeflateDecoder, MultiGzDecoder};
use zip::CompressionMethod;

use crate::config::Config;
use crate::error::ItemError;
use crate::item::{Item, ItemKind, Locator, LocatorPart};
use crate::parse::Output;
pub use crate::parse::bounded::Budget;
use crate::parse::bounded::{Counting, Member, RatioReader, open_zip, read_member};
use crate::parse::document::{ArchiveFacts, DocumentFacts, analyse_in, is_analysed};
use crate::parse::email::{At, Source, parse_email};
use crate::parse::mbox::MboxSplitter;
use crate::sniff::{SNIFF_LEN, sniff};

/// Whether a zip is in fact an office document (its tell-tale member need not come first).
pub fn office_kind(bytes: &[u8]) -> Option<ItemKind> {
    let archive = open_zip(bytes, &crate::config::DocLimits::default()).ok()?;
    let names: BTreeSet<&str> = archive.file_names().collect();
    if names.contains("[Content_Types].xml") {
        Some(ItemKind::Ooxml)
    } else if names.contains("mimetype") && names.contains("meta.xml") {
        Some(ItemKind::Odf)
    } else {
        None
    }
}

/// Expands one archive held in memory; members go to `out`.
pub fn expand(
    bytes: &[u8],
    kind: ItemKind,
    path: &str,
    locator: &Locator,
    cfg: &Config,
    budget: &mut Budget,
    out: &mut Output,
) -> Result<DocumentFacts, String> {
    let mut members = Members {
        path,
        locator,
        cfg,
        seen: BTreeSet::new(),
        facts: ArchiveFacts::default(),
    };
    let format = match kind {
        ItemKind::Zip => {
            expand_zip(bytes, &mut members, budget, out)?;
            "zip"
        }
        ItemKind::Tar => {
            expand_tar(Cursor::new(bytes), &mut members, budget, out)?;
            "tar"
        }
        _ => {
            expand_gzip(bytes, &mut members, budget, out)?;
            "gzip"
        }
    };
    let mut facts = DocumentFacts::new(format);
    facts.archive = Some(members.facts);
    Ok(facts)
}

/// The members of one container being recorded.
struct Members<'a> {
    path: &'a str,
    locator: &'a Locator,
    cfg: &'a Config,
    seen: BTreeSet<String>,
    facts: ArchiveFacts,
}

impl Members<'_> {
    /// Counts an entry; `false` (with an error recorded) when a container limit is reached.
    fn admit(&mut self, budget: &mut Budget, out: &mut Output) -> bool {
        self.facts.entries += 1;
        match budget.take_entry().and_then(|()| budget.check_time()) {
            Ok(()) => true,
            Err(e) => {
                out.errors.push(ItemError::new(self.path, self.locator, e));
                false
            }
        }
    }

    /// Records one member read from the archive, then analyses it.
    fn record(&mut self, name: String, member: Member, budget: &mut Budget, out: &mut Output) {
        let name = if name.is_empty() {
            "(unnamed)".to_string()
        } else {
            name
        };
        let locator = self.locator.child(LocatorPart::Archive(name.clone()));
        if !self.seen.insert(name.clone()) {
            // Two members with one name would share a locator; the later one is
            // what most tools extract, so say so rather than guess.
            out.errors.push(ItemError::new(
                self.path,
                self.locator,
                format!("member name {name:?} occurs more than once: only the first is recorded"),
            ));
            return;
        }
        self.facts.members += 1;
        let kind = if member.head.is_empty() && member.error.is_none() {
            ItemKind::Empty
        } else {
            sniff(&member.head)
        };
        let mut item = Item::new(self.path.to_string(), locator.clone(), kind);
        item.size = member.size;
        item.sha256 = member.sha256;
        if let Some(e) = member.error {
            out.errors.push(ItemError::new(self.path, &locator, e));
        }
        match member.bytes {
            Some(bytes) => self.analyse(&mut item, &bytes, budget, out),
            None if item.sha256.is_some()
                && (is_analysed(kind) || matches!(kind, ItemKind::Email | ItemKind::Mbox)) =>
            {
                out.errors.push(ItemError::new(
                    self.path,
                    &locator,
                    format!(
                        "member larger than {} bytes: hashed, metadata not read",
                        self.cfg.limits.documents.max_document_bytes
                    ),
                ));
            }
            None => {}
        }
        out.items.push(item);
    }

    fn analyse(&self, item: &mut Item, bytes: &[u8], budget: &mut Budget, out: &mut Output) {
        let (path, cfg) = (self.path, self.cfg);
        match item.kind {
            ItemKind::Email => {
                let at = At {
                    path,
                    locator: &item.locator,
                    source: Source::Archive,
                    truncated: false,
                };
                item.email = parse_email(bytes, at, cfg, out).map(Box::new);
                if item.email.is_none() {
                    out.errors.push(ItemError::new(
                        path,
                        &item.locator,
                        "no message header could be parsed",
                    ));
                }
            }
            ItemKind::Mbox => mbox_messages(bytes, path, &item.locator, cfg, out),
            kind if is_analysed(kind) => {
                item.document =
                    analyse_in(bytes, kind, path, &item.locator, cfg, budget, out).map(Box::new);
            }
            _ => {}
        }
    }
}

fn expand_zip(
    bytes: &[u8],
    members: &mut Members<'_>,
    budget: &mut Budget,
    out: &mut Output,
) -> Result<(), String> {
    let limits = &members.cfg.limits.documents;
    let mut archive = open_zip(bytes, limits)?;
    for i in 0..archive.len() {
        if !members.admit(budget, out) {
            break;
        }
        let listed_name = archive
            .name_for_index(i)
            .map(str::to_string)
            .unwrap_or_else(|| format!("(entry {})", i + 1));
        // The raw (compressed) member is inflated here, not by the zip crate, so
        // the ratio is checked against the compressed bytes actually consumed.
        let raw = match archive.by_index_raw(i) {
            Ok(f) => f,
            Err(e) => {
                let member = Member {
                    error: Some(format!("cannot read member: {e}")),
                    ..Member::default()
                };
                members.record(listed_name, member, budget, out);
                continue;
            }
        };
        if raw.is_dir() {
            continue;
        }
        let name = raw.name().to_string();
        let (method, crc, encrypted) = (raw.compression(), raw.crc32(), raw.encrypted());
        let consumed = Rc::new(Cell::new(0u64));
        let counting = Counting {
            inner: raw,
            count: consumed.clone(),
        };
        let so_far = || consumed.get();
        let mut member = match method {
            _ if encrypted => Member {
                error: Some("encrypted member: not read".into()),
                ..Member::default()
            },
            CompressionMethod::Stored => {
                let mut r = CrcReader::new(counting);
                let m = read_member(&mut r, Some(&so_far), budget);
                crc_check(m, r.crc().sum(), crc)
            }
            CompressionMethod::Deflated => {
                let mut r = CrcReader::new(DeflateDecoder::new(counting));
                let m = read_member(&mut r, Some(&so_far), budget);
                crc_check(m, r.crc().sum(), crc)
            }
            other => Member {
                error: Some(format!(
                    "compression method {other:?} not supported: not read"
                )),
                ..Member::default()
            },
        };
        if member.sha256.is_none() && member.error.is_none() {
            member.error = Some("not read".into());
        }
        members.record(name, member, budget, out);
    }
    Ok(())
}

/// A member whose data does not match its recorded CRC-32 was altered or damaged.
fn crc_check(mut member: Member, actual: u32, recorded: u32) -> Member {
    if member.error.is_none() && actual != recorded {
        member.error = Some(format!(
            "CRC-32 mismatch (recorded {recorded:08x}, data {actual:08x}): the member was altered or damaged after it was zipped"
        ));
        // The hash is still that of the bytes present; they are analysed as they are.
        return member;
    }
    member
}

fn expand_tar<R: Read>(
    reader: R,
    members: &mut Members<'_>,
    budget: &mut Budget,
    out: &mut Output,
) -> Result<(), String> {
    let mut archive = tar::Archive::new(reader);
    let entries = archive
        .entries()
        .map_err(|e| format!("not a readable tar: {e}"))?;
    for entry in entries {
        if !members.admit(budget, out) {
            break;
        }
        let mut entry = match entry {
            Ok(e) => e,
            Err(e) if members.facts.entries == 1 => return Err(format!("not a readable tar: {e}")),
            Err(e) => {
                out.errors.push(ItemError::new(
                    members.path,
                    members.locator,
                    format!("tar entry unreadable, the rest is not read: {e}"),
                ));
                break;
            }
        };
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let member = read_member(&mut entry, None, budget);
        members.record(name, member, budget, out);
    }
    if members.facts.entries == 0 {
        return Err("not a readable tar: no entry".into());
    }
    Ok(())
}

fn expand_gzip(
    bytes: &[u8],
    members: &mut Members<'_>,
    budget: &mut Budget,
    out: &mut Output,
) -> Result<(), String> {
    let limits = &members.cfg.limits.documents;
    let decoder = MultiGzDecoder::new(bytes);
    let name = decoder
        .header()
        .and_then(|h| h.filename())
        .map(|n| String::from_utf8_lossy(n).into_owned());
    let mut stream = RatioReader::new(decoder, bytes.len() as u64, limits);
    let mut head = Vec::with_capacity(SNIFF_LEN);
    (&mut stream)
        .take(SNIFF_LEN as u64)
        .read_to_end(&mut head)
        .map_err(|e| format!("not a readable gzip stream: {e}"))?;
    let rest = Cursor::new(head.clone()).chain(stream);
    if sniff(&head) == ItemKind::Tar {
        return expand_tar(rest, members, budget, out);
    }
    // A single compressed file: its name from the gzip header, or the
    // container's name without its suffix.
    let name = name.unwrap_or_else(|| {
        let file = members.path.rsplit('/').next().unwrap_or(members.path);
        file.strip_suffix(".gz")
            .or_else(|| file.strip_suffix(".GZ"))
            .unwrap_or(file)
            .to_string()
    });
    if members.admit(budget, out) {
        let mut rest = rest;
        let member = read_member(&mut rest, None, budget);
        members.record(name, member, budget, out);
    }
    Ok(())
}

/// The messages of an mbox found inside an archive.
fn mbox_messages(bytes: &[u8], path: &str, locator: &Locator, cfg: &Config, out: &mut Output) {
    let mut messages = Vec::new();
    let mut splitter = MboxSplitter::new(cfg.limits.max_message_bytes);
    splitter.feed(bytes, &mut |m| messages.push(m));
    splitter.finish(&mut |m| messages.push(m));
    for m in messages {
        let child = locator.child(LocatorPart::Mbox(m.index));
        let mut item = Item::new(path.to_string(), child.clone(), ItemKind::Email);
        item.size = m.size;
        item.offset = Some(m.offset);
        item.sha256 = Some(crate::digest::Digest(m.sha256()));
        let at = At {
            path,
            locator: &child,
            source: Source::Mbox,
            truncated: m.truncated,
        };
        item.email = parse_email(&m.bytes, at, cfg, out).map(Box::new);
        out.items.push(item);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zip_with(name: &str, body: &[u8], method: zip::CompressionMethod) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default().compression_method(method);
        zip.start_file(name, opts).unwrap();
        zip.write_all(body).unwrap();
        zip.finish().unwrap().into_inner()
    }

    fn expand_all(bytes: &[u8], cfg: &Config) -> Output {
        let mut out = Output::default();
        let mut budget = Budget::new(&cfg.limits.documents);
        let _ = expand(
            bytes,
            ItemKind::Zip,
            "a.zip",
            &Locator::root(),
            cfg,
            &mut budget,
            &mut out,
        );
        out
    }

    #[test]
    fn a_bomb_stops_near_the_ratio_floor() {
        let bomb = zip_with(
            "zeros",
            &vec![0u8; 64 << 20],
            zip::CompressionMethod::Deflated,
        );
        let out = expand_all(&bomb, &Config::new(".".into()));
        assert!(
            out.errors[0].error.contains("compression ratio"),
            "{:?}",
            out.errors
        );
        assert_eq!(out.errors[0].locator.to_string(), "zip:zeros");
        // Stopped within a few MiB, long before the 64 MiB.
        assert!(out.items[0].size < 8 << 20, "{}", out.items[0].size);
        assert_eq!(out.items[0].sha256, None);
    }

    #[test]
    fn a_crc_mismatch_is_recorded_and_the_member_still_hashed() {
        let mut zip = zip_with("a.txt", b"hello world", zip::CompressionMethod::Stored);
        let at = zip.windows(11).position(|w| w == b"hello world").unwrap();
        zip[at] = b'j';
        let out = expand_all(&zip, &Config::new(".".into()));
        assert!(
            out.errors[0].error.contains("CRC-32 mismatch"),
            "{:?}",
            out.errors
        );
        assert!(out.items[0].sha256.is_some());
    }

    #[test]
    fn the_entry_limit_is_enforced_before_indexing() {
        let mut cfg = Config::new(".".into());
        cfg.limits.documents.max_entries = 2;
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for i in 0..3 {
            zip.start_file(format!("{i}.txt"), zip::write::SimpleFileOptions::default())
                .unwrap();
        }
        let bytes = zip.finish().unwrap().into_inner();
        // The entry count is refused up front.
        let out = expand_all(&bytes, &cfg);
        assert!(out.items.is_empty());
        let mut out = Output::default();
        let facts = analyse_in(
            &bytes,
            ItemKind::Zip,
            "a.zip",
            &Locator::root(),
            &cfg,
            &mut Budget::new(&cfg.limits.documents),
            &mut out,
        );
        assert!(facts.is_none());
        assert!(
            out.errors[0].error.contains("3 entries"),
            "{:?}",
            out.errors
        );
    }
}
