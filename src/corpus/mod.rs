//! Indexes built once over the facts of every item, for the corpus checks.
//!
//! Built after the walk from the sorted items, so index order, and
//! therefore finding order, is deterministic. Message bodies are not kept:
//! when a corpus check must compare two items in depth (copies of one
//! Message-ID whose content differs, a reply and its parent) it asks the
//! corpus's `ContentSource`, which reads just those items again from the
//! dump. Checks never do I/O themselves; tests give them an in-memory source.

pub mod documents;
pub mod releases;

pub mod profiles;

use rayon::prelude::*;

use crate::checkpoint::signatures::Signatures;
use crate::config::Config;
use crate::item::{Item, ItemKind};
use crate::parse::email::{CorpusEmail, normalized_body, normalized_content};
use crate::parse::minhash::{HASHES, MinHash};
use crate::parse::normalize::Normalized;
use crate::reread::item_bytes;

/// Supplies the content of an item on demand, by its index in `Corpus::items`.
pub trait ContentSource: Sync {
    fn content(&self, items: &[Item], index: usize) -> Result<Normalized, String>;
    /// The body lines of `content`, alone.
    fn body(&self, items: &[Item], index: usize) -> Result<Vec<String>, String> {
        self.content(items, index).map(|c| c.body)
    }
    /// The text an item's author wrote: a message's own lines (quotes left
    /// out), a document's text.
    fn text(&self, items: &[Item], index: usize) -> Result<String, String>;
}

/// What a message's author wrote (see `quote::authored_text`), from its body lines.
pub fn own_text(body: &[String]) -> String {
    crate::parse::quote::authored_text(body)
}

/// Reads items again from the dump (read-only, like the first pass).
pub struct DumpSource<'a> {
    pub cfg: &'a Config,
}

impl ContentSource for DumpSource<'_> {
    fn content(&self, items: &[Item], index: usize) -> Result<Normalized, String> {
        let item = items.get(index).ok_or("no such item")?;
        let bytes = item_bytes(self.cfg, items, item)?;
        normalized_content(&bytes, &self.cfg.limits)
            .ok_or_else(|| "no longer parses as a message".to_string())
    }

    fn body(&self, items: &[Item], index: usize) -> Result<Vec<String>, String> {
        let item = items.get(index).ok_or("no such item")?;
        let bytes = item_bytes(self.cfg, items, item)?;
        normalized_body(&bytes, &self.cfg.limits)
            .ok_or_else(|| "no longer parses as a message".to_string())
    }

    fn text(&self, items: &[Item], index: usize) -> Result<String, String> {
        let item = items.get(index).ok_or("no such item")?;
        if item.kind == ItemKind::Email {
            return self.body(items, index).map(|b| own_text(&b));
        }
        let bytes = item_bytes(self.cfg, items, item)?;
        crate::parse::doctext::document_text(&bytes, item.kind, &self.cfg.limits.documents)?
            .ok_or_else(|| format!("no text in a {} item", item.kind.as_str()))
    }
}

/// No content at all: checks fall back to what facts tell.
pub struct NoContent;

impl ContentSource for NoContent {
    fn content(&self, _: &[Item], _: usize) -> Result<Normalized, String> {
        Err("content not available".into())
    }

    fn text(&self, _: &[Item], _: usize) -> Result<String, String> {
        Err("content not available".into())
    }
}

/// Item indices grouped by a key: keys in order, each key's members in item
/// order. Two flat vectors rather than a map of vectors: a map held one
/// allocation and a tree node share per key, about 80 bytes, where this holds
/// 32 (a million files: by_sha256 alone went from about 80 to 32 MB).
#[derive(Debug, Default)]
pub struct Groups<'a, K: ?Sized + Ord = str> {
    /// Each key with the end of its members in `members`, keys ascending.
    keys: Vec<(&'a K, usize)>,
    members: Vec<usize>,
}

