//! HTTPRoute, GRPCRoute, TLSRoute, TCPRoute and UDPRoute.

use super::reader::{Obj, Reader};
use super::refs::{defaulted, object_ref, parent_ref};
use super::rules::{
    BACKEND_REF_WITHOUT_PORT, DUPLICATE_FILTER, INVALID_FIELD_VALUE, REDIRECT_WITH_BACKEND_REFS,
    REDIRECT_WITH_REWRITE, REPLACE_PREFIX_WITHOUT_PATH_PREFIX,
};
use crate::model::{
    BackendObjectRef, BackendRef, Filter, FilterKind, GrpcMatch, HeaderModifier, HttpMatch, Known,
    MatchFamily, Meta, PathMatch, PathMatchType, PathModifier, RequestMirror, RequestRedirect,
    Route, RouteKind, RouteKindSpec, RouteMatch, RouteRule, UrlRewrite, ValueMatch, ValueMatchType,
};

const PATH_MATCH_TYPES: &[(&str, PathMatchType)] = &[
    ("Exact", PathMatchType::Exact),
    ("PathPrefix", PathMatchType::PathPrefix),
    ("RegularExpression", PathMatchType::RegularExpression),
];

const VALUE_MATCH_TYPES: &[(&str, ValueMatchType)] = &[
    ("Exact", ValueMatchType::Exact),
    ("RegularExpression", ValueMatchType::RegularExpression),
];

const HTTP_METHODS: &[&str] = &[
    "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH",
];

const REDIRECT_SCHEMES: &[&str] = &["http", "https"];
const REDIRECT_STATUS_CODES: &[i64] = &[301, 302, 303, 307, 308];

const BACKEND_REF_FIELDS: &[&str] = &[
    "group",
    "kind",
    "name",
    "namespace",
    "port",
    "weight",
    "filters",
];
const HTTP_MATCH_FIELDS: &[&str] = &["path", "headers", "queryParams", "method"];
const GRPC_MATCH_FIELDS: &[&str] = &["method", "headers"];
const FILTER_FIELDS: &[&str] = &[
    "type",
    "requestHeaderModifier",
    "responseHeaderModifier",
    "requestRedirect",
    "urlRewrite",
    "requestMirror",
    "cors",
    "externalAuth",
    "extensionRef",
];

/// The `type` of a filter, which names its configuration field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FilterType {
    RequestHeaderModifier,
    ResponseHeaderModifier,
    RequestRedirect,
    UrlRewrite,
    RequestMirror,
    Cors,
    ExternalAuth,
    ExtensionRef,
}

impl FilterType {
    /// The field holding the filter's configuration.
    fn field(self) -> &'static str {
        match self {
            FilterType::RequestHeaderModifier => "requestHeaderModifier",
            FilterType::ResponseHeaderModifier => "responseHeaderModifier",
            FilterType::RequestRedirect => "requestRedirect",
            FilterType::UrlRewrite => "urlRewrite",
            FilterType::RequestMirror => "requestMirror",
            FilterType::Cors => "cors",
            FilterType::ExternalAuth => "externalAuth",
            FilterType::ExtensionRef => "extensionRef",
        }
    }

    /// Whether the type may appear several times in one list of filters.
    fn repeatable(self) -> bool {
        matches!(self, FilterType::RequestMirror | FilterType::ExtensionRef)
    }
}

/// Every filter `type` by name; a kind's row lists the ones it has.
const FILTER_TYPES: &[(&str, FilterType)] = &[
    ("RequestHeaderModifier", FilterType::RequestHeaderModifier),
    ("ResponseHeaderModifier", FilterType::ResponseHeaderModifier),
    ("RequestRedirect", FilterType::RequestRedirect),
    ("URLRewrite", FilterType::UrlRewrite),
    ("RequestMirror", FilterType::RequestMirror),
    ("CORS", FilterType::Cors),
    ("ExternalAuth", FilterType::ExternalAuth),
    ("ExtensionRef", FilterType::ExtensionRef),
];

/// The filter types of `spec`'s rules, in its order.
fn filter_types(spec: &RouteKindSpec) -> Vec<(&'static str, FilterType)> {
    spec.filters
        .iter()
        .filter_map(|name| FILTER_TYPES.iter().find(|(n, _)| n == name).copied())
        .collect()
}

