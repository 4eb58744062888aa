//! The object-schema rules (GW0100-GW0199): what the API server's schema and CEL validation
//! would reject or warn about before any controller sees the object.

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
    /// Reports a field whose value has the wrong type (e.g. a number where a string is expected).
    /// gwctl reads the object as if the field were absent; a number or boolean where a string is
    /// expected is read as its text, and a quoted integer where an integer is expected is read as
    /// the integer.
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
    /// Quote the value, remove the quotes, or write a list (`- item`), as the message says.
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
    /// Reports a field whose value is outside its allowed set. Fields such as
    /// `allowedRoutes.namespaces.from`, `path.type`, `filters[].type`, `tls.mode` or a selector
    /// `operator` only accept listed values, case-sensitively. gwctl keeps the value as written
    /// and treats it as unknown.
    ///
    /// ## Why it matters
    /// The API server rejects any other value.
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
    /// Reports a field the schema requires that is missing: a listener's `name` or `port`, a
    /// parentRef's `name`, a filter's configuration for its `type`, ... gwctl skips the incomplete
    /// part (a listener or reference without a name) or reads the rest of it.
    ///
    /// ## Why it matters
    /// The API server rejects the object.
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
    /// Reports a Gateway API object whose apiVersion is deprecated or no longer served by the
    /// current CRDs (for example `v1alpha2` TCPRoute is served only by the experimental channel,
    /// and `v1alpha2` HTTPRoute not at all). gwctl reads it with the current schema.
    ///
    /// ## Why it matters
    /// Applying the object may fail, or stop working after a CRD upgrade.
    ///
    /// ## Example
    /// An HTTPRoute in `v1alpha2`, which is no longer served:
    #[example = "testdata/rules/deprecated-api-version/err.yaml"]
    ///
    /// ## Fix
    /// Use the version given in the help (usually `gateway.networking.k8s.io/v1`).
    pub static DEPRECATED_API_VERSION {
        code: "GW0107",
        name: "deprecated-api-version",
        severity: Warning,
        stage: Schema,
        summary: "A Gateway API kind uses a deprecated or no longer served apiVersion",
    }
}

rule! {
    /// ## What it does
    /// Reports an object of a known kind whose version is not one the Gateway API CRDs (or core
    /// Kubernetes) define. gwctl still reads it with the current schema.
    ///
    /// ## Why it matters
    /// The API server will not accept the object.
    ///
    /// ## Example
    /// An HTTPRoute in a version no CRD serves:
    #[example = "testdata/rules/unknown-api-version/err.yaml"]
    ///
    /// ## Fix
    /// Use a served version, e.g. `gateway.networking.k8s.io/v1`.
    pub static UNKNOWN_API_VERSION {
        code: "GW0108",
        name: "unknown-api-version",
        severity: Warning,
        stage: Schema,
        summary: "A known kind uses an apiVersion that no CRD serves",
    }
}

rule! {
    /// ## What it does
    /// Reports a kind that differs from a Gateway API or core kind only in letter case. gwctl
    /// ignores the object.
    ///
    /// ## Why it matters
    /// Kinds are case-sensitive: `HttpRoute` is not `HTTPRoute`, and the API server does not know
    /// the misspelled kind.
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
        severity: Warning,
        stage: Schema,
        summary: "A kind differs from a Gateway API or core kind only in letter case",
    }
}

rule! {
    /// ## What it does
    /// Reports a backendRef (or a mirror's backendRef) that names a Service but has no `port`.
    ///
    /// ## Why it matters
    /// A Service has no default port, so the CRD's validation requires `port` when a backendRef
    /// names a Service: the API server rejects the route.
    ///
    /// ## Example
    /// A backendRef to Service `web` (the default kind) without a port:
    #[example = "testdata/rules/backend-ref-without-port/err.yaml"]
    ///
    /// ## Fix
    /// Add the Service port, e.g. `port: 8080`.
    pub static BACKEND_REF_WITHOUT_PORT {
        code: "GW0110",
        name: "backend-ref-without-port",
        severity: Error,
        stage: Schema,
        summary: "A backendRef to a Service has no `port`",
    }
}

rule! {
    /// ## What it does
    /// Reports a rule that combines a `RequestRedirect` filter with a `URLRewrite` filter.
    ///
    /// ## Why it matters
    /// A redirect answers the client and a rewrite changes the request sent to a backend: the two
    /// cannot be combined in one rule (CRD validation), and the API server rejects the route.
    ///
    /// ## Example
    #[example = "testdata/rules/redirect-with-rewrite/err.yaml"]
    ///
    /// ## Fix
    /// Keep one of the two filters, or split the rule.
    pub static REDIRECT_WITH_REWRITE {
        code: "GW0111",
        name: "redirect-with-rewrite",
        severity: Error,
        stage: Schema,
        summary: "A rule combines `RequestRedirect` with `URLRewrite`",
    }
}

rule! {
    /// ## What it does
    /// Reports a `ReplacePrefixMatch` path modifier in a rule that does not have exactly one
    /// match, a `PathPrefix` path match.
    ///
    /// ## Why it matters
    /// `replacePrefixMatch` replaces the matched prefix, so the rule must have exactly one match,
    /// and that match must be a `PathPrefix` path match (CRD validation): the API server rejects
    /// the route.
    ///
    /// ## Example
    /// `ReplacePrefixMatch` on an `Exact` path match:
    #[example = "testdata/rules/replace-prefix-without-path-prefix/err.yaml"]
    ///
    /// ## Fix
    /// Use `type: PathPrefix` for the match, or `ReplaceFullPath` for the rewrite.
    pub static REPLACE_PREFIX_WITHOUT_PATH_PREFIX {
        code: "GW0112",
        name: "replace-prefix-without-path-prefix",
        severity: Error,
        stage: Schema,
        summary: "`ReplacePrefixMatch` is used without exactly one `PathPrefix` match",
    }
}

