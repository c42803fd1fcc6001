//! Cheap structural pre-scan of a message before mail-parser sees it: MIME depth, parts, header fields.
//!
//! mail-parser builds its whole tree at once, with a few hundred bytes per
//! header field and per part, and one nested `Message` per message/rfc822
//! level, dropped recursively. Measured on mail-parser 0.11 (docs/performance.md,
//! "Hostile input bounds"): 60 MB of tiny header fields cost 5.7 GB and 30 s,
//! 60 MB of empty parts 2.3 GB, and 200,000 nested message/rfc822 levels
//! overflow a worker's stack, which aborts the whole scan (a stack overflow
//! cannot be caught). This module walks the same structure without building
//! it, in one pass with memchr/memmem and a bounded stack, and finds the
//! longest prefix within the limits; only that prefix is parsed, and the item
//! says which limit was hit. The walk follows mail-parser's own rules where
//! they decide the shape (a boundary matches wherever `--boundary` occurs, a
//! part without Content-Type in multipart/digest is a message, an encoded
//! message/rfc822 part is decoded and parsed up to three levels), so its
//! counts are at least mail-parser's.

use memchr::{memchr, memmem};

use mail_parser::decoders::base64::base64_decode;
use mail_parser::decoders::quoted_printable::quoted_printable_decode;
use mail_parser::{HeaderName, MessageParser, MimeHeaders};

use crate::config::Limits;

/// mail-parser decodes and parses an encoded message/rfc822 part this many levels deep.
const ENCODED_MESSAGE_LEVELS: usize = 3;

/// Where a message must be cut to stay within the limits, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cut {
    /// Bytes before this offset are parsed; the rest is hashed only.
    pub at: usize,
    /// Which limit was hit, with its value.
    pub reason: String,
}

/// The prefix of `raw` that mail-parser may be given, and the cut when there is one.
pub fn within_limits<'a>(raw: &'a [u8], limits: &Limits) -> (&'a [u8], Option<Cut>) {
    match Walk::new(limits).message(raw, 0) {
        Ok(()) => (raw, None),
        Err(cut) => (raw.get(..cut.at).unwrap_or(raw), Some(cut)),
    }
}

/// One open level of the MIME tree.
enum Frame {
    /// A multipart part: its boundary, and whether it is multipart/digest.
    Multipart { boundary: Vec<u8>, digest: bool },
    /// A message/rfc822 part: its own header block follows.
    Message,
}

/// What a header block says the part is.
enum Shape {
    Multipart { boundary: Vec<u8>, digest: bool },
    Message,
    EncodedMessage { base64: bool },
    Leaf,
}

/// Counters shared by a message and the encoded messages inside it.
struct Walk<'l> {
    limits: &'l Limits,
    parts: usize,
    fields: usize,
    encoded_levels: usize,
}

impl<'l> Walk<'l> {
    fn new(limits: &'l Limits) -> Self {
        Walk {
            limits,
            parts: 0,
            fields: 0,
            encoded_levels: 0,
        }
    }

