//! RFC 5322 / MIME messages: extracts the facts that betray a message's origin.
//!
//! mail-parser does the lenient parsing; this module keeps what it would
//! normalise away (header names as written, raw header values, the weekday
//! as written) because a forensic check must show the exact lines it compared.

use std::borrow::Cow;
use std::cell::Cell;
use std::time::Instant;

use mail_parser::decoders::base64::base64_decode;
use mail_parser::decoders::quoted_printable::quoted_printable_decode;
use mail_parser::{
    Address, Encoding, HeaderValue, Message, MessageParser, MessagePart, MimeHeaders, PartType,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::config::{Config, Limits};
use crate::error::ItemError;
use crate::item::{Item, ItemKind, Locator, LocatorPart};
use crate::parse::Output;
use crate::parse::date::{ParsedDate, parse_date, rfc3339};
use crate::parse::dkim_facts::{DkimFacts, dkim_facts};
use crate::parse::document::analyse_known;
use crate::parse::headers::{HeaderProblem, RawField, header_problems, raw_fields, slice};
use crate::parse::mime_bounds::within_limits;
use crate::parse::minhash;
use crate::parse::normalize::{
    Normalized, body_line_refs, body_text, digest, normalize, normalized_fields,
};
use crate::parse::quote::{
    body_words, has_quote_before, outlook_block_start, quote_words_hash, signature_line,
};
use crate::sniff::sniff;

/// Where a message was found; recorded as `email.source`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// A standalone file (.eml or any name).
    File,
    /// A file in a maildir `cur/`, `new/` or `tmp/` folder.
    Maildir,
    /// A message inside an mbox file.
    Mbox,
    /// A message/rfc822 part of another message.
    Attachment,
    /// A member of a zip or tar archive.
    Archive,
}

/// A name and address from From / To / Cc.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Mailbox {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
}

/// A message's From mailboxes as the corpus passes keep them: one shared copy
/// per distinct list, kept for the life of the process, reached through a
/// thin pointer. Senders write message after message; each message's own
/// copy (the list and two strings) took about 110 bytes.
///
/// `&Box<[Mailbox]>` on purpose: `&[Mailbox]` is a fat pointer (16 bytes).
#[derive(Clone, Copy)]
#[allow(clippy::borrowed_box)]
pub struct FromList(&'static Box<[Mailbox]>);

impl std::ops::Deref for FromList {
    type Target = [Mailbox];
    fn deref(&self) -> &[Mailbox] {
        self.0
    }
}

impl std::fmt::Debug for FromList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&**self, f)
    }
}

impl FromList {
    /// The shared copy of `from`. Past `MAX_SHARED` distinct lists, new ones
    /// are kept unshared (a hostile dump with a fresh sender per message
    /// must not grow the table's lookups without bound), never freed either.
    #[allow(clippy::borrowed_box)]
    pub fn shared(from: Vec<Mailbox>) -> Self {
        /// The table's key is the shared copy itself: a list is stored once.
        struct Key(&'static Box<[Mailbox]>);
        impl std::borrow::Borrow<[Mailbox]> for Key {
            fn borrow(&self) -> &[Mailbox] {
                self.0
            }
        }
        impl PartialEq for Key {
            fn eq(&self, other: &Self) -> bool {
                self.0 == other.0
            }
        }
        impl Eq for Key {}
        impl PartialOrd for Key {
            fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
                Some(self.cmp(other))
            }
        }
        impl Ord for Key {
            fn cmp(&self, other: &Self) -> std::cmp::Ordering {
                self.0.cmp(other.0)
            }
        }
        const MAX_SHARED: usize = 1 << 20;
        static TABLE: std::sync::Mutex<std::collections::BTreeSet<Key>> =
            std::sync::Mutex::new(std::collections::BTreeSet::new());
        let mut table = TABLE.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(key) = table.get(from.as_slice()) {
            return FromList(key.0);
        }
        let shared: &'static Box<[Mailbox]> = Box::leak(Box::new(from.into_boxed_slice()));
        if table.len() < MAX_SHARED {
            table.insert(Key(shared));
        }
        FromList(shared)
    }
}

/// The Date header as written and as understood.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DateFacts {
    /// The value as written, unfolded and trimmed.
    pub raw: String,
    /// The instant in UTC (RFC 3339), null when the date or zone cannot be understood.
    pub utc: Option<String>,
    /// The numeric UTC offset ("+0200"), null when the zone is missing or a name we do not know.
    pub offset: Option<String>,
    /// Why the date could not be parsed, if it could not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(
        rename = "~parsed",
        default,
        skip_serializing_if = "crate::checkpoint::fields::journal_only"
    )]
    pub parsed: Option<ParsedDate>,
}

impl DateFacts {
    pub fn from_raw(raw: String) -> Self {
        match parse_date(&raw) {
            Ok(parsed) => DateFacts {
                utc: parsed.instant().map(|i| rfc3339(&i)),
                offset: parsed.offset_text(),
                error: None,
                parsed: Some(parsed),
                raw,
            },
            Err(error) => DateFacts {
                raw,
                utc: None,
                offset: None,
                error: Some(error),
                parsed: None,
            },
        }
    }
}

