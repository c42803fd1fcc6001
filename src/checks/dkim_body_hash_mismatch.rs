//! `dkim-body-hash-mismatch`: the body is no longer the one the sending domain signed.
//!
//! The body hash (bh=) of a DKIM-Signature fixes the body as it left the
//! signer. It is checked offline, with no key and no DNS: if the stored body
//! hashes differently, the body was changed after signing. Years-old leaks
//! keep this property, which makes it one of the strongest tests there is.

use super::{Check, CheckMeta, Run, Scope};
use crate::config::Config;
use crate::finding::{Evidence, Finding, Severity};
use crate::item::Item;
use crate::parse::dkim_facts::DkimFacts;
use crate::parse::email::Source;

pub static CHECK: Check = Check {
    meta: CheckMeta {
        id: "dkim-body-hash-mismatch",
        severity: Severity::High,
        scope: Scope::Item,
        summary: "A DKIM-Signature's body hash (bh=) does not match the body: the text changed after it was signed.",
        doc: "\
**What it detects.** For each DKIM-Signature, the body is canonicalised with the \
signature's c= body algorithm (simple or relaxed, RFC 6376 3.4.3-3.4.4), cut at l= when \
present, hashed with a=, and compared with bh=. Works offline: no key, no DNS.

**Severity.** **High** when the hash does not match. **Low** when the message is \
mailing-list traffic (List-Id, List-Unsubscribe or List-Post) and the hash matches once a \
few trailing lines are removed: the list appended its footer after the sender signed; the \
evidence says how many lines. Also **low** for a message attached to another message \
(message/rfc822): clients re-encode what they attach (in the real-mail corpus, the one \
mismatching signature is on an Outlook-forwarded attachment). **Medium** when the hash matches but the signature has l= \
and text follows the signed length: whatever follows was appended without breaking the \
signature (low on list mail, where a footer is the usual reason).

**Why it matters.** A body edited after sending (a changed amount, a removed sentence) \
cannot keep its domain's body hash. A forger who edits a real message either drops the \
signature or leaves a mismatching one.

**False positives.** Lists that add footers (handled as above when the footer is plain \
text at the end; not when it was added inside base64 or as a new MIME part), gateways \
that rewrite bodies (disclaimers, link rewriting, antivirus banners), and mbox files whose \
writer quoted `From ` lines without mboxrd (`>From` cannot be unquoted safely). On the \
3,000 real list messages all 1,588 signatures of the messages themselves match.",
    },
    run: Run::Item(run),
};

fn run(item: &Item, _cfg: &Config, out: &mut Vec<Finding>) {
    let Some(email) = item.email.as_deref() else {
        return;
    };
    let list = email.header_names.iter().any(|h| {
        ["list-id", "list-unsubscribe", "list-post"]
            .iter()
            .any(|l| h.eq_ignore_ascii_case(l))
    });
    for sig in &email.dkim {
        if sig.body_hash == "fail" {
            let (severity, reason) = match &sig.matches_without_trailing_lines {
                Some(cut) => (
                    Severity::Low,
                    format!(
                        "the body matches once its last {} lines ({} bytes) are removed: a mailing-list footer appended after signing",
                        cut.lines, cut.bytes
                    ),
                ),
                None if email.source == Source::Attachment => (
                    Severity::Low,
                    "this copy is attached to another message, and clients re-encode messages they attach (Outlook does): compare with a standalone copy".to_string(),
                ),
                None => (
                    Severity::High,
                    "the body was changed after the domain signed it".to_string(),
                ),
            };
            let message = format!(
                "DKIM body hash of {} does not match the body: {reason}",
                signer(sig)
            );
            out.push(Finding::on(
                item,
                CHECK.meta.id,
                severity,
                message,
                evidence(sig).with("reason", reason),
            ));
        } else if sig.body_hash == "pass"
            && let Some(tail) = sig.unsigned_tail_bytes
        {
            let severity = if list {
                Severity::Low
            } else {
                Severity::Medium
            };
            let reason = if list {
                "mailing-list traffic: a list footer after the signed length is the usual reason"
            } else {
                "text after the signed length can be appended by anyone without breaking the signature"
            };
            let message = format!(
                "DKIM signature of {} covers only the first {} bytes of the body (l=); {tail} bytes follow that nobody signed",
                signer(sig),
                sig.l.unwrap_or_default()
            );
            out.push(Finding::on(
                item,
                CHECK.meta.id,
                severity,
                message,
                evidence(sig)
                    .with("unsigned_tail_bytes", tail)
                    .with("reason", reason),
            ));
        }
    }
}

fn signer(sig: &DkimFacts) -> String {
    format!(
        "d={} s={}",
        sig.d.as_deref().unwrap_or("?"),
        sig.s.as_deref().unwrap_or("?")
    )
}

fn evidence(sig: &DkimFacts) -> Evidence {
    Evidence::new()
        .with("dkim_signature_line", sig.line.clone())
        .with("d", sig.d.clone())
        .with("s", sig.s.clone())
        .with("c", sig.c.clone())
        .with("l", sig.l)
        .with("bh_signed", sig.bh.clone())
        .with("bh_computed", sig.bh_computed.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::test_support::{email_item, run_on};
    use crate::dkim::test_support::{Spec, rsa_2048, sign};

    const MSG: &str = "From: alice@example.org\r\nTo: bob@example.com\r\nSubject: Budget\r\nDate: Tue, 2 May 2017 09:14:01 +0200\r\nMessage-ID: <1@example.org>\r\n\r\nThe budget is 1,2 M.\r\n";

    fn check(raw: &str) -> Vec<Finding> {
        run_on(&CHECK, &email_item(raw), &Config::new(".".into()))
    }

    #[test]
    fn an_edited_body_is_high() {
        let signed = sign(MSG, &Spec::default(), &rsa_2048());
        assert!(check(&signed).is_empty());
        let out = check(&signed.replace("1,2", "4,8"));
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].severity, Severity::High);
        assert_ne!(
            out[0].evidence.get("bh_signed"),
            out[0].evidence.get("bh_computed")
        );
    }

    #[test]
    fn relaxed_signature_survives_whitespace_and_lf() {
        let spec = Spec {
            c: "relaxed/relaxed",
            ..Spec::default()
        };
        let signed = sign(MSG, &spec, &rsa_2048());
        let mangled = signed
            .replace("1,2 M.", "1,2   M.   ")
            .replace("\r\n", "\n");
        assert!(check(&mangled).is_empty());
    }

    #[test]
    fn a_list_footer_is_low() {
        let signed = sign(MSG, &Spec::default(), &rsa_2048());
        let list = format!(
            "List-Id: <team.example.org>\r\n{signed}_______________________________________________\r\nteam mailing list\r\nteam@example.org\r\n"
        );
        let out = check(&list);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].severity, Severity::Low);
        assert!(
            out[0].message.contains("last 3 lines"),
            "{}",
            out[0].message
        );
    }

    #[test]
    fn text_appended_after_l_is_medium() {
        let spec = Spec {
            l: Some(22),
            ..Spec::default()
        };
        let signed = sign(MSG, &spec, &rsa_2048());
        let out = check(&format!(
            "{signed}P.S. Transfer it to account 12345 today.\r\n"
        ));
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].severity, Severity::Medium);
        assert_eq!(
            out[0].evidence.get("unsigned_tail_bytes"),
            Some(&serde_json::json!(42))
        );
    }
}
