//! Routing scenarios on hand-built worlds: the analysis is built here by a deliberately
//! simple attachment (every parentRef attaches to the listeners it names), so these tests
//! exercise only the router.

use super::*;
use crate::diag::Origin;
use crate::engine::testing::{self, listener, path_match as path};
use crate::engine::{Analysis, Attachment, ListenerOwner, Refusal};
use crate::model::{
    BackendObjectRef, BackendRef, Filter, FilterKind, Gateway, GrpcMatch, HeaderModifier,
    HttpMatch, Known, Listener, Meta, ParentRef, PathMatchType, PathModifier, Protocol,
    RequestMirror, RequestRedirect, Route, RouteMatch, RouteNamespaces, RouteRule, UrlRewrite,
    ValueMatch, ValueMatchType, World,
};

fn meta(kind: &str, namespace: &str, name: &str, order: usize) -> Meta {
    Meta {
        kind: kind.to_string(),
        namespace: namespace.to_string(),
        name: name.to_string(),
        origin: Origin::Cluster,
        order,
        ..Meta::default()
    }
}

fn gateway(name: &str, listeners: Vec<Listener>) -> Gateway {
    Gateway {
        meta: meta("Gateway", "infra", name, 0),
        gateway_class_name: Some("gc".to_string()),
        listeners,
        allowed_listeners: RouteNamespaces::default(),
        addresses: Vec::new(),
        infrastructure_parameters_ref: None,
        tls: None,
    }
}

fn prefix(value: &str) -> HttpMatch {
    path(PathMatchType::PathPrefix, value)
}

fn exact(value: &str) -> HttpMatch {
    path(PathMatchType::Exact, value)
}

fn value(name: &str, v: &str) -> ValueMatch {
    ValueMatch {
        index: 0,
        name: name.to_string(),
        match_type: Known::Known(ValueMatchType::Exact),
        value: v.to_string(),
    }
}

fn backend(name: &str, weight: i64) -> BackendRef {
    BackendRef {
        weight,
        ..testing::backend(None, name, 8080)
    }
}

fn rule(matches: Vec<HttpMatch>, backends: Vec<BackendRef>) -> RouteRule {
    RouteRule {
        index: 0,
        name: None,
        matches: matches
            .into_iter()
            .enumerate()
            .map(|(i, mut m)| {
                m.index = i;
                RouteMatch::Http(m)
            })
            .collect(),
        filters: Vec::new(),
        backend_refs: backends
            .into_iter()
            .enumerate()
            .map(|(i, mut b)| {
                b.index = i;
                b
            })
            .collect(),
    }
}

fn filters(mut r: RouteRule, kinds: Vec<FilterKind>) -> RouteRule {
    r.filters = kinds
        .into_iter()
        .enumerate()
        .map(|(index, kind)| Filter { index, kind })
        .collect();
    r
}

fn route(
    kind: RouteKind,
    name: &str,
    gateway: &str,
    hostnames: &[&str],
    rules: Vec<RouteRule>,
) -> Route {
    Route {
        kind,
        meta: meta(kind.as_str(), "infra", name, 0),
        parent_refs: vec![ParentRef {
            index: 0,
            group: crate::model::GATEWAY_GROUP.to_string(),
            kind: "Gateway".to_string(),
            namespace: "infra".to_string(),
            namespace_set: false,
            name: gateway.to_string(),
            section_name: None,
            port: None,
        }],
        hostnames: hostnames.iter().map(|h| h.to_string()).collect(),
        rules: rules
            .into_iter()
            .enumerate()
            .map(|(i, mut r)| {
                r.index = i;
                r
            })
            .collect(),
    }
}

fn http_route(name: &str, hostnames: &[&str], rules: Vec<RouteRule>) -> Route {
    route(RouteKind::Http, name, "gw", hostnames, rules)
}

/// §4 intersection, simplified: exact/wildcard in either direction.
fn intersect(listener: Option<&str>, route: &[String]) -> Option<Vec<String>> {
    let Some(l) = listener else {
        return Some(route.to_vec());
    };
    if route.is_empty() {
        return Some(vec![l.to_string()]);
    }
    let out: Vec<String> = route
        .iter()
        .filter_map(|r| {
            if r.eq_ignore_ascii_case(l) || hostname::host_matches(r, l) {
                Some(r.clone())
            } else if hostname::host_matches(l, r) {
                Some(l.to_string())
            } else {
                None
            }
        })
        .collect();
    (!out.is_empty()).then_some(out)
}

