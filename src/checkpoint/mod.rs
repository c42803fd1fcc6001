//! The checkpoint journal: what each finished file yielded, so that an interrupted scan resumes without reading it again.
//!
//! `OUT/checkpoint/journal.jsonl` is JSON Lines. The first line is a header:
//! format, leakprov version, dump root, and the settings that change what a
//! file yields (limits, `--dkim-keys`, the time tolerances). Each further line
//! is one file a worker finished: its path, size, mtime and ctime as the walk
//! saw them, and its items, errors and item-check findings, with the facts the
//! report leaves out (see `fields`). A line is written with one `write(2)` as
//! soon as its file is done, so a killed process loses at most the files in
//! flight; a torn or damaged line is ignored on resume, and a torn last line is
//! cut off before new lines are appended. Nothing corpus-level is journaled:
//! indexes, corpus checks, profiles and the manifest are recomputed over all
//! items, exactly as in an uninterrupted scan.
//!
//! On resume a file is taken from the journal only when its size, mtime and
//! ctime still match and its earlier reading produced its item (a file that
//! could not be opened or read is tried again); every other file is read.
//!
//! The journal is also where the full items wait for the report (see
//! `spill`): a scan without a checkpoint folder journals to an unnamed
//! temporary file for that alone.

pub mod fields;
pub mod signatures;
pub mod spill;

use std::collections::{BTreeMap, HashMap};
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::config::{Checkpoint, Config};
use crate::error::ItemError;
use crate::finding::Finding;
use crate::item::Item;
use crate::parse::Output;
use crate::parse::email::hex;
use crate::walk::{FileEntry, escape_bytes};

/// The journal's folder inside the output folder.
pub const DIR: &str = "checkpoint";
/// The journal's file name inside `DIR`.
pub const FILE: &str = "journal.jsonl";
/// Version of the journal's layout; a journal of another layout is refused.
/// 2: a large mbox is journaled in parts (`Journal::record_part`).
/// 3: journal-only facts are keyed with a leading `~` (`fields::journal_only`);
/// read as format 2, they would be silently missing from resumed items.
const FORMAT: u32 = 3;

/// What one file yielded in a worker: its items and errors, and the findings of the item checks.
pub type FileOutput = (Output, Vec<Finding>);

/// The first line of a journal.
#[derive(Debug, Serialize, Deserialize, PartialEq)]
struct Header {
    leakprov_checkpoint: u32,
    version: String,
    root: String,
    /// Each setting that changes what a file yields, as text.
    settings: BTreeMap<String, String>,
}

impl Header {
    fn of(cfg: &Config) -> Header {
        let t = &cfg.tolerances;
        let in_unit = |secs: i64, unit: i64| {
            if secs % unit == 0 {
                (secs / unit).to_string()
            } else {
                format!("{secs} s")
            }
        };
        let dkim_keys = match &cfg.dkim_keys {
            None => "none".to_string(),
            // The store's Debug form lists every (selector, domain) and key in order.
            Some(store) => format!(
                "{} keys, sha256 {}",
                store.len(),
                hex(&Sha256::digest(format!("{store:?}")))
            ),
        };
        let settings = [
            ("--date-ahead-minutes", in_unit(t.date_ahead, 60)),
            ("--date-behind-hours", in_unit(t.date_behind, 3600)),
            ("--hop-skew-minutes", in_unit(t.hop_backstep, 60)),
            ("--reply-skew-minutes", in_unit(t.reply_before_parent, 60)),
            ("--dkim-keys", dkim_keys),
            ("limits", format!("{:?}", cfg.limits)),
        ];
        Header {
            leakprov_checkpoint: FORMAT,
            version: env!("CARGO_PKG_VERSION").to_string(),
            root: escape_bytes(cfg.root.as_os_str().as_encoded_bytes()),
            settings: settings
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        }
    }

    /// What differs between the journal's header (`self`) and this scan's, in words.
    fn differences(&self, now: &Header) -> Vec<String> {
        let mut out = Vec::new();
        if self.leakprov_checkpoint != now.leakprov_checkpoint || self.version != now.version {
            out.push(format!(
                "it was written by leakprov {} (journal format {}), this is leakprov {}",
                self.version, self.leakprov_checkpoint, now.version
            ));
        }
        if self.root != now.root {
            out.push(format!(
                "it is the checkpoint of the dump {}, not of {}",
                self.root, now.root
            ));
        }
        let none = String::from("(unset)");
        for (key, value) in &now.settings {
            let then = self.settings.get(key).unwrap_or(&none);
            if then != value {
                out.push(format!("{key} was {then}, is now {value}"));
            }
        }
        out
    }
}

