//! The "most suspicious first" order of the HTML report (docs/report-scoring.md).
//!
//! An item's score aggregates its findings: each check counts once, at the
//! weight of its most severe finding on the item; checks that read the same
//! evidence form a family that counts once; every family beyond the strongest
//! counts double, because independent checks agreeing is worth more than one
//! check shouting. Items are ranked by score, then path and locator.

use std::collections::BTreeMap;

use crate::finding::{Finding, Severity};
use crate::item::{Item, ItemKind, Locator};

/// Points of one finding's severity.
pub fn severity_weight(severity: Severity) -> u32 {
    match severity {
        Severity::High => 10,
        Severity::Medium => 4,
        Severity::Low => 1,
        Severity::Info => 0,
    }
}

/// Points a finding contributes to its item.
///
/// `exact-duplicate` is information, except on a message: two deliveries of one
/// message to two mailboxes differ in their trace fields (Delivered-To,
/// Received), so a byte-identical message is a file copy, which is worth a look.
pub fn weight(check: &str, severity: Severity, kind: Option<ItemKind>) -> u32 {
    if check == "exact-duplicate" && kind == Some(ItemKind::Email) {
        return severity_weight(severity).max(1);
    }
    severity_weight(severity)
}

/// Checks that read the same evidence: they do not corroborate each other.
fn family(check: &str) -> &str {
    if check.starts_with("dkim-") {
        "dkim"
    } else {
        check
    }
}

/// One ranked item: its index in `report.items` (or `None` when no item has the
/// finding's path and locator) and the indices of its findings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ranked<'a> {
    pub item: Option<usize>,
    pub path: &'a str,
    pub locator: &'a Locator,
    pub score: u32,
    pub findings: Vec<usize>,
}

/// The score of one item from (check, weight) pairs of its findings.
pub fn score<'c>(weights: impl IntoIterator<Item = (&'c str, u32)>) -> u32 {
    let mut by_check: BTreeMap<&str, u32> = BTreeMap::new();
    for (check, w) in weights {
        let slot = by_check.entry(check).or_default();
        *slot = (*slot).max(w);
    }
    let mut by_family: BTreeMap<&str, u32> = BTreeMap::new();
    for (check, w) in by_check {
        let slot = by_family.entry(family(check)).or_default();
        *slot = (*slot).max(w);
    }
    let total: u32 = by_family.values().sum();
    let strongest = by_family.values().copied().max().unwrap_or(0);
    // The strongest family once, every other family twice.
    2 * total - strongest
}

