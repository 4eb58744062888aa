//! Hand-built YAML trees for unit tests: a JSON value becomes a [`Tree`] with dummy spans.

use serde_json::Value as Json;

use crate::input::Sources;
use crate::yaml::{Document, Tree};

/// The span tree of a JSON value.
pub(crate) fn node(json: Json) -> Tree {
    Tree::from_json(json)
}

/// Sources holding one document per JSON value (no files: spans are dummies).
pub(crate) fn sources(documents: Vec<Json>) -> Sources {
    Sources {
        files: Vec::new(),
        documents: documents
            .into_iter()
            .enumerate()
            .map(|(index, json)| Document::new(0, index, node(json)))
            .collect(),
        ..Sources::default()
    }
}

/// Sources holding one file with `text`, parsed by the YAML stage.
pub(crate) fn parse(text: &str) -> Sources {
    let mut sources = Sources::default();
    let diagnostics = sources.add(
        crate::source::SourceFile::in_memory("test.yaml", text),
        &crate::yaml::Limits::default(),
    );
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    sources
}

/// The CRDs of the newest embedded release (standard channel): the defaults objects are
/// read with.
pub(crate) fn schemas() -> &'static crate::admission::Release {
    static RELEASE: std::sync::OnceLock<crate::admission::Release> = std::sync::OnceLock::new();
    RELEASE.get_or_init(|| {
        crate::admission::embedded::select(None, crate::admission::Channel::Standard)
            .expect("the newest release is embedded")
    })
}

/// The schema node of `kind` at `path` (`[]` for a list's items) in [`schemas`].
pub(crate) fn schema_at(
    api_version: &str,
    kind: &str,
    path: &[&str],
) -> Option<crate::model::SchemaId> {
    use crate::model::CrdSchemas;
    let schemas = schemas();
    let mut id = schemas.object(api_version, kind)?;
    for step in path {
        id = if *step == "[]" {
            schemas.items(id)?
        } else {
            schemas.property(id, step)?
        };
    }
    Some(id)
}
