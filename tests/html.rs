//! The HTML report in a real browser: headless Chromium renders it and the test reads the DOM.
//!
//! Chromium is Debian's `chromium` package (`.ci/run` installs it). Without a
//! browser the browser tests print why they are skipped and pass; the checks
//! on the page source run everywhere.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::leakprov;
use serde_json::Value;

const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/sample_dumps");

/// A message whose every displayed field tries to run script.
const HOSTILE: &str = "From: \"\\\"><img src=x onerror=alert(2)>\" <mallory@example.com>\n\
To: \"<img src=x onerror=\\\"document.documentElement.setAttribute('data-pwned','to')\\\">\" <victim@example.com>\n\
Subject: <script>alert(1)</script>\n\
Subject: </script><script>document.documentElement.setAttribute('data-pwned','subject')</script><!--\n\
Date: Tue, 2 May 2017 10:00:00 +0200\n\
Message-ID: <x\"onmouseover=\"alert(6)@example.com>\n\
X-Mailer: <svg onload=alert(7)>\n\
MIME-Version: 1.0\n\
Content-Type: text/plain; charset=utf-8\n\
\n\
Hello.\n";
/// The file name of the hostile message (also shown on the page).
const HOSTILE_NAME: &str = "\"><img src=x onerror=alert(4)>.eml";

/// The browser, if one is installed (`LEAKPROV_CHROMIUM` overrides the search).
fn browser() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("LEAKPROV_CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    let names = [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ];
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |n| dir.join(n)))
        .find(|p| p.is_file())
}

fn browser_or_skip(test: &str) -> Option<PathBuf> {
    let found = browser();
    if found.is_none() {
        eprintln!(
            "SKIPPED {test}: no Chromium found (looked for chromium, chromium-browser, google-chrome on PATH; \
             set LEAKPROV_CHROMIUM or `apt-get install chromium`, as .ci/run does)"
        );
    }
    found
}

/// Runs headless Chromium on `url` with `extra` arguments; returns stdout.
fn headless(browser: &Path, url: &str, extra: &[&str]) -> String {
    let profile = tempfile::tempdir().expect("temp profile");
    let out = Command::new(browser)
        .args([
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
            "--virtual-time-budget=10000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(url)
        .output()
        .expect("run chromium");
    assert!(
        out.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn dump_dom(browser: &Path, url: &str) -> String {
    let dom = headless(browser, url, &["--dump-dom"]);
    assert!(
        dom.contains("data-rendered-ms="),
        "the page's script did not finish rendering:\n{}",
        &dom[..dom.len().min(3000)]
    );
    assert!(
        !dom.contains("data-csp-violations=\""),
        "the Content-Security-Policy blocked something the page needs"
    );
    dom
}

fn file_url(path: &Path) -> String {
    let mut url = String::from("file://");
    for b in path.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
            url.push(b as char);
        } else {
            url.push_str(&format!("%{b:02X}"));
        }
    }
    url
}

/// The `#item=` fragment of an item, as the page writes it (encodeURIComponent).
fn item_fragment(path: &str, locator: Option<&str>) -> String {
    let key = format!("{path}|{}", locator.unwrap_or(""));
    let mut out = String::from("#item=");
    for b in key.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Scans `dump` into `out/report.html` (and report.json); returns the report.
fn scan(dump: &Path, out: &Path) -> Value {
    scan_with(dump, out, &[])
}

fn scan_with(dump: &Path, out: &Path, extra: &[&str]) -> Value {
    let status = leakprov()
        .arg("scan")
        .arg(dump)
        .arg("--out")
        .arg(out)
        .arg("--quiet")
        .args(extra)
        .status()
        .expect("run leakprov");
    assert!(status.code() == Some(0) || status.code() == Some(1));
    serde_json::from_slice(&std::fs::read(out.join("report.json")).expect("report.json"))
        .expect("report.json is JSON")
}

/// Text as the DOM serialiser writes it, back to characters.
fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&")
}

/// The text inside the first `<span class="CLASS">` of `html`.
fn span_text(html: &str, class: &str) -> Option<String> {
    let open = format!("<span class=\"{class}\">");
    let start = html.find(&open)? + open.len();
    let end = html[start..].find("</span>")? + start;
    Some(unescape(&html[start..end]))
}

/// One row of the ranked list as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Row {
    path: String,
    locator: Option<String>,
    score: u32,
}

/// The rows of the ranked list's first page, in order, from the dumped DOM.
fn ranked_rows(dom: &str) -> Vec<Row> {
    let start = dom.find("id=\"sec-ranked\"").expect("ranked section");
    let end = dom[start..]
        .find("</table>")
        .map_or(dom.len(), |e| start + e);
    dom[start..end]
        .split("<tr class=\"row")
        .skip(1)
        .filter_map(|row| {
            let row = row.split("<tr class=\"detailrow").next().unwrap_or(row);
            let cell = &row[row.find("<td class=\"where\"")?..];
            // The score is the second cell, in bold.
            let score = row.split("<td").nth(2)?;
            let score = &score[score.find("<b>")? + 3..];
            Some(Row {
                path: span_text(cell, "path")?,
                locator: span_text(cell, "loc"),
                score: score[..score.find("</b>")?].parse().ok()?,
            })
        })
        .collect()
}

fn target_dir() -> PathBuf {
    // CARGO_TARGET_TMPDIR is <target>/tmp.
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("target"))
}

