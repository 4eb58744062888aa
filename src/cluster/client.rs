//! A read-only HTTP client for the API server: GET with the target's TLS settings and
//! credentials, a per-request timeout, and failures worded for one-line messages.

use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use ureq::tls::{Certificate, ClientCert, PemItem, PrivateKey, RootCerts, TlsConfig};

use super::ClusterError;
use super::kubeconfig::{Auth, Target};

/// Largest response body read (a page of a list).
const MAX_BODY: u64 = 512 * 1024 * 1024;

pub struct Client {
    agent: ureq::Agent,
    authorization: Option<String>,
    pub server: String,
}

/// Why a request failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The server answered with an error status; `message` is from its `Status` body.
    Status { code: u16, message: String },
    /// No usable answer: unreachable, TLS, timeout, a body that is not JSON.
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
            Failure::Transport(why) => why.clone(),
        }
    }
}

fn pem_error(what: &str, e: impl std::fmt::Display) -> ClusterError {
    ClusterError(format!("the kubeconfig's {what} is not valid PEM: {e}"))
}

fn certificates(pem: &[u8], what: &str) -> Result<Vec<Certificate<'static>>, ClusterError> {
    let mut certs = Vec::new();
    for item in ureq::tls::parse_pem(pem) {
        if let PemItem::Certificate(c) = item.map_err(|e| pem_error(what, e))? {
            certs.push(c);
        }
    }
    if certs.is_empty() {
        return Err(pem_error(what, "no certificate found"));
    }
    Ok(certs)
}

impl Client {
    pub fn new(target: &Target, timeout: Duration) -> Result<Self, ClusterError> {
        let mut tls = TlsConfig::builder()
            .unversioned_rustls_crypto_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .disable_verification(target.insecure);
        let roots = match &target.ca_pem {
            Some(ca) => certificates(ca, "certificate-authority")?,
            None => system_roots(),
        };
        tls = tls.root_certs(RootCerts::new_with_certs(&roots));
        if let (Some(cert), Some(key)) = (&target.client_cert_pem, &target.client_key_pem) {
            let chain = certificates(cert, "client-certificate")?;
            let key = PrivateKey::from_pem(key).map_err(|e| pem_error("client-key", e))?;
            tls = tls.client_cert(Some(ClientCert::new_with_certs(&chain, key)));
        }
        let agent = ureq::Agent::config_builder()
            .tls_config(tls.build())
            .timeout_global(Some(timeout))
            .http_status_as_error(false)
            .user_agent(concat!("gwctl/", env!("CARGO_PKG_VERSION")))
            .build()
            .new_agent();
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
            authorization,
            server: target.server.clone(),
        })
    }

    /// GETs `path` (with its query) and parses the JSON answer.
    pub fn get(&self, path: &str, accept: &str) -> Result<serde_json::Value, Failure> {
        let url = format!("{}{path}", self.server);
        let mut request = self.agent.get(&url).header("Accept", accept);
        if let Some(authorization) = &self.authorization {
            request = request.header("Authorization", authorization);
        }
        let mut response = request
            .call()
            .map_err(|e| Failure::Transport(transport(&e)))?;
        let code = response.status().as_u16();
        let body = response
            .body_mut()
            .with_config()
            .limit(MAX_BODY)
            .read_to_vec()
            .map_err(|e| Failure::Transport(transport(&e)))?;
        let json: Option<serde_json::Value> = serde_json::from_slice(&body).ok();
        if !(200..300).contains(&code) {
            let message = json
                .as_ref()
                .and_then(|j| j.get("message")?.as_str().map(str::to_string))
                .unwrap_or_else(|| {
                    response
                        .status()
                        .canonical_reason()
                        .unwrap_or("error")
                        .to_string()
                });
            return Err(Failure::Status { code, message });
        }
        json.ok_or_else(|| Failure::Transport(format!("the answer to GET {path} is not JSON")))
    }
}

/// The system CA bundle, for a server the kubeconfig gives no CA for (`$SSL_CERT_FILE`,
/// else the usual Linux locations). None found: no root, so the handshake fails clearly.
fn system_roots() -> Vec<Certificate<'static>> {
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

fn tls_failure(error: &rustls::Error) -> String {
    let hint = match error {
        rustls::Error::InvalidCertificate(_) => {
            " (check the kubeconfig's certificate-authority for this server)"
        }
        _ => "",
    };
    format!("TLS handshake failed: {error}{hint}")
}

/// A transport error in words a user can act on.
fn transport(error: &ureq::Error) -> String {
    match error {
        ureq::Error::Timeout(_) => "the request timed out (see --request-timeout)".to_string(),
        ureq::Error::HostNotFound => "the host name does not resolve".to_string(),
        ureq::Error::ConnectionFailed => "the connection failed".to_string(),
        ureq::Error::Io(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
            "connection refused (is the API server running and the address right?)".to_string()
        }
        ureq::Error::Io(e) if e.kind() == std::io::ErrorKind::TimedOut => {
            "the request timed out (see --request-timeout)".to_string()
        }
        ureq::Error::Io(e) => match e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) {
            Some(tls) => tls_failure(tls),
            None => e.to_string(),
        },
        ureq::Error::Rustls(e) => tls_failure(e),
        ureq::Error::Tls(e) => format!("TLS failed: {e}"),
        other => other.to_string(),
    }
}
