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
    /// Namespace of namespaced objects that do not set one.
    #[arg(short = 'n', long, value_name = "NS", default_value = "default")]
    pub namespace: String,
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
    /// Most YAML documents read from one file.
    #[arg(long, value_name = "N")]
    pub max_documents: Option<usize>,
    /// How long reading an http(s):// input may take (`500ms`, `5s`, `1m`; default 30s).
    #[arg(long, value_name = "DURATION", value_parser = crate::net::parse_duration)]
    pub url_timeout: Option<std::time::Duration>,
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

impl InputArgs {
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
        if self.paths.is_empty() {
            return Err(InputError(
                "no input given: name files or directories, or `-` to read stdin \
                 (e.g. `kubectl get gateways,httproutes -A -o yaml | gwctl check -`)"
                    .to_string(),
            ));
        }
        let mut sources = Sources::default();
        let mut diagnostics = crate::input::read(&self.input_options(), &mut sources)?;
        let (world, model_diagnostics) = crate::model::build(
            &sources,
            &crate::model::BuildOptions {
                default_namespace: self.namespace.clone(),
            },
        );
        diagnostics.extend(model_diagnostics);
        let mut analysis = crate::engine::analyze(
            &world,
            &crate::engine::Options {
                complete: self.complete,
                controller_name: self.controller_name.clone(),
            },
        );
        diagnostics.append(&mut analysis.diagnostics);
        sort_diagnostics(&sources, &mut diagnostics);
        Ok(Loaded {
            sources,
            world,
            analysis,
            diagnostics,
        })
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
