//! `waymark days`: working-day arithmetic for people who just need a date.
//! (Being written: see issue 4.)

use crate::Exit;
use clap::Args;

/// Count working days from a date.
#[derive(Debug, Args)]
pub struct DaysArgs {
    /// The words of the request, e.g. `2025-12-01 +45`.
    pub words: Vec<String>,
}

pub fn run(_args: DaysArgs) -> Exit {
    eprintln!("error: `waymark days` is not built yet");
    Exit::Usage
}
