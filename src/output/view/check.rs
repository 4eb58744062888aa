//! The view of `gwctl check`: counts, the predicted status of every GatewayClass,
//! Gateway, ListenerSet and route, and every finding with its position.

use serde::Serialize;

use super::place::{DiagnosticView, Position};
use super::{ConditionView, object_name};
use crate::admission::{Channel, Origin as CrdOrigin, Release};
use crate::diag::{Diagnostic, Origin, Rule, Severity};
use crate::engine::{
    Analysis, ConditionStatus, GatewayClassReport, GatewayReport, ListenerStatus, ParentRefStatus,
    ProfileUse, RouteParentStatus, RouteReport,
};
use crate::input::Sources;
use crate::model::{GroupKind, Meta, World};

/// What `check` renders: the analysis, and the sources its locations point into.
#[derive(Debug, Clone, Copy)]
pub struct Report<'a> {
    pub sources: &'a Sources,
    pub world: &'a World,
    pub analysis: &'a Analysis,
    /// Every finding, already sorted.
    pub diagnostics: &'a [Diagnostic],
    /// Every rule, by code (SARIF describes them all).
    pub rules: &'a [&'static Rule],
    /// Only the objects of this namespace are shown and counted (`--cluster -n`: the
    /// findings are already limited to it).
    pub namespace: Option<&'a str>,
    /// The least severe finding that fails the run (`--fail-on`); `None`: none does.
    pub fail_at: Option<Severity>,
    /// The CRDs the objects were admitted against.
    pub release: &'a Release,
}

impl Report<'_> {
    /// Whether an object of namespace `namespace` is shown.
    fn shows(&self, namespace: &str) -> bool {
        self.namespace.is_none_or(|ns| ns == namespace)
    }

    /// Whether a finding of this severity fails the run.
    pub fn fails(&self, severity: Severity) -> bool {
        self.fail_at.is_some_and(|at| severity >= at)
    }
}

/// The view every `check` format renders.
#[derive(Debug)]
pub struct CheckView<'a> {
    /// The text the positions point into (snippets, `-o yaml`).
    pub sources: &'a Sources,
    pub rules: &'a [&'static Rule],
    /// The least severe finding that fails the run (`--fail-on`); `None`: none does.
    pub fail_at: Option<Severity>,
    pub summary: Summary,
    pub gateway_api: GatewayApiView,
    pub gateway_classes: Vec<GatewayClassView<'a>>,
    pub gateways: Vec<GatewayView<'a>>,
    pub listener_sets: Vec<GatewayView<'a>>,
    pub routes: Vec<RouteView<'a>>,
    pub diagnostics: Vec<DiagnosticView<'a>>,
}

impl<'a> CheckView<'a> {
    pub fn new(report: &Report<'a>) -> Self {
        let Report {
            sources,
            world,
            analysis,
            diagnostics,
            rules,
            fail_at,
            ..
        } = *report;
        CheckView {
            sources,
            rules,
            fail_at,
            summary: Summary::new(report),
            gateway_api: GatewayApiView::new(report.release),
            gateway_classes: (analysis.gateway_classes.iter().enumerate())
                .map(|(i, class)| {
                    GatewayClassView::new(class, world.gateway_classes.get(i).map(|c| &c.meta))
                })
                .collect(),
            gateways: (analysis.gateways.iter().enumerate())
                .filter(|(_, g)| report.shows(&g.namespace))
                .map(|(i, gateway)| {
                    let meta = world.gateways.get(i).map(|g| &g.meta);
                    GatewayView::new(sources, "Gateway", gateway, meta)
                })
                .collect(),
            listener_sets: (analysis.listener_sets.iter().enumerate())
                .filter(|(_, s)| report.shows(&s.namespace))
                .map(|(i, set)| {
                    let meta = world.listener_sets.get(i).map(|s| &s.meta);
                    GatewayView::new(sources, "ListenerSet", set, meta)
                })
                .collect(),
            // Tens of thousands of routes are viewed on every core.
            routes: crate::parallel::map_groups(
                &analysis.routes,
                |_| 1,
                crate::parallel::MIN_PARALLEL_ROUTE_RULES,
                |offset, group| {
                    // By index: the views borrow from `analysis`, not from the group.
                    (offset..offset + group.len())
                        .filter_map(|i| Some((i, analysis.routes.get(i)?)))
                        .filter(|(_, r)| report.shows(&r.namespace))
                        .map(|(i, route)| {
                            let meta = world.routes.get(i).map(|r| &r.meta);
                            RouteView::new(sources, analysis, i, route, meta)
                        })
                        .collect::<Vec<_>>()
                },
            )
            .into_iter()
            .flatten()
            .collect(),
            diagnostics: diagnostics
                .iter()
                .map(|d| DiagnosticView::new(sources, d))
                .collect(),
        }
    }
}

