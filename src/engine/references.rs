//! References across objects (§3.5, §6): ReferenceGrants, route backendRefs, and the
//! Secret/ConfigMap references of listeners and Gateways.

use super::conditions::{BackendVerdict, ConditionStatus, Verdict};
use super::index::{Index, Lookup};
use crate::diag::{Diagnostic, FieldPath, Rule};
use crate::model::{BackendObjectRef, GATEWAY_GROUP, Meta, ObjectRef, Route, RouteKind};

rule!(
    BACKEND_INVALID_KIND,
    "GW2001",
    "backend-invalid-kind",
    Error,
    "A backendRef names a kind that is not a supported backend",
    "A backendRef must name a core `Service` (`group: \"\"`, `kind: Service`, the defaults). \
Any other group/kind is unknown to the controller: the route gets `ResolvedRefs=False` \
with reason `InvalidKind` and requests to that backend fail with 500.\n\n\
```yaml\nbackendRefs:\n- group: example.com   # not a supported backend kind\n  kind: Bucket\n  name: assets\n```\n\n\
Fix: point the backendRef at a Service (remove `group`/`kind` to use the defaults)."
);

rule!(
    BACKEND_REF_NOT_PERMITTED,
    "GW2002",
    "backend-ref-not-permitted",
    Error,
    "A cross-namespace backendRef is not allowed by any ReferenceGrant",
    "A route may reference a Service in another namespace only when a ReferenceGrant in \
**the Service's namespace** allows it (from: the route's group, kind and namespace; to: \
`Service`, optionally by name). Without one the route gets `ResolvedRefs=False` with \
reason `RefNotPermitted` and requests to that backend fail with 500.\n\n\
```yaml\napiVersion: gateway.networking.k8s.io/v1beta1\nkind: ReferenceGrant\nmetadata: {name: allow-web, namespace: app}\nspec:\n  from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: web}]\n  to:   [{group: \"\", kind: Service, name: app-backend}]\n```\n\n\
Fix: create a ReferenceGrant like the one above in the backend's namespace, or move \
the Service into the route's namespace."
);

rule!(
    BACKEND_NOT_FOUND,
    "GW2003",
    "backend-not-found",
    Error,
    "A backendRef names a Service that does not exist",
    "The Service a backendRef names must exist. Otherwise the route gets \
`ResolvedRefs=False` with reason `BackendNotFound` and requests to that backend fail \
with 500.\n\n```yaml\nbackendRefs:\n- name: web-svc   # no Service web-svc in this namespace\n  port: 8080\n```\n\n\
Fix: correct the name (and namespace), or create the Service."
);

rule!(
    BACKEND_PORT_NOT_FOUND,
    "GW2004",
    "backend-port-not-found",
    Error,
    "A backendRef port is not a port of the Service",
    "A Service backendRef's `port` must be one of the Service's `spec.ports[].port` \
(not a targetPort). Otherwise the backend cannot be resolved (`ResolvedRefs=False`, \
reason `BackendNotFound`). A missing `port` is `backend-ref-without-port` (GW0110).\n\n\
```yaml\nbackendRefs:\n- name: web-svc\n  port: 8080   # the Service only exposes port 80\n```\n\n\
Fix: use one of the Service's ports."
);

rule!(
    BACKEND_UNSUPPORTED_PROTOCOL,
    "GW2005",
    "backend-unsupported-protocol",
    Error,
    "The Service port's appProtocol cannot carry this route's traffic",
    "An HTTPRoute or GRPCRoute backend port whose `appProtocol` names a non-HTTP protocol \
(for example `mysql`) cannot be used: the route gets `ResolvedRefs=False` with reason \
`UnsupportedProtocol`. Domain-prefixed values other than `kubernetes.io/*` are \
implementation-specific and are not judged.\n\n\
```yaml\nports:\n- port: 3306\n  appProtocol: mysql   # an HTTPRoute cannot send HTTP here\n```\n\n\
Fix: reference a port that speaks HTTP (`http`, `https`, `kubernetes.io/h2c`, \
`kubernetes.io/ws`, ...), or use a TCPRoute."
);

