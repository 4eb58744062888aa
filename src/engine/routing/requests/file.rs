//! A `--requests` file: a YAML list (or `{requests: [...]}`) of requests with expectations,
//! read from the same span tree as manifests, so each problem is a located diagnostic and
//! the other entries are still read. An entry with a problem is dropped.

use super::{NamedRequest, absolute_path, grpc_call, namespaced, parse_url, protocol, scheme};
use crate::diag::{Diagnostic, Location, Rule, rule};
use crate::engine::routing::Request;
use crate::engine::routing::expect::Expectation;
use crate::model::nearest_name;
use crate::source::Span;
use crate::yaml::{Document, Map, Node};

rule! {
    /// ## What it does
    /// Reports a problem of an entry of a `--requests` file (`gwctl simulate --requests FILE`,
    /// and `diff` and `probe` with `--requests`): an unknown key (with the key it probably
    /// misspells: `pth` → `path`), a field of the wrong type, or an impossible value (a path
    /// without a leading `/`, a port or status out of range). The file is a YAML list of
    /// requests, each a mapping of `name`, `url`, `gateway`, `port`, `scheme`, `host`, `sni`,
    /// `method`, `path`, `query`, `headers`, `grpc`, `protocol` and `expect` (`status`,
    /// `backend`, `location`, `path`, `headers`). Every problem is reported at its position and
    /// the entry is not run.
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
    /// Fix the field as the message says (`port: 80`, `backend: NAMESPACE/NAME`, `path:` for
    /// `pth:`).
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

/// The keys of an entry.
const ENTRY_KEYS: &[&str] = &[
    "name", "url", "gateway", "port", "scheme", "host", "sni", "method", "path", "query",
    "headers", "grpc", "protocol", "expect",
];

/// The keys of an entry's `expect`.
const EXPECT_KEYS: &[&str] = &["status", "backend", "location", "path", "headers"];

/// The requests of a requests file's first document. Each entry starts from `defaults`
/// (the request the command's flags describe); `NAME` references are in `namespace`. Every
/// problem of every entry is reported; an entry with a problem is left out.
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
    let root = document.root();
    let mut problems = Problems::default();
    let list = match root
        .as_map()
        .and_then(|map| Some((map, map.get("requests")?)))
    {
        Some((map, list)) => {
            problems.unknown_keys(map, &["requests"]);
            list
        }
        None => root,
    };
    match list.as_seq() {
        Some(items) => {
            for (index, item) in items.iter().enumerate() {
                let mut entry_problems = Problems::default();
                let request = entry(item, index, defaults, namespace, &mut entry_problems);
                match request {
                    Some(request) if entry_problems.0.is_empty() => requests.push(request),
                    _ => problems.0.append(&mut entry_problems.0),
                }
            }
        }
        None => problems.at(
            list.span(),
            format!("expected a list of requests, not {}", list.kind_name()),
        ),
    }
    diagnostics.extend(problems.0.into_iter().map(|(span, message)| {
        Diagnostic::new(&REQUESTS_FILE_INVALID, message).at(Location::File { file, span })
    }));
    (requests, diagnostics)
}

/// The problems found, each at its span.
#[derive(Debug, Default)]
struct Problems(Vec<(Span, String)>);

impl Problems {
    fn at(&mut self, span: Span, message: String) {
        self.0.push((span, message));
    }

    /// Reports every key of `map` not in `known`, with the key meant when it is a near miss.
    fn unknown_keys(&mut self, map: Map<'_>, known: &[&str]) {
        for entry in map.iter() {
            let key = entry.key();
            if known.contains(&key) {
                continue;
            }
            let message = match nearest_name(key, known) {
                Some(meant) => format!("unknown key `{key}`; did you mean `{meant}`?"),
                None => format!("unknown key `{key}`; the keys are {}", known.join(", ")),
            };
            self.at(entry.key_span(), message);
        }
    }

    /// `value` parsed by `parse`, or its error reported at `node`.
    fn parsed<T>(&mut self, node: Node<'_>, value: Result<T, String>) -> Option<T> {
        value.map_err(|message| self.at(node.span(), message)).ok()
    }

