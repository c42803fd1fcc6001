//! Who DKIM-signs which message of the dump (Corvel's relay, Gmail, Yahoo, WindTech, the FEE,
//! the forger's bulk mailer), with which committed key and header list, and where each signer's
//! DKIM-Signature sits among the Received fields; plus the public records for dkim-keys.txt.
//!
//! The keys in `keys/` were generated once with `openssl genpkey -algorithm RSA -pkeyopt
//! rsa_keygen_bits:2048` and are compiled in, so the dump does not depend on the working
//! directory. RSA PKCS#1 v1.5 signing is deterministic: the same message always gets the same b=.

use std::sync::OnceLock;

use leakprov::dkim::HashAlg;
use leakprov::dkim::sign::{SignSpec, SigningKey, sign};

use crate::cast::{Client, Org, person};
use crate::clock::Instant;
use crate::plot::paris;
use crate::story::Msg;

/// Where the signer's field goes among the trace fields of a delivered copy.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Position {
    /// Above the sender-side Received hops: an outbound relay (Postfix + OpenDKIM, Yahoo's
    /// gateway) signs as the message leaves, after its own hops were written.
    AboveSenderHops,
    /// Below every Received hop, right above the originator fields (Gmail writes it under its
    /// SMTP hop and above X-Received; the FEE's server signs before the list relays the message).
    BelowSenderHops,
}

/// The h= list: fixed (OpenDKIM's configured list, absent fields signed as empty, which
/// RFC 6376 5.4 allows and which stops anyone adding them), or the present fields among
/// a list in the signer's own order (Gmail, Yahoo).
enum Headers {
    Fixed(&'static str),
    Present(&'static [&'static str]),
}

pub struct Signer {
    /// Which mail it signs and where, for the README.
    pub signs: &'static str,
    pub domain: &'static str,
    pub selector: &'static str,
    pem: &'static str,
    pub c: &'static str,
    headers: Headers,
    /// Whether the signer writes t= (OpenDKIM and Yahoo do; Gmail did not in 2016-2017).
    stamps: bool,
    pub position: Position,
}

const CORVEL: Signer = Signer {
    signs: "Corvel's relay mail.corvel-energie.fr (Postfix + OpenDKIM): all mail submitted to it, i.e. Thunderbird, Apple Mail and iPhone mail of Corvel staff, internal recipients included; above the relay's ESMTPSA hop",
    domain: "corvel-energie.fr",
    selector: "s2016",
    pem: include_str!("keys/s2016._domainkey.corvel-energie.fr.pem"),
    c: "relaxed/relaxed",
    headers: Headers::Fixed("from:to:cc:subject:date:message-id:mime-version:content-type"),
    stamps: true,
    position: Position::AboveSenderHops,
};

const GMAIL: Signer = Signer {
    signs: "Gmail: all of Marc Lefebvre's mail; below Gmail's SMTP hop, above X-Received",
    domain: "gmail.com",
    selector: "20161025",
    pem: include_str!("keys/20161025._domainkey.gmail.com.pem"),
    c: "relaxed/relaxed",
    headers: Headers::Present(&[
        "mime-version",
        "in-reply-to",
        "references",
        "from",
        "date",
        "message-id",
        "subject",
        "to",
        "cc",
    ]),
    stamps: false,
    position: Position::BelowSenderHops,
};

const YAHOO: Signer = Signer {
    signs: "Yahoo: all of Nadia Benali's mail; above Yahoo's HTTP hop",
    domain: "yahoo.com",
    selector: "s2048",
    pem: include_str!("keys/s2048._domainkey.yahoo.com.pem"),
    c: "relaxed/relaxed",
    headers: Headers::Present(&[
        "Date",
        "From",
        "Reply-To",
        "To",
        "Cc",
        "Message-ID",
        "In-Reply-To",
        "References",
        "Subject",
        "MIME-Version",
        "Content-Type",
    ]),
    stamps: true,
    position: Position::AboveSenderHops,
};

const WINDTECH: Signer = Signer {
    signs: "WindTech's Postfix + OpenDKIM: Klaus Weber's mail; above its ESMTPSA hop",
    domain: "windtech-gmbh.de",
    selector: "mail",
    pem: include_str!("keys/mail._domainkey.windtech-gmbh.de.pem"),
    c: "relaxed/simple",
    headers: Headers::Fixed(
        "from:reply-to:subject:date:to:cc:message-id:in-reply-to:references:mime-version:content-type",
    ),
    stamps: true,
    position: Position::AboveSenderHops,
};

const FEE: Signer = Signer {
    signs: "the FEE's own server, from 1 April 2017 on: the newsletter, before the list server adds its fields and footer; below the list server's hops",
    domain: "fee.asso.fr",
    selector: "fee2017",
    pem: include_str!("keys/fee2017._domainkey.fee.asso.fr.pem"),
    c: "relaxed/relaxed",
    headers: Headers::Fixed("from:to:subject:date:message-id:mime-version:content-type"),
    stamps: true,
    position: Position::BelowSenderHops,
};

