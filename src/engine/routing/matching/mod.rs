//! Compiled HTTPRoute and GRPCRoute matches (§7.1-7.3, §9) and their precedence keys (§7.4).
//!
//! Routes are compiled once per [`super::Router`]; regular expressions are compiled then
//! (once per run, [`Pattern::compiled`]), so evaluating a request never builds one. A match
//! whose regular expression is not evaluated for a request neither takes nor refuses it:
//! [`Matched::Unknown`].

mod grpc;
mod http;
pub mod regex;
mod work;

pub use grpc::{GrpcMatcher, GrpcPrecedence};
pub use http::{HttpMatcher, HttpPrecedence, PathMatcher};
pub use regex::{Pattern, RegexDialect, RegexSyntax};
pub use work::RegexWork;

use std::sync::Arc;

use super::table::PathKey;

use crate::model::{
    GrpcMatch, HttpMatch, Known, MatchFamily, PathMatch, PathMatchType, Route, RouteMatch,
    ValueMatch, ValueMatchType,
};

/// The request as the matchers see it: normalized once per request.
#[derive(Debug, Clone)]
pub struct Incoming {
    pub path: String,
    pub method: String,
    /// Names lowercased, in request order (the first value of a repeated header counts).
    pub headers: Vec<(String, String)>,
    /// In request order (the first value of a repeated parameter counts).
    pub query: Vec<(String, String)>,
    /// `(service, method)` of a gRPC call.
    pub grpc: Option<(String, String)>,
    /// The regular-expression work this request may still do, shared by every match it is
    /// tried against.
    pub work: RegexWork,
}

/// A regular expression gwctl did not evaluate for a request: as written, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unevaluated {
    pub pattern: String,
    pub why: String,
}

/// Whether a match (or one of its conditions) takes a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Matched {
    Yes,
    No,
    /// It depends on a regular expression gwctl did not evaluate.
    Unknown(Unevaluated),
}

impl From<bool> for Matched {
    fn from(yes: bool) -> Self {
        if yes { Matched::Yes } else { Matched::No }
    }
}

/// Every condition: `No` at the first that fails (the rest are not evaluated), else
/// `Unknown` if one is, else `Yes`.
fn all(conditions: impl IntoIterator<Item = Matched>) -> Matched {
    let mut unknown = None;
    for condition in conditions {
        match condition {
            Matched::No => return Matched::No,
            Matched::Unknown(u) => {
                unknown.get_or_insert(u);
            }
            Matched::Yes => {}
        }
    }
    unknown.map_or(Matched::Yes, Matched::Unknown)
}

impl Incoming {
    pub fn header(&self, lowercase_name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == lowercase_name)
            .map(|(_, v)| v.as_str())
    }
    fn query_param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A string matcher: exact, or a full-match regular expression (one the data plane refuses
/// matches nothing, [`Matcher::refused`] says why; one gwctl does not evaluate is
/// [`Matched::Unknown`]).
#[derive(Debug, Clone)]
enum Text {
    Exact(String),
    Regex {
        written: String,
        pattern: Arc<Pattern>,
    },
}

impl Text {
    fn new(match_type: &Known<ValueMatchType>, value: &str, dialect: &RegexDialect) -> Self {
        match match_type {
            Known::Known(ValueMatchType::RegularExpression) => Text::Regex {
                written: value.to_string(),
                pattern: Pattern::compiled(value, dialect),
            },
            // An unknown type was already reported; compare exactly rather than drop the match.
            _ => Text::Exact(value.to_string()),
        }
    }
    fn evaluate(&self, candidate: &str, work: &RegexWork) -> Matched {
        match self {
            Text::Exact(v) => Matched::from(v == candidate),
            Text::Regex { written, pattern } => regex_matched(written, pattern, candidate, work),
        }
    }
    fn is_regex(&self) -> bool {
        matches!(self, Text::Regex { .. })
    }
    fn describe(&self) -> String {
        match self {
            Text::Exact(v) => format!("= {v:?}"),
            Text::Regex { written, .. } => format!("~ {written:?}"),
        }
    }
    /// The regular expression and why, if the data plane refuses it.
    fn refused(&self) -> Option<(&str, &str)> {
        match self {
            Text::Regex { written, pattern } => refused(written, pattern),
            Text::Exact(_) => None,
        }
    }
}

/// Whether `candidate` matches `pattern` (written `written`), within `work`.
fn regex_matched(written: &str, pattern: &Pattern, candidate: &str, work: &RegexWork) -> Matched {
    match pattern.evaluate(candidate, work) {
        Ok(yes) => Matched::from(yes),
        Err(why) => Matched::Unknown(Unevaluated {
            pattern: crate::text::cut(written, 200).to_string(),
            why,
        }),
    }
}

/// `written` and why, if the data plane refuses `pattern`.
fn refused<'p>(written: &'p str, pattern: &'p Pattern) -> Option<(&'p str, &'p str)> {
    match pattern {
        Pattern::Refused(why) => Some((written, why)),
        _ => None,
    }
}

