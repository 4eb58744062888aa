//! Rendering `gwctl simulate`: the human trace (gateway → listener → route/rule/match →
//! backend, or the near misses of a 404), the `gwctl/v1` SimulationReport JSON, and the
//! pass/fail table of `--requests`.

use serde_json::{Map, Value, json};

use super::Style;
use super::grid::{finish, plain_table};
use crate::engine::BackendVerdict;
use crate::engine::routing::expect::{Check, status_text};
use crate::engine::routing::{Outcome, Request, RequestProtocol, RouteResult};

/// One request of a `--requests` file, with its results and checks.
#[derive(Debug, Clone, Copy)]
pub struct Case<'a> {
    pub name: &'a str,
    pub request: &'a Request,
    pub results: &'a [RouteResult],
    pub checks: &'a [Check],
}

/// What `gwctl simulate` renders: one request (its checks from `--expect-*`), or the
/// requests of a `--requests` file.
#[derive(Debug, Clone, Copy)]
pub enum Simulation<'a> {
    Request(Case<'a>),
    Suite(&'a [Case<'a>]),
}

/// The human trace or pass/fail table.
pub fn human(simulation: &Simulation<'_>, style: &Style) -> String {
    match simulation {
        Simulation::Request(c) => trace_human(c.request, c.results, c.checks, style),
        Simulation::Suite(cases) => suite_human(cases, style),
    }
}

/// The SimulationReport, or the SimulationSuiteReport of a `--requests` run.
pub fn json(simulation: &Simulation<'_>) -> String {
    match simulation {
        Simulation::Request(c) => report_json(c.request, c.results, c.checks),
        Simulation::Suite(cases) => suite_json(cases),
    }
}

impl Case<'_> {
    pub fn passed(&self) -> bool {
        self.checks.iter().all(|c| c.passed)
    }
}

/// The SimulationReport of one request (`report-format.md`); `checks` (from
/// `--expect-*`) are added when given.
fn report_json(request: &Request, results: &[RouteResult], checks: &[Check]) -> String {
    let mut report = json!({
        "apiVersion": "gwctl/v1",
        "kind": "SimulationReport",
        "request": request_json(request),
        "results": results.iter().map(result_json).collect::<Vec<_>>(),
    });
    if let (Value::Object(map), false) = (&mut report, checks.is_empty()) {
        map.insert("checks".into(), checks_json(checks));
    }
    pretty(&report)
}

fn checks_json(checks: &[Check]) -> Value {
    Value::Array(
        checks
            .iter()
            .map(|k| {
                json!({
                    "check": k.what, "expected": k.expected, "actual": k.actual, "passed": k.passed,
                })
            })
            .collect(),
    )
}

/// The report of a `--requests` run: every case with its results and checks.
fn suite_json(cases: &[Case<'_>]) -> String {
    let passed = cases.iter().filter(|c| c.passed()).count();
    let report = SuiteReport {
        api_version: "gwctl/v1",
        kind: "SimulationSuiteReport",
        summary: json!({"requests": cases.len(), "passed": passed, "failed": cases.len() - passed}),
        cases: SuiteCases(cases),
    };
    let mut text = serde_json::to_string_pretty(&report).unwrap_or_default();
    text.push('\n');
    text
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct SuiteReport<'a> {
    api_version: &'static str,
    kind: &'static str,
    summary: Value,
    cases: SuiteCases<'a>,
}

/// The cases, each turned into JSON only while it is written: a run of 100,000 requests
/// never holds the whole report as a JSON tree.
struct SuiteCases<'a>(&'a [Case<'a>]);

impl serde::Serialize for SuiteCases<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|c| {
            json!({
                "name": c.name,
                "passed": c.passed(),
                "request": request_json(c.request),
                "checks": checks_json(c.checks),
                "results": c.results.iter().map(result_json).collect::<Vec<_>>(),
            })
        }))
    }
}

fn pretty(value: &Value) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