/// One journal line, as written.
#[derive(Serialize)]
struct EntryRef<'a> {
    path: &'a str,
    size: u64,
    mtime_ns: i64,
    ctime_ns: i64,
    /// A file journaled in parts: the reading these parts belong to.
    #[serde(skip_serializing_if = "Option::is_none")]
    attempt: Option<u64>,
    /// This line is a part, and the file's last line follows.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    part: bool,
    /// On the last line of a file journaled in parts: how many parts came before.
    #[serde(skip_serializing_if = "is_zero")]
    parts: u32,
    items: ItemsAt<'a>,
    errors: &'a [ItemError],
    findings: &'a [Finding],
}

/// A line's items, serialised while noting where each one's JSON is
/// (`spill::Recorded`): the report writers read those bytes back.
struct ItemsAt<'a> {
    items: &'a [Item],
    /// The items' JSON, when serialised beforehand on every core (`record_line`).
    texts: Option<&'a [Box<serde_json::value::RawValue>]>,
    /// How many bytes of the line are written (`Tally`).
    written: &'a std::cell::Cell<usize>,
    spans: &'a std::cell::RefCell<Vec<(usize, usize)>>,
}

impl Serialize for ItemsAt<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = s.serialize_seq(Some(self.items.len()))?;
        for (i, item) in self.items.iter().enumerate() {
            // The compact printer writes a comma before every item but the first.
            let start = self.written.get() + usize::from(i > 0);
            match self.texts.and_then(|t| t.get(i)) {
                Some(text) => seq.serialize_element(text)?,
                None => seq.serialize_element(item)?,
            }
            self.spans.borrow_mut().push((start, self.written.get()));
        }
        seq.end()
    }
}

/// A writer that counts what it appends to a line.
struct Tally<'a> {
    line: &'a mut Vec<u8>,
    written: &'a std::cell::Cell<usize>,
}

impl Write for Tally<'_> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.line.extend_from_slice(bytes);
        self.written.set(self.line.len());
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Where each item is in a journal line an earlier run wrote
/// (`json_text::item_spans`); empty when the line cannot be read so (its
/// items then stay whole in memory).
fn spans_of(line: &[u8]) -> Vec<(u32, u32)> {
    let spans = crate::json_text::item_spans(line).unwrap_or_default();
    spans
        .into_iter()
        .map(|(start, len)| Some((u32::try_from(start).ok()?, u32::try_from(len).ok()?)))
        .collect::<Option<Vec<_>>>()
        .unwrap_or_default()
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// A random id for one reading of one file journaled in parts, so that parts
/// left by a killed run are never joined to a later reading's last line.
pub fn attempt_id() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    h.finish()
}

/// One journal line, as read back.
#[derive(Deserialize)]
struct Entry {
    /// Where the line is in the journal (not in the line itself).
    #[serde(skip)]
    line: spill::Line,
    path: String,
    size: u64,
    mtime_ns: i64,
    ctime_ns: i64,
    #[serde(default)]
    attempt: Option<u64>,
    #[serde(default)]
    part: bool,
    #[serde(default)]
    parts: u32,
    items: Vec<Item>,
    errors: Vec<ItemError>,
    findings: Vec<Finding>,
}

/// Where one journal line of a file is, and its items in it: the line is
/// read back when the file's turn comes (`Journal::read_back`).
pub type Segment = spill::Recorded;

/// One journal line an earlier run wrote, without its items: what `Prior`
/// keeps of it. The items are read again from the line when the file's turn
/// comes; holding them all from the start, a resumed scan held every fact of
/// every file it took from the journal (450 MB for a 1 GB dump).
struct Held {
    at: spill::Recorded,
    size: u64,
    mtime_ns: i64,
    ctime_ns: i64,
    attempt: Option<u64>,
    parts: u32,
    /// The line holds the file's own item (the file was read then).
    has_root: bool,
}

impl Held {
    fn of(entry: Entry, line: &[u8]) -> Held {
        let has_root = entry
            .items
            .iter()
            .any(|i| *i.path == *entry.path && i.locator.is_root());
        Held {
            at: spill::Recorded {
                line: entry.line,
                items: spans_of(line),
            },
            size: entry.size,
            mtime_ns: entry.mtime_ns,
            ctime_ns: entry.ctime_ns,
            attempt: entry.attempt,
            parts: entry.parts,
            has_root,
        }
    }
}

