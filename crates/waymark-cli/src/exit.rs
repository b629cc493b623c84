//! Exit codes, the same for every subcommand.

/// How a `waymark` run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// Exit code 0: clean, or warnings only.
    Success = 0,
    /// Exit code 1: the input has problems (errors, or warnings under `--deny-warnings`).
    Problems = 1,
    /// Exit code 2: the command itself was wrong: a missing file, a bad flag.
    Usage = 2,
}

impl From<Exit> for std::process::ExitCode {
    fn from(exit: Exit) -> Self {
        std::process::ExitCode::from(exit as u8)
    }
}
