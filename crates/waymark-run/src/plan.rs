//! [`Plan`]: what the replay needs to know about a procedure, worked out once before any case
//! is run: names to look up, the order of the steps, which steps get rows, how together blocks
//! finish.
#![allow(
    clippy::indexing_slicing,
    reason = "step, role, fact and source ids are indexes the compiler made into this procedure's own lists, and every per-step list here is sized to the procedure's steps"
)]

use waymark_calendar::Calendar;
use waymark_compile::{
    DeadlineKind, FactIndex, FactValue, Procedure, RoleIndex, RouteWhen, StepIndex, StepKind, Test,
    graph::Tails,
};

/// A compiled procedure and a calendar, with everything per-step that every case would
/// otherwise recompute. Build it once with [`Plan::new`] and share it between threads.
pub struct Plan<'p> {
    pub procedure: &'p Procedure,
    pub calendar: &'p Calendar,
    steps: NameMap<'p, StepIndex>,
    facts: NameMap<'p, FactIndex>,
    roles: NameMap<'p, RoleIndex>,
    /// The step and role names again, for the quick JSON reader to find where they stand.
    pub(crate) line_names: crate::read::json::LineNames,
    /// Some together block's pieces are alternatives (`any of`); most procedures have none,
    /// and then the replay never asks whether a step is still needed.
    pub(crate) any_of: bool,
    /// Per step: who may record it (see [`RoleRules`]).
    pub(crate) role_rules: Vec<RoleRules>,
    /// The steps that get rows in a report, in declaration order.
    pub(crate) row_steps: Vec<StepIndex>,
    /// Per step: what the replay's passes ask of it, in one place (see [`Shape`]).
    pub(crate) shapes: Vec<Shape>,
    /// Per step: its one deadline, when that is a limit with no condition counted after a
    /// step (most deadlines): its due date is then one sum, with no rules to weigh.
    pub(crate) plain_limits: Vec<Option<PlainLimit>>,
    /// The steps in the procedure's order.
    pub(crate) in_order: Vec<StepIndex>,
    /// Some decision's route has a condition of its own that may wait on a decision or a
    /// recording step (`on section47 then enquiry when ...`; most procedures have none, and
    /// then the replay never looks at those conditions for it).
    pub(crate) waiting_outcome_routes: bool,
    /// The steps that need a sign-off or several roles' records (most procedures have none,
    /// and then the replay does no work for them).
    pub(crate) signoffs: SignoffSteps,
    /// Work due `before each STEP`, with that STEP (most procedures have none, and then the
    /// replay does no work for it).
    pub(crate) each: Vec<(StepIndex, StepIndex)>,
    /// Of the work in `each`, that due after each occurrence rather than before: work that
    /// repeats with a limit counted from a step that repeats (the safety plan of each strategy
    /// meeting, the review of each draft on a loop).
    pub(crate) after_each: Vec<StepIndex>,
}

/// The steps whose records `replay/signoff.rs` looks at after the replay.
#[derive(Clone, Debug, Default)]
pub(crate) struct SignoffSteps {
    /// Steps with an `approved by` line.
    pub approvals: Vec<StepIndex>,
    /// Steps with a `by a and b` rule: every role named must record it.
    pub joint: Vec<StepIndex>,
}

impl SignoffSteps {
    fn of(procedure: &Procedure) -> SignoffSteps {
        let with = |keep: fn(&waymark_compile::Step) -> bool| {
            procedure
                .step_ids()
                .filter(|id| keep(procedure.step(*id)))
                .collect()
        };
        SignoffSteps {
            approvals: with(|step| step.approval.is_some()),
            joint: with(|step| step.roles.iter().any(|rule| rule.all)),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.approvals.is_empty() && self.joint.is_empty()
    }
}

/// Who may record a step whatever a case's facts, as a set of roles (bit N for role N; roles
/// past the 64th are left to the step's own rules), so that the usual record is checked
/// without testing a condition.
#[derive(Clone, Debug, Default)]
pub(crate) struct RoleRules {
    /// Roles a rule without a condition allows.
    pub always: u64,
    /// When every rule with a condition is `when FACT is VALUE` on one fact the case file gives
    /// (the shipped procedures' `by social_worker when threshold is level4`): per value, the
    /// roles it allows. A record is then checked by one look at the case's fact.
    pub on_fact: Option<(FactIndex, Vec<(FactValue, u64)>)>,
    /// The same rules when that fact is a choice (`one of`): per choice, by its index, every
    /// role allowed (those of `always` too), so the usual record is one look and one test.
    pub by_choice: Option<(FactIndex, Vec<u64>)>,
}

impl RoleRules {
    fn of(procedure: &Procedure, step: &waymark_compile::Step) -> RoleRules {
        let mut rules = RoleRules::default();
        for rule in step.roles.iter().filter(|rule| rule.guard.is_none()) {
            for role in &rule.roles {
                rules.always |= RoleRules::bit(*role);
            }
        }
        rules.on_fact = RoleRules::on_one_fact(procedure, step);
        rules.by_choice = rules.on_fact.as_ref().and_then(|(fact, values)| {
            let mut masks = Vec::new();
            for (value, mask) in values {
                let FactValue::Choice(choice) = value else {
                    return None;
                };
                let choice = *choice as usize;
                if masks.len() <= choice {
                    masks.resize(choice + 1, rules.always);
                }
                masks[choice] |= mask;
            }
            Some((*fact, masks))
        });
        rules
    }

