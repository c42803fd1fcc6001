//! Renders one copy of an abstract message as RFC 5322 text: the trace fields the servers
//! add, the originator fields in the sending program's own order and style, and the MIME body.

use crate::cast::{Client, P, person};
use crate::clock::{self, Instant};
use crate::mime;
use crate::originator::{originator, words};
use crate::plot::LIST_FOOTER;
use crate::rng::Rng;
use crate::signers::{self, Position, signer_of};
use crate::story::{Msg, Quirk, Story};
use crate::trace::chain;

/// Which mailbox a copy comes from.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Copy {
    /// The sender's Sent folder: originator fields only.
    Sent,
    /// A recipient's Inbox: trace fields on top.
    Inbox(P),
}

pub struct Rendered {
    /// LF line endings; the layout converts to CRLF where wanted.
    pub text: String,
    /// When the copy reached its folder (top hop, or Date for Sent copies).
    pub delivered: Instant,
    /// Envelope sender, for mbox separator lines.
    pub envelope: String,
}

/// The seed of all per-message streams (hop delays, tokens, boundaries).
pub const SEED: u64 = 0x00C0_47E1_2017;

/// Everything under the top-level fields: content fields for the header block, and the body.
pub struct Body {
    pub content: Vec<String>,
    pub text: String,
}

struct Part {
    head: Vec<String>,
    body: String,
}

/// How a program writes the Content-Type of a multipart: folding and quoting of the boundary.
#[derive(Clone, Copy)]
enum CtStyle {
    /// `multipart/x;\n\tboundary="b"` (Exchange, Apple Mail, Yahoo).
    TabQuoted,
    /// `multipart/x;\n\tboundary=b` (iPhone).
    TabBare,
    /// `multipart/x; boundary=b` on one line (Gmail).
    Inline,
    /// `multipart/x;\n boundary="b"` (Thunderbird).
    SpaceQuoted,
}

fn multipart(
    subtype: &str,
    boundary: &str,
    style: CtStyle,
    parts: Vec<Part>,
    preamble: &str,
) -> Part {
    let mut body = String::from(preamble);
    for p in parts {
        body.push_str(&format!(
            "--{boundary}\n{}\n\n{}\n",
            p.head.join("\n"),
            p.body.trim_end_matches('\n')
        ));
    }
    body.push_str(&format!("--{boundary}--\n"));
    let head = match style {
        CtStyle::TabQuoted => {
            format!("Content-Type: multipart/{subtype};\n\tboundary=\"{boundary}\"")
        }
        CtStyle::TabBare => format!("Content-Type: multipart/{subtype};\n\tboundary={boundary}"),
        CtStyle::Inline => format!("Content-Type: multipart/{subtype}; boundary={boundary}"),
        CtStyle::SpaceQuoted => {
            format!("Content-Type: multipart/{subtype};\n boundary=\"{boundary}\"")
        }
    };
    Part {
        head: vec![head],
        body,
    }
}

fn text_heads(client: Client, html: bool) -> Vec<String> {
    let sub = if html { "html" } else { "plain" };
    match client {
        Client::OutlookExchange | Client::OutlookOnline => vec![
            format!("Content-Type: text/{sub}; charset=\"utf-8\""),
            "Content-Transfer-Encoding: quoted-printable".into(),
        ],
        Client::AppleMail | Client::IPhone => vec![
            "Content-Transfer-Encoding: quoted-printable".into(),
            format!("Content-Type: text/{sub};\n\tcharset=utf-8"),
        ],
        Client::Thunderbird => vec![
            "Content-Type: text/plain; charset=utf-8; format=flowed".into(),
            "Content-Transfer-Encoding: 8bit".into(),
        ],
        Client::GmailWeb => vec![
            format!("Content-Type: text/{sub}; charset=\"UTF-8\""),
            "Content-Transfer-Encoding: quoted-printable".into(),
        ],
        Client::YahooWeb | Client::YahooAndroid => vec![
            format!("Content-Type: text/{sub}; charset=UTF-8"),
            "Content-Transfer-Encoding: quoted-printable".into(),
        ],
        Client::Sympa | Client::PhpMailer => vec![
            "Content-Type: text/plain; charset=\"utf-8\"".into(),
            "Content-Transfer-Encoding: 8bit".into(),
        ],
        Client::BulkMailer => vec![
            format!("Content-Type: text/{sub}; charset=UTF-8"),
            "Content-Transfer-Encoding: quoted-printable".into(),
        ],
    }
}

