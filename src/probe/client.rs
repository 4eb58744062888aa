//! Sends the planned requests to the Gateway's address: Host header and SNI as simulated,
//! no redirects followed, no proxy, a per-request timeout and bounded concurrency.

use std::io::Read;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use ureq::http::header::{HOST, HeaderName, HeaderValue, LOCATION};
use ureq::http::{Method, Uri};
use ureq::unversioned::resolver::{ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{DefaultConnector, NextTimeout};

use super::{Observation, Probe, observed_backend};
use crate::engine::routing::Scheme;

/// Bytes of a response body read to find the echo server's JSON.
const MAX_BODY: u64 = 64 * 1024;

/// Where to connect: `--address HOST[:PORT]`, resolved once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    /// As written, without the port (also the Host of requests that have none).
    pub host: String,
    pub ip: IpAddr,
    /// `None`: each request goes to its Gateway port.
    pub port: Option<u16>,
}

impl Address {
    /// Parses `IP`, `IP:PORT`, `[IPv6]:PORT` or `NAME[:PORT]` (resolved with the system
    /// resolver).
    pub fn parse(text: &str) -> Result<Self, String> {
        let bad = |why: &str| format!("--address {text:?}: {why}");
        let (host, port) = if let Some(rest) = text.strip_prefix('[') {
            let (host, after) = rest
                .split_once(']')
                .ok_or_else(|| bad("missing `]` after an IPv6 address"))?;
            match after.strip_prefix(':') {
                Some(port) => (host, Some(port)),
                None if after.is_empty() => (host, None),
                None => return Err(bad("expected `:PORT` after `]`")),
            }
        } else if text.parse::<IpAddr>().is_ok() {
            (text, None)
        } else {
            match text.rsplit_once(':') {
                Some((host, port)) => (host, Some(port)),
                None => (text, None),
            }
        };
        if host.is_empty() {
            return Err(bad("no host"));
        }
        let port = port
            .map(|p| {
                p.parse::<u16>()
                    .ok()
                    .filter(|&p| p != 0)
                    .ok_or_else(|| bad(&format!("invalid port {p:?}")))
            })
            .transpose()?;
        let ip = match host.parse::<IpAddr>() {
            Ok(ip) => ip,
            Err(_) => (host, 0)
                .to_socket_addrs()
                .map_err(|e| bad(&format!("cannot resolve: {e}")))?
                .next()
                .map(|a| a.ip())
                .ok_or_else(|| bad("resolves to no address"))?,
        };
        Ok(Address {
            host: host.to_string(),
            ip,
            port,
        })
    }

    /// The socket a probe on Gateway `port` connects to.
    fn socket(&self, gateway_port: Option<i64>) -> Option<SocketAddr> {
        let port = self
            .port
            .or_else(|| gateway_port.and_then(|p| u16::try_from(p).ok()))?;
        Some(SocketAddr::new(self.ip, port))
    }

    /// `host:port` of the probe's connection, for reports.
    pub fn describe(&self, gateway_port: Option<i64>) -> Option<String> {
        self.socket(gateway_port).map(|s| s.to_string())
    }
}

#[derive(Debug, Clone)]
pub struct Options {
    pub timeout: Duration,
    pub insecure: bool,
    /// The response header naming the backend (`x-backend`).
    pub backend_header: String,
    pub concurrency: usize,
}

/// The name a TLS client puts in SNI: the simulated SNI, else the Host without port;
/// `None` for an IP address (which is never sent as SNI).
fn sni_name(probe: &Probe) -> Option<String> {
    let name = match (&probe.request.sni, &probe.request.host) {
        (Some(sni), _) => sni.clone(),
        (None, Some(host)) => strip_port(host).to_string(),
        (None, None) => return None,
    };
    (!name.is_empty() && name.parse::<IpAddr>().is_err()).then_some(name)
}

/// A Host header without its `:port` (and without the brackets of an IPv6 address).
fn strip_port(host: &str) -> &str {
    if let Some(rest) = host.strip_prefix('[') {
        return rest.split_once(']').map_or(rest, |(ip, _)| ip);
    }
    match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => host,
    }
}

/// Resolves every URL to the `--address` IP at the URL's port, so that an HTTPS request
/// can name its SNI host in the URL (ureq takes SNI from there) and still reach the address.
#[derive(Debug)]
struct ToAddress(IpAddr);

