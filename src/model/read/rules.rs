//! The object rules of the model (GW0100-GW0199): an object's identity, and the schema
//! checks it shares with admission (`admission::rules` has the others). For the Gateway
//! API kinds, admission reports these checks from the CRDs in the API server's words; the
//! model reports them for the core kinds it reads (Service, Namespace, Secret,
//! ConfigMap) and for every object's `metadata`.

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
    explanation: r#"The API server rejects an object whose field has the wrong type, in its words
`spec.listeners[0].port: Invalid value: "string": spec.listeners[0].port in body must be of
type integer: "string"`. Common causes are unquoted label values (`true`, `1.0`), quoted
numbers (`port: "80"`), a single value where a list is expected, and an unquoted `yes`, `no`,
`on` or `off`, which Kubernetes reads as a boolean (YAML 1.1). gwctl reads the object as if the
field were absent; a number or boolean where a string is expected is read as its text, and a
quoted integer where an integer is expected is read as the integer.

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

Fix: quote the value, remove the quotes, or write a list (`- item`), as the help says."#,
};

pub static UNKNOWN_ENUM_VALUE: Rule = Rule {
    code: "GW0105",
    name: "unknown-enum-value",
    severity: Severity::Error,
    stage: Stage::Schema,
    summary: "A field has a value outside its allowed set",
    explanation: r#"Fields such as `allowedRoutes.namespaces.from`, `path.type`, `filters[].type`,
`tls.mode` or a selector `operator` only accept the values their schema lists,
case-sensitively. The API server rejects any other value (`spec.listeners[0].allowedRoutes.
namespaces.from: Unsupported value: "all": supported values: "All", "Selector", "Same",
"None"`). gwctl keeps the value as written and treats it as unknown.

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
ReferenceGrant's `from` and `to`, ...). The API server rejects the object
(`spec.parentRefs[0].name: Required value`). gwctl skips the incomplete part (a listener or
reference without a name) or reads the rest of it.

```yaml
spec:
  parentRefs:
  - namespace: infra     # name missing
```

Fix: add the field named in the message."#,
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

pub static VALUE_OUT_OF_RANGE: Rule = Rule {
    code: "GW0117",
    name: "value-out-of-range",
    severity: Severity::Error,
    stage: Stage::Schema,
    summary: "A value is outside its schema's bounds (number range, length, item count)",
    explanation: r#"Ports must be 1-65535, weights 0-1000000, names at most 253 characters, a rule at
most 16 `parentRefs`... The API server rejects a value outside the schema's `minimum` /
`maximum`, `minLength` / `maxLength` or `minItems` / `maxItems`
(`spec.listeners[0].port: Invalid value: 0: spec.listeners[0].port in body should be greater
than or equal to 1`, `spec.hostnames: Too many: 17: must have at most 16 items`).

```yaml
listeners:
- name: http
  port: 0                # must be 1-65535
  protocol: HTTP
```

Fix: use a value within the bounds given in the message."#,
};

pub static UNKNOWN_FIELD: Rule = Rule {
    code: "GW0118",
    name: "unknown-field",
    severity: Severity::Error,
    stage: Stage::Schema,
    summary: "A field the object's schema does not define",
    explanation: r#"`kubectl apply` validates fields strictly (its default since Kubernetes 1.25) and
rejects an object with a field its schema does not define (`strict decoding error: unknown
field "spec.listeners[0].hostnames"`). Clients that do not validate (Helm, Argo CD, Flux)
send it anyway and the API server silently drops it, so the setting is lost without a word:
a listener's `hostnames` (instead of `hostname`) accepts every hostname, a rule's
`backendRef` (instead of `backendRefs`) sends traffic nowhere. The help names the nearest
known field. A field that another Gateway API release defines is GW0108 (not served).

```yaml
listeners:
- name: https
  hostnames: example.com   # the field is `hostname`
```

Fix: rename the field as the help says, or remove it."#,
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
    &MISSPELLED_KIND,
    &VALUE_OUT_OF_RANGE,
    &UNKNOWN_FIELD,
    &DUPLICATE_OBJECT,
    &YAML11_BOOLEAN_STRING,
];