/// The `gwctl/v1` CheckReport: the view's serde form in its envelope (`-o json`, and
/// `-o yaml` in YAML).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckReport<'v, 'a> {
    api_version: &'static str,
    kind: &'static str,
    summary: &'v Summary,
    gateway_api: &'v GatewayApiView,
    gateways: &'v [GatewayView<'a>],
    listener_sets: &'v [GatewayView<'a>],
    routes: &'v [RouteView<'a>],
    diagnostics: &'v [DiagnosticView<'a>],
}

impl<'v, 'a> CheckReport<'v, 'a> {
    pub fn new(view: &'v CheckView<'a>) -> Self {
        CheckReport {
            api_version: "gwctl/v1",
            kind: "CheckReport",
            summary: &view.summary,
            gateway_api: &view.gateway_api,
            gateways: &view.gateways,
            listener_sets: &view.listener_sets,
            routes: &view.routes,
            diagnostics: &view.diagnostics,
        }
    }
}

/// The CRDs the objects were admitted against: an embedded release, `--crds` files or the
/// cluster's own; `channelAssumed` when no channel was given and gwctl assumed one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GatewayApiView {
    pub version: Option<String>,
    pub channel: Option<&'static str>,
    /// `embedded`, `files` or `cluster`.
    pub source: &'static str,
    /// The files' paths or the cluster's server.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    pub channel_assumed: bool,
    /// `Gateway API v1.6.1 (standard)`, as the findings name it.
    #[serde(skip)]
    pub described: String,
}

impl GatewayApiView {
    pub fn new(release: &Release) -> Self {
        let bundle = release.bundle();
        let (source, location) = match &bundle.origin {
            CrdOrigin::Embedded => ("embedded", None),
            CrdOrigin::Files(paths) => ("files", Some(paths.clone())),
            CrdOrigin::Cluster(server) => ("cluster", Some(server.clone())),
        };
        GatewayApiView {
            version: bundle.version.clone(),
            channel: bundle.channel.map(Channel::as_str),
            source,
            location,
            channel_assumed: release.is_channel_assumed(),
            described: release.to_string(),
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

impl Summary {
    pub fn new(report: &Report<'_>) -> Self {
        let analysis = report.analysis;
        let routes: Vec<&RouteReport> = (analysis.routes.iter())
            .filter(|r| report.shows(&r.namespace))
            .collect();
        let shown =
            |owners: &[GatewayReport]| owners.iter().filter(|g| report.shows(&g.namespace)).count();
        let verdicts = |v| routes.iter().filter(|r| RouteVerdict::of(r) == v).count();
        let severities = |s| {
            report
                .diagnostics
                .iter()
                .filter(|d| d.severity == s)
                .count()
        };
        Summary {
            gateways: shown(&analysis.gateways),
            routes: routes.len(),
            accepted: verdicts(RouteVerdict::Accepted),
            rejected: verdicts(RouteVerdict::Rejected),
            errors: severities(Severity::Error),
            warnings: severities(Severity::Warning),
            undetermined: verdicts(RouteVerdict::Undetermined),
            listener_sets: shown(&analysis.listener_sets),
            infos: severities(Severity::Info),
            ignored: report.world.ignored.values().sum(),
        }
    }
}

/// A route's overall verdict across its parents, for the summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouteVerdict {
    Accepted,
    Rejected,
    Undetermined,
}

impl RouteVerdict {
    /// The engine's verdict ([`RouteReport::accepted`]) in the summary's words.
    pub fn of(route: &RouteReport) -> Self {
        match route.accepted() {
            ConditionStatus::True => RouteVerdict::Accepted,
            ConditionStatus::Unknown => RouteVerdict::Undetermined,
            ConditionStatus::False => RouteVerdict::Rejected,
        }
    }
}

/// Where an object starts; absent for cluster objects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceView<'a> {
    pub file: &'a str,
    pub line: usize,
}

impl<'a> SourceView<'a> {
    fn new(sources: &'a Sources, origin: Origin) -> Option<Self> {
        let position = Position::of_object(sources, origin)?;
        Some(SourceView {
            file: position.file_name(),
            line: position.line,
        })
    }
}

/// A GatewayClass (`-o yaml` only): its status, when the simulated controller handles it.
#[derive(Debug)]
pub struct GatewayClassView<'a> {
    pub origin: Origin,
    pub meta: Option<&'a Meta>,
    pub status: Option<GatewayClassStatusView<'a>>,
}

