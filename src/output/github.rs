//! `-o github`: GitHub Actions workflow commands, one annotation per finding
//! (`::error file=F,line=L,col=C,endLine=L2,endColumn=C2,title=CODE name::message`).
//!
//! Escaping follows the runner's rules: `%`, CR and LF in the message; additionally `:` and
//! `,` in property values.

use super::view::{CheckView, DiagnosticView};
use crate::diag::Severity;

/// One workflow command per finding.
pub fn render(view: &CheckView<'_>) -> String {
    view.diagnostics.iter().map(command).collect()
}

fn command(diagnostic: &DiagnosticView<'_>) -> String {
    let name = match diagnostic.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    };
    let mut properties = Vec::new();
    if let Some(position) = diagnostic.place.position().filter(|p| p.on_disk()) {
        properties.push(("file", position.file_name().replace('\\', "/")));
        properties.push(("line", position.line.to_string()));
        properties.push(("col", position.column.to_string()));
        properties.push(("endLine", position.end_line.to_string()));
        // GitHub's columns are inclusive; columns are ignored across lines.
        if position.end_line == position.line {
            let last = position.end_column.saturating_sub(1).max(position.column);
            properties.push(("endColumn", last.to_string()));
        }
    }
    properties.push(("title", format!("{} {}", diagnostic.code, diagnostic.name)));
    let properties: Vec<String> = properties
        .into_iter()
        .map(|(key, value)| format!("{key}={}", escape_property(&value)))
        .collect();
    let mut message = diagnostic.message.to_string();
    if let Some(help) = diagnostic.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    format!(
        "::{name} {}::{}\n",
        properties.join(","),
        escape_data(&message)
    )
}

/// Escapes a command's message.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a command property's value.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_the_runner() {
        assert_eq!(escape_data("100% a\r\nb: c,d"), "100%25 a%0D%0Ab: c,d");
        assert_eq!(escape_property("a: b,c%"), "a%3A b%2Cc%25");
    }

    #[test]
    fn a_finding_without_a_file_has_only_a_title() {
        use crate::diag::rule;
        rule! {
            /// A rule for tests.
            static RULE {
                code: "GW9999",
                name: "test-rule",
                severity: Info,
                stage: Analysis,
                summary: "test",
            }
        }
        let diagnostic = crate::diag::Diagnostic::new(&RULE, "50% done\nsecond").help("a, b");
        let sources = crate::input::Sources::default();
        assert_eq!(
            command(&DiagnosticView::new(&sources, &diagnostic)),
            "::notice title=GW9999 test-rule::50%25 done%0Asecond%0Ahelp: a, b\n"
        );
    }
}
