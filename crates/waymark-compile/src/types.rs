//! Typing guards: each test must suit the kind of fact it tests, and each value must be one the
//! fact can take.

use crate::model::{Fact, FactKind, FactValue, Test};
use waymark_diagnostics::{Code, Diagnostic, did_you_mean};
use waymark_syntax::{self as syntax, Value};

/// The typed form of a test on `fact`, or `None` with a diagnostic.
pub fn type_test(
    fact: &Fact,
    test: &syntax::Test,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Test> {
    use syntax::Test as T;
    let mut value = |v: &Value| fact_value(fact, v, diagnostics);
    Some(match test {
        T::Known => Test::Known,
        T::NotKnown => Test::NotKnown,
        T::Is(v) => Test::Is(value(v)?),
        T::IsNot(v) => Test::IsNot(value(v)?),
        T::OneOf(values) => {
            let typed: Vec<Option<FactValue>> = values.iter().map(&mut value).collect();
            Test::OneOf(typed.into_iter().collect::<Option<Vec<_>>>()?)
        }
        T::AtLeast(v) => {
            Test::AtLeast(ordered(fact, v, FactKind::Number, "at least", diagnostics)?)
        }
        T::AtMost(v) => Test::AtMost(ordered(fact, v, FactKind::Number, "at most", diagnostics)?),
        T::Before(v) => Test::Before(ordered(fact, v, FactKind::Date, "before", diagnostics)?),
        T::After(v) => Test::After(ordered(fact, v, FactKind::Date, "after", diagnostics)?),
    })
}

/// A value compared for equality with `fact`.
fn fact_value(fact: &Fact, value: &Value, diagnostics: &mut Vec<Diagnostic>) -> Option<FactValue> {
    match (&fact.kind, value) {
        (FactKind::OneOf(options), Value::Word(word)) => {
            match options.iter().position(|o| *o == word.text) {
                Some(index) => Some(FactValue::Choice(index as u32)),
                None => {
                    let help = match did_you_mean(&word.text, options.iter().map(String::as_str)) {
                        Some(guess) => format!(
                            "did you mean `{guess}`? (`{}` is one of: {})",
                            fact.id,
                            options.join(", ")
                        ),
                        None => format!("`{}` is one of: {}", fact.id, options.join(", ")),
                    };
                    diagnostics.push(
                        Diagnostic::new(
                            Code::UnknownValue,
                            word.span,
                            format!("`{}` is never `{}`", fact.id, word.text),
                        )
                        .label(format!("not one of `{}`'s values", fact.id))
                        .related(
                            fact.span,
                            match fact.decided_by {
                                Some(_) => "the decision and its outcomes are declared here",
                                None => "the fact's values are declared here",
                            },
                        )
                        .help(help),
                    );
                    None
                }
            }
        }
        (FactKind::YesNo, Value::Word(word)) if word.text == "yes" || word.text == "no" => {
            Some(FactValue::YesNo(word.text == "yes"))
        }
        (FactKind::Number, Value::Number(number)) => Some(FactValue::Number(number.value)),
        (FactKind::Date, Value::Date(date)) => Some(FactValue::Date(date.date)),
        _ => {
            mismatch(
                fact,
                value,
                &format!("`{}` is {}", fact.id, fact.kind.describe()),
                diagnostics,
            );
            None
        }
    }
}

/// A bound for `at least`, `at most`, `before` or `after`, which need numbers or dates.
fn ordered(
    fact: &Fact,
    value: &Value,
    wanted: FactKind,
    test: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<FactValue> {
    if fact.kind != wanted {
        let suits = if wanted == FactKind::Number {
            "numbers"
        } else {
            "dates"
        };
        mismatch(
            fact,
            value,
            &format!(
                "`{test}` compares {suits}, but `{}` is {}",
                fact.id,
                fact.kind.describe()
            ),
            diagnostics,
        );
        return None;
    }
    fact_value(fact, value, diagnostics)
}

fn mismatch(fact: &Fact, value: &Value, why: &str, diagnostics: &mut Vec<Diagnostic>) {
    let shown = match value {
        Value::Word(word) => word.text.clone(),
        Value::Number(number) => number.value.to_string(),
        Value::Date(date) => date.date.format("%Y-%m-%d").to_string(),
    };
    let example = match &fact.kind {
        FactKind::OneOf(options) => format!(
            "`{} is {}`",
            fact.id,
            options.first().map_or("...", String::as_str)
        ),
        FactKind::Date => format!(
            "`{} is before 2026-01-01` or `{} is known`",
            fact.id, fact.id
        ),
        FactKind::Number => format!("`{} is at least 16`", fact.id),
        FactKind::YesNo => format!("`{} is yes`", fact.id),
    };
    diagnostics.push(
        Diagnostic::new(
            Code::GuardTypeMismatch,
            value.span(),
            format!("cannot compare `{}` with `{shown}`: {why}", fact.id),
        )
        .label("wrong kind of value")
        .related(
            fact.span,
            match fact.decided_by {
                Some(_) => "the decision is declared here: its outcome is one of its outcomes",
                None => "the fact is declared here",
            },
        )
        .help(format!(
            "compare it with a value of its kind, e.g. {example}"
        )),
    );
}
