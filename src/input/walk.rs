//! Expanding path arguments (files, directories, globs, `-`) to the inputs to read.
//!
//! A directory is walked as `kubectl apply -R -f DIR` reads it: every `.yaml`, `.yml` and
//! `.json` file, hidden ones too, symbolic links followed (with loop protection), sorted.
//! Git's ignore rules apply only with `--respect-gitignore`: kubectl does not know them, so
//! by default a manifest that git ignores is still one that `kubectl apply` applies. A
//! directory that is a kustomization or a Helm chart is rendered instead of walked, and the
//! files a kustomization reads are not also read raw.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use globset::{Glob, GlobBuilder, GlobMatcher, GlobSet, GlobSetBuilder};
use ignore::WalkBuilder;

use super::render::{helm, kustomize};
use super::{InputError, SkipReason, Skipped, UNREADABLE};
use crate::diag::Diagnostic;
use crate::yaml::Limits;

/// One input to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Target {
    Stdin,
    /// A file; `walked` when a directory walk or a glob found it rather than the user
    /// naming it.
    File {
        path: PathBuf,
        walked: bool,
    },
    /// A directory with a kustomization file.
    Kustomization(PathBuf),
    /// A directory with `Chart.yaml`.
    Chart(PathBuf),
}

impl Target {
    /// The directory or file, for ordering and de-duplication.
    pub(super) fn path(&self) -> Option<&Path> {
        match self {
            Target::Stdin => None,
            Target::File { path, .. } | Target::Kustomization(path) | Target::Chart(path) => {
                Some(path)
            }
        }
    }

    /// The render target `dir` is, if any.
    fn rendered(dir: &Path) -> Option<Target> {
        if kustomize::file_of(dir).is_some() {
            Some(Target::Kustomization(dir.to_path_buf()))
        } else if helm::is_chart(dir) {
            Some(Target::Chart(dir.to_path_buf()))
        } else {
            None
        }
    }
}

/// How directories are walked.
pub(super) struct Walker {
    include: GlobSet,
    exclude: GlobSet,
    respect_gitignore: bool,
    limits: Limits,
}

/// What expanding the arguments found.
#[derive(Debug, Default)]
pub(super) struct Expanded {
    pub targets: Vec<Target>,
    pub skipped: Vec<Skipped>,
    /// Directories that could not be read.
    pub problems: Vec<Diagnostic>,
}

/// Files a directory walk keeps when no include glob is given: what `kubectl apply -R -f`
/// reads.
pub(super) const DEFAULT_INCLUDE: &[&str] = &["*.yaml", "*.yml", "*.json"];

impl Walker {
    pub(super) fn new(
        include: &[String],
        exclude: &[String],
        respect_gitignore: bool,
        limits: Limits,
    ) -> Result<Self, InputError> {
        let include = if include.is_empty() {
            glob_set(DEFAULT_INCLUDE.iter().copied())?
        } else {
            glob_set(include.iter().map(String::as_str))?
        };
        Ok(Walker {
            include,
            exclude: glob_set(exclude.iter().map(String::as_str))?,
            respect_gitignore,
            limits,
        })
    }

    fn included(&self, relative: &Path) -> bool {
        matches(&self.include, relative)
    }

