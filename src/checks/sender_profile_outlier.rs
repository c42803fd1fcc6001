//! `sender-profile-outlier`: a message that does not fit its sender's own habits.
//!
//! Each real sender writes from one or a few machines, and each leaves a
//! stable fingerprint: client, time zone, Message-ID and boundary formats,
//! header order, the server mail is submitted to. A planted message imitates
//! the person, rarely the machine. The profiles are learnt from the dump
//! itself (`corpus::profiles`).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde_json::json;

use super::{Check, CheckMeta, Run, Scope};
use crate::config::Config;
use crate::corpus::Corpus;
use crate::corpus::profiles::{
    CLIENT, DEVICE_FEATURES, FEATURES, FIRST_RELAY, Features, Profile, TIME_ZONE, Tally, UNNAMED,
    sender_key,
};
use crate::domain::address_domain;
use crate::finding::{Evidence, Finding, Severity};

pub static CHECK: Check = Check {
    meta: CheckMeta {
        id: "sender-profile-outlier",
        severity: Severity::Medium,
        scope: Scope::Corpus,
        summary: "A message whose client, time zone, Message-ID or boundary format, header order or first relay is unseen in its sender's other messages.",
        doc: "\
**What it detects.** For every sender (From address) with at least 5 messages in the dump \
(`--min-profile`), leakprov counts each feature of each message (one copy per \
Message-ID): client family (X-Mailer/User-Agent, else inferred from the fingerprint \
table), time zone, Message-ID shape, header order, the organisation of the first relay \
(the server the sender submitted to), MIME boundary shape, text charset and transfer \
encoding, client-specific headers. Messages are grouped into clusters by client (an office \
PC and a phone are two clusters). A message is an outlier when:

- its client is unseen among the sender's other messages while the sender's history is \
  stable (one client writes at least half of them); or, for a known client, its version is \
  older than the sender's versions both before and after it;
- within its client's cluster (at least 3 other messages), its Message-ID shape, header \
  order, boundary shape, encoding or set of client headers is unseen (not counted when the \
  message is the first of a newer client version: upgrades change formats);
- its time zone is unseen while at least 60% of the sender's messages share one; \
  daylight saving is applied first (a sender's offsets are tested against the EU and US \
  rules, and +0100 in winter and +0200 in summer become one value for a Paris sender);
- its first relay's organisation is unseen for the sender (at least 3 relayed messages) and \
  carries at most 2% of the mail of the sender's domain.

A value shared with a single other message counts as unseen once the sender has at least \
30 other messages: two planted messages with the same foreign habit must not vouch for \
each other.

**Severity.** Medium for one or two deviating features, high for three or more \
(client counts once: formats that change with the client are folded into it). The evidence \
gives each deviating value with counts: `time zone +0300: 0 of 212 other messages from this \
sender (usual: +0100 (EU summer time) ×212)`.

**False positives.** A sender's one-off use of another device or webmail, travel to \
another time zone, a new mail provider. The severity says how many independent habits \
changed at once; read the cluster table of the sender in the report before concluding.",
    },
    run: Run::Corpus(run),
};

/// Clients that send patches, used next to a person's usual mail client.
const PATCH_TOOLS: [&str; 3] = ["git-send-email", "b4", "quilt"];

/// Features whose change alone is enough for a finding.
const STRONG: [&str; 4] = ["client", "client_version", "time_zone", "first_relay"];

/// From this many other messages on, a value shared with just one of them is rare.
const RARE_AMONG: u64 = 30;

/// Share of a sender's messages the commonest value must hold for an unseen value to count.
const STABLE_SHARE: f64 = 0.6;

struct Deviation {
    feature: &'static str,
    value: String,
    sentence: String,
    seen: u64,
    of: u64,
    usual: String,
}

fn run(corpus: &Corpus<'_>, cfg: &Config, out: &mut Vec<Finding>) {
    let profiles = &corpus.profiles;
    let histories = histories(corpus);
    for &(index, _) in &profiles.messages {
        let item = &corpus.items[index];
        let Some(email) = item.mail() else {
            continue;
        };
        let Some(sender) = sender_key(email) else {
            continue;
        };
        let Some(profile) = profiles.senders.get(&*sender) else {
            continue;
        };
        if (profile.messages as usize) < cfg.min_profile {
            continue;
        }
        // A copy (time zone normalised), made only for messages compared.
        let Some(features) = profiles.features(corpus.items, index) else {
            continue;
        };
        let domain = address_domain(&sender).and_then(|d| profiles.domains.get(&d));
        let deviations = deviations(profile, domain, &features, &histories);
        // One format habit changing on its own (a header order, a Message-ID
        // format) happens with tool updates; it takes a change of client, time
        // zone or relay, or two format changes together.
        let strong = deviations
            .iter()
            .filter(|d| STRONG.contains(&d.feature))
            .count();
        if strong == 0 && deviations.len() < 2 {
            continue;
        }
        let severity = if deviations.len() >= 3 {
            Severity::High
        } else {
            Severity::Medium
        };
        let message = format!(
            "Unlike {sender}'s other {} messages: {}",
            profile.messages - 1,
            deviations
                .iter()
                .map(|d| d.sentence.clone())
                .collect::<Vec<_>>()
                .join("; ")
        );
        let list: Vec<_> = deviations
            .iter()
            .map(|d| {
                json!({
                    "feature": d.feature,
                    "value": d.value,
                    "seen_in_other_messages": d.seen,
                    "other_messages": d.of,
                    "usual": d.usual,
                })
            })
            .collect();
        let clusters: Vec<_> = profile
            .clusters
            .iter()
            .map(|c| json!({"client": c.client, "messages": c.messages, "first": c.first, "last": c.last}))
            .collect();
        let evidence = Evidence::new()
            .with("sender", sender.clone())
            .with("sender_messages", profile.messages)
            .with("deviations", list)
            .with("sender_clusters", clusters);
        out.push(Finding::on(
            item,
            CHECK.meta.id,
            severity,
            message,
            evidence,
        ));
    }
}

