//! Which organisation a host name belongs to: its registrable domain (public suffix + 1 label).
//!
//! Several checks ask "is this the same organisation?" (two relays of one
//! company, a DKIM domain and a From domain). The Public Suffix List, embedded
//! by the `psl` crate, answers it offline: `dggemv704-chm.china.huawei.com`
//! and `szxga08-in.huawei.com` are both `huawei.com`; `a.example.co.uk` is
//! `example.co.uk`.

/// The registrable domain of a host name, lower-cased; `None` for IP
/// literals, single labels (`localhost`) and public suffixes themselves.
pub fn org_domain(host: &str) -> Option<String> {
    let host = host
        .trim()
        .trim_end_matches('.')
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase();
    if host.is_empty() || host.parse::<std::net::IpAddr>().is_ok() || !host.contains('.') {
        return None;
    }
    psl::domain_str(&host).map(str::to_string)
}

/// The domain part of an address (`alice@Example.FR` -> `example.fr`).
pub fn address_domain(address: &str) -> Option<String> {
    address
        .rsplit_once('@')
        .map(|(_, d)| d.trim().trim_end_matches('>').to_ascii_lowercase())
        .filter(|d| !d.is_empty())
}

/// `child` equals `parent` or is a subdomain of it.
pub fn is_same_or_subdomain(child: &str, parent: &str) -> bool {
    let child = child.to_ascii_lowercase();
    let parent = parent.to_ascii_lowercase();
    child == parent || child.ends_with(&format!(".{parent}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn organisations() {
        assert_eq!(
            org_domain("dggemv704-chm.china.huawei.com").as_deref(),
            Some("huawei.com")
        );
        assert_eq!(
            org_domain("mail.example.co.uk").as_deref(),
            Some("example.co.uk")
        );
        assert_eq!(org_domain("localhost"), None);
        assert_eq!(org_domain("10.1.2.3"), None);
        assert_eq!(org_domain("[2001:db8::1]"), None);
    }

    #[test]
    fn subdomains() {
        assert!(is_same_or_subdomain("mail.example.fr", "example.fr"));
        assert!(is_same_or_subdomain("example.fr", "EXAMPLE.fr"));
        assert!(!is_same_or_subdomain("badexample.fr", "example.fr"));
        assert_eq!(
            address_domain("Alice@Example.FR").as_deref(),
            Some("example.fr")
        );
    }
}
