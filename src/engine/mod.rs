//! The engine: what a conformant controller would write into `.status`, and every finding
//! on the way (attachment, references, listener validation), plus request routing.
//!
//! Entry point: [`analyze`]. It never prints; it returns an [`Analysis`].

use crate::diag::{Diagnostic, Origin};
use crate::model::{GroupKind, RouteKind, World};

pub mod routing;

/// What the analysis may assume about objects the input does not contain.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The input is the whole cluster: an absent object does not exist. Otherwise an absent
    /// object is unknown and the conditions that depend on it are `Unknown`.
    pub complete: bool,
    /// Only GatewayClasses with this `controllerName` are handled (others: Gateways stay
    /// unreconciled). `None` = every class is handled.
    pub controller_name: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ConditionStatus {
    True,
    False,
    Unknown,
}

impl ConditionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ConditionStatus::True => "True",
            ConditionStatus::False => "False",
            ConditionStatus::Unknown => "Unknown",
        }
    }
}

/// A status condition as a controller writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    pub type_: String,
    pub status: ConditionStatus,
    pub reason: String,
    pub message: String,
}

impl Condition {
    pub fn new(
        type_: &str,
        status: ConditionStatus,
        reason: &str,
        message: impl Into<String>,
    ) -> Self {
        Condition {
            type_: type_.to_string(),
            status,
            reason: reason.to_string(),
            message: message.into(),
        }
    }
}

/// Which object owns a listener.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ListenerOwner {
    /// Index into `World::gateways`.
    Gateway(usize),
    /// Index into `World::listener_sets`.
    ListenerSet(usize),
}

/// A listener: its owner and its index in the owner's `spec.listeners`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ListenerId {
    pub owner: ListenerOwner,
    pub index: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListenerStatus {
    pub name: String,
    pub attached_routes: u32,
    pub supported_kinds: Vec<GroupKind>,
    pub conditions: Vec<Condition>,
}

/// Predicted status of a Gateway or a ListenerSet.
#[derive(Debug, Clone)]
pub struct GatewayReport {
    pub namespace: String,
    pub name: String,
    /// Gateways only.
    pub gateway_class_name: Option<String>,
    pub origin: Origin,
    pub conditions: Vec<Condition>,
    pub listeners: Vec<ListenerStatus>,
    /// Gateways only: accepted ListenerSets.
    pub attached_listener_sets: Option<u32>,
}

/// `status.parents[].parentRef` as a controller echoes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParentRefStatus {
    pub group: String,
    pub kind: String,
    pub namespace: String,
    pub name: String,
    pub section_name: Option<String>,
    pub port: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct RouteParentStatus {
    pub parent_ref: ParentRefStatus,
    pub conditions: Vec<Condition>,
}

#[derive(Debug, Clone)]
pub struct RouteReport {
    pub kind: RouteKind,
    pub namespace: String,
    pub name: String,
    pub origin: Origin,
    /// One entry per `spec.parentRefs` entry, in order.
    pub parents: Vec<RouteParentStatus>,
}

/// A route attached to a listener through one of its parentRefs.
#[derive(Debug, Clone)]
pub struct Attachment {
    /// Index into `World::routes`.
    pub route: usize,
    /// Index into the route's `parent_refs`.
    pub parent_ref: usize,
    pub listener: ListenerId,
    /// The route's hostnames intersected with the listener's (§4); empty = any host.
    pub hostnames: Vec<String>,
}

/// A (route parentRef, listener) pair that did not attach, and why: the simulator's
/// "near misses".
#[derive(Debug, Clone)]
pub struct Refusal {
    pub route: usize,
    pub parent_ref: usize,
    /// `None` when no listener was selected (no such parent, sectionName/port mismatch).
    pub listener: Option<ListenerId>,
    /// The route condition reason: `NoMatchingParent`, `NotAllowedByListeners`,
    /// `NoMatchingListenerHostname`, ...
    pub reason: String,
    pub message: String,
}

/// Whether one backendRef (or mirror backendRef) resolves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BackendVerdict {
    Valid,
    /// The ResolvedRefs reason (`InvalidKind`, `RefNotPermitted`, `BackendNotFound`,
    /// `UnsupportedProtocol`) and a message.
    Invalid {
        reason: String,
        message: String,
    },
    /// Depends on an object the input does not contain (open world).
    Unknown {
        message: String,
    },
}

/// Everything the analysis found.
#[derive(Debug, Clone, Default)]
pub struct Analysis {
    /// In `World::gateways` order.
    pub gateways: Vec<GatewayReport>,
    /// In `World::listener_sets` order.
    pub listener_sets: Vec<GatewayReport>,
    /// In `World::routes` order.
    pub routes: Vec<RouteReport>,
    pub attachments: Vec<Attachment>,
    pub refusals: Vec<Refusal>,
    /// `backends[route][rule][backend_ref]`.
    pub backends: Vec<Vec<Vec<BackendVerdict>>>,
    /// Listeners that are usable for traffic (Accepted, not conflicted).
    pub usable_listeners: Vec<ListenerId>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Every rule of the engine, for the registry.
pub static RULES: &[&crate::diag::Rule] = &[];

/// Predicts every Gateway's, ListenerSet's and route's status.
pub fn analyze(world: &World, options: &Options) -> Analysis {
    let _ = (world, options);
    Analysis::default()
}
