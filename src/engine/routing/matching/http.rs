//! Compiled HTTPRoute matches (§7.1-7.3) and their precedence (§7.4).

use std::cmp::Reverse;

use super::{
    Failed, Incoming, NamedText, Pattern, RegexDialect, counts, describe_value, header_ok, named,
    query_ok,
};
use crate::model::{HttpMatch, Known, PathMatchType};

#[derive(Debug, Clone)]
pub enum PathMatcher {
    Exact(String),
    /// The value without its trailing `/` (`""` for `/`).
    Prefix(String),
    Regex {
        written: String,
        pattern: Pattern,
    },
    /// An unknown path match type: matches nothing.
    Never,
}

impl PathMatcher {
    pub(super) fn is_match(&self, path: &str) -> bool {
        match self {
            PathMatcher::Exact(v) => v == path,
            PathMatcher::Prefix(p) => {
                path.starts_with(p.as_str())
                    && (path.len() == p.len() || path.as_bytes().get(p.len()) == Some(&b'/'))
            }
            PathMatcher::Regex { pattern, .. } => pattern.is_match(path),
            PathMatcher::Never => false,
        }
    }
    /// Whether a path that does not match is a classic look-alike: a prefix that stops inside
    /// a path element (`/foo` vs `/foobar`), or an Exact path off by a trailing slash.
    pub(super) fn look_alike(&self, path: &str) -> Option<&'static str> {
        match self {
            PathMatcher::Prefix(p) if !p.is_empty() && path.starts_with(p.as_str()) => {
                Some(" (PathPrefix matches whole path elements)")
            }
            PathMatcher::Exact(v) if v.trim_end_matches('/') == path.trim_end_matches('/') => {
                Some(" (Exact counts the trailing slash)")
            }
            _ => None,
        }
    }
    /// The regular expression, if it is one that is not evaluated.
    pub(super) fn unevaluated(&self) -> Option<(&str, &Pattern)> {
        match self {
            PathMatcher::Regex { written, pattern } if pattern.problem().is_some() => {
                Some((written.as_str(), pattern))
            }
            _ => None,
        }
    }
    /// The prefix a `ReplacePrefixMatch` replaces, when this is a prefix match.
    pub fn prefix(&self) -> Option<&str> {
        match self {
            PathMatcher::Prefix(p) => Some(p),
            _ => None,
        }
    }
}

impl PathMatcher {
    fn kind(&self) -> &'static str {
        match self {
            PathMatcher::Exact(_) => "an Exact",
            PathMatcher::Prefix(_) => "a PathPrefix",
            PathMatcher::Regex { .. } => "a RegularExpression",
            PathMatcher::Never => "an unknown",
        }
    }
}

#[derive(Debug, Clone)]
pub struct HttpMatcher {
    pub path: PathMatcher,
    pub(super) path_written: String,
    pub(super) method: Option<String>,
    pub(super) headers: Vec<NamedText>,
    pub(super) query: Vec<NamedText>,
}

impl HttpMatcher {
    /// The path match as written: `PathPrefix /v2`.
    pub fn path_written(&self) -> &str {
        &self.path_written
    }

    pub fn new(m: &HttpMatch, dialect: &RegexDialect) -> Self {
        let path = match m.path.match_type {
            Known::Known(PathMatchType::Exact) => PathMatcher::Exact(m.path.value.clone()),
            Known::Known(PathMatchType::PathPrefix) => {
                PathMatcher::Prefix(m.path.value.trim_end_matches('/').to_string())
            }
            Known::Known(PathMatchType::RegularExpression) => PathMatcher::Regex {
                written: m.path.value.clone(),
                pattern: Pattern::new(&m.path.value, dialect),
            },
            Known::Unknown(_) => PathMatcher::Never,
        };
        let kind = match &m.path.match_type {
            Known::Known(PathMatchType::Exact) => "Exact",
            Known::Known(PathMatchType::PathPrefix) => "PathPrefix",
            Known::Known(PathMatchType::RegularExpression) => "RegularExpression",
            Known::Unknown(t) => t.as_str(),
        };
        HttpMatcher {
            path,
            path_written: format!("{kind} {}", m.path.value),
            method: m.method.clone(),
            headers: named(&m.headers, true, dialect),
            query: named(&m.query_params, false, dialect),
        }
    }

    pub fn is_match(&self, req: &Incoming) -> bool {
        self.path.is_match(&req.path)
            && self.method.as_ref().is_none_or(|m| *m == req.method)
            && self.headers.iter().all(|h| header_ok(h, req))
            && self.query.iter().all(|q| query_ok(q, req))
    }

    /// Every failed condition, stopping once `limit` are found.
    pub fn failures(&self, req: &Incoming, limit: usize) -> Vec<Failed> {
        let mut out = Vec::new();
        if !self.path.is_match(&req.path) {
            out.push(Failed::Path(format!(
                "path {} does not match {}{}",
                req.path,
                self.path_written,
                self.path.look_alike(&req.path).unwrap_or("")
            )));
        }
        if let Some(m) = self.method.as_ref().filter(|m| **m != req.method) {
            out.push(Failed::Method(format!("method {} is not {m}", req.method)));
        }
        for h in self.headers.iter().filter(|h| !header_ok(h, req)) {
            out.push(Failed::Header(describe_value(
                "header",
                h,
                req.header(&h.name),
            )));
        }
        for q in self.query.iter().filter(|q| !query_ok(q, req)) {
            out.push(Failed::Query(describe_value(
                "query parameter",
                q,
                req.query_param(&q.name),
            )));
        }
        out.truncate(limit);
        out
    }

    /// Why this match ranks before `other` (§7.4 steps 2-6): the first precedence
    /// criterion that differs; `None` when they rank equal.
    pub fn outranks(&self, other: &HttpMatcher) -> Option<String> {
        let a = self;
        let b = other;
        let (pa, pb) = (a.precedence(), b.precedence());
        if pa.0 != pb.0 {
            Some(format!(
                "{} path match outranks {} one",
                a.path.kind(),
                b.path.kind()
            ))
        } else if pa.1 != pb.1 {
            Some(format!(
                "the longer path ({} characters)",
                counts(pa.1.0, pb.1.0)
            ))
        } else if pa.2 != pb.2 {
            Some("a method match outranks none".to_string())
        } else if pa.3 != pb.3 {
            Some(format!("more header matches ({})", counts(pa.3.0, pb.3.0)))
        } else if pa.4 != pb.4 {
            Some(format!(
                "more query parameter matches ({})",
                counts(pa.4.0, pb.4.0)
            ))
        } else {
            None
        }
    }

    /// Precedence among matches of one hostname (§7.4 steps 2-6); smaller sorts first.
    pub fn precedence(&self) -> HttpPrecedence {
        let (path_rank, prefix_len) = match &self.path {
            PathMatcher::Exact(v) => (0, v.len()),
            // RegularExpression: after Exact, before prefixes (§13.2, our choice).
            PathMatcher::Regex { .. } => (1, 0),
            PathMatcher::Prefix(p) => (2, p.len()),
            PathMatcher::Never => (3, 0),
        };
        (
            path_rank,
            Reverse(prefix_len),
            self.method.is_none(),
            Reverse(self.headers.len()),
            Reverse(self.query.len()),
        )
    }
}

pub type HttpPrecedence = (u8, Reverse<usize>, bool, Reverse<usize>, Reverse<usize>);
