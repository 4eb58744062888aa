//! Route backendRefs (§6): a core Service that exists, is allowed across namespaces, and
//! has the port with an application protocol the route can use; and a route's
//! `ResolvedRefs` condition, which also covers RequestMirror backends.

use super::{Referrer, cross_namespace};
use crate::diag::{Diagnostic, FieldPath, rule};
use crate::engine::conditions::{BackendVerdict, ConditionStatus, Decision, Verdict, reasons};
use crate::engine::index::{Index, Lookup};
use crate::model::{
    AppProtocols, BackendObjectRef, Filter, FilterKind, GATEWAY_GROUP, Route, RouteKind, Service,
};

rule! {
    /// ## What it does
    /// Reports a backendRef that names a kind other than a core `Service` (`group: ""`,
    /// `kind: Service`, the defaults).
    ///
    /// ## Why it matters
    /// Any other group/kind is unknown to the controller: the route gets `ResolvedRefs=False` with
    /// reason `InvalidKind`, and requests to that backend fail with 500.
    ///
    /// ## Example
    /// A backendRef to a `Bucket` of group `example.com`:
    #[example = "testdata/rules/backend-invalid-kind/err.yaml"]
    ///
    /// ## Fix
    /// Point the backendRef at a Service (remove `group`/`kind` to use the defaults).
    pub static BACKEND_INVALID_KIND {
        code: "GW2001",
        name: "backend-invalid-kind",
        severity: Error,
        stage: Analysis,
        summary: "A backendRef names a kind that is not a supported backend",
    }
}

rule! {
    /// ## What it does
    /// Reports a backendRef to a Service in another namespace that no ReferenceGrant allows. A
    /// route may reference a Service in another namespace only when a ReferenceGrant in **the
    /// Service's namespace** allows it (from: the route's group, kind and namespace; to:
    /// `Service`, optionally by name).
    ///
    /// ## Why it matters
    /// The route gets `ResolvedRefs=False` with reason `RefNotPermitted`, and requests to that
    /// backend fail with 500.
    ///
    /// ## Example
    /// A route of namespace `infra` sends traffic to Service `api` of namespace `backend`, which
    /// holds no ReferenceGrant:
    #[example = "testdata/rules/backend-ref-not-permitted/err.yaml"]
    ///
    /// ## Fix
    /// Create a ReferenceGrant in the backend's namespace, or move the Service into the route's
    /// namespace:
    ///
    /// ```yaml
    /// apiVersion: gateway.networking.k8s.io/v1beta1
    /// kind: ReferenceGrant
    /// metadata: {name: allow-infra, namespace: backend}
    /// spec:
    ///   from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: infra}]
    ///   to:   [{group: "", kind: Service, name: api}]
    /// ```
    pub static BACKEND_REF_NOT_PERMITTED {
        code: "GW2002",
        name: "backend-ref-not-permitted",
        severity: Error,
        stage: Analysis,
        summary: "A cross-namespace backendRef is not allowed by any ReferenceGrant",
    }
}

rule! {
    /// ## What it does
    /// Reports a backendRef naming a Service that does not exist.
    ///
    /// ## Why it matters
    /// The route gets `ResolvedRefs=False` with reason `BackendNotFound`, and requests to that
    /// backend fail with 500.
    ///
    /// ## Example
    /// The backendRef names `web-v2`; the Service is `web`:
    #[example = "testdata/rules/backend-not-found/err.yaml"]
    ///
    /// ## Fix
    /// Correct the name (and namespace), or create the Service.
    pub static BACKEND_NOT_FOUND {
        code: "GW2003",
        name: "backend-not-found",
        severity: Error,
        stage: Analysis,
        summary: "A backendRef names a Service that does not exist",
    }
}

rule! {
    /// ## What it does
    /// Reports a Service backendRef whose `port` is not one of the Service's `spec.ports[].port`
    /// (a targetPort does not count). A missing `port` is a CRD rule's (admission, `crd-validation-rule`).
    ///
    /// ## Why it matters
    /// The backend cannot be resolved: the route gets `ResolvedRefs=False` with reason
    /// `BackendNotFound`.
    ///
    /// ## Example
    /// The backendRef asks for port 9090; the Service exposes only 8080:
    #[example = "testdata/rules/backend-port-not-found/err.yaml"]
    ///
    /// ## Fix
    /// Use one of the Service's ports.
    pub static BACKEND_PORT_NOT_FOUND {
        code: "GW2004",
        name: "backend-port-not-found",
        severity: Error,
        stage: Analysis,
        summary: "A backendRef port is not a port of the Service",
    }
}

