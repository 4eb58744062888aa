//! Reading input: files, directories (walked as `kubectl apply -R -f` reads them, sorted,
//! include/exclude globs), stdin, URLs, kustomize directories and Helm charts (rendered),
//! parsed into YAML documents; and resolving a finding's location to a position.
//!
//! Input owns the bytes ([`Sources`]); every later stage refers to them by [`FileId`] and
//! byte spans.

mod decode;
pub mod render;
mod resolve;
pub mod url;
mod walk;

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Location, Origin, Rule, rule};
use crate::source::{DocId, FileId, SourceFile, Span};
use crate::yaml::{Document, Limits, Node};
pub use render::RenderOptions;
pub use resolve::{Resolved, resolve};
use walk::{Expanded, Target, Walker};

/// Everything read: files, and the YAML documents parsed from them.
#[derive(Debug, Default)]
pub struct Sources {
    pub files: Vec<SourceFile>,
    pub documents: Vec<Document>,
    /// For a rendered document (kustomize), the document of the source file that declares
    /// its object, parsed but not judged: findings are located there where the rendering
    /// left the field as it is written.
    pub written_in: HashMap<DocId, Document>,
    /// What the walks found and did not read, in walk order.
    pub skipped: Vec<Skipped>,
    /// Inputs read: files, stdin, URLs and rendered outputs (not the kustomization files,
    /// `Chart.yaml`s or source files kept only to locate findings).
    pub read_files: usize,
}

impl Sources {
    pub fn file(&self, id: FileId) -> &SourceFile {
        &self.files[id]
    }
    pub fn document(&self, id: DocId) -> &Document {
        &self.documents[id]
    }

    /// Adds `file` and the YAML documents parsed from its text; returns the parser's
    /// diagnostics (syntax errors, duplicate keys, exceeded limits).
    pub fn add(&mut self, file: SourceFile, limits: &Limits) -> Vec<Diagnostic> {
        let id = self.files.len();
        let (documents, diagnostics) = crate::yaml::parse(&file.text, id, limits);
        self.files.push(file);
        self.documents.extend(documents);
        diagnostics
    }

    /// Frees the documents' trees: once the model is built, only the findings' locations
    /// refer back to them, and [`Sources::reread`] parses those documents again.
    pub fn free_trees(&mut self) {
        for document in &mut self.documents {
            document.free_tree();
        }
    }

    /// Parses again the freed trees of the documents whose fields `locations` point into,
    /// on all cores, so that resolving them afterwards reads no text (an object's own
    /// position needs no tree).
    pub fn reread<'l>(&self, locations: impl Iterator<Item = &'l Location>) {
        let mut wanted: Vec<DocId> = locations
            .filter_map(|location| match location {
                Location::Field {
                    origin: Origin::Document { doc, .. },
                    path,
                    ..
                } if !path.is_root() => Some(*doc),
                _ => None,
            })
            .filter(|&doc| self.documents.get(doc).is_some_and(|d| !d.has_tree()))
            .collect();
        wanted.sort_unstable();
        wanted.dedup();
        crate::parallel::map_groups(
            &wanted,
            |_| 1,
            64,
            |_, group| {
                for &doc in group {
                    self.documents[doc].tree();
                }
            },
        );
    }

    /// Whether any document is a Kubernetes object (or a `List` of them): a mapping with
    /// `apiVersion`, `kind` or `metadata`.
    pub fn has_objects(&self) -> bool {
        self.documents.iter().any(|d| is_object(d.root()))
    }
}

/// Whether a document looks like a Kubernetes object: a mapping with at least one of
/// `apiVersion`, `kind` and `metadata`. One with some of them but not all is still an
/// object, with errors; one with none (`values.yaml`, `docker-compose.yml`) is other YAML.
fn is_object(root: Node<'_>) -> bool {
    ["apiVersion", "kind", "metadata"]
        .iter()
        .any(|key| root.get(key).is_some())
}

/// A file or directory a walk found and did not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub path: PathBuf,
    pub reason: SkipReason,
}

