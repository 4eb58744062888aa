//! The admission rules: what the API server's CRD validation says about an object, one
//! code per kind of check. The checks the model shares for core kinds (types, enums,
//! required fields, bounds, unknown fields) keep their codes in `model/read/rules.rs`.

use crate::diag::{Rule, rule};

rule! {
    /// ## What it does
    /// Reports an object whose apiVersion its CRD marks `deprecated: true` in the chosen Gateway
    /// API release, with the CRD's `deprecationWarning`.
    ///
    /// ## Why it matters
    /// The API server still serves the version but answers with that warning; a later release
    /// stops serving it, and the object then fails to apply.
    ///
    /// ## Example
    /// A TCPRoute in `v1alpha2`, which the experimental channel still serves:
    #[example = "testdata/rules/deprecated-api-version/err.yaml"]
    ///
    /// ## Fix
    /// Use the version given in the help (usually `gateway.networking.k8s.io/v1`).
    pub static DEPRECATED_API_VERSION {
        code: "GW0107",
        name: "deprecated-api-version",
        severity: Warning,
        stage: Schema,
        summary: "The object uses an apiVersion its CRD marks deprecated",
    }
}

rule! {
    /// ## What it does
    /// Reports a kind, an apiVersion or a field that the CRDs gwctl checks against do not serve:
    /// the chosen Gateway API release and channel (the newest standard by default;
    /// `--gateway-api-version`, `--gateway-api-channel`, `--crds`, or the cluster's own with
    /// `--cluster`). The message names the release where it appears.
    ///
    /// ## Why it matters
    /// `kubectl apply` fails on a kind or version the cluster does not serve (`no matches for
    /// kind "ListenerSet" in version "gateway.networking.k8s.io/v1"`), and refuses a field its
    /// schema does not define (`strict decoding error: unknown field
    /// "spec.rules[0].timeouts"`); clients that do not validate drop the field silently.
    ///
    /// ## Example
    /// An HTTPRoute in a version no CRD serves:
    #[example = "testdata/rules/not-served/err.yaml"]
    ///
    /// ## Fix
    /// Use a served version; check against the release the cluster runs; or upgrade the
    /// cluster's CRDs to the release named in the message.
    pub static NOT_SERVED {
        code: "GW0108",
        name: "not-served",
        severity: Error,
        stage: Schema,
        summary: "The chosen Gateway API release does not serve the kind, version or field",
    }
}

rule! {
    /// ## What it does
    /// Reports a value that does not match its schema's `pattern` (RE2), `format` (`ipv4`,
    /// `ipv6`, `date-time`, ...) or alternatives (`oneOf`, `anyOf`), in the API server's words:
    /// `spec.hostnames[0]: Invalid value: "Foo.com": spec.hostnames[0] in body should match
    /// '^(\*\.)?[a-z0-9]...$'`.
    ///
    /// ## Why it matters
    /// The API server rejects the object.
    ///
    /// ## Example
    /// An uppercase hostname:
    #[example = "testdata/rules/invalid-format/err.yaml"]
    ///
    /// ## Fix
    /// Write the value in the form the message gives.
    pub static INVALID_FORMAT {
        code: "GW0121",
        name: "invalid-format",
        severity: Error,
        stage: Schema,
        summary: "A value does not match its schema's pattern, format or alternatives",
    }
}

rule! {
    /// ## What it does
    /// Reports a duplicate in a list whose entries must be unique: a list with
    /// `x-kubernetes-list-type: set` holds each value once, one with `x-kubernetes-list-type:
    /// map` each key once (the `name` of listeners, of header modifiers, of matches).
    ///
    /// ## Why it matters
    /// The API server rejects the object: `spec.listeners[1]: Duplicate value:
    /// map[string]interface {}{"name":"http"}`.
    ///
    /// ## Example
    /// Two listeners named `http`:
    #[example = "testdata/rules/duplicate-list-entry/err.yaml"]
    ///
    /// ## Fix
    /// Remove the duplicate, or give it its own key.
    pub static DUPLICATE_LIST_ENTRY {
        code: "GW0122",
        name: "duplicate-list-entry",
        severity: Error,
        stage: Schema,
        summary: "A list whose entries must be unique has two equal ones",
    }
}

