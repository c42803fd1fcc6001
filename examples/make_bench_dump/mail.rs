//! Synthetic but realistic messages: a Received chain, DKIM-Signature lines whose bh= is
//! right (b= is filler), Message-IDs, boundaries and client headers in the shapes the real
//! clients write (so the fingerprint table recognises them), attachments, quoted replies.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use sha2::{Digest, Sha256};

use crate::Rng;

const WORDS: &[&str] = &[
    "budget", "tender", "wind", "farm", "board", "meeting", "contract", "draft", "review",
    "supplier", "report", "quarter", "forecast", "press", "minutes", "approval", "grid", "turbine",
    "offshore", "permit", "the", "and", "of", "for", "with", "we", "will", "please", "send",
    "update", "tomorrow", "numbers", "site", "visit", "legal", "signed", "version", "attached",
    "call", "team",
];
const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const FIRST: &[&str] = &[
    "Anne", "Bruno", "Claire", "David", "Elise", "Farid", "Gaelle", "Hugo", "Ines", "Julien",
    "Karim", "Lea", "Marc", "Nora", "Olivier", "Pauline", "Quentin", "Rose", "Samir", "Thomas",
];
const LAST: &[&str] = &[
    "Martin", "Bernard", "Dubois", "Durand", "Leroy", "Moreau", "Simon", "Laurent", "Lefebvre",
    "Michel", "Garcia", "Roux",
];
const DOMAINS: &[&str] = &[
    "corvel-energie.fr",
    "example.org",
    "gridworks.example.com",
    "turbina.example.net",
    "mail.example.de",
    "consult.example.co.uk",
];
/// Mail clients, by index: Outlook, Thunderbird, Apple Mail, Gmail, Roundcube, Mutt.
pub const CLIENTS: usize = 6;
const B64_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// Civil time of a Unix time: (year, month 1-12, day, hour, minute, second, weekday index into DAYS).
pub fn civil(t: i64) -> (i64, usize, i64, i64, i64, i64, usize) {
    let days = t.div_euclid(86400);
    let secs = t.rem_euclid(86400);
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    (
        y,
        m as usize,
        d,
        secs / 3600,
        secs / 60 % 60,
        secs % 60,
        days.rem_euclid(7) as usize,
    )
}

/// RFC 5322 date for a Unix time shown in the zone `offset_min`.
pub fn rfc5322(t: i64, offset_min: i64) -> String {
    let (y, m, d, hh, mm, ss, wd) = civil(t + offset_min * 60);
    let sign = if offset_min < 0 { '-' } else { '+' };
    format!(
        "{}, {d} {} {y} {hh:02}:{mm:02}:{ss:02} {sign}{:02}{:02}",
        DAYS[wd],
        MONTHS[m - 1],
        offset_min.abs() / 60,
        offset_min.abs() % 60
    )
}

/// The asctime date of an mbox "From " separator line (UTC).
pub fn asctime(t: i64) -> String {
    let (y, m, d, hh, mm, ss, wd) = civil(t);
    format!(
        "{} {} {d:>2} {hh:02}:{mm:02}:{ss:02} {y}",
        DAYS[wd],
        MONTHS[m - 1]
    )
}

/// ISO 8601 UTC, as office documents store their times.
pub fn w3cdtf(t: i64) -> String {
    let (y, m, d, hh, mm, ss, _) = civil(t);
    format!("{y}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}Z")
}

/// One correspondent: a stable name, address, client and time zone, as a real sender has.
pub struct Person {
    pub name: String,
    pub address: String,
    pub domain: &'static str,
    pub client: usize,
    pub zone: i64,
    /// Whether the sender's domain signs outgoing mail.
    pub signs: bool,
}

pub fn person(i: u64) -> Person {
    let domain = DOMAINS[(i % DOMAINS.len() as u64) as usize];
    let first = FIRST[(i % FIRST.len() as u64) as usize];
    let last = LAST[(i / 3 % LAST.len() as u64) as usize];
    Person {
        name: format!("{first} {last}"),
        address: format!(
            "{}.{}{}@{domain}",
            first.to_lowercase(),
            last.to_lowercase(),
            i
        ),
        domain,
        client: (i % CLIENTS as u64) as usize,
        zone: [60, 120, 0, -300, 60, 330][(i % 6) as usize],
        signs: i.is_multiple_of(2),
    }
}

pub fn hex(rng: &mut Rng, n: usize, upper: bool) -> String {
    let digits: &[u8] = if upper {
        b"0123456789ABCDEF"
    } else {
        b"0123456789abcdef"
    };
    (0..n)
        .map(|_| digits[rng.below(16) as usize] as char)
        .collect()
}

