//! One test per concept of the language (the concept table in the design notes): each parses a
//! small procedure and checks the tree holds what the author meant, not just that it parsed.

use crate::*;
use waymark_diagnostics::FileId;

/// Parses a procedure body under a standard header, insisting on no diagnostics.
fn parse_ok(body: &str) -> Document {
    let text = format!("procedure demo \"Demo\"\n{body}");
    let parsed = parse(FileId(0), &text);
    assert!(
        parsed.diagnostics.is_empty(),
        "{body}\n{:#?}",
        parsed.diagnostics
    );
    parsed.document
}

fn clauses(document: &Document, item: &str) -> Vec<ClauseKind> {
    let found = document
        .items
        .iter()
        .find(|i| i.id.text == item)
        .unwrap_or_else(|| panic!("no item {item}"));
    found.clauses.iter().map(|c| c.kind.clone()).collect()
}

fn deadline(kind: &ClauseKind) -> &Deadline {
    match kind {
        ClauseKind::Deadline(deadline) => deadline,
        other => panic!("not a deadline: {other:?}"),
    }
}

#[test]
fn header_with_version_effective_calendar_and_sources() {
    let document = parse_ok(
        "  version \"2025-12\"\n  effective 2025-12-10\n  calendar scotland\n  source protocol \"Local Protocol\" updated 2025-12-10\n",
    );
    let header = document.header.unwrap();
    assert_eq!(header.id.text, "demo");
    assert_eq!(header.version.unwrap().value, "2025-12");
    assert_eq!(header.effective.unwrap().date.to_string(), "2025-12-10");
    assert_eq!(header.calendar.unwrap().text, "scotland");
    assert_eq!(header.sources[0].id.text, "protocol");
    assert_eq!(
        header.sources[0].updated.unwrap().date.to_string(),
        "2025-12-10"
    );
}

#[test]
fn roles_and_who_may_act() {
    let document = parse_ok(
        "role manager \"Manager\"\nstep s\n  by social_worker or family_practitioner when threshold is level3\n",
    );
    assert_eq!(document.roles[0].title.as_ref().unwrap().value, "Manager");
    let ClauseKind::By { roles, guard, .. } = &clauses(&document, "s")[0] else {
        panic!()
    };
    let names: Vec<&str> = roles.iter().map(|r| r.text.as_str()).collect();
    assert_eq!(names, ["social_worker", "family_practitioner"]);
    assert_eq!(guard.as_ref().unwrap().any_of[0][0].fact.text, "threshold");
}

#[test]
fn every_role_must_act_and_a_sign_off() {
    let document = parse_ok(
        "step s\n  by head_of_service and service_manager when threshold is level4 and age is 16\n  approved by manager or cp_chair\n",
    );
    let found = clauses(&document, "s");
    let ClauseKind::By { roles, join, guard } = &found[0] else {
        panic!()
    };
    let names: Vec<&str> = roles.iter().map(|r| r.text.as_str()).collect();
    assert_eq!(names, ["head_of_service", "service_manager"]);
    assert_eq!(*join, RoleJoin::All);
    assert_eq!(guard.as_ref().unwrap().any_of[0].len(), 2);
    let ClauseKind::Approved { roles } = &found[1] else {
        panic!()
    };
    let names: Vec<&str> = roles.iter().map(|r| r.text.as_str()).collect();
    assert_eq!(names, ["manager", "cp_chair"]);
    let either = parse_ok("step s\n  by a or b\n");
    assert!(matches!(
        clauses(&either, "s")[0],
        ClauseKind::By {
            join: RoleJoin::Any,
            ..
        }
    ));
    let mixed = parse_ok("step s\n  by a or b and c\n");
    assert!(matches!(
        clauses(&mixed, "s")[0],
        ClauseKind::By {
            join: RoleJoin::Mixed(_),
            ..
        }
    ));
}

#[test]
fn a_sign_off_only_on_steps_and_decisions_once() {
    let text = "procedure demo\nstep s\n  approved by a\n  approved by b\nend e\n  approved by a\n";
    let parsed = parse(FileId(0), text);
    let codes: Vec<&str> = parsed.diagnostics.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes.len(), 2, "{codes:?}");
}

#[test]
fn typed_facts_and_optional() {
    let document = parse_ok(
        "fact threshold is one of level2, level3\nfact due_date \"Due\" is a date, optional\nfact age is a number\nfact homeless is yes or no\n",
    );
    let kinds: Vec<(&FactKind, bool)> = document
        .facts
        .iter()
        .map(|f| (&f.kind, f.optional))
        .collect();
    assert!(matches!(kinds[0], (FactKind::OneOf(values), false) if values.len() == 2));
    assert_eq!(kinds[1], (&FactKind::Date, true));
    assert_eq!(kinds[2], (&FactKind::Number, false));
    assert_eq!(kinds[3], (&FactKind::YesNo, false));
}

