//! Lists kept from case to case on each thread, so that running a case allocates only what its
//! report keeps, and not even that when the last report was handed back ([`recycle`]). Memory
//! just used is still in the processor's cache: fresh memory for every case's rows cost a
//! fifth of the run time.

use crate::case::Event;
use crate::report::{CaseReport, Deviation, Row};
use std::cell::RefCell;
use waymark_compile::FactValue;

/// How many reports' lists a thread keeps. Two: comparing versions runs every case twice.
const SPARES: usize = 2;

#[derive(Default)]
struct Spares {
    rows: Vec<Vec<Row>>,
    events: Vec<Vec<Event>>,
    deviations: Vec<Vec<Deviation>>,
    facts: Vec<Vec<Option<FactValue>>>,
    ids: Vec<String>,
}

thread_local! {
    static SPARES_OF_THIS_THREAD: RefCell<Spares> = RefCell::new(Spares::default());
}

/// Hands a report that is no longer needed back to this thread, so the next case run on it
/// fills the same memory (faster than dropping it).
pub fn recycle(report: CaseReport) {
    let CaseReport {
        mut rows,
        case,
        mut deviations,
        ..
    } = report;
    let (mut events, mut facts, mut id) = (case.events, case.facts, case.id);
    rows.clear();
    events.clear();
    deviations.clear();
    facts.clear();
    id.clear();
    SPARES_OF_THIS_THREAD.with_borrow_mut(|spares| {
        keep(&mut spares.rows, rows);
        keep(&mut spares.events, events);
        keep(&mut spares.deviations, deviations);
        keep(&mut spares.facts, facts);
        keep(&mut spares.ids, id);
    });
}

fn keep<L>(spares: &mut Vec<L>, list: L) {
    if spares.len() < SPARES {
        spares.push(list);
    }
}

/// An empty list for a case's events, from a recycled report when there is one.
pub(crate) fn events() -> Vec<Event> {
    SPARES_OF_THIS_THREAD.with_borrow_mut(|spares| spares.events.pop().unwrap_or_default())
}

/// An empty list for a case's facts.
pub(crate) fn facts() -> Vec<Option<FactValue>> {
    SPARES_OF_THIS_THREAD.with_borrow_mut(|spares| spares.facts.pop().unwrap_or_default())
}

/// A case id, copied into a recycled report's string when there is one.
pub(crate) fn id(text: &str) -> String {
    let mut id =
        SPARES_OF_THIS_THREAD.with_borrow_mut(|spares| spares.ids.pop().unwrap_or_default());
    id.push_str(text);
    id
}

/// An empty list for a report's rows.
pub(crate) fn rows() -> Vec<Row> {
    SPARES_OF_THIS_THREAD.with_borrow_mut(|spares| spares.rows.pop().unwrap_or_default())
}

/// An empty list for a report's deviations.
pub(crate) fn deviations() -> Vec<Deviation> {
    SPARES_OF_THIS_THREAD.with_borrow_mut(|spares| spares.deviations.pop().unwrap_or_default())
}
