//! `dkim-domain-misaligned`: no DKIM signature comes from the From domain.
//!
//! A signature vouches for its d= domain, not for the From address. Mail
//! from alice@example.fr signed only by an unrelated domain was not
//! authenticated by example.fr: a forger relaying through another service
//! leaves this trace.

use super::{Check, CheckMeta, Run, Scope};
use crate::config::Config;
use crate::domain::{address_domain, is_same_or_subdomain, org_domain};
use crate::finding::{Evidence, Finding, Severity};
use crate::item::Item;

pub static CHECK: Check = Check {
    meta: CheckMeta {
        id: "dkim-domain-misaligned",
        severity: Severity::Low,
        scope: Scope::Item,
        summary: "The message is DKIM-signed, but no signature's d= domain is the From domain or a parent of it.",
        doc: "\
**What it detects.** A signed message none of whose DKIM-Signature d= domains equals the \
From address's domain or is a parent of it (`d=example.fr` aligns with \
`alice@mail.example.fr`). A signature by the same organisation (same registrable domain, \
e.g. `d=corp.example.fr` for `alice@example.fr`) also counts as aligned, as DMARC's \
relaxed alignment does.

**Why it matters.** Weak on its own (low): the domain in From did not sign, someone else \
did. Combined with other findings it points at a message sent through a service the \
claimed sender does not use.

**Not flagged.** Mailing-list traffic whose signature comes from the list's own domain \
(the List-Id domain or a parent of it): lists re-sign what they distribute; in the \
real-mail corpus every dm-devel message is signed by redhat.com whatever its From. \
**Info, not low,** when every signer is a mail provider that signs for its customers' \
domains (Gmail's 'send mail as', Microsoft 365 tenants without custom DKIM signing as \
`tenant.onmicrosoft.com`, Amazon SES, SendGrid, Mailgun, Mailchimp...): in the real-mail \
corpus 334 of 3,000 messages are such (a kernel maintainer who sends as his own domain \
through Gmail, companies on Microsoft 365). A sender's usual signer is a matter for \
sender profiles. **False positives** at low: other hosted mail and forwarding services.",
    },
    run: Run::Item(run),
};

fn run(item: &Item, _cfg: &Config, out: &mut Vec<Finding>) {
    let Some(email) = item.email.as_deref() else {
        return;
    };
    if email.dkim.is_empty() {
        return;
    }
    let Some(from_address) = email.from.first().and_then(|m| m.address.as_deref()) else {
        return;
    };
    let Some(from_domain) = address_domain(from_address) else {
        return;
    };
    let from_org = org_domain(&from_domain);
    let list_domain = email.list_id.as_deref().and_then(list_id_domain);
    let domains: Vec<String> = email
        .dkim
        .iter()
        .filter_map(|s| s.d.as_deref())
        .map(|d| d.trim().to_ascii_lowercase())
        .collect();
    let aligned = domains.iter().any(|d| {
        is_same_or_subdomain(&from_domain, d)
            || (from_org.is_some() && org_domain(d) == from_org)
            || list_domain
                .as_deref()
                .is_some_and(|l| is_same_or_subdomain(l, d))
    });
    if aligned || domains.is_empty() {
        return;
    }
    let provider = domains.iter().all(|d| is_sending_provider(d));
    let (severity, reason) = if provider {
        (
            Severity::Info,
            "signed only by a mail provider that sends on behalf of its customers' own domains",
        )
    } else {
        (
            Severity::Low,
            "the From domain did not sign; an unrelated domain did",
        )
    };
    let message = format!(
        "Signed by {} but sent as {from_address}: no signature from {from_domain}",
        domains
            .iter()
            .map(|d| format!("d={d}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let evidence = Evidence::new()
        .with("from_address", from_address)
        .with("from_domain", from_domain.clone())
        .with("dkim_domains", domains.clone())
        .with(
            "dkim_signature_lines",
            email
                .dkim
                .iter()
                .map(|s| s.line.clone())
                .collect::<Vec<_>>(),
        )
        .with("reason", reason);
    out.push(Finding::on(
        item,
        CHECK.meta.id,
        severity,
        message,
        evidence,
    ));
}

/// Providers that sign with their own domain for mail sent as their
/// customers' domains: Gmail "send mail as", Microsoft 365 tenants without
/// custom DKIM (`tenant.onmicrosoft.com`), bulk senders.
const SENDING_PROVIDERS: &[&str] = &[
    "gmail.com",
    "googlemail.com",
    "onmicrosoft.com",
    "outlook.com",
    "amazonses.com",
    "sendgrid.net",
    "mailgun.org",
    "mcsv.net",
    "mandrillapp.com",
    "sparkpostmail.com",
    "zoho.com",
    "zohomail.com",
    "messagingengine.com",
    "mailjet.com",
];

fn is_sending_provider(d: &str) -> bool {
    SENDING_PROVIDERS.iter().any(|p| is_same_or_subdomain(d, p))
}

/// `Team list <team.example.fr>` -> `team.example.fr` (RFC 2919 list-id).
fn list_id_domain(list_id: &str) -> Option<String> {
    let inner = match (list_id.rfind('<'), list_id.rfind('>')) {
        (Some(a), Some(b)) if a < b => &list_id[a + 1..b],
        _ => list_id,
    };
    let inner = inner.trim().to_ascii_lowercase();
    inner.contains('.').then_some(inner)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::test_support::{email_item, run_on};

    fn check(headers: &str) -> Vec<Finding> {
        let raw =
            format!("{headers}To: b@example.com\nDate: Tue, 2 May 2017 09:14:01 +0200\n\nbody\n");
        run_on(&CHECK, &email_item(&raw), &Config::new(".".into()))
    }

    const SIG_OTHER: &str =
        "DKIM-Signature: v=1; a=rsa-sha256; d=mailer.example.net; s=s1; h=from; bh=AAAA; b=BBBB\n";

    #[test]
    fn unrelated_signer_is_low() {
        let out = check(&format!("{SIG_OTHER}From: Alice <alice@example.fr>\n"));
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].severity, Severity::Low);
        assert!(out[0].message.contains("d=mailer.example.net"));
    }

    #[test]
    fn provider_signatures_are_info() {
        let sig =
            "DKIM-Signature: v=1; a=rsa-sha256; d=gmail.com; s=20230601; h=from; bh=AAAA; b=BBBB\n";
        let out = check(&format!("{sig}From: Guenter <linux@roeck-us.net>\n"));
        assert_eq!(out[0].severity, Severity::Info);
        let sig = "DKIM-Signature: v=1; a=rsa-sha256; d=analog.onmicrosoft.com; s=s2; h=from; bh=AAAA; b=BBBB\n";
        let out = check(&format!("{sig}From: a@analog.com\n"));
        assert_eq!(out[0].severity, Severity::Info);
    }

    #[test]
    fn parent_and_same_organisation_signers_align() {
        let sig =
            "DKIM-Signature: v=1; a=rsa-sha256; d=example.fr; s=s1; h=from; bh=AAAA; b=BBBB\n";
        assert!(check(&format!("{sig}From: alice@mail.example.fr\n")).is_empty());
        let sig =
            "DKIM-Signature: v=1; a=rsa-sha256; d=corp.example.fr; s=s1; h=from; bh=AAAA; b=BBBB\n";
        assert!(check(&format!("{sig}From: alice@example.fr\n")).is_empty());
    }

    #[test]
    fn list_resigning_and_unsigned_mail_are_quiet() {
        let sig =
            "DKIM-Signature: v=1; a=rsa-sha256; d=redhat.com; s=s1; h=from; bh=AAAA; b=BBBB\n";
        assert!(check(&format!("{sig}List-Id: device-mapper development <dm-devel.redhat.com>\nFrom: someone@gmail.com\n")).is_empty());
        assert!(check("From: alice@example.fr\n").is_empty());
    }
}