/// What an earlier run journaled, by path (the last complete recording of a
/// path wins): where its lines are, parts first.
#[derive(Default)]
pub struct Prior {
    entries: HashMap<String, Vec<Held>>,
}

impl Prior {
    /// Where the journaled output of `file` is, if the journal holds it, the
    /// file is unchanged since (size, mtime, ctime), and its item was read
    /// then: its lines, to be read back with `Journal::read_back`.
    pub fn take(&mut self, file: &FileEntry) -> Option<Vec<Segment>> {
        let entries = self.entries.remove(&file.path)?;
        let last = entries.last()?;
        let unchanged = last.size == file.size
            && last.mtime_ns == file.mtime_ns
            && last.ctime_ns == file.ctime_ns
            // 0: the walk could not stat the file; nothing to compare.
            && file.ctime_ns != 0;
        let was_read = entries.iter().any(|e| e.has_root);
        if !(unchanged && was_read) {
            return None;
        }
        Some(entries.into_iter().map(|e| e.at).collect())
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// How a scan used its checkpoint, for the message on stderr.
#[derive(Debug, Clone, Default)]
pub struct Stats {
    /// The journal file.
    pub journal: PathBuf,
    /// `--resume` was asked for.
    pub resume: bool,
    /// A journal was found and taken up (false: the scan started from the beginning).
    pub resumed: bool,
    /// Files taken from the journal without reading them.
    pub reused: u64,
    /// Files read in this run.
    pub read: u64,
    /// Journal lines that were torn or damaged, and ignored.
    pub damaged_lines: u64,
}

/// The journal being written.
pub struct Journal {
    path: PathBuf,
    /// The file and the length of its whole lines (where the next line
    /// starts); `None` once a write failed: the scan goes on without a journal.
    file: Mutex<Option<(File, u64)>>,
    /// A read-only handle on the same file, for `spill`.
    reader: Option<File>,
    /// Where slim items' MinHash signatures wait (`signatures`), beside the file.
    signatures: Option<signatures::Signatures>,
}

thread_local! {
    /// One line buffer per worker thread, reused from file to file.
    static LINE: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

impl Journal {
    /// Opens the journal of `cp`: with `cp.resume`, takes up the journal found
    /// there (refusing one written for another dump or with other settings);
    /// otherwise, or when there is none, starts a new one.
    pub fn open(cp: &Checkpoint, cfg: &Config) -> Result<(Journal, Prior, Stats)> {
        let path = cp.dir.join(FILE);
        let header = Header::of(cfg);
        let mut stats = Stats {
            journal: path.clone(),
            resume: cp.resume,
            ..Stats::default()
        };
        if cp.resume
            && let Some((prior, keep, damaged)) = load(&path, &header)?
        {
            let file = OpenOptions::new()
                .append(true)
                .open(&path)
                .and_then(|f| f.set_len(keep).map(|()| f))
                .with_context(|| format!("cannot reopen the checkpoint {}", path.display()))?;
            stats.resumed = true;
            stats.damaged_lines = damaged;
            let reader = File::open(&path).ok();
            let journal = Journal {
                path,
                file: Mutex::new(Some((file, keep))),
                reader,
                signatures: signatures::Signatures::in_dir(&cp.dir),
            };
            return Ok((journal, prior, stats));
        }
        std::fs::create_dir_all(&cp.dir)
            .with_context(|| format!("cannot create the checkpoint folder {}", cp.dir.display()))?;
        let mut line = serde_json::to_vec(&header)?;
        line.push(b'\n');
        let file = File::create(&path)
            .and_then(|mut f| f.write_all(&line).map(|()| f))
            .with_context(|| format!("cannot write the checkpoint {}", path.display()))?;
        let reader = File::open(&path).ok();
        let journal = Journal {
            path,
            file: Mutex::new(Some((file, line.len() as u64))),
            reader,
            signatures: signatures::Signatures::in_dir(&cp.dir),
        };
        Ok((journal, Prior::default(), stats))
    }

    /// A journal that only holds items for the report (`spill`), in an
    /// unnamed temporary file that disappears with the process: for scans
    /// without a checkpoint folder. `None` when no temporary file can be made,
    /// or when the temporary folder lies inside the dump (nothing is ever
    /// written there): the items then stay in memory.
    pub fn temporary(cfg: &Config) -> Option<Journal> {
        let tmp = std::env::temp_dir();
        let inside_dump = match (tmp.canonicalize(), cfg.root.canonicalize()) {
            (Ok(tmp), Ok(root)) => tmp.starts_with(root),
            _ => true,
        };
        if inside_dump {
            return None;
        }
        let file = tempfile::tempfile_in(&tmp).ok()?;
        let reader = file.try_clone().ok();
        Some(Journal {
            path: tmp.join("(unnamed temporary file)"),
            file: Mutex::new(Some((file, 0))),
            reader,
            signatures: signatures::Signatures::in_dir(&tmp),
        })
    }

    /// The store of slim items' MinHash signatures, when one could be made.
    pub fn signatures(&self) -> Option<&signatures::Signatures> {
        self.signatures.as_ref()
    }

    /// The store, for the corpus checks once every file is read.
    pub fn take_signatures(&mut self) -> Option<signatures::Signatures> {
        self.signatures.take()
    }

    /// What a file's journal line `at` (from `Prior::take`) holds; `None`
    /// when it cannot be read back as it was (the file is then read again).
    pub fn read_back(&self, at: &Segment) -> Option<FileOutput> {
        use std::os::unix::fs::FileExt;
        let mut line = vec![0; usize::try_from(at.line.len).ok()?];
        self.reader
            .as_ref()?
            .read_exact_at(&mut line, at.line.offset)
            .ok()?;
        let entry: Entry = serde_json::from_slice(&line).ok()?;
        let output = Output {
            items: entry.items,
            errors: entry.errors,
        };
        Some((output, entry.findings))
    }

    /// Reads back the items this journal holds, when it can be read.
    pub fn spill(&self) -> Option<spill::Spill> {
        let file = self.reader.as_ref()?.try_clone().ok()?;
        Some(spill::Spill::new(file))
    }

    /// Appends what `file` yielded and tells where its line is. A failure to
    /// write is reported once on stderr and ends the journal, not the scan: a
    /// later resume then reads the files it lacks, and this run keeps the
    /// later files' items in memory.
    pub fn record(&self, file: &FileEntry, output: &FileOutput) -> Option<spill::Recorded> {
        self.record_line(file, output, None, false, 0)
    }

    /// Appends one part of a large file (reading `attempt`); its last line
    /// (`record_last`) says how many parts came before it.
    pub fn record_part(
        &self,
        file: &FileEntry,
        output: &FileOutput,
        attempt: u64,
    ) -> Option<spill::Recorded> {
        self.record_line(file, output, Some(attempt), true, 0)
    }

    /// Appends the last line of a file journaled in `parts` parts.
    pub fn record_last(
        &self,
        file: &FileEntry,
        output: &FileOutput,
        attempt: u64,
        parts: u32,
    ) -> Option<spill::Recorded> {
        self.record_line(file, output, Some(attempt), false, parts)
    }

    fn record_line(
        &self,
        file: &FileEntry,
        output: &FileOutput,
        attempt: Option<u64>,
        part: bool,
        parts: u32,
    ) -> Option<spill::Recorded> {
        let (out, findings) = output;
        // Many items (a batch of an mbox) are serialised on every core first:
        // the thread that reads the mbox would otherwise do it alone. The text
        // is the same as written in place.
        let texts: Option<Vec<_>> = (out.items.len() >= crate::PARALLEL_ITEMS)
            .then(|| {
                use rayon::prelude::*;
                out.items
                    .par_iter()
                    .with_min_len(crate::PARALLEL_ITEMS / 4)
                    .map(|item| fields::in_journal(|| serde_json::value::to_raw_value(item)))
                    .collect::<Result<_, _>>()
                    .ok()
            })
            .flatten();
        let written = std::cell::Cell::new(0);
        let spans = std::cell::RefCell::new(Vec::with_capacity(out.items.len()));
        let entry = EntryRef {
            path: &file.path,
            size: file.size,
            mtime_ns: file.mtime_ns,
            ctime_ns: file.ctime_ns,
            attempt,
            part,
            parts,
            items: ItemsAt {
                items: &out.items,
                texts: texts.as_deref(),
                written: &written,
                spans: &spans,
            },
            errors: &out.errors,
            findings,
        };
        LINE.with(|cell| {
            let mut line = cell.take();
            line.clear();
            let serialised = fields::in_journal(|| {
                let tally = Tally {
                    line: &mut line,
                    written: &written,
                };
                serde_json::to_writer(tally, &entry)
            });
            line.push(b'\n');
            let mut journal = self.file.lock().unwrap_or_else(|e| e.into_inner());
            let mut at = None;
            let written = match (serialised, journal.as_mut()) {
                (_, None) => Ok(()),
                (Ok(()), Some((f, end))) => f.write_all(&line).map(|()| {
                    // Items past 4 GiB into the line are not referred to:
                    // they stay whole in memory.
                    let items = spans
                        .take()
                        .into_iter()
                        .map_while(|(a, b)| Some((u32::try_from(a).ok()?, u32::try_from(b - a).ok()?)))
                        .collect();
                    at = Some(spill::Recorded {
                        line: spill::Line {
                            offset: *end,
                            len: line.len() as u64,
                        },
                        items,
                    });
                    *end += line.len() as u64;
                }),
                (Err(e), Some(_)) => Err(e.into()),
            };
            if let Err(e) = written {
                *journal = None;
                eprintln!(
                    "leakprov: cannot write {} to the checkpoint {}: {e}; the scan goes on without it, and a later --resume reads the files it lacks",
                    file.path,
                    self.path.display()
                );
            }
            drop(journal);
            // A huge mbox's line is not kept around for the next small file.
            if line.capacity() > 16 << 20 {
                line = Vec::new();
            }
            cell.replace(line);
            at
        })
    }
}

/// Reads the journal at `path` for a scan whose header is `now`: `None` if
/// there is none; an error if it belongs to another dump, version or settings.
/// Returns the entries, the length of its whole lines (where appending goes on)
/// and how many lines were torn or damaged.
fn load(path: &Path, now: &Header) -> Result<Option<(Prior, u64, u64)>> {
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
        Err(e) => bail!("cannot read the checkpoint {}: {e}", path.display()),
    };
    let mut reader = BufReader::new(file);
    let mut line = Vec::new();
    let read_err =
        |e: std::io::Error| anyhow::anyhow!("cannot read the checkpoint {}: {e}", path.display());
    let mut whole = reader.read_until(b'\n', &mut line).map_err(read_err)? as u64;
    let header: Option<Header> = line
        .ends_with(b"\n")
        .then(|| serde_json::from_slice(&line).ok())
        .flatten();
    let Some(header) = header else {
        bail!(
            "cannot resume: {} is not a checkpoint this leakprov can read (its first line is damaged or of another format); run without --resume to start over",
            path.display()
        );
    };
    let differences = header.differences(now);
    if !differences.is_empty() {
        bail!(
            "cannot resume from {}: {}; run with the same settings, or without --resume to start over",
            path.display(),
            differences.join("; ")
        );
    }
    let mut prior = Prior::default();
    // Parts of a file whose last line has not been read yet, by path.
    let mut pending: HashMap<String, Vec<Held>> = HashMap::new();
    let mut damaged = 0;
    loop {
        line.clear();
        let n = reader.read_until(b'\n', &mut line).map_err(read_err)? as u64;
        if n == 0 {
            break;
        }
        if !line.ends_with(b"\n") {
            // Torn by a killed process: cut off before appending.
            damaged += 1;
            break;
        }
        let at = spill::Line {
            offset: whole,
            len: n,
        };
        whole += n;
        match serde_json::from_slice::<Entry>(&line) {
            Ok(mut entry) if entry.part => {
                entry.line = at;
                let path = entry.path.clone();
                let held = Held::of(entry, &line);
                let parts = pending.entry(path).or_default();
                if parts.first().map(|p| p.attempt) != Some(held.attempt) {
                    // Parts of an earlier, unfinished reading.
                    parts.clear();
                }
                parts.push(held);
            }
            Ok(mut entry) => {
                entry.line = at;
                let path = entry.path.clone();
                let held = Held::of(entry, &line);
                let mut segments = pending.remove(&path).unwrap_or_default();
                let joined = held.attempt.is_some()
                    && segments.iter().all(|p| p.attempt == held.attempt)
                    && segments.len() == held.parts as usize;
                if !joined {
                    segments.clear();
                    if held.parts > 0 {
                        // A part is missing (damaged): the file is read again.
                        damaged += 1;
                        prior.entries.remove(&path);
                        continue;
                    }
                }
                segments.push(held);
                prior.entries.insert(path, segments);
            }
            Err(_) => damaged += 1,
        }
    }
    Ok(Some((prior, whole, damaged)))
}

#[cfg(test)]
mod tests;
