//! Scalar resolution as Kubernetes reads a manifest, and the core tags (`!!str`, `!!int`,
//! ...).
//!
//! Kubernetes decodes YAML with sigs.k8s.io/yaml: go-yaml v2 (YAML 1.1) resolves the scalars,
//! then the value becomes JSON. So numbers follow go-yaml v2's `resolve` (goyaml.v2/resolve.go):
//! underscores are dropped, a leading `0` is octal (`017` is 15), `0b`, `0o` and `0x` prefix
//! binary, octal and hex, and a float whose value is whole is the JSON integer it encodes to
//! (`8.0e1` is 80). Checked against `kubectl label --local -f FILE x=y -o json` (kubectl
//! 1.32): `017` → 15, `+017` → 15, `1_000` → 1000, `1__0` → 10, `8.0e1` → 80, `80.0` → 80,
//! `08` → 8, `0b1010000` → 80, `-0b11` → -3, `-0x1F` → -31, `0x_1F` → 31, `1_0.5` → 10.5,
//! `.5` → 0.5; `1e400`, `_1`, `0x` and `0b` stay strings. Null and the booleans are YAML 1.2's:
//! the YAML 1.1 booleans (`yes`, `on`) stay strings and are reported where a string is read.

use std::borrow::Cow;

use super::Value;

/// Resolves a plain (unquoted, untagged) scalar.
pub(super) fn resolve_plain(text: Cow<'_, str>) -> Value<'_> {
    if let Some(value) = null_or_bool(&text) {
        return value;
    }
    kubernetes_number(&text).unwrap_or(Value::Str(text))
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
pub(super) fn resolve_tagged(text: &str, tag: CoreTag) -> Option<Value<'_>> {
    match tag {
        CoreTag::Str => Some(Value::Str(Cow::Borrowed(text))),
        CoreTag::Int => kubernetes_number(text).filter(|n| matches!(n, Value::Int(_))),
        CoreTag::Float => kubernetes_number(text),
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

fn null_or_bool(text: &str) -> Option<Value<'static>> {
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

/// The number go-yaml v2 resolves a plain scalar to, as the JSON value Kubernetes then
/// reads; `None` for a string.
fn kubernetes_number(text: &str) -> Option<Value<'static>> {
    match text.as_bytes().first()? {
        b'.' => match text {
            ".inf" | ".Inf" | ".INF" => Some(Value::Float(f64::INFINITY)),
            ".nan" | ".NaN" | ".NAN" => Some(Value::Float(f64::NAN)),
            _ if is_float_syntax(text) => finite_float(text).map(json_number),
            _ => None,
        },
        b'+' | b'-' | b'0'..=b'9' => {
            match text {
                "+.inf" | "+.Inf" | "+.INF" => return Some(Value::Float(f64::INFINITY)),
                "-.inf" | "-.Inf" | "-.INF" => return Some(Value::Float(f64::NEG_INFINITY)),
                _ => {}
            }
            let plain = without_underscores(text);
            if let Some(number) = go_parse_int(&plain) {
                return Some(number);
            }
            if is_float_syntax(&plain) {
                return finite_float(&plain).map(json_number);
            }
            // After the float rule, go-yaml tries `0b` once more with a signed remainder.
            let (negative, binary) = match plain.strip_prefix("-0b") {
                Some(rest) => (true, rest),
                None => (false, plain.strip_prefix("0b")?),
            };
            let (sign_negative, digits) = match binary.as_bytes().first() {
                Some(b'-') if !negative => (true, &binary[1..]),
                Some(b'+') if !negative => (false, &binary[1..]),
                _ => (false, binary),
            };
            let value = parse_digits(digits, 2)?;
            Some(signed(negative || sign_negative, value))
        }
        _ => None,
    }
}

/// `text` without its `_` (go-yaml drops them from numbers).
fn without_underscores(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains('_') {
        std::borrow::Cow::Owned(text.replace('_', ""))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// Go's `strconv.ParseInt(text, 0, 64)`, then `ParseUint`: an optional sign, then `0x`,
/// `0o`, `0b` (either case) or a leading `0` (octal) selects the base.
fn go_parse_int(text: &str) -> Option<Value<'static>> {
    let (negative, unsigned) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let prefixed = |prefix: [&str; 2]| prefix.iter().find_map(|p| unsigned.strip_prefix(p));
    let (digits, radix) = if let Some(hex) = prefixed(["0x", "0X"]) {
        (hex, 16)
    } else if let Some(octal) = prefixed(["0o", "0O"]) {
        (octal, 8)
    } else if let Some(binary) = prefixed(["0b", "0B"]) {
        (binary, 2)
    } else if unsigned.len() > 1 && unsigned.starts_with('0') {
        (&unsigned[1..], 8)
    } else {
        (unsigned, 10)
    };
    let value = parse_digits(digits, radix)?;
    Some(signed(negative, value))
}

/// Digits of `radix` (at least one, no sign) as an unsigned number; beyond `u128`, `None`.
fn parse_digits(digits: &str, radix: u32) -> Option<u128> {
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    u128::from_str_radix(digits, radix).ok()
}

/// A parsed integer: an `i64` when it fits (ParseInt), else the nearest float (ParseUint's
/// `uint64`, or a big integer, which sigs.k8s.io/yaml turns into a JSON number).
fn signed(negative: bool, magnitude: u128) -> Value<'static> {
    let value = if negative {
        i64::try_from(magnitude)
            .ok()
            .map(i64::wrapping_neg)
            .or((magnitude == 1 << 63).then_some(i64::MIN))
    } else {
        i64::try_from(magnitude).ok()
    };
    #[allow(clippy::cast_precision_loss)] // beyond i64: only its magnitude matters
    let approximate = || {
        let f = magnitude as f64;
        Value::Float(if negative { -f } else { f })
    };
    value.map_or_else(approximate, Value::Int)
}

/// go-yaml v2's float syntax: `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`.
fn is_float_syntax(text: &str) -> bool {
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(i) => (&unsigned[..i], Some(&unsigned[i + 1..])),
        None => (unsigned, None),
    };
    let is_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some((whole, fraction)) => {
            is_digits(whole) && is_digits(fraction) && !(whole.is_empty() && fraction.is_empty())
        }
        None => !mantissa.is_empty() && is_digits(mantissa),
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let digits = e.strip_prefix(['-', '+']).unwrap_or(e);
        !digits.is_empty() && is_digits(digits)
    });
    mantissa_ok && exponent_ok
}

