//! A small hand-built report for the renderers' tests: two files, a Gateway, an accepted
//! and a rejected HTTPRoute, a ListenerSet, and findings at a field, at a raw file
//! position and on a cluster object.

use crate::diag::{Diagnostic, FieldPath, Location, Origin, ResourceRef, Rule, rule};
use crate::engine::routing::{
    NamespacedName, NearMiss, Outcome, Request, RouteRef, RouteResult, Scheme,
};
use crate::engine::{
    Analysis, Attachment, Condition, ConditionStatus, GatewayReport, ListenerId, ListenerOwner,
    ListenerStatus, ParentRefStatus, RouteParentStatus, RouteReport,
};
use crate::input::Sources;
use crate::model::{ListenerSet, Meta, ParentRef, RouteKind, World};
use crate::output::view::ProbeRun;
use crate::probe::{Observation, ObservedBackend, Prediction, Probe, ProbeResult, Verdict};
use crate::source::{SourceFile, Span};
use crate::yaml::Limits;

rule! {
    /// A rule for tests.
    pub static NOT_ALLOWED {
        code: "GW1001",
        name: "route-not-allowed-by-listeners",
        severity: Error,
        stage: Analysis,
        summary: "No listener allows the route.",
    }
}

rule! {
    /// A rule for tests.
    pub static SYNTAX {
        code: "GW0002",
        name: "yaml-syntax",
        severity: Error,
        stage: Yaml,
        summary: "Invalid YAML.",
    }
}

rule! {
    /// A rule for tests.
    pub static UNKNOWN_PARENT {
        code: "GW4001",
        name: "parent-not-in-input",
        severity: Warning,
        stage: Analysis,
        summary: "The parent is not in the input.",
    }
}

/// The fixture's rules, by code.
static RULES: &[&Rule] = &[&SYNTAX, &NOT_ALLOWED, &UNKNOWN_PARENT];

pub const GATEWAYS_YAML: &str = "\
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: gw
  namespace: infra
spec:
  gatewayClassName: example
  listeners:
  - name: web
    port: 80
    protocol: HTTP
";

pub const ROUTES_YAML: &str = "\
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: hr
  namespace: app
spec:
  parentRefs:
  - name: gw
    namespace: infra
  rules:
  - backendRefs:
    - name: svc
      port: 8080
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: bad
  namespace: other
spec:
  parentRefs:
  - name: gw
    namespace: infra
    sectionName: web
  hostnames:
  - \"on\"
  - '*.example.com'
status:
  parents: []
";

/// The sources: `gateways.yaml` (document 0) and `routes.yaml` (documents 1 and 2).
pub fn sources() -> Sources {
    let mut sources = Sources::default();
    for (name, text) in [
        ("gateways.yaml", GATEWAYS_YAML),
        ("routes.yaml", ROUTES_YAML),
    ] {
        let diagnostics = sources.add(SourceFile::in_memory(name, text), &Limits::default());
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
    }
    sources
}

fn condition(type_: &str, status: ConditionStatus, reason: &str) -> Condition {
    Condition::new(
        type_,
        status,
        reason,
        format!("{type_} is {}", status.as_str()),
    )
}

fn parent(section_name: Option<&str>) -> ParentRefStatus {
    ParentRefStatus {
        group: crate::model::GATEWAY_GROUP.to_string(),
        kind: "Gateway".to_string(),
        namespace: "infra".to_string(),
        name: "gw".to_string(),
        section_name: section_name.map(str::to_string),
        port: None,
    }
}

/// The controller of the parent Gateway's class.
const CONTROLLER: &str = "example.com/gateway-controller";

fn doc(doc: usize) -> Origin {
    Origin::Document { doc, item: None }
}

