//! The parent a parentRef names (§3.1, §3.2): a Gateway or a ListenerSet that exists, is
//! reconciled and accepted, and the listeners its `sectionName` and `port` select.

use super::{
    Ctx, ROUTE_NO_MATCHING_LISTENER, ROUTE_NOT_ALLOWED_BY_LISTENERS, ROUTE_PARENT_NOT_FOUND,
    ROUTE_PARENT_NOT_RECONCILED, ROUTE_UNSUPPORTED_PARENT_KIND, Site,
};
use crate::diag::FieldPath;
use crate::engine::classes::{Reconciled, gateway_profile};
use crate::engine::conditions::{
    ConditionStatus, Decision, ListenerId, ListenerOwner, Unknown, reasons,
};
use crate::engine::index::{IMPLEMENTATION_SPECIFIC_VALUE, Lookup, UNKNOWN_PARENT};
use crate::engine::listeners::{LISTENERSET_NOT_HANDLED, SetParent};
use crate::model::{EXPERIMENTAL_GROUP, GATEWAY_GROUP, Listener, ListenerSet, Meta, ParentRef};
use crate::profile::{ParentRole, Profile};

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

/// The Gateway (its index) that `p` names, directly or through a ListenerSet; `None` when a
/// link of that chain is not in the input.
pub fn parent_gateway(ctx: &Ctx<'_, '_>, p: &ParentRef) -> Option<usize> {
    Some(match ParentKind::of(p)? {
        ParentKind::Gateway => ctx.index.gateway(&p.namespace, &p.name).found()?,
        ParentKind::ListenerSet => {
            let set = ctx.index.listener_set(&p.namespace, &p.name).found()?;
            let parent = &ctx.world.listener_sets.get(set)?.parent_ref;
            if ParentKind::of(parent) != Some(ParentKind::Gateway) {
                return None;
            }
            ctx.index.gateway(&parent.namespace, &parent.name).found()?
        }
    })
}

/// Whether the controller of the Gateway that `p` names handles `p`'s parent: not a
/// ListenerSet (or a parentRef kind) its profile does not list (`parentKinds`), which it
/// does not watch and writes no status for.
pub fn parent_handled(ctx: &Ctx<'_, '_>, p: &ParentRef) -> bool {
    if ParentKind::of(p) != Some(ParentKind::ListenerSet) {
        return true;
    }
    let Some(set) = ctx.index.listener_set(&p.namespace, &p.name).found() else {
        return true;
    };
    match ctx.listeners.set_parents.get(set) {
        Some(SetParent::NotHandled { .. }) => false,
        Some(SetParent::Attached(g)) => gateway_profile(ctx.reconciled, *g).handles_parent(
            ParentRole::ListenerSet,
            &p.group,
            &p.kind,
        ),
        _ => true,
    }
}

/// The profile of the controller that judges parentRef `p`: its Gateway's, when the Gateway
/// is reconciled and its controller handles the parent.
pub(super) fn gateway_parent_profile(ctx: &Ctx<'_, '_>, p: &ParentRef) -> Option<&'static Profile> {
    if !parent_handled(ctx, p) {
        return None;
    }
    ctx.reconciled.get(parent_gateway(ctx, p)?)?.profile()
}

/// The `spec.controllerName` of the GatewayClass of the Gateway that `p` names, directly or
/// through a ListenerSet: the controller that writes the route's status entry for `p`.
/// `None` when a link of that chain (ListenerSet, Gateway, class, controllerName) is not in
/// the input.
pub(super) fn gateway_parent_controller<'w>(ctx: &Ctx<'_, 'w>, p: &ParentRef) -> Option<&'w str> {
    if !parent_handled(ctx, p) {
        return None;
    }
    let gateway = parent_gateway(ctx, p)?;
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

/// The parent a parentRef resolved to.
pub(super) struct Parent<'w> {
    pub(super) meta: &'w Meta,
    owner: ListenerOwner,
    listeners: &'w [Listener],
    is_gateway: bool,
    /// The profile of the controller that reconciles the parent (its Gateway's).
    pub(super) profile: &'static Profile,
}

/// "`target` is unknown": an index that does not match the world (no finding to report).
fn unknown(site: &Site) -> Decision {
    Decision::silent(
        ConditionStatus::Unknown,
        reasons::PENDING,
        format!("{} is unknown", site.target()),
    )
}

