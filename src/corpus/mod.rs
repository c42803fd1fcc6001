//! Indexes built once over the facts of every item, for the corpus checks.
//!
//! Built after the walk from the sorted items, so index order, and
//! therefore finding order, is deterministic. Message bytes are not kept:
//! the few items that need an in-depth comparison (copies of one Message-ID
//! whose content differs) are read again here, once, so that checks never
//! do I/O.

pub mod documents;
pub mod releases;

use std::collections::BTreeMap;

use crate::config::Config;
use crate::item::{Item, ItemKind};
use crate::parse::email::normalized_content;
use crate::parse::normalize::Normalized;
use crate::reread::item_bytes;

pub struct Corpus<'a> {
    /// Every item, sorted by (path, locator).
    pub items: &'a [Item],
    /// Non-empty items by SHA-256, members in item order.
    pub by_sha256: BTreeMap<&'a str, Vec<usize>>,
    /// Messages by Message-ID (without angle brackets), members in item order.
    pub by_message_id: BTreeMap<&'a str, Vec<usize>>,
    /// Normalised content of the members of Message-ID groups whose copies
    /// differ (read again from the dump); an error string when that failed.
    pub contents: BTreeMap<usize, Result<Normalized, String>>,
}

impl<'a> Corpus<'a> {
    /// Indexes only; no content is read again (for tests and facts-only use).
    pub fn build(items: &'a [Item]) -> Self {
        let mut by_sha256: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        let mut by_message_id: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, item) in items.iter().enumerate() {
            if let Some(id) = item.email.as_deref().and_then(|e| e.message_id.as_deref()) {
                by_message_id.entry(id).or_default().push(i);
            }
            // An mbox is a container: its messages are compared, not the file.
            if item.size == 0 || item.kind == ItemKind::Mbox {
                continue;
            }
            if let Some(sha) = item.sha256.as_deref() {
                by_sha256.entry(sha).or_default().push(i);
            }
        }
        Corpus {
            items,
            by_sha256,
            by_message_id,
            contents: BTreeMap::new(),
        }
    }

    /// Indexes, plus the content of the copies that `message-id-conflict` must compare.
    pub fn build_with_contents(items: &'a [Item], cfg: &Config) -> Self {
        let mut corpus = Corpus::build(items);
        let wanted: Vec<usize> = corpus
            .by_message_id
            .values()
            .filter(|members| corpus.copies_differ(members))
            .flatten()
            .copied()
            .collect();
        for i in wanted {
            let content = item_bytes(cfg, items, &items[i]).and_then(|bytes| {
                normalized_content(&bytes)
                    .ok_or_else(|| "no longer parses as a message".to_string())
            });
            corpus.contents.insert(i, content);
        }
        corpus
    }

    /// Members of one Message-ID group whose normalised content hashes differ.
    pub fn copies_differ(&self, members: &[usize]) -> bool {
        let mut hashes = members
            .iter()
            .filter_map(|&i| self.items[i].email.as_deref())
            .map(|e| e.content_sha256.as_str());
        match hashes.next() {
            Some(first) => hashes.any(|h| h != first),
            None => false,
        }
    }
}
