//! Listeners (§2, §11): validation, supportedKinds, certificate references, ListenerSet
//! admission and the merged conflict check.

use std::collections::HashMap;

use super::classes::Reconciled;
use super::conditions::{ConditionStatus, ListenerId, ListenerOwner, Verdict};
use super::hostname;
use super::index::{Index, Lookup, UNKNOWN_PARENT};
use super::references::{Purpose, RefOutcome, check_object_ref};
use super::selector::{self, SelectorMatch, UNKNOWN_NAMESPACE, namespace_matches};
use crate::diag::{Diagnostic, FieldPath, Location};
use crate::model::{
    FromNamespaces, GATEWAY_GROUP, Gateway, GroupKind, Known, Listener, ListenerSet, Meta,
    Protocol, RouteKind, TlsMode, World,
};

rule!(
    LISTENER_UNSUPPORTED_PROTOCOL,
    "GW3003",
    "listener-unsupported-protocol",
    Error,
    "A listener uses a protocol the implementation does not support",
    "Core protocols are `HTTP`, `HTTPS`, `TLS`, `TCP` and `UDP`; anything else is \
implementation-specific. An unsupported protocol gives the listener `Accepted=False` \
with reason `UnsupportedProtocol`, an empty `supportedKinds`, and no route attaches.\n\n\
```yaml\nlisteners:\n- name: web\n  port: 80\n  protocol: HTTP2   # not a Gateway API protocol\n```\n\n\
Fix: use one of the core protocols (`HTTP` here)."
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
    LISTENER_CONFLICT,
    "GW3005",
    "listener-conflict",
    Error,
    "Listeners on the same port are not distinct",
    "Listeners on one port must be distinguishable: same-protocol HTTP/HTTPS/TLS \
listeners need different hostnames, TCP/UDP listeners cannot share a port with the same \
protocol, and incompatible protocols (HTTP with HTTPS, anything with TCP) cannot share \
a port. Within one Gateway every conflicting listener is rejected (`Conflicted=True`, \
`Accepted=False`, reason `HostnameConflict` or `ProtocolConflict`); across a Gateway \
and its ListenerSets, the earlier source keeps the port.\n\n\
```yaml\nlisteners:\n- {name: a, port: 80, protocol: HTTP, hostname: example.com}\n- {name: b, port: 80, protocol: HTTP, hostname: example.com}   # conflicts with a\n```\n\n\
Fix: give the listeners different hostnames or ports."
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
    LISTENERSET_NOT_ALLOWED,
    "GW3007",
    "listenerset-not-allowed",
    Error,
    "The parent Gateway does not allow this ListenerSet",
    "A Gateway accepts ListenerSets only when `spec.allowedListeners.namespaces.from` \
admits the ListenerSet's namespace. The default is `None`: no ListenerSet is allowed. \
A refused ListenerSet gets `Accepted=False` and `Programmed=False` with reason \
`NotAllowed`, and none of its listeners serves traffic.\n\n\
```yaml\nkind: Gateway\nspec:\n  allowedListeners:\n    namespaces:\n      from: Same   # or All, or Selector\n```\n\n\
Fix: set `allowedListeners` on the Gateway so that it admits the ListenerSet's namespace."
);

rule!(
    LISTENERSET_PARENT_NOT_FOUND,
    "GW3008",
    "listenerset-parent-not-found",
    Error,
    "A ListenerSet's parentRef names no existing Gateway",
    "`spec.parentRef` of a ListenerSet must name an existing Gateway (group \
`gateway.networking.k8s.io`, kind `Gateway`). Otherwise the ListenerSet is not accepted \
and its listeners serve nothing.\n\n\
```yaml\nkind: ListenerSet\nspec:\n  parentRef: {name: gatway}   # typo\n```\n\n\
Fix: correct the parentRef's name and namespace."
);

/// Everything computed about one listener.
#[derive(Debug, Clone)]
pub struct ListenerState {
    pub supported_kinds: Vec<GroupKind>,
    pub accepted: Verdict,
    /// `Some` when the listener lost a conflict.
    pub conflicted: Option<Verdict>,
    pub resolved_refs: Verdict,
}

