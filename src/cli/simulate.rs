//! `gwctl simulate`: route a request (or a table of requests) offline and explain it.

use std::io::{IsTerminal, Write};

use clap::{Args, ValueEnum};

use super::{EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, InputArgs};
use crate::diag::{Severity, registry};
use crate::engine::routing::expect::{Check, Expectation, check};
use crate::engine::routing::{
    NamespacedName, Request, RequestProtocol, RouteResult, Router, Scheme,
};
use crate::input::{SourceFile, Sources};
use crate::output::view::{Case, Simulation};
use crate::output::{ColorChoice, Format, SIMULATE, Style};
use crate::yaml::{Node, Value};

#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// Input (files, directories, `-`), and optionally one URL (`http://host:port/path?q=1`)
    /// as shorthand for --scheme, --host, --port and --path.
    #[command(flatten)]
    pub input: InputArgs,
    /// The Gateway (`NS/NAME`, or `NAME` in --namespace). Default: every Gateway.
    #[arg(long, value_name = "NS/NAME")]
    pub gateway: Option<String>,
    /// The Gateway port. Default: every port with a listener for the request.
    #[arg(long, value_name = "N")]
    pub port: Option<u16>,
    /// The scheme of the connection. Default: the protocol of the port's listeners.
    #[arg(long, value_enum)]
    pub scheme: Option<SchemeArg>,
    /// The Host header (default: none, i.e. the Gateway address, which matches no hostname).
    #[arg(long, value_name = "H")]
    pub host: Option<String>,
    /// The TLS SNI (default: the Host without its port).
    #[arg(long, value_name = "S")]
    pub sni: Option<String>,
    /// The HTTP method.
    #[arg(long, value_name = "M", default_value = "GET")]
    pub method: String,
    /// The path, optionally with `?query`.
    #[arg(long, value_name = "P")]
    pub path: Option<String>,
    /// A query parameter (repeatable).
    #[arg(long = "query", value_name = "K=V")]
    pub query: Vec<String>,
    /// A request header (repeatable).
    #[arg(short = 'H', long = "header", value_name = "'K: V'")]
    pub headers: Vec<String>,
    /// A gRPC call: HTTP/2 POST to `/SERVICE/METHOD`, matched by GRPCRoutes.
    #[arg(long, value_name = "SERVICE/METHOD")]
    pub grpc: Option<String>,
    /// The kind of traffic (default http, or grpc with --grpc).
    #[arg(long, value_enum)]
    pub protocol: Option<ProtocolArg>,
    /// A YAML list of requests with expectations; prints a pass/fail table.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["expect_status", "expect_backend"])]
    pub requests: Option<String>,
    /// Exit 0 only if every result has this status code.
    #[arg(long, value_name = "N")]
    pub expect_status: Option<u16>,
    /// Exit 0 only if every result reaches this Service.
    #[arg(long, value_name = "NS/NAME")]
    pub expect_backend: Option<String>,
    /// Output format.
    #[arg(short = 'o', long, value_parser = super::format::parser(SIMULATE), default_value = "human")]
    pub output: Format,
    /// When to use colours (NO_COLOR is honoured with `auto`).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemeArg {
    Http,
    Https,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProtocolArg {
    Http,
    Grpc,
    Tls,
    Tcp,
    Udp,
}

pub fn run(args: &SimulateArgs) -> i32 {
    match execute(args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            EXIT_ERROR
        }
    }
}

fn execute(args: &SimulateArgs) -> Result<i32, String> {
    let (input, url) = split_url(&args.input)?;
    let base = base_request(args, url.as_deref())?;
    let loaded = input.load().map_err(|e| e.to_string())?;
    let code = simulate(args, &base, &loaded);
    loaded.free_at_exit();
    code
}

