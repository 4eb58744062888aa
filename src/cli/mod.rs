//! The command line: argument parsing and wiring of the pipeline. The only place that
//! decides exit codes.

use clap::{Args, CommandFactory, Parser, Subcommand};

use crate::diag::Diagnostic;
use crate::diag::resolve::resolve;
use crate::engine::Analysis;
use crate::input::{InputError, InputOptions, Sources};
use crate::model::World;

pub mod check;
pub mod completions;
pub mod diff;
pub mod explain;
pub mod format;
pub mod probe;
pub mod simulate;

/// Exit codes: 0 nothing at or above `--fail-on`, 1 findings, 2 usage, I/O or internal errors.
pub const EXIT_OK: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_ERROR: i32 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "gwctl",
    version,
    about = "Predict what a conformant Gateway API controller does with your manifests"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Predict every Gateway's and route's status and report every finding.
    Check(check::CheckArgs),
    /// Route a request offline and explain the outcome.
    Simulate(Box<simulate::SimulateArgs>),
    /// What a change to the manifests changes: route parents, listeners, request outcomes.
    Diff(diff::DiffArgs),
    /// Send the simulated requests to a running Gateway and compare its answers.
    Probe(Box<probe::ProbeArgs>),
    /// Explain a rule by code (`GW1001`) or name, or list every rule.
    Explain(explain::ExplainArgs),
    /// Print a shell completion script.
    Completions(completions::CompletionsArgs),
}

/// The input flags every analysing command shares (flattened into `check` and `simulate`).
#[derive(Debug, Clone, Args)]
pub struct InputArgs {
    /// Files, directories or `-` for stdin.
    #[arg(value_name = "PATHS")]
    pub paths: Vec<String>,
    /// Namespace of local namespaced objects that do not set one (default `default`, as
    /// `kubectl apply -n`). With --cluster it also limits the findings reported to this
    /// namespace (as `kubectl get -n`); every namespace is still read, since attachment
    /// depends on other namespaces.
    #[arg(short = 'n', long, value_name = "NS")]
    pub namespace: Option<String>,
    /// Treat the input as the whole cluster: an object it does not contain does not exist.
    #[arg(long)]
    pub complete: bool,
    /// Only handle GatewayClasses with this controllerName.
    #[arg(long, value_name = "NAME")]
    pub controller_name: Option<String>,
    /// Only read walked files matching this glob (repeatable; default *.yaml, *.yml, *.json).
    #[arg(long, value_name = "GLOB")]
    pub include: Vec<String>,
    /// Skip walked files and directories matching this glob (repeatable).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Largest file read, in bytes.
    #[arg(long, value_name = "BYTES")]
    pub max_file_size: Option<usize>,
    /// Read the live cluster of the kubeconfig context and overlay the PATHS (if any) on it:
    /// local objects replace cluster objects of the same kind/namespace/name. The cluster
    /// is the whole world (as --complete) except kinds the user may not list.
    #[arg(long)]
    pub cluster: bool,
    /// Kubeconfig file (default: $KUBECONFIG, else ~/.kube/config, else in-cluster).
    #[arg(long, value_name = "FILE", requires = "cluster")]
    pub kubeconfig: Option<std::path::PathBuf>,
    /// Kubeconfig context (default: its current-context).
    #[arg(long, value_name = "NAME", requires = "cluster")]
    pub context: Option<String>,
    /// Timeout of each request to the API server (`30s`, `1m`, `500ms`; a bare number is
    /// seconds).
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = parse_duration)]
    pub request_timeout: std::time::Duration,
    /// Report where the status a controller wrote (in the cluster, or in the input's
    /// `status`) differs from the prediction, and stale statuses.
    #[arg(long)]
    pub compare_status: bool,
    /// Most YAML documents read from one file.
    #[arg(long, value_name = "N")]
    pub max_documents: Option<usize>,
    /// How long reading an http(s):// input may take (`500ms`, `5s`, `1m`; default 30s).
    #[arg(long, value_name = "DURATION", value_parser = crate::net::parse_duration)]
    pub url_timeout: Option<std::time::Duration>,
}

/// Parses kubectl-style durations: `30s`, `1m`, `500ms`, `1h`, or bare seconds.
fn parse_duration(text: &str) -> Result<std::time::Duration, String> {
    let split = text
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let value: f64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a duration such as 30s, 1m or 500ms"))?;
    let seconds = match unit {
        "" | "s" => value,
        "ms" => value / 1000.0,
        "m" => value * 60.0,
        "h" => value * 3600.0,
        _ => {
            return Err(format!(
                "unknown unit `{unit}` in `{text}` (use ms, s, m or h)"
            ));
        }
    };
    if seconds <= 0.0 || !seconds.is_finite() {
        return Err(format!("`{text}`: the timeout must be positive"));
    }
    Ok(std::time::Duration::from_secs_f64(seconds))
}

/// The result of running the analysis pipeline over the input.
#[derive(Debug)]
pub struct Loaded {
    pub sources: Sources,
    pub world: World,
    /// `analysis.diagnostics` is moved into [`Loaded::diagnostics`].
    pub analysis: Analysis,
    /// Every finding (input, YAML, model, engine), in [`sort_diagnostics`] order.
    pub diagnostics: Vec<Diagnostic>,
}

impl Loaded {
    /// Leaves the input's memory to the end of the process: freeing hundreds of megabytes
    /// of small allocations one by one costs more (0.5 s on a 24 MB input) than the
    /// operating system reclaiming the pages. Call only on a command's way out.
    pub fn free_at_exit(self) {
        std::mem::forget(self);
    }
}

