//! Lists kept from case to case on each thread, so that running a case allocates only what its
//! report keeps, and not even that when the last report was handed back ([`recycle`]). Memory
//! just used is still in the processor's cache: fresh memory for every case's rows cost a
//! fifth of the run time.

use crate::case::Event;
use crate::read::RawFact;
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
    /// One list for the facts of the line being read (see [`raw_facts`]).
    raw_facts: Vec<RawFact<'static>>,
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

/// An empty list for the facts of a line as read, in the memory of the last line's list: a
/// fresh one for every case was a `malloc` and a `free` a case.
///
/// The list borrows from its line, so it cannot be kept as it is: it is kept empty, and an
/// empty list's memory is handed from one lifetime to the other by collecting it again (the
/// standard library reuses a list's memory when the items have the same size).
pub(crate) fn raw_facts<'a>() -> Vec<RawFact<'a>> {
    let list =
        SPARES_OF_THIS_THREAD.with_borrow_mut(|spares| std::mem::take(&mut spares.raw_facts));
    relabel(list)
}

/// Hands back a list from [`raw_facts`] once the line is checked. (A line without facts hands
/// back a list without memory: the spare is kept then.)
pub(crate) fn keep_raw_facts(mut list: Vec<RawFact<'_>>) {
    list.clear();
    let list = relabel(list);
    SPARES_OF_THIS_THREAD.with_borrow_mut(|spares| {
        if list.capacity() > spares.raw_facts.capacity() {
            spares.raw_facts = list;
        }
    });
}

/// The same empty list (the same memory) for facts of another lifetime.
#[allow(
    clippy::unnecessary_filter_map,
    reason = "the filter changes the items' lifetime, which `filter` cannot"
)]
fn relabel<'a>(list: Vec<RawFact<'_>>) -> Vec<RawFact<'a>> {
    list.into_iter().filter_map(|_| None).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::RawValue;
    use std::borrow::Cow;

    /// The point of [`raw_facts`]: the second line's list is the first line's memory.
    #[test]
    fn the_facts_list_of_one_line_is_the_memory_of_the_last() {
        let line = String::from("threshold");
        let mut list = raw_facts();
        list.push((Cow::Borrowed(line.as_str()), RawValue::Null, 0));
        let (memory, capacity) = (list.as_ptr() as usize, list.capacity());
        keep_raw_facts(list);
        keep_raw_facts(Vec::new());
        let again = raw_facts();
        assert!(again.is_empty());
        assert_eq!(
            (again.as_ptr() as usize, again.capacity()),
            (memory, capacity)
        );
    }
}
