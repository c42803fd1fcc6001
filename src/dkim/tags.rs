//! Reads DKIM tag-lists (RFC 6376 3.2) and turns a DKIM-Signature value into a [`Signature`] (RFC 6376 3.5).

use base64::Engine as _;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

use super::Canon;

/// Base64 as DKIM writes it: standard alphabet, padding tolerated but not
/// demanded, because some signers drop it and the bytes are the same either way.
const LENIENT_B64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// The hash half of the `a=` tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HashAlg {
    Sha1,
    Sha256,
}

impl HashAlg {
    /// The name used in `a=` and in the key record's `h=` (RFC 6376 3.6.1).
    pub fn name(self) -> &'static str {
        match self {
            HashAlg::Sha1 => "sha1",
            HashAlg::Sha256 => "sha256",
        }
    }
}

/// The key half of the `a=` tag, and the `k=` tag of a key record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyType {
    Rsa,
    Ed25519,
}

impl KeyType {
    /// The name used in `a=` and `k=`.
    pub fn name(self) -> &'static str {
        match self {
            KeyType::Rsa => "rsa",
            KeyType::Ed25519 => "ed25519",
        }
    }
}

/// One parsed DKIM-Signature header field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    /// Signing domain (SDID), as written.
    pub d: String,
    /// Selector, as written.
    pub s: String,
    /// Algorithm, lowercased: "rsa-sha256", "rsa-sha1", "ed25519-sha256" or anything else.
    pub a: String,
    pub c_header: Canon,
    pub c_body: Canon,
    /// Signed header field names, in `h=` order, whitespace trimmed, case kept.
    pub h: Vec<String>,
    /// Decoded body hash.
    pub bh: Vec<u8>,
    /// The `bh=` value with its whitespace removed, for reports.
    pub bh_b64: String,
    /// Decoded signature.
    pub b: Vec<u8>,
    /// Body length limit: how many canonical body bytes were hashed.
    pub l: Option<u64>,
    /// Signing time, seconds since the epoch.
    pub t: Option<i64>,
    /// Expiry, seconds since the epoch.
    pub x: Option<i64>,
    /// Agent or user identifier (AUID).
    pub i: Option<String>,
    pub v: String,
    /// Every tag in order, names as written, values trimmed of surrounding whitespace.
    pub tags: Vec<(String, String)>,
}

impl Signature {
    /// Splits `a=` into key type and hash, or says why it cannot be verified here.
    ///
    /// rsa-sha1 is verified because old dumps are full of it, although RFC 8301
    /// 3.1 forbids treating it as valid today: callers should flag it, as they
    /// should flag RSA keys under 1024 bits (RFC 8301 3.2), which verify here too.
    pub fn algorithm(&self) -> Result<(KeyType, HashAlg), String> {
        match self.a.as_str() {
            "rsa-sha256" => Ok((KeyType::Rsa, HashAlg::Sha256)),
            "rsa-sha1" => Ok((KeyType::Rsa, HashAlg::Sha1)),
            // RFC 8463 3: the only Ed25519 algorithm DKIM defines.
            "ed25519-sha256" => Ok((KeyType::Ed25519, HashAlg::Sha256)),
            other => Err(format!("unknown signing algorithm a={other}")),
        }
    }

    /// The hash of `a=`, if it names a known one.
    pub fn hash_alg(&self) -> Option<HashAlg> {
        self.algorithm().ok().map(|(_, hash)| hash)
    }

