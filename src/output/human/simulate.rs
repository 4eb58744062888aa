//! `simulate -o human`: the trace of a request (gateway → listener → route/rule/match →
//! backend, or the near misses of a 404), or the pass/fail table of `--requests`.

use crate::engine::routing::{Outcome, RequestProtocol};
use crate::output::grid::{finish, plain_table};
use crate::output::view::{
    Case, CaseView, ExpectationView, RequestView, ResultView, Simulation, SuiteSummary,
};
use crate::output::{Detail, Style};
use crate::text::printable;

/// The trace of one request, or the table of a `--requests` run; with
/// [`Detail::Quiet`], one line per result of the request, or per failed case of the run.
pub fn render(simulation: &Simulation<'_>, style: &Style) -> String {
    match (simulation, style.detail) {
        (Simulation::Request(case), Detail::Quiet) => {
            let case = CaseView::new(case);
            case.results.iter().map(|r| result_line(r) + "\n").collect()
        }
        (Simulation::Suite(cases), Detail::Quiet) => (cases.iter())
            .map(CaseView::new)
            .filter(|case| !case.passed)
            .map(|case| {
                let failed: Vec<String> = (case.checks.iter())
                    .filter(|k| !k.passed)
                    .map(check_cell)
                    .collect();
                format!("{}: FAIL {}\n", case.name, failed.join(", "))
            })
            .collect(),
        (Simulation::Request(case), _) => trace(&CaseView::new(case), style),
        (Simulation::Suite(cases), _) => suite(cases, style),
    }
}

/// `infra-ns/shared-gateway:80: NotFound 404`, with the route that matched.
fn result_line(r: &ResultView<'_>) -> String {
    let port = r.port.map(|p| format!(":{p}")).unwrap_or_default();
    let mut line = format!(
        "{}{port}: {} {}",
        r.target_name(),
        r.outcome.as_str(),
        r.status
    );
    if let Some(route) = &r.route {
        line.push_str(&format!(" via {route}"));
    }
    line
}

/// The trace of one request, then the `--expect-*` checks when given.
fn trace(case: &CaseView<'_>, style: &Style) -> String {
    let mut out = format!("{}\n\n", request_line(&case.request));
    for (i, r) in case.results.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        result_text(&mut out, r, style);
    }
    let checks: &[ExpectationView<'_>] = if case.implicit { &[] } else { &case.checks };
    if !checks.is_empty() {
        out.push('\n');
    }
    for k in checks {
        let verdict = style.verdict(k.passed, if k.passed { "pass" } else { "FAIL" });
        let expect = format!("expect {} {}", k.what, k.expected);
        let got = format!("(got {})", k.actual);
        out.push_str(&format!(
            "{}: {verdict} {}\n",
            printable(&expect),
            printable(&got)
        ));
    }
    out
}

