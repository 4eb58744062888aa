//! Integration tests: simulate_conformance.
//!
//! Runs every `requests` entry of the `static: true` cases of the conformance corpus
//! (`tests/corpus/conformance`) through the router and
//! compares the result with `expect`, following the reading rules of the corpus README.
//! `tests/simulate-known-differences.yaml` lists the requests whose expectation contradicts
//! the spec; the test fails when an unlisted request fails or a listed one passes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use gwctl::engine::routing::{
    NamespacedName, Request, RequestProtocol, RouteResult, Router, Scheme,
};
use gwctl::input::Sources;
use gwctl::source::SourceFile;
use gwctl::yaml::{Document, Node, Tree, View};

/// Reads one YAML file into its documents with gwctl's own span tree.
fn read_yaml(path: &Path) -> Sources {
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let mut sources = Sources::default();
    let diagnostics = sources.add(
        SourceFile::on_disk(path, text),
        &gwctl::yaml::Limits::default(),
    );
    assert!(
        diagnostics.is_empty(),
        "{}: {:?}",
        path.display(),
        diagnostics.iter().map(|d| &d.message).collect::<Vec<_>>()
    );
    sources
}

/// The first document of a YAML file.
fn parse_yaml(path: &Path) -> Tree {
    read_yaml(path)
        .documents
        .into_iter()
        .next()
        .map(Document::into_root)
        .unwrap_or_else(|| panic!("{} is empty", path.display()))
}

fn text(node: Node<'_>) -> Option<String> {
    match node.view() {
        View::Str(s) => Some(s.to_string()),
        View::Int(i) => Some(i.to_string()),
        View::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn field(node: Node<'_>, key: &str) -> Option<String> {
    node.get(key).and_then(text)
}

fn int(node: Node<'_>, key: &str) -> Option<i64> {
    field(node, key).and_then(|s| s.parse().ok())
}

fn pairs(node: Option<Node<'_>>) -> Vec<(String, String)> {
    node.and_then(Node::as_map)
        .map(|entries| {
            entries
                .iter()
                .filter_map(|e| Some((e.key().to_string(), text(e.value())?)))
                .collect()
        })
        .unwrap_or_default()
}

fn strings(node: Option<Node<'_>>) -> Vec<String> {
    node.and_then(Node::as_seq)
        .map(|items| items.iter().filter_map(text).collect())
        .unwrap_or_default()
}

fn namespaced(text: &str) -> NamespacedName {
    let (namespace, name) = text.split_once('/').unwrap_or(("default", text));
    NamespacedName {
        namespace: namespace.to_string(),
        name: name.to_string(),
    }
}

/// The request an expect.yaml entry describes.
fn request_of(entry: Node<'_>, world: &gwctl::model::World) -> Request {
    let gateway = namespaced(&field(entry, "gateway").unwrap_or_default());
    let first_port = world
        .gateways
        .iter()
        .find(|g| g.meta.namespace == gateway.namespace && g.meta.name == gateway.name)
        .and_then(|g| g.listeners.first())
        .and_then(|l| l.port);
    let empty = Tree::map([]);
    let r = entry.get("request").unwrap_or(empty.root());
    let protocol = match field(entry, "protocol").as_deref() {
        Some("grpc") => RequestProtocol::Grpc,
        Some("tcp") => RequestProtocol::Tcp,
        Some("udp") => RequestProtocol::Udp,
        Some("tls") => RequestProtocol::Tls,
        _ => RequestProtocol::Http,
    };
    let grpc = (protocol == RequestProtocol::Grpc).then(|| {
        (
            field(r, "service").unwrap_or_default(),
            field(r, "method").unwrap_or_default(),
        )
    });
    let https = field(r, "scheme").as_deref() == Some("https");
    Request {
        gateway: Some(gateway),
        port: int(entry, "port").or(first_port),
        scheme: Some(if https { Scheme::Https } else { Scheme::Http }),
        host: field(r, "host"),
        sni: field(r, "sni"),
        method: if grpc.is_some() {
            "POST".to_string()
        } else {
            field(r, "method").unwrap_or_else(|| "GET".to_string())
        },
        path: field(r, "path").unwrap_or_else(|| "/".to_string()),
        query: pairs(r.get("query")),
        headers: pairs(r.get("headers")),
        grpc,
        protocol,
        backend_response_headers: pairs(r.get("backendSetsResponseHeaders")),
        mesh: None,
    }
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// `scheme://host[:port]/path?query` → (scheme, host, port, path).
fn split_location(location: &str) -> Option<(String, String, Option<String>, String)> {
    let (scheme, rest) = location.split_once("://")?;
    let split = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, path_query) = rest.split_at(split);
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) => (h.to_string(), Some(p.to_string())),
        None => (authority.to_string(), None),
    };
    let path = path_query.split('?').next().unwrap_or("").to_string();
    Some((scheme.to_string(), host, port, path))
}