/// One Received header: a hop of the delivery path.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Hop {
    /// The header value as written, unfolded and trimmed.
    pub raw: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub with: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The date after the last ';' (RFC 5321 4.4), as written, and as understood.
    pub timestamp_raw: Option<String>,
    pub timestamp: Option<String>,
    #[serde(
        rename = "~parsed",
        default,
        skip_serializing_if = "crate::checkpoint::fields::journal_only"
    )]
    pub parsed: Option<ParsedDate>,
}

/// A header that RFC 5322 3.6 allows once and that occurs several times.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RepeatedHeader {
    pub name: String,
    /// Each occurrence, as a header line.
    pub lines: Vec<String>,
}

/// Top-level MIME structure, and how the first text part is encoded (a
/// client habit: Outlook writes quoted-printable windows-1252 or utf-8,
/// Apple Mail us-ascii/utf-8 with quoted-printable, git-send-email 8bit...).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct MimeFacts {
    pub content_type: Option<String>,
    pub boundary: Option<String>,
    /// charset of the first text part, lower-cased.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text_charset: Option<String>,
    /// Content-Transfer-Encoding of the first text part, lower-cased.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text_encoding: Option<String>,
}

/// Everything leakprov extracts from one message (`item.email` in the report).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EmailFacts {
    pub source: Source,
    pub from: Vec<Mailbox>,
    pub to: Vec<Mailbox>,
    pub cc: Vec<Mailbox>,
    pub subject: Option<String>,
    pub date: Option<DateFacts>,
    pub message_id: Option<String>,
    pub in_reply_to: Vec<String>,
    pub references: Vec<String>,
    pub x_mailer: Option<String>,
    pub user_agent: Option<String>,
    /// Received headers, top (last hop) to bottom (first hop), as in the message.
    pub received: Vec<Hop>,
    pub dkim: Vec<DkimFacts>,
    /// Header names as written (case kept), in order.
    pub header_names: Vec<String>,
    pub mime: MimeFacts,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub list_id: Option<String>,
    pub attachments: u32,
    /// Resent-Date, when the message was resent (RFC 5322 3.6.6): its
    /// Received chain then belongs to the resending, not to the original.
    /// Boxed: rare, and 168 bytes inline in every message's facts otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resent_date: Option<Box<DateFacts>>,
    /// SHA-256 of the normalised content (originator fields, body text,
    /// attachments): copies differing only in delivery headers, folding,
    /// line endings or trailing blank lines share it.
    pub content_sha256: String,
    /// The body quotes another message (`>` lines or an Outlook block).
    pub has_quote: bool,
    /// This message's values of the sender-profile features (`corpus::profiles`);
    /// the time zone as written, before any daylight-saving rule.
    #[serde(deserialize_with = "crate::checkpoint::fields::static_str_map")]
    pub fingerprint: std::collections::BTreeMap<&'static str, String>,
    /// MinHash of the text the author wrote (quotes left out), for `document-variant`.
    #[serde(
        rename = "~minhash",
        default,
        skip_serializing_if = "crate::checkpoint::fields::journal_only",
        with = "crate::checkpoint::fields::minhash"
    )]
    pub minhash: Option<crate::parse::minhash::MinHash>,
    /// `quote::words_hash` of the body, and of the quoted text when there is
    /// one: `quoted-text-mismatch` skips replies whose quote hashes like a
    /// parent's body (journal only, like `minhash`).
    #[serde(
        rename = "~words_hash",
        default,
        skip_serializing_if = "crate::checkpoint::fields::journal_only"
    )]
    pub words_hash: u64,
    #[serde(
        rename = "~quote_words_hash",
        default,
        skip_serializing_if = "crate::checkpoint::fields::journal_only"
    )]
    pub quote_words_hash: Option<u64>,
    /// How many words the quoted text has (0 when unknown, as in journals
    /// written before this field): a quote that hashes like the parent's first
    /// `quote_words` words is a prefix of it, and needs no comparison.
    #[serde(
        rename = "~quote_words",
        default,
        skip_serializing_if = "crate::checkpoint::fields::journal_only"
    )]
    pub quote_words: u32,
    /// `quote::words_hash` of the body before its signature (the last `-- `
    /// line), when it has one: replies usually quote a message without its
    /// signature (journal only, like `words_hash`).
    #[serde(
        rename = "~unsigned_words_hash",
        default,
        skip_serializing_if = "crate::checkpoint::fields::journal_only"
    )]
    pub unsigned_words_hash: Option<u64>,
    /// Invalid encoded-words, 8-bit bytes in ASCII-only fields.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub header_problems: Vec<HeaderProblem>,
    /// Single-instance headers that occur more than once.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub repeated_headers: Vec<RepeatedHeader>,
    /// The message was larger than the parse limit: only its start was parsed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub truncated: bool,
    /// What the corpus passes read of the Received chain and the headers,
    /// computed once in the worker and moved into the message's `CorpusEmail`
    /// by `Item::slim` (runtime only: recomputed from a journal's facts).
    #[serde(skip)]
    pub derived: Option<Box<Derived>>,
}

