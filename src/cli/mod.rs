//! The command line: argument parsing and wiring of the pipeline. The only place that
//! decides exit codes.

use clap::{Parser, Subcommand};

pub mod check;
pub mod simulate;

/// Exit codes: 0 nothing at or above `--fail-on`, 1 findings, 2 usage, I/O or internal errors.
pub const EXIT_OK: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_ERROR: i32 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "gwctl",
    version,
    about = "Predict what a conformant Gateway API controller does with your manifests"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Predict every Gateway's and route's status and report every finding.
    Check(check::CheckArgs),
    /// Route a request offline and explain the outcome.
    Simulate(simulate::SimulateArgs),
}

/// Parses the arguments, runs the command and returns the exit code.
pub fn run() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { EXIT_ERROR } else { EXIT_OK };
        }
    };
    match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Simulate(args) => simulate::run(&args),
    }
}
