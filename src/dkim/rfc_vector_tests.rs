//! Published test vectors, signed by other implementations: they catch errors that a signer sharing our canonicalisation code would hide.

use super::test_support::Message;
use super::{
    KeyStore, PublicKey, SigOutcome, check_body_hash, parse_signature, verify_message,
    verify_signature, verify_with_store,
};

/// RFC 8463 Appendix A.3, byte for byte: lines joined with CRLF, the RFC's
/// page indent removed, fold lines starting with one SP.
const RFC8463_MESSAGE: &str = "DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed;\r\n \
d=football.example.com; i=@football.example.com;\r\n \
q=dns/txt; s=brisbane; t=1528637909; h=from : to :\r\n \
subject : date : message-id : from : subject : date;\r\n \
bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;\r\n \
b=/gCrinpcQOoIfuHNQIbq4pgh9kyIK3AQUdt9OdqQehSwhEIug4D11Bus\r\n \
Fa3bT3FY5OsU7ZbnKELq+eXdp1Q1Dw==\r\n\
DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed;\r\n \
d=football.example.com; i=@football.example.com;\r\n \
q=dns/txt; s=test; t=1528637909; h=from : to : subject :\r\n \
date : message-id : from : subject : date;\r\n \
bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;\r\n \
b=F45dVWDfMbQDGHJFlXUNB2HKfbCeLRyhDXgFpEL8GwpsRe0IeIixNTe3\r\n \
DhCVlUrSjV4BwcVcOF6+FF3Zo9Rpo1tFOeS9mPYQTnGdaSGsgeefOsk2Jz\r\n \
dA+L10TeYt9BgDfQNZtKdN1WO//KgIqXP7OdEFE4LjFYNcUxZQ4FADY+8=\r\n\
From: Joe SixPack <joe@football.example.com>\r\n\
To: Suzie Q <suzie@shopping.example.net>\r\n\
Subject: Is dinner ready?\r\n\
Date: Fri, 11 Jul 2003 21:00:37 -0700 (PDT)\r\n\
Message-ID: <20030712040037.46341.5F8J@football.example.com>\r\n\
\r\n\
Hi.\r\n\
\r\n\
We lost the game.  Are you hungry yet?\r\n\
\r\n\
Joe.\r\n";

/// RFC 8463 Appendix A.2, written as a zone file would hold it.
const RFC8463_ZONE: &str = "\
brisbane._domainkey.football.example.com. IN TXT (\r\n \
\"v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\")\r\n\
\r\n\
test._domainkey.football.example.com. IN TXT (\r\n \
\"v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWR\"\r\n \
\"iGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91y3FutAC\"\r\n \
\"DfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3\"\r\n \
\"Ip3G+2kryOTIKT+l/K4w3QIDAQAB\")\r\n";

fn rfc8463_store() -> KeyStore {
    KeyStore::from_text(RFC8463_ZONE, "rfc8463").unwrap()
}

#[test]
fn rfc8463_both_signatures_pass() {
    let store = rfc8463_store();
    let message = Message::parse(RFC8463_MESSAGE);
    let headers = message.headers();
    assert_eq!(headers.len(), 7);
    for (index, selector) in [(0, "brisbane"), (1, "test")] {
        let sig = parse_signature(headers[index].1).unwrap();
        assert_eq!(sig.s, selector);
        assert_eq!(sig.h.len(), 8);
        let key = store.get(&sig.s, &sig.d).unwrap();
        let outcome = verify_message(&sig, &headers, index, &message.body, key);
        assert_eq!(
            outcome.body.computed_b64,
            "2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8="
        );
        assert!(outcome.passed(), "{selector}: {outcome:?}");
        assert_eq!(
            verify_with_store(&sig, &headers, index, &store),
            SigOutcome::Pass
        );
    }
    assert_eq!(
        store.get("test", "football.example.com").unwrap().bits,
        Some(1024)
    );
}

#[test]
fn rfc8463_with_lf_line_endings_still_passes() {
    let store = rfc8463_store();
    let message = Message::parse(&RFC8463_MESSAGE.replace("\r\n", "\n"));
    let headers = message.headers();
    for index in [0, 1] {
        let sig = parse_signature(headers[index].1).unwrap();
        let key = store.get(&sig.s, &sig.d).unwrap();
        assert!(verify_message(&sig, &headers, index, &message.body, key).passed());
    }
}

#[test]
fn rfc8463_flipped_body_character_fails() {
    let store = rfc8463_store();
    let tampered = RFC8463_MESSAGE.replace("We lost the game", "We won the game");
    let message = Message::parse(&tampered);
    let headers = message.headers();
    for index in [0, 1] {
        let sig = parse_signature(headers[index].1).unwrap();
        let key = store.get(&sig.s, &sig.d).unwrap();
        let outcome = verify_message(&sig, &headers, index, &message.body, key);
        assert!(!outcome.body.matches);
        assert!(!outcome.passed());
        // The header fields and bh= are untouched, so their signature still
        // verifies: the report can say that only the body changed.
        assert_eq!(outcome.signature, SigOutcome::Pass);
    }
}