/// The pass/fail table of a `--requests` run, then the trace of every failed request.
fn suite(cases: &[Case<'_>], style: &Style) -> String {
    let mut table = plain_table(["REQUEST", "RESULT", "CHECKS", "VERDICT"]);
    let mut failures = String::new();
    for case in cases {
        let case = CaseView::new(case);
        let results = case
            .results
            .iter()
            .map(|r| {
                let port = r.port.map(|p| format!(":{p}")).unwrap_or_default();
                printable(&format!("{}{port} {}", r.short_name(), r.status)).into_owned()
            })
            .collect::<Vec<_>>()
            .join("\n");
        let checks = case
            .checks
            .iter()
            .map(|k| printable(&check_cell(k)).into_owned())
            .collect::<Vec<_>>()
            .join("\n");
        let verdict = if case.passed { "pass" } else { "FAIL" };
        table.add_row(vec![
            printable(case.name).into_owned(),
            results,
            checks,
            style.verdict(case.passed, verdict),
        ]);
        if !case.passed {
            failures.push_str(&format!(
                "\n{}: {}\n",
                printable(case.name),
                request_line(&case.request)
            ));
            for r in &case.results {
                result_text(&mut failures, r, style);
            }
        }
    }
    let mut out = finish(&table);
    out.push_str(&failures);
    let summary = SuiteSummary::new(cases);
    out.push_str(&format!(
        "\n{} of {} requests passed, {} failed\n",
        summary.passed, summary.requests, summary.failed
    ));
    out
}

fn check_cell(k: &ExpectationView<'_>) -> String {
    if k.passed {
        format!("{} {}", k.what, k.expected)
    } else {
        format!("{} {} (got {})", k.what, k.expected, k.actual)
    }
}

/// `GET shop.example.com /cart?id=7`, and the gRPC call or protocol when not plain HTTP;
/// each line made printable (the request comes from the command line or a requests file).
fn request_line(request: &RequestView<'_>) -> String {
    let host = request.host.unwrap_or("(no Host)");
    let line = match (request.protocol, &request.grpc) {
        (RequestProtocol::Grpc, Some(call)) => {
            format!("gRPC {}/{} host {host}", call.service, call.method)
        }
        (RequestProtocol::Tls, _) => format!(
            "TLS connection, SNI {}",
            request.sni.or(request.host).unwrap_or("(none)")
        ),
        (RequestProtocol::Tcp, _) => "TCP connection".to_string(),
        (RequestProtocol::Udp, _) => "UDP datagrams".to_string(),
        _ => {
            let query = request
                .query
                .items
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("&");
            let mut line = format!("{} {host} {}", request.method, request.path);
            if !query.is_empty() {
                line.push('?');
                line.push_str(&query);
            }
            let mut line = printable(&line).into_owned();
            for (name, value) in request.headers.items.iter() {
                line.push_str(&format!("\n  {}", printable(&format!("{name}: {value}"))));
            }
            return line;
        }
    };
    printable(&line).into_owned()
}

/// One result: a headline and the trace.
fn result_text(out: &mut String, r: &ResultView<'_>, style: &Style) {
    let port = r.port.map(|p| format!(" port {p}")).unwrap_or_default();
    // Connections have no status code: the outcome says it all.
    let status = if r.status_code.is_some() || r.grpc_status.is_some() {
        format!(" {}", r.status)
    } else {
        String::new()
    };
    let gateway = format!("{}{port}", r.through());
    out.push_str(&format!(
        "{}: {}{status}\n",
        printable(&gateway),
        style.verdict(r.success, r.outcome.as_str()),
    ));
    // The rest has no colour: names, hosts, paths and headers, made printable line by line.
    let mut trace = String::new();
    for line in r.explanation {
        trace.push_str(&super::wrap(&printable(line), style.width, "  ", "    "));
        trace.push('\n');
    }
    if r.outcome == Outcome::Routed
        && let Some(sent) = &r.backend_request
    {
        let line = format!(
            "backend receives: {} {} {}",
            sent.method,
            if sent.host.is_empty() {
                "(no Host)"
            } else {
                sent.host
            },
            sent.path
        );
        trace.push_str(&format!("  {}\n", printable(&line)));
        for (name, value) in sent.headers.items.iter() {
            trace.push_str(&format!("    {}\n", printable(&format!("{name}: {value}"))));
        }
    }
    if !r.response_headers.items.is_empty() {
        trace.push_str("  response headers:\n");
        for (name, value) in r.response_headers.items.iter() {
            trace.push_str(&format!("    {}\n", printable(&format!("{name}: {value}"))));
        }
    }
    for m in &r.mirrors {
        let line = format!(
            "mirrored to Service {}/{}{} ({}%)",
            m.namespace,
            m.name,
            m.port.map(|p| format!(":{p}")).unwrap_or_default(),
            m.percent
        );
        trace.push_str(&format!("  {}\n", printable(&line)));
    }
    if !r.unknowns.is_empty() {
        trace.push_str("  decided by what the input does not settle:\n");
        for u in r.unknowns {
            let line = printable(&format!("{u}: {}", u.why)).into_owned();
            trace.push_str(&super::wrap(&line, style.width, "    ", "      "));
            trace.push('\n');
        }
    }
    out.push_str(&trace);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::routing::Request;
    use crate::engine::routing::expect::Check;
    use crate::output::fixture::not_found;

    #[test]
    fn human_and_table_name_the_outcome() {
        let request = Request::default();
        let results = [not_found()];
        let one = Case {
            name: "request",
            request: &request,
            results: &results,
            checks: &[],
            implicit: true,
        };
        let text = render(&Simulation::Request(one), &Style::plain());
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
            implicit: false,
        };
        let table = render(&Simulation::Suite(&[case]), &Style::plain());
        assert!(table.contains("FAIL"), "{table}");
        assert!(table.contains("0 of 1 requests passed"), "{table}");
    }
}
