//! Body hash check (RFC 6376 3.7 step 1 and the l= tag of 3.5): did the body change since signing?

use sha1::Sha1;
use sha2::{Digest as _, Sha256};

use super::canon;
use super::tags::{HashAlg, Signature, encode_b64};

/// What the body hash check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyHashOutcome {
    /// Base64 of the hash computed here; empty when a= names no known hash.
    pub computed_b64: String,
    /// The computed hash equals bh=.
    pub matches: bool,
    /// Length of the whole canonical body.
    pub canonical_len: u64,
    /// Canonical bytes that were hashed: l= when present and not past the end.
    pub signed_len: u64,
    /// Canonical bytes after the l= limit: content nobody signed.
    pub unsigned_tail_len: u64,
}

impl HashAlg {
    /// Hashes `data` with this algorithm.
    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        match self {
            HashAlg::Sha1 => Sha1::digest(data).to_vec(),
            HashAlg::Sha256 => Sha256::digest(data).to_vec(),
        }
    }
}

/// Canonicalises `body` with the signature's c= body algorithm, cuts it at l=
/// and compares its hash with bh=.
///
/// `body` is everything after the blank line that ends the header; CRLF and
/// bare LF line endings give the same result (see `canon`).
pub fn check_body_hash(sig: &Signature, body: &[u8]) -> BodyHashOutcome {
    body_hash_with(sig, &canon::body(body, sig.c_body))
}

/// The comparison on an already canonical body, shared with the whitespace repair.
pub(crate) fn body_hash_with(sig: &Signature, canonical: &[u8]) -> BodyHashOutcome {
    let canonical_len = canonical.len() as u64;
    let signed_len = sig.l.map_or(canonical_len, |l| l.min(canonical_len));
    // signed_len <= canonical.len(), so the conversion and the slice cannot fail;
    // the fallbacks only keep the code free of panics.
    let cut = usize::try_from(signed_len).unwrap_or(canonical.len());
    let signed = canonical.get(..cut).unwrap_or(canonical);
    let (computed_b64, hash_equal) = match sig.hash_alg() {
        Some(hash) => {
            let computed = hash.digest(signed);
            let equal = computed == sig.bh;
            (encode_b64(&computed), equal)
        }
        None => (String::new(), false),
    };
    // RFC 6376 3.5 l=: the signer hashed exactly l bytes. A body now shorter
    // than that was cut after signing, whatever the hash says.
    let truncated = sig.l.is_some_and(|l| l > canonical_len);
    BodyHashOutcome {
        computed_b64,
        matches: hash_equal && !truncated,
        canonical_len,
        signed_len,
        unsigned_tail_len: canonical_len - signed_len,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dkim::parse_signature;

    fn sig(c: &str, a: &str, bh: &str, extra: &str) -> Signature {
        parse_signature(&format!(
            "v=1; a={a}; c={c}; d=x.example; s=s; h=from; bh={bh}; b=AAAA;{extra}"
        ))
        .unwrap()
    }

    // Well-known hashes of the empty canonical bodies (RFC 6376 3.4.3 / 3.4.4):
    // sha256("\r\n") for simple, sha256("") for relaxed.
    const SIMPLE_EMPTY_SHA256: &str = "frcCV1k9oG9oKj3dpUqdJg1PxRT2RSN/XKdLCPjaYaY=";
    const RELAXED_EMPTY_SHA256: &str = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
    const SIMPLE_EMPTY_SHA1: &str = "uoq1oCgLlTqpdDX/iUbLy7J1Wic=";

    #[test]
    fn empty_bodies_hash_to_the_known_values() {
        let simple = check_body_hash(
            &sig("simple/simple", "rsa-sha256", SIMPLE_EMPTY_SHA256, ""),
            b"",
        );
        assert!(simple.matches, "{simple:?}");
        assert_eq!(simple.canonical_len, 2);
        let relaxed = check_body_hash(
            &sig("relaxed/relaxed", "rsa-sha256", RELAXED_EMPTY_SHA256, ""),
            b"\r\n\r\n",
        );
        assert!(relaxed.matches, "{relaxed:?}");
        assert_eq!(relaxed.canonical_len, 0);
        let sha1 = check_body_hash(
            &sig("simple/simple", "rsa-sha1", SIMPLE_EMPTY_SHA1, ""),
            b"\n",
        );
        assert!(sha1.matches, "{sha1:?}");
    }

    #[test]
    fn length_limit_counts_canonical_bytes() {
        // "\r\n" is what l=2 covers of "\r\nmore\r\n".
        let s = sig("simple/simple", "rsa-sha256", SIMPLE_EMPTY_SHA256, " l=2;");
        let outcome = check_body_hash(&s, b"\nmore\n");
        assert!(outcome.matches, "{outcome:?}");
        assert_eq!(
            (
                outcome.canonical_len,
                outcome.signed_len,
                outcome.unsigned_tail_len
            ),
            (8, 2, 6)
        );
    }

    #[test]
    fn length_limit_past_the_end_fails() {
        let s = sig("simple/simple", "rsa-sha256", SIMPLE_EMPTY_SHA256, " l=3;");
        let outcome = check_body_hash(&s, b"");
        assert!(!outcome.matches);
        assert_eq!((outcome.signed_len, outcome.unsigned_tail_len), (2, 0));
    }

    #[test]
    fn unknown_hash_never_matches() {
        let s = sig("simple/simple", "rsa-sha512", SIMPLE_EMPTY_SHA256, "");
        let outcome = check_body_hash(&s, b"");
        assert!(!outcome.matches);
        assert_eq!(outcome.computed_b64, "");
    }
}
