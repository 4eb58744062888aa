//! `gwctl diff`: what a change to the manifests changes in status and in routing.
//!
//! `gwctl diff BASE HEAD` compares two inputs; `gwctl diff --git REV [PATHS]` compares
//! the files of PATHS (default `.`) as they are in revision REV with the working tree. The
//! revision's files are written to a temporary directory with `git show REV:PATH`.
//! `gwctl diff --cluster PATHS` compares the cluster with the cluster after applying PATHS.
//! Exit code 0 unless `--exit-code` (then 1 when something changed, as `git diff`); 2 on
//! usage errors and when either side could not be fully read (its errors are reported).

use std::path::{Component, Path, PathBuf};
use std::process::Command;

use clap::Args;

use super::{EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, InputArgs, ShowArgs, requests_file};
use crate::diag::{Diagnostic, Severity};
use crate::diff::{Side, diff};
use crate::engine::routing::Request;
use crate::engine::routing::requests::{NamedRequest, Purpose, describe, representative_requests};
use crate::input::Sources;
use crate::model::World;
use crate::output::{DIFF, DiffRun, Format, SideRun, Style};
use crate::pipeline::{Loaded, Plan};

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// BASE and HEAD (files or directories) as PATHS; with --git, the paths to compare
    /// [default: .]; with --cluster, the manifests whose applying is compared with the
    /// cluster as it is. The other input flags apply to both sides.
    #[command(flatten)]
    pub input: InputArgs,
    /// Compare the working tree with this git revision (`main`, `HEAD~1`, a commit).
    #[arg(long, value_name = "REV", conflicts_with = "cluster")]
    pub git: Option<String>,
    /// The requests to compare (a `simulate --requests` file) [default: one request per
    /// HTTPRoute match].
    #[arg(long, value_name = "FILE")]
    pub requests: Option<String>,
    /// Output format.
    #[arg(short = 'o', long, value_parser = super::format::parser(DIFF), default_value = "human")]
    pub output: Format,
    /// Exit with 1 when something changed.
    #[arg(long)]
    pub exit_code: bool,
    #[command(flatten)]
    pub show: ShowArgs,
}

pub fn run(args: &DiffArgs) -> i32 {
    match execute(args) {
        Ok(code) => code,
        Err(message) => {
            super::print_error(&message);
            EXIT_ERROR
        }
    }
}

/// One side to load: its label and its plan.
struct SidePlan {
    label: String,
    plan: Plan,
}

/// BASE, HEAD, and the checkout BASE is read from (with its revision) under --git.
type Sides<'a> = (SidePlan, SidePlan, Option<(Checkout, &'a str)>);

/// The two sides the arguments name.
fn sides(args: &DiffArgs) -> Result<Sides<'_>, String> {
    // `-f BASE -f HEAD` names the sides as the PATHS do.
    let paths: &Vec<String> = &args
        .input
        .paths
        .iter()
        .chain(&args.input.filenames)
        .cloned()
        .collect();
    if let Some(rev) = &args.git {
        let paths = if paths.is_empty() {
            vec![".".to_string()]
        } else {
            paths.clone()
        };
        let checkout = Checkout::new(rev, &paths)?;
        let base = side(args, format!("BASE ({rev})"), checkout.paths(&paths));
        let head = side(args, "HEAD (working tree)".to_string(), paths);
        return Ok((base, head, Some((checkout, rev.as_str()))));
    }
    if args.input.cluster {
        if paths.is_empty() {
            return Err(
                "with --cluster, give the manifests to compare the cluster with (PATHS)".into(),
            );
        }
        let mut base = side(args, "BASE (the cluster)".to_string(), Vec::new());
        base.plan.cluster = args.input.plan().cluster;
        let mut head = side(
            args,
            "HEAD (the cluster with PATHS applied)".into(),
            paths.clone(),
        );
        head.plan.cluster = base.plan.cluster.clone();
        return Ok((base, head, None));
    }
    match paths.as_slice() {
        [b, h] => Ok((
            side(args, format!("BASE {b}"), vec![b.clone()]),
            side(args, format!("HEAD {h}"), vec![h.clone()]),
            None,
        )),
        _ => Err(
            "give BASE and HEAD (two files or directories), --git REV [PATHS], or --cluster PATHS"
                .to_string(),
        ),
    }
}