impl ListenerState {
    /// Routes may attach (invalid certificate refs do not prevent it, §2.3).
    pub fn attachable(&self) -> bool {
        self.accepted.is_true()
    }
    /// Accepted, and every reference resolves, except dropped route kinds when some kinds
    /// remain: the listener keeps serving those (§2.3).
    pub fn programmed(&self) -> bool {
        self.accepted.is_true()
            && (self.resolved_refs.is_true()
                || (self.resolved_refs.reason == "InvalidRouteKinds"
                    && !self.supported_kinds.is_empty()))
    }
    /// Counts as valid for the owner's `Accepted` (`ListenersNotValid` otherwise).
    pub fn valid(&self) -> bool {
        self.programmed()
            || (self.accepted.is_true() && self.resolved_refs.status == ConditionStatus::Unknown)
    }
    pub fn supports(&self, kind: RouteKind) -> bool {
        let gk = kind.group_kind();
        self.supported_kinds.contains(&gk)
    }
}

/// How a ListenerSet relates to its parent Gateway.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SetParent {
    /// Accepted by Gateway index `.0`.
    Attached(usize),
    /// Not accepted: `Accepted=False` with this reason.
    Rejected {
        reason: &'static str,
        message: String,
    },
    /// Depends on objects not in the input, or the parent is not reconciled.
    Unknown { message: String },
}

pub struct Listeners {
    pub gateways: Vec<Vec<ListenerState>>,
    pub sets: Vec<Vec<ListenerState>>,
    pub set_parents: Vec<SetParent>,
}

impl Listeners {
    pub fn get(&self, id: ListenerId) -> Option<&ListenerState> {
        match id.owner {
            ListenerOwner::Gateway(g) => self.gateways.get(g)?.get(id.index),
            ListenerOwner::ListenerSet(s) => self.sets.get(s)?.get(id.index),
        }
    }
    fn get_mut(&mut self, id: ListenerId) -> Option<&mut ListenerState> {
        match id.owner {
            ListenerOwner::Gateway(g) => self.gateways.get_mut(g)?.get_mut(id.index),
            ListenerOwner::ListenerSet(s) => self.sets.get_mut(s)?.get_mut(id.index),
        }
    }
}

fn allowed_kinds(protocol: Protocol) -> &'static [RouteKind] {
    match protocol {
        Protocol::Http | Protocol::Https => &[RouteKind::Http, RouteKind::Grpc],
        Protocol::Tls => &[RouteKind::Tls],
        Protocol::Tcp => &[RouteKind::Tcp],
        Protocol::Udp => &[RouteKind::Udp],
    }
}

fn listener_path(index: usize) -> FieldPath {
    FieldPath::root().key("spec").key("listeners").index(index)
}

/// Whether the listener terminates TLS (and so needs certificates).
fn terminates_tls(l: &Listener) -> bool {
    match l.protocol.known() {
        Some(Protocol::Https) => true,
        Some(Protocol::Tls) => l
            .tls
            .as_ref()
            .is_some_and(|t| t.mode == Known::Known(TlsMode::Terminate)),
        _ => false,
    }
}

/// A listener value the API server would reject.
enum InvalidValue {
    /// A field the object-schema rules report where the model reads it (a missing or
    /// out-of-range port, a malformed hostname): one problem, one finding, so only the
    /// listener's condition says it again.
    Schema(String),
    /// A combination of fields only this stage checks, reported here.
    Combination {
        at: FieldPath,
        problem: String,
        help: String,
    },
}

impl InvalidValue {
    fn combination(at: FieldPath, problem: impl Into<String>, help: impl Into<String>) -> Self {
        InvalidValue::Combination {
            at,
            problem: problem.into(),
            help: help.into(),
        }
    }
}

