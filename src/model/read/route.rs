//! HTTPRoute, GRPCRoute, TLSRoute, TCPRoute and UDPRoute.
//!
//! Read with the CRD's defaults (a match's `path` is `PathPrefix /`, a backendRef's kind
//! `Service` and weight 1...); what the schema and its rules reject is admission's to
//! report, so nothing here is reported.

use super::reader::{Obj, Reader};
use super::refs::{object_ref, parent_ref, text};
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
    r: &mut Reader<'_, '_>,
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
        return route;
    };
    let kind_spec = kind.spec();
    let namespace = &route.meta.namespace;
    route.parent_refs = r.objs(spec, "parentRefs", |r, index, obj| {
        parent_ref(r, index, obj, namespace)
    });
    if kind_spec.hostnames {
        route.hostnames = r.strings(spec, "hostnames");
    }
    let filter_types = filter_types(kind_spec);
    route.rules = r.objs(spec, "rules", |r, index, obj| {
        Some(rule(r, kind_spec, &filter_types, index, obj))
    });
    route
}

fn rule(
    r: &mut Reader<'_, '_>,
    spec: &RouteKindSpec,
    filter_types: &[(&str, FilterType)],
    index: usize,
    obj: &Obj<'_, '_>,
) -> RouteRule {
    let matches = match spec.matches {
        MatchFamily::Http => {
            let written = r.objs(obj, "matches", |r, index, m| {
                Some(RouteMatch::Http(http_match(r, index, m)))
            });
            // The CRD defaults absent `matches` to this match; an empty list matches every
            // request too.
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
        Some(BackendRef {
            index,
            object: backend_object_ref(r, backend)?,
            // The CRD defaults the weight to 1; out of range it routes nothing.
            weight: r.int_in(backend, "weight", 0, 1_000_000).unwrap_or(1),
            filters: read_filters(r, backend, filter_types),
        })
    });
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

fn http_match(r: &mut Reader<'_, '_>, index: usize, obj: &Obj<'_, '_>) -> HttpMatch {
    let path = match r.obj(obj, "path") {
        Some(path) => PathMatch {
            match_type: r
                .enumerated(&path, "type", PATH_MATCH_TYPES)
                .unwrap_or_else(|| Known::Unknown(String::new())),
            value: text(r, &path, "value"),
        },
        None => default_path(),
    };
    let method = r.string(obj, "method");
    HttpMatch {
        index,
        path,
        headers: value_matches(r, obj, "headers"),
        query_params: value_matches(r, obj, "queryParams"),
        method,
    }
}

/// Header or query parameter matches; entries without a name or value are dropped (reported).
fn value_matches(r: &mut Reader<'_, '_>, obj: &Obj<'_, '_>, key: &str) -> Vec<ValueMatch> {
    r.objs(obj, key, |r, index, m| {
        let name = r.required_string(m, "name");
        let value = r.required_string(m, "value");
        let match_type = value_match_type(r, m);
        Some(ValueMatch {
            index,
            name: name?,
            match_type,
            value: value?,
        })
    })
}

/// A match's `type` (defaulted to `Exact` by the CRD).
fn value_match_type(r: &mut Reader<'_, '_>, obj: &Obj<'_, '_>) -> Known<ValueMatchType> {
    r.enumerated(obj, "type", VALUE_MATCH_TYPES)
        .unwrap_or_else(|| Known::Unknown(String::new()))
}

fn grpc_match(r: &mut Reader<'_, '_>, index: usize, obj: &Obj<'_, '_>) -> GrpcMatch {
    let mut out = GrpcMatch {
        index,
        match_type: Known::Known(ValueMatchType::Exact),
        service: None,
        method: None,
        headers: value_matches(r, obj, "headers"),
    };
    if let Some(method) = r.obj(obj, "method") {
        out.match_type = value_match_type(r, &method);
        out.service = r.string(&method, "service");
        out.method = r.string(&method, "method");
    }
    out
}

/// The `filters` of a rule or backendRef (none for kinds without filters).
fn read_filters(
    r: &mut Reader<'_, '_>,
    obj: &Obj<'_, '_>,
    types: &[(&str, FilterType)],
) -> Vec<Filter> {
    if types.is_empty() {
        return Vec::new();
    }
    r.objs(obj, "filters", |r, index, f| {
        let kind = match r.enumerated(f, "type", types)? {
            Known::Known(filter_type) => filter_kind(r, f, filter_type),
            Known::Unknown(name) => FilterKind::Unknown(name),
        };
        Some(Filter { index, kind })
    })
}

fn filter_kind(r: &mut Reader<'_, '_>, f: &Obj<'_, '_>, filter_type: FilterType) -> FilterKind {
    let config = r.obj(f, filter_type.field());
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
        FilterType::ExtensionRef => match config.and_then(|c| object_ref(r, c)) {
            Some(reference) => FilterKind::ExtensionRef(reference),
            None => FilterKind::Unknown("ExtensionRef".to_string()),
        },
    }
}

