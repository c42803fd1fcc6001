//! `message-id-conflict`: two copies of one message (same Message-ID) whose content differs.
//!
//! A Message-ID is unique to one message. When a dump holds two copies of it
//! (Sent and Inbox, two recipients' mailboxes) they must say the same thing;
//! a forger who edits one copy (an amount, a name, a sentence) rarely finds
//! and edits every other copy. Delivery legitimately changes Received,
//! Delivered-To, folding and line endings: those are normalised away.

use serde_json::json;
use similar::{ChangeTag, TextDiff};

use super::{Check, CheckMeta, Run, Scope};
use crate::config::Config;
use crate::corpus::Corpus;
use crate::finding::{Evidence, Finding, Severity};
use crate::parse::normalize::Normalized;

pub static CHECK: Check = Check {
    meta: CheckMeta {
        id: "message-id-conflict",
        severity: Severity::High,
        scope: Scope::Corpus,
        summary: "Two or more items carry the same Message-ID but different content (originator fields, body or attachments).",
        doc: "\
**What it detects.** Copies of one Message-ID whose content differs after normalisation: \
the addresses in From, To and Cc, the Subject, the Date (as an instant), the body text \
(line endings unified, trailing whitespace and trailing blank lines removed, runs of blank \
lines collapsed) and the SHA-256 of every attachment. Delivery headers (Received, \
Delivered-To, Return-Path, X-* added on receipt, Status, folder headers), header folding, \
display-name encoding and line endings are ignored. Evidence: every copy, each differing \
field with both values, and a line diff of the body (at most 12 changed lines).

**Why it matters.** Two copies of one message that say different things mean one of \
them was edited after it was sent. The other copy is the reference: read both.

**Not a conflict.** Identical copies in several mailboxes (`exact-duplicate` or nothing); \
copies that differ only by delivery headers or whitespace; a mailing-list copy whose \
Subject carries the list's `[tag]` and whose body ends in the list's footer (up to 15 \
appended lines, in the copy that has List-Id) next to a direct copy. On 3,000 real list \
messages, the two Message-IDs that occur twice (a re-delivery two weeks later with other \
folding and a trailing empty line; a message sent twice within a minute) raise nothing.

**False positives.** A client that re-sends an edited draft under the same Message-ID \
(rare, and itself worth knowing about).",
    },
    run: Run::Corpus(run),
};

/// Most changed body lines quoted in evidence.
const MAX_DIFF_LINES: usize = 12;
/// Most lines a mailing list appends as its footer.
const MAX_FOOTER_LINES: usize = 15;

