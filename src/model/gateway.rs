//! GatewayClass, Gateway and ListenerSet, with their listeners.

use std::collections::BTreeMap;

use super::{GroupKind, Known, Meta, ParentRef};

#[derive(Debug, Clone)]
pub struct GatewayClass {
    pub meta: Meta,
    pub controller_name: Option<String>,
    pub parameters_ref: Option<ParametersRef>,
}

#[derive(Debug, Clone)]
pub struct ParametersRef {
    pub group: String,
    pub kind: String,
    pub name: String,
    pub namespace: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Gateway {
    pub meta: Meta,
    pub gateway_class_name: Option<String>,
    pub listeners: Vec<Listener>,
    /// `spec.allowedListeners` (ListenerSets); `from` defaults to `None`.
    pub allowed_listeners: RouteNamespaces,
    pub addresses: Vec<GatewayAddress>,
    pub infrastructure_parameters_ref: Option<ParametersRef>,
    /// `spec.tls` (Gateway-level frontend client validation and backend client certificate).
    pub tls: Option<GatewayTls>,
}

#[derive(Debug, Clone)]
pub struct GatewayAddress {
    /// Default `IPAddress`.
    pub address_type: String,
    pub value: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct GatewayTls {
    /// `spec.tls.frontend.default.validation`.
    pub frontend_default: Option<FrontendValidation>,
    /// `spec.tls.frontend.perPort[]`: port and validation.
    pub frontend_per_port: Vec<(Option<i64>, FrontendValidation)>,
    /// `spec.tls.backend.clientCertificateRef`.
    pub backend_client_certificate: Option<ObjectRef>,
}

#[derive(Debug, Clone, Default)]
pub struct FrontendValidation {
    pub ca_certificate_refs: Vec<ObjectRef>,
    /// `AllowValidOnly` (default) or `AllowInsecureFallback`.
    pub mode: Option<String>,
}

/// A reference to a (possibly namespaced) object: certificateRefs, caCertificateRefs...
/// `group` and `kind` carry their CRD defaults (e.g. `""`/`Secret` for certificateRefs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectRef {
    pub group: String,
    pub kind: String,
    pub name: String,
    /// `None` = the referrer's namespace.
    pub namespace: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Protocol {
    Http,
    Https,
    Tls,
    Tcp,
    Udp,
}

impl Protocol {
    /// The core protocols, in the order the docs list them.
    pub const ALL: [Protocol; 5] = [
        Protocol::Http,
        Protocol::Https,
        Protocol::Tls,
        Protocol::Tcp,
        Protocol::Udp,
    ];

    /// The core protocol spelled exactly `name` (protocols are case-sensitive).
    pub fn from_name(name: &str) -> Option<Protocol> {
        Protocol::ALL.into_iter().find(|p| p.as_str() == name)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Http => "HTTP",
            Protocol::Https => "HTTPS",
            Protocol::Tls => "TLS",
            Protocol::Tcp => "TCP",
            Protocol::Udp => "UDP",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsMode {
    Terminate,
    Passthrough,
}

/// A listener of a Gateway or a ListenerSet (`spec.listeners[index]`).
#[derive(Debug, Clone)]
pub struct Listener {
    pub index: usize,
    pub name: String,
    pub hostname: Option<String>,
    /// `None` when missing or not a valid number (already reported).
    pub port: Option<i64>,
    /// Unknown protocols (domain-prefixed or typos) are kept as written.
    pub protocol: Known<Protocol>,
    pub tls: Option<ListenerTls>,
    pub allowed_routes: AllowedRoutes,
}

#[derive(Debug, Clone)]
pub struct ListenerTls {
    /// Defaults to `Terminate`.
    pub mode: Known<TlsMode>,
    pub certificate_refs: Vec<ObjectRef>,
    pub options: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default)]
pub struct AllowedRoutes {
    /// `from` defaults to `Same`.
    pub namespaces: RouteNamespaces,
    /// `None` when `kinds` is absent (the protocol's defaults apply); `group` defaults to
    /// `gateway.networking.k8s.io`.
    pub kinds: Option<Vec<GroupKind>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FromNamespaces {
    All,
    Same,
    Selector,
    None,
}

#[derive(Debug, Clone)]
pub struct RouteNamespaces {
    pub from: Known<FromNamespaces>,
    pub selector: Option<LabelSelector>,
}

impl Default for RouteNamespaces {
    fn default() -> Self {
        RouteNamespaces {
            from: Known::Known(FromNamespaces::Same),
            selector: None,
        }
    }
}

/// A Kubernetes `LabelSelector`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LabelSelector {
    pub match_labels: BTreeMap<String, String>,
    pub match_expressions: Vec<LabelSelectorRequirement>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LabelSelectorRequirement {
    pub key: String,
    /// `In`, `NotIn`, `Exists`, `DoesNotExist`.
    pub operator: Known<SelectorOperator>,
    pub values: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SelectorOperator {
    In,
    NotIn,
    Exists,
    DoesNotExist,
}

#[derive(Debug, Clone)]
pub struct ListenerSet {
    pub meta: Meta,
    /// `spec.parentRef`; group defaults to `gateway.networking.k8s.io`, kind to `Gateway`,
    /// namespace to the ListenerSet's.
    pub parent_ref: ParentRef,
    pub listeners: Vec<Listener>,
}