    /// Whether `role` may record the step in a case whose facts say `value`, by the table per
    /// choice: `false` means "not by the table" (the step's rules then say).
    #[inline(always)]
    pub fn allows_by_choice(&self, role_bit: u64, facts: &[Option<FactValue>]) -> bool {
        let Some((fact, masks)) = &self.by_choice else {
            return false;
        };
        match facts.get(fact.0 as usize) {
            Some(Some(FactValue::Choice(choice))) => masks
                .get(*choice as usize)
                .is_some_and(|mask| mask & role_bit != 0),
            _ => false,
        }
    }

    /// The roles each value of one case fact allows, when the step's conditions all have the
    /// shape `when FACT is VALUE` on that one fact (not a decision's outcome, not a fact
    /// recorded at a step: those change during the case).
    fn on_one_fact(
        procedure: &Procedure,
        step: &waymark_compile::Step,
    ) -> Option<(FactIndex, Vec<(FactValue, u64)>)> {
        let mut fact = None;
        let mut values = Vec::new();
        for rule in &step.roles {
            let Some(guard) = &rule.guard else { continue };
            let [alternative] = guard.any_of.as_slice() else {
                return None;
            };
            let [condition] = alternative.as_slice() else {
                return None;
            };
            let Test::Is(value) = condition.test else {
                return None;
            };
            if *fact.get_or_insert(condition.fact) != condition.fact {
                return None;
            }
            let mask = rule
                .roles
                .iter()
                .fold(0, |mask, role| mask | RoleRules::bit(*role));
            values.push((value, mask));
        }
        let fact = fact?;
        procedure
            .fact(fact)
            .known_at()
            .is_none()
            .then_some((fact, values))
    }

    /// Whether `role` may record the step in a case whose facts say `value` of the fact in
    /// `on_fact`; `None` when the rules do not have that shape (test them one by one).
    pub fn allows_on_fact(&self, role: RoleIndex, value: Option<FactValue>) -> Option<bool> {
        let (_, values) = self.on_fact.as_ref()?;
        let bit = RoleRules::bit(role);
        let allowed = values
            .iter()
            .filter(|(allowing, _)| Some(*allowing) == value)
            .any(|(_, mask)| mask & bit != 0);
        Some(allowed || self.always & bit != 0)
    }

    /// The role's bit, or none past the 64th role.
    pub fn bit(role: RoleIndex) -> u64 {
        1u64.checked_shl(role.0).unwrap_or(0)
    }
}

/// A step's kind without its details, for the replay's passes that only ask which kind a
/// step is: one byte to read, where telling [`StepKind`]'s variants apart costs a few
/// instructions on every step of every case.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Task,
    Decision,
    Together,
    Join,
    Checkpoint,
    Recurring,
    End,
}

impl Kind {
    fn of(kind: &StepKind) -> Kind {
        match kind {
            StepKind::Task => Kind::Task,
            StepKind::Decision => Kind::Decision,
            StepKind::Together { .. } => Kind::Together,
            StepKind::Join { .. } => Kind::Join,
            StepKind::Checkpoint { .. } => Kind::Checkpoint,
            StepKind::Recurring { .. } => Kind::Recurring,
            StepKind::End => Kind::End,
        }
    }