rule! {
    /// ## What it does
    /// Reports an HTTPRoute or GRPCRoute backend whose Service port has an `appProtocol` that
    /// names a non-HTTP protocol (for example `mysql`). Domain-prefixed values other than
    /// `kubernetes.io/*` are implementation-specific and are not judged.
    ///
    /// ## Why it matters
    /// The port cannot carry the route's traffic: the route gets `ResolvedRefs=False` with reason
    /// `UnsupportedProtocol`.
    ///
    /// ## Example
    /// The Service port speaks `mysql`; an HTTPRoute cannot send HTTP there:
    #[example = "testdata/rules/backend-unsupported-protocol/err.yaml"]
    ///
    /// ## Fix
    /// Reference a port that speaks HTTP (`http`, `https`, `kubernetes.io/h2c`,
    /// `kubernetes.io/ws`, ...), or use a TCPRoute.
    pub static BACKEND_UNSUPPORTED_PROTOCOL {
        code: "GW2005",
        name: "backend-unsupported-protocol",
        severity: Error,
        stage: Analysis,
        summary: "The Service port's appProtocol cannot carry this route's traffic",
    }
}

rule! {
    /// ## What it does
    /// Reports, without `--complete`, a backendRef naming a Service the input does not contain.
    ///
    /// ## Why it matters
    /// The Service may exist in the cluster, so whether the backend resolves is `Unknown`.
    ///
    /// ## Example
    /// Without `--complete`: Service `web` is not among the inputs:
    #[example = "testdata/rules/unknown-backend/err.yaml"]
    ///
    /// ## Fix
    /// Add the Service's manifest to the input, or pass `--complete`.
    pub static UNKNOWN_BACKEND {
        code: "GW4004",
        name: "unknown-backend",
        severity: Warning,
        stage: Analysis,
        summary: "A backendRef names a Service the input does not contain",
    }
}

/// HTTP-family application protocols a Service port may declare for HTTP/gRPC routes.
const HTTP_APP_PROTOCOLS: &[&str] = &[
    "http", "https", "h2c", "http2", "grpc", "grpc-web", "ws", "wss",
];

fn app_protocol_supported(kind: RouteKind, app_protocol: &str) -> bool {
    if kind.spec().app_protocols == AppProtocols::Any {
        return true;
    }
    match app_protocol.split_once('/') {
        Some(("kubernetes.io", p)) => matches!(p, "h2c" | "ws" | "wss"),
        // Implementation-specific protocols: not ours to judge.
        Some(_) => true,
        None => HTTP_APP_PROTOCOLS
            .iter()
            .any(|p| p.eq_ignore_ascii_case(app_protocol)),
    }
}

/// Checks one backendRef (or mirror backendRef) of `route` at `path`. Every failure is a
/// diagnostic; the verdict carries the first in the order InvalidKind, RefNotPermitted,
/// BackendNotFound, UnsupportedProtocol.
pub fn check_backend(
    index: &Index,
    route: &Route,
    obj: &BackendObjectRef,
    path: FieldPath,
    diags: &mut Vec<Diagnostic>,
) -> BackendVerdict {
    let meta = &route.meta;
    if !(obj.group.is_empty() && obj.kind == "Service") {
        let gk = if obj.group.is_empty() {
            obj.kind.clone()
        } else {
            format!("{}/{}", obj.group, obj.kind)
        };
        let message = format!(
            "{} references backend `{gk}` `{}`, but only core Services are supported backends",
            meta.named(),
            obj.name
        );
        return Decision::reported(
            &BACKEND_INVALID_KIND,
            meta.at(path),
            ConditionStatus::False,
            reasons::INVALID_KIND,
            message,
        )
        .help("reference a Service: remove `group` and `kind` (they default to the core Service)")
        .record(diags)
        .into();
    }
    let ns = obj.namespace.as_deref().unwrap_or(&meta.namespace);
    let from = Referrer {
        group: GATEWAY_GROUP,
        kind: route.kind.as_str(),
        namespace: &meta.namespace,
    };
    let grant = cross_namespace(
        index,
        &from,
        ("", "Service", ns, &obj.name),
        (meta, &path),
        &BACKEND_REF_NOT_PERMITTED,
    )
    .map(|d| d.record(diags));
    let service = service_problem(index, route, obj, ns, &path).map(|d| d.record(diags));
    let failed = |v: &Verdict| v.status == ConditionStatus::False;
    // A definite failure outranks a later one; an unknown grant is outranked by a definite
    // failure of the Service itself.
    let verdict = match (grant, service) {
        (Some(grant), _) if failed(&grant) => Some(grant),
        (Some(_), Some(service)) if failed(&service) => Some(service),
        (Some(grant), _) => Some(grant),
        (None, service) => service,
    };
    verdict.map_or(BackendVerdict::Valid, BackendVerdict::from)
}

