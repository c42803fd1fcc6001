//! The data the HTML page renders: a compact view of the report, embedded once as JSON.
//!
//! Per item only what the page shows; full message facts only for the items
//! with findings that rank highest (their evidence panel shows every header fact). Sections that
//! other parts of leakprov add to the report (`profiles`, `domains`,
//! `documents`) and document facts on items are read through `pick`, so the
//! page renders them when they exist without depending on their types.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use serde::Serialize;
use serde_json::{Map, Value};

use super::look::{DkimLook, EmailLook, ItemLook};
use super::pick::pick;
pub use super::score::{Ranked, rank};
use super::shape::{client_family, form, message_id_domain};
use crate::checkpoint::spill::{Form, StreamError};
use crate::checks::CHECKS;
use crate::item::Item;
use crate::parse::email::{EmailFacts, Mailbox, Source};
use crate::report::{Report, ScanInfo, Summary, Tool};

/// Report sections rendered when present.
const SECTIONS: &[&str] = &["profiles", "domains", "documents"];
/// Longest dump string shown in lists (the full value is in report.json).
const MAX_TEXT: usize = 400;
/// Recipients listed per message.
const MAX_RECIPIENTS: usize = 12;
/// Items, most suspicious first, whose every header fact and finding evidence is
/// embedded (the page's size stays bounded when a whole dump is flagged;
/// report.json has them all).
const MAX_FULL: usize = 5000;

/// Strings that repeat across items (senders, programs, kinds, zones), written
/// once: items refer to them by index, which keeps a 100,000-item page small.
#[derive(Default, Serialize)]
#[serde(transparent)]
pub struct Strings {
    list: Vec<String>,
    #[serde(skip)]
    index: HashMap<String, u32>,
}

impl Strings {
    fn add(&mut self, text: &str) -> u32 {
        if let Some(&i) = self.index.get(text) {
            return i;
        }
        let i = self.list.len() as u32;
        self.list.push(text.to_string());
        self.index.insert(text.to_string(), i);
        i
    }
}

/// The page's data. Items are not held: `items` streams each one, in full,
/// from the journal as the data is written (`checkpoint::spill`), adding its
/// repeated strings to the table, which is therefore written last.
#[derive(Serialize)]
pub struct Page<'a> {
    tool: &'a Tool,
    scan: &'a ScanInfo,
    summary: &'a Summary,
    checks: Vec<CheckView>,
    items: ItemsView<'a>,
    findings: Vec<FindingView<'a>>,
    /// `[item index, score]`, most suspicious first.
    ranked: Vec<(usize, u32)>,
    /// Messages per day, for the timeline.
    days: Days,
    errors: Vec<ErrorView<'a>>,
    /// `profiles`, `domains`, `documents` when the report has them.
    sections: Map<String, Value>,
    /// The string table: item fields marked "interned" are indices into it.
    strings: &'a RefCell<Strings>,
}

/// Every item's view, then a placeholder per finding that matches no item.
struct ItemsView<'a> {
    report: &'a Report,
    /// Items whose every fact is shown (`MAX_FULL` highest ranked).
    full: HashSet<usize>,
    /// Findings' (path, locator) that match no item.
    stubs: Vec<&'a Ranked<'a>>,
    strings: &'a RefCell<Strings>,
}

impl Serialize for ItemsView<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::Error as _;
        use serde::ser::SerializeSeq;
        let mut seq = s.serialize_seq(Some(self.report.items.len() + self.stubs.len()))?;
        let mut strings = self.strings.borrow_mut();
        let mut index = 0;
        // Slimmed items come as journal text: only what the list shows is
        // read (`look`), unless the page embeds every fact of the item.
        self.report
            .items
            .for_each_text(|form| {
                let full = self.full.contains(&index);
                index += 1;
                let read;
                let (look, item) = match form {
                    Form::Whole(item) => (ItemLook::of(item), Some(item)),
                    Form::Text(text) if full => {
                        read = serde_json::from_slice::<Item>(text).map_err(S::Error::custom)?;
                        (ItemLook::of(&read), Some(&read))
                    }
                    Form::Text(text) => (
                        serde_json::from_slice::<ItemLook>(text).map_err(S::Error::custom)?,
                        None,
                    ),
                };
                let facts = item.filter(|_| full).and_then(|i| i.email.as_deref());
                seq.serialize_element(&item_view(&look, facts, &mut strings))
            })
            .map_err(StreamError::into_ser)?;
        for stub in &self.stubs {
            seq.serialize_element(&stub_view(stub, &mut strings))?;
        }
        seq.end()
    }
}