    /// The value of a tag as it appeared, for tags this struct does not model (q=, z=, ...).
    pub fn tag(&self, name: &str) -> Option<&str> {
        self.tags
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Folding whitespace inside a tag-list: WSP plus the line breaks of folds.
pub(crate) fn is_fws(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

/// Splits a tag-list into `(name, value)` pairs in order.
///
/// RFC 6376 3.2: `tag-spec = [FWS] tag-name [FWS] "=" [FWS] tag-value [FWS]`,
/// separated by ";" with an optional trailing ";". Names are case-sensitive and
/// a repeated name makes the whole list invalid. Values keep their inner
/// whitespace; empty segments (";;") are skipped rather than rejected, since
/// they carry no meaning and real signers emit them.
pub fn parse_tag_list(list: &str) -> Result<Vec<(String, String)>, String> {
    let mut tags: Vec<(String, String)> = Vec::new();
    for segment in list.split(';') {
        if segment.chars().all(is_fws) {
            continue;
        }
        let Some((name, value)) = segment.split_once('=') else {
            return Err(format!(
                "tag {:?} has no '=' (RFC 6376 3.2)",
                shorten(segment.trim_matches(is_fws))
            ));
        };
        let name = name.trim_matches(is_fws);
        if !is_tag_name(name) {
            return Err(format!(
                "{:?} is not a valid tag name (RFC 6376 3.2)",
                shorten(name)
            ));
        }
        if tags.iter().any(|(n, _)| n == name) {
            return Err(format!("tag {name}= appears twice (RFC 6376 3.2)"));
        }
        tags.push((name.to_string(), value.trim_matches(is_fws).to_string()));
    }
    Ok(tags)
}

/// RFC 6376 3.2: `tag-name = ALPHA *ALNUMPUNC`, ALNUMPUNC being letters, digits and "_".
fn is_tag_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Keeps error messages short when the input is a megabyte of junk.
fn shorten(s: &str) -> String {
    const MAX: usize = 40;
    if s.chars().count() <= MAX {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(MAX).collect();
        out.push('…');
        out
    }
}

/// Removes every whitespace character: base64 tag values may be folded anywhere (RFC 6376 3.5, b= and bh=).
pub(crate) fn strip_fws(value: &str) -> String {
    value.chars().filter(|c| !c.is_ascii_whitespace()).collect()
}

/// Decodes a base64 tag value, ignoring folding whitespace.
pub(crate) fn decode_b64(tag: &str, value: &str) -> Result<Vec<u8>, String> {
    LENIENT_B64
        .decode(strip_fws(value))
        .map_err(|e| format!("{tag}= is not valid base64: {e}"))
}

/// Standard padded base64, the form signers write.
pub(crate) fn encode_b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Parses the value of a DKIM-Signature header field (the bytes after the colon).
///
/// Lenient about whitespace and folding inside values, strict about what
/// RFC 6376 6.1.1 says makes a signature unusable: a missing required tag
/// (v, a, b, bh, d, h, s), v other than 1, an h= without From, an i= outside d=.
/// Unknown algorithms are accepted here and reported by the verifier.
pub fn parse_signature(raw_value: &str) -> Result<Signature, String> {
    let tags = parse_tag_list(raw_value)?;
    let get = |name: &str| {
        tags.iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    let required = |name: &str| {
        get(name).ok_or_else(|| format!("required tag {name}= is missing (RFC 6376 3.5)"))
    };

    let v = required("v")?.to_string();
    // RFC 6376 3.5: "This tag MUST have the value 1" (anything else is a future version).
    if v != "1" {
        return Err(format!("unsupported version v={v} (RFC 6376 3.5)"));
    }
    let a = strip_fws(required("a")?).to_ascii_lowercase();
    if a.is_empty() {
        return Err("a= is empty (RFC 6376 3.5)".to_string());
    }
    let b = decode_b64("b", required("b")?)?;
    if b.is_empty() {
        return Err("b= is empty: no signature (RFC 6376 3.5)".to_string());
    }
    let bh_b64 = strip_fws(required("bh")?);
    let bh = decode_b64("bh", &bh_b64)?;
    if bh.is_empty() {
        return Err("bh= is empty (RFC 6376 3.5)".to_string());
    }
    let d = strip_fws(required("d")?);
    let s = strip_fws(required("s")?);
    if d.is_empty() || s.is_empty() {
        return Err("d= and s= must not be empty (RFC 6376 3.5)".to_string());
    }
    let h = parse_h(required("h")?)?;
    let (c_header, c_body) = match get("c") {
        Some(c) => parse_c(c)?,
        // RFC 6376 3.5: c= defaults to "simple/simple".
        None => (Canon::Simple, Canon::Simple),
    };
    let l = get("l").map(|l| parse_decimal::<u64>("l", l)).transpose()?;
    let t = get("t").map(|t| parse_decimal::<i64>("t", t)).transpose()?;
    let x = get("x").map(|x| parse_decimal::<i64>("x", x)).transpose()?;
    let i = get("i").map(strip_fws);
    if let Some(i) = &i {
        check_auid(i, &d)?;
    }

    Ok(Signature {
        d,
        s,
        a,
        c_header,
        c_body,
        h,
        bh,
        bh_b64,
        b,
        l,
        t,
        x,
        i,
        v,
        tags,
    })
}

/// RFC 6376 3.5 h=: colon-separated field names; 6.1.1: From MUST be among them.
fn parse_h(value: &str) -> Result<Vec<String>, String> {
    let mut names = Vec::new();
    for name in value.split(':') {
        let name = name.trim_matches(is_fws);
        let valid = !name.is_empty()
            // RFC 5322 2.2: a field name is printable ASCII except ":".
            && name.bytes().all(|b| (33..=126).contains(&b));
        if !valid {
            return Err(format!(
                "h= contains an invalid field name {:?} (RFC 6376 3.5)",
                shorten(name)
            ));
        }
        names.push(name.to_string());
    }
    if !names.iter().any(|n| n.eq_ignore_ascii_case("from")) {
        return Err("h= does not include From (RFC 6376 6.1.1)".to_string());
    }
    Ok(names)
}

/// RFC 6376 3.5 c=: "header[/body]", the body defaulting to simple.
fn parse_c(value: &str) -> Result<(Canon, Canon), String> {
    let value = strip_fws(value).to_ascii_lowercase();
    let (header, body) = match value.split_once('/') {
        Some((header, body)) => (header, body),
        None => (value.as_str(), "simple"),
    };
    let one = |s: &str| match s {
        "simple" => Ok(Canon::Simple),
        "relaxed" => Ok(Canon::Relaxed),
        _ => Err(format!("unknown canonicalization c={value} (RFC 6376 3.4)")),
    };
    Ok((one(header)?, one(body)?))
}

/// RFC 6376 3.5: l=, t= and x= are plain decimal numbers.
fn parse_decimal<T: std::str::FromStr>(tag: &str, value: &str) -> Result<T, String> {
    let digits = strip_fws(value);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "{tag}={} is not a decimal number (RFC 6376 3.5)",
            shorten(&digits)
        ));
    }
    digits
        .parse::<T>()
        .map_err(|_| format!("{tag}={} is out of range", shorten(&digits)))
}

/// RFC 6376 6.1.1: the domain of i= must be d= or a subdomain of it.
fn check_auid(i: &str, d: &str) -> Result<(), String> {
    let Some((_, domain)) = i.rsplit_once('@') else {
        return Err(format!("i={} has no '@' (RFC 6376 3.5)", shorten(i)));
    };
    let domain = domain.trim_end_matches('.').to_ascii_lowercase();
    let d = d.trim_end_matches('.').to_ascii_lowercase();
    if domain == d || domain.ends_with(&format!(".{d}")) {
        Ok(())
    } else {
        Err(format!(
            "i= domain {domain} is not d={d} or a subdomain of it (RFC 6376 6.1.1)"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = " v=1; a=rsa-sha256; c=relaxed/simple; d=example.net; s=brisbane;\r\n\
        \ti=foo@eng.example.net; t=1117574938; x=1118006938; l=200;\r\n\
        \th=from:to:subject:date:keywords:keywords; bh=MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTI=;\r\n\
        \tb=dzdVyOfAKCdLXdJOc9G2q8LoXSlEniSbav+yuU4zGeeruD00lszZ\r\n\
        \t VoG4ZHRNiYzR";

    #[test]
    fn parses_every_tag_of_a_folded_signature() {
        let sig = parse_signature(GOOD).unwrap();
        assert_eq!(sig.v, "1");
        assert_eq!(sig.a, "rsa-sha256");
        assert_eq!(sig.c_header, Canon::Relaxed);
        assert_eq!(sig.c_body, Canon::Simple);
        assert_eq!(sig.d, "example.net");
        assert_eq!(sig.s, "brisbane");
        assert_eq!(sig.i.as_deref(), Some("foo@eng.example.net"));
        assert_eq!(sig.t, Some(1117574938));
        assert_eq!(sig.x, Some(1118006938));
        assert_eq!(sig.l, Some(200));
        assert_eq!(
            sig.h,
            ["from", "to", "subject", "date", "keywords", "keywords"]
        );
        assert_eq!(sig.bh, b"12345678901234567890123456789012");
        assert_eq!(sig.bh_b64, "MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTI=");
        assert_eq!(sig.b.len(), 48);
        assert_eq!(sig.tags.len(), 12);
        assert_eq!(sig.tags[0], ("v".to_string(), "1".to_string()));
        assert_eq!(sig.tag("l"), Some("200"));
        assert_eq!(sig.algorithm(), Ok((KeyType::Rsa, HashAlg::Sha256)));
    }

    #[test]
    fn defaults_and_spacing_around_equals_and_colons() {
        let sig = parse_signature(
            "v = 1 ;a=RSA-SHA1;d=x.example;s=sel;h=From : Subject\r\n :Date;bh=AAAA;b=AAAA;",
        )
        .unwrap();
        assert_eq!((sig.c_header, sig.c_body), (Canon::Simple, Canon::Simple));
        assert_eq!(sig.a, "rsa-sha1");
        assert_eq!(sig.h, ["From", "Subject", "Date"]);
        assert_eq!(sig.l, None);
        let relaxed_header_only =
            parse_signature("v=1;a=rsa-sha256;c=relaxed;d=x;s=y;h=from;bh=AAAA;b=AAAA").unwrap();
        assert_eq!(
            (relaxed_header_only.c_header, relaxed_header_only.c_body),
            (Canon::Relaxed, Canon::Simple)
        );
    }

    #[test]
    fn unknown_algorithm_parses_but_is_reported() {
        let sig = parse_signature("v=1;a=rsa-sha512;d=x;s=y;h=from;bh=AAAA;b=AAAA").unwrap();
        assert!(sig.algorithm().is_err());
        assert_eq!(sig.hash_alg(), None);
    }

    #[test]
    fn missing_required_tags_are_errors() {
        let full = "v=1;a=rsa-sha256;d=x;s=y;h=from;bh=AAAA;b=AAAA";
        for tag in ["v", "a", "b", "bh", "d", "h", "s"] {
            let without: Vec<&str> = full
                .split(';')
                .filter(|t| !t.starts_with(&format!("{tag}=")))
                .collect();
            let err = parse_signature(&without.join(";")).unwrap_err();
            assert!(err.contains(&format!("{tag}=")), "{tag}: {err}");
        }
    }

    #[test]
    fn invalid_lists_are_errors() {
        let cases = [
            "v=1;a=rsa-sha256;d=x;s=y;h=from;bh=AAAA;b=AAAA;d=z", // duplicate
            "v=1;a=rsa-sha256;d=x;s=y;h=from;bh=AAAA;b=AAAA;junk", // no '='
            "v=1;a=rsa-sha256;d=x;s=y;h=from;bh=AAAA;b=AAAA;9x=1", // bad name
            "v=2;a=rsa-sha256;d=x;s=y;h=from;bh=AAAA;b=AAAA",     // version
            "v=1;a=rsa-sha256;d=x;s=y;h=to:subject;bh=AAAA;b=AAAA", // no From
            "v=1;a=rsa-sha256;d=x;s=y;h=from::to;bh=AAAA;b=AAAA", // empty name
            "v=1;a=rsa-sha256;d=x;s=y;h=from;bh=A!AA;b=AAAA",     // base64
            "v=1;a=rsa-sha256;d=x;s=y;h=from;bh=AAAA;b=",         // empty b
            "v=1;a=rsa-sha256;d=x;s=y;h=from;bh=AAAA;b=AAAA;l=-1", // l
            "v=1;a=rsa-sha256;d=x;s=y;h=from;bh=AAAA;b=AAAA;l=99999999999999999999999",
            "v=1;a=rsa-sha256;d=x;s=y;h=from;bh=AAAA;b=AAAA;c=fancy",
            "v=1;a=rsa-sha256;d=x.example;s=y;h=from;bh=AAAA;b=AAAA;i=@evil.example",
            "v=1;a=rsa-sha256;d=x.example;s=y;h=from;bh=AAAA;b=AAAA;i=nobody",
            "",
            ";;;",
            "=",
            "\u{0}\u{ffff}=\u{1}",
        ];
        for case in cases {
            assert!(parse_signature(case).is_err(), "accepted {case:?}");
        }
    }

    #[test]
    fn auid_may_be_a_subdomain() {
        let sig = parse_signature(
            "v=1;a=rsa-sha256;d=Example.COM;s=y;h=from;bh=AAAA;b=AAAA;i=joe@mail.example.com",
        );
        assert!(sig.is_ok());
        let lookalike = parse_signature(
            "v=1;a=rsa-sha256;d=example.com;s=y;h=from;bh=AAAA;b=AAAA;i=joe@badexample.com",
        );
        assert!(lookalike.is_err());
    }

    #[test]
    fn garbage_never_panics() {
        // A small deterministic generator stands in for a fuzzer: the alphabet
        // is biased towards the characters the parser branches on.
        let alphabet: Vec<char> = "v=;a:b h\r\n\t=;bhdsl1x-/@.AZaz09+\u{e9}\u{0}"
            .chars()
            .collect();
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..4000 {
            let mut s = String::new();
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let len = (state % 80) as usize;
            for _ in 0..len {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                s.push(alphabet[(state % alphabet.len() as u64) as usize]);
            }
            let _ = parse_signature(&s);
            let _ = parse_signature(&format!("v=1;a=rsa-sha256;d=x;s=y;h=from;bh=AAAA;{s}"));
        }
    }
}
