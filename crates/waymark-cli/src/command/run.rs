//! `waymark run`: being built (see the issue tracker); registered so the command line is stable.

use crate::Exit;
use clap::Args;

/// Not built yet.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Arguments, not yet read.
    pub words: Vec<String>,
}

pub fn run(_args: RunArgs) -> Exit {
    eprintln!("error: `waymark run` is not built yet");
    Exit::Usage
}
