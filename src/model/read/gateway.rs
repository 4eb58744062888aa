//! GatewayClass, Gateway, ListenerSet and their listeners.

use super::reader::{Obj, Reader};
use super::refs::{defaulted, object_ref, parent_ref, route_namespaces};
use super::rules::VALUE_OUT_OF_RANGE;
use crate::model::{
    AllowedRoutes, FromNamespaces, FrontendValidation, GATEWAY_GROUP, Gateway, GatewayAddress,
    GatewayClass, GatewayTls, GroupKind, Known, Listener, ListenerSet, ListenerTls, Meta,
    ParametersRef, Protocol, TlsMode,
};

const TLS_MODES: &[(&str, TlsMode)] = &[
    ("Terminate", TlsMode::Terminate),
    ("Passthrough", TlsMode::Passthrough),
];

const GATEWAY_CLASS_FIELDS: &[&str] = &["controllerName", "parametersRef", "description"];
const GATEWAY_FIELDS: &[&str] = &[
    "gatewayClassName",
    "listeners",
    "addresses",
    "infrastructure",
    "allowedListeners",
    "tls",
    "defaultScope",
];
const LISTENER_SET_FIELDS: &[&str] = &["parentRef", "listeners"];
const LISTENER_FIELDS: &[&str] = &[
    "name",
    "hostname",
    "port",
    "protocol",
    "tls",
    "allowedRoutes",
];
const LISTENER_TLS_FIELDS: &[&str] = &["mode", "certificateRefs", "options"];
const ALLOWED_ROUTES_FIELDS: &[&str] = &["namespaces", "kinds"];

const FRONTEND_VALIDATION_MODES: &[&str] = &["AllowValidOnly", "AllowInsecureFallback"];

pub(super) fn gateway_class(
    r: &mut Reader<'_>,
    meta: Meta,
    spec: Option<&Obj<'_, '_>>,
) -> GatewayClass {
    let mut class = GatewayClass {
        meta,
        controller_name: None,
        parameters_ref: None,
    };
    let Some(spec) = spec else {
        r.missing_spec("`controllerName`");
        return class;
    };
    r.check_fields(spec, GATEWAY_CLASS_FIELDS);
    class.controller_name = r.required_string(spec, "controllerName");
    class.parameters_ref = r
        .obj(spec, "parametersRef")
        .and_then(|p| parameters_ref(r, &p));
    class
}

fn parameters_ref(r: &mut Reader<'_>, obj: &Obj<'_, '_>) -> Option<ParametersRef> {
    let reference = object_ref(r, obj, None, None)?;
    Some(ParametersRef {
        group: reference.group,
        kind: reference.kind,
        name: reference.name,
        namespace: reference.namespace,
    })
}

pub(super) fn gateway(r: &mut Reader<'_>, meta: Meta, spec: Option<&Obj<'_, '_>>) -> Gateway {
    let mut gateway = Gateway {
        meta,
        gateway_class_name: None,
        listeners: Vec::new(),
        allowed_listeners: route_namespaces(r, None, FromNamespaces::None),
        addresses: Vec::new(),
        infrastructure_parameters_ref: None,
        tls: None,
    };
    let Some(spec) = spec else {
        r.missing_spec("`gatewayClassName` and `listeners`");
        return gateway;
    };
    r.check_fields(spec, GATEWAY_FIELDS);
    gateway.gateway_class_name = r.required_string(spec, "gatewayClassName");
    gateway.listeners = listeners(r, spec);
    if let Some(allowed) = r.obj(spec, "allowedListeners") {
        let namespaces = r.obj(&allowed, "namespaces");
        gateway.allowed_listeners = route_namespaces(r, namespaces.as_ref(), FromNamespaces::None);
    }
    gateway.addresses = r.objs(spec, "addresses", |r, _, address| {
        Some(GatewayAddress {
            address_type: defaulted(r, address, "type", Some("IPAddress")),
            value: r.string(address, "value"),
        })
    });
    gateway.infrastructure_parameters_ref =
        r.obj(spec, "infrastructure").and_then(|infrastructure| {
            let reference = r.obj(&infrastructure, "parametersRef")?;
            parameters_ref(r, &reference)
        });
    gateway.tls = r.obj(spec, "tls").map(|tls| gateway_tls(r, &tls));
    gateway
}

fn gateway_tls(r: &mut Reader<'_>, tls: &Obj<'_, '_>) -> GatewayTls {
    let mut out = GatewayTls::default();
    if let Some(frontend) = r.obj(tls, "frontend") {
        if let Some(default) = r.obj(&frontend, "default") {
            out.frontend_default = r
                .obj(&default, "validation")
                .map(|validation| frontend_validation(r, &validation));
        }
        out.frontend_per_port = r.objs(&frontend, "perPort", |r, _, per_port| {
            let port = r.int(per_port, "port");
            let tls = r.obj(per_port, "tls")?;
            let validation = r.obj(&tls, "validation")?;
            Some((port, frontend_validation(r, &validation)))
        });
    }
    if let Some(backend) = r.obj(tls, "backend") {
        out.backend_client_certificate = r
            .obj(&backend, "clientCertificateRef")
            .and_then(|reference| object_ref(r, &reference, Some(""), Some("Secret")));
    }
    out
}