/// The first structural problem of the listener that the API server would reject.
fn invalid_value(l: &Listener) -> Option<InvalidValue> {
    let path = listener_path(l.index);
    let protocol = l.protocol.known()?;
    let proto = protocol.as_str();
    if l.port.is_none() {
        return Some(InvalidValue::Schema("has no valid port".into()));
    }
    if let Some(h) = &l.hostname {
        if matches!(protocol, Protocol::Tcp | Protocol::Udp) {
            return Some(InvalidValue::combination(
                path.key("hostname"),
                format!("is a {proto} listener with a hostname, which {proto} cannot match on"),
                "remove `hostname` (TCP and UDP listeners match every connection on their port)",
            ));
        }
        if let Some(why) = hostname::invalid_reason(h) {
            return Some(InvalidValue::Schema(format!(
                "has hostname `{h}`, which is not valid: {why}"
            )));
        }
    }
    match (protocol, &l.tls) {
        (Protocol::Http | Protocol::Tcp | Protocol::Udp, Some(_)) => {
            Some(InvalidValue::combination(
                path.key("tls"),
                format!(
                    "is a {proto} listener with a `tls` section, which only HTTPS and TLS listeners may have"
                ),
                "remove `tls`, or change the protocol to HTTPS/TLS if this listener should terminate TLS",
            ))
        }
        (Protocol::Https | Protocol::Tls, None) => Some(InvalidValue::combination(
            path.clone(),
            format!("is a {proto} listener without `tls`"),
            if protocol == Protocol::Https {
                "add `tls.certificateRefs` naming a kubernetes.io/tls Secret"
            } else {
                "add `tls.mode: Passthrough`, or `tls.mode: Terminate` with certificateRefs"
            },
        )),
        (Protocol::Https, Some(t)) if t.mode == Known::Known(TlsMode::Passthrough) => {
            Some(InvalidValue::combination(
                path.key("tls").key("mode"),
                "is an HTTPS listener with `tls.mode: Passthrough`; HTTPS always terminates TLS",
                "use `protocol: TLS` for passthrough, or `mode: Terminate`",
            ))
        }
        (_, Some(t))
            if terminates_tls(l) && t.certificate_refs.is_empty() && t.options.is_empty() =>
        {
            Some(InvalidValue::combination(
                path.key("tls"),
                "terminates TLS but has no `tls.certificateRefs`",
                "add `tls.certificateRefs` naming a kubernetes.io/tls Secret",
            ))
        }
        _ => None,
    }
}

/// The outcome of one Gateway's frontend client-validation block: `(first failure, any valid)`.
type CaOutcome = (Option<(String, String)>, bool);

fn ca_outcomes(
    index: &Index,
    gw: &Gateway,
    diags: &mut Vec<Diagnostic>,
) -> (Option<CaOutcome>, Vec<(Option<i64>, CaOutcome)>) {
    let Some(tls) = &gw.tls else {
        return (None, Vec::new());
    };
    let mut check = |refs: &[crate::model::ObjectRef], path: FieldPath| -> CaOutcome {
        let mut first = None;
        let mut any_valid = false;
        for (i, r) in refs.iter().enumerate() {
            match check_object_ref(
                index,
                &gw.meta,
                r,
                Purpose::CaBundle,
                path.clone().index(i),
                diags,
            ) {
                RefOutcome::Ok => any_valid = true,
                RefOutcome::Invalid { reason, message } => {
                    first.get_or_insert((reason.to_string(), message));
                }
                // An unknown CA is optimistic for acceptance, pessimistic for certainty.
                RefOutcome::Unknown { .. } => any_valid = true,
            }
        }
        (first, any_valid)
    };
    let default = tls.frontend_default.as_ref().map(|v| {
        check(
            &v.ca_certificate_refs,
            FieldPath::parse("spec.tls.frontend.default.validation.caCertificateRefs"),
        )
    });
    let per_port = tls
        .frontend_per_port
        .iter()
        .enumerate()
        .map(|(i, (port, v))| {
            let path = FieldPath::parse(&format!(
                "spec.tls.frontend.perPort[{i}].tls.validation.caCertificateRefs"
            ));
            (*port, check(&v.ca_certificate_refs, path))
        })
        .collect();
    (default, per_port)
}

