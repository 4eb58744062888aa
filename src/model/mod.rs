//! Tolerant typed Gateway API (and core) objects.
//!
//! Read from the YAML span tree by [`build`] (module `read`): a wrong type or an unknown
//! enum value is a diagnostic on that field, never a failure of the whole object. CRD defaults the API
//! server would apply are filled in here, so the engine sees what a controller sees.
//! Every object keeps its [`Origin`]; sub-objects keep their index so the engine can name
//! the field (`spec.listeners[2]`) of any finding.

use std::collections::BTreeMap;

use crate::diag::{FieldPath, Location, Origin, ResourceRef};

mod core_kinds;
mod gateway;
mod kinds;
mod policies;
mod read;
mod route;
mod schema;
pub use core_kinds::{ConfigMap, Namespace, Secret, Service, ServicePort};
pub use gateway::{
    AllowedRoutes, FromNamespaces, FrontendValidation, Gateway, GatewayAddress, GatewayClass,
    GatewayTls, LabelSelector, LabelSelectorRequirement, Listener, ListenerSet, ListenerTls,
    ObjectRef, ParametersRef, Protocol, RouteNamespaces, SelectorOperator, TlsMode,
};
pub use kinds::{AppProtocols, MatchFamily, ROUTE_KINDS, RouteKind, RouteKindSpec};
pub use policies::{BackendTlsPolicy, GrantFrom, GrantTo, PolicyTargetRef, ReferenceGrant};
#[cfg(test)]
pub(crate) use read::test_support::schemas as test_schemas;
pub use read::{
    BuildOptions, RULES, build, build_with_cluster, kinds_in_group, nearest_name, rules,
};
pub use route::{
    BackendObjectRef, BackendRef, Filter, FilterKind, GrpcMatch, HeaderModifier, HttpMatch,
    ParentRef, PathMatch, PathMatchType, PathModifier, RequestMirror, RequestRedirect, Route,
    RouteMatch, RouteRule, UrlRewrite, ValueMatch, ValueMatchType,
};
pub use schema::{CrdSchemas, SchemaId};

/// The API group of Gateway API kinds.
pub const GATEWAY_GROUP: &str = "gateway.networking.k8s.io";
/// The group of older experimental kinds (`XListenerSet`).
pub const EXPERIMENTAL_GROUP: &str = "gateway.networking.x-k8s.io";

/// Metadata common to every object.
#[derive(Debug, Clone, Default)]
pub struct Meta {
    /// The kind as written (`Gateway`, `HTTPRoute`, ...).
    pub kind: String,
    pub api_version: String,
    pub name: String,
    /// Defaulted to the default namespace (`--namespace`, else `default`) for namespaced
    /// kinds; empty for cluster-scoped kinds.
    pub namespace: String,
    pub labels: BTreeMap<String, String>,
    pub annotations: BTreeMap<String, String>,
    /// RFC 3339 as written, when given.
    pub creation_timestamp: Option<String>,
    pub generation: Option<i64>,
    pub origin: Origin,
    /// Position in the input (document order), the stand-in for creation order.
    pub order: usize,
    /// The `.status` a controller wrote (Gateways, ListenerSets and routes read from a
    /// cluster, or from `kubectl get -o yaml` output); only `--compare-status` reads it.
    pub live_status: Option<Box<LiveStatus>>,
}

/// A `.status` as a controller wrote it, read without judgement (it is not user input).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LiveStatus {
    /// `status.conditions` (Gateways, ListenerSets).
    pub conditions: Vec<LiveCondition>,
    /// `status.listeners` (Gateways, ListenerSets).
    pub listeners: Vec<LiveListener>,
    /// `status.parents` (routes).
    pub parents: Vec<LiveParent>,
}

/// One written condition; `index` is its position in its `conditions` list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LiveCondition {
    pub index: usize,
    pub type_: String,
    /// `True`, `False` or `Unknown` as written.
    pub status: String,
    pub reason: String,
    pub observed_generation: Option<i64>,
}

/// One entry of `status.listeners`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LiveListener {
    pub index: usize,
    pub name: String,
    pub attached_routes: Option<i64>,
    pub conditions: Vec<LiveCondition>,
}

/// One entry of a route's `status.parents`: the parentRef as echoed, with CRD defaults
/// applied (group `gateway.networking.k8s.io`, kind `Gateway`, the route's namespace).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LiveParent {
    pub index: usize,
    pub group: String,
    pub kind: String,
    pub namespace: String,
    pub name: String,
    pub section_name: Option<String>,
    pub port: Option<i64>,
    pub controller_name: Option<String>,
    pub conditions: Vec<LiveCondition>,
}

/// `Kind namespace/name`, written when displayed: messages name objects on every path,
/// and most are never built into a string.
#[derive(Debug, Clone, Copy)]
pub struct Named<'a> {
    pub kind: &'a str,
    pub namespace: &'a str,
    pub name: &'a str,
}

impl std::fmt::Display for Named<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}/{}", self.kind, self.namespace, self.name)
    }
}