fn run(corpus: &Corpus<'_>, _cfg: &Config, out: &mut Vec<Finding>) {
    for (id, members) in corpus.by_message_id.iter() {
        if members.len() < 2 || !corpus.copies_differ(members) {
            continue;
        }
        let reference = members[0];
        let mut conflicts = Vec::new();
        for &other in &members[1..] {
            let same_hash = corpus.items[other].mail().map(|e| &e.content_sha256)
                == corpus.items[reference].mail().map(|e| &e.content_sha256);
            if same_hash {
                continue;
            }
            match (corpus.content(reference), corpus.content(other)) {
                (Ok(a), Ok(b)) => {
                    let list = |i: usize| corpus.items[i].mail().is_some_and(|e| e.has_list_id);
                    if let Some(diff) = differences(&a, &b, list(reference), list(other)) {
                        conflicts.push((other, diff));
                    }
                }
                (a, b) => {
                    let why = [a, b]
                        .into_iter()
                        .find_map(Result::err)
                        .unwrap_or_else(|| "content not read again".into());
                    conflicts.push((
                        other,
                        Diff {
                            fields: Vec::new(),
                            body: vec![format!("(could not compare in detail: {why}; the normalised content hashes differ)")],
                            body_changed_lines: 0,
                            attachments: None,
                        },
                    ));
                }
            }
        }
        if conflicts.is_empty() {
            continue;
        }
        let first = &corpus.items[reference];
        let copies: Vec<_> = members
            .iter()
            .map(|&i| {
                let item = &corpus.items[i];
                json!({
                    "path": item.path,
                    "locator": item.locator,
                    "content_sha256": item
                        .mail()
                        .map(|e| e.content_sha256.map_or_else(String::new, |h| h.hex())),
                })
            })
            .collect();
        let mut what: Vec<String> = Vec::new();
        let mut comparisons = Vec::new();
        for (other, diff) in &conflicts {
            for (field, _, _) in &diff.fields {
                if !what.contains(&field.to_string()) {
                    what.push(field.to_string());
                }
            }
            if diff.body_changed_lines > 0 && !what.contains(&"body".to_string()) {
                what.push("body".into());
            }
            if diff.attachments.is_some() && !what.contains(&"attachments".to_string()) {
                what.push("attachments".into());
            }
            let item = &corpus.items[*other];
            comparisons.push(json!({
                "reference": {"path": first.path, "locator": first.locator},
                "copy": {"path": item.path, "locator": item.locator},
                "fields": diff.fields.iter().map(|(f, a, b)| json!({"field": f, "reference": a, "copy": b})).collect::<Vec<_>>(),
                "body_diff": diff.body,
                "attachments": diff.attachments,
            }));
        }
        let message = format!(
            "{} items carry Message-ID <{id}> but differ in {}",
            members.len(),
            if what.is_empty() {
                "content".to_string()
            } else {
                what.join(", ")
            }
        );
        let evidence = Evidence::new()
            .with("message_id", format!("<{id}>"))
            .with("copies", copies)
            .with("differences", comparisons);
        out.push(Finding::on(
            first,
            CHECK.meta.id,
            CHECK.meta.severity,
            message,
            evidence,
        ));
    }
}

