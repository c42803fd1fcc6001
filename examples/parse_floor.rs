//! How fast the layers under a scan can go, on the files of a dump of single
//! messages (`make_bench_dump --mode small`): the floor a scan is measured
//! against in docs/performance.md ("What is met...").
//!
//! ```text
//! cargo run --release --example parse_floor -- DUMP [THREADS]
//! ```
//!
//! Every file is read into memory first (not timed), then each layer runs over
//! all of them on THREADS threads (default 2), each layer including the ones
//! above it:
//! 1. SHA-256 of the bytes;
//! 2. mail-parser's full parse (`MessageParser::default()`, what a scan uses);
//! 3. leakprov's fact extraction (`parse_email`: the parse, the MinHash, the
//!    words hashes, DKIM body hashes, profile features...), without the
//!    journal, the checks or the reports.
//!
//! Files that are not messages are parsed all the same: feed it a small dump.

use std::time::Instant;

use leakprov::config::Config;
use leakprov::item::Locator;
use leakprov::parse::Output;
use leakprov::parse::email::{At, Source, parse_email};
use rayon::prelude::*;
use sha2::{Digest, Sha256};

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(dump) = args.next() else {
        eprintln!("usage: parse_floor DUMP [THREADS]");
        std::process::exit(2);
    };
    let threads: usize = args.next().and_then(|t| t.parse().ok()).unwrap_or(2);
    let files: Vec<Vec<u8>> = walkdir::WalkDir::new(&dump)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| std::fs::read(e.path()).ok())
        .collect();
    let bytes: usize = files.iter().map(Vec::len).sum();
    println!(
        "{} files, {:.0} MB, {threads} threads",
        files.len(),
        bytes as f64 / 1e6
    );
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("threads");
    let cfg = Config::new(dump.clone().into());
    let root = Locator::root();
    let layer = |name: &str, f: &(dyn Fn(&[u8]) -> usize + Sync)| {
        let start = Instant::now();
        let check: usize = pool.install(|| files.par_iter().map(|b| f(b)).sum());
        let secs = start.elapsed().as_secs_f64();
        println!(
            "{name:<40} {secs:6.2} s  {:>9.0} messages/s  {:6.1} us CPU a message  ({check})",
            files.len() as f64 / secs,
            secs * threads as f64 * 1e6 / files.len() as f64
        );
    };
    layer("SHA-256", &|b| usize::from(Sha256::digest(b)[0]));
    layer("SHA-256 + mail-parser parse", &|b| {
        let parsed = mail_parser::MessageParser::default().parse(b);
        usize::from(Sha256::digest(b)[0]) + parsed.map_or(0, |m| m.headers().len())
    });
    layer("SHA-256 + leakprov facts (parse_email)", &|b| {
        let mut out = Output::default();
        let at = At {
            path: "x",
            locator: &root,
            source: Source::File,
            truncated: false,
        };
        let facts = parse_email(b, at, &cfg, &mut out);
        usize::from(Sha256::digest(b)[0]) + facts.map_or(0, |f| f.header_names.len())
    });
}
