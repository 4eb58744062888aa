//! `gwctl check`: run the analysis and render the report.

use std::io::{IsTerminal, Write};

use clap::{Args, ValueEnum};

use super::{EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, InputArgs};
use crate::diag::{Diagnostic, Severity};
use crate::output::{ColorChoice, Format, Report, Style};

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Output format.
    #[arg(short = 'o', long, value_enum, default_value_t = Format::Human)]
    pub output: Format,
    /// Exit with 1 when a finding at or above this severity exists.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    /// When to use colours (NO_COLOR is honoured with `auto`).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// The least severity that fails the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

impl FailOn {
    fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Info => Some(Severity::Info),
            FailOn::Never => None,
        }
    }

    /// Whether these findings fail the run.
    pub fn fails(self, diagnostics: &[Diagnostic]) -> bool {
        self.threshold()
            .is_some_and(|t| diagnostics.iter().any(|d| d.severity >= t))
    }
}

pub fn run(args: &CheckArgs) -> i32 {
    let loaded = match args.input.load() {
        Ok(loaded) => loaded,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_ERROR;
        }
    };
    let report = Report {
        sources: &loaded.sources,
        world: &loaded.world,
        analysis: &loaded.analysis,
        diagnostics: &loaded.diagnostics,
    };
    let stdout = std::io::stdout();
    let style = Style::for_terminal(args.color, stdout.is_terminal());
    let text = crate::output::render(&report, args.output, &style);
    let mut out = stdout.lock();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        // A closed pipe (`gwctl check . | head`) is not worth a message.
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("error: writing output: {e}");
        }
        return EXIT_ERROR;
    }
    if args.fail_on.fails(&loaded.diagnostics) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Rule;

    static RULE: Rule = Rule {
        code: "GW9999",
        name: "test-rule",
        severity: Severity::Warning,
        summary: "test",
        explanation: "```yaml\n```",
    };

    #[test]
    fn fail_on_compares_severities() {
        let warning = vec![Diagnostic::new(&RULE, "w")];
        assert!(!FailOn::Error.fails(&warning));
        assert!(FailOn::Warning.fails(&warning));
        assert!(FailOn::Info.fails(&warning));
        assert!(!FailOn::Never.fails(&warning));
        assert!(!FailOn::Info.fails(&[]));
    }
}
