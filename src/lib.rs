//! leakprov: tells investigators which parts of a leaked dump are genuine and which look planted.
//!
//! Crate map, in pipeline order:
//! - `walk`: lists the dump without following symlinks;
//! - `read`: opens each file read-only and streams it once through SHA-256, `sniff` and `parse`;
//! - `parse`: messages, mbox files, dates: bytes in, compact facts (`item`) out;
//! - `fingerprint`: the mail-client table (X-Mailer claims, Message-ID and boundary shapes);
//! - `checks`: the catalogue, one file per check id; item checks run in the workers,
//!   corpus checks after the walk over `corpus` indexes;
//! - `finding`, `error`: what the report holds besides items;
//! - `report`: JSON, JSON Lines, HTML and the sha256sum manifest;
//! - `checkpoint`: the journal of finished files that `--resume` continues from,
//!   where full items wait for the reports;
//! - `json_text`: journal JSON laid out for report.json and split into items,
//!   without parsing it;
//! - `config`, `progress`: options and the progress bar. `main`/`cli` are the only
//!   places that read arguments and decide exit codes.
#![forbid(unsafe_code)]

pub mod checkpoint;
pub mod checks;
pub mod cli;
pub mod config;
pub mod corpus;
pub mod digest;
pub mod dkim;
pub mod domain;
pub mod error;
pub mod finding;
pub mod fingerprint;
pub mod hash;
pub mod item;
pub mod json_text;
pub mod parse;
pub mod progress;
pub mod read;
pub mod report;
pub mod reread;
pub mod sniff;
pub mod verify;
pub mod walk;

use std::collections::BTreeMap;

use anyhow::{Context, Result};
use chrono::Utc;
use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::checks::{CHECKS, run_corpus_checks, run_item_checks};
use crate::config::Config;
use crate::corpus::Corpus;
use crate::finding::Severity;
use crate::item::ItemKind;
use crate::parse::date::rfc3339;
use crate::parse::email::hex;
use crate::progress::Progress;
use crate::report::{Report, SCHEMA_VERSION, ScanInfo, Summary, Tool};