fn pick(rng: &mut Rng, alphabet: &[u8], n: usize) -> String {
    (0..n)
        .map(|_| alphabet[rng.below(alphabet.len() as u64) as usize] as char)
        .collect()
}

fn uuid(rng: &mut Rng, upper: bool) -> String {
    format!(
        "{}-{}-4{}-{}-{}",
        hex(rng, 8, upper),
        hex(rng, 4, upper),
        hex(rng, 3, upper),
        hex(rng, 4, upper),
        hex(rng, 12, upper)
    )
}

/// Message-ID, boundary and client header lines in the shape `client` writes.
fn client_shapes(rng: &mut Rng, p: &Person, t: i64) -> (String, String, String) {
    let (y, m, d, hh, mm, ss, _) = civil(t);
    match p.client {
        0 => (
            format!(
                "{}${}${}$@{}",
                hex(rng, 12, false),
                hex(rng, 8, false),
                hex(rng, 8, false),
                p.domain
            ),
            format!(
                "----=_NextPart_000_{}_{}.{}",
                hex(rng, 4, true),
                hex(rng, 8, true),
                hex(rng, 8, true)
            ),
            format!(
                "X-Mailer: Microsoft Outlook 16.0\nThread-Index: {}\nContent-Language: fr\n",
                pick(rng, B64_ALPHABET, 30)
            ),
        ),
        1 => (
            format!("{}@{}", uuid(rng, false), p.domain),
            format!("------------{}", pick(rng, ALNUM, 24)),
            "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:102.0) Gecko/20100101\n Thunderbird/102.15.1\nContent-Language: en-US\n".to_string(),
        ),
        2 => (
            format!("{}@{}", uuid(rng, true), p.domain),
            format!("Apple-Mail={}", "_".to_string() + &uuid(rng, true)),
            "X-Mailer: Apple Mail (2.3696.120.41.1.1)\n".to_string(),
        ),
        3 => (
            format!("CA{}@mail.gmail.com", pick(rng, ALNUM, 46)),
            format!("0000000000{}", hex(rng, 18, false)),
            String::new(),
        ),
        4 => (
            format!("{}@{}", hex(rng, 32, false), p.domain),
            format!("=_{}", hex(rng, 32, false)),
            "User-Agent: Roundcube Webmail/1.6.5\n".to_string(),
        ),
        _ => (
            format!(
                "{y:04}{m:02}{d:02}{hh:02}{mm:02}{ss:02}.GA{}@workstation.{}",
                rng.below(90_000) + 10_000,
                p.domain
            ),
            pick(rng, ALNUM, 16),
            "User-Agent: Mutt/2.2.12 (2023-09-09)\n".to_string(),
        ),
    }
}

/// A parent a reply can quote: enough to thread and quote it faithfully.
#[derive(Clone)]
pub struct Sent {
    pub message_id: String,
    pub subject: String,
    pub from: String,
    pub time: i64,
    pub text: String,
}

/// What the caller decides about one message.
pub struct Spec<'a> {
    pub n: u64,
    pub time: i64,
    pub from: &'a Person,
    pub to: &'a Person,
    /// Approximate size of the whole message in bytes.
    pub size: usize,
    /// An attachment (base64): a document's bytes, or random bytes when None.
    pub attachment: Option<Option<(&'a str, &'a [u8])>>,
    pub reply_to: Option<&'a Sent>,
}

/// Topics of the synthetic vocabulary: each text draws half its words from one topic's
/// 300 words, so unrelated documents and messages do not look alike (as real ones do not).
const TOPICS: u64 = 40;

/// 6,000 pronounceable made-up words (deterministic), the topic vocabulary.
fn vocabulary() -> &'static [String] {
    static VOCAB: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    VOCAB.get_or_init(|| {
        const ONSETS: &[&str] = &[
            "b", "c", "d", "f", "g", "l", "m", "n", "p", "r", "s", "t", "v", "br", "tr", "st",
        ];
        const VOWELS: &[&str] = &["a", "e", "i", "o", "u", "ai", "ou", "ie"];
        let mut rng = Rng(0x70c4_b01a);
        (0..(TOPICS * 150 + 150))
            .map(|_| {
                let mut w = String::new();
                for _ in 0..rng.between(2, 4) {
                    w.push_str(ONSETS[rng.below(ONSETS.len() as u64) as usize]);
                    w.push_str(VOWELS[rng.below(VOWELS.len() as u64) as usize]);
                }
                if rng.below(2) == 0 {
                    w.push(['n', 's', 'r', 'l'][rng.below(4) as usize]);
                }
                w
            })
            .collect()
    })
}

