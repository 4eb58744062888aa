//! A `--requests` file: a YAML list (or `{requests: [...]}`) of requests with expectations,
//! read from the same span tree as manifests, so each problem is a located diagnostic and
//! the other entries are still read. An entry with a problem is dropped.

use super::{NamedRequest, grpc_call, namespaced, parse_url, protocol, scheme};
use crate::diag::{Diagnostic, Location, Rule, rule};
use crate::engine::routing::Request;
use crate::engine::routing::expect::Expectation;
use crate::yaml::{Document, Node};

rule! {
    /// ## What it does
    /// Reports an entry of a `--requests` file (`gwctl simulate --requests FILE`, and `diff` and
    /// `probe` with `--requests`) whose field has the wrong type or an impossible value. The file
    /// is a YAML list of requests, each a mapping of `name`, `url`, `gateway`, `port`, `scheme`,
    /// `host`, `sni`, `method`, `path`, `query`, `headers`, `grpc`, `protocol` and `expect`
    /// (`status`, `backend`, `location`, `path`, `headers`). The entry is reported at its
    /// position and not run.
    ///
    /// ## Why it matters
    /// The command stops with exit code 2, as the suite would not mean what it says.
    ///
    /// ## Example
    /// `gwctl check` reads no requests file, so this rule has no fixture pair under
    /// `testdata/rules/`; `tests/it/simulate_cli.rs` runs this file with `simulate --requests`:
    #[example = "testdata/simulate/invalid-requests.yaml"]
    ///
    /// ## Fix
    /// Fix the field as the message says (`port: 80`, `backend: NAMESPACE/NAME`).
    pub static REQUESTS_FILE_INVALID {
        code: "GW7001",
        name: "requests-file-invalid",
        severity: Error,
        stage: Input,
        summary: "An entry of a `--requests` file has the wrong shape",
    }
}

/// Rules of requests files.
pub static RULES: &[&Rule] = &[&REQUESTS_FILE_INVALID];

/// The requests of a requests file's first document. Each entry starts from `defaults`
/// (the request the command's flags describe); `NAME` references are in `namespace`.
pub fn read(
    documents: &[Document],
    defaults: &Request,
    namespace: &str,
) -> (Vec<NamedRequest>, Vec<Diagnostic>) {
    let mut requests = Vec::new();
    let mut diagnostics = Vec::new();
    let Some(document) = documents.first() else {
        return (requests, diagnostics);
    };
    let file = document.file;
    let problem = |node: &Node, message: String| {
        Diagnostic::new(&REQUESTS_FILE_INVALID, message).at(Location::File {
            file,
            span: node.span(),
        })
    };
    let root = document.root();
    let list = root.get("requests").unwrap_or(root);
    let Some(items) = list.as_seq() else {
        diagnostics.push(problem(list, "expected a list of requests".to_string()));
        return (requests, diagnostics);
    };
    for (index, item) in items.iter().enumerate() {
        match entry(item, index, defaults, namespace) {
            Ok(request) => requests.push(request),
            Err((node, message)) => diagnostics.push(problem(node, message)),
        }
    }
    (requests, diagnostics)
}

/// A value, or the node to blame and why.
type Located<'n, T> = Result<T, (&'n Node, String)>;

fn scalar(node: &Node) -> Option<String> {
    node.scalar_text().map(|text| text.into_owned())
}

fn string<'n>(node: &'n Node, key: &str) -> Located<'n, Option<String>> {
    match node.get(key) {
        None => Ok(None),
        Some(v) => scalar(v).map(Some).ok_or((
            v,
            format!("`{key}` must be a string, not {}", v.kind_name()),
        )),
    }
}

fn number<'n>(node: &'n Node, key: &str) -> Located<'n, Option<i64>> {
    let Some(v) = node.get(key) else {
        return Ok(None);
    };
    if let Some(i) = v.as_int() {
        return Ok(Some(i));
    }
    match v.as_str() {
        Some(s) => s
            .parse()
            .map(Some)
            .map_err(|_| (v, format!("`{key}` must be a number"))),
        None => Err((
            v,
            format!("`{key}` must be a number, not {}", v.kind_name()),
        )),
    }
}