rule!(
    CERTIFICATE_REF_INVALID,
    "GW2010",
    "certificate-ref-invalid",
    Error,
    "A listener certificateRef does not name a valid kubernetes.io/tls Secret",
    "Each `tls.certificateRefs` entry must name a core `Secret` of type \
`kubernetes.io/tls` with `tls.crt` and `tls.key`. Otherwise the listener gets \
`ResolvedRefs=False` with reason `InvalidCertificateRef` and `Programmed=False`; routes \
still attach but TLS traffic fails.\n\n\
```yaml\ntls:\n  certificateRefs:\n  - name: web-cert   # missing, or type Opaque\n```\n\n\
Fix: create the Secret with `kubectl create secret tls web-cert --cert=... --key=...`, \
or correct the reference."
);

rule!(
    SECRET_REF_NOT_PERMITTED,
    "GW2011",
    "secret-ref-not-permitted",
    Error,
    "A cross-namespace certificate reference is not allowed by any ReferenceGrant",
    "A Gateway (or ListenerSet) may use a Secret or ConfigMap from another namespace only \
when a ReferenceGrant in that namespace allows `from: {kind: Gateway}` (or `ListenerSet`; \
a Gateway's grant does not carry over to ListenerSets). The listener gets \
`ResolvedRefs=False` with reason `RefNotPermitted`.\n\n\
```yaml\napiVersion: gateway.networking.k8s.io/v1beta1\nkind: ReferenceGrant\nmetadata: {name: allow-gateways, namespace: certs}\nspec:\n  from: [{group: gateway.networking.k8s.io, kind: Gateway, namespace: infra}]\n  to:   [{group: \"\", kind: Secret, name: wildcard-cert}]\n```\n\n\
Fix: add such a ReferenceGrant in the Secret's namespace, or copy the Secret next to the \
Gateway."
);

rule!(
    CA_CERTIFICATE_REF_INVALID,
    "GW2012",
    "ca-certificate-ref-invalid",
    Error,
    "A client-validation caCertificateRef is invalid",
    "`spec.tls.frontend.*.validation.caCertificateRefs` must name a core ConfigMap (or \
Secret) holding `ca.crt`. Otherwise the affected HTTPS listeners get `ResolvedRefs=False` \
(`InvalidCACertificateRef` or `InvalidCACertificateKind`) and `Accepted=False` \
(`NoValidCACertificate`).\n\n\
```yaml\ntls:\n  frontend:\n    default:\n      validation:\n        caCertificateRefs:\n        - {group: \"\", kind: Service, name: ca}   # wrong kind\n```\n\n\
Fix: reference a ConfigMap with a `ca.crt` key."
);

rule!(
    CLIENT_CERTIFICATE_REF_INVALID,
    "GW2013",
    "client-certificate-ref-invalid",
    Error,
    "The Gateway's backend client certificate reference is invalid",
    "`spec.tls.backend.clientCertificateRef` must name a core `Secret` of type \
`kubernetes.io/tls`. Otherwise the Gateway gets `ResolvedRefs=False` with reason \
`InvalidClientCertificateRef`.\n\n\
```yaml\ntls:\n  backend:\n    clientCertificateRef: {name: missing-client-cert}\n```\n\n\
Fix: create the Secret or correct the reference."
);

rule!(
    UNKNOWN_REFERENCE_GRANT,
    "GW4003",
    "unknown-reference-grant",
    Warning,
    "A cross-namespace reference depends on a ReferenceGrant the input does not contain",
    "Without `--complete`, gwctl does not assume that an object absent from the input is \
absent from the cluster. A cross-namespace reference with no ReferenceGrant in the input \
that allows it may still be allowed by a grant in the cluster, so the verdict is \
`Unknown`.\n\n\
```yaml\nbackendRefs:\n- {name: api, namespace: backend, port: 80}   # grant in `backend`?\n```\n\n\
Fix: add the ReferenceGrant's manifest to the input, or pass `--complete` if the input \
is the whole cluster."
);

