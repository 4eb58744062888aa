//! `-o json`: the `gwctl/v1` `CheckReport` of `shared/docs/report-format.md`.
//!
//! Built from serde structs (not `json!`) so the field order is fixed by the types.

use serde::Serialize;

use super::{Report, file_name, object_position};
use crate::diag::{Diagnostic, Location, Origin, Severity};
use crate::engine::{
    Condition, ConditionStatus, GatewayClassReport, GatewayReport, ListenerStatus, ParentRefStatus,
    RouteReport,
};
use crate::input::Sources;
use crate::input::resolve;
use crate::model::GroupKind;

/// Renders the report as pretty-printed JSON with a final newline.
pub fn render(report: &Report<'_>) -> String {
    let mut text = serde_json::to_string_pretty(&CheckReport::new(report))
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    text
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckReport {
    pub api_version: &'static str,
    pub kind: &'static str,
    pub summary: Summary,
    pub gateways: Vec<GatewayJson>,
    pub listener_sets: Vec<GatewayJson>,
    pub routes: Vec<RouteJson>,
    pub diagnostics: Vec<DiagnosticJson>,
}

impl CheckReport {
    pub fn new(report: &Report<'_>) -> Self {
        let sources = report.sources;
        CheckReport {
            api_version: "gwctl/v1",
            kind: "CheckReport",
            summary: Summary::new(report),
            gateways: report
                .analysis
                .gateways
                .iter()
                .map(|g| GatewayJson::new(sources, g))
                .collect(),
            listener_sets: report
                .analysis
                .listener_sets
                .iter()
                .map(|g| GatewayJson::new(sources, g))
                .collect(),
            routes: report
                .analysis
                .routes
                .iter()
                .map(|r| RouteJson::new(sources, r))
                .collect(),
            diagnostics: report
                .diagnostics
                .iter()
                .map(|d| DiagnosticJson::new(sources, d))
                .collect(),
        }
    }
}

/// Counts. A route is `accepted` when at least one parent has `Accepted=True`, `rejected`
/// when none has `Accepted` `True` or `Unknown` (this includes a route without parentRefs:
/// it serves no traffic), and `undetermined` otherwise (its best verdict is `Unknown`, as
/// happens when its Gateway is not in the input). The three add up to `routes`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub gateways: usize,
    pub routes: usize,
    pub accepted: usize,
    pub rejected: usize,
    pub errors: usize,
    pub warnings: usize,
    pub undetermined: usize,
    pub listener_sets: usize,
    pub infos: usize,
    /// Objects of kinds gwctl does not model.
    pub ignored: usize,
}

/// A route's overall verdict across its parents, for the summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouteVerdict {
    Accepted,
    Rejected,
    Undetermined,
}

impl RouteVerdict {
    pub fn of(route: &RouteReport) -> Self {
        let accepted = |status| {
            route.parents.iter().any(|p| {
                p.conditions
                    .iter()
                    .any(|c| c.type_ == "Accepted" && c.status == status)
            })
        };
        if accepted(ConditionStatus::True) {
            RouteVerdict::Accepted
        } else if accepted(ConditionStatus::Unknown) {
            RouteVerdict::Undetermined
        } else {
            RouteVerdict::Rejected
        }
    }
}

impl Summary {
    pub fn new(report: &Report<'_>) -> Self {
        let routes = &report.analysis.routes;
        let verdicts = |v| routes.iter().filter(|r| RouteVerdict::of(r) == v).count();
        let severities = |s| {
            report
                .diagnostics
                .iter()
                .filter(|d| d.severity == s)
                .count()
        };
        Summary {
            gateways: report.analysis.gateways.len(),
            routes: routes.len(),
            accepted: verdicts(RouteVerdict::Accepted),
            rejected: verdicts(RouteVerdict::Rejected),
            errors: severities(Severity::Error),
            warnings: severities(Severity::Warning),
            undetermined: verdicts(RouteVerdict::Undetermined),
            listener_sets: report.analysis.listener_sets.len(),
            infos: severities(Severity::Info),
            ignored: report.world.ignored.values().sum(),
        }
    }
}

/// Where an object starts; absent for cluster objects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceJson {
    pub file: String,
    pub line: usize,
}

impl SourceJson {
    pub fn new(sources: &Sources, origin: Origin) -> Option<Self> {
        let position = object_position(sources, origin)?;
        Some(SourceJson {
            file: file_name(sources, &position),
            line: position.line,
        })
    }
}

/// A Gateway or a ListenerSet.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GatewayJson {
    pub namespace: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gateway_class_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<SourceJson>,
    pub status: GatewayStatusJson,
}

impl GatewayJson {
    fn new(sources: &Sources, gateway: &GatewayReport) -> Self {
        GatewayJson {
            namespace: gateway.namespace.clone(),
            name: gateway.name.clone(),
            gateway_class_name: gateway.gateway_class_name.clone(),
            source: SourceJson::new(sources, gateway.origin),
            status: GatewayStatusJson::new(gateway),
        }
    }
}