/// Messages per UTC day, counted here so that the page need not read every item
/// before drawing its first screen.
#[derive(Debug, PartialEq, Serialize)]
struct Days {
    /// Items with message facts.
    emails: u64,
    /// Messages whose Date gives no instant.
    undated: u64,
    /// `[days since 1970-01-01, messages, flagged messages]` per day, in order.
    days: Vec<(i64, u64, u64)>,
}

/// The day of an RFC 3339 instant, as days since 1970-01-01.
fn day_number(utc: &str) -> Option<i64> {
    let date = chrono::NaiveDate::parse_from_str(utc.get(..10)?, "%Y-%m-%d").ok()?;
    Some((date - chrono::NaiveDate::default()).num_days())
}

/// `flagged`: indices of the items that score above 0.
fn days(items: &[Item], flagged: &HashSet<usize>) -> Days {
    let mut per_day: std::collections::BTreeMap<i64, (u64, u64)> = Default::default();
    let (mut emails, mut undated) = (0, 0);
    for (i, item) in items.iter().enumerate() {
        // Slim items carry the corpus's share of their facts; whole ones
        // (no journal) carry their facts as well.
        let utc = match (item.mail(), item.email.as_deref()) {
            (Some(mail), _) => mail.date.as_ref().and_then(|d| d.utc()),
            (None, Some(email)) => email.date.as_ref().and_then(|d| d.utc.clone()),
            (None, None) => continue,
        };
        emails += 1;
        match utc.as_deref().and_then(day_number) {
            Some(day) => {
                let slot = per_day.entry(day).or_default();
                slot.0 += 1;
                slot.1 += u64::from(flagged.contains(&i));
            }
            None => undated += 1,
        }
    }
    Days {
        emails,
        undated,
        days: per_day.into_iter().map(|(d, (n, f))| (d, n, f)).collect(),
    }
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
    /// kind (interned)
    k: u32,
    /// size in bytes
    n: u64,
    /// SHA-256
    #[serde(skip_serializing_if = "Option::is_none")]
    h: Option<crate::digest::Digest>,
    /// attachment file name and declared type; symlink target; special file type
    #[serde(rename = "fn", skip_serializing_if = "Option::is_none")]
    filename: Option<Cow<'a, str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ct: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    lt: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sp: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    e: Option<EmailView<'a>>,
    /// Document metadata (`item.document`), when the report has it.
    #[serde(skip_serializing_if = "Option::is_none")]
    doc: Option<Value>,
}

/// Message fields; those marked "interned" are indices into `Page::strings`.
#[derive(Serialize)]
struct EmailView<'a> {
    /// file, maildir, mbox or attachment (interned)
    src: u32,
    /// first From mailbox as written, and its address in lower case, the sender key (interned)
    #[serde(skip_serializing_if = "Option::is_none")]
    f: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fa: Option<u32>,
    /// To and Cc (interned), and how many there are in all
    #[serde(skip_serializing_if = "Vec::is_empty")]
    t: Vec<u32>,
    #[serde(skip_serializing_if = "is_zero")]
    tn: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    s: Option<Cow<'a, str>>,
    /// Date as written, in UTC, its offset, why it could not be read
    #[serde(skip_serializing_if = "Option::is_none")]
    d: Option<Cow<'a, str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    u: Option<&'a str>,
    /// (interned)
    #[serde(skip_serializing_if = "Option::is_none")]
    o: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    de: Option<&'a str>,
    /// Message-ID, first In-Reply-To
    #[serde(skip_serializing_if = "Option::is_none")]
    m: Option<Cow<'a, str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    r: Option<Cow<'a, str>>,
    /// client as written, its family, Message-ID domain and form, boundary form (all interned)
    #[serde(skip_serializing_if = "Option::is_none")]
    cl: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cf: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    md: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    mf: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    bf: Option<u32>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    dk: Vec<DkimView<'a>>,
    /// This message's values of the sender-profile features (`email.fingerprint`):
    /// `[name, value, name, value, ...]`, all interned
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fp: Vec<u32>,
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
    bh: &'a str,
    sig: &'a str,
    /// why it failed or could not be checked
    #[serde(skip_serializing_if = "Option::is_none")]
    why: Option<Cow<'a, str>>,
}

