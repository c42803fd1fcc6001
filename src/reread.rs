//! Fetches one item's bytes again, for the rare corpus comparisons that need more than facts.
//!
//! Facts are compact on purpose; message bodies are dropped after parsing.
//! When a corpus index finds a few items worth comparing in depth (copies of
//! one Message-ID whose content differs), their bytes are read once more,
//! read-only, from the same place: a file, a message inside an mbox (found
//! again from its recorded offset), an attachment (found again by its index).

use std::ffi::OsStr;
use std::io::{Read, Seek, SeekFrom};
use std::os::unix::ffi::OsStrExt;

use mail_parser::MessageParser;

use crate::config::Config;
use crate::item::{Item, Locator, LocatorPart};
use crate::parse::email::part_bytes;
use crate::parse::mbox::MboxSplitter;
use crate::parse::mime_bounds::within_limits;
use crate::read::open_evidence;
use crate::walk::unescape_bytes;

/// The bytes of `item` (a file, an mbox message, an attachment), at most the parse limit.
///
/// `items` is the sorted item list, used to find the offset of an mbox message.
pub fn item_bytes(cfg: &Config, items: &[Item], item: &Item) -> Result<Vec<u8>, String> {
    let rel = unescape_bytes(&item.path);
    let abs = cfg.root.join(OsStr::from_bytes(&rel));
    let mut file = open_evidence(&abs).map_err(|e| format!("cannot open {}: {e}", item.path))?;
    let cap = cfg.limits.max_message_bytes;
    let parts = &item.locator.0;
    let (mut bytes, rest) = match parts.first() {
        Some(LocatorPart::Mbox(n)) => {
            let container = Locator(Box::new([LocatorPart::Mbox(*n)]));
            let message = items
                .binary_search_by(|i| (&*i.path, &i.locator).cmp(&(&*item.path, &container)))
                .ok()
                .map(|i| &items[i]);
            let offset = message
                .and_then(|m| m.offset)
                .ok_or_else(|| format!("no offset recorded for {} {container}", item.path))?;
            file.seek(SeekFrom::Start(offset))
                .map_err(|e| e.to_string())?;
            let size = message.map_or(0, |m| m.size);
            (first_mbox_message(&mut file, cap, size)?, &parts[1..])
        }
        _ => {
            let mut bytes = Vec::new();
            file.take(cap as u64)
                .read_to_end(&mut bytes)
                .map_err(|e| format!("cannot read {}: {e}", item.path))?;
            (bytes, &parts[..])
        }
    };
    for part in rest {
        let n = match part {
            LocatorPart::Attachment(n, _) => n,
            LocatorPart::Archive(_) => {
                return Err(format!(
                    "{} is inside an archive: archive members are not read again (compare their facts)",
                    item.locator
                ));
            }
            LocatorPart::Mbox(_) => {
                return Err(format!("unexpected locator part in {}", item.locator));
            }
        };
        // The same prefix as the scan parsed, so attachment numbers agree.
        let message = MessageParser::default()
            .parse(within_limits(&bytes, &cfg.limits).0)
            .ok_or("the containing message no longer parses")?;
        let attachment = message
            .attachments()
            .nth((*n as usize).saturating_sub(1))
            .ok_or_else(|| format!("attachment {n} not found"))?;
        bytes = part_bytes(attachment, message.raw_message()).into_owned();
    }
    Ok(bytes)
}

/// Reads from the current position (a `From ` line) until one message is complete.
///
/// `size` is the message's recorded size: reads are sized to it (plus room
/// for its separator line and the next one), so that the splitter, which
/// hashes every byte it is fed, does not also split the messages that follow.
fn first_mbox_message(file: &mut std::fs::File, cap: usize, size: u64) -> Result<Vec<u8>, String> {
    const SLACK: usize = 2 * 1024;
    const MAX_CHUNK: usize = 64 * 1024;
    let chunk = usize::try_from(size)
        .unwrap_or(MAX_CHUNK)
        .min(cap)
        .saturating_add(SLACK)
        .min(MAX_CHUNK);
    let mut splitter = MboxSplitter::new(cap);
    let mut found: Option<Vec<u8>> = None;
    let mut buf = vec![0u8; chunk];
    loop {
        let n = file.read(&mut buf).map_err(|e| e.to_string())?;
        if n == 0 {
            break;
        }
        splitter.feed(&buf[..n], &mut |m| {
            if found.is_none() {
                found = Some(m.bytes);
            }
        });
        if found.is_some() {
            break;
        }
    }
    if found.is_none() {
        splitter.finish(&mut |m| {
            if found.is_none() {
                found = Some(m.bytes);
            }
        });
    }
    found.ok_or_else(|| "no message at the recorded offset".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// An mbox of `n` messages, each with a body of `body` bytes; returns the
    /// file and each message's separator offset.
    fn mbox(n: usize, body: usize) -> (tempfile::NamedTempFile, Vec<u64>) {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        let mut offsets = Vec::new();
        let mut at = 0u64;
        for i in 1..=n {
            let text = format!(
                "From sender{i}@example.org Mon Jan  1 00:00:00 2024\nSubject: message {i}\n\n{}\n\n",
                "x".repeat(body)
            );
            offsets.push(at);
            at += text.len() as u64;
            file.write_all(text.as_bytes()).unwrap();
        }
        (file, offsets)
    }

    #[test]
    fn a_message_is_found_again_whatever_the_size_hint() {
        let (file, offsets) = mbox(40, 3000);
        for hint in [0, 10, 3040, 3100, 1 << 40] {
            let mut f = file.reopen().unwrap();
            f.seek(SeekFrom::Start(offsets[7])).unwrap();
            let bytes = first_mbox_message(&mut f, 1 << 20, hint).unwrap();
            let text = String::from_utf8(bytes).unwrap();
            assert!(text.starts_with("Subject: message 8\n"), "hint {hint}");
            assert!(!text.contains("message 9"), "hint {hint}");
        }
    }

    #[test]
    fn the_last_message_ends_at_the_end_of_the_file() {
        let (file, offsets) = mbox(3, 100);
        let mut f = file.reopen().unwrap();
        f.seek(SeekFrom::Start(offsets[2])).unwrap();
        let text = String::from_utf8(first_mbox_message(&mut f, 1 << 20, 140).unwrap()).unwrap();
        assert!(text.starts_with("Subject: message 3\n"));
        assert!(text.trim_end().ends_with('x'));
    }
}
