//! The route kinds, one row each: every list of route kinds gwctl keeps (the kinds it
//! reads, the listener protocols that serve it,
//! whether it has hostnames, its filters and its matches, the backend protocols it can
//! use) is read from [`ROUTE_KINDS`]. A new kind is one row of `route_kinds!` (which also
//! declares its [`RouteKind`] variant), plus a reader and a matcher if it brings a new
//! [`MatchFamily`].

use super::{GATEWAY_GROUP, GroupKind, Protocol};

/// How a kind's rules select requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchFamily {
    /// `matches` of path, method, headers and query parameters (HTTPRoute).
    Http,
    /// `matches` of gRPC service and method and headers (GRPCRoute).
    Grpc,
    /// No matches: the route takes whole connections (TLSRoute by SNI, TCPRoute, UDPRoute).
    Connection,
}

/// The application protocols of a Service port a kind's backends may declare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppProtocols {
    /// HTTP-based protocols only (`http`, `h2c`, `kubernetes.io/ws`, ...).
    Http,
    /// Any: the route forwards bytes.
    Any,
}

/// Everything gwctl knows about one route kind.
#[derive(Debug)]
pub struct RouteKindSpec {
    pub kind: RouteKind,
    /// The kind as written, in group [`GATEWAY_GROUP`].
    pub name: &'static str,
    /// The listener protocols whose default `supportedKinds` include the kind (§2.4).
    pub protocols: &'static [Protocol],
    /// Whether the route has `spec.hostnames`, matched against listener hostnames (§4).
    pub hostnames: bool,
    /// The filter `type`s a rule (and a backendRef) may have, in the CRD's order.
    pub filters: &'static [&'static str],
    pub matches: MatchFamily,
    pub app_protocols: AppProtocols,
}

/// Declares [`RouteKind`] and [`ROUTE_KINDS`] from one list of rows, so the enum and the
/// table cannot disagree: row `i` is the kind whose discriminant is `i`.
macro_rules! route_kinds {
    ($($variant:ident { $($field:ident: $value:expr),* $(,)? })*) => {
        /// A route kind; its row of [`ROUTE_KINDS`] says everything else about it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum RouteKind {
            $($variant),*
        }

        /// One row per kind, in [`RouteKind`] order.
        pub static ROUTE_KINDS: [RouteKindSpec; [$(RouteKind::$variant),*].len()] = [
            $(RouteKindSpec { kind: RouteKind::$variant, $($field: $value),* }),*
        ];
    };
}

route_kinds! {
    Http {
        name: "HTTPRoute",
        protocols: &[Protocol::Http, Protocol::Https],
        hostnames: true,
        filters: &[
            "RequestHeaderModifier",
            "ResponseHeaderModifier",
            "RequestRedirect",
            "URLRewrite",
            "RequestMirror",
            "CORS",
            "ExternalAuth",
            "ExtensionRef",
        ],
        matches: MatchFamily::Http,
        app_protocols: AppProtocols::Http,
    }
    Grpc {
        name: "GRPCRoute",
        protocols: &[Protocol::Http, Protocol::Https],
        hostnames: true,
        filters: &[
            "RequestHeaderModifier",
            "ResponseHeaderModifier",
            "RequestMirror",
            "ExtensionRef",
        ],
        matches: MatchFamily::Grpc,
        app_protocols: AppProtocols::Http,
    }
    Tls {
        name: "TLSRoute",
        protocols: &[Protocol::Tls],
        hostnames: true,
        filters: &[],
        matches: MatchFamily::Connection,
        app_protocols: AppProtocols::Any,
    }
    Tcp {
        name: "TCPRoute",
        protocols: &[Protocol::Tcp],
        hostnames: false,
        filters: &[],
        matches: MatchFamily::Connection,
        app_protocols: AppProtocols::Any,
    }
    Udp {
        name: "UDPRoute",
        protocols: &[Protocol::Udp],
        hostnames: false,
        filters: &[],
        matches: MatchFamily::Connection,
        app_protocols: AppProtocols::Any,
    }
}

impl RouteKind {
    /// Every route kind, in table order.
    pub fn all() -> impl Iterator<Item = RouteKind> {
        ROUTE_KINDS.iter().map(|spec| spec.kind)
    }
    /// The kind's row of [`ROUTE_KINDS`].
    pub fn spec(self) -> &'static RouteKindSpec {
        // In range: `route_kinds!` makes one row per variant, in order.
        &ROUTE_KINDS[self as usize]
    }
    pub fn as_str(self) -> &'static str {
        self.spec().name
    }
    pub fn group_kind(self) -> GroupKind {
        GroupKind::new(GATEWAY_GROUP, self.as_str())
    }
    /// The kinds a listener of `protocol` serves by default (§2.4), in table order.
    pub fn served_on(protocol: Protocol) -> Vec<RouteKind> {
        ROUTE_KINDS
            .iter()
            .filter(|spec| spec.protocols.contains(&protocol))
            .map(|spec| spec.kind)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_its_row_and_a_listener_protocol() {
        let kinds: Vec<RouteKind> = RouteKind::all().collect();
        assert_eq!(
            kinds,
            [
                RouteKind::Http,
                RouteKind::Grpc,
                RouteKind::Tls,
                RouteKind::Tcp,
                RouteKind::Udp
            ]
        );
        for kind in kinds {
            assert_eq!(kind.spec().kind, kind);
            assert!(!kind.spec().protocols.is_empty(), "{kind:?}");
        }
        assert_eq!(
            RouteKind::served_on(Protocol::Https),
            [RouteKind::Http, RouteKind::Grpc]
        );
        assert_eq!(RouteKind::served_on(Protocol::Udp), [RouteKind::Udp]);
    }
}
