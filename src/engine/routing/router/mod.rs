//! The routing tables and the request walk: Gateway → port → listener → route/rule/match →
//! backends, or the explained reason why not. The tables are built in [`build`]; a request
//! is walked by [`http`] (HTTP and gRPC) or [`l4`] (TLS, TCP, UDP), and a 404 explained by
//! [`near_miss`].

mod build;
mod http;
mod l4;
mod mesh;
mod near_miss;
mod selection;

use std::collections::HashMap;

use crate::engine::Analysis;
use crate::engine::conditions::{BackendVerdict, Unknown};
use crate::model::{Protocol, Route, RouteRule, World};

use super::filters::Applied;
use super::hostname::{host_matches, listener_specificity, normalize_host};
use super::matching::{CompiledRoute, Incoming, Matcher, RegexWork};
use super::table::HostTable;
use super::{
    Backend, ListenerRef, NamespacedName, Outcome, Request, RequestProtocol, RouteRef, RouteResult,
    Scheme,
};

/// One rule match of an attached route: the unit the precedence order sorts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Candidate {
    route: u32,
    rule: u32,
    matcher: u32,
    /// The dialect its Gateway compiles regular expressions in: a position in
    /// `Router::compiled`.
    dialect: u32,
    /// For a route that attaches only if objects the input lacks say so: its position in
    /// `Analysis::pending`.
    pending: Option<u32>,
}

/// A match of a route whose parentRef was refused: `refusal` indexes `Analysis::refusals`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Refused {
    refusal: u32,
    candidate: Candidate,
}

#[derive(Debug)]
struct ListenerIndex {
    reference: ListenerRef,
    port: Option<i64>,
    protocol: Option<Protocol>,
    /// Lowercased.
    hostname: Option<String>,
    usable: bool,
    /// For a listener whose use depends on objects the input lacks: those objects. Such a
    /// listener is selected like a usable one, and a request it takes is `Undetermined`.
    unknowns: Vec<Unknown>,
    http: HostTable<Candidate>,
    grpc: HostTable<Candidate>,
    /// TLSRoutes (by SNI), TCPRoutes and UDPRoutes, oldest first.
    l4: HostTable<Candidate>,
}

#[derive(Debug)]
struct GatewayIndex {
    name: NamespacedName,
    /// The Gateway's own listeners, then those of its ListenerSets (oldest first).
    listeners: Vec<ListenerIndex>,
    /// The matches of HTTP and gRPC routes whose parentRef aimed at this Gateway was refused,
    /// indexed by the routes' own hostnames.
    refused: HostTable<Refused>,
    /// The address a request without Host is sent to.
    address: String,
    /// The listeners of its ListenerSets that its controller does not handle: the port of
    /// each, and why nothing listens for it there.
    unhandled: Vec<(i64, String)>,
}

/// Routes requests through the Gateways of one world. Build once, route many.
pub struct Router<'a> {
    world: &'a World,
    analysis: &'a Analysis,
    /// Every route compiled in each dialect a Gateway uses: `compiled[dialect][route]`.
    compiled: Vec<Vec<CompiledRoute>>,
    gateways: Vec<GatewayIndex>,
    /// Positions in `gateways`. Names are unique: the model keeps one definition of an
    /// object (GW0119) and the cluster overlay replaces cluster objects by local ones.
    gateway_by_name: HashMap<NamespacedName, usize>,
    /// The position in `compiled` of the mesh's dialect, when a mesh controller is named.
    mesh_dialect: Option<u32>,
}

/// The request, normalized once.
struct Prepared<'r> {
    request: &'r Request,
    incoming: Incoming,
    /// Lowercased, without port; `None` = no Host (the Gateway address).
    host: Option<String>,
    /// The raw query string, for redirects.
    raw_query: String,
}

impl ListenerIndex {
    /// Usable, or usable if objects the input lacks say so.
    fn may_serve(&self) -> bool {
        self.usable || !self.unknowns.is_empty()
    }
}

