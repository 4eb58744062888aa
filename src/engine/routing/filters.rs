//! HTTPRoute filter semantics (§8): header modifiers, URL rewrites, redirect Locations,
//! and applying a rule's (then a backendRef's) filters to a request in order.

use crate::model::{Filter, FilterKind, HeaderModifier, PathModifier, RequestRedirect};

use super::matching::Incoming;
use super::{BackendRequest, Mirror, Outcome, Scheme};
use crate::engine::conditions::Unknown;

/// Applies a Request/ResponseHeaderModifier: `set`, then `add` (joined with `,` onto an
/// existing value), then `remove`. Names compare case-insensitively; a set header takes the
/// filter's spelling of the name.
pub fn modify_headers(headers: &mut Vec<(String, String)>, modifier: &HeaderModifier) {
    for (name, value) in &modifier.set {
        headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        headers.push((name.clone(), value.clone()));
    }
    for (name, value) in &modifier.add {
        match headers
            .iter_mut()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
        {
            Some((_, existing)) => {
                existing.push(',');
                existing.push_str(value);
            }
            None => headers.push((name.clone(), value.clone())),
        }
    }
    for name in &modifier.remove {
        headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
    }
}

/// The path after a path modifier. `matched_prefix` is the PathPrefix that matched the
/// request, without its trailing `/`; `None` when the match was not a prefix match (then a
/// `ReplacePrefixMatch` replaces the whole path).
pub fn rewrite_path(path: &str, modifier: &PathModifier, matched_prefix: Option<&str>) -> String {
    match modifier {
        PathModifier::ReplaceFullPath(full) => full.clone(),
        PathModifier::ReplacePrefixMatch(replacement) => {
            // Element-wise: the rest after the prefix is "" or starts with "/", so trimming the
            // replacement's trailing "/" never doubles or drops a slash.
            let rest = matched_prefix
                .and_then(|prefix| path.strip_prefix(prefix))
                .unwrap_or("");
            let joined = format!("{}{rest}", replacement.trim_end_matches('/'));
            if joined.is_empty() {
                "/".to_string()
            } else {
                joined
            }
        }
    }
}

/// The request facts a redirect Location is built from.
pub struct RedirectContext<'a> {
    pub scheme: Scheme,
    /// The Host header without its port (the Gateway address when the request had none).
    pub host: &'a str,
    pub path: &'a str,
    pub query: &'a str,
    pub listener_port: i64,
    pub matched_prefix: Option<&'a str>,
}

/// The `Location` of a RequestRedirect (§8.2): scheme, host, port (left out when it is the
/// scheme's default), path and the original query.
pub fn redirect_location(redirect: &RequestRedirect, ctx: &RedirectContext<'_>) -> String {
    let scheme = redirect
        .scheme
        .as_deref()
        .map(str::to_ascii_lowercase)
        .unwrap_or_else(|| ctx.scheme.as_str().to_string());
    let host = redirect.hostname.as_deref().unwrap_or(ctx.host);
    let port = match (redirect.port, &redirect.scheme) {
        (Some(port), _) => port,
        (None, Some(_)) => well_known_port(&scheme).unwrap_or(ctx.listener_port),
        (None, None) => ctx.listener_port,
    };
    let path = match &redirect.path {
        Some(modifier) => rewrite_path(ctx.path, modifier, ctx.matched_prefix),
        None => ctx.path.to_string(),
    };
    let mut location = format!("{scheme}://{host}");
    if well_known_port(&scheme) != Some(port) {
        location.push_str(&format!(":{port}"));
    }
    location.push_str(&path);
    if !ctx.query.is_empty() {
        location.push('?');
        location.push_str(ctx.query);
    }
    location
}

fn well_known_port(scheme: &str) -> Option<i64> {
    match scheme {
        "http" => Some(80),
        "https" => Some(443),
        _ => None,
    }
}

/// What the filters of a rule (then of one backendRef) did to the request.
#[derive(Debug, Clone)]
pub(super) struct Applied {
    pub(super) request: BackendRequest,
    pub(super) response_headers: Vec<(String, String)>,
    pub(super) mirrors: Vec<Mirror>,
    /// A filter answered by itself: the outcome and status code.
    pub(super) answer: Option<(Outcome, u16)>,
    pub(super) location: Option<String>,
    /// Explanation sentences.
    pub(super) notes: Vec<String>,
    /// What decides the answer that gwctl does not simulate (an implementation-specific
    /// filter, an external authorization service): the answer is then `Undetermined`.
    pub(super) unknowns: Vec<Unknown>,
}