/// Attaches every route to every listener of its parent Gateway whose protocol carries the
/// route kind and whose hostname intersects; unknown Services are BackendNotFound.
fn analyze(world: &World) -> Analysis {
    let mut analysis = Analysis::default();
    for (gi, g) in world.gateways.iter().enumerate() {
        for l in &g.listeners {
            analysis.usable_listeners.push(ListenerId {
                owner: ListenerOwner::Gateway(gi),
                index: l.index,
            });
        }
    }
    for (ri, r) in world.routes.iter().enumerate() {
        for (pi, p) in r.parent_refs.iter().enumerate() {
            let Some(gi) = world.gateways.iter().position(|g| g.meta.name == p.name) else {
                continue;
            };
            for l in &world.gateways[gi].listeners {
                let carries = matches!(
                    (l.protocol.known(), r.kind),
                    (
                        Some(Protocol::Http | Protocol::Https),
                        RouteKind::Http | RouteKind::Grpc
                    ) | (Some(Protocol::Tls), RouteKind::Tls)
                        | (Some(Protocol::Tcp), RouteKind::Tcp)
                        | (Some(Protocol::Udp), RouteKind::Udp)
                );
                let section_ok = p.section_name.as_ref().is_none_or(|s| *s == l.name);
                let id = ListenerId {
                    owner: ListenerOwner::Gateway(gi),
                    index: l.index,
                };
                match intersect(l.hostname.as_deref(), &r.hostnames) {
                    Some(hostnames) if carries && section_ok => {
                        analysis.attachments.push(Attachment {
                            route: ri,
                            parent_ref: pi,
                            listener: id,
                            hostnames,
                        })
                    }
                    _ => {}
                }
            }
        }
        analysis.backends.push(
            r.rules
                .iter()
                .map(|rule| {
                    rule.backend_refs
                        .iter()
                        .map(|b| {
                            if world.services.is_empty()
                                || world.services.iter().any(|s| s.meta.name == b.object.name)
                            {
                                BackendVerdict::Valid
                            } else {
                                BackendVerdict::Invalid {
                                    reason: "BackendNotFound".to_string(),
                                    message: format!("Service {} not found", b.object.name),
                                }
                            }
                        })
                        .collect()
                })
                .collect(),
        );
    }
    analysis
}

fn world(gateways: Vec<Gateway>, routes: Vec<Route>) -> World {
    let mut routes = routes;
    for (i, r) in routes.iter_mut().enumerate() {
        r.meta.order = i + 1;
    }
    World {
        gateways,
        routes,
        ..World::default()
    }
}

fn http_world(routes: Vec<Route>) -> World {
    world(
        vec![gateway(
            "gw",
            vec![listener(0, "web", 80, Protocol::Http, None)],
        )],
        routes,
    )
}

fn get(path: &str) -> Request {
    Request {
        path: path.to_string(),
        ..Request::default()
    }
}

fn host(host: &str, path: &str) -> Request {
    Request {
        host: Some(host.to_string()),
        ..get(path)
    }
}

fn run(world: &World, request: &Request) -> RouteResult {
    let analysis = analyze(world);
    let router = Router::new(world, &analysis);
    let mut results = router.route(request);
    assert_eq!(results.len(), 1, "{results:#?}");
    results.remove(0)
}

fn backend_of(result: &RouteResult) -> Option<String> {
    result.receiving_backends().next().map(|b| b.name.clone())
}

#[test]
fn exact_beats_longer_prefix_and_longest_prefix_wins() {
    let w = http_world(vec![
        http_route(
            "long",
            &[],
            vec![rule(vec![prefix("/foo/bar")], vec![backend("long", 1)])],
        ),
        http_route(
            "short",
            &[],
            vec![rule(vec![prefix("/foo")], vec![backend("short", 1)])],
        ),
        http_route(
            "exact",
            &[],
            vec![rule(vec![exact("/foo/bar/baz")], vec![backend("exact", 1)])],
        ),
    ]);
    assert_eq!(
        backend_of(&run(&w, &get("/foo/bar/baz"))).as_deref(),
        Some("exact")
    );
    assert_eq!(
        backend_of(&run(&w, &get("/foo/bar/x"))).as_deref(),
        Some("long")
    );
    assert_eq!(
        backend_of(&run(&w, &get("/foo/x"))).as_deref(),
        Some("short")
    );
    let r = run(&w, &get("/foo/bar/baz"));
    assert_eq!(r.route.as_ref().map(|r| r.name.as_str()), Some("exact"));
    assert_eq!((r.rule_index, r.match_index), (Some(0), Some(0)));
    assert_eq!(r.status_code, Some(200));
}

#[test]
fn prefix_is_element_wise_and_404_names_the_near_miss() {
    let mut with_method = prefix("/foo");
    with_method.method = Some("GET".to_string());
    let mut other_path = prefix("/bar");
    other_path.method = Some("GET".to_string());
    let w = http_world(vec![
        http_route(
            "foo",
            &[],
            vec![rule(vec![with_method], vec![backend("foo", 1)])],
        ),
        // A match on another path is no near miss, even when its method matches.
        http_route(
            "bar",
            &[],
            vec![rule(vec![other_path], vec![backend("bar", 1)])],
        ),
    ]);
    let r = run(&w, &get("/foobar"));
    assert_eq!(r.outcome, Outcome::NotFound);
    assert_eq!(r.status_code, Some(404));
    assert_eq!(r.near_misses.len(), 1);
    assert_eq!(r.near_misses[0].reason, "path");
    assert!(
        r.explanation
            .iter()
            .any(|e| e.contains("/foobar does not match PathPrefix /foo")),
        "{r:#?}"
    );
    assert_eq!(backend_of(&run(&w, &get("/foo/"))).as_deref(), Some("foo"));
    // Exact with and without trailing slash.
    let w = http_world(vec![http_route(
        "e",
        &[],
        vec![rule(vec![exact("/foo/")], vec![backend("e", 1)])],
    )]);
    assert_eq!(run(&w, &get("/foo")).outcome, Outcome::NotFound);
    assert_eq!(run(&w, &get("/foo/")).outcome, Outcome::Routed);
}

