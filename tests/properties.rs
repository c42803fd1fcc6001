//! Properties on arbitrary and mutated input: the parsers never panic, mbox splitting ignores chunk boundaries, dates are self-consistent.
//!
//! The fuzz targets under fuzz/ explore the same entry points for hours on
//! nightly; these run a few hundred cases of each on stable in `cargo test`.
//! Document extractors are called directly, not through `document::analyse`,
//! whose panic guard would hide a panic from the test.

#[path = "support/documents.rs"]
mod fixtures;

use std::sync::LazyLock;

use chrono::{DateTime, NaiveDateTime, Timelike, Utc};
use leakprov::config::{Config, DocLimits};
use leakprov::dkim::sign::SplitMessage;
use leakprov::dkim::{
    KeyStore, PublicKey, check_body_hash, parse_signature, parse_tag_list, verify_with_store,
};
use leakprov::item::{ItemKind, Locator};
use leakprov::parse::Output;
use leakprov::parse::bounded::Budget;
use leakprov::parse::date::{parse_date, rfc3339};
use leakprov::parse::doctext::document_text;
use leakprov::parse::email::{At, Source, normalized_content, parse_email};
use leakprov::parse::mbox::{MboxMessage, MboxSplitter};
use leakprov::parse::quote::{has_quote, quoted_text};
use leakprov::parse::{archive, exif, odf, ole, ooxml, pdf};
use leakprov::sniff::sniff;
use proptest::prelude::*;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 256,
        // Shrunk failures are reported in the test output; no files written.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn email(raw: &[u8]) {
    let cfg = Config::new(".".into());
    let locator = Locator::root();
    let mut out = Output::default();
    let at = At {
        path: "prop.eml",
        locator: &locator,
        source: Source::File,
        truncated: false,
    };
    if let Some(facts) = parse_email(raw, at, &cfg, &mut out) {
        assert!(serde_json::to_string(&facts).is_ok());
    }
    let _ = normalized_content(raw, &leakprov::config::Limits::default());
}

/// Every extractor and the text reader on `bytes`, with no panic guard.
fn documents(bytes: &[u8]) {
    let limits = DocLimits::default();
    let _ = ooxml::extract(bytes, &limits);
    let _ = odf::extract(bytes, &limits);
    let _ = pdf::extract(bytes, &limits);
    let _ = ole::extract(bytes, &limits);
    let _ = exif::extract(bytes, &limits);
    for kind in [ItemKind::Ooxml, ItemKind::Odf, ItemKind::Pdf, ItemKind::Zip] {
        let _ = document_text(bytes, kind, &limits);
    }
    let cfg = Config::new(".".into());
    for kind in [ItemKind::Zip, ItemKind::Tar, ItemKind::Gzip] {
        let mut budget = Budget::new(&limits);
        let mut out = Output::default();
        let _ = archive::expand(
            bytes,
            kind,
            "prop.bin",
            &Locator::root(),
            &cfg,
            &mut budget,
            &mut out,
        );
    }
}

fn split(data: &[u8], sizes: &[usize], cap: usize) -> Vec<MboxMessage> {
    let mut messages = Vec::new();
    let mut splitter = MboxSplitter::new(cap);
    let mut rest = data;
    let mut i = 0;
    while !rest.is_empty() {
        let size = sizes
            .get(i % sizes.len().max(1))
            .copied()
            .unwrap_or(rest.len());
        let (chunk, after) = rest.split_at(size.clamp(1, rest.len()));
        splitter.feed(chunk, &mut |m| messages.push(m));
        rest = after;
        i += 1;
    }
    splitter.finish(&mut |m| messages.push(m));
    messages
}

type Fields<'a> = (u64, u64, &'a str, &'a [u8], u64, [u8; 32], bool);

fn fields(m: &MboxMessage) -> Fields<'_> {
    (
        m.index,
        m.offset,
        &m.separator,
        &m.bytes,
        m.size,
        m.sha256(),
        m.truncated,
    )
}

/// Valid documents of every kind, to mutate.
static SEEDS: LazyLock<Vec<Vec<u8>>> = LazyLock::new(|| {
    let office = fixtures::Office::default();
    let docx = fixtures::docx(&office);
    vec![
        docx.clone(),
        fixtures::odt("Alice", "2017-03-01T08:00:00", "2017-04-20T09:00:00"),
        fixtures::pdf(
            "Alice",
            "Word",
            "20170301080000",
            Some(("Ghostscript", "20170420090000")),
        ),
        fixtures::legacy_doc("Alice"),
        fixtures::jpeg("Canon", "GIMP", "2017:05:02 09:14:01"),
        fixtures::tar_gz(&[("a.docx", docx.clone())]),
        fixtures::zip_of(&[("a.docx", docx)]),
    ]
});

