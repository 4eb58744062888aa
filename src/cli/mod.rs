//! The command line: argument parsing, and mapping results to exit codes (the only place
//! that decides them). Each subcommand turns its flags into a [`crate::pipeline::Plan`],
//! runs it, and hands the result to a renderer; subcommands do not import each other.

use std::path::PathBuf;

use clap::{Args, CommandFactory, Parser, Subcommand};

use crate::engine::routing::Request;
use crate::engine::routing::requests::NamedRequest;
use crate::input::{InputOptions, SkipReason, Skipped};
use crate::output::{ColorChoice, Detail, Style};
use crate::pipeline::{Configuration, Loaded, Plan};

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
    /// Files, directories, globs, http(s) URLs or `-` for stdin. A directory is read as
    /// `kubectl apply -R -f DIR` reads it; one with a kustomization or a `Chart.yaml` is
    /// rendered.
    #[arg(value_name = "PATHS")]
    pub paths: Vec<String>,
    /// A file, directory, URL or `-` to read, as `kubectl apply -f` (repeatable; read after
    /// the PATHS).
    #[arg(short = 'f', long = "filename", value_name = "PATH")]
    pub filenames: Vec<String>,
    /// Namespace of local namespaced objects that do not set one (default `default`, as
    /// `kubectl apply -n`). With --cluster it also limits what is reported (findings,
    /// status, counts) to this namespace (as `kubectl get -n`); every namespace is still
    /// read, since attachment depends on other namespaces.
    #[arg(short = 'n', long, value_name = "NS")]
    pub namespace: Option<String>,
    /// With --cluster: report every namespace (the default; as `kubectl get -A`).
    #[arg(short = 'A', long, requires = "cluster", conflicts_with = "namespace")]
    pub all_namespaces: bool,
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
    /// Skip walked files that git ignores (.gitignore, .git/info/exclude, the global
    /// excludes file). Off by default: `kubectl apply -R -f` applies them.
    #[arg(long, overrides_with = "no_respect_gitignore")]
    pub respect_gitignore: bool,
    /// Read the files git ignores (the default; undoes an earlier --respect-gitignore).
    #[arg(long, overrides_with = "respect_gitignore")]
    pub no_respect_gitignore: bool,
    /// A values file for every Helm chart rendered (`helm template --values`; repeatable).
    #[arg(long, value_name = "FILE")]
    pub helm_values: Vec<String>,
    /// A value for every Helm chart rendered (`helm template --set`; repeatable).
    #[arg(long, value_name = "K=V")]
    pub helm_set: Vec<String>,
    /// How long rendering one kustomize directory or Helm chart may take (default 60s).
    #[arg(long, value_name = "DURATION", value_parser = crate::net::parse_duration)]
    pub render_timeout: Option<std::time::Duration>,
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
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = crate::net::parse_duration)]
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
    /// The Gateway API release whose CRDs the objects are checked against (`v1.6.1`,
    /// `v1.4`) [default: `gatewayApiVersion` of the configuration, else the newest;
    /// with --cluster, the cluster's own CRDs].
    #[arg(long, value_name = "VERSION")]
    pub gateway_api_version: Option<String>,
    /// The release channel of those CRDs [default: `gatewayApiChannel` of the
    /// configuration, else standard].
    #[arg(long, value_name = "CHANNEL", value_parser = ["standard", "experimental"])]
    pub gateway_api_channel: Option<String>,
    /// Check against the CustomResourceDefinitions in these files, directory or URL
    /// instead of a Gateway API release.
    #[arg(long, value_name = "PATH|URL", conflicts_with_all = ["gateway_api_version", "gateway_api_channel"])]
    pub crds: Option<String>,
}

/// The configuration flag, shared by the commands that report findings.
#[derive(Debug, Clone, Args)]
pub struct ConfigArgs {
    /// The configuration file [default: the nearest `.gwctl.yaml` from the working
    /// directory up].
    #[arg(long = "config", id = "config", value_name = "FILE")]
    pub path: Option<PathBuf>,
}

impl ConfigArgs {
    /// Read the configuration and apply it, with every rule of gwctl as its catalog.
    pub fn configuration(&self) -> Configuration {
        Configuration {
            path: self.path.clone(),
            rules: crate::rules::all(),
        }
    }
}

/// How much is shown, and how: the flags every command that reads manifests shares.
#[derive(Debug, Clone, Args)]
pub struct ShowArgs {
    /// When to use colours (NO_COLOR is honoured with `auto`).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Print one line per finding (per result with `simulate`, per change with `diff`),
    /// and nothing when there is none.
    #[arg(short, long, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Also show infos, and say on stderr which configuration was used, what was read and
    /// what was suppressed.
    #[arg(short, long)]
    pub verbose: bool,
    #[command(flatten)]
    pub config: ConfigArgs,
}

impl ShowArgs {
    pub fn detail(&self) -> Detail {
        if self.quiet {
            Detail::Quiet
        } else if self.verbose {
            Detail::Verbose
        } else {
            Detail::Normal
        }
    }

    /// The style of stdout.
    pub fn style(&self) -> Style {
        let is_terminal = std::io::IsTerminal::is_terminal(&std::io::stdout());
        Style::for_terminal(self.color, is_terminal).with_detail(self.detail())
    }

