use serde_json::{Value as Json, json};

use super::test_support::sources;
use super::*;
use crate::diag::{Location, Severity};
use crate::model::{
    BackendObjectRef, FilterKind, FromNamespaces, GATEWAY_GROUP, GroupKind, Known, ObjectRef,
    PathMatchType, PathModifier, Protocol, RouteKind, RouteMatch, TlsMode, ValueMatchType,
};

fn build_json(documents: Vec<Json>) -> (World, Vec<Diagnostic>) {
    build(
        &sources(documents),
        &BuildOptions::default(),
        super::test_support::schemas(),
    )
}

/// `(code, "Kind ns/name", path, item)` of each diagnostic.
fn findings(diags: &[Diagnostic]) -> Vec<(&'static str, String, String)> {
    diags
        .iter()
        .map(|d| match &d.location {
            Some(Location::Field { resource, path, .. }) => {
                (d.rule.code, resource.to_string(), path.to_string())
            }
            other => panic!("unexpected location {other:?}"),
        })
        .collect()
}

fn codes(diags: &[Diagnostic]) -> Vec<&'static str> {
    diags.iter().map(|d| d.rule.code).collect()
}

fn route(kind: &str, spec: Json) -> Json {
    json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": kind,
           "metadata": {"name": "r", "namespace": "web"}, "spec": spec})
}

#[test]
fn objects_without_identity_are_skipped_with_located_diagnostics() {
    let (world, diags) = build_json(vec![
        json!({"kind": "Gateway", "metadata": {"name": "a"}}),
        json!({"apiVersion": "v1", "metadata": {"name": "b"}}),
        json!({"apiVersion": "v1", "kind": "Service", "metadata": {"namespace": "x"}}),
        json!([{"apiVersion": "v1", "kind": "Namespace"}]),
        json!(null),
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "ok"}}),
    ]);
    assert_eq!(
        findings(&diags),
        vec![
            ("GW0101", "Gateway a".to_string(), String::new()),
            ("GW0102", " b".to_string(), String::new()),
            ("GW0103", "Service x/".to_string(), "metadata".to_string()),
            ("GW0100", " ".to_string(), String::new()),
        ]
    );
    assert_eq!(world.namespaces.len(), 1);
    assert!(world.services.is_empty() && world.gateways.is_empty());
    let Some(Location::Field { origin, .. }) = &diags[2].location else {
        panic!()
    };
    assert_eq!(*origin, Origin::Document { doc: 2, item: None });
}

#[test]
fn list_items_are_read_with_their_item_index() {
    let (world, diags) = build_json(vec![json!({
    "apiVersion": "v1", "kind": "List", "items": [
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a"}},
        {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"},
         "spec": {"ports": [{"port": "80"}]}},
    ]})]);
    assert_eq!(world.namespaces.len(), 1);
    assert_eq!(world.services.len(), 1);
    assert_eq!(
        world.services[0].meta.origin,
        Origin::Document {
            doc: 0,
            item: Some(1)
        }
    );
    // Paths inside an item are relative to the item.
    assert_eq!(
        findings(&diags),
        vec![(
            "GW0104",
            "Service default/s".to_string(),
            "spec.ports[0].port".to_string()
        )]
    );
    assert_eq!(world.services[0].ports[0].port, Some(80));
}

#[test]
fn other_kinds_are_counted_silently() {
    let (world, diags) = build_json(vec![
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"}}),
        json!({"apiVersion": "apps/v1", "kind": "Deployment"}),
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}}),
    ]);
    assert!(diags.is_empty());
    assert_eq!(world.ignored.get("apps/Deployment"), Some(&2));
    assert_eq!(world.ignored.get("Pod"), Some(&1));
}

#[test]
fn misspelled_kinds_are_reported_and_ignored() {
    let (world, diags) = build_json(vec![route("HttpRoute", json!({}))]);
    assert_eq!(codes(&diags), vec!["GW0109"]);
    assert_eq!(
        diags[0].help.as_deref(),
        Some("kinds are case-sensitive: write `kind: HTTPRoute`")
    );
    assert!(world.routes.is_empty());
    assert_eq!(
        world.ignored.get("gateway.networking.k8s.io/HttpRoute"),
        Some(&1)
    );
}