/// Overwrites, inserts and truncates bytes of a valid input.
fn mutated(seed: &[u8], edits: &[(usize, u8, u8)], cut: Option<usize>) -> Vec<u8> {
    let mut bytes = seed.to_vec();
    for &(at, op, byte) in edits {
        if bytes.is_empty() {
            break;
        }
        let at = at % bytes.len();
        match op % 3 {
            0 => bytes[at] = byte,
            1 => bytes.insert(at, byte),
            _ => {
                bytes.remove(at);
            }
        }
    }
    if let Some(cut) = cut {
        bytes.truncate(cut % (bytes.len() + 1));
    }
    bytes
}

/// Mbox-shaped text: separators, blank lines, quoted `From ` lines, CRLF.
fn mbox_text() -> impl Strategy<Value = Vec<u8>> {
    let line = prop_oneof![
        Just("From a@b Tue May  2 09:14:01 2017\n".to_string()),
        Just("From b@c Tue May  2 09:14:01 2017\r\n".to_string()),
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just(">From x\n".to_string()),
        Just(">>From y\n".to_string()),
        Just("Subject: hi\n".to_string()),
        "[ -~]{0,20}\n?",
    ];
    prop::collection::vec(line, 0..40).prop_map(|lines| lines.concat().into_bytes())
}

