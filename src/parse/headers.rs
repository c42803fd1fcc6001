//! Header fields as written: names with their case, raw values, and what is wrong with them.
//!
//! mail-parser decodes and normalises header values; forensic checks need the
//! original text (to quote it as evidence) and need to see what a lenient
//! parser forgives: broken encoded-words, 8-bit bytes where RFC 5322 allows
//! only ASCII.

use mail_parser::Message;
use mail_parser::decoders::base64::base64_decode;
use serde::Serialize;

/// A header field as written: name with its case, value unfolded and trimmed.
#[derive(Debug, Clone)]
pub struct RawField {
    pub name: String,
    /// Unfolded and trimmed: what evidence quotes.
    pub value: String,
    /// Every byte after the colon up to (not including) the final line break,
    /// folds included: what DKIM canonicalisation needs.
    pub raw: String,
}

impl RawField {
    pub fn line(&self) -> String {
        format!("{}: {}", self.name, self.value)
    }

    pub fn is(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name)
    }
}

/// The top-level header fields as written, in order, one per mail-parser header.
pub fn raw_fields(message: &Message<'_>) -> Vec<RawField> {
    let raw = message.raw_message();
    message
        .headers()
        .iter()
        .map(|h| {
            let name = slice(raw, h.offset_field as usize, h.offset_start as usize);
            let name = name.strip_suffix(b":").unwrap_or(name);
            let value = slice(raw, h.offset_start as usize, h.offset_end as usize);
            let exact = value.strip_suffix(b"\n").unwrap_or(value);
            let exact = exact.strip_suffix(b"\r").unwrap_or(exact);
            RawField {
                name: lossy(name.trim_ascii()).into_owned(),
                value: unfold(value),
                raw: lossy(exact).into_owned(),
            }
        })
        .collect()
}

pub fn slice(raw: &[u8], start: usize, end: usize) -> &[u8] {
    raw.get(start..end.min(raw.len())).unwrap_or_default()
}

/// `String::from_utf8_lossy`, valid text checked by `str::from_utf8` first:
/// it checks ASCII a word at a time, the lossy decoder a byte at a time, and
/// nearly every header is valid.
fn lossy(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

/// RFC 5322 2.2.3: unfolding removes the CRLF before folding whitespace.
fn unfold(value: &[u8]) -> String {
    let text = lossy(value);
    let mut out = String::with_capacity(text.len());
    for line in text.split('\n') {
        out.push_str(line.strip_suffix('\r').unwrap_or(line));
    }
    // Trimmed in place: the value nearly always starts with a space.
    out.truncate(out.trim_end().len());
    out.drain(..out.len() - out.trim_start().len());
    out
}

/// Something a header field gets wrong, with the line that shows it.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct HeaderProblem {
    /// `encoded-word` or `non-ascii`.
    #[serde(deserialize_with = "crate::checkpoint::fields::static_str")]
    pub kind: crate::checkpoint::fields::Label,
    pub line: String,
    pub detail: String,
}

/// Fields whose syntax is ASCII only, even under RFC 6532 (which lets UTF-8
/// into display names and unstructured text, not into dates, ids or MIME
/// parameters of the transfer).
const ASCII_ONLY: &[&str] = &[
    "date",
    "message-id",
    "in-reply-to",
    "references",
    "mime-version",
    "content-transfer-encoding",
    "dkim-signature",
    "return-path",
];

/// Fields where RFC 2047 encoded-words may appear (unstructured text and phrases).
const ENCODED_WORD_FIELDS: &[&str] = &[
    "subject", "from", "to", "cc", "reply-to", "sender", "comments", "keywords",
];

pub fn header_problems(fields: &[RawField]) -> Vec<HeaderProblem> {
    let mut problems = Vec::new();
    for field in fields {
        let lower = field.name.to_ascii_lowercase();
        if ASCII_ONLY.contains(&lower.as_str()) && !field.value.is_ascii() {
            problems.push(HeaderProblem {
                kind: "non-ascii",
                line: field.line(),
                detail: format!(
                    "{} holds non-ASCII bytes; its syntax allows ASCII only",
                    field.name
                ),
            });
        }
        if ENCODED_WORD_FIELDS.contains(&lower.as_str()) {
            for word in encoded_words(&field.value) {
                if let Err(why) = check_encoded_word(word) {
                    problems.push(HeaderProblem {
                        kind: "encoded-word",
                        line: field.line(),
                        detail: format!("invalid encoded-word {word}: {why}"),
                    });
                }
            }
        }
    }
    problems
}

