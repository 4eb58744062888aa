//! The view of `gwctl simulate`: each request with where it went on every (Gateway, port)
//! and how the `--expect-*` or `--requests` checks came out.
//!
//! A case's view is built only while that case is written: a run of 100,000 requests never
//! holds the whole view.

use std::borrow::Cow;

use serde::{Serialize, Serializer};

use super::{NameView, Pairs, Repeated};
use crate::engine::routing::expect::{Check, status_text};
use crate::engine::routing::{
    Backend, BackendRequest, MeshTarget, Mirror, NearMiss, Outcome, Request, RequestProtocol,
    RouteRef, RouteResult,
};
use crate::engine::{BackendVerdict, Unknown};

/// One request with its results and checks: what a case's view is built from.
#[derive(Debug, Clone, Copy)]
pub struct Case<'a> {
    pub name: &'a str,
    pub request: &'a Request,
    pub results: &'a [RouteResult],
    pub checks: &'a [Check],
    /// The checks are the implicit ones of a request without expectations (each result
    /// succeeds): the verdict and JUnit's failures read them, the trace and JSON leave
    /// them out.
    pub implicit: bool,
}

impl Case<'_> {
    pub fn passed(&self) -> bool {
        self.checks.iter().all(|c| c.passed)
    }
}

/// What `gwctl simulate` renders: one request (its checks from `--expect-*`), or the
/// requests of a `--requests` file.
#[derive(Debug, Clone, Copy)]
pub enum Simulation<'a> {
    Request(Case<'a>),
    Suite(&'a [Case<'a>]),
}

/// The counts of a `--requests` run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SuiteSummary {
    pub requests: usize,
    pub passed: usize,
    pub failed: usize,
}

impl SuiteSummary {
    pub fn new(cases: &[Case<'_>]) -> Self {
        let passed = cases.iter().filter(|c| c.passed()).count();
        SuiteSummary {
            requests: cases.len(),
            passed,
            failed: cases.len() - passed,
        }
    }
}

/// One request as every format renders it.
#[derive(Debug, Serialize)]
pub struct CaseView<'a> {
    pub name: &'a str,
    pub passed: bool,
    pub request: RequestView<'a>,
    pub checks: Vec<ExpectationView<'a>>,
    pub results: Vec<ResultView<'a>>,
    /// See [`Case::implicit`].
    #[serde(skip)]
    pub implicit: bool,
}

impl<'a> CaseView<'a> {
    pub fn new(case: &Case<'a>) -> Self {
        CaseView {
            name: case.name,
            passed: case.passed(),
            request: RequestView::new(case.request),
            checks: case.checks.iter().map(ExpectationView::new).collect(),
            results: case.results.iter().map(ResultView::new).collect(),
            implicit: case.implicit,
        }
    }
}

/// An expectation and how it came out.
#[derive(Debug, Serialize)]
pub struct ExpectationView<'a> {
    /// `status`, `backend`, `location`, `path`, `header NAME`, or `success`.
    #[serde(rename = "check")]
    pub what: &'a str,
    pub expected: &'a str,
    pub actual: &'a str,
    pub passed: bool,
}

impl<'a> ExpectationView<'a> {
    fn new(check: &'a Check) -> Self {
        ExpectationView {
            what: &check.what,
            expected: &check.expected,
            actual: &check.actual,
            passed: check.passed,
        }
    }
}

/// The request as simulated: the path without its query, which joins `query`.
#[derive(Debug, Serialize)]
pub struct RequestView<'a> {
    /// The Host header; written `""` when there is none.
    #[serde(serialize_with = "or_empty")]
    pub host: Option<&'a str>,
    pub method: &'a str,
    pub path: &'a str,
    pub headers: Pairs<'a>,
    pub query: Pairs<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gateway: Option<NameView<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scheme: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sni: Option<&'a str>,
    #[serde(skip_serializing_if = "is_http", serialize_with = "protocol_name")]
    pub protocol: RequestProtocol,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grpc: Option<GrpcCallView<'a>>,
    /// An east-west request (`--mesh`): the Service and the client's namespace.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mesh: Option<MeshView<'a>>,
}

/// Where an east-west request goes: `{"service": {"namespace", "name"}, "from"}` (`from`
/// absent in a request that leaves it to the Service's namespace).
#[derive(Debug, Serialize)]
pub struct MeshView<'a> {
    pub service: NameView<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<&'a str>,
}

impl<'a> MeshView<'a> {
    fn new(target: &'a MeshTarget) -> Self {
        MeshView {
            service: NameView::new(&target.service),
            from: target.from.as_deref(),
        }
    }
}

