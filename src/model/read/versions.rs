//! The kinds gwctl reads and the apiVersions each is served in, from the Gateway API CRDs
//! (standard and experimental channels) at the commit the conformance corpus comes from.

use crate::model::{EXPERIMENTAL_GROUP, GATEWAY_GROUP, RouteKind};

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
#[derive(Debug)]
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

const GONE: &str = "no longer served by the Gateway API CRDs";
const EXPERIMENTAL_ONLY: &str = "deprecated and served only by the experimental-channel CRDs";
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

static KINDS: &[KindSpec] = &[
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
    gateway_kind(
        "HTTPRoute",
        ObjectKind::Route(RouteKind::Http),
        &["v1", "v1beta1"],
        &[("v1alpha2", GONE)],
    ),
    gateway_kind(
        "GRPCRoute",
        ObjectKind::Route(RouteKind::Grpc),
        &["v1"],
        &[("v1alpha2", GONE)],
    ),
    gateway_kind(
        "TLSRoute",
        ObjectKind::Route(RouteKind::Tls),
        &["v1"],
        &[
            ("v1alpha2", EXPERIMENTAL_ONLY),
            ("v1alpha3", EXPERIMENTAL_ONLY),
        ],
    ),
    gateway_kind(
        "TCPRoute",
        ObjectKind::Route(RouteKind::Tcp),
        &["v1"],
        &[("v1alpha2", EXPERIMENTAL_ONLY)],
    ),
    gateway_kind(
        "UDPRoute",
        ObjectKind::Route(RouteKind::Udp),
        &["v1"],
        &[("v1alpha2", EXPERIMENTAL_ONLY)],
    ),
    gateway_kind(
        "ReferenceGrant",
        ObjectKind::ReferenceGrant,
        &["v1", "v1beta1"],
        &[("v1alpha2", GONE)],
    ),
    gateway_kind("ListenerSet", ObjectKind::ListenerSet, &["v1"], &[]),
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
        assert!(ObjectKind::Secret.namespaced());
    }
}