impl Router<'_> {
    /// The `Undetermined` answer of `listener`, whose use depends on objects the input lacks.
    fn undecided_listener(
        &self,
        g: &GatewayIndex,
        port: i64,
        listener: &ListenerIndex,
    ) -> RouteResult {
        let mut result = RouteResult::new(g.name.clone(), Some(port), Outcome::Undetermined);
        result.listener = Some(listener.reference.clone());
        result.explanation.push(format!(
            "the request reaches listener {}, whose use for traffic depends on objects not in the input: {}",
            listener.reference.name,
            unknown_list(&listener.unknowns)
        ));
        result.undetermined(listener.unknowns.clone())
    }

    /// The objects that decide whether pending candidate `c` takes the request.
    fn pending_unknowns(&self, c: &Candidate) -> Vec<Unknown> {
        c.pending
            .and_then(|p| self.analysis.pending.get(p as usize))
            .map(|p| p.unknowns.clone())
            .unwrap_or_default()
    }

    /// Routes `request` on every (Gateway, port) it selects.
    pub fn route(&self, request: &Request) -> Vec<RouteResult> {
        if let Some(target) = &request.mesh {
            return self.route_mesh(request, target);
        }
        let prepared = prepare(request);
        let selected: Vec<&GatewayIndex> = match &request.gateway {
            Some(want) => self
                .gateway_by_name
                .get(want)
                .and_then(|&g| self.gateways.get(g))
                .into_iter()
                .collect(),
            None => self.gateways.iter().collect(),
        };
        if selected.is_empty() {
            let name = request.gateway.clone().unwrap_or_default();
            let mut result = RouteResult::new(name.clone(), request.port, Outcome::Refused);
            result.explanation.push(match request.gateway {
                Some(_) => format!("Gateway {name} is not in the input"),
                None => "the input has no Gateway".to_string(),
            });
            return vec![result];
        }
        let several = selected.len() > 1;
        let mut results = Vec::new();
        for g in selected {
            let ports = match request.port {
                Some(port) => vec![port],
                None => ports_for(g, request),
            };
            if ports.is_empty() {
                let mut result = RouteResult::new(g.name.clone(), None, Outcome::Refused);
                result.explanation.push(format!(
                    "Gateway {} has no listener for {} traffic",
                    g.name,
                    request.protocol.as_str()
                ));
                results.push(result);
            }
            for port in ports {
                results.push(self.route_on_port(g, port, &prepared));
            }
        }
        if several {
            // Of several Gateways, those that serve the host come first, the routed first.
            results.sort_by_key(|r| (!r.listener_matched(), r.outcome != Outcome::Routed));
        }
        results
    }

    fn route_on_port(&self, g: &GatewayIndex, port: i64, req: &Prepared<'_>) -> RouteResult {
        let on_port: Vec<&ListenerIndex> = g
            .listeners
            .iter()
            .filter(|l| l.port == Some(port))
            .collect();
        let mut result = match req.request.protocol {
            RequestProtocol::Http | RequestProtocol::Grpc => {
                self.route_http(g, port, &on_port, req)
            }
            RequestProtocol::Tls => self.route_l4(g, port, &on_port, Protocol::Tls, req),
            RequestProtocol::Tcp => self.route_l4(g, port, &on_port, Protocol::Tcp, req),
            RequestProtocol::Udp => self.route_l4(g, port, &on_port, Protocol::Udp, req),
        };
        (result.explanation).extend(
            (g.unhandled.iter())
                .filter(|(p, _)| *p == port)
                .map(|(_, why)| why.clone()),
        );
        result
    }

    fn matcher(&self, c: &Candidate) -> Option<&Matcher> {
        self.compiled
            .get(c.dialect as usize)?
            .get(c.route as usize)?
            .matcher(c.rule as usize, c.matcher as usize)
    }

    fn route_ref(&self, route: usize) -> Option<RouteRef> {
        self.world.routes.get(route).map(route_ref)
    }

    /// The rule's backendRefs with their verdicts and, when given, the request each receives.
    fn backends(
        &self,
        route_index: usize,
        route: &Route,
        rule: &RouteRule,
        requests: &[Applied],
    ) -> Vec<Backend> {
        rule.backend_refs
            .iter()
            .enumerate()
            .map(|(bi, b)| Backend {
                group: b.object.group.clone(),
                kind: b.object.kind.clone(),
                namespace: b
                    .object
                    .namespace
                    .clone()
                    .unwrap_or_else(|| route.meta.namespace.clone()),
                name: b.object.name.clone(),
                port: b.object.port,
                weight: b.weight,
                verdict: self
                    .analysis
                    .backends
                    .get(route_index)
                    .and_then(|rules| rules.get(rule.index))
                    .and_then(|refs| refs.get(bi))
                    .cloned()
                    .unwrap_or_else(|| BackendVerdict::Unknown {
                        message: "the analysis gave no verdict".to_string(),
                    }),
                request: requests.get(bi).map(|a| a.request.clone()),
            })
            .collect()
    }
}

