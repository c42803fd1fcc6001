//! `mailer-fingerprint-mismatch`: the client named in X-Mailer / User-Agent is not the client whose traits the message carries.
//!
//! Every mail client generates Message-IDs and MIME boundaries in its own
//! format and writes headers of its own. Whoever fabricates a message by
//! editing a real one, or by sending it with a script, tends to set the
//! X-Mailer to something plausible and leave the rest as it was. The traits
//! come from the fingerprint table (`src/fingerprint/clients.json`); this
//! file only decides what counts as a contradiction.

use std::collections::BTreeSet;

use super::{Check, CheckMeta, Run, Scope};
use crate::config::Config;
use crate::finding::{Evidence, Finding, Severity};
use crate::fingerprint::{
    self, ClientClaim, Family, Field, Hit, TABLE, Traits, boundary_shape, claimed_client,
    message_id_shape,
};
use crate::item::Item;
use crate::parse::email::EmailFacts;

pub static CHECK: Check = Check {
    meta: CheckMeta {
        id: "mailer-fingerprint-mismatch",
        severity: Severity::Medium,
        scope: Scope::Item,
        summary: "The client named in X-Mailer / User-Agent does not match the message's own Message-ID, MIME boundary or client-specific headers.",
        doc: "\
**What it detects.** A message whose X-Mailer (or, without one, User-Agent) names one mail \
client while its own traits were written by another: the Message-ID format, the MIME boundary \
format, or a header only one client writes. Example: `X-Mailer: Microsoft Outlook 16.0` on a \
message whose Message-ID is an upper-case UUID and whose boundary is `Apple-Mail=_...`. The \
traits come from the fingerprint table `src/fingerprint/clients.json` (33 families: Outlook \
2003-365, Outlook Express / Windows Mail, Outlook for Mac, Exchange / Outlook on the web and \
mobile, Apple Mail and iOS Mail, Thunderbird and its forks, Postbox, K-9 Mail / Thunderbird for \
Android, Gmail, Yahoo / AOL, Roundcube, SquirrelMail, Horde, Zimbra, Lotus Notes, Evolution, \
Mutt / NeoMutt, Alpine, Claws Mail, Sylpheed, KMail, Emacs mail, git-send-email, b4, quilt, \
mailx, alot, eM Client, Airmail, Spark, Opera Mail, Fastmail, PHPMailer). Each shape there \
has a note saying where it comes from and a made-up example the tests check.

**Why it matters.** Clients generate these values without asking the user, so they survive \
when someone edits a message by hand or re-sends it with a script and sets a plausible \
X-Mailer. A Message-ID that only Apple's software writes, under an Outlook X-Mailer, means \
the header and the message were not written by the same program.

**Grading.** *Medium*: a trait matches a *distinctive* shape (one no other client produces) of \
a family other than the claimed one, or the message carries a header that only another client \
writes. Two or more independent contradictions are still medium: this check never raises \
high, because a single relay, gateway or mailbox export can rewrite several traits at once. \
*Low*: none of the claimed client's traits is present (Message-ID not in its format, boundary \
not in its format, a header it always writes, like Outlook's Thread-Index, absent) but nothing \
points at another client: *only missing traits*. Unknown clients are not compared.

**False positives and how they are handled.** Traits that servers write are never counted \
against the claimed client: Exchange adds Thread-Index, Thread-Topic, X-MS-* and lower-case \
x-ms-* headers to mail written in Evolution or Thunderbird, and renders MIME with its own \
`_000_..._` boundary for any client that goes through an Exchange mailbox (ActiveSync, EWS, \
export); Domino re-renders Notes MIME; Mailman re-wraps non-plain list mail in a \
multipart/mixed with Python's `===============...==` boundary (treated as uninformative, with \
or without List-Id); Google's server-side S/MIME wraps mail from any client in a Gmail-style \
multipart/signed; the Gmail API assigns a Gmail Message-ID to mail a third-party client \
(Airmail) submits (seen as a Received hop `by gmailapi.google.com with HTTPREST`); Postfix, \
Exim, Sendmail and Gmail's SMTP add a Message-ID when the client wrote none. Yahoo's SMTP \
writes an X-Mailer `WebService/... hermes` on mail of any client, and Fastmail a `Cyrus-JMAP` \
User-Agent: those are not claims. Gmail web writes neither header and Proton, Migadu and \
Mailgun strip X-Mailer: such mail names no client and is not checked. Clients that send a \
Message-ID they were given are not judged by it: git send-email (b4 prep, format-patch \
--thread), mutt -H and NeoMutt's message_id_format (the kernel test robot), mailx scripts; \
b4's own Message-IDs are accepted under a git-send-email claim. Lower-case UUID Message-IDs \
(Thunderbird, Alpine 2.26+, Fastmail, many libraries) and upper-case UUIDs (Apple Mail, \
Outlook for Mac, and K-9 Mail, which imitates Apple on purpose) are shared and never \
distinctive for one client. Several clients send Mozilla/Gecko User-Agents; only the product \
token (Thunderbird/, SeaMonkey/, Postbox/...) decides. Thunderbird up to 102 folds its long \
User-Agent; the facts are unfolded. Remaining known risks: a client submitting through a \
provider's web API other than Gmail's (Exchange add-ins, Outlook with Google Workspace Sync) \
may get that provider's Message-ID; a gateway that rewrites Message-IDs (seen: a corporate \
relay writing JavaMail ids under Outlook) only avoids a finding because generic JavaMail ids \
are not distinctive.

**Calibration.** On the 3,000 real list messages of the development corpus (1,422 name a \
client the table knows): 0 medium and 0 low findings (0 per 1000). Swapping the X-Mailer of \
those messages for `Microsoft Outlook 16.0` raises medium on 1,803 and low on 1,049 of them; \
the rest are Outlook or Exchange mail, or carry only shared traits.",
    },
    run: Run::Item(run),
};

