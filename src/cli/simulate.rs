//! `gwctl simulate`.

use clap::Args;

#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// Files, directories or `-` for stdin.
    pub paths: Vec<String>,
}

pub fn run(args: &SimulateArgs) -> i32 {
    let _ = args;
    super::EXIT_OK
}
