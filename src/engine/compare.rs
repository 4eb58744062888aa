//! `--compare-status`: where the status a controller wrote differs from the prediction.
//!
//! Only objects that carry a written status are compared, and only predictions that are
//! definite (`True`/`False`): an `Unknown` prediction has nothing to disagree with.
//! A status written for an older generation is reported as stale instead of as a list of
//! differences, since those would be expected until the controller catches up.

use super::Analysis;
use super::conditions::{Condition, ConditionStatus, types};
use super::report::{GatewayReport, ParentRefStatus, RouteReport};
use crate::diag::{Diagnostic, FieldPath, rule};
use crate::model::{LiveCondition, LiveParent, LiveStatus, Meta, World};

rule! {
    /// ## What it does
    /// Reports, with `--compare-status`, a route parent whose `status.parents` entry, as a
    /// controller wrote it, differs from the status gwctl predicts from the Gateway API
    /// specification.
    ///
    /// ## Why it matters
    /// A difference means the controller departs from the spec, or that the input is not what
    /// the controller sees.
    ///
    /// ## Example
    /// With `--compare-status`: the controller wrote `Accepted=False` (`NotAllowedByListeners`)
    /// where gwctl predicts `Accepted=True`:
    #[example = "testdata/rules/route-status-differs/err.yaml"]
    ///
    /// ## Fix
    /// Run `gwctl check` without `--compare-status` to see why gwctl predicts what it does; if
    /// the manifests are right, check the controller's version and logs.
    pub static ROUTE_STATUS_DIFFERS {
        code: "GW6001",
        name: "route-status-differs",
        severity: Warning,
        stage: Analysis,
        summary: "A route parent's written status differs from the prediction",
    }
}

rule! {
    /// ## What it does
    /// Reports, with `--compare-status`, an entry of a Gateway's or ListenerSet's
    /// `status.listeners` that differs from the prediction: its conditions or `attachedRoutes`.
    ///
    /// ## Why it matters
    /// A difference means the controller departs from the spec (a controller that counts refused
    /// routes in `attachedRoutes` does), or that the input is not what the controller sees.
    ///
    /// ## Example
    /// With `--compare-status`: the controller counts 3 attached routes where gwctl counts 1:
    #[example = "testdata/rules/listener-status-differs/err.yaml"]
    ///
    /// ## Fix
    /// Compare the routes gwctl counts (`gwctl check -o table`) with the ones the controller
    /// counts.
    pub static LISTENER_STATUS_DIFFERS {
        code: "GW6002",
        name: "listener-status-differs",
        severity: Warning,
        stage: Analysis,
        summary: "A listener's written status differs from the prediction",
    }
}

rule! {
    /// ## What it does
    /// Reports, with `--compare-status`, a condition of a Gateway's or ListenerSet's
    /// `status.conditions` that differs from the prediction.
    ///
    /// ## Why it matters
    /// A difference means the controller departs from the spec, or that the input is not what
    /// the controller sees.
    ///
    /// ## Example
    /// With `--compare-status`: the controller wrote `Programmed=False` (`Invalid`) where gwctl
    /// predicts `Programmed=True`:
    #[example = "testdata/rules/gateway-status-differs/err.yaml"]
    ///
    /// ## Fix
    /// Run `gwctl check` to see the prediction's reasons; if the manifests are right, check the
    /// controller's version and logs.
    pub static GATEWAY_STATUS_DIFFERS {
        code: "GW6003",
        name: "gateway-status-differs",
        severity: Warning,
        stage: Analysis,
        summary: "A Gateway's or ListenerSet's written condition differs from the prediction",
    }
}

rule! {
    /// ## What it does
    /// Reports, with `--compare-status`, a written condition whose `observedGeneration` is lower
    /// than the object's `metadata.generation`. A controller records the generation it acted on
    /// as each condition's `observedGeneration`.
    ///
    /// ## Why it matters
    /// The controller has not processed the latest change yet (it is busy, failing, or not
    /// running), so the written status says nothing about the current spec.
    ///
    /// ## Example
    /// With `--compare-status`: the route's `ResolvedRefs` condition was written for generation 1
    /// of a route at generation 2:
    #[example = "testdata/rules/status-stale/err.yaml"]
    ///
    /// ## Fix
    /// Wait for the controller, or check that it is running and what its logs say.
    pub static STATUS_STALE {
        code: "GW6004",
        name: "status-stale",
        severity: Warning,
        stage: Analysis,
        summary: "The written status is for an older generation of the object",
    }
}

/// Diagnostics for every written status that differs from `analysis`. With
/// `controller_name`, only route parent entries written by that controller are read.
pub fn compare(
    world: &World,
    analysis: &Analysis,
    controller_name: Option<&str>,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let owners = world
        .gateways
        .iter()
        .map(|g| &g.meta)
        .zip(&analysis.gateways)
        .chain(
            world
                .listener_sets
                .iter()
                .map(|s| &s.meta)
                .zip(&analysis.listener_sets),
        );
    for (meta, report) in owners {
        if let Some(live) = &meta.live_status {
            compare_gateway(meta, live, report, &mut out);
        }
    }
    for (route, report) in world.routes.iter().zip(&analysis.routes) {
        if let Some(live) = &route.meta.live_status {
            compare_route(&route.meta, live, report, controller_name, &mut out);
        }
    }
    out
}

