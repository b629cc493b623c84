//! The Children in Need census XML, read as a stream into cases through a mapping file checked against the procedure.
//!
//! `read` reads the file one `<Child>` at a time (quick-xml, memory flat whatever the size),
//! knowing the elements from `spec`; `mapping` reads and checks the TOML file that says which
//! census field is which step, outcome or fact; `cases` turns a child into cases, one per
//! episode (and one for each further assessment, enquiry or plan), as the same JSON Lines
//! cases `waymark run` reads; `write` writes census files from cases, for tests and benches.
//! Like every stage but the CLI, this crate opens no files and prints nothing.

pub mod cases;
pub mod mapping;
pub mod read;
pub mod spec;
pub mod write;

pub use cases::{CensusCase, CensusEvent, ChildCases, child_cases};
pub use mapping::Mapping;
pub use read::{At, CensusReader, Child, Finding, Header, NotCensus, looks_like_census};

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests;
