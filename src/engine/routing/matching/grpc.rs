//! Compiled GRPCRoute matches (§9.1) and their precedence (§9).

use std::cmp::Reverse;

use super::{
    Failed, Incoming, Matched, NamedText, RegexDialect, Text, all, conditions, counts,
    describe_value, header_matched, named,
};
use crate::model::GrpcMatch;

#[derive(Debug, Clone)]
pub struct GrpcMatcher {
    pub(super) service: Option<Text>,
    pub(super) method: Option<Text>,
    service_len: usize,
    method_len: usize,
    pub(super) headers: Vec<NamedText>,
}

impl GrpcMatcher {
    pub fn new(m: &GrpcMatch, dialect: &RegexDialect) -> Self {
        GrpcMatcher {
            service: m
                .service
                .as_deref()
                .map(|s| Text::new(&m.match_type, s, dialect)),
            method: m
                .method
                .as_deref()
                .map(|s| Text::new(&m.match_type, s, dialect)),
            service_len: m.service.as_deref().map_or(0, str::len),
            method_len: m.method.as_deref().map_or(0, str::len),
            headers: named(&m.headers, true, dialect),
        }
    }

    /// The service and method of the call (`""` for a request that is not one).
    fn call(req: &Incoming) -> (&str, &str) {
        match &req.grpc {
            Some((s, m)) => (s.as_str(), m.as_str()),
            None => ("", ""),
        }
    }

    /// Every condition, the exact ones first.
    pub fn evaluate(&self, req: &Incoming) -> Matched {
        let (service, method) = Self::call(req);
        let named = [(&self.service, service), (&self.method, method)];
        let texts = |regex: bool| {
            (named.iter())
                .filter_map(|(t, v)| t.as_ref().map(|t| (t, *v)))
                .filter(move |(t, _)| t.is_regex() == regex)
                .map(|(t, v)| t.evaluate(v, &req.work))
        };
        let headers = |regex: bool| conditions(&self.headers, regex, req, header_matched);
        all(texts(false)
            .chain(headers(false))
            .chain(texts(true))
            .chain(headers(true)))
    }

    /// Every condition that fails for sure, stopping once `limit` are found.
    pub fn failures(&self, req: &Incoming, limit: usize) -> Vec<Failed> {
        let mut out = Vec::new();
        let (service, method) = Self::call(req);
        let fails = |t: &&Text, value: &str| t.evaluate(value, &req.work) == Matched::No;
        if let Some(t) = self.service.as_ref().filter(|t| fails(t, service)) {
            out.push(Failed::GrpcService(format!(
                "service {service:?} does not match {}",
                t.describe()
            )));
        }
        if let Some(t) = self.method.as_ref().filter(|t| fails(t, method)) {
            out.push(Failed::GrpcMethod(format!(
                "method {method:?} does not match {}",
                t.describe()
            )));
        }
        for h in (self.headers.iter()).filter(|h| header_matched(h, req) == Matched::No) {
            out.push(Failed::Header(describe_value(
                "header",
                h,
                req.header(&h.name),
            )));
        }
        out.truncate(limit);
        out
    }

    /// Why this match ranks before `other` (§9): the first precedence criterion that
    /// differs; `None` when they rank equal.
    pub fn outranks(&self, other: &GrpcMatcher) -> Option<String> {
        let a = self;
        let b = other;
        let (pa, pb) = (a.precedence(), b.precedence());
        if pa.0 != pb.0 {
            Some(format!(
                "the longer service match ({} characters)",
                counts(pa.0.0, pb.0.0)
            ))
        } else if pa.1 != pb.1 {
            Some(format!(
                "the longer method match ({} characters)",
                counts(pa.1.0, pb.1.0)
            ))
        } else if pa.2 != pb.2 {
            Some(format!("more header matches ({})", counts(pa.2.0, pb.2.0)))
        } else {
            None
        }
    }

    /// §9: more characters in the service, then the method, then more header matches.
    pub fn precedence(&self) -> GrpcPrecedence {
        (
            Reverse(self.service_len),
            Reverse(self.method_len),
            Reverse(self.headers.len()),
        )
    }
}

pub type GrpcPrecedence = (Reverse<usize>, Reverse<usize>, Reverse<usize>);
