//! Mail-client fingerprints: which client a message names, and which client its own traits point to.
//!
//! A client names itself in X-Mailer or User-Agent, but it also leaves traits
//! it does not advertise: the shape of the Message-ID it generates, the shape
//! of its MIME boundaries, headers only it writes. A forger who edits the
//! X-Mailer rarely fixes those. The traits live in `clients.json` (see
//! `table`); this module matches a message's facts against them and keeps
//! apart what the composing client wrote from what servers on the way
//! wrote (Exchange re-renders MIME, list servers re-wrap, the Gmail API and
//! submission servers assign Message-IDs).

mod shape;
mod table;

pub use shape::{boundary_shape, message_id_shape};
pub(crate) use table::{Family, Shape, TABLE};

use crate::parse::email::EmailFacts;

/// The family name of a client header that matches no family in the table.
pub const UNKNOWN_FAMILY: &str = "unknown";

/// The client a message names in its X-Mailer or User-Agent header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientClaim {
    /// A family of the table, or [`UNKNOWN_FAMILY`].
    pub family: &'static str,
    pub version: Option<String>,
    /// The header line as written, e.g. `X-Mailer: Microsoft Outlook 16.0`.
    pub header_line: String,
}

/// The client named by X-Mailer, else by User-Agent.
///
/// A value that a server writes (Yahoo's SMTP `WebService/... hermes`,
/// Fastmail's `Cyrus-JMAP`) is not a claim. A value no family recognises
/// gives [`UNKNOWN_FAMILY`], unless the other header names a known client.
pub fn claimed_client(facts: &EmailFacts) -> Option<ClientClaim> {
    let mut unknown = None;
    for (name, value) in [
        ("X-Mailer", facts.x_mailer.as_deref()),
        ("User-Agent", facts.user_agent.as_deref()),
    ] {
        let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else {
            continue;
        };
        let header_line = format!("{}: {value}", written_name(facts, name));
        match classify(value) {
            Class::Claim(family, version) => {
                return Some(ClientClaim {
                    family,
                    version,
                    header_line,
                });
            }
            Class::ServerStamp => continue,
            Class::Unknown => {}
        }
        unknown.get_or_insert(ClientClaim {
            family: UNKNOWN_FAMILY,
            version: None,
            header_line,
        });
    }
    unknown
}

/// The family a message's own traits point to, with the reasons, when a distinctive trait is present.
///
/// For profiles of senders whose mail names no client. Message-ID shapes and
/// client-only headers weigh most, then boundaries, then traits a server
/// adds (which show the path, e.g. Exchange, more than the writer).
pub fn inferred_family(facts: &EmailFacts) -> Option<(&'static str, Vec<String>)> {
    let traits = traits(facts);
    let mut hits: Vec<&Hit> = traits.hits.iter().filter(|h| h.distinctive).collect();
    hits.sort_by_key(|h| std::cmp::Reverse(h.weight()));
    // Candidates in order of first appearance: owners before the families sharing a shape.
    let mut candidates: Vec<&'static str> = Vec::new();
    for hit in &hits {
        for family in &hit.producers {
            if !candidates.contains(family) {
                candidates.push(family);
            }
        }
    }
    let score = |family: &str| -> u32 {
        hits.iter()
            .filter(|h| h.produced_by(family))
            .map(|h| h.weight())
            .sum()
    };
    let best = candidates
        .iter()
        .copied()
        .fold(None::<(&'static str, u32)>, |best, family| {
            let s = score(family);
            match best {
                Some((_, b)) if b >= s => best,
                _ => Some((family, s)),
            }
        })?
        .0;
    let reasons = hits
        .iter()
        .filter(|h| h.produced_by(best))
        .map(|h| h.describe())
        .collect();
    Some((best, reasons))
}

/// What an X-Mailer or User-Agent value is to the table.
#[derive(Clone)]
enum Class {
    Claim(&'static str, Option<String>),
    ServerStamp,
    Unknown,
}

/// Distinct client values remembered per thread (`classify`).
const CLASSES_KEPT: usize = 256;

/// `value` as a claim (`match_claim`), a server's stamp, or unknown.
///
/// A dump names few distinct clients (one X-Mailer string per client
/// version), and matching a value against every family's patterns was
/// about 3% of a small-message scan (each message twice: its profile
/// features and mailer-fingerprint-mismatch). The answer depends on the
/// value alone, so each thread remembers it for the values it saw last;
/// a dump of all-distinct values only refills the memory.
fn classify(value: &str) -> Class {
    thread_local! {
        static CLASSES: std::cell::RefCell<std::collections::HashMap<Box<str>, Class>> =
            std::cell::RefCell::new(std::collections::HashMap::new());
    }
    if let Some(known) = CLASSES.with(|c| c.borrow().get(value).cloned()) {
        return known;
    }
    let class = match match_claim(value) {
        Some((family, version)) => Class::Claim(family, version),
        None if TABLE.server_stamps.iter().any(|p| p.regex.is_match(value)) => Class::ServerStamp,
        None => Class::Unknown,
    };
    CLASSES.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= CLASSES_KEPT {
            c.clear();
        }
        c.insert(value.into(), class.clone());
    });
    class
}

/// Which table families claim `value` (first family in table order wins).
fn match_claim(value: &str) -> Option<(&'static str, Option<String>)> {
    let table: &'static table::Table = &TABLE;
    table.families.iter().find_map(|family| {
        family.claims.iter().find_map(|claim| {
            claim.captures(value).map(|caps| {
                let version = caps.name("version").map(|m| m.as_str().to_string());
                (family.name.as_str(), version)
            })
        })
    })
}

