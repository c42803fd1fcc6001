//! `document-metadata-anomaly`: document metadata that contradicts itself or the rest of the corpus.
//!
//! In 2017 the forged part of the MacronLeaks was exposed partly this way:
//! spreadsheets last edited by a Cyrillic-script account in a French
//! campaign's files, all modified within four minutes while created years
//! apart. Each rule below is one such tell; one finding per document says
//! which rules fired, with their values, and rules that agree raise the severity.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::{Check, CheckMeta, Run, Scope, human_duration};
use crate::config::Config;
use crate::corpus::Corpus;
use crate::corpus::documents::{DocumentIndex, Senders, script_of, software_family};
use crate::corpus::releases::{Release, release_of, release_of_app_version};
use crate::finding::{Evidence, Finding, Severity};
use crate::parse::date::rfc3339;
use crate::parse::doctime::DocTime;
use crate::parse::document::DocumentFacts;

/// Corpus-relative rules need this many distinct documents carrying the field.
const MIN_DOCS: usize = 10;
/// A script is rare when at most this share of the documents' people use it.
const RARE_SHARE: f64 = 0.10;
/// Burst: at least this many documents modified within the window, created this far apart.
const BURST_MIN: usize = 4;
const BURST_WINDOW: i64 = 10 * 60;
const BURST_CREATED_SPAN: i64 = 365 * 86_400;
/// Account names that are nobody in particular (never matched against senders).
const GENERIC_PEOPLE: &[&str] = &[
    "administrator",
    "admin",
    "user",
    "owner",
    "utilisateur",
    "windows user",
    "microsoft office user",
    "unknown",
    "auteur",
    "author",
    "benutzer",
];

pub static CHECK: Check = Check {
    meta: CheckMeta {
        id: "document-metadata-anomaly",
        severity: Severity::Medium,
        scope: Scope::Corpus,
        summary: "Document metadata contradicts itself or the rest of the corpus (dates, author script, software, edits, bursts).",
        doc: "\
**What it detects.** One finding per document (every copy of it), listing the rules that \
fired in `evidence.rules`, each with its values under its own key:

| rule | strength | fires when |
|---|---|---|
| `modified-before-created` | strong | modified earlier than created (by more than 2 min; 1 day if a time has no zone) |
| `after-scan-time` | strong | created or modified more than a day after the scan |
| `after-newest-email` | weak | created or modified more than a day (2 days zone-less) after the newest message of the dump |
| `rare-script` | strong | author, last editor or company written in a script (Cyrillic, Greek, Han, Arabic...) used by at most 10% of the documents' people, in a corpus of at least 10 documents with people fields |
| `released-later` | strong | the application, producer or Office AppVersion was first released after the document claims to have been last written (embedded table of release dates for Office, LibreOffice, macOS Quartz, Acrobat Distiller, pdfTeX, Microsoft Print to PDF; pre-release grace included) |
| `unique-software` | weak | an application or producer (family, versions ignored) or AppVersion seen in no other document, among at least 10 documents carrying that field |
| `pdf-edited-by-other-producer` | weak | a PDF with incremental updates whose revisions were written by different producers |
| `modification-burst` | weak | at least 4 documents last modified within 10 minutes while their creation dates span more than a year |
| `author-not-a-sender` | weak | the author or last editor matches no message sender while at least 80% of the (5 or more) people named in documents do |

**Severity.** One weak rule alone: **low**. Two weak rules, or one strong rule: **medium**. \
A strong rule with two others: **high**.

**Why it matters.** Genuine documents of one organisation share a script, a software \
landscape, a set of authors who also write its mail, and dates that follow each other. \
A forger copies the look of a document, not its history.

**False positives.** An international organisation with a few staff writing in another \
script; a document saved by one colleague with different software (hence weak); PDFs signed, \
annotated or form-filled after creation (an incremental update by Acrobat: weak); a batch \
conversion or migration that re-saves many old files at once (bursts: weak); documents \
from outside (suppliers, press) whose authors never write to the dump's mailboxes (weak). \
Release dates are conservative; an unrecognised version is never judged.",
    },
    run: Run::Corpus(run),
};

/// One rule that fired for one document.
struct Signal {
    rule: &'static str,
    strong: bool,
    /// One clause for the message.
    clause: String,
    detail: Value,
}

fn signal(rule: &'static str, strong: bool, clause: String, detail: Value) -> Signal {
    Signal {
        rule,
        strong,
        clause,
        detail,
    }
}

