//! The model in words, for messages, reports and drawings: "45 working days after referral",
//! "threshold is level4 or threshold is level3".
#![allow(
    clippy::indexing_slicing,
    reason = "condition indexes come from enumerating the same list of conditions"
)]

use crate::model::{
    Approval, Clock, Condition, Deadline, DeadlineKind, Extension, FactKind, FactValue, Guard,
    Procedure, RoleRule, RouteWhen, Step, StepIndex, Test, Unit,
};

impl Clock {
    /// "after", "before" or "before each": which way a deadline counts from its clock.
    pub fn direction(self) -> &'static str {
        match (self, self.counts_back()) {
            (Clock::BeforeEachStep(_), _) => "before each",
            (_, true) => "before",
            (_, false) => "after",
        }
    }

    /// "fact " before a fact's name, as the language writes a clock that is a date fact (a bare
    /// name is a step); "" for a step.
    pub fn fact_prefix(self) -> &'static str {
        match self {
            Clock::AfterFact(_) | Clock::BeforeFact(_) => "fact ",
            Clock::AfterStep(_)
            | Clock::BeforeStep(_)
            | Clock::BeforeEachStep(_)
            | Clock::AfterOutcome(..) => "",
        }
    }
}

impl Deadline {
    /// The amount and unit, or for work due at once its words: "45 working days", "same day".
    pub fn count_words(&self) -> String {
        match self.same_day() {
            Some(same) => same.to_string(),
            None => self.unit.amount_words(self.amount),
        }
    }
}

impl Procedure {
    /// "45 working days after referral", "4 weeks before fact expected_delivery", with the
    /// condition when there is one: "... when expected_delivery is known".
    pub fn deadline_words(&self, deadline: &Deadline) -> String {
        let clock = deadline.clock;
        let (count, written) = (deadline.count_words(), self.clock_words(clock));
        let counted = match deadline.same_day() {
            Some(_) => format!("{count} as {written}"),
            None => format!("{count} {} {written}", clock.direction()),
        };
        match &deadline.guard {
            Some(guard) => format!("{counted} when {}", self.guard_words(guard)),
            None => counted,
        }
    }

    /// One deadline as plain words for a drawing, by titles. `within` words a lone limit as
    /// "within 5 working days of referral received"; otherwise "5 working days after referral
    /// received". A condition on the date it counts from reads ", if known".
    pub fn deadline_sentence(&self, deadline: &Deadline, within: bool) -> String {
        let (count, clock) = (deadline.count_words(), self.clock_title(deadline.clock));
        let direction = deadline.clock.direction();
        let mut words = match (deadline.same_day(), deadline.clock.counts_back(), within) {
            (Some(_), _, true) => format!("on the {count} as {clock}"),
            (Some(_), _, false) => format!("the {count} as {clock}"),
            (None, true, true) => format!("at least {count} {direction} {clock}"),
            (None, false, true) => format!("within {count} of {clock}"),
            (None, _, false) => format!("{count} {direction} {clock}"),
        };
        if let Some(guard) = &deadline.guard {
            // "4 weeks before expected date of delivery, if known" rather than naming the date
            // twice.
            let known_clock = match (guard.any_of.as_slice(), deadline.clock) {
                ([all], Clock::AfterFact(fact) | Clock::BeforeFact(fact)) => matches!(
                    all.as_slice(),
                    [c] if c.fact == fact && c.test == Test::Known
                ),
                _ => false,
            };
            if known_clock {
                words.push_str(", if known");
            } else {
                words.push_str(&format!(" (when {})", self.guard_sentence(guard)));
            }
        }
        words
    }

    /// The name of the step or fact a clock counts from: "referral", "birth_date" (for an
    /// outcome's occurrence, the decision's name).
    pub fn clock_id(&self, clock: Clock) -> &str {
        match clock {
            Clock::AfterStep(step)
            | Clock::BeforeStep(step)
            | Clock::BeforeEachStep(step)
            | Clock::AfterOutcome(step, _) => &self.step(step).id,
            Clock::AfterFact(fact) | Clock::BeforeFact(fact) => &self.fact(fact).id,
        }
    }

