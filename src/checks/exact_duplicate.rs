//! `exact-duplicate`: the same bytes at several places in the dump.
//!
//! Not a sign of forgery by itself (a message sits in the sender's Sent folder
//! and the recipient's Inbox), but it ties copies together: an attachment that
//! equals a standalone document, a file planted twice under different names.

use serde_json::json;

use super::{Check, CheckMeta, Run, Scope};
use crate::config::Config;
use crate::corpus::Corpus;
use crate::finding::{Evidence, Finding, Severity};

pub static CHECK: Check = Check {
    meta: CheckMeta {
        id: "exact-duplicate",
        severity: Severity::Info,
        scope: Scope::Corpus,
        summary: "The same SHA-256 occurs at several paths (files, mbox messages or attachments).",
        doc: "\
**What it detects.** Items whose bytes are identical: files, messages inside mbox files \
(hashed as the message would be stored on its own, mboxrd quoting undone) and decoded \
attachments. One finding per group, on the copy that sorts first; the evidence lists every copy.

**Why it matters.** Identical copies corroborate each other: the same message in two \
mailboxes, an attachment that is also a standalone document. It is the backdrop against \
which `message-id-conflict` finds copies that are *not* identical.

**False positives.** None as such: this is information. Empty files are not grouped.",
    },
    run: Run::Corpus(run),
};

/// Most copies listed in one finding's evidence.
const MAX_LISTED: usize = 100;

fn run(corpus: &Corpus<'_>, _cfg: &Config, out: &mut Vec<Finding>) {
    for (sha, members) in corpus.by_sha256.iter() {
        if members.len() < 2 {
            continue;
        }
        let sha = sha.hex();
        let first = &corpus.items[members[0]];
        let copies: Vec<_> = members
            .iter()
            .take(MAX_LISTED)
            .map(|&i| {
                let item = &corpus.items[i];
                json!({"path": item.path, "locator": item.locator})
            })
            .collect();
        let mut evidence = Evidence::new()
            .with("sha256", sha.as_str())
            .with("size", first.size)
            .with("count", members.len())
            .with("copies", copies);
        if members.len() > MAX_LISTED {
            evidence.insert("copies_not_listed", members.len() - MAX_LISTED);
        }
        let message = format!(
            "{} identical copies ({} bytes, SHA-256 {}…)",
            members.len(),
            first.size,
            &sha[..12.min(sha.len())]
        );
        out.push(Finding::on(
            first,
            CHECK.meta.id,
            CHECK.meta.severity,
            message,
            evidence,
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::item::{Item, ItemKind, Locator, LocatorPart};

    fn item(path: &str, locator: Locator, sha: &str, size: u64) -> Item {
        let mut item = Item::new(path.into(), locator, ItemKind::Email);
        item.sha256 = Some(crate::digest::Digest::of(sha.as_bytes()));
        item.size = size;
        item
    }

    fn findings(items: &[Item]) -> Vec<Finding> {
        let mut items = items.to_vec();
        let corpus = Corpus::build(&mut items, &crate::corpus::NoContent);
        let mut out = Vec::new();
        run(&corpus, &Config::new(".".into()), &mut out);
        out
    }

    #[test]
    fn groups_identical_copies_across_files_and_mboxes() {
        let items = vec![
            item("a.eml", Locator::root(), "aa", 10),
            item(
                "b.mbox",
                Locator::root().child(LocatorPart::Mbox(3)),
                "aa",
                10,
            ),
            item("c.eml", Locator::root(), "cc", 10),
        ];
        let out = findings(&items);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].path, "a.eml");
        assert_eq!(out[0].evidence.get("count"), Some(&json!(2)));
        assert_eq!(
            out[0].evidence.get("copies").unwrap()[1]["locator"],
            json!("mbox:3")
        );
    }

    #[test]
    fn empty_files_and_unique_files_are_not_duplicates() {
        let items = vec![
            item("a", Locator::root(), "e3b0", 0),
            item("b", Locator::root(), "e3b0", 0),
            item("c", Locator::root(), "cc", 5),
        ];
        assert!(findings(&items).is_empty());
    }
}
