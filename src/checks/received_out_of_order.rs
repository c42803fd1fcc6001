//! `received-out-of-order`: the delivery path goes back in time.
//!
//! Each server adds its Received header on top of the others, so read from
//! the bottom up the timestamps should rise. A forger who pastes hops from
//! another message, or invents one, gets the order wrong.

use super::{Check, CheckMeta, Run, Scope, human_duration};
use crate::config::Config;
use crate::domain::org_domain;
use crate::finding::{Evidence, Finding, Severity};
use crate::item::Item;
use crate::parse::date::rfc3339;

pub static CHECK: Check = Check {
    meta: CheckMeta {
        id: "received-out-of-order",
        severity: Severity::Medium,
        scope: Scope::Item,
        summary: "Read from the first hop up, the Received timestamps go back in time by more than 10 minutes.",
        doc: "\
**What it detects.** Two adjacent `Received:` hops where the upper (later) one carries an \
instant more than 10 minutes earlier than the one below it.

**Why it matters.** Every server stamps its hop with its own clock as it receives the \
message, on top of the hops already there. A hop that is earlier than the one below it was \
pasted, invented or edited.

**Severity.** **Medium** when the two hops were stamped by different organisations (their \
`by` hosts have different registrable domains, per the Public Suffix List) or the step \
back is more than a day. **Low** when both hops are relays of one organisation: in-house \
relays with drifting clocks are common.

**Evidence behind the grading.** On 3,000 real list messages, 67 step back by more than \
5 minutes, all between relays of one company: two Western Digital gateways that disagree \
by about 22 minutes, Huawei's internal Exchange servers and their SkyGuard gateway \
(5-6 minutes), a small company's Postfix pair (29 minutes). None crosses organisations. \
Tolerance: `--hop-skew-minutes`.",
    },
    run: Run::Item(run),
};

fn run(item: &Item, cfg: &Config, out: &mut Vec<Finding>) {
    let Some(email) = item.email.as_deref() else {
        return;
    };
    // Bottom (first hop) to top, only hops whose time is understood.
    let hops: Vec<_> = email
        .received
        .iter()
        .rev()
        .filter_map(|h| Some((h, h.parsed.as_ref()?.instant()?)))
        .collect();
    let mut worst: Option<(i64, usize)> = None;
    for (i, pair) in hops.windows(2).enumerate() {
        let step = (pair[1].1 - pair[0].1).num_seconds();
        if step < -cfg.tolerances.hop_backstep && worst.is_none_or(|(w, _)| step < w) {
            worst = Some((step, i));
        }
    }
    let Some((step, i)) = worst else {
        return;
    };
    let (lower, lower_at) = hops[i];
    let (upper, upper_at) = hops[i + 1];
    let lower_org = lower.by.as_deref().and_then(org_domain);
    let upper_org = upper.by.as_deref().and_then(org_domain);
    let same_org = lower_org.is_some() && lower_org == upper_org;
    let (severity, reason) = if same_org && -step <= 86_400 {
        (
            Severity::Low,
            format!(
                "both hops are relays of {}: in-house relays with drifting clocks are common",
                lower_org.as_deref().unwrap_or_default()
            ),
        )
    } else if same_org {
        (
            Severity::Medium,
            "more than a day backwards, even between relays of one organisation".to_string(),
        )
    } else {
        (
            Severity::Medium,
            format!(
                "the hops were stamped by different organisations ({} then {})",
                lower_org.as_deref().unwrap_or("unknown"),
                upper_org.as_deref().unwrap_or("unknown")
            ),
        )
    };
    let message = format!(
        "A Received hop is {} earlier than the hop below it ({} received it before {} did)",
        human_duration(step),
        upper.by.as_deref().unwrap_or("the upper server"),
        lower.by.as_deref().unwrap_or("the lower server")
    );
    let evidence = Evidence::new()
        .with("lower_received_line", format!("Received: {}", lower.raw))
        .with("upper_received_line", format!("Received: {}", upper.raw))
        .with("lower_utc", rfc3339(&lower_at))
        .with("upper_utc", rfc3339(&upper_at))
        .with("step_seconds", step)
        .with("reason", reason);
    out.push(Finding::on(
        item,
        CHECK.meta.id,
        severity,
        message,
        evidence,
    ));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::test_support::email_item;

    fn check(chain: &str) -> Vec<Finding> {
        let item = email_item(&format!(
            "{chain}From: a@example.fr\nDate: Tue, 2 May 2017 09:00:00 +0200\n\nbody\n"
        ));
        let mut out = Vec::new();
        run(&item, &Config::new(".".into()), &mut out);
        out
    }

    #[test]
    fn two_hours_back_across_organisations_is_medium() {
        let out = check(
            "Received: from mail.example.fr by mx.example.com; Tue, 2 May 2017 05:14:09 +0000\n\
Received: from [10.0.0.5] by mail.example.fr; Tue, 2 May 2017 09:14:04 +0200\n",
        );
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].severity, Severity::Medium);
        assert!(
            out[0]
                .message
                .starts_with("A Received hop is 1 h 59 min earlier")
        );
        assert_eq!(
            out[0].evidence.get("step_seconds"),
            Some(&serde_json::json!(-7195))
        );
    }

    #[test]
    fn drifting_relays_of_one_company_are_low() {
        let out = check(
            "Received: from a.wdc.com by b.wdc.com; Tue, 2 May 2017 06:52:00 +0000\n\
Received: from pc by a.wdc.com; Tue, 2 May 2017 07:14:00 +0000\n",
        );
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].severity, Severity::Low);
    }

    #[test]
    fn ordered_chains_in_several_zones_are_quiet() {
        // Same instants written in three different zones.
        assert!(
            check(
                "Received: by mx.example.com; Tue, 2 May 2017 03:14:09 -0400\n\
Received: by relay.example.org; Tue, 2 May 2017 07:14:07 +0000\n\
Received: by mail.example.fr; Tue, 2 May 2017 09:14:04 +0200\n"
            )
            .is_empty()
        );
        // Five minutes of skew is tolerated.
        assert!(
            check(
                "Received: by mx.example.com; Tue, 2 May 2017 07:09:09 +0000\n\
Received: by mail.example.fr; Tue, 2 May 2017 09:14:04 +0200\n"
            )
            .is_empty()
        );
    }

    #[test]
    fn unparseable_hop_dates_are_skipped() {
        assert!(
            check(
                "Received: by mx.example.com; yesterday\n\
Received: by mail.example.fr; Tue, 2 May 2017 09:14:04 +0200\n"
            )
            .is_empty()
        );
    }
}