    /// With `-v`, says on stderr which configuration was used, what was read and what was
    /// suppressed.
    pub fn notes(&self, loaded: &Loaded) {
        if !self.verbose {
            return;
        }
        let config_name = loaded
            .config
            .path
            .as_ref()
            .map_or_else(|| "none".to_string(), |p| p.display().to_string());
        eprint!(
            "gwctl: configuration: {config_name}\n\
             gwctl: read {files} file(s), {documents} YAML document(s)\n{skipped}\
             gwctl: suppressed {suppressed} finding(s) by annotation, {ignored} by `ignore`\n",
            files = loaded.sources.read_files,
            documents = loaded.sources.documents.len(),
            skipped = skipped_notes(&loaded.sources.skipped),
            suppressed = loaded.applied.suppressed,
            ignored = loaded.applied.ignored,
        );
    }
}

/// One line per file a walk skipped, and why; files that are not named like manifests
/// (sources, READMEs) are only counted.
fn skipped_notes(skipped: &[Skipped]) -> String {
    let mut notes = String::new();
    let mut not_included = 0;
    for skip in skipped {
        if skip.reason == SkipReason::NotIncluded {
            not_included += 1;
        } else {
            notes.push_str(&format!(
                "gwctl: skipped {}: {}\n",
                skip.path.display(),
                skip.reason
            ));
        }
    }
    if not_included > 0 {
        notes.push_str(&format!(
            "gwctl: skipped {not_included} file(s) not named like manifests (--include)\n"
        ));
    }
    notes
}

impl InputArgs {
    /// The namespace of local objects that do not set one.
    pub fn default_namespace(&self) -> &str {
        self.namespace.as_deref().unwrap_or("default")
    }

    /// The one namespace reported on (`--cluster -n NS`); `None`: every namespace.
    pub fn reported_namespace(&self) -> Option<&str> {
        self.namespace.as_deref().filter(|_| self.cluster)
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
            paths: self.paths.iter().chain(&self.filenames).cloned().collect(),
            include: self.include.clone(),
            exclude: self.exclude.clone(),
            respect_gitignore: self.respect_gitignore,
            limits,
            url_timeout: self.url_timeout,
            render: crate::input::RenderOptions {
                timeout: self.render_timeout,
                helm_values: self.helm_values.clone(),
                helm_set: self.helm_set.clone(),
                namespace: self.namespace.clone(),
            },
        }
    }

    /// The pipeline these flags describe (without configuration: see [`ConfigArgs`]).
    pub fn plan(&self) -> Plan {
        let cluster = self.cluster.then(|| crate::cluster::ClusterOptions {
            kubeconfig: self.kubeconfig.clone(),
            context: self.context.clone(),
            timeout: self.request_timeout,
            progress: std::io::IsTerminal::is_terminal(&std::io::stderr()),
        });
        Plan {
            input: self.input_options(),
            cluster,
            build: crate::model::BuildOptions {
                default_namespace: self.default_namespace().to_string(),
            },
            engine: crate::engine::Options {
                complete: self.complete,
                controller_name: self.controller_name.clone(),
                ..crate::engine::Options::default()
            },
            compare_status: self.compare_status,
            findings_namespace: self.reported_namespace().map(str::to_string),
            configuration: None,
            gateway_api: crate::pipeline::GatewayApi {
                version: self.gateway_api_version.clone(),
                channel: self
                    .gateway_api_channel
                    .as_deref()
                    .and_then(crate::admission::Channel::parse),
                crds: self.crds.clone(),
            },
            allow_nothing_read: false,
        }
    }
}

/// The entries of a `--requests` file. Its problems fail the command (exit code 2), each a
/// located finding on stderr, as the suite would not mean what it says.
pub fn requests_file(
    path: &str,
    defaults: &Request,
    namespace: &str,
    style: &Style,
) -> Result<Vec<NamedRequest>, String> {
    let file =
        crate::pipeline::read_requests(path, defaults, namespace).map_err(|e| e.to_string())?;
    if file.diagnostics.is_empty() {
        return Ok(file.requests);
    }
    let style = Style {
        color: false,
        ..*style
    };
    eprintln!(
        "{}",
        crate::output::render_findings(&file.sources, &file.diagnostics, &style)
    );
    Err(format!(
        "{path}: {} problem(s); no request was simulated",
        file.diagnostics.len()
    ))
}

/// Writes `text` to stdout; a closed pipe (`gwctl check . | head`) is not worth a message.
/// The error is the exit code.
pub fn write_stdout(text: &str) -> Result<(), i32> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Err(EXIT_ERROR),
        Err(e) => {
            print_error(&format!("writing output: {e}"));
            Err(EXIT_ERROR)
        }
    }
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

/// Prints `error: MESSAGE` on stderr, with what came from outside (a server's message, a
/// URL, a path) made printable; a message of several errors keeps its lines.
pub(crate) fn print_error(message: &dyn std::fmt::Display) {
    eprintln!(
        "error: {}",
        crate::text::printable_lines(&message.to_string())
    );
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_command_line_is_well_formed() {
        super::command().debug_assert();
    }
}
