//! The kinds gwctl reads and the apiVersions each is served in, from the Gateway API CRDs
//! (standard and experimental channels) at the commit the conformance corpus comes from.

use crate::model::kinds::{EXPERIMENTAL_ONLY, GONE};
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
}

/// A kind in a group, with its versions.
#[derive(Debug, Clone, Copy)]
pub(super) struct KindSpec {
    pub(super) group: &'static str,
    pub(super) kind: &'static str,
    pub(super) object: ObjectKind,
    /// Served and not deprecated.
    served: &'static [&'static str],
    /// Older versions, each with what happened to it.
    deprecated: &'static [(&'static str, &'static str)],
    /// The apiVersion (and kind, when it changed) to use instead.
    replacement: (&'static str, &'static str),
}

#[derive(Debug, PartialEq, Eq)]
pub(super) enum VersionStatus {
    Served,
    /// Deprecated or no longer served; the text says which.
    Deprecated(&'static str),
    Unknown,
}

impl KindSpec {
    pub(super) fn version_status(&self, version: &str) -> VersionStatus {
        if self.served.contains(&version) {
            return VersionStatus::Served;
        }
        match self.deprecated.iter().find(|(v, _)| *v == version) {
            Some((_, note)) => VersionStatus::Deprecated(note),
            None => VersionStatus::Unknown,
        }
    }

    pub(super) fn replacement_help(&self) -> String {
        let (api_version, kind) = self.replacement;
        if kind == self.kind {
            format!("use `apiVersion: {api_version}`")
        } else {
            format!("use `apiVersion: {api_version}` with `kind: {kind}`")
        }
    }
}

const V1: &str = "gateway.networking.k8s.io/v1";

const fn gateway_kind(
    kind: &'static str,
    object: ObjectKind,
    served: &'static [&'static str],
    deprecated: &'static [(&'static str, &'static str)],
) -> KindSpec {
    KindSpec {
        group: GATEWAY_GROUP,
        kind,
        object,
        served,
        deprecated,
        replacement: (V1, kind),
    }
}

const fn core_kind(kind: &'static str, object: ObjectKind) -> KindSpec {
    KindSpec {
        group: "",
        kind,
        object,
        served: &["v1"],
        deprecated: &[],
        replacement: ("v1", kind),
    }
}

/// The kinds listed before the route kinds.
const BEFORE_ROUTES: [KindSpec; 3] = [
    gateway_kind(
        "GatewayClass",
        ObjectKind::GatewayClass,
        &["v1", "v1beta1"],
        &[("v1alpha2", GONE)],
    ),
    gateway_kind(
        "Gateway",
        ObjectKind::Gateway,
        &["v1", "v1beta1"],
        &[("v1alpha2", GONE)],
    ),
    gateway_kind("ListenerSet", ObjectKind::ListenerSet, &["v1"], &[]),
];

/// The kinds listed after the route kinds.
const AFTER_ROUTES: [KindSpec; 7] = [
    gateway_kind(
        "ReferenceGrant",
        ObjectKind::ReferenceGrant,
        &["v1", "v1beta1"],
        &[("v1alpha2", GONE)],
    ),
    gateway_kind(
        "BackendTLSPolicy",
        ObjectKind::BackendTlsPolicy,
        &["v1"],
        &[("v1alpha3", EXPERIMENTAL_ONLY), ("v1alpha2", GONE)],
    ),
    KindSpec {
        group: EXPERIMENTAL_GROUP,
        kind: "XListenerSet",
        object: ObjectKind::ListenerSet,
        served: &[],
        deprecated: &[(
            "v1alpha1",
            "an experimental kind replaced by ListenerSet in gateway.networking.k8s.io",
        )],
        replacement: (V1, "ListenerSet"),
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
        kinds[i] = gateway_kind(
            route.name,
            ObjectKind::Route(route.kind),
            route.served,
            route.deprecated,
        );
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
    fn versions_follow_the_crds() {
        let status = |group, kind, version| find(group, kind).map(|k| k.version_status(version));
        assert_eq!(
            status(GATEWAY_GROUP, "Gateway", "v1beta1"),
            Some(VersionStatus::Served)
        );
        assert_eq!(
            status(GATEWAY_GROUP, "TCPRoute", "v1alpha2"),
            Some(VersionStatus::Deprecated(EXPERIMENTAL_ONLY))
        );
        assert_eq!(
            status(GATEWAY_GROUP, "HTTPRoute", "v1alpha2"),
            Some(VersionStatus::Deprecated(GONE))
        );
        assert_eq!(
            status(GATEWAY_GROUP, "Gateway", "v2"),
            Some(VersionStatus::Unknown)
        );
        assert_eq!(status("", "Service", "v1"), Some(VersionStatus::Served));
        assert_eq!(status("apps", "Deployment", "v1"), None);
        assert!(find(GATEWAY_GROUP, "HttpRoute").is_none());
        assert_eq!(
            find_ignoring_case(GATEWAY_GROUP, "HttpRoute").map(|k| k.kind),
            Some("HTTPRoute")
        );
        assert_eq!(
            find(EXPERIMENTAL_GROUP, "XListenerSet").map(KindSpec::replacement_help),
            Some(
                "use `apiVersion: gateway.networking.k8s.io/v1` with `kind: ListenerSet`"
                    .to_string()
            )
        );
        assert!(!ObjectKind::Namespace.namespaced());
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
        assert!(ObjectKind::Secret.namespaced());
    }
}