#[test]
fn method_then_headers_then_query_then_age_then_name() {
    let mut with_method = prefix("/v2");
    with_method.method = Some("POST".to_string());
    let mut with_header = prefix("/v2");
    with_header.headers = vec![value("version", "two")];
    let mut with_two_headers = prefix("/v2");
    with_two_headers.headers = vec![value("version", "two"), value("color", "blue")];
    let mut with_query = prefix("/v2");
    with_query.query_params = vec![value("q", "1")];
    let w = http_world(vec![
        http_route(
            "plain",
            &[],
            vec![rule(vec![prefix("/v2")], vec![backend("plain", 1)])],
        ),
        http_route(
            "query",
            &[],
            vec![rule(vec![with_query], vec![backend("query", 1)])],
        ),
        http_route(
            "one-header",
            &[],
            vec![rule(vec![with_header], vec![backend("one-header", 1)])],
        ),
        http_route(
            "two-headers",
            &[],
            vec![rule(
                vec![with_two_headers],
                vec![backend("two-headers", 1)],
            )],
        ),
        http_route(
            "method",
            &[],
            vec![rule(vec![with_method], vec![backend("method", 1)])],
        ),
    ]);
    let mut r = get("/v2/x");
    assert_eq!(backend_of(&run(&w, &r)).as_deref(), Some("plain"));
    r.path = "/v2/x?q=1".to_string();
    assert_eq!(backend_of(&run(&w, &r)).as_deref(), Some("query"));
    r.headers = vec![("Version".to_string(), "two".to_string())];
    assert_eq!(backend_of(&run(&w, &r)).as_deref(), Some("one-header"));
    r.headers.push(("COLOR".to_string(), "blue".to_string()));
    assert_eq!(backend_of(&run(&w, &r)).as_deref(), Some("two-headers"));
    r.method = "post".to_string();
    assert_eq!(backend_of(&run(&w, &r)).as_deref(), Some("method"));
}

#[test]
fn ties_go_to_the_oldest_route_then_namespace_and_name() {
    let mut w = http_world(vec![
        http_route(
            "b",
            &[],
            vec![rule(vec![prefix("/")], vec![backend("b", 1)])],
        ),
        http_route(
            "a",
            &[],
            vec![rule(vec![prefix("/")], vec![backend("a", 1)])],
        ),
    ]);
    // The trace names the route that lost and what decided.
    let decided = |w: &World| {
        let r = run(w, &get("/"));
        let line = r
            .explanation
            .iter()
            .find(|e| e.starts_with("it goes before"));
        (backend_of(&r), line.cloned().unwrap_or_default())
    };
    // Same (absent) timestamp: document order decides.
    let (backend, why) = decided(&w);
    assert_eq!(backend.as_deref(), Some("b"));
    assert!(
        why.contains("infra/a rule 0") && why.ends_with("read first; no creationTimestamp)"),
        "{why}"
    );
    w.routes[0].meta.creation_timestamp = Some("2024-01-02T00:00:00Z".to_string());
    w.routes[1].meta.creation_timestamp = Some("2024-01-01T00:00:00Z".to_string());
    let (backend, why) = decided(&w);
    assert_eq!(backend.as_deref(), Some("a"));
    assert!(
        why.ends_with("the older route (creationTimestamp)"),
        "{why}"
    );
    w.routes[0].meta.creation_timestamp = w.routes[1].meta.creation_timestamp.clone();
    w.routes[0].meta.order = 1;
    w.routes[1].meta.order = 1;
    let (backend, why) = decided(&w);
    assert_eq!(backend.as_deref(), Some("a"));
    assert!(
        why.ends_with("equal age: the first by namespace/name"),
        "{why}"
    );
}

#[test]
fn first_rule_and_match_of_a_route_win_ties() {
    let w = http_world(vec![http_route(
        "r",
        &[],
        vec![
            rule(vec![prefix("/x"), prefix("/")], vec![backend("first", 1)]),
            rule(vec![prefix("/")], vec![backend("second", 1)]),
        ],
    )]);
    let r = run(&w, &get("/y"));
    assert_eq!(backend_of(&r).as_deref(), Some("first"));
    assert_eq!((r.rule_index, r.match_index), (Some(0), Some(1)));
    assert!(
        r.explanation
            .iter()
            .any(|e| e.contains("infra/r rule 1") && e.ends_with("the earlier rule of the route")),
        "{r:#?}"
    );
}

