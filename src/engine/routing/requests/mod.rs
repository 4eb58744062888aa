//! Requests that come from elsewhere than one set of flags: a `--requests` file ([`file`]),
//! and the representative requests of a world's routes ([`representative`]) that `diff`
//! and `probe` send. Also the text forms a request is written in on the command line and in
//! a requests file (URLs, `NS/NAME`, `SERVICE/METHOD`, `Name: value`), so both read them
//! the same way.

pub mod file;
pub mod representative;

pub use file::{REQUESTS_FILE_INVALID, RULES, read};
pub use representative::{Purpose, describe, http_listeners, representative_requests};

use super::expect::Expectation;
use super::{NamespacedName, Request, RequestProtocol, Scheme};

/// A request with the name shown for it, and what a requests file expects of it (empty for
/// generated requests).
#[derive(Debug, Clone)]
pub struct NamedRequest {
    pub name: String,
    pub request: Request,
    pub expectation: Expectation,
}

/// The parts of a URL: scheme, Host header (with port when written), port, path with query.
#[derive(Debug, PartialEq, Eq)]
pub struct Url {
    pub scheme: Scheme,
    pub host: String,
    pub port: i64,
    pub path: String,
}

/// Splits an `http://` or `https://` URL (a default port from the scheme, `/` as the
/// default path).
pub fn parse_url(url: &str) -> Result<Url, String> {
    let (scheme, rest) = if let Some(rest) = url.strip_prefix("http://") {
        (Scheme::Http, rest)
    } else if let Some(rest) = url.strip_prefix("https://") {
        (Scheme::Https, rest)
    } else {
        return Err(format!("{url:?} is not an http:// or https:// URL"));
    };
    let split = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(split);
    let authority = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    if authority.is_empty() {
        return Err(format!("{url:?} has no host"));
    }
    let port = match authority.rsplit_once(':') {
        Some((_, port)) if !authority.ends_with(']') => port
            .parse::<u16>()
            .map_err(|_| format!("{url:?} has an invalid port {port:?}"))
            .map(i64::from)?,
        _ => match scheme {
            Scheme::Http => 80,
            Scheme::Https => 443,
        },
    };
    let path = if path.starts_with('/') {
        path.to_string()
    } else {
        format!("/{path}")
    };
    Ok(Url {
        scheme,
        host: authority.to_string(),
        port,
        path,
    })
}

/// `NS/NAME`, or `NAME` in the default namespace.
pub fn namespaced(text: &str, default_namespace: &str) -> Result<NamespacedName, String> {
    let (namespace, name) = text.split_once('/').unwrap_or((default_namespace, text));
    if namespace.is_empty() || name.is_empty() || name.contains('/') {
        return Err(format!("{text:?} is not NAMESPACE/NAME"));
    }
    Ok(NamespacedName {
        namespace: namespace.to_string(),
        name: name.to_string(),
    })
}

/// A request path: it starts with `/` (what the Gateway matches; `hr` would match no
/// route, so it is refused rather than guessed).
pub fn absolute_path(text: &str) -> Result<String, String> {
    if text.starts_with('/') {
        Ok(text.to_string())
    } else {
        Err(format!(
            "path {text:?} does not start with `/`; did you mean \"/{text}\"?"
        ))
    }
}

/// `SERVICE/METHOD` (a leading `/` allowed).
pub fn grpc_call(text: &str) -> Result<(String, String), String> {
    let trimmed = text.trim_start_matches('/');
    match trimmed.rsplit_once('/') {
        Some((service, method)) if !service.is_empty() && !method.is_empty() => {
            Ok((service.to_string(), method.to_string()))
        }
        _ => Err(format!("{text:?} is not SERVICE/METHOD")),
    }
}

/// `Name: value`.
pub fn header(text: &str) -> Result<(String, String), String> {
    match text.split_once(':') {
        Some((name, value)) if !name.trim().is_empty() => {
            Ok((name.trim().to_string(), value.trim().to_string()))
        }
        _ => Err(format!("header {text:?} is not 'Name: value'")),
    }
}

/// `K=V` (a bare `K` has an empty value).
pub fn query_pair(text: &str) -> (String, String) {
    let (k, v) = text.split_once('=').unwrap_or((text, ""));
    (k.to_string(), v.to_string())
}

/// A scheme by name, case-insensitive.
pub fn scheme(text: &str) -> Option<Scheme> {
    [Scheme::Http, Scheme::Https]
        .into_iter()
        .find(|s| s.as_str().eq_ignore_ascii_case(text))
}

/// A protocol by name, case-insensitive.
pub fn protocol(text: &str) -> Option<RequestProtocol> {
    [
        RequestProtocol::Http,
        RequestProtocol::Grpc,
        RequestProtocol::Tls,
        RequestProtocol::Tcp,
        RequestProtocol::Udp,
    ]
    .into_iter()
    .find(|p| p.as_str().eq_ignore_ascii_case(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_give_scheme_host_port_and_path() {
        assert_eq!(
            parse_url("http://shop.example.com:8080/cart?id=7"),
            Ok(Url {
                scheme: Scheme::Http,
                host: "shop.example.com:8080".into(),
                port: 8080,
                path: "/cart?id=7".into(),
            })
        );
        let u = parse_url("https://api.example.com").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (u.port, u.path.as_str(), u.scheme),
            (443, "/", Scheme::Https)
        );
        assert_eq!(
            parse_url("http://h?x=1").map(|u| u.path),
            Ok("/?x=1".to_string())
        );
        assert!(parse_url("http://h:99999/").is_err());
        assert!(parse_url("ftp://h/").is_err());
    }

    #[test]
    fn request_parts_parse() {
        assert_eq!(header("x-version: 2"), Ok(("x-version".into(), "2".into())));
        assert!(header("nope").is_err());
        assert_eq!(
            grpc_call("my.pkg.Service/Method"),
            Ok(("my.pkg.Service".into(), "Method".into()))
        );
        assert!(grpc_call("Service").is_err());
        assert_eq!(
            namespaced("gw", "default").map(|n| n.to_string()),
            Ok("default/gw".to_string())
        );
        assert!(namespaced("a/b/c", "default").is_err());
        assert_eq!(query_pair("q=1"), ("q".into(), "1".into()));
        assert_eq!(scheme("HTTPS"), Some(Scheme::Https));
        assert_eq!(protocol("Grpc"), Some(RequestProtocol::Grpc));
        assert_eq!(protocol("quic"), None);
    }
}
