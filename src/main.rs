//! The `leakprov` binary: arguments -> Config -> scan -> reports -> exit code.
//!
//! This is the only place that decides exit codes: 0 scan done; 1 scan done
//! and a finding at or above `--fail-on`; 2 usage error or unusable dump;
//! 130 interrupted (a partial report marked `"complete": false` was written).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Parser;

use leakprov::checks::{CHECKS, catalogue_markdown};
use leakprov::cli::{self, Cli, Command, Dest, HashArgs, Outputs, ScanArgs, VerifyArgs};
use leakprov::progress::Progress;
use leakprov::report::{Report, html};

/// mimalloc instead of the system allocator: a scan makes millions of small
/// short-lived allocations from two threads; glibc's malloc spent ~15% of the
/// CPU time in them and fragmented the heap (measured in docs/performance.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let cli = Cli::parse();
    match cli.command {
        Command::Checks { markdown } => {
            if markdown {
                print!("{}", catalogue_markdown());
            } else {
                for check in CHECKS {
                    let m = &check.meta;
                    println!("{:<28} {:<7} {}", m.id, m.severity.as_str(), m.summary);
                }
            }
            ExitCode::SUCCESS
        }
        Command::Scan(args) => report_fatal(run_scan(&args, argv)),
        Command::Hash(args) => report_fatal(run_hash(&args)),
        Command::Verify(args) => report_fatal(run_verify(&args)),
    }
}

/// Setup failures are usage errors: message on stderr, exit code 2.
fn report_fatal(result: Result<ExitCode>) -> ExitCode {
    result.unwrap_or_else(|err| {
        eprintln!("leakprov: {err:#}");
        ExitCode::from(2)
    })
}

