//! `gwctl check`: run the analysis and render the report.

use clap::{Args, ValueEnum};

use super::{EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, InputArgs, ShowArgs};
use crate::config::FailOn;
use crate::output::{CHECK, Format, Report, Style};
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
    /// Human output: list the status of every object, not only of those with a problem.
    #[arg(long)]
    pub show_accepted: bool,
    #[command(flatten)]
    pub show: ShowArgs,
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
    plan.configuration = Some(args.show.config.configuration());
    let loaded = match plan.load() {
        Ok(loaded) => loaded,
        Err(e) => {
            super::print_error(&e);
            return EXIT_ERROR;
        }
    };
    let code = report(args, &loaded);
    loaded.free_at_exit();
    code
}

/// Writes the report; returns the exit code.
fn report(args: &CheckArgs, loaded: &Loaded) -> i32 {
    let fail_on = args
        .fail_on
        .or(loaded.config.fail_on)
        .unwrap_or(FailOn::Error);
    let report = Report {
        sources: &loaded.sources,
        world: &loaded.world,
        analysis: &loaded.analysis,
        diagnostics: &loaded.diagnostics,
        rules: crate::rules::all(),
        namespace: args.input.reported_namespace(),
        fail_at: fail_on.threshold(),
        release: &loaded.release,
    };
    let failed = fail_on.fails(&loaded.diagnostics);
    args.show.notes(loaded);
    if args.show.verbose {
        eprintln!("gwctl: failing on {} and above", fail_on.as_str());
    }
    let style = Style {
        show_accepted: args.show_accepted,
        ..args.show.style()
    };
    // `-q` shortens every format for people to one line per finding.
    let format = if args.show.quiet && args.output.is_for_people() {
        Format::Human
    } else {
        args.output
    };
    let Some(text) = crate::output::render_check(&report, format, &style) else {
        eprintln!("error: {}", super::format::not_offered(args.output));
        return EXIT_ERROR;
    };
    if let Err(code) = super::write_stdout(&text) {
        return code;
    }
    if failed { EXIT_FINDINGS } else { EXIT_OK }
}
