//! `waymark run` throughput: 1,000,000 generated cases from JSON Lines to JSON Lines.
//!
//! Run with `cargo bench --bench caseload` (`-- 200000` for fewer cases). The cases are
//! generated (seeded, so always the same) into a file in the system temp folder first; then
//! the timed part reads that file in blocks, runs each block on every core and writes JSON
//! Lines to another file, exactly as `waymark run --format json -o FILE` does (the same
//! streaming function and the same file writer, synced and renamed into place at the end).
//! The timed part runs three times; each run is printed, and the middle one is the figure.
//! Prints cases per second and the peak resident memory of the whole process (VmHWM). Add `null` to write
//! to /dev/null instead (no file-system cost), or `phases` for the time per case of reading,
//! running and rendering on one thread; `keep` keeps the generated cases (to time the `waymark`
//! binary on them).
#![allow(
    clippy::indexing_slicing,
    reason = "test and bench code: a bad index fails the run, as it should"
)]
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "a bench stops loudly when its own input is wrong"
)]

use std::io::{BufWriter, Write};
use std::path::Path;
use std::time::Instant;
use waymark_run::{Format, Plan, RunOptions, Summary};

const CASES: u64 = 1_000_000;
const SEED: u64 = 2026;
/// Timed runs; the figure given is the middle one.
const RUNS: usize = 3;
/// Seconds between timed runs (see `settle`).
const SETTLE_SECONDS: u64 = 5;

mod shared;

fn main() {
    let cases: u64 = std::env::args()
        .skip(1)
        .find_map(|arg| arg.parse().ok())
        .unwrap_or(CASES);
    let path = "procedures/assessment.wm";
    let procedure = shared::compile(path);
    let calendar = waymark_calendar::default_calendar();
    let plan = Plan::new(&procedure, calendar);

    let folder = std::env::temp_dir().join(format!("waymark-caseload-{}", std::process::id()));
    std::fs::create_dir_all(&folder).unwrap();
    let input = folder.join("cases.jsonl");
    let output = folder.join("report.jsonl");
    let generating = Instant::now();
    generate(&plan, cases, &input);
    let size = std::fs::metadata(&input).unwrap().len();
    println!(
        "generated {cases} cases ({:.0} MB) in {:.1} s",
        size as f64 / 1e6,
        generating.elapsed().as_secs_f64()
    );

    if std::env::args().any(|arg| arg == "phases") {
        phases(&plan, &input);
        std::fs::remove_dir_all(&folder).unwrap();
        return;
    }
    let to_null = std::env::args().any(|arg| arg == "null");
    let output = match to_null {
        true => Path::new("/dev/null").to_path_buf(),
        false => output,
    };
    let generation_peak = peak_memory();
    // The same run a few times, each from the file on disk to a new report: one run can meet
    // other work on the machine, so the figure given is the middle one.
    let mut timings = Vec::new();
    // Each run's peak of resident memory, and what was resident as it began: memory the
    // generator or the runs before left to the allocator for reuse, which `waymark run` itself
    // never has. The first run's is the figure: later runs start with more left over.
    let mut peaks = Vec::new();
    for round in 1..=RUNS {
        if round > 1 {
            settle(&output);
        }
        let reset = reset_peak_memory();
        let resident_before = kilobytes("VmRSS");
        let start = Instant::now();
        let cpu_before = cpu_seconds();
        let (summary, written) = run(&plan, &input, &output);
        let seconds = start.elapsed().as_secs_f64();
        let cpu_after = cpu_seconds();
        assert_eq!(summary.cases(), cases);
        assert_eq!(summary.bad(), 0, "generated cases are all good");
        let peak = kilobytes("VmHWM");
        println!(
            "run {round} of {RUNS}: {seconds:.2} s, {:.0} cases per second; processor time {:.2} s in the program, {:.2} s in the kernel (reading and writing files); peak resident memory {peak} kB, {resident_before} kB resident before",
            cases as f64 / seconds,
            cpu_after.0 - cpu_before.0,
            cpu_after.1 - cpu_before.1
        );
        timings.push((seconds, written));
        if reset {
            peaks.push((peak, resident_before));
        }
    }
    timings.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (seconds, written) = timings[timings.len() / 2];
    println!(
        "ran {cases} cases in {seconds:.2} s: {:.0} cases per second, the middle of {RUNS} runs ({:.0} MB in, {:.0} MB out, {} threads)",
        cases as f64 / seconds,
        size as f64 / 1e6,
        written as f64 / 1e6,
        rayon_threads()
    );
    match peaks.first() {
        Some((peak, before)) => println!(
            "peak resident memory (VmHWM) of the first run: {peak} kB, of which {before} kB was resident before it began (of generating the cases: {generation_peak})"
        ),
        None => println!(
            "peak resident memory (VmHWM), generating and running: {}",
            peak_memory()
        ),
    }
    if std::env::args().any(|arg| arg == "keep") {
        std::fs::remove_file(folder.join("report.jsonl")).ok();
        println!("kept the cases in {}", input.display());
    } else {
        std::fs::remove_dir_all(&folder).unwrap();
    }
}

