//! `gwctl probe`: the simulator's predictions checked against a running Gateway.
//!
//! This module plans the requests (from a `--requests` table, or one representative request
//! per route match: `engine::routing::requests`), turns each simulated result into a
//! [`Prediction`], and compares it with what the Gateway answered ([`Observation`]). It does
//! no I/O: [`client`] sends the requests.

pub mod client;

use crate::engine::Unknown;
use crate::engine::routing::requests::{NamedRequest, http_listeners};
use crate::engine::routing::{
    NamespacedName, Outcome, Request, RequestProtocol, RouteResult, Router, Scheme,
};
use crate::model::{Protocol, World};

/// One request to send: a simulated request fixed to one Gateway port, and its prediction.
#[derive(Debug, Clone)]
pub struct Probe {
    pub name: String,
    /// With `gateway`, `port` and `host` set.
    pub request: Request,
    pub scheme: Scheme,
    pub prediction: Prediction,
    /// Why the request is not sent (gRPC, TLS, TCP, UDP: not an HTTP/1.1 request).
    pub skipped: Option<String>,
}

/// What the simulator says the Gateway answers.
#[derive(Debug, Clone, PartialEq)]
pub struct Prediction {
    pub outcome: Outcome,
    pub status_code: Option<u16>,
    pub location: Option<String>,
    /// The backends that receive traffic (any of them may answer).
    pub backends: Vec<NamespacedName>,
    /// `HTTPRoute ns/name rules[0].matches[1]`, when a route matched.
    pub route: Option<String>,
    /// For an `Undetermined` prediction: the objects that would decide it.
    pub unknowns: Vec<Unknown>,
}

impl Prediction {
    pub fn from_result(result: &RouteResult) -> Self {
        Prediction {
            unknowns: result.unknowns.clone(),
            outcome: result.outcome,
            status_code: result.status_code,
            location: result.location.clone(),
            backends: result
                .receiving_backends()
                .map(|b| NamespacedName {
                    namespace: b.namespace.clone(),
                    name: b.name.clone(),
                })
                .collect(),
            route: result.route.as_ref().map(|route| {
                let mut name = route.to_string();
                if let Some(rule) = result.rule_index {
                    name.push_str(&format!(" rules[{rule}]"));
                }
                if let Some(m) = result.match_index {
                    name.push_str(&format!(".matches[{m}]"));
                }
                name
            }),
        }
    }
}

/// What the Gateway answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observation {
    pub status_code: u16,
    pub location: Option<String>,
    pub backend: Option<ObservedBackend>,
}

/// The backend that answered, as the response names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObservedBackend {
    pub namespace: Option<String>,
    /// A Service name, or a Pod name (`product-7d4b9c-x2x1z`).
    pub name: String,
    /// Where it was read: `header x-backend`, or `body` (the conformance echo server's JSON).
    pub source: String,
}

impl ObservedBackend {
    /// Whether this is `backend`: same namespace when known, and the Service's name or
    /// the name of one of its Pods (`NAME-...`).
    pub fn is(&self, backend: &NamespacedName) -> bool {
        let namespace_ok = self
            .namespace
            .as_deref()
            .is_none_or(|ns| ns == backend.namespace);
        let name_ok = self.name == backend.name
            || self
                .name
                .strip_prefix(backend.name.as_str())
                .is_some_and(|rest| rest.starts_with('-'));
        namespace_ok && name_ok
    }
}

impl std::fmt::Display for ObservedBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.namespace {
            Some(ns) => write!(f, "{ns}/{}", self.name),
            None => f.write_str(&self.name),
        }
    }
}

