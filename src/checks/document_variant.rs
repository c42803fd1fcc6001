//! `document-variant`: two near-identical texts that differ by a few surgical edits.
//!
//! A "tainted leak" republishes real documents with a name changed, an amount
//! altered, a sentence removed. Inside a dump the untainted original often
//! survives elsewhere (the sender's copy, an attachment, a colleague's
//! folder). Exact hashes cannot see this; MinHash signatures find candidate
//! pairs in linear time, and a word-level diff of the two texts (read again
//! from the dump, only for candidates) shows what changed.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::{DefaultHasher, Hash, Hasher};

use rayon::prelude::*;
use serde_json::json;
use similar::{Algorithm, DiffOp, DiffTag, capture_diff_deadline};

use super::{Check, CheckMeta, Run, Scope};
use crate::config::Config;
use crate::corpus::Corpus;
use crate::finding::{Evidence, Finding, Severity};
use crate::item::Item;
use crate::parse::minhash::{HASHES, MinHash, similarity};

pub static CHECK: Check = Check {
    meta: CheckMeta {
        id: "document-variant",
        severity: Severity::Medium,
        scope: Scope::Corpus,
        summary: "Two documents or messages whose texts are nearly identical but differ by a few localized edits (names, numbers, dates, negations, a deleted sentence).",
        doc: "\
**What it detects.** Texts are fingerprinted with MinHash (64 hashes over 3-word \
shingles) while the dump is read: message bodies without their quoted parts, and the \
text of docx, xlsx, pptx, ODF and PDF files and attachments. Locality-sensitive hashing \
(16 bands of 4) proposes candidate pairs in time linear in the number of items; each \
candidate pair with an estimated similarity of at least 0.5 is read again, its words \
are diffed (crate `similar`), and the edits are classified. Exact copies (same SHA-256 or \
same words) and copies of one message (same Message-ID: `message-id-conflict`'s job) are \
not variants. Documents are compared with documents, messages with messages.

**Severity.** A *surgical* edit (at most 3 changed passages of at most 25 words each, \
together under 15% of the text) in a copy that does not announce itself as a new version \
is **medium**, and **high** when an edit changes who (a capitalised name), how much or \
when (a number, an amount, a date, a month), or yes/no (a negation added or removed). A \
deleted sentence counts as a passage. **Low** when the pair announces a revision (`v2`, \
`RESEND`, `updated`, `corrected`, `final`, `draft`, `version`, `rév`, `MAJ` in the subject \
or file name) or is a patch (`diff --git`: series are revised and re-sent with new \
trailers). A message is compared by what its author wrote: quotes, the attribution line, \
the signature and `...-by:` trailers are left out, and messages with fewer than 40 such \
words are not compared. **Info** for many scattered edits or whole-paragraph rewrites: a draft and \
its final version, patch series, the same announcement sent to several lists.

Only pairs that claim to be the same piece of writing are judged: documents with the \
same creation time (a copied file keeps it), messages with the same sender, subject and \
day. Pairs written separately (a template filled twice, a weekly newsletter, a robot's \
reports) are **info** whatever their edits.

**Evidence.** Both items, the estimated similarity, the word-level diff hunks \
(`[-removed-]{+added+}`, bounded), what each edit touches, and which copy is older \
according to its metadata (document modified time or message Date); the finding is on \
the newer copy, or, when the times are equal or unknown (a copied file keeps its \
metadata), on the loose file rather than the copy carried by a message.

**False positives.** Honest corrections sent without saying so; templates filled in with \
different names and amounts (form letters): read both copies.",
    },
    run: Run::Corpus(run),
};

const BANDS: usize = 16;
const ROWS: usize = HASHES / BANDS;
/// Buckets larger than this are boilerplate (templates, footers): skipped.
const MAX_BUCKET: usize = 50;
const MIN_SIMILARITY: f64 = 0.5;
const MAX_SURGICAL_HUNKS: usize = 3;
const MAX_HUNK_WORDS: usize = 25;
const MAX_CHANGED_SHARE: f64 = 0.15;
const MAX_WORDS: usize = 50_000;

/// An item's MinHash, and whether the item is a message.
fn minhash_of(item: &Item) -> Option<(&MinHash, bool)> {
    if let Some(email) = item.mail() {
        return email.minhash.as_ref().map(|m| (m, true));
    }
    item.document
        .as_deref()
        .and_then(|d| d.minhash.as_ref())
        .map(|m| (m, false))
}

fn run(corpus: &Corpus<'_>, _cfg: &Config, out: &mut Vec<Finding>) {
    let items = corpus.items;
    // LSH buckets: (band, is_email, hash of the band's rows) -> members,
    // built by sorting a flat list (a map of ~16 entries per item was the
    // costliest part of this check on large dumps), one band at a time: the
    // list of all bands held 32 bytes x 16 per item, 128 MB on 4 GB.
    let mut signed: Vec<(usize, &MinHash, bool)> = items
        .iter()
        .enumerate()
        .filter_map(|(i, item)| minhash_of(item).map(|(m, is_email)| (i, m, is_email)))
        .collect();
    // In store order (those in memory first), so that each band's pass
    // reads the signature store once, front to back.
    signed.sort_by_key(|&(i, m, _)| match m {
        MinHash::Held(_) => (0, 0, i),
        MinHash::Stored(number) => (1, *number, i),
    });
    let mut entries: Vec<(bool, u64, usize)> = Vec::with_capacity(signed.len());
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    for band in 0..BANDS {
        entries.clear();
        corpus.each_signature(signed.iter().map(|s| s.1), |k, sig| {
            let (i, _, is_email) = signed[k];
            let mut h = DefaultHasher::new();
            sig[band * ROWS..(band + 1) * ROWS].hash(&mut h);
            entries.push((is_email, h.finish(), i));
        });
        entries.sort_unstable();
        for bucket in entries.chunk_by(|x, y| (x.0, x.1) == (y.0, y.1)) {
            if bucket.len() < 2 || bucket.len() > MAX_BUCKET {
                continue;
            }
            for (n, a) in bucket.iter().enumerate() {
                for b in &bucket[n + 1..] {
                    pairs.push((a.2.min(b.2), a.2.max(b.2)));
                }
            }
        }
    }
    drop((signed, entries));
    pairs.sort_unstable();
    pairs.dedup();
    let signatures = candidate_signatures(corpus, &pairs);
    // One finding per suspect item: its most severe comparison, naming the
    // other references it was also compared with.
    // Only pairs that may be variants need their texts: not copies of one
    // another, and estimated similar enough.
    pairs.retain(|&(a, b)| {
        !same_copy(&items[a], &items[b])
            && matches!(
                (signatures.get(&a), signatures.get(&b)),
                (Some(sx), Some(sy)) if similarity(sx, sy) >= MIN_SIMILARITY
            )
    });
    let texts = TextCache::read(corpus, &pairs);
    // Compared a chunk of pairs at a time, each finding folded into its
    // item's as it comes: all of them at once (evidence with diff hunks)
    // held about 25 MB on 4 GB, and one finding per item is kept.
    let mut by_item: BTreeMap<(String, String), Suspect> = BTreeMap::new();
    let mut seq = 0usize;
    for chunk in pairs.chunks(1024) {
        let found: Vec<Option<Finding>> = chunk
            .par_iter()
            .map(|&(a, b)| compare_pair(corpus, &texts, &signatures, a, b))
            .collect();
        for finding in found.into_iter().flatten() {
            let key = (finding.path.clone(), finding.locator.to_string());
            by_item.entry(key).or_default().add(seq, finding);
            seq += 1;
        }
    }
    out.extend(by_item.into_values().filter_map(Suspect::finding));
}

/// One suspect item's comparisons: its most severe finding (the first of
/// them in pair order), and every finding's severity, order and `other`.
#[derive(Default)]
struct Suspect {
    best: Option<(usize, Finding)>,
    all: Vec<(
        std::cmp::Reverse<Severity>,
        usize,
        Option<serde_json::Value>,
    )>,
}

impl Suspect {
    fn add(&mut self, seq: usize, finding: Finding) {
        let other = finding.evidence.get("other").cloned();
        self.all
            .push((std::cmp::Reverse(finding.severity), seq, other));
        if self
            .best
            .as_ref()
            .is_none_or(|(_, best)| finding.severity > best.severity)
        {
            self.best = Some((seq, finding));
        }
    }

    /// The most severe finding, naming the other references it was also
    /// compared with (most severe first, then in pair order).
    fn finding(mut self) -> Option<Finding> {
        let (best_seq, mut first) = self.best?;
        if self.all.len() > 1 {
            self.all.sort_by_key(|(severity, seq, _)| (*severity, *seq));
            let others: Vec<_> = self
                .all
                .into_iter()
                .filter(|(_, seq, _)| *seq != best_seq)
                .filter_map(|(_, _, other)| other)
                .collect();
            first.evidence.insert("also_near_identical_to", others);
        }
        Some(first)
    }
}

fn same_copy(x: &Item, y: &Item) -> bool {
    if x.sha256.is_some() && x.sha256 == y.sha256 {
        return true;
    }
    match (x.mail(), y.mail()) {
        (Some(e), Some(f)) => {
            (e.message_id.is_some() && e.message_id == f.message_id)
                || e.content_sha256 == f.content_sha256
        }
        _ => false,
    }
}

/// The texts of the items in candidate pairs, each read from the dump once
/// (in parallel) instead of once per pair: a form filled a hundred times
/// makes thousands of pairs over a few hundred documents, and reading a
/// document again (unzip, XML) costs far more than diffing it. Bounded: past
/// `TEXT_CACHE_BYTES` the remaining texts are read per pair.
struct TextCache(HashMap<usize, String>);

const TEXT_CACHE_BYTES: usize = 128 << 20;

impl TextCache {
    fn read(corpus: &Corpus<'_>, pairs: &[(usize, usize)]) -> Self {
        let mut needed: Vec<usize> = pairs.iter().flat_map(|&(a, b)| [a, b]).collect();
        needed.sort_unstable();
        needed.dedup();
        let mut cache = HashMap::new();
        let mut bytes = 0usize;
        for chunk in needed.chunks(256) {
            if bytes >= TEXT_CACHE_BYTES {
                break;
            }
            let texts: Vec<(usize, Result<String, String>)> =
                chunk.par_iter().map(|&i| (i, corpus.text(i))).collect();
            for (i, text) in texts {
                if let Ok(text) = text {
                    bytes += text.len();
                    cache.insert(i, text);
                }
            }
        }
        TextCache(cache)
    }

    fn get<'c>(&'c self, corpus: &Corpus<'_>, index: usize) -> Option<Cow<'c, str>> {
        match self.0.get(&index) {
            Some(text) => Some(Cow::Borrowed(text.as_str())),
            None => corpus.text(index).ok().map(Cow::Owned),
        }
    }
}

/// The signatures of the items in candidate pairs, by item.
fn candidate_signatures(
    corpus: &Corpus<'_>,
    pairs: &[(usize, usize)],
) -> HashMap<usize, [u32; HASHES]> {
    let mut wanted: Vec<usize> = pairs.iter().flat_map(|&(a, b)| [a, b]).collect();
    wanted.sort_unstable();
    wanted.dedup();
    let minhashes: Vec<(usize, &MinHash)> = wanted
        .into_iter()
        .filter_map(|i| Some((i, minhash_of(&corpus.items[i])?.0)))
        .collect();
    let mut signatures = HashMap::with_capacity(minhashes.len());
    corpus.each_signature(minhashes.iter().map(|m| m.1), |k, sig| {
        signatures.insert(minhashes[k].0, *sig);
    });
    signatures
}

fn compare_pair(
    corpus: &Corpus<'_>,
    texts: &TextCache,
    signatures: &HashMap<usize, [u32; HASHES]>,
    a: usize,
    b: usize,
) -> Option<Finding> {
    let (x, y) = (&corpus.items[a], &corpus.items[b]);
    let estimated = similarity(signatures.get(&a)?, signatures.get(&b)?);
    let tx = texts.get(corpus, a)?;
    let ty = texts.get(corpus, b)?;
    let wx: Vec<&str> = tx.split_whitespace().take(MAX_WORDS).collect();
    let wy: Vec<&str> = ty.split_whitespace().take(MAX_WORDS).collect();
    if wx == wy {
        return None;
    }
    // The newer copy carries the finding; the older is the reference.
    // On equal or unknown times, a copy carried by a message (dated, relayed)
    // is the reference and a loose file the suspect.
    let carried = |i: &Item| !i.locator.is_root();
    let y_is_reference = match (time_of(x), time_of(y)) {
        (Some(tx_), Some(ty_)) if tx_ != ty_ => ty_ < tx_,
        _ => carried(y) && !carried(x),
    };
    let (older, newer, wo, wn) = if y_is_reference {
        (b, a, &wy, &wx)
    } else {
        (a, b, &wx, &wy)
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_millis(500);
    let ops = capture_diff_deadline(
        Algorithm::Myers,
        wo,
        0..wo.len(),
        wn,
        0..wn.len(),
        Some(deadline),
    );
    let mut hunks = Vec::new();
    let mut touches: BTreeSet<&'static str> = BTreeSet::new();
    let mut changed = 0usize;
    let mut biggest = 0usize;
    for op in &ops {
        let (tag, old, new) = op.as_tag_tuple();
        if tag == DiffTag::Equal {
            continue;
        }
        let removed = &wo[old.clone()];
        let added = &wn[new.clone()];
        changed += removed.len().max(added.len());
        biggest = biggest.max(removed.len()).max(added.len());
        touches.extend(what_changed(removed, added));
        if hunks.len() < 10 {
            let before = wn[new.start.saturating_sub(6)..new.start].join(" ");
            let after = wn[new.end..(new.end + 6).min(wn.len())].join(" ");
            hunks.push(
                format!(
                    "{before} [-{}-]{{+{}+}} {after}",
                    removed.join(" "),
                    added.join(" ")
                )
                .trim()
                .to_string(),
            );
        }
    }
    let hunk_count = ops
        .iter()
        .filter(|op| !matches!(op, DiffOp::Equal { .. }))
        .count();
    if hunk_count == 0 {
        return None;
    }
    let share = changed as f64 / wo.len().max(wn.len()).max(1) as f64;
    let surgical =
        hunk_count <= MAX_SURGICAL_HUNKS && biggest <= MAX_HUNK_WORDS && share <= MAX_CHANGED_SHARE;
    let patch = |words: &[&str]| words.windows(2).any(|w| w == ["diff", "--git"]);
    let announced = announces_revision(&corpus.items[older])
        || announces_revision(&corpus.items[newer])
        || patch(wo)
        || patch(wn);
    let (severity, reason) = if same_origin(&corpus.items[older], &corpus.items[newer])
        == Some(false)
    {
        (
            Severity::Info,
            "the two were written separately (different creation time, or a different sender, subject or day): a template or a recurring message, not a copy".to_string(),
        )
    } else if !surgical {
        (
            Severity::Info,
            format!(
                "{hunk_count} changed passages ({:.0}% of the words): a revision or rewrite, not a surgical edit",
                share * 100.0
            ),
        )
    } else if announced {
        (
            Severity::Low,
            "the copies announce a new version (v2, final, updated...)".to_string(),
        )
    } else if !touches.is_empty() {
        (
            Severity::High,
            format!(
                "a silent edit that changes {}",
                touches.iter().copied().collect::<Vec<_>>().join(", ")
            ),
        )
    } else {
        (Severity::Medium, "a silent, localized edit".to_string())
    };
    let (older_item, newer_item) = (&corpus.items[older], &corpus.items[newer]);
    let message = format!(
        "Near-identical to {}{} ({:.0}% similar) but with {hunk_count} edited passage(s): {reason}",
        older_item.path,
        older_item
            .locator
            .to_option_string()
            .map(|l| format!(" {l}"))
            .unwrap_or_default(),
        estimated * 100.0
    );
    let evidence = Evidence::new()
        .with("other", json!({"path": older_item.path, "locator": older_item.locator, "time": time_text(older_item)}))
        .with("this_time", time_text(newer_item))
        .with("older", "other")
        .with("similarity", (estimated * 100.0).round() / 100.0)
        .with("changed_passages", hunk_count)
        .with("changed_words", changed)
        .with("edits_touch", touches.iter().copied().collect::<Vec<_>>())
        .with("diff", hunks)
        .with("reason", reason);
    Some(Finding::on(
        newer_item,
        CHECK.meta.id,
        severity,
        message,
        evidence,
    ))
}

/// Whether two items claim to be the same piece of writing: documents with the
/// same creation time (a copy keeps it), messages with the same sender,
/// subject and day. `None` when the metadata cannot tell.
fn same_origin(x: &Item, y: &Item) -> Option<bool> {
    if let (Some(e), Some(f)) = (x.mail(), y.mail()) {
        let from = |m: &crate::parse::email::CorpusEmail| {
            m.from
                .first()
                .and_then(|a| a.address.clone())
                .map(|a| a.to_lowercase())
        };
        let subject = |m: &crate::parse::email::CorpusEmail| {
            let s = m.subject.clone().unwrap_or_default().to_lowercase();
            let s = s.trim_start_matches([' ', '[']);
            let mut t = s.to_string();
            for prefix in ["re:", "fwd:", "fw:", "tr:", "aw:", "wg:"] {
                while let Some(rest) = t.trim_start().strip_prefix(prefix) {
                    t = rest.to_string();
                }
            }
            t.split_whitespace().collect::<Vec<_>>().join(" ")
        };
        let day = |m: &crate::parse::email::CorpusEmail| m.date.as_ref().and_then(|d| d.instant);
        let close = match (day(e), day(f)) {
            (Some(a), Some(b)) => (a - b).num_hours().abs() <= 36,
            _ => return None,
        };
        return Some(from(e) == from(f) && subject(e) == subject(f) && close);
    }
    let created = |i: &Item| {
        i.document
            .as_deref()
            .and_then(|d| d.created.as_ref())
            .map(|t| t.raw.clone())
    };
    match (created(x), created(y)) {
        (Some(a), Some(b)) => Some(a == b),
        _ => None,
    }
}

/// When an item was last written, according to its own metadata.
fn time_of(item: &Item) -> Option<String> {
    if let Some(e) = item.mail() {
        return e.date.as_ref().and_then(|d| d.utc());
    }
    let d = item.document.as_deref()?;
    d.modified
        .as_ref()
        .or(d.created.as_ref())
        .and_then(|t| t.utc.clone().or_else(|| t.local.clone()))
}

fn time_text(item: &Item) -> Option<String> {
    time_of(item)
}

const NEGATIONS: &[&str] = &[
    "not", "no", "never", "none", "nor", "ne", "pas", "non", "jamais", "aucun", "aucune", "nicht",
    "kein", "keine", "nie",
];
const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// What an edit touches: who, how much / when, yes/no.
fn what_changed(removed: &[&str], added: &[&str]) -> Vec<&'static str> {
    let mut out = Vec::new();
    let clean = |w: &&str| {
        w.trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase()
    };
    let removed_l: BTreeSet<String> = removed.iter().map(clean).collect();
    let added_l: BTreeSet<String> = added.iter().map(clean).collect();
    let differing: Vec<&String> = removed_l.symmetric_difference(&added_l).collect();
    if differing
        .iter()
        .any(|w| w.chars().any(|c| c.is_ascii_digit()))
    {
        out.push("how much or when");
    }
    if differing.iter().any(|w| MONTHS.contains(&w.as_str())) && !out.contains(&"how much or when")
    {
        out.push("how much or when");
    }
    if differing.iter().any(|w| NEGATIONS.contains(&w.as_str())) {
        out.push("yes/no");
    }
    let capitalised = |words: &[&str]| -> BTreeSet<String> {
        words
            .iter()
            .filter(|w| {
                w.chars().next().is_some_and(char::is_uppercase)
                    && w.chars().filter(|c| c.is_alphabetic()).count() >= 2
            })
            .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_string())
            .collect()
    };
    if capitalised(removed) != capitalised(added) && !(removed.is_empty() || added.is_empty()) {
        out.push("who");
    }
    out
}

/// Subject or file name says this is a new version.
fn announces_revision(item: &Item) -> bool {
    let mut text = item.path.to_lowercase();
    if let Some(s) = item.mail().and_then(|e| e.subject.as_deref()) {
        text.push(' ');
        text.push_str(&s.to_lowercase());
    }
    if let Some(name) = item.filename() {
        text.push(' ');
        text.push_str(&name.to_lowercase());
    }
    if let Some(t) = item.document.as_deref().and_then(|d| d.title.as_deref()) {
        text.push(' ');
        text.push_str(&t.to_lowercase());
    }
    let has_version_tag = text
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| w.len() >= 2 && w.starts_with('v') && w[1..].chars().all(|c| c.is_ascii_digit()));
    has_version_tag
        || [
            "resend",
            "updated",
            "update",
            "corrected",
            "correction",
            "final",
            "draft",
            "version",
            "révis",
            "rev.",
            "maj",
            "mise à jour",
            "corrigé",
            "brouillon",
            "projet",
        ]
        .iter()
        .any(|m| text.contains(m))
}

#[cfg(test)]
mod tests;
