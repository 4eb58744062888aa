//! Expectations on routing results (`--requests`, `--expect-status`, `--expect-backend`):
//! each expectation becomes a [`Check`] with what was expected, what happened and a verdict.

use std::collections::HashSet;

use super::{NamespacedName, Outcome, RouteResult};

/// What a user pins about a request. Every field is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expectation {
    /// The HTTP status code.
    pub status: Option<u16>,
    /// A Service that receives the request.
    pub backend: Option<NamespacedName>,
    /// The redirect `Location`.
    pub location: Option<String>,
    /// The path the backend receives.
    pub backend_path: Option<String>,
    /// Headers the backend receives, with these values (names case-insensitive).
    pub backend_headers: Vec<(String, String)>,
}

impl Expectation {
    pub fn is_empty(&self) -> bool {
        *self == Expectation::default()
    }
}

/// One expectation held against one result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// `status`, `backend`, `location`, `path`, `header NAME`, or `success`.
    pub what: String,
    pub expected: String,
    pub actual: String,
    pub passed: bool,
}

/// Checks every deciding result of a request against `expectation`. With no expectation,
/// each must succeed (2xx/3xx, gRPC OK). An `Undetermined` result fails every check, with
/// what would decide it as the actual value.
pub fn check(expectation: &Expectation, results: &[RouteResult]) -> Vec<Check> {
    let mut checks = Vec::new();
    for result in deciding(results) {
        let start = checks.len();
        if expectation.is_empty() {
            checks.push(Check {
                what: "success".to_string(),
                expected: "2xx/3xx".to_string(),
                actual: status_text(result),
                passed: result.is_success(),
            });
        }
        if let Some(status) = expectation.status {
            checks.push(Check {
                what: "status".to_string(),
                expected: status.to_string(),
                actual: status_text(result),
                passed: result.status_code == Some(status),
            });
        }
        if let Some(backend) = &expectation.backend {
            let receiving: Vec<String> = result
                .receiving_backends()
                .map(|b| format!("{}/{}", b.namespace, b.name))
                .collect();
            checks.push(Check {
                what: "backend".to_string(),
                expected: backend.to_string(),
                passed: receiving.contains(&backend.to_string()),
                actual: if receiving.is_empty() {
                    "none".to_string()
                } else {
                    receiving.join(", ")
                },
            });
        }
        if let Some(location) = &expectation.location {
            let actual = result
                .location
                .clone()
                .unwrap_or_else(|| "none".to_string());
            checks.push(Check {
                what: "location".to_string(),
                expected: location.clone(),
                passed: result.location.as_ref() == Some(location),
                actual,
            });
        }
        let sent = result.backend_request.as_ref();
        if let Some(path) = &expectation.backend_path {
            checks.push(Check {
                what: "path".to_string(),
                expected: path.clone(),
                actual: sent.map_or_else(|| "none".to_string(), |r| r.path.clone()),
                passed: sent.is_some_and(|r| r.path == *path),
            });
        }
        for (name, value) in &expectation.backend_headers {
            let actual = sent.and_then(|r| r.header(name));
            checks.push(Check {
                what: format!("header {name}"),
                expected: value.clone(),
                actual: actual.unwrap_or("absent").to_string(),
                passed: actual == Some(value.as_str()),
            });
        }
        if result.outcome == Outcome::Undetermined {
            for c in checks.iter_mut().skip(start) {
                c.passed = false;
                c.actual = status_text(result);
            }
        }
    }
    checks
}

/// The results that decide a request's verdict: when several Gateways could take it, those
/// of the Gateways with a listener for its host (all results when none has one).
pub fn deciding(results: &[RouteResult]) -> impl Iterator<Item = &RouteResult> {
    let serving: HashSet<&NamespacedName> = results
        .iter()
        .filter(|r| r.listener_matched())
        .map(|r| &r.gateway)
        .collect();
    results
        .iter()
        .filter(move |r| serving.is_empty() || serving.contains(&r.gateway))
}