fn pairs(items: &[(String, String)]) -> Value {
    let mut map = Map::new();
    for (k, v) in items {
        // Several values of one name are joined with `,`, as the report format says.
        match map.get_mut(k) {
            Some(Value::String(existing)) => {
                existing.push(',');
                existing.push_str(v);
            }
            _ => {
                map.insert(k.clone(), Value::String(v.clone()));
            }
        }
    }
    Value::Object(map)
}

fn request_json(request: &Request) -> Value {
    let (path, query) = split_query(request);
    let mut value = json!({
        "host": request.host.clone().unwrap_or_default(),
        "method": request.method,
        "path": path,
        "headers": pairs(&request.headers),
        "query": pairs(&query),
    });
    if let Value::Object(map) = &mut value {
        if let Some(g) = &request.gateway {
            map.insert(
                "gateway".into(),
                json!({"namespace": g.namespace, "name": g.name}),
            );
        }
        if let Some(port) = request.port {
            map.insert("port".into(), json!(port));
        }
        if let Some(scheme) = request.scheme {
            map.insert("scheme".into(), json!(scheme.as_str()));
        }
        if let Some(sni) = &request.sni {
            map.insert("sni".into(), json!(sni));
        }
        if request.protocol != RequestProtocol::Http {
            map.insert("protocol".into(), json!(request.protocol.as_str()));
        }
        if let Some((service, method)) = &request.grpc {
            map.insert("grpc".into(), json!({"service": service, "method": method}));
        }
    }
    value
}

fn split_query(request: &Request) -> (String, Vec<(String, String)>) {
    let (path, raw) = request
        .path
        .split_once('?')
        .unwrap_or((request.path.as_str(), ""));
    let mut query: Vec<(String, String)> = raw
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (k.to_string(), v.to_string())
        })
        .collect();
    query.extend(request.query.iter().cloned());
    (path.to_string(), query)
}

fn result_json(r: &RouteResult) -> Value {
    let mut map = Map::new();
    map.insert(
        "gateway".into(),
        json!({"namespace": r.gateway.namespace, "name": r.gateway.name}),
    );
    map.insert("port".into(), json!(r.port));
    map.insert(
        "listener".into(),
        json!(r.listener.as_ref().map(|l| l.name.clone())),
    );
    if let Some(l) = r.listener.as_ref().filter(|l| l.owner_kind != "Gateway") {
        map.insert(
            "listenerSet".into(),
            json!({"namespace": l.owner.namespace, "name": l.owner.name}),
        );
    }
    map.insert("outcome".into(), json!(r.outcome.report_name()));
    if r.outcome.report_name() != r.outcome.as_str() {
        map.insert("outcomeDetail".into(), json!(r.outcome.as_str()));
    }
    map.insert("statusCode".into(), json!(r.status_code));
    if let Some(grpc) = r.grpc_status {
        map.insert("grpcStatus".into(), json!(grpc.as_str()));
    }
    if let Some(location) = &r.location {
        map.insert("location".into(), json!(location));
    }
    map.insert(
        "route".into(),
        r.route.as_ref().map_or(Value::Null, |route| {
            json!({"kind": route.kind.as_str(), "namespace": route.namespace, "name": route.name})
        }),
    );
    map.insert("ruleIndex".into(), json!(r.rule_index));
    map.insert("matchIndex".into(), json!(r.match_index));
    map.insert(
        "backends".into(),
        Value::Array(
            r.backends
                .iter()
                .map(|b| {
                    let mut backend = json!({
                        "kind": b.kind, "namespace": b.namespace, "name": b.name,
                        "port": b.port, "weight": b.weight,
                    });
                    if let (Value::Object(m), BackendVerdict::Invalid { reason, message }) =
                        (&mut backend, &b.verdict)
                    {
                        m.insert(
                            "invalid".into(),
                            json!({"reason": reason, "message": message}),
                        );
                    }
                    backend
                })
                .collect(),
        ),
    );
    if let Some(sent) = &r.backend_request {
        map.insert(
            "backendRequest".into(),
            json!({
                "host": sent.host, "path": sent.path, "method": sent.method,
                "headers": pairs(&sent.headers),
            }),
        );
    }
    map.insert("responseHeaders".into(), pairs(&r.response_headers));
    map.insert(
        "mirrors".into(),
        Value::Array(
            r.mirrors
                .iter()
                .map(|m| json!({"namespace": m.namespace, "name": m.name, "port": m.port, "percent": m.percent}))
                .collect(),
        ),
    );
    map.insert(
        "nearMisses".into(),
        Value::Array(
            r.near_misses
                .iter()
                .map(|n| {
                    json!({
                        "route": {"kind": n.route.kind.as_str(), "namespace": n.route.namespace, "name": n.route.name},
                        "reason": n.reason, "message": n.message,
                    })
                })
                .collect(),
        ),
    );
    map.insert("explanation".into(), json!(r.explanation));
    Value::Object(map)
}

