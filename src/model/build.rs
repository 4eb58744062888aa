//! Building the typed model from YAML documents.

use super::World;
use crate::diag::Diagnostic;
use crate::input::Sources;

/// Rules of the model stage.
pub static RULES: &[&crate::diag::Rule] = &[];

/// Options that change how objects are read.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// Namespace of namespaced objects that do not set one (as `kubectl apply` would).
    pub default_namespace: String,
}

/// Reads every document of `sources` into the world.
pub fn build(sources: &Sources, options: &BuildOptions) -> (World, Vec<Diagnostic>) {
    let _ = (sources, options);
    (World::default(), Vec::new())
}
