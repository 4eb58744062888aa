//! The attachment handshake (§3): parentRef selection, listener admission (kind,
//! namespace, hostname) and the route's `Accepted` condition for each parentRef.

use super::classes::Reconciled;
use super::conditions::{ConditionStatus, ListenerId, ListenerOwner, Verdict};
use super::hostname;
use super::index::{Index, Lookup, UNKNOWN_PARENT};
use super::listeners::{Listeners, SetParent};
use super::report::{Attachment, Refusal};
use super::selector::{self, SelectorMatch, UNKNOWN_NAMESPACE, namespace_matches};
use crate::diag::{Diagnostic, FieldPath, Location};
use crate::model::{
    EXPERIMENTAL_GROUP, FromNamespaces, GATEWAY_GROUP, Known, LabelSelector, Listener, Meta,
    ParentRef, Protocol, Route, RouteKind, World,
};

rule!(
    ROUTE_NOT_ALLOWED_BY_LISTENERS,
    "GW1001",
    "route-not-allowed-by-listeners",
    Error,
    "No listener selected by the parentRef admits the route",
    "A listener admits a route only if the route's kind is in its `supportedKinds` and \
its namespace passes `allowedRoutes.namespaces` (`Same` by default: only routes in the \
Gateway's namespace). Otherwise the route gets `Accepted=False` with reason \
`NotAllowedByListeners` for that parent, and serves no traffic there.\n\n\
```yaml\n# Gateway infra-ns/shared-gateway\nlisteners:\n- name: shared-http\n  port: 80\n  protocol: HTTP\n  allowedRoutes:\n    namespaces:\n      from: Selector\n      selector:\n        matchLabels: {shared-gateway-access: \"true\"}\n# HTTPRoute in namespace hr, whose Namespace lacks that label: not admitted\n```\n\n\
Fix: label the route's namespace (`kubectl label namespace hr shared-gateway-access=true`), \
or widen the listener's `allowedRoutes`."
);

rule!(
    ROUTE_NO_MATCHING_HOSTNAME,
    "GW1002",
    "route-no-matching-listener-hostname",
    Error,
    "None of the route's hostnames intersects the listener hostnames",
    "When a listener has a `hostname`, a route with `hostnames` attaches only if at least \
one of them intersects it (`*.example.com` matches `a.example.com` but not \
`example.com`). Otherwise the route gets `Accepted=False` with reason \
`NoMatchingListenerHostname`.\n\n\
```yaml\n# listener hostname: \"*.example.com\"\nhostnames: [\"example.com\"]   # the wildcard needs at least one more label\n```\n\n\
Fix: use a hostname the listener serves, or change the listener's hostname."
);

rule!(
    ROUTE_PARENT_NOT_FOUND,
    "GW1003",
    "route-parent-not-found",
    Error,
    "A parentRef names a Gateway or ListenerSet that does not exist",
    "A route attaches to the parents its `spec.parentRefs` name; `namespace` defaults to \
the route's own namespace. A parent that does not exist gives `Accepted=False` with \
reason `NoMatchingParent`.\n\n\
```yaml\nparentRefs:\n- name: shared-gateway   # lives in infra-ns, but namespace defaults to the route's\n```\n\n\
Fix: correct the name, and set `namespace` when the parent is in another namespace."
);

rule!(
    ROUTE_NO_MATCHING_LISTENER,
    "GW1004",
    "route-no-matching-listener",
    Error,
    "A parentRef's sectionName or port selects no listener",
    "`sectionName` selects the listener with that name and `port` the listeners on that \
port (both must match when both are set). On a Gateway, sectionName names only the \
Gateway's own listeners, not those of its ListenerSets. If nothing is selected the route \
gets `Accepted=False` with reason `NoMatchingParent`.\n\n\
```yaml\nparentRefs:\n- name: gw\n  sectionName: htps   # typo: the listener is `https`\n```\n\n\
Fix: use an existing listener name or port (or `kind: ListenerSet` for ListenerSet listeners)."
);

