//! The `gwctl/v1` JSON of `shared/docs/report-format.md`: each report is its view's serde
//! form inside an envelope (`apiVersion`, `kind`), so the field order is fixed by the types.

use serde::Serialize;

use super::view::{CheckView, DiagnosticView, GatewayView, RouteView, Summary};

/// Pretty-printed JSON with a final newline.
fn pretty(value: &impl Serialize) -> String {
    let mut text =
        serde_json::to_string_pretty(value).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    text
}

/// `-o json` of `check`: the `CheckReport`.
pub fn render(view: &CheckView<'_>) -> String {
    pretty(&CheckReport {
        api_version: "gwctl/v1",
        kind: "CheckReport",
        summary: &view.summary,
        gateways: &view.gateways,
        listener_sets: &view.listener_sets,
        routes: &view.routes,
        diagnostics: &view.diagnostics,
    })
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CheckReport<'v, 'a> {
    api_version: &'static str,
    kind: &'static str,
    summary: &'v Summary,
    gateways: &'v [GatewayView<'a>],
    listener_sets: &'v [GatewayView<'a>],
    routes: &'v [RouteView<'a>],
    diagnostics: &'v [DiagnosticView<'a>],
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::fixture::Fixture;

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
                "gateways",
                "listenerSets",
                "routes",
                "diagnostics"
            ]
        );
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
