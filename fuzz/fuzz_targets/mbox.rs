//! Fuzz target: streaming mbox splitting (`mbox::MboxSplitter`), checked against a one-chunk split.
#![no_main]

use leakprov::parse::mbox::{MboxMessage, MboxSplitter};

/// Splits `data` fed in chunks of the given sizes (cycled).
fn split(data: &[u8], cap: usize, sizes: &[u8]) -> Vec<MboxMessage> {
    let mut messages = Vec::new();
    let mut splitter = MboxSplitter::new(cap);
    let mut rest = data;
    let mut i = 0;
    while !rest.is_empty() {
        let size = match sizes.get(i % sizes.len().max(1)) {
            Some(&s) => usize::from(s).max(1),
            None => rest.len(),
        };
        let (chunk, after) = rest.split_at(size.min(rest.len()));
        splitter.feed(chunk, &mut |m| messages.push(m));
        rest = after;
        i += 1;
    }
    splitter.finish(&mut |m| messages.push(m));
    messages
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    // Header: 1 byte cap selector, 1 byte count n, n chunk sizes; the rest is the mbox.
    let [cap_byte, n, rest @ ..] = data else {
        return;
    };
    let n = usize::from(*n % 8).min(rest.len());
    let (sizes, mbox) = rest.split_at(n);
    let cap = match cap_byte % 4 {
        0 => 1 << 20,
        1 => 64,
        2 => 7,
        _ => 0,
    };
    let whole = split(mbox, cap, &[]);
    let chunked = split(mbox, cap, sizes);
    assert_eq!(
        whole.len(),
        chunked.len(),
        "message count depends on chunking"
    );
    for (a, b) in whole.iter().zip(&chunked) {
        assert_eq!(
            (
                a.index,
                a.offset,
                &a.separator,
                &a.bytes,
                a.size,
                a.sha256(),
                a.truncated
            ),
            (
                b.index,
                b.offset,
                &b.separator,
                &b.bytes,
                b.size,
                b.sha256(),
                b.truncated
            ),
            "message depends on chunking"
        );
        assert!(a.bytes.len() <= cap, "more bytes kept than the cap");
    }
});