/// The request facts filters need.
pub(super) struct FilterContext<'c> {
    pub(super) route_namespace: &'c str,
    pub(super) scheme: Scheme,
    /// The Host without port (or the Gateway address).
    pub(super) host: &'c str,
    pub(super) listener_port: i64,
    /// The PathPrefix that matched, for ReplacePrefixMatch.
    pub(super) matched_prefix: Option<&'c str>,
    pub(super) incoming: &'c Incoming,
    /// The raw query string, for redirects.
    pub(super) raw_query: &'c str,
}

/// Applies filters in order (§8). `label` names them in explanations.
pub(super) fn apply_filters(
    filters: &[Filter],
    label: &str,
    applied: &mut Applied,
    ctx: &FilterContext<'_>,
) {
    let incoming = ctx.incoming;
    for filter in filters {
        match &filter.kind {
            FilterKind::RequestHeaderModifier(m) => modify_headers(&mut applied.request.headers, m),
            FilterKind::ResponseHeaderModifier(m) => {
                modify_headers(&mut applied.response_headers, m)
            }
            FilterKind::UrlRewrite(rewrite) => {
                if let Some(host) = &rewrite.hostname {
                    applied.request.host = host.clone();
                }
                if let Some(path) = &rewrite.path {
                    applied.request.path =
                        rewrite_path(&applied.request.path, path, ctx.matched_prefix);
                }
            }
            FilterKind::RequestRedirect(redirect) => {
                let code = u16::try_from(redirect.status_code).unwrap_or(302);
                let location = redirect_location(
                    redirect,
                    &RedirectContext {
                        scheme: ctx.scheme,
                        host: ctx.host,
                        path: &incoming.path,
                        query: ctx.raw_query,
                        listener_port: ctx.listener_port,
                        matched_prefix: ctx.matched_prefix,
                    },
                );
                applied.notes.push(format!(
                    "{label} {}: RequestRedirect answers {code} Location {location}",
                    filter.index
                ));
                if applied.answer.is_none() {
                    applied.answer = Some((Outcome::Redirect, code));
                    applied.location = Some(location);
                }
            }
            FilterKind::RequestMirror(mirror) => applied.mirrors.push(Mirror {
                namespace: mirror
                    .backend_ref
                    .namespace
                    .clone()
                    .unwrap_or_else(|| ctx.route_namespace.to_string()),
                name: mirror.backend_ref.name.clone(),
                port: mirror.backend_ref.port,
                percent: mirror.percent.unwrap_or(100.0),
            }),
            FilterKind::Cors { allow_origins } => {
                let Some(origin) = incoming.header("origin") else {
                    continue;
                };
                let allowed = allow_origins.iter().any(|o| o == "*" || o == origin);
                if allowed {
                    applied.response_headers.push((
                        "Access-Control-Allow-Origin".to_string(),
                        origin.to_string(),
                    ));
                }
                let preflight = incoming.method == "OPTIONS"
                    && incoming.header("access-control-request-method").is_some();
                if preflight {
                    applied.notes.push(format!(
                        "{label} {}: CORS answers the preflight request itself (origin {origin} {})",
                        filter.index,
                        if allowed { "allowed" } else { "not allowed" }
                    ));
                    applied.answer.get_or_insert((Outcome::DirectResponse, 200));
                }
            }
            FilterKind::ExternalAuth | FilterKind::ExtensionRef(_) | FilterKind::Unknown(_) => {
                not_simulated(filter, label, applied, ctx)
            }
        }
    }
}

/// The filters gwctl does not simulate: what decides their effect is outside the input (an
/// authorization service, the implementation), or the Gateway API does not define them.
fn not_simulated(filter: &Filter, label: &str, applied: &mut Applied, ctx: &FilterContext<'_>) {
    match &filter.kind {
        FilterKind::ExternalAuth => {
            applied.notes.push(format!(
                "{label} {}: ExternalAuth: the authorization service decides whether the request passes, and gwctl does not call it",
                filter.index
            ));
            applied.unknowns.push(Unknown::new(
                "ExternalAuth",
                ctx.route_namespace,
                &format!("{label} {}", filter.index),
                "the external authorization service's answer decides whether the request reaches a backend",
            ));
        }
        // An ExtensionRef is the implementation's (HTTPRouteFilter.extensionRef: "an optional,
        // implementation-specific extension to the filter behavior"): it may answer by itself (Envoy Gateway's HTTPRouteFilter direct responses and
        // redirects), rewrite the request, or pass it on. gwctl does not simulate it.
        FilterKind::ExtensionRef(r) => {
            applied.notes.push(format!(
                "{label} {} ({}) is implementation-specific: the controller that knows {} decides what it does, and gwctl does not simulate it",
                filter.index,
                filter_name(filter),
                r.kind
            ));
            applied.unknowns.push(Unknown::new(
                &r.kind,
                ctx.route_namespace,
                &r.name,
                "an ExtensionRef filter: what it does to the request is the implementation's",
            ));
        }
        // A filter type the Gateway API does not define: the spec says a filter that cannot
        // be applied is not skipped, the request gets an error (HTTPRouteFilter, §8).
        FilterKind::Unknown(_) => {
            applied.notes.push(format!(
                "{label} {} ({}) is not a Gateway API filter type; a controller that does not know it answers 500",
                filter.index,
                filter_name(filter)
            ));
            applied.answer.get_or_insert((Outcome::BackendError, 500));
        }
        _ => {}
    }
}

