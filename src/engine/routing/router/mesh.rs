//! East-west requests (GAMMA, `simulate --mesh`): a request from a workload of namespace
//! `from` to a Service's port is routed by the HTTPRoutes and GRPCRoutes whose parentRef
//! names that Service (and that port, or no port), with the same matching, precedence,
//! filters and backends as at a Gateway.
//!
//! Which routes apply (gateway-api site-src/mesh/index.md, GEP-1426): a *consumer* route
//! (in another namespace than the Service) applies only to requests from its own namespace,
//! and when one exists for the client's namespace the Service's *producer* routes (in its own
//! namespace) do not apply to that client; otherwise the producer routes do. When routes
//! apply and none matches, the request is rejected (404); when none applies, the mesh sends
//! the request to the Service itself.

use super::build::{age_ranks, candidates};
use super::{GatewayIndex, ListenerIndex, Router, prepare};
use crate::engine::MeshController;
use crate::engine::attachment::is_service_parent;
use crate::engine::conditions::{
    BackendVerdict, ConditionStatus, ListenerId, ListenerOwner, Unknown,
};
use crate::engine::routing::matching::{Matched, Matcher};
use crate::engine::routing::table::{HostTable, HostTableBuilder, PathKey};
use crate::engine::routing::{
    Backend, BackendRequest, GrpcStatus, ListenerRef, MeshTarget, NamespacedName, NearMiss,
    Outcome, Request, RequestProtocol, RouteResult,
};
use crate::model::{MatchFamily, Protocol, Service};

/// A route whose Service parentRef covers the request's Service and port.
struct MeshRoute {
    route: usize,
    /// Its parentRef's `Accepted` status and reason, as the mesh writes it.
    accepted: ConditionStatus,
    reason: String,
}

/// The routes that apply to the request, and those that would but do not.
struct Applicable {
    routes: Vec<MeshRoute>,
    /// What decided which routes apply, for the trace.
    why: String,
}

