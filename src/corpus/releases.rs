//! When document software first existed: a small embedded table (releases.json) and the parsers that name a version.
//!
//! A file whose last save claims 2012 by an application first released in
//! 2015 was written later than it says (or by a forger who set the date).
//! Only versions whose release dates are well known are listed; anything
//! unrecognised is simply not judged.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use chrono::NaiveDate;
use serde::Deserialize;

const TABLE: &str = include_str!("releases.json");

#[derive(Debug, Deserialize)]
struct Table {
    families: BTreeMap<String, Family>,
}

#[derive(Debug, Deserialize)]
struct Family {
    grace_days: i64,
    versions: BTreeMap<String, String>,
}

/// A recognised product version and the earliest date it could have written a file.
#[derive(Debug, Clone, PartialEq)]
pub struct Release {
    pub family: &'static str,
    pub version: String,
    pub released: NaiveDate,
    /// `released` minus the family's grace for pre-releases: nothing earlier is plausible.
    pub earliest: NaiveDate,
}

fn table() -> Option<&'static Table> {
    static TABLE_CELL: OnceLock<Option<Table>> = OnceLock::new();
    TABLE_CELL
        .get_or_init(|| serde_json::from_str(TABLE).ok())
        .as_ref()
}

fn lookup(family: &'static str, version: &str) -> Option<Release> {
    let fam = table()?.families.get(family)?;
    let released = NaiveDate::parse_from_str(fam.versions.get(version)?, "%Y-%m-%d").ok()?;
    Some(Release {
        family,
        version: version.to_string(),
        released,
        earliest: released - chrono::Duration::days(fam.grace_days),
    })
}

/// The release behind an application or producer string, if it is one we know.
pub fn release_of(software: &str) -> Option<Release> {
    let s = software.trim();
    if s.eq_ignore_ascii_case("Microsoft: Print To PDF") {
        return lookup("microsoft-print-to-pdf", "");
    }
    if let Some(rest) = after(s, "LibreOffice") {
        return lookup(
            "libreoffice",
            &major_minor(rest.trim_start_matches(['/', ' ']))?,
        );
    }
    if let Some(rest) = after(s, "Mac OS X ").or_else(|| after(s, "macOS Version ")) {
        let v = version_prefix(rest);
        let key = if v.starts_with("10.") {
            major_minor(&v)?
        } else {
            v.split('.').next()?.to_string()
        };
        return lookup("macos-quartz", &key);
    }
    if let Some(rest) = after(s, "Acrobat Distiller ") {
        return lookup("acrobat-distiller", version_prefix(rest).split('.').next()?);
    }
    if let Some(rest) = after(s, "pdfTeX-") {
        return lookup("pdftex", &version_prefix(rest));
    }
    if s.starts_with("Microsoft") {
        for key in ["for Microsoft 365", "for Office 365"] {
            if s.contains(key) {
                return lookup("office-year", key);
            }
        }
        return s
            .split(|c: char| !c.is_ascii_digit())
            .filter(|w| w.len() == 4)
            .find_map(|year| lookup("office-year", year));
    }
    None
}

/// The Office release behind an OOXML AppVersion ("16.0000"), when the application is Microsoft's.
pub fn release_of_app_version(application: Option<&str>, app_version: &str) -> Option<Release> {
    if !application.is_some_and(|a| a.starts_with("Microsoft")) {
        return None;
    }
    lookup("office-app-version", app_version.split('.').next()?)
}

fn after<'a>(s: &'a str, marker: &str) -> Option<&'a str> {
    s.find(marker).map(|i| &s[i + marker.len()..])
}

/// The leading "1.2.3" of a string.
fn version_prefix(s: &str) -> String {
    s.chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect::<String>()
        .trim_end_matches('.')
        .to_string()
}

fn major_minor(s: &str) -> Option<String> {
    let v = version_prefix(s);
    let mut parts = v.split('.');
    Some(format!("{}.{}", parts.next()?, parts.next()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn year(r: Option<Release>) -> Option<String> {
        r.map(|r| r.released.format("%Y-%m").to_string())
    }

    #[test]
    fn the_table_parses() {
        assert!(table().is_some());
    }

    #[test]
    fn recognises_common_producers() {
        assert_eq!(
            year(release_of(
                "LibreOffice/6.0.3.2$Linux_X86_64 LibreOffice_project/00m0$Build-2"
            )),
            Some("2018-01".into())
        );
        assert_eq!(year(release_of("LibreOffice 7.3")), Some("2022-02".into()));
        assert_eq!(
            year(release_of(
                "macOS Version 10.13.4 (Build 17E199) Quartz PDFContext"
            )),
            Some("2017-09".into())
        );
        assert_eq!(
            year(release_of(
                "macOS Version 13.2 (Build 22D49) Quartz PDFContext"
            )),
            Some("2022-10".into())
        );
        assert_eq!(
            year(release_of("Mac OS X 10.9.5 Quartz PDFContext")),
            Some("2013-10".into())
        );
        assert_eq!(
            year(release_of("Microsoft® Word 2016")),
            Some("2015-03".into())
        );
        assert_eq!(
            year(release_of("Microsoft® Word for Microsoft 365")),
            Some("2020-04".into())
        );
        assert_eq!(
            year(release_of("Acrobat Distiller 9.0.0 (Windows)")),
            Some("2008-06".into())
        );
        assert_eq!(year(release_of("pdfTeX-1.40.18")), Some("2017-01".into()));
        assert_eq!(
            year(release_of("Microsoft: Print To PDF")),
            Some("2014-10".into())
        );
        assert_eq!(release_of("GPL Ghostscript 9.20"), None);
        assert_eq!(release_of("LibreOffice/2.0"), None);
        let r = release_of("LibreOffice/6.0").unwrap();
        assert_eq!(r.earliest, NaiveDate::from_ymd_opt(2017, 11, 22).unwrap());
    }

    #[test]
    fn app_version_only_for_microsoft() {
        assert!(release_of_app_version(Some("Microsoft Office Word"), "16.0000").is_some());
        assert!(release_of_app_version(Some("LibreOffice/7.0"), "16.0000").is_none());
        assert!(release_of_app_version(Some("Microsoft Excel"), "11.0").is_none());
    }
}
