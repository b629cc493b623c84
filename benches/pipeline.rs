//! Parse, compile and check throughput on a generated 10,000-step procedure.
//!
//! Run with `cargo bench --bench pipeline`. Prints the best of several runs for each stage, so
//! a busy machine shows its least disturbed figure.
#![allow(
    clippy::indexing_slicing,
    reason = "test and bench code: a bad index fails the run, as it should"
)]
#![allow(
    clippy::expect_used,
    reason = "a bench stops loudly when its own input is wrong"
)]

use std::time::{Duration, Instant};

use waymark_check::CheckOptions;
use waymark_diagnostics::{FileId, RenderOptions, Sources, render_human};

const STEPS: usize = 10_000;
const RUNS: usize = 15;

fn best_of<T>(runs: usize, mut work: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut last = None;
    for _ in 0..runs {
        let start = Instant::now();
        let value = work();
        best = best.min(start.elapsed());
        last = Some(value);
    }
    (best, last.expect("at least one run"))
}

/// The generated procedure with every 50th line broken, so the parser has plenty to report.
fn with_mistakes(text: &str) -> String {
    text.lines()
        .enumerate()
        .map(|(index, line)| {
            if index % 50 == 49 {
                format!("stpe {line}")
            } else {
                line.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn main() {
    let text = waymark_syntax::generate_procedure(STEPS);
    let lines = text.lines().count();
    let mb = text.len() as f64 / 1e6;
    println!("generated procedure: {STEPS} steps, {lines} lines, {mb:.2} MB");

    let (parse, parsed) = best_of(RUNS, || waymark_syntax::parse(FileId(0), &text));
    assert!(parsed.diagnostics.is_empty());
    let rate = lines as f64 / parse.as_secs_f64();
    println!(
        "parse:                      {:>8.2} ms  ({:.1} million lines/s)",
        ms(parse),
        rate / 1e6
    );

    let broken = with_mistakes(&text);
    let mut sources = Sources::new();
    sources.add("generated.wm", broken.clone());
    let (diagnose, reported) = best_of(RUNS, || {
        let parsed = waymark_syntax::parse(FileId(0), &broken);
        let rendered = render_human(&parsed.diagnostics, &sources, RenderOptions::default());
        (parsed.diagnostics.len(), rendered.len())
    });
    println!(
        "parse + diagnose (rendered): {:>7.2} ms  ({} diagnostics rendered)",
        ms(diagnose),
        reported.0
    );

    let (compile, compiled) = best_of(RUNS, || {
        let parsed = waymark_syntax::parse(FileId(0), &text);
        waymark_compile::compile(parsed.document, &mut waymark_compile::NoFiles)
    });
    let procedure = compiled
        .procedure
        .expect("the generated procedure compiles");
    println!(
        "parse + compile:            {:>8.2} ms  ({} nodes, {} edges)",
        ms(compile),
        procedure.graph.size().0,
        procedure.graph.size().1
    );

    let (check, diagnostics) = best_of(RUNS, || {
        waymark_check::check(&procedure, &CheckOptions::default())
    });
    assert!(diagnostics.is_empty());
    println!("check (compiled model):     {:>8.2} ms", ms(check));

    let (all, checked) = best_of(RUNS, || {
        waymark_check::check_text(
            FileId(0),
            &text,
            &mut waymark_compile::NoFiles,
            &CheckOptions::default(),
        )
    });
    assert!(checked.diagnostics.is_empty());
    println!("parse + compile + check:    {:>8.2} ms", ms(all));
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e3
}
