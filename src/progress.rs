//! The progress bar on stderr; parsers and checks never see it.
//!
//! Shown only when stderr is a terminal and `--quiet` is not given, so that
//! pipelines and logs get no control characters.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

pub struct Progress {
    bar: Option<ProgressBar>,
    files_total: AtomicU64,
    files_done: AtomicU64,
}

impl Progress {
    /// A bar on stderr if `wanted` and stderr is a terminal.
    pub fn new(wanted: bool) -> Self {
        let bar = (wanted && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} [{elapsed_precise}] {wide_bar} {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec} ETA {eta} {msg}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        Progress {
            bar,
            files_total: AtomicU64::new(0),
            files_done: AtomicU64::new(0),
        }
    }

    /// No output at all (tests, library use).
    pub fn hidden() -> Self {
        Progress::new(false)
    }

    pub fn start(&self, files: u64, bytes: u64) {
        self.files_total.store(files, Ordering::Relaxed);
        if let Some(bar) = &self.bar {
            bar.set_length(bytes);
            bar.set_message(format!("0/{files} files"));
        }
    }

    pub fn bytes_read(&self, n: u64) {
        if let Some(bar) = &self.bar {
            bar.inc(n);
        }
    }

    pub fn file_done(&self) {
        let done = self.files_done.fetch_add(1, Ordering::Relaxed) + 1;
        if let Some(bar) = &self.bar {
            let total = self.files_total.load(Ordering::Relaxed);
            // Redrawing the message per file is cheap next to reading it, but
            // not free for tiny files: update every 64 files.
            if done.is_multiple_of(64) || done == total {
                bar.set_message(format!("{done}/{total} files"));
            }
        }
    }

    /// A phase after reading (corpus checks, writing reports).
    pub fn phase(&self, what: &str) {
        if let Some(bar) = &self.bar {
            bar.set_message(what.to_string());
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// `LEAKPROV_TIMINGS=1`: one line per phase on stderr with its time and the
/// process's resident memory (now and peak), for profiling and docs/performance.md.
pub fn timing(phase: &str, started: std::time::Instant) {
    if std::env::var_os("LEAKPROV_TIMINGS").is_none() {
        return;
    }
    eprintln!(
        "leakprov: timing: {phase} {:.3} s (rss {}, peak {})",
        started.elapsed().as_secs_f64(),
        memory_field("VmRSS:"),
        memory_field("VmHWM:")
    );
}

/// `LEAKPROV_TIMINGS=1`: the run's peak resident memory (the kernel's
/// high-water mark, not a sample), read by tests/limits.rs.
pub fn peak_memory() {
    if std::env::var_os("LEAKPROV_TIMINGS").is_some() {
        eprintln!("leakprov: timing: peak memory {}", memory_field("VmHWM:"));
    }
}

/// A memory line of /proc/self/status ("123456 kB"), or "?".
fn memory_field(name: &str) -> String {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix(name))
        .map(|v| v.trim().to_string())
        .unwrap_or_else(|| "?".into())
}
