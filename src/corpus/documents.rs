//! The corpus seen through its documents: who wrote them, with what, and in which script.
//!
//! Built from item facts only. Copies of one file (the same attachment sent
//! five times) count once: tallies are by distinct SHA-256, so a value is
//! "rare" because few documents carry it, not because one was forwarded often.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};

use crate::item::{Item, Locator};
use crate::parse::document::DocumentFacts;

/// Document formats whose people and software fields are compared across the corpus.
pub const OFFICE_FORMATS: &[&str] = &["ooxml", "odf", "pdf", "ole2"];

/// One document item (office file or PDF) of the corpus.
pub struct Doc<'a> {
    pub item: &'a Item,
    pub facts: &'a DocumentFacts,
    /// Index of the first item with the same SHA-256 (itself when unique): the distinct document.
    pub distinct: usize,
}

/// Writing systems told apart for the rare-script rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Script {
    Latin,
    Greek,
    Cyrillic,
    Armenian,
    Hebrew,
    Arabic,
    Devanagari,
    Thai,
    Georgian,
    Hangul,
    Kana,
    Han,
    Other,
}

impl Script {
    pub fn as_str(self) -> &'static str {
        match self {
            Script::Latin => "Latin",
            Script::Greek => "Greek",
            Script::Cyrillic => "Cyrillic",
            Script::Armenian => "Armenian",
            Script::Hebrew => "Hebrew",
            Script::Arabic => "Arabic",
            Script::Devanagari => "Devanagari",
            Script::Thai => "Thai",
            Script::Georgian => "Georgian",
            Script::Hangul => "Hangul",
            Script::Kana => "Japanese kana",
            Script::Han => "Han (CJK)",
            Script::Other => "other",
        }
    }

    fn of(c: char) -> Option<Script> {
        if !c.is_alphabetic() {
            return None;
        }
        Some(match c as u32 {
            0x0041..=0x024F | 0x1E00..=0x1EFF | 0xFF21..=0xFF5A => Script::Latin,
            0x0370..=0x03FF | 0x1F00..=0x1FFF => Script::Greek,
            0x0400..=0x052F | 0x1C80..=0x1C8F | 0x2DE0..=0x2DFF | 0xA640..=0xA69F => {
                Script::Cyrillic
            }
            0x0530..=0x058F => Script::Armenian,
            0x0590..=0x05FF => Script::Hebrew,
            0x0600..=0x06FF | 0x0750..=0x077F | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF => Script::Arabic,
            0x0900..=0x097F => Script::Devanagari,
            0x0E00..=0x0E7F => Script::Thai,
            0x10A0..=0x10FF => Script::Georgian,
            0x1100..=0x11FF | 0x3130..=0x318F | 0xAC00..=0xD7AF => Script::Hangul,
            0x3040..=0x30FF => Script::Kana,
            0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF => Script::Han,
            _ => Script::Other,
        })
    }
}

