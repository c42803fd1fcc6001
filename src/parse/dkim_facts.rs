//! What each DKIM-Signature of a message says and whether it still holds, as item facts.
//!
//! Computed while the message bytes are at hand (the checks only read the
//! result): the body hash always, the header signature when `--dkim-keys`
//! supplies the key. Verification is "as of the message's own date": an
//! expired x= is reported with its dates, never turned into "unverifiable".

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::dkim::{
    self, SigOutcome, Signature, check_body_hash, covered_headers, find_whitespace_repair,
    parse_signature, verify_signature,
};
use crate::parse::date::rfc3339;
use crate::parse::headers::RawField;

/// One DKIM-Signature and its verification (`item.email.dkim[]`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct DkimFacts {
    pub d: Option<String>,
    pub s: Option<String>,
    pub a: Option<String>,
    /// c= as written, or the default "simple/simple".
    pub c: Option<String>,
    /// The signed header names (h=), in order.
    pub h: Vec<String>,
    pub bh: Option<String>,
    /// "pass", "fail", or "error" (the signature or message could not be read).
    #[serde(deserialize_with = "crate::checkpoint::fields::static_str")]
    pub body_hash: crate::checkpoint::fields::Label,
    /// The body hash computed here (base64), to compare with bh=.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bh_computed: Option<String>,
    /// "pass", "fail", "no-key" (no key supplied: not a finding), "unsupported"
    /// (algorithm not implemented), or "error".
    #[serde(deserialize_with = "crate::checkpoint::fields::static_str")]
    pub signature: crate::checkpoint::fields::Label,
    /// Why the signature failed, was unsupported, or could not be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Of From, Subject, Date, To, Message-ID: those the signature does not cover.
    #[serde(
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::checkpoint::fields::static_str_vec"
    )]
    pub not_covered: Vec<&'static str>,
    /// l=: how many canonical body bytes are signed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub l: Option<u64>,
    /// Canonical body bytes after the l= limit: text nobody signed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unsigned_tail_bytes: Option<u64>,
    /// t= as an instant.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signed_at: Option<String>,
    /// x= as an instant.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
    /// x= lies before the message's own Date: the signature had expired when
    /// the message claims to have been written. Verified all the same.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub expired_at_message_date: bool,
    /// Key type and size, when the key was supplied.
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::checkpoint::fields::static_str_opt"
    )]
    pub key_type: Option<crate::checkpoint::fields::Label>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_bits: Option<usize>,
    /// A failing signature that passes once whitespace is re-folded: benign.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub whitespace_repair: Option<String>,
    /// The body hash fails as stored but matches once trailing lines (a
    /// mailing-list footer) are removed: how many lines and bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matches_without_trailing_lines: Option<TrailingCut>,
    /// The raw header line, for evidence.
    #[serde(
        rename = "~line",
        skip_serializing_if = "crate::checkpoint::fields::journal_only"
    )]
    pub line: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TrailingCut {
    pub lines: usize,
    pub bytes: usize,
}

/// Largest body on which the footer search is attempted (it re-hashes prefixes).
const FOOTER_SEARCH_MAX_BODY: usize = 1 << 20;
/// Most trailing lines a list footer is assumed to take.
const FOOTER_SEARCH_MAX_LINES: usize = 40;

/// Verifies every DKIM-Signature in `fields`. `body` is `None` when the
/// message was truncated (the body hash cannot be computed).
pub fn dkim_facts(
    fields: &[RawField],
    body: Option<&[u8]>,
    message_date: Option<DateTime<Utc>>,
    is_list_mail: bool,
    cfg: &Config,
) -> Vec<DkimFacts> {
    let headers: Vec<(&str, &str)> = fields
        .iter()
        .map(|f| (f.name.as_str(), f.raw.as_str()))
        .collect();
    fields
        .iter()
        .enumerate()
        .filter(|(_, f)| f.is("dkim-signature"))
        .map(|(index, field)| {
            let mut facts = DkimFacts {
                line: field.line(),
                ..DkimFacts::default()
            };
            match parse_signature(&field.raw) {
                Ok(sig) => verify(
                    &sig,
                    &headers,
                    index,
                    body,
                    message_date,
                    is_list_mail,
                    cfg,
                    &mut facts,
                ),
                Err(e) => {
                    // Keep what can be read of a broken signature.
                    let loose = dkim::parse_tag_list(&field.raw).unwrap_or_default();
                    let tag = |n: &str| loose.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone());
                    facts.d = tag("d");
                    facts.s = tag("s");
                    facts.a = tag("a");
                    facts.c = tag("c");
                    facts.bh = tag("bh");
                    facts.body_hash = "error";
                    facts.signature = "error";
                    facts.detail = Some(format!("signature cannot be read: {e}"));
                }
            }
            facts
        })
        .collect()
}

