//! The view model: what every format renders, built once per report from what the engine
//! decided. Building a view only projects (counts, resolves locations to positions, pairs
//! a route parent with the listeners it attached to); it judges nothing.
//!
//! The serde form of a view is the `gwctl/v1` JSON of `shared/docs/report-format.md`:
//! struct field order is output order, and what other formats need but the contract does
//! not carry is `#[serde(skip)]`. The formats read the same fields and never each other.
//!
//! A few functions here are verdicts the engine should own (marked "belongs in the
//! engine"); they live here until `engine` exposes them.

mod check;
mod diff;
mod place;
mod probe;
mod simulate;

pub use check::*;
pub use diff::*;
pub use place::{DiagnosticView, Place, Position, RelatedView};
pub use probe::*;
pub use simulate::*;

use std::borrow::Cow;

use serde::{Serialize, Serializer};

use crate::diag::ResourceRef;
use crate::engine::{Condition, ConditionStatus};

/// `Kind ns/name`, or `Kind name` for cluster-scoped objects.
pub fn object_name(kind: &str, namespace: &str, name: &str) -> String {
    ResourceRef {
        kind: kind.to_string(),
        namespace: namespace.to_string(),
        name: name.to_string(),
    }
    .to_string()
}

/// An object, `{"kind", "namespace", "name"}` (no `namespace` for a cluster-scoped one):
/// how every report names one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ResourceView<'a> {
    pub kind: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    pub namespace: &'a str,
    pub name: &'a str,
}

impl<'a> ResourceView<'a> {
    pub fn new(resource: &'a ResourceRef) -> Self {
        ResourceView {
            kind: &resource.kind,
            namespace: &resource.namespace,
            name: &resource.name,
        }
    }
}

/// `Kind ns/name`.
impl std::fmt::Display for ResourceView<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&object_name(self.kind, self.namespace, self.name))
    }
}

/// A status condition as a controller writes it.
#[derive(Debug, Clone, Serialize)]
pub struct ConditionView<'a> {
    #[serde(rename = "type")]
    pub type_: &'a str,
    #[serde(serialize_with = "condition_status")]
    pub status: ConditionStatus,
    pub reason: &'a str,
    pub message: &'a str,
    /// Whether the condition says something good, bad or unknown.
    #[serde(skip)]
    pub health: Health,
}

/// What a condition's status means for its object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Health {
    Good,
    Bad,
    Unknown,
}

impl<'a> ConditionView<'a> {
    pub fn new(condition: &'a Condition) -> Self {
        let negative = condition.is_negative_polarity();
        let health = match (condition.status, negative) {
            (ConditionStatus::Unknown, _) => Health::Unknown,
            (ConditionStatus::True, false) | (ConditionStatus::False, true) => Health::Good,
            (ConditionStatus::True, true) | (ConditionStatus::False, false) => Health::Bad,
        };
        ConditionView {
            type_: &condition.type_,
            status: condition.status,
            reason: &condition.reason,
            message: &condition.message,
            health,
        }
    }

    pub fn all(conditions: &'a [Condition]) -> Vec<Self> {
        conditions.iter().map(ConditionView::new).collect()
    }
}

fn condition_status<S: Serializer>(status: &ConditionStatus, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(status.as_str())
}

/// A namespaced name, `{"namespace", "name"}`; shown as `ns/name`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct NameView<'a> {
    pub namespace: &'a str,
    pub name: &'a str,
}

impl<'a> NameView<'a> {
    pub fn new(name: &'a crate::engine::routing::NamespacedName) -> Self {
        NameView {
            namespace: &name.namespace,
            name: &name.name,
        }
    }
}

impl std::fmt::Display for NameView<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.namespace, self.name)
    }
}

/// Name/value pairs (headers, query parameters) in order, written as a JSON object.
#[derive(Debug, Clone)]
pub struct Pairs<'a> {
    pub items: Cow<'a, [(String, String)]>,
    pub repeated: Repeated,
}

/// How a JSON object holds a name given more than once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repeated {
    /// The values joined with `,`, as the SimulationReport says.
    Joined,
    /// The last value, at the place of the first (the ProbeReport).
    LastWins,
}

impl Serialize for Pairs<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut entries: Vec<(&str, Cow<'_, str>)> = Vec::with_capacity(self.items.len());
        for (name, value) in self.items.iter() {
            match entries.iter_mut().find(|(n, _)| n == name) {
                Some((_, existing)) => match self.repeated {
                    Repeated::Joined => {
                        let joined = existing.to_mut();
                        joined.push(',');
                        joined.push_str(value);
                    }
                    Repeated::LastWins => *existing = Cow::Borrowed(value),
                },
                None => entries.push((name, Cow::Borrowed(value))),
            }
        }
        serializer.collect_map(entries)
    }
}
