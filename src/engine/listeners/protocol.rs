//! What a listener's protocol lets it serve (§2.1, §2.4): the core protocols the profile
//! supports, the vendor protocols it knows, and implementation-specific ones it cannot
//! judge; then `supportedKinds` from `allowedRoutes.kinds`.

use super::listener_path;
use super::rules::{
    LISTENER_INVALID_ROUTE_KINDS, LISTENER_UNSUPPORTED_PROTOCOL, LISTENER_UNSUPPORTED_VALUE,
};
use crate::engine::conditions::{ConditionStatus, Decision, reasons};
use crate::engine::index::IMPLEMENTATION_SPECIFIC_VALUE;
use crate::model::{GATEWAY_GROUP, GroupKind, Known, Listener, Meta, Protocol, RouteKind, TlsMode};
use crate::profile::Profile;

/// What the listener's protocol lets it serve.
pub(super) enum Served {
    /// The route kinds a listener of the protocol serves by default.
    Kinds(Vec<RouteKind>),
    /// The controller rejects the listener (`Accepted=False`).
    Refused(Decision),
    /// An implementation-specific protocol the profile cannot judge.
    Unknown(Decision),
}

/// The protocol as written, for messages.
fn written(l: &Listener) -> &str {
    match &l.protocol {
        Known::Known(p) => p.as_str(),
        Known::Unknown(p) => p,
    }
}

/// Whether `p` is some implementation's own protocol: domain-prefixed, or a vendor
/// protocol a profile lists.
fn implementation_specific(p: &str) -> bool {
    p.contains('/')
        || crate::profile::registry().all().iter().any(|profile| {
            profile
                .knobs
                .vendor_protocols
                .value
                .known
                .iter()
                .any(|v| v.name == p)
        })
}

/// What listener `l` of `owner_meta` (`me` in messages) serves under `profile`.
pub(super) fn served(l: &Listener, profile: &Profile, owner_meta: &Meta, me: &str) -> Served {
    let at = || owner_meta.at(listener_path(l.index).key("protocol"));
    let refused = |rule, message: String, help: String| {
        let status = ConditionStatus::False;
        let reason = reasons::UNSUPPORTED_PROTOCOL;
        Served::Refused(Decision::reported(rule, at(), status, reason, message).help(help))
    };
    let knobs = &profile.knobs;
    let supported: Vec<&str> = knobs.protocols.value.iter().map(|p| p.as_str()).collect();
    let protocols_help = || {
        let mut names = supported.clone();
        names.extend(
            knobs
                .vendor_protocols
                .value
                .known
                .iter()
                .map(|v| v.name.as_str()),
        );
        format!(
            "use one of the protocols {} serves: {}",
            profile.title,
            names.join(", ")
        )
    };
    let p = match &l.protocol {
        Known::Known(p) if knobs.protocols.value.contains(p) => {
            return served_core(l, *p, profile, owner_meta, me);
        }
        Known::Known(p) => {
            let message = format!(
                "{me} uses protocol {}, which {} does not support{}",
                p.as_str(),
                profile.title,
                profile.cite(&knobs.protocols)
            );
            return refused(&LISTENER_UNSUPPORTED_PROTOCOL, message, protocols_help());
        }
        Known::Unknown(p) => p,
    };
    if p.is_empty() {
        // A missing or malformed protocol: the object-schema rules report it.
        let message = format!("{me} has no valid protocol");
        let reason = reasons::UNSUPPORTED_PROTOCOL;
        return Served::Refused(Decision::silent(ConditionStatus::False, reason, message));
    }
    if let Some(core) = Protocol::ALL
        .into_iter()
        .find(|c| c.as_str().eq_ignore_ascii_case(p))
    {
        let message = format!("{me} uses protocol `{p}`, which is not supported");
        let help = format!("protocols are case-sensitive: write `{}`", core.as_str());
        return refused(&LISTENER_UNSUPPORTED_PROTOCOL, message, help);
    }
    let vendor = &knobs.vendor_protocols;
    if let Some(v) = vendor.value.known.iter().find(|v| v.name == *p) {
        return Served::Kinds(v.route_kinds.clone());
    }
    if vendor.value.others_rejected || !implementation_specific(p) {
        let message = format!(
            "{me} uses protocol `{p}`, which {} does not support{}",
            profile.title,
            profile.cite(&knobs.protocols)
        );
        return refused(&LISTENER_UNSUPPORTED_PROTOCOL, message, protocols_help());
    }
    let message = format!(
        "{me} uses protocol `{p}`, which is implementation-specific: the controller of its GatewayClass decides whether it serves it, and which routes"
    );
    Served::Unknown(
        Decision::reported(
            &IMPLEMENTATION_SPECIFIC_VALUE,
            at(),
            ConditionStatus::Unknown,
            reasons::PENDING,
            message,
        )
        .help("pass --controller naming the controller that runs in the cluster (e.g. --controller istio)"),
    )
}

