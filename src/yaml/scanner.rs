//! What the builder needs from the scanner besides its events: byte offsets for its
//! character positions, and its errors as diagnostics in the user's words.

use saphyr_parser::ScanError;

use super::Limits;
use super::rules::{SYNTAX_ERROR, TOO_DEEP};
use crate::diag::{Diagnostic, Location};
use crate::source::{FileId, Span};

pub(super) fn syntax_error(
    error: &ScanError,
    offsets: &mut Offsets,
    file: FileId,
    limits: &Limits,
) -> Diagnostic {
    let start = offsets.byte(error.marker().index());
    // Underline the character at the error, unless it is a line break or the end.
    let width = offsets
        .text
        .get(start - offsets.base..)
        .and_then(|rest| rest.chars().next())
        .filter(|c| *c != '\n' && *c != '\r')
        .map_or(0, char::len_utf8);
    let location = Location::File {
        file,
        span: Span::new(start, start + width),
    };
    // The scanner has its own bound on flow nesting (255), which it can hit before the
    // builder sees the events of the levels beyond ours.
    if error.info() == "recursion limit exceeded" {
        return too_deep(limits, location);
    }
    Diagnostic::new(&SYNTAX_ERROR, syntax_message(error.info())).at(location)
}

pub(super) fn too_deep(limits: &Limits, location: Location) -> Diagnostic {
    Diagnostic::new(
        &TOO_DEEP,
        format!(
            "collections nest more than {} levels deep here; the document is not checked",
            limits.max_depth
        ),
    )
    .at(location)
}

/// The parser's message, reworded where it speaks in parser terms.
fn syntax_message(info: &str) -> String {
    let reworded = match info {
        "simple key expect ':'" => "expected `:` after a mapping key",
        "simple key expected" => "expected a mapping key",
        "mapping values are not allowed in this context" => {
            "unexpected `:` here (check the indentation, or quote a value that contains \": \")"
        }
        "tabs disallowed within this context (block indentation)"
        | "tabs disallowed in this context" => "tabs cannot be used for indentation",
        "while parsing node, found unknown anchor" => "this alias refers to an undefined anchor",
        "while parsing a block mapping, did not find expected key" => {
            "expected a mapping key at this indentation"
        }
        "while parsing a block collection, did not find expected '-' indicator" => {
            "expected a list item (`- `) at this indentation"
        }
        "while parsing a flow sequence, expected ',' or ']'" => "expected `,` or `]` in a list",
        "while parsing a flow mapping, did not find expected ',' or '}'" => {
            "expected `,` or `}` in a mapping"
        }
        "while scanning a quoted scalar, found unexpected end of stream" => {
            "unclosed quoted string"
        }
        "invalid indentation in flow construct" => {
            "bad indentation inside `[...]` or `{...}` (is a bracket left unclosed?)"
        }
        "while parsing a node, did not find expected node content" => "expected a value here",
        _ => "",
    };
    if !reworded.is_empty() {
        return reworded.to_string();
    }
    // "while parsing a X, did not find Y" reads better as "did not find Y (in a X)".
    let message = match info.split_once(", ") {
        Some((context, rest)) if context.starts_with("while ") => format!("{rest} ({context})"),
        _ => info.to_string(),
    };
    message.replace(['<', '>'], "")
}

/// Converts the parser's character indices within a chunk to byte offsets in the file.
/// Events arrive nearly in text order, so a cursor that moves from the last position makes
/// the conversion linear overall; an ASCII chunk needs no conversion at all.
pub(super) struct Offsets<'a> {
    text: &'a str,
    base: usize,
    ascii: bool,
    cursor_chars: usize,
    cursor_bytes: usize,
    /// Characters the parser saw that the text does not have: (where, how many).
    inserted: Option<(usize, usize)>,
}

impl<'a> Offsets<'a> {
    pub(super) fn new(text: &'a str, base: usize) -> Self {
        Offsets {
            text,
            base,
            ascii: text.is_ascii(),
            cursor_chars: 0,
            cursor_bytes: 0,
            inserted: None,
        }
    }

    /// For a parser given the text with `len` characters inserted before character `at`:
    /// positions in the insertion map to `at`, later ones back by `len`.
    pub(super) fn with_insertion(self, at: usize, len: usize) -> Self {
        Offsets {
            inserted: Some((at, len)),
            ..self
        }
    }

    /// Where the text starts in its file.
    pub(super) fn base(&self) -> usize {
        self.base
    }

    pub(super) fn byte(&mut self, char_index: usize) -> usize {
        let char_index = match self.inserted {
            Some((at, len)) if char_index >= at => char_index.saturating_sub(len).max(at),
            _ => char_index,
        };
        if self.ascii {
            return self.base + char_index.min(self.text.len());
        }
        while self.cursor_chars < char_index {
            match self
                .text
                .get(self.cursor_bytes..)
                .and_then(|s| s.chars().next())
            {
                Some(c) => {
                    self.cursor_bytes += c.len_utf8();
                    self.cursor_chars += 1;
                }
                None => break,
            }
        }
        while self.cursor_chars > char_index {
            match self
                .text
                .get(..self.cursor_bytes)
                .and_then(|s| s.chars().next_back())
            {
                Some(c) => {
                    self.cursor_bytes -= c.len_utf8();
                    self.cursor_chars -= 1;
                }
                None => break,
            }
        }
        self.base + self.cursor_bytes
    }

    pub(super) fn span(&mut self, start: usize, end: usize) -> Span {
        let start = self.byte(start);
        Span::new(start, self.byte(end).max(start))
    }
}