#[derive(Serialize)]
struct FindingView<'a> {
    /// index of the item in `items`
    i: usize,
    c: &'static str,
    v: &'static str,
    m: &'a str,
    /// absent for items ranked below `MAX_FULL`
    #[serde(skip_serializing_if = "Option::is_none")]
    e: Option<&'a crate::finding::Evidence>,
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
    // No more bytes than that, so no more characters: most values are
    // returned without being read character by character.
    if text.len() <= MAX_TEXT {
        return Cow::Borrowed(text);
    }
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

fn dkim_view(d: &DkimLook) -> DkimView<'_> {
    DkimView {
        d: d.d.as_deref(),
        s: d.s.as_deref(),
        bh: &d.body_hash,
        sig: &d.signature,
        why: d.detail.as_deref().map(cap),
    }
}

/// The source as the report spells it (`file`, `maildir`, `mbox`, ...), through
/// serde so that a new kind of source needs no change here.
fn source_name(source: Source) -> String {
    match serde_json::to_value(source) {
        Ok(Value::String(name)) => name,
        _ => String::new(),
    }
}

/// `facts`: every fact of the message, when the page embeds them (read
/// back from the journal).
fn email_view<'a>(
    email: &'a EmailLook,
    facts: Option<&'a EmailFacts>,
    strings: &mut Strings,
) -> EmailView<'a> {
    let client = email
        .x_mailer
        .as_deref()
        .map(cap)
        .or(email.user_agent.as_deref().map(cap));
    let recipients = email.to.iter().chain(&email.cc);
    let message_id = email.message_id.as_deref();
    EmailView {
        src: strings.add(&source_name(email.source)),
        f: email.from.first().map(|m| strings.add(&mailbox(m))),
        fa: email
            .from
            .first()
            .and_then(|m| m.address.as_deref())
            .map(|a| strings.add(&cap(a).to_lowercase())),
        t: recipients
            .clone()
            .take(MAX_RECIPIENTS)
            .map(|m| strings.add(&mailbox(m)))
            .collect(),
        tn: recipients.count(),
        s: email.subject.as_deref().map(cap),
        d: email.date.as_ref().map(|d| cap(&d.raw)),
        u: email.date.as_ref().and_then(|d| d.utc.as_deref()),
        o: email
            .date
            .as_ref()
            .and_then(|d| d.offset.as_deref())
            .map(|o| strings.add(o)),
        de: email.date.as_ref().and_then(|d| d.error.as_deref()),
        m: message_id.map(cap),
        r: email.in_reply_to.as_deref().map(cap),
        cf: client.as_deref().map(|c| strings.add(&client_family(c))),
        cl: client.as_deref().map(|c| strings.add(c)),
        md: message_id
            .and_then(message_id_domain)
            .map(|d| strings.add(&d)),
        mf: message_id
            .map(|m| strings.add(&form(m.rsplit_once('@').map_or(m, |(local, _)| local)))),
        bf: email
            .mime
            .boundary
            .as_deref()
            .map(|b| strings.add(&form(b))),
        dk: email.dkim.iter().map(dkim_view).collect(),
        fp: fingerprint(email, strings),
        x: facts,
    }
}

/// `email.fingerprint`.
fn fingerprint(email: &EmailLook, strings: &mut Strings) -> Vec<u32> {
    let mut out = Vec::with_capacity(email.fingerprint.len() * 2);
    for (name, value) in &email.fingerprint {
        out.push(strings.add(name));
        out.push(strings.add(&cap(value)));
    }
    out
}

