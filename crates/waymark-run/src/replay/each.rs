//! Work due `before each STEP`: done once before every occurrence of a step that may repeat
//! ("share information in advance of the meeting", when meetings repeat). A row per
//! occurrence, each due that many units before its own occurrence.
//!
//! How records pair with occurrences (`pair`), in date order, by day:
//! - a single record between two occurrences (after one's day, up to the next's) counts for
//!   the next one, on time;
//! - two or more records there, when the earlier occurrence has none: the first is the
//!   earlier occurrence's work, done late (after the meeting it was for; `out_of_order`), the
//!   next counts for the next occurrence;
//! - a further record before an occurrence that already has one is `repeated`;
//! - a record after every occurrence counts, late, for the latest occurrence when that has
//!   none, and otherwise is work ahead of an occurrence not yet recorded (a row with no due
//!   date yet);
//! - an occurrence with no record is `overdue` once its due date has passed, and a
//!   `not_recorded` gap shown by that occurrence's record;
//! - occurrences on one day count as one: the work is due by the day.
//!
//! Only a procedure with such work pays for it: `Plan::each` lists the steps.
#![allow(
    clippy::indexing_slicing,
    reason = "step ids index per-step lists sized to the procedure's steps, and record and event indexes were made from this case's own lists"
)]

use super::Replay;
use crate::case::When;
use crate::report::{DeviationKind, Row, Status};
use chrono::NaiveDate;
use waymark_compile::StepIndex;

/// How the work's records pair with the occurrences of the step it is due before. Indexes are
/// into the two lists given to [`pair`].
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Pairs {
    /// Per occurrence, the work record that answers it.
    pub for_occurrence: Vec<Option<usize>>,
    /// A work record after every occurrence, for an occurrence not yet recorded.
    pub ahead: Option<usize>,
    /// Further work records before an occurrence that already has one.
    pub extra: Vec<usize>,
    /// Work records that came after the occurrence they answer, late.
    pub after: Vec<usize>,
}

/// Pairs work records with occurrences, both given as days in date order (see the module's
/// rules). Linear in the two lists.
#[cfg(test)]
pub(super) fn pair(occurrences: &[NaiveDate], work: &[NaiveDate]) -> Pairs {
    let mut pairs = Pairs::default();
    pair_into(occurrences, work, &mut pairs);
    pairs
}

/// [`pair`], into `pairs` (whose lists are cleared first and reused: no allocation a case).
fn pair_into(occurrences: &[NaiveDate], work: &[NaiveDate], pairs: &mut Pairs) {
    pairs.clear(occurrences.len());
    let mut next_record = 0;
    for (k, &occurs) in occurrences.iter().enumerate() {
        let from = next_record;
        while work.get(next_record).is_some_and(|&day| day <= occurs) {
            next_record += 1;
        }
        let mut between = from..next_record;
        // Two or more records after an occurrence that has none: the first is its work, late
        // (an update typed up after the review it was for, then one before the next review).
        if between.len() >= 2
            && let Some(before) = k.checked_sub(1)
            && pairs.for_occurrence[before].is_none()
            && let Some(late) = between.next()
        {
            pairs.for_occurrence[before] = Some(late);
            pairs.after.push(late);
        }
        pairs.for_occurrence[k] = between.next();
        pairs.extra.extend(between);
    }
    let latest = occurrences.len().checked_sub(1);
    for index in next_record..work.len() {
        match latest {
            Some(latest) if pairs.for_occurrence[latest].is_none() => {
                pairs.for_occurrence[latest] = Some(index);
                pairs.after.push(index);
            }
            _ if pairs.ahead.is_none() => pairs.ahead = Some(index),
            _ => pairs.extra.push(index),
        }
    }
}

/// Pairs work due after each occurrence with the occurrences, both given as days in date
/// order: a record answers the latest occurrence on or before its day (the safety plan made at
/// that meeting), and a further record for the same occurrence is extra. A record before the
/// first occurrence answers it, early (`after`, judged `out_of_order`). Linear in the lists.
#[cfg(test)]
pub(super) fn pair_after(occurrences: &[NaiveDate], work: &[NaiveDate]) -> Pairs {
    let mut pairs = Pairs::default();
    pair_after_into(occurrences, work, &mut pairs);
    pairs
}

