//! From `saphyr-parser` events to the span tree, within [`Limits`].
//!
//! The builder keeps its own stack of open collections instead of recursing, and refuses to
//! open one beyond `max_depth`, so neither building nor dropping the tree can overflow the
//! stack. Aliases are expanded by cloning, and every node made (clones included) counts
//! against `max_nodes`, so an alias bomb stops after a bounded amount of work.

use std::borrow::Cow;
use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError, Tag};

use super::scalar::{self, CoreTag};
use super::{Limits, Node, Pair, Value};
use crate::diag::{Diagnostic, Location, Rule, Severity, Stage};
use crate::source::{FileId, Span};

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

/// An error that drops the document; boxed as it is rare and large.
pub(super) type Fatal = Box<Diagnostic>;

/// Parses one document chunk of a file that starts at byte `base`. Returns the roots of the
/// documents in it (one, normally) or the error that drops them; problems that do not drop
/// the document go to `diagnostics`.
pub(super) fn parse_chunk(
    chunk: &str,
    base: usize,
    file: FileId,
    limits: &Limits,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<Vec<Node>, Fatal> {
    let mut offsets = Offsets::new(chunk, base);
    let mut builder = Builder {
        file,
        limits,
        stack: Vec::new(),
        anchors: HashMap::new(),
        nodes: 0,
        aliased: 0,
        root: None,
        diagnostics,
    };
    let mut roots = Vec::new();
    for event in Parser::new_from_str(chunk) {
        let (event, parser_span) = match event {
            Ok(pair) => pair,
            Err(error) => return Err(Box::new(syntax_error(&error, &mut offsets, file, limits))),
        };
        let span = offsets.span(parser_span.start.index(), parser_span.end.index());
        match event {
            Event::DocumentStart(_) => {
                roots.extend(builder.root.take());
                builder.anchors.clear();
                builder.nodes = 0;
                builder.aliased = 0;
            }
            Event::Scalar(text, style, anchor, tag) => {
                builder.scalar(text, style, anchor, tag.as_deref(), span)?
            }
            Event::Alias(anchor) => builder.alias(anchor, span)?,
            Event::SequenceStart(anchor, _) => {
                let start = sequence_start(chunk, base, span);
                builder.open(anchor, start, Collection::Seq(Vec::new()))?
            }
            Event::MappingStart(anchor, _) => {
                builder.open(anchor, span.start, Collection::Map(MapBuilder::default()))?
            }
            // A block collection ends where its last item does; the end event of a flow
            // collection covers its closing bracket.
            Event::SequenceEnd | Event::MappingEnd => {
                builder.close((!span_is_empty(span)).then_some(span.end))?
            }
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => {}
        }
    }
    roots.extend(builder.root.take());
    Ok(roots)
}

/// Where a sequence starts. The parser starts an indentless block sequence (`key:` then
/// `- item` at the key's indentation) at its first item's content; include the `-`.
fn sequence_start(chunk: &str, base: usize, span: Span) -> usize {
    let bytes = chunk.as_bytes();
    let local = span.start.saturating_sub(base);
    if !span_is_empty(span) || bytes.get(local) == Some(&b'-') {
        return span.start;
    }
    let dash = bytes
        .get(..local)
        .and_then(|before| before.iter().rposition(|&b| b != b' '))
        .filter(|&i| bytes.get(i) == Some(&b'-'));
    dash.map_or(span.start, |i| base + i)
}

fn span_is_empty(span: Span) -> bool {
    span.start == span.end
}

fn syntax_error(
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
    let location = file_location(file, Span::new(start, start + width));
    // The scanner has its own bound on flow nesting (255), which it can hit before the
    // builder sees the events of the levels beyond ours.
    if error.info() == "recursion limit exceeded" {
        return too_deep(limits, location);
    }
    Diagnostic::new(&SYNTAX_ERROR, syntax_message(error.info())).at(location)
}

fn too_deep(limits: &Limits, location: Location) -> Diagnostic {
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
struct Offsets<'a> {
    text: &'a str,
    base: usize,
    ascii: bool,
    cursor_chars: usize,
    cursor_bytes: usize,
}

impl<'a> Offsets<'a> {
    fn new(text: &'a str, base: usize) -> Self {
        Offsets {
            text,
            base,
            ascii: text.is_ascii(),
            cursor_chars: 0,
            cursor_bytes: 0,
        }
    }

    fn byte(&mut self, char_index: usize) -> usize {
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

    fn span(&mut self, start: usize, end: usize) -> Span {
        let start = self.byte(start);
        Span::new(start, self.byte(end).max(start))
    }
}

/// A finished node with the figures the limits need.
struct Built {
    node: Node,
    /// Nodes in the subtree, itself included.
    size: usize,
    /// Collection levels in the subtree (0 for a scalar).
    height: usize,
}

struct Anchored {
    node: Node,
    size: usize,
    height: usize,
}

/// An open collection.
struct Frame {
    anchor: usize,
    start: usize,
    /// Where the last item seen ends: the end of a block collection.
    last_end: usize,
    size: usize,
    height: usize,
    collection: Collection,
}

enum Collection {
    Seq(Vec<Node>),
    Map(MapBuilder),
}

/// Maps with more entries than this get a key index, so duplicate detection stays linear.
const INDEXED_MAP_LEN: usize = 16;

#[derive(Default)]
struct MapBuilder {
    entries: Vec<Pair>,
    index: Option<HashMap<String, usize>>,
    next: Expect,
    /// Mappings given to merge keys, in order.
    merges: Vec<Node>,
}

/// What the next node of a mapping is.
#[derive(Default)]
enum Expect {
    #[default]
    Key,
    Value(String, Span),
    /// The value of a `<<` key.
    MergeValue,
    /// The value of an entry whose key was refused.
    SkippedValue,
}

impl MapBuilder {
    fn position(&self, key: &str) -> Option<usize> {
        match &self.index {
            Some(index) => index.get(key).copied(),
            None => self.entries.iter().position(|e| e.key == key),
        }
    }

    fn push(&mut self, entry: Pair) {
        if let Some(index) = &mut self.index {
            index.insert(entry.key.clone(), self.entries.len());
        }
        self.entries.push(entry);
        if self.index.is_none() && self.entries.len() > INDEXED_MAP_LEN {
            self.index = Some(
                self.entries
                    .iter()
                    .enumerate()
                    .map(|(i, e)| (e.key.clone(), i))
                    .collect(),
            );
        }
    }

    /// Adds the entries of the merged mappings whose keys the mapping does not have itself;
    /// earlier merged mappings win over later ones, as the merge key spec says.
    fn apply_merges(&mut self) {
        for merged in std::mem::take(&mut self.merges) {
            if let Value::Map(entries) = merged.value {
                for entry in entries {
                    if self.position(&entry.key).is_none() {
                        self.push(entry);
                    }
                }
            }
        }
    }
}

/// Alias expansions may make at most this fraction (1/n) of `max_nodes`: the API server's
/// YAML decoder also refuses documents made mostly of expanded aliases, and it keeps the
/// work an alias bomb causes well below the node limit.
const ALIASED_SHARE: usize = 10;

struct Builder<'a> {
    file: FileId,
    limits: &'a Limits,
    stack: Vec<Frame>,
    /// Anchored nodes of the current document, by the parser's anchor id.
    anchors: HashMap<usize, Anchored>,
    /// Nodes made in the current document, alias expansions included.
    nodes: usize,
    /// Nodes made by expanding aliases in the current document.
    aliased: usize,
    root: Option<Node>,
    diagnostics: &'a mut Vec<Diagnostic>,
}

impl Builder<'_> {
    fn count(&mut self, nodes: usize, span: Span) -> Result<(), Fatal> {
        self.nodes = self.nodes.saturating_add(nodes);
        self.check_nodes(span)
    }

    fn check_nodes(&self, span: Span) -> Result<(), Fatal> {
        let message = if self.nodes > self.limits.max_nodes {
            format!(
                "this document expands to more than {} values; it is not checked",
                self.limits.max_nodes
            )
        } else if self.aliased > self.limits.max_nodes / ALIASED_SHARE {
            format!(
                "aliases in this document expand to more than {} values; it is not checked",
                self.limits.max_nodes / ALIASED_SHARE
            )
        } else {
            return Ok(());
        };
        Err(Box::new(
            Diagnostic::new(&TOO_MANY_NODES, message)
                .at(file_location(self.file, span))
                .help("expand fewer aliases, or split the document"),
        ))
    }

    fn check_depth(&self, depth: usize, span: Span) -> Result<(), Fatal> {
        if depth > self.limits.max_depth {
            return Err(Box::new(too_deep(
                self.limits,
                file_location(self.file, span),
            )));
        }
        Ok(())
    }

    fn awaiting_key(&self) -> bool {
        matches!(
            self.stack.last(),
            Some(Frame {
                collection: Collection::Map(MapBuilder {
                    next: Expect::Key,
                    ..
                }),
                ..
            })
        )
    }

    fn scalar(
        &mut self,
        text: Cow<'_, str>,
        style: ScalarStyle,
        anchor: usize,
        tag: Option<&Tag>,
        span: Span,
    ) -> Result<(), Fatal> {
        self.count(1, span)?;
        if self.awaiting_key() && anchor == 0 {
            let is_merge = text == "<<" && style == ScalarStyle::Plain && tag.is_none();
            let next = if is_merge {
                Expect::MergeValue
            } else {
                Expect::Value(text.into_owned(), span)
            };
            if let Some(frame) = self.stack.last_mut() {
                frame.last_end = span.end;
                if let Collection::Map(map) = &mut frame.collection {
                    map.next = next;
                }
            }
            return Ok(());
        }
        let plain = style == ScalarStyle::Plain && tag.is_none();
        let value = self.scalar_value(text, style, tag, span);
        self.complete(
            Built {
                node: Node { value, span, plain },
                size: 1,
                height: 0,
            },
            anchor,
        )
    }

    fn scalar_value(
        &mut self,
        text: Cow<'_, str>,
        style: ScalarStyle,
        tag: Option<&Tag>,
        span: Span,
    ) -> Value {
        match tag {
            Some(tag) if tag.is_yaml_core_schema() => {
                let core = CoreTag::from_suffix(&tag.suffix);
                scalar::resolve_tagged(&text, core).unwrap_or_else(|| {
                    let diagnostic = Diagnostic::new(
                        &TAG_MISMATCH,
                        format!("`{text}` is not a valid {} value", core.name()),
                    )
                    .at(file_location(self.file, span))
                    .help("remove the tag or fix the value; it is read as a string");
                    self.diagnostics.push(diagnostic);
                    Value::Str(text.into_owned())
                })
            }
            // The non-specific tag `!` makes a plain scalar a string.
            Some(tag) if tag.handle.is_empty() && tag.suffix == "!" => {
                Value::Str(text.into_owned())
            }
            _ if style == ScalarStyle::Plain => scalar::resolve_plain(text.into_owned()),
            _ => Value::Str(text.into_owned()),
        }
    }

    fn alias(&mut self, anchor: usize, span: Span) -> Result<(), Fatal> {
        let Some(anchored) = self.anchors.get(&anchor) else {
            return Err(Box::new(
                Diagnostic::new(
                    &SYNTAX_ERROR,
                    "this alias refers to its own enclosing anchor (a recursive structure)",
                )
                .at(file_location(self.file, span)),
            ));
        };
        let (size, height) = (anchored.size, anchored.height);
        self.check_depth(self.stack.len() + height, span)?;
        // Count before cloning, so an alias bomb stops before doing the work.
        self.nodes = self.nodes.saturating_add(size);
        self.aliased = self.aliased.saturating_add(size);
        self.check_nodes(span)?;
        let mut node = anchored.node.clone();
        node.span = span;
        self.complete(Built { node, size, height }, 0)
    }

    fn open(&mut self, anchor: usize, start: usize, collection: Collection) -> Result<(), Fatal> {
        let span = Span::new(start, start + 1);
        self.count(1, span)?;
        self.check_depth(self.stack.len() + 1, span)?;
        self.stack.push(Frame {
            anchor,
            start,
            last_end: start,
            size: 1,
            height: 1,
            collection,
        });
        Ok(())
    }

    fn close(&mut self, flow_end: Option<usize>) -> Result<(), Fatal> {
        let Some(frame) = self.stack.pop() else {
            return Ok(());
        };
        let span = Span::new(frame.start, flow_end.unwrap_or(frame.last_end));
        let value = match frame.collection {
            Collection::Seq(items) => Value::Seq(items),
            Collection::Map(mut map) => {
                map.apply_merges();
                Value::Map(map.entries)
            }
        };
        self.complete(
            Built {
                node: Node {
                    value,
                    span,
                    plain: false,
                },
                size: frame.size,
                height: frame.height,
            },
            frame.anchor,
        )
    }

    /// Places a finished node in its parent (or makes it the document's root).
    fn complete(&mut self, built: Built, anchor: usize) -> Result<(), Fatal> {
        if anchor != 0 {
            // The anchor's copy is work too: count it so nested anchors stay bounded.
            self.count(built.size, built.node.span)?;
            self.anchors.insert(
                anchor,
                Anchored {
                    node: built.node.clone(),
                    size: built.size,
                    height: built.height,
                },
            );
        }
        let Some(frame) = self.stack.last_mut() else {
            self.root = Some(built.node);
            return Ok(());
        };
        frame.size = frame.size.saturating_add(built.size);
        frame.height = frame.height.max(built.height + 1);
        frame.last_end = frame.last_end.max(built.node.span.end);
        let map = match &mut frame.collection {
            Collection::Seq(items) => {
                items.push(built.node);
                return Ok(());
            }
            Collection::Map(map) => map,
        };
        match std::mem::take(&mut map.next) {
            Expect::Key => match scalar_key(&built.node.value) {
                Some(key) => map.next = Expect::Value(key, built.node.span),
                None => {
                    map.next = Expect::SkippedValue;
                    let diagnostic = Diagnostic::new(
                        &COMPLEX_KEY,
                        format!(
                            "a mapping key must be a string, not {}; the entry is ignored",
                            built.node.kind_name()
                        ),
                    )
                    .at(file_location(self.file, built.node.span));
                    self.diagnostics.push(diagnostic);
                }
            },
            Expect::Value(key, key_span) => {
                let entry = Pair {
                    key,
                    key_span,
                    value: built.node,
                };
                match map.position(&entry.key) {
                    Some(first) => {
                        let first_span = map.entries.get(first).map(|e| e.key_span);
                        let diagnostic = Diagnostic::new(
                            &DUPLICATE_KEY,
                            format!("duplicate key `{}`", entry.key),
                        )
                        .at(file_location(self.file, key_span))
                        .help("remove one of the two entries; the last one is used");
                        let diagnostic = match first_span {
                            Some(span) => diagnostic
                                .related(file_location(self.file, span), "first defined here"),
                            None => diagnostic,
                        };
                        self.diagnostics.push(diagnostic);
                        if let Some(slot) = map.entries.get_mut(first) {
                            *slot = entry;
                        }
                    }
                    None => map.push(entry),
                }
            }
            Expect::MergeValue => {
                let span = built.node.span;
                let merged = match built.node.value {
                    Value::Map(_) => Ok(vec![built.node]),
                    Value::Seq(items) if items.iter().all(|i| i.as_map().is_some()) => Ok(items),
                    other => Err(other.kind_name()),
                };
                match merged {
                    Ok(maps) => map.merges.extend(maps),
                    Err(found) => {
                        let diagnostic = Diagnostic::new(
                            &INVALID_MERGE,
                            format!(
                                "the merge key `<<` needs a mapping or a list of mappings, not {found}"
                            ),
                        )
                        .at(file_location(self.file, span));
                        self.diagnostics.push(diagnostic);
                    }
                }
            }
            Expect::SkippedValue => {}
        }
        Ok(())
    }
}

fn file_location(file: FileId, span: Span) -> Location {
    Location::File { file, span }
}

/// The key text of a scalar reached through an alias or an anchored key.
fn scalar_key(value: &Value) -> Option<String> {
    match value {
        Value::Null => Some(String::new()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Int(i) => Some(i.to_string()),
        Value::Float(f) => Some(f.to_string()),
        Value::Str(s) => Some(s.clone()),
        Value::Seq(_) | Value::Map(_) => None,
    }
}
