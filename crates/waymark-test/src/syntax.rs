//! Test-file text to a tree with spans. Like a procedure, a test file is line-oriented: a line's
//! first word picks its shape, a bad line is reported and the rest of the file is still read,
//! and `#` starts a comment outside quoted text.

use chrono::{NaiveDate, NaiveTime};
use waymark_diagnostics::{Code, Diagnostic, FileId, Span, did_you_mean};

/// Every word that may start a line.
pub const KEYWORDS: [&str; 6] = ["tests", "test", "as", "fact", "record", "expect"];

/// A word or a quoted text of a line, with its place in the file.
#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    pub text: String,
    pub quoted: bool,
    pub span: Span,
}

/// A name as written, with its span, for "did you mean" against the procedure.
#[derive(Clone, Debug, PartialEq)]
pub struct Name {
    pub text: String,
    pub span: Span,
}

impl Name {
    fn of(token: &Token) -> Name {
        Name {
            text: token.text.clone(),
            span: token.span,
        }
    }
}

/// One test file: the procedure it tests and its tests.
#[derive(Clone, Debug, Default)]
pub struct TestFile {
    /// The procedure file, relative to the test file's folder, and where it is named.
    pub procedure: Option<(String, Span)>,
    pub tests: Vec<Test>,
}

/// One test: a case's facts and records on an as-of date, and what must hold.
#[derive(Clone, Debug)]
pub struct Test {
    pub name: Name,
    pub title: Option<String>,
    /// The `test` line.
    pub span: Span,
    pub as_of: Option<(NaiveDate, Span)>,
    pub facts: Vec<(Name, Token)>,
    pub records: Vec<Record>,
    pub expectations: Vec<Expectation>,
    /// How many of its lines could not be read: such a test is not run, since it would not
    /// test what its author wrote.
    pub unreadable: usize,
}

/// `record STEP on DATE [HH:MM] [outcome WORD] [by ROLE] [approved by ROLE] [reason "TEXT"]
/// [waived] [fact NAME VALUE]... [extended by N]`.
#[derive(Clone, Debug)]
pub struct Record {
    pub step: Name,
    pub on: Option<(NaiveDate, Option<NaiveTime>)>,
    pub outcome: Option<Name>,
    pub by: Option<Name>,
    /// The role that signed the record off.
    pub approved_by: Option<Name>,
    pub reason: Option<String>,
    pub waived: bool,
    /// `fact unanimous no`: facts the record gives, for facts recorded at its step.
    pub facts: Vec<(Name, String)>,
    /// `extended by N`: a record of an extension of the step by N of its extension's unit, not
    /// of the step done.
    pub extended_by: Option<u32>,
    pub span: Span,
}

