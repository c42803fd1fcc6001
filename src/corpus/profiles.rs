//! Sender and domain fingerprints: the habits of each sender's machine, learnt from the dump itself.
//!
//! A forger copies a person's name and style, rarely their machine: the
//! client, the time zone, the Message-ID and boundary formats, the header
//! order, the server the person submits mail to. Each message contributes
//! one value per feature; a sender's profile counts them, grouped into
//! clusters by client (office PC and phone are two clusters). Memory grows
//! with the number of distinct values, not with the number of messages.

use std::borrow::Cow;
use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};
use serde::Serialize;

use crate::domain::{address_domain, org_domain};
use crate::fingerprint::{boundary_shape, claimed_client, inferred_family, message_id_shape};
use crate::item::Item;
use crate::parse::date::format_offset;
use crate::parse::email::{CorpusEmail, EmailFacts, Source};

/// Feature names, in report order.
pub const FEATURES: [&str; 8] = [
    "client",
    "time_zone",
    "message_id_shape",
    "header_order",
    "first_relay",
    "boundary_shape",
    "text_encoding",
    "client_headers",
];
pub const CLIENT: usize = 0;
pub const TIME_ZONE: usize = 1;
pub const FIRST_RELAY: usize = 4;
/// Features that describe the client and change together when the client
/// does. (text_encoding is profiled for display but not judged: clients pick
/// us-ascii, iso-8859-15, utf-8, quoted-printable or base64 by content.)
pub const DEVICE_FEATURES: [usize; 4] = [2, 3, 5, 7];
/// Client values that name no client: no device habit can be judged from them.
pub const UNNAMED: [&str; 2] = ["unnamed", crate::fingerprint::UNKNOWN_FAMILY];

/// Daylight-saving rule a sender's offsets follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Calendar {
    None,
    /// EU: last Sunday of March to last Sunday of October, 01:00 UTC.
    Eu,
    /// US (since 2007): second Sunday of March to first Sunday of November.
    Us,
}

impl Calendar {
    fn in_summer(self, at: DateTime<Utc>) -> bool {
        let year = at.year();
        let (start, end) = match self {
            Calendar::None => return false,
            Calendar::Eu => (
                last_sunday(year, 3).and_hms_opt(1, 0, 0),
                last_sunday(year, 10).and_hms_opt(1, 0, 0),
            ),
            // 02:00 local is 07:00-10:00 UTC across US zones; 08:00 UTC is close enough.
            Calendar::Us => (
                nth_sunday(year, 3, 2).and_hms_opt(8, 0, 0),
                nth_sunday(year, 11, 1).and_hms_opt(8, 0, 0),
            ),
        };
        match (start, end) {
            (Some(s), Some(e)) => {
                let (s, e) = (Utc.from_utc_datetime(&s), Utc.from_utc_datetime(&e));
                at >= s && at < e
            }
            _ => false,
        }
    }
}

fn last_sunday(year: i32, month: u32) -> NaiveDate {
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    }
    .unwrap_or_default();
    let mut d = next - Duration::days(1);
    while d.weekday() != Weekday::Sun {
        d -= Duration::days(1);
    }
    d
}

fn nth_sunday(year: i32, month: u32, n: u32) -> NaiveDate {
    let mut d = NaiveDate::from_ymd_opt(year, month, 1).unwrap_or_default();
    while d.weekday() != Weekday::Sun {
        d += Duration::days(1);
    }
    d + Duration::weeks(i64::from(n) - 1)
}

/// A feature value: one shared copy per distinct value (`intern`), reached
/// through a thin pointer (8 bytes, `Copy`). An `Arc<str>` took 16 bytes in
/// each of a message's eight values, kept for every message until the
/// report is written.
///
/// `&Box<str>` on purpose: `&str` is a fat pointer (16 bytes).
#[derive(Clone, Copy)]
#[allow(clippy::borrowed_box)]
pub struct FeatureValue(&'static Box<str>);

impl std::ops::Deref for FeatureValue {
    type Target = str;
    fn deref(&self) -> &str {
        self.0
    }
}

impl std::fmt::Debug for FeatureValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&**self, f)
    }
}

impl std::fmt::Display for FeatureValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self)
    }
}

