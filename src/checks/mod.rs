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

mod date_weekday_mismatch;
mod exact_duplicate;
mod mailer_fingerprint_mismatch;
mod malformed_header;

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
    &mailer_fingerprint_mismatch::CHECK,
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
    for check in CHECKS {
        if let Run::Corpus(run) = check.run {
            run(corpus, cfg, out);
        }
    }
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

/// Builds items from message text for the checks' unit tests.
#[cfg(test)]
pub(crate) mod test_support {
    use crate::config::Limits;
    use crate::item::{Item, ItemKind, Locator};
    use crate::parse::Output;
    use crate::parse::email::{Source, parse_email};

    /// A standalone message item parsed from `raw` (LF line endings are fine).
    pub fn email_item(raw: &str) -> Item {
        email_item_at("test.eml", raw)
    }

    pub fn email_item_at(path: &str, raw: &str) -> Item {
        let mut out = Output::default();
        let facts = parse_email(
            raw.as_bytes(),
            path,
            &Locator::root(),
            Source::File,
            &Limits::default(),
            &mut out,
        );
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