fn run(item: &Item, _cfg: &Config, out: &mut Vec<Finding>) {
    let Some(facts) = item.email.as_deref() else {
        return;
    };
    let Some(claim) = claimed_client(facts) else {
        return;
    };
    // An unknown client has no fingerprint to compare with.
    let Some(family) = TABLE.family(claim.family) else {
        return;
    };
    let traits = fingerprint::traits(facts);
    let verdict = assess(family, facts, &traits);
    let (severity, message) = if !verdict.strong.is_empty() {
        (Severity::Medium, strong_message(&claim, &verdict))
    } else if !verdict.own_present && !verdict.missing.is_empty() {
        (Severity::Low, weak_message(&claim, &verdict))
    } else {
        return;
    };
    let evidence = evidence(&claim, family, facts, &traits, &verdict);
    out.push(Finding::on(
        item,
        CHECK.meta.id,
        severity,
        message,
        evidence,
    ));
}

/// A trait of the message that another family writes and the claimed one never does.
struct Contradiction {
    field: Field,
    points_to: Vec<&'static str>,
    description: String,
}

struct Verdict {
    strong: Vec<Contradiction>,
    /// At least one trait the claimed family writes is present.
    own_present: bool,
    /// Traits the claimed family would have written, absent here.
    missing: Vec<String>,
}

fn assess(family: &Family, facts: &EmailFacts, traits: &Traits) -> Verdict {
    let name = family.name.as_str();
    // A client that sends a Message-ID it was given says nothing with it.
    let hits: Vec<&Hit> = traits
        .hits
        .iter()
        .filter(|h| !(h.field == Field::MessageId && family.keeps_given_message_id))
        .collect();
    let expected_present = family
        .headers_expected
        .iter()
        .any(|h| facts.header_names.iter().any(|n| h.matches(n)));
    let own_present = expected_present || hits.iter().any(|h| h.produced_by(name));
    // A field explained by one of the claimed family's own distinctive shapes is not contradicted.
    let own_fields: Vec<Field> = hits
        .iter()
        .filter(|h| h.distinctive && h.produced_by(name))
        .map(|h| h.field)
        .collect();

    let mut strong: Vec<Contradiction> = Vec::new();
    for hit in &hits {
        // Server-written traits (Exchange's boundary and headers, Domino's
        // MIME) show the path, not the writer: never a contradiction.
        if !hit.distinctive || hit.server || hit.produced_by(name) {
            continue;
        }
        if hit.field != Field::Header
            && (own_fields.contains(&hit.field) || strong.iter().any(|c| c.field == hit.field))
        {
            continue;
        }
        strong.push(Contradiction {
            field: hit.field,
            points_to: hit.producers.clone(),
            description: hit.explain(),
        });
    }
    for header in &family.headers_foreign {
        if let Some(written) = facts.header_names.iter().find(|n| header.matches(n)) {
            strong.push(Contradiction {
                field: Field::Header,
                points_to: Vec::new(),
                description: format!("header {written}, which {name} never writes"),
            });
        }
    }

    let mut missing = Vec::new();
    // A field a server wrote (or re-rendered) cannot miss the client's trait.
    let server_field =
        |field: Field| traits.explained(field) || hits.iter().any(|h| h.field == field && h.server);
    let own_in = |field: Field| hits.iter().any(|h| h.field == field && h.produced_by(name));
    if let Some(id) = facts.message_id.as_deref().filter(|id| !id.is_empty())
        && !family.keeps_given_message_id
        && !family.message_id.is_empty()
        && !server_field(Field::MessageId)
        && !own_in(Field::MessageId)
    {
        missing.push(format!("Message-ID <{id}> is not shaped like {name}'s"));
    }
    if let Some(boundary) = &traits.boundary
        && !family.boundary.is_empty()
        && !server_field(Field::Boundary)
        && !own_in(Field::Boundary)
    {
        missing.push(format!("boundary {boundary} is not shaped like {name}'s"));
    }
    if !family.headers_expected.is_empty() && !expected_present {
        let names: Vec<&str> = family
            .headers_expected
            .iter()
            .map(|h| h.name.as_str())
            .collect();
        missing.push(format!("no {} header", names.join(" / ")));
    }
    Verdict {
        strong,
        own_present,
        missing,
    }
}

