//! Splits an mbox into its messages while streaming, never holding the whole file.
//!
//! Handles mboxrd and mboxo (RFC 4155): a message starts at a `From ` line
//! that follows an empty line (or starts the file); the empty line before a
//! separator belongs to the format, not to the message; body lines that read
//! `>From `, `>>From `... lose one `>` (mboxrd quoting). A message's SHA-256
//! is that of its unquoted bytes, so it equals that of the same message
//! stored as a standalone .eml.

use sha2::{Digest, Sha256};

use crate::sniff::is_mbox_separator;

/// Lines longer than this are passed through in pieces (never a separator).
const MAX_LINE: usize = 64 * 1024;

/// One message cut out of an mbox.
#[derive(Debug)]
pub struct MboxMessage {
    /// 1-based position in the mbox.
    pub index: u64,
    /// Byte offset of its `From ` separator line in the file.
    pub offset: u64,
    /// The separator line, without its line ending.
    pub separator: String,
    /// The message bytes, unquoted; at most the splitter's cap.
    pub bytes: Vec<u8>,
    /// Full size of the unquoted message, even when `bytes` was capped.
    pub size: u64,
    /// The SHA-256 of a capped message, hashed while it streamed past; `None`
    /// when `bytes` is the whole message (`sha256` hashes it then, on the
    /// thread that parses it, not on the one that splits the file).
    hashed: Option<[u8; 32]>,
    /// `bytes` holds only the first `cap` bytes of the message.
    pub truncated: bool,
}

struct Current {
    index: u64,
    offset: u64,
    separator: String,
    bytes: Vec<u8>,
    size: u64,
    /// Started when the message outgrows the cap (it is truncated from
    /// then on), with the bytes kept so far.
    hasher: Option<Sha256>,
}

impl MboxMessage {
    /// The SHA-256 of the whole unquoted message.
    pub fn sha256(&self) -> [u8; 32] {
        self.hashed
            .unwrap_or_else(|| Sha256::digest(&self.bytes).into())
    }
}

/// Streaming splitter: `feed` chunks in file order, then `finish`.
pub struct MboxSplitter {
    cap: usize,
    /// Bytes of the line being assembled.
    line: Vec<u8>,
    /// The current line was longer than MAX_LINE and is being passed through.
    line_overflowed: bool,
    /// File offset of the first byte of `line`.
    line_offset: u64,
    /// File offset of the next byte fed.
    offset: u64,
    previous_blank: bool,
    /// An empty line held back: dropped if a separator follows.
    pending_blank: Option<Vec<u8>>,
    current: Option<Current>,
    count: u64,
}

impl MboxSplitter {
    /// `cap`: most bytes kept per message (the rest is hashed, not kept).
    pub fn new(cap: usize) -> Self {
        MboxSplitter {
            cap,
            line: Vec::new(),
            line_overflowed: false,
            line_offset: 0,
            offset: 0,
            previous_blank: true,
            pending_blank: None,
            current: None,
            count: 0,
        }
    }

    pub fn feed(&mut self, mut chunk: &[u8], emit: &mut impl FnMut(MboxMessage)) {
        while !chunk.is_empty() {
            let nl = memchr::memchr(b'\n', chunk);
            match nl {
                // Fast path: a whole line inside this chunk and nothing carried
                // over from the previous one: decided on the borrowed bytes,
                // with no copy into `self.line`.
                Some(nl) if self.line.is_empty() && !self.line_overflowed => {
                    let line = &chunk[..=nl];
                    self.line_offset = self.offset;
                    self.offset += line.len() as u64;
                    self.end_line_bytes(line, emit);
                    chunk = &chunk[nl + 1..];
                }
                Some(nl) => {
                    self.push_line_bytes(&chunk[..=nl]);
                    self.end_line(emit);
                    chunk = &chunk[nl + 1..];
                }
                None => {
                    self.push_line_bytes(chunk);
                    chunk = &[];
                }
            }
        }
    }

    pub fn finish(mut self, emit: &mut impl FnMut(MboxMessage)) {
        if !self.line.is_empty() {
            self.end_line(emit);
        }
        // The empty line after the last message belongs to the format too.
        self.pending_blank = None;
        if let Some(current) = self.current.take() {
            emit(seal(current));
        }
    }

    fn push_line_bytes(&mut self, bytes: &[u8]) {
        if self.line.is_empty() && !self.line_overflowed {
            self.line_offset = self.offset;
        }
        self.offset += bytes.len() as u64;
        self.line.extend_from_slice(bytes);
        if self.line.len() > MAX_LINE && !self.line.ends_with(b"\n") {
            // A huge line cannot be a separator or blank: pass it through now.
            let piece = std::mem::take(&mut self.line);
            self.flush_pending();
            let piece = if self.line_overflowed {
                piece
            } else {
                unquote(piece)
            };
            self.line_overflowed = true;
            self.write(&piece);
        }
    }

