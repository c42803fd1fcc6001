//! The MinHash signatures of slim items, in an unnamed temporary file beside the journal.
//!
//! A signature is 256 bytes and nearly every message and document has one;
//! only `document-variant` reads them, once, after the last file is read.
//! Held in memory they were about 45 MB of a 4 GB scan's 300. Here each is a
//! fixed-size record written once (`pwrite`, no lock), and the item keeps its
//! number (`MinHash::Stored`). The corpus check reads them back in number
//! order, a block at a time. The file is never named, so it disappears with
//! the process; it is a copy of what the journal holds, kept apart because a
//! journal line would have to be parsed whole to reach it.
//!
//! Not memory-mapped: mapped pages that were read count as the process's
//! resident memory, which is what this saves.

use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::parse::minhash::{HASHES, Signature};

const RECORD: usize = HASHES * 4;
/// Records read back per `pread`: 1 MB.
const BLOCK: usize = 4096;

#[derive(Debug)]
pub struct Signatures {
    file: File,
    next: AtomicU64,
}

impl Signatures {
    /// A store in an unnamed temporary file in `dir`; `None` when none can
    /// be made (signatures then stay in memory).
    pub fn in_dir(dir: &Path) -> Option<Self> {
        let file = tempfile::tempfile_in(dir).ok()?;
        Some(Signatures {
            file,
            next: AtomicU64::new(0),
        })
    }

    /// Stores `sig` and gives its number; `None` when it could not be
    /// written (the caller keeps it in memory).
    pub fn put(&self, sig: &Signature) -> Option<u32> {
        let number = u32::try_from(self.next.fetch_add(1, Ordering::Relaxed)).ok()?;
        let mut record = [0u8; RECORD];
        for (bytes, value) in record.chunks_exact_mut(4).zip(sig.iter()) {
            bytes.copy_from_slice(&value.to_le_bytes());
        }
        self.file
            .write_all_at(&record, u64::from(number) * RECORD as u64)
            .ok()?;
        Some(number)
    }

    /// Calls `f(k, signature)` for each `numbers[k]`, which must ascend, reading the
    /// file in order a block at a time. A record that cannot be read is skipped;
    /// the error is returned once all readable ones were visited.
    pub fn visit(
        &self,
        numbers: impl IntoIterator<Item = u32>,
        mut f: impl FnMut(usize, &[u32; HASHES]),
    ) -> Result<(), String> {
        let mut block = vec![0u8; RECORD * BLOCK];
        // Numbers of the records in `block`: first, and how many were read.
        let (mut first, mut held) = (0u32, 0usize);
        let mut failure = None;
        let mut last = 0;
        for (k, number) in numbers.into_iter().enumerate() {
            debug_assert!(number >= last, "numbers must ascend");
            last = number;
            let in_block = number >= first && ((number - first) as usize) < held;
            if !in_block {
                first = number;
                held = match read_up_to(&self.file, &mut block, u64::from(number) * RECORD as u64) {
                    Ok(n) => n / RECORD,
                    Err(e) => {
                        failure.get_or_insert(e);
                        0
                    }
                };
                if held == 0 {
                    failure.get_or_insert_with(|| format!("no signature {number} in the store"));
                    continue;
                }
            }
            let at = (number - first) as usize * RECORD;
            let mut sig = [0u32; HASHES];
            for (value, bytes) in sig.iter_mut().zip(block[at..at + RECORD].chunks_exact(4)) {
                *value = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
            }
            f(k, &sig);
        }
        match failure {
            None => Ok(()),
            Some(e) => Err(format!("cannot read MinHash signatures back: {e}")),
        }
    }
}

/// Fills `buf` from `offset` until it is full or the file ends; the bytes read.
fn read_up_to(file: &File, buf: &mut [u8], offset: u64) -> Result<usize, String> {
    let mut done = 0;
    while done < buf.len() {
        match file.read_at(&mut buf[done..], offset + done as u64) {
            Ok(0) => break,
            Ok(n) => done += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e.to_string()),
        }
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sig(seed: u32) -> Signature {
        let mut s = [0u32; HASHES];
        for (i, v) in s.iter_mut().enumerate() {
            *v = seed.wrapping_mul(2_654_435_761).wrapping_add(i as u32);
        }
        Box::new(s)
    }

    #[test]
    fn signatures_come_back_by_number_across_blocks() {
        let dir = tempfile::tempdir().unwrap();
        let store = Signatures::in_dir(dir.path()).unwrap();
        let count = BLOCK as u32 * 2 + 7;
        let numbers: Vec<u32> = (0..count).map(|i| store.put(&sig(i)).unwrap()).collect();
        assert_eq!(numbers, (0..count).collect::<Vec<_>>());
        // Every third one, and the same number twice: each visited, in order.
        let wanted: Vec<u32> = (0..count).step_by(3).chain([count - 1]).collect();
        let mut seen = Vec::new();
        store
            .visit(wanted.iter().copied(), |k, s| {
                assert_eq!(*s, *sig(wanted[k]));
                seen.push(k);
            })
            .unwrap();
        assert_eq!(seen, (0..wanted.len()).collect::<Vec<_>>());
        assert!(
            std::fs::read_dir(dir.path()).unwrap().next().is_none(),
            "never named"
        );
    }

    #[test]
    fn a_number_never_stored_is_an_error_and_the_rest_still_come_back() {
        let dir = tempfile::tempdir().unwrap();
        let store = Signatures::in_dir(dir.path()).unwrap();
        let a = store.put(&sig(1)).unwrap();
        let mut seen = Vec::new();
        let result = store.visit([a, 5], |k, s| {
            assert_eq!(*s, *sig(1));
            seen.push(k);
        });
        assert_eq!(seen, vec![0]);
        assert!(result.unwrap_err().contains("no signature 5"));
    }
}
