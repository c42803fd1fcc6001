//! Generates a large deterministic dump for benchmarks: `cargo run --release --example make_bench_dump -- OUT SIZE_MB`.
//!
//! The mix: about 60% of the bytes in standalone .eml files (4-40 KB, some with a
//! base64 attachment) spread over maildir-like folders, 25% in mbox files of about
//! 50 MB, 15% in opaque binaries. Content is synthetic but has realistic headers
//! (Received chain, Date, Message-ID, client), so every parser path is exercised.

use std::fs;
use std::io::{BufWriter, Write};
use std::path::Path;

/// splitmix64: a tiny deterministic generator, so the dump is the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

const WORDS: &[&str] = &[
    "budget", "tender", "wind", "farm", "board", "meeting", "contract", "draft", "review",
    "supplier", "report", "quarter", "forecast", "press", "minutes", "approval", "grid", "turbine",
    "offshore", "permit", "the", "and", "of", "for", "with", "we", "will", "please", "send",
    "update",
];
const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// RFC 5322 date for a Unix time shifted into `offset_min`.
fn rfc5322(t: i64, offset_min: i64) -> String {
    let local = t + offset_min * 60;
    let days = local.div_euclid(86400);
    let secs = local.rem_euclid(86400);
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    let sign = if offset_min < 0 { '-' } else { '+' };
    format!(
        "{}, {} {} {} {:02}:{:02}:{:02} {}{:02}{:02}",
        DAYS[days.rem_euclid(7) as usize],
        d,
        MONTHS[(m - 1) as usize],
        y,
        secs / 3600,
        secs / 60 % 60,
        secs % 60,
        sign,
        offset_min.abs() / 60,
        offset_min.abs() % 60
    )
}

fn message(rng: &mut Rng, n: u64, target: usize) -> Vec<u8> {
    let t = 1_475_000_000 + rng.below(20_000_000) as i64;
    let off = [60i64, 120, 0, -300][rng.below(4) as usize];
    let sender = rng.below(60);
    let mut m = String::with_capacity(target + 1024);
    m.push_str(&format!(
        "Received: from mail{s}.example.org (mail{s}.example.org [192.0.2.{s}])\n\tby mx.corvel-energie.fr (Postfix) with ESMTPS id {n:X}\n\tfor <inbox@corvel-energie.fr>; {}\n",
        rfc5322(t + 4, off),
        s = sender
    ));
    m.push_str(&format!(
        "Received: from [10.0.0.{}] by mail{}.example.org with ESMTPSA id {:x}; {}\n",
        rng.below(250),
        sender,
        rng.next(),
        rfc5322(t + 1, off)
    ));
    m.push_str(&format!(
        "From: Person {sender} <person{sender}@example.org>\nTo: inbox@corvel-energie.fr\nSubject: {} {} {}\nDate: {}\nMessage-ID: <{:016x}.{n}@example.org>\nX-Mailer: Bench Mailer {}.0\nMIME-Version: 1.0\n",
        WORDS[rng.below(20) as usize],
        WORDS[rng.below(20) as usize],
        n,
        rfc5322(t, off),
        rng.next(),
        sender % 5
    ));
    let attach = rng.below(4) == 0;
    if attach {
        m.push_str("Content-Type: multipart/mixed; boundary=\"b1\"\n\n--b1\nContent-Type: text/plain; charset=utf-8\n\n");
    } else {
        m.push_str("Content-Type: text/plain; charset=utf-8\n\n");
    }
    let text_target = if attach { target / 3 } else { target };
    let mut line = String::new();
    while m.len() < text_target {
        line.push_str(WORDS[rng.below(WORDS.len() as u64) as usize]);
        line.push(' ');
        if line.len() > 70 {
            m.push_str(line.trim_end());
            m.push('\n');
            line.clear();
        }
    }
    if attach {
        m.push_str("\n--b1\nContent-Type: application/octet-stream; name=\"data.bin\"\nContent-Disposition: attachment; filename=\"data.bin\"\nContent-Transfer-Encoding: base64\n\n");
        const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        while m.len() < target {
            let l: String = (0..76)
                .map(|_| B64[rng.below(64) as usize] as char)
                .collect();
            m.push_str(&l);
            m.push('\n');
        }
        m.push_str("--b1--\n");
    }
    m.into_bytes()
}

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let out = Path::new(args.get(1).map(String::as_str).unwrap_or("bench-dump"));
    let size_mb: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1024);
    let total = size_mb << 20;
    let mut rng = Rng(0x1ea4_9e0f);
    fs::create_dir_all(out)?;
    let mut n = 0u64;
    // Standalone messages: 60%.
    let mut written = 0u64;
    while written < total * 60 / 100 {
        let dir = out.join(format!("mail/user{:03}/cur", n % 200));
        fs::create_dir_all(&dir)?;
        let size = 4096 + rng.below(36 * 1024) as usize;
        let msg = message(&mut rng, n, size);
        written += msg.len() as u64;
        fs::write(dir.join(format!("{n}.eml")), msg)?;
        n += 1;
    }
    // mbox files: 25%.
    let mut written_mbox = 0u64;
    let mut box_no = 0;
    while written_mbox < total * 25 / 100 {
        let path = out.join(format!("archives/box{box_no:02}.mbox"));
        fs::create_dir_all(path.parent().unwrap_or(out))?;
        let mut w = BufWriter::new(fs::File::create(path)?);
        let mut in_box = 0u64;
        while in_box < 50 << 20 && written_mbox < total * 25 / 100 {
            let size = 2048 + rng.below(16 * 1024) as usize;
            let msg = message(&mut rng, n, size);
            w.write_all(b"From person@example.org Tue May  2 09:14:01 2017\n")?;
            w.write_all(&msg)?;
            w.write_all(b"\n")?;
            in_box += msg.len() as u64 + 51;
            written_mbox += msg.len() as u64 + 51;
            n += 1;
        }
        box_no += 1;
    }
    // Opaque binaries: the rest.
    let mut left = total.saturating_sub(written + written_mbox);
    let mut bin_no = 0;
    while left > 0 {
        let size = left.min(50 << 20);
        let mut w = BufWriter::new(fs::File::create(out.join(format!("blob{bin_no}.bin")))?);
        let mut buf = vec![0u8; 1 << 16];
        let mut done = 0;
        while done < size {
            for chunk in buf.chunks_mut(8) {
                chunk.copy_from_slice(&rng.next().to_le_bytes()[..chunk.len()]);
            }
            let k = (size - done).min(buf.len() as u64) as usize;
            w.write_all(&buf[..k])?;
            done += k as u64;
        }
        left -= size;
        bin_no += 1;
    }
    eprintln!(
        "wrote {n} messages, {box_no} mbox files, {bin_no} binaries to {}",
        out.display()
    );
    Ok(())
}
