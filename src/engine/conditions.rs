//! The engine's vocabulary: status conditions as a controller writes them, the verdicts the
//! judgements reach, the names of condition types and reasons (§5, §12), and listener
//! identities. Every other engine module speaks in these words; none of them is defined
//! where it happens to be used first.

use crate::diag::{Diagnostic, Location, Related, Rule};

/// Condition types.
pub mod types {
    pub const ACCEPTED: &str = "Accepted";
    pub const PROGRAMMED: &str = "Programmed";
    pub const RESOLVED_REFS: &str = "ResolvedRefs";
    pub const CONFLICTED: &str = "Conflicted";
    pub const OVERLAPPING_TLS_CONFIG: &str = "OverlappingTLSConfig";
    pub const INSECURE_FRONTEND_VALIDATION_MODE: &str = "InsecureFrontendValidationMode";
}

/// Condition reasons, as the Gateway API names them.
pub mod reasons {
    // Positive reasons share their condition type's name.
    pub const ACCEPTED: &str = "Accepted";
    pub const PROGRAMMED: &str = "Programmed";
    pub const RESOLVED_REFS: &str = "ResolvedRefs";
    /// Not (yet) decided: the input lacks what decides it, or no controller looked.
    pub const PENDING: &str = "Pending";
    pub const INVALID: &str = "Invalid";

    // Route parents.
    pub const NO_MATCHING_PARENT: &str = "NoMatchingParent";
    pub const NOT_ALLOWED_BY_LISTENERS: &str = "NotAllowedByListeners";
    pub const NO_MATCHING_LISTENER_HOSTNAME: &str = "NoMatchingListenerHostname";

    // References.
    pub const INVALID_KIND: &str = "InvalidKind";
    pub const REF_NOT_PERMITTED: &str = "RefNotPermitted";
    pub const BACKEND_NOT_FOUND: &str = "BackendNotFound";
    pub const UNSUPPORTED_PROTOCOL: &str = "UnsupportedProtocol";
    pub const INVALID_CERTIFICATE_REF: &str = "InvalidCertificateRef";
    pub const INVALID_CA_CERTIFICATE_REF: &str = "InvalidCACertificateRef";
    pub const INVALID_CA_CERTIFICATE_KIND: &str = "InvalidCACertificateKind";
    pub const INVALID_CLIENT_CERTIFICATE_REF: &str = "InvalidClientCertificateRef";

    // Listeners.
    pub const UNSUPPORTED_VALUE: &str = "UnsupportedValue";
    pub const INVALID_ROUTE_KINDS: &str = "InvalidRouteKinds";
    pub const NO_VALID_CA_CERTIFICATE: &str = "NoValidCACertificate";
    pub const HOSTNAME_CONFLICT: &str = "HostnameConflict";
    pub const PROTOCOL_CONFLICT: &str = "ProtocolConflict";
    pub const NO_CONFLICTS: &str = "NoConflicts";

    // Gateways and ListenerSets.
    pub const LISTENERS_NOT_VALID: &str = "ListenersNotValid";
    pub const INVALID_PARAMETERS: &str = "InvalidParameters";
    pub const NOT_ALLOWED: &str = "NotAllowed";
    pub const PARENT_NOT_ACCEPTED: &str = "ParentNotAccepted";
    pub const CONFIGURATION_CHANGED: &str = "ConfigurationChanged";
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ConditionStatus {
    True,
    False,
    Unknown,
}

impl ConditionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ConditionStatus::True => "True",
            ConditionStatus::False => "False",
            ConditionStatus::Unknown => "Unknown",
        }
    }
}

/// A status condition as a controller writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    pub type_: String,
    pub status: ConditionStatus,
    pub reason: String,
    pub message: String,
}

impl Condition {
    pub fn new(
        type_: &str,
        status: ConditionStatus,
        reason: &str,
        message: impl Into<String>,
    ) -> Self {
        Condition {
            type_: type_.to_string(),
            status,
            reason: reason.to_string(),
            message: message.into(),
        }
    }

    /// Whether this condition's `True` is the bad outcome (negative polarity, as the
    /// Gateway API calls `Conflicted` and `OverlappingTLSConfig`).
    pub fn is_negative_polarity(&self) -> bool {
        [types::CONFLICTED, types::OVERLAPPING_TLS_CONFIG].contains(&self.type_.as_str())
    }
}

/// A computed condition verdict (the type is implied by the field holding it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub status: ConditionStatus,
    pub reason: String,
    pub message: String,
}

