//! Header signature check (RFC 6376 3.7 step 2, 5.4.2, 6.1.3; RFC 8463 3): do the signed header fields and bh= still carry the domain's signature?

use std::borrow::Cow;
use std::collections::HashMap;

use super::canon;
use super::keys::{KeyMaterial, PublicKey};
use super::keystore::KeyStore;
use super::tags::{HashAlg, Signature};

/// Result of checking one signature's header hash against a key.
///
/// This covers the header fields and, through them, the bh= value; the body
/// itself is checked by [`super::check_body_hash`]. A message passes DKIM
/// only when both succeed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SigOutcome {
    Pass,
    /// The signature is wrong for this key and these headers, or the key may not be used for it.
    Fail(String),
    /// No key was supplied for selector._domainkey.domain.
    NoKey,
    /// The key record has an empty p=: the domain revoked it (RFC 6376 3.6.1).
    KeyRevoked,
    /// Cannot be checked here, e.g. an unknown a=.
    Unsupported(String),
}

/// Verifies the signature of the DKIM-Signature field at `sig_header_index`.
///
/// `headers` are all header fields of the message in order, as
/// `(name, raw value after the colon)`; `sig` is that field's value parsed.
pub fn verify_signature(
    sig: &Signature,
    headers: &[(&str, &str)],
    sig_header_index: usize,
    key: &PublicKey,
) -> SigOutcome {
    verify_with(sig, headers, sig_header_index, key, &HeaderFix::NONE)
}

/// [`verify_signature`] with the key looked up in `store` by s= and d=.
pub fn verify_with_store(
    sig: &Signature,
    headers: &[(&str, &str)],
    sig_header_index: usize,
    store: &KeyStore,
) -> SigOutcome {
    match store.get(&sig.s, &sig.d) {
        Some(key) => verify_signature(sig, headers, sig_header_index, key),
        None => SigOutcome::NoKey,
    }
}

/// Rewrites one header field value.
pub(crate) type ValueRewrite = dyn for<'v> Fn(&'v str) -> Cow<'v, str>;

/// A whitespace rewrite applied to header values before canonicalisation,
/// used to test whether a failure is only re-folding (see `repair`).
pub(crate) struct HeaderFix<'a> {
    /// Rewrites a field value; None leaves values untouched.
    pub value: Option<&'a ValueRewrite>,
    /// Also rewrite the DKIM-Signature field itself.
    pub signature_field: bool,
}

impl HeaderFix<'_> {
    fn apply<'v>(&self, value: &'v str) -> Cow<'v, str> {
        match self.value {
            Some(rewrite) => rewrite(value),
            None => Cow::Borrowed(value),
        }
    }

    pub(crate) const NONE: HeaderFix<'static> = HeaderFix {
        value: None,
        signature_field: false,
    };
}

pub(crate) fn verify_with(
    sig: &Signature,
    headers: &[(&str, &str)],
    sig_header_index: usize,
    key: &PublicKey,
    fix: &HeaderFix<'_>,
) -> SigOutcome {
    let hash = match usable_with(sig, key) {
        Ok(hash) => hash,
        Err(outcome) => return outcome,
    };
    let Some(data) = signed_header_data(sig, headers, sig_header_index, fix) else {
        return SigOutcome::Fail(format!(
            "no header field at index {sig_header_index} to verify"
        ));
    };
    match check_crypto(key, hash, &data, &sig.b) {
        Ok(()) => SigOutcome::Pass,
        Err(why) => SigOutcome::Fail(why),
    }
}

