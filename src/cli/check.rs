//! `gwctl check`.

use clap::Args;

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files, directories or `-` for stdin.
    pub paths: Vec<String>,
}

pub fn run(args: &CheckArgs) -> i32 {
    let _ = args;
    super::EXIT_OK
}