pub(super) fn route(
    r: &mut Reader<'_>,
    kind: RouteKind,
    meta: Meta,
    spec: Option<&Obj<'_, '_>>,
) -> Route {
    let mut route = Route {
        kind,
        meta,
        parent_refs: Vec::new(),
        hostnames: Vec::new(),
        rules: Vec::new(),
    };
    let Some(spec) = spec else {
        r.missing_spec("`parentRefs` and `rules`");
        return route;
    };
    let kind_spec = kind.spec();
    r.check_fields(spec, kind_spec.spec_fields);
    let namespace = &route.meta.namespace;
    route.parent_refs = r.objs(spec, "parentRefs", |r, index, obj| {
        parent_ref(r, index, obj, namespace)
    });
    if kind_spec.hostnames {
        route.hostnames = r.strings(spec, "hostnames");
        let hostnames_path = spec.path.key("hostnames");
        for (index, hostname) in route.hostnames.iter().enumerate() {
            r.check_hostname(hostname, true, hostnames_path.index(index));
        }
    }
    let filter_types = filter_types(kind_spec);
    route.rules = r.objs(spec, "rules", |r, index, obj| {
        Some(rule(r, kind_spec, &filter_types, index, obj))
    });
    route
}

fn rule(
    r: &mut Reader<'_>,
    spec: &RouteKindSpec,
    filter_types: &[(&str, FilterType)],
    index: usize,
    obj: &Obj<'_, '_>,
) -> RouteRule {
    r.check_fields(obj, spec.rule_fields);
    let matches = match spec.matches {
        MatchFamily::Http => {
            let written = r.objs(obj, "matches", |r, index, m| {
                Some(RouteMatch::Http(http_match(r, index, m)))
            });
            if written.is_empty() {
                vec![RouteMatch::Http(HttpMatch {
                    index: 0,
                    path: default_path(),
                    headers: Vec::new(),
                    query_params: Vec::new(),
                    method: None,
                })]
            } else {
                written
            }
        }
        MatchFamily::Grpc => r.objs(obj, "matches", |r, index, m| {
            Some(RouteMatch::Grpc(grpc_match(r, index, m)))
        }),
        MatchFamily::Connection => Vec::new(),
    };
    let filters = read_filters(r, obj, filter_types);
    let backend_refs = r.objs(obj, "backendRefs", |r, index, backend| {
        r.check_fields(backend, BACKEND_REF_FIELDS);
        let object = backend_object_ref(r, backend)?;
        let weight = r
            .int(backend, "weight")
            .filter(|&weight| r.check_range(weight, 0, 1_000_000, backend.path.key("weight")))
            .unwrap_or(1);
        let filters = read_filters(r, backend, filter_types);
        check_prefix_rewrites(r, &filters, &matches, backend);
        Some(BackendRef {
            index,
            object,
            weight,
            filters,
        })
    });
    check_rule_filters(r, obj, &filters, &matches, !backend_refs.is_empty());
    RouteRule {
        index,
        name: r.string(obj, "name"),
        matches,
        filters,
        backend_refs,
    }
}

fn default_path() -> PathMatch {
    PathMatch {
        match_type: Known::Known(PathMatchType::PathPrefix),
        value: "/".to_string(),
    }
}

fn http_match(r: &mut Reader<'_>, index: usize, obj: &Obj<'_, '_>) -> HttpMatch {
    r.check_fields(obj, HTTP_MATCH_FIELDS);
    let path = match r.obj(obj, "path") {
        Some(path) => {
            let match_type = r
                .enumerated(&path, "type", PATH_MATCH_TYPES)
                .unwrap_or(Known::Known(PathMatchType::PathPrefix));
            let value = r.string(&path, "value").unwrap_or_else(|| "/".to_string());
            if matches!(
                match_type,
                Known::Known(PathMatchType::Exact | PathMatchType::PathPrefix)
            ) {
                r.check_path(&value, path.path.key("value"));
            }
            PathMatch { match_type, value }
        }
        None => default_path(),
    };
    let method = r.string(obj, "method");
    if let Some(method) = &method
        && !HTTP_METHODS.contains(&method.as_str())
    {
        r.unknown_value(obj.path.key("method"), method, HTTP_METHODS);
    }
    HttpMatch {
        index,
        path,
        headers: value_matches(r, obj, "headers"),
        query_params: value_matches(r, obj, "queryParams"),
        method,
    }
}

