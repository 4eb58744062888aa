//! One listener's admission of a route (§3.3, §3.4, §4): the listener is in force, serves
//! the route's kind, admits its namespace, and shares a hostname with it.

use super::parent::Parent;
use crate::diag::{FieldPath, Location};
use crate::engine::conditions::{ListenerId, Unknown, reasons};
use crate::engine::hostname;
use crate::engine::index::Index;
use crate::engine::listeners::Listeners;
use crate::engine::report::Refusal;
use crate::engine::selector::{self, SelectorMatch, namespace_matches};
use crate::model::{FromNamespaces, Known, LabelSelector, Listener, Protocol, Route};

/// One listener's verdict on a route.
pub(super) enum Admission {
    /// Attached, with the hostnames the route serves there (empty = any host).
    Allowed(Vec<String>),
    /// Kind, namespace or the listener's own state (`NotAllowedByListeners`).
    Refused {
        message: String,
        help: String,
        related: Location,
    },
    /// The namespace selector depends on a Namespace the input does not contain. When the
    /// hostnames intersect, the route attaches there with `hostnames` if the labels admit it.
    NamespaceUnknown {
        message: String,
        unknown: Unknown,
        hostnames: Option<Vec<String>>,
    },
    /// No hostname in common (`NoMatchingListenerHostname`).
    Hostname { message: String, related: Location },
}

impl Admission {
    /// The refusal of route `route`'s parentRef `parent_ref` by listener `listener`, or
    /// `None` when the listener admits the route.
    pub(super) fn refusal(
        &self,
        route: usize,
        parent_ref: usize,
        listener: ListenerId,
    ) -> Option<Refusal> {
        let (reason, message) = match self {
            Admission::Allowed(_) => return None,
            Admission::Refused { message, .. } => (reasons::NOT_ALLOWED_BY_LISTENERS, message),
            Admission::NamespaceUnknown { message, .. } => (reasons::PENDING, message),
            Admission::Hostname { message, .. } => {
                (reasons::NO_MATCHING_LISTENER_HOSTNAME, message)
            }
        };
        Some(Refusal {
            route,
            parent_ref,
            listener: Some(listener),
            reason: reason.to_string(),
            message: message.clone(),
            unknowns: match self {
                Admission::NamespaceUnknown { unknown, .. } => vec![unknown.clone()],
                _ => Vec::new(),
            },
        })
    }
}

/// "listener `name`", written only when a message is. Its owner is not named: every
/// message that quotes a refusal names the parent already.
struct ListenerDesc<'a>(&'a Listener);

impl std::fmt::Display for ListenerDesc<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "listener `{}`", self.0.name)
    }
}

/// The path of listener `l` in its owner.
fn listener_path(l: &Listener) -> FieldPath {
    FieldPath::root()
        .key("spec")
        .key("listeners")
        .index(l.index)
}

