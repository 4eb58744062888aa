//! The object-schema rules (GW0100-GW0199): what the API server's schema and CEL validation
//! would reject or warn about before any controller sees the object.

use crate::diag::{Rule, Severity, Stage};

pub static INVALID_DOCUMENT: Rule = Rule {
    code: "GW0100",
    name: "invalid-document",
    severity: Severity::Error,
    stage: Stage::Schema,
    summary: "A document is not a Kubernetes object (its root is not a mapping)",
    explanation: r#"Every YAML document must be a mapping with `apiVersion`, `kind` and `metadata`.
A list, a plain string or a number at the top level is not an object; the document is skipped.

```yaml
- apiVersion: v1          # a YAML list at the top level
  kind: Namespace
```

Fix: remove the leading `- ` (one object per document, separated by `---`), or wrap the
objects in a `kind: List` with `items:`."#,
};

pub static MISSING_API_VERSION: Rule = Rule {
    code: "GW0101",
    name: "missing-api-version",
    severity: Severity::Error,
    stage: Stage::Schema,
    summary: "An object has no `apiVersion`",
    explanation: r#"Without `apiVersion` the API server cannot tell which schema the object uses and
rejects it. gwctl skips the object.

```yaml
kind: Gateway            # apiVersion missing
metadata:
  name: web
```

Fix: add the group and version, e.g. `apiVersion: gateway.networking.k8s.io/v1`."#,
};

pub static MISSING_KIND: Rule = Rule {
    code: "GW0102",
    name: "missing-kind",
    severity: Severity::Error,
    stage: Stage::Schema,
    summary: "An object has no `kind`",
    explanation: r#"Without `kind` the object cannot be created. gwctl skips it.

```yaml
apiVersion: gateway.networking.k8s.io/v1
metadata:
  name: web              # kind missing
```

Fix: add the kind, e.g. `kind: HTTPRoute`."#,
};

pub static MISSING_NAME: Rule = Rule {
    code: "GW0103",
    name: "missing-name",
    severity: Severity::Error,
    stage: Stage::Schema,
    summary: "An object has no `metadata.name`",
    explanation: r#"Every object needs a name (`generateName` is not enough for `kubectl apply`, and
nothing could refer to the generated name). gwctl skips the object.

```yaml
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  namespace: web         # name missing
```

Fix: add `metadata.name`."#,
};

pub static INVALID_FIELD_TYPE: Rule = Rule {
    code: "GW0104",
    name: "invalid-field-type",
    severity: Severity::Error,
    stage: Stage::Schema,
    summary: "A field has the wrong type (e.g. a number where a string is expected)",
    explanation: r#"The API server rejects an object whose field has the wrong type. Common causes are
unquoted label values (`true`, `1.0`), quoted numbers (`port: "80"`) and a single value
where a list is expected. gwctl reports the field and reads the object as if the field were
absent; a number or boolean where a string is expected is read as its text, and a quoted
integer where an integer is expected is read as the integer.

```yaml
metadata:
  labels:
    expose: true         # must be a string: "true"
spec:
  listeners:
  - name: http
    port: "80"           # must be an integer: 80
    protocol: HTTP
```

Fix: quote the value, remove the quotes, or write a list (`- item`), as the message says."#,
};

pub static UNKNOWN_ENUM_VALUE: Rule = Rule {
    code: "GW0105",
    name: "unknown-enum-value",
    severity: Severity::Error,
    stage: Stage::Schema,
    summary: "A field has a value outside its allowed set",
    explanation: r#"Fields such as `allowedRoutes.namespaces.from`, `path.type`, `filters[].type`,
`tls.mode` or a selector `operator` only accept listed values, case-sensitively. The API
server rejects any other value. gwctl keeps the value as written and treats it as unknown.

```yaml
allowedRoutes:
  namespaces:
    from: all            # must be All, Same, Selector or None
```

Fix: use one of the values listed in the message."#,
};

pub static MISSING_REQUIRED_FIELD: Rule = Rule {
    code: "GW0106",
    name: "missing-required-field",
    severity: Severity::Error,
    stage: Stage::Schema,
    summary: "A required field is missing",
    explanation: r#"The schema requires this field (a listener's `name`, a parentRef's `name`, a
filter's configuration for its `type`, ...). The API server rejects the object. gwctl skips
the incomplete part (a listener or reference without a name) or reads the rest of it.

```yaml
spec:
  parentRefs:
  - namespace: infra     # name missing
```

Fix: add the field named in the message."#,
};

pub static DEPRECATED_API_VERSION: Rule = Rule {
    code: "GW0107",
    name: "deprecated-api-version",
    severity: Severity::Warning,
    stage: Stage::Schema,
    summary: "A Gateway API kind uses a deprecated or no longer served apiVersion",
    explanation: r#"Older Gateway API versions are deprecated or not served any more by the current
CRDs (for example `v1alpha2` TCPRoute is served only by the experimental channel, and
`v1alpha2` HTTPRoute not at all). Applying the object may fail or stop working after a CRD
upgrade. gwctl reads it with the current schema.

```yaml
apiVersion: gateway.networking.k8s.io/v1alpha2
kind: TCPRoute
```

Fix: use the version given in the help (usually `gateway.networking.k8s.io/v1`)."#,
};

