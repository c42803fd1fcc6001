//! Unit tests of `mailer-fingerprint-mismatch` on synthetic messages: forgeries, a weak case, and real-world benign shapes.

use super::*;
use crate::checks::test_support::email_item;
use serde_json::json;

fn check(raw: &str) -> Vec<Finding> {
    let item = email_item(raw);
    let mut out = Vec::new();
    run(&item, &Config::new(".".into()), &mut out);
    out
}

/// A multipart/alternative message with the given extra headers and boundary.
fn multipart(headers: &str, boundary: &str) -> String {
    format!(
        "From: Jane Doe <jane@example.org>\nTo: bob@example.net\nSubject: Q3\n\
         Date: Tue, 12 Sep 2023 10:15:00 +0200\n{headers}MIME-Version: 1.0\n\
         Content-Type: multipart/alternative; boundary=\"{boundary}\"\n\n\
         --{boundary}\nContent-Type: text/plain\n\nhello\n\
         --{boundary}\nContent-Type: text/html\n\n<p>hello</p>\n--{boundary}--\n"
    )
}

fn plain(headers: &str) -> String {
    format!(
        "From: Jane Doe <jane@example.org>\nTo: bob@example.net\nSubject: Q3\n\
         Date: Tue, 12 Sep 2023 10:15:00 +0200\n{headers}MIME-Version: 1.0\n\
         Content-Type: text/plain; charset=utf-8\n\nhello\n"
    )
}

const APPLE_ID: &str = "Message-Id: <5F1C2E3D-4A5B-4C6D-8E7F-901A2B3C4D5E@example.org>\n";
const APPLE_BOUNDARY: &str = "Apple-Mail=_3C9A1F2E-7B4D-4E5F-A6B7-C8D9E0F1A2B3";
const EXO_ID: &str = "Message-ID: <DM6PR11MB41234A5B6C7D8E9F0A1B2C3D4E5F6A7B@DM6PR11MB4123.namprd11.prod.outlook.com>\n";
const EXO_BOUNDARY: &str = "_000_DM6PR11MB41234A5B6C7D8E9F0A1B2C3D4E5F6A7BDM6PR11MB4123namp_";

#[test]
fn outlook_claim_with_apple_boundary_and_uuid_is_medium() {
    let out = check(&multipart(
        &format!("X-Mailer: Microsoft Outlook 16.0\nThread-Index: AdnlqQx7\n{APPLE_ID}"),
        APPLE_BOUNDARY,
    ));
    assert_eq!(out.len(), 1);
    let f = &out[0];
    assert_eq!(f.severity, Severity::Medium);
    assert_eq!(
        f.message,
        "X-Mailer names Outlook, but its Message-ID has the format of Apple Mail, Outlook for Mac or K-9 Mail \
         and its MIME boundary has the format of Apple Mail"
    );
    let e = &f.evidence;
    assert_eq!(
        e.get("claimed"),
        Some(&json!("X-Mailer: Microsoft Outlook 16.0"))
    );
    assert_eq!(e.get("claimed_version"), Some(&json!("16.0")));
    assert_eq!(
        e.get("message_id"),
        Some(&json!(
            "Message-Id: <5F1C2E3D-4A5B-4C6D-8E7F-901A2B3C4D5E@example.org>"
        ))
    );
    assert_eq!(
        e.get("message_id_shape"),
        Some(&json!("<UUID-UPPER@domain>"))
    );
    assert_eq!(e.get("boundary"), Some(&json!(APPLE_BOUNDARY)));
    assert!(
        e.get("points_to")
            .unwrap()
            .to_string()
            .contains("Apple Mail")
    );
    assert!(
        e.get("expected")
            .unwrap()
            .to_string()
            .contains("000001d9f2a1$5c3b7e20$1522c460$@example.com")
    );
}

