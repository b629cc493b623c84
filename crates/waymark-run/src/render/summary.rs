//! The caseload summary: per step, how many rows had each status, and the share on time.
//! Counts only, so batches run on different threads add up to the same figures.
#![allow(
    clippy::indexing_slicing,
    reason = "statuses and states index lists with one entry for each of their kinds"
)]

use super::table::Paint;
use super::text::{date_text, push_csv_field, push_json_string};
use crate::plan::Plan;
use crate::report::{CaseResult, DeviationKind, State, Status};
use chrono::NaiveDate;
use std::fmt::Write;

/// Counts over a caseload.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Per step (by step id): rows of each status, in [`Status::ALL`] order.
    steps: Vec<[u64; STATUSES]>,
    /// Cases in each state, in [`State::ALL`] order.
    states: [u64; State::ALL.len()],
    /// Cases with each kind of deviation, in [`DeviationKind::ALL`] order.
    deviations: [u64; DeviationKind::ALL.len()],
    /// Cases run whose records all fit the procedure.
    fitting: u64,
    bad: u64,
    ignored: u64,
    /// The procedure's `effective` date, and the cases whose first record is dated before it:
    /// their early steps were done under the rules in force before this version.
    effective: Option<NaiveDate>,
    before_effective: u64,
    /// The lines of cases whose id repeats an earlier case's (found when a file is streamed).
    pub repeated_ids: Vec<usize>,
}

const STATUSES: usize = Status::ALL.len();

/// One step's line of the summary.
#[derive(Clone, Debug, PartialEq)]
pub struct StepSummary<'p> {
    pub step: &'p str,
    pub counts: [u64; STATUSES],
    /// Met among those whose deadline has been settled: met, late and overdue. `None` if none.
    pub on_time: Option<f64>,
}

impl Summary {
    pub fn new(plan: &Plan) -> Summary {
        Summary {
            steps: vec![[0; STATUSES]; plan.procedure.steps.len()],
            effective: plan.procedure.effective,
            ..Summary::default()
        }
    }

    pub fn add(&mut self, outcome: &CaseResult) {
        self.add_counting(outcome, true);
    }

    /// [`Summary::add`], counting each step's statuses only when `steps` is set: a run that
    /// prints no summary needs only the case counts, and counting the rows of every case cost
    /// about 1% of a large run.
    pub fn add_counting(&mut self, outcome: &CaseResult, steps: bool) {
        let report = match outcome {
            CaseResult::Bad(_) => {
                self.bad += 1;
                return;
            }
            CaseResult::Ran(report) => report,
        };
        let state = State::ALL
            .iter()
            .position(|s| *s == report.state)
            .unwrap_or(0);
        self.states[state] += 1;
        self.ignored += report.ignored_after_as_of as u64;
        // A case not begun by the as-of date has no rows to count, and no records to fit.
        if report.state == State::NotStarted {
            return;
        }
        if let Some(effective) = self.effective {
            self.before_effective += u64::from(began_before(report, effective));
        }
        self.fitting += u64::from(report.deviations.is_empty());
        for (count, kind) in self.deviations.iter_mut().zip(DeviationKind::ALL) {
            *count += u64::from(report.deviations.iter().any(|d| d.kind == kind));
        }
        if !steps {
            return;
        }
        for row in &report.rows {
            // `Status::ALL` lists the statuses in declaration order (a test in plan.rs checks).
            if let Some(counts) = self.steps.get_mut(row.step.0 as usize) {
                counts[row.status as usize] += 1;
            }
        }
    }

    pub fn merge(&mut self, other: &Summary) {
        if self.steps.len() < other.steps.len() {
            self.steps.resize(other.steps.len(), [0; STATUSES]);
        }
        for (mine, theirs) in self.steps.iter_mut().zip(&other.steps) {
            for (a, b) in mine.iter_mut().zip(theirs) {
                *a += b;
            }
        }
        for (a, b) in self.states.iter_mut().zip(other.states) {
            *a += b;
        }
        for (a, b) in self.deviations.iter_mut().zip(other.deviations) {
            *a += b;
        }
        self.fitting += other.fitting;
        self.before_effective += other.before_effective;
        self.effective = self.effective.or(other.effective);
        self.bad += other.bad;
        self.ignored += other.ignored;
        self.repeated_ids.extend(&other.repeated_ids);
    }

    /// Cases run (not bad) that had begun by the as-of date.
    fn ran(&self) -> u64 {
        let [open, closed, left, _not_started] = self.states;
        open + closed + left
    }