fn string_map<'n>(node: &'n Node, key: &str) -> Located<'n, Option<Vec<(String, String)>>> {
    let Some(v) = node.get(key) else {
        return Ok(None);
    };
    let entries = v
        .as_map()
        .ok_or((v, format!("`{key}` must be a mapping of names to values")))?;
    entries
        .iter()
        .map(|e| {
            scalar(e.value())
                .map(|value| (e.key().to_string(), value))
                .ok_or((e.value(), format!("`{key}.{}` must be a string", e.key())))
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

/// Places an error at `item.key` (or `item` when the key is absent).
fn at_key<'n, T>(item: &'n Node, key: &str, result: Result<T, String>) -> Located<'n, T> {
    result.map_err(|m| (item.get(key).unwrap_or(item), m))
}

fn entry<'n>(
    item: &'n Node,
    index: usize,
    defaults: &Request,
    namespace: &str,
) -> Located<'n, NamedRequest> {
    if item.as_map().is_none() {
        return Err((item, format!("request {index} must be a mapping")));
    }
    let request = request(item, defaults, namespace)?;
    let expectation = match item.get("expect") {
        Some(expect) => expectation(expect, namespace)?,
        None => Expectation::default(),
    };
    let name = string(item, "name")?.unwrap_or_else(|| {
        format!(
            "#{} {} {}{}",
            index + 1,
            request.method,
            request.host.as_deref().unwrap_or(""),
            request.path
        )
    });
    Ok(NamedRequest {
        name,
        request,
        expectation,
    })
}

/// The request an entry describes: `defaults` with the entry's fields.
fn request<'n>(item: &'n Node, defaults: &Request, namespace: &str) -> Located<'n, Request> {
    let mut request = defaults.clone();
    if let Some(url) = string(item, "url")? {
        let url = at_key(item, "url", parse_url(&url))?;
        request.scheme = Some(url.scheme);
        request.host = Some(url.host);
        request.port = Some(url.port);
        request.path = url.path;
    }
    if let Some(g) = string(item, "gateway")? {
        request.gateway = Some(at_key(item, "gateway", namespaced(&g, namespace))?);
    }
    if let Some(port) = number(item, "port")? {
        request.port = Some(port);
    }
    if let Some(text) = string(item, "scheme")? {
        let parsed = scheme(&text);
        let message = || format!("scheme {text:?} is not http or https");
        request.scheme = Some(parsed.ok_or_else(|| (item, message()))?);
    }
    if let Some(host) = string(item, "host")? {
        request.host = Some(host);
    }
    if let Some(sni) = string(item, "sni")? {
        request.sni = Some(sni);
    }
    if let Some(method) = string(item, "method")? {
        request.method = method.to_ascii_uppercase();
    }
    if let Some(path) = string(item, "path")? {
        request.path = path;
    }
    if let Some(query) = string_map(item, "query")? {
        request.query = query;
    }
    if let Some(headers) = string_map(item, "headers")? {
        request.headers = headers;
    }
    if let Some(grpc) = string(item, "grpc")? {
        request.grpc = Some(at_key(item, "grpc", grpc_call(&grpc))?);
        request.protocol = crate::engine::routing::RequestProtocol::Grpc;
    }
    if let Some(p) = string(item, "protocol")? {
        let message = || format!("protocol {p:?} is not http, grpc, tls, tcp or udp");
        request.protocol = protocol(&p).ok_or_else(|| (item, message()))?;
    }
    Ok(request)
}

