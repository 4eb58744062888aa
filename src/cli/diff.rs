//! `gwctl diff`: what a change to the manifests changes in status and in routing.
//!
//! `gwctl diff BASE HEAD` compares two inputs; `gwctl diff --git REV [PATHS]` compares
//! the files of PATHS (default `.`) as they are in revision REV with the working tree. The
//! revision's files are written to a temporary directory with `git show REV:PATH`.
//! Exit code 0 unless `--exit-code` (then 1 when something changed, as `git diff`); 2 on
//! usage or input errors.

use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::process::Command;

use clap::Args;

use super::{ConfigArgs, EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, requests_file};
use crate::diff::{Side, diff};
use crate::engine::routing::Request;
use crate::engine::routing::requests::{Purpose, describe, representative_requests};
use crate::input::InputOptions;
use crate::output::{DIFF, Format, Style};
use crate::pipeline::Plan;

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// BASE and HEAD (files or directories); with --git, the paths to compare [default: .].
    #[arg(value_name = "PATHS")]
    pub paths: Vec<String>,
    /// Compare the working tree with this git revision (`main`, `HEAD~1`, a commit).
    #[arg(long, value_name = "REV")]
    pub git: Option<String>,
    /// The requests to compare (a `simulate --requests` file) [default: one request per
    /// HTTPRoute match].
    #[arg(long, value_name = "FILE")]
    pub requests: Option<String>,
    /// Namespace of namespaced objects that do not set one.
    #[arg(short = 'n', long, value_name = "NS", default_value = "default")]
    pub namespace: String,
    /// Treat each input as the whole cluster.
    #[arg(long)]
    pub complete: bool,
    /// Only handle GatewayClasses with this controllerName.
    #[arg(long, value_name = "NAME")]
    pub controller_name: Option<String>,
    /// Skip walked files and directories matching this glob (repeatable).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Output format.
    #[arg(short = 'o', long, value_parser = super::format::parser(DIFF), default_value = "human")]
    pub output: Format,
    /// Exit with 1 when something changed.
    #[arg(long)]
    pub exit_code: bool,
    #[command(flatten)]
    pub config: ConfigArgs,
}

pub fn run(args: &DiffArgs) -> i32 {
    match execute(args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            EXIT_ERROR
        }
    }
}

fn execute(args: &DiffArgs) -> Result<i32, String> {
    let (base_paths, head_paths, _checkout) = match &args.git {
        Some(rev) => {
            let paths = if args.paths.is_empty() {
                vec![".".to_string()]
            } else {
                args.paths.clone()
            };
            let checkout = Checkout::new(rev, &paths)?;
            (checkout.paths(&paths), paths, Some(checkout))
        }
        None => match args.paths.as_slice() {
            [base, head] => (vec![base.clone()], vec![head.clone()], None),
            _ => {
                return Err(
                    "give BASE and HEAD (two files or directories), or --git REV [PATHS]"
                        .to_string(),
                );
            }
        },
    };
    let base = plan(args, base_paths).load().map_err(|e| e.to_string())?;
    let head = plan(args, head_paths).load().map_err(|e| e.to_string())?;
    let requests = match &args.requests {
        Some(file) => requests_file(file, &Request::default(), &args.namespace)?
            .into_iter()
            .map(|mut named| {
                if named.name.is_empty() {
                    named.name = describe(&named.request);
                }
                named
            })
            .collect(),
        None => representative_requests(&[&base.world, &head.world], Purpose::Compare),
    };
    let report = diff(
        Side {
            world: &base.world,
            analysis: &base.analysis,
        },
        Side {
            world: &head.world,
            analysis: &head.analysis,
        },
        &requests,
    );
    let text = crate::output::render_diff(&report, args.output, &Style::plain())
        .ok_or_else(|| super::format::not_offered(args.output))?;
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush())
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        return Err(format!("writing output: {e}"));
    }
    Ok(if args.exit_code && !report.is_empty() {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    })
}

/// The pipeline of one side: its paths, with the configuration.
fn plan(args: &DiffArgs, paths: Vec<String>) -> Plan {
    Plan {
        input: InputOptions {
            paths,
            exclude: args.exclude.clone(),
            ..InputOptions::default()
        },
        build: crate::model::BuildOptions {
            default_namespace: args.namespace.clone(),
        },
        engine: crate::engine::Options {
            complete: args.complete,
            controller_name: args.controller_name.clone(),
            ..crate::engine::Options::default()
        },
        configuration: Some(args.config.configuration()),
        ..Plan::default()
    }
}

/// A revision's manifests, written to a temporary directory (removed on drop).
struct Checkout {
    dir: PathBuf,
}

impl Checkout {
    /// Writes the YAML and JSON files of `paths` (relative to the working directory) as
    /// they are in `rev`.
    fn new(rev: &str, paths: &[String]) -> Result<Self, String> {
        for path in paths {
            let escapes = Path::new(path).components().any(|c| {
                matches!(
                    c,
                    Component::ParentDir | Component::RootDir | Component::Prefix(_)
                )
            });
            if escapes {
                return Err(format!(
                    "with --git, give paths inside the working directory (got {path})"
                ));
            }
        }
        let mut list = Command::new("git");
        list.args(["ls-tree", "-r", "-z", "--name-only", rev, "--"])
            .args(paths);
        let names = git_output(&mut list)?;
        let dir = std::env::temp_dir().join(format!(
            "gwctl-diff-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos())
        ));
        let checkout = Checkout { dir };
        std::fs::create_dir_all(&checkout.dir)
            .map_err(|e| format!("creating a temporary directory: {e}"))?;
        for name in String::from_utf8_lossy(&names).split('\0') {
            let manifest = [".yaml", ".yml", ".json"]
                .iter()
                .any(|ext| name.ends_with(ext));
            let inside = Path::new(name)
                .components()
                .all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
            if !manifest || !inside {
                continue;
            }
            let bytes = git_output(Command::new("git").args(["show", &format!("{rev}:./{name}")]))?;
            let target = checkout.dir.join(name);
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| format!("{}: {e}", parent.display()))?;
            }
            std::fs::write(&target, bytes).map_err(|e| format!("{}: {e}", target.display()))?;
        }
        Ok(checkout)
    }

    /// Where `paths` are in the checkout. A path absent from the revision becomes an empty
    /// directory: nothing was there.
    fn paths(&self, paths: &[String]) -> Vec<String> {
        paths
            .iter()
            .map(|p| {
                let target = self.dir.join(p);
                if !target.exists() {
                    let _ = std::fs::create_dir_all(&target);
                }
                target.display().to_string()
            })
            .collect()
    }
}

impl Drop for Checkout {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn git_output(command: &mut Command) -> Result<Vec<u8>, String> {
    let output = command.output().map_err(|e| format!("running git: {e}"))?;
    if output.status.success() {
        Ok(output.stdout)
    } else {
        Err(format!(
            "git failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ))
    }
}
