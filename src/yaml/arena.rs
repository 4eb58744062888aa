//! How a span tree is stored: fixed-size slots (a node each) and the arena that writes them.
//!
//! A slot is 20 bytes: a 32-bit span, a kind, flags and a 64-bit payload (an integer's or a
//! float's bits, a string's start and length, a collection's first child and length).
//! Only `node` (reading) and `hand` and `build` (writing) see slots; consumers see
//! [`super::Node`].

use std::borrow::Cow;

use crate::source::{Span, Text};

use super::Tree;

/// One node. `a` and `b` hold the payload: an integer's or a float's bits (high, low), a
/// string's start and length, a collection's first child and length.
#[derive(Debug, Clone, Copy)]
pub(super) struct Slot {
    start: u32,
    end: u32,
    kind: Kind,
    flags: u8,
    a: u32,
    b: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Null,
    Bool,
    Int,
    Float,
    Str,
    Seq,
    Map,
}

/// Written as a plain scalar: unquoted and untagged.
const PLAIN: u8 = 1;
/// A string held in the tree's buffer, not in the file's text.
const OWNED: u8 = 2;

/// Where a string's bytes are.
#[derive(Debug, Clone, Copy)]
pub(super) struct Str {
    pub(super) owned: bool,
    start: u32,
    len: u32,
}

/// A node's content, decoded from its slot.
#[derive(Debug, Clone, Copy)]
pub(super) enum Payload {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Str),
    /// `len` items from slot `first`.
    Seq {
        first: u32,
        len: u32,
    },
    /// `len` entries (`2 * len` slots, key then value) from slot `first`.
    Map {
        first: u32,
        len: u32,
    },
}

/// A scalar resolved with the YAML 1.2 core schema (quoted scalars are always strings). A
/// string borrows the scanner's text where it can: most scalars are strings written as they
/// read, and the tree points into the file for them.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Value<'a> {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Cow<'a, str>),
}

impl Value<'_> {
    pub(super) fn into_owned(self) -> Value<'static> {
        match self {
            Value::Null => Value::Null,
            Value::Bool(b) => Value::Bool(b),
            Value::Int(i) => Value::Int(i),
            Value::Float(f) => Value::Float(f),
            Value::Str(s) => Value::Str(Cow::Owned(s.into_owned())),
        }
    }
}

/// An offset or length in the tree (texts are at most 4 GiB: `yaml::parse` refuses more).
pub(super) fn offset(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Slot {
    pub(super) fn new(payload: Payload, span: Span, plain: bool) -> Slot {
        let split = |bits: u64| ((bits >> 32) as u32, bits as u32);
        let (kind, a, b, owned) = match payload {
            Payload::Null => (Kind::Null, 0, 0, false),
            Payload::Bool(v) => (Kind::Bool, u32::from(v), 0, false),
            Payload::Int(i) => {
                let (a, b) = split(i as u64);
                (Kind::Int, a, b, false)
            }
            Payload::Float(f) => {
                let (a, b) = split(f.to_bits());
                (Kind::Float, a, b, false)
            }
            Payload::Str(s) => (Kind::Str, s.start, s.len, s.owned),
            Payload::Seq { first, len } => (Kind::Seq, first, len, false),
            Payload::Map { first, len } => (Kind::Map, first, len, false),
        };
        Slot {
            start: offset(span.start),
            end: offset(span.end),
            kind,
            flags: if plain { PLAIN } else { 0 } | if owned { OWNED } else { 0 },
            a,
            b,
        }
    }

    pub(super) fn payload(&self) -> Payload {
        let bits = (u64::from(self.a) << 32) | u64::from(self.b);
        match self.kind {
            Kind::Null => Payload::Null,
            Kind::Bool => Payload::Bool(self.a != 0),
            Kind::Int => Payload::Int(bits as i64),
            Kind::Float => Payload::Float(f64::from_bits(bits)),
            Kind::Str => Payload::Str(Str {
                owned: self.flags & OWNED != 0,
                start: self.a,
                len: self.b,
            }),
            Kind::Seq => Payload::Seq {
                first: self.a,
                len: self.b,
            },
            Kind::Map => Payload::Map {
                first: self.a,
                len: self.b,
            },
        }
    }

    pub(super) fn span(&self) -> Span {
        Span::new(self.start as usize, self.end as usize)
    }

    pub(super) fn with_span(mut self, span: Span) -> Slot {
        self.start = offset(span.start);
        self.end = offset(span.end);
        self
    }

    /// A null slot, for reading past the end of a tree.
    pub(super) const NULL: Slot = Slot {
        start: 0,
        end: 0,
        kind: Kind::Null,
        flags: 0,
        a: 0,
        b: 0,
    };

    pub(super) fn plain(&self) -> bool {
        self.flags & PLAIN != 0
    }

    pub(super) fn with_plain(mut self, plain: bool) -> Slot {
        self.flags = (self.flags & !PLAIN) | if plain { PLAIN } else { 0 };
        self
    }

    pub(super) fn is_null(&self) -> bool {
        self.kind == Kind::Null
    }

    pub(super) fn kind_name(&self) -> &'static str {
        match self.kind {
            Kind::Null => "null",
            Kind::Bool => "a boolean",
            Kind::Int => "an integer",
            Kind::Float => "a number",
            Kind::Str => "a string",
            Kind::Seq => "a list",
            Kind::Map => "a mapping",
        }
    }
}

impl Str {
    /// Bytes `start..start + len` of the file's text.
    pub(super) fn borrowed(start: usize, len: usize) -> Str {
        Str {
            owned: false,
            start: offset(start),
            len: offset(len),
        }
    }
}

/// Slots and strings being written: the parser's per-thread scratch, reused document after
/// document, and the buffer of trees built by hand.
#[derive(Debug, Default)]
pub(super) struct Arena {
    slots: Vec<Slot>,
    strings: String,
}

impl Arena {
    /// Stores a string in the tree's own buffer.
    pub(super) fn owned_str(&mut self, text: &str) -> Str {
        let start = offset(self.strings.len());
        self.strings.push_str(text);
        Str {
            owned: true,
            start,
            len: offset(text.len()),
        }
    }

    /// Stores a collection's children in consecutive slots; returns the first one's index.
    pub(super) fn push_children(&mut self, children: &[Slot]) -> u32 {
        let first = offset(self.slots.len());
        self.slots.extend_from_slice(children);
        first
    }

    /// The slots from `first`, `len` of them.
    pub(super) fn children(&self, first: u32, len: usize) -> &[Slot] {
        let first = first as usize;
        self.slots.get(first..first + len).unwrap_or_default()
    }

    /// The text of a string, borrowed ones from `text`.
    pub(super) fn str<'a>(&'a self, text: &'a str, s: Str) -> &'a str {
        let source = if s.owned { &self.strings } else { text };
        range(source, s)
    }

    /// The tree of everything written, rooted at `root`, copied out at its exact size; the
    /// arena is left empty for the next tree.
    pub(super) fn finish(&mut self, text: Option<Text>, root: Slot) -> Tree {
        self.slots.push(root);
        let tree = Tree {
            text,
            strings: self.strings.as_str().into(),
            slots: self.slots.as_slice().into(),
            root: offset(self.slots.len() - 1),
        };
        self.clear();
        tree
    }

    pub(super) fn clear(&mut self) {
        self.slots.clear();
        self.strings.clear();
    }
}

/// The bytes of `s` in `source` (empty when out of range).
pub(super) fn range(source: &str, s: Str) -> &str {
    let start = s.start as usize;
    source
        .get(start..start + s.len as usize)
        .unwrap_or_default()
}
