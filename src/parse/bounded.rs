//! Bounded decompression: every byte that comes out of a zip, tar or gzip goes through here.
//!
//! Archives in a leak are hostile: a 40 KB zip can inflate to petabytes, a
//! central directory can list millions of entries, a gzip stream can claim
//! anything. Readers here count what they produce and stop at the limits of
//! `DocLimits`, so a bomb ends as an error record after a bounded amount of
//! work, never as an exhausted machine.

use std::io::{Cursor, Read};
use std::time::Instant;

use sha2::{Digest, Sha256};
use zip::ZipArchive;

use crate::config::DocLimits;
use crate::sniff::SNIFF_LEN;

/// What a container (with everything nested in it) may still cost.
pub struct Budget {
    bytes_left: u64,
    entries_left: usize,
    start: Instant,
    limits: DocLimits,
}

impl Budget {
    pub fn new(limits: &DocLimits) -> Self {
        Budget {
            bytes_left: limits.max_container_bytes,
            entries_left: limits.max_entries,
            start: Instant::now(),
            limits: limits.clone(),
        }
    }

    /// Counts one entry; an error once the container has had too many.
    pub fn take_entry(&mut self) -> Result<(), String> {
        if self.entries_left == 0 {
            return Err(format!(
                "more than {} entries: the rest are not read",
                self.limits.max_entries
            ));
        }
        self.entries_left -= 1;
        Ok(())
    }

    /// An error once the container's time is up.
    pub fn check_time(&self) -> Result<(), String> {
        if self.start.elapsed() > self.limits.max_container_time {
            return Err(format!(
                "time limit of {} ms per container reached: the rest is not read",
                self.limits.max_container_time.as_millis()
            ));
        }
        Ok(())
    }
}

/// One archive member as read: hashed whole (within the limits), kept when small enough.
#[derive(Debug, Default)]
pub struct Member {
    /// Bytes read (all of them, unless `error` says reading stopped).
    pub size: u64,
    /// SHA-256 of the whole member; none when reading stopped early.
    pub sha256: Option<crate::digest::Digest>,
    /// The first bytes, for `sniff`.
    pub head: Vec<u8>,
    /// The member, when it was read whole and fits in `max_document_bytes`.
    pub bytes: Option<Vec<u8>>,
    /// Why reading stopped before the end.
    pub error: Option<String>,
}

/// Streams one member through SHA-256, keeping it in memory if it fits.
///
/// `compressed` tells how many compressed bytes have been consumed so far,
/// when the format lets us know (zip): the compression ratio is then checked
/// as the bytes come out, so a bomb stops after about `ratio_floor` bytes.
pub fn read_member(
    reader: &mut dyn Read,
    compressed: Option<&dyn Fn() -> u64>,
    budget: &mut Budget,
) -> Member {
    let limits = budget.limits.clone();
    let mut member = Member::default();
    let mut hasher = Sha256::new();
    let mut kept: Option<Vec<u8>> = Some(Vec::new());
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                member.error = Some(format!("cannot decompress: {e}"));
                break;
            }
        };
        let chunk = &buf[..n];
        member.size += n as u64;
        if let Err(e) = check_output(member.size, compressed.map(|c| c()), &limits) {
            member.error = Some(e);
            break;
        }
        if n as u64 > budget.bytes_left {
            member.error = Some(format!(
                "the container decompressed to more than {} bytes: the rest is not read",
                limits.max_container_bytes
            ));
            budget.bytes_left = 0;
            break;
        }
        budget.bytes_left -= n as u64;
        hasher.update(chunk);
        if member.head.len() < SNIFF_LEN {
            let room = SNIFF_LEN - member.head.len();
            member.head.extend_from_slice(&chunk[..n.min(room)]);
        }
        if let Some(bytes) = kept.as_mut() {
            if bytes.len() + n > limits.max_document_bytes {
                kept = None;
            } else {
                bytes.extend_from_slice(chunk);
            }
        }
    }
    if member.error.is_none() {
        member.sha256 = Some(crate::digest::Digest(hasher.finalize().into()));
        member.bytes = kept;
    }
    member
}

