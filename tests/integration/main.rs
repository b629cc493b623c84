//! End-to-end tests: one test binary, so the suite links once.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail loudly"
)]

mod census;
mod cli;
mod days;
mod diff;
mod docs;
mod export;
mod fixtures;
mod hardening;
mod independent;
mod robustness;
mod robustness_cases;
mod run;
mod shipped;
mod tidy;
