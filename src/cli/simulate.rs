//! `gwctl simulate`: route a request (or a table of requests) offline and explain it.

use clap::{Args, ValueEnum};

use super::{EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, InputArgs, ShowArgs, requests_file};
use crate::diag::Severity;
use crate::engine::routing::expect::{Check, Expectation, check};
use crate::engine::routing::requests::{
    NamedRequest, absolute_path, grpc_call, header, namespaced, parse_url, query_pair,
};
use crate::engine::routing::{MeshTarget, Request, RequestProtocol, RouteResult, Router, Scheme};
use crate::output::view::{Case, Simulation};
use crate::output::{Format, SIMULATE, Style};
use crate::pipeline::Loaded;

#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// Input (files, directories, `-`, URLs of manifests), and optionally the request as a
    /// URL (`http://host:port/path?q=1`, shorthand for --scheme, --host, --port and --path).
    /// A URL is the request only when neither --path nor --host is given; with either,
    /// every URL is read as manifests.
    #[command(flatten)]
    pub input: InputArgs,
    /// The Gateway (`NS/NAME`, or `NAME` in --namespace). Default: every Gateway.
    #[arg(long, value_name = "NS/NAME")]
    pub gateway: Option<String>,
    /// The Gateway port (with --mesh: the Service port). Default: every port with a
    /// listener for the request (with --mesh: every port of the Service).
    #[arg(long, value_name = "N")]
    pub port: Option<u16>,
    /// Route an east-west request inside a service mesh (GAMMA) instead of through a
    /// Gateway: the HTTPRoutes and GRPCRoutes whose parent is the Service --to names decide.
    /// Needs a mesh controller (--controller linkerd, or istio).
    #[arg(long, requires = "to", conflicts_with = "gateway")]
    pub mesh: bool,
    /// With --mesh: the Service the request is sent to (`NS/SERVICE[:PORT]`, or
    /// `SERVICE[:PORT]` in --namespace).
    #[arg(long, value_name = "NS/SERVICE[:PORT]", requires = "mesh")]
    pub to: Option<String>,
    /// With --mesh: the namespace of the client workload. Default: the Service's namespace.
    #[arg(long, value_name = "NS", requires = "mesh")]
    pub from: Option<String>,
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
    #[command(flatten)]
    pub show: ShowArgs,
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
            super::print_error(&message);
            EXIT_ERROR
        }
    }
}

fn execute(args: &SimulateArgs) -> Result<i32, String> {
    let (input, url) = split_url(args)?;
    let base = base_request(args, url.as_deref())?;
    let mut plan = input.plan();
    plan.configuration = Some(args.show.config.configuration());
    let loaded = plan.load().map_err(|e| match (e, &url) {
        (crate::pipeline::Error::NoInput, Some(url)) => format!(
            "no manifests given: {url} is the request (a URL is the request when neither --path nor --host is given); \
             to read manifests from it, give the request with --path (and --host)"
        ),
        (e, _) => e.to_string(),
    })?;
    args.show.notes(&loaded);
    let code = simulate(args, &base, &loaded);
    loaded.free_at_exit();
    code
}

/// Routes the request (or the `--requests` file) through `loaded` and writes the result.
fn simulate(args: &SimulateArgs, base: &Request, loaded: &Loaded) -> Result<i32, String> {
    let errors = loaded
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error && d.rule.stage.reads_input())
        .count();
    if errors > 0 {
        eprintln!(
            "note: {errors} object(s) or file(s) could not be fully read; `gwctl check` shows why. The simulation uses what was understood."
        );
    }
    if args.show.verbose {
        let quiet = args.show.style().with_detail(crate::output::Detail::Quiet);
        let style = Style {
            color: false,
            ..quiet
        };
        eprint!(
            "{}",
            crate::output::render_findings(&loaded.sources, &loaded.diagnostics, &style)
        );
    }
    if let Some(gateway) = &base.gateway {
        let gateways = &loaded.world.gateways;
        let known = gateways
            .iter()
            .any(|g| g.meta.namespace == gateway.namespace && g.meta.name == gateway.name);
        if !known {
            let names: Vec<String> = gateways
                .iter()
                .map(|g| format!("{}/{}", g.meta.namespace, g.meta.name))
                .collect();
            let names = if names.is_empty() {
                "none".to_string()
            } else {
                names.join(", ")
            };
            return Err(format!(
                "Gateway {gateway} is not in the input (Gateways: {names})"
            ));
        }
    }
    if base.mesh.is_some() && loaded.analysis.mesh.is_none() {
        return Err(
            "--mesh needs a mesh controller: name it with --controller linkerd or --controller istio (only a mesh decides which routes apply to an east-west request)"
                .to_string(),
        );
    }
    let router = Router::new(&loaded.world, &loaded.analysis);
    let style = args.show.style();
    let (text, passed) = match &args.requests {
        Some(file) => {
            let requests = requests_file(file, base, args.input.default_namespace(), &style)?;
            suite(args, &router, &requests, &style)?
        }
        None => single(args, &router, base, &style)?,
    };
    if let Err(code) = super::write_stdout(&text) {
        return Ok(code);
    }
    Ok(if passed { EXIT_OK } else { EXIT_FINDINGS })
}