/// The first condition written for an older generation than the object's.
fn stale<'a>(
    meta: &Meta,
    mut conditions: impl Iterator<Item = &'a LiveCondition>,
) -> Option<(i64, i64)> {
    let generation = meta.generation?;
    conditions.find_map(|c| {
        c.observed_generation
            .filter(|&observed| observed < generation)
            .map(|observed| (observed, generation))
    })
}

fn stale_diagnostic(meta: &Meta, observed: i64, generation: i64) -> Diagnostic {
    Diagnostic::new(
        &STATUS_STALE,
        format!(
            "{}: the status was written for generation {observed}, the object is at \
             generation {generation}; the controller has not caught up",
            meta.resource()
        ),
    )
    .at(meta.at(FieldPath::root().key("status")))
    .help("wait for the controller, or check that it runs and what its logs say")
}

fn show(status: &str, reason: &str) -> String {
    if reason.is_empty() {
        status.to_string()
    } else {
        format!("{status}/{reason}")
    }
}

/// How a written condition differs from a predicted one, if it does.
fn difference(predicted: &Condition, written: &[LiveCondition]) -> Option<(String, Option<usize>)> {
    if predicted.status == ConditionStatus::Unknown {
        return None;
    }
    let expected = show(predicted.status.as_str(), &predicted.reason);
    match written.iter().find(|c| c.type_ == predicted.type_) {
        None => Some((
            format!(
                "the controller wrote no `{}` condition; gwctl predicts {expected}",
                predicted.type_
            ),
            None,
        )),
        Some(c) if c.status != predicted.status.as_str() || c.reason != predicted.reason => Some((
            format!(
                "the controller wrote {}={}, gwctl predicts {}={expected}",
                c.type_,
                show(&c.status, &c.reason),
                c.type_
            ),
            Some(c.index),
        )),
        Some(_) => None,
    }
}

const HELP: &str = "run `gwctl check` without --compare-status to see why gwctl predicts this; \
if the manifests are what the controller sees, the controller departs from the Gateway API spec";

fn compare_gateway(
    meta: &Meta,
    live: &LiveStatus,
    report: &GatewayReport,
    out: &mut Vec<Diagnostic>,
) {
    let all_conditions = live
        .conditions
        .iter()
        .chain(live.listeners.iter().flat_map(|l| &l.conditions));
    if let Some((observed, generation)) = stale(meta, all_conditions) {
        out.push(stale_diagnostic(meta, observed, generation));
        return;
    }
    let status = FieldPath::root().key("status");
    for predicted in &report.conditions {
        if let Some((what, index)) = difference(predicted, &live.conditions) {
            let path = match index {
                Some(i) => status.clone().key("conditions").index(i),
                None => status.clone(),
            };
            out.push(
                Diagnostic::new(
                    &GATEWAY_STATUS_DIFFERS,
                    format!("{}: {what}", meta.resource()),
                )
                .at(meta.at(path))
                .help(HELP),
            );
        }
    }
    for listener in &report.listeners {
        let definite = listener
            .conditions
            .iter()
            .all(|c| c.status != ConditionStatus::Unknown);
        let Some(written) = live.listeners.iter().find(|l| l.name == listener.name) else {
            if definite {
                out.push(
                    Diagnostic::new(
                        &LISTENER_STATUS_DIFFERS,
                        format!(
                            "{}: the controller wrote no status for listener `{}`",
                            meta.resource(),
                            listener.name
                        ),
                    )
                    .at(meta.at(status.clone().key("listeners")))
                    .help(HELP),
                );
            }
            continue;
        };
        let path = status.clone().key("listeners").index(written.index);
        let mut what = Vec::new();
        if definite
            && written
                .attached_routes
                .is_some_and(|n| n != i64::from(listener.attached_routes))
        {
            what.push(format!(
                "attachedRoutes is {}, gwctl predicts {}",
                written.attached_routes.unwrap_or_default(),
                listener.attached_routes
            ));
        }
        what.extend(
            listener
                .conditions
                .iter()
                .filter_map(|c| difference(c, &written.conditions))
                .map(|(w, _)| w),
        );
        if !what.is_empty() {
            out.push(
                Diagnostic::new(
                    &LISTENER_STATUS_DIFFERS,
                    format!(
                        "{} listener `{}`: {}",
                        meta.resource(),
                        listener.name,
                        what.join("; ")
                    ),
                )
                .at(meta.at(path))
                .help(HELP),
            );
        }
    }
}