impl PartialEq for FeatureValue {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl Eq for FeatureValue {}

/// Past this many distinct values, new ones are no longer looked up (a
/// hostile dump with a fresh value per message must not grow the table's
/// lookups without bound); they are still kept, one copy per message, as
/// the messages kept them before.
const MAX_INTERNED: usize = 1 << 20;

/// A shared copy of a value recurring across messages, kept for the life of
/// the process: a feature takes one of a few values per sender (client,
/// zone, header order). The copies are never freed, which is what lets a
/// message hold a thin pointer instead of a reference count; a scan keeps
/// every message's features until its report is written anyway, and one
/// process runs one scan (the tests run several, over a few values).
fn shared<K: Ord, T: Send + Sync + 'static>(
    table: &std::sync::Mutex<BTreeMap<K, &'static T>>,
    key: K,
    value: impl FnOnce(&K) -> T,
) -> &'static T {
    let mut table = table.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(shared) = table.get(&key) {
        return shared;
    }
    let shared: &'static T = Box::leak(Box::new(value(&key)));
    if table.len() < MAX_INTERNED {
        table.insert(key, shared);
    }
    shared
}

/// The shared copy of `value` (`FeatureValue`).
#[allow(clippy::borrowed_box)]
pub fn intern(value: String) -> FeatureValue {
    static VALUES: std::sync::Mutex<BTreeMap<String, &'static Box<str>>> =
        std::sync::Mutex::new(BTreeMap::new());
    FeatureValue(shared(&VALUES, value, |v| v.clone().into_boxed_str()))
}

/// The client version a message claims, shared like feature values: a
/// sender writes the same client line in message after message. Three
/// strings and a list of its own took about 150 bytes a message.
#[derive(Debug, PartialEq, Eq)]
pub struct ClaimedVersion {
    /// The client header without its digits (`iPhone Mail ()`, `Apple Mail (.)`):
    /// versions are only compared between messages of one product.
    pub product: String,
    /// The version as written, when the client line has one.
    pub text: Option<String>,
    /// The version as numbers (16.0 -> [16, 0]), when it has one.
    pub numbers: Option<Vec<u32>>,
}

fn claimed_version(product: String, text: Option<String>) -> &'static ClaimedVersion {
    type Table = BTreeMap<(String, Option<String>), &'static ClaimedVersion>;
    static VERSIONS: std::sync::Mutex<Table> = std::sync::Mutex::new(BTreeMap::new());
    shared(&VERSIONS, (product, text), |(product, text)| {
        ClaimedVersion {
            product: product.clone(),
            text: text.clone(),
            numbers: text.as_deref().map(|v| {
                v.split(|ch: char| !ch.is_ascii_digit())
                    .filter(|p| !p.is_empty())
                    .take(3)
                    .filter_map(|p| p.parse().ok())
                    .collect()
            }),
        }
    })
}

/// One message's feature values (`None` where the message does not tell).
#[derive(Debug, Clone, Default)]
pub struct Features {
    /// Shared copies (`intern`): the same few values recur across messages.
    pub values: [Option<FeatureValue>; 8],
    /// The UTC offset of Date in minutes and the instant, for DST normalisation.
    pub offset: Option<i32>,
    pub at: Option<DateTime<Utc>>,
    /// The client version the message claims (shared, `claimed_version`).
    pub claimed: Option<&'static ClaimedVersion>,
}

impl Features {
    /// Client version as numbers (16.0 -> [16, 0]).
    pub fn version(&self) -> Option<&[u32]> {
        self.claimed?.numbers.as_deref()
    }

    /// The client header without its digits: versions are only compared
    /// between messages of one product.
    pub fn product(&self) -> Option<&str> {
        self.claimed.map(|c| c.product.as_str())
    }

    /// The client version as written.
    pub fn version_text(&self) -> Option<&str> {
        self.claimed?.text.as_deref()
    }
}

/// Header names whose relative order a client fixes (those nearly every message has).
const ORDERED_HEADERS: &[&str] = &[
    "from",
    "to",
    "subject",
    "date",
    "message-id",
    "mime-version",
    "content-type",
];
/// Headers only some clients write; which of them a message has is a habit.
const CLIENT_HEADERS: &[&str] = &[
    "thread-index",
    "thread-topic",
    "x-ms-has-attach",
    "x-ms-tnef-correlator",
    "content-language",
    "accept-language",
    "importance",
    "x-priority",
    "x-mailer",
    "user-agent",
    "x-apple-base-url",
    "x-universally-unique-identifier",
    "x-uniform-type-identifier",
    "x-apple-mail-remote-attachments",
    "x-originating-ip",
    "disposition-notification-to",
];