fn run_hash(args: &HashArgs) -> Result<ExitCode> {
    let root = cli::dump_root(&args.dump)?;
    let threads = cli::threads(args.threads)?;
    if cli::is_inside(&root, &args.out) {
        anyhow::bail!(
            "refusing to write {} inside the dump {}: choose an output outside it",
            args.out.display(),
            root.display()
        );
    }
    let progress = Progress::new(!args.quiet);
    let (hashed, errors) = leakprov::hash::hash_tree(&root, threads, &progress)?;
    let entries = hashed
        .iter()
        .filter_map(|h| Some((h.entry.raw_path(), h.sha256.as_ref().ok()?)))
        .collect();
    let manifest = leakprov::report::manifest::manifest(entries);
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create the output folder {}", args.out.display()))?;
    let path = args.out.join("manifest.sha256");
    write_file(&path, |w| w.write_all(&manifest))?;
    for e in &errors {
        eprintln!("leakprov: {}: {}", e.path, e.error);
    }
    if !args.quiet {
        let bytes: u64 = hashed.iter().map(|h| h.entry.size).sum();
        eprintln!(
            "leakprov: hashed {} files ({bytes} bytes), {} unreadable; manifest written to {}",
            hashed.len(),
            errors.len(),
            path.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn run_verify(args: &VerifyArgs) -> Result<ExitCode> {
    let root = cli::dump_root(&args.dump)?;
    let threads = cli::threads(args.threads)?;
    let bytes = std::fs::read(&args.manifest)
        .with_context(|| format!("cannot read the manifest {}", args.manifest.display()))?;
    let manifest = leakprov::verify::parse_manifest(&bytes).map_err(|e| {
        anyhow::anyhow!(
            "{} is not a sha256sum manifest: {e}",
            args.manifest.display()
        )
    })?;
    let progress = Progress::new(!args.quiet);
    let result = leakprov::verify::verify(&root, &manifest, threads, &progress)?;
    if args.json {
        let stdout = std::io::stdout();
        let mut w = BufWriter::new(stdout.lock());
        serde_json::to_writer_pretty(&mut w, &result)?;
        writeln!(w)?;
    } else {
        let mut w = BufWriter::new(std::io::stdout().lock());
        for (label, paths) in [
            ("changed", &result.changed),
            ("missing", &result.missing),
            ("new", &result.new),
            ("unreadable", &result.unreadable),
        ] {
            for p in paths {
                writeln!(w, "{label}: {p}")?;
            }
        }
        w.flush()?;
        eprintln!(
            "leakprov: {} files verified, {} changed, {} missing, {} new, {} unreadable",
            result.verified,
            result.changed.len(),
            result.missing.len(),
            result.new.len(),
            result.unreadable.len()
        );
    }
    Ok(if result.is_clean() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn run_scan(args: &ScanArgs, argv: Vec<String>) -> Result<ExitCode> {
    let (cfg, outputs) = args.resolve(argv)?;
    // First Ctrl-C (or SIGTERM): stop taking files, write a partial report.
    // Second: leave at once.
    let stop = cfg.stop.clone();
    let _ = ctrlc::set_handler(move || {
        if stop.swap(true, std::sync::atomic::Ordering::SeqCst) {
            std::process::exit(130);
        }
    });
    let progress = Progress::new(!args.quiet);
    let report = leakprov::scan(&cfg, &progress)?;
    if let Some(stats) = report
        .checkpoint
        .as_ref()
        .filter(|s| s.resume && !args.quiet)
    {
        if stats.resumed {
            eprintln!(
                "leakprov: resumed from {}: {} files taken from it, {} read{}",
                stats.journal.display(),
                stats.reused,
                stats.read,
                match stats.damaged_lines {
                    0 => String::new(),
                    n => format!(" ({n} torn or damaged lines ignored)"),
                }
            );
        } else {
            eprintln!(
                "leakprov: no checkpoint at {}: scanned from the start",
                stats.journal.display()
            );
        }
    }
    let write_start = std::time::Instant::now();
    write_outputs(&report, &outputs)?;
    leakprov::progress::timing("write reports", write_start);
    leakprov::progress::peak_memory();
    if !report.complete {
        eprintln!(
            "leakprov: interrupted: partial report written (\"complete\": false, {} of the files read)",
            report.summary.files
        );
        return Ok(ExitCode::from(130));
    }
    if !args.quiet {
        let s = &report.summary;
        let sev = |k: &str| s.findings_by_severity.get(k).copied().unwrap_or(0);
        eprintln!(
            "leakprov: scanned {} files ({} bytes, {} emails, {} documents): {} high, {} medium, {} low, {} info findings; {} errors",
            s.files,
            s.bytes,
            s.emails,
            s.documents,
            sev("high"),
            sev("medium"),
            sev("low"),
            sev("info"),
            s.errors
        );
        if let Some(dir) = &outputs.dir {
            eprintln!(
                "leakprov: report written to {}",
                dir.join("report.html").display()
            );
        }
    }
    let failed = args
        .fail_on
        .is_some_and(|threshold| report.max_severity().is_some_and(|s| s >= threshold));
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn write_outputs(report: &Report, outputs: &Outputs) -> Result<()> {
    if let Some(dir) = &outputs.dir {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the output folder {}", dir.display()))?;
    }
    // The HTML page is built on a second thread while the JSON is written:
    // both only read the report, and on a large dump each takes seconds.
    std::thread::scope(|scope| {
        let html_done = outputs.html.as_ref().map(|path| {
            scope.spawn(move || {
                let start = std::time::Instant::now();
                let written = write_file(path, |w| html::write_page(report, w));
                leakprov::progress::timing("  report.html", start);
                written
            })
        });
        let rest = (|| {
            let start = std::time::Instant::now();
            if let Some(dest) = &outputs.json {
                write_dest(dest, |w| report.write_json(w))?;
            }
            leakprov::progress::timing("  report.json", start);
            if let Some(dest) = &outputs.jsonl {
                write_dest(dest, |w| report.write_jsonl(w))?;
            }
            if let Some(path) = &outputs.manifest {
                write_file(path, |w| report.write_manifest(w))?;
            }
            leakprov::progress::timing("  findings.jsonl and manifest", start);
            Ok(())
        })();
        let html = match html_done.map(|h| h.join()) {
            None => Ok(()),
            Some(Ok(result)) => result,
            Some(Err(payload)) => std::panic::resume_unwind(payload),
        };
        rest.and(html)
    })
}

fn write_dest(dest: &Dest, body: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<()> {
    match dest {
        Dest::Stdout => {
            let stdout = std::io::stdout();
            let mut w = BufWriter::new(stdout.lock());
            body(&mut w)
                .and_then(|()| w.flush())
                .context("cannot write to stdout")
        }
        Dest::File(path) => write_file(path, body),
    }
}

fn write_file(path: &Path, body: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<()> {
    let file = File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    let mut w = BufWriter::new(file);
    body(&mut w)
        .and_then(|()| w.flush())
        .with_context(|| format!("cannot write {}", path.display()))
}
