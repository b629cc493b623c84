//! `waymark run` on a national-size Children in Need census: 650,000 episodes.
//!
//! Run with `cargo bench --bench census` (`-- 100000` for fewer episodes). The census is
//! written first from generated cases (seeded, so always the same; one child and one episode
//! per case, through the shipped mapping read backwards) into a file in the system temp folder;
//! then the timed part runs the real `waymark` binary on it, exactly as an analyst would:
//! `waymark run procedures/assessment.wm census.xml --format json -o FILE`, read as a stream,
//! every case run on both cores, written to a file; then the same reading alone (`waymark import
//! cin-census` to /dev/null) and reading and running without writing (`--summary`). Prints
//! episodes per second and the peak resident memory of the binary (GNU time's maximum resident
//! set size, when /usr/bin/time is there). `keep` keeps the census file.
#![allow(
    clippy::indexing_slicing,
    reason = "test and bench code: a bad index fails the run, as it should"
)]
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "a bench stops loudly when its own input is wrong"
)]

use std::process::Command;
use std::time::Instant;
use waymark_run::Plan;

const EPISODES: u64 = 650_000;
const SEED: u64 = 2027;

mod shared;

fn main() {
    let episodes: u64 = std::env::args()
        .skip(1)
        .find_map(|arg| arg.parse().ok())
        .unwrap_or(EPISODES);
    let procedure = shared::compile("procedures/assessment.wm");
    let plan = Plan::new(&procedure, waymark_calendar::default_calendar());
    let (_, text) = waymark_census::mapping::shipped("assessment").unwrap();
    let mut sources = waymark_diagnostics::Sources::new();
    let file = sources.add("assessment.toml", text);
    let mapping = waymark_census::Mapping::parse(file, text).unwrap();
    let reference = chrono::NaiveDate::from_ymd_opt(2026, 3, 31).unwrap();

    let folder = std::env::temp_dir().join(format!("waymark-census-{}", std::process::id()));
    std::fs::create_dir_all(&folder).unwrap();
    let census = folder.join("census.xml");
    let output = folder.join("report.jsonl");
    let mut xml = String::new();
    waymark_census::write::write_start(&mut xml, reference);
    let mut written = 0u64;
    let mut index = 0u64;
    let mut lines = String::new();
    while written < episodes {
        lines.clear();
        waymark_run::generate::case_line(&plan, SEED, index, &mut lines);
        index += 1;
        let Ok(case) = waymark_run::parse_json_line(&plan, 1, lines.trim_end()) else {
            continue;
        };
        let child = waymark_census::write::child_of_case(&plan, &mapping, &case, reference);
        if child
            .episodes
            .iter()
            .all(|e| e.fields.iter().any(|(n, _)| *n == "CINreferralDate"))
        {
            waymark_census::write::write_child(&mut xml, &child);
            written += 1;
        }
    }
    waymark_census::write::write_end(&mut xml);
    std::fs::write(&census, &xml).unwrap();
    let size = xml.len();
    drop(xml);

    let mb = size as f64 / 1e6;
    println!("census: {episodes} episodes, {mb:.0} MB of XML");
    let census = census.to_string_lossy().into_owned();
    let output = output.to_string_lossy().into_owned();
    let runs: [(&str, Vec<&str>); 3] = [
        (
            "read and map (import to /dev/null)",
            vec!["import", "cin-census", &census, "-o", "/dev/null"],
        ),
        (
            "read and run (--summary)",
            vec!["run", "procedures/assessment.wm", &census, "--summary"],
        ),
        (
            "read, run and write JSON Lines (-o FILE)",
            vec![
                "run",
                "procedures/assessment.wm",
                &census,
                "--format",
                "json",
                "-o",
                &output,
            ],
        ),
    ];
    for (what, args) in runs {
        let (elapsed, peak) = time(&args);
        let written = std::fs::metadata(&output).map_or(0, |m| m.len());
        println!(
            "  {what}: {elapsed:.2} s ({:.0} episodes per second), peak resident memory {peak}{}",
            episodes as f64 / elapsed,
            match args.contains(&"json") {
                true => format!(", {:.0} MB written", written as f64 / 1e6),
                false => String::new(),
            }
        );
    }
    if std::env::args().any(|arg| arg == "keep") {
        println!("kept {census}");
        return;
    }
    std::fs::remove_dir_all(&folder).ok();
}

/// Runs the binary with these arguments: wall time, and peak resident memory and processor time
/// when GNU time is there to measure them (on a machine shared with other work, the processor
/// time says what the wall time cannot).
fn time(args: &[&str]) -> (f64, String) {
    let gnu_time = std::path::Path::new("/usr/bin/time").exists();
    let mut command = match gnu_time {
        true => {
            let mut command = Command::new("/usr/bin/time");
            command.args(["-f", "%M %U %S", env!("CARGO_BIN_EXE_waymark")]);
            command
        }
        false => Command::new(env!("CARGO_BIN_EXE_waymark")),
    };
    command.args(args).stdout(std::process::Stdio::null());
    let start = Instant::now();
    let result = command.output().unwrap();
    let elapsed = start.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(result.status.success(), "{stderr}");
    // GNU time's last line: peak resident kilobytes, user and system processor seconds.
    let measured: Vec<f64> = stderr
        .lines()
        .last()
        .map(|line| {
            line.split_whitespace()
                .filter_map(|n| n.parse().ok())
                .collect()
        })
        .unwrap_or_default();
    let peak = match measured[..] {
        [kb, user, system] => format!(
            "{} MB; processor time {user:.2} s in the program, {system:.2} s in the kernel",
            kb as u64 / 1024
        ),
        _ => "not measured".to_string(),
    };
    (elapsed, peak)
}