fn header_name(claim: &ClientClaim) -> &str {
    claim
        .header_line
        .split_once(':')
        .map_or("X-Mailer", |(name, _)| name)
}

fn alternatives(families: &[&str]) -> String {
    match families {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

fn strong_message(claim: &ClientClaim, verdict: &Verdict) -> String {
    let parts: Vec<String> = verdict
        .strong
        .iter()
        .map(|c| match (c.field, c.points_to.is_empty()) {
            (Field::Header, true) => format!("it carries {}", c.description),
            (Field::Header, false) => format!(
                "it carries a header only {} writes",
                alternatives(&c.points_to)
            ),
            (field, _) => format!(
                "its {} has the format of {}",
                field.label(),
                alternatives(&c.points_to)
            ),
        })
        .collect();
    format!(
        "{} names {}, but {}",
        header_name(claim),
        claim.family,
        parts.join(" and ")
    )
}

fn weak_message(claim: &ClientClaim, verdict: &Verdict) -> String {
    format!(
        "{} names {}, but none of {}'s usual traits is present ({}); only missing traits, nothing points at another client",
        header_name(claim),
        claim.family,
        claim.family,
        verdict.missing.join("; ")
    )
}

/// What each trait would look like had the claimed family written the message
/// (its own shapes and the shapes it shares with other families).
fn expected_traits(family: &Family) -> Vec<String> {
    let name = family.name.as_str();
    let produced = |field: fn(&Family) -> &Vec<fingerprint::Shape>| {
        TABLE
            .families
            .iter()
            .flat_map(move |f| field(f).iter())
            .filter(move |s| s.produced_by(name))
    };
    let ids =
        produced(|f| &f.message_id).map(|s| format!("Message-ID like <{}>: {}", s.example, s.note));
    let boundaries =
        produced(|f| &f.boundary).map(|s| format!("boundary like {}: {}", s.example, s.note));
    let headers = family
        .headers_expected
        .iter()
        .map(|h| format!("header {}: {}", h.name, h.note));
    let mut out: Vec<String> = ids.chain(boundaries).chain(headers).collect();
    if let Some(note) = &family.keeps_given_note {
        out.push(format!("Message-ID not compared: {note}"));
    }
    if out.is_empty() {
        out.push(format!("no trait of {name} is known beyond its name"));
    }
    out
}

fn evidence(
    claim: &ClientClaim,
    family: &Family,
    facts: &EmailFacts,
    traits: &Traits,
    verdict: &Verdict,
) -> Evidence {
    let mut e = Evidence::new()
        .with("claimed", claim.header_line.clone())
        .with("claimed_family", claim.family);
    if let Some(version) = &claim.version {
        e.insert("claimed_version", version.clone());
    }
    if let Some(id) = facts.message_id.as_deref() {
        let name = fingerprint::written_name(facts, "Message-ID");
        e.insert("message_id", format!("{name}: <{id}>"));
        e.insert("message_id_shape", message_id_shape(id));
    }
    if let Some(boundary) = &traits.boundary {
        e.insert("boundary", boundary.clone());
        e.insert("boundary_shape", boundary_shape(boundary));
    }
    e.insert("expected", expected_traits(family));
    if !verdict.strong.is_empty() {
        let points: BTreeSet<&str> = verdict
            .strong
            .iter()
            .flat_map(|c| c.points_to.iter().copied())
            .collect();
        e.insert("points_to", points.into_iter().collect::<Vec<_>>());
        let found: Vec<String> = verdict
            .strong
            .iter()
            .map(|c| c.description.clone())
            .collect();
        e.insert("contradictions", found);
    } else {
        e.insert("missing", verdict.missing.clone());
    }
    let server: Vec<String> = traits
        .server_written
        .iter()
        .map(|s| format!("{}: {}", s.field.label(), s.note))
        .chain(traits.hits.iter().filter(|h| h.server).map(Hit::describe))
        .collect();
    if !server.is_empty() {
        e.insert("written_by_servers", server);
    }
    e
}

#[cfg(test)]
mod tests;