fn header_modifier(r: &mut Reader<'_, '_>, obj: &Obj<'_, '_>) -> HeaderModifier {
    let pairs = |r: &mut Reader<'_, '_>, key: &str| {
        r.objs(obj, key, |r, _, header| {
            Some((r.string(header, "name")?, r.string(header, "value")?))
        })
    };
    HeaderModifier {
        set: pairs(r, "set"),
        add: pairs(r, "add"),
        remove: r.strings(obj, "remove"),
    }
}

fn request_redirect(r: &mut Reader<'_, '_>, obj: &Obj<'_, '_>) -> RequestRedirect {
    RequestRedirect {
        scheme: r.string(obj, "scheme"),
        hostname: r.string(obj, "hostname"),
        path: path_modifier(r, obj),
        port: r.int_in(obj, "port", 1, 65535),
        // The CRD's default; the spec's too.
        status_code: r.int(obj, "statusCode").unwrap_or(302),
    }
}

fn url_rewrite(r: &mut Reader<'_, '_>, obj: &Obj<'_, '_>) -> UrlRewrite {
    UrlRewrite {
        hostname: r.string(obj, "hostname"),
        path: path_modifier(r, obj),
    }
}

fn path_modifier(r: &mut Reader<'_, '_>, obj: &Obj<'_, '_>) -> Option<PathModifier> {
    const TYPES: &[(&str, bool)] = &[("ReplaceFullPath", true), ("ReplacePrefixMatch", false)];
    let path = r.obj(obj, "path")?;
    let Some(Known::Known(full)) = r.enumerated(&path, "type", TYPES) else {
        return None;
    };
    let field = if full {
        "replaceFullPath"
    } else {
        "replacePrefixMatch"
    };
    let value = r.string(&path, field)?;
    Some(if full {
        PathModifier::ReplaceFullPath(value)
    } else {
        PathModifier::ReplacePrefixMatch(value)
    })
}

fn request_mirror(r: &mut Reader<'_, '_>, obj: &Obj<'_, '_>) -> Option<RequestMirror> {
    let percent = match r.obj(obj, "fraction") {
        Some(fraction) => {
            let numerator = r.number(&fraction, "numerator");
            let denominator = r.number(&fraction, "denominator").unwrap_or(100.0);
            match numerator {
                Some(numerator) if denominator > 0.0 && numerator <= denominator => {
                    Some(numerator / denominator * 100.0)
                }
                _ => None,
            }
        }
        None => r
            .number(obj, "percent")
            .filter(|percent| (0.0..=100.0).contains(percent)),
    };
    let backend = r.obj(obj, "backendRef")?;
    Some(RequestMirror {
        backend_ref: backend_object_ref(r, &backend)?,
        percent,
    })
}

/// The object of a backendRef (or a mirror's backendRef); `None` without a name.
fn backend_object_ref(r: &mut Reader<'_, '_>, obj: &Obj<'_, '_>) -> Option<BackendObjectRef> {
    Some(BackendObjectRef {
        name: r.string(obj, "name")?,
        group: text(r, obj, "group"),
        kind: text(r, obj, "kind"),
        namespace: r.string(obj, "namespace"),
        port: r.int_in(obj, "port", 1, 65535),
    })
}