fn run(corpus: &Corpus<'_>, cfg: &Config, out: &mut Vec<Finding>) {
    let index = DocumentIndex::build(corpus.items);
    let mut signals: BTreeMap<usize, Vec<Signal>> = BTreeMap::new();
    for (i, doc) in index.docs.iter().enumerate() {
        if doc.distinct != i {
            continue;
        }
        let mut found = Vec::new();
        own_dates(doc.facts, cfg.now, index.newest_email, &mut found);
        released_later(doc.facts, &mut found);
        pdf_producers(doc.facts, &mut found);
        if !found.is_empty() {
            signals.entry(i).or_default().extend(found);
        }
    }
    rare_scripts(&index, &mut signals);
    unique_software(&index, &mut signals);
    bursts(&index, &mut signals);
    unknown_people(&index, &Senders::build(corpus.items), &mut signals);

    for (distinct, found) in signals {
        // Several fields firing one rule (author and editor both Cyrillic) count once.
        let mut by_rule: Vec<(&str, bool, Vec<Value>)> = Vec::new();
        for s in &found {
            match by_rule.iter_mut().find(|(r, _, _)| *r == s.rule) {
                Some(entry) => {
                    entry.1 |= s.strong;
                    entry.2.push(s.detail.clone());
                }
                None => by_rule.push((s.rule, s.strong, vec![s.detail.clone()])),
            }
        }
        let strong = by_rule.iter().filter(|r| r.1).count();
        let severity = match (strong, by_rule.len()) {
            (s, n) if s >= 1 && n >= 3 => Severity::High,
            (s, n) if s >= 1 || n >= 2 => Severity::Medium,
            _ => Severity::Low,
        };
        let clauses: Vec<&str> = found.iter().map(|s| s.clause.as_str()).collect();
        let message = format!(
            "Document metadata anomal{}: {}",
            if by_rule.len() > 1 { "ies" } else { "y" },
            clauses.join("; ")
        );
        let mut evidence =
            Evidence::new().with("rules", by_rule.iter().map(|r| r.0).collect::<Vec<_>>());
        for (rule, _, mut details) in by_rule {
            let detail = if details.len() == 1 {
                details.remove(0)
            } else {
                Value::Array(details)
            };
            evidence.insert(rule, detail);
        }
        for copy in index.copies(distinct) {
            out.push(Finding::on(
                copy.item,
                CHECK.meta.id,
                severity,
                message.clone(),
                evidence.clone(),
            ));
        }
    }
}

fn shown(t: &DocTime) -> String {
    t.utc
        .clone()
        .or_else(|| t.local.clone())
        .unwrap_or_else(|| t.raw.clone())
}

/// modified-before-created, after-scan-time, after-newest-email.
fn own_dates(
    f: &DocumentFacts,
    now: DateTime<Utc>,
    newest: Option<DateTime<Utc>>,
    out: &mut Vec<Signal>,
) {
    let zoneless = |t: &DocTime| t.instant.is_none();
    if let (Some(c), Some(m)) = (&f.created, &f.modified)
        && let (Some(ci), Some(mi)) = (c.approx_utc(), m.approx_utc())
    {
        let tolerance = if zoneless(c) || zoneless(m) {
            86_400
        } else {
            120
        };
        let gap = (ci - mi).num_seconds();
        if gap > tolerance {
            out.push(signal(
                "modified-before-created",
                true,
                format!("modified {} before it was created", human_duration(gap)),
                json!({"created": shown(c), "modified": shown(m), "gap_seconds": gap}),
            ));
        }
    }
    for (field, t) in [("created", &f.created), ("modified", &f.modified)] {
        let Some(t) = t else { continue };
        let Some(at) = t.approx_utc() else { continue };
        if (at - now).num_seconds() > 86_400 {
            out.push(signal(
                "after-scan-time",
                true,
                format!("{field} {} in the future of the scan", shown(t)),
                json!({"field": field, "value": shown(t), "scan_time": rfc3339(&now)}),
            ));
        } else if let Some(newest) = newest {
            let tolerance = if zoneless(t) { 2 * 86_400 } else { 86_400 };
            if (at - newest).num_seconds() > tolerance {
                out.push(signal(
                    "after-newest-email",
                    false,
                    format!(
                        "{field} {} after the newest message of the dump ({})",
                        shown(t),
                        rfc3339(&newest)
                    ),
                    json!({"field": field, "value": shown(t), "newest_email": rfc3339(&newest)}),
                ));
            }
        }
    }
}

