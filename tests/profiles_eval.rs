//! Evaluation of sender profiles at scale: 10,000 generated messages from 50 senders with
//! stable habits (office client, a phone for some, daylight saving, a mid-year upgrade),
//! 100 planted forgeries (careful: one habit changed; sloppy: three or more).
//!
//! Ignored by default (it scans 10,000 files): run with
//! `cargo test --release --test profiles_eval -- --ignored --nocapture`.

mod common;

use std::fs;

use common::scan_json;

const CLIENTS: [&str; 4] = ["outlook", "apple", "thunderbird", "gmail"];

struct Habit {
    client: &'static str,
    eu: bool,
    relay: String,
    phone: bool,
}

#[allow(clippy::too_many_arguments)] // a test generator: one argument per habit it varies
fn render(
    n: usize,
    sender: usize,
    h: &Habit,
    day: i64,
    client: &str,
    offset: Option<&str>,
    relay: &str,
    version: &str,
) -> String {
    let date = chrono::NaiveDate::from_ymd_opt(2017, 1, 2).unwrap() + chrono::Duration::days(day);
    let summer = if h.eu {
        date >= chrono::NaiveDate::from_ymd_opt(2017, 3, 26).unwrap()
            && date < chrono::NaiveDate::from_ymd_opt(2017, 10, 29).unwrap()
    } else {
        date >= chrono::NaiveDate::from_ymd_opt(2017, 3, 12).unwrap()
            && date < chrono::NaiveDate::from_ymd_opt(2017, 11, 5).unwrap()
    };
    let default = match (h.eu, summer) {
        (true, true) => "+0200",
        (true, false) => "+0100",
        (false, true) => "-0400",
        (false, false) => "-0500",
    };
    let offset = offset.unwrap_or(default);
    let d = date.format("%a, %-d %b %Y");
    let m = n % 60;
    let from = format!("Person {sender} <p{sender}@org{}.example>", sender % 10);
    let received =
        format!("Received: from pc (10.0.0.5) by {relay} with ESMTP; {d} 10:{m:02}:05 {offset}\n");
    let head = match client {
        "outlook" => format!(
            "From: {from}\nTo: x@example.com\nSubject: Point {n}\nDate: {d} 10:{m:02}:00 {offset}\nMessage-ID: <{n:012x}1d2c3a4$5c3b7e20$1522c460$@org{}.example>\nMIME-Version: 1.0\nContent-Type: multipart/alternative; boundary=\"----=_NextPart_000_00{m:02}_01D2C3A4.5C3B7E20\"\nX-Mailer: Microsoft Outlook {version}\nThread-Index: AdLDpFw7fiAVIsRg{n:06}==\n",
            sender % 10
        ),
        "apple" => format!(
            "From: {from}\nContent-Type: multipart/alternative; boundary=\"Apple-Mail=_5D1B3F0E-8C2A-4E7B-9F11-2A3C4D{n:06}\"\nMime-Version: 1.0 (Mac OS X Mail 10.3 \\(3273\\))\nSubject: Point {n}\nDate: {d} 10:{m:02}:00 {offset}\nMessage-Id: <5D1B3F0E-8C2A-4E7B-9F11-2A3C4D{n:06}@org{}.example>\nTo: x@example.com\nX-Mailer: Apple Mail (2.{version})\n",
            sender % 10
        ),
        "iphone" => format!(
            "From: {from}\nContent-Type: multipart/alternative; boundary=Apple-Mail-5D1B3F0E-8C2A-4E7B-9F11-2A3C4D{n:06}\nMime-Version: 1.0 (1.0)\nSubject: Point {n}\nMessage-Id: <5D1B3F0E-8C2A-4E7B-9F11-2A3C4D{n:06}@org{}.example>\nDate: {d} 10:{m:02}:00 {offset}\nTo: x@example.com\nX-Mailer: iPhone Mail (14E304)\n",
            sender % 10
        ),
        "thunderbird" => format!(
            "From: {from}\nTo: x@example.com\nSubject: Point {n}\nMessage-ID: <9e2a1c3b-4d5e-6f70-8192-a3b4c5{n:06}@org{}.example>\nDate: {d} 10:{m:02}:00 {offset}\nUser-Agent: Mozilla/5.0 (Windows NT 10.0; WOW64; rv:45.0) Gecko/20100101 Thunderbird/{version}\nMIME-Version: 1.0\nContent-Type: multipart/alternative; boundary=\"------------0A1B2C3D4E5F6A7B8C{n:06}\"\n",
            sender % 10
        ),
        _ => format!(
            "MIME-Version: 1.0\nFrom: {from}\nDate: {d} 10:{m:02}:00 {offset}\nMessage-ID: <CAF+x3b2Yk{n:08}Zq4rT9vLm2QpW8sJ5nH1xC@mail.gmail.com>\nSubject: Point {n}\nTo: x@example.com\nContent-Type: multipart/alternative; boundary=\"001a113cd4f2b6{n:014x}\"\n"
        ),
    };
    format!("{received}{head}\n--x\n\nbody {n}\n")
}

