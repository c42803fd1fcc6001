//! The content of a message as its author wrote it, without what delivery changes.
//!
//! Two copies of one message (the sender's Sent copy, the recipient's Inbox
//! copy, a re-delivery) differ in Received, Delivered-To, folding, line
//! endings and trailing blank lines; they must not differ in originator
//! fields, body text or attachments. `content_sha256` hashes exactly that,
//! so `message-id-conflict` can tell a copy from an altered copy.

use mail_parser::{Address, Message};
use sha2::{Digest, Sha256};

use crate::parse::date::{parse_date, rfc3339};
use crate::parse::headers::RawField;

/// The comparable content of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Normalized {
    /// (name, normalised value) for From, To, Cc, Subject, Date, in that order.
    pub fields: Vec<(&'static str, String)>,
    /// Body text lines: line endings unified, trailing whitespace and trailing
    /// blank lines removed, runs of blank lines collapsed.
    pub body: Vec<String>,
    /// SHA-256 of each attachment, in order.
    pub attachments: Vec<String>,
}

impl Normalized {
    pub fn digest(&self) -> String {
        digest(&self.fields, &self.body, &self.attachments)
    }
}

/// `content_sha256`: the fields, the body lines and the attachment hashes.
pub fn digest<S: AsRef<str>>(
    fields: &[(&'static str, String)],
    body: &[S],
    attachments: &[String],
) -> String {
    let mut h = Sha256::new();
    for (name, value) in fields {
        h.update(name.as_bytes());
        h.update(b"\0");
        h.update(value.as_bytes());
        h.update(b"\n");
    }
    h.update(b"\0body\n");
    for line in body {
        h.update(line.as_ref().as_bytes());
        h.update(b"\n");
    }
    h.update(b"\0attachments\n");
    for a in attachments {
        h.update(a.as_bytes());
        h.update(b"\n");
    }
    crate::parse::email::hex(&h.finalize())
}

/// Whitespace runs squeezed to one space, ends trimmed.
pub fn squeeze(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

pub fn normalize(
    message: &Message<'_>,
    fields: &[RawField],
    attachments: Vec<String>,
) -> Normalized {
    Normalized {
        fields: normalized_fields(message, fields),
        body: body_lines(&body_text(message)),
        attachments,
    }
}

/// (name, normalised value) for From, To, Cc, Subject, Date.
pub fn normalized_fields(
    message: &Message<'_>,
    fields: &[RawField],
) -> Vec<(&'static str, String)> {
    // Display names are left out: re-encoding (encoded-words, quoting) changes
    // them between copies; the addresses are what identifies a party.
    let addresses = |address: Option<&Address<'_>>| {
        let mut list: Vec<String> = address
            .map(|a| {
                a.iter()
                    .filter_map(|m| m.address())
                    .map(|m| m.trim().to_ascii_lowercase())
                    .collect()
            })
            .unwrap_or_default();
        list.sort();
        list.join(", ")
    };
    let date = fields
        .iter()
        .find(|f| f.is("date"))
        .map(
            |f| match parse_date(&f.value).ok().and_then(|d| d.instant()) {
                Some(instant) => rfc3339(&instant),
                None => squeeze(&f.value),
            },
        )
        .unwrap_or_default();
    let subject = message.subject().map(squeeze).unwrap_or_default();
    vec![
        ("from", addresses(message.from())),
        ("to", addresses(message.to())),
        ("cc", addresses(message.cc())),
        ("subject", subject),
        ("date", date),
    ]
}

/// The text parts of the message, one after another.
pub fn body_text(message: &Message<'_>) -> String {
    // body_text converts HTML to text when a message has no text/plain part.
    let mut text = String::new();
    for i in 0..message.text_body_count() {
        if let Some(part) = message.body_text(i) {
            text.push_str(&part);
            text.push('\n');
        }
    }
    text
}

/// Body text lines: trailing whitespace and trailing blank lines removed,
/// runs of blank lines collapsed; borrowed from `text` (no copy per line).
pub fn body_line_refs(text: &str) -> Vec<&str> {
    let mut lines: Vec<&str> = Vec::new();
    // The line ends found by the memchr crate's vectorised search: `split`'s
    // own search was a tenth of a body's word splitting.
    let mut start = 0;
    let ends = memchr::memchr_iter(b'\n', text.as_bytes()).chain(std::iter::once(text.len()));
    for end in ends {
        let line = &text[start..end];
        start = end + 1;
        let line = line.trim_end();
        if line.is_empty() && lines.last().is_none_or(|l| l.is_empty()) {
            continue;
        }
        lines.push(line);
    }
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    lines
}

pub fn body_lines(text: &str) -> Vec<String> {
    body_line_refs(text)
        .into_iter()
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_normalisation_ignores_transport_whitespace() {
        assert_eq!(
            body_lines("a  \r\nb\r\n\r\n\r\nc\r\n\r\n"),
            ["a", "b", "", "c"]
        );
        assert_eq!(
            body_lines("a\nb\n\nc\n"),
            body_lines("a \r\nb\r\n\r\n\r\nc")
        );
    }
}