    /// Walks one message whose outermost level sits `depth` levels deep.
    fn message(&mut self, raw: &[u8], depth: usize) -> Result<(), Cut> {
        let mut stack: Vec<Frame> = Vec::new();
        let mut pos = 0;
        // Where the part begins: its delimiter line, or its header block.
        let mut start = 0;
        'part: loop {
            if pos >= raw.len() {
                return Ok(());
            }
            let block = pos;
            self.parts += 1;
            if self.parts > self.limits.max_parts {
                return Err(Cut {
                    at: start,
                    reason: format!("more than {} MIME parts (max_parts)", self.limits.max_parts),
                });
            }
            let body = self.header_block(raw, block)?;
            let in_digest = matches!(stack.last(), Some(Frame::Multipart { digest: true, .. }));
            let shape = shape(raw.get(block..body).unwrap_or_default(), in_digest);
            let opens = matches!(shape, Shape::Multipart { .. } | Shape::Message);
            if opens && depth + stack.len() + 1 > self.limits.max_mime_depth {
                return Err(Cut {
                    at: start,
                    reason: format!(
                        "MIME parts nested more than {} levels deep (max_mime_depth)",
                        self.limits.max_mime_depth
                    ),
                });
            }
            pos = body;
            match shape {
                Shape::Multipart { boundary, digest } => {
                    stack.push(Frame::Multipart { boundary, digest })
                }
                Shape::Message => {
                    stack.push(Frame::Message);
                    start = pos;
                    continue 'part;
                }
                Shape::EncodedMessage { base64 } => {
                    let end = next_boundary(raw, pos, &stack).map_or(raw.len(), |(at, _)| at);
                    self.encoded(
                        raw.get(pos..end).unwrap_or_default(),
                        base64,
                        depth + stack.len(),
                    )
                    .map_err(|inner| Cut {
                        at: start,
                        reason: format!(
                            "in a message/rfc822 part with a transfer encoding: {}",
                            inner.reason
                        ),
                    })?;
                }
                Shape::Leaf => {}
            }
            // Seek the next delimiter of the innermost multipart; a closing
            // one ends that multipart and the search goes on in its parent.
            loop {
                let Some((at, level)) = next_boundary(raw, pos, &stack) else {
                    return Ok(());
                };
                let Some(Frame::Multipart { boundary, .. }) = stack.get(level) else {
                    return Ok(());
                };
                let after = at + 2 + boundary.len();
                let closing = raw.get(after..).is_some_and(|r| r.starts_with(b"--"));
                if closing {
                    stack.truncate(level);
                    pos = after + 2;
                } else {
                    stack.truncate(level + 1);
                    start = at;
                    pos = memchr(b'\n', raw.get(after..).unwrap_or_default())
                        .map_or(raw.len(), |i| after + i + 1);
                    continue 'part;
                }
            }
        }
    }

    /// Checks one header block starting at `start`; returns where its body starts.
    fn header_block(&mut self, raw: &[u8], start: usize) -> Result<usize, Cut> {
        let max_bytes = self.limits.max_header_bytes;
        let mut field: Option<usize> = None;
        let mut pos = start;
        while pos < raw.len() {
            let rest = raw.get(pos..).unwrap_or_default();
            let end = memchr(b'\n', rest).map_or(raw.len(), |i| pos + i + 1);
            let line = raw.get(pos..end).unwrap_or_default();
            let content = line.strip_suffix(b"\n").unwrap_or(line);
            let content = content.strip_suffix(b"\r").unwrap_or(content);
            if content.is_empty() {
                return Ok(end);
            }
            if !matches!(line.first(), Some(b' ' | b'\t')) || field.is_none() {
                self.fields += 1;
                if self.fields > self.limits.max_header_fields {
                    return Err(Cut {
                        at: pos,
                        reason: format!(
                            "more than {} header fields (max_header_fields)",
                            self.limits.max_header_fields
                        ),
                    });
                }
                field = Some(pos);
            }
            if let Some(field) = field.filter(|&f| end - f > max_bytes) {
                return Err(Cut {
                    at: field,
                    reason: format!(
                        "a header field longer than {max_bytes} bytes (max_header_bytes)"
                    ),
                });
            }
            pos = end;
        }
        Ok(raw.len())
    }

    /// Walks an encoded message/rfc822 part the way mail-parser does: decoded, then parsed.
    fn encoded(&mut self, body: &[u8], base64: bool, depth: usize) -> Result<(), Cut> {
        if self.encoded_levels >= ENCODED_MESSAGE_LEVELS {
            return Ok(()); // mail-parser keeps it as a binary part
        }
        let decoded = if base64 {
            base64_decode(body)
        } else {
            quoted_printable_decode(body)
        };
        let Some(decoded) = decoded else {
            return Ok(());
        };
        self.encoded_levels += 1;
        let result = self.message(&decoded, depth + 1);
        self.encoded_levels -= 1;
        result
    }
}

