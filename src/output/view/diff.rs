//! The view of `gwctl diff`: the input errors of either side, then every change with its
//! effect. Objects are named as in `check`'s report: resources `{kind, namespace, name}`,
//! parentRefs with every field, Gateways `{namespace, name}`.

use serde::Serialize;

use super::check::ParentRefView;
use super::place::DiagnosticView;
use super::{NameView, ResourceView};
use crate::diag::Diagnostic;
use crate::diff::{
    BackendName, ConditionState, DiffReport, Effect, ListenerChange, OutcomeChange, OutcomeState,
    ParentChange,
};
use crate::input::Sources;

/// What `diff` renders: the comparison, and each side with the errors that kept some of
/// its input from being read.
#[derive(Debug, Clone, Copy)]
pub struct DiffRun<'a> {
    pub report: &'a DiffReport,
    pub base: SideRun<'a>,
    pub head: SideRun<'a>,
    /// The route parents left out as absent from a side that could not be fully read.
    pub unread_absences: usize,
}

/// One side of a diff, as read.
#[derive(Debug, Clone, Copy)]
pub struct SideRun<'a> {
    /// What it is: `BASE testdata/a`, `HEAD (working tree)`.
    pub label: &'a str,
    pub sources: &'a Sources,
    /// The errors reading it (files, YAML, object schema).
    pub errors: &'a [Diagnostic],
}

/// The view every `diff` format renders.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DiffView<'a> {
    /// The errors of both sides, BASE's first.
    pub input_errors: Vec<InputErrorView<'a>>,
    pub route_parents: Vec<ParentChangeView<'a>>,
    pub listeners: Vec<ListenerChangeView<'a>>,
    pub requests: Vec<OutcomeChangeView<'a>>,
    #[serde(skip)]
    pub changes: usize,
    #[serde(skip)]
    pub regressions: usize,
    /// See [`DiffRun::unread_absences`].
    pub unread_absences: usize,
    /// The sides, for a heading over each one's errors.
    #[serde(skip)]
    pub labels: [&'a str; 2],
}

/// An input error, with the side it was found on.
#[derive(Debug, Serialize)]
pub struct InputErrorView<'a> {
    /// `base` or `head`.
    pub side: &'static str,
    #[serde(flatten)]
    pub diagnostic: DiagnosticView<'a>,
}

#[derive(Debug, Serialize)]
pub struct ParentChangeView<'a> {
    pub route: ResourceView<'a>,
    pub parent: ParentRefView<'a>,
    pub condition: &'a str,
    pub before: Option<ConditionStateView<'a>>,
    pub after: Option<ConditionStateView<'a>>,
    #[serde(serialize_with = "effect")]
    pub effect: Effect,
}

#[derive(Debug, Serialize)]
pub struct ConditionStateView<'a> {
    pub status: &'a str,
    pub reason: &'a str,
}

#[derive(Debug, Serialize)]
pub struct ListenerChangeView<'a> {
    pub owner: ResourceView<'a>,
    pub listener: &'a str,
    pub before: Option<u32>,
    pub after: Option<u32>,
}

#[derive(Debug, Serialize)]
pub struct OutcomeChangeView<'a> {
    pub request: &'a str,
    pub gateway: NameView<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<i64>,
    /// `null`: no listener of the Gateway takes the request on that side.
    pub before: Option<OutcomeStateView<'a>>,
    pub after: Option<OutcomeStateView<'a>>,
    #[serde(serialize_with = "effect")]
    pub effect: Effect,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OutcomeStateView<'a> {
    pub outcome: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_code: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub route: Option<ResourceView<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub backends: Vec<ReceivingBackendView<'a>>,
}

#[derive(Debug, Serialize)]
pub struct ReceivingBackendView<'a> {
    pub namespace: &'a str,
    pub name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<i64>,
}

impl<'a> DiffView<'a> {
    pub fn new(run: &DiffRun<'a>) -> Self {
        let report = run.report;
        let mut input_errors = Vec::new();
        for (side, of) in [("base", run.base), ("head", run.head)] {
            input_errors.extend(of.errors.iter().map(|d| InputErrorView {
                side,
                diagnostic: DiagnosticView::new(of.sources, d),
            }));
        }
        DiffView {
            input_errors,
            route_parents: report.route_parents.iter().map(parent_change).collect(),
            listeners: report.listeners.iter().map(listener_change).collect(),
            requests: report.requests.iter().map(outcome_change).collect(),
            changes: report.len(),
            regressions: report.regressions(),
            unread_absences: run.unread_absences,
            labels: [run.base.label, run.head.label],
        }
    }
}

fn parent_change(c: &ParentChange) -> ParentChangeView<'_> {
    ParentChangeView {
        route: ResourceView::new(&c.route),
        parent: ParentRefView::new(&c.parent),
        condition: c.condition,
        before: c.before.as_ref().map(condition_state),
        after: c.after.as_ref().map(condition_state),
        effect: c.effect(),
    }
}

fn condition_state(s: &ConditionState) -> ConditionStateView<'_> {
    ConditionStateView {
        status: s.status.as_str(),
        reason: &s.reason,
    }
}

fn listener_change(c: &ListenerChange) -> ListenerChangeView<'_> {
    ListenerChangeView {
        owner: ResourceView::new(&c.owner),
        listener: &c.listener,
        before: c.before,
        after: c.after,
    }
}

fn outcome_change(c: &OutcomeChange) -> OutcomeChangeView<'_> {
    OutcomeChangeView {
        request: &c.request,
        gateway: NameView::new(&c.gateway),
        port: c.port,
        before: c.before.as_ref().map(outcome_state),
        after: c.after.as_ref().map(outcome_state),
        effect: c.effect(),
    }
}

fn outcome_state(s: &OutcomeState) -> OutcomeStateView<'_> {
    OutcomeStateView {
        outcome: s.outcome,
        status_code: s.status_code,
        route: s.route.as_ref().map(|r| ResourceView {
            kind: r.kind.as_str(),
            namespace: &r.namespace,
            name: &r.name,
        }),
        backends: s.backends.iter().map(backend).collect(),
    }
}

fn backend(b: &BackendName) -> ReceivingBackendView<'_> {
    ReceivingBackendView {
        namespace: &b.namespace,
        name: &b.name,
        port: b.port,
    }
}

fn effect<S: serde::Serializer>(effect: &Effect, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(effect.as_str())
}