/// released-later: software first released after the time the document claims.
fn released_later(f: &DocumentFacts, out: &mut Vec<Signal>) {
    let last_write = f.modified.as_ref().or(f.created.as_ref());
    let first_write = f.created.as_ref().or(f.modified.as_ref());
    // A PDF's Creator made the original; its Producer (and every office field) the last save.
    type Candidate<'a> = (
        &'a str,
        Option<Release>,
        Option<&'a DocTime>,
        Option<&'a String>,
    );
    let candidates: [Candidate<'_>; 3] = [
        (
            "application",
            f.application.as_deref().and_then(release_of),
            if f.format == "pdf" {
                first_write
            } else {
                last_write
            },
            f.application.as_ref(),
        ),
        (
            "producer",
            f.producer.as_deref().and_then(release_of),
            last_write,
            f.producer.as_ref(),
        ),
        (
            "app_version",
            f.app_version
                .as_deref()
                .and_then(|v| release_of_app_version(f.application.as_deref(), v)),
            last_write,
            f.app_version.as_ref(),
        ),
    ];
    for (field, release, time, value) in candidates {
        let (Some(release), Some(time), Some(value)) = (release, time, value) else {
            continue;
        };
        let Some(at) = time.approx_utc() else {
            continue;
        };
        if at.date_naive() < release.earliest {
            out.push(signal(
                "released-later",
                true,
                format!("{field} {value:?} was first released {}, after the document's time {}", release.released, shown(time)),
                json!({"field": field, "value": value, "family": release.family, "version": release.version,
                       "released": release.released.to_string(), "document_time": shown(time)}),
            ));
        }
    }
}

/// pdf-edited-by-other-producer.
fn pdf_producers(f: &DocumentFacts, out: &mut Vec<Signal>) {
    let Some(pdf) = &f.pdf else { return };
    if pdf.incremental_updates == 0 {
        return;
    }
    let mut producers: Vec<&str> = pdf
        .revisions
        .iter()
        .filter_map(|r| r.producer.as_deref())
        .collect();
    producers.dedup();
    if producers.len() >= 2 {
        out.push(signal(
            "pdf-edited-by-other-producer",
            false,
            format!(
                "PDF written by {:?} and updated by {:?}",
                producers[0],
                producers[producers.len() - 1]
            ),
            json!({"incremental_updates": pdf.incremental_updates, "producers": producers}),
        ));
    }
}

/// rare-script: people written in a script few documents use.
fn rare_scripts(index: &DocumentIndex<'_>, signals: &mut BTreeMap<usize, Vec<Signal>>) {
    let mut counts: BTreeMap<_, usize> = BTreeMap::new();
    let mut with_people = 0;
    for doc in index.distinct_docs() {
        let mut scripts: Vec<_> = doc
            .facts
            .people()
            .filter_map(|(_, v)| script_of(v))
            .collect();
        scripts.sort();
        scripts.dedup();
        if !scripts.is_empty() {
            with_people += 1;
        }
        for s in scripts {
            *counts.entry(s).or_default() += 1;
        }
    }
    let Some((&dominant, _)) = counts
        .iter()
        .max_by_key(|(s, n)| (**n, std::cmp::Reverse(**s)))
    else {
        return;
    };
    if with_people < MIN_DOCS {
        return;
    }
    let rare_max = ((with_people as f64 * RARE_SHARE).floor() as usize).max(1);
    for (i, doc) in index.docs.iter().enumerate() {
        if doc.distinct != i {
            continue;
        }
        for (field, value) in doc.facts.people() {
            let Some(script) = script_of(value) else {
                continue;
            };
            let n = counts.get(&script).copied().unwrap_or(0);
            if script != dominant && n <= rare_max {
                signals.entry(i).or_default().push(signal(
                    "rare-script",
                    true,
                    format!("{field} {value:?} is written in {} script, used by {n} of {with_people} documents (mostly {})", script.as_str(), dominant.as_str()),
                    json!({"field": field, "value": value, "script": script.as_str(), "documents_with_script": n,
                           "documents_with_people": with_people, "dominant_script": dominant.as_str()}),
                ));
            }
        }
    }
}

/// unique-software: an application, producer or AppVersion no other document has.
fn unique_software(index: &DocumentIndex<'_>, signals: &mut BTreeMap<usize, Vec<Signal>>) {
    type Field = fn(&DocumentFacts) -> Option<String>;
    let fields: [(&str, Field, Field); 3] = [
        (
            "application",
            |f| f.application.as_deref().map(software_family),
            |f| f.application.clone(),
        ),
        (
            "producer",
            |f| f.producer.as_deref().map(software_family),
            |f| f.producer.clone(),
        ),
        (
            "app_version",
            |f| {
                f.app_version
                    .as_deref()
                    .and_then(|v| v.split('.').next())
                    .map(str::to_string)
            },
            |f| f.app_version.clone(),
        ),
    ];
    for (field, key, raw) in fields {
        let tally = index.tally(key);
        let population: usize = tally.values().map(Vec::len).sum();
        if population < MIN_DOCS || tally.len() < 2 {
            continue;
        }
        for (family, docs) in &tally {
            if let [only] = docs.as_slice() {
                let value = raw(index.docs[*only].facts).unwrap_or_default();
                signals.entry(*only).or_default().push(signal(
                    "unique-software",
                    false,
                    format!("{field} {value:?} appears in no other of the {population} documents"),
                    json!({"field": field, "value": value, "family": family, "documents_with_field": population}),
                ));
            }
        }
    }
}

