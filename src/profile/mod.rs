//! Implementation profiles: what one controller does where the Gateway API leaves the
//! choice to the implementation (issue 11). A profile is data: one YAML file per controller
//! in `profiles/`, embedded at build time and read by [`read`] with gwctl's own YAML reader;
//! every value cites the source that decides it. The engine consults a [`Profile`]'s
//! fields and never asks which controller it is.
//!
//! Selection ([`registry`]): a GatewayClass's `controllerName` picks its profile; an unknown
//! controller gets the `spec` profile (the spec's own rules).

mod read;
pub mod registry;

pub use read::{Problem, read};
pub use registry::{Controller, Registry, registry};

use std::collections::BTreeSet;

use crate::model::{GroupKind, Protocol, RouteKind};

/// Where a profile value comes from: a function (or doc comment) of a file of a repository.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Source {
    pub repo: String,
    pub path: String,
    /// The function, type or doc comment that decides the value.
    pub at: String,
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {} ({})", self.repo, self.path, self.at)
    }
}

/// A knob's value with its citations.
#[derive(Debug, Clone, Default)]
pub struct Cited<T> {
    pub value: T,
    /// At least one (the reader reports a knob without).
    pub sources: Vec<Source>,
}

/// One controller's choices.
#[derive(Debug, Clone, Default)]
pub struct Profile {
    /// The file name without `.yaml` (`cilium`), as `--controller` takes it.
    pub name: String,
    /// For messages (`Cilium`).
    pub title: String,
    /// The `spec.controllerName`s of the controller's GatewayClasses.
    pub controller_names: Vec<String>,
    /// A mesh implementation that reconciles no Gateway (Linkerd).
    pub mesh_only: bool,
    pub knobs: Knobs,
    pub features: Features,
}

impl Profile {
    /// ` (repo path)` of `knob`'s first source, for a message that states the knob's value
    /// as this controller's; empty for the spec's own rules, which cite no controller.
    pub fn cite<T>(&self, knob: &Cited<T>) -> String {
        self.cited(knob.sources.first())
    }
    /// As [`Profile::cite`], with the first of `knob`'s sources that mentions `topic` (a
    /// kind name) in its path or `at`; else ` (the profile's `name` lists no `topic`)`: a
    /// source about something else does not back a statement about `topic`.
    pub fn cite_about<T>(&self, knob: &Cited<T>, name: &str, topic: &str) -> String {
        let mentions = |s: &&Source| s.path.contains(topic) || s.at.contains(topic);
        match knob.sources.iter().find(mentions) {
            Some(s) => self.cited(Some(s)),
            None if self.controller_names.is_empty() => String::new(),
            None => format!(" (the profile's `{name}` lists no {topic})"),
        }
    }
    fn cited(&self, source: Option<&Source>) -> String {
        match source {
            Some(s) if !self.controller_names.is_empty() => format!(" ({} {})", s.repo, s.path),
            _ => String::new(),
        }
    }
    /// Whether a GatewayClass of `controller_name` belongs to this controller.
    pub fn owns(&self, controller_name: &str) -> bool {
        self.controller_names.iter().any(|c| c == controller_name)
    }
    /// Whether the controller handles objects of `group`/`kind` as `role` parents
    /// (`parentKinds`): a ListenerSet kind it does not list it does not watch, and it
    /// writes no status for it nor for the routes that name it.
    pub fn handles_parent(&self, role: ParentRole, group: &str, kind: &str) -> bool {
        (self.knobs.parent_kinds.value.iter())
            .any(|k| k.role == role && k.kind.group == group && k.kind.kind == kind)
    }
}

/// A problem of a listener, as far as a controller's choices tell them apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ListenerProblem {
    /// It lost a port conflict (`Conflicted=True`).
    Conflicted,
    /// Its protocol is not supported.
    UnsupportedProtocol,
    /// `allowedRoutes.kinds` names a kind it cannot serve.
    InvalidRouteKinds,
    /// `allowedRoutes.namespaces` is `Selector` with no or a malformed selector.
    InvalidSelector,
    /// A field value the API would reject (port, hostname, TLS combinations).
    InvalidValue,
    /// A certificate reference does not resolve.
    CertificateRefs,
}