/// The rendered results of a `--requests` suite, and whether every case passed.
fn suite(
    args: &SimulateArgs,
    router: &Router<'_>,
    requests: &[NamedRequest],
    style: &Style,
) -> Result<(String, bool), String> {
    let runs: Vec<(Vec<RouteResult>, Vec<Check>)> = requests
        .iter()
        .map(|r| {
            let results = router.route(&r.request);
            let checks = check(&r.expectation, &results);
            (results, checks)
        })
        .collect();
    let cases: Vec<Case<'_>> = requests
        .iter()
        .zip(&runs)
        .map(|(r, (results, checks))| Case {
            name: &r.name,
            request: &r.request,
            results,
            checks,
            implicit: false,
        })
        .collect();
    let passed = cases.iter().all(Case::passed);
    let text = render(&Simulation::Suite(&cases), args.output, style)?;
    Ok((text, passed))
}

/// The rendered result of the one request the flags describe, with the `--expect-*`
/// checks, and whether they passed.
fn single(
    args: &SimulateArgs,
    router: &Router<'_>,
    request: &Request,
    style: &Style,
) -> Result<(String, bool), String> {
    let expectation = Expectation {
        status: args.expect_status,
        backend: args
            .expect_backend
            .as_deref()
            .map(|b| namespaced(b, args.input.default_namespace()))
            .transpose()?,
        ..Expectation::default()
    };
    let results = router.route(request);
    let checks = check(&expectation, &results);
    let passed = checks.iter().all(|c| c.passed);
    let case = Case {
        name: "request",
        request,
        results: &results,
        checks: &checks,
        implicit: expectation.is_empty(),
    };
    let text = render(&Simulation::Request(case), args.output, style)?;
    Ok((text, passed))
}

fn render(simulation: &Simulation<'_>, format: Format, style: &Style) -> Result<String, String> {
    crate::output::render_simulation(simulation, format, style)
        .ok_or_else(|| super::format::not_offered(format))
}

/// Separates the request's URL from the input paths: with --path or --host every URL is
/// an input (manifests to read); without, a URL is the request.
fn split_url(args: &SimulateArgs) -> Result<(InputArgs, Option<String>), String> {
    let input = &args.input;
    if args.path.is_some() || args.host.is_some() {
        return Ok((input.clone(), None));
    }
    let (urls, paths): (Vec<String>, Vec<String>) = input
        .paths
        .iter()
        .cloned()
        .partition(|p| p.starts_with("http://") || p.starts_with("https://"));
    if urls.len() > 1 {
        return Err(format!(
            "give at most one request URL (got {}); to read URLs as manifests, give the request with --path (and --host)",
            urls.join(", ")
        ));
    }
    let mut rest = input.clone();
    rest.paths = paths;
    Ok((rest, urls.into_iter().next()))
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
    let (mesh, mesh_port) = match &args.to {
        Some(to) if args.mesh => {
            let (target, port) = mesh_target(to, args.input.default_namespace())?;
            (
                Some(MeshTarget {
                    service: target,
                    from: args.from.clone(),
                }),
                port,
            )
        }
        _ => (None, None),
    };
    if let (Some(a), Some(b)) = (mesh_port, args.port)
        && a != i64::from(b)
    {
        return Err(format!(
            "--to names port {a} and --port {b}: give the Service port once"
        ));
    }
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
        port: (args.port.map(i64::from))
            .or(mesh_port)
            .or(url.as_ref().map(|u| u.port)),
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
        path: match &args.path {
            Some(path) => absolute_path(path).map_err(|e| format!("--path: {e}"))?,
            None => url.map_or_else(|| "/".to_string(), |u| u.path),
        },
        query: args.query.iter().map(|q| query_pair(q)).collect(),
        headers: args
            .headers
            .iter()
            .map(|h| header(h))
            .collect::<Result<_, _>>()?,
        grpc,
        protocol,
        backend_response_headers: Vec::new(),
        mesh,
    })
}

/// `NS/SERVICE[:PORT]` (or `SERVICE[:PORT]` in `default_namespace`): the Service and port.
fn mesh_target(
    text: &str,
    default_namespace: &str,
) -> Result<(crate::engine::routing::NamespacedName, Option<i64>), String> {
    let (name, port) = match text.rsplit_once(':') {
        Some((name, port)) => {
            let port: u16 = port
                .parse()
                .map_err(|_| format!("--to {text:?}: the port {port:?} is not a number"))?;
            (name, Some(i64::from(port)))
        }
        None => (text, None),
    };
    let service = namespaced(name, default_namespace).map_err(|e| format!("--to: {e}"))?;
    Ok((service, port))
}
