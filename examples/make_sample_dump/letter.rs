//! What a sending program writes for a new message besides its fields: the Message-ID in the
//! program's own format, Outlook's Thread-Index, and the body with signature and quoted parent.

use chrono::{DateTime, FixedOffset};

use crate::cast::{Client, Lang, P, person};
use crate::clock::{self, Instant};
use crate::mime;
use crate::prose;
use crate::rng::Rng;
use crate::story::{Msg, Spec};

pub fn message_id(r: &mut Rng, client: Client, from: P, at: Instant) -> String {
    let domain = crate::cast::domain(person(from).addr).to_string();
    match client {
        Client::OutlookExchange => format!(
            "<{}@{}.corvel.local>",
            r.hex_upper(32),
            crate::cast::exchange_server(from)
        ),
        Client::OutlookOnline => format!(
            "<AM5PR0701MB2628{}@AM5PR0701MB2628.eurprd07.prod.outlook.com>",
            r.hex_upper(26)
        ),
        Client::AppleMail | Client::IPhone => format!("<{}@{domain}>", r.uuid_upper()),
        Client::Thunderbird => format!("<{}@{domain}>", r.uuid_lower()),
        Client::GmailWeb => {
            let head = *r.pick(&["CAF", "CAK", "CAJ", "CAE", "CAH"]);
            let body = r.chars_from(
                b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+_-",
                44,
            );
            let tail = if r.chance(40) { "=" } else { "" };
            format!("<{head}{body}{tail}@mail.gmail.com>")
        }
        // Yahoo: two random numbers and the send time in milliseconds.
        Client::YahooWeb | Client::YahooAndroid => format!(
            "<{}.{}.{}{:03}@mail.yahoo.com>",
            r.digits(10),
            r.digits(7),
            at,
            r.below(1000)
        ),
        Client::Sympa => format!(
            "<{}.{}@fee.asso.fr>",
            clock::local(clock::Zone::Utc, at).format("%Y%m%d%H%M%S"),
            r.hex_upper(6)
        ),
        Client::PhpMailer => format!("<{}@www.marches-publics.gouv.fr>", r.hex_lower(32)),
        Client::BulkMailer => format!(
            "<{}.{}@bulk-mailer.example.net>",
            clock::local(clock::Zone::Utc, at).format("%Y%m%d%H%M%S"),
            r.hex_lower(20)
        ),
    }
}

/// MS-OXOMSG Thread-Index: 22 bytes (FILETIME high bits + GUID), plus 5 bytes per reply.
pub fn thread_index(rng: &mut Rng, parent: Option<(Vec<u8>, Instant)>, at: Instant) -> Vec<u8> {
    match parent {
        Some((mut ti, parent_at)) => {
            let delta = (((at - parent_at).max(0) as u64) * 10_000_000) >> 18;
            ti.extend_from_slice(&((delta as u32) & 0x7fff_ffff).to_be_bytes());
            ti.push(rng.next_u64() as u8);
            ti
        }
        None => {
            let filetime = ((at + 11_644_473_600) as u64) * 10_000_000;
            let mut ti = (filetime >> 16).to_be_bytes()[2..8].to_vec();
            ti.extend(rng.bytes(16));
            ti
        }
    }
}

