//! `waymark export`: being built (see the issue tracker); registered so the command line is stable.

use crate::Exit;
use clap::Args;

/// Not built yet.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Arguments, not yet read.
    pub words: Vec<String>,
}

pub fn run(_args: ExportArgs) -> Exit {
    eprintln!("error: `waymark export` is not built yet");
    Exit::Usage
}