impl Meta {
    /// `Kind namespace/name`, for messages.
    pub fn named(&self) -> Named<'_> {
        Named {
            kind: &self.kind,
            namespace: &self.namespace,
            name: &self.name,
        }
    }
    pub fn resource(&self) -> ResourceRef {
        ResourceRef {
            kind: self.kind.clone(),
            namespace: self.namespace.clone(),
            name: self.name.clone(),
        }
    }
    /// The field at `path` of this object, as a diagnostic location.
    pub fn at(&self, path: FieldPath) -> Location {
        Location::Field {
            resource: self.resource(),
            origin: self.origin,
            path,
        }
    }
    /// Sort key for "oldest first" (spec: creationTimestamp, then `{namespace}/{name}`).
    /// Objects without a timestamp come first, in input order: the conformance corpus takes
    /// document order as creation order and writes a timestamp only on objects its tests
    /// create later (`tcproute-multiple-routes-attachment`). RFC 3339 timestamps in UTC
    /// (`Z`), as the API server writes them, sort as strings.
    pub fn creation_key(&self) -> (&str, usize, &str, &str) {
        match self.creation_timestamp.as_deref() {
            Some(ts) => (ts, 0, &self.namespace, &self.name),
            None => ("", self.order, &self.namespace, &self.name),
        }
    }
}

/// An enum field's value: a known variant, or the unknown string as written
/// (already reported as a diagnostic by the model builder).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Known<T> {
    Known(T),
    Unknown(String),
}

impl<T: Copy> Known<T> {
    pub fn known(&self) -> Option<T> {
        match self {
            Known::Known(t) => Some(*t),
            Known::Unknown(_) => None,
        }
    }
}

/// `group` + `kind`; the core group is `""`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GroupKind {
    pub group: String,
    pub kind: String,
}

impl GroupKind {
    pub fn new(group: &str, kind: &str) -> Self {
        GroupKind {
            group: group.to_string(),
            kind: kind.to_string(),
        }
    }
}

/// Every object read, by kind, in input order.
#[derive(Debug, Clone, Default)]
pub struct World {
    pub gateway_classes: Vec<GatewayClass>,
    pub gateways: Vec<Gateway>,
    pub listener_sets: Vec<ListenerSet>,
    pub routes: Vec<Route>,
    pub reference_grants: Vec<ReferenceGrant>,
    pub backend_tls_policies: Vec<BackendTlsPolicy>,
    pub namespaces: Vec<Namespace>,
    pub services: Vec<Service>,
    pub secrets: Vec<Secret>,
    pub config_maps: Vec<ConfigMap>,
    /// Objects of other kinds, counted by `apiVersion`'s group and kind (`apps/Deployment`).
    pub ignored: BTreeMap<String, usize>,
}

/// An object the model reads (every kind a [`World`] holds).
pub trait Object: Sized {
    fn meta(&self) -> &Meta;
    fn meta_mut(&mut self) -> &mut Meta;
    /// The objects of this kind in `world`.
    fn of(world: &mut World) -> &mut Vec<Self>;
}

macro_rules! objects {
    ($($kind:ty => $field:ident),* $(,)?) => {
        $(impl Object for $kind {
            fn meta(&self) -> &Meta {
                &self.meta
            }
            fn meta_mut(&mut self) -> &mut Meta {
                &mut self.meta
            }
            fn of(world: &mut World) -> &mut Vec<Self> {
                &mut world.$field
            }
        })*

        impl World {
            /// Runs `visitor` on the objects of each kind, in this order.
            pub fn visit_kinds(&mut self, visitor: &mut impl KindVisitor) {
                // Destructured, so a kind missing from `objects!` does not compile.
                let World { $($field,)* ignored: _ } = self;
                $(visitor.visit($field);)*
            }
            /// The metadata of every object, kind by kind.
            pub fn metas(&self) -> impl Iterator<Item = &Meta> {
                std::iter::empty()$(.chain(self.$field.iter().map(Object::meta)))*
            }
        }
    };
}

objects! {
    GatewayClass => gateway_classes,
    Gateway => gateways,
    ListenerSet => listener_sets,
    Route => routes,
    ReferenceGrant => reference_grants,
    BackendTlsPolicy => backend_tls_policies,
    Namespace => namespaces,
    Service => services,
    Secret => secrets,
    ConfigMap => config_maps,
}

/// Positions of `objects` by `(namespace, name)`.
pub fn positions_by_name<T: Object>(
    objects: &[T],
) -> std::collections::HashMap<(&str, &str), usize> {
    objects
        .iter()
        .enumerate()
        .map(|(i, o)| ((o.meta().namespace.as_str(), o.meta().name.as_str()), i))
        .collect()
}

/// Something done to the objects of each kind of a [`World`] (see [`World::visit_kinds`]).
pub trait KindVisitor {
    fn visit<T: Object>(&mut self, objects: &mut Vec<T>);
}

impl World {
    /// Appends the objects of `later`, read after this world's, whose [`Meta::order`] counts
    /// from 0: they are renumbered from `order_offset`.
    pub fn append(&mut self, mut later: World, order_offset: usize) {
        struct Append<'w> {
            into: &'w mut World,
            order_offset: usize,
        }
        impl KindVisitor for Append<'_> {
            fn visit<T: Object>(&mut self, objects: &mut Vec<T>) {
                T::of(self.into).extend(objects.drain(..).map(|mut object| {
                    object.meta_mut().order += self.order_offset;
                    object
                }));
            }
        }
        later.visit_kinds(&mut Append {
            into: self,
            order_offset,
        });
        for (kind, count) in later.ignored {
            *self.ignored.entry(kind).or_default() += count;
        }
    }
}
