//! The check catalogue: every check is one file named by its id and one line in `CHECKS`.
//!
//! A check is a plain function over facts, registered with its metadata.
//! Item checks see one parsed item (in the worker that parsed it); corpus
//! checks run once after the walk over the compact facts of every item.
//! Checks never do I/O, never re-parse, never print.

use crate::config::Config;
use crate::corpus::Corpus;
use crate::finding::{Finding, Severity};
use crate::item::Item;

mod attachment_anachronism;
mod date_received_mismatch;
mod date_weekday_mismatch;
mod dkim_body_hash_mismatch;
mod dkim_domain_misaligned;
mod dkim_signature_invalid;
mod document_metadata_anomaly;
mod document_variant;
mod exact_duplicate;
mod mailer_fingerprint_mismatch;
mod malformed_header;
mod message_id_conflict;
mod quoted_text_mismatch;
mod received_out_of_order;
mod sender_profile_outlier;
mod thread_chronology;

/// When a check runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Once per item, right after it is parsed.
    Item,
    /// Once per scan, over the facts of all items.
    Corpus,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Item => "item",
            Scope::Corpus => "corpus",
        }
    }
}

/// What a check is, for the registry, the report and the generated docs.
#[derive(Debug, Clone, Copy)]
pub struct CheckMeta {
    /// Stable kebab-case id: a public contract, never renamed.
    pub id: &'static str,
    /// Severity of a typical finding; a check may grade individual findings.
    pub severity: Severity,
    pub scope: Scope,
    /// One line: what the check detects.
    pub summary: &'static str,
    /// Markdown: why it suggests fabrication, known false-positive causes,
    /// tolerances and the evidence behind them.
    pub doc: &'static str,
}