impl ListenerProblem {
    pub const ALL: [ListenerProblem; 6] = [
        ListenerProblem::Conflicted,
        ListenerProblem::UnsupportedProtocol,
        ListenerProblem::InvalidRouteKinds,
        ListenerProblem::InvalidSelector,
        ListenerProblem::InvalidValue,
        ListenerProblem::CertificateRefs,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            ListenerProblem::Conflicted => "conflicted",
            ListenerProblem::UnsupportedProtocol => "unsupportedProtocol",
            ListenerProblem::InvalidRouteKinds => "invalidRouteKinds",
            ListenerProblem::InvalidSelector => "invalidSelector",
            ListenerProblem::InvalidValue => "invalidValue",
            ListenerProblem::CertificateRefs => "certificateRefs",
        }
    }
}

/// What makes a listener count as valid for its owner's `Accepted`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ListenerValidity {
    /// Its own `Accepted=True` (the spec: unresolved references alone do not count).
    #[default]
    Accepted,
    /// `Programmed=True`: any problem, references included, counts against the owner.
    Programmed,
}

/// A Gateway's `Accepted` and `Programmed` reasons from its listeners.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct GatewayAccepted {
    /// `Accepted=True` with this reason when some, not all, listeners are invalid:
    /// `ListenersNotValid` (the spec) or `Accepted`.
    pub some_invalid: &'static str,
    /// The Gateway's `Programmed=False` reason when no listener is valid.
    pub none_valid_programmed: &'static str,
}

/// How a listener whose certificate references do not resolve is judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CertificateProblems {
    /// Stays `Accepted=True`; only `ResolvedRefs` and `Programmed` are False (the spec).
    #[default]
    KeepAccepted,
    /// `Accepted=False`, reason `Invalid`.
    RejectInvalid,
    /// `Accepted=False` with the `ResolvedRefs` reason (`RefNotPermitted`...).
    RejectWithRefReason,
}

/// A kind of route parent the controller handles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParentKind {
    pub kind: GroupKind,
    pub role: ParentRole,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParentRole {
    Gateway,
    ListenerSet,
    /// A mesh (GAMMA) parent: a Service, ServiceEntry, ...
    Mesh,
}

/// What a mesh controller writes for a route's `Service` parentRef.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MeshParents {
    /// The `controllerName` of the route's status entry for the parent.
    pub controller_name: String,
    /// A parentRef `port` that is not a port of the Service refuses the route
    /// (`Accepted=False`, `NoMatchingParent`); `false`: the route is accepted and applies
    /// to no request.
    pub undefined_port_refused: bool,
}

/// Values the controller knows, and what it does with the others.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenList<T> {
    pub known: Vec<T>,
    /// `true`: the controller rejects other values (its source says so). `false`: other
    /// values are implementation-specific and the profile cannot tell (the spec's).
    pub others_rejected: bool,
}

impl<T> Default for OpenList<T> {
    fn default() -> Self {
        OpenList {
            known: Vec::new(),
            others_rejected: false,
        }
    }
}

/// A protocol outside the core five that the controller serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VendorProtocol {
    pub name: String,
    /// The route kinds a listener of the protocol serves.
    pub route_kinds: Vec<RouteKind>,
}

/// Which condition a conflicted listener carries; `None` = the condition is not written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ConflictedConditions {
    /// `Accepted=False` with this reason (`None`: the conflict reason), or not written.
    pub accepted: ConflictReason,
    /// `Programmed=False` with this reason.
    pub programmed: ConflictReason,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ConflictReason {
    /// The conflict's own reason (`HostnameConflict`, `ProtocolConflict`).
    #[default]
    Conflict,
    /// A fixed reason (`Invalid`, `Pending`).
    Fixed(&'static str),
    /// The condition is not written.
    Omitted,
}

/// Which listeners may share a port (§2.2, impl-specific in part).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PortSharing {
    /// Pairs of different protocols that never conflict on one port.
    pub compatible: BTreeSet<(Protocol, Protocol)>,
    /// Pairs of different protocols told apart by hostname: they conflict only when their
    /// hostnames are equal (or overlap: `distinct_unless_overlapping`).
    pub hostname_distinct: BTreeSet<(Protocol, Protocol)>,
    pub distinct_unless_overlapping: bool,
    /// The reason of two TCP (or two UDP) listeners on one port.
    pub l4_duplicate: &'static str,
    /// Whether the earlier listener keeps the port inside one Gateway (the spec: no winner).
    pub first_wins: bool,
}