rule!(
    UNKNOWN_BACKEND,
    "GW4004",
    "unknown-backend",
    Warning,
    "A backendRef names a Service the input does not contain",
    "Without `--complete`, a Service absent from the input may exist in the cluster, so \
whether the backend resolves is `Unknown`.\n\n\
```yaml\nbackendRefs:\n- {name: api, port: 80}   # Service api not among the inputs\n```\n\n\
Fix: add the Service's manifest to the input, or pass `--complete`."
);

rule!(
    UNKNOWN_SECRET,
    "GW4005",
    "unknown-certificate-object",
    Warning,
    "A certificate reference names a Secret or ConfigMap the input does not contain",
    "Without `--complete`, a Secret or ConfigMap absent from the input may exist in the \
cluster, so the listener's `ResolvedRefs` is `Unknown`.\n\n\
```yaml\ntls:\n  certificateRefs:\n  - name: web-cert   # not among the inputs\n```\n\n\
Fix: add the object's manifest to the input (Secrets: a manifest without `data` is \
enough if annotated), or pass `--complete`."
);

/// The annotation that marks conformance stubs: Secrets and ConfigMaps created with valid
/// content at test setup, present in the corpus without data.
const STUB_ANNOTATION: &str = "gwctl.dev/conformance-stub";

fn is_stub(meta: &Meta) -> bool {
    meta.annotations.get(STUB_ANNOTATION).map(String::as_str) == Some("true")
}

/// The referring side of a cross-namespace reference.
pub struct Referrer<'a> {
    pub group: &'a str,
    pub kind: &'a str,
    pub namespace: &'a str,
}

/// Whether a ReferenceGrant in `to_ns` lets `from` reference `to_group/to_kind/to_name`.
pub fn permits(
    index: &Index,
    from: &Referrer,
    to_group: &str,
    to_kind: &str,
    to_ns: &str,
    to_name: &str,
) -> bool {
    index.grants_in(to_ns).iter().any(|g| {
        g.from
            .iter()
            .any(|f| f.group == from.group && f.kind == from.kind && f.namespace == from.namespace)
            && g.to.iter().any(|t| {
                t.group == to_group
                    && t.kind == to_kind
                    && t.name.as_deref().is_none_or(|n| n == to_name)
            })
    })
}

fn grant_snippet(
    from: &Referrer,
    to_group: &str,
    to_kind: &str,
    to_ns: &str,
    to_name: &str,
) -> String {
    format!(
        concat!(
            "create a ReferenceGrant in namespace `{to_ns}`:\n",
            "  apiVersion: gateway.networking.k8s.io/v1beta1\n",
            "  kind: ReferenceGrant\n",
            "  metadata: {{name: allow-{from_ns}-{kind_lc}, namespace: {to_ns}}}\n",
            "  spec:\n",
            "    from: [{{group: {from_group}, kind: {from_kind}, namespace: {from_ns}}}]\n",
            "    to: [{{group: \"{to_group}\", kind: {to_kind}, name: {to_name}}}]",
        ),
        to_ns = to_ns,
        to_group = to_group,
        to_kind = to_kind,
        to_name = to_name,
        from_ns = from.namespace,
        from_group = from.group,
        from_kind = from.kind,
        kind_lc = from.kind.to_ascii_lowercase(),
    )
}

/// The outcome of checking one reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefOutcome {
    Ok,
    Invalid {
        reason: &'static str,
        message: String,
    },
    Unknown {
        message: String,
    },
}

