//! Hash-only walk: every regular file through SHA-256, nothing parsed.
//!
//! Serves `leakprov hash` (fix a dump's inventory before analysing it, and the
//! speed floor `scan` is measured against) and `leakprov verify` (re-hash a
//! dump later and compare with its manifest).

use std::io::Read;

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::error::ItemError;
use crate::item::Locator;
use crate::progress::Progress;
use crate::read::open_evidence;
use crate::walk::{FileEntry, walk};

/// One regular file and its hash, or why it could not be read.
pub struct Hashed {
    pub entry: FileEntry,
    pub sha256: Result<crate::digest::Digest, String>,
}

/// Hashes every regular file under `root` on `threads` workers; entries sorted by path.
pub fn hash_tree(
    root: &std::path::Path,
    threads: usize,
    progress: &Progress,
) -> anyhow::Result<(Vec<Hashed>, Vec<ItemError>)> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .build()?;
    let walked = pool.install(|| walk(root));
    progress.start(
        walked.files.len() as u64,
        walked.files.iter().map(|f| f.size).sum(),
    );
    let mut hashed: Vec<Hashed> = pool.install(|| {
        walked
            .files
            .into_par_iter()
            .map(|entry| {
                let sha256 = hash_file(&entry, root, progress);
                progress.file_done();
                Hashed { entry, sha256 }
            })
            .collect()
    });
    hashed.sort_by(|a, b| a.entry.raw_path().cmp(b.entry.raw_path()));
    progress.finish();
    let mut errors = walked.errors;
    for h in &hashed {
        if let Err(e) = &h.sha256 {
            errors.push(ItemError::new(&h.entry.path, &Locator::root(), e.clone()));
        }
    }
    Ok((hashed, errors))
}

fn hash_file(
    entry: &FileEntry,
    root: &std::path::Path,
    progress: &Progress,
) -> Result<crate::digest::Digest, String> {
    let mut file = open_evidence(&entry.abs(root)).map_err(|e| format!("cannot open: {e}"))?;
    let mut hasher = Sha256::new();
    // The worker's reusable buffer: a fresh zeroed megabyte per file cost
    // more than hashing a small file (half the time on 300,000 emails).
    crate::read::with_buffer(1 << 20, |buf| {
        loop {
            let n = match file.read(buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(format!("read failed: {e}")),
            };
            hasher.update(&buf[..n]);
            progress.bytes_read(n as u64);
        }
        Ok(())
    })?;
    Ok(crate::digest::Digest(hasher.finalize().into()))
}
