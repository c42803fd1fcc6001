//! The HTML report: one self-contained page that opens from file:// with no network.
//!
//! The report data is embedded once as JSON (`<script type="application/json">`,
//! with `<`, `>` and `&` written as `\u003c`... so that no dump string can close
//! the element) and rendered by one inline script, `assets/report/*.js` joined, which
//! builds the DOM with `textContent` and never parses data as HTML. A
//! Content-Security-Policy allows exactly that script and stylesheet (by their
//! SHA-256) and nothing else: no network, no other script, no inline handlers.
//! The header (chain of custody and counts) is rendered here, so that it reads
//! even without script; every dump string in it goes through `esc`.

mod look;
mod page;
mod pick;
pub mod score;
mod shape;

use std::fmt::Write as _;

use base64::Engine as _;
use sha2::{Digest, Sha256};

use super::Report;
use crate::finding::Severity;

const CSS: &str = include_str!("assets/report.css");
/// The page's script: the files of `assets/report/` in order, inside one function so
/// that nothing it declares is global.
const APP: &str = concat!(
    "'use strict';\n(function () {\n",
    include_str!("assets/report/core.js"),
    include_str!("assets/report/render.js"),
    include_str!("assets/report/detail.js"),
    include_str!("assets/report/timeline.js"),
    include_str!("assets/report/sections.js"),
    include_str!("assets/report/page.js"),
    "})();\n"
);

/// Escapes text for HTML element content and quoted attribute values.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// JSON made safe inside `<script type="application/json">`: `<`, `>` and `&`
/// only occur inside JSON strings, where `\u003c`, `\u003e` and `\u0026` mean
/// the same, so nothing in the data can end the element or open a comment.
pub fn script_json(json: &str) -> String {
    let mut out = Vec::with_capacity(json.len() + 64);
    let _ = std::io::Write::write_all(&mut ScriptEscaper(&mut out), json.as_bytes());
    String::from_utf8(out).unwrap_or_default()
}

/// Writes JSON into a `<script>` element: `<`, `>` and `&` as `\u003c`,
/// `\u003e`, `\u0026`, so that no text in the dump can close the element.
/// Byte by byte is safe: these are ASCII and never part of a multi-byte
/// UTF-8 sequence. Lets the page's data stream to the file instead of being
/// built as one string (hundreds of megabytes on a large dump).
struct ScriptEscaper<W: std::io::Write>(W);

impl<W: std::io::Write> std::io::Write for ScriptEscaper<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut start = 0;
        for (i, &b) in buf.iter().enumerate() {
            let escaped: &[u8] = match b {
                b'<' => b"\\u003c",
                b'>' => b"\\u003e",
                b'&' => b"\\u0026",
                _ => continue,
            };
            self.0.write_all(&buf[start..i])?;
            self.0.write_all(escaped)?;
            start = i + 1;
        }
        self.0.write_all(&buf[start..])?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