/// Every way `result` misses `expect`; empty when it meets it.
fn mismatches(expect: Node<'_>, request: &Request, result: &RouteResult) -> Vec<String> {
    let mut out = Vec::new();
    let status = result.status_code;
    let failure = field(expect, "failure").as_deref() == Some("true");
    let codes: Vec<u16> = match expect.get("statusCode") {
        Some(node) => match node.as_seq() {
            Some(items) => items.iter().filter_map(|n| text(n)?.parse().ok()).collect(),
            None => text(node)
                .and_then(|t| t.parse().ok())
                .into_iter()
                .collect(),
        },
        None => Vec::new(),
    };
    let redirect = expect.get("redirect");
    let grpc_code = field(expect, "grpcCode");

    if failure {
        if result.is_success() && status.is_none_or(|s| s == 200) {
            out.push(format!(
                "expected a failure, got {}",
                result.outcome.as_str()
            ));
        }
    } else if !codes.is_empty() {
        if !status.is_some_and(|s| codes.contains(&s)) {
            out.push(format!("statusCode: expected {codes:?}, got {status:?}"));
        }
    } else if let Some(grpc) = &grpc_code {
        let actual = result.grpc_status.map(|g| g.as_str().to_string());
        if actual.as_deref() != Some(grpc.as_str()) {
            out.push(format!("grpcCode: expected {grpc}, got {actual:?}"));
        }
    } else if matches!(
        request.protocol,
        RequestProtocol::Tcp | RequestProtocol::Udp | RequestProtocol::Tls
    ) {
        if !result.is_success() {
            out.push(format!(
                "expected a connection to a backend, got {} ({})",
                result.outcome.as_str(),
                result.explanation.join(" | ")
            ));
        }
    } else if redirect.is_none() && (status != Some(200) || !result.is_success()) {
        out.push(format!(
            "expected 200, got {} {status:?} ({})",
            result.outcome.as_str(),
            result.explanation.join(" | ")
        ));
    }

    if let Some(b) = expect.get("backend") {
        let want = format!(
            "{}/{}",
            field(b, "namespace").unwrap_or_default(),
            field(b, "name").unwrap_or_default()
        );
        // With an error status, `backend` names the Service the matched rule refers to.
        let error_expected = codes.iter().any(|c| *c >= 400);
        let got: Vec<String> = result
            .backends
            .iter()
            .filter(|b| error_expected || b.receives_traffic())
            .map(|b| format!("{}/{}", b.namespace, b.name))
            .collect();
        if !got.contains(&want) {
            out.push(format!("backend: expected {want}, got {got:?}"));
        }
    }

    if let Some(redirect) = redirect {
        let want_code = int(redirect, "statusCode");
        if want_code != status.map(i64::from) {
            out.push(format!(
                "redirect statusCode: expected {want_code:?}, got {status:?}"
            ));
        }
        match result.location.as_deref().and_then(split_location) {
            None => out.push(format!(
                "redirect: no Location ({})",
                result.outcome.as_str()
            )),
            Some((scheme, host, port, path)) => {
                let request_scheme = match request.scheme {
                    Some(Scheme::Https) => "https",
                    _ => "http",
                };
                let want_scheme =
                    field(redirect, "scheme").unwrap_or_else(|| request_scheme.to_string());
                if scheme != want_scheme {
                    out.push(format!(
                        "redirect scheme: expected {want_scheme}, got {scheme}"
                    ));
                }
                if let Some(want_host) = field(redirect, "host")
                    && host != want_host
                {
                    out.push(format!("redirect host: expected {want_host}, got {host}"));
                }
                let default_port = if scheme == "https" { "443" } else { "80" };
                match field(redirect, "port") {
                    Some(want_port) => {
                        if port.as_deref().unwrap_or(default_port) != want_port {
                            out.push(format!("redirect port: expected {want_port}, got {port:?}"));
                        }
                    }
                    None => {
                        if port.as_deref().is_some_and(|p| p != default_port) {
                            out.push(format!("redirect port: expected the default, got {port:?}"));
                        }
                    }
                }
                let request_path = request.path.split('?').next().unwrap_or("").to_string();
                let want_path = field(redirect, "path").unwrap_or(request_path);
                if path != want_path {
                    out.push(format!("redirect path: expected {want_path}, got {path}"));
                }
            }
        }
    }

    // The request the expected backend receives (or the first one's).
    let sent = expect
        .get("backend")
        .and_then(|b| {
            let (ns, name) = (field(b, "namespace")?, field(b, "name")?);
            result
                .receiving_backends()
                .find(|x| x.namespace == ns && x.name == name)
                .and_then(|x| x.request.clone())
        })
        .or_else(|| result.backend_request.clone());
    let routed = status == Some(200) && result.receiving_backends().next().is_some();
    match (expect.get("backendRequest"), &sent) {
        (Some(want), Some(sent)) => {
            for (key, actual) in [
                ("host", &sent.host),
                ("path", &sent.path),
                ("method", &sent.method),
            ] {
                if let Some(expected) = field(want, key)
                    && expected != *actual
                {
                    out.push(format!(
                        "backendRequest.{key}: expected {expected}, got {actual}"
                    ));
                }
            }
            for (name, value) in pairs(want.get("headers")) {
                let got = header(&sent.headers, &name);
                if got != Some(value.as_str()) {
                    out.push(format!(
                        "backendRequest header {name}: expected {value:?}, got {got:?}"
                    ));
                }
            }
            for name in strings(want.get("absentHeaders")) {
                if header(&sent.headers, &name).is_some() {
                    out.push(format!("backendRequest header {name} should be absent"));
                }
            }
        }
        (Some(_), None) => out.push("backendRequest: the request reaches no backend".to_string()),
        (None, Some(sent)) if routed && request.protocol == RequestProtocol::Http => {
            let path = request.path.split('?').next().unwrap_or("");
            if sent.path != path || sent.method != request.method {
                out.push(format!(
                    "backend sees {} {}, not the request's {} {path}",
                    sent.method, sent.path, request.method
                ));
            }
            if sent.host != request.host.clone().unwrap_or_default() {
                out.push(format!(
                    "backend sees Host {:?}, not {:?}",
                    sent.host, request.host
                ));
            }
        }
        _ => {}
    }

    if let Some(response) = expect.get("response") {
        for (name, value) in pairs(response.get("headers")) {
            let got = header(&result.response_headers, &name);
            if got != Some(value.as_str()) {
                out.push(format!(
                    "response header {name}: expected {value:?}, got {got:?}"
                ));
            }
        }
        for name in strings(response.get("absentHeaders")) {
            if header(&result.response_headers, &name).is_some() {
                out.push(format!("response header {name} should be absent"));
            }
        }
    }

    for mirror in expect
        .get("mirroredTo")
        .and_then(Node::as_seq)
        .unwrap_or_default()
    {
        let (ns, name) = (field(mirror, "namespace"), field(mirror, "name"));
        let found = result.mirrors.iter().any(|m| {
            Some(&m.name) == name.as_ref() && ns.as_ref().is_none_or(|n| *n == m.namespace)
        });
        if !found {
            out.push(format!("mirroredTo: {ns:?}/{name:?} missing"));
        }
    }
    out
}

