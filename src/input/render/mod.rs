//! Rendering what is not plain manifests: kustomize directories (`kubectl kustomize DIR` or
//! `kustomize build DIR`) and Helm charts (`helm template`). The rendered objects are what
//! the API server would get, so they are what is judged; a kustomize object is located in
//! the source file that declares it wherever the rendering left the field as written
//! ([`super::resolve`]). A missing tool or a failed render is one finding located at the
//! kustomization or `Chart.yaml`, naming the command to run.

pub mod helm;
pub mod kustomize;

use std::collections::HashMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::Sources;
use crate::diag::{Diagnostic, Location, rule};
use crate::process::{self, Failure};
use crate::source::{FileId, SourceFile, Span};
use crate::yaml::Limits;

/// How long a renderer may run when `--render-timeout` is not given.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// How kustomize directories and Helm charts are rendered.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// `None`: [`DEFAULT_TIMEOUT`].
    pub timeout: Option<Duration>,
    /// `helm template --values FILE`, in order.
    pub helm_values: Vec<String>,
    /// `helm template --set K=V`, in order.
    pub helm_set: Vec<String>,
    /// The release namespace (`None`: `default`, as `kubectl apply`).
    pub namespace: Option<String>,
}

rule! {
    /// ## What it does
    /// Reports a kustomize directory (with `kustomization.yaml`, `kustomization.yml` or
    /// `Kustomization`) or a Helm chart (with `Chart.yaml`) that cannot be rendered because
    /// its tool is not on `PATH`: `kustomize` or `kubectl` for kustomize, `helm` for a chart.
    /// None of its objects is checked.
    ///
    /// ## Why it matters
    /// What the API server receives is the rendered output, not the files: a kustomization's
    /// `namespace:`, name prefixes and patches change the objects, and Helm templates are not
    /// YAML until they are rendered. So neither the directory's files nor its templates are
    /// read raw, and without the tool nothing of it is judged.
    ///
    /// ## Example
    /// This rule has no fixture pair: whether a fixture hits it depends on the tools on `PATH`
    /// (`tests/it/inputs.rs` runs gwctl with a `PATH` that holds none). A typical case:
    ///
    /// ```text
    /// error[GW0020]: overlays/prod is a kustomization, and neither `kustomize` nor `kubectl`
    /// is on PATH; its objects are not checked
    /// ```
    ///
    /// ## Fix
    /// Install the tool, or render the directory yourself and check the output:
    /// `kubectl kustomize overlays/prod | gwctl check -`, `helm template shop charts/shop |
    /// gwctl check -`.
    pub static RENDERER_NOT_FOUND {
        code: "GW0020",
        name: "renderer-not-found",
        severity: Error,
        stage: Input,
        summary: "A kustomize directory or Helm chart cannot be rendered: the tool is not on PATH",
    }
}

rule! {
    /// ## What it does
    /// Reports a kustomize directory or Helm chart whose renderer exited with an error, did not
    /// finish within `--render-timeout` (60s by default; its process group is killed), or
    /// printed more than `--max-file-size`. The finding quotes the tool's error output.
    ///
    /// ## Why it matters
    /// None of the directory's objects is checked.
    ///
    /// ## Example
    /// This rule has no fixture pair: what a fixture reports depends on the tools on `PATH`
    /// (`tests/it/inputs.rs` renders a kustomization with a missing resource, and one with a
    /// 1 ms timeout, with the real `kubectl`). A typical case:
    ///
    /// ```text
    /// error[GW0021]: `helm template shop charts/shop` failed: it exited with status 1:
    /// Error: found in Chart.yaml, but missing in charts/ directory: redis
    /// ```
    ///
    /// ## Fix
    /// Run the command to see its whole output and fix what it reports (here: `helm dependency
    /// build charts/shop`).
    pub static RENDER_FAILED {
        code: "GW0021",
        name: "render-failed",
        severity: Error,
        stage: Input,
        summary: "kustomize or helm failed to render a directory",
    }
}

