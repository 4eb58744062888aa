//! A `RegularExpression` match the data plane does not compile. The dialect is that of the
//! profile judging each Gateway the route names ([`crate::engine::JudgedDialect`], in the
//! analysis): RE2 with Envoy's program-size limit for Envoy-based controllers, Go's
//! `regexp` for Traefik, PCRE for NGINX. Without a profile the spec's reading (RE2 without a
//! size limit) stands in, and the finding is a warning: the dialect is not known.
//! `simulate` does not run such a match either: the router says it is not programmed.

use super::Check;
use crate::diag::{Diagnostic, Rule, Severity, rule};
use crate::engine::routing::Pattern;
use crate::engine::{Analysis, JudgedDialect};
use crate::model::{Route, World};

rule! {
    /// ## What it does
    /// Reports a `RegularExpression` path, header, query parameter or gRPC method match that
    /// the data plane's regex engine refuses. RE2 (Envoy Gateway, Istio, Cilium, kgateway) and
    /// Go's `regexp` (Traefik) refuse a repetition count above 1000, nested repetitions that
    /// make more than 1000 copies (`bad repetition operator`), flags other than `i`, `m`, `s`
    /// and `U`, and class syntax they lack (`[a-z&&[^aeiou]]`, `\<`); Envoy also refuses a
    /// program larger than its `re2.max_program_size` (100 instructions by default, 32768 in
    /// Istio). A pattern that does not parse at all is reported too. The dialect is that
    /// of the controller of each Gateway the route names; when no implementation profile
    /// is known for it, the pattern is read as RE2 and the finding is a warning.
    ///
    /// ## Why it matters
    /// The route is not programmed as written: a controller that validates rejects it
    /// (Envoy Gateway: `Accepted=False`, `UnsupportedValue`), others hand it to a data plane
    /// that refuses the configuration. `gwctl simulate` does not run the match: requests go
    /// where the other routes send them, and the trace says which match was skipped.
    ///
    /// ## Example
    /// Repetitions nested to 90,000 copies:
    #[example = "testdata/rules/regex-not-programmable/err.yaml"]
    ///
    /// ## Fix
    /// Write the pattern without nesting large repetitions (`.{1,1000}x`), keep it within the
    /// data plane's program size, or use a `PathPrefix` or `Exact` match.
    pub static REGEX_NOT_PROGRAMMABLE {
        code: "GW5002",
        name: "regex-not-programmable",
        severity: Error,
        stage: Check,
        summary: "A RegularExpression match cannot be programmed by the data plane",
    }
}

pub static CHECK: Check = Check {
    rule: &REGEX_NOT_PROGRAMMABLE,
    run,
};

fn run(world: &World, analysis: &Analysis) -> Vec<Diagnostic> {
    findings(
        world,
        analysis,
        &REGEX_NOT_PROGRAMMABLE,
        // A controller that validates rejects the route itself (GW1008, route-unsupported-value).
        |pattern, judged| match pattern {
            Pattern::Refused(why) if !judged.validates => {
                Some(format!("cannot be programmed: {why}"))
            }
            _ => None,
        },
        "simplify the pattern (no large repetitions inside repetitions), or use a PathPrefix or Exact match",
    )
}

/// A finding of `rule` on every `RegularExpression` value of the routes for which `judge`,
/// given the value compiled in each dialect the route is judged in, says what is wrong. An
/// error in an assumed dialect is a warning that says how to make it definite.
pub(super) fn findings(
    world: &World,
    analysis: &Analysis,
    rule: &'static Rule,
    judge: fn(&Pattern, &JudgedDialect) -> Option<String>,
    help: &'static str,
) -> Vec<Diagnostic> {
    let routes: Vec<_> = world.routes.iter().zip(&analysis.route_dialects).collect();
    crate::parallel::map_groups(
        &routes,
        |(route, _)| 1 + route.rules.len(),
        crate::parallel::MIN_PARALLEL_ROUTE_RULES,
        |_, group| route_findings(group, rule, judge, help),
    )
    .into_iter()
    .flatten()
    .collect()
}

/// [`findings`] on the routes of `group`, each with the dialects it is judged in.
fn route_findings(
    group: &[(&Route, &Vec<JudgedDialect>)],
    rule: &'static Rule,
    judge: fn(&Pattern, &JudgedDialect) -> Option<String>,
    help: &'static str,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for &(route, dialects) in group {
        for (at, value) in route.regular_expressions() {
            for judged in dialects {
                let Some(problem) = judge(&Pattern::compiled(value, &judged.dialect), judged)
                else {
                    continue;
                };
                let message = format!(
                    "{}: the RegularExpression `{}` {problem} ({})",
                    route.named(),
                    crate::text::cut(value, 200),
                    whose(judged)
                );
                let mut finding = Diagnostic::new(rule, message).at(route.meta.at(at.clone()));
                // Only a verdict the dialect decides is less than certain in an assumed one.
                if judged.assumed && rule.severity > Severity::Warning {
                    finding = finding
                        .with_severity(rule.severity.min(Severity::Warning))
                        .help(format!(
                            "{help}; for a definite answer, name the controller (--controller, or a GatewayClass controllerName gwctl knows)"
                        ));
                } else {
                    finding = finding.help(help);
                }
                out.push(finding);
            }
        }
    }
    out
}

/// Whose dialect a finding is in: `Envoy Gateway's RE2`, or the spec's reading.
fn whose(judged: &JudgedDialect) -> String {
    let syntax = judged.dialect.syntax.name();
    if judged.assumed {
        format!(
            "read as {syntax}: the spec leaves the dialect to the implementation, and no implementation profile is known for the route's Gateway"
        )
    } else {
        format!("in {}'s dialect, {syntax}", judged.profile)
    }
}