/// Facts derived from the Received chain and the header names, kept in
/// `CorpusEmail` when the full facts are dropped (`Item::slim`).
#[derive(Debug, Clone)]
pub struct Derived {
    /// This message's sender-profile features (`corpus::profiles::features`).
    pub features: crate::corpus::profiles::Features,
    /// How many Received headers the message has.
    pub hops: u32,
    /// The instant of the first hop (the bottom-most Received header that
    /// has a readable date).
    pub first_hop_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl Derived {
    pub fn of(email: &EmailFacts) -> Derived {
        Derived {
            features: crate::corpus::profiles::features(email),
            hops: u32::try_from(email.received.len()).unwrap_or(u32::MAX),
            first_hop_at: email
                .received
                .iter()
                .rev()
                .find_map(|h| h.parsed.as_ref()?.instant()),
        }
    }
}

/// What the corpus passes read of a Date field: the value as written (for
/// evidence), the instant and the offset. `DateFacts` with its parsed parts
/// and strings took about 290 bytes a message; this takes about 80.
#[derive(Debug, Clone, PartialEq)]
pub struct CorpusDate {
    /// The value as written, unfolded and trimmed (`DateFacts::raw`).
    pub raw: Box<str>,
    /// `ParsedDate::instant`: the instant, when the zone is known.
    pub instant: Option<chrono::DateTime<chrono::Utc>>,
    /// `ParsedDate::offset_minutes`.
    pub offset_minutes: Option<i32>,
}

impl CorpusDate {
    pub fn of(date: DateFacts) -> Self {
        let parsed = date.parsed.as_ref();
        CorpusDate {
            // A journal written without the parsed parts still has the instant as text.
            instant: parsed.and_then(|p| p.instant()).or_else(|| {
                let utc = date.utc.as_deref()?;
                Some(chrono::DateTime::parse_from_rfc3339(utc).ok()?.to_utc())
            }),
            offset_minutes: parsed.and_then(|p| p.offset_minutes),
            raw: date.raw.into_boxed_str(),
        }
    }

    /// `DateFacts::utc`: the instant in RFC 3339.
    pub fn utc(&self) -> Option<String> {
        self.instant.as_ref().map(rfc3339)
    }
}

/// What the corpus passes read of a message, kept for every message until the
/// report is written (`Item::mail`); the full facts wait in the journal.
///
/// Its own type rather than `EmailFacts` with fields emptied: the emptied
/// fields still took about 370 bytes inline per message. The fields keep
/// `EmailFacts`'s names and meaning, but for the date (`CorpusDate`), the
/// From list (one copy shared by all messages with the same list), the
/// List-Id (only whether there is one), and the MinHash (which waits in the
/// scan's signature store once the message is slim).
#[derive(Debug, Clone)]
pub struct CorpusEmail {
    pub source: Source,
    pub from: FromList,
    pub subject: Option<Box<str>>,
    pub date: Option<CorpusDate>,
    pub message_id: Option<Box<str>>,
    /// The Message-ID this message answers: the first In-Reply-To id, else
    /// the last References id (`Corpus::parents_of`).
    pub parent_id: Option<Box<str>>,
    /// The message has a List-Id (the corpus passes read no more of it).
    pub has_list_id: bool,
    /// `EmailFacts::content_sha256` as 32 bytes (the hex string took 88),
    /// `None` when the facts have none (an empty string).
    pub content_sha256: Option<crate::digest::Digest>,
    pub has_quote: bool,
    pub minhash: Option<crate::parse::minhash::MinHash>,
    pub words_hash: u64,
    pub quote_words_hash: Option<u64>,
    pub quote_words: u32,
    pub unsigned_words_hash: Option<u64>,
    pub derived: Derived,
}

impl CorpusEmail {
    /// Moves the corpus's share out of `email`, which is dropped after.
    pub fn take(email: &mut EmailFacts) -> Self {
        let derived = match email.derived.take() {
            Some(d) => *d,
            None => Derived::of(email),
        };
        let parent_id = match email.in_reply_to.first() {
            Some(id) => Some(id.as_str().into()),
            None => email.references.pop().map(String::into_boxed_str),
        };
        let from = FromList::shared(std::mem::take(&mut email.from));
        CorpusEmail {
            source: email.source,
            from,
            subject: email.subject.take().map(String::into_boxed_str),
            date: email.date.take().map(CorpusDate::of),
            message_id: email.message_id.take().map(String::into_boxed_str),
            parent_id,
            has_list_id: email.list_id.is_some(),
            content_sha256: crate::digest::Digest::from_hex(&email.content_sha256),
            has_quote: email.has_quote,
            minhash: email.minhash.take(),
            words_hash: email.words_hash,
            quote_words_hash: email.quote_words_hash,
            quote_words: email.quote_words,
            unsigned_words_hash: email.unsigned_words_hash,
            derived,
        }
    }