/// Scans the dump at `cfg.root` and returns the full report. Writes nothing
/// but the checkpoint journal, when `cfg.checkpoint` asks for one.
///
/// Per-file problems become `errors` in the report; only a failure to set up
/// the scan (e.g. the thread pool, or a checkpoint that cannot be resumed) is an `Err`.
pub fn scan(cfg: &Config, progress: &Progress) -> Result<Report> {
    let started_at = Utc::now();
    let read_start = std::time::Instant::now();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(cfg.threads.max(1))
        .build()
        .context("cannot start the worker threads")?;
    let mut walk = pool.install(|| walk::walk(&cfg.root));
    progress::timing("walk", read_start);
    let total_bytes: u64 = walk.files.iter().map(|f| f.size).sum();
    // Every scan journals: the journal is where full items wait for the
    // report while the corpus passes work on slim ones (`checkpoint::spill`).
    let (mut journal, mut prior, mut checkpoint_stats) = match &cfg.checkpoint {
        Some(cp) => {
            let (journal, prior, stats) = checkpoint::Journal::open(cp, cfg)?;
            (Some(journal), prior, Some(stats))
        }
        None => (
            checkpoint::Journal::temporary(cfg),
            checkpoint::Prior::default(),
            None,
        ),
    };
    // Files an earlier run finished and that have not changed since: their
    // output comes from the journal, in walk order like the rest.
    // Only a resumed scan has them: a list of a million `None`s cost 24 MB.
    let journaled: Vec<Option<Vec<checkpoint::Segment>>> = if prior.is_empty() {
        Vec::new()
    } else {
        walk.files.iter().map(|f| prior.take(f)).collect()
    };
    let journaled = (!journaled.is_empty()).then(|| std::sync::Mutex::new(journaled));
    drop(prior);
    let stop_after = test_stop_after();
    let fresh = std::sync::atomic::AtomicU64::new(0);
    progress.start(walk.files.len() as u64, total_bytes);
    let files = chunked(std::mem::take(&mut walk.files));
    let file_count: usize = files.iter().map(|(_, chunk)| chunk.len()).sum();

    let on_bytes = |n: u64| progress.bytes_read(n);
    // Where slimmed items' MinHash signatures go (`Item::slim`).
    let signatures = journal.as_ref().and_then(checkpoint::Journal::signatures);
    // One list for every file's items, sized for one item a file, as most
    // files give: a million files fill it without moving it.
    let gathered = std::sync::Mutex::new(Gathered {
        items: Vec::with_capacity(file_count + walk.items.len()),
        ..Gathered::default()
    });
    pool.install(|| {
        // Owned entries, in chunks: each file's path is freed once the file
        // is done, and each chunk's entries once the chunk is, not when the
        // last file is (the items hold their own copies).
        files
            .into_par_iter()
            .flat_map(|(start, chunk)| {
                chunk
                    .into_par_iter()
                    .enumerate()
                    .map(move |(k, file)| (start + k, file))
            })
            .map(|(n, file)| {
                let file = &file;
                let journaled = journaled
                    .as_ref()
                    .and_then(|j| j.lock().unwrap_or_else(|e| e.into_inner())[n].take());
                // Read back from the journal now, not all at the start: a
                // resumed scan holds one file's facts at a time, as a fresh
                // one does. A line that cannot be read back as it was
                // written means the file is read again.
                let from_journal = journaled.and_then(|segments| {
                    let journal = journal.as_ref()?;
                    let mut output = checkpoint::FileOutput::default();
                    for at in segments {
                        let mut segment = journal.read_back(&at)?;
                        slim(&mut segment.0.items, at, signatures);
                        append(&mut output, segment);
                    }
                    Some(output)
                });
                if let Some(output) = from_journal {
                    progress.bytes_read(file.size);
                    progress.file_done();
                    return Some(output);
                }
                if cfg.stop.load(std::sync::atomic::Ordering::Relaxed) {
                    return None;
                }
                // A large mbox is journaled in parts as its batches are
                // parsed, and slimmed, so that its facts are never all in
                // memory at once; the last line holds the rest.
                let attempt = checkpoint::attempt_id();
                let mut parts = 0u32;
                // A panic while handling one file (a bug, or a third-party
                // parser tripping on hostile bytes) must not end the scan:
                // it becomes an error record for that file.
                let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    let mut done = checkpoint::FileOutput::default();
                    let mut flush = |out: &mut parse::Output| {
                        let Some(journal) = &journal else {
                            return;
                        };
                        let mut part = checked(std::mem::take(out), cfg);
                        if let Some(line) = journal.record_part(file, &part, attempt) {
                            slim(&mut part.0.items, line, signatures);
                            parts += 1;
                        }
                        append(&mut done, part);
                    };
                    let out = read::read_file_with(file, cfg, &on_bytes, &mut flush);
                    (done, checked(out, cfg))
                }));
                progress.file_done();
                let (done, mut last) = result.unwrap_or_else(|payload| {
                    let mut out = parse::Output::default();
                    out.errors.push(error::ItemError::new(
                        &file.path,
                        &item::Locator::root(),
                        format!(
                            "internal error while analysing this file (please report it): {}; the scan went on without it",
                            panic_message(&payload)
                        ),
                    ));
                    parts = 0;
                    (checkpoint::FileOutput::default(), (out, Vec::new()))
                });
                let line = journal.as_ref().and_then(|j| match parts {
                    0 => j.record(file, &last),
                    n => j.record_last(file, &last, attempt, n),
                });
                if let Some(line) = line {
                    slim(&mut last.0.items, line, signatures);
                }
                let mut output = done;
                append(&mut output, last);
                let done = fresh.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                if stop_after.is_some_and(|n| done >= n) {
                    cfg.stop.store(true, std::sync::atomic::Ordering::Relaxed);
                }
                Some(output)
            })
            .for_each(|output| {
                gathered
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .add(output)
            })
    });
    let gathered = gathered.into_inner().unwrap_or_else(|e| e.into_inner());
    let spill = journal.as_ref().and_then(checkpoint::Journal::spill);
    let signatures = journal
        .as_mut()
        .and_then(checkpoint::Journal::take_signatures);
    drop(journal);
    if let Some(stats) = &mut checkpoint_stats {
        stats.read = fresh.load(std::sync::atomic::Ordering::Relaxed);
        stats.reused = gathered.files - stats.read;
    }
    let complete = !gathered.incomplete;
    // How many files the report lists: those with an output, which is all
    // of them unless the scan was stopped. Only the count is kept: the
    // walk's list (a million files: about 100 MB) went file by file as the
    // workers took it; the manifest comes from the items.
    debug_assert!(!complete || gathered.files == file_count as u64);
    let files = gathered.files;
    // The walk's own items (links, special files) are few: they join the
    // workers' list, not the other way round.
    let Gathered {
        mut items,
        mut errors,
        mut findings,
        ..
    } = gathered;
    let mut walk_items = walk.items;
    items.append(&mut walk_items);
    errors.extend(walk.errors);
    // In place: a stable sort took a scratch copy of half the items (84 MB
    // at a million files). Keys are unique (a path, and a locator within its
    // file), so the order is the same.
    items.sort_unstable_by(|a, b| a.key().cmp(&b.key()));
    debug_assert!(items.windows(2).all(|w| w[0].key() < w[1].key()));

    progress::timing("read+parse", read_start);
    progress.phase("corpus checks");
    let source = corpus::DumpSource { cfg };
    let build_start = std::time::Instant::now();
    let corpus = pool.install(|| {
        Corpus::build_min(&mut items, &source, cfg.min_profile).with_signatures(signatures.as_ref())
    });
    progress::timing("corpus indexes", build_start);
    pool.install(|| run_corpus_checks(&corpus, cfg, &mut findings));
    let min = cfg.min_profile as u64;
    let profiles: Vec<_> = corpus
        .profiles
        .senders
        .values()
        .filter(|p| p.messages >= min)
        .cloned()
        .collect();
    let domains: Vec<_> = corpus
        .profiles
        .domains
        .values()
        .filter(|p| p.messages >= min)
        .map(|p| report::DomainProfile {
            domain: p.key.clone(),
            profile: p.clone(),
        })
        .collect();
    drop(corpus);
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    errors.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    errors.dedup();

    let report_start = std::time::Instant::now();
    // The manifest is hashed here and written by the caller, both from the
    // items (`Report::write_manifest`): never held whole.
    let mut manifest_hash = Sha256::new();
    report::manifest::write_items(&items, &mut manifest_hash)
        .context("cannot hash the manifest")?;
    let summary = summarise(files, &items, &findings, errors.len());
    let documents = report::documents::DocumentsView::build(&items);
    progress.finish();
    progress::timing("summary", report_start);
    Ok(Report {
        schema_version: SCHEMA_VERSION,
        complete,
        tool: Tool::this(),
        scan: ScanInfo {
            root: walk::escape_bytes(cfg.root.as_os_str().as_encoded_bytes()),
            started_at: rfc3339(&started_at),
            finished_at: rfc3339(&Utc::now()),
            args: cfg.args.clone(),
            threads: cfg.threads,
            manifest_sha256: hex(&manifest_hash.finalize()),
        },
        summary,
        items: report::Items::new(items, spill),
        findings,
        errors,
        profiles,
        domains,
        documents,
        checkpoint: checkpoint_stats,
    })
}