#[test]
fn exact_hostname_beats_wildcard_beats_none_and_falls_through() {
    let w = http_world(vec![
        http_route(
            "none",
            &[],
            vec![rule(vec![prefix("/")], vec![backend("none", 1)])],
        ),
        http_route(
            "wild",
            &["*.example.com"],
            vec![rule(vec![prefix("/")], vec![backend("wild", 1)])],
        ),
        http_route(
            "deep",
            &["*.b.example.com"],
            vec![rule(vec![prefix("/")], vec![backend("deep", 1)])],
        ),
        http_route(
            "exact",
            &["a.b.example.com"],
            vec![rule(vec![prefix("/only")], vec![backend("exact", 1)])],
        ),
    ]);
    assert_eq!(
        backend_of(&run(&w, &host("a.b.example.com", "/only"))).as_deref(),
        Some("exact")
    );
    // The exact route's rules do not match: the next most specific hostname wins.
    assert_eq!(
        backend_of(&run(&w, &host("a.b.example.com", "/other"))).as_deref(),
        Some("deep")
    );
    assert_eq!(
        backend_of(&run(&w, &host("c.example.com:8080", "/"))).as_deref(),
        Some("wild")
    );
    assert_eq!(
        backend_of(&run(&w, &host("other.org", "/"))).as_deref(),
        Some("none")
    );
    assert_eq!(backend_of(&run(&w, &get("/"))).as_deref(), Some("none"));
}

#[test]
fn listener_isolation_404_names_the_sibling_listener_route() {
    let mut routes = vec![
        http_route(
            "any",
            &[],
            vec![rule(vec![prefix("/any")], vec![backend("any", 1)])],
        ),
        http_route(
            "wild",
            &[],
            vec![rule(vec![prefix("/wild")], vec![backend("wild", 1)])],
        ),
    ];
    routes[0].parent_refs[0].section_name = Some("empty".to_string());
    routes[1].parent_refs[0].section_name = Some("wildcard".to_string());
    let w = world(
        vec![gateway(
            "gw",
            vec![
                listener(0, "empty", 80, Protocol::Http, None),
                listener(1, "wildcard", 80, Protocol::Http, Some("*.example.com")),
            ],
        )],
        routes,
    );
    assert_eq!(
        backend_of(&run(&w, &host("a.example.com", "/wild"))).as_deref(),
        Some("wild")
    );
    assert_eq!(
        backend_of(&run(&w, &host("bar.com", "/any"))).as_deref(),
        Some("any")
    );
    let r = run(&w, &host("a.example.com", "/any"));
    assert_eq!(r.outcome, Outcome::NotFound);
    assert_eq!(
        r.listener.as_ref().map(|l| l.name.as_str()),
        Some("wildcard")
    );
    assert!(
        r.near_misses
            .iter()
            .any(|n| n.reason == "listener" && n.route.name == "any"),
        "{r:#?}"
    );
    // A host no hostname listener takes, with no catch-all listener.
    let w2 = world(
        vec![gateway(
            "gw",
            vec![listener(
                0,
                "wildcard",
                80,
                Protocol::Http,
                Some("*.example.com"),
            )],
        )],
        Vec::new(),
    );
    let r = run(&w2, &host("bar.com", "/"));
    assert_eq!(r.outcome, Outcome::NotFound);
    assert!(r.listener.is_none());
}

#[test]
fn refused_route_is_a_near_miss_with_its_reason() {
    let w = http_world(vec![
        http_route(
            "product",
            &[],
            vec![rule(vec![prefix("/product")], vec![backend("product", 1)])],
        ),
        http_route(
            "hr",
            &[],
            vec![rule(vec![prefix("/hr")], vec![backend("hr", 1)])],
        ),
    ]);
    let mut analysis = analyze(&w);
    analysis.attachments.retain(|a| a.route == 0);
    analysis.refusals.push(Refusal {
        route: 1,
        parent_ref: 0,
        listener: Some(ListenerId {
            owner: ListenerOwner::Gateway(0),
            index: 0,
        }),
        reason: "NotAllowedByListeners".to_string(),
        message: "namespace hr is not allowed".to_string(),
        unknowns: Vec::new(),
    });
    let router = Router::new(&w, &analysis);
    let r = router.route(&get("/hr")).remove(0);
    assert_eq!(r.outcome, Outcome::NotFound);
    assert_eq!(r.near_misses[0].reason, "NotAllowedByListeners");
    assert_eq!(r.near_misses[0].route.name, "hr");
    assert!(
        r.explanation
            .iter()
            .any(|e| e.contains("listener web refused it: NotAllowedByListeners")),
        "{r:#?}"
    );
    assert_eq!(
        router.route(&get("/product/x")).remove(0).outcome,
        Outcome::Routed
    );
}