/// `case#index` → reason, from the known-differences file.
fn known_differences() -> BTreeMap<String, String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/simulate-known-differences.yaml");
    let root = parse_yaml(&path);
    let items = root
        .root()
        .get("differences")
        .and_then(Node::as_seq)
        .unwrap_or_default();
    items
        .iter()
        .map(|item| {
            let key = format!(
                "{}#{}",
                field(item, "case").unwrap_or_default(),
                field(item, "request").unwrap_or_default()
            );
            (key, field(item, "reason").unwrap_or_default())
        })
        .collect()
}

#[test]
fn simulate_meets_the_conformance_requests() {
    let dir = crate::conformance::cases_dir();
    assert!(
        dir.is_dir(),
        "the conformance corpus is not at {}",
        dir.display()
    );
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("expect.yaml").is_file())
        .collect();
    cases.sort();
    let known = known_differences();
    let (mut total, mut met) = (0, 0);
    let mut unexpected = Vec::new();
    let mut now_passing = Vec::new();
    for case in &cases {
        let name = case
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_string();
        let expect = parse_yaml(&case.join("expect.yaml"));
        if field(expect.root(), "static").as_deref() != Some("true") {
            continue;
        }
        let requests = expect
            .root()
            .get("requests")
            .and_then(Node::as_seq)
            .unwrap_or_default();
        if requests.is_empty() {
            continue;
        }
        // As `check --complete` reads it: the manifests are the whole cluster.
        let sources = read_yaml(&case.join("manifests.yaml"));
        let (world, _) = gwctl::model::build(
            &sources,
            &gwctl::model::BuildOptions {
                default_namespace: "default".to_string(),
            },
            &crate::conformance::release(),
        );
        let analysis = gwctl::engine::analyze(
            &world,
            &gwctl::engine::Options {
                complete: true,
                ..gwctl::engine::Options::default()
            },
        );
        let router = Router::new(&world, &analysis);
        for (index, entry) in requests.iter().enumerate() {
            total += 1;
            let key = format!("{name}#{index}");
            let request = request_of(entry, &world);
            let results = router.route(&request);
            let empty = Tree::map([]);
            let expect = entry.get("expect").unwrap_or(empty.root());
            let problems = match results.as_slice() {
                [result] => mismatches(expect, &request, result),
                other => vec![format!("expected one result, got {}", other.len())],
            };
            match (problems.is_empty(), known.contains_key(&key)) {
                (true, false) => met += 1,
                (false, false) => unexpected.push(format!("{key}: {}", problems.join("; "))),
                (true, true) => now_passing.push(key),
                (false, true) => {}
            }
        }
    }
    eprintln!(
        "simulate conformance: {met} of {total} requests met, {} known differences",
        known.len()
    );
    assert!(
        total > 0,
        "no static requests found under {}",
        dir.display()
    );
    assert!(
        unexpected.is_empty() && now_passing.is_empty(),
        "unexpected failures ({}):\n{}\n\nlisted in tests/simulate-known-differences.yaml but now passing: {:?}",
        unexpected.len(),
        unexpected.join("\n"),
        now_passing
    );
}