/// The plain-text body: composed prose, the client's signature, then the quoted parent.
pub fn body(rng: &mut Rng, s: &Spec, client: Client, parent: Option<&Msg>) -> String {
    let who = person(s.from);
    let draft = prose::compose(
        rng,
        &prose::Brief {
            topic: s.topic,
            lang: s.lang,
            from: s.from,
            to: &s.to,
            when: s.at,
            reply: parent.is_some(),
            lead: s.lead.as_deref(),
        },
    );
    let english = draft.lang == Lang::En;
    let mut own = draft.lines.join("\n");
    own.push('\n');
    match client {
        Client::IPhone => own.push_str(if english {
            "\nSent from my iPhone"
        } else {
            "\nEnvoyé de mon iPhone"
        }),
        Client::YahooAndroid => own.push_str("\nEnvoyé depuis Yahoo Mail pour Android"),
        _ => {
            own.push_str(who.signature);
        }
    }
    if client == Client::Thunderbird {
        own = crate::mime::flow(&own, 72);
    }
    let Some(p) = parent else {
        own.push('\n');
        return own;
    };
    let pw = person(p.from);
    let seen = clock::local(who.zone, p.date);
    let quoted = |text: &str| -> String {
        text.trim_end_matches('\n')
            .split('\n')
            .map(|l| {
                if l.starts_with('>') {
                    format!(">{l}")
                } else if l.is_empty() {
                    ">".to_string()
                } else {
                    format!("> {l}")
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let q = match client {
        Client::OutlookExchange | Client::OutlookOnline => {
            let names = |ps: &[P]| {
                ps.iter()
                    .map(|&x| person(x).name)
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            let mut h = format!(
                "\nDe : {} [mailto:{}]\nEnvoyé : {}\nÀ : {}\n",
                pw.name,
                pw.addr,
                clock::fr_long(&seen),
                names(&p.to)
            );
            if !p.cc.is_empty() {
                h.push_str(&format!("Cc : {}\n", names(&p.cc)));
            }
            h.push_str(&format!("Objet : {}\n\n{}", p.subject, p.text.trim_end()));
            h
        }
        Client::AppleMail | Client::IPhone => {
            let attribution = if who.ui == Lang::En {
                format!(
                    "On {}, {} <{}> wrote:",
                    clock::en_apple(&seen),
                    pw.name,
                    pw.addr
                )
            } else {
                format!(
                    "Le {}, {} <{}> a écrit :",
                    clock::fr_medium(&seen),
                    pw.name,
                    pw.addr
                )
            };
            format!("\n{}\n>\n{}", quoted(&attribution), quoted(&p.text))
        }
        Client::Thunderbird => format!(
            "\n{}\n{}",
            thunderbird_attribution(who.ui, &seen, pw.name),
            quoted(&p.text)
        ),
        Client::GmailWeb => format!(
            "\n{} {} <{}>:\n\n{}",
            clock::gmail_fr(&seen),
            pw.name,
            pw.addr,
            quoted(&p.text)
        ),
        Client::YahooWeb | Client::YahooAndroid => format!(
            "\nLe {}, {} <{}> a écrit :\n\n{}",
            clock::fr_long(&seen),
            pw.name,
            pw.addr,
            quoted(&p.text)
        ),
        Client::Sympa | Client::PhpMailer | Client::BulkMailer => String::new(),
    };
    own.push('\n');
    own.push_str(&q);
    own.push('\n');
    own
}

/// The line Thunderbird writes above a quote, in the replier's interface language.
fn thunderbird_attribution(ui: Lang, seen: &DateTime<FixedOffset>, name: &str) -> String {
    if ui == Lang::De {
        format!(
            "Am {} um {} schrieb {name}:",
            seen.format("%d.%m.%Y"),
            seen.format("%H:%M")
        )
    } else {
        format!(
            "Le {} à {}, {name} a écrit :",
            seen.format("%d/%m/%Y"),
            seen.format("%H:%M")
        )
    }
}

/// A Thunderbird reply written inline: the greeting, the attribution, only the paragraph of
/// the parent that contains `keep` (the replier deleted the rest and marked the cut with
/// `[...]`), re-wrapped at 72 columns as Thunderbird wraps a format=flowed quote (RFC 3676
/// 4.5: `> ` on every line, a trailing space at each soft break), then the answer under it.
pub fn inline_reply(from: P, parent: &Msg, keep: &str, greeting: &str, answer: &str) -> String {
    let who = person(from);
    let seen = clock::local(who.zone, parent.date);
    let paragraph = parent
        .text
        .split("\n\n")
        .find(|p| p.contains(keep))
        .unwrap_or_else(|| panic!("{keep:?} not in the parent {}", parent.subject));
    let mut quote: Vec<String> = Vec::new();
    let mut line = String::from(">");
    for word in paragraph.split_whitespace() {
        if line.len() > 1 && line.chars().count() + 1 + word.chars().count() > 72 {
            line.push(' ');
            quote.push(std::mem::replace(&mut line, String::from(">")));
        }
        line.push(' ');
        line.push_str(word);
    }
    quote.push(line);
    quote.push("> [...]".to_string());
    let below = mime::flow(&format!("{answer}\n\nCordialement,\n{}", who.signature), 72);
    format!(
        "{greeting}\n\n{}\n{}\n\n{below}\n",
        thunderbird_attribution(who.ui, &seen, person(parent.from).name),
        quote.join("\n")
    )
}
