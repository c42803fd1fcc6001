//! `date-received-mismatch`: the Date header disagrees with the servers that carried the message.
//!
//! A forger who back-dates a message, or writes a new one with an old date,
//! rarely rewrites the Received chain to match; servers stamp Received with
//! their own clock. Comparing instants (not wall-clock strings) exposes it.

use chrono::{DateTime, Utc};

use super::{Check, CheckMeta, Run, Scope, human_duration, show_instant};
use crate::config::Config;
use crate::domain::org_domain;
use crate::finding::{Evidence, Finding, Severity};
use crate::item::Item;
use crate::parse::email::{EmailFacts, Hop};

pub static CHECK: Check = Check {
    meta: CheckMeta {
        id: "date-received-mismatch",
        severity: Severity::Medium,
        scope: Scope::Item,
        summary: "The Date header is later than the servers received the message, or long before the first server saw it.",
        doc: "\
**What it detects.** The instant in `Date:` compared with the instants of the `Received:` \
hops (time zones applied):

- *Date after delivery*: Date is more than 15 minutes later than the newest (top) hop: the \
  message claims to have been written after it was delivered. **Medium.** When Date is more \
  than 15 minutes later than the first (bottom) hop but not later than a hop of another \
  organisation further up, the sender's own relays run slow: **low**, with that reason.
- *Back-dated*: Date is more than 48 hours before the first (bottom) hop, the server the \
  sender submitted to. **Medium.** (Not compared with later hops: list moderation holds and \
  re-deliveries legitimately add days there.)

**Why it matters.** Servers stamp Received with their own clocks; the Date header is \
written by the sender. A back-dated forgery keeps a recent delivery path, and a message \
written after the fact and slipped into a mailbox has a Date after its delivery.

**Tolerances and the evidence behind them.** On 3,000 real list messages: sender clocks run \
fast by up to 7 minutes against the first hop, with two outliers at 17-19 minutes whose \
company relays (Intel, Huawei) were themselves behind later hops; 15 minutes against the \
newest hop leaves none flagged. Date before the first hop by more than 24 hours occurs \
once (17 days, a draft written and sent two weeks later from Emacs/Gnus): 48 hours keeps \
ordinary delays (offline laptops, queued mail) out, and a message sent from an old draft \
is the known false positive. Messages without Received headers (exports, Sent folders) \
are not checked. When the message carries Resent-Date (forwarded by re-sending), the chain \
belongs to the re-sending and findings are low. Tolerances: `--date-ahead-minutes`, \
`--date-behind-hours`.",
    },
    run: Run::Item(run),
};

/// A hop with an understood timestamp, its position (0 = top) and instant.
struct TimedHop<'a> {
    hop: &'a Hop,
    at: DateTime<Utc>,
}

fn timed_hops(email: &EmailFacts) -> Vec<TimedHop<'_>> {
    email
        .received
        .iter()
        .filter_map(|hop| {
            let at = hop.parsed.as_ref()?.instant()?;
            Some(TimedHop { hop, at })
        })
        .collect()
}