/// [`pair_after`], into `pairs` (cleared first and reused).
fn pair_after_into(occurrences: &[NaiveDate], work: &[NaiveDate], pairs: &mut Pairs) {
    pairs.clear(occurrences.len());
    let mut current: Option<usize> = None;
    for (index, &day) in work.iter().enumerate() {
        while occurrences
            .get(current.map_or(0, |k| k + 1))
            .is_some_and(|&occurs| occurs <= day)
        {
            current = Some(current.map_or(0, |k| k + 1));
        }
        let (k, early) = match current {
            Some(k) => (k, false),
            None if !occurrences.is_empty() => (0, true),
            // No occurrence yet: the work's row is a step's (`has_each_rows`), judged there.
            None => continue,
        };
        match pairs.for_occurrence[k] {
            None => {
                pairs.for_occurrence[k] = Some(index);
                if early {
                    pairs.after.push(index);
                }
            }
            Some(_) => pairs.extra.push(index),
        }
    }
}

impl Pairs {
    /// Empties the lists (keeping their memory), with `occurrences` occurrences unanswered.
    fn clear(&mut self, occurrences: usize) {
        self.for_occurrence.clear();
        self.for_occurrence.resize(occurrences, None);
        self.ahead = None;
        self.extra.clear();
        self.after.clear();
    }
}

/// The records of one step's occurrences and of its work, as indexes into the replay's
/// records, a duplicate (the same step at the same moment) left out; and their days.
#[derive(Default)]
pub(super) struct Lists {
    occurrences: Vec<usize>,
    work: Vec<usize>,
    occurrence_days: Vec<NaiveDate>,
    work_days: Vec<NaiveDate>,
}

impl Lists {
    /// Empties the lists, keeping their memory.
    fn clear(&mut self) {
        self.occurrences.clear();
        self.work.clear();
        self.occurrence_days.clear();
        self.work_days.clear();
    }
}

/// The lists pairing one piece of work: kept from case to case (most cases that have such
/// work would otherwise allocate six lists for it).
pub(super) type Paired = (StepIndex, Lists, Pairs);

/// Hands the lists of `paired` (emptied) to `spares`, for the next case.
pub(super) fn keep_spares(paired: &mut Vec<Paired>, spares: &mut Vec<(Lists, Pairs)>) {
    for (_, mut lists, pairs) in paired.drain(..) {
        lists.clear();
        spares.push((lists, pairs));
    }
}

impl Replay<'_, '_> {
    /// Fills `lists` (empty) for `work` and the step it is due before or after.
    fn each_lists(&self, work: StepIndex, occurs: StepIndex, lists: &mut Lists) {
        for (index, record) in self.records.iter().enumerate() {
            if self.is_duplicate(index) {
                continue;
            }
            if record.step == occurs {
                // Work is due by the day: two occurrences on one day (meetings at 10:00 and
                // 14:00) are answered by one record before that day.
                let same_day = (lists.occurrences.last())
                    .is_some_and(|&last| self.records[last].on.date == record.on.date);
                if !same_day {
                    lists.occurrences.push(index);
                    lists.occurrence_days.push(record.on.date);
                }
            } else if record.step == work {
                lists.work.push(index);
                lists.work_days.push(record.on.date);
            }
        }
    }

    /// Pairs the records in `lists` into `pairs` (its lists are cleared first).
    fn each_pairs(&self, work: StepIndex, lists: &Lists, pairs: &mut Pairs) {
        let (occurrences, work_days) = (&lists.occurrence_days, &lists.work_days);
        match self.plan.counts_after_each(work) {
            true => pair_after_into(occurrences, work_days, pairs),
            false => pair_into(occurrences, work_days, pairs),
        }
    }

    /// Whether the replay gives `work` a row per occurrence: it has records, or the case is
    /// on it and the step it is due before (`occurs`) has occurred. (Otherwise its one row is
    /// a step's.)
    pub(super) fn has_each_rows(&self, work: StepIndex, occurs: StepIndex) -> bool {
        let state = self.state(work);
        let occurred = self.state(occurs).first.is_some();
        match self.plan.counts_after_each(work) {
            // Work after each occurrence has nothing to count from before the first.
            true => occurred,
            false => state.first.is_some() || (state.on_path && occurred),
        }
    }

