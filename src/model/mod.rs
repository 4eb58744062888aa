//! Tolerant typed Gateway API (and core) objects.
//!
//! Built from the YAML span tree by [`build`]: a wrong type or an unknown enum value is a
//! diagnostic on that field, never a failure of the whole object. CRD defaults the API
//! server would apply are filled in here, so the engine sees what a controller sees.
//! Every object keeps its [`Origin`]; sub-objects keep their index so the engine can name
//! the field (`spec.listeners[2]`) of any finding.

use std::collections::BTreeMap;

use crate::diag::{FieldPath, Location, Origin, ResourceRef};

mod kinds;
mod read;
pub use kinds::{AppProtocols, MatchFamily, ROUTE_KINDS, RouteKind, RouteKindSpec};
pub use read::{BuildOptions, RULES, build, build_with_cluster, kinds_in_group};

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

// ---------------------------------------------------------------------------------------
// Core kinds

#[derive(Debug, Clone)]
pub struct Namespace {
    /// `labels` include `kubernetes.io/metadata.name`, as the API server adds it.
    pub meta: Meta,
}

#[derive(Debug, Clone)]
pub struct Service {
    pub meta: Meta,
    /// `spec.type`, e.g. `ClusterIP`, `ExternalName`.
    pub service_type: Option<String>,
    pub external_name: Option<String>,
    pub ports: Vec<ServicePort>,
}

