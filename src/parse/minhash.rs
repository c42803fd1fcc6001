//! MinHash signatures of texts: near-duplicates found in time linear in the number of items.
//!
//! Each text becomes the set of its 3-word shingles. One-permutation hashing
//! (Li, Owen, Zhang 2012) spreads the shingles' hashes over 64 bins and keeps
//! each bin's minimum, one hash per shingle instead of 64; empty bins borrow
//! from the next filled bin (densification, Shrivastava 2017). Two texts agree
//! on a fraction of bins close to the Jaccard similarity of their shingle
//! sets. Only the 64 numbers are kept per item, never the text.

pub const HASHES: usize = 64;
/// Texts shorter than this are too short to compare meaningfully.
pub const MIN_WORDS: usize = 40;
/// At most this many words of a text are fingerprinted: enough to find a
/// near-copy (an edit further on leaves the two signatures alike, and the
/// confirming diff reads the whole texts), and bounded time per item.
const MAX_WORDS: usize = 5_000;

pub type Signature = Box<[u32; HASHES]>;

/// An item's signature: in memory, or waiting in the scan's store
/// (`checkpoint::signatures`) once the item is slim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MinHash {
    Held(Signature),
    /// Its number in the store.
    Stored(u32),
}

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

/// Hash of a word's lower-cased characters, eight bytes at a time
/// (ASCII lower-cased directly; other characters through Unicode rules).
fn word_hash(word: &str) -> u64 {
    if word.is_ascii() {
        lower_bytes_hash(word.as_bytes())
    } else {
        let lower: String = word.chars().flat_map(char::to_lowercase).collect();
        lower_bytes_hash(lower.as_bytes())
    }
}

/// Multiply-rotate over 8-byte words, ASCII letters lower-cased on the way
/// (bytes of other characters pass unchanged). The shingle hash is mixed
/// again in `text_signature`, so this only has to tell words apart.
fn lower_bytes_hash(word: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ word.len() as u64;
    for chunk in word.chunks(8) {
        h = (h ^ ascii_lower_word(load_le(chunk)))
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .rotate_left(29);
    }
    h
}

/// Up to 8 bytes as a little-endian number, zero-padded, built in a
/// register: bytes stored one by one into a stack buffer and read back as
/// one word stall the CPU (no store forwarding), on every word of every body.
#[inline]
fn load_le(chunk: &[u8]) -> u64 {
    match <[u8; 8]>::try_from(chunk) {
        Ok(whole) => u64::from_le_bytes(whole),
        Err(_) => chunk.iter().rev().fold(0, |v, &b| (v << 8) | u64::from(b)),
    }
}

/// `to_ascii_lowercase` of each of the 8 bytes of `x` at once (bytes of
/// 0x80 and above unchanged). No byte's sum carries into the next: each
/// byte's high bit is cleared first and at most 0x3f added.
#[inline]
fn ascii_lower_word(x: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let low = x & (0x7f * ONES);
    let from_a = low + (0x80 - u64::from(b'A')) * ONES;
    let past_z = low + (0x7f - u64::from(b'Z')) * ONES;
    let upper = from_a & !past_z & !x & (0x80 * ONES);
    x | (upper >> 2)
}

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The signature of a text and its word count; no signature under `MIN_WORDS` words.
pub fn text_signature(text: &str) -> (usize, Option<Signature>) {
    // ASCII text, most mail, has its words found byte by byte (`push_text`):
    // for ASCII `split_whitespace` splits on 9..=13 and space, and
    // `is_alphanumeric` is `is_ascii_alphanumeric`. This is one of the
    // hottest loops of a scan.
    let mut shingler = Shingler::new();
    shingler.push_text(text);
    shingler.finish()
}

/// `word_hash` of each comparable word of an ASCII text.
fn ascii_word_hashes(bytes: &[u8]) -> impl Iterator<Item = u64> + '_ {
    let mut i = 0;
    std::iter::from_fn(move || {
        loop {
            while i < bytes.len() && is_ascii_space(bytes[i]) {
                i += 1;
            }
            if i >= bytes.len() {
                return None;
            }
            let start = i;
            while i < bytes.len() && !is_ascii_space(bytes[i]) {
                i += 1;
            }
            if let Some(h) = token_hash(&bytes[start..i]) {
                return Some(h);
            }
        }
    })
}

/// The ASCII characters `char::is_whitespace` accepts: \t \n VT FF \r and space.
#[inline]
pub fn is_ascii_space(b: u8) -> bool {
    b == b' ' || (9..=13).contains(&b)
}

/// `word_hash` of one whitespace-free ASCII token, its punctuation trimmed;
/// `None` when nothing is left.
#[inline]
pub fn token_hash(token: &[u8]) -> Option<u64> {
    let mut word = token;
    while let [first, rest @ ..] = word {
        if first.is_ascii_alphanumeric() {
            break;
        }
        word = rest;
    }
    while let [rest @ .., last] = word {
        if last.is_ascii_alphanumeric() {
            break;
        }
        word = rest;
    }
    (!word.is_empty()).then(|| lower_bytes_hash(word))
}

/// The state `Shingler::push_on` carries from word to word.
#[derive(Clone, Copy)]
pub struct Chain {
    a: u64,
    b: u64,
    count: usize,
}

/// A signature built word by word: `text_signature` of a text whose words
/// are fed in order, in pieces (a body line at a time) or whole.
pub struct Shingler {
    bins: [u32; HASHES],
    a: u64,
    b: u64,
    count: usize,
}