/// Outcome of the grant check for a cross-namespace reference; `None` when allowed.
fn cross_namespace(
    index: &Index,
    from: &Referrer,
    (to_group, to_kind, to_ns, to_name): (&str, &str, &str, &str),
    site: (&Meta, &FieldPath),
    not_permitted: &'static Rule,
    diags: &mut Vec<Diagnostic>,
) -> Option<RefOutcome> {
    if to_ns == from.namespace || permits(index, from, to_group, to_kind, to_ns, to_name) {
        return None;
    }
    let (meta, path) = site;
    let what = format!("{to_kind} {to_ns}/{to_name}");
    let me = meta.named();
    if index.complete_for(GATEWAY_GROUP, "ReferenceGrant") {
        let message = format!(
            "{me} references {what} in another namespace, and no ReferenceGrant in namespace `{to_ns}` allows {} from namespace `{}` to reference it",
            from.kind, from.namespace
        );
        diags.push(
            Diagnostic::new(not_permitted, message.clone())
                .at(meta.at(path.clone()))
                .help(grant_snippet(from, to_group, to_kind, to_ns, to_name)),
        );
        Some(RefOutcome::Invalid {
            reason: "RefNotPermitted",
            message,
        })
    } else {
        let message = format!(
            "{me} references {what} in another namespace; no ReferenceGrant in the input allows it, but one may exist in the cluster"
        );
        diags.push(
            Diagnostic::new(&UNKNOWN_REFERENCE_GRANT, message.clone())
                .at(meta.at(path.clone()))
                .help(format!(
                    "add the ReferenceGrants of namespace `{to_ns}` to the input, or pass --complete if there are none (then: {})",
                    grant_snippet(from, to_group, to_kind, to_ns, to_name)
                )),
        );
        Some(RefOutcome::Unknown { message })
    }
}

/// HTTP-family application protocols a Service port may declare for HTTP/gRPC routes.
const HTTP_APP_PROTOCOLS: &[&str] = &[
    "http", "https", "h2c", "http2", "grpc", "grpc-web", "ws", "wss",
];

