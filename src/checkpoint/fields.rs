//! Serde helpers that let the checkpoint journal hold every fact while the report's schema stays as it is.
//!
//! Two gaps separate an `Item` from its report JSON: facts the report leaves
//! out (MinHash signatures, parsed dates, the raw DKIM line), and labels held
//! as `&'static str` (check ids, DKIM results, document formats), which serde
//! cannot borrow from a journal that is read and dropped. Fields of the first
//! kind carry `#[serde(rename = "~name", default, skip_serializing_if = "journal_only")]`:
//! the report skips them, a journal line (written under `in_journal`) keeps
//! them, under a key starting with `~` that no report key has, so that
//! report.json can copy an item's journal text and leave them out
//! (`report::json`; a test holds every such field to the rule).
//! Fields of the second kind are read back through `static_str` and friends,
//! which map each label to one shared `&'static str`.

use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serializer};

use crate::checks::CHECKS;
use crate::parse::minhash::{HASHES, MinHash, Signature};

thread_local! {
    static WRITING_JOURNAL: Cell<bool> = const { Cell::new(false) };
}

/// A `&'static str` label of leakprov's own vocabulary, for fields read back
/// through `static_str`. Spelled through this alias because serde's derive
/// treats a field written `&str` as borrowed from the input even when
/// `deserialize_with` is given, and would then only read from `'static` input.
pub type Label = &'static str;

/// `skip_serializing_if` of a fact the report leaves out: skipped unless this
/// thread is writing a journal line.
pub fn journal_only<T>(_: &T) -> bool {
    !WRITING_JOURNAL.with(Cell::get)
}

/// Runs `f` (a serialisation) with the journal-only facts included.
pub fn in_journal<R>(f: impl FnOnce() -> R) -> R {
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            WRITING_JOURNAL.with(|w| w.set(self.0));
        }
    }
    let _restore = Restore(WRITING_JOURNAL.with(|w| w.replace(true)));
    f()
}

/// Labels are a small vocabulary written by leakprov itself; a journal holding
/// more distinct ones than this is not one leakprov wrote.
const MAX_LABELS: usize = 4096;

static LABELS: Mutex<BTreeSet<&'static str>> = Mutex::new(BTreeSet::new());

/// The one `&'static str` for `label`: a check id from the registry, or a
/// label kept (leaked once, bounded by `MAX_LABELS`) for the rest of the run.
pub fn label(text: &str) -> Option<&'static str> {
    if let Some(check) = CHECKS.iter().find(|c| c.meta.id == text) {
        return Some(check.meta.id);
    }
    let mut labels = LABELS.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(&known) = labels.get(text) {
        return Some(known);
    }
    if labels.len() >= MAX_LABELS {
        return None;
    }
    let kept: &'static str = Box::leak(text.to_owned().into_boxed_str());
    labels.insert(kept);
    Some(kept)
}

fn to_label<E: serde::de::Error>(text: &str) -> Result<&'static str, E> {
    label(text).ok_or_else(|| E::custom("too many distinct labels for a leakprov checkpoint"))
}

/// `deserialize_with` for a `&'static str` field.
pub fn static_str<'de, D: Deserializer<'de>>(d: D) -> Result<&'static str, D::Error> {
    to_label(&String::deserialize(d)?)
}

/// `deserialize_with` for an `Option<&'static str>` field (also give it `default`).
pub fn static_str_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<&'static str>, D::Error> {
    Option::<String>::deserialize(d)?
        .map(|s| to_label(&s))
        .transpose()
}

/// `deserialize_with` for a `Vec<&'static str>` field (also give it `default`).
pub fn static_str_vec<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<&'static str>, D::Error> {
    Vec::<String>::deserialize(d)?
        .iter()
        .map(|s| to_label(s))
        .collect()
}

/// `deserialize_with` for a map keyed by `&'static str`.
pub fn static_str_map<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<BTreeMap<&'static str, String>, D::Error> {
    BTreeMap::<String, String>::deserialize(d)?
        .into_iter()
        .map(|(k, v)| Ok((to_label(&k)?, v)))
        .collect()
}

/// `with` for an optional MinHash signature (serde has no impls for arrays of
/// 64): base64 of its values' little-endian bytes, a third shorter than a JSON
/// array of numbers and faster to read back (the report writers read every
/// item back from the journal).
pub mod minhash {
    use super::*;
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;

    pub fn serialize<S: Serializer>(sig: &Option<MinHash>, s: S) -> Result<S::Ok, S::Error> {
        match sig {
            None => s.serialize_none(),
            // Items are journaled before they are slim, and only a slim
            // item's signature waits in the store.
            Some(MinHash::Stored(_)) => Err(serde::ser::Error::custom(
                "a MinHash signature in the store cannot be journaled",
            )),
            Some(MinHash::Held(sig)) => {
                let bytes: Vec<u8> = sig.iter().flat_map(|v| v.to_le_bytes()).collect();
                s.serialize_some(&STANDARD.encode(bytes))
            }
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<MinHash>, D::Error> {
        let Some(text) = Option::<std::borrow::Cow<'de, str>>::deserialize(d)? else {
            return Ok(None);
        };
        let bytes = STANDARD
            .decode(text.as_bytes())
            .map_err(|e| D::Error::custom(format!("a MinHash signature is not base64: {e}")))?;
        let values: Vec<u32> = bytes
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        if bytes.len() % 4 != 0 {
            return Err(D::Error::custom("a MinHash signature of a partial value"));
        }
        Signature::try_from(values.into_boxed_slice())
            .map(|sig| Some(MinHash::Held(sig)))
            .map_err(|v| {
                D::Error::custom(format!(
                    "a MinHash signature has {HASHES} values, not {}",
                    v.len()
                ))
            })
    }
}
