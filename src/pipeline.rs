//! The pipeline every analysing command runs, as one function of a [`Plan`]: read the
//! configuration, the input files and the cluster; build the model; analyse; compare the
//! written status; apply the configuration and the suppressions; sort the findings.
//!
//! The command line fills a `Plan` from its flags and maps the result to an exit code; the
//! benchmarks call [`Plan::analyze`] on text they generate. Nothing here prints.

use std::path::{Path, PathBuf};

use crate::admission::{Channel, Crds, CrdsError, Release};
use crate::cluster::{ClusterError, ClusterOptions, Snapshot};
use crate::config::{Applied, Config, ConfigError, ConfigFile};
use crate::diag::{Diagnostic, Location, Rule, Severity};
use crate::engine::Analysis;
use crate::engine::routing::Request;
use crate::engine::routing::requests::NamedRequest;
use crate::input::{InputError, InputOptions, Sources, resolve};
use crate::model::{BuildOptions, World};
use crate::source::SourceFile;

/// What to read and how to analyse it.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// Files, directories, stdin and URLs (no paths: only the cluster, if any).
    pub input: InputOptions,
    /// Read a live cluster and overlay the input on it.
    pub cluster: Option<ClusterOptions>,
    pub build: BuildOptions,
    /// `complete` is forced on with a cluster (the cluster is the whole world).
    pub engine: crate::engine::Options,
    /// Report where the written status differs from the prediction (`--compare-status`).
    pub compare_status: bool,
    /// Keep only the findings about objects of this namespace (and those about no object).
    /// With a cluster every namespace is still read, since attachment depends on them.
    pub findings_namespace: Option<String>,
    /// Read `.gwctl.yaml` and apply it and the objects' suppressions (`None`: neither).
    pub configuration: Option<Configuration>,
    /// The CRDs objects are admitted against.
    pub gateway_api: GatewayApi,
    /// Paths that hold no Kubernetes object are an input like any other (`diff`: a side
    /// may be empty), not [`Error::NothingRead`].
    pub allow_nothing_read: bool,
}

/// Which CRDs the input is checked against: `crds` files, else an embedded release when
/// `version` or `channel` is given, else the cluster's own (with a cluster), else the
/// configuration's release, else the newest embedded release, standard channel.
#[derive(Debug, Clone, Default)]
pub struct GatewayApi {
    /// `--gateway-api-version`.
    pub version: Option<String>,
    /// `--gateway-api-channel`.
    pub channel: Option<Channel>,
    /// `--crds`: files, directories or URLs of CustomResourceDefinitions.
    pub crds: Option<String>,
}

/// Where the configuration comes from, and the rules it may name.
#[derive(Debug, Clone)]
pub struct Configuration {
    /// `--config`; `None`: the nearest `.gwctl.yaml` from the working directory up.
    pub path: Option<PathBuf>,
    /// The catalog codes and names in the configuration and in `gwctl.dev/ignore`
    /// annotations refer to (`crate::rules::all`, handed down from the top of the crate).
    pub rules: &'static [&'static Rule],
}

/// What was read, before any analysis.
#[derive(Debug, Default)]
pub struct Inputs {
    pub sources: Sources,
    /// Problems reading the files (unreadable, not UTF-8, YAML).
    pub diagnostics: Vec<Diagnostic>,
    pub cluster: Option<Snapshot>,
    pub config: Option<ConfigFile>,
    /// The CRDs to admit against (`None`: the newest embedded release, standard).
    pub release: Option<Release>,
}

/// The result of the pipeline.
#[derive(Debug)]
pub struct Loaded {
    pub sources: Sources,
    pub world: World,
    /// `analysis.diagnostics` is moved into [`Loaded::diagnostics`].
    pub analysis: Analysis,
    /// Every finding (input, YAML, model, engine, configuration), in
    /// [`sort_diagnostics`] order.
    pub diagnostics: Vec<Diagnostic>,
    /// The configuration applied (the default when none was read).
    pub config: Config,
    /// What the configuration and the suppressions removed.
    pub applied: Applied,
    /// The CRDs the objects were admitted against.
    pub release: Release,
}