    /// The share of cases run whose records all fit, or `None` when none ran.
    pub fn fit_share(&self) -> Option<f64> {
        let ran = self.ran();
        (ran > 0).then(|| self.fitting as f64 / ran as f64)
    }

    /// How many cases show each kind of deviation.
    pub fn deviation_cases(&self) -> impl Iterator<Item = (DeviationKind, u64)> + '_ {
        DeviationKind::ALL.into_iter().zip(self.deviations)
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
                let [met, late, _, overdue, _, _, _, _] = counts;
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
            ",\"bad\":{},\"ignored_after_as_of\":{},\"began_before_effective\":{},\"fitting\":{}",
            self.bad, self.ignored, self.before_effective, self.fitting
        );
        match self.fit_share() {
            Some(share) => {
                let _ = write!(out, ",\"fit\":{share:.4}");
            }
            None => out.push_str(",\"fit\":null"),
        }
        out.push_str(",\"deviations\":{");
        for (index, (kind, count)) in self.deviation_cases().enumerate() {
            if index > 0 {
                out.push(',');
            }
            let _ = write!(out, "\"{}\":{count}", kind.word());
        }
        out.push_str("}},\"steps\":[");
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

    /// How many cases fit, and how many show each kind of deviation.
    fn fit_lines(&self, colour: bool, out: &mut String) {
        let paint = Paint { colour };
        let Some(share) = self.fit_share() else {
            return;
        };
        let _ = writeln!(
            out,
            "{}: {} of {} ({:.1}%) {} records that all fit the procedure",
            paint.wrap("1", "Fit"),
            self.fitting,
            cases(self.ran()),
            share * 100.0,
            if self.fitting == 1 { "has" } else { "have" }
        );
        for (kind, count) in self.deviation_cases().filter(|(_, count)| *count > 0) {
            let _ = writeln!(out, "  {:<12}  {}", kind.word(), cases(count));
        }
    }

    /// The summary as a table for the terminal.
    /// The cases in words: "4 cases (3 closed, 1 open, 0 left, 0 not run for bad data)".
    pub fn caseload_text(&self) -> String {
        let [open, closed, left, not_started] = self.states;
        // Said only when there are some: most runs are as of today.
        let not_started = match not_started {
            0 => String::new(),
            n => format!(", {n} not started by then"),
        };
        format!(
            "{} ({closed} closed, {open} open, {left} left{not_started}, {} not run for bad data)",
            cases(self.cases()),
            self.bad
        )
    }

    pub fn to_table(&self, plan: &Plan, as_of: NaiveDate, colour: bool) -> String {
        let paint = Paint { colour };
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{} as of {}: {}",
            paint.wrap("1", "Summary"),
            date_text(as_of),
            self.caseload_text()
        );
        if let (Some(effective), 1..) = (self.effective, self.before_effective) {
            let _ = writeln!(
                out,
                "{} began before this version took effect on {}: {} judged by its rules \
                 throughout",
                cases(self.before_effective),
                date_text(effective),
                if self.before_effective == 1 {
                    "it is"
                } else {
                    "they are"
                }
            );
        }
        if self.ignored > 0 {
            let _ = writeln!(
                out,
                "{} event(s) dated after the as-of date were ignored",
                self.ignored
            );
        }
        self.fit_lines(colour, &mut out);
        let lines = self.steps(plan);
        if lines.is_empty() {
            // No case had begun (or every one was bad): no step has a row to count.
            return out;
        }
        let width = super::name_width(plan);
        let _ = writeln!(
            out,
            "  {:<width$}  {:>7}  {:>7}  {:>7}  {:>7}  {:>7}  {:>7}  {:>7}  {:>7}  {:>7}",
            "step",
            "met",
            "late",
            "pending",
            "overdue",
            "not rec",
            "waived",
            "n/a",
            "not need",
            "on time"
        );
        for line in lines {
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

/// Whether a case's first record (dated, whether or not after the as-of date) is before
/// `effective`.
pub(crate) fn began_before(report: &crate::report::CaseReport, effective: NaiveDate) -> bool {
    (report.case.events.iter())
        .filter_map(|event| event.on)
        .any(|on| on.date < effective)
}

/// `1 case`, `2 cases`.
fn cases(count: u64) -> String {
    match count {
        1 => "1 case".to_string(),
        n => format!("{n} cases"),
    }
}
