//! A read-only HTTP client for the API server: GET with the target's TLS settings, proxy and
//! credentials, within a deadline, retrying when the server asks to (429 and `Retry-After`),
//! and failures worded for one-line messages.

use std::time::{Duration, Instant};

use base64::Engine as _;
use ureq::Proxy;
use ureq::unversioned::resolver::DefaultResolver;
use ureq::unversioned::transport::{
    ConnectProxyConnector, Connector as _, SocksConnector, TcpConnector,
};

use super::ClusterError;
use super::kubeconfig::{Auth, Target};
use super::tls::{ClusterTls, Settings};

/// Largest response body read (a page of a list).
const MAX_BODY: u64 = 512 * 1024 * 1024;
/// Largest body of an error answer read: only its `message` is used.
const MAX_ERROR_BODY: u64 = 1024 * 1024;
/// Retries of one request the server asked to repeat later (429, or a 5xx with
/// `Retry-After`): client-go's default (`maxRetries: 10` in `NewRequest`, rest/request.go).
const MAX_RETRIES: u32 = 10;

pub struct Client {
    agent: ureq::Agent,
    wording: crate::net::Wording,
    authorization: Option<String>,
    pub server: String,
    /// `--request-timeout`: each request, and each list as a whole.
    pub timeout: Duration,
}

/// Why a request failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The server answered with an error status; `message` is from its `Status` body, cut
    /// to [`crate::text::MAX_MESSAGE`] bytes.
    Status { code: u16, message: String },
    /// No answer before the deadline.
    TimedOut(String),
    /// No usable answer: unreachable, TLS, a body that is not JSON, a list that never ends.
    Transport(String),
}

impl Failure {
    /// The failure as the end of a one-line message.
    pub fn describe(&self) -> String {
        match self {
            Failure::Status { code: 401, message } => format!(
                "the server rejected the credentials (401 Unauthorized: {message}); check the \
                 token or certificate of the kubeconfig user"
            ),
            Failure::Status { code, message } => format!("HTTP {code}: {message}"),
            Failure::TimedOut(why) | Failure::Transport(why) => why.clone(),
        }
    }
}

/// A server's message as the end of one line: line breaks become spaces, and it is cut to
/// [`crate::text::MAX_MESSAGE`] bytes.
fn one_line(message: &str) -> String {
    crate::text::cut_message(&message.replace(['\r', '\n'], " "))
}

/// The proxy of the kubeconfig's `proxy-url`, as kubectl reads it: `http://` (CONNECT) or
/// `socks5://`, whose proxy resolves the server's host name, as Go's SOCKS5 dialer lets it.
fn proxy(url: &str) -> Result<Proxy, ClusterError> {
    let invalid = |why: &str| ClusterError(format!("the kubeconfig's proxy-url {why}"));
    let scheme = url.split_once("://").map(|(s, _)| s.to_ascii_lowercase());
    let url = match scheme.as_deref() {
        Some("http") => url.to_string(),
        Some("socks5") => format!("socks5h{}", &url[6..]),
        Some("https") => {
            return Err(invalid(
                "is an https:// proxy, which gwctl does not support yet: use an http:// or socks5:// proxy",
            ));
        }
        _ => return Err(invalid("must start with http:// or socks5://")),
    };
    Proxy::new(&url).map_err(|_| invalid("is not a valid URL"))
}