/// Why nothing could be analysed (exit code 2).
#[derive(Debug)]
pub enum Error {
    /// No path and no cluster.
    NoInput,
    Input(InputError),
    /// The paths hold no Kubernetes object and reading them found no error: what was read.
    NothingRead(String),
    Config(ConfigError),
    Cluster(ClusterError),
    /// The CRDs asked for cannot be used (an unknown release, unreadable `--crds`).
    Crds(CrdsError),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::NoInput => f.write_str(
                "no input given: name files or directories, or `-` to read stdin \
                 (e.g. `kubectl get gateways,httproutes -A -o yaml | gwctl check -`)",
            ),
            Error::Input(e) => e.fmt(f),
            Error::NothingRead(what) => f.write_str(what),
            Error::Config(e) => e.fmt(f),
            Error::Cluster(e) => e.fmt(f),
            Error::Crds(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for Error {}

impl Loaded {
    /// Leaves the input's memory to the end of the process: freeing hundreds of megabytes
    /// of small allocations one by one costs more (0.5 s on a 24 MB input) than the
    /// operating system reclaiming the pages. Call only on a command's way out.
    pub fn free_at_exit(self) {
        std::mem::forget(self);
    }
}

impl Plan {
    /// Reads everything the plan names, then [`Plan::analyze`]s it.
    pub fn load(&self) -> Result<Loaded, Error> {
        if self.input.paths.is_empty() && self.cluster.is_none() {
            return Err(Error::NoInput);
        }
        let cluster = match &self.cluster {
            Some(options) => Some(crate::cluster::read(options).map_err(Error::Cluster)?),
            None => None,
        };
        self.load_on(cluster)
    }

    /// [`Plan::load`] on a cluster already read (`diff --cluster` reads it once for both
    /// sides); `self.cluster` is not read.
    pub fn load_on(&self, cluster: Option<Snapshot>) -> Result<Loaded, Error> {
        let config = match &self.configuration {
            Some(configuration) => {
                crate::config::load(configuration.path.as_deref(), configuration.rules)
                    .map_err(Error::Config)?
            }
            None => None,
        };
        let mut input = self.input.clone();
        if let Some(found) = &config {
            input.exclude.extend(found.config.exclude.iter().cloned());
        }
        let mut sources = Sources::default();
        let mut diagnostics = if input.paths.is_empty() {
            Vec::new()
        } else {
            crate::input::read(&input, &mut sources).map_err(Error::Input)?
        };
        // Reading nothing is no pass: a CI job that checks an empty directory (a wrong path,
        // an --include that matches nothing) must not go green. A read error is a finding
        // that says what went wrong instead.
        let failed_reading = diagnostics.iter().any(|d| d.severity == Severity::Error);
        if !input.paths.is_empty()
            && !self.allow_nothing_read
            && !failed_reading
            && let Some(what) = crate::input::nothing_read(&sources, &input)
        {
            return Err(Error::NothingRead(what));
        }
        let release = self.release(
            config.as_ref().map(|c| &c.config),
            cluster.as_ref(),
            &mut diagnostics,
        )?;
        Ok(self.analyze(Inputs {
            sources,
            diagnostics,
            cluster,
            config,
            release: Some(release),
        }))
    }

    /// The CRDs objects are admitted against (see [`GatewayApi`]).
    fn release(
        &self,
        config: Option<&Config>,
        cluster: Option<&Snapshot>,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Result<Release, Error> {
        let asked = &self.gateway_api;
        if let Some(crds) = &asked.crds {
            return read_crds(crds, &self.input);
        }
        let explicit = asked.version.is_some() || asked.channel.is_some();
        if !explicit
            && let Some(snapshot) = cluster
            && let Some(crds) = &snapshot.crds
        {
            let objects: Vec<crate::yaml::Node> =
                crds.iter().map(crate::yaml::Tree::root).collect();
            let origin = crate::admission::Origin::Cluster(snapshot.server.clone());
            return Ok(Release::single(
                Crds::from_objects(&objects, origin).map_err(Error::Crds)?,
            ));
        }
        let version = asked
            .version
            .clone()
            .or_else(|| config.and_then(|c| c.gateway_api_version.clone()));
        let given_channel = asked
            .channel
            .or_else(|| config.and_then(|c| c.gateway_api_channel));
        let mut release = crate::admission::embedded::select(
            version.as_deref(),
            given_channel.unwrap_or_default(),
        )
        .map_err(Error::Crds)?;
        if given_channel.is_none() {
            release = release.channel_assumed();
        }
        if !explicit && cluster.is_some_and(|s| s.crds.is_none()) {
            diagnostics.push(crate::cluster::crds_unknown(&release));
        }
        Ok(release)
    }

    /// The analysis of what was read (no I/O): admission, model, engine, checks, status
    /// comparison,
    /// configuration; the findings sorted.
    pub fn analyze(&self, inputs: Inputs) -> Loaded {
        let Inputs {
            mut sources,
            mut diagnostics,
            cluster,
            config,
            release,
        } = inputs;
        let release = release.unwrap_or_else(newest_release);
        let mut engine_options = self.engine.clone();
        if engine_options.controller.is_none() {
            // `controller:` of the configuration, checked when it was read.
            let configured = config.as_ref().and_then(|c| c.config.controller.as_deref());
            engine_options.controller =
                configured.and_then(|name| crate::profile::registry().resolve(name).ok());
        }
        let live = cluster.as_ref().map_or(&[][..], |s| s.objects.as_slice());
        diagnostics.extend(crate::admission::check(
            &sources,
            &release,
            &crate::admission::Options {
                default_namespace: &self.build.default_namespace,
                live,
            },
        ));
        let (world, model_diagnostics) = match cluster {
            Some(snapshot) => {
                diagnostics.extend(snapshot.diagnostics);
                engine_options.complete = true;
                engine_options.cluster_groups = Some(snapshot.served_groups);
                engine_options.unknown_kinds = snapshot.unknown_kinds;
                let (mut world, model_diagnostics) = crate::model::build_with_cluster(
                    &snapshot.objects,
                    &sources,
                    &self.build,
                    &release,
                );
                crate::cluster::overlay(&mut world);
                (world, model_diagnostics)
            }
            None => crate::model::build(&sources, &self.build, &release),
        };
        diagnostics.extend(model_diagnostics);
        // The model holds what the analysis reads; the findings' locations are resolved
        // against the few documents they point into, parsed again.
        sources.free_trees();
        let mut analysis = crate::engine::analyze(&world, &engine_options);
        diagnostics.append(&mut analysis.diagnostics);
        diagnostics.extend(crate::checks::run(&world, &analysis));
        if self.compare_status {
            diagnostics.extend(crate::engine::compare::compare(
                &world,
                &analysis,
                engine_options.controller.as_ref(),
            ));
        }
        if let Some(ns) = &self.findings_namespace {
            diagnostics.retain(|d| in_namespace(d, ns));
        }
        let (config, applied) = match &self.configuration {
            Some(configuration) => {
                let (config, mut problems) = match config {
                    Some(found) => found.attach(&mut sources),
                    None => (Config::default(), Vec::new()),
                };
                diagnostics.append(&mut problems);
                let applied =
                    crate::config::apply(&config, &world, &mut diagnostics, configuration.rules);
                (config, applied)
            }
            None => (Config::default(), Applied::default()),
        };
        sources.reread(diagnostics.iter().flat_map(|d| {
            let related = d.related.iter().map(|related| &related.location);
            d.location.iter().chain(related)
        }));
        sort_diagnostics(&sources, &mut diagnostics);
        Loaded {
            sources,
            world,
            analysis,
            diagnostics,
            config,
            applied,
            release,
        }
    }
}

/// The default CRDs: the newest embedded release, standard channel (assumed, as no
/// channel was given).
fn newest_release() -> Release {
    // The embedded table always has its newest standard bundle (its tests check it).
    crate::admission::embedded::select(None, Channel::Standard)
        .map(Release::channel_assumed)
        .unwrap_or_else(|_| Release::single(Crds::empty()))
}

/// The CRDs in `--crds` files, directories or URLs.
fn read_crds(location: &str, input: &InputOptions) -> Result<Release, Error> {
    let options = InputOptions {
        paths: vec![location.to_string()],
        include: Vec::new(),
        exclude: Vec::new(),
        ..input.clone()
    };
    let mut sources = Sources::default();
    let problems = crate::input::read(&options, &mut sources).map_err(Error::Input)?;
    if let Some(problem) = problems.first() {
        return Err(Error::Crds(CrdsError(format!(
            "reading the CRDs in {location}: {}",
            problem.message
        ))));
    }
    let objects: Vec<crate::yaml::Node> = sources.documents.iter().map(|d| d.root()).collect();
    let origin = crate::admission::Origin::Files(location.to_string());
    let crds = Crds::from_objects(&objects, origin)
        .map_err(|e| Error::Crds(CrdsError(format!("the CRDs in {location}: {e}"))))?;
    if crds.bundles.iter().all(|b| b.crds.is_empty()) {
        return Err(Error::Crds(CrdsError(format!(
            "no CustomResourceDefinition in {location}"
        ))));
    }
    Ok(Release::single(crds))
}

/// A `--requests` file, read.
#[derive(Debug)]
pub struct RequestsFile {
    /// The file alone: its problems are located in it.
    pub sources: Sources,
    /// The entries that could be read.
    pub requests: Vec<NamedRequest>,
    /// Its YAML and shape problems, in file order; any of them makes the suite unusable.
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads a `--requests` file with the same span-tree reader as manifests. Each entry starts
/// from `defaults`; `NAME` references are in `namespace`. A file that cannot be read at all
/// is an error.
pub fn read_requests(
    path: &str,
    defaults: &Request,
    namespace: &str,
) -> Result<RequestsFile, Error> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::Input(InputError(format!("reading {path}: {e}"))))?;
    let mut sources = Sources::default();
    let mut diagnostics = sources.add(
        SourceFile::on_disk(Path::new(path), text),
        &crate::yaml::Limits::default(),
    );
    let (requests, problems) =
        crate::engine::routing::requests::read(&sources.documents, defaults, namespace);
    diagnostics.extend(problems);
    sort_diagnostics(&sources, &mut diagnostics);
    Ok(RequestsFile {
        sources,
        requests,
        diagnostics,
    })
}

/// Whether a finding is about an object of namespace `ns`; findings about no object (a
/// list the cluster refused) concern every namespace and are kept.
fn in_namespace(diagnostic: &Diagnostic, ns: &str) -> bool {
    match &diagnostic.location {
        Some(Location::Field { resource, .. }) => resource.namespace == ns,
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
            Some(Location::Field { resource, .. }) => Some(resource.clone()),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::{FieldPath, Origin, ResourceRef, TEST_RULE};
    use crate::source::SourceFile;

    #[test]
    fn namespace_filter_keeps_findings_about_no_object() {
        let about = |ns: &str| {
            Diagnostic::new(&TEST_RULE, "m").at_field(
                ResourceRef {
                    kind: "HTTPRoute".into(),
                    namespace: ns.into(),
                    name: "r".into(),
                },
                Origin::Cluster,
                FieldPath::root(),
            )
        };
        assert!(in_namespace(&about("shop"), "shop"));
        assert!(!in_namespace(&about("hr"), "shop"));
        assert!(in_namespace(
            &Diagnostic::new(&TEST_RULE, "no object"),
            "shop"
        ));
    }

    #[test]
    fn analyze_runs_every_stage_and_sorts() {
        let text = "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\n\
                    metadata: {name: r, namespace: app}\nspec:\n  parentRefs: [{name: gw}]\n\
                    ---\nkind: [\n";
        let mut sources = Sources::default();
        let diagnostics = sources.add(
            SourceFile::in_memory("t.yaml", text),
            &crate::yaml::Limits::default(),
        );
        let plan = Plan {
            configuration: Some(Configuration {
                path: None,
                rules: crate::rules::all(),
            }),
            ..Plan::default()
        };
        let loaded = plan.analyze(Inputs {
            sources,
            diagnostics,
            ..Inputs::default()
        });
        assert_eq!(loaded.world.routes.len(), 1);
        let codes: Vec<&str> = loaded.diagnostics.iter().map(|d| d.rule.code).collect();
        // The route's finding (line 5) comes before the YAML error (line 7).
        assert_eq!(codes.last(), Some(&"GW0010"), "{codes:?}");
        assert!(codes.len() > 1, "{codes:?}");
        assert_eq!(loaded.applied, Applied::default());
    }

    #[test]
    fn no_input_is_an_error() {
        let error = Plan::default().load().err().map(|e| e.to_string());
        assert!(error.is_some_and(|e| e.starts_with("no input given")));
    }
}
