//! Reads each file once, read-only: the same bytes feed SHA-256, the sniffer and the parser.
//!
//! Files of any size stream through a bounded buffer. A message file is kept
//! in memory only up to the parse limit; an mbox is split while streaming and
//! its messages are parsed in batches, so memory is bounded by the batch size,
//! not the file size.

use std::fs::File;
use std::io::{ErrorKind, Read};
use std::os::unix::fs::OpenOptionsExt;

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::config::Config;
use crate::error::ItemError;
use crate::item::{Item, ItemKind, Locator, LocatorPart};
use crate::parse::Output;
use crate::parse::document;
use crate::parse::email::{At, Source, parse_email};
use crate::parse::mbox::{MboxMessage, MboxSplitter};
use crate::sniff::{SNIFF_LEN, sniff};
use crate::walk::FileEntry;

/// Messages of an mbox are parsed in parallel batches of about this many bytes.
const MBOX_BATCH_BYTES: usize = 16 << 20;

/// Opens a file for reading without changing it: read-only, no access-time
/// update where the kernel allows it, never through a symlink, never blocking
/// on a FIFO that replaced the file after the walk.
pub fn open_evidence(path: &std::path::Path) -> std::io::Result<File> {
    open_evidence_with_id(path).map(|(file, _)| file)
}

/// `open_evidence`, and the (device, inode) of the file opened.
fn open_evidence_with_id(path: &std::path::Path) -> std::io::Result<(File, (u64, u64))> {
    use std::os::unix::fs::MetadataExt;
    let flags = libc::O_NOFOLLOW | libc::O_NONBLOCK;
    let attempt = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(flags | libc::O_NOATIME)
        .open(path);
    let file = match attempt {
        // O_NOATIME is refused (EPERM) on files the user does not own.
        Err(e) if e.kind() == ErrorKind::PermissionDenied => std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(flags)
            .open(path)?,
        other => other?,
    };
    let meta = file.metadata()?;
    if !meta.file_type().is_file() {
        return Err(std::io::Error::other(
            "not a regular file any more (changed since the walk)",
        ));
    }
    Ok((file, (meta.dev(), meta.ino())))
}

/// Reads, hashes, sniffs and parses one file. `progress` is told of every byte read.
pub fn read_file(entry: &FileEntry, cfg: &Config, progress: &(dyn Fn(u64) + Sync)) -> Output {
    read_file_with(entry, cfg, progress, &mut |_| {})
}

/// `read_file`, handing `flush` the output so far after each batch of a
/// large mbox: it may take the items (the scan journals and slims them), so
/// that a huge mbox never holds all its messages' facts at once.
pub fn read_file_with(
    entry: &FileEntry,
    cfg: &Config,
    progress: &(dyn Fn(u64) + Sync),
    flush: &mut dyn FnMut(&mut Output),
) -> Output {
    // Test hook, debug builds only: proves that a panic in one worker becomes an
    // error record and the scan goes on (tests/reliability.rs).
    if cfg!(debug_assertions)
        && std::env::var_os("LEAKPROV_TEST_PANIC_ON")
            .is_some_and(|p| entry.path.ends_with(&*p.to_string_lossy()))
    {
        panic!("injected test panic on {}", entry.path);
    }
    test_hold("open", &entry.path);
    let mut out = Output::default();
    let root = Locator::root();
    let (file, id) = match open_evidence_with_id(&entry.abs(&cfg.root)) {
        Ok(opened) => opened,
        Err(e) => {
            out.errors.push(ItemError::new(
                &entry.path,
                &root,
                format!("cannot open: {e}"),
            ));
            return out;
        }
    };
    // One read buffer per worker thread, reused from file to file: zeroing a
    // fresh megabyte per file costs more than reading a small file.
    // Taken out of the thread-local rather than borrowed: rayon may run
    // another file on this thread while an mbox waits for its batch.
    with_buffer(cfg.limits.read_buffer.max(SNIFF_LEN), |buf| {
        read_into(entry, cfg, progress, buf, (file, id), flush)
    })
}

/// Runs `f` with this worker thread's read buffer, at least `len` bytes long
/// (zeroed once, when it first grows; never per file).
pub(crate) fn with_buffer<R>(len: usize, f: impl FnOnce(&mut [u8]) -> R) -> R {
    let mut buf = READ_BUFFER.with(|b| b.take());
    if buf.len() < len {
        buf.resize(len, 0);
    }
    let result = f(&mut buf[..len]);
    READ_BUFFER.with(|b| b.replace(buf));
    result
}