/// Header or query parameter matches; entries without a name or value are dropped (reported).
fn value_matches(r: &mut Reader<'_>, obj: &Obj<'_, '_>, key: &str) -> Vec<ValueMatch> {
    r.objs(obj, key, |r, index, m| {
        let name = r.required_string(m, "name");
        let value = r.required_string(m, "value");
        let match_type = r
            .enumerated(m, "type", VALUE_MATCH_TYPES)
            .unwrap_or(Known::Known(ValueMatchType::Exact));
        Some(ValueMatch {
            index,
            name: name?,
            match_type,
            value: value?,
        })
    })
}

fn grpc_match(r: &mut Reader<'_>, index: usize, obj: &Obj<'_, '_>) -> GrpcMatch {
    r.check_fields(obj, GRPC_MATCH_FIELDS);
    let mut out = GrpcMatch {
        index,
        match_type: Known::Known(ValueMatchType::Exact),
        service: None,
        method: None,
        headers: value_matches(r, obj, "headers"),
    };
    if let Some(method) = r.obj(obj, "method") {
        out.match_type = r
            .enumerated(&method, "type", VALUE_MATCH_TYPES)
            .unwrap_or(Known::Known(ValueMatchType::Exact));
        out.service = r.string(&method, "service");
        out.method = r.string(&method, "method");
        if out.service.is_none() && out.method.is_none() {
            r.report(
                &INVALID_FIELD_VALUE,
                method.path,
                "a gRPC method match must set `service`, `method` or both",
                None,
            );
        }
    }
    out
}

/// The `filters` of a rule or backendRef (none for kinds without filters), with repeated
/// non-repeatable types reported.
fn read_filters(
    r: &mut Reader<'_>,
    obj: &Obj<'_, '_>,
    types: &[(&str, FilterType)],
) -> Vec<Filter> {
    if types.is_empty() {
        return Vec::new();
    }
    let mut seen: Vec<FilterType> = Vec::new();
    r.objs(obj, "filters", |r, index, f| {
        r.check_fields(f, FILTER_FIELDS);
        let type_path = f.path.key("type");
        let Some(filter_type) = r.enumerated(f, "type", types) else {
            r.missing(f, "type");
            return None;
        };
        let filter_type = match filter_type {
            Known::Known(t) => t,
            Known::Unknown(name) => {
                return Some(Filter {
                    index,
                    kind: FilterKind::Unknown(name),
                });
            }
        };
        if !filter_type.repeatable() && seen.contains(&filter_type) {
            let name = types
                .iter()
                .find(|(_, t)| *t == filter_type)
                .map_or("", |(name, _)| name);
            let message = format!("the {name} filter appears more than once");
            r.report(
                &DUPLICATE_FILTER,
                type_path,
                message,
                Some("merge the filters into one".to_string()),
            );
        }
        seen.push(filter_type);
        Some(Filter {
            index,
            kind: filter_kind(r, f, filter_type),
        })
    })
}

fn filter_kind(r: &mut Reader<'_>, f: &Obj<'_, '_>, filter_type: FilterType) -> FilterKind {
    let config = r.obj(f, filter_type.field());
    if config.is_none() && filter_type != FilterType::ExternalAuth && !f.has(filter_type.field()) {
        r.missing(f, filter_type.field());
    }
    let config = config.as_ref();
    match filter_type {
        FilterType::RequestHeaderModifier => FilterKind::RequestHeaderModifier(
            config.map(|c| header_modifier(r, c)).unwrap_or_default(),
        ),
        FilterType::ResponseHeaderModifier => FilterKind::ResponseHeaderModifier(
            config.map(|c| header_modifier(r, c)).unwrap_or_default(),
        ),
        FilterType::RequestRedirect => {
            FilterKind::RequestRedirect(config.map(|c| request_redirect(r, c)).unwrap_or_else(
                || RequestRedirect {
                    status_code: 302,
                    ..RequestRedirect::default()
                },
            ))
        }
        FilterType::UrlRewrite => {
            FilterKind::UrlRewrite(config.map(|c| url_rewrite(r, c)).unwrap_or_default())
        }
        FilterType::RequestMirror => match config.and_then(|c| request_mirror(r, c)) {
            Some(mirror) => FilterKind::RequestMirror(mirror),
            // Without a backend the mirror cannot be modelled; keep the filter visible.
            None => FilterKind::Unknown("RequestMirror".to_string()),
        },
        FilterType::Cors => FilterKind::Cors {
            allow_origins: config
                .map(|c| r.strings(c, "allowOrigins"))
                .unwrap_or_default(),
        },
        FilterType::ExternalAuth => FilterKind::ExternalAuth,
        FilterType::ExtensionRef => match config.and_then(|c| object_ref(r, c, None, None)) {
            Some(reference) => FilterKind::ExtensionRef(reference),
            None => FilterKind::Unknown("ExtensionRef".to_string()),
        },
    }
}