fn app_protocol_supported(kind: RouteKind, app_protocol: &str) -> bool {
    if !matches!(kind, RouteKind::Http | RouteKind::Grpc) {
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
    let me = meta.named();
    if !(obj.group.is_empty() && obj.kind == "Service") {
        let gk = if obj.group.is_empty() {
            obj.kind.clone()
        } else {
            format!("{}/{}", obj.group, obj.kind)
        };
        let message = format!(
            "{me} references backend `{gk}` `{}`, but only core Services are supported backends",
            obj.name
        );
        diags.push(
            Diagnostic::new(&BACKEND_INVALID_KIND, message.clone())
                .at(meta.at(path))
                .help("reference a Service: remove `group` and `kind` (they default to the core Service)"),
        );
        return BackendVerdict::Invalid {
            reason: "InvalidKind".into(),
            message,
        };
    }
    let ns = obj.namespace.as_deref().unwrap_or(&meta.namespace);
    let from = Referrer {
        group: GATEWAY_GROUP,
        kind: route.kind.as_str(),
        namespace: &meta.namespace,
    };
    let mut verdict = None;
    if let Some(outcome) = cross_namespace(
        index,
        &from,
        ("", "Service", ns, &obj.name),
        (meta, &path),
        &BACKEND_REF_NOT_PERMITTED,
        diags,
    ) {
        verdict = Some(to_backend(outcome));
    }
    let service_verdict = match index.service(ns, &obj.name) {
        Lookup::Found(svc) => check_service_port(route, svc, obj, &path, diags),
        Lookup::Missing => {
            let message = format!(
                "{me} references Service {ns}/{}, which does not exist",
                obj.name
            );
            diags.push(
                Diagnostic::new(&BACKEND_NOT_FOUND, message.clone())
                    .at(meta.at(path.clone().key("name")))
                    .help(format!(
                        "correct the backendRef's name/namespace, or create Service `{}` in namespace `{ns}`",
                        obj.name
                    )),
            );
            BackendVerdict::Invalid {
                reason: "BackendNotFound".into(),
                message,
            }
        }
        Lookup::Unknown => {
            let message = format!(
                "{me} references Service {ns}/{}, which is not in the input; whether it exists is unknown",
                obj.name
            );
            diags.push(
                Diagnostic::new(&UNKNOWN_BACKEND, message.clone())
                    .at(meta.at(path.clone().key("name")))
                    .help(format!(
                        "add the manifest of Service {ns}/{} to the input, or pass --complete if it does not exist",
                        obj.name
                    )),
            );
            BackendVerdict::Unknown { message }
        }
    };
    match verdict {
        // A definite failure outranks a later one; an unknown grant is outranked by a
        // definite failure of the Service itself.
        Some(v @ BackendVerdict::Invalid { .. }) => v,
        Some(v @ BackendVerdict::Unknown { .. }) => match service_verdict {
            BackendVerdict::Invalid { .. } => service_verdict,
            _ => v,
        },
        _ => service_verdict,
    }
}

fn to_backend(outcome: RefOutcome) -> BackendVerdict {
    match outcome {
        RefOutcome::Ok => BackendVerdict::Valid,
        RefOutcome::Invalid { reason, message } => BackendVerdict::Invalid {
            reason: reason.into(),
            message,
        },
        RefOutcome::Unknown { message } => BackendVerdict::Unknown { message },
    }
}

fn check_service_port(
    route: &Route,
    svc: &crate::model::Service,
    obj: &BackendObjectRef,
    path: &FieldPath,
    diags: &mut Vec<Diagnostic>,
) -> BackendVerdict {
    let meta = &route.meta;
    // `Service ns/name`, written only into a message.
    let service = svc.meta.named();
    let Some(port) = obj.port else {
        // The object-schema rules report the missing (or invalid) port where the model
        // reads it (the CRD's validation rejects it); the condition still says why.
        return BackendVerdict::Invalid {
            reason: "BackendNotFound".into(),
            message: format!(
                "the backendRef to {service} has no valid `port`, which a Service backend requires"
            ),
        };
    };
    if svc.service_type.as_deref() == Some("ExternalName") {
        // An ExternalName Service forwards any port to its external name.
        return BackendVerdict::Valid;
    }
    let Some(svc_port) = svc.ports.iter().find(|p| p.port == Some(port)) else {
        let message = format!("{service} has no port {port}");
        diags.push(
            Diagnostic::new(&BACKEND_PORT_NOT_FOUND, message.clone())
                .at(meta.at(path.clone().key("port")))
                .help(ports_help(svc)),
        );
        return BackendVerdict::Invalid {
            reason: "BackendNotFound".into(),
            message,
        };
    };
    if let Some(app) = &svc_port.app_protocol
        && !app_protocol_supported(route.kind, app)
    {
        let message = format!(
            "port {port} of {service} declares appProtocol `{app}`, which a {} cannot use",
            route.kind.as_str()
        );
        diags.push(
            Diagnostic::new(&BACKEND_UNSUPPORTED_PROTOCOL, message.clone())
                .at(meta.at(path.clone().key("port")))
                .help("reference a Service port whose appProtocol is HTTP-based (http, https, kubernetes.io/h2c, kubernetes.io/ws), or unset it"),
        );
        return BackendVerdict::Invalid {
            reason: "UnsupportedProtocol".into(),
            message,
        };
    }
    BackendVerdict::Valid
}

fn ports_help(svc: &crate::model::Service) -> String {
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

/// What a Secret/ConfigMap reference is for; decides the accepted kinds and reasons.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// A listener's `tls.certificateRefs`.
    ServingCert,
    /// A Gateway's frontend `caCertificateRefs`.
    CaBundle,
    /// A Gateway's `tls.backend.clientCertificateRef`.
    ClientCert,
}

impl Purpose {
    fn describe(self) -> &'static str {
        match self {
            Purpose::ServingCert => "TLS certificate",
            Purpose::CaBundle => "CA certificate",
            Purpose::ClientCert => "client certificate",
        }
    }
    fn kinds(self) -> &'static [&'static str] {
        match self {
            Purpose::CaBundle => &["ConfigMap", "Secret"],
            _ => &["Secret"],
        }
    }
    fn kind_reason(self) -> &'static str {
        match self {
            Purpose::ServingCert => "InvalidCertificateRef",
            Purpose::CaBundle => "InvalidCACertificateKind",
            Purpose::ClientCert => "InvalidClientCertificateRef",
        }
    }
    fn invalid_reason(self) -> &'static str {
        match self {
            Purpose::ServingCert => "InvalidCertificateRef",
            Purpose::CaBundle => "InvalidCACertificateRef",
            Purpose::ClientCert => "InvalidClientCertificateRef",
        }
    }
    fn rule(self) -> &'static Rule {
        match self {
            Purpose::ServingCert => &CERTIFICATE_REF_INVALID,
            Purpose::CaBundle => &CA_CERTIFICATE_REF_INVALID,
            Purpose::ClientCert => &CLIENT_CERTIFICATE_REF_INVALID,
        }
    }
}

