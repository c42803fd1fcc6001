//! The `--dkim-keys` store: DKIM key records supplied by the investigator, since the scan never queries DNS.
//!
//! Accepted input, one record per line (a file, or every file of a folder):
//!
//! ```text
//! # comment
//! sel._domainkey.example.com v=DKIM1; k=rsa; p=MIIB...
//! sel._domainkey.example.com. 3600 IN TXT "v=DKIM1; k=rsa; " "p=MIIB..."
//! sel._domainkey.example.com. IN TXT ( "v=DKIM1; k=rsa; "
//!     "p=MIIB..." )  ; zone-file comment
//! ```
//!
//! Quoted strings are joined without separators, as DNS joins the
//! character-strings of one TXT record (RFC 6376 3.6.2.2). A parenthesised
//! record may span lines as in a zone file (RFC 1035 5.1).

use std::collections::BTreeMap;
use std::path::Path;

use super::keys::PublicKey;

/// Key files larger than this are not key files.
const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Public keys by (selector, domain), both lowercased.
#[derive(Debug, Clone, Default)]
pub struct KeyStore {
    keys: BTreeMap<(String, String), PublicKey>,
}

impl KeyStore {
    /// Loads a key file, or every regular file in a folder (not recursive;
    /// names starting with "." are skipped). Any malformed line is an error
    /// naming the file and line: a key the investigator supplied and we
    /// silently dropped would turn into a misleading "no key".
    pub fn load(path: &Path) -> Result<KeyStore, String> {
        let meta = std::fs::metadata(path)
            .map_err(|e| format!("cannot read DKIM keys at {}: {e}", path.display()))?;
        let mut files = Vec::new();
        if meta.is_dir() {
            let entries = std::fs::read_dir(path)
                .map_err(|e| format!("cannot list DKIM key folder {}: {e}", path.display()))?;
            for entry in entries {
                let entry = entry
                    .map_err(|e| format!("cannot list DKIM key folder {}: {e}", path.display()))?;
                let hidden = entry.file_name().to_string_lossy().starts_with('.');
                let is_file = entry.file_type().is_ok_and(|t| t.is_file())
                    || std::fs::metadata(entry.path()).is_ok_and(|m| m.is_file());
                if is_file && !hidden {
                    files.push(entry.path());
                }
            }
            // Sorted so that conflicts are reported the same way on every run.
            files.sort();
        } else {
            files.push(path.to_path_buf());
        }
        let mut store = KeyStore::default();
        for file in files {
            let size = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
            if size > MAX_FILE_BYTES {
                return Err(format!(
                    "{}: {size} bytes is too large for a DKIM key file",
                    file.display()
                ));
            }
            let text = std::fs::read_to_string(&file)
                .map_err(|e| format!("cannot read DKIM key file {}: {e}", file.display()))?;
            store.add_text(&text, &file.display().to_string())?;
        }
        Ok(store)
    }

    /// Parses key records from text; `origin` names the source in error messages.
    pub fn from_text(text: &str, origin: &str) -> Result<KeyStore, String> {
        let mut store = KeyStore::default();
        store.add_text(text, origin)?;
        Ok(store)
    }

