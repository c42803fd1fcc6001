//! Fuzz target: DKIM canonicalisation, body hash and header signature check of a message, with the sample dump's keys.
#![no_main]

use std::sync::OnceLock;

use leakprov::dkim::sign::SplitMessage;
use leakprov::dkim::{
    KeyStore, check_body_hash, find_whitespace_repair, parse_signature, signed_header_indexes,
    uncovered_instances, verify_message, verify_with_store,
};

/// The sample dump's published keys, so signed seeds verify and mutations
/// explore the canonicalisation of messages that nearly pass.
fn keys() -> &'static KeyStore {
    static KEYS: OnceLock<KeyStore> = OnceLock::new();
    KEYS.get_or_init(|| {
        KeyStore::from_text(
            include_str!("../../sample_dumps/dkim-keys.txt"),
            "dkim-keys.txt",
        )
        .unwrap_or_default()
    })
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(raw) = std::str::from_utf8(data) else {
        return;
    };
    let message = SplitMessage::parse(raw);
    let headers = message.headers();
    for (index, (name, value)) in headers.iter().enumerate() {
        if !name.trim().eq_ignore_ascii_case("dkim-signature") {
            continue;
        }
        let Ok(sig) = parse_signature(value) else {
            continue;
        };
        let _ = check_body_hash(&sig, &message.body);
        let _ = signed_header_indexes(&sig, &headers, index);
        let _ = uncovered_instances(&sig, &headers, index);
        let _ = verify_with_store(&sig, &headers, index, keys());
        if let Some(key) = keys().get(&sig.s, &sig.d) {
            let _ = verify_message(&sig, &headers, index, &message.body, key);
            let _ = find_whitespace_repair(&sig, &headers, index, &message.body, key);
        }
    }
});
