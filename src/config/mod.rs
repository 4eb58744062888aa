//! Project configuration (`.gwctl.yaml`) and inline suppressions (`gwctl.dev/ignore`).
//!
//! The configuration is read with the project's own YAML span tree, so a mistake in it is a
//! located diagnostic like any other; only a file that cannot be read at all stops the run.
//! Applying it ([`apply`]) only filters and re-grades diagnostics: the predicted status is
//! never changed by configuration.

mod suppress;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

pub use suppress::{Applied, IGNORE_ANNOTATION, UNUSED_SUPPRESSION, apply};

use crate::admission::Channel;
use crate::diag::{Diagnostic, Location, Rule, Severity, find_rule, rule};
use crate::input::Sources;
use crate::source::{SourceFile, Span};
use crate::yaml::{Document, Limits, Node, View};

/// The file name looked for in the working directory and its ancestors.
pub const FILE_NAME: &str = ".gwctl.yaml";

rule! {
    /// ## What it does
    /// Reports an entry of the configuration file (`.gwctl.yaml`, or the file given with
    /// `--config`) that gwctl does not understand: a misspelled key, a code that names no rule, a
    /// severity that does not exist. The entry is reported at its position and otherwise ignored;
    /// the rest of the file still applies. The file is a mapping with these keys:
    ///
    /// ```yaml
    /// # .gwctl.yaml
    /// severity:            # per-rule severity: error, warning or info (code or name)
    ///   GW1001: warning
    ///   unknown-backend: info
    /// ignore: [GW4001]     # rules never reported (code or name)
    /// exclude:             # like --exclude: walked files and directories to skip
    ///   - "**/kustomization.yaml"
    /// failOn: warning      # the default of --fail-on: error, warning, info or never
    /// gatewayApiVersion: v1.4.1       # the default of --gateway-api-version
    /// gatewayApiChannel: experimental # the default of --gateway-api-channel
    /// ```
    ///
    /// ## Why it matters
    /// An entry that is ignored is a setting that does not apply.
    ///
    /// ## Example
    /// `ignore` misspelled, in the file given with `--config`:
    #[example = "testdata/rules/invalid-config/err-config.yaml"]
    ///
    /// ## Fix
    /// Fix the entry, or remove it.
    pub static INVALID_CONFIG {
        code: "GW0060",
        name: "invalid-config",
        severity: Error,
        stage: Config,
        summary: "The configuration file has an unknown key, a wrong type or an unknown value",
    }
}

/// The least severity that fails the run (`failOn`, `--fail-on`): a policy over
/// severities, so the configuration owns it and the command line only names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

impl FailOn {
    /// Every value, in the order `--help` lists them.
    pub const ALL: [FailOn; 4] = [FailOn::Error, FailOn::Warning, FailOn::Info, FailOn::Never];

    /// The name written in `.gwctl.yaml` and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            FailOn::Error => "error",
            FailOn::Warning => "warning",
            FailOn::Info => "info",
            FailOn::Never => "never",
        }
    }

    /// The value named `text` (exactly, as written in `.gwctl.yaml`).
    pub fn parse(text: &str) -> Option<Self> {
        FailOn::ALL.into_iter().find(|f| f.as_str() == text)
    }

    /// The least severe finding that fails the run; `None` for `never`.
    pub fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Info => Some(Severity::Info),
            FailOn::Never => None,
        }
    }

    /// Whether these findings fail the run.
    pub fn fails(self, diagnostics: &[Diagnostic]) -> bool {
        self.threshold()
            .is_some_and(|t| diagnostics.iter().any(|d| d.severity >= t))
    }
}

/// What `.gwctl.yaml` asks for. Rules are kept by their `&'static` registry entry, so a
/// name and a code for the same rule mean the same thing.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Config {
    /// The file it came from, if any.
    pub path: Option<PathBuf>,
    /// Severity per rule code.
    pub severity: BTreeMap<&'static str, Severity>,
    /// Rule codes never reported.
    pub ignore: BTreeSet<&'static str>,
    /// Extra `--exclude` globs.
    pub exclude: Vec<String>,
    /// The default of `--fail-on`.
    pub fail_on: Option<FailOn>,
    /// The default of `--gateway-api-version`.
    pub gateway_api_version: Option<String>,
    /// The default of `--gateway-api-channel`.
    pub gateway_api_channel: Option<Channel>,
}