impl PortSharing {
    fn pair(a: Protocol, b: Protocol) -> (Protocol, Protocol) {
        if a <= b { (a, b) } else { (b, a) }
    }
    pub fn compatible(&self, a: Protocol, b: Protocol) -> bool {
        self.compatible.contains(&Self::pair(a, b))
    }
    pub fn hostname_distinct(&self, a: Protocol, b: Protocol) -> bool {
        self.hostname_distinct.contains(&Self::pair(a, b))
    }
}

/// Several `certificateRefs`, some of which do not resolve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PartialCertificates {
    /// `ResolvedRefs=False`, not programmed (gwctl's spec choice).
    #[default]
    NotProgrammed,
    /// `ResolvedRefs=False/PartiallyInvalidCertificateRef`, programmed with the valid ones.
    ProgramValid,
    /// The invalid ones are dropped silently: `ResolvedRefs=True` when one resolves.
    DropInvalid,
    /// More than one reference is not supported: the listener is rejected
    /// (`UnsupportedValue`).
    SingleOnly,
    /// Only the first reference is used; the others are ignored.
    FirstOnly,
}

/// What `allowedRoutes.kinds` entries a listener cannot serve do to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct InvalidRouteKinds {
    /// Some entries are valid: the listener stays valid for them (`false`), or is invalid.
    pub some_invalidates: bool,
    /// No entry is valid.
    pub none_invalidates: bool,
}

/// How a Service backendRef's port is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PortCheck {
    /// Not checked: the Service's existence is enough.
    None,
    /// The port must be one of the Service's.
    #[default]
    Number,
    /// The port must be one of the Service's, with the protocol the route needs.
    NumberAndProtocol,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ServicePortMatch {
    pub check: PortCheck,
    /// The `ResolvedRefs=False` reason of a port that does not match.
    pub reason: &'static str,
}

/// `OverlappingTLSConfig` for overlapping hostnames on one port.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OverlappingHostnames {
    /// Hostnames that overlap without being equal (the spec's MUST).
    #[default]
    NotEqual,
    /// Also equal and absent hostnames.
    IncludingEqual,
    /// Never written.
    Never,
}

/// Extra checks of header modifier filters beyond the CRD's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HeaderValidation {
    #[default]
    None,
    /// Envoy Gateway's: no `Host`, no `/` or `:` in names, values of visible ASCII.
    EnvoyGateway,
    /// NGINX Gateway Fabric's: no hop-by-hop names, no NGINX variables in values.
    Nginx,
}

/// The regular expressions of route matches.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RegexProfile {
    /// The data plane's dialect (`RE2`, `PCRE`, `Go`, `Rust`).
    pub dialect: String,
    /// Whether the controller rejects a route whose expression does not compile
    /// (`Accepted=False`, `UnsupportedValue`).
    pub validates: bool,
    /// The largest compiled program the data plane accepts, when limited.
    pub max_program_size: Option<u64>,
}

/// `from: Selector` without a selector, or with a malformed requirement (§3.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SelectorEdgeCases {
    /// A missing selector selects every namespace (`true`) or none.
    pub missing_selects_all: bool,
    /// The listener is invalid (`Programmed=False/Invalid`).
    pub invalidates_listener: bool,
}

/// How a TLS Secret's data is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum KeyCertPairing {
    /// Any Secret with non-empty `tls.crt` and `tls.key`.
    Presence,
    /// A `kubernetes.io/tls` Secret whose values are PEM.
    Pem,
    /// Parsed: a certificate, and a private key that is the certificate's.
    #[default]
    X509,
}

/// A Gateway-level `ResolvedRefs` condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GatewayResolvedRefs {
    /// Only when `spec.tls` has references to resolve.
    #[default]
    WhenReferenced,
    /// Always written.
    Always,
}

