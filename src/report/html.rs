//! The HTML report: one self-contained page (inline CSS, no script, no network).
//!
//! Everything that comes from the dump is untrusted and goes through `esc`;
//! nothing from the dump is ever placed in an attribute other than through it.

use std::fmt::Write as _;

use serde_json::Value;

use super::Report;
use crate::checks::CHECKS;
use crate::finding::{Finding, Severity};

const CSS: &str = include_str!("assets/report.css");

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

pub fn render(report: &Report) -> String {
    let mut h = String::with_capacity(64 * 1024 + report.findings.len() * 512);
    let scan = &report.scan;
    let s = &report.summary;
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>leakprov report: {root}</title><style>{CSS}</style></head><body>\n\
<header><h1>leakprov report</h1><p class=\"root\">{root}</p></header>\n<main>\n",
        root = esc(&scan.root)
    );
    // Scan facts: the chain of custody.
    let _ = write!(
        h,
        "<section id=\"scan\"><h2>Scan</h2><table class=\"facts\">\
<tr><th>Tool</th><td>{} {}</td></tr>\
<tr><th>Dump</th><td><code>{}</code></td></tr>\
<tr><th>Started</th><td>{}</td></tr><tr><th>Finished</th><td>{}</td></tr>\
<tr><th>Command</th><td><code>{}</code></td></tr>\
<tr><th>Threads</th><td>{}</td></tr>\
<tr><th>Manifest SHA-256</th><td><code>{}</code></td></tr></table></section>",
        esc(report.tool.name),
        esc(report.tool.version),
        esc(&scan.root),
        esc(&scan.started_at),
        esc(&scan.finished_at),
        esc(&scan.args.join(" ")),
        scan.threads,
        esc(&scan.manifest_sha256),
    );
    h.push('\n');
    let _ = write!(
        h,
        "<section id=\"summary\"><h2>Summary</h2><ul class=\"counts\">\
<li><b>{}</b> files</li><li><b>{}</b> bytes</li><li><b>{}</b> emails</li>\
<li><b>{}</b> documents</li><li><b>{}</b> errors</li></ul><ul class=\"counts\">",
        s.files, s.bytes, s.emails, s.documents, s.errors
    );
    for sev in Severity::ALL {
        let n = s
            .findings_by_severity
            .get(sev.as_str())
            .copied()
            .unwrap_or(0);
        let _ = write!(h, "<li class=\"sev-{sev}\"><b>{n}</b> {sev}</li>");
    }
    h.push_str("</ul></section>\n");

    for sev in Severity::ALL {
        let findings: Vec<&Finding> = report
            .findings
            .iter()
            .filter(|f| f.severity == sev)
            .collect();
        let _ = write!(
            h,
            "<section id=\"findings-{sev}\"><h2 class=\"sev-{sev}\">{} findings: {}</h2>",
            capitalised(sev.as_str()),
            findings.len()
        );
        if findings.is_empty() {
            h.push_str("<p class=\"none\">None.</p>");
        }
        for f in findings {
            finding_html(&mut h, f);
        }
        h.push_str("</section>\n");
    }

    h.push_str(&super::documents::html(&report.documents));
    let _ = write!(
        h,
        "<section id=\"errors\"><h2>Errors: {}</h2>",
        report.errors.len()
    );
    if report.errors.is_empty() {
        h.push_str("<p class=\"none\">None.</p>");
    } else {
        h.push_str("<table class=\"list\"><tr><th>Path</th><th>Where</th><th>Error</th></tr>");
        for e in &report.errors {
            let _ = write!(
                h,
                "<tr><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
                esc(&e.path),
                esc(&e.locator.to_string()),
                esc(&e.error)
            );
        }
        h.push_str("</table>");
    }
    h.push_str("</section>\n<section id=\"checks\"><h2>Checks</h2><table class=\"list\"><tr><th>Id</th><th>Severity</th><th>What it detects</th></tr>");
    for check in CHECKS {
        let m = &check.meta;
        let _ = write!(
            h,
            "<tr><td><code>{}</code></td><td class=\"sev-{}\">{}</td><td>{}</td></tr>",
            m.id,
            m.severity,
            m.severity,
            esc(m.summary)
        );
    }
    h.push_str("</table></section>\n</main></body></html>\n");
    h
}

fn finding_html(h: &mut String, f: &Finding) {
    let locator = f.locator.to_string();
    let _ = write!(
        h,
        "<article class=\"finding sev-{}\"><h3><code>{}</code> {}</h3><p class=\"where\"><code>{}</code>{}</p><table class=\"evidence\">",
        f.severity,
        esc(f.check),
        esc(&f.message),
        esc(&f.path),
        if locator.is_empty() {
            String::new()
        } else {
            format!(" <span class=\"loc\">{}</span>", esc(&locator))
        }
    );
    for (key, value) in f.evidence.iter() {
        let _ = write!(
            h,
            "<tr><th>{}</th><td>{}</td></tr>",
            esc(key),
            value_html(value)
        );
    }
    h.push_str("</table></article>\n");
}

fn value_html(value: &Value) -> String {
    match value {
        Value::String(s) => format!("<pre>{}</pre>", esc(s)),
        Value::Array(items) => {
            let mut out = String::from("<ul>");
            for item in items {
                let _ = write!(out, "<li>{}</li>", value_html(item));
            }
            out.push_str("</ul>");
            out
        }
        Value::Object(map) => {
            let mut out = String::from("<table class=\"nested\">");
            for (k, v) in map {
                let _ = write!(
                    out,
                    "<tr><th>{}</th><td>{}</td></tr>",
                    esc(k),
                    value_html(v)
                );
            }
            out.push_str("</table>");
            out
        }
        Value::Null => "<i>none</i>".into(),
        other => esc(&other.to_string()),
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
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
}
