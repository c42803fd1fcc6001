//! `thread-chronology`: a reply dated before the message it replies to.
//!
//! In-Reply-To and References name the parent by Message-ID. When the parent
//! is in the dump, the reply cannot have been written before it. A forger
//! who fabricates a reply, or back-dates one message of a thread, breaks this.

use chrono::{DateTime, Utc};

use super::{Check, CheckMeta, Run, Scope, human_duration, show_instant};
use crate::config::Config;
use crate::corpus::Corpus;
use crate::finding::{Evidence, Finding, Severity};
use crate::item::Item;
use crate::parse::date::rfc3339;

pub static CHECK: Check = Check {
    meta: CheckMeta {
        id: "thread-chronology",
        severity: Severity::Medium,
        scope: Scope::Corpus,
        summary: "A reply whose parent (In-Reply-To / References) is in the dump is dated more than 5 minutes before that parent.",
        doc: "\
**What it detects.** A message whose parent (the first id of In-Reply-To, else the last of \
References) is in the dump, and whose Date is more than 5 minutes earlier than the \
parent's, comparing instants (time zones applied). When the parent went through servers, \
the earliest of its Date and its first Received hop counts as its time, so a parent whose \
sender clock ran fast does not make its replies look early. With several copies of the \
parent, the reply is flagged only if it precedes all of them.

**Why it matters.** A reply is written after its parent arrives. A reply dated before the \
parent was fabricated, or one of the two was back-dated. The finding sits on the reply; \
the evidence shows both Date lines so a reader can judge which one is wrong.

**False positives.** Badly set sender clocks (hours or days off); none among the 2,433 \
replies with parents in the real-mail corpus. Tolerance: `--reply-skew-minutes`.",
    },
    run: Run::Corpus(run),
};

/// The instant a message came into existence as far as the dump can tell.
fn earliest_time(item: &Item) -> Option<(DateTime<Utc>, Option<DateTime<Utc>>)> {
    let email = item.mail()?;
    let date = email.date.as_ref()?.instant?;
    let first_hop = email.derived.first_hop_at;
    Some((date, first_hop))
}

fn run(corpus: &Corpus<'_>, cfg: &Config, out: &mut Vec<Finding>) {
    for item in corpus.items {
        let Some(email) = item.mail() else {
            continue;
        };
        let Some((parent_id, parents)) = corpus.parents_of(email) else {
            continue;
        };
        let Some(date) = email.date.as_ref() else {
            continue;
        };
        let Some(written) = date.instant else {
            continue;
        };
        let mut latest_gap: Option<(i64, &Item)> = None;
        let mut any_consistent = false;
        for &p in parents {
            let parent = &corpus.items[p];
            let Some((parent_date, first_hop)) = earliest_time(parent) else {
                continue;
            };
            let parent_time = first_hop.map_or(parent_date, |h| h.min(parent_date));
            let gap = (parent_time - written).num_seconds();
            if gap <= cfg.tolerances.reply_before_parent {
                any_consistent = true;
                break;
            }
            if latest_gap.is_none_or(|(g, _)| gap < g) {
                latest_gap = Some((gap, parent));
            }
        }
        if any_consistent {
            continue;
        }
        let Some((gap, parent)) = latest_gap else {
            continue;
        };
        let Some(parent_date) = parent.mail().and_then(|e| e.date.as_ref()) else {
            continue;
        };
        let parent_instant = parent_date.instant;
        let message = format!(
            "Reply dated {} is {} earlier than its parent, dated {}",
            show_instant(&written, date.offset_minutes),
            human_duration(gap),
            parent_instant
                .map(|i| show_instant(&i, parent_date.offset_minutes))
                .unwrap_or_else(|| parent_date.raw.to_string())
        );
        let evidence = Evidence::new()
            .with("reply_date_line", format!("Date: {}", date.raw))
            .with("in_reply_to", format!("<{parent_id}>"))
            .with("parent_date_line", format!("Date: {}", parent_date.raw))
            .with(
                "parent",
                serde_json::json!({"path": parent.path, "locator": parent.locator}),
            )
            .with("reply_utc", rfc3339(&written))
            .with("parent_utc", parent_instant.map(|i| rfc3339(&i)))
            .with("reply_before_parent_seconds", gap);
        out.push(Finding::on(
            item,
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
    use crate::checks::test_support::email_item_at;

    fn scan(messages: &[(&str, &str)]) -> Vec<Finding> {
        let mut items: Vec<_> = messages.iter().map(|(p, m)| email_item_at(p, m)).collect();
        let corpus = Corpus::build(&mut items, &crate::corpus::NoContent);
        let mut out = Vec::new();
        run(&corpus, &Config::new(".".into()), &mut out);
        out
    }

    const PARENT: &str = "From: a@example.fr\nDate: Tue, 2 May 2017 09:14:01 +0200\nMessage-ID: <p@example.fr>\n\nQuestion?\n";

    fn reply(date: &str) -> String {
        format!(
            "From: b@example.com\nDate: {date}\nMessage-ID: <r@example.com>\nIn-Reply-To: <p@example.fr>\n\nAnswer.\n"
        )
    }

    #[test]
    fn reply_two_days_before_parent_is_flagged() {
        let out = scan(&[
            ("p.eml", PARENT),
            ("r.eml", &reply("Sun, 30 Apr 2017 10:00:00 +0200")),
        ]);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].path, "r.eml");
        assert!(
            out[0].message.contains("1 day 23 h earlier"),
            "{}",
            out[0].message
        );
    }

    #[test]
    fn replies_from_other_zones_and_small_skew_are_quiet() {
        // 03:20 in New York is 09:20 in Paris: after the parent.
        assert!(
            scan(&[
                ("p.eml", PARENT),
                ("r.eml", &reply("Tue, 2 May 2017 03:20:00 -0400"))
            ])
            .is_empty()
        );
        // Two minutes "before": clock skew.
        assert!(
            scan(&[
                ("p.eml", PARENT),
                ("r.eml", &reply("Tue, 2 May 2017 09:12:00 +0200"))
            ])
            .is_empty()
        );
    }

    #[test]
    fn a_parent_with_a_fast_clock_is_judged_by_its_first_hop() {
        let parent =
            format!("Received: by mail.example.fr; Tue, 2 May 2017 08:50:00 +0200\n{PARENT}");
        assert!(
            scan(&[
                ("p.eml", &parent),
                ("r.eml", &reply("Tue, 2 May 2017 09:00:00 +0200"))
            ])
            .is_empty()
        );
    }

    #[test]
    fn parent_outside_the_dump_is_not_checked() {
        assert!(scan(&[("r.eml", &reply("Sun, 30 Apr 2017 10:00:00 +0200"))]).is_empty());
    }
}
