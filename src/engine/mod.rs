//! The engine: what a conformant controller would write into `.status`, and every finding
//! on the way (attachment, references, listener validation), plus request routing.
//!
//! Entry point: [`analyze`]. It never prints; it returns an [`Analysis`].
//!
//! The phases, in the order `analyze` runs them: GatewayClasses (`classes`), listeners
//! (`listeners`: validation, ListenerSet admission, conflicts), each route (`routes`:
//! its parentRefs through `attachment`, its backendRefs through `references`), then the
//! Gateways' and ListenerSets' status (`status`). Their shared words (conditions,
//! verdicts, decisions, listener ids) live in `conditions`, the predicted status in
//! `report`. [`routing`] walks requests over the result; [`compare`] sets it against the
//! status a controller wrote.

use std::collections::BTreeSet;

use crate::diag::Diagnostic;
use crate::model::{GroupKind, World};

mod attachment;
mod classes;
pub mod compare;
mod conditions;
mod features;
mod hostname;
mod index;
mod listeners;
mod references;
mod report;
mod route_values;
mod routes;
pub mod routing;
mod selector;
mod status;
#[cfg(test)]
pub(crate) mod testing;

pub use routing::{RegexDialect, RegexSyntax};

pub use conditions::{
    BackendVerdict, Condition, ConditionStatus, ListenerId, ListenerOwner, Unknown, reasons, types,
};
pub use report::{
    Attachment, GatewayClassReport, GatewayReport, ListenerStatus, ParentRefStatus,
    PendingAttachment, ProfileUse, Refusal, RouteParentStatus, RouteReport,
};

/// What the analysis may assume about objects the input does not contain.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The input is the whole cluster: an absent object does not exist. Otherwise an absent
    /// object is unknown and the conditions that depend on it are `Unknown`.
    pub complete: bool,
    /// The controller that runs in the cluster (`--controller`): only its GatewayClasses
    /// are handled (Gateways of others stay unreconciled), by its profile, and a class the
    /// input names but does not contain is assumed to be its own. `None`: every class is
    /// handled, by the profile its `controllerName` selects.
    pub controller: Option<crate::profile::Controller>,
    /// The world is a cluster's listing of the kinds gwctl reads, and these are the API
    /// groups the cluster serves: a GatewayClass absent from it does not exist (none is
    /// assumed), and objects of other kinds are unknown unless their group is not served.
    pub cluster_groups: Option<BTreeSet<String>>,
    /// Kinds whose objects stay unknown even when `complete`: a cluster that refused to
    /// list them (403) is complete except for them.
    pub unknown_kinds: BTreeSet<GroupKind>,
}

/// How a Gateway's data plane compiles `RegularExpression` matches: the `regex` knob of the
/// profile that judges the Gateway.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct JudgedDialect {
    pub dialect: RegexDialect,
    /// The profile's title (`Envoy Gateway`).
    pub profile: &'static str,
    /// The controller compiles the patterns itself and rejects a route whose pattern it
    /// refuses (GW1008): its data plane is never given one.
    pub validates: bool,
    /// No implementation profile judges the Gateway: the spec's reading (RE2, no size
    /// limit) stands in for a dialect the spec leaves to the implementation, so what
    /// depends on it is not certain.
    pub assumed: bool,
}

impl JudgedDialect {
    fn of(profile: &'static crate::profile::Profile) -> Self {
        JudgedDialect {
            dialect: route_values::regex_dialect(profile),
            profile: &profile.title,
            validates: profile.knobs.regex.value.validates,
            assumed: profile.name == crate::profile::registry::SPEC,
        }
    }
}

/// The mesh controller `--controller` names (GAMMA), for routing east-west requests.
#[derive(Debug, Clone, Copy)]
pub struct MeshController {
    /// `Linkerd`.
    pub title: &'static str,
    /// How its data plane compiles regular expressions.
    pub dialect: JudgedDialect,
    /// The input is the whole cluster: a Service it lacks does not exist.
    pub complete: bool,
}