/// `GET shop.example.com /cart?id=7`, and the gRPC call or protocol when not plain HTTP.
fn request_line(request: &Request) -> String {
    let host = request.host.as_deref().unwrap_or("(no Host)");
    match (request.protocol, &request.grpc) {
        (RequestProtocol::Grpc, Some((service, method))) => {
            format!("gRPC {service}/{method} host {host}")
        }
        (RequestProtocol::Tls, _) => format!(
            "TLS connection, SNI {}",
            request
                .sni
                .as_deref()
                .or(request.host.as_deref())
                .unwrap_or("(none)")
        ),
        (RequestProtocol::Tcp, _) => "TCP connection".to_string(),
        (RequestProtocol::Udp, _) => "UDP datagrams".to_string(),
        _ => {
            let (path, query) = split_query(request);
            let query = query
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("&");
            let mut line = format!("{} {host} {path}", request.method);
            if !query.is_empty() {
                line.push('?');
                line.push_str(&query);
            }
            for (name, value) in &request.headers {
                line.push_str(&format!("\n  {name}: {value}"));
            }
            line
        }
    }
}

/// One result: a headline and the trace.
fn result_text(out: &mut String, r: &RouteResult, style: &Style) {
    let port = r.port.map(|p| format!(" port {p}")).unwrap_or_default();
    // Connections have no status code: the outcome says it all.
    let status = if r.status_code.is_some() || r.grpc_status.is_some() {
        format!(" {}", status_text(r))
    } else {
        String::new()
    };
    out.push_str(&format!(
        "Gateway {}{port}: {}{status}\n",
        r.gateway,
        style.verdict(r.is_success(), r.outcome.as_str()),
    ));
    for line in &r.explanation {
        out.push_str(&format!("  {line}\n"));
    }
    if r.outcome == Outcome::Routed {
        if let Some(sent) = &r.backend_request {
            out.push_str(&format!(
                "  backend receives: {} {} {}\n",
                sent.method,
                if sent.host.is_empty() {
                    "(no Host)"
                } else {
                    &sent.host
                },
                sent.path
            ));
            for (name, value) in &sent.headers {
                out.push_str(&format!("    {name}: {value}\n"));
            }
        }
    }
    if !r.response_headers.is_empty() {
        out.push_str("  response headers:\n");
        for (name, value) in &r.response_headers {
            out.push_str(&format!("    {name}: {value}\n"));
        }
    }
    for m in &r.mirrors {
        out.push_str(&format!(
            "  mirrored to Service {}/{}{} ({}%)\n",
            m.namespace,
            m.name,
            m.port.map(|p| format!(":{p}")).unwrap_or_default(),
            m.percent
        ));
    }
}

