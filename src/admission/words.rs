//! The API server's words: a validation error as `field.Error.Error()` prints it
//! (`spec.listeners[0].port: Invalid value: "80": ...`), with the value formats of Go's
//! `fmt` that the messages inherit.

use std::borrow::Cow;
use std::fmt::{self, Write as _};

use crate::diag::FieldPath;
use crate::yaml::{Node, View};

/// One step of a field path (`field.Path`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step<'a> {
    /// An object's property: `.name`.
    Field(Cow<'a, str>),
    /// A list item: `[0]`.
    Index(usize),
    /// A map entry (`additionalProperties`): `[key]`.
    Key(Cow<'a, str>),
}

impl Step<'_> {
    pub fn into_owned(self) -> Step<'static> {
        match self {
            Step::Field(f) => Step::Field(Cow::Owned(f.into_owned())),
            Step::Index(i) => Step::Index(i),
            Step::Key(k) => Step::Key(Cow::Owned(k.into_owned())),
        }
    }
}

/// A path as the API server writes it: `spec.rules[0].filters`, `spec.labels[app]`.
pub fn api_path(steps: &[Step<'_>]) -> String {
    let mut out = String::new();
    for step in steps {
        match step {
            Step::Field(name) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(name);
            }
            Step::Index(i) => {
                let _ = write!(out, "[{i}]");
            }
            Step::Key(key) => {
                let _ = write!(out, "[{key}]");
            }
        }
    }
    out
}

/// The steps as kube-openapi's schema validator names them, which the API server turns
/// into the field path of a schema error: a map key is joined with a dot
/// (`spec.infrastructure.labels.key`; object_validator.go: `o.Path + "." + key`), where
/// `field.Path`, used by the CEL and list-type checks, writes `labels[key]`.
pub fn validator_steps(steps: &[Step<'_>]) -> Vec<Step<'static>> {
    steps
        .iter()
        .map(|step| match step {
            Step::Key(key) => Step::Field(Cow::Owned(key.to_string())),
            other => other.clone().into_owned(),
        })
        .collect()
}

/// [`api_path`] of [`validator_steps`].
pub fn validator_path(steps: &[Step<'_>]) -> String {
    api_path(&validator_steps(steps))
}

/// The same path as a gwctl location.
pub fn field_path(steps: &[Step<'_>]) -> FieldPath {
    let mut path = FieldPath::root();
    for step in steps {
        path = match step {
            Step::Field(name) | Step::Key(name) => path.key(name.to_string()),
            Step::Index(i) => path.index(*i),
        };
    }
    path
}

/// The type of a `field.Error`, which decides its wording and whether it blocks the CEL
/// rules (`hasBlockingErr` in the API server: these five).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorType {
    Required,
    NotSupported,
    TooLong,
    TooMany,
    TypeInvalid,
    Invalid,
    Duplicate,
    Forbidden,
    /// Not a `field.Error` (the decoder's `strict decoding error: unknown field "spec.x"`,
    /// or gwctl's own note): worded by its detail alone.
    Note,
}

impl ErrorType {
    pub fn blocks_rules(self) -> bool {
        matches!(
            self,
            ErrorType::Required
                | ErrorType::NotSupported
                | ErrorType::TooLong
                | ErrorType::TooMany
                | ErrorType::TypeInvalid
        )
    }

    fn word(self) -> &'static str {
        match self {
            ErrorType::Required => "Required value",
            ErrorType::NotSupported => "Unsupported value",
            ErrorType::TooLong => "Too long",
            ErrorType::TooMany => "Too many",
            ErrorType::TypeInvalid | ErrorType::Invalid => "Invalid value",
            ErrorType::Duplicate => "Duplicate value",
            ErrorType::Forbidden => "Forbidden",
            ErrorType::Note => "",
        }
    }

    /// Types whose message never shows the value.
    fn omits_value(self) -> bool {
        matches!(
            self,
            ErrorType::Required | ErrorType::Forbidden | ErrorType::TooLong
        )
    }
}

/// The bad value of an error, already in Go's `fmt` form (`"foo"`, `80`, `map[...]`), or
/// left out.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BadValue(Option<String>);

impl BadValue {
    pub const OMIT: BadValue = BadValue(None);

    pub fn text(s: &str) -> BadValue {
        BadValue(Some(format!("{s:?}")))
    }

    pub fn raw(s: impl Into<String>) -> BadValue {
        BadValue(Some(s.into()))
    }

    /// A scalar as the API server prints it; objects and lists are left out (the form of
    /// Kubernetes 1.35 and later; older servers print their type: `"object"`).
    pub fn scalar(node: Node<'_>) -> BadValue {
        match sent(node) {
            View::Null => BadValue::raw("null"),
            View::Bool(b) => BadValue::raw(b.to_string()),
            View::Int(i) => BadValue::raw(i.to_string()),
            View::Float(f) => BadValue::raw(go_float(f)),
            View::Str(s) => BadValue::text(s),
            View::Seq(_) | View::Map(_) => BadValue::OMIT,
        }
    }
}

/// A node as `kubectl` sends it: Kubernetes reads manifests as YAML 1.1, where a plain
/// `yes`, `no`, `on`, `off`, `y` or `n` is a boolean.
pub fn sent(node: Node<'_>) -> View<'_> {
    match node.yaml11_boolean() {
        Some(b) => View::Bool(b),
        None => node.view(),
    }
}

/// The JSON type name of a value, as validation messages name it.
pub fn type_name(node: Node<'_>) -> &'static str {
    match sent(node) {
        View::Null => "null",
        View::Bool(_) => "boolean",
        View::Int(_) => "integer",
        View::Float(f) if f.fract() == 0.0 && f.is_finite() => "integer",
        View::Float(_) => "number",
        View::Str(_) => "string",
        View::Seq(_) => "array",
        View::Map(_) => "object",
    }
}

/// Go's `%v` of a float64 (`strconv.FormatFloat(f, 'g', -1, 64)`): `65535`, `0.5`,
/// `1e+06`.
pub fn go_float(f: f64) -> String {
    if !f.is_finite() {
        return if f.is_nan() {
            "NaN".into()
        } else if f > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        };
    }
    if f == 0.0 {
        return "0".into();
    }
    // The shortest digits that round-trip, and the decimal exponent.
    let scientific = format!("{f:e}");
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    // Go's shortest form switches to an exponent outside 1e-4 <= |f| < 1e6.
    if !(-4..6).contains(&exponent) {
        let sign = if exponent < 0 { '-' } else { '+' };
        return format!("{mantissa}e{sign}{:02}", exponent.abs());
    }
    format!("{f}")
}

/// One validation error.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldError {
    pub error: ErrorType,
    pub path: Vec<Step<'static>>,
    pub value: BadValue,
    pub detail: String,
}

impl fmt::Display for FieldError {
    /// `field.Error.Error()`: `path: Type[: value][: detail]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.error == ErrorType::Note {
            return f.write_str(&self.detail);
        }
        // A rule on the object itself has no path.
        if !self.path.is_empty() {
            write!(f, "{}: ", api_path(&self.path))?;
        }
        f.write_str(self.error.word())?;
        if !self.error.omits_value()
            && let Some(value) = &self.value.0
        {
            write!(f, ": {value}")?;
        }
        if !self.detail.is_empty() {
            write!(f, ": {}", self.detail)?;
        }
        Ok(())
    }
}

