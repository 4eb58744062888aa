//! Regular expressions as the API server runs them: Go's RE2 syntax (OpenAPI `pattern`,
//! CEL `matches`), compiled once, with size limits so a hostile pattern in a `--crds` file
//! or a rule cannot exhaust memory.
//!
//! The `regex` crate implements RE2's syntax and linear-time matching. One difference
//! matters: RE2's Perl classes (`\d`, `\w`, `\s`, `\b`) are ASCII, the crate's are Unicode;
//! [`translate`] rewrites them to their ASCII forms.

use std::sync::OnceLock;

use regex::{Regex, RegexBuilder};

/// The most memory one compiled expression may take.
const SIZE_LIMIT: usize = 1 << 20;

/// A pattern and its compiled form, compiled on first use.
#[derive(Debug)]
pub struct Pattern {
    pub source: Box<str>,
    compiled: OnceLock<Result<Regex, String>>,
}

impl Pattern {
    pub fn new(source: &str) -> Pattern {
        Pattern {
            source: source.into(),
            compiled: OnceLock::new(),
        }
    }

    /// The compiled expression, or why it does not compile.
    pub fn regex(&self) -> Result<&Regex, &str> {
        self.compiled
            .get_or_init(|| compile(&self.source))
            .as_ref()
            .map_err(String::as_str)
    }
}

/// Compiles an RE2 expression.
pub fn compile(source: &str) -> Result<Regex, String> {
    RegexBuilder::new(&translate(source))
        .size_limit(SIZE_LIMIT)
        .dfa_size_limit(SIZE_LIMIT)
        .build()
        .map_err(|e| e.to_string())
}

/// RE2's ASCII Perl classes in the `regex` crate's syntax, inside and outside brackets.
fn translate(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    let mut chars = source.chars();
    // Depth of `[...]`: a class inside a class (`[[:alpha:]]`) is one level deeper.
    let mut in_class = 0usize;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let Some(next) = chars.next() else {
                    out.push('\\');
                    break;
                };
                let replacement = match (next, in_class > 0) {
                    ('d', false) => "[0-9]",
                    ('D', false) => "[^0-9]",
                    ('w', false) => "[0-9A-Za-z_]",
                    ('W', false) => "[^0-9A-Za-z_]",
                    ('s', false) => "[\\t\\n\\f\\r ]",
                    ('S', false) => "[^\\t\\n\\f\\r ]",
                    ('b', false) => "(?-u:\\b)",
                    ('B', false) => "(?-u:\\B)",
                    ('d', true) => "0-9",
                    ('w', true) => "0-9A-Za-z_",
                    ('s', true) => "\\t\\n\\f\\r ",
                    ('D', true) => "[:^digit:]",
                    ('W', true) => "[:^word:]",
                    ('S', true) => "[:^space:]",
                    _ => {
                        out.push('\\');
                        out.push(next);
                        continue;
                    }
                };
                out.push_str(replacement);
            }
            '[' => {
                // `[:alpha:]` inside a class is not a nested class.
                let rest = chars.as_str();
                if in_class > 0 && rest.starts_with(':') {
                    let end = rest.find(":]").map_or(rest.len(), |i| i + 2);
                    out.push('[');
                    out.push_str(&rest[..end]);
                    chars = rest[end..].chars();
                    continue;
                }
                in_class += 1;
                out.push('[');
                // A `]` (or `^]`) right after the opening bracket is a literal.
                let rest = chars.as_str();
                for prefix in ["^]", "]", "^"] {
                    if let Some(after) = rest.strip_prefix(prefix) {
                        out.push_str(prefix);
                        chars = after.chars();
                        break;
                    }
                }
            }
            ']' if in_class > 0 => {
                in_class -= 1;
                out.push(']');
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perl_classes_are_ascii_as_in_re2() {
        let digits = compile(r"^\d+$").unwrap();
        assert!(digits.is_match("0123"));
        assert!(!digits.is_match("٣")); // an Arabic-Indic digit: Unicode \d, not RE2's
        let word = compile(r"^[\w.-]+$").unwrap();
        assert!(word.is_match("a_b.c-d"));
        assert!(!word.is_match("é"));
        assert!(compile(r"^[^\s]+$").unwrap().is_match("x"));
        assert!(compile(r"[\D]").unwrap().is_match("a"));
    }

    #[test]
    fn gateway_api_patterns_compile_unchanged() {
        for source in [
            r"^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$",
            r"^[A-Za-z0-9!#$%&'*+\-.^_\x60|~]+$",
            r"^(?i)\.?[a-z_][a-z_0-9]*(\.[a-z_][a-z_0-9]*)*$",
            r"^[]a]$",
            r"[[:alpha:]]",
        ] {
            let translated = translate(source);
            assert_eq!(translated, source, "{source}");
            assert!(compile(source).is_ok(), "{source}");
        }
        assert!(compile(r"^[]a]$").unwrap().is_match("]"));
    }

    #[test]
    fn oversized_or_invalid_patterns_are_errors() {
        assert!(compile("(a").is_err());
        assert!(compile(r"(\w{1000}){1000}").is_err());
        let pattern = Pattern::new("a(");
        assert!(pattern.regex().is_err());
    }
}
