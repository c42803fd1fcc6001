//! The report's `documents` section: who wrote the dump's documents, and with what, at a glance.
//!
//! Tallies of authors, last editors, companies, applications and producers
//! over distinct documents (by SHA-256), with the items carrying each rare
//! value, so that an investigator sees the odd one out before reading findings.

use serde::Serialize;

use crate::corpus::documents::{DocumentIndex, script_of};
use crate::item::Item;
use crate::parse::document::DocumentFacts;

/// Most values listed per tally, and items listed per rare value.
const MAX_VALUES: usize = 200;
const MAX_ITEMS: usize = 20;

#[derive(Debug, Default, Serialize)]
pub struct DocumentsView {
    /// Office documents and PDFs (items: every copy counts).
    pub items: u64,
    /// The same, counted once per distinct SHA-256.
    pub distinct: u64,
    pub authors: Vec<Tally>,
    pub last_editors: Vec<Tally>,
    pub companies: Vec<Tally>,
    pub applications: Vec<Tally>,
    pub producers: Vec<Tally>,
    /// Writing script of the people fields (author, last editor, company) -> distinct documents.
    pub scripts: Vec<Tally>,
}

/// One value and how many distinct documents carry it.
#[derive(Debug, Serialize)]
pub struct Tally {
    pub value: String,
    pub documents: u64,
    /// The items carrying the value, listed only when it is rare (at most 5% of
    /// the documents carrying the field, or a single document).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<ItemRef>,
}

#[derive(Debug, Serialize)]
pub struct ItemRef {
    pub path: String,
    pub locator: Option<String>,
}

impl DocumentsView {
    pub fn build(items: &[Item]) -> Self {
        let index = DocumentIndex::build(items);
        let tally = |field: fn(&DocumentFacts) -> Option<String>| tallies(&index, field);
        DocumentsView {
            items: index.docs.len() as u64,
            distinct: index.distinct as u64,
            authors: tally(|f| f.creator.clone()),
            last_editors: tally(|f| f.last_modified_by.clone()),
            companies: tally(|f| f.company.clone()),
            applications: tally(|f| f.application.clone()),
            producers: tally(|f| f.producer.clone()),
            scripts: tallies(&index, |f| {
                let mut scripts: Vec<&str> = f
                    .people()
                    .filter_map(|(_, v)| script_of(v))
                    .map(|s| s.as_str())
                    .collect();
                scripts.sort();
                scripts.dedup();
                (!scripts.is_empty()).then(|| scripts.join(" + "))
            }),
        }
    }
}

fn tallies(
    index: &DocumentIndex<'_>,
    field: impl Fn(&DocumentFacts) -> Option<String>,
) -> Vec<Tally> {
    let tally = index.tally(field);
    let population: usize = tally.values().map(Vec::len).sum();
    let rare_max = (population / 20).max(1);
    let mut out: Vec<Tally> = tally
        .into_iter()
        .map(|(value, docs)| {
            let items = if docs.len() <= rare_max {
                docs.iter()
                    .flat_map(|&d| index.copies(d))
                    .take(MAX_ITEMS)
                    .map(|d| ItemRef {
                        path: d.item.path.to_string(),
                        locator: d.item.locator.to_option_string(),
                    })
                    .collect()
            } else {
                Vec::new()
            };
            Tally {
                value,
                documents: docs.len() as u64,
                items,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.documents
            .cmp(&a.documents)
            .then_with(|| a.value.cmp(&b.value))
    });
    out.truncate(MAX_VALUES);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::item::{ItemKind, Locator};

    #[test]
    fn tallies_distinct_documents_and_lists_rare_items() {
        let mut items = Vec::new();
        for (i, name) in ["Alice", "Alice", "<b>Eve</b>"].iter().enumerate() {
            let mut item = Item::new(format!("{i}.docx"), Locator::root(), ItemKind::Ooxml);
            item.sha256 = Some(crate::digest::Digest::of(format!("{i}").as_bytes()));
            let mut f = DocumentFacts::new("ooxml");
            f.creator = Some(name.to_string());
            item.document = Some(Box::new(f));
            items.push(item);
        }
        let view = DocumentsView::build(&items);
        assert_eq!(view.distinct, 3);
        assert_eq!(view.authors[0].value, "Alice");
        assert_eq!(view.authors[0].documents, 2);
        assert!(view.authors[0].items.is_empty());
        assert_eq!(view.authors[1].items[0].path, "2.docx");
    }
}
