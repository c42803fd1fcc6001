//! Tests of the public fingerprint API on small synthetic messages.

use super::*;
use crate::checks::test_support::email_item;

fn facts(raw: &str) -> EmailFacts {
    match email_item(raw).email {
        Some(facts) => *facts,
        None => panic!("test message did not parse"),
    }
}

#[test]
fn every_claim_example_names_its_own_family() {
    for family in &TABLE.families {
        for example in &family.claim_examples {
            let f = facts(&format!(
                "From: a@example.org\nX-Mailer: {example}\n\nbody\n"
            ));
            let claim = claimed_client(&f);
            assert_eq!(
                claim.as_ref().map(|c| c.family),
                Some(family.name.as_str()),
                "{example}"
            );
        }
    }
}

/// `classify` remembers answers per thread: asked again, and after its
/// memory is refilled, it answers as the table does.
#[test]
fn remembered_classes_are_the_table_answers() {
    let answer = |value: &str| match classify(value) {
        Class::Claim(family, version) => format!("{family} {version:?}"),
        Class::ServerStamp => "server".into(),
        Class::Unknown => "unknown".into(),
    };
    let mut values: Vec<String> = TABLE
        .families
        .iter()
        .flat_map(|f| f.claim_examples.clone())
        .collect();
    values.push(
        "WebService/1.1.20000 mail.backend.jedi.jws.acl:role.jedi.acl.token.atz.jws.hermes.yahoo"
            .into(),
    );
    values.push("no client anyone knows 1.0".into());
    let first: Vec<String> = values.iter().map(|v| answer(v)).collect();
    for (value, first) in values.iter().zip(&first) {
        let direct = match match_claim(value) {
            Some((family, version)) => format!("{family} {version:?}"),
            None if TABLE.server_stamps.iter().any(|p| p.regex.is_match(value)) => "server".into(),
            None => "unknown".into(),
        };
        assert_eq!(first, &direct, "{value}");
        assert_eq!(&answer(value), first, "{value}: remembered");
    }
    for n in 0..CLASSES_KEPT + 10 {
        answer(&format!("filler {n}"));
    }
    let again: Vec<String> = values.iter().map(|v| answer(v)).collect();
    assert_eq!(again, first);
    assert!(first.iter().any(|a| a == "server"));
}

#[test]
fn claims_keep_version_and_the_line_as_written() {
    let f = facts(
        "From: a@example.org\nuser-agent: Mozilla/5.0 (X11; Linux x86_64; rv:102.0) Gecko/20100101 Thunderbird/102.15.1\n\nbody\n",
    );
    let claim = claimed_client(&f).unwrap();
    assert_eq!(claim.family, "Thunderbird");
    assert_eq!(claim.version.as_deref(), Some("102.15.1"));
    assert!(claim.header_line.starts_with("user-agent: Mozilla/5.0"));
}

#[test]
fn x_mailer_wins_over_user_agent() {
    let f = facts(
        "From: a@example.org\nX-Mailer: Microsoft Outlook 16.0\nUser-Agent: Mutt/2.2.12\n\nb\n",
    );
    assert_eq!(claimed_client(&f).unwrap().family, "Outlook");
}

#[test]
fn server_stamps_are_not_claims() {
    // Yahoo's SMTP writes this X-Mailer on mail from any client.
    let stamped = "X-Mailer: WebService/1.1.20000 mail.backend.jedi.jws.acl:role.jedi.acl.token.atz.jws.hermes.yahoo\n";
    let f = facts(&format!(
        "From: a@example.org\n{stamped}User-Agent: Mutt/2.2.12 (2023-09-09)\n\nb\n"
    ));
    assert_eq!(claimed_client(&f).unwrap().family, "Mutt");
    let f = facts(&format!("From: a@example.org\n{stamped}\nb\n"));
    assert_eq!(claimed_client(&f), None);
}

#[test]
fn unknown_clients_are_reported_as_such() {
    let f = facts("From: a@example.org\nX-Mailer: Frobnicator Mail 0.1\n\nb\n");
    let claim = claimed_client(&f).unwrap();
    assert_eq!(claim.family, UNKNOWN_FAMILY);
    assert_eq!(claim.header_line, "X-Mailer: Frobnicator Mail 0.1");
    assert_eq!(claimed_client(&facts("From: a@example.org\n\nb\n")), None);
}

#[test]
fn inference_from_message_id_and_boundary() {
    let apple = facts(
        "From: a@example.org\nMessage-Id: <5F1C2E3D-4A5B-4C6D-8E7F-901A2B3C4D5E@example.org>\n\
         Mime-Version: 1.0\nContent-Type: multipart/alternative;\n\tboundary=\"Apple-Mail=_3C9A1F2E-7B4D-4E5F-A6B7-C8D9E0F1A2B3\"\n\n\
         --Apple-Mail=_3C9A1F2E-7B4D-4E5F-A6B7-C8D9E0F1A2B3\nContent-Type: text/plain\n\nhi\n\
         --Apple-Mail=_3C9A1F2E-7B4D-4E5F-A6B7-C8D9E0F1A2B3--\n",
    );
    let (family, reasons) = inferred_family(&apple).unwrap();
    assert_eq!(family, "Apple Mail");
    assert_eq!(reasons.len(), 2, "{reasons:?}");

    let gmail = facts(
        "From: a@example.org\nMessage-ID: <CAH7mKx3p9Qw2Zr5Tb8Vn4Md7Pw1Hs6Lq9Zr2Tb8Vn4Md7PwQ@mail.gmail.com>\n\nb\n",
    );
    assert_eq!(inferred_family(&gmail).unwrap().0, "Gmail");

    let git = facts(
        "From: a@example.org\nMessage-ID: <20230912101500.12345-1-jane.doe@example.com>\n\nb\n",
    );
    assert_eq!(inferred_family(&git).unwrap().0, "git-send-email");

    let exchange = facts(
        "From: a@example.org\nMessage-ID: <x@example.org>\nThread-Index: AQHZ\nX-MS-Has-Attach:\nX-MS-TNEF-Correlator:\n\nb\n",
    );
    assert_eq!(inferred_family(&exchange).unwrap().0, "Exchange");
}

#[test]
fn no_inference_from_common_or_server_written_traits() {
    let uuid = facts(
        "From: a@example.org\nMessage-ID: <3f6c2a1e-8b7d-4c5e-9a0b-1c2d3e4f5a6b@example.org>\n\nb\n",
    );
    assert_eq!(inferred_family(&uuid), None);
    // A third-party client sending through the Gmail API gets a Gmail Message-ID.
    let api = facts(
        "Received: from 1000000000000 named unknown by gmailapi.google.com with HTTPREST; Mon, 29 Oct 2018 09:51:14 +0100\n\
         From: a@example.org\nX-Mailer: Airmail (528)\n\
         Message-ID: <CAH7mKx3p9Qw2Zr5Tb8Vn4Md7Pw1Hs6Lq9Zr2Tb8Vn4Md7PwQ@mail.gmail.com>\n\nb\n",
    );
    assert_eq!(inferred_family(&api), None);
    assert!(traits(&api).explained(Field::MessageId));
}