rule! {
    /// ## What it does
    /// Reports a hostname that is an IP address or not a valid DNS name. Hostnames must be
    /// lowercase DNS names (RFC 1123, so not `Example.COM`), optionally starting with one `*.`
    /// wildcard label where a wildcard is allowed. IP addresses are not allowed.
    ///
    /// ## Why it matters
    /// The API server rejects the object.
    ///
    /// ## Example
    /// An IP address as a route hostname:
    #[example = "testdata/rules/invalid-hostname/err.yaml"]
    ///
    /// ## Fix
    /// Use a DNS name such as `example.com` or `*.example.com`.
    pub static INVALID_HOSTNAME {
        code: "GW0113",
        name: "invalid-hostname",
        severity: Error,
        stage: Schema,
        summary: "A hostname is an IP address or not a valid DNS name",
    }
}

rule! {
    /// ## What it does
    /// Reports an `Exact` or `PathPrefix` path value that is not an absolute, normalized path: it
    /// must start with `/` and must not contain `//`, `/./`, `/../`, `%2f`, `%2F` or `#`, nor end
    /// with `/.` or `/..`.
    ///
    /// ## Why it matters
    /// The CRD's validation rejects the route.
    ///
    /// ## Example
    /// A `PathPrefix` value that does not start with `/`:
    #[example = "testdata/rules/invalid-path-value/err.yaml"]
    ///
    /// ## Fix
    /// Write the path as it appears in the request, e.g. `/api`.
    pub static INVALID_PATH_VALUE {
        code: "GW0114",
        name: "invalid-path-value",
        severity: Error,
        stage: Schema,
        summary: "An `Exact`/`PathPrefix` path is not an absolute, normalized path",
    }
}

rule! {
    /// ## What it does
    /// Reports a filter type that appears more than once in one rule's (or one backendRef's)
    /// `filters`. Only `RequestMirror` and `ExtensionRef` may repeat.
    ///
    /// ## Why it matters
    /// The CRD's validation rejects the route.
    ///
    /// ## Example
    /// Two `RequestHeaderModifier` filters in one rule:
    #[example = "testdata/rules/duplicate-filter/err.yaml"]
    ///
    /// ## Fix
    /// Merge the two filters into one.
    pub static DUPLICATE_FILTER {
        code: "GW0115",
        name: "duplicate-filter",
        severity: Error,
        stage: Schema,
        summary: "A filter type appears more than once in one rule or backendRef",
    }
}

rule! {
    /// ## What it does
    /// Reports a rule with a `RequestRedirect` filter that also has `backendRefs`.
    ///
    /// ## Why it matters
    /// A redirect answers the client itself, so the rule must not also send traffic to backends
    /// (CRD validation): the API server rejects the route.
    ///
    /// ## Example
    #[example = "testdata/rules/redirect-with-backend-refs/err.yaml"]
    ///
    /// ## Fix
    /// Remove `backendRefs`, or move the redirect to its own rule.
    pub static REDIRECT_WITH_BACKEND_REFS {
        code: "GW0116",
        name: "redirect-with-backend-refs",
        severity: Error,
        stage: Schema,
        summary: "A rule with a `RequestRedirect` filter also has `backendRefs`",
    }
}

rule! {
    /// ## What it does
    /// Reports a field whose value is out of range or malformed: ports must be 1-65535, weights
    /// 0-1000000, a mirror percent 0-100, a redirect `statusCode` one of 301, 302, 303, 307, 308,
    /// and so on.
    ///
    /// ## Why it matters
    /// The API server rejects the object.
    ///
    /// ## Example
    /// A listener port out of range:
    #[example = "testdata/rules/invalid-field-value/err.yaml"]
    ///
    /// ## Fix
    /// Use a value in the range given in the message.
    pub static INVALID_FIELD_VALUE {
        code: "GW0117",
        name: "invalid-field-value",
        severity: Error,
        stage: Schema,
        summary: "A field's value is out of range or malformed",
    }
}

rule! {
    /// ## What it does
    /// Reports an unknown field that is a near-miss of a known one. gwctl reports unknown fields
    /// only when they are close to a known field of that object.
    ///
    /// ## Why it matters
    /// The API server silently drops fields its schema does not know, so a misspelled field is
    /// lost without an error: a listener's `hostnames` (instead of `hostname`) accepts every
    /// hostname, a rule's `backendRef` (instead of `backendRefs`) sends traffic nowhere.
    ///
    /// ## Example
    /// `parentRef` instead of `parentRefs`: the route would attach nowhere:
    #[example = "testdata/rules/misspelled-field/err.yaml"]
    ///
    /// ## Fix
    /// Rename the field as the help says.
    pub static MISSPELLED_FIELD {
        code: "GW0118",
        name: "misspelled-field",
        severity: Warning,
        stage: Schema,
        summary: "An unknown field is a near-miss of a known one",
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
    &DEPRECATED_API_VERSION,
    &UNKNOWN_API_VERSION,
    &MISSPELLED_KIND,
    &BACKEND_REF_WITHOUT_PORT,
    &REDIRECT_WITH_REWRITE,
    &REPLACE_PREFIX_WITHOUT_PATH_PREFIX,
    &INVALID_HOSTNAME,
    &INVALID_PATH_VALUE,
    &DUPLICATE_FILTER,
    &REDIRECT_WITH_BACKEND_REFS,
    &INVALID_FIELD_VALUE,
    &MISSPELLED_FIELD,
    &DUPLICATE_OBJECT,
    &YAML11_BOOLEAN_STRING,
];