impl Client {
    pub fn new(target: &Target, timeout: Duration) -> Result<Self, ClusterError> {
        let tls = ClusterTls::new(&Settings {
            ca_pem: target.ca_pem.as_deref(),
            insecure: target.insecure,
            server_name: target.tls_server_name.as_deref(),
            client_cert: target
                .client_cert_pem
                .as_deref()
                .zip(target.client_key_pem.as_deref()),
        })
        .map_err(|e| {
            let server = crate::text::redact_url(&target.server);
            ClusterError(format!("cannot connect to {server}: {e}"))
        })?;
        let mut config = crate::net::agent_config(ureq::tls::TlsConfig::default(), timeout);
        // Without proxy-url the agent keeps ureq's default: $HTTPS_PROXY, $NO_PROXY ..., as
        // Go's http.ProxyFromEnvironment does for kubectl.
        if let Some(url) = &target.proxy_url {
            config = config.proxy(Some(proxy(url)?));
        }
        let connector =
            ().chain(SocksConnector::default())
                .chain(ConnectProxyConnector::default())
                .chain(TcpConnector::default())
                .chain(tls);
        let agent = ureq::Agent::with_parts(config.build(), connector, DefaultResolver::default());
        let authorization = match &target.auth {
            Auth::None => None,
            Auth::Bearer(token) => Some(format!("Bearer {token}")),
            Auth::Basic { username, password } => Some(format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(format!("{username}:{password}"))
            )),
        };
        Ok(Client {
            agent,
            wording: crate::net::Wording {
                timeout,
                timeout_option: "--request-timeout",
                certificate_hint: "check the kubeconfig's certificate-authority for this server",
            },
            authorization,
            server: target.server.clone(),
            timeout,
        })
    }

    /// GETs `path` (with its query) and parses the JSON answer, by `deadline`. An answer the
    /// server asks to repeat later (429, or a 5xx, with `Retry-After: <seconds>`) is
    /// repeated after that delay, up to [`MAX_RETRIES`] times, as client-go does
    /// (`checkWait` in rest/with_retry.go); a delay past the deadline is not waited for.
    pub fn get(
        &self,
        path: &str,
        accept: &str,
        deadline: Instant,
    ) -> Result<serde_json::Value, Failure> {
        let mut retries = 0;
        loop {
            let (code, retry_after, body) = self.send(path, accept, deadline)?;
            let json: Option<serde_json::Value> = serde_json::from_slice(&body).ok();
            if (200..300).contains(&code) {
                return json.ok_or_else(|| {
                    Failure::Transport(format!("the answer to GET {path} is not JSON"))
                });
            }
            let message = json
                .as_ref()
                .and_then(|j| j.get("message")?.as_str().map(one_line))
                .unwrap_or_else(|| {
                    ureq::http::StatusCode::from_u16(code)
                        .ok()
                        .and_then(|s| s.canonical_reason())
                        .unwrap_or("error")
                        .to_string()
                });
            let Some(wait) = retry_after.filter(|_| code == 429 || code >= 500) else {
                return Err(Failure::Status { code, message });
            };
            if retries == MAX_RETRIES {
                return Err(Failure::Status {
                    code,
                    message: format!("{message} (still refused after {MAX_RETRIES} retries)"),
                });
            }
            if Instant::now() + wait > deadline {
                return Err(Failure::TimedOut(format!(
                    "HTTP {code}: {message}; the server asks to retry after {}, past the {} of {}",
                    crate::net::show_duration(wait),
                    crate::net::show_duration(self.timeout),
                    self.wording.timeout_option
                )));
            }
            std::thread::sleep(wait);
            retries += 1;
        }
    }

    /// One GET: the status, the `Retry-After` delay in whole seconds, and the body.
    fn send(
        &self,
        path: &str,
        accept: &str,
        deadline: Instant,
    ) -> Result<(u16, Option<Duration>, Vec<u8>), Failure> {
        let failed = |e: ureq::Error| {
            let why = self.wording.describe(&e);
            if crate::net::is_timeout(&e) {
                Failure::TimedOut(why)
            } else {
                Failure::Transport(why)
            }
        };
        let remaining = deadline.saturating_duration_since(Instant::now());
        if remaining.is_zero() {
            return Err(failed(ureq::Error::Timeout(ureq::Timeout::Global)));
        }
        let url = format!("{}{path}", self.server);
        let mut request = self
            .agent
            .get(&url)
            .header("Accept", accept)
            .config()
            .timeout_global(Some(remaining.min(self.timeout)))
            .build();
        if let Some(authorization) = &self.authorization {
            request = request.header("Authorization", authorization);
        }
        let mut response = request.call().map_err(failed)?;
        let code = response.status().as_u16();
        let retry_after = response
            .headers()
            .get("Retry-After")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let limit = if (200..300).contains(&code) {
            MAX_BODY
        } else {
            MAX_ERROR_BODY
        };
        let body = response
            .body_mut()
            .with_config()
            .limit(limit)
            .read_to_vec()
            .map_err(failed)?;
        Ok((code, retry_after, body))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proxy_urls_as_kubectl_reads_them() {
        assert_eq!(
            proxy("socks5://127.0.0.1:1080").unwrap().protocol(),
            ureq::ProxyProtocol::Socks5h
        );
        assert_eq!(
            proxy("http://proxy:3128").unwrap().protocol(),
            ureq::ProxyProtocol::Http
        );
        assert!(
            proxy("https://proxy:443")
                .unwrap_err()
                .0
                .contains("https://")
        );
        assert!(
            proxy("ftp://proxy")
                .unwrap_err()
                .0
                .contains("must start with")
        );
    }
}
