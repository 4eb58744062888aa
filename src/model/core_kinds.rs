//! Core Kubernetes kinds the engine reads: Namespaces (labels), Services (ports), Secrets
//! and ConfigMaps (keys only).

use super::Meta;

#[derive(Debug, Clone)]
pub struct Namespace {
    /// `labels` include `kubernetes.io/metadata.name`, as the API server adds it.
    pub meta: Meta,
}

#[derive(Debug, Clone)]
pub struct Service {
    pub meta: Meta,
    /// `spec.type`, e.g. `ClusterIP`, `ExternalName`.
    pub service_type: Option<String>,
    pub external_name: Option<String>,
    pub ports: Vec<ServicePort>,
}

#[derive(Debug, Clone)]
pub struct ServicePort {
    pub name: Option<String>,
    pub port: Option<i64>,
    /// `TCP` (default), `UDP`, `SCTP`.
    pub protocol: String,
    pub app_protocol: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Secret {
    pub meta: Meta,
    /// `type`, default `Opaque`.
    pub secret_type: String,
    /// Keys of `data` and `stringData`.
    pub keys: Vec<String>,
    /// What `tls.crt` and `tls.key` hold, when the Secret was read with both: only the
    /// verdicts and the certificate's DNS names are kept, never the data. `None` when they
    /// are absent or were not read (cluster metadata).
    pub tls: Option<TlsData>,
    /// Why `ca.crt` holds no valid certificate, when it was read and holds none.
    pub ca_problem: Option<String>,
}

/// The verdicts on the `tls.crt` and `tls.key` of a Secret.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TlsData {
    /// Both values are non-empty.
    pub present: bool,
    /// Why the values are not a PEM certificate and a PEM private key, if they are not.
    pub pem_problem: Option<String>,
    /// Why they cannot be a certificate and its private key, parsed and paired.
    pub x509_problem: Option<String>,
    /// The certificate's DNS names (subjectAltName).
    pub dns_names: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct ConfigMap {
    pub meta: Meta,
    /// Keys of `data` and `binaryData`.
    pub keys: Vec<String>,
    /// Why `ca.crt` holds no valid certificate, when it holds none.
    pub ca_problem: Option<String>,
}