    /// A task or a decision: the steps a case records and can stand at.
    pub fn is_recordable(self) -> bool {
        matches!(self, Kind::Task | Kind::Decision)
    }

    /// A task, a decision or an end: the steps whose record moves a case along its path.
    pub fn is_on_the_way(self) -> bool {
        matches!(self, Kind::Task | Kind::Decision | Kind::End)
    }
}

/// What the replay's passes ask of every step, in 32 bytes: reading it from the step itself
/// opened a large struct, and a separate table per question cost a look-up (and a bounds
/// check) per question for every step of every case; one entry answers them all.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Shape {
    /// Its kind without the details.
    pub kind: Kind,
    pub repeats: bool,
    pub optional: bool,
    /// Some route's own condition reads a decision's outcome or a fact recorded at a step, so
    /// the way on may wait for a record (only these steps are asked whether it does).
    pub routes_wait: bool,
    /// Which kinds of deadline it has (most have none).
    pub deadlines: DeadlineKinds,
    /// Its place in the procedure's order (see [`graph_order`]).
    pub rank: u32,
    /// For a step that finishes a piece of a together block: the block's join, where the
    /// pieces meet.
    pub piece_join: Option<StepIndex>,
    /// For work due before (or after) each occurrence of a step, as in `each`: that step.
    pub each_of: Option<StepIndex>,
    /// For a join: how many pieces of its together block must finish (every one, or for
    /// any-of work one).
    pub pieces: u32,
}

/// A step's only deadline: `due AMOUNT UNIT after STEP`, with no condition.
#[derive(Clone, Copy, Debug)]
pub(crate) struct PlainLimit {
    /// The step whose record starts the clock.
    pub after: StepIndex,
    pub amount: i64,
    pub unit: waymark_compile::Unit,
}

impl PlainLimit {
    fn of(step: &waymark_compile::Step) -> Option<PlainLimit> {
        let [deadline] = step.deadlines.as_slice() else {
            return None;
        };
        match (deadline.kind, &deadline.guard, deadline.clock) {
            (DeadlineKind::Limit, None, waymark_compile::Clock::AfterStep(after)) => {
                Some(PlainLimit {
                    after,
                    amount: i64::from(deadline.amount),
                    unit: deadline.unit,
                })
            }
            _ => None,
        }
    }
}

/// Which kinds of deadline a step has.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct DeadlineKinds {
    pub limit: bool,
    pub target: bool,
}

