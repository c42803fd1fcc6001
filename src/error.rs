//! Per-item errors are data in the report; only setup failures are fatal.
//!
//! A file that cannot be read or parsed becomes an `ItemError` and the scan
//! goes on. Fatal errors (bad arguments, unusable root, unwritable output)
//! are `anyhow` errors that `main` turns into exit code 2.

use serde::{Deserialize, Serialize};

use crate::item::Locator;

/// One entry of the report's `errors`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ItemError {
    pub path: String,
    pub locator: Locator,
    pub error: String,
}

impl ItemError {
    pub fn new(path: &str, locator: &Locator, error: impl Into<String>) -> Self {
        ItemError {
            path: path.to_string(),
            locator: locator.clone(),
            error: error.into(),
        }
    }

    pub fn sort_key(&self) -> (&str, &Locator, &str) {
        (&self.path, &self.locator, &self.error)
    }
}
