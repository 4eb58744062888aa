//! HTTPRoute filter semantics (§8): header modifiers, URL rewrites, redirect Locations.

use crate::model::{HeaderModifier, PathModifier, RequestRedirect};

use super::Scheme;

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