fn encode_text(client: Client, text: &str) -> String {
    match client {
        Client::Thunderbird | Client::Sympa | Client::PhpMailer => text.to_string(),
        _ => mime::quoted_printable(text),
    }
}

fn boundary(m: &Msg, kind: &str, r: &mut Rng) -> String {
    match m.client {
        // Exchange derives its boundaries from the Message-ID: _000_ alternative, _004_ mixed.
        Client::OutlookExchange | Client::OutlookOnline => {
            let token: String = m
                .message_id
                .chars()
                .filter(|ch| ch.is_ascii_alphanumeric())
                .take(40)
                .collect();
            format!("_{kind}_{token}_")
        }
        Client::AppleMail => format!("Apple-Mail=_{}", r.uuid_upper()),
        Client::IPhone => format!("Apple-Mail-{}", r.uuid_upper()),
        Client::Thunderbird => format!("------------{}", r.hex_upper(24)),
        Client::GmailWeb => format!("001a11{}", r.hex_lower(22)),
        Client::YahooWeb | Client::YahooAndroid => format!(
            "----=_Part_{}_{}.{}{:03}",
            r.digits(7),
            r.digits(10),
            m.date,
            r.below(1000)
        ),
        Client::Sympa | Client::PhpMailer => format!("----=_{}", r.hex_lower(16)),
        Client::BulkMailer => format!("b1_{}", r.hex_lower(32)),
    }
}

fn body(story: &Story, m: &Msg, text: &str, r: &mut Rng) -> Body {
    let c = m.client;
    let alt_boundary = boundary(m, "000", r);
    let mixed_boundary = boundary(m, "004", r);
    let ct_style = match c {
        Client::GmailWeb => CtStyle::Inline,
        Client::IPhone => CtStyle::TabBare,
        Client::Thunderbird => CtStyle::SpaceQuoted,
        _ => CtStyle::TabQuoted,
    };
    let plain = Part {
        head: text_heads(c, false),
        body: encode_text(c, text),
    };
    let mut top = if m.html {
        let head = match c {
            Client::OutlookExchange | Client::OutlookOnline => {
                "<style><!-- p.MsoNormal {margin:0cm; font-size:11.0pt; font-family:\"Calibri\",sans-serif;} --></style>\n"
            }
            _ => "",
        };
        let html = Part {
            head: text_heads(c, true),
            body: mime::quoted_printable(&mime::html_of(text, head)),
        };
        multipart(
            "alternative",
            &alt_boundary,
            ct_style,
            vec![plain, html],
            "",
        )
    } else {
        plain
    };
    if !m.attachments.is_empty() {
        let mut parts = vec![top];
        for a in &m.attachments {
            let doc = &story.docs[a.doc];
            let name = doc.filename;
            let head = match c {
                Client::OutlookExchange | Client::OutlookOnline => vec![
                    format!("Content-Type: {}; name=\"{name}\"", doc.mime),
                    format!("Content-Description: {name}"),
                    format!(
                        "Content-Disposition: attachment; filename=\"{name}\"; size={};\n\tcreation-date=\"{}\";\n\tmodification-date=\"{}\"",
                        doc.bytes.len(),
                        clock::exchange_param(a.attached_at),
                        clock::exchange_param(a.attached_at)
                    ),
                    "Content-Transfer-Encoding: base64".into(),
                ],
                Client::AppleMail | Client::IPhone => vec![
                    format!("Content-Disposition: attachment;\n\tfilename={name}"),
                    format!(
                        "Content-Type: {};\n\tx-unix-mode=0644;\n\tname=\"{name}\"",
                        doc.mime
                    ),
                    "Content-Transfer-Encoding: base64".into(),
                ],
                Client::GmailWeb => vec![
                    format!("Content-Type: {}; \n\tname=\"{name}\"", doc.mime),
                    format!("Content-Disposition: attachment; \n\tfilename=\"{name}\""),
                    "Content-Transfer-Encoding: base64".into(),
                    format!(
                        "X-Attachment-Id: f_j{}0",
                        r.chars_from(b"0123456789abcdefghijklmnopqrstuvwxyz", 7)
                    ),
                ],
                _ => vec![
                    format!("Content-Type: {};\n name=\"{name}\"", doc.mime),
                    "Content-Transfer-Encoding: base64".into(),
                    format!("Content-Disposition: attachment;\n filename=\"{name}\""),
                ],
            };
            parts.push(Part {
                head,
                body: mime::base64_lines(&doc.bytes),
            });
        }
        let preamble = if c == Client::Thunderbird {
            "This is a multi-part message in MIME format.\n"
        } else {
            ""
        };
        top = multipart("mixed", &mixed_boundary, ct_style, parts, preamble);
        if c == Client::IPhone {
            top.head.push("Content-Transfer-Encoding: 7bit".into());
        }
    }
    Body {
        content: top.head,
        text: top.body,
    }
}