#[test]
fn filters_shape_the_backend_request_and_response() {
    let r = filters(
        rule(vec![prefix("/prefix/one")], vec![backend("svc", 1)]),
        vec![
            FilterKind::RequestHeaderModifier(HeaderModifier {
                set: vec![("X-Set".into(), "set".into())],
                add: vec![("X-Add".into(), "more".into())],
                remove: vec!["X-Remove".into()],
            }),
            FilterKind::UrlRewrite(UrlRewrite {
                hostname: Some("rewritten.example".into()),
                path: Some(PathModifier::ReplacePrefixMatch("/one".into())),
            }),
            FilterKind::ResponseHeaderModifier(HeaderModifier {
                add: vec![("X-Resp".into(), "r".into())],
                ..HeaderModifier::default()
            }),
            FilterKind::RequestMirror(RequestMirror {
                backend_ref: BackendObjectRef {
                    group: String::new(),
                    kind: "Service".into(),
                    name: "mirror".into(),
                    namespace: None,
                    port: Some(80),
                },
                percent: Some(50.0),
            }),
        ],
    );
    let w = http_world(vec![http_route("r", &[], vec![r])]);
    let mut req = host("example.com", "/prefix/one/two?x=1");
    req.headers = vec![
        ("x-add".into(), "first".into()),
        ("X-Remove".into(), "gone".into()),
        ("x-set".into(), "old".into()),
    ];
    req.backend_response_headers = vec![("X-Resp".into(), "backend".into())];
    let result = run(&w, &req);
    let sent = result.backend_request.clone().unwrap_or_default();
    assert_eq!(sent.host, "rewritten.example");
    assert_eq!(sent.path, "/one/two");
    assert_eq!(sent.header("x-add"), Some("first,more"));
    assert_eq!(sent.header("X-SET"), Some("set"));
    assert_eq!(sent.header("x-remove"), None);
    assert_eq!(
        result.response_headers,
        vec![("X-Resp".to_string(), "backend,r".to_string())]
    );
    assert_eq!(result.mirrors.len(), 1);
    assert_eq!(
        (result.mirrors[0].name.as_str(), result.mirrors[0].percent),
        ("mirror", 50.0)
    );
}

#[test]
fn backend_filters_apply_per_backend() {
    let mut a = backend("a", 1);
    a.filters = vec![Filter {
        index: 0,
        kind: FilterKind::RequestHeaderModifier(HeaderModifier {
            set: vec![("Backend".into(), "a".into())],
            ..HeaderModifier::default()
        }),
    }];
    let w = http_world(vec![http_route(
        "r",
        &[],
        vec![rule(vec![prefix("/")], vec![a, backend("b", 1)])],
    )]);
    let result = run(&w, &get("/"));
    assert_eq!(result.backends.len(), 2);
    let header = |i: usize| {
        result.backends[i]
            .request
            .as_ref()
            .and_then(|r| r.header("backend").map(str::to_string))
    };
    assert_eq!(header(0).as_deref(), Some("a"));
    assert_eq!(header(1), None);
}

#[test]
fn redirect_answers_with_location_and_no_backend() {
    let r = filters(
        rule(vec![prefix("/old")], Vec::new()),
        vec![FilterKind::RequestRedirect(RequestRedirect {
            scheme: Some("https".into()),
            hostname: None,
            path: Some(PathModifier::ReplacePrefixMatch("/new".into())),
            port: None,
            status_code: 301,
        })],
    );
    let w = world(
        vec![gateway(
            "gw",
            vec![listener(0, "web", 8080, Protocol::Http, None)],
        )],
        vec![http_route("r", &[], vec![r])],
    );
    let result = run(&w, &host("example.org:8080", "/old/x?q=1"));
    assert_eq!(result.outcome, Outcome::Redirect);
    assert_eq!(result.status_code, Some(301));
    assert_eq!(
        result.location.as_deref(),
        Some("https://example.org/new/x?q=1")
    );
    assert!(result.backends.is_empty());
    assert!(result.is_success());
}

#[test]
fn server_errors_name_their_cause() {
    let w = http_world(vec![
        http_route("none", &[], vec![rule(vec![prefix("/none")], Vec::new())]),
        http_route(
            "zero",
            &[],
            vec![rule(vec![prefix("/zero")], vec![backend("svc", 0)])],
        ),
        http_route(
            "missing",
            &[],
            vec![rule(vec![prefix("/missing")], vec![backend("ghost", 1)])],
        ),
        http_route(
            "partial",
            &[],
            vec![rule(
                vec![prefix("/partial")],
                vec![backend("svc", 3), backend("ghost", 1)],
            )],
        ),
    ]);
    let mut w = w;
    w.services.push(crate::model::Service {
        meta: meta("Service", "infra", "svc", 0),
        service_type: None,
        external_name: None,
        ports: Vec::new(),
    });
    for (path, needle) in [
        ("/none", "no backendRefs"),
        ("/zero", "weight 0"),
        ("/missing", "BackendNotFound"),
    ] {
        let r = run(&w, &get(path));
        assert_eq!(
            (r.outcome, r.status_code),
            (Outcome::BackendError, Some(500)),
            "{path}"
        );
        assert!(
            r.explanation.iter().any(|e| e.contains(needle)),
            "{path}: {r:#?}"
        );
        assert!(!r.is_success());
    }
    let r = run(&w, &get("/partial"));
    assert_eq!(r.outcome, Outcome::Routed);
    assert_eq!(backend_of(&r).as_deref(), Some("svc"));
    assert!(
        r.explanation.iter().any(|e| e.contains("25% of requests")),
        "{r:#?}"
    );
}