impl Resolver for ToAddress {
    fn resolve(
        &self,
        uri: &Uri,
        _config: &ureq::config::Config,
        _timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        // `url` always writes the port.
        let port = uri.port_u16().ok_or(ureq::Error::HostNotFound)?;
        let mut addresses = self.empty();
        addresses.push(SocketAddr::new(self.0, port));
        Ok(addresses)
    }
}

/// Sends every probe that is not skipped, `options.concurrency` at a time. The answers
/// come back in the probes' order; `None` for skipped probes.
pub fn send_all(
    address: &Address,
    probes: &[Probe],
    options: &Options,
) -> Result<Vec<Option<Result<Observation, String>>>, String> {
    let config =
        crate::net::agent_config(crate::net::tls(options.insecure).build(), options.timeout)
            .max_redirects(0)
            .proxy(None)
            .user_agent(concat!("gwctl-probe/", env!("CARGO_PKG_VERSION")))
            .build();
    let agent = ureq::Agent::with_parts(config, DefaultConnector::new(), ToAddress(address.ip));
    let wording = crate::net::Wording {
        timeout: options.timeout,
        timeout_option: "--timeout",
        certificate_hint: "--insecure accepts any certificate",
    };

    let answers: Mutex<Vec<Option<Result<Observation, String>>>> =
        Mutex::new(vec![None; probes.len()]);
    let next = AtomicUsize::new(0);
    let workers = options.concurrency.clamp(1, probes.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(probe) = probes.get(index) else {
                        break;
                    };
                    if probe.skipped.is_some() {
                        continue;
                    }
                    let answer = send(&agent, &wording, address, probe, options);
                    if let Ok(mut answers) = answers.lock()
                        && let Some(slot) = answers.get_mut(index)
                    {
                        *slot = Some(answer);
                    }
                }
            });
        }
    });
    answers
        .into_inner()
        .map_err(|_| "a request thread failed".to_string())
}

/// The URL a probe requests: the SNI name (HTTPS) or the address, the connection port,
/// the simulated path and query (percent-encoded as a browser would).
fn url(address: &Address, probe: &Probe) -> Result<Uri, String> {
    let socket = address
        .socket(probe.request.port)
        .ok_or("no port to connect to (give --address IP:PORT)")?;
    let authority = match (probe.scheme, sni_name(probe)) {
        (Scheme::Https, Some(name)) => format!("{name}:{}", socket.port()),
        _ => socket.to_string(),
    };
    let (path, query) = match probe.request.path.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (probe.request.path.as_str(), None),
    };
    let mut target = String::new();
    if !path.starts_with('/') {
        target.push('/');
    }
    percent_encode(path, b"/", &mut target);
    let mut query_text = String::new();
    if let Some(query) = query {
        percent_encode(query, b"/?", &mut query_text);
    }
    for (key, value) in &probe.request.query {
        if !query_text.is_empty() {
            query_text.push('&');
        }
        form_encode(key, &mut query_text);
        query_text.push('=');
        form_encode(value, &mut query_text);
    }
    if query.is_some() || !query_text.is_empty() {
        target.push('?');
        target.push_str(&query_text);
    }
    format!("{}://{authority}{target}", probe.scheme.as_str())
        .parse()
        .map_err(|e| format!("cannot build a URL for {:?}: {e}", probe.request.path))
}

