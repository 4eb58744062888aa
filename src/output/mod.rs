//! Rendering: human (miette snippets), table, JSON (`../shared/docs/report-format.md`), YAML.
//! Output never analyses: it renders an [`crate::engine::Analysis`] and the sources.
