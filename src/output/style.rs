//! Presentation settings shared by every format: colour, box drawing, width.

/// When to colour: `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Presentation settings, pinned so that output off a terminal is byte-for-byte stable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    pub color: bool,
    /// Unicode box drawing (else ASCII).
    pub unicode: bool,
    /// Wrapping width in columns.
    pub width: usize,
    /// How much of a report people see (`-q`, `-v`).
    pub detail: Detail,
    /// `check --show-accepted`: the status of every object, not only of those with a
    /// problem.
    pub show_accepted: bool,
}

/// How much of a report the formats for people show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// `-q`: one line per finding, as compilers and actionlint write them.
    Quiet,
    /// Problems first; infos left out.
    Normal,
    /// `-v`: infos too.
    Verbose,
}

/// A terminal colour.
#[derive(Debug, Clone, Copy)]
pub enum Color {
    Red,
    Green,
    Yellow,
}

/// The width off a terminal (pipes, files, tests), so such output does not depend on the
/// terminal's size.
pub const WIDTH: usize = 100;

/// The narrowest width wrapped to: below it, snippets are unreadable anyway.
const MIN_WIDTH: usize = 60;

impl Style {
    /// `text` in `color` (and bold) when colour is on; as it is otherwise.
    pub fn paint(&self, color: Color, bold: bool, text: &str) -> String {
        if !self.color {
            return text.to_string();
        }
        let code = match color {
            Color::Red => 31,
            Color::Green => 32,
            Color::Yellow => 33,
        };
        let weight = if bold { "1;" } else { "" };
        format!("\x1b[{weight}{code}m{text}\x1b[0m")
    }

    /// A pass/fail verdict: bold green or bold red.
    pub fn verdict(&self, good: bool, text: &str) -> String {
        self.paint(if good { Color::Green } else { Color::Red }, true, text)
    }

    /// No colour, Unicode, [`WIDTH`] columns, normal detail: what tests and pipes get.
    pub fn plain() -> Self {
        Style {
            color: false,
            unicode: true,
            width: WIDTH,
            detail: Detail::Normal,
            show_accepted: false,
        }
    }

    /// The style for stdout: colour with `always`, or with `auto` on a terminal when
    /// `NO_COLOR` is unset or empty (<https://no-color.org>); the terminal's width on a
    /// terminal, else [`WIDTH`].
    pub fn for_terminal(choice: ColorChoice, is_terminal: bool) -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let mut style = Style::choose(choice, is_terminal, no_color);
        if is_terminal
            && let Some((terminal_size::Width(columns), _)) = terminal_size::terminal_size()
        {
            style.width = usize::from(columns).max(MIN_WIDTH);
        }
        style
    }

    /// This style with `detail`.
    pub fn with_detail(self, detail: Detail) -> Self {
        Style { detail, ..self }
    }

    fn choose(choice: ColorChoice, is_terminal: bool, no_color: bool) -> Self {
        let color = match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => is_terminal && !no_color,
        };
        Style {
            color,
            ..Style::plain()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_only_when_asked_or_on_a_terminal_without_no_color() {
        let color = |choice, terminal, no_color| Style::choose(choice, terminal, no_color).color;
        assert!(color(ColorChoice::Auto, true, false));
        assert!(!color(ColorChoice::Auto, true, true));
        assert!(!color(ColorChoice::Auto, false, false));
        assert!(color(ColorChoice::Always, false, true));
        assert!(!color(ColorChoice::Never, true, false));
    }

    #[test]
    fn verdicts_are_bold_and_plain_style_paints_nothing() {
        let coloured = Style {
            color: true,
            ..Style::plain()
        };
        assert_eq!(coloured.verdict(true, "pass"), "\x1b[1;32mpass\x1b[0m");
        assert_eq!(coloured.verdict(false, "FAIL"), "\x1b[1;31mFAIL\x1b[0m");
        assert_eq!(
            coloured.paint(Color::Yellow, false, "?"),
            "\x1b[33m?\x1b[0m"
        );
        assert_eq!(Style::plain().verdict(true, "pass"), "pass");
    }
}