/// The next delimiter (`--boundary`) of the innermost multipart at or after
/// `pos`: its offset and the stack level of its multipart.
fn next_boundary(raw: &[u8], pos: usize, stack: &[Frame]) -> Option<(usize, usize)> {
    let level = stack
        .iter()
        .rposition(|f| matches!(f, Frame::Multipart { .. }))?;
    let Frame::Multipart { boundary, .. } = stack.get(level)? else {
        return None;
    };
    let mut needle = Vec::with_capacity(boundary.len() + 2);
    needle.extend_from_slice(b"--");
    needle.extend_from_slice(boundary);
    let at = memmem::find(raw.get(pos..)?, &needle)?;
    Some((pos + at, level))
}

/// Reads the Content-Type and Content-Transfer-Encoding of one header block
/// with mail-parser itself, so that boundaries are understood as it understands them.
fn shape(block: &[u8], in_digest: bool) -> Shape {
    // Only the two fields the shape depends on are parsed, with the parsers
    // mail-parser's default uses for them; every other field is skipped
    // (mail-parser ends every field at the same line break, whichever parser
    // reads it). Parsing the whole block (Received chains, DKIM signatures,
    // addresses) cost as much again as the message's own parse.
    static PARSER: std::sync::LazyLock<MessageParser> = std::sync::LazyLock::new(|| {
        MessageParser::new()
            .header_content_type(HeaderName::ContentType)
            .header_text(HeaderName::ContentTransferEncoding)
            .default_header_ignore()
    });
    shape_with(&PARSER, block, in_digest)
}