/// A renderer found on `PATH`: the program and the words before the directory.
struct Tool {
    program: PathBuf,
    /// How users would type it: `kubectl kustomize`, `helm template`.
    command: &'static str,
    subcommand: &'static str,
}

impl Tool {
    fn find(name: &'static str, command: &'static str, subcommand: &'static str) -> Option<Self> {
        process::find_on_path(name).map(|program| Tool {
            program,
            command,
            subcommand,
        })
    }
}

/// What rendering one directory needs from the input options.
pub(super) struct Renderer<'a> {
    pub options: &'a RenderOptions,
    pub limits: &'a Limits,
}

impl Renderer<'_> {
    /// Renders the kustomization in `dir` into `sources`; returns its problems.
    pub(super) fn kustomization(&self, dir: &Path, sources: &mut Sources) -> Vec<Diagnostic> {
        let Some(file) = kustomize::file_of(dir) else {
            return Vec::new();
        };
        let at = self.add_file(&file, sources);
        let tool = Tool::find("kustomize", "kustomize build", "build")
            .or_else(|| Tool::find("kubectl", "kubectl kustomize", "kustomize"));
        let Some(tool) = tool else {
            let command = format!("kubectl kustomize {}", shell_word(dir));
            return vec![
                Diagnostic::new(
                    &RENDERER_NOT_FOUND,
                    format!(
                        "{} is a kustomization, and neither `kustomize` nor `kubectl` is on \
                         PATH; its objects are not checked",
                        dir.display()
                    ),
                )
                .at(at)
                .help(format!(
                    "install kubectl or kustomize, or render it yourself: `{command} | gwctl check -`"
                )),
            ];
        };
        let args = vec![OsString::from(tool.subcommand), dir.as_os_str().to_owned()];
        let command = format!("{} {}", tool.command, shell_word(dir));
        let text = match self.run(&tool, &args, &command, at) {
            Ok(text) => text,
            Err(problem) => return vec![*problem],
        };
        let first = sources.documents.len();
        let rendered = SourceFile::in_memory(
            format!("{} (rendered by {})", dir.display(), tool.command),
            text,
        );
        sources.read_files += 1;
        let problems = sources.add(rendered, self.limits);
        locate_in_sources(dir, first, self.limits, sources);
        problems
    }

    /// Renders the Helm chart in `dir` into `sources`, one rendered file per template;
    /// returns its problems.
    pub(super) fn chart(&self, dir: &Path, sources: &mut Sources) -> Vec<Diagnostic> {
        let chart_file = dir.join(helm::CHART_FILE);
        let at = self.add_file(&chart_file, sources);
        let chart_text = match at {
            Location::File { file, .. } => sources.file(file).text.to_string(),
            Location::Field { .. } => String::new(),
        };
        let release = helm::release_name(dir, &chart_text, self.limits);
        let namespace = self.options.namespace.as_deref().unwrap_or("default");
        let Some(tool) = Tool::find("helm", "helm template", "template") else {
            let command = format!("helm template {release} {}", shell_word(dir));
            return vec![
                Diagnostic::new(
                    &RENDERER_NOT_FOUND,
                    format!(
                        "{} is a Helm chart, and `helm` is not on PATH; its objects are not \
                         checked",
                        dir.display()
                    ),
                )
                .at(at)
                .help(format!(
                    "install helm, or render it yourself: `{command} | gwctl check -`"
                )),
            ];
        };
        let mut args: Vec<OsString> = vec![
            tool.subcommand.into(),
            release.clone().into(),
            dir.as_os_str().to_owned(),
            "--namespace".into(),
            namespace.into(),
        ];
        let mut typed = format!("helm template {release} {}", shell_word(dir));
        if namespace != "default" {
            typed.push_str(&format!(
                " --namespace {}",
                shell_word(Path::new(namespace))
            ));
        }
        for values in &self.options.helm_values {
            args.extend(["--values".into(), values.into()]);
            typed.push_str(&format!(" --values {}", shell_word(Path::new(values))));
        }
        for set in &self.options.helm_set {
            args.extend(["--set".into(), set.into()]);
            typed.push_str(&format!(" --set {}", shell_word(Path::new(set))));
        }
        let text = match self.run(&tool, &args, &typed, at) {
            Ok(text) => text,
            Err(problem) => return vec![*problem],
        };
        let mut problems = Vec::new();
        for part in helm::split_by_template(&text) {
            let source = part
                .template
                .map_or_else(|| dir.to_path_buf(), |template| dir.join(template));
            let name = format!("{} (rendered by helm template)", source.display());
            sources.read_files += 1;
            problems.extend(sources.add(SourceFile::in_memory(name, part.text), self.limits));
        }
        problems
    }

    /// Runs the tool; its output as text, or the finding that says why there is none.
    fn run(
        &self,
        tool: &Tool,
        args: &[OsString],
        command: &str,
        at: Location,
    ) -> Result<String, Box<Diagnostic>> {
        let timeout = self.options.timeout.unwrap_or(DEFAULT_TIMEOUT);
        let failed = |failure: Failure| {
            let help = match &failure {
                Failure::TimedOut(_) => "run it to see where it hangs, or raise --render-timeout",
                Failure::TooLarge(_) => "run it to see its output, or raise --max-file-size",
                Failure::Exited { stderr, .. } if stderr.contains("missing in charts/") => {
                    "run `helm dependency build` on the chart first"
                }
                _ => "run the command to see its whole output",
            };
            Box::new(
                Diagnostic::new(&RENDER_FAILED, format!("`{command}` failed: {failure}"))
                    .at(at.clone())
                    .help(help),
            )
        };
        let mut command = std::process::Command::new(&tool.program);
        command.args(args);
        let bytes =
            process::run(&mut command, timeout, self.limits.max_file_bytes).map_err(failed)?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    /// Adds the kustomization or `Chart.yaml` (not parsed as manifests) so that findings
    /// about the directory point at it; where its first line is.
    fn add_file(&self, path: &Path, sources: &mut Sources) -> Location {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let first_line = text.lines().next().map_or(0, str::len);
        let file = sources.files.len();
        sources.files.push(SourceFile::on_disk(path, text));
        Location::File {
            file,
            span: Span::new(0, first_line),
        }
    }
}