/// Routes the request (or the `--requests` file) through `loaded` and writes the result.
fn simulate(args: &SimulateArgs, base: &Request, loaded: &super::Loaded) -> Result<i32, String> {
    let errors = loaded
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error && registry::is_reading_rule(d.rule))
        .count();
    if errors > 0 {
        eprintln!(
            "note: {errors} object(s) or file(s) could not be fully read; `gwctl check` shows why. The simulation uses what was understood."
        );
    }
    if let Some(gateway) = &base.gateway {
        let known = loaded
            .world
            .gateways
            .iter()
            .any(|g| g.meta.namespace == gateway.namespace && g.meta.name == gateway.name);
        if !known {
            let names: Vec<String> = loaded
                .world
                .gateways
                .iter()
                .map(|g| format!("{}/{}", g.meta.namespace, g.meta.name))
                .collect();
            return Err(format!(
                "Gateway {gateway} is not in the input (Gateways: {})",
                if names.is_empty() {
                    "none".to_string()
                } else {
                    names.join(", ")
                }
            ));
        }
    }
    let router = Router::new(&loaded.world, &loaded.analysis);
    let stdout = std::io::stdout();
    let style = Style::for_terminal(args.color, stdout.is_terminal());

    let (text, passed) = match &args.requests {
        Some(file) => {
            let entries = read_requests(file, base, args.input.default_namespace())?;
            let runs: Vec<(Vec<RouteResult>, Vec<Check>)> = entries
                .iter()
                .map(|e| {
                    let results = router.route(&e.request);
                    let checks = check(&e.expectation, &results);
                    (results, checks)
                })
                .collect();
            let cases: Vec<Case<'_>> = entries
                .iter()
                .zip(&runs)
                .map(|(e, (results, checks))| Case {
                    name: &e.name,
                    request: &e.request,
                    results,
                    checks,
                })
                .collect();
            let passed = cases.iter().all(Case::passed);
            let text = render(&Simulation::Suite(&cases), args.output, &style)?;
            (text, passed)
        }
        None => {
            let expectation = Expectation {
                status: args.expect_status,
                backend: args
                    .expect_backend
                    .as_deref()
                    .map(|b| namespaced(b, args.input.default_namespace()))
                    .transpose()?,
                ..Expectation::default()
            };
            let results = router.route(base);
            let checks = check(&expectation, &results);
            let passed = checks.iter().all(|c| c.passed);
            let shown: &[Check] = if expectation.is_empty() { &[] } else { &checks };
            let case = Case {
                name: "request",
                request: base,
                results: &results,
                checks: shown,
            };
            let text = render(&Simulation::Request(case), args.output, &style)?;
            (text, passed)
        }
    };
    let mut out = stdout.lock();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            return Err(format!("writing output: {e}"));
        }
    }
    Ok(if passed { EXIT_OK } else { EXIT_FINDINGS })
}

fn render(simulation: &Simulation<'_>, format: Format, style: &Style) -> Result<String, String> {
    crate::output::render_simulation(simulation, format, style)
        .ok_or_else(|| super::format::not_offered(format))
}

/// Separates a URL positional from the input paths.
fn split_url(input: &InputArgs) -> Result<(InputArgs, Option<String>), String> {
    let (urls, paths): (Vec<String>, Vec<String>) = input
        .paths
        .iter()
        .cloned()
        .partition(|p| p.starts_with("http://") || p.starts_with("https://"));
    if urls.len() > 1 {
        return Err(format!("give at most one URL (got {})", urls.join(", ")));
    }
    let mut rest = input.clone();
    rest.paths = paths;
    Ok((rest, urls.into_iter().next()))
}

/// The parts of a URL: scheme, Host header (with port when written), port, path with query.
#[derive(Debug, PartialEq, Eq)]
struct Url {
    scheme: Scheme,
    host: String,
    port: i64,
    path: String,
}