fn filter_name(filter: &Filter) -> String {
    match &filter.kind {
        FilterKind::ExtensionRef(r) => format!("ExtensionRef {} {}", r.kind, r.name),
        FilterKind::Unknown(t) => t.clone(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn header_modifier_set_add_remove() {
        let mut headers = pairs(&[
            ("x-header-set", "old"),
            ("My-Header", "foo"),
            ("X-Gone", "1"),
        ]);
        modify_headers(
            &mut headers,
            &HeaderModifier {
                set: pairs(&[("X-Header-Set", "new")]),
                add: pairs(&[("my-header", "bar"), ("X-New", "v")]),
                remove: vec!["x-gone".to_string()],
            },
        );
        assert_eq!(
            headers,
            pairs(&[
                ("My-Header", "foo,bar"),
                ("X-Header-Set", "new"),
                ("X-New", "v")
            ])
        );
    }

    #[test]
    fn replace_prefix_match_element_wise() {
        let p = |path, prefix, replacement: &str| {
            rewrite_path(
                path,
                &PathModifier::ReplacePrefixMatch(replacement.to_string()),
                Some(prefix),
            )
        };
        assert_eq!(p("/prefix/one/two", "/prefix/one", "/one"), "/one/two");
        assert_eq!(p("/strip-prefix/three", "/strip-prefix", "/"), "/three");
        assert_eq!(p("/strip-prefix", "/strip-prefix", "/"), "/");
        assert_eq!(p("/foo/bar", "/foo", "/xyz/"), "/xyz/bar");
        assert_eq!(p("/foo/", "/foo", "/xyz"), "/xyz/");
        assert_eq!(p("/anything", "", "/root"), "/root/anything");
        assert_eq!(
            rewrite_path("/a/b", &PathModifier::ReplaceFullPath("/one".into()), None),
            "/one"
        );
    }

    fn ctx(scheme: Scheme, listener_port: i64) -> RedirectContext<'static> {
        RedirectContext {
            scheme,
            host: "example.org",
            path: "/p",
            query: "",
            listener_port,
            matched_prefix: Some("/p"),
        }
    }

    fn redirect(scheme: Option<&str>, port: Option<i64>) -> RequestRedirect {
        RequestRedirect {
            scheme: scheme.map(str::to_string),
            port,
            status_code: 302,
            ..Default::default()
        }
    }

    #[test]
    fn redirect_default_port_rules() {
        let http80 = ctx(Scheme::Http, 80);
        assert_eq!(
            redirect_location(&redirect(None, None), &http80),
            "http://example.org/p"
        );
        assert_eq!(
            redirect_location(&redirect(None, Some(8080)), &http80),
            "http://example.org:8080/p"
        );
        assert_eq!(
            redirect_location(&redirect(Some("https"), None), &http80),
            "https://example.org/p"
        );
        assert_eq!(
            redirect_location(&redirect(Some("https"), Some(8443)), &http80),
            "https://example.org:8443/p"
        );
        let http8080 = ctx(Scheme::Http, 8080);
        assert_eq!(
            redirect_location(&redirect(None, None), &http8080),
            "http://example.org:8080/p"
        );
        assert_eq!(
            redirect_location(&redirect(Some("https"), None), &http8080),
            "https://example.org/p"
        );
        let https = ctx(Scheme::Https, 443);
        assert_eq!(
            redirect_location(&redirect(None, None), &https),
            "https://example.org/p"
        );
        assert_eq!(
            redirect_location(&redirect(Some("http"), None), &https),
            "http://example.org/p"
        );
    }

    #[test]
    fn redirect_keeps_query_and_rewrites_path() {
        let mut r = redirect(None, None);
        r.hostname = Some("other.example".to_string());
        r.path = Some(PathModifier::ReplacePrefixMatch("/new".to_string()));
        let c = RedirectContext {
            scheme: Scheme::Http,
            host: "example.org",
            path: "/p/x",
            query: "a=1",
            listener_port: 80,
            matched_prefix: Some("/p"),
        };
        assert_eq!(redirect_location(&r, &c), "http://other.example/new/x?a=1");
    }
}