impl<'a, K: ?Sized + Ord> Groups<'a, K> {
    /// `pairs` in item order; a key may recur.
    fn build(pairs: Vec<(&'a K, usize)>) -> Self {
        Self::build_min(pairs, 1)
    }

    /// Only the keys with at least `min` members (`by_sha256` keeps only
    /// copies: nearly every file is unique, and a million singletons held
    /// 24 MB). Sorted in place by key then index, which is the stable order
    /// for pairs in item order, without a stable sort's scratch copy; the
    /// keys are then written over the pairs (a key's slot is never after
    /// its first pair), so no second list of keys is grown.
    fn build_min(mut pairs: Vec<(&'a K, usize)>, min: usize) -> Self {
        pairs.sort_unstable_by(|a, b| a.0.cmp(b.0).then(a.1.cmp(&b.1)));
        let members_len: usize = pairs
            .chunk_by(|a, b| a.0 == b.0)
            .filter(|run| run.len() >= min)
            .map(<[_]>::len)
            .sum();
        let mut members = Vec::with_capacity(members_len);
        let (mut read, mut written) = (0, 0);
        while read < pairs.len() {
            let key = pairs[read].0;
            let run = pairs[read..].iter().take_while(|p| p.0 == key).count();
            if run >= min {
                members.extend(pairs[read..read + run].iter().map(|&(_, index)| index));
                pairs[written] = (key, members.len());
                written += 1;
            }
            read += run;
        }
        pairs.truncate(written);
        pairs.shrink_to_fit();
        Groups {
            keys: pairs,
            members,
        }
    }

    /// The members of `key`, in item order.
    pub fn get(&self, key: &K) -> Option<&[usize]> {
        let n = self.keys.binary_search_by(|(k, _)| (*k).cmp(key)).ok()?;
        Some(self.group(n).1)
    }

    fn group(&self, n: usize) -> (&'a K, &[usize]) {
        let start = if n == 0 { 0 } else { self.keys[n - 1].1 };
        let (key, end) = self.keys[n];
        (key, &self.members[start..end])
    }

    /// Every key with its members, keys ascending.
    pub fn iter(&self) -> impl Iterator<Item = (&'a K, &[usize])> + '_ {
        (0..self.keys.len()).map(|n| self.group(n))
    }
}

pub struct Corpus<'a> {
    /// Every item, sorted by (path, locator).
    pub items: &'a [Item],
    /// Non-empty items with copies by SHA-256 (two members or more),
    /// members in item order.
    pub by_sha256: Groups<'a, crate::digest::Digest>,
    /// Messages by Message-ID (without angle brackets), members in item order.
    pub by_message_id: Groups<'a>,
    /// Sender and domain fingerprints.
    pub profiles: profiles::Profiles,
    source: &'a dyn ContentSource,
    /// Where slim items' MinHash signatures wait (`each_signature`).
    signatures: Option<&'a Signatures>,
}

impl<'a> Corpus<'a> {
    /// Every sender and domain profiled, however few its messages (tests;
    /// a scan builds with `build_min`).
    pub fn build(items: &'a mut [Item], source: &'a dyn ContentSource) -> Self {
        Self::build_min(items, source, 1)
    }

    /// Messages not yet slimmed (no journal; tests) are given the corpus's
    /// share of their facts here (`Item::settle`). Senders and domains with
    /// fewer than `min_profile` messages get no profile (`profiles::build`).
    pub fn build_min(
        items: &'a mut [Item],
        source: &'a dyn ContentSource,
        min_profile: usize,
    ) -> Self {
        items.par_iter_mut().for_each(Item::settle);
        let items: &'a [Item] = items;
        // One index after the other, each list sized once (grown by doubling
        // they held up to half as much again), so that only one list of
        // pairs is held at a time.
        let mut pairs = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            // An mbox is a container: its messages are compared, not the file.
            if item.size == 0 || item.kind == ItemKind::Mbox {
                continue;
            }
            if let Some(sha) = item.sha256.as_ref() {
                pairs.push((sha, i));
            }
        }
        let by_sha256 = Groups::build_min(pairs, 2);
        let ids = || {
            items
                .iter()
                .enumerate()
                .filter_map(|(i, item)| Some((item.mail()?.message_id.as_deref()?, i)))
        };
        let mut pairs = Vec::with_capacity(ids().count());
        pairs.extend(ids());
        let by_message_id = Groups::build(pairs);
        let profiles = profiles::build(items, &by_message_id, min_profile);
        Corpus {
            items,
            by_sha256,
            by_message_id,
            profiles,
            source,
            signatures: None,
        }
    }

    /// The store the scan put slim items' MinHash signatures in.
    pub fn with_signatures(mut self, signatures: Option<&'a Signatures>) -> Self {
        self.signatures = signatures;
        self
    }

    /// Calls `f(k, signature)` for the `k`-th of `minhashes`: those in memory
    /// first, then those in the store in store order (one pass over it, a
    /// block at a time). A signature that cannot be read back is left out:
    /// its item is then compared with nothing, and stderr says so once.
    pub fn each_signature<'m>(
        &self,
        minhashes: impl Iterator<Item = &'m MinHash>,
        mut f: impl FnMut(usize, &[u32; HASHES]),
    ) {
        let mut stored: Vec<(u32, usize)> = Vec::new();
        for (k, minhash) in minhashes.enumerate() {
            match minhash {
                MinHash::Held(sig) => f(k, sig),
                MinHash::Stored(number) => stored.push((*number, k)),
            }
        }
        if stored.is_empty() {
            return;
        }
        if !stored.is_sorted() {
            stored.sort_unstable();
        }
        let result = match self.signatures {
            Some(store) => store.visit(stored.iter().map(|s| s.0), |j, sig| f(stored[j].1, sig)),
            None => Err("no store to read them from".to_string()),
        };
        if let Err(e) = result {
            static WARNED: std::sync::Once = std::sync::Once::new();
            WARNED.call_once(|| {
                eprintln!(
                    "leakprov: {e}; document-variant compared the items it could read, not the others"
                );
            });
        }
    }