/// Reads the backend from a response: the `backend_header` (`name` or `namespace/name`),
/// else the `namespace` and `pod` fields of a JSON body (the conformance echo server).
pub fn observed_backend(
    backend_header: &str,
    header_value: Option<&str>,
    body: &[u8],
) -> Option<ObservedBackend> {
    if let Some(value) = header_value.map(str::trim).filter(|v| !v.is_empty()) {
        let (namespace, name) = match value.split_once('/') {
            Some((ns, name)) => (Some(ns.to_string()), name.to_string()),
            None => (None, value.to_string()),
        };
        return Some(ObservedBackend {
            namespace,
            name,
            source: format!("header {backend_header}"),
        });
    }
    let json: serde_json::Value = serde_json::from_slice(body).ok()?;
    let field = |key: &str| {
        json.get(key)
            .and_then(serde_json::Value::as_str)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    Some(ObservedBackend {
        namespace: field("namespace"),
        name: field("pod")?,
        source: "body".to_string(),
    })
}

/// How the Gateway's answer differs from the prediction; empty when they agree.
///
/// For a routed request the status code is the backend's own, so when the response names
/// its backend only the backend is compared; otherwise the status code is.
pub fn compare(prediction: &Prediction, observation: &Observation) -> Vec<String> {
    let mut differences = Vec::new();
    let predicted_status = prediction
        .status_code
        .map_or_else(|| "none".to_string(), |s| s.to_string());
    let status_differs = prediction.status_code != Some(observation.status_code);
    let status = format!(
        "status: predicted {predicted_status} ({}), observed {}",
        prediction.outcome.as_str(),
        observation.status_code
    );
    if prediction.outcome == Outcome::Routed {
        match &observation.backend {
            Some(observed) if !prediction.backends.iter().any(|b| observed.is(b)) => {
                differences.push(format!(
                    "backend: predicted {}, observed {observed} ({})",
                    backend_list(&prediction.backends),
                    observed.source
                ));
            }
            Some(_) => {}
            None if status_differs => differences.push(status),
            None => {}
        }
        return differences;
    }
    if status_differs {
        differences.push(status);
    }
    if let Some(observed) = &observation.backend {
        differences.push(format!(
            "backend: predicted none (the Gateway answers by itself), observed {observed} ({})",
            observed.source
        ));
    }
    if prediction.outcome == Outcome::Redirect && prediction.location != observation.location {
        differences.push(format!(
            "location: predicted {}, observed {}",
            prediction.location.as_deref().unwrap_or("none"),
            observation.location.as_deref().unwrap_or("none")
        ));
    }
    differences
}

/// `a/b, c/d`, or `none`.
pub fn backend_list(backends: &[NamespacedName]) -> String {
    if backends.is_empty() {
        return "none".to_string();
    }
    backends
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The Gateway to probe: the one named, or the only one in the input.
pub fn choose_gateway(
    world: &World,
    wanted: Option<&NamespacedName>,
) -> Result<NamespacedName, String> {
    let names: Vec<NamespacedName> = world
        .gateways
        .iter()
        .map(|g| NamespacedName {
            namespace: g.meta.namespace.clone(),
            name: g.meta.name.clone(),
        })
        .collect();
    let list = || {
        names
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    match (wanted, names.as_slice()) {
        (_, []) => Err("the input has no Gateway to probe".to_string()),
        (Some(wanted), _) if names.contains(wanted) => Ok(wanted.clone()),
        (Some(wanted), _) => Err(format!(
            "Gateway {wanted} is not in the input (Gateways: {})",
            list()
        )),
        (None, [only]) => Ok(only.clone()),
        (None, _) => Err(format!(
            "the input has several Gateways ({}); choose one with --gateway",
            list()
        )),
    }
}

/// The ports of `gateway` with an HTTP or HTTPS listener, ascending.
pub fn http_ports(world: &World, gateway: &NamespacedName) -> Vec<i64> {
    let mut ports: Vec<i64> = http_listeners(world, gateway)
        .filter_map(|(_, l)| l.port)
        .collect();
    ports.sort_unstable();
    ports.dedup();
    ports
}

/// The scheme a client uses on `port`: HTTP when a listener there speaks it, else HTTPS.
pub fn port_scheme(world: &World, gateway: &NamespacedName, port: i64) -> Scheme {
    let plain = http_listeners(world, gateway)
        .any(|(_, l)| l.port == Some(port) && l.protocol.known() == Some(Protocol::Http));
    if plain { Scheme::Http } else { Scheme::Https }
}

/// Routes every request and fixes each result to its Gateway port: one [`Probe`] per
/// (request, port). A request without Host is sent with `address_host`, the name of the
/// address probed, as a client would.
pub fn plan(
    router: &Router<'_>,
    world: &World,
    requests: &[NamedRequest],
    address_host: &str,
) -> Vec<Probe> {
    let mut probes = Vec::new();
    for named in requests {
        let mut request = named.request.clone();
        if request.host.is_none() {
            request.host = Some(address_host.to_string());
        }
        let skipped = (request.protocol != RequestProtocol::Http).then(|| {
            format!(
                "{} requests are not probed (HTTP/1.1 only)",
                request.protocol.as_str()
            )
        });
        for result in router.route(&request) {
            let mut fixed = request.clone();
            fixed.gateway = Some(result.gateway.clone());
            fixed.port = result.port;
            let scheme = request.scheme.unwrap_or_else(|| {
                result
                    .port
                    .map_or(Scheme::Http, |p| port_scheme(world, &result.gateway, p))
            });
            let skipped = skipped.clone().or_else(|| match result.port {
                None => Some(result.explanation.join(" ")),
                Some(_) => None,
            });
            probes.push(Probe {
                name: named.name.clone(),
                request: fixed,
                scheme,
                prediction: Prediction::from_result(&result),
                skipped,
            });
        }
    }
    probes
}

/// A probe's verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Agrees,
    /// The differences, one sentence each.
    Disagrees(Vec<String>),
    /// No answer (connection refused, timeout, TLS failure).
    Failed(String),
    Skipped(String),
}

impl Verdict {
    pub fn of(probe: &Probe, observation: Option<&Result<Observation, String>>) -> Self {
        if let Some(reason) = &probe.skipped {
            return Verdict::Skipped(reason.clone());
        }
        match observation {
            None => Verdict::Skipped("not sent".to_string()),
            Some(Err(error)) => Verdict::Failed(error.clone()),
            // An undetermined prediction neither agrees nor disagrees with any answer.
            Some(Ok(observation)) if probe.prediction.outcome == Outcome::Undetermined => {
                let names: Vec<String> = (probe.prediction.unknowns.iter())
                    .map(ToString::to_string)
                    .collect();
                Verdict::Skipped(format!(
                    "not compared: the prediction is Undetermined (it needs {}); the Gateway answered {}",
                    names.join(", "),
                    observation.status_code
                ))
            }
            Some(Ok(observation)) => {
                let differences = compare(&probe.prediction, observation);
                if differences.is_empty() {
                    Verdict::Agrees
                } else {
                    Verdict::Disagrees(differences)
                }
            }
        }
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            Verdict::Agrees => "agrees",
            Verdict::Disagrees(_) => "disagrees",
            Verdict::Failed(_) => "failed",
            Verdict::Skipped(_) => "skipped",
        }
    }
}

/// One probe with its answer and verdict: what the renderers show.
#[derive(Debug, Clone)]
pub struct ProbeResult {
    pub probe: Probe,
    /// Where the request was sent (`127.0.0.1:8080`).
    pub sent_to: Option<String>,
    pub observation: Option<Result<Observation, String>>,
    pub verdict: Verdict,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::routing::requests::{Purpose, representative_requests};
    use crate::input::Sources;
    use crate::source::SourceFile;

    fn world_from(text: &str) -> World {
        let mut sources = Sources::default();
        sources.add(
            SourceFile::in_memory("test.yaml", text),
            &crate::yaml::Limits::default(),
        );
        let options = crate::model::BuildOptions {
            default_namespace: "default".into(),
        };
        crate::model::build(&sources, &options, crate::model::test_schemas()).0
    }

    fn ns(namespace: &str, name: &str) -> NamespacedName {
        NamespacedName {
            namespace: namespace.into(),
            name: name.into(),
        }
    }

    fn observed(name: &str) -> ObservedBackend {
        ObservedBackend {
            namespace: None,
            name: name.into(),
            source: "header x-backend".into(),
        }
    }

    fn prediction(outcome: Outcome, status: u16, backends: &[NamespacedName]) -> Prediction {
        Prediction {
            outcome,
            status_code: Some(status),
            location: None,
            backends: backends.to_vec(),
            route: None,
            unknowns: Vec::new(),
        }
    }

    #[test]
    fn backends_are_named_by_service_or_pod() {
        let product = ns("product", "product");
        assert!(observed("product").is(&product));
        assert!(observed("product-7d4b9c-x2x1z").is(&product));
        assert!(!observed("productpage").is(&product));
        assert!(!observed("careers").is(&product));
        let elsewhere = ObservedBackend {
            namespace: Some("other".into()),
            ..observed("product")
        };
        assert!(!elsewhere.is(&product));
    }

    #[test]
    fn backend_read_from_header_or_echo_body() {
        let header = observed_backend("x-backend", Some("product/product"), b"");
        assert_eq!(
            header.map(|b| b.to_string()),
            Some("product/product".into())
        );
        let body = br#"{"namespace": "gateway-conformance-infra", "pod": "infra-backend-v1-abc"}"#;
        let echo = observed_backend("x-backend", None, body);
        assert_eq!(
            echo.map(|b| (b.to_string(), b.source)),
            Some((
                "gateway-conformance-infra/infra-backend-v1-abc".into(),
                "body".into()
            ))
        );
        assert_eq!(observed_backend("x-backend", None, b"<html>"), None);
        assert_eq!(observed_backend("x-backend", Some(" "), b"{}"), None);
    }

    #[test]
    fn comparisons() {
        let product = ns("product", "product");
        let routed = prediction(Outcome::Routed, 200, std::slice::from_ref(&product));
        let answer = |status, backend: Option<&str>| Observation {
            status_code: status,
            location: None,
            backend: backend.map(observed),
        };
        assert!(compare(&routed, &answer(200, Some("product"))).is_empty());
        // The backend's own status does not matter once the backend is known.
        assert!(compare(&routed, &answer(404, Some("product"))).is_empty());
        assert_eq!(compare(&routed, &answer(200, Some("careers"))).len(), 1);
        assert!(compare(&routed, &answer(200, None)).is_empty());
        assert_eq!(
            compare(&routed, &answer(404, None)),
            ["status: predicted 200 (Routed), observed 404"]
        );

        let not_found = prediction(Outcome::NotFound, 404, &[]);
        assert!(compare(&not_found, &answer(404, None)).is_empty());
        let wrongly_routed = compare(&not_found, &answer(200, Some("hr")));
        assert_eq!(wrongly_routed.len(), 2, "{wrongly_routed:?}");

        let redirect = Prediction {
            location: Some("https://a.example/".into()),
            ..prediction(Outcome::Redirect, 302, &[])
        };
        let mut moved = answer(302, None);
        moved.location = Some("https://a.example/".into());
        assert!(compare(&redirect, &moved).is_empty());
        moved.location = Some("http://a.example/".into());
        assert_eq!(compare(&redirect, &moved).len(), 1);
    }

    #[test]
    fn an_undetermined_prediction_is_not_compared() {
        let probe = Probe {
            name: "p".into(),
            request: Request::default(),
            scheme: Scheme::Http,
            prediction: Prediction {
                status_code: None,
                unknowns: vec![Unknown::new("GatewayClass", "", "gc", "not in the input")],
                ..prediction(Outcome::Undetermined, 0, &[])
            },
            skipped: None,
        };
        let observation = Observation {
            status_code: 404,
            backend: None,
            location: None,
        };
        let verdict = Verdict::of(&probe, Some(&Ok(observation)));
        assert!(
            matches!(&verdict, Verdict::Skipped(why) if why.contains("GatewayClass gc") && why.contains("404")),
            "{verdict:?}"
        );
    }

    const GATEWAY: &str = r#"
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw, namespace: infra}
spec:
  gatewayClassName: c
  listeners:
  - {name: web, protocol: HTTP, port: 80, hostname: "*.example.com", allowedRoutes: {namespaces: {from: All}}}
  - {name: tls, protocol: HTTPS, port: 443, allowedRoutes: {namespaces: {from: All}},
     tls: {certificateRefs: [{name: cert}]}}
"#;

    #[test]
    fn representative_requests_per_match_and_host() {
        let routes = r#"
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: shop, namespace: app}
spec:
  parentRefs: [{name: gw, namespace: infra, sectionName: web}]
  rules:
  - matches:
    - path: {type: Exact, value: /cart}
      method: POST
      headers: [{name: x-version, value: "2"}]
    - path: {type: RegularExpression, value: "/item/.*"}
    - path: {type: PathPrefix, value: /cart}
      method: POST
      headers: [{name: x-version, value: "2"}]
  - {}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: api, namespace: app}
