//! Hostnames (§4): validation and listener/route intersection.

/// Why a hostname is not a valid Gateway API hostname, or `None` when it is valid.
/// A hostname is an RFC 1123 DNS name, optionally starting with a single `*.` label;
/// IP addresses are not hostnames.
pub fn invalid_reason(hostname: &str) -> Option<&'static str> {
    if hostname.is_empty() {
        return Some("it is empty");
    }
    if hostname.len() > 253 {
        return Some("it is longer than 253 characters");
    }
    if hostname.parse::<std::net::IpAddr>().is_ok() {
        return Some("it is an IP address, not a DNS name");
    }
    let rest = hostname.strip_prefix("*.").unwrap_or(hostname);
    if rest.is_empty() {
        return Some("a wildcard needs at least one label after `*.`");
    }
    for label in rest.split('.') {
        if label.is_empty() || label.len() > 63 {
            return Some("every label must have 1 to 63 characters");
        }
        if label.contains('*') {
            return Some("`*` is only allowed as the whole first label");
        }
        if !label
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            return Some("labels may only contain lowercase letters, digits and `-`");
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Some("labels must start and end with a letter or digit");
        }
    }
    None
}

/// Whether `name` is matched by `pattern`: equal (case-insensitive), or `pattern` is
/// `*.suffix` and `name` has at least one more label in front of `suffix`.
fn matches(pattern: &str, name: &str) -> bool {
    match pattern.strip_prefix("*.") {
        Some(suffix) => {
            let name = name.strip_prefix("*.").unwrap_or(name);
            name.len() > suffix.len() + 1
                && name[name.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
                && name.as_bytes()[name.len() - suffix.len() - 1] == b'.'
        }
        None => pattern.eq_ignore_ascii_case(name),
    }
}

/// The intersection of two hostnames: the more specific one when one contains the other.
pub fn intersect<'a>(a: &'a str, b: &'a str) -> Option<&'a str> {
    let (a_wild, b_wild) = (a.starts_with("*."), b.starts_with("*."));
    match (a_wild, b_wild) {
        (false, false) => a.eq_ignore_ascii_case(b).then_some(a),
        (true, false) => matches(a, b).then_some(b),
        (false, true) => matches(b, a).then_some(a),
        (true, true) => {
            if a.eq_ignore_ascii_case(b) {
                Some(a)
            } else if matches(a, b) {
                Some(b)
            } else if matches(b, a) {
                Some(a)
            } else {
                None
            }
        }
    }
}

/// The route's effective hostnames on a listener (§4 table): `Some(empty)` = any host,
/// `None` = no intersection (the route does not attach for hostname reasons).
pub fn effective(listener: Option<&str>, route: &[String]) -> Option<Vec<String>> {
    match listener {
        None => Some(route.to_vec()),
        Some(l) if route.is_empty() => Some(vec![l.to_string()]),
        Some(l) => {
            let mut out: Vec<String> = Vec::new();
            for r in route {
                if let Some(h) = intersect(l, r)
                    && !out.iter().any(|o| o.eq_ignore_ascii_case(h))
                {
                    out.push(h.to_string());
                }
            }
            (!out.is_empty()).then_some(out)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_section_4_table() {
        assert_eq!(effective(None, &[]), Some(vec![]));
        assert_eq!(effective(None, &v(&["a.com"])), Some(v(&["a.com"])));
        assert_eq!(effective(Some("a.com"), &[]), Some(v(&["a.com"])));
        assert_eq!(effective(Some("a.com"), &v(&["b.com"])), None);
        assert_eq!(
            effective(
                Some("*.wildcard.io"),
                &v(&["very.specific.com", "foo.wildcard.io"])
            ),
            Some(v(&["foo.wildcard.io"]))
        );
        assert_eq!(effective(Some("*.wildcard.io"), &v(&["wildcard.io"])), None);
        assert_eq!(
            effective(Some("*.wildcard.io"), &v(&["*.bar.wildcard.io"])),
            Some(v(&["*.bar.wildcard.io"]))
        );
    }

    #[test]
    fn intersections() {
        assert_eq!(intersect("Foo.com", "foo.com"), Some("Foo.com"));
        assert_eq!(
            intersect("*.example.com", "a.b.example.com"),
            Some("a.b.example.com")
        );
        assert_eq!(
            intersect("a.example.com", "*.example.com"),
            Some("a.example.com")
        );
        assert_eq!(intersect("*.example.com", "example.com"), None);
        assert_eq!(intersect("*.example.com", "badexample.com"), None);
        assert_eq!(
            intersect("*.example.com", "*.foo.example.com"),
            Some("*.foo.example.com")
        );
        assert_eq!(intersect("*.a.com", "*.b.com"), None);
    }

    #[test]
    fn validation() {
        assert_eq!(invalid_reason("foo.example.com"), None);
        assert_eq!(invalid_reason("*.example.com"), None);
        assert!(invalid_reason("10.0.0.1").is_some());
        assert!(invalid_reason("a.*.com").is_some());
        assert!(invalid_reason("Foo.com").is_some());
        assert!(invalid_reason("-a.com").is_some());
        assert!(invalid_reason("*.").is_some());
    }
}
