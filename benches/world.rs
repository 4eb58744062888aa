//! The benchmark world: 2,000 namespaces, 100 Gateways and 20,000 HTTPRoutes (about 20 MB),
//! generated deterministically so every run measures the same bytes.

use std::fmt::Write;

pub const NAMESPACES: usize = 2_000;
pub const GATEWAYS: usize = 100;
pub const ROUTES: usize = 20_000;

/// The whole world as one multi-document YAML stream.
pub fn generate() -> String {
    let mut out = String::with_capacity(24 << 20);
    out.push_str(
        "apiVersion: gateway.networking.k8s.io/v1\nkind: GatewayClass\nmetadata:\n  name: bench\nspec:\n  controllerName: example.com/bench\n",
    );
    for g in 0..GATEWAYS {
        let ns = format!("infra-{}", g % 10);
        if g < 10 {
            namespace(&mut out, &ns, false);
        }
        gateway(&mut out, g, &ns);
    }
    for n in 0..NAMESPACES {
        let ns = format!("team-{n}");
        // One namespace in ten lacks the label the Selector listeners ask for.
        namespace(&mut out, &ns, n % 10 != 0);
        service(&mut out, &ns, "web");
        service(&mut out, &ns, "api");
    }
    for r in 0..ROUTES {
        route(&mut out, r);
    }
    out
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

fn route(out: &mut String, r: usize) {
    let n = r % NAMESPACES;
    let g = r % GATEWAYS;
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
    port: 8080
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