thread_local! {
    static READ_BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

fn read_into(
    entry: &FileEntry,
    cfg: &Config,
    progress: &(dyn Fn(u64) + Sync),
    buf: &mut [u8],
    (mut file, id): (File, (u64, u64)),
    flush: &mut dyn FnMut(&mut Output),
) -> Output {
    let mut out = Output::default();
    let root = Locator::root();
    // Fill the head so that sniffing sees SNIFF_LEN bytes when the file has them.
    let mut head_len = 0;
    while head_len < SNIFF_LEN {
        match read_some(&mut file, &mut buf[head_len..]) {
            Ok(0) => break,
            Ok(n) => head_len += n,
            Err(e) => {
                out.errors.push(ItemError::new(
                    &entry.path,
                    &root,
                    format!("read failed: {e}"),
                ));
                return out;
            }
        }
    }
    test_hold("read", &entry.path);
    let kind = sniff(&buf[..head_len]);
    let mut item = Item::new(entry.path.clone(), root.clone(), kind);
    let mut sink = match kind {
        ItemKind::Mbox => Sink::Mbox(
            Box::new(MboxSplitter::new(cfg.limits.max_message_bytes)),
            Vec::new(),
            0,
        ),
        ItemKind::Email => Sink::Message(Vec::new(), false),
        kind if document::is_analysed(kind) => Sink::Document(Vec::new(), false),
        _ => Sink::HashOnly,
    };
    let mut stream = Stream {
        file: &mut file,
        buf,
        pending: head_len,
        hasher: Sha256::new(),
        total: 0,
        progress,
    };
    let streamed = match &mut sink {
        Sink::Mbox(splitter, batch, batch_bytes) => read_mbox(
            &mut stream,
            splitter,
            batch,
            batch_bytes,
            entry,
            cfg,
            &mut out,
            flush,
        ),
        sink => loop {
            match stream.next() {
                Ok([]) => break Ok(()),
                Ok(chunk) => sink.feed(chunk, cfg),
                Err(e) => break Err(e),
            }
        },
    };
    let Stream { hasher, total, .. } = stream;
    if let Err(e) = streamed {
        out.errors.push(ItemError::new(
            &entry.path,
            &root,
            format!("read failed after {total} bytes: {e}; hash and parse incomplete"),
        ));
        return out;
    }
    item.size = total;
    let digest = crate::digest::Digest(hasher.finalize().into());
    item.sha256 = Some(digest);
    if total != entry.size {
        out.errors.push(ItemError::new(
            &entry.path,
            &root,
            format!(
                "size changed during the scan: {} bytes when listed, {total} bytes read; the hash is of what was read",
                entry.size
            ),
        ));
    }
    // Still open here: the inode cannot be freed and given to a file that
    // replaced this one at its path, so equal numbers mean the same file.
    if let Some(change) = moved_away(id, entry, cfg) {
        out.errors.push(ItemError::new(&entry.path, &root, change));
    }
    sink.finish(&mut item, &digest, entry, cfg, &mut out);
    out.items.push(item);
    out
}

/// Whether the path no longer names the file that was read (deleted or
/// replaced while it was read): then the hash is of a file the dump no longer
/// holds. `read` is the (device, inode) of the file that was read.
fn moved_away(read: (u64, u64), entry: &FileEntry, cfg: &Config) -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    match std::fs::symlink_metadata(entry.abs(&cfg.root)) {
        Err(e) if e.kind() == ErrorKind::NotFound => Some(
            "deleted during the scan: the hash is of the bytes read before it went away".into(),
        ),
        Ok(now) if (now.dev(), now.ino()) != read => Some(
            "replaced during the scan: the hash is of the file as it was opened, not of the one now at this path".into(),
        ),
        _ => None,
    }
}

/// Test hook, debug builds only: `LEAKPROV_TEST_HOLD=STAGE:SUFFIX` stops the
/// worker on the file whose path ends with SUFFIX, at STAGE (`open`: before
/// opening it; `read`: after its first bytes), says so on stderr and waits for
/// a line on stdin. tests/limits.rs deletes or grows the file meanwhile: a
/// deterministic "changed during the scan", without relying on timing.
fn test_hold(stage: &str, path: &str) {
    if !cfg!(debug_assertions) {
        return;
    }
    let Some(spec) = std::env::var_os("LEAKPROV_TEST_HOLD") else {
        return;
    };
    let spec = spec.to_string_lossy();
    if spec
        .split_once(':')
        .is_some_and(|(s, suffix)| s == stage && path.ends_with(suffix))
    {
        eprintln!("leakprov: test hold: {stage} {path}");
        let mut line = String::new();
        let _ = std::io::stdin().read_line(&mut line);
    }
}