pub fn features(email: &EmailFacts) -> Features {
    let mut f = Features::default();
    let mut values: [Option<String>; 8] = Default::default();
    let claim = claimed_client(email);
    values[CLIENT] = Some(match &claim {
        Some(c) => c.family.to_string(),
        None => inferred_family(email)
            .map(|(family, _)| family.to_string())
            .unwrap_or_else(|| "unnamed".into()),
    });
    if let Some(c) = &claim {
        let product = c
            .header_line
            .chars()
            .filter(|ch| !ch.is_ascii_digit())
            .collect();
        f.claimed = Some(claimed_version(product, c.version.clone()));
    }
    if let Some(date) = email.date.as_ref().and_then(|d| d.parsed.as_ref()) {
        f.offset = date.offset_minutes;
        f.at = date.instant();
    }
    values[2] = email.message_id.as_deref().map(message_id_format);
    let order: Vec<&str> = email
        .header_names
        .iter()
        .filter(|n| ORDERED_HEADERS.contains(&n.to_ascii_lowercase().as_str()))
        .map(String::as_str)
        .collect();
    if order.len() >= 3 {
        let mut seen: Vec<&str> = Vec::new();
        for n in order {
            if !seen.iter().any(|s| s.eq_ignore_ascii_case(n)) {
                seen.push(n);
            }
        }
        values[3] = Some(seen.join(" > "));
    }
    values[FIRST_RELAY] = email
        .received
        .last()
        .and_then(|h| h.by.as_deref())
        .and_then(org_domain);
    // A list server re-wraps messages in its own boundary: not the client's.
    if email.list_id.is_none() {
        values[5] = email
            .mime
            .boundary
            .as_deref()
            .map(|b| coarse_shape(&boundary_shape(b)));
    }
    values[6] = match (&email.mime.text_charset, &email.mime.text_encoding) {
        (None, None) => None,
        (c, e) => Some(format!(
            "{} / {}",
            c.as_deref().unwrap_or("no charset"),
            e.as_deref().unwrap_or("7bit")
        )),
    };
    let mut present: Vec<String> = email
        .header_names
        .iter()
        .map(|n| n.to_ascii_lowercase())
        .filter(|n| CLIENT_HEADERS.contains(&n.as_str()))
        .collect();
    present.sort();
    present.dedup();
    values[7] = Some(if present.is_empty() {
        "none".into()
    } else {
        present.join(", ")
    });
    f.values = values.map(|v| v.map(intern));
    f
}

/// A message's feature values by name, for `item.email.fingerprint`.
pub fn fingerprint(features: &Features) -> BTreeMap<&'static str, String> {
    // The time zone as written, before any daylight-saving rule.
    let zone = features.offset.map(format_offset);
    FEATURES
        .iter()
        .enumerate()
        .filter_map(|(k, name)| {
            let value = match (k, &zone) {
                (TIME_ZONE, Some(zone)) => zone.clone(),
                _ => features.values[k].as_deref()?.to_string(),
            };
            Some((*name, value))
        })
        .collect()
}

/// The generator of a Message-ID, coarsely: the format of its left part and
/// the organisation of its right part (`<random@gmail.com>`,
/// `<timestamp@kernel.org>`, `<uuid-upper@corvel-energie.fr>`). Finer shapes
/// split one client's ids into many values (random runs that happen to hold
/// words, Mutt's random syllables), which would make every message unusual.
pub fn message_id_format(id: &str) -> String {
    let id = id.trim().trim_start_matches('<').trim_end_matches('>');
    let (local, domain) = id.rsplit_once('@').unwrap_or((id, ""));
    let shape = message_id_shape(id);
    let class = if shape.contains("UUID-UPPER") {
        "uuid-upper"
    } else if shape.contains("UUID") {
        "uuid-lower"
    } else if local.contains('$') {
        "outlook-dollar"
    } else if local.chars().take_while(char::is_ascii_digit).count() >= 8 {
        "timestamp"
    } else if local.len() >= 20
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+/=_-.".contains(c))
        && local.chars().any(|c| c.is_ascii_uppercase())
        && local.chars().any(|c| c.is_ascii_lowercase())
    {
        "random"
    } else if local.chars().all(|c| c.is_ascii_hexdigit() || c == '.') {
        "hex"
    } else {
        "other"
    };
    let org = org_domain(domain).unwrap_or_else(|| domain.to_ascii_lowercase());
    format!("<{class}@{org}>")
}