/// `facts`: the message's every fact, for the items whose evidence the
/// page embeds.
fn item_view<'a>(
    item: &'a ItemLook,
    facts: Option<&'a EmailFacts>,
    strings: &mut Strings,
) -> ItemView<'a> {
    let doc = item
        .document
        .as_deref()
        .and_then(|d| serde_json::to_value(d).ok());
    ItemView {
        p: &item.path,
        l: item.locator.to_option_string(),
        k: strings.add(item.kind.as_str()),
        n: item.size,
        h: item.sha256,
        filename: item.filename.as_deref().map(cap),
        ct: item.content_type.as_deref(),
        lt: item.link_target.as_deref(),
        sp: item.special.as_deref(),
        e: item.email.as_ref().map(|e| email_view(e, facts, strings)),
        doc,
    }
}

/// A placeholder for a finding whose path and locator match no item.
fn stub_view<'a>(ranked: &Ranked<'a>, strings: &mut Strings) -> ItemView<'a> {
    ItemView {
        p: ranked.path,
        l: ranked.locator.to_option_string(),
        k: strings.add("unknown"),
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

/// The page's data; `strings` receives the string table as items are written.
pub fn build<'a>(
    report: &'a Report,
    ranked: &'a [Ranked<'a>],
    strings: &'a RefCell<Strings>,
) -> Page<'a> {
    let full: HashSet<usize> = ranked
        .iter()
        .take(MAX_FULL)
        .filter_map(|r| r.item)
        .collect();
    let scored: HashSet<usize> = ranked
        .iter()
        .filter(|r| r.score > 0)
        .filter_map(|r| r.item)
        .collect();
    let mut stubs = Vec::new();
    let mut findings: Vec<Option<FindingView>> = report.findings.iter().map(|_| None).collect();
    let mut order = Vec::with_capacity(ranked.len());
    for (rank, r) in ranked.iter().enumerate() {
        let index = r.item.unwrap_or_else(|| {
            stubs.push(r);
            report.items.len() + stubs.len() - 1
        });
        for &fi in &r.findings {
            let f = &report.findings[fi];
            findings[fi] = Some(FindingView {
                i: index,
                c: f.check,
                v: f.severity.as_str(),
                m: &f.message,
                e: (rank < MAX_FULL).then_some(&f.evidence),
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
        items: ItemsView {
            report,
            full,
            stubs,
            strings,
        },
        // Every finding belongs to exactly one ranked group.
        findings: findings.into_iter().flatten().collect(),
        ranked: order,
        days: days(&report.items, &scored),
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
        strings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::test_support::email_item_at;

    #[test]
    fn days_count_messages_and_flagged_ones_per_utc_day() {
        assert_eq!(day_number("1970-01-02T00:00:00Z"), Some(1));
        assert_eq!(day_number("2017-05-02T08:41:07Z"), Some(17288));
        assert_eq!(day_number("garbage"), None);
        let mut items = vec![
            email_item_at(
                "a.eml",
                "From: a@x\nDate: Tue, 2 May 2017 23:30:00 -0400\n\nhi\n",
            ),
            email_item_at(
                "b.eml",
                "From: a@x\nDate: Wed, 3 May 2017 09:00:00 +0000\n\nhi\n",
            ),
            email_item_at("c.eml", "From: a@x\nDate: 32 Foo 2017 25:61\n\nhi\n"),
            Item::new(
                "d.pdf".into(),
                crate::item::Locator::root(),
                crate::item::ItemKind::Pdf,
            ),
        ];
        let flagged: HashSet<usize> = [1].into();
        let whole = days(&items, &flagged);
        // The same once settled, as the corpus leaves them.
        items.iter_mut().for_each(Item::settle);
        assert_eq!(days(&items, &flagged), whole);
        // 23:30 -0400 on 2 May is 03:30 UTC on 3 May: both messages fall on 3 May.
        assert_eq!(
            days(&items, &flagged),
            Days {
                emails: 3,
                undated: 1,
                days: vec![(17289, 2, 1)],
            }
        );
    }
}
