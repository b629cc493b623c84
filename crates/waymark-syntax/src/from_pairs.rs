//! Building syntax nodes from pest's pairs, one line at a time, then grouping lines into a
//! [`Document`]: detail lines belong to the item above them.

use crate::ast::*;
use crate::grammar::Rule;
use chrono::NaiveDate;
use pest::iterators::{Pair, Pairs};
use waymark_diagnostics::{Code, Diagnostic, FileId, Span};

/// The largest amount of time a deadline may count (10,000 working days is about 40 years).
const MAX_AMOUNT: u32 = 10_000;

/// One parsed line, before it is placed in the document.
#[derive(Clone, Debug)]
pub enum Line {
    Procedure {
        id: Name,
        title: Option<Text>,
    },
    Version(Text),
    Effective(Dated),
    Calendar(Name),
    Source(Source),
    Use(Use),
    Role(Role),
    Fact(Fact),
    Start(Name),
    Item {
        kind: ItemKind,
        id: Name,
        title: Option<Text>,
    },
    Clause(ClauseKind),
    /// A line that could not be read (already reported). When it looks like it opened an item,
    /// the detail lines under it are dropped quietly instead of each being reported again.
    Unreadable {
        opened_item: bool,
    },
}

/// Builds the node for one line. Returns `None` (with a diagnostic) when a literal in the line
/// is unusable, such as the date 2026-02-30.
pub fn line(
    pair: Pair<'_, Rule>,
    file: FileId,
    offset: usize,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Line> {
    let mut builder = Builder {
        file,
        offset,
        diagnostics,
        failed: false,
    };
    let rule = pair.as_rule();
    let span = builder.span(&pair);
    let mut parts = Parts::of(pair);
    let line = builder.line(rule, span, &mut parts);
    if builder.failed { None } else { line }
}

/// The inner pairs of a node that carry meaning: keywords and the end-of-input marker are
/// skipped, so builders see only names, texts, numbers and sub-rules.
struct Parts<'a>(Pairs<'a, Rule>);

impl<'a> Parts<'a> {
    fn of(pair: Pair<'a, Rule>) -> Self {
        Parts(pair.into_inner())
    }

    fn next(&mut self) -> Option<Pair<'a, Rule>> {
        self.0.find(|pair| carries_meaning(pair.as_rule()))
    }

    fn next_if(&mut self, rule: Rule) -> Option<Pair<'a, Rule>> {
        while self
            .0
            .peek()
            .is_some_and(|pair| !carries_meaning(pair.as_rule()))
        {
            self.0.next();
        }
        let pair = self.0.peek().filter(|pair| pair.as_rule() == rule)?;
        self.0.next();
        Some(pair)
    }
}

impl<'a> Iterator for Parts<'a> {
    type Item = Pair<'a, Rule>;

    fn next(&mut self) -> Option<Self::Item> {
        Parts::next(self)
    }
}

fn carries_meaning(rule: Rule) -> bool {
    !matches!(
        rule,
        Rule::EOI
            | Rule::k_a
            | Rule::k_after
            | Rule::k_and
            | Rule::k_as
            | Rule::k_at
            | Rule::k_recorded
            | Rule::k_before
            | Rule::k_by
            | Rule::k_each
            | Rule::k_fact
            | Rule::k_from
            | Rule::k_in
            | Rule::k_is
            | Rule::k_known
            | Rule::k_least
            | Rule::k_most
            | Rule::k_needs
            | Rule::k_no
            | Rule::k_not
            | Rule::k_of
            | Rule::k_one
            | Rule::k_or
            | Rule::k_otherwise
            | Rule::k_reason
            | Rule::k_then
            | Rule::k_updated
            | Rule::k_when
            | Rule::k_while
            | Rule::k_with
            | Rule::k_up
            | Rule::k_to
            | Rule::k_approved
            | Rule::k_yes
    )
}

struct Builder<'d> {
    file: FileId,
    offset: usize,
    diagnostics: &'d mut Vec<Diagnostic>,
    failed: bool,
}

