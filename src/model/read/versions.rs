//! The kinds gwctl reads, by API group. Which versions of a Gateway API kind are served is
//! the CRDs' business (admission checks it against the chosen release); every version of
//! a kind is read with the same model.

use crate::model::{EXPERIMENTAL_GROUP, GATEWAY_GROUP, ROUTE_KINDS, RouteKind};

/// Which typed object a kind becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ObjectKind {
    GatewayClass,
    Gateway,
    ListenerSet,
    Route(RouteKind),
    ReferenceGrant,
    BackendTlsPolicy,
    Namespace,
    Service,
    Secret,
    ConfigMap,
}

impl ObjectKind {
    pub(super) fn namespaced(self) -> bool {
        !matches!(self, ObjectKind::GatewayClass | ObjectKind::Namespace)
    }

    /// Whether a CRD defines the kind (the Gateway API kinds), as opposed to the core
    /// kinds the API server builds in.
    pub(super) fn has_crd(self) -> bool {
        !matches!(
            self,
            ObjectKind::Namespace
                | ObjectKind::Service
                | ObjectKind::Secret
                | ObjectKind::ConfigMap
        )
    }
}

/// A kind in a group.
#[derive(Debug, Clone, Copy)]
pub(super) struct KindSpec {
    pub(super) group: &'static str,
    pub(super) kind: &'static str,
    pub(super) object: ObjectKind,
}

const fn gateway_kind(kind: &'static str, object: ObjectKind) -> KindSpec {
    KindSpec {
        group: GATEWAY_GROUP,
        kind,
        object,
    }
}

const fn core_kind(kind: &'static str, object: ObjectKind) -> KindSpec {
    KindSpec {
        group: "",
        kind,
        object,
    }
}

/// The kinds listed before the route kinds.
const BEFORE_ROUTES: [KindSpec; 3] = [
    gateway_kind("GatewayClass", ObjectKind::GatewayClass),
    gateway_kind("Gateway", ObjectKind::Gateway),
    gateway_kind("ListenerSet", ObjectKind::ListenerSet),
];

/// The kinds listed after the route kinds.
const AFTER_ROUTES: [KindSpec; 7] = [
    gateway_kind("ReferenceGrant", ObjectKind::ReferenceGrant),
    gateway_kind("BackendTLSPolicy", ObjectKind::BackendTlsPolicy),
    KindSpec {
        group: EXPERIMENTAL_GROUP,
        kind: "XListenerSet",
        object: ObjectKind::ListenerSet,
    },
    core_kind("Namespace", ObjectKind::Namespace),
    core_kind("Service", ObjectKind::Service),
    core_kind("Secret", ObjectKind::Secret),
    core_kind("ConfigMap", ObjectKind::ConfigMap),
];

const KIND_COUNT: usize = BEFORE_ROUTES.len() + ROUTE_KINDS.len() + AFTER_ROUTES.len();

/// Every kind gwctl reads: the route kinds come from [`ROUTE_KINDS`].
static KINDS: [KindSpec; KIND_COUNT] = {
    let mut kinds = [BEFORE_ROUTES[0]; KIND_COUNT];
    let mut i = 0;
    while i < BEFORE_ROUTES.len() {
        kinds[i] = BEFORE_ROUTES[i];
        i += 1;
    }
    let mut r = 0;
    while r < ROUTE_KINDS.len() {
        let route = &ROUTE_KINDS[r];
        kinds[i] = gateway_kind(route.name, ObjectKind::Route(route.kind));
        i += 1;
        r += 1;
    }
    let mut a = 0;
    while a < AFTER_ROUTES.len() {
        kinds[i] = AFTER_ROUTES[a];
        i += 1;
        a += 1;
    }
    kinds
};

/// The kinds gwctl reads in API group `group`, in reading order.
pub fn kinds_in_group(group: &str) -> impl Iterator<Item = &'static str> {
    KINDS
        .iter()
        .filter(move |k| k.group == group)
        .map(|k| k.kind)
}

/// The kind `kind` of API group `group`, when gwctl reads it.
pub(super) fn find(group: &str, kind: &str) -> Option<&'static KindSpec> {
    KINDS.iter().find(|k| k.group == group && k.kind == kind)
}

/// A known kind of `group` that `kind` names up to letter case (a misspelling).
pub(super) fn find_ignoring_case(group: &str, kind: &str) -> Option<&'static KindSpec> {
    KINDS
        .iter()
        .find(|k| k.group == group && k.kind.eq_ignore_ascii_case(kind))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_found_by_group_and_exact_name() {
        assert!(find(GATEWAY_GROUP, "Gateway").is_some_and(|k| k.object.has_crd()));
        assert!(find("", "Service").is_some_and(|k| !k.object.has_crd()));
        assert!(find("apps", "Deployment").is_none());
        assert!(find(GATEWAY_GROUP, "HttpRoute").is_none());
        assert_eq!(
            find_ignoring_case(GATEWAY_GROUP, "HttpRoute").map(|k| k.kind),
            Some("HTTPRoute")
        );
        assert!(!ObjectKind::Namespace.namespaced());
        assert!(ObjectKind::Secret.namespaced());
        // The lists a cluster is read by, in reading order.
        let main: Vec<&str> = kinds_in_group(GATEWAY_GROUP).collect();
        assert_eq!(
            main,
            [
                "GatewayClass",
                "Gateway",
                "ListenerSet",
                "HTTPRoute",
                "GRPCRoute",
                "TLSRoute",
                "TCPRoute",
                "UDPRoute",
                "ReferenceGrant",
                "BackendTLSPolicy"
            ]
        );
        let experimental: Vec<&str> = kinds_in_group(EXPERIMENTAL_GROUP).collect();
        assert_eq!(experimental, ["XListenerSet"]);
    }
}