/// Served versions are admission's to check, against the chosen release: the model reads
/// every version of a kind.
#[test]
fn every_version_of_a_kind_is_read() {
    let (world, diags) = build_json(vec![
        json!({"apiVersion": "gateway.networking.k8s.io/v1alpha2", "kind": "TCPRoute",
               "metadata": {"name": "t"}, "spec": {"rules": [{"backendRefs": [{"name": "s", "port": 9}]}]}}),
        json!({"apiVersion": "gateway.networking.k8s.io/v2", "kind": "Gateway",
               "metadata": {"name": "g"}, "spec": {"gatewayClassName": "c", "listeners": []}}),
        json!({"apiVersion": "gateway.networking.k8s.io/v1beta1", "kind": "ReferenceGrant",
               "metadata": {"name": "rg"}, "spec": {"from": [], "to": []}}),
    ]);
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(world.routes.len(), 1);
    assert_eq!(
        world.routes[0].rules[0].backend_refs[0].object.kind,
        "Service"
    );
    assert_eq!(world.gateways.len(), 1);
    assert_eq!(world.reference_grants.len(), 1);
}

#[test]
fn namespaces_scopes_and_order() {
    let (world, diags) = build_json(vec![
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "web", "labels": {"team": "a"}}}),
        json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "GatewayClass",
               "metadata": {"name": "c", "namespace": "ignored"}, "spec": {"controllerName": "x/y"}}),
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm"}, "data": {"ca.crt": "..."}}),
    ]);
    assert!(diags.is_empty(), "{diags:?}");
    let labels = &world.namespaces[0].meta.labels;
    assert_eq!(
        labels
            .get("kubernetes.io/metadata.name")
            .map(String::as_str),
        Some("web")
    );
    assert_eq!(labels.get("team").map(String::as_str), Some("a"));
    assert_eq!(world.gateway_classes[0].meta.namespace, "");
    assert_eq!(
        world.gateway_classes[0].controller_name.as_deref(),
        Some("x/y")
    );
    assert_eq!(world.config_maps[0].meta.namespace, "default");
    assert_eq!(world.config_maps[0].keys, vec!["ca.crt"]);
    assert_eq!(world.config_maps[0].meta.order, 2);
}

#[test]
fn secrets_keep_keys_never_values() {
    let (world, diags) = build_json(vec![json!({
        "apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s", "namespace": "n"},
        "data": {"tls.crt": "c2VjcmV0", "tls.key": "a2V5"}, "stringData": {"tls.crt": "x", "extra": "y"}})]);
    assert!(diags.is_empty());
    let secret = &world.secrets[0];
    assert_eq!(secret.secret_type, "Opaque");
    assert_eq!(secret.keys, vec!["tls.crt", "tls.key", "extra"]);
    assert!(!format!("{secret:?}").contains("c2VjcmV0"));
}