/// Reads, retrying on EINTR.
fn read_some(file: &mut File, buf: &mut [u8]) -> std::io::Result<usize> {
    loop {
        match file.read(buf) {
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

/// A file's bytes, from the head already read on, each chunk hashed and
/// counted as it is handed out.
struct Stream<'a> {
    file: &'a mut File,
    buf: &'a mut [u8],
    /// Bytes at the start of `buf` not handed out yet (the head).
    pending: usize,
    hasher: Sha256,
    total: u64,
    progress: &'a (dyn Fn(u64) + Sync),
}

impl Stream<'_> {
    /// The next chunk of the file; empty at its end.
    fn next(&mut self) -> std::io::Result<&[u8]> {
        let n = match std::mem::take(&mut self.pending) {
            0 => read_some(self.file, self.buf)?,
            head => head,
        };
        let chunk = &self.buf[..n];
        self.hasher.update(chunk);
        self.total += n as u64;
        if n > 0 {
            (self.progress)(n as u64);
        }
        Ok(chunk)
    }
}

/// Streams an mbox through the splitter in batches of messages. A full
/// batch is parsed on the pool while this thread reads and splits the next
/// one, so one huge mbox keeps every core busy; then it is handed to
/// `flush` (checks and journal, themselves spread over the pool). Returns
/// with the last, partial batch in `batch` for `Sink::finish`.
#[allow(clippy::too_many_arguments)]
fn read_mbox(
    stream: &mut Stream,
    splitter: &mut MboxSplitter,
    batch: &mut Vec<MboxMessage>,
    batch_bytes: &mut usize,
    entry: &FileEntry,
    cfg: &Config,
    out: &mut Output,
    flush: &mut dyn FnMut(&mut Output),
) -> std::io::Result<()> {
    let mut ended = fill_batch(stream, splitter, batch, batch_bytes)?;
    while !ended {
        let full = std::mem::take(batch);
        *batch_bytes = 0;
        let (parsed, next) = rayon::join(
            || parse_batch_parts(full, entry, cfg),
            || fill_batch(stream, splitter, batch, batch_bytes),
        );
        append_parts(out, parsed);
        flush(out);
        ended = next?;
    }
    Ok(())
}

/// Reads and splits until `batch` holds a batch's worth of messages
/// (`Ok(false)`) or the file ends (`Ok(true)`).
fn fill_batch(
    stream: &mut Stream,
    splitter: &mut MboxSplitter,
    batch: &mut Vec<MboxMessage>,
    batch_bytes: &mut usize,
) -> std::io::Result<bool> {
    loop {
        let chunk = stream.next()?;
        if chunk.is_empty() {
            return Ok(true);
        }
        splitter.feed(chunk, &mut |m| {
            *batch_bytes += m.bytes.len();
            batch.push(m);
        });
        if *batch_bytes >= mbox_batch_bytes() {
            return Ok(false);
        }
    }
}

/// Where the bytes of a file go besides the hasher.
enum Sink {
    HashOnly,
    /// A single message: bytes kept up to the limit, and whether some were dropped.
    Message(Vec<u8>, bool),
    /// An mbox: the splitter, the batch of messages waiting to be parsed, its size.
    Mbox(Box<MboxSplitter>, Vec<MboxMessage>, usize),
    /// A document, image or archive: bytes kept up to the document cap, and
    /// whether the file was larger (then it is hashed only).
    Document(Vec<u8>, bool),
}

impl Sink {
    /// Keeps what a message or document needs of `chunk` (an mbox is fed by `read_mbox`).
    fn feed(&mut self, chunk: &[u8], cfg: &Config) {
        match self {
            Sink::HashOnly | Sink::Mbox(..) => {}
            Sink::Message(bytes, truncated) => {
                let room = cfg.limits.max_message_bytes.saturating_sub(bytes.len());
                if chunk.len() > room {
                    *truncated = true;
                }
                bytes.extend_from_slice(&chunk[..chunk.len().min(room)]);
            }
            Sink::Document(bytes, too_large) => {
                if *too_large {
                    return;
                }
                if bytes.len() + chunk.len() > cfg.limits.documents.max_document_bytes {
                    *too_large = true;
                    *bytes = Vec::new();
                } else {
                    bytes.extend_from_slice(chunk);
                }
            }
        }
    }

    /// `digest` is the SHA-256 of the whole file (`item.sha256`).
    fn finish(
        self,
        item: &mut Item,
        digest: &crate::digest::Digest,
        entry: &FileEntry,
        cfg: &Config,
        out: &mut Output,
    ) {
        match self {
            Sink::HashOnly => {}
            Sink::Message(bytes, truncated) => {
                let source = if in_maildir(&entry.path) {
                    Source::Maildir
                } else {
                    Source::File
                };
                item.email = parse_message(
                    &bytes,
                    truncated,
                    &entry.path,
                    &item.locator,
                    source,
                    cfg,
                    out,
                );
            }
            Sink::Mbox(splitter, mut batch, _) => {
                splitter.finish(&mut |m| batch.push(m));
                parse_batch(batch, entry, cfg, out);
            }
            Sink::Document(_, true) => out.errors.push(ItemError::new(
                &entry.path,
                &item.locator,
                format!(
                    "{} larger than {} bytes: hashed, metadata not read",
                    item.kind.as_str(),
                    cfg.limits.documents.max_document_bytes
                ),
            )),
            Sink::Document(bytes, false) => {
                item.document = document::analyse_known(
                    &bytes,
                    digest,
                    item.kind,
                    &entry.path,
                    &item.locator,
                    cfg,
                    out,
                )
                .map(Box::new);
            }
        }
    }
}

fn parse_message(
    bytes: &[u8],
    truncated: bool,
    path: &str,
    locator: &Locator,
    source: Source,
    cfg: &Config,
    out: &mut Output,
) -> Option<Box<crate::parse::email::EmailFacts>> {
    let at = At {
        path,
        locator,
        source,
        truncated,
    };
    let facts = parse_email(bytes, at, cfg, out);
    if truncated {
        out.errors.push(ItemError::new(
            path,
            locator,
            format!(
                "message larger than the parse limit of {} bytes: hashed whole, parsed from its first {} bytes",
                cfg.limits.max_message_bytes, cfg.limits.max_message_bytes
            ),
        ));
    }
    match facts {
        Some(facts) => Some(Box::new(facts)),
        None => {
            out.errors.push(ItemError::new(
                path,
                locator,
                "no message header could be parsed",
            ));
            None
        }
    }
}

/// Parses a batch of mbox messages in parallel; results keep mbox order.
fn parse_batch(batch: Vec<MboxMessage>, entry: &FileEntry, cfg: &Config, out: &mut Output) {
    append_parts(out, parse_batch_parts(batch, entry, cfg));
}

/// Appends each message's items and errors to `out`, in order.
fn append_parts(out: &mut Output, parts: Vec<Output>) {
    for mut part in parts {
        out.items.append(&mut part.items);
        out.errors.append(&mut part.errors);
    }
}

/// Each message's output, in mbox order, parsed on the pool.
fn parse_batch_parts(batch: Vec<MboxMessage>, entry: &FileEntry, cfg: &Config) -> Vec<Output> {
    batch
        .into_par_iter()
        .map(|m| {
            let mut local = Output::default();
            let locator = Locator::root().child(LocatorPart::Mbox(m.index));
            let mut item = Item::new(entry.path.clone(), locator.clone(), ItemKind::Email);
            item.size = m.size;
            item.offset = Some(m.offset);
            item.sha256 = Some(crate::digest::Digest(m.sha256()));
            item.email = parse_message(
                &m.bytes,
                m.truncated,
                &entry.path,
                &locator,
                Source::Mbox,
                cfg,
                &mut local,
            );
            local.items.push(item);
            local
        })
        .collect()
}

/// `MBOX_BATCH_BYTES`; in debug builds `LEAKPROV_TEST_MBOX_BATCH=N` makes
/// batches (and so journal parts) small enough for tests (tests/resume.rs).
fn mbox_batch_bytes() -> usize {
    if cfg!(debug_assertions)
        && let Some(n) = std::env::var("LEAKPROV_TEST_MBOX_BATCH")
            .ok()
            .and_then(|v| v.parse().ok())
    {
        return n;
    }
    MBOX_BATCH_BYTES
}

/// A maildir message lives in a `cur`, `new` or `tmp` folder.
fn in_maildir(path: &str) -> bool {
    let mut parts = path.rsplit('/');
    parts.next();
    matches!(parts.next(), Some("cur" | "new" | "tmp"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maildir_paths() {
        assert!(in_maildir("maildir/alice/cur/1493709241.M1P2.host:2,S"));
        assert!(!in_maildir("mail/alice/inbox/1.eml"));
        assert!(!in_maildir("cur"));
    }
}