impl Router<'_> {
    /// Routes the east-west request on each port of the Service it names (the one given).
    pub(super) fn route_mesh(&self, request: &Request, target: &MeshTarget) -> Vec<RouteResult> {
        let service = &target.service;
        let from = (target.from.clone()).unwrap_or_else(|| service.namespace.clone());
        let resolved = MeshTarget {
            service: service.clone(),
            from: Some(from.clone()),
        };
        let result = |port: Option<i64>, outcome: Outcome| {
            let mut r = RouteResult::new(NamespacedName::default(), port, outcome);
            r.mesh = Some(resolved.clone());
            r
        };
        let (Some(mesh), Some(dialect)) = (self.analysis.mesh, self.mesh_dialect) else {
            let mut r = result(request.port, Outcome::Undetermined);
            r.explanation.push(
                "no mesh controller is named: which routes apply to an east-west request is the mesh's to decide (name it: --controller linkerd, or --controller istio)".to_string(),
            );
            return vec![r.undetermined(Vec::new())];
        };
        if !matches!(
            request.protocol,
            RequestProtocol::Http | RequestProtocol::Grpc
        ) {
            let mut r = result(request.port, Outcome::Undetermined);
            r.explanation.push(format!(
                "--mesh routes HTTP and gRPC requests; a {} connection to Service {service} is not simulated",
                request.protocol.as_str()
            ));
            return vec![r.undetermined(Vec::new())];
        }
        let found = (self.world.services.iter())
            .find(|s| s.meta.namespace == service.namespace && s.meta.name == service.name);
        let Some(svc) = found else {
            if mesh.complete {
                let mut r = result(request.port, Outcome::Refused);
                r.explanation.push(format!(
                    "Service {service} does not exist (--complete): the request's name does not resolve"
                ));
                return vec![r];
            }
            let mut r = result(request.port, Outcome::Undetermined);
            r.explanation.push(format!(
                "Service {service} is not in the input: its ports and the routes on it decide the request"
            ));
            return vec![r.undetermined(vec![Unknown::new(
                "Service",
                &service.namespace,
                &service.name,
                "not in the input: its ports and the routes whose parent it is decide the request; add its manifest, or pass --complete",
            )])];
        };
        let mut ports: Vec<i64> = match request.port {
            Some(port) => vec![port],
            None => svc.ports.iter().filter_map(|p| p.port).collect(),
        };
        ports.sort_unstable();
        ports.dedup();
        if ports.is_empty() {
            let mut r = result(None, Outcome::Refused);
            r.explanation.push(format!(
                "Service {service} has no port: nothing takes the request"
            ));
            return vec![r];
        }
        ports
            .into_iter()
            .map(|port| {
                let base = result(Some(port), Outcome::Routed);
                let mut routed =
                    self.route_mesh_port(request, (mesh, dialect), svc, port, &from, base);
                if target.from.is_none()
                    && let Some(first) = routed.explanation.first_mut()
                {
                    first.push_str(" (no --from: a client in the Service's own namespace)");
                }
                routed
            })
            .collect()
    }

    /// The request on port `port` of `svc`, from namespace `from`.
    fn route_mesh_port(
        &self,
        request: &Request,
        (mesh, dialect): (MeshController, u32),
        svc: &Service,
        port: i64,
        from: &str,
        mut base: RouteResult,
    ) -> RouteResult {
        let service = NamespacedName {
            namespace: svc.meta.namespace.clone(),
            name: svc.meta.name.clone(),
        };
        let target = format!("Service {service} port {port}");
        let mut lead = vec![format!(
            "a request from namespace `{from}` to {target}, routed by {}",
            mesh.title
        )];
        if !svc.ports.iter().any(|p| p.port == Some(port)) {
            base.outcome = Outcome::Refused;
            let served: Vec<String> = (svc.ports.iter())
                .filter_map(|p| p.port)
                .map(|p| p.to_string())
                .collect();
            lead.push(format!(
                "Service {service} has no port {port} (it serves {}): the connection is refused",
                served.join(", ")
            ));
            base.explanation = lead;
            return base;
        }
        let applicable = self.applicable(&service, port, from);
        lead.push(applicable.why.clone());
        let (taking, refused): (Vec<&MeshRoute>, Vec<&MeshRoute>) =
            (applicable.routes.iter()).partition(|m| m.accepted != ConditionStatus::False);
        let prepared = prepare(request);
        let mut result = if taking.is_empty() {
            self.to_the_service(base, &service, port, request)
        } else {
            let g = self.mesh_scope(&service, port, &target, &taking, dialect);
            let mut r = match g.listeners.first() {
                Some(listener) => self.route_http(&g, port, &[listener], &prepared),
                None => base.clone(),
            };
            r.gateway = NamespacedName::default();
            r.listener = None;
            r.mesh = base.mesh.take();
            r.explanation = mesh_words(&r.explanation, &target);
            r
        };
        if matches!(result.outcome, Outcome::NotFound | Outcome::Routed) {
            let misses =
                self.refused_mesh_routes(&refused, &prepared.incoming, mesh.title, dialect);
            result
                .explanation
                .extend(misses.iter().map(|n| n.message.clone()));
            result.near_misses.extend(misses);
        }
        lead.append(&mut result.explanation);
        result.explanation = lead;
        let unread = self.unread_routes(&service.namespace, from);
        if !unread.is_empty() {
            let names: Vec<String> = unread.iter().map(ToString::to_string).collect();
            result.explanation.push(format!(
                "the input has route objects gwctl does not read, which may route this request: {}",
                names.join(", ")
            ));
            let mut unknowns = result.unknowns.clone();
            unknowns.extend(unread);
            result = result.undetermined(unknowns);
        }
        result
    }

    /// The HTTPRoutes and GRPCRoutes whose Service parentRef covers `service` port `port`
    /// that apply to a request from namespace `from`: its consumer routes when it has any,
    /// else the Service's producer routes.
    fn applicable(&self, service: &NamespacedName, port: i64, from: &str) -> Applicable {
        let mut producers = Vec::new();
        let mut consumers = Vec::new();
        for (ri, route) in self.world.routes.iter().enumerate() {
            if route.kind.spec().matches == MatchFamily::Connection {
                continue;
            }
            let ns = &route.meta.namespace;
            let is_producer = *ns == service.namespace;
            if !is_producer && ns != from {
                continue; // another namespace's consumer route
            }
            let covering = route.parent_refs.iter().enumerate().find(|(_, p)| {
                is_service_parent(p)
                    && p.namespace == service.namespace
                    && p.name == service.name
                    && p.port.is_none_or(|p| p == port)
            });
            let Some((pi, _)) = covering else { continue };
            let accepted = (self.analysis.routes.get(ri))
                .and_then(|r| r.parents.get(pi))
                .and_then(|p| p.conditions.first());
            let mesh_route = MeshRoute {
                route: ri,
                accepted: accepted.map_or(ConditionStatus::Unknown, |c| c.status),
                reason: accepted.map(|c| c.reason.clone()).unwrap_or_default(),
            };
            if is_producer {
                producers.push(mesh_route);
            } else {
                consumers.push(mesh_route);
            }
        }
        let names = |routes: &[MeshRoute]| -> String {
            let names: Vec<String> = (routes.iter())
                .filter_map(|m| self.route_ref(m.route))
                .map(|r| r.to_string())
                .collect();
            names.join(", ")
        };
        if !consumers.is_empty() {
            let why = format!(
                "the consumer routes of namespace `{from}` apply ({}){}",
                names(&consumers),
                if producers.is_empty() {
                    String::new()
                } else {
                    format!(
                        "; the producer routes of namespace `{}` do not apply to its requests ({})",
                        service.namespace,
                        names(&producers)
                    )
                }
            );
            return Applicable {
                routes: consumers,
                why,
            };
        }
        let why = if producers.is_empty() {
            format!("no HTTPRoute or GRPCRoute has Service {service} port {port} as its parent")
        } else {
            format!(
                "the producer routes of Service {service} apply ({})",
                names(&producers)
            )
        };
        Applicable {
            routes: producers,
            why,
        }
    }

    /// The mesh's default with no route: the request goes to the Service itself.
    fn to_the_service(
        &self,
        mut result: RouteResult,
        service: &NamespacedName,
        port: i64,
        request: &Request,
    ) -> RouteResult {
        let sent = BackendRequest {
            host: request.host.clone().unwrap_or_default(),
            path: prepare(request).incoming.path,
            method: request.method.to_ascii_uppercase(),
            headers: request.headers.clone(),
        };
        result.backends = vec![Backend {
            group: String::new(),
            kind: "Service".to_string(),
            namespace: service.namespace.clone(),
            name: service.name.clone(),
            port: Some(port),
            weight: 1,
            verdict: BackendVerdict::Valid,
            request: Some(sent.clone()),
        }];
        result.explanation.push(format!(
            "-> Service {service}:{port} itself: with no route, the mesh forwards the request as if it were not there"
        ));
        result.backend_request = Some(sent);
        result.status_code = Some(200);
        if request.protocol == RequestProtocol::Grpc {
            result.grpc_status = Some(GrpcStatus::Ok);
        }
        result
    }

    /// A one-listener "Gateway" holding the routes that take the request, so that the
    /// north-south walk (matching, precedence, filters, backends, near misses) routes it.
    fn mesh_scope(
        &self,
        service: &NamespacedName,
        port: i64,
        target: &str,
        routes: &[&MeshRoute],
        dialect: u32,
    ) -> GatewayIndex {
        let mut http = HostTableBuilder::default();
        let mut grpc = HostTableBuilder::default();
        let shapes = self.compiled.first().map_or(&[][..], Vec::as_slice);
        for m in routes {
            let Some(route) = self.world.routes.get(m.route) else {
                continue;
            };
            // Mesh routes do not match by hostname: every host is the Service's.
            let table = match route.kind.spec().matches {
                MatchFamily::Grpc => &mut grpc,
                _ => &mut http,
            };
            for candidate in candidates(shapes, m.route, dialect) {
                table.insert(&[], candidate);
            }
        }
        let rank = age_ranks(self.world);
        let key = |c: &super::Candidate| {
            let precedence = self.matcher(c).map(Matcher::precedence);
            let age = rank.get(c.route as usize).copied().unwrap_or(usize::MAX);
            (precedence, age, c.rule, c.matcher)
        };
        let path_of = |c: &super::Candidate| {
            self.matcher(c)
                .map_or(PathKey::Unindexed, Matcher::path_key)
        };
        let listener = ListenerIndex {
            reference: ListenerRef {
                id: ListenerId {
                    owner: ListenerOwner::Gateway(usize::MAX),
                    index: 0,
                },
                owner_kind: "Service",
                owner: service.clone(),
                name: target.to_string(),
                hostname: None,
            },
            port: Some(port),
            protocol: Some(Protocol::Http),
            hostname: None,
            usable: true,
            unknowns: Vec::new(),
            http: http.finish(key, path_of),
            grpc: grpc.finish(key, path_of),
            l4: HostTable::default(),
        };
        GatewayIndex {
            name: service.clone(),
            listeners: vec![listener],
            refused: HostTable::default(),
            address: format!("{}.{}.svc.cluster.local", service.name, service.namespace),
            unhandled: Vec::new(),
        }
    }

    /// The refused routes that would match the request, as near misses.
    fn refused_mesh_routes(
        &self,
        refused: &[&MeshRoute],
        incoming: &crate::engine::routing::matching::Incoming,
        mesh: &str,
        dialect: u32,
    ) -> Vec<NearMiss> {
        let shapes = self.compiled.first().map_or(&[][..], Vec::as_slice);
        refused
            .iter()
            .filter(|m| {
                candidates(shapes, m.route, dialect).any(|c| {
                    self.matcher(&c)
                        .is_some_and(|matcher| matches!(matcher.evaluate(incoming), Matched::Yes))
                })
            })
            .filter_map(|m| {
                let route = self.route_ref(m.route)?;
                Some(NearMiss {
                    message: format!(
                        "{route} would match, but {mesh} refused it: {} (see `gwctl check`)",
                        m.reason
                    ),
                    route,
                    reason: m.reason.clone(),
                })
            })
            .collect()
    }

    /// Route objects of kinds gwctl does not read (Linkerd's `policy.linkerd.io`
    /// HTTPRoute) in the Service's or the client's namespace: they may route the request.
    fn unread_routes(&self, service_namespace: &str, from: &str) -> Vec<Unknown> {
        (self.world.others.iter())
            .filter(|o| o.meta.kind.ends_with("Route"))
            .filter(|o| o.meta.namespace == service_namespace || o.meta.namespace == from)
            .map(|o| {
                Unknown::new(
                    &format!("{}.{}", o.meta.kind, o.group),
                    &o.meta.namespace,
                    &o.meta.name,
                    "a route of a kind gwctl does not read: whether it routes this request is not known",
                )
            })
            .collect()
    }
}

