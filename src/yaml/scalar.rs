//! Scalar resolution with the YAML 1.2 core schema, and the core tags (`!!str`, `!!int`, ...).

use super::Value;

/// Resolves a plain (unquoted, untagged) scalar.
pub(super) fn resolve_plain(text: String) -> Value {
    if let Some(value) = null_or_bool(&text) {
        return value;
    }
    if let Some(i) = parse_int(&text) {
        return Value::Int(i);
    }
    if let Some(f) = parse_float(&text) {
        return Value::Float(f);
    }
    Value::Str(text)
}

/// What a core-schema tag asks a scalar to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum CoreTag {
    Str,
    Int,
    Float,
    Bool,
    Null,
    /// `!!map`, `!!seq`: a collection tag on a scalar cannot be honoured.
    Collection,
}

impl CoreTag {
    /// The core tag named by a `tag:yaml.org,2002:` suffix. Other core types (`!!binary`,
    /// `!!timestamp`) are read as strings, as Kubernetes' decoder hands them to JSON.
    pub(super) fn from_suffix(suffix: &str) -> CoreTag {
        match suffix {
            "int" => CoreTag::Int,
            "float" => CoreTag::Float,
            "bool" => CoreTag::Bool,
            "null" => CoreTag::Null,
            "map" | "seq" | "omap" | "pairs" | "set" => CoreTag::Collection,
            _ => CoreTag::Str,
        }
    }

    pub(super) fn name(self) -> &'static str {
        match self {
            CoreTag::Str => "!!str",
            CoreTag::Int => "!!int",
            CoreTag::Float => "!!float",
            CoreTag::Bool => "!!bool",
            CoreTag::Null => "!!null",
            CoreTag::Collection => "a collection tag",
        }
    }
}

/// Resolves a scalar carrying a core tag; `None` when the text does not fit the tag.
pub(super) fn resolve_tagged(text: &str, tag: CoreTag) -> Option<Value> {
    match tag {
        CoreTag::Str => Some(Value::Str(text.to_string())),
        CoreTag::Int => parse_int(text).map(Value::Int),
        CoreTag::Float => parse_float(text)
            .or_else(|| parse_int(text).map(|i| i as f64))
            .map(Value::Float),
        CoreTag::Bool => match null_or_bool(text) {
            Some(Value::Bool(b)) => Some(Value::Bool(b)),
            _ => None,
        },
        CoreTag::Null => match null_or_bool(text) {
            Some(Value::Null) => Some(Value::Null),
            _ => None,
        },
        CoreTag::Collection => None,
    }
}

fn null_or_bool(text: &str) -> Option<Value> {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => Some(Value::Null),
        "true" | "True" | "TRUE" => Some(Value::Bool(true)),
        "false" | "False" | "FALSE" => Some(Value::Bool(false)),
        _ => None,
    }
}

/// The YAML 1.1 booleans that YAML 1.2 reads as strings, as go-yaml v2 lists them (the
/// three casings only: `yEs` is a string in both).
pub(super) fn yaml11_boolean(text: &str) -> Option<bool> {
    // The longest word is 3 bytes: longer texts (nearly every string) stop here.
    if text.len() > 3 {
        return None;
    }
    match text {
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" => Some(true),
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" => Some(false),
        _ => None,
    }
}