    /// Whether the gaps of `work` are this module's to note (one per occurrence missed).
    pub(super) fn notes_each_gaps(&self, work: StepIndex) -> bool {
        self.plan
            .each_of(work)
            .is_some_and(|occurs| self.state(occurs).first.is_some())
    }

    /// The deviations of work due before each occurrence: a gap per occurrence missed, a
    /// further record for one occurrence, a record after the occurrence it answers.
    pub(super) fn each_deviations(&mut self) {
        let plan = self.plan;
        for &(work, occurs) in &plan.each {
            // Most cases never reach the step: with no record of it or of its work, there is
            // nothing to pair.
            if self.state(work).first.is_none() && self.state(occurs).first.is_none() {
                continue;
            }
            let (mut lists, mut pairs) = self.each_spares.pop().unwrap_or_default();
            self.each_lists(work, occurs, &mut lists);
            self.each_pairs(work, &lists, &mut pairs);
            self.note_each_deviations(work, occurs, &lists, &pairs);
            // Kept for the rows, which pair the same records.
            self.each_paired.push((work, lists, pairs));
        }
    }

    /// [`Self::each_deviations`] for one piece of work.
    fn note_each_deviations(
        &mut self,
        work: StepIndex,
        occurs: StepIndex,
        lists: &Lists,
        pairs: &Pairs,
    ) {
        let waived = self.state(work).dateless_waiver.is_some();
        let after_each = self.plan.counts_after_each(work);
        // Optional work missed for an occurrence is no gap.
        if self.state(work).on_path && !waived && self.step(work).optional.is_none() {
            for (k, answer) in pairs.for_occurrence.iter().enumerate() {
                match (answer, after_each) {
                    (Some(_), _) => {}
                    (None, false) => self.note_gap(work, Some(lists.occurrences[k] as u32)),
                    (None, true) => self.note_gap_after(work, lists, k),
                }
            }
        }
        for &extra in &pairs.extra {
            self.note_once(
                lists.work[extra],
                DeviationKind::Repeated,
                Vec::new(),
                false,
            );
        }
        // Work due before an occurrence and done after it; work due after one and done
        // before the first.
        for &misplaced in &pairs.after {
            self.note_once(
                lists.work[misplaced],
                DeviationKind::OutOfOrder,
                vec![occurs],
                !after_each,
            );
        }
    }

    /// Work due after occurrence `k` with no record: a gap once the case was recorded past it
    /// (the next occurrence, or a later step after the occurrence's day), named at the
    /// occurrence it follows. The record that shows it is the one that does not fit.
    fn note_gap_after(&mut self, work: StepIndex, lists: &Lists, k: usize) {
        let occurrence = self.records[lists.occurrences[k]];
        let shown_by = match lists.occurrences.get(k + 1) {
            Some(&next) => Some(next),
            None => (self.state(work).after.get())
                .map(|index| index as usize)
                .filter(|&index| self.records[index].on.date >= occurrence.on.date),
        };
        let Some(shown_by) = shown_by else {
            return;
        };
        self.misfits[shown_by] = true;
        self.deviations.push(crate::report::Deviation {
            kind: DeviationKind::NotRecorded,
            step: work,
            on: Some(occurrence.on),
            line: Some(self.case.events[occurrence.event].line),
            expected: vec![work],
            shown_by: Some(occurrence.step),
            record: Some(occurrence.event),
            after_later_steps: false,
        });
    }

    /// Notes a deviation of a record not already judged a misfit (each record is judged once).
    fn note_once(
        &mut self,
        index: usize,
        kind: DeviationKind,
        expected: Vec<StepIndex>,
        after_later_steps: bool,
    ) {
        if !self.misfits[index] {
            self.note(index, kind, expected, after_later_steps);
        }
    }