fn frontend_validation(r: &mut Reader<'_>, validation: &Obj<'_, '_>) -> FrontendValidation {
    let ca_certificate_refs = r.objs(validation, "caCertificateRefs", |r, _, reference| {
        object_ref(r, reference, None, None)
    });
    let mode = r.string(validation, "mode");
    if let Some(mode) = &mode
        && !FRONTEND_VALIDATION_MODES.contains(&mode.as_str())
    {
        r.unknown_value(validation.path.key("mode"), mode, FRONTEND_VALIDATION_MODES);
    }
    FrontendValidation {
        ca_certificate_refs,
        mode: Some(mode.unwrap_or_else(|| "AllowValidOnly".to_string())),
    }
}

/// A ListenerSet; `None` when its required `parentRef` is missing or has no name (reported).
pub(super) fn listener_set(
    r: &mut Reader<'_>,
    meta: Meta,
    spec: Option<&Obj<'_, '_>>,
) -> Option<ListenerSet> {
    let Some(spec) = spec else {
        r.missing_spec("`parentRef` and `listeners`");
        return None;
    };
    r.check_fields(spec, LISTENER_SET_FIELDS);
    let listeners = listeners(r, spec);
    let parent = r.obj(spec, "parentRef");
    if parent.is_none() && !spec.has("parentRef") {
        r.missing(spec, "parentRef");
    }
    let parent_ref = parent_ref(r, 0, &parent?, &meta.namespace)?;
    Some(ListenerSet {
        meta,
        parent_ref,
        listeners,
    })
}

fn listeners(r: &mut Reader<'_>, spec: &Obj<'_, '_>) -> Vec<Listener> {
    r.objs(spec, "listeners", listener)
}

/// A listener; `None` when it has no name (reported): nothing could refer to it.
fn listener(r: &mut Reader<'_>, index: usize, obj: &Obj<'_, '_>) -> Option<Listener> {
    r.check_fields(obj, LISTENER_FIELDS);
    let name = r.required_string(obj, "name");
    let hostname = r.string(obj, "hostname");
    if let Some(hostname) = &hostname {
        r.check_hostname(hostname, true, obj.path.key("hostname"));
    }
    let port = r.int(obj, "port");
    if port.is_none() && !obj.has("port") {
        r.missing(obj, "port");
    }
    let port = port.filter(|&port| r.check_range(port, 1, 65535, obj.path.key("port")));
    let protocol = protocol(r, obj);
    let tls = r.obj(obj, "tls").map(|tls| {
        r.check_fields(&tls, LISTENER_TLS_FIELDS);
        ListenerTls {
            mode: r
                .enumerated(&tls, "mode", TLS_MODES)
                .unwrap_or(Known::Known(TlsMode::Terminate)),
            certificate_refs: r.objs(&tls, "certificateRefs", |r, _, reference| {
                object_ref(r, reference, Some(""), Some("Secret"))
            }),
            options: r.string_map(&tls, "options"),
        }
    });
    let allowed_routes = match r.obj(obj, "allowedRoutes") {
        Some(allowed) => {
            r.check_fields(&allowed, ALLOWED_ROUTES_FIELDS);
            let namespaces = r.obj(&allowed, "namespaces");
            AllowedRoutes {
                namespaces: route_namespaces(r, namespaces.as_ref(), FromNamespaces::Same),
                kinds: allowed.has("kinds").then(|| {
                    r.objs(&allowed, "kinds", |r, _, kind| {
                        let group = defaulted(r, kind, "group", Some(GATEWAY_GROUP));
                        let kind = r.required_string(kind, "kind")?;
                        Some(GroupKind { group, kind })
                    })
                }),
            }
        }
        None => AllowedRoutes::default(),
    };
    Some(Listener {
        index,
        name: name?,
        hostname,
        port,
        protocol,
        tls,
        allowed_routes,
    })
}

/// The listener protocol. The schema accepts any protocol name (implementations may
/// support more, e.g. `example.com/proto`, and the pattern allows `http`), so a protocol
/// that is not a core one, a case variant included, is the controller's finding (the
/// engine's), not the schema's. `Unknown("")` when the field is missing or malformed
/// (reported here).
fn protocol(r: &mut Reader<'_>, obj: &Obj<'_, '_>) -> Known<Protocol> {
    let Some(text) = r.string(obj, "protocol") else {
        if !obj.has("protocol") {
            r.missing(obj, "protocol");
        }
        return Known::Unknown(String::new());
    };
    if text.is_empty() {
        let message = "`protocol` must not be empty";
        r.report(
            &VALUE_OUT_OF_RANGE,
            obj.path.key("protocol"),
            message,
            None,
        );
    }
    Protocol::from_name(&text).map_or(Known::Unknown(text), Known::Known)
}
