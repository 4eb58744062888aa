//! Splitting a YAML stream into documents before parsing, so that a syntax error in one
//! document does not take the rest of the file with it.
//!
//! YAML forbids a line starting with `---` or `...` (followed by a space or the end of the
//! line) inside a document's content, so these markers at column 0 are reliable boundaries
//! without parsing. Directive lines (`%YAML`, `%TAG`) stay with the document that follows.

/// A byte range of the stream holding at most one document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Chunk {
    pub start: usize,
    pub end: usize,
}

/// The chunks of `text`, in order, covering it without gaps.
pub(super) fn split(text: &str) -> Vec<Chunk> {
    let bytes = text.as_bytes();
    let mut chunks = Vec::new();
    let mut chunk_start = 0;
    // Whether the current chunk has anything besides blank, comment and directive lines.
    let mut has_content = false;
    let mut line_start = 0;
    while line_start < bytes.len() {
        let line_end = bytes[line_start..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |i| line_start + i + 1);
        let line = &bytes[line_start..line_end];
        // In a document's content, only a line starting with a marker's or a directive's
        // first byte can end it: the others need no look.
        if has_content && !matches!(line.first(), Some(b'-' | b'.' | b'%')) {
            line_start = line_end;
            continue;
        }
        if is_marker(line, b"---") {
            if has_content {
                chunks.push(Chunk {
                    start: chunk_start,
                    end: line_start,
                });
                chunk_start = line_start;
            }
            has_content = true;
        } else if is_marker(line, b"...") {
            chunks.push(Chunk {
                start: chunk_start,
                end: line_end,
            });
            chunk_start = line_end;
            has_content = false;
        } else if line.first() == Some(&b'%') {
            // A directive after a document (YAML wants `...` first) starts the next one.
            if has_content {
                chunks.push(Chunk {
                    start: chunk_start,
                    end: line_start,
                });
                chunk_start = line_start;
                has_content = false;
            }
        } else if !is_blank_or_comment(line) {
            has_content = true;
        }
        line_start = line_end;
    }
    if chunk_start < bytes.len() {
        chunks.push(Chunk {
            start: chunk_start,
            end: bytes.len(),
        });
    }
    chunks
}

/// `---` or `...` at column 0, followed by whitespace or the end of the line.
fn is_marker(line: &[u8], marker: &[u8; 3]) -> bool {
    line.starts_with(marker) && matches!(line.get(3), None | Some(b' ' | b'\t' | b'\r' | b'\n'))
}

fn is_blank_or_comment(line: &[u8]) -> bool {
    match line.iter().find(|b| !b.is_ascii_whitespace()) {
        None => true,
        Some(&b) => b == b'#',
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(text: &str) -> Vec<&str> {
        split(text)
            .into_iter()
            .map(|c| &text[c.start..c.end])
            .collect()
    }

    #[test]
    fn splits_at_document_markers() {
        assert_eq!(
            pieces("a: 1\n---\nb: 2\n--- \nc: 3"),
            ["a: 1\n", "---\nb: 2\n", "--- \nc: 3"]
        );
        assert_eq!(pieces("a: 1\n...\nb: 2\n"), ["a: 1\n...\n", "b: 2\n"]);
        assert_eq!(
            pieces("a: 1\r\n---\r\nb: 2\r\n"),
            ["a: 1\r\n", "---\r\nb: 2\r\n"]
        );
    }

    #[test]
    fn leading_comments_and_directives_stay_with_the_next_document() {
        assert_eq!(
            pieces("# head\n%YAML 1.2\n---\na: 1\n---\n---\n%TAG ! x\n---\nb: 2\n"),
            [
                "# head\n%YAML 1.2\n---\na: 1\n",
                "---\n",
                "---\n",
                "%TAG ! x\n---\nb: 2\n"
            ]
        );
    }

    #[test]
    fn markers_must_be_alone_at_column_zero() {
        assert_eq!(
            pieces("a: |\n  ---\n---x: 1\n-- -\n"),
            ["a: |\n  ---\n---x: 1\n-- -\n"]
        );
        assert!(split("").is_empty());
    }
}