/// The human trace of one request, then the `--expect-*` checks when given.
fn trace_human(
    request: &Request,
    results: &[RouteResult],
    checks: &[Check],
    style: &Style,
) -> String {
    let mut out = format!("{}\n\n", request_line(request));
    for (i, r) in results.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        result_text(&mut out, r, style);
    }
    if !checks.is_empty() {
        out.push('\n');
    }
    for k in checks {
        let verdict = style.verdict(k.passed, if k.passed { "pass" } else { "FAIL" });
        out.push_str(&format!(
            "expect {} {}: {verdict} (got {})\n",
            k.what, k.expected, k.actual
        ));
    }
    out
}

/// The pass/fail table of a `--requests` run, then the trace of every failed request.
pub fn suite_human(cases: &[Case<'_>], style: &Style) -> String {
    let mut table = plain_table(["REQUEST", "RESULT", "CHECKS", "VERDICT"]);
    for c in cases {
        let results = c
            .results
            .iter()
            .map(|r| {
                let port = r.port.map(|p| format!(":{p}")).unwrap_or_default();
                format!("{}{port} {}", r.gateway.name, status_text(r))
            })
            .collect::<Vec<_>>()
            .join("\n");
        let checks = c
            .checks
            .iter()
            .map(|k| {
                if k.passed {
                    format!("{} {}", k.what, k.expected)
                } else {
                    format!("{} {} (got {})", k.what, k.expected, k.actual)
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        let verdict = if c.passed() { "pass" } else { "FAIL" };
        table.add_row(vec![
            c.name.to_string(),
            results,
            checks,
            style.verdict(c.passed(), verdict),
        ]);
    }
    let mut out = finish(&table);
    for c in cases.iter().filter(|c| !c.passed()) {
        out.push_str(&format!("\n{}: {}\n", c.name, request_line(c.request)));
        for r in c.results {
            result_text(&mut out, r, style);
        }
    }
    let passed = cases.iter().filter(|c| c.passed()).count();
    out.push_str(&format!(
        "\n{passed} of {} requests passed, {} failed\n",
        cases.len(),
        cases.len() - passed
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::routing::{NamespacedName, RouteRef};
    use crate::model::RouteKind;

    fn not_found() -> RouteResult {
        let gateway = NamespacedName {
            namespace: "infra-ns".into(),
            name: "shared-gateway".into(),
        };
        let mut r = crate::engine::routing::RouteResult::new(gateway, Some(80), Outcome::NotFound);
        r.status_code = Some(404);
        r.explanation = vec!["no HTTPRoute matches".into()];
        r.near_misses.push(crate::engine::routing::NearMiss {
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

    #[test]
    fn json_has_the_report_fields() {
        let request = Request {
            path: "/hr?a=1".into(),
            ..Request::default()
        };
        let text = report_json(&request, &[not_found()], &[]);
        let value: Value = serde_json::from_str(&text).unwrap_or_default();
        assert_eq!(value["kind"], "SimulationReport");
        assert_eq!(value["request"]["path"], "/hr");
        assert_eq!(value["request"]["query"]["a"], "1");
        let result = &value["results"][0];
        assert_eq!(result["outcome"], "NotFound");
        assert_eq!(result["statusCode"], 404);
        assert_eq!(result["route"], Value::Null);
        assert_eq!(result["nearMisses"][0]["reason"], "NotAllowedByListeners");
        assert!(result.get("grpcStatus").is_none());
    }

    #[test]
    fn human_and_table_name_the_outcome() {
        let request = Request::default();
        let results = [not_found()];
        let text = trace_human(&request, &results, &[], &Style::plain());
        assert!(
            text.contains("Gateway infra-ns/shared-gateway port 80: NotFound 404"),
            "{text}"
        );
        let checks = [Check {
            what: "status".into(),
            expected: "200".into(),
            actual: "404".into(),
            passed: false,
        }];
        let case = Case {
            name: "hr",
            request: &request,
            results: &results,
            checks: &checks,
        };
        let table = suite_human(&[case], &Style::plain());
        assert!(table.contains("FAIL"), "{table}");
        assert!(table.contains("0 of 1 requests passed"), "{table}");
    }
}
