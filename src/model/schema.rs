//! What the model needs from the CRDs: the schema of each object, so that a field the
//! user left out reads as the CRD's `default:`, as the API server stores it. The CRD
//! tables live in `admission` (a layer above) and are handed down through
//! [`CrdSchemas`]; the model never hard-codes a Gateway API default.

use crate::yaml::Node;

/// A node of a CRD schema, as the table that owns it numbers them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SchemaId(pub u32);

/// The schemas of the CRDs a run reads objects against.
pub trait CrdSchemas: Sync {
    /// The schema of an object of `kind` in `api_version`. When the chosen CRDs do not
    /// serve that version (or kind), a schema of the kind from elsewhere, so the object is
    /// still read with the defaults it would have; `None` for kinds no CRD defines.
    fn object(&self, api_version: &str, kind: &str) -> Option<SchemaId>;
    /// The schema of property `name` of an object schema.
    fn property(&self, schema: SchemaId, name: &str) -> Option<SchemaId>;
    /// The schema of the items of a list schema.
    fn items(&self, schema: SchemaId) -> Option<SchemaId>;
    /// The value the API server stores when the field is absent.
    fn default(&self, schema: SchemaId) -> Option<Node<'_>>;
}