rule!(
    ROUTE_UNSUPPORTED_PARENT_KIND,
    "GW1005",
    "route-unsupported-parent-kind",
    Error,
    "A parentRef names a kind that cannot be a route parent",
    "Routes attach to Gateways (`kind: Gateway`, the default) and ListenerSets \
(`kind: ListenerSet`), both of group `gateway.networking.k8s.io`. Any other parent kind \
gives `Accepted=False` with reason `NoMatchingParent`.\n\n\
```yaml\nparentRefs:\n- kind: Service   # mesh attachment: not simulated by gwctl\n  name: web\n```\n\n\
Fix: reference a Gateway or a ListenerSet."
);

rule!(
    ROUTE_PARENT_NOT_RECONCILED,
    "GW1006",
    "route-parent-not-reconciled",
    Warning,
    "The route's parent is not reconciled, so its status cannot be predicted",
    "When the parent Gateway's class does not exist, belongs to another controller, or is \
unknown, no (simulated) controller writes status for the route on that parent: \
`Accepted=Unknown` with reason `Pending`.\n\n\
```yaml\nparentRefs:\n- name: gw   # Gateway gw uses gatewayClassName: not-installed\n```\n\n\
Fix: fix the parent Gateway's `gatewayClassName` (see the diagnostic on the Gateway)."
);

rule!(
    ROUTE_WITHOUT_PARENTS,
    "GW1007",
    "route-without-parent-refs",
    Warning,
    "The route has no parentRefs and attaches nowhere",
    "A route without `spec.parentRefs` is not attached to any Gateway and serves no \
traffic (mesh routes aside).\n\n\
```yaml\nspec:\n  parentRefs:\n  - name: my-gateway\n```\n\n\
Fix: add a parentRef naming the Gateway (and listener) that should serve the route."
);

/// One listener's verdict on a route.
enum Admission {
    Allowed(Vec<String>),
    /// Kind or namespace (NotAllowedByListeners).
    Refused {
        message: String,
        help: String,
        related: Location,
    },
    NamespaceUnknown {
        message: String,
    },
    Hostname {
        message: String,
        related: Location,
    },
}

/// The parent a parentRef resolved to.
struct Parent<'w> {
    meta: &'w Meta,
    owner: ListenerOwner,
    listeners: &'w [Listener],
}

fn uses_hostnames(kind: RouteKind) -> bool {
    matches!(kind, RouteKind::Http | RouteKind::Grpc | RouteKind::Tls)
}

/// "listener `name` of Kind ns/name", written only when a message is.
struct ListenerDesc<'a>(&'a Listener, &'a Meta);

impl std::fmt::Display for ListenerDesc<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "listener `{}` of {}", self.0.name, self.1.named())
    }
}