struct Diff {
    /// (field, reference value, copy value)
    fields: Vec<(&'static str, String, String)>,
    /// "-old" / "+new" lines.
    body: Vec<String>,
    body_changed_lines: usize,
    attachments: Option<serde_json::Value>,
}

/// What differs between two copies once list rewriting is allowed for; `None` when nothing does.
fn differences(a: &Normalized, b: &Normalized, a_list: bool, b_list: bool) -> Option<Diff> {
    let mut fields = Vec::new();
    for ((name, va), (_, vb)) in a.fields.iter().zip(&b.fields) {
        let (va, vb) = if *name == "subject" && (a_list || b_list) {
            (strip_list_tag(va), strip_list_tag(vb))
        } else {
            (va.as_str(), vb.as_str())
        };
        if va != vb {
            fields.push((*name, va.to_string(), vb.to_string()));
        }
    }
    let body_same = a.body == b.body
        || (b_list && is_footer_extension(&a.body, &b.body))
        || (a_list && is_footer_extension(&b.body, &a.body));
    let (body, body_changed_lines) = if body_same {
        (Vec::new(), 0)
    } else {
        body_diff(&a.body, &b.body)
    };
    let attachments = (a.attachments != b.attachments)
        .then(|| json!({"reference": a.attachments, "copy": b.attachments}));
    if fields.is_empty() && body_changed_lines == 0 && attachments.is_none() {
        return None;
    }
    Some(Diff {
        fields,
        body,
        body_changed_lines,
        attachments,
    })
}

/// Mailing lists prefix the Subject with their `[tag]`.
fn strip_list_tag(subject: &str) -> &str {
    let s = subject.trim_start();
    if let Some(rest) = s.strip_prefix('[')
        && let Some(end) = rest.find(']')
    {
        return rest[end + 1..].trim_start();
    }
    s
}

/// `longer` is `shorter` plus a few lines appended (a list footer).
fn is_footer_extension(shorter: &[String], longer: &[String]) -> bool {
    longer.len() > shorter.len()
        && longer.len() - shorter.len() <= MAX_FOOTER_LINES
        && longer.starts_with(shorter)
}

fn body_diff(a: &[String], b: &[String]) -> (Vec<String>, usize) {
    let a_refs: Vec<&str> = a.iter().map(String::as_str).collect();
    let b_refs: Vec<&str> = b.iter().map(String::as_str).collect();
    let diff = TextDiff::from_slices(&a_refs, &b_refs);
    let mut lines = Vec::new();
    let mut changed = 0;
    for change in diff.iter_all_changes() {
        let sign = match change.tag() {
            ChangeTag::Equal => continue,
            ChangeTag::Delete => '-',
            ChangeTag::Insert => '+',
        };
        changed += 1;
        if lines.len() < MAX_DIFF_LINES {
            lines.push(format!("{sign}{}", change.value()));
        }
    }
    if changed > MAX_DIFF_LINES {
        lines.push(format!("… {} more changed lines", changed - MAX_DIFF_LINES));
    }
    (lines, changed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::test_support::email_item_at;
    use crate::corpus::MemorySource;

    fn scan(messages: &[(&str, &str)]) -> Vec<Finding> {
        let mut items: Vec<_> = messages.iter().map(|(p, m)| email_item_at(p, m)).collect();
        let source = MemorySource(
            messages
                .iter()
                .enumerate()
                .map(|(i, (_, m))| (i, m.to_string()))
                .collect(),
        );
        let corpus = Corpus::build(&mut items, &source);
        let mut out = Vec::new();
        run(&corpus, &Config::new(".".into()), &mut out);
        out
    }

    const SENT: &str = "From: Alice <alice@example.fr>\nTo: bob@example.com\nSubject: Budget\nDate: Tue, 2 May 2017 09:14:01 +0200\nMessage-ID: <m1@example.fr>\n\nHello Bob,\nThe budget is 1,2 M\u{20ac}.\nAlice\n";

    #[test]
    fn an_edited_amount_is_high() {
        let edited = SENT.replace("1,2", "4,8");
        let out = scan(&[("a/Sent/1.eml", SENT), ("b/Inbox/9.eml", &edited)]);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].severity, Severity::High);
        assert_eq!(
            out[0].message,
            "2 items carry Message-ID <m1@example.fr> but differ in body"
        );
        let diff = &out[0].evidence.get("differences").unwrap()[0]["body_diff"];
        assert_eq!(
            diff,
            &json!([
                "-The budget is 1,2 M\u{20ac}.",
                "+The budget is 4,8 M\u{20ac}."
            ])
        );
    }

    #[test]
    fn delivery_headers_crlf_and_folding_are_not_conflicts() {
        let delivered = format!(
            "Received: from mail.example.fr by mx.example.com; Tue, 2 May 2017 09:14:09 +0200\r\nDelivered-To: bob@example.com\r\n{}\r\n\r\n",
            SENT.replace("Subject: Budget", "Subject:\n Budget")
                .replace('\n', "\r\n")
        );
        assert!(scan(&[("a/Sent/1.eml", SENT), ("b/Inbox/9.eml", &delivered)]).is_empty());
    }

    #[test]
    fn a_list_copy_with_tag_and_footer_is_not_a_conflict() {
        let list_copy = format!(
            "List-Id: <team.example.fr>\n{}--\nteam mailing list\nteam@example.fr\nhttps://lists.example.fr/team\n",
            SENT.replace("Subject: Budget", "Subject: [team] Budget")
        );
        assert!(scan(&[("a/Sent/1.eml", SENT), ("b/list.eml", &list_copy)]).is_empty());
    }

    #[test]
    fn changed_recipients_are_reported_as_fields() {
        let other = SENT.replace("To: bob@example.com", "To: carol@example.com");
        let out = scan(&[("a.eml", SENT), ("b.eml", &other)]);
        assert_eq!(out.len(), 1);
        assert!(out[0].message.ends_with("differ in to"));
    }
}