impl Builder<'_> {
    fn line(&mut self, rule: Rule, span: Span, parts: &mut Parts<'_>) -> Option<Line> {
        let line = match rule {
            Rule::procedure_line => Line::Procedure {
                id: self.name(parts.next()?),
                title: self.opt_text(parts),
            },
            Rule::version_line => Line::Version(self.text(parts.next()?)),
            Rule::effective_line => Line::Effective(self.date(parts.next()?)?),
            Rule::calendar_line => Line::Calendar(self.raw_name(&parts.next()?)),
            Rule::source_line => Line::Source(self.source(parts, span)?),
            Rule::use_line => Line::Use(self.use_line(parts, span)?),
            Rule::role_line => Line::Role(Role {
                id: self.name(parts.next()?),
                title: self.opt_text(parts),
                span,
            }),
            Rule::fact_line => Line::Fact(self.fact(parts, span)?),
            Rule::start_line => Line::Start(self.name(parts.next()?)),
            Rule::step_line => self.item(ItemKind::Step, parts)?,
            Rule::decision_line => self.item(ItemKind::Decision, parts)?,
            Rule::together_line => self.item(ItemKind::Together, parts)?,
            Rule::checkpoint_line => self.item(ItemKind::Checkpoint, parts)?,
            Rule::recurring_line => self.item(ItemKind::Recurring, parts)?,
            Rule::end_line => self.item(ItemKind::End, parts)?,
            _ => Line::Clause(self.clause(rule, parts)?),
        };
        Some(line)
    }

    fn clause(&mut self, rule: Rule, parts: &mut Parts<'_>) -> Option<ClauseKind> {
        Some(match rule {
            Rule::by_line => self.by(parts),
            Rule::approved_line => ClauseKind::Approved {
                roles: parts.map(|pair| self.name(pair)).collect(),
            },
            Rule::due_line => ClauseKind::Deadline(self.deadline(DeadlineKind::Limit, parts)?),
            Rule::target_line => ClauseKind::Deadline(self.deadline(DeadlineKind::Target, parts)?),
            Rule::extendable_line => {
                let amount = self.number(parts.next()?)?;
                let unit = self.unit(parts.next()?)?;
                let approvers = match parts.next() {
                    Some(approval) => Parts::of(approval).map(|pair| self.name(pair)).collect(),
                    None => Vec::new(),
                };
                ClauseKind::Extendable(Extension {
                    amount,
                    unit,
                    approvers,
                })
            }
            Rule::overrun_line => ClauseKind::OverrunNeedsReason,
            Rule::untimed_line => ClauseKind::Untimed(self.text(parts.next()?)),
            Rule::waivable_line => ClauseKind::Waivable,
            Rule::may_line => ClauseKind::MayRepeat,
            Rule::optional_line => ClauseKind::Optional(self.text(parts.next()?)),
            Rule::outcomes_line => ClauseKind::Outcomes(self.names(parts.next()?)),
            Rule::on_line => {
                let outcome = self.name(parts.next()?);
                let route = parts.next()?;
                let otherwise = route.as_rule() == Rule::on_otherwise;
                let mut route = Parts::of(route);
                let target = self.name(route.next()?);
                let condition = match (otherwise, self.opt_guard(&mut route)) {
                    (true, _) => OnCondition::Otherwise,
                    (false, Some(guard)) => OnCondition::When(guard),
                    (false, None) => OnCondition::Always,
                };
                ClauseKind::On {
                    outcome,
                    target,
                    condition,
                }
            }
            Rule::then_line => {
                let target = self.name(parts.next()?);
                ClauseKind::Then {
                    target,
                    guard: self.opt_guard(parts),
                }
            }
            Rule::otherwise_line => ClauseKind::Otherwise(self.name(parts.next()?)),
            Rule::all_line => ClauseKind::AllOf(self.names(parts.next()?)),
            Rule::any_line => ClauseKind::AnyOf(self.names(parts.next()?)),
            Rule::at_line => self.at(parts)?,
            Rule::every_line => {
                let amount = self.number(parts.next()?)?;
                let unit = self.unit(parts.next()?)?;
                ClauseKind::Every {
                    amount,
                    unit,
                    during: self.name(parts.next()?),
                    guard: self.opt_guard(parts),
                }
            }
            Rule::until_line => ClauseKind::Until(self.name(parts.next()?)),
            Rule::cite_line => ClauseKind::Cite(self.cite(parts)?),
            _ => return None,
        })
    }

    fn item(&mut self, kind: ItemKind, parts: &mut Parts<'_>) -> Option<Line> {
        let id = self.name(parts.next()?);
        Some(Line::Item {
            kind,
            id,
            title: self.opt_text(parts),
        })
    }

    fn source(&mut self, parts: &mut Parts<'_>, span: Span) -> Option<Source> {
        let id = self.name(parts.next()?);
        let title = self.text(parts.next()?);
        let updated = match parts.next() {
            Some(date) => Some(self.date(date)?),
            None => None,
        };
        Some(Source {
            id,
            title,
            updated,
            span,
        })
    }

    fn use_line(&mut self, parts: &mut Parts<'_>, span: Span) -> Option<Use> {
        let procedure = self.name(parts.next()?);
        Some(Use {
            procedure,
            path: self.text(parts.next()?),
            span,
        })
    }

    fn fact(&mut self, parts: &mut Parts<'_>, span: Span) -> Option<Fact> {
        let id = self.name(parts.next()?);
        let title = self.opt_text(parts);
        let kind_pair = parts.next()?;
        let kind = match kind_pair.as_rule() {
            Rule::one_of_type => FactKind::OneOf(self.names(Parts::of(kind_pair).next()?)),
            Rule::date_type => FactKind::Date,
            Rule::number_type => FactKind::Number,
            _ => FactKind::YesNo,
        };
        let optional = parts.next_if(Rule::optional).is_some();
        let recorded_at = match parts.next_if(Rule::recorded_at) {
            Some(pair) => Some(self.name(Parts::of(pair).next()?)),
            None => None,
        };
        Some(Fact {
            id,
            title,
            kind,
            optional,
            recorded_at,
            span,
        })
    }

    fn by(&mut self, parts: &mut Parts<'_>) -> ClauseKind {
        let mut roles = Vec::new();
        let mut guard = None;
        // The first role and each `or ROLE` come as plain names; each `and ROLE` as `by_and`.
        let (mut plain, mut first_and) = (0, None);
        while let Some(pair) = parts.next() {
            match pair.as_rule() {
                Rule::name => {
                    plain += 1;
                    roles.push(self.name(pair));
                }
                Rule::by_and => {
                    first_and.get_or_insert(self.span(&pair));
                    if let Some(name) = Parts::of(pair).next() {
                        roles.push(self.name(name));
                    }
                }
                Rule::guard_clause => guard = self.guard(pair),
                _ => {}
            }
        }
        let join = match first_and {
            None => RoleJoin::Any,
            Some(_) if plain <= 1 => RoleJoin::All,
            Some(span) => RoleJoin::Mixed(span),
        };
        ClauseKind::By { roles, guard, join }
    }

    fn deadline(&mut self, kind: DeadlineKind, parts: &mut Parts<'_>) -> Option<Deadline> {
        let mut inner = Parts::of(parts.next()?);
        if let Some(same_day) = inner.next_if(Rule::same_day) {
            return self.same_day_deadline(kind, same_day, &mut inner, parts);
        }
        let amount = self.number(inner.next()?)?;
        let unit = self.unit(inner.next()?)?;
        let clock_pair = inner.next()?;
        let clock = match clock_pair.as_rule() {
            Rule::before_fact => Clock::BeforeFact(self.name(Parts::of(clock_pair).next()?)),
            Rule::before_step => Clock::BeforeStep(self.name(Parts::of(clock_pair).next()?)),
            Rule::before_each => {
                let target = Parts::of(clock_pair).next()?;
                match target.as_rule() {
                    Rule::fact_clock => Clock::BeforeEachFact(self.name(Parts::of(target).next()?)),
                    _ => Clock::BeforeEachStep(self.name(target)),
                }
            }
            _ => self.clock(clock_pair)?,
        };
        Some(Deadline {
            kind,
            amount,
            unit,
            clock,
            guard: self.opt_guard(parts),
        })
    }

    /// `same day as referral` is 0 calendar days after it; `same working day as referral` is 0
    /// working days after it (the day itself, or the next working day).
    fn same_day_deadline(
        &mut self,
        kind: DeadlineKind,
        same_day: Pair<'_, Rule>,
        inner: &mut Parts<'_>,
        parts: &mut Parts<'_>,
    ) -> Option<Deadline> {
        let span = self.span(&same_day);
        let working = Parts::of(same_day).next().is_some();
        let unit = match working {
            true => Unit::WorkingDays,
            false => Unit::CalendarDays,
        };
        let clock = self.clock(inner.next()?)?;
        Some(Deadline {
            kind,
            amount: Number { value: 0, span },
            unit: UnitWord { unit, span },
            clock,
            guard: self.opt_guard(parts),
        })
    }

    fn at(&mut self, parts: &mut Parts<'_>) -> Option<ClauseKind> {
        let mut offsets = Vec::new();
        while let Some(pair) = parts.next_if(Rule::number) {
            offsets.push(self.number(pair)?);
        }
        let unit = self.unit(parts.next()?)?;
        let clock = self.clock(parts.next()?)?;
        Some(ClauseKind::At {
            offsets,
            unit,
            clock,
        })
    }

    fn clock(&mut self, pair: Pair<'_, Rule>) -> Option<Clock> {
        let inner = Parts::of(pair).next()?;
        Some(match inner.as_rule() {
            Rule::fact_clock => Clock::AfterFact(self.name(Parts::of(inner).next()?)),
            Rule::outcome_clock => {
                let mut parts = Parts::of(inner);
                let decision = self.name(parts.next()?);
                Clock::AfterOutcome(decision, self.name(parts.next()?))
            }
            _ => Clock::AfterStep(self.name(inner)),
        })
    }

    fn cite(&mut self, parts: &mut Parts<'_>) -> Option<Cite> {
        let source = self.name(parts.next()?);
        let phrase = self.text(parts.next()?);
        let section = parts.next().map(|pair| self.text(pair));
        Some(Cite {
            source,
            phrase,
            section,
        })
    }

    fn opt_guard(&mut self, parts: &mut Parts<'_>) -> Option<Guard> {
        let pair = parts.next_if(Rule::guard_clause)?;
        self.guard(pair)
    }

    /// `guard_clause` holds one `guard` of `conjunction`s of `condition`s.
    fn guard(&mut self, clause: Pair<'_, Rule>) -> Option<Guard> {
        let guard = Parts::of(clause).next()?;
        let span = self.span(&guard);
        let mut any_of = Vec::new();
        for conjunction in Parts::of(guard) {
            let mut all_of = Vec::new();
            for condition in Parts::of(conjunction) {
                all_of.push(self.condition(condition)?);
            }
            any_of.push(all_of);
        }
        Some(Guard { any_of, span })
    }

    fn condition(&mut self, pair: Pair<'_, Rule>) -> Option<Condition> {
        let span = self.span(&pair);
        let mut inner = Parts::of(pair);
        let fact = self.name(inner.next()?);
        let test_pair = inner.next()?;
        let rule = test_pair.as_rule();
        let mut values = Vec::new();
        for value in Parts::of(test_pair) {
            values.push(self.value(value)?);
        }
        let first = values.first().cloned();
        let test = match rule {
            Rule::is_known => Test::Known,
            Rule::is_not_known => Test::NotKnown,
            Rule::is_one_of => Test::OneOf(values),
            Rule::is_at_least => Test::AtLeast(first?),
            Rule::is_at_most => Test::AtMost(first?),
            Rule::is_before => Test::Before(first?),
            Rule::is_after => Test::After(first?),
            Rule::is_not => Test::IsNot(first?),
            _ => Test::Is(first?),
        };
        Some(Condition { fact, test, span })
    }

    fn value(&mut self, pair: Pair<'_, Rule>) -> Option<Value> {
        Some(match pair.as_rule() {
            Rule::date => Value::Date(self.date(pair)?),
            Rule::number => Value::Number(self.number(pair)?),
            _ => Value::Word(self.name(pair)),
        })
    }

    fn unit(&mut self, pair: Pair<'_, Rule>) -> Option<UnitWord> {
        let span = self.span(&pair);
        let unit = match Parts::of(pair).next()?.as_rule() {
            Rule::working_days => Unit::WorkingDays,
            Rule::calendar_days => Unit::CalendarDays,
            Rule::weeks => Unit::Weeks,
            Rule::months => Unit::Months,
            Rule::hours => Unit::Hours,
            // The grammar's `unit` holds only the rules above.
            _ => return None,
        };
        Some(UnitWord { unit, span })
    }

    fn names(&mut self, list: Pair<'_, Rule>) -> Vec<Name> {
        Parts::of(list).map(|pair| self.name(pair)).collect()
    }

    fn opt_text(&mut self, parts: &mut Parts<'_>) -> Option<Text> {
        let pair = parts.next_if(Rule::text)?;
        Some(self.text(pair))
    }

    /// A name, with a diagnostic (but no failure) when it is not lower_snake_case.
    fn name(&mut self, pair: Pair<'_, Rule>) -> Name {
        let name = self.raw_name(&pair);
        if !is_snake_case(&name.text) {
            let suggestion = to_snake_case(&name.text);
            self.diagnostics.push(
                Diagnostic::new(
                    Code::InvalidName,
                    name.span,
                    format!("`{}` is not a lower_snake_case name", name.text),
                )
                .label("names use lowercase letters, digits and `_`")
                .help(format!("write `{suggestion}`")),
            );
        }
        name
    }

    fn raw_name(&self, pair: &Pair<'_, Rule>) -> Name {
        Name {
            text: pair.as_str().to_string(),
            span: self.span(pair),
        }
    }

    /// A quoted text: its pieces, when it goes on over several lines, unescaped and joined
    /// with single spaces. A piece that leaves a space at a break (or is empty) is reported: the
    /// join would double the space, and `waymark fmt` could not keep it when it re-wraps.
    fn text(&mut self, pair: Pair<'_, Rule>) -> Text {
        let span = self.span(&pair);
        let pieces: Vec<(Span, String)> = pair
            .into_inner()
            .map(|piece| {
                let inner = piece.clone().into_inner().next().map_or("", |i| i.as_str());
                (self.span(&piece), unescape(inner))
            })
            .collect();
        let last = pieces.len().saturating_sub(1);
        for (index, (piece_span, value)) in pieces.iter().enumerate() {
            if last == 0 {
                break;
            }
            let blank_start = index > 0 && value.starts_with(char::is_whitespace);
            let blank_end = index < last && value.ends_with(char::is_whitespace);
            if value.is_empty() || blank_start || blank_end {
                self.diagnostics
                    .push(broken_at_space(*piece_span, value.is_empty(), blank_end));
            }
        }
        let value = pieces
            .into_iter()
            .map(|(_, value)| value)
            .collect::<Vec<_>>()
            .join(" ");
        Text { value, span }
    }

    fn number(&mut self, pair: Pair<'_, Rule>) -> Option<Number> {
        let span = self.span(&pair);
        match pair.as_str().parse::<u32>() {
            Ok(value) if value <= MAX_AMOUNT => Some(Number { value, span }),
            _ => {
                self.fail(
                    Diagnostic::new(Code::NumberOutOfRange, span, format!("`{}` is too large for an amount of time", pair.as_str()))
                        .label(format!("at most {MAX_AMOUNT}"))
                        .help("an amount of time is a whole number up to 10000; use a larger unit such as `months`"),
                );
                None
            }
        }
    }

    fn date(&mut self, pair: Pair<'_, Rule>) -> Option<Dated> {
        let span = self.span(&pair);
        match NaiveDate::parse_from_str(pair.as_str(), "%Y-%m-%d") {
            Ok(date) => Some(Dated { date, span }),
            Err(_) => {
                self.fail(
                    Diagnostic::new(Code::InvalidDate, span, format!("`{}` is not a real date", pair.as_str()))
                        .label("no such day in the calendar")
                        .help("dates are written year-month-day, e.g. `2025-12-10`; check the month has that many days"),
                );
                None
            }
        }
    }

    fn fail(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
        self.failed = true;
    }

    fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        let span = pair.as_span();
        Span::new(
            self.file,
            self.offset + span.start(),
            self.offset + span.end(),
        )
    }
}

