//! Rendering `gwctl probe`: a table of predicted and observed answers with every
//! difference (human), the `gwctl/v1` ProbeReport (JSON), and JUnit XML for CI.

use serde_json::{Map, Value, json};

use super::Style;
use super::grid::{finish, plain_table};
use super::junit::escape;
use crate::engine::routing::{NamespacedName, Outcome};
use crate::probe::{Observation, Prediction, ProbeResult, Verdict, backend_list};

/// What a probe run renders.
#[derive(Debug, Clone, Copy)]
pub struct Report<'a> {
    pub gateway: &'a NamespacedName,
    /// `--address` as given.
    pub address: &'a str,
    pub results: &'a [ProbeResult],
}

/// How many results have each verdict.
#[derive(Debug, Default, PartialEq, Eq)]
struct Counts {
    agree: usize,
    disagree: usize,
    failed: usize,
    skipped: usize,
}

impl Counts {
    fn of(results: &[ProbeResult]) -> Self {
        let mut counts = Counts::default();
        for r in results {
            match r.verdict {
                Verdict::Agrees => counts.agree += 1,
                Verdict::Disagrees(_) => counts.disagree += 1,
                Verdict::Failed(_) => counts.failed += 1,
                Verdict::Skipped(_) => counts.skipped += 1,
            }
        }
        counts
    }
}

/// `GET http://shop.example.com:80/cart?id=7`: the request as the Gateway sees it.
fn request_line(r: &ProbeResult) -> String {
    let request = &r.probe.request;
    let host = request.host.as_deref().unwrap_or("");
    let port = request.port.map_or_else(String::new, |p| format!(":{p}"));
    let mut line = format!(
        "{} {}://{host}{port}{}",
        request.method,
        r.probe.scheme.as_str(),
        request.path
    );
    for (i, (key, value)) in request.query.iter().enumerate() {
        let separator = if i == 0 && !request.path.contains('?') {
            '?'
        } else {
            '&'
        };
        line.push_str(&format!("{separator}{key}={value}"));
    }
    line
}

/// `200 → product/product`, `302 → https://...`, `404`.
fn predicted_text(p: &Prediction) -> String {
    let status = p
        .status_code
        .map_or_else(|| p.outcome.as_str().to_string(), |s| s.to_string());
    match p.outcome {
        Outcome::Routed => format!("{status} → {}", backend_list(&p.backends)),
        Outcome::Redirect => format!("{status} → {}", p.location.as_deref().unwrap_or("?")),
        _ => status,
    }
}

fn observed_text(r: &ProbeResult) -> String {
    match &r.observation {
        Some(Ok(o)) => {
            let mut text = o.status_code.to_string();
            if let Some(backend) = &o.backend {
                text.push_str(&format!(" → {backend}"));
            } else if let Some(location) = &o.location {
                text.push_str(&format!(" → {location}"));
            }
            text
        }
        Some(Err(_)) => "no answer".to_string(),
        None => "-".to_string(),
    }
}

/// The table, then each difference, failure and skip, then a summary line.
pub fn human(report: &Report<'_>, style: &Style) -> String {
    let mut out = format!(
        "Probing Gateway {} at {}\n\n",
        report.gateway, report.address
    );
    let mut table = plain_table(["REQUEST", "PREDICTED", "OBSERVED", "RESULT"]);
    for r in report.results {
        let good = !matches!(r.verdict, Verdict::Disagrees(_) | Verdict::Failed(_));
        table.add_row([
            request_line(r),
            predicted_text(&r.probe.prediction),
            observed_text(r),
            style.verdict(good, r.verdict.as_str()),
        ]);
    }
    out.push_str(&finish(&table));
    let mut details = String::new();
    for r in report.results {
        let lines: Vec<String> = match &r.verdict {
            Verdict::Agrees => continue,
            Verdict::Disagrees(differences) => differences.clone(),
            Verdict::Failed(error) => vec![format!("no answer: {error}")],
            Verdict::Skipped(reason) => vec![format!("skipped: {reason}")],
        };
        details.push_str(&format!("\n{} ({})\n", request_line(r), r.probe.name));
        // Derived requests are named after their route; others say which route matched.
        if let Some(route) = r
            .probe
            .prediction
            .route
            .as_ref()
            .filter(|&route| *route != r.probe.name)
        {
            details.push_str(&format!("  predicted route: {route}\n"));
        }
        for line in lines {
            details.push_str(&format!("  {line}\n"));
        }
    }
    out.push_str(&details);
    let c = Counts::of(report.results);
    let summary = format!(
        "\n{} request(s): {} agree, {} disagree, {} without answer, {} skipped\n",
        report.results.len(),
        c.agree,
        c.disagree,
        c.failed,
        c.skipped
    );
    out.push_str(&style.verdict(c.disagree + c.failed == 0, &summary));
    out
}

