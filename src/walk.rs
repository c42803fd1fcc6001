//! Walks the dump without ever leaving it: symlinks and special files are recorded, never followed or opened.
//!
//! Paths in the report are relative to the dump root and '/'-separated. File
//! names that are not valid UTF-8 survive losslessly: each byte of an invalid
//! sequence is written `\xNN` (two upper-case hex digits) and a literal
//! backslash is written `\\`; every other character is written as itself.

use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::error::ItemError;
use crate::item::{Item, ItemKind, Locator};

/// A regular file to read.
#[derive(Debug, Clone)]
pub struct FileEntry {
    /// Escaped, '/'-separated path relative to the root (the report's `path`).
    pub path: String,
    /// The raw bytes of the relative path when they differ from `path` (a
    /// name that is not UTF-8 or needs escaping); `raw_path` gives them
    /// either way. Nearly every path is its own escaped form: a second copy
    /// cost about 70 bytes a file. (The absolute path is not kept either: a
    /// million files would hold it as a third copy of every path.)
    raw: Option<Box<[u8]>>,
    /// Size seen by the walk; the reader records what it actually read.
    pub size: u64,
    /// Last modification and last status change seen by the walk, in
    /// nanoseconds since 1970: with the size, how a resumed scan tells that a
    /// file is unchanged since an earlier run journaled it (mtime can be set
    /// back by anyone who can write the file, ctime cannot).
    pub mtime_ns: i64,
    pub ctime_ns: i64,
}

impl FileEntry {
    /// A file at `raw` (relative to the root), escaped as `path`.
    pub fn new(path: String, raw: &[u8], size: u64, mtime_ns: i64, ctime_ns: i64) -> Self {
        let raw = (raw != path.as_bytes()).then(|| raw.into());
        FileEntry {
            path,
            raw,
            size,
            mtime_ns,
            ctime_ns,
        }
    }

    /// The raw bytes of the relative path, for the manifest and for opening the file.
    pub fn raw_path(&self) -> &[u8] {
        self.raw.as_deref().unwrap_or(self.path.as_bytes())
    }

    /// The file's path under `root`, the folder that was walked.
    pub fn abs(&self, root: &Path) -> PathBuf {
        root.join(std::ffi::OsStr::from_bytes(self.raw_path()))
    }
}

/// What the walk found: files to read, and items and errors it settled itself.
#[derive(Debug, Default)]
pub struct Walk {
    pub files: Vec<FileEntry>,
    /// Symlinks and special files: recorded without being opened.
    pub items: Vec<Item>,
    pub errors: Vec<ItemError>,
}

/// Lists everything under `root`, sorted by name, without following symlinks.
/// Called within a rayon pool, the files' metadata is read on its threads.
pub fn walk(root: &Path) -> Walk {
    let mut out = Walk::default();
    // follow_root_links: the root the user named may itself be a symlink to the
    // dump; below it nothing is followed.
    let walker = WalkDir::new(root)
        .follow_links(false)
        .follow_root_links(true)
        .sort_by_file_name();
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                let path = err
                    .path()
                    .and_then(|p| p.strip_prefix(root).ok())
                    .map(display_path)
                    .unwrap_or_default();
                let reason = err
                    .io_error()
                    .map(|e| e.to_string())
                    .unwrap_or_else(|| err.to_string());
                out.errors.push(ItemError::new(
                    &path,
                    &Locator::root(),
                    format!("cannot list: {reason}"),
                ));
                continue;
            }
        };
        if entry.depth() == 0 {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(root) else {
            continue;
        };
        let path = display_path(rel);
        let file_type = entry.file_type();
        if file_type.is_dir() {
            continue;
        }
        if file_type.is_symlink() {
            let mut item = Item::new(path, Locator::root(), ItemKind::Symlink);
            item.extra_mut().link_target = std::fs::read_link(entry.path())
                .ok()
                .map(|t| escape_bytes(t.as_os_str().as_bytes()));
            out.items.push(item);
            continue;
        }
        if file_type.is_file() {
            // Size and times below, for all files at once.
            out.files
                .push(FileEntry::new(path, rel.as_os_str().as_bytes(), 0, 0, 0));
            continue;
        }
        let mut item = Item::new(path, Locator::root(), ItemKind::Special);
        item.extra_mut().special = Some(special_kind(&file_type));
        out.items.push(item);
    }
    // One lstat per file, on the current rayon pool's threads: listing a
    // folder reads many names in one system call, while each file's size and
    // times take one of their own, most of the walk's time on many small files.
    use rayon::prelude::*;
    out.files.par_iter_mut().for_each(|file| {
        let nanos = |secs: i64, nsec: i64| secs.saturating_mul(1_000_000_000).saturating_add(nsec);
        if let Ok(meta) = std::fs::symlink_metadata(file.abs(root)) {
            file.size = meta.len();
            file.mtime_ns = nanos(meta.mtime(), meta.mtime_nsec());
            file.ctime_ns = nanos(meta.ctime(), meta.ctime_nsec());
        }
    });
    out
}