/// Validates one listener of `owner_meta` (a Gateway or ListenerSet).
fn validate(
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
    let path = listener_path(l.index);
    let ok = |t: &str| Verdict::new(ConditionStatus::True, t, format!("{me} is valid"));
    let mut state = ListenerState {
        supported_kinds: Vec::new(),
        accepted: ok("Accepted"),
        conflicted: None,
        resolved_refs: Verdict::new(
            ConditionStatus::True,
            "ResolvedRefs",
            format!("every reference of {me} resolves"),
        ),
    };
    let protocol = match &l.protocol {
        Known::Known(p) => *p,
        // A missing or malformed protocol: the object-schema rules report it.
        Known::Unknown(p) if p.is_empty() => {
            let message = format!("{me} has no valid protocol");
            state.accepted = Verdict::new(ConditionStatus::False, "UnsupportedProtocol", message);
            return state;
        }
        Known::Unknown(p) => {
            let message = format!("{me} uses protocol `{p}`, which is not supported");
            let help = match Protocol::ALL
                .into_iter()
                .find(|core| core.as_str().eq_ignore_ascii_case(p))
            {
                Some(core) => format!("protocols are case-sensitive: write `{}`", core.as_str()),
                None => "use HTTP, HTTPS, TLS, TCP or UDP".to_string(),
            };
            diags.push(
                Diagnostic::new(&LISTENER_UNSUPPORTED_PROTOCOL, message.clone())
                    .at(owner_meta.at(path.key("protocol")))
                    .help(help),
            );
            state.accepted = Verdict::new(ConditionStatus::False, "UnsupportedProtocol", message);
            return state;
        }
    };
    // supportedKinds (§2.4). Certificate problems outrank InvalidRouteKinds in ResolvedRefs.
    let mut kinds_problem = None;
    let allowed = allowed_kinds(protocol);
    match l.allowed_routes.kinds.as_deref() {
        Some(kinds) if !kinds.is_empty() => {
            for (i, gk) in kinds.iter().enumerate() {
                let fits =
                    gk.group == GATEWAY_GROUP && allowed.iter().any(|k| k.as_str() == gk.kind);
                if fits {
                    if !state.supported_kinds.contains(gk) {
                        state.supported_kinds.push(gk.clone());
                    }
                } else {
                    let message = format!(
                        "{me} lists route kind `{}/{}` in allowedRoutes.kinds, which a listener of protocol {} cannot serve",
                        gk.group,
                        gk.kind,
                        protocol.as_str()
                    );
                    let names: Vec<&str> = allowed.iter().map(|k| k.as_str()).collect();
                    diags.push(
                        Diagnostic::new(&LISTENER_INVALID_ROUTE_KINDS, message.clone())
                            .at(owner_meta.at(path
                                .clone()
                                .key("allowedRoutes")
                                .key("kinds")
                                .index(i)))
                            .help(format!(
                                "a listener of protocol {} serves {}; remove this entry",
                                protocol.as_str(),
                                names.join(" and ")
                            )),
                    );
                    kinds_problem.get_or_insert(message);
                }
            }
        }
        _ => state.supported_kinds = allowed.iter().map(|k| k.group_kind()).collect(),
    }
    if let Some(invalid) = invalid_value(l) {
        let message = match invalid {
            InvalidValue::Schema(problem) => format!("{me} {problem}"),
            InvalidValue::Combination { at, problem, help } => {
                let message = format!("{me} {problem}");
                diags.push(
                    Diagnostic::new(&LISTENER_INVALID_VALUE, message.clone())
                        .at(owner_meta.at(at))
                        .help(help),
                );
                message
            }
        };
        state.accepted = Verdict::new(ConditionStatus::False, "UnsupportedValue", message);
        return with_kinds_problem(state, kinds_problem);
    }
    if terminates_tls(l)
        && let Some(tls) = &l.tls
    {
        let mut unknown = None;
        for (i, r) in tls.certificate_refs.iter().enumerate() {
            let at = path.clone().key("tls").key("certificateRefs").index(i);
            match check_object_ref(index, owner_meta, r, Purpose::ServingCert, at, diags) {
                RefOutcome::Ok => {}
                RefOutcome::Invalid { reason, message } => {
                    if state.resolved_refs.status != ConditionStatus::False {
                        state.resolved_refs = Verdict::new(ConditionStatus::False, reason, message);
                    }
                }
                RefOutcome::Unknown { message } => {
                    unknown.get_or_insert(message);
                }
            }
        }
        if let (Some(message), true) = (unknown, state.resolved_refs.is_true()) {
            state.resolved_refs = Verdict::new(ConditionStatus::Unknown, "Pending", message);
        }
        if let Some((failure, any_valid)) = ca {
            if let Some((reason, message)) = failure
                && state.resolved_refs.status != ConditionStatus::False
            {
                state.resolved_refs = Verdict::new(ConditionStatus::False, reason, message.clone());
            }
            if !any_valid {
                state.accepted = Verdict::new(
                    ConditionStatus::False,
                    "NoValidCACertificate",
                    format!(
                        "{me} has no valid CA certificate to validate client certificates with"
                    ),
                );
            }
        }
    }
    with_kinds_problem(state, kinds_problem)
}

fn with_kinds_problem(mut state: ListenerState, problem: Option<String>) -> ListenerState {
    if let Some(message) = problem
        && state.resolved_refs.is_true()
    {
        state.resolved_refs = Verdict::new(ConditionStatus::False, "InvalidRouteKinds", message);
    }
    state
}