/// A configuration that could be read, with its source text so that the problems in it can
/// be shown as snippets.
#[derive(Debug)]
pub struct ConfigFile {
    pub config: Config,
    file: SourceFile,
    documents: Vec<Document>,
    /// Located in `file` (as file 0 until [`ConfigFile::attach`] renumbers them).
    diagnostics: Vec<Diagnostic>,
}

/// A configuration file that cannot be read (exit code 2).
#[derive(Debug)]
pub struct ConfigError(pub String);

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}

/// Every rule about configuration and suppressions, for the registry.
pub static RULES: &[&Rule] = &[&UNUSED_SUPPRESSION, &INVALID_CONFIG];

/// The nearest `.gwctl.yaml` in `start` or one of its ancestors.
pub fn discover(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .map(|dir| dir.join(FILE_NAME))
        .find(|candidate| candidate.is_file())
}

/// Reads the configuration at `explicit` (must exist), or the discovered one from the
/// working directory, or none. `rules` is the catalog its rule codes and names are looked
/// up in (`crate::rules::all`).
pub fn load(
    explicit: Option<&Path>,
    rules: &[&'static Rule],
) -> Result<Option<ConfigFile>, ConfigError> {
    let path = match explicit {
        Some(path) => path.to_path_buf(),
        None => {
            let Ok(cwd) = std::env::current_dir() else {
                return Ok(None);
            };
            match discover(&cwd) {
                Some(path) => path,
                None => return Ok(None),
            }
        }
    };
    let text = std::fs::read_to_string(&path)
        .map_err(|e| ConfigError(format!("reading the configuration {}: {e}", path.display())))?;
    Ok(Some(parse(&path, text, rules)))
}

/// Parses configuration text; problems are diagnostics, never failures.
pub fn parse(path: &Path, text: String, rules: &[&'static Rule]) -> ConfigFile {
    let file = SourceFile::on_disk(path, text.trim_start_matches('\u{feff}').to_string());
    let (documents, mut diagnostics) = crate::yaml::parse(&file.text, 0, &Limits::default());
    let mut config = Config {
        path: Some(path.to_path_buf()),
        ..Config::default()
    };
    let mut reader = Reader {
        diagnostics: &mut diagnostics,
        rules,
    };
    for (i, document) in documents.iter().enumerate() {
        if i > 0 {
            reader.problem(
                document.root().span(),
                "the configuration is a single YAML document; this one is ignored",
                None,
            );
            continue;
        }
        reader.config(document.root(), &mut config);
    }
    ConfigFile {
        config,
        file,
        documents,
        diagnostics,
    }
}

impl ConfigFile {
    /// Adds the configuration file to `sources` (so its diagnostics render with snippets)
    /// and returns its diagnostics, located in it.
    pub fn attach(self, sources: &mut Sources) -> (Config, Vec<Diagnostic>) {
        let id = sources.files.len();
        sources.files.push(self.file);
        sources
            .documents
            .extend(self.documents.into_iter().map(|mut d| {
                d.file = id;
                d
            }));
        let diagnostics = self
            .diagnostics
            .into_iter()
            .map(|mut d| {
                if let Some(Location::File { file, .. }) = &mut d.location {
                    *file = id;
                }
                d
            })
            .collect();
        (self.config, diagnostics)
    }
}

/// Reads the configuration tree, reporting what it does not understand.
struct Reader<'a> {
    diagnostics: &'a mut Vec<Diagnostic>,
    rules: &'a [&'static Rule],
}

