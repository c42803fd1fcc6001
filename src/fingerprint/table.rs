//! The client fingerprint table: `clients.json`, embedded at build time and compiled once.
//!
//! The table is data, not code, so that a reviewer can check every shape
//! against its note and its example without reading Rust, and so that a new
//! client is one JSON object. The unit tests below hold the table to its own
//! claims: every pattern compiles, every example matches its pattern, and no
//! example of one family matches another family's distinctive shape.

use std::sync::LazyLock;

use regex::Regex;
use serde::Deserialize;

/// The table as written in `clients.json`.
const CLIENTS_JSON: &str = include_str!("clients.json");

/// The compiled table, built on first use.
pub(crate) static TABLE: LazyLock<Table> = LazyLock::new(|| {
    // The file is part of the binary, not of the dump: a broken table is a
    // build defect, caught by `table_loads_and_validates` before release.
    Table::load(CLIENTS_JSON).unwrap_or_else(|e| panic!("src/fingerprint/clients.json: {e}"))
});

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTable {
    #[allow(dead_code)] // documentation inside the data file
    about: String,
    families: Vec<RawFamily>,
    server_stamps: Vec<RawPattern>,
    uninformative_boundaries: Vec<RawPattern>,
    server_message_ids: Vec<RawPattern>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFamily {
    family: String,
    about: String,
    #[serde(default)]
    claims: Vec<String>,
    #[serde(default)]
    claim_examples: Vec<String>,
    #[serde(default)]
    keeps_given_message_id: bool,
    #[serde(default)]
    keeps_given_note: Option<String>,
    #[serde(default)]
    message_id: Vec<RawShape>,
    #[serde(default)]
    boundary: Vec<RawShape>,
    #[serde(default)]
    headers_expected: Vec<RawHeader>,
    #[serde(default)]
    headers_distinctive: Vec<RawHeader>,
    #[serde(default)]
    headers_foreign: Vec<RawHeader>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawShape {
    pattern: String,
    #[serde(default)]
    distinctive: bool,
    #[serde(default)]
    shared_with: Vec<String>,
    #[serde(default)]
    server_rendered: bool,
    #[serde(default)]
    unless_received: Option<String>,
    #[serde(default)]
    unless_content_type: Option<String>,
    example: String,
    note: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHeader {
    name: String,
    #[serde(default)]
    prefix: bool,
    #[serde(default)]
    server_added: bool,
    note: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPattern {
    pattern: String,
    example: String,
    note: String,
}

/// All families, in claim-matching order (the first family whose claim matches wins).
pub(crate) struct Table {
    pub families: Vec<Family>,
    /// X-Mailer / User-Agent values that a server writes, not the client.
    pub server_stamps: Vec<Pattern>,
    /// Boundaries that say nothing about the client (list servers, libraries).
    pub uninformative_boundaries: Vec<Pattern>,
    /// Message-IDs that a submission server adds when the client wrote none.
    pub server_message_ids: Vec<Pattern>,
}

pub(crate) struct Family {
    pub name: String,
    // Documentation in the data; the tests require every family to have one.
    #[cfg_attr(not(test), allow(dead_code))]
    pub about: String,
    pub claims: Vec<Regex>,
    // Read by the tests: each example must resolve to this family in table order.
    #[cfg_attr(not(test), allow(dead_code))]
    pub claim_examples: Vec<String>,
    /// The client sends a Message-ID already present in its input unchanged,
    /// so the Message-ID says nothing about it.
    pub keeps_given_message_id: bool,
    pub keeps_given_note: Option<String>,
    pub message_id: Vec<Shape>,
    pub boundary: Vec<Shape>,
    pub headers_expected: Vec<Header>,
    pub headers_distinctive: Vec<Header>,
    pub headers_foreign: Vec<Header>,
}

/// One Message-ID or boundary shape.
pub(crate) struct Shape {
    pub owner: String,
    pub regex: Regex,
    /// No family outside `owner` and `shared_with` produces it.
    pub distinctive: bool,
    pub shared_with: Vec<String>,
    /// A mail store writes it when it re-renders any client's message.
    pub server_rendered: bool,
    /// When a Received hop matches, a server wrote the value.
    pub unless_received: Option<Regex>,
    /// When the top-level content type matches, a server wrote the value.
    pub unless_content_type: Option<Regex>,
    pub example: String,
    pub note: String,
}

pub(crate) struct Header {
    pub name: String,
    pub prefix: bool,
    /// Servers add it to mail of any client: evidence of the path, not of the writer.
    pub server_added: bool,
    pub note: String,
}

pub(crate) struct Pattern {
    pub regex: Regex,
    // Read by the tests: the example must match and must not look like a client's shape.
    #[cfg_attr(not(test), allow(dead_code))]
    pub example: String,
    pub note: String,
}

impl Shape {
    /// Whether `family` writes this shape.
    pub fn produced_by(&self, family: &str) -> bool {
        self.owner == family || self.shared_with.iter().any(|f| f == family)
    }

    /// The families that write it, owner first.
    pub fn producers(&self) -> Vec<&str> {
        std::iter::once(self.owner.as_str())
            .chain(self.shared_with.iter().map(String::as_str))
            .collect()
    }
}

impl Header {
    pub fn matches(&self, name: &str) -> bool {
        if self.prefix {
            name.len() >= self.name.len()
                && name.is_char_boundary(self.name.len())
                && name[..self.name.len()].eq_ignore_ascii_case(&self.name)
        } else {
            name.eq_ignore_ascii_case(&self.name)
        }
    }
}

impl Table {
    pub fn family(&self, name: &str) -> Option<&Family> {
        self.families.iter().find(|f| f.name == name)
    }

    fn load(json: &str) -> Result<Table, String> {
        let raw: RawTable = serde_json::from_str(json).map_err(|e| e.to_string())?;
        let families = raw
            .families
            .into_iter()
            .map(compile_family)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Table {
            families,
            server_stamps: compile_patterns(raw.server_stamps)?,
            uninformative_boundaries: compile_patterns(raw.uninformative_boundaries)?,
            server_message_ids: compile_patterns(raw.server_message_ids)?,
        })
    }
}

fn regex(pattern: &str) -> Result<Regex, String> {
    Regex::new(pattern).map_err(|e| format!("pattern {pattern:?}: {e}"))
}

fn compile_family(raw: RawFamily) -> Result<Family, String> {
    let owner = raw.family.clone();
    let shapes = |list: Vec<RawShape>| -> Result<Vec<Shape>, String> {
        list.into_iter()
            .map(|s| {
                Ok(Shape {
                    owner: owner.clone(),
                    regex: regex(&s.pattern)?,
                    distinctive: s.distinctive,
                    shared_with: s.shared_with,
                    server_rendered: s.server_rendered,
                    unless_received: s.unless_received.as_deref().map(regex).transpose()?,
                    unless_content_type: s.unless_content_type.as_deref().map(regex).transpose()?,
                    example: s.example,
                    note: s.note,
                })
            })
            .collect()
    };
    let headers = |list: Vec<RawHeader>| -> Vec<Header> {
        list.into_iter()
            .map(|h| Header {
                name: h.name,
                prefix: h.prefix,
                server_added: h.server_added,
                note: h.note,
            })
            .collect()
    };
    Ok(Family {
        claims: raw
            .claims
            .iter()
            .map(|c| regex(c))
            .collect::<Result<_, _>>()?,
        message_id: shapes(raw.message_id)?,
        boundary: shapes(raw.boundary)?,
        headers_expected: headers(raw.headers_expected),
        headers_distinctive: headers(raw.headers_distinctive),
        headers_foreign: headers(raw.headers_foreign),
        name: raw.family,
        about: raw.about,
        claim_examples: raw.claim_examples,
        keeps_given_message_id: raw.keeps_given_message_id,
        keeps_given_note: raw.keeps_given_note,
    })
}

fn compile_patterns(list: Vec<RawPattern>) -> Result<Vec<Pattern>, String> {
    list.into_iter()
        .map(|p| {
            Ok(Pattern {
                regex: regex(&p.pattern)?,
                example: p.example,
                note: p.note,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table {
        Table::load(CLIENTS_JSON).unwrap()
    }

    #[test]
    fn table_loads_and_validates() {
        let t = table();
        let mut names = std::collections::BTreeSet::new();
        for f in &t.families {
            assert!(names.insert(f.name.as_str()), "family {} twice", f.name);
            assert!(!f.about.is_empty());
            let has_shape = f
                .message_id
                .iter()
                .chain(&f.boundary)
                .any(|s| s.distinctive)
                || !f.headers_distinctive.is_empty();
            assert!(
                !f.claims.is_empty() || has_shape,
                "{}: neither a claim nor a distinctive trait",
                f.name
            );
            assert_eq!(
                f.claims.is_empty(),
                f.claim_examples.is_empty(),
                "{}: claims need examples",
                f.name
            );
            assert_eq!(f.keeps_given_message_id, f.keeps_given_note.is_some());
        }
        for f in &t.families {
            for s in f.message_id.iter().chain(&f.boundary) {
                assert!(s.regex.is_match(&s.example), "{}: {}", f.name, s.example);
                assert!(!s.note.is_empty());
                for other in &s.shared_with {
                    assert!(
                        names.contains(other.as_str()),
                        "{}: unknown {other}",
                        f.name
                    );
                }
            }
        }
        for p in t.server_stamps.iter().chain(&t.uninformative_boundaries) {
            assert!(p.regex.is_match(&p.example), "{}", p.example);
            assert!(!p.note.is_empty());
        }
        for p in &t.server_message_ids {
            assert!(p.regex.is_match(&p.example), "{}", p.example);
        }
    }

    /// A distinctive shape must not match an example that another family writes.
    #[test]
    fn distinctive_shapes_do_not_match_other_families_examples() {
        let t = table();
        let fields: [fn(&Family) -> &Vec<Shape>; 2] = [|f| &f.message_id, |f| &f.boundary];
        for field in fields {
            for owner in &t.families {
                for shape in field(owner).iter().filter(|s| s.distinctive) {
                    for other in &t.families {
                        for theirs in field(other) {
                            if shape.produced_by(&theirs.owner)
                                || theirs.shared_with.iter().any(|f| shape.produced_by(f))
                            {
                                continue;
                            }
                            assert!(
                                !shape.regex.is_match(&theirs.example),
                                "{}'s distinctive {} matches {}'s example {}",
                                owner.name,
                                shape.regex,
                                other.name,
                                theirs.example
                            );
                        }
                    }
                }
            }
        }
        // Server-written values must not look like any client's distinctive shape.
        for owner in &t.families {
            for shape in owner.message_id.iter().filter(|s| s.distinctive) {
                for p in &t.server_message_ids {
                    assert!(!shape.regex.is_match(&p.example), "{}", p.example);
                }
            }
            for shape in owner.boundary.iter().filter(|s| s.distinctive) {
                for p in &t.uninformative_boundaries {
                    assert!(!shape.regex.is_match(&p.example), "{}", p.example);
                }
            }
        }
    }

    #[test]
    fn header_prefixes_match_case_insensitively() {
        let t = table();
        let exchange = t.family("Exchange").unwrap();
        let prefix = exchange
            .headers_distinctive
            .iter()
            .find(|h| h.prefix)
            .unwrap();
        assert!(prefix.matches("x-ms-exchange-senderadcheck"));
        assert!(!prefix.matches("x-ms"));
    }
}