/// A format, not an instance: run lengths dropped (`ALNUM7` and `ALNUM5`,
/// `BASE64x49` and `BASE64x52` are one format) and repeats of one token
/// collapsed (`BASE64=BASE64`: a random chunk that happened to hold a `=`).
fn coarse_shape(shape: &str) -> String {
    let mut tokens: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut kind_alpha = None;
    for c in shape.chars() {
        let alpha = c.is_ascii_alphanumeric();
        if kind_alpha != Some(alpha) && !current.is_empty() {
            tokens.push(std::mem::take(&mut current));
        }
        kind_alpha = Some(alpha);
        current.push(c);
    }
    if !current.is_empty() {
        tokens.push(current);
    }
    let mut out: Vec<String> = Vec::new();
    for t in tokens {
        let t = if t.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) {
            t.trim_end_matches(|c: char| c.is_ascii_digit())
                .trim_end_matches("x")
                .to_string()
        } else {
            t
        };
        let n = out.len();
        // "TOKEN sep TOKEN" -> "TOKEN": a separator inside a random run.
        if n >= 2 && out[n - 2] == t && out[n - 1].len() == 1 {
            out.pop();
            continue;
        }
        out.push(t);
    }
    out.concat()
}

/// Counts of values per feature.
pub type Tally = BTreeMap<String, u64>;

/// One sender's (or domain's) history.
#[derive(Debug, Clone, Serialize)]
pub struct Profile {
    /// Normalised From address (or domain: then serialised as `domain` by `DomainProfile`).
    #[serde(rename = "sender", skip_serializing_if = "is_domain_key")]
    pub key: String,
    pub messages: u64,
    /// Daylight-saving rule applied to this sender's time zones.
    pub calendar: Calendar,
    pub clusters: Vec<Cluster>,
    pub features: BTreeMap<&'static str, Tally>,
    /// Item indices of the messages (one per Message-ID).
    #[serde(skip)]
    pub members: Vec<usize>,
}

fn is_domain_key(key: &str) -> bool {
    !key.contains('@')
}

/// Messages of one sender written with one client.
#[derive(Debug, Clone, Serialize)]
pub struct Cluster {
    pub client: String,
    pub messages: u64,
    /// Client versions seen, with counts.
    pub versions: Tally,
    pub first: Option<String>,
    pub last: Option<String>,
    pub features: BTreeMap<&'static str, Tally>,
}

/// Profiles of the senders and sending domains with at least `--min-profile`
/// messages (`build`).
#[derive(Debug, Default)]
pub struct Profiles {
    pub senders: BTreeMap<String, Profile>,
    pub domains: BTreeMap<String, Profile>,
    /// Each considered message's item index and its time zone value
    /// normalised to its sender's daylight-saving rule, by index. The other
    /// features stay with the item (`features`): a copy here cost about 300
    /// bytes a message.
    pub messages: Vec<(usize, Option<FeatureValue>)>,
}

impl Profiles {
    /// The features of considered message `index` (time zone normalised).
    pub fn features(&self, items: &[Item], index: usize) -> Option<Features> {
        let n = self.messages.binary_search_by_key(&index, |m| m.0).ok()?;
        let mut f = items.get(index)?.mail()?.derived.features.clone();
        f.values[TIME_ZONE] = self.messages[n].1;
        Some(f)
    }
}

