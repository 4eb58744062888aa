//! The YAML stage's rules: what can be wrong with the text before any object is read.

use crate::diag::{Rule, rule};

rule! {
    /// ## What it does
    /// Reports a document that cannot be parsed as YAML. None of its objects is checked; the other
    /// documents of the file still are.
    ///
    /// ## Why it matters
    /// `kubectl apply` would reject the whole file. Common causes are tabs used for indentation, a
    /// missing `:` after a key, an unclosed quote or bracket, and inconsistent indentation (a key
    /// of a list item indented by 3 instead of 4).
    ///
    /// ## Example
    /// The flow sequence of `parentRefs` is never closed:
    #[example = "testdata/rules/yaml-syntax-error/err.yaml"]
    ///
    /// ## Fix
    /// Fix the indentation or quoting at the position shown; a YAML-aware editor helps.
    pub static SYNTAX_ERROR {
        code: "GW0010",
        name: "yaml-syntax-error",
        severity: Error,
        stage: Yaml,
        summary: "A document is not valid YAML",
    }
}

rule! {
    /// ## What it does
    /// Reports a mapping that has the same key twice. gwctl keeps the last value.
    ///
    /// ## Why it matters
    /// The Kubernetes API server's strict decoder rejects an object with a duplicate field, and
    /// tools that accept it silently keep only one of the values.
    ///
    /// ## Example
    /// `hostnames` is given twice: which one did you mean?
    #[example = "testdata/rules/yaml-duplicate-key/err.yaml"]
    ///
    /// ## Fix
    /// Remove one of the keys, or merge their values.
    pub static DUPLICATE_KEY {
        code: "GW0011",
        name: "yaml-duplicate-key",
        severity: Error,
        stage: Yaml,
        summary: "A mapping has the same key twice",
    }
}

rule! {
    /// ## What it does
    /// Reports a mapping key that is itself a list or a mapping. The entry is ignored.
    ///
    /// ## Why it matters
    /// Kubernetes objects are JSON: every mapping key must be a string, so such a key cannot be
    /// represented.
    ///
    /// ## Example
    /// A label key written as a list:
    #[example = "testdata/rules/yaml-complex-key/err.yaml"]
    ///
    /// ## Fix
    /// Use a plain string key.
    pub static COMPLEX_KEY {
        code: "GW0012",
        name: "yaml-complex-key",
        severity: Error,
        stage: Yaml,
        summary: "A mapping key is a list or a mapping",
    }
}

rule! {
    /// ## What it does
    /// Reports a document that, with aliases expanded, holds more values than the limit. gwctl
    /// stops counting and drops the document instead of exhausting memory.
    ///
    /// ## Why it matters
    /// A few lines of anchors and aliases can expand exponentially ("billion laughs"): each level
    /// of the example multiplies the size by 9.
    ///
    /// ## Example
    /// Aliases that expand to 9^8 values:
    #[example = "testdata/rules/yaml-too-many-nodes/err.yaml"]
    ///
    /// ## Fix
    /// Write the values out, or use fewer nested aliases.
    pub static TOO_MANY_NODES {
        code: "GW0013",
        name: "yaml-too-many-nodes",
        severity: Error,
        stage: Yaml,
        summary: "A document expands to too many values (alias bomb?)",
    }
}

rule! {
    /// ## What it does
    /// Reports a document that nests lists and mappings deeper than the limit. The document is
    /// dropped.
    ///
    /// ## Why it matters
    /// No Kubernetes object needs that; deep nesting is usually generated or hostile input.
    ///
    /// ## Example
    /// Flow sequences nested 200 levels deep:
    #[example = "testdata/rules/yaml-too-deep/err.yaml"]
    ///
    /// ## Fix
    /// Flatten the structure.
    pub static TOO_DEEP {
        code: "GW0014",
        name: "yaml-too-deep",
        severity: Error,
        stage: Yaml,
        summary: "A document nests collections too deeply",
    }
}

rule! {
    /// ## What it does
    /// Reports a value whose core tag (`!!int`, `!!bool`, `!!float`, `!!null`) forces a type its
    /// text does not have. gwctl reads the value as a string.
    ///
    /// ## Why it matters
    /// The API server's decoder rejects the object.
    ///
    /// ## Example
    /// `!!int` on a value that is not an integer:
    #[example = "testdata/rules/yaml-tag-mismatch/err.yaml"]
    ///
    /// ## Fix
    /// Remove the tag, or fix the value (`port: 8080`).
    pub static TAG_MISMATCH {
        code: "GW0016",
        name: "yaml-tag-mismatch",
        severity: Error,
        stage: Yaml,
        summary: "A tagged value does not fit its tag",
    }
}