fn admits_set(
    index: &Index,
    gw: &Gateway,
    set: &ListenerSet,
    diags: &mut Vec<Diagnostic>,
    gateway_index: usize,
) -> SetParent {
    let ns = &set.meta.namespace;
    let me = format!("ListenerSet {ns}/{}", set.meta.name);
    let gw_name = format!("Gateway {}/{}", gw.meta.namespace, gw.meta.name);
    let allowed = &gw.allowed_listeners;
    let (admitted, why) = match &allowed.from {
        Known::Known(FromNamespaces::All) => (true, String::new()),
        Known::Known(FromNamespaces::Same) => (
            *ns == gw.meta.namespace,
            format!(
                "{gw_name} only allows ListenerSets from its own namespace `{}`",
                gw.meta.namespace
            ),
        ),
        Known::Known(FromNamespaces::Selector) => {
            let sel = allowed.selector.clone().unwrap_or_default();
            match namespace_matches(index, &sel, ns) {
                SelectorMatch::Match => (true, String::new()),
                SelectorMatch::NoMatch(_) => (
                    false,
                    format!(
                        "{gw_name} only allows ListenerSets from {}, and namespace `{ns}` is not one",
                        selector::describe(&sel)
                    ),
                ),
                SelectorMatch::Unknown => {
                    let message = format!(
                        "whether {gw_name} allows {me} depends on the labels of Namespace `{ns}`, which is not in the input"
                    );
                    diags.push(
                        Diagnostic::new(&UNKNOWN_NAMESPACE, message.clone())
                            .at(set.meta.at(FieldPath::parse("spec.parentRef")))
                            .help(format!("add the manifest of Namespace `{ns}` to the input, or pass --complete")),
                    );
                    return SetParent::Unknown { message };
                }
            }
        }
        Known::Known(FromNamespaces::None) => (
            false,
            format!(
                "{gw_name} does not allow ListenerSets (spec.allowedListeners.namespaces.from is None, the default)"
            ),
        ),
        Known::Unknown(v) => (
            false,
            format!("{gw_name} has an invalid allowedListeners.namespaces.from `{v}`"),
        ),
    };
    if admitted {
        return SetParent::Attached(gateway_index);
    }
    let message = format!("{me} is not allowed: {why}");
    diags.push(
        Diagnostic::new(&LISTENERSET_NOT_ALLOWED, message.clone())
            .at(set.meta.at(FieldPath::parse("spec.parentRef")))
            .help(format!(
                "set `spec.allowedListeners.namespaces.from` on {gw_name} to `All`, `Same` (if in the same namespace) or a `Selector` matching namespace `{ns}`"
            ))
            .related(gw.meta.at(FieldPath::parse("spec.allowedListeners")), "the Gateway's ListenerSet policy"),
    );
    SetParent::Rejected {
        reason: "NotAllowed",
        message,
    }
}

fn set_parent(
    index: &Index,
    world: &World,
    reconciled: &[Reconciled],
    set: &ListenerSet,
    diags: &mut Vec<Diagnostic>,
) -> SetParent {
    let p = &set.parent_ref;
    let me = format!("ListenerSet {}/{}", set.meta.namespace, set.meta.name);
    let path = FieldPath::parse("spec.parentRef");
    if p.group != GATEWAY_GROUP || p.kind != "Gateway" {
        let message = format!(
            "{me} names a parent of kind `{}/{}`; only Gateways can hold ListenerSets",
            p.group, p.kind
        );
        diags.push(
            Diagnostic::new(&LISTENERSET_PARENT_NOT_FOUND, message.clone())
                .at(set.meta.at(path))
                .help("point spec.parentRef at a Gateway"),
        );
        return SetParent::Rejected {
            reason: "ParentNotAccepted",
            message,
        };
    }
    match index.gateway(&p.namespace, &p.name) {
        Lookup::Found(g) => {
            let Some(gw) = world.gateways.get(g) else {
                return SetParent::Unknown {
                    message: format!("{me}: parent Gateway not found"),
                };
            };
            if let Some(Reconciled::No { message }) = reconciled.get(g) {
                return SetParent::Unknown {
                    message: message.clone(),
                };
            }
            admits_set(index, gw, set, diags, g)
        }
        Lookup::Missing => {
            let message = format!(
                "{me} names parent Gateway {}/{}, which does not exist",
                p.namespace, p.name
            );
            diags.push(
                Diagnostic::new(&LISTENERSET_PARENT_NOT_FOUND, message.clone())
                    .at(set.meta.at(path))
                    .help("correct spec.parentRef's name and namespace"),
            );
            SetParent::Rejected {
                reason: "ParentNotAccepted",
                message,
            }
        }
        Lookup::Unknown => {
            let message = format!(
                "{me} names parent Gateway {}/{}, which is not in the input; whether it accepts the ListenerSet is unknown",
                p.namespace, p.name
            );
            diags.push(
                Diagnostic::new(&UNKNOWN_PARENT, message.clone())
                    .at(set.meta.at(path))
                    .help(format!(
                        "add the manifest of Gateway {}/{} to the input, or pass --complete",
                        p.namespace, p.name
                    )),
            );
            SetParent::Unknown { message }
        }
    }
}

