//! The benchmark world: 2,000 namespaces, 100 Gateways and 20,000 HTTPRoutes (about 24 MB),
//! generated deterministically so every run measures the same bytes; scaled versions of it
//! (one namespace per 10 routes, one Gateway per 200) for growth series and large inputs;
//! and the routes as `kubectl get httproutes -A -o json | jq -c` prints them.

#![allow(dead_code)] // each bench binary uses part of it

use std::fmt::Write;

pub const NAMESPACES: usize = 2_000;
pub const GATEWAYS: usize = 100;
pub const ROUTES: usize = 20_000;

/// The whole world as one multi-document YAML stream.
pub fn generate() -> String {
    generate_scaled(ROUTES)
}

/// The world with `routes` HTTPRoutes, and namespaces and Gateways in the same proportion
/// as [`generate`]'s (which is `generate_scaled(ROUTES)`).
pub fn generate_scaled(routes: usize) -> String {
    let (namespaces, gateways) = scale(routes);
    let mut out = String::with_capacity(routes * 1_250);
    out.push_str(
        "apiVersion: gateway.networking.k8s.io/v1\nkind: GatewayClass\nmetadata:\n  name: bench\nspec:\n  controllerName: example.com/bench\n",
    );
    for g in 0..gateways {
        let ns = format!("infra-{}", g % 10);
        if g < 10 {
            namespace(&mut out, &ns, false);
        }
        gateway(&mut out, g, &ns);
    }
    for n in 0..namespaces {
        let ns = format!("team-{n}");
        // One namespace in ten lacks the label the Selector listeners ask for.
        namespace(&mut out, &ns, n % 10 != 0);
        service(&mut out, &ns, "web");
        service(&mut out, &ns, "api");
    }
    for r in 0..routes {
        route(&mut out, r, namespaces, gateways);
    }
    out
}

/// Namespaces and Gateways of a world of `routes` routes.
fn scale(routes: usize) -> (usize, usize) {
    (
        (routes * NAMESPACES / ROUTES).max(1),
        (routes * GATEWAYS / ROUTES).max(1),
    )
}

fn namespace(out: &mut String, name: &str, labelled: bool) {
    let _ = write!(
        out,
        "---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: {name}\n"
    );
    if labelled {
        out.push_str("  labels:\n    shared-gateway-access: \"true\"\n    tier: apps\n");
    }
}

fn gateway(out: &mut String, g: usize, ns: &str) {
    let _ = write!(
        out,
        r#"---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: gw-{g}
  namespace: {ns}
spec:
  gatewayClassName: bench
  listeners:
  - name: http
    protocol: HTTP
    port: 80
    hostname: "*.gw{g}.example.com"
    allowedRoutes:
      namespaces:
        from: Selector
        selector:
          matchLabels:
            shared-gateway-access: "true"
          matchExpressions:
          - key: tier
            operator: In
            values: [apps, web]
  - name: https
    protocol: HTTPS
    port: 443
    hostname: "*.gw{g}.example.com"
    tls:
      certificateRefs:
      - name: gw-{g}-cert
    allowedRoutes:
      namespaces:
        from: All
  - name: plain
    protocol: HTTP
    port: 8080
    allowedRoutes:
      namespaces:
        from: All
---
apiVersion: v1
kind: Secret
metadata:
  name: gw-{g}-cert
  namespace: {ns}
type: kubernetes.io/tls
data:
  tls.crt: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUJiZW5jaAotLS0tLUVORCBDRVJUSUZJQ0FURS0tLS0tCg==
  tls.key: LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCk1JSUViZW5jaAotLS0tLUVORCBQUklWQVRFIEtFWS0tLS0tCg==
"#
    );
}

fn service(out: &mut String, ns: &str, name: &str) {
    let _ = write!(
        out,
        "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\n  namespace: {ns}\nspec:\n  selector:\n    app: {name}\n  ports:\n  - name: http\n    port: 8080\n    targetPort: 8080\n"
    );
}

fn route(out: &mut String, r: usize, namespaces: usize, gateways: usize) {
    let n = r % namespaces;
    let g = r % gateways;
    let ns = format!("infra-{}", g % 10);
    let _ = write!(
        out,
        r#"---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: route-{r}
  namespace: team-{n}
spec:
  parentRefs:
  - name: gw-{g}
    namespace: {ns}
    sectionName: http
  - name: gw-{g}
    namespace: {ns}
    sectionName: plain
  hostnames:
  - app-{r}.gw{g}.example.com
  rules:
  - matches:
    - path:
        type: PathPrefix
        value: /api/v{v}
      headers:
      - name: x-tenant
        value: tenant-{r}
    - path:
        type: Exact
        value: /api/v{v}/health
      method: GET
    filters:
    - type: RequestHeaderModifier
      requestHeaderModifier:
        set:
        - name: x-route
          value: route-{r}
    backendRefs:
    - name: api
      port: 8080
      weight: 90
    - name: web
      port: 8080
      weight: 10
  - matches:
    - path:
        type: PathPrefix
        value: /static
      queryParams:
      - name: version
        value: "{v}"
    backendRefs:
    - name: web
      port: 8080
  - matches:
    - path:
        type: PathPrefix
        value: /old
    filters:
    - type: RequestRedirect
      requestRedirect:
        scheme: https
        statusCode: 301
"#,
        v = r % 7
    );
}