/// Why a walk did not read a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    /// Its name matches no include glob (`*.yaml`, `*.yml`, `*.json` by default).
    NotIncluded,
    /// An `--exclude` glob (or the configuration's `exclude`) matches it.
    Excluded,
    /// Git ignores it, and `--respect-gitignore` was given.
    GitIgnored,
    /// A symbolic link to a directory it is in.
    SymlinkLoop,
    /// The kustomization in this directory reads it: its objects are judged as rendered.
    ReadByKustomization(PathBuf),
    /// None of its documents is a Kubernetes object.
    NotKubernetes,
}

impl std::fmt::Display for SkipReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SkipReason::NotIncluded => f.write_str("not a manifest file name (--include)"),
            SkipReason::Excluded => f.write_str("excluded (--exclude or the configuration)"),
            SkipReason::GitIgnored => f.write_str("ignored by git (--respect-gitignore)"),
            SkipReason::SymlinkLoop => f.write_str("a symbolic link loop"),
            SkipReason::ReadByKustomization(dir) => {
                write!(f, "read through the kustomization in {}", dir.display())
            }
            SkipReason::NotKubernetes => {
                f.write_str("not a Kubernetes manifest (no apiVersion, kind or metadata)")
            }
        }
    }
}

rule! {
    /// ## What it does
    /// Reports a file larger than the size limit (`--max-file-size`, 256 MiB by default). gwctl
    /// does not read it; the other files are still checked. Checking a file takes about 7 to 10
    /// times its size in memory (a 200 MB file about 1.7 GB), so a file at the default limit
    /// is checked within 4 GB.
    ///
    /// ## Why it matters
    /// The limit keeps a stray artifact in a manifests directory (say `manifests/dump.json` of
    /// 2.1 GiB) from exhausting memory, but none of the manifests of a skipped file is checked.
    ///
    /// ## Example
    /// With `--max-file-size 600`, this file of more than 600 bytes is not read:
    #[example = "testdata/rules/input-file-too-large/err.yaml"]
    ///
    /// ## Fix
    /// Exclude the file (`--exclude dump.json`), or split it.
    pub static FILE_TOO_LARGE {
        code: "GW0001",
        name: "input-file-too-large",
        severity: Error,
        stage: Input,
        summary: "A file is larger than the size limit and is not read",
    }
}

rule! {
    /// ## What it does
    /// Reports a file that is not valid UTF-8: it has a byte sequence that is not UTF-8 (often a
    /// file saved as Latin-1 or UTF-16). The file is not checked; the position of the first bad
    /// byte is shown.
    ///
    /// ## Why it matters
    /// YAML read by Kubernetes must be UTF-8, and none of the file's manifests is checked.
    ///
    /// ## Example
    /// The rule's fixture (`testdata/rules/input-invalid-utf8/err.yaml`) is not UTF-8 text, so it
    /// cannot be embedded here; its annotation value ends in the Latin-1 byte for `é`:
    ///
    /// ```yaml
    /// metadata:
    ///   annotations:
    ///     owner: "Ren\xe9"   # byte 0xE9: Latin-1, not UTF-8
    /// ```
    ///
    /// ## Fix
    /// Convert the file: `iconv -f latin1 -t utf-8 file.yaml > fixed.yaml`.
    pub static INVALID_UTF8 {
        code: "GW0002",
        name: "input-invalid-utf8",
        severity: Error,
        stage: Input,
        summary: "A file is not valid UTF-8",
    }
}

rule! {
    /// ## What it does
    /// Reports a file or directory, found while walking the inputs, that cannot be read, usually
    /// for lack of permission.
    ///
    /// ## Why it matters
    /// None of the manifests in it is checked.
    ///
    /// ## Example
    /// The rule's fixture (`testdata/rules/input-unreadable/err.yaml`) is a link to a file that
    /// cannot be read, so it has no text to embed here. A typical case:
    ///
    /// ```text
    /// manifests/secret/: Permission denied
    /// ```
    ///
    /// ## Fix
    /// Fix the permissions, or exclude the path (`--exclude secret`).
    pub static UNREADABLE {
        code: "GW0003",
        name: "input-unreadable",
        severity: Error,
        stage: Input,
        summary: "A file or directory cannot be read",
    }
}