/// One listener taking part in the conflict check of a Gateway.
struct Candidate<'w> {
    id: ListenerId,
    listener: &'w Listener,
    owner: &'w Meta,
    port: i64,
    protocol: Protocol,
}

fn host(l: &Listener) -> String {
    l.hostname.as_deref().unwrap_or("").to_ascii_lowercase()
}

/// The conflict reason between two listeners on the same port (§2.2), if they conflict.
fn conflict(a: &Candidate, b: &Candidate) -> Option<&'static str> {
    use Protocol::*;
    if a.port != b.port {
        return None;
    }
    match (a.protocol, b.protocol) {
        (x, y) if x == y => match x {
            Tcp | Udp => Some("HostnameConflict"),
            _ => (host(a.listener) == host(b.listener)).then_some("HostnameConflict"),
        },
        // UDP and TCP-based listeners use different transport ports.
        (Udp, _) | (_, Udp) => None,
        // HTTPS and TLS on one port are told apart by SNI (gwctl's choice, §13.5).
        (Https, Tls) | (Tls, Https) => {
            (host(a.listener) == host(b.listener)).then_some("ProtocolConflict")
        }
        _ => Some("ProtocolConflict"),
    }
}

fn describe(c: &Candidate) -> String {
    format!(
        "listener `{}` of {} {}/{}",
        c.listener.name, c.owner.kind, c.owner.namespace, c.owner.name
    )
}

/// Marks conflicting listeners of one Gateway and its attached ListenerSets; `sources` is
/// in precedence order (the Gateway, then ListenerSets oldest first).
fn resolve_conflicts(
    sources: Vec<Vec<Candidate>>,
    states: &mut Listeners,
    diags: &mut Vec<Diagnostic>,
) {
    let mut kept: HashMap<i64, Vec<Candidate>> = HashMap::new();
    for source in sources {
        // First against the listeners of earlier sources, which win...
        let beaten: Vec<Option<(&'static str, String, Location)>> = source
            .iter()
            .map(|c| {
                let earlier = kept
                    .get(&c.port)
                    .and_then(|ks| ks.iter().find_map(|k| conflict(c, k).map(|r| (r, k))));
                earlier.map(|(r, k)| {
                    (
                        r,
                        format!(
                            "{} conflicts with {}, which takes precedence",
                            describe(c),
                            describe(k)
                        ),
                        loc(k),
                    )
                })
            })
            .collect();
        // ...then within the source, where no listener wins.
        let outcomes: Vec<Option<(&'static str, String, Location)>> = source
            .iter()
            .enumerate()
            .map(|(i, a)| {
                if let Some(Some(b)) = beaten.get(i) {
                    return Some(b.clone());
                }
                source.iter().enumerate().find_map(|(j, b)| {
                    if j == i || beaten.get(j).is_some_and(Option::is_some) {
                        return None;
                    }
                    conflict(a, b).map(|r| {
                        (
                            r,
                            format!(
                                "{} conflicts with {} on port {}",
                                describe(a),
                                describe(b),
                                a.port
                            ),
                            loc(b),
                        )
                    })
                })
            })
            .collect();
        for (c, outcome) in source.into_iter().zip(outcomes) {
            match outcome {
                None => kept.entry(c.port).or_default().push(c),
                Some((reason, message, other)) => {
                    diags.push(
                        Diagnostic::new(&LISTENER_CONFLICT, message.clone())
                            .at(loc(&c))
                            .help(if reason == "HostnameConflict" {
                                "give the listeners different hostnames or ports"
                            } else {
                                "move one of the listeners to another port"
                            })
                            .related(other, "the conflicting listener"),
                    );
                    if let Some(state) = states.get_mut(c.id) {
                        state.accepted =
                            Verdict::new(ConditionStatus::False, reason, message.clone());
                        state.conflicted =
                            Some(Verdict::new(ConditionStatus::True, reason, message));
                    }
                }
            }
        }
    }
}

fn loc(c: &Candidate) -> Location {
    c.owner.at(listener_path(c.listener.index))
}

fn candidates<'w>(
    owner: ListenerOwner,
    meta: &'w Meta,
    listeners: &'w [Listener],
    states: &Listeners,
) -> Vec<Candidate<'w>> {
    listeners
        .iter()
        .enumerate()
        .filter_map(|(index, l)| {
            let id = ListenerId { owner, index };
            if !states.get(id)?.accepted.is_true() {
                return None;
            }
            Some(Candidate {
                id,
                listener: l,
                owner: meta,
                port: l.port?,
                protocol: l.protocol.known()?,
            })
        })
        .collect()
}