fn admit(
    index: &Index,
    listeners: &Listeners,
    route: &Route,
    parent: &Parent,
    id: ListenerId,
    l: &Listener,
) -> Admission {
    // Paths for diagnostics, built only when one is reported.
    let lpath = || {
        let path = FieldPath::root().key("spec").key("listeners");
        path.index(l.index)
    };
    let ns_path = || lpath().key("allowedRoutes").key("namespaces");
    let desc = ListenerDesc(l, parent.meta);
    let route_ns = &route.meta.namespace;
    let kind = route.kind.as_str();
    let Some(state) = listeners.get(id) else {
        return Admission::Refused {
            message: format!("{desc} is unknown"),
            help: String::new(),
            related: parent.meta.at(lpath()),
        };
    };
    if !state.attachable() {
        return Admission::Refused {
            message: format!(
                "{desc} is not accepted ({}: {})",
                state.accepted.reason, state.accepted.message
            ),
            help: format!("fix {desc} first (see its diagnostic)"),
            related: parent.meta.at(lpath()),
        };
    }
    if !state.supports(route.kind) {
        let kinds: Vec<&str> = state
            .supported_kinds
            .iter()
            .map(|k| k.kind.as_str())
            .collect();
        let proto = match &l.protocol {
            Known::Known(p) => p.as_str().to_string(),
            Known::Unknown(p) => p.clone(),
        };
        return Admission::Refused {
            message: format!(
                "{desc} ({proto}) does not accept {kind}s; it accepts {}",
                if kinds.is_empty() {
                    "no route kind".to_string()
                } else {
                    kinds.join(", ")
                }
            ),
            help: format!(
                "attach the {kind} to a listener whose protocol serves it, or list {kind} in the listener's allowedRoutes.kinds if the protocol allows it"
            ),
            related: parent.meta.at(if l.allowed_routes.kinds.is_some() {
                lpath().key("allowedRoutes").key("kinds")
            } else {
                lpath().key("protocol")
            }),
        };
    }
    let owner_ns = &parent.meta.namespace;
    match &l.allowed_routes.namespaces.from {
        Known::Known(FromNamespaces::All) => {}
        Known::Known(FromNamespaces::Same) => {
            if route_ns != owner_ns {
                return Admission::Refused {
                    message: format!(
                        "{desc} only admits routes from its own namespace `{owner_ns}` (allowedRoutes.namespaces.from: Same, the default), and the route is in namespace `{route_ns}`"
                    ),
                    help: format!(
                        "set the listener's `allowedRoutes.namespaces.from` to `All`, or to `Selector` matching namespace `{route_ns}`; or move the route into namespace `{owner_ns}`"
                    ),
                    related: parent
                        .meta
                        .at(if l.allowed_routes.namespaces.selector.is_some() {
                            ns_path()
                        } else {
                            lpath()
                        }),
                };
            }
        }
        Known::Known(FromNamespaces::Selector) => {
            let empty = LabelSelector::default();
            let sel = l
                .allowed_routes
                .namespaces
                .selector
                .as_ref()
                .unwrap_or(&empty);
            match namespace_matches(index, sel, route_ns) {
                SelectorMatch::Match => {}
                SelectorMatch::NoMatch(failed) => {
                    let lacks: Vec<String> = failed.iter().map(|f| f.requirement.clone()).collect();
                    let fixes: Vec<String> =
                        failed.iter().filter_map(|f| f.label_fix.clone()).collect();
                    let label_cmd = if fixes.is_empty() {
                        String::new()
                    } else {
                        format!(
                            "label the namespace: `kubectl label namespace {route_ns} {}`, or ",
                            fixes.join(" ")
                        )
                    };
                    return Admission::Refused {
                        message: format!(
                            "{desc} only admits routes from {}, and namespace `{route_ns}` is not {}",
                            selector::describe(sel),
                            lacks.join(" and ")
                        ),
                        help: format!(
                            "{label_cmd}change the listener's `allowedRoutes.namespaces` to admit namespace `{route_ns}`"
                        ),
                        related: parent.meta.at(ns_path()),
                    };
                }
                SelectorMatch::Unknown => {
                    return Admission::NamespaceUnknown {
                        message: format!(
                            "{desc} admits routes from {}; whether namespace `{route_ns}` is one depends on its labels, and Namespace `{route_ns}` is not in the input",
                            selector::describe(sel)
                        ),
                    };
                }
            }
        }
        Known::Known(FromNamespaces::None) | Known::Unknown(_) => {
            return Admission::Refused {
                message: format!("{desc} admits no routes (allowedRoutes.namespaces.from is not All, Same or Selector)"),
                help: "set the listener's `allowedRoutes.namespaces.from` to `Same`, `All` or `Selector`".into(),
                related: parent.meta.at(ns_path()),
            };
        }
    }
    let listener_host = match l.protocol.known() {
        Some(Protocol::Tcp | Protocol::Udp) => None,
        _ => l.hostname.as_deref(),
    };
    if !uses_hostnames(route.kind) {
        return Admission::Allowed(Vec::new());
    }
    match hostname::effective(listener_host, &route.hostnames) {
        Some(h) => Admission::Allowed(h),
        None => Admission::Hostname {
            message: format!(
                "{desc} serves hostname `{}`, and none of the route's hostnames [{}] is within it",
                listener_host.unwrap_or(""),
                route.hostnames.join(", ")
            ),
            related: parent.meta.at(lpath().key("hostname")),
        },
    }
}

/// Everything the analysis needs to judge one route's parentRefs.
/// The kinds of object a route attaches to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ParentKind {
    Gateway,
    /// `ListenerSet`, or the older experimental `XListenerSet`.
    ListenerSet,
}

