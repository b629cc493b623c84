//! A test read against its procedure: every name looked up (with "did you mean"), and its facts
//! and records made into a [`Case`] by `waymark run`'s own reader, so a test runs exactly the
//! case a case file with the same lines would.

use crate::syntax::{Expect, Expectation, Name, Test};
use chrono::NaiveDate;
use waymark_compile::{FactKind, RoleIndex, StepIndex, StepKind};
use waymark_diagnostics::{Code, Diagnostic, did_you_mean};
use waymark_run::{Case, DeviationKind, Plan, State, Status};

/// A test ready to run: its case, and each expectation with its names looked up.
#[derive(Clone, Debug)]
pub struct Prepared {
    pub case: Case,
    pub as_of: NaiveDate,
    pub checks: Vec<Check>,
}

/// One expectation with its names resolved.
#[derive(Clone, Debug)]
pub struct Check {
    pub expectation: Expectation,
    pub what: Want,
}

/// What must hold for one step's row.
#[derive(Clone, Debug)]
pub struct StepWant {
    pub step: StepIndex,
    pub occurrence: Option<u32>,
    pub status: Option<Status>,
    pub due: Option<Option<NaiveDate>>,
    pub target: Option<NaiveDate>,
    pub skipping: Option<Vec<String>>,
    /// Whether the step's sign-off was recorded (`approval recorded|missing`).
    pub approval: Option<bool>,
    /// The roles a `by a and b` step still awaits.
    pub awaiting: Option<Vec<RoleIndex>>,
    /// The due date an extension gives (`Some(None)`: no extension applies).
    pub extended: Option<Option<NaiveDate>>,
}

#[derive(Clone, Debug)]
pub enum Want {
    Step(StepWant),
    State {
        state: State,
        end: Option<StepIndex>,
    },
    At(Vec<StepIndex>),
    Next(StepIndex),
    Deviation(DeviationKind, StepIndex),
    NoDeviations,
}

/// Looks the test's names up in the plan and builds its case; every problem is a diagnostic,
/// and a test with any is not run.
pub fn prepare(test: &Test, plan: &Plan) -> Result<Prepared, Vec<Diagnostic>> {
    let mut problems = Vec::new();
    let as_of = match test.as_of {
        Some((date, _)) => Some(date),
        None => {
            problems.push(incomplete(
                test,
                "this test has no `as of` date",
                "add a line such as `as of 2026-01-31`: the day the case is looked at",
            ));
            None
        }
    };
    if test.expectations.is_empty() {
        problems.push(incomplete(
            test,
            "this test expects nothing, so it cannot fail",
            "add at least one `expect` line, e.g. `expect initial_visit pending due 2026-01-05`",
        ));
    }
    let checks: Vec<Check> = test
        .expectations
        .iter()
        .filter_map(|expectation| match resolve(&expectation.what, plan) {
            Ok(what) => Some(Check {
                expectation: expectation.clone(),
                what,
            }),
            Err(diagnostic) => {
                problems.push(*diagnostic);
                None
            }
        })
        .collect();
    let line = case_line(test, plan, &mut problems);
    let (Some(as_of), true) = (as_of, problems.is_empty()) else {
        return Err(problems);
    };
    match waymark_run::parse_json_line(plan, 1, &line) {
        Ok(case) => Ok(Prepared {
            case,
            as_of,
            checks,
        }),
        Err(bad) => Err(bad
            .problems
            .iter()
            .map(|problem| {
                Diagnostic::new(
                    Code::TestCaseRejected,
                    test.name.span,
                    format!(
                        "`waymark run` would not accept this test's case: {}",
                        problem.message
                    ),
                )
                .label("in this test")
                .note(format!("the case reader reports {}", problem.code))
                .help("correct the test's `fact` and `record` lines")
            })
            .collect()),
    }
}

fn incomplete(test: &Test, message: &str, help: &str) -> Diagnostic {
    Diagnostic::new(Code::TestIncomplete, test.name.span, message)
        .label("this test")
        .help(help)
}

