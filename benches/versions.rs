//! `waymark diff --cases` throughput: 1,000,000 generated cases through two versions of the
//! assessment procedure, against a single `waymark run` of the same cases.
//!
//! Run with `cargo bench --bench versions` (`-- 200000` for fewer cases). The cases are
//! generated (seeded) a block at a time, untimed; each block is then run once through the
//! shipped assessment as `waymark run --format json` does (rendered, not written), and once
//! through both the assessment and the hypothetical amendment in `examples/`, compared case by
//! case. Prints both rates and their ratio.
#![allow(
    clippy::indexing_slicing,
    reason = "test and bench code: a bad index fails the run, as it should"
)]
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "a bench stops loudly when its own input is wrong"
)]

use std::time::{Duration, Instant};
use waymark_run::{Format, Plan, RunOptions};

const CASES: u64 = 1_000_000;
const BLOCK: u64 = 20_000;
const SEED: u64 = 2026;

mod shared;
use shared::compile;

fn main() {
    let cases: u64 = std::env::args()
        .skip(1)
        .find_map(|arg| arg.parse().ok())
        .unwrap_or(CASES);
    let old = compile("procedures/assessment.wm");
    let new = compile("examples/assessment-amendment-draft.wm");
    let calendar = waymark_calendar::default_calendar();
    let (old_plan, new_plan) = (Plan::new(&old, calendar), Plan::new(&new, calendar));
    let changes = waymark_diff::compare(&old, &new);
    let versions = waymark_diff::Versions::new(&old_plan, &new_plan, &changes);
    let as_of = waymark_calendar::parse_date("2026-06-30").unwrap();
    let options = RunOptions {
        as_of,
        format: Format::Json,
        summary_only: false,
        reading: waymark_run::Reading::Replay,
    };

    let (mut single, mut both) = (Duration::ZERO, Duration::ZERO);
    let (mut affected, mut first) = (0usize, 0u64);
    while first < cases {
        let count = BLOCK.min(cases - first);
        let text = waymark_run::generate::cases(&old_plan, SEED, first, count);
        let line = first as usize + 1;
        let start = Instant::now();
        let batch = waymark_run::run_batch(&old_plan, options, line, text.as_bytes());
        single += start.elapsed();
        assert_eq!(batch.summary.bad(), 0);
        let start = Instant::now();
        let impact = waymark_diff::impact_of(&versions, as_of, line, text.as_bytes());
        both += start.elapsed();
        assert_eq!(impact.cases as u64, count);
        affected += impact.affected.len();
        first += count;
    }
    let rate = |time: Duration| cases as f64 / time.as_secs_f64();
    println!("{cases} generated cases, {affected} affected by the amendment");
    println!(
        "single run (one version, JSON rendered): {:.2} s, {:.0} cases per second",
        single.as_secs_f64(),
        rate(single)
    );
    println!(
        "two versions compared:                  {:.2} s, {:.0} cases per second",
        both.as_secs_f64(),
        rate(both)
    );
    println!(
        "ratio, compared / single run: {:.2}",
        both.as_secs_f64() / single.as_secs_f64()
    );
}