fn header_modifier(r: &mut Reader<'_>, obj: &Obj<'_, '_>) -> HeaderModifier {
    let pairs = |r: &mut Reader<'_>, key: &str| {
        r.objs(obj, key, |r, _, header| {
            let name = r.required_string(header, "name");
            let value = r.required_string(header, "value");
            Some((name?, value?))
        })
    };
    HeaderModifier {
        set: pairs(r, "set"),
        add: pairs(r, "add"),
        remove: r.strings(obj, "remove"),
    }
}

fn request_redirect(r: &mut Reader<'_>, obj: &Obj<'_, '_>) -> RequestRedirect {
    let scheme = r.string(obj, "scheme");
    if let Some(scheme) = &scheme
        && !REDIRECT_SCHEMES.contains(&scheme.as_str())
    {
        r.unknown_value(obj.path.key("scheme"), scheme, REDIRECT_SCHEMES);
    }
    let hostname = precise_hostname(r, obj);
    let port = r
        .int(obj, "port")
        .filter(|&port| r.check_range(port, 1, 65535, obj.path.key("port")));
    let status_code = r.int(obj, "statusCode").unwrap_or(302);
    if !REDIRECT_STATUS_CODES.contains(&status_code) {
        let message =
            format!("redirect status code {status_code} is not one of 301, 302, 303, 307, 308");
        r.report(
            &INVALID_FIELD_VALUE,
            obj.path.key("statusCode"),
            message,
            None,
        );
    }
    RequestRedirect {
        scheme,
        hostname,
        path: path_modifier(r, obj),
        port,
        status_code,
    }
}

fn url_rewrite(r: &mut Reader<'_>, obj: &Obj<'_, '_>) -> UrlRewrite {
    UrlRewrite {
        hostname: precise_hostname(r, obj),
        path: path_modifier(r, obj),
    }
}

/// A redirect's or rewrite's `hostname` (no wildcard allowed).
fn precise_hostname(r: &mut Reader<'_>, obj: &Obj<'_, '_>) -> Option<String> {
    let hostname = r.string(obj, "hostname")?;
    r.check_hostname(&hostname, false, obj.path.key("hostname"));
    Some(hostname)
}

fn path_modifier(r: &mut Reader<'_>, obj: &Obj<'_, '_>) -> Option<PathModifier> {
    const TYPES: &[(&str, bool)] = &[("ReplaceFullPath", true), ("ReplacePrefixMatch", false)];
    let path = r.obj(obj, "path")?;
    let Some(Known::Known(full)) = r.enumerated(&path, "type", TYPES) else {
        if !path.has("type") {
            r.missing(&path, "type");
        }
        return None;
    };
    let field = if full {
        "replaceFullPath"
    } else {
        "replacePrefixMatch"
    };
    let value = r.required_string(&path, field)?;
    Some(if full {
        PathModifier::ReplaceFullPath(value)
    } else {
        PathModifier::ReplacePrefixMatch(value)
    })
}

fn request_mirror(r: &mut Reader<'_>, obj: &Obj<'_, '_>) -> Option<RequestMirror> {
    let percent = match r.obj(obj, "fraction") {
        Some(fraction) => {
            let numerator = r.number(&fraction, "numerator");
            let denominator = r.number(&fraction, "denominator").unwrap_or(100.0);
            match numerator {
                Some(numerator) if denominator > 0.0 && numerator <= denominator => {
                    Some(numerator / denominator * 100.0)
                }
                _ => {
                    r.report(
                        &INVALID_FIELD_VALUE,
                        fraction.path,
                        "`fraction` needs a `numerator` no larger than a positive `denominator`",
                        None,
                    );
                    None
                }
            }
        }
        None => r
            .number(obj, "percent")
            .filter(|percent| (0.0..=100.0).contains(percent)),
    };
    let backend = r.obj(obj, "backendRef");
    if backend.is_none() && !obj.has("backendRef") {
        r.missing(obj, "backendRef");
    }
    Some(RequestMirror {
        backend_ref: backend_object_ref(r, &backend?)?,
        percent,
    })
}