/// The test's case as one line of JSON, the format `waymark run` reads. Names the procedure
/// lacks are reported here, at the test's own spans.
fn case_line(test: &Test, plan: &Plan, problems: &mut Vec<Diagnostic>) -> String {
    let mut facts = serde_json::Map::new();
    for (name, value) in &test.facts {
        match plan.fact_named(&name.text) {
            Some(id) => {
                if let FactKind::OneOf(words) = &plan.procedure.fact(id).kind
                    && !words.contains(&value.text)
                {
                    problems.push(unknown_value(name, &value.text, value.span, words));
                }
                facts.insert(name.text.clone(), value.text.clone().into());
            }
            None => problems.push(unknown(
                "fact",
                name,
                plan.procedure.facts.iter().map(|f| f.id.as_str()),
            )),
        }
    }
    let mut events = Vec::new();
    for record in &test.records {
        let mut event = serde_json::Map::new();
        event.insert("step".into(), record.step.text.clone().into());
        match plan.step_named(&record.step.text) {
            Some(id) => {
                if let Some(outcome) = &record.outcome {
                    let outcomes = &plan.procedure.step(id).outcomes;
                    if !outcomes.iter().any(|o| o.id == outcome.text) {
                        problems.push(unknown(
                            "outcome",
                            outcome,
                            outcomes.iter().map(|o| o.id.as_str()),
                        ));
                    }
                }
            }
            None => problems.push(unknown_step(&record.step, plan)),
        }
        if let Some((date, time)) = record.on {
            let on = match time {
                Some(time) => format!("{}T{}", date.format("%Y-%m-%d"), time.format("%H:%M")),
                None => date.format("%Y-%m-%d").to_string(),
            };
            event.insert("on".into(), on.into());
        }
        if let Some(outcome) = &record.outcome {
            event.insert("outcome".into(), outcome.text.clone().into());
        }
        if let Some(by) = &record.by {
            if plan.role_named(&by.text).is_none() {
                problems.push(unknown(
                    "role",
                    by,
                    plan.procedure.roles.iter().map(|r| r.id.as_str()),
                ));
            }
            event.insert("by".into(), by.text.clone().into());
        }
        if let Some(approver) = &record.approved_by {
            if plan.role_named(&approver.text).is_none() {
                problems.push(unknown(
                    "role",
                    approver,
                    plan.procedure.roles.iter().map(|r| r.id.as_str()),
                ));
            }
            event.insert("approved_by".into(), approver.text.clone().into());
        }
        if let Some(reason) = &record.reason {
            event.insert("reason".into(), reason.clone().into());
        }
        if record.waived {
            event.insert("waived".into(), true.into());
        }
        if !record.facts.is_empty() {
            // Checked by the run's own reader, as a case file's would be.
            let facts: serde_json::Map<String, serde_json::Value> = record
                .facts
                .iter()
                .map(|(name, value)| (name.text.clone(), value.clone().into()))
                .collect();
            event.insert("facts".into(), facts.into());
        }
        if let Some(amount) = record.extended_by {
            event.insert("extended_by".into(), amount.into());
        }
        events.push(serde_json::Value::Object(event));
    }
    serde_json::json!({
        "case": test.name.text,
        "facts": facts,
        "events": events,
    })
    .to_string()
}

