//! Forms of header values that stay the same across one program's messages.
//!
//! The page compares a message with its sender's other mail: the program
//! (X-Mailer / User-Agent without version numbers, which change with updates),
//! the Message-ID domain, and the form of the MIME boundary (which programs
//! build from fixed words and random hex). These forms are only for display
//! and grouping on the page; checks have their own fingerprints.

/// The client string with every version-like run replaced by `#`:
/// `Apple Mail (2.3259)` and `Apple Mail (2.3273)` are one program.
pub fn client_family(client: &str) -> String {
    let mut out = String::with_capacity(client.len());
    let mut in_version = false;
    for c in client.chars() {
        if c.is_ascii_digit() {
            if !in_version {
                out.push('#');
                in_version = true;
            }
        } else if in_version && (c.is_ascii_alphanumeric() || c == '.' || c == '_') {
            // still inside "45.8.0", "14B100", "1.0b3"
        } else {
            in_version = false;
            out.push(c);
        }
    }
    out
}

/// The right-hand side of a Message-ID, lower case (`exch01.corvel.local`).
pub fn message_id_domain(message_id: &str) -> Option<String> {
    let (_, domain) = message_id.rsplit_once('@')?;
    let domain = domain.trim_end_matches('>').trim();
    (!domain.is_empty()).then(|| domain.to_ascii_lowercase())
}

/// The form of a Message-ID's left-hand side or of a MIME boundary: runs of
/// upper-case hex become `X`, lower-case hex `x`, digits `9`, other letters and
/// digits `a`; short words (letters only, not hex) and punctuation are kept.
///
/// `Apple-Mail=_8588886D-E715-4A3C-B3F3-A7E007CCBA9C` -> `Apple-Mail=_X-X-X-X-X`;
/// `_000_0D8CFB50643C1A34EXCH02co_` -> `_9_a_`.
pub fn form(value: &str) -> String {
    let mut out = String::new();
    let mut run = String::new();
    for c in value.chars().chain(std::iter::once('\u{0}')) {
        if c.is_ascii_alphanumeric() {
            run.push(c);
            continue;
        }
        if !run.is_empty() {
            out.push_str(&run_form(&run));
            run.clear();
        }
        if c != '\u{0}' {
            out.push(if c.is_ascii() { c } else { '?' });
        }
        if out.len() > 80 {
            out.push('…');
            break;
        }
    }
    out
}

fn run_form(run: &str) -> String {
    let hex = |c: char| c.is_ascii_hexdigit();
    let letters_only = run.chars().all(|c| c.is_ascii_alphabetic());
    if run.chars().all(|c| c.is_ascii_digit()) {
        "9".into()
    } else if letters_only && run.len() <= 16 && !run.chars().all(hex) {
        run.into()
    } else if run
        .chars()
        .all(|c| c.is_ascii_digit() || ('A'..='F').contains(&c))
    {
        "X".into()
    } else if run
        .chars()
        .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
    {
        "x".into()
    } else {
        "a".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_versions_are_dropped() {
        assert_eq!(client_family("Apple Mail (2.3259)"), "Apple Mail (#)");
        assert_eq!(client_family("iPhone Mail (14B100)"), "iPhone Mail (#)");
        assert_eq!(
            client_family(
                "Mozilla/5.0 (Windows NT 10.0; WOW64; rv:45.0) Gecko/20100101 Thunderbird/45.5.1"
            ),
            "Mozilla/# (Windows NT #; WOW#; rv:#) Gecko/# Thunderbird/#"
        );
        assert_eq!(
            client_family("Microsoft Outlook 16.0"),
            "Microsoft Outlook #"
        );
    }

    #[test]
    fn forms_keep_words_and_classify_random_runs() {
        assert_eq!(
            form("Apple-Mail=_8588886D-E715-4A3C-B3F3-A7E007CCBA9C"),
            "Apple-Mail=_X-X-X-X-X"
        );
        assert_eq!(form("_000_0D8CFB50643C1A34EXCH02co_"), "_9_a_");
        assert_eq!(form("001a11240563e9109fc9d9c40988"), "x");
        assert_eq!(form("DAD615736259D4F5EC59298A219F551E"), "X");
        assert_eq!(form("5de73968-be71-41e3-a150-aed5d3d59d59"), "x-x-x-x-x");
    }

    #[test]
    fn message_id_domains() {
        assert_eq!(
            message_id_domain("DAD6@EXCH01.corvel.local").as_deref(),
            Some("exch01.corvel.local")
        );
        assert_eq!(message_id_domain("no-at-sign"), None);
    }
}
