//! Generates deterministic dumps for benchmarks (issue #9):
//! `cargo run --release --example make_bench_dump -- OUT SIZE [--mode mixed|small|files] [--dry-run]`.
//!
//! - `mixed` (default; SIZE in MB): the mix of the reference 4.3 GB dump, scaled to SIZE.
//!   By bytes: 25% standalone .eml files in Outlook-export-like folders, 6.5% maildir
//!   messages (cur/ and new/), 22% in 2 to 9 mbox files, 10% office files (docx, xlsx, PDF),
//!   the rest in six large binaries of relative sizes 1:2:4:6:8:10 (about 50 to 500 MB at
//!   4.3 GB). At 4400 MB that is about 106k .eml, 27k maildir messages, 9 mbox files of
//!   80k messages and six 50-500 MB binaries.
//! - `small` (SIZE in MB): SIZE*1024/4.7 messages of 3-6.5 KB (300k at 1400 MB), at most
//!   1000 per folder: the emails/s benchmark.
//! - `files` (SIZE = number of files, e.g. 1000000): tiny files (at most 200 bytes, half
//!   messages, half text) in nested folders of 100: the memory benchmark.
//!
//! Messages carry a Received chain, DKIM-Signature lines (right bh=, filler b=), Message-IDs
//! and client headers of six clients, base64 attachments (some real office files) and
//! quoted replies to earlier messages. The same arguments give the same bytes on every
//! machine (splitmix64). `--dry-run` generates everything in memory and prints the counts
//! without writing (binaries are counted, not generated).

mod mail;
mod office;
mod rng;

use std::collections::HashSet;
use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use mail::{Person, Sent, Spec, person};
pub use rng::Rng;

/// Where files go: the dump folder, or nowhere (dry run), counting either way.
struct Out {
    root: PathBuf,
    dry_run: bool,
    made: HashSet<PathBuf>,
    files: u64,
    bytes: u64,
}

impl Out {
    fn dir_of(&mut self, rel: &str) -> std::io::Result<PathBuf> {
        let path = self.root.join(rel);
        if !self.dry_run
            && let Some(parent) = path.parent()
            && !self.made.contains(parent)
        {
            fs::create_dir_all(parent)?;
            self.made.insert(parent.to_path_buf());
        }
        Ok(path)
    }

    fn write(&mut self, rel: &str, bytes: &[u8]) -> std::io::Result<()> {
        let path = self.dir_of(rel)?;
        if !self.dry_run {
            fs::write(path, bytes)?;
        }
        self.files += 1;
        self.bytes += bytes.len() as u64;
        Ok(())
    }

    /// A streamed file (mbox, binary); `None` in a dry run.
    fn create(&mut self, rel: &str) -> std::io::Result<Option<BufWriter<fs::File>>> {
        let path = self.dir_of(rel)?;
        self.files += 1;
        if self.dry_run {
            return Ok(None);
        }
        Ok(Some(BufWriter::with_capacity(
            1 << 20,
            fs::File::create(path)?,
        )))
    }
}

#[derive(Default)]
struct Counts {
    eml: u64,
    maildir: u64,
    mbox_files: u64,
    mbox_messages: u64,
    replies: u64,
    attachments: u64,
    office: u64,
    binaries: u64,
    text: u64,
}

/// 2016-01-01T00:00:00Z: messages spread over the two years after it.
const T0: i64 = 1_451_606_400;
const SPAN: u64 = 2 * 365 * 86400;
const PEOPLE: u64 = 400;
const OWNERS: u64 = 60;

/// Decides each message: time, correspondents, size, attachment, parent.
struct Mailer {
    rng: Rng,
    people: Vec<Person>,
    recent: Vec<Sent>,
    docs: Vec<(String, Vec<u8>)>,
    n: u64,
    reply_percent: u64,
    attach_percent: u64,
    counts: Counts,
}