fn prediction_json(p: &Prediction) -> Value {
    json!({
        "outcome": p.outcome.as_str(),
        "statusCode": p.status_code,
        "location": p.location,
        "backends": p.backends.iter().map(|b| json!({"namespace": b.namespace, "name": b.name})).collect::<Vec<_>>(),
        "route": p.route,
    })
}

fn observation_json(o: &Observation) -> Value {
    json!({
        "statusCode": o.status_code,
        "location": o.location,
        "backend": o.backend.as_ref().map(|b| json!({
            "namespace": b.namespace, "name": b.name, "source": b.source,
        })),
    })
}

fn pairs(items: &[(String, String)]) -> Value {
    Value::Object(
        items
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect::<Map<_, _>>(),
    )
}

fn result_json(r: &ProbeResult) -> Value {
    let request = &r.probe.request;
    let (observed, error) = match &r.observation {
        Some(Ok(o)) => (observation_json(o), Value::Null),
        Some(Err(e)) => (Value::Null, json!(e)),
        None => (Value::Null, Value::Null),
    };
    let (differences, skipped) = match &r.verdict {
        Verdict::Disagrees(d) => (d.clone(), Value::Null),
        Verdict::Skipped(reason) => (Vec::new(), json!(reason)),
        _ => (Vec::new(), Value::Null),
    };
    json!({
        "name": r.probe.name,
        "request": {
            "scheme": r.probe.scheme.as_str(),
            "host": request.host,
            "port": request.port,
            "method": request.method,
            "path": request.path,
            "headers": pairs(&request.headers),
            "query": pairs(&request.query),
        },
        "sentTo": r.sent_to,
        "predicted": prediction_json(&r.probe.prediction),
        "observed": observed,
        "error": error,
        "verdict": r.verdict.as_str(),
        "agrees": r.verdict == Verdict::Agrees,
        "differences": differences,
        "skipped": skipped,
    })
}

/// The ProbeReport: the Gateway, the address, a summary and every request.
pub fn json(report: &Report<'_>) -> String {
    let c = Counts::of(report.results);
    let value = json!({
        "apiVersion": "gwctl/v1",
        "kind": "ProbeReport",
        "gateway": {"namespace": report.gateway.namespace, "name": report.gateway.name},
        "address": report.address,
        "summary": {
            "requests": report.results.len(),
            "agree": c.agree,
            "disagree": c.disagree,
            "failed": c.failed,
            "skipped": c.skipped,
        },
        "results": report.results.iter().map(result_json).collect::<Vec<_>>(),
    });
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}