/// The messages profiles learn from: one item per Message-ID (the copy with the
/// longest delivery path, the first of them on a tie), messages that stand on
/// their own (not attachments). The copies of an id come from the corpus's
/// `by_message_id` groups: a map of every id held about 40 bytes a message.
fn representatives(items: &[Item], by_message_id: &super::Groups<'_>) -> Vec<usize> {
    let considered = |i: usize| {
        items[i]
            .mail()
            .filter(|e| e.source != Source::Attachment && !e.from.is_empty())
    };
    let mut out: Vec<usize> = (0..items.len())
        .filter(|&i| considered(i).is_some_and(|e| e.message_id.is_none()))
        .collect();
    for (_, members) in by_message_id.iter() {
        let mut best: Option<(usize, u32)> = None;
        for &i in members {
            let Some(email) = considered(i) else {
                continue;
            };
            let hops = email.derived.hops;
            if best.is_none_or(|(_, most)| hops > most) {
                best = Some((i, hops));
            }
        }
        out.extend(best.map(|(i, _)| i));
    }
    out.sort_unstable();
    out
}

/// The sender's address, trimmed and lower-cased: borrowed from the message
/// when it already is (nearly always), so that grouping a million messages
/// by sender copies no address.
pub fn sender_key(email: &CorpusEmail) -> Option<Cow<'_, str>> {
    let address = email.from.first()?.address.as_deref()?.trim();
    if !address.contains('@') {
        return None;
    }
    Some(if address.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(address.to_ascii_lowercase())
    } else {
        Cow::Borrowed(address)
    })
}

/// Profiles of the senders and domains with at least `min` messages (the
/// others are neither compared nor reported: `--min-profile`). A profile
/// takes a few kilobytes; a mailbox that heard from 200,000 people once each
/// held a gigabyte of profiles nothing read.
pub fn build(items: &[Item], by_message_id: &super::Groups<'_>, min: usize) -> Profiles {
    let mut profiles = Profiles::default();
    let features = |i: usize| items[i].mail().map(|e| &e.derived.features);
    // Each considered message as (sender number, item): a sender's text is
    // kept once (borrowed from a message when already lower-case), not per
    // message (a row with it took 40 bytes a message, and a copy).
    let mut senders: BTreeMap<Cow<'_, str>, u32> = BTreeMap::new();
    // Item numbers as u32 (8 bytes a row): a scan holds far fewer than 2^32
    // items (each takes over 100 bytes of memory).
    let mut rows: Vec<(u32, u32)> = Vec::new();
    for i in representatives(items, by_message_id) {
        let Some(sender) = items[i].mail().and_then(sender_key) else {
            continue;
        };
        let next = u32::try_from(senders.len()).expect("fewer than 2^32 senders");
        let item = u32::try_from(i).expect("fewer than 2^32 items");
        rows.push((*senders.entry(sender).or_insert(next), item));
    }
    // Numbers in sender order, so that sorting the rows groups them by
    // sender, in item order within a sender.
    let mut rank = vec![0u32; senders.len()];
    let names: Vec<Cow<'_, str>> = senders
        .into_iter()
        .enumerate()
        .map(|(r, (name, n))| {
            rank[n as usize] = r as u32;
            name
        })
        .collect();
    for row in &mut rows {
        row.0 = rank[row.0 as usize];
    }
    drop(rank);
    rows.sort_unstable();
    // Each row's time zone value, normalised to its sender's rule below.
    let mut zones: Vec<Option<FeatureValue>> = rows
        .iter()
        .map(|&(_, i)| features(i as usize).and_then(|f| f.values[TIME_ZONE]))
        .collect();
    let member = |zones: &[Option<FeatureValue>], n: usize| {
        let f = features(rows[n].1 as usize).expect("a representative is a message");
        (f, zones[n])
    };
    let mut by_domain: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    let mut start = 0;
    for group in rows.chunk_by(|a, b| a.0 == b.0) {
        let span = start..start + group.len();
        start = span.end;
        let sender: &str = &names[group[0].0 as usize];
        let samples: Vec<(i32, DateTime<Utc>)> = span
            .clone()
            .filter_map(|n| {
                let f = member(&zones, n).0;
                Some((f.offset?, f.at?))
            })
            .collect();
        let calendar = choose_calendar(&samples);
        for n in span.clone() {
            let f = member(&zones, n).0;
            if let (Some(offset), Some(at)) = (f.offset, f.at) {
                zones[n] = Some(intern(zone_value(offset, at, calendar)));
            }
        }
        if group.len() >= min {
            let members: Vec<usize> = group.iter().map(|&(_, i)| i as usize).collect();
            let feats = span.clone().map(|n| member(&zones, n));
            profiles.senders.insert(
                sender.to_string(),
                profile(sender, calendar, members, feats),
            );
        }
        if let Some(domain) = address_domain(sender) {
            by_domain
                .entry(domain)
                .or_default()
                .extend(span.map(|n| n as u32));
        }
    }
    for (domain, mut group) in by_domain {
        if group.len() < min {
            continue;
        }
        // Item order, as a sender's.
        group.sort_unstable_by_key(|&n| rows[n as usize].1);
        let members: Vec<usize> = group.iter().map(|&n| rows[n as usize].1 as usize).collect();
        let feats = group.iter().map(|&n| member(&zones, n as usize));
        let p = profile(&domain, Calendar::None, members, feats);
        profiles.domains.insert(domain, p);
    }
    // By item, as `features` looks them up.
    let mut messages: Vec<(usize, Option<FeatureValue>)> =
        rows.iter().map(|&(_, i)| i as usize).zip(zones).collect();
    messages.sort_unstable_by_key(|m| m.0);
    profiles.messages = messages;
    profiles
}