/// Everything the analysis found.
#[derive(Debug, Clone, Default)]
pub struct Analysis {
    /// In `World::gateway_classes` order.
    pub gateway_classes: Vec<GatewayClassReport>,
    /// In `World::gateways` order.
    pub gateways: Vec<GatewayReport>,
    /// In `World::listener_sets` order.
    pub listener_sets: Vec<GatewayReport>,
    /// In `World::routes` order.
    pub routes: Vec<RouteReport>,
    /// Sorted by route, then parentRef (the order routes are judged in).
    pub attachments: Vec<Attachment>,
    /// Sorted by route, then parentRef.
    pub refusals: Vec<Refusal>,
    /// Attachments that objects the input lacks decide; sorted by route, then parentRef.
    pub pending: Vec<PendingAttachment>,
    /// Listeners whose use for traffic depends on objects the input lacks (their Gateway's
    /// class, a Secret), with those objects; sorted by listener.
    pub undecided_listeners: Vec<(ListenerId, Vec<Unknown>)>,
    /// `backends[route][rule][backend_ref]`.
    pub backends: Vec<Vec<Vec<BackendVerdict>>>,
    /// Listeners that are usable for traffic (Accepted, not conflicted).
    pub usable_listeners: Vec<ListenerId>,
    /// ListenerSets (their index) whose Gateway's controller does not handle their kind
    /// (`parentKinds`), with why: no listener is programmed for them. Sorted.
    pub unhandled_listener_sets: Vec<(usize, String)>,
    /// In `World::gateways` order: how each Gateway's data plane compiles regular
    /// expressions (the router evaluates a Gateway's routes in it).
    pub gateway_dialects: Vec<JudgedDialect>,
    /// In `World::routes` order: the dialects a route's regular expressions are judged in,
    /// those of the Gateways its parentRefs name (the spec's reading when none is known).
    pub route_dialects: Vec<Vec<JudgedDialect>>,
    /// The mesh controller named, when `--controller` names one.
    pub mesh: Option<MeshController>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Analysis {
    /// Names of the listeners parentRef `parent_ref` of route `route` attached to.
    pub fn attached_listeners(&self, route: usize, parent_ref: usize) -> Vec<&str> {
        // Attachments are sorted by (route, parentRef): a binary search, not a scan per row.
        let key = (route, parent_ref);
        let start = self
            .attachments
            .partition_point(|a| (a.route, a.parent_ref) < key);
        self.attachments
            .get(start..)
            .unwrap_or_default()
            .iter()
            .take_while(|a| (a.route, a.parent_ref) == key)
            .filter_map(|a| {
                let owner = match a.listener.owner {
                    ListenerOwner::Gateway(i) => self.gateways.get(i),
                    ListenerOwner::ListenerSet(i) => self.listener_sets.get(i),
                }?;
                owner
                    .listeners
                    .get(a.listener.index)
                    .map(|l| l.name.as_str())
            })
            .collect()
    }
}

/// Every rule of the engine, for the registry (`crate::rules`).
pub static RULES: &[&crate::diag::Rule] = &[
    &attachment::ROUTE_NOT_ALLOWED_BY_LISTENERS,
    &attachment::ROUTE_NO_MATCHING_HOSTNAME,
    &attachment::ROUTE_PARENT_NOT_FOUND,
    &attachment::ROUTE_NO_MATCHING_LISTENER,
    &attachment::ROUTE_UNSUPPORTED_PARENT_KIND,
    &attachment::ROUTE_PARENT_NOT_RECONCILED,
    &attachment::ROUTE_WITHOUT_PARENTS,
    &attachment::MESH_PARENT_PORT_NOT_FOUND,
    &route_values::ROUTE_UNSUPPORTED_VALUE,
    &selector::UNKNOWN_NAMESPACE,
    &index::UNKNOWN_PARENT,
    &references::BACKEND_INVALID_KIND,
    &references::BACKEND_REF_NOT_PERMITTED,
    &references::BACKEND_NOT_FOUND,
    &references::BACKEND_PORT_NOT_FOUND,
    &references::BACKEND_UNSUPPORTED_PROTOCOL,
    &references::CERTIFICATE_REF_INVALID,
    &references::SECRET_REF_NOT_PERMITTED,
    &references::CA_CERTIFICATE_REF_INVALID,
    &references::CLIENT_CERTIFICATE_REF_INVALID,
    &references::UNKNOWN_REFERENCE_GRANT,
    &references::UNKNOWN_BACKEND,
    &references::UNKNOWN_SECRET,
    &classes::GATEWAY_CLASS_NOT_FOUND,
    &classes::GATEWAY_CLASS_NOT_HANDLED,
    &classes::GATEWAY_INVALID_PARAMETERS,
    &classes::UNKNOWN_GATEWAY_CLASS,
    &classes::UNKNOWN_PARAMETERS,
    &listeners::LISTENER_UNSUPPORTED_PROTOCOL,
    &listeners::LISTENER_CONFLICT,
    &listeners::LISTENER_OVERLAPPING_TLS,
    &listeners::LISTENER_INVALID_ROUTE_KINDS,
    &listeners::LISTENER_UNSUPPORTED_VALUE,
    &listeners::LISTENER_INVALID_SELECTOR,
    &status::GATEWAY_UNSUPPORTED_ADDRESS,
    &index::IMPLEMENTATION_SPECIFIC_VALUE,
    &listeners::LISTENERSET_NOT_ALLOWED,
    &listeners::LISTENERSET_PARENT_NOT_FOUND,
    &listeners::LISTENERSET_NOT_HANDLED,
    &features::FEATURE_NOT_SUPPORTED,
    &features::FEATURE_NOT_CLAIMED,
    &compare::ROUTE_STATUS_DIFFERS,
    &compare::LISTENER_STATUS_DIFFERS,
    &compare::GATEWAY_STATUS_DIFFERS,
    &compare::STATUS_STALE,
];

/// Predicts every Gateway's, ListenerSet's and route's status.
///
/// Choices (see also the rules' explanations):
/// * A condition that depends on an object the input does not contain (without
///   `options.complete`) is `Unknown` with reason `Pending`, and a GW4xxx warning names
///   the object. A Gateway whose class is missing, unknown or not handled stays
///   unreconciled: `Accepted`/`Programmed` `Unknown/Pending`, and the routes' entries for it
///   `Accepted=Unknown/Pending`.
/// * Conditions are written in the order Accepted, (Conflicted,) ResolvedRefs, Programmed
///   for listeners; Accepted, Programmed(, ResolvedRefs) for Gateways and ListenerSets;
///   Accepted, ResolvedRefs for route parents.
pub fn analyze(world: &World, options: &Options) -> Analysis {
    let index = index::Index::new(world, options.complete)
        .with_unknown_kinds(&options.unknown_kinds)
        .with_served_groups(options.cluster_groups.as_ref());
    let mut diagnostics = Vec::new();
    let reconciled: Vec<classes::Reconciled> = world
        .gateways
        .iter()
        .map(|gw| classes::gateway_reconciled(&index, options, gw, &mut diagnostics))
        .collect();
    let listener_states = listeners::analyze(world, &index, &reconciled, &mut diagnostics);
    let mesh_profile = (options.controller.as_ref())
        .map(|c| c.profile)
        .filter(|profile| profile.knobs.mesh_parents.value.is_some());
    let ctx = attachment::Ctx {
        world,
        index: &index,
        reconciled: &reconciled,
        listeners: &listener_states,
        mesh: mesh_profile,
        controller: options.controller.as_ref().map(|c| c.profile),
    };
    let unhandled_listener_sets = (listener_states.set_parents.iter().enumerate())
        .filter_map(|(s, parent)| match parent {
            listeners::SetParent::NotHandled { why } => Some((s, why.clone())),
            _ => None,
        })
        .collect();
    let judged = routes::judge_all(&ctx, &index, &world.routes);
    diagnostics.extend(judged.diagnostics);
    let route_gateways: Vec<Vec<Option<usize>>> = world
        .routes
        .iter()
        .map(|r| {
            r.parent_refs
                .iter()
                .map(|p| attachment::parent_gateway(&ctx, p))
                .collect()
        })
        .collect();
    features::check(
        world,
        &index,
        &reconciled,
        &route_gateways,
        &judged.routes,
        &mut diagnostics,
    );
    let reports = status::assemble(
        world,
        &index,
        &reconciled,
        &listener_states,
        (&judged.attachments, &judged.refusals),
        &mut diagnostics,
    );
    let gateway_dialects: Vec<JudgedDialect> = (0..world.gateways.len())
        .map(|g| JudgedDialect::of(classes::gateway_profile(&reconciled, g)))
        .collect();
    let route_dialects = route_gateways
        .iter()
        .map(|parents| route_dialects(parents, &gateway_dialects))
        .collect();
    let gateway_classes = world
        .gateway_classes
        .iter()
        .map(|class| {
            classes::class_report(&index, options.controller.as_ref(), class, &mut diagnostics)
        })
        .collect();
    Analysis {
        gateway_classes,
        gateways: reports.gateways,
        listener_sets: reports.listener_sets,
        routes: judged.routes,
        attachments: judged.attachments,
        refusals: judged.refusals,
        pending: judged.pending,
        undecided_listeners: reports.undecided_listeners,
        backends: judged.backends,
        usable_listeners: reports.usable_listeners,
        unhandled_listener_sets,
        gateway_dialects,
        route_dialects,
        mesh: mesh_profile.map(|profile| MeshController {
            title: &profile.title,
            dialect: JudgedDialect::of(profile),
            complete: options.complete,
        }),
        diagnostics,
    }
}

/// The distinct dialects of the Gateways `parents` name, those a profile says when there
/// are any (an assumed one would repeat their findings uncertainly); the spec's reading
/// when none names a Gateway.
fn route_dialects(parents: &[Option<usize>], gateways: &[JudgedDialect]) -> Vec<JudgedDialect> {
    let mut out: Vec<JudgedDialect> = Vec::new();
    for judged in parents.iter().flatten().filter_map(|&g| gateways.get(g)) {
        if !out.contains(judged) {
            out.push(*judged);
        }
    }
    if out.iter().any(|j| !j.assumed) {
        out.retain(|j| !j.assumed);
    }
    if out.is_empty() {
        out.push(JudgedDialect::of(crate::profile::registry().spec()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::testing::*;
    use super::*;
    use crate::diag::{Location, Severity};
    use crate::model::{FromNamespaces, Known, LabelSelector, Protocol, RouteNamespaces};

    /// The issue's ACME scenario: a shared Gateway admitting only labelled namespaces.
    fn acme(hr_labels: &[(&str, &str)], with_namespace: bool) -> World {
        let mut w = world();
        let mut l = listener(0, "shared-http", 80, Protocol::Http, None);
        l.allowed_routes.namespaces = RouteNamespaces {
            from: Known::Known(FromNamespaces::Selector),
            selector: Some(LabelSelector {
                match_labels: [("shared-gateway-access".to_string(), "true".to_string())].into(),
                match_expressions: Vec::new(),
            }),
        };
        w.gateways
            .push(gateway("infra-ns", "shared-gateway", vec![l]));
        let mut p = parent("shared-gateway");
        p.namespace = "infra-ns".into();
        p.namespace_set = true;
        w.routes.push(http_route(
            "hr",
            "cross-namespace",
            &[p],
            &[backend(None, "hr-svc", 80)],
        ));
        w.services.push(service("hr", "hr-svc", &[80]));
        if with_namespace {
            w.namespaces.push(namespace("hr", hr_labels));
        }
        w
    }

    #[test]
    fn acme_route_is_refused_with_a_located_actionable_diagnostic() {
        let a = analyze(
            &acme(&[], true),
            &Options {
                complete: true,
                ..Options::default()
            },
        );
        let accepted = &a.routes[0].parents[0].conditions[0];
        assert_eq!(
            (accepted.status, accepted.reason.as_str()),
            (ConditionStatus::False, "NotAllowedByListeners")
        );
        let d = a
            .diagnostics
            .iter()
            .find(|d| d.rule.code == "GW1001")
            .expect("GW1001");
        assert_eq!(d.severity, Severity::Error);
        assert!(
            d.message.contains(
                "cannot attach to Gateway infra-ns/shared-gateway: listener `shared-http` only"
            ),
            "{}",
            d.message
        );
        assert!(
            d.message.contains("`shared-gateway-access=true`")
                && d.message.contains("namespace `hr`"),
            "{}",
            d.message
        );
        let help = d.help.as_deref().unwrap_or_default();
        assert!(
            help.contains("kubectl label namespace hr shared-gateway-access=true"),
            "{help}"
        );
        assert!(help.contains("allowedRoutes"), "{help}");
        match &d.location {
            Some(Location::Field { path, .. }) => {
                assert_eq!(path.to_string(), "spec.parentRefs[0]")
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(a.gateways[0].listeners[0].attached_routes, 0);
        assert_eq!(a.refusals.len(), 1);
    }

    #[test]
    fn acme_route_attaches_once_labelled() {
        let a = analyze(
            &acme(&[("shared-gateway-access", "true")], true),
            &Options::default(),
        );
        assert_eq!(
            a.routes[0].parents[0].conditions[0].status,
            ConditionStatus::True
        );
        assert_eq!(a.gateways[0].listeners[0].attached_routes, 1);
        assert_eq!(a.attachments.len(), 1);
        assert_eq!(a.backends, vec![vec![vec![BackendVerdict::Valid]]]);
        assert!(a.diagnostics.is_empty(), "{:?}", a.diagnostics);
    }

    #[test]
    fn open_world_makes_missing_objects_unknown() {
        let mut w = acme(&[], false);
        w.services.clear();
        let a = analyze(&w, &Options::default());
        let conds = &a.routes[0].parents[0].conditions;
        assert_eq!(
            (conds[0].status, conds[0].reason.as_str()),
            (ConditionStatus::Unknown, "Pending")
        );
        assert_eq!(conds[1].status, ConditionStatus::Unknown);
        let codes: Vec<&str> = a.diagnostics.iter().map(|d| d.rule.code).collect();
        assert!(
            codes.contains(&"GW4002") && codes.contains(&"GW4004"),
            "{codes:?}"
        );
        assert!(
            a.diagnostics
                .iter()
                .all(|d| d.severity == Severity::Warning)
        );
        // With --complete the same input is definite.
        let a = analyze(
            &w,
            &Options {
                complete: true,
                ..Options::default()
            },
        );
        let conds = &a.routes[0].parents[0].conditions;
        assert_eq!(conds[0].reason, "NotAllowedByListeners");
        assert_eq!(conds[1].reason, "BackendNotFound");
    }

    #[test]
    fn a_route_is_accepted_when_one_parent_accepts_it() {
        let complete = Options {
            complete: true,
            ..Options::default()
        };
        let accepted = |w: &World, options: &Options| analyze(w, options).routes[0].accepted();
        let labelled = acme(&[("shared-gateway-access", "true")], true);
        assert_eq!(accepted(&labelled, &complete), ConditionStatus::True);
        assert_eq!(
            accepted(&acme(&[], true), &complete),
            ConditionStatus::False
        );
        let unknown = acme(&[], false);
        assert_eq!(
            accepted(&unknown, &Options::default()),
            ConditionStatus::Unknown
        );
        let mut orphan = labelled.clone();
        orphan.routes[0].parent_refs.clear();
        assert_eq!(accepted(&orphan, &complete), ConditionStatus::False);
    }

    #[test]
    fn unhandled_classes_leave_gateways_unreconciled() {
        let w = acme(&[("shared-gateway-access", "true")], true);
        let options = Options {
            complete: true,
            controller: crate::profile::registry().resolve("other.io/ctrl").ok(),
            ..Options::default()
        };
        let a = analyze(&w, &options);
        assert_eq!(a.gateways[0].conditions[0].status, ConditionStatus::Unknown);
        assert_eq!(a.routes[0].parents[0].conditions[0].reason, "Pending");
        assert!(a.usable_listeners.is_empty());
    }

    #[test]
    fn route_counted_once_per_listener() {
        let mut w = world();
        w.gateways.push(gateway(
            "ns",
            "gw",
            vec![
                listener(0, "a", 80, Protocol::Http, None),
                listener(1, "b", 8080, Protocol::Http, None),
            ],
        ));
        let mut by_section = parent("gw");
        by_section.section_name = Some("a".into());
        w.routes
            .push(http_route("ns", "r", &[parent("gw"), by_section], &[]));
        let a = analyze(
            &w,
            &Options {
                complete: true,
                ..Options::default()
            },
        );
        let counts: Vec<u32> = a.gateways[0]
            .listeners
            .iter()
            .map(|l| l.attached_routes)
            .collect();
        assert_eq!(counts, [1, 1]);
        assert_eq!(a.attachments.len(), 3);
    }

    #[test]
    fn route_parents_carry_the_controller_of_their_gateways_class() {
        let mut w = world();
        let http = |name| vec![listener(0, name, 80, Protocol::Http, None)];
        w.gateways.push(gateway("ns", "gw", http("a")));
        let mut classless = gateway("ns", "classless", http("a"));
        classless.gateway_class_name = Some("missing".into());
        w.gateways.push(classless);
        w.listener_sets
            .push(listener_set("ns", "set", "gw", http("s")));
        w.listener_sets
            .push(listener_set("ns", "stray", "absent", http("s")));
        let set = |name: &str| crate::model::ParentRef {
            kind: "ListenerSet".into(),
            ..parent(name)
        };
        let service = crate::model::ParentRef {
            group: String::new(),
            kind: "Service".into(),
            ..parent("gw")
        };
        let parents = [
            parent("gw"),
            set("set"),
            parent("classless"),
            parent("absent"),
            set("stray"),
            service,
        ];
        w.routes.push(http_route("ns", "r", &parents, &[]));
        let a = analyze(&w, &Options::default());
        let controllers: Vec<Option<&str>> = a.routes[0]
            .parents
            .iter()
            .map(|p| p.controller_name.as_deref())
            .collect();
        let ours = Some("example.com/controller");
        assert_eq!(controllers, [ours, ours, None, None, None, None]);
    }

    #[test]
    fn only_handled_gateway_classes_are_accepted() {
        let mut w = world();
        w.gateway_classes.push(crate::model::GatewayClass {
            meta: meta("GatewayClass", "", "other"),
            controller_name: Some("other.io/ctrl".into()),
            parameters_ref: None,
            supported_features: None,
        });
        let verdicts = |options: &Options| -> Vec<(String, Vec<(ConditionStatus, String)>)> {
            analyze(&w, options)
                .gateway_classes
                .into_iter()
                .map(|c| {
                    let conditions = c.conditions.into_iter().map(|c| (c.status, c.reason));
                    (c.name, conditions.collect())
                })
                .collect()
        };
        let accepted = || vec![(ConditionStatus::True, "Accepted".to_string())];
        assert_eq!(
            verdicts(&Options::default()),
            [
                ("gc".to_string(), accepted()),
                ("other".to_string(), accepted())
            ]
        );
        let options = Options {
            controller: crate::profile::registry().resolve("other.io/ctrl").ok(),
            ..Options::default()
        };
        assert_eq!(
            verdicts(&options),
            [
                ("gc".to_string(), Vec::new()),
                ("other".to_string(), accepted())
            ]
        );
    }
}

#[cfg(test)]
mod parallel_tests {
    use super::testing::*;
    use super::*;
    use crate::model::Protocol;
    use crate::parallel::MIN_PARALLEL_ROUTE_RULES;

    /// Enough routes to be judged in groups on several threads: every result must keep
    /// route order, as on one thread.
    #[test]
    fn routes_judged_in_groups_keep_route_order() {
        let mut w = world();
        w.gateways.push(gateway(
            "apps",
            "gw",
            vec![listener(0, "http", 80, Protocol::Http, None)],
        ));
        let mut p = parent("gw");
        p.namespace = "apps".into();
        p.namespace_set = true;
        let n = 3 * MIN_PARALLEL_ROUTE_RULES;
        for i in 0..n {
            // `from: Same`: the routes outside `apps` are refused.
            let ns = if i % 2 == 0 { "apps" } else { "other" };
            w.routes
                .push(http_route(ns, &format!("r{i}"), &[p.clone()], &[]));
        }
        let a = analyze(
            &w,
            &Options {
                complete: true,
                ..Options::default()
            },
        );
        let attached: Vec<usize> = a.attachments.iter().map(|x| x.route).collect();
        let refused: Vec<usize> = a.refusals.iter().map(|x| x.route).collect();
        assert_eq!(attached, (0..n).step_by(2).collect::<Vec<_>>());
        assert_eq!(refused, (1..n).step_by(2).collect::<Vec<_>>());
        assert!(
            a.routes
                .iter()
                .enumerate()
                .all(|(i, r)| r.name == format!("r{i}"))
        );
        assert_eq!(a.backends.len(), n);
        let refused_in_findings: Vec<String> = a
            .diagnostics
            .iter()
            .filter(|d| d.rule.code == attachment::ROUTE_NOT_ALLOWED_BY_LISTENERS.code)
            .filter_map(|d| d.message.split_whitespace().nth(1).map(str::to_string))
            .collect();
        let expected: Vec<String> = (1..n).step_by(2).map(|i| format!("other/r{i}")).collect();
        assert_eq!(refused_in_findings, expected);
        assert_eq!(
            a.gateways[0].listeners[0].attached_routes as usize,
            n.div_ceil(2)
        );
    }
}
