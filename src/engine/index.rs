//! Lookups built once per analysis, so every check is a hash lookup rather than a scan.

use crate::diag::rule;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::model::{
    ConfigMap, GATEWAY_GROUP, GatewayClass, GroupKind, Namespace, ReferenceGrant, Secret, Service,
    World, positions_by_name,
};

rule! {
    /// ## What it does
    /// Reports, without `--complete`, a parentRef naming a Gateway or ListenerSet the input does
    /// not contain.
    ///
    /// ## Why it matters
    /// The parent may exist in the cluster, so whether the route attaches is `Unknown`.
    ///
    /// ## Example
    /// Without `--complete`: Gateway `infra/gw` is not among the inputs:
    #[example = "testdata/rules/unknown-parent/err.yaml"]
    ///
    /// ## Fix
    /// Add the parent's manifest to the input, or pass `--complete`.
    pub static UNKNOWN_PARENT {
        code: "GW4006",
        name: "unknown-parent",
        severity: Warning,
        stage: Analysis,
        summary: "A parentRef names a Gateway or ListenerSet the input does not contain",
    }
}

/// The result of looking up an object by name.
#[derive(Debug, Clone, Copy)]
pub enum Lookup<T> {
    Found(T),
    /// Not in the input, and the input is the whole cluster (`--complete`).
    Missing,
    /// Not in the input; it may exist in the cluster.
    Unknown,
}

impl<T> Lookup<T> {
    /// The object, when found.
    pub fn found(self) -> Option<T> {
        match self {
            Lookup::Found(t) => Some(t),
            Lookup::Missing | Lookup::Unknown => None,
        }
    }
}

type Key<'w> = (&'w str, &'w str);

/// Each map holds one object per name. `model::build` keeps one object per identity (the
/// last definition, as `kubectl apply` leaves it: rule `duplicate-object`); should a world
/// built otherwise hold two, the later one wins here too (`insert` replaces).
pub struct Index<'w> {
    pub complete: bool,
    /// Kinds whose objects stay unknown even when `complete` (a cluster that refused to
    /// list them).
    unknown_kinds: BTreeSet<GroupKind>,
    classes: HashMap<&'w str, &'w GatewayClass>,
    namespaces: HashMap<&'w str, &'w Namespace>,
    services: HashMap<Key<'w>, &'w Service>,
    secrets: HashMap<Key<'w>, &'w Secret>,
    config_maps: HashMap<Key<'w>, &'w ConfigMap>,
    gateways: HashMap<Key<'w>, usize>,
    listener_sets: HashMap<Key<'w>, usize>,
    grants: HashMap<&'w str, Vec<&'w ReferenceGrant>>,
}

fn by_name<'w, T>(
    items: &'w [T],
    meta: impl Fn(&'w T) -> &'w crate::model::Meta,
) -> HashMap<Key<'w>, &'w T> {
    let mut map = HashMap::with_capacity(items.len());
    for item in items {
        let m = meta(item);
        map.insert((m.namespace.as_str(), m.name.as_str()), item);
    }
    map
}

impl<'w> Index<'w> {
    pub fn new(world: &'w World, complete: bool) -> Self {
        let mut grants: HashMap<&str, Vec<&ReferenceGrant>> = HashMap::new();
        for g in &world.reference_grants {
            grants.entry(g.meta.namespace.as_str()).or_default().push(g);
        }
        let mut classes = HashMap::new();
        for c in &world.gateway_classes {
            classes.insert(c.meta.name.as_str(), c);
        }
        let mut namespaces = HashMap::new();
        for n in &world.namespaces {
            namespaces.insert(n.meta.name.as_str(), n);
        }
        Index {
            complete,
            unknown_kinds: BTreeSet::new(),
            classes,
            namespaces,
            services: by_name(&world.services, |s| &s.meta),
            secrets: by_name(&world.secrets, |s| &s.meta),
            config_maps: by_name(&world.config_maps, |s| &s.meta),
            gateways: positions_by_name(&world.gateways),
            listener_sets: positions_by_name(&world.listener_sets),
            grants,
        }
    }

    /// Marks kinds whose absent objects are unknown even when the input is complete.
    pub fn with_unknown_kinds(mut self, kinds: &BTreeSet<GroupKind>) -> Self {
        self.unknown_kinds.clone_from(kinds);
        self
    }

    /// Whether every object of this kind is in the input: an absent one does not exist.
    pub fn complete_for(&self, group: &str, kind: &str) -> bool {
        self.complete
            && !self
                .unknown_kinds
                .iter()
                .any(|k| k.group == group && k.kind == kind)
    }

    fn lookup<T: Copy>(&self, (group, kind): (&str, &str), found: Option<T>) -> Lookup<T> {
        match found {
            Some(t) => Lookup::Found(t),
            None if self.complete_for(group, kind) => Lookup::Missing,
            None => Lookup::Unknown,
        }
    }

    pub fn class(&self, name: &str) -> Lookup<&'w GatewayClass> {
        let found = self.classes.get(name).copied();
        self.lookup((GATEWAY_GROUP, "GatewayClass"), found)
    }
    pub fn service(&self, ns: &str, name: &str) -> Lookup<&'w Service> {
        self.lookup(("", "Service"), self.services.get(&(ns, name)).copied())
    }
    pub fn secret(&self, ns: &str, name: &str) -> Lookup<&'w Secret> {
        self.lookup(("", "Secret"), self.secrets.get(&(ns, name)).copied())
    }
    pub fn config_map(&self, ns: &str, name: &str) -> Lookup<&'w ConfigMap> {
        let found = self.config_maps.get(&(ns, name)).copied();
        self.lookup(("", "ConfigMap"), found)
    }
    pub fn gateway(&self, ns: &str, name: &str) -> Lookup<usize> {
        let found = self.gateways.get(&(ns, name)).copied();
        self.lookup((GATEWAY_GROUP, "Gateway"), found)
    }
    pub fn listener_set(&self, ns: &str, name: &str) -> Lookup<usize> {
        let found = self.listener_sets.get(&(ns, name)).copied();
        self.lookup((GATEWAY_GROUP, "ListenerSet"), found)
    }
    /// The labels of namespace `ns`. With `--complete`, a namespace that is not in the
    /// input but holds objects has only the label the API server adds.
    pub fn namespace_labels(&self, ns: &str) -> Option<&'w BTreeMap<String, String>> {
        self.namespaces.get(ns).map(|n| &n.meta.labels)
    }
    /// The ReferenceGrants that live in namespace `ns` (grants sit in the target namespace).
    pub fn grants_in(&self, ns: &str) -> &[&'w ReferenceGrant] {
        self.grants.get(ns).map_or(&[], Vec::as_slice)
    }
}