/// One `expect` line: what it says (as written, for the report) and what it checks.
#[derive(Clone, Debug)]
pub struct Expectation {
    pub what: Expect,
    /// The line after `expect`, as written.
    pub text: String,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum Expect {
    /// `expect STEP [occurrence N] [STATUS] [due DATE|none] [target DATE] [skipping "A", "B"|nothing]`
    Step {
        step: Name,
        occurrence: Option<u32>,
        status: Option<Name>,
        due: Option<Option<NaiveDate>>,
        target: Option<NaiveDate>,
        /// The bank holidays (or closures) the governing due date skips; empty for `nothing`.
        skipping: Option<Vec<String>>,
        /// `approval recorded|missing`: the step's sign-off.
        approval: Option<Name>,
        /// `awaiting ROLE, ROLE` (or `awaiting nobody`): the roles of a `by a and b` step with
        /// no record yet.
        awaiting: Option<Vec<Name>>,
        /// `extended to DATE|none`: the due date an extension gives (`none`: no extension
        /// applies), with the word's span.
        extended: Option<(Option<NaiveDate>, Span)>,
    },
    /// `expect case open|closed|left|not_started [at END]`
    State { state: Name, end: Option<Name> },
    /// `expect case at STEP, STEP`: exactly these steps are open.
    At { steps: Vec<Name> },
    /// `expect next STEP`: what is due next.
    Next { step: Name },
    /// `expect deviation KIND STEP`
    Deviation { kind: Name, step: Name },
    /// `expect no deviations`
    NoDeviations,
}

/// The result of reading a test file: as much as could be read, and the problems.
#[derive(Clone, Debug, Default)]
pub struct Parsed {
    pub file: TestFile,
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads one test file. Never panics; every problem becomes a diagnostic.
pub fn parse(file: FileId, text: &str) -> Parsed {
    let mut parsed = Parsed::default();
    for (start, line) in raw_lines(text) {
        let span = Span::new(file, start, start + line.len());
        let read = tokenize(file, start, line).and_then(|tokens| {
            let outcome = read_line(&tokens, span, &mut parsed.file);
            // A `test` line that cannot be read still starts a test (not run), so the lines
            // under it are not taken for the test before.
            if outcome.is_err() && tokens.first().is_some_and(|t| t.text == "test") {
                parsed.file.tests.push(unreadable_test(span));
            }
            outcome
        });
        if let Err(diagnostic) = read {
            if let Some(test) = parsed.file.tests.last_mut() {
                test.unreadable += 1;
            }
            parsed.diagnostics.push(*diagnostic);
        }
    }
    if parsed.file.procedure.is_none() {
        parsed.diagnostics.push(
            Diagnostic::new(
                Code::TestFileNoProcedure,
                Span::new(file, 0, 0),
                "this test file does not say which procedure it tests",
            )
            .label("expected a `tests \"FILE.wm\"` line first")
            .help("start the file with e.g. `tests \"assessment.wm\"`, the procedure's path from this file's folder"),
        );
    }
    parsed
}

type Result<T> = std::result::Result<T, Box<Diagnostic>>;

fn read_line(tokens: &[Token], span: Span, out: &mut TestFile) -> Result<()> {
    let Some(first) = tokens.first() else {
        return Ok(());
    };
    let rest = tokens.get(1..).unwrap_or_default();
    match first.text.as_str() {
        "tests" => read_header(first, rest, span, out),
        "test" => {
            out.tests.push(read_test(rest, span)?);
            Ok(())
        }
        keyword @ ("as" | "fact" | "record" | "expect") => {
            let Some(test) = out.tests.last_mut() else {
                return Err(Box::new(
                    Diagnostic::new(
                        Code::TestDetailOutsideTest,
                        first.span,
                        format!("`{keyword}` line comes before any `test` line"),
                    )
                    .label("not inside a test")
                    .help("begin a test first, e.g. `test christmas_referral \"Referral on Christmas Eve\"`"),
                ));
            };
            match keyword {
                "as" => read_as_of(first, rest, span, test),
                "fact" => read_fact(rest, span, test),
                "record" => read_record(rest, span, test),
                _ => read_expect(rest, span, test),
            }
        }
        word => Err(Box::new(unknown_keyword(first, word))),
    }
}

fn unknown_keyword(token: &Token, word: &str) -> Diagnostic {
    let diagnostic = Diagnostic::new(
        Code::TestUnknownKeyword,
        token.span,
        format!("`{word}` does not start a line of a test file"),
    );
    match did_you_mean(word, KEYWORDS.iter().copied()) {
        Some(meant) => diagnostic
            .label(format!("did you mean `{meant}`?"))
            .help(format!("write `{meant}`")),
        None => diagnostic.label("not a keyword").help(format!(
            "a line starts with one of: {}",
            KEYWORDS.join(", ")
        )),
    }
}

fn malformed(span: Span, message: impl Into<String>, help: impl Into<String>) -> Box<Diagnostic> {
    Box::new(
        Diagnostic::new(Code::TestLineMalformed, span, message)
            .label("this line")
            .help(help),
    )
}

fn read_header(first: &Token, rest: &[Token], span: Span, out: &mut TestFile) -> Result<()> {
    let help = "write the procedure's path in quotes, e.g. `tests \"assessment.wm\"`";
    match rest {
        [path] if path.quoted && !path.text.is_empty() => {
            if let Some((_, earlier)) = &out.procedure {
                return Err(Box::new(
                    Diagnostic::new(
                        Code::TestLineMalformed,
                        first.span,
                        "a test file tests one procedure, and this is a second `tests` line",
                    )
                    .label("second `tests` line")
                    .related(*earlier, "the procedure is named here")
                    .help("put the tests of another procedure in a file of their own"),
                ));
            }
            out.procedure = Some((path.text.clone(), path.span));
            Ok(())
        }
        _ => Err(malformed(
            span,
            "a `tests` line names one procedure file, in quotes",
            help,
        )),
    }
}

fn read_test(rest: &[Token], span: Span) -> Result<Test> {
    let help = "write e.g. `test christmas_referral \"Referral on Christmas Eve\"`";
    let (name, title) = match rest {
        [name] if !name.quoted => (name, None),
        [name, title] if !name.quoted && title.quoted => (name, Some(title.text.clone())),
        _ => {
            return Err(malformed(
                span,
                "a `test` line gives a name and, if you like, a title in quotes",
                help,
            ));
        }
    };
    check_name(name)?;
    Ok(Test {
        name: Name::of(name),
        title,
        span,
        as_of: None,
        facts: Vec::new(),
        records: Vec::new(),
        expectations: Vec::new(),
        unreadable: 0,
    })
}

/// Stands in for a test whose `test` line could not be read, so its detail lines are not
/// taken for the test before.
fn unreadable_test(span: Span) -> Test {
    Test {
        name: Name {
            text: String::new(),
            span,
        },
        title: None,
        span,
        as_of: None,
        facts: Vec::new(),
        records: Vec::new(),
        expectations: Vec::new(),
        unreadable: 0,
    }
}

/// Names are lower_snake_case, as in procedures.
fn check_name(token: &Token) -> Result<()> {
    let good = !token.quoted
        && token.text.starts_with(|c: char| c.is_ascii_lowercase())
        && token
            .text
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    match good {
        true => Ok(()),
        false => Err(Box::new(
            Diagnostic::new(
                Code::TestLineMalformed,
                token.span,
                format!("`{}` is not a name written in lower_snake_case", token.text),
            )
            .label("expected a name here")
            .help("names are lower-case letters, digits and `_`, e.g. `christmas_referral`"),
        )),
    }
}

fn read_as_of(first: &Token, rest: &[Token], span: Span, test: &mut Test) -> Result<()> {
    let help = "write e.g. `as of 2026-01-31`: the day the case is looked at";
    let [of, date] = rest else {
        return Err(malformed(span, "an `as of` line gives one date", help));
    };
    if of.text != "of" || of.quoted {
        return Err(malformed(span, "an `as` line reads `as of DATE`", help));
    }
    if let Some((_, earlier)) = test.as_of {
        return Err(Box::new(
            Diagnostic::new(
                Code::TestLineMalformed,
                first.span,
                "this test already has an `as of` date",
            )
            .label("second `as of`")
            .related(earlier, "the first is here")
            .help("keep one `as of` line per test"),
        ));
    }
    test.as_of = Some((read_date(date)?, span));
    Ok(())
}

fn read_fact(rest: &[Token], span: Span, test: &mut Test) -> Result<()> {
    match rest {
        [name, value] if !name.quoted => {
            test.facts.push((Name::of(name), value.clone()));
            Ok(())
        }
        _ => Err(malformed(
            span,
            "a `fact` line gives a fact's name and its value",
            "write e.g. `fact threshold level3` or `fact expected_delivery 2026-03-01`",
        )),
    }
}

fn read_record(rest: &[Token], span: Span, test: &mut Test) -> Result<()> {
    let help = "write e.g. `record initial_visit on 2026-01-05 by social_worker`; after the step \
                come `on DATE [HH:MM]`, `outcome WORD`, `by ROLE`, `approved by ROLE`, \
                `reason \"TEXT\"`, `waived`, `fact NAME VALUE`, `extended by N`";
    let Some((step, mut words)) = rest.split_first() else {
        return Err(malformed(
            span,
            "a `record` line names the step recorded",
            help,
        ));
    };
    if step.quoted {
        return Err(malformed(
            span,
            "a `record` line names the step recorded",
            help,
        ));
    }
    let mut record = Record {
        step: Name::of(step),
        on: None,
        outcome: None,
        by: None,
        approved_by: None,
        reason: None,
        waived: false,
        facts: Vec::new(),
        extended_by: None,
        span,
    };
    while let Some((word, after)) = words.split_first() {
        words = after;
        match (word.text.as_str(), words.first()) {
            ("waived", _) if !word.quoted => record.waived = true,
            ("on", None) | ("outcome" | "by" | "reason", None) if !word.quoted => {
                return Err(Box::new(
                    Diagnostic::new(
                        Code::TestLineMalformed,
                        word.span,
                        format!("`{}` needs a value after it", word.text),
                    )
                    .label("nothing after this")
                    .help(help),
                ));
            }
            ("on", Some(date)) if !word.quoted => {
                let day = read_date(date)?;
                words = words.get(1..).unwrap_or_default();
                let time = match words.first() {
                    Some(time) if time.text.contains(':') => {
                        words = words.get(1..).unwrap_or_default();
                        Some(read_time(time)?)
                    }
                    _ => None,
                };
                record.on = Some((day, time));
            }
            ("outcome", Some(value)) if !word.quoted => {
                record.outcome = Some(Name::of(value));
                words = words.get(1..).unwrap_or_default();
            }
            ("by", Some(value)) if !word.quoted => {
                record.by = Some(Name::of(value));
                words = words.get(1..).unwrap_or_default();
            }
            ("approved", Some(by)) if !word.quoted && by.text == "by" && words.len() >= 2 => {
                record.approved_by = words.get(1).map(Name::of);
                words = words.get(2..).unwrap_or_default();
            }
            ("extended", Some(by)) if !word.quoted && by.text == "by" && words.len() >= 2 => {
                let amount = words.get(1).filter(|n| !n.quoted);
                let amount = amount.and_then(|n| n.text.parse::<u32>().ok().filter(|n| *n > 0));
                let Some(amount) = amount else {
                    return Err(malformed(
                        span,
                        "`extended by` needs a whole number above zero, in the unit of the \
                         step's `extendable` line",
                        "write e.g. `extended by 10 reason \"an interpreter\" approved by manager`",
                    ));
                };
                record.extended_by = Some(amount);
                words = words.get(2..).unwrap_or_default();
            }
            ("reason", Some(value)) if !word.quoted && value.quoted => {
                record.reason = Some(value.text.clone());
                words = words.get(1..).unwrap_or_default();
            }
            // A fact recorded at the step, as `"facts"` on the event: `fact unanimous no`.
            ("fact", Some(name)) if !word.quoted && !name.quoted && words.len() >= 2 => {
                let value = words.get(1).map(|v| v.text.clone()).unwrap_or_default();
                record.facts.push((Name::of(name), value));
                words = words.get(2..).unwrap_or_default();
            }
            _ => {
                return Err(not_understood(word, "a `record`", help));
            }
        }
    }
    if record.on.is_none() && !record.waived {
        return Err(malformed(
            span,
            "a record needs a date: only a waiver may be recorded without one",
            help,
        ));
    }
    test.records.push(record);
    Ok(())
}

fn read_date(token: &Token) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(&token.text, "%Y-%m-%d")
        .ok()
        .filter(|_| token.text.len() == 10 && !token.quoted)
        .ok_or_else(|| {
            Box::new(
                Diagnostic::new(
                    Code::TestDateInvalid,
                    token.span,
                    format!("`{}` is not a real date written YYYY-MM-DD", token.text),
                )
                .label("expected a date")
                .help("write a date such as 2026-01-05"),
            )
        })
}

fn read_time(token: &Token) -> Result<NaiveTime> {
    NaiveTime::parse_from_str(&token.text, "%H:%M")
        .ok()
        .filter(|_| token.text.len() == 5)
        .ok_or_else(|| {
            Box::new(
                Diagnostic::new(
                    Code::TestDateInvalid,
                    token.span,
                    format!("`{}` is not a time of day written HH:MM", token.text),
                )
                .label("expected a time")
                .help("write a time such as 09:30"),
            )
        })
}

const EXPECT_HELP: &str = "write e.g. `expect initial_visit pending due 2026-01-05`, \
    `expect case closed at child_in_need_plan`, `expect case at initial_visit`, \
    `expect next initial_visit`, `expect deviation out_of_order parents_seen` or \
    `expect no deviations` (docs/testing.md lists them all)";

fn read_expect(rest: &[Token], span: Span, test: &mut Test) -> Result<()> {
    let Some(first) = rest.first() else {
        return Err(malformed(
            span,
            "an `expect` line says what must hold",
            EXPECT_HELP,
        ));
    };
    let text = rest
        .iter()
        .map(|t| match t.quoted {
            true => format!("\"{}\"", t.text),
            false => t.text.clone(),
        })
        .collect::<Vec<_>>()
        .join(" ")
        .replace(" ,", ",");
    let words: Vec<&Token> = rest.iter().filter(|t| t.text != "," || t.quoted).collect();
    let what = match (first.text.as_str(), words.get(1..).unwrap_or_default()) {
        ("case", [at, steps @ ..]) if at.text == "at" && !steps.is_empty() => Expect::At {
            steps: steps.iter().map(|t| Name::of(t)).collect(),
        },
        ("case", [state]) => Expect::State {
            state: Name::of(state),
            end: None,
        },
        ("case", [state, at, end]) if at.text == "at" => Expect::State {
            state: Name::of(state),
            end: Some(Name::of(end)),
        },
        ("next", [step]) => Expect::Next {
            step: Name::of(step),
        },
        ("deviation", [kind, step]) => Expect::Deviation {
            kind: Name::of(kind),
            step: Name::of(step),
        },
        ("no", [deviations]) if deviations.text == "deviations" => Expect::NoDeviations,
        ("case" | "next" | "deviation" | "no", _) => {
            return Err(malformed(
                span,
                format!(
                    "this `expect {}` line does not have the shape it needs",
                    first.text
                ),
                EXPECT_HELP,
            ));
        }
        _ if first.quoted => {
            return Err(malformed(
                span,
                "an `expect` line starts with a step's name",
                EXPECT_HELP,
            ));
        }
        _ => read_step_expectation(first, words.get(1..).unwrap_or_default(), span)?,
    };
    test.expectations.push(Expectation { what, text, span });
    Ok(())
}

fn read_step_expectation(step: &Token, mut words: &[&Token], span: Span) -> Result<Expect> {
    let mut occurrence = None;
    let mut status = None;
    let mut due = None;
    let mut target = None;
    let mut skipping = None;
    let mut approval = None;
    let mut awaiting = None;
    let mut extended = None;
    while let Some((word, after)) = words.split_first() {
        words = after;
        let value = words.first();
        match (word.text.as_str(), value) {
            ("occurrence", Some(n)) => {
                occurrence = Some(n.text.parse::<u32>().ok().filter(|n| *n > 0).ok_or_else(
                    || malformed(n.span, "an occurrence is a number from 1", EXPECT_HELP),
                )?);
                words = words.get(1..).unwrap_or_default();
            }
            ("due", Some(date)) if date.text == "none" => {
                due = Some(None);
                words = words.get(1..).unwrap_or_default();
            }
            ("due", Some(date)) => {
                due = Some(Some(read_date(date)?));
                words = words.get(1..).unwrap_or_default();
            }
            ("target", Some(date)) => {
                target = Some(read_date(date)?);
                words = words.get(1..).unwrap_or_default();
            }
            ("skipping", Some(nothing)) if nothing.text == "nothing" && !nothing.quoted => {
                skipping = Some(Vec::new());
                words = words.get(1..).unwrap_or_default();
            }
            ("skipping", Some(_)) => {
                let names: Vec<String> = words
                    .iter()
                    .take_while(|t| t.quoted)
                    .map(|t| t.text.clone())
                    .collect();
                if names.is_empty() {
                    return Err(malformed(
                        span,
                        "`skipping` lists holidays in quotes, or says `nothing`",
                        "write e.g. `skipping \"Christmas Day\", \"Boxing Day\"`",
                    ));
                }
                words = words.get(names.len()..).unwrap_or_default();
                skipping = Some(names);
            }
            ("approval", Some(value)) if !value.quoted => {
                approval = Some(Name::of(value));
                words = words.get(1..).unwrap_or_default();
            }
            ("extended", Some(to)) if to.text == "to" && !to.quoted => {
                let Some(date) = words.get(1) else {
                    return Err(malformed(
                        span,
                        "`extended to` needs a date, or `none`",
                        EXPECT_HELP,
                    ));
                };
                let date = match date.text.as_str() {
                    "none" if !date.quoted => None,
                    _ => Some(read_date(date)?),
                };
                extended = Some((date, word.span));
                words = words.get(2..).unwrap_or_default();
            }
            ("awaiting", Some(first)) if !first.quoted => {
                let roles: Vec<Name> = words
                    .iter()
                    .take_while(|t| !t.quoted && !STEP_EXPECT_WORDS.contains(&t.text.as_str()))
                    .map(|t| Name::of(t))
                    .collect();
                words = words.get(roles.len()..).unwrap_or_default();
                let nobody = matches!(roles.as_slice(), [only] if only.text == "nobody");
                awaiting = Some(if nobody { Vec::new() } else { roles });
            }
            _ if status.is_none() && !word.quoted => status = Some(Name::of(word)),
            _ => {
                return Err(not_understood(word, "an `expect`", EXPECT_HELP));
            }
        }
    }
    let nothing = status.is_none() && due.is_none() && target.is_none() && skipping.is_none();
    if nothing && approval.is_none() && awaiting.is_none() && extended.is_none() {
        return Err(malformed(
            span,
            format!(
                "this line names `{}` but not what must hold for it",
                step.text
            ),
            EXPECT_HELP,
        ));
    }
    Ok(Expect::Step {
        step: Name::of(step),
        occurrence,
        status,
        due,
        target,
        skipping,
        approval,
        awaiting,
        extended,
    })
}

/// The words that start a part of an `expect STEP` line (a list of roles stops at one).
const STEP_EXPECT_WORDS: [&str; 7] = [
    "occurrence",
    "due",
    "target",
    "skipping",
    "approval",
    "awaiting",
    "extended",
];

/// Each line that is not blank or a comment: where its text starts and the text, without the
/// comment and surrounding spaces.
fn raw_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut start = 0;
    text.split('\n').filter_map(move |line| {
        let line_start = start;
        start += line.len() + 1;
        let content = line.strip_suffix('\r').unwrap_or(line);
        let trimmed = content.trim_start();
        let kept = waymark_syntax::without_comment(trimmed).trim_end();
        (!kept.is_empty()).then(|| (line_start + content.len() - trimmed.len(), kept))
    })
}