#[test]
fn start_step_then_and_otherwise() {
    let document =
        parse_ok("start referral\nstep referral\n  then a when x is yes\n  otherwise b\n");
    assert_eq!(document.starts[0].text, "referral");
    let found = clauses(&document, "referral");
    assert!(matches!(&found[0], ClauseKind::Then { target, guard: Some(_) } if target.text == "a"));
    assert!(matches!(&found[1], ClauseKind::Otherwise(target) if target.text == "b"));
}

#[test]
fn deadlines_after_an_event_in_every_unit() {
    let document = parse_ok(
        "step s\n  due 5 working days after referral\n  due 1 working day after referral\n  due 10 days after referral\n  due 3 calendar days after referral\n  due 6 weeks after referral\n  due 12 months after referral\n  due 48 hours after visit\n  due 3 months after fact birth_date\n",
    );
    let units: Vec<Unit> = clauses(&document, "s")
        .iter()
        .map(|c| deadline(c).unit.unit)
        .collect();
    use Unit::*;
    assert_eq!(
        units,
        [
            WorkingDays,
            WorkingDays,
            CalendarDays,
            CalendarDays,
            Weeks,
            Months,
            Hours,
            Months
        ]
    );
    let found = clauses(&document, "s");
    assert!(matches!(&deadline(&found[0]).clock, Clock::AfterStep(n) if n.text == "referral"));
    assert!(matches!(&deadline(&found[7]).clock, Clock::AfterFact(n) if n.text == "birth_date"));
}

#[test]
fn deadline_before_a_case_date_with_a_guard() {
    let document = parse_ok(
        "step s\n  due 4 weeks before fact expected_delivery when expected_delivery is known\n",
    );
    let found = clauses(&document, "s");
    let due = deadline(&found[0]);
    assert!(matches!(&due.clock, Clock::BeforeFact(n) if n.text == "expected_delivery"));
    assert_eq!(due.amount.value, 4);
    assert_eq!(due.guard.as_ref().unwrap().any_of[0][0].test, Test::Known);
}

#[test]
fn deadlines_before_each_occurrence_of_a_step() {
    let document = parse_ok(
        "step s\n  due 2 working days before each strategy_discussion\n  target 3 days before each_meeting\n  due 1 week before each fact expected_delivery\n",
    );
    let found = clauses(&document, "s");
    assert!(
        matches!(&deadline(&found[0]).clock, Clock::BeforeEachStep(n) if n.text == "strategy_discussion")
    );
    // A step whose name starts with `each` is a plain `before`.
    assert!(matches!(&deadline(&found[1]).clock, Clock::BeforeStep(n) if n.text == "each_meeting"));
    // Read, so that compile can say a fact has one date (WM0237).
    assert!(
        matches!(&deadline(&found[2]).clock, Clock::BeforeEachFact(n) if n.text == "expected_delivery")
    );
}

#[test]
fn target_and_limit_with_overrun_needing_a_reason() {
    let document = parse_ok(
        "step s\n  target 30 working days after r\n  due 45 working days after r\n  overrun needs reason\n",
    );
    let found = clauses(&document, "s");
    assert_eq!(deadline(&found[0]).kind, DeadlineKind::Target);
    assert_eq!(deadline(&found[1]).kind, DeadlineKind::Limit);
    assert_eq!(found[2], ClauseKind::OverrunNeedsReason);
}

#[test]
fn soft_and_hard_hour_limits() {
    let document =
        parse_ok("step recorded\n  target 24 hours after visit\n  due 48 hours after visit\n");
    let found = clauses(&document, "recorded");
    assert_eq!(
        (deadline(&found[0]).kind, deadline(&found[0]).amount.value),
        (DeadlineKind::Target, 24)
    );
    assert_eq!(
        (deadline(&found[1]).kind, deadline(&found[1]).unit.unit),
        (DeadlineKind::Limit, Unit::Hours)
    );
}

#[test]
fn scheduled_checkpoints() {
    let document = parse_ok(
        "checkpoint review \"Review\"\n  by manager\n  at 5, 15, 30 working days after referral\n  until complete\n",
    );
    let found = clauses(&document, "review");
    let ClauseKind::At {
        offsets,
        unit,
        clock,
    } = &found[1]
    else {
        panic!()
    };
    assert_eq!(
        offsets.iter().map(|o| o.value).collect::<Vec<_>>(),
        [5, 15, 30]
    );
    assert_eq!(unit.unit, Unit::WorkingDays);
    assert!(matches!(clock, Clock::AfterStep(n) if n.text == "referral"));
    assert!(matches!(&found[2], ClauseKind::Until(n) if n.text == "complete"));
}