impl ParentKind {
    fn of(p: &ParentRef) -> Option<Self> {
        match (p.group.as_str(), p.kind.as_str()) {
            (GATEWAY_GROUP, "Gateway") => Some(ParentKind::Gateway),
            (GATEWAY_GROUP, "ListenerSet") | (EXPERIMENTAL_GROUP, "XListenerSet") => {
                Some(ParentKind::ListenerSet)
            }
            _ => None,
        }
    }
}

/// The `spec.controllerName` of the GatewayClass of the Gateway that `p` names, directly or
/// through a ListenerSet: the controller that writes the route's status entry for `p`.
/// `None` when a link of that chain (ListenerSet, Gateway, class, controllerName) is not in
/// the input.
pub fn parent_controller<'w>(ctx: &Ctx<'_, 'w>, p: &ParentRef) -> Option<&'w str> {
    let gateway = match ParentKind::of(p)? {
        ParentKind::Gateway => ctx.index.gateway(&p.namespace, &p.name).found()?,
        ParentKind::ListenerSet => {
            let set = ctx.index.listener_set(&p.namespace, &p.name).found()?;
            let parent = &ctx.world.listener_sets.get(set)?.parent_ref;
            if ParentKind::of(parent) != Some(ParentKind::Gateway) {
                return None;
            }
            ctx.index.gateway(&parent.namespace, &parent.name).found()?
        }
    };
    let class_name = ctx
        .world
        .gateways
        .get(gateway)?
        .gateway_class_name
        .as_deref()?;
    ctx.index
        .class(class_name)
        .found()?
        .controller_name
        .as_deref()
}

pub struct Ctx<'a, 'w> {
    pub world: &'w World,
    pub index: &'a Index<'w>,
    pub reconciled: &'a [Reconciled],
    pub listeners: &'a Listeners,
}