/// Words, quoted texts and commas. A quote left open is the only error.
fn tokenize(file: FileId, start: usize, line: &str) -> Result<Vec<Token>> {
    let mut tokens = Vec::new();
    let mut chars = line.char_indices().peekable();
    while let Some(&(at, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == ',' {
            chars.next();
            tokens.push(Token {
                text: ",".into(),
                quoted: false,
                span: Span::new(file, start + at, start + at + 1),
            });
        } else if c == '"' {
            chars.next();
            let mut text = String::new();
            let mut end = None;
            while let Some((index, c)) = chars.next() {
                match c {
                    '\\' => {
                        if let Some((_, next)) = chars.next() {
                            text.push(next);
                        }
                    }
                    '"' => {
                        end = Some(index + 1);
                        break;
                    }
                    _ => text.push(c),
                }
            }
            let Some(end) = end else {
                return Err(Box::new(
                    Diagnostic::new(
                        Code::TestLineMalformed,
                        Span::new(file, start + at, start + line.len()),
                        "a quoted text has no closing quote",
                    )
                    .label("opened here")
                    .help("close the text with `\"`"),
                ));
            };
            tokens.push(Token {
                text,
                quoted: true,
                span: Span::new(file, start + at, start + end),
            });
        } else {
            let mut end = line.len();
            while let Some(&(index, c)) = chars.peek() {
                if c.is_whitespace() || c == ',' || c == '"' {
                    end = index;
                    break;
                }
                chars.next();
            }
            tokens.push(Token {
                text: line[at..end].to_string(),
                quoted: false,
                span: Span::new(file, start + at, start + end),
            });
        }
    }
    Ok(tokens)
}

/// A word a `record` or `expect` line does not take (`line` is "a `record`").
fn not_understood(word: &Token, line: &str, help: impl Into<String>) -> Box<Diagnostic> {
    Box::new(
        Diagnostic::new(
            Code::TestLineMalformed,
            word.span,
            format!("`{}` is not understood in {line} line", word.text),
        )
        .label("not expected here")
        .help(help),
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail loudly")]
    use super::*;

    fn parse_text(text: &str) -> Parsed {
        parse(FileId(0), text)
    }

    #[test]
    fn reads_a_whole_test() {
        let parsed = parse_text(
            "tests \"assessment.wm\"  # the procedure\n\
             test christmas \"Referral on Christmas Eve\"\n\
             \x20 as of 2026-01-20\n\
             \x20 fact threshold level3\n\
             \x20 record referral on 2025-12-24 09:30 by front_door\n\
             \x20 record child_seen_alone waived reason \"not safe # at all\"\n\
             \x20 expect initial_visit pending due 2026-01-06 skipping \"Christmas Day\", \"Boxing Day\"\n\
             \x20 expect case at initial_visit, parents_seen\n\
             \x20 expect no deviations\n",
        );
        assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
        let test = &parsed.file.tests[0];
        assert_eq!(test.name.text, "christmas");
        assert_eq!(test.records.len(), 2);
        assert_eq!(test.records[1].reason.as_deref(), Some("not safe # at all"));
        assert!(test.records[0].on.unwrap().1.is_some());
        assert_eq!(test.expectations.len(), 3);
        match &test.expectations[0].what {
            Expect::Step { skipping, due, .. } => {
                assert_eq!(skipping.as_ref().unwrap().len(), 2);
                assert!(due.unwrap().is_some());
            }
            other => panic!("{other:?}"),
        }
        match &test.expectations[1].what {
            Expect::At { steps } => assert_eq!(steps.len(), 2),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn bad_lines_are_reported_and_the_rest_read() {
        let parsed = parse_text(
            "tests \"a.wm\"\nexpect x met\ntest t\n  expct x met\n  as of 2026-02-30\n  expect x met\n",
        );
        let codes: Vec<Code> = parsed.diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(
            codes,
            [
                Code::TestDetailOutsideTest,
                Code::TestUnknownKeyword,
                Code::TestDateInvalid
            ]
        );
        assert_eq!(parsed.file.tests[0].expectations.len(), 1);
    }

    /// Every prefix of a file, and the file with each line left out, is read without a panic.
    #[test]
    fn cut_and_gapped_files_never_panic() {
        let text = "tests \"a.wm\"\ntest t \"T\"\n  as of 2026-01-31\n  fact f \"x y\"\n  \
                    record s on 2026-01-05 10:30 outcome o by r reason \"why, \\\" not\" waived\n  \
                    expect s occurrence 2 met due none target 2026-01-02 skipping \"A\", \"B\"\n  \
                    expect case closed at e\n  expect case at a, b\n  expect deviation repeated s\n";
        for (cut, _) in text.char_indices() {
            let _ = parse(FileId(0), &text[..cut]);
        }
        let lines: Vec<&str> = text.lines().collect();
        for gap in 0..lines.len() {
            let mut kept = lines.clone();
            kept.remove(gap);
            let _ = parse(FileId(0), &kept.join("\n"));
        }
        assert!(parse(FileId(0), text).diagnostics.is_empty());
    }

    #[test]
    fn a_file_without_header_is_reported() {
        let parsed = parse_text("test t\n");
        assert_eq!(parsed.diagnostics[0].code, Code::TestFileNoProcedure);
    }
}