spec:
  parentRefs: [{name: gw, namespace: infra}, {name: other}]
  hostnames: [api.example.com]
  rules:
  - matches: [{path: {value: /v1}, queryParams: [{name: q, value: "1"}]}]
"#;
        let world = world_from(&format!("{GATEWAY}{routes}"));
        let gateway = ns("infra", "gw");
        let requests = representative_requests(&[&world], Purpose::Probe(&gateway));
        let shown: Vec<String> = requests
            .iter()
            .map(|r| {
                format!(
                    "{} {} {}{} {:?} {:?}",
                    r.name,
                    r.request.method,
                    r.request.host.as_deref().unwrap_or("-"),
                    r.request.path,
                    r.request.headers,
                    r.request.query
                )
            })
            .collect();
        assert_eq!(
            shown,
            [
                r#"HTTPRoute app/shop rules[0].matches[0] POST probe.example.com/cart [("x-version", "2")] []"#,
                r#"HTTPRoute app/shop rules[1].matches[0] GET probe.example.com/ [] []"#,
                r#"HTTPRoute app/api rules[0].matches[0] GET api.example.com/v1 [] [("q", "1")]"#,
            ]
        );
        assert_eq!(http_ports(&world, &gateway), [80, 443]);
        assert_eq!(port_scheme(&world, &gateway, 80), Scheme::Http);
        assert_eq!(port_scheme(&world, &gateway, 443), Scheme::Https);
    }

    #[test]
    fn gateway_choice() {
        let world = world_from(GATEWAY);
        assert_eq!(choose_gateway(&world, None), Ok(ns("infra", "gw")));
        assert!(choose_gateway(&world, Some(&ns("infra", "nope"))).is_err());
        let none = World::default();
        assert!(choose_gateway(&none, None).is_err());
        let two = world_from(&format!(
            "{GATEWAY}---\n{}",
            GATEWAY.replace("name: gw,", "name: gw2,")
        ));
        let err = choose_gateway(&two, None).err().unwrap_or_default();
        assert!(err.contains("--gateway"), "{err}");
    }

    #[test]
    fn a_plan_has_one_probe_per_port_with_its_scheme() {
        let world = world_from(GATEWAY);
        let analysis = crate::engine::analyze(&world, &crate::engine::Options::default());
        let router = Router::new(&world, &analysis);
        let requests = [NamedRequest {
            name: "root".into(),
            request: Request {
                gateway: Some(ns("infra", "gw")),
                ..Request::default()
            },
            expectation: Default::default(),
        }];
        let probes = plan(&router, &world, &requests, "192.0.2.1");
        let ports: Vec<_> = probes
            .iter()
            .map(|p| (p.request.port, p.scheme, p.request.host.clone()))
            .collect();
        assert_eq!(
            ports,
            [
                (Some(80), Scheme::Http, Some("192.0.2.1".into())),
                (Some(443), Scheme::Https, Some("192.0.2.1".into())),
            ]
        );
        assert!(probes.iter().all(|p| p.skipped.is_none()));
        // No route: nothing is routed, whatever the listeners' state.
        assert!(probes.iter().all(|p| p.prediction.backends.is_empty()));
    }
}
