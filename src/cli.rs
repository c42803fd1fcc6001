//! Command-line options (clap derive) and their conversion into a validated `Config`.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand};

use std::sync::Arc;

use crate::config::{Checkpoint, Config, Tolerances};
use crate::dkim::KeyStore;
use crate::finding::Severity;

const SCAN_EXAMPLES: &str = "\
Examples:
  leakprov scan ./dump
      writes ./leakprov-report/{report.html,report.json,findings.jsonl,manifest.sha256}
      and the checkpoint ./leakprov-report/checkpoint/journal.jsonl (for --resume)
  leakprov scan ./dump --out /cases/dump-2017 -j 2
  leakprov scan ./dump --json - --quiet | jq '.findings[] | select(.severity==\"high\")'
  leakprov scan ./dump --out report --fail-on medium || echo 'suspicious items found'
  leakprov scan ./dump --out /cases/dump-2017 --resume
      continues an interrupted scan (Ctrl-C, kill, crash) from /cases/dump-2017/checkpoint

Exit codes: 0 scan done; 1 scan done and a finding at or above --fail-on exists;
2 usage error, unusable dump or checkpoint; 130 interrupted (a partial report marked
\"complete\": false is written; --resume continues it). A file that cannot be read
never aborts a scan: it is listed under `errors` in the report.";

#[derive(Debug, Parser)]
#[command(
    name = "leakprov",
    version,
    about = "Tells which parts of a leaked dump are genuine and which look planted."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan a dump folder and write the reports.
    #[command(after_help = SCAN_EXAMPLES)]
    Scan(ScanArgs),
    /// Hash every file of a dump and write its manifest (no analysis).
    #[command(
        after_help = "Example:\n  leakprov hash ./dump --out ./case-2017\n      writes ./case-2017/manifest.sha256 (verify with `leakprov verify` or `sha256sum -c`)"
    )]
    Hash(HashArgs),
    /// Re-hash a dump and compare it with a manifest: changed, missing and new files.
    #[command(
        after_help = "Exit codes: 0 the dump matches the manifest; 1 something differs; 2 usage error.\n\nExample:\n  leakprov verify ./dump --manifest ./leakprov-report/manifest.sha256"
    )]
    Verify(VerifyArgs),
    /// List the checks leakprov runs.
    Checks {
        /// Print the full catalogue as Markdown (the content of docs/checks.md).
        #[arg(long)]
        markdown: bool,
    },
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// The dump folder; opened read-only, never written to.
    pub dump: PathBuf,
    /// Folder for report.html, report.json, findings.jsonl, manifest.sha256 and the
    /// checkpoint/ of --resume [default: ./leakprov-report, when no --json/--jsonl/--html is given].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Write the JSON report to PATH ('-' for stdout: then nothing else goes to stdout).
    #[arg(long, value_name = "PATH|-")]
    pub json: Option<PathBuf>,
    /// Write findings as JSON Lines to PATH ('-' for stdout).
    #[arg(long, value_name = "PATH|-")]
    pub jsonl: Option<PathBuf>,
    /// Write the HTML report to PATH.
    #[arg(long, value_name = "PATH")]
    pub html: Option<PathBuf>,
    /// Worker threads [default: number of CPUs].
    #[arg(short = 'j', long, value_name = "N")]
    pub threads: Option<usize>,
    /// No progress bar and no summary on stderr.
    #[arg(short, long)]
    pub quiet: bool,
    /// Public DKIM keys for offline verification: a file, or a folder of files, of lines
    /// `selector._domainkey.domain <TXT record value>` (as DNS zone files write them).
    #[arg(long, value_name = "PATH")]
    pub dkim_keys: Option<PathBuf>,
    /// date-received-mismatch: how much later than the Received hops a Date may be.
    #[arg(long, value_name = "MIN", default_value_t = 15)]
    pub date_ahead_minutes: u32,
    /// date-received-mismatch: how much earlier than the first Received hop a Date may be.
    #[arg(long, value_name = "HOURS", default_value_t = 48)]
    pub date_behind_hours: u32,
    /// received-out-of-order: how far back in time one hop may step from the one below it.
    #[arg(long, value_name = "MIN", default_value_t = 10)]
    pub hop_skew_minutes: u32,
    /// thread-chronology: how much earlier than its parent a reply may be dated.
    #[arg(long, value_name = "MIN", default_value_t = 5)]
    pub reply_skew_minutes: u32,
    /// sender-profile-outlier: only senders with at least this many messages are profiled.
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub min_profile: usize,
    /// Continue an interrupted scan from the checkpoint that every scan with an
    /// output folder keeps in OUT/checkpoint: files it holds and that are unchanged
    /// since (size, mtime, ctime) are not read again; the report is the one an
    /// uninterrupted scan gives. Refused if the checkpoint belongs to another dump,
    /// leakprov version or settings. Without a checkpoint, scans from the start.
    #[arg(long)]
    pub resume: bool,
    /// Exit with code 1 when a finding of this severity or higher exists.
    #[arg(long, value_name = "high|medium|low", value_parser = parse_severity)]
    pub fail_on: Option<Severity>,
}

