//! The caseload summary: per step, how many rows had each status, and the share on time.
//! Counts only, so batches run on different threads add up to the same figures.

use crate::plan::Plan;
use crate::render::{Paint, date_text, push_csv_field, push_json_string};
use crate::report::{Outcome, State, Status};
use chrono::NaiveDate;
use std::fmt::Write;

/// Counts over a caseload.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Per step (by step id): rows of each status, in [`Status::ALL`] order.
    steps: Vec<[u64; 6]>,
    /// Cases in each state, in [`State::ALL`] order.
    states: [u64; 3],
    bad: u64,
    ignored: u64,
}

/// One step's line of the summary.
#[derive(Clone, Debug, PartialEq)]
pub struct StepSummary<'p> {
    pub step: &'p str,
    pub counts: [u64; 6],
    /// Met among those whose deadline has been settled: met, late and overdue. `None` if none.
    pub on_time: Option<f64>,
}

impl Summary {
    pub fn new(plan: &Plan) -> Summary {
        Summary {
            steps: vec![[0; 6]; plan.procedure.steps.len()],
            ..Summary::default()
        }
    }

    pub fn add(&mut self, outcome: &Outcome) {
        let report = match outcome {
            Outcome::Bad(_) => {
                self.bad += 1;
                return;
            }
            Outcome::Ran(report) => report,
        };
        let state = State::ALL
            .iter()
            .position(|s| *s == report.state)
            .unwrap_or(0);
        self.states[state] += 1;
        self.ignored += report.ignored_after_as_of as u64;
        for row in &report.rows {
            // `Status::ALL` lists the statuses in declaration order (a test in plan.rs checks).
            if let Some(counts) = self.steps.get_mut(row.step.0 as usize) {
                counts[row.status as usize] += 1;
            }
        }
    }

    pub fn merge(&mut self, other: &Summary) {
        if self.steps.len() < other.steps.len() {
            self.steps.resize(other.steps.len(), [0; 6]);
        }
        for (mine, theirs) in self.steps.iter_mut().zip(&other.steps) {
            for (a, b) in mine.iter_mut().zip(theirs) {
                *a += b;
            }
        }
        for (a, b) in self.states.iter_mut().zip(other.states) {
            *a += b;
        }
        self.bad += other.bad;
        self.ignored += other.ignored;
    }

    pub fn cases(&self) -> u64 {
        self.states.iter().sum::<u64>() + self.bad
    }

    pub fn bad(&self) -> u64 {
        self.bad
    }

    /// The steps that had rows, least on time first (steps with nothing settled last); ties in
    /// declaration order.
    pub fn steps<'p>(&self, plan: &Plan<'p>) -> Vec<StepSummary<'p>> {
        let mut lines: Vec<StepSummary<'p>> = plan
            .row_steps()
            .iter()
            .filter_map(|id| {
                let counts = *self.steps.get(id.0 as usize)?;
                if counts.iter().all(|n| *n == 0) {
                    return None;
                }
                let [met, late, _, overdue, _, _] = counts;
                let settled = met + late + overdue;
                let on_time = (settled > 0).then(|| met as f64 / settled as f64);
                Some(StepSummary {
                    step: plan.procedure.step(*id).id.as_str(),
                    counts,
                    on_time,
                })
            })
            .collect();
        // A stable sort keeps declaration order among equal shares.
        lines.sort_by(|a, b| match (a.on_time, b.on_time) {
            (Some(x), Some(y)) => x.total_cmp(&y),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        });
        lines
    }

    /// The summary as one JSON object (and a newline).
    pub fn to_json(&self, plan: &Plan, as_of: NaiveDate) -> String {
        let mut out = String::from("{\"summary\":{\"as_of\":\"");
        out.push_str(&date_text(as_of));
        let _ = write!(out, "\",\"cases\":{}", self.cases());
        for (state, count) in State::ALL.iter().zip(self.states) {
            let _ = write!(out, ",\"{}\":{count}", state.word());
        }
        let _ = write!(
            out,
            ",\"bad\":{},\"ignored_after_as_of\":{}}},\"steps\":[",
            self.bad, self.ignored
        );
        for (index, line) in self.steps(plan).iter().enumerate() {
            if index > 0 {
                out.push(',');
            }
            out.push_str("{\"step\":");
            push_json_string(&mut out, line.step);
            for (status, count) in Status::ALL.iter().zip(line.counts) {
                let _ = write!(out, ",\"{}\":{count}", status.word());
            }
            match line.on_time {
                Some(share) => {
                    let _ = write!(out, ",\"on_time\":{share:.4}}}");
                }
                None => out.push_str(",\"on_time\":null}"),
            }
        }
        out.push_str("]}\n");
        out
    }

    /// The summary as CSV: a header and a row per step.
    pub fn to_csv(&self, plan: &Plan) -> String {
        let mut out = String::from("step");
        for status in Status::ALL {
            out.push(',');
            out.push_str(status.word());
        }
        out.push_str(",on_time\n");
        for line in self.steps(plan) {
            push_csv_field(&mut out, line.step);
            for count in line.counts {
                let _ = write!(out, ",{count}");
            }
            match line.on_time {
                Some(share) => {
                    let _ = writeln!(out, ",{share:.4}");
                }
                None => out.push_str(",\n"),
            }
        }
        out
    }

    /// The summary as a table for the terminal.
    pub fn to_table(&self, plan: &Plan, as_of: NaiveDate, colour: bool) -> String {
        let paint = Paint { colour };
        let mut out = String::new();
        let [open, closed, left] = self.states;
        let _ = writeln!(
            out,
            "{} as of {}: {} cases ({closed} closed, {open} open, {left} left, {} not run for bad data)",
            paint.wrap("1", "Summary"),
            date_text(as_of),
            self.cases(),
            self.bad
        );
        if self.ignored > 0 {
            let _ = writeln!(
                out,
                "{} event(s) dated after the as-of date were ignored",
                self.ignored
            );
        }
        let width = plan.name_width();
        let _ = writeln!(
            out,
            "  {:<width$}  {:>7}  {:>7}  {:>7}  {:>7}  {:>7}  {:>7}  {:>7}",
            "step", "met", "late", "pending", "overdue", "waived", "n/a", "on time"
        );
        for line in self.steps(plan) {
            let mut text = format!("  {:<width$}", line.step);
            for count in line.counts {
                let _ = write!(text, "  {count:>7}");
            }
            let share = line
                .on_time
                .map_or_else(|| "-".to_string(), |s| format!("{:.1}%", s * 100.0));
            let _ = writeln!(text, "  {share:>7}");
            out.push_str(&text);
        }
        out
    }
}
