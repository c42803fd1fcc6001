//! Tells benign re-folding from tampering: when a signature fails, tries whitespace-only repairs and reports one that makes it pass.
//!
//! Simply re-verifying with c=relaxed cannot answer the question: a
//! c=simple signer hashed the simple form of the original, so the relaxed
//! form of any message (even the untouched one) hashes differently. Instead
//! the stored message is rewritten in the ways transports re-fold and pad
//! whitespace, and each rewrite is verified with the signature's own
//! canonicalisation. A repair that passes is cryptographic proof that a
//! message differing from the stored one only in whitespace was signed; no
//! repair found proves nothing either way.

use std::borrow::Cow;
use std::fmt;

use super::body::{body_hash_with, check_body_hash};
use super::keys::PublicKey;
use super::tags::Signature;
use super::verify::{HeaderFix, SigOutcome, ValueRewrite, verify_with};
use super::{Canon, canon};

/// How the header fields were rewritten to make the signature pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderRepair {
    /// The header signature passed as stored.
    Unchanged,
    /// Line breaks of folds removed, the whitespace after them kept (RFC 5322 2.2.3 unfolding).
    Unfolded,
    /// Each fold (line break plus the whitespace after it) replaced by one space.
    FoldsToSpace,
    /// Unfolded, whitespace runs squeezed to one space, trailing whitespace dropped.
    WhitespaceCollapsed,
}

/// How the body was rewritten to make the body hash match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyRepair {
    /// The body hash matched as stored.
    Unchanged,
    /// Spaces and tabs at the ends of lines removed.
    TrailingWhitespaceRemoved,
}

/// A whitespace-only rewrite under which a failing signature passes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WhitespaceRepair {
    pub header: HeaderRepair,
    /// The header rewrite had to be applied to the DKIM-Signature field too.
    pub signature_field_refolded: bool,
    pub body: BodyRepair,
}

impl fmt::Display for WhitespaceRepair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts: Vec<&str> = Vec::new();
        match self.header {
            HeaderRepair::Unchanged => {}
            HeaderRepair::Unfolded => parts.push("header fields unfolded"),
            HeaderRepair::FoldsToSpace => parts.push("header folds replaced by single spaces"),
            HeaderRepair::WhitespaceCollapsed => parts.push("header whitespace collapsed"),
        }
        if self.signature_field_refolded {
            parts.push("DKIM-Signature field unfolded the same way");
        }
        if self.body == BodyRepair::TrailingWhitespaceRemoved {
            parts.push("trailing whitespace removed from body lines");
        }
        write!(
            f,
            "passes after whitespace-only changes: {}",
            parts.join(", ")
        )
    }
}

/// True when the signature fails as stored but passes after a whitespace-only
/// repair: "failed, but would pass if whitespace were relaxed: benign
/// re-folding likely". False when it passes as stored, or when no repair helps.
pub fn fails_only_on_whitespace(
    sig: &Signature,
    headers: &[(&str, &str)],
    sig_header_index: usize,
    body: &[u8],
    key: &PublicKey,
) -> bool {
    find_whitespace_repair(sig, headers, sig_header_index, body, key).is_some()
}

/// The whitespace-only repair that makes a failing signature pass, if any.
///
/// Repairs only apply to c=simple parts: relaxed canonicalisation already
/// ignores exactly these differences. Keys that are missing, revoked or of
/// the wrong kind never get a repair.
pub fn find_whitespace_repair(
    sig: &Signature,
    headers: &[(&str, &str)],
    sig_header_index: usize,
    body: &[u8],
    key: &PublicKey,
) -> Option<WhitespaceRepair> {
    let as_stored = verify_with(sig, headers, sig_header_index, key, &HeaderFix::NONE);
    let header_passes = match &as_stored {
        SigOutcome::Pass => true,
        SigOutcome::Fail(_) => false,
        _ => return None,
    };
    let body_matches = check_body_hash(sig, body).matches;
    if header_passes && body_matches {
        return None;
    }

    let (header, signature_field_refolded) = if header_passes {
        (HeaderRepair::Unchanged, false)
    } else {
        repair_headers(sig, headers, sig_header_index, key)?
    };
    let body = if body_matches {
        BodyRepair::Unchanged
    } else {
        repair_body(sig, body)?
    };
    Some(WhitespaceRepair {
        header,
        signature_field_refolded,
        body,
    })
}