/// A CSP source for inline text: `'sha256-BASE64'`.
fn csp_hash(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// The Content-Security-Policy of the page: the inline stylesheet and app
/// script by hash, images only as data: URLs, nothing else (no network at all).
pub fn content_security_policy() -> String {
    format!(
        "default-src 'none'; script-src {}; style-src {}; img-src data:; base-uri 'none'; form-action 'none'",
        csp_hash(APP),
        csp_hash(CSS)
    )
}

/// Writes the page to `w`; its data (every item) is streamed, not built as a
/// string. Fails on a write error, or when slimmed items cannot be read back
/// from the journal (`checkpoint::spill`).
pub fn write_page(report: &Report, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    let ranked = page::rank(&report.items, &report.findings);
    let strings = std::cell::RefCell::new(page::Strings::default());
    let data = page::build(report, &ranked, &strings);
    let mut h = String::with_capacity(CSS.len() + 16 * 1024);
    let scan = &report.scan;
    let s = &report.summary;
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n\
<meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">\n\
<meta name=\"referrer\" content=\"no-referrer\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
<title>leakprov report: {root}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
        csp = content_security_policy(),
        root = esc(&scan.root)
    );
    // The chain of custody, readable without script and on paper.
    let _ = write!(
        h,
        "<header id=\"top\"><div class=\"title\"><h1>leakprov report</h1><p class=\"root\"><code>{root}</code></p></div>\
<dl class=\"custody\">\
<div><dt>Tool</dt><dd>{name} {version}</dd></div>\
<div><dt>Started</dt><dd>{started}</dd></div>\
<div><dt>Finished</dt><dd>{finished}</dd></div>\
<div><dt>Files</dt><dd>{files} ({bytes} bytes)</dd></div>\
<div><dt>Items</dt><dd>{items} ({emails} messages, {documents} documents)</dd></div>\
<div><dt>Errors</dt><dd>{errors}</dd></div>\
<div class=\"wide\"><dt>Manifest SHA-256</dt><dd><code>{manifest}</code></dd></div>\
<div class=\"wide\"><dt>Command</dt><dd><code>{args}</code> ({threads} threads)</dd></div>\
</dl><ul class=\"severities\">",
        root = esc(&scan.root),
        name = esc(report.tool.name),
        version = esc(report.tool.version),
        started = esc(&scan.started_at),
        finished = esc(&scan.finished_at),
        files = grouped(s.files),
        bytes = grouped(s.bytes),
        emails = grouped(s.emails),
        documents = grouped(s.documents),
        items = grouped(report.items.len() as u64),
        errors = grouped(s.errors),
        manifest = esc(&scan.manifest_sha256),
        args = esc(&shell_words(&scan.args)),
        threads = scan.threads,
    );
    for sev in Severity::ALL {
        let n = s
            .findings_by_severity
            .get(sev.as_str())
            .copied()
            .unwrap_or(0);
        let _ = write!(h, "<li class=\"sev sev-{sev}\"><b>{n}</b> {sev}</li>");
    }
    h.push_str("</ul></header>\n");
    if !report.complete {
        h.push_str(
            "<p class=\"partial\" role=\"alert\">This scan was interrupted: the report covers only the files \
it lists (and the manifest only those). Scan again to cover the whole dump.</p>\n",
        );
    }
    let _ = writeln!(
        h,
        "<noscript><p class=\"noscript\">This report is interactive: its lists are drawn by the page's own \
script, which this browser does not run. {} findings on {} items are in <code>report.json</code> and \
<code>findings.jsonl</code> next to this file.</p></noscript>",
        report.findings.len(),
        report.items.len()
    );
    h.push_str(
        "<main id=\"app\" aria-busy=\"true\"><p class=\"loading\">Loading the report…</p></main>\n",
    );
    h.push_str("<script type=\"application/json\" id=\"data\">");
    w.write_all(h.as_bytes())?;
    serde_json::to_writer(ScriptEscaper(&mut *w), &data)?;
    w.write_all(b"</script>\n<script>")?;
    w.write_all(APP.as_bytes())?;
    w.write_all(b"</script>\n</body></html>\n")
}

/// `1234567` -> `1,234,567`.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The command line as a person would type it (arguments with spaces quoted).
fn shell_words(args: &[String]) -> String {
    args.iter()
        .map(|a| {
            if !a.is_empty()
                && a.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c))
            {
                a.clone()
            } else {
                format!("'{}'", a.replace('\'', "'\\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            esc("<script>alert(1)</script>\"><img src=x onerror='y'>&"),
            "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=&#39;y&#39;&gt;&amp;"
        );
    }

    #[test]
    fn embedded_json_cannot_close_its_script_element() {
        let hostile = serde_json::json!({"s": "</script><script>alert(1)</script><!-- &amp;"});
        let text = script_json(&hostile.to_string());
        assert!(!text.contains('<') && !text.contains('>') && !text.contains('&'));
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, hostile);
    }

    #[test]
    fn assets_cannot_end_their_elements_early() {
        for (name, text) in [("report/*.js", APP), ("report.css", CSS)] {
            let lower = text.to_ascii_lowercase();
            assert!(!lower.contains("</script"), "{name} contains </script");
            assert!(!lower.contains("</style"), "{name} contains </style");
            assert!(!lower.contains("<!--"), "{name} contains <!--");
        }
    }

    #[test]
    fn the_policy_allows_only_the_inline_assets() {
        let csp = content_security_policy();
        assert!(csp.starts_with("default-src 'none';"));
        assert!(!csp.contains("unsafe"));
        assert!(csp.contains(&csp_hash(APP)) && csp.contains(&csp_hash(CSS)));
    }

    #[test]
    fn the_app_never_parses_data_as_html() {
        for forbidden in [
            "innerHTML",
            "outerHTML",
            "insertAdjacentHTML",
            "document.write",
            "eval(",
            "new Function",
            "setAttribute('on",
        ] {
            assert!(
                !APP.contains(forbidden),
                "the page's script uses {forbidden}"
            );
        }
    }

    #[test]
    fn numbers_are_grouped_by_thousands() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
        assert_eq!(grouped(84_917_174), "84,917,174");
    }

    #[test]
    fn commands_are_quoted_like_a_shell() {
        let args = ["leakprov", "scan", "my dump", "--out", "it's"].map(String::from);
        assert_eq!(
            shell_words(&args),
            "leakprov scan 'my dump' --out 'it'\\''s'"
        );
    }
}