/// Why a Secret's content cannot serve as a TLS certificate, if it cannot.
fn secret_problem(secret: &crate::model::Secret, purpose: Purpose) -> Option<String> {
    if is_stub(&secret.meta) {
        return None;
    }
    let has = |k: &str| secret.keys.iter().any(|x| x == k);
    if purpose == Purpose::CaBundle {
        return (!has("ca.crt")).then(|| "has no `ca.crt` key".to_string());
    }
    if secret.secret_type != "kubernetes.io/tls" {
        return Some(format!(
            "has type `{}`, not `kubernetes.io/tls`",
            secret.secret_type
        ));
    }
    if !has("tls.crt") || !has("tls.key") {
        return Some("lacks `tls.crt` or `tls.key`".to_string());
    }
    secret.tls_data_problem.clone()
}

/// Checks a Secret/ConfigMap reference made by `referrer_meta` (a Gateway or ListenerSet).
pub fn check_object_ref(
    index: &Index,
    referrer_meta: &Meta,
    r: &ObjectRef,
    purpose: Purpose,
    path: FieldPath,
    diags: &mut Vec<Diagnostic>,
) -> RefOutcome {
    let me = referrer_meta.named();
    let what = purpose.describe();
    if !(r.group.is_empty() && purpose.kinds().contains(&r.kind.as_str())) {
        let gk = if r.group.is_empty() {
            r.kind.clone()
        } else {
            format!("{}/{}", r.group, r.kind)
        };
        let message = format!(
            "{me}: the {what} reference names a `{gk}`, but only core {} can hold one",
            purpose.kinds().join(" or ")
        );
        diags.push(
            Diagnostic::new(purpose.rule(), message.clone())
                .at(referrer_meta.at(path))
                .help(format!(
                    "reference a core {} (`group: \"\"`)",
                    purpose.kinds().join(" or ")
                )),
        );
        return RefOutcome::Invalid {
            reason: purpose.kind_reason(),
            message,
        };
    }
    let ns = r.namespace.as_deref().unwrap_or(&referrer_meta.namespace);
    let from_kind = if referrer_meta.kind.ends_with("ListenerSet") {
        "ListenerSet"
    } else {
        "Gateway"
    };
    let from = Referrer {
        group: GATEWAY_GROUP,
        kind: from_kind,
        namespace: &referrer_meta.namespace,
    };
    let grant = cross_namespace(
        index,
        &from,
        ("", &r.kind, ns, &r.name),
        (referrer_meta, &path),
        &SECRET_REF_NOT_PERMITTED,
        diags,
    );
    if let Some(outcome @ RefOutcome::Invalid { .. }) = grant {
        return outcome;
    }
    let found = if r.kind == "ConfigMap" {
        match index.config_map(ns, &r.name) {
            Lookup::Found(cm) => Lookup::Found(
                (!is_stub(&cm.meta) && !cm.keys.iter().any(|k| k == "ca.crt"))
                    .then(|| "has no `ca.crt` key".to_string()),
            ),
            Lookup::Missing => Lookup::Missing,
            Lookup::Unknown => Lookup::Unknown,
        }
    } else {
        match index.secret(ns, &r.name) {
            Lookup::Found(s) => Lookup::Found(secret_problem(s, purpose)),
            Lookup::Missing => Lookup::Missing,
            Lookup::Unknown => Lookup::Unknown,
        }
    };
    let target = format!("{} {ns}/{}", r.kind, r.name);
    match found {
        Lookup::Found(None) => grant.unwrap_or(RefOutcome::Ok),
        Lookup::Found(Some(problem)) => {
            let message = format!("{me}: {target}, used as a {what}, {problem}");
            diags.push(
                Diagnostic::new(purpose.rule(), message.clone())
                    .at(referrer_meta.at(path))
                    .help(match purpose {
                        Purpose::CaBundle => format!("put the CA bundle under the key `ca.crt` of {target}"),
                        _ => format!(
                            "recreate it as a TLS Secret: `kubectl create secret tls {} -n {ns} --cert=tls.crt --key=tls.key`",
                            r.name
                        ),
                    }),
            );
            RefOutcome::Invalid {
                reason: purpose.invalid_reason(),
                message,
            }
        }
        Lookup::Missing => {
            let message = format!("{me}: the {what} {target} does not exist");
            diags.push(
                Diagnostic::new(purpose.rule(), message.clone())
                    .at(referrer_meta.at(path))
                    .help(format!("create {target}, or correct the reference")),
            );
            RefOutcome::Invalid {
                reason: purpose.invalid_reason(),
                message,
            }
        }
        Lookup::Unknown => {
            let message = format!(
                "{me}: the {what} {target} is not in the input; whether it is valid is unknown"
            );
            diags.push(
                Diagnostic::new(&UNKNOWN_SECRET, message.clone())
                    .at(referrer_meta.at(path))
                    .help(format!("add the manifest of {target} to the input, or pass --complete if it does not exist")),
            );
            grant.unwrap_or(RefOutcome::Unknown { message })
        }
    }
}