#[test]
fn gateways_get_their_crd_defaults() {
    let (world, diags) = build_json(vec![json!({
    "apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway",
    "metadata": {"name": "g", "namespace": "infra", "creationTimestamp": "2024-01-01T00:00:00Z"},
    "spec": {"gatewayClassName": "c",
             "addresses": [{"value": "10.0.0.1"}],
             "listeners": [
                 {"name": "http", "port": 80, "protocol": "HTTP"},
                 {"name": "https", "port": 443, "protocol": "HTTPS", "hostname": "*.example.com",
                  "tls": {"certificateRefs": [{"name": "cert"}]},
                  "allowedRoutes": {"namespaces": {"from": "All"}, "kinds": [{"kind": "HTTPRoute"}]}},
                 {"name": "custom", "port": 9000, "protocol": "example.com/proto"},
             ]}})]);
    assert!(diags.is_empty(), "{diags:?}");
    let gateway = &world.gateways[0];
    assert_eq!(
        gateway.meta.creation_timestamp.as_deref(),
        Some("2024-01-01T00:00:00Z")
    );
    assert_eq!(
        gateway.allowed_listeners.from,
        Known::Known(FromNamespaces::None)
    );
    assert_eq!(gateway.addresses[0].address_type, "IPAddress");
    let [http, https, custom] = gateway.listeners.as_slice() else {
        panic!("three listeners")
    };
    assert_eq!(http.protocol, Known::Known(Protocol::Http));
    assert_eq!(
        http.allowed_routes.namespaces.from,
        Known::Known(FromNamespaces::Same)
    );
    assert_eq!(http.allowed_routes.kinds, None);
    let tls = https.tls.as_ref().unwrap();
    assert_eq!(tls.mode, Known::Known(TlsMode::Terminate));
    assert_eq!(
        tls.certificate_refs,
        vec![ObjectRef {
            group: String::new(),
            kind: "Secret".into(),
            name: "cert".into(),
            namespace: None
        }]
    );
    assert_eq!(
        https.allowed_routes.namespaces.from,
        Known::Known(FromNamespaces::All)
    );
    assert_eq!(
        https.allowed_routes.kinds,
        Some(vec![GroupKind::new(GATEWAY_GROUP, "HTTPRoute")])
    );
    assert_eq!(custom.protocol, Known::Unknown("example.com/proto".into()));
}

#[test]
fn empty_and_case_variant_protocols_are_read_as_unknown() {
    let (world, diags) = build_json(vec![json!({
    "apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway",
    "metadata": {"name": "g", "namespace": "ns"},
    "spec": {"gatewayClassName": "c", "listeners": [
        {"name": "a", "port": 80, "protocol": ""},
        {"name": "b", "port": 81, "protocol": "https"},
    ]}})]);
    assert!(diags.is_empty(), "{diags:?}");
    let protocols: Vec<&Known<Protocol>> = world.gateways[0]
        .listeners
        .iter()
        .map(|l| &l.protocol)
        .collect();
    assert_eq!(
        protocols,
        [
            &Known::Unknown(String::new()),
            &Known::Unknown("https".into())
        ]
    );
}

#[test]
fn listeners_are_read_what_they_can_and_metadata_is_checked() {
    let (world, diags) = build_json(vec![json!({
    "apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway",
    "metadata": {"name": "g", "labels": {"expose": true}},
    "spec": {"gatewayClassName": "c", "listeners": [
        {"name": "a", "port": "80", "protocol": "http"},
        {"port": 81, "protocol": "HTTP"},
        {"name": "c", "port": 70000, "protocol": "TLS", "hostname": "10.1.2.3",
         "tls": {"mode": "passthrough"},
         "allowedRoutes": {"namespaces": {"from": "all"}}},
    ]}})]);
    assert_eq!(
        findings(&diags)
            .into_iter()
            .map(|(code, _, path)| (code, path))
            .collect::<Vec<_>>(),
        // The spec's problems are admission's (`admission/tests.rs`).
        vec![("GW0104", "metadata.labels.expose".to_string())]
    );
    let gateway = &world.gateways[0];
    assert_eq!(
        gateway.meta.labels.get("expose").map(String::as_str),
        Some("true")
    );
    let names: Vec<(usize, &str)> = gateway
        .listeners
        .iter()
        .map(|l| (l.index, l.name.as_str()))
        .collect();
    assert_eq!(names, vec![(0, "a"), (2, "c")]);
    assert_eq!(gateway.listeners[0].port, Some(80));
    assert_eq!(gateway.listeners[0].protocol, Known::Unknown("http".into()));
    assert_eq!(gateway.listeners[1].port, None);
    assert_eq!(
        gateway.listeners[1].tls.as_ref().unwrap().mode,
        Known::Unknown("passthrough".into())
    );
}