    /// The string at `key` (any scalar, as text).
    fn string<'n>(&mut self, node: Node<'n>, key: &str) -> Option<(Node<'n>, String)> {
        let v = node.get(key)?;
        match v.scalar_text() {
            Some(text) if !v.is_null() => Some((v, text.into_owned())),
            _ => {
                self.at(
                    v.span(),
                    format!("`{key}` must be a string, not {}", v.kind_name()),
                );
                None
            }
        }
    }

    /// The number at `key` (a number, or a string of digits).
    fn number(&mut self, node: Node<'_>, key: &str) -> Option<i64> {
        let v = node.get(key)?;
        if let Some(i) = v.as_int() {
            return Some(i);
        }
        let parsed = v.as_str().and_then(|s| s.parse().ok());
        if parsed.is_none() {
            self.at(
                v.span(),
                format!("`{key}` must be a number, not {}", describe(v)),
            );
        }
        parsed
    }

    /// The mapping of names to string values at `key`.
    fn string_map(&mut self, node: Node<'_>, key: &str) -> Option<Vec<(String, String)>> {
        let v = node.get(key)?;
        let Some(entries) = v.as_map() else {
            self.at(
                v.span(),
                format!(
                    "`{key}` must be a mapping of names to values, not {}",
                    v.kind_name()
                ),
            );
            return None;
        };
        let mut pairs = Vec::new();
        for e in entries.iter() {
            match e.value().scalar_text() {
                Some(value) if !e.value().is_null() => {
                    pairs.push((e.key().to_string(), value.into_owned()))
                }
                _ => self.at(
                    e.value().span(),
                    format!(
                        "`{key}.{}` must be a string, not {}",
                        e.key(),
                        e.value().kind_name()
                    ),
                ),
            }
        }
        Some(pairs)
    }
}

/// A value in words: `"abc"` for a string, its kind otherwise.
fn describe(node: Node<'_>) -> String {
    match node.as_str() {
        Some(s) => format!("{s:?}"),
        None => node.kind_name().to_string(),
    }
}

fn entry(
    item: Node<'_>,
    index: usize,
    defaults: &Request,
    namespace: &str,
    problems: &mut Problems,
) -> Option<NamedRequest> {
    let Some(map) = item.as_map() else {
        problems.at(
            item.span(),
            format!(
                "request {} must be a mapping of {}, not {}",
                index + 1,
                ENTRY_KEYS.join(", "),
                item.kind_name()
            ),
        );
        return None;
    };
    problems.unknown_keys(map, ENTRY_KEYS);
    let request = request(item, defaults, namespace, problems);
    let expectation = match item.get("expect") {
        Some(expect) => expectation(expect, namespace, problems),
        None => Some(Expectation::default()),
    };
    let name = problems.string(item, "name").map(|(_, name)| name);
    let (request, expectation) = (request?, expectation?);
    let name = name.unwrap_or_else(|| {
        format!(
            "#{} {} {}{}",
            index + 1,
            request.method,
            request.host.as_deref().unwrap_or(""),
            request.path
        )
    });
    Some(NamedRequest {
        name,
        request,
        expectation,
    })
}