fn count(tally: Option<&Tally>, value: &str) -> u64 {
    tally.and_then(|t| t.get(value)).copied().unwrap_or(0)
}

fn total(tally: Option<&Tally>) -> u64 {
    tally.map(|t| t.values().sum()).unwrap_or(0)
}

fn usual(tally: Option<&Tally>, except: &str) -> String {
    let mut values: Vec<(&String, &u64)> = tally.map(|t| t.iter().collect()).unwrap_or_default();
    values.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    values
        .iter()
        .filter(|(v, _)| v.as_str() != except)
        .take(3)
        .map(|(v, n)| format!("{v} ×{n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// An unseen value in a stable tally (self excluded): Some((others, total_others)).
/// A value unseen in a stable tally (self excluded), or seen in just one other
/// message of a long history (two planted messages with the same foreign
/// habit must not vouch for each other): Some((others with it, others)).
fn unseen(tally: Option<&Tally>, value: &str, min_others: u64) -> Option<(u64, u64)> {
    let others = total(tally).saturating_sub(1);
    let seen = count(tally, value).saturating_sub(1);
    let rare = seen == 0 || (seen == 1 && others >= RARE_AMONG);
    if !rare || others < min_others {
        return None;
    }
    let top = tally.and_then(|t| t.values().copied().max()).unwrap_or(0);
    ((top as f64) >= STABLE_SHARE * others as f64).then_some((seen, others))
}

/// One product's versions over time for one sender, for O(log n) queries:
/// "newest version before this date", "newest after it", "first use of a version".
#[derive(Default)]
struct VersionHistory {
    /// (time, version), sorted by time.
    entries: Vec<(DateTime<Utc>, Vec<u32>)>,
    prefix_max: Vec<Vec<u32>>,
    suffix_max: Vec<Vec<u32>>,
    first_seen: BTreeMap<Vec<u32>, DateTime<Utc>>,
}

impl VersionHistory {
    fn finish(&mut self) {
        self.entries.sort();
        let mut best: Vec<u32> = Vec::new();
        self.prefix_max = self
            .entries
            .iter()
            .map(|(_, v)| {
                if *v > best {
                    best = v.clone();
                }
                best.clone()
            })
            .collect();
        let mut best: Vec<u32> = Vec::new();
        let mut suffix: Vec<Vec<u32>> = self
            .entries
            .iter()
            .rev()
            .map(|(_, v)| {
                if *v > best {
                    best = v.clone();
                }
                best.clone()
            })
            .collect();
        suffix.reverse();
        self.suffix_max = suffix;
        for (t, v) in &self.entries {
            self.first_seen.entry(v.clone()).or_insert(*t);
        }
    }

    /// Newest version used strictly before `at`.
    fn max_before(&self, at: DateTime<Utc>) -> Option<&[u32]> {
        let n = self.entries.partition_point(|(t, _)| *t < at);
        n.checked_sub(1).map(|i| self.prefix_max[i].as_slice())
    }

    /// Newest version used strictly after `at`.
    fn max_after(&self, at: DateTime<Utc>) -> Option<&[u32]> {
        let n = self.entries.partition_point(|(t, _)| *t <= at);
        self.suffix_max.get(n).map(Vec::as_slice)
    }
}

type Histories = BTreeMap<(String, String, Option<String>), VersionHistory>;

/// Version histories of every (sender, client, product), built once.
fn histories(corpus: &Corpus<'_>) -> Histories {
    let mut out: Histories = BTreeMap::new();
    for (sender, profile) in &corpus.profiles.senders {
        for m in &profile.members {
            let Some(f) = corpus.profiles.features(corpus.items, *m) else {
                continue;
            };
            if let (Some(v), Some(at), Some(client)) = (f.version(), f.at, &f.values[CLIENT]) {
                let product = f.product().map(str::to_string);
                out.entry((sender.clone(), client.to_string(), product))
                    .or_default()
                    .entries
                    .push((at, v.to_vec()));
            }
        }
    }
    for h in out.values_mut() {
        h.finish();
    }
    out
}

fn deviations(
    profile: &Profile,
    domain: Option<&Profile>,
    f: &Features,
    histories: &Histories,
) -> Vec<Deviation> {
    let mut out = Vec::new();
    let tally = |name: &str| profile.features.get(name);
    let client = f.values[CLIENT].as_deref().unwrap_or_default().to_string();
    let clients = tally("client");
    let mut client_fits = true;
    let named = !UNNAMED.contains(&client.as_str());
    // Patch tools are used next to a mail client, for another purpose: sending
    // a patch with git-send-email is no change of the person's machine.
    let patch_tool = |c: &str| PATCH_TOOLS.contains(&c);
    if named && let Some((seen, of)) = unseen(clients, &client, 4) {
        // The sender's usual client must itself be named: "no X-Mailer" is no habit.
        let top = clients
            .and_then(|t| {
                t.iter()
                    .filter(|(v, _)| !UNNAMED.contains(&v.as_str()))
                    .max_by_key(|(_, n)| **n)
            })
            .map(|(v, n)| (v.as_str(), *n));
        if let Some((usual_client, top)) = top
            && top * 2 >= of
            && !patch_tool(&client)
            && !patch_tool(usual_client)
        {
            client_fits = false;
            out.push(Deviation {
                feature: "client",
                value: client.clone(),
                sentence: format!("client {client}: {seen} of {of} other messages"),
                seen,
                of,
                usual: usual(clients, &client),
            });
        }
    }
    let mut upgrade = false;
    let product = f.product().map(str::to_string);
    let history = histories.get(&(profile.key.clone(), client.clone(), product));
    if client_fits && let (Some(version), Some(at), Some(history)) = (f.version(), f.at, history) {
        let before = history.max_before(at);
        let after = history.max_after(at);
        if before.is_some_and(|v| v > version) && after.is_some_and(|v| v > version) {
            out.push(Deviation {
                feature: "client_version",
                value: f.version_text().unwrap_or_default().to_string(),
                sentence: format!(
                    "{client} {} is older than the versions this sender used before and after it",
                    f.version_text().unwrap_or_default()
                ),
                seen: 0,
                of: history.entries.len().saturating_sub(1) as u64,
                usual: usual(
                    profile
                        .clusters
                        .iter()
                        .find(|c| c.client == client)
                        .map(|c| &c.versions),
                    "",
                ),
            });
        }
        let seen_earlier = history.first_seen.get(version).is_some_and(|t| *t < at);
        upgrade = !seen_earlier && before.is_some_and(|v| v < version);
    }
    if client_fits
        && !upgrade
        && named
        && let Some(cluster) = profile.clusters.iter().find(|c| c.client == client)
    {
        for &k in &DEVICE_FEATURES {
            let name = FEATURES[k];
            let Some(value) = f.values[k].as_deref() else {
                continue;
            };
            let t = cluster.features.get(name);
            if let Some((seen, of)) = unseen(t, value, 5) {
                out.push(Deviation {
                    feature: name,
                    value: value.to_string(),
                    sentence: format!(
                        "{} {value}: {seen} of {of} other {client} messages",
                        name.replace('_', " ")
                    ),
                    seen,
                    of,
                    usual: usual(t, value),
                });
            }
        }
    }
    if let Some(zone) = f.values[TIME_ZONE].as_deref() {
        let t = tally("time_zone");
        if let Some((seen, of)) = unseen(t, zone, 4) {
            out.push(Deviation {
                feature: "time_zone",
                value: zone.to_string(),
                sentence: match f.offset {
                    Some(o) if profile.calendar != crate::corpus::profiles::Calendar::None => {
                        format!(
                            "time zone {} (= {zone}): {seen} of {of} other messages",
                            crate::parse::date::format_offset(o)
                        )
                    }
                    _ => format!("time zone {zone}: {seen} of {of} other messages"),
                },
                seen,
                of,
                usual: usual(t, zone),
            });
        }
    }
    if let Some(relay) = f.values[FIRST_RELAY].as_deref() {
        let t = tally("first_relay");
        // The domain's other senders may use the relay too (a colleague's
        // office); it vouches only if it carries more than 2% of their mail.
        let (domain_seen, domain_total) = domain
            .map(|d| {
                let t = d.features.get("first_relay");
                (
                    count(t, relay).saturating_sub(1),
                    total(t).saturating_sub(1),
                )
            })
            .unwrap_or((0, 0));
        if let Some((seen, of)) = unseen(t, relay, 3)
            && domain_seen * 50 <= domain_total
        {
            out.push(Deviation {
                feature: "first_relay",
                value: relay.to_string(),
                sentence: format!(
                    "first relay {relay}: never seen for this sender ({of} relayed messages) nor for {}",
                    domain.map(|d| d.key.as_str()).unwrap_or("the domain")
                ),
                seen,
                of,
                usual: usual(t, relay),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests;
