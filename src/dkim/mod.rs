//! Offline DKIM verification (RFC 6376, RFC 8463): proves which leaked messages still carry their domain's signature, with keys the investigator supplies instead of DNS.
//!
//! The pieces, in the order a verifier uses them:
//!
//! - [`parse_signature`]: DKIM-Signature tag-list into a [`Signature`] (`tags`).
//! - [`check_body_hash`]: canonical body, l= cut, hash against bh= (`canon`, `body`).
//! - [`KeyStore`] / [`PublicKey`]: `--dkim-keys` records (`keystore`, `keys`).
//! - [`verify_signature`]: header selection, canonical header hash, RSA or
//!   Ed25519 check (`verify`). It checks the headers and bh=, not the body:
//!   [`verify_message`] does both, and a message passes only when both pass.
//! - [`fails_only_on_whitespace`]: tells re-folding from tampering (`repair`).
//!
//! Canonicalisation and tag parsing are written here by hand. The maintained
//! Rust DKIM implementations (mail-auth, the one compared against) tie them
//! to their own DNS resolver and message parser and do not expose them for
//! offline use on a message already split into fields. The cryptography is
//! never hand-rolled: `rsa` (PKCS#1 v1.5), `ed25519-dalek`, `sha1`, `sha2`.
//!
//! Input contract: header fields in message order as `(name, raw value)`,
//! the raw value being every byte after the colon up to, not including, the
//! field's final line break, folds included; the body is every byte after the
//! blank line. Bare LF line endings are read as CRLF throughout, so a dump
//! converted to LF verifies like the original (see `canon`).

mod body;
// Public for the criterion benches (benches/micro.rs) only: the verifier uses it through
// `check_body_hash` and `verify_signature`.
pub mod canon;
mod keys;
mod keystore;
mod repair;
pub mod sign;
mod tags;
mod verify;

#[cfg(test)]
mod rfc_vector_tests;
#[cfg(test)]
mod signed_tests;
#[cfg(test)]
pub(crate) mod test_support;

use std::fmt;

pub use body::{BodyHashOutcome, check_body_hash};
pub use keys::PublicKey;
pub use keystore::KeyStore;
pub use repair::{
    BodyRepair, HeaderRepair, WhitespaceRepair, fails_only_on_whitespace, find_whitespace_repair,
};
pub use tags::{HashAlg, KeyType, Signature, parse_signature, parse_tag_list};
pub use verify::{
    CoveredHeaders, SigOutcome, covered_headers, signed_header_indexes, uncovered_instances,
    verify_signature, verify_with_store,
};

/// Canonicalisation algorithm of c= (RFC 6376 3.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Canon {
    Simple,
    Relaxed,
}

impl fmt::Display for Canon {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Canon::Simple => "simple",
            Canon::Relaxed => "relaxed",
        })
    }
}

/// Body hash and header signature of one DKIM-Signature, checked together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    pub body: BodyHashOutcome,
    pub signature: SigOutcome,
}

impl Verification {
    /// DKIM pass (RFC 6376 6.1.3): the body hash matches and the signature verifies.
    pub fn passed(&self) -> bool {
        self.body.matches && self.signature == SigOutcome::Pass
    }
}

/// Checks the body hash and the header signature of the DKIM-Signature field
/// at `sig_header_index`. Both are always computed, so a report can say
/// whether the body, the headers, or both changed.
pub fn verify_message(
    sig: &Signature,
    headers: &[(&str, &str)],
    sig_header_index: usize,
    body: &[u8],
    key: &PublicKey,
) -> Verification {
    Verification {
        body: check_body_hash(sig, body),
        signature: verify_signature(sig, headers, sig_header_index, key),
    }
}