    /// A clock as the language writes it: "referral", "fact birth_date",
    /// "strategy_discussion is section47".
    pub fn clock_words(&self, clock: Clock) -> String {
        match clock {
            Clock::AfterOutcome(step, outcome) => self.outcome_clock_words(step, outcome),
            _ => format!("{}{}", clock.fact_prefix(), self.clock_id(clock)),
        }
    }

    /// The step or fact a clock counts from, by its title as it reads in a sentence, for
    /// drawings: "referral received", "expected date of delivery".
    pub fn clock_title(&self, clock: Clock) -> String {
        match clock {
            Clock::AfterStep(step) | Clock::BeforeStep(step) | Clock::BeforeEachStep(step) => {
                self.step_in_sentence(step)
            }
            Clock::AfterFact(fact) | Clock::BeforeFact(fact) => {
                mid_sentence(&self.fact(fact).title)
            }
            Clock::AfterOutcome(step, outcome) => self.outcome_clock_sentence(step, outcome),
        }
    }

    /// Recurring work's schedule as written: "every 6 weeks while joint_work".
    pub fn every_words(&self, every: u32, unit: Unit, during: StepIndex) -> String {
        let every = unit.amount_words(every);
        format!("every {every} while {}", self.step(during).id)
    }

    /// Recurring work's schedule for a drawing, by the title of the step it recurs during:
    /// "every 6 weeks while the case is at joint work".
    pub fn every_sentence(&self, every: u32, unit: Unit, during: StepIndex) -> String {
        let every = unit.amount_words(every);
        let during = self.step_in_sentence(during);
        format!("every {every} while the case is at {during}")
    }

    /// "due 45 working days after referral" or "target 30 working days after referral".
    pub fn deadline_line(&self, deadline: &Deadline) -> String {
        let kind = match deadline.kind {
            DeadlineKind::Limit => "due",
            DeadlineKind::Target => "target",
        };
        format!("{kind} {}", self.deadline_words(deadline))
    }

    /// Who may act, as written: "by social_worker or manager when threshold is level3"; with
    /// `titles`, the roles' titles instead of their names, for drawings.
    pub fn role_rule_words(&self, rule: &RoleRule, titles: bool) -> String {
        let roles: Vec<&str> = rule
            .roles
            .iter()
            .map(|r| {
                let role = self.role(*r);
                if titles {
                    role.title.as_str()
                } else {
                    role.id.as_str()
                }
            })
            .collect();
        let roles = roles.join(rule.joiner());
        match &rule.guard {
            Some(guard) => format!("by {roles} when {}", self.guard_words(guard)),
            None => format!("by {roles}"),
        }
    }

    /// A sign-off as written: "approved by manager"; with `titles`, the roles' titles.
    pub fn approval_words(&self, approval: &Approval, titles: bool) -> String {
        let roles: Vec<&str> = approval
            .roles
            .iter()
            .map(|r| {
                let role = self.role(*r);
                if titles { &role.title } else { &role.id }
            })
            .map(String::as_str)
            .collect();
        format!("approved by {}", roles.join(" or "))
    }

    /// An extension as written: "extendable by up to 10 working days with reason, approved by
    /// manager".
    pub fn extension_words(&self, extension: &Extension) -> String {
        let bound = extension.unit.amount_words(extension.amount);
        match self.approvers_words(extension, false) {
            Some(roles) => format!("extendable by up to {bound} with reason, approved by {roles}"),
            None => format!("extendable by up to {bound} with reason"),
        }
    }

    /// An extension for a drawing, by titles: "extendable by up to 10 working days, with a
    /// reason and approval by Social Work Manager".
    pub fn extension_sentence(&self, extension: &Extension) -> String {
        let bound = extension.unit.amount_words(extension.amount);
        match self.approvers_words(extension, true) {
            Some(roles) => {
                format!("extendable by up to {bound}, with a reason and approval by {roles}")
            }
            None => format!("extendable by up to {bound}, with a reason"),
        }
    }