/// Plain text of about `target` bytes, lines under 78 characters, never starting with "From ".
pub fn text(rng: &mut Rng, target: usize) -> String {
    let vocab = vocabulary();
    let topic = (rng.below(TOPICS) * 150) as usize;
    let mut out = String::with_capacity(target + 80);
    let mut line_len = 0;
    let mut sentence_start = true;
    while out.len() < target {
        let w = if rng.below(2) == 0 {
            WORDS[rng.below(WORDS.len() as u64) as usize]
        } else {
            vocab[topic + rng.below(300) as usize].as_str()
        };
        if line_len > 0 {
            out.push(' ');
            line_len += 1;
        }
        if sentence_start {
            let mut c = w.chars();
            if let Some(first) = c.next() {
                out.push(first.to_ascii_uppercase());
                out.push_str(c.as_str());
            }
            sentence_start = false;
        } else {
            out.push_str(w);
        }
        line_len += w.len();
        if rng.below(12) == 0 {
            out.push('.');
            sentence_start = true;
            if rng.below(5) == 0 {
                out.push_str("\n\n");
                line_len = 0;
                continue;
            }
        }
        if line_len > 66 {
            out.push('\n');
            line_len = 0;
        }
    }
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

fn push_base64(out: &mut String, bytes: &[u8]) {
    let encoded = B64.encode(bytes);
    for line in encoded.as_bytes().chunks(76) {
        out.push_str(std::str::from_utf8(line).unwrap_or(""));
        out.push('\n');
    }
}

/// RFC 6376 3.4.4 relaxed body canonicalisation of a body with LF endings and no runs of
/// whitespace inside its lines (all the generator writes): trailing whitespace of each line
/// and trailing empty lines dropped, CRLF endings.
fn body_hash(body: &str) -> String {
    let trimmed = body.trim_end_matches('\n');
    let mut h = Sha256::new();
    if !trimmed.is_empty() {
        for line in trimmed.split('\n') {
            // Relaxed: trailing whitespace goes (the "-- " signature separator has some).
            h.update(line.trim_end_matches([' ', '\t']).as_bytes());
            h.update(b"\r\n");
        }
    }
    B64.encode(h.finalize())
}

/// Builds one message; returns its bytes and what a later reply needs.
pub fn message(rng: &mut Rng, spec: &Spec<'_>) -> (Vec<u8>, Sent) {
    let from = spec.from;
    let t = spec.time;
    let (message_id, boundary, client_headers) = client_shapes(rng, from, t);
    let own_target = spec.size.saturating_sub(1400).max(200);
    let (subject, mut body_text, threading, own_text) = match spec.reply_to {
        Some(parent) => {
            let own = text(rng, (own_target / 3).max(120));
            let mut quoted = String::with_capacity(parent.text.len() + 200);
            quoted.push_str(&format!(
                "On {}, {} wrote:\n",
                rfc5322(parent.time, from.zone),
                parent.from
            ));
            for line in parent.text.lines() {
                if line.is_empty() {
                    quoted.push_str(">\n");
                } else {
                    quoted.push_str("> ");
                    quoted.push_str(line);
                    quoted.push('\n');
                }
            }
            let subject = if parent.subject.starts_with("Re: ") {
                parent.subject.clone()
            } else {
                format!("Re: {}", parent.subject)
            };
            (
                subject,
                format!("{own}\n{quoted}"),
                format!(
                    "In-Reply-To: <{}>\nReferences: <{}>\n",
                    parent.message_id, parent.message_id
                ),
                own,
            )
        }
        None => {
            let subject = format!(
                "{} {} {}",
                WORDS[rng.below(20) as usize],
                WORDS[rng.below(20) as usize],
                spec.n
            );
            let text_target = if spec.attachment.is_some() {
                own_target.min(3000)
            } else {
                own_target
            };
            let own = text(rng, text_target);
            (subject, own.clone(), String::new(), own)
        }
    };
    let signature = format!("\n-- \n{}\n", from.name);
    body_text.push_str(&signature);

    // The body: plain, or multipart with a base64 attachment.
    let (content_type, body) = match spec.attachment {
        None => (
            "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n"
                .to_string(),
            body_text,
        ),
        Some(doc) => {
            let mut b = String::with_capacity(spec.size + 1024);
            b.push_str("This is a multi-part message in MIME format.\n\n");
            b.push_str(&format!(
                "--{boundary}\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
            ));
            b.push_str(&body_text);
            let (name, mime) = match doc {
                Some((name, _)) if name.ends_with(".docx") => (
                    name.to_string(),
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                ),
                Some((name, _)) if name.ends_with(".pdf") => (name.to_string(), "application/pdf"),
                Some((name, _)) => (
                    name.to_string(),
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                ),
                None => (
                    format!("data{}.bin", spec.n % 100),
                    "application/octet-stream",
                ),
            };
            b.push_str(&format!(
                "\n--{boundary}\nContent-Type: {mime}; name=\"{name}\"\nContent-Disposition: attachment; filename=\"{name}\"\nContent-Transfer-Encoding: base64\n\n"
            ));
            match doc {
                Some((_, bytes)) => push_base64(&mut b, bytes),
                None => {
                    let raw_len = spec.size.saturating_sub(b.len() + 1400) * 3 / 4;
                    let mut raw = vec![0u8; raw_len.max(64)];
                    rng.fill(&mut raw);
                    push_base64(&mut b, &raw);
                }
            }
            b.push_str(&format!("--{boundary}--\n"));
            (
                format!("Content-Type: multipart/mixed;\n boundary=\"{boundary}\"\n"),
                b,
            )
        }
    };

    // Headers, top (newest) first: the Received chain, then the sender's own.
    let mut m = String::with_capacity(body.len() + 2048);
    let relay = rng.below(40) + 1;
    let submit = t + 1 + rng.below(4) as i64;
    let mx = submit + 1 + rng.below(25) as i64;
    let local = mx + 1 + rng.below(2) as i64;
    m.push_str(&format!(
        "Return-Path: <{}>\nDelivered-To: {}\nReceived: by mx.corvel-energie.fr (Postfix, from userid 0)\n\tid {}; {}\n",
        from.address,
        spec.to.address,
        hex(rng, 10, true),
        rfc5322(local, 0)
    ));
    m.push_str(&format!(
        "Received: from smtp{relay}.{d} (smtp{relay}.{d} [198.51.100.{relay}])\n\tby mx.corvel-energie.fr (Postfix) with ESMTPS id {}\n\tfor <{}>; {}\n",
        hex(rng, 10, true),
        spec.to.address,
        rfc5322(mx, 0),
        d = from.domain,
    ));
    m.push_str(&format!(
        "Received: from [10.{}.{}.{}] by smtp{relay}.{} with ESMTPSA id {};\n\t{}\n",
        rng.below(250),
        rng.below(250),
        rng.below(250),
        from.domain,
        hex(rng, 16, false),
        rfc5322(submit, from.zone)
    ));
    if from.signs {
        let mut bh = body_hash(&body);
        if rng.below(100) == 0 {
            // One signed message in a hundred had its body changed after signing.
            bh = body_hash(&format!("{body}x"));
        }
        let b = pick(rng, B64_ALPHABET, 344);
        m.push_str(&format!(
            "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d={};\n\ts=sel2016; t={t}; h=from:to:subject:date:message-id;\n\tbh={bh};\n\tb={}\n\t {}\n\t {}\n",
            from.domain,
            &b[..100],
            &b[100..220],
            &b[220..]
        ));
    }
    m.push_str(&format!(
        "From: {} <{}>\nTo: {} <{}>\nSubject: {subject}\nDate: {}\nMessage-ID: <{message_id}>\n{threading}{client_headers}MIME-Version: 1.0\n{content_type}\n",
        from.name,
        from.address,
        spec.to.name,
        spec.to.address,
        rfc5322(t, from.zone),
    ));
    m.push_str(&body);
    let own_text = if own_text.len() > 2000 {
        // Long parents are quoted in part, as clients trimming a reply do.
        let cut = own_text[..2000].rfind('\n').unwrap_or(0);
        own_text[..cut].to_string()
    } else {
        own_text
    };
    let sent = Sent {
        message_id,
        subject,
        from: from.name.clone(),
        time: t,
        text: own_text.trim_end().to_string(),
    };
    (m.into_bytes(), sent)
}

/// A tiny message (under 200 bytes) for the many-files dump.
pub fn tiny(rng: &mut Rng, n: u64) -> Vec<u8> {
    let t = 1_475_000_000 + rng.below(40_000_000) as i64;
    format!(
        "From: p{}@example.org\nTo: inbox@example.org\nSubject: n{n}\nDate: {}\nMessage-ID: <{n}.{}@example.org>\n\nok {}\n",
        rng.below(500),
        rfc5322(t, 60),
        hex(rng, 8, false),
        WORDS[rng.below(WORDS.len() as u64) as usize]
    )
    .into_bytes()
}
