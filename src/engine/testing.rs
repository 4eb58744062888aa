//! A compact builder of `World` values for the engine's unit tests.

use std::collections::BTreeMap;

use crate::model::*;

pub fn meta(kind: &str, ns: &str, name: &str) -> Meta {
    let mut labels = BTreeMap::new();
    if kind == "Namespace" {
        labels.insert("kubernetes.io/metadata.name".to_string(), name.to_string());
    }
    Meta {
        kind: kind.to_string(),
        api_version: "gateway.networking.k8s.io/v1".to_string(),
        name: name.to_string(),
        namespace: ns.to_string(),
        labels,
        ..Meta::default()
    }
}

/// A world with the GatewayClass `gc` every test Gateway uses.
pub fn world() -> World {
    World {
        gateway_classes: vec![GatewayClass {
            meta: meta("GatewayClass", "", "gc"),
            controller_name: Some("example.com/controller".to_string()),
            parameters_ref: None,
            supported_features: None,
        }],
        ..World::default()
    }
}

pub fn listener(
    index: usize,
    name: &str,
    port: i64,
    protocol: Protocol,
    hostname: Option<&str>,
) -> Listener {
    Listener {
        index,
        name: name.to_string(),
        hostname: hostname.map(str::to_string),
        port: Some(port),
        protocol: Known::Known(protocol),
        tls: None,
        allowed_routes: AllowedRoutes::default(),
    }
}

pub fn gateway(ns: &str, name: &str, listeners: Vec<Listener>) -> Gateway {
    Gateway {
        meta: meta("Gateway", ns, name),
        gateway_class_name: Some("gc".to_string()),
        listeners,
        allowed_listeners: RouteNamespaces {
            from: Known::Known(FromNamespaces::None),
            selector: None,
        },
        addresses: Vec::new(),
        infrastructure_parameters_ref: None,
        tls: None,
    }
}

pub fn listener_set(ns: &str, name: &str, gateway: &str, listeners: Vec<Listener>) -> ListenerSet {
    ListenerSet {
        meta: meta("ListenerSet", ns, name),
        parent_ref: ParentRef {
            index: 0,
            group: GATEWAY_GROUP.to_string(),
            kind: "Gateway".to_string(),
            namespace: ns.to_string(),
            namespace_set: false,
            name: gateway.to_string(),
            section_name: None,
            port: None,
        },
        listeners,
    }
}

/// A parentRef to Gateway `name` in the route's namespace (fixed up by [`http_route`]).
pub fn parent(name: &str) -> ParentRef {
    ParentRef {
        index: 0,
        group: GATEWAY_GROUP.to_string(),
        kind: "Gateway".to_string(),
        namespace: String::new(),
        namespace_set: false,
        name: name.to_string(),
        section_name: None,
        port: None,
    }
}

/// An HTTPRoute match on the path alone.
pub fn path_match(kind: PathMatchType, value: &str) -> HttpMatch {
    HttpMatch {
        index: 0,
        path: PathMatch {
            match_type: Known::Known(kind),
            value: value.to_string(),
        },
        headers: Vec::new(),
        query_params: Vec::new(),
        method: None,
    }
}

pub fn backend(ns: Option<&str>, name: &str, port: i64) -> BackendRef {
    BackendRef {
        index: 0,
        object: BackendObjectRef {
            group: String::new(),
            kind: "Service".to_string(),
            name: name.to_string(),
            namespace: ns.map(str::to_string),
            port: Some(port),
        },
        weight: 1,
        filters: Vec::new(),
    }
}

pub fn http_route(ns: &str, name: &str, parents: &[ParentRef], backends: &[BackendRef]) -> Route {
    let parent_refs = parents
        .iter()
        .enumerate()
        .map(|(i, p)| ParentRef {
            index: i,
            namespace: if p.namespace.is_empty() {
                ns.to_string()
            } else {
                p.namespace.clone()
            },
            ..p.clone()
        })
        .collect();
    Route {
        kind: RouteKind::Http,
        meta: meta("HTTPRoute", ns, name),
        parent_refs,
        hostnames: Vec::new(),
        rules: vec![RouteRule {
            index: 0,
            name: None,
            matches: Vec::new(),
            filters: Vec::new(),
            backend_refs: backends
                .iter()
                .enumerate()
                .map(|(i, b)| BackendRef {
                    index: i,
                    ..b.clone()
                })
                .collect(),
            options: Default::default(),
        }],
    }
}

pub fn service(ns: &str, name: &str, ports: &[i64]) -> Service {
    Service {
        meta: meta("Service", ns, name),
        service_type: None,
        external_name: None,
        ports: ports
            .iter()
            .map(|p| ServicePort {
                name: None,
                port: Some(*p),
                protocol: "TCP".to_string(),
                app_protocol: None,
            })
            .collect(),
    }
}

pub fn namespace(name: &str, labels: &[(&str, &str)]) -> Namespace {
    let mut m = meta("Namespace", "", name);
    for (k, v) in labels {
        m.labels.insert(k.to_string(), v.to_string());
    }
    Namespace { meta: m }
}

/// A grant in `ns` from `(kind, namespace)` routes/gateways to `(kind, name)`.
pub fn grant(ns: &str, from: (&str, &str), to: (&str, Option<&str>)) -> ReferenceGrant {
    ReferenceGrant {
        meta: meta("ReferenceGrant", ns, "grant"),
        from: vec![GrantFrom {
            group: GATEWAY_GROUP.to_string(),
            kind: from.0.to_string(),
            namespace: from.1.to_string(),
        }],
        to: vec![GrantTo {
            group: String::new(),
            kind: to.0.to_string(),
            name: to.1.map(str::to_string),
        }],
    }
}
