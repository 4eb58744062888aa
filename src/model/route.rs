//! Routes of every kind (see [`super::RouteKind`]): parentRefs, hostnames and rules with
//! their matches, filters and backendRefs.

use super::{Known, Meta, Named, ObjectRef, RouteKind};
use crate::diag::FieldPath;

/// A `parentRef` with CRD defaults applied; `*_set` records what the user wrote
/// (status echoes sectionName and port only when given).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParentRef {
    pub index: usize,
    pub group: String,
    pub kind: String,
    pub namespace: String,
    /// Whether `namespace` was written (false = defaulted to the route's namespace).
    pub namespace_set: bool,
    pub name: String,
    pub section_name: Option<String>,
    pub port: Option<i64>,
}

/// Any route kind. Kind-specific parts live in the rules.
#[derive(Debug, Clone)]
pub struct Route {
    pub kind: RouteKind,
    pub meta: Meta,
    pub parent_refs: Vec<ParentRef>,
    /// `spec.hostnames` (empty for TCP/UDP).
    pub hostnames: Vec<String>,
    pub rules: Vec<RouteRule>,
}

impl Route {
    /// `HTTPRoute namespace/name` (the canonical kind), for messages.
    pub fn named(&self) -> Named<'_> {
        Named {
            kind: self.kind.as_str(),
            namespace: &self.meta.namespace,
            name: &self.meta.name,
        }
    }

    /// Every `RegularExpression` value of the route's matches (paths, headers, query
    /// parameters, gRPC services and methods), with its field.
    pub fn regular_expressions(&self) -> Vec<(FieldPath, &str)> {
        fn is_regex(t: &Known<ValueMatchType>) -> bool {
            *t == Known::Known(ValueMatchType::RegularExpression)
        }
        fn values<'a>(
            out: &mut Vec<(FieldPath, &'a str)>,
            at: impl Fn() -> FieldPath,
            list: &'static str,
            matches: &'a [ValueMatch],
        ) {
            for v in matches.iter().filter(|v| is_regex(&v.match_type)) {
                out.push((at().key(list).index(v.index).key("value"), v.value.as_str()));
            }
        }
        // Paths are built only for the regular expressions found: nearly every match has none.
        let mut out = Vec::new();
        for rule in &self.rules {
            for m in &rule.matches {
                let at = || {
                    (FieldPath::root().key("spec").key("rules").index(rule.index))
                        .key("matches")
                        .index(m.index())
                };
                match m {
                    RouteMatch::Http(h) => {
                        if h.path.match_type == Known::Known(PathMatchType::RegularExpression) {
                            out.push((at().key("path").key("value"), h.path.value.as_str()));
                        }
                        values(&mut out, at, "headers", &h.headers);
                        values(&mut out, at, "queryParams", &h.query_params);
                    }
                    RouteMatch::Grpc(g) => {
                        if is_regex(&g.match_type) {
                            for (field, value) in [("service", &g.service), ("method", &g.method)] {
                                if let Some(value) = value {
                                    out.push((at().key("method").key(field), value.as_str()));
                                }
                            }
                        }
                        values(&mut out, at, "headers", &g.headers);
                    }
                }
            }
        }
        out
    }
}

#[derive(Debug, Clone)]
pub struct RouteRule {
    pub index: usize,
    pub name: Option<String>,
    /// HTTPRoute: defaulted to `[{path: PathPrefix /}]` when absent. GRPCRoute: empty means
    /// match all. TLS/TCP/UDP: always empty.
    pub matches: Vec<RouteMatch>,
    pub filters: Vec<Filter>,
    pub backend_refs: Vec<BackendRef>,
    /// Which optional rule fields are written (their support varies by controller).
    pub options: RuleOptions,
}

/// Optional fields of a rule, by presence: `timeouts.request`, `timeouts.backendRequest`,
/// `retry`, `sessionPersistence`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RuleOptions {
    pub request_timeout: bool,
    pub backend_timeout: bool,
    pub retry: bool,
    pub session_persistence: bool,
}

#[derive(Debug, Clone)]
pub enum RouteMatch {
    Http(HttpMatch),
    Grpc(GrpcMatch),
}

impl RouteMatch {
    /// The position in the rule's `matches`, as written.
    pub fn index(&self) -> usize {
        match self {
            RouteMatch::Http(m) => m.index,
            RouteMatch::Grpc(m) => m.index,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct HttpMatch {
    pub index: usize,
    /// Defaulted to `PathPrefix /` when absent; `type` defaults to `PathPrefix`.
    pub path: PathMatch,
    pub headers: Vec<ValueMatch>,
    pub query_params: Vec<ValueMatch>,
    pub method: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PathMatch {
    pub match_type: Known<PathMatchType>,
    pub value: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathMatchType {
    Exact,
    PathPrefix,
    RegularExpression,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueMatchType {
    Exact,
    RegularExpression,
}

/// A header or query parameter match; `type` defaults to `Exact`.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueMatch {
    /// The position in its list, as written (for the locations of findings).
    pub index: usize,
    pub name: String,
    pub match_type: Known<ValueMatchType>,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GrpcMatch {
    pub index: usize,
    /// `type` defaults to `Exact`.
    pub match_type: Known<ValueMatchType>,
    pub service: Option<String>,
    pub method: Option<String>,
    pub headers: Vec<ValueMatch>,
}

/// A route or backendRef filter.
#[derive(Debug, Clone, PartialEq)]
pub struct Filter {
    pub index: usize,
    pub kind: FilterKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum FilterKind {
    RequestHeaderModifier(HeaderModifier),
    ResponseHeaderModifier(HeaderModifier),
    RequestRedirect(RequestRedirect),
    UrlRewrite(UrlRewrite),
    RequestMirror(RequestMirror),
    /// CORS, modelled superficially: the filter's presence and allowed origins.
    Cors {
        allow_origins: Vec<String>,
    },
    ExternalAuth,
    ExtensionRef(ObjectRef),
    /// A `type` this version does not know (already reported).
    Unknown(String),
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct HeaderModifier {
    pub set: Vec<(String, String)>,
    pub add: Vec<(String, String)>,
    pub remove: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct RequestRedirect {
    pub scheme: Option<String>,
    pub hostname: Option<String>,
    pub path: Option<PathModifier>,
    pub port: Option<i64>,
    /// Default 302.
    pub status_code: i64,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct UrlRewrite {
    pub hostname: Option<String>,
    pub path: Option<PathModifier>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PathModifier {
    ReplaceFullPath(String),
    ReplacePrefixMatch(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct RequestMirror {
    pub backend_ref: BackendObjectRef,
    /// `percent`, or `fraction` converted to a percentage; `None` = 100.
    pub percent: Option<f64>,
}

/// The object a backendRef names; `group` defaults to `""`, `kind` to `Service`.
#[derive(Debug, Clone, PartialEq)]
pub struct BackendObjectRef {
    pub group: String,
    pub kind: String,
    pub name: String,
    /// `None` = the route's namespace.
    pub namespace: Option<String>,
    pub port: Option<i64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BackendRef {
    pub index: usize,
    pub object: BackendObjectRef,
    /// Defaults to 1.
    pub weight: i64,
    pub filters: Vec<Filter>,
}