    fn end_line(&mut self, emit: &mut impl FnMut(MboxMessage)) {
        let line = std::mem::take(&mut self.line);
        if self.line_overflowed {
            self.line_overflowed = false;
            self.previous_blank = false;
            self.write(&line);
        } else {
            self.end_line_bytes(&line, emit);
        }
        // Keep the allocation for the next carried-over line.
        self.line = line;
        self.line.clear();
    }

    /// Decides what one complete line is: held blank, separator, or message bytes.
    fn end_line_bytes(&mut self, line: &[u8], emit: &mut impl FnMut(MboxMessage)) {
        if line.len() > MAX_LINE {
            // Whole in one read, a huge line must be what it is when a read
            // boundary falls inside it and `push_line_bytes` passes it
            // through: body text, never a separator (the chunking property
            // of fuzz/fuzz_targets/mbox.rs and tests/properties.rs).
            self.previous_blank = false;
            self.flush_pending();
            self.write_unquoted(line);
            return;
        }
        let content = strip_eol(line);
        if content.is_empty() {
            if self.pending_blank.is_some() {
                self.flush_pending();
            }
            self.pending_blank = Some(line.to_vec());
            self.previous_blank = true;
            return;
        }
        let starts_message = content.starts_with(b"From ")
            && ((self.previous_blank || self.current.is_none()) && is_mbox_separator(content)
                || is_strict_separator(content));
        self.previous_blank = false;
        if starts_message {
            self.pending_blank = None;
            if let Some(done) = self.current.take() {
                emit(seal(done));
            }
            self.count += 1;
            self.current = Some(Current {
                index: self.count,
                offset: self.line_offset,
                separator: String::from_utf8_lossy(content).into_owned(),
                bytes: Vec::new(),
                size: 0,
                hasher: None,
            });
            return;
        }
        self.flush_pending();
        self.write_unquoted(line);
    }

    /// Writes a body line, without one `>` when it is a quoted `From ` (mboxrd).
    fn write_unquoted(&mut self, line: &[u8]) {
        if line.first() == Some(&b'>') {
            let line = unquote(line.to_vec());
            self.write(&line);
        } else {
            self.write(line);
        }
    }

    fn flush_pending(&mut self) {
        if let Some(held) = self.pending_blank.take() {
            self.write(&held);
        }
    }

    fn write(&mut self, bytes: &[u8]) {
        let Some(current) = self.current.as_mut() else {
            // Bytes before the first separator: sniffing guarantees there are
            // none; if a caller feeds some anyway they are ignored.
            return;
        };
        current.size += bytes.len() as u64;
        let room = self.cap.saturating_sub(current.bytes.len());
        if bytes.len() > room && current.hasher.is_none() {
            // From here on not every byte is kept: hash what was, and the rest as it comes.
            current.hasher = Some(Sha256::new_with_prefix(&current.bytes));
        }
        if let Some(hasher) = current.hasher.as_mut() {
            hasher.update(bytes);
        }
        current
            .bytes
            .extend_from_slice(&bytes[..bytes.len().min(room)]);
    }
}

fn seal(current: Current) -> MboxMessage {
    MboxMessage {
        index: current.index,
        offset: current.offset,
        separator: current.separator,
        bytes: current.bytes,
        size: current.size,
        truncated: current.hasher.is_some(),
        hashed: current.hasher.map(|h| h.finalize().into()),
    }
}

