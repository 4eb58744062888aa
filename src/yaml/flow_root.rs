//! Where a chunk's root node is a flow collection (`{` or `[`, as a JSON file is).
//!
//! `saphyr-parser` keeps every event of a collection that may be a mapping key until the
//! collection ends; for a root flow collection that is the whole document. After an
//! inserted `--- ` marker nothing is a key candidate, so [`super::build`] parses that.

/// The marker inserted before a root flow collection.
pub(super) const DOCUMENT_START: &str = "--- ";

/// Where the line starts on which a chunk's content begins, when that content is a flow
/// collection (`{` or `[`, as JSON is) at the start of its line.
pub(super) fn flow_root_line(chunk: &str) -> Option<usize> {
    let mut line_start = 0;
    for line in chunk.split_inclusive('\n') {
        let marker = line
            .strip_prefix("---")
            .filter(|rest| rest.is_empty() || rest.starts_with(char::is_whitespace));
        let content = marker.unwrap_or(line).trim_start();
        let skipped = content.is_empty() || content.starts_with('#') || line.starts_with('%');
        if !skipped {
            // After a marker on the same line, the content is no key candidate already.
            let flow = content.starts_with(['{', '[']) && marker.is_none();
            return flow.then_some(line_start);
        }
        line_start += line.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flow_roots_are_found_after_comments_directives_and_bare_markers() {
        assert_eq!(flow_root_line("{\"a\": 1}"), Some(0));
        assert_eq!(flow_root_line("# c\n\n  [1, 2]\n"), Some(5));
        assert_eq!(flow_root_line("%YAML 1.2\n---\n{a: 1}\n"), Some(14));
        assert_eq!(flow_root_line("--- # c\n[1]\n"), Some(8));
        assert_eq!(flow_root_line("--- {a: 1}\n"), None);
        assert_eq!(flow_root_line("a: {b: 1}\n"), None);
        assert_eq!(flow_root_line("---x: [1]\n"), None);
        assert_eq!(flow_root_line("# only\n"), None);
    }
}