#[test]
fn apple_claim_with_exchange_id_is_medium() {
    let out = check(&multipart(
        &format!("X-Mailer: Apple Mail (2.3731.700.6)\nThread-Index: AdnlqQx7\n{EXO_ID}"),
        EXO_BOUNDARY,
    ));
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].severity, Severity::Medium);
    assert_eq!(
        out[0].message,
        "X-Mailer names Apple Mail, but its Message-ID has the format of Exchange, Outlook or Outlook for Mac"
    );
    // The boundary is Exchange's rendering: reported, not counted.
    let server = out[0]
        .evidence
        .get("written_by_servers")
        .unwrap()
        .to_string();
    assert!(server.contains("MIME boundary"), "{server}");
}

#[test]
fn outlook_claim_without_any_outlook_trait_is_low() {
    let out = check(&plain(
        "X-Mailer: Microsoft Outlook 16.0\nMessage-ID: <3f6c2a1e-8b7d-4c5e-9a0b-1c2d3e4f5a6b@example.org>\n",
    ));
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].severity, Severity::Low);
    assert!(
        out[0].message.contains("only missing traits"),
        "{}",
        out[0].message
    );
    assert!(out[0].message.contains("no Thread-Index header"));
}

#[test]
fn a_header_only_another_client_writes_is_medium() {
    let out = check(&plain(
        "User-Agent: Mozilla Thunderbird\nMessage-ID: <3f6c2a1e-8b7d-4c5e-9a0b-1c2d3e4f5a6b@example.org>\n\
         X-Readdle-Message-ID: 3f6c2a1e-8b7d-4c5e-9a0b-1c2d3e4f5a6b@example.org\n",
    ));
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].severity, Severity::Medium);
    assert!(out[0].message.contains("a header only Spark writes"));
}

#[test]
fn genuine_clients_are_not_flagged() {
    let genuine = [
        // Outlook 2016 on an IMAP account.
        multipart(
            "X-Mailer: Microsoft Outlook 16.0\nThread-Index: AdnlqQx7\nContent-Language: en-us\n\
             Message-ID: <000001d9f2a1$5c3b7e20$1522c460$@example.org>\n",
            "----=_NextPart_000_0017_01D9F2A1.5C3DF890",
        ),
        // Outlook on an Exchange Online account.
        multipart(
            &format!("X-Mailer: Microsoft Outlook 16.0\nThread-Index: AdnlqQx7\n{EXO_ID}"),
            EXO_BOUNDARY,
        ),
        multipart(
            &format!("X-Mailer: Apple Mail (2.3731.700.6)\n{APPLE_ID}"),
            APPLE_BOUNDARY,
        ),
        plain(&format!("X-Mailer: iPhone Mail (20G75)\n{APPLE_ID}")),
        multipart(
            "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:102.0) Gecko/20100101\n Thunderbird/102.15.1\n\
             Message-ID: <3f6c2a1e-8b7d-4c5e-9a0b-1c2d3e4f5a6b@example.org>\nContent-Language: en-US\n",
            "------------Xk3Lq9Zr2Tb8Vn4Md7Pw1Hs6",
        ),
        plain(
            "User-Agent: Mozilla Thunderbird\nMessage-ID: <3f6c2a1e-8b7d-4c5e-9a0b-1c2d3e4f5a6b@example.org>\n",
        ),
        plain(
            "X-Mailer: git-send-email 2.42.0\nMessage-ID: <20230912101500.12345-1-jane@example.org>\n",
        ),
        // b4 prepared the series, git send-email sent it.
        plain(
            "X-Mailer: git-send-email 2.42.0\nMessage-ID: <20230912-fix-sensor-v2-1-0a1b2c3d4e5f@example.org>\n",
        ),
        plain(
            "User-Agent: Mutt/2.2.12 (2023-09-09)\nMessage-ID: <202309121015.Ab3De5Fg-lkp@example.org>\n",
        ),
        plain(
            "User-Agent: Alpine 2.26 (DEB 649 2022-06-02)\nMessage-ID: <7d2c9e41-5a3b-4c6d-8e9f-0a1b2c3d4e5f@example.org>\n",
        ),
        // Yahoo's SMTP stamp is not a claim; the User-Agent is.
        plain(
            "User-Agent: Mutt/1.10.1 (2018-07-13)\n\
             X-Mailer: WebService/1.1.15620 hermes Apache-HttpAsyncClient/4.1.4 (Java/11.0.6)\n\
             Message-ID: <20230912101500.GA12345@example.org>\n",
        ),
    ];
    for raw in &genuine {
        assert!(check(raw).is_empty(), "{raw}\n{:?}", check(raw));
    }
}

