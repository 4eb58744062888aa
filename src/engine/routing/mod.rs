//! Request routing: what a conformant Gateway does with one request, offline.
//!
//! A [`Router`] is built once from the model and the analysis (which routes attached where,
//! which backends resolve). It indexes every usable listener's routes by hostname and sorts
//! each hostname's rules in spec precedence (§7.4, §9), so routing a request looks up the
//! host and evaluates candidates in order, stopping at the first match. Results explain
//! themselves: the listener, route, rule and match that won, or the near misses of a 404.
//! Nothing here prints.

pub mod expect;
mod filters;
mod hostname;
mod matching;
pub mod requests;
mod router;
mod table;

pub use matching::{Pattern, RegexDialect, RegexSyntax};
pub use router::Router;

use crate::engine::conditions::{BackendVerdict, ListenerId, Unknown};
use crate::model::RouteKind;

/// The scheme of the connection to the Gateway.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    Http,
    Https,
}

impl Scheme {
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Http => "http",
            Scheme::Https => "https",
        }
    }
}

/// What kind of traffic the request is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RequestProtocol {
    #[default]
    Http,
    /// An HTTP/2 POST to `/SERVICE/METHOD`, matched by GRPCRoutes first.
    Grpc,
    /// A TLS connection (TLS listeners, TLSRoutes matched by SNI).
    Tls,
    Tcp,
    Udp,
}

impl RequestProtocol {
    pub fn as_str(self) -> &'static str {
        match self {
            RequestProtocol::Http => "http",
            RequestProtocol::Grpc => "grpc",
            RequestProtocol::Tls => "tls",
            RequestProtocol::Tcp => "tcp",
            RequestProtocol::Udp => "udp",
        }
    }
}

/// A namespace and a name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct NamespacedName {
    pub namespace: String,
    pub name: String,
}

impl std::fmt::Display for NamespacedName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.namespace, self.name)
    }
}

/// One request (or connection) to simulate.
#[derive(Debug, Clone)]
pub struct Request {
    /// `None`: every Gateway.
    pub gateway: Option<NamespacedName>,
    /// `None`: every port of the chosen Gateways with a listener for this protocol.
    pub port: Option<i64>,
    /// `None`: HTTP when the port has an HTTP listener, else HTTPS.
    pub scheme: Option<Scheme>,
    /// The Host header as sent (may carry `:port`, which is ignored for matching).
    /// `None`: the Gateway's address, which matches no hostname.
    pub host: Option<String>,
    /// TLS SNI; `None` = the Host without its port.
    pub sni: Option<String>,
    pub method: String,
    /// The path; a `?query` part is split off and added to `query`.
    pub path: String,
    pub query: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    /// `(service, method)` of a gRPC call.
    pub grpc: Option<(String, String)>,
    pub protocol: RequestProtocol,
    /// Headers the backend puts in its response, before ResponseHeaderModifier filters.
    pub backend_response_headers: Vec<(String, String)>,
    /// An east-west request (`simulate --mesh`): routed by the mesh to a Service, not
    /// through a Gateway; `port` is the Service's port.
    pub mesh: Option<MeshTarget>,
}

/// Where an east-west request goes: Service `service`, from a workload of namespace
/// `from` (`None` in a request: the Service's own namespace).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeshTarget {
    pub service: NamespacedName,
    pub from: Option<String>,
}

impl Default for Request {
    fn default() -> Self {
        Request {
            gateway: None,
            port: None,
            scheme: None,
            host: None,
            sni: None,
            method: "GET".to_string(),
            path: "/".to_string(),
            query: Vec::new(),
            headers: Vec::new(),
            grpc: None,
            protocol: RequestProtocol::Http,
            backend_response_headers: Vec::new(),
            mesh: None,
        }
    }
}

/// What the Gateway does with the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Sent to a backend.
    Routed,
    /// 404 (gRPC: `Unimplemented`).
    NotFound,
    /// A RequestRedirect answered with 3xx.
    Redirect,
    /// The Gateway answered by itself (a CORS preflight).
    DirectResponse,
    /// 500: the matched rule has no usable backend.
    BackendError,
    /// 421: HTTPS whose Host belongs to another listener than its SNI.
    Misdirected,
    /// The connection is refused: no listener or route takes it (TLS, TCP, UDP), or the
    /// TLS handshake fails (unknown SNI).
    Refused,
    /// What decides the outcome is not in the input (a GatewayClass, Namespace labels, a
    /// Secret, a Service): the result names it in `unknowns`.
    Undetermined,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Routed => "Routed",
            Outcome::NotFound => "NotFound",
            Outcome::Redirect => "Redirect",
            Outcome::DirectResponse => "DirectResponse",
            Outcome::BackendError => "BackendError",
            Outcome::Misdirected => "Misdirected",
            Outcome::Refused => "Refused",
            Outcome::Undetermined => "Undetermined",
        }
    }

    /// The outcome in the closed vocabulary of the `gwctl/v1` SimulationReport (`Routed`,
    /// `NotFound`, `Redirect`, `DirectResponse`, `BackendError`, `Undetermined`): a 421 is the Gateway
    /// answering by itself, a refused connection is a request nothing takes. The finer
    /// name goes in `outcomeDetail`.
    pub fn report_name(self) -> &'static str {
        match self {
            Outcome::Misdirected => "DirectResponse",
            Outcome::Refused => "NotFound",
            other => other.as_str(),
        }
    }
}