fn resolve(what: &Expect, plan: &Plan) -> Result<Want, Box<Diagnostic>> {
    let step = |name: &Name| {
        plan.step_named(&name.text)
            .ok_or_else(|| Box::new(unknown_step(name, plan)))
    };
    Ok(match what {
        Expect::Step {
            step: name,
            occurrence,
            status,
            due,
            target,
            skipping,
            approval,
            awaiting,
            extended,
        } => Want::Step(StepWant {
            extended: extended
                .map(|(date, span)| extension_expected(date, span, name, plan))
                .transpose()?,
            approval: approval
                .as_ref()
                .map(|word| approval_word(word, name, plan))
                .transpose()?,
            awaiting: awaiting
                .as_ref()
                .map(|roles| awaited_roles(roles, name, plan))
                .transpose()?,
            step: step(name)?,
            occurrence: *occurrence,
            status: status
                .as_ref()
                .map(|s| word(s, "status", &Status::ALL, |s| s.word()))
                .transpose()?,
            due: *due,
            target: *target,
            skipping: skipping.clone(),
        }),
        Expect::State { state, end } => {
            let state_word = state;
            let state = word(state, "state", &State::ALL, |s| s.word())?;
            // Only a closed case reached an end: `open at END` could never hold.
            if let (Some(name), false) = (end.as_ref(), state == State::Closed) {
                return Err(Box::new(
                    Diagnostic::new(
                        Code::TestLineMalformed,
                        name.span,
                        format!(
                            "a case that is {} reached no end, so `at {}` cannot hold",
                            state_word.text, name.text
                        ),
                    )
                    .label("only with `closed`")
                    .help(format!(
                        "write `expect case closed at {}`, or drop `at {}`",
                        name.text, name.text
                    )),
                ));
            }
            let end = end.as_ref().map(step).transpose()?;
            if let Some(id) = end
                && !plan.procedure.step(id).is_end()
                && let Some(name) = what_end(what)
            {
                return Err(Box::new(
                    Diagnostic::new(
                        Code::TestUnknownName,
                        name.span,
                        format!("`{}` is a step, not an end of the procedure", name.text),
                    )
                    .label("not an end")
                    .help("name one of the procedure's `end` lines"),
                ));
            }
            Want::State { state, end }
        }
        Expect::At { steps } => Want::At(steps.iter().map(step).collect::<Result<_, _>>()?),
        Expect::Next { step: name } => Want::Next(step(name)?),
        Expect::Deviation { kind, step: name } => Want::Deviation(
            word(kind, "deviation", &DeviationKind::ALL, |k| k.word())?,
            step(name)?,
        ),
        Expect::NoDeviations => Want::NoDeviations,
    })
}

/// An extended due date (or `none`), for a step that says `extendable` (WM0715 for one that
/// does not: no case can extend it).
fn extension_expected(
    date: Option<NaiveDate>,
    span: waymark_diagnostics::Span,
    step: &Name,
    plan: &Plan,
) -> Result<Option<NaiveDate>, Box<Diagnostic>> {
    let extendable = plan
        .step_named(&step.text)
        .is_none_or(|id| plan.procedure.step(id).extension.is_some());
    if extendable {
        return Ok(date);
    }
    Err(Box::new(
        Diagnostic::new(
            Code::TestExtensionNotAllowed,
            span,
            format!(
                "`{}` cannot be extended, so it has no extended due date to expect",
                step.text
            ),
        )
        .label("the procedure has no `extendable` line for this step")
        .help("expect the extension of a step that says `extendable by up to ...`, or drop it"),
    ))
}

/// `recorded` or `missing`, for a step that says `approved by` (WM0712 for one that does not).
fn approval_word(word: &Name, step: &Name, plan: &Plan) -> Result<bool, Box<Diagnostic>> {
    let recorded = match word.text.as_str() {
        "recorded" => true,
        "missing" => false,
        _ => {
            let meant = did_you_mean(&word.text, ["recorded", "missing"]);
            let diagnostic = Diagnostic::new(
                Code::TestUnknownWord,
                word.span,
                format!("`{}` is not an approval Waymark reports", word.text),
            );
            return Err(Box::new(match meant {
                Some(meant) => diagnostic
                    .label(format!("did you mean `{meant}`?"))
                    .help(format!("write `{meant}`")),
                None => diagnostic
                    .label("not an approval")
                    .help("an approval is `recorded` or `missing`"),
            }));
        }
    };
    let needs = plan
        .step_named(&step.text)
        .is_none_or(|id| plan.procedure.step(id).approval.is_some());
    if !needs {
        return Err(Box::new(
            Diagnostic::new(
                Code::TestApprovalNotNeeded,
                word.span,
                format!(
                    "`{}` needs no sign-off, so it has no approval to expect",
                    step.text
                ),
            )
            .label("the procedure has no `approved by` line for this step")
            .help("expect the approval of a step that says `approved by ROLE`, or drop it"),
        ));
    }
    Ok(recorded)
}

