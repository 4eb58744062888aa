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

pub static MISSING_DOCUMENT_SEPARATOR: Rule = Rule {
    code: "GW0018",
    name: "yaml-missing-document-separator",
    severity: Severity::Error,
    stage: Stage::Yaml,
    summary: "Two objects are written as one document: a `---` is probably missing",
    explanation: r#"The top level of a document repeats `apiVersion`, `kind` or `metadata`:
usually two manifests joined without a `---` between them (`cat a.yaml b.yaml`, a
hand-merged file). The API server's decoder rejects the duplicate keys, and a tool that
accepts them keeps only the last object. gwctl reports the missing separator once and reads
the two objects as the separate documents they were meant to be.

```yaml
apiVersion: v1
kind: Namespace
metadata:
  name: shop
apiVersion: v1        # a second object: `---` is missing above this line
kind: Namespace
metadata:
  name: infra
```

Add a line `---` between the two objects."#,
};

/// Rules of the YAML stage.
pub static RULES: &[&Rule] = &[
    &SYNTAX_ERROR,
    &DUPLICATE_KEY,
    &MISSING_DOCUMENT_SEPARATOR,
    &COMPLEX_KEY,
    &TOO_MANY_NODES,
    &TOO_DEEP,
    &TOO_MANY_DOCUMENTS,
    &TAG_MISMATCH,
    &INVALID_MERGE,
];