    /// A copy of the corpus's share, `email` kept whole.
    pub fn of(email: &EmailFacts) -> Self {
        Self::take(&mut email.clone())
    }
}

/// RFC 5322 3.6: fields that may occur at most once in a message.
const SINGLE_INSTANCE: &[&str] = &[
    "date",
    "from",
    "sender",
    "reply-to",
    "to",
    "cc",
    "bcc",
    "message-id",
    "in-reply-to",
    "references",
    "subject",
];

/// Where the message being parsed sits.
#[derive(Debug, Clone, Copy)]
pub struct At<'a> {
    pub path: &'a str,
    pub locator: &'a Locator,
    pub source: Source,
    /// Only the first bytes of the message are at hand (parse limit).
    pub truncated: bool,
}

/// Parses one message and pushes its attachments (and their children) into `out`.
///
/// Only the prefix within the structural limits is parsed (`mime_bounds`);
/// a cut is recorded as an error on the item and marks it truncated.
/// Returns `None` when the bytes hold no header at all.
pub fn parse_email(raw: &[u8], at: At<'_>, cfg: &Config, out: &mut Output) -> Option<EmailFacts> {
    let (raw, cut) = within_limits(raw, &cfg.limits);
    let mut at = at;
    if let Some(cut) = cut {
        at.truncated = true;
        out.errors.push(ItemError::new(
            at.path,
            at.locator,
            format!(
                "{}: parsed only the first {} bytes, hashed whole",
                cut.reason, cut.at
            ),
        ));
    }
    let message = MessageParser::default().parse(raw)?;
    if message.headers().is_empty() {
        return None;
    }
    let budget = Budget {
        started: Instant::now(),
        decoded: Cell::new(raw.len() as u64),
    };
    Some(facts_of(&message, at, 0, cfg, out, &budget))
}

/// What one message has cost so far, nested messages and attachments included.
struct Budget {
    started: Instant,
    /// Bytes parsed or decoded: the message, each attachment decoded for
    /// hashing, each nested message parsed again.
    decoded: Cell<u64>,
}

impl Budget {
    fn spend(&self, bytes: usize) {
        self.decoded
            .set(self.decoded.get().saturating_add(bytes as u64));
    }

    /// Which limit is spent, if one is.
    fn exceeded(&self, limits: &crate::config::Limits) -> Option<String> {
        if self.decoded.get() > limits.max_decoded_bytes {
            return Some(format!(
                "more than {} bytes decoded for this message (max_decoded_bytes)",
                limits.max_decoded_bytes
            ));
        }
        (self.started.elapsed() > limits.max_message_time).then(|| {
            format!(
                "analysis took longer than {} s (max_message_time)",
                limits.max_message_time.as_secs_f64()
            )
        })
    }
}

fn facts_of(
    message: &Message<'_>,
    at: At<'_>,
    depth: usize,
    cfg: &Config,
    out: &mut Output,
    budget: &Budget,
) -> EmailFacts {
    let raw = message.raw_message();
    let (source, path, locator) = (at.source, at.path, at.locator);
    let fields = raw_fields(message);
    let first = |name: &str| {
        fields
            .iter()
            .find(|f| f.name.eq_ignore_ascii_case(name))
            .map(|f| f.value.clone())
    };
    let mut facts = EmailFacts {
        source,
        from: mailboxes(message.from()),
        to: mailboxes(message.to()),
        cc: mailboxes(message.cc()),
        subject: message.subject().map(str::to_string),
        date: first("date").map(DateFacts::from_raw),
        message_id: message.message_id().map(str::to_string),
        in_reply_to: text_list(message.in_reply_to()),
        references: text_list(message.references()),
        x_mailer: first("x-mailer"),
        user_agent: first("user-agent"),
        received: Vec::new(),
        dkim: Vec::new(),
        header_names: fields.iter().map(|f| f.name.clone()).collect(),
        mime: mime_facts(message),
        list_id: first("list-id"),
        attachments: 0,
        resent_date: first("resent-date").map(|d| Box::new(DateFacts::from_raw(d))),
        content_sha256: String::new(),
        has_quote: false,
        fingerprint: Default::default(),
        minhash: None,
        words_hash: 0,
        quote_words_hash: None,
        quote_words: 0,
        unsigned_words_hash: None,
        header_problems: header_problems(&fields),
        repeated_headers: repeated_headers(&fields),
        truncated: at.truncated,
        derived: None,
    };
    for (field, header) in fields.iter().zip(message.headers()) {
        if field.is("received") {
            facts.received.push(hop(field, header.value()));
        }
    }
    let is_list_mail = fields
        .iter()
        .any(|f| f.is("list-id") || f.is("list-unsubscribe") || f.is("list-post"));
    let body =
        (!at.truncated).then(|| slice(raw, message.root_part().offset_body as usize, raw.len()));
    let date = facts
        .date
        .as_ref()
        .and_then(|d| d.parsed.as_ref())
        .and_then(|d| d.instant());
    facts.dkim = dkim_facts(&fields, body, date, is_list_mail, cfg);
    let first_child = out.items.len();
    facts.attachments = attachments(message, raw, path, locator, depth, cfg, out, budget);
    let attachment_hashes: Vec<String> = out.items[first_child..]
        .iter()
        .filter(|i| i.locator.0.len() == locator.0.len() + 1)
        .filter_map(|i| i.sha256.map(|d| d.hex()))
        .collect();
    let text = body_text(message);
    let lines = body_line_refs(&text);
    let outlook = outlook_block_start(&lines);
    facts.has_quote = has_quote_before(&lines, outlook);
    let signature;
    (facts.words_hash, facts.unsigned_words_hash, signature) =
        body_words(&lines, signature_line(&lines), outlook);
    if facts.has_quote
        && let Some((hash, words)) = quote_words_hash(&lines, outlook)
    {
        facts.quote_words_hash = Some(hash);
        facts.quote_words = u32::try_from(words).unwrap_or(0);
    }
    facts.minhash = signature.map(minhash::MinHash::Held);
    facts.content_sha256 = digest(
        &normalized_fields(message, &fields),
        &lines,
        &attachment_hashes,
    );
    let derived = Derived::of(&facts);
    facts.fingerprint = crate::corpus::profiles::fingerprint(&derived.features);
    facts.derived = Some(Box::new(derived));
    facts
}