fn parse_url(url: &str) -> Result<Url, String> {
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
pub(crate) fn namespaced(text: &str, default_namespace: &str) -> Result<NamespacedName, String> {
    let (namespace, name) = text.split_once('/').unwrap_or((default_namespace, text));
    if namespace.is_empty() || name.is_empty() || name.contains('/') {
        return Err(format!("{text:?} is not NAMESPACE/NAME"));
    }
    Ok(NamespacedName {
        namespace: namespace.to_string(),
        name: name.to_string(),
    })
}

fn grpc_call(text: &str) -> Result<(String, String), String> {
    let trimmed = text.trim_start_matches('/');
    match trimmed.rsplit_once('/') {
        Some((service, method)) if !service.is_empty() && !method.is_empty() => {
            Ok((service.to_string(), method.to_string()))
        }
        _ => Err(format!("{text:?} is not SERVICE/METHOD")),
    }
}

fn header(text: &str) -> Result<(String, String), String> {
    match text.split_once(':') {
        Some((name, value)) if !name.trim().is_empty() => {
            Ok((name.trim().to_string(), value.trim().to_string()))
        }
        _ => Err(format!("header {text:?} is not 'Name: value'")),
    }
}

fn query_pair(text: &str) -> (String, String) {
    let (k, v) = text.split_once('=').unwrap_or((text, ""));
    (k.to_string(), v.to_string())
}

fn protocol(arg: ProtocolArg) -> RequestProtocol {
    match arg {
        ProtocolArg::Http => RequestProtocol::Http,
        ProtocolArg::Grpc => RequestProtocol::Grpc,
        ProtocolArg::Tls => RequestProtocol::Tls,
        ProtocolArg::Tcp => RequestProtocol::Tcp,
        ProtocolArg::Udp => RequestProtocol::Udp,
    }
}

/// The request the flags describe (also the defaults of every `--requests` entry).
fn base_request(args: &SimulateArgs, url: Option<&str>) -> Result<Request, String> {
    let url = url.map(parse_url).transpose()?;
    let grpc = args.grpc.as_deref().map(grpc_call).transpose()?;
    let protocol = match (args.protocol, &grpc) {
        (Some(p), _) => protocol(p),
        (None, Some(_)) => RequestProtocol::Grpc,
        (None, None) => RequestProtocol::Http,
    };
    Ok(Request {
        gateway: args
            .gateway
            .as_deref()
            .map(|g| namespaced(g, args.input.default_namespace()))
            .transpose()?,
        port: args.port.map(i64::from).or(url.as_ref().map(|u| u.port)),
        scheme: args
            .scheme
            .map(|s| match s {
                SchemeArg::Http => Scheme::Http,
                SchemeArg::Https => Scheme::Https,
            })
            .or(url.as_ref().map(|u| u.scheme)),
        host: args.host.clone().or(url.as_ref().map(|u| u.host.clone())),
        sni: args.sni.clone(),
        method: args.method.to_ascii_uppercase(),
        path: args
            .path
            .clone()
            .or(url.map(|u| u.path))
            .unwrap_or_else(|| "/".to_string()),
        query: args.query.iter().map(|q| query_pair(q)).collect(),
        headers: args
            .headers
            .iter()
            .map(|h| header(h))
            .collect::<Result<_, _>>()?,
        grpc,
        protocol,
        backend_response_headers: Vec::new(),
    })
}

/// One entry of a `--requests` file.
#[derive(Debug)]
pub(crate) struct Entry {
    pub(crate) name: String,
    pub(crate) request: Request,
    pub(crate) expectation: Expectation,
}

/// Reads a `--requests` file: a YAML list (or `{requests: [...]}`) of requests.
pub(crate) fn read_requests(
    file: &str,
    base: &Request,
    namespace: &str,
) -> Result<Vec<Entry>, String> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("reading {file}: {e}"))?;
    parse_requests(file, &text, base, namespace)
}

fn parse_requests(
    file: &str,
    text: &str,
    base: &Request,
    namespace: &str,
) -> Result<Vec<Entry>, String> {
    let mut sources = Sources::default();
    sources.files.push(SourceFile::in_memory(file, text));
    let diagnostics = crate::yaml::parse_file(&mut sources, 0, &crate::yaml::Limits::default());
    if let Some(d) = diagnostics.first() {
        return Err(format!("{file}: {}", d.message));
    }
    let at = |node: &Node, message: String| -> String {
        let line = text
            .get(..node.span.start)
            .map_or(0, |t| t.matches('\n').count())
            + 1;
        format!("{file}:{line}: {message}")
    };
    let Some(root) = sources.documents.first().map(|d| &d.root) else {
        return Ok(Vec::new());
    };
    let list = root.get("requests").unwrap_or(root);
    let items = list
        .as_seq()
        .ok_or_else(|| at(list, "expected a list of requests".to_string()))?;
    items
        .iter()
        .enumerate()
        .map(|(i, item)| parse_entry(item, i, base, namespace).map_err(|(node, m)| at(node, m)))
        .collect()
}

type Located<'n, T> = Result<T, (&'n Node, String)>;