/// The listener a host selects (§8.6): exact hostname, then the most specific wildcard,
/// then one without hostname. Ties go to the first (Gateway before ListenerSets).
fn select_listener<'l>(
    listeners: &[&'l ListenerIndex],
    host: Option<&str>,
) -> Option<&'l ListenerIndex> {
    let mut best: Option<(&ListenerIndex, usize)> = None;
    for l in listeners {
        let fits = match (&l.hostname, host) {
            (None, _) => true,
            (Some(pattern), Some(h)) => host_matches(h, pattern),
            (Some(_), None) => false,
        };
        let specificity = listener_specificity(l.hostname.as_deref());
        if fits && best.is_none_or(|(_, s)| specificity > s) {
            best = Some((l, specificity));
        }
    }
    best.map(|(l, _)| l)
}

/// The ports of `g` with a listener for the request's protocol, ascending.
fn ports_for(g: &GatewayIndex, request: &Request) -> Vec<i64> {
    let fits = |p: Protocol| match request.protocol {
        RequestProtocol::Http | RequestProtocol::Grpc => match request.scheme {
            Some(Scheme::Http) => p == Protocol::Http,
            Some(Scheme::Https) => p == Protocol::Https,
            None => matches!(p, Protocol::Http | Protocol::Https),
        },
        RequestProtocol::Tls => p == Protocol::Tls,
        RequestProtocol::Tcp => p == Protocol::Tcp,
        RequestProtocol::Udp => p == Protocol::Udp,
    };
    let mut ports: Vec<i64> = g
        .listeners
        .iter()
        .filter(|l| l.protocol.is_some_and(fits))
        .filter_map(|l| l.port)
        .collect();
    ports.sort_unstable();
    ports.dedup();
    ports
}

/// When no backend of `result` that receives traffic is known to resolve, and some may not
/// (a Service the input lacks): the objects that decide between forwarding and a 500.
fn unverified_backends(result: &RouteResult) -> Option<Vec<Unknown>> {
    if result
        .receiving_backends()
        .any(|b| b.verdict == BackendVerdict::Valid)
    {
        return None;
    }
    let unverified: Vec<Unknown> = result
        .receiving_backends()
        .filter_map(|b| match &b.verdict {
            BackendVerdict::Unknown { message } => Some(Unknown::new(
                &b.kind,
                &b.namespace,
                &b.name,
                message.clone(),
            )),
            _ => None,
        })
        .collect();
    (!unverified.is_empty()).then_some(unverified)
}

/// `GatewayClass acme, Secret infra/cert`: the result's `unknowns` say why each decides.
fn unknown_list(unknowns: &[Unknown]) -> String {
    unknowns
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn route_ref(route: &Route) -> RouteRef {
    RouteRef {
        kind: route.kind,
        namespace: route.meta.namespace.clone(),
        name: route.meta.name.clone(),
    }
}

impl Prepared<'_> {
    /// The TLS SNI, normalized: as sent, else the Host without its port.
    fn sni(&self) -> Option<String> {
        self.request
            .sni
            .as_deref()
            .and_then(normalize_host)
            .or_else(|| self.host.clone())
    }
}

/// Splits the query off the path, lowercases header names and sets up gRPC calls.
fn prepare(request: &Request) -> Prepared<'_> {
    let (path, raw_query) = match request.path.split_once('?') {
        Some((p, q)) => (p, q.to_string()),
        None => (request.path.as_str(), String::new()),
    };
    let mut query: Vec<(String, String)> = raw_query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((k, v)) => (k.to_string(), v.to_string()),
            None => (pair.to_string(), String::new()),
        })
        .collect();
    query.extend(request.query.iter().cloned());
    let raw_query = query
        .iter()
        .map(|(k, v)| {
            if v.is_empty() {
                k.clone()
            } else {
                format!("{k}={v}")
            }
        })
        .collect::<Vec<_>>()
        .join("&");
    let headers = request
        .headers
        .iter()
        .map(|(n, v)| (n.to_ascii_lowercase(), v.clone()))
        .collect();
    let (path, method) = match &request.grpc {
        Some((service, method)) if request.protocol == RequestProtocol::Grpc => {
            (format!("/{service}/{method}"), "POST".to_string())
        }
        _ => (
            if path.is_empty() {
                "/".to_string()
            } else {
                path.to_string()
            },
            request.method.to_ascii_uppercase(),
        ),
    };
    Prepared {
        request,
        incoming: Incoming {
            path,
            method,
            headers,
            query,
            grpc: request.grpc.clone(),
            work: RegexWork::default(),
        },
        host: request.host.as_deref().and_then(normalize_host),
        raw_query,
    }
}

#[cfg(test)]
impl Router<'_> {
    /// Candidates indexed on every listener (a route attached to two listeners counts twice).
    pub(crate) fn indexed_candidates(&self) -> usize {
        self.gateways
            .iter()
            .flat_map(|g| &g.listeners)
            .map(|l| l.http.len() + l.grpc.len() + l.l4.len())
            .sum()
    }
}
