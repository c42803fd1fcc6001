//! DKIM canonicalisation (RFC 6376 3.4): the exact bytes a signer hashed, rebuilt from a stored message.
//!
//! Line endings: dumps are stored with CRLF or with bare LF. DKIM always
//! hashes CRLF (RFC 6376 3.4 works on the SMTP wire form), so every bare LF,
//! in a header fold or in the body, is read as CRLF. A message converted to
//! LF on disk therefore verifies like its CRLF original; a lone CR that is
//! not followed by LF is kept as an ordinary byte.

use super::Canon;

fn is_wsp(b: u8) -> bool {
    // RFC 5234 WSP: SP and HTAB only.
    b == b' ' || b == b'\t'
}

/// Appends one header field in canonical form.
///
/// `name` is the field name as it appeared before the colon and `value` the
/// raw bytes after the colon, folds included, without the final line break.
/// `crlf` adds the terminating CRLF: every signed field has one, the
/// DKIM-Signature field itself does not (RFC 6376 3.7).
pub fn push_header(out: &mut Vec<u8>, canon: Canon, name: &str, value: &str, crlf: bool) {
    match canon {
        Canon::Simple => push_header_simple(out, name, value),
        Canon::Relaxed => push_header_relaxed(out, name, value),
    }
    if crlf {
        out.extend_from_slice(b"\r\n");
    }
}

/// RFC 6376 3.4.1: the field exactly as it was, only bare LF read as CRLF.
fn push_header_simple(out: &mut Vec<u8>, name: &str, value: &str) {
    out.extend_from_slice(name.as_bytes());
    out.push(b':');
    let mut previous = 0u8;
    for &b in value.as_bytes() {
        if b == b'\n' && previous != b'\r' {
            out.push(b'\r');
        }
        out.push(b);
        previous = b;
    }
}

/// RFC 6376 3.4.2: lowercase the name, unfold, squeeze WSP runs to one SP,
/// drop WSP at the end of the value and on both sides of the colon.
fn push_header_relaxed(out: &mut Vec<u8>, name: &str, value: &str) {
    out.extend(
        name.as_bytes()
            .trim_ascii()
            .iter()
            .map(u8::to_ascii_lowercase),
    );
    out.push(b':');
    let bytes = value.as_bytes();
    let mut pending_space = false;
    let mut started = false;
    for (i, &b) in bytes.iter().enumerate() {
        // Unfolding removes the line break and keeps the WSP that follows it.
        let line_break = b == b'\n' || (b == b'\r' && bytes.get(i + 1) == Some(&b'\n'));
        if line_break {
            continue;
        }
        if is_wsp(b) {
            pending_space = started;
            continue;
        }
        if pending_space {
            out.push(b' ');
            pending_space = false;
        }
        out.push(b);
        started = true;
    }
}

