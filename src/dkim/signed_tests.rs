//! Messages signed here with real keys, then altered the ways leaked mail gets altered: each test pins one verdict the scanner relies on.

use std::sync::OnceLock;

use super::test_support::{Message, Spec, TestKey, ed25519, rsa_512_weak, rsa_2048, sign};
use super::{
    BodyRepair, HashAlg, HeaderRepair, KeyStore, PublicKey, SigOutcome, Verification,
    fails_only_on_whitespace, find_whitespace_repair, parse_signature, uncovered_instances,
    verify_message, verify_signature, verify_with_store,
};

const MESSAGE: &str = "From: Alice Example <alice@example.org>\r\n\
To: Bob <bob@example.net>\r\n\
Subject: Quarterly numbers, as promised, with the figures you asked for last week\r\n\
Date: Tue, 05 Mar 2024 10:00:00 +0000\r\n\
Message-ID: <1234@example.org>\r\n\
X-Tag: first\r\n\
X-Tag: second\r\n\
\r\n\
Hi Bob,  \r\n\
\r\n\
The figures\tare attached.\r\n";

/// RSA signing is slow in debug builds: load the key once.
fn rsa_key() -> &'static TestKey {
    static KEY: OnceLock<TestKey> = OnceLock::new();
    KEY.get_or_init(rsa_2048)
}

fn check(raw: &str, key: &PublicKey) -> Verification {
    let message = Message::parse(raw);
    let headers = message.headers();
    let index = message.signature_index();
    let sig = parse_signature(headers[index].1).unwrap();
    verify_message(&sig, &headers, index, &message.body, key)
}

fn repair(raw: &str, key: &PublicKey) -> Option<super::WhitespaceRepair> {
    let message = Message::parse(raw);
    let headers = message.headers();
    let index = message.signature_index();
    let sig = parse_signature(headers[index].1).unwrap();
    assert_eq!(
        find_whitespace_repair(&sig, &headers, index, &message.body, key).is_some(),
        fails_only_on_whitespace(&sig, &headers, index, &message.body, key)
    );
    find_whitespace_repair(&sig, &headers, index, &message.body, key)
}