#[derive(Debug, Clone)]
pub struct ServicePort {
    pub name: Option<String>,
    pub port: Option<i64>,
    /// `TCP` (default), `UDP`, `SCTP`.
    pub protocol: String,
    pub app_protocol: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Secret {
    pub meta: Meta,
    /// `type`, default `Opaque`.
    pub secret_type: String,
    /// Keys of `data` and `stringData`.
    pub keys: Vec<String>,
    /// For `kubernetes.io/tls` Secrets read with their data: why `tls.crt`/`tls.key` cannot
    /// be a certificate and key (not PEM, or identical). Only this verdict is kept, never
    /// the data; `None` when the data looks right or was not read (cluster metadata).
    pub tls_data_problem: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ConfigMap {
    pub meta: Meta,
    /// Keys of `data` and `binaryData`.
    pub keys: Vec<String>,
}

// ---------------------------------------------------------------------------------------
// GatewayClass, Gateway, ListenerSet

#[derive(Debug, Clone)]
pub struct GatewayClass {
    pub meta: Meta,
    pub controller_name: Option<String>,
    pub parameters_ref: Option<ParametersRef>,
}

#[derive(Debug, Clone)]
pub struct ParametersRef {
    pub group: String,
    pub kind: String,
    pub name: String,
    pub namespace: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Gateway {
    pub meta: Meta,
    pub gateway_class_name: Option<String>,
    pub listeners: Vec<Listener>,
    /// `spec.allowedListeners` (ListenerSets); `from` defaults to `None`.
    pub allowed_listeners: RouteNamespaces,
    pub addresses: Vec<GatewayAddress>,
    pub infrastructure_parameters_ref: Option<ParametersRef>,
    /// `spec.tls` (Gateway-level frontend client validation and backend client certificate).
    pub tls: Option<GatewayTls>,
}

#[derive(Debug, Clone)]
pub struct GatewayAddress {
    /// Default `IPAddress`.
    pub address_type: String,
    pub value: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct GatewayTls {
    /// `spec.tls.frontend.default.validation`.
    pub frontend_default: Option<FrontendValidation>,
    /// `spec.tls.frontend.perPort[]`: port and validation.
    pub frontend_per_port: Vec<(Option<i64>, FrontendValidation)>,
    /// `spec.tls.backend.clientCertificateRef`.
    pub backend_client_certificate: Option<ObjectRef>,
}

#[derive(Debug, Clone, Default)]
pub struct FrontendValidation {
    pub ca_certificate_refs: Vec<ObjectRef>,
    /// `AllowValidOnly` (default) or `AllowInsecureFallback`.
    pub mode: Option<String>,
}

/// A reference to a (possibly namespaced) object: certificateRefs, caCertificateRefs...
/// `group` and `kind` carry their CRD defaults (e.g. `""`/`Secret` for certificateRefs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectRef {
    pub group: String,
    pub kind: String,
    pub name: String,
    /// `None` = the referrer's namespace.
    pub namespace: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Protocol {
    Http,
    Https,
    Tls,
    Tcp,
    Udp,
}

impl Protocol {
    /// The core protocols, in the order the docs list them.
    pub const ALL: [Protocol; 5] = [
        Protocol::Http,
        Protocol::Https,
        Protocol::Tls,
        Protocol::Tcp,
        Protocol::Udp,
    ];

    /// The core protocol spelled exactly `name` (protocols are case-sensitive).
    pub fn from_name(name: &str) -> Option<Protocol> {
        Protocol::ALL.into_iter().find(|p| p.as_str() == name)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Http => "HTTP",
            Protocol::Https => "HTTPS",
            Protocol::Tls => "TLS",
            Protocol::Tcp => "TCP",
            Protocol::Udp => "UDP",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsMode {
    Terminate,
    Passthrough,
}

/// A listener of a Gateway or a ListenerSet (`spec.listeners[index]`).
#[derive(Debug, Clone)]
pub struct Listener {
    pub index: usize,
    pub name: String,
    pub hostname: Option<String>,
    /// `None` when missing or not a valid number (already reported).
    pub port: Option<i64>,
    /// Unknown protocols (domain-prefixed or typos) are kept as written.
    pub protocol: Known<Protocol>,
    pub tls: Option<ListenerTls>,
    pub allowed_routes: AllowedRoutes,
}

#[derive(Debug, Clone)]
pub struct ListenerTls {
    /// Defaults to `Terminate`.
    pub mode: Known<TlsMode>,
    pub certificate_refs: Vec<ObjectRef>,
    pub options: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default)]
pub struct AllowedRoutes {
    /// `from` defaults to `Same`.
    pub namespaces: RouteNamespaces,
    /// `None` when `kinds` is absent (the protocol's defaults apply); `group` defaults to
    /// `gateway.networking.k8s.io`.
    pub kinds: Option<Vec<GroupKind>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FromNamespaces {
    All,
    Same,
    Selector,
    None,
}

#[derive(Debug, Clone)]
pub struct RouteNamespaces {
    pub from: Known<FromNamespaces>,
    pub selector: Option<LabelSelector>,
}

impl Default for RouteNamespaces {
    fn default() -> Self {
        RouteNamespaces {
            from: Known::Known(FromNamespaces::Same),
            selector: None,
        }
    }
}

/// A Kubernetes `LabelSelector`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LabelSelector {
    pub match_labels: BTreeMap<String, String>,
    pub match_expressions: Vec<LabelSelectorRequirement>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LabelSelectorRequirement {
    pub key: String,
    /// `In`, `NotIn`, `Exists`, `DoesNotExist`.
    pub operator: Known<SelectorOperator>,
    pub values: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SelectorOperator {
    In,
    NotIn,
    Exists,
    DoesNotExist,
}

#[derive(Debug, Clone)]
pub struct ListenerSet {
    pub meta: Meta,
    /// `spec.parentRef`; group defaults to `gateway.networking.k8s.io`, kind to `Gateway`,
    /// namespace to the ListenerSet's.
    pub parent_ref: ParentRef,
    pub listeners: Vec<Listener>,
}

// ---------------------------------------------------------------------------------------
// Routes

/// A `parentRef` with CRD defaults applied; `*_set` records what the user wrote
/// (status echoes sectionName and port only when given).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParentRef {
    pub index: usize,
    pub group: String,
    pub kind: String,
    pub namespace: String,
    /// Whether `namespace` was written (false = defaulted to the route's namespace).
    pub namespace_set: bool,
    pub name: String,
    pub section_name: Option<String>,
    pub port: Option<i64>,
}

/// Any route kind. Kind-specific parts live in the rules.
#[derive(Debug, Clone)]
pub struct Route {
    pub kind: RouteKind,
    pub meta: Meta,
    pub parent_refs: Vec<ParentRef>,
    /// `spec.hostnames` (empty for TCP/UDP).
    pub hostnames: Vec<String>,
    pub rules: Vec<RouteRule>,
}

impl Route {
    /// `HTTPRoute namespace/name` (the canonical kind), for messages.
    pub fn named(&self) -> Named<'_> {
        Named {
            kind: self.kind.as_str(),
            namespace: &self.meta.namespace,
            name: &self.meta.name,
        }
    }
}

#[derive(Debug, Clone)]
pub struct RouteRule {
    pub index: usize,
    pub name: Option<String>,
    /// HTTPRoute: defaulted to `[{path: PathPrefix /}]` when absent. GRPCRoute: empty means
    /// match all. TLS/TCP/UDP: always empty.
    pub matches: Vec<RouteMatch>,
    pub filters: Vec<Filter>,
    pub backend_refs: Vec<BackendRef>,
}

#[derive(Debug, Clone)]
pub enum RouteMatch {
    Http(HttpMatch),
    Grpc(GrpcMatch),
}

#[derive(Debug, Clone, PartialEq)]
pub struct HttpMatch {
    pub index: usize,
    /// Defaulted to `PathPrefix /` when absent; `type` defaults to `PathPrefix`.
    pub path: PathMatch,
    pub headers: Vec<ValueMatch>,
    pub query_params: Vec<ValueMatch>,
    pub method: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PathMatch {
    pub match_type: Known<PathMatchType>,
    pub value: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathMatchType {
    Exact,
    PathPrefix,
    RegularExpression,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueMatchType {
    Exact,
    RegularExpression,
}

/// A header or query parameter match; `type` defaults to `Exact`.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueMatch {
    pub name: String,
    pub match_type: Known<ValueMatchType>,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GrpcMatch {
    pub index: usize,
    /// `type` defaults to `Exact`.
    pub match_type: Known<ValueMatchType>,
    pub service: Option<String>,
    pub method: Option<String>,
    pub headers: Vec<ValueMatch>,
}

/// A route or backendRef filter.
#[derive(Debug, Clone, PartialEq)]
pub struct Filter {
    pub index: usize,
    pub kind: FilterKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum FilterKind {
    RequestHeaderModifier(HeaderModifier),
    ResponseHeaderModifier(HeaderModifier),
    RequestRedirect(RequestRedirect),
    UrlRewrite(UrlRewrite),
    RequestMirror(RequestMirror),
    /// CORS, modelled superficially: the filter's presence and allowed origins.
    Cors {
        allow_origins: Vec<String>,
    },
    ExternalAuth,
    ExtensionRef(ObjectRef),
    /// A `type` this version does not know (already reported).
    Unknown(String),
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct HeaderModifier {
    pub set: Vec<(String, String)>,
    pub add: Vec<(String, String)>,
    pub remove: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct RequestRedirect {
    pub scheme: Option<String>,
    pub hostname: Option<String>,
    pub path: Option<PathModifier>,
    pub port: Option<i64>,
    /// Default 302.
    pub status_code: i64,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct UrlRewrite {
    pub hostname: Option<String>,
    pub path: Option<PathModifier>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PathModifier {
    ReplaceFullPath(String),
    ReplacePrefixMatch(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct RequestMirror {
    pub backend_ref: BackendObjectRef,
    /// `percent`, or `fraction` converted to a percentage; `None` = 100.
    pub percent: Option<f64>,
}

/// The object a backendRef names; `group` defaults to `""`, `kind` to `Service`.
#[derive(Debug, Clone, PartialEq)]
pub struct BackendObjectRef {
    pub group: String,
    pub kind: String,
    pub name: String,
    /// `None` = the route's namespace.
    pub namespace: Option<String>,
    pub port: Option<i64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BackendRef {
    pub index: usize,
    pub object: BackendObjectRef,
    /// Defaults to 1.
    pub weight: i64,
    pub filters: Vec<Filter>,
}

// ---------------------------------------------------------------------------------------
// ReferenceGrant, BackendTLSPolicy

#[derive(Debug, Clone)]
pub struct ReferenceGrant {
    pub meta: Meta,
    pub from: Vec<GrantFrom>,
    pub to: Vec<GrantTo>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantFrom {
    pub group: String,
    pub kind: String,
    pub namespace: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantTo {
    pub group: String,
    pub kind: String,
    pub name: Option<String>,
}

#[derive(Debug, Clone)]
pub struct BackendTlsPolicy {
    pub meta: Meta,
    /// `spec.targetRefs`: group, kind, name, sectionName.
    pub target_refs: Vec<PolicyTargetRef>,
    pub ca_certificate_refs: Vec<ObjectRef>,
    pub well_known_ca_certificates: Option<String>,
    pub hostname: Option<String>,
    pub subject_alt_names: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyTargetRef {
    pub group: String,
    pub kind: String,
    pub name: String,
    pub section_name: Option<String>,
}

// ---------------------------------------------------------------------------------------
// The world

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