/// Points each rendered document from `first` on at the source document that declares its
/// object, when the kustomization's resources tell which one.
fn locate_in_sources(dir: &Path, first: usize, limits: &Limits, sources: &mut Sources) {
    let mut index = kustomize::Index::of(dir, limits);
    let found: Vec<(usize, kustomize::SourceObject)> = (first..sources.documents.len())
        .filter_map(|doc| {
            let root = sources.documents[doc].root();
            let metadata = root.get("metadata");
            let kind = root.get("kind")?.as_str()?;
            let name = metadata?.get("name")?.as_str()?;
            let namespace = metadata.and_then(|m| m.get("namespace")?.as_str());
            Some((doc, index.find(kind, namespace, name)?.clone()))
        })
        .collect();
    let mut file_ids: HashMap<usize, FileId> = HashMap::new();
    for (doc, source) in found {
        let id = *file_ids.entry(source.file).or_insert_with(|| {
            let (path, text) = index.take_text(source.file);
            sources.files.push(SourceFile::on_disk(&path, text));
            sources.files.len() - 1
        });
        if let Some(written) = index.document(&source, id) {
            sources.written_in.insert(doc, written);
        }
    }
}

/// `path` as one shell word: as it is when it is plain, else single-quoted.
fn shell_word(path: &Path) -> String {
    let text = path.display().to_string();
    let plain = text
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-_./:=,@+".contains(&b));
    if plain && !text.is_empty() {
        text
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}