impl Reader<'_> {
    fn problem(&mut self, span: Span, message: &str, help: Option<String>) {
        let mut diagnostic =
            Diagnostic::new(&INVALID_CONFIG, message).at(Location::File { file: 0, span });
        if let Some(help) = help {
            diagnostic = diagnostic.help(help);
        }
        self.diagnostics.push(diagnostic);
    }

    fn config(&mut self, root: Node<'_>, config: &mut Config) {
        let Some(entries) = root.as_map() else {
            self.problem(
                root.span(),
                &format!(
                    "the configuration must be a mapping, not {}",
                    root.kind_name()
                ),
                Some("see `gwctl explain invalid-config` for the keys".to_string()),
            );
            return;
        };
        for entry in entries {
            let value = entry.value();
            match entry.key() {
                "severity" => self.severity(value, &mut config.severity),
                "ignore" => {
                    for item in self.list(value) {
                        if let Some(rule) = self.rule(item) {
                            config.ignore.insert(rule.code);
                        }
                    }
                }
                "exclude" => {
                    for item in self.list(value) {
                        match item.as_str() {
                            Some(glob) => config.exclude.push(glob.to_string()),
                            None => self.problem(
                                item.span(),
                                &format!(
                                    "an exclude glob must be a string, not {}",
                                    item.kind_name()
                                ),
                                None,
                            ),
                        }
                    }
                }
                "failOn" => {
                    let parsed = value.as_str().and_then(FailOn::parse);
                    match parsed {
                        Some(fail_on) => config.fail_on = Some(fail_on),
                        None => self.problem(
                            value.span(),
                            "`failOn` must be one of error, warning, info, never",
                            None,
                        ),
                    }
                }
                "gatewayApiVersion" => {
                    let versions = crate::admission::embedded::versions();
                    match value.as_str() {
                        Some(v) if crate::admission::embedded::select(Some(v), Channel::Standard).is_ok() => {
                            config.gateway_api_version = Some(v.to_string());
                        }
                        _ => self.problem(
                            value.span(),
                            &format!("`gatewayApiVersion` must be one of {}", versions.join(", ")),
                            None,
                        ),
                    }
                }
                "gatewayApiChannel" => match value.as_str().and_then(Channel::parse) {
                    Some(channel) => config.gateway_api_channel = Some(channel),
                    None => self.problem(
                        value.span(),
                        "`gatewayApiChannel` must be standard or experimental",
                        None,
                    ),
                },
                other => self.problem(
                    entry.key_span(),
                    &format!("unknown configuration key `{other}`"),
                    Some(
                        "the keys are `severity`, `ignore`, `exclude`, `failOn`, `gatewayApiVersion` and `gatewayApiChannel`"
                            .to_string(),
                    ),
                ),
            }
        }
    }

    fn severity(&mut self, value: Node<'_>, severity: &mut BTreeMap<&'static str, Severity>) {
        let Some(entries) = value.as_map() else {
            self.problem(
                value.span(),
                &format!(
                    "`severity` must map rule codes to severities, not be {}",
                    value.kind_name()
                ),
                Some("e.g. `severity: {GW1001: warning}`".to_string()),
            );
            return;
        };
        for entry in entries {
            let Some(rule) = self.rule_named(entry.key(), entry.key_span()) else {
                continue;
            };
            match entry.value().as_str().and_then(parse_severity) {
                Some(level) => {
                    severity.insert(rule.code, level);
                }
                None => self.problem(
                    entry.value().span(),
                    &format!(
                        "the severity of {} must be error, warning or info",
                        rule.code
                    ),
                    Some(format!("to turn {} off, list it under `ignore`", rule.code)),
                ),
            }
        }
    }

    /// The items of a list; a single scalar counts as a list of one.
    fn list<'n>(&mut self, value: Node<'n>) -> Vec<Node<'n>> {
        match value.view() {
            View::Seq(items) => items.iter().collect(),
            View::Null => Vec::new(),
            View::Map(_) => {
                self.problem(value.span(), "expected a list", None);
                Vec::new()
            }
            _ => vec![value],
        }
    }

    fn rule(&mut self, node: Node<'_>) -> Option<&'static Rule> {
        match node.as_str() {
            Some(name) => self.rule_named(name, node.span()),
            None => {
                self.problem(
                    node.span(),
                    &format!("a rule code must be a string, not {}", node.kind_name()),
                    None,
                );
                None
            }
        }
    }

    fn rule_named(&mut self, name: &str, span: Span) -> Option<&'static Rule> {
        let rule = find_rule(self.rules, name);
        if rule.is_none() {
            self.problem(
                span,
                &format!("`{name}` is not a rule code or name"),
                Some("`gwctl explain --list` lists every rule".to_string()),
            );
        }
        rule
    }
}