/// The requests to compare: the `--requests` file, or one per route match of either side.
fn requests(
    args: &DiffArgs,
    worlds: [&World; 2],
    style: &Style,
) -> Result<Vec<NamedRequest>, String> {
    Ok(match &args.requests {
        Some(file) => requests_file(
            file,
            &Request::default(),
            args.input.default_namespace(),
            style,
        )?
        .into_iter()
        .map(|mut named| {
            if named.name.is_empty() {
                named.name = describe(&named.request);
            }
            named
        })
        .collect(),
        None => representative_requests(&worlds, Purpose::Compare),
    })
}

fn execute(args: &DiffArgs) -> Result<i32, String> {
    let (base, head, checkout) = sides(args)?;
    let cluster = match &head.plan.cluster {
        Some(options) => Some(crate::cluster::read(options).map_err(|e| e.to_string())?),
        None => None,
    };
    let mut base_loaded = base
        .plan
        .load_on(cluster.clone())
        .map_err(|e| e.to_string())?;
    if let Some((checkout, rev)) = &checkout {
        checkout.rename(&mut base_loaded.sources, rev);
    }
    let head_loaded = head.plan.load_on(cluster).map_err(|e| e.to_string())?;
    args.show.notes(&base_loaded);
    args.show.notes(&head_loaded);
    let style = args.show.style();
    let requests = requests(args, [&base_loaded.world, &head_loaded.world], &style)?;
    let mut report = diff(
        Side {
            world: &base_loaded.world,
            analysis: &base_loaded.analysis,
        },
        Side {
            world: &head_loaded.world,
            analysis: &head_loaded.analysis,
        },
        &requests,
    );
    let (base_errors, head_errors) = (input_errors(&base_loaded), input_errors(&head_loaded));
    let unread_absences =
        report.drop_unread_absences(!base_errors.is_empty(), !head_errors.is_empty());
    let run = DiffRun {
        report: &report,
        unread_absences,
        base: SideRun {
            label: &base.label,
            sources: &base_loaded.sources,
            errors: &base_errors,
        },
        head: SideRun {
            label: &head.label,
            sources: &head_loaded.sources,
            errors: &head_errors,
        },
    };
    let text = crate::output::render_diff(&run, args.output, &style)
        .ok_or_else(|| super::format::not_offered(args.output))?;
    if let Err(code) = super::write_stdout(&text) {
        return Ok(code);
    }
    Ok(if !base_errors.is_empty() || !head_errors.is_empty() {
        // The comparison is of what could be read: not an answer to rely on.
        EXIT_ERROR
    } else if args.exit_code && !report.is_empty() {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    })
}

/// The errors that kept some of a side's input from being read.
fn input_errors(loaded: &Loaded) -> Vec<Diagnostic> {
    (loaded.diagnostics.iter())
        .filter(|d| d.severity == Severity::Error && d.rule.stage.reads_input())
        .cloned()
        .collect()
}

/// The plan of one side: its paths, with the input flags and the configuration.
fn side(args: &DiffArgs, label: String, paths: Vec<String>) -> SidePlan {
    let mut input = args.input.clone();
    input.paths = paths;
    input.filenames.clear();
    input.cluster = false;
    let mut plan = input.plan();
    plan.configuration = Some(args.show.config.configuration());
    // A side may be empty: the files of a new directory are absent from the base.
    plan.allow_nothing_read = true;
    SidePlan { label, plan }
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

    /// Names the checkout's files as `REV:path` rather than by their temporary path.
    fn rename(&self, sources: &mut Sources, rev: &str) {
        for file in &mut sources.files {
            if let Ok(relative) = Path::new(&file.name).strip_prefix(&self.dir) {
                file.name = format!("{rev}:{}", relative.display());
            }
        }
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