/// The north-south walk's trace in the mesh's words: the one listener stands for the
/// Service's port, and there is no Gateway address.
fn mesh_words(lines: &[String], target: &str) -> Vec<String> {
    lines
        .iter()
        .filter(|line| !line.starts_with("host "))
        .map(|line| {
            line.replace(&format!("on listener {target}"), &format!("for {target}"))
                .replace(&format!("listener {target}"), target)
                .replace(" for host (none: the Gateway address)", "")
                .replace("(none: the Gateway address)", "(none)")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::engine::routing::{MeshTarget, NamespacedName, Outcome, Request, Router};
    use crate::engine::testing::*;
    use crate::engine::{Options, analyze};
    use crate::model::{ParentRef, PathMatchType, RouteMatch, World};

    /// Service `faces/smiley` (port 80) with a producer route to `v2` for `/p`, and a
    /// consumer route of namespace `fast` to `v3` for `/c` (granted: the backendRef crosses
    /// namespaces, as any other does).
    fn mesh_world() -> World {
        let mut w = world();
        for name in ["smiley", "v2", "v3"] {
            w.services.push(service("faces", name, &[80]));
        }
        let to_smiley = ParentRef {
            group: String::new(),
            kind: "Service".into(),
            namespace: "faces".into(),
            namespace_set: true,
            ..parent("smiley")
        };
        let mut producer = http_route(
            "faces",
            "producer",
            std::slice::from_ref(&to_smiley),
            &[backend(None, "v2", 80)],
        );
        producer.rules[0].matches = vec![RouteMatch::Http(path_match(
            PathMatchType::PathPrefix,
            "/p",
        ))];
        let mut consumer = http_route(
            "fast",
            "consumer",
            &[to_smiley],
            &[backend(Some("faces"), "v3", 80)],
        );
        consumer.rules[0].matches = vec![RouteMatch::Http(path_match(
            PathMatchType::PathPrefix,
            "/c",
        ))];
        w.routes.extend([producer, consumer]);
        w.reference_grants
            .push(grant("faces", ("HTTPRoute", "fast"), ("Service", None)));
        w
    }

    /// `(outcome, route name, backend names)` of a request to `to` port 80 from `from`.
    fn route(
        w: &World,
        controller: &str,
        to: &str,
        from: Option<&str>,
        path: &str,
    ) -> (Outcome, String, Vec<String>) {
        let options = Options {
            complete: true,
            controller: crate::profile::registry().resolve(controller).ok(),
            ..Options::default()
        };
        let analysis = analyze(w, &options);
        let router = Router::new(w, &analysis);
        let request = Request {
            port: Some(80),
            path: path.to_string(),
            mesh: Some(MeshTarget {
                service: NamespacedName {
                    namespace: "faces".into(),
                    name: to.into(),
                },
                from: from.map(str::to_string),
            }),
            ..Request::default()
        };
        let result = router.route(&request).remove(0);
        (
            result.outcome,
            result.route.map(|r| r.name).unwrap_or_default(),
            result.backends.iter().map(|b| b.name.clone()).collect(),
        )
    }

    #[test]
    fn producer_routes_apply_to_clients_without_consumer_routes() {
        let w = mesh_world();
        let (outcome, route_name, backends) = route(&w, "linkerd", "smiley", None, "/p/x");
        assert_eq!(
            (outcome, route_name.as_str()),
            (Outcome::Routed, "producer")
        );
        assert_eq!(backends, ["v2"]);
        let other = route(&w, "linkerd", "smiley", Some("slow"), "/p/x");
        assert_eq!(other.1, "producer");
    }

    #[test]
    fn a_consumer_route_replaces_the_producer_routes_for_its_namespace() {
        let w = mesh_world();
        let (outcome, route_name, backends) = route(&w, "istio", "smiley", Some("fast"), "/c");
        assert_eq!(
            (outcome, route_name.as_str()),
            (Outcome::Routed, "consumer")
        );
        assert_eq!(backends, ["v3"]);
        // The producer route's path is not served to `fast`: routes apply, none matches.
        let (outcome, ..) = route(&w, "istio", "smiley", Some("fast"), "/p");
        assert_eq!(outcome, Outcome::NotFound);
    }

    #[test]
    fn without_routes_the_request_goes_to_the_service_itself() {
        let (outcome, route_name, backends) = route(&mesh_world(), "linkerd", "v2", None, "/");
        assert_eq!((outcome, route_name.as_str()), (Outcome::Routed, ""));
        assert_eq!(backends, ["v2"]);
    }

    #[test]
    fn without_a_mesh_controller_the_answer_is_undetermined() {
        let (outcome, ..) = route(&mesh_world(), "envoy-gateway", "smiley", None, "/p");
        assert_eq!(outcome, Outcome::Undetermined);
    }
}
