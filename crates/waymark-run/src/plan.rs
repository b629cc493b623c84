//! [`Plan`]: what the interpreter needs to know about a procedure, worked out once before any
//! case is run: names to look up, which steps get rows, how together blocks finish.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use waymark_calendar::Calendar;
use waymark_compile::{FactId, Procedure, RoleId, StepId, StepKind, graph::branch_tails};

/// A compiled procedure and a calendar, with everything per-step that every case would
/// otherwise recompute. Build it once with [`Plan::new`] and share it between threads.
pub struct Plan<'p> {
    pub procedure: &'p Procedure,
    pub calendar: &'p Calendar,
    steps: NameMap<'p, StepId>,
    facts: NameMap<'p, FactId>,
    roles: NameMap<'p, RoleId>,
    /// Per step: its name as a JSON string, quoted and escaped, for the renderers.
    pub(crate) json_names: Vec<String>,
    /// For a step that finishes a piece of a together block: that block.
    pub(crate) tail_of: Vec<Option<StepId>>,
    /// The steps that get rows in a report, in declaration order.
    pub(crate) row_steps: Vec<StepId>,
    name_width: usize,
}

impl<'p> Plan<'p> {
    pub fn new(procedure: &'p Procedure, calendar: &'p Calendar) -> Plan<'p> {
        let n = procedure.steps.len();
        let mut tail_of = vec![None; n];
        for (index, step) in procedure.steps.iter().enumerate() {
            if let StepKind::Together { members, .. } = &step.kind {
                for tail in branch_tails(&procedure.steps, members) {
                    if let Some(slot) = tail_of.get_mut(tail.0 as usize) {
                        *slot = Some(StepId(index as u32));
                    }
                }
            }
        }
        let reachable = reachable_from_start(procedure);
        let row_steps: Vec<StepId> = procedure
            .step_ids()
            .filter(|id| reachable[id.0 as usize])
            .filter(|id| {
                !matches!(
                    procedure.step(*id).kind,
                    StepKind::Join { .. } | StepKind::End
                )
            })
            .collect();
        let name_width = row_steps
            .iter()
            .map(|id| {
                let step = procedure.step(*id);
                let extra = match step.kind {
                    StepKind::Recurring { .. } => 4,
                    _ => 0,
                };
                step.id.len() + extra
            })
            .max()
            .unwrap_or(0)
            .max(4);
        let json_names = procedure
            .steps
            .iter()
            .map(|step| {
                let mut quoted = String::new();
                crate::render::push_json_string(&mut quoted, &step.id);
                quoted
            })
            .collect();
        Plan {
            name_width,
            json_names,
            procedure,
            calendar,
            steps: procedure
                .step_ids()
                .map(|id| (procedure.step(id).id.as_str(), id))
                .collect(),
            facts: (0..procedure.facts.len() as u32)
                .map(|i| (procedure.fact(FactId(i)).id.as_str(), FactId(i)))
                .collect(),
            roles: (0..procedure.roles.len() as u32)
                .map(|i| (procedure.role(RoleId(i)).id.as_str(), RoleId(i)))
                .collect(),
            tail_of,
            row_steps,
        }
    }

    pub fn step_named(&self, name: &str) -> Option<StepId> {
        self.steps.get(name).copied()
    }

    pub fn fact_named(&self, name: &str) -> Option<FactId> {
        self.facts.get(name).copied()
    }

    pub fn role_named(&self, name: &str) -> Option<RoleId> {
        self.roles.get(name).copied()
    }

    /// The names a case file may record, for "did you mean".
    pub(crate) fn event_step_names(&self) -> impl Iterator<Item = &'p str> + '_ {
        self.procedure
            .steps
            .iter()
            .filter(|step| !matches!(step.kind, StepKind::Join { .. }))
            .map(|step| step.id.as_str())
    }

    /// "threshold, expected_delivery", or "none" for a procedure without facts.
    pub(crate) fn fact_list(&self) -> String {
        if self.procedure.facts.is_empty() {
            return "none".to_string();
        }
        let names: Vec<&str> = self.procedure.facts.iter().map(|f| f.id.as_str()).collect();
        names.join(", ")
    }

    /// The steps that get rows in a report, in declaration order.
    pub fn row_steps(&self) -> &[StepId] {
        &self.row_steps
    }

    /// The width of the step column of a table: the longest row name (with ` #N` for
    /// recurring work), at least 4.
    pub fn name_width(&self) -> usize {
        self.name_width
    }
}

/// Every step a case could ever reach from the start, ignoring facts and outcomes; schedule
/// edges count, so checkpoints and recurring work of reachable steps are included.
fn reachable_from_start(procedure: &Procedure) -> Vec<bool> {
    let mut seen = vec![false; procedure.steps.len()];
    let mut stack = vec![procedure.start];
    while let Some(step) = stack.pop() {
        let Some(slot) = seen.get_mut(step.0 as usize) else {
            continue;
        };
        if std::mem::replace(slot, true) {
            continue;
        }
        stack.extend(
            procedure
                .graph
                .graph
                .neighbors(waymark_compile::graph::node(step))
                .map(|node| StepId(node.index() as u32)),
        );
    }
    // A checkpoint counted from a fact has no schedule edge: it applies to every case.
    for (index, step) in procedure.steps.iter().enumerate() {
        let from_fact = matches!(step.kind, StepKind::Checkpoint { .. })
            && step
                .deadlines
                .iter()
                .any(|d| !matches!(d.clock, waymark_compile::Clock::AfterStep(_)));
        if from_fact {
            seen[index] = true;
        }
    }
    seen
}

/// Names to ids. Keys are the procedure's own names, so a simple fast hash is safe here.
type NameMap<'p, T> = HashMap<&'p str, T, BuildHasherDefault<NameHasher>>;

/// FNV-1a, eight bytes at a time: names are short, and SipHash's set-up costs more than they do.
#[derive(Default)]
struct NameHasher(u64);

impl Hasher for NameHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut hash = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            hash = (hash ^ u64::from_le_bytes(word)).wrapping_mul(0x0100_0000_01b3);
            hash ^= hash >> 29;
        }
        for byte in chunks.remainder() {
            hash = (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = hash;
    }

    fn finish(&self) -> u64 {
        self.0
    }
}
