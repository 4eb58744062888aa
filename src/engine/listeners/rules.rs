//! The rules of listener validation, shared by its phases.

rule!(
    LISTENER_UNSUPPORTED_PROTOCOL,
    "GW3003",
    "listener-unsupported-protocol",
    Error,
    "A listener uses a protocol the implementation does not support",
    "Core protocols are `HTTP`, `HTTPS`, `TLS`, `TCP` and `UDP`, and not every controller \
serves all of them (Istio and kgateway no UDP); domain-prefixed and vendor protocols \
(`HBONE`, `istio.io/PROXY`) are the implementation's. A protocol the controller does not \
serve (its profile says which it does) gives the listener `Accepted=False` with reason \
`UnsupportedProtocol`, an empty `supportedKinds`, and no route attaches.\n\n\
```yaml\nlisteners:\n- name: web\n  port: 80\n  protocol: HTTP2   # not a Gateway API protocol\n```\n\n\
Fix: use one of the protocols the controller serves (`HTTP` here)."
);

rule!(
    LISTENER_INVALID_VALUE,
    "GW3004",
    "listener-invalid-value",
    Error,
    "A listener combines fields in a way the API rejects",
    "The API server (CRD validation) rejects: `tls` on HTTP, TCP or UDP listeners; \
`hostname` on TCP or UDP listeners; HTTPS or TLS-Terminate listeners without \
`tls.certificateRefs`; HTTPS with `mode: Passthrough`; TLS listeners without `tls`. \
gwctl predicts `Accepted=False` (`UnsupportedValue`) for such a listener, as it does for \
a listener whose port or hostname the schema rules report (`invalid-field-value`, \
`invalid-hostname`, ...).\n\n\
```yaml\nlisteners:\n- name: db\n  port: 5432\n  protocol: TCP\n  hostname: db.example.com   # TCP listeners cannot have a hostname\n```\n\n\
Fix: remove or correct the offending field."
);

rule!(
    LISTENER_INVALID_ROUTE_KINDS,
    "GW3006",
    "listener-invalid-route-kinds",
    Error,
    "allowedRoutes.kinds names a route kind the listener cannot serve",
    "Each `allowedRoutes.kinds` entry must be a route kind of group \
`gateway.networking.k8s.io` that fits the protocol (HTTPRoute/GRPCRoute on HTTP(S), \
TLSRoute on TLS, TCPRoute on TCP, UDPRoute on UDP). Others are dropped from \
`supportedKinds` and the listener gets `ResolvedRefs=False` (`InvalidRouteKinds`); if \
none is left, no route can attach.\n\n\
```yaml\nallowedRoutes:\n  kinds:\n  - kind: TCPRoute   # an HTTP listener cannot serve TCPRoutes\n```\n\n\
Fix: list only kinds that fit the protocol, or remove `kinds` to use the defaults."
);

rule!(
    LISTENER_UNSUPPORTED_VALUE,
    "GW3011",
    "listener-unsupported-value",
    Error,
    "A listener uses a value its controller does not support",
    "Some values the API allows are not supported by every controller: Cilium rejects TLS \
listeners in `Terminate` mode, NGINX Gateway Fabric more than one `certificateRef`. The \
listener gets `Accepted=False` with reason `UnsupportedValue` and serves nothing (see the \
controller's profile, `gwctl check --controller NAME`).\n\n\
```yaml\nlisteners:\n- name: tls\n  port: 443\n  protocol: TLS\n  tls:\n    mode: Terminate   # --controller cilium: not supported\n```\n\n\
Fix: use a value the controller supports (here `protocol: HTTPS`, or `mode: Passthrough`)."
);

rule!(
    LISTENER_INVALID_SELECTOR,
    "GW3013",
    "listener-invalid-selector",
    Error,
    "allowedRoutes.namespaces has `from: Selector` without a valid selector",
    "With `from: Selector`, `allowedRoutes.namespaces.selector` must be given, and each \
requirement well-formed (`In`/`NotIn` with values, `Exists`/`DoesNotExist` without, a \
valid label key and value). The CRDs do not reject it, but such a selector selects no \
namespace (as Kubernetes' `LabelSelectorAsSelector`), no route attaches, and the \
listener is invalid (`Programmed=False`, `Invalid`). Istio takes a missing selector to \
select every namespace.\n\n\
```yaml\nallowedRoutes:\n  namespaces:\n    from: Selector   # no selector\n```\n\n\
Fix: add a `selector` (`matchLabels: {shared-gateway-access: \"true\"}`), or use `from: All`."
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RouteKind;

    /// The explanation lists the kinds and their protocols by hand: a kind added to the
    /// table must be named there too.
    #[test]
    fn invalid_route_kinds_explanation_names_every_kind() {
        let text = LISTENER_INVALID_ROUTE_KINDS.explanation;
        for kind in RouteKind::all() {
            assert!(
                text.contains(kind.as_str()),
                "GW3006 does not name {kind:?}"
            );
        }
    }
}
