//! A generated sender history: a stable Outlook user with daylight-saving flips, a regular
//! phone, a client upgrade mid-year; careful and sloppy forgeries among them.

use super::*;
use crate::checks::test_support::email_item_at;
use crate::corpus::NoContent;
use crate::item::Item;

/// One message of alice@corvel-energie.fr. `day` counts from 2017-01-02.
struct Msg {
    day: i64,
    client: &'static str,
    offset: Option<&'static str>,
    relay: &'static str,
}

fn render(n: usize, m: &Msg) -> String {
    let date = chrono::NaiveDate::from_ymd_opt(2017, 1, 2).unwrap() + chrono::Duration::days(m.day);
    let summer = date >= chrono::NaiveDate::from_ymd_opt(2017, 3, 27).unwrap();
    let offset = m.offset.unwrap_or(if summer { "+0200" } else { "+0100" });
    let date_line = format!(
        "{} 10:{:02}:00 {offset}",
        date.format("%a, %-d %b %Y"),
        n % 60
    );
    let received = format!(
        "Received: from pc (10.0.0.5) by {} with ESMTP; {} 10:{:02}:05 {offset}\n",
        m.relay,
        date.format("%a, %-d %b %Y"),
        n % 60
    );
    let head = match m.client {
        "outlook15" | "outlook16" => format!(
            "From: Alice Martin <alice@corvel-energie.fr>\nTo: bob@corvel-energie.fr\nSubject: Point {n}\nDate: {date_line}\nMessage-ID: <00000{n:03}1d2c3a4$5c3b7e20$1522c460$@corvel-energie.fr>\nMIME-Version: 1.0\nContent-Type: multipart/alternative; boundary=\"----=_NextPart_000_00{n:02}_01D2C3A4.5C3B7E20\"\nX-Mailer: Microsoft Outlook {}\nThread-Index: AdLDpFw7fiAVIsRg{n:03}==\n{}",
            if m.client == "outlook15" {
                "15.0"
            } else {
                "16.0"
            },
            if m.client == "outlook16" {
                "Content-Language: fr-fr\n"
            } else {
                ""
            }
        ),
        "iphone" => format!(
            "From: Alice Martin <alice@corvel-energie.fr>\nContent-Type: multipart/alternative; boundary=Apple-Mail-5D1B3F0E-8C2A-4E7B-9F11-2A3C4D5E6{n:03}\nMime-Version: 1.0 (1.0)\nSubject: Point {n}\nMessage-Id: <5D1B3F0E-8C2A-4E7B-9F11-2A3C4D5E6{n:03}@corvel-energie.fr>\nDate: {date_line}\nTo: bob@corvel-energie.fr\nX-Mailer: iPhone Mail (14E304)\n"
        ),
        _ => format!(
            "From: Alice Martin <alice@corvel-energie.fr>\nTo: bob@corvel-energie.fr\nSubject: Point {n}\nMessage-ID: <9e2a1c3b-4d5e-6f70-8192-a3b4c5d6e{n:03}@corvel-energie.fr>\nDate: {date_line}\nUser-Agent: Mozilla/5.0 (Windows NT 10.0; WOW64; rv:45.0) Gecko/20100101 Thunderbird/45.8.0\nMIME-Version: 1.0\nContent-Type: multipart/alternative; boundary=\"------------0A1B2C3D4E5F6A7B8C9D0{n:03}\"\n"
        ),
    };
    format!("{received}{head}\n--x\n\nbody {n}\n")
}

/// 60 genuine messages over January-June, plus `extra`.
fn history(extra: &[Msg]) -> Vec<Item> {
    let mut msgs: Vec<Msg> = (0..60)
        .map(|i| Msg {
            day: i * 3,
            client: if i % 5 == 4 {
                "iphone"
            } else if i < 35 {
                "outlook15"
            } else {
                "outlook16"
            },
            offset: None,
            relay: "mail.corvel-energie.fr",
        })
        .collect();
    msgs.extend(extra.iter().map(|m| Msg { ..*m }));
    msgs.iter()
        .enumerate()
        .map(|(n, m)| email_item_at(&format!("m{n:03}.eml"), &render(n, m)))
        .collect()
}

fn findings(items: &[Item]) -> Vec<Finding> {
    let mut items = items.to_vec();
    let corpus = Corpus::build(&mut items, &NoContent);
    let mut out = Vec::new();
    run(&corpus, &Config::new(".".into()), &mut out);
    out
}

#[test]
fn genuine_history_with_dst_phone_and_upgrade_is_quiet() {
    let mut items = history(&[]);
    let out = findings(&items);
    assert!(
        out.is_empty(),
        "{:#?}",
        out.iter().map(|f| &f.message).collect::<Vec<_>>()
    );
    let corpus = Corpus::build(&mut items, &NoContent);
    let profile = &corpus.profiles.senders["alice@corvel-energie.fr"];
    assert_eq!(profile.calendar, crate::corpus::profiles::Calendar::Eu);
    assert_eq!(profile.clusters.len(), 2, "Outlook and the phone");
}