fn mailboxes(address: Option<&Address<'_>>) -> Vec<Mailbox> {
    address
        .map(|a| {
            a.iter()
                .map(|addr| Mailbox {
                    name: addr.name().map(str::to_string),
                    address: addr.address().map(str::to_string),
                })
                .collect()
        })
        .unwrap_or_default()
}

fn text_list(value: &HeaderValue<'_>) -> Vec<String> {
    match value {
        HeaderValue::Text(t) => vec![t.to_string()],
        HeaderValue::TextList(list) => list.iter().map(|t| t.to_string()).collect(),
        _ => Vec::new(),
    }
}

fn mime_facts(message: &Message<'_>) -> MimeFacts {
    let ct = message.root_part().content_type();
    let text = message.text_part(0);
    MimeFacts {
        text_charset: text
            .and_then(|p| p.content_type())
            .and_then(|ct| ct.attribute("charset"))
            .map(|c| c.trim().to_ascii_lowercase()),
        text_encoding: text
            .and_then(|p| p.content_transfer_encoding())
            .map(|e| e.trim().to_ascii_lowercase()),
        content_type: ct.map(|ct| match ct.subtype() {
            Some(sub) => format!("{}/{}", ct.ctype(), sub).to_ascii_lowercase(),
            None => ct.ctype().to_ascii_lowercase(),
        }),
        boundary: ct
            .and_then(|ct| ct.attribute("boundary"))
            .map(str::to_string),
    }
}

fn repeated_headers(fields: &[RawField]) -> Vec<RepeatedHeader> {
    SINGLE_INSTANCE
        .iter()
        .filter_map(|name| {
            let lines: Vec<String> = fields
                .iter()
                .filter(|f| f.name.eq_ignore_ascii_case(name))
                .map(RawField::line)
                .collect();
            (lines.len() > 1).then(|| RepeatedHeader {
                name: fields
                    .iter()
                    .find(|f| f.name.eq_ignore_ascii_case(name))
                    .map(|f| f.name.clone())
                    .unwrap_or_default(),
                lines,
            })
        })
        .collect()
}

fn hop(field: &RawField, value: &HeaderValue<'_>) -> Hop {
    let parsed = value.as_received();
    let host = |h: Option<&mail_parser::Host<'_>>| h.map(|h| h.to_string());
    // RFC 5321 4.4: the date-time follows the last ';'.
    let timestamp_raw = field
        .value
        .rsplit_once(';')
        .map(|(_, date)| date.trim().to_string())
        .filter(|d| !d.is_empty());
    let parsed_date = timestamp_raw.as_deref().and_then(|d| parse_date(d).ok());
    Hop {
        raw: field.value.clone(),
        from: parsed.and_then(|r| host(r.from())),
        by: parsed.and_then(|r| host(r.by())),
        with: parsed.and_then(|r| r.with).map(|w| w.to_string()),
        id: parsed.and_then(|r| r.id.as_ref()).map(|id| id.to_string()),
        timestamp: parsed_date
            .as_ref()
            .and_then(ParsedDate::instant)
            .map(|i| rfc3339(&i)),
        timestamp_raw,
        parsed: parsed_date,
    }
}