/// The canonical body (RFC 6376 3.4.3 simple, 3.4.4 relaxed), before any l= cut.
pub fn body(body: &[u8], canon: Canon) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + body.len() / 16 + 2);
    // Empty lines are held back until a non-empty line follows: both
    // algorithms ignore all empty lines at the end of the body.
    let mut held_empty_lines = 0usize;
    for line in lines(body) {
        let empty = match canon {
            Canon::Simple => line.is_empty(),
            // A relaxed line of only WSP is empty (its trailing WSP goes).
            Canon::Relaxed => line.iter().all(|&b| is_wsp(b)),
        };
        if empty {
            held_empty_lines += 1;
            continue;
        }
        for _ in 0..held_empty_lines {
            out.extend_from_slice(b"\r\n");
        }
        held_empty_lines = 0;
        match canon {
            Canon::Simple => out.extend_from_slice(line),
            Canon::Relaxed => relax_line(line, &mut out),
        }
        // A last line without terminator gets one (3.4.3 and 3.4.4 alike).
        out.extend_from_slice(b"\r\n");
    }
    // RFC 6376 3.4.3: an empty simple body is a single CRLF; 3.4.4 keeps a
    // relaxed empty body empty.
    if canon == Canon::Simple && out.is_empty() {
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// Body lines without their terminators; CRLF and bare LF both end a line.
/// A trailing terminator does not start another line.
fn lines(body: &[u8]) -> impl Iterator<Item = &[u8]> {
    let ends_with_lf = body.last() == Some(&b'\n');
    let mut pieces = body.split(|&b| b == b'\n').peekable();
    std::iter::from_fn(move || {
        let piece = pieces.next()?;
        if pieces.peek().is_none() && (ends_with_lf || piece.is_empty()) {
            return None;
        }
        Some(piece.strip_suffix(b"\r").unwrap_or(piece))
    })
}

/// RFC 6376 3.4.4 a: WSP runs become one SP, WSP at the end of the line goes.
/// Appends to `out`, copying each run of other bytes whole.
fn relax_line(line: &[u8], out: &mut Vec<u8>) {
    // Most lines (prose with single spaces, base64) are relaxed already:
    // two vectorised searches find so, and the line is copied whole. The
    // finder is built once: building it cost more than a line's search.
    static TWO_SPACES: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"  "));
    if line.last() != Some(&b' ')
        && memchr::memchr(b'\t', line).is_none()
        && TWO_SPACES.find(line).is_none()
    {
        out.extend_from_slice(line);
        return;
    }
    let mut i = 0;
    while i < line.len() {
        let space_start = i;
        while i < line.len() && is_wsp(line[i]) {
            i += 1;
        }
        if i == line.len() {
            break;
        }
        if i > space_start {
            out.push(b' ');
        }
        let run_start = i;
        while i < line.len() && !is_wsp(line[i]) {
            i += 1;
        }
        out.extend_from_slice(&line[run_start..i]);
    }
}