    /// A row per occurrence of the step `work` is due before, then one for work ahead of an
    /// occurrence not yet recorded.
    pub(super) fn each_rows(
        &self,
        work: StepIndex,
        as_of: NaiveDate,
        out_of_range: &mut bool,
        rows: &mut Vec<Row>,
    ) {
        let Some(occurs) = self.plan.each_of(work) else {
            return;
        };
        // As the deviations paired them; worked out again only if they did not.
        let computed;
        let (lists, pairs) = match self.each_paired.iter().find(|(w, ..)| *w == work) {
            Some((_, lists, pairs)) => (lists, pairs),
            None => {
                let (mut lists, mut pairs) = (Lists::default(), Pairs::default());
                self.each_lists(work, occurs, &mut lists);
                self.each_pairs(work, &lists, &mut pairs);
                computed = (lists, pairs);
                (&computed.0, &computed.1)
            }
        };
        let dateless_waiver = self.state(work).dateless_waiver.get();
        for (k, answer) in pairs.for_occurrence.iter().enumerate() {
            let occurrence = self.records[lists.occurrences[k]].on;
            let mut row = self.each_row(work, occurs, occurrence, out_of_range);
            row.occurrence = Some(k as u32 + 1);
            let record = answer.map(|a| self.records[lists.work[a]]);
            row.event = record
                .map(|r| r.event)
                .or(dateless_waiver.map(|e| e as usize));
            let waived = row.event.is_some_and(|e| self.case.events[e].waived);
            self.judge(&mut row, record.map(|r| r.on), waived, as_of);
            // Off the case's path the work is not needed; only its records are judged.
            // Optional work not done for an occurrence that happened was not needed for it.
            if record.is_none() && !self.state(work).on_path {
                row = Row::new(work, Status::NotApplicable);
                row.occurrence = Some(k as u32 + 1);
            } else if record.is_none() && !waived && self.step(work).optional.is_some() {
                row = Row::new(work, Status::NotNeeded);
                row.occurrence = Some(k as u32 + 1);
            }
            rows.push(row);
        }
        if let Some(ahead) = pairs.ahead {
            let record = self.records[lists.work[ahead]];
            let mut row = Row::new(work, Status::Met);
            row.occurrence = Some(pairs.for_occurrence.len() as u32 + 1);
            row.event = Some(record.event);
            let waived = self.case.events[record.event].waived;
            self.judge(&mut row, Some(record.on), waived, as_of);
            rows.push(row);
        }
    }

