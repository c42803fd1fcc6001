//! The originator fields of a message, in the order and style of the program that wrote it
//! (Outlook, Apple Mail, iPhone, Thunderbird, Gmail, Yahoo, Sympa, a PHP script).

use crate::cast::{Client, Org, P, person};
use crate::clock::{self, Instant, Zone};
use crate::mime::{self, Words, field};
use crate::render::Body;
use crate::story::{Msg, Quirk};
use crate::trace::Hop;

pub fn words(client: Client) -> Words {
    match client {
        Client::OutlookExchange | Client::OutlookOnline => Words::B("utf-8"),
        Client::AppleMail | Client::IPhone | Client::Sympa => Words::Q("utf-8"),
        Client::Thunderbird => Words::QLower,
        Client::GmailWeb | Client::YahooWeb | Client::YahooAndroid => Words::Q("UTF-8"),
        Client::PhpMailer => Words::B("UTF-8"),
        Client::BulkMailer => Words::Q("UTF-8"),
    }
}

fn addresses(ps: &[P], style: Words) -> String {
    ps.iter()
        .map(|&p| mime::mailbox(person(p).name, person(p).addr, style))
        .collect::<Vec<_>>()
        .join(", ")
}

fn date_value(m: &Msg) -> Option<String> {
    let zone = person(m.from).zone;
    let genuine = match m.client {
        Client::OutlookOnline | Client::BulkMailer => {
            clock::rfc5322(&clock::local(Zone::Utc, m.date))
        }
        Client::YahooWeb | Client::YahooAndroid => clock::yahoo_date(m.date),
        Client::Sympa => clock::rfc5322_gmt(m.date),
        Client::PhpMailer => clock::rfc5322_no_weekday(&clock::local(zone, m.date)),
        _ => clock::rfc5322(&clock::local(zone, m.date)),
    };
    match &m.quirk {
        Quirk::NoDate => None,
        Quirk::BadDate(text) => Some(text.to_string()),
        Quirk::WrongWeekday(day) => Some(format!("{day}{}", &genuine[3..])),
        _ => Some(genuine),
    }
}

/// Mail.app build by date: macOS 10.12.1 shipped Mail 10.1 (3251), 10.12.2 Mail 10.2 (3259), 10.12.4 Mail 10.3 (3273).
fn apple_mail_version(t: Instant) -> (&'static str, &'static str) {
    if t < 1_477_900_000 {
        ("10.0", "3226")
    } else if t < 1_482_000_000 {
        ("10.1", "3251")
    } else if t < 1_491_000_000 {
        ("10.2", "3259")
    } else {
        ("10.3", "3273")
    }
}