/// A gRPC call.
#[derive(Debug, Serialize)]
pub struct GrpcCallView<'a> {
    pub service: &'a str,
    pub method: &'a str,
}

impl<'a> RequestView<'a> {
    fn new(request: &'a Request) -> Self {
        let (path, query) = split_query(request);
        RequestView {
            host: request.host.as_deref(),
            method: &request.method,
            path,
            headers: joined(Cow::Borrowed(&request.headers)),
            query: joined(query),
            gateway: request.gateway.as_ref().map(NameView::new),
            port: request.port,
            scheme: request.scheme.map(|s| s.as_str()),
            sni: request.sni.as_deref(),
            protocol: request.protocol,
            grpc: (request.grpc.as_ref()).map(|(service, method)| GrpcCallView { service, method }),
            mesh: request.mesh.as_ref().map(MeshView::new),
        }
    }
}

/// The path without its `?query`, and the query: the path's parameters, then `query`'s.
fn split_query(request: &Request) -> (&str, Cow<'_, [(String, String)]>) {
    let Some((path, raw)) = request.path.split_once('?') else {
        return (&request.path, Cow::Borrowed(&request.query));
    };
    let mut query: Vec<(String, String)> = raw
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (k.to_string(), v.to_string())
        })
        .collect();
    query.extend(request.query.iter().cloned());
    (path, Cow::Owned(query))
}

/// Several values of one name joined with `,`, as the report format says.
fn joined(items: Cow<'_, [(String, String)]>) -> Pairs<'_> {
    Pairs {
        items,
        repeated: Repeated::Joined,
    }
}

/// What one (Gateway, port) does with the request.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResultView<'a> {
    /// `null` for an east-west request, which `mesh` describes.
    pub gateway: Option<NameView<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mesh: Option<MeshView<'a>>,
    pub port: Option<i64>,
    pub listener: Option<&'a str>,
    /// The ListenerSet of the listener, when not the Gateway's own.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listener_set: Option<NameView<'a>>,
    #[serde(serialize_with = "report_name")]
    pub outcome: Outcome,
    /// The finer outcome, when the report's vocabulary has none for it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome_detail: Option<&'static str>,
    pub status_code: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grpc_status: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<&'a str>,
    pub route: Option<RouteRefView<'a>>,
    pub rule_index: Option<usize>,
    pub match_index: Option<usize>,
    pub backends: Vec<BackendView<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backend_request: Option<BackendRequestView<'a>>,
    pub response_headers: Pairs<'a>,
    pub mirrors: Vec<MirrorView<'a>>,
    pub near_misses: Vec<NearMissView<'a>>,
    pub explanation: &'a [String],
    /// For an `Undetermined` result: what would decide it.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub unknowns: &'a [Unknown],
    /// A 2xx/3xx answer (or a connection that reaches a backend), gRPC status OK.
    #[serde(skip)]
    pub success: bool,
    /// `200`, `404 (Unimplemented)`, or the outcome of a connection.
    #[serde(skip)]
    pub status: String,
}

impl<'a> ResultView<'a> {
    /// What the request went through: `Gateway ns/name`, or `Service ns/name (from ns)`.
    pub fn through(&self) -> String {
        match (&self.gateway, &self.mesh) {
            (_, Some(mesh)) => format!(
                "Service {}{}",
                mesh.service,
                mesh.from
                    .map(|f| format!(" (from {f})"))
                    .unwrap_or_default()
            ),
            (Some(gateway), None) => format!("Gateway {gateway}"),
            (None, None) => String::new(),
        }
    }
    /// `ns/name` of the Gateway or the Service.
    pub fn target_name(&self) -> String {
        match (&self.gateway, &self.mesh) {
            (_, Some(mesh)) => mesh.service.to_string(),
            (Some(gateway), None) => gateway.to_string(),
            (None, None) => String::new(),
        }
    }
    /// The Gateway's or the Service's name, for one table cell.
    pub fn short_name(&self) -> &'a str {
        match (&self.gateway, &self.mesh) {
            (_, Some(mesh)) => mesh.service.name,
            (Some(gateway), None) => gateway.name,
            (None, None) => "",
        }
    }
    fn new(result: &'a RouteResult) -> Self {
        let outcome = result.outcome;
        ResultView {
            gateway: result
                .mesh
                .is_none()
                .then(|| NameView::new(&result.gateway)),
            mesh: result.mesh.as_ref().map(MeshView::new),
            port: result.port,
            listener: result.listener.as_ref().map(|l| l.name.as_str()),
            listener_set: (result.listener.as_ref())
                .filter(|l| l.owner_kind != "Gateway")
                .map(|l| NameView::new(&l.owner)),
            outcome,
            outcome_detail: (outcome.report_name() != outcome.as_str()).then(|| outcome.as_str()),
            status_code: result.status_code,
            grpc_status: result.grpc_status.map(|g| g.as_str()),
            location: result.location.as_deref(),
            route: result.route.as_ref().map(RouteRefView::new),
            rule_index: result.rule_index,
            match_index: result.match_index,
            backends: result.backends.iter().map(BackendView::new).collect(),
            backend_request: result.backend_request.as_ref().map(BackendRequestView::new),
            response_headers: joined(Cow::Borrowed(&result.response_headers)),
            mirrors: result.mirrors.iter().map(MirrorView::new).collect(),
            near_misses: result.near_misses.iter().map(NearMissView::new).collect(),
            explanation: &result.explanation,
            unknowns: &result.unknowns,
            success: result.is_success(),
            status: status_text(result),
        }
    }
}

