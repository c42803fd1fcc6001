//! `manifest.sha256`: the inventory in the format `sha256sum -c` verifies, run from the dump root.
//!
//! Paths are written as raw bytes (not the report's escaped form) so that
//! `sha256sum -c` finds the files. GNU coreutils' convention is followed for
//! names with a backslash, newline or carriage return: the line starts with
//! `\` and those characters are written `\\`, `\n`, `\r`.

/// Lines `HASH  PATH` for (raw relative path, hex SHA-256) pairs, sorted by path bytes.
pub fn manifest(mut entries: Vec<(Vec<u8>, String)>) -> Vec<u8> {
    entries.sort();
    let mut out = Vec::new();
    for (path, sha) in entries {
        let needs_escape = path.iter().any(|&b| matches!(b, b'\\' | b'\n' | b'\r'));
        if needs_escape {
            out.push(b'\\');
        }
        out.extend_from_slice(sha.as_bytes());
        out.extend_from_slice(b"  ");
        for &b in &path {
            match b {
                b'\\' if needs_escape => out.extend_from_slice(b"\\\\"),
                b'\n' => out.extend_from_slice(b"\\n"),
                b'\r' => out.extend_from_slice(b"\\r"),
                b => out.push(b),
            }
        }
        out.push(b'\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_and_escaped_like_coreutils() {
        let m = manifest(vec![
            (b"b.eml".to_vec(), "bb".into()),
            (b"a\nb".to_vec(), "aa".into()),
            (b"c\xff".to_vec(), "cc".into()),
        ]);
        assert_eq!(m, b"\\aa  a\\nb\nbb  b.eml\ncc  c\xff\n");
    }
}