/// Records every attachment as a child item with its own hash; returns how many.
#[allow(clippy::too_many_arguments)] // where the message sits, and what it may still cost
fn attachments(
    message: &Message<'_>,
    raw: &[u8],
    path: &str,
    locator: &Locator,
    depth: usize,
    cfg: &Config,
    out: &mut Output,
    budget: &Budget,
) -> u32 {
    let mut count = 0u32;
    for part in message.attachments() {
        if let Some(why) = budget.exceeded(&cfg.limits) {
            out.errors.push(ItemError::new(
                path,
                locator,
                format!(
                    "{why}: attachments from number {} on are not recorded",
                    count + 1
                ),
            ));
            break;
        }
        count += 1;
        if count as usize > cfg.limits.max_attachments {
            out.errors.push(ItemError::new(
                path,
                locator,
                format!(
                    "more than {} attachments; the rest are not recorded",
                    cfg.limits.max_attachments
                ),
            ));
            break;
        }
        let name = part.attachment_name().map(str::to_string);
        let child_locator = locator.child(LocatorPart::Attachment(
            count,
            name.clone().unwrap_or_default(),
        ));
        let bytes = part_bytes(part, raw);
        budget.spend(bytes.len());
        let encoding = part
            .content_transfer_encoding()
            .map(|e| e.trim().to_ascii_lowercase())
            .filter(|e| matches!(e.as_str(), "base64" | "quoted-printable"));
        if let Some(encoding) = encoding.filter(|_| part.is_encoding_problem) {
            // mail-parser keeps an undecodable body as it was written; say so,
            // or the hash would pass for that of the decoded file.
            out.errors.push(ItemError::new(
                path,
                &child_locator,
                format!(
                    "the {encoding} body does not decode (truncated or corrupt): hashed as written, {} bytes",
                    bytes.len()
                ),
            ));
        }
        let mut item = Item::new(path.to_string(), child_locator.clone(), sniff(&bytes));
        item.size = bytes.len() as u64;
        let digest = crate::digest::Digest::of(&bytes);
        item.sha256 = Some(digest);
        let content_type = part.content_type().map(|ct| match ct.subtype() {
            Some(sub) => format!("{}/{}", ct.ctype(), sub).to_ascii_lowercase(),
            None => ct.ctype().to_ascii_lowercase(),
        });
        if name.is_some() || content_type.is_some() {
            let extra = item.extra_mut();
            extra.filename = name;
            extra.content_type = content_type;
        }
        if let PartType::Message(inner) = &part.body {
            item.kind = ItemKind::Email;
            if depth + 1 >= cfg.limits.max_nesting {
                out.errors.push(ItemError::new(
                    path,
                    &child_locator,
                    format!(
                        "message nested more than {} levels deep; not parsed further",
                        cfg.limits.max_nesting
                    ),
                ));
            } else {
                // mail-parser's header offsets in a nested message point into the
                // outer buffer; parsing the nested bytes on their own gives offsets
                // that match them (and the same facts as the message stored alone).
                // They lie within the outer message's limits, so the prefix is
                // whole unless mail-parser read the part differently in context.
                let (inner_raw, cut) = within_limits(inner.raw_message(), &cfg.limits);
                budget.spend(inner_raw.len());
                if let Some(cut) = &cut {
                    out.errors.push(ItemError::new(
                        path,
                        &child_locator,
                        format!("{}: parsed only the first {} bytes", cut.reason, cut.at),
                    ));
                }
                let reparsed = MessageParser::default().parse(inner_raw);
                if let Some(inner) = reparsed.as_ref().filter(|m| !m.headers().is_empty()) {
                    let at = At {
                        path,
                        locator: &child_locator,
                        source: Source::Attachment,
                        truncated: cut.is_some(),
                    };
                    item.email = Some(Box::new(facts_of(inner, at, depth + 1, cfg, out, budget)));
                }
            }
        } else {
            item.document =
                analyse_known(&bytes, &digest, item.kind, path, &child_locator, cfg, out)
                    .map(Box::new);
        }
        out.items.push(item);
    }
    count
}

/// The attachment as it would be saved to disk: transfer encoding undone, no charset conversion.
///
/// mail-parser converts text parts to UTF-8; hashing that would not match the
/// same file stored elsewhere in the dump, so text parts are decoded from the
/// raw part instead.
pub(crate) fn part_bytes<'a>(part: &'a MessagePart<'_>, raw: &'a [u8]) -> Cow<'a, [u8]> {
    match &part.body {
        PartType::Text(_) | PartType::Html(_) => {
            let body = slice(raw, part.offset_body as usize, part.offset_end as usize);
            let decoded = match part.encoding {
                Encoding::Base64 => base64_decode(body),
                Encoding::QuotedPrintable => quoted_printable_decode(body),
                Encoding::None => None,
            };
            match decoded {
                Some(bytes) => Cow::Owned(bytes),
                None => Cow::Borrowed(body),
            }
        }
        PartType::Message(inner) => Cow::Borrowed(inner.raw_message()),
        _ => Cow::Borrowed(part.contents()),
    }
}

/// The comparable content of a message read again from its bytes (see `normalize`),
/// within the same limits as the scan.
pub fn normalized_content(raw: &[u8], limits: &Limits) -> Option<Normalized> {
    let message = MessageParser::default().parse(within_limits(raw, limits).0)?;
    let fields = raw_fields(&message);
    let hashes = message
        .attachments()
        .map(|part| hex(&Sha256::digest(part_bytes(part, message.raw_message()))))
        .collect();
    Some(normalize(&message, &fields, hashes))
}