pub fn analysis() -> Analysis {
    use ConditionStatus::{False, True, Unknown};
    let listener = ListenerStatus {
        name: "web".to_string(),
        attached_routes: 1,
        supported_kinds: vec![RouteKind::Http.group_kind(), RouteKind::Grpc.group_kind()],
        conditions: vec![
            condition("Accepted", True, "Accepted"),
            condition("Programmed", True, "Programmed"),
        ],
    };
    Analysis {
        gateways: vec![GatewayReport {
            namespace: "infra".to_string(),
            name: "gw".to_string(),
            gateway_class_name: Some("example".to_string()),
            origin: doc(0),
            conditions: vec![
                condition("Accepted", True, "Accepted"),
                condition("Programmed", True, "Programmed"),
            ],
            listeners: vec![listener],
            attached_listener_sets: Some(0),
            profile: None,
        }],
        listener_sets: vec![GatewayReport {
            namespace: "infra".to_string(),
            name: "extra".to_string(),
            gateway_class_name: None,
            origin: Origin::Cluster,
            conditions: vec![condition("Accepted", Unknown, "Pending")],
            listeners: Vec::new(),
            attached_listener_sets: None,
            profile: None,
        }],
        routes: vec![
            RouteReport {
                kind: RouteKind::Http,
                namespace: "app".to_string(),
                name: "hr".to_string(),
                origin: doc(1),
                parents: vec![RouteParentStatus {
                    parent_ref: parent(None),
                    controller_name: Some(CONTROLLER.to_string()),
                    conditions: vec![
                        condition("Accepted", True, "Accepted"),
                        condition("ResolvedRefs", True, "ResolvedRefs"),
                    ],
                }],
            },
            RouteReport {
                kind: RouteKind::Http,
                namespace: "other".to_string(),
                name: "bad".to_string(),
                origin: doc(2),
                parents: vec![RouteParentStatus {
                    parent_ref: parent(Some("web")),
                    controller_name: Some(CONTROLLER.to_string()),
                    conditions: vec![
                        condition("Accepted", False, "NotAllowedByListeners"),
                        condition("ResolvedRefs", True, "ResolvedRefs"),
                    ],
                }],
            },
        ],
        attachments: vec![Attachment {
            route: 0,
            parent_ref: 0,
            listener: ListenerId {
                owner: ListenerOwner::Gateway(0),
                index: 0,
            },
            hostnames: Vec::new(),
        }],
        ..Analysis::default()
    }
}

fn resource(kind: &str, namespace: &str, name: &str) -> ResourceRef {
    ResourceRef {
        kind: kind.to_string(),
        namespace: namespace.to_string(),
        name: name.to_string(),
    }
}

/// Findings in sorted order: a raw file position, a field with a related location in another
/// file, and a cluster object.
pub fn diagnostics() -> Vec<Diagnostic> {
    vec![
        Diagnostic::new(&SYNTAX, "mapping values are not allowed here").at(Location::File {
            file: 0,
            span: Span::new(17, 21),
        }),
        Diagnostic::new(
            &NOT_ALLOWED,
            "listener web of Gateway infra/gw does not allow routes from namespace other",
        )
        .at_field(
            resource("HTTPRoute", "other", "bad"),
            doc(2),
            FieldPath::parse("spec.parentRefs[0]"),
        )
        .help("set allowedRoutes.namespaces.from: All on listener web")
        .related(
            Location::Field {
                resource: resource("Gateway", "infra", "gw"),
                origin: doc(0),
                path: FieldPath::parse("spec.listeners[0].allowedRoutes"),
            },
            "this listener only allows routes from its own namespace",
        )
        .related(
            Location::Field {
                resource: resource("HTTPRoute", "other", "bad"),
                origin: doc(2),
                path: FieldPath::parse("spec.hostnames[1]"),
            },
            "the route's hostname",
        ),
        Diagnostic::new(
            &UNKNOWN_PARENT,
            "ListenerSet infra/extra names Gateway infra/gone",
        )
        .at_field(
            resource("ListenerSet", "infra", "extra"),
            Origin::Cluster,
            FieldPath::parse("spec.parentRef"),
        ),
    ]
}

pub fn world() -> World {
    let mut world = World::default();
    world.ignored.insert("apps/Deployment".to_string(), 2);
    world.ignored.insert("example.com/Widget".to_string(), 1);
    world.listener_sets.push(ListenerSet {
        meta: Meta {
            kind: "ListenerSet".to_string(),
            api_version: "gateway.networking.k8s.io/v1".to_string(),
            name: "extra".to_string(),
            namespace: "infra".to_string(),
            ..Meta::default()
        },
        parent_ref: ParentRef {
            index: 0,
            group: crate::model::GATEWAY_GROUP.to_string(),
            kind: "Gateway".to_string(),
            namespace: "infra".to_string(),
            namespace_set: false,
            name: "gone".to_string(),
            section_name: None,
            port: None,
        },
        listeners: Vec::new(),
    });
    world
}

