//! Route values the API admits and some controllers reject (§3.4 `UnsupportedValue`):
//! header modifier names and values (Envoy Gateway's and NGINX Gateway Fabric's checks),
//! and regular expressions a controller compiles and refuses. Which checks run is the
//! profile's choice; the spec adds none beyond the CRD's.

use super::conditions::{ConditionStatus, Decision, reasons};
use super::routing::{Pattern, RegexDialect, RegexSyntax};
use crate::diag::{FieldPath, rule};
use crate::model::{
    Filter, FilterKind, HeaderModifier, Known, PathMatchType, Route, RouteMatch, ValueMatch,
    ValueMatchType,
};
use crate::profile::{HeaderValidation, Profile};

rule! {
    /// ## What it does
    /// Reports a route value the CRD admits and its controller rejects (see the controller's
    /// profile): Envoy Gateway rejects header modifiers that set `Host` or a name with `/` or
    /// `:`, and values with control characters; NGINX Gateway Fabric rejects hop-by-hop headers
    /// (`Connection`, `Upgrade`) and NGINX variables (`$`) in values; controllers that compile
    /// regular expressions reject one that does not compile.
    ///
    /// ## Why it matters
    /// The route gets `Accepted=False` with reason `UnsupportedValue` for that parent (NGINX
    /// Gateway Fabric drops only the rule) and serves no traffic there.
    ///
    /// ## Example
    /// With `--controller envoy-gateway`, a header modifier that sets `Host`:
    #[example = "testdata/rules/route-unsupported-value/err.yaml"]
    ///
    /// ## Fix
    /// Use a value the controller accepts (rewrite the host with `URLRewrite`).
    pub static ROUTE_UNSUPPORTED_VALUE {
        code: "GW1008",
        name: "route-unsupported-value",
        severity: Error,
        stage: Analysis,
        summary: "The route's controller rejects a value of the route",
    }
}

/// The decision rejecting `route` for a parent of `profile`'s controller, for the first
/// value that controller rejects; `None` when it rejects none.
pub(super) fn rejected(profile: &Profile, route: &Route) -> Option<Decision> {
    let rules = FieldPath::root().key("spec").key("rules");
    for rule in &route.rules {
        let path = rules.clone().index(rule.index);
        for m in &rule.matches {
            if let Some(found) = regex_problem(profile, m, path.clone()) {
                return Some(decision(profile, route, found));
            }
        }
        let backend_filters = rule.backend_refs.iter().flat_map(|b| {
            let at = path
                .clone()
                .key("backendRefs")
                .index(b.index)
                .key("filters");
            b.filters.iter().map(move |f| (f, at.clone()))
        });
        let filters = rule
            .filters
            .iter()
            .map(|f| (f, path.clone().key("filters")))
            .chain(backend_filters);
        for (filter, at) in filters {
            if let Some(found) = header_problem(profile, filter, at) {
                return Some(decision(profile, route, found));
            }
        }
    }
    None
}

/// A rejected value: where it is and why.
struct Found {
    at: FieldPath,
    why: String,
}

fn decision(profile: &Profile, route: &Route, found: Found) -> Decision {
    let cited = if found.why.contains("regular expression") {
        profile.cite(&profile.knobs.regex)
    } else {
        profile.cite(&profile.knobs.header_modifier_validation)
    };
    Decision::reported(
        &ROUTE_UNSUPPORTED_VALUE,
        route.meta.at(found.at),
        ConditionStatus::False,
        reasons::UNSUPPORTED_VALUE,
        format!(
            "{}: {}, which {} rejects{cited}",
            route.named(),
            found.why,
            profile.title
        ),
    )
    .help(format!("change the value to one {} accepts", profile.title))
}

/// The data plane's regular expressions as the profile describes them (its `regex` knob).
pub fn regex_dialect(profile: &Profile) -> RegexDialect {
    let knob = &profile.knobs.regex.value;
    RegexDialect {
        syntax: RegexSyntax::from_profile(&knob.dialect).unwrap_or_default(),
        max_program_size: knob
            .max_program_size
            .map(|n| u32::try_from(n).unwrap_or(u32::MAX)),
    }
}

