//! The MIME encodings the fake clients need (quoted-printable, base64, RFC 2047 words,
//! header folding), written by hand so the output bytes are fully under our control.

/// RFC 2045 6.7 quoted-printable with `\n` line breaks and 76-column soft breaks.
pub fn quoted_printable(text: &str) -> String {
    let mut out = String::new();
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let bytes = line.as_bytes();
        let mut col = 0;
        for (j, &b) in bytes.iter().enumerate() {
            let last = j + 1 == bytes.len();
            let token = match b {
                // Rule 3: whitespace at the end of an encoded line must be encoded.
                b' ' | b'\t' if last => format!("={b:02X}"),
                b' ' | b'\t' => char::from(b).to_string(),
                b'=' => "=3D".to_string(),
                33..=126 => char::from(b).to_string(),
                _ => format!("={b:02X}"),
            };
            // Rule 5: lines at most 76 characters, soft break "=" included.
            let reserve = if last { 0 } else { 1 };
            if col + token.len() + reserve > 76 {
                out.push_str("=\n");
                col = 0;
            }
            col += token.len();
            out.push_str(&token);
        }
    }
    out
}

const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

pub fn base64(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len() * 4 / 3 + 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(char::from(B64[((n >> (18 - 6 * k)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Base64 body of an attachment, broken into 76-character lines (RFC 2045 6.8).
pub fn base64_lines(data: &[u8]) -> String {
    let flat = base64(data);
    let mut out = String::with_capacity(flat.len() + flat.len() / 76 + 1);
    for (i, chunk) in flat.as_bytes().chunks(76).enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(std::str::from_utf8(chunk).expect("base64 is ASCII"));
    }
    out
}

/// How a client spells RFC 2047 encoded-words.
#[derive(Clone, Copy)]
pub enum Words {
    /// `=?utf-8?B?...?=` (Exchange).
    B(&'static str),
    /// `=?utf-8?Q?...?=` with upper-case hex (Apple, Gmail, Yahoo).
    Q(&'static str),
    /// `=?UTF-8?Q?...?=` with lower-case hex (Thunderbird).
    QLower,
}

/// Encodes a header phrase or unstructured text; ASCII text is left alone, and so are the
/// leading ASCII words ("Re: ..."), as mail clients do. The encoded part is one or more
/// encoded-words joined by single spaces, where folding may later break the line.
pub fn header_text(text: &str, style: Words) -> String {
    if text.is_ascii() {
        return text.to_string();
    }
    let words: Vec<&str> = text.split(' ').collect();
    let first = words.iter().position(|w| !w.is_ascii()).unwrap_or(0);
    let plain = words[..first].join(" ");
    let rest = words[first..].join(" ");
    // RFC 2047 2: an encoded-word is at most 75 characters; never split a UTF-8 sequence.
    let mut encoded = Vec::new();
    let mut chunk = String::new();
    for ch in rest.chars() {
        let mut candidate = chunk.clone();
        candidate.push(ch);
        if encoded_word(&candidate, style).len() > 75 {
            encoded.push(encoded_word(&chunk, style));
            chunk.clear();
        }
        chunk.push(ch);
    }
    if !chunk.is_empty() {
        encoded.push(encoded_word(&chunk, style));
    }
    let encoded = encoded.join(" ");
    if plain.is_empty() {
        encoded
    } else {
        format!("{plain} {encoded}")
    }
}

fn encoded_word(text: &str, style: Words) -> String {
    match style {
        Words::B(charset) => format!("=?{charset}?B?{}?=", base64(text.as_bytes())),
        Words::Q(charset) => format!("=?{charset}?Q?{}?=", q_encode(text, false)),
        Words::QLower => format!("=?UTF-8?Q?{}?=", q_encode(text, true)),
    }
}

fn q_encode(text: &str, lower: bool) -> String {
    let mut out = String::new();
    for &b in text.as_bytes() {
        match b {
            b' ' => out.push('_'),
            b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z' | b'!' | b'*' | b'+' | b'-' | b'/' => {
                out.push(char::from(b))
            }
            _ if lower => out.push_str(&format!("={b:02x}")),
            _ => out.push_str(&format!("={b:02X}")),
        }
    }
    out
}

/// `Display Name <addr>` with the name encoded when it is not ASCII.
pub fn mailbox(name: &str, addr: &str, style: Words) -> String {
    if name.is_empty() {
        addr.to_string()
    } else {
        format!("{} <{addr}>", header_text(name, style))
    }
}

/// One header field, folded at whitespace so that no line exceeds 78 characters when possible
/// (RFC 5322 2.2.3). `indent` is the folding whitespace the writer uses: " " or "\t".
pub fn field(name: &str, value: &str, indent: &str) -> String {
    let mut out = String::new();
    let mut line = format!("{name}:");
    if !value.is_empty() {
        line.push(' ');
    }
    let mut first = true;
    for word in value.split(' ') {
        let sep = if first { "" } else { " " };
        if !first && line.len() + sep.len() + word.len() > 78 && line.trim() != "" {
            out.push_str(&line);
            out.push('\n');
            line = format!("{indent}{word}");
        } else {
            line.push_str(sep);
            line.push_str(word);
        }
        first = false;
    }
    out.push_str(&line);
    out
}

/// Minimal HTML rendition of a plain-text body, for multipart/alternative.
pub fn html_of(text: &str, head: &str) -> String {
    let mut html = format!(
        "<html>\n<head>\n<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">\n{head}</head>\n<body>\n"
    );
    let mut in_quote = false;
    for line in text.split('\n') {
        let quoted = line.starts_with('>');
        if quoted && !in_quote {
            html.push_str("<blockquote type=\"cite\">\n");
        } else if !quoted && in_quote {
            html.push_str("</blockquote>\n");
        }
        in_quote = quoted;
        let content = line.trim_start_matches('>').trim_start();
        html.push_str("<div>");
        if content.is_empty() {
            html.push_str("<br>");
        } else {
            html.push_str(&escape_html(content));
        }
        html.push_str("</div>\n");
    }
    if in_quote {
        html.push_str("</blockquote>\n");
    }
    html.push_str("</body>\n</html>\n");
    html
}

pub fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

pub fn escape_xml(s: &str) -> String {
    escape_html(s).replace('\'', "&apos;")
}

/// Wraps a paragraph for format=flowed (RFC 3676): soft breaks keep a trailing space.
pub fn flow(text: &str, width: usize) -> String {
    let mut out = Vec::new();
    for para in text.split('\n') {
        // RFC 3676 4.4: space-stuff lines that a reader could take for a quote or an mbox separator.
        let stuffed;
        let para = if para.starts_with("From ") || para.starts_with(' ') {
            stuffed = format!(" {para}");
            stuffed.as_str()
        } else {
            para
        };
        if para.chars().count() <= width || para.starts_with('>') || para == "-- " {
            out.push(para.to_string());
            continue;
        }
        let mut line = String::new();
        for word in para.split(' ') {
            if !line.is_empty() && line.chars().count() + word.chars().count() + 1 > width {
                line.push(' ');
                out.push(std::mem::take(&mut line));
            } else if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        out.push(line);
    }
    out.join("\n")
}
