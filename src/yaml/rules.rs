//! The YAML stage's rules: what can be wrong with the text before any object is read.

use crate::diag::{Rule, Severity, Stage};

pub static SYNTAX_ERROR: Rule = Rule {
    code: "GW0010",
    name: "yaml-syntax-error",
    severity: Severity::Error,
    stage: Stage::Yaml,
    summary: "A document is not valid YAML",
    explanation: r#"The document cannot be parsed as YAML, so none of its objects are checked
(the other documents of the file still are). `kubectl apply` would reject the whole file.

Common causes are tabs used for indentation, a missing `:` after a key, an unclosed quote
or bracket, and inconsistent indentation:

```yaml
spec:
  parentRefs:
  - name: gw
   sectionName: web   # indented by 3 instead of 4
```

Fix the indentation or quoting at the position shown; a YAML-aware editor helps."#,
};

pub static DUPLICATE_KEY: Rule = Rule {
    code: "GW0011",
    name: "yaml-duplicate-key",
    severity: Severity::Error,
    stage: Stage::Yaml,
    summary: "A mapping has the same key twice",
    explanation: r#"The Kubernetes API server's strict decoder rejects an object with a
duplicate field, and tools that accept it silently keep only one of the values. gwctl keeps
the last one.

```yaml
spec:
  hostnames: ["a.example.com"]
  hostnames: ["b.example.com"]   # duplicate: which one did you mean?
```

Remove one of the keys, or merge their values."#,
};

pub static COMPLEX_KEY: Rule = Rule {
    code: "GW0012",
    name: "yaml-complex-key",
    severity: Severity::Error,
    stage: Stage::Yaml,
    summary: "A mapping key is a list or a mapping",
    explanation: r#"Kubernetes objects are JSON: every mapping key must be a string. A key that
is itself a list or a mapping cannot be represented and the entry is ignored.

```yaml
? [a, b]
: value
```

Use a plain string key."#,
};

pub static TOO_MANY_NODES: Rule = Rule {
    code: "GW0013",
    name: "yaml-too-many-nodes",
    severity: Severity::Error,
    stage: Stage::Yaml,
    summary: "A document expands to too many values (alias bomb?)",
    explanation: r#"With aliases expanded, the document holds more values than the limit. A few
lines of anchors and aliases can expand exponentially ("billion laughs"), so gwctl stops
counting and drops the document instead of exhausting memory.

```yaml
a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
# ... each level multiplies the size by 9
```

Write the values out, or use fewer nested aliases."#,
};

pub static TOO_DEEP: Rule = Rule {
    code: "GW0014",
    name: "yaml-too-deep",
    severity: Severity::Error,
    stage: Stage::Yaml,
    summary: "A document nests collections too deeply",
    explanation: r#"The document nests lists and mappings deeper than the limit. No Kubernetes
object needs that; deep nesting is usually generated or hostile input, and the document is
dropped.

```yaml
a: [[[[[[[[[[[[[[[[[[[[ ... ]]]]]]]]]]]]]]]]]]]]
```

Flatten the structure."#,
};

pub static TAG_MISMATCH: Rule = Rule {
    code: "GW0016",
    name: "yaml-tag-mismatch",
    severity: Severity::Error,
    stage: Stage::Yaml,
    summary: "A tagged value does not fit its tag",
    explanation: r#"A core tag (`!!int`, `!!bool`, `!!float`, `!!null`) forces a value's type, and
the text does not have that type; the API server's decoder rejects it. gwctl reads the value
as a string.

```yaml
port: !!int eighty
```

Remove the tag, or fix the value (`port: 80`)."#,
};

pub static INVALID_MERGE: Rule = Rule {
    code: "GW0017",
    name: "yaml-invalid-merge",
    severity: Severity::Error,
    stage: Stage::Yaml,
    summary: "A merge key (`<<`) is given something other than mappings",
    explanation: r#"The merge key `<<` copies the entries of a mapping (or of each mapping of a
list) into the mapping that contains it. Anything else cannot be merged and is ignored.

```yaml
base: &base {port: 80}
listener:
  <<: [*base, 443]   # 443 is not a mapping
  name: web
```

Merge only mappings: `<<: *base` or `<<: [*base, *other]`."#,
};

pub static TOO_MANY_DOCUMENTS: Rule = Rule {
    code: "GW0015",
    name: "yaml-too-many-documents",
    severity: Severity::Error,
    stage: Stage::Yaml,
    summary: "A file holds more documents than the limit",
    explanation: r#"gwctl reads at most a fixed number of YAML documents (separated by `---`)
from one file, so that a hostile or runaway file cannot exhaust memory. The documents after
the limit are not checked.

```yaml
kind: HTTPRoute
---
kind: HTTPRoute
---
# ... a million more
```

Split the file, or check the directory it came from in parts."#,
};

pub static OCTAL_INTEGER: Rule = Rule {
    code: "GW0018",
    name: "yaml-octal-integer",
    severity: Severity::Warning,
    stage: Stage::Yaml,
    summary: "An unquoted number with a leading zero is octal to Kubernetes",
    explanation: r#"Kubernetes reads manifests as YAML 1.1 (sigs.k8s.io/yaml, with go-yaml v2),
where an unquoted integer that starts with `0` is octal: `017` is 15, `010` is 8. YAML 1.2
tools (yq, most editors' linters) read the decimal number instead, so the value the API
server stores is not the one the file seems to say. gwctl reads it as Kubernetes does.

```yaml
backendRefs:
- name: web
  port: 8080
  weight: 010   # Kubernetes reads 8, not 10
```

Write the number without the leading zero (`weight: 10`), or `0o10` if octal is meant;
quote it (`"010"`) where a string is meant."#,
};

/// Rules of the YAML stage.
pub static RULES: &[&Rule] = &[
    &SYNTAX_ERROR,
    &DUPLICATE_KEY,
    &COMPLEX_KEY,
    &TOO_MANY_NODES,
    &TOO_DEEP,
    &TOO_MANY_DOCUMENTS,
    &TAG_MISMATCH,
    &INVALID_MERGE,
    &OCTAL_INTEGER,
];