impl Mailer {
    fn new(seed: u64, reply_percent: u64, attach_percent: u64) -> std::io::Result<Self> {
        let mut rng = Rng(seed);
        // A pool of documents to attach: building a zip per message would dominate.
        let mut docs = Vec::new();
        for i in 0..12u64 {
            // Older than every message, so attaching one is never an anachronism.
            let created = T0 - 90 * 86400 + rng.below(30 * 86400) as i64;
            let title = format!("Offshore tender {i}");
            let meta = office::Meta {
                title: &title,
                author: "Claire Dubois",
                created,
                modified: created + 3600 + rng.below(86400) as i64,
            };
            let doc = match i % 3 {
                0 => (
                    format!("tender-{i}.docx"),
                    office::docx(&mut rng, &meta, 6000, 12_000)?,
                ),
                1 => (
                    format!("budget-{i}.xlsx"),
                    office::xlsx(&mut rng, &meta, 300)?,
                ),
                _ => (
                    format!("minutes-{i}.pdf"),
                    office::pdf(&mut rng, &meta, 8000),
                ),
            };
            docs.push(doc);
        }
        Ok(Mailer {
            rng,
            people: (0..PEOPLE).map(person).collect(),
            recent: Vec::new(),
            docs,
            n: 0,
            reply_percent,
            attach_percent,
            counts: Counts::default(),
        })
    }

    /// The next message, of about `lo..=hi` bytes (attachments make it bigger), to `owner`.
    fn next(&mut self, owner: u64, lo: u64, hi: u64) -> (Vec<u8>, i64) {
        let rng = &mut self.rng;
        let n = self.n;
        self.n += 1;
        let parent = if !self.recent.is_empty() && rng.below(100) < self.reply_percent {
            Some(rng.below(self.recent.len() as u64) as usize)
        } else {
            None
        };
        let attach = parent.is_none() && rng.below(100) < self.attach_percent;
        let size = if attach {
            rng.between(lo.max(4096) * 2, hi * 4)
        } else {
            rng.between(lo, hi)
        } as usize;
        let doc = if attach && rng.below(3) == 0 {
            let (name, bytes) = &self.docs[rng.below(self.docs.len() as u64) as usize];
            Some((name.as_str(), bytes.as_slice()))
        } else {
            None
        };
        let from = &self.people[rng.below(PEOPLE) as usize];
        let to = &self.people[(owner % OWNERS) as usize];
        let time = match parent {
            Some(p) => self.recent[p].time + rng.between(600, 3 * 86400) as i64,
            None => T0 + rng.below(SPAN) as i64,
        };
        let spec = Spec {
            n,
            time,
            from,
            to,
            size,
            attachment: attach.then_some(doc),
            reply_to: parent.map(|p| &self.recent[p]),
        };
        let (bytes, sent) = mail::message(rng, &spec);
        if parent.is_some() {
            self.counts.replies += 1;
        }
        if attach {
            self.counts.attachments += 1;
        }
        // Keep the last 256 messages as candidate parents.
        if self.recent.len() < 256 {
            self.recent.push(sent);
        } else {
            let slot = (n % 256) as usize;
            self.recent[slot] = sent;
        }
        (bytes, time)
    }
}

