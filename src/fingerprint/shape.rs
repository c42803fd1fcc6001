//! Shape abstractions of Message-IDs and MIME boundaries: the generator's format, without its randomness.
//!
//! Two messages written by the same program get the same shape string
//! (`<UUID-UPPER@domain>`, `----=_NextPart_DIGITS_DIGITS_HEX8.HEX8`), so a
//! sender profile can notice when one sender's mail suddenly changes
//! generator. Random runs are reduced to their alphabet and length, numbers
//! to their length when it is fixed (timestamps), and well-known generator
//! words and service domains are kept literally.

use std::sync::LazyLock;

use regex::Regex;

/// Longest input examined: a hostile dump can hold a megabyte-long Message-ID.
const MAX_INPUT: usize = 256;

static UUID: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}")
        .unwrap_or_else(|e| panic!("UUID pattern: {e}"))
});

/// Words that generators write literally; kept in the shape.
const VOCABULARY: &[&str] = &[
    "Apple",
    "Horde",
    "JavaMail",
    "Mail",
    "Multipart",
    "NextPart",
    "Part",
    "Pine",
    "Spark",
    "alpine",
    "camel",
    "email",
    "etPan",
    "fsf",
    "git",
    "lkp",
    "nextPart",
    "send",
    "squirrel",
    "wl",
    "zimbra",
];

/// Domains that identify a generator rather than a sender; kept in the shape.
const SERVICE_DOMAINS: &[&str] = &[
    "mail.gmail.com",
    "mx.google.com",
    "mail.yahoo.com",
    "app.fastmail.com",
    "webmail.messagingengine.com",
    "phx.gbl",
    "email.android.com",
    "Spark",
];

/// Domain suffixes whose host labels are generated: the labels are abstracted, the suffix kept.
const SERVICE_SUFFIXES: &[&str] = &[".prod.outlook.com", ".prod.partner.outlook.cn"];

/// The shape of a Message-ID (with or without its angle brackets), e.g. `<UUID-UPPER@domain>`.
pub fn message_id_shape(id: &str) -> String {
    let id = capped(id.trim().trim_start_matches('<').trim_end_matches('>'));
    match id.rsplit_once('@') {
        Some((local, domain)) => format!("<{}@{}>", text_shape(local), domain_shape(domain)),
        None => format!("<{}>", text_shape(id)),
    }
}

/// The shape of a MIME boundary parameter, e.g. `Apple-Mail=_UUID-UPPER`.
pub fn boundary_shape(boundary: &str) -> String {
    text_shape(capped(boundary.trim().trim_matches('"')))
}

fn capped(s: &str) -> &str {
    if s.len() <= MAX_INPUT {
        return s;
    }
    let mut end = MAX_INPUT;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

fn domain_shape(domain: &str) -> String {
    if let Some(known) = SERVICE_DOMAINS
        .iter()
        .find(|d| d.eq_ignore_ascii_case(domain))
    {
        return (*known).to_string();
    }
    let lower = domain.to_ascii_lowercase();
    for suffix in SERVICE_SUFFIXES {
        if let Some(hosts) = lower.strip_suffix(suffix) {
            return format!("{}{suffix}", text_shape(&domain[..hosts.len()]));
        }
    }
    match domain.split('.').filter(|l| !l.is_empty()).count() {
        0 => String::new(),
        1 => "host".into(),
        2 => "domain".into(),
        _ => "host.domain".into(),
    }
}

/// Shape of free text: UUIDs first, then chunks, then alphanumeric runs.
fn text_shape(text: &str) -> String {
    let mut out = String::new();
    let mut last = 0;
    for m in UUID.find_iter(text) {
        chunks_shape(&text[last..m.start()], &mut out);
        let upper = m.as_str().bytes().any(|b| b.is_ascii_uppercase());
        let lower = m.as_str().bytes().any(|b| b.is_ascii_lowercase());
        out.push_str(match (upper, lower) {
            (true, false) => "UUID-UPPER",
            (false, true) => "UUID-LOWER",
            _ => "UUID",
        });
        last = m.end();
    }
    chunks_shape(&text[last..], &mut out);
    out
}

/// A random base64 / base64url chunk becomes one token; its `+/_-` positions are noise.
fn chunks_shape(text: &str, out: &mut String) {
    let is_chunk_char = |c: char| c.is_ascii_alphanumeric() || "+/_-".contains(c);
    let mut rest = text;
    while let Some(start) = rest.find(is_chunk_char) {
        runs_shape(&rest[..start], out);
        let tail = &rest[start..];
        let end = tail.find(|c| !is_chunk_char(c)).unwrap_or(tail.len());
        // Separators around a chunk belong to the format, not to the random part.
        let chunk = &tail[..end];
        let core = chunk.trim_matches(['-', '_']);
        let lead = chunk.len() - chunk.trim_start_matches(['-', '_']).len();
        if looks_random_base64(core) {
            out.push_str(&chunk[..lead]);
            out.push_str(&format!("BASE64x{}", core.len()));
            out.push_str(&chunk[lead + core.len()..]);
        } else {
            runs_shape(chunk, out);
        }
        rest = &tail[end..];
    }
    runs_shape(rest, out);
}

fn looks_random_base64(chunk: &str) -> bool {
    let has = |f: fn(&u8) -> bool| chunk.as_bytes().iter().any(f);
    chunk.len() >= 12
        && has(u8::is_ascii_uppercase)
        && has(u8::is_ascii_lowercase)
        && has(u8::is_ascii_digit)
        && !chunk.contains("__")
        && !VOCABULARY.iter().any(|w| w.len() >= 4 && chunk.contains(w))
}

/// Alphanumeric runs become classes; everything else is kept (non-ASCII as '?').
fn runs_shape(text: &str, out: &mut String) {
    let mut run = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            run.push(c);
            continue;
        }
        if !run.is_empty() {
            run_shape(&run, out);
            run.clear();
        }
        out.push(if c.is_ascii() && !c.is_ascii_control() {
            c
        } else {
            '?'
        });
    }
    if !run.is_empty() {
        run_shape(&run, out);
    }
}