impl<'p> Plan<'p> {
    pub fn new(procedure: &'p Procedure, calendar: &'p Calendar) -> Plan<'p> {
        let n = procedure.steps.len();
        let mut piece_join = vec![None; n];
        let mut pieces = vec![0; n];
        // One set of marks for every block's walk (see `Tails`).
        let mut tails = Tails::new(n);
        for step in &procedure.steps {
            if let StepKind::Together { members, join, .. } = &step.kind {
                for tail in tails.of(&procedure.steps, members) {
                    if let Some(slot) = piece_join.get_mut(tail.0 as usize) {
                        *slot = Some(*join);
                    }
                }
                // Any-of work is done by its first piece.
                if let Some(slot) = pieces.get_mut(join.0 as usize) {
                    *slot = match step.kind.any_of_join() {
                        Some(_) => 1,
                        None => members.len() as u32,
                    };
                }
            }
        }
        let reachable = reachable_from_start(procedure);
        let row_steps: Vec<StepIndex> = procedure
            .step_ids()
            .filter(|id| reachable[id.0 as usize])
            .filter(|id| {
                !matches!(
                    procedure.step(*id).kind,
                    StepKind::Join { .. } | StepKind::End
                )
            })
            .collect();
        let deadline_kinds: Vec<DeadlineKinds> = procedure
            .steps
            .iter()
            .map(|step| {
                let has = |kind| step.deadlines.iter().any(|d| d.kind == kind);
                DeadlineKinds {
                    limit: has(DeadlineKind::Limit),
                    target: has(DeadlineKind::Target),
                }
            })
            .collect();
        let in_order = graph_order(procedure);
        let mut rank = vec![0; n];
        for (place, id) in in_order.iter().enumerate() {
            rank[id.0 as usize] = place as u32;
        }
        let each: Vec<(StepIndex, StepIndex)> = procedure
            .step_ids()
            .filter_map(|id| {
                let step = procedure.step(id);
                let occurs = step
                    .deadlines
                    .iter()
                    .find_map(|d| d.clock.each_occurrence_of());
                occurs
                    .or_else(|| after_each_occurrence_of(procedure, id))
                    .map(|occurs| (id, occurs))
            })
            .collect();
        let shapes = (procedure.step_ids())
            .map(|id| {
                let step = procedure.step(id);
                let at = id.0 as usize;
                Shape {
                    kind: Kind::of(&step.kind),
                    repeats: step.repeats,
                    optional: step.optional.is_some(),
                    routes_wait: routes_wait(procedure, step),
                    deadlines: deadline_kinds[at],
                    rank: rank[at],
                    piece_join: piece_join[at],
                    each_of: each.iter().find(|(work, _)| *work == id).map(|(_, of)| *of),
                    pieces: pieces[at],
                }
            })
            .collect();
        Plan {
            waiting_outcome_routes: waiting_outcome_routes(procedure),
            shapes,
            plain_limits: procedure.steps.iter().map(PlainLimit::of).collect(),
            in_order,
            procedure,
            calendar,
            steps: procedure
                .step_ids()
                .map(|id| (procedure.step(id).id.as_str(), id))
                .collect(),
            facts: (0..procedure.facts.len() as u32)
                .map(|i| (procedure.fact(FactIndex(i)).id.as_str(), FactIndex(i)))
                .collect(),
            roles: (0..procedure.roles.len() as u32)
                .map(|i| (procedure.role(RoleIndex(i)).id.as_str(), RoleIndex(i)))
                .collect(),
            line_names: crate::read::json::LineNames::of(procedure),
            any_of: procedure
                .steps
                .iter()
                .any(|step| step.kind.any_of_join().is_some()),
            role_rules: (procedure.steps.iter())
                .map(|step| RoleRules::of(procedure, step))
                .collect(),
            row_steps,
            signoffs: SignoffSteps::of(procedure),
            each,
            after_each: procedure
                .step_ids()
                .filter(|id| after_each_occurrence_of(procedure, *id).is_some())
                .collect(),
        }
    }

    #[inline]
    pub fn step_named(&self, name: &str) -> Option<StepIndex> {
        self.steps.get(name)
    }

    #[inline]
    pub fn fact_named(&self, name: &str) -> Option<FactIndex> {
        self.facts.get(name)
    }

    #[inline]
    pub fn role_named(&self, name: &str) -> Option<RoleIndex> {
        self.roles.get(name)
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
        // The facts a case gives: not a decision's outcome, nor a fact a step's record gives.
        let names: Vec<&str> = (self.procedure.facts.iter())
            .filter(|f| f.known_at().is_none())
            .map(|f| f.id.as_str())
            .collect();
        match names.is_empty() {
            true => "none".to_string(),
            false => names.join(", "),
        }
    }

    /// The steps that get rows in a report, in declaration order.
    pub fn row_steps(&self) -> &[StepIndex] {
        &self.row_steps
    }

    /// For work due `before each STEP`: that STEP.
    pub(crate) fn each_of(&self, work: StepIndex) -> Option<StepIndex> {
        self.shapes[work.0 as usize].each_of
    }

    /// Whether `work` is due after each occurrence of its step (rather than before each).
    pub(crate) fn counts_after_each(&self, work: StepIndex) -> bool {
        self.after_each.contains(&work)
    }

    /// The step's place in the procedure's order: a step comes before every step a case can
    /// move on to from it (but along a loop back).
    pub fn rank(&self, step: StepIndex) -> u32 {
        self.shapes
            .get(step.0 as usize)
            .map_or(u32::MAX, |shape| shape.rank)
    }
}