/// The object of a backendRef (or a mirror's backendRef) with its CRD defaults; `None`
/// without a name (reported). A Service reference without a port is reported (CEL).
fn backend_object_ref(r: &mut Reader<'_>, obj: &Obj<'_, '_>) -> Option<BackendObjectRef> {
    let name = r.required_string(obj, "name");
    let group = defaulted(r, obj, "group", Some(""));
    let kind = defaulted(r, obj, "kind", Some("Service"));
    let namespace = r.string(obj, "namespace");
    let port = r
        .int(obj, "port")
        .filter(|&port| r.check_range(port, 1, 65535, obj.path.key("port")));
    let name = name?;
    if port.is_none() && !obj.has("port") && group.is_empty() && kind == "Service" {
        let message = format!("the backendRef to Service \"{name}\" has no `port`");
        let help = Some("add the Service port, e.g. `port: 80`".to_string());
        r.report(&BACKEND_REF_WITHOUT_PORT, obj.path, message, help);
    }
    Some(BackendObjectRef {
        group,
        kind,
        name,
        namespace,
        port,
    })
}

/// The CEL rules that relate a rule's filters to its matches and backends.
fn check_rule_filters(
    r: &mut Reader<'_>,
    rule: &Obj<'_, '_>,
    filters: &[Filter],
    matches: &[RouteMatch],
    has_backends: bool,
) {
    let redirect = filters
        .iter()
        .find(|f| matches!(f.kind, FilterKind::RequestRedirect(_)));
    let rewrite = filters
        .iter()
        .any(|f| matches!(f.kind, FilterKind::UrlRewrite(_)));
    if let Some(redirect) = redirect {
        let filters_path = rule.path.key("filters");
        if rewrite {
            r.report(
                &REDIRECT_WITH_REWRITE,
                filters_path,
                "a rule cannot have both a RequestRedirect and a URLRewrite filter",
                Some("keep one of the two filters, or split the rule".to_string()),
            );
        }
        if has_backends {
            r.report(
                &REDIRECT_WITH_BACKEND_REFS,
                filters_path.index(redirect.index),
                "a rule with a RequestRedirect filter cannot have `backendRefs`",
                Some(
                    "remove `backendRefs` from this rule, or move the redirect to its own rule"
                        .to_string(),
                ),
            );
        }
    }
    check_prefix_rewrites(r, filters, matches, rule);
}

/// `ReplacePrefixMatch` needs exactly one match, a `PathPrefix` one.
fn check_prefix_rewrites(
    r: &mut Reader<'_>,
    filters: &[Filter],
    matches: &[RouteMatch],
    owner: &Obj<'_, '_>,
) {
    let single_prefix = matches!(
        matches,
        [RouteMatch::Http(HttpMatch {
            path: PathMatch {
                match_type: Known::Known(PathMatchType::PathPrefix),
                ..
            },
            ..
        })]
    );
    if single_prefix {
        return;
    }
    let filters_path = owner.path.key("filters");
    for filter in filters {
        let (path, field) = match &filter.kind {
            FilterKind::RequestRedirect(redirect) => (&redirect.path, "requestRedirect"),
            FilterKind::UrlRewrite(rewrite) => (&rewrite.path, "urlRewrite"),
            _ => continue,
        };
        if matches!(path, Some(PathModifier::ReplacePrefixMatch(_))) {
            let filter_path = filters_path.index(filter.index);
            let config_path = filter_path.key(field);
            r.report(
                &REPLACE_PREFIX_WITHOUT_PATH_PREFIX,
                config_path.key("path"),
                "`ReplacePrefixMatch` needs the rule to have exactly one match, with a `PathPrefix` path",
                Some("use a single `PathPrefix` match, or `ReplaceFullPath`".to_string()),
            );
        }
    }
}