/// The request an entry describes: `defaults` with the entry's fields.
fn request(
    item: Node<'_>,
    defaults: &Request,
    namespace: &str,
    problems: &mut Problems,
) -> Option<Request> {
    let before = problems.0.len();
    let mut request = defaults.clone();
    if let Some((node, url)) = problems.string(item, "url")
        && let Some(url) = problems.parsed(node, parse_url(&url))
    {
        request.scheme = Some(url.scheme);
        request.host = Some(url.host);
        request.port = Some(url.port);
        request.path = url.path;
    }
    if let Some((node, g)) = problems.string(item, "gateway") {
        request.gateway = problems.parsed(node, namespaced(&g, namespace));
    }
    if let Some(port) = problems.number(item, "port") {
        match u16::try_from(port) {
            Ok(port) if port > 0 => request.port = Some(i64::from(port)),
            _ => {
                let span = item.get("port").map_or(item.span(), Node::span);
                problems.at(span, format!("port {port} is not between 1 and 65535"));
            }
        }
    }
    if let Some((node, text)) = problems.string(item, "scheme") {
        let parsed = scheme(&text).ok_or_else(|| format!("scheme {text:?} is not http or https"));
        request.scheme = problems.parsed(node, parsed);
    }
    if let Some((_, host)) = problems.string(item, "host") {
        request.host = Some(host);
    }
    if let Some((_, sni)) = problems.string(item, "sni") {
        request.sni = Some(sni);
    }
    if let Some((_, method)) = problems.string(item, "method") {
        request.method = method.to_ascii_uppercase();
    }
    if let Some((node, path)) = problems.string(item, "path")
        && let Some(path) = problems.parsed(node, absolute_path(&path))
    {
        request.path = path;
    }
    if let Some(query) = problems.string_map(item, "query") {
        request.query = query;
    }
    if let Some(headers) = problems.string_map(item, "headers") {
        request.headers = headers;
    }
    if let Some((node, grpc)) = problems.string(item, "grpc") {
        request.grpc = problems.parsed(node, grpc_call(&grpc));
        request.protocol = crate::engine::routing::RequestProtocol::Grpc;
    }
    if let Some((node, p)) = problems.string(item, "protocol") {
        let parsed = protocol(&p)
            .ok_or_else(|| format!("protocol {p:?} is not http, grpc, tls, tcp or udp"));
        if let Some(parsed) = problems.parsed(node, parsed) {
            request.protocol = parsed;
        }
    }
    (problems.0.len() == before).then_some(request)
}

fn expectation(expect: Node<'_>, namespace: &str, problems: &mut Problems) -> Option<Expectation> {
    let Some(map) = expect.as_map() else {
        problems.at(
            expect.span(),
            format!(
                "`expect` must be a mapping of {}, not {}",
                EXPECT_KEYS.join(", "),
                expect.kind_name()
            ),
        );
        return None;
    };
    let before = problems.0.len();
    problems.unknown_keys(map, EXPECT_KEYS);
    let status = problems.number(expect, "status").and_then(|s| {
        let node = expect.get("status").unwrap_or(expect);
        let valid = u16::try_from(s).ok().filter(|s| (100..=599).contains(s));
        problems.parsed(
            node,
            valid.ok_or_else(|| format!("status {s} is not an HTTP status (100-599)")),
        )
    });
    let backend = problems
        .string(expect, "backend")
        .and_then(|(node, b)| problems.parsed(node, namespaced(&b, namespace)));
    let location = problems.string(expect, "location").map(|(_, l)| l);
    let backend_path = problems
        .string(expect, "path")
        .and_then(|(node, p)| problems.parsed(node, absolute_path(&p)));
    let backend_headers = problems.string_map(expect, "headers").unwrap_or_default();
    (problems.0.len() == before).then_some(Expectation {
        status,
        backend,
        location,
        backend_path,
        backend_headers,
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
    fn unknown_keys_name_the_key_meant_and_every_problem_is_reported() {
        let text = "- pth: /a\n  expct: {status: 200}\n- expect: {stauts: 200, bogus: 1}\n\
                    - path: a\n  port: 0\n  expect: {status: 42}\n";
        let (documents, _) = crate::yaml::parse(text, 0, &Default::default());
        let (requests, problems) = read(&documents, &Request::default(), "d");
        assert!(requests.is_empty());
        let messages: Vec<&str> = problems.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "unknown key `pth`; did you mean `path`?",
                "unknown key `expct`; did you mean `expect`?",
                "unknown key `stauts`; did you mean `status`?",
                "unknown key `bogus`; the keys are status, backend, location, path, headers",
                "port 0 is not between 1 and 65535",
                "path \"a\" does not start with `/`; did you mean \"/a\"?",
                "status 42 is not an HTTP status (100-599)",
            ]
        );
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