/// The steps in the order the procedure lets a case do them: a depth-first walk from the start
/// along every edge (routes, the pieces of together blocks, joins, and the clocks of
/// checkpoints and recurring work), in reverse post-order, so that along every edge but a loop
/// back the step before comes first. Steps the start cannot reach follow, in declaration
/// order. Records of one day are applied in this order.
fn graph_order(procedure: &Procedure) -> Vec<StepIndex> {
    let n = procedure.steps.len();
    let graph = &procedure.graph;
    let mut seen = vec![false; n];
    let mut post_order = Vec::with_capacity(n);
    // Each entry: a step and its successors still to visit (iterative: no recursion depth).
    let mut stack: Vec<(StepIndex, Vec<StepIndex>)> = Vec::new();
    let successors = |step: StepIndex| -> Vec<StepIndex> {
        // `all_next` lists a step's edges latest added first; in declaration order, the last is popped
        // and visited first, so that reversing the post-order puts the first-declared first.
        let mut next: Vec<StepIndex> = graph.all_next(step).collect();
        next.reverse();
        next
    };
    for root in std::iter::once(procedure.start).chain(procedure.step_ids()) {
        if seen.get(root.0 as usize).is_none_or(|seen| *seen) {
            continue;
        }
        seen[root.0 as usize] = true;
        stack.push((root, successors(root)));
        while let Some((step, next)) = stack.last_mut() {
            match next.pop() {
                Some(child) if !seen[child.0 as usize] => {
                    seen[child.0 as usize] = true;
                    let children = successors(child);
                    stack.push((child, children));
                }
                Some(_) => {}
                None => {
                    post_order.push(*step);
                    stack.pop();
                }
            }
        }
    }
    post_order.reverse();
    post_order
}

/// For work that repeats whose limit counts after a step that also repeats: that step. Each
/// time round is then judged by its own occurrence (the second meeting's safety plan is due
/// the day of the second meeting), not only the first.
fn after_each_occurrence_of(procedure: &Procedure, id: StepIndex) -> Option<StepIndex> {
    let step = procedure.step(id);
    if !step.repeats || !matches!(step.kind, StepKind::Task | StepKind::Decision) {
        return None;
    }
    step.deadlines
        .iter()
        .find_map(|deadline| match deadline.clock {
            waymark_compile::Clock::AfterStep(from)
                if deadline.kind == waymark_compile::DeadlineKind::Limit
                    && from != id
                    && procedure.step(from).repeats =>
            {
                Some(from)
            }
            _ => None,
        })
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
        stack.extend(procedure.graph.all_next(step));
    }
    // A checkpoint counted from a fact has no schedule edge: it applies to every case.
    for (index, step) in procedure.steps.iter().enumerate() {
        let from_fact = matches!(step.kind, StepKind::Checkpoint { .. })
            && step.deadlines.iter().any(|d| d.clock.step().is_none());
        if from_fact {
            seen[index] = true;
        }
    }
    seen
}

/// Names to ids, looked up once per event of every case, so made for that: an open-addressing
/// table at most a quarter full. A name is known by its length and its first, middle and last
/// eight bytes (which, for names of up to 24 bytes, are the whole name), so most look-ups
/// compare four numbers and never the text.
struct NameMap<'p, T> {
    slots: Vec<Option<(NameKey, &'p str, T)>>,
    mask: usize,
}

#[derive(Clone, Copy, PartialEq, Eq)]
struct NameKey {
    len: usize,
    head: u64,
    /// Bytes 8 to 16 of a name of 16 bytes or more (ids such as `family_practitioner` or
    /// `assessment_complete` are longer than 16); 0 for a shorter one.
    middle: u64,
    tail: u64,
}

/// Names of up to this many bytes are compared by their [`NameKey`] alone.
const WHOLE_KEY: usize = 24;

impl NameKey {
    /// A name's key: for a name of up to 24 bytes its first, middle and last eight bytes
    /// overlap or meet, so the key is the whole name. Shorter names are read in overlapping
    /// pieces in the same way, so no bytes are ever copied (a copy of a few bytes is a call to
    /// `memcpy`).
    #[inline(always)]
    fn of(name: &str) -> NameKey {
        let bytes = name.as_bytes();
        let (head, tail) = match (bytes.first_chunk::<8>(), bytes.last_chunk::<8>()) {
            (Some(head), Some(tail)) => (u64::from_le_bytes(*head), u64::from_le_bytes(*tail)),
            _ => (short_name(bytes), 0),
        };
        let middle = (bytes.get(8..).and_then(<[u8]>::first_chunk::<8>))
            .map_or(0, |middle| u64::from_le_bytes(*middle));
        NameKey {
            len: bytes.len(),
            head,
            middle,
            tail,
        }
    }

    fn slot(self, mask: usize) -> usize {
        let mixed = (self.head ^ self.tail.rotate_left(29) ^ self.len as u64)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15);
        (mixed >> 32) as usize & mask
    }
}