pub static UNKNOWN_API_VERSION: Rule = Rule {
    code: "GW0108",
    name: "unknown-api-version",
    severity: Severity::Warning,
    stage: Stage::Schema,
    summary: "A known kind uses an apiVersion that no CRD serves",
    explanation: r#"The kind is known but the version is not one the Gateway API CRDs (or core
Kubernetes) define, so the API server will not accept the object. gwctl still reads it with
the current schema.

```yaml
apiVersion: gateway.networking.k8s.io/v2
kind: Gateway
```

Fix: use a served version, e.g. `gateway.networking.k8s.io/v1`."#,
};

pub static MISSPELLED_KIND: Rule = Rule {
    code: "GW0109",
    name: "misspelled-kind",
    severity: Severity::Warning,
    stage: Stage::Schema,
    summary: "A kind differs from a Gateway API or core kind only in letter case",
    explanation: r#"Kinds are case-sensitive: `HttpRoute` is not `HTTPRoute`. The API server does not
know the misspelled kind, and gwctl ignores the object.

```yaml
apiVersion: gateway.networking.k8s.io/v1
kind: HttpRoute
```

Fix: spell the kind as in the help (`HTTPRoute`)."#,
};

pub static BACKEND_REF_WITHOUT_PORT: Rule = Rule {
    code: "GW0110",
    name: "backend-ref-without-port",
    severity: Severity::Error,
    stage: Stage::Schema,
    summary: "A backendRef to a Service has no `port`",
    explanation: r#"A Service has no default port, so the CRD's validation requires `port` when a
backendRef (or a mirror's backendRef) names a Service. The API server rejects the route.

```yaml
backendRefs:
- name: app              # kind Service by default; port missing
```

Fix: add the Service port, e.g. `port: 8080`."#,
};

pub static REDIRECT_WITH_REWRITE: Rule = Rule {
    code: "GW0111",
    name: "redirect-with-rewrite",
    severity: Severity::Error,
    stage: Stage::Schema,
    summary: "A rule combines `RequestRedirect` with `URLRewrite`",
    explanation: r#"A redirect answers the client and a rewrite changes the request sent to a backend;
the two cannot be combined in one rule (CRD validation).

```yaml
filters:
- type: RequestRedirect
  requestRedirect: {scheme: https}
- type: URLRewrite
  urlRewrite: {hostname: internal.example.com}
```

Fix: keep one of the two filters, or split the rule."#,
};

pub static REPLACE_PREFIX_WITHOUT_PATH_PREFIX: Rule = Rule {
    code: "GW0112",
    name: "replace-prefix-without-path-prefix",
    severity: Severity::Error,
    stage: Stage::Schema,
    summary: "`ReplacePrefixMatch` is used without exactly one `PathPrefix` match",
    explanation: r#"`replacePrefixMatch` replaces the matched prefix, so the rule must have exactly one
match, and that match must be a `PathPrefix` path match (CRD validation).

```yaml
rules:
- matches:
  - path: {type: Exact, value: /old}
  filters:
  - type: URLRewrite
    urlRewrite:
      path: {type: ReplacePrefixMatch, replacePrefixMatch: /new}
```

Fix: use `type: PathPrefix` for the match, or `ReplaceFullPath` for the rewrite."#,
};

pub static INVALID_HOSTNAME: Rule = Rule {
    code: "GW0113",
    name: "invalid-hostname",
    severity: Severity::Error,
    stage: Stage::Schema,
    summary: "A hostname is an IP address or not a valid DNS name",
    explanation: r#"Hostnames must be lowercase DNS names (RFC 1123), optionally starting with one `*.`
wildcard label where a wildcard is allowed. IP addresses are not allowed. The API server
rejects the object.

```yaml
spec:
  hostnames:
  - 10.0.0.1             # an IP address
  - Example.COM          # uppercase
```

Fix: use a DNS name such as `example.com` or `*.example.com`."#,
};

pub static INVALID_PATH_VALUE: Rule = Rule {
    code: "GW0114",
    name: "invalid-path-value",
    severity: Severity::Error,
    stage: Stage::Schema,
    summary: "An `Exact`/`PathPrefix` path is not an absolute, normalized path",
    explanation: r#"`Exact` and `PathPrefix` values must start with `/` and must not contain `//`,
`/./`, `/../`, `%2f`, `%2F` or `#`, nor end with `/.` or `/..` (CRD validation).

```yaml
matches:
- path:
    type: PathPrefix
    value: api/v1        # must start with /
```

Fix: write the path as it appears in the request, e.g. `/api/v1`."#,
};

pub static DUPLICATE_FILTER: Rule = Rule {
    code: "GW0115",
    name: "duplicate-filter",
    severity: Severity::Error,
    stage: Stage::Schema,
    summary: "A filter type appears more than once in one rule or backendRef",
    explanation: r#"Only `RequestMirror` and `ExtensionRef` may repeat; every other filter type may
appear at most once in a rule's (or a backendRef's) `filters` (CRD validation).

```yaml
filters:
- type: RequestHeaderModifier
  requestHeaderModifier: {set: [{name: a, value: "1"}]}
- type: RequestHeaderModifier
  requestHeaderModifier: {set: [{name: b, value: "2"}]}
```

Fix: merge the two filters into one."#,
};

