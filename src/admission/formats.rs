//! The string `format`s the API server checks for CRDs (kube-openapi's `strfmt`
//! registry, names compared without dashes). Formats it does not know are not checked
//! (`int32`, `int64` describe integers and are ignored for validation).

/// Whether `text` has format `format`.
pub fn valid(format: &str, text: &str) -> bool {
    match format.replace('-', "").as_str() {
        "ipv4" => ipv4(text),
        "ipv6" => ipv6(text),
        "cidr" => cidr(text),
        "datetime" => date_time(text),
        "date" => date(text),
        "uuid" | "uuid3" | "uuid4" | "uuid5" => uuid(text),
        "byte" => base64(text),
        "hostname" => hostname(text),
        "mac" => mac(text),
        _ => true,
    }
}

/// What a value of the format looks like.
pub fn help(format: &str) -> String {
    let example = match format.replace('-', "").as_str() {
        "ipv4" => "an IPv4 address such as `192.0.2.10` (no port)",
        "ipv6" => "an IPv6 address such as `2001:db8::10` (no brackets, no port)",
        "cidr" => "a CIDR such as `10.0.0.0/8`",
        "datetime" => "an RFC 3339 time such as `2024-01-02T03:04:05Z`",
        "date" => "a date such as `2024-01-02`",
        "uuid" | "uuid3" | "uuid4" | "uuid5" => "a UUID",
        "byte" => "base64 text",
        "hostname" => "a DNS name",
        "mac" => "a MAC address such as `00:00:5e:00:53:01`",
        _ => "a value of this format",
    };
    format!("write {example}")
}

/// Kubernetes parses addresses "sloppily": leading zeros in IPv4 octets are allowed.
fn ipv4(text: &str) -> bool {
    sloppy_ipv4(text) || (text.contains('.') && ipv6_literal(text))
}

fn sloppy_ipv4(text: &str) -> bool {
    let octets: Vec<&str> = text.split('.').collect();
    octets.len() == 4
        && octets.iter().all(|o| {
            !o.is_empty()
                && o.len() <= 3
                && o.bytes().all(|b| b.is_ascii_digit())
                && o.parse::<u16>().is_ok_and(|n| n <= 255)
        })
}

fn ipv6_literal(text: &str) -> bool {
    text.parse::<std::net::Ipv6Addr>().is_ok()
}

fn ipv6(text: &str) -> bool {
    text.contains(':') && (ipv6_literal(text) || sloppy_ipv4(text))
}

fn cidr(text: &str) -> bool {
    let Some((address, bits)) = text.split_once('/') else {
        return false;
    };
    let Ok(bits) = bits.parse::<u8>() else {
        return false;
    };
    (sloppy_ipv4(address) && bits <= 32) || (ipv6_literal(address) && bits <= 128)
}

fn digits(text: &str, n: usize) -> bool {
    text.len() == n && text.bytes().all(|b| b.is_ascii_digit())
}

fn date(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    matches!(parts.as_slice(), [y, m, d] if digits(y, 4) && digits(m, 2) && digits(d, 2)
        && (1..=12).contains(&m.parse::<u8>().unwrap_or(0))
        && (1..=31).contains(&d.parse::<u8>().unwrap_or(0)))
}

/// RFC 3339, or an ISO 8601 local time without a zone.
fn date_time(text: &str) -> bool {
    let Some((day, time)) = text.split_once(['T', 't', ' ']) else {
        return false;
    };
    if !date(day) || time.len() < 8 {
        return false;
    }
    let (clock, rest) = time.split_at(8);
    let clock_ok = matches!(clock.split(':').collect::<Vec<_>>().as_slice(),
        [h, m, s] if digits(h, 2) && digits(m, 2) && digits(s, 2));
    let rest = match rest.strip_prefix('.') {
        Some(fraction) => {
            let end = fraction
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(fraction.len());
            if end == 0 {
                return false;
            }
            &fraction[end..]
        }
        None => rest,
    };
    let zone_ok = match rest {
        "" | "Z" | "z" => true,
        zone => {
            let offset = zone.strip_prefix(['+', '-']).unwrap_or("");
            matches!(offset.split(':').collect::<Vec<_>>().as_slice(),
                [h, m] if digits(h, 2) && digits(m, 2))
        }
    };
    clock_ok && zone_ok
}

fn uuid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    let lengths = [8, 4, 4, 4, 12];
    groups.len() == 5
        && groups
            .iter()
            .zip(lengths)
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn base64(text: &str) -> bool {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .is_ok()
}

fn hostname(text: &str) -> bool {
    text.len() <= 255
        && text.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
}

fn mac(text: &str) -> bool {
    let groups: Vec<&str> = text.split([':', '-']).collect();
    matches!(groups.len(), 6 | 8 | 20)
        && groups
            .iter()
            .all(|g| g.len() == 2 && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_follow_kubernetes_parsing() {
        assert!(valid("ipv4", "192.0.2.10"));
        assert!(valid("ipv4", "010.0.0.1"), "leading zeros: sloppy parsing");
        assert!(!valid("ipv4", "1.2.3.4:8080"));
        assert!(!valid("ipv4", "2001:db8::1"));
        assert!(!valid("ipv4", "256.0.0.1"));
        assert!(valid("ipv6", "2001:db8::1"));
        assert!(valid("ipv6", "::ffff:1.2.3.4"));
        assert!(!valid("ipv6", "1.2.3.4"));
        assert!(!valid("ipv6", "[2001:db8::1]"));
        assert!(valid("cidr", "10.0.0.0/8"));
        assert!(!valid("cidr", "10.0.0.0/33"));
    }

    #[test]
    fn times_and_other_formats() {
        assert!(valid("date-time", "2024-01-02T03:04:05Z"));
        assert!(valid("date-time", "2024-01-02T03:04:05.123+02:00"));
        assert!(!valid("date-time", "2024-01-02"));
        assert!(!valid("date-time", "yesterday"));
        assert!(valid("uuid", "123e4567-e89b-12d3-a456-426614174000"));
        assert!(valid("byte", "aGVsbG8="));
        assert!(!valid("byte", "not base64!"));
        assert!(valid("int32", "anything"));
        assert!(help("ipv4").contains("no port"));
    }
}