    /// The roles that may approve an extension, joined with "or"; `None` when a reason is
    /// enough.
    fn approvers_words(&self, extension: &Extension, titles: bool) -> Option<String> {
        if extension.approvers.is_empty() {
            return None;
        }
        let roles: Vec<&str> = (extension.approvers.iter())
            .map(|r| {
                let role = self.role(*r);
                if titles { &role.title } else { &role.id }
            })
            .map(String::as_str)
            .collect();
        Some(roles.join(" or "))
    }

    /// A condition as the author would write it after `when`.
    pub fn guard_words(&self, guard: &Guard) -> String {
        let alternatives: Vec<String> = guard
            .any_of
            .iter()
            .map(|all| {
                all.iter()
                    .map(|c| self.condition_words(c))
                    .collect::<Vec<_>>()
                    .join(" and ")
            })
            .collect();
        alternatives.join(" or ")
    }

    /// What takes a route: "threshold is level4", "otherwise", an outcome's name, or "". A
    /// decision's route with a condition of its own gives its condition ("age is at least 16")
    /// or "otherwise"; [`Procedure::outcome_words`] gives its outcome.
    pub fn route_words(&self, step: &Step, when: &RouteWhen) -> String {
        match when {
            RouteWhen::Always => String::new(),
            RouteWhen::Guard(guard) | RouteWhen::OutcomeWhen(_, guard) => self.guard_words(guard),
            RouteWhen::Otherwise | RouteWhen::OutcomeOtherwise(_) => "otherwise".to_string(),
            RouteWhen::Outcome(index) => self.outcome_words(step, *index),
        }
    }

    /// A decision's outcome by its name, or "" for an index it does not have.
    pub fn outcome_words(&self, step: &Step, outcome: usize) -> String {
        step.outcomes
            .get(outcome)
            .map_or_else(String::new, |o| o.id.clone())
    }

    /// A route's line as the author would write it: `then enquiry when age is at least 16`,
    /// `on section47 otherwise other_enquiry`.
    pub fn route_line(&self, step: &Step, when: &RouteWhen, target: &str) -> String {
        let words = self.route_words(step, when);
        let outcome = |o: usize| self.outcome_words(step, o);
        match when {
            RouteWhen::Always => format!("then {target}"),
            RouteWhen::Guard(_) => format!("then {target} when {words}"),
            RouteWhen::Otherwise => format!("otherwise {target}"),
            RouteWhen::Outcome(o) => format!("on {} then {target}", outcome(*o)),
            RouteWhen::OutcomeWhen(o, _) => {
                format!("on {} then {target} when {words}", outcome(*o))
            }
            RouteWhen::OutcomeOtherwise(o) => format!("on {} otherwise {target}", outcome(*o)),
        }
    }

    /// A condition as a sentence for a drawing: facts by their titles, words for values, and a
    /// range read as one ("age in years is 16 to 17, and housing situation at referral is
    /// homeless or imminent threat"). Alternatives are joined by "; or ".
    pub fn guard_sentence(&self, guard: &Guard) -> String {
        let alternatives: Vec<String> = guard
            .any_of
            .iter()
            .map(|all| self.conditions_sentence(all))
            .collect();
        alternatives.join("; or ")
    }

    /// "by Family Practitioner or Qualified Social Worker when threshold level is level3": a
    /// role rule for a drawing, with role titles and its condition as a sentence.
    pub fn role_rule_sentence(&self, rule: &RoleRule) -> String {
        let roles: Vec<&str> = rule
            .roles
            .iter()
            .map(|r| self.role(*r).title.as_str())
            .collect();
        let roles = roles.join(rule.joiner());
        match &rule.guard {
            Some(guard) => format!("by {roles} when {}", self.guard_sentence(guard)),
            None => format!("by {roles}"),
        }
    }

