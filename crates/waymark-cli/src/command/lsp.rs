//! `waymark lsp`: the language server, talking the Language Server Protocol on standard input
//! and output, for editors (see docs/editors.md).

use crate::Exit;
use clap::Args;
use std::path::Path;

const AFTER_HELP: &str = "\
An editor starts this command and talks to it; people do not type into it. It gives, as you
type: the diagnostics of `waymark check` (files pulled in by `use` included), hover (a step's
roles, deadlines in words and citations; a deadline's example due date from today; a code's
explanation), go to definition, find references, completion, an outline, rename and formatting.

Examples:
  waymark lsp                                   what an editor runs
  code --install-extension editors/vscode/waymark-*.vsix    the VS Code extension starts it

Neovim, Helix and Emacs: see docs/editors.md for the few lines of configuration each needs.
Exit codes: 0 after the editor's `shutdown` and `exit`, 1 if the connection broke.";

/// Run the language server on standard input and output (for editors).
#[derive(Debug, Args)]
#[command(after_help = AFTER_HELP)]
pub struct LspArgs {
    /// Count hover's example due dates from this day (YYYY-MM-DD) instead of today.
    #[arg(long, value_name = "DATE")]
    pub today: Option<String>,
}

/// Files a `use` line names that are not open in the editor, read as `waymark check` reads
/// them: regular files only, capped in size, UTF-8.
struct FromDisk;

impl waymark_lsp::Disk for FromDisk {
    fn read(&self, path: &Path) -> Option<String> {
        let bytes = crate::input::read_regular_file(&path.to_string_lossy()).ok()?;
        String::from_utf8(bytes).ok()
    }
}

pub fn run(args: LspArgs) -> Exit {
    let today = match args.today.as_deref() {
        Some(text) => match super::days::date_in_range(text, "--today") {
            Ok(date) => date,
            Err((message, help)) => {
                let code = waymark_diagnostics::Code::DateArgumentInvalid;
                eprintln!("error[{code}]: {message}\nhelp: {help}");
                return Exit::Usage;
            }
        },
        None => super::run::today(),
    };
    let (connection, transport) =
        match waymark_lsp::connect(std::io::BufReader::new(std::io::stdin()), std::io::stdout()) {
            Ok(connected) => connected,
            Err(message) => {
                eprintln!("error: {message}");
                return Exit::Problems;
            }
        };
    let served = waymark_lsp::serve(&connection, Box::new(FromDisk), today);
    drop(connection);
    // The connection's reason first: a message refused (too large, malformed) is also why the
    // server found its channel closed.
    match (transport.join(), served) {
        (Ok(()), Ok(())) => Exit::Success,
        (Err(error), _) => {
            eprintln!("error: the language server's connection broke: {error}");
            Exit::Problems
        }
        (Ok(()), Err(message)) => {
            eprintln!("error: the language server stopped: {message}");
            Exit::Problems
        }
    }
}