/// The body lines of `normalized_content`, without the fields and the
/// attachments' hashes (which cost a SHA-256 of every attachment): what the
/// checks comparing texts read again.
pub fn normalized_body(raw: &[u8], limits: &Limits) -> Option<Vec<String>> {
    let message = MessageParser::default().parse(within_limits(raw, limits).0)?;
    let text = crate::parse::normalize::body_text(&message);
    Some(crate::parse::normalize::body_lines(&text))
}

/// Lower-case hex, as the report writes hashes.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[(b >> 4) as usize] as char);
        out.push(DIGITS[(b & 15) as usize] as char);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const MSG: &[u8] = b"Received: from mail.example.fr (mail.example.fr [193.0.2.10])\r\n\tby mx.example.com (Postfix) with ESMTPS id 3vX9k;\r\n\tTue, 2 May 2017 09:14:03 +0200 (CEST)\r\n\
From: Alice Martin <alice@example.fr>\r\nTo: bob@example.com\r\nSubject: Budget\r\nDate: Tue, 2 May 2017 09:14:01 +0200\r\nMessage-ID: <abc@example.fr>\r\nX-Mailer: Apple Mail (2.3273)\r\n\
DKIM-Signature: v=1; a=rsa-sha256; d=example.fr; s=sel;\r\n c=relaxed/relaxed; h=From:Subject:Date; bh=AAAA; b=BBBB\r\n\
Content-Type: multipart/mixed; boundary=\"Apple-Mail=_1\"\r\n\r\n--Apple-Mail=_1\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n\
--Apple-Mail=_1\r\nContent-Type: text/csv; name=\"a.csv\"\r\nContent-Disposition: attachment; filename=\"a.csv\"\r\nContent-Transfer-Encoding: base64\r\n\r\nYSxiCjEsMgo=\r\n\
--Apple-Mail=_1\r\nContent-Type: message/rfc822\r\n\r\nFrom: carol@example.org\r\nDate: Mon, 1 May 2017 10:00:00 +0000\r\nSubject: inner\r\n\r\ninner\r\n--Apple-Mail=_1--\r\n";

    #[test]
    fn from_lists_are_shared_by_value() {
        let mailbox = |name: Option<&str>, address: &str| Mailbox {
            name: name.map(str::to_string),
            address: Some(address.to_string()),
        };
        let alice = || vec![mailbox(Some("Alice Martin"), "alice@example.fr")];
        let a = FromList::shared(alice());
        let b = FromList::shared(alice());
        assert!(std::ptr::eq(a.0, b.0), "one copy for one list");
        assert_eq!(&*a, alice().as_slice());
        // Another name for the same address is another list, and so is a
        // second mailbox or none at all.
        let other = FromList::shared(vec![mailbox(None, "alice@example.fr")]);
        let two = FromList::shared([alice(), vec![mailbox(None, "bob@example.com")]].concat());
        let none = FromList::shared(Vec::new());
        assert!(!std::ptr::eq(a.0, other.0) && !std::ptr::eq(a.0, two.0));
        assert_eq!(other[0].name, None);
        assert_eq!(two.len(), 2);
        assert!(none.is_empty());
        assert!(std::ptr::eq(none.0, FromList::shared(Vec::new()).0));
    }

    fn parse(raw: &[u8]) -> (EmailFacts, Output) {
        let mut out = Output::default();
        let locator = Locator::root();
        let at = At {
            path: "x.eml",
            locator: &locator,
            source: Source::File,
            truncated: false,
        };
        let facts = parse_email(raw, at, &Config::new(".".into()), &mut out).unwrap();
        (facts, out)
    }

    #[test]
    fn the_corpus_date_keeps_what_the_corpus_reads() {
        for raw in [
            "Tue, 2 May 2017 09:14:01 +0200",
            "Tue, 2 May 2017 09:14:01 CEST",
            "2 May 2017 09:14 -0000",
            "not a date",
        ] {
            let full = DateFacts::from_raw(raw.to_string());
            let date = CorpusDate::of(full.clone());
            assert_eq!(&*date.raw, raw);
            assert_eq!(date.utc(), full.utc, "{raw}");
            assert_eq!(
                date.offset_minutes,
                full.parsed.as_ref().and_then(|p| p.offset_minutes)
            );
        }
        // Read back from a journal without the parsed parts: the instant
        // still comes from the RFC 3339 text.
        let mut old = DateFacts::from_raw("Tue, 2 May 2017 09:14:01 +0200".into());
        old.parsed = None;
        let date = CorpusDate::of(old);
        assert_eq!(date.utc().as_deref(), Some("2017-05-02T07:14:01Z"));
        assert_eq!(date.offset_minutes, None);
    }

    #[test]
    fn extracts_origin_facts() {
        let (f, _) = parse(MSG);
        assert_eq!(f.from[0].address.as_deref(), Some("alice@example.fr"));
        assert_eq!(f.subject.as_deref(), Some("Budget"));
        let date = f.date.unwrap();
        assert_eq!(date.raw, "Tue, 2 May 2017 09:14:01 +0200");
        assert_eq!(date.utc.as_deref(), Some("2017-05-02T07:14:01Z"));
        assert_eq!(f.message_id.as_deref(), Some("abc@example.fr"));
        assert_eq!(f.x_mailer.as_deref(), Some("Apple Mail (2.3273)"));
        assert_eq!(f.received.len(), 1);
        let hop = &f.received[0];
        assert_eq!(hop.by.as_deref(), Some("mx.example.com"));
        assert_eq!(hop.timestamp.as_deref(), Some("2017-05-02T07:14:03Z"));
        assert_eq!(f.dkim[0].d.as_deref(), Some("example.fr"));
        assert_eq!(f.dkim[0].h, ["From", "Subject", "Date"]);
        assert_eq!(f.mime.content_type.as_deref(), Some("multipart/mixed"));
        assert_eq!(f.mime.boundary.as_deref(), Some("Apple-Mail=_1"));
        assert_eq!(f.header_names[0], "Received");
        assert!(f.repeated_headers.is_empty());
    }

    #[test]
    fn attachments_are_children_with_their_own_hash() {
        let (f, out) = parse(MSG);
        assert_eq!(f.attachments, 2);
        let csv = &out.items[0];
        assert_eq!(csv.locator.to_string(), "attachment:1:a.csv");
        assert_eq!(csv.size, 8);
        // sha256("a,b\n1,2\n")
        assert_eq!(
            csv.sha256.map(|d| d.hex()),
            Some(hex(&Sha256::digest(b"a,b\n1,2\n")))
        );
        let inner = &out.items[1];
        assert_eq!(inner.kind, ItemKind::Email);
        let facts = inner.email.as_ref().unwrap();
        assert_eq!(facts.source, Source::Attachment);
        assert_eq!(facts.subject.as_deref(), Some("inner"));
        assert_eq!(facts.header_names, ["From", "Date", "Subject"]);
        assert_eq!(
            facts.date.as_ref().unwrap().raw,
            "Mon, 1 May 2017 10:00:00 +0000"
        );
    }

    #[test]
    fn records_repeated_single_instance_headers() {
        let (f, _) = parse(b"From: a@b.c\nSubject: one\nSubject: two\nDate: Tue, 2 May 2017 09:14:01 +0200\n\nbody\n");
        assert_eq!(f.repeated_headers.len(), 1);
        assert_eq!(
            f.repeated_headers[0].lines,
            ["Subject: one", "Subject: two"]
        );
    }

    fn parse_with(raw: &[u8], limits: Limits) -> Output {
        parse_facts_with(raw, limits).1
    }

    fn parse_facts_with(raw: &[u8], limits: Limits) -> (EmailFacts, Output) {
        let mut out = Output::default();
        let locator = Locator::root();
        let at = At {
            path: "x.eml",
            locator: &locator,
            source: Source::File,
            truncated: false,
        };
        let mut cfg = Config::new(".".into());
        cfg.limits = limits;
        let facts = parse_email(raw, at, &cfg, &mut out).unwrap();
        (facts, out)
    }

    #[test]
    fn decoded_bytes_budget_stops_recording_attachments() {
        // MSG is 800-odd bytes: the second attachment crosses a budget of MSG + 5.
        let limits = Limits {
            max_decoded_bytes: MSG.len() as u64 + 5,
            ..Limits::default()
        };
        let out = parse_with(MSG, limits);
        assert_eq!(out.items.len(), 1, "only the csv is recorded");
        assert!(
            out.errors[0].error.starts_with(&format!(
                "more than {} bytes decoded for this message (max_decoded_bytes): attachments from number 2 on",
                MSG.len() + 5
            )),
            "{:?}",
            out.errors
        );
    }

    #[test]
    fn time_budget_stops_recording_attachments() {
        let limits = Limits {
            max_message_time: std::time::Duration::ZERO,
            ..Limits::default()
        };
        let out = parse_with(MSG, limits);
        assert!(out.items.is_empty());
        assert_eq!(
            out.errors[0].error,
            "analysis took longer than 0 s (max_message_time): attachments from number 1 on are not recorded"
        );
    }

    #[test]
    fn structural_limits_cut_and_mark_truncated() {
        let limits = Limits {
            max_header_fields: 3,
            ..Limits::default()
        };
        let (facts, out) = parse_facts_with(MSG, limits);
        assert!(facts.truncated);
        assert_eq!(facts.header_names.len(), 3);
        assert!(
            out.errors[0]
                .error
                .contains("more than 3 header fields (max_header_fields)")
        );
    }

    #[test]
    fn garbage_does_not_panic() {
        let mut out = Output::default();
        for raw in [
            &b""[..],
            b"\x00\xff\xfe",
            b"From:",
            b"Content-Type: multipart/mixed; boundary=x\n\n--x\n",
        ] {
            let locator = Locator::root();
            let at = At {
                path: "x",
                locator: &locator,
                source: Source::File,
                truncated: false,
            };
            let _ = parse_email(raw, at, &Config::new(".".into()), &mut out);
        }
    }
}
