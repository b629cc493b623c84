//! Exit codes, the same for every subcommand, and the one failure type that leads to them.

use crate::input::ReadFailure;
use crate::output::print_diagnostics;
use waymark_diagnostics::{Code, Diagnostic, Sources};

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

/// Why a command stopped before its work was done. Every command that stops from deep inside
/// (`days`, `run`, `diff`, `import`, `export --compare`) returns this, and [`Failure::report`]
/// prints it and gives its exit code: the one place where a failure becomes an exit code.
/// (A command that stops in its own `run` function prints and returns an [`Exit`] there.)
#[derive(Debug)]
pub(crate) struct Failure {
    exit: Exit,
    /// Shown first: coded diagnostics about the request or an input file.
    diagnostics: Vec<Diagnostic>,
    /// Shown last, as `error: MESSAGE` (or `error[CODE]: MESSAGE`), unless it is empty.
    message: String,
    code: Option<Code>,
}

impl Failure {
    /// The command itself was wrong (exit 2): a missing file, a bad date, flag or request.
    pub(crate) fn usage(message: impl Into<String>) -> Failure {
        Failure::new(Exit::Usage, message.into())
    }

    /// The input has problems (exit 1).
    pub(crate) fn problems(message: impl Into<String>) -> Failure {
        Failure::new(Exit::Problems, message.into())
    }

    /// The reader went away (a closed pipe): stop without a word (exit 0).
    pub(crate) fn quiet() -> Failure {
        Failure::new(Exit::Success, String::new())
    }

    fn new(exit: Exit, message: String) -> Failure {
        Failure {
            exit,
            diagnostics: Vec::new(),
            message,
            code: None,
        }
    }

    /// A hint on how to put it right, shown as `help: HINT` under the message.
    pub(crate) fn help(mut self, hint: impl Into<String>) -> Failure {
        let hint = hint.into();
        if !hint.is_empty() {
            self.message = format!("{}\nhelp: {hint}", self.message);
        }
        self
    }

    /// The diagnostics that explain the failure, shown before its message.
    pub(crate) fn with(mut self, diagnostics: Vec<Diagnostic>) -> Failure {
        self.diagnostics.extend(diagnostics);
        self
    }

    /// The code of the message itself, shown as `error[CODE]:`.
    pub(crate) fn coded(mut self, code: Code) -> Failure {
        self.code = Some(code);
        self
    }

    /// A failure of the input that the command counts as a usage error: for `diff`, exit 1
    /// means "changes found", so a version or case file it cannot use is exit 2.
    pub(crate) fn into_usage(mut self) -> Failure {
        if self.exit == Exit::Problems {
            self.exit = Exit::Usage;
        }
        self
    }

    /// Prints the diagnostics and the message on standard error; gives the exit code.
    pub(crate) fn report(self, sources: &Sources) -> Exit {
        print_diagnostics(&self.diagnostics, sources);
        match (self.message.is_empty(), self.code) {
            (true, _) => {}
            (false, None) => eprintln!("error: {}", self.message),
            (false, Some(code)) => eprintln!("error[{code}]: {}", self.message),
        }
        self.exit
    }
}

/// A file that could not be read stops the command: missing is a usage error, unusable
/// (binary, too large, not UTF-8) a problem of the input shown as its diagnostic.
impl From<ReadFailure> for Failure {
    fn from(failure: ReadFailure) -> Failure {
        match failure {
            ReadFailure::Missing(message) => Failure::usage(message),
            ReadFailure::Unusable(diagnostic) => Failure::problems("").with(vec![*diagnostic]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_failure_ends_with_its_exit_code() {
        let exit = |failure: Failure| failure.report(&Sources::new());
        assert_eq!(exit(Failure::usage("no such file")), Exit::Usage);
        assert_eq!(exit(Failure::problems("")), Exit::Problems);
        assert_eq!(exit(Failure::quiet()), Exit::Success);
        assert_eq!(exit(Failure::problems("").into_usage()), Exit::Usage);
        assert_eq!(exit(Failure::quiet().into_usage()), Exit::Success);
        let missing = ReadFailure::Missing("cannot read `x.wm`: no such file".to_string());
        assert_eq!(exit(Failure::from(missing)), Exit::Usage);
    }

    #[test]
    fn a_hint_goes_under_the_message() {
        let failure = Failure::usage("`nope` is not a calendar").help("did you mean `scotland`?");
        assert_eq!(
            failure.message,
            "`nope` is not a calendar\nhelp: did you mean `scotland`?"
        );
        assert_eq!(Failure::usage("bad").help("").message, "bad");
    }
}