/// The problem of the Service `ns/obj.name` as a backend, `None` when it serves.
fn service_problem(
    index: &Index,
    route: &Route,
    obj: &BackendObjectRef,
    ns: &str,
    path: &FieldPath,
) -> Option<Decision> {
    let meta = &route.meta;
    let me = meta.named();
    let name = &obj.name;
    let at = || meta.at(path.clone().key("name"));
    match index.service(ns, name) {
        Lookup::Found(svc) => port_problem(route, svc, obj, path),
        Lookup::Missing => Some(
            Decision::reported(
                &BACKEND_NOT_FOUND,
                at(),
                ConditionStatus::False,
                reasons::BACKEND_NOT_FOUND,
                format!("{me} references Service {ns}/{name}, which does not exist"),
            )
            .help(format!(
                "correct the backendRef's name/namespace, or create Service `{name}` in namespace `{ns}`"
            )),
        ),
        Lookup::Unknown => Some(
            Decision::reported(
                &UNKNOWN_BACKEND,
                at(),
                ConditionStatus::Unknown,
                reasons::PENDING,
                format!(
                    "{me} references Service {ns}/{name}, which is not in the input; whether it exists is unknown"
                ),
            )
            .help(format!(
                "add the manifest of Service {ns}/{name} to the input, or pass --complete if it does not exist"
            )),
        ),
    }
}

/// The problem of the backendRef's port on `svc`, `None` when the port serves the route.
fn port_problem(
    route: &Route,
    svc: &Service,
    obj: &BackendObjectRef,
    path: &FieldPath,
) -> Option<Decision> {
    let at = || route.meta.at(path.clone().key("port"));
    // `Service ns/name`, written only into a message.
    let service = svc.meta.named();
    let Some(port) = obj.port else {
        // The object-schema rules report the missing (or invalid) port where the model
        // reads it (the CRD's validation rejects it); the condition still says why.
        return Some(Decision::silent(
            ConditionStatus::False,
            reasons::BACKEND_NOT_FOUND,
            format!(
                "the backendRef to {service} has no valid `port`, which a Service backend requires"
            ),
        ));
    };
    if svc.service_type.as_deref() == Some("ExternalName") {
        // An ExternalName Service forwards any port to its external name.
        return None;
    }
    let Some(svc_port) = svc.ports.iter().find(|p| p.port == Some(port)) else {
        return Some(
            Decision::reported(
                &BACKEND_PORT_NOT_FOUND,
                at(),
                ConditionStatus::False,
                reasons::BACKEND_NOT_FOUND,
                format!("{service} has no port {port}"),
            )
            .help(ports_help(svc)),
        );
    };
    let app = svc_port.app_protocol.as_ref()?;
    if app_protocol_supported(route.kind, app) {
        return None;
    }
    let message = format!(
        "port {port} of {service} declares appProtocol `{app}`, which a {} cannot use",
        route.kind.as_str()
    );
    Some(
        Decision::reported(
            &BACKEND_UNSUPPORTED_PROTOCOL,
            at(),
            ConditionStatus::False,
            reasons::UNSUPPORTED_PROTOCOL,
            message,
        )
        .help("reference a Service port whose appProtocol is HTTP-based (http, https, kubernetes.io/h2c, kubernetes.io/ws), or unset it"),
    )
}

fn ports_help(svc: &Service) -> String {
    let ports: Vec<String> = svc
        .ports
        .iter()
        .filter_map(|p| p.port)
        .map(|p| p.to_string())
        .collect();
    if ports.is_empty() {
        format!(
            "Service {}/{} declares no ports; add one",
            svc.meta.namespace, svc.meta.name
        )
    } else {
        format!(
            "set `port` to one of the Service's ports: {}",
            ports.join(", ")
        )
    }
}

