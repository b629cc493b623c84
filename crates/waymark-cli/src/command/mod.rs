//! One file per subcommand.

pub mod check;
pub mod days;
pub mod explain;
