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
    /// For `kubernetes.io/tls` Secrets read with their data: why `tls.crt`/`tls.key` cannot
    /// be a certificate and key (not PEM, or identical). Only this verdict is kept, never
    /// the data; `None` when the data looks right or was not read (cluster metadata).
    pub tls_data_problem: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ConfigMap {
    pub meta: Meta,
    /// Keys of `data` and `binaryData`.
    pub keys: Vec<String>,
}