/// JUnit XML: one `testcase` per request; a disagreement is a `failure`, no answer an
/// `error`.
pub fn junit(report: &Report<'_>) -> String {
    let c = Counts::of(report.results);
    let suite = escape(&format!("gwctl probe {}", report.gateway));
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"gwctl probe\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">\n",
        report.results.len(),
        c.disagree,
        c.failed,
        c.skipped
    ));
    out.push_str(&format!(
        "  <testsuite name=\"{suite}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">\n",
        report.results.len(),
        c.disagree,
        c.failed,
        c.skipped
    ));
    for r in report.results {
        let name = escape(&format!("{} ({})", request_line(r), r.probe.name));
        let open = format!("    <testcase classname=\"{suite}\" name=\"{name}\"");
        let body = |tag: &str, message: &str, text: &str| {
            format!(
                "{open}>\n      <{tag} message=\"{}\">{}</{tag}>\n    </testcase>\n",
                escape(message),
                escape(text)
            )
        };
        let predicted = predicted_text(&r.probe.prediction);
        out.push_str(&match &r.verdict {
            Verdict::Agrees => format!("{open}/>\n"),
            Verdict::Disagrees(differences) => body(
                "failure",
                differences.first().map_or("", String::as_str),
                &format!(
                    "predicted {predicted}, observed {}\n{}",
                    observed_text(r),
                    differences.join("\n")
                ),
            ),
            Verdict::Failed(error) => body("error", error, &format!("predicted {predicted}")),
            Verdict::Skipped(reason) => {
                format!(
                    "{open}>\n      <skipped message=\"{}\"/>\n    </testcase>\n",
                    escape(reason)
                )
            }
        });
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::routing::{Request, Scheme};
    use crate::probe::{ObservedBackend, Probe};

    fn result(path: &str, predicted: u16, observed: Result<u16, &str>) -> ProbeResult {
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

    fn results() -> Vec<ProbeResult> {
        vec![
            result("/product", 200, Ok(200)),
            result("/hr", 404, Ok(200)),
            result("/<&>", 404, Err("no answer within 5s")),
        ]
    }

    fn report(results: &[ProbeResult]) -> Report<'_> {
        static GATEWAY: std::sync::LazyLock<NamespacedName> =
            std::sync::LazyLock::new(|| NamespacedName {
                namespace: "infra-ns".into(),
                name: "shared-gateway".into(),
            });
        Report {
            gateway: &GATEWAY,
            address: "127.0.0.1:8080",
            results,
        }
    }

    #[test]
    fn human_shows_rows_differences_and_summary() {
        let results = results();
        let text = human(&report(&results), &Style::plain());
        assert!(
            text.contains(
                "GET http://127.0.0.1:80/product  200 → product/product  200 → product  agrees"
            ),
            "{text}"
        );
        assert!(
            text.contains("status: predicted 404 (NotFound), observed 200"),
            "{text}"
        );
        assert!(text.contains("no answer: no answer within 5s"), "{text}");
        assert!(
            text.ends_with("3 request(s): 1 agree, 1 disagree, 1 without answer, 0 skipped\n"),
            "{text}"
        );
    }

    #[test]
    fn json_is_a_probe_report() {
        let results = results();
        let value: Value = serde_json::from_str(&json(&report(&results))).unwrap_or_default();
        assert_eq!(value["kind"], "ProbeReport");
        assert_eq!(value["apiVersion"], "gwctl/v1");
        assert_eq!(value["summary"]["disagree"], 1);
        assert_eq!(value["results"][0]["agrees"], true);
        assert_eq!(
            value["results"][0]["observed"]["backend"]["name"],
            "product"
        );
        assert_eq!(value["results"][1]["predicted"]["statusCode"], 404);
        assert_eq!(value["results"][2]["error"], "no answer within 5s");
    }

    #[test]
    fn junit_has_one_escaped_case_per_request() {
        let results = results();
        let xml = junit(&report(&results));
        assert_eq!(xml.matches("<testcase ").count(), 3);
        assert!(xml.contains("failures=\"1\" errors=\"1\""), "{xml}");
        assert!(
            xml.contains("<failure message=\"status: predicted 404"),
            "{xml}"
        );
        assert!(xml.contains("/&lt;&amp;&gt;"), "{xml}");
        assert!(!xml.contains("/<&>"), "{xml}");
    }
}