#[test]
fn a_careful_forgery_with_one_changed_habit_is_medium() {
    // Outlook 16 as usual, but written in Moscow time.
    let items = history(&[Msg {
        day: 170,
        client: "outlook16",
        offset: Some("+0300"),
        relay: "mail.corvel-energie.fr",
    }]);
    let out = findings(&items);
    assert_eq!(
        out.len(),
        1,
        "{:#?}",
        out.iter().map(|f| &f.message).collect::<Vec<_>>()
    );
    assert_eq!(out[0].path, "m060.eml");
    assert_eq!(out[0].severity, Severity::Medium);
    assert!(
        out[0].message.contains("time zone +0300"),
        "{}",
        out[0].message
    );
    let usual = &out[0].evidence.get("deviations").unwrap()[0]["usual"];
    assert!(
        usual
            .as_str()
            .unwrap()
            .contains("+0100 standard, EU summer time applied"),
        "{usual}"
    );
}

#[test]
fn a_careful_forgery_through_another_relay_is_medium() {
    let items = history(&[Msg {
        day: 171,
        client: "outlook16",
        offset: None,
        relay: "smtp.mail-relay.ru",
    }]);
    let out = findings(&items);
    assert_eq!(out.len(), 1);
    assert!(
        out[0].message.contains("first relay mail-relay.ru"),
        "{}",
        out[0].message
    );
}

#[test]
fn a_sloppy_forgery_is_high() {
    let items = history(&[Msg {
        day: 172,
        client: "thunderbird",
        offset: Some("+0300"),
        relay: "smtp.mail-relay.ru",
    }]);
    let out = findings(&items);
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].severity, Severity::High);
    let features: Vec<_> = out[0]
        .evidence
        .get("deviations")
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["feature"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(features, ["client", "time_zone", "first_relay"]);
}

#[test]
fn an_old_version_between_new_ones_is_a_deviation() {
    let items = history(&[Msg {
        day: 120,
        client: "outlook15",
        offset: None,
        relay: "mail.corvel-energie.fr",
    }]);
    let out = findings(&items);
    assert_eq!(out.len(), 1);
    assert!(
        out[0].message.contains("older than the versions"),
        "{}",
        out[0].message
    );
}

#[test]
fn senders_and_domains_below_the_minimum_get_no_profile_and_change_nothing() {
    let mut items = history(&[Msg {
        day: 170,
        client: "outlook16",
        offset: Some("+0300"),
        relay: "mail.corvel-energie.fr",
    }]);
    // Three people who wrote once or twice, one of them from another domain.
    for (n, from) in [
        "Bob <bob@corvel-energie.fr>",
        "Bob <bob@corvel-energie.fr>",
        "carol@corvel-energie.fr",
        "Dan <dan@elsewhere.example>",
    ]
    .iter()
    .enumerate()
    {
        let raw = format!(
            "From: {from}\nTo: alice@corvel-energie.fr\nSubject: Re: Point {n}\nDate: Tue, 2 May 2017 09:14:01 +0200\nMessage-ID: <small{n}@example.fr>\n\nThanks.\n"
        );
        items.push(email_item_at(&format!("small{n}.eml"), &raw));
    }
    let cfg = Config::new(".".into());
    assert_eq!(cfg.min_profile, 5);
    let mut all = items.clone();
    let every = Corpus::build(&mut all, &NoContent);
    let mut out_every = Vec::new();
    run(&every, &cfg, &mut out_every);
    let mut some = items.clone();
    let profiled = Corpus::build_min(&mut some, &NoContent, cfg.min_profile);
    let mut out_profiled = Vec::new();
    run(&profiled, &cfg, &mut out_profiled);

    let keys = |p: &std::collections::BTreeMap<String, crate::corpus::profiles::Profile>| {
        p.keys().cloned().collect::<Vec<_>>()
    };
    assert_eq!(
        keys(&every.profiles.senders),
        [
            "alice@corvel-energie.fr",
            "bob@corvel-energie.fr",
            "carol@corvel-energie.fr",
            "dan@elsewhere.example"
        ]
    );
    assert_eq!(
        keys(&profiled.profiles.senders),
        ["alice@corvel-energie.fr"]
    );
    assert_eq!(keys(&profiled.profiles.domains), ["corvel-energie.fr"]);
    // The domain profile still counts the small senders' messages.
    assert_eq!(
        profiled.profiles.domains["corvel-energie.fr"].messages,
        every.profiles.domains["corvel-energie.fr"].messages
    );
    assert_eq!(out_profiled.len(), 1);
    assert_eq!(
        serde_json::to_value(&out_profiled).unwrap(),
        serde_json::to_value(&out_every).unwrap()
    );
}