/// The time zone as a habit: with a daylight-saving rule, summer offsets are
/// brought back to standard time so that +0100 in January and +0200 in July
/// are one value for a Paris sender.
pub fn zone_value(offset: i32, at: DateTime<Utc>, calendar: Calendar) -> String {
    let standard = if calendar.in_summer(at) {
        offset - 60
    } else {
        offset
    };
    match calendar {
        Calendar::None => format_offset(offset),
        Calendar::Eu => format!(
            "{} standard, EU summer time applied",
            format_offset(standard)
        ),
        Calendar::Us => format!(
            "{} standard, US daylight time applied",
            format_offset(standard)
        ),
    }
}

/// The rule under which the sender's offsets are most consistent; no rule on ties.
fn choose_calendar(samples: &[(i32, DateTime<Utc>)]) -> Calendar {
    let share = |calendar: Calendar| {
        let mut counts: BTreeMap<i32, usize> = BTreeMap::new();
        for &(offset, at) in samples {
            let standard = if calendar.in_summer(at) {
                offset - 60
            } else {
                offset
            };
            *counts.entry(standard).or_default() += 1;
        }
        counts.values().copied().max().unwrap_or(0)
    };
    let none = share(Calendar::None);
    let mut best = (Calendar::None, none);
    for calendar in [Calendar::Eu, Calendar::Us] {
        let s = share(calendar);
        if s > best.1 {
            best = (calendar, s);
        }
    }
    best.0
}

/// `feats`: each member's features and its normalised time zone value.
fn profile<'f>(
    key: &str,
    calendar: Calendar,
    members: Vec<usize>,
    feats: impl Iterator<Item = (&'f Features, Option<FeatureValue>)>,
) -> Profile {
    // Counted by reference: a value is copied when first seen in a tally,
    // not for every message.
    fn count(tally: &mut Tally, value: &str) {
        match tally.get_mut(value) {
            Some(n) => *n += 1,
            None => {
                tally.insert(value.to_string(), 1);
            }
        }
    }
    let mut features: BTreeMap<&'static str, Tally> = BTreeMap::new();
    let mut clusters: BTreeMap<String, Cluster> = BTreeMap::new();
    let mut messages = 0u64;
    for (f, zone) in feats {
        messages += 1;
        let client = f.values[CLIENT].as_deref().unwrap_or_default();
        if !clusters.contains_key(client) {
            clusters.insert(
                client.to_string(),
                Cluster {
                    client: client.to_string(),
                    messages: 0,
                    versions: Tally::new(),
                    first: None,
                    last: None,
                    features: BTreeMap::new(),
                },
            );
        }
        let cluster = clusters.get_mut(client).expect("inserted above");
        cluster.messages += 1;
        if let Some(v) = f.version_text() {
            count(&mut cluster.versions, v);
        }
        if let Some(at) = f.at {
            let day = day_text(&at);
            if cluster.first.as_ref().is_none_or(|d| &day < d) {
                cluster.first = Some(day.clone());
            }
            if cluster.last.as_ref().is_none_or(|d| &day > d) {
                cluster.last = Some(day);
            }
        }
        for (k, name) in FEATURES.iter().enumerate() {
            let value = if k == TIME_ZONE { zone } else { f.values[k] };
            if let Some(v) = value {
                count(features.entry(name).or_default(), &v);
                if k != CLIENT {
                    count(cluster.features.entry(name).or_default(), &v);
                }
            }
        }
    }
    let mut clusters: Vec<Cluster> = clusters.into_values().collect();
    clusters.sort_by(|a, b| b.messages.cmp(&a.messages).then(a.client.cmp(&b.client)));
    Profile {
        key: key.to_string(),
        messages,
        calendar,
        clusters,
        features,
        members,
    }
}

