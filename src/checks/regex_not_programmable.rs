//! A `RegularExpression` match the data plane does not compile. The dialect is the data
//! plane's ([`crate::engine::RegexDialect`], in the analysis): RE2 with Envoy's program-size
//! limit for Envoy-based controllers, Go's `regexp` for Traefik, PCRE for NGINX; the spec's
//! default is RE2 without a size limit. `simulate` does not run such a match either: the
//! router says it is not programmed.

use super::Check;
use crate::diag::{Diagnostic, Rule, rule};
use crate::engine::Analysis;
use crate::engine::routing::Pattern;
use crate::model::World;

rule! {
    /// ## What it does
    /// Reports a `RegularExpression` path, header, query parameter or gRPC method match that
    /// the data plane's regex engine refuses. RE2 (Envoy Gateway, Istio, Cilium, kgateway) and
    /// Go's `regexp` (Traefik) refuse a repetition count above 1000, nested repetitions that
    /// make more than 1000 copies (`bad repetition operator`), flags other than `i`, `m`, `s`
    /// and `U`, and class syntax they lack (`[a-z&&[^aeiou]]`, `\<`); Envoy also refuses a
    /// program larger than its `re2.max_program_size` (100 instructions by default, 32768 in
    /// Istio). A pattern that does not parse at all is reported too.
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
        |pattern| match pattern {
            Pattern::Refused(why) => Some(format!("cannot be programmed: {why}")),
            _ => None,
        },
        "simplify the pattern (no large repetitions inside repetitions), or use a PathPrefix or Exact match",
    )
}

/// A finding of `rule` on every `RegularExpression` value of the routes for which `judge`,
/// given the value compiled in the analysis's dialect, says what is wrong.
pub(super) fn findings(
    world: &World,
    analysis: &Analysis,
    rule: &'static Rule,
    judge: fn(&Pattern) -> Option<String>,
    help: &'static str,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for route in &world.routes {
        for (at, value) in route.regular_expressions() {
            if let Some(problem) = judge(&Pattern::new(value, &analysis.regex)) {
                let message = format!(
                    "{}: the RegularExpression `{}` {problem}",
                    route.named(),
                    crate::text::cut(value, 200)
                );
                out.push(
                    Diagnostic::new(rule, message)
                        .at(route.meta.at(at))
                        .help(help),
                );
            }
        }
    }
    out
}
