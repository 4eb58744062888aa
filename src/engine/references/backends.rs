//! Route backendRefs (§6): a core Service that exists, is allowed across namespaces, and
//! has the port with an application protocol the route can use; and a route's
//! `ResolvedRefs` condition, which also covers RequestMirror backends.

use super::{Referrer, cross_namespace};
use crate::diag::{Diagnostic, FieldPath, Location, rule};
use crate::engine::conditions::{BackendVerdict, ConditionStatus, Decision, Verdict, reasons};
use crate::engine::index::{IMPLEMENTATION_SPECIFIC_VALUE, Index, Lookup};
use crate::model::{
    AppProtocols, BackendObjectRef, Filter, FilterKind, GATEWAY_GROUP, Meta, Route, RouteKind,
    Service,
};
use crate::profile::{PortCheck, Profile};

rule! {
    /// ## What it does
    /// Reports a backendRef that names neither a core `Service` (`group: ""`, `kind: Service`,
    /// the defaults) nor a kind the controller supports: `ServiceImport` (Extended), or its own
    /// (Envoy Gateway's `Backend`, kgateway's `Backend`, Istio's `Hostname`: see the
    /// controller's profile). Without a profile that knows the kind, an object of it in the
    /// input is the implementation's to judge (`implementation-specific-value`); a kind that
    /// names no object is reported.
    ///
    /// ## Why it matters
    /// The route gets `ResolvedRefs=False` with reason `InvalidKind`, and requests to that
    /// backend fail with 500.
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

/// The API group of `ServiceImport` (Multi-Cluster Services).
const MCS_GROUP: &str = "multicluster.x-k8s.io";

/// What kind of backend a backendRef names, for `profile`'s controller.
enum BackendKind {
    Service,
    /// A kind the controller takes (ServiceImport, a vendor kind): it must exist.
    Other,
    /// The controller rejects it, or it names no object: `InvalidKind`.
    Invalid(Decision),
    /// An implementation-specific kind the profile cannot judge.
    Unknown(Decision),
}

/// `group/kind` (or `kind` for the core group), for messages.
fn group_kind(group: &str, kind: &str) -> String {
    if group.is_empty() {
        kind.to_string()
    } else {
        format!("{group}/{kind}")
    }
}

/// The kind of the object `obj` names, as `profile`'s controller sees it.
fn backend_kind(
    index: &Index,
    profile: &Profile,
    route: &Route,
    obj: &BackendObjectRef,
    path: &FieldPath,
) -> BackendKind {
    if obj.group.is_empty() && obj.kind == "Service" {
        return BackendKind::Service;
    }
    let knobs = &profile.knobs;
    let service_import = obj.group == MCS_GROUP && obj.kind == "ServiceImport";
    let known = knobs.backend_kinds.value.known.iter();
    let meta = &route.meta;
    let gk = group_kind(&obj.group, &obj.kind);
    let at = meta.at(path.clone());
    let listed = known
        .clone()
        .any(|k| k.group == obj.group && k.kind == obj.kind);
    if listed && crate::model::reads_kind(&obj.group, &obj.kind) {
        // A Gateway API kind as a backend (kgateway's route delegation): what it resolves
        // to is the controller's own semantics.
        let message = format!(
            "{} delegates to `{gk}` `{}`: which routes that takes is {}'s to decide",
            meta.named(),
            obj.name,
            profile.title
        );
        let status = ConditionStatus::Unknown;
        let rule = &IMPLEMENTATION_SPECIFIC_VALUE;
        let decision = Decision::reported(rule, at, status, reasons::PENDING, message);
        return BackendKind::Unknown(decision);
    }
    if (service_import && knobs.service_import_backends.value) || listed {
        return BackendKind::Other;
    }
    let invalid = |message: String, help: String| {
        BackendKind::Invalid(
            Decision::reported(
                &BACKEND_INVALID_KIND,
                at.clone(),
                ConditionStatus::False,
                reasons::INVALID_KIND,
                message,
            )
            .help(help),
        )
    };
    let rejects = knobs.backend_kinds.value.others_rejected
        || (service_import && !knobs.service_import_backends.value);
    if rejects {
        let mut kinds: Vec<String> = vec!["Service".to_string()];
        if knobs.service_import_backends.value {
            kinds.push(group_kind(MCS_GROUP, "ServiceImport"));
        }
        kinds.extend(known.map(|k| group_kind(&k.group, &k.kind)));
        let cited = profile.cite(&knobs.backend_kinds);
        let message = format!(
            "{} references backend `{gk}` `{}`, a kind {} does not support{cited}",
            meta.named(),
            obj.name,
            profile.title
        );
        return invalid(
            message,
            format!(
                "reference a backend kind {} supports: {}",
                profile.title,
                kinds.join(", ")
            ),
        );
    }
    let ns = obj.namespace.as_deref().unwrap_or(&meta.namespace);
    match index.other(&obj.group, &obj.kind, Some(ns), &obj.name) {
        Lookup::Missing => invalid(
            format!(
                "{} references backend `{gk}` `{}`, which is neither a supported backend kind nor an object in the input",
                meta.named(),
                obj.name
            ),
            "reference a Service: remove `group` and `kind` (they default to the core Service)".to_string(),
        ),
        Lookup::Found(()) | Lookup::Unknown => BackendKind::Unknown(
            Decision::reported(
                &IMPLEMENTATION_SPECIFIC_VALUE,
                at,
                ConditionStatus::Unknown,
                reasons::PENDING,
                format!(
                    "{} references backend `{gk}` `{}`, an implementation-specific kind: the controller of its parent decides whether it serves it",
                    meta.named(),
                    obj.name
                ),
            )
            .help("pass --controller naming the controller that runs in the cluster"),
        ),
    }
}

/// Checks one backendRef (or mirror backendRef) of `route` at `path` as `profile`'s
/// controller does. Every failure is a diagnostic; the verdict carries the first in the
/// order InvalidKind, RefNotPermitted, BackendNotFound, UnsupportedProtocol.
pub fn check_backend(
    index: &Index,
    profile: &Profile,
    route: &Route,
    obj: &BackendObjectRef,
    path: FieldPath,
    diags: &mut Vec<Diagnostic>,
) -> BackendVerdict {
    let meta = &route.meta;
    let is_service = match backend_kind(index, profile, route, obj, &path) {
        BackendKind::Invalid(decision) | BackendKind::Unknown(decision) => {
            return decision.record(diags).into();
        }
        BackendKind::Service => true,
        BackendKind::Other => false,
    };
    let ns = obj.namespace.as_deref().unwrap_or(&meta.namespace);
    let from = Referrer {
        group: GATEWAY_GROUP,
        kind: route.kind.as_str(),
        namespace: &meta.namespace,
    };
    let grant = cross_namespace(
        index,
        &from,
        (&obj.group, &obj.kind, ns, &obj.name),
        (meta, &path),
        &BACKEND_REF_NOT_PERMITTED,
    )
    .map(|d| d.record(diags));
    let target = if is_service {
        service_problem(index, profile, route, obj, ns, &path)
    } else {
        other_problem(index, route, obj, ns, &path)
    };
    let target = target.map(|d| d.record(diags));
    let failed = |v: &Verdict| v.status == ConditionStatus::False;
    // A definite failure outranks a later one; an unknown grant is outranked by a definite
    // failure of the target itself.
    let verdict = match (grant, target) {
        (Some(grant), _) if failed(&grant) => Some(grant),
        (Some(_), Some(target)) if failed(&target) => Some(target),
        (Some(grant), _) => Some(grant),
        (None, target) => target,
    };
    verdict.map_or(BackendVerdict::Valid, BackendVerdict::from)
}

/// The problem of a backend of a kind the model does not read (a ServiceImport, a vendor
/// backend): it must exist.
fn other_problem(
    index: &Index,
    route: &Route,
    obj: &BackendObjectRef,
    ns: &str,
    path: &FieldPath,
) -> Option<Decision> {
    let meta = &route.meta;
    let what = format!("{} {ns}/{}", group_kind(&obj.group, &obj.kind), obj.name);
    let at = || meta.at(path.clone().key("name"));
    match index.other(&obj.group, &obj.kind, Some(ns), &obj.name) {
        Lookup::Found(()) => None,
        Lookup::Missing => Some(
            Decision::reported(
                &BACKEND_NOT_FOUND,
                at(),
                ConditionStatus::False,
                reasons::BACKEND_NOT_FOUND,
                format!("{} references {what}, which does not exist", meta.named()),
            )
            .help(format!("correct the backendRef, or create {what}")),
        ),
        Lookup::Unknown => Some(not_in_input(meta, at(), &what)),
    }
}

/// A backend (`what`: `Service ns/name`, `ServiceImport ns/name`...) that the input lacks:
/// whether it exists is unknown.
fn not_in_input(meta: &Meta, at: Location, what: &str) -> Decision {
    Decision::reported(
        &UNKNOWN_BACKEND,
        at,
        ConditionStatus::Unknown,
        reasons::PENDING,
        format!(
            "{} references {what}, which is not in the input; whether it exists is unknown",
            meta.named()
        ),
    )
    .help(format!(
        "add the manifest of {what} to the input, or pass --complete if it does not exist"
    ))
}

/// The problem of the Service `ns/obj.name` as a backend, `None` when it serves.
fn service_problem(
    index: &Index,
    profile: &Profile,
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
        Lookup::Found(svc) => port_problem(profile, route, svc, obj, path),
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
        Lookup::Unknown => Some(not_in_input(meta, at(), &format!("Service {ns}/{name}"))),
    }
}