pub type ItemFn = fn(&Item, &Config, &mut Vec<Finding>);
pub type CorpusFn = fn(&Corpus<'_>, &Config, &mut Vec<Finding>);

#[derive(Clone, Copy)]
pub enum Run {
    Item(ItemFn),
    Corpus(CorpusFn),
}

pub struct Check {
    pub meta: CheckMeta,
    pub run: Run,
}

/// The registry, in documentation order.
pub static CHECKS: &[&Check] = &[
    &exact_duplicate::CHECK,
    &malformed_header::CHECK,
    &date_weekday_mismatch::CHECK,
    &date_received_mismatch::CHECK,
    &received_out_of_order::CHECK,
    &message_id_conflict::CHECK,
    &thread_chronology::CHECK,
    &mailer_fingerprint_mismatch::CHECK,
    &sender_profile_outlier::CHECK,
    &quoted_text_mismatch::CHECK,
    &document_variant::CHECK,
    &dkim_body_hash_mismatch::CHECK,
    &dkim_signature_invalid::CHECK,
    &dkim_domain_misaligned::CHECK,
    &attachment_anachronism::CHECK,
    &document_metadata_anomaly::CHECK,
];

/// Runs every item check on one item.
pub fn run_item_checks(item: &Item, cfg: &Config, out: &mut Vec<Finding>) {
    for check in CHECKS {
        if let Run::Item(run) = check.run {
            run(item, cfg, out);
        }
    }
}

/// Runs every corpus check.
pub fn run_corpus_checks(corpus: &Corpus<'_>, cfg: &Config, out: &mut Vec<Finding>) {
    use rayon::prelude::*;
    // Side by side on the current pool: they only read the corpus, and most
    // of them spend part of their time on one thread (an index built, a
    // list sorted), which left the other core idle. Their findings are
    // appended in catalogue order, as when they ran one after another.
    let runs: Vec<_> = CHECKS
        .iter()
        .filter_map(|check| match check.run {
            Run::Corpus(run) => Some((check.meta.id, run)),
            Run::Item(_) => None,
        })
        .collect();
    let found: Vec<Vec<Finding>> = runs
        .par_iter()
        .map(|(id, run)| {
            let start = std::time::Instant::now();
            let mut found = Vec::new();
            run(corpus, cfg, &mut found);
            crate::progress::timing(id, start);
            found
        })
        .collect();
    out.extend(found.into_iter().flatten());
}

/// The catalogue as Markdown: the content of docs/checks.md.
pub fn catalogue_markdown() -> String {
    let mut md = String::from(
        "# Check catalogue\n\n\
         Generated from the check registry (`src/checks/`) by `leakprov checks --markdown`;\n\
         a test fails when this file is stale (regenerate with `LEAKPROV_BLESS=1 cargo test --test registry`).\n\
         Check ids are a public contract: scripts key on them, and they are never renamed.\n\n\
         | id | default severity | scope | what it detects |\n|---|---|---|---|\n",
    );
    for check in CHECKS {
        let m = &check.meta;
        md.push_str(&format!(
            "| [`{}`](#{}) | {} | {} | {} |\n",
            m.id,
            m.id,
            m.severity,
            m.scope.as_str(),
            m.summary
        ));
    }
    for check in CHECKS {
        let m = &check.meta;
        md.push_str(&format!(
            "\n## {}\n\nDefault severity: **{}**. Scope: {}.\n\n{}\n\n{}\n",
            m.id,
            m.severity,
            m.scope.as_str(),
            m.summary,
            m.doc.trim()
        ));
    }
    md
}

/// A duration for people: "17 min", "11 h 5 min", "3 days 2 h".
pub(crate) fn human_duration(seconds: i64) -> String {
    let s = seconds.unsigned_abs();
    if s < 120 {
        format!("{s} s")
    } else if s < 3600 {
        format!("{} min", s / 60)
    } else if s < 86_400 {
        match (s % 3600) / 60 {
            0 => format!("{} h", s / 3600),
            m => format!("{} h {m} min", s / 3600),
        }
    } else {
        let days = s / 86_400;
        let unit = if days == 1 { "day" } else { "days" };
        match (s % 86_400) / 3600 {
            0 => format!("{days} {unit}"),
            h => format!("{days} {unit} {h} h"),
        }
    }
}

/// An instant as mail writes it, in the given offset: "02 May 2017 09:14 +0200".
pub(crate) fn show_instant(
    instant: &chrono::DateTime<chrono::Utc>,
    offset_minutes: Option<i32>,
) -> String {
    let offset = offset_minutes
        .and_then(|m| chrono::FixedOffset::east_opt(m * 60))
        .unwrap_or_else(|| chrono::FixedOffset::east_opt(0).expect("zero offset is valid"));
    instant
        .with_timezone(&offset)
        .format("%d %b %Y %H:%M:%S %z")
        .to_string()
}

/// Builds items from message text for the checks' unit tests.
#[cfg(test)]
pub(crate) mod test_support {
    use crate::config::Config;
    use crate::item::{Item, ItemKind, Locator};
    use crate::parse::Output;
    use crate::parse::email::{At, Source, parse_email};

    /// A standalone message item parsed from `raw` (LF line endings are fine).
    pub fn email_item(raw: &str) -> Item {
        email_item_at("test.eml", raw)
    }

    /// A message item parsed with DKIM keys available.
    pub fn email_item_with(raw: &str, cfg: &Config) -> Item {
        let mut out = Output::default();
        let locator = Locator::root();
        let at = At {
            path: "test.eml",
            locator: &locator,
            source: Source::File,
            truncated: false,
        };
        let mut item = Item::new("test.eml".into(), Locator::root(), ItemKind::Email);
        item.size = raw.len() as u64;
        item.email = parse_email(raw.as_bytes(), at, cfg, &mut out).map(Box::new);
        item
    }

    /// The checks of `check` on `item`, with `cfg`.
    pub fn run_on(check: &super::Check, item: &Item, cfg: &Config) -> Vec<crate::finding::Finding> {
        let mut out = Vec::new();
        if let super::Run::Item(run) = check.run {
            run(item, cfg, &mut out);
        }
        out
    }

    pub fn email_item_at(path: &str, raw: &str) -> Item {
        let mut out = Output::default();
        let locator = Locator::root();
        let at = At {
            path,
            locator: &locator,
            source: Source::File,
            truncated: false,
        };
        let facts = parse_email(raw.as_bytes(), at, &Config::new(".".into()), &mut out);
        let mut item = Item::new(path.into(), Locator::root(), ItemKind::Email);
        item.size = raw.len() as u64;
        item.email = facts.map(Box::new);
        item
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_kebab_case() {
        let mut seen = std::collections::BTreeSet::new();
        for check in CHECKS {
            let id = check.meta.id;
            assert!(seen.insert(id), "duplicate check id {id}");
            assert!(
                id.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{id} is not kebab-case"
            );
            assert!(
                !check.meta.doc.trim().is_empty(),
                "{id} has no documentation"
            );
        }
    }
}
