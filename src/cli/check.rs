//! `gwctl check`: run the analysis and render the report.

use std::io::{IsTerminal, Write};

use clap::{Args, ValueEnum};

use std::path::PathBuf;

use super::{EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, InputArgs, Loaded, sort_diagnostics};
use crate::config::{Applied, Config};
use crate::diag::{Diagnostic, Severity};
use crate::output::human::summary_line;
use crate::output::view::Summary;
use crate::output::{CHECK, ColorChoice, Format, Report, Style};

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Output format.
    #[arg(short = 'o', long, value_parser = super::format::parser(CHECK), default_value = "human")]
    pub output: Format,
    /// Exit with 1 when a finding at or above this severity exists
    /// [default: `failOn` of the configuration, else error].
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// When to use colours (NO_COLOR is honoured with `auto`).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Human and table output: print nothing when the run passes, only the summary line
    /// when it fails.
    #[arg(short, long, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Also say on stderr which configuration was used, what was read and what was
    /// suppressed.
    #[arg(short, long)]
    pub verbose: bool,
}

/// The configuration flag, shared by the commands that report findings.
#[derive(Debug, Clone, Args)]
pub struct ConfigArgs {
    /// The configuration file [default: the nearest `.gwctl.yaml` from the working
    /// directory up].
    #[arg(long = "config", value_name = "FILE")]
    pub path: Option<PathBuf>,
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

/// The analysis with the configuration and the suppressions applied.
#[derive(Debug)]
pub struct Configured {
    pub loaded: Loaded,
    pub config: Config,
    pub applied: Applied,
}

/// Reads the configuration and the input, runs the analysis, then applies the
/// configuration's `exclude`, `ignore` and `severity` and the objects' suppressions.
pub fn load_configured(input: &InputArgs, config: &ConfigArgs) -> Result<Configured, String> {
    let found = crate::config::load(config.path.as_deref()).map_err(|e| e.to_string())?;
    let mut input = input.clone();
    if let Some(found) = &found {
        input.exclude.extend(found.config.exclude.iter().cloned());
    }
    let mut loaded = input.load().map_err(|e| e.to_string())?;
    let (config, mut problems) = match found {
        Some(found) => found.attach(&mut loaded.sources),
        None => (Config::default(), Vec::new()),
    };
    loaded.diagnostics.append(&mut problems);
    let applied = crate::config::apply(&config, &loaded.world, &mut loaded.diagnostics);
    sort_diagnostics(&loaded.sources, &mut loaded.diagnostics);
    Ok(Configured {
        loaded,
        config,
        applied,
    })
}

pub fn run(args: &CheckArgs) -> i32 {
    let configured = match load_configured(&args.input, &args.config) {
        Ok(configured) => configured,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_ERROR;
        }
    };
    let code = report(args, &configured);
    configured.loaded.free_at_exit();
    code
}

/// Writes the report; returns the exit code.
fn report(args: &CheckArgs, configured: &Configured) -> i32 {
    let Configured {
        loaded,
        config,
        applied,
    } = configured;
    let report = Report {
        sources: &loaded.sources,
        world: &loaded.world,
        analysis: &loaded.analysis,
        diagnostics: &loaded.diagnostics,
        rules: &crate::diag::registry::all(),
    };
    let fail_on = args.fail_on.or(config.fail_on).unwrap_or(FailOn::Error);
    let failed = fail_on.fails(&loaded.diagnostics);
    if args.verbose {
        eprint!("{}", verbose_notes(loaded, config, *applied, fail_on));
    }
    let stdout = std::io::stdout();
    let style = Style::for_terminal(args.color, stdout.is_terminal());
    let quiet = args.quiet && args.output.is_for_people();
    let text = if quiet && failed {
        format!("{}\n", summary_line(&Summary::new(&report)))
    } else if quiet {
        String::new()
    } else if let Some(text) = crate::output::render_check(&report, args.output, &style) {
        text
    } else {
        eprintln!("error: {}", super::format::not_offered(args.output));
        return EXIT_ERROR;
    };
    let mut out = stdout.lock();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        // A closed pipe (`gwctl check . | head`) is not worth a message.
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("error: writing output: {e}");
        }
        return EXIT_ERROR;
    }
    if failed { EXIT_FINDINGS } else { EXIT_OK }
}

/// What `--verbose` adds on stderr.
fn verbose_notes(loaded: &Loaded, config: &Config, applied: Applied, fail_on: FailOn) -> String {
    let config_name = config
        .path
        .as_ref()
        .map_or_else(|| "none".to_string(), |p| p.display().to_string());
    let fail_on = fail_on
        .to_possible_value()
        .map_or_else(String::new, |v| v.get_name().to_string());
    format!(
        "gwctl: configuration: {config_name}\n\
         gwctl: read {files} file(s), {documents} YAML document(s)\n\
         gwctl: suppressed {suppressed} finding(s) by annotation, {ignored} by `ignore`\n\
         gwctl: failing on {fail_on} and above\n",
        files = loaded.sources.files.len(),
        documents = loaded.sources.documents.len(),
        suppressed = applied.suppressed,
        ignored = applied.ignored,
    )
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
