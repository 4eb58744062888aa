//! Text from outside gwctl (manifests, server answers, plugin output, URLs) made fit to print:
//! control characters escaped for terminals, long messages cut, credentials in URLs hidden.
//! The human and table renderers, and the CLI's error lines, print outside text through
//! these.

use std::borrow::Cow;

/// Longest message from outside (a server's `Status` message, a plugin's stderr) quoted in a
/// finding or an error; the rest is cut.
pub const MAX_MESSAGE: usize = 2048;

/// A message from outside, cut to [`MAX_MESSAGE`] bytes.
pub fn cut_message(text: &str) -> String {
    cut(text, MAX_MESSAGE)
}

/// `text` cut to at most `max` bytes (on a character boundary), saying how much was left out.
pub fn cut(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} more bytes cut)", &text[..end], text.len() - end)
}

/// Whether `c` acts on a terminal instead of showing: C0 and C1 controls (ESC starts the
/// ANSI sequences that recolour, move the cursor, retitle the window or hide text), DEL,
/// and the bidirectional overrides and isolates, which reorder what follows on the line
/// ("Trojan Source", CVE-2021-42574).
fn acts_on_terminal(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every character that acts on a terminal written as its escape (`\u{1b}`,
/// `\n`, `\u{202e}`): for one line of outside text (a name, a value, a server message).
pub fn printable(text: &str) -> Cow<'_, str> {
    escape(text, |_, _| false)
}

/// [`printable`], keeping line breaks (`\n`, `\r\n`) and tabs: for text that has lines (a
/// message of several lines, a source file). A lone `\r`, which would let a line overwrite
/// itself, is escaped.
pub fn printable_lines(text: &str) -> Cow<'_, str> {
    escape(text, |c, next| {
        matches!(c, '\n' | '\t') || (c == '\r' && next == Some('\n'))
    })
}

fn escape(text: &str, keep: impl Fn(char, Option<char>) -> bool) -> Cow<'_, str> {
    let mut out: Option<String> = None;
    // Bytes of `text` before `copied` are in `out` (or need no copy while `out` is `None`).
    let mut copied = 0;
    let mut at = 0;
    // Printable ASCII never acts on a terminal: only the other bytes are looked at, as the
    // characters they start (a source file of megabytes has nothing else but line breaks).
    while let Some(found) = text.as_bytes()[at..]
        .iter()
        .position(|b| !(b' '..=b'~').contains(b))
    {
        let start = at + found;
        let mut rest = text[start..].chars();
        let Some(c) = rest.next() else {
            break;
        };
        at = start + c.len_utf8();
        if acts_on_terminal(c) && !keep(c, rest.next()) {
            let out = out.get_or_insert_with(String::new);
            out.push_str(&text[copied..start]);
            out.extend(c.escape_debug());
            copied = at;
        }
    }
    match out {
        None => Cow::Borrowed(text),
        Some(mut out) => {
            out.push_str(&text[copied..]);
            Cow::Owned(out)
        }
    }
}

/// Where `text`'s offsets land in [`printable_lines`]`(text)`: each escaped character before
/// an offset moves it by its escape's extra bytes.
pub fn printable_offset(text: &str, offset: usize) -> usize {
    let mut moved = offset;
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if at >= offset {
            break;
        }
        let next = chars.peek().map(|&(_, n)| n);
        let kept = matches!(c, '\n' | '\t') || (c == '\r' && next == Some('\n'));
        if acts_on_terminal(c) && !kept {
            moved += c.escape_debug().len() - c.len_utf8();
        }
    }
    moved
}

/// A URL with its credentials hidden: the user information (`https://user:pass@host/`, or
/// a token as the user) and the values of query parameters that carry credentials
/// (`?token=`, `X-Amz-Signature=`, `sig=`, `key=` ...) become `REDACTED`.
pub fn redact_url(url: &str) -> Cow<'_, str> {
    let Some((scheme, rest)) = url.split_once("://") else {
        return Cow::Borrowed(url);
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let host = authority.rsplit_once('@').map(|(_, host)| host);
    let (path, query) = match tail.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (tail, None),
    };
    let redacted_query = query.map(redact_query);
    let query_changed = matches!((&redacted_query, query), (Some(r), Some(q)) if r != q);
    if host.is_none() && !query_changed {
        return Cow::Borrowed(url);
    }
    let mut out = format!("{scheme}://");
    if let Some(host) = host {
        out.push_str("REDACTED@");
        out.push_str(host);
    } else {
        out.push_str(authority);
    }
    out.push_str(path);
    if let Some(query) = redacted_query {
        out.push('?');
        out.push_str(&query);
    }
    Cow::Owned(out)
}

