//! ListenerSet admission (§11): a ListenerSet's parentRef names an existing, reconciled
//! Gateway whose `allowedListeners` admits the ListenerSet's namespace.

use super::SetParent;
use crate::diag::{Diagnostic, FieldPath, rule};
use crate::engine::classes::Reconciled;
use crate::engine::classes::gateway_profile;
use crate::engine::conditions::{ConditionStatus, Decision, Unknown, reasons};
use crate::engine::index::{Index, Lookup, UNKNOWN_PARENT};
use crate::engine::selector::{self, SelectorMatch, UNKNOWN_NAMESPACE, namespace_matches};
use crate::model::{
    EXPERIMENTAL_GROUP, FromNamespaces, GATEWAY_GROUP, Gateway, Known, ListenerSet, World,
};
use crate::profile::{ParentRole, Profile};

rule! {
    /// ## What it does
    /// Reports a ListenerSet whose parent Gateway does not allow it. A Gateway accepts
    /// ListenerSets only when `spec.allowedListeners.namespaces.from` admits the ListenerSet's
    /// namespace; the default is `None`: no ListenerSet is allowed.
    ///
    /// ## Why it matters
    /// The ListenerSet gets `Accepted=False` and `Programmed=False` with reason `NotAllowed`, and
    /// none of its listeners serves traffic.
    ///
    /// ## Example
    /// The Gateway sets no `allowedListeners`:
    #[example = "testdata/rules/listenerset-not-allowed/err.yaml"]
    ///
    /// ## Fix
    /// Set `allowedListeners` on the Gateway so that it admits the ListenerSet's namespace:
    ///
    /// ```yaml
    /// spec:
    ///   allowedListeners:
    ///     namespaces:
    ///       from: Same   # or All, or Selector
    /// ```
    pub static LISTENERSET_NOT_ALLOWED {
        code: "GW3007",
        name: "listenerset-not-allowed",
        severity: Error,
        stage: Analysis,
        summary: "The parent Gateway does not allow this ListenerSet",
    }
}

rule! {
    /// ## What it does
    /// Reports a ListenerSet whose `spec.parentRef` names no existing Gateway (group
    /// `gateway.networking.k8s.io`, kind `Gateway`).
    ///
    /// ## Why it matters
    /// The ListenerSet is not accepted and its listeners serve nothing.
    ///
    /// ## Example
    /// The parentRef names `gateway`; the Gateway is `gw`:
    #[example = "testdata/rules/listenerset-parent-not-found/err.yaml"]
    ///
    /// ## Fix
    /// Correct the parentRef's name and namespace.
    pub static LISTENERSET_PARENT_NOT_FOUND {
        code: "GW3008",
        name: "listenerset-parent-not-found",
        severity: Error,
        stage: Analysis,
        summary: "A ListenerSet's parentRef names no existing Gateway",
    }
}

rule! {
    /// ## What it does
    /// Reports a ListenerSet (or an older `XListenerSet`) whose parent Gateway's controller
    /// does not handle ListenerSets of that kind, as its implementation profile records
    /// (`parentKinds`, with the source that decides it): Traefik and Istio 1.30 do not
    /// handle the `gateway.networking.k8s.io` `ListenerSet` (Gateway API v1.5 and later);
    /// Cilium, NGINX Gateway Fabric and Traefik do not handle the
    /// `gateway.networking.x-k8s.io` `XListenerSet` (before v1.5). The same finding is
    /// reported on each route parentRef that names such a ListenerSet.
    ///
    /// ## Why it matters
    /// The controller does not watch the kind, so it writes nothing: the ListenerSet keeps
    /// the API server's default status (`Accepted=Unknown` and `Programmed=Unknown`, reason
    /// `Pending`, "Waiting for controller"), not `Accepted=False`, and no listener status.
    /// Its listeners are not programmed and serve no request; the Gateway's
    /// `attachedListenerSets` does not count it; a route attached to it gets no status
    /// entry for it, so it looks pending forever.
    ///
    /// ## Example
    /// The Gateway's class is Traefik's:
    #[example = "testdata/rules/listenerset-not-handled/err.yaml"]
    ///
    /// ## Fix
    /// Move the listeners onto the Gateway and attach the routes to the Gateway directly, or
    /// use a controller that handles ListenerSets of this kind.
    pub static LISTENERSET_NOT_HANDLED {
        code: "GW3014",
        name: "listenerset-not-handled",
        severity: Warning,
        stage: Analysis,
        summary: "The parent Gateway's controller does not handle this kind of ListenerSet: it writes no status for it or its routes",
    }
}

