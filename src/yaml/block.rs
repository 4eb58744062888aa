//! A reader for the block-style YAML that manifests are nearly always written in: block
//! mappings and sequences of one-line plain and quoted scalars, comments, blank lines, an
//! optional `---`. It makes the parser's events, with byte spans, at a fraction of the
//! parser's cost (no per-character decoding, no token queue, no copied strings), and gives
//! up on everything else: non-empty flow collections, block scalars, scalars over several
//! lines, escapes, anchors, aliases, tags, directives, tabs, carriage returns and non-ASCII
//! text. The parser then reads the document, and reports what is wrong with it; syntax
//! errors are never this reader's to judge. A test holds it to the parser: wherever it
//! reads a document, the tree is the parser's, span for span.

use std::borrow::Cow;

use saphyr_parser::{Event, ScalarStyle};

use crate::source::Span;

/// The document is outside the subset this reader handles (or a limit was reached).
struct Unsupported;

type Read<T> = Result<T, Unsupported>;

/// Reads the chunk `chunk`, which starts at byte `base` of its file, giving each event and
/// its span in the file to `emit` (which returns false to stop). `None` when the chunk is
/// not in the subset, or `emit` stopped: the events given so far are then to be dropped.
pub(super) fn read<'t>(
    chunk: &'t str,
    base: usize,
    max_depth: usize,
    emit: impl FnMut(Event<'t>, Span) -> bool,
) -> Option<()> {
    // One pass over the bytes rules out most of what the reader does not handle.
    if !chunk
        .bytes()
        .all(|b| b == b'\n' || (b' '..=b'~').contains(&b))
    {
        return None;
    }
    let mut reader = Reader {
        text: chunk,
        bytes: chunk.as_bytes(),
        base,
        pos: 0,
        depth: 0,
        max_depth,
        emit,
    };
    reader.document().ok()
}

/// A line with content (not blank, not only a comment).
#[derive(Clone, Copy)]
struct Line {
    /// Its indentation, in columns (bytes: the text is ASCII).
    indent: usize,
    /// Where its content starts.
    content: usize,
}

struct Reader<'t, E> {
    text: &'t str,
    bytes: &'t [u8],
    /// Where the chunk starts in its file.
    base: usize,
    /// The start of the next line to read.
    pos: usize,
    /// Open collections.
    depth: usize,
    max_depth: usize,
    emit: E,
}

