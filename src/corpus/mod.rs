//! Indexes built once over the facts of every item, for the corpus checks.
//!
//! Built after the walk from the sorted items (never from message bytes), so
//! index order, and therefore finding order, is deterministic.

use std::collections::BTreeMap;

use crate::item::{Item, ItemKind};

pub struct Corpus<'a> {
    /// Every item, sorted by (path, locator).
    pub items: &'a [Item],
    /// Non-empty items by SHA-256, members in item order.
    pub by_sha256: BTreeMap<&'a str, Vec<usize>>,
}

impl<'a> Corpus<'a> {
    pub fn build(items: &'a [Item]) -> Self {
        let mut by_sha256: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, item) in items.iter().enumerate() {
            // An mbox is a container: its messages are compared, not the file.
            if item.size == 0 || item.kind == ItemKind::Mbox {
                continue;
            }
            if let Some(sha) = item.sha256.as_deref() {
                by_sha256.entry(sha).or_default().push(i);
            }
        }
        Corpus { items, by_sha256 }
    }
}