impl Verdict {
    pub fn new(status: ConditionStatus, reason: &str, message: impl Into<String>) -> Self {
        Verdict {
            status,
            reason: reason.to_string(),
            message: message.into(),
        }
    }
    pub fn is_true(&self) -> bool {
        self.status == ConditionStatus::True
    }
    /// The condition of type `type_` this verdict is written as.
    pub fn condition(&self, type_: &str) -> Condition {
        Condition::new(type_, self.status, &self.reason, self.message.clone())
    }
}

/// An object whose absence from the input (or unknown content) leaves a verdict open: what
/// it is, and why it decides. Each `Unknown` decision names the objects that would settle
/// it, so `simulate` can say what to supply instead of guessing.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Unknown {
    pub kind: String,
    /// `""` for cluster-scoped kinds (GatewayClass, Namespace).
    pub namespace: String,
    pub name: String,
    /// What it decides and how to supply it.
    pub why: String,
}

impl Unknown {
    pub fn new(kind: &str, namespace: &str, name: &str, why: impl Into<String>) -> Self {
        Unknown {
            kind: kind.to_string(),
            namespace: namespace.to_string(),
            name: name.to_string(),
            why: why.into(),
        }
    }
}

impl std::fmt::Display for Unknown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.namespace.is_empty() {
            write!(f, "{} {}", self.kind, self.name)
        } else {
            write!(f, "{} {}/{}", self.kind, self.namespace, self.name)
        }
    }
}

/// The outcome of one judgement (a parentRef's admission, a listener's validity, a
/// reference's resolution): its status, reason and message and, when the judgement is
/// reported, the finding that explains it. Both are made from one message in
/// [`Decision::reported`], so the condition, the refusal built from it and the diagnostic
/// cannot disagree.
#[derive(Debug, Clone)]
pub struct Decision {
    pub status: ConditionStatus,
    /// One of [`reasons`].
    pub reason: &'static str,
    pub message: String,
    /// Boxed: decisions travel in `Result`s, and most are not reported.
    pub finding: Option<Box<Diagnostic>>,
    /// For an `Unknown` decision: the objects that would settle it.
    pub unknowns: Vec<Unknown>,
}

impl Decision {
    /// A decision that no finding reports (a success, or a problem reported elsewhere).
    pub fn silent(
        status: ConditionStatus,
        reason: &'static str,
        message: impl Into<String>,
    ) -> Self {
        Decision {
            status,
            reason,
            message: message.into(),
            finding: None,
            unknowns: Vec::new(),
        }
    }
    /// A decision reported by `rule` at `at`, with the decision's message.
    pub fn reported(
        rule: &'static Rule,
        at: Location,
        status: ConditionStatus,
        reason: &'static str,
        message: String,
    ) -> Self {
        Decision {
            status,
            reason,
            finding: Some(Box::new(Diagnostic::new(rule, message.clone()).at(at))),
            message,
            unknowns: Vec::new(),
        }
    }
    /// An object that would settle this (`Unknown`) decision.
    pub fn unknown(mut self, unknown: Unknown) -> Self {
        self.unknowns.push(unknown);
        self
    }
    /// The fix the finding suggests.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        if let Some(d) = &mut self.finding {
            d.help = Some(help.into());
        }
        self
    }
    /// A secondary location of the finding.
    pub fn related(mut self, location: Location, label: impl Into<String>) -> Self {
        if let Some(d) = &mut self.finding {
            d.related.push(Related {
                location,
                label: label.into(),
            });
        }
        self
    }
    /// Appends the finding (if any) to `diags`; returns the verdict.
    pub fn record(self, diags: &mut Vec<Diagnostic>) -> Verdict {
        diags.extend(self.finding.map(|d| *d));
        Verdict::new(self.status, self.reason, self.message)
    }
}

/// Whether one backendRef (or mirror backendRef) resolves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BackendVerdict {
    Valid,
    /// The ResolvedRefs reason (`InvalidKind`, `RefNotPermitted`, `BackendNotFound`,
    /// `UnsupportedProtocol`) and a message.
    Invalid {
        reason: String,
        message: String,
    },
    /// Depends on an object the input does not contain (open world).
    Unknown {
        message: String,
    },
}

impl From<Verdict> for BackendVerdict {
    fn from(v: Verdict) -> Self {
        match v.status {
            ConditionStatus::True => BackendVerdict::Valid,
            ConditionStatus::False => BackendVerdict::Invalid {
                reason: v.reason,
                message: v.message,
            },
            ConditionStatus::Unknown => BackendVerdict::Unknown { message: v.message },
        }
    }
}

/// Which object owns a listener.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ListenerOwner {
    /// Index into `World::gateways`.
    Gateway(usize),
    /// Index into `World::listener_sets`.
    ListenerSet(usize),
}

/// A listener: its owner and its index in the owner's `spec.listeners`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ListenerId {
    pub owner: ListenerOwner,
    pub index: usize,
}
