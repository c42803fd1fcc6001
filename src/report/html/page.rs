//! The data the HTML page renders: a compact view of the report, embedded once as JSON.
//!
//! Per item only what the page shows; full message facts only for items with
//! findings (their evidence panel shows every header fact). Sections that
//! other parts of leakprov add to the report (`profiles`, `domains`,
//! `documents`) and document facts on items are read through `pick`, so the
//! page renders them when they exist without depending on their types.

use std::borrow::Cow;
use std::collections::HashSet;

use serde::Serialize;
use serde_json::{Map, Value};

use super::pick::pick;
use super::score::{Ranked, rank};
use super::shape::{client_family, form, message_id_domain};
use crate::checks::CHECKS;
use crate::item::Item;
use crate::parse::dkim_facts::DkimFacts;
use crate::parse::email::{EmailFacts, Mailbox, Source};
use crate::report::{Report, ScanInfo, Summary, Tool};

/// Report sections rendered when present.
const SECTIONS: &[&str] = &["profiles", "domains", "documents"];
/// Longest dump string shown in lists (the full value is in report.json).
const MAX_TEXT: usize = 400;
/// Recipients listed per message.
const MAX_RECIPIENTS: usize = 12;

#[derive(Serialize)]
pub struct Page<'a> {
    tool: &'a Tool,
    scan: &'a ScanInfo,
    summary: &'a Summary,
    checks: Vec<CheckView>,
    items: Vec<ItemView<'a>>,
    findings: Vec<FindingView<'a>>,
    /// `[item index, score]`, most suspicious first.
    ranked: Vec<(usize, u32)>,
    errors: Vec<ErrorView<'a>>,
    /// `profiles`, `domains`, `documents` when the report has them.
    sections: Map<String, Value>,
}

#[derive(Serialize)]
struct CheckView {
    id: &'static str,
    severity: &'static str,
    scope: &'static str,
    summary: &'static str,
    doc: &'static str,
}

#[derive(Serialize)]
struct ItemView<'a> {
    /// path
    p: &'a str,
    /// locator (absent for the file itself)
    #[serde(skip_serializing_if = "Option::is_none")]
    l: Option<String>,
    /// kind
    k: &'static str,
    /// size in bytes
    n: u64,
    /// SHA-256
    #[serde(skip_serializing_if = "Option::is_none")]
    h: Option<&'a str>,
    /// attachment file name and declared type; symlink target; special file type
    #[serde(rename = "fn", skip_serializing_if = "Option::is_none")]
    filename: Option<Cow<'a, str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ct: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    lt: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sp: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    e: Option<EmailView<'a>>,
    /// Document metadata (`item.document`), when the report has it.
    #[serde(skip_serializing_if = "Option::is_none")]
    doc: Option<Value>,
}

#[derive(Serialize)]
struct EmailView<'a> {
    src: Source,
    /// first From mailbox as written, and its address in lower case (the sender key)
    #[serde(skip_serializing_if = "Option::is_none")]
    f: Option<Cow<'a, str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fa: Option<String>,
    /// To and Cc, and how many there are in all
    #[serde(skip_serializing_if = "Vec::is_empty")]
    t: Vec<Cow<'a, str>>,
    #[serde(skip_serializing_if = "is_zero")]
    tn: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    s: Option<Cow<'a, str>>,
    /// Date as written, in UTC, its offset, why it could not be read
    #[serde(skip_serializing_if = "Option::is_none")]
    d: Option<Cow<'a, str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    u: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    o: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    de: Option<&'a str>,
    /// Message-ID, first In-Reply-To
    #[serde(skip_serializing_if = "Option::is_none")]
    m: Option<Cow<'a, str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    r: Option<Cow<'a, str>>,
    /// client as written, its family, Message-ID domain and form, boundary form
    #[serde(skip_serializing_if = "Option::is_none")]
    cl: Option<Cow<'a, str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cf: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    md: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    mf: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    bf: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    dk: Vec<DkimView<'a>>,
    /// Every fact, for items with findings.
    #[serde(skip_serializing_if = "Option::is_none")]
    x: Option<&'a EmailFacts>,
}

#[derive(Serialize)]
struct DkimView<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    d: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    s: Option<&'a str>,
    bh: &'static str,
    sig: &'static str,
}

#[derive(Serialize)]
struct FindingView<'a> {
    /// index of the item in `items`
    i: usize,
    c: &'static str,
    v: &'static str,
    m: &'a str,
    e: &'a crate::finding::Evidence,
}

#[derive(Serialize)]
struct ErrorView<'a> {
    p: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    l: Option<String>,
    e: &'a str,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// At most `MAX_TEXT` characters of `text`.
fn cap(text: &str) -> Cow<'_, str> {
    match text.char_indices().nth(MAX_TEXT) {
        Some((end, _)) => Cow::Owned(format!("{}…", &text[..end])),
        None => Cow::Borrowed(text),
    }
}