fn parse_severity(text: &str) -> Option<Severity> {
    match text {
        "error" => Some(Severity::Error),
        "warning" => Some(Severity::Warning),
        "info" => Some(Severity::Info),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::TEST_RULE;

    fn parsed(text: &str) -> (Config, Vec<String>) {
        let loaded = parse(
            Path::new(".gwctl.yaml"),
            text.to_string(),
            crate::rules::all(),
        );
        let messages = loaded
            .diagnostics
            .iter()
            .map(|d| d.message.clone())
            .collect();
        (loaded.config, messages)
    }

    #[test]
    fn reads_every_key_by_code_or_name() {
        let (config, problems) = parsed(
            "severity:\n  GW1001: warning\n  route-without-parent-refs: info\n\
             ignore: [gw4001]\nexclude: ['**/kustomization.yaml']\nfailOn: warning\n\
             gatewayApiVersion: v1.2\ngatewayApiChannel: experimental\n",
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(config.severity.get("GW1001"), Some(&Severity::Warning));
        assert_eq!(config.severity.len(), 2);
        assert!(config.ignore.contains("GW4001"));
        assert_eq!(config.exclude, ["**/kustomization.yaml"]);
        assert_eq!(config.fail_on, Some(FailOn::Warning));
        assert_eq!(config.gateway_api_version.as_deref(), Some("v1.2"));
        assert_eq!(config.gateway_api_channel, Some(Channel::Experimental));
        let (_, problems) = parsed("gatewayApiVersion: v0.1.0\ngatewayApiChannel: beta\n");
        assert_eq!(problems.len(), 2, "{problems:?}");
    }

    #[test]
    fn mistakes_are_located_and_the_rest_applies() {
        let text = "severity:\n  GW9999: warning\n  GW1001: loud\nignroe: [GW1001]\nfailOn: maybe\nignore: GW1001\n";
        let loaded = parse(Path::new("c.yaml"), text.to_string(), crate::rules::all());
        let mut sources = Sources::default();
        sources
            .files
            .push(SourceFile::in_memory("input.yaml", String::new()));
        let (config, diagnostics) = loaded.attach(&mut sources);
        assert!(config.ignore.contains("GW1001"));
        assert!(config.severity.is_empty());
        let located: Vec<(usize, &str)> = diagnostics
            .iter()
            .map(|d| {
                let resolved =
                    crate::input::resolve(&sources, d.location.as_ref().unwrap()).unwrap();
                assert_eq!(resolved.file, 1);
                (resolved.line, d.rule.code)
            })
            .collect();
        assert_eq!(
            located,
            [(2, "GW0060"), (3, "GW0060"), (4, "GW0060"), (5, "GW0060")]
        );
    }

    #[test]
    fn a_non_mapping_is_one_problem() {
        let (config, problems) = parsed("- GW1001\n");
        assert_eq!(
            config,
            Config {
                path: config.path.clone(),
                ..Config::default()
            }
        );
        assert_eq!(problems.len(), 1);
    }

    #[test]
    fn discovery_walks_up() {
        let root = std::env::temp_dir().join(format!("gwctl-config-{}", std::process::id()));
        let deep = root.join("a/b");
        std::fs::create_dir_all(&deep).unwrap();
        std::fs::write(root.join(FILE_NAME), "ignore: []\n").unwrap();
        assert_eq!(discover(&deep), Some(root.join(FILE_NAME)));
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn fail_on_compares_severities() {
        let warning = vec![Diagnostic::new(&TEST_RULE, "w")];
        assert!(!FailOn::Error.fails(&warning));
        assert!(FailOn::Warning.fails(&warning));
        assert!(FailOn::Info.fails(&warning));
        assert!(!FailOn::Never.fails(&warning));
        assert!(!FailOn::Info.fails(&[]));
        assert_eq!(FailOn::parse("warning"), Some(FailOn::Warning));
        assert_eq!(FailOn::parse("Warning"), None);
    }
}
