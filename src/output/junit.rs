//! `-o junit`: JUnit XML, the format CI systems (GitLab, Jenkins, Azure, GitHub test
//! reporters) display natively.
//!
//! For `check`, one `testsuite` per file and one `testcase` per object (as kubeconform
//! writes them), each finding at or above `--fail-on` a `failure` and the others its
//! `system-out`; findings about no object are a case named after their file. For
//! `simulate`, one `testcase` per request: a failed expectation (or, without expectations,
//! a result that is not 2xx/3xx) is a `failure`, and the predicted outcomes are the case's
//! `system-out`. For `probe`, a disagreement is a `failure`, no answer an `error`, a
//! request not sent `skipped`.

use std::collections::{BTreeMap, HashMap};

use super::view::{Case, CaseView, CheckView, DiagnosticView, Place, ProbeView, Simulation};
use crate::probe::Verdict;

/// The objects of `check` as JUnit XML: a suite per file, a case per object.
pub fn check(view: &CheckView<'_>) -> String {
    // file -> object -> its findings; objects in the order they are met.
    let mut files = Suites::default();
    let file_of = |source: Option<&str>| source.unwrap_or("cluster").to_string();
    for gateway in view.gateways.iter().chain(&view.listener_sets) {
        let file = file_of(gateway.source.as_ref().map(|s| s.file));
        files.add(file, gateway.display_name(), None);
    }
    for route in &view.routes {
        let file = file_of(route.source.as_ref().map(|s| s.file));
        files.add(file, route.display_name(), None);
    }
    for d in &view.diagnostics {
        let file = file_of(d.place.position().map(|p| p.file_name()));
        let object = match &d.place {
            Place::Field { resource, .. } => resource.to_string(),
            Place::Text { .. } | Place::Nowhere => file.clone(),
        };
        files.add(file, object, Some(d));
    }
    let files = files.files;
    let fails = |d: &DiagnosticView<'_>| view.fail_at.is_some_and(|at| d.severity >= at);
    let count = |objects: &[(String, Vec<&DiagnosticView<'_>>)]| {
        let failing = objects
            .iter()
            .filter(|(_, findings)| findings.iter().any(|d| fails(d)))
            .count();
        (objects.len(), failing)
    };
    let all: Vec<(String, Vec<&DiagnosticView<'_>>)> = files.values().flatten().cloned().collect();
    let (tests, failures) = count(&all);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"gwctl check\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\">\n"
    ));
    for (file, objects) in &files {
        let (tests, failures) = count(objects);
        out.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\">\n",
            escape(file)
        ));
        for (object, findings) in objects {
            out.push_str(&check_case(file, object, findings, &fails));
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

/// The objects of a file, in the order they are met, each with its findings.
type Objects<'v, 'a> = Vec<(String, Vec<&'v DiagnosticView<'a>>)>;

/// The suites being built: each file's objects, and where each object is.
#[derive(Default)]
struct Suites<'v, 'a> {
    files: BTreeMap<String, Objects<'v, 'a>>,
    positions: HashMap<(String, String), usize>,
}

impl<'v, 'a> Suites<'v, 'a> {
    /// Adds `object` of `file` (once), with `finding` if any.
    fn add(&mut self, file: String, object: String, finding: Option<&'v DiagnosticView<'a>>) {
        let objects = self.files.entry(file.clone()).or_default();
        let at = *self
            .positions
            .entry((file, object.clone()))
            .or_insert_with(|| {
                objects.push((object, Vec::new()));
                objects.len() - 1
            });
        if let (Some(finding), Some((_, findings))) = (finding, objects.get_mut(at)) {
            findings.push(finding);
        }
    }
}

/// One object's case: a `failure` per failing finding, the others as `system-out`.
fn check_case(
    file: &str,
    object: &str,
    findings: &[&DiagnosticView<'_>],
    fails: &dyn Fn(&DiagnosticView<'_>) -> bool,
) -> String {
    let open = format!(
        "    <testcase name=\"{}\" classname=\"{}\"",
        escape(object),
        escape(file)
    );
    if findings.is_empty() {
        return format!("{open}/>\n");
    }
    let mut out = format!("{open}>\n");
    let mut notes = Vec::new();
    for d in findings {
        let text = d.line();
        if fails(d) {
            let mut body = text.clone();
            if let Some(help) = d.help {
                body.push_str(&format!("\nhelp: {help}"));
            }
            out.push_str(&format!(
                "      <failure type=\"{}\" message=\"{}\">{}</failure>\n",
                d.code,
                escape(d.message),
                escape(&body)
            ));
        } else {
            notes.push(text);
        }
    }
    if !notes.is_empty() {
        out.push_str(&format!(
            "      <system-out>{}</system-out>\n",
            escape(&notes.join("\n"))
        ));
    }
    out.push_str("    </testcase>\n");
    out
}

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
    // The implicit checks are one per result, in order: each failure names its Gateway.
    let failed: Vec<String> = if case.implicit {
        (case.results.iter().zip(&case.checks))
            .filter(|(_, c)| !c.passed)
            .map(|(r, c)| {
                let port = r.port.map(|p| format!(":{p}")).unwrap_or_default();
                format!(
                    "{}{port}: {}, expected {}",
                    r.target_name(),
                    c.actual,
                    c.expected
                )
            })
            .collect()
    } else {
        (case.checks.iter())
            .filter(|c| !c.passed)
            .map(|c| format!("{}: expected {}, got {}", c.what, c.expected, c.actual))
            .collect()
    };
    if !failed.is_empty() {
        out.push_str(&format!(
            "      <failure type=\"{}\" message=\"{}\">{}</failure>\n",
            if case.implicit {
                "outcome"
            } else {
                "expectation"
            },
            escape(failed.first().map_or("", String::as_str)),
            escape(&failed.join("\n")),
        ));
    }
    let outcomes: Vec<String> = case
        .results
        .iter()
        .map(|r| {
            let mut line = r.target_name().to_string();
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
                implicit: false,
            },
            Case {
                name: "ok",
                request: &request,
                results: &[],
                checks: &[],
                implicit: false,
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
    fn check_has_a_case_per_object_and_a_failure_per_failing_finding() {
        let fixture = crate::output::fixture::Fixture::new();
        let xml = check(&CheckView::new(&fixture.report()));
        assert!(xml.contains("<testsuite name=\"routes.yaml\""), "{xml}");
        assert!(
            xml.contains("<testcase name=\"HTTPRoute other/bad\" classname=\"routes.yaml\">"),
            "{xml}"
        );
        assert!(xml.contains("<failure type=\"GW1001\""), "{xml}");
        // The accepted route passes: an empty case.
        assert!(
            xml.contains("<testcase name=\"HTTPRoute app/hr\" classname=\"routes.yaml\"/>"),
            "{xml}"
        );
        insta::assert_snapshot!(xml);
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
