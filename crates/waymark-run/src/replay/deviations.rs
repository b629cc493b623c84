//! What in a case's records does not fit its procedure. Each record is judged once, in this
//! order: after the case closed (`after_end`), a second record of a step done once, or a
//! duplicate of a record of recurring work or of a step that may repeat (`repeated`: the same
//! step at the same moment), off the path the case took (`unexpected`), or out of
//! the procedure's order (`out_of_order`). Then each gap on the path (`not_recorded`).
//!
//! Out of order is decided as an alignment would: among the records on the path, the fewest
//! are marked so that the rest keep the procedure's order. A plan typed up the day after the
//! visit it planned marks the plan, not the visit and every record after it.
#![allow(
    clippy::indexing_slicing,
    reason = "step ids index per-step lists sized to the procedure's steps, and record and event indexes were made from this case's own lists"
)]

use super::Replay;
use super::records::Record;
use crate::plan::Kind;
use crate::report::{Deviation, DeviationKind};
use waymark_compile::{Clock, StepIndex, StepKind};

impl Replay<'_, '_> {
    pub(super) fn find_deviations(&mut self) {
        let mut in_order = std::mem::take(&mut self.record_list);
        in_order.clear();
        // The records are the case's, not the replay's: read in place, not by index.
        let records = self.records;
        for (index, &record) in records.iter().enumerate() {
            let shape = self.shape(record.step);
            let repeats = shape.repeats;
            let once = !repeats && shape.kind != Kind::Recurring;
            let later = self.state(record.step).first.get() != Some(index as u32);
            let again = match once {
                true => later,
                false => self.is_duplicate(index),
            };
            if again {
                let kind = match self.is_after_end(record) {
                    true => DeviationKind::AfterEnd,
                    false => DeviationKind::Repeated,
                };
                self.note(index, kind, Vec::new(), false);
                continue;
            }
            match self.judge_record(record) {
                Some((kind, expected)) => self.note(index, kind, expected, false),
                // A further occurrence of a step that may repeat comes after the steps its
                // first occurrence led to: only the first is put in the procedure's order.
                None if later && repeats => {}
                // Work due before each occurrence is paired with occurrences instead
                // (`each.rs`): its records are not put in the procedure's order.
                None if shape.each_of.is_some() => {}
                // A task, decision or end on the path.
                None if shape.kind.is_on_the_way() && self.state(record.step).on_path => {
                    in_order.push(index as u32);
                }
                None => {}
            }
        }
        self.find_out_of_order(&in_order);
        self.record_list = in_order;
        if !self.plan.each.is_empty() {
            self.each_deviations();
        }
        // By day, then in the order the records of a day apply (the procedure's): the same
        // list whether the case came as one JSON line or as CSV rows with lines of their own.
        let plan = self.plan;
        self.deviations.sort_by_key(|deviation| {
            (
                deviation.on.map(|on| on.date),
                plan.rank(deviation.step),
                deviation.line,
                deviation.kind,
            )
        });
    }

    /// Whether a record is dated after the day the case reached an end.
    fn is_after_end(&self, record: Record) -> bool {
        self.end
            .is_some_and(|(_, closed)| record.on.date > closed.date)
    }

    /// What is wrong with a (first) record on its own, if anything: after the end, off the
    /// path, or (for checkpoints and recurring work) before its clock.
    fn judge_record(&self, record: Record) -> Option<(DeviationKind, Vec<StepIndex>)> {
        if self.is_after_end(record) {
            return Some((DeviationKind::AfterEnd, Vec::new()));
        }
        // By the plan's shape: the step itself is opened only for recurring work's details.
        match self.kind(record.step) {
            Kind::Task | Kind::Decision | Kind::End => (!self.state(record.step).on_path)
                .then(|| (DeviationKind::Unexpected, self.open_on(record.on))),
            Kind::Checkpoint => self.judge_checkpoint(record),
            Kind::Recurring => match &self.step(record.step).kind {
                StepKind::Recurring { during, .. } => self.judge_recurring(record, *during),
                _ => None,
            },
            Kind::Together | Kind::Join => None,
        }
    }