/// The parent `site`'s parentRef names, or the decision that it cannot take the route.
pub(super) fn resolve<'w>(ctx: &Ctx<'_, 'w>, site: &Site) -> Result<Parent<'w>, Decision> {
    let (me, p) = (site.route.named(), site.p);
    let lookup = match ParentKind::of(p) {
        Some(ParentKind::Gateway) => ctx.index.gateway(&p.namespace, &p.name),
        Some(ParentKind::ListenerSet) => ctx.index.listener_set(&p.namespace, &p.name),
        None if p.group != GATEWAY_GROUP && p.group != EXPERIMENTAL_GROUP
            || p.kind == "Service" =>
        {
            return Err(implementation_parent(ctx, site));
        }
        None => {
            let message = format!(
                "{me} names parent {}/{} `{}`, which is not a Gateway or ListenerSet",
                p.group, p.kind, p.name
            );
            return Err(site
                .reported(
                    &ROUTE_UNSUPPORTED_PARENT_KIND,
                    ConditionStatus::False,
                    reasons::NO_MATCHING_PARENT,
                    message,
                )
                .help(
                    "reference a Gateway (the default kind) or a ListenerSet (`kind: ListenerSet`)",
                ));
        }
    };
    match lookup {
        Lookup::Found(i) if ParentKind::of(p) == Some(ParentKind::Gateway) => gateway(ctx, site, i),
        Lookup::Found(i) => listener_set(ctx, site, i),
        Lookup::Missing => Err(absent(ctx, site, true)),
        Lookup::Unknown => Err(absent(ctx, site, false)),
    }
}

