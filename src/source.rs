//! The words every stage shares about source text: byte spans, file and document ids, and
//! the text of one input file with its line index.
//!
//! A leaf: it imports nothing from the crate, so the diagnostics, the YAML parser and the
//! input readers can all speak of positions without depending on each other.

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// Index of a file in `input::Sources::files`.
pub type FileId = usize;
/// Index of a document in `input::Sources::documents`.
pub type DocId = usize;

/// A half-open byte range `[start, end)` into a [`SourceFile`]'s text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }
}

/// The text of a file, shared: the span trees of its documents borrow their strings from it
/// instead of copying them. Reads as a `str`. A `String` (as a file is read) becomes one
/// without being copied.
#[derive(Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Text(Arc<String>);

impl Text {
    /// Whether both are the same shared text (not merely equal).
    pub fn shares(&self, other: &Text) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl std::ops::Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.0.as_str(), f)
    }
}

impl std::fmt::Display for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<String> for Text {
    fn from(text: String) -> Self {
        Text(Arc::new(text))
    }
}

impl From<&String> for Text {
    fn from(text: &String) -> Self {
        Text::from(text.clone())
    }
}

impl From<&str> for Text {
    fn from(text: &str) -> Self {
        Text::from(text.to_string())
    }
}

impl From<Box<str>> for Text {
    fn from(text: Box<str>) -> Self {
        Text::from(text.into_string())
    }
}

impl From<Cow<'_, str>> for Text {
    fn from(text: Cow<'_, str>) -> Self {
        Text::from(text.into_owned())
    }
}

/// Shares the text (no copy).
impl From<&Text> for Text {
    fn from(text: &Text) -> Self {
        text.clone()
    }
}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.0.as_str() == other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<String> for Text {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

/// One input file (or stdin), decoded to UTF-8 text.
#[derive(Debug, Clone, Default)]
pub struct SourceFile {
    /// The name shown to users: the path as given/walked, or `<stdin>`.
    pub name: String,
    /// The filesystem path, when the input came from a file.
    pub path: Option<PathBuf>,
    /// The text, with a leading BOM removed. CRLF is kept as it is (spans index this text).
    pub text: Text,
    /// Where each line starts, built on first use: positions of every object and finding
    /// are looked up in it, so a 20,000-route file is not rescanned per object.
    pub line_index: LineIndex,
    /// [`SourceFile::escaped`], computed on first use: a file with many findings is
    /// scanned once, not once per snippet.
    escaped: OnceLock<Option<Box<SourceFile>>>,
}

/// The byte offsets at which the lines of a text start, and the characters before every
/// [`BLOCK`] bytes, computed once (32-bit: a text is at most 4 GiB, as spans in the span tree
/// are). Columns are counted from the nearest block, so a finding deep in a one-line JSON
/// file costs a few kilobytes of counting, not the whole line.
#[derive(Debug, Clone, Default)]
pub struct LineIndex(OnceLock<Lines>);

#[derive(Debug, Clone, Default)]
struct Lines {
    starts: Vec<u32>,
    /// Characters before byte `i * BLOCK` (at or before it, on a character boundary).
    chars_before_block: Vec<u32>,
}

/// Bytes per block of the character index.
const BLOCK: usize = 4096;

/// Characters in `bytes`: a character starts at every byte that is not a continuation byte.
fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b & 0xC0 != 0x80).count()
}

impl SourceFile {
    /// A file that is not on disk (stdin, a URL, a cluster listing, a test's text).
    pub fn in_memory(name: impl Into<String>, text: impl Into<Text>) -> Self {
        SourceFile {
            name: name.into(),
            path: None,
            text: text.into(),
            ..SourceFile::default()
        }
    }

    /// A file read from `path`, named by it.
    pub fn on_disk(path: &Path, text: impl Into<Text>) -> Self {
        SourceFile {
            name: path.display().to_string(),
            path: Some(path.to_path_buf()),
            text: text.into(),
            ..SourceFile::default()
        }
    }

    /// The file as a terminal may show it: `None` when nothing in its name or text acts on
    /// a terminal (see [`crate::text::printable`]), else a copy with those characters escaped.
    pub fn escaped(&self) -> Option<&SourceFile> {
        use std::borrow::Cow;
        let escaped = self.escaped.get_or_init(|| {
            let name = crate::text::printable(&self.name);
            let text = crate::text::printable_lines(&self.text);
            match (name, text) {
                (Cow::Borrowed(_), Cow::Borrowed(_)) => None,
                (name, text) => Some(Box::new(SourceFile::in_memory(name, text.into_owned()))),
            }
        });
        escaped.as_deref()
    }