/// modification-burst: many documents saved within minutes, created years apart.
fn bursts(index: &DocumentIndex<'_>, signals: &mut BTreeMap<usize, Vec<Signal>>) {
    let mut dated: Vec<(DateTime<Utc>, DateTime<Utc>, usize)> = index
        .docs
        .iter()
        .enumerate()
        .filter(|(i, d)| d.distinct == *i)
        .filter_map(|(i, d)| {
            Some((
                d.facts.modified.as_ref()?.approx_utc()?,
                d.facts.created.as_ref()?.approx_utc()?,
                i,
            ))
        })
        .collect();
    dated.sort();
    let mut flagged: BTreeMap<usize, Value> = BTreeMap::new();
    let mut end = 0;
    for start in 0..dated.len() {
        end = end.max(start);
        while end + 1 < dated.len()
            && (dated[end + 1].0 - dated[start].0).num_seconds() <= BURST_WINDOW
        {
            end += 1;
        }
        let group = &dated[start..=end];
        if group.len() < BURST_MIN {
            continue;
        }
        let oldest = group.iter().map(|g| g.1).min();
        let newest = group.iter().map(|g| g.1).max();
        let (Some(oldest), Some(newest)) = (oldest, newest) else {
            continue;
        };
        if (newest - oldest).num_seconds() < BURST_CREATED_SPAN {
            continue;
        }
        let detail = json!({
            "documents": group.len(),
            "modified_from": rfc3339(&group[0].0), "modified_to": rfc3339(&group[group.len() - 1].0),
            "created_from": rfc3339(&oldest), "created_to": rfc3339(&newest),
        });
        for g in group {
            flagged.entry(g.2).or_insert_with(|| detail.clone());
        }
    }
    for (i, detail) in flagged {
        let clause = format!(
            "one of {} documents all modified within {} while created from {} to {}",
            detail["documents"],
            human_duration(BURST_WINDOW),
            detail["created_from"].as_str().unwrap_or_default(),
            detail["created_to"].as_str().unwrap_or_default()
        );
        signals
            .entry(i)
            .or_default()
            .push(signal("modification-burst", false, clause, detail));
    }
}

/// author-not-a-sender: a person named in a document who never writes mail while the others do.
fn unknown_people(
    index: &DocumentIndex<'_>,
    senders: &Senders,
    signals: &mut BTreeMap<usize, Vec<Signal>>,
) {
    if senders.is_empty() {
        return;
    }
    let person = |v: &str| !GENERIC_PEOPLE.contains(&v.trim().to_lowercase().as_str());
    let mut values: BTreeMap<&str, bool> = BTreeMap::new();
    for doc in index.distinct_docs() {
        for v in [
            doc.facts.creator.as_deref(),
            doc.facts.last_modified_by.as_deref(),
        ]
        .into_iter()
        .flatten()
        {
            if person(v) {
                values.entry(v).or_insert_with(|| senders.knows(v));
            }
        }
    }
    let known = values.values().filter(|k| **k).count();
    if values.len() < 5 || known * 10 < values.len() * 8 || index.distinct < MIN_DOCS {
        return;
    }
    for (i, doc) in index.docs.iter().enumerate() {
        if doc.distinct != i {
            continue;
        }
        for (field, v) in [
            ("creator", &doc.facts.creator),
            ("last_modified_by", &doc.facts.last_modified_by),
        ] {
            let Some(v) = v.as_deref() else { continue };
            if values.get(v) == Some(&false) {
                signals.entry(i).or_default().push(signal(
                    "author-not-a-sender",
                    false,
                    format!("{field} {v:?} never sends mail in the dump, while {known} of {} people named in documents do", values.len()),
                    json!({"field": field, "value": v, "people_known_as_senders": known, "people_in_documents": values.len()}),
                ));
            }
        }
    }
}

#[cfg(test)]
#[path = "document_metadata_anomaly_tests.rs"]
mod tests;