/// The decision on a parentRef whose parent is not in the input: it does not exist
/// (`missing`, with `--complete`) or is unknown. A parentRef without `namespace` that names
/// a parent living in another namespace of the input is a likely slip, said first.
pub(super) fn absent(ctx: &Ctx, site: &Site, missing: bool) -> Decision {
    let (me, p, target) = (site.route.named(), site.p, site.target());
    let route_ns = &site.route.meta.namespace;
    let elsewhere = if p.namespace_set {
        Vec::new()
    } else {
        same_name_elsewhere(ctx, p)
    };
    let did_you_mean = match elsewhere.as_slice() {
        [] => String::new(),
        [only] => format!("did you mean `{only}/{}`? ", p.name),
        many => format!(
            "did you mean one of {}? ",
            many.iter()
                .map(|ns| format!("`{ns}/{}`", p.name))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let slip_help = elsewhere.first().map(|ns| {
        format!("set `namespace: {ns}` in the parentRef: without it, the parent is looked up in the route's namespace `{route_ns}`")
    });
    if missing {
        let help = slip_help.unwrap_or_else(|| {
            if p.namespace_set {
                format!("correct the parentRef's name and namespace, or create {target}")
            } else {
                format!(
                    "the parentRef has no `namespace`, so it defaults to the route's namespace `{route_ns}`; set `namespace` if the {} lives elsewhere",
                    p.kind
                )
            }
        });
        return site
            .reported(
                &ROUTE_PARENT_NOT_FOUND,
                ConditionStatus::False,
                reasons::NO_MATCHING_PARENT,
                format!("{did_you_mean}{me} names parent {target}, which does not exist"),
            )
            .help(help);
    }
    let help = slip_help.unwrap_or_else(|| {
        format!(
            "add the manifest of {target} to the input, or pass --complete if it does not exist"
        )
    });
    site.reported(
        &UNKNOWN_PARENT,
        ConditionStatus::Unknown,
        reasons::PENDING,
        format!(
            "{did_you_mean}{me} names parent {target}, which is not in the input; whether the route attaches is unknown"
        ),
    )
    .help(help)
    .unknown(Unknown::new(
        &p.kind,
        &p.namespace,
        &p.name,
        "not in the input: whether it exists decides whether the route attaches; add its manifest, or pass --complete",
    ))
}

/// The namespaces, other than the parentRef's, holding a parent of its kind and name.
fn same_name_elsewhere(ctx: &Ctx, p: &ParentRef) -> Vec<String> {
    let metas: Vec<&Meta> = match ParentKind::of(p) {
        Some(ParentKind::Gateway) => ctx.world.gateways.iter().map(|g| &g.meta).collect(),
        Some(ParentKind::ListenerSet) => ctx.world.listener_sets.iter().map(|s| &s.meta).collect(),
        None if super::is_service_parent(p) => ctx.world.services.iter().map(|s| &s.meta).collect(),
        None => Vec::new(),
    };
    let mut namespaces: Vec<String> = metas
        .into_iter()
        .filter(|m| m.name == p.name && m.namespace != p.namespace)
        .map(|m| m.namespace.clone())
        .collect();
    namespaces.sort();
    namespaces.dedup();
    namespaces
}

/// A parent of a kind outside the Gateway API's own (a Service: a mesh route; a vendor
/// kind): not a Gateway controller's to judge, and no error. Its status is written by the
/// implementation that handles the kind, which the verdict names; when `--controller`
/// names one, by its `parentKinds`, whether it is that implementation.
fn implementation_parent(ctx: &Ctx<'_, '_>, site: &Site) -> Decision {
    let (me, p) = (site.route.named(), site.p);
    let group = if super::is_service_parent(p) {
        ""
    } else {
        p.group.as_str()
    };
    let mut handlers: Vec<&str> = crate::profile::registry()
        .all()
        .iter()
        .filter(|profile| profile.handles_parent(ParentRole::Mesh, group, &p.kind))
        .filter(|profile| !profile.controller_names.is_empty())
        .map(|profile| profile.title.as_str())
        .collect();
    handlers.dedup();
    let who = if handlers.is_empty() {
        "the implementation that handles such parents".to_string()
    } else {
        format!(
            "the implementation that handles them ({})",
            handlers.join(", ")
        )
    };
    let what = if p.kind == "Service" {
        "a Service: a mesh (GAMMA) route".to_string()
    } else {
        format!("a `{}/{}`, a kind outside the Gateway API", p.group, p.kind)
    };
    let named = ctx.controller.filter(|c| !c.controller_names.is_empty());
    let message = match named {
        Some(c) if c.handles_parent(ParentRole::Mesh, group, &p.kind) => format!(
            "{me}: parent `{}` is {what}; {} (--controller) handles such parents{}, but its profile does not predict what it writes for them",
            p.name,
            c.title,
            c.cite_about(&c.knobs.parent_kinds, "parentKinds", &p.kind)
        ),
        Some(c) => format!(
            "{me}: parent `{}` is {what}; {} (--controller) does not handle such parents{}, so it writes no status for this one; {who} does",
            p.name,
            c.title,
            c.cite_about(&c.knobs.parent_kinds, "parentKinds", &p.kind)
        ),
        None => format!(
            "{me}: parent `{}` is {what}, which no Gateway controller judges; {who} writes its status",
            p.name
        ),
    };
    site.reported(
        &IMPLEMENTATION_SPECIFIC_VALUE,
        ConditionStatus::Unknown,
        reasons::PENDING,
        message,
    )
    .help("this parent's status is not predicted by `gwctl check`; its Gateway parents are")
}

/// Gateway `i`, when it is reconciled.
fn gateway<'w>(ctx: &Ctx<'_, 'w>, site: &Site, i: usize) -> Result<Parent<'w>, Decision> {
    let Some(gw) = ctx.world.gateways.get(i) else {
        return Err(unknown(site));
    };
    let profile = gateway_profile(ctx.reconciled, i);
    if let Some(Reconciled::No {
        why,
        help,
        unknowns,
        ..
    }) = ctx.reconciled.get(i)
    {
        let message = format!(
            "{} cannot be judged on {}: {why}",
            site.route.named(),
            site.target()
        );
        let mut decision = site
            .reported(
                &ROUTE_PARENT_NOT_RECONCILED,
                ConditionStatus::Unknown,
                reasons::PENDING,
                message,
            )
            .help(help.clone())
            .related(
                gw.meta.at(FieldPath::parse("spec.gatewayClassName")),
                "the Gateway's class",
            );
        decision.unknowns.extend(unknowns.iter().cloned());
        return Err(decision);
    }
    Ok(Parent {
        meta: &gw.meta,
        owner: ListenerOwner::Gateway(i),
        listeners: &gw.listeners,
        is_gateway: true,
        profile,
    })
}

/// ListenerSet `i`, when its Gateway accepts it.
fn listener_set<'w>(ctx: &Ctx<'_, 'w>, site: &Site, i: usize) -> Result<Parent<'w>, Decision> {
    let (me, target) = (site.route.named(), site.target());
    let Some(set) = ctx.world.listener_sets.get(i) else {
        return Err(unknown(site));
    };
    match ctx.listeners.set_parents.get(i) {
        Some(SetParent::Attached(g)) => {
            let profile = gateway_profile(ctx.reconciled, *g);
            let p = site.p;
            if !profile.handles_parent(ParentRole::ListenerSet, &p.group, &p.kind) {
                let gateway = &set.parent_ref;
                let why = format!(
                    "Gateway {}/{}'s controller, {} (profile `{}`), does not handle {}/{} parents{}",
                    gateway.namespace,
                    gateway.name,
                    profile.title,
                    profile.name,
                    p.group,
                    p.kind,
                    profile.cite_about(&profile.knobs.parent_kinds, "parentKinds", &p.kind)
                );
                return Err(unhandled(site, set, &why));
            }
            Ok(Parent {
                meta: &set.meta,
                owner: ListenerOwner::ListenerSet(i),
                listeners: &set.listeners,
                is_gateway: false,
                profile,
            })
        }
        Some(SetParent::NotHandled { why }) => Err(unhandled(site, set, why)),
        Some(SetParent::Rejected { message, .. }) => Err(site
            .reported(
                &ROUTE_NOT_ALLOWED_BY_LISTENERS,
                ConditionStatus::False,
                reasons::NOT_ALLOWED_BY_LISTENERS,
                format!("{me} cannot attach to {target}, which is not accepted: {message}"),
            )
            .help(
                "make the ListenerSet's Gateway accept it (see the diagnostic on the ListenerSet)",
            )
            .related(
                set.meta.at(FieldPath::parse("spec.parentRef")),
                "the ListenerSet's parent",
            )),
        Some(SetParent::Unknown { message, unknowns }) => {
            let mut decision = site.reported(
                &ROUTE_PARENT_NOT_RECONCILED,
                ConditionStatus::Unknown,
                reasons::PENDING,
                format!("{me} cannot be judged on {target}: {message}"),
            );
            decision.unknowns.extend(unknowns.iter().cloned());
            Err(decision)
        }
        None => Err(unknown(site)),
    }
}

/// The decision on a parentRef to ListenerSet `set` whose controller does not handle it
/// (`why`): it writes no status entry for the parentRef, which stays pending.
fn unhandled(site: &Site, set: &ListenerSet, why: &str) -> Decision {
    let (me, target) = (site.route.named(), site.target());
    let gateway = &set.parent_ref;
    site.reported(
        &LISTENERSET_NOT_HANDLED,
        ConditionStatus::Unknown,
        reasons::PENDING,
        format!(
            "{me} attaches to {target}, but {why}; no controller writes the route's status for this parent, and no request reaches the route through it"
        ),
    )
    .help(format!(
        "attach the route to Gateway {}/{} directly (with its listeners on the Gateway), or use a controller that handles ListenerSets",
        gateway.namespace, gateway.name
    ))
    .related(set.meta.at(FieldPath::parse("kind")), "the ListenerSet")
}

/// §3.2: the listeners of `parent` that `sectionName` and `port` select, or the decision
/// that none is.
pub(super) fn select<'w>(
    parent: &Parent<'w>,
    site: &Site,
) -> Result<Vec<(ListenerId, &'w Listener)>, Decision> {
    let p = site.p;
    let selected: Vec<(ListenerId, &Listener)> = parent
        .listeners
        .iter()
        .enumerate()
        .filter(|(_, l)| p.section_name.as_deref().is_none_or(|s| s == l.name))
        .filter(|(_, l)| p.port.is_none_or(|port| l.port == Some(port)))
        .map(|(index, l)| {
            let owner = parent.owner;
            (ListenerId { owner, index }, l)
        })
        .collect();
    if !selected.is_empty() {
        return Ok(selected);
    }
    let target = site.target();
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
            let port = l.port.map_or("?".into(), |p| p.to_string());
            format!("`{}` (port {port})", l.name)
        })
        .collect();
    let mut help = format!(
        "use one of the listeners of {target}: {}",
        if available.is_empty() {
            "it has none".to_string()
        } else {
            available.join(", ")
        }
    );
    if parent.is_gateway && p.section_name.is_some() {
        help.push_str("; listeners of a ListenerSet are reached with `kind: ListenerSet` and the ListenerSet's name");
    }
    let message = format!(
        "{}: {target} has no listener with {}",
        site.route.named(),
        wanted.join(" and ")
    );
    Err(site
        .reported(
            &ROUTE_NO_MATCHING_LISTENER,
            ConditionStatus::False,
            reasons::NO_MATCHING_PARENT,
            message,
        )
        .help(help)
        .related(
            parent.meta.at(FieldPath::parse("spec.listeners")),
            "the parent's listeners",
        ))
}