/// The note the API server adds when a blocking error kept it from running the rules.
pub const RULES_NOT_CHECKED: &str = "some validation rules were not checked because the object was invalid; correct the existing errors to complete validation";

/// Go's `%#v` of a `map[string]interface{}` of scalars, keys sorted:
/// `map[string]interface {}{"name":"http", "port":80}`.
pub fn go_map(entries: &[(&str, Node<'_>)]) -> String {
    let mut sorted: Vec<&(&str, Node<'_>)> = entries.iter().collect();
    sorted.sort_by_key(|(k, _)| *k);
    let fields: Vec<String> = sorted
        .iter()
        .map(|(key, value)| {
            let value = match sent(*value) {
                View::Str(s) => format!("{s:?}"),
                View::Bool(b) => b.to_string(),
                View::Int(i) => i.to_string(),
                View::Float(x) => go_float(x),
                View::Null => "interface {}(nil)".to_string(),
                View::Seq(_) | View::Map(_) => "...".to_string(),
            };
            format!("{key:?}:{value}")
        })
        .collect();
    format!("map[string]interface {{}}{{{}}}", fields.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::Tree;

    fn error(error: ErrorType, value: BadValue, detail: &str) -> String {
        FieldError {
            error,
            path: vec![
                Step::Field("spec".into()),
                Step::Field("listeners".into()),
                Step::Index(0),
                Step::Field("port".into()),
            ],
            value,
            detail: detail.into(),
        }
        .to_string()
    }

    #[test]
    fn errors_read_as_the_api_server_prints_them() {
        assert_eq!(
            error(ErrorType::Required, BadValue::OMIT, ""),
            "spec.listeners[0].port: Required value"
        );
        assert_eq!(
            error(
                ErrorType::NotSupported,
                BadValue::text("FOO"),
                "supported values: \"HTTP\", \"HTTPS\""
            ),
            "spec.listeners[0].port: Unsupported value: \"FOO\": supported values: \"HTTP\", \"HTTPS\""
        );
        assert_eq!(
            error(
                ErrorType::TooMany,
                BadValue::raw("17"),
                "must have at most 16 items"
            ),
            "spec.listeners[0].port: Too many: 17: must have at most 16 items"
        );
        assert_eq!(
            error(
                ErrorType::TooLong,
                BadValue::text("x"),
                "may not be more than 1 bytes"
            ),
            "spec.listeners[0].port: Too long: may not be more than 1 bytes"
        );
        assert_eq!(
            error(ErrorType::Invalid, BadValue::OMIT, "m"),
            "spec.listeners[0].port: Invalid value: m"
        );
        let labels = [
            Step::Field("spec".into()),
            Step::Field("labels".into()),
            Step::Key("a.b/c".into()),
        ];
        assert_eq!(api_path(&labels), "spec.labels[a.b/c]");
        assert_eq!(validator_path(&labels), "spec.labels.a.b/c");
        assert_eq!(field_path(&labels).to_string(), "spec.labels[\"a.b/c\"]");
    }

    #[test]
    fn floats_print_as_go_prints_them() {
        for (f, text) in [
            (65535.0, "65535"),
            (1_000_000.0, "1e+06"),
            (100_000.0, "100000"),
            (0.5, "0.5"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (-2.0, "-2"),
            (1.5e7, "1.5e+07"),
        ] {
            assert_eq!(go_float(f), text, "{f}");
        }
    }

    #[test]
    fn duplicate_keys_print_as_a_go_map() {
        let name = Tree::string("http");
        let port = Tree::int(80);
        assert_eq!(
            go_map(&[("port", port.root()), ("name", name.root())]),
            "map[string]interface {}{\"name\":\"http\", \"port\":80}"
        );
    }
}