/// A regular expression of match `m` that the controller compiles and cannot.
fn regex_problem(profile: &Profile, m: &RouteMatch, rule: FieldPath) -> Option<Found> {
    if !profile.knobs.regex.value.validates {
        return None;
    }
    let dialect = regex_dialect(profile);
    // Refused: the controller's own compiler (its dialect's) rejects it; a pattern gwctl
    // merely cannot evaluate is not the controller's rejection.
    let refused = |pattern: &str| match &*Pattern::compiled(pattern, &dialect) {
        Pattern::Refused(why) => Some(why.clone()),
        Pattern::Ready(_) | Pattern::Unevaluable(_) => None,
    };
    let values = |list: &[ValueMatch], key: &'static str, at: &FieldPath| -> Option<Found> {
        list.iter().enumerate().find_map(|(i, v)| {
            if v.match_type != Known::Known(ValueMatchType::RegularExpression) {
                return None;
            }
            refused(&v.value).map(|why| Found {
                at: at.clone().key(key).index(i).key("value"),
                why: format!("`{}` is not a valid regular expression ({why})", v.value),
            })
        })
    };
    match m {
        RouteMatch::Http(h) => {
            let at = rule.key("matches").index(h.index);
            let path = &h.path;
            if path.match_type == Known::Known(PathMatchType::RegularExpression)
                && let Some(why) = refused(&path.value)
            {
                return Some(Found {
                    at: at.key("path").key("value"),
                    why: format!(
                        "path `{}` is not a valid regular expression ({why})",
                        path.value
                    ),
                });
            }
            values(&h.headers, "headers", &at)
                .or_else(|| values(&h.query_params, "queryParams", &at))
        }
        RouteMatch::Grpc(g) => values(&g.headers, "headers", &rule.key("matches").index(g.index)),
    }
}

/// A header modifier name or value of `filter` (at `filters` of its rule or backendRef)
/// that the controller rejects.
fn header_problem(profile: &Profile, filter: &Filter, filters: FieldPath) -> Option<Found> {
    let check = profile.knobs.header_modifier_validation.value;
    let (modifier, key, response) = match &filter.kind {
        FilterKind::RequestHeaderModifier(m) => (m, "requestHeaderModifier", false),
        FilterKind::ResponseHeaderModifier(m) => (m, "responseHeaderModifier", true),
        _ => return None,
    };
    let at = filters.index(filter.index).key(key);
    let (why, op) = first_rejected(check, modifier, response)?;
    Some(Found {
        at: at.key(op),
        why,
    })
}

/// The first name or value of `m` that `check` rejects, and the operation it is in.
fn first_rejected(
    check: HeaderValidation,
    m: &HeaderModifier,
    response: bool,
) -> Option<(String, &'static str)> {
    let pairs = m
        .set
        .iter()
        .map(|(n, v)| ("set", n, Some(v)))
        .chain(m.add.iter().map(|(n, v)| ("add", n, Some(v))));
    let names = pairs.chain(m.remove.iter().map(|n| ("remove", n, None)));
    for (op, name, value) in names {
        if let Some(why) = name_problem(check, name, response) {
            return Some((why, op));
        }
        if let Some(why) = value.and_then(|v| value_problem(check, name, v)) {
            return Some((why, op));
        }
    }
    None
}

fn name_problem(check: HeaderValidation, name: &str, response: bool) -> Option<String> {
    let lower = name.to_ascii_lowercase();
    let rejected = match check {
        HeaderValidation::None => false,
        HeaderValidation::EnvoyGateway => lower == "host" || name.contains(['/', ':']),
        HeaderValidation::Nginx => {
            let hop_by_hop = ["host", "connection", "upgrade"].contains(&lower.as_str());
            let reserved = response
                && (lower.starts_with("x-accel-")
                    || [
                        "server",
                        "date",
                        "x-pad",
                        "content-type",
                        "content-length",
                        "connection",
                    ]
                    .contains(&lower.as_str()));
            hop_by_hop || reserved || name.len() > 256
        }
    };
    rejected.then(|| format!("the header modifier names header `{name}`"))
}

fn value_problem(check: HeaderValidation, name: &str, value: &str) -> Option<String> {
    let rejected = match check {
        HeaderValidation::None => false,
        // `^[!-~]+([\t ]?[!-~]+)*$`: visible ASCII, single blanks between words.
        HeaderValidation::EnvoyGateway => {
            let visible = |c: char| ('!'..='~').contains(&c);
            value.is_empty()
                || !value.starts_with(visible)
                || !value.ends_with(visible)
                || value.contains("  ")
                || value.contains("\t\t")
                || value.chars().any(|c| !visible(c) && c != ' ' && c != '\t')
        }
        HeaderValidation::Nginx => value.contains('$'),
    };
    rejected.then(|| format!("the value `{value}` of header `{name}` is not one it takes"))
}