/// Lets the disk finish with the last run before the next begins, as it has finished with the
/// generated cases before the first: the last report is removed, and the machine's disk given
/// a few seconds to write out what it still holds. (Back to back, the second and third runs
/// waited on the disk for a fifth of their time, writing while the first run's report was
/// still going out.)
fn settle(output: &Path) {
    if output != Path::new("/dev/null") {
        std::fs::remove_file(output).ok();
    }
    std::thread::sleep(std::time::Duration::from_secs(SETTLE_SECONDS));
}

/// Writes `cases` generated cases, a block at a time on every core.
fn generate(plan: &Plan, cases: u64, path: &Path) {
    let mut out = BufWriter::new(std::fs::File::create(path).unwrap());
    let block = 50_000;
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get()) as u64;
    let mut first = 0;
    while first < cases {
        let count = block.min(cases - first);
        let share = count.div_ceil(threads);
        let parts: Vec<String> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..threads)
                .map(|t| {
                    let from = first + (t * share).min(count);
                    let to = first + ((t + 1) * share).min(count);
                    scope.spawn(move || waymark_run::generate::cases(plan, SEED, from, to - from))
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        for part in parts {
            out.write_all(part.as_bytes()).unwrap();
        }
        first += count;
    }
    // On disk before the run, as a real export would be: otherwise the kernel writes the new
    // file out during the run, on the same two cores.
    out.into_inner().unwrap().sync_all().unwrap();
}

/// What `waymark run --format json -o FILE` does: the same streaming function, reading the
/// file and writing the report through a buffer.
fn run(plan: &Plan, input: &Path, output: &Path) -> (Summary, u64) {
    let options = RunOptions {
        as_of: waymark_calendar::parse_date("2026-06-30").unwrap(),
        format: Format::Json,
        summary_only: false,
        reading: waymark_run::Reading::Replay,
    };
    // As `run` reads a case file: a large one straight from the disk.
    let (mut reader, size) = waymark_cli::open_case_file(input).unwrap();
    // As `-o FILE` writes: a temporary file, large chunks straight to the disk, synced and
    // renamed into place at the end. (Small buffer: the parts are large and go straight on.)
    let file = waymark_cli::WholeFile::create(output).unwrap();
    let mut writer = BufWriter::with_capacity(64 << 10, file);
    let mut written = 0u64;
    let summary = waymark_run::stream::run_json_lines(
        plan,
        options,
        &mut reader,
        size,
        &mut |bytes| {
            written += bytes.len() as u64;
            writer.write_all(bytes)
        },
        &mut |_, _| {},
    )
    .unwrap();
    let file = writer.into_inner().map_err(|e| e.into_error()).unwrap();
    file.commit().unwrap();
    (summary, written)
}

/// One thread, the first 50,000 cases: the time per case of each phase.
fn phases(plan: &Plan, input: &Path) {
    let as_of = waymark_calendar::parse_date("2026-06-30").unwrap();
    let text = std::fs::read_to_string(input).unwrap();
    let lines: Vec<&str> = text.lines().take(50_000).collect();
    let per_case = |start: Instant| start.elapsed().as_secs_f64() * 1e6 / lines.len() as f64;
    let start = Instant::now();
    let cases: Vec<_> = lines
        .iter()
        .enumerate()
        .map(|(i, line)| waymark_run::parse_json_line(plan, i + 1, line).unwrap())
        .collect();
    let parse = per_case(start);
    let start = Instant::now();
    let reports: Vec<_> = cases
        .into_iter()
        .map(|case| waymark_run::CaseResult::Ran(waymark_run::run_case(plan, case, as_of)))
        .collect();
    let interpret = per_case(start);
    let start = Instant::now();
    let printer = waymark_run::render::Printer::new(plan);
    let mut out = String::new();
    for report in &reports {
        printer.render(report, Format::Json, as_of, &mut out);
    }
    let render = per_case(start);
    println!(
        "one thread, per case: parse {parse:.2} us, run {interpret:.2} us, render {render:.2} us \
         ({} bytes of JSON per case)",
        out.len() / lines.len()
    );
}

fn rayon_threads() -> usize {
    std::env::var("RAYON_NUM_THREADS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// User and system processor seconds of the whole process so far (from /proc, in clock ticks
/// of 1/100 s), so that the figures can be read apart from other load on the machine.
fn cpu_seconds() -> (f64, f64) {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or("", |(_, rest)| rest)
        .split_whitespace()
        .collect();
    let ticks = |index: usize| {
        fields
            .get(index)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) / 100.0, ticks(12) / 100.0)
}

/// Resets the peak resident memory to what is resident now (Linux: `5` into
/// `/proc/self/clear_refs`), so the figure after it is the run's own, not the generator's.
fn reset_peak_memory() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

fn peak_memory() -> String {
    memory_figure("VmHWM")
}

/// A figure of `/proc/self/status` in kB (0 where it cannot be read).
fn kilobytes(name: &str) -> u64 {
    let figure = memory_figure(name);
    figure.trim_end_matches("kB").trim().parse().unwrap_or(0)
}

/// A figure of `/proc/self/status`, such as `VmHWM` (peak resident) or `VmRSS` (resident).
fn memory_figure(name: &str) -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix(name)?.strip_prefix(':'))
                .map(|figure| figure.trim().to_string())
        })
        .unwrap_or_else(|| "unknown (no /proc/self/status)".to_string())
}
