//! The model in words, for messages, reports and drawings: "45 working days after referral",
//! "threshold is level4 or threshold is level3".

use crate::model::{
    Clock, Condition, Deadline, DeadlineKind, FactKind, FactValue, Guard, Procedure, RoleRule,
    RouteWhen, Step, Test,
};

impl Procedure {
    /// "45 working days after referral", "4 weeks before expected_delivery", with the
    /// condition when there is one: "... when expected_delivery is known".
    pub fn deadline_words(&self, deadline: &Deadline) -> String {
        let amount = deadline.amount;
        let unit = deadline.unit.words(amount);
        let counted = match deadline.clock {
            Clock::AfterStep(step) => format!("{amount} {unit} after {}", self.step(step).id),
            Clock::AfterFact(fact) => format!("{amount} {unit} after {}", self.fact(fact).id),
            Clock::BeforeFact(fact) => format!("{amount} {unit} before {}", self.fact(fact).id),
        };
        match &deadline.guard {
            Some(guard) => format!("{counted} when {}", self.guard_words(guard)),
            None => counted,
        }
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
        match &rule.guard {
            Some(guard) => format!("by {} when {}", roles.join(" or "), self.guard_words(guard)),
            None => format!("by {}", roles.join(" or ")),
        }
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

    /// What takes a route: "threshold is level4", "otherwise", an outcome's name, or "".
    pub fn route_words(&self, step: &Step, when: &RouteWhen) -> String {
        match when {
            RouteWhen::Always => String::new(),
            RouteWhen::Guard(guard) => self.guard_words(guard),
            RouteWhen::Otherwise => "otherwise".to_string(),
            RouteWhen::Outcome(index) => step
                .outcomes
                .get(*index)
                .map_or_else(String::new, |o| o.id.clone()),
        }
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
    use crate::{NoFiles, compile};
    use waymark_diagnostics::FileId;

    #[test]
    fn deadlines_and_guards_read_as_written() {
        let text = "procedure p \"P\"\nfact expected_delivery is a date, optional\nfact threshold is one of level2, level3\nstart a\nstep a\n  untimed \"x\"\n  then b when threshold is level3 and expected_delivery is known or threshold is not level2\n  otherwise b\nstep b\n  due 4 weeks before fact expected_delivery when expected_delivery is known\n  target 30 working days after a\n  then c\nend c\n";
        let parsed = waymark_syntax::parse(FileId(0), text);
        let procedure = compile(parsed.document, &mut NoFiles).procedure.unwrap();
        let b = &procedure.steps[1];
        assert_eq!(
            procedure.deadline_line(&b.deadlines[0]),
            "due 4 weeks before expected_delivery when expected_delivery is known"
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
}
