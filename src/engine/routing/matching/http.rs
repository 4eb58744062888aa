//! Compiled HTTPRoute matches (§7.1-7.3) and their precedence (§7.4).

use std::cmp::Reverse;
use std::iter::once_with;
use std::sync::Arc;

use super::{
    Failed, Incoming, Matched, NamedText, Pattern, RegexDialect, RegexWork, all, conditions,
    counts, describe_value, header_matched, named, query_matched, refused, regex_matched,
};
use crate::model::{HttpMatch, Known, PathMatchType};

#[derive(Debug, Clone)]
pub enum PathMatcher {
    Exact(String),
    /// The value without its trailing `/` (`""` for `/`).
    Prefix(String),
    Regex {
        written: String,
        pattern: Arc<Pattern>,
    },
    /// An unknown path match type: matches nothing.
    Never,
}

impl PathMatcher {
    pub(super) fn evaluate(&self, path: &str, work: &RegexWork) -> Matched {
        match self {
            PathMatcher::Exact(v) => Matched::from(v == path),
            PathMatcher::Prefix(p) => Matched::from(
                path.starts_with(p.as_str())
                    && (path.len() == p.len() || path.as_bytes().get(p.len()) == Some(&b'/')),
            ),
            PathMatcher::Regex { written, pattern } => regex_matched(written, pattern, path, work),
            PathMatcher::Never => Matched::No,
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
    /// The regular expression and why, if the data plane refuses it.
    pub(super) fn refused(&self) -> Option<(&str, &str)> {
        match self {
            PathMatcher::Regex { written, pattern } => refused(written, pattern),
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
                pattern: Pattern::compiled(&m.path.value, dialect),
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

    /// Every condition, the cheap ones first: a regular expression is evaluated only when
    /// the method, the path and the exact values all take the request.
    pub fn evaluate(&self, req: &Incoming) -> Matched {
        let path_is_regex = matches!(self.path, PathMatcher::Regex { .. });
        let path = || self.path.evaluate(&req.path, &req.work);
        let headers = |regex: bool| conditions(&self.headers, regex, req, header_matched);
        let query = |regex: bool| conditions(&self.query, regex, req, query_matched);
        let method =
            once_with(|| Matched::from(self.method.as_ref().is_none_or(|m| *m == req.method)));
        let plain_path = once_with(path).filter(|_| !path_is_regex);
        let regex_path = once_with(path).filter(|_| path_is_regex);
        all(method
            .chain(plain_path)
            .chain(headers(false))
            .chain(query(false))
            .chain(regex_path)
            .chain(headers(true))
            .chain(query(true)))
    }

    /// Whether it takes the request for sure (the tests' shorthand).
    #[cfg(test)]
    pub fn is_match(&self, req: &Incoming) -> bool {
        self.evaluate(req) == Matched::Yes
    }

    /// Every condition that fails for sure, stopping once `limit` are found.
    pub fn failures(&self, req: &Incoming, limit: usize) -> Vec<Failed> {
        let mut out = Vec::new();
        if self.path.evaluate(&req.path, &req.work) == Matched::No {
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
        for h in (self.headers.iter()).filter(|h| header_matched(h, req) == Matched::No) {
            out.push(Failed::Header(describe_value(
                "header",
                h,
                req.header(&h.name),
            )));
        }
        for q in (self.query.iter()).filter(|q| query_matched(q, req) == Matched::No) {
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