/// WM0117 for a piece of a continued text that starts or ends with a space at a break, or is
/// empty.
fn broken_at_space(span: Span, empty: bool, at_end: bool) -> Diagnostic {
    let (message, label) = match (empty, at_end) {
        (true, _) => (
            "this piece of a continued text is empty",
            "an empty piece adds only a space",
        ),
        (false, true) => (
            "this piece of a continued text ends with a space",
            "a space before the line break",
        ),
        (false, false) => (
            "this piece of a continued text starts with a space",
            "a space after the line break",
        ),
    };
    Diagnostic::new(Code::TextBrokenAtSpace, span, message)
        .label(label)
        .help(
            "the pieces of a continued text are joined with one space, so break it between \
             words: end each line with a word and start the next with a word (`waymark fmt` \
             wraps long texts this way)",
        )
}

fn is_snake_case(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn to_snake_case(text: &str) -> String {
    let mut out = String::new();
    for (index, c) in text.chars().enumerate() {
        if c.is_ascii_uppercase() && index > 0 && !out.ends_with('_') {
            let previous = text.chars().nth(index - 1).unwrap_or('_');
            if previous.is_ascii_lowercase() || previous.is_ascii_digit() {
                out.push('_');
            }
        }
        match c {
            '-' => out.push('_'),
            c => out.push(c.to_ascii_lowercase()),
        }
    }
    let out = out.trim_start_matches('_').to_string();
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        format!("n{out}")
    } else {
        out
    }
}

fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(next) = chars.next() {
                out.push(next);
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case_suggestions() {
        assert!(is_snake_case("initial_visit"));
        assert!(is_snake_case("review_5"));
        assert!(!is_snake_case("Initial-Visit"));
        assert_eq!(to_snake_case("Initial-Visit"), "initial_visit");
        assert_eq!(to_snake_case("initialVisit"), "initial_visit");
        assert_eq!(to_snake_case("ICPC"), "icpc");
    }

    /// The grammar is the one place a new unit is not pointed to by the compiler: every unit's
    /// words, singular and plural, must parse as that unit.
    #[test]
    fn every_unit_is_in_the_grammar() {
        for unit in Unit::ALL {
            for amount in [1u32, 3] {
                let text = format!(
                    "procedure p \"P\"\nstart a\nstep a\n  due {amount} {} after a\n",
                    unit.words(amount)
                );
                let parsed = crate::parse(FileId(0), &text);
                assert!(parsed.diagnostics.is_empty(), "{text}");
                let units: Vec<Unit> = parsed
                    .document
                    .items
                    .iter()
                    .flat_map(|item| &item.clauses)
                    .filter_map(|clause| match &clause.kind {
                        ClauseKind::Deadline(deadline) => Some(deadline.unit.unit),
                        _ => None,
                    })
                    .collect();
                assert_eq!(units, [unit], "{text}");
            }
        }
    }

    #[test]
    fn unescapes_quotes() {
        assert_eq!(unescape(r#"a \"b\" c"#), "a \"b\" c");
    }
}