/// Date-shaped text, with out-of-range fields and odd zones.
fn date_text() -> impl Strategy<Value = String> {
    (
        prop::option::of(prop::sample::select(vec!["Mon,", "Tue,", "Sun", "Xyz,"])),
        0u32..40,
        prop::sample::select(vec!["Jan", "Feb", "May", "Dec", "Foo"]),
        prop::sample::select(vec!["2017", "17", "99", "0", "1899", "9999", "65536"]),
        0u32..30,
        0u32..70,
        prop::option::of(prop_oneof![0u32..70, Just(60u32)]),
        prop::sample::select(vec![
            "+0200", "-0000", "-1200", "+1400", "+9959", "-9999", "GMT", "EDT", "CEST", "A", "",
            "+02:00",
        ]),
    )
        .prop_map(|(wd, d, mon, y, h, m, s, zone)| {
            let secs = s.map(|s| format!(":{s:02}")).unwrap_or_default();
            let wd = wd.unwrap_or("");
            format!("{wd} {d} {mon} {y} {h:02}:{m:02}{secs} {zone}")
        })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn email_parsing_never_panics(raw in prop::collection::vec(any::<u8>(), 0..2048)) {
        email(&raw);
        let _ = sniff(&raw);
    }

    #[test]
    fn header_shaped_email_never_panics(
        fields in prop::collection::vec(("[A-Za-z-]{0,12}", "[ -~\t]{0,60}", any::<bool>()), 0..12),
        body in "[ -~\r\n]{0,200}",
    ) {
        let mut raw = String::new();
        for (name, value, fold) in fields {
            raw.push_str(&format!("{name}:{value}\r\n"));
            if fold {
                raw.push_str(" folded\r\n");
            }
        }
        raw.push_str("\r\n");
        raw.push_str(&body);
        email(raw.as_bytes());
    }

    #[test]
    fn dkim_parsers_never_panic(text in "[ -~\t\r\n]{0,300}") {
        let _ = parse_tag_list(&text);
        let _ = PublicKey::parse(&text);
        let _ = KeyStore::from_text(&text, "prop.txt");
        if let Ok(sig) = parse_signature(&text) {
            let _ = check_body_hash(&sig, text.as_bytes());
        }
    }

    #[test]
    fn dkim_verification_never_panics(
        tags in prop::collection::vec(
            (prop::sample::select(vec!["v", "a", "c", "d", "s", "h", "bh", "b", "l", "t", "x", "i", "q"]),
             "[ -:<-~]{0,30}"),
            0..14),
        body in "[ -~\r\n\t]{0,200}",
    ) {
        let value: Vec<String> = tags.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let raw = format!("From: a@b\r\nDKIM-Signature: {}\r\nSubject: x\r\n\r\n{body}", value.join("; "));
        let message = SplitMessage::parse(&raw);
        let headers = message.headers();
        let store = KeyStore::from_text(
            "sel._domainkey.example.org v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=",
            "keys",
        ).unwrap_or_default();
        if let Some((name, value)) = headers.get(1) {
            prop_assert_eq!(*name, "DKIM-Signature");
            if let Ok(sig) = parse_signature(value) {
                let _ = check_body_hash(&sig, &message.body);
                let _ = verify_with_store(&sig, &headers, 1, &store);
            }
        }
    }

    #[test]
    fn document_extractors_never_panic_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..1024)) {
        documents(&bytes);
    }

    #[test]
    fn document_extractors_never_panic_on_mutated_documents(
        which in 0usize..7,
        edits in prop::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 1..8),
        cut in prop::option::of(any::<usize>()),
    ) {
        documents(&mutated(&SEEDS[which], &edits, cut));
    }

    #[test]
    fn quote_finder_never_panics(text in "[ -~\n>_:éü-]{0,400}") {
        let lines: Vec<String> = text.lines().map(str::to_string).collect();
        let _ = has_quote(&lines);
        let _ = quoted_text(&lines);
    }

    #[test]
    fn mbox_splitting_ignores_chunk_boundaries(
        mbox in mbox_text(),
        sizes in prop::collection::vec(1usize..64, 1..6),
        cap in prop::sample::select(vec![0usize, 5, 64, 1 << 20]),
    ) {
        let whole = split(&mbox, &[], cap);
        let chunked = split(&mbox, &sizes, cap);
        prop_assert_eq!(whole.len(), chunked.len());
        for (a, b) in whole.iter().zip(&chunked) {
            prop_assert_eq!(fields(a), fields(b));
            prop_assert!(a.bytes.len() <= cap);
        }
    }

    #[test]
    fn mbox_splitting_ignores_chunk_boundaries_around_the_line_limit(
        long in prop::collection::vec((any::<bool>(), 65_520usize..65_550), 1..3),
        sizes in prop::collection::vec(1000usize..70_000, 1..4),
    ) {
        // Lines near the splitter's 64 KiB limit: separator-shaped, or a long
        // mboxrd `>` run before `From `.
        let mut mbox = b"From a@b Tue May  2 09:14:01 2017\nSubject: x\n\n".to_vec();
        for (separator, len) in long {
            mbox.extend_from_slice(b"\n");
            if separator {
                mbox.extend_from_slice(b"From b@c Tue May  2 09:14:01 2017 ");
                mbox.extend(std::iter::repeat_n(b'x', len));
            } else {
                mbox.extend(std::iter::repeat_n(b'>', len));
                mbox.extend_from_slice(b"From here");
            }
            mbox.extend_from_slice(b"\nSubject: y\n");
        }
        let whole = split(&mbox, &[], 1 << 20);
        let chunked = split(&mbox, &sizes, 1 << 20);
        prop_assert_eq!(whole.len(), chunked.len());
        for (a, b) in whole.iter().zip(&chunked) {
            prop_assert_eq!(fields(a), fields(b));
        }
    }

    #[test]
    fn mbox_splitting_never_panics_on_arbitrary_bytes(
        bytes in prop::collection::vec(any::<u8>(), 0..2048),
        size in 1usize..300,
    ) {
        let whole = split(&bytes, &[], 1 << 20);
        let chunked = split(&bytes, &[size], 1 << 20);
        prop_assert_eq!(whole.len(), chunked.len());
    }

    #[test]
    fn date_parsing_never_panics(raw in "\\PC{0,80}") {
        let _ = parse_date(&raw);
    }

    #[test]
    fn parsed_dates_are_consistent(raw in date_text()) {
        if let Ok(date) = parse_date(&raw) {
            let _ = date.actual_weekday();
            let _ = date.stated_weekday();
            let _ = date.offset_text();
            match (date.instant(), date.offset_minutes) {
                (Some(instant), Some(minutes)) => {
                    prop_assert!(!date.zone_out_of_range());
                    instant_matches_local(instant, date.local, minutes)?;
                }
                (Some(_), None) => prop_assert!(false, "an instant without an offset: {raw:?}"),
                (None, Some(_)) => prop_assert!(date.zone_out_of_range(), "known offset but no instant: {raw:?}"),
                (None, None) => {}
            }
        }
    }
}

/// The instant is the local time minus the offset; a leap second (:60) stays
/// one only where UTC has them (23:59:60), elsewhere it is the next second.
fn instant_matches_local(
    instant: DateTime<Utc>,
    local: NaiveDateTime,
    minutes: i32,
) -> Result<(), TestCaseError> {
    let expected = local.and_utc().timestamp() - i64::from(minutes) * 60;
    let nanos = local.nanosecond();
    if nanos < 1_000_000_000 {
        prop_assert_eq!(instant.timestamp(), expected);
        prop_assert_eq!(instant.timestamp_subsec_nanos(), nanos);
    } else if (instant.hour(), instant.minute()) == (23, 59)
        && instant.nanosecond() >= 1_000_000_000
    {
        prop_assert_eq!(instant.timestamp(), expected);
    } else {
        prop_assert_eq!(instant.timestamp(), expected + 1);
        prop_assert_eq!(instant.nanosecond(), nanos - 1_000_000_000);
    }
    let text = rfc3339(&instant);
    prop_assert!(
        !text.contains(":60") || text.ends_with("23:59:60Z"),
        "{}",
        text
    );
    Ok(())
}
