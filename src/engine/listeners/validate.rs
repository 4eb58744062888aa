//! Listener validation (§2.1, §2.3, §2.4): the protocol, the fields the API server would
//! reject in combination, and `supportedKinds`; certificate references are [`super::tls`].

use super::tls::{CaOutcome, certificates, terminates_tls};
use super::{ListenerState, listener_path};
use crate::diag::{Diagnostic, rule};
use crate::engine::conditions::{ConditionStatus, Decision, Verdict, reasons};
use crate::engine::hostname;
use crate::engine::index::Index;
use crate::model::{GATEWAY_GROUP, GroupKind, Known, Listener, Meta, Protocol, RouteKind, TlsMode};

rule! {
    /// ## What it does
    /// Reports a listener whose protocol the implementation does not support. Core protocols are
    /// `HTTP`, `HTTPS`, `TLS`, `TCP` and `UDP`; anything else is implementation-specific.
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
    /// Use one of the core protocols (`HTTP` here).
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

/// A listener value the API server would reject: admission reports it from the CRD (its
/// schema, or a CEL rule), in the API server's words; one problem, one finding, so only the
/// listener's condition says it again.
pub(super) struct InvalidValue(String);

impl InvalidValue {
    /// The listener's `Accepted` decision; `me` names the listener.
    fn decision(self, me: &str) -> Decision {
        Decision::silent(
            ConditionStatus::False,
            reasons::UNSUPPORTED_VALUE,
            format!("{me} {}", self.0),
        )
    }
}

/// The first structural problem of the listener that the API server would reject.
pub(super) fn invalid_value(l: &Listener) -> Option<InvalidValue> {
    let protocol = l.protocol.known()?;
    let proto = protocol.as_str();
    if l.port.is_none() {
        return Some(InvalidValue("has no valid port".into()));
    }
    if let Some(h) = &l.hostname {
        if matches!(protocol, Protocol::Tcp | Protocol::Udp) {
            return Some(InvalidValue(format!(
                "is a {proto} listener with a hostname, which {proto} cannot match on"
            )));
        }
        if let Some(why) = hostname::invalid_reason(h) {
            return Some(InvalidValue(format!(
                "has hostname `{h}`, which is not valid: {why}"
            )));
        }
    }
    let problem = match (protocol, &l.tls) {
        (Protocol::Http | Protocol::Tcp | Protocol::Udp, Some(_)) => format!(
            "is a {proto} listener with a `tls` section, which only HTTPS and TLS listeners may have"
        ),
        (Protocol::Https | Protocol::Tls, None) => format!("is a {proto} listener without `tls`"),
        (Protocol::Https, Some(t)) if t.mode == Known::Known(TlsMode::Passthrough) => {
            "is an HTTPS listener with `tls.mode: Passthrough`; HTTPS always terminates TLS".into()
        }
        (_, Some(t))
            if terminates_tls(l) && t.certificate_refs.is_empty() && t.options.is_empty() =>
        {
            "terminates TLS but has no `tls.certificateRefs`".into()
        }
        _ => return None,
    };
    Some(InvalidValue(problem))
}

/// Validates one listener of `owner_meta` (a Gateway or ListenerSet); `ca` is the outcome
/// of the Gateway's client-certificate validation for the listener's port.
pub(super) fn validate(
    index: &Index,
    owner_meta: &Meta,
    l: &Listener,
    ca: Option<&CaOutcome>,
    diags: &mut Vec<Diagnostic>,
) -> ListenerState {
    let owner = format!(
        "{} {}/{}",
        owner_meta.kind, owner_meta.namespace, owner_meta.name
    );
    let me = format!("listener `{}` of {owner}", l.name);
    let mut state = ListenerState {
        supported_kinds: Vec::new(),
        accepted: Verdict::new(
            ConditionStatus::True,
            reasons::ACCEPTED,
            format!("{me} is valid"),
        ),
        conflicted: None,
        resolved_refs: Verdict::new(
            ConditionStatus::True,
            reasons::RESOLVED_REFS,
            format!("every reference of {me} resolves"),
        ),
    };
    let protocol = match protocol(l, owner_meta, &me) {
        Ok(protocol) => protocol,
        Err(refused) => {
            state.accepted = refused.record(diags);
            return state;
        }
    };
    // supportedKinds (§2.4). Certificate problems outrank InvalidRouteKinds in ResolvedRefs.
    let (supported, dropped) = supported_kinds(l, protocol, owner_meta, &me);
    state.supported_kinds = supported;
    let mut kinds_problem = None;
    for entry in dropped {
        let verdict = entry.record(diags);
        kinds_problem.get_or_insert(verdict);
    }
    if let Some(invalid) = invalid_value(l) {
        state.accepted = invalid.decision(&me).record(diags);
    } else if terminates_tls(l) && l.tls.is_some() {
        certificates(index, owner_meta, l, ca, &me, &mut state, diags);
    }
    if let Some(problem) = kinds_problem
        && state.resolved_refs.is_true()
    {
        state.resolved_refs = problem;
    }
    state
}

/// The listener's core protocol, or the `Accepted` decision refusing it.
fn protocol(l: &Listener, owner_meta: &Meta, me: &str) -> Result<Protocol, Decision> {
    let refused = |message| {
        (
            ConditionStatus::False,
            reasons::UNSUPPORTED_PROTOCOL,
            message,
        )
    };
    match &l.protocol {
        Known::Known(p) => Ok(*p),
        // A missing or malformed protocol: the object-schema rules report it.
        Known::Unknown(p) if p.is_empty() => {
            let (status, reason, message) = refused(format!("{me} has no valid protocol"));
            Err(Decision::silent(status, reason, message))
        }
        Known::Unknown(p) => {
            let help = match Protocol::ALL
                .into_iter()
                .find(|core| core.as_str().eq_ignore_ascii_case(p))
            {
                Some(core) => format!("protocols are case-sensitive: write `{}`", core.as_str()),
                None => "use HTTP, HTTPS, TLS, TCP or UDP".to_string(),
            };
            let (status, reason, message) =
                refused(format!("{me} uses protocol `{p}`, which is not supported"));
            let at = owner_meta.at(listener_path(l.index).key("protocol"));
            Err(
                Decision::reported(&LISTENER_UNSUPPORTED_PROTOCOL, at, status, reason, message)
                    .help(help),
            )
        }
    }
}

/// `supportedKinds` of a listener of `protocol`, and the `ResolvedRefs=False`
/// (`InvalidRouteKinds`) decision on each `allowedRoutes.kinds` entry it cannot serve.
fn supported_kinds(
    l: &Listener,
    protocol: Protocol,
    owner_meta: &Meta,
    me: &str,
) -> (Vec<GroupKind>, Vec<Decision>) {
    let allowed = RouteKind::served_on(protocol);
    let Some(kinds) = l.allowed_routes.kinds.as_deref().filter(|k| !k.is_empty()) else {
        return (allowed.iter().map(|k| k.group_kind()).collect(), Vec::new());
    };
    let mut supported: Vec<GroupKind> = Vec::new();
    let mut dropped = Vec::new();
    let names: Vec<&str> = allowed.iter().map(|k| k.as_str()).collect();
    for (i, gk) in kinds.iter().enumerate() {
        let fits = gk.group == GATEWAY_GROUP && allowed.iter().any(|k| k.as_str() == gk.kind);
        if fits {
            if !supported.contains(gk) {
                supported.push(gk.clone());
            }
            continue;
        }
        let message = format!(
            "{me} lists route kind `{}/{}` in allowedRoutes.kinds, which a listener of protocol {} cannot serve",
            gk.group,
            gk.kind,
            protocol.as_str()
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
                "a listener of protocol {} serves {}; remove this entry",
                protocol.as_str(),
                names.join(" and ")
            )),
        );
    }
    (supported, dropped)
}

#[cfg(test)]
mod tests {
    use super::*;

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
