//! Fuzz target: DKIM tag lists, signatures, key records and key files (`parse_tag_list`, `parse_signature`, `PublicKey::parse`, `KeyStore::from_text`).
#![no_main]

use leakprov::dkim::{KeyStore, PublicKey, covered_headers, parse_signature, parse_tag_list};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = parse_tag_list(&text);
    if let Ok(sig) = parse_signature(&text) {
        let _ = sig.algorithm();
        let _ = sig.hash_alg();
        let _ = sig.tag("x");
        let _ = covered_headers(&sig).missing();
    }
    if let Ok(key) = PublicKey::parse(&text) {
        let _ = key.allows_email();
    }
    if let Ok(store) = KeyStore::from_text(&text, "fuzz.txt") {
        let _ = store.len();
        for (selector, domain) in store.names() {
            let _ = store.get(selector, domain);
        }
    }
});
