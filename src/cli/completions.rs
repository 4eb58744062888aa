//! `gwctl completions`: shell completion scripts (also committed in `completions/`).

use clap::Args;
use clap_complete::Shell;

use super::EXIT_OK;

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: Shell,
}

pub fn run(args: &CompletionsArgs) -> i32 {
    print!("{}", script(args.shell));
    EXIT_OK
}

/// The completion script for `shell`.
pub fn script(shell: Shell) -> String {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut super::command(), "gwctl", &mut buf);
    String::from_utf8_lossy(&buf).into_owned()
}

/// The file in `completions/` that holds each shell's script.
pub const FILES: &[(Shell, &str)] = &[
    (Shell::Bash, "gwctl.bash"),
    (Shell::Zsh, "_gwctl"),
    (Shell::Fish, "gwctl.fish"),
    (Shell::PowerShell, "_gwctl.ps1"),
    (Shell::Elvish, "gwctl.elv"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// The committed scripts match the CLI. Run with `UPDATE_COMPLETIONS=1` to rewrite them.
    #[test]
    fn committed_completions_are_current() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
        let update = std::env::var_os("UPDATE_COMPLETIONS").is_some();
        let mut stale = Vec::new();
        for (shell, file) in FILES {
            let path = dir.join(file);
            let expected = script(*shell);
            if update {
                std::fs::write(&path, &expected).unwrap_or_else(|e| panic!("{path:?}: {e}"));
            } else if std::fs::read_to_string(&path).ok().as_deref() != Some(expected.as_str()) {
                stale.push(*file);
            }
        }
        assert!(
            stale.is_empty(),
            "stale completions {stale:?}: run `UPDATE_COMPLETIONS=1 cargo test completions`"
        );
    }

    #[test]
    fn scripts_name_every_subcommand() {
        let bash = script(Shell::Bash);
        for sub in ["check", "simulate", "explain", "completions"] {
            assert!(bash.contains(sub), "{sub} missing");
        }
    }
}