/// The hostile message next to two sample messages.
fn hostile_dump() -> tempfile::TempDir {
    let dump = tempfile::tempdir().expect("temp dump");
    let inbox = dump.path().join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    for name in ["0001.eml", "0071.eml"] {
        std::fs::copy(
            Path::new(SAMPLE)
                .join("corvel-leak/mailboxes/claire.dumont/Inbox")
                .join(name),
            inbox.join(name),
        )
        .unwrap();
    }
    std::fs::write(inbox.join(HOSTILE_NAME), HOSTILE).unwrap();
    dump
}

#[test]
fn page_source_embeds_hostile_data_inertly() {
    let dump = hostile_dump();
    let out = tempfile::tempdir().unwrap();
    let report = scan(dump.path(), out.path());
    let html = std::fs::read_to_string(out.path().join("report.html")).unwrap();

    // Exactly two script elements: the data and the app; nothing from the dump opens another.
    assert_eq!(
        html.matches("<script").count(),
        2,
        "extra <script> in the page"
    );
    assert_eq!(html.matches("</script").count(), 2);
    assert!(!html.contains("<img"));
    assert!(!html.contains("<svg onload"));
    assert!(!html.contains("<!--"));
    // The policy forbids network access and anything not hashed.
    let csp_start = html.find("Content-Security-Policy\" content=\"").unwrap();
    let csp = &html[csp_start..csp_start + 300];
    assert!(csp.contains("default-src 'none'") && csp.contains("script-src 'sha256-"));
    assert!(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"));
    // The embedded data is the report's, byte for byte, once decoded.
    let start = html.find("id=\"data\">").unwrap() + "id=\"data\">".len();
    let end = start + html[start..].find("</script>").unwrap();
    let data: Value = serde_json::from_str(&html[start..end]).expect("embedded JSON");
    let hostile = data["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["p"] == format!("inbox/{HOSTILE_NAME}"))
        .expect("hostile item embedded");
    let subject = report["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["path"] == format!("inbox/{HOSTILE_NAME}"))
        .unwrap()["email"]["subject"]
        .clone();
    assert_eq!(hostile["e"]["s"], subject);
    assert!(subject.as_str().unwrap().contains("</script><script>"));
}

#[test]
fn hostile_strings_render_as_text_in_chromium() {
    let Some(browser) = browser_or_skip("hostile_strings_render_as_text_in_chromium") else {
        return;
    };
    let dump = hostile_dump();
    let out = tempfile::tempdir().unwrap();
    scan(dump.path(), out.path());
    let page = out.path().join("report.html");
    // Open the hostile item's evidence too, through its deep link.
    let url = file_url(&page) + &item_fragment(&format!("inbox/{HOSTILE_NAME}"), None);
    let dom = dump_dom(&browser, &url);

    assert!(!dom.contains("data-pwned="), "script from the dump ran");
    assert!(
        !dom.contains("<img"),
        "an <img> element was built from the dump"
    );
    assert!(!dom.contains("<svg onload"));
    assert!(
        !dom.contains("<script>alert"),
        "a <script> element was built from the dump"
    );
    // ...and the same strings are on the page as text.
    for text in [
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "\"&gt;&lt;img src=x onerror=alert(2)&gt;",
        "&lt;/script&gt;&lt;script&gt;document.documentElement.setAttribute('data-pwned','subject')&lt;/script&gt;&lt;!--",
        "&lt;img src=x onerror=alert(4)&gt;.eml",
        "&lt;svg onload=alert(7)&gt;",
    ] {
        assert!(dom.contains(text), "{text} is not shown as text");
    }
    let rows = ranked_rows(&dom);
    assert!(
        rows.iter()
            .any(|r| r.path == format!("inbox/{HOSTILE_NAME}") && r.locator.is_none()),
        "hostile item not in the ranked list: {rows:?}"
    );
    assert!(
        dom.contains("aria-expanded=\"true\""),
        "the deep link did not open the item"
    );
}

#[test]
fn sample_report_ranks_planted_items_first_in_chromium() {
    let Some(browser) = browser_or_skip("sample_report_ranks_planted_items_first_in_chromium")
    else {
        return;
    };
    let out = tempfile::tempdir().unwrap();
    // With the sample's DKIM keys when it has them, as the sample-dump test scans.
    let keys = Path::new(SAMPLE).join("dkim-keys.txt");
    let keys_arg = keys.to_string_lossy().into_owned();
    let extra: Vec<&str> = if keys.is_file() {
        vec!["--dkim-keys", &keys_arg]
    } else {
        Vec::new()
    };
    let report = scan_with(&Path::new(SAMPLE).join("corvel-leak"), out.path(), &extra);
    let page = out.path().join("report.html");
    let dom = dump_dom(&browser, &file_url(&page));

    // Every planted item a registered check found is near the top of the ranked list.
    let expected: Value =
        serde_json::from_slice(&std::fs::read(Path::new(SAMPLE).join("expected.json")).unwrap())
            .unwrap();
    let found: BTreeSet<(String, String, Option<String>)> =
        common::finding_keys(&report).into_iter().collect();
    let planted: BTreeSet<(String, Option<String>)> = expected["planted"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["check"].as_str().unwrap().to_string(),
                c["path"].as_str().unwrap().to_string(),
                c["locator"].as_str().map(str::to_string),
            )
        })
        .filter(|k| found.contains(k))
        .map(|(_, path, locator)| (path, locator))
        .collect();
    assert!(
        planted.len() >= 8,
        "too few planted cases found: {planted:?}"
    );
    // "The top": every planted item ranks above every item that scores 0, and few
    // other items rank among them (copies of planted documents, list footers).
    let rows = ranked_rows(&dom);
    let position = |item: &(String, Option<String>)| {
        rows.iter()
            .position(|r| (&r.path, &r.locator) == (&item.0, &item.1))
            .unwrap_or_else(|| {
                panic!("planted {item:?} is not on the ranked list's first page: {rows:#?}")
            })
    };
    let last = planted.iter().map(position).max().unwrap();
    assert!(
        rows[..=last].iter().all(|r| r.score > 0),
        "a planted item ranks below an item scoring 0: {rows:#?}"
    );
    let others = rows[..=last]
        .iter()
        .filter(|r| !planted.contains(&(r.path.clone(), r.locator.clone())))
        .count();
    assert!(
        others <= (planted.len() / 3).max(2),
        "{others} unplanted items rank among the {} planted ones: {rows:#?}",
        planted.len()
    );
    // The timeline is drawn, with flagged days marked.
    assert!(dom.contains("id=\"sec-timeline\""));
    assert!(dom.contains("<svg") && dom.contains("class=\"chart\""));
    assert!(dom.contains("class=\"bar flagged\""));
    // The other views.
    for section in [
        "sec-senders",
        "sec-documents",
        "sec-duplicates",
        "sec-errors",
        "sec-checks",
        "sec-items",
    ] {
        assert!(
            dom.contains(&format!("id=\"{section}\"")),
            "{section} missing"
        );
    }
    assert!(dom.contains("julien.marchand@corvel-energie.fr"));
    assert!(dom.contains("id=\"check-message-id-conflict\""));

    // A deep link opens its item with the evidence, after a fresh load.
    let conflict = "mailboxes/claire.dumont/Sent/0034.eml";
    let dom = dump_dom(
        &browser,
        &(file_url(&page) + &item_fragment(conflict, None)),
    );
    let open = dom.find("class=\"detailrow\"").expect("an expanded item");
    assert!(dom[open..].contains("1,2 M€"), "evidence not shown");
    assert!(dom[..open].contains(conflict));

    // A message its sender's profile finds odd is shown next to that profile.
    let outlier = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check"] == "sender-profile-outlier");
    if let (Some(f), false) = (
        outlier,
        report["profiles"].as_array().is_none_or(Vec::is_empty),
    ) {
        let url =
            file_url(&page) + &item_fragment(f["path"].as_str().unwrap(), f["locator"].as_str());
        let dom = dump_dom(&browser, &url);
        let open = dom.find("class=\"detailrow\"").expect("an expanded item");
        assert!(dom[open..].contains("Compared with the sender's profile"));
        assert!(dom[open..].contains("badge unusual"));
    }

    // A screenshot of the first screen, for people to review.
    let shot = target_dir().join("report-screenshot.png");
    headless(
        &browser,
        &file_url(&page),
        &[
            &format!("--screenshot={}", shot.display()),
            "--window-size=1400,1000",
        ],
    );
    assert!(shot.is_file(), "no screenshot at {}", shot.display());
    eprintln!("screenshot of the sample report: {}", shot.display());
}

/// Replaces the data embedded in `html` with `data`, escaped as leakprov embeds it.
fn with_data(html: &str, data: &Value) -> String {
    let start = html.find("id=\"data\">").expect("data element") + "id=\"data\">".len();
    let end = start + html[start..].find("</script>").expect("end of data");
    format!(
        "{}{}{}",
        &html[..start],
        leakprov::report::html::script_json(&data.to_string()),
        &html[end..]
    )
}

fn embedded_data(html: &str) -> Value {
    let start = html.find("id=\"data\">").expect("data element") + "id=\"data\">".len();
    let end = start + html[start..].find("</script>").expect("end of data");
    serde_json::from_str(&html[start..end]).expect("embedded JSON")
}

/// Document facts on items and the `documents`, `profiles` and `domains` report
/// sections (added by other parts of leakprov) are rendered when present.
#[test]
fn later_report_sections_render_in_chromium() {
    let Some(browser) = browser_or_skip("later_report_sections_render_in_chromium") else {
        return;
    };
    let out = tempfile::tempdir().unwrap();
    scan(&Path::new(SAMPLE).join("corvel-leak"), out.path());
    let html = std::fs::read_to_string(out.path().join("report.html")).unwrap();
    let mut data = embedded_data(&html);
    let docx = "documents/CR_CODIR_2017-01-09.docx";
    for item in data["items"].as_array_mut().unwrap() {
        if item["p"] == docx {
            item["doc"] = serde_json::json!({
                "format": "ooxml", "title": "<img src=x onerror=alert(8)>Compte rendu",
                "creator": "Иван Петров", "last_modified_by": "Claire Dumont",
                "application": "Microsoft Office Word", "app_version": "16.0000",
                "created": {"raw": "2017-01-09T08:00:00Z", "utc": "2017-01-09T08:00:00Z"}
            });
        }
    }
    data["sections"] = serde_json::json!({
        "documents": {
            "items": 4, "distinct": 4,
            "authors": [
                {"value": "Julien Marchand", "documents": 3},
                {"value": "Иван Петров", "documents": 1, "items": [{"path": docx, "locator": null}]}
            ],
            "applications": [{"value": "Microsoft Excel", "documents": 4}],
            "producers": []
        },
        "profiles": [{
            "sender": "julien.marchand@corvel-energie.fr", "messages": 27,
            "clusters": [{"label": "Outlook 2016 via Exchange", "messages": 26},
                         {"label": "Apple Mail posing as Outlook", "messages": 1, "outlier": true}],
            "features": {"client": {"(none)": 26, "Microsoft Outlook 16.0": 1}},
            "outliers": 1
        }],
        "domains": [{"domain": "berthier-avocats.fr", "messages": 9, "senders": 1}]
    });
    let page = out.path().join("sections.html");
    std::fs::write(&page, with_data(&html, &data)).unwrap();
    let dom = dump_dom(&browser, &file_url(&page));

    let docs = &dom[dom.find("id=\"sec-documents\"").expect("documents section")..];
    let docs = &docs[..docs.find("id=\"sec-duplicates\"").unwrap_or(docs.len())];
    assert!(docs.contains("Иван Петров") && docs.contains("badge unusual"));
    assert!(
        docs.contains(docx),
        "the rare value's document is not linked"
    );
    assert!(docs.contains("&lt;img src=x onerror=alert(8)&gt;Compte rendu"));
    assert!(!dom.contains("<img"));
    assert!(
        dom.contains("Apple Mail posing as Outlook"),
        "profile clusters not shown"
    );
    let domains = &dom[dom.find("id=\"sec-domains\"").expect("domains section")..];
    assert!(domains.contains("berthier-avocats.fr"));
}