/// The routes of the world of `routes` routes as `kubectl get httproutes -A -o json | jq -c`
/// prints them: one line, `{"apiVersion":"v1","kind":"List","items":[...]}`, each item with
/// the server's metadata, the `kubectl apply` annotation (the object again, as an escaped
/// JSON string) and the status a controller wrote.
pub fn json_list(routes: usize) -> String {
    let (namespaces, gateways) = scale(routes);
    let mut out = String::with_capacity(routes * 3_200);
    out.push_str(r#"{"apiVersion":"v1","kind":"List","items":["#);
    for r in 0..routes {
        if r > 0 {
            out.push(',');
        }
        out.push_str(&route_json(r, namespaces, gateways).to_string());
    }
    out.push_str(r#"],"metadata":{"resourceVersion":""}}"#);
    out.push('\n');
    out
}

fn route_json(r: usize, namespaces: usize, gateways: usize) -> serde_json::Value {
    use serde_json::json;
    let n = r % namespaces;
    let g = r % gateways;
    let ns = format!("infra-{}", g % 10);
    let v = r % 7;
    let spec = json!({
        "parentRefs": [
            {"group": "gateway.networking.k8s.io", "kind": "Gateway", "name": format!("gw-{g}"),
             "namespace": ns, "sectionName": "http"},
            {"group": "gateway.networking.k8s.io", "kind": "Gateway", "name": format!("gw-{g}"),
             "namespace": ns, "sectionName": "plain"},
        ],
        "hostnames": [format!("app-{r}.gw{g}.example.com")],
        "rules": [
            {
                "matches": [
                    {"path": {"type": "PathPrefix", "value": format!("/api/v{v}")},
                     "headers": [{"type": "Exact", "name": "x-tenant", "value": format!("tenant-{r}")}]},
                    {"path": {"type": "Exact", "value": format!("/api/v{v}/health")}, "method": "GET"},
                ],
                "filters": [{"type": "RequestHeaderModifier", "requestHeaderModifier": {
                    "set": [{"name": "x-route", "value": format!("route-{r}")}]}}],
                "backendRefs": [
                    {"group": "", "kind": "Service", "name": "api", "port": 8080, "weight": 90},
                    {"group": "", "kind": "Service", "name": "web", "port": 8080, "weight": 10},
                ],
            },
            {
                "matches": [{"path": {"type": "PathPrefix", "value": "/static"},
                             "queryParams": [{"type": "Exact", "name": "version", "value": v.to_string()}]}],
                "backendRefs": [{"group": "", "kind": "Service", "name": "web", "port": 8080, "weight": 1}],
            },
            {
                "matches": [{"path": {"type": "PathPrefix", "value": "/old"}}],
                "filters": [{"type": "RequestRedirect", "requestRedirect": {"scheme": "https", "statusCode": 301}}],
            },
        ],
    });
    let applied = json!({
        "apiVersion": "gateway.networking.k8s.io/v1",
        "kind": "HTTPRoute",
        "metadata": {"annotations": {}, "name": format!("route-{r}"), "namespace": format!("team-{n}")},
        "spec": spec,
    });
    let condition = |type_: &str, reason: &str| {
        json!({"lastTransitionTime": "2025-01-01T00:00:00Z", "message": "", "observedGeneration": 1,
               "reason": reason, "status": "True", "type": type_})
    };
    let parent_status = |section: serde_json::Value| {
        json!({
            "conditions": [condition("Accepted", "Accepted"), condition("ResolvedRefs", "ResolvedRefs")],
            "controllerName": "example.com/bench",
            "parentRef": section,
        })
    };
    json!({
        "apiVersion": "gateway.networking.k8s.io/v1",
        "kind": "HTTPRoute",
        "metadata": {
            "annotations": {
                "kubectl.kubernetes.io/last-applied-configuration": format!("{applied}\n"),
            },
            "creationTimestamp": "2025-01-01T00:00:00Z",
            "generation": 1,
            "name": format!("route-{r}"),
            "namespace": format!("team-{n}"),
            "resourceVersion": (1_000_000 + r).to_string(),
            "uid": format!("00000000-0000-4000-8000-{r:012}"),
        },
        "spec": applied["spec"].clone(),
        "status": {"parents": [
            parent_status(json!({"group": "gateway.networking.k8s.io", "kind": "Gateway",
                                 "name": format!("gw-{g}"), "namespace": ns, "sectionName": "http"})),
            parent_status(json!({"group": "gateway.networking.k8s.io", "kind": "Gateway",
                                 "name": format!("gw-{g}"), "namespace": ns, "sectionName": "plain"})),
        ]},
    })
}