fn mixed(out: &mut Out, total_mb: u64) -> std::io::Result<Counts> {
    let total = total_mb << 20;
    let mut m = Mailer::new(0x1ea4_9e0f, 20, 22)?;
    let folders = ["Inbox", "Sent Items", "Archive", "Projects"];

    // Standalone .eml files, at most 800 per folder.
    let budget = total * 25 / 100;
    let start = out.bytes;
    while out.bytes - start < budget {
        let folder = m.counts.eml / 800;
        let owner = folder % OWNERS;
        let (bytes, _) = m.next(owner, 2560, 12800);
        let rel = format!(
            "exports/user{owner:03}/{}-{}/{:06}.eml",
            folders[(folder / OWNERS % 4) as usize],
            folder / (OWNERS * 4),
            m.counts.eml
        );
        out.write(&rel, &bytes)?;
        m.counts.eml += 1;
    }

    // Maildir messages, nine in ten already seen (cur/).
    let budget = total * 65 / 1000;
    let start = out.bytes;
    while out.bytes - start < budget {
        let owner = m.counts.maildir / 700 % OWNERS;
        let (bytes, t) = m.next(owner, 2560, 12800);
        let seen = m.rng.below(10) != 0;
        let rel = format!(
            "maildir/user{owner:03}/{}/{t}.M{}P{}Q{}.mailhost{}",
            if seen { "cur" } else { "new" },
            m.rng.below(1_000_000),
            m.rng.below(40_000),
            m.counts.maildir,
            if seen { ":2,S" } else { "" }
        );
        out.write(&rel, &bytes)?;
        m.counts.maildir += 1;
    }

    // mbox files: 2 to 9 of them, about 100 MB each.
    let budget = total * 22 / 100;
    let boxes = (budget / (100 << 20)).clamp(2, 9);
    for b in 0..boxes {
        let owner = b * 7 % OWNERS;
        let rel = format!("archives/user{owner:03}-{}.mbox", 2016 + b);
        write_mbox(out, &mut m, &rel, owner, budget / boxes)?;
    }

    // Office files: docx (with a picture), xlsx, PDF.
    let budget = total / 10;
    let start = out.bytes;
    let depts = ["legal", "finance", "engineering", "board", "press"];
    let mut rng = Rng(0x0ff1_ce00);
    while out.bytes - start < budget {
        let i = m.counts.office;
        let created = T0 + rng.below(SPAN) as i64;
        let title = format!("Document {i}");
        let author = &m.people[rng.below(PEOPLE) as usize].name;
        let meta = office::Meta {
            title: &title,
            author,
            created,
            modified: created + 600 + rng.below(30 * 86400) as i64,
        };
        let kind = rng.below(10);
        let (ext, bytes) = match kind {
            0..=6 => {
                let text = rng.between(3000, 20_000) as usize;
                let image = rng.between(20_000, 200_000) as usize;
                ("docx", office::docx(&mut rng, &meta, text, image)?)
            }
            7 | 8 => {
                let rows = rng.between(50, 2000) as usize;
                ("xlsx", office::xlsx(&mut rng, &meta, rows)?)
            }
            _ => {
                let text = rng.between(2000, 30_000) as usize;
                ("pdf", office::pdf(&mut rng, &meta, text))
            }
        };
        let rel = format!(
            "documents/{}/{:03}/doc{i:06}.{ext}",
            depts[(i % 5) as usize],
            i / 1000
        );
        out.write(&rel, &bytes)?;
        m.counts.office += 1;
    }

    // Six large binaries, 1:2:4:6:8:10 of what is left.
    let left = total.saturating_sub(out.bytes);
    let parts = [1u64, 2, 4, 6, 8, 10];
    let names = [
        "media/site-visit.mp4",
        "media/board-meeting.mov",
        "backups/laptop-image.img",
        "backups/fileserver.vmdk",
        "backups/sharepoint-export.bak",
        "backups/mailserver-snapshot.raw",
    ];
    let mut buf = vec![0u8; 1 << 20];
    for (i, (part, name)) in parts.iter().zip(names).enumerate() {
        let size = if i + 1 == parts.len() {
            total.saturating_sub(out.bytes)
        } else {
            left * part / 31
        };
        let mut w = out.create(name)?;
        if let Some(w) = w.as_mut() {
            let mut done = 0u64;
            while done < size {
                let k = (size - done).min(buf.len() as u64) as usize;
                rng.fill(&mut buf[..k]);
                w.write_all(&buf[..k])?;
                done += k as u64;
            }
        }
        out.bytes += size;
        m.counts.binaries += 1;
    }
    Ok(m.counts)
}

/// One mbox file of `total_mb` MB (`archive/mailbox.mbox`), its messages made as
/// the mixed dump's mbox messages are: for a huge mbox streamed as one file.
fn mbox(out: &mut Out, total_mb: u64) -> std::io::Result<Counts> {
    let mut m = Mailer::new(0x0b0c_5eed, 20, 22)?;
    write_mbox(out, &mut m, "archive/mailbox.mbox", 7, total_mb << 20)?;
    Ok(m.counts)
}

/// An mbox file at `rel` of about `budget` bytes of `owner`'s messages
/// (2.6 to 15.6 KB, larger with an attachment).
fn write_mbox(
    out: &mut Out,
    m: &mut Mailer,
    rel: &str,
    owner: u64,
    budget: u64,
) -> std::io::Result<()> {
    let mut w = out.create(rel)?;
    let mut written = 0u64;
    while written < budget {
        let (bytes, t) = m.next(owner, 2600, 15600);
        let sep = format!(
            "From {} {}\n",
            m.people[(owner % OWNERS) as usize].address,
            mail::asctime(t + 30)
        );
        if let Some(w) = w.as_mut() {
            w.write_all(sep.as_bytes())?;
            w.write_all(&bytes)?;
            w.write_all(b"\n")?;
        }
        written += (sep.len() + bytes.len() + 1) as u64;
        m.counts.mbox_messages += 1;
    }
    if let Some(w) = w {
        w.into_inner().map_err(|e| e.into_error())?.sync_all().ok();
    }
    out.bytes += written;
    m.counts.mbox_files += 1;
    Ok(())
}

