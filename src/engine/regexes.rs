//! `RegularExpression` matches judged in the data plane's dialect ([`RegexDialect`]): a
//! pattern the data plane does not compile, or that gwctl cannot evaluate, is a finding on
//! its value. `simulate` does not run such a pattern either (the router says why).

use crate::diag::{Diagnostic, FieldPath};
use crate::engine::routing::{Pattern, RegexDialect};
use crate::model::{Known, PathMatchType, Route, RouteMatch, ValueMatchType};

rule!(
    REGEX_NOT_PROGRAMMABLE,
    "GW5001",
    "regex-not-programmable",
    Error,
    "A RegularExpression match cannot be programmed by the data plane",
    "The data plane compiles a route's `RegularExpression` matches with its own engine and \
limits: RE2 for Envoy-based controllers (Envoy Gateway, Istio, Cilium, kgateway) and Go's \
`regexp` for Traefik. RE2 refuses a repetition count above 1000 and nested repetitions that \
make more than 1000 copies (`bad repetition operator`), flags other than `i`, `m`, `s` and \
`U`, and class syntax it lacks; Envoy also refuses a program larger than its \
`re2.max_program_size` (100 instructions by default, 32768 in Istio). A route with such a \
match is not programmed as written: controllers reject it (Envoy Gateway: \
`Accepted=False`, `UnsupportedValue`) or the data plane drops it. `gwctl simulate` does \
not run it.\n\n\
```yaml\nmatches:\n- path:\n    type: RegularExpression\n    value: \"(.{1,300}){1,300}x\"   # 90,000 copies\n```\n\n\
Fix: write the pattern without nesting large repetitions (`.{1,1000}x`), or use a \
`PathPrefix` match."
);

rule!(
    REGEX_NOT_EVALUATED,
    "GW5002",
    "regex-not-evaluated",
    Warning,
    "gwctl cannot evaluate a RegularExpression match; its routing is unknown",
    "gwctl evaluates regular expressions with finite automata, in time linear in the request \
and within a bound on the compiled program, so that no pattern can make a check or a \
simulation slow. A pattern beyond that bound, or one using syntax only a backtracking \
engine runs (PCRE's lookaround and backreferences, for NGINX), is valid for the data plane \
but not evaluated: whether a request matches it is unknown, and `gwctl simulate` says so \
instead of running it.\n\n\
```yaml\nheaders:\n- name: x-version\n  type: RegularExpression\n  value: \"(?=v)v[0-9]+\"   # lookahead: PCRE only\n```\n\n\
Fix: nothing, if the data plane takes it; a simpler pattern lets gwctl predict its routing."
);

/// Every `RegularExpression` of `routes` compiled in `dialect`; a finding for each one the
/// data plane refuses or gwctl cannot evaluate.
pub(super) fn check(routes: &[Route], dialect: &RegexDialect) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for route in routes {
        for rule in &route.rules {
            for m in &rule.matches {
                let at = format!("spec.rules[{}].matches[{}]", rule.index, m.index());
                for (field, value) in regexes(m) {
                    let pattern = Pattern::new(value, dialect);
                    if let Some(diagnostic) =
                        finding(route, &format!("{at}.{field}"), value, &pattern)
                    {
                        out.push(diagnostic);
                    }
                }
            }
        }
    }
    out
}

/// The regular expressions of a match: (field path below the match, pattern).
fn regexes(m: &RouteMatch) -> Vec<(String, &str)> {
    let is_regex =
        |t: &Known<ValueMatchType>| *t == Known::Known(ValueMatchType::RegularExpression);
    let mut out = Vec::new();
    match m {
        RouteMatch::Http(h) => {
            if h.path.match_type == Known::Known(PathMatchType::RegularExpression) {
                out.push(("path.value".to_string(), h.path.value.as_str()));
            }
            for (list, matches) in [("headers", &h.headers), ("queryParams", &h.query_params)] {
                for v in matches.iter().filter(|v| is_regex(&v.match_type)) {
                    out.push((format!("{list}[{}].value", v.index), v.value.as_str()));
                }
            }
        }
        RouteMatch::Grpc(g) => {
            if is_regex(&g.match_type) {
                for (field, value) in [("service", &g.service), ("method", &g.method)] {
                    if let Some(value) = value {
                        out.push((format!("method.{field}"), value.as_str()));
                    }
                }
            }
            for v in g.headers.iter().filter(|v| is_regex(&v.match_type)) {
                out.push((format!("headers[{}].value", v.index), v.value.as_str()));
            }
        }
    }
    out
}

fn finding(route: &Route, field: &str, value: &str, pattern: &Pattern) -> Option<Diagnostic> {
    let shown = crate::text::cut(value, 200);
    let (rule, message, help) = match pattern {
        Pattern::Ready(_) => return None,
        Pattern::Refused(why) => (
            &REGEX_NOT_PROGRAMMABLE,
            format!(
                "{}: the RegularExpression `{shown}` cannot be programmed: {why}",
                route.named()
            ),
            "simplify the pattern (no large repetitions inside repetitions), or use a PathPrefix or Exact match",
        ),
        Pattern::Unevaluable(why) => (
            &REGEX_NOT_EVALUATED,
            format!(
                "{}: gwctl does not evaluate the RegularExpression `{shown}`: {why}",
                route.named()
            ),
            "requests this match decides are not predicted; a simpler pattern lets gwctl predict them",
        ),
    };
    Some(
        Diagnostic::new(rule, message)
            .at(route.meta.at(FieldPath::parse(field)))
            .help(help),
    )
}