/// Every backendRef verdict of a route (`[rule][backend_ref]`) and the route's
/// `ResolvedRefs` verdict, which also covers RequestMirror backends.
pub fn route_backends(
    index: &Index,
    route: &Route,
    diags: &mut Vec<Diagnostic>,
) -> (Vec<Vec<BackendVerdict>>, Verdict) {
    let mut first_invalid: Option<(String, String)> = None;
    let mut first_unknown: Option<String> = None;
    let mut note = |v: &BackendVerdict| match v {
        BackendVerdict::Valid => {}
        BackendVerdict::Invalid { reason, message } => {
            first_invalid.get_or_insert((reason.clone(), message.clone()));
        }
        BackendVerdict::Unknown { message } => {
            first_unknown.get_or_insert(message.clone());
        }
    };
    let mirrors =
        |filters: &[Filter], path: FieldPath, diags: &mut Vec<Diagnostic>| -> Vec<BackendVerdict> {
            filters
                .iter()
                .filter_map(|f| match &f.kind {
                    FilterKind::RequestMirror(m) => Some(check_backend(
                        index,
                        route,
                        &m.backend_ref,
                        path.clone()
                            .index(f.index)
                            .key("requestMirror")
                            .key("backendRef"),
                        diags,
                    )),
                    _ => None,
                })
                .collect()
        };
    // Every verdict is noted in field order: the first failure decides the condition.
    let mut all = Vec::with_capacity(route.rules.len());
    for rule in &route.rules {
        let rpath = FieldPath::root().key("spec").key("rules").index(rule.index);
        let mut verdicts = Vec::with_capacity(rule.backend_refs.len());
        for b in &rule.backend_refs {
            let bpath = rpath.clone().key("backendRefs").index(b.index);
            let v = check_backend(index, route, &b.object, bpath.clone(), diags);
            note(&v);
            if !b.filters.is_empty() {
                mirrors(&b.filters, bpath.key("filters"), diags)
                    .iter()
                    .for_each(&mut note);
            }
            verdicts.push(v);
        }
        if !rule.filters.is_empty() {
            mirrors(&rule.filters, rpath.key("filters"), diags)
                .iter()
                .for_each(&mut note);
        }
        all.push(verdicts);
    }
    let me = route.named();
    let verdict = match (first_invalid, first_unknown) {
        (Some((reason, message)), _) => Verdict::new(ConditionStatus::False, &reason, message),
        (None, Some(message)) => Verdict::new(ConditionStatus::Unknown, reasons::PENDING, message),
        (None, None) => Verdict::new(
            ConditionStatus::True,
            reasons::RESOLVED_REFS,
            format!("every backend of {me} resolves"),
        ),
    };
    (all, verdict)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::index::Index;
    use crate::engine::testing::*;

    #[test]
    fn backend_reason_precedence_and_open_world() {
        let mut w = world();
        w.services.push(service("app", "api", &[80]));
        let route = http_route(
            "web",
            "r",
            &[parent("gw")],
            &[backend(Some("app"), "api", 80)],
        );
        let obj = &route.rules[0].backend_refs[0].object;
        let path = FieldPath::parse("spec.rules[0].backendRefs[0]");
        let mut diags = Vec::new();
        let complete = Index::new(&w, true);
        assert!(matches!(
            check_backend(&complete, &route, obj, path.clone(), &mut diags),
            BackendVerdict::Invalid { ref reason, .. } if reason == "RefNotPermitted"
        ));
        let open = Index::new(&w, false);
        assert!(matches!(
            check_backend(&open, &route, obj, path.clone(), &mut diags),
            BackendVerdict::Unknown { .. }
        ));
        let missing_port = backend(Some("app"), "api", 81);
        w.reference_grants
            .push(grant("app", ("HTTPRoute", "web"), ("Service", None)));
        let complete = Index::new(&w, true);
        assert!(matches!(
            check_backend(&complete, &route, &missing_port.object, path, &mut diags),
            BackendVerdict::Invalid { ref reason, .. } if reason == "BackendNotFound"
        ));
    }

    #[test]
    fn a_backend_without_port_is_unresolved_and_left_to_the_schema_rule() {
        let mut w = world();
        w.services.push(service("web", "api", &[80]));
        let mut reference = backend(None, "api", 80);
        reference.object.port = None;
        let route = http_route("web", "r", &[parent("gw")], &[reference]);
        let obj = &route.rules[0].backend_refs[0].object;
        let path = FieldPath::parse("spec.rules[0].backendRefs[0]");
        let mut diags = Vec::new();
        let index = Index::new(&w, true);
        assert!(matches!(
            check_backend(&index, &route, obj, path, &mut diags),
            BackendVerdict::Invalid { ref reason, .. } if reason == "BackendNotFound"
        ));
        assert!(diags.is_empty(), "{diags:?}");
    }
}