fn mailbox(m: &Mailbox) -> Cow<'_, str> {
    match (&m.name, &m.address) {
        (Some(name), Some(addr)) => Cow::Owned(format!("{} <{addr}>", cap(name))),
        (Some(name), None) => cap(name),
        (None, Some(addr)) => cap(addr),
        (None, None) => Cow::Borrowed(""),
    }
}

fn dkim_view(d: &DkimFacts) -> DkimView<'_> {
    DkimView {
        d: d.d.as_deref(),
        s: d.s.as_deref(),
        bh: d.body_hash,
        sig: d.signature,
    }
}

fn email_view(email: &EmailFacts, full: bool) -> EmailView<'_> {
    let client = email.x_mailer.as_deref().or(email.user_agent.as_deref());
    let recipients = email.to.iter().chain(&email.cc);
    EmailView {
        src: email.source,
        f: email.from.first().map(mailbox),
        fa: email
            .from
            .first()
            .and_then(|m| m.address.as_deref())
            .map(|a| cap(a).to_lowercase()),
        t: recipients
            .clone()
            .take(MAX_RECIPIENTS)
            .map(mailbox)
            .collect(),
        tn: recipients.count(),
        s: email.subject.as_deref().map(cap),
        d: email.date.as_ref().map(|d| cap(&d.raw)),
        u: email.date.as_ref().and_then(|d| d.utc.as_deref()),
        o: email.date.as_ref().and_then(|d| d.offset.as_deref()),
        de: email.date.as_ref().and_then(|d| d.error.as_deref()),
        m: email.message_id.as_deref().map(cap),
        r: email.in_reply_to.first().map(|s| cap(s)),
        cl: client.map(cap),
        cf: client.map(|c| client_family(&cap(c))),
        md: email.message_id.as_deref().and_then(message_id_domain),
        mf: email
            .message_id
            .as_deref()
            .map(|m| form(m.rsplit_once('@').map_or(m, |(local, _)| local))),
        bf: email.mime.boundary.as_deref().map(form),
        dk: email.dkim.iter().map(dkim_view).collect(),
        x: full.then_some(email),
    }
}

fn item_view(item: &Item, flagged: bool) -> ItemView<'_> {
    let doc = pick(item, &["document"]).remove("document");
    ItemView {
        p: &item.path,
        l: item.locator.to_option_string(),
        k: item.kind.as_str(),
        n: item.size,
        h: item.sha256.as_deref(),
        filename: item.filename.as_deref().map(cap),
        ct: item.content_type.as_deref(),
        lt: item.link_target.as_deref(),
        sp: item.special,
        e: item.email.as_deref().map(|e| email_view(e, flagged)),
        doc,
    }
}

/// A placeholder for a finding whose path and locator match no item.
fn stub_view<'a>(ranked: &Ranked<'a>) -> ItemView<'a> {
    ItemView {
        p: ranked.path,
        l: ranked.locator.to_option_string(),
        k: "unknown",
        n: 0,
        h: None,
        filename: None,
        ct: None,
        lt: None,
        sp: None,
        e: None,
        doc: None,
    }
}

pub fn build(report: &Report) -> Page<'_> {
    let ranked = rank(&report.items, &report.findings);
    let flagged: HashSet<usize> = ranked.iter().filter_map(|r| r.item).collect();
    let mut items: Vec<ItemView> = report
        .items
        .iter()
        .enumerate()
        .map(|(i, item)| item_view(item, flagged.contains(&i)))
        .collect();
    let mut findings: Vec<Option<FindingView>> = report.findings.iter().map(|_| None).collect();
    let mut order = Vec::with_capacity(ranked.len());
    for r in &ranked {
        let index = r.item.unwrap_or_else(|| {
            items.push(stub_view(r));
            items.len() - 1
        });
        for &fi in &r.findings {
            let f = &report.findings[fi];
            findings[fi] = Some(FindingView {
                i: index,
                c: f.check,
                v: f.severity.as_str(),
                m: &f.message,
                e: &f.evidence,
            });
        }
        order.push((index, r.score));
    }
    Page {
        tool: &report.tool,
        scan: &report.scan,
        summary: &report.summary,
        checks: CHECKS
            .iter()
            .map(|c| CheckView {
                id: c.meta.id,
                severity: c.meta.severity.as_str(),
                scope: c.meta.scope.as_str(),
                summary: c.meta.summary,
                doc: c.meta.doc.trim(),
            })
            .collect(),
        items,
        // Every finding belongs to exactly one ranked group.
        findings: findings.into_iter().flatten().collect(),
        ranked: order,
        errors: report
            .errors
            .iter()
            .map(|e| ErrorView {
                p: &e.path,
                l: e.locator.to_option_string(),
                e: &e.error,
            })
            .collect(),
        sections: pick(report, SECTIONS),
    }
}