#[test]
fn http_routes_get_their_crd_defaults() {
    let (world, diags) = build_json(vec![route(
        "HTTPRoute",
        json!({
        "parentRefs": [{"name": "gw", "namespace": "infra", "sectionName": "http"}, {"name": "gw2"}],
        "hostnames": ["example.com"],
        "rules": [
            {"backendRefs": [{"name": "app", "port": 8080}]},
            {"matches": [{"headers": [{"name": "version", "value": "two"}]},
                         {"path": {"type": "Exact", "value": "/exact"}, "method": "GET"}],
             "filters": [{"type": "RequestRedirect", "requestRedirect": {"scheme": "https"}}]},
        ]}),
    )]);
    assert!(diags.is_empty(), "{diags:?}");
    let route = &world.routes[0];
    assert_eq!(route.kind, RouteKind::Http);
    assert_eq!(route.parent_refs[0].namespace, "infra");
    assert!(route.parent_refs[0].namespace_set);
    assert_eq!(route.parent_refs[1].namespace, "web");
    assert!(!route.parent_refs[1].namespace_set);
    assert_eq!(route.parent_refs[1].kind, "Gateway");
    assert_eq!(route.parent_refs[1].group, GATEWAY_GROUP);
    assert_eq!(route.hostnames, vec!["example.com"]);
    let [first, second] = route.rules.as_slice() else {
        panic!("two rules")
    };
    let [RouteMatch::Http(default_match)] = first.matches.as_slice() else {
        panic!("one default match")
    };
    assert_eq!(
        default_match.path.match_type,
        Known::Known(PathMatchType::PathPrefix)
    );
    assert_eq!(default_match.path.value, "/");
    assert_eq!(
        first.backend_refs[0].object,
        BackendObjectRef {
            group: String::new(),
            kind: "Service".into(),
            name: "app".into(),
            namespace: None,
            port: Some(8080)
        }
    );
    assert_eq!(first.backend_refs[0].weight, 1);
    let [RouteMatch::Http(headers), RouteMatch::Http(exact)] = second.matches.as_slice() else {
        panic!("two matches")
    };
    assert_eq!(headers.path.value, "/");
    assert_eq!(
        headers.headers[0].match_type,
        Known::Known(ValueMatchType::Exact)
    );
    assert_eq!(exact.path.match_type, Known::Known(PathMatchType::Exact));
    assert_eq!(exact.method.as_deref(), Some("GET"));
    let FilterKind::RequestRedirect(redirect) = &second.filters[0].kind else {
        panic!("a redirect")
    };
    assert_eq!(redirect.status_code, 302);
    assert_eq!(redirect.scheme.as_deref(), Some("https"));
}

#[test]
fn http_routes_breaking_their_rules_are_read_as_written() {
    let (world, diags) = build_json(vec![route(
        "HTTPRoute",
        json!({
        "parentRefs": [{"name": "gw"}],
        "hostnames": ["Bad.Example"],
        "rules": [
            {"backendRefs": [{"name": "no-port"}, {"name": "other", "kind": "Backend", "group": "x.io"}]},
            {"matches": [{"path": {"type": "Exact", "value": "/old"}}],
             "filters": [
                 {"type": "RequestRedirect", "requestRedirect": {"statusCode": 404}},
                 {"type": "URLRewrite", "urlRewrite": {"path": {"type": "ReplacePrefixMatch", "replacePrefixMatch": "/new"}}},
             ],
             "backendRefs": [{"name": "app", "port": 80}]},
            {"matches": [{"path": {"value": "no-slash"}}],
             "filters": [
                 {"type": "RequestHeaderModifier", "requestHeaderModifier": {"set": [{"name": "a", "value": "1"}]}},
                 {"type": "RequestHeaderModifier"},
                 {"type": "Rewrite"},
             ]},
        ]}),
    )]);
    assert!(diags.is_empty(), "{diags:?}");
    let rules = &world.routes[0].rules;
    assert_eq!(rules[0].backend_refs.len(), 2);
    assert!(matches!(
        &rules[1].filters[1].kind,
        FilterKind::UrlRewrite(rewrite) if rewrite.path == Some(PathModifier::ReplacePrefixMatch("/new".into()))
    ));
    assert_eq!(
        rules[2].filters[2].kind,
        FilterKind::Unknown("Rewrite".into())
    );
}