/// `[-+]?[0-9]+`, `0o[0-7]+`, `0x[0-9a-fA-F]+`. A decimal too large for `i64` is left to
/// the float rule, as the core schema's int has no size bound but ours does.
fn parse_int(text: &str) -> Option<i64> {
    if let Some(octal) = text.strip_prefix("0o") {
        return digits_only(octal, |b| (b'0'..=b'7').contains(&b))
            .then(|| i64::from_str_radix(octal, 8).ok())
            .flatten();
    }
    if let Some(hex) = text.strip_prefix("0x") {
        return digits_only(hex, |b| b.is_ascii_hexdigit())
            .then(|| i64::from_str_radix(hex, 16).ok())
            .flatten();
    }
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    if !digits_only(unsigned, |b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

fn digits_only(text: &str, is_digit: impl Fn(u8) -> bool) -> bool {
    !text.is_empty() && text.bytes().all(is_digit)
}

/// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, `[-+]?.inf`, `.nan` (three cases each).
fn parse_float(text: &str) -> Option<f64> {
    let (negative, unsigned) = match text.as_bytes().first() {
        Some(b'-') => (true, text.get(1..)?),
        Some(b'+') => (false, text.get(1..)?),
        _ => (false, text),
    };
    match unsigned {
        ".inf" | ".Inf" | ".INF" => {
            return Some(if negative {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            });
        }
        ".nan" | ".NaN" | ".NAN" if unsigned.len() == text.len() => return Some(f64::NAN),
        _ => {}
    }
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(i) => (&unsigned[..i], Some(&unsigned[i + 1..])),
        None => (unsigned, None),
    };
    let (whole, fraction) = match mantissa.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (mantissa, None),
    };
    let is_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match fraction {
        Some(f) => is_digits(whole) && is_digits(f) && !(whole.is_empty() && f.is_empty()),
        None => !whole.is_empty() && is_digits(whole),
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let digits = e.strip_prefix(['-', '+']).unwrap_or(e);
        !digits.is_empty() && is_digits(digits)
    });
    if mantissa_ok && exponent_ok {
        text.parse().ok()
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_scalars_follow_the_core_schema() {
        for (text, expected) in [
            ("", Value::Null),
            ("~", Value::Null),
            ("null", Value::Null),
            ("True", Value::Bool(true)),
            ("FALSE", Value::Bool(false)),
            ("42", Value::Int(42)),
            ("-7", Value::Int(-7)),
            ("+3", Value::Int(3)),
            ("0x1F", Value::Int(31)),
            ("0o17", Value::Int(15)),
            ("1.5", Value::Float(1.5)),
            ("-.5", Value::Float(-0.5)),
            ("1e3", Value::Float(1000.0)),
            ("1.", Value::Float(1.0)),
            ("-.inf", Value::Float(f64::NEG_INFINITY)),
            ("yes", Value::Str("yes".into())),
            ("0x", Value::Str("0x".into())),
            ("1.2.3", Value::Str("1.2.3".into())),
            (".", Value::Str(".".into())),
            ("1e", Value::Str("1e".into())),
            ("inf", Value::Str("inf".into())),
            ("-.nan", Value::Str("-.nan".into())),
            ("80/TCP", Value::Str("80/TCP".into())),
            ("1_000", Value::Str("1_000".into())),
        ] {
            assert_eq!(resolve_plain(text.into()), expected, "{text:?}");
        }
        assert!(matches!(resolve_plain(".NaN".into()), Value::Float(f) if f.is_nan()));
        assert_eq!(
            resolve_plain("99999999999999999999".into()),
            Value::Float(99999999999999999999.0)
        );
    }

    #[test]
    fn yaml11_booleans_are_the_go_yaml_v2_words() {
        for (text, expected) in [
            ("yes", Some(true)),
            ("Yes", Some(true)),
            ("YES", Some(true)),
            ("y", Some(true)),
            ("Y", Some(true)),
            ("on", Some(true)),
            ("ON", Some(true)),
            ("no", Some(false)),
            ("N", Some(false)),
            ("Off", Some(false)),
            ("OFF", Some(false)),
            ("yEs", None),
            ("oN", None),
            ("nO", None),
            ("yes!", None),
            ("", None),
            ("true", None),
            ("offline", None),
        ] {
            assert_eq!(yaml11_boolean(text), expected, "{text:?}");
        }
    }

    #[test]
    fn tags_force_the_type_or_refuse() {
        assert_eq!(
            resolve_tagged("8080", CoreTag::Str),
            Some(Value::Str("8080".into()))
        );
        assert_eq!(resolve_tagged("8080", CoreTag::Int), Some(Value::Int(8080)));
        assert_eq!(resolve_tagged("3", CoreTag::Float), Some(Value::Float(3.0)));
        assert_eq!(resolve_tagged("abc", CoreTag::Int), None);
        assert_eq!(resolve_tagged("true", CoreTag::Null), None);
        assert_eq!(resolve_tagged("~", CoreTag::Null), Some(Value::Null));
        assert_eq!(resolve_tagged("x", CoreTag::Collection), None);
    }
}
