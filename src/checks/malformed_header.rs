//! `malformed-header`: a header block that no mail client or server would write.
//!
//! Hand-made messages betray themselves by the headers a forger forgot or got
//! wrong. Each problem is weak on its own (old or odd software writes odd
//! headers too), hence low severity; the evidence quotes the exact lines.

use serde_json::json;

use super::{Check, CheckMeta, Run, Scope};
use crate::config::Config;
use crate::finding::{Evidence, Finding, Severity};
use crate::item::Item;

pub static CHECK: Check = Check {
    meta: CheckMeta {
        id: "malformed-header",
        severity: Severity::Low,
        scope: Scope::Item,
        summary: "A Date that cannot be parsed or has an impossible zone, a missing From or Date, a header RFC 5322 allows once occurring several times, an invalid encoded-word, or 8-bit bytes where only ASCII is allowed.",
        doc: "\
**What it detects.** In one message: no `From:` header; no `Date:` header (RFC 5322 3.6 \
requires both); a `Date:` that cannot be understood as an RFC 5322 date, obsolete forms \
included (two-digit years, zone names such as `GMT` or `EST`, missing seconds or weekday are \
all accepted); a field that RFC 5322 3.6 allows at most once (Date, From, Sender, Reply-To, \
To, Cc, Bcc, Message-ID, In-Reply-To, References, Subject) occurring more than once; a \
Date whose numeric zone is beyond ±14:00 (no place on Earth uses one); an RFC 2047 \
encoded-word in Subject, From, To, Cc, Reply-To or Sender that is invalid (an encoding \
other than B or Q, base64 that does not decode, `=` not followed by two hex digits, \
whitespace inside the word); non-ASCII bytes in a field whose syntax is ASCII only even \
under RFC 6532 (Date, Message-ID, In-Reply-To, References, MIME-Version, \
Content-Transfer-Encoding, DKIM-Signature, Return-Path). UTF-8 in Subject or display \
names is allowed (RFC 6532) and not flagged.

**Why it matters.** Mail clients write these headers mechanically; a message assembled by \
hand or by a script often has a typo in the date, a forgotten header, or a Subject pasted \
twice.

**False positives.** Drafts and messages exported from some archiving tools lack Date; \
broken list software can duplicate a header. That is why the severity is low: on its own \
this is a lead, not an accusation. Messages attached to other messages are checked the same way.",
    },
    run: Run::Item(run),
};