/// Validates every listener, admits ListenerSets and resolves conflicts.
pub fn analyze(
    world: &World,
    index: &Index,
    reconciled: &[Reconciled],
    diags: &mut Vec<Diagnostic>,
) -> Listeners {
    let mut out = Listeners {
        gateways: Vec::new(),
        sets: Vec::new(),
        set_parents: Vec::new(),
    };
    for gw in &world.gateways {
        let (default, per_port) = ca_outcomes(index, gw, diags);
        let states = gw
            .listeners
            .iter()
            .map(|l| {
                let ca = per_port
                    .iter()
                    .find(|(p, _)| p.is_some() && *p == l.port)
                    .map(|(_, o)| o)
                    .or(default.as_ref());
                validate(index, &gw.meta, l, ca, diags)
            })
            .collect();
        out.gateways.push(states);
    }
    let mut sets_of: Vec<Vec<usize>> = vec![Vec::new(); world.gateways.len()];
    for (s, set) in world.listener_sets.iter().enumerate() {
        let parent = set_parent(index, world, reconciled, set, diags);
        if let SetParent::Attached(g) = parent
            && let Some(list) = sets_of.get_mut(g)
        {
            list.push(s);
        }
        let states = set
            .listeners
            .iter()
            .map(|l| validate(index, &set.meta, l, None, diags))
            .collect();
        out.sets.push(states);
        out.set_parents.push(parent);
    }
    for (g, gw) in world.gateways.iter().enumerate() {
        let mut sets = sets_of.get(g).cloned().unwrap_or_default();
        sets.sort_by_key(|&s| {
            world
                .listener_sets
                .get(s)
                .map(|set| set.meta.creation_key())
        });
        let mut sources = vec![candidates(
            ListenerOwner::Gateway(g),
            &gw.meta,
            &gw.listeners,
            &out,
        )];
        for s in sets {
            if let Some(set) = world.listener_sets.get(s) {
                sources.push(candidates(
                    ListenerOwner::ListenerSet(s),
                    &set.meta,
                    &set.listeners,
                    &out,
                ));
            }
        }
        resolve_conflicts(sources, &mut out, diags);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::testing::*;

    fn run(w: &World) -> (Listeners, Vec<Diagnostic>) {
        let index = Index::new(w, true);
        let reconciled = vec![Reconciled::Yes; w.gateways.len()];
        let mut diags = Vec::new();
        (analyze(w, &index, &reconciled, &mut diags), diags)
    }

    #[test]
    fn conflicts_within_a_gateway_have_no_winner() {
        let mut w = world();
        w.gateways.push(gateway(
            "infra",
            "gw",
            vec![
                listener(0, "a", 80, Protocol::Http, Some("x.com")),
                listener(1, "b", 80, Protocol::Http, Some("x.com")),
                listener(2, "c", 80, Protocol::Http, Some("y.com")),
                listener(3, "d", 80, Protocol::Tcp, None),
            ],
        ));
        let (ls, diags) = run(&w);
        let reasons: Vec<String> = ls.gateways[0]
            .iter()
            .map(|s| s.accepted.reason.clone())
            .collect();
        assert_eq!(
            reasons,
            [
                "HostnameConflict",
                "HostnameConflict",
                "ProtocolConflict",
                "ProtocolConflict"
            ]
        );
        assert!(diags.iter().any(|d| d.rule.code == "GW3005"));
    }

    #[test]
    fn listener_sets_lose_to_the_gateway_and_older_sets() {
        let mut w = world();
        let mut gw = gateway(
            "infra",
            "gw",
            vec![listener(0, "a", 80, Protocol::Http, Some("x.com"))],
        );
        gw.allowed_listeners.from = Known::Known(FromNamespaces::Same);
        w.gateways.push(gw);
        w.listener_sets.push(listener_set(
            "infra",
            "s1",
            "gw",
            vec![
                listener(0, "dup", 80, Protocol::Http, Some("x.com")),
                listener(1, "ok", 80, Protocol::Http, Some("z.com")),
            ],
        ));
        w.listener_sets.push(listener_set(
            "infra",
            "s2",
            "gw",
            vec![listener(0, "late", 80, Protocol::Http, Some("z.com"))],
        ));
        let (ls, _) = run(&w);
        assert!(ls.gateways[0][0].accepted.is_true());
        assert_eq!(ls.sets[0][0].accepted.reason, "HostnameConflict");
        assert!(ls.sets[0][1].accepted.is_true());
        assert_eq!(ls.sets[1][0].accepted.reason, "HostnameConflict");
    }

    #[test]
    fn default_allowed_listeners_refuse_sets() {
        let mut w = world();
        w.gateways.push(gateway(
            "infra",
            "gw",
            vec![listener(0, "a", 80, Protocol::Http, None)],
        ));
        w.listener_sets.push(listener_set(
            "infra",
            "s1",
            "gw",
            vec![listener(0, "b", 81, Protocol::Http, None)],
        ));
        let (ls, diags) = run(&w);
        assert!(matches!(
            ls.set_parents[0],
            SetParent::Rejected {
                reason: "NotAllowed",
                ..
            }
        ));
        assert!(diags.iter().any(|d| d.rule.code == "GW3007"));
    }

    #[test]
    fn invalid_kinds_and_protocols() {
        let mut w = world();
        let mut l = listener(0, "a", 80, Protocol::Http, None);
        l.allowed_routes.kinds = Some(vec![
            GroupKind::new(GATEWAY_GROUP, "HTTPRoute"),
            GroupKind::new(GATEWAY_GROUP, "TCPRoute"),
        ]);
        let mut bad = listener(1, "b", 81, Protocol::Http, None);
        bad.protocol = Known::Unknown("HTTP3".into());
        w.gateways.push(gateway("infra", "gw", vec![l, bad]));
        let (ls, _) = run(&w);
        assert_eq!(ls.gateways[0][0].resolved_refs.reason, "InvalidRouteKinds");
        assert_eq!(
            ls.gateways[0][0].supported_kinds,
            vec![GroupKind::new(GATEWAY_GROUP, "HTTPRoute")]
        );
        assert_eq!(ls.gateways[0][1].accepted.reason, "UnsupportedProtocol");
        assert!(ls.gateways[0][1].supported_kinds.is_empty());
    }

    #[test]
    fn schema_problems_set_conditions_without_a_second_finding() {
        let mut w = world();
        let mut no_port = listener(0, "a", 80, Protocol::Http, None);
        no_port.port = None;
        let bad_host = listener(1, "b", 81, Protocol::Http, Some("Bad.Example"));
        let mut no_protocol = listener(2, "c", 82, Protocol::Http, None);
        no_protocol.protocol = Known::Unknown(String::new());
        let mut lower_case = listener(3, "d", 83, Protocol::Http, None);
        lower_case.protocol = Known::Unknown("http".into());
        w.gateways.push(gateway(
            "infra",
            "gw",
            vec![no_port, bad_host, no_protocol, lower_case],
        ));
        let (ls, diags) = run(&w);
        let reasons: Vec<&str> = ls.gateways[0]
            .iter()
            .map(|l| l.accepted.reason.as_str())
            .collect();
        assert_eq!(
            reasons,
            [
                "UnsupportedValue",
                "UnsupportedValue",
                "UnsupportedProtocol",
                "UnsupportedProtocol"
            ]
        );
        // Only the case variant is the controller's own finding; the model reports the rest.
        let found: Vec<(&str, Option<&str>)> = diags
            .iter()
            .map(|d| (d.rule.code, d.help.as_deref()))
            .collect();
        assert_eq!(
            found,
            [("GW3003", Some("protocols are case-sensitive: write `HTTP`"))]
        );
    }
}