fn strip_eol(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// mboxrd: `>From `, `>>From `... lose one `>`.
///
/// Only when the quoted `From ` ends within MAX_LINE bytes: a longer prefix
/// may be cut by a read boundary in `push_line_bytes`, and a line must come
/// out the same however it was read.
fn unquote(mut line: Vec<u8>) -> Vec<u8> {
    let quotes = line.iter().take_while(|&&b| b == b'>').count();
    let fits = quotes + b"From ".len() <= MAX_LINE;
    if quotes > 0
        && fits
        && line
            .get(quotes..)
            .is_some_and(|rest| rest.starts_with(b"From "))
    {
        line.remove(0);
    }
    line
}

/// A separator recognised even without a preceding empty line: the exact
/// `From addr Www Mmm dd hh:mm[:ss] yyyy` shape that mbox writers produce.
fn is_strict_separator(line: &[u8]) -> bool {
    if !line.starts_with(b"From ") {
        return false;
    }
    let Ok(text) = std::str::from_utf8(line) else {
        return false;
    };
    let parts: Vec<&str> = text.split_whitespace().collect();
    if parts.len() < 7 || parts[0] != "From" {
        return false;
    }
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    DAYS.contains(&parts[2])
        && MONTHS.contains(&parts[3])
        && parts[4].parse::<u8>().is_ok()
        && parts[5].contains(':')
        && parts[6].len() == 4
        && parts[6].parse::<u16>().is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(data: &[u8], chunk: usize, cap: usize) -> Vec<MboxMessage> {
        let mut out = Vec::new();
        let mut splitter = MboxSplitter::new(cap);
        for piece in data.chunks(chunk.max(1)) {
            splitter.feed(piece, &mut |m| out.push(m));
        }
        splitter.finish(&mut |m| out.push(m));
        out
    }

    const MBOX: &[u8] = b"From alice@example.com Tue May  2 09:14:01 2017\nFrom: alice@example.com\nSubject: one\n\nHello\n>From the archive\n>>From twice\n\n\nFrom bob@example.com Tue May  2 10:00:00 2017\nFrom: bob@example.com\nSubject: two\n\nFrom here on, no quoting\n\n";

    #[test]
    fn splits_and_unquotes() {
        let msgs = split(MBOX, 1 << 20, 1 << 20);
        assert_eq!(msgs.len(), 2);
        assert_eq!(msgs[0].index, 1);
        assert_eq!(msgs[0].offset, 0);
        assert_eq!(
            msgs[0].bytes,
            b"From: alice@example.com\nSubject: one\n\nHello\nFrom the archive\n>From twice\n\n"
        );
        // "From here on" follows a blank line but has no year: not a separator.
        assert_eq!(
            msgs[1].bytes,
            b"From: bob@example.com\nSubject: two\n\nFrom here on, no quoting\n"
        );
        assert_eq!(msgs[1].offset, 125);
        assert_eq!(
            msgs[1].sha256(),
            <[u8; 32]>::from(Sha256::digest(&msgs[1].bytes))
        );
    }

    #[test]
    fn chunk_boundaries_do_not_matter() {
        let whole = split(MBOX, 1 << 20, 1 << 20);
        for chunk in [1, 2, 3, 7, 50] {
            let pieces = split(MBOX, chunk, 1 << 20);
            assert_eq!(pieces.len(), whole.len());
            for (a, b) in pieces.iter().zip(&whole) {
                assert_eq!(a.bytes, b.bytes);
                assert_eq!(a.offset, b.offset);
            }
        }
    }

    #[test]
    fn crlf_mbox() {
        let data = String::from_utf8_lossy(MBOX).replace('\n', "\r\n");
        let msgs = split(data.as_bytes(), 5, 1 << 20);
        assert_eq!(msgs.len(), 2);
        assert!(msgs[1].bytes.ends_with(b"quoting\r\n"));
    }

    #[test]
    fn caps_kept_bytes_but_hashes_everything() {
        let msgs = split(MBOX, 4, 10);
        assert!(msgs[0].truncated);
        assert_eq!(msgs[0].bytes.len(), 10);
        let full = split(MBOX, 4, 1 << 20);
        assert_eq!(msgs[0].sha256(), full[0].sha256());
        assert_eq!(msgs[0].size, full[0].bytes.len() as u64);
    }

    /// A capped message is hashed while it streams, a whole one when asked:
    /// at every cap (mid-line, on a line end, exactly the message, above it)
    /// and every chunking, the hash is that of the whole unquoted message.
    #[test]
    fn the_hash_is_of_the_whole_message_at_every_cap() {
        let full = split(MBOX, 1 << 20, 1 << 20);
        let digests: Vec<[u8; 32]> = full
            .iter()
            .map(|m| Sha256::digest(&m.bytes).into())
            .collect();
        let longest = full.iter().map(|m| m.bytes.len()).max().unwrap();
        for cap in 0..=longest + 1 {
            for chunk in [1, 3, 50, 1 << 20] {
                let msgs = split(MBOX, chunk, cap);
                assert_eq!(msgs.len(), full.len());
                for (m, (whole, digest)) in msgs.iter().zip(full.iter().zip(&digests)) {
                    assert_eq!(m.sha256(), *digest, "cap {cap}, chunk {chunk}");
                    assert_eq!(m.truncated, whole.bytes.len() > cap);
                    assert_eq!(m.bytes, whole.bytes[..whole.bytes.len().min(cap)]);
                    assert_eq!(m.hashed.is_some(), m.truncated);
                }
            }
        }
    }

    #[test]
    fn huge_lines_pass_through() {
        let mut data = b"From a@b Tue May  2 09:14:01 2017\nSubject: x\n\n".to_vec();
        data.extend(std::iter::repeat_n(b'x', 200_000));
        data.extend_from_slice(b"\nend\n");
        let msgs = split(&data, 4096, 1 << 20);
        assert_eq!(msgs.len(), 1);
        assert_eq!(msgs[0].size as usize, data.len() - 34);
    }
}