    /// The key for `selector._domainkey.domain`; both compared case-insensitively,
    /// a trailing dot on the domain ignored.
    pub fn get(&self, selector: &str, domain: &str) -> Option<&PublicKey> {
        let key = (
            selector.to_ascii_lowercase(),
            domain.trim_end_matches('.').to_ascii_lowercase(),
        );
        self.keys.get(&key)
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// (selector, domain) pairs held, sorted.
    pub fn names(&self) -> impl Iterator<Item = (&str, &str)> {
        self.keys.keys().map(|(s, d)| (s.as_str(), d.as_str()))
    }

    fn add_text(&mut self, text: &str, origin: &str) -> Result<(), String> {
        let mut pending: Option<Pending> = None;
        for (index, line) in text.lines().enumerate() {
            let line_no = index + 1;
            let at = |msg: String| format!("{origin}:{line_no}: {msg}");
            let trimmed = line.trim();
            let blank_or_comment = trimmed.is_empty() || trimmed.starts_with('#');
            if let Some(mut record) = pending.take() {
                if blank_or_comment {
                    pending = Some(record);
                    continue;
                }
                scan_zone_strings(line, &mut record.value, &mut record.depth).map_err(at)?;
                if record.depth == 0 {
                    self.insert(record, origin)?;
                } else {
                    pending = Some(record);
                }
                continue;
            }
            if blank_or_comment {
                continue;
            }
            let (name, rest) = trimmed
                .split_once(|c: char| c.is_ascii_whitespace())
                .ok_or_else(|| at(format!("{trimmed:?} has a name but no key record")))?;
            let (selector, domain) = split_key_name(name).map_err(at)?;
            let rest = skip_zone_tokens(rest.trim_start());
            let mut record = Pending {
                selector,
                domain,
                line_no,
                value: String::new(),
                depth: 0,
            };
            if rest.starts_with('"') || rest.starts_with('(') {
                scan_zone_strings(rest, &mut record.value, &mut record.depth).map_err(at)?;
                if record.depth > 0 {
                    pending = Some(record);
                    continue;
                }
            } else {
                record.value = rest.trim().to_string();
            }
            self.insert(record, origin)?;
        }
        match pending {
            Some(record) => Err(format!(
                "{origin}:{}: the record's '(' is never closed",
                record.line_no
            )),
            None => Ok(()),
        }
    }

    fn insert(&mut self, record: Pending, origin: &str) -> Result<(), String> {
        let at = |msg: String| format!("{origin}:{}: {msg}", record.line_no);
        if record.value.trim().is_empty() {
            return Err(at("empty key record".to_string()));
        }
        let key = PublicKey::parse(&record.value).map_err(at)?;
        let name = (record.selector, record.domain);
        if let Some(existing) = self.keys.get(&name)
            && existing.record != key.record
        {
            return Err(at(format!(
                "{}._domainkey.{} is given twice with different records",
                name.0, name.1
            )));
        }
        self.keys.insert(name, key);
        Ok(())
    }
}

/// A record whose value is still being read.
struct Pending {
    selector: String,
    domain: String,
    line_no: usize,
    value: String,
    depth: u32,
}

/// `sel._domainkey.example.com.` -> ("sel", "example.com").
fn split_key_name(name: &str) -> Result<(String, String), String> {
    let lower = name.trim_end_matches('.').to_ascii_lowercase();
    match lower.split_once("._domainkey.") {
        Some((selector, domain)) if !selector.is_empty() && !domain.is_empty() => {
            Ok((selector.to_string(), domain.to_string()))
        }
        _ => Err(format!(
            "{name:?} is not of the form selector._domainkey.domain (a full name is needed: \
             relative zone-file names cannot be resolved here)"
        )),
    }
}

/// Skips the optional TTL, class and type of a zone-file line: `3600 IN TXT`.
fn skip_zone_tokens(mut rest: &str) -> &str {
    loop {
        let (token, after) = rest
            .split_once(|c: char| c.is_ascii_whitespace())
            .unwrap_or((rest, ""));
        let is_ttl = !token.is_empty() && token.bytes().all(|b| b.is_ascii_digit());
        let is_class = token.eq_ignore_ascii_case("IN");
        let is_type = token.eq_ignore_ascii_case("TXT");
        if !(is_ttl || is_class || is_type) || after.trim().is_empty() {
            return rest;
        }
        rest = after.trim_start();
        if is_type {
            return rest;
        }
    }
}

/// Appends the contents of the quoted strings on one line (RFC 1035 5.1),
/// tracking parentheses; a ";" outside quotes starts a comment.
fn scan_zone_strings(line: &str, value: &mut String, depth: &mut u32) -> Result<(), String> {
    let mut chars = line.chars();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' => quoted = false,
                '\\' => match chars.next() {
                    // \DDD is a byte in decimal.
                    Some(d) if d.is_ascii_digit() => {
                        let digits: String =
                            std::iter::once(d).chain(chars.by_ref().take(2)).collect();
                        let byte = digits
                            .parse::<u8>()
                            .ok()
                            .filter(|_| digits.len() == 3)
                            .ok_or_else(|| format!("bad escape \\{digits} in a quoted string"))?;
                        value.push(char::from(byte));
                    }
                    Some(other) => value.push(other),
                    None => return Err("a quoted string ends with a lone backslash".to_string()),
                },
                _ => value.push(c),
            }
            continue;
        }
        match c {
            '"' => quoted = true,
            '(' => *depth += 1,
            ')' => {
                *depth = depth.checked_sub(1).ok_or("')' without a matching '('")?;
            }
            ';' => break,
            c if c.is_whitespace() => {}
            c => {
                return Err(format!(
                    "unexpected {c:?} outside the quoted strings of a TXT record"
                ));
            }
        }
    }
    if quoted {
        return Err("a quoted string is not closed on its line".to_string());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dkim::KeyType;

    const ED: &str = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";
    const RSA_PARTS: [&str; 4] = [
        "v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWR",
        "iGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91y3FutAC",
        "DfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3",
        "Ip3G+2kryOTIKT+l/K4w3QIDAQAB",
    ];

    #[test]
    fn plain_quoted_and_multiline_records() {
        let text = format!(
            "# keys gathered 2024-05-01\n\
             \n\
             brisbane._domainkey.football.example.com v=DKIM1; k=ed25519; p={ED}\n\
             one._domainkey.Example.ORG. 3600 IN TXT \"{}\" \"{}\" \"{}\" \"{}\"\n\
             two._domainkey.example.org. IN TXT ( \"{}\"\n\
             \t\"{}\" ; the middle\n\
             \t\"{}\"\n\
             # a comment inside is fine\n\
             \t\"{}\" )  ; ----- DKIM key two\n\
             gone._domainkey.example.org \"v=DKIM1; p=\"\n",
            RSA_PARTS[0],
            RSA_PARTS[1],
            RSA_PARTS[2],
            RSA_PARTS[3],
            RSA_PARTS[0],
            RSA_PARTS[1],
            RSA_PARTS[2],
            RSA_PARTS[3],
        );
        let store = KeyStore::from_text(&text, "keys.txt").unwrap();
        assert_eq!(store.len(), 4);
        let ed = store.get("brisbane", "football.example.com").unwrap();
        assert_eq!(ed.k, KeyType::Ed25519);
        let one = store.get("ONE", "example.org.").unwrap();
        assert_eq!(one.bits, Some(1024));
        assert_eq!(one.record, RSA_PARTS.concat());
        assert_eq!(
            store.get("two", "EXAMPLE.org").unwrap().record,
            RSA_PARTS.concat()
        );
        assert!(store.get("gone", "example.org").unwrap().revoked);
        assert!(store.get("three", "example.org").is_none());
        assert!(!store.is_empty());
    }

    #[test]
    fn escapes_in_quoted_strings() {
        let text = format!("e._domainkey.x.example \"v=DKIM1\\059 k=ed25519\\; p=\" \"{ED}\"");
        let store = KeyStore::from_text(&text, "t").unwrap();
        assert_eq!(
            store.get("e", "x.example").unwrap().record,
            format!("v=DKIM1; k=ed25519; p={ED}")
        );
    }

    #[test]
    fn errors_name_the_line() {
        let cases = [
            ("bad._domainkey.x.example v=DKIM1; k=rsa; p=AAAA", ":1:"),
            ("\n\nnodomain v=DKIM1; p=", ":3:"),
            ("relative._domainkey IN TXT \"p=\"", ":1:"),
            ("x._domainkey.y.example", ":1:"),
            ("x._domainkey.y.example ( \"p=\"", ":1:"),
            ("x._domainkey.y.example \"p=", ":1:"),
            ("x._domainkey.y.example \"p=\" junk", ":1:"),
            ("x._domainkey.y.example \"p=\" )", ":1:"),
        ];
        for (text, line) in cases {
            let err = KeyStore::from_text(text, "keys.txt").unwrap_err();
            assert!(
                err.starts_with("keys.txt") && err.contains(line),
                "{text:?}: {err}"
            );
        }
        let conflict =
            format!("a._domainkey.b.example p=\na._domainkey.B.example k=ed25519; p={ED}");
        assert!(
            KeyStore::from_text(&conflict, "k")
                .unwrap_err()
                .contains("twice")
        );
        let same_twice = "a._domainkey.b.example p=\na._domainkey.b.example p=";
        assert_eq!(KeyStore::from_text(same_twice, "k").unwrap().len(), 1);
    }

    #[test]
    fn loads_a_file_and_a_folder() {
        let dir = tempfile::tempdir().unwrap();
        let first = dir.path().join("football.zone");
        std::fs::write(
            &first,
            format!(
                "brisbane._domainkey.football.example.com. IN TXT \"v=DKIM1; k=ed25519; p={ED}\"\n"
            ),
        )
        .unwrap();
        std::fs::write(
            dir.path().join("org.txt"),
            "# revoked after the breach\r\nold._domainkey.example.org v=DKIM1; p=\r\n",
        )
        .unwrap();
        std::fs::write(dir.path().join(".hidden"), "not a key file").unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();

        let one = KeyStore::load(&first).unwrap();
        assert_eq!(one.len(), 1);
        let all = KeyStore::load(dir.path()).unwrap();
        assert_eq!(
            all.names().collect::<Vec<_>>(),
            [("brisbane", "football.example.com"), ("old", "example.org")]
        );
        assert!(all.get("old", "example.org").unwrap().revoked);

        let empty = tempfile::tempdir().unwrap();
        assert!(KeyStore::load(empty.path()).unwrap().is_empty());
        let missing = KeyStore::load(&dir.path().join("nope")).unwrap_err();
        assert!(missing.contains("nope"), "{missing}");
    }

    #[test]
    fn garbage_never_panics() {
        let alphabet: Vec<char> = "a._domainkey.b \"();\\0123 IN TXT p=k\n#\t\u{e9}"
            .chars()
            .collect();
        let mut state: u64 = 0x2545_F491_4F6C_DD1D;
        for _ in 0..3000 {
            let mut s = String::new();
            for _ in 0..(state % 60) {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                s.push(alphabet[(state % alphabet.len() as u64) as usize]);
            }
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let _ = KeyStore::from_text(&s, "fuzz");
            let _ = KeyStore::from_text(&format!("s._domainkey.d.example {s}"), "fuzz");
        }
    }
}