/// Every knob; each cites its source.
#[derive(Debug, Clone, Default)]
pub struct Knobs {
    /// Listener problems that stop routes attaching (the spec: none, §3.3, §5).
    pub listeners_refusing_routes: Cited<BTreeSet<ListenerProblem>>,
    pub owner_accepted_counts: Cited<ListenerValidity>,
    /// Routes a listener refuses only for their hostnames still count in its
    /// `attachedRoutes` (Envoy Gateway; the spec: they do not, §5).
    pub hostname_refused_routes_counted: Cited<bool>,
    pub gateway_accepted: Cited<GatewayAccepted>,
    /// A Gateway whose parameters do not resolve (`Accepted=False`, `InvalidParameters`) is
    /// still programmed (Istio); the spec: not programmed.
    pub programmed_with_invalid_parameters: Cited<bool>,
    pub certificate_problems: Cited<CertificateProblems>,
    pub gateway_resolved_refs: Cited<GatewayResolvedRefs>,
    pub service_import_backends: Cited<bool>,
    /// Backend kinds beyond the core Service (and ServiceImport, above).
    pub backend_kinds: Cited<OpenList<GroupKind>>,
    pub parent_kinds: Cited<Vec<ParentKind>>,
    /// How the controller judges a route's `Service` parentRef (GAMMA, GEP-1426); `None`:
    /// it writes no status for such parents, or its behaviour was not read, so none is
    /// predicted.
    pub mesh_parents: Cited<Option<MeshParents>>,
    pub address_types: Cited<OpenList<String>>,
    pub protocols: Cited<Vec<Protocol>>,
    pub vendor_protocols: Cited<OpenList<VendorProtocol>>,
    /// The kinds a TLS listener in `Terminate` mode serves by default; `None`: such a
    /// listener is rejected (`UnsupportedValue`).
    pub tls_terminate_kinds: Cited<Option<Vec<RouteKind>>>,
    pub conflicted_listener: Cited<ConflictedConditions>,
    pub port_sharing: Cited<PortSharing>,
    /// The reason of an HTTPS and a TLS listener with the same hostname on one port;
    /// `None`: they do not conflict.
    pub https_tls_hostname_conflict: Cited<Option<&'static str>>,
    pub partial_certificate_refs: Cited<PartialCertificates>,
    pub invalid_route_kinds: Cited<InvalidRouteKinds>,
    pub service_port_match: Cited<ServicePortMatch>,
    pub overlapping_hostnames: Cited<OverlappingHostnames>,
    pub overlapping_certificates: Cited<bool>,
    /// A ListenerSet's `Accepted=True` reason when some of its listeners are invalid.
    pub listener_set_partial_reason: Cited<&'static str>,
    pub header_modifier_validation: Cited<HeaderValidation>,
    pub regex: Cited<RegexProfile>,
    pub selector_edge_cases: Cited<SelectorEdgeCases>,
    pub key_cert_pairing: Cited<KeyCertPairing>,
    /// The kinds `GatewayClass.spec.parametersRef` may name; `None`: any kind (opaque).
    pub class_parameters: Cited<Option<Vec<GroupKind>>>,
    /// The kinds `Gateway.spec.infrastructure.parametersRef` may name; `None`: any.
    pub infrastructure_parameters: Cited<Option<Vec<GroupKind>>>,
    /// What the controller does with a route that uses a feature it does not support.
    pub unsupported_features: Cited<String>,
}

/// The features the controller supports, from its published conformance reports.
#[derive(Debug, Clone, Default)]
pub struct Features {
    /// Report paths, relative to `profiles/conformance-reports/`.
    pub reports: Vec<String>,
    /// Empty with no report: the profile claims nothing, so nothing is judged by it.
    pub supported: BTreeSet<String>,
    /// Features no report lists, each backed by a source.
    pub source_only: Vec<(String, Source)>,
}

impl Features {
    /// Whether the profile says anything about features.
    pub fn known(&self) -> bool {
        !self.reports.is_empty()
    }
    pub fn supports(&self, feature: &str) -> bool {
        self.supported.contains(feature) || self.source_only.iter().any(|(f, _)| f == feature)
    }
}

#[cfg(test)]
mod tests;