/// Every backendRef verdict of a route (`[rule][backend_ref]`) and the route's
/// `ResolvedRefs` verdict, which also covers RequestMirror backends.
pub fn route_backends(
    index: &Index,
    route: &Route,
    diags: &mut Vec<Diagnostic>,
) -> (Vec<Vec<BackendVerdict>>, Verdict) {
    use crate::model::{Filter, FilterKind};
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
        (None, Some(message)) => Verdict::new(ConditionStatus::Unknown, "Pending", message),
        (None, None) => Verdict::new(
            ConditionStatus::True,
            "ResolvedRefs",
            format!("every backend of {me} resolves"),
        ),
    };
    (all, verdict)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::testing::*;

    #[test]
    fn grants_need_matching_from_and_to_in_the_target_namespace() {
        let mut w = world();
        w.reference_grants
            .push(grant("app", ("HTTPRoute", "web"), ("Service", Some("api"))));
        let index = Index::new(&w, true);
        let from = Referrer {
            group: GATEWAY_GROUP,
            kind: "HTTPRoute",
            namespace: "web",
        };
        assert!(permits(&index, &from, "", "Service", "app", "api"));
        assert!(!permits(&index, &from, "", "Service", "app", "other"));
        assert!(!permits(&index, &from, "", "Service", "web", "api"));
        let wrong_ns = Referrer {
            group: GATEWAY_GROUP,
            kind: "HTTPRoute",
            namespace: "x",
        };
        assert!(!permits(&index, &wrong_ns, "", "Service", "app", "api"));
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