fn run(item: &Item, cfg: &Config, out: &mut Vec<Finding>) {
    let Some(email) = item.email.as_deref() else {
        return;
    };
    let Some(date) = email.date.as_ref() else {
        return;
    };
    let Some(parsed) = date.parsed.as_ref() else {
        return;
    };
    let Some(written) = parsed.instant() else {
        return;
    };
    let hops = timed_hops(email);
    let (Some(newest), Some(first)) = (hops.first(), hops.last()) else {
        return;
    };
    let tol = &cfg.tolerances;
    let resent = email.resent_date.is_some();
    let date_line = format!("Date: {}", date.raw);
    let show_date = show_instant(&written, parsed.offset_minutes);

    let ahead_of_first = (written - first.at).num_seconds();
    if ahead_of_first > tol.date_ahead {
        let ahead_of_newest = (written - newest.at).num_seconds();
        // A hop further up, run by another organisation than the first relay,
        // that stamped a time after the Date: the first relays' clocks are slow.
        let first_org = first.hop.by.as_deref().and_then(org_domain);
        let later_foreign_hop = hops.iter().find(|h| {
            h.at >= written - chrono::Duration::seconds(tol.date_ahead)
                && h.hop.by.as_deref().and_then(org_domain) != first_org
        });
        let (severity, reason, compared) = if ahead_of_newest > tol.date_ahead {
            (
                Severity::Medium,
                format!(
                    "later than every Received hop: {} after the first, {} after the newest",
                    human_duration(ahead_of_first),
                    human_duration(ahead_of_newest)
                ),
                newest,
            )
        } else if let Some(h) = later_foreign_hop {
            (
                Severity::Low,
                format!(
                    "{} later than the first hop, but a later hop ({}) is not before the Date: the sender's own relays' clocks are probably slow",
                    human_duration(ahead_of_first),
                    h.hop.by.as_deref().unwrap_or("unknown")
                ),
                h,
            )
        } else {
            (
                Severity::Low,
                format!(
                    "{} later than the first hop, not later than the newest: a fast sender clock or slow relays",
                    human_duration(ahead_of_first)
                ),
                newest,
            )
        };
        let message = format!(
            "Date says {show_date}, but the first server received it at {} ({} earlier)",
            show_instant(
                &first.at,
                first.hop.parsed.as_ref().and_then(|p| p.offset_minutes)
            ),
            human_duration(ahead_of_first)
        );
        let evidence = Evidence::new()
            .with("date_line", date_line)
            .with(
                "first_received_line",
                format!("Received: {}", first.hop.raw),
            )
            .with(
                "compared_received_line",
                format!("Received: {}", compared.hop.raw),
            )
            .with("date_utc", crate::parse::date::rfc3339(&written))
            .with("first_received_utc", crate::parse::date::rfc3339(&first.at))
            .with("date_minus_first_hop_seconds", ahead_of_first)
            .with("reason", reason);
        let severity = if resent { Severity::Low } else { severity };
        out.push(Finding::on(
            item,
            CHECK.meta.id,
            severity,
            message,
            evidence,
        ));
        return;
    }
    let behind = (first.at - written).num_seconds();
    if behind > tol.date_behind {
        let message = format!(
            "Date says {show_date}, but the first server received it at {} ({} later)",
            show_instant(
                &first.at,
                first.hop.parsed.as_ref().and_then(|p| p.offset_minutes)
            ),
            human_duration(behind)
        );
        let mut evidence = Evidence::new()
            .with("date_line", date_line)
            .with("first_received_line", format!("Received: {}", first.hop.raw))
            .with("date_utc", crate::parse::date::rfc3339(&written))
            .with("first_received_utc", crate::parse::date::rfc3339(&first.at))
            .with("date_minus_first_hop_seconds", -behind)
            .with(
                "reason",
                format!(
                    "written {} before the server it was submitted to received it; back-dating leaves this trace (a draft sent much later does too)",
                    human_duration(behind)
                ),
            );
        let severity = if resent {
            evidence.insert(
                "resent",
                "the message carries Resent-Date: the chain belongs to the re-sending",
            );
            Severity::Low
        } else {
            Severity::Medium
        };
        out.push(Finding::on(
            item,
            CHECK.meta.id,
            severity,
            message,
            evidence,
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::test_support::email_item;

    fn check(headers: &str) -> Vec<Finding> {
        let item = email_item(&format!("{headers}From: a@example.fr\n\nbody\n"));
        let mut out = Vec::new();
        run(&item, &Config::new(".".into()), &mut out);
        out
    }

    const CHAIN: &str = "Received: from mail.example.fr by mx.example.com; Tue, 2 May 2017 07:14:09 +0000\n\
Received: from [10.0.0.5] by mail.example.fr; Tue, 2 May 2017 09:14:04 +0200\n";

    #[test]
    fn back_dated_by_three_days_is_medium() {
        let out = check(&format!("{CHAIN}Date: Sat, 29 Apr 2017 09:14:01 +0200\n"));
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].severity, Severity::Medium);
        assert_eq!(
            out[0].message,
            "Date says 29 Apr 2017 09:14:01 +0200, but the first server received it at 02 May 2017 09:14:04 +0200 (3 days later)"
        );
        assert!(out[0].evidence.get("first_received_line").is_some());
    }

    #[test]
    fn written_after_delivery_is_medium() {
        let out = check(&format!("{CHAIN}Date: Tue, 2 May 2017 11:00:00 +0200\n"));
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].severity, Severity::Medium);
    }

    #[test]
    fn genuine_chain_and_local_time_hops_are_quiet() {
        // Exchange internal hops stamped in local time with the right offset.
        assert!(check(&format!("{CHAIN}Date: Tue, 2 May 2017 09:14:01 +0200\n")).is_empty());
        // A reply written in New York, relayed in Paris.
        assert!(check(&format!("{CHAIN}Date: Tue, 2 May 2017 03:13:58 -0400\n")).is_empty());
        // A fast sender clock by 7 minutes.
        assert!(check(&format!("{CHAIN}Date: Tue, 2 May 2017 09:21:00 +0200\n")).is_empty());
    }

    #[test]
    fn no_received_headers_means_no_comparison() {
        assert!(check("Date: Sat, 29 Apr 2017 09:14:01 +0200\n").is_empty());
    }

    #[test]
    fn slow_company_relays_are_low() {
        // First two hops run 18 minutes slow; the external relay is on time.
        let chain = "Received: from relay.example.fr by mx.other.org; Tue, 2 May 2017 07:20:10 +0000\n\
Received: from a.example.fr by relay.example.fr; Tue, 2 May 2017 07:02:05 +0000\n\
Received: from pc by a.example.fr; Tue, 2 May 2017 07:02:00 +0000\n";
        let out = check(&format!("{chain}Date: Tue, 2 May 2017 09:20:00 +0200\n"));
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].severity, Severity::Low);
    }

    #[test]
    fn resent_messages_are_low() {
        let out = check(&format!(
            "{CHAIN}Resent-Date: Tue, 2 May 2017 09:14:00 +0200\nDate: Sat, 22 Apr 2017 09:14:01 +0200\n"
        ));
        assert_eq!(out[0].severity, Severity::Low);
    }
}