#[test]
fn grpc_and_layer4_routes() {
    let (world, diags) = build_json(vec![
        route(
            "GRPCRoute",
            json!({"parentRefs": [{"name": "gw"}], "rules": [
                {"matches": [{"method": {"service": "echo.Echo", "method": "Echo"}}],
                 "filters": [{"type": "URLRewrite", "urlRewrite": {}}],
                 "backendRefs": [{"name": "grpc", "port": 50051, "weight": 3}]}]}),
        ),
        route(
            "TLSRoute",
            json!({"parentRefs": [{"name": "gw"}], "hostnames": ["*.example.com"],
                   "rules": [{"backendRefs": [{"name": "tls", "port": 443}]}]}),
        ),
        route(
            "UDPRoute",
            json!({"rules": [{"backendRefs": [{"name": "dns", "port": 53}]}]}),
        ),
    ]);
    assert_eq!(
        findings(&diags)
            .into_iter()
            .map(|(code, _, path)| (code, path))
            .collect::<Vec<_>>(),
        Vec::<(&str, String)>::new()
    );
    let [grpc, tls, udp] = world.routes.as_slice() else {
        panic!("three routes")
    };
    let [RouteMatch::Grpc(method)] = grpc.rules[0].matches.as_slice() else {
        panic!("one gRPC match")
    };
    assert_eq!(method.match_type, Known::Known(ValueMatchType::Exact));
    assert_eq!(method.service.as_deref(), Some("echo.Echo"));
    assert_eq!(grpc.rules[0].backend_refs[0].weight, 3);
    assert_eq!(tls.kind, RouteKind::Tls);
    assert_eq!(tls.hostnames, vec!["*.example.com"]);
    assert!(tls.rules[0].matches.is_empty());
    assert_eq!(udp.kind, RouteKind::Udp);
    assert!(udp.parent_refs.is_empty());
}

#[test]
fn listener_sets_default_their_parent_ref() {
    let (world, diags) = build_json(vec![
        json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "ListenerSet",
               "metadata": {"name": "ls", "namespace": "apps"},
               "spec": {"parentRef": {"name": "gw"},
                        "listeners": [{"name": "l", "port": 80, "protocol": "HTTP"}]}}),
        json!({"apiVersion": "gateway.networking.x-k8s.io/v1alpha1", "kind": "XListenerSet",
               "metadata": {"name": "old"}, "spec": {"parentRef": {"name": "gw", "namespace": "infra"}}}),
        json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "ListenerSet",
               "metadata": {"name": "orphan"}, "spec": {"listeners": []}}),
    ]);
    assert_eq!(
        findings(&diags)
            .into_iter()
            .map(|(code, _, path)| (code, path))
            .collect::<Vec<_>>(),
        Vec::<(&str, String)>::new()
    );
    let [ls, old] = world.listener_sets.as_slice() else {
        panic!("two listener sets")
    };
    assert_eq!(ls.parent_ref.kind, "Gateway");
    assert_eq!(ls.parent_ref.group, GATEWAY_GROUP);
    assert_eq!(ls.parent_ref.namespace, "apps");
    assert_eq!(ls.listeners.len(), 1);
    assert_eq!(old.meta.kind, "XListenerSet");
    assert_eq!(old.parent_ref.namespace, "infra");
}

