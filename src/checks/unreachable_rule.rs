//! An HTTPRoute rule that can never win a request. Among matches of equal precedence
//! within one route, the first rule in list order wins (the last step of HTTPRoute match
//! precedence: `HTTPRouteRule.Matches` in `apis/v1/httproute_types.go`; §7.4 of the
//! semantics notes). A rule each of whose matches
//! repeats a match of an earlier rule of the same route ties with that rule on every request
//! it matches, and loses every tie.

use super::Check;
use crate::diag::{Diagnostic, FieldPath, rule};
use crate::engine::Analysis;
use crate::model::{
    HttpMatch, Known, PathMatchType, Route, RouteKind, RouteMatch, ValueMatchType, World,
};

rule! {
    /// ## What it does
    /// Reports an HTTPRoute rule each of whose matches is identical to a match of an earlier
    /// rule of the same route: the same path (type and value), method, headers and query
    /// parameters. Header names compare case-insensitively, and the order of headers and of
    /// query parameters does not matter; a rule without `matches` matches `PathPrefix /`. A
    /// rule that differs from every earlier one in any match field is not reported.
    ///
    /// ## Why it matters
    /// Within one route, the first rule (in list order) with a match of the highest
    /// precedence takes the request. Every request such a rule matches is matched just as
    /// well by an earlier rule, which wins: the rule never receives traffic, and its filters
    /// and backends are dead configuration. It is usually a rule added below an older one
    /// with the same match (a canary, a new backend) that was meant to replace it or to
    /// differ from it by a header.
    ///
    /// ## Example
    /// The third rule's matches repeat those of the first two rules (the header name differs
    /// only in case, and `path.type` defaults to `PathPrefix`); the second rule is not
    /// reported, as its header makes it a different match:
    #[example = "testdata/rules/unreachable-route-rule/err.yaml"]
    ///
    /// ## Fix
    /// Remove the rule, merge its backends into the earlier rule (as weighted
    /// `backendRefs`), or give it a match of its own (a header, a query parameter, a longer
    /// path).
    pub static UNREACHABLE_ROUTE_RULE {
        code: "GW5001",
        name: "unreachable-route-rule",
        severity: Warning,
        stage: Check,
        summary: "An HTTPRoute rule can never win: each of its matches repeats an earlier rule's",
    }
}

pub static CHECK: Check = Check {
    rule: &UNREACHABLE_ROUTE_RULE,
    run,
};

fn run(world: &World, _analysis: &Analysis) -> Vec<Diagnostic> {
    // Every rule is compared with the earlier ones of its route: many routes, many threads.
    crate::parallel::map_groups(
        &world.routes,
        |route| 1 + route.rules.len(),
        crate::parallel::MIN_PARALLEL_ROUTE_RULES,
        |_, group| {
            (group.iter())
                .filter(|route| route.kind == RouteKind::Http)
                .flat_map(unreachable_rules)
                .collect::<Vec<_>>()
        },
    )
    .into_iter()
    .flatten()
    .collect()
}

/// A match in a form where two matches that select the same requests are equal.
#[derive(Debug, PartialEq, Eq)]
struct Selects<'a> {
    path_type: PathMatchType,
    path: &'a str,
    method: Option<&'a str>,
    /// Lowercased names (header names are case-insensitive), sorted.
    headers: Vec<(String, bool, &'a str)>,
    /// Sorted; names are case-sensitive.
    query_params: Vec<(&'a str, bool, &'a str)>,
}

impl<'a> Selects<'a> {
    /// `None` when a match type is not known (already reported): what it selects is unknown.
    fn of(m: &'a HttpMatch) -> Option<Self> {
        let regex = |t: &Known<ValueMatchType>| match t {
            Known::Known(ValueMatchType::Exact) => Some(false),
            Known::Known(ValueMatchType::RegularExpression) => Some(true),
            Known::Unknown(_) => None,
        };
        let mut headers = m
            .headers
            .iter()
            .map(|h| {
                Some((
                    h.name.to_ascii_lowercase(),
                    regex(&h.match_type)?,
                    h.value.as_str(),
                ))
            })
            .collect::<Option<Vec<_>>>()?;
        headers.sort();
        let mut query_params = m
            .query_params
            .iter()
            .map(|q| Some((q.name.as_str(), regex(&q.match_type)?, q.value.as_str())))
            .collect::<Option<Vec<_>>>()?;
        query_params.sort();
        Some(Selects {
            path_type: m.path.match_type.known()?,
            path: &m.path.value,
            method: m.method.as_deref(),
            headers,
            query_params,
        })
    }
}

