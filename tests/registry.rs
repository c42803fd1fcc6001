//! The check registry and its generated documentation stay in sync.

use leakprov::checks::{CHECKS, catalogue_markdown};

#[test]
fn docs_checks_md_is_generated_from_the_registry() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/checks.md");
    let expected = catalogue_markdown();
    if std::env::var_os("LEAKPROV_BLESS").is_some() {
        std::fs::write(path, &expected).expect("write docs/checks.md");
        return;
    }
    let actual = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        actual == expected,
        "docs/checks.md is stale: regenerate it with `LEAKPROV_BLESS=1 cargo test --test registry`"
    );
}

#[test]
fn every_check_has_a_section_and_no_stale_id_remains() {
    let doc = catalogue_markdown();
    for check in CHECKS {
        assert!(doc.contains(&format!("\n## {}\n", check.meta.id)));
    }
    let sections = doc.matches("\n## ").count();
    assert_eq!(sections, CHECKS.len());
}