fn small(out: &mut Out, total_mb: u64) -> std::io::Result<Counts> {
    let count = total_mb * 1024 * 10 / 47;
    let mut m = Mailer::new(0x5a11_f11e, 10, 3)?;
    for i in 0..count {
        let folder = i / 1000;
        let (bytes, _) = m.next(folder % OWNERS, 3000, 6300);
        out.write(
            &format!(
                "mail/user{:03}/folder{:03}/cur/{i:07}.eml",
                folder % OWNERS,
                folder / OWNERS
            ),
            &bytes,
        )?;
        m.counts.eml += 1;
    }
    Ok(m.counts)
}

fn files(out: &mut Out, count: u64) -> std::io::Result<Counts> {
    let mut rng = Rng(0xf11e_5000);
    let mut counts = Counts::default();
    for i in 0..count {
        // Folders of 100 files, 100 folders per parent, 10 of those per top folder.
        let rel = format!(
            "t{}/m{:02}/l{:02}/f{:02}",
            i / 100_000,
            i / 10_000 % 10,
            i / 100 % 100,
            i % 100
        );
        if i.is_multiple_of(2) {
            let bytes = mail::tiny(&mut rng, i);
            out.write(&format!("{rel}.eml"), &bytes)?;
            counts.eml += 1;
        } else {
            let t = mail::text(&mut rng, rng_len(i));
            let t = &t[..t.len().min(200)];
            out.write(&format!("{rel}.txt"), t.as_bytes())?;
            counts.text += 1;
        }
    }
    Ok(counts)
}

fn rng_len(i: u64) -> usize {
    20 + (i * 7919 % 150) as usize
}

fn usage() -> ! {
    eprintln!(
        "usage: make_bench_dump OUT SIZE [--mode mixed|small|mbox|files] [--dry-run]\n  mixed, small, mbox: SIZE in MB; files: SIZE = number of files"
    );
    std::process::exit(2);
}

fn main() -> std::io::Result<()> {
    let mut positional = Vec::new();
    let mut mode = "mixed".to_string();
    let mut dry_run = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--mode" => mode = args.next().unwrap_or_else(|| usage()),
            "--dry-run" => dry_run = true,
            "-h" | "--help" => usage(),
            _ if a.starts_with("--mode=") => mode = a["--mode=".len()..].to_string(),
            _ => positional.push(a),
        }
    }
    if positional.len() != 2 {
        usage();
    }
    let root = Path::new(&positional[0]).to_path_buf();
    let size: u64 = positional[1].parse().unwrap_or_else(|_| usage());
    if !dry_run {
        fs::create_dir_all(&root)?;
    }
    let mut out = Out {
        root: root.clone(),
        dry_run,
        made: HashSet::new(),
        files: 0,
        bytes: 0,
    };
    let start = Instant::now();
    let c = match mode.as_str() {
        "mixed" => mixed(&mut out, size)?,
        "small" => small(&mut out, size)?,
        "mbox" => mbox(&mut out, size)?,
        "files" => files(&mut out, size)?,
        _ => usage(),
    };
    let secs = start.elapsed().as_secs_f64();
    eprintln!(
        "make_bench_dump: {}{mode} dump at {}: {} files, {:.1} MB; {} .eml, {} maildir, {} mbox files holding {} messages ({} replies, {} with attachments), {} office files, {} binaries, {} text files; {secs:.1} s",
        if dry_run { "(dry run) " } else { "" },
        root.display(),
        out.files,
        out.bytes as f64 / (1 << 20) as f64,
        c.eml,
        c.maildir,
        c.mbox_files,
        c.mbox_messages,
        c.replies,
        c.attachments,
        c.office,
        c.binaries,
        c.text,
    );
    Ok(())
}