/// The finding for each rule of `route` whose every match repeats an earlier rule's.
fn unreachable_rules(route: &Route) -> Vec<Diagnostic> {
    // (rule, match index, what it selects) of every match of the route, in order.
    let matches: Vec<(usize, usize, Option<Selects>)> = route
        .rules
        .iter()
        .flat_map(|rule| {
            rule.matches.iter().filter_map(move |m| match m {
                RouteMatch::Http(m) => Some((rule.index, m.index, Selects::of(m))),
                RouteMatch::Grpc(_) => None,
            })
        })
        .collect();
    let mut findings = Vec::new();
    for rule in &route.rules {
        let own: Vec<&(usize, usize, Option<Selects>)> =
            matches.iter().filter(|(r, ..)| *r == rule.index).collect();
        // For each of the rule's matches, the first identical match of an earlier rule.
        let earlier: Option<Vec<(usize, usize)>> = own
            .iter()
            .map(|(_, _, selects)| {
                let selects = selects.as_ref()?;
                matches
                    .iter()
                    .take_while(|(r, ..)| *r != rule.index)
                    .find(|(_, _, other)| other.as_ref() == Some(selects))
                    .map(|(r, m, _)| (*r, *m))
            })
            .collect();
        let Some(mut earlier) = earlier.filter(|e| !e.is_empty()) else {
            continue;
        };
        earlier.sort_unstable();
        earlier.dedup();
        findings.push(finding(route, rule.index, rule.name.as_deref(), &earlier));
    }
    findings
}