rule! {
    /// ## What it does
    /// Reports a merge key (`<<`) given something other than a mapping or a list of mappings. The
    /// merge is ignored.
    ///
    /// ## Why it matters
    /// The merge key copies the entries of a mapping (or of each mapping of a list) into the
    /// mapping that contains it. Anything else cannot be merged, so the entries it was meant to
    /// copy are missing.
    ///
    /// ## Example
    /// A merge key given a scalar:
    #[example = "testdata/rules/yaml-invalid-merge/err.yaml"]
    ///
    /// ## Fix
    /// Merge only mappings: `<<: *base` or `<<: [*base, *other]`.
    pub static INVALID_MERGE {
        code: "GW0017",
        name: "yaml-invalid-merge",
        severity: Error,
        stage: Yaml,
        summary: "A merge key (`<<`) is given something other than mappings",
    }
}

rule! {
    /// ## What it does
    /// Reports a file that holds more YAML documents (separated by `---`) than the limit
    /// (`--max-documents`). The documents after the limit are not checked.
    ///
    /// ## Why it matters
    /// The limit keeps a hostile or runaway file from exhausting memory, but the documents past it
    /// go unchecked.
    ///
    /// ## Example
    /// Three documents, with `--max-documents 2`:
    #[example = "testdata/rules/yaml-too-many-documents/err.yaml"]
    ///
    /// ## Fix
    /// Split the file, or check the directory it came from in parts.
    pub static TOO_MANY_DOCUMENTS {
        code: "GW0015",
        name: "yaml-too-many-documents",
        severity: Error,
        stage: Yaml,
        summary: "A file holds more documents than the limit",
    }
}

rule! {
    /// ## What it does
    /// Reports a document whose top level repeats `apiVersion`, `kind` or `metadata` (at least
    /// two of them): two manifests joined without a `---` between them (`cat a.yaml b.yaml`, a
    /// hand-merged file). It is reported once, where the second object starts, and the two
    /// objects are read as the separate documents they were meant to be.
    ///
    /// ## Why it matters
    /// The API server's decoder rejects the duplicate keys, and a tool that accepts them keeps
    /// only the last object: one of the two is silently lost. Reported as duplicate keys, every
    /// field of the second object would be a finding of its own.
    ///
    /// ## Example
    /// Two Namespaces, and no `---` before the second:
    #[example = "testdata/rules/yaml-missing-document-separator/err.yaml"]
    ///
    /// ## Fix
    /// Add a line `---` between the two objects.
    pub static MISSING_DOCUMENT_SEPARATOR {
        code: "GW0018",
        name: "yaml-missing-document-separator",
        severity: Error,
        stage: Yaml,
        summary: "Two objects are written as one document: a `---` is probably missing",
    }
}

rule! {
    /// ## What it does
    /// Reports an unquoted integer with a leading zero whose value differs between YAML 1.1 and
    /// YAML 1.2: Kubernetes reads manifests as YAML 1.1 (sigs.k8s.io/yaml, with go-yaml v2),
    /// where such a number is octal (`017` is 15, `010` is 8). A number that is not valid octal
    /// (`08`) is decimal to both and is not reported.
    ///
    /// ## Why it matters
    /// YAML 1.2 tools (yq, most editors' linters) read the decimal number instead, so the value
    /// the API server stores is not the one the file seems to say. gwctl reads it as
    /// Kubernetes does.
    ///
    /// ## Example
    /// `weight: 010` is 8 to Kubernetes, not 10:
    #[example = "testdata/rules/yaml-octal-integer/err.yaml"]
    ///
    /// ## Fix
    /// Write the number without the leading zero (`weight: 10`), or `0o10` if octal is meant;
    /// quote it (`"010"`) where a string is meant.
    pub static OCTAL_INTEGER {
        code: "GW0019",
        name: "yaml-octal-integer",
        severity: Warning,
        stage: Yaml,
        summary: "An unquoted number with a leading zero is octal to Kubernetes",
    }
}

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
    &OCTAL_INTEGER,
];