/// Appends `text`, with every byte that may not stand in a path or query as `%XX`:
/// unreserved characters, sub-delimiters, `:`, `@`, `%` and `extra` stay as they are.
fn percent_encode(text: &str, extra: &[u8], out: &mut String) {
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric()
            || b"-._~!$&'()*+,;=:@%".contains(&byte)
            || extra.contains(&byte)
        {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
}

/// Appends `text` as `application/x-www-form-urlencoded` (space as `+`).
fn form_encode(text: &str, out: &mut String) {
    for byte in text.bytes() {
        match byte {
            b' ' => out.push('+'),
            b'*' | b'-' | b'.' | b'_' => out.push(char::from(byte)),
            _ if byte.is_ascii_alphanumeric() => out.push(char::from(byte)),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
}

fn send(
    agent: &ureq::Agent,
    wording: &crate::net::Wording,
    address: &Address,
    probe: &Probe,
    options: &Options,
) -> Result<Observation, String> {
    let method = Method::from_bytes(probe.request.method.as_bytes())
        .map_err(|_| format!("invalid method {:?}", probe.request.method))?;
    let mut request = ureq::http::Request::builder()
        .method(method)
        .uri(url(address, probe)?);
    if let Some(host) = &probe.request.host {
        let value =
            HeaderValue::from_str(host).map_err(|_| format!("invalid Host header {host:?}"))?;
        request = request.header(HOST, value);
    }
    for (name, value) in &probe.request.headers {
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| format!("invalid header name {name:?}"))?;
        let value = HeaderValue::from_str(value)
            .map_err(|_| format!("invalid value of header {name}: {value:?}"))?;
        request = request.header(name, value);
    }
    let request = request
        .body(())
        .map_err(|e| format!("cannot build the request: {e}"))?;
    let mut response = agent.run(request).map_err(|e| wording.describe(&e))?;
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let status_code = response.status().as_u16();
    let location = header(LOCATION.as_str());
    let backend_value = header(&options.backend_header);
    let mut body = Vec::new();
    // A body that cannot be read in time only hides the echo server's JSON; the status
    // and headers are the answer.
    let _ = response
        .body_mut()
        .as_reader()
        .take(MAX_BODY)
        .read_to_end(&mut body);
    Ok(Observation {
        status_code,
        location,
        backend: observed_backend(&options.backend_header, backend_value.as_deref(), &body),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::routing::{Outcome, Request};
    use crate::probe::Prediction;

    #[test]
    fn addresses() {
        let a = Address::parse("127.0.0.1:8080").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (a.host.as_str(), a.ip.to_string(), a.port),
            ("127.0.0.1", "127.0.0.1".to_string(), Some(8080))
        );
        let a = Address::parse("203.0.113.10").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(a.port, None);
        let a = Address::parse("[::1]:9000").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((a.host.as_str(), a.port), ("::1", Some(9000)));
        let a = Address::parse("::1").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(a.port, None);
        let a = Address::parse("localhost:81").unwrap_or_else(|e| panic!("{e}"));
        assert!(a.ip.is_loopback());
        assert!(Address::parse("127.0.0.1:0").is_err());
        assert!(Address::parse("127.0.0.1:http").is_err());
        assert!(Address::parse(":80").is_err());
        assert!(Address::parse("[::1").is_err());
    }

    fn probe(scheme: Scheme, host: &str, path: &str) -> Probe {
        Probe {
            name: "p".into(),
            request: Request {
                host: Some(host.into()),
                port: Some(443),
                path: path.into(),
                query: vec![("q".into(), "a b".into())],
                ..Request::default()
            },
            scheme,
            prediction: Prediction {
                outcome: Outcome::NotFound,
                status_code: Some(404),
                location: None,
                backends: Vec::new(),
                route: None,
                unknowns: Vec::new(),
            },
            skipped: None,
        }
    }

    #[test]
    fn urls_carry_the_sni_name_for_https_and_the_address_for_http() {
        let address = Address::parse("127.0.0.1:8443").unwrap_or_else(|e| panic!("{e}"));
        let https = url(
            &address,
            &probe(Scheme::Https, "shop.example.com:443", "/a?x=1"),
        );
        assert_eq!(
            https.map(|u| u.to_string()),
            Ok("https://shop.example.com:8443/a?x=1&q=a+b".to_string())
        );
        let http = url(&address, &probe(Scheme::Http, "shop.example.com", "/a"));
        assert_eq!(
            http.map(|u| u.to_string()),
            Ok("http://127.0.0.1:8443/a?q=a+b".to_string())
        );
        let by_ip = url(&address, &probe(Scheme::Https, "127.0.0.1", "/"));
        assert_eq!(
            by_ip.map(|u| u.host().map(str::to_string)),
            Ok(Some("127.0.0.1".to_string()))
        );
        let no_port = Address::parse("127.0.0.1").unwrap_or_else(|e| panic!("{e}"));
        let mut unported = probe(Scheme::Http, "a", "/");
        unported.request.port = None;
        assert!(url(&no_port, &unported).is_err());
    }
}