fn special_kind(t: &std::fs::FileType) -> &'static str {
    if t.is_fifo() {
        "fifo"
    } else if t.is_socket() {
        "socket"
    } else if t.is_block_device() {
        "block-device"
    } else if t.is_char_device() {
        "char-device"
    } else {
        "unknown"
    }
}

/// The report's spelling of a relative path (see the module doc).
pub fn display_path(rel: &Path) -> String {
    let mut out = String::new();
    for (i, part) in rel.components().enumerate() {
        if i > 0 {
            out.push('/');
        }
        out.push_str(&escape_bytes(part.as_os_str().as_bytes()));
    }
    out
}

/// Escapes bytes that are not UTF-8 as `\xNN` and a backslash as `\\`.
pub fn escape_bytes(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            if c == '\\' {
                out.push_str("\\\\");
            } else {
                out.push(c);
            }
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02X}"));
        }
    }
    out
}

/// Inverse of `escape_bytes`: the raw bytes of a report path.
pub fn unescape_bytes(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\' {
            if bytes.get(i + 1) == Some(&b'\\') {
                out.push(b'\\');
                i += 2;
                continue;
            }
            if bytes.get(i + 1) == Some(&b'x')
                && let Some(b) = bytes
                    .get(i + 2..i + 4)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(b);
                i += 4;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unescape_reverses_escape() {
        for raw in [
            &b"caf\xc3\xa9.eml"[..],
            b"bad\xff\xfe.eml",
            b"a\\b\\xff",
            b"plain/x.eml",
        ] {
            assert_eq!(unescape_bytes(&escape_bytes(raw)), raw);
        }
    }

    #[test]
    fn escapes_invalid_utf8_and_backslash() {
        assert_eq!(escape_bytes(b"caf\xc3\xa9.eml"), "café.eml");
        assert_eq!(escape_bytes(b"bad\xff\xfe.eml"), "bad\\xFF\\xFE.eml");
        assert_eq!(escape_bytes(b"a\\b"), "a\\\\b");
    }

    #[test]
    fn a_file_keeps_its_raw_name_only_when_escaping_changed_it() {
        for raw in [
            &b"plain/x.eml"[..],
            b"caf\xc3\xa9.eml",
            b"bad\xff.eml",
            b"a\\b",
        ] {
            let entry = FileEntry::new(escape_bytes(raw), raw, 1, 0, 0);
            assert_eq!(entry.raw_path(), raw);
            assert_eq!(entry.raw.is_some(), escape_bytes(raw).as_bytes() != raw);
            assert_eq!(
                entry.abs(Path::new("/root")).as_os_str().as_bytes(),
                [&b"/root/"[..], raw].concat()
            );
        }
    }

    #[test]
    fn display_path_uses_forward_slashes() {
        assert_eq!(display_path(Path::new("a/b/c.eml")), "a/b/c.eml");
    }
}