/// The pieces of a report, owned, for tests to borrow.
pub struct Fixture {
    pub sources: Sources,
    pub world: World,
    pub analysis: Analysis,
    pub diagnostics: Vec<Diagnostic>,
    pub release: crate::admission::Release,
}

impl Fixture {
    pub fn new() -> Self {
        Fixture {
            sources: sources(),
            world: world(),
            analysis: analysis(),
            diagnostics: diagnostics(),
            release: crate::admission::embedded::select(None, crate::admission::Channel::Standard)
                .expect("the embedded table has its newest standard release"),
        }
    }

    pub fn report(&self) -> super::Report<'_> {
        super::Report {
            sources: &self.sources,
            world: &self.world,
            analysis: &self.analysis,
            diagnostics: &self.diagnostics,
            rules: RULES,
            namespace: None,
            fail_at: Some(crate::diag::Severity::Error),
            release: &self.release,
        }
    }
}

/// A `simulate` result: 404 with one near miss.
pub fn not_found() -> RouteResult {
    let gateway = NamespacedName {
        namespace: "infra-ns".into(),
        name: "shared-gateway".into(),
    };
    let mut r = RouteResult::new(gateway, Some(80), Outcome::NotFound);
    r.status_code = Some(404);
    r.explanation = vec!["no HTTPRoute matches".into()];
    r.near_misses.push(NearMiss {
        route: RouteRef {
            kind: RouteKind::Http,
            namespace: "hr".into(),
            name: "cross-namespace".into(),
        },
        reason: "NotAllowedByListeners".into(),
        message: "refused".into(),
    });
    r
}

/// A `probe` result for `path`: predicted and observed status codes.
fn probe_result(path: &str, predicted: u16, observed: Result<u16, &str>) -> ProbeResult {
    let outcome = if predicted == 200 {
        Outcome::Routed
    } else {
        Outcome::NotFound
    };
    let probe = Probe {
        name: format!("HTTPRoute x/y {path}"),
        request: Request {
            host: Some("127.0.0.1".into()),
            port: Some(80),
            path: path.into(),
            ..Request::default()
        },
        scheme: Scheme::Http,
        prediction: Prediction {
            outcome,
            status_code: Some(predicted),
            location: None,
            backends: if predicted == 200 {
                vec![NamespacedName {
                    namespace: "product".into(),
                    name: "product".into(),
                }]
            } else {
                Vec::new()
            },
            route: None,
            unknowns: Vec::new(),
        },
        skipped: None,
    };
    let observation = Some(observed.map_err(str::to_string).map(|status| Observation {
        status_code: status,
        location: None,
        backend: (status == 200).then(|| ObservedBackend {
            namespace: None,
            name: "product".into(),
            source: "header x-backend".into(),
        }),
    }));
    ProbeResult {
        verdict: Verdict::of(&probe, observation.as_ref()),
        sent_to: Some("127.0.0.1:8080".into()),
        observation,
        probe,
    }
}

pub fn probe_results() -> Vec<ProbeResult> {
    vec![
        probe_result("/product", 200, Ok(200)),
        probe_result("/hr", 404, Ok(200)),
        probe_result("/<&>", 404, Err("no answer within 5s")),
    ]
}

pub fn probe_run(results: &[ProbeResult]) -> ProbeRun<'_> {
    static GATEWAY: std::sync::LazyLock<NamespacedName> =
        std::sync::LazyLock::new(|| NamespacedName {
            namespace: "infra-ns".into(),
            name: "shared-gateway".into(),
        });
    ProbeRun {
        gateway: &GATEWAY,
        address: "127.0.0.1:8080",
        results,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_keep_spans() {
        let sources = sources();
        assert_eq!(sources.documents.len(), 3);
        let route = sources.documents[2].root();
        let host = route
            .get("spec")
            .and_then(|s| s.get("hostnames"))
            .and_then(|h| h.as_seq()?.get(1))
            .expect("hostname");
        assert_eq!(host.as_str(), Some("*.example.com"));
        assert_eq!(
            &ROUTES_YAML[host.span().start..host.span().end],
            "'*.example.com'"
        );
        let port = sources.documents[0]
            .root()
            .get("spec")
            .and_then(|s| s.get("listeners"));
        let port = port
            .and_then(|l| l.as_seq()?.first()?.get("port"))
            .expect("port");
        assert_eq!(port.as_int(), Some(80));
    }
}
