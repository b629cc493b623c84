//! End-to-end tests: one test binary, so the suite links once.
#![allow(
    clippy::indexing_slicing,
    reason = "test and bench code: a bad index fails the run, as it should"
)]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail loudly"
)]

mod before_each;
mod census;
mod cli;
mod cli_io;
mod days;
mod diff;
mod docs;
mod editor;
mod export;
mod export_used;
mod extension;
mod fixtures;
mod fmt;
mod hardening;
mod independent;
mod lsp;
mod messy_inputs;
mod policy_tests;
mod preview;
mod robustness;
mod robustness_cases;
mod run;
mod shipped;
mod signoff;
mod tidy;