/// Files handed to the workers per chunk (`chunked`).
const WALK_CHUNK: usize = 1 << 14;

/// The walk's files in chunks of `WALK_CHUNK`, each with the index of its
/// first file. A chunk's entries are freed when its files are done: one
/// list held its 64 bytes a file (64 MB at a million files) until the last
/// file was read, when the items are all there too (the peak of a scan).
fn chunked(files: Vec<walk::FileEntry>) -> Vec<(usize, Vec<walk::FileEntry>)> {
    let mut chunks = Vec::with_capacity(files.len().div_ceil(WALK_CHUNK));
    let mut files = files.into_iter();
    let mut start = 0;
    loop {
        let chunk: Vec<walk::FileEntry> = files.by_ref().take(WALK_CHUNK).collect();
        if chunk.is_empty() {
            return chunks;
        }
        let len = chunk.len();
        chunks.push((start, chunk));
        start += len;
    }
}

/// The read files' items, errors and findings, each in one list that the
/// workers fill as files finish. A list of per-file outputs held until the
/// last file was read cost 72 bytes a file, plus each file's own item list,
/// while the final list was filled (at a million files, the peak of a scan).
/// Per-worker lists joined at the end were worse: each grew by doubling and
/// left its old buffers to the allocator.
#[derive(Default)]
struct Gathered {
    items: Vec<item::Item>,
    errors: Vec<error::ItemError>,
    findings: Vec<finding::Finding>,
    /// Files with an output: read now, or taken from the journal.
    files: u64,
    /// Some file was not read: the scan was stopped.
    incomplete: bool,
}

