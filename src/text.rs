//! Text from outside gwctl (manifests, server answers, plugin output) made fit to print:
//! long messages cut to a bound.

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
}