/// A route, `{"kind", "namespace", "name"}`; shown as `HTTPRoute ns/name`.
#[derive(Debug, Serialize)]
pub struct RouteRefView<'a> {
    pub kind: &'static str,
    pub namespace: &'a str,
    pub name: &'a str,
}

impl<'a> RouteRefView<'a> {
    fn new(route: &'a RouteRef) -> Self {
        RouteRefView {
            kind: route.kind.as_str(),
            namespace: &route.namespace,
            name: &route.name,
        }
    }
}

impl std::fmt::Display for RouteRefView<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}/{}", self.kind, self.namespace, self.name)
    }
}

#[derive(Debug, Serialize)]
pub struct BackendView<'a> {
    pub kind: &'a str,
    pub namespace: &'a str,
    pub name: &'a str,
    pub port: Option<i64>,
    pub weight: i64,
    /// Why the backend takes no traffic (its ResolvedRefs reason).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invalid: Option<InvalidView<'a>>,
}

#[derive(Debug, Serialize)]
pub struct InvalidView<'a> {
    pub reason: &'a str,
    pub message: &'a str,
}

impl<'a> BackendView<'a> {
    fn new(backend: &'a Backend) -> Self {
        BackendView {
            kind: &backend.kind,
            namespace: &backend.namespace,
            name: &backend.name,
            port: backend.port,
            weight: backend.weight,
            invalid: match &backend.verdict {
                BackendVerdict::Invalid { reason, message } => {
                    Some(InvalidView { reason, message })
                }
                _ => None,
            },
        }
    }
}

/// The request as the backend receives it, after filters.
#[derive(Debug, Serialize)]
pub struct BackendRequestView<'a> {
    /// `""` when the request had no Host.
    pub host: &'a str,
    pub path: &'a str,
    pub method: &'a str,
    pub headers: Pairs<'a>,
}

impl<'a> BackendRequestView<'a> {
    fn new(sent: &'a BackendRequest) -> Self {
        BackendRequestView {
            host: &sent.host,
            path: &sent.path,
            method: &sent.method,
            headers: joined(Cow::Borrowed(&sent.headers)),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct MirrorView<'a> {
    pub namespace: &'a str,
    pub name: &'a str,
    pub port: Option<i64>,
    pub percent: f64,
}

impl<'a> MirrorView<'a> {
    fn new(mirror: &'a Mirror) -> Self {
        MirrorView {
            namespace: &mirror.namespace,
            name: &mirror.name,
            port: mirror.port,
            percent: mirror.percent,
        }
    }
}

/// A route that would take the request but does not, and why.
#[derive(Debug, Serialize)]
pub struct NearMissView<'a> {
    pub route: RouteRefView<'a>,
    pub reason: &'a str,
    pub message: &'a str,
}

impl<'a> NearMissView<'a> {
    fn new(near_miss: &'a NearMiss) -> Self {
        NearMissView {
            route: RouteRefView::new(&near_miss.route),
            reason: &near_miss.reason,
            message: &near_miss.message,
        }
    }
}

fn or_empty<S: Serializer>(value: &Option<&str>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(value.unwrap_or_default())
}

fn is_http(protocol: &RequestProtocol) -> bool {
    *protocol == RequestProtocol::Http
}

fn protocol_name<S: Serializer>(protocol: &RequestProtocol, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(protocol.as_str())
}

fn report_name<S: Serializer>(outcome: &Outcome, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(outcome.report_name())
}