#[derive(Debug, Clone)]
struct NamedText {
    /// Lowercased for headers; as written for query parameters.
    name: String,
    text: Text,
}

fn named(matches: &[ValueMatch], lowercase: bool, dialect: &RegexDialect) -> Vec<NamedText> {
    let mut out: Vec<NamedText> = Vec::with_capacity(matches.len());
    for m in matches {
        let name = if lowercase {
            m.name.to_ascii_lowercase()
        } else {
            m.name.clone()
        };
        // A later duplicate name is ignored (§7.3).
        if out.iter().all(|o| o.name != name) {
            out.push(NamedText {
                name,
                text: Text::new(&m.match_type, &m.value, dialect),
            });
        }
    }
    out
}

/// One failed condition of a match, for near-miss explanations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failed {
    Path(String),
    Method(String),
    Header(String),
    Query(String),
    GrpcService(String),
    GrpcMethod(String),
}

impl Failed {
    /// The condition's name: `path`, `method`, `header`, `query`, `service`.
    pub fn condition(&self) -> &'static str {
        match self {
            Failed::Path(_) => "path",
            Failed::Method(_) => "method",
            Failed::Header(_) => "header",
            Failed::Query(_) => "query",
            Failed::GrpcService(_) => "service",
            Failed::GrpcMethod(_) => "method",
        }
    }
    pub fn detail(&self) -> &str {
        match self {
            Failed::Path(d)
            | Failed::Method(d)
            | Failed::Header(d)
            | Failed::Query(d)
            | Failed::GrpcService(d)
            | Failed::GrpcMethod(d) => d,
        }
    }
}

/// Whether the request's header (or query parameter) `value` satisfies `expected`; a
/// missing one does not.
fn value_matched(expected: &NamedText, value: Option<&str>, work: &RegexWork) -> Matched {
    value.map_or(Matched::No, |v| expected.text.evaluate(v, work))
}

/// The conditions of `list` whose match is (or, `regex` false, is not) a regular
/// expression, each judged by `matched`: evaluation order puts regular expressions last.
fn conditions<'a>(
    list: &'a [NamedText],
    regex: bool,
    req: &'a Incoming,
    matched: fn(&NamedText, &Incoming) -> Matched,
) -> impl Iterator<Item = Matched> + 'a {
    (list.iter())
        .filter(move |n| n.text.is_regex() == regex)
        .map(move |n| matched(n, req))
}

fn header_matched(h: &NamedText, req: &Incoming) -> Matched {
    value_matched(h, req.header(&h.name), &req.work)
}

fn query_matched(q: &NamedText, req: &Incoming) -> Matched {
    value_matched(q, req.query_param(&q.name), &req.work)
}

fn describe_value(what: &str, expected: &NamedText, actual: Option<&str>) -> String {
    match actual {
        Some(v) => format!(
            "{what} {} is {v:?}, the match wants {}",
            expected.name,
            expected.text.describe()
        ),
        None => format!(
            "{what} {} is missing, the match wants {}",
            expected.name,
            expected.text.describe()
        ),
    }
}

/// A compiled `matches[]` entry.
#[derive(Debug, Clone)]
pub enum Matcher {
    Http(HttpMatcher),
    Grpc(GrpcMatcher),
}

/// A match's precedence among the matches of one hostname; smaller sorts first. HTTP and
/// gRPC matches sit in separate tables, so the two kinds are never compared in practice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Precedence {
    Http(HttpPrecedence),
    Grpc(GrpcPrecedence),
}

