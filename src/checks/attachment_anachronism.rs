//! `attachment-anachronism`: an attached document was created or modified after the message that carries it was sent.
//!
//! The bytes of an attachment are frozen when the message is written. A
//! document whose own metadata says it was saved later than that was put in
//! the message later: the message, or the attachment, was fabricated.

use chrono::{DateTime, Utc};

use super::{Check, CheckMeta, Run, Scope, human_duration};
use crate::config::Config;
use crate::corpus::Corpus;
use crate::finding::{Evidence, Finding, Severity};
use crate::item::{Item, Locator};
use crate::parse::doctime::DocTime;

/// Tolerance when the document's time carries a zone (clock drift, send delay).
const ZONED_TOLERANCE: i64 = 10 * 60;
/// Tolerance when it does not: the unknown zone can be up to 14 hours away, plus slack.
const ZONELESS_TOLERANCE: i64 = 24 * 3600;

pub static CHECK: Check = Check {
    meta: CheckMeta {
        id: "attachment-anachronism",
        severity: Severity::Medium,
        scope: Scope::Corpus,
        summary: "An attached document was created or modified after the Date of the message that carries it.",
        doc: "\
**What it detects.** A document attached to a message (directly, or inside an attached \
archive) whose own metadata (OOXML `dcterms:created` / `dcterms:modified`, ODF \
`meta:creation-date` / `dc:date`, PDF `/CreationDate` / `/ModDate`, OLE2 summary times, \
EXIF `DateTimeOriginal` / `DateTime`) is later than the `Date:` of the nearest enclosing \
message.

**Why it matters.** An attachment's bytes are fixed when the message is composed. A file \
saved after the message was sent cannot be in it, unless the message was back-dated or the \
attachment swapped: both are fabrication.

**Tolerances.** 10 minutes when the document's time carries a zone (clock drift between \
the author's machine and the sender's); 1 day when it does not (ODF and many PDFs write \
local time without a zone; the unknown offset can reach 14 hours). Severity is **medium**, \
and **high** when the document is more than a day later than the message beyond the \
tolerance (zoned: more than 1 day late; zone-less: more than 2 days late).

**False positives.** A sender whose computer clock was wrong by more than the tolerance \
(check the message's Received times and other documents from the same sender); a message \
whose Date was itself wrong. A document created *long before* the message (a template, an \
old report) is normal and never flagged.",
    },
    run: Run::Corpus(run),
};

fn run(corpus: &Corpus<'_>, _cfg: &Config, out: &mut Vec<Finding>) {
    for item in corpus.items {
        let Some(doc) = item.document.as_deref() else {
            continue;
        };
        if doc.archive.is_some() {
            continue;
        }
        let Some((carrier, sent)) = carrying_email(corpus.items, item) else {
            continue;
        };
        let times = [
            ("created", doc.created.as_ref()),
            ("modified", doc.modified.as_ref()),
        ];
        // The latest offending time is the one reported.
        let worst = times
            .into_iter()
            .filter_map(|(field, t)| Some((field, t?, lateness(t?, sent)?)))
            .filter(|(_, t, late)| *late > tolerance(t))
            .max_by_key(|(_, _, late)| *late);
        let Some((field, time, late)) = worst else {
            continue;
        };
        let severity = if late > tolerance(time) + 24 * 3600 {
            Severity::High
        } else {
            Severity::Medium
        };
        let Some(email) = carrier.mail() else {
            continue;
        };
        let date_raw = email
            .date
            .as_ref()
            .map(|d| d.raw.clone())
            .unwrap_or_default();
        let written = time
            .utc
            .clone()
            .or_else(|| time.local.clone())
            .unwrap_or_else(|| time.raw.clone());
        let message = format!(
            "The attachment's {field} time ({written}{}) is {} after the Date of the message carrying it ({date_raw})",
            if time.zoneless { ", no zone" } else { "" },
            human_duration(late)
        );
        let evidence = Evidence::new()
            .with("email_path", &*carrier.path)
            .with("email_locator", carrier.locator.to_option_string())
            .with("date_line", format!("Date: {date_raw}"))
            .with("email_utc", crate::parse::date::rfc3339(&sent))
            .with("field", field)
            .with("document_time_raw", time.raw.clone())
            .with("document_time", written)
            .with("zoneless", time.zoneless)
            .with("late_by_seconds", late)
            .with("tolerance_seconds", tolerance(time));
        out.push(Finding::on(
            item,
            CHECK.meta.id,
            severity,
            message,
            evidence,
        ));
    }
}

fn tolerance(t: &DocTime) -> i64 {
    if t.instant.is_some() {
        ZONED_TOLERANCE
    } else {
        ZONELESS_TOLERANCE
    }
}

/// Seconds by which the document time is later than the message (negative: earlier).
fn lateness(t: &DocTime, sent: DateTime<Utc>) -> Option<i64> {
    Some((t.approx_utc()? - sent).num_seconds())
}

/// The nearest enclosing message of an attachment (or of a member of an attached archive), and its Date.
fn carrying_email<'a>(items: &'a [Item], item: &Item) -> Option<(&'a Item, DateTime<Utc>)> {
    let mut parts = item.locator.0.to_vec();
    while parts.pop().is_some() {
        let parent = Locator(parts.clone().into_boxed_slice());
        let found = items
            .binary_search_by(|i| (&*i.path, &i.locator).cmp(&(&*item.path, &parent)))
            .ok()
            .map(|i| &items[i]);
        if let Some(parent_item) = found
            && let Some(email) = parent_item.mail()
        {
            let sent = email.date.as_ref()?.instant?;
            return Some((parent_item, sent));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::test_support::email_item;
    use crate::item::{ItemKind, LocatorPart};
    use crate::parse::document::DocumentFacts;

    fn attached(created: DocTime, modified: Option<DocTime>) -> Item {
        let mut item = Item::new(
            "test.eml".into(),
            Locator::root().child(LocatorPart::Attachment(1, "a.docx".into())),
            ItemKind::Ooxml,
        );
        let mut doc = DocumentFacts::new("ooxml");
        doc.created = Some(created);
        doc.modified = modified;
        item.document = Some(Box::new(doc));
        item
    }

    fn findings(doc: Item) -> Vec<Finding> {
        let email = email_item("From: a@b.c\nDate: Tue, 2 May 2017 09:14:01 +0200\n\nbody\n");
        let mut items = vec![email, doc];
        let corpus = Corpus::build(&mut items, &crate::corpus::NoContent);
        let mut out = Vec::new();
        run(&corpus, &Config::new(".".into()), &mut out);
        out
    }

    #[test]
    fn flags_a_document_saved_after_the_message() {
        // Sent 07:14:01Z; modified 3 days later.
        let out = findings(attached(
            DocTime::parse_iso("2017-04-01T08:00:00Z"),
            Some(DocTime::parse_iso("2017-05-05T09:00:00Z")),
        ));
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].severity, Severity::High);
        assert_eq!(
            out[0].evidence.get("field"),
            Some(&serde_json::json!("modified"))
        );
        assert_eq!(out[0].locator.to_string(), "attachment:1:a.docx");
        // 30 minutes late with a zone: medium.
        let out = findings(attached(DocTime::parse_iso("2017-05-02T07:44:01Z"), None));
        assert_eq!(out[0].severity, Severity::Medium);
    }

    #[test]
    fn tolerates_drift_and_zoneless_times() {
        // 5 minutes late with a zone: clock drift.
        assert!(findings(attached(DocTime::parse_iso("2017-05-02T07:19:00Z"), None)).is_empty());
        // Zone-less local time 11:00 on the same day: could be UTC+4, within a day.
        assert!(findings(attached(DocTime::parse_iso("2017-05-02T11:00:00"), None)).is_empty());
        // A template created years before: normal.
        assert!(findings(attached(DocTime::parse_iso("2009-01-01T00:00:00Z"), None)).is_empty());
        // Zone-less but three days late: flagged.
        let out = findings(attached(DocTime::parse_iso("2017-05-05T11:00:00"), None));
        assert_eq!(out[0].severity, Severity::High);
        assert_eq!(
            out[0].evidence.get("zoneless"),
            Some(&serde_json::json!(true))
        );
    }

    #[test]
    fn standalone_documents_are_not_this_check() {
        let mut doc = attached(DocTime::parse_iso("2030-01-01T00:00:00Z"), None);
        doc.locator = Locator::root();
        doc.path = "other.docx".into();
        assert!(findings(doc).is_empty());
    }
}
