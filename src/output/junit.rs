//! `-o junit`: JUnit XML, the format CI systems (GitLab, Jenkins, Azure, GitHub test
//! reporters) display natively. One `testcase` per request.
//!
//! For `simulate`, a failed expectation is a `failure` naming every check that failed, and
//! the predicted outcomes are the case's `system-out`. For `probe`, a disagreement is a
//! `failure`, no answer an `error`, a request not sent `skipped`.

use super::view::{Case, CaseView, ProbeView, Simulation};
use crate::probe::Verdict;

/// The requests of `simulate` as a JUnit XML suite; a single request is the case `request`.
pub fn simulation(simulation: &Simulation<'_>) -> String {
    match simulation {
        Simulation::Request(case) => suite(std::slice::from_ref(case)),
        Simulation::Suite(cases) => suite(cases),
    }
}

fn suite(cases: &[Case<'_>]) -> String {
    let failures = cases.iter().filter(|c| !c.passed()).count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"gwctl simulate\" tests=\"{n}\" failures=\"{failures}\" errors=\"0\">\n\
         \x20 <testsuite name=\"gwctl simulate\" tests=\"{n}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\">\n",
        n = cases.len(),
    ));
    for case in cases {
        out.push_str(&simulation_case(&CaseView::new(case)));
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

fn simulation_case(case: &CaseView<'_>) -> String {
    let mut out = format!(
        "    <testcase name=\"{}\" classname=\"gwctl.simulate\">\n",
        escape(case.name)
    );
    let failed: Vec<String> = case
        .checks
        .iter()
        .filter(|c| !c.passed)
        .map(|c| format!("{}: expected {}, got {}", c.what, c.expected, c.actual))
        .collect();
    if !failed.is_empty() {
        out.push_str(&format!(
            "      <failure type=\"expectation\" message=\"{}\">{}</failure>\n",
            escape(failed.first().map_or("", String::as_str)),
            escape(&failed.join("\n")),
        ));
    }
    let outcomes: Vec<String> = case
        .results
        .iter()
        .map(|r| {
            let mut line = r.gateway.to_string();
            if let Some(port) = r.port {
                line.push_str(&format!(":{port}"));
            }
            line.push_str(&format!(": {}", r.status));
            if let Some(route) = &r.route {
                line.push_str(&format!(" via {route}"));
            }
            line
        })
        .collect();
    if !outcomes.is_empty() {
        out.push_str(&format!(
            "      <system-out>{}</system-out>\n",
            escape(&outcomes.join("\n"))
        ));
    }
    out.push_str("    </testcase>\n");
    out
}

/// The requests of `probe` as a JUnit XML suite.
pub fn probe(view: &ProbeView<'_>) -> String {
    let c = &view.summary;
    let suite = escape(&format!("gwctl probe {}", view.gateway));
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"gwctl probe\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">\n",
        c.requests, c.disagree, c.failed, c.skipped
    ));
    out.push_str(&format!(
        "  <testsuite name=\"{suite}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">\n",
        c.requests, c.disagree, c.failed, c.skipped
    ));
    for r in &view.results {
        let name = escape(&format!("{} ({})", r.request_line, r.name));
        let open = format!("    <testcase classname=\"{suite}\" name=\"{name}\"");
        let body = |tag: &str, message: &str, text: &str| {
            format!(
                "{open}>\n      <{tag} message=\"{}\">{}</{tag}>\n    </testcase>\n",
                escape(message),
                escape(text)
            )
        };
        let predicted = &r.predicted_text;
        out.push_str(&match r.verdict {
            Verdict::Agrees => format!("{open}/>\n"),
            Verdict::Disagrees(differences) => body(
                "failure",
                differences.first().map_or("", String::as_str),
                &format!(
                    "predicted {predicted}, observed {}\n{}",
                    r.observed_text,
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

/// Escapes text for an XML attribute or element; drops characters XML 1.0 cannot hold.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\t' | '\r' => out.push_str(&format!("&#{};", u32::from(c))),
            c if u32::from(c) < 0x20 => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::routing::Request;
    use crate::engine::routing::expect::Check;
    use crate::output::fixture::{probe_results, probe_run};

    #[test]
    fn a_failed_check_is_a_failure_and_text_is_escaped() {
        let request = Request::default();
        let checks = [
            Check {
                what: "status".into(),
                expected: "200".into(),
                actual: "404".into(),
                passed: false,
            },
            Check {
                what: "backend".into(),
                expected: "a".into(),
                actual: "a".into(),
                passed: true,
            },
        ];
        let cases = [
            Case {
                name: "hr <home> & \"more\"",
                request: &request,
                results: &[],
                checks: &checks,
            },
            Case {
                name: "ok",
                request: &request,
                results: &[],
                checks: &[],
            },
        ];
        let xml = suite(&cases);
        assert!(xml.contains("tests=\"2\" failures=\"1\""), "{xml}");
        assert!(
            xml.contains("name=\"hr &lt;home&gt; &amp; &quot;more&quot;\""),
            "{xml}"
        );
        assert!(
            xml.contains(
                "<failure type=\"expectation\" message=\"status: expected 200, got 404\">"
            )
        );
        assert_eq!(xml.matches("<failure").count(), 1);
        assert_eq!(xml.matches("<testcase ").count(), 2);
    }

    #[test]
    fn junit_has_one_escaped_case_per_request() {
        let results = probe_results();
        let xml = probe(&ProbeView::new(&probe_run(&results)));
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