fn shape_with(parser: &MessageParser, block: &[u8], in_digest: bool) -> Shape {
    let Some(headers) = parser.parse_headers(block) else {
        return if in_digest {
            Shape::Message
        } else {
            Shape::Leaf
        };
    };
    let part = headers.root_part();
    let encoding = part
        .content_transfer_encoding()
        .map(|e| e.trim().to_ascii_lowercase());
    let Some(ct) = part.content_type() else {
        return if in_digest {
            Shape::Message
        } else {
            Shape::Leaf
        };
    };
    let ctype = ct.ctype().to_ascii_lowercase();
    let subtype = ct.subtype().map(str::to_ascii_lowercase);
    if ctype == "multipart" {
        // An empty boundary is not one to mail-parser: the part is text.
        if let Some(boundary) = ct.attribute("boundary").filter(|b| !b.is_empty()) {
            return Shape::Multipart {
                boundary: boundary.as_bytes().to_vec(),
                digest: subtype.as_deref() == Some("digest"),
            };
        }
        return Shape::Leaf;
    }
    if ctype == "message" && matches!(subtype.as_deref(), Some("rfc822" | "global")) {
        return match encoding.as_deref() {
            Some("base64") => Shape::EncodedMessage { base64: true },
            Some("quoted-printable") => Shape::EncodedMessage { base64: false },
            _ => Shape::Message,
        };
    }
    Shape::Leaf
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> Limits {
        Limits::default()
    }

    fn describe(shape: Shape) -> String {
        match shape {
            Shape::Multipart { boundary, digest } => {
                format!("multipart {} {digest}", String::from_utf8_lossy(&boundary))
            }
            Shape::Message => "message".into(),
            Shape::EncodedMessage { base64 } => format!("encoded {base64}"),
            Shape::Leaf => "leaf".into(),
        }
    }

    #[test]
    fn the_two_field_parser_sees_the_shape_the_full_parser_sees() {
        let blocks: &[&str] = &[
            "Content-Type: multipart/mixed; boundary=\"b1\"\n\n",
            "Received: from a\n by b; Content-Type: multipart/mixed; boundary=x\n\tContent-Type: text/plain\nContent-Type: multipart/alternative;\n boundary=\"real\"\n\n",
            "From: \"Quote\n continued\" <a@b>\nDate: Mon, 1 Jan\n 2024 00:00 +0000\ncontent-type : Message/RFC822\nContent-Transfer-Encoding:  BASE64 \n\n",
            "Content-Type: multipart/digest; boundary=d\nContent-Type: text/plain\n\n",
            "no colon on this line\nContent-Type: message/global\nContent-Transfer-Encoding: quoted-printable\n\n",
            "X-Other: 1\n\n",
            "Subject: =?utf-8?q?Content-Type=3A_multipart?=\nMessage-ID: <a@b>\n\n",
            "Content-Type: multipart/mixed; boundary=\"\"\n\n",
            "",
        ];
        for block in blocks {
            for in_digest in [false, true] {
                assert_eq!(
                    describe(shape(block.as_bytes(), in_digest)),
                    describe(shape_with(
                        &MessageParser::default(),
                        block.as_bytes(),
                        in_digest
                    )),
                    "{block:?} in_digest={in_digest}"
                );
            }
        }
    }

    fn nested_multipart(levels: usize) -> Vec<u8> {
        let mut m = b"From: a@b.c\nContent-Type: multipart/mixed; boundary=\"b0\"\n\n".to_vec();
        for i in 1..levels {
            m.extend(
                format!(
                    "--b{}\nContent-Type: multipart/mixed; boundary=\"b{i}\"\n\n",
                    i - 1
                )
                .bytes(),
            );
        }
        m.extend(format!("--b{}\nContent-Type: text/plain\n\ndeep\n", levels - 1).bytes());
        for i in (0..levels).rev() {
            m.extend(format!("--b{i}--\n").bytes());
        }
        m
    }

    fn nested_messages(levels: usize) -> Vec<u8> {
        let mut m = Vec::new();
        for i in 0..levels {
            m.extend(format!("From: a{i}@b.c\nContent-Type: message/rfc822\n\n").bytes());
        }
        m.extend_from_slice(b"From: z@b.c\n\nbottom\n");
        m
    }

    #[test]
    fn an_ordinary_message_is_whole() {
        let m = nested_multipart(3);
        assert_eq!(within_limits(&m, &limits()), (&m[..], None));
        let plain = b"From: a@b.c\nSubject: x\n\nbody\n--not a boundary\n";
        assert!(within_limits(plain, &limits()).1.is_none());
    }

    #[test]
    fn deep_multipart_is_cut_at_the_level_past_the_limit() {
        let lim = Limits {
            max_mime_depth: 10,
            ..limits()
        };
        assert!(within_limits(&nested_multipart(10), &lim).1.is_none());
        let m = nested_multipart(200);
        let (prefix, cut) = within_limits(&m, &lim);
        let cut = cut.unwrap();
        assert!(cut.reason.contains("max_mime_depth"), "{}", cut.reason);
        // The cut is at the delimiter of the 11th multipart.
        assert!(m[cut.at..].starts_with(b"--b9\nContent-Type: multipart/mixed; boundary=\"b10\""));
        assert_eq!(prefix.len(), cut.at);
    }

    #[test]
    fn siblings_do_not_add_depth() {
        let mut m = b"From: a@b.c\nContent-Type: multipart/mixed; boundary=x\n\n".to_vec();
        for _ in 0..100 {
            m.extend_from_slice(
                b"--x\nContent-Type: multipart/alternative; boundary=y\n\n--y\n\nt\n--y--\n",
            );
        }
        m.extend_from_slice(b"--x--\n");
        let lim = Limits {
            max_mime_depth: 2,
            ..limits()
        };
        assert!(within_limits(&m, &lim).1.is_none());
    }

    #[test]
    fn nested_messages_count_as_depth() {
        let m = nested_messages(200_000);
        let (prefix, cut) = within_limits(&m, &limits());
        let cut = cut.unwrap();
        assert!(cut.reason.contains("max_mime_depth"));
        assert!(prefix.len() < 5000);
    }

    #[test]
    fn digest_parts_without_content_type_are_messages() {
        let mut m = b"From: a@b.c\nContent-Type: multipart/digest; boundary=d\n\n--d\n\n".to_vec();
        m.extend(nested_messages(100));
        m.extend_from_slice(b"--d--\n");
        let lim = Limits {
            max_mime_depth: 50,
            ..limits()
        };
        assert!(
            within_limits(&m, &lim)
                .1
                .unwrap()
                .reason
                .contains("max_mime_depth")
        );
    }

    #[test]
    fn encoded_nested_messages_are_walked() {
        use base64::Engine;
        let inner = base64::engine::general_purpose::STANDARD.encode(nested_messages(500));
        let m = format!(
            "From: a@b.c\nContent-Type: multipart/mixed; boundary=x\n\n--x\nContent-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n{inner}\n--x--\n"
        );
        let (_, cut) = within_limits(m.as_bytes(), &limits());
        let cut = cut.unwrap();
        assert!(cut.reason.contains("transfer encoding"), "{}", cut.reason);
        assert!(m.as_bytes()[cut.at..].starts_with(b"--x\nContent-Type: message/rfc822"));
    }

    #[test]
    fn too_many_parts() {
        let mut m = b"From: a@b.c\nContent-Type: multipart/mixed; boundary=b\n\n".to_vec();
        for i in 0..100 {
            m.extend(format!("--b\n\n{i}\n").bytes());
        }
        m.extend_from_slice(b"--b--\n");
        let lim = Limits {
            max_parts: 50,
            ..limits()
        };
        let (prefix, cut) = within_limits(&m, &lim);
        assert!(cut.unwrap().reason.contains("more than 50 MIME parts"));
        // The root and 49 parts are kept.
        assert_eq!(prefix.windows(4).filter(|w| w == b"--b\n").count(), 49);
    }

    #[test]
    fn header_fields_counted_and_measured() {
        let mut m = b"From: a@b.c\n".to_vec();
        for i in 0..20 {
            m.extend(format!("X-{i}: v\n").bytes());
        }
        m.extend_from_slice(b"\nbody\n");
        let lim = Limits {
            max_header_fields: 10,
            ..limits()
        };
        let (prefix, cut) = within_limits(&m, &lim);
        assert!(cut.unwrap().reason.contains("max_header_fields"));
        assert!(prefix.ends_with(b"X-8: v\n"));

        let long = format!(
            "From: a@b.c\nSubject: {}\n\tfolded\nTo: c@d.e\n\nbody\n",
            "x".repeat(100)
        );
        let lim = Limits {
            max_header_bytes: 100,
            ..limits()
        };
        let (prefix, cut) = within_limits(long.as_bytes(), &lim);
        assert!(cut.unwrap().reason.contains("longer than 100 bytes"));
        assert_eq!(prefix, b"From: a@b.c\n");
        // Folded lines count towards their field.
        let folded = format!(
            "From: a@b.c\nSubject: {}\n\t{}\n\nbody\n",
            "x".repeat(60),
            "y".repeat(60)
        );
        assert!(within_limits(folded.as_bytes(), &lim).1.is_some());
    }

    #[test]
    fn garbage_is_walked_without_panic() {
        for raw in [
            &b""[..],
            b"\n\n\n",
            b"Content-Type: multipart/mixed; boundary=\"\"\n\n----\n",
            b"Content-Type: multipart/mixed; boundary=a\n\n--a",
            b"Content-Type: multipart/mixed; boundary=a\n\n--a--",
            b"Content-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n@@@",
            b"\x00\xff: \xfe\n\n",
        ] {
            let _ = within_limits(raw, &limits());
        }
    }
}