    /// A checkpoint occurrence belongs to a path with its clock step, after that step.
    fn judge_checkpoint(&self, record: Record) -> Option<(DeviationKind, Vec<StepIndex>)> {
        let (clock, started) = self
            .step(record.step)
            .deadlines
            .iter()
            .find_map(|deadline| match deadline.clock {
                Clock::AfterStep(clock) => Some((clock, self.state(clock).done)),
                Clock::AfterOutcome(clock, outcome) => {
                    Some((clock, self.first_decided(clock, outcome)))
                }
                _ => None,
            })?;
        if !self.on_or_possible(clock) {
            return Some((DeviationKind::Unexpected, self.open_on(record.on)));
        }
        started
            .is_some_and(|started| started.date > record.on.date)
            .then(|| (DeviationKind::OutOfOrder, vec![clock]))
    }

    /// Recurring work belongs to the time the case is at its step.
    fn judge_recurring(
        &self,
        record: Record,
        during: StepIndex,
    ) -> Option<(DeviationKind, Vec<StepIndex>)> {
        if !self.on_or_possible(during) {
            return Some((DeviationKind::Unexpected, self.open_on(record.on)));
        }
        if self
            .arrived_at(during)
            .is_none_or(|reached| reached.date > record.on.date)
        {
            return Some((DeviationKind::OutOfOrder, vec![during]));
        }
        self.state(during)
            .done
            .is_some_and(|ended| ended.date < record.on.date)
            .then(|| (DeviationKind::Unexpected, Vec::new()))
    }

    pub(super) fn note(
        &mut self,
        index: usize,
        kind: DeviationKind,
        expected: Vec<StepIndex>,
        after_later_steps: bool,
    ) {
        let record = self.records[index];
        self.misfits[index] = true;
        self.deviations.push(Deviation {
            kind,
            step: record.step,
            on: Some(record.on),
            line: Some(self.case.events[record.event].line),
            expected,
            shown_by: None,
            record: Some(record.event),
            after_later_steps,
        });
    }

    /// Marks the fewest records on the path out of order so that the rest keep the
    /// procedure's order. `records` are indexes into the records, in applied order.
    fn find_out_of_order(&mut self, records: &[u32]) {
        if !self.maybe_out_of_order || records.len() < 2 {
            return;
        }
        let pairs = self.pairs_out_of_order(records);
        let mut pairs: Vec<(u32, u32)> = pairs;
        // Greedy: the record in the most disorderly pairs goes first; on a tie, the later one
        // (a record typed up late is likelier than one dated early).
        while !pairs.is_empty() {
            let mut count = std::collections::BTreeMap::<u32, usize>::new();
            for &(earlier_step, later_step) in &pairs {
                *count.entry(earlier_step).or_default() += 1;
                *count.entry(later_step).or_default() += 1;
            }
            let Some((&worst, _)) = count.iter().max_by_key(|(record, n)| (**n, **record)) else {
                break;
            };
            let mut expected = Vec::new();
            let mut after_later_steps = false;
            for &(ahead, behind) in &pairs {
                if ahead == worst {
                    expected.push(self.records[behind as usize].step);
                    after_later_steps = true;
                } else if behind == worst {
                    expected.push(self.records[ahead as usize].step);
                }
            }
            let plan = self.plan;
            expected.sort_by_key(|step| plan.rank(*step));
            expected.dedup();
            self.note(
                worst as usize,
                DeviationKind::OutOfOrder,
                expected,
                after_later_steps,
            );
            pairs.retain(|&(ahead, behind)| ahead != worst && behind != worst);
        }
    }

    /// Every pair (ahead, behind) of records on the path where the step ahead was recorded on
    /// a later date than the step behind it.
    fn pairs_out_of_order(&self, records: &[u32]) -> Vec<(u32, u32)> {
        match records.len() <= 64 {
            true => self.pairs_out_of_order_as_bits(records),
            false => self.pairs_out_of_order_as_lists(records),
        }
    }

    /// [`Self::pairs_out_of_order`] for any number of records.
    fn pairs_out_of_order_as_lists(&self, records: &[u32]) -> Vec<(u32, u32)> {
        // Per step on the path: the records of the steps ahead of it on the path.
        let mut ahead: Vec<Vec<u32>> = vec![Vec::new(); self.steps.len()];
        let mut own: Vec<Option<u32>> = vec![None; self.steps.len()];
        for &index in records {
            own[self.records[index as usize].step.0 as usize] = Some(index);
        }
        let mut pairs = Vec::new();
        for &id in &self.path {
            let mut carried = std::mem::take(&mut ahead[id.0 as usize]);
            carried.sort_unstable();
            carried.dedup();
            if let Some(index) = own[id.0 as usize] {
                let date = self.records[index as usize].on.date;
                for &before in &carried {
                    if self.records[before as usize].on.date > date {
                        pairs.push((before, index));
                    }
                }
                carried.push(index);
            }
            self.next_on_path(id, |next| {
                ahead[next.0 as usize].extend_from_slice(&carried)
            });
        }
        pairs
    }