#[test]
fn unknown_extension_filter_is_a_500() {
    let r = filters(
        rule(vec![prefix("/")], vec![backend("svc", 1)]),
        vec![FilterKind::Unknown("Vendor".into())],
    );
    let w = http_world(vec![http_route("r", &[], vec![r])]);
    assert_eq!(run(&w, &get("/")).status_code, Some(500));
}

fn https_world() -> World {
    let mut routes = vec![
        http_route(
            "catch-all",
            &["example.org"],
            vec![rule(vec![prefix("/")], vec![backend("v1", 1)])],
        ),
        http_route(
            "second",
            &[],
            vec![rule(vec![prefix("/")], vec![backend("v2", 1)])],
        ),
    ];
    routes[0].parent_refs[0].section_name = Some("https".to_string());
    routes[1].parent_refs[0].section_name = Some("second".to_string());
    world(
        vec![gateway(
            "gw",
            vec![
                listener(0, "https", 443, Protocol::Https, None),
                listener(1, "second", 443, Protocol::Https, Some("second.org")),
            ],
        )],
        routes,
    )
}

fn https(host_header: &str, sni: &str) -> Request {
    Request {
        scheme: Some(Scheme::Https),
        sni: Some(sni.to_string()),
        ..host(host_header, "/")
    }
}

#[test]
fn https_listener_by_sni_and_421_when_host_belongs_elsewhere() {
    let w = https_world();
    assert_eq!(
        backend_of(&run(&w, &https("example.org", "example.org"))).as_deref(),
        Some("v1")
    );
    assert_eq!(
        backend_of(&run(&w, &https("second.org", "second.org"))).as_deref(),
        Some("v2")
    );
    let r = run(&w, &https("second.org", "example.org"));
    assert_eq!(
        (r.outcome, r.status_code),
        (Outcome::Misdirected, Some(421))
    );
    let r = run(&w, &https("unknown.org", "second.org"));
    assert_eq!(r.status_code, Some(421));
    assert_eq!(
        run(&w, &https("unknown.org", "unknown.org")).status_code,
        Some(404)
    );
    // The scheme follows the port's listeners when not given.
    let inferred = Request {
        scheme: None,
        ..https("example.org", "example.org")
    };
    assert_eq!(run(&w, &inferred).outcome, Outcome::Routed);
}

#[test]
fn https_unknown_sni_without_catch_all_is_refused() {
    let mut w = https_world();
    w.gateways[0].listeners.remove(0);
    let r = run(&w, &https("x.org", "x.org"));
    assert_eq!(r.outcome, Outcome::Refused);
    assert!(!r.is_success());
}

fn grpc_rule(service: Option<&str>, method: Option<&str>, backend_name: &str) -> RouteRule {
    RouteRule {
        index: 0,
        name: None,
        matches: vec![RouteMatch::Grpc(GrpcMatch {
            index: 0,
            match_type: Known::Known(ValueMatchType::Exact),
            service: service.map(str::to_string),
            method: method.map(str::to_string),
            headers: Vec::new(),
        })],
        filters: Vec::new(),
        backend_refs: vec![backend(backend_name, 1)],
    }
}

fn grpc(service: &str, method: &str) -> Request {
    Request {
        protocol: RequestProtocol::Grpc,
        grpc: Some((service.to_string(), method.to_string())),
        ..Request::default()
    }
}

#[test]
fn grpc_prefers_longer_service_and_method_and_answers_unimplemented() {
    let w = http_world(vec![route(
        RouteKind::Grpc,
        "g",
        "gw",
        &[],
        vec![
            grpc_rule(Some("pkg.Svc"), None, "service-only"),
            grpc_rule(Some("pkg.Svc"), Some("Echo"), "both"),
        ],
    )]);
    let r = run(&w, &grpc("pkg.Svc", "Echo"));
    assert_eq!(backend_of(&r).as_deref(), Some("both"));
    assert_eq!(r.grpc_status, Some(GrpcStatus::Ok));
    assert_eq!(r.match_index, Some(0));
    assert_eq!(
        backend_of(&run(&w, &grpc("pkg.Svc", "Other"))).as_deref(),
        Some("service-only")
    );
    let r = run(&w, &grpc("pkg.Nope", "Echo"));
    assert_eq!(r.grpc_status, Some(GrpcStatus::Unimplemented));
    assert!(!r.is_success());
    assert_eq!(
        r.near_misses.first().map(|n| n.reason.as_str()),
        Some("service")
    );
}

