//! Validated, resolved options: everything a scan needs, nothing about how it was asked for.

use std::path::PathBuf;
use std::sync::Arc;

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
    /// Size of the read buffer each worker streams files through.
    pub read_buffer: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_message_bytes: 64 << 20,
            max_nesting: 8,
            max_attachments: 1000,
            read_buffer: 1 << 20,
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
        }
    }
}