/// Go's `ParseFloat` of valid float syntax: out of range (`1e400`) is an error, so a string.
fn finite_float(text: &str) -> Option<f64> {
    text.parse::<f64>().ok().filter(|f| f.is_finite())
}

/// A float as the JSON number sigs.k8s.io/yaml encodes it to: a whole value below 2^63 is
/// written without a fraction (Go's `encoding/json`), so Kubernetes reads an integer.
fn json_number(f: f64) -> Value<'static> {
    const LIMIT: f64 = 9_223_372_036_854_775_808.0; // 2^63
    #[allow(clippy::cast_possible_truncation)] // whole and within range: exact
    if f.fract() == 0.0 && f.abs() < LIMIT {
        Value::Int(f as i64)
    } else {
        Value::Float(f)
    }
}

/// A plain integer written with a leading zero that YAML 1.1 reads as octal, where the
/// decimal reading differs: `(as Kubernetes reads it, as decimal)`, e.g. `017` → (15, 17).
pub(super) fn octal_surprise(text: &str) -> Option<(i64, i64)> {
    // Nearly every scalar stops here.
    if !matches!(text.as_bytes(), [b'0', _, ..] | [b'+' | b'-', b'0', _, ..]) {
        return None;
    }
    let plain = without_underscores(text);
    let unsigned = plain.strip_prefix(['-', '+']).unwrap_or(&plain);
    let digits = unsigned.strip_prefix('0')?;
    if digits.is_empty() || !digits.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
        return None;
    }
    let Some(Value::Int(octal)) = go_parse_int(&plain) else {
        return None;
    };
    let decimal: i64 = plain.parse().ok()?;
    (octal != decimal).then_some((octal, decimal))
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
            ("1.", Value::Int(1)),
            ("-.inf", Value::Float(f64::NEG_INFINITY)),
            ("+.inf", Value::Float(f64::INFINITY)),
            ("yes", Value::Str("yes".into())),
            ("0x", Value::Str("0x".into())),
            ("1.2.3", Value::Str("1.2.3".into())),
            (".", Value::Str(".".into())),
            ("1e", Value::Str("1e".into())),
            ("inf", Value::Str("inf".into())),
            ("-.nan", Value::Str("-.nan".into())),
            ("80/TCP", Value::Str("80/TCP".into())),
            ("2001-12-14", Value::Str("2001-12-14".into())),
            ("-", Value::Str("-".into())),
            ("0x+5", Value::Str("0x+5".into())),
            ("--5", Value::Str("--5".into())),
        ] {
            assert_eq!(resolve_plain(text.into()), expected, "{text:?}");
        }
        assert!(matches!(resolve_plain(".NaN".into()), Value::Float(f) if f.is_nan()));
        assert_eq!(
            resolve_plain("99999999999999999999".into()),
            Value::Float(99999999999999999999.0)
        );
    }

    /// What `kubectl label --local -f FILE x=y -o json` (kubectl 1.32) prints for each value
    /// of a ConfigMap's `data` and a Service's `port`: the JSON Kubernetes reads.
    #[test]
    fn numbers_are_read_as_kubectl_reads_them() {
        for (text, expected) in [
            ("017", Value::Int(15)),
            ("+017", Value::Int(15)),
            ("-017", Value::Int(-15)),
            ("1_000", Value::Int(1000)),
            ("1__0", Value::Int(10)),
            ("8.0e1", Value::Int(80)),
            ("80.0", Value::Int(80)),
            ("1e3", Value::Int(1000)),
            ("08", Value::Int(8)),
            ("0b1010000", Value::Int(80)),
            ("-0b11", Value::Int(-3)),
            ("-0x1F", Value::Int(-31)),
            ("0x_1F", Value::Int(31)),
            ("0o17", Value::Int(15)),
            ("1_0.5", Value::Float(10.5)),
            (".5", Value::Float(0.5)),
            ("9223372036854775807", Value::Int(i64::MAX)),
            ("-9223372036854775808", Value::Int(i64::MIN)),
            ("1e400", Value::Str("1e400".into())),
            ("_1", Value::Str("_1".into())),
            ("0x", Value::Str("0x".into())),
            ("0b", Value::Str("0b".into())),
            ("0b2", Value::Str("0b2".into())),
        ] {
            assert_eq!(resolve_plain(text.into()), expected, "{text:?}");
        }
        // go-yaml's second try at `0b` takes a signed remainder.
        assert_eq!(resolve_plain("0b-11".into()), Value::Int(-3));
        assert_eq!(
            resolve_plain("9223372036854775808".into()),
            Value::Float(9_223_372_036_854_775_808.0)
        );
    }

    #[test]
    fn leading_zero_octals_are_told_apart_from_their_decimal_reading() {
        assert_eq!(octal_surprise("017"), Some((15, 17)));
        assert_eq!(octal_surprise("-0_17"), Some((-15, -17)));
        assert_eq!(octal_surprise("+010"), Some((8, 10)));
        // The same either way, or not octal at all.
        for text in ["0", "00", "007", "08", "0o17", "17", "0x17", "0b1", "", "-"] {
            assert_eq!(octal_surprise(text), None, "{text:?}");
        }
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
        // `!!float 3` is 3.0, the JSON number 3.
        assert_eq!(resolve_tagged("3", CoreTag::Float), Some(Value::Int(3)));
        assert_eq!(
            resolve_tagged("2.5", CoreTag::Float),
            Some(Value::Float(2.5))
        );
        assert_eq!(resolve_tagged("017", CoreTag::Int), Some(Value::Int(15)));
        assert_eq!(resolve_tagged("1.5", CoreTag::Int), None);
        assert_eq!(resolve_tagged("abc", CoreTag::Int), None);
        assert_eq!(resolve_tagged("true", CoreTag::Null), None);
        assert_eq!(resolve_tagged("~", CoreTag::Null), Some(Value::Null));
        assert_eq!(resolve_tagged("x", CoreTag::Collection), None);
    }
}
