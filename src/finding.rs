//! What a check reports: a finding on one item, with the evidence a person can verify by hand.
//!
//! A check never spells the path or locator of a finding itself: it hands the
//! item to `Finding::on`, which stamps them, so a check cannot get them wrong.

use std::fmt;

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use crate::item::{Item, Locator};

/// How strongly a finding suggests fabrication. Ordered: `Info < Low < Medium < High`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
}

impl Severity {
    pub const ALL: [Severity; 4] = [
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
        }
    }

    pub fn parse(text: &str) -> Option<Severity> {
        Severity::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Named values a finding compared, in the order the check added them.
///
/// Serialised as a JSON object whose keys keep insertion order (a reader sees
/// the raw header lines first, then what was derived from them). Keys are
/// unique: adding a key twice replaces the value.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Evidence(Vec<(String, Value)>);

impl Evidence {
    pub fn new() -> Self {
        Evidence(Vec::new())
    }

    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.insert(key, value);
        self
    }

    pub fn insert(&mut self, key: &str, value: impl Into<Value>) {
        let value = value.into();
        match self.0.iter_mut().find(|(k, _)| k == key) {
            Some(slot) => slot.1 = value,
            None => self.0.push((key.to_string(), value)),
        }
    }

    /// Appends the entries of `other` after this one's.
    pub fn merged(mut self, other: Evidence) -> Self {
        for (k, v) in other.0 {
            self.insert(&k, v);
        }
        self
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }
}

impl Serialize for Evidence {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// Read back in the order written (the checkpoint journal keeps findings).
impl<'de> Deserialize<'de> for Evidence {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Entries;
        impl<'de> Visitor<'de> for Entries {
            type Value = Evidence;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map of evidence")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Evidence, A::Error> {
                let mut evidence = Evidence::new();
                while let Some((k, v)) = map.next_entry::<String, Value>()? {
                    evidence.insert(&k, v);
                }
                Ok(evidence)
            }
        }
        d.deserialize_map(Entries)
    }
}

/// One entry of the report's `findings` (and one line of `findings.jsonl`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Finding {
    #[serde(deserialize_with = "crate::checkpoint::fields::static_str")]
    pub check: crate::checkpoint::fields::Label,
    pub severity: Severity,
    pub path: String,
    pub locator: Locator,
    /// One human sentence saying what was compared and what disagrees.
    pub message: String,
    pub evidence: Evidence,
}

impl Finding {
    /// A finding about `item`; path and locator come from the item.
    pub fn on(
        item: &Item,
        check: &'static str,
        severity: Severity,
        message: impl Into<String>,
        evidence: Evidence,
    ) -> Self {
        Finding {
            check,
            severity,
            path: item.path.to_string(),
            locator: item.locator.clone(),
            message: message.into(),
            evidence,
        }
    }

    pub fn sort_key(&self) -> (&str, &Locator, &'static str) {
        (&self.path, &self.locator, self.check)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_keeps_insertion_order_and_replaces_duplicates() {
        let mut e = Evidence::new().with("zeta", 1).with("alpha", "x");
        e.insert("zeta", 2);
        let json = serde_json::to_string(&e).unwrap();
        assert_eq!(json, r#"{"zeta":2,"alpha":"x"}"#);
    }

    #[test]
    fn evidence_reads_back_in_order() {
        let e = Evidence::new().with("zeta", 1).with("alpha", vec!["x"]);
        let json = serde_json::to_string(&e).unwrap();
        let back: Evidence = serde_json::from_str(&json).unwrap();
        assert_eq!(back, e);
        assert_eq!(serde_json::to_string(&back).unwrap(), json);
    }

    #[test]
    fn severities_are_ordered() {
        assert!(Severity::High > Severity::Medium && Severity::Low > Severity::Info);
        assert_eq!(Severity::parse("medium"), Some(Severity::Medium));
        assert_eq!(Severity::parse("urgent"), None);
    }
}