/// `larger` over `smaller` as "N over M".
fn counts(larger: usize, smaller: usize) -> String {
    format!("{larger} over {smaller}")
}

impl Matcher {
    /// Why this match ranks before `other` among the matches of one hostname (§7.4 steps
    /// 2-6, §9): the first precedence criterion that differs. `None` when they rank equal
    /// (the routes' age decides) or are of different kinds.
    pub fn outranks(&self, other: &Matcher) -> Option<String> {
        match (self, other) {
            (Matcher::Http(a), Matcher::Http(b)) => a.outranks(b),
            (Matcher::Grpc(a), Matcher::Grpc(b)) => a.outranks(b),
            _ => None,
        }
    }
    pub fn precedence(&self) -> Precedence {
        match self {
            Matcher::Http(m) => Precedence::Http(m.precedence()),
            Matcher::Grpc(m) => Precedence::Grpc(m.precedence()),
        }
    }
    pub fn evaluate(&self, req: &Incoming) -> Matched {
        match self {
            Matcher::Http(m) => m.evaluate(req),
            Matcher::Grpc(m) => m.evaluate(req),
        }
    }
    /// Whether it takes the request for sure.
    pub fn is_match(&self, req: &Incoming) -> bool {
        self.evaluate(req) == Matched::Yes
    }
    pub fn failures(&self, req: &Incoming, limit: usize) -> Vec<Failed> {
        match self {
            Matcher::Http(m) => m.failures(req, limit),
            Matcher::Grpc(m) => m.failures(req, limit),
        }
    }
    /// The conditions, for explanations: `PathPrefix /v2, method POST, 2 headers`.
    pub fn describe(&self) -> String {
        let (mut parts, headers, query) = match self {
            Matcher::Http(m) => {
                let mut parts = vec![m.path_written.clone()];
                parts.extend(m.method.as_ref().map(|x| format!("method {x}")));
                (parts, m.headers.len(), m.query.len())
            }
            Matcher::Grpc(m) => {
                let mut parts = Vec::new();
                parts.extend(
                    m.service
                        .as_ref()
                        .map(|t| format!("service {}", t.describe())),
                );
                parts.extend(
                    m.method
                        .as_ref()
                        .map(|t| format!("method {}", t.describe())),
                );
                (parts, m.headers.len(), 0)
            }
        };
        let count = |n: usize, what: &str| match n {
            0 => None,
            1 => Some(format!("1 {what}")),
            n => Some(format!("{n} {what}s")),
        };
        parts.extend(count(headers, "header"));
        parts.extend(count(query, "query parameter"));
        if parts.is_empty() {
            "any request".to_string()
        } else {
            parts.join(", ")
        }
    }
    /// Whether one failed condition of this match is worth a near miss. An HTTP match on
    /// another path is no "almost" (a 404 would list every route with a method or header
    /// match); its path must take the request or be a look-alike of the request's path. A
    /// gRPC match must check several conditions.
    pub fn near_miss_worthy(&self, req: &Incoming) -> bool {
        match self {
            Matcher::Http(m) => {
                m.path.evaluate(&req.path, &req.work) != Matched::No
                    || m.path.look_alike(&req.path).is_some()
            }
            Matcher::Grpc(_) => self.conditions() > 1,
        }
    }
    /// A regular expression of this match the data plane refuses, and why: the match is
    /// not programmed.
    pub fn refused(&self) -> Option<(&str, &str)> {
        let (path, texts): (Option<(&str, &str)>, Vec<&Text>) = match self {
            Matcher::Http(m) => (
                m.path.refused(),
                m.headers.iter().chain(&m.query).map(|n| &n.text).collect(),
            ),
            Matcher::Grpc(m) => (
                None,
                m.service
                    .iter()
                    .chain(&m.method)
                    .chain(m.headers.iter().map(|n| &n.text))
                    .collect(),
            ),
        };
        path.or_else(|| texts.into_iter().find_map(Text::refused))
    }
    /// How the routing tables index this match by path.
    pub fn path_key(&self) -> PathKey<'_> {
        match self {
            Matcher::Http(m) => match &m.path {
                PathMatcher::Exact(v) => PathKey::Exact(v),
                PathMatcher::Prefix(p) => PathKey::Prefix(p),
                PathMatcher::Regex { .. } | PathMatcher::Never => PathKey::Unindexed,
            },
            Matcher::Grpc(_) => PathKey::Unindexed,
        }
    }
    /// How many conditions the match checks.
    fn conditions(&self) -> usize {
        match self {
            Matcher::Http(m) => {
                1 + usize::from(m.method.is_some()) + m.headers.len() + m.query.len()
            }
            Matcher::Grpc(m) => {
                usize::from(m.service.is_some()) + usize::from(m.method.is_some()) + m.headers.len()
            }
        }
    }
}