pub static REDIRECT_WITH_BACKEND_REFS: Rule = Rule {
    code: "GW0116",
    name: "redirect-with-backend-refs",
    severity: Severity::Error,
    stage: Stage::Schema,
    summary: "A rule with a `RequestRedirect` filter also has `backendRefs`",
    explanation: r#"A redirect answers the client itself, so the rule must not also send traffic to
backends (CRD validation).

```yaml
rules:
- filters:
  - type: RequestRedirect
    requestRedirect: {scheme: https}
  backendRefs:
  - {name: app, port: 80}
```

Fix: remove `backendRefs`, or move the redirect to its own rule."#,
};

pub static VALUE_OUT_OF_RANGE: Rule = Rule {
    code: "GW0117",
    name: "invalid-field-value",
    severity: Severity::Error,
    stage: Stage::Schema,
    summary: "A field's value is out of range or malformed",
    explanation: r#"Ports must be 1-65535, weights 0-1000000, a mirror percent 0-100, a redirect
`statusCode` one of 301, 302, 303, 307, 308, and so on. The API server rejects the object.

```yaml
listeners:
- name: http
  port: 0                # must be 1-65535
  protocol: HTTP
```

Fix: use a value in the range given in the message."#,
};

pub static UNKNOWN_FIELD: Rule = Rule {
    code: "GW0118",
    name: "misspelled-field",
    severity: Severity::Warning,
    stage: Stage::Schema,
    summary: "An unknown field is a near-miss of a known one",
    explanation: r#"The API server silently drops fields its schema does not know, so a misspelled
field is lost without an error: a listener's `hostnames` (instead of `hostname`) accepts
every hostname, a rule's `backendRef` (instead of `backendRefs`) sends traffic nowhere.
gwctl reports unknown fields only when they are close to a known field of that object.

```yaml
listeners:
- name: https
  hostnames: example.com   # the field is `hostname`
```

Fix: rename the field as the help says."#,
};

pub static DUPLICATE_OBJECT: Rule = Rule {
    code: "GW0119",
    name: "duplicate-object",
    severity: Severity::Error,
    stage: Stage::Schema,
    summary: "The input defines the same object twice",
    explanation: r#"Two documents define the same object: the same API group, kind, namespace and
name (the apiVersion does not matter: `gateway.networking.k8s.io/v1` and `/v1beta1`
HTTPRoutes of one name are one object). `kubectl apply -f dir/` applies them in turn and the
later definition replaces the earlier one, which silently disappears: usually a copy-pasted
route that kept its name, or a Gateway defined in two files.

gwctl does what `kubectl apply` does: it judges only the **last** definition (status, other
findings, `simulate`), and drops the earlier ones. The object keeps the first definition's
place in creation order, since the first apply created it. Findings about the fields of an
earlier definition (schema errors) are still reported. A local file that replaces an
object read from a cluster (`--cluster`) is an overlay, not a duplicate.

```yaml
# routes/web.yaml
kind: HTTPRoute
metadata:
  name: web
  namespace: shop
---
# routes/api.yaml, copied from web.yaml
kind: HTTPRoute
metadata:
  name: web              # same name: replaces the route above
  namespace: shop
```

Fix: rename one of the objects (when both are meant to exist), or remove the one that is
not meant."#,
};

pub static YAML11_BOOLEAN_STRING: Rule = Rule {
    code: "GW0120",
    name: "yaml11-boolean-string",
    severity: Severity::Error,
    stage: Stage::Schema,
    summary: "An unquoted `yes`, `no`, `on`, `off`, `y` or `n` is a boolean to Kubernetes",
    explanation: r#"gwctl reads YAML 1.2, where a plain `yes` is a string. `kubectl` and the API
server read manifests as YAML 1.1 (sigs.k8s.io/yaml), where the unquoted words `y`, `yes`,
`on` (true) and `n`, `no`, `off` (false), in lower, capitalised or upper case, are
booleans. A boolean where the schema wants a string is rejected (`cannot unmarshal bool
into Go struct field ... of type string`), and so is one in a map of strings such as
`labels` or `matchLabels`. gwctl reports the field and reads it as the string written.

```yaml
matches:
- headers:
  - name: x-canary
    value: yes           # sent as `true`: the route is rejected
```

Fix: quote the value: `value: "yes"`."#,
};

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
    &VALUE_OUT_OF_RANGE,
    &UNKNOWN_FIELD,
    &DUPLICATE_OBJECT,
    &YAML11_BOOLEAN_STRING,
];
