//! Reading input: files, directories (gitignore-aware, sorted, include/exclude globs), stdin
//! and URLs, parsed into YAML documents; and resolving a finding's location to a position.
//!
//! Input owns the bytes ([`Sources`]); every later stage refers to them by [`FileId`] and
//! byte spans.

mod resolve;
pub mod url;
mod walk;

use std::collections::HashSet;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use crate::diag::{Diagnostic, Location, Rule, rule};
use crate::source::{DocId, FileId, SourceFile, Span};
use crate::yaml::{Document, Limits};
pub use resolve::{Resolved, resolve};
use walk::{Filters, Target};

/// Everything read: files, and the YAML documents parsed from them.
#[derive(Debug, Default)]
pub struct Sources {
    pub files: Vec<SourceFile>,
    pub documents: Vec<Document>,
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
}

rule! {
    /// ## What it does
    /// Reports a file larger than the size limit (`--max-file-size`, 256 MiB by default). gwctl
    /// does not read it; the other files are still checked.
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

/// Rules of the input stage.
pub static RULES: &[&Rule] = &[&FILE_TOO_LARGE, &INVALID_UTF8, &UNREADABLE];

/// What to read.
#[derive(Debug, Clone, Default)]
pub struct InputOptions {
    /// Files, directories, globs, or `-` for stdin.
    pub paths: Vec<String>,
    /// Globs a walked file must match (default: `*.yaml`, `*.yml`, `*.json`).
    pub include: Vec<String>,
    /// Globs that exclude walked files and directories.
    pub exclude: Vec<String>,
    pub limits: Limits,
    /// How long reading a URL input may take (`None`: [`url::DEFAULT_TIMEOUT`]).
    pub url_timeout: Option<std::time::Duration>,
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
    let filters = Arc::new(Filters::new(&options.include, &options.exclude)?);
    let mut targets = Vec::new();
    let mut diagnostics = Vec::new();
    for argument in &options.paths {
        if url::is_url(argument) {
            targets.push(Input::Url(argument.clone()));
        } else {
            let mut walked = Vec::new();
            walk::expand(argument, &filters, &mut walked, &mut diagnostics)?;
            targets.extend(walked.into_iter().map(Input::Walked));
        }
    }
    // A file named twice (on its own and inside a directory) is read once.
    let mut seen = HashSet::new();
    for target in targets {
        if let Input::Walked(Target::File(path)) = &target {
            let identity = std::fs::canonicalize(path).unwrap_or_else(|_| path.clone());
            if !seen.insert(identity) {
                continue;
            }
        }
        let file = match &target {
            Input::Url(address) => {
                let timeout = options.url_timeout.unwrap_or(url::DEFAULT_TIMEOUT);
                let text = url::fetch(address, options.limits.max_file_bytes, timeout)?;
                Some(SourceFile::in_memory(address.clone(), text))
            }
            Input::Walked(target) => load(target, &options.limits, sources, &mut diagnostics),
        };
        if let Some(file) = file {
            diagnostics.extend(sources.add(file, &options.limits));
        }
    }
    Ok(diagnostics)
}

/// Reads one input. Returns it when it holds text to parse; a file that cannot be read is
/// added to `sources` (without text) so that its diagnostic names it.
fn load(
    target: &Target,
    limits: &Limits,
    sources: &mut Sources,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<SourceFile> {
    let (name, path) = match target {
        Target::Stdin => ("<stdin>".to_string(), None),
        Target::File(path) => (path.display().to_string(), Some(path.clone())),
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
    let source = SourceFile {
        name,
        path,
        text: text.into(),
        ..SourceFile::default()
    };
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
    let reader: Box<dyn Read> = match path {
        Some(path) => {
            let file = std::fs::File::open(path)?;
            // Refuse a large file before reading any of it.
            if file.metadata()?.len() > limit {
                return Ok(None);
            }
            Box::new(file)
        }
        None => Box::new(std::io::stdin().lock()),
    };
    // The metadata can lie (special files, a file still growing), so read at most one byte
    // more than the limit.
    let mut bytes = Vec::new();
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= limit).then_some(bytes))
}

/// The text of a file, without its BOM. Invalid UTF-8 keeps the valid prefix followed by
/// U+FFFD as the text, so the diagnostic can show the line up to the bad byte.
fn decode(mut bytes: Vec<u8>, file: FileId) -> (String, Option<Diagnostic>) {
    const BOM: &[u8] = b"\xEF\xBB\xBF";
    if bytes.starts_with(BOM) {
        bytes.drain(..BOM.len());
    }
    match String::from_utf8(bytes) {
        Ok(text) => (text, None),
        Err(error) => {
            let valid = error.utf8_error().valid_up_to();
            let mut bytes = error.into_bytes();
            let bad = bytes.get(valid).copied().unwrap_or_default();
            bytes.truncate(valid);
            let mut text = String::from_utf8(bytes).unwrap_or_default();
            text.push(char::REPLACEMENT_CHARACTER);
            let span = Span::new(valid, text.len());
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
mod tests {
    use super::*;
    use std::path::PathBuf;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A temporary directory, removed on drop.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new() -> Self {
            static NEXT: AtomicUsize = AtomicUsize::new(0);
            let unique = NEXT.fetch_add(1, Ordering::Relaxed);
            let dir =
                std::env::temp_dir().join(format!("gwctl-input-{}-{unique}", std::process::id()));
            std::fs::create_dir_all(&dir).unwrap();
            TempDir(dir)
        }

        fn write(&self, relative: &str, contents: impl AsRef<[u8]>) -> PathBuf {
            let path = self.0.join(relative);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, contents).unwrap();
            path
        }

        fn path(&self, relative: &str) -> String {
            self.0.join(relative).display().to_string()
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn options(paths: &[String]) -> InputOptions {
        InputOptions {
            paths: paths.to_vec(),
            ..InputOptions::default()
        }
    }

    /// Names of the files read, relative to `dir`.
    fn names(sources: &Sources, dir: &TempDir) -> Vec<String> {
        sources
            .files
            .iter()
            .map(|f| {
                let path = f.path.as_ref().unwrap();
                path.strip_prefix(&dir.0).unwrap().display().to_string()
            })
            .collect()
    }

    fn fixture() -> TempDir {
        let dir = TempDir::new();
        dir.write("b.yaml", "kind: B\n");
        dir.write("a.yml", "kind: A\n");
        dir.write("c.json", "{\"kind\": \"C\"}");
        dir.write("notes.txt", "not yaml: [");
        dir.write("sub/d.yaml", "kind: D\n");
        dir.write("sub/kustomization.yaml", "resources: []\n");
        dir.write("vendor/e.yaml", "kind: E\n");
        dir.write(".hidden/f.yaml", "kind: F\n");
        dir.write(".g.yaml", "kind: G\n");
        dir.write("ignored/h.yaml", "kind: H\n");
        dir.write(".gitignore", "ignored/\n");
        dir
    }

    #[test]
    fn walks_directories_sorted_gitignore_aware() {
        let dir = fixture();
        let mut sources = Sources::default();
        let diagnostics = read(&options(&[dir.path("")]), &mut sources).unwrap();
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        assert_eq!(
            names(&sources, &dir),
            [
                "a.yml",
                "b.yaml",
                "c.json",
                "sub/d.yaml",
                "sub/kustomization.yaml",
                "vendor/e.yaml"
            ]
        );
        assert_eq!(sources.documents.len(), 6);
    }

    #[test]
    fn exclude_globs_match_relative_paths_and_names() {
        let dir = fixture();
        for exclude in ["**/kustomization.yaml", "kustomization.yaml"] {
            let mut sources = Sources::default();
            let opts = InputOptions {
                exclude: vec![exclude.into(), "vendor".into()],
                ..options(&[dir.path("")])
            };
            read(&opts, &mut sources).unwrap();
            assert_eq!(
                names(&sources, &dir),
                ["a.yml", "b.yaml", "c.json", "sub/d.yaml"],
                "{exclude}"
            );
        }
        let mut sources = Sources::default();
        let opts = InputOptions {
            include: vec!["*.json".into()],
            ..options(&[dir.path("")])
        };
        read(&opts, &mut sources).unwrap();
        assert_eq!(names(&sources, &dir), ["c.json"]);
    }

    #[test]
    fn explicit_files_globs_and_missing_paths() {
        let dir = fixture();
        let mut sources = Sources::default();
        // A named file is read whatever its extension, and only once.
        let diagnostics = read(
            &options(&[
                dir.path("notes.txt"),
                dir.path("sub/d.yaml"),
                dir.path("sub"),
            ]),
            &mut sources,
        )
        .unwrap();
        assert_eq!(
            names(&sources, &dir),
            ["notes.txt", "sub/d.yaml", "sub/kustomization.yaml"]
        );
        assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");

        let mut sources = Sources::default();
        read(&options(&[dir.path("*/*.yaml")]), &mut sources).unwrap();
        assert_eq!(
            names(&sources, &dir),
            ["sub/d.yaml", "sub/kustomization.yaml", "vendor/e.yaml"]
        );

        let missing = dir.path("missing.yaml");
        let error = read(
            &options(std::slice::from_ref(&missing)),
            &mut Sources::default(),
        )
        .unwrap_err();
        assert_eq!(error.0, format!("{missing}: No such file or directory"));
        assert!(read(&options(&[dir.path("*.nothing")]), &mut Sources::default()).is_err());
    }

    #[test]
    fn bom_is_stripped_and_invalid_utf8_is_located() {
        let dir = TempDir::new();
        dir.write("bom.yaml", b"\xEF\xBB\xBFkind: A\n");
        dir.write("latin1.yaml", b"kind: B\nowner: Ren\xe9\n");
        let mut sources = Sources::default();
        let diagnostics = read(&options(&[dir.path("")]), &mut sources).unwrap();
        assert_eq!(sources.files[0].text, "kind: A\n");
        assert_eq!(sources.documents.len(), 1);
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].rule.code, "GW0002");
        let Some(Location::File { file, span }) = &diagnostics[0].location else {
            panic!("{diagnostics:?}");
        };
        let text = &sources.files[*file].text;
        assert_eq!(sources.files[*file].line_column(span.start), (2, 11));
        assert_eq!(&text[span.start..span.end], "\u{FFFD}");
    }

    #[test]
    fn large_files_are_refused() {
        let dir = TempDir::new();
        dir.write("big.yaml", "a: 1\n".repeat(100));
        dir.write("small.yaml", "a: 1\n");
        let mut sources = Sources::default();
        let opts = InputOptions {
            limits: Limits {
                max_file_bytes: 100,
                ..Limits::default()
            },
            ..options(&[dir.path("")])
        };
        let diagnostics = read(&opts, &mut sources).unwrap();
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].rule.code, "GW0001");
        assert!(sources.files[0].text.is_empty());
        assert_eq!(sources.documents.len(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn unreadable_files_are_diagnostics() {
        use std::os::unix::fs::PermissionsExt;
        let dir = TempDir::new();
        let locked = dir.write("locked.yaml", "a: 1\n");
        dir.write("open.yaml", "a: 1\n");
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
        if std::fs::read(&locked).is_ok() {
            // Running as root: permissions do not apply.
            return;
        }
        let mut sources = Sources::default();
        let diagnostics = read(&options(&[dir.path("")]), &mut sources).unwrap();
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].rule.code, "GW0003");
        assert_eq!(sources.documents.len(), 1);
    }
}

#[cfg(test)]
mod hostile_tests {
    use super::*;

    /// Every hostile file gives its diagnostics and no more; the good documents are kept.
    #[test]
    fn hostile_testdata() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/hostile");
        let options = InputOptions {
            paths: vec![dir.display().to_string()],
            ..InputOptions::default()
        };
        let mut sources = Sources::default();
        let started = std::time::Instant::now();
        let diagnostics = read(&options, &mut sources).unwrap();
        assert!(started.elapsed() < std::time::Duration::from_secs(20));
        let found: Vec<(String, &str)> = diagnostics
            .iter()
            .map(|d| {
                let Some(Location::File { file, span }) = &d.location else {
                    panic!("{d:?}");
                };
                let source = &sources.files[*file];
                let (line, _) = source.line_column(span.start);
                let name = source.path.as_ref().unwrap().file_name().unwrap();
                (format!("{}:{line}", name.to_string_lossy()), d.rule.code)
            })
            .collect();
        assert_eq!(
            found,
            [
                ("alias-bomb.yaml:7".to_string(), "GW0013"),
                ("deep-nesting.yaml:130".to_string(), "GW0014"),
                ("deep-nesting.yaml:458".to_string(), "GW0014"),
                ("duplicate-keys.yaml:11".to_string(), "GW0011"),
                ("invalid-utf8.yaml:8".to_string(), "GW0002"),
                ("malformed.yaml:19".to_string(), "GW0010"),
                ("tabs.yaml:5".to_string(), "GW0010"),
            ]
        );
        let names: Vec<_> = sources
            .documents
            .iter()
            .filter_map(|d| d.root().get("metadata")?.get("name")?.as_str())
            .collect();
        assert_eq!(
            names,
            ["dup", "example", "gw", "good", "web", "before", "after"]
        );
        // not-kubernetes.yaml: a list, a string and a number.
        assert_eq!(sources.documents.len(), names.len() + 3);
    }
}