#[test]
fn reference_grants_and_backend_tls_policies() {
    let (world, diags) = build_json(vec![
        json!({"apiVersion": "gateway.networking.k8s.io/v1beta1", "kind": "ReferenceGrant",
               "metadata": {"name": "g", "namespace": "app"},
               "spec": {"from": [{"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "namespace": "web"}],
                        "to": [{"group": "", "kind": "Service"}, {"kind": "Secret", "name": "s"}]}}),
        json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "BackendTLSPolicy",
               "metadata": {"name": "p"},
               "spec": {"targetRefs": [{"group": "", "kind": "Service", "name": "svc"}],
                        "validation": {"caCertificateRefs": [{"group": "", "kind": "ConfigMap", "name": "ca"}],
                                       "hostname": "backend.example.com",
                                       "subjectAltNames": [{"type": "Hostname", "hostname": "alt.example.com"}]}}}),
    ]);
    assert_eq!(
        findings(&diags)
            .into_iter()
            .map(|(code, _, path)| (code, path))
            .collect::<Vec<_>>(),
        Vec::<(&str, String)>::new()
    );
    let grant = &world.reference_grants[0];
    assert_eq!(grant.from[0].namespace, "web");
    assert_eq!(grant.to[0].name, None);
    assert_eq!(grant.to[1].name.as_deref(), Some("s"));
    let policy = &world.backend_tls_policies[0];
    assert_eq!(policy.target_refs[0].name, "svc");
    assert_eq!(policy.ca_certificate_refs[0].kind, "ConfigMap");
    assert_eq!(policy.hostname.as_deref(), Some("backend.example.com"));
    assert_eq!(policy.subject_alt_names, vec!["alt.example.com"]);
}

#[test]
fn wrong_shapes_never_lose_the_object() {
    let (world, diags) = build_json(vec![route(
        "HTTPRoute",
        json!({"parentRefs": {"name": "gw"}, "hostnames": "example.com", "rules": [
            "not a rule", {"matches": {"path": "/"}, "backendRefs": [{"name": "a", "port": 1, "weight": "x"}]}]}),
    )]);
    assert_eq!(
        findings(&diags)
            .into_iter()
            .map(|(code, _, path)| (code, path))
            .collect::<Vec<_>>(),
        Vec::<(&str, String)>::new()
    );
    let route = &world.routes[0];
    assert!(route.parent_refs.is_empty());
    assert_eq!(route.rules.len(), 1);
    assert_eq!(route.rules[0].index, 1);
    assert_eq!(route.rules[0].matches.len(), 1);
    assert_eq!(route.rules[0].backend_refs[0].weight, 1);
}

#[test]
fn many_routes_build_in_one_linear_pass() {
    let documents: Vec<Json> = (0..2000)
        .map(|i| {
            json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
                   "metadata": {"name": format!("r{i}")},
                   "spec": {"parentRefs": [{"name": "gw"}],
                            "rules": [{"matches": [{"path": {"type": "PathPrefix", "value": format!("/p{i}")}}],
                                       "backendRefs": [{"name": "app", "port": 80}]}]}})
        })
        .collect();
    let (world, diags) = build_json(documents);
    assert!(diags.is_empty());
    assert_eq!(world.routes.len(), 2000);
    assert_eq!(world.routes[1999].meta.order, 1999);
}

#[test]
fn diagnostics_from_real_yaml_resolve_to_the_field() {
    let text = "\
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: g
spec:
  gatewayClassName: c
  listeners:
  - name: http
    port: \"80\"
    protocol: HTTP
---
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Service
  metadata: {name: s}
  spec:
    ports:
    - port: 80
      protocol: tcp
";
    let sources = super::test_support::parse(text);
    let (world, diags) = build(
        &sources,
        &BuildOptions::default(),
        super::test_support::schemas(),
    );
    assert_eq!(world.gateways[0].listeners[0].port, Some(80));
    assert_eq!(world.services.len(), 1);
    let positions: Vec<(&str, usize, usize)> = diags
        .iter()
        .map(|d| {
            let resolved = d
                .location
                .as_ref()
                .and_then(|l| crate::input::resolve(&sources, l))
                .expect("resolves");
            (d.rule.code, resolved.line, resolved.column)
        })
        .collect();
    // The Gateway's quoted port is admission's; the Service's protocol is the model's.
    assert_eq!(positions, vec![("GW0105", 21, 7)]);
}