impl Gathered {
    fn add(&mut self, output: Option<checkpoint::FileOutput>) {
        match output {
            Some((mut out, mut findings)) => {
                // A huge mbox's items would be copied whole into a grown
                // list, both held at once: when they do not fit, the longer
                // list is kept and the shorter appended (items are sorted by
                // their unique key afterwards, so the order does not matter).
                let spare = self.items.capacity() - self.items.len();
                if out.items.len() > spare && out.items.len() > self.items.len() {
                    std::mem::swap(&mut self.items, &mut out.items);
                }
                self.items.append(&mut out.items);
                self.errors.append(&mut out.errors);
                self.findings.append(&mut findings);
                self.files += 1;
            }
            None => self.incomplete = true,
        }
    }
}

/// Runs the item checks on a file's items (or a part of them), and puts the
/// items in report order: journaled so, the report streams them back one at a
/// time (`checkpoint::spill`).
fn checked(mut out: parse::Output, cfg: &Config) -> checkpoint::FileOutput {
    let mut findings = Vec::new();
    if out.items.len() >= PARALLEL_ITEMS {
        // A batch of an mbox: its thread would check it alone while the
        // other cores wait for its next batch. Findings keep item order.
        let parts: Vec<Vec<finding::Finding>> = out
            .items
            .par_iter()
            .with_min_len(PARALLEL_ITEMS / 4)
            .map(|item| {
                let mut found = Vec::new();
                run_item_checks(item, cfg, &mut found);
                found
            })
            .collect();
        findings = parts.into_iter().flatten().collect();
    } else {
        for item in &out.items {
            run_item_checks(item, cfg, &mut findings);
        }
    }
    out.items.sort_by(|a, b| a.key().cmp(&b.key()));
    (out, findings)
}

/// A file's output with at least this many items (a batch of an mbox, an
/// archive) is checked, and journaled, on every core.
pub(crate) const PARALLEL_ITEMS: usize = 64;

fn append(to: &mut checkpoint::FileOutput, mut from: checkpoint::FileOutput) {
    to.0.items.append(&mut from.0.items);
    to.0.errors.append(&mut from.0.errors);
    to.1.append(&mut from.1);
}

/// Slims a file's items once they are journaled (`Item::slim`), each
/// pointing at its bytes in the journal.
fn slim(
    items: &mut [item::Item],
    at: checkpoint::spill::Recorded,
    signatures: Option<&checkpoint::signatures::Signatures>,
) {
    for (item, span) in items.iter_mut().zip(at.items) {
        // An item that cannot be referred to stays whole.
        if let Some(at) = checkpoint::spill::SpillRef::new(at.line, span) {
            item.slim(at, signatures);
        }
    }
}

/// Test hook, debug builds only: `LEAKPROV_TEST_STOP_AFTER=N` stops the scan
/// as a first Ctrl-C would, once N files have been read (tests/resume.rs).
fn test_stop_after() -> Option<u64> {
    if !cfg!(debug_assertions) {
        return None;
    }
    std::env::var("LEAKPROV_TEST_STOP_AFTER").ok()?.parse().ok()
}

fn panic_message(payload: &Box<dyn std::any::Any + Send>) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string())
}