#[test]
fn rfc8463_flipped_header_character_fails() {
    let store = rfc8463_store();
    let tampered = RFC8463_MESSAGE.replace("Is dinner ready?", "Is dinner ready!");
    let message = Message::parse(&tampered);
    let headers = message.headers();
    for index in [0, 1] {
        let sig = parse_signature(headers[index].1).unwrap();
        let key = store.get(&sig.s, &sig.d).unwrap();
        let outcome = verify_message(&sig, &headers, index, &message.body, key);
        assert!(outcome.body.matches);
        assert!(
            matches!(outcome.signature, SigOutcome::Fail(_)),
            "{outcome:?}"
        );
    }
}

#[test]
fn rfc8463_wrong_key_fails() {
    let store = rfc8463_store();
    let message = Message::parse(RFC8463_MESSAGE);
    let headers = message.headers();
    let ed_sig = parse_signature(headers[0].1).unwrap();
    let rsa_key = store.get("test", "football.example.com").unwrap();
    assert!(matches!(
        verify_signature(&ed_sig, &headers, 0, rsa_key),
        SigOutcome::Fail(_)
    ));
    // Right type, wrong key: the RFC 8463 RSA key against a foreign RSA signature.
    let foreign = Message::parse(SIMPLE_MESSAGE);
    let foreign_headers = foreign.headers();
    let foreign_sig = parse_signature(foreign_headers[0].1).unwrap();
    assert!(matches!(
        verify_signature(&foreign_sig, &foreign_headers, 0, rsa_key),
        SigOutcome::Fail(_)
    ));
}

/// A c=simple/simple rsa-sha256 vector signed by go-msgauth (its dkim
/// verify tests) over the RFC 6376 Appendix A message, with the RFC 6376
/// Appendix C key. Folds start with six spaces; the Received field is signed.
const SIMPLE_MESSAGE: &str = "DKIM-Signature: v=1; a=rsa-sha256; s=brisbane; d=example.com;\r\n      \
c=simple/simple; q=dns/txt; i=joe@football.example.com;\r\n      \
h=Received : From : To : Subject : Date : Message-ID;\r\n      \
bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;\r\n      \
b=AuUoFEfDxTDkHlLXSZEpZj79LICEps6eda7W3deTVFOk4yAUoqOB\r\n      \
4nujc7YopdG5dWLSdNg6xNAZpOPr+kHxt1IrE+NahM6L/LbvaHut\r\n      \
KVdkLLkpVaVVQPzeRDI009SO2Il5Lu7rDNH6mZckBdrIx0orEtZV\r\n      \
4bmp/YzhwvcubU4=;\r\n\
Received: from client1.football.example.com  [192.0.2.1]\r\n      \
by submitserver.example.com with SUBMISSION;\r\n      \
Fri, 11 Jul 2003 21:01:54 -0700 (PDT)\r\n\
From: Joe SixPack <joe@football.example.com>\r\n\
To: Suzie Q <suzie@shopping.example.net>\r\n\
Subject: Is dinner ready?\r\n\
Date: Fri, 11 Jul 2003 21:00:37 -0700 (PDT)\r\n\
Message-ID: <20030712040037.46341.5F8J@football.example.com>\r\n\
\r\n\
Hi.\r\n\
\r\n\
We lost the game. Are you hungry yet?\r\n\
\r\n\
Joe.\r\n";

/// RFC 6376 Appendix C.
const RFC6376_KEY: &str = "v=DKIM1; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDwIRP/UC3SBsEmGqZ9ZJW3/DkMoGeLnQg1fWn7/zYtIxN2SnFCjxOCKG9v3b4jYfcTNh5ijSsq631uBItLa7od+v/RtdC2UzJ1lWT947qR+Rcac2gbto/NMqJ0fzfVjH4OuKhitdY9tf6mcwGjaNBcWToIMmPSPDdQPNUYckcQ2QIDAQAB";

#[test]
fn simple_simple_vector_passes() {
    let key = PublicKey::parse(RFC6376_KEY).unwrap();
    let message = Message::parse(SIMPLE_MESSAGE);
    let headers = message.headers();
    let sig = parse_signature(headers[0].1).unwrap();
    let outcome = verify_message(&sig, &headers, 0, &message.body, &key);
    assert!(outcome.passed(), "{outcome:?}");

    // Under simple, even a re-folded Received field breaks the signature.
    let refolded = SIMPLE_MESSAGE.replace("SUBMISSION;\r\n      Fri", "SUBMISSION; Fri");
    let message = Message::parse(&refolded);
    let headers = message.headers();
    assert!(matches!(
        verify_signature(&sig, &headers, 0, &key),
        SigOutcome::Fail(_)
    ));
    assert!(check_body_hash(&sig, &message.body).matches);
}