/// `GatewayClassStatus` as the handling controller writes it.
#[derive(Debug, Serialize)]
pub struct GatewayClassStatusView<'a> {
    pub conditions: Vec<ConditionView<'a>>,
}

impl<'a> GatewayClassView<'a> {
    fn new(class: &'a GatewayClassReport, meta: Option<&'a Meta>) -> Self {
        GatewayClassView {
            origin: class.origin,
            meta,
            status: (!class.conditions.is_empty()).then(|| GatewayClassStatusView {
                conditions: ConditionView::all(&class.conditions),
            }),
        }
    }
}

/// A Gateway or a ListenerSet.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GatewayView<'a> {
    /// `Gateway` or `ListenerSet`.
    #[serde(skip)]
    pub kind: &'static str,
    pub namespace: &'a str,
    pub name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gateway_class_name: Option<&'a str>,
    /// The implementation profile that judged the Gateway (`cilium`, `spec`...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<SourceView<'a>>,
    pub status: GatewayStatusView<'a>,
    /// The profile with its title, and whether the class was assumed.
    #[serde(skip)]
    pub profile_use: Option<&'a ProfileUse>,
    #[serde(skip)]
    pub origin: Origin,
    #[serde(skip)]
    pub meta: Option<&'a Meta>,
}

impl<'a> GatewayView<'a> {
    fn new(
        sources: &'a Sources,
        kind: &'static str,
        gateway: &'a GatewayReport,
        meta: Option<&'a Meta>,
    ) -> Self {
        GatewayView {
            kind,
            namespace: &gateway.namespace,
            name: &gateway.name,
            gateway_class_name: gateway.gateway_class_name.as_deref(),
            profile: gateway.profile.as_ref().map(|p| p.name.as_str()),
            profile_use: gateway.profile.as_ref(),
            source: SourceView::new(sources, gateway.origin),
            status: GatewayStatusView {
                conditions: ConditionView::all(&gateway.conditions),
                listeners: gateway.listeners.iter().map(ListenerView::new).collect(),
                attached_listener_sets: gateway.attached_listener_sets,
            },
            origin: gateway.origin,
            meta,
        }
    }

    /// `Gateway ns/name`.
    pub fn display_name(&self) -> String {
        object_name(self.kind, self.namespace, self.name)
    }
}

/// `GatewayStatus` / `ListenerSetStatus` as a controller writes it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GatewayStatusView<'a> {
    pub conditions: Vec<ConditionView<'a>>,
    pub listeners: Vec<ListenerView<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attached_listener_sets: Option<u32>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListenerView<'a> {
    pub name: &'a str,
    pub attached_routes: u32,
    pub supported_kinds: Vec<GroupKindView<'a>>,
    pub conditions: Vec<ConditionView<'a>>,
}

