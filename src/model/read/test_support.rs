//! Hand-built YAML trees for unit tests: a JSON value becomes a [`Node`] with dummy spans.

use serde_json::Value as Json;

use crate::input::Sources;
use crate::yaml::Document;

pub(crate) use crate::cluster::convert::node;

/// Sources holding one document per JSON value (no files: spans are dummies).
pub(crate) fn sources(documents: Vec<Json>) -> Sources {
    Sources {
        files: Vec::new(),
        documents: documents
            .into_iter()
            .enumerate()
            .map(|(index, json)| Document {
                file: 0,
                index,
                root: node(json),
            })
            .collect(),
    }
}

/// Sources holding one file with `text`, parsed by the YAML stage.
pub(crate) fn parse(text: &str) -> Sources {
    let mut sources = Sources {
        files: vec![crate::input::SourceFile::in_memory("test.yaml", text)],
        documents: Vec::new(),
    };
    let diagnostics = crate::yaml::parse_file(&mut sources, 0, &crate::yaml::Limits::default());
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    sources
}