    fn lines(&self) -> &Lines {
        self.line_index.0.get_or_init(|| {
            let blocks: Vec<&[u8]> = self.text.as_bytes().chunks(BLOCK).collect();
            // A large file's blocks are indexed on every core; the parts join in order.
            let parts = crate::parallel::map_groups(
                &blocks,
                |block| block.len(),
                crate::parallel::MIN_PARALLEL_BYTES,
                |first, group| {
                    let mut starts = Vec::new();
                    let mut chars = Vec::with_capacity(group.len());
                    for (i, block) in group.iter().enumerate() {
                        let base = (first + i) * BLOCK;
                        chars.push(count_chars(block) as u32);
                        let breaks = block.iter().enumerate().filter(|&(_, &b)| b == b'\n');
                        starts.extend(breaks.filter_map(|(j, _)| u32::try_from(base + j + 1).ok()));
                    }
                    (starts, chars)
                },
            );
            let mut starts = vec![0];
            let mut chars_before_block = Vec::with_capacity(blocks.len());
            let mut chars = 0u32;
            for (part_starts, part_chars) in parts {
                starts.extend(part_starts);
                for block_chars in part_chars {
                    chars_before_block.push(chars);
                    chars += block_chars;
                }
            }
            Lines {
                starts,
                chars_before_block,
            }
        })
    }

    fn line_starts(&self) -> &[u32] {
        &self.lines().starts
    }

    /// Characters before byte `offset` (a character boundary).
    fn chars_before(&self, offset: usize) -> usize {
        let block = offset / BLOCK;
        let counted = self
            .lines()
            .chars_before_block
            .get(block)
            .map_or(0, |&c| c as usize);
        let from = block * BLOCK;
        counted
            + self
                .text
                .as_bytes()
                .get(from..offset)
                .map_or(0, count_chars)
    }

    /// 1-based line and character column of a byte offset.
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        let text = &self.text;
        let mut offset = offset.min(text.len());
        while offset > 0 && !text.is_char_boundary(offset) {
            offset -= 1;
        }
        // The last line start at or before the offset.
        let line = self
            .line_starts()
            .partition_point(|&start| start as usize <= offset)
            .max(1);
        let line_start = self.line_start(line).min(offset);
        // A short prefix is counted directly; the block counts serve long lines (a one-line
        // JSON List), where that would be quadratic.
        let chars = match text.as_bytes().get(line_start..offset) {
            Some(prefix) if prefix.len() <= BLOCK => count_chars(prefix),
            _ => self.chars_before(offset) - self.chars_before(line_start),
        };
        let column = chars + 1;
        (line, column)
    }

    /// Byte offset at which 1-based `line` starts (the end of the text past the last line).
    pub fn line_start(&self, line: usize) -> usize {
        let starts = self.line_starts();
        match line.checked_sub(1) {
            Some(i) => starts
                .get(i)
                .map_or(self.text.len(), |&start| start as usize),
            None => 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_column_counts_characters_and_survives_odd_offsets() {
        let file = SourceFile::in_memory("t.yaml", "a: 1\nbé: 2\n");
        assert_eq!(file.line_column(0), (1, 1));
        assert_eq!(file.line_column(5), (2, 1));
        assert_eq!(file.line_column(9), (2, 4));
        // Inside the two-byte é: the column of é itself.
        assert_eq!(file.line_column(7), (2, 2));
        assert_eq!(file.line_column(1_000), (3, 1));
    }

    #[test]
    fn columns_on_long_lines_count_characters_across_blocks() {
        let text = format!("x\n{}{}é!", "é".repeat(3_000), "a".repeat(5_000));
        let file = SourceFile::in_memory("long.json", text.as_str());
        let bang = text.len() - 1;
        assert_eq!(file.line_column(bang), (2, 8_002));
        assert_eq!(file.line_column(2 + 2 * 3_000), (2, 3_001));
        // Inside the last é (its second byte): the column of the é.
        assert_eq!(file.line_column(2 + 2 * 2_999 + 1), (2, 3_000));
    }
}