fn summarise(
    files: u64,
    items: &[item::Item],
    findings: &[finding::Finding],
    errors: usize,
) -> Summary {
    let mut by_severity: BTreeMap<&'static str, u64> =
        Severity::ALL.iter().map(|s| (s.as_str(), 0)).collect();
    let mut by_check: BTreeMap<&'static str, u64> = CHECKS.iter().map(|c| (c.meta.id, 0)).collect();
    for f in findings {
        *by_severity.entry(f.severity.as_str()).or_default() += 1;
        *by_check.entry(f.check).or_default() += 1;
    }
    Summary {
        files,
        bytes: items
            .iter()
            .filter(|i| i.locator.is_root() && i.sha256.is_some())
            .map(|i| i.size)
            .sum(),
        emails: items.iter().filter(|i| i.kind == ItemKind::Email).count() as u64,
        documents: items.iter().filter(|i| i.kind.is_document()).count() as u64,
        errors: errors as u64,
        findings_by_severity: by_severity,
        findings_by_check: by_check,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file with many items (a batch of an mbox) is checked on the pool:
    /// the same findings, in the same order, as checking item by item.
    #[test]
    fn many_items_are_checked_on_the_pool_with_findings_in_order() {
        use crate::checks::test_support::email_item_at;
        let cfg = Config::new(std::path::PathBuf::from("/dump"));
        let mut out = parse::Output::default();
        for i in 0..PARALLEL_ITEMS * 2 + 3 {
            // Every third Date names the wrong weekday; every fifth has no From.
            let day = if i % 3 == 0 { "Mon" } else { "Tue" };
            let from = if i % 5 == 0 {
                ""
            } else {
                "From: a@example.org\n"
            };
            let raw = format!(
                "{from}To: b@example.org\nSubject: n{i}\nDate: {day}, 2 May 2017 09:{:02}:00 +0200\nMessage-ID: <m{i}@example.org>\n\nhello\n",
                i % 60
            );
            out.items
                .push(email_item_at(&format!("mail/{i:04}.eml"), &raw));
        }
        let mut one_by_one = Vec::new();
        for item in &out.items {
            run_item_checks(item, &cfg, &mut one_by_one);
        }
        let key = |f: &finding::Finding| (f.check.to_string(), f.path.clone(), f.message.clone());
        let (_, pooled) = checked(out, &cfg);
        assert!(
            one_by_one.len() > PARALLEL_ITEMS / 2,
            "{}",
            one_by_one.len()
        );
        assert_eq!(
            pooled.iter().map(key).collect::<Vec<_>>(),
            one_by_one.iter().map(key).collect::<Vec<_>>()
        );
    }

    /// A file with more items than the gathered list has room for (a huge
    /// mbox) is not copied: its list is kept and the others are appended.
    #[test]
    fn a_huge_files_items_are_kept_in_place_when_gathered() {
        let output = |n: usize, name: &str| {
            let mut out = parse::Output::default();
            for i in 0..n {
                out.items.push(item::Item::new(
                    format!("{name}{i}"),
                    item::Locator::root(),
                    ItemKind::Text,
                ));
            }
            Some((out, Vec::new()))
        };
        let mut gathered = Gathered::default();
        gathered.items.reserve_exact(4);
        gathered.add(output(3, "small"));
        let huge = output(1000, "huge");
        let buffer = huge.as_ref().unwrap().0.items.as_ptr();
        gathered.add(huge);
        assert_eq!(gathered.items.as_ptr(), buffer, "the huge list was copied");
        gathered.add(output(2, "late"));
        assert_eq!(gathered.items.len(), 1005);
        assert_eq!(gathered.files, 3);
        let mut names: Vec<&str> = gathered.items.iter().map(|i| &*i.path).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), 1005);
        // Files that fit in the room reserved are appended, never swapped in.
        let mut roomy = Gathered::default();
        roomy.items.reserve_exact(100);
        let reserved = roomy.items.as_ptr();
        roomy.add(output(1, "a"));
        roomy.add(output(50, "b"));
        assert_eq!(roomy.items.as_ptr(), reserved);
    }

    #[test]
    fn chunks_cover_the_files_in_order_with_their_first_index() {
        let file =
            |n: usize| walk::FileEntry::new(format!("f{n}"), format!("f{n}").as_bytes(), 0, 0, 0);
        for count in [0, 1, WALK_CHUNK, WALK_CHUNK + 1, 2 * WALK_CHUNK + 7] {
            let chunks = chunked((0..count).map(file).collect());
            assert_eq!(chunks.len(), count.div_ceil(WALK_CHUNK));
            let mut next = 0;
            for (start, chunk) in &chunks {
                assert_eq!(*start, next);
                assert!(!chunk.is_empty() && chunk.len() <= WALK_CHUNK);
                for (k, f) in chunk.iter().enumerate() {
                    assert_eq!(f.path, format!("f{}", start + k));
                }
                next += chunk.len();
            }
            assert_eq!(next, count);
        }
    }
}
