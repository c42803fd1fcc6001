//! A tiny seeded PRNG, so that the sample dump is byte-for-byte the same on every run and every machine.

/// SplitMix64: one u64 of state, good enough to scatter fake times and tokens.
/// Written inline instead of pulling `rand`, whose streams may change between versions.
pub struct Rng(u64);

const UPPER_HEX: &[u8] = b"0123456789ABCDEF";
const LOWER_HEX: &[u8] = b"0123456789abcdef";

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// A stream keyed by a label and a number, so that adding a draw in one place
    /// does not shift every token drawn elsewhere (per-message hop delays, for instance).
    pub fn keyed(seed: u64, label: &str, n: u64) -> Self {
        let mut h = seed ^ 0x51_7c_c1_b7_27_22_0a_95;
        for b in label.bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
        }
        let mut r = Rng(h ^ n.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        r.next_u64();
        r
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (the modulo bias is irrelevant for fake data).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    pub fn chars_from(&mut self, alphabet: &[u8], n: usize) -> String {
        (0..n).map(|_| char::from(*self.pick(alphabet))).collect()
    }

    pub fn hex_upper(&mut self, n: usize) -> String {
        self.chars_from(UPPER_HEX, n)
    }

    pub fn hex_lower(&mut self, n: usize) -> String {
        self.chars_from(LOWER_HEX, n)
    }

    pub fn digits(&mut self, n: usize) -> String {
        let mut s = self.chars_from(b"123456789", 1);
        s.push_str(&self.chars_from(b"0123456789", n - 1));
        s
    }

    /// A version-4 UUID in upper case, as Apple Mail puts in its Message-IDs.
    pub fn uuid_upper(&mut self) -> String {
        let variant = char::from(*self.pick(b"89AB"));
        format!(
            "{}-{}-4{}-{}{}-{}",
            self.hex_upper(8),
            self.hex_upper(4),
            self.hex_upper(3),
            variant,
            self.hex_upper(3),
            self.hex_upper(12)
        )
    }

    pub fn uuid_lower(&mut self) -> String {
        self.uuid_upper().to_ascii_lowercase()
    }

    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next_u64() as u8).collect()
    }
}