#[test]
#[ignore]
fn profiles_find_planted_forgeries_at_scale() {
    let dir = tempfile::tempdir().unwrap();
    let senders: Vec<Habit> = (0..50)
        .map(|s| Habit {
            client: CLIENTS[s % 4],
            eu: s % 3 != 0,
            relay: format!("mail.org{}.example", s % 10),
            phone: s % 2 == 0,
        })
        .collect();
    let mut n = 0usize;
    let mut planted: Vec<(String, &str)> = Vec::new();
    for (s, h) in senders.iter().enumerate() {
        fs::create_dir_all(dir.path().join(format!("s{s:02}"))).unwrap();
        for i in 0..198 {
            let day = (i as i64 * 360) / 198;
            let phone = h.phone && i % 6 == 5;
            let client = if phone { "iphone" } else { h.client };
            // Mid-year upgrade for the desktop clients.
            let version = match client {
                "outlook" => {
                    if day < 180 {
                        "15.0"
                    } else {
                        "16.0"
                    }
                }
                "apple" => {
                    if day < 180 {
                        "3259"
                    } else {
                        "3273"
                    }
                }
                "thunderbird" => {
                    if day < 180 {
                        "45.8.0"
                    } else {
                        "52.1.0"
                    }
                }
                _ => "",
            };
            let raw = render(n, s, h, day, client, None, &h.relay, version);
            fs::write(dir.path().join(format!("s{s:02}/{i:03}.eml")), raw).unwrap();
            n += 1;
        }
        // Careful: one habit changed (time zone or relay). Sloppy: client, zone and relay.
        let careful = if s % 2 == 0 {
            render(
                n,
                s,
                h,
                200,
                h.client,
                Some("+0300"),
                &h.relay,
                if h.client == "outlook" {
                    "16.0"
                } else if h.client == "apple" {
                    "3273"
                } else {
                    "52.1.0"
                },
            )
        } else {
            render(
                n,
                s,
                h,
                201,
                h.client,
                None,
                "smtp.relay-forge.example",
                if h.client == "outlook" {
                    "16.0"
                } else if h.client == "apple" {
                    "3273"
                } else {
                    "52.1.0"
                },
            )
        };
        n += 1;
        let other = CLIENTS[(s + 1) % 4];
        let sloppy = render(
            n,
            s,
            h,
            202,
            other,
            Some("+0300"),
            "smtp.relay-forge.example",
            if other == "outlook" {
                "16.0"
            } else if other == "apple" {
                "3273"
            } else {
                "52.1.0"
            },
        );
        n += 1;
        for (name, raw, kind) in [
            ("careful", careful, "careful"),
            ("sloppy", sloppy, "sloppy"),
        ] {
            let path = format!("s{s:02}/{name}.eml");
            fs::write(dir.path().join(&path), raw).unwrap();
            planted.push((path, kind));
        }
    }
    let start = std::time::Instant::now();
    let (_, report) = scan_json(dir.path(), &[]);
    if std::env::var_os("PROFILE_EVAL_DUMP").is_some() {
        fs::write(
            "/tmp/profile_eval.json",
            serde_json::to_vec(&report).unwrap(),
        )
        .unwrap();
    }
    let elapsed = start.elapsed();
    let flagged: std::collections::BTreeMap<String, String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check"] == "sender-profile-outlier")
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let mut found = [0usize; 2];
    let mut high_sloppy = 0;
    for (path, kind) in &planted {
        if let Some(sev) = flagged.get(path) {
            found[usize::from(*kind == "sloppy")] += 1;
            if *kind == "sloppy" && sev == "high" {
                high_sloppy += 1;
            }
        }
    }
    let false_alarms = flagged
        .keys()
        .filter(|p| !planted.iter().any(|(q, _)| q == *p))
        .count();
    println!(
        "{} messages, 50 senders, scan {:.1} s: careful {}/50 found, sloppy {}/50 found ({} high), {} genuine messages flagged",
        n,
        elapsed.as_secs_f64(),
        found[0],
        found[1],
        high_sloppy,
        false_alarms
    );
    assert!(found[0] >= 45 && found[1] >= 48, "{found:?}");
    assert!(false_alarms <= n / 200, "{false_alarms} false alarms");
}