const BULK: Signer = Signer {
    signs: "the bulk-mail service the forger used (the `dkim-domain-misaligned` plant); above the service's own hop",
    domain: "bulk-mailer.example.net",
    selector: "bm1",
    pem: include_str!("keys/bm1._domainkey.bulk-mailer.example.net.pem"),
    c: "relaxed/relaxed",
    headers: Headers::Fixed(
        "from:to:subject:date:message-id:list-unsubscribe:mime-version:content-type",
    ),
    stamps: true,
    position: Position::AboveSenderHops,
};

/// Every signer, in the order dkim-keys.txt lists them.
pub const SIGNERS: [&Signer; 6] = [&CORVEL, &GMAIL, &YAHOO, &WINDTECH, &FEE, &BULK];

/// The FEE's own mail server started signing in April 2017: earlier newsletters are unsigned.
pub fn fee_signs_from() -> Instant {
    paris(2017, 4, 1, 0, 0, 0)
}

/// The signer of `m`'s delivered copies, if any. Corvel's relay signs what passes through it:
/// mail submitted to it over SMTP (Thunderbird, Apple Mail, iPhone). Outlook mail between
/// colleagues stays inside Exchange, never reaches the relay, and is unsigned. The law firm
/// (Exchange Online without custom DKIM), the investor's Postfix and the tender platform sign nothing.
pub fn signer_of(m: &Msg) -> Option<&'static Signer> {
    match person(m.from).org {
        Org::Corvel if m.client != Client::OutlookExchange => Some(&CORVEL),
        Org::Gmail => Some(&GMAIL),
        Org::Yahoo => Some(&YAHOO),
        Org::WindTech => Some(&WINDTECH),
        Org::Fee if m.date >= fee_signs_from() => Some(&FEE),
        Org::BulkMailer => Some(&BULK),
        _ => None,
    }
}

fn key(signer: &Signer) -> &'static SigningKey {
    static KEYS: OnceLock<Vec<SigningKey>> = OnceLock::new();
    let keys = KEYS.get_or_init(|| {
        SIGNERS
            .iter()
            .map(|s| {
                SigningKey::rsa_from_pem(s.pem)
                    .unwrap_or_else(|e| panic!("keys/ for {}: {e}", s.domain))
            })
            .collect()
    });
    let i = SIGNERS
        .iter()
        .position(|s| s.domain == signer.domain)
        .expect("a listed signer");
    &keys[i]
}

impl Signer {
    /// The h= list as the README shows it.
    pub fn h(&self) -> String {
        match self.headers {
            Headers::Fixed(list) => list.to_string(),
            Headers::Present(order) => format!("those present of {}", order.join(":")),
        }
    }
}

/// The names of the header fields of `view` (its header block), lowercased.
fn field_names(view: &str) -> Vec<String> {
    view.split("\n\n")
        .next()
        .unwrap_or("")
        .lines()
        .filter(|l| !l.starts_with([' ', '\t']))
        .filter_map(|l| l.split_once(':'))
        .map(|(name, _)| name.trim().to_ascii_lowercase())
        .collect()
}

/// The DKIM-Signature field (LF line breaks, no final one) that `signer` adds to `view`, the
/// message as it reached the signer (LF line endings). `at` is the signing instant, for t=.
pub fn signature(signer: &Signer, view: &str, at: Instant) -> String {
    let h = match signer.headers {
        Headers::Fixed(list) => list.to_string(),
        Headers::Present(order) => {
            let present = field_names(view);
            order
                .iter()
                .filter(|name| present.contains(&name.to_ascii_lowercase()))
                .copied()
                .collect::<Vec<_>>()
                .join(":")
        }
    };
    let spec = SignSpec {
        d: signer.domain,
        s: signer.selector,
        c: signer.c,
        h: &h,
        l: None,
        t: signer.stamps.then_some(at),
        hash: HashAlg::Sha256,
        folded: true,
    };
    let signed = sign(view, &spec, key(signer))
        .unwrap_or_else(|e| panic!("signing for {}: {e}", signer.domain));
    let field = signed
        .strip_suffix(view)
        .and_then(|f| f.strip_suffix("\r\n"))
        .expect("sign() prepends one field");
    // The dump is written with LF; the layout turns every LF into CRLF for CRLF exports.
    field.replace("\r\n", "\n")
}

/// sample_dumps/dkim-keys.txt: the public record of every signer, in `--dkim-keys` format.
pub fn records() -> String {
    let mut out = String::from(
        "# DKIM public keys of the Corvel sample dump, as the signing domains published them in\n\
         # 2016-2017, for `leakprov scan sample_dumps/corvel-leak --dkim-keys sample_dumps/dkim-keys.txt`.\n\
         # Made up with the fictional dump (examples/make_sample_dump/keys/): they are not the\n\
         # real keys of gmail.com or yahoo.com.\n",
    );
    for s in SIGNERS {
        let record = key(s)
            .record()
            .unwrap_or_else(|e| panic!("public record of {}: {e}", s.domain));
        out.push_str(&format!(
            "{}._domainkey.{} {record}\n",
            s.selector, s.domain
        ));
    }
    out
}