fn expectation<'n>(expect: &'n Node, namespace: &str) -> Located<'n, Expectation> {
    if expect.as_map().is_none() {
        return Err((expect, "`expect` must be a mapping".to_string()));
    }
    let status = number(expect, "status")?
        .map(|s| u16::try_from(s).map_err(|_| (expect, format!("status {s} is out of range"))))
        .transpose()?;
    let backend = match string(expect, "backend")? {
        Some(b) => Some(at_key(expect, "backend", namespaced(&b, namespace))?),
        None => None,
    };
    Ok(Expectation {
        status,
        backend,
        location: string(expect, "location")?,
        backend_path: string(expect, "path")?,
        backend_headers: string_map(expect, "headers")?.unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    /// The requests of `text`, or the first problem as `line: message`.
    fn parse(text: &str, defaults: &Request) -> Result<Vec<NamedRequest>, String> {
        let (documents, yaml) = crate::yaml::parse(text, 0, &Default::default());
        let (requests, problems) = read(&documents, defaults, "default");
        let file = SourceFile::in_memory("r.yaml", text);
        match yaml.iter().chain(&problems).next() {
            None => Ok(requests),
            Some(d) => {
                let Some(Location::File { span, .. }) = d.location else {
                    return Err(format!("unlocated: {}", d.message));
                };
                Err(format!("{}: {}", file.line_column(span.start).0, d.message))
            }
        }
    }

    #[test]
    fn entries_and_expectations() {
        let text = r#"
- name: product
  url: http://shop.example.com/product/x
  headers: {x-version: "2"}
  expect:
    status: 200
    backend: product/product
    path: /product/x
- gateway: infra-ns/shared-gateway
  port: 8080
  path: /hr
  expect: {status: 404}
"#;
        let entries = parse(text, &Request::default()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].name, "product");
        assert_eq!(entries[0].request.host.as_deref(), Some("shop.example.com"));
        assert_eq!(entries[0].request.port, Some(80));
        assert_eq!(
            entries[0].request.headers,
            vec![("x-version".into(), "2".into())]
        );
        assert_eq!(entries[0].expectation.status, Some(200));
        assert_eq!(
            entries[0].expectation.backend_path.as_deref(),
            Some("/product/x")
        );
        assert_eq!(entries[1].request.port, Some(8080));
        assert_eq!(entries[1].expectation.status, Some(404));
        assert!(entries[1].name.contains("/hr"));
    }

    #[test]
    fn problems_are_located_and_other_entries_are_read() {
        let text = "- path: /a\n- port: [1]\n- {scheme: ftp}\n- path: /b\n";
        let (documents, _) = crate::yaml::parse(text, 0, &Default::default());
        let (requests, problems) = read(&documents, &Request::default(), "d");
        assert_eq!(requests.len(), 2);
        let found: Vec<(&str, &str)> = problems
            .iter()
            .map(|d| (d.rule.code, d.message.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                ("GW7001", "`port` must be a number, not a list"),
                ("GW7001", "scheme \"ftp\" is not http or https"),
            ]
        );
        let err = parse("- path: /a\n- port: [1]\n", &Request::default())
            .err()
            .unwrap_or_default();
        assert!(err.starts_with("2: "), "{err}");
        let err = parse("a: b\n", &Request::default())
            .err()
            .unwrap_or_default();
        assert!(err.contains("expected a list"), "{err}");
        let err = parse("- {expect: {backend: a/b/c}}\n", &Request::default())
            .err()
            .unwrap_or_default();
        assert!(err.contains("is not NAMESPACE/NAME"), "{err}");
    }

    #[test]
    fn entries_start_from_the_defaults() {
        let defaults = Request {
            port: Some(8080),
            method: "POST".into(),
            ..Request::default()
        };
        let entries = parse(
            "requests:\n- {path: /x}\n- {port: \"81\", protocol: TLS}\n",
            &defaults,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(entries[0].request.port, Some(8080));
        assert_eq!(entries[0].name, "#1 POST /x");
        assert_eq!(entries[1].request.port, Some(81));
        assert_eq!(
            entries[1].request.protocol,
            crate::engine::routing::RequestProtocol::Tls
        );
    }
}