fn run(item: &Item, _cfg: &Config, out: &mut Vec<Finding>) {
    let Some(email) = item.email.as_deref() else {
        return;
    };
    if email.truncated {
        // Only the start was parsed; missing headers may just be beyond it.
        return;
    }
    let mut problems = Vec::new();
    let mut evidence = Evidence::new();
    let has = |name: &str| {
        email
            .header_names
            .iter()
            .any(|h| h.eq_ignore_ascii_case(name))
    };
    if !has("from") {
        problems.push("no From header".to_string());
    }
    match &email.date {
        None => problems.push("no Date header".to_string()),
        Some(date) => {
            if let Some(error) = &date.error {
                problems.push(format!("Date cannot be parsed: {error}"));
                evidence.insert("date_line", format!("Date: {}", date.raw));
            } else if let Some(parsed) = date.parsed.as_ref().filter(|p| p.zone_out_of_range()) {
                problems.push(format!(
                    "Date zone {} is beyond ±14:00, the widest offset any place uses",
                    parsed.zone.as_deref().unwrap_or_default()
                ));
                evidence.insert("date_line", format!("Date: {}", date.raw));
            }
        }
    }
    for repeated in &email.repeated_headers {
        problems.push(format!(
            "{} occurs {} times (RFC 5322 3.6 allows one)",
            repeated.name,
            repeated.lines.len()
        ));
        evidence.insert(
            &format!("{}_lines", repeated.name.to_ascii_lowercase()),
            json!(repeated.lines),
        );
    }
    for problem in &email.header_problems {
        problems.push(problem.detail.clone());
        let key = format!("{}_lines", problem.kind.replace('-', "_"));
        let mut lines = evidence
            .get(&key)
            .and_then(|v| v.as_array().cloned())
            .unwrap_or_default();
        if !lines.contains(&json!(problem.line)) {
            lines.push(json!(problem.line));
        }
        evidence.insert(&key, lines);
    }
    if problems.is_empty() {
        return;
    }
    let message = format!("Malformed header: {}", problems.join("; "));
    let evidence = Evidence::new()
        .with("problems", json!(problems))
        .merged(evidence);
    out.push(Finding::on(
        item,
        CHECK.meta.id,
        CHECK.meta.severity,
        message,
        evidence,
    ));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::test_support::email_item;

    fn check(raw: &str) -> Vec<Finding> {
        let mut out = Vec::new();
        run(&email_item(raw), &Config::new(".".into()), &mut out);
        out
    }

    #[test]
    fn flags_unparseable_date() {
        let out = check("From: a@b.c\nDate: 32 Foo 2017 25:61\nSubject: x\n\nbody\n");
        assert_eq!(out.len(), 1);
        assert_eq!(
            out[0].evidence.get("date_line"),
            Some(&json!("Date: 32 Foo 2017 25:61"))
        );
        assert!(out[0].message.contains("cannot be parsed"));
    }

    #[test]
    fn flags_missing_date_and_repeated_subject() {
        let out = check("From: a@b.c\nSubject: one\nSubject: two\n\nbody\n");
        assert_eq!(out.len(), 1);
        let problems = out[0].evidence.get("problems").unwrap();
        assert_eq!(problems.as_array().unwrap().len(), 2);
        assert_eq!(
            out[0].evidence.get("subject_lines"),
            Some(&json!(["Subject: one", "Subject: two"]))
        );
    }

    #[test]
    fn accepts_obsolete_but_valid_dates() {
        // No weekday, zone name, two-digit year: odd, but RFC 5322 4.3 allows them.
        for date in [
            "2 May 2017 09:14:01 +0200",
            "Tue, 2 May 17 09:14 GMT",
            "Tue, 02 May 2017 07:14:01 -0000",
        ] {
            let out = check(&format!("From: a@b.c\nDate: {date}\nSubject: x\n\nbody\n"));
            assert!(out.is_empty(), "{date}: {out:?}");
        }
    }

    #[test]
    fn flags_impossible_zones_bad_encoded_words_and_8bit_dates() {
        let out = check("From: a@b.c\nDate: Tue, 2 May 2017 09:14:01 +2300\n\nbody\n");
        assert!(
            out[0].message.contains("beyond ±14:00"),
            "{}",
            out[0].message
        );
        let out = check(
            "From: a@b.c\nDate: Tue, 2 May 2017 09:14:01 +0200\nSubject: =?utf-8?X?abc?=\n\nbody\n",
        );
        assert_eq!(out.len(), 1);
        assert_eq!(
            out[0].evidence.get("encoded_word_lines"),
            Some(&json!(["Subject: =?utf-8?X?abc?="]))
        );
        let out = check(
            "From: a@b.c\nDate: Tue, 2 May 2017 09:14:01 +0200 (heure d\u{e9}t\u{e9})\n\nbody\n",
        );
        assert_eq!(out.len(), 1);
        assert!(out[0].evidence.get("non_ascii_lines").is_some());
    }

    #[test]
    fn utf8_subjects_and_valid_encoded_words_are_fine() {
        let out = check(
            "From: =?UTF-8?Q?Ren=C3=A9?= <r@b.c>\nDate: Tue, 2 May 2017 09:14:01 +0200\nSubject: Réunion =?UTF-8?B?YnVkZ2V0?=\n\nbody\n",
        );
        assert!(out.is_empty(), "{out:?}");
    }

    #[test]
    fn repeated_received_headers_are_normal() {
        let out = check(
            "Received: by a; Tue, 2 May 2017 09:14:03 +0200\nReceived: by b; Tue, 2 May 2017 09:14:02 +0200\nFrom: a@b.c\nDate: Tue, 2 May 2017 09:14:01 +0200\n\nbody\n",
        );
        assert!(out.is_empty());
    }
}