rule! {
    /// ## What it does
    /// Reports a file, found by a directory walk, none of whose documents has `apiVersion`,
    /// `kind` or `metadata`: Helm values, a Compose file, a CI configuration. The file is
    /// skipped. A document with some of those fields but not all is an object with errors, and
    /// a file named on the command line is always judged as a manifest.
    ///
    /// ## Why it matters
    /// A walk reads every `.yaml`, `.yml` and `.json` file, as `kubectl apply -R -f` does, and
    /// application repositories keep other YAML beside their manifests. Judged as objects, each
    /// would be a false "no `apiVersion`" error; the note says what was left out.
    ///
    /// ## Example
    /// The rule's fixture is a directory (`testdata/rules/not-kubernetes-yaml/err/`): a
    /// Namespace, and this `docker-compose.yml` beside it:
    #[example = "testdata/rules/not-kubernetes-yaml/err/docker-compose.yml"]
    ///
    /// ## Fix
    /// Nothing to fix. Exclude the file (`--exclude docker-compose.yml`) to drop the note.
    pub static NOT_KUBERNETES {
        code: "GW0022",
        name: "not-kubernetes-yaml",
        severity: Info,
        stage: Input,
        summary: "A walked YAML file holds no Kubernetes object and is skipped",
    }
}

/// Rules of the input stage.
pub static RULES: &[&Rule] = &[
    &FILE_TOO_LARGE,
    &INVALID_UTF8,
    &UNREADABLE,
    &render::RENDERER_NOT_FOUND,
    &render::RENDER_FAILED,
    &NOT_KUBERNETES,
];

/// What to read.
#[derive(Debug, Clone, Default)]
pub struct InputOptions {
    /// Files, directories, globs, URLs, or `-` for stdin.
    pub paths: Vec<String>,
    /// Globs a walked file must match (default: `*.yaml`, `*.yml`, `*.json`).
    pub include: Vec<String>,
    /// Globs that exclude walked files and directories.
    pub exclude: Vec<String>,
    /// Skip walked files that git ignores (`.gitignore`, `.git/info/exclude`, the global
    /// excludes file).
    pub respect_gitignore: bool,
    pub limits: Limits,
    /// How long reading a URL input may take (`None`: [`url::DEFAULT_TIMEOUT`]).
    pub url_timeout: Option<std::time::Duration>,
    /// How kustomize directories and Helm charts are rendered.
    pub render: RenderOptions,
}

/// An input that cannot be read at all (exit code 2), as opposed to a bad file, which is a
/// diagnostic.
#[derive(Debug)]
pub struct InputError(pub String);

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InputError {}

/// One input, in argument order: a walked file (or stdin), or a URL.
enum Input {
    Walked(Target),
    Url(String),
}

/// Reads every input into `sources` (files, then their YAML documents).
/// Problems with one file's content are diagnostics; the other files are still read.
/// A path that does not exist, or a bad glob, is an [`InputError`].
pub fn read(options: &InputOptions, sources: &mut Sources) -> Result<Vec<Diagnostic>, InputError> {
    let walker = Walker::new(
        &options.include,
        &options.exclude,
        options.respect_gitignore,
        options.limits,
    )?;
    let mut inputs = Vec::new();
    let mut expanded = Expanded::default();
    for argument in &options.paths {
        if url::is_url(argument) {
            inputs.push(Input::Url(argument.clone()));
        } else {
            walker.expand(argument, &mut expanded)?;
            inputs.extend(expanded.targets.drain(..).map(Input::Walked));
        }
    }
    let mut diagnostics = expanded.problems;
    sources.skipped = expanded.skipped;
    let renderer = render::Renderer {
        options: &options.render,
        limits: &options.limits,
    };
    // A file or directory named twice (on its own and inside a directory) is read once.
    let mut seen = HashSet::new();
    for input in inputs {
        let target = match input {
            Input::Url(address) => {
                let timeout = options.url_timeout.unwrap_or(url::DEFAULT_TIMEOUT);
                let text = url::fetch(&address, options.limits.max_file_bytes, timeout)?;
                sources.read_files += 1;
                // The name is printed in every finding and report: no credentials in it.
                let name = crate::text::redact_url(&address).into_owned();
                diagnostics.extend(sources.add(SourceFile::in_memory(name, text), &options.limits));
                continue;
            }
            Input::Walked(target) => target,
        };
        if let Some(path) = target.path() {
            let identity = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
            if !seen.insert(identity) {
                continue;
            }
        }
        match &target {
            Target::Kustomization(dir) => diagnostics.extend(renderer.kustomization(dir, sources)),
            Target::Chart(dir) => diagnostics.extend(renderer.chart(dir, sources)),
            Target::Stdin | Target::File { .. } => {
                let walked = matches!(target, Target::File { walked: true, .. });
                let loaded = load(target.path(), &options.limits, sources, &mut diagnostics);
                let Some(file) = loaded else {
                    continue;
                };
                sources.read_files += 1;
                let first = sources.documents.len();
                diagnostics.extend(sources.add(file, &options.limits));
                if walked {
                    skip_other_yaml(sources, first, &mut diagnostics);
                }
            }
        }
    }
    Ok(diagnostics)
}