#[test]
fn gmail_without_a_claim_and_gmail_api_clients_are_not_flagged() {
    let gmail_id =
        "Message-ID: <CAH7mKx3p9Qw2Zr5Tb8Vn4Md7Pw1Hs6Lq9Zr2Tb8Vn4Md7PwQ@mail.gmail.com>\n";
    assert!(check(&multipart(gmail_id, "000000000000a1b2c30604f1e2d3")).is_empty());
    // Airmail submitting through the Gmail API: Google assigns the Message-ID.
    let api = format!(
        "Received: from 1000000000000 named unknown by gmailapi.google.com with\n HTTPREST; Tue, 12 Sep 2023 01:15:00 -0700\n\
         X-Mailer: Airmail (528)\n{gmail_id}"
    );
    assert!(check(&plain(&api)).is_empty());
}

#[test]
fn signing_gateway_boundary_is_not_the_clients() {
    // Google's server-side S/MIME wraps git-send-email mail in a Gmail-style multipart/signed.
    let raw = "From: a@example.org\nX-Mailer: git-send-email 2.32.0\n\
        Message-ID: <20230912101500.12345-1-jane@example.org>\nMIME-Version: 1.0\n\
        Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; micalg=sha-256;\n\
        \tboundary=\"000000000000a1b2c30604f1e2d3\"\n\n--000000000000a1b2c30604f1e2d3\n\
        Content-Type: text/plain\n\npatch\n--000000000000a1b2c30604f1e2d3--\n";
    assert!(check(raw).is_empty());
}

#[test]
fn evolution_through_exchange_is_not_flagged() {
    // Exchange Online adds Thread-Index, x-ms-* and lower-cases User-Agent, and
    // renders MIME with its own boundary; the Message-ID stays Evolution's.
    let out = check(&multipart(
        "Thread-Topic: Q3\nThread-Index: AQHZ5aB3cD4eF5gH6iJ7kL8mN9oP0Q==\nX-MS-Has-Attach:\n\
         X-MS-TNEF-Correlator:\nuser-agent: Evolution 3.42.4\nx-ms-publictraffictype: Email\n\
         x-ms-exchange-senderadcheck: 1\n\
         Message-ID: <f3a9c1e2b4d5a6c7e8f9a0b1c2d3e4f5a6b7c8d9.camel@example.org>\n",
        "_000_f3a9c1e2b4d5a6c7e8f9a0b1c2d3e4f5a6b7c8d9camelexampleorg_",
    ));
    assert!(out.is_empty(), "{out:?}");
}

#[test]
fn mailman_rewrapped_message_is_not_flagged() {
    let out = check(&multipart(
        "User-Agent: Mozilla Thunderbird\nList-Id: Device-mapper development <dm-devel.example.org>\n\
         Message-ID: <3f6c2a1e-8b7d-4c5e-9a0b-1c2d3e4f5a6b@example.org>\n",
        "===============7350912846120395817==",
    ));
    assert!(out.is_empty(), "{out:?}");
    // Even a claim whose own traits are all absent is not weakened by the list's boundary.
    let out = check(&multipart(
        "User-Agent: Evolution 3.40.4\nList-Id: <dm-devel.example.org>\n",
        "===============7350912846120395817==",
    ));
    assert!(out.is_empty(), "{out:?}");
}

#[test]
fn messages_without_a_known_claim_are_not_this_checks() {
    assert!(check(&multipart(APPLE_ID, APPLE_BOUNDARY)).is_empty());
    assert!(check(&plain(&format!("X-Mailer: Frobnicator 1.0\n{APPLE_ID}"))).is_empty());
}