/// A name of under eight bytes as one number: its first and last four bytes when it has four
/// or more, else its first, middle and last byte. With the length, that is the whole name.
fn short_name(bytes: &[u8]) -> u64 {
    let four = |chunk: Option<&[u8; 4]>| u64::from(u32::from_le_bytes(*chunk.unwrap_or(&[0; 4])));
    if bytes.len() >= 4 {
        return four(bytes.first_chunk()) | four(bytes.last_chunk()) << 32;
    }
    let byte = |at: usize| u64::from(bytes.get(at).copied().unwrap_or(0));
    match bytes.len() {
        0 => 0,
        n => byte(0) | byte(n / 2) << 8 | byte(n - 1) << 16,
    }
}

impl<'p, T: Copy> FromIterator<(&'p str, T)> for NameMap<'p, T> {
    fn from_iter<I: IntoIterator<Item = (&'p str, T)>>(names: I) -> Self {
        let names: Vec<(&'p str, T)> = names.into_iter().collect();
        let size = (names.len() * 4).next_power_of_two().max(8);
        let mut map = NameMap {
            slots: vec![None; size],
            mask: size - 1,
        };
        for (name, value) in names {
            // Names are unique in a checked procedure; were one repeated, the first is kept.
            if map.get(name).is_some() {
                continue;
            }
            let key = NameKey::of(name);
            let mut at = key.slot(map.mask);
            while map.slots[at].is_some() {
                at = (at + 1) & map.mask;
            }
            map.slots[at] = Some((key, name, value));
        }
        map
    }
}

impl<T: Copy> NameMap<'_, T> {
    /// Inlined: a call cost more than the look-up.
    #[inline(always)]
    fn get(&self, name: &str) -> Option<T> {
        let key = NameKey::of(name);
        let mut at = key.slot(self.mask);
        loop {
            let (taken, text, value) = self.slots[at]?;
            if taken == key && (key.len <= WHOLE_KEY || text == name) {
                return Some(value);
            }
            at = (at + 1) & self.mask;
        }
    }
}

/// Whether some route of `step` has a condition that reads what a step's record gives.
fn routes_wait(procedure: &Procedure, step: &waymark_compile::Step) -> bool {
    step.routes.iter().any(|route| match &route.when {
        RouteWhen::Guard(guard) => (guard.any_of.iter().flatten())
            .any(|condition| procedure.fact(condition.fact).known_at().is_some()),
        _ => false,
    })
}