/// Every item with at least one finding, most suspicious first.
///
/// `items` are in the report's order (`Item::key`, as `scan` sorts them):
/// a finding's item is found by binary search. A map of every item's key
/// held about 70 MB at a million files, the peak of writing the page.
pub fn rank<'a>(items: &'a [Item], findings: &'a [Finding]) -> Vec<Ranked<'a>> {
    debug_assert!(items.is_sorted_by(|a, b| a.key() < b.key()));
    let find = |path: &str, locator: &Locator| {
        items
            .binary_search_by(|item| item.key().cmp(&(path, locator)))
            .ok()
    };
    // Findings are sorted by (path, locator, check): group them in one pass.
    let mut groups: Vec<Ranked<'a>> = Vec::new();
    for (fi, f) in findings.iter().enumerate() {
        match groups.last_mut() {
            Some(g) if g.path == f.path && *g.locator == f.locator => g.findings.push(fi),
            _ => groups.push(Ranked {
                item: find(&f.path, &f.locator),
                path: &f.path,
                locator: &f.locator,
                score: 0,
                findings: vec![fi],
            }),
        }
    }
    for g in &mut groups {
        let kind = g.item.map(|i| items[i].kind);
        g.score = score(g.findings.iter().map(|&fi| {
            let f = &findings[fi];
            (f.check, weight(f.check, f.severity, kind))
        }));
    }
    groups.sort_by(|a, b| {
        b.score
            .cmp(&a.score)
            .then_with(|| a.path.cmp(b.path))
            .then_with(|| a.locator.cmp(b.locator))
    });
    groups
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Evidence;
    use crate::item::LocatorPart;

    fn finding(path: &str, locator: Locator, check: &'static str, severity: Severity) -> Finding {
        Finding {
            check,
            severity,
            path: path.into(),
            locator,
            message: String::new(),
            evidence: Evidence::new(),
        }
    }

    #[test]
    fn a_check_counts_once_at_its_worst() {
        assert_eq!(score([("malformed-header", 1), ("malformed-header", 1)]), 1);
        assert_eq!(score([("date-weekday-mismatch", 4)]), 4);
        assert_eq!(score([("message-id-conflict", 10)]), 10);
        assert_eq!(score([("exact-duplicate", 0)]), 0);
    }

    #[test]
    fn independent_checks_agreeing_count_double() {
        // medium + low: 4 + 2 x 1.
        assert_eq!(
            score([("date-weekday-mismatch", 4), ("malformed-header", 1)]),
            6
        );
        // Two mediums outrank one high.
        assert_eq!(
            score([("date-weekday-mismatch", 4), ("thread-chronology", 4)]),
            12
        );
        // Two lows stay below one medium.
        assert_eq!(
            score([("malformed-header", 1), ("dkim-domain-misaligned", 1)]),
            3
        );
    }

    #[test]
    fn dkim_checks_are_one_family() {
        assert_eq!(
            score([
                ("dkim-body-hash-mismatch", 10),
                ("dkim-signature-invalid", 10)
            ]),
            10
        );
    }

    #[test]
    fn a_copied_message_is_a_lead_a_copied_attachment_is_not() {
        let email = Some(ItemKind::Email);
        assert_eq!(weight("exact-duplicate", Severity::Info, email), 1);
        assert_eq!(
            weight("exact-duplicate", Severity::Info, Some(ItemKind::Ooxml)),
            0
        );
        assert_eq!(weight("malformed-header", Severity::Info, email), 0);
    }

    #[test]
    fn ranks_by_score_then_path_and_locator() {
        let mut items = vec![
            Item::new("a.eml".into(), Locator::root(), ItemKind::Email),
            Item::new("b.mbox".into(), Locator::root(), ItemKind::Mbox),
            Item::new(
                "b.mbox".into(),
                Locator::root().child(LocatorPart::Mbox(2)),
                ItemKind::Email,
            ),
            Item::new("c.eml".into(), Locator::root(), ItemKind::Email),
        ];
        items.sort_by(|a, b| a.key().cmp(&b.key()));
        let mbox2 = Locator::root().child(LocatorPart::Mbox(2));
        let findings = vec![
            finding("a.eml", Locator::root(), "malformed-header", Severity::Low),
            finding(
                "b.mbox",
                mbox2.clone(),
                "date-weekday-mismatch",
                Severity::Medium,
            ),
            finding("b.mbox", mbox2.clone(), "malformed-header", Severity::Low),
            finding("c.eml", Locator::root(), "malformed-header", Severity::Low),
            finding("z.eml", Locator::root(), "malformed-header", Severity::Low),
        ];
        let ranked = rank(&items, &findings);
        let order: Vec<(&str, String, u32)> = ranked
            .iter()
            .map(|r| (r.path, r.locator.to_string(), r.score))
            .collect();
        assert_eq!(
            order,
            vec![
                ("b.mbox", "mbox:2".to_string(), 6),
                ("a.eml", String::new(), 1),
                ("c.eml", String::new(), 1),
                ("z.eml", String::new(), 1),
            ]
        );
        assert_eq!(ranked[0].item, Some(2));
        assert_eq!(ranked[0].findings, vec![1, 2]);
        assert_eq!(ranked[3].item, None);
    }
}