impl Default for Shingler {
    fn default() -> Self {
        Shingler::new()
    }
}

impl Shingler {
    pub fn new() -> Self {
        Shingler {
            bins: [u32::MAX; HASHES],
            a: 0,
            b: 0,
            count: 0,
        }
    }

    /// The next word's hash (`word_hash`, `token_hash`); words past
    /// `MAX_WORDS` are not fingerprinted.
    #[inline]
    pub fn push(&mut self, h: u64) {
        let mut chain = self.chain();
        self.push_on(&mut chain, h);
        self.set_chain(chain);
    }

    /// The last two words and the count, for a loop that keeps them in
    /// registers (`push_on`) and hands them back once (`set_chain`): stored
    /// through `&mut self` at every word, they were a hot spot.
    #[inline]
    pub fn chain(&self) -> Chain {
        Chain {
            a: self.a,
            b: self.b,
            count: self.count,
        }
    }

    #[inline]
    pub fn set_chain(&mut self, chain: Chain) {
        (self.a, self.b, self.count) = (chain.a, chain.b, chain.count);
    }

    /// `push`, the chain held by the caller.
    #[inline]
    pub fn push_on(&mut self, chain: &mut Chain, h: u64) {
        if chain.count >= MAX_WORDS {
            return;
        }
        chain.count += 1;
        if chain.count >= 3 {
            let shingle = mix(chain.a ^ chain.b.rotate_left(21) ^ h.rotate_left(42));
            let bin = (shingle >> 58) as usize;
            let value = shingle as u32;
            if value < self.bins[bin] {
                self.bins[bin] = value;
            }
        }
        chain.a = chain.b;
        chain.b = h;
    }

    /// The words of a piece of text (whitespace never joins two pieces' words).
    pub fn push_text(&mut self, text: &str) {
        if text.is_ascii() {
            ascii_word_hashes(text.as_bytes()).for_each(|h| self.push(h));
        } else {
            text.split_whitespace()
                .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
                .filter(|w| !w.is_empty())
                .for_each(|w| self.push(word_hash(w)));
        }
    }

    /// The number of words fingerprinted, and the signature (none under `MIN_WORDS` words).
    pub fn finish(self) -> (usize, Option<Signature>) {
        let (mut bins, count) = (self.bins, self.count);
        if count < MIN_WORDS {
            return (count, None);
        }
        // Densification: an empty bin takes the value of the next filled bin,
        // mixed with the distance so that borrowed values stay distinguishable.
        let filled = bins;
        for i in 0..HASHES {
            if filled[i] != u32::MAX {
                continue;
            }
            for d in 1..HASHES {
                let j = (i + d) % HASHES;
                if filled[j] != u32::MAX {
                    bins[i] = (mix(u64::from(filled[j]) ^ (d as u64).wrapping_mul(0x9E37_79B9))
                        as u32)
                        .max(1);
                    break;
                }
            }
        }
        (count, Some(Box::new(bins)))
    }
}

/// The signature of already split words (tests and callers holding words).
pub fn signature(words: &[String]) -> Option<Signature> {
    text_signature(&words.join(" ")).1
}

/// Estimated Jaccard similarity of the two shingle sets.
pub fn similarity(a: &[u32; HASHES], b: &[u32; HASHES]) -> f64 {
    a.iter().zip(b.iter()).filter(|(x, y)| x == y).count() as f64 / HASHES as f64
}

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
    fn the_ascii_fast_path_finds_the_same_words() {
        let text =
            "  Hello, World!\x0bThe (budget) is $5,000 -- don't\tpanic... \u{1}x \r\n\x0c end";
        let slow: Vec<u64> = text
            .split_whitespace()
            .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
            .filter(|w| !w.is_empty())
            .map(word_hash)
            .collect();
        let fast: Vec<u64> = ascii_word_hashes(text.as_bytes()).collect();
        assert_eq!(fast, slow);
        assert_eq!(fast.len(), 10);
    }

    #[test]
    fn words_are_lowered_eight_bytes_at_a_time_as_byte_by_byte() {
        for b in 0..=255u8 {
            let x = u64::from_le_bytes([b, b'Q', b, 0xff, b, b'@', b'[', b]);
            let want = u64::from_le_bytes(x.to_le_bytes().map(|c| c.to_ascii_lowercase()));
            assert_eq!(ascii_lower_word(x), want, "{b:#x}");
        }
        assert_eq!(load_le(b"abc"), 0x63_6261);
        assert_eq!(load_le(b""), 0);
        assert_eq!(load_le(b"abcdefgh"), u64::from_le_bytes(*b"abcdefgh"));
        // The values of the byte-by-byte version this replaced.
        let byte_by_byte = |word: &[u8]| {
            let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ word.len() as u64;
            for chunk in word.chunks(8) {
                let mut buf = [0u8; 8];
                for (d, s) in buf.iter_mut().zip(chunk) {
                    *d = s.to_ascii_lowercase();
                }
                h = (h ^ u64::from_le_bytes(buf))
                    .wrapping_mul(0x9E37_79B9_7F4A_7C15)
                    .rotate_left(29);
            }
            h
        };
        for word in [
            "a",
            "Hello",
            "WORLD-wide",
            "caf\u{e9}",
            "x1234567Y1234567z",
            "@[`{",
        ] {
            assert_eq!(
                lower_bytes_hash(word.as_bytes()),
                byte_by_byte(word.as_bytes()),
                "{word}"
            );
        }
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