impl<'t, E: FnMut(Event<'t>, Span) -> bool> Reader<'t, E> {
    fn document(&mut self) -> Read<()> {
        let Some(first) = self.next_line() else {
            return Ok(());
        };
        let mut first = Some(first);
        if let Some(line) = first
            && self.is_marker(line, b"---")
        {
            // `---` may be followed by a comment, not by content.
            if self.comment_or_end(line.content + 3) != self.line_end(line.content) {
                return Err(Unsupported);
            }
            self.pos = self.line_end(line.content) + 1;
            first = self.next_line();
        }
        let Some(root) = first else {
            return Ok(());
        };
        if self.is_marker(root, b"---") || self.is_marker(root, b"...") {
            return Err(Unsupported);
        }
        // Only comments may follow the root (a `...` is left to the parser).
        match self.collection(root)? {
            None => Ok(()),
            Some(_) => Err(Unsupported),
        }
    }

    fn emit(&mut self, event: Event<'t>, start: usize, end: usize) -> Read<()> {
        let span = Span::new(self.base + start, self.base + end);
        if (self.emit)(event, span) {
            Ok(())
        } else {
            Err(Unsupported)
        }
    }

    fn byte(&self, at: usize) -> Option<u8> {
        self.bytes.get(at).copied()
    }

    /// The end of the line holding `at` (its `\n`, or the end of the text).
    fn line_end(&self, at: usize) -> usize {
        self.bytes
            .get(at..)
            .and_then(|rest| rest.iter().position(|&b| b == b'\n'))
            .map_or(self.bytes.len(), |i| at + i)
    }

    /// The first byte from `at` that is not a space.
    fn skip_spaces(&self, mut at: usize) -> usize {
        while self.byte(at) == Some(b' ') {
            at += 1;
        }
        at
    }

    /// Where the rest of the line from `at` stops being spaces: its end, or a comment's
    /// `#`, or the first other byte.
    fn comment_or_end(&self, at: usize) -> usize {
        let next = self.skip_spaces(at);
        let end = self.line_end(at);
        match self.byte(next) {
            Some(b'#') if next > at => end,
            _ => next,
        }
    }

    /// The next line with content, from `self.pos`, which is left at its start; `None` at
    /// the end of the text.
    fn next_line(&mut self) -> Option<Line> {
        while self.pos < self.bytes.len() {
            let content = self.skip_spaces(self.pos);
            match self.byte(content) {
                None => self.pos = self.bytes.len(),
                Some(b'\n') => self.pos = content + 1,
                Some(b'#') => self.pos = self.line_end(content) + 1,
                Some(_) => {
                    return Some(Line {
                        indent: content - self.pos,
                        content,
                    });
                }
            }
        }
        None
    }

    /// Whether `line` is the document marker `marker` (`---` or `...`) at column 0.
    fn is_marker(&self, line: Line, marker: &[u8]) -> bool {
        line.indent == 0
            && self.bytes.get(line.content..).is_some_and(|rest| {
                rest.starts_with(marker)
                    && matches!(rest.get(marker.len()), None | Some(b' ' | b'\n'))
            })
    }

    /// Whether a block sequence item (`-` then a space or the line's end) is at `at`.
    fn is_item(&self, at: usize) -> bool {
        self.byte(at) == Some(b'-') && matches!(self.byte(at + 1), None | Some(b' ' | b'\n'))
    }

    /// The block collection whose first entry is `line`'s content. Returns the next line
    /// after it.
    fn collection(&mut self, line: Line) -> Read<Option<Line>> {
        self.depth += 1;
        if self.depth > self.max_depth {
            return Err(Unsupported);
        }
        let next = if self.is_item(line.content) {
            self.sequence(line.content, line.indent)
        } else if let Some(key) = self.key(line.content) {
            self.mapping(key, line.indent)
        } else {
            Err(Unsupported)
        };
        self.depth -= 1;
        next
    }

    /// A block sequence whose first `-` is at `at`, in column `column`.
    fn sequence(&mut self, mut at: usize, column: usize) -> Read<Option<Line>> {
        self.emit(Event::SequenceStart(0, None), at, at)?;
        let next = loop {
            let content = self.comment_or_end(at + 1);
            let next = if content == self.line_end(at) {
                self.pos = content + 1;
                match self.next_line() {
                    Some(line) if line.indent > column => self.collection(line)?,
                    next => {
                        self.emit(empty_scalar(), content, content)?;
                        next
                    }
                }
            } else if self.is_item(content) || self.key(content).is_some() {
                // A compact collection: `- - a` or `- a: b`, its entries in its column.
                let line = Line {
                    indent: column + (content - at),
                    content,
                };
                self.collection(line)?
            } else {
                self.scalar(content)?;
                self.next_line()
            };
            match next {
                Some(line) if line.indent == column && self.is_item(line.content) => {
                    at = line.content;
                }
                Some(line) if line.indent > column => return Err(Unsupported),
                next => break next,
            }
        };
        self.emit(Event::SequenceEnd, self.pos, self.pos)?;
        Ok(next)
    }

    /// A block mapping whose first key is `key`, in column `column`.
    fn mapping(&mut self, mut key: Key, column: usize) -> Read<Option<Line>> {
        self.emit(Event::MappingStart(0, None), key.start, key.start)?;
        let next = loop {
            self.emit(key.event(self.text), key.start, key.end)?;
            let colon = key.end;
            let content = self.comment_or_end(colon + 1);
            let next = if content == self.line_end(colon) {
                self.pos = content + 1;
                match self.next_line() {
                    Some(line) if line.indent > column => self.collection(line)?,
                    // A sequence may sit at its key's indentation. The parser places such a
                    // sequence's start at its first item's content, which the builder moves
                    // back to the `-` unless the item is empty or a sequence itself: leave
                    // those to the parser, so that both readers make one tree.
                    Some(line) if line.indent == column && self.is_item(line.content) => {
                        let first = self.comment_or_end(line.content + 1);
                        if first == self.line_end(first) || self.is_item(first) {
                            return Err(Unsupported);
                        }
                        self.collection(line)?
                    }
                    next => {
                        self.emit(empty_scalar(), colon, colon)?;
                        next
                    }
                }
            } else {
                self.scalar(content)?;
                self.next_line()
            };
            match next {
                Some(line) if line.indent == column && !self.is_item(line.content) => {
                    key = self.key(line.content).ok_or(Unsupported)?;
                }
                Some(line) if line.indent >= column => return Err(Unsupported),
                next => break next,
            }
        };
        self.emit(Event::MappingEnd, self.pos, self.pos)?;
        Ok(next)
    }

    /// The mapping key at `at`, if a one-line scalar followed by `: ` or `:` and the line's
    /// end starts there.
    fn key(&self, at: usize) -> Option<Key> {
        let end = self.line_end(at);
        let (style, start, text_end, colon) = match self.byte(at)? {
            quote @ (b'"' | b'\'') => {
                let close = self.closing_quote(at, quote, end)?;
                (quote_style(quote), at, close + 1, close + 1)
            }
            _ => {
                let colon = self.plain_end(at, end).filter(|&(_, colon)| colon)?.0;
                (ScalarStyle::Plain, at, colon, colon)
            }
        };
        let after_colon = self.byte(colon + 1);
        // Longer keys are not simple keys to the parser; a space before the colon moves
        // where it places an empty value.
        let fits = text_end - start <= 1024
            && self.byte(colon) == Some(b':')
            && matches!(after_colon, None | Some(b' ' | b'\n'));
        fits.then_some(Key {
            start,
            end: text_end,
            style,
        })
    }

    /// Where the plain scalar starting at `at` ends (its last non-space byte + 1), on a
    /// line ending at `end`, and whether a `:` and a space or the line's end follow it (a
    /// key). `None` if no plain scalar can start there.
    fn plain_end(&self, at: usize, end: usize) -> Option<(usize, bool)> {
        let first = self.byte(at)?;
        let safe_next = matches!(self.byte(at + 1), Some(b) if b != b' ' && b != b'\n');
        let starts = match first {
            b'-' | b'?' | b':' => safe_next,
            b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|' | b'>' | b'\''
            | b'"' | b'%' | b'@' | b'`' => false,
            _ => true,
        };
        if !starts {
            return None;
        }
        let mut last = at;
        let mut i = at;
        while i < end {
            match self.bytes[i] {
                b':' if matches!(self.byte(i + 1), None | Some(b' ' | b'\n')) => {
                    // A space before the colon would change the key's span.
                    return (last + 1 == i).then_some((i, true));
                }
                b'#' if self.bytes[i - 1] == b' ' => break,
                b' ' => {}
                _ => last = i,
            }
            i += 1;
        }
        Some((last + 1, false))
    }

    /// The closing quote of the one-line quoted scalar opening at `at`; `None` if the
    /// scalar has escapes (`\` in double quotes, `''` in single) or goes on past `end`.
    fn closing_quote(&self, at: usize, quote: u8, end: usize) -> Option<usize> {
        let inner = self.bytes.get(at + 1..end)?;
        let stop = |b: &u8| *b == quote || (quote == b'"' && *b == b'\\');
        let close = at + 1 + inner.iter().position(stop)?;
        let escaped =
            self.bytes[close] == b'\\' || (quote == b'\'' && self.byte(close + 1) == Some(b'\''));
        (!escaped).then_some(close)
    }

    /// The scalar value at `at`, the rest of its line: plain, quoted, or an empty `{}` or
    /// `[]`. Leaves `self.pos` at the next line.
    fn scalar(&mut self, at: usize) -> Read<()> {
        let end = self.line_end(at);
        let first = self.byte(at).ok_or(Unsupported)?;
        let close = match first {
            b'"' | b'\'' => {
                let close = self.closing_quote(at, first, end).ok_or(Unsupported)?;
                // The parser's span of a quoted scalar followed by spaces or a comment
                // runs on over them: leave those to it.
                if close + 1 != end {
                    return Err(Unsupported);
                }
                let text = &self.text[at + 1..close];
                let event = Event::Scalar(Cow::Borrowed(text), quote_style(first), 0, None);
                self.emit(event, at, close + 1)?;
                end
            }
            b'{' | b'[' => {
                let pair = if first == b'{' { b'}' } else { b']' };
                if self.byte(at + 1) != Some(pair) || self.comment_or_end(at + 2) != end {
                    return Err(Unsupported);
                }
                let (open, close) = if first == b'{' {
                    (Event::MappingStart(0, None), Event::MappingEnd)
                } else {
                    (Event::SequenceStart(0, None), Event::SequenceEnd)
                };
                self.emit(open, at, at + 1)?;
                self.emit(close, at + 1, at + 2)?;
                end
            }
            _ => {
                let (scalar_end, key) = self.plain_end(at, end).ok_or(Unsupported)?;
                // `a: b: c` is an error, and `- a` then `b` on the next, deeper line is
                // one scalar over two lines: both are the parser's.
                if key {
                    return Err(Unsupported);
                }
                let text = &self.text[at..scalar_end];
                self.emit(
                    Event::Scalar(Cow::Borrowed(text), ScalarStyle::Plain, 0, None),
                    at,
                    scalar_end,
                )?;
                end
            }
        };
        self.pos = close + 1;
        Ok(())
    }
}

