//! One file per subcommand.

pub mod census;
pub mod check;
pub mod days;
pub mod diff;
pub mod explain;
pub mod export;
pub mod fmt;
pub mod import;
pub mod lsp;
pub mod run;
pub mod serve;
pub mod test;