#[allow(clippy::too_many_arguments)] // one call site; the arguments are the message's parts
fn verify(
    sig: &Signature,
    headers: &[(&str, &str)],
    index: usize,
    body: Option<&[u8]>,
    message_date: Option<DateTime<Utc>>,
    is_list_mail: bool,
    cfg: &Config,
    facts: &mut DkimFacts,
) {
    facts.d = Some(sig.d.clone());
    facts.s = Some(sig.s.clone());
    facts.a = Some(sig.a.clone());
    facts.c = Some(format!("{}/{}", sig.c_header, sig.c_body));
    facts.h = sig.h.clone();
    facts.bh = Some(sig.bh_b64.clone());
    facts.l = sig.l;
    facts.not_covered = covered_headers(sig).missing();
    let instant = |t: i64| DateTime::<Utc>::from_timestamp(t, 0);
    facts.signed_at = sig.t.and_then(instant).map(|i| rfc3339(&i));
    facts.expires_at = sig.x.and_then(instant).map(|i| rfc3339(&i));
    facts.expired_at_message_date = match (sig.x.and_then(instant), message_date) {
        (Some(x), Some(date)) => x < date,
        _ => false,
    };
    match body {
        Some(body) => {
            let outcome = check_body_hash(sig, body);
            facts.body_hash = if outcome.matches { "pass" } else { "fail" };
            facts.bh_computed = Some(outcome.computed_b64.clone());
            if outcome.unsigned_tail_len > 0 {
                facts.unsigned_tail_bytes = Some(outcome.unsigned_tail_len);
            }
            if !outcome.matches && is_list_mail && body.len() <= FOOTER_SEARCH_MAX_BODY {
                facts.matches_without_trailing_lines = footer_cut(sig, body);
            }
        }
        None => {
            facts.body_hash = "error";
            facts.detail =
                Some("message truncated at the parse limit: body hash not computed".into());
        }
    }
    let Some(store) = cfg.dkim_keys.as_deref() else {
        facts.signature = "no-key";
        return;
    };
    let Some(key) = store.get(&sig.s, &sig.d) else {
        facts.signature = "no-key";
        return;
    };
    facts.key_type = Some(key.k.name());
    facts.key_bits = key.bits;
    let (signature, detail) = match verify_signature(sig, headers, index, key) {
        SigOutcome::Pass => ("pass", None),
        SigOutcome::Fail(why) => ("fail", Some(why)),
        SigOutcome::KeyRevoked => ("fail", Some("the key is revoked (empty p=)".to_string())),
        SigOutcome::NoKey => ("no-key", None),
        SigOutcome::Unsupported(why) => ("unsupported", Some(why)),
    };
    facts.signature = signature;
    if detail.is_some() {
        facts.detail = detail;
    }
    if signature == "fail"
        && let Some(body) = body
    {
        facts.whitespace_repair =
            find_whitespace_repair(sig, headers, index, body, key).map(|r| r.to_string());
    }
}

/// Tries removing 1..N trailing lines: does the rest match bh=?
fn footer_cut(sig: &Signature, body: &[u8]) -> Option<TrailingCut> {
    let mut ends: Vec<usize> = body
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .map(|(i, _)| i + 1)
        .collect();
    ends.insert(0, 0);
    // Cut points from the end, skipping the last one (that is the whole body).
    let total_lines = ends.len().saturating_sub(1);
    for removed in 1..=FOOTER_SEARCH_MAX_LINES.min(total_lines) {
        let cut = ends[ends.len() - 1 - removed];
        if check_body_hash(sig, &body[..cut]).matches {
            return Some(TrailingCut {
                lines: removed,
                bytes: body.len() - cut,
            });
        }
    }
    None
}