#[test]
fn recurring_obligations_while_in_a_state() {
    let document = parse_ok("recurring joint_visit\n  every 6 weeks while plan_in_force\n");
    let ClauseKind::Every {
        amount,
        unit,
        during,
        guard,
    } = &clauses(&document, "joint_visit")[0]
    else {
        panic!()
    };
    assert_eq!(
        (amount.value, unit.unit, during.text.as_str()),
        (6, Unit::Weeks, "plan_in_force")
    );
    assert!(guard.is_none());
    let document = parse_ok(
        "recurring joint_visit\n  every 6 weeks while plan_in_force when lead is family_practitioner\n",
    );
    let ClauseKind::Every {
        guard: Some(guard), ..
    } = &clauses(&document, "joint_visit")[0]
    else {
        panic!()
    };
    assert_eq!(guard.any_of[0][0].fact.text, "lead");
}

#[test]
fn untimed_and_waivable_steps() {
    let document =
        parse_ok("step s\n  untimed \"the clock starts here\"\n  waivable with reason\n");
    let found = clauses(&document, "s");
    assert!(
        matches!(&found[0], ClauseKind::Untimed(reason) if reason.value == "the clock starts here")
    );
    assert_eq!(found[1], ClauseKind::Waivable);
}

#[test]
fn decisions_with_named_outcomes() {
    let document = parse_ok(
        "decision strategy\n  outcomes section47, section17\n  on section47 then enquiry\n",
    );
    assert_eq!(document.items[0].kind, ItemKind::Decision);
    let found = clauses(&document, "strategy");
    assert!(matches!(&found[0], ClauseKind::Outcomes(names) if names.len() == 2));
    assert!(
        matches!(&found[1], ClauseKind::On { outcome, target, .. } if outcome.text == "section47" && target.text == "enquiry")
    );
}

#[test]
fn guards_combine_with_and_before_or() {
    let document = parse_ok(
        "step s\n  then a when age is at least 16 and age is at most 17 or homeless is not no\n  then b when threshold is one of level3, level4\n  then c when due_date is before 2026-01-01\n",
    );
    let found = clauses(&document, "s");
    let ClauseKind::Then {
        guard: Some(guard), ..
    } = &found[0]
    else {
        panic!()
    };
    assert_eq!(guard.any_of.len(), 2);
    assert_eq!(guard.any_of[0].len(), 2);
    assert!(matches!(&guard.any_of[0][0].test, Test::AtLeast(Value::Number(n)) if n.value == 16));
    assert!(matches!(&guard.any_of[1][0].test, Test::IsNot(Value::Word(w)) if w.text == "no"));
    let ClauseKind::Then {
        guard: Some(guard), ..
    } = &found[1]
    else {
        panic!()
    };
    assert!(matches!(&guard.any_of[0][0].test, Test::OneOf(values) if values.len() == 2));
    let ClauseKind::Then {
        guard: Some(guard), ..
    } = &found[2]
    else {
        panic!()
    };
    assert!(matches!(
        &guard.any_of[0][0].test,
        Test::Before(Value::Date(_))
    ));
}

#[test]
fn known_and_not_known_may_be_followed_by_more_conditions() {
    let document =
        parse_ok("step s\n  then a when due_date is known and age is not known or age is known\n");
    let ClauseKind::Then {
        guard: Some(guard), ..
    } = &clauses(&document, "s")[0]
    else {
        panic!()
    };
    let tests: Vec<&Test> = guard.any_of.iter().flatten().map(|c| &c.test).collect();
    assert_eq!(tests, [&Test::Known, &Test::NotKnown, &Test::Known]);
}

#[test]
fn work_done_together() {
    let document = parse_ok("together work \"Work\"\n  all of a, b, c\n  then done\n");
    assert_eq!(document.items[0].kind, ItemKind::Together);
    assert!(matches!(&clauses(&document, "work")[0], ClauseKind::AllOf(names) if names.len() == 3));
}

#[test]
fn sub_procedures_and_terminal_outcomes() {
    let document =
        parse_ok("use section47 from \"section47.wm\"\nend closed \"No further action\"\n");
    assert_eq!(document.uses[0].procedure.text, "section47");
    assert_eq!(document.uses[0].path.value, "section47.wm");
    assert_eq!(document.items[0].kind, ItemKind::End);
}

#[test]
fn citations_with_a_section_and_comments_anywhere() {
    let document = parse_ok(
        "# a comment\nstep s  # after a line\n  cite protocol \"45 working days # not a comment\" in \"Timescales\"\n",
    );
    let ClauseKind::Cite(cite) = &clauses(&document, "s")[0] else {
        panic!()
    };
    assert_eq!(cite.source.text, "protocol");
    assert_eq!(cite.phrase.value, "45 working days # not a comment");
    assert_eq!(cite.section.as_ref().unwrap().value, "Timescales");
}