/// Every conformance case builds without error-level schema diagnostics.
#[test]
fn conformance_manifests_build_cleanly() {
    // The corpus the integration tests read (`tests/it/conformance.rs`).
    let cases = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/conformance");
    let entries = std::fs::read_dir(&cases)
        .unwrap_or_else(|e| panic!("the conformance corpus {}: {e}", cases.display()));
    let mut failures = Vec::new();
    let mut read = 0;
    for entry in entries.flatten() {
        let Ok(text) = std::fs::read_to_string(entry.path().join("manifests.yaml")) else {
            continue;
        };
        let sources = super::test_support::parse(&text);
        let (world, diags) = build(
            &sources,
            &BuildOptions::default(),
            super::test_support::schemas(),
        );
        read += world.gateways.len();
        for d in diags.iter().filter(|d| d.severity == Severity::Error) {
            failures.push(format!(
                "{}: {} {} {:?}",
                entry.file_name().to_string_lossy(),
                d.rule.code,
                d.message,
                d.location
            ));
        }
    }
    assert!(read > 0 || failures.is_empty());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The example data of the repository builds without any diagnostic.
#[test]
fn testdata_builds_cleanly() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/acme");
    let mut files = 0;
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let Ok(text) = std::fs::read_to_string(entry.path()) else {
            continue;
        };
        files += 1;
        let (_, diags) = build(
            &super::test_support::parse(&text),
            &BuildOptions::default(),
            super::test_support::schemas(),
        );
        assert!(diags.is_empty(), "{}: {diags:?}", entry.path().display());
    }
    assert!(files > 0);
}

#[test]
fn unknown_metadata_fields_are_reported_with_the_nearest_name() {
    let (world, diags) = build_json(vec![json!({
        "apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
        "metadata": {"name": "r", "namespace": "web", "label": {"a": "b"}},
        "spec": {"parentRefs": [{"name": "gw", "sectionname": "http"}],
                 "hostname": "example.com",
                 "x-custom": true,
                 "rules": [{"backendRef": [{"name": "a", "port": 80}], "timeouts": {"request": "1s"}}]}})]);
    let found: Vec<(&str, String, Option<String>)> = diags
        .iter()
        .map(|d| {
            let Some(Location::Field { path, .. }) = &d.location else {
                panic!()
            };
            (d.rule.code, path.to_string(), d.help.clone())
        })
        .collect();
    // Unknown fields of the spec are admission's (against the CRD).
    assert_eq!(
        found,
        vec![(
            "GW0118",
            "metadata.label".to_string(),
            Some("did you mean `labels`?".to_string())
        )]
    );
    assert_eq!(diags[0].severity, Severity::Error);
    assert!(world.routes[0].rules[0].backend_refs.is_empty());
}

#[test]
fn a_large_input_read_on_several_threads_keeps_input_order() {
    // Over `parallel::MIN_PARALLEL_BYTES`, so the documents are read in groups.
    let mut text = String::new();
    let mut n = 0;
    while text.len() <= crate::parallel::MIN_PARALLEL_BYTES * 2 {
        text.push_str(&format!(
            "---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns-{n}\n  labelz: {{}}\n\
             ---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d-{n}\n\
             ---\napiVersion: v1\nkind: Service\nmetadata:\n  name: s-{n}\n  namespace: ns-{n}\n"
        ));
        n += 1;
    }
    let (world, diags) = build(
        &super::test_support::parse(&text),
        &BuildOptions::default(),
        super::test_support::schemas(),
    );
    assert_eq!(world.namespaces.len(), n);
    assert_eq!(world.services.len(), n);
    assert_eq!(world.ignored.get("apps/Deployment"), Some(&n));
    for (i, (ns, svc)) in world.namespaces.iter().zip(&world.services).enumerate() {
        assert_eq!(ns.meta.name, format!("ns-{i}"));
        assert_eq!((ns.meta.order, svc.meta.order), (2 * i, 2 * i + 1));
    }
    // One unknown-field finding per Namespace, in document order.
    let docs: Vec<usize> = diags
        .iter()
        .filter_map(|d| match &d.location {
            Some(Location::Field {
                origin: Origin::Document { doc, .. },
                ..
            }) => Some(*doc),
            _ => None,
        })
        .collect();
    assert_eq!(docs.len(), n);
    assert!(
        docs.windows(2).all(|w| w[0] < w[1]),
        "findings out of order"
    );
}