/// The header name as the message writes it (Exchange lower-cases some).
pub(crate) fn written_name<'a>(facts: &'a EmailFacts, name: &'a str) -> &'a str {
    facts
        .header_names
        .iter()
        .find(|n| n.eq_ignore_ascii_case(name))
        .map(String::as_str)
        .unwrap_or(name)
}

/// Where a trait was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Field {
    MessageId,
    Boundary,
    Header,
}

impl Field {
    pub fn label(self) -> &'static str {
        match self {
            Field::MessageId => "Message-ID",
            Field::Boundary => "MIME boundary",
            Field::Header => "header",
        }
    }
}

/// One trait of the message that a family of the table produces.
#[derive(Debug, Clone)]
pub(crate) struct Hit {
    pub field: Field,
    /// The families that write it, owner first.
    pub producers: Vec<&'static str>,
    pub distinctive: bool,
    /// Written by a server on the way (re-rendering store, gateway), not by the composing client.
    pub server: bool,
    /// The shape or header name that matched.
    pub what: String,
    pub note: &'static str,
}

impl Hit {
    pub fn produced_by(&self, family: &str) -> bool {
        self.producers.contains(&family)
    }

    fn weight(&self) -> u32 {
        match (self.server, self.field) {
            (true, _) => 1,
            (false, Field::Boundary) => 2,
            (false, _) => 3,
        }
    }

    pub fn describe(&self) -> String {
        let by = self.producers.join(", ");
        match (self.field, self.server) {
            (Field::Header, true) => format!("header {} (added by {by} servers)", self.what),
            (Field::Header, false) => format!("header {} (written only by {by})", self.what),
            (_, true) => format!("{} {} (rendered by {by})", self.field.label(), self.what),
            (_, false) => format!("{} shaped {} ({by})", self.field.label(), self.what),
        }
    }

    /// The description with the table's note on the trait.
    pub fn explain(&self) -> String {
        format!("{}: {}", self.describe(), self.note)
    }
}

/// A value written by a server rather than by the composing client.
#[derive(Debug, Clone)]
pub(crate) struct ServerWritten {
    pub field: Field,
    pub note: &'static str,
}

/// Everything the table recognises in one message.
#[derive(Debug, Clone, Default)]
pub(crate) struct Traits {
    /// The top-level boundary of a multipart message, as written.
    pub boundary: Option<String>,
    pub hits: Vec<Hit>,
    pub server_written: Vec<ServerWritten>,
}

impl Traits {
    pub fn explained(&self, field: Field) -> bool {
        self.server_written.iter().any(|s| s.field == field)
    }
}

/// Matches the Message-ID, the top-level boundary and the header names against the table.
pub(crate) fn traits(facts: &EmailFacts) -> Traits {
    let table: &'static table::Table = &TABLE;
    let mut traits = Traits {
        boundary: multipart_boundary(facts).map(str::to_string),
        ..Traits::default()
    };
    if let Some(id) = facts.message_id.as_deref().filter(|id| !id.is_empty()) {
        shape_hits(table, facts, Field::MessageId, id, &mut traits);
        // A submission server's format only explains an id no client format explains.
        if traits.hits.is_empty()
            && let Some(p) = table
                .server_message_ids
                .iter()
                .find(|p| p.regex.is_match(id))
        {
            traits.server_written.push(ServerWritten {
                field: Field::MessageId,
                note: &p.note,
            });
        }
    }
    if let Some(b) = multipart_boundary(facts) {
        match table
            .uninformative_boundaries
            .iter()
            .find(|p| p.regex.is_match(b))
        {
            Some(p) => traits.server_written.push(ServerWritten {
                field: Field::Boundary,
                note: &p.note,
            }),
            None => shape_hits(table, facts, Field::Boundary, b, &mut traits),
        }
    }
    for family in &table.families {
        for header in &family.headers_distinctive {
            if let Some(name) = facts.header_names.iter().find(|n| header.matches(n)) {
                traits.hits.push(Hit {
                    field: Field::Header,
                    producers: vec![family.name.as_str()],
                    distinctive: true,
                    server: header.server_added,
                    what: name.clone(),
                    note: &header.note,
                });
            }
        }
    }
    traits
}

fn multipart_boundary(facts: &EmailFacts) -> Option<&str> {
    let multipart = facts
        .mime
        .content_type
        .as_deref()
        .is_some_and(|ct| ct.starts_with("multipart/"));
    facts
        .mime
        .boundary
        .as_deref()
        .filter(|b| multipart && !b.is_empty())
}

fn shape_hits(
    table: &'static table::Table,
    facts: &EmailFacts,
    field: Field,
    value: &str,
    traits: &mut Traits,
) {
    for family in &table.families {
        let shapes = match field {
            Field::MessageId => &family.message_id,
            _ => &family.boundary,
        };
        for shape in shapes.iter().filter(|s| s.regex.is_match(value)) {
            let by_received = shape
                .unless_received
                .as_ref()
                .is_some_and(|r| facts.received.iter().any(|hop| r.is_match(&hop.raw)));
            let by_content_type = shape.unless_content_type.as_ref().is_some_and(|r| {
                facts
                    .mime
                    .content_type
                    .as_deref()
                    .is_some_and(|ct| r.is_match(ct))
            });
            if by_received || by_content_type {
                traits.server_written.push(ServerWritten {
                    field,
                    note: &shape.note,
                });
                continue;
            }
            traits.hits.push(Hit {
                field,
                producers: shape.producers(),
                distinctive: shape.distinctive,
                server: shape.server_rendered,
                what: match field {
                    Field::MessageId => message_id_shape(value),
                    _ => boundary_shape(value),
                },
                note: &shape.note,
            });
        }
    }
}

#[cfg(test)]
mod tests;
