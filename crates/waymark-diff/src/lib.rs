//! Two versions of a procedure to the changes between them, in the domain's words.
//!
//! Start from [`compare`]: it takes two compiled procedures and returns every [`Change`],
//! grouped and sorted, each saying what changed in the words a policy author uses ("the
//! deadline of `assessment_complete`: due 45 working days after referral -> due 40 working days
//! after referral"). Only the model is compared, so a change to comments or layout is no change.
//! [`impact_of`] runs a caseload through both versions and reports what differs for each case
//! (a step now late, a due date moved, a case that would leave the new procedure).
//! [`render`] turns the changes into text for people, JSON for analysts, or Markdown for a
//! committee paper; [`render_head`], [`render_cases`] and [`render_tail`] write the same text
//! a block of cases at a time, with only the counts of a whole caseload ([`ImpactSummary`])
//! held to the end.

mod changes;
mod impact;
mod render;
mod steps;

pub use changes::{Change, Group};
pub use impact::{
    CaseChange, CaseImpact, Impact, ImpactSummary, Versions, impact_of, impact_of_cases,
};
pub use render::{
    CSV_IMPACT_HEADER, Format, ImpactOn, render, render_cases, render_head, render_tail,
};

use waymark_compile::Procedure;

/// Every difference between `old` and `new`, sorted by group, subject and kind.
pub fn compare(old: &Procedure, new: &Procedure) -> Vec<Change> {
    let mut changes = Vec::new();
    changes::header(old, new, &mut changes);
    changes::declarations(old, new, &mut changes);
    steps::compare(old, new, &mut changes);
    changes.sort();
    changes.dedup();
    changes
}