/// Whether the key may verify this signature at all (RFC 6376 6.1.2).
fn usable_with(sig: &Signature, key: &PublicKey) -> Result<HashAlg, SigOutcome> {
    let (key_type, hash) = sig.algorithm().map_err(SigOutcome::Unsupported)?;
    if key.revoked {
        return Err(SigOutcome::KeyRevoked);
    }
    if key.k != key_type {
        return Err(SigOutcome::Fail(format!(
            "key record is k={} but the signature is a={}",
            key.k.name(),
            sig.a
        )));
    }
    if !key.allows_hash(hash) {
        return Err(SigOutcome::Fail(format!(
            "key record h= does not allow {} (RFC 6376 3.6.1)",
            hash.name()
        )));
    }
    if !key.allows_email() {
        return Err(SigOutcome::Fail(
            "key record s= does not allow email (RFC 6376 3.6.1)".to_string(),
        ));
    }
    if key.strict_identity
        && let Some(i) = &sig.i
    {
        let i_domain = i.rsplit_once('@').map_or("", |(_, d)| d);
        if !i_domain.eq_ignore_ascii_case(&sig.d) {
            return Err(SigOutcome::Fail(format!(
                "key record t=s requires i= in exactly d={}, found {i_domain}",
                sig.d
            )));
        }
    }
    Ok(hash)
}

/// Indexes of the header fields h= selects, in h= order.
///
/// RFC 6376 5.4.2: each name takes the last instance not yet used, moving up
/// the header; a name with no instance left contributes nothing
/// (oversigning). The signature's own field never counts as a candidate.
pub fn signed_header_indexes(
    sig: &Signature,
    headers: &[(&str, &str)],
    sig_header_index: usize,
) -> Vec<usize> {
    let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
    for (index, (name, _)) in headers.iter().enumerate() {
        if index != sig_header_index {
            by_name
                .entry(name.trim().to_ascii_lowercase())
                .or_default()
                .push(index);
        }
    }
    sig.h
        .iter()
        .filter_map(|name| by_name.get_mut(&name.to_ascii_lowercase())?.pop())
        .collect()
}

/// The bytes hashed for the signature: the selected fields, then the
/// DKIM-Signature field with b= emptied and no trailing CRLF (RFC 6376 3.7).
pub(crate) fn signed_header_data(
    sig: &Signature,
    headers: &[(&str, &str)],
    sig_header_index: usize,
    fix: &HeaderFix<'_>,
) -> Option<Vec<u8>> {
    let (sig_name, sig_value) = headers.get(sig_header_index)?;
    let mut data = Vec::new();
    for index in signed_header_indexes(sig, headers, sig_header_index) {
        if let Some((name, value)) = headers.get(index) {
            canon::push_header(&mut data, sig.c_header, name, &fix.apply(value), true);
        }
    }
    let emptied = canon::without_b_value(sig_value);
    let emptied = if fix.signature_field {
        fix.apply(&emptied).into_owned()
    } else {
        emptied
    };
    canon::push_header(&mut data, sig.c_header, sig_name, &emptied, false);
    Some(data)
}

/// Verifies `b` over the hash of `data`.
fn check_crypto(key: &PublicKey, hash: HashAlg, data: &[u8], b: &[u8]) -> Result<(), String> {
    let digest = hash.digest(data);
    match &key.material {
        KeyMaterial::Revoked => Err("key is revoked".to_string()),
        // RFC 6376 3.3.1 / 3.3.2: RSASSA-PKCS1-v1_5 over the hash.
        KeyMaterial::Rsa(rsa_key) => {
            let scheme = match hash {
                HashAlg::Sha1 => rsa::Pkcs1v15Sign::new::<sha1::Sha1>(),
                HashAlg::Sha256 => rsa::Pkcs1v15Sign::new::<sha2::Sha256>(),
            };
            rsa_key
                .verify(scheme, &digest, b)
                .map_err(|_| "RSA signature does not match the signed header fields".to_string())
        }
        // RFC 8463 3: PureEdDSA Ed25519 over the SHA-256 hash, not over the data.
        KeyMaterial::Ed25519(ed_key) => {
            let signature = ed25519_dalek::Signature::from_slice(b)
                .map_err(|_| format!("Ed25519 signature is {} bytes, not 64", b.len()))?;
            ed_key.verify_strict(&digest, &signature).map_err(|_| {
                "Ed25519 signature does not match the signed header fields".to_string()
            })
        }
    }
}

/// Which of the fields a forger most wants to change are signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CoveredHeaders {
    pub from: bool,
    pub subject: bool,
    pub date: bool,
    pub to: bool,
    pub message_id: bool,
}

