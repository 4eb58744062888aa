//! The admission rules: what the API server's CRD validation says about an object, one
//! code per kind of check. The checks the model shares for core kinds (types, enums,
//! required fields, bounds, unknown fields) keep their codes in `model::rules`.

use crate::diag::{Rule, Severity, Stage};

pub static DEPRECATED_API_VERSION: Rule = Rule {
    code: "GW0107",
    name: "deprecated-api-version",
    severity: Severity::Warning,
    stage: Stage::Schema,
    summary: "The object uses an apiVersion its CRD marks deprecated",
    explanation: r#"The chosen Gateway API release still serves the version, but its CRD marks it
`deprecated: true` and the API server answers with a warning (the CRD's
`deprecationWarning`). A later release stops serving it, and the object then fails to apply.

```yaml
apiVersion: gateway.networking.k8s.io/v1beta1   # deprecated: use v1
kind: HTTPRoute
```

Fix: use the version given in the help (usually `gateway.networking.k8s.io/v1`)."#,
};

pub static NOT_SERVED: Rule = Rule {
    code: "GW0108",
    name: "not-served",
    severity: Severity::Error,
    stage: Stage::Schema,
    summary: "The chosen Gateway API release does not serve the kind, version or field",
    explanation: r#"gwctl validates against the CRDs of one Gateway API release and channel (the
newest standard by default; `--gateway-api-version`, `--gateway-api-channel`, `--crds`, or
the cluster's own with `--cluster`). A kind or apiVersion those CRDs do not serve fails to
apply (`no matches for kind "ListenerSet" in version "gateway.networking.k8s.io/v1"`), and a
field they do not define is refused by strict field validation (`strict decoding error:
unknown field "spec.rules[0].timeouts"`). The message names the release where it appears.

```yaml
# gwctl check --gateway-api-version v1.0.0 route.yaml
rules:
- timeouts: {request: 10s}   # HTTPRoute timeouts are not in v1.0.0 standard
```

Fix: upgrade the cluster's CRDs to the release named in the message, or check against the
release the cluster runs (`--gateway-api-version`, `--gateway-api-channel experimental`, or
`--cluster`), or do without the kind or field."#,
};

pub static INVALID_FORMAT: Rule = Rule {
    code: "GW0121",
    name: "invalid-format",
    severity: Severity::Error,
    stage: Stage::Schema,
    summary: "A value does not match its schema's pattern, format or alternatives",
    explanation: r#"The CRD gives the field a `pattern` (RE2), a `format` (`ipv4`, `ipv6`, ...) or
alternative shapes (`oneOf`, `anyOf`); the API server rejects a value that matches none, in
its own words (`spec.hostnames[0]: Invalid value: "Foo.com": spec.hostnames[0] in body
should match '^(\*\.)?[a-z0-9]...$'`).

```yaml
spec:
  hostnames:
  - Foo.Example.com      # hostnames are lowercase
  addresses:
  - type: IPAddress
    value: 10.0.0.1:80   # an address, not an address and port
```

Fix: write the value in the form the message gives."#,
};

pub static DUPLICATE_LIST_ENTRY: Rule = Rule {
    code: "GW0122",
    name: "duplicate-list-entry",
    severity: Severity::Error,
    stage: Stage::Schema,
    summary: "A list whose entries must be unique has two equal ones",
    explanation: r#"Lists with `x-kubernetes-list-type: set` hold each value once, and lists with
`x-kubernetes-list-type: map` hold each key (`name` for listeners, header modifiers and
matches) once. The API server rejects a duplicate (`spec.listeners[1]: Duplicate value:
map[string]interface {}{"name":"http"}`).

```yaml
listeners:
- {name: http, port: 80, protocol: HTTP}
- {name: http, port: 8080, protocol: HTTP}   # the same name
```

Fix: remove the duplicate, or give it its own key."#,
};

pub static VALIDATION_RULE: Rule = Rule {
    code: "GW0123",
    name: "crd-validation-rule",
    severity: Severity::Error,
    stage: Stage::Schema,
    summary: "The object breaks one of its CRD's CEL validation rules",
    explanation: r#"Gateway API CRDs carry CEL rules (`x-kubernetes-validations`) that tie fields
together: a Service backendRef needs a port, a filter's configuration must match its type,
a redirect cannot be combined with backendRefs, parentRefs to one Gateway need distinct
sectionNames. gwctl evaluates every rule of the chosen release as the API server does, with
the CRD's defaults applied first, and reports the rule's own message
(`spec.rules[0].backendRefs[0]: Invalid value: Must have port for Service reference`).
Rules that compare with the stored object (`oldSelf`) run only with `--cluster`, against
the object as it is there.

```yaml
rules:
- backendRefs:
  - name: web            # a Service: port is required
```

Fix: change the object so that the rule (in the help) holds; the message says how."#,
};

pub static RULES_NOT_CHECKED: Rule = Rule {
    code: "GW0124",
    name: "validation-rules-not-checked",
    severity: Severity::Info,
    stage: Stage::Schema,
    summary: "The CRD's CEL rules were not evaluated because of a blocking schema error",
    explanation: r#"The API server does not evaluate an object's CEL rules while it has a wrong
type, an unsupported enum value, a missing required field, a too long string or a too long
list, and adds this note. gwctl does the same, so more problems may show once those are
fixed.

```yaml
listeners:
- name: http
  protocol: HTTPX        # unsupported: the rules are not checked until it is fixed
```

Fix: fix the other errors of the object and run gwctl again."#,
};

pub static RULE_NOT_EVALUATED: Rule = Rule {
    code: "GW0125",
    name: "validation-rule-not-evaluated",
    severity: Severity::Warning,
    stage: Stage::Schema,
    summary: "gwctl cannot evaluate a CEL rule of the CRDs",
    explanation: r#"A rule of the CRDs (usually from `--crds` or a cluster with CRDs newer than
gwctl) does not parse, or calls a CEL function gwctl's CEL library does not have. gwctl
does not guess the outcome: the object may or may not be accepted.

```yaml
x-kubernetes-validations:
- rule: self.all(k, v, v.size() > 0)   # a two-variable comprehension
```

Fix: check the object against the cluster (`kubectl apply --dry-run=server`)."#,
};

/// The rules of this stage, in code order.
pub static RULES: &[&Rule] = &[
    &DEPRECATED_API_VERSION,
    &NOT_SERVED,
    &INVALID_FORMAT,
    &DUPLICATE_LIST_ENTRY,
    &VALIDATION_RULE,
    &RULES_NOT_CHECKED,
    &RULE_NOT_EVALUATED,
];
