//! Reading input: files, directories (gitignore-aware, sorted, include/exclude globs) and stdin.
//!
//! Input owns the bytes; every later stage refers to them by [`FileId`] and byte spans.

use std::path::PathBuf;

/// Index of a file in [`Sources::files`].
pub type FileId = usize;
/// Index of a document in [`Sources::documents`].
pub type DocId = usize;

/// One input file (or stdin), decoded to UTF-8 text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The name shown to users: the path as given/walked, or `<stdin>`.
    pub name: String,
    /// The filesystem path, when the input came from a file.
    pub path: Option<PathBuf>,
    /// The text, with a leading BOM removed. CRLF is kept as it is (spans index this text).
    pub text: String,
}

/// Everything read: files, and the YAML documents parsed from them.
#[derive(Debug, Default)]
pub struct Sources {
    pub files: Vec<SourceFile>,
    pub documents: Vec<crate::yaml::Document>,
}

impl Sources {
    pub fn file(&self, id: FileId) -> &SourceFile {
        &self.files[id]
    }
    pub fn document(&self, id: DocId) -> &crate::yaml::Document {
        &self.documents[id]
    }
}

/// Rules of the input stage.
pub static RULES: &[&crate::diag::Rule] = &[];

/// What to read.
#[derive(Debug, Clone, Default)]
pub struct InputOptions {
    /// Files, directories, globs, or `-` for stdin.
    pub paths: Vec<String>,
    /// Globs a walked file must match (default: `*.yaml`, `*.yml`, `*.json`).
    pub include: Vec<String>,
    /// Globs that exclude walked files and directories.
    pub exclude: Vec<String>,
    pub limits: crate::yaml::Limits,
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

/// Reads every input into `sources` (files, then their YAML documents).
/// Problems with one file's content are diagnostics; the other files are still read.
pub fn read(
    options: &InputOptions,
    sources: &mut Sources,
) -> Result<Vec<crate::diag::Diagnostic>, InputError> {
    let _ = (options, sources);
    Ok(Vec::new())
}