/// A mapping key: its scalar's span (quotes included) and style.
#[derive(Clone, Copy)]
struct Key {
    start: usize,
    end: usize,
    style: ScalarStyle,
}

impl Key {
    fn event<'t>(&self, text: &'t str) -> Event<'t> {
        let inner = match self.style {
            ScalarStyle::Plain => &text[self.start..self.end],
            _ => &text[self.start + 1..self.end - 1],
        };
        Event::Scalar(Cow::Borrowed(inner), self.style, 0, None)
    }
}

fn quote_style(quote: u8) -> ScalarStyle {
    if quote == b'"' {
        ScalarStyle::DoubleQuoted
    } else {
        ScalarStyle::SingleQuoted
    }
}

/// The value of `key:` with nothing after it, as the parser gives it.
fn empty_scalar<'t>() -> Event<'t> {
    Event::Scalar(Cow::Borrowed(""), ScalarStyle::Plain, 0, None)
}

#[cfg(test)]
mod tests {
    use std::fmt::Write;
    use std::path::{Path, PathBuf};

    use super::super::build::both_readers;
    use super::super::split::split;
    use super::super::{Limits, Node, Tree, View};
    use crate::source::Text;
    use proptest::prelude::*;

    /// Everything in a tree that a consumer can see: kinds, values, spans, plainness.
    fn render(tree: &Tree) -> String {
        fn node(out: &mut String, n: Node<'_>, depth: usize) {
            let span = n.span();
            let _ = write!(
                out,
                "{:depth$}{}..{} plain={} ",
                "",
                span.start,
                span.end,
                n.is_plain()
            );
            match n.view() {
                View::Map(map) => {
                    let _ = writeln!(out, "map");
                    for entry in map.iter() {
                        let key = entry.key_span();
                        let _ = writeln!(
                            out,
                            "{:depth$} key {:?} {}..{}",
                            "",
                            entry.key(),
                            key.start,
                            key.end
                        );
                        node(out, entry.value(), depth + 2);
                    }
                }
                View::Seq(seq) => {
                    let _ = writeln!(out, "seq");
                    for item in seq.iter() {
                        node(out, item, depth + 2);
                    }
                }
                other => {
                    let _ = writeln!(out, "{other:?}");
                }
            }
        }
        let mut out = String::new();
        node(&mut out, tree.root(), 0);
        out
    }