/// `=?charset?enc?text?=` tokens (RFC 2047 2), found by their delimiters.
fn encoded_words(value: &str) -> Vec<&str> {
    let mut words = Vec::new();
    let mut rest = value;
    while let Some(start) = rest.find("=?") {
        let after = &rest[start + 2..];
        // charset ? encoding ? text ?=
        let Some(q1) = after.find('?') else { break };
        let Some(q2) = after[q1 + 1..].find('?').map(|i| i + q1 + 1) else {
            break;
        };
        let Some(end) = after[q2 + 1..].find("?=").map(|i| i + q2 + 1) else {
            break;
        };
        words.push(&rest[start..start + 2 + end + 2]);
        rest = &after[end + 2..];
    }
    words
}

fn check_encoded_word(word: &str) -> Result<(), String> {
    let inner = &word[2..word.len() - 2];
    let mut parts = inner.splitn(3, '?');
    let charset = parts.next().unwrap_or_default();
    let encoding = parts.next().unwrap_or_default();
    let text = parts.next().unwrap_or_default();
    if charset.is_empty() || charset.contains(char::is_whitespace) {
        return Err("no charset".into());
    }
    if text.contains(char::is_whitespace) {
        return Err("whitespace inside an encoded-word (RFC 2047 5)".into());
    }
    match encoding {
        "B" | "b" => {
            let valid_chars = text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='));
            // Padding is often dropped by real encoders; only bad characters or an
            // impossible length (one leftover character) are errors.
            if !valid_chars || text.trim_end_matches('=').len() % 4 == 1 {
                return Err("not valid base64".into());
            }
            if base64_decode(text.as_bytes()).is_none() && !text.is_empty() {
                return Err("base64 does not decode".into());
            }
            Ok(())
        }
        "Q" | "q" => {
            let bytes = text.as_bytes();
            let mut i = 0;
            while i < bytes.len() {
                if bytes[i] == b'=' {
                    let hex = bytes.get(i + 1..i + 3).unwrap_or_default();
                    if hex.len() != 2 || !hex.iter().all(u8::is_ascii_hexdigit) {
                        return Err("'=' not followed by two hex digits".into());
                    }
                    i += 3;
                } else if bytes[i] == b'?' || !bytes[i].is_ascii_graphic() {
                    return Err("character not allowed in Q encoding".into());
                } else {
                    i += 1;
                }
            }
            Ok(())
        }
        other => Err(format!(
            "unknown encoding '{other}' (RFC 2047 allows B and Q)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(name: &str, value: &str) -> RawField {
        RawField {
            name: name.into(),
            value: value.into(),
            raw: format!(" {value}"),
        }
    }

    #[test]
    fn values_are_unfolded_and_trimmed() {
        let cases: [(&[u8], &str); 6] = [
            (b" Mon, 1 Jan 2017\r\n", "Mon, 1 Jan 2017"),
            (b" a\r\n\tb\r\n c \r\n", "a\tb c"),
            (b" a\n b\n", "a b"),
            (b"  \r\n \r\n", ""),
            (b"x", "x"),
            (b" caf\xe9\xff \r\n", "caf\u{fffd}\u{fffd}"),
        ];
        for (value, want) in cases {
            assert_eq!(unfold(value), want, "{value:?}");
            assert_eq!(lossy(value), String::from_utf8_lossy(value));
        }
    }

    #[test]
    fn valid_encoded_words_pass() {
        let fields = [
            field(
                "Subject",
                "=?UTF-8?B?UsOpdW5pb24gYnVkZ2V0?= =?utf-8?q?R=C3=A9union_?=",
            ),
            field("From", "=?iso-8859-1?Q?Ren=E9?= <rene@example.fr>"),
            // Unpadded base64, as some encoders write it.
            field("Subject", "=?UTF-8?B?UsOpdW5pb24?="),
            field("Subject", "price =? unknown"),
        ];
        assert!(
            header_problems(&fields).is_empty(),
            "{:?}",
            header_problems(&fields)
        );
    }

    #[test]
    fn broken_encoded_words_are_reported() {
        let problems = header_problems(&[field("Subject", "=?UTF-8?X?abc?=")]);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].kind, "encoded-word");
        assert!(header_problems(&[field("Subject", "=?UTF-8?B?@@@@?=")]).len() == 1);
        assert!(header_problems(&[field("Subject", "=?UTF-8?Q?a=ZZ?=")]).len() == 1);
    }

    #[test]
    fn non_ascii_in_ascii_only_fields() {
        let problems = header_problems(&[field("Date", "Tue, 2 Mai 2017 09:14:01 +0200 é")]);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].kind, "non-ascii");
        // RFC 6532: UTF-8 in a Subject is allowed.
        assert!(header_problems(&[field("Subject", "Réunion")]).is_empty());
    }
}
