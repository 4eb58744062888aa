//! `gwctl check`: run the analysis and render the report.

use std::io::{IsTerminal, Write};

use clap::{Args, ValueEnum};

use super::{ConfigArgs, EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, InputArgs};
use crate::config::FailOn;
use crate::output::human::summary_line;
use crate::output::view::Summary;
use crate::output::{CHECK, ColorChoice, Format, Report, Style};
use crate::pipeline::Loaded;

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

/// `--fail-on` takes the configuration's own values, by their names.
impl ValueEnum for FailOn {
    fn value_variants<'a>() -> &'a [Self] {
        &FailOn::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.as_str()))
    }
}

pub fn run(args: &CheckArgs) -> i32 {
    let mut plan = args.input.plan();
    plan.configuration = Some(args.config.configuration());
    let loaded = match plan.load() {
        Ok(loaded) => loaded,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_ERROR;
        }
    };
    let code = report(args, &loaded);
    loaded.free_at_exit();
    code
}

/// Writes the report; returns the exit code.
fn report(args: &CheckArgs, loaded: &Loaded) -> i32 {
    let report = Report {
        sources: &loaded.sources,
        world: &loaded.world,
        analysis: &loaded.analysis,
        diagnostics: &loaded.diagnostics,
        rules: crate::rules::all(),
    };
    let fail_on = args
        .fail_on
        .or(loaded.config.fail_on)
        .unwrap_or(FailOn::Error);
    let failed = fail_on.fails(&loaded.diagnostics);
    if args.verbose {
        eprint!("{}", verbose_notes(loaded, fail_on));
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
fn verbose_notes(loaded: &Loaded, fail_on: FailOn) -> String {
    let config_name = loaded
        .config
        .path
        .as_ref()
        .map_or_else(|| "none".to_string(), |p| p.display().to_string());
    let fail_on = fail_on.as_str();
    format!(
        "gwctl: configuration: {config_name}\n\
         gwctl: read {files} file(s), {documents} YAML document(s)\n\
         gwctl: suppressed {suppressed} finding(s) by annotation, {ignored} by `ignore`\n\
         gwctl: failing on {fail_on} and above\n",
        files = loaded.sources.files.len(),
        documents = loaded.sources.documents.len(),
        suppressed = loaded.applied.suppressed,
        ignored = loaded.applied.ignored,
    )
}
