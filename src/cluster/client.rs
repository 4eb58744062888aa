//! A read-only HTTP client for the API server: GET with the target's TLS settings and
//! credentials, a per-request timeout, and failures worded for one-line messages.

use std::time::Duration;

use base64::Engine as _;
use ureq::tls::{Certificate, ClientCert, PrivateKey, RootCerts};

use super::ClusterError;
use super::kubeconfig::{Auth, Target};

/// Largest response body read (a page of a list).
const MAX_BODY: u64 = 512 * 1024 * 1024;

pub struct Client {
    agent: ureq::Agent,
    wording: crate::net::Wording,
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

/// The certificates of the kubeconfig's `what` (a PEM blob).
fn certificates(pem: &[u8], what: &str) -> Result<Vec<Certificate<'static>>, ClusterError> {
    crate::net::certificates(pem, what).map_err(|e| ClusterError(format!("the kubeconfig's {e}")))
}

impl Client {
    pub fn new(target: &Target, timeout: Duration) -> Result<Self, ClusterError> {
        let mut tls = crate::net::tls(target.insecure);
        if let Some(ca) = &target.ca_pem {
            let roots = certificates(ca, "certificate-authority")?;
            tls = tls.root_certs(RootCerts::new_with_certs(&roots));
        }
        if let (Some(cert), Some(key)) = (&target.client_cert_pem, &target.client_key_pem) {
            let chain = certificates(cert, "client-certificate")?;
            let key = PrivateKey::from_pem(key).map_err(|e| {
                ClusterError(format!("the kubeconfig's client-key is not valid PEM: {e}"))
            })?;
            tls = tls.client_cert(Some(ClientCert::new_with_certs(&chain, key)));
        }
        let agent = crate::net::agent_config(tls.build(), timeout)
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
            wording: crate::net::Wording {
                timeout,
                timeout_option: "--request-timeout",
                certificate_hint: "check the kubeconfig's certificate-authority for this server",
            },
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
            .map_err(|e| Failure::Transport(self.wording.describe(&e)))?;
        let code = response.status().as_u16();
        let body = response
            .body_mut()
            .with_config()
            .limit(MAX_BODY)
            .read_to_vec()
            .map_err(|e| Failure::Transport(self.wording.describe(&e)))?;
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
