//! Criterion micro-benchmarks (issue #9): the per-byte and per-message costs that add up to a
//! scan. `cargo bench --bench micro` measures; `cargo test --all-targets` runs each once.
//!
//! Inputs are generated in code by the benchmark-dump generator's own message builder
//! (examples/make_bench_dump), so they look like the messages `scripts/bench` scans.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sha2::{Digest, Sha256};

use leakprov::checks::{run_corpus_checks, run_item_checks};
use leakprov::config::Config;
use leakprov::corpus::{ContentSource, Corpus, own_text};
use leakprov::dkim::{Canon, canon, check_body_hash, parse_signature};
use leakprov::item::{Item, ItemKind, Locator};
use leakprov::parse::Output;
use leakprov::parse::email::{At, Source, normalized_body, normalized_content, parse_email};
use leakprov::parse::mbox::MboxSplitter;
use leakprov::parse::normalize::Normalized;

// The generator's modules; the benches use part of them.
#[allow(dead_code)]
#[path = "../examples/make_bench_dump/mail.rs"]
mod mail;
#[allow(dead_code)]
#[path = "../examples/make_bench_dump/rng.rs"]
mod rng;
use rng::Rng;

/// Under `cargo bench` criterion gets `--bench`; under `cargo test` it runs each bench once,
/// and the corpus is kept small so that the debug build stays quick.
fn measuring() -> bool {
    std::env::args().any(|a| a == "--bench")
}

/// `n` messages as the mixed dump has them: a fifth are replies, a fifth have attachments.
fn messages(n: usize, seed: u64) -> Vec<Vec<u8>> {
    let mut rng = Rng(seed);
    let people: Vec<mail::Person> = (0..200).map(mail::person).collect();
    let mut recent: Vec<mail::Sent> = Vec::new();
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let parent = (!recent.is_empty() && rng.below(5) == 0)
            .then(|| rng.below(recent.len() as u64) as usize);
        let attach = parent.is_none() && rng.below(5) == 0;
        let time = match parent {
            Some(p) => recent[p].time + 3600,
            None => 1_451_606_400 + rng.below(63_072_000) as i64,
        };
        let spec = mail::Spec {
            n: i as u64,
            time,
            from: &people[rng.below(200) as usize],
            to: &people[rng.below(20) as usize],
            size: if attach { 24_000 } else { 6000 },
            attachment: attach.then_some(None),
            reply_to: parent.map(|p| &recent[p]),
        };
        let (bytes, sent) = mail::message(&mut rng, &spec);
        if recent.len() < 64 {
            recent.push(sent);
        } else {
            recent[i % 64] = sent;
        }
        out.push(bytes);
    }
    out
}

fn config() -> Config {
    Config::new(PathBuf::from("/nonexistent-bench-dump"))
}

fn parse(raw: &[u8], path: &str, cfg: &Config) -> (Item, Output) {
    let locator = Locator::root();
    let mut out = Output::default();
    let at = At {
        path,
        locator: &locator,
        source: Source::File,
        truncated: false,
    };
    let mut item = Item::new(path.to_string(), locator.clone(), ItemKind::Email);
    item.size = raw.len() as u64;
    item.sha256 = Some(leakprov::digest::Digest::of(raw));
    item.email = parse_email(raw, at, cfg, &mut out).map(Box::new);
    (item, out)
}

fn hashing(c: &mut Criterion) {
    let mut buf = vec![0u8; 1 << 20];
    Rng(1).fill(&mut buf);
    let mut g = c.benchmark_group("hash");
    g.throughput(Throughput::Bytes(buf.len() as u64));
    g.bench_function("sha256_1MiB", |b| {
        b.iter(|| Sha256::digest(black_box(&buf)))
    });
    g.finish();
}

fn header_parsing(c: &mut Criterion) {
    let cfg = config();
    let msgs = messages(64, 2);
    let pick =
        |want: &dyn Fn(&[u8]) -> bool| msgs.iter().find(|m| want(m)).cloned().unwrap_or_default();
    let contains = |m: &[u8], s: &str| m.windows(s.len()).any(|w| w == s.as_bytes());
    let cases = [
        (
            "plain",
            pick(&|m| !contains(m, "multipart") && !contains(m, "In-Reply-To")),
        ),
        ("reply", pick(&|m| contains(m, "In-Reply-To"))),
        ("attachment", pick(&|m| contains(m, "multipart/mixed"))),
    ];
    let mut g = c.benchmark_group("parse_email");
    for (name, raw) in &cases {
        assert!(!raw.is_empty(), "no {name} message generated");
        g.throughput(Throughput::Bytes(raw.len() as u64));
        g.bench_function(*name, |b| {
            b.iter(|| parse(black_box(raw), "bench.eml", &cfg))
        });
    }
    g.finish();
}

/// Splits a raw message at its blank line into (name, raw value) fields and the body.
fn split(raw: &[u8]) -> (Vec<(String, String)>, &[u8]) {
    let end = raw
        .windows(2)
        .position(|w| w == b"\n\n")
        .map_or(raw.len(), |p| p + 1);
    let head = String::from_utf8_lossy(&raw[..end]);
    let mut fields: Vec<(String, String)> = Vec::new();
    for line in head.lines() {
        if line.starts_with([' ', '\t']) {
            if let Some(last) = fields.last_mut() {
                last.1.push('\n');
                last.1.push_str(line);
            }
        } else if let Some((name, value)) = line.split_once(':') {
            fields.push((name.to_string(), value.to_string()));
        }
    }
    (fields, &raw[(end + 1).min(raw.len())..])
}

