//! Hostname helpers for request routing (§4, §8.6): a request's Host against listener and
//! route hostnames, case-insensitively, with `*.` matching one or more labels.

/// The Host header without its port and trailing dot, lowercased. `None` for an empty Host.
pub fn normalize_host(host: &str) -> Option<String> {
    let host = host.trim();
    let without_port = match host.rsplit_once(':') {
        // `[::1]:80` and bare IPv6 keep their colons; only a numeric tail is a port.
        Some((name, port))
            if !port.is_empty()
                && port.bytes().all(|b| b.is_ascii_digit())
                && (!name.contains(':') || name.ends_with(']')) =>
        {
            name
        }
        _ => host,
    };
    let name = without_port.trim_end_matches('.');
    (!name.is_empty()).then(|| name.to_ascii_lowercase())
}

/// The suffix a wildcard hostname stands for (`*.example.com` → `.example.com`), lowercased.
pub fn wildcard_suffix(pattern: &str) -> Option<String> {
    pattern
        .strip_prefix('*')
        .filter(|rest| rest.starts_with('.'))
        .map(str::to_ascii_lowercase)
}

/// Whether a (normalized) host matches a hostname pattern: equal, or one or more labels in
/// front of a wildcard's suffix.
pub fn host_matches(host: &str, pattern: &str) -> bool {
    match wildcard_suffix(pattern) {
        Some(suffix) => host.len() > suffix.len() && host.ends_with(suffix.as_str()),
        None => host.eq_ignore_ascii_case(pattern),
    }
}

/// The wildcard suffixes a host can be matched by, most specific first:
/// `a.b.example.com` → `.b.example.com`, `.example.com`, `.com`.
pub fn suffixes(host: &str) -> impl Iterator<Item = &str> {
    host.char_indices()
        .filter(|&(i, c)| c == '.' && i > 0)
        .map(move |(i, _)| &host[i..])
        .filter(|s| s.len() > 1)
}

/// How specific a listener hostname is for a host it matches: exact beats any wildcard,
/// a longer wildcard beats a shorter one, no hostname comes last. Higher is more specific.
pub fn listener_specificity(hostname: Option<&str>) -> usize {
    match hostname {
        None => 0,
        Some(h) if h.starts_with('*') => 1 + h.len(),
        Some(_) => usize::MAX,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_port_and_case_are_ignored() {
        assert_eq!(normalize_host("Foo.COM:8080").as_deref(), Some("foo.com"));
        assert_eq!(normalize_host("foo.com.").as_deref(), Some("foo.com"));
        assert_eq!(normalize_host("[::1]:80").as_deref(), Some("[::1]"));
        assert_eq!(normalize_host("").as_deref(), None);
    }

    #[test]
    fn wildcard_needs_at_least_one_label() {
        assert!(host_matches("a.example.com", "*.example.com"));
        assert!(host_matches("a.b.example.com", "*.example.com"));
        assert!(!host_matches("example.com", "*.example.com"));
        assert!(!host_matches("xexample.com", "*.example.com"));
        assert!(host_matches("foo.com", "FOO.com"));
    }

    #[test]
    fn suffixes_most_specific_first() {
        let s: Vec<_> = suffixes("a.b.example.com").collect();
        assert_eq!(s, vec![".b.example.com", ".example.com", ".com"]);
        assert_eq!(suffixes("localhost").count(), 0);
    }

    #[test]
    fn exact_listener_beats_wildcards() {
        assert!(
            listener_specificity(Some("a.example.com"))
                > listener_specificity(Some("*.b.example.com"))
        );
        assert!(
            listener_specificity(Some("*.b.example.com"))
                > listener_specificity(Some("*.example.com"))
        );
        assert!(listener_specificity(Some("*.example.com")) > listener_specificity(None));
    }
}