/// The roles of an `awaiting` list, for a step with a `by a and b` rule (WM0713 otherwise).
fn awaited_roles(
    roles: &[Name],
    step: &Name,
    plan: &Plan,
) -> Result<Vec<RoleIndex>, Box<Diagnostic>> {
    let mut ids = Vec::with_capacity(roles.len());
    for role in roles {
        let id = plan.role_named(&role.text).ok_or_else(|| {
            Box::new(unknown(
                "role",
                role,
                plan.procedure.roles.iter().map(|r| r.id.as_str()),
            ))
        })?;
        ids.push(id);
    }
    ids.sort_unstable();
    let joint = plan
        .step_named(&step.text)
        .is_none_or(|id| plan.procedure.step(id).roles.iter().any(|rule| rule.all));
    if !joint {
        return Err(Box::new(
            Diagnostic::new(
                Code::TestAwaitingNotJoint,
                step.span,
                format!(
                    "`{}` has no `by ... and ...` rule, so it never awaits a role",
                    step.text
                ),
            )
            .label("any one of its roles does it")
            .help("expect `awaiting` only of a step whose roles must all record it"),
        ));
    }
    Ok(ids)
}

fn what_end(what: &Expect) -> Option<&Name> {
    match what {
        Expect::State { end, .. } => end.as_ref(),
        _ => None,
    }
}

/// One of Waymark's own words (a status, a state, a deviation kind), with "did you mean".
fn word<T: Copy>(
    name: &Name,
    kind: &str,
    all: &[T],
    word: impl Fn(T) -> &'static str,
) -> Result<T, Box<Diagnostic>> {
    if let Some(found) = all.iter().copied().find(|t| word(*t) == name.text) {
        return Ok(found);
    }
    let words: Vec<&str> = all.iter().map(|t| word(*t)).collect();
    let diagnostic = Diagnostic::new(
        Code::TestUnknownWord,
        name.span,
        format!("`{}` is not a {kind} Waymark reports", name.text),
    );
    Err(Box::new(
        match did_you_mean(&name.text, words.iter().copied()) {
            Some(meant) => diagnostic
                .label(format!("did you mean `{meant}`?"))
                .help(format!("write `{meant}`")),
            None => diagnostic
                .label(format!("not a {kind}"))
                .help(format!("a {kind} is one of: {}", words.join(", "))),
        },
    ))
}

fn unknown_step(name: &Name, plan: &Plan) -> Diagnostic {
    // A checkpoint's series is compiled into one step per day (`review_5`, ...): those are the
    // names a test uses, so they are the candidates too.
    let candidates = plan
        .procedure
        .steps
        .iter()
        .filter(|s| !matches!(s.kind, StepKind::Join { .. }))
        .map(|s| s.id.as_str());
    unknown("step", name, candidates)
}

fn unknown<'a>(kind: &str, name: &Name, candidates: impl Iterator<Item = &'a str>) -> Diagnostic {
    let candidates: Vec<&str> = candidates.collect();
    let diagnostic = Diagnostic::new(
        Code::TestUnknownName,
        name.span,
        format!("the procedure has no {kind} `{}`", name.text),
    );
    match did_you_mean(&name.text, candidates.iter().copied()) {
        Some(meant) => diagnostic
            .label(format!("did you mean `{meant}`?"))
            .help(format!("write `{meant}`")),
        None => diagnostic.label(format!("unknown {kind}")).help(format!(
            "the procedure's {kind}s are: {}",
            shortlist(&candidates)
        )),
    }
}

fn unknown_value(
    name: &Name,
    value: &str,
    span: waymark_diagnostics::Span,
    words: &[String],
) -> Diagnostic {
    let diagnostic = Diagnostic::new(
        Code::TestUnknownName,
        span,
        format!("the fact `{}` cannot be `{value}`", name.text),
    );
    match did_you_mean(value, words.iter().map(String::as_str)) {
        Some(meant) => diagnostic
            .label(format!("did you mean `{meant}`?"))
            .help(format!("write `{meant}`")),
        None => diagnostic.label("not one of its values").help(format!(
            "`{}` is one of: {}",
            name.text,
            words.join(", ")
        )),
    }
}

/// At most a dozen names, so a large procedure's list stays readable.
fn shortlist(names: &[&str]) -> String {
    let mut list = names
        .iter()
        .take(12)
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > 12 {
        list.push_str(&format!(" and {} more", names.len() - 12));
    }
    list
}
