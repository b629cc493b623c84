//! How many working-day additions one core does per second, using the built-in England and Wales
//! calendar. Run with:
//!
//! ```sh
//! cargo bench -p waymark-calendar --bench add_working_days
//! ```
//!
//! A plain timing loop (no benchmark framework): a million random (date, n) pairs from
//! 2000-2090 with n from -60 to 60 working days, added ten times over, best of five runs.
#![allow(
    clippy::indexing_slicing,
    reason = "test and bench code: a bad index fails the run, as it should"
)]

use chrono::{Days, NaiveDate};
use std::hint::black_box;
use std::time::Instant;
use waymark_calendar::{Calendar, default_calendar};

const PAIRS: usize = 1_000_000;
const ROUNDS: usize = 10;
const RUNS: usize = 5;

/// A small xorshift generator: the same pairs every run, no dependency.
struct Random(u64);

impl Random {
    fn below(&mut self, limit: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % limit
    }
}

fn pairs() -> Vec<(NaiveDate, i64)> {
    let start = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default();
    let mut random = Random(0x5eed_1234_abcd_9876);
    (0..PAIRS)
        .map(|_| {
            let date = start
                .checked_add_days(Days::new(random.below(91 * 365)))
                .unwrap_or(start);
            (date, random.below(121) as i64 - 60)
        })
        .collect()
}

/// Operations per second for the best of several runs of `operation` over every pair.
fn measure(pairs: &[(NaiveDate, i64)], operation: impl Fn(NaiveDate, i64) -> i64) -> f64 {
    let mut best = f64::MAX;
    for _ in 0..RUNS {
        let started = Instant::now();
        let mut checksum = 0i64;
        for _ in 0..ROUNDS {
            for (date, n) in pairs {
                checksum = checksum.wrapping_add(operation(black_box(*date), black_box(*n)));
            }
        }
        black_box(checksum);
        best = best.min(started.elapsed().as_secs_f64());
    }
    (PAIRS * ROUNDS) as f64 / best
}

fn report(name: &str, per_second: f64) {
    println!(
        "{name:<22} {:>7.1} million per second ({:.1} ns each)",
        per_second / 1e6,
        1e9 / per_second
    );
}

fn main() {
    let calendar: &Calendar = default_calendar();
    let pairs = pairs();
    println!(
        "calendar {}, {PAIRS} random pairs x {ROUNDS} rounds, best of {RUNS} runs, one thread",
        calendar.name()
    );
    let add = measure(&pairs, |date, n| {
        calendar
            .add_working_days(date, n)
            .map_or(0, |due| i64::from(due.to_epoch_days()))
    });
    report("add_working_days", add);
    let between = measure(&pairs, |date, n| {
        let to = date
            .checked_add_days(Days::new(n.unsigned_abs()))
            .unwrap_or(date);
        calendar.working_days_between(date, to).unwrap_or(0)
    });
    report("working_days_between", between);
}