/// The first of `(until, value)` pairs whose `until` is after `t` (the last pair is open-ended).
fn by_date(t: Instant, table: &[(Instant, &'static str)]) -> &'static str {
    table
        .iter()
        .find(|(until, _)| t < *until)
        .or(table.last())
        .map(|(_, v)| *v)
        .unwrap_or_default()
}

/// iOS Mail build by date (iOS 10.1 14B72 ... 10.3.1 14E304), a few days after each release.
fn iphone_build(t: Instant) -> &'static str {
    by_date(
        t,
        &[
            (1_478_000_000, "14B72"),
            (1_482_000_000, "14B100"),
            (1_485_700_000, "14C92"),
            (1_491_000_000, "14D27"),
            (1_491_600_000, "14E277"),
            (Instant::MAX, "14E304"),
        ],
    )
}

/// Thunderbird 45 ESR point releases as they were rolled out.
fn thunderbird_version(t: Instant) -> &'static str {
    by_date(
        t,
        &[
            (1_477_000_000, "45.4.0"),
            (1_480_600_000, "45.5.0"),
            (1_483_000_000, "45.5.1"),
            (1_485_500_000, "45.6.0"),
            (1_486_500_000, "45.7.0"),
            (1_489_000_000, "45.7.1"),
            (Instant::MAX, "45.8.0"),
        ],
    )
}

pub fn originator(m: &Msg, body: &Body, style: Words, http_hop: Option<Hop>) -> Vec<String> {
    let who = person(m.from);
    let from = mime::mailbox(who.name, who.addr, style);
    let to = addresses(&m.to, style);
    let cc = addresses(&m.cc, style);
    let subject = mime::header_text(&m.subject, style);
    let date = date_value(m);
    let refs = m.references.join(" ");
    let irt = m.references.last().cloned();
    let mut h: Vec<String> = Vec::new();
    let push = |h: &mut Vec<String>, name: &str, value: &str| h.push(field(name, value, " "));
    let subjects = |h: &mut Vec<String>| {
        h.push(field("Subject", &subject, " "));
        if let Quirk::SecondSubject(second) = &m.quirk {
            h.push(field("Subject", &mime::header_text(second, style), " "));
        }
    };
    match m.client {
        Client::OutlookExchange | Client::OutlookOnline => {
            push(&mut h, "From", &from);
            push(&mut h, "To", &to);
            if !cc.is_empty() {
                push(&mut h, "CC", &cc);
            }
            subjects(&mut h);
            push(
                &mut h,
                "Thread-Topic",
                &mime::header_text(&m.topic_line, style),
            );
            let ti = m.thread_index.as_deref().unwrap_or(&[]);
            push(&mut h, "Thread-Index", &mime::base64(ti));
            if let Some(d) = &date {
                push(&mut h, "Date", d);
            }
            push(&mut h, "Message-ID", &m.message_id);
            if let Some(irt) = &irt {
                push(&mut h, "References", &refs);
                push(&mut h, "In-Reply-To", irt);
            }
            push(&mut h, "Accept-Language", "fr-FR, en-US");
            push(&mut h, "Content-Language", "fr-FR");
            h.push(format!(
                "X-MS-Has-Attach:{}",
                if m.attachments.is_empty() { "" } else { " yes" }
            ));
            h.push("X-MS-TNEF-Correlator:".into());
            if m.client == Client::OutlookExchange {
                h.push("x-ms-exchange-transport-fromentityheader: Hosted".into());
                h.push(format!("x-originating-ip: {}", who.client_ip.0));
            } else {
                h.push(format!("x-originating-ip: [{}]", who.client_ip.1));
            }
            h.extend(body.content.iter().cloned());
            h.push("MIME-Version: 1.0".into());
        }
        Client::AppleMail => {
            push(&mut h, "From", &from);
            h.extend(body.content.iter().cloned());
            push(&mut h, "Message-Id", &m.message_id);
            let (version, build) = apple_mail_version(m.date);
            if m.quirk == Quirk::FakeOutlook {
                h.push("Mime-Version: 1.0".into());
            } else {
                h.push(format!(
                    "Mime-Version: 1.0 (Mac OS X Mail {version} \\({build}\\))"
                ));
            }
            subjects(&mut h);
            if let Some(d) = &date {
                push(&mut h, "Date", d);
            }
            if let Some(irt) = &irt {
                push(&mut h, "In-Reply-To", irt);
            }
            if !cc.is_empty() {
                push(&mut h, "Cc", &cc);
            }
            push(&mut h, "To", &to);
            if irt.is_some() {
                push(&mut h, "References", &refs);
            }
            if m.quirk == Quirk::FakeOutlook {
                h.push("X-Mailer: Microsoft Outlook 16.0".into());
            } else {
                h.push(format!("X-Mailer: Apple Mail (2.{build})"));
            }
        }
        Client::IPhone => {
            h.extend(body.content.iter().cloned());
            push(&mut h, "From", &from);
            h.push("Mime-Version: 1.0 (1.0)".into());
            subjects(&mut h);
            push(&mut h, "Message-Id", &m.message_id);
            if let Some(d) = &date {
                push(&mut h, "Date", d);
            }
            if !cc.is_empty() {
                push(&mut h, "Cc", &cc);
            }
            if let Some(irt) = &irt {
                push(&mut h, "In-Reply-To", irt);
                push(&mut h, "References", &refs);
            }
            push(&mut h, "To", &to);
            h.push(format!("X-Mailer: iPhone Mail ({})", iphone_build(m.date)));
        }
        Client::Thunderbird => {
            subjects(&mut h);
            push(&mut h, "To", &to);
            if !cc.is_empty() {
                push(&mut h, "Cc", &cc);
            }
            if irt.is_some() {
                push(&mut h, "References", &refs);
            }
            push(&mut h, "From", &from);
            push(&mut h, "Message-ID", &m.message_id);
            if let Some(d) = &date {
                push(&mut h, "Date", d);
            }
            let platform = if who.org == Org::WindTech {
                "X11; Linux x86_64; rv:45.0"
            } else {
                "Windows NT 10.0; WOW64; rv:45.0"
            };
            push(
                &mut h,
                "User-Agent",
                &format!(
                    "Mozilla/5.0 ({platform}) Gecko/20100101 Thunderbird/{}",
                    thunderbird_version(m.date)
                ),
            );
            h.push("MIME-Version: 1.0".into());
            if let Some(irt) = &irt {
                push(&mut h, "In-Reply-To", irt);
            }
            let lang = if who.org == Org::WindTech {
                "en-US"
            } else {
                "fr"
            };
            let mut content = body.content.clone();
            if content.len() == 2 {
                content.insert(1, format!("Content-Language: {lang}"));
            } else {
                content.push(format!("Content-Language: {lang}"));
            }
            h.extend(content);
        }
        Client::GmailWeb => {
            h.push("MIME-Version: 1.0".into());
            if let Some(hop) = http_hop {
                h.push(hop.line());
            }
            if let Some(irt) = &irt {
                push(&mut h, "In-Reply-To", irt);
                push(&mut h, "References", &refs);
            }
            push(&mut h, "From", &from);
            if let Some(d) = &date {
                push(&mut h, "Date", d);
            }
            push(&mut h, "Message-ID", &m.message_id);
            subjects(&mut h);
            push(&mut h, "To", &to);
            if !cc.is_empty() {
                push(&mut h, "Cc", &cc);
            }
            h.extend(body.content.iter().cloned());
        }
        Client::YahooWeb | Client::YahooAndroid => {
            if let Some(d) = &date {
                push(&mut h, "Date", d);
            }
            push(&mut h, "From", &from);
            push(&mut h, "Reply-To", &from);
            push(&mut h, "To", &to);
            if !cc.is_empty() {
                push(&mut h, "Cc", &cc);
            }
            push(&mut h, "Message-ID", &m.message_id);
            if let Some(irt) = &irt {
                push(&mut h, "In-Reply-To", irt);
                push(&mut h, "References", &refs);
            }
            subjects(&mut h);
            h.push("MIME-Version: 1.0".into());
            h.extend(body.content.iter().cloned());
            h.push(if m.client == Client::YahooWeb {
                "X-Mailer: WebService/1.1.9807 YahooMailNeo Mozilla/5.0 (Windows NT 10.0; Win64; x64)\n AppleWebKit/537.36 (KHTML, like Gecko) Chrome/57.0.2987.133 Safari/537.36".into()
            } else {
                "X-Mailer: YahooMailAndroidMobile YMobile/1.0\n (com.yahoo.mobile.client.android.mail/5.14.4; Android/7.0; NRD90M; hero2lte;\n samsung; SM-G935F; 5.11; 1440x2560; )".into()
            });
        }
        Client::Sympa => {
            push(&mut h, "From", &from);
            push(&mut h, "To", &to);
            subjects(&mut h);
            if let Some(d) = &date {
                push(&mut h, "Date", d);
            }
            push(&mut h, "Message-ID", &m.message_id);
            h.push("MIME-Version: 1.0".into());
            h.extend(body.content.iter().cloned());
            h.push(format!("Reply-To: {}", who.addr));
            h.push("List-Id: <veille-eolien.listes.fee.asso.fr>".into());
            h.push("List-Archive: <https://listes.fee.asso.fr/sympa/arc/veille-eolien>".into());
            h.push("List-Help: <mailto:sympa@listes.fee.asso.fr?subject=help>".into());
            h.push("List-Post: <mailto:veille-eolien@listes.fee.asso.fr>".into());
            h.push("List-Subscribe: <mailto:sympa@listes.fee.asso.fr?subject=subscribe%20veille-eolien>".into());
            h.push("List-Unsubscribe: <mailto:sympa@listes.fee.asso.fr?subject=unsubscribe%20veille-eolien>".into());
            h.push("Precedence: list".into());
            h.push("X-Loop: veille-eolien@listes.fee.asso.fr".into());
            h.push(format!("X-Sequence: {}", m.list_seq.unwrap_or(0)));
        }
        Client::BulkMailer => {
            if let Some(d) = &date {
                push(&mut h, "Date", d);
            }
            push(&mut h, "To", &to);
            push(&mut h, "From", &from);
            subjects(&mut h);
            push(&mut h, "Message-ID", &m.message_id);
            let campaign = m
                .message_id
                .trim_matches(['<', '>'])
                .split('@')
                .next()
                .unwrap_or("");
            h.push(format!(
                "List-Unsubscribe: <https://bulk-mailer.example.net/u/{campaign}>"
            ));
            h.push("X-Mailer: bulk-mailer.example.net campaign engine".into());
            h.push("MIME-Version: 1.0".into());
            h.extend(body.content.iter().cloned());
        }
        Client::PhpMailer => {
            if let Some(d) = &date {
                push(&mut h, "Date", d);
            }
            push(&mut h, "To", &to);
            push(&mut h, "From", &from);
            subjects(&mut h);
            push(&mut h, "Message-ID", &m.message_id);
            h.push("MIME-Version: 1.0".into());
            h.extend(body.content.iter().cloned());
        }
    }
    h
}
