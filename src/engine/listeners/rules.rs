//! The rules of listener validation, shared by its phases.

use crate::diag::rule;

rule! {
    /// ## What it does
    /// Reports a listener whose protocol its controller does not serve. Core protocols are
    /// `HTTP`, `HTTPS`, `TLS`, `TCP` and `UDP`, and not every controller serves all of them
    /// (Istio and kgateway no UDP: see the controller's profile); domain-prefixed and vendor
    /// protocols (`HBONE`, `istio.io/PROXY`) are the implementation's
    /// (`implementation-specific-value`), unless its profile knows them.
    ///
    /// ## Why it matters
    /// The listener gets `Accepted=False` with reason `UnsupportedProtocol` and an empty
    /// `supportedKinds`, and no route attaches.
    ///
    /// ## Example
    /// `HTTP2` is not a Gateway API protocol:
    #[example = "testdata/rules/listener-unsupported-protocol/err.yaml"]
    ///
    /// ## Fix
    /// Use one of the protocols the controller serves (`HTTP` here).
    pub static LISTENER_UNSUPPORTED_PROTOCOL {
        code: "GW3003",
        name: "listener-unsupported-protocol",
        severity: Error,
        stage: Analysis,
        summary: "A listener uses a protocol the implementation does not support",
    }
}

rule! {
    /// ## What it does
    /// Reports an `allowedRoutes.kinds` entry that is not a route kind of group
    /// `gateway.networking.k8s.io` fitting the listener's protocol (HTTPRoute/GRPCRoute on
    /// HTTP(S), TLSRoute on TLS, TCPRoute on TCP, UDPRoute on UDP).
    ///
    /// ## Why it matters
    /// Such kinds are dropped from `supportedKinds` and the listener gets `ResolvedRefs=False`
    /// (`InvalidRouteKinds`); if none is left, no route can attach.
    ///
    /// ## Example
    /// An HTTP listener that allows only TCPRoutes:
    #[example = "testdata/rules/listener-invalid-route-kinds/err.yaml"]
    ///
    /// ## Fix
    /// List only kinds that fit the protocol, or remove `kinds` to use the defaults.
    pub static LISTENER_INVALID_ROUTE_KINDS {
        code: "GW3006",
        name: "listener-invalid-route-kinds",
        severity: Error,
        stage: Analysis,
        summary: "allowedRoutes.kinds names a route kind the listener cannot serve",
    }
}

rule! {
    /// ## What it does
    /// Reports a listener value the API allows but its controller does not support (see the
    /// controller's profile): Cilium rejects TLS listeners in `Terminate` mode, NGINX Gateway
    /// Fabric more than one `certificateRef`.
    ///
    /// ## Why it matters
    /// The listener gets `Accepted=False` with reason `UnsupportedValue` and serves nothing.
    ///
    /// ## Example
    /// With `--controller cilium`, a TLS listener in `Terminate` mode:
    #[example = "testdata/rules/listener-unsupported-value/err.yaml"]
    ///
    /// ## Fix
    /// Use a value the controller supports (here `protocol: HTTPS`, or `mode: Passthrough`).
    pub static LISTENER_UNSUPPORTED_VALUE {
        code: "GW3011",
        name: "listener-unsupported-value",
        severity: Error,
        stage: Analysis,
        summary: "A listener uses a value its controller does not support",
    }
}

rule! {
    /// ## What it does
    /// Reports a listener whose `allowedRoutes.namespaces` has `from: Selector` with no
    /// `selector`, or with a malformed requirement (`In`/`NotIn` without values,
    /// `Exists`/`DoesNotExist` with values, an unknown operator, an invalid label key or
    /// value). The CRDs do not reject it.
    ///
    /// ## Why it matters
    /// Such a selector selects no namespace (as Kubernetes' `LabelSelectorAsSelector`), so no
    /// route attaches, and the listener is invalid (`Programmed=False`, `Invalid`). Istio takes
    /// a missing selector to select every namespace (its profile says so).
    ///
    /// ## Example
    /// `from: Selector` without a selector:
    #[example = "testdata/rules/listener-invalid-selector/err.yaml"]
    ///
    /// ## Fix
    /// Add a `selector` (`matchLabels: {shared-gateway-access: \"true\"}`), or use `from: All`.
    pub static LISTENER_INVALID_SELECTOR {
        code: "GW3013",
        name: "listener-invalid-selector",
        severity: Error,
        stage: Analysis,
        summary: "allowedRoutes.namespaces has `from: Selector` without a valid selector",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RouteKind;

    /// The explanation lists the kinds and their protocols by hand: a kind added to the
    /// table must be named there too.
    #[test]
    fn invalid_route_kinds_explanation_names_every_kind() {
        let text = LISTENER_INVALID_ROUTE_KINDS.explanation();
        for kind in RouteKind::all() {
            assert!(
                text.contains(kind.as_str()),
                "GW3006 does not name {kind:?}"
            );
        }
    }
}