    /// Adds the inputs named by one path argument.
    pub(super) fn expand(&self, argument: &str, out: &mut Expanded) -> Result<(), InputError> {
        if argument == "-" {
            out.targets.push(Target::Stdin);
            return Ok(());
        }
        let path = Path::new(argument);
        match std::fs::metadata(path) {
            Ok(metadata) if metadata.is_dir() => {
                match Target::rendered(path) {
                    Some(target) => out.targets.push(target),
                    None => self.walk(path, out, |relative, _| self.included(relative)),
                }
                Ok(())
            }
            Ok(_) => {
                out.targets.push(Target::File {
                    path: path.to_path_buf(),
                    walked: false,
                });
                Ok(())
            }
            Err(_) if has_glob_metacharacters(argument) => self.expand_glob(argument, out),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                Err(InputError(format!("{argument}: No such file or directory")))
            }
            Err(error) => Err(InputError(format!("{argument}: {error}"))),
        }
    }

    /// Expands a glob by walking from its longest literal directory prefix.
    fn expand_glob(&self, pattern: &str, out: &mut Expanded) -> Result<(), InputError> {
        let matcher: GlobMatcher = GlobBuilder::new(pattern)
            .literal_separator(true)
            .build()
            .map_err(|e| InputError(format!("{pattern}: {e}")))?
            .compile_matcher();
        let base: PathBuf = Path::new(pattern)
            .components()
            .take_while(|c| !has_glob_metacharacters(&c.as_os_str().to_string_lossy()))
            .collect();
        let mut found = Expanded::default();
        if base.as_os_str().is_empty() {
            // Walking `.` yields `./a.yaml`; the pattern is written without the `./`.
            self.walk(Path::new("."), &mut found, |relative, _| {
                matcher.is_match(relative)
            });
            for target in &mut found.targets {
                if let Target::File { path, .. } = target {
                    *path = relative_to(Path::new("."), path).to_path_buf();
                }
            }
        } else {
            self.walk(&base, &mut found, |_, path| matcher.is_match(path));
        }
        // A glob names files: what does not match it was never asked for.
        found
            .skipped
            .retain(|s| s.reason != SkipReason::NotIncluded);
        if found.targets.is_empty() && found.skipped.is_empty() {
            return Err(InputError(format!("{pattern}: no files match")));
        }
        out.targets.append(&mut found.targets);
        out.skipped.append(&mut found.skipped);
        out.problems.append(&mut found.problems);
        Ok(())
    }

    /// Walks `root`, keeping the files `select` accepts (given the path relative to `root`
    /// and the walked path) and the directories to render.
    fn walk(&self, root: &Path, out: &mut Expanded, select: impl Fn(&Path, &Path) -> bool) {
        let mut found = self.walk_once(root, false, &select);
        if self.respect_gitignore {
            let kept = self.walk_once(root, true, &select);
            let kept_paths: HashSet<&Path> = kept.targets.iter().filter_map(Target::path).collect();
            let ignored = found
                .targets
                .iter()
                .filter_map(Target::path)
                .filter(|p| !kept_paths.contains(p))
                .map(|path| Skipped {
                    path: path.to_path_buf(),
                    reason: SkipReason::GitIgnored,
                });
            out.skipped.extend(ignored);
            found.targets = kept.targets;
        }
        self.drop_kustomization_inputs(&mut found);
        found.targets.sort_by(|a, b| a.path().cmp(&b.path()));
        found.skipped.sort_by(|a, b| a.path.cmp(&b.path));
        out.targets.append(&mut found.targets);
        out.skipped.append(&mut found.skipped);
        out.problems.append(&mut found.problems);
    }

    /// One walk of `root`, with or without git's ignore rules. Excluded entries are not
    /// descended into, and neither are directories to render.
    fn walk_once(
        &self,
        root: &Path,
        git_rules: bool,
        select: &impl Fn(&Path, &Path) -> bool,
    ) -> Expanded {
        let mut found = Expanded::default();
        let pruned: Arc<Mutex<Vec<Pruned>>> = Arc::default();
        let exclude = self.exclude.clone();
        let exclude_root = root.to_path_buf();
        let prunes = Arc::clone(&pruned);
        let walker = WalkBuilder::new(root)
            .standard_filters(false)
            .git_ignore(git_rules)
            .git_global(git_rules)
            .git_exclude(git_rules)
            .parents(git_rules)
            // A manifests directory copied out of its repository keeps its .gitignore.
            .require_git(false)
            .follow_links(true)
            .sort_by_file_path(|a, b| a.cmp(b))
            .filter_entry(move |entry| {
                if entry.depth() == 0 {
                    return true;
                }
                let path = entry.path();
                let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
                let prune = if is_dir && entry.file_name() == ".git" {
                    // Git's own files are no manifests, and kubectl finds none there.
                    return false;
                } else if matches(&exclude, relative_to(&exclude_root, path)) {
                    Pruned::Excluded(path.to_path_buf())
                } else if let Some(target) = is_dir.then(|| Target::rendered(path)).flatten() {
                    Pruned::Rendered(target)
                } else {
                    return true;
                };
                if let Ok(mut list) = prunes.lock() {
                    list.push(prune);
                }
                false
            })
            .build();
        for result in walker {
            match result {
                Ok(entry) => {
                    let is_file = entry.file_type().is_some_and(|t| t.is_file());
                    if !is_file {
                        continue;
                    }
                    if select(relative_to(root, entry.path()), entry.path()) {
                        found.targets.push(Target::File {
                            path: entry.into_path(),
                            walked: true,
                        });
                    } else {
                        found.skipped.push(Skipped {
                            path: entry.into_path(),
                            reason: SkipReason::NotIncluded,
                        });
                    }
                }
                Err(error) => self.walk_error(root, error, select, &mut found),
            }
        }
        let pruned = std::mem::take(&mut *pruned.lock().unwrap_or_else(|e| e.into_inner()));
        for prune in pruned {
            match prune {
                Pruned::Excluded(path) => found.skipped.push(Skipped {
                    path,
                    reason: SkipReason::Excluded,
                }),
                Pruned::Rendered(target) => found.targets.push(target),
            }
        }
        found
    }

    /// A symbolic link loop is skipped (kubectl does not follow links to directories at
    /// all); a file that `select` would not keep is no concern of ours; anything else is
    /// an unreadable input.
    fn walk_error(
        &self,
        root: &Path,
        error: ignore::Error,
        select: &impl Fn(&Path, &Path) -> bool,
        found: &mut Expanded,
    ) {
        let (path, is_loop) = error_path(&error);
        match path {
            Some(path) if is_loop => found.skipped.push(Skipped {
                path,
                reason: SkipReason::SymlinkLoop,
            }),
            Some(path) if !path.is_dir() && !select(relative_to(root, &path), &path) => {}
            _ => found
                .problems
                .push(Diagnostic::new(&UNREADABLE, error.to_string())),
        }
    }

    /// Removes what the walk's kustomizations read: their files (judged through the
    /// rendering, with the kustomization's `namespace:` applied) and the kustomizations
    /// that are bases of another.
    fn drop_kustomization_inputs(&self, found: &mut Expanded) {
        let mut read_by: Vec<(PathBuf, PathBuf)> = Vec::new();
        for target in &found.targets {
            if let Target::Kustomization(dir) = target {
                let reads = kustomize::reads_transitively(dir, &self.limits);
                read_by.extend(reads.into_iter().map(|path| (path, dir.clone())));
            }
        }
        if read_by.is_empty() {
            return;
        }
        let reader = |target: &Target| -> Option<PathBuf> {
            let path = std::fs::canonicalize(target.path()?).ok()?;
            read_by
                .iter()
                .find(|(read, dir)| path.starts_with(read) && target.path() != Some(dir))
                .map(|(_, dir)| dir.clone())
        };
        let mut kept = Vec::new();
        for target in std::mem::take(&mut found.targets) {
            match reader(&target) {
                Some(dir) => found.skipped.push(Skipped {
                    path: target.path().map(Path::to_path_buf).unwrap_or_default(),
                    reason: SkipReason::ReadByKustomization(dir),
                }),
                None => kept.push(target),
            }
        }
        found.targets = kept;
    }
}

/// An entry the walk does not descend into.
enum Pruned {
    Excluded(PathBuf),
    Rendered(Target),
}

/// The path an error is about, and whether it is a file system loop.
fn error_path(error: &ignore::Error) -> (Option<PathBuf>, bool) {
    match error {
        ignore::Error::WithPath { path, err } => {
            let (inner, is_loop) = error_path(err);
            (inner.or_else(|| Some(path.clone())), is_loop)
        }
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        ignore::Error::Loop { child, .. } => (Some(child.clone()), true),
        _ => (None, false),
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

fn has_glob_metacharacters(text: &str) -> bool {
    text.contains(['*', '?', '[', '{'])
}

fn relative_to<'a>(root: &Path, path: &'a Path) -> &'a Path {
    path.strip_prefix(root).unwrap_or(path)
}