/// Whether some decision's route has a condition of its own that reads what a step's record
/// gives (an earlier decision's outcome, a fact recorded at a step).
fn waiting_outcome_routes(procedure: &Procedure) -> bool {
    let waits = |guard: &waymark_compile::Guard| {
        (guard.any_of.iter().flatten()).any(|c| procedure.fact(c.fact).known_at().is_some())
    };
    (procedure.steps.iter().flat_map(|step| &step.routes)).any(|route| match &route.when {
        RouteWhen::OutcomeWhen(_, guard) => waits(guard),
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_found_and_strangers_are_not() {
        let names: Vec<String> = (0..300)
            .map(|i| match i % 2 {
                // Ids of over 24 bytes are compared as text too.
                0 => format!("step_number_{i}_of_many"),
                _ => format!("a_much_longer_step_number_{i}_of_many"),
            })
            .collect();
        let map: NameMap<'_, usize> = names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.as_str(), i))
            .collect();
        for (index, name) in names.iter().enumerate() {
            assert_eq!(map.get(name), Some(index));
        }
        for stranger in [
            "",
            "step",
            "step_number_300_of_many",
            "step_number_1_of_man",
            "step_number_1_of_manx",
            "step_number_1X_of_many",
            "step_number_1_of_many",
            "a_much_longer_step_number_2_of_many",
            "a_much_longer_step_number_1_of_manx",
        ] {
            assert_eq!(map.get(stranger), None, "{stranger}");
        }
        // Every short name is told from every other of its length: its key is the whole name.
        let short: Vec<String> = [
            "", "a", "b", "ab", "ba", "abc", "acb", "bac", "abcd", "abdc",
        ]
        .iter()
        .chain(&[
            "abcde", "abcdf", "bbcde", "abcdef", "abcxef", "abcdefg", "abcdxfg",
        ])
        .map(|name| name.to_string())
        .collect();
        let map: NameMap<'_, usize> = short
            .iter()
            .enumerate()
            .map(|(i, n)| (n.as_str(), i))
            .collect();
        for (index, name) in short.iter().enumerate() {
            assert_eq!(map.get(name), Some(index), "{name}");
        }
        for stranger in ["c", "aa", "bb", "aab", "abce", "abcdd", "abcdeg", "abcdefx"] {
            assert_eq!(map.get(stranger), None, "{stranger}");
        }
        let twice: NameMap<'_, usize> = [("a", 1), ("a", 2)].into_iter().collect();
        assert_eq!(twice.get("a"), Some(1));
    }

    fn compiled(text: &str) -> Procedure {
        let parsed = waymark_syntax::parse(waymark_diagnostics::FileId(0), text);
        let compiled = waymark_compile::compile(parsed.document, &mut waymark_compile::NoFiles);
        assert!(!compiled.has_errors(), "{:?}", compiled.diagnostics);
        compiled.procedure.expect("the test procedure compiles")
    }

    #[test]
    fn only_a_single_limit_with_no_condition_after_a_step_is_plain() {
        let procedure = compiled(
            r#"
procedure t "Deadlines"
fact urgent "Urgent" is yes or no
start referral
step referral "Referral"
  untimed "the clock starts here"
  then visit
step visit "Visit"
  due 5 working days after referral
  then plan
step plan "Plan"
  target 3 working days after visit
  due 10 working days after visit
  then review
step review "Review"
  due 2 working days after plan when urgent is yes
  due 5 working days after plan when urgent is no
  then done
end done "Done"
"#,
        );
        let plain = |name: &str| {
            let step = procedure.step(StepIndex(
                procedure.steps.iter().position(|s| s.id == name).unwrap() as u32,
            ));
            PlainLimit::of(step).map(|limit| (limit.after, limit.amount, limit.unit))
        };
        let referral = StepIndex(0);
        assert_eq!(
            plain("visit"),
            Some((referral, 5, waymark_compile::Unit::WorkingDays))
        );
        assert!(plain("referral").is_none(), "no deadline");
        assert!(plain("plan").is_none(), "a target beside the limit");
        assert!(plain("review").is_none(), "limits with conditions");
    }

    #[test]
    fn roles_that_turn_on_one_case_fact_are_read_off_that_fact() {
        let procedure = compiled(
            r#"
procedure t "Roles"
role a "A"
role b "B"
role c "C"
fact level "Level" is one of one, two, optional
fact other "Other" is yes or no, optional
start visit
step visit "Visit"
  by a when level is one
  by b when level is two
  by c
  untimed "any time"
  then check
step check "Check"
  by a when level is one
  by b when other is yes
  untimed "any time"
  then done
end done "Done"
"#,
        );
        let plan = Plan::new(&procedure, waymark_calendar::default_calendar());
        let (visit, check) = (plan.step_named("visit"), plan.step_named("check"));
        let rules = |step: Option<StepIndex>| &plan.role_rules[step.map_or(0, |s| s.0 as usize)];
        let role = |name| plan.role_named(name).expect("a role of the test procedure");
        let one = Some(FactValue::Choice(0));
        let visit_rules = rules(visit);
        assert_eq!(visit_rules.allows_on_fact(role("a"), one), Some(true));
        assert_eq!(visit_rules.allows_on_fact(role("b"), one), Some(false));
        assert_eq!(visit_rules.allows_on_fact(role("c"), one), Some(true));
        assert_eq!(visit_rules.allows_on_fact(role("a"), None), Some(false));
        assert_eq!(visit_rules.allows_on_fact(role("c"), None), Some(true));
        // Conditions on two facts: left to the rules one by one.
        assert_eq!(rules(check).allows_on_fact(role("a"), one), None);
        // The table per choice gives the same answers, and none without the fact.
        let level = plan.fact_named("level").map_or(0, |fact| fact.0 as usize);
        let mut facts = vec![None; procedure.facts.len()];
        let by_choice = |facts: &[Option<FactValue>], name| {
            visit_rules.allows_by_choice(RoleRules::bit(role(name)), facts)
        };
        assert!(!by_choice(&facts, "c"), "no fact: left to the rules");
        facts[level] = one;
        assert!(by_choice(&facts, "a"));
        assert!(!by_choice(&facts, "b"));
        assert!(by_choice(&facts, "c"));
        facts[level] = Some(FactValue::Choice(1));
        assert!(!by_choice(&facts, "a"));
        assert!(by_choice(&facts, "b"));
        assert!(!rules(check).allows_by_choice(RoleRules::bit(role("a")), &facts));
    }
}