    /// [`Self::pairs_out_of_order`] for up to 64 records (nearly every case): the records ahead
    /// of a step are a set of bits, one per place in `records`, rather than a list copied
    /// along every edge. The pairs come in the same order.
    fn pairs_out_of_order_as_bits(&self, records: &[u32]) -> Vec<(u32, u32)> {
        let mut ahead = vec![0u64; self.steps.len()];
        let mut own: Vec<Option<usize>> = vec![None; self.steps.len()];
        for (place, &index) in records.iter().enumerate() {
            own[self.records[index as usize].step.0 as usize] = Some(place);
        }
        let mut pairs = Vec::new();
        for &id in &self.path {
            let mut carried = ahead[id.0 as usize];
            if let Some(place) = own[id.0 as usize] {
                let index = records[place];
                let date = self.records[index as usize].on.date;
                let mut before = carried;
                while before != 0 {
                    let earlier = records[before.trailing_zeros() as usize];
                    before &= before - 1;
                    if self.records[earlier as usize].on.date > date {
                        pairs.push((earlier, index));
                    }
                }
                carried |= 1 << place;
            }
            self.next_on_path(id, |next| ahead[next.0 as usize] |= carried);
        }
        pairs
    }

    /// A step on the path with no record, that the record `after` shows the case moved past.
    pub(super) fn note_gap(&mut self, id: StepIndex, after: Option<u32>) {
        let Some(after) = after else {
            return;
        };
        let record = self.records[after as usize];
        self.misfits[after as usize] = true;
        self.deviations.push(Deviation {
            kind: DeviationKind::NotRecorded,
            step: id,
            on: Some(record.on),
            line: Some(self.case.events[record.event].line),
            expected: vec![id],
            shown_by: Some(record.step),
            record: Some(record.event),
            after_later_steps: false,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Replay, Scratch, records};
    use crate::plan::Plan;
    use waymark_diagnostics::FileId;

    /// A procedure of `n` steps in a row, each due a day after the one before, and a case with
    /// a record of each on a date that jumps about.
    fn procedure_and_case(n: usize, seed: u64) -> (String, String) {
        let mut text = String::from("procedure t \"Row\"\nstart s0\n");
        for i in 0..n {
            text.push_str(&format!("step s{i} \"Step {i}\"\n  untimed \"test\"\n"));
            match i + 1 < n {
                true => text.push_str(&format!("  then s{}\n", i + 1)),
                false => text.push_str("  then done\n"),
            }
        }
        text.push_str("end done \"Done\"\n");
        let mut state = seed;
        let events: Vec<String> = (0..n)
            .map(|i| {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let day = 1 + (i as u64 / 2 + (state >> 60)) % 28;
                format!(r#"{{"step":"s{i}","on":"2026-02-{day:02}"}}"#)
            })
            .collect();
        let case = format!(r#"{{"case":"T","events":[{}]}}"#, events.join(","));
        (text, case)
    }

    #[test]
    fn records_out_of_order_pair_the_same_as_bits_and_as_lists() {
        for (n, seed) in [(10, 1), (40, 2), (64, 3), (64, 4)] {
            let (text, line) = procedure_and_case(n, seed);
            let parsed = waymark_syntax::parse(FileId(0), &text);
            let compiled = waymark_compile::compile(parsed.document, &mut waymark_compile::NoFiles);
            let procedure = compiled.procedure.expect("the test procedure compiles");
            let plan = Plan::new(&procedure, waymark_calendar::default_calendar());
            let case = crate::read::parse_json_line(&plan, 1, &line).expect("the case reads");
            let as_of = waymark_calendar::parse_date("2026-12-31").expect("a date");
            let mut applied = Vec::new();
            records::in_order(&plan, &case, as_of, &mut applied);
            let mut scratch = Scratch::default();
            let replay = Replay::run(&plan, &case, &applied, &mut scratch);
            let on_path: Vec<u32> = (0..applied.len() as u32).collect();
            let as_bits = replay.pairs_out_of_order_as_bits(&on_path);
            assert!(!as_bits.is_empty(), "the dates jump about ({n} steps)");
            assert_eq!(
                as_bits,
                replay.pairs_out_of_order_as_lists(&on_path),
                "{n} steps"
            );
        }
    }
}