    /// Compares the readers on every chunk of `text`; returns (chunks, chunks read by the
    /// block reader) and the first difference.
    fn compare(text: &str) -> ((usize, usize), Option<String>) {
        let text = Text::from(text.to_string());
        let (mut chunks, mut read) = (0, 0);
        for chunk in split(&text) {
            chunks += 1;
            let range = (chunk.start, chunk.end);
            let (parser, block) = both_readers(&text, range, &Limits::default());
            let Some(block) = block else { continue };
            read += 1;
            let Ok(parser) = parser else {
                return (
                    (chunks, read),
                    Some(format!(
                        "the parser refused {:?}",
                        &text[chunk.start..chunk.end]
                    )),
                );
            };
            let [parser, block] = [parser, block].map(|trees| {
                trees
                    .iter()
                    .filter(|t| !t.root().is_null())
                    .map(render)
                    .collect::<Vec<_>>()
            });
            if parser != block {
                let chunk_text = &text[chunk.start..chunk.end];
                return (
                    (chunks, read),
                    Some(format!(
                        "{chunk_text:?}\nparser:\n{}\nblock:\n{}",
                        parser.join("\n"),
                        block.join("\n")
                    )),
                );
            }
        }
        ((chunks, read), None)
    }

    fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                yaml_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                out.push(path);
            }
        }
    }

    #[test]
    fn reads_what_the_parser_reads_on_the_repository_inputs() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        for dir in ["testdata", "tests/corpus"] {
            yaml_files(&root.join(dir), &mut files);
        }
        let (mut chunks, mut read) = (0, 0);
        let mut differences = Vec::new();
        for file in &files {
            let Ok(text) = std::fs::read_to_string(file) else {
                continue;
            };
            let ((c, r), difference) = compare(&text);
            chunks += c;
            read += r;
            differences.extend(difference.map(|d| format!("{}: {d}", file.display())));
        }
        assert!(
            differences.is_empty(),
            "{} differences; the first:\n{}",
            differences.len(),
            differences[0]
        );
        println!(
            "{} files, {chunks} documents, {read} read by the block reader",
            files.len()
        );
        // Most manifests are in the subset: a reader that gives up on them all is broken.
        assert!(read * 2 > chunks, "{read} of {chunks}");
    }

    /// Lines of block-style YAML, valid or not: indentation, items, keys plain or quoted,
    /// values of every kind the reader takes or refuses, comments.
    fn block_like_text() -> impl Strategy<Value = String> {
        let indent = prop_oneof![
            Just(""),
            Just(" "),
            Just("  "),
            Just("    "),
            Just("      ")
        ];
        let item = prop_oneof![Just(""), Just("- "), Just("-"), Just("- - "), Just("-   ")];
        let key = prop_oneof![
            Just(""),
            Just("a:"),
            Just("b: "),
            Just("key:  "),
            Just("'q':"),
            Just("\"d\": "),
            Just("a :"),
            Just("a:b"),
            Just("<<: "),
            Just("on: "),
        ];
        let value = prop_oneof![
            Just(""),
            Just("x"),
            Just("1"),
            Just("017"),
            Just("x y  "),
            Just("'s'"),
            Just("\"d\""),
            Just("'it''s'"),
            Just("\"e\\n\""),
            Just("{}"),
            Just("[]"),
            Just("[a]"),
            Just("a: b"),
            Just("# c"),
            Just("x # c"),
            Just("'s' # c"),
            Just("'s'  "),
            Just("\"d\" "),
            Just("http://h:80/p"),
            Just("a#b"),
            Just("|"),
            Just("&a x"),
            Just("*a"),
            Just("---"),
            Just("..."),
            Just("-x"),
            Just(":x"),
        ];
        let line = (indent, item, key, value).prop_map(|(i, d, k, v)| format!("{i}{d}{k}{v}"));
        (
            prop_oneof![Just(""), Just("---\n"), Just("# head\n"), Just("--- # c\n")],
            proptest::collection::vec(line, 1..12),
        )
            .prop_map(|(head, lines)| format!("{head}{}\n", lines.join("\n")))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]
        #[test]
        fn reads_what_the_parser_reads_on_generated_text(text in block_like_text()) {
            let (_, difference) = compare(&text);
            prop_assert!(difference.is_none(), "{}", difference.unwrap_or_default());
        }
    }
}