/// The script most letters of `text` are written in; `None` without letters.
pub fn script_of(text: &str) -> Option<Script> {
    let mut counts: BTreeMap<Script, usize> = BTreeMap::new();
    for c in text.chars() {
        if let Some(s) = Script::of(c) {
            *counts.entry(s).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .max_by_key(|(s, n)| (*n, std::cmp::Reverse(*s)))
        .map(|(s, _)| s)
}

/// A software name without versions and build details: "LibreOffice/6.0.3.2$Linux" -> "libreoffice".
pub fn software_family(value: &str) -> String {
    let value = value.split('$').next().unwrap_or(value);
    value
        .split(|c: char| {
            c.is_whitespace() || c == '/' || c == '(' || c == ')' || c == ',' || c == ';'
        })
        .filter(|w| !w.is_empty() && !w.chars().any(|c| c.is_ascii_digit()))
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The documents of a corpus and the indexes the document checks share.
pub struct DocumentIndex<'a> {
    /// Office files and PDFs, in item order.
    pub docs: Vec<Doc<'a>>,
    /// Number of distinct documents (by SHA-256).
    pub distinct: usize,
    /// The newest Date of any message in the dump.
    pub newest_email: Option<DateTime<Utc>>,
}

impl<'a> DocumentIndex<'a> {
    pub fn build(items: &'a [Item]) -> Self {
        let mut first_of: BTreeMap<&crate::digest::Digest, usize> = BTreeMap::new();
        let mut docs = Vec::new();
        let mut newest_email: Option<DateTime<Utc>> = None;
        for item in items {
            if let Some(date) = item
                .mail()
                .and_then(|e| e.date.as_ref())
                .and_then(|d| d.instant)
            {
                newest_email = Some(newest_email.map_or(date, |n| n.max(date)));
            }
            let Some(facts) = item.document.as_deref() else {
                continue;
            };
            if !OFFICE_FORMATS.contains(&facts.format) {
                continue;
            }
            let distinct = match item.sha256.as_ref() {
                Some(sha) => *first_of.entry(sha).or_insert(docs.len()),
                None => docs.len(),
            };
            docs.push(Doc {
                item,
                facts,
                distinct,
            });
        }
        let distinct = docs
            .iter()
            .enumerate()
            .filter(|(i, d)| d.distinct == *i)
            .count();
        DocumentIndex {
            docs,
            distinct,
            newest_email,
        }
    }

    /// The distinct documents (first copy of each SHA-256).
    pub fn distinct_docs(&self) -> impl Iterator<Item = &Doc<'a>> {
        self.docs
            .iter()
            .enumerate()
            .filter(|(i, d)| d.distinct == *i)
            .map(|(_, d)| d)
    }

    /// Distinct documents carrying each value of one field, as (value -> doc indices).
    pub fn tally(
        &self,
        field: impl Fn(&DocumentFacts) -> Option<String>,
    ) -> BTreeMap<String, Vec<usize>> {
        let mut tally: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, doc) in self.docs.iter().enumerate() {
            if doc.distinct != i {
                continue;
            }
            if let Some(value) = field(doc.facts) {
                tally.entry(value).or_default().push(i);
            }
        }
        tally
    }

    /// Every item (all copies) of the distinct document `distinct`.
    pub fn copies(&self, distinct: usize) -> impl Iterator<Item = &Doc<'a>> {
        self.docs.iter().filter(move |d| d.distinct == distinct)
    }
}

/// Names and addresses of every message sender, for matching document authors.
///
/// Compact, as a mailbox that heard from many people once each has many
/// senders: each distinct From mailbox is read once, a form is its tokens'
/// numbers, and the handles are one sorted list. Token sets of strings per
/// message took about 500 bytes a sender (100 MB for 200,000 senders).
pub struct Senders {
    /// Every token of the forms, with its number.
    numbers: BTreeMap<Box<str>, u32>,
    /// Token sets of display names and address local parts, as their
    /// tokens' numbers, ascending; no two alike.
    forms: Vec<Box<[u32]>>,
    /// Address local parts and "initial + surname" forms, lower case, no
    /// spaces; ascending, no two alike.
    handles: Vec<Box<str>>,
}

fn tokens(text: &str) -> BTreeSet<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

