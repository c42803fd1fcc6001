//! `leakprov verify`: re-hashes a dump and compares it with a manifest, to show it was not changed.
//!
//! A dump scanned today may be examined again in a year, by someone else. The
//! manifest written with the report (`manifest.sha256`) fixes every file's
//! SHA-256; `verify` lists what changed, what is missing and what is new.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::hash::hash_tree;
use crate::progress::Progress;
use crate::walk::escape_bytes;

/// One line of a manifest: raw path bytes and expected hash.
#[derive(Debug, Clone, PartialEq)]
pub struct ManifestEntry {
    pub path: Vec<u8>,
    pub sha256: String,
}

/// Parses `sha256sum` output, including GNU's escaped form (a leading `\`
/// with `\\`, `\n`, `\r` in the name) and binary-mode `*` markers.
pub fn parse_manifest(bytes: &[u8]) -> Result<Vec<ManifestEntry>, String> {
    let mut entries = Vec::new();
    for (n, line) in bytes.split(|&b| b == b'\n').enumerate() {
        if line.is_empty() {
            continue;
        }
        let (escaped, line) = match line.strip_prefix(b"\\") {
            Some(rest) => (true, rest),
            None => (false, line),
        };
        if line.len() < 66 || !line[..64].iter().all(u8::is_ascii_hexdigit) || line[64] != b' ' {
            return Err(format!("line {}: not a sha256sum line", n + 1));
        }
        let sha256 = String::from_utf8_lossy(&line[..64]).to_ascii_lowercase();
        let name = &line[66..];
        let path = if escaped {
            unescape(name)
        } else {
            name.to_vec()
        };
        entries.push(ManifestEntry { path, sha256 });
    }
    Ok(entries)
}

fn unescape(name: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(name.len());
    let mut i = 0;
    while i < name.len() {
        if name[i] == b'\\' && i + 1 < name.len() {
            match name[i + 1] {
                b'\\' => out.push(b'\\'),
                b'n' => out.push(b'\n'),
                b'r' => out.push(b'\r'),
                other => {
                    out.push(b'\\');
                    out.push(other);
                }
            }
            i += 2;
        } else {
            out.push(name[i]);
            i += 1;
        }
    }
    out
}

/// What `verify` found. Paths are escaped as in the report.
#[derive(Debug, Default, Serialize)]
pub struct Verification {
    pub verified: u64,
    pub changed: Vec<String>,
    pub missing: Vec<String>,
    pub new: Vec<String>,
    pub unreadable: Vec<String>,
}

impl Verification {
    pub fn is_clean(&self) -> bool {
        self.changed.is_empty()
            && self.missing.is_empty()
            && self.new.is_empty()
            && self.unreadable.is_empty()
    }
}

pub fn verify(
    root: &std::path::Path,
    manifest: &[ManifestEntry],
    threads: usize,
    progress: &Progress,
) -> anyhow::Result<Verification> {
    let (hashed, _) = hash_tree(root, threads, progress)?;
    let mut expected: BTreeMap<&[u8], &str> = manifest
        .iter()
        .map(|e| (e.path.as_slice(), e.sha256.as_str()))
        .collect();
    let mut result = Verification::default();
    for h in &hashed {
        let shown = h.entry.path.clone();
        match (expected.remove(h.entry.raw_path()), &h.sha256) {
            (None, _) => result.new.push(shown),
            (Some(_), Err(_)) => result.unreadable.push(shown),
            (Some(want), Ok(got)) if want.as_bytes() == got.hex_bytes() => result.verified += 1,
            (Some(_), Ok(_)) => result.changed.push(shown),
        }
    }
    result.missing = expected.keys().map(|p| escape_bytes(p)).collect();
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::manifest::manifest;

    #[test]
    fn reads_back_what_the_writer_writes() {
        let digest = crate::digest::Digest([0xaa; 32]);
        let written = manifest(vec![
            (&b"plain.eml"[..], &digest),
            (&b"new\nline\\x"[..], &digest),
            (&b"bad\xff"[..], &digest),
        ]);
        let parsed = parse_manifest(&written).unwrap();
        let paths: Vec<&[u8]> = parsed.iter().map(|e| e.path.as_slice()).collect();
        assert_eq!(paths, [&b"bad\xff"[..], b"new\nline\\x", b"plain.eml"]);
        assert!(parsed.iter().all(|e| e.sha256 == digest.hex()));
    }

    #[test]
    fn accepts_binary_mode_and_rejects_garbage() {
        let sha = "b".repeat(64);
        let parsed = parse_manifest(format!("{sha} *file.bin\n").as_bytes()).unwrap();
        assert_eq!(parsed[0].path, b"file.bin");
        assert!(parse_manifest(b"not a manifest\n").is_err());
    }
}