    /// An occurrence's row with its due date and target, counted from that occurrence.
    fn each_row(
        &self,
        work: StepIndex,
        occurs: StepIndex,
        occurrence: When,
        out_of_range: &mut bool,
    ) -> Row {
        let done_at = |id: StepIndex| match id == occurs {
            true => Some(occurrence),
            false => self.state(id).done,
        };
        let mut row = Row::new(work, Status::Pending);
        let kinds = self.shape(work).deadlines;
        self.set_due_and_target(&mut row, kinds, done_at, out_of_range);
        row.counted_from = Some(occurrence);
        row
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn days(list: &[&str]) -> Vec<NaiveDate> {
        list.iter()
            .map(|d| waymark_calendar::parse_date(d).unwrap())
            .collect()
    }

    #[test]
    fn a_record_before_each_occurrence_answers_it() {
        let pairs = pair(
            &days(&["2026-03-10", "2026-03-20"]),
            &days(&["2026-03-05", "2026-03-18"]),
        );
        assert_eq!(pairs.for_occurrence, vec![Some(0), Some(1)]);
        assert_eq!((pairs.ahead, pairs.after), (None, vec![]));
        assert!(pairs.extra.is_empty());
    }

    #[test]
    fn a_record_on_the_day_of_the_occurrence_answers_it() {
        let pairs = pair(&days(&["2026-03-10"]), &days(&["2026-03-10"]));
        assert_eq!(pairs.for_occurrence, vec![Some(0)]);
    }

    #[test]
    fn a_record_between_occurrences_answers_the_next_and_the_earlier_is_missed() {
        let pairs = pair(&days(&["2026-03-10", "2026-03-20"]), &days(&["2026-03-12"]));
        assert_eq!(pairs.for_occurrence, vec![None, Some(0)]);
        assert!(pairs.after.is_empty());
    }

    #[test]
    fn a_record_after_the_latest_occurrence_answers_it_late_when_it_has_none() {
        let pairs = pair(
            &days(&["2026-03-10", "2026-03-20"]),
            &days(&["2026-03-05", "2026-03-23"]),
        );
        assert_eq!(pairs.for_occurrence, vec![Some(0), Some(1)]);
        assert_eq!(pairs.after, vec![1]);
        assert_eq!(pairs.ahead, None);
    }

    #[test]
    fn a_record_after_an_answered_occurrence_is_ahead_of_the_next() {
        let pairs = pair(
            &days(&["2026-03-10"]),
            &days(&["2026-03-05", "2026-03-23", "2026-03-24"]),
        );
        assert_eq!(pairs.for_occurrence, vec![Some(0)]);
        assert_eq!(pairs.ahead, Some(1));
        assert_eq!(pairs.extra, vec![2]);
    }

    #[test]
    fn a_further_record_before_the_same_occurrence_is_extra() {
        let pairs = pair(&days(&["2026-03-10"]), &days(&["2026-03-02", "2026-03-06"]));
        assert_eq!(pairs.for_occurrence, vec![Some(0)]);
        assert_eq!(pairs.extra, vec![1]);
    }

    #[test]
    fn with_no_occurrence_yet_the_first_record_is_ahead() {
        let pairs = pair(&[], &days(&["2026-03-02", "2026-03-06"]));
        assert!(pairs.for_occurrence.is_empty());
        assert_eq!(pairs.ahead, Some(0));
        assert_eq!(pairs.extra, vec![1]);
    }

    /// An update typed up three days after the May review, then one before the November
    /// review: the first is May's, late; the second is November's, on time.
    #[test]
    fn the_first_of_two_records_after_an_unanswered_occurrence_answers_it_late() {
        let pairs = pair(
            &days(&["2026-05-26", "2026-11-24"]),
            &days(&["2026-05-29", "2026-11-20"]),
        );
        assert_eq!(pairs.for_occurrence, vec![Some(0), Some(1)]);
        assert_eq!(pairs.after, vec![0]);
        assert!(pairs.extra.is_empty());
        // Three records between: the late one, the next occurrence's, and one repeated.
        let pairs = pair(
            &days(&["2026-05-26", "2026-11-24"]),
            &days(&["2026-05-29", "2026-11-10", "2026-11-20"]),
        );
        assert_eq!(pairs.for_occurrence, vec![Some(0), Some(1)]);
        assert_eq!((pairs.after, pairs.extra), (vec![0], vec![2]));
        // When the earlier occurrence was answered, both are before the next: one repeated.
        let pairs = pair(
            &days(&["2026-05-26", "2026-11-24"]),
            &days(&["2026-05-20", "2026-05-29", "2026-11-20"]),
        );
        assert_eq!(pairs.for_occurrence, vec![Some(0), Some(1)]);
        assert_eq!((pairs.after, pairs.extra), (vec![], vec![2]));
    }

    /// Work due after each occurrence: a record answers the latest occurrence on or before
    /// its day; a second for it is extra; one before the first occurrence answers it, early.
    #[test]
    fn work_after_each_occurrence_answers_the_one_before_it() {
        let meetings = days(&["2026-03-02", "2026-03-16"]);
        let pairs = pair_after(&meetings, &days(&["2026-03-02", "2026-03-18"]));
        assert_eq!(pairs.for_occurrence, vec![Some(0), Some(1)]);
        assert!(pairs.after.is_empty() && pairs.extra.is_empty());
        // Both records after the first meeting: the second meeting has none.
        let pairs = pair_after(&meetings, &days(&["2026-03-02", "2026-03-03"]));
        assert_eq!(pairs.for_occurrence, vec![Some(0), None]);
        assert_eq!(pairs.extra, vec![1]);
        // A plan typed before the first meeting answers it, and is out of order.
        let pairs = pair_after(&meetings, &days(&["2026-03-01"]));
        assert_eq!(pairs.for_occurrence, vec![Some(0), None]);
        assert_eq!(pairs.after, vec![0]);
        // With no occurrence, a record answers nothing and is no extra.
        let pairs = pair_after(&[], &days(&["2026-03-01"]));
        assert_eq!(pairs, Pairs::default());
    }

    #[test]
    fn an_occurrence_with_no_record_is_unanswered() {
        let pairs = pair(&days(&["2026-03-10", "2026-03-20"]), &[]);
        assert_eq!(pairs.for_occurrence, vec![None, None]);
    }
}