/// A route's rules, each with its compiled matches. A rule without matches (GRPCRoute, and
/// TLS/TCP/UDP rules) gets one match-all entry, so every rule has at least one matcher.
#[derive(Debug, Clone, Default)]
pub struct CompiledRoute {
    pub rules: Vec<Vec<Matcher>>,
}

impl CompiledRoute {
    pub fn new(route: &Route, dialect: &RegexDialect) -> Self {
        // Connection-level rules are looked up by their first entry only.
        let match_all = || match route.kind.spec().matches {
            MatchFamily::Grpc => Matcher::Grpc(GrpcMatcher::new(
                &GrpcMatch {
                    index: 0,
                    match_type: Known::Known(ValueMatchType::Exact),
                    service: None,
                    method: None,
                    headers: Vec::new(),
                },
                dialect,
            )),
            MatchFamily::Http | MatchFamily::Connection => Matcher::Http(HttpMatcher::new(
                &HttpMatch {
                    index: 0,
                    path: PathMatch {
                        match_type: Known::Known(PathMatchType::PathPrefix),
                        value: "/".to_string(),
                    },
                    headers: Vec::new(),
                    query_params: Vec::new(),
                    method: None,
                },
                dialect,
            )),
        };
        let rules = route
            .rules
            .iter()
            .map(|rule| {
                let mut matchers: Vec<Matcher> = rule
                    .matches
                    .iter()
                    .map(|m| match m {
                        RouteMatch::Http(h) => Matcher::Http(HttpMatcher::new(h, dialect)),
                        RouteMatch::Grpc(g) => Matcher::Grpc(GrpcMatcher::new(g, dialect)),
                    })
                    .collect();
                if matchers.is_empty() {
                    matchers.push(match_all());
                }
                matchers
            })
            .collect();
        CompiledRoute { rules }
    }