impl CoveredHeaders {
    /// Names of the fields h= leaves out, in a fixed order.
    pub fn missing(&self) -> Vec<&'static str> {
        [
            ("From", self.from),
            ("Subject", self.subject),
            ("Date", self.date),
            ("To", self.to),
            ("Message-ID", self.message_id),
        ]
        .into_iter()
        .filter(|(_, covered)| !covered)
        .map(|(name, _)| name)
        .collect()
    }
}

/// Which of From, Subject, Date, To and Message-ID appear in h=.
pub fn covered_headers(sig: &Signature) -> CoveredHeaders {
    let has = |name: &str| sig.h.iter().any(|h| h.eq_ignore_ascii_case(name));
    CoveredHeaders {
        from: has("from"),
        subject: has("subject"),
        date: has("date"),
        to: has("to"),
        message_id: has("message-id"),
    }
}

/// Indexes of fields whose name is in h= but whose instance the signature
/// does not cover: e.g. a second From added above a signed one. RFC 6376
/// 8.15 describes this attack; oversigning (repeating the name in h=) is
/// the signer's defence, and when it was used such fields break the signature.
pub fn uncovered_instances(
    sig: &Signature,
    headers: &[(&str, &str)],
    sig_header_index: usize,
) -> Vec<usize> {
    let signed = signed_header_indexes(sig, headers, sig_header_index);
    headers
        .iter()
        .enumerate()
        .filter(|(index, (name, _))| {
            *index != sig_header_index
                && !signed.contains(index)
                && sig.h.iter().any(|h| h.eq_ignore_ascii_case(name.trim()))
        })
        .map(|(index, _)| index)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dkim::parse_signature;

    fn sig(h: &str) -> Signature {
        parse_signature(&format!(
            "v=1; a=rsa-sha256; d=x.example; s=s; h={h}; bh=AAAA; b=AAAA"
        ))
        .unwrap()
    }

    const HEADERS: [(&str, &str); 6] = [
        ("DKIM-Signature", " v=1; ..."),
        ("Received", " one"),
        ("From", " first@x.example"),
        ("Subject", " hi"),
        ("from", " second@x.example"),
        ("To", " y@x.example"),
    ];

    #[test]
    fn selection_is_bottom_up_and_oversigning_adds_nothing() {
        assert_eq!(signed_header_indexes(&sig("from:to"), &HEADERS, 0), [4, 5]);
        assert_eq!(
            signed_header_indexes(&sig("From:from:FROM:cc"), &HEADERS, 0),
            [4, 2]
        );
        // The signature's own field is never selected, even when named.
        assert_eq!(
            signed_header_indexes(&sig("from:dkim-signature"), &HEADERS, 0),
            [4]
        );
    }

    #[test]
    fn uncovered_instances_find_the_unsigned_from() {
        assert_eq!(uncovered_instances(&sig("from:subject"), &HEADERS, 0), [2]);
        assert!(uncovered_instances(&sig("from:from:subject"), &HEADERS, 0).is_empty());
    }

    #[test]
    fn covered_headers_report_gaps() {
        let covered = covered_headers(&sig("From:subject:Message-Id"));
        assert!(covered.from && covered.subject && covered.message_id);
        assert_eq!(covered.missing(), ["Date", "To"]);
    }

    #[test]
    fn bad_index_is_a_failure_not_a_panic() {
        let key = crate::dkim::PublicKey::parse(
            "k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=",
        )
        .unwrap();
        let ed =
            parse_signature("v=1; a=ed25519-sha256; d=x.example; s=s; h=from; bh=AAAA; b=AAAA")
                .unwrap();
        assert!(matches!(
            verify_signature(&ed, &HEADERS, 99, &key),
            SigOutcome::Fail(_)
        ));
        // A 3-byte Ed25519 signature is a failure too.
        assert!(matches!(
            verify_signature(&ed, &HEADERS, 0, &key),
            SigOutcome::Fail(_)
        ));
        // And an RSA signature against an Ed25519 key.
        assert!(matches!(
            verify_signature(&sig("from"), &HEADERS, 0, &key),
            SigOutcome::Fail(_)
        ));
    }
}
