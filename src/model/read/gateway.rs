//! GatewayClass, Gateway, ListenerSet and their listeners.

//!
//! Their fields are read with the CRD's defaults; admission reports what the schema
//! rejects, so nothing here is reported.

use super::reader::{Obj, Reader};
use super::refs::{object_ref, parent_ref, route_namespaces};
use crate::model::{
    AllowedRoutes, FromNamespaces, FrontendValidation, Gateway, GatewayAddress, GatewayClass,
    GatewayTls, GroupKind, Known, Listener, ListenerSet, ListenerTls, Meta, ParametersRef,
    Protocol, TlsMode,
};

const TLS_MODES: &[(&str, TlsMode)] = &[
    ("Terminate", TlsMode::Terminate),
    ("Passthrough", TlsMode::Passthrough),
];

pub(super) fn gateway_class(
    r: &mut Reader<'_, '_>,
    meta: Meta,
    spec: Option<&Obj<'_, '_>>,
) -> GatewayClass {
    let mut class = GatewayClass {
        meta,
        controller_name: None,
        parameters_ref: None,
    };
    let Some(spec) = spec else {
        return class;
    };
    class.controller_name = r.string(spec, "controllerName");
    class.parameters_ref = r
        .obj(spec, "parametersRef")
        .and_then(|p| parameters_ref(r, &p));
    class
}

fn parameters_ref(r: &mut Reader<'_, '_>, obj: &Obj<'_, '_>) -> Option<ParametersRef> {
    let reference = object_ref(r, obj)?;
    Some(ParametersRef {
        group: reference.group,
        kind: reference.kind,
        name: reference.name,
        namespace: reference.namespace,
    })
}

pub(super) fn gateway(r: &mut Reader<'_, '_>, meta: Meta, spec: Option<&Obj<'_, '_>>) -> Gateway {
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
        return gateway;
    };
    gateway.gateway_class_name = r.string(spec, "gatewayClassName");
    gateway.listeners = listeners(r, spec);
    if let Some(allowed) = r.obj(spec, "allowedListeners") {
        let namespaces = r.obj(&allowed, "namespaces");
        gateway.allowed_listeners = route_namespaces(r, namespaces.as_ref(), FromNamespaces::None);
    }
    gateway.addresses = r.objs(spec, "addresses", |r, _, address| {
        Some(GatewayAddress {
            address_type: r.string(address, "type").unwrap_or_default(),
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

fn gateway_tls(r: &mut Reader<'_, '_>, tls: &Obj<'_, '_>) -> GatewayTls {
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
            .and_then(|reference| object_ref(r, &reference));
    }
    out
}

fn frontend_validation(r: &mut Reader<'_, '_>, validation: &Obj<'_, '_>) -> FrontendValidation {
    FrontendValidation {
        ca_certificate_refs: r.objs(validation, "caCertificateRefs", |r, _, reference| {
            object_ref(r, reference)
        }),
        mode: r.string(validation, "mode"),
    }
}

/// A ListenerSet; `None` when its required `parentRef` is missing or has no name.
pub(super) fn listener_set(
    r: &mut Reader<'_, '_>,
    meta: Meta,
    spec: Option<&Obj<'_, '_>>,
) -> Option<ListenerSet> {
    let spec = spec?;
    let listeners = listeners(r, spec);
    let parent = r.obj(spec, "parentRef")?;
    let parent_ref = parent_ref(r, 0, &parent, &meta.namespace)?;
    Some(ListenerSet {
        meta,
        parent_ref,
        listeners,
    })
}

fn listeners(r: &mut Reader<'_, '_>, spec: &Obj<'_, '_>) -> Vec<Listener> {
    r.objs(spec, "listeners", listener)
}

/// A listener; `None` when it has no name: nothing could refer to it.
fn listener(r: &mut Reader<'_, '_>, index: usize, obj: &Obj<'_, '_>) -> Option<Listener> {
    let name = r.string(obj, "name");
    let hostname = r.string(obj, "hostname");
    let port = r.int_in(obj, "port", 1, 65535);
    let protocol = protocol(r, obj);
    let tls = r.obj(obj, "tls").map(|tls| ListenerTls {
        // Every release defaults `mode`; without one a controller would terminate.
        mode: r
            .enumerated(&tls, "mode", TLS_MODES)
            .unwrap_or(Known::Known(TlsMode::Terminate)),
        certificate_refs: r.objs(&tls, "certificateRefs", |r, _, reference| {
            object_ref(r, reference)
        }),
        options: r.string_map(&tls, "options"),
    });
    // Every release defaults `allowedRoutes` to `{namespaces: {from: Same}}`.
    let allowed_routes = match r.obj(obj, "allowedRoutes") {
        Some(allowed) => {
            let namespaces = r.obj(&allowed, "namespaces");
            AllowedRoutes {
                namespaces: route_namespaces(r, namespaces.as_ref(), FromNamespaces::Same),
                kinds: allowed.has("kinds").then(|| {
                    r.objs(&allowed, "kinds", |r, _, kind| {
                        let group = r.string(kind, "group").unwrap_or_default();
                        let kind = r.string(kind, "kind")?;
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
/// engine's), not the schema's. `Unknown("")` when the field is missing or malformed.
fn protocol(r: &mut Reader<'_, '_>, obj: &Obj<'_, '_>) -> Known<Protocol> {
    let Some(text) = r.string(obj, "protocol") else {
        return Known::Unknown(String::new());
    };
    Protocol::from_name(&text).map_or(Known::Unknown(text), Known::Known)
}
