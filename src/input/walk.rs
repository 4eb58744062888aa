//! Expanding path arguments (files, directories, globs, `-`) to the inputs to read.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use globset::{Glob, GlobBuilder, GlobMatcher, GlobSet, GlobSetBuilder};
use ignore::WalkBuilder;

use super::{InputError, UNREADABLE};
use crate::diag::Diagnostic;

/// One input to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Target {
    Stdin,
    File(PathBuf),
}

/// The include and exclude globs of walked files.
pub(super) struct Filters {
    include: GlobSet,
    exclude: GlobSet,
}

/// Files a directory walk keeps when no include glob is given.
const DEFAULT_INCLUDE: &[&str] = &["*.yaml", "*.yml", "*.json"];

impl Filters {
    pub(super) fn new(include: &[String], exclude: &[String]) -> Result<Self, InputError> {
        let include = if include.is_empty() {
            glob_set(DEFAULT_INCLUDE.iter().copied())?
        } else {
            glob_set(include.iter().map(String::as_str))?
        };
        Ok(Filters {
            include,
            exclude: glob_set(exclude.iter().map(String::as_str))?,
        })
    }

    fn included(&self, relative: &Path) -> bool {
        matches(&self.include, relative)
    }

    fn excluded(&self, relative: &Path) -> bool {
        matches(&self.exclude, relative)
    }
}

fn glob_set<'a>(patterns: impl Iterator<Item = &'a str>) -> Result<GlobSet, InputError> {
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        builder.add(Glob::new(pattern).map_err(|e| InputError(format!("{pattern}: {e}")))?);
    }
    builder.build().map_err(|e| InputError(e.to_string()))
}

/// A glob matches a path relative to the walked root, or its file name alone, so that both
/// `**/kustomization.yaml` and `kustomization.yaml` work.
fn matches(set: &GlobSet, relative: &Path) -> bool {
    set.is_match(relative) || relative.file_name().is_some_and(|name| set.is_match(name))
}

/// Adds the inputs named by one path argument to `targets`; walk problems (unreadable
/// directories) go to `problems`.
pub(super) fn expand(
    argument: &str,
    filters: &Arc<Filters>,
    targets: &mut Vec<Target>,
    problems: &mut Vec<Diagnostic>,
) -> Result<(), InputError> {
    if argument == "-" {
        targets.push(Target::Stdin);
        return Ok(());
    }
    let path = Path::new(argument);
    match std::fs::metadata(path) {
        Ok(metadata) if metadata.is_dir() => {
            walk(path, filters, targets, problems, |relative, _| {
                filters.included(relative)
            });
            Ok(())
        }
        Ok(_) => {
            targets.push(Target::File(path.to_path_buf()));
            Ok(())
        }
        Err(_) if has_glob_metacharacters(argument) => {
            expand_glob(argument, filters, targets, problems)
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            Err(InputError(format!("{argument}: No such file or directory")))
        }
        Err(error) => Err(InputError(format!("{argument}: {error}"))),
    }
}

fn has_glob_metacharacters(text: &str) -> bool {
    text.contains(['*', '?', '[', '{'])
}

/// Expands a glob by walking from its longest literal directory prefix.
fn expand_glob(
    pattern: &str,
    filters: &Arc<Filters>,
    targets: &mut Vec<Target>,
    problems: &mut Vec<Diagnostic>,
) -> Result<(), InputError> {
    let matcher: GlobMatcher = GlobBuilder::new(pattern)
        .literal_separator(true)
        .build()
        .map_err(|e| InputError(format!("{pattern}: {e}")))?
        .compile_matcher();
    let base: PathBuf = Path::new(pattern)
        .components()
        .take_while(|c| !has_glob_metacharacters(&c.as_os_str().to_string_lossy()))
        .collect();
    let before = targets.len();
    if base.as_os_str().is_empty() {
        // Walking `.` yields `./a.yaml`; the pattern is written without the `./`.
        walk(Path::new("."), filters, targets, problems, |relative, _| {
            matcher.is_match(relative)
        });
        for target in targets.iter_mut().skip(before) {
            if let Target::File(path) = target {
                *path = relative_to(Path::new("."), path).to_path_buf();
            }
        }
    } else {
        walk(&base, filters, targets, problems, |_, path| {
            matcher.is_match(path)
        });
    }
    if targets.len() == before {
        return Err(InputError(format!("{pattern}: no files match")));
    }
    Ok(())
}

/// Walks `root` as ripgrep does (gitignore-aware, hidden entries skipped, sorted), not
/// descending into excluded directories, and keeps the files `select` accepts; `select`
/// gets the path relative to `root` and the walked path.
fn walk(
    root: &Path,
    filters: &Arc<Filters>,
    targets: &mut Vec<Target>,
    problems: &mut Vec<Diagnostic>,
    select: impl Fn(&Path, &Path) -> bool,
) {
    let exclude_filters = Arc::clone(filters);
    let exclude_root = root.to_path_buf();
    let walker = WalkBuilder::new(root)
        // A manifests directory copied out of its repository keeps its .gitignore.
        .require_git(false)
        .sort_by_file_path(|a, b| a.cmp(b))
        .filter_entry(move |entry| {
            entry.depth() == 0
                || !exclude_filters.excluded(relative_to(&exclude_root, entry.path()))
        })
        .build();
    for result in walker {
        match result {
            Ok(entry) => {
                let is_file = entry.file_type().is_some_and(|t| t.is_file());
                if is_file && select(relative_to(root, entry.path()), entry.path()) {
                    targets.push(Target::File(entry.into_path()));
                }
            }
            Err(error) => problems.push(Diagnostic::new(&UNREADABLE, error.to_string())),
        }
    }
}

fn relative_to<'a>(root: &Path, path: &'a Path) -> &'a Path {
    path.strip_prefix(root).unwrap_or(path)
}