#[test]
fn every_node_has_a_span_inside_the_text() {
    let text =
        "procedure demo \"Demo\"\nstep visit \"Visit\"\n  due 5 working days after referral\n";
    let parsed = parse(FileId(0), text);
    let item = &parsed.document.items[0];
    let slice = |span: waymark_diagnostics::Span| &text[span.start as usize..span.end as usize];
    assert_eq!(slice(item.id.span), "visit");
    assert_eq!(slice(item.title.as_ref().unwrap().span), "\"Visit\"");
    let due = deadline(&item.clauses[0].kind);
    assert_eq!(slice(due.amount.span), "5");
    assert_eq!(slice(due.unit.span), "working days");
    assert_eq!(slice(due.clock.name().span), "referral");
    assert_eq!(
        slice(item.clauses[0].span),
        "due 5 working days after referral"
    );
}

#[test]
fn texts_continued_over_lines_are_one_text() {
    let body = "step a \"Referral received at\"\n       \"the front door\"  # a note\n  untimed \"the clock\"\n    # a comment line between\n          \"starts here\"\n  cite wt2023 \"a decision about\"\n              \"the response\" in \"Chapter\"\n                                 \"2\"\n";
    let document = parse_ok(body);
    let item = &document.items[0];
    assert_eq!(
        item.title.as_ref().unwrap().value,
        "Referral received at the front door"
    );
    let found = clauses(&document, "a");
    assert!(matches!(&found[0], ClauseKind::Untimed(t) if t.value == "the clock starts here"));
    let ClauseKind::Cite(cite) = &found[1] else {
        panic!("{found:?}")
    };
    assert_eq!(cite.phrase.value, "a decision about the response");
    assert_eq!(cite.section.as_ref().unwrap().value, "Chapter 2");
    // The text's span runs from its first quote to its last; the item's, over its title.
    let text = format!("procedure demo \"Demo\"\n{body}");
    let span = cite.phrase.span;
    assert_eq!(
        &text[span.start as usize..span.end as usize],
        "\"a decision about\"\n              \"the response\""
    );
    assert!(text[item.span.start as usize..item.span.end as usize].ends_with("front door\""));
}

#[test]
fn a_continued_line_is_never_split_by_the_parallel_parser() {
    // Far more lines than one thread parses, each item's title and reason continued.
    let mut text = String::from("procedure big \"Big\"\n");
    for index in 0..3000 {
        text.push_str(&format!(
            "step s{index} \"Step\"\n     \"{index}\"\n  untimed \"a\"\n          \"b\"\n"
        ));
    }
    let parsed = parse(FileId(0), &text);
    assert!(
        parsed.diagnostics.is_empty(),
        "{:?}",
        &parsed.diagnostics[..1]
    );
    assert_eq!(parsed.document.items.len(), 3000);
    for (index, item) in parsed.document.items.iter().enumerate() {
        assert_eq!(item.title.as_ref().unwrap().value, format!("Step {index}"));
        assert!(
            matches!(&item.clauses[..], [Clause { kind: ClauseKind::Untimed(t), .. }] if t.value == "a b")
        );
    }
}

#[test]
fn a_bad_line_with_a_continued_text_is_reported_once() {
    // A misspelt keyword opens an item: its continued title and its details are dropped quietly.
    let text = "procedure demo \"Demo\"\nstpe a \"A\"\n       \"B\"\n  by r\nstep b \"B\"\n";
    let parsed = parse(FileId(0), text);
    let codes: Vec<_> = parsed.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, vec![waymark_diagnostics::Code::UnknownKeyword]);
    assert_eq!(parsed.document.items.len(), 1);
    // A line that breaks inside a continued text points into the right line.
    let text = "procedure demo \"Demo\"\nstep a \"A\"\n       \"B\" junk\n";
    let parsed = parse(FileId(0), text);
    let span = parsed.diagnostics[0].primary.span;
    assert_eq!(&text[span.start as usize..span.end as usize], "junk");
}

#[test]
fn a_rule_with_a_continued_text_is_quoted_whole() {
    let text = "procedure demo \"Demo\"\nstep a \"A\"\n  untimed \"the clock\"  # note\n    # between\n          \"starts here\"\n  due 5 days after a\n";
    let mut sources = waymark_diagnostics::Sources::new();
    let file = sources.add("demo.wm", text.to_string());
    let parsed = parse(file, text);
    let spans: Vec<_> = parsed.document.items[0]
        .clauses
        .iter()
        .map(|c| c.span)
        .collect();
    assert_eq!(
        rule_at(&sources, spans[0]),
        (
            "demo.wm:3".to_string(),
            "untimed \"the clock\" \"starts here\"".to_string()
        )
    );
    assert_eq!(
        rule_at(&sources, spans[1]),
        ("demo.wm:6".to_string(), "due 5 days after a".to_string())
    );
}