    pub fn matcher(&self, rule: usize, index: usize) -> Option<&Matcher> {
        self.rules.get(rule)?.get(index)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn http(kind: PathMatchType, value: &str) -> HttpMatcher {
        HttpMatcher::new(
            &crate::engine::testing::path_match(kind, value),
            &RegexDialect::default(),
        )
    }

    fn req(path: &str) -> Incoming {
        Incoming {
            path: path.to_string(),
            method: "GET".to_string(),
            headers: Vec::new(),
            query: Vec::new(),
            grpc: None,
            work: RegexWork::default(),
        }
    }

    #[test]
    fn prefix_matches_by_path_element() {
        let m = http(PathMatchType::PathPrefix, "/foo");
        assert!(m.is_match(&req("/foo")));
        assert!(m.is_match(&req("/foo/")));
        assert!(m.is_match(&req("/foo/bar")));
        assert!(!m.is_match(&req("/foobar")));
        let trailing = http(PathMatchType::PathPrefix, "/v2/");
        assert!(trailing.is_match(&req("/v2")));
        assert!(trailing.is_match(&req("/v2/x")));
        assert!(!trailing.is_match(&req("/v2x")));
        assert!(http(PathMatchType::PathPrefix, "/").is_match(&req("/anything")));
    }

    #[test]
    fn exact_counts_the_trailing_slash() {
        let m = http(PathMatchType::Exact, "/foo");
        assert!(m.is_match(&req("/foo")));
        assert!(!m.is_match(&req("/foo/")));
        assert!(!m.is_match(&req("/Foo")));
    }

    #[test]
    fn regex_is_a_full_match() {
        let m = http(PathMatchType::RegularExpression, "/v[0-9]+");
        assert!(m.is_match(&req("/v12")));
        assert!(!m.is_match(&req("/v12/x")));
        assert!(!http(PathMatchType::RegularExpression, "(").is_match(&req("(")));
    }

    #[test]
    fn headers_case_insensitive_names_and_query_case_sensitive() {
        let m = HttpMatcher::new(
            &HttpMatch {
                index: 0,
                path: PathMatch {
                    match_type: Known::Known(PathMatchType::PathPrefix),
                    value: "/".to_string(),
                },
                headers: vec![ValueMatch {
                    index: 0,
                    name: "Version".to_string(),
                    match_type: Known::Known(ValueMatchType::Exact),
                    value: "two".to_string(),
                }],
                query_params: vec![ValueMatch {
                    index: 0,
                    name: "Animal".to_string(),
                    match_type: Known::Known(ValueMatchType::Exact),
                    value: "whale".to_string(),
                }],
                method: Some("POST".to_string()),
            },
            &RegexDialect::default(),
        );
        let mut r = req("/");
        r.method = "POST".to_string();
        r.headers = vec![("version".to_string(), "two".to_string())];
        r.query = vec![("Animal".to_string(), "whale".to_string())];
        assert!(m.is_match(&r));
        r.query = vec![("animal".to_string(), "whale".to_string())];
        assert!(!m.is_match(&r));
        let failures = m.failures(&r, 5);
        assert_eq!(failures.len(), 1);
        assert_eq!(failures[0].condition(), "query");
        r.method = "GET".to_string();
        assert_eq!(m.failures(&r, 5).len(), 2);
        assert_eq!(m.failures(&r, 1).len(), 1);
    }

    #[test]
    fn look_alike_paths_are_explained() {
        let prefix = Matcher::Http(http(PathMatchType::PathPrefix, "/foo"));
        let failures = prefix.failures(&req("/foobar"), 2);
        assert!(failures[0].detail().contains("whole path elements"));
        assert!(prefix.near_miss_worthy(&req("/foobar")));
        assert!(!prefix.near_miss_worthy(&req("/other")));
        let exact = Matcher::Http(http(PathMatchType::Exact, "/foo"));
        assert!(exact.near_miss_worthy(&req("/foo/")));
    }

    #[test]
    fn outranks_names_the_deciding_criterion() {
        let m = |kind, value| Matcher::Http(http(kind, value));
        let exact = m(PathMatchType::Exact, "/a");
        let long = m(PathMatchType::PathPrefix, "/abc/def");
        let short = m(PathMatchType::PathPrefix, "/abc");
        assert_eq!(
            exact.outranks(&long).as_deref(),
            Some("an Exact path match outranks a PathPrefix one")
        );
        assert_eq!(
            long.outranks(&short).as_deref(),
            Some("the longer path (8 over 4 characters)")
        );
        let mut with_method = http(PathMatchType::PathPrefix, "/abc");
        with_method.method = Some("GET".to_string());
        assert_eq!(
            Matcher::Http(with_method).outranks(&short).as_deref(),
            Some("a method match outranks none")
        );
        assert_eq!(short.outranks(&short), None);
    }

    #[test]
    fn precedence_orders_exact_then_longest_prefix() {
        let exact = http(PathMatchType::Exact, "/a").precedence();
        let long = http(PathMatchType::PathPrefix, "/abc/def").precedence();
        let short = http(PathMatchType::PathPrefix, "/abc").precedence();
        assert!(exact < long && long < short);
    }

    #[test]
    fn grpc_unset_fields_match_anything() {
        let m = GrpcMatcher::new(
            &GrpcMatch {
                index: 0,
                match_type: Known::Known(ValueMatchType::Exact),
                service: Some("pkg.Svc".to_string()),
                method: None,
                headers: Vec::new(),
            },
            &RegexDialect::default(),
        );
        let mut r = req("/pkg.Svc/Any");
        r.grpc = Some(("pkg.Svc".to_string(), "Any".to_string()));
        assert_eq!(m.evaluate(&r), Matched::Yes);
        r.grpc = Some(("pkg.Other".to_string(), "Any".to_string()));
        assert_eq!(m.failures(&r, 3)[0].condition(), "service");
    }
}
