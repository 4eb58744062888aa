//! The object rules of the model (GW0100-GW0199): an object's identity, and the schema
//! checks it shares with admission (`admission/rules.rs` has the others). For the Gateway
//! API kinds, admission reports these checks from the CRDs in the API server's words; the
//! model reports them for the core kinds it reads (Service, Namespace, Secret, ConfigMap)
//! and for every object's `metadata`.

use crate::diag::{Rule, rule};

rule! {
    /// ## What it does
    /// Reports a YAML document that is not a mapping: a list, a plain string or a number at the
    /// top level. Every document must be a mapping with `apiVersion`, `kind` and `metadata`. The
    /// document is skipped.
    ///
    /// ## Why it matters
    /// Such a document is not a Kubernetes object: nothing in it can be applied or checked.
    ///
    /// ## Example
    /// A document that is a list:
    #[example = "testdata/rules/invalid-document/err.yaml"]
    ///
    /// ## Fix
    /// Remove the leading `- ` (one object per document, separated by `---`), or wrap the objects
    /// in a `kind: List` with `items:`.
    pub static INVALID_DOCUMENT {
        code: "GW0100",
        name: "invalid-document",
        severity: Error,
        stage: Schema,
        summary: "A document is not a Kubernetes object (its root is not a mapping)",
    }
}

rule! {
    /// ## What it does
    /// Reports an object without `apiVersion`. gwctl skips the object.
    ///
    /// ## Why it matters
    /// Without `apiVersion` the API server cannot tell which schema the object uses, and rejects
    /// it.
    ///
    /// ## Example
    /// A Namespace without `apiVersion`:
    #[example = "testdata/rules/missing-api-version/err.yaml"]
    ///
    /// ## Fix
    /// Add the group and version, e.g. `apiVersion: gateway.networking.k8s.io/v1` (`v1` for a
    /// Namespace).
    pub static MISSING_API_VERSION {
        code: "GW0101",
        name: "missing-api-version",
        severity: Error,
        stage: Schema,
        summary: "An object has no `apiVersion`",
    }
}

rule! {
    /// ## What it does
    /// Reports an object without `kind`. gwctl skips it.
    ///
    /// ## Why it matters
    /// Without `kind` the object cannot be created.
    ///
    /// ## Example
    /// A Namespace without `kind`:
    #[example = "testdata/rules/missing-kind/err.yaml"]
    ///
    /// ## Fix
    /// Add the kind, e.g. `kind: HTTPRoute`.
    pub static MISSING_KIND {
        code: "GW0102",
        name: "missing-kind",
        severity: Error,
        stage: Schema,
        summary: "An object has no `kind`",
    }
}

rule! {
    /// ## What it does
    /// Reports an object without `metadata.name`. gwctl skips the object.
    ///
    /// ## Why it matters
    /// Every object needs a name: `generateName` is not enough for `kubectl apply`, and nothing
    /// could refer to the generated name.
    ///
    /// ## Example
    /// A Namespace with labels but no name:
    #[example = "testdata/rules/missing-name/err.yaml"]
    ///
    /// ## Fix
    /// Add `metadata.name`.
    pub static MISSING_NAME {
        code: "GW0103",
        name: "missing-name",
        severity: Error,
        stage: Schema,
        summary: "An object has no `metadata.name`",
    }
}

rule! {
    /// ## What it does
    /// Reports a field whose value has the wrong type (e.g. a number where a string is expected),
    /// in the API server's words: `spec.listeners[0].port: Invalid value: "string":
    /// spec.listeners[0].port in body must be of type integer: "string"`. An unquoted `yes`,
    /// `no`, `on` or `off` counts as the boolean Kubernetes reads it as (YAML 1.1). gwctl reads
    /// the object as if the field were absent; a number or boolean where a string is expected is
    /// read as its text, and a quoted integer where an integer is expected is read as the
    /// integer.
    ///
    /// ## Why it matters
    /// The API server rejects the object. Common causes are unquoted label values (`expose: true`,
    /// `version: 1.0`), quoted numbers (`port: "80"`) and a single value where a list is expected.
    ///
    /// ## Example
    /// A listener port given as a list:
    #[example = "testdata/rules/invalid-field-type/err.yaml"]
    ///
    /// ## Fix
    /// Quote the value, remove the quotes, or write a list (`- item`), as the help says.
    pub static INVALID_FIELD_TYPE {
        code: "GW0104",
        name: "invalid-field-type",
        severity: Error,
        stage: Schema,
        summary: "A field has the wrong type (e.g. a number where a string is expected)",
    }
}

