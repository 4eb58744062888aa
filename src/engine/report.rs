//! What the analysis predicts, object by object: the status a controller would write on
//! each GatewayClass, Gateway, ListenerSet and route, and which route parentRefs attached
//! to which listeners (or were refused, and why).

use super::conditions::{Condition, ConditionStatus, ListenerId, Unknown, types};
use crate::diag::Origin;
use crate::model::{GroupKind, RouteKind};

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
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
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
    /// `controllerName`: the `spec.controllerName` of the GatewayClass of the parent
    /// Gateway (of the ListenerSet's Gateway for a ListenerSet parent); `None` when the
    /// input does not tell it (parent, Gateway or class missing).
    pub controller_name: Option<String>,
    pub conditions: Vec<Condition>,
}

/// Predicted status of a GatewayClass.
#[derive(Debug, Clone)]
pub struct GatewayClassReport {
    pub name: String,
    pub origin: Origin,
    /// `status.conditions`; empty for a class the simulated controller does not handle
    /// (`--controller-name`): its status is another controller's to write.
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

impl RouteReport {
    /// The route's acceptance across its parents: `True` when some parent accepts it,
    /// else `Unknown` when some parent's verdict is unknown, else `False` (refused by
    /// every parent, or it has none).
    pub fn accepted(&self) -> ConditionStatus {
        let any = |status| {
            self.parents.iter().any(|p| {
                p.conditions
                    .iter()
                    .any(|c| c.type_ == types::ACCEPTED && c.status == status)
            })
        };
        if any(ConditionStatus::True) {
            ConditionStatus::True
        } else if any(ConditionStatus::Unknown) {
            ConditionStatus::Unknown
        } else {
            ConditionStatus::False
        }
    }
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
    /// `NoMatchingListenerHostname`, ... (`Pending` when it is not known).
    pub reason: String,
    pub message: String,
    /// For a `Pending` refusal: the objects that would decide it.
    pub unknowns: Vec<Unknown>,
}

/// A route that attaches to a listener if objects the input lacks say so (a Namespace
/// whose labels a listener's selector reads): a request it would take has no definite
/// answer.
#[derive(Debug, Clone)]
pub struct PendingAttachment {
    pub attachment: Attachment,
    pub unknowns: Vec<Unknown>,
}