#[test]
fn tcp_and_tls_take_the_oldest_route() {
    let tcp_rule = || rule(Vec::new(), vec![backend("placeholder", 1)]);
    let mut older = route(RouteKind::Tcp, "older", "gw", &[], vec![tcp_rule()]);
    older.rules[0].backend_refs[0].object.name = "old".to_string();
    let mut newer = route(RouteKind::Tcp, "newer", "gw", &[], vec![tcp_rule()]);
    newer.rules[0].backend_refs[0].object.name = "new".to_string();
    newer.meta.creation_timestamp = Some("2024-01-02T00:00:00Z".to_string());
    older.meta.creation_timestamp = Some("2024-01-01T00:00:00Z".to_string());
    let mut tls = route(
        RouteKind::Tls,
        "tls",
        "gw",
        &["*.example.com"],
        vec![tcp_rule()],
    );
    tls.rules[0].backend_refs[0].object.name = "tls".to_string();
    let w = world(
        vec![gateway(
            "gw",
            vec![
                listener(0, "tcp", 9000, Protocol::Tcp, None),
                listener(1, "tls", 443, Protocol::Tls, None),
            ],
        )],
        vec![newer, older, tls],
    );
    let r = run(
        &w,
        &Request {
            protocol: RequestProtocol::Tcp,
            ..Request::default()
        },
    );
    assert_eq!((r.outcome, r.port), (Outcome::Routed, Some(9000)));
    assert_eq!(backend_of(&r).as_deref(), Some("old"));
    assert!(r.is_success());
    let tls_request = |sni: &str| Request {
        protocol: RequestProtocol::Tls,
        sni: Some(sni.to_string()),
        ..Request::default()
    };
    assert_eq!(
        backend_of(&run(&w, &tls_request("a.example.com"))).as_deref(),
        Some("tls")
    );
    assert_eq!(run(&w, &tls_request("other.org")).outcome, Outcome::Refused);
    let udp = run(
        &w,
        &Request {
            protocol: RequestProtocol::Udp,
            ..Request::default()
        },
    );
    assert_eq!(udp.outcome, Outcome::Refused);
}

#[test]
fn every_port_and_every_gateway_by_default() {
    let w = world(
        vec![
            gateway(
                "gw",
                vec![
                    listener(0, "web", 80, Protocol::Http, None),
                    listener(1, "alt", 8080, Protocol::Http, None),
                ],
            ),
            gateway("other", vec![listener(0, "web", 80, Protocol::Http, None)]),
        ],
        vec![http_route(
            "r",
            &[],
            vec![rule(vec![prefix("/")], vec![backend("svc", 1)])],
        )],
    );
    let analysis = analyze(&w);
    let router = Router::new(&w, &analysis);
    let results = router.route(&get("/"));
    let summary: Vec<_> = results
        .iter()
        .map(|r| (r.gateway.name.as_str(), r.port, r.outcome))
        .collect();
    assert_eq!(
        summary,
        vec![
            ("gw", Some(80), Outcome::Routed),
            ("gw", Some(8080), Outcome::Routed),
            ("other", Some(80), Outcome::NotFound),
        ]
    );
    let missing = router.route(&Request {
        gateway: Some(NamespacedName {
            namespace: "infra".into(),
            name: "nope".into(),
        }),
        ..get("/")
    });
    assert_eq!(missing[0].outcome, Outcome::Refused);
}

#[test]
fn many_routes_are_indexed_by_hostname() {
    let routes: Vec<Route> = (0..2000)
        .map(|i| {
            let name = format!("r{i}");
            let host_name = format!("h{i}.example.com");
            http_route(
                &name,
                &[host_name.as_str()],
                vec![rule(vec![prefix("/")], vec![backend(&name, 1)])],
            )
        })
        .collect();
    let w = http_world(routes);
    let analysis = analyze(&w);
    let router = Router::new(&w, &analysis);
    assert_eq!(router.indexed_candidates(), 2000);
    for i in (0..2000).step_by(97) {
        let r = router
            .route(&host(&format!("h{i}.example.com"), "/x"))
            .remove(0);
        assert_eq!(backend_of(&r), Some(format!("r{i}")));
    }
    // An unknown host: the routes serving other hostnames are named, at most five.
    let r = router.route(&host("nobody.example.com", "/x")).remove(0);
    assert_eq!(r.outcome, Outcome::NotFound);
    assert_eq!(r.near_misses.len(), 5);
    assert!(r.near_misses.iter().all(|n| n.reason == "hostname"));
}

#[test]
fn many_routes_on_one_hostname_are_indexed_by_path() {
    let routes: Vec<Route> = (0..2000)
        .map(|i| {
            let name = format!("r{i}");
            let mut exact = prefix(&format!("/r{i}/health"));
            exact.path.match_type = Known::Known(PathMatchType::Exact);
            http_route(
                &name,
                &[],
                vec![rule(
                    vec![prefix(&format!("/r{i}")), exact],
                    vec![backend(&name, 1)],
                )],
            )
        })
        .collect();
    let w = http_world(routes);
    let analysis = analyze(&w);
    let router = Router::new(&w, &analysis);
    for i in (0..2000).step_by(97) {
        let r = router.route(&get(&format!("/r{i}/health"))).remove(0);
        assert_eq!(backend_of(&r), Some(format!("r{i}")));
        assert_eq!(r.match_index, Some(1), "Exact outranks the prefix");
        let r = router.route(&get(&format!("/r{i}x"))).remove(0);
        assert_eq!(r.outcome, Outcome::NotFound);
        // `/r{i}` stops inside the element `/r{i}x`: the longest look-alike comes first
        // (shorter ones like `/r9` for `/r97x` follow).
        assert!(r.near_misses.iter().all(|n| n.reason == "path"), "{r:#?}");
        assert_eq!(r.near_misses[0].route.name, format!("r{i}"));
    }
}