rule! {
    /// ## What it does
    /// Reports a field whose value is outside the set its schema lists. Fields such as
    /// `allowedRoutes.namespaces.from`, `path.type`, `filters[].type`, `tls.mode` or a selector
    /// `operator` only accept listed values, case-sensitively. gwctl keeps the value as written
    /// and treats it as unknown.
    ///
    /// ## Why it matters
    /// The API server rejects any other value: `...namespaces.from: Unsupported value: "all":
    /// supported values: "All", "Selector", "Same", "None"`.
    ///
    /// ## Example
    /// `allowedRoutes.namespaces.from` must be All, Same, Selector or None:
    #[example = "testdata/rules/unknown-enum-value/err.yaml"]
    ///
    /// ## Fix
    /// Use one of the values listed in the message.
    pub static UNKNOWN_ENUM_VALUE {
        code: "GW0105",
        name: "unknown-enum-value",
        severity: Error,
        stage: Schema,
        summary: "A field has a value outside its allowed set",
    }
}

rule! {
    /// ## What it does
    /// Reports a field the schema requires that is missing (and has no default): a listener's
    /// `name` or `port`, a parentRef's `name`, a ReferenceGrant's `from` and `to`, ... gwctl
    /// skips the incomplete part (a listener or reference without a name) or reads the rest of
    /// it.
    ///
    /// ## Why it matters
    /// The API server rejects the object: `spec.listeners[0].port: Required value`.
    ///
    /// ## Example
    /// A listener without a `port`:
    #[example = "testdata/rules/missing-required-field/err.yaml"]
    ///
    /// ## Fix
    /// Add the field named in the message.
    pub static MISSING_REQUIRED_FIELD {
        code: "GW0106",
        name: "missing-required-field",
        severity: Error,
        stage: Schema,
        summary: "A required field is missing",
    }
}

rule! {
    /// ## What it does
    /// Reports a kind that differs from a Gateway API or core kind only in letter case. gwctl
    /// ignores the object.
    ///
    /// ## Why it matters
    /// Kinds are case-sensitive: `HttpRoute` is not `HTTPRoute`, and `kubectl apply` fails
    /// (`no matches for kind "HttpRoute" in version "gateway.networking.k8s.io/v1"`).
    ///
    /// ## Example
    /// `HttpRoute` instead of `HTTPRoute`:
    #[example = "testdata/rules/misspelled-kind/err.yaml"]
    ///
    /// ## Fix
    /// Spell the kind as in the help (`HTTPRoute`).
    pub static MISSPELLED_KIND {
        code: "GW0109",
        name: "misspelled-kind",
        severity: Error,
        stage: Schema,
        summary: "A kind differs from a Gateway API or core kind only in letter case",
    }
}

rule! {
    /// ## What it does
    /// Reports a value outside its schema's bounds: a number outside `minimum`/`maximum` (ports
    /// 1-65535, weights 0-1000000), a string outside `minLength`/`maxLength` (in characters), a
    /// list outside `minItems`/`maxItems` (at most 16 hostnames), in the API server's words
    /// (`...port in body should be less than or equal to 65535`, `spec.hostnames: Too many: 17:
    /// must have at most 16 items`).
    ///
    /// ## Why it matters
    /// The API server rejects the object.
    ///
    /// ## Example
    /// A listener port out of range:
    #[example = "testdata/rules/value-out-of-range/err.yaml"]
    ///
    /// ## Fix
    /// Use a value within the bounds given in the message.
    pub static VALUE_OUT_OF_RANGE {
        code: "GW0117",
        name: "value-out-of-range",
        severity: Error,
        stage: Schema,
        summary: "A value is outside its schema's bounds (number range, length, item count)",
    }
}