    /// The text item `index`'s author wrote, read again from the dump.
    pub fn text(&self, index: usize) -> Result<String, String> {
        self.source.text(self.items, index)
    }

    /// The body lines of item `index` (as in `content`), read again from the dump.
    pub fn body(&self, index: usize) -> Result<Vec<String>, String> {
        self.source.body(self.items, index)
    }

    /// The normalised content of item `index`, read again from the dump.
    pub fn content(&self, index: usize) -> Result<Normalized, String> {
        self.source.content(self.items, index)
    }

    /// The parent a message answers (first In-Reply-To id, else the last
    /// References id) and its copies in the dump, when it is there.
    pub fn parents_of<'e>(&self, email: &'e CorpusEmail) -> Option<(&'e str, &[usize])> {
        let id = email.parent_id.as_deref()?;
        if email.message_id.as_deref() == Some(id) {
            return None;
        }
        self.by_message_id.get(id).map(|members| (id, members))
    }

    /// Members of one Message-ID group whose normalised content hashes differ.
    pub fn copies_differ(&self, members: &[usize]) -> bool {
        let mut hashes = members
            .iter()
            .filter_map(|&i| self.items[i].mail())
            .map(|e| e.content_sha256);
        match hashes.next() {
            Some(first) => hashes.any(|h| h != first),
            None => false,
        }
    }
}

/// In-memory content for the checks' unit tests: raw messages by item index.
#[cfg(test)]
pub struct MemorySource(pub std::collections::BTreeMap<usize, String>);

#[cfg(test)]
impl ContentSource for MemorySource {
    fn content(&self, _: &[Item], index: usize) -> Result<Normalized, String> {
        let raw = self.0.get(&index).ok_or("not in memory")?;
        normalized_content(raw.as_bytes(), &crate::config::Limits::default())
            .ok_or_else(|| "does not parse".into())
    }

    /// Messages give their own lines; anything else is taken as the text itself.
    fn text(&self, items: &[Item], index: usize) -> Result<String, String> {
        let raw = self.0.get(&index).ok_or("not in memory")?;
        match items.get(index).map(|i| i.kind) {
            Some(ItemKind::Email) => self.body(items, index).map(|b| own_text(&b)),
            _ => Ok(raw.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Groups;

    #[test]
    fn groups_keep_keys_ascending_and_members_in_item_order() {
        let g = Groups::build(vec![
            ("b", 0),
            ("a", 1),
            ("b", 2),
            ("c", 3),
            ("a", 4),
            ("b", 5),
        ]);
        let all: Vec<(&str, Vec<usize>)> = g.iter().map(|(k, m)| (k, m.to_vec())).collect();
        assert_eq!(
            all,
            vec![("a", vec![1, 4]), ("b", vec![0, 2, 5]), ("c", vec![3])]
        );
        assert_eq!(g.get("b"), Some(&[0, 2, 5][..]));
        assert_eq!(g.get("c"), Some(&[3][..]));
        assert_eq!(g.get("d"), None);
        assert_eq!(g.get(""), None);
        let empty = Groups::build(Vec::new());
        assert_eq!(empty.iter().count(), 0);
        assert_eq!(empty.get("a"), None);
    }

    #[test]
    fn groups_of_copies_leave_single_members_out() {
        let g = Groups::build_min(vec![("b", 0), ("a", 1), ("b", 2), ("c", 3), ("b", 5)], 2);
        let all: Vec<(&str, Vec<usize>)> = g.iter().map(|(k, m)| (k, m.to_vec())).collect();
        assert_eq!(all, vec![("b", vec![0, 2, 5])]);
        assert_eq!(g.get("a"), None);
        assert_eq!(g.members.len(), g.members.capacity());
    }
}
