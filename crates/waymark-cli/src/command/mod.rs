//! One file per subcommand.

pub mod census;
pub mod check;
pub mod days;
pub mod diff;
pub mod explain;
pub mod export;
pub mod import;
pub mod run;