/// The message as text: header fields, blank line, body ending in a line break.
fn message_text(head: &[String], body: &str) -> String {
    let mut text = head.join("\n");
    text.push_str("\n\n");
    text.push_str(body);
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

/// Renders `m` as it sits in the given mailbox.
pub fn render(story: &Story, m: &Msg, copy: Copy) -> Rendered {
    let mut r = Rng::keyed(SEED, "mime", m.id as u64);
    let who = person(m.from);
    let style = words(m.client);
    let text = match (copy, &m.forged_sent_text) {
        (Copy::Sent, Some(forged)) => forged.as_str(),
        _ => m.text.as_str(),
    };
    let mut body = body(story, m, text, &mut r);
    let envelope = match m.client {
        Client::Sympa => "veille-eolien-owner@listes.fee.asso.fr".to_string(),
        Client::PhpMailer => "bounces@marches-publics.gouv.fr".to_string(),
        Client::BulkMailer => format!("bounce-{}@bulk-mailer.example.net", r.hex_lower(12)),
        _ => who.addr.to_string(),
    };
    // Trace fields (and with them the DKIM-Signature) exist only on delivered copies that kept them.
    let mut trace = match copy {
        Copy::Inbox(rcpt) => Some(chain(m, rcpt)),
        Copy::Sent => None,
    };
    let traced = trace.is_some() && !m.bare_export;
    let http_hop = trace
        .as_mut()
        .and_then(|t| t.http_hop.take())
        .filter(|_| traced);
    let mut head = originator(m, &body, style, http_hop);
    // The signer sees the message as the sender's program wrote it; everything below
    // happened after signing.
    let signature = signer_of(m).filter(|_| traced).map(|signer| {
        let field = signers::signature(signer, &message_text(&head, &body.text), m.submit);
        (signer.position, field)
    });
    match &m.quirk {
        Quirk::BodyEditedAfterSigning(from, to) => {
            // Every occurrence (both parts of multipart/alternative): a careful forger edits both.
            assert!(
                body.text.contains(from),
                "{from:?} not in the body of {}",
                m.subject
            );
            body.text = body.text.replace(from, to);
        }
        Quirk::SubjectEditedAfterSigning(subject) => {
            let at = head
                .iter()
                .position(|f| f.starts_with("Subject:"))
                .expect("a Subject field");
            head[at] = mime::field("Subject", &mime::header_text(subject, style), " ");
        }
        _ => {}
    }
    if m.client == Client::Sympa {
        // Sympa appends its footer to every message it distributes, after the sender's server signed it.
        body.text.push('\n');
        body.text.push_str(LIST_FOOTER);
    }
    let mut out: Vec<String> = Vec::new();
    let mut delivered = m.date;
    if let (Copy::Inbox(rcpt), Some(chain)) = (copy, &trace) {
        delivered = chain.hops.iter().map(|h| h.at).max().unwrap_or(m.date);
        if traced {
            out.push(format!("Return-Path: <{envelope}>"));
            out.push(format!("Delivered-To: {}", person(rcpt).addr));
            // Top first: the receiving side's hops, then the sender's own.
            let receiving = chain.hops.len() - chain.sender_hops;
            for (i, h) in chain.hops.iter().rev().enumerate() {
                if let Some((Position::AboveSenderHops, field)) = &signature
                    && i == receiving
                {
                    out.push(field.clone());
                }
                out.push(h.line());
            }
            match &signature {
                Some((Position::BelowSenderHops, field)) => out.push(field.clone()),
                Some((Position::AboveSenderHops, field)) if chain.sender_hops == 0 => {
                    out.push(field.clone())
                }
                _ => {}
            }
            if m.client == Client::GmailWeb {
                out.push(format!(
                    "X-Received: by 10.28.{}.{} with SMTP id {}mr{}wmx.{};\n        {}",
                    r.range(1, 250),
                    r.range(1, 250),
                    r.range(1, 99),
                    r.digits(8),
                    r.range(10, 99),
                    clock::gmail_stamp(chain.hops[0].at)
                ));
            }
        }
    }
    out.extend(head);
    Rendered {
        text: message_text(&out, &body.text),
        delivered,
        envelope,
    }
}