#[derive(Debug, Args)]
pub struct HashArgs {
    /// The dump folder; opened read-only, never written to.
    pub dump: PathBuf,
    /// Folder for manifest.sha256.
    #[arg(long, value_name = "DIR", default_value = "leakprov-report")]
    pub out: PathBuf,
    /// Worker threads [default: number of CPUs].
    #[arg(short = 'j', long, value_name = "N")]
    pub threads: Option<usize>,
    /// No progress bar and no summary on stderr.
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The dump folder.
    pub dump: PathBuf,
    /// The manifest written by `scan` or `hash` (or by `sha256sum` run from the dump root).
    #[arg(long, value_name = "FILE")]
    pub manifest: PathBuf,
    /// Print the result as JSON on stdout.
    #[arg(long)]
    pub json: bool,
    /// Worker threads [default: number of CPUs].
    #[arg(short = 'j', long, value_name = "N")]
    pub threads: Option<usize>,
    /// No progress bar on stderr.
    #[arg(short, long)]
    pub quiet: bool,
}

/// The dump root, canonical, after checking it is a folder (usage error otherwise).
pub fn dump_root(dump: &Path) -> Result<PathBuf> {
    let meta = std::fs::metadata(dump).with_context(|| {
        format!(
            "cannot use {} as the dump: it does not exist or cannot be read",
            dump.display()
        )
    })?;
    if !meta.is_dir() {
        bail!(
            "{} is not a folder: point leakprov at the folder that holds the dump",
            dump.display()
        );
    }
    dump.canonicalize()
        .with_context(|| format!("cannot resolve {}", dump.display()))
}

/// Thread count from `-j`, or the number of CPUs.
pub fn threads(requested: Option<usize>) -> Result<usize> {
    match requested {
        Some(0) => bail!("--threads must be at least 1"),
        Some(n) => Ok(n),
        None => Ok(std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)),
    }
}

fn parse_severity(text: &str) -> Result<Severity, String> {
    match Severity::parse(text) {
        Some(Severity::Info) | None => Err("expected high, medium or low".into()),
        Some(s) => Ok(s),
    }
}