impl Senders {
    pub fn build(items: &[Item]) -> Self {
        // Messages share their From lists (`FromList`): each distinct
        // mailbox is looked at once.
        let mailboxes: std::collections::HashSet<&crate::parse::email::Mailbox> = items
            .iter()
            .filter_map(|i| i.mail())
            .flat_map(|e| e.from.iter())
            .collect();
        let mut numbers: BTreeMap<Box<str>, u32> = BTreeMap::new();
        let mut forms: Vec<Box<[u32]>> = Vec::new();
        let mut handles: Vec<Box<str>> = Vec::new();
        for mailbox in mailboxes {
            let local = mailbox
                .address
                .as_deref()
                .and_then(|a| a.split('@').next())
                .map(str::to_lowercase);
            let mut form = mailbox.name.as_deref().map(tokens).unwrap_or_default();
            if let Some(name) = mailbox.name.as_deref() {
                let words: Vec<String> = name.split_whitespace().map(str::to_lowercase).collect();
                if let (Some(first), Some(last)) = (words.first(), words.last())
                    && words.len() > 1
                    && let Some(initial) = first.chars().next()
                {
                    handles.push(format!("{initial}{last}").into());
                    handles.push(format!("{first}{last}").into());
                }
            }
            if let Some(local) = local {
                form.extend(tokens(&local));
                handles.push(local.into());
            }
            if !form.is_empty() {
                let mut ids: Vec<u32> = form
                    .into_iter()
                    .map(|token| {
                        let next = u32::try_from(numbers.len()).expect("fewer than 2^32 tokens");
                        *numbers.entry(token.into()).or_insert(next)
                    })
                    .collect();
                ids.sort_unstable();
                forms.push(ids.into());
            }
        }
        forms.sort_unstable();
        forms.dedup();
        handles.sort_unstable();
        handles.dedup();
        Senders {
            numbers,
            forms,
            handles,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.forms.is_empty()
    }

    /// Whether a document's author or editor names one of the senders.
    pub fn knows(&self, person: &str) -> bool {
        let words = tokens(person);
        if words.is_empty() {
            return false;
        }
        let joined: String = words.iter().cloned().collect::<Vec<_>>().concat();
        let squashed: String = person.split_whitespace().collect::<String>().to_lowercase();
        let handle = |h: &str| self.handles.binary_search_by(|x| (**x).cmp(h)).is_ok();
        if handle(&squashed) || handle(&joined) {
            return true;
        }
        // A word no sender's form has: no form holds them all.
        let Some(mut ids) = words
            .iter()
            .map(|w| self.numbers.get(w.as_str()).copied())
            .collect::<Option<Vec<u32>>>()
        else {
            return false;
        };
        ids.sort_unstable();
        self.forms.iter().any(|form| is_sorted_subset(&ids, form))
    }
}

/// Whether every number of `small` is in `large` (both ascending, no repeats).
fn is_sorted_subset(small: &[u32], large: &[u32]) -> bool {
    let mut rest = large;
    small.iter().all(|x| match rest.binary_search(x) {
        Ok(at) => {
            rest = &rest[at + 1..];
            true
        }
        Err(_) => false,
    })
}

/// (path, locator) of an item, as the report writes them.
pub fn item_ref(item: &Item) -> (String, Option<String>) {
    (
        item.path.to_string(),
        Locator::to_option_string(&item.locator),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts() {
        assert_eq!(script_of("Alice Martin"), Some(Script::Latin));
        assert_eq!(script_of("Élodie Lefèvre"), Some(Script::Latin));
        assert_eq!(script_of("Борис Петров"), Some(Script::Cyrillic));
        assert_eq!(script_of("Γιώργος"), Some(Script::Greek));
        assert_eq!(script_of("王伟"), Some(Script::Han));
        assert_eq!(script_of("محمد"), Some(Script::Arabic));
        assert_eq!(script_of("1234 -"), None);
    }

    #[test]
    fn senders_know_authors_by_name_handle_or_address() {
        use crate::checks::test_support::email_item_at;
        let msg = |from: &str| format!("From: {from}\nSubject: x\n\nbody\n");
        let mut items = vec![
            email_item_at(
                "a.eml",
                &msg("Anne Lefebvre <anne.lefebvre60@corvel-energie.fr>"),
            ),
            email_item_at(
                "b.eml",
                &msg("Anne Lefebvre <anne.lefebvre60@corvel-energie.fr>"),
            ),
            email_item_at("c.eml", &msg("jdupont@corvel-energie.fr")),
            email_item_at("d.eml", &msg("\"Marc-Olivier Roux\" <mor@example.fr>")),
        ];
        for item in &mut items {
            item.settle();
        }
        let senders = Senders::build(&items);
        assert!(!senders.is_empty());
        for known in [
            "Anne Lefebvre",
            "lefebvre anne",
            "ALefebvre",
            "anne.lefebvre60",
            "jdupont",
            "Roux",
            "Marc-Olivier",
            "mroux",
        ] {
            assert!(senders.knows(known), "{known}");
        }
        for unknown in ["Boris Petrov", "Anne Petrov", "Lefebvre Roux", "", "--"] {
            assert!(!senders.knows(unknown), "{unknown}");
        }
        assert_eq!(senders.forms.len(), 3, "one form per distinct mailbox");
        assert!(senders.handles.is_sorted());
        assert!(Senders::build(&[]).is_empty());
    }

    #[test]
    fn sorted_subsets() {
        assert!(is_sorted_subset(&[], &[1]));
        assert!(is_sorted_subset(&[1, 5, 9], &[0, 1, 2, 5, 9]));
        assert!(!is_sorted_subset(&[1, 6], &[0, 1, 2, 5, 9]));
        assert!(!is_sorted_subset(&[9, 10], &[9]));
    }

    #[test]
    fn families_drop_versions() {
        assert_eq!(
            software_family("LibreOffice/6.0.3.2$Linux_X86_64 LibreOffice_project/00m0$Build-2"),
            "libreoffice"
        );
        assert_eq!(software_family("Microsoft® Word 2016"), "microsoft® word");
        assert_eq!(
            software_family("Acrobat Distiller 9.0.0 (Windows)"),
            "acrobat distiller windows"
        );
    }
}