/// `ListenerSet ns/name` (also for an `XListenerSet`), for messages.
fn set_name(set: &ListenerSet) -> String {
    format!("ListenerSet {}/{}", set.meta.namespace, set.meta.name)
}

impl SetParent {
    /// The relation a (not attached) decision implies; its finding goes to `diags`.
    fn decided(decision: Decision, diags: &mut Vec<Diagnostic>) -> Self {
        let (status, reason) = (decision.status, decision.reason);
        let unknowns = decision.unknowns.clone();
        let message = decision.record(diags).message;
        match status {
            ConditionStatus::False => SetParent::Rejected { reason, message },
            ConditionStatus::True | ConditionStatus::Unknown => {
                SetParent::Unknown { message, unknowns }
            }
        }
    }
}

/// How ListenerSet `set` relates to the Gateway its parentRef names.
pub(super) fn set_parent(
    index: &Index,
    world: &World,
    reconciled: &[Reconciled],
    set: &ListenerSet,
    diags: &mut Vec<Diagnostic>,
) -> SetParent {
    let decision = match parent_gateway(index, world, reconciled, set) {
        Ok((g, gw)) => {
            // A controller that does not watch the kind never gets as far as allowedListeners.
            if let Some((why, ignored)) = not_handled(gateway_profile(reconciled, g), gw, set) {
                ignored.record(diags);
                return SetParent::NotHandled { why };
            }
            match admits_set(index, gw, set) {
                None => return SetParent::Attached(g),
                Some(refused) => refused,
            }
        }
        Err(decision) => decision,
    };
    SetParent::decided(decision, diags)
}

/// The API group of `set`'s own kind, as its `apiVersion` names it.
fn set_group(set: &ListenerSet) -> &str {
    match set.meta.api_version.split_once('/') {
        Some((group, _)) => group,
        None if set.meta.kind == "XListenerSet" => EXPERIMENTAL_GROUP,
        None => GATEWAY_GROUP,
    }
}

/// Why `profile`'s controller, which reconciles `gw`, does not handle `set`'s kind
/// (`parentKinds`), and the decision on the set; `None` when it handles it.
fn not_handled(profile: &Profile, gw: &Gateway, set: &ListenerSet) -> Option<(String, Decision)> {
    let (group, kind) = (set_group(set), set.meta.kind.as_str());
    if profile.handles_parent(ParentRole::ListenerSet, group, kind) {
        return None;
    }
    let handled: Vec<String> = (profile.knobs.parent_kinds.value.iter())
        .filter(|k| k.role == ParentRole::ListenerSet)
        .map(|k| format!("{}/{}", k.kind.group, k.kind.kind))
        .collect();
    let handles = if handled.is_empty() {
        "no ListenerSet kind".to_string()
    } else {
        format!("only {}", handled.join(", "))
    };
    let why = format!(
        "{}'s controller, {} (profile `{}`), does not handle {group}/{kind}: it handles {handles}{}",
        gw.meta.named(),
        profile.title,
        profile.name,
        profile.cite_about(&profile.knobs.parent_kinds, "parentKinds", kind),
    );
    let message = format!(
        "{why}; it writes no status for {} (it stays Accepted=Unknown, Pending), and its listeners serve nothing",
        set_name(set)
    );
    Some((
        why,
        Decision::reported(
            &LISTENERSET_NOT_HANDLED,
            set.meta.at(FieldPath::parse("kind")),
            ConditionStatus::Unknown,
            reasons::PENDING,
            message,
        )
        .help(format!(
            "move these listeners onto {} and attach the routes to it directly, or use a controller that handles {kind}s",
            gw.meta.named()
        ))
        .related(
            gw.meta.at(FieldPath::parse("spec.gatewayClassName")),
            "the Gateway's class",
        ),
    ))
}