/// The problem of the backendRef's port on `svc`, `None` when the port serves the route,
/// as `profile`'s controller checks it (some check no port, some the port's protocol).
fn port_problem(
    profile: &Profile,
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
    let knob = profile.knobs.service_port_match.value;
    if svc.service_type.as_deref() == Some("ExternalName") || knob.check == PortCheck::None {
        // An ExternalName Service forwards any port to its external name; some
        // controllers look no port up.
        return None;
    }
    let protocol = if route.kind == RouteKind::Udp {
        "UDP"
    } else {
        "TCP"
    };
    let matches = |p: &&crate::model::ServicePort| {
        p.port == Some(port)
            && (knob.check != PortCheck::NumberAndProtocol || p.protocol == protocol)
    };
    let Some(svc_port) = svc.ports.iter().find(matches) else {
        let message = if knob.check == PortCheck::NumberAndProtocol {
            format!("{service} has no {protocol} port {port}")
        } else {
            format!("{service} has no port {port}")
        };
        return Some(
            Decision::reported(
                &BACKEND_PORT_NOT_FOUND,
                at(),
                ConditionStatus::False,
                knob.reason,
                message,
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
    profile: &Profile,
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
                        profile,
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
            let v = check_backend(index, profile, route, &b.object, bpath.clone(), diags);
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

    fn spec() -> &'static Profile {
        crate::profile::registry().spec()
    }

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
            check_backend(&complete, spec(), &route, obj, path.clone(), &mut diags),
            BackendVerdict::Invalid { ref reason, .. } if reason == "RefNotPermitted"
        ));
        let open = Index::new(&w, false);
        assert!(matches!(
            check_backend(&open, spec(), &route, obj, path.clone(), &mut diags),
            BackendVerdict::Unknown { .. }
        ));
        let missing_port = backend(Some("app"), "api", 81);
        w.reference_grants
            .push(grant("app", ("HTTPRoute", "web"), ("Service", None)));
        let complete = Index::new(&w, true);
        assert!(matches!(
            check_backend(&complete, spec(), &route, &missing_port.object, path, &mut diags),
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
            check_backend(&index, spec(), &route, obj, path, &mut diags),
            BackendVerdict::Invalid { ref reason, .. } if reason == "BackendNotFound"
        ));
        assert!(diags.is_empty(), "{diags:?}");
    }
}