/// Checks decompressed output against the member size and ratio limits.
fn check_output(size: u64, compressed: Option<u64>, limits: &DocLimits) -> Result<(), String> {
    if size > limits.max_member_bytes {
        return Err(format!(
            "decompresses to more than {} bytes: not read further",
            limits.max_member_bytes
        ));
    }
    if let Some(compressed) = compressed
        && size > limits.ratio_floor
        && size > compressed.max(1).saturating_mul(limits.max_ratio)
    {
        return Err(format!(
            "compression ratio above {}:1 ({size} bytes out of {compressed} so far): a decompression bomb? not read further",
            limits.max_ratio
        ));
    }
    Ok(())
}

/// Counts the bytes read through it (the compressed side of a decoder).
pub struct Counting<R> {
    pub inner: R,
    pub count: std::rc::Rc<std::cell::Cell<u64>>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.set(self.count.get() + n as u64);
        Ok(n)
    }
}

/// Wraps a decompressing stream (gzip) so that it fails past the ratio or size limit.
pub struct RatioReader<R> {
    inner: R,
    produced: u64,
    compressed: u64,
    limits: DocLimits,
}

impl<R: Read> RatioReader<R> {
    pub fn new(inner: R, compressed: u64, limits: &DocLimits) -> Self {
        RatioReader {
            inner,
            produced: 0,
            compressed,
            limits: limits.clone(),
        }
    }
}

impl<R: Read> Read for RatioReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.produced += n as u64;
        let limits = &self.limits;
        if self.produced > limits.max_container_bytes {
            return Err(std::io::Error::other(format!(
                "the stream decompresses to more than {} bytes",
                limits.max_container_bytes
            )));
        }
        if self.produced > limits.ratio_floor
            && self.produced > self.compressed.max(1).saturating_mul(limits.max_ratio)
        {
            return Err(std::io::Error::other(format!(
                "compression ratio above {}:1 ({} bytes out of {}): a decompression bomb?",
                limits.max_ratio, self.produced, self.compressed
            )));
        }
        Ok(n)
    }
}

/// Opens a zip held in memory after checking its entry count, so a central
/// directory listing millions of entries is refused before it is indexed.
pub fn open_zip<'a>(
    bytes: &'a [u8],
    limits: &DocLimits,
) -> Result<ZipArchive<Cursor<&'a [u8]>>, String> {
    if let Some(count) = zip_entry_count(bytes)
        && count > limits.max_entries as u64
    {
        return Err(format!(
            "the zip lists {count} entries, more than the limit of {}",
            limits.max_entries
        ));
    }
    ZipArchive::new(Cursor::new(bytes)).map_err(|e| format!("not a readable zip: {e}"))
}

/// Entries declared in the end-of-central-directory record (zip64 aware).
fn zip_entry_count(bytes: &[u8]) -> Option<u64> {
    const EOCD: &[u8] = b"PK\x05\x06";
    let search_from = bytes.len().saturating_sub(22 + 65_535);
    let rel = bytes[search_from..].windows(4).rposition(|w| w == EOCD)?;
    let eocd = search_from + rel;
    let count = u16::from_le_bytes([*bytes.get(eocd + 10)?, *bytes.get(eocd + 11)?]);
    if count != 0xFFFF {
        return Some(u64::from(count));
    }
    // Zip64: the locator just before the EOCD points at the zip64 EOCD record.
    let locator = bytes.get(eocd.checked_sub(20)?..eocd)?;
    if &locator[..4] != b"PK\x06\x07" {
        return Some(u64::from(count));
    }
    let offset = u64::from_le_bytes(locator[8..16].try_into().ok()?) as usize;
    let record = bytes.get(offset..offset.checked_add(40)?)?;
    if &record[..4] != b"PK\x06\x06" {
        return Some(u64::from(count));
    }
    Some(u64::from_le_bytes(record[32..40].try_into().ok()?))
}