/// What a listener of core protocol `p` (supported by `profile`) serves.
fn served_core(
    l: &Listener,
    p: Protocol,
    profile: &Profile,
    owner_meta: &Meta,
    me: &str,
) -> Served {
    let terminate = l
        .tls
        .as_ref()
        .is_some_and(|t| t.mode == Known::Known(TlsMode::Terminate));
    if p != Protocol::Tls || !terminate {
        return Served::Kinds(RouteKind::served_on(p));
    }
    let knob = &profile.knobs.tls_terminate_kinds;
    match &knob.value {
        Some(kinds) => Served::Kinds(kinds.clone()),
        None => {
            let at = owner_meta.at(listener_path(l.index).key("tls").key("mode"));
            let message = format!(
                "{me} is a TLS listener in Terminate mode, which {} does not support{}",
                profile.title,
                profile.cite(knob)
            );
            Served::Refused(
                Decision::reported(
                    &LISTENER_UNSUPPORTED_VALUE,
                    at,
                    ConditionStatus::False,
                    reasons::UNSUPPORTED_VALUE,
                    message,
                )
                .help(
                    "use `mode: Passthrough` with TLSRoutes, or an HTTPS listener to terminate TLS",
                ),
            )
        }
    }
}

/// `supportedKinds` of listener `l`, which serves `served`, and the `ResolvedRefs=False`
/// (`InvalidRouteKinds`) decision on each `allowedRoutes.kinds` entry it cannot serve.
pub(super) fn supported_kinds(
    l: &Listener,
    served: &[RouteKind],
    owner_meta: &Meta,
    me: &str,
) -> (Vec<GroupKind>, Vec<Decision>) {
    let Some(kinds) = l.allowed_routes.kinds.as_deref().filter(|k| !k.is_empty()) else {
        return (served.iter().map(|k| k.group_kind()).collect(), Vec::new());
    };
    let mut supported: Vec<GroupKind> = Vec::new();
    let mut dropped = Vec::new();
    let names: Vec<&str> = served.iter().map(|k| k.as_str()).collect();
    let protocol = written(l);
    for (i, gk) in kinds.iter().enumerate() {
        let fits = gk.group == GATEWAY_GROUP && served.iter().any(|k| k.as_str() == gk.kind);
        if fits {
            if !supported.contains(gk) {
                supported.push(gk.clone());
            }
            continue;
        }
        let message = format!(
            "{me} lists route kind `{}/{}` in allowedRoutes.kinds, which a listener of protocol {protocol} cannot serve",
            gk.group, gk.kind,
        );
        let at = listener_path(l.index)
            .key("allowedRoutes")
            .key("kinds")
            .index(i);
        dropped.push(
            Decision::reported(
                &LISTENER_INVALID_ROUTE_KINDS,
                owner_meta.at(at),
                ConditionStatus::False,
                reasons::INVALID_ROUTE_KINDS,
                message,
            )
            .help(format!(
                "a listener of protocol {protocol} serves {}; remove this entry",
                if names.is_empty() {
                    "no route kind".to_string()
                } else {
                    names.join(" and ")
                }
            )),
        );
    }
    (supported, dropped)
}