/// `GatewayStatus` / `ListenerSetStatus` as a controller writes it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GatewayStatusJson {
    pub conditions: Vec<ConditionJson>,
    pub listeners: Vec<ListenerJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attached_listener_sets: Option<u32>,
}

impl GatewayStatusJson {
    pub fn new(gateway: &GatewayReport) -> Self {
        GatewayStatusJson {
            conditions: ConditionJson::all(&gateway.conditions),
            listeners: gateway.listeners.iter().map(ListenerJson::new).collect(),
            attached_listener_sets: gateway.attached_listener_sets,
        }
    }
}

/// `GatewayClassStatus` as the handling controller writes it (`-o yaml` only).
#[derive(Debug, Serialize)]
pub struct GatewayClassStatusJson {
    pub conditions: Vec<ConditionJson>,
}

impl GatewayClassStatusJson {
    pub fn new(class: &GatewayClassReport) -> Self {
        GatewayClassStatusJson {
            conditions: ConditionJson::all(&class.conditions),
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListenerJson {
    pub name: String,
    pub attached_routes: u32,
    pub supported_kinds: Vec<GroupKindJson>,
    pub conditions: Vec<ConditionJson>,
}

impl ListenerJson {
    fn new(listener: &ListenerStatus) -> Self {
        ListenerJson {
            name: listener.name.clone(),
            attached_routes: listener.attached_routes,
            supported_kinds: listener
                .supported_kinds
                .iter()
                .map(GroupKindJson::new)
                .collect(),
            conditions: ConditionJson::all(&listener.conditions),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct GroupKindJson {
    pub group: String,
    pub kind: String,
}

impl GroupKindJson {
    fn new(group_kind: &GroupKind) -> Self {
        GroupKindJson {
            group: group_kind.group.clone(),
            kind: group_kind.kind.clone(),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct ConditionJson {
    #[serde(rename = "type")]
    pub type_: String,
    pub status: &'static str,
    pub reason: String,
    pub message: String,
}

impl ConditionJson {
    fn all(conditions: &[Condition]) -> Vec<Self> {
        conditions
            .iter()
            .map(|c| ConditionJson {
                type_: c.type_.clone(),
                status: c.status.as_str(),
                reason: c.reason.clone(),
                message: c.message.clone(),
            })
            .collect()
    }
}

#[derive(Debug, Serialize)]
pub struct RouteJson {
    pub kind: &'static str,
    pub namespace: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<SourceJson>,
    pub status: RouteStatusJson,
}

impl RouteJson {
    fn new(sources: &Sources, route: &RouteReport) -> Self {
        RouteJson {
            kind: route.kind.as_str(),
            namespace: route.namespace.clone(),
            name: route.name.clone(),
            source: SourceJson::new(sources, route.origin),
            status: RouteStatusJson::new(route),
        }
    }
}

/// `RouteStatus`: one parent per parentRef.
#[derive(Debug, Serialize)]
pub struct RouteStatusJson {
    pub parents: Vec<RouteParentJson>,
}

impl RouteStatusJson {
    pub fn new(route: &RouteReport) -> Self {
        RouteStatusJson {
            parents: route
                .parents
                .iter()
                .map(|p| RouteParentJson {
                    parent_ref: ParentRefJson::new(&p.parent_ref),
                    controller_name: p.controller_name.clone(),
                    conditions: ConditionJson::all(&p.conditions),
                })
                .collect(),
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RouteParentJson {
    pub parent_ref: ParentRefJson,
    /// Required by the Gateway API; omitted only when the input does not tell it (the
    /// parent's Gateway or its GatewayClass is not in the input), rather than guessed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub controller_name: Option<String>,
    pub conditions: Vec<ConditionJson>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ParentRefJson {
    pub group: String,
    pub kind: String,
    pub namespace: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub section_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<i64>,
}

impl ParentRefJson {
    fn new(parent: &ParentRefStatus) -> Self {
        ParentRefJson {
            group: parent.group.clone(),
            kind: parent.kind.clone(),
            namespace: parent.namespace.clone(),
            name: parent.name.clone(),
            section_name: parent.section_name.clone(),
            port: parent.port,
        }
    }
}

/// A finding. Every key is always present (`null` when unknown), so consumers need not
/// probe; `name` is the rule's kebab-case name.
#[derive(Debug, Serialize)]
pub struct DiagnosticJson {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: &'static str,
    pub message: String,
    pub resource: Option<ResourceJson>,
    pub field: Option<String>,
    pub file: Option<String>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub help: Option<String>,
    pub related: Vec<RelatedJson>,
}

#[derive(Debug, Serialize)]
pub struct ResourceJson {
    pub kind: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub namespace: String,
    pub name: String,
}

/// A secondary location of a finding.
#[derive(Debug, Serialize)]
pub struct RelatedJson {
    pub label: String,
    pub resource: Option<ResourceJson>,
    pub field: Option<String>,
    pub file: Option<String>,
    pub line: Option<usize>,
    pub column: Option<usize>,
}

/// The JSON parts of a location.
struct LocationJson {
    resource: Option<ResourceJson>,
    field: Option<String>,
    file: Option<String>,
    line: Option<usize>,
    column: Option<usize>,
}

impl LocationJson {
    fn new(sources: &Sources, location: Option<&Location>) -> Self {
        let (resource, field) = match location {
            Some(Location::Field { resource, path, .. }) => (
                Some(ResourceJson {
                    kind: resource.kind.clone(),
                    namespace: resource.namespace.clone(),
                    name: resource.name.clone(),
                }),
                (!path.is_root()).then(|| path.to_string()),
            ),
            _ => (None, None),
        };
        let position = location.and_then(|l| resolve(sources, l));
        LocationJson {
            resource,
            field,
            file: position.as_ref().map(|p| file_name(sources, p)),
            line: position.map(|p| p.line),
            column: position.map(|p| p.column),
        }
    }
}

impl DiagnosticJson {
    fn new(sources: &Sources, diagnostic: &Diagnostic) -> Self {
        let location = LocationJson::new(sources, diagnostic.location.as_ref());
        DiagnosticJson {
            code: diagnostic.rule.code,
            name: diagnostic.rule.name,
            severity: diagnostic.severity.as_str(),
            message: diagnostic.message.clone(),
            resource: location.resource,
            field: location.field,
            file: location.file,
            line: location.line,
            column: location.column,
            help: diagnostic.help.clone(),
            related: diagnostic
                .related
                .iter()
                .map(|r| {
                    let location = LocationJson::new(sources, Some(&r.location));
                    RelatedJson {
                        label: r.label.clone(),
                        resource: location.resource,
                        field: location.field,
                        file: location.file,
                        line: location.line,
                        column: location.column,
                    }
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::fixture::Fixture;

    #[test]
    fn summary_counts_routes_and_findings() {
        let fixture = Fixture::new();
        let summary = Summary::new(&fixture.report());
        assert_eq!(
            summary,
            Summary {
                gateways: 1,
                routes: 2,
                accepted: 1,
                rejected: 1,
                errors: 2,
                warnings: 1,
                undetermined: 0,
                listener_sets: 1,
                infos: 0,
                ignored: 3,
            }
        );
    }

    #[test]
    fn route_verdicts() {
        let mut route = crate::output::fixture::analysis().routes.remove(1);
        assert_eq!(RouteVerdict::of(&route), RouteVerdict::Rejected);
        let mut unknown = route.parents[0].clone();
        unknown.conditions[0].status = ConditionStatus::Unknown;
        route.parents.push(unknown);
        assert_eq!(RouteVerdict::of(&route), RouteVerdict::Undetermined);
        route.parents[0].conditions[0].status = ConditionStatus::True;
        assert_eq!(RouteVerdict::of(&route), RouteVerdict::Accepted);
        route.parents.clear();
        assert_eq!(RouteVerdict::of(&route), RouteVerdict::Rejected);
    }

    #[test]
    fn report_follows_the_contract() {
        let fixture = Fixture::new();
        let text = render(&fixture.report());
        let value: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
        assert_eq!(value["apiVersion"], "gwctl/v1");
        assert_eq!(value["kind"], "CheckReport");
        let keys: Vec<&str> = value
            .as_object()
            .map(|o| o.keys().map(String::as_str).collect())
            .unwrap_or_default();
        assert_eq!(
            keys,
            [
                "apiVersion",
                "kind",
                "summary",
                "gateways",
                "listenerSets",
                "routes",
                "diagnostics"
            ]
        );
        let gateway = &value["gateways"][0];
        assert_eq!(gateway["gatewayClassName"], "example");
        assert_eq!(
            gateway["source"],
            serde_json::json!({"file": "gateways.yaml", "line": 1})
        );
        assert_eq!(gateway["status"]["listeners"][0]["attachedRoutes"], 1);
        assert_eq!(gateway["status"]["attachedListenerSets"], 0);
        // Cluster objects have no source.
        assert!(value["listenerSets"][0].get("source").is_none());
        let route = &value["routes"][1];
        assert_eq!(route["source"]["file"], "routes.yaml");
        assert_eq!(route["source"]["line"], 15);
        let parent_ref = &route["status"]["parents"][0]["parentRef"];
        assert_eq!(parent_ref["sectionName"], "web");
        assert!(parent_ref.get("port").is_none());
        assert!(
            value["routes"][0]["status"]["parents"][0]["parentRef"]
                .get("sectionName")
                .is_none()
        );
        let finding = &value["diagnostics"][1];
        assert_eq!(finding["code"], "GW1001");
        assert_eq!(finding["name"], "route-not-allowed-by-listeners");
        assert_eq!(finding["field"], "spec.parentRefs[0]");
        assert_eq!(
            (&finding["file"], &finding["line"], &finding["column"]),
            (&"routes.yaml".into(), &22.into(), &5.into())
        );
        assert_eq!(finding["related"][0]["file"], "gateways.yaml");
        let cluster = &value["diagnostics"][2];
        assert_eq!(cluster["resource"]["kind"], "ListenerSet");
        assert!(cluster["file"].is_null() && cluster["line"].is_null());
        insta::assert_snapshot!(text);
    }
}