/// Reads one small metadata part of an office zip (core.xml, meta.xml...), within the limits.
///
/// `Ok(None)` when the part is absent.
pub fn zip_part(
    archive: &mut ZipArchive<Cursor<&[u8]>>,
    name: &str,
    cap: u64,
    limits: &DocLimits,
) -> Result<Option<Vec<u8>>, String> {
    let mut file = match archive.by_name(name) {
        Ok(f) => f,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(format!("{name}: {e}")),
    };
    let compressed = file.compressed_size();
    let mut out = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    loop {
        let n = file
            .read(&mut buf)
            .map_err(|e| format!("{name}: cannot decompress: {e}"))?;
        if n == 0 {
            break;
        }
        out.extend_from_slice(&buf[..n]);
        let size = out.len() as u64;
        check_output(size, Some(compressed), limits).map_err(|e| format!("{name}: {e}"))?;
        if size > cap {
            return Err(format!(
                "{name}: larger than {cap} bytes, not a plausible metadata part"
            ));
        }
    }
    Ok(Some(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small_limits() -> DocLimits {
        DocLimits {
            max_document_bytes: 100,
            max_member_bytes: 1000,
            max_container_bytes: 1500,
            ratio_floor: 200,
            max_ratio: 10,
            ..DocLimits::default()
        }
    }

    #[test]
    fn member_is_hashed_and_kept_when_small() {
        let mut budget = Budget::new(&small_limits());
        let m = read_member(&mut &b"hello"[..], None, &mut budget);
        assert_eq!(m.size, 5);
        assert_eq!(m.bytes.as_deref(), Some(&b"hello"[..]));
        assert!(m.error.is_none());
        assert_eq!(
            m.sha256.map(|d| d.hex()).as_deref(),
            Some("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824")
        );
    }

    #[test]
    fn limits_stop_reading() {
        let limits = small_limits();
        // Larger than the in-memory cap: hashed only.
        let mut budget = Budget::new(&limits);
        let m = read_member(&mut &[0u8; 150][..], None, &mut budget);
        assert!(m.sha256.is_some() && m.bytes.is_none());
        // Larger than the member cap: stopped, no hash.
        let mut budget = Budget::new(&limits);
        let m = read_member(&mut &[0u8; 1200][..], None, &mut budget);
        assert!(m.sha256.is_none());
        assert!(m.error.unwrap().contains("more than 1000 bytes"));
        // Ratio: 300 bytes out of 10 compressed is 30:1.
        let mut budget = Budget::new(&limits);
        let m = read_member(&mut &[0u8; 300][..], Some(&|| 10), &mut budget);
        assert!(m.error.unwrap().contains("compression ratio"));
        // Container: two members of 900 exceed 1500 together.
        let mut budget = Budget::new(&limits);
        assert!(
            read_member(&mut &[0u8; 900][..], None, &mut budget)
                .error
                .is_none()
        );
        let m = read_member(&mut &[0u8; 900][..], None, &mut budget);
        assert!(m.error.unwrap().contains("container"));
    }

    #[test]
    fn entry_and_time_budgets() {
        let limits = DocLimits {
            max_entries: 1,
            max_container_time: std::time::Duration::ZERO,
            ..DocLimits::default()
        };
        let mut budget = Budget::new(&limits);
        assert!(budget.take_entry().is_ok());
        assert!(budget.take_entry().is_err());
        std::thread::sleep(std::time::Duration::from_millis(2));
        assert!(budget.check_time().is_err());
    }

    #[test]
    fn ratio_reader_fails_past_the_ratio() {
        let limits = small_limits();
        let mut r = RatioReader::new(&[0u8; 300][..], 10, &limits);
        let mut out = Vec::new();
        assert!(r.read_to_end(&mut out).is_err());
        let mut r = RatioReader::new(&[0u8; 300][..], 100, &limits);
        assert!(r.read_to_end(&mut Vec::new()).is_ok());
    }
}
