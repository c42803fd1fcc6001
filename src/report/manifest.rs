//! `manifest.sha256`: the inventory in the format `sha256sum -c` verifies, run from the dump root.
//!
//! Paths are written as raw bytes (not the report's escaped form) so that
//! `sha256sum -c` finds the files. GNU coreutils' convention is followed for
//! names with a backslash, newline or carriage return: the line starts with
//! `\` and those characters are written `\\`, `\n`, `\r`.

use std::io::{self, Write};

use crate::digest::Digest;
use crate::item::Item;
use crate::walk::unescape_bytes;

/// Lines `HASH  PATH` for (raw relative path, SHA-256) pairs, sorted by path bytes.
///
/// Borrowed pairs and an output sized once: on a million files, owned pairs
/// and a doubling buffer held about 250 MB for a 110 MB manifest.
pub fn manifest(mut entries: Vec<(&[u8], &Digest)>) -> Vec<u8> {
    entries.sort_unstable();
    let len: usize = entries
        .iter()
        .map(|(path, _)| {
            let extra = path
                .iter()
                .filter(|&&b| matches!(b, b'\\' | b'\n' | b'\r'))
                .count();
            64 + 3 + path.len() + extra + usize::from(extra > 0)
        })
        .sum();
    let mut out = Vec::with_capacity(len);
    for (path, sha) in entries {
        write_line(&mut out, path, sha).expect("writing to memory cannot fail");
    }
    out
}

/// The manifest of a scan's regular files (its root items with a hash),
/// written to `out` without being held: on a million files the manifest is
/// about 110 MB, which the report used to keep until it was written. The
/// raw path is the item's path unescaped (`walk::escape_bytes` changes only
/// names with a backslash or bytes that are not UTF-8, and an escaped name
/// always has a backslash).
///
/// `items` must be in the scan's order (`Item::key`, as `scan` sorts them). For a name that
/// escaping left alone the escaped text is the raw bytes, so those lines are
/// already in `sha256sum`'s order; only the few escaped names are collected,
/// sorted by their raw bytes and merged in. Collecting every line to sort it
/// held 40 bytes a file (40 MB at a million files, the scan's peak).
pub fn write_items(items: &[Item], out: &mut (impl Write + ?Sized)) -> io::Result<()> {
    let files = || {
        items
            .iter()
            .filter(|i| i.locator.is_root())
            .filter_map(|i| Some((&*i.path, i.sha256.as_ref()?)))
    };
    let mut escaped: Vec<(Vec<u8>, &Digest)> = files()
        .filter(|(path, _)| path.contains('\\'))
        .map(|(path, sha)| (unescape_bytes(path), sha))
        .collect();
    escaped.sort_unstable();
    let mut escaped = escaped.into_iter().peekable();
    let mut out = io::BufWriter::with_capacity(1 << 16, out);
    let mut last: Option<&str> = None;
    for (path, sha) in files().filter(|(path, _)| !path.contains('\\')) {
        debug_assert!(
            last.is_none_or(|last| last < path),
            "manifest: items out of order at {path:?}"
        );
        last = Some(path);
        while let Some((raw, sha)) = escaped.next_if(|(raw, _)| raw.as_slice() < path.as_bytes()) {
            write_line(&mut out, &raw, sha)?;
        }
        write_line(&mut out, path.as_bytes(), sha)?;
    }
    for (raw, sha) in escaped {
        write_line(&mut out, &raw, sha)?;
    }
    out.flush()
}

/// One `HASH  PATH` line. GNU coreutils' convention for a name with a
/// backslash, newline or carriage return: the line starts with `\` and those
/// characters are written `\\`, `\n`, `\r`.
fn write_line(out: &mut impl Write, path: &[u8], sha: &Digest) -> io::Result<()> {
    let needs_escape = path.iter().any(|&b| matches!(b, b'\\' | b'\n' | b'\r'));
    if needs_escape {
        out.write_all(b"\\")?;
    }
    out.write_all(&sha.hex_bytes())?;
    out.write_all(b"  ")?;
    let mut rest = path;
    while let Some(at) = rest
        .iter()
        .position(|&b| matches!(b, b'\\' | b'\n' | b'\r'))
    {
        out.write_all(&rest[..at])?;
        // `needs_escape` holds whenever one of the three is there.
        out.write_all(match rest[at] {
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            _ => b"\\\\",
        })?;
        rest = &rest[at + 1..];
    }
    out.write_all(rest)?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_items_give_the_manifest_of_their_files() {
        use crate::item::{ItemKind, Locator, LocatorPart};
        use crate::walk::escape_bytes;
        // Escaped names sort apart from their raw bytes ("caf\\xff.eml" before
        // "cafe.eml", "caf\xff.eml" after it): they are merged in by raw bytes.
        let raws: [&[u8]; 7] = [
            b"plain.eml",
            b"caf\xff.eml",
            b"cafe.eml",
            b"cag",
            b"back\\slash",
            b"backz",
            b"new\nline",
        ];
        let mut items = Vec::new();
        let mut entries = Vec::new();
        let digests: Vec<Digest> = raws.iter().map(|r| Digest::of(r)).collect();
        for (raw, digest) in raws.iter().zip(&digests) {
            let mut item = Item::new(escape_bytes(raw), Locator::root(), ItemKind::Email);
            item.sha256 = Some(*digest);
            // An attachment of the file is no file of the dump.
            let mut child = Item::new(
                escape_bytes(raw),
                Locator::root().child(LocatorPart::Mbox(1)),
                ItemKind::Email,
            );
            child.sha256 = Some(Digest::of(b"inner"));
            items.extend([item, child]);
            entries.push((*raw, digest));
        }
        // A symlink: never read, no hash.
        items.push(Item::new("link".into(), Locator::root(), ItemKind::Symlink));
        items.sort_by(|a, b| a.key().cmp(&b.key()));
        let mut written = Vec::new();
        write_items(&items, &mut written).unwrap();
        assert_eq!(written, manifest(entries));
    }

    #[test]
    fn sorted_and_escaped_like_coreutils() {
        let digest = |b: u8| Digest([b; 32]);
        let (aa, bb, cc, dd) = (digest(0xaa), digest(0xbb), digest(0xcc), digest(0xdd));
        let m = manifest(vec![
            (&b"b.eml"[..], &bb),
            (&b"a\nb"[..], &aa),
            (&b"c\xff"[..], &cc),
            (&b"d\\e"[..], &dd),
        ]);
        let hex = |b: &str| b.repeat(32);
        let want = format!(
            "\\{}  a\\nb\n{}  b.eml\n{}  c",
            hex("aa"),
            hex("bb"),
            hex("cc")
        );
        let mut want = want.into_bytes();
        want.push(0xff);
        want.extend_from_slice(format!("\n\\{}  d\\\\e\n", hex("dd")).as_bytes());
        assert_eq!(m, want);
        assert_eq!(m.len(), m.capacity());
    }
}