/// A query string with the values of credential-like parameters replaced.
fn redact_query(query: &str) -> String {
    let (query, fragment) = match query.split_once('#') {
        Some((q, f)) => (q, Some(f)),
        None => (query, None),
    };
    let mut parts: Vec<String> = Vec::new();
    for pair in query.split('&') {
        match pair.split_once('=') {
            Some((name, _)) if is_credential(name) => parts.push(format!("{name}=REDACTED")),
            _ => parts.push(pair.to_string()),
        }
    }
    let mut out = parts.join("&");
    if let Some(fragment) = fragment {
        out.push('#');
        out.push_str(fragment);
    }
    out
}

/// Query parameter names that carry credentials: tokens (GitHub's raw `?token=`), signed
/// URLs (S3's `X-Amz-Signature`, `X-Amz-Credential`, `X-Amz-Security-Token`; Azure's
/// `sig`; GCS's `X-Goog-Signature`), keys and passwords.
fn is_credential(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    [
        "token",
        "sig",
        "key",
        "secret",
        "password",
        "passwd",
        "credential",
        "auth",
    ]
    .iter()
    .any(|word| name.contains(word))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_cut_on_a_character_boundary() {
        assert_eq!(cut("short", 10), "short");
        assert_eq!(cut("abcdef", 4), "abcd… (2 more bytes cut)");
        // `é` is two bytes: the cut falls before it rather than inside it.
        assert_eq!(cut("abcé", 4), "abc… (2 more bytes cut)");
    }

    #[test]
    fn terminal_controls_are_escaped() {
        assert!(matches!(printable("web-1.example.com"), Cow::Borrowed(_)));
        assert_eq!(printable("a\x1b[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(printable("x\x1b]0;owned\x07"), "x\\u{1b}]0;owned\\u{7}");
        assert_eq!(printable("one\ntwo\r"), "one\\ntwo\\r");
        assert_eq!(printable("é\u{9b}31m"), "é\\u{9b}31m");
        assert_eq!(printable("admin\u{202E}gpj.exe"), "admin\\u{202e}gpj.exe");
        assert_eq!(printable_lines("a: 1\r\nb:\t2\n"), "a: 1\r\nb:\t2\n");
        assert_eq!(printable_lines("a\rb\x1b"), "a\\rb\\u{1b}");
    }

    proptest::proptest! {
        /// The scan that skips printable ASCII escapes what looking at every character does.
        #[test]
        fn escaping_skips_nothing_it_must_escape(text in "(\\PC|[\\x00-\\x1f\\x7f\\u{80}-\\u{9f}\\u{202a}-\\u{202e}\\r\\n\\t]){0,40}") {
            let chars: Vec<char> = text.chars().collect();
            let mut expected = String::new();
            for (i, &c) in chars.iter().enumerate() {
                let next = chars.get(i + 1).copied();
                let kept = matches!(c, '\n' | '\t') || (c == '\r' && next == Some('\n'));
                if acts_on_terminal(c) && !kept {
                    expected.extend(c.escape_debug());
                } else {
                    expected.push(c);
                }
            }
            proptest::prop_assert_eq!(printable_lines(&text), expected);
        }
    }

    #[test]
    fn offsets_follow_the_escapes() {
        let text = "a\x1bb\ncé\x1bd";
        let shown = printable_lines(text);
        for (offset, c) in text.char_indices() {
            let moved = printable_offset(text, offset);
            if !acts_on_terminal(c) {
                assert_eq!(shown[moved..].chars().next(), Some(c), "{offset}");
            }
        }
        assert_eq!(printable_offset(text, text.len()), shown.len());
    }

    #[test]
    fn credentials_in_urls_are_redacted() {
        assert_eq!(
            redact_url("https://user:pa55@example.com/x.yaml"),
            "https://REDACTED@example.com/x.yaml"
        );
        assert_eq!(
            redact_url(
                "https://ghp_abc@raw.githubusercontent.com/o/r/main/a.yaml?token=GHSAT0&ref=main"
            ),
            "https://REDACTED@raw.githubusercontent.com/o/r/main/a.yaml?token=REDACTED&ref=main"
        );
        assert_eq!(
            redact_url(
                "https://b.s3.amazonaws.com/a.yaml?X-Amz-Credential=AK&X-Amz-Signature=ff#top"
            ),
            "https://b.s3.amazonaws.com/a.yaml?X-Amz-Credential=REDACTED&X-Amz-Signature=REDACTED#top"
        );
        assert!(matches!(
            redact_url("https://example.com/a.yaml?ref=main"),
            Cow::Borrowed(_)
        ));
        assert_eq!(redact_url("https://h:6443"), "https://h:6443");
        assert_eq!(redact_url("not a url"), "not a url");
    }
}