rule! {
    /// ## What it does
    /// Reports an object that breaks one of its CRD's CEL rules (`x-kubernetes-validations`),
    /// with the rule's own message: a Service backendRef needs a port, a filter's configuration
    /// must match its type, a redirect cannot be combined with backendRefs, parentRefs to one
    /// Gateway need distinct sectionNames... gwctl evaluates every rule of the chosen release as
    /// the API server does, after the CRD's defaults are applied. Rules that compare with the
    /// stored object (`oldSelf`) run only with `--cluster`, against the object as it is there.
    ///
    /// ## Why it matters
    /// The API server rejects the object: `spec.rules[0].backendRefs[0]: Invalid value: Must
    /// have port for Service reference` (Kubernetes 1.34 and older print the node's type after
    /// `Invalid value:`, e.g. `"object"`).
    ///
    /// ## Example
    /// A Service backendRef without a port:
    #[example = "testdata/rules/crd-validation-rule/err.yaml"]
    ///
    /// ## Fix
    /// Change the object so that the rule (in the help) holds; its message says how.
    pub static VALIDATION_RULE {
        code: "GW0123",
        name: "crd-validation-rule",
        severity: Error,
        stage: Schema,
        summary: "The object breaks one of its CRD's CEL validation rules",
    }
}

rule! {
    /// ## What it does
    /// Notes that the CRD's CEL rules were not evaluated for an object, because it has a
    /// blocking schema error: a wrong type or format, an unsupported enum value, a missing
    /// required field, a too long string or a too long list.
    ///
    /// ## Why it matters
    /// The API server skips the rules in that case too, with the same note (`some validation
    /// rules were not checked because the object was invalid; correct the existing errors to
    /// complete validation`): more problems may show once those are fixed.
    ///
    /// ## Example
    /// An unsupported path match type:
    #[example = "testdata/rules/validation-rules-not-checked/err.yaml"]
    ///
    /// ## Fix
    /// Fix the other errors of the object and run gwctl again.
    pub static RULES_NOT_CHECKED {
        code: "GW0124",
        name: "validation-rules-not-checked",
        severity: Info,
        stage: Schema,
        summary: "The CRD's CEL rules were not evaluated because of a blocking schema error",
    }
}

rule! {
    /// ## What it does
    /// Reports a CEL rule of the CRDs that gwctl cannot evaluate: it does not parse, or calls a
    /// function gwctl's CEL library does not have (usually CRDs from `--crds` or a cluster,
    /// newer than gwctl). gwctl does not guess the outcome.
    ///
    /// ## Why it matters
    /// The object may or may not be accepted: the check is incomplete.
    ///
    /// ## Example
    /// An object whose CRD's rule calls an unknown function (`--crds` with that CRD):
    #[example = "testdata/rules/validation-rule-not-evaluated/err.yaml"]
    ///
    /// ## Fix
    /// Check the object against the cluster (`kubectl apply --dry-run=server`).
    pub static RULE_NOT_EVALUATED {
        code: "GW0125",
        name: "validation-rule-not-evaluated",
        severity: Warning,
        stage: Schema,
        summary: "gwctl cannot evaluate a CEL rule of the CRDs",
    }
}

rule! {
    /// ## What it does
    /// Reports a kind, an apiVersion or a field that the assumed channel of the chosen Gateway
    /// API release does not serve but its other channel does, when no channel was given
    /// (`--gateway-api-channel`, `gatewayApiChannel` in `.gwctl.yaml`, `--crds` or
    /// `--cluster`). gwctl then assumes the standard channel; the object is validated against
    /// the channel that serves it, so its real errors still show.
    ///
    /// ## Why it matters
    /// Whether the API server accepts the object depends on which channel the cluster
    /// installed, and the input does not say: on the experimental channel it is accepted, on
    /// the standard channel `kubectl apply` fails (`no matches for kind "TCPRoute" in version
    /// "gateway.networking.k8s.io/v1alpha2"`). Many controllers' guides install the
    /// experimental channel for TCPRoute, TLSRoute and UDPRoute.
    ///
    /// ## Example
    /// A TCPRoute in `v1alpha2`, which only the experimental channel serves:
    #[example = "testdata/rules/other-channel-only/err.yaml"]
    ///
    /// ## Fix
    /// Say which channel the cluster runs (`--gateway-api-channel experimental`, or
    /// `gatewayApiChannel` in `.gwctl.yaml`), check against the cluster's CRDs with
    /// `--cluster`, or use what the standard channel serves.
    pub static OTHER_CHANNEL_ONLY {
        code: "GW0126",
        name: "other-channel-only",
        severity: Warning,
        stage: Schema,
        summary: "Only the channel gwctl did not assume serves the kind, version or field",
    }
}

/// The rules of this stage, in code order.
pub static RULES: &[&Rule] = &[
    &DEPRECATED_API_VERSION,
    &NOT_SERVED,
    &INVALID_FORMAT,
    &DUPLICATE_LIST_ENTRY,
    &VALIDATION_RULE,
    &RULES_NOT_CHECKED,
    &RULE_NOT_EVALUATED,
    &OTHER_CHANNEL_ONLY,
];