    fn conditions_sentence(&self, all: &[Condition]) -> String {
        let mut parts: Vec<String> = Vec::new();
        let mut used = vec![false; all.len()];
        for (index, condition) in all.iter().enumerate() {
            if used[index] {
                continue;
            }
            used[index] = true;
            // "at least A" and "at most B" of one fact read as the range "A to B".
            let upper = match condition.test {
                Test::AtLeast(_) => all.iter().enumerate().position(|(other, c)| {
                    !used[other] && c.fact == condition.fact && matches!(c.test, Test::AtMost(_))
                }),
                _ => None,
            };
            match (&condition.test, upper.map(|u| &all[u].test)) {
                (Test::AtLeast(low), Some(Test::AtMost(high))) => {
                    if let Some(u) = upper {
                        used[u] = true;
                    }
                    let fact = self.fact(condition.fact);
                    parts.push(format!(
                        "{} is {} to {}",
                        mid_sentence(&fact.title),
                        value_sentence(&fact.kind, low),
                        value_sentence(&fact.kind, high)
                    ));
                }
                _ => parts.push(self.condition_sentence(condition)),
            }
        }
        // A comma keeps "a or b, and c" from reading as "a or (b and c)".
        let joiner = if parts.iter().any(|p| p.contains(" or ")) {
            ", and "
        } else {
            " and "
        };
        parts.join(joiner)
    }

    fn condition_sentence(&self, condition: &Condition) -> String {
        let fact = self.fact(condition.fact);
        let title = mid_sentence(&fact.title);
        let value = |v: &FactValue| value_sentence(&fact.kind, v);
        if fact.decided_by.is_some() {
            return decision_sentence(&title, &condition.test, value);
        }
        match &condition.test {
            // A yes/no fact's title states it: "a Section 47 enquiry is part of the assessment".
            Test::Is(FactValue::YesNo(true)) | Test::IsNot(FactValue::YesNo(false)) => title,
            Test::Is(FactValue::YesNo(false)) | Test::IsNot(FactValue::YesNo(true)) => {
                format!("not so: {title}")
            }
            Test::Known => format!("{title} is known"),
            Test::NotKnown => format!("{title} is not known"),
            Test::Is(v) => format!("{title} is {}", value(v)),
            Test::IsNot(v) => format!("{title} is not {}", value(v)),
            Test::OneOf(values) => {
                let words: Vec<String> = values.iter().map(value).collect();
                match words.as_slice() {
                    [rest @ .., last] if !rest.is_empty() => {
                        format!("{title} is {} or {last}", rest.join(", "))
                    }
                    _ => format!("{title} is {}", words.join("")),
                }
            }
            Test::AtLeast(v) => format!("{title} is at least {}", value(v)),
            Test::AtMost(v) => format!("{title} is at most {}", value(v)),
            Test::Before(v) => format!("{title} is before {}", value(v)),
            Test::After(v) => format!("{title} is after {}", value(v)),
        }
    }

    /// A decision's occurrence with an outcome as written: "strategy_discussion is section47".
    pub fn outcome_clock_words(&self, decision: StepIndex, outcome: u32) -> String {
        format!(
            "{} is {}",
            self.step(decision).id,
            self.outcome_id(decision, outcome)
        )
    }

    /// The same inside a sentence, for drawings: "the strategy discussion for section 47" (short,
    /// so a box's deadline takes no more lines than one counted from the step itself).
    pub fn outcome_clock_sentence(&self, decision: StepIndex, outcome: u32) -> String {
        let words = self.outcome_id(decision, outcome).replace('_', " ");
        // "section47" reads "section 47": a space where letters meet digits.
        let mut spaced = String::with_capacity(words.len() + 2);
        let mut previous = ' ';
        for c in words.chars() {
            if c.is_ascii_digit() && previous.is_alphabetic() {
                spaced.push(' ');
            }
            spaced.push(c);
            previous = c;
        }
        format!("the {} for {spaced}", self.step_in_sentence(decision))
    }

    /// The name of a decision's outcome (empty should the index be out of range).
    pub fn outcome_id(&self, decision: StepIndex, outcome: u32) -> &str {
        let outcomes = &self.step(decision).outcomes;
        outcomes.get(outcome as usize).map_or("", |o| o.id.as_str())
    }