fn finding(
    route: &Route,
    rule: usize,
    name: Option<&str>,
    earlier: &[(usize, usize)],
) -> Diagnostic {
    let rules_path = || FieldPath::root().key("spec").key("rules");
    let named = name.map(|n| format!(" (`{n}`)")).unwrap_or_default();
    let mut winners: Vec<String> = earlier.iter().map(|(r, _)| r.to_string()).collect();
    winners.dedup();
    let winners = match winners.split_last() {
        Some((last, [])) => format!("rule {last} takes"),
        Some((last, rest)) => format!("rules {} and {last} take", rest.join(", ")),
        None => String::new(),
    };
    let mut diagnostic = Diagnostic::new(
        &UNREACHABLE_ROUTE_RULE,
        format!(
            "rule {rule}{named} of {} never receives a request: each of its matches repeats a \
             match of an earlier rule",
            route.named()
        ),
    )
    .at(route.meta.at(rules_path().index(rule).key("matches")))
    .help(format!(
        "{winners} every request this rule matches; remove the rule, or give it a match of \
         its own"
    ));
    for &(r, m) in earlier {
        diagnostic = diagnostic.related(
            route.meta.at(rules_path().index(r).key("matches").index(m)),
            format!("the same match, in rule {r}"),
        );
    }
    diagnostic
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::Sources;
    use crate::model::{BuildOptions, build};
    use crate::source::SourceFile;
    use crate::yaml::Limits;

    /// The model's problems and the check's findings on an HTTPRoute with these `rules`
    /// (YAML, indented as under `spec:`).
    fn check(rules: &str) -> (Vec<Diagnostic>, Vec<Diagnostic>) {
        let text = format!(
            "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\n\
             metadata: {{name: r, namespace: ns}}\nspec:\n  rules:\n{rules}"
        );
        let mut sources = Sources::default();
        let mut problems = sources.add(SourceFile::in_memory("r.yaml", text), &Limits::default());
        let (world, model_problems) = build(
            &sources,
            &BuildOptions::default(),
            crate::model::test_schemas(),
        );
        problems.extend(model_problems);
        (problems, run(&world, &Analysis::default()))
    }

    /// The findings on a valid HTTPRoute with these `rules`.
    fn findings(rules: &str) -> Vec<Diagnostic> {
        let (problems, found) = check(rules);
        assert!(problems.is_empty(), "{rules}: {problems:?}");
        found
    }

    fn paths(diagnostics: &[Diagnostic]) -> Vec<String> {
        diagnostics
            .iter()
            .map(|d| match &d.location {
                Some(crate::diag::Location::Field { path, .. }) => path.to_string(),
                other => format!("{other:?}"),
            })
            .collect()
    }

    #[test]
    fn a_rule_that_repeats_an_earlier_match_is_reported_at_its_matches() {
        let found = findings(
            "  - matches: [{path: {type: PathPrefix, value: /a}}]\n  \
               - matches: [{path: {value: /a}}]\n",
        );
        assert_eq!(paths(&found), ["spec.rules[1].matches"]);
        assert_eq!(found[0].related.len(), 1);
        assert_eq!(found[0].related[0].label, "the same match, in rule 0");
    }

    #[test]
    fn rules_without_matches_all_match_path_prefix_slash() {
        let found = findings(
            "  - backendRefs: [{name: a, port: 80}]\n  \
               - matches: [{path: {type: PathPrefix, value: /}}]\n  \
               - backendRefs: [{name: b, port: 80}]\n",
        );
        assert_eq!(
            paths(&found),
            ["spec.rules[1].matches", "spec.rules[2].matches"]
        );
    }

    #[test]
    fn every_match_must_repeat_an_earlier_one() {
        // Rule 2's matches repeat rules 0 and 1, whatever the order and case of the headers.
        let found = findings(concat!(
            "  - matches: [{path: {value: /a}}]\n",
            "  - matches:\n",
            "    - {path: {value: /b}, headers: [{name: a1, value: '1'}, {name: b2, value: x}]}\n",
            "  - matches:\n",
            "    - {path: {value: /b}, headers: [{name: B2, value: x}, {name: A1, value: '1'}]}\n",
            "    - {path: {value: /a}}\n",
            "  - matches: [{path: {value: /a}}, {path: {value: /c}}]\n",
        ));
        assert_eq!(paths(&found), ["spec.rules[2].matches"]);
        assert_eq!(found[0].related.len(), 2);
        let help = found[0].help.as_deref().unwrap_or_default();
        assert!(
            help.starts_with("rules 0 and 1 take every request"),
            "{help}"
        );
    }

    /// A match of every field, with one field replaced (or left out when `value` is empty).
    fn a_match(field: &str, value: &str) -> String {
        let mut fields = vec![
            ("path", "{type: PathPrefix, value: /a}"),
            ("method", "GET"),
            ("headers", "[{name: h, value: v}]"),
            ("queryParams", "[{name: q, value: v}]"),
        ];
        fields.retain(|(name, _)| *name != field);
        let mut text: Vec<String> = fields.iter().map(|(n, v)| format!("{n}: {v}")).collect();
        if !value.is_empty() {
            text.push(format!("{field}: {value}"));
        }
        format!("{{{}}}", text.join(", "))
    }

    #[test]
    fn a_match_that_differs_in_any_field_is_not_a_repeat() {
        let base = a_match("", "");
        for (field, value) in [
            ("path", "{type: Exact, value: /a}"),
            ("path", "{type: PathPrefix, value: /a/}"),
            ("method", "POST"),
            ("method", ""),
            ("headers", "[{name: h, value: w}]"),
            ("headers", "[{name: h, type: RegularExpression, value: v}]"),
            ("headers", "[{name: h, value: v}, {name: i, value: v}]"),
            ("queryParams", ""),
            ("queryParams", "[{name: Q, value: v}]"),
        ] {
            let other = a_match(field, value);
            let found = findings(&format!("  - matches: [{base}]\n  - matches: [{other}]\n"));
            assert!(found.is_empty(), "{other}: {:?}", paths(&found));
        }
        // The same match, with its keys in another order and defaults spelled out.
        let same = "{queryParams: [{name: q, value: v}], \
                    headers: [{name: H, type: Exact, value: v}], method: GET, path: {value: /a}}";
        let found = findings(&format!("  - matches: [{base}]\n  - matches: [{same}]\n"));
        assert_eq!(paths(&found), ["spec.rules[1].matches"]);
    }

    #[test]
    fn matches_of_unknown_type_are_left_alone() {
        let (problems, found) = check(
            "  - matches: [{path: {type: Prefix, value: /a}}]\n  \
               - matches: [{path: {type: Prefix, value: /a}}]\n",
        );
        // The model reads the unsupported type as unknown (admission reports it).
        assert!(problems.is_empty(), "{problems:?}");
        assert!(found.is_empty());
    }
}