impl InputArgs {
    /// The namespace of local objects that do not set one.
    pub fn default_namespace(&self) -> &str {
        self.namespace.as_deref().unwrap_or("default")
    }

    fn input_options(&self) -> InputOptions {
        let mut limits = crate::yaml::Limits::default();
        if let Some(max) = self.max_file_size {
            limits.max_file_bytes = max;
        }
        if let Some(max) = self.max_documents {
            limits.max_documents = max;
        }
        InputOptions {
            paths: self.paths.clone(),
            include: self.include.clone(),
            exclude: self.exclude.clone(),
            limits,
            url_timeout: self.url_timeout,
        }
    }

    /// Reads the input and runs the whole analysis: input → model → engine.
    pub fn load(&self) -> Result<Loaded, InputError> {
        if self.paths.is_empty() && !self.cluster {
            return Err(InputError(
                "no input given: name files or directories, or `-` to read stdin \
                 (e.g. `kubectl get gateways,httproutes -A -o yaml | gwctl check -`)"
                    .to_string(),
            ));
        }
        let cluster = if self.cluster {
            let options = crate::cluster::ClusterOptions {
                kubeconfig: self.kubeconfig.clone(),
                context: self.context.clone(),
                timeout: self.request_timeout,
                progress: std::io::IsTerminal::is_terminal(&std::io::stderr()),
            };
            Some(crate::cluster::read(&options).map_err(|e| InputError(e.0))?)
        } else {
            None
        };
        let mut sources = Sources::default();
        let mut diagnostics = if self.paths.is_empty() {
            Vec::new()
        } else {
            crate::input::read(&self.input_options(), &mut sources)?
        };
        let build_options = crate::model::BuildOptions {
            default_namespace: self.default_namespace().to_string(),
        };
        let mut engine_options = crate::engine::Options {
            complete: self.complete,
            controller_name: self.controller_name.clone(),
            ..crate::engine::Options::default()
        };
        let (world, model_diagnostics) = match cluster {
            Some(snapshot) => {
                diagnostics.extend(snapshot.diagnostics);
                engine_options.complete = true;
                engine_options.unknown_kinds = snapshot.unknown_kinds;
                let (mut world, model_diagnostics) =
                    crate::model::build_with_cluster(&snapshot.objects, &sources, &build_options);
                crate::cluster::overlay(&mut world);
                (world, model_diagnostics)
            }
            None => crate::model::build(&sources, &build_options),
        };
        diagnostics.extend(model_diagnostics);
        let mut analysis = crate::engine::analyze(&world, &engine_options);
        diagnostics.append(&mut analysis.diagnostics);
        if self.compare_status {
            diagnostics.extend(crate::engine::compare::compare(
                &world,
                &analysis,
                self.controller_name.as_deref(),
            ));
        }
        if let (true, Some(ns)) = (self.cluster, &self.namespace) {
            diagnostics.retain(|d| in_namespace(d, ns));
        }
        sort_diagnostics(&sources, &mut diagnostics);
        Ok(Loaded {
            sources,
            world,
            analysis,
            diagnostics,
        })
    }
}

/// Whether a finding is about an object of namespace `ns`; findings about no object (a
/// list the cluster refused) concern every namespace and are kept.
fn in_namespace(diagnostic: &Diagnostic, ns: &str) -> bool {
    match &diagnostic.location {
        Some(crate::diag::Location::Field { resource, .. }) => resource.namespace == ns,
        _ => true,
    }
}

/// Sorts findings by file, line, column and code; findings without a file position
/// (cluster objects, none at all) come last, by resource and message.
pub fn sort_diagnostics(sources: &Sources, diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by_cached_key(|d| {
        let position = d
            .location
            .as_ref()
            .and_then(|l| resolve(sources, l))
            .map(|r| (r.file, r.line, r.column));
        let resource = match &d.location {
            Some(crate::diag::Location::Field { resource, .. }) => Some(resource.clone()),
            _ => None,
        };
        (
            position.is_none(),
            position,
            d.rule.code,
            resource,
            d.message.clone(),
        )
    });
}

/// The CLI definition, for completions.
pub fn command() -> clap::Command {
    Cli::command()
}

/// Parses the arguments, runs the command and returns the exit code.
pub fn run() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { EXIT_ERROR } else { EXIT_OK };
        }
    };
    match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Simulate(args) => simulate::run(&args),
        Command::Diff(args) => diff::run(&args),
        Command::Probe(args) => probe::run(&args),
        Command::Explain(args) => explain::run(&args),
        Command::Completions(args) => completions::run(&args),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn durations_read_like_kubectl() {
        assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("2"), Ok(Duration::from_secs(2)));
        assert_eq!(parse_duration("1m"), Ok(Duration::from_secs(60)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert!(parse_duration("0s").is_err());
        assert!(parse_duration("5d").is_err());
        assert!(parse_duration("soon").is_err());
    }

    #[test]
    fn namespace_filter_keeps_findings_about_no_object() {
        static RULE: crate::diag::Rule = crate::diag::Rule {
            code: "GW9999",
            name: "test",
            severity: crate::diag::Severity::Warning,
            summary: "",
            explanation: "",
        };
        let about = |ns: &str| {
            Diagnostic::new(&RULE, "m").at_field(
                crate::diag::ResourceRef {
                    kind: "HTTPRoute".into(),
                    namespace: ns.into(),
                    name: "r".into(),
                },
                crate::diag::Origin::Cluster,
                crate::diag::FieldPath::root(),
            )
        };
        assert!(in_namespace(&about("shop"), "shop"));
        assert!(!in_namespace(&about("hr"), "shop"));
        assert!(in_namespace(&Diagnostic::new(&RULE, "no object"), "shop"));
    }
}