fn class_unknown() -> crate::engine::Unknown {
    crate::engine::Unknown::new("GatewayClass", "", "gc", "not in the input")
}

#[test]
fn a_listener_that_depends_on_missing_objects_is_undetermined() {
    let w = http_world(vec![http_route(
        "r",
        &[],
        vec![rule(vec![prefix("/")], vec![backend("svc", 1)])],
    )]);
    let mut analysis = analyze(&w);
    let id = analysis.usable_listeners.remove(0);
    analysis
        .undecided_listeners
        .push((id, vec![class_unknown()]));
    let r = Router::new(&w, &analysis).route(&get("/")).remove(0);
    assert_eq!(r.outcome, Outcome::Undetermined);
    assert_eq!(r.status_code, None);
    assert_eq!(r.unknowns, vec![class_unknown()]);
    assert_eq!(r.listener.as_ref().map(|l| l.name.as_str()), Some("web"));
    assert!(!r.is_success());
}

#[test]
fn a_pending_attachment_is_undetermined_unless_a_definite_route_wins() {
    let w = http_world(vec![
        http_route(
            "pending",
            &[],
            vec![rule(vec![prefix("/")], vec![backend("p", 1)])],
        ),
        http_route(
            "attached",
            &[],
            vec![rule(vec![prefix("/api")], vec![backend("a", 1)])],
        ),
    ]);
    let mut analysis = analyze(&w);
    let at = analysis.attachments.iter().position(|a| a.route == 0);
    let attachment = analysis.attachments.remove(at.expect("route 0 attaches"));
    let namespace = crate::engine::Unknown::new("Namespace", "", "default", "labels");
    analysis.pending.push(crate::engine::PendingAttachment {
        attachment,
        unknowns: vec![namespace.clone()],
    });
    let router = Router::new(&w, &analysis);
    let r = router.route(&get("/web")).remove(0);
    assert_eq!(r.outcome, Outcome::Undetermined, "{r:#?}");
    assert_eq!(r.unknowns, vec![namespace]);
    assert_eq!(r.route.map(|r| r.name), Some("pending".to_string()));
    let r = router.route(&get("/api/x")).remove(0);
    assert_eq!(r.outcome, Outcome::Routed);
    assert_eq!(backend_of(&r).as_deref(), Some("a"));
}

#[test]
fn backends_not_known_to_resolve_leave_the_outcome_undetermined() {
    let w = http_world(vec![http_route(
        "r",
        &[],
        vec![rule(
            vec![prefix("/")],
            vec![backend("ghost", 1), backend("real", 1)],
        )],
    )]);
    let unknown = BackendVerdict::Unknown {
        message: "not in the input".to_string(),
    };
    let mut analysis = analyze(&w);
    analysis.backends[0][0] = vec![unknown.clone(), unknown.clone()];
    let r = Router::new(&w, &analysis).route(&get("/")).remove(0);
    assert_eq!(r.outcome, Outcome::Undetermined);
    let names: Vec<_> = r.unknowns.iter().map(|u| u.name.as_str()).collect();
    assert_eq!(names, ["ghost", "real"]);
    // One backend known to resolve: the request is forwarded.
    analysis.backends[0][0] = vec![unknown, BackendVerdict::Valid];
    let r = Router::new(&w, &analysis).route(&get("/")).remove(0);
    assert_eq!(r.outcome, Outcome::Routed);
}

#[test]
fn of_several_gateways_those_serving_the_host_come_first_routed_first() {
    let w = world(
        vec![
            gateway(
                "elsewhere",
                vec![listener(
                    0,
                    "web",
                    80,
                    Protocol::Http,
                    Some("a.example.com"),
                )],
            ),
            gateway(
                "serving",
                vec![listener(0, "web", 80, Protocol::Http, None)],
            ),
        ],
        vec![route(
            RouteKind::Http,
            "r",
            "serving",
            &["b.example.com"],
            vec![rule(vec![prefix("/")], vec![backend("svc", 1)])],
        )],
    );
    let analysis = analyze(&w);
    let results = Router::new(&w, &analysis).route(&host("b.example.com", "/"));
    let summary: Vec<_> = results
        .iter()
        .map(|r| (r.gateway.name.as_str(), r.outcome))
        .collect();
    assert_eq!(
        summary,
        [
            ("serving", Outcome::Routed),
            ("elsewhere", Outcome::NotFound)
        ]
    );
    let deciding: Vec<_> = expect::deciding(&results)
        .map(|r| r.gateway.name.as_str())
        .collect();
    assert_eq!(deciding, ["serving"]);
}