/// The DKIM-Signature value with the b= value removed (RFC 6376 3.7: "with the
/// value of the b= tag (including all surrounding whitespace) deleted").
///
/// Everything else stays byte-exact, folds included, so that simple
/// canonicalisation sees what the signer saw. The "b" tag is found by name
/// between semicolons, so "bh=" is never touched.
pub fn without_b_value(raw_value: &str) -> String {
    let mut out = String::with_capacity(raw_value.len());
    for (n, segment) in raw_value.split(';').enumerate() {
        if n > 0 {
            out.push(';');
        }
        match segment.split_once('=') {
            Some((name, _)) if name.trim_matches(super::tags::is_fws) == "b" => {
                out.push_str(name);
                out.push('=');
            }
            _ => out.push_str(segment),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(canon: Canon, fields: &[(&str, &str)]) -> Vec<u8> {
        let mut out = Vec::new();
        for (name, value) in fields {
            push_header(&mut out, canon, name, value, true);
        }
        out
    }

    // RFC 6376 3.4.5: the example message, with its <SP>/<HTAB>/<CRLF>
    // notation written out. Field "B " has a space before its colon.
    const EXAMPLE_HEADERS: [(&str, &str); 2] = [("A", " X"), ("B ", " Y\t\r\n\tZ  ")];
    const EXAMPLE_BODY: &[u8] = b" C \r\nD \t E\r\n\r\n\r\n";

    #[test]
    fn rfc6376_example_1_relaxed() {
        assert_eq!(
            header(Canon::Relaxed, &EXAMPLE_HEADERS),
            b"a:X\r\nb:Y Z\r\n".to_vec()
        );
        assert_eq!(
            body(EXAMPLE_BODY, Canon::Relaxed),
            b" C\r\nD E\r\n".to_vec()
        );
    }

    #[test]
    fn rfc6376_example_2_simple() {
        assert_eq!(
            header(Canon::Simple, &EXAMPLE_HEADERS),
            b"A: X\r\nB : Y\t\r\n\tZ  \r\n".to_vec()
        );
        assert_eq!(
            body(EXAMPLE_BODY, Canon::Simple),
            b" C \r\nD \t E\r\n".to_vec()
        );
    }

    #[test]
    fn bare_lf_reads_as_crlf() {
        let lf = header(Canon::Simple, &[("B ", " Y\t\n\tZ  ")]);
        assert_eq!(lf, b"B : Y\t\r\n\tZ  \r\n".to_vec());
        assert_eq!(
            body(b" C \nD \t E\n\n\n", Canon::Simple),
            body(EXAMPLE_BODY, Canon::Simple)
        );
        assert_eq!(
            body(b" C \nD \t E\n\n\n", Canon::Relaxed),
            body(EXAMPLE_BODY, Canon::Relaxed)
        );
    }

    #[test]
    fn empty_and_unterminated_bodies() {
        // RFC 6376 3.4.3 / 3.4.4: empty simple body is CRLF, empty relaxed body is empty.
        assert_eq!(body(b"", Canon::Simple), b"\r\n".to_vec());
        assert_eq!(body(b"", Canon::Relaxed), b"".to_vec());
        assert_eq!(body(b"\r\n\r\n", Canon::Simple), b"\r\n".to_vec());
        assert_eq!(body(b" \t\r\n\r\n", Canon::Relaxed), b"".to_vec());
        assert_eq!(body(b"end", Canon::Simple), b"end\r\n".to_vec());
        assert_eq!(body(b"end  ", Canon::Relaxed), b"end\r\n".to_vec());
        // Inner empty lines stay; only the trailing run goes.
        assert_eq!(
            body(b"a\r\n\r\nb\r\n\r\n", Canon::Simple),
            b"a\r\n\r\nb\r\n".to_vec()
        );
    }

    #[test]
    fn relaxed_lines_match_the_rfc_rules_byte_by_byte() {
        // The rules as written (3.4.4): WSP runs become one SP, trailing WSP
        // goes, then empty lines at the end go.
        fn reference(body_bytes: &[u8]) -> Vec<u8> {
            let mut lines: Vec<Vec<u8>> = lines(body_bytes)
                .map(|line| {
                    let mut out = Vec::new();
                    let mut pending = false;
                    for &b in line {
                        if is_wsp(b) {
                            pending = true;
                        } else {
                            if pending {
                                out.push(b' ');
                            }
                            pending = false;
                            out.push(b);
                        }
                    }
                    out
                })
                .collect();
            while lines.last().is_some_and(|l| l.is_empty()) {
                lines.pop();
            }
            lines
                .iter()
                .flat_map(|l| [&l[..], b"\r\n"].concat())
                .collect()
        }
        for sample in [
            &b"  lead\t\ttabs  and  runs \t\r\n \t \r\n\r\nafter blank ws lines\r\n \r\n"[..],
            b"\tx\n\n \ny z\t",
            b" ",
            b"a\rb  \x0bc\r\n",
            b"one space each\r\n lead one\r\nend one \r\nQUJD+/=\r\nx\ty\r\nx  y\n",
        ] {
            assert_eq!(
                body(sample, Canon::Relaxed),
                reference(sample),
                "{sample:?}"
            );
        }
    }

    #[test]
    fn lone_cr_is_an_ordinary_byte() {
        assert_eq!(body(b"a\rb\r\n", Canon::Simple), b"a\rb\r\n".to_vec());
    }

    #[test]
    fn relaxed_header_edges() {
        assert_eq!(header(Canon::Relaxed, &[("Subject", "")]), b"subject:\r\n");
        assert_eq!(
            header(Canon::Relaxed, &[(" To\t", "\r\n  a@b ,\r\n\t c@d \t")]),
            b"to:a@b , c@d\r\n"
        );
        let mut out = Vec::new();
        push_header(
            &mut out,
            Canon::Relaxed,
            "DKIM-Signature",
            " v=1; b=",
            false,
        );
        assert_eq!(out, b"dkim-signature:v=1; b=");
    }

    #[test]
    fn b_value_removal_keeps_everything_else() {
        assert_eq!(
            without_b_value(" v=1; bh=abc;\r\n b=xy\r\n z=; d=x"),
            " v=1; bh=abc;\r\n b=; d=x"
        );
        assert_eq!(without_b_value(" a=1; b = xyz "), " a=1; b =");
        assert_eq!(without_b_value("b=xyz;"), "b=;");
        assert_eq!(without_b_value("bh=1;x=b=2"), "bh=1;x=b=2");
    }
}