/// The reconciled Gateway `set`'s parentRef names (its index), or the decision that there
/// is none.
fn parent_gateway<'w>(
    index: &Index,
    world: &'w World,
    reconciled: &[Reconciled],
    set: &ListenerSet,
) -> Result<(usize, &'w Gateway), Decision> {
    let p = &set.parent_ref;
    let me = set_name(set);
    let at = || set.meta.at(FieldPath::parse("spec.parentRef"));
    if p.group != GATEWAY_GROUP || p.kind != "Gateway" {
        let message = format!(
            "{me} names a parent of kind `{}/{}`; only Gateways can hold ListenerSets",
            p.group, p.kind
        );
        return Err(Decision::reported(
            &LISTENERSET_PARENT_NOT_FOUND,
            at(),
            ConditionStatus::False,
            reasons::PARENT_NOT_ACCEPTED,
            message,
        )
        .help("point spec.parentRef at a Gateway"));
    }
    let gateway = format!("Gateway {}/{}", p.namespace, p.name);
    match index.gateway(&p.namespace, &p.name) {
        Lookup::Found(g) => {
            let pending = |message| Decision::silent(ConditionStatus::Unknown, reasons::PENDING, message);
            let Some(gw) = world.gateways.get(g) else {
                return Err(pending(format!("{me}: parent Gateway not found")));
            };
            match reconciled.get(g) {
                Some(Reconciled::No {
                    message, unknowns, ..
                }) => {
                    let mut decision = pending(message.clone());
                    decision.unknowns.extend(unknowns.iter().cloned());
                    Err(decision)
                }
                _ => Ok((g, gw)),
            }
        }
        Lookup::Missing => Err(Decision::reported(
            &LISTENERSET_PARENT_NOT_FOUND,
            at(),
            ConditionStatus::False,
            reasons::PARENT_NOT_ACCEPTED,
            format!("{me} names parent {gateway}, which does not exist"),
        )
        .help("correct spec.parentRef's name and namespace")),
        Lookup::Unknown => Err(Decision::reported(
            &UNKNOWN_PARENT,
            at(),
            ConditionStatus::Unknown,
            reasons::PENDING,
            format!(
                "{me} names parent {gateway}, which is not in the input; whether it accepts the ListenerSet is unknown"
            ),
        )
        .help(format!(
            "add the manifest of {gateway} to the input, or pass --complete"
        ))
        .unknown(Unknown::new(
            "Gateway",
            &p.namespace,
            &p.name,
            "not in the input: whether it exists and accepts the ListenerSet decides whether its listeners serve; add its manifest, or pass --complete",
        ))),
    }
}

/// Whether `gw`'s `allowedListeners` admits `set`: `None` when it does, else the decision
/// (refused, or unknown for a Namespace the input lacks).
fn admits_set(index: &Index, gw: &Gateway, set: &ListenerSet) -> Option<Decision> {
    let ns = &set.meta.namespace;
    let me = set_name(set);
    let gw_name = gw.meta.named();
    let at = || set.meta.at(FieldPath::parse("spec.parentRef"));
    let allowed = &gw.allowed_listeners;
    let why = match &allowed.from {
        Known::Known(FromNamespaces::All) => return None,
        Known::Known(FromNamespaces::Same) if *ns == gw.meta.namespace => return None,
        Known::Known(FromNamespaces::Same) => format!(
            "{gw_name} only allows ListenerSets from its own namespace `{}`",
            gw.meta.namespace
        ),
        Known::Known(FromNamespaces::Selector) => {
            let sel = allowed.selector.clone().unwrap_or_default();
            match namespace_matches(index, &sel, ns) {
                SelectorMatch::Match => return None,
                SelectorMatch::NoMatch(_) => format!(
                    "{gw_name} only allows ListenerSets from {}, and namespace `{ns}` is not one",
                    selector::describe(&sel)
                ),
                SelectorMatch::Unknown => {
                    let message = format!(
                        "whether {gw_name} allows {me} depends on the labels of Namespace `{ns}`, which is not in the input"
                    );
                    return Some(
                        Decision::reported(
                            &UNKNOWN_NAMESPACE,
                            at(),
                            ConditionStatus::Unknown,
                            reasons::PENDING,
                            message,
                        )
                        .help(format!(
                            "add the manifest of Namespace `{ns}` to the input, or pass --complete"
                        )),
                    );
                }
            }
        }
        Known::Known(FromNamespaces::None) => format!(
            "{gw_name} does not allow ListenerSets (spec.allowedListeners.namespaces.from is None, the default)"
        ),
        Known::Unknown(v) => {
            format!("{gw_name} has an invalid allowedListeners.namespaces.from `{v}`")
        }
    };
    Some(
        Decision::reported(
            &LISTENERSET_NOT_ALLOWED,
            at(),
            ConditionStatus::False,
            reasons::NOT_ALLOWED,
            format!("{me} is not allowed: {why}"),
        )
        .help(format!(
            "set `spec.allowedListeners.namespaces.from` on {gw_name} to `All`, `Same` (if in the same namespace) or a `Selector` matching namespace `{ns}`"
        ))
        .related(
            gw.meta.at(FieldPath::parse("spec.allowedListeners")),
            "the Gateway's ListenerSet policy",
        ),
    )
}
