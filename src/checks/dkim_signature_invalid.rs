//! `dkim-signature-invalid`: with the signer's public key, the header signature does not verify.
//!
//! The b= signature covers the headers named in h= (From, Subject, Date...)
//! and the body hash. With the domain's key as published at the time
//! (`--dkim-keys`), a failing signature means signed headers were changed.
//! A key too weak to trust is reported too: a signature made with a factorable
//! key proves nothing.

use super::{Check, CheckMeta, Run, Scope};
use crate::config::Config;
use crate::finding::{Evidence, Finding, Severity};
use crate::item::Item;

pub static CHECK: Check = Check {
    meta: CheckMeta {
        id: "dkim-signature-invalid",
        severity: Severity::High,
        scope: Scope::Item,
        summary: "With the key from --dkim-keys, a DKIM-Signature does not verify (or was made with a factorable key).",
        doc: "\
**What it detects.** Runs only with `--dkim-keys PATH` (lines `selector._domainkey.domain \
<TXT record value>`, as zone files write them; a file or a folder of files): each \
signature whose key is supplied is verified (rsa-sha256, rsa-sha1, ed25519-sha256; RFC \
6376, RFC 8463) as of the message's own date: an expired x= is reported in the item's \
`dkim` facts with its dates, and verified all the same. Without a key the signature is \
recorded as `no-key`, which is not a finding.

**Severity.** **High**: the signature fails. **Low**: it fails as stored but passes once \
whitespace is re-folded the way transports do (folds unfolded or turned into spaces, \
trailing spaces dropped): benign re-folding, and the evidence says which repair worked. \
**Medium**: the signature passes but the RSA key is shorter than 1024 bits: 512-bit keys \
were factored in 2012 (the Google DKIM key incident), so anyone could have made it.

**Why it matters.** A failing signature with the right key means the signed headers \
(From, Subject, Date, To...) or the body were changed after signing. The item's `dkim` \
facts also say which of From, Subject, Date, To and Message-ID the signature does not \
cover (`not_covered`): those could be changed without breaking it.

**False positives.** A wrong key for the date (domains rotate keys: supply the key that \
was published when the message was sent), servers that re-fold signed headers with \
c=simple (reported as low when the repair succeeds), mbox writers that altered headers.",
    },
    run: Run::Item(run),
};

fn run(item: &Item, _cfg: &Config, out: &mut Vec<Finding>) {
    let Some(email) = item.email.as_deref() else {
        return;
    };
    for sig in &email.dkim {
        let signer = format!(
            "d={} s={}",
            sig.d.as_deref().unwrap_or("?"),
            sig.s.as_deref().unwrap_or("?")
        );
        let evidence = || {
            Evidence::new()
                .with("dkim_signature_line", sig.line.clone())
                .with("d", sig.d.clone())
                .with("s", sig.s.clone())
                .with("a", sig.a.clone())
                .with("c", sig.c.clone())
                .with("h", sig.h.clone())
                .with("key_type", sig.key_type)
                .with("key_bits", sig.key_bits)
                .with("body_hash", sig.body_hash)
                .with("not_covered", sig.not_covered.clone())
        };
        match sig.signature {
            "fail" => {
                let detail = sig.detail.clone().unwrap_or_default();
                let (severity, message, mut ev) = match &sig.whitespace_repair {
                    Some(repair) => (
                        Severity::Low,
                        format!(
                            "DKIM signature of {signer} fails as stored but passes after re-folding whitespace ({repair}): benign transport re-folding likely"
                        ),
                        evidence().with("repair", repair.clone()),
                    ),
                    None => (
                        Severity::High,
                        format!(
                            "DKIM signature of {signer} does not verify with the supplied key: signed headers or the body changed after signing"
                        ),
                        evidence(),
                    ),
                };
                ev.insert("detail", detail);
                out.push(Finding::on(item, CHECK.meta.id, severity, message, ev));
            }
            "pass" if sig.key_type == Some("rsa") && sig.key_bits.is_some_and(|b| b < 1024) => {
                let bits = sig.key_bits.unwrap_or_default();
                let message = format!(
                    "DKIM signature of {signer} verifies, but with a {bits}-bit RSA key, which can be factored: it does not prove the message came from {}",
                    sig.d.as_deref().unwrap_or("the domain")
                );
                out.push(Finding::on(
                    item,
                    CHECK.meta.id,
                    Severity::Medium,
                    message,
                    evidence(),
                ));
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::test_support::{email_item_with, run_on};
    use crate::dkim::KeyStore;
    use crate::dkim::test_support::{Spec, TestKey, rsa_512_weak, rsa_2048, sign};
    use std::sync::Arc;

    const MSG: &str = "From: alice@example.org\r\nTo: bob@example.com\r\nSubject: Budget\r\nDate: Tue, 2 May 2017 09:14:01 +0200\r\nMessage-ID: <1@example.org>\r\n\r\nThe budget is 1,2 M.\r\n";

    fn cfg_with(key: &TestKey) -> Config {
        let mut cfg = Config::new(".".into());
        let store = KeyStore::from_text(
            &format!("sel._domainkey.example.org {}", key.record().unwrap()),
            "test",
        )
        .unwrap();
        cfg.dkim_keys = Some(Arc::new(store));
        cfg
    }

    #[test]
    fn a_changed_subject_is_high_and_the_genuine_message_passes() {
        let key = rsa_2048();
        let cfg = cfg_with(&key);
        let signed = sign(MSG, &Spec::default(), &key);
        let item = email_item_with(&signed, &cfg);
        assert_eq!(item.email.as_ref().unwrap().dkim[0].signature, "pass");
        assert!(run_on(&CHECK, &item, &cfg).is_empty());
        let forged = email_item_with(
            &signed.replace("Subject: Budget", "Subject: Budget revised"),
            &cfg,
        );
        let out = run_on(&CHECK, &forged, &cfg);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].severity, Severity::High);
    }

    #[test]
    fn re_folding_under_simple_is_low() {
        let key = rsa_2048();
        let cfg = cfg_with(&key);
        let signed = sign(MSG, &Spec::default(), &key);
        let refolded = signed.replace("Subject: Budget", "Subject:\r\n Budget");
        let out = run_on(&CHECK, &email_item_with(&refolded, &cfg), &cfg);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].severity, Severity::Low, "{}", out[0].message);
    }

    #[test]
    fn a_512_bit_key_is_medium_even_when_it_verifies() {
        let key = rsa_512_weak();
        let cfg = cfg_with(&key);
        let signed = sign(MSG, &Spec::default(), &key);
        let out = run_on(&CHECK, &email_item_with(&signed, &cfg), &cfg);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].severity, Severity::Medium);
        assert_eq!(
            out[0].evidence.get("key_bits"),
            Some(&serde_json::json!(512))
        );
    }

    #[test]
    fn without_keys_nothing_is_reported() {
        let signed = sign(MSG, &Spec::default(), &rsa_2048());
        let cfg = Config::new(".".into());
        let item = email_item_with(&signed.replace("Budget", "Other"), &cfg);
        assert_eq!(item.email.as_ref().unwrap().dkim[0].signature, "no-key");
        assert!(run_on(&CHECK, &item, &cfg).is_empty());
    }
}