/// Whether a written parent entry is the one for this parentRef.
fn same_parent(written: &LiveParent, predicted: &ParentRefStatus) -> bool {
    written.group == predicted.group
        && written.kind == predicted.kind
        && written.namespace == predicted.namespace
        && written.name == predicted.name
        && written.section_name == predicted.section_name
        && written.port == predicted.port
}

fn compare_route(
    meta: &Meta,
    live: &LiveStatus,
    report: &RouteReport,
    controller_name: Option<&str>,
    out: &mut Vec<Diagnostic>,
) {
    let written: Vec<&LiveParent> = live
        .parents
        .iter()
        .filter(|p| controller_name.is_none_or(|c| p.controller_name.as_deref() == Some(c)))
        .collect();
    if let Some((observed, generation)) = stale(meta, written.iter().flat_map(|p| &p.conditions)) {
        out.push(stale_diagnostic(meta, observed, generation));
        return;
    }
    for (index, parent) in report.parents.iter().enumerate() {
        let spec_path = FieldPath::root().key("spec").key("parentRefs").index(index);
        let name = format!(
            "{} parentRefs[{index}] ({}/{})",
            meta.resource(),
            parent.parent_ref.namespace,
            parent.parent_ref.name
        );
        let Some(entry) = written.iter().find(|w| same_parent(w, &parent.parent_ref)) else {
            // A controller writes status only for parents it reconciles; silence for a parent
            // gwctl refuses or cannot judge is expected.
            let accepted = parent
                .conditions
                .iter()
                .any(|c| c.type_ == types::ACCEPTED && c.status == ConditionStatus::True);
            if accepted {
                out.push(
                    Diagnostic::new(
                        &ROUTE_STATUS_DIFFERS,
                        format!(
                            "{name}: the controller wrote no status for this parent; gwctl \
                             predicts Accepted=True"
                        ),
                    )
                    .at(meta.at(spec_path))
                    .help(HELP),
                );
            }
            continue;
        };
        for predicted in &parent.conditions {
            if let Some((what, condition)) = difference(predicted, &entry.conditions) {
                let mut path = FieldPath::root()
                    .key("status")
                    .key("parents")
                    .index(entry.index);
                if let Some(c) = condition {
                    path = path.key("conditions").index(c);
                }
                out.push(
                    Diagnostic::new(&ROUTE_STATUS_DIFFERS, format!("{name}: {what}"))
                        .at(meta.at(path))
                        .related(meta.at(spec_path.clone()), "the parentRef")
                        .help(HELP),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Origin;

    fn condition(type_: &str, status: ConditionStatus, reason: &str) -> Condition {
        Condition::new(type_, status, reason, "")
    }

    fn written(type_: &str, status: &str, reason: &str, observed: Option<i64>) -> LiveCondition {
        LiveCondition {
            index: 0,
            type_: type_.into(),
            status: status.into(),
            reason: reason.into(),
            observed_generation: observed,
        }
    }

    #[test]
    fn only_definite_predictions_that_differ_count() {
        let accepted = condition("Accepted", ConditionStatus::True, "Accepted");
        let same = [written("Accepted", "True", "Accepted", None)];
        assert!(difference(&accepted, &same).is_none());
        let other_reason = [written("Accepted", "True", "Other", None)];
        assert!(difference(&accepted, &other_reason).is_some());
        let (missing, index) = difference(&accepted, &[]).unwrap();
        assert!(
            missing.contains("wrote no `Accepted` condition"),
            "{missing}"
        );
        assert_eq!(index, None);
        let unknown = condition("Accepted", ConditionStatus::Unknown, "Pending");
        assert!(difference(&unknown, &[]).is_none());
    }

    #[test]
    fn stale_compares_observed_with_the_object_generation() {
        let meta = Meta {
            generation: Some(3),
            origin: Origin::Cluster,
            ..Meta::default()
        };
        let conditions = [
            written("Accepted", "True", "Accepted", Some(3)),
            written("Programmed", "True", "Programmed", Some(2)),
        ];
        assert_eq!(stale(&meta, conditions.iter()), Some((2, 3)));
        assert_eq!(stale(&meta, conditions[..1].iter()), None);
        let no_generation = Meta::default();
        assert_eq!(stale(&no_generation, conditions.iter()), None);
    }

    #[test]
    fn parent_entries_match_on_the_defaulted_parent_ref() {
        let predicted = ParentRefStatus {
            group: crate::model::GATEWAY_GROUP.into(),
            kind: "Gateway".into(),
            namespace: "infra".into(),
            name: "gw".into(),
            section_name: Some("http".into()),
            port: None,
        };
        let mut entry = LiveParent {
            group: predicted.group.clone(),
            kind: "Gateway".into(),
            namespace: "infra".into(),
            name: "gw".into(),
            section_name: Some("http".into()),
            ..LiveParent::default()
        };
        assert!(same_parent(&entry, &predicted));
        entry.section_name = None;
        assert!(!same_parent(&entry, &predicted));
    }
}