rule! {
    /// ## What it does
    /// Reports a field the object's schema does not define, with the nearest known field when
    /// there is one. A field that another Gateway API release defines is GW0108 (not served)
    /// instead.
    ///
    /// ## Why it matters
    /// `kubectl apply` validates fields strictly (its default) and rejects the object
    /// (`strict decoding error: unknown field "spec.parentRef"`). Clients that do not validate
    /// (Helm, Argo CD, Flux) send it anyway and the API server silently drops the field, so the
    /// setting is lost without a word: a listener's `hostnames` (instead of `hostname`) accepts
    /// every hostname, a rule's `backendRef` (instead of `backendRefs`) sends traffic nowhere.
    ///
    /// ## Example
    /// `parentRef` instead of `parentRefs`: the route would attach nowhere:
    #[example = "testdata/rules/unknown-field/err.yaml"]
    ///
    /// ## Fix
    /// Rename the field as the help says, or remove it.
    pub static UNKNOWN_FIELD {
        code: "GW0118",
        name: "unknown-field",
        severity: Error,
        stage: Schema,
        summary: "A field the object's schema does not define",
    }
}

rule! {
    /// ## What it does
    /// Reports two documents that define the same object: the same API group, kind, namespace and
    /// name (the apiVersion does not matter: `gateway.networking.k8s.io/v1` and `/v1beta1`
    /// HTTPRoutes of one name are one object).
    ///
    /// gwctl does what `kubectl apply` does: it judges only the **last** definition (status, other
    /// findings, `simulate`), and drops the earlier ones. The object keeps the first definition's
    /// place in creation order, since the first apply created it. Findings about the fields of an
    /// earlier definition (schema errors) are still reported. A local file that replaces an
    /// object read from a cluster (`--cluster`) is an overlay, not a duplicate.
    ///
    /// ## Why it matters
    /// `kubectl apply -f dir/` applies the definitions in turn, and the later one replaces the
    /// earlier one, which silently disappears: usually a copy-pasted route that kept its name, or
    /// a Gateway defined in two files.
    ///
    /// ## Example
    /// The fixture is a directory; its `routes-1.yaml`:
    #[example = "testdata/rules/duplicate-object/err/routes-1.yaml"]
    /// and its `routes-2.yaml`, which defines the same HTTPRoute `infra/web`:
    #[example = "testdata/rules/duplicate-object/err/routes-2.yaml"]
    ///
    /// ## Fix
    /// Rename one of the objects (when both are meant to exist), or remove the one that is not
    /// meant.
    pub static DUPLICATE_OBJECT {
        code: "GW0119",
        name: "duplicate-object",
        severity: Error,
        stage: Schema,
        summary: "The input defines the same object twice",
    }
}

rule! {
    /// ## What it does
    /// Reports an unquoted `y`, `yes`, `on`, `n`, `no` or `off` (in lower, capitalised or upper
    /// case) where Kubernetes expects a string. gwctl reports the field and reads it as the string
    /// written.
    ///
    /// ## Why it matters
    /// gwctl reads YAML 1.2, where a plain `yes` is a string. `kubectl` and the API server read
    /// manifests as YAML 1.1 (sigs.k8s.io/yaml), where `y`, `yes`, `on` (true) and `n`, `no`,
    /// `off` (false) are booleans. A boolean where the schema wants a string is rejected (`cannot
    /// unmarshal bool into Go struct field ... of type string`), and so is one in a map of strings
    /// such as `labels` or `matchLabels`.
    ///
    /// ## Example
    /// Unquoted `on` and `yes`, booleans to Kubernetes' YAML 1.1 decoder:
    #[example = "testdata/rules/yaml11-boolean-string/err.yaml"]
    ///
    /// ## Fix
    /// Quote the value: `value: "yes"`.
    pub static YAML11_BOOLEAN_STRING {
        code: "GW0120",
        name: "yaml11-boolean-string",
        severity: Error,
        stage: Schema,
        summary: "An unquoted `yes`, `no`, `on`, `off`, `y` or `n` is a boolean to Kubernetes",
    }
}

/// Every rule of this stage, in code order.
pub static RULES: &[&Rule] = &[
    &INVALID_DOCUMENT,
    &MISSING_API_VERSION,
    &MISSING_KIND,
    &MISSING_NAME,
    &INVALID_FIELD_TYPE,
    &UNKNOWN_ENUM_VALUE,
    &MISSING_REQUIRED_FIELD,
    &MISSPELLED_KIND,
    &VALUE_OUT_OF_RANGE,
    &UNKNOWN_FIELD,
    &DUPLICATE_OBJECT,
    &YAML11_BOOLEAN_STRING,
];
