//! ReferenceGrant and BackendTLSPolicy: objects that grant or configure access to others.

use super::{Meta, ObjectRef};

#[derive(Debug, Clone)]
pub struct ReferenceGrant {
    pub meta: Meta,
    pub from: Vec<GrantFrom>,
    pub to: Vec<GrantTo>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantFrom {
    pub group: String,
    pub kind: String,
    pub namespace: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantTo {
    pub group: String,
    pub kind: String,
    pub name: Option<String>,
}

#[derive(Debug, Clone)]
pub struct BackendTlsPolicy {
    pub meta: Meta,
    /// `spec.targetRefs`: group, kind, name, sectionName.
    pub target_refs: Vec<PolicyTargetRef>,
    pub ca_certificate_refs: Vec<ObjectRef>,
    pub well_known_ca_certificates: Option<String>,
    pub hostname: Option<String>,
    pub subject_alt_names: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyTargetRef {
    pub group: String,
    pub kind: String,
    pub name: String,
    pub section_name: Option<String>,
}
