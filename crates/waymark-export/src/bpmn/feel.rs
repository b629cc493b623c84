//! FEEL, the expression language of Camunda 8 (and of `feelin`, the interpreter bpmn.io
//! maintains): the conditions on the flows out of a decision and the time definitions of the
//! timers, written so that an engine can evaluate them from process variables.
//!
//! The variables (docs/exports.md lists them for engine users):
//! - each fact, named by its id: a `one of` fact holds its word as a string, a number fact a
//!   number, a yes/no fact a boolean, a date fact an ISO date string ("2026-03-01");
//! - each decision's outcome, named by the decision's id, holding the outcome's id as a string;
//! - each deadline's due date, `due_<step>_<target|limit>`: the last day on which the step is
//!   on time, as an ISO date string (a date and time for a deadline in hours).

use waymark_compile::{Condition, FactKind, FactValue, Guard, Procedure, Test};

/// The time zone every UK bank-holiday calendar keeps.
pub const ZONE: &str = "Europe/London";

/// A FEEL string literal.
pub fn string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A guard as a FEEL boolean expression: alternatives joined by `or`, each the `and` of its
/// conditions. An unknown fact is null, and a comparison with null is never true, so a route
/// that needs a fact the case lacks is not taken.
pub fn guard(procedure: &Procedure, guard: &Guard) -> String {
    let alternatives: Vec<String> = guard
        .any_of
        .iter()
        .map(|all| {
            let parts: Vec<String> = all.iter().map(|c| condition(procedure, c)).collect();
            parts.join(" and ")
        })
        .collect();
    match alternatives.as_slice() {
        [one] => one.clone(),
        _ => alternatives
            .iter()
            .map(|a| format!("({a})"))
            .collect::<Vec<_>>()
            .join(" or "),
    }
}

fn condition(procedure: &Procedure, condition: &Condition) -> String {
    let fact = procedure.fact(condition.fact);
    let name = fact.id.as_str();
    // A date fact arrives as a string; compare it as a date.
    let read = match fact.kind {
        FactKind::Date => format!("date({name})"),
        _ => name.to_string(),
    };
    let value = |v: &FactValue| value(&fact.kind, v);
    match &condition.test {
        Test::Known => format!("{name} != null"),
        Test::NotKnown => format!("{name} = null"),
        Test::Is(v) => format!("{read} = {}", value(v)),
        Test::IsNot(v) => format!("({name} != null and {read} != {})", value(v)),
        Test::OneOf(values) => {
            let tests: Vec<String> = values
                .iter()
                .map(|v| format!("{read} = {}", value(v)))
                .collect();
            match tests.as_slice() {
                [one] => one.clone(),
                _ => format!("({})", tests.join(" or ")),
            }
        }
        Test::AtLeast(v) => format!("{read} >= {}", value(v)),
        Test::AtMost(v) => format!("{read} <= {}", value(v)),
        Test::Before(v) => format!("{read} < {}", value(v)),
        Test::After(v) => format!("{read} > {}", value(v)),
    }
}

fn value(kind: &FactKind, value: &FactValue) -> String {
    match (kind, value) {
        (FactKind::OneOf(options), FactValue::Choice(index)) => {
            string(options.get(*index as usize).map_or("", String::as_str))
        }
        (_, FactValue::YesNo(yes)) => yes.to_string(),
        (_, FactValue::Number(number)) => number.to_string(),
        (_, FactValue::Date(date)) => format!("date(\"{}\")", date.format("%Y-%m-%d")),
        (_, FactValue::Choice(index)) => index.to_string(),
    }
}

/// The moment a deadline whose due date is in `variable` has passed: the start of the day after
/// the due date, in UK time.
pub fn day_after(variable: &str) -> String {
    format!("date and time(date({variable}) + duration(\"P1D\"), time(\"00:00:00@{ZONE}\"))")
}

/// The start of the day in `variable`, in UK time.
pub fn start_of(variable: &str) -> String {
    format!("date and time(date({variable}), time(\"00:00:00@{ZONE}\"))")
}

/// A moment that never comes, for a timer whose deadline does not apply to the case.
pub const NEVER: &str = "date and time(\"9999-12-31T00:00:00@Europe/London\")";

#[cfg(test)]
mod tests {
    use super::string;

    #[test]
    fn strings_are_quoted() {
        assert_eq!(string("a\"b\\c"), "\"a\\\"b\\\\c\"");
    }
}
