//! What the network-facing commands share: the HTTP agent (ureq on rustls with the ring
//! provider, system roots, a per-request time limit), failures in words, and durations on
//! the command line. Each user builds its requests itself (`input::url`, `probe::client`,
//! `cluster::client`); analysis never touches the network.

use std::sync::Arc;
use std::time::Duration;

use ureq::config::ConfigBuilder;
use ureq::tls::{Certificate, PemItem, RootCerts, TlsConfig, TlsConfigBuilder};
use ureq::typestate::AgentScope;

/// TLS with the ring provider (ureq is built without one, to keep aws-lc's C build out)
/// and the system's roots; `insecure` accepts any certificate.
pub fn tls(insecure: bool) -> TlsConfigBuilder {
    let builder = TlsConfig::builder()
        .unversioned_rustls_crypto_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .disable_verification(insecure);
    if insecure {
        builder
    } else {
        builder.root_certs(RootCerts::new_with_certs(&system_roots()))
    }
}

/// An agent's settings: `tls`, everything (connecting, sending, reading the body) within
/// `timeout`, and non-2xx answers returned as responses, since every user reports them
/// itself. Redirects, proxy and user agent are the caller's to change.
pub fn agent_config(tls: TlsConfig, timeout: Duration) -> ConfigBuilder<AgentScope> {
    ureq::Agent::config_builder()
        .tls_config(tls)
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .user_agent(concat!("gwctl/", env!("CARGO_PKG_VERSION")))
}

/// The certificates of a PEM file or blob; `what` names it in errors.
pub fn certificates(pem: &[u8], what: &str) -> Result<Vec<Certificate<'static>>, String> {
    let mut certs = Vec::new();
    for item in ureq::tls::parse_pem(pem) {
        if let PemItem::Certificate(c) =
            item.map_err(|e| format!("{what} is not valid PEM: {e}"))?
        {
            certs.push(c);
        }
    }
    if certs.is_empty() {
        return Err(format!("{what} is not valid PEM: no certificate found"));
    }
    Ok(certs)
}

/// The system CA bundle (`$SSL_CERT_FILE`, else the usual Linux locations). None found: no
/// root, so a handshake fails clearly rather than trusting anything.
pub fn system_roots() -> Vec<Certificate<'static>> {
    let candidates = std::env::var_os("SSL_CERT_FILE")
        .map(std::path::PathBuf::from)
        .into_iter()
        .chain(
            [
                "/etc/ssl/certs/ca-certificates.crt",
                "/etc/pki/tls/certs/ca-bundle.crt",
                "/etc/ssl/cert.pem",
            ]
            .map(std::path::PathBuf::from),
        );
    for path in candidates {
        if let Ok(pem) = std::fs::read(&path)
            && let Ok(certs) = certificates(&pem, "system CA bundle")
        {
            return certs;
        }
    }
    Vec::new()
}

/// Whether a request failed for lack of time (any of ureq's time limits, or the socket's).
pub fn is_timeout(error: &ureq::Error) -> bool {
    match error {
        ureq::Error::Timeout(_) => true,
        ureq::Error::Io(e) => e.kind() == std::io::ErrorKind::TimedOut,
        _ => false,
    }
}

/// How a caller's failures are worded: the time limit and the options that change it.
pub struct Wording {
    pub timeout: Duration,
    /// The option that sets the time limit (`--timeout`).
    pub timeout_option: &'static str,
    /// What to do about a certificate that does not verify.
    pub certificate_hint: &'static str,
}

impl Wording {
    /// A failed request in words a user can act on.
    pub fn describe(&self, error: &ureq::Error) -> String {
        let timed_out = || {
            format!(
                "no answer within {} (timed out; see {})",
                show_duration(self.timeout),
                self.timeout_option
            )
        };
        match error {
            ureq::Error::Timeout(_) => timed_out(),
            ureq::Error::HostNotFound => "the host name does not resolve".to_string(),
            ureq::Error::ConnectionFailed => "the connection failed".to_string(),
            ureq::Error::Io(e) => match e.kind() {
                std::io::ErrorKind::ConnectionRefused => {
                    "connection refused (is the server running and the address right?)".to_string()
                }
                std::io::ErrorKind::TimedOut => timed_out(),
                _ => match e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) {
                    Some(tls) => self.tls_failure(tls),
                    None => e.to_string(),
                },
            },
            ureq::Error::Rustls(e) => self.tls_failure(e),
            ureq::Error::Tls(e) => format!("TLS failed: {e}"),
            other => other.to_string(),
        }
    }

    fn tls_failure(&self, error: &rustls::Error) -> String {
        match error {
            rustls::Error::InvalidCertificate(_) => {
                format!("TLS handshake failed: {error} ({})", self.certificate_hint)
            }
            _ => format!("TLS handshake failed: {error}"),
        }
    }
}

/// A duration as written on the command line, kubectl-style: `500ms`, `5s`, `1.5s`, `2m`,
/// `1h`, or a bare number of seconds. Every duration flag reads it (`--request-timeout`,
/// `--url-timeout`, `probe --timeout`).
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let value: f64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a duration (e.g. 500ms, 5s, 1m)"))?;
    let seconds = match unit {
        "ms" => value / 1000.0,
        "" | "s" => value,
        "m" => value * 60.0,
        "h" => value * 3600.0,
        _ => {
            return Err(format!(
                "{text:?}: unknown unit {unit:?} (use ms, s, m or h)"
            ));
        }
    };
    Duration::try_from_secs_f64(seconds)
        .ok()
        .filter(|d| !d.is_zero())
        .ok_or_else(|| format!("{text:?} is not a positive duration"))
}

/// `5s`, `250ms`: how durations are written on the command line.
pub fn show_duration(duration: Duration) -> String {
    if duration.subsec_millis() == 0 {
        format!("{}s", duration.as_secs())
    } else {
        format!("{}ms", duration.as_millis())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("5s"), Ok(Duration::from_secs(5)));
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("2"), Ok(Duration::from_secs(2)));
        assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("1m"), Ok(Duration::from_secs(60)));
        assert_eq!(parse_duration("1h"), Ok(Duration::from_secs(3600)));
        assert_eq!(parse_duration(" 30s "), Ok(Duration::from_secs(30)));
        assert!(parse_duration("0s").is_err());
        assert!(parse_duration("5d").is_err());
        assert!(parse_duration("fast").is_err());
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("").is_err());
    }

    #[test]
    fn durations_show_as_written() {
        assert_eq!(show_duration(Duration::from_secs(5)), "5s");
        assert_eq!(show_duration(Duration::from_millis(250)), "250ms");
    }
}
