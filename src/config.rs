//! Validated, resolved options: everything a scan needs, nothing about how it was asked for.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use chrono::{DateTime, Utc};

use crate::dkim::KeyStore;

/// Caps that keep one hostile file from costing unbounded memory or time.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest single message (standalone or inside an mbox) that is parsed;
    /// a larger one is still hashed whole, but only its first bytes are parsed.
    pub max_message_bytes: usize,
    /// How deep message/rfc822 parts are followed inside each other.
    pub max_nesting: usize,
    /// Most attachments recorded per message.
    pub max_attachments: usize,
    /// Most MIME parts per message, nested ones included (checked before
    /// mail-parser runs; past it only the prefix before the part is parsed).
    pub max_parts: usize,
    /// Deepest nesting of multipart and message/rfc822 parts (checked before
    /// mail-parser runs, like `max_parts`).
    pub max_mime_depth: usize,
    /// Most header fields per message, those of its parts included.
    pub max_header_fields: usize,
    /// Longest header field, folded lines included.
    pub max_header_bytes: usize,
    /// Most bytes decoded per message: attachments decoded for hashing and
    /// nested messages parsed again, all levels together.
    pub max_decoded_bytes: u64,
    /// Longest analysis of one message, checked between its attachments.
    pub max_message_time: std::time::Duration,
    /// Size of the read buffer each worker streams files through.
    pub read_buffer: usize,
    /// Documents, images and archives: bounds on extraction (see `DocLimits`).
    pub documents: DocLimits,
}

/// Caps on document metadata extraction and archive expansion: a zip bomb or a
/// hostile PDF costs a bounded amount of time and memory and ends as an error record.
#[derive(Debug, Clone, PartialEq)]
pub struct DocLimits {
    /// Largest document (standalone or archive member) kept in memory and analysed;
    /// a larger one is hashed only.
    pub max_document_bytes: usize,
    /// Most bytes one archive member may decompress to.
    pub max_member_bytes: u64,
    /// Most bytes one container (with everything nested in it) may decompress to.
    pub max_container_bytes: u64,
    /// Most decompressed bytes per compressed byte, once past `ratio_floor` bytes.
    pub max_ratio: u64,
    /// Decompressed size below which the ratio is not checked.
    pub ratio_floor: u64,
    /// Most entries read from one container, nested ones included.
    pub max_entries: usize,
    /// How many archives deep members are followed.
    pub max_archive_depth: usize,
    /// Longest metadata extraction of one document, checked between objects.
    pub max_document_time: std::time::Duration,
    /// Longest expansion of one container, checked between members.
    pub max_container_time: std::time::Duration,
}

impl Default for DocLimits {
    fn default() -> Self {
        DocLimits {
            max_document_bytes: 64 << 20,
            max_member_bytes: 256 << 20,
            max_container_bytes: 1 << 30,
            max_ratio: 100,
            ratio_floor: 1 << 20,
            max_entries: 10_000,
            max_archive_depth: 4,
            max_document_time: std::time::Duration::from_secs(5),
            max_container_time: std::time::Duration::from_secs(60),
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_message_bytes: 64 << 20,
            max_nesting: 8,
            max_attachments: 1000,
            max_parts: 10_000,
            max_mime_depth: 50,
            max_header_fields: 20_000,
            max_header_bytes: 1 << 20,
            max_decoded_bytes: 256 << 20,
            max_message_time: std::time::Duration::from_secs(10),
            read_buffer: 1 << 20,
            documents: DocLimits::default(),
        }
    }
}

/// Tolerances of the time checks, in seconds. Defaults and the evidence behind
/// them are in docs/checks.md.
#[derive(Debug, Clone)]
pub struct Tolerances {
    /// date-received-mismatch: Date may be this much later than the Received hops.
    pub date_ahead: i64,
    /// date-received-mismatch: Date may be this much earlier than the first hop.
    pub date_behind: i64,
    /// received-out-of-order: a hop may be this much earlier than the one below it.
    pub hop_backstep: i64,
    /// thread-chronology: a reply may be dated this much before its parent.
    pub reply_before_parent: i64,
}

impl Default for Tolerances {
    fn default() -> Self {
        Tolerances {
            date_ahead: 15 * 60,
            date_behind: 48 * 3600,
            hop_backstep: 10 * 60,
            reply_before_parent: 5 * 60,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Config {
    /// The dump, canonicalised (absolute, symlinks of the root itself resolved).
    pub root: PathBuf,
    pub threads: usize,
    /// The command line as given, recorded in the report for chain of custody.
    pub args: Vec<String>,
    /// "Now" for checks that compare against the scan time.
    pub now: DateTime<Utc>,
    pub limits: Limits,
    pub tolerances: Tolerances,
    /// sender-profile-outlier: senders with fewer messages are not profiled.
    pub min_profile: usize,
    /// Public keys for offline DKIM verification (`--dkim-keys`); without
    /// them signatures are recorded as `no-key`, which is not a finding.
    pub dkim_keys: Option<Arc<KeyStore>>,
    /// Set (by a SIGINT/SIGTERM handler) to stop the scan: workers take no
    /// new file, and the report is marked incomplete.
    pub stop: Arc<AtomicBool>,
    /// Where the scan journals each file it finished, so that an interrupted
    /// scan can be resumed (`--resume`); `None`: no journal.
    pub checkpoint: Option<Checkpoint>,
}

/// The checkpoint journal of a scan (see `checkpoint`).
#[derive(Debug, Clone)]
pub struct Checkpoint {
    /// The folder holding `journal.jsonl` (OUT/checkpoint); created if missing.
    pub dir: PathBuf,
    /// Take the files the journal already holds (unchanged since) from it
    /// instead of reading them again; otherwise the journal is started afresh.
    pub resume: bool,
}

impl Config {
    /// A configuration with defaults, for tests and library users.
    pub fn new(root: PathBuf) -> Self {
        Config {
            root,
            threads: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1),
            args: Vec::new(),
            now: Utc::now(),
            limits: Limits::default(),
            tolerances: Tolerances::default(),
            min_profile: 5,
            dkim_keys: None,
            stop: Arc::new(AtomicBool::new(false)),
            checkpoint: None,
        }
    }
}