    /// A step's title as it reads inside a sentence: "referral received".
    pub fn step_in_sentence(&self, step: crate::model::StepIndex) -> String {
        mid_sentence(&self.step(step).title)
    }

    fn condition_words(&self, condition: &Condition) -> String {
        let fact = self.fact(condition.fact);
        let value = |v: &FactValue| value_words(&fact.kind, v);
        let test = match &condition.test {
            Test::Known => "is known".to_string(),
            Test::NotKnown => "is not known".to_string(),
            Test::Is(v) => format!("is {}", value(v)),
            Test::IsNot(v) => format!("is not {}", value(v)),
            Test::OneOf(values) => format!(
                "is one of {}",
                values.iter().map(value).collect::<Vec<_>>().join(", ")
            ),
            Test::AtLeast(v) => format!("is at least {}", value(v)),
            Test::AtMost(v) => format!("is at most {}", value(v)),
            Test::Before(v) => format!("is before {}", value(v)),
            Test::After(v) => format!("is after {}", value(v)),
        };
        format!("{} {test}", fact.id)
    }
}

/// A condition on a decision's outcome: "the strategy discussion decided section 47".
fn decision_sentence(title: &str, test: &Test, value: impl Fn(&FactValue) -> String) -> String {
    let either = |values: &[FactValue]| {
        let words: Vec<String> = values.iter().map(&value).collect();
        match words.as_slice() {
            [rest @ .., last] if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
            _ => words.join(""),
        }
    };
    match test {
        Test::Is(v) => format!("the {title} decided {}", value(v)),
        Test::IsNot(v) => format!("the {title} did not decide {}", value(v)),
        Test::OneOf(values) => format!("the {title} decided {}", either(values)),
        Test::Known => format!("the {title} is recorded"),
        Test::NotKnown => format!("the {title} is not recorded"),
        _ => format!("the {title} decided"),
    }
}

/// A title inside a sentence: its first letter lower case, unless the first word is an acronym
/// or a name kept in capitals ("ICPC", "Section 47 enquiry" stays as it is).
pub fn mid_sentence(title: &str) -> String {
    let mut words = title.split_whitespace();
    let first = words.next().unwrap_or("");
    let acronym = first.chars().skip(1).any(|c| c.is_uppercase())
        || first.chars().any(|c| c.is_ascii_digit());
    // "Section 47 ...", "Child Protection Plan ...": a name whose next word is capitalised too.
    let name = ["Section", "Child", "Children", "Local", "Family"].contains(&first)
        && words
            .next()
            .and_then(|w| w.chars().next())
            .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit());
    if acronym || name {
        return title.to_string();
    }
    let mut chars = title.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A value for a drawing: a word with spaces for underscores.
fn value_sentence(kind: &FactKind, value: &FactValue) -> String {
    value_words(kind, value).replace('_', " ")
}