/// `at.format("%Y-%m-%d")`, without parsing the format string for every
/// message (chrono does, and the profiles format a day per message).
fn day_text(at: &DateTime<Utc>) -> String {
    match at.year() {
        year @ 0..=9999 => format!("{year:04}-{:02}-{:02}", at.month(), at.day()),
        _ => at.format("%Y-%m-%d").to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feature_values_are_shared() {
        let a = intern("Outlook".to_string());
        let b = intern(String::from("Outlook"));
        assert!(std::ptr::eq(a.0, b.0));
        assert_eq!(a, b);
        let c = intern("Thunderbird".into());
        assert!(!std::ptr::eq(a.0, c.0));
        assert_ne!(a, c);
        assert_eq!(&*a, "Outlook");
    }

    #[test]
    fn days_are_written_as_chrono_writes_them() {
        for s in [
            "2017-05-02T09:14:01Z",
            "0001-01-01T00:00:00Z",
            "0099-12-31T23:59:59Z",
            "9999-12-31T23:59:59Z",
        ] {
            assert_eq!(day_text(&at(s)), at(s).format("%Y-%m-%d").to_string());
        }
        let far = Utc.with_ymd_and_hms(12345, 6, 7, 0, 0, 0).unwrap();
        assert_eq!(day_text(&far), far.format("%Y-%m-%d").to_string());
        let before = Utc.with_ymd_and_hms(-44, 3, 15, 0, 0, 0).unwrap();
        assert_eq!(day_text(&before), before.format("%Y-%m-%d").to_string());
    }

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn eu_summer_time_is_recognised() {
        assert!(Calendar::Eu.in_summer(at("2017-03-26T01:00:00Z")));
        assert!(!Calendar::Eu.in_summer(at("2017-03-26T00:59:59Z")));
        assert!(!Calendar::Eu.in_summer(at("2016-10-30T01:00:00Z")));
        assert!(Calendar::Us.in_summer(at("2017-03-12T09:00:00Z")));
        assert!(!Calendar::Us.in_summer(at("2017-11-05T09:00:00Z")));
    }

    #[test]
    fn a_paris_sender_gets_the_eu_rule() {
        let samples = vec![
            (60, at("2017-01-10T09:00:00Z")),
            (60, at("2017-02-10T09:00:00Z")),
            (120, at("2017-04-10T09:00:00Z")),
            (120, at("2017-05-10T09:00:00Z")),
        ];
        assert_eq!(choose_calendar(&samples), Calendar::Eu);
        assert_eq!(
            zone_value(120, at("2017-05-10T09:00:00Z"), Calendar::Eu),
            "+0100 standard, EU summer time applied"
        );
        // A sender who stays on UTC keeps no rule.
        let utc = vec![
            (0, at("2017-01-10T09:00:00Z")),
            (0, at("2017-05-10T09:00:00Z")),
        ];
        assert_eq!(choose_calendar(&utc), Calendar::None);
    }

    #[test]
    fn random_lengths_do_not_split_shapes() {
        assert_eq!(
            coarse_shape("<BASE64x49@mail.gmail.com>"),
            "<BASE64@mail.gmail.com>"
        );
        assert_eq!(
            coarse_shape("<BASE64x20=BASE64x28@mail.gmail.com>"),
            coarse_shape("<BASE64x49@mail.gmail.com>")
        );
        assert_eq!(
            coarse_shape("<DIGITS14.ALNUM7@host>"),
            coarse_shape("<DIGITS14.ALNUM5@host>")
        );
        assert_ne!(
            coarse_shape("<UUID-UPPER@domain>"),
            coarse_shape("<hex12$hex8$@domain>")
        );
    }
}