/// Where each report goes; `None` means not written.
#[derive(Debug, Clone, PartialEq)]
pub struct Outputs {
    pub json: Option<Dest>,
    pub jsonl: Option<Dest>,
    pub html: Option<PathBuf>,
    pub manifest: Option<PathBuf>,
    /// Created if missing.
    pub dir: Option<PathBuf>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Dest {
    Stdout,
    File(PathBuf),
}

impl ScanArgs {
    /// Validates the arguments against the file system. Every error here is a usage error (exit 2).
    pub fn resolve(&self, argv: Vec<String>) -> Result<(Config, Outputs)> {
        let root = dump_root(&self.dump)?;
        let threads = threads(self.threads)?;
        let outputs = self.outputs();
        if outputs.json == Some(Dest::Stdout) && outputs.jsonl == Some(Dest::Stdout) {
            bail!("--json - and --jsonl - cannot both write to stdout: send one of them to a file");
        }
        for path in outputs.paths() {
            if is_inside(&root, &path) {
                bail!(
                    "refusing to write {} inside the dump {}: evidence is never written to; choose an output outside it",
                    path.display(),
                    root.display()
                );
            }
        }
        let mut cfg = Config::new(root);
        cfg.threads = threads;
        cfg.checkpoint = match &outputs.dir {
            Some(dir) => Some(Checkpoint {
                dir: dir.join(crate::checkpoint::DIR),
                resume: self.resume,
            }),
            None if self.resume => bail!(
                "--resume continues from the checkpoint kept in the output folder: give the folder of the interrupted scan with --out DIR"
            ),
            None => None,
        };
        if let Some(path) = &self.dkim_keys {
            let store = KeyStore::load(path).map_err(|e| {
                anyhow::anyhow!("cannot use the DKIM keys in {}: {e}", path.display())
            })?;
            cfg.dkim_keys = Some(Arc::new(store));
        }
        cfg.min_profile = self.min_profile.max(2);
        cfg.tolerances = Tolerances {
            date_ahead: i64::from(self.date_ahead_minutes) * 60,
            date_behind: i64::from(self.date_behind_hours) * 3600,
            hop_backstep: i64::from(self.hop_skew_minutes) * 60,
            reply_before_parent: i64::from(self.reply_skew_minutes) * 60,
        };
        cfg.args = argv;
        Ok((cfg, outputs))
    }

    fn outputs(&self) -> Outputs {
        let explicit = self.json.is_some() || self.jsonl.is_some() || self.html.is_some();
        let dir = match (&self.out, explicit) {
            (Some(dir), _) => Some(dir.clone()),
            (None, false) => Some(PathBuf::from("leakprov-report")),
            (None, true) => None,
        };
        let dest = |p: &Option<PathBuf>, default: &str| -> Option<Dest> {
            match p {
                Some(p) if p.as_os_str() == "-" => Some(Dest::Stdout),
                Some(p) => Some(Dest::File(p.clone())),
                None => dir.as_ref().map(|d| Dest::File(d.join(default))),
            }
        };
        Outputs {
            json: dest(&self.json, "report.json"),
            jsonl: dest(&self.jsonl, "findings.jsonl"),
            html: self
                .html
                .clone()
                .or_else(|| dir.as_ref().map(|d| d.join("report.html"))),
            manifest: dir.as_ref().map(|d| d.join("manifest.sha256")),
            dir,
        }
    }
}

impl Outputs {
    /// Every file or folder that will be written.
    pub fn paths(&self) -> Vec<PathBuf> {
        let mut paths = Vec::new();
        for dest in [&self.json, &self.jsonl].into_iter().flatten() {
            if let Dest::File(p) = dest {
                paths.push(p.clone());
            }
        }
        paths.extend(self.html.iter().cloned());
        paths.extend(self.manifest.iter().cloned());
        paths.extend(self.dir.iter().cloned());
        paths
    }
}

/// Whether `path` (which may not exist yet) lies inside `root` (canonical).
/// The nearest existing ancestor is canonicalised, so symlinks and `..` cannot hide it.
pub fn is_inside(root: &Path, path: &Path) -> bool {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        match std::env::current_dir() {
            Ok(cwd) => cwd.join(path),
            Err(_) => return false,
        }
    };
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(canonical) = existing.canonicalize() {
            let mut full = canonical;
            for part in rest.iter().rev() {
                full.push(part);
            }
            return full.starts_with(root);
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_owned());
                existing = parent;
            }
            _ => return false,
        }
    }
}