fn value_words(kind: &FactKind, value: &FactValue) -> String {
    match (kind, value) {
        (FactKind::OneOf(options), FactValue::Choice(index)) => {
            options.get(*index as usize).cloned().unwrap_or_default()
        }
        (_, FactValue::YesNo(yes)) => if *yes { "yes" } else { "no" }.to_string(),
        (_, FactValue::Number(number)) => number.to_string(),
        (_, FactValue::Date(date)) => date.format("%Y-%m-%d").to_string(),
        (_, FactValue::Choice(index)) => index.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::mid_sentence;
    use crate::{NoFiles, compile};

    #[test]
    fn titles_read_inside_sentences() {
        assert_eq!(mid_sentence("Referral received"), "referral received");
        assert_eq!(mid_sentence("Section 47 enquiry"), "Section 47 enquiry");
        assert_eq!(
            mid_sentence("Child Protection Plan started"),
            "Child Protection Plan started"
        );
        assert_eq!(mid_sentence("Child seen alone"), "child seen alone");
        assert_eq!(mid_sentence("ICPC held"), "ICPC held");
    }

    #[test]
    fn conditions_read_as_sentences() {
        let text = "procedure p \"P\"\nfact age \"Age in years\" is a number\nfact housing \"Housing situation\" is one of homeless, imminent_threat, at_risk\nfact s47 \"A Section 47 enquiry is under way\" is yes or no\nstart a\nstep a\n  untimed \"x\"\n  then b when age is at least 16 and age is at most 17 and housing is one of homeless, imminent_threat\n  then b when s47 is yes or housing is at_risk\n  otherwise b\nend b\n";
        let parsed = waymark_syntax::parse(waymark_diagnostics::FileId(0), text);
        let procedure = compile(parsed.document, &mut NoFiles).procedure.unwrap();
        let a = &procedure.steps[0];
        let guard = |n: usize| match &a.routes[n].when {
            crate::RouteWhen::Guard(g) => procedure.guard_sentence(g),
            _ => panic!("a guard"),
        };
        assert_eq!(
            guard(0),
            "age in years is 16 to 17, and housing situation is homeless or imminent threat"
        );
        assert_eq!(
            guard(1),
            "a Section 47 enquiry is under way; or housing situation is at risk"
        );
    }
    use waymark_diagnostics::FileId;

    #[test]
    fn deadlines_and_guards_read_as_written() {
        let text = "procedure p \"P\"\nfact expected_delivery is a date, optional\nfact threshold is one of level2, level3\nstart a\nstep a\n  untimed \"x\"\n  then b when threshold is level3 and expected_delivery is known or threshold is not level2\n  otherwise b\nstep b\n  due 4 weeks before fact expected_delivery when expected_delivery is known\n  target 30 working days after a\n  then c\nend c\n";
        let parsed = waymark_syntax::parse(FileId(0), text);
        let procedure = compile(parsed.document, &mut NoFiles).procedure.unwrap();
        let b = &procedure.steps[1];
        assert_eq!(
            procedure.deadline_line(&b.deadlines[0]),
            "due 4 weeks before fact expected_delivery when expected_delivery is known"
        );
        assert_eq!(
            procedure.deadline_line(&b.deadlines[1]),
            "target 30 working days after a"
        );
        let a = &procedure.steps[0];
        assert_eq!(
            procedure.route_words(a, &a.routes[0].when),
            "threshold is level3 and expected_delivery is known or threshold is not level2"
        );
        assert_eq!(procedure.route_words(a, &a.routes[1].when), "otherwise");
    }

    /// Each deadline is written back as the author wrote it, so that it reads back as the same
    /// deadline (`after X` alone is a step: a date fact needs `after fact X`); drawings word the
    /// same deadline by titles.
    #[test]
    fn every_clock_is_written_as_it_reads_back() {
        let lines = [
            "due 3 months after fact birth",
            "due same day as fact birth",
            "due same working day as a",
            "due 2 working days before d",
            "due 4 weeks before fact birth when birth is known",
            "target 24 hours after a",
        ];
        let text = format!(
            "procedure p \"P\"\nfact birth \"Date of birth\" is a date, optional\nstart a\nstep a\n  untimed \"x\"\n  then b\nstep b\n  {}\n  then d\nstep d \"Plan made\"\n  untimed \"y\"\n  then c\nend c\n",
            lines.join("\n  ")
        );
        let parsed = waymark_syntax::parse(FileId(0), &text);
        let procedure = compile(parsed.document, &mut NoFiles).procedure.unwrap();
        let b = &procedure.steps[1];
        let written: Vec<String> = b
            .deadlines
            .iter()
            .map(|d| procedure.deadline_line(d))
            .collect();
        assert_eq!(written, lines);
        let drawn: Vec<String> = b
            .deadlines
            .iter()
            .map(|d| procedure.deadline_sentence(d, true))
            .collect();
        assert_eq!(
            drawn,
            [
                "within 3 months of date of birth",
                "on the same day as date of birth",
                "on the same working day as a",
                "at least 2 working days before plan made",
                "at least 4 weeks before date of birth, if known",
                "within 24 hours of a",
            ]
        );
    }
}