fn spec(c: &'static str) -> Spec<'static> {
    Spec {
        c,
        ..Spec::default()
    }
}

#[test]
fn simple_and_relaxed_pass_with_both_key_types() {
    for key in [rsa_key(), &ed25519()] {
        for c in [
            "simple/simple",
            "relaxed/relaxed",
            "simple/relaxed",
            "relaxed/simple",
        ] {
            let signed = sign(MESSAGE, &spec(c), key);
            let outcome = check(&signed, &key.public().unwrap());
            assert!(outcome.passed(), "{c}: {outcome:?}");
        }
    }
}

#[test]
fn weak_rsa_key_still_verifies_and_reports_its_size() {
    let weak = rsa_512_weak();
    let public = weak.public().unwrap();
    assert_eq!(public.bits, Some(512));
    assert!(check(&sign(MESSAGE, &Spec::default(), &weak), &public).passed());
    assert_eq!(rsa_key().public().unwrap().bits, Some(2048));
}

#[test]
fn rsa_sha1_passes() {
    let signed = sign(
        MESSAGE,
        &Spec {
            hash: HashAlg::Sha1,
            ..Spec::default()
        },
        rsa_key(),
    );
    assert!(signed.contains("a=rsa-sha1;"));
    assert!(check(&signed, &rsa_key().public().unwrap()).passed());
    // A key record restricted to sha256 refuses it (RFC 6376 3.6.1 h=).
    let sha256_only = PublicKey::parse(
        &rsa_key()
            .record()
            .unwrap()
            .replace("k=rsa;", "k=rsa; h=sha256;"),
    )
    .unwrap();
    assert!(matches!(
        check(&signed, &sha256_only).signature,
        SigOutcome::Fail(_)
    ));
}

#[test]
fn body_length_limit_leaves_an_unsigned_tail() {
    for c in ["simple/simple", "relaxed/relaxed"] {
        let canonical_len = match c {
            "simple/simple" => "Hi Bob,  \r\n\r\nThe figures\tare attached.\r\n".len(),
            _ => "Hi Bob,\r\n\r\nThe figures are attached.\r\n".len(),
        } as u64;
        let signed = sign(
            MESSAGE,
            &Spec {
                c,
                l: Some(canonical_len),
                ..Spec::default()
            },
            rsa_key(),
        );
        let key = rsa_key().public().unwrap();
        let clean = check(&signed, &key);
        assert!(clean.passed(), "{c}: {clean:?}");
        assert_eq!(clean.body.unsigned_tail_len, 0);

        let appended = format!("{signed}\r\nP.S. Please wire the money to the new account.\r\n");
        let outcome = check(&appended, &key);
        assert!(outcome.passed(), "{c}: {outcome:?}");
        assert_eq!(outcome.body.signed_len, canonical_len);
        assert!(outcome.body.unsigned_tail_len > 0);

        // Cutting the body below l= is a failure, not a pass with a short hash.
        let cut = signed.replace("The figures\tare attached.\r\n", "");
        assert!(!check(&cut, &key).body.matches);
    }
}

#[test]
fn oversigned_from_rejects_an_added_from() {
    let key = ed25519();
    let plain = sign(MESSAGE, &spec("relaxed/relaxed"), &key);
    let oversigned = sign(
        MESSAGE,
        &Spec {
            c: "relaxed/relaxed",
            h: "from:from:to:subject:subject:date:message-id:cc:reply-to",
            ..Spec::default()
        },
        &key,
    );
    assert!(check(&oversigned, &key.public().unwrap()).passed());

    let injected = |signed: &str| format!("From: Mallory <ceo@example.org>\r\n{signed}");
    // Without oversigning the added From is outside the signature: it still
    // passes, and uncovered_instances points at the intruder.
    let plain_injected = injected(&plain);
    assert!(check(&plain_injected, &key.public().unwrap()).passed());
    let message = Message::parse(&plain_injected);
    let headers = message.headers();
    let sig = parse_signature(headers[1].1).unwrap();
    assert_eq!(uncovered_instances(&sig, &headers, 1), [0]);
    // With from:from the second, empty slot now takes the intruder: fail.
    let outcome = check(&injected(&oversigned), &key.public().unwrap());
    assert!(
        matches!(outcome.signature, SigOutcome::Fail(_)),
        "{outcome:?}"
    );
    // Adding an oversigned Cc that did not exist breaks it the same way.
    let with_cc = oversigned.replace("To: Bob", "Cc: eve@example.net\r\nTo: Bob");
    assert!(!check(&with_cc, &key.public().unwrap()).passed());
}

#[test]
fn repeated_fields_are_signed_bottom_up() {
    let key = ed25519();
    let signed = sign(
        MESSAGE,
        &Spec {
            h: "from:x-tag:x-tag",
            ..Spec::default()
        },
        &key,
    );
    assert!(check(&signed, &key.public().unwrap()).passed());
    let swapped = signed
        .replace("X-Tag: first", "X-Tag: FIRST")
        .replace("X-Tag: second", "X-Tag: first")
        .replace("X-Tag: FIRST", "X-Tag: second");
    assert!(!check(&swapped, &key.public().unwrap()).passed());
    // Signing only one instance covers the last one: the first may change.
    let last_only = sign(
        MESSAGE,
        &Spec {
            h: "from:x-tag",
            ..Spec::default()
        },
        &key,
    );
    let changed_first = last_only.replace("X-Tag: first", "X-Tag: changed");
    assert!(check(&changed_first, &key.public().unwrap()).passed());
    let changed_last = last_only.replace("X-Tag: second", "X-Tag: changed");
    assert!(!check(&changed_last, &key.public().unwrap()).passed());
}

#[test]
fn lf_and_crlf_give_the_same_result() {
    for c in ["simple/simple", "relaxed/relaxed"] {
        let signed = sign(MESSAGE, &spec(c), rsa_key());
        let key = rsa_key().public().unwrap();
        let crlf = check(&signed, &key);
        let lf = check(&signed.replace("\r\n", "\n"), &key);
        assert!(crlf.passed() && lf.passed(), "{c}");
        assert_eq!(crlf, lf);
    }
}

#[test]
fn trailing_empty_lines_are_ignored() {
    let key = ed25519();
    let with_blank_tail = MESSAGE.replace("attached.\r\n", "attached.\r\n\r\n\r\n\r\n");
    for c in ["simple/simple", "relaxed/relaxed"] {
        let signed = sign(MESSAGE, &spec(c), &key);
        // The same message stored with extra blank lines still verifies.
        let padded = signed.replace("attached.\r\n", "attached.\r\n\r\n\r\n\r\n");
        assert!(check(&padded, &key.public().unwrap()).passed(), "{c}");
        let signed_padded = sign(&with_blank_tail, &spec(c), &key);
        assert!(
            check(&signed_padded, &key.public().unwrap()).passed(),
            "{c}"
        );
    }
    // Simple reduces the tail to one CRLF; relaxed drops blank-looking lines too.
    let simple = check(
        &sign(&with_blank_tail, &spec("simple/simple"), &key),
        &key.public().unwrap(),
    );
    let simple_canonical = "Hi Bob,  \r\n\r\nThe figures\tare attached.\r\n";
    assert_eq!(simple.body.canonical_len, simple_canonical.len() as u64);
    let spaced_tail = MESSAGE.replace("attached.\r\n", "attached.\r\n \t\r\n\r\n");
    let relaxed = sign(&spaced_tail, &spec("relaxed/relaxed"), &key);
    let outcome = check(&relaxed, &key.public().unwrap());
    assert!(outcome.passed());
    let relaxed_canonical = "Hi Bob,\r\n\r\nThe figures are attached.\r\n";
    assert_eq!(outcome.body.canonical_len, relaxed_canonical.len() as u64);
    // Under simple a line of spaces is not empty: adding one fails.
    let simple_signed = sign(MESSAGE, &spec("simple/simple"), &key);
    let spaced = simple_signed.replace("attached.\r\n", "attached.\r\n \r\n");
    assert!(!check(&spaced, &key.public().unwrap()).body.matches);
}

#[test]
fn empty_body() {
    let key = ed25519();
    let headers_only = MESSAGE.split("\r\n\r\n").next().unwrap().to_string() + "\r\n\r\n";
    for (c, len) in [("simple/simple", 2), ("relaxed/relaxed", 0)] {
        let signed = sign(&headers_only, &spec(c), &key);
        let outcome = check(&signed, &key.public().unwrap());
        assert!(outcome.passed(), "{c}: {outcome:?}");
        assert_eq!(outcome.body.canonical_len, len);
        // A lone CRLF body is the same canonical body.
        assert!(check(&format!("{signed}\r\n"), &key.public().unwrap()).passed());
        // And so is a message with no blank line at all.
        let no_separator = signed.strip_suffix("\r\n").unwrap();
        assert!(check(no_separator, &key.public().unwrap()).passed(), "{c}");
    }
}

#[test]
fn modified_subject_fails_signature_but_not_body() {
    for c in ["simple/simple", "relaxed/relaxed"] {
        let signed = sign(MESSAGE, &spec(c), rsa_key());
        let forged = signed.replace("Quarterly numbers", "Quarterly numbers (revised)");
        let key = rsa_key().public().unwrap();
        let outcome = check(&forged, &key);
        assert!(outcome.body.matches);
        assert!(
            matches!(outcome.signature, SigOutcome::Fail(_)),
            "{outcome:?}"
        );
        assert!(repair(&forged, &key).is_none(), "{c}");
    }
}

/// The long Subject re-folded the way an MTA folds at 78 characters.
fn refold(signed: &str) -> String {
    signed.replace("as promised, with", "as promised,\r\n with")
}

#[test]
fn refolded_header_passes_relaxed() {
    let key = ed25519();
    let signed = sign(MESSAGE, &spec("relaxed/relaxed"), &key);
    assert!(check(&refold(&signed), &key.public().unwrap()).passed());
    let tab_folded = signed.replace("as promised, with", "as promised,\r\n\t  with");
    assert!(check(&tab_folded, &key.public().unwrap()).passed());
    // Nothing failed, so there is nothing to repair.
    assert!(repair(&refold(&signed), &key.public().unwrap()).is_none());
}

#[test]
fn refolded_header_fails_simple_but_only_on_whitespace() {
    let signed = sign(MESSAGE, &spec("simple/simple"), rsa_key());
    let key = rsa_key().public().unwrap();
    let refolded = refold(&signed);
    let outcome = check(&refolded, &key);
    assert!(outcome.body.matches);
    assert!(matches!(outcome.signature, SigOutcome::Fail(_)));
    let found = repair(&refolded, &key).unwrap();
    assert_eq!(found.header, HeaderRepair::Unfolded);
    assert_eq!(found.body, BodyRepair::Unchanged);
    assert!(!found.signature_field_refolded);

    // A fold that replaced the space with CRLF TAB needs the folds-to-space rewrite.
    let tab_refolded = signed.replace("as promised, with", "as promised,\r\n\twith");
    assert_eq!(
        repair(&tab_refolded, &key).unwrap().header,
        HeaderRepair::FoldsToSpace
    );

    // Re-folding plus a real change is not "only whitespace".
    let changed = refold(&signed).replace("Bob <bob@", "Rob <bob@");
    assert!(repair(&changed, &key).is_none());
}

#[test]
fn refolded_signature_field_is_repaired_too() {
    let key = rsa_key().public().unwrap();
    // Signed with a one-line DKIM-Signature, then every long field re-folded
    // on the way, the DKIM-Signature included.
    let one_line = Spec {
        folded: false,
        ..Spec::default()
    };
    let signed = sign(MESSAGE, &one_line, rsa_key());
    let refolded = refold(&signed).replacen(" h=", "\r\n h=", 1);
    assert!(!check(&refolded, &key).passed());
    let found = repair(&refolded, &key).unwrap();
    assert_eq!(found.header, HeaderRepair::Unfolded);
    assert!(found.signature_field_refolded);

    // The reverse cannot be undone: folds that an archiver removed are gone,
    // and their positions are unknown. No repair is claimed.
    let folded = sign(MESSAGE, &spec("simple/simple"), rsa_key());
    let unfolded = folded.replace("\r\n\t", "\t");
    assert!(!check(&unfolded, &key).passed());
    assert!(repair(&unfolded, &key).is_none());
}

#[test]
fn trailing_whitespace_added_to_body_is_repaired_under_simple() {
    let key = ed25519();
    let signed = sign(MESSAGE, &spec("simple/simple"), &key);
    let padded = signed.replace("attached.\r\n", "attached.   \r\n");
    let outcome = check(&padded, &key.public().unwrap());
    assert!(!outcome.body.matches);
    assert_eq!(outcome.signature, SigOutcome::Pass);
    let found = repair(&padded, &key.public().unwrap());
    // "Hi Bob,  " had trailing spaces when signed: stripping them all breaks
    // that line, so no repair applies here; a body without them does repair.
    assert!(found.is_none());
    let clean_body = MESSAGE.replace("Hi Bob,  ", "Hi Bob,");
    let signed = sign(&clean_body, &spec("simple/simple"), &key);
    let padded = signed.replace("attached.\r\n", "attached.   \r\n");
    let found = repair(&padded, &key.public().unwrap()).unwrap();
    assert_eq!(
        (found.header, found.body),
        (
            HeaderRepair::Unchanged,
            BodyRepair::TrailingWhitespaceRemoved
        )
    );
    let changed_body = padded.replace("figures", "figure");
    assert!(repair(&changed_body, &key.public().unwrap()).is_none());
}

#[test]
fn key_outcomes() {
    let key = ed25519();
    let signed = sign(MESSAGE, &spec("relaxed/relaxed"), &key);
    let message = Message::parse(&signed);
    let headers = message.headers();
    let sig = parse_signature(headers[0].1).unwrap();

    let revoked = PublicKey::parse("v=DKIM1; k=ed25519; p=").unwrap();
    assert_eq!(
        verify_signature(&sig, &headers, 0, &revoked),
        SigOutcome::KeyRevoked
    );
    assert!(!fails_only_on_whitespace(
        &sig,
        &headers,
        0,
        &message.body,
        &revoked
    ));

    let store = KeyStore::from_text(
        &format!("sel._domainkey.EXAMPLE.org {}", key.record().unwrap()),
        "t",
    )
    .unwrap();
    assert_eq!(
        verify_with_store(&sig, &headers, 0, &store),
        SigOutcome::Pass
    );
    let other = KeyStore::from_text("other._domainkey.example.org v=DKIM1; p=", "t").unwrap();
    assert_eq!(
        verify_with_store(&sig, &headers, 0, &other),
        SigOutcome::NoKey
    );

    // An RSA key for an Ed25519 signature.
    assert!(matches!(
        verify_signature(&sig, &headers, 0, &rsa_key().public().unwrap()),
        SigOutcome::Fail(_)
    ));
    // A key not for email (s=) and a strict-identity key (t=s) with i= in a subdomain.
    let web_only = PublicKey::parse(&format!("{}; s=web", key.record().unwrap())).unwrap();
    assert!(matches!(
        verify_signature(&sig, &headers, 0, &web_only),
        SigOutcome::Fail(_)
    ));
    let strict = PublicKey::parse(&format!("{}; t=s", key.record().unwrap())).unwrap();
    let sub_auid = parse_signature(
        &headers[0]
            .1
            .replace("d=example.org;", "d=example.org; i=@mail.example.org;"),
    )
    .unwrap();
    match verify_signature(&sub_auid, &headers, 0, &strict) {
        SigOutcome::Fail(why) => assert!(why.contains("t=s"), "{why}"),
        other => panic!("{other:?}"),
    }
    let unsupported =
        parse_signature(&headers[0].1.replace("ed25519-sha256", "ed448-sha512")).unwrap();
    assert!(matches!(
        verify_signature(&unsupported, &headers, 0, &key.public().unwrap()),
        SigOutcome::Unsupported(_)
    ));
}
