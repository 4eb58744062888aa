//! `gwctl probe`: send the simulated requests to a running Gateway and compare.

use std::time::Duration;

use clap::Args;

use super::{EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, InputArgs, ShowArgs, requests_file};
use crate::diag::Severity;
use crate::engine::routing::requests::{
    NamedRequest, Purpose, namespaced, representative_requests,
};
use crate::engine::routing::{NamespacedName, Request, Router};
use crate::output::{Format, PROBE};
use crate::pipeline::Loaded;
use crate::probe::client::{self, Address};
use crate::probe::{ProbeResult, Verdict, choose_gateway, http_ports, plan};

#[derive(Debug, Args)]
pub struct ProbeArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Where the Gateway listens: `IP`, `IP:PORT`, `[IPv6]:PORT` or `NAME[:PORT]`. Without
    /// a port, each request goes to its Gateway port.
    #[arg(long, value_name = "IP[:PORT]")]
    pub address: Option<String>,
    /// The Gateway (`NS/NAME`, or `NAME` in --namespace). Default: the only Gateway.
    #[arg(long, value_name = "NS/NAME")]
    pub gateway: Option<String>,
    /// The Gateway port to probe. Default: every port with an HTTP or HTTPS listener.
    #[arg(long, value_name = "N")]
    pub port: Option<u16>,
    /// A YAML list of requests (the `simulate --requests` format). Default: one request
    /// per match of every HTTPRoute that names the Gateway.
    #[arg(long, value_name = "FILE")]
    pub requests: Option<String>,
    /// The response header that names the backend that answered (`name` or `ns/name`).
    #[arg(long, value_name = "NAME", default_value = "x-backend")]
    pub backend_header: String,
    /// How long one request may take (`500ms`, `5s`).
    #[arg(long, value_name = "DURATION", default_value = "5s", value_parser = crate::net::parse_duration)]
    pub timeout: Duration,
    /// Requests in flight at once.
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..))]
    pub concurrency: u16,
    /// Accept any TLS certificate (self-signed test Gateways).
    #[arg(long)]
    pub insecure: bool,
    /// Output format.
    #[arg(short = 'o', long, value_parser = super::format::parser(PROBE), default_value = "human")]
    pub output: Format,
    #[command(flatten)]
    pub show: ShowArgs,
}

pub fn run(args: &ProbeArgs) -> i32 {
    match execute(args) {
        Ok(code) => code,
        Err(message) => {
            super::print_error(&message);
            EXIT_ERROR
        }
    }
}

fn execute(args: &ProbeArgs) -> Result<i32, String> {
    let address = match &args.address {
        Some(text) => Address::parse(text)?,
        None => {
            return Err("give the Gateway's address with --address IP[:PORT] \
                        (reading it from the Gateway's status.addresses is not supported yet)"
                .to_string());
        }
    };
    let mut plan = args.input.plan();
    plan.configuration = Some(args.show.config.configuration());
    let loaded = plan.load().map_err(|e| e.to_string())?;
    args.show.notes(&loaded);
    let errors = loaded
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    if errors > 0 {
        eprintln!(
            "note: the input has {errors} error(s); `gwctl check` shows them. The predictions use what was understood."
        );
    }
    let wanted = args
        .gateway
        .as_deref()
        .map(|g| namespaced(g, args.input.default_namespace()))
        .transpose()?;
    let gateway = choose_gateway(&loaded.world, wanted.as_ref())?;
    let ports = http_ports(&loaded.world, &gateway);
    if address.port.is_some() && args.port.is_none() && ports.len() > 1 {
        let list: Vec<String> = ports.iter().map(ToString::to_string).collect();
        return Err(format!(
            "Gateway {gateway} listens on ports {}, and --address names one port: \
             choose the Gateway port it reaches with --port",
            list.join(", ")
        ));
    }
    let requests = requests(args, &loaded, &gateway)?;
    let results = probe(args, &loaded, &address, &requests)?;
    let style = args.show.style();
    let run = crate::output::ProbeRun {
        gateway: &gateway,
        address: args.address.as_deref().unwrap_or_default(),
        results: &results,
    };
    let text = crate::output::render_probe(&run, args.output, &style)
        .ok_or_else(|| super::format::not_offered(args.output))?;
    if let Err(code) = super::write_stdout(&text) {
        return Ok(code);
    }
    Ok(exit_code(&results))
}

/// The requests to send to `gateway` (on `--port`, if given): the `--requests` file, or
/// one per match of the routes that name the Gateway.
fn requests(
    args: &ProbeArgs,
    loaded: &Loaded,
    gateway: &NamespacedName,
) -> Result<Vec<NamedRequest>, String> {
    let port = args.port.map(i64::from);
    let requests = match &args.requests {
        Some(file) => {
            let defaults = Request {
                gateway: Some(gateway.clone()),
                port,
                ..Request::default()
            };
            requests_file(
                file,
                &defaults,
                args.input.default_namespace(),
                &args.show.style(),
            )?
        }
        None => representative_requests(&[&loaded.world], Purpose::Probe(gateway))
            .into_iter()
            .map(|mut named| {
                named.request.port = port;
                named
            })
            .collect(),
    };
    if requests.is_empty() {
        return Err(format!(
            "nothing to probe: no HTTPRoute names Gateway {gateway} (give --requests FILE)"
        ));
    }
    Ok(requests)
}

/// Routes every request, sends it to `address` and compares the answers.
fn probe(
    args: &ProbeArgs,
    loaded: &Loaded,
    address: &Address,
    requests: &[NamedRequest],
) -> Result<Vec<ProbeResult>, String> {
    let router = Router::new(&loaded.world, &loaded.analysis);
    let probes = plan(&router, &loaded.world, requests, &address.host);
    let options = client::Options {
        timeout: args.timeout,
        insecure: args.insecure,
        backend_header: args.backend_header.to_ascii_lowercase(),
        concurrency: usize::from(args.concurrency),
    };
    let answers = client::send_all(address, &probes, &options)?;
    Ok(probes
        .into_iter()
        .zip(answers)
        .map(|(probe, observation)| ProbeResult {
            sent_to: address.describe(probe.request.port),
            verdict: Verdict::of(&probe, observation.as_ref()),
            observation,
            probe,
        })
        .collect())
}

/// 0 when every request sent agrees; 1 on a disagreement or a request without answer;
/// 2 when no request got an answer at all (the address is wrong or unreachable).
fn exit_code(results: &[ProbeResult]) -> i32 {
    let sent = results
        .iter()
        .filter(|r| !matches!(r.verdict, Verdict::Skipped(_)))
        .count();
    let failed = results
        .iter()
        .filter(|r| matches!(r.verdict, Verdict::Failed(_)))
        .count();
    if sent > 0 && failed == sent {
        if let Some(Verdict::Failed(error)) = results
            .iter()
            .map(|r| &r.verdict)
            .find(|v| matches!(v, Verdict::Failed(_)))
        {
            super::print_error(&format!("no request got an answer: {error}"));
        }
        return EXIT_ERROR;
    }
    if results
        .iter()
        .any(|r| matches!(r.verdict, Verdict::Disagrees(_) | Verdict::Failed(_)))
    {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}
