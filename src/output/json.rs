//! The `gwctl/v1` JSON of `shared/docs/report-format.md`: each report is its view's serde
//! form inside an envelope (`apiVersion`, `kind`), so the field order is fixed by the types.

use serde::Serialize;

use super::view::{
    Case, CaseView, CheckReport, CheckView, DiffView, ExpectationView, NameView, ProbeResultView,
    ProbeSummary, ProbeView, RequestView, ResultView, Simulation, SuiteSummary,
};

/// Pretty-printed JSON with a final newline.
fn pretty(value: &impl Serialize) -> String {
    let mut text =
        serde_json::to_string_pretty(value).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    text
}

/// `-o json` of `check`: the `CheckReport`.
pub fn render(view: &CheckView<'_>) -> String {
    pretty(&CheckReport::new(view))
}

/// `-o json` of `simulate`: the SimulationReport of one request (with its `--expect-*`
/// checks when given), or the SimulationSuiteReport of a `--requests` run.
pub fn simulation(simulation: &Simulation<'_>) -> String {
    match simulation {
        Simulation::Request(case) => {
            let CaseView {
                request,
                checks,
                results,
                implicit,
                ..
            } = CaseView::new(case);
            let checks = if implicit { Vec::new() } else { checks };
            pretty(&SimulationReport {
                api_version: "gwctl/v1",
                kind: "SimulationReport",
                request,
                results,
                checks,
            })
        }
        Simulation::Suite(cases) => pretty(&SuiteReport {
            api_version: "gwctl/v1",
            kind: "SimulationSuiteReport",
            summary: SuiteSummary::new(cases),
            cases: SuiteCases(cases),
        }),
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SimulationReport<'a> {
    api_version: &'static str,
    kind: &'static str,
    request: RequestView<'a>,
    results: Vec<ResultView<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    checks: Vec<ExpectationView<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SuiteReport<'a> {
    api_version: &'static str,
    kind: &'static str,
    summary: SuiteSummary,
    cases: SuiteCases<'a>,
}

/// The cases, each viewed only while it is written.
struct SuiteCases<'a>(&'a [Case<'a>]);

impl Serialize for SuiteCases<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(CaseView::new))
    }
}

/// `-o json` of `probe`: the ProbeReport.
pub fn probe(view: &ProbeView<'_>) -> String {
    pretty(&ProbeReport {
        api_version: "gwctl/v1",
        kind: "ProbeReport",
        gateway: view.gateway,
        address: view.address,
        summary: view.summary,
        results: &view.results,
    })
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ProbeReport<'v, 'a> {
    api_version: &'static str,
    kind: &'static str,
    gateway: NameView<'a>,
    address: &'a str,
    summary: ProbeSummary,
    results: &'v [ProbeResultView<'a>],
}

/// `-o json` of `diff`: the DiffReport.
pub fn diff(view: &DiffView<'_>) -> String {
    pretty(&DiffReport {
        api_version: "gwctl/v1",
        kind: "DiffReport",
        view,
    })
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DiffReport<'v, 'a> {
    api_version: &'static str,
    kind: &'static str,
    #[serde(flatten)]
    view: &'v DiffView<'a>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::routing::Request;
    use crate::output::fixture::{Fixture, not_found, probe_results, probe_run};

    #[test]
    fn json_has_the_report_fields() {
        let request = Request {
            path: "/hr?a=1".into(),
            ..Request::default()
        };
        let results = [not_found()];
        let case = Case {
            name: "request",
            request: &request,
            results: &results,
            checks: &[],
            implicit: true,
        };
        let text = simulation(&Simulation::Request(case));
        let value: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        assert_eq!(value["kind"], "SimulationReport");
        assert_eq!(value["request"]["path"], "/hr");
        assert_eq!(value["request"]["query"]["a"], "1");
        let result = &value["results"][0];
        assert_eq!(result["outcome"], "NotFound");
        assert_eq!(result["statusCode"], 404);
        assert_eq!(result["route"], serde_json::Value::Null);
        assert_eq!(result["nearMisses"][0]["reason"], "NotAllowedByListeners");
        assert!(result.get("grpcStatus").is_none());
    }

    #[test]
    fn json_is_a_probe_report() {
        let results = probe_results();
        let text = probe(&ProbeView::new(&probe_run(&results)));
        let value: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
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
    fn report_follows_the_contract() {
        let fixture = Fixture::new();
        let text = render(&CheckView::new(&fixture.report()));
        let value: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
        assert_eq!(value["apiVersion"], "gwctl/v1");
        assert_eq!(value["kind"], "CheckReport");
        let keys: Vec<&str> = value
            .as_object()
            .map(|o| o.keys().map(String::as_str).collect())
            .unwrap_or_default();
        assert_eq!(
            keys,
            [
                "apiVersion",
                "kind",
                "summary",
                "gatewayApi",
                "gateways",
                "listenerSets",
                "routes",
                "diagnostics"
            ]
        );
        assert_eq!(value["gatewayApi"]["version"], "v1.6.1");
        assert_eq!(value["gatewayApi"]["channelAssumed"], false);
        let gateway = &value["gateways"][0];
        assert_eq!(gateway["gatewayClassName"], "example");
        assert_eq!(
            gateway["source"],
            serde_json::json!({"file": "gateways.yaml", "line": 1})
        );
        assert_eq!(gateway["status"]["listeners"][0]["attachedRoutes"], 1);
        assert_eq!(gateway["status"]["attachedListenerSets"], 0);
        // Cluster objects have no source.
        assert!(value["listenerSets"][0].get("source").is_none());
        let route = &value["routes"][1];
        assert_eq!(route["source"]["file"], "routes.yaml");
        assert_eq!(route["source"]["line"], 15);
        let parent_ref = &route["status"]["parents"][0]["parentRef"];
        assert_eq!(parent_ref["sectionName"], "web");
        assert!(parent_ref.get("port").is_none());
        assert!(
            value["routes"][0]["status"]["parents"][0]["parentRef"]
                .get("sectionName")
                .is_none()
        );
        let finding = &value["diagnostics"][1];
        assert_eq!(finding["code"], "GW1001");
        assert_eq!(finding["name"], "route-not-allowed-by-listeners");
        assert_eq!(finding["field"], "spec.parentRefs[0]");
        assert_eq!(
            (&finding["file"], &finding["line"], &finding["column"]),
            (&"routes.yaml".into(), &22.into(), &5.into())
        );
        assert_eq!(finding["related"][0]["file"], "gateways.yaml");
        let cluster = &value["diagnostics"][2];
        assert_eq!(cluster["resource"]["kind"], "ListenerSet");
        assert!(cluster["file"].is_null() && cluster["line"].is_null());
        insta::assert_snapshot!(text);
    }
}
