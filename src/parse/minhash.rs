//! MinHash signatures of texts: near-duplicates found in time linear in the number of items.
//!
//! Each text becomes the set of its 3-word shingles; 64 independent hash
//! functions keep their minimum over the set. Two texts agree on a fraction
//! of the minima equal (in expectation) to the Jaccard similarity of their
//! shingle sets. Only the 64 numbers are kept per item, never the text.

use std::hash::{DefaultHasher, Hash, Hasher};

pub const HASHES: usize = 64;
/// Texts shorter than this are too short to compare meaningfully.
pub const MIN_WORDS: usize = 40;
const SHINGLE: usize = 3;

pub type Signature = Box<[u32; HASHES]>;

/// Words for comparison: lower-cased, punctuation trimmed, digits kept.
pub fn comparable_words(text: &str) -> Vec<String> {
    text.split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .filter(|w| !w.is_empty())
        .collect()
}

/// The signature of a text's words, `None` when it has fewer than `MIN_WORDS`.
pub fn signature(words: &[String]) -> Option<Signature> {
    if words.len() < MIN_WORDS {
        return None;
    }
    let mut mins = Box::new([u32::MAX; HASHES]);
    for shingle in words.windows(SHINGLE) {
        let mut h = DefaultHasher::new();
        shingle.hash(&mut h);
        let x = h.finish();
        for (i, slot) in mins.iter_mut().enumerate() {
            // h_i(x) = a_i * x + b_i (mod 2^64), upper 32 bits: cheap, independent enough.
            let (a, b) = COEFFICIENTS[i];
            let v = (a.wrapping_mul(x).wrapping_add(b) >> 32) as u32;
            if v < *slot {
                *slot = v;
            }
        }
    }
    Some(mins)
}

/// Estimated Jaccard similarity of the two shingle sets.
pub fn similarity(a: &[u32; HASHES], b: &[u32; HASHES]) -> f64 {
    a.iter().zip(b.iter()).filter(|(x, y)| x == y).count() as f64 / HASHES as f64
}

/// Odd multipliers and offsets from splitmix64, fixed so signatures are reproducible.
const COEFFICIENTS: [(u64, u64); HASHES] = {
    let mut out = [(0u64, 0u64); HASHES];
    let mut state: u64 = 0x5EED_1EA4_2017_0505;
    let mut i = 0;
    while i < HASHES {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        let a = (z ^ (z >> 31)) | 1;
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        out[i] = (a, z ^ (z >> 31));
        i += 1;
    }
    out
};

#[cfg(test)]
mod tests {
    use super::*;

    fn words(n: usize, change: Option<(usize, &str)>) -> Vec<String> {
        let mut w: Vec<String> = (0..n).map(|i| format!("w{}", i % 97 + i / 97)).collect();
        if let Some((at, to)) = change {
            w[at] = to.to_string();
        }
        w
    }

    #[test]
    fn near_copies_are_similar_and_others_not() {
        let a = signature(&words(200, None)).unwrap();
        let b = signature(&words(200, Some((100, "changed")))).unwrap();
        let c = signature(&comparable_words(&"lorem ipsum dolor sit amet ".repeat(40))).unwrap();
        assert!(similarity(&a, &b) > 0.8, "{}", similarity(&a, &b));
        assert!(similarity(&a, &c) < 0.2);
        assert!(signature(&words(10, None)).is_none());
    }
}