fn scalar(node: &Node) -> Option<String> {
    match &node.value {
        Value::Str(s) => Some(s.clone()),
        Value::Int(i) => Some(i.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Float(f) => Some(f.to_string()),
        _ => None,
    }
}

fn string<'n>(node: &'n Node, key: &str) -> Located<'n, Option<String>> {
    match node.get(key) {
        None => Ok(None),
        Some(v) => scalar(v).map(Some).ok_or((
            v,
            format!("`{key}` must be a string, not {}", v.type_name()),
        )),
    }
}

fn number<'n>(node: &'n Node, key: &str) -> Located<'n, Option<i64>> {
    match node.get(key) {
        None => Ok(None),
        Some(v) => match &v.value {
            Value::Int(i) => Ok(Some(*i)),
            Value::Str(s) => s
                .parse()
                .map(Some)
                .map_err(|_| (v, format!("`{key}` must be a number"))),
            _ => Err((
                v,
                format!("`{key}` must be a number, not {}", v.type_name()),
            )),
        },
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
            scalar(&e.value)
                .map(|value| (e.key.clone(), value))
                .ok_or((&e.value, format!("`{key}.{}` must be a string", e.key)))
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

/// Places an error at `item.key` (or `item` when the key is absent).
fn at_key<'n, T>(item: &'n Node, key: &str, result: Result<T, String>) -> Located<'n, T> {
    result.map_err(|m| (item.get(key).unwrap_or(item), m))
}

fn parse_entry<'n>(
    item: &'n Node,
    index: usize,
    base: &Request,
    namespace: &str,
) -> Located<'n, Entry> {
    if item.as_map().is_none() {
        return Err((item, format!("request {index} must be a mapping")));
    }
    let mut request = base.clone();
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
    if let Some(scheme) = string(item, "scheme")? {
        request.scheme = Some(match scheme.to_ascii_lowercase().as_str() {
            "http" => Scheme::Http,
            "https" => Scheme::Https,
            _ => return Err((item, format!("scheme {scheme:?} is not http or https"))),
        });
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
        request.protocol = RequestProtocol::Grpc;
    }
    if let Some(p) = string(item, "protocol")? {
        request.protocol = match ProtocolArg::from_str(&p, true) {
            Ok(arg) => protocol(arg),
            Err(_) => {
                return Err((
                    item,
                    format!("protocol {p:?} is not http, grpc, tls, tcp or udp"),
                ));
            }
        };
    }
    let mut expectation = Expectation::default();
    if let Some(expect) = item.get("expect") {
        if expect.as_map().is_none() {
            return Err((expect, "`expect` must be a mapping".to_string()));
        }
        expectation.status = number(expect, "status")?
            .map(|s| u16::try_from(s).map_err(|_| (expect, format!("status {s} is out of range"))))
            .transpose()?;
        if let Some(b) = string(expect, "backend")? {
            expectation.backend = Some(
                namespaced(&b, namespace)
                    .map_err(|m| (expect.get("backend").unwrap_or(expect), m))?,
            );
        }
        expectation.location = string(expect, "location")?;
        expectation.backend_path = string(expect, "path")?;
        expectation.backend_headers = string_map(expect, "headers")?.unwrap_or_default();
    }
    let name = string(item, "name")?.unwrap_or_else(|| {
        format!(
            "#{} {} {}{}",
            index + 1,
            request.method,
            request.host.as_deref().unwrap_or(""),
            request.path
        )
    });
    Ok(Entry {
        name,
        request,
        expectation,
    })
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
    fn flag_values_parse() {
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
    }

    #[test]
    fn requests_file_entries_and_expectations() {
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
        let base = Request::default();
        let entries =
            parse_requests("r.yaml", text, &base, "default").unwrap_or_else(|e| panic!("{e}"));
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
    fn requests_file_errors_are_located() {
        let err = parse_requests(
            "r.yaml",
            "- path: /a\n- port: [1]\n",
            &Request::default(),
            "d",
        )
        .err()
        .unwrap_or_default();
        assert!(err.starts_with("r.yaml:2:"), "{err}");
        let err = parse_requests("r.yaml", "a: b\n", &Request::default(), "d")
            .err()
            .unwrap_or_default();
        assert!(err.contains("expected a list"), "{err}");
    }
}