/// Drops the documents of the file just read (from document `first` on) when none of them
/// is a Kubernetes object, with a note: a walk finds Helm values, Compose files and CI
/// configurations beside manifests.
fn skip_other_yaml(sources: &mut Sources, first: usize, diagnostics: &mut Vec<Diagnostic>) {
    let added = &sources.documents[first..];
    if added.is_empty() || added.iter().any(|d| is_object(d.root())) {
        return;
    }
    sources.documents.truncate(first);
    let file = sources.files.len() - 1;
    sources.read_files -= 1;
    if let Some(path) = &sources.files[file].path {
        sources.skipped.push(Skipped {
            path: path.clone(),
            reason: SkipReason::NotKubernetes,
        });
    }
    diagnostics.push(
        Diagnostic::new(
            &NOT_KUBERNETES,
            "not a Kubernetes manifest (no apiVersion, kind or metadata); skipped",
        )
        .at(Location::File {
            file,
            span: Span::new(0, 0),
        }),
    );
}

/// Why nothing that was read is a Kubernetes object, in one line (as `kubectl apply` says
/// "no objects passed to apply"); `None` when something is.
pub fn nothing_read(sources: &Sources, options: &InputOptions) -> Option<String> {
    if sources.has_objects() {
        return None;
    }
    let named = options
        .paths
        .iter()
        .map(|p| if p == "-" { "stdin" } else { p.as_str() })
        .collect::<Vec<_>>()
        .join(", ");
    let count = |reason: SkipReason| {
        sources
            .skipped
            .iter()
            .filter(|s| s.reason == reason)
            .count()
    };
    let skipped: Vec<String> = [
        (
            count(SkipReason::GitIgnored),
            "ignored by git (--respect-gitignore)",
        ),
        (count(SkipReason::Excluded), "excluded (--exclude)"),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, why)| format!("; skipped {n} {why}"))
    .collect();
    let skipped = skipped.concat();
    let names = if options.include.is_empty() {
        walk::DEFAULT_INCLUDE.join(", ")
    } else {
        options.include.join(", ")
    };
    // Files of other YAML were read, then left out.
    let files = sources.read_files + count(SkipReason::NotKubernetes);
    let read = match (files, sources.documents.len()) {
        (0, _) if !skipped.is_empty() => format!("read no {names} file from {named}{skipped}"),
        (0, _) if options.include.is_empty() => format!("found no {names} file in {named}"),
        (0, _) => format!("no file in {named} matches --include {names}"),
        (files, 0) if files == sources.read_files => format!(
            "read {} from {named}, with no YAML document{skipped}",
            plural(files, "file")
        ),
        (files, _) => format!(
            "read {} from {named}, with no document that has apiVersion, kind or metadata{skipped}",
            plural(files, "file")
        ),
    };
    Some(format!("no Kubernetes objects in the input: {read}"))
}

fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// Reads one file (`None`: stdin). Returns it when it holds text to parse; a file that
/// cannot be read is added to `sources` (without text) so that its diagnostic names it.
fn load(
    path: Option<&Path>,
    limits: &Limits,
    sources: &mut Sources,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<SourceFile> {
    let (name, path) = match path {
        Some(path) => (path.display().to_string(), Some(path.to_path_buf())),
        None => ("<stdin>".to_string(), None),
    };
    let bytes = read_bytes(path.as_deref(), limits.max_file_bytes);
    let file = sources.files.len();
    let at_start = Location::File {
        file,
        span: Span::new(0, 0),
    };
    let (text, problem) = match bytes {
        Ok(Some(bytes)) => decode(bytes, file),
        Ok(None) => (
            String::new(),
            Some(
                Diagnostic::new(
                    &FILE_TOO_LARGE,
                    format!(
                        "{name} is larger than {} bytes; it is not read",
                        limits.max_file_bytes
                    ),
                )
                .at(at_start)
                .help("exclude the file, or split it"),
            ),
        ),
        Err(error) => (
            String::new(),
            Some(Diagnostic::new(&UNREADABLE, format!("{name}: {error}")).at(at_start)),
        ),
    };
    let mut source = SourceFile::in_memory(name, text);
    source.path = path;
    match problem {
        Some(problem) => {
            diagnostics.push(problem);
            sources.files.push(source);
            None
        }
        None => Some(source),
    }
}

/// The bytes of a file (or stdin), or `None` when there are more than `limit`.
fn read_bytes(path: Option<&Path>, limit: usize) -> std::io::Result<Option<Vec<u8>>> {
    let limit = u64::try_from(limit).unwrap_or(u64::MAX);
    let mut fifo = false;
    let mut capacity = 0;
    let reader: Box<dyn Read> = match path {
        Some(path) => {
            let file = open(path)?;
            let metadata = file.metadata()?;
            // Refuse a large file before reading any of it.
            if metadata.len() > limit {
                return Ok(None);
            }
            // Read into one allocation of the right size, not a doubling series of copies.
            capacity = usize::try_from(metadata.len()).map_or(0, |len| len + 1);
            #[cfg(unix)]
            {
                fifo = std::os::unix::fs::FileTypeExt::is_fifo(&metadata.file_type());
            }
            Box::new(file)
        }
        None => Box::new(std::io::stdin().lock()),
    };
    // The metadata can lie (special files, a file still growing), so read at most one byte
    // more than the limit.
    let mut bytes = Vec::with_capacity(capacity);
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)?;
    if fifo && bytes.is_empty() {
        return Err(std::io::Error::other(
            "a named pipe (FIFO) that gave no data, so nothing was read (does a process write to it?)",
        ));
    }
    Ok((bytes.len() as u64 <= limit).then_some(bytes))
}

/// Opens a file for reading without waiting for a writer: opening a named pipe (FIFO) that
/// no process writes to blocks forever, so it is opened non-blocking (reading it then ends
/// at once), and reads block again once it is open, to wait for a writer's data.
#[cfg(unix)]
fn open(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::fd::AsRawFd;
    use std::os::unix::fs::OpenOptionsExt;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)?;
    let fd = file.as_raw_fd();
    // SAFETY: fcntl(2) on a descriptor this function owns, with integer arguments only.
    unsafe {
        let flags = libc::fcntl(fd, libc::F_GETFL);
        if flags >= 0 {
            libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_NONBLOCK);
        }
    }
    Ok(file)
}

#[cfg(not(unix))]
fn open(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

/// The text of a file (see [`decode`]). Invalid UTF-8 keeps the valid prefix followed by
/// U+FFFD as the text, so the diagnostic can show the line up to the bad byte.
fn decode(bytes: Vec<u8>, file: FileId) -> (String, Option<Diagnostic>) {
    match decode::text(bytes) {
        Ok(text) => (text, None),
        Err(decode::NotUtf8 { valid, bad }) => {
            let start = valid.len();
            let mut text = valid;
            text.push(char::REPLACEMENT_CHARACTER);
            let span = Span::new(start, text.len());
            let diagnostic = Diagnostic::new(
                &INVALID_UTF8,
                format!("invalid UTF-8 (byte 0x{bad:02X}); the file is not checked"),
            )
            .at(Location::File { file, span })
            .help("save the file as UTF-8");
            (text, Some(diagnostic))
        }
    }
}

#[cfg(test)]
mod tests;