/// Whether listener `l` (`id`) of `parent` admits `route`.
pub(super) fn admit(
    index: &Index,
    listeners: &Listeners,
    route: &Route,
    parent: &Parent,
    id: ListenerId,
    l: &Listener,
) -> Admission {
    let desc = ListenerDesc(l);
    let kind = route.kind.as_str();
    let Some(state) = listeners.get(id) else {
        return Admission::Refused {
            message: format!("{desc} is unknown"),
            help: String::new(),
            related: parent.meta.at(listener_path(l)),
        };
    };
    if !state.attachable() {
        return Admission::Refused {
            message: format!(
                "{desc} is not accepted ({}: {})",
                state.accepted.reason, state.accepted.message
            ),
            help: format!("fix {desc} first (see its diagnostic)"),
            related: parent.meta.at(listener_path(l)),
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
        let at = if l.allowed_routes.kinds.is_some() {
            listener_path(l).key("allowedRoutes").key("kinds")
        } else {
            listener_path(l).key("protocol")
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
            related: parent.meta.at(at),
        };
    }
    let hostnames = if route.kind.spec().hostnames {
        let listener_host = match l.protocol.known() {
            Some(Protocol::Tcp | Protocol::Udp) => None,
            _ => l.hostname.as_deref(),
        };
        hostname::effective(listener_host, &route.hostnames).ok_or(listener_host)
    } else {
        Ok(Vec::new())
    };
    match namespace_admission(index, route, parent, l) {
        Some(Admission::NamespaceUnknown {
            message, unknown, ..
        }) => {
            return Admission::NamespaceUnknown {
                message,
                unknown,
                hostnames: hostnames.ok(),
            };
        }
        Some(refused) => return refused,
        None => {}
    }
    match hostnames {
        Ok(h) => Admission::Allowed(h),
        Err(listener_host) => Admission::Hostname {
            message: format!(
                "{desc} serves hostname `{}`, and none of the route's hostnames [{}] is within it",
                listener_host.unwrap_or(""),
                route.hostnames.join(", ")
            ),
            related: parent.meta.at(listener_path(l).key("hostname")),
        },
    }
}

/// `allowedRoutes.namespaces` of listener `l` on the route's namespace: `None` when it
/// admits the route, else the refusal (or the unknown).
fn namespace_admission(
    index: &Index,
    route: &Route,
    parent: &Parent,
    l: &Listener,
) -> Option<Admission> {
    let desc = ListenerDesc(l);
    let ns_path = || listener_path(l).key("allowedRoutes").key("namespaces");
    let route_ns = &route.meta.namespace;
    let owner_ns = &parent.meta.namespace;
    let namespaces = &l.allowed_routes.namespaces;
    match &namespaces.from {
        Known::Known(FromNamespaces::All) => None,
        Known::Known(FromNamespaces::Same) if route_ns == owner_ns => None,
        Known::Known(FromNamespaces::Same) => Some(Admission::Refused {
            message: format!(
                "{desc} only admits routes from its own namespace `{owner_ns}` (allowedRoutes.namespaces.from: Same, the default), and the route is in namespace `{route_ns}`"
            ),
            help: format!(
                "set the listener's `allowedRoutes.namespaces.from` to `All`, or to `Selector` matching namespace `{route_ns}`; or move the route into namespace `{owner_ns}`"
            ),
            related: parent.meta.at(if namespaces.selector.is_some() {
                ns_path()
            } else {
                listener_path(l)
            }),
        }),
        Known::Known(FromNamespaces::Selector) => {
            let empty = LabelSelector::default();
            let sel = namespaces.selector.as_ref().unwrap_or(&empty);
            match namespace_matches(index, sel, route_ns) {
                SelectorMatch::Match => None,
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
                    Some(Admission::Refused {
                        message: format!(
                            "{desc} only admits routes from {}, and namespace `{route_ns}` is not {}",
                            selector::describe(sel),
                            lacks.join(" and ")
                        ),
                        help: format!(
                            "{label_cmd}change the listener's `allowedRoutes.namespaces` to admit namespace `{route_ns}`"
                        ),
                        related: parent.meta.at(ns_path()),
                    })
                }
                SelectorMatch::Unknown => Some(Admission::NamespaceUnknown {
                    message: format!(
                        "{desc} admits routes from {}; whether namespace `{route_ns}` is one depends on its labels, and Namespace `{route_ns}` is not in the input",
                        selector::describe(sel)
                    ),
                    unknown: Unknown::new(
                        "Namespace",
                        "",
                        route_ns,
                        format!(
                            "its labels decide whether {desc} admits the route; add its manifest (`kubectl get namespace {route_ns} -o yaml`), or pass --complete"
                        ),
                    ),
                    hostnames: None,
                }),
            }
        }
        Known::Known(FromNamespaces::None) | Known::Unknown(_) => Some(Admission::Refused {
            message: format!(
                "{desc} admits no routes (allowedRoutes.namespaces.from is not All, Same or Selector)"
            ),
            help:
                "set the listener's `allowedRoutes.namespaces.from` to `Same`, `All` or `Selector`"
                    .into(),
            related: parent.meta.at(ns_path()),
        }),
    }
}