/// gRPC status of a gRPC call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrpcStatus {
    Ok,
    Unimplemented,
    Unavailable,
}

impl GrpcStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            GrpcStatus::Ok => "OK",
            GrpcStatus::Unimplemented => "Unimplemented",
            GrpcStatus::Unavailable => "Unavailable",
        }
    }
}

/// The listener that took the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListenerRef {
    pub id: ListenerId,
    /// `Gateway` or `ListenerSet`.
    pub owner_kind: &'static str,
    pub owner: NamespacedName,
    pub name: String,
    pub hostname: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RouteRef {
    pub kind: RouteKind,
    pub namespace: String,
    pub name: String,
}

impl std::fmt::Display for RouteRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}/{}", self.kind.as_str(), self.namespace, self.name)
    }
}

/// The request as a backend receives it, after filters.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BackendRequest {
    /// The Host header (`""` when the request had none).
    pub host: String,
    /// Without the query string.
    pub path: String,
    pub method: String,
    /// In order; several values of one header are joined with `,`.
    pub headers: Vec<(String, String)>,
}

impl BackendRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// One backendRef of the matched rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Backend {
    pub group: String,
    pub kind: String,
    pub namespace: String,
    pub name: String,
    pub port: Option<i64>,
    pub weight: i64,
    pub verdict: BackendVerdict,
    /// The request this backend receives (after its own `filters`).
    pub request: Option<BackendRequest>,
}

impl Backend {
    /// Receives traffic: resolves (or cannot be checked offline) and has a weight.
    pub fn receives_traffic(&self) -> bool {
        self.weight > 0 && !matches!(self.verdict, BackendVerdict::Invalid { .. })
    }
}

/// A RequestMirror target.
#[derive(Debug, Clone, PartialEq)]
pub struct Mirror {
    pub namespace: String,
    pub name: String,
    pub port: Option<i64>,
    pub percent: f64,
}

/// A route that would take the request but does not: not attached to the listener, or one
/// condition of a match fails.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NearMiss {
    pub route: RouteRef,
    /// The route condition reason (`NotAllowedByListeners`, ...) or the failed condition
    /// (`path`, `method`, `header`, `query`, `hostname`, `listener`).
    pub reason: String,
    pub message: String,
}

/// What happens to the request on one (Gateway, port).
#[derive(Debug, Clone, PartialEq)]
pub struct RouteResult {
    pub gateway: NamespacedName,
    pub port: Option<i64>,
    pub listener: Option<ListenerRef>,
    pub outcome: Outcome,
    /// `None` for TLS/TCP/UDP connections.
    pub status_code: Option<u16>,
    pub grpc_status: Option<GrpcStatus>,
    pub location: Option<String>,
    pub route: Option<RouteRef>,
    pub rule_index: Option<usize>,
    pub match_index: Option<usize>,
    pub backends: Vec<Backend>,
    /// The request the (first) backend receives.
    pub backend_request: Option<BackendRequest>,
    pub response_headers: Vec<(String, String)>,
    pub mirrors: Vec<Mirror>,
    pub near_misses: Vec<NearMiss>,
    pub explanation: Vec<String>,
    /// For an `Undetermined` result: the objects that would decide it.
    pub unknowns: Vec<Unknown>,
    /// For an east-west request: the Service and the client namespace (always set) it was
    /// routed for; `gateway` is then empty.
    pub mesh: Option<MeshTarget>,
}

impl RouteResult {
    /// A result with only its Gateway, port and outcome; the router fills in the rest.
    pub(crate) fn new(gateway: NamespacedName, port: Option<i64>, outcome: Outcome) -> Self {
        RouteResult {
            gateway,
            port,
            listener: None,
            outcome,
            status_code: None,
            grpc_status: None,
            location: None,
            route: None,
            rule_index: None,
            match_index: None,
            backends: Vec::new(),
            backend_request: None,
            response_headers: Vec::new(),
            mirrors: Vec::new(),
            near_misses: Vec::new(),
            explanation: Vec::new(),
            unknowns: Vec::new(),
            mesh: None,
        }
    }

    /// Turns the result into an `Undetermined` one that `unknowns` decide: no status code,
    /// no definite route or backend request.
    pub(crate) fn undetermined(mut self, unknowns: Vec<Unknown>) -> Self {
        self.outcome = Outcome::Undetermined;
        self.status_code = None;
        self.grpc_status = None;
        self.location = None;
        self.backend_request = None;
        self.response_headers.clear();
        self.unknowns = unknowns;
        self.unknowns.sort();
        self.unknowns.dedup();
        self
    }

    /// Whether the request reached a listener that serves its host (or takes the
    /// connection): when several Gateways could take a request, these results decide.
    pub fn listener_matched(&self) -> bool {
        self.listener.is_some()
    }

    /// A 2xx/3xx answer (or a connection that reaches a backend) and, for gRPC, status OK.
    pub fn is_success(&self) -> bool {
        let status_ok = match self.status_code {
            Some(code) => (200..400).contains(&code),
            None => self.outcome == Outcome::Routed,
        };
        status_ok && self.grpc_status.is_none_or(|s| s == GrpcStatus::Ok)
    }

    /// The backends that receive traffic.
    pub fn receiving_backends(&self) -> impl Iterator<Item = &Backend> {
        self.backends.iter().filter(|b| b.receives_traffic())
    }
}

#[cfg(test)]
mod tests;