fn dkim(c: &mut Criterion) {
    let msgs = messages(64, 3);
    let signed = msgs
        .iter()
        .find(|m| m.windows(15).any(|w| w == b"DKIM-Signature:") && m.len() > 5000)
        .expect("a signed message");
    let (fields, body) = split(signed);
    let sig_value = &fields
        .iter()
        .find(|(n, _)| n == "DKIM-Signature")
        .expect("DKIM-Signature field")
        .1;
    let sig = parse_signature(sig_value).expect("generated signature parses");
    let mut g = c.benchmark_group("dkim");
    g.throughput(Throughput::Bytes(body.len() as u64));
    g.bench_function("body_relaxed", |b| {
        b.iter(|| canon::body(black_box(body), Canon::Relaxed))
    });
    g.bench_function("body_simple", |b| {
        b.iter(|| canon::body(black_box(body), Canon::Simple))
    });
    g.bench_function("check_body_hash", |b| {
        b.iter(|| check_body_hash(&sig, black_box(body)))
    });
    let head_bytes: usize = fields.iter().map(|(n, v)| n.len() + v.len() + 3).sum();
    g.throughput(Throughput::Bytes(head_bytes as u64));
    for (name, c14n) in [
        ("headers_relaxed", Canon::Relaxed),
        ("headers_simple", Canon::Simple),
    ] {
        g.bench_function(name, |b| {
            b.iter(|| {
                let mut out = Vec::with_capacity(4096);
                for (n, v) in &fields {
                    canon::push_header(&mut out, c14n, n, v, true);
                }
                out
            })
        });
    }
    g.bench_function("parse_signature", |b| {
        b.iter(|| parse_signature(black_box(sig_value)))
    });
    g.finish();
}

fn mbox(c: &mut Criterion) {
    let mut file = Vec::new();
    let mut count = 0u64;
    for m in messages(if measuring() { 600 } else { 40 }, 4) {
        file.extend_from_slice(b"From someone@example.org Tue May  2 09:14:01 2017\n");
        file.extend_from_slice(&m);
        file.push(b'\n');
        count += 1;
    }
    let mut g = c.benchmark_group("mbox");
    g.throughput(Throughput::Bytes(file.len() as u64));
    g.bench_function("split", |b| {
        b.iter(|| {
            let mut seen = 0u64;
            let mut splitter = MboxSplitter::new(64 << 20);
            let mut emit = |m: leakprov::parse::mbox::MboxMessage| {
                seen += 1;
                black_box(m.size);
            };
            for chunk in file.chunks(1 << 20) {
                splitter.feed(chunk, &mut emit);
            }
            splitter.finish(&mut emit);
            assert_eq!(seen, count);
        })
    });
    g.finish();
}

/// The raw messages of a parsed corpus, as the dump would give them back.
struct Memory(Vec<Vec<u8>>);

impl ContentSource for Memory {
    fn content(&self, _: &[Item], index: usize) -> Result<Normalized, String> {
        let raw = self.0.get(index).ok_or("no such item")?;
        normalized_content(raw, &leakprov::config::Limits::default())
            .ok_or_else(|| "does not parse".to_string())
    }
    fn body(&self, _: &[Item], index: usize) -> Result<Vec<String>, String> {
        let raw = self.0.get(index).ok_or("no such item")?;
        normalized_body(raw, &leakprov::config::Limits::default())
            .ok_or_else(|| "does not parse".to_string())
    }
    fn text(&self, items: &[Item], index: usize) -> Result<String, String> {
        self.body(items, index).map(|b| own_text(&b))
    }
}

fn checks(c: &mut Criterion) {
    let cfg = config();
    let n = if measuring() { 10_000 } else { 300 };
    let raw = messages(n, 5);
    let mut items: Vec<Item> = raw
        .iter()
        .enumerate()
        .map(|(i, m)| parse(m, &format!("mail/{i:06}.eml"), &cfg).0)
        .collect();
    items.sort_by(|a, b| a.key().cmp(&b.key()));
    let mut g = c.benchmark_group("checks");
    g.throughput(Throughput::Elements(64));
    g.bench_function("item_checks_64_messages", |b| {
        b.iter(|| {
            let mut findings = Vec::new();
            for item in &items[..64] {
                run_item_checks(item, &cfg, &mut findings);
            }
            findings
        })
    });
    // Paths are zero-padded, so sorting kept the items in generation order.
    let source = Memory(raw);
    // As the scan leaves them for the corpus (`Corpus::build` would on its first run).
    items.iter_mut().for_each(Item::settle);
    g.throughput(Throughput::Elements(n as u64));
    g.sample_size(10);
    g.bench_function(format!("corpus_build_and_checks_{n}_messages"), |b| {
        b.iter(|| {
            let corpus = Corpus::build(&mut items, &source);
            let mut findings = Vec::new();
            run_corpus_checks(&corpus, &cfg, &mut findings);
            findings.len()
        })
    });
    g.finish();
}

criterion_group!(benches, hashing, header_parsing, dkim, mbox, checks);
criterion_main!(benches);