impl<'a> ListenerView<'a> {
    fn new(listener: &'a ListenerStatus) -> Self {
        ListenerView {
            name: &listener.name,
            attached_routes: listener.attached_routes,
            supported_kinds: listener
                .supported_kinds
                .iter()
                .map(GroupKindView::new)
                .collect(),
            conditions: ConditionView::all(&listener.conditions),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct GroupKindView<'a> {
    pub group: &'a str,
    pub kind: &'a str,
}

impl<'a> GroupKindView<'a> {
    fn new(group_kind: &'a GroupKind) -> Self {
        GroupKindView {
            group: &group_kind.group,
            kind: &group_kind.kind,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct RouteView<'a> {
    pub kind: &'static str,
    pub namespace: &'a str,
    pub name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<SourceView<'a>>,
    pub status: RouteStatusView<'a>,
    #[serde(skip)]
    pub origin: Origin,
    #[serde(skip)]
    pub meta: Option<&'a Meta>,
}

impl<'a> RouteView<'a> {
    fn new(
        sources: &'a Sources,
        analysis: &'a Analysis,
        index: usize,
        route: &'a RouteReport,
        meta: Option<&'a Meta>,
    ) -> Self {
        let parents = (route.parents.iter().enumerate())
            .map(|(p, parent)| RouteParentView::new(parent, analysis.attached_listeners(index, p)))
            .collect();
        RouteView {
            kind: route.kind.as_str(),
            namespace: &route.namespace,
            name: &route.name,
            source: SourceView::new(sources, route.origin),
            status: RouteStatusView { parents },
            origin: route.origin,
            meta,
        }
    }

    /// `HTTPRoute ns/name`.
    pub fn display_name(&self) -> String {
        object_name(self.kind, self.namespace, self.name)
    }
}

/// `RouteStatus`: one parent per parentRef.
#[derive(Debug, Serialize)]
pub struct RouteStatusView<'a> {
    pub parents: Vec<RouteParentView<'a>>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RouteParentView<'a> {
    pub parent_ref: ParentRefView<'a>,
    /// Required by the Gateway API; omitted only when the input does not tell it (the
    /// parent's Gateway or its GatewayClass is not in the input), rather than guessed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub controller_name: Option<&'a str>,
    pub conditions: Vec<ConditionView<'a>>,
    /// The names of the listeners the parentRef attached to.
    #[serde(skip)]
    pub listeners: Vec<&'a str>,
}

impl<'a> RouteParentView<'a> {
    fn new(parent: &'a RouteParentStatus, listeners: Vec<&'a str>) -> Self {
        RouteParentView {
            parent_ref: ParentRefView::new(&parent.parent_ref),
            controller_name: parent.controller_name.as_deref(),
            conditions: ConditionView::all(&parent.conditions),
            listeners,
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ParentRefView<'a> {
    pub group: &'a str,
    pub kind: &'a str,
    pub namespace: &'a str,
    pub name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub section_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<i64>,
}

impl<'a> ParentRefView<'a> {
    pub fn new(parent: &'a ParentRefStatus) -> Self {
        ParentRefView {
            group: &parent.group,
            kind: &parent.kind,
            namespace: &parent.namespace,
            name: &parent.name,
            section_name: parent.section_name.as_deref(),
            port: parent.port,
        }
    }
}

/// `Gateway ns/name`, with `#section` and `:port` when the parentRef names them.
impl std::fmt::Display for ParentRefView<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&object_name(self.kind, self.namespace, self.name))?;
        if let Some(section) = self.section_name {
            write!(f, "#{section}")?;
        }
        if let Some(port) = self.port {
            write!(f, ":{port}")?;
        }
        Ok(())
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
    fn parent_names_show_section_and_port() {
        let mut parent = crate::output::fixture::analysis().routes[1].parents[0]
            .parent_ref
            .clone();
        parent.port = Some(443);
        assert_eq!(
            ParentRefView::new(&parent).to_string(),
            "Gateway infra/gw#web:443"
        );
    }

    #[test]
    fn parents_name_the_listeners_they_attached_to() {
        let fixture = Fixture::new();
        let view = CheckView::new(&fixture.report());
        assert_eq!(view.routes[0].status.parents[0].listeners, ["web"]);
        assert!(view.routes[1].status.parents[0].listeners.is_empty());
    }
}
