//! Value checks the CRD schema makes with patterns and CEL (hostnames, paths, ranges).

use std::net::Ipv4Addr;

use super::reader::{Path, Reader};
use super::rules::{VALUE_OUT_OF_RANGE, INVALID_HOSTNAME, INVALID_PATH_VALUE};

/// Why `hostname` is not a Gateway API `Hostname` (a wildcard allowed) or `PreciseHostname`.
fn hostname_problem(hostname: &str, wildcard_allowed: bool) -> Option<&'static str> {
    if hostname.parse::<Ipv4Addr>().is_ok() || hostname.contains(':') {
        return Some("an IP address is not allowed");
    }
    if hostname.len() > 253 {
        return Some("it is longer than 253 characters");
    }
    let name = match hostname.strip_prefix("*.") {
        Some(rest) if wildcard_allowed => rest,
        Some(_) => return Some("a wildcard is not allowed here"),
        None => hostname,
    };
    if name.contains('*') {
        return Some("a wildcard is only allowed as the whole first label (`*.example.com`)");
    }
    if name.bytes().any(|b| b.is_ascii_uppercase()) {
        return Some("it must be lowercase");
    }
    let label_ok = |label: &str| {
        !label.is_empty()
            && label.len() <= 63
            && label
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !label.starts_with('-')
            && !label.ends_with('-')
    };
    if !name.split('.').all(label_ok) {
        return Some("it must be a DNS name: lowercase letters, digits, `-` and `.`");
    }
    None
}

/// Why an `Exact`/`PathPrefix` path value is invalid (the CRD's CEL rules).
fn path_problem(path: &str) -> Option<String> {
    if !path.starts_with('/') {
        return Some("it must be an absolute path starting with `/`".to_string());
    }
    for forbidden in ["//", "/./", "/../", "%2f", "%2F", "#"] {
        if path.contains(forbidden) {
            return Some(format!("it must not contain `{forbidden}`"));
        }
    }
    for forbidden in ["/.", "/.."] {
        if path.ends_with(forbidden) {
            return Some(format!("it must not end with `{forbidden}`"));
        }
    }
    let bytes = path.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = bytes.get(i + 1..i + 3);
            if !hex.is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)) {
                return Some("`%` must start a percent-encoding like `%20`".to_string());
            }
            i += 3;
            continue;
        }
        if !(b.is_ascii_alphanumeric() || b"-/._~!$&'()*+,;=:@".contains(&b)) {
            let c = path
                .get(i..)
                .and_then(|rest| rest.chars().next())
                .unwrap_or_default();
            return Some(format!("the character `{c}` must be percent-encoded"));
        }
        i += 1;
    }
    None
}

impl Reader<'_> {
    /// Reports a hostname the schema rejects.
    pub(super) fn check_hostname(
        &mut self,
        hostname: &str,
        wildcard_allowed: bool,
        path: Path<'_>,
    ) {
        if let Some(problem) = hostname_problem(hostname, wildcard_allowed) {
            let message = format!("invalid hostname \"{hostname}\": {problem}");
            self.report(&INVALID_HOSTNAME, path, message, None);
        }
    }

    /// Reports an `Exact`/`PathPrefix` path value the schema rejects.
    pub(super) fn check_path(&mut self, value: &str, path: Path<'_>) {
        if let Some(problem) = path_problem(value) {
            let message = format!("invalid path \"{value}\": {problem}");
            self.report(&INVALID_PATH_VALUE, path, message, None);
        }
    }

    /// Reports `value` outside `min..=max`; returns whether it is inside.
    pub(super) fn check_range(&mut self, value: i64, min: i64, max: i64, path: Path<'_>) -> bool {
        let inside = (min..=max).contains(&value);
        if !inside {
            let message = format!("{value} is out of range: must be {min}-{max}");
            self.report(&VALUE_OUT_OF_RANGE, path, message, None);
        }
        inside
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostnames_follow_the_gateway_api_patterns() {
        for ok in ["example.com", "*.example.com", "a-b.c1", "localhost"] {
            assert_eq!(hostname_problem(ok, true), None, "{ok}");
        }
        assert!(hostname_problem("*.example.com", false).is_some());
        for bad in [
            "10.0.0.1",
            "::1",
            "Example.com",
            "foo.*.com",
            "-a.com",
            "a..b",
            "a_b.com",
            "",
        ] {
            assert!(hostname_problem(bad, true).is_some(), "{bad}");
        }
    }

    #[test]
    fn paths_follow_the_cel_rules() {
        for ok in ["/", "/foo/bar", "/a%20b", "/v2/", "/~user/x@y"] {
            assert_eq!(path_problem(ok), None, "{ok}");
        }
        for bad in [
            "foo", "//a", "/a/./b", "/a/../b", "/a%2fb", "/a#b", "/a/.", "/a/..", "/a b", "/%zz",
        ] {
            assert!(path_problem(bad).is_some(), "{bad}");
        }
    }
}