/// `404`, `200 (OK)` for gRPC, or the outcome for a connection.
pub fn status_text(result: &RouteResult) -> String {
    if result.outcome == Outcome::Undetermined {
        let names: Vec<String> = result.unknowns.iter().map(ToString::to_string).collect();
        return format!("Undetermined (needs {})", names.join(", "));
    }
    let code = result
        .status_code
        .map_or_else(|| result.outcome.as_str().to_string(), |c| c.to_string());
    match result.grpc_status {
        Some(grpc) => format!("{code} ({})", grpc.as_str()),
        None => code,
    }
}

#[cfg(test)]
mod tests {
    use super::super::ListenerRef;
    use super::super::{Backend, BackendRequest};
    use super::*;
    use crate::engine::BackendVerdict;
    use crate::engine::{ListenerId, ListenerOwner, Unknown};

    fn routed() -> RouteResult {
        let mut r = RouteResult::new(NamespacedName::default(), Some(80), Outcome::Routed);
        r.status_code = Some(200);
        r.backends.push(Backend {
            group: String::new(),
            kind: "Service".into(),
            namespace: "product".into(),
            name: "product".into(),
            port: Some(9080),
            weight: 1,
            verdict: BackendVerdict::Valid,
            request: None,
        });
        r.backend_request = Some(BackendRequest {
            host: "h".into(),
            path: "/p".into(),
            method: "GET".into(),
            headers: vec![("X-A".into(), "1".into())],
        });
        r
    }

    #[test]
    fn expectations_pass_and_fail() {
        let e = Expectation {
            status: Some(200),
            backend: Some(NamespacedName {
                namespace: "product".into(),
                name: "product".into(),
            }),
            location: None,
            backend_path: Some("/p".into()),
            backend_headers: vec![("x-a".into(), "1".into()), ("x-b".into(), "2".into())],
        };
        let checks = check(&e, &[routed()]);
        let verdicts: Vec<_> = checks.iter().map(|c| (c.what.as_str(), c.passed)).collect();
        assert_eq!(
            verdicts,
            vec![
                ("status", true),
                ("backend", true),
                ("path", true),
                ("header x-a", true),
                ("header x-b", false)
            ]
        );
        assert_eq!(checks[4].actual, "absent");
    }

    #[test]
    fn no_expectation_means_success() {
        let mut r = routed();
        assert!(check(&Expectation::default(), &[r.clone()])[0].passed);
        r.status_code = Some(404);
        r.outcome = Outcome::NotFound;
        let c = check(&Expectation::default(), &[r]);
        assert!(!c[0].passed);
        assert_eq!(c[0].actual, "404");
    }

    #[test]
    fn undetermined_fails_every_expectation_with_what_decides_it() {
        let unknown = Unknown::new("Service", "product", "product", "not in the input");
        let r = routed().undetermined(vec![unknown]);
        let e = Expectation {
            status: Some(200),
            backend: Some(NamespacedName {
                namespace: "product".into(),
                name: "product".into(),
            }),
            ..Expectation::default()
        };
        let checks = check(&e, std::slice::from_ref(&r));
        assert!(checks.iter().all(|c| !c.passed));
        assert_eq!(
            checks[1].actual,
            "Undetermined (needs Service product/product)"
        );
        assert!(!check(&Expectation::default(), &[r])[0].passed);
    }

    #[test]
    fn only_gateways_serving_the_host_decide() {
        let mut serving = routed();
        serving.listener = Some(ListenerRef {
            id: ListenerId {
                owner: ListenerOwner::Gateway(0),
                index: 0,
            },
            owner_kind: "Gateway",
            owner: NamespacedName::default(),
            name: "web".into(),
            hostname: None,
        });
        let other = NamespacedName {
            namespace: "infra".into(),
            name: "other".into(),
        };
        let mut elsewhere = RouteResult::new(other, Some(80), Outcome::NotFound);
        elsewhere.status_code = Some(404);
        let both = [serving, elsewhere.clone()];
        assert_eq!(check(&Expectation::default(), &both).len(), 1);
        assert!(check(&Expectation::default(), &both)[0].passed);
        // No Gateway serves the host: every result decides.
        assert!(!check(&Expectation::default(), &[elsewhere])[0].passed);
    }
}
