//! The shape of the graph: steps no case can reach, steps a case cannot leave, and loops with no
//! way out.
#![allow(
    clippy::indexing_slicing,
    reason = "step, role, fact and source ids are indexes the compiler made into this procedure's own lists, and every per-step list here is sized to the procedure's steps"
)]

use crate::flow::{FlowAnalysis, moves};
use std::collections::BTreeSet;
use waymark_compile::{Procedure, StepIndex, StepKind};
use waymark_diagnostics::{Code, Diagnostic, Span};

pub fn check(procedure: &Procedure, flow: &FlowAnalysis, diagnostics: &mut Vec<Diagnostic>) {
    unreachable_steps(procedure, flow, diagnostics);
    dead_ends(procedure, diagnostics);
    closed_loops(procedure, flow, diagnostics);
}

/// WM0301. Checkpoints and recurring work are reachable when the step that starts them is.
fn unreachable_steps(
    procedure: &Procedure,
    flow: &FlowAnalysis,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mut reported: BTreeSet<Span> = BTreeSet::new();
    for step_id in procedure.step_ids() {
        let step = procedure.step(step_id);
        let reachable = match &step.kind {
            StepKind::Join { .. } => continue,
            StepKind::Checkpoint { .. } | StepKind::Recurring { .. } => procedure
                .graph
                .all_previous(step_id)
                .any(|from| flow.is_reachable(from)),
            _ => flow.is_reachable(step_id),
        };
        if reachable || !reported.insert(step.name_span) {
            continue;
        }
        let help = match &step.kind {
            StepKind::Checkpoint { .. } => {
                "make sure the step in its `at ... after` line is on the path from the start"
            }
            StepKind::Recurring { .. } => {
                "make sure the step in its `while` line is on the path from the start"
            }
            _ => {
                "add a `then` (or `on ... then`) line leading to it, or delete it if it is no longer part of the procedure"
            }
        };
        diagnostics.push(
            Diagnostic::new(
                Code::UnreachableStep,
                step.name_span,
                format!("no case can reach `{}`", step.id),
            )
            .label("nothing leads here from the start")
            .help(help),
        );
    }
}

/// WM0302. A step that is not an end must lead somewhere, unless it finishes a piece of a
/// together block's work (its move is the join). Decisions with outcomes are left to WM0306.
fn dead_ends(procedure: &Procedure, diagnostics: &mut Vec<Diagnostic>) {
    for step_id in procedure.step_ids() {
        let step = procedure.step(step_id);
        let applies = match &step.kind {
            StepKind::Task => true,
            StepKind::Decision => step.outcomes.is_empty(),
            StepKind::Join { .. } => true,
            _ => false,
        };
        if !applies || procedure.graph.next_steps(step_id).next().is_some() {
            continue;
        }
        let (span, message, help) = match &step.kind {
            StepKind::Join { together } => {
                let block = procedure.step(*together);
                (
                    block.name_span,
                    format!(
                        "after `{}` is all done the case has nowhere to go",
                        block.id
                    ),
                    "add a `then` line to the together block saying where the case goes next",
                )
            }
            _ => (
                step.name_span,
                format!("a case that reaches `{}` has nowhere to go", step.id),
                "add a `then` line, or make it an `end` if the case closes here",
            ),
        };
        diagnostics.push(
            Diagnostic::new(Code::DeadEnd, span, message)
                .label("no way on")
                .help(help),
        );
    }
}

/// WM0303. A loop that no step in it can leave: cases that enter it never reach an end.
fn closed_loops(procedure: &Procedure, flow: &FlowAnalysis, diagnostics: &mut Vec<Diagnostic>) {
    let mut component = vec![usize::MAX; procedure.steps.len()];
    let components = procedure.graph.strongly_connected();
    for (index, members) in components.iter().enumerate() {
        for member in members {
            component[member.0 as usize] = index;
        }
    }
    let mut has_exit = vec![false; components.len()];
    let mut has_inner_edge = vec![false; components.len()];
    for (from, to) in moves(procedure) {
        let (a, b) = (component[from.0 as usize], component[to.0 as usize]);
        if a == b {
            has_inner_edge[a] = true;
        } else {
            has_exit[a] = true;
        }
    }
    for (index, members) in components.iter().enumerate() {
        if has_exit[index] || !has_inner_edge[index] {
            continue;
        }
        let mut steps: Vec<StepIndex> = members
            .iter()
            .copied()
            .filter(|s| !matches!(procedure.step(*s).kind, StepKind::Join { .. }))
            .collect();
        steps.sort();
        if !steps.iter().any(|step| flow.is_reachable(*step))
            || steps.iter().any(|s| procedure.step(*s).is_end())
        {
            continue;
        }
        let Some(first) = steps.first().map(|s| procedure.step(*s)) else {
            continue;
        };
        let names = name_some(&steps, procedure);
        diagnostics.push(
            Diagnostic::new(Code::CycleWithoutExit, first.name_span, format!("{names} lead only to each other, so a case that enters them never reaches an end"))
                .label("this loop has no way out")
                .help("give one of these steps a route out of the loop, e.g. `then closed` under a condition or a decision outcome"),
        );
    }
}

/// At most [`NAMES_SHOWN`] step names and a count of the rest: a loop of 90,000 steps would
/// otherwise be one message of a megabyte.
fn name_some(steps: &[StepIndex], procedure: &Procedure) -> String {
    let mut names: Vec<String> = steps
        .iter()
        .take(NAMES_SHOWN)
        .map(|s| format!("`{}`", procedure.step(*s).id))
        .collect();
    if steps.len() > NAMES_SHOWN {
        names.push(format!("{} more steps", steps.len() - NAMES_SHOWN));
    }
    names.join(", ")
}

const NAMES_SHOWN: usize = 10;