/// Judges parentRef `p` of route `r`: the `Accepted` verdict; attachments, refusals and
/// diagnostics are appended.
pub fn judge_parent(
    ctx: &Ctx,
    r: usize,
    route: &Route,
    p: &ParentRef,
    attachments: &mut Vec<Attachment>,
    refusals: &mut Vec<Refusal>,
    diags: &mut Vec<Diagnostic>,
) -> Verdict {
    let me = route.named();
    // Where diagnostics point: built only when one is reported.
    let at = || {
        let path = FieldPath::root().key("spec").key("parentRefs");
        route.meta.at(path.index(p.index))
    };
    let target = crate::model::Named {
        kind: &p.kind,
        namespace: &p.namespace,
        name: &p.name,
    };
    let mut refuse = |listener: Option<ListenerId>, reason: &str, message: &str| {
        refusals.push(Refusal {
            route: r,
            parent_ref: p.index,
            listener,
            reason: reason.into(),
            message: message.into(),
        });
    };
    let unknown = |message: String, refuse: &mut dyn FnMut(Option<ListenerId>, &str, &str)| {
        refuse(None, "Pending", &message);
        Verdict::new(ConditionStatus::Unknown, "Pending", message)
    };
    let parent_kind = ParentKind::of(p);
    let is_gateway = parent_kind == Some(ParentKind::Gateway);
    let lookup = if is_gateway {
        ctx.index.gateway(&p.namespace, &p.name)
    } else if parent_kind == Some(ParentKind::ListenerSet) {
        ctx.index.listener_set(&p.namespace, &p.name)
    } else {
        let message = format!(
            "{me} names parent {}/{} `{}`, which is not a Gateway or ListenerSet",
            p.group, p.kind, p.name
        );
        diags.push(
            Diagnostic::new(&ROUTE_UNSUPPORTED_PARENT_KIND, message.clone())
                .at(at())
                .help(
                    "reference a Gateway (the default kind) or a ListenerSet (`kind: ListenerSet`)",
                ),
        );
        refuse(None, "NoMatchingParent", &message);
        return Verdict::new(ConditionStatus::False, "NoMatchingParent", message);
    };
    let parent = match lookup {
        Lookup::Found(i) if is_gateway => {
            let Some(gw) = ctx.world.gateways.get(i) else {
                return unknown(format!("{target} is unknown"), &mut refuse);
            };
            if let Some(Reconciled::No { message }) = ctx.reconciled.get(i) {
                let message = format!("{me} cannot be judged on {target}: {message}");
                diags.push(
                    Diagnostic::new(&ROUTE_PARENT_NOT_RECONCILED, message.clone())
                        .at(at())
                        .help("fix the Gateway's gatewayClassName (see the diagnostic on the Gateway)")
                        .related(gw.meta.at(FieldPath::parse("spec.gatewayClassName")), "the Gateway's class"),
                );
                return unknown(message, &mut refuse);
            }
            Parent {
                meta: &gw.meta,
                owner: ListenerOwner::Gateway(i),
                listeners: &gw.listeners,
            }
        }
        Lookup::Found(i) => {
            let Some(set) = ctx.world.listener_sets.get(i) else {
                return unknown(format!("{target} is unknown"), &mut refuse);
            };
            match ctx.listeners.set_parents.get(i) {
                Some(SetParent::Attached(_)) => {}
                Some(SetParent::Rejected { message, .. }) => {
                    let message =
                        format!("{me} cannot attach to {target}, which is not accepted: {message}");
                    diags.push(
                        Diagnostic::new(&ROUTE_NOT_ALLOWED_BY_LISTENERS, message.clone())
                            .at(at())
                            .help("make the ListenerSet's Gateway accept it (see the diagnostic on the ListenerSet)")
                            .related(set.meta.at(FieldPath::parse("spec.parentRef")), "the ListenerSet's parent"),
                    );
                    refuse(None, "NotAllowedByListeners", &message);
                    return Verdict::new(ConditionStatus::False, "NotAllowedByListeners", message);
                }
                Some(SetParent::Unknown { message }) => {
                    let message = format!("{me} cannot be judged on {target}: {message}");
                    diags.push(
                        Diagnostic::new(&ROUTE_PARENT_NOT_RECONCILED, message.clone()).at(at()),
                    );
                    return unknown(message, &mut refuse);
                }
                None => return unknown(format!("{target} is unknown"), &mut refuse),
            }
            Parent {
                meta: &set.meta,
                owner: ListenerOwner::ListenerSet(i),
                listeners: &set.listeners,
            }
        }
        Lookup::Missing => {
            let message = format!("{me} names parent {target}, which does not exist");
            let help = if p.namespace_set {
                format!("correct the parentRef's name and namespace, or create {target}")
            } else {
                format!(
                    "the parentRef has no `namespace`, so it defaults to the route's namespace `{}`; set `namespace` if the {} lives elsewhere",
                    route.meta.namespace, p.kind
                )
            };
            diags.push(
                Diagnostic::new(&ROUTE_PARENT_NOT_FOUND, message.clone())
                    .at(at())
                    .help(help),
            );
            refuse(None, "NoMatchingParent", &message);
            return Verdict::new(ConditionStatus::False, "NoMatchingParent", message);
        }
        Lookup::Unknown => {
            let message = format!(
                "{me} names parent {target}, which is not in the input; whether the route attaches is unknown"
            );
            diags.push(
                Diagnostic::new(&UNKNOWN_PARENT, message.clone())
                    .at(at())
                    .help(format!("add the manifest of {target} to the input, or pass --complete if it does not exist")),
            );
            return unknown(message, &mut refuse);
        }
    };
    // §3.2: sectionName and port select listeners.
    let selected: Vec<(ListenerId, &Listener)> = parent
        .listeners
        .iter()
        .enumerate()
        .filter(|(_, l)| p.section_name.as_deref().is_none_or(|s| s == l.name))
        .filter(|(_, l)| p.port.is_none_or(|port| l.port == Some(port)))
        .map(|(index, l)| {
            (
                ListenerId {
                    owner: parent.owner,
                    index,
                },
                l,
            )
        })
        .collect();
    if selected.is_empty() {
        let mut wanted = Vec::new();
        if let Some(s) = &p.section_name {
            wanted.push(format!("sectionName `{s}`"));
        }
        if let Some(port) = p.port {
            wanted.push(format!("port {port}"));
        }
        let available: Vec<String> = parent
            .listeners
            .iter()
            .map(|l| {
                format!(
                    "`{}` (port {})",
                    l.name,
                    l.port.map_or("?".into(), |p| p.to_string())
                )
            })
            .collect();
        let message = format!(
            "{me}: {target} has no listener with {}",
            wanted.join(" and ")
        );
        let mut help = format!(
            "use one of the listeners of {target}: {}",
            if available.is_empty() {
                "it has none".to_string()
            } else {
                available.join(", ")
            }
        );
        if is_gateway && p.section_name.is_some() {
            help.push_str("; listeners of a ListenerSet are reached with `kind: ListenerSet` and the ListenerSet's name");
        }
        diags.push(
            Diagnostic::new(&ROUTE_NO_MATCHING_LISTENER, message.clone())
                .at(at())
                .help(help)
                .related(
                    parent.meta.at(FieldPath::parse("spec.listeners")),
                    "the parent's listeners",
                ),
        );
        refuse(None, "NoMatchingParent", &message);
        return Verdict::new(ConditionStatus::False, "NoMatchingParent", message);
    }
    // §3.3/3.4: admission by each selected listener.
    let mut allowed = 0usize;
    let mut refused = Vec::new();
    let mut host_failures = Vec::new();
    let mut unknown_ns = Vec::new();
    for (id, l) in selected {
        match admit(ctx.index, ctx.listeners, route, &parent, id, l) {
            Admission::Allowed(hostnames) => {
                allowed += 1;
                attachments.push(Attachment {
                    route: r,
                    parent_ref: p.index,
                    listener: id,
                    hostnames,
                });
            }
            Admission::Refused {
                message,
                help,
                related,
            } => {
                refuse(Some(id), "NotAllowedByListeners", &message);
                refused.push((message, help, related));
            }
            Admission::Hostname { message, related } => {
                refuse(Some(id), "NoMatchingListenerHostname", &message);
                host_failures.push((message, related));
            }
            Admission::NamespaceUnknown { message } => {
                refuse(Some(id), "Pending", &message);
                unknown_ns.push(message);
            }
        }
    }
    if allowed > 0 {
        return Verdict::new(
            ConditionStatus::True,
            "Accepted",
            format!("{me} is accepted by {target}"),
        );
    }
    if let Some(first) = unknown_ns.first() {
        let message = format!("{me}: whether {target} admits the route is unknown: {first}");
        diags.push(
            Diagnostic::new(&UNKNOWN_NAMESPACE, message.clone())
                .at(at())
                .help(format!(
                    "add the manifest of Namespace `{}` to the input (`kubectl get namespace {} -o yaml`), or pass --complete",
                    route.meta.namespace, route.meta.namespace
                )),
        );
        return Verdict::new(ConditionStatus::Unknown, "Pending", message);
    }
    if !host_failures.is_empty() {
        let reasons: Vec<&str> = host_failures.iter().map(|(m, _)| m.as_str()).collect();
        let message = format!("{me} cannot attach to {target}: {}", reasons.join("; "));
        let mut d = Diagnostic::new(&ROUTE_NO_MATCHING_HOSTNAME, message.clone())
            .at(route.meta.at(FieldPath::parse("spec.hostnames")))
            .help("add a hostname the listener serves to spec.hostnames, or change the listener's hostname")
            .related(at(), "the parentRef");
        for (_, related) in host_failures {
            d = d.related(related, "the listener's hostname");
        }
        diags.push(d);
        return Verdict::new(
            ConditionStatus::False,
            "NoMatchingListenerHostname",
            message,
        );
    }
    let reasons: Vec<&str> = refused.iter().map(|(m, _, _)| m.as_str()).collect();
    let message = format!("{me} cannot attach to {target}: {}", reasons.join("; "));
    let help = refused
        .first()
        .map(|(_, h, _)| h.clone())
        .unwrap_or_default();
    let mut d = Diagnostic::new(&ROUTE_NOT_ALLOWED_BY_LISTENERS, message.clone())
        .at(at())
        .help(help);
    for (_, _, related) in refused {
        d = d.related(related, "the listener that refuses the route");
    }
    diags.push(d);
    Verdict::new(ConditionStatus::False, "NotAllowedByListeners", message)
}