fn repair_headers(
    sig: &Signature,
    headers: &[(&str, &str)],
    sig_header_index: usize,
    key: &PublicKey,
) -> Option<(HeaderRepair, bool)> {
    if sig.c_header == Canon::Relaxed {
        return None;
    }
    let rewrites: [(HeaderRepair, &ValueRewrite); 3] = [
        (HeaderRepair::Unfolded, &unfold),
        (HeaderRepair::FoldsToSpace, &folds_to_space),
        (HeaderRepair::WhitespaceCollapsed, &collapse_whitespace),
    ];
    for signature_field in [false, true] {
        for (repair, rewrite) in rewrites {
            let fix = HeaderFix {
                value: Some(rewrite),
                signature_field,
            };
            if verify_with(sig, headers, sig_header_index, key, &fix) == SigOutcome::Pass {
                return Some((repair, signature_field));
            }
        }
    }
    None
}

fn repair_body(sig: &Signature, body: &[u8]) -> Option<BodyRepair> {
    if sig.c_body == Canon::Relaxed {
        return None;
    }
    let stripped = strip_trailing_whitespace(body);
    body_hash_with(sig, &canon::body(&stripped, Canon::Simple))
        .matches
        .then_some(BodyRepair::TrailingWhitespaceRemoved)
}

fn is_wsp(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// RFC 5322 2.2.3: unfolding removes each CRLF (or bare LF) that precedes WSP.
fn unfold(value: &str) -> Cow<'_, str> {
    if !value.contains('\n') {
        return Cow::Borrowed(value);
    }
    Cow::Owned(value.replace("\r\n", "").replace('\n', ""))
}

/// Replaces each fold, with the whitespace that follows it, by one SP.
fn folds_to_space(value: &str) -> Cow<'_, str> {
    if !value.contains('\n') {
        return Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' && chars.peek() == Some(&'\n') {
            continue;
        }
        if c == '\n' {
            while chars.next_if(|&c| is_wsp(c)).is_some() {}
            out.push(' ');
            continue;
        }
        out.push(c);
    }
    Cow::Owned(out)
}

/// Unfolds and squeezes whitespace, keeping one leading SP after the colon
/// when there was any, since "Name: value" is how nearly every field starts.
fn collapse_whitespace(value: &str) -> Cow<'_, str> {
    let unfolded = unfold(value);
    let leading = unfolded.starts_with(is_wsp);
    let mut out = String::with_capacity(unfolded.len());
    if leading {
        out.push(' ');
    }
    let words: Vec<&str> = unfolded.split(is_wsp).filter(|w| !w.is_empty()).collect();
    out.push_str(&words.join(" "));
    Cow::Owned(out)
}

/// Removes SP and HTAB before each line break and at the end of the body.
fn strip_trailing_whitespace(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len());
    for (n, line) in body.split(|&b| b == b'\n').enumerate() {
        if n > 0 {
            out.push(b'\n');
        }
        let (line, cr) = match line.strip_suffix(b"\r") {
            Some(line) => (line, true),
            None => (line, false),
        };
        let end = line
            .iter()
            .rposition(|&b| b != b' ' && b != b'\t')
            .map_or(0, |p| p + 1);
        out.extend_from_slice(line.get(..end).unwrap_or(line));
        if cr {
            out.push(b'\r');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewrites() {
        assert_eq!(unfold(" a\r\n b\n\tc"), " a b\tc");
        assert_eq!(folds_to_space(" a\r\n\t b\n\tc"), " a b c");
        assert_eq!(collapse_whitespace(" a \r\n\t b  c "), " a b c");
        assert_eq!(collapse_whitespace("a"), "a");
        assert_eq!(
            strip_trailing_whitespace(b"a \r\nb\t\n c  "),
            b"a\r\nb\n c".to_vec()
        );
    }

    #[test]
    fn description_reads_well() {
        let repair = WhitespaceRepair {
            header: HeaderRepair::Unfolded,
            signature_field_refolded: false,
            body: BodyRepair::TrailingWhitespaceRemoved,
        };
        assert_eq!(
            repair.to_string(),
            "passes after whitespace-only changes: header fields unfolded, \
             trailing whitespace removed from body lines"
        );
    }
}