fn run_shape(run: &str, out: &mut String) {
    if let Some(word) = VOCABULARY
        .iter()
        .filter(|w| run.starts_with(**w))
        .max_by_key(|w| w.len())
    {
        out.push_str(word);
        let rest = &run[word.len()..];
        if !rest.is_empty() {
            run_shape(rest, out);
        }
        return;
    }
    let n = run.len();
    let all = |f: fn(&u8) -> bool| run.as_bytes().iter().all(f);
    let any = |f: fn(&u8) -> bool| run.as_bytes().iter().any(f);
    let digits = any(u8::is_ascii_digit);
    let upper = any(u8::is_ascii_uppercase);
    let lower = any(u8::is_ascii_lowercase);
    let class = if all(u8::is_ascii_digit) {
        // Fixed-length numbers are timestamps; shorter ones are counters and pids.
        return out.push_str(&if n >= 12 {
            format!("DIGITS{n}")
        } else {
            "DIGITS".into()
        });
    } else if digits && all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b)) {
        "hex"
    } else if digits && all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(b)) {
        "HEX"
    } else if !digits && n <= 3 {
        return out.push_str(run);
    } else {
        match (digits, upper, lower) {
            (false, true, false) => "ALPHA",
            (false, false, _) => "alpha",
            (false, true, true) => "Alpha",
            (true, true, false) => "ALNUM",
            (true, false, _) => "alnum",
            (true, true, true) => "Alnum",
        }
    };
    out.push_str(&format!("{class}{n}"));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_id_shapes_name_the_generator_format() {
        let cases = [
            (
                "<5F1C2E3D-4A5B-4C6D-8E7F-901A2B3C4D5E@example.com>",
                "<UUID-UPPER@domain>",
            ),
            (
                "3f6c2a1e-8b7d-4c5e-9a0b-1c2d3e4f5a6b@mail.example.org",
                "<UUID-LOWER@host.domain>",
            ),
            (
                "000001d9f2a1$5c3b7e20$1522c460$@example.com",
                "<hex12$hex8$hex8$@domain>",
            ),
            (
                "20230912101500.12345-1-jane.doe@example.com",
                "<DIGITS14.DIGITS-DIGITS-alpha4.doe@domain>",
            ),
            (
                "CAH7mKx3p9Qw2Zr5Tb8Vn4Md7Pw1Hs6Lq9Zr2Tb8Vn4Md7PwQ@mail.gmail.com",
                "<BASE64x49@mail.gmail.com>",
            ),
            (
                "DM6PR11MB41234A5B6C7D8E9F0A1B2C3D4E5F6A7B@DM6PR11MB4123.namprd11.prod.outlook.com",
                "<ALNUM41@ALNUM13.alnum8.prod.outlook.com>",
            ),
            (
                "f3a9c1e2b4d5a6c7e8f9a0b1c2d3e4f5a6b7c8d9.camel@example.com",
                "<hex40.camel@domain>",
            ),
            ("87a2b3c4d5.fsf@example.org", "<hex10.fsf@domain>"),
            ("no-at-sign", "<no-at-alpha4>"),
        ];
        for (id, shape) in cases {
            assert_eq!(message_id_shape(id), shape, "{id}");
        }
    }

    #[test]
    fn same_generator_same_shape() {
        // Two Mutt 2.x ids: '_' and '-' fall at random places.
        assert_eq!(
            message_id_shape("ZQf3kLm9_Xa2pTb7@host.example.org"),
            message_id_shape("Yb7-Tq2mP9zXc4Rk@host.example.org")
        );
    }

    #[test]
    fn boundary_shapes() {
        let cases = [
            (
                "Apple-Mail=_3C9A1F2E-7B4D-4E5F-A6B7-C8D9E0F1A2B3",
                "Apple-Mail=_UUID-UPPER",
            ),
            (
                "----=_NextPart_000_0017_01D9F2A1.5C3DF890",
                "----=_NextPart_DIGITS_DIGITS_HEX8.HEX8",
            ),
            ("000000000000a1b2c30604f1e2d3", "hex28"),
            (
                "===============7350912846120395817==",
                "===============DIGITS19==",
            ),
            ("=-Qx7Lm2Kp9Zr4Tb8Vn1Mc", "=-BASE64x20"),
            ("nextPart4812345.aB3cD5eF7g", "nextPartDIGITS.Alnum10"),
        ];
        for (b, shape) in cases {
            assert_eq!(boundary_shape(b), shape, "{b}");
        }
    }

    #[test]
    fn hostile_input_is_capped_and_ascii() {
        let long = "é".repeat(10_000);
        let shape = message_id_shape(&long);
        assert!(shape.len() <= MAX_INPUT + 2);
        assert!(shape.is_ascii());
    }
}
