//! Working space kept from case to case on each thread: the replay's lists and per-step state
//! are cleared and filled again rather than allocated for every case.

use super::StepState;
use super::records::Record;
use std::cell::RefCell;
use waymark_compile::StepIndex;

thread_local! {
    pub(super) static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// Working space kept from case to case on each thread.
#[derive(Default)]
pub(super) struct Scratch {
    pub(super) records: Vec<Record>,
    pub(super) steps: Vec<StepState>,
    pub(super) stack: Vec<StepIndex>,
    /// For exploring a decision's branches.
    pub(super) stack_of_nexts: Vec<StepIndex>,
    pub(super) list: Vec<StepIndex>,
    pub(super) record_list: Vec<u32>,
    pub(super) path: Vec<StepIndex>,
    /// Per record: whether it did not arrive where the procedure expected it.
    pub(super) misfits: Vec<bool>,
    /// Visit marks for exploring a decision's branches, by generation (no clearing).
    pub(super) marks: Vec<u32>,
    pub(super) generation: u32,
    /// Work due before or after each occurrence of a step: the lists that paired it (empty
    /// between cases), and spare ones.
    pub(super) each_paired: Vec<super::each::Paired>,
    pub(super) each_spares: Vec<(super::each::Lists, super::each::Pairs)>,
    /// Some event of the case being run is an extension.
    pub(super) extended: bool,
    /// How many events of the case being run have no date.
    pub(super) dateless: usize,
}
